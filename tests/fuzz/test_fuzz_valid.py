"""Fuzz target 4: valid policies, evaluated on in-range inputs, reported and explained.

The strategies below build small but complete policies the checker must accept under today's
rules: metrics of every type (choice too) with their natural or declared ranges, team aggregates,
derived formulas, KPIs scored by linear ranges, bands (left- or right-closed) and formulas with
weights summing to the total, ratings, gates, a team population value with `where`, a ranking with
a `top`, roles with components paid only to some and a floor by role, and pay components of every
kind (table, commission with a flat rate or retroactive/marginal tiers, fixed, step, minimum,
formula), some paid only `when` a condition holds. Bounds, bands and tiers lie inside the range of
what they read (JX223); expressions are well typed (JX225). For such a policy and agents with
values in each metric's range, every agent gets a result or the evaluation stops with a located
JixiaoError; every report format works in both languages, `explain` works for every agent, and the
result is consistent: points within [0, weight], score the sum of points, total the sum of the pay
lines, no negative zero shown."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import tempfile
from decimal import Decimal
from pathlib import Path

from fuzz_support import LONG, bounded, fuzz_settings, time_limit
from hypothesis import given, reject
from hypothesis import strategies as st
from test_fuzz_policy import dump

from engine.data.inputs import read_inputs
from engine.errors import JixiaoError
from engine.model.inputs import AgentInput
from engine.model.plan import Plan
from engine.policy.check import check
from engine.policy.compile import compile_policy
from engine.policy.load import load_text
from engine.report.explain import explain_json, explain_text
from engine.report.explain_short import short_json, short_text
from engine.report.tables import render
from engine.run.evaluate import evaluate

D = Decimal
NEGATIVE_ZERO = re.compile(r"-0(?:\.0+)?")  # -0 or -0.00 shown, never -0.01
TYPES = ("number", "money", "ratio", "percent", "duration", "count", "choice")
# A policy may hold no control or text-direction character (JX012); data files may (names, ids), and
# every report must carry them (XLSX escapes them as _x001B_).
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
LABEL_CHARS = st.characters(exclude_categories=("Cs", "Cc")).filter(lambda c: not _FORBIDDEN.match(c))
NAME_CHARS = st.characters(exclude_categories=("Cs",))
# A data value is below 10^15 (more digits are refused at the cell); a long run goes up to that edge.
EDGE = D("999999999999999.99")
CHOICES = {"excellent": {"zh": "优秀", "en": "Excellent"}, "pass": {"zh": "合格", "en": "Pass"},
           "fail": {"zh": "不合格", "en": "Fail"}}
# The span bounds, bands and tiers are drawn from when a name's range is open on that side.
OPEN_LOW, OPEN_HIGH = D(-100), D(1000)

amounts = st.decimals(min_value=-1000, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)
small = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
Range = tuple[Decimal | None, Decimal | None]


# `c0 ：x` reads as a key typed with a full-width colon, which the loader refuses by design (JX014).
_KEY_LIKE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*[ \t]*：")


def _label(prefix: str) -> st.SearchStrategy[object]:
    """A label that cannot collide with another name's header: the id first, then free text."""
    text = st.text(LABEL_CHARS, max_size=12).map(lambda t: f"{prefix} {t}".strip()[:200]).filter(
        lambda t: not _KEY_LIKE.match(t))
    return st.one_of(text, st.builds(lambda zh, en: {"zh": zh, "en": en}, text, text),
                     st.builds(lambda zh: {"zh": zh}, text))


def _between(low: Decimal, high: Decimal, places: int = 2) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=low, max_value=high, places=places, allow_nan=False, allow_infinity=False)


def natural_range(kind: str) -> Range:
    """The range a type has without a declared one (docs/rules.md: ranges), as stored."""
    if kind in ("ratio", "percent"):
        return D(0), D(1)
    if kind in ("count", "duration"):
        return D(0), None
    return None, None


def _span(bounds: Range) -> tuple[Decimal, Decimal]:
    """Finite ends to draw bounds from: the range where it is closed, a modest span where open."""
    low, high = bounds
    low = low if low is not None else min(OPEN_LOW, (high or D(0)) - 100)
    high = high if high is not None else max(OPEN_HIGH, low + 100)
    return low, high


