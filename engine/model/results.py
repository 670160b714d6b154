"""What a month's evaluation gives, and what a month records for each agent.

An `AgentResult` is the evaluation's outcome (with its trace, the value of every plan step); an
`Outcome` is what the ledger records: the result, the manual adjustments added after evaluation
(never inside the plan) and the retro lines settling corrected approved months.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from engine.model.corrections import RetroLine


class AgentResult(NamedTuple):
    """One agent-month's outcome, and with `trace=True` the value of every plan step.

    A NamedTuple rather than a frozen dataclass: just as immutable, but built in one call, where
    a frozen dataclass sets each of its twelve fields through `object.__setattr__`. A large
    firm's year builds 120,000 of these; that was a fifth of the evaluation's time.
    """

    agent: str
    period: str
    team: str
    name: str
    role: str | None
    grade: str | None
    score: Decimal | None  # None: the policy has no scorecard (S4)
    rating: str | None
    kpis: tuple[tuple[str, Decimal], ...]
    pay: tuple[tuple[str, Decimal], ...]
    total: Decimal
    # Each choice metric's value id (考核结果 → 'excellent'), in metric order: reports show its label.
    choices: tuple[tuple[str, str], ...] = ()
    # What the ledger keeps of penalty clauses: each clause's count (0 when it does not apply),
    # warnings and serious warnings issued, amounts charged to others, the loss carried forward.
    penalties: tuple[tuple[str, Decimal], ...] = ()
    # Each flag of the policy (`flags:`, S1.5), in policy order: (id, its condition held this month,
    # raised). Outputs a person acts on, never pay; the ledger keeps them per agent-month.
    flags: tuple[tuple[str, bool, bool], ...] = ()
    trace: tuple | None = None
    # The roster columns the policy carries into reports (`roster.carry`), as text, in policy order.
    columns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One approved correction to one agent's pay for the month, as read from the file."""

    agent: str
    amount: Decimal
    reason: str
    approved_by: str
    source: str = ""


class Outcome(NamedTuple):
    """What is recorded for one agent-month: the evaluation, its manual adjustments, the retro
    lines settling corrected approved months (engine.run.retro), and the total paid."""

    result: AgentResult
    adjustments: tuple[Adjustment, ...]
    total: Decimal
    retro: tuple[RetroLine, ...] = ()

    @property
    def lines_total(self) -> Decimal:
        """What the lines after evaluation add: manual adjustments and retro lines."""
        return (sum((a.amount for a in self.adjustments), Decimal(0))
                + sum((r.amount for r in self.retro), Decimal(0)))
