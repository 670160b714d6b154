"""The roster state for month N+1: the ledger's career decisions up to month N over the roster file.

The roster (or the metrics file) says who works this month and their grade, role and team as HR
keeps them; a decision recorded in the ledger for an earlier month (S0.7 grade reviews, the S4
promotion path) wins over it from the month after, so nobody has to edit the roster after a
review. A dismissal is final until a `reinstatement` decision: a dismissed agent in a later
month's data is an error naming the agent and the decision, never a month silently paid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from engine.ledger.store import Decision, LedgerError
from engine.run.evaluate import AgentInput, AgentState, State


@dataclass(frozen=True, slots=True)
class Career:
    """One agent's facts as the ledger's decisions leave them, and the decision behind each."""

    grade: str | None = None
    role: str | None = None
    team: str | None = None
    dismissed: Decision | None = None


def careers(decisions: Iterable[Decision]) -> dict[str, Career]:
    """Each agent's career after `decisions`, applied in the order given (period, then entry)."""
    found: dict[str, Career] = {}
    for d in decisions:
        now = found.get(d.agent, Career())
        if d.kind == "grade_change":
            now = replace(now, grade=d.to_value)
        elif d.kind == "role_change":
            now = replace(now, role=d.to_value)
        elif d.kind == "team_change":
            now = replace(now, team=d.to_value)
        elif d.kind == "dismissal":
            now = replace(now, dismissed=d)
        elif d.kind == "reinstatement":
            now = replace(now, dismissed=None)
        found[d.agent] = now
    return found


def month_state(inputs: Sequence[AgentInput], decisions: Iterable[Decision],
                period: str) -> tuple[list[AgentInput], State]:
    """This month's inputs with decided teams applied, and the State the evaluation starts from.

    `decisions` are those made before `period`. A dismissed agent in the inputs is a LedgerError
    listing every such agent with the decision that dismissed them."""
    known = careers(decisions)
    dismissed = [(item, known[item.agent].dismissed) for item in inputs
                 if item.agent in known and known[item.agent].dismissed is not None]
    if dismissed:
        raise DismissedAgents(period, [(item.agent, item.source, d) for item, d in dismissed if d is not None])
    adjusted = [replace(item, team=known[item.agent].team) if item.agent in known and known[item.agent].team
                else item for item in inputs]
    state = State({agent: AgentState(role=c.role, grade=c.grade) for agent, c in known.items()
                   if c.role or c.grade})
    return adjusted, state


def zh_source(source: str) -> str:
    """`m.csv row 5` (where a row came from, as the data stage writes it) as `m.csv 第 5 行`."""
    return re.sub(r" row (\d+)$", r" 第 \1 行", source)


class DismissedAgents(LedgerError):
    """Agents the ledger records as dismissed appear in a later month's data."""

    def __init__(self, period: str, found: list[tuple[str, str, Decision]]):
        self.found = found
        en = [f"agent {agent} is in the {period} data ({source or 'metrics'}) but was dismissed in {d.period} "
              f"(decision {d.id}: {d.reason_in('en')}{', rule ' + d.rule if d.rule else ''}); remove the row, or "
              "record a reinstatement if the agent was rehired" for agent, source, d in found]
        zh = [f"客服 {agent} 出现在 {period} 的数据中（{zh_source(source) or '指标文件'}），但已于 {d.period} 被辞退"
              f"（决定 {d.id}：{d.reason}{'，规则 ' + d.rule if d.rule else ''}）；请删除该行，如已重新录用，"
              "请记录复职决定" for agent, source, d in found]
        super().__init__("\n".join(en), "\n".join(zh))
        self._en, self._zh = en, zh

    def lines(self, lang: str = "en") -> list[str]:
        return self._zh if lang == "zh" else self._en
