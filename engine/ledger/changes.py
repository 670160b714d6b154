"""What a correction changed in each month it was carried through, agent by agent.

Computed from the records themselves (the month's run before and after), so what the clerk reads
is what the ledger now holds: pay, grade, role, the decisions made or undone, and retro lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from engine.ledger.store import CHANGES, Decision
from engine.model.corrections import RetroLine
from engine.model.results import Outcome


class Standing(StrEnum):
    """What became of a month a run touched."""

    RECORDED = "recorded"  # an open month: its new run is current and pays
    CORRECTED = "corrected"  # an approved month: not rewritten; the correction is settled by retro lines
    UNCHANGED = "unchanged"  # recomputed under the new state, with the same results


@dataclass(frozen=True, slots=True)
class AgentChange:
    agent: str
    name: str
    total: tuple[Decimal | None, Decimal | None]  # before, after (None: not in that run)
    grade: tuple[str | None, str | None]
    role: tuple[str | None, str | None]
    undone: tuple[Decision, ...]  # decisions the month no longer makes
    made: tuple[Decision, ...]  # decisions it now makes
    retro: tuple[RetroLine, ...]  # its retro lines now, when they changed


@dataclass(frozen=True, slots=True)
class MonthChange:
    period: str
    standing: Standing
    before: int | None  # the run that stood (None: the month was not recorded)
    after: int | None  # the run recorded (None: nothing recorded, or a dry run)
    agents: tuple[AgentChange, ...]
    approved: int | None = None  # for a corrected month: the approved run, which stays what was paid


def _decided(d: Decision) -> tuple:
    """What a decision decides, not how its reason is worded: a newer jixiao that words a reason
    differently has not undone and made again the decision of a month it carries through."""
    return d.agent, d.period, str(d.kind), d.from_value, d.to_value, d.rule, d.decided_by, d.months_met, d.months_of


def month_change(period: str, standing: Standing, before: int | None, after: int | None,
                 old: Sequence[Outcome], old_decisions: Sequence[Decision], new: Sequence[Outcome],
                 new_decisions: Sequence[Decision], approved: int | None = None) -> MonthChange:
    """Each agent whose total, grade, role, decisions or retro lines differ between the two runs."""
    was = {o.result.agent: o for o in old}
    now = {o.result.agent: o for o in new}
    # A decision that changes nothing (reviewed, stays) is said only by what replaced it or what it replaced.
    old_keys = {_decided(d): d for d in old_decisions if d.kind in CHANGES}
    new_keys = {_decided(d): d for d in new_decisions if d.kind in CHANGES}
    undone_by: dict[str, list[Decision]] = {}
    made_by: dict[str, list[Decision]] = {}
    for key, d in old_keys.items():
        if key not in new_keys:
            undone_by.setdefault(d.agent, []).append(d)
    for key, d in new_keys.items():
        if key not in old_keys:
            made_by.setdefault(d.agent, []).append(d)
    changes = []
    for agent in sorted(was.keys() | now.keys() | undone_by.keys() | made_by.keys()):
        a, b = was.get(agent), now.get(agent)
        undone, made = tuple(undone_by.get(agent, ())), tuple(made_by.get(agent, ()))
        retro_a, retro_b = (a.retro if a else ()), (b.retro if b else ())
        change = AgentChange(
            agent, (b or a).result.name if (b or a) else "",  # type: ignore[union-attr]
            (a.total if a else None, b.total if b else None),
            (a.result.grade if a else None, b.result.grade if b else None),
            (a.result.role if a else None, b.result.role if b else None),
            undone, made, retro_b if retro_a != retro_b else ())
        if (change.total[0] != change.total[1] or change.grade[0] != change.grade[1]
                or change.role[0] != change.role[1] or undone or made or retro_a != retro_b):
            changes.append(change)
    return MonthChange(period, standing, before, after, tuple(changes), approved)
