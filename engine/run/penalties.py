"""Penalty clauses' values from an agent's events, prepared before the month is evaluated.

A clause counts events in natural days, weeks (Monday to Sunday) or months of the policy's zone:
each event's `day` was fixed in that zone when the file was read, so four slow replies on one UTC
day that span two Shanghai days are two and two, not four (S4.P24 "more than 3 in one day").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal

from engine.policy.compile import Plan
from engine.policy.compile_events import Clause
from engine.run.events import Event


def periods_fired(clause: Clause, events: Iterable[Event]) -> Decimal:
    """How many natural periods hold more than `count_over` of the clause's events (0: not fired)."""
    counted: Counter = Counter()
    for event in events:
        if event.kind != clause.kind:
            continue
        if clause.value_over is not None and (event.value is None or event.value <= clause.value_over):
            continue
        day = event.day
        key = day if clause.per == "day" else day.isocalendar()[:2] if clause.per == "week" else (day.year, day.month)
        counted[key] += 1
    return Decimal(sum(1 for count in counted.values() if count > clause.count_over))


def with_penalties(plan: Plan, inputs: Sequence) -> list:
    """Each input with its clauses' values added to `values`, from its own events."""
    return [replace(item, values={**item.values, **{c.name: periods_fired(c, item.events) for c in plan.penalties}})
            for item in inputs]
