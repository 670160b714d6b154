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

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta, tzinfo
from decimal import Decimal

from engine.diagnostics import Code, problem
from engine.errors import EvaluationError
from engine.model.events import Event
from engine.model.penalties import Clause
from engine.model.plan import Plan
from engine.model.step_names import ADJUSTMENTS, CARRIED_IN, EVENTS, LOSS, MINIMUM_WAGE

ZERO = Decimal(0)
# An event as the trace keeps it: (local time, order number, value, amount, where it was read), and
# its kind when the clause counts several kinds.
Shown = tuple[str, str, Decimal | None, Decimal | None, str] | tuple[str, str, Decimal | None, Decimal | None, str, str]


def _key(per: str) -> Callable[[Event], date]:
    """The natural period an event falls in, as the date it starts on (per: event is handled apart)."""
    if per == "day":
        return lambda event: event.day
    if per == "week":
        return lambda event: event.day - timedelta(days=event.day.weekday())
    return lambda event: event.day.replace(day=1)


def period_text(per: str, start: date) -> str:
    """The period a firing happened in, as explain reads it: a day, a week (Monday/Sunday) or a month."""
    if per == "week":
        return f"{start.isoformat()}/{(start + timedelta(days=6)).isoformat()}"
    if per == "month":
        return start.isoformat()[:7]
    return start.isoformat()


NOTHING = (ZERO, ((), None), ZERO)


def clause_facts(clause: Clause, events: Sequence[Event], zone: tzinfo | None) -> tuple[Decimal, tuple, Decimal]:
    """(how many periods the clause fired in, its evidence, the amount involved).

    `events` are the agent's events of the clause's kinds, in file order (of a clause over several
    kinds: each kind's in turn). Each kind's events are kept when its match's condition holds, and
    all kinds are counted together (S4.P24: "over 200 s, or no reply" is one rule). The evidence is
    (((period, (event, ...)), ...) for each firing, (period, count) of the period that came closest
    without firing when it came within one event, else None); an event of a clause over several kinds
    names its kind as a sixth item. This runs for every clause of every agent: a large firm's month
    holds a million events, most of them below every threshold."""
    if clause.several or clause.matches[0].value_over is not None:
        conditions = {match.kind: match for match in clause.matches}
        events = [e for e in events if e.kind in conditions and conditions[e.kind].counts(e.value)]
    if not events:
        return NOTHING
    if clause.several:
        # One list over every kind, in time order (equal times in the order of the clause's kinds, each
        # kind's in file order): a fired day lists its events as they happened.
        events = sorted(events, key=lambda e: e.at)
    if clause.per == "event":
        fired = [(e.day.isoformat(), (e,)) for e in sorted(events, key=lambda e: e.at)]
        near = None
    else:
        groups: dict[date, list[Event]] = {}
        key = _key(clause.per)
        for event in events:
            groups.setdefault(key(event), []).append(event)
        fired = [(period_text(clause.per, start), tuple(found)) for start, found in sorted(groups.items())
                 if len(found) > clause.count_over]
        near = None
        if not fired and clause.count_over > 0:
            # The fullest period; of equally full ones, the earliest.
            start = min(groups, key=lambda d: (-len(groups[d]), d))
            if len(groups[start]) == clause.count_over:
                near = (period_text(clause.per, start), Decimal(clause.count_over))
    evidence = (tuple((period, tuple(_shown(e, zone, clause.several) for e in found)) for period, found in fired),
                near)
    if isinstance(clause.deducts, Decimal):
        loss = clause.deducts * len(fired)
    elif clause.costs:
        loss = sum((e.amount or ZERO for _, found in fired for e in found), ZERO)
    else:
        loss = ZERO
    return Decimal(len(fired)), evidence, loss


def _shown(event: Event, zone: tzinfo | None, kind: bool = False) -> Shown:
    """The event as the trace keeps it; with `kind`, its kind too (a clause over several kinds)."""
    local = event.at.astimezone(zone) if event.at.tzinfo is not zone else event.at
    shown = (local.isoformat(" ", "seconds")[:19], event.order, event.value, event.amount, event.source)
    return (*shown, event.kind) if kind else shown


def penalty_block(plan: Plan, names: Sequence[str], inputs: Sequence, carried: Mapping[str, Decimal],
                  adjustments: Mapping[str, Decimal]) -> list[tuple]:
    """Each agent's clause facts (count, evidence, amount) in the order of `names`; with `deductions:`,
    the loss carried in from earlier months (`carried`, from the ledger), the month's minimum wage and
    the sum of the agent's manual adjustments (paid after evaluation, but within the guard's base) too."""
    zone = plan.events.tz if plan.events is not None else None
    wage = {}
    if plan.deductions is not None:
        for period in sorted({item.period for item in inputs}):
            wage[period] = plan.deductions.minimum_for(period)
            if wage[period] is None:
                found = problem(Code.JX412, file=plan.policy.path, period=period,
                                first=plan.deductions.minimum_wage[0][0])
                raise EvaluationError(found.message("en"), found.message("zh"), found.code)
    found = []
    for item in inputs:
        values: dict[str, object] = {}
        by_kind: dict[str, list[Event]] = {}
        for event in item.events:  # each clause then reads only its own kind's events
            by_kind.setdefault(event.kind, []).append(event)
        for clause in plan.penalties:
            mine = [e for kind in clause.kinds for e in by_kind.get(kind, ())] if clause.several \
                else by_kind.get(clause.kinds[0], ())
            count, evidence, loss = clause_facts(clause, mine, zone)
            values[clause.name], values[clause.name + EVENTS] = count, evidence
            if clause.costs:
                values[clause.name + LOSS] = loss
        if plan.deductions is not None:
            values[CARRIED_IN] = carried.get(item.agent, ZERO)
            values[MINIMUM_WAGE] = wage[item.period]
            values[ADJUSTMENTS] = adjustments.get(item.agent, ZERO)
        found.append(tuple(values[name] for name in names))
    return found


def under_minimum_wage(plan: Plan, results: Sequence) -> tuple[tuple[str, Decimal], ...]:
    """(agent, minimum wage) for each agent paid less than the minimum wage the policy declares.

    The deduction never takes pay below it (L.1), but pay can start below it: a low base, a
    cancelled bonus, a guarantee under today's minimum. That is doubtful enough to be said, never
    silently paid. Not judged for a prorating policy, whose part-month pay is rightly lower."""
    return tuple((agent, minimum) for agent, minimum, role in _under(plan, results) if role not in plan.paid_by)


def paid_elsewhere(plan: Plan, results: Sequence) -> tuple[tuple[str, Decimal, str], ...]:
    """(agent, minimum wage, role) for each agent paid under it whose role someone else pays
    (`roles.<id>.paid_by`): not warned about, but said where the warning would have been, with the
    policy's reason, so a role marked by mistake is seen."""
    return tuple(found for found in _under(plan, results) if found[2] in plan.paid_by)


def _under(plan: Plan, results: Sequence) -> list[tuple[str, Decimal, str | None]]:
    if plan.deductions is None or plan.prorated:
        return []
    found = []
    for result in results:
        minimum = plan.deductions.minimum_for(result.period)
        if minimum is not None and result.total < minimum:
            found.append((result.agent, minimum, result.role))
    return found
