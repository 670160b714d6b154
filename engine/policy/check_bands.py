"""Bands and tiers in order: each touches the one before it, none empty, overlapping or unsorted.

Bands are half-open. With `closed: left` (the default) a band is [from, to): it holds its `from`;
with `closed: right` it is (from, to]: it holds its `to`, as a rule book's "≤ 35 s → 100;
(35, 45] → 80" reads. Either way consecutive bands must share a bound, so every value between
the first `from` and the last `to` belongs to exactly one band.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from engine.policy import names as n

Report = Callable[..., None]


def number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value)


def interval(low: object, high: object, closed: str) -> str:
    """`[0.9, 0.95)` or `(35, 45]`; an open end shows as …."""
    left = "[" if closed == "left" and low is not None else "("
    right = "]" if closed == "right" and high is not None else ")"
    return f"{left}{'…' if low is None else low}, {'…' if high is None else high}{right}"


def check_bands(report: Report, path: tuple, bands: list, closed: str) -> None:
    """Bands must be ordered and touch: each `from` equals the previous `to`."""
    previous_to: Decimal | None = None
    for index, band in enumerate(bands):
        band = n.mapping(band)
        low, high = number(band.get("from")), number(band.get("to"))
        here = (*path, index)
        if index > 0 and low is None:
            report(here, "JX205", "only the first band may leave out 'from'", "只有第一档可以省略 from")
        if index < len(bands) - 1 and high is None:
            report(here, "JX205", "only the last band may leave out 'to'", "只有最后一档可以省略 to")
        if low is not None and high is not None and low >= high:
            shown = interval(low, high, closed)
            report(here, "JX207", f"band {shown} is empty or reversed: from must be below to",
                   f"档位 {shown} 为空或上下颠倒：from 必须小于 to")
        if index > 0 and low is not None and previous_to is not None:
            if low > previous_to:
                gap = interval(previous_to, low, "left" if closed == "left" else "right")
                report(here, "JX205", f"gap between bands: {gap} is not covered", f"档位之间有空缺：{gap} 没有被覆盖")
            elif low < previous_to:
                previous_from = number(n.mapping(bands[index - 1]).get("from"))
                if previous_from is not None and low < previous_from:
                    this, before = interval(low, None, closed), interval(previous_from, None, closed)
                    report(here, "JX207", f"bands out of order: {this} comes after {before}; sort by from",
                           f"档位顺序错误：{this} 排在 {before} 之后；请按 from 从小到大排列")
                else:
                    report(here, "JX206",
                           f"bands overlap: this band starts at {low}, the previous one ends at {previous_to}",
                           f"档位重叠：这一档从 {low} 开始，上一档到 {previous_to} 才结束")
        previous_to = high