def _value(kind: str, bounds: Range) -> st.SearchStrategy[object]:
    """An in-range value of a metric, as the readers would store it (ratios as fractions)."""
    if kind == "choice":
        return st.sampled_from(list(CHOICES))
    low, high = bounds
    if kind in ("ratio", "percent"):
        return _between(low, high, 4)
    if kind == "count":
        top = int(high) if high is not None else (10**6 if LONG else 5000)
        return st.integers(int(low), top).map(D)
    if kind == "duration":
        return _between(low, high if high is not None else D(3600), 1)
    edges = [v for v in ((EDGE, -EDGE, D("1E-20"), D("-0")) if LONG else ()) if _inside(v, bounds)]
    lo = low if low is not None else D(-10**6)
    hi = high if high is not None else D(10**6)
    return st.one_of(_between(lo, hi), st.sampled_from(edges) if edges else st.nothing())


def _inside(value: Decimal, bounds: Range) -> bool:
    return (bounds[0] is None or value >= bounds[0]) and (bounds[1] is None or value <= bounds[1])


def _literal(value: Decimal) -> str:
    return format(value, "f")


def formulas(names: list[str], texts: dict[str, list[str]], flags: list[str] = (), depth: int = 6
             ) -> st.SearchStrategy[str]:
    """Number expressions over `names`; conditions compare numbers, text names with their ids, or read flags."""
    leaves = st.one_of(st.sampled_from(names) if names else st.nothing(), small.map(_literal))
    compare = [st.builds(lambda n, v: f"({n} == {v!r})", st.just(name), st.sampled_from(values))
               for name, values in texts.items() if values]
    tests = st.one_of(st.builds("({} {} {})".format, leaves, st.sampled_from(["<", "<=", ">", ">=", "=="]), leaves),
                      st.sampled_from(list(flags)) if flags else st.nothing(), *compare)
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds("({} {} {})".format, inner, st.sampled_from(["+", "-", "*"]), inner),
            st.builds("({} / ({} + 1))".format, inner, st.sampled_from(names or ["1"]).map(lambda n: f"abs({n})")),
            st.builds("({} if {} else {})".format, inner, tests, inner),
            st.builds("{}({})".format, st.sampled_from(["min", "max"]),
                      st.lists(inner, min_size=2, max_size=3).map(", ".join)),
            st.builds("abs({})".format, inner),
            st.builds("({} ** {})".format, inner, st.sampled_from(["2", "1", "3"])),
        ),
        max_leaves=depth,
    )


def conditions(names: list[str], texts: dict[str, list[str]], flags: list[str] = ()) -> st.SearchStrategy[str]:
    """True/false expressions (JX225): comparisons, text against declared ids, flags, and/or/not."""
    value = formulas(names, texts, flags, 3)
    compare = [st.builds(lambda n, v: f"{n} == {v!r}", st.just(name), st.sampled_from(values))
               for name, values in texts.items() if values]
    simple = st.one_of(st.builds("{} {} {}".format, value, st.sampled_from(["<", ">=", "!="]), value), *compare,
                       st.sampled_from(list(flags)) if flags else st.nothing())
    return st.one_of(simple, st.builds("({}) {} ({})".format, simple, st.sampled_from(["and", "or"]), simple),
                     st.builds("not ({})".format, simple))


@st.composite
def _bands(draw, key: str, top: Decimal, bounds: Range, *, from_zero: bool = False, closed: str = "left"
           ) -> list[dict]:
    """Contiguous bands over the span of what they read, each reachable (JX223), the ends open or closed."""
    low, high = _span(bounds)
    if from_zero:  # marginal tiers start at 0 (JX221)
        low = min(low, D(0))
    places = 4 if high - low <= 1 else 2
    cuts = sorted(set(draw(st.lists(_between(low, high, places), min_size=1, max_size=4))))
    cuts = [cut for cut in cuts if low < cut < high and (not from_zero or cut > 0)]
    first = D(0) if from_zero else draw(st.sampled_from([None, low]))
    if not cuts or (first is not None and cuts[0] <= first):
        cuts = [cut for cut in cuts if first is None or cut > first]
    edges = [first, *cuts, draw(st.sampled_from([None, high]))]
    if len(edges) == 2 and edges[0] is not None and edges[1] is not None and edges[0] >= edges[1]:
        edges[1] = None
    bands = []
    for start, stop in itertools.pairwise(edges):
        band: dict[str, object] = {key: draw(_between(D(0), top, 3))}
        if start is not None:
            band["from"] = start
        if stop is not None:
            band["to"] = stop
        bands.append(band)
    return bands


