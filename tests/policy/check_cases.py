"""One row per policy mistake: the edits to the base policy, the one code it deserves, where the
diagnostic points, and what its message and hint say (S0 shop rules, docs/rules.md)."""

from __future__ import annotations

import pytest

from tests.policy.check_base import LATER_COMPONENT

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
        "allowed: floor, kind, label, of, prorate, roles, rule, when",
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
        "reserved: abs, agent, grade, gross_pay, loss_deduction, max, min, name, period, rating, role, score, "
        "serious_warnings, team, total, value, warnings",
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
        [("    metric: reply_rate\n    weight: 20\n", "    metric: reply_rate\n    weight: 20\n    scale: 100\n"),
         ("{from: 0.95, points: 20}", "{from: 0.95, points: 120}")],
        "JX214", ("points: 120", "120"), "band gives 120 points, more than the KPI's scale 100", "",
        id="JX214-band-above-scale",
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
