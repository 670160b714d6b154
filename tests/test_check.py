"""Policy checks: every diagnostic code fires with its code, line and column; a clean policy has none.

The base policy below is a small S0 shop (S0.1 weights summing to 100 points, S0.3 commission
tiers, S0.5 gate below 60, S0.6 base pay by grade) plus an S4.2 guaranteed minimum. Each case
mutates one spot of it and expects exactly the diagnostics that mutation deserves, located where
the user has to look.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.errors import Diagnostic, PolicyError
from engine.policy.check import check, require_valid
from engine.policy.expr import MAX_LENGTH
from engine.policy.load import load_policy

POLICIES = sorted((Path(__file__).resolve().parent.parent / "policies").glob("*.yaml"))

BASE = """\
jixiao: 1

policy:
  id: test-shop
  version: "2026.11"
  name: {zh: 测试店铺, en: Test shop}
  effective_from: 2026-11-01
  rounding: {quantum: 0.01, mode: half_up}

roles:
  probation: {label: {zh: 试用期客服, en: Agent on probation}}
  agent: {label: {zh: 客服, en: Agent}}

grades:
  A0: {label: {zh: A0, en: A0}}
  A1: {label: {zh: A1, en: A1}}

metrics:
  sales:
    label: {zh: 实际销售额, en: Actual sales}
    type: money
  sales_target:
    label: {zh: 人均计划销售额, en: Per-capita sales target}
    type: money
    scope: team
  reply_rate:
    label: {zh: 旺旺回复率, en: Chat reply rate}
    type: ratio
  first_response:
    label: {zh: 首次响应时间, en: First response time}
    type: duration
    direction: lower
  absences:
    label: {zh: 缺勤天数, en: Days absent}
    type: count
    direction: lower

aggregates:
  team_sales:
    label: {zh: 人均实际销售额, en: Team per-capita sales}
    of: sales
    stat: mean

derived:
  attainment:
    label: {zh: 销售额达成率, en: Sales attainment}
    formula: sales / sales_target

kpis:
  sales_attainment:
    label: {zh: 销售额达成率, en: Sales attainment}
    metric: attainment
    weight: 40
    linear: {from: 0.5, to: 1.0}
  reply_rate:
    label: {zh: 旺旺回复率, en: Chat reply rate}
    metric: reply_rate
    weight: 20
    bands:
      - {to: 0.9, points: 0}
      - {from: 0.9, to: 0.95, points: 10}
      - {from: 0.95, points: 20}
  first_response:
    label: {zh: 首次响应时间, en: First response time}
    metric: first_response
    weight: 30
    linear: {from: 60, to: 20}
  attendance:
    label: {zh: 人事考勤, en: Attendance}
    weight: 10
    formula: 10 - 5 * absences

score:
  total: 100
  precision: 0.01
  ratings:
    excellent: {label: {zh: 优秀, en: Excellent}, min: 90}
    pass: {label: {zh: 达标, en: Met the standard}, min: 60}
    fail: {label: {zh: 未达标, en: Below standard}}
  gates:
    no_performance_pay:
      label: {zh: 评分低于60分无绩效奖励, en: Below 60 points earns no performance pay}
      when: score < 60
      cancels: [performance]

pay:
  base:
    label: {zh: 基本工资, en: Base pay}
    kind: table
    key: grade
    values: {A0: 1800, A1: 2000}
  performance:
    label: {zh: 绩效提成, en: Performance commission}
    kind: commission
    base: score / 100 * team_sales
    rate:
      on: "0 if role == 'probation' else attainment"
      mode: retroactive
      tiers:
        - {from: 0, to: 1.0, rate: 0.001}
        - {from: 1.0, to: 1.2, rate: 0.002}
        - {from: 1.2, rate: 0.004}
  guarantee:
    label: {zh: 保底工资, en: Guaranteed minimum}
    kind: minimum
    floor: 1500
    of: [base, performance]
"""

LATER_COMPONENT = """\
  later:
    label: {zh: 后算, en: Computed later}
    kind: fixed
    amount: 100