def _metric(draw, i: int) -> tuple[dict, Range]:
    kind = draw(st.sampled_from(TYPES if i else TYPES[:-1]))  # m0 is a number: KPIs need one to read
    spec: dict[str, object] = {"label": draw(_label(f"m{i}")), "type": kind}
    if kind == "choice":
        spec["values"] = {key: {"label": label} for key, label in CHOICES.items()}
        if draw(st.integers(0, 4)) == 0:
            spec["missing"] = "pass"
        return spec, (None, None)
    bounds = natural_range(kind)
    if kind in ("number", "money") and draw(st.integers(0, 2)) == 0:
        low = draw(st.sampled_from([None, D(-100), D(0), D(10)]))
        high = draw(st.sampled_from([None, D(50), D(1000)])) if low is not None else D(500)
        if high is not None and low is not None and high <= low:
            high = low + 100
        spec["range"] = {k: v for k, v in (("min", low), ("max", high)) if v is not None}
        bounds = (low, high)
    elif kind in ("ratio", "count") and draw(st.integers(0, 4)) == 0:  # 答问比 passes 1
        bounds = (D(0), D(5) if kind == "ratio" else D(200))
        spec["range"] = {"min": bounds[0], "max": bounds[1]}
    if draw(st.booleans()):
        spec["direction"] = draw(st.sampled_from(["higher", "lower"]))
    if draw(st.integers(0, 4)) == 0:
        spec["missing"] = bounds[0] if bounds[0] is not None else D(0)
    return spec, bounds


