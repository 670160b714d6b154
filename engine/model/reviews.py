"""Career reviews (S0.7, S4) as a plan holds them: plain values the ledger stage applies.

A review is not a step of the monthly plan: it reads a window of months, so it runs after the
month is evaluated, over what the ledger recorded (`engine.ledger.reviews`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from engine.model.label import Label
from engine.model.months import Condition, last_months


@dataclass(frozen=True, slots=True)
class Then:
    """What a count of months met leads to: `up`, `stay`, `down` (to `grade`) or `dismiss`."""

    action: str
    grade: str | None = None


@dataclass(frozen=True, slots=True)
class Review:
    id: str
    label: Label
    rules: tuple[str, ...]
    months: int  # the window: reviews close in the months whose number is a multiple of this
    met: str  # the expression's text, as reasons quote it
    meets: Callable[[Mapping[str, object]], object] = lambda _: False
    outcomes: tuple[Then, ...] = ()  # indexed by months met, 0..months
    at_lowest: tuple[Then, ...] | None = None  # for agents at the lowest grade, when declared
    partial: str = "skip"  # skip | months_worked
    reads: tuple[str, ...] = ()  # the names `met` reads
    line: int = 0  # where the review is declared, for warnings at run time
    entry: str | None = None  # the grade a joiner without a grade enters at (S0.6)

    def reads_month(self, closing: str, month: str) -> bool:
        """Whether the review held at `closing` counts `month`."""
        return self.closes(closing) and month in self.window(closing)

    def closes(self, period: str) -> bool:
        """Whether `period` (YYYY-MM) ends a window: quarters end in Mar, Jun, Sep and Dec."""
        return int(period[5:7]) % self.months == 0

    def window(self, period: str) -> tuple[str, ...]:
        """The months of the window that closes with `period`, oldest first."""
        return last_months(period, self.months)


@dataclass(frozen=True, slots=True)
class RoleReview:
    """One step of a role path (S4): holders of `role` promoted to `to`, or dismissed."""

    id: str
    label: Label
    rules: tuple[str, ...]
    months: int  # the cadence: the review runs in months whose number is a multiple of this
    role: str
    to: str | None = None
    tenure: int | None = None  # whole months with the company at the end of the review month
    window: int = 0  # promotion needs `each` in every one of the last `window` months
    each: Condition | None = None
    consecutive: int = 0  # dismissal after this many consecutive months meeting `dismiss_each`
    dismiss_each: Condition | None = None
    line: int = 0

    def reads_month(self, closing: str, month: str) -> bool:
        return self.closes(closing) and month in last_months(closing, self.needs())

    def closes(self, period: str) -> bool:
        return int(period[5:7]) % self.months == 0

    def needs(self) -> int:
        """How many months back (this one included) the review reads."""
        return max(self.window, self.consecutive, 1)
