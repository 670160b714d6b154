"""Policy checks: every diagnostic code fires with its code, line and column; a clean policy has none.

Each row of the case table (`check_cases`, `check_cases_roles`) mutates one spot of the base
policy (`check_base`) and expects exactly the diagnostics that mutation deserves, located where
the user has to look.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.diagnostics import CATALOGUE
from engine.errors import Diagnostic, PolicyError
from engine.policy.check import check, require_valid
from engine.policy.expr import MAX_LENGTH
from engine.policy.load import load_policy
from tests.policy.check_base import BASE, loc, mutate
from tests.policy.check_cases import CASES as GENERAL
from tests.policy.check_cases_deductions import DEDUCTION_CASES
from tests.policy.check_cases_events import EVENT_CASES
from tests.policy.check_cases_flags import FLAG_CASES
from tests.policy.check_cases_groups import GROUP_CASES
from tests.policy.check_cases_reviews import REVIEW_CASES, SCORECARD_REVIEW_CASES
from tests.policy.check_cases_roles import ROLE_CASES, SCORECARD_CASES
from tests.policy.check_cases_roster import ROSTER_CASES
from tests.policy.check_cases_tables import TABLE_CASES

POLICIES = sorted((Path(__file__).resolve().parents[2] / "policies").glob("*.yaml"))
CASES = [*GENERAL, *ROLE_CASES, *REVIEW_CASES, *EVENT_CASES, *DEDUCTION_CASES, *ROSTER_CASES, *SCORECARD_CASES,
         *SCORECARD_REVIEW_CASES, *TABLE_CASES, *FLAG_CASES, *GROUP_CASES]


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


WARNINGS = {"JX243", "JX244", "JX246", "JX255", "JX258", "JX260", "JX275", "JX276", "JX280"}

# Codes whose test needs more than one diagnostic, so they cannot be a CASES row: where each is.
TESTED_ELSEWHERE = {"JX227": ("test_policy_hostile", "test_JX227_diagnostics_are_capped_with_a_summary")}
# Dated values: each case needs a dated list of its own (tests/policy/test_dated.py).
TESTED_ELSEWHERE |= {
    "JX283": ("test_dated", "test_JX283_a_from_that_is_not_the_first_of_a_month"),
    "JX284": ("test_dated", "test_JX284_entries_out_of_order_or_from_the_same_date"),
    "JX285": ("test_dated", "test_JX285_overlapping_ranges"),
    "JX286": ("test_dated", "test_JX286_a_gap_between_ranges"),
    "JX287": ("test_dated", "test_JX287_nothing_in_force_from_effective_from_or_after_the_last_to"),
    "JX288": ("test_dated", "test_JX288_what_cannot_be_dated"),
    "JX289": ("test_dated", "test_JX289_a_value_changing_where_the_dated_version_does_not"),
}
# Population values and rankings (S1.5): their cases build on a ranking policy of their own.
TESTED_ELSEWHERE |= {
    "JX229": ("test_population_check", "test_JX229_a_ranking_over_a_measure_that_reads_it"),
    "JX230": ("test_population_check", "test_JX230_a_component_reads_a_ranking_over_a_component_written_after_it"),
    "JX231": ("test_population_check", "test_JX231_a_condition_that_is_always_false"),
    "JX232": ("test_population_check", "test_JX232_top_is_a_count_or_a_percentage_with_declared_rounding"),
}
# A table by a choice that may be blank (issue 16 items 4, 6): a policy of its own.
TESTED_ELSEWHERE |= {"JX236": ("test_absent_table_check",
                               "test_JX236_a_table_without_the_absent_row_is_refused_at_its_values")}
# Calendar facts (issue 16 item 7): their cases use policies of their own.
TESTED_ELSEWHERE |= {
    "JX266": ("test_calendar_check", "test_JX266_months_since_joining_without_a_join_date_column_S4_4"),
    "JX267": ("test_calendar_check", "test_JX267_a_declared_name_that_is_a_calendar_fact"),
    "JX268": ("test_calendar_check", "test_JX268_an_agent_without_a_join_date_at_run_time"),
}
# Several sources of one month (S1.6): their cases use S1's policy with `sources:`.
TESTED_ELSEWHERE |= {"JX296": ("test_sources_check", "test_JX296_a_source_sources_does_not_declare"),
                     "JX297": ("test_sources_check", "test_JX297_a_source_on_a_team_value"),
                     "JX298": ("test_sources_check", "test_JX298_two_sources_with_one_pattern")}


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
    """The case table covers every code of the catalogue that a check emits (JX1xx–JX3xx)."""
    emitted = {code.value for code in CATALOGUE if code.value[2] in "123"}
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
