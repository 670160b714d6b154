"""Regression tests for fuzz findings (tests/fuzz/FINDINGS.md) that no other test file holds.

Each test is the finding's reproducer reduced by hand, asserting the exact outcome now: the located
diagnostic (code, line, column), or the value. Findings whose tests live beside their code are
listed in FINDINGS.md's "Fixed" section with those tests' names.
"""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from engine.errors import EvaluationError
from engine.policy.check import check
from engine.policy.compile import Plan, compile_policy
from engine.policy.load import load_text
from engine.report.explain import explain_text
from engine.report.tables import render
from engine.run.evaluate import AgentInput, AgentResult, evaluate

D = Decimal

BASE = """\
jixiao: 1
policy: {id: p, version: "1", name: p, effective_from: 2026-01-01}
metrics:
  m: {label: m, type: number}
kpis:
  k: {label: k, weight: 100, metric: m, linear: {from: 0, to: 10}}
score: {total: 100}
pay:
  base: {label: base, kind: fixed, amount: 100}
"""


def found(text: str) -> list[tuple[str, int, int, str]]:
    return [(d.code, d.line, d.column, d.message) for d in check(load_text(text.encode(), "p.yaml"))]


def plan_of(text: str, warned: tuple[str, ...] = ()) -> Plan:
    doc = load_text(text.encode(), "p.yaml")
    assert [d.code for d in check(doc)] == list(warned)
    return compile_policy(doc)


def one(plan: Plan, m: Decimal) -> AgentResult:
    (result,) = evaluate(plan, [AgentInput("1001", "2026-10", {"m": m})], trace=True)
    return result


def test_F3_explain_shows_a_money_value_of_10_to_the_26_in_full() -> None:
    """F3: `show` quantized 10^26 to 0.01 under a 28-digit context and raised InvalidOperation."""
    plan = plan_of(BASE.replace("type: number", "type: money").replace(
        "amount: 100}", "amount: 100}\n  f: {label: f, kind: formula, formula: 'm * 0'}"))
    text = explain_text(plan, one(plan, D(10) ** 26), "en")
    assert "100,000,000,000,000,000,000,000,000.00" in text or "100000000000000000000000000.00" in text


def test_F3_a_pay_line_too_long_to_round_names_that_cause_not_only_a_fractional_power() -> None:
    """F3: a 29-digit pay line stopped with "a negative number to a fractional power" as its only cause."""
    plan = plan_of(BASE.replace("amount: 100}", "amount: 100}\n  f: {label: f, kind: formula, formula: 'm * m'}"))
    with pytest.raises(EvaluationError) as caught:
        one(plan, D("900000000000000"))
    message = str(caught.value)
    assert message.startswith("p.yaml:10: cannot compute f for agent 1001 (2026-10): invalid arithmetic")
    assert "more than 28 digits that cannot be rounded to the policy's precision" in message
    assert "超过 28 位数字" in caught.value.zh


def test_F5_more_than_100_ratings_are_refused_by_the_schema_and_100_compile() -> None:
    """F5: 201 ratings compiled to 201 nested conditionals, a SyntaxError; now at most 100 (JX104)."""
    def ratings(count: int) -> str:
        rows = "".join(f"    r{i}: {{label: r, min: {count - i}}}\n" for i in range(count))
        return BASE.replace("score: {total: 100}", "score:\n  total: 100\n  ratings:\n" + rows + "    last: {label: l}")

    assert found(ratings(101)) == [("JX104", 10, 5, "score.ratings: has more than 100 entries")]
    plan = plan_of(ratings(99))
    assert one(plan, D(5)).rating == "r49"  # score 50: the first rating whose min (99 - i) is reached


