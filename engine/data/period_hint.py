"""The date range an export states outside its table: in its file name or in a line above the header.

赤兔 names its custom reports `自定义报表_客服绩效_下单优先判定_2026-10-01至2026-10-31.xlsx`; other
back offices write `统计时间: 2026-10-01 ~ 2026-10-31` above the header. Written forms accepted:
`2026-10-01`, `2026/10/01`, `2026.10.01`, `2026年10月1日`, `20261001`, joined by 至, 到, ~, ～, -,
—, – or `to`. A range that is exactly one calendar month names the period; anything else (part of a
month, two months) only constrains it, and the caller decides what to do with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from engine.errors import DataIssue
from engine.text import halfwidth

_DATE = r"(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{2})(\d{2}))"
_RANGE = re.compile(rf"(?<!\d){_DATE}\s*(?:至|到|~|-|—|–|_|to)\s*{_DATE}(?!\d)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Hint:
    """A date range stated outside the table, and where (`the file name`, `row 2`)."""

    where: str
    where_zh: str
    first: date
    last: date

    @property
    def month(self) -> str | None:
        """`YYYY-MM` when the range is exactly one calendar month, else None."""
        after = self.last + timedelta(days=1)
        if (
            self.first.day == 1
            and after.day == 1
            and (after.year * 12 + after.month) - (self.first.year * 12 + self.first.month) == 1
        ):
            return f"{self.first.year:04d}-{self.first.month:02d}"
        return None

    @property
    def months(self) -> tuple[str, ...]:
        """Every `YYYY-MM` the range touches, first to last."""
        start, end = self.first.year * 12 + self.first.month - 1, self.last.year * 12 + self.last.month - 1
        return tuple(f"{k // 12:04d}-{k % 12 + 1:02d}" for k in range(start, end + 1))

    @property
    def shown(self) -> str:
        return f"{self.first.isoformat()} – {self.last.isoformat()}"


def _date(parts: tuple[str | None, ...]) -> date | None:
    year, month, day, compact_month, compact_day = parts
    try:
        if month is not None:
            return date(int(year), int(month), int(day))
        return date(int(year), int(compact_month), int(compact_day))
    except ValueError:
        return None


def date_range(text: str) -> tuple[date, date] | None:
    """The first well-formed `first … last` date range in `text`, or None."""
    for match in _RANGE.finditer(halfwidth(text)):
        groups = match.groups()
        first, last = _date(groups[:5]), _date(groups[5:])
        if first is not None and last is not None and first <= last:
            return first, last
    return None


def find_hints(file_name: str, preamble: tuple[tuple[int, str], ...]) -> list[Hint]:
    """Every date range the file name and the rows above the header state."""
    hints = []
    found = date_range(file_name)
    if found is not None:
        hints.append(Hint("the file name", "文件名", *found))
    for row, text in preamble:
        found = date_range(text)
        if found is not None:
            hints.append(Hint(f"row {row}", f"第 {row} 行", *found))
    return hints


def no_period(path: str, header_row: int) -> DataIssue:
    """A file that says nowhere which month it is (no 月份 column, no --period, no range in its name or
    above its header): one issue for the file, at its header, never the same line for every row."""
    return DataIssue(path, header_row, "",
                     "no period: the file has no 月份 (period) column, and neither --period nor a date range in the "
                     "file name or above the header says which month it is; add the column or pass --period YYYY-MM",
                     zh="没有月份：文件中没有“月份”列，--period、文件名和表头上方也都没有说明是哪个月；"
                     "请添加“月份”列，或用 --period YYYY-MM 指定")
