"""Rows of the check table for tables by any choice and by two keys (issue 16 item 4) and amounts by role
inside a step bonus (item 5): S0.6's base pay by grade, S4.4/S4.5's team bonus by role, a rating → bonus
table. Each row edits the base policy's `pay.base` (a table by grade) or its guarantee."""

from __future__ import annotations

import pytest

from tests.policy.check_cases_roles import ASSESSMENT

BASE_TABLE = "    key: grade\n    values: {A0: 1800, A1: 2000}\n"


def table(text: str) -> tuple[str, str]:
    """The base pay table of the base policy written as `text`."""
    return (BASE_TABLE, text)


TABLE_CASES = [
    pytest.param(
        [table("    key: team\n    values: {A0: 1800, A1: 2000}\n")],
        "JX237", ("key: team", "team"), "'team' is not something a table can be looked up by",
        "keys a table can use: role, grade, rating", id="JX237-table-by-something-not-a-choice",
    ),
    pytest.param(
        [table("    key: ratng\n    values: {excellent: 500, pass: 300, fail: 0}\n")],
        "JX237", ("key: ratng", "ratng"), "'ratng' is not something a table can be looked up by",
        "did you mean 'rating'?", id="JX237-table-key-misspelled",
    ),
    pytest.param(
        [table("    key: [grade, grade]\n    values: {A0: {A0: 1800}}\n")],
        "JX237", ("key: [grade, grade]", "grade]"), "the table is keyed twice by 'grade'", "",
        id="JX237-table-keyed-twice-by-one",
    ),
    pytest.param(
        [table("    key: rating\n    values: {excellent: 500, pass: 300, fial: 0}\n")],
        "JX238", ("values: {excellent: 500, pass: 300, fial", "fial"), "'fial' is not a declared rating",
        "did you mean 'fail'?",
        id="JX238-rating-table-row-misspelled",
    ),
    pytest.param(
        [table("    key: [role, grade]\n"
               "    values: {probation: {A0: 1800, A1: 2000}, agent: {A0: 1900, A3: 2100}}\n")],
        "JX238", ("agent: {A0: 1900, A3", "A3"), "'A3' is not a declared grade", "declared: A0, A1",
        id="JX238-two-keys-undeclared-second-key",
    ),
    pytest.param(
        [table("    key: rating\n    values: {excellent: 500, pass: 300}\n")],
        "JX239", ("values: {excellent: 500, pass: 300}", "values"), "no amount for rating 'fail'",
        "give every combination a row, or a default:", id="JX239-rating-table-misses-a-rating",
    ),
    pytest.param(
        [table("    key: [role, grade]\n    values: {probation: {A0: 1800, A1: 2000}, agent: {A0: 1900}}\n")],
        "JX239", ("agent: {A0: 1900}}", "values"),
        "no amount for role × grade 'agent × A1'",
        "or a default:", id="JX239-role-by-grade-misses-a-combination",
    ),
    pytest.param(
        [ASSESSMENT, table("    key: assessment\n    values: {excellent: 200, pass: 0}\n")],
        "JX239", ("values: {excellent: 200, pass: 0}", "values"), "no amount for value of assessment 'fail'",
        "or a default:",
        id="JX239-choice-table-misses-a-value",
    ),
    pytest.param(
        [("    floor: 1500\n", "    floor:\n      by: [role, grade]\n      values: {agent: {A0: 1500, A1: 1600}}\n")],
        "JX239", ("values: {agent: {A0: 1500, A1: 1600}}", "values"),
        "no amount for role × grade 'probation × A0', 'probation × A1'",
        "or a default:", id="JX239-floor-by-two-keys-misses-a-role",
    ),
    pytest.param(
        [table("    key: [role, grade]\n    values: {probation: 1800, agent: {A0: 1900, A1: 2000}}\n")],
        "JX245", ("values: {probation: 1800", "probation"),
        "row 'probation' must hold the amounts by grade ({A0: …}), not one amount", "",
        id="JX245-two-keys-row-without-second-key",
    ),
    pytest.param(
        [table("    key: grade\n    values: {A0: {probation: 1800}, A1: 2000}\n")],
        "JX245", ("values: {A0: {probation", "A0"), "row 'A0' holds a table, but the table is looked up by grade alone",
        "",
        id="JX245-one-key-row-holds-a-table",
    ),
    pytest.param(
        [table("    key: rating\n    values: {excellent: 500, pass: 300, fail: 0}\n    default: 0\n")],
        "JX246", ("default: 0", "default"), "default 0 never applies: every rating has a row",
        "remove default:", id="JX246-default-that-never-applies",
    ),
    pytest.param(
        [("  guarantee:\n", "  team_bonus:\n    label: 团队奖\n    kind: step\n    on: attainment\n"
          "    from: 1.5\n    every: 0.5\n    first: {by: role, values: {agent: 100, probatoin: 50}}\n"
          "  guarantee:\n")],
        "JX238", ("first: {by: role", "probatoin"), "'probatoin' is not a declared role",
        "did you mean 'probation'?", id="JX238-S4.4-step-amount-by-role-unknown-role",
    ),
    pytest.param(
        [("  guarantee:\n", "  team_bonus:\n    label: 团队奖\n    kind: step\n    on: attainment\n"
          "    from: 1.5\n    every: 0.5\n    first: {by: role, values: {agent: 150}}\n    roles: [agent]\n"
          "    then: {by: grade, values: {A0: 100}}\n  guarantee:\n")],
        "JX239", ("then: {by: grade", "values"), "no amount for grade 'A1'", "or a default:",
        id="JX239-S4.4-step-amount-by-grade-misses-a-grade",
    ),
    pytest.param(
        [("        - {from: 1.0, to: 1.2, rate: 0.002}\n",
          "        - {from: 1.0, to: 1.2, rate: {by: role, values: {agent: 0.002}}}\n")],
        "JX239", ("rate: {by: role, values: {agent: 0.002}}", "values"), "no amount for role 'probation'",
        "or a default:", id="JX239-S0.3-tier-rate-by-role-misses-a-role",
    ),
    pytest.param(
        [("      mode: retroactive\n", "      mode: marginal\n"),
         ("        - {from: 1.0, to: 1.2, rate: 0.002}\n",
          "        - {from: 1.0, to: 1.2, rate: {by: role, values: {agent: 0.002, probation: 0.001}}}\n")],
        "JX237", ("rate: {by: role, values: {agent: 0.002, probation", "rate"),
        "a tier's rate by role, grade … needs mode: retroactive", "", id="JX237-tier-rate-by-role-in-marginal-tiers",
    ),
]
