"""Rows of the check table for career reviews (S0.7 of docs/rules.md): outcomes for every count of
months met, what `met` may read, calendar windows, named grades, reachable grades."""

from __future__ import annotations

import pytest

from tests.policy.check_cases_roles import NO_SCORECARD

REVIEW = """reviews:
  quarterly:
    label: {zh: 季度评定, en: Quarterly review}
    rule: S0.7
    kind: grade
    every: quarter
    met: score >= 60
    outcomes:
      - {months_met: 3, then: up}
      - {months_met: 2, then: stay}
      - {months_met: 1, then: {down: A0}}
      - {months_met: 0, then: dismiss}

metrics:
  sales:
"""
PLACE = ("metrics:\n  sales:\n", REVIEW)
# The base policy takes effect in November; from October its first quarter is whole (else JX260).
ADD = [PLACE, ("effective_from: 2026-11-01", "effective_from: 2026-10-01")]
# S4.1: a probation agent becomes an agent after three months with the company.
ROLE = """  confirmation:
    label: {zh: 转正, en: Confirmation}
    rule: S4.1
    kind: role
    role: probation
    every: month
    promote: {to: agent, tenure_months: 3}
"""
WITH_ROLE = [*ADD, ("reviews:\n", "reviews:\n" + ROLE)]
BACK = """  back:
    label: {zh: 退回, en: Back}
    kind: role
    role: agent
    every: month
    promote: {to: probation, tenure_months: 1}
"""

# S4.4/S4.5-style window value: months of the last three as a probation agent.
WINDOW = ("metrics:\n  sales:\n", """windows:
  probation_months:
    label: {zh: 试用月数, en: Months on probation}
    over: {months: 3}
    stat: count
    where: role == 'probation'

metrics:
  sales:
""")