@pytest.mark.parametrize("section", ["kpis", "pay"])
def test_F6_F11_500_kpis_or_pay_components_check_compile_and_run_quickly(section: str) -> None:
    """F6/F11: ~3,000 KPIs or components overflowed the compiler's recursion; the schema now stops at 500."""
    count = 500
    if section == "kpis":
        rows = "".join(f"  k{i}: {{label: k, weight: 1, formula: '1'}}\n" for i in range(count))
        text = BASE.replace("  k: {label: k, weight: 100, metric: m, linear: {from: 0, to: 10}}\n", rows).replace(
            "total: 100", f"total: {count}")
    else:
        rows = "".join(f"  p{i}: {{label: p, kind: fixed, amount: 1}}\n" for i in range(count - 1))
        text = BASE + rows  # with `base`, 500 components
    start = time.perf_counter()
    plan = plan_of(text)
    result = one(plan, D(5))
    assert time.perf_counter() - start < 2
    assert (result.score, result.total) == ((D(500), D(100)) if section == "kpis" else (D(50), D(599)))


def test_F6_a_section_of_more_than_500_entries_is_refused_at_its_line() -> None:
    rows = "".join(f"  p{i}: {{label: p, kind: fixed, amount: 1}}\n" for i in range(500))
    assert found(BASE + rows) == [("JX104", 9, 3, "pay: has more than 500 entries")]


def test_F15_a_zero_rate_on_a_negative_base_shows_zero_not_negative_zero() -> None:
    """F15: rounding -0.001 kept its sign, and the JSON showed "-0.00"."""
    plan = plan_of(BASE.replace("amount: 100}", "amount: -0.001}\n  bonus: {label: b, kind: commission, "
                                                "base: m - 10, rate: 0}"), warned=("JX275",))  # L.2: a fine
    shown = render(plan, evaluate(plan, [AgentInput("1001", "2026-10", {"m": D(5)})]), "json").decode()
    assert '"components": {"base": "0.00", "bonus": "0.00"}' in shown
    assert '"total": "0.00"' in shown


@pytest.mark.parametrize("value", ["[[1]]", "{a: 1}", "7"])
def test_F17_a_metric_type_that_is_not_text_is_a_schema_error_not_a_crash(value: str) -> None:
    """F17 (policy-tree): `type: [[1]]` reached a dict lookup in the range check: TypeError."""
    text = BASE.replace("type: number}", f"type: {value}}}")
    assert [(code, line) for code, line, _, _ in found(text)] == [("JX104", 4)]


def test_F17_a_range_bound_of_true_is_a_schema_error_and_no_bound() -> None:
    text = BASE.replace("type: number}", "type: number, range: {min: true}}")
    assert [(code, line, column) for code, line, column, _ in found(text)] == [("JX103", 4, 44)]


ROLES_TIERS = """\
jixiao: 1
policy: {id: p, version: "1", name: p, effective_from: 2026-01-01}
roles:
  trainee: {label: {zh: 试用期, en: Trainee}}
  agent: {label: {zh: 正式, en: Agent}}
metrics:
  m: {label: m, type: number}
kpis:
  k: {label: k, weight: 100, metric: m, linear: {from: 0, to: 10}}
score: {total: 100}
pay:
  base: {label: base, kind: fixed, amount: 100}
  bonus:
    label: {zh: 提成, en: Bonus}
    kind: commission
    roles: [trainee]
    base: m
    rate: {on: m, tiers: [{to: 5, rate: 0.01}, {from: 5, rate: 0.02}]}
"""


def test_F18_explain_of_a_tiered_commission_not_paid_to_the_agents_role() -> None:
    """F18 (valid): the tier a component never computed (roles: [trainee], agent 'agent') was None: TypeError."""
    plan = plan_of(ROLES_TIERS)
    (result,) = evaluate(plan, [AgentInput("1001", "2026-10", {"m": D(5)}, role="agent")], trace=True)
    assert dict(result.pay) == {"base": D("100.00"), "bonus": D("0.00")}
    text = explain_text(plan, result, "en")
    assert "not paid to this role (applies to: Trainee)" in text
    assert "bonus.tier) = —" in text
    assert "不发给该岗位（适用于：试用期）" in explain_text(plan, result, "zh")
