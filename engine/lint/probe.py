"""Probing a compiled plan: the engine's own evaluator run at points across each metric's range.

A lint check that asks "can this component ever pay?" or "does more sales ever lower pay?" cannot
read the answer off the YAML once derived values, gates, tiers and roles interact; it asks the plan.
Each probe is one agent-month built from a *base* point (every metric at a typical value) with one
metric moved across its candidate values: its range's ends and a ladder between them, every bound
the plan compares it with, and the midpoints between those, for each role and grade declared. Each
probe agent is evaluated with a companion of the first role in its own team, so team statistics
and population values (a team's sum, a ranking) have someone to be taken over. A point the plan
cannot evaluate (a division by zero the data would have to avoid) is left out, never guessed.
What probing finds is evidence, not proof: the messages say how many points were probed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise, product

from engine.errors import JixiaoError
from engine.model.blocks import Block
from engine.model.calendar_facts import MONTHS_SINCE_JOINING
from engine.model.inputs import AgentInput, State
from engine.model.kinds import Kind
from engine.model.plan import Metric, Plan
from engine.model.results import AgentResult
from engine.run.evaluate import evaluate_period

# A typical value and the step one unit more is, by metric type (money: one yuan).
SCALE = {"money": Decimal(10000), "count": Decimal(100), "duration": Decimal(60), "number": Decimal(100),
         "percent": Decimal(100), "ratio": Decimal(1)}
UNIT = {"money": Decimal(1), "count": Decimal(1), "duration": Decimal(1), "number": Decimal("0.01"),
        "percent": Decimal("0.01"), "ratio": Decimal("0.0001")}
# Multiples of the scale tried on a side the range leaves open.
LADDER = tuple(Decimal(x) for x in ("0", "0.01", "0.1", "0.25", "0.5", "0.75", "0.9", "1", "1.1", "1.25", "1.5",
                                    "2", "2.5", "3", "5", "10"))
# The value of each earlier month of a `sum`/`mean` window, in the histories probed.
HISTORY_VALUE = Decimal(500)
MAX_COMBINATIONS = 12  # roles × grades probed
COMPANION = "~companion"


@dataclass(frozen=True, slots=True)
class Probe:
    """One evaluated point: the role and grade, the metric moved (None: the base point), and the result."""

    role: str | None
    grade: str | None
    history: int  # which history of window values (Prober.histories)
    metric: str | None
    values: Mapping[str, object]
    result: AgentResult


def numeric(plan: Plan) -> list[Metric]:
    return [m for m in plan.metrics if m.type != "choice"]


def unit_of(metric: Metric) -> Decimal:
    return UNIT.get(metric.type, Decimal("0.01"))


def candidates(plan: Plan, metric: Metric) -> list[Decimal]:
    """The values `metric` is probed at, within its range, in order."""
    low, high = metric.range
    scale = SCALE.get(metric.type, Decimal(100))
    found: set[Decimal] = set()
    if low is not None and high is not None:
        found.update(low + (high - low) * k / 20 for k in range(21))
    else:
        start = low if low is not None else Decimal(0)  # below 0 only where a range declares it
        found.update(start + scale * factor for factor in LADDER)
        if high is not None:
            found.add(high)
    slot = plan.inputs.index(metric.name)
    for step in plan.steps:
        for threshold in step.thresholds:
            if threshold.slot == slot and threshold.at is not None:
                found.update((threshold.at, threshold.at - unit_of(metric)))
        if step.kind is Kind.BAND and slot in step.reads:
            for start, end, _, _ in step.bands:
                found.update(bound for bound in (start, end) if bound is not None)
    low = Decimal(0) if low is None else low
    inside = sorted(v for v in found if v >= low and (high is None or v <= high))
    middles = [(a + b) / 2 for a, b in pairwise(inside)]
    return sorted({*inside, *middles})


def base_values(plan: Plan) -> dict[str, object]:
    """Every metric at a typical value: the middle of a closed range, else the type's scale above its minimum."""
    values: dict[str, object] = {}
    for metric in plan.metrics:
        if metric.type == "choice":
            values[metric.name] = next(iter(metric.choices), None)
            continue
        low, high = metric.range
        if low is not None and high is not None:
            values[metric.name] = (low + high) / 2
        else:
            values[metric.name] = (low or Decimal(0)) + SCALE.get(metric.type, Decimal(100))
    return values


def ends(plan: Plan, directions: Mapping[str, str]) -> tuple[dict[str, object], dict[str, object]]:
    """Every metric at its best, and every metric at its worst (by `directions`, higher by default)."""
    best, worst = base_values(plan), base_values(plan)
    for metric in numeric(plan):
        values = candidates(plan, metric)
        high, low = (values[-1], values[0]) if directions.get(metric.name, "higher") == "higher" else (values[0],
                                                                                                       values[-1])
        best[metric.name], worst[metric.name] = high, low
    return best, worst


def period_of(plan: Plan) -> str:
    """The first month the policy is in force with a minimum wage (if it deducts): every probe's period."""
    period = plan.policy.effective_from[:7]
    if plan.deductions is not None and plan.deductions.minimum_for(period) is None:
        period = max(period, min(start for start, _ in plan.deductions.minimum_wage)[:7])
    return period