"""


def mutate(*edits: tuple[str, str], text: str = BASE) -> str:
    """BASE with each (old, new) applied; `old` must occur exactly once, so edits cannot drift."""
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def loc(text: str, fragment: str, token: str | None = None) -> tuple[int, int]:
    """Line and column (1-based) of `token` on the line where the one `fragment` in `text` starts.

    `token` defaults to the fragment itself; the first occurrence on that line is taken.
    """
    assert text.count(fragment) == 1, f"{fragment!r} occurs {text.count(fragment)} times"
    start = text.rfind("\n", 0, text.index(fragment)) + 1
    line = text[start:].split("\n", 1)[0]
    token = fragment.split("\n", 1)[0].strip() if token is None else token
    assert token in line, f"{token!r} is not on the line {line!r}"
    return text.count("\n", 0, start) + 1, line.index(token) + 1


@pytest.fixture
def diagnose(tmp_path):
    """Write a policy text to tmp_path and return everything `check` finds in it."""

    def run(text: str = BASE, name: str = "policy.yaml") -> list[Diagnostic]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return list(check(load_policy(path)))

    return run


def codes(found: list[Diagnostic]) -> list[str]:
    return [d.code for d in found]


def test_base_policy_checks_clean_S0_1(diagnose):
    """The S0 base policy (weights 40 + 20 + 30 + 10 = 100 points) has no errors or warnings."""
    assert diagnose() == []


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_shipped_policies_check_clean(path):
    assert list(check(load_policy(path))) == []


# Each case: edits to BASE, the one code expected, where it points (line fragment, token at the
# column), and text its message and hint must contain.
CASES = [
    pytest.param(
        [("  effective_from: 2026-11-01\n", "  effective_from: 2026-11-01\n  colour: red\n")],
        "JX101", ("  colour: red", "colour"), "unknown key 'colour' in policy",
        "allowed: currency, description, effective_from, id, name, rounding, version",
        id="JX101-unknown-policy-key",
    ),
    pytest.param(
        [("      mode: retroactive\n", "      mode: retroactive\n      tier: 1\n")],
        "JX101", ("      tier: 1", "tier"), "unknown key 'tier' in pay.performance.rate",
        "allowed: closed, mode, on, tiers",
        id="JX101-S0.3-unknown-key-in-tiered-rate",
    ),
    pytest.param(
        [("    floor: 1500\n", "    floor: 1500\n    amount: 3\n")],
        "JX101", ("    amount: 3", "amount"), "unknown key 'amount' in pay.guarantee",
        "allowed: floor, kind, label, of, roles, rule, when",
        id="JX101-S4.2-unknown-key-in-minimum",
    ),
    pytest.param(
        [("  effective_from: 2026-11-01\n", "")],
        "JX102", ("  id: test-shop", "id"), "policy is missing required key 'effective_from'", "",
        id="JX102-missing-policy-key",
    ),
    pytest.param(
        [("    type: ratio\n", "")],
        "JX102", ("    label: {zh: 旺旺回复率, en: Chat reply rate}\n  first_response", "label"),
        "metrics.reply_rate is missing required key 'type'", "",
        id="JX102-missing-metric-type",
    ),
    pytest.param(
        [('version: "2026.11"', "version: 2026.11")],
        "JX103", ("version: 2026.11", "2026.11"), "policy.version must be text, got a number",
        "quote it to make it text",
        id="JX103-unquoted-version",
    ),
    pytest.param(
        [("formula: 10 - 5 * absences", "formula: [absences]")],
        "JX103", ("formula: [absences]", "["),
        "kpis.attendance.formula must be text or a number, got a list", "",
        id="JX103-formula-is-a-list",
    ),
    pytest.param(
        [("    stat: mean", "    stat: median")],
        "JX104", ("stat: median", "median"),
        "aggregates.team_sales.stat: 'median' is not one of 'mean', 'sum', 'min', 'max', 'count'", "",
        id="JX104-bad-enum",
    ),
    pytest.param(
        [("effective_from: 2026-11-01", "effective_from: 2026-13-01")],
        "JX104", ("effective_from: 2026-13-01", "2026-13-01"),
        "policy.effective_from: '2026-13-01' does not match the pattern", "",
        id="JX104-bad-date-pattern",
    ),
    pytest.param(
        [("{to: 0.9, points: 0}", "{to: 0.9, points: -1}")],
        "JX104", ("points: -1", "-1"), "kpis.reply_rate.bands.0.points: -1 must be at least 0", "",
        id="JX104-S0.1-negative-band-points",
    ),
    pytest.param(
        [("agent: {label: {zh: 客服, en: Agent}}\n",
          "agent: {label: {zh: 客服, en: Agent}}\n  Trainee: {label: {zh: 见习客服, en: Trainee}}\n")],
        "JX105", ("  Trainee:", "Trainee"), "'Trainee' in roles is not a valid id",
        "use lower-case letters, digits and _, starting with a letter",
        id="JX105-S4-role-id-with-capital",
    ),
    pytest.param(
        [("  A1: {label: {zh: A1, en: A1}}\n",
          "  A1: {label: {zh: A1, en: A1}}\n  A+: {label: {zh: A+, en: A+}}\n"),
         ("values: {A0: 1800, A1: 2000}", "values: {A0: 1800, A1: 2000, A+: 2200}")],
        "JX105", ("  A+: {label", "A+"), "'A+' in grades is not a valid id", "(e.g. A0)",
        id="JX105-S0.6-grade-id",
    ),
    pytest.param(
        [("formula: sales / sales_target", "formula: sale / sales_target")],
        "JX201", ("formula: sale / sales_target", "sale"), "unknown name 'sale' in expression",
        "did you mean 'sales'?",
        id="JX201-unknown-name-did-you-mean",
    ),
    pytest.param(
        [("roles:\n  probation: {label: {zh: 试用期客服, en: Agent on probation}}\n"
          "  agent: {label: {zh: 客服, en: Agent}}\n\n", "")],
        "JX201", ("on: \"0 if role", '"'), "unknown name 'role' in expression",
        "declare roles: in the policy to use role",
        id="JX201-S0.3-role-without-roles",
    ),
    pytest.param(
        [("formula: 10 - 5 * absences", "formula: 10 - 5 * absences.real")],
        "JX202", ("absences.real", "10"),
        "expression refused: attribute access (.real) is not allowed (at column 10 of the expression)",
        "",
        id="JX202-attribute-refused",
    ),
    pytest.param(
        [("formula: sales / sales_target", "formula: sales / / sales_target")],
        "JX202", ("sales / / sales_target", "sales"),
        "expression refused: syntax error: invalid syntax (at column 9 of the expression)", "",
        id="JX202-syntax-error",
    ),
    pytest.param(
        [("formula: sales / sales_target", "formula: \"1 if sales == 'big' else 0\"")],
        "JX202", ("sales == 'big'", '"'), "text can only be compared with role, grade, rating or a choice metric", "",
        id="JX202-text-compared-with-a-number",
    ),
    pytest.param(
        [("formula: 10 - 5 * absences", "formula: 10 - 5 * absences" + " + 1" * 300)],
        "JX203", ("formula: 10 - 5", "10"), "expression is 1217 characters long; the limit is 1000",
        "",
        id="JX203-expression-too-long",
    ),
    pytest.param(
        [("    weight: 10\n", "    weight: 5\n")],
        "JX204", ("kpis:", "kpis"), "KPI weights sum to 95, expected 100 (40 + 20 + 30 + 5)", "",
        id="JX204-S0.1-weights-not-100",
    ),
    pytest.param(
        [("  total: 100", "  total: 90")],
        "JX204", ("kpis:", "kpis"), "KPI weights sum to 100, expected 90 (40 + 20 + 30 + 10)", "",
        id="JX204-S0.1-total-changed",
    ),
    pytest.param(
        [("{from: 0.9, to: 0.95, points: 10}", "{from: 0.91, to: 0.95, points: 10}")],
        "JX205", ("{from: 0.91", "{"), "gap between bands: [0.9, 0.91) is not covered", "",
        id="JX205-gap-between-bands",
    ),
    pytest.param(
        [("{from: 0.9, to: 0.95, points: 10}", "{from: 0.9, points: 10}")],
        "JX205", ("{from: 0.9, points: 10}", "{"), "only the last band may leave out 'to'", "",
        id="JX205-open-band-not-last",
    ),
    pytest.param(
        [("{from: 1.0, to: 1.2, rate: 0.002}", "{to: 1.2, rate: 0.002}")],
        "JX205", ("{to: 1.2, rate: 0.002}", "{"), "only the first band may leave out 'from'", "",
        id="JX205-S0.3-open-tier-not-first",
    ),
    pytest.param(
        [("{from: 0.9, to: 0.95, points: 10}", "{from: 0.85, to: 0.95, points: 10}")],
        "JX206", ("{from: 0.85", "{"),
        "bands overlap: this band starts at 0.85, the previous one ends at 0.9", "",
        id="JX206-overlapping-bands",
    ),
    pytest.param(
        [("{from: 1.0, to: 1.2, rate: 0.002}", "{from: 0.9, to: 1.2, rate: 0.002}")],
        "JX206", ("{from: 0.9, to: 1.2", "{"),
        "bands overlap: this band starts at 0.9, the previous one ends at 1.0", "",
        id="JX206-S0.3-overlapping-tiers",
    ),
    pytest.param(
        [("{from: 0.95, points: 20}", "{from: 0.95, to: 0.5, points: 20}")],
        "JX207", ("{from: 0.95, to: 0.5", "{"),
        "band [0.95, 0.5) is empty or reversed: from must be below to", "",
        id="JX207-reversed-band",
    ),
    pytest.param(
        [("metric: reply_rate", "metric: reply_rat")],
        "JX208", ("metric: reply_rat", "reply_rat"), "unknown metric 'reply_rat'",
        "did you mean 'reply_rate'?",
        id="JX208-kpi-unknown-metric",
    ),
    pytest.param(
        [("    of: sales\n", "    of: turnover\n")],
        "JX208", ("of: turnover", "turnover"), "unknown metric 'turnover'",
        "metrics: sales, sales_target, reply_rate, first_response, absences",
        id="JX208-S0.2-aggregate-unknown-metric",
    ),
    pytest.param(
        [("cancels: [performance]", "cancels: [performence]")],
        "JX209", ("cancels: [performence]", "performence"), "unknown pay component 'performence'",
        "did you mean 'performance'?",
        id="JX209-S0.5-gate-cancels-unknown-component",
    ),
    pytest.param(
        [("of: [base, performance]", "of: [base, bonus]")],
        "JX209", ("of: [base, bonus]", "bonus"), "unknown pay component 'bonus'",
        "pay components: base, performance, guarantee",
        id="JX209-S4.2-minimum-of-unknown-component",
    ),
    pytest.param(
        [("values: {A0: 1800, A1: 2000}", "values: {A0: 1800, A1: 2000, A9: 9999}")],
        "JX210", ("A9: 9999", "A9"), "unknown grade 'A9'", "grades: A0, A1",
        id="JX210-S0.6-table-grade-not-declared",
    ),
    pytest.param(
        [("values: {A0: 1800, A1: 2000}", "values: {A0: 1800}")],
        "JX210", ("values: {A0: 1800}", "{"), "no amount for grade 'A1'",
        "every declared grade needs an entry",
        id="JX210-S0.6-declared-grade-missing-from-table",
    ),
    pytest.param(
        [("grades:\n  A0: {label: {zh: A0, en: A0}}\n  A1: {label: {zh: A1, en: A1}}\n\n", "")],
        "JX210", ("    key: grade", "grade"), "pay by grade needs a 'grades:' section in the policy", "",
        id="JX210-S0.6-table-without-grades",
    ),
    pytest.param(
        [("role == 'probation'", "role == 'probaton'")],
        "JX210", ("'probaton'", '"'), "unknown role 'probaton'", "roles: probation, agent",
        id="JX210-S0.3-misspelled-role-text",
    ),
    pytest.param(
        [("when: score < 60", "when: \"rating == 'failed'\"")],
        "JX210", ("rating == 'failed'", '"'), "unknown rating 'failed'", "ratings: excellent, pass, fail",
        id="JX210-S0.5-misspelled-rating-text",
    ),
    pytest.param(
        [("formula: sales / sales_target\n",
          "formula: sales / sales_target * loop\n  loop:\n    label: {zh: 环, en: Loop}\n"
          "    formula: attainment + 1\n")],
        "JX211", ("  attainment:", "attainment"),
        "derived metrics form a cycle: attainment -> loop -> attainment", "",
        id="JX211-derived-cycle",
    ),
    pytest.param(
        [("formula: sales / sales_target", "formula: sales / sales_target + attainment")],
        "JX211", ("  attainment:", "attainment"), "derived metrics form a cycle: attainment -> attainment",
        "",
        id="JX211-derived-reads-itself",
    ),
    pytest.param(
        [("  team_sales:\n", "  reply_rate:\n"), ("* team_sales", "* reply_rate")],
        "JX212", ("  reply_rate:\n    label: {zh: 人均", "reply_rate"),
        "name 'reply_rate' is already declared at line 26 (input)", "",
        id="JX212-duplicate-name",
    ),
    pytest.param(
        [("  absences:\n", "  period:\n"), ("10 - 5 * absences", "10 - 5 * period")],
        "JX212", ("  period:", "period"), "'period' is a reserved name",
        "reserved: abs, agent, grade, max, min, name, period, rating, role, score, team, total, value",
        id="JX212-reserved-name",
    ),
    pytest.param(
        [("    formula: 10 - 5 * absences\n", "")],
        "JX213", ("  attendance:", "attendance"),
        "KPI 'attendance' needs exactly one of linear, bands or formula", "",
        id="JX213-S0.1-kpi-without-scoring",
    ),
    pytest.param(
        [("    formula: 10 - 5 * absences\n",
          "    formula: 10 - 5 * absences\n    metric: reply_rate\n    linear: {from: 0, to: 1}\n")],
        "JX213", ("  attendance:", "attendance"),
        "KPI 'attendance' needs exactly one of linear, bands or formula (has linear, formula)", "",
        id="JX213-S0.1-kpi-with-two-scorings",
    ),
    pytest.param(
        [("    metric: first_response\n", "")],
        "JX213", ("  first_response:\n    label: {zh: 首次响应时间, en: First response time}\n    weight",
                  "first_response"),
        "KPI 'first_response' scores a metric: add 'metric:'", "",
        id="JX213-linear-without-metric",
    ),
    pytest.param(
        [("{from: 0.95, points: 20}", "{from: 0.95, points: 25}")],
        "JX214", ("points: 25", "25"), "band gives 25 points, more than the KPI's weight 20", "",
        id="JX214-S0.1-band-above-weight",
    ),
    pytest.param(
        [("formula: 10 - 5 * absences", "formula: 10 - 5 * absences + (4000000 ** 100) ** 2")],
        "JX215", ("4000000 ** 100", "10"), "'(4000000 ** 100) ** 2' cannot be computed: Sorry!", "",
        id="JX215-constant-overflow",
    ),
    pytest.param(
        [("formula: 10 - 5 * absences", "formula: 10 - 5 * absences + 1 / (2 - 2)")],
        "JX215", ("1 / (2 - 2)", "10"), "'1 / (2 - 2)' cannot be computed: DivisionByZero", "",
        id="JX215-constant-division-by-zero",
    ),
    pytest.param(
        [("min: 90}", "min: 50}")],
        "JX216", ("    pass:", "pass"), "ratings must go from best to worst: min 60 is not below 50", "",
        id="JX216-S0.5-ratings-not-best-to-worst",
    ),
    pytest.param(
        [("en: Excellent}, min: 90}", "en: Excellent}}")],
        "JX216", ("    excellent:", "excellent"), "rating 'excellent' has no min, so it must come last",
        "",
        id="JX216-rating-without-min-not-last",
    ),
    pytest.param(
        [("en: Below standard}}", "en: Below standard}, min: 0}")],
        "JX216", ("  ratings:", "ratings"),
        "the last rating needs no min, so that every score gets a rating", "",
        id="JX216-no-catch-all-rating",
    ),
    pytest.param(
        [("formula: sales / sales_target", "formula: sales / sales_target * score")],
        "JX217", ("sales_target * score", "sales"),
        "'score' (score) is computed after this expression, so it cannot be read here", "",
        id="JX217-derived-reads-score",
    ),
    pytest.param(
        [("formula: 10 - 5 * absences", "formula: 10 - 5 * absences + sales_attainment_points")],
        "JX217", ("sales_attainment_points", "10"),
        "'sales_attainment_points' (kpi) is computed after this expression", "",
        id="JX217-S0.1-kpi-reads-kpi-points",
    ),
    pytest.param(
        [("base: score / 100 * team_sales", "base: score / 100 * team_sales + guarantee")],
        "JX217", ("+ guarantee", "score"),
        "'guarantee' (pay) is computed after this expression, so it cannot be read here", "",
        id="JX217-S0.2-pay-reads-later-component",
    ),
    pytest.param(
        [("base: score / 100 * team_sales", "base: score / 100 * team_sales + performance")],
        "JX217", ("+ performance", "score"), "'performance' (pay) is computed after this expression",
        "",
        id="JX217-S0.2-pay-reads-itself",
    ),
    pytest.param(
        [("of: [base, performance]\n", "of: [base, later]\n" + LATER_COMPONENT)],
        "JX217", ("of: [base, later]", "later"),
        "'later' comes after this minimum; list components computed before it", "",
        id="JX217-S4.2-minimum-of-later-component",
    ),
    pytest.param(
        [("linear: {from: 0.5, to: 1.0}", "linear: {from: 1, to: 1.0}")],
        "JX218", ("linear: {from: 1, to: 1.0}", "{"), "linear scoring needs from and to to differ", "",
        id="JX218-linear-from-equals-to",
    ),
    pytest.param(
        [("    of: sales\n", "    of: sales_target\n")],
        "JX219", ("of: sales_target", "sales_target"),
        "aggregate 'team_sales' must be over an agent metric; 'sales_target' is already a team value",
        "",
        id="JX219-S0.4-aggregate-over-team-target",
    ),
    pytest.param(
        [("quantum: 0.01", "quantum: 0.05")],
        "JX220", ("quantum: 0.05", "0.05"), "0.05 is not a power of ten from 1 down to 0.0001 (use 1, 0.1, 0.01 …)", "",
        id="JX220-rounding-quantum",
    ),
    pytest.param(
        [("precision: 0.01", "precision: 0.25")],
        "JX220", ("precision: 0.25", "0.25"), "0.25 is not a power of ten", "",
        id="JX220-score-precision",
    ),
    pytest.param(
        [("mode: retroactive", "mode: marginal"),
         ("{from: 0, to: 1.0, rate: 0.001}", "{from: 0.5, to: 1.0, rate: 0.001}")],
        "JX221", ("{from: 0.5, to: 1.0, rate", "{"),
        "marginal tiers must start at from: 0, so every slice has a rate", "",
        id="JX221-S0.3-marginal-tiers-from-half",
    ),
    pytest.param(
        [("mode: retroactive", "mode: marginal"),
         ("{from: 0, to: 1.0, rate: 0.001}", "{to: 1.0, rate: 0.001}")],
        "JX221", ("{to: 1.0, rate: 0.001}", "{"), "marginal tiers must start at from: 0", "",
        id="JX221-S0.3-marginal-tiers-open-below",
    ),
    pytest.param(
        [("    type: ratio\n", "    type: ratio\n    aliases: [组]\n")],
        "JX222", ("aliases: [组]", "组"),
        "column header '组' would name both the standard 'team' column and metric 'reply_rate'",
        "give each column its own label and aliases",
        id="JX222-alias-claims-the-team-column",
    ),
    pytest.param(
        [("    type: ratio\n", "    type: ratio\n    aliases: [实际销售额]\n")],
        "JX222", ("aliases: [实际销售额]", "实际销售额"),
        "column header '实际销售额' would name both metric 'sales' and metric 'reply_rate'",
        "give each column its own label and aliases",
        id="JX222-alias-claims-another-metric-label",
    ),
    pytest.param(
        [("linear: {from: 60, to: 20}", "linear: {from: 20, to: 60}")],
        "JX301", ("linear: {from: 20, to: 60}", "{"),
        "scoring rewards higher values but metric 'first_response' is declared direction: lower", "",
        id="JX301-S1.4-linear-against-direction",
    ),
    pytest.param(
        [("    bands:\n      - {to: 0.9, points: 0}\n      - {from: 0.9, to: 0.95, points: 10}\n"
          "      - {from: 0.95, points: 20}\n", "    linear: {from: 90, to: 100}\n")],
        "JX223", ("linear: {from: 90, to: 100}", "{"),
        "ratio bounds 90–100 lie outside 0–1: did you mean 0.90–1.00?",
        "metric 'reply_rate' holds values in 0–1; everyone would score the same",
        id="JX223-whole-percent-linear-bounds-on-a-ratio",
    ),
    pytest.param(
        [("{from: 0.95, points: 20}", "{from: 0.95, to: 1.5, points: 20}\n      - {from: 1.5, points: 20}")],
        "JX223", ("{from: 1.5, points: 20}", "{"),
        "band [1.5, …) lies outside 0–1, so no ratio value reaches it", "metric 'reply_rate' holds values in 0–1",
        id="JX223-unreachable-band",
    ),
    pytest.param(
        [("    type: ratio\n", "    type: ratio\n    range: {min: 1, max: 0}\n")],
        "JX224", ("range: {min: 1, max: 0}", "{"), "range of metric 'reply_rate' has min 1 above max 0",
        "swap min and max", id="JX224-reversed-range",
    ),
    pytest.param(
        [("formula: 10 - 5 * absences", "formula: 10 - 5 * (absences > 1)")],
        "JX225", ("formula: 10 - 5 * (absences", "10"),
        "arithmetic needs a number, not true/false (at column 11 of the expression)", "",
        id="JX225-arithmetic-on-a-comparison",
    ),
    pytest.param(
        [("    linear: {from: 0.5, to: 1.0}", "  linear: {from: 0.5, to: 1.0}")],
        "JX226", ("  linear: {from: 0.5", "linear"),
        "'linear' looks like part of KPI 'sales_attainment' above it: indent it under that KPI",
        "'linear' is a key of a KPI, not a KPI of its own",
        id="JX226-dedented-linear",
    ),
    pytest.param(
        [("    floor: 1500\n", "    floor: 1500\n    when: sales < 1e20\n"), ("A1: 2000}", "A1: 1e26}")],
        "JX228", ("A1: 1e26}", "1e26"), "number 1E+26 is too large: numbers in a policy must stay below 10^15", "",
        id="JX228-amount-too-large-to-round",
    ),
]

# S4.1/S4.2: an assessment column 考核结果 whose cells are 优秀 / 合格 / 不合格 (a choice metric).
ASSESSMENT = ("    direction: lower\n\naggregates:", """    direction: lower
  assessment:
    label: {zh: 考核结果, en: Assessment}
    type: choice
    values:
      excellent: {label: {zh: 优秀, en: Excellent}}
      pass: {label: {zh: 合格, en: Pass}}
      fail: {label: {zh: 不合格, en: Fail}, aliases: [未通过]}

