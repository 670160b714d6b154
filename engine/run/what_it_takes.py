"""What it would take (issue 18): counterfactuals for one agent's month, computed from the plan.

Nothing here is guessed. Every suggestion is a change of the agent's own inputs (one metric value,
or the events behind a clause), and what it promises (the band, the points, the rating, the pay) is
what evaluating the month again through the same compiled plan gives, with every other agent's
inputs unchanged: team values and rankings are taken again over the month, so an agent whose sales
rise also moves her team's per-capita sales. Only what her result reads is evaluated again (the whole
month for a ranking, her team for team values, else her alone), and only she is traced. A change that
does not reach what it aims at is dropped, never shown.

- **Per KPI**: the measured value (the KPI's metric, e.g. `attainment`), the thresholds on it further
  in the KPI's better direction (its own bands or linear range, and any tier, gate or ladder of the
  plan comparing that same value), and for the nearest one that moves the score or the pay: the
  input value needed, the points and the money it changes. An input value is one the data can hold:
  money to the fen, counts and durations (seconds) whole, ratios to 0.0001 (0.01 %), within the
  metric's range; `≥ 0.80` needs 0.80 exactly, `> 0.80` needs 0.8001. A derived measure
  (`sales / sales_target`) is reached by the smallest change of one input of the agent's own that it
  reads (a team-level value such as the target is not hers to change), found by search over that
  input's steps and verified by re-evaluation.
- **To the next rating**: the smallest set of KPI moves (each to one of its next three thresholds)
  reaching the next rating's minimum, chosen in this declared order: fewest KPIs moved, then fewest
  thresholds crossed in all, then the least score beyond the minimum, then the policy's KPI order.
  Moves changing the same input are never combined. Every candidate is verified by re-evaluation.
- **Cancelled pay**: per component that would have paid (its `earned`) and pays nothing, what
  cancelled it (a gate and its condition, or each clause that fired with its events) and what would
  have kept it: for a gate on the score, the smallest KPI moves lifting the score out of it; for
  clauses, the fewest events fewer per fired period (the latest of each), re-evaluated.
- **Clauses that did not fire**: for a clause counting events per day, week or month, every period
  in the policy's zone that had such events, with its count and the count that fires it.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from itertools import combinations, product

from engine.errors import EvaluationError
from engine.model.events import Event
from engine.model.inputs import AgentInput, State
from engine.model.kinds import Kind
from engine.model.plan import Metric, Plan, Reach
from engine.model.results import AgentResult
from engine.model.step_names import EARNED, EVENTS, WHEN
from engine.model.steps import Step
from engine.run.evaluate import evaluate_period
from engine.run.interpret import value as op_value
from engine.run.penalties import period_text

# The smallest step of an input value the data can hold, by metric type (a ratio to 0.01 %).
QUANTA: Mapping[str, Decimal] = {
    "money": Decimal("0.01"), "count": Decimal(1), "duration": Decimal(1), "ratio": Decimal("0.0001"),
    "percent": Decimal("0.0001"), "number": Decimal("0.01"),
}
LEVELS = 3  # thresholds per KPI the rating search may move it to
MOST_KPIS = 3  # KPIs the rating search may move together
MOST_TRIES = 60  # candidate sets re-evaluated before the search gives up
SEARCH_STEPS = 48  # doublings of an input's step a derived measure's search tries (2^48 steps)


@dataclass(frozen=True, slots=True)
class Change:
    """One input of the agent's own changed: a metric value (`metric`, from `before` to `after`)."""

    metric: str
    before: Decimal
    after: Decimal


@dataclass(frozen=True, slots=True)
class Reached:
    """What re-evaluating the month with a change gave the agent (others' inputs unchanged)."""

    score: Decimal | None  # None: the policy has no scorecard (S4)
    rating: str | None
    total: Decimal
    kpis: tuple[tuple[str, Decimal], ...]
    pay: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True, slots=True)