@st.composite
def policies(draw) -> dict:
    policy: dict[str, object] = {
        "jixiao": 1,
        "policy": {"id": "fuzz", "version": "1", "name": draw(_label("policy")), "effective_from": "2026-01-01"},
    }
    rounding = {}
    if draw(st.booleans()):  # powers of ten from 1 to 0.0001 (JX220)
        rounding["quantum"] = draw(st.sampled_from([D("0.01"), D("0.1"), D(1), D("0.001"), D("0.0001")]))
    if draw(st.booleans()):
        rounding["mode"] = draw(st.sampled_from(["half_up", "half_even", "down", "up"]))
    if rounding:
        policy["policy"]["rounding"] = rounding  # type: ignore[index]
    texts: dict[str, list[str]] = {}
    roles = ["trainee", "agent", "supervisor"]
    if draw(st.booleans()):
        policy["roles"] = {r: {"label": draw(_label(r))} for r in roles}
        texts["role"] = roles
    if draw(st.booleans()):
        policy["grades"] = {g: {"label": draw(_label(g))} for g in ("A0", "A1", "A2")}
        texts["grade"] = ["A0", "A1", "A2"]

    metrics, ranges = {}, {}
    for i in range(draw(st.integers(1, 4))):
        metrics[f"m{i}"], ranges[f"m{i}"] = _metric(draw, i)
    numeric = [m for m, s in metrics.items() if s["type"] != "choice"]
    for m, s in metrics.items():
        if s["type"] == "choice":
            texts[m] = list(CHOICES)
    if len(numeric) > 1 and draw(st.integers(0, 3)) == 0:
        metrics[numeric[0]]["scope"] = "team"
    policy["metrics"] = metrics
    agent_metrics = [m for m in numeric if metrics[m].get("scope") != "team"]
    names = list(numeric)

    aggregates = {}
    for i in range(draw(st.integers(0, 2)) if agent_metrics else 0):
        of, stat = draw(st.sampled_from(agent_metrics)), draw(st.sampled_from(["mean", "sum", "min", "max", "count"]))
        aggregates[f"g{i}"] = {"label": draw(_label(f"g{i}")), "of": of, "stat": stat}
        ranges[f"g{i}"] = ranges[of] if stat in ("mean", "min", "max") else (None, None)
    if aggregates:
        policy["aggregates"] = aggregates
        names += list(aggregates)

    derived = {}
    for i in range(draw(st.integers(0, 2))):
        spec = {"label": draw(_label(f"d{i}")), "formula": draw(formulas(names, texts))}
        if draw(st.booleans()):
            spec["on_zero_division"] = draw(small)
        derived[f"d{i}"] = spec
        names.append(f"d{i}")
    if derived:
        policy["derived"] = derived

    weights = draw(st.lists(st.integers(1, 50).map(D), min_size=1, max_size=4))
    kpis = {}
    for i, weight in enumerate(weights):
        spec = {"label": draw(_label(f"k{i}")), "weight": weight}
        method = draw(st.sampled_from(["linear", "bands", "formula"]))
        metric = draw(st.sampled_from(names))
        bounds = ranges.get(metric, (None, None))
        if method == "linear":
            low, high = _span(bounds)
            ends = draw(st.lists(_between(low, high, 4 if high - low <= 5 else 2), min_size=2, max_size=2,
                                 unique=True))
            spec.update(metric=metric, linear={"from": ends[0], "to": ends[1]})
        elif method == "bands":
            closed = draw(st.sampled_from(["left", "right"]))
            spec.update(metric=metric, bands=draw(_bands("points", weight, bounds, closed=closed)))
            if closed == "right":
                spec["closed"] = "right"
        else:
            spec["formula"] = draw(formulas(names, texts))
        kpis[f"k{i}"] = spec
    policy["kpis"] = kpis
    total = sum(weights, D(0))
    score: dict[str, object] = {"total": total}
    if draw(st.booleans()):
        score["precision"] = draw(st.sampled_from([D("0.01"), D("0.1"), D(1), D("0.0001")]))
    readable = names + [f"k{i}_points" for i in range(len(kpis))] + ["score"]
    if draw(st.booleans()):
        mins = sorted(set(draw(st.lists(st.integers(0, int(total)), min_size=1, max_size=3))), reverse=True)
        ratings = {f"r{i}": {"label": draw(_label(f"r{i}")), "min": m} for i, m in enumerate(mins)}
        ratings["rest"] = {"label": draw(_label("rest"))}
        score["ratings"] = ratings
        texts["rating"] = list(ratings)
    policy["score"] = score

    # Population values and rankings read per-agent values computed before pay (phased evaluation).
    flags: list[str] = []
    if draw(st.booleans()):
        where = draw(_where(readable, texts))
        spec = {"label": draw(_label("team_sum")), "of": draw(formulas(readable, {})), "stat": "sum", "over": "team",
                "where": where}
        population = {"team_sum": spec}
        if draw(st.booleans()):
            population["team_mean"] = {"label": draw(_label("team_mean")), "of": draw(st.sampled_from(readable)),
                                       "stat": "mean", "over": draw(st.sampled_from(["team", "shop"])),
                                       "where": where, "empty": D(0)}
        policy["population"] = population
        readable += list(population)
    if draw(st.booleans()):
        top = draw(st.one_of(st.integers(1, 3).map(lambda c: {"count": c}),
                             st.builds(lambda p, r: {"percent": p, "rounding": r}, st.sampled_from([10, 30, D("50.5")]),
                                       st.sampled_from(["floor", "ceil", "nearest"]))))
        ranking = {"label": draw(_label("rank")), "of": draw(st.sampled_from(["score", *[f"k{i}_points" for i in
                                                                                        range(len(kpis))]])),
                   "top": top}
        if draw(st.booleans()):
            ranking["ties"] = draw(st.sampled_from(["shared", "dense"]))
        if draw(st.booleans()):
            ranking["direction"] = "lower"
        policy["rankings"] = {"rank": ranking}
        readable += ["rank_place", "rank_size", "rank_cut"]
        flags += ["rank_top", "rank_in"]

    pay: dict[str, dict] = {}
    kinds = draw(st.lists(st.sampled_from(["table", "commission", "fixed", "step", "minimum", "formula"]),
                          min_size=1, max_size=5))
    gate_names = [f"gate{i}" for i in range(draw(st.integers(0, 2)))]
    for i, kind in enumerate(kinds):
        name = f"p{i}"
        spec = {"label": draw(_label(name)), "kind": kind}
        exprs = formulas(readable, texts, flags + gate_names)
        if "role" in texts and draw(st.integers(0, 3)) == 0:
            spec["roles"] = draw(st.lists(st.sampled_from(roles), min_size=1, max_size=3, unique=True))
        if kind == "table":
            key = draw(st.sampled_from([k for k in ("grade", "role") if k in texts] or ["none"]))
            if key == "none":
                spec.update(kind="fixed", amount=draw(amounts))
            else:
                spec.update(key=key, values={choice: draw(amounts) for choice in texts[key]})
        elif kind == "commission":
            spec["base"] = draw(exprs)
            if draw(st.booleans()):
                spec["rate"] = draw(_between(D(0), D("0.1"), 4))
            else:
                mode = draw(st.sampled_from(["retroactive", "marginal"]))
                on = draw(st.one_of(st.sampled_from(names), exprs))
                closed = draw(st.sampled_from(["left", "right"]))
                spec["rate"] = {"on": on, "mode": mode,
                                "tiers": draw(_bands("rate", D("0.1"), ranges.get(on, (None, None)),
                                                     from_zero=mode == "marginal", closed=closed))}
                if closed == "right":
                    spec["rate"]["closed"] = "right"
        elif kind == "fixed":
            spec["amount"] = draw(amounts)
        elif kind == "step":
            spec.update(on=draw(exprs), **{"from": draw(small)}, every=draw(small.filter(lambda v: v > 0)),
                        first=draw(amounts))
            if draw(st.booleans()):
                spec["then"] = draw(amounts)
            if draw(st.booleans()):
                spec["max"] = draw(amounts)
        elif kind == "minimum":
            if "role" in texts and draw(st.booleans()):  # a floor by role names every role it applies to
                spec["floor"] = {"by": "role", "values": {r: draw(amounts) for r in spec.get("roles", roles)}}
            else:
                spec["floor"] = draw(exprs)
            if pay and draw(st.booleans()):
                spec["of"] = draw(st.lists(st.sampled_from(list(pay)), min_size=1, unique=True))
        else:
            spec["formula"] = draw(exprs)
        if draw(st.integers(0, 3)) == 0:
            spec["when"] = draw(conditions(readable, texts, flags + gate_names))
        pay[name] = spec
        readable.append(name)
    policy["pay"] = pay
    if gate_names:
        before_pay = readable[: -len(pay)]
        score["gates"] = {
            gate: {"label": draw(_label(gate)), "when": draw(conditions(before_pay, texts, flags)),
                   "cancels": draw(st.lists(st.sampled_from(list(pay)), min_size=1, max_size=3, unique=True))}
            for gate in gate_names
        }
    return policy


