"""Penalty clauses' facts from an agent's events, prepared before the month is evaluated.

A clause counts events in natural days, weeks (Monday to Sunday) or months of the policy's zone,
or each event on its own (`per: event`): each event's `day` was fixed in that zone when the file
was read, so four slow replies on one UTC day that span two Shanghai days are two and two, not
four (S4.P24 "more than 3 in one day"). Besides the count, a clause's evidence (the events behind
each firing, and the period that came closest when it did not fire) and the amounts of those
events (the loss) become inputs: the trace keeps them, so explain names the events, and the
ledger keeps the trace.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from engine.errors import EvaluationError
from engine.policy.compile import Plan
from engine.policy.compile_events import Clause
from engine.policy.compile_penalties import CARRIED_IN, EVENTS, LOSS, MINIMUM_WAGE
from engine.run.events import Event

ZERO = Decimal(0)
# An event as the trace keeps it: (local time, order number, value, amount, where it was read).
Shown = tuple[str, str, Decimal | None, Decimal | None, str]


def _period(clause: Clause, event: Event, index: int) -> tuple:
    day = event.day
    if clause.per == "day":
        return (day,)
    if clause.per == "week":
        monday = day - timedelta(days=day.weekday())
        return (monday,)
    if clause.per == "month":
        return (date(day.year, day.month, 1),)
    return (day, index)  # per event: each occurrence is its own period


def period_text(clause: Clause, key: tuple) -> str:
    """The period a firing happened in, as explain reads it: a day, a week (Monday/Sunday) or a month."""
    start = key[0]
    if clause.per == "week":
        return f"{start.isoformat()}/{(start + timedelta(days=6)).isoformat()}"
    if clause.per == "month":
        return start.isoformat()[:7]
    return start.isoformat()


def clause_facts(clause: Clause, events: Iterable[Event], zone) -> tuple[Decimal, tuple, Decimal]:
    """(how many periods the clause fired in, its evidence, the amount involved).

    The evidence is (((period, (event, ...)), ...) for each firing, (period, count) of the period
    that came closest without firing when it came within one event, else None)."""
    groups: dict[tuple, list[Event]] = {}
    for index, event in enumerate(events):
        if event.kind != clause.kind:
            continue
        if clause.value_over is not None and (event.value is None or event.value <= clause.value_over):
            continue
        groups.setdefault(_period(clause, event, index), []).append(event)
    fired = sorted((key, found) for key, found in groups.items() if len(found) > clause.count_over)
    near = None
    if not fired and clause.count_over > 0 and groups:
        key, found = max(groups.items(), key=lambda item: (len(item[1]), [-d.toordinal() for d in item[0][:1]]))
        if len(found) == clause.count_over:
            near = (period_text(clause, key), Decimal(len(found)))
    evidence = (tuple((period_text(clause, key), tuple(_shown(e, zone) for e in found)) for key, found in fired),
                near)
    if isinstance(clause.deducts, Decimal):
        loss = clause.deducts * len(fired)
    elif clause.costs:
        loss = sum((e.amount or ZERO for _, found in fired for e in found), ZERO)
    else:
        loss = ZERO
    return Decimal(len(fired)), evidence, loss


def _shown(event: Event, zone) -> Shown:
    local = event.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
    return (local, event.order, event.value, event.amount, event.source)


def with_penalties(plan: Plan, inputs: Sequence, carried: Mapping[str, Decimal]) -> list:
    """Each input with its clauses' facts added to `values`; with `deductions:`, the loss carried in
    from earlier months (`carried`, from the ledger) and the month's minimum wage too."""
    zone = plan.events.tz if plan.events is not None else None
    wage = {}
    if plan.deductions is not None:
        for period in sorted({item.period for item in inputs}):
            wage[period] = plan.deductions.minimum_for(period)
            if wage[period] is None:
                first = plan.deductions.minimum_wage[0][0]
                raise EvaluationError(
                    f"{plan.policy.path}: deductions: minimum_wage has no amount in force in {period} (the first is "
                    f"from {first}); declare the minimum wage that applied then",
                    f"{plan.policy.path}：deductions: minimum_wage 在 {period} 没有生效的金额（最早的从 {first} 起）；"
                    "请补上当时适用的最低工资")
    found = []
    for item in inputs:
        values = dict(item.values)
        for clause in plan.penalties:
            count, evidence, loss = clause_facts(clause, item.events, zone)
            values[clause.name], values[clause.name + EVENTS] = count, evidence
            if clause.costs:
                values[clause.name + LOSS] = loss
        if plan.deductions is not None:
            values[CARRIED_IN] = carried.get(item.agent, ZERO)
            values[MINIMUM_WAGE] = wage[item.period]
        found.append(replace(item, values=values))
    return found