class Move:
    """One KPI's measured value taken across one threshold by one input change."""

    kpi: str
    measure: str  # the step measured (the KPI's metric)
    value: Decimal  # its value now
    bound: Decimal  # the threshold
    at_least: bool  # True: the value must reach `bound` in the better direction (≥ or ≤), False: pass it (> or <)
    higher: bool  # the better direction
    of: str  # the step holding the threshold (a KPI's band, a tier, a gate, the KPI's linear range); "" for
    # part of a linear range (just the points a rating or a gate still needs)
    change: Change
    reached_value: Decimal  # the measured value after the change
    points: tuple[Decimal, Decimal]  # the KPI's points before, after
    reached: Reached
    also: tuple[str, ...] = ()  # other steps holding the same threshold (a tier at the KPI's full points)


@dataclass(frozen=True, slots=True)
class KpiTakes:
    """A KPI's next threshold and what reaching it does; `move` is None when there is none (`why`)."""

    kpi: str
    measure: str | None
    value: Decimal | None
    move: Move | None
    why: str = ""  # "best": already past every threshold that moves anything; "none": no input of her own moves it


@dataclass(frozen=True, slots=True)
class Path:
    """The smallest set of moves reaching `target` on the score (a rating's minimum, a gate's bound)."""

    target: Decimal
    gap: Decimal  # points missing now
    moves: tuple[Move, ...]  # empty when no set within the search's bounds reaches it
    reached: Reached | None
    rating: str | None = None  # the rating the target is the minimum of


@dataclass(frozen=True, slots=True)
class Cancelled:
    """A pay component that would have paid `earned` and pays nothing: who cancelled it, what keeps it."""

    component: str
    earned: Decimal
    gate: str | None  # the gate that cancelled it, or None
    clauses: tuple[str, ...]  # every clause that fired and cancels it
    fewer: tuple[tuple[str, str, int], ...]  # (clause, period, events fewer needed) to keep it
    path: Path | None  # for a gate on the score: the moves lifting the score out of it
    kept: Reached | None  # the month re-evaluated without those events (None: a gate)
    # Each clause's fired periods with their events as the trace keeps them (local time, order number,
    # value, amount, file row): (clause, ((period, events), ...)).
    evidence: tuple[tuple[str, tuple], ...] = ()


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A clause that did not fire: each period of its events in the policy's zone, counted."""

    clause: str
    per: str
    fires_at: int  # the count in one period that fires it
    periods: tuple[tuple[str, int], ...]  # (period as explain names it, count), in date order


@dataclass(frozen=True, slots=True)
class WhatItTakes:
    agent: str
    period: str
    baseline: Reached
    kpis: tuple[KpiTakes, ...]
    next_rating: Path | None  # None: no ratings, or already at the top
    cancelled: tuple[Cancelled, ...]
    near: tuple[NearMiss, ...]
    others_unchanged: bool  # the plan takes values over other agents (team values, rankings)


class _Month:
    """The month's inputs, re-evaluated with one agent's inputs changed (others unchanged)."""

    def __init__(self, plan: Plan, inputs: Sequence[AgentInput], agent: str, state: State | None,
                 adjustments: Mapping[str, Decimal] | None):
        self.plan, self.state, self.adjustments = plan, state, adjustments
        self.mine = next(item for item in inputs if item.agent == agent)
        # What her result reads of others' inputs is all that is evaluated again (`Plan.reach`): a large
        # firm's month is never re-run per try.
        reach = plan.reach
        self.inputs = (list(inputs) if reach is Reach.MONTH
                       else [item for item in inputs if item.team == self.mine.team] if reach is Reach.TEAM
                       else [self.mine])
        self.index = next(i for i, item in enumerate(self.inputs) if item.agent == agent)
        self.cache: dict[tuple, AgentResult] = {}

    def tried(self, values: Mapping[str, Decimal]) -> AgentResult | None:
        """The month with these values, or None when the plan cannot compute it (a zero divisor): a
        change that breaks the month is no way to a threshold."""
        try:
            return self.result(values)
        except EvaluationError:
            return None

    def result(self, values: Mapping[str, Decimal] | None = None, events: tuple[Event, ...] | None = None
               ) -> AgentResult:
        key = (tuple(sorted((values or {}).items())), events)
        if key not in self.cache:
            item = self.mine
            if values:
                item = replace(item, values={**item.values, **values},
                               supplied={k: v for k, v in item.supplied.items() if k not in values})
            if events is not None:
                item = replace(item, events=events)
            month = [*self.inputs[:self.index], item, *self.inputs[self.index + 1:]]
            found = evaluate_period(self.plan, month, self.state, trace=frozenset({item.agent}),
                                    adjustments=self.adjustments)
            self.cache[key] = next(r for r in found if r.agent == item.agent)
        return self.cache[key]


