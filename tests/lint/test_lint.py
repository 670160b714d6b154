"""`jixiao lint` (engine.lint): each check fires on a small policy with its exact code and line, and
stays quiet on the fixed version; every shipped policy lints clean; exit codes and formats."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from harness.cli import run
from harness.paths import POLICIES, S3_POLICY, S4_POLICY

from engine.lint.run import lint_policy
from engine.policy.load import load_text

HEAD = """jixiao: 1
policy:
  id: t
  version: "1"
  name: {zh: 测试, en: Test}
  effective_from: 2026-10-01
metrics:
  sales: {label: {zh: 销售额, en: Sales}, type: money}
  satisfaction: {label: {zh: 满意度, en: Satisfaction}, type: ratio}
  late: {label: {zh: 迟到次数, en: Late arrivals}, type: count, direction: lower}
  returns_cost: {label: {zh: 退货损失, en: Return losses}, type: money}
derived:
  half: {label: {zh: 一半, en: Half}, formula: satisfaction / 2, type: ratio}
kpis:
  satisfaction:
    label: {zh: 满意度, en: Satisfaction}
    metric: satisfaction
    weight: 100
"""
BANDS = """    bands:
      - {to: 0.8, points: 0}
      - {from: 0.8, to: 0.9, points: 50}
      - {from: 0.9, points: 100}
"""
SCORE = """score:
  total: 100
  ratings:
    pass: {label: {zh: 合格, en: Pass}, min: 60}
    fail: {label: {zh: 不合格, en: Fail}}
"""
PAY = """pay:
  base: {label: {zh: 底薪, en: Base}, kind: fixed, amount: 3000}
  commission: {label: {zh: 提成, en: Commission}, kind: commission, base: sales, rate: 0.02}
  performance: {label: {zh: 绩效, en: Performance}, kind: formula, formula: score * 10}
"""
CLEAN = HEAD + BANDS + SCORE + PAY
KPI_LINE = CLEAN.split("\n").index("kpis:") + 2  # the KPI's key, the line after kpis:


def lint(text: str, cliff: str | None = None) -> list[tuple[str, int, str]]:
    """(code, line, severity) of each problem lint finds in `text`."""
    found = lint_policy(load_text(text.encode(), "p.yaml"), Decimal(cliff) if cliff else None)
    return [(d.code, d.line, str(d.severity)) for d in found]


def line(text: str, fragment: str) -> int:
    return next(n for n, row in enumerate(text.split("\n"), start=1) if fragment in row)


def test_the_small_policy_lints_clean():
    assert lint(CLEAN) == []


def test_JX501_a_kpi_whose_bands_all_give_0_points():
    text = CLEAN.replace("points: 50", "points: 0").replace("points: 100", "points: 0")
    # and the component paid from the score pays nothing either
    assert lint(text) == [("JX501", KPI_LINE, "warning"), ("JX502", line(text, "  performance:"), "warning")]


def test_JX501_a_formula_kpi_no_probed_value_scores():
    text = HEAD + "    formula: satisfaction - 5\n" + SCORE + PAY
    assert lint(text) == [("JX501", KPI_LINE, "warning"), ("JX502", line(text, "  performance:"), "warning")]
    assert lint(HEAD + "    formula: satisfaction * 100\n" + SCORE + PAY) == []


def test_JX502_a_component_of_amount_0_and_one_no_value_satisfies():
    zero = CLEAN + "  bonus: {label: {zh: 奖金, en: Bonus}, kind: fixed, amount: 0}\n"
    assert lint(zero) == [("JX502", line(zero, "  bonus:"), "warning")]
    never = CLEAN + "  bonus: {label: {zh: 奖金, en: Bonus}, kind: fixed, amount: 200, when: sales < 0}\n"
    assert lint(never) == [("JX502", line(never, "  bonus:"), "warning")]
    fixed = CLEAN + "  bonus: {label: {zh: 奖金, en: Bonus}, kind: fixed, amount: 200, when: sales > 50000}\n"
    assert lint(fixed) == []


def test_JX503_a_commission_rate_of_0_2_on_sales_meant_as_0_2_percent_S0_3():
    text = CLEAN.replace("rate: 0.02", "rate: 0.2")
    assert lint(text) == [("JX503", line(text, "rate: 0.2"), "warning")]
    found = lint_policy(load_text(text.encode(), "p.yaml"))
    assert found[0].hint == "0.2 % is written rate: 0.002"
    assert found[0].zh_hint == "0.2% 应写为 rate: 0.002"
    assert lint(CLEAN.replace("rate: 0.02", "rate: 0.002")) == []


def test_JX504_a_band_paying_less_above_than_below():
    text = CLEAN.replace("points: 50}", "points: 100}").replace("{from: 0.9, points: 100}",
                                                                 "{from: 0.9, points: 50}")
    assert lint(text) == [("JX504", line(text, "from: 0.9"), "warning")]
    found = lint_policy(load_text(text.encode(), "p.yaml"))
    assert found[0].message.startswith("pay falls from ")


def test_JX504_reads_better_as_a_linear_kpi_scores_a_metric_without_direction():
    """Late arrivals scored 10 → 0 without `direction:`: fewer is better by the policy's own scoring, so
    pay rising as they fall is not non-monotone; validate's JX301 still says the direction is undeclared."""
    text = (HEAD.replace(", direction: lower}", "}")
            .replace("    weight: 100\n", "    weight: 50\n    linear: {from: 0, to: 1}\n  punctual:\n"
                     "    label: {zh: 准时, en: Punctual}\n    metric: late\n    weight: 50\n"
                     "    linear: {from: 10, to: 0}\n") + SCORE + PAY)
    assert lint(text) == [("JX301", line(text, "linear: {from: 10, to: 0}"), "warning")]


