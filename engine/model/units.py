"""How a step's value is shown: the unit explain and the workbook write it in.

A metric's or derived value's declared `type:` is its unit (a choice metric's is text); the
compiler gives the others theirs (points, yes/no, a rate, events). A StrEnum, so the text is the
unit's word as before units had a type.
"""

from __future__ import annotations

from enum import StrEnum


class Unit(StrEnum):
    NONE = ""  # a plain number, shown as computed
    NUMBER = "number"
    MONEY = "money"
    RATIO = "ratio"  # a fraction shown as a percentage (0.95 → 95.00 %)
    PERCENT = "percent"
    RATE = "rate"  # a commission rate, shown as a percentage
    DURATION = "duration"  # seconds
    COUNT = "count"
    POINTS = "points"
    TEXT = "text"  # an id: role, grade, rating, a choice metric's value, how a fallback supplied a value
    BOOL = "bool"
    EVENTS = "events"  # the events behind a penalty clause


# The units whose values explain shows as percentages (145.00 %).
PERCENT_UNITS = frozenset({Unit.RATIO, Unit.PERCENT, Unit.RATE})