def reached(result: AgentResult) -> Reached:
    return Reached(result.score, result.rating, result.total, result.kpis, result.pay)


def what_it_takes(plan: Plan, inputs: Sequence[AgentInput], agent: str, state: State | None = None,
                  adjustments: Mapping[str, Decimal] | None = None) -> WhatItTakes:
    """Every counterfactual of `agent`'s month, each verified by evaluating the month again."""
    month = _Month(plan, inputs, agent, state, adjustments)
    base = month.result()
    levels = {name: _levels(plan, month, base, name) for name in plan.kpis}
    kpis = tuple(_kpi_takes(plan, base, name, levels[name]) for name in plan.kpis)
    rating = _rating_path(plan, month, base, levels)
    cancelled = tuple(_cancelled(plan, month, base, levels))
    near = tuple(_near_misses(plan, month.mine, base))
    others = bool(plan.populations or plan.aggregates)
    return WhatItTakes(base.agent, base.period, reached(base), kpis, rating, cancelled, near, others)


# -- per KPI ----------------------------------------------------------------------------------------

def _steps(plan: Plan) -> dict[str, Step]:
    return {s.name: s for s in plan.steps}


def _measure(plan: Plan, kpi: str) -> tuple[Step, bool, list[tuple[Decimal, bool, str]]] | None:
    """The KPI's measured step, its better direction, and the thresholds of the KPI itself on it:
    (bound, at_least, the step holding it)."""
    points = kpi_step(plan, kpi)
    band = next((s for s in plan.steps if s.parent == points.slot and s.kind == Kind.BAND), None)
    if band is not None and band.reads:
        higher = band.bands[-1][2] >= band.bands[0][2]
        return plan.steps[band.reads[0]], higher, _band_bounds(band, higher)
    fixed = [t for t in points.thresholds if t.at is not None and t.other is None]
    if len(fixed) == 2 and fixed[0].slot == fixed[1].slot:
        start, end = fixed[0].at, fixed[1].at
        higher = end > start
        return plan.steps[fixed[0].slot], higher, [(end, True, points.name)]
    return None


def kpi_step(plan: Plan, kpi: str) -> Step:
    """The step holding a KPI's points."""
    assert plan.outputs is not None
    return plan.steps[dict(plan.outputs.kpis)[kpi]]


def _band_bounds(step: Step, higher: bool) -> list[tuple[Decimal, bool, str]]:
    """The edges one enters each band by, in the better direction: `[from, to)` is entered from
    below at `≥ from`, from above at `< to`; `(from, to]` at `> from` and `≤ to`."""
    left = step.closed == "left"
    found = []
    for low, high, _, _ in step.bands:
        if higher and low is not None and low.is_finite():
            found.append((low, left, step.name))
        if not higher and high is not None and high.is_finite():
            found.append((high, not left, step.name))
    return found


