"""Rows of the check table for S4 role pay and choice metrics (S4.1–S4.5 of docs/rules.md):
choice values, guarantees by role, components paid to some roles only."""

from __future__ import annotations

import pytest

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
ROLE_CASES = [
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

# Issue 16 item 1: a policy without a scorecard (S4 has none). The base's `score:` block and its KPIs.
SCORE_BLOCK = """score:
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

"""
KPI_BLOCK = """kpis:
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

"""
NO_SCORECARD = [(SCORE_BLOCK, ""), (KPI_BLOCK, "")]
SCORECARD_CASES = [
    pytest.param(
        [(SCORE_BLOCK, "")],
        "JX233", ("kpis:", "kpis"), "kpis: is declared but score: is not: a scorecard needs both",
        "remove kpis: if the scheme has no scorecard (S4)", id="JX233-S4.1-kpis-without-score",
    ),
    pytest.param(
        [(KPI_BLOCK, ""), ("    base: score / 100 * team_sales", "    base: team_sales")],
        "JX233", ("score:", "score"), "score: is declared but kpis: is not: a scorecard needs both",
        "remove score: if the scheme has no scorecard (S4)", id="JX233-S4.1-score-without-kpis",
    ),
    pytest.param(
        NO_SCORECARD,
        "JX234", ("    base: score / 100 * team_sales", "score"),
        "'score' is the score, but this policy has no scorecard (no kpis: and score:), so there is none to read",
        "assessment == 'fail' instead of score < 60", id="JX234-S4.1-pay-reads-the-score-of-no-scorecard",
    ),
    pytest.param(
        [*NO_SCORECARD, ("    base: score / 100 * team_sales", "    base: team_sales"),
         ("    floor: 1500\n", "    floor: 1500\n    when: rating != 'fail'\n")],
        "JX234", ("when: rating != 'fail'", "rating"), "'rating' is the rating, but this policy has no scorecard",
        "read the metric itself", id="JX234-S4.1-when-reads-the-rating-of-no-scorecard",
    ),
    pytest.param(
        [*NO_SCORECARD, ("    base: score / 100 * team_sales", "    base: attendance_points * team_sales")],
        "JX234", ("    base: attendance_points", "attendance_points"),
        "'attendance_points' is a KPI's points, but this policy has no scorecard", "read the metric itself",
        id="JX234-S4.1-formula-reads-kpi-points-of-no-scorecard",
    ),
    pytest.param(
        [*NO_SCORECARD, ("    base: score / 100 * team_sales", "    base: team_sales"),
         ("\npay:\n", "\npopulation:\n  mean_score:\n    label: 平均分\n    of: score\n    stat: mean\n\npay:\n")],
        "JX234", ("    of: score", "score"), "'score' is the score, but this policy has no scorecard",
        "read the metric itself", id="JX234-S4.1-population-of-the-score-of-no-scorecard",
    ),
    pytest.param(
        [*NO_SCORECARD, ("    base: score / 100 * team_sales", "    base: team_sales"),
         ("\npay:\n", "\nrankings:\n  by_score:\n    label: 名次\n    of: score\n\npay:\n")],
        "JX234", ("    of: score", "score"), "'score' is the score, but this policy has no scorecard",
        "read the metric itself", id="JX234-S4.1-ranking-of-the-score-of-no-scorecard",
    ),
    pytest.param(
        [ASSESSMENT, ("    type: choice\n", "    type: choice\n    missing: absent\n"),
         ("      pass: {label: {zh: 合格",
          "      absent: {label: {zh: 缺勤, en: Absent}}\n      pass: {label: {zh: 合格")],
        "JX235", ("missing: absent", "absent"), "missing: absent of choice metric 'assessment' would mean",
        "rename the value 'absent'", id="JX235-S4.1-absent-is-also-a-declared-value",
    ),
]
