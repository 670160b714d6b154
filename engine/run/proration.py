"""Mid-month joiners and leavers: the calendar days of the month an agent was employed.

From the roster's 入职日期 and 离职日期 (both days included); no date means employed from before
the month (or after it). The policy decides what the days scale (`proration:`, a minimum's
`prorate: calendar_days`, or any expression reading days_worked / days_in_month); an agent whose
dates leave no day of the month is an error naming the row, never a month paid at zero days.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from engine.diagnostics import Code, problem
from engine.errors import JixiaoError
from engine.model.step_names import DAYS_IN_MONTH, DAYS_WORKED


class NotEmployed(JixiaoError):
    """An agent's roster dates leave no day of the month: the row should not be in its data (JX414)."""

    def __init__(self, message: str, zh: str):
        super().__init__(message)
        self.zh = zh
        self.code = Code.JX414

    def lines(self, lang: str = "en") -> list[str]:
        return [self.zh if lang == "zh" else str(self)]


def days_worked(period: str, joined: str = "", left: str = "") -> tuple[int, int]:
    """(days employed in `period`, days in `period`): joined 2026-11-10 → (21, 30) in 2026-11."""
    year, month = int(period[:4]), int(period[5:7])
    days = calendar.monthrange(year, month)[1]
    first, last = date(year, month, 1), date(year, month, days)
    start = max(first, date.fromisoformat(joined)) if joined else first
    end = min(last, date.fromisoformat(left)) if left else last
    return max(0, (end - start).days + 1), days


def days_block(names: Sequence[str], items: Sequence) -> list[tuple]:
    """Each agent's days worked and days in the month (Decimals, exact), in the order of `names`."""
    found = []
    for item in items:
        worked, days = days_worked(item.period, item.joined, item.left)
        if worked == 0:
            where = item.source or item.agent
            bad = problem(Code.JX414, where=where, agent=item.agent, period=item.period, joined=item.joined or "—",
                          left=item.left or "—")
            raise NotEmployed(bad.message("en"), bad.message("zh"))
        values = {DAYS_WORKED: Decimal(worked), DAYS_IN_MONTH: Decimal(days)}
        found.append(tuple(values[name] for name in names))
    return found