def _shared_bounds(plan: Plan, base: AgentResult, measure: Step, higher: bool) -> list[tuple[Decimal, bool, str]]:
    """Thresholds other steps set on the measured value: a tier or band reading a step that holds the
    same value (`performance.on` = attainment), a gate or ladder comparing it."""
    values = base.trace
    same = {measure.slot} | {s.slot for s in plan.steps
                             if measure.slot in s.uses and s.kind in (Kind.ON, Kind.DERIVED)
                             and values[s.slot] == values[measure.slot]}
    found = []
    for step in plan.steps:
        if step.kind == Kind.BAND and step.reads and step.reads[0] in same and step.parent is None:
            found += _band_bounds(step, higher)
        for t in step.thresholds:
            if t.slot in same and t.at is not None and t.other is None and step.kind != Kind.KPI:
                found.append((t.at, True, step.name))
                if t.every is not None and t.every > 0 and isinstance(values[t.slot], Decimal):
                    rung = max((values[t.slot] - t.at) // t.every + 1, Decimal(0))
                    found.append((t.at + rung * t.every, True, step.name))
    return found


def _holds(value: object, bound: Decimal, at_least: bool, higher: bool) -> bool:
    if not isinstance(value, Decimal) or not value.is_finite():
        return False
    if higher:
        return value >= bound if at_least else value > bound
    return value <= bound if at_least else value < bound


def _levels(plan: Plan, month: _Month, base: AgentResult, kpi: str) -> list[Move] | str:
    """The KPI's next thresholds (up to LEVELS) that move the score or the pay, each as a verified
    Move; "best" when none is left, "none" when no input of the agent's own reaches one."""
    found = _measure(plan, kpi)
    if found is None:
        return "none"
    measure, higher, own = found
    value = base.trace[measure.slot]
    if not isinstance(value, Decimal):
        return "none"
    # Each threshold once, with every step holding it (the KPI's own first): 100 % may be full points and a tier.
    holders: dict[tuple[Decimal, bool], list[str]] = {}
    for bound, at_least, of in own + _shared_bounds(plan, base, measure, higher):
        if not _holds(value, bound, at_least, higher) and of not in holders.get((bound, at_least), []):
            holders.setdefault((bound, at_least), []).append(of)
    moves: list[Move] = []
    unreachable = False
    for bound, at_least in sorted(holders, key=lambda b: (b[0] if higher else -b[0], not b[1])):
        of, *also = holders[(bound, at_least)]
        if len(moves) == LEVELS:
            break
        change = _change_for(plan, month, base, measure, bound, at_least, higher)
        if change is None:
            unreachable = True
            continue
        after = month.tried({change.metric: change.after})
        if after is None or not _holds(after.trace[measure.slot], bound, at_least, higher):
            continue  # never promised: the change does not reach the threshold
        if after.score == base.score and after.total == base.total:
            continue  # a threshold that moves nothing for this agent
        if moves and (after.score, after.total) == (moves[-1].reached.score, moves[-1].reached.total):
            continue
        points = (dict(base.kpis)[kpi], dict(after.kpis)[kpi])
        moves.append(Move(kpi, measure.name, value, bound, at_least, higher, of, change,
                          after.trace[measure.slot], points, reached(after), tuple(also)))
    if moves:
        return moves
    return "none" if unreachable else "best"


def _kpi_takes(plan: Plan, base: AgentResult, kpi: str, levels: list[Move] | str) -> KpiTakes:
    found = _measure(plan, kpi)
    measure = found[0] if found else None
    value = base.trace[measure.slot] if measure is not None else None
    if isinstance(levels, str):
        return KpiTakes(kpi, measure.name if measure else None, value, None, levels)
    return KpiTakes(kpi, levels[0].measure, value, levels[0])


def _metric(plan: Plan, name: str) -> Metric | None:
    return next((m for m in plan.metrics if m.name == name), None)


def _own_inputs(plan: Plan, measure: Step) -> list[tuple[Step, Metric]]:
    """The metric inputs of the agent's own (not `scope: team`) the measured value depends on."""
    seen: set[int] = set()
    order: list[int] = []
    stack = [measure.slot]
    while stack:
        slot = stack.pop()
        if slot in seen:
            continue
        seen.add(slot)
        order.append(slot)
        stack.extend(reversed(plan.steps[slot].uses))
    found = []
    for slot in order:
        step = plan.steps[slot]
        metric = _metric(plan, step.name)
        if step.kind == Kind.METRIC and metric is not None and metric.scope != "team" and metric.type in QUANTA:
            found.append((step, metric))
    return found


def _quantized(value: Decimal, quantum: Decimal, up: bool) -> Decimal:
    return value.quantize(quantum, decimal.ROUND_CEILING if up else decimal.ROUND_FLOOR)


def _in_range(metric: Metric, value: Decimal) -> bool:
    low, high = metric.range
    if low is None and metric.type in ("count", "duration", "money"):
        low = Decimal(0)
    return (low is None or value >= low) and (high is None or value <= high)


def _change_for(plan: Plan, month: _Month, base: AgentResult, measure: Step, bound: Decimal, at_least: bool,
                higher: bool) -> Change | None:
    """The smallest change of one input of the agent's own that takes the measured value across `bound`."""
    metric = _metric(plan, measure.name)
    if measure.kind == Kind.METRIC and metric is not None:
        if metric.scope == "team" or metric.type not in QUANTA:
            return None
        q = QUANTA[metric.type]
        if higher:
            after = _quantized(bound, q, True) if at_least else _quantized(bound, q, False) + q
        else:
            after = _quantized(bound, q, False) if at_least else _quantized(bound, q, True) - q
        before = base.trace[measure.slot]
        return Change(measure.name, before, after) if _in_range(metric, after) else None
    for step, metric in _own_inputs(plan, measure):
        found = _searched(month, base, measure, step, metric, bound, at_least, higher)
        if found is not None:
            return found
    return None


def _searched(month: _Month, base: AgentResult, measure: Step, step: Step, metric: Metric, bound: Decimal,
              at_least: bool, higher: bool) -> Change | None:
    """The fewest steps of `metric` (its type's quantum) taking `measure` across `bound`: doubling,
    then halving; the measured value must not move backwards on the way (else no change is offered)."""
    q, before = QUANTA[metric.type], base.trace[step.slot]
    if not isinstance(before, Decimal):
        return None
    now = base.trace[measure.slot]

    def value(n: int, sign: int) -> object:
        after = before + sign * n * q
        if not _in_range(metric, after):
            return None
        found = month.tried({step.name: after})
        return None if found is None else found.trace[measure.slot]

    def better(found: object) -> bool:
        return isinstance(found, Decimal) and (found > now if higher else found < now)

    for sign in (1, -1):
        if not better(value(1, sign)) and not better(value(2 ** 10, sign)):
            continue
        low, high = 0, 1
        for _ in range(SEARCH_STEPS):
            found = value(high, sign)
            if found is None:
                break
            if _holds(found, bound, at_least, higher):
                break
            low, high = high, high * 2
        else:
            continue
        if not _holds(value(high, sign), bound, at_least, higher):
            continue
        while high - low > 1:
            mid = (low + high) // 2
            if _holds(value(mid, sign), bound, at_least, higher):
                high = mid
            else:
                low = mid
        return Change(step.name, before, before + sign * high * q)
    return None


# -- to a score: the next rating, out of a gate ---------------------------------------------------------

def _rating_path(plan: Plan, month: _Month, base: AgentResult, levels: Mapping[str, list[Move] | str]
                 ) -> Path | None:
    rating = next((s for s in plan.steps if s.kind == Kind.RATING), None)
    score = next((s for s in plan.steps if s.kind == Kind.SCORE), None)
    if rating is None or score is None:
        return None
    above = sorted(t.at for t in rating.thresholds if t.at is not None and t.at > base.score)
    if not above:
        return None
    # The rating a score at the minimum gets, read from the plan's own rating step.
    values = list(base.trace)
    values[score.slot] = above[0]
    target = op_value(rating.op, values, set())
    return _path(plan, month, base, levels, above[0], lambda r: r.score >= above[0] and r.rating == target,
                 target if isinstance(target, str) else None)


def _path(plan: Plan, month: _Month, base: AgentResult, levels: Mapping[str, list[Move] | str], target: Decimal,
          reaches: Callable[[AgentResult], bool], rating: str | None = None) -> Path:
    """The smallest set of KPI moves whose re-evaluation `reaches` the target, in the declared order:
    fewest KPIs moved, fewest thresholds crossed, least score beyond the target, policy KPI order.

    Besides each KPI's next thresholds, a KPI scored on a linear range may move part of the way: just
    the points still missing after the other moves of the set (a move that crosses no threshold)."""
    gap = target - base.score
    options = {k: v for k, v in levels.items() if not isinstance(v, str)}
    order = {name: i for i, name in enumerate(plan.kpis)}
    linear = [k for k in plan.kpis if _linear(plan, k) is not None]
    candidates = []
    kpis_of = sorted(options, key=order.__getitem__)
    for size in range(0, MOST_KPIS + 1):
        for kpis in combinations(kpis_of, size):
            for picks in product(*(range(len(options[k])) for k in kpis)):
                moves = tuple(options[k][i] for k, i in zip(kpis, picks, strict=True))
                crossed = sum(picks) + size
                gain = sum((m.reached.score - base.score for m in moves), Decimal(0))
                if size and gain >= gap:
                    candidates.append((size, crossed, gain - gap, tuple(order[k] for k in kpis), moves, ""))
                elif size < MOST_KPIS:
                    for part in linear:  # the rest of the way by part of a linear range
                        if part not in kpis:
                            keys = tuple(sorted((*(order[k] for k in kpis), order[part])))
                            candidates.append((size + 1, crossed, Decimal(0), keys, moves, part))
    candidates.sort(key=lambda c: c[:4])
    for *_, moves, part in candidates[:MOST_TRIES]:
        if part:
            need = gap - sum((m.reached.score - base.score for m in moves), Decimal(0))
            partial = _partial(plan, month, base, part, need)
            if partial is None:
                continue
            moves = tuple(sorted((*moves, partial), key=lambda m: order[m.kpi]))
        if len({m.change.metric for m in moves}) < len(moves):
            continue  # two moves of one input are not two changes
        after = month.tried({m.change.metric: m.change.after for m in moves})
        if after is not None and reaches(after):
            return Path(target, gap, moves, reached(after), rating)
    return Path(target, gap, (), None, rating)


def _linear(plan: Plan, kpi: str) -> tuple[Step, bool, Decimal, Decimal] | None:
    """A KPI scored on a linear range: its measured step, better direction, range start and end."""
    found = _measure(plan, kpi)
    points = kpi_step(plan, kpi)
    if found is None or not any(of == points.name for _, _, of in found[2]):
        return None
    measure, higher, _ = found
    start, end = (t.at for t in points.thresholds if t.at is not None)
    return measure, higher, start, end


def _partial(plan: Plan, month: _Month, base: AgentResult, kpi: str, need: Decimal) -> Move | None:
    """A linear KPI moved just far enough to gain `need` points: the measured value at that share of
    its range, reached by the smallest input change (None when full points are not enough)."""
    measure, higher, start, end = _linear(plan, kpi)  # type: ignore[misc]
    points = kpi_step(plan, kpi)
    values = list(base.trace)
    values[measure.slot] = end
    top = op_value(points.op, values, set())
    now = dict(base.kpis)[kpi]
    if need <= 0 or not isinstance(top, Decimal) or top <= 0 or now + need > top:
        return None
    bound = start + (end - start) * (now + need) / top
    change = _change_for(plan, month, base, measure, bound, True, higher)
    if change is None:
        return None
    after = month.tried({change.metric: change.after})
    if after is None:
        return None
    gained = dict(after.kpis)[kpi]
    if gained - now < need or not _holds(after.trace[measure.slot], bound, True, higher):
        return None
    return Move(kpi, measure.name, base.trace[measure.slot], bound, True, higher, "", change,
                after.trace[measure.slot], (now, gained), reached(after))


# -- cancelled pay ------------------------------------------------------------------------------------

def _cancelled(plan: Plan, month: _Month, base: AgentResult, levels: Mapping[str, list[Move] | str]):
    values, steps = base.trace, _steps(plan)
    paid = dict(base.pay)
    for name in plan.pay:
        earned = values[steps[name + EARNED].slot] if name + EARNED in steps else None
        if not isinstance(earned, Decimal) or earned == 0 or paid.get(name) != 0:
            continue
        gate = next((s for s in plan.steps if s.kind == Kind.GATE and values[s.slot] and name in s.cancels), None)
        clauses = tuple(c.name for c in plan.penalties if name in c.cancels and values[steps[c.name].slot]
                        and (c.name + WHEN not in steps or values[steps[c.name + WHEN].slot]))
        if gate is None and not clauses:
            continue
        path = None
        if gate is not None:
            bound = next((t.at for t in gate.thresholds if t.at is not None), None)
            score = next(s for s in plan.steps if s.kind == Kind.SCORE)
            if bound is not None and all(t.slot == score.slot for t in gate.thresholds):
                path = _path(plan, month, base, levels, bound,
                             lambda r, n=name: dict(r.pay).get(n, Decimal(0)) != 0)
        fewer, kept = _fewer(plan, month, base, clauses, name)
        if gate is not None:
            kept = None
        evidence = tuple((c, values[steps[c + EVENTS].slot][0]) for c in clauses)
        yield Cancelled(name, earned, gate.name if gate else None, clauses, fewer, path, kept, evidence)


def _fewer(plan: Plan, month: _Month, base: AgentResult, clauses: tuple[str, ...], name: str):
    """The fewest events to take away so none of `clauses` fires: per fired period, the latest ones
    beyond what the clause allows; the month re-evaluated without them (None when that does not keep `name`)."""
    if not clauses:
        return (), None
    drop: set[int] = set()
    fewer = []
    items = list(month.mine.events)
    for clause in (c for c in plan.penalties if c.name in clauses):
        qualifying = [i for i, e in enumerate(items) if clause.counts(e.kind, e.value)]
        groups: dict[str, list[int]] = {}
        for i in qualifying:
            groups.setdefault(_period_of(clause.per, items[i]), []).append(i)
        for period, members in sorted(groups.items()):
            over = len(members) - clause.count_over
            if over > 0:
                members.sort(key=lambda i: items[i].at)
                drop.update(members[-over:])
                fewer.append((clause.name, period, over))
    kept = month.result(events=tuple(e for i, e in enumerate(items) if i not in drop))
    return tuple(fewer), reached(kept) if dict(kept.pay).get(name, Decimal(0)) != 0 else None


def _period_of(per: str, event: Event) -> str:
    """The period of `per` an event falls in, in the policy's zone, named as the clause's evidence names
    it; a clause firing on each event is counted by the events' local days."""
    if per == "week":
        return period_text(per, event.day - timedelta(days=event.day.weekday()))
    if per == "month":
        return period_text(per, event.day.replace(day=1))
    return period_text("day", event.day)


# -- clauses that did not fire ------------------------------------------------------------------------

def _near_misses(plan: Plan, item: AgentInput, base: AgentResult):
    steps = _steps(plan)
    for clause in plan.penalties:
        if clause.per == "event" or clause.count_over == 0 or base.trace[steps[clause.name].slot]:
            continue
        counts: dict[str, int] = {}
        for event in item.events:
            if clause.counts(event.kind, event.value):
                period = _period_of(clause.per, event)
                counts[period] = counts.get(period, 0) + 1
        if counts:
            yield NearMiss(clause.name, clause.per, clause.count_over + 1, tuple(sorted(counts.items())))


__all__ = ["Cancelled", "Change", "KpiTakes", "Move", "NearMiss", "Path", "Reached", "WhatItTakes", "kpi_step",
           "what_it_takes"]