TIERS = """  commission:
    label: {zh: 提成, en: Commission}
    kind: commission
    base: sales
    rate:
      on: sales
      mode: retroactive
      tiers:
        - {from: 0, to: 10000, rate: 0.01}
        - {from: 10000, rate: 0.02}
"""


def test_JX505_a_cliff_where_one_more_yuan_moves_pay_by_more_than_declared():
    text = HEAD + BANDS + SCORE + PAY.split("  commission:")[0] + TIERS
    assert lint(text) == []  # no --cliff: no amount declared
    assert lint(text, "50") == [("JX505", line(text, "{from: 10000, rate: 0.02}"), "warning")]
    found = lint_policy(load_text(text.encode(), "p.yaml"), Decimal(50))
    assert found[0].message == ("a cliff: 'sales' from 9999 to 10000 moves pay from 3099.99 to 3200.00 (+100.01, "
                                "more than 50)")
    assert lint(text, "150") == []
    declared = text.replace("score:\n", "lint: {cliff: 50}\nscore:\n")
    assert lint(declared) == [("JX505", line(declared, "{from: 10000, rate: 0.02}"), "warning")]  # the policy's
    assert lint(declared, "150") == []  # --cliff overrides it
    assert lint(text.replace("retroactive", "marginal"), "50") == []


def test_JX506_a_pay_component_taking_a_loss_outside_deductions_L1():
    text = CLEAN + "  returns: {label: {zh: 退货, en: Returns}, kind: formula, formula: 0 - returns_cost}\n"
    assert lint(text) == [("JX506", line(text, "  returns:"), "warning")]


def test_JX506_a_clause_deducting_with_the_guard_off_L1():
    source = S4_POLICY.read_text(encoding="utf-8").replace("  guard: on\n", "  guard: off\n")
    found = lint_policy(load_text(source.encode(), "s4.yaml"))
    codes = [(d.code, d.line) for d in found if d.code == "JX506"]
    deducting = [n for n, row in enumerate(source.split("\n"), start=1) if row.strip().startswith("deducts:")]
    assert codes == [("JX506", n) for n in deducting] and len(codes) == 6
    assert ("JX276", line(source, "guard: off")) in [(d.code, d.line) for d in found]


def test_JX507_a_gate_cancelling_base_pay_and_a_sum_per_breach_are_fines_L2():
    gate = CLEAN.replace("    fail: {label: {zh: 不合格, en: Fail}}\n", "    fail: {label: {zh: 不合格, en: Fail}}\n"
                         "  gates:\n    low:\n      label: {zh: 低分, en: Low}\n      when: score < 60\n"
                         "      cancels: [base]\n")
    assert lint(gate) == [("JX507", line(gate, "cancels: [base]"), "warning")]
    assert lint(gate.replace("cancels: [base]", "cancels: [commission]")) == []
    per = CLEAN + "  lateness: {label: {zh: 迟到, en: Lateness}, kind: formula, formula: 0 - 50 * late}\n"
    assert lint(per) == [("JX507", line(per, "  lateness:"), "warning")]


def test_JX507_a_clause_cancelling_a_group_that_holds_base_pay_S4_P4():
    """A group is its members: S4's clause cancelling `everything` (base and the monthly bonus) cancels base pay."""
    source = S4_POLICY.read_text(encoding="utf-8").replace(
        "    lines: [excellent_bonus, step_bonus,", "    lines: [base, excellent_bonus, step_bonus,")
    found = [(d.code, d.line) for d in lint_policy(load_text(source.encode(), "s4.yaml")) if d.code == "JX507"]
    cancelling = [n for n, row in enumerate(source.split("\n"), start=1) if "cancels: [monthly_bonus" in row]
    assert found == [("JX507", n) for n in cancelling] and len(found) == 16
    assert not [d for d in lint_policy(load_text(S4_POLICY.read_bytes(), "s4.yaml")) if d.code == "JX507"]