def _where(names: list[str], texts: dict[str, list[str]]) -> st.SearchStrategy[str]:
    """A group's condition that reads something of the agent (a constant one is JX231)."""
    compare = [st.builds(lambda n, v: f"{n} != {v!r}", st.just(name), st.sampled_from(values))
               for name, values in texts.items() if values and name != "rating"]
    return st.one_of(st.builds("{} {} {}".format, st.sampled_from(names), st.sampled_from(["<", ">=", "!="]),
                               small.map(_literal)), *compare)


def metric_ranges(policy: dict) -> dict[str, Range]:
    """Each metric's range as the generator drew it: declared, else its type's natural one."""
    found = {}
    for name, spec in policy["metrics"].items():
        declared = spec.get("range")
        found[name] = (declared.get("min"), declared.get("max")) if declared else natural_range(spec["type"])
    return found


@st.composite
def scenarios(draw) -> tuple[dict, list[AgentInput]]:
    policy = draw(policies())
    metrics = policy["metrics"]
    ranges = metric_ranges(policy)
    team_values: dict[tuple[str, str], object] = {}
    agents = []
    for i in range(draw(st.integers(1, 6))):
        team = draw(st.sampled_from(["", "一组", "二组"]))
        values = {}
        for name, spec in metrics.items():
            value = _value(spec["type"], ranges[name])
            if spec.get("scope") == "team":
                values[name] = team_values.setdefault((team, name), draw(value))
            else:
                values[name] = draw(value)
        agents.append(AgentInput(
            agent=f"{1000 + i}", period="2026-10", values=values, team=team,
            name=draw(st.text(NAME_CHARS, max_size=6)),
            role=draw(st.sampled_from(["trainee", "agent", "supervisor"])) if "roles" in policy else None,
            grade=draw(st.sampled_from(["A0", "A1", "A2"])) if "grades" in policy else None,
        ))
    return policy, agents


