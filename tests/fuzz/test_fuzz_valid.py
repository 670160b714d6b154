"""Fuzz target 4: valid policies, evaluated on in-range inputs, reported and explained.

The strategies below build small but complete policies the checker must accept: metrics of every
type, team aggregates, derived formulas, KPIs scored by linear ranges, bands and formulas with
weights summing to the total, ratings, gates, and pay components of every kind (table, commission
with a flat rate or retroactive/marginal tiers, fixed, step, minimum, formula), some paid only
`when` a condition holds. For such a policy and agents with values in each metric's range, every
agent gets a result or the evaluation stops with a located JixiaoError; every report format works
in both languages, `explain` works for every agent, and the result is consistent: points within
[0, weight], score the sum of points, total the sum of the pay lines, no negative zero shown.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import tempfile
from decimal import Decimal
from pathlib import Path

from fuzz_support import LONG, bounded, fuzz_settings
from hypothesis import given, reject
from hypothesis import strategies as st
from test_fuzz_policy import dump

from engine.check import check
from engine.compile import Plan, compile_policy
from engine.errors import JixiaoError
from engine.evaluate import AgentInput, evaluate
from engine.explain import explain_json, explain_text
from engine.inputs import read_inputs
from engine.load import load_text
from engine.report import render

D = Decimal
NEGATIVE_ZERO = re.compile(r"-0(?:\.0+)?")  # -0 or -0.00 shown, never -0.01
TYPES = ("number", "money", "ratio", "percent", "duration", "count")
# The normal suite keeps to inputs every engine version must handle; a long run adds extremes.
# Labels: control characters only in a long run (a known XLSX family, see FINDINGS.md).
LABEL_CHARS = st.characters(exclude_categories=("Cs",) if LONG else ("Cs", "Cc", "Cf", "Zl", "Zp"))

amounts = st.decimals(min_value=-1000, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)
small = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


def _label(prefix: str) -> st.SearchStrategy[object]:
    """A label that cannot collide with another name's header: the id first, then free text."""
    text = st.text(LABEL_CHARS, max_size=12).map(lambda t: f"{prefix} {t}".strip()[:200])
    return st.one_of(text, st.builds(lambda zh, en: {"zh": zh, "en": en}, text, text),
                     st.builds(lambda zh: {"zh": zh}, text))


def _value(kind: str) -> st.SearchStrategy[Decimal]:
    """An in-range value of a metric type, as the readers would store it (ratios as fractions)."""
    if kind in ("ratio", "percent"):
        return st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)
    if kind == "count":
        return st.integers(0, 10**6 if LONG else 5000).map(D)
    if kind == "duration":
        return st.decimals(min_value=0, max_value=3600, places=1, allow_nan=False, allow_infinity=False)
    extremes = st.sampled_from([D(10) ** 27, -(D(10) ** 27), D("1E-20"), D("-0")]) if LONG else st.nothing()
    return st.one_of(st.decimals(min_value=-10**6, max_value=10**6, places=2, allow_nan=False,
                                 allow_infinity=False), extremes)


def _literal(value: Decimal) -> str:
    return format(value, "f")


def formulas(names: list[str], texts: dict[str, list[str]], depth: int = 6) -> st.SearchStrategy[str]:
    """Expressions over `names` (numbers) with comparisons of the text names against their ids."""
    leaves = st.one_of(st.sampled_from(names) if names else st.nothing(), small.map(_literal))
    compare = [st.builds(lambda n, v: f"({n} == {v!r})", st.just(name), st.sampled_from(values))
               for name, values in texts.items() if values]
    tests = st.one_of(st.builds("({} {} {})".format, leaves, st.sampled_from(["<", "<=", ">", ">=", "=="]), leaves),
                      *compare)
    smallest = 1 if LONG else 2  # min(x) with one argument: a known family (FINDINGS.md)
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds("({} {} {})".format, inner, st.sampled_from(["+", "-", "*"]), inner),
            st.builds("({} / ({} + 1))".format, inner, st.sampled_from(names or ["1"]).map(lambda n: f"abs({n})")),
            st.builds("({} if {} else {})".format, inner, tests, inner),
            st.builds("{}({})".format, st.sampled_from(["min", "max"]),
                      st.lists(inner, min_size=smallest, max_size=3).map(", ".join)),
            st.builds("abs({})".format, inner),
        ),
        max_leaves=depth,
    )


def conditions(names: list[str], texts: dict[str, list[str]]) -> st.SearchStrategy[str]:
    value = formulas(names, texts, 3)
    compare = [st.builds(lambda n, v: f"{n} == {v!r}", st.just(name), st.sampled_from(values))
               for name, values in texts.items() if values]
    return st.one_of(st.builds("{} {} {}".format, value, st.sampled_from(["<", ">=", "!="]), value), *compare)


