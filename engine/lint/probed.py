"""Lint checks answered by probing the compiled plan (`engine.lint.probe`).

A KPI that never scores (JX501) and a component that never pays (JX502) at any probed point; pay
falling as a metric improves (JX504); a cliff, one unit of a metric moving pay by more than the
declared amount (JX505, found by bisecting to the unit where a band, tier, gate, rating or
condition changes); a component going below 0, which is either a loss taken outside the legal
guard (JX506) or a sum per breach, a fine (JX507); a band or tier no probed value reaches (JX508).
Each problem points at the band, tier or component responsible, as a path in the policy.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal

from engine.diagnostics import Code, Phrase, Problem, problem
from engine.lint.probe import Probe, Prober, lines, numeric, unit_of
from engine.lint.static import money_names
from engine.model.kinds import Kind
from engine.model.plan import Plan
from engine.model.results import AgentResult
from engine.model.step_names import DEDUCTION, KPI_SUFFIX, TIER, WHEN
from engine.model.steps import Step
from engine.policy import names as n

# The steps whose value changes in jumps: where a cliff can be.
DISCRETE = frozenset({Kind.BAND, Kind.GATE, Kind.RATING, Kind.WHEN})
BISECTIONS = 60


def step_path(plan: Plan, step: Step, index: object = None) -> tuple:
    """Where in the policy a step comes from (a band or tier with its index when known)."""
    name = step.name
    if step.kind is Kind.BAND and name.endswith(KPI_SUFFIX + ".band"):
        path: tuple = ("kpis", name[: -len(KPI_SUFFIX + ".band")], "bands")
        return (*path, index) if isinstance(index, int) and 0 <= index < len(step.bands) else path[:2]
    if step.kind is Kind.BAND and name.endswith(TIER):
        path = ("pay", name[: -len(TIER)], "rate", "tiers")
        return (*path, index) if isinstance(index, int) and 0 <= index < len(step.bands) else path[:2]
    if step.kind is Kind.GATE:
        return ("score", "gates", name)
    if step.kind is Kind.RATING:
        return ("score", "ratings", index) if isinstance(index, str) else ("score", "ratings")
    if step.kind is Kind.WHEN and name.endswith(WHEN):
        return ("pay", name[: -len(WHEN)], "when")
    return ()


def check_probes(plan: Plan, data: Mapping, probes: Sequence[Probe], prober: Prober, cliff: Decimal | None,
                 static: set[tuple]) -> Iterator[Problem]:
    """Every probed problem; `static` holds the paths the static checks already flagged."""
    count = len(probes)
    if not count:
        return
    yield from _silent(plan, data, probes, static)
    yield from _unreached(plan, probes)
    yield from _below_zero(plan, data, probes)
    yield from _non_monotone(plan, data, probes)
    if cliff is not None:
        yield from _cliffs(plan, probes, prober, cliff)


def _silent(plan: Plan, data: Mapping, probes: Sequence[Probe], static: set[tuple]) -> Iterator[Problem]:
    kpis = n.mapping(data.get("kpis"))
    for name in plan.kpis:
        if ("kpis", name) not in static and all(dict(p.result.kpis)[name] == 0 for p in probes):
            yield problem(Code.JX501, ("kpis", name), "probed", on_key=True, name=name, points=len(probes),
                          weight=n.mapping(kpis.get(name)).get("weight"))
    for name in plan.pay:
        if name != DEDUCTION and ("pay", name) not in static and all(dict(p.result.pay)[name] == 0 for p in probes):
            yield problem(Code.JX502, ("pay", name), "never", on_key=True, name=name, points=len(probes))


def _bounds(band: tuple) -> str:
    start, end = band[0], band[1]
    return f"{'…' if start is None else start} – {'…' if end is None else end}"


def _unreached(plan: Plan, probes: Sequence[Probe]) -> Iterator[Problem]:
    for step in plan.steps:
        if step.kind is not Kind.BAND or not step.bands:
            continue
        reached = {p.result.trace[step.slot] for p in probes}
        path = step_path(plan, step, 0)[:-1]
        if len(path) < 3:
            continue
        what = Phrase("band", "档") if path[0] == "kpis" else Phrase("tier", "档提点")
        for index, band in enumerate(step.bands):
            if index not in reached:
                yield problem(Code.JX508, (*path, index), name=path[1], index=index + 1, bounds=_bounds(band),
                              points=len(probes), what=what)


def _below_zero(plan: Plan, data: Mapping, probes: Sequence[Probe]) -> Iterator[Problem]:
    pay = n.mapping(data.get("pay"))
    money = money_names(data)
    for name in plan.pay:
        spec = n.mapping(pay.get(name))
        if name == DEDUCTION or spec.get("kind") == "fixed":
            continue  # a fixed amount below 0 is validate's JX275
        lowest = min(dict(p.result.pay)[name] for p in probes)
        if lowest >= 0:
            continue
        parsed = n.try_parse(spec.get("formula", spec.get("base", "")))
        names = set(parsed.names) if parsed is not None else set()
        if not names:
            continue  # a negative constant: validate's JX275
        losses = sorted(names & money)
        if losses:
            yield problem(Code.JX506, ("pay", name), "outside", on_key=True, name=name, amount=lowest,
                          loss=", ".join(losses))
        else:
            yield problem(Code.JX507, ("pay", name), "per_breach", on_key=True, name=name, amount=lowest)


def directions(plan: Plan, data: Mapping) -> dict[str, str]:
    """The metrics pay must not fall along, with the way they improve: those declaring a `direction:`,
    and those a KPI scores or a commission or step bonus reads as they are (`metric: sales`, `base: sales`)."""
    metrics = n.mapping(data.get("metrics"))
    direct = {n.mapping(spec).get("metric") for spec in n.mapping(data.get("kpis")).values()}
    # Undeclared, a metric is better the way a linear KPI scoring it rises (validate's JX301 says
    # when that contradicts a declared direction).
    scored = {}
    for spec in n.mapping(data.get("kpis")).values():
        linear = n.mapping(n.mapping(spec).get("linear"))
        ends = linear.get("from"), linear.get("to")
        if all(isinstance(end, int | Decimal) for end in ends) and ends[0] != ends[1]:
            scored[spec.get("metric")] = "higher" if ends[0] < ends[1] else "lower"
    for spec in n.mapping(data.get("pay")).values():
        spec = n.mapping(spec)
        rate = spec.get("rate")
        direct |= {spec.get("base"), spec.get("on"), n.mapping(rate).get("on") if isinstance(rate, dict) else None}
    found = {}
    for metric in numeric(plan):
        spec = n.mapping(metrics.get(metric.name))
        if metric.scope == "agent" and ("direction" in spec or metric.name in direct):
            found[metric.name] = str(spec.get("direction", scored.get(metric.name, "higher")))
    return found


def _culprit(plan: Plan, worse: Probe, better: Probe) -> tuple[tuple, str]:
    """The KPI band or pay component (and tier) whose value fell between two probes, and what it is."""
    before, after = dict(worse.result.kpis), dict(better.result.kpis)
    steps = {step.name: step for step in plan.steps}
    for name in plan.kpis:
        if after[name] < before[name]:
            band = steps.get(f"{name}{KPI_SUFFIX}.band")
            if band is not None:
                return step_path(plan, band, better.result.trace[band.slot]), f"kpis.{name}"
            return ("kpis", name), f"kpis.{name}"
    before, after = dict(worse.result.pay), dict(better.result.pay)
    for name in plan.pay:
        if after[name] < before[name]:
            tier = steps.get(name + TIER)
            if tier is not None:
                return step_path(plan, tier, better.result.trace[tier.slot]), f"pay.{name}"
            return ("pay", name), f"pay.{name}"
    return (), "total"


def _non_monotone(plan: Plan, data: Mapping, probes: Sequence[Probe]) -> Iterator[Problem]:
    seen: set[tuple] = set()
    for metric, direction in directions(plan, data).items():
        for line in lines(probes, metric):
            ordered = line if direction == "higher" else line[::-1]
            for worse, better in itertools.pairwise(ordered):
                if better.result.total < worse.result.total:
                    path, what = _culprit(plan, worse, better)
                    if path in seen:
                        continue
                    seen.add(path)
                    yield problem(Code.JX504, path, on_key=True, metric=metric, low=worse.values[metric],
                                  high=better.values[metric], before=worse.result.total, after=better.result.total,
                                  what=what)


def _signature(plan: Plan, probe_trace: tuple) -> tuple:
    return tuple(probe_trace[step.slot] for step in plan.steps if step.kind in DISCRETE)


def _changed(plan: Plan, before: tuple, after: tuple) -> tuple:
    """The path of the first discrete step whose value differs between two traces."""
    for step in plan.steps:
        if step.kind in DISCRETE and before[step.slot] != after[step.slot]:
            return step_path(plan, step, after[step.slot])
    return ()


def _cliffs(plan: Plan, probes: Sequence[Probe], prober: Prober, cliff: Decimal) -> Iterator[Problem]:
    seen: set[tuple] = set()
    for metric in numeric(plan):
        unit = unit_of(metric)
        for line in lines(probes, metric.name):
            for low, high in itertools.pairwise(line):
                if _signature(plan, low.result.trace) == _signature(plan, high.result.trace):
                    continue
                edge = _bisect(plan, prober, metric.name, unit, low, high)
                if edge is None:
                    continue
                below, above, start, end = edge
                delta = above.total - below.total
                path = _changed(plan, below.trace, above.trace)
                key = (metric.name, path)
                if abs(delta) > cliff and key not in seen:
                    seen.add(key)
                    yield problem(Code.JX505, path, on_key=True, metric=metric.name,
                                  low=start, high=end,
                                  before=below.total, after=above.total,
                                  delta=("+" if delta > 0 else "") + str(delta), cliff=cliff)


def _bisect(plan: Plan, prober: Prober, metric: str, unit: Decimal, low: Probe,
            high: Probe) -> tuple[AgentResult, AgentResult, Decimal, Decimal] | None:
    """Narrow two probes whose discrete steps differ to values one unit apart; their results and values."""
    a, b = low.values[metric], high.values[metric]
    ra, rb = low.result, high.result
    sig_a = _signature(plan, ra.trace)
    for _ in range(BISECTIONS):
        if b - a <= unit:
            break
        middle = ((a + b) / 2 / unit).to_integral_value() * unit
        if middle <= a or middle >= b:
            break
        result = prober.at(low.role, low.grade, {**low.values, metric: middle}, low.history)
        if result is None:
            return None
        if _signature(plan, result.trace) == sig_a:
            a, ra = middle, result
        else:
            b, rb = middle, result
    if b - a > unit:
        return None
    return ra, rb, a, b