def calendars(plan: Plan) -> list[tuple[str, str]]:
    """(month, join date) of the probes: the first month in force, no date. A plan that reads calendar
    facts (engine.model.calendar_facts) is probed in the three months from it too, each of its
    quarter, and in the first December (a quarter and a year closing); one that reads months since
    joining with a joiner of that first month and one of two years before."""
    first = period_of(plan)
    facts = next((block.names for block in plan.blocks if block.block is Block.CALENDAR), ())
    if not facts:
        return [(first, "")]
    periods = sorted({*(_plus(first, months) for months in range(3)), f"{first[:4]}-12"})
    joined = [f"{first}-01", f"{int(first[:4]) - 2}{first[4:]}-01"] if MONTHS_SINCE_JOINING in facts else [""]
    return [(period, date) for period in periods for date in joined]


def _plus(period: str, months: int) -> str:
    """The month `months` after `period`."""
    index = int(period[:4]) * 12 + int(period[5:7]) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def combinations(plan: Plan) -> list[tuple[str | None, str | None]]:
    """Every role with every grade; past MAX_COMBINATIONS, every role and every grade at least once."""
    roles: list[str | None] = list(plan.roles) or [None]
    grades: list[str | None] = list(plan.grades) or [None]
    every = list(product(roles, grades))
    if len(every) <= MAX_COMBINATIONS:
        return every
    cover = [(role, grades[i % len(grades)]) for i, role in enumerate(roles)]
    cover += [(roles[i % len(roles)], grade) for i, grade in enumerate(grades)]
    return list(dict.fromkeys(cover))


class Prober:
    """Evaluates points of one plan, many at a time where the plan allows it."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.companion_role = next(iter(plan.roles), None)
        self.evaluated = 0
        # Window values (`windows:`) are probed with every earlier month met, and with none.
        windows: list[Mapping[str, tuple]] = [{}]
        for months in (1, 2, 3, 11) if plan.windows else ():
            windows.append({w.name: (True,) * months if w.stat in ("count", "consecutive")
                            else (HISTORY_VALUE,) * months for w in plan.windows})
        # Each history: window values, and the month and join date of the calendar facts (calendars).
        self.histories: list[tuple[Mapping[str, tuple], str, str]] = [
            (found, period, joined) for period, joined in calendars(plan) for found in windows]

    def _inputs(self, index: int, role, grade, values: Mapping[str, object], period: str,
                joined: str) -> list[AgentInput]:
        team = f"t{index}"
        mine = AgentInput(f"p{index:06d}", period, dict(values), team=team, role=role, grade=grade, joined=joined)
        other = AgentInput(f"p{index:06d}{COMPANION}", period, dict(values), team=team,
                           role=self.companion_role, grade=grade, joined=joined)
        return [mine, other]

    def evaluate(self, points: Sequence[tuple[str | None, str | None, Mapping[str, object]]],
                 ) -> list[AgentResult | None]:
        """Each point's result (None where the plan cannot evaluate it), under each history in turn."""
        found: list[AgentResult | None] = []
        for history in self.histories:
            found.extend(self._evaluate(points, history))
        return found

    def at(self, role: str | None, grade: str | None, values: Mapping[str, object], history: int) -> AgentResult | None:
        """One point under one history (as `Probe.history` numbers them)."""
        return self._evaluate([(role, grade, values)], self.histories[history])[0]

    def _evaluate(self, points, history) -> list[AgentResult | None]:
        self.evaluated += len(points)
        windows, period, joined = history
        items = [self._inputs(i, role, grade, values, period, joined) for i, (role, grade, values) in enumerate(points)]
        state = State(windows={item[0].agent: windows for item in items}) if windows else None
        if not self.plan.phases:  # each agent on its own: one call for all (teams keep aggregates apart)
            try:
                results = evaluate_period(self.plan, [a for pair in items for a in pair], state, trace=True)
            except JixiaoError:
                pass
            else:
                mine = {r.agent: r for r in results if not r.agent.endswith(COMPANION)}
                return [mine[item[0].agent] for item in items]
        return [self._one(item, state) for item in items]

    def _one(self, pair: list[AgentInput], state: State | None) -> AgentResult | None:
        try:
            results = evaluate_period(self.plan, pair, state, trace=True)
        except JixiaoError:
            return None
        return next(r for r in results if r.agent == pair[0].agent)


def sweep(prober: Prober, directions: Mapping[str, str]) -> list[Probe]:
    """The base point, every metric at its best and at its worst, and each metric moved across its
    candidates from the base, for each role and grade."""
    plan = prober.plan
    base = base_values(plan)
    points: list[tuple[str | None, str | None, str | None, dict[str, object]]] = []
    for role, grade in combinations(plan):
        points += [(role, grade, None, dict(base)), *((role, grade, None, end) for end in ends(plan, directions))]
        for metric in plan.metrics:
            values = list(metric.choices) if metric.type == "choice" else candidates(plan, metric)
            points.extend((role, grade, metric.name, {**base, metric.name: value}) for value in values)
    results = prober.evaluate([(role, grade, values) for role, grade, _, values in points])
    return [Probe(role, grade, index // len(points), metric, values, result)
            for index, ((role, grade, metric, values), result) in enumerate(zip(points * len(prober.histories),
                                                                              results, strict=True))
            if result is not None]


def lines(probes: Sequence[Probe], metric: str) -> Iterator[list[Probe]]:
    """The probes moving `metric`, one list per role, grade and history, in the order of its value."""
    groups: dict[tuple, list[Probe]] = {}
    for probe in probes:
        if probe.metric == metric:
            key = (probe.role, probe.grade, probe.history)
            groups.setdefault(key, []).append(probe)
    for group in groups.values():
        yield sorted(group, key=lambda p: p.values[metric])