def test_JX508_a_band_no_value_of_a_derived_metric_reaches():
    """half = satisfaction / 2 is at most 0.5: the band from 0.6 pays no one (validate reads only metrics' ranges)."""
    text = CLEAN.replace("metric: satisfaction\n", "metric: half\n").replace("0.8", "0.3").replace("0.9", "0.6")
    assert lint(text) == [("JX508", line(text, "{from: 0.6, points: 100}"), "warning")]
    found = lint_policy(load_text(text.encode(), "p.yaml"))
    assert found[0].message.startswith("band 3 of 'satisfaction' (0.6 – …) is reached at none of ")
    assert found[0].zh.startswith("'satisfaction' 的第 3 档（0.6 – …）在全部 ")
    fixed = text.replace("0.6", "0.4")
    assert lint(fixed) == []


def test_a_policy_with_errors_is_not_linted_its_errors_are_shown():
    codes = [code for code, _, _ in lint(CLEAN.replace("weight: 100", "weight: 90"))]
    assert "JX204" in codes and not [code for code in codes if code.startswith("JX5")]


@pytest.mark.parametrize("policy", sorted(POLICIES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_policy_lints_clean(policy):
    assert lint(policy.read_text(encoding="utf-8")) == []


def test_S3_s_quarter_bonus_is_the_one_justified_cliff_of_the_shipped_policies_S3_1():
    """500 yuan in the month the quarter's points reach 1500 is S3.1's rule: a cliff by design."""
    found = lint(S3_POLICY.read_text(encoding="utf-8"), "400")
    assert found == [("JX505", line(S3_POLICY.read_text(encoding="utf-8"), "when: earlier_points"), "warning")]


# -- the command ---------------------------------------------------------------------------------


def test_lint_exit_codes_strict_and_formats(tmp_path):
    policy = tmp_path / "p.yaml"
    policy.write_text(CLEAN.replace("rate: 0.02", "rate: 0.2"), encoding="utf-8")
    at = line(policy.read_text(encoding="utf-8"), "rate: 0.2")
    result = run("lint", policy, "--lang", "en")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{policy}:{at}:")
    assert " JX503 warning: rate 0.2 of pay component 'commission' pays 20.0 % of sales" in result.stdout
    assert run("lint", policy, "--strict").exit_code == 1
    data = json.loads(run("lint", policy, "--format", "json", "--lang", "en").stdout)
    assert (data["errors"], data["warnings"], data["problems"][0]["code"], data["problems"][0]["line"]) == (
        0, 1, "JX503", at)
    strict = json.loads(run("lint", policy, "--format", "json", "--strict").stdout)
    assert strict["problems"][0]["severity"] == "error"
    github = run("lint", policy, "--format", "github", "--lang", "en").stdout
    assert github.startswith(f"::warning file={policy},line={at},col=")
    assert ",title=JX503::rate 0.2 of pay component" in github


def test_lint_refuses_a_bad_cliff_and_exits_1_on_an_invalid_policy(tmp_path):
    assert run("lint", POLICIES / "s2_commission.yaml", "--cliff", "abc").exit_code == 2
    assert run("lint", POLICIES / "s2_commission.yaml", "--cliff", "-1").exit_code == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text(CLEAN.replace("weight: 100", "weight: 90"), encoding="utf-8")
    result = run("lint", bad, "--lang", "en")
    assert result.exit_code == 1 and " JX204 " in result.stdout


def test_probing_covers_every_role_and_grade_however_many():
    from types import SimpleNamespace

    from engine.lint.probe import combinations

    plan = SimpleNamespace(roles={f"r{i}": None for i in range(5)}, grades={f"g{i}": None for i in range(4)})
    found = combinations(plan)
    assert found == [("r0", "g0"), ("r1", "g1"), ("r2", "g2"), ("r3", "g3"), ("r4", "g0")]  # 20 > 12: a cover
    plan.grades = {"g0": None, "g1": None}
    assert len(combinations(plan)) == 10  # 5 × 2: all of them


def test_tables_by_two_keys_a_rating_a_choice_and_amounts_by_role_are_probed():
    """Issue 16 items 4–5: lint probes a rating → bonus table, a table by role × grade with a default, a
    choice table and a step amount by role (no crash, nothing missing); a rating table paying 500 / 300 / 100
    is two cliffs of 200 on the quality metric, at the rating lines (gold from 90, silver from 75)."""
    from tests.run.test_tables import POLICY  # the worked month of the new forms

    assert lint(POLICY) == []
    assert lint(POLICY, cliff="150") == [("JX505", 24, "warning"), ("JX505", 25, "warning")]


def test_a_tier_rate_by_role_is_read_by_the_rate_check_and_probed():
    """A supervisor's tier rate written 3 (meant 0.3 %?) in a rate by role: JX503 at that amount, and the
    probes see pay fall past the tier (JX504); a rating table of zeros pays nothing (JX502)."""
    from tests.run.test_tables import COMMISSION, POLICY

    text = COMMISSION.replace("supervisor: 0.003}", "supervisor: 3}")
    assert lint(text) == [("JX503", 22, "warning"), ("JX504", 23, "warning")]
    zeros = POLICY.replace("{gold: 500, silver: 300, bronze: 100, none: 0}", "{gold: 0, silver: 0, bronze: 0, none: 0}")
    assert lint(zeros) == [("JX502", 38, "warning")]