aggregates:""")
CASES += [
    pytest.param(
        [ASSESSMENT, ("    of: sales\n", "    of: assessment\n")],
        "JX240", ("of: assessment", "assessment"), "an aggregate needs a number, but 'assessment' is a choice metric",
        "turn it into points with a formula", id="JX240-aggregate-of-a-choice-metric",
    ),
    pytest.param(
        [ASSESSMENT, ("metric: reply_rate\n    weight: 20", "metric: assessment\n    weight: 20")],
        "JX240", ("metric: assessment", "assessment"), "a KPI's metric needs a number, but 'assessment'",
        "formula: 10 if assessment == '…' else 0", id="JX240-kpi-scores-a-choice-metric",
    ),
    pytest.param(
        [ASSESSMENT, ("when: score < 60", "when: score < 60 or assessment == 'excelent'")],
        "JX241", ("when: score < 60", "score"), "'excelent' is not a declared value of assessment",
        "did you mean 'excellent'?", id="JX241-S4.2-misspelled-choice-value",
    ),
    pytest.param(
        [ASSESSMENT, ("when: score < 60", "when: score < 60 or assessment == '不合格'")],
        "JX241", ("when: score < 60", "score"), "'不合格' is not a declared value of assessment",
        "did you mean 'fail'?", id="JX241-S4.2-label-compared-instead-of-id",
    ),
    pytest.param(
        [ASSESSMENT, ("    type: choice\n", "    type: choice\n    missing: excelent\n")],
        "JX242", ("missing: excelent", "excelent"), "missing of choice metric 'assessment' names no declared value",
        "did you mean 'excellent'?", id="JX242-missing-names-an-undeclared-value",
    ),
    pytest.param(
        [ASSESSMENT, ("    type: choice\n", "    type: choice\n    missing: 0\n")],
        "JX242", ("missing: 0", "0"), "must be 'error' or the id of one of its values, not 0",
        "values: excellent, pass, fail", id="JX242-missing-number-on-a-choice-metric",
    ),
    pytest.param(
        [("    type: count\n    direction: lower\n", "    type: count\n    direction: lower\n    missing: none\n")],
        "JX242", ("missing: none", "none"), "must be 'error' or a number; only a choice metric takes a value's id",
        "", id="JX242-missing-id-on-a-number-metric",
    ),
    pytest.param(
        [ASSESSMENT, ("aliases: [未通过]", "aliases: [优秀]")],
        "JX242", ("aliases: [优秀]", "优秀"), "'优秀' names both 'excellent' and 'fail'",
        "give each value its own label and aliases", id="JX242-one-text-names-two-values",
    ),
    pytest.param(
        [("    key: grade\n    values: {A0: 1800, A1: 2000}",
          "    key: role\n    values: {probation: 1400, agent: 1500}")],
        "JX243", ("    floor: 1500", "1500"),
        "guarantee 1500 for role 'agent' is not above that role's base pay 1500 (base, line",
        "check both amounts", id="JX243-S4.2-guarantee-not-above-base-pay",
    ),
    pytest.param(
        [("    floor: 1500\n", "    floor: 1500\n    roles: [probation]\n    when: role == 'agent'\n")],
        "JX244", ("when: role == 'agent'", "role"),
        "this condition can never hold for the roles the component is paid to (probation)",
        "check roles: and the role in when:", id="JX244-S4.1-when-never-holds-for-the-roles",
    ),
    pytest.param(
        [("    floor: 1500\n", "    floor: 1500\n    roles: [agnet]\n")],
        "JX210", ("roles: [agnet]", "agnet"), "unknown role 'agnet'", "did you mean 'agent'?",
        id="JX210-S4.1-component-roles-unknown-role",
    ),
    pytest.param(
        [("    floor: 1500\n", "    floor: {by: role, values: {agent: 1500}}\n")],
        "JX210", ("floor: {by: role", "{agent"), "no floor for role 'probation'",
        "give it a floor, or leave it out of roles:",
        id="JX210-S4.2-floor-table-misses-a-role",
    ),
    pytest.param(
        [("    floor: 1500\n", "    floor: {by: role, values: {agent: 1500, probation: 1000, trainee: 900}}\n")],
        "JX210", ("floor: {by: role", "trainee"), "unknown role 'trainee'", "roles: probation, agent",
        id="JX210-S4.2-floor-table-unknown-role",
    ),
    pytest.param(
        [("    floor: 1500\n", "    floor: 1500\n    roles: []\n")],
        "JX104", ("roles: []", "["), "needs at least 1 entries", "", id="JX104-S4.1-empty-roles-list",
    ),
    pytest.param(
        [ASSESSMENT, ("    type: choice\n", "    type: choice\n    range: {min: 0, max: 1}\n")],
        "JX104", ("range: {min: 0", "{"), "'range' does not apply here", "", id="JX104-range-on-a-choice-metric",
    ),
    pytest.param(
        [("    direction: lower\n\naggregates:",
          "    direction: lower\n  assessment:\n    label: 考核结果\n    type: choice\n\naggregates:")],
        "JX102", ("    label: 考核结果", "label"),
        "metrics.assessment is missing required key 'values'", "", id="JX102-choice-metric-without-values",
    ),
    pytest.param(
        [("on: \"0 if role == 'probation' else attainment\"", "on: \"0 if role in 'probation' else attainment\"")],
        "JX202", ("0 if role in", '"'), "'in' needs a list of texts", "", id="JX202-in-a-text-is-a-substring-test",
    ),
]

WARNINGS = {"JX243", "JX244"}

# Codes whose test needs more than one diagnostic, so they cannot be a CASES row: where each is.
TESTED_ELSEWHERE = {"JX227": ("test_policy_hostile", "test_JX227_diagnostics_are_capped_with_a_summary")}
# Population values and rankings (S1.5): their cases build on a ranking policy of their own.
TESTED_ELSEWHERE |= {
    "JX229": ("test_population_check", "test_JX229_a_ranking_over_a_measure_that_reads_it"),
    "JX230": ("test_population_check", "test_JX230_a_component_reads_a_ranking_over_a_component_written_after_it"),
    "JX231": ("test_population_check", "test_JX231_a_condition_that_is_always_false"),
    "JX232": ("test_population_check", "test_JX232_top_is_a_count_or_a_percentage_with_declared_rounding"),
}


@pytest.mark.parametrize(("edits", "code", "where", "message", "hint"), CASES)
def test_each_code_fires_once_where_the_mistake_is(diagnose, edits, code, where, message, hint):
    text = mutate(*edits)
    found = diagnose(text)
    assert codes(found) == [code], [d.render() for d in found]
    (diagnostic,) = found
    assert (diagnostic.line, diagnostic.column) == loc(text, *where)
    assert message in diagnostic.message
    if hint:
        assert hint in diagnostic.hint
    else:
        assert diagnostic.hint == ""
    assert diagnostic.severity == ("warning" if code.startswith("JX3") or code in WARNINGS else "error")


def test_every_code_has_a_case():
    """The table above covers every code the two check modules can emit."""
    source = "".join(
        (Path(__file__).resolve().parent.parent / "engine" / "policy" / name).read_text(encoding="utf-8")
        for name in ("check.py", "check_meaning.py", "check_expr.py", "check_bands.py", "check_ranges.py",
                     "check_indent.py", "check_choices.py", "check_roles.py", "check_population.py")
    )
    emitted = set(re.findall(r'"(JX[123]\d\d)"', source))
    assert len(emitted) >= 20
    covered = {case.values[1] for case in CASES}
    for code, (module, test) in TESTED_ELSEWHERE.items():
        source = (Path(__file__).resolve().parent / f"{module}.py").read_text(encoding="utf-8")
        assert f"def {test}(" in source, code
        covered.add(code)
    assert emitted == covered


def test_JX203_expression_length_limit_is_inclusive(diagnose):
    """An expression of exactly MAX_LENGTH characters passes; one character more is refused."""

    def padded(length: int) -> str:
        return "10 -" + " " * (length - len("10 -5 * absences")) + "5 * absences"

    assert len(padded(MAX_LENGTH)) == MAX_LENGTH
    assert diagnose(mutate(("10 - 5 * absences", padded(MAX_LENGTH)))) == []
    text = mutate(("10 - 5 * absences", padded(MAX_LENGTH + 1)))
    (found,) = diagnose(text)
    assert found.code == "JX203"
    assert (found.line, found.column) == loc(text, "formula: 10 -", "10")
    assert found.message == f"expression is {MAX_LENGTH + 1} characters long; the limit is {MAX_LENGTH}"


def test_JX204_message_shows_each_weight_and_the_sum_S0_1(diagnose):
    """S0.1: 100 points in total; a wrong sum names the sum, the total and every weight."""
    text = mutate(("    weight: 40\n", "    weight: 45\n"), ("    weight: 30\n", "    weight: 35\n"))
    found = diagnose(text)
    line, column = loc(text, "kpis:")
    assert [d.render() for d in found] == [
        f"{found[0].file}:{line}:{column}: JX204 KPI weights sum to 110, expected 100 (45 + 20 + 35 + 10)"
    ]


def test_JX207_unsorted_bands_reported_per_band(diagnose):
    """Bands written worst-last but from high to low are out of order at every later band."""
    text = mutate((
        "      - {to: 0.9, points: 0}\n"
        "      - {from: 0.9, to: 0.95, points: 10}\n"
        "      - {from: 0.95, points: 20}\n",
        "      - {from: 0.95, to: 1, points: 20}\n"
        "      - {from: 0.9, to: 0.95, points: 10}\n"
        "      - {from: 0, to: 0.9, points: 0}\n",
    ))
    found = diagnose(text)
    assert codes(found) == ["JX207", "JX207"]
    assert [(d.line, d.column) for d in found] == [
        loc(text, "{from: 0.9, to: 0.95", "{"),
        loc(text, "{from: 0, to: 0.9", "{"),
    ]
    assert found[0].message == "bands out of order: [0.9, …) comes after [0.95, …); sort by from"


def test_JX212_duplicate_points_at_second_declaration_and_names_first(diagnose):
    text = mutate(("  team_sales:\n", "  reply_rate:\n"), ("* team_sales", "* reply_rate"))
    (found,) = diagnose(text)
    first, _ = loc(text, "  reply_rate:\n    label: {zh: 旺旺回复率, en: Chat reply rate}\n    type")
    second = loc(text, "  reply_rate:\n    label: {zh: 人均", "reply_rate")
    assert (found.line, found.column) == second
    assert found.message == f"name 'reply_rate' is already declared at line {first} (input)"


def test_JX215_division_by_zero_names_the_part(diagnose):
    (found,) = diagnose(mutate(("formula: 10 - 5 * absences", "formula: 10 - 5 * absences + 1 / 0")))
    assert found.message == "'1 / 0' cannot be computed: DivisionByZero"


def test_several_errors_all_reported_sorted_by_line(diagnose, tmp_path):
    """Schema and meaning problems in one file are all reported; errors come out in line order."""
    text = mutate(
        ('version: "2026.11"', "version: 2026.11"),                               # JX103
        ("    stat: mean", "    stat: median"),                                     # JX104
        ("    weight: 10\n", "    weight: 5\n"),                                    # JX204 (S0.1)
        ("{from: 0.9, to: 0.95, points: 10}", "{from: 0.91, to: 0.95, points: 10}"),  # JX205
        ("cancels: [performance]", "cancels: [performence]"),                      # JX209 (S0.5)
        ("role == 'probation'", "role == 'probaton'"),                              # JX210 (S0.3)
        ("linear: {from: 60, to: 20}", "linear: {from: 20, to: 60}"),              # JX301
    )
    found = diagnose(text)
    assert sorted(codes(found)) == ["JX103", "JX104", "JX204", "JX205", "JX209", "JX210", "JX301"]
    with pytest.raises(PolicyError) as raised:
        require_valid(load_policy(tmp_path / "policy.yaml"))
    ordered = raised.value.diagnostics
    assert [d.code for d in ordered] == ["JX103", "JX104", "JX204", "JX205", "JX301", "JX209", "JX210"]
    assert [d.line for d in ordered] == sorted(d.line for d in ordered)
    assert ordered[0].line == loc(text, "version: 2026.11")[0]


def test_warnings_alone_do_not_make_a_policy_invalid(diagnose, tmp_path):
    """S1.4: lower first-response times are better; scoring the other way is only a warning."""
    diagnose(mutate(("linear: {from: 60, to: 20}", "linear: {from: 20, to: 60}")))
    warnings = require_valid(load_policy(tmp_path / "policy.yaml"))
    assert [(d.code, d.severity) for d in warnings] == [("JX301", "warning")]


# -- jixiao validate --------------------------------------------------------------------------

LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<column>\d+): (?P<code>JX\d{3}) ")


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_cli_validate_clean_policy_exits_0(tmp_path):
    path = write(tmp_path, "clean.yaml", BASE)
    result = CliRunner().invoke(main, ["validate", "--lang", "en", path])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "1 file(s) checked: 0 error(s), 0 warning(s)" in result.stderr


def test_cli_validate_prints_located_errors_and_exits_1_S0_1(tmp_path):
    text = mutate(("    weight: 10\n", "    weight: 5\n"), ('version: "2026.11"', "version: 2026.11"))
    path = write(tmp_path, "bad.yaml", text)
    result = CliRunner().invoke(main, ["validate", "--lang", "en", path])
    assert result.exit_code == 1
    (version_line, version_column), (kpis_line, kpis_column) = loc(text, "2026.11"), loc(text, "kpis:")
    assert result.stdout.splitlines() == [
        f"{path}:{version_line}:{version_column}: JX103 policy.version must be text, got a number"
        " (hint: quote it to make it text)",
        f"{path}:{kpis_line}:{kpis_column}: JX204 KPI weights sum to 95, expected 100 (40 + 20 + 30 + 5)",
    ]
    assert "1 file(s) checked: 2 error(s), 0 warning(s)" in result.stderr


def test_cli_validate_warnings_only_exits_0_S1_4(tmp_path):
    text = mutate(("linear: {from: 60, to: 20}", "linear: {from: 20, to: 60}"))
    path = write(tmp_path, "warn.yaml", text)
    result = CliRunner().invoke(main, ["validate", "--lang", "en", path])
    assert result.exit_code == 0
    (output,) = result.stdout.splitlines()
    line, column = loc(text, "{from: 20, to: 60}", "{")
    assert output.startswith(f"{path}:{line}:{column}: JX301 warning: scoring rewards higher values")
    assert "0 error(s), 1 warning(s)" in result.stderr


def test_cli_validate_several_files_at_once(tmp_path):
    """Every file is checked, even after one fails to load; lines are grouped by file, in line order."""
    clean = write(tmp_path, "a_clean.yaml", BASE)
    broken = write(tmp_path, "b_broken.yaml", "jixiao: 1\njixiao: 1\n")
    text = mutate(
        ("cancels: [performance]", "cancels: [performence]"),
        ("linear: {from: 60, to: 20}", "linear: {from: 20, to: 60}"),
        ("    stat: mean", "    stat: median"),
    )
    errors = write(tmp_path, "c_errors.yaml", text)
    result = CliRunner().invoke(main, ["validate", "--lang", "en", clean, broken, errors])
    assert result.exit_code == 1
    located = [LINE.match(line) for line in result.stdout.splitlines()]
    assert all(located), result.stdout
    assert [(m["file"], int(m["line"]), m["code"]) for m in located] == [
        (broken, 2, "JX002"),
        (errors, loc(text, "median")[0], "JX104"),
        (errors, loc(text, "{from: 20, to: 60}")[0], "JX301"),
        (errors, loc(text, "performence")[0], "JX209"),
    ]
    assert "3 file(s) checked: 3 error(s), 1 warning(s)" in result.stderr


def test_cli_validate_shipped_policies_together():
    assert POLICIES, "no shipped policies found"
    result = CliRunner().invoke(main, ["validate", "--lang", "en", *map(str, POLICIES)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"{len(POLICIES)} file(s) checked: 0 error(s), 0 warning(s)" in result.stderr


@pytest.mark.parametrize(("edits", "code", "where", "message", "hint"), CASES)
def test_every_diagnostic_has_chinese(diagnose, edits, code, where, message, hint):
    """Users read Chinese first: every diagnostic of every case has a zh message, and a zh hint
    whenever it has a hint."""
    for found in diagnose(mutate(*edits)):
        assert found.zh.strip(), found.render()
        assert bool(found.zh_hint) == bool(found.hint), found.render()
        assert found.render("zh").endswith(("）", found.zh)), found.render("zh")


def test_schema_frames_in_chinese(diagnose):
    text = mutate(("  effective_from: 2026-11-01\n", "  effective_from: 2026-11-01\n  colour: red\n"),
                  ("    type: money\n    scope: team\n", "    scope: team\n"),
                  ("formula: 10 - 5 * absences", "formula: [absences]"))
    zh = sorted((d.code, d.zh, d.zh_hint) for d in diagnose(text))
    assert zh == [
        ("JX101", "policy 中有未知的键 'colour'",
         "允许的键：currency、description、effective_from、id、name、rounding、version"),
        ("JX102", "metrics.sales_target 缺少必需的键 'type'", ""),
        ("JX103", "kpis.attendance.formula 类型错误：应为文本或数字，实际是列表", ""),
    ]
