"""A corrected approved month settled in an open month (L.5): the policy's rule, and the values.

An approved month is never rewritten: the difference a correction makes is settled in the first
open month after it, one retro line per corrected month (engine.run.retro computes them).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from engine.model.label import Label


class Overpayment(StrEnum):
    """What becomes of pay that a corrected approved month turned out to have overpaid (L.5)."""

    OWED = "owed"  # recorded as owed by the agent, never deducted (the default: no agreement recorded)
    RECOVER = "recover"  # deducted in the next open months within the legal guard, as the agreement allows
    WAIVE = "waive"  # not recovered


@dataclass(frozen=True, slots=True)
class Corrections:
    """The policy's `corrections:`: how an overpayment is settled, and the agreement that allows it."""

    overpayment: Overpayment = Overpayment.OWED
    agreement: Label | None = None  # the recorded agreement a recovery rests on (required with `recover`)


class Bound(StrEnum):
    """Why a line settled less than was owed."""

    NONE = ""
    CAP = "cap"  # the month's deduction cap (after the loss deduction) is used up
    MINIMUM_WAGE = "minimum_wage"  # recovering more would pay under the minimum wage
    NOTHING_LEFT = "nothing_left"  # the month pays nothing more to recover from
    OWED = "owed"  # no recorded agreement allows recovering it: it stays owed (`overpayment: owed`)
    WAIVED = "waived"  # the policy waives overpayments (`corrections: {overpayment: waive}`)


@dataclass(frozen=True, slots=True)
class Owed:
    """What a corrected approved month still owes one agent (> 0) or she owes back (< 0)."""

    period: str  # the corrected month
    approved_run: int  # the run that was approved and paid
    correction_run: int  # the run that now stands for the month
    amount: Decimal
    first: bool = True  # no earlier month has written a line for it (an amount merely owed is said once)


@dataclass(frozen=True, slots=True)
class RetroLine:
    """One corrected month settled in this month: paid (+), recovered (−) or waived."""

    agent: str
    period: str
    approved_run: int
    correction_run: int
    owed: Decimal  # what was still owed before this line
    amount: Decimal  # paid this month (+) or recovered (−)
    waived: Decimal = Decimal(0)  # an overpayment the policy does not recover (settled without money)
    bound: Bound = Bound.NONE

    @property
    def settled(self) -> Decimal:
        """How much of what was owed this line settles, in money or by waiver."""
        return self.amount + self.waived

    @property
    def left(self) -> Decimal:
        """What is still owed after this line."""
        return self.owed - self.settled
