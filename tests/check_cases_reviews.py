"""Rows of the check table for career reviews (S0.7 of docs/rules.md): outcomes for every count of
months met, what `met` may read, calendar windows, named grades, reachable grades."""

from __future__ import annotations

import pytest

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
ADD = ("metrics:\n  sales:\n", REVIEW)

REVIEW_CASES = [
    pytest.param(
        [ADD, ("      - {months_met: 2, then: stay}\n", "")],
        "JX250", ("outcomes:", "outcomes"), "no outcome for 2 months met (of 3); every count 0..3 needs one",
        "add {months_met: 2, then: stay}", id="JX250-S0.7-a-count-without-an-outcome",
    ),
    pytest.param(
        [ADD, ("{months_met: 2, then: stay}", "{months_met: [1, 2], then: stay}")],
        "JX251", ("{months_met: 1, then: {down", "1"), "1 months met is already covered by outcome 2", "",
        id="JX251-S0.7-a-count-covered-twice",
    ),
    pytest.param(
        [ADD, ("{months_met: 3, then: up}", "{months_met: [3, 4], then: up}")],
        "JX251", ("{months_met: [3, 4]", "[3, 4]"), "4 months met is more than the 3-month window holds", "",
        id="JX251-S0.7-a-count-above-the-window",
    ),
    pytest.param(
        [ADD, ("met: score >= 60", "met: scor >= 60")],
        "JX252", ("met: scor", "scor"), "'met' reads 'scor', which is not recorded each month",
        "did you mean 'score'?", id="JX252-S0.7-misspelled-score",
    ),
    pytest.param(
        [ADD, ("met: score >= 60", "met: attainment >= 1")],
        "JX252", ("met: attainment", "attainment"), "'met' reads 'attainment', which is not recorded each month",
        "recorded each month: ", id="JX252-S0.7-a-derived-value-is-not-recorded",
    ),
    pytest.param(
        [ADD, ("met: score >= 60", "met: score")],
        "JX252", ("met: score", "score"), "'met' must be a condition (true or false), like score >= 60", "",
        id="JX252-S0.7-met-is-not-a-condition",
    ),
    pytest.param(
        [ADD, ("    every: quarter\n", "    every: {months: 5}\n")],
        "JX253", ("every: {months: 5}", "5"), "a review every 5 months does not divide the year",
        "use 1, 2, 3, 4, 6 or 12 months", id="JX253-a-window-off-the-calendar",
    ),
    pytest.param(
        [ADD, ("then: {down: A0}", "then: {down: a0}")],
        "JX254", ("then: {down: a0}", "a0"), "'down' names 'a0', which is not a declared grade",
        "grades: A0, A1", id="JX254-S0.7-down-to-an-undeclared-grade",
    ),
    pytest.param(
        [ADD, ("then: {down: A0}", "then: stay")],
        "JX255", ("  A0: {label", "A0"), "no review moves anyone down to 'A0'",
        "name it in an outcome (then: {down: A0})", id="JX255-S0.7-the-lowest-grade-is-never-reached",
    ),
]