@st.composite
def _bands(draw, key: str, top: Decimal, *, from_zero: bool = False) -> list[dict]:
    """Contiguous bands over 0–100; the ends are open or closed (values beyond a closed end get 0)."""
    cuts = sorted(set(draw(st.lists(small, min_size=1, max_size=4))))
    if from_zero:  # marginal tiers start at 0 so every slice has a rate
        cuts = [cut for cut in cuts if cut > 0]
    first = D(0) if from_zero else draw(st.sampled_from([None, D(-1)]))
    edges = [first, *cuts, draw(st.sampled_from([None, D(101)]))]
    bands = []
    for low, high in itertools.pairwise(edges):
        band: dict[str, object] = {key: draw(st.decimals(min_value=0, max_value=top, places=3, allow_nan=False,
                                                         allow_infinity=False))}
        if low is not None:
            band["from"] = low
        if high is not None:
            band["to"] = high
        bands.append(band)
    return bands


@st.composite
def policies(draw) -> dict:
    policy: dict[str, object] = {
        "jixiao": 1,
        "policy": {"id": "fuzz", "version": "1", "name": draw(_label("policy")), "effective_from": "2026-01-01"},
    }
    rounding = {}
    if draw(st.booleans()):
        rounding["quantum"] = draw(st.sampled_from([D("0.01"), D("0.1"), D(1), D("0.001"), D(10)]
                                                   + ([D("1E-20")] if LONG else [])))
    if draw(st.booleans()):
        rounding["mode"] = draw(st.sampled_from(["half_up", "half_even", "down", "up"]))
    if rounding:
        policy["policy"]["rounding"] = rounding  # type: ignore[index]
    texts: dict[str, list[str]] = {}
    if draw(st.booleans()):
        policy["roles"] = {r: {"label": draw(_label(r))} for r in ("trainee", "agent")}
        texts["role"] = ["trainee", "agent"]
    if draw(st.booleans()):
        policy["grades"] = {g: {"label": draw(_label(g))} for g in ("A0", "A1", "A2")}
        texts["grade"] = ["A0", "A1", "A2"]

    metrics = {}
    for i in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(TYPES))
        spec: dict[str, object] = {"label": draw(_label(f"m{i}")), "type": kind}
        if draw(st.booleans()):
            spec["direction"] = draw(st.sampled_from(["higher", "lower"]))
        if draw(st.integers(0, 4)) == 0:
            spec["missing"] = D(0)
        metrics[f"m{i}"] = spec
    if len(metrics) > 1 and draw(st.integers(0, 3)) == 0:
        metrics["m0"]["scope"] = "team"
    policy["metrics"] = metrics
    agent_metrics = [m for m, s in metrics.items() if s.get("scope") != "team"]
    names = list(metrics)

    aggregates = {}
    for i in range(draw(st.integers(0, 2)) if agent_metrics else 0):
        aggregates[f"g{i}"] = {"label": draw(_label(f"g{i}")), "of": draw(st.sampled_from(agent_metrics)),
                               "stat": draw(st.sampled_from(["mean", "sum", "min", "max", "count"]))}
    if aggregates:
        policy["aggregates"] = aggregates
        names += list(aggregates)

    derived = {}
    for i in range(draw(st.integers(0, 2))):
        spec = {"label": draw(_label(f"d{i}")), "formula": draw(formulas(names, {}))}
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
        if method == "linear":
            ends = draw(st.lists(small, min_size=2, max_size=2, unique=True))
            spec.update(metric=metric, linear={"from": ends[0], "to": ends[1]})
        elif method == "bands":
            spec.update(metric=metric, bands=draw(_bands("points", weight)))
        else:
            spec["formula"] = draw(formulas(names, {}))
        kpis[f"k{i}"] = spec
    policy["kpis"] = kpis
    total = sum(weights, D(0))
    score: dict[str, object] = {"total": total}
    if draw(st.booleans()):
        score["precision"] = draw(st.sampled_from([D("0.01"), D("0.1"), D(1)] + ([D("1E-20")] if LONG else [])))
    readable = names + [f"k{i}_points" for i in range(len(kpis))] + ["score"]
    if draw(st.booleans()):
        mins = sorted(set(draw(st.lists(st.integers(0, int(total)), min_size=1, max_size=3))), reverse=True)
        ratings = {f"r{i}": {"label": draw(_label(f"r{i}")), "min": m} for i, m in enumerate(mins)}
        ratings["rest"] = {"label": draw(_label("rest"))}
        score["ratings"] = ratings
        texts["rating"] = list(ratings)
    policy["score"] = score

    pay: dict[str, dict] = {}
    kinds = draw(st.lists(st.sampled_from(["table", "commission", "fixed", "step", "minimum", "formula"]),
                          min_size=1, max_size=5))
    if not LONG and kinds[0] == "minimum":  # a minimum with nothing before it: a known family (FINDINGS.md)
        kinds[0] = "fixed"
    gate_names = [f"gate{i}" for i in range(draw(st.integers(0, 2)))]
    for i, kind in enumerate(kinds):
        name = f"p{i}"
        spec = {"label": draw(_label(name)), "kind": kind}
        exprs = formulas(readable + gate_names, texts)
        if kind == "table":
            key = draw(st.sampled_from([k for k in ("grade", "role") if k in texts] or ["none"]))
            if key == "none":
                spec.update(kind="fixed", amount=draw(amounts))
            else:
                spec.update(key=key, values={choice: draw(amounts) for choice in texts[key]})
        elif kind == "commission":
            spec["base"] = draw(exprs)
            if draw(st.booleans()):
                spec["rate"] = draw(st.decimals(min_value=0, max_value=D("0.1"), places=4, allow_nan=False,
                                                allow_infinity=False))
            else:
                mode = draw(st.sampled_from(["retroactive", "marginal"]))
                spec["rate"] = {"on": draw(exprs), "mode": mode,
                                "tiers": draw(_bands("rate", D("0.1"), from_zero=mode == "marginal"))}
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
            spec["floor"] = draw(exprs)
            if pay and draw(st.booleans()):
                spec["of"] = draw(st.lists(st.sampled_from(list(pay)), min_size=1, unique=True))
        else:
            spec["formula"] = draw(exprs)
        if draw(st.integers(0, 3)) == 0:
            spec["when"] = draw(conditions(readable + gate_names, texts))
        pay[name] = spec
        readable.append(name)
    policy["pay"] = pay
    if gate_names:
        score["gates"] = {
            gate: {"label": draw(_label(gate)), "when": draw(conditions(readable[: -len(pay)], texts)),
                   "cancels": draw(st.lists(st.sampled_from(list(pay)), min_size=1, max_size=3, unique=True))}
            for gate in gate_names
        }
    return policy


