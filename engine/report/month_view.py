"""One month as the payslips and the team report read it: its outcomes and, when it is recorded,
the run that produced them, the decisions its reviews made and the months recorded before it.

Built by `engine.paid_month` (from files, or from the ledger); the renderers only read it, so a
payslip from files and one from the ledger differ only in what the ledger alone can say.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from engine.ledger.store import Decision
from engine.model.plan import Plan
from engine.model.results import Outcome


@dataclass(frozen=True, slots=True)
class Approval:
    """Who approved the month and when (UTC), as the ledger recorded it."""

    by: str
    at: str


@dataclass(frozen=True, slots=True)
class RunRecord:
    """Which recorded run a report shows, as the ledger holds it: the workbook's 记录 sheet."""

    run: int
    period: str
    status: str  # current | superseded (engine.report.messages.STATUS)
    recorded_at: str
    jixiao_version: str
    approval: Approval | None = None  # the approval in force of this run, if any


@dataclass(frozen=True, slots=True)
class MonthView:
    """A month's outcomes (with their traces) and what the ledger adds when it is recorded."""

    plan: Plan
    period: str
    outcomes: tuple[Outcome, ...]
    run_id: int | None = None  # None: evaluated from files, not recorded
    approval: Approval | None = None
    decisions: tuple[Decision, ...] = ()  # made with this month's run (reviews closing with it)
    by_hand: tuple[Decision, ...] = ()  # recorded by hand (`jixiao decide`) for this month, in force next month
    # The recorded months up to this one, as paid: (period, outcomes without traces), in period order.
    history: tuple[tuple[str, tuple[Outcome, ...]], ...] = ()
    # The policy has penalty clauses and no events file was read: no clause could fire, which a
    # payslip must say rather than "no clause fired".
    events_unread: bool = False
    # Evaluated from files with losses carried month to month: what earlier months left is unknown (L.1).
    carry_unknown: bool = False

    @property
    def recorded(self) -> bool:
        return self.run_id is not None

    def decisions_for(self, agent: str) -> tuple[Decision, ...]:
        return tuple(d for d in (*self.decisions, *self.by_hand) if d.agent == agent)

    def only_team(self, team: str) -> MonthView:
        """The same month for one team's agents (the month-over-month history keeps every team)."""
        return replace(self, outcomes=tuple(o for o in self.outcomes if o.result.team == team))
