"""Property: a policy that validates clean evaluates without a traceback.

Random expressions mixing numbers, true/false and text (the untrusted-input issue's families)
are put in a KPI formula and a gate. Whatever `check` accepts must compile and evaluate for any
agent; the only failures allowed are located `EvaluationError`s that depend on the data
(division by zero, a negative number to a fractional power, a power too large).
"""

from __future__ import annotations

import textwrap
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import EvaluationError
from engine.model.inputs import AgentInput
from engine.policy.check import check
from engine.policy.compile import compile_policy
from engine.policy.load import load_text
from engine.run.evaluate import evaluate

POLICY = """\
jixiao: 1
policy: {id: prop, version: "1", name: 属性, effective_from: 2026-01-01}
roles:
  agent: {label: 客服}
  probation: {label: 试用期}
metrics:
  a: {label: 甲, type: number}
  r: {label: 回复率, type: ratio}
kpis:
  k: {label: 考核, weight: 100, formula: %s}
score:
  total: 100
  gates:
    g: {label: 门槛, when: %s, cancels: [bonus]}
pay:
  bonus: {label: 奖金, kind: formula, formula: "score * 10"}
"""

LEAVES = st.sampled_from(["a", "r", "True", "False", "role", "'agent'", "2", "0.5", "0", "g"])
NUMBER_LEAVES = st.sampled_from(["a", "r", "2", "0.5", "0", "-1"])


def _grow(inner):
    two = st.tuples(inner, inner)
    return st.one_of(
        two.map(lambda p: f"({p[0]} + {p[1]})"),
        two.map(lambda p: f"({p[0]} * {p[1]})"),
        two.map(lambda p: f"({p[0]} / {p[1]})"),
        inner.map(lambda x: f"({x} ** 2)"),
        two.map(lambda p: f"({p[0]} > {p[1]})"),
        two.map(lambda p: f"({p[0]} == {p[1]})"),
        two.map(lambda p: f"({p[0]} and {p[1]})"),
        inner.map(lambda x: f"(not {x})"),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        two.map(lambda p: f"min({p[0]}, {p[1]})"),
        inner.map(lambda x: f"abs({x})"),
        inner.map(lambda x: f"-{x}"),
    )


def _numbers(inner):
    two = st.tuples(inner, inner)
    return st.one_of(
        two.map(lambda p: f"({p[0]} + {p[1]})"),
        two.map(lambda p: f"({p[0]} - {p[1]})"),
        two.map(lambda p: f"({p[0]} * {p[1]})"),
        two.map(lambda p: f"({p[0]} / {p[1]})"),
        two.map(lambda p: f"({p[0]} // {p[1]})"),
        two.map(lambda p: f"({p[0]} % {p[1]})"),
        st.tuples(inner, st.sampled_from(["2", "-1", "0.5", "3"])).map(lambda p: f"({p[0]} ** {p[1]})"),
        st.tuples(inner, inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} > {t[2]} else {t[3]})"),
        two.map(lambda p: f"max({p[0]}, {p[1]})"),
        inner.map(lambda x: f"abs({x})"),
        inner.map(lambda x: f"-{x}"),
    )


ANY = st.recursive(LEAVES, _grow, max_leaves=6)
NUMBERS = st.recursive(NUMBER_LEAVES, _numbers, max_leaves=6)
CONDITIONS = st.one_of(
    st.tuples(NUMBERS, NUMBERS).map(lambda p: f"{p[0]} < {p[1]}"),
    st.tuples(NUMBERS, NUMBERS, st.sampled_from(["and", "or"])).map(lambda p: f"{p[0]} >= 1 {p[2]} {p[1]} != 0"),
    st.sampled_from(["role == 'agent'", "not role in ('probation',)", "k_points > 50", "score <= 60"]),
)
# Mostly well-typed (so that many policies validate), sometimes anything at all.
FORMULAS = st.one_of(NUMBERS, NUMBERS, NUMBERS, ANY)
WHENS = st.one_of(CONDITIONS, CONDITIONS, CONDITIONS, ANY)
VALUES = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FORMULAS, WHENS, VALUES, st.decimals(min_value=0, max_value=1, places=3), st.booleans())
def test_whatever_validates_clean_evaluates(formula: str, when: str, a: Decimal, r: Decimal, probation: bool):
    text = POLICY % (f'"{formula}"', f'"{when}"')
    doc = load_text(textwrap.dedent(text).encode(), "prop.yaml")
    if any(d.severity == "error" for d in check(doc)):
        return
    plan = compile_policy(doc)
    agent = AgentInput("a1", "2026-01", {"a": a, "r": r}, role="probation" if probation else "agent")
    try:
        (result,) = evaluate(plan, [agent])
    except EvaluationError as exc:
        assert any(reason in str(exc) for reason in ("division by zero", "invalid arithmetic", "Sorry!")), str(exc)
        return
    assert isinstance(result.score, Decimal)
    assert all(isinstance(amount, Decimal) for _, amount in result.pay)