@st.composite
def scenarios(draw) -> tuple[dict, list[AgentInput]]:
    policy = draw(policies())
    metrics = policy["metrics"]
    team_values: dict[str, Decimal] = {}
    agents = []
    for i in range(draw(st.integers(1, 6))):
        team = draw(st.sampled_from(["", "一组", "二组"]))
        values = {}
        for name, spec in metrics.items():
            if spec.get("scope") == "team":
                values[name] = team_values.setdefault(team, draw(_value(spec["type"])))
            else:
                values[name] = draw(_value(spec["type"]))
        agents.append(AgentInput(
            agent=f"{1000 + i}", period="2026-10", values=values, team=team,
            name=draw(st.text(LABEL_CHARS, max_size=6)),
            role=draw(st.sampled_from(["trainee", "agent"])) if "roles" in policy else None,
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


def _cell(kind: str, value: Decimal) -> str:
    """How an export writes the value: percents with a sign, everything else as plain digits."""
    return f"{format(value * 100, 'f')}%" if kind == "percent" else format(value, "f")


def round_trip(scenario: tuple[dict, list[AgentInput]], encoding: str) -> None:
    """Property: agents written as an export (CSV, this encoding) read back as the same inputs."""
    policy, agents = scenario
    with bounded("write+read CSV"):
        plan = _checked_plan(policy)
        people = [("岗位", "role")] * ("roles" in policy) + [("等级", "grade")] * ("grades" in policy)
        header = ["工号", "月份", "组别", *(h for h, _ in people), *policy["metrics"]]
        rows = [[a.agent, a.period, a.team, *(getattr(a, key) for _, key in people),
                 *(_cell(spec["type"], a.values[m]) for m, spec in policy["metrics"].items())] for a in agents]
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
    with bounded("check+compile+evaluate+report+explain", 4 * len(agents) + 2):
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
            assert all(D(0) <= points <= weights[name] for name, points in result.kpis), result.kpis
            assert result.score == sum((points for _, points in result.kpis), D(0)), result
            assert result.total == sum((amount for _, amount in result.pay), D(0)), result
        plain = evaluate(plan, agents)
        assert [r[:11] for r in plain] == [r[:11] for r in results], "run and run_trace disagree"


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