def _checked_plan(policy: dict) -> Plan:
    doc = load_text(dump(policy), "fuzz.yaml")
    errors = [d for d in check(doc) if d.severity == "error"]
    if errors and all(d.code == "JX215" for d in errors):
        reject()  # a constant part that cannot be computed (e.g. 0 / 0): refused, and rightly
    assert not errors, "\n".join(d.render() for d in errors)
    return compile_policy(doc)


def _cell(kind: str, value: object, index: int) -> str:
    """How an export writes the value: percents with a sign, a choice by its label (or id), digits."""
    if kind == "choice":
        return CHOICES[value]["zh"] if index % 2 == 0 else str(value).upper()
    return f"{format(value * 100, 'f')}%" if kind == "percent" else format(value, "f")


def round_trip(scenario: tuple[dict, list[AgentInput]], encoding: str) -> None:
    """Property: agents written as an export (CSV, this encoding) read back as the same inputs."""
    policy, agents = scenario
    with bounded("write+read CSV"):
        plan = _checked_plan(policy)
        people = [("岗位", "role")] * ("roles" in policy) + [("等级", "grade")] * ("grades" in policy)
        header = ["工号", "月份", "组别", *(h for h, _ in people), *policy["metrics"]]
        rows = [[a.agent, a.period, a.team, *(getattr(a, key) for _, key in people),
                 *(_cell(spec["type"], a.values[m], i) for m, spec in policy["metrics"].items())]
                for i, a in enumerate(agents)]
        out = io.StringIO(newline="")
        csv.writer(out).writerows([header, *rows])
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "metrics.csv"
            path.write_bytes(out.getvalue().encode(encoding))
            read = read_inputs(plan, path)

    def facts(items):
        return sorted((a.agent, a.period, a.team, a.role, a.grade, dict(a.values)) for a in items)

    assert facts(read.agents) == facts(agents)


def evaluate_everything(scenario: tuple[dict, list[AgentInput]]) -> None:
    """Property: a valid policy evaluates, reports and explains, or stops with a located error."""
    policy, agents = scenario
    with bounded("check+compile+evaluate+report+explain", time_limit(4 * len(agents) + 2)):
        plan = _checked_plan(policy)
        try:
            results = evaluate(plan, agents, trace=True)
        except JixiaoError as error:
            assert "agent" in str(error), f"evaluation error that names no agent: {error}"
            return
        for fmt in ("table", "json", "csv", "xlsx"):
            for lang in ("zh", "en"):
                render(plan, results, fmt, lang)
        shown = [value for row in json.loads(render(plan, results, "json"))["results"]
                 for value in (row["score"], *row["kpis"].values(), row["pay"]["total"],
                               *row["pay"]["components"].values())]
        assert not [v for v in shown if NEGATIVE_ZERO.fullmatch(v)], shown
        weights = {name: D(spec["weight"]) for name, spec in policy["kpis"].items()}
        for result in results:
            for lang in ("zh", "en"):
                explain_text(plan, result, lang)
                explain_json(plan, result, lang)
                short_text(plan, result, lang)
                short_json(plan, result, lang)
            assert all(D(0) <= points <= weights[name] for name, points in result.kpis), result.kpis
            assert result.score == sum((points for _, points in result.kpis), D(0)), result
            assert result.total == sum((amount for _, amount in result.pay), D(0)), result
        plain = evaluate(plan, agents)
        assert [r._replace(trace=None) for r in plain] == [r._replace(trace=None) for r in results], (
            "run and run_trace disagree")


@fuzz_settings(40)
@given(scenarios())
def test_valid_policies_evaluate_report_and_explain(scenario):
    evaluate_everything(scenario)


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gb18030"])


def read_back(case: tuple[tuple[dict, list[AgentInput]], str]) -> None:
    round_trip(*case)


@fuzz_settings(30)
@given(st.tuples(scenarios(), ENCODINGS))
def test_valid_inputs_read_back_from_csv(case):
    read_back(case)
