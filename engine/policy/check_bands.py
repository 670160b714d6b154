"""Bands and tiers in order: each touches the one before it, none empty, overlapping or unsorted.

Bands are half-open. With `closed: left` (the default) a band is [from, to): it holds its `from`;
with `closed: right` it is (from, to]: it holds its `to`, as a rule book's "≤ 35 s → 100;
(35, 45] → 80" reads. Either way consecutive bands must share a bound, so every value between
the first `from` and the last `to` belongs to exactly one band.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from engine.diagnostics import Code, Problem, problem
from engine.policy import names as n


def number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value)


def interval(low: object, high: object, closed: str) -> str:
    """`[0.9, 0.95)` or `(35, 45]`; an open end shows as …."""
    left = "[" if closed == "left" and low is not None else "("
    right = "]" if closed == "right" and high is not None else ")"
    return f"{left}{'…' if low is None else low}, {'…' if high is None else high}{right}"


def check_bands(path: tuple, bands: list, closed: str) -> Iterator[Problem]:
    """Bands must be ordered and touch: each `from` equals the previous `to`."""
    previous_to: Decimal | None = None
    for index, band in enumerate(bands):
        band = n.mapping(band)
        low, high = number(band.get("from")), number(band.get("to"))
        here = (*path, index)
        if index > 0 and low is None:
            yield problem(Code.JX205, here, "no_from")
        if index < len(bands) - 1 and high is None:
            yield problem(Code.JX205, here, "no_to")
        if low is not None and high is not None and low >= high:
            yield problem(Code.JX207, here, "empty", band=interval(low, high, closed))
        if index > 0 and low is not None and previous_to is not None:
            if low > previous_to:
                gap = interval(previous_to, low, "left" if closed == "left" else "right")
                yield problem(Code.JX205, here, "gap", gap=gap)
            elif low < previous_to:
                previous_from = number(n.mapping(bands[index - 1]).get("from"))
                if previous_from is not None and low < previous_from:
                    yield problem(Code.JX207, here, "order", this=interval(low, None, closed),
                                  before=interval(previous_from, None, closed))
                else:
                    yield problem(Code.JX206, here, low=low, previous=previous_to)
        previous_to = high