REVIEW_CASES = [
    pytest.param(
        [*ADD, ("      - {months_met: 2, then: stay}\n", "")],
        "JX250", ("outcomes:", "outcomes"), "no outcome for 2 months met (of 3); every count 0..3 needs one",
        "add {months_met: 2, then: stay}", id="JX250-S0.7-a-count-without-an-outcome",
    ),
    pytest.param(
        [*ADD, ("{months_met: 2, then: stay}", "{months_met: [1, 2], then: stay}")],
        "JX251", ("{months_met: 1, then: {down", "1"), "1 months met is already covered by outcome 2", "",
        id="JX251-S0.7-a-count-covered-twice",
    ),
    pytest.param(
        [*ADD, ("{months_met: 3, then: up}", "{months_met: [3, 4], then: up}")],
        "JX251", ("{months_met: [3, 4]", "[3, 4]"), "4 months met is more than the 3-month window holds", "",
        id="JX251-S0.7-a-count-above-the-window",
    ),
    pytest.param(
        [*ADD, ("met: score >= 60", "met: scor >= 60")],
        "JX252", ("met: scor", "scor"), "'met' reads 'scor', which is not recorded each month",
        "did you mean 'score'?", id="JX252-S0.7-misspelled-score",
    ),
    pytest.param(
        [*ADD, ("met: score >= 60", "met: attainment >= 1")],
        "JX252", ("met: attainment", "attainment"), "'met' reads 'attainment', which is not recorded each month",
        "recorded each month: ", id="JX252-S0.7-a-derived-value-is-not-recorded",
    ),
    pytest.param(
        [*ADD, ("met: score >= 60", "met: score")],
        "JX252", ("met: score", "score"), "'met' must be a condition (true or false), like score >= 60", "",
        id="JX252-S0.7-met-is-not-a-condition",
    ),
    pytest.param(
        [*ADD, ("    every: quarter\n", "    every: {months: 5}\n")],
        "JX253", ("every: {months: 5}", "5"), "a review every 5 months does not divide the year",
        "use 1, 2, 3, 4, 6 or 12 months", id="JX253-a-window-off-the-calendar",
    ),
    pytest.param(
        [*ADD, ("then: {down: A0}", "then: {down: a0}")],
        "JX254", ("then: {down: a0}", "a0"), "'down' names 'a0', which is not a declared grade",
        "grades: A0, A1", id="JX254-S0.7-down-to-an-undeclared-grade",
    ),
    pytest.param(
        [*ADD, ("then: {down: A0}", "then: stay")],
        "JX255", ("  A0: {label", "A0"), "no review moves anyone down to 'A0'",
        "name it in an outcome (then: {down: A0})", id="JX255-S0.7-the-lowest-grade-is-never-reached",
    ),
    pytest.param(
        [*WITH_ROLE, ("    role: probation\n", "    role: probaton\n")],
        "JX256", ("role: probaton", "probaton"), "'probaton' is not a declared role",
        "did you mean 'probation'?", id="JX256-S4.1-misspelled-role",
    ),
    pytest.param(
        [*WITH_ROLE, ("    promote: {to: agent, tenure_months: 3}\n",
                      "    promote: {to: agent, tenure_months: 3}\n" + BACK)],
        "JX257", ("promote: {to: probation", "probation"), "promotions form a cycle: probation → agent → probation",
        "promote each role to a later one", id="JX257-S4-a-promotion-cycle",
    ),
    pytest.param(
        [*WITH_ROLE, ("    role: probation\n    every: month\n    promote: {to: agent, tenure_months: 3}",
                      "    role: agent\n    every: month\n    promote: {to: probation, tenure_months: 3}")],
        "JX258", ("  agent: {label: {zh: 客服", "agent"), "no review promotes anyone to 'agent'",
        "add a role review with promote: {to: agent}", id="JX258-S4-a-role-nobody-reaches",
    ),
    pytest.param(
        [*WITH_ROLE, ("  agent: {label: {zh: 客服, en: Agent}}",
                      "  agent: {label: {zh: 客服, en: Agent}, outside_path: true}")],
        "JX258", ("outside_path: true", "true"), "'agent' is marked outside_path, but review 'confirmation' promotes "
        "to it", "remove outside_path, or the promotion", id="JX258-S4-a-role-outside-the-path-that-a-review-reaches",
    ),
    pytest.param(
        [*WITH_ROLE, ("promote: {to: agent, tenure_months: 3}", "promote: {to: agent}")],
        "JX259", ("promote: {to: agent}", "promote"), "a promotion without 'each' or 'tenure_months' promotes",
        "add the requirement", id="JX259-S4-a-promotion-without-requirements",
    ),
    pytest.param(
        [*WITH_ROLE, ("promote: {to: agent, tenure_months: 3}", "promote: {to: agent, tenure_months: 3, months: 1}")],
        "JX259", ("promote: {to: agent, tenure_months: 3, months", "1"), "'months' says how many months must meet",
        "add each: <condition>", id="JX259-S4-months-without-each",
    ),
    pytest.param(
        [PLACE],
        "JX260", ("    every: quarter", "quarter"), "the first review (2026-12) reads 3 months, but the policy takes "
        "effect 2026-11: the ledger holds only 2 month(s)", "those months count as not worked",
        id="JX260-S0.7-a-first-quarter-before-the-policy",
    ),
    pytest.param(
        [WINDOW, ("where: role == 'probation'", "where: score >= 60")],
        "JX261", ("where: score", "score"), "'where' reads 'score'; a window can read only choice metrics, role and "
        "grade", "readable: grade, role", id="JX261-S4.4-a-window-reads-this-month's-score",
    ),
    pytest.param(
        [WINDOW, ("where: role == 'probation'", "where: role")],
        "JX261", ("where: role", "role"), "'where' must be a condition like assessment == 'excellent'", "",
        id="JX261-a-window-condition-that-is-not-one",
    ),
    pytest.param(
        [("    floor: 1500\n", "    floor: 1500\n    prorate: calendar_days\n")],
        "JX262", ("prorate: calendar_days", "calendar_days"), "'guarantee' prorates its floor by days worked, but "
        "the policy declares no 'proration:'", "proration: {by: calendar_days}",
        id="JX262-S4.2-a-prorated-minimum-without-proration",
    ),
    pytest.param(
        [*ADD, ("{months_met: 3, then: up}", "{months_met: 3, then: stay}")],
        "JX255", ("  A1: {label", "A1"), "no review moves anyone up: only the roster can put an agent at 'A1'",
        "add an outcome with then: up", id="JX255-S0.7-no-grade-is-reached-by-promotion",
    ),
    pytest.param(
        [WINDOW, ("    stat: count\n    where: role == 'probation'\n", "    stat: sum\n    of: scor\n")],
        "JX261", ("of: scor", "scor"), "a sum needs 'of': a number recorded every month", "did you mean 'score'?",
        id="JX261-S3.1-a-sum-of-a-misspelled-value",
    ),
    pytest.param(
        [WINDOW, ("    where: role == 'probation'\n", "    where: role == 'probation'\n    of: score\n")],
        "JX261", ("of: score", "of"), "'of' is for sum and mean", "remove 'of'",
        id="JX261-a-count-with-of",
    ),
    pytest.param(
        [*ADD, ("    met: score >= 60\n", "    met: score >= 60\n    entry: X9\n")],
        "JX264", ("entry: X9", "X9"), "'entry' names 'X9', which is not a declared grade", "grades: A0, A1",
        id="JX264-S0.6-an-undeclared-entry-grade",
    ),
    pytest.param(
        [*ADD, ("    met: score >= 60\n", "    met: score >= 60\n    entry: A1\n"),
         ("reviews:\n", "reviews:\n" + REVIEW.split("reviews:\n")[1].split("\nmetrics:")[0].replace(
             "  quarterly:", "  half:").replace("every: quarter", "every: quarter\n    entry: A0") + "\n")],
        "JX265", ("entry: A1", "A1"), "'entry' is 'A1' here but 'A0' in review 'half'",
        "declare the same entry grade", id="JX265-S0.6-two-entry-grades",
    ),
]

# Issue 16 item 1: reviews and windows of a policy without a scorecard cannot read its score or rating.
SCORECARD_REVIEW_CASES = [
    pytest.param(
        [*ADD, *NO_SCORECARD, ("    base: score / 100 * team_sales", "    base: team_sales")],
        "JX234", ("met: score >= 60", "score"), "'score' is the score, but this policy has no scorecard",
        "assessment == 'fail' instead of score < 60", id="JX234-S4.1-review-met-reads-the-score-of-no-scorecard",
    ),
    pytest.param(
        [*NO_SCORECARD, ("    base: score / 100 * team_sales", "    base: team_sales"),
         WINDOW, ("where: role == 'probation'", "where: rating == 'fail'")],
        "JX234", ("where: rating == 'fail'", "rating"), "'rating' is the rating, but this policy has no scorecard",
        "read the metric itself", id="JX234-S4.1-window-where-reads-the-rating-of-no-scorecard",
    ),
]
