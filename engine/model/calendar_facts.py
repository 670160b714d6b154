"""Calendar facts: what any expression may read about the month evaluated and the agent's roster dates.

The period is a month (`YYYY-MM`) of the policy's own calendar; quarters are calendar quarters
(January–March …), as `windows: {over: quarter}` and `every: quarter` count them. Each fact is an
input of the plan when an expression reads it, and only then, so a policy that reads none has the
plan it had before the facts existed:

    month_of_quarter      1, 2 or 3: the month's place in its quarter (2026-12 → 3)
    closes_quarter        true in a quarter's last month (March, June, September, December)
    closes_year           true in December
    months_since_joining  whole months with the company at the end of the month, from the roster's
                          入职日期 (joined 2026-10-01 → 3 at 2026-12's end; joined 2026-10-02 → 2),
                          exactly as a role review's `tenure_months` counts them
    days_worked           calendar days of the month employed, from 入职日期 and 离职日期, both
                          included (no date: from before the month, or after it)
    days_in_month         the days of the month (28–31)

`days_worked` and `days_in_month` are the inputs `proration:` declares; read without it, they are
the same values (engine.run.proration).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from engine.model.label import Label
from engine.model.step_names import DAYS_IN_MONTH, DAYS_WORKED

MONTH_OF_QUARTER, CLOSES_QUARTER, CLOSES_YEAR, MONTHS_SINCE_JOINING = (
    "month_of_quarter", "closes_quarter", "closes_year", "months_since_joining")

# What each fact is called, and how explain states its definition (its formula line).
FACTS: Mapping[str, tuple[Label, Label]] = {
    MONTH_OF_QUARTER: (Label("本月是季度的第几个月", "Month of the quarter"),
                       Label("按评定月份：1、4、7、10 月为 1，2、5、8、11 月为 2，3、6、9、12 月为 3",
                             "from the period: 1 in Jan, Apr, Jul, Oct; 2 in Feb, May, Aug, Nov; 3 in Mar, Jun, "
                             "Sep, Dec")),
    CLOSES_QUARTER: (Label("本月为季度末月", "Closes the quarter"),
                     Label("按评定月份：3、6、9、12 月为是",
                           "from the period: yes in March, June, September, December")),
    CLOSES_YEAR: (Label("本月为年末月", "Closes the year"),
                  Label("按评定月份：12 月为是", "from the period: yes in December")),
    MONTHS_SINCE_JOINING: (Label("入职满月数", "Months since joining"),
                           Label("按花名册入职日期，至本月底满的整月数（与评定的 tenure_months 相同）",
                                 "whole months from the roster's join date to the end of the month (as a review's "
                                 "tenure_months counts them)")),
    DAYS_WORKED: (Label("本月在职天数", "Days worked"),
                  Label("按花名册入职日期、离职日期计算（含首尾两天）",
                        "from the roster's join and leave dates, both included")),
    DAYS_IN_MONTH: (Label("本月天数", "Days in month"), Label("按评定月份", "from the period")),
}
# The facts given per period alone, and those that need the roster's join date.
FROM_PERIOD = frozenset({MONTH_OF_QUARTER, CLOSES_QUARTER, CLOSES_YEAR})
NEEDS_JOINED = frozenset({MONTHS_SINCE_JOINING})
# Facts filled with the days of `proration:` (engine.run.proration), read or declared.
DAYS = frozenset({DAYS_WORKED, DAYS_IN_MONTH})
BOOLEAN = frozenset({CLOSES_QUARTER, CLOSES_YEAR})


def month_of_quarter(period: str) -> int:
    """1, 2 or 3: 2026-10 → 1, 2026-12 → 3."""
    return (int(period[5:7]) - 1) % 3 + 1


def tenure_months(joined: str, period: str) -> int:
    """Whole months with the company at the end of `period`: joined 2026-10-01 → 3 at 2026-12's end,
    joined 2026-10-02 → 2 (a day short of three months)."""
    year, month, day = int(joined[:4]), int(joined[5:7]), int(joined[8:10])
    end = int(period[:4]) * 12 + int(period[5:7])  # the month after `period`, counted from year 0
    return max(0, end - (year * 12 + month - 1) - (1 if day > 1 else 0))


def period_fact(name: str, period: str) -> object:
    """A fact given by the period alone: month_of_quarter (a Decimal), closes_quarter, closes_year."""
    place = month_of_quarter(period)
    if name == MONTH_OF_QUARTER:
        return Decimal(place)
    if name == CLOSES_QUARTER:
        return place == 3
    return int(period[5:7]) == 12


def said(name: str, value: object, period: str) -> Label | None:
    """Where a fact's value came from, as explain says it: 本月为季度末月（2026-12）."""
    if name == CLOSES_QUARTER:
        return (Label(f"本月为季度末月（{period}）", f"this month closes its quarter ({period})") if value
                else Label(f"本月不是季度末月（{period}，季度第 {month_of_quarter(period)} 个月）",
                           f"this month does not close its quarter ({period}, month {month_of_quarter(period)} of "
                           "it)"))
    if name == CLOSES_YEAR:
        return (Label(f"本月为年末月（{period}）", f"this month closes the year ({period})") if value
                else Label(f"本月不是年末月（{period}）", f"this month does not close the year ({period})"))
    if name == MONTH_OF_QUARTER:
        return Label(f"{period} 是季度的第 {value} 个月", f"{period} is month {value} of its quarter")
    if name == MONTHS_SINCE_JOINING:
        return Label(f"按花名册入职日期，至 {period} 月底满 {value} 个月",
                     f"{value} whole months from the roster's join date to the end of {period}")
    return None  # days worked and days in the month: their formula says it
