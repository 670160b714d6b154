"""What reads across months: a per-month condition, a value over a window of months, and the months.

Months are `YYYY-MM` texts; a window is the last N of them, oldest first, across year ends.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from engine.model.label import Label


def last_months(period: str, count: int) -> tuple[str, ...]:
    """The `count` months ending with `period` (YYYY-MM), oldest first, across year ends."""
    index = int(period[:4]) * 12 + int(period[5:7]) - 1
    return tuple(f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1))


@dataclass(frozen=True, slots=True)
class Condition:
    """A per-month condition (a role review's `each:`, a window's `where:`), over a month's values."""

    text: str
    holds: Callable[[Mapping[str, object]], object]
    names: tuple[str, ...] = ()  # what it reads: the ledger skips decoding what no condition reads


@dataclass(frozen=True, slots=True)
class Window:
    """A value over months (S4.4/S4.5 quarterly excellence; S3.1 points that accumulate): how many
    months of the window, this one included, meet `where` (`count`), or how many in a row up to
    this one (`consecutive`); `where` reads choice metrics, role and grade, known from the inputs
    before this month is evaluated and recorded for every earlier month. `sum` and `mean` add up
    a recorded value (`of`: score, total, KPI points, a pay line) over the window's earlier months
    only: this month's is what is being computed."""

    name: str
    label: Label
    rules: tuple[str, ...]
    quarter: bool
    months: int  # the last N months (with `quarter`: at most 3, the quarter to date)
    stat: str  # count | consecutive (over `where`, this month included) | sum | mean (of `of`, earlier months)
    where: Condition | None = None
    of: str | None = None

    @property
    def reads(self) -> tuple[str, ...]:
        return self.where.names if self.where is not None else (self.of,) if self.of else ()

    def earlier(self, period: str) -> tuple[str, ...]:
        """The window's months before `period`, oldest first."""
        count = (int(period[5:7]) - 1) % 3 + 1 if self.quarter else self.months
        return last_months(period, count)[:-1]
