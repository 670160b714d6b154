"""The catalogue of diagnostics (engine.diagnostics): every code defined once, in both languages,
raised somewhere, documented in README's Checks table, and held to a case.

Check codes (JX0xx–JX3xx) are held to their cases in test_check.py (`test_every_code_has_a_case`);
`check_cases_rendered.txt` holds every case's full text in English and Chinese, as it read before
the texts moved into the catalogue. Evaluation codes (JX4xx) are held here: each failure carries
its code for machines, and its text stays what people read before.
"""

from __future__ import annotations

import decimal
import re
import string
from decimal import Decimal
from pathlib import Path

import pytest

from engine.diagnostics import CATALOGUE, Code, Severity, Text, problem
from engine.errors import EvaluationError, PolicyError
from engine.model.inputs import AgentInput
from engine.pipeline import prepare
from engine.policy.check import check
from engine.policy.expr import PowerTooLarge
from engine.policy.load import load_text
from engine.policy.runtime import LookupFailed
from engine.run.evaluate import _reason, evaluate, evaluate_period
from engine.run.penalties import penalty_block
from engine.run.proration import NotEmployed, days_block
from tests.policy.check_base import mutate
from tests.policy.check_cases import CASES as GENERAL
from tests.policy.check_cases_deductions import DEDUCTION_CASES
from tests.policy.check_cases_events import EVENT_CASES
from tests.policy.check_cases_reviews import REVIEW_CASES
from tests.policy.check_cases_roles import ROLE_CASES
from tests.policy.check_cases_roster import ROSTER_CASES
from tests.policy.check_cases_tables import TABLE_CASES
from tests.policy.check_cases_variants import VARIANTS
from tests.run.population_policies import RANKING, policy
from tests.run.test_evaluate import s0_agent
from tests.run.test_population import TEAM_BONUS, TEAM_SALES

ROOT = Path(__file__).resolve().parent.parent
CASES = [*GENERAL, *ROLE_CASES, *REVIEW_CASES, *EVENT_CASES, *DEDUCTION_CASES, *ROSTER_CASES, *TABLE_CASES]
RENDERED = Path(__file__).resolve().parent / "policy" / "check_cases_rendered.txt"
S0 = ROOT / "policies" / "s0_shop.yaml"
S4 = ROOT / "policies" / "s4_path.yaml"


def texts() -> list[tuple[str, Text]]:
    """(where, text) of every message and hint template of the catalogue."""
    found = []
    for code, entry in CATALOGUE.items():
        for name, kind in entry.kinds.items():
            found.append((f"{code}/{name}", kind.message))
            found += [(f"{code}/{name} hint {hint}", text) for hint, text in kind.hints.items()]
    return found


def test_every_code_has_one_entry():
    assert set(CATALOGUE) == set(Code)
    assert all(entry.code is code for code, entry in CATALOGUE.items())
    assert all(entry.summary and entry.section and entry.kinds for entry in CATALOGUE.values())


@pytest.mark.parametrize(("where", "text"), texts(), ids=[where for where, _ in texts()])
def test_every_text_is_in_chinese_and_english_and_a_template_of_names(where, text):
    """Users read Chinese first: no template lacks a language, and fields are plain names."""
    assert text.en.strip() and text.zh.strip()
    for template in (text.en, text.zh):
        for _, name, _spec, conversion in string.Formatter().parse(template):
            assert name is None or (name.isidentifier() and conversion is None), (where, name)
            assert name not in ("code", "path", "kind", "hint", "on_key"), (where, name)  # problem()'s own


def test_every_code_and_kind_is_raised_somewhere():
    """No entry is dead: each code is named at a call site, and each kind's name is written there."""
    source = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "engine").rglob("*.py")
                     if path.name not in ("diagnostics.py", "catalogue.py"))
    for code, entry in CATALOGUE.items():
        assert f"Code.{code.value}" in source, code
        for name in entry.kinds:
            assert not name or f'"{name}"' in source, (code, name)


def test_a_kind_the_code_does_not_have_is_refused():
    with pytest.raises(KeyError, match="JX204 has no kind 'twice'"):
        problem(Code.JX204, (), "twice")


def test_JX227_past_the_limit_of_warnings_only_is_a_warning(tmp_path):
    """Two hundred and ten pay components named like a fine (L.2) are warnings; so is the line for the rest."""
    fines = "".join(f"  fine{i}:\n    label: 罚款\n    kind: fixed\n    amount: 1\n" for i in range(210))
    found = list(check(load_text(mutate(("  guarantee:\n", fines + "  guarantee:\n")).encode(), "policy.yaml")))
    assert len(found) == 201 and {d.code for d in found[:200]} == {"JX275"}
    assert (found[-1].code, found[-1].severity, found[-1].message) == (
        "JX227", "warning", "… and 10 more problems (only the first 200 are shown)")


def test_a_kind_may_be_a_warning_of_an_error_code():
    """JX282: recovering without agreement is an error; an agreement nothing reads only a warning."""
    assert CATALOGUE[Code.JX282].severities == (Severity.ERROR, Severity.WARNING)
    assert problem(Code.JX282, (), "agreement_unused").severity == "warning"
    assert problem(Code.JX282, (), "no_agreement").severity == "error"


def rendered() -> str:
    """Every case's diagnostics, rendered in English and in Chinese, in the order `check` gives."""
    lines = []
    for name, edits in [*((case.id, case.values[0]) for case in CASES), *VARIANTS]:
        try:
            found = list(check(load_text(mutate(*edits).encode("utf-8"), "policy.yaml")))
        except PolicyError as error:
            found = error.diagnostics
        lines.append(f"[{name}]")
        lines += [f"{lang}: {d.render(lang)}" for d in found for lang in ("en", "zh")]
    return "\n".join(lines) + "\n"


def test_every_case_reads_as_it_did_word_for_word():
    """The full text of each case's diagnostics (and of the variants no case shows), hint and location
    included, in both languages, as it read before the texts moved into the catalogue."""
    assert rendered() == RENDERED.read_text(encoding="utf-8")


# -- README ------------------------------------------------------------------------------------

ROW = re.compile(r"^\| (JX\d{3}) \|.*\|$", re.MULTILINE)


def row(code: Code) -> str:
    """The README line of `code`: code, severity, what it is about (section, rules), summary."""
    entry = CATALOGUE[code]
    about = entry.section + (f" ({', '.join(entry.rules)})" if entry.rules else "")
    return f"| {code} | {', '.join(entry.severities)} | {about} | {entry.summary} |"


def test_readme_lists_every_code_of_the_catalogue_and_no_other():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    checks = readme[readme.index("## Checks"):readme.index("\n## ", readme.index("## Checks") + 1)]
    listed = [m.group(0) for m in ROW.finditer(checks)]
    expected = [row(code) for code in Code]
    assert [line.split(" | ")[0][2:] for line in listed] == [str(code) for code in Code]
    assert listed == expected, "\n".join(expected)


# -- evaluation failures (JX4xx): the code is a field, the text is what it was ----------------------


@pytest.fixture(scope="module")
def s0():
    plan, warnings = prepare(str(S0))
    assert warnings == []
    return plan


def failure(plan, *items) -> EvaluationError:
    with pytest.raises(EvaluationError) as caught:
        evaluate(plan, list(items))
    return caught.value


def test_JX401_division_by_zero_in_a_derived_value(s0):
    error = failure(s0, s0_agent("a1", 0, target=0))
    assert error.code == "JX401"
    assert str(error).endswith("division by zero (declare on_zero_division: to choose a value)")


def test_JX406_a_pay_table_by_grade_and_the_agent_has_no_grade_S0_6(s0):
    error = failure(s0, s0_agent("a7", 10000, grade=None))
    assert error.code == "JX406"
    assert str(error).endswith("the agent has no grade (give a roster with a grade column)")
    assert error.lines("zh")[0].endswith("该客服没有等级（请提供含等级列的花名册）")


def test_JX407_a_pay_table_without_the_agent_s_grade_names_the_grades_there_are_S0_6(s0):
    error = failure(s0, s0_agent("a1", 10000, grade="A9"))
    assert error.code == "JX407"
    assert str(error).endswith("grade 'A9' has no entry; the table has A0, A1, A2, A3, A4")


def test_JX411_a_month_before_the_policy_takes_effect(s0):
    error = failure(s0, s0_agent("a1", 10000, period="2020-01"))
    assert error.code == "JX411"
    assert str(error).endswith("takes effect 2026-10-01; period 2020-01 is before it")


@pytest.mark.parametrize(("exc", "derived", "code", "en"), [
    (ZeroDivisionError(), False, "JX402", "division by zero: a divisor here is 0 for this agent"),
    (decimal.Overflow(), False, "JX403", "the number is too large"),
    (decimal.InvalidOperation(), False, "JX404", "invalid arithmetic (a negative number to a fractional power"),
    (TypeError("unsupported"), False, "JX405", "text and numbers were mixed in arithmetic or comparison"),
    (PowerTooLarge("Sorry! I don't want to evaluate 10 ** 1000"), False, "JX408",
     "Sorry! I don't want to evaluate 10 ** 1000"),
    (RuntimeError("something else"), False, "JX413", "something else"),
    (RuntimeError(), False, "JX413", "RuntimeError"),
])
def test_each_failure_inside_a_step_has_its_code(exc, derived, code, en):
    """What `evaluate` names when a step fails: its code, and why in both languages."""
    found, reason = _reason(exc, None)
    assert found == code
    assert reason.en.startswith(en) and reason.zh


def test_JX409_JX410_population_failures_carry_their_codes(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(policy(RANKING + "    among: role\n"), encoding="utf-8")
    plan = prepare(str(path))[0]
    with pytest.raises(EvaluationError) as caught:
        evaluate_period(plan, [AgentInput("a1", "2026-10", {"points": Decimal(1), "sales": Decimal(1),
                                                                "campaign": Decimal(0)})])
    assert caught.value.code == "JX409"
    path.write_text(policy(TEAM_SALES.replace("stat: sum", "stat: mean"), TEAM_BONUS), encoding="utf-8")
    plan = prepare(str(path))[0]
    with pytest.raises(EvaluationError) as caught:
        evaluate_period(plan, [AgentInput("s1", "2026-10", {"points": Decimal(80), "sales": Decimal(1),
                                                                "campaign": Decimal(0)}, team="A", role="supervisor")])
    assert caught.value.code == "JX410"
    assert str(caught.value).endswith("mean of 'team_own_sales' over team 'A': nobody is counted (declare empty: to "
                                      "choose a value)")
    for over, en, zh in (("role", "over role 'supervisor'", "在岗位 'supervisor' 中"), ("shop", "over the shop",
                                                                                    "在全店中")):
        path.write_text(policy(TEAM_SALES.replace("stat: sum", "stat: mean").replace("over: team", f"over: {over}"),
                               TEAM_BONUS), encoding="utf-8")
        plan = prepare(str(path))[0]
        with pytest.raises(EvaluationError) as caught:
            evaluate_period(plan, [AgentInput("s1", "2026-10", {"points": Decimal(80), "sales": Decimal(1),
                                                                    "campaign": Decimal(0)}, team="A",
                                              role="supervisor")])
        assert caught.value.code == "JX410"
        assert f"mean of 'team_own_sales' {en}: nobody is counted" in str(caught.value)
        assert f"'team_own_sales' {zh}没有任何计入的客服，无法计算平均值" in caught.value.lines("zh")[0]


def test_JX412_no_minimum_wage_in_force_L_4():
    """S4's policy dates Shanghai's minimum wage (L.4); a month before the first date has none."""
    plan = prepare(str(S4))[0]
    first = plan.deductions.minimum_wage[0][0]
    before = f"{int(first[:4]) - 1}{first[4:7]}"
    with pytest.raises(EvaluationError) as caught:
        penalty_block(plan, plan.inputs, [AgentInput("a1", before, {})], {}, {})
    assert caught.value.code == "JX412"
    assert str(caught.value) == (f"{S4}: deductions: minimum_wage has no amount in force in {before} (the first is "
                                 f"from {first}); declare the minimum wage that applied then")


def test_JX414_roster_dates_that_leave_no_day_of_the_month():
    with pytest.raises(NotEmployed) as caught:
        days_block(("days_worked", "days_in_month"), [AgentInput("a1", "2026-10", {}, joined="2026-11-01")])
    assert caught.value.code == "JX414"
    assert str(caught.value) == ("a1: agent a1 is in the 2026-10 data, but the roster dates (joined 2026-11-01, "
                                 "left —) leave no day of that month; check the dates or the row")


def test_lookup_failures_carry_their_codes():
    from engine.policy.runtime import lookup

    with pytest.raises(LookupFailed) as caught:
        lookup({"A0": Decimal(1)}, None, "role")
    assert (caught.value.code, str(caught.value), caught.value.zh) == (
        "JX406", "the agent has no role (give a roster with a role column)", "该客服没有岗位（请提供含岗位列的花名册）")


EVALUATION_TESTS = {
    "JX401": "test_JX401_division_by_zero_in_a_derived_value",
    "JX402": "test_each_failure_inside_a_step_has_its_code",
    "JX403": "test_each_failure_inside_a_step_has_its_code",
    "JX404": "test_each_failure_inside_a_step_has_its_code",
    "JX405": "test_each_failure_inside_a_step_has_its_code",
    "JX406": "test_JX406_a_pay_table_by_grade_and_the_agent_has_no_grade_S0_6",
    "JX407": "test_JX407_a_pay_table_without_the_agent_s_grade_names_the_grades_there_are_S0_6",
    "JX408": "test_each_failure_inside_a_step_has_its_code",
    "JX409": "test_JX409_JX410_population_failures_carry_their_codes",
    "JX410": "test_JX409_JX410_population_failures_carry_their_codes",
    "JX411": "test_JX411_a_month_before_the_policy_takes_effect",
    "JX412": "test_JX412_no_minimum_wage_in_force_L_4",
    "JX413": "test_each_failure_inside_a_step_has_its_code",
    "JX414": "test_JX414_roster_dates_that_leave_no_day_of_the_month",
}


def test_every_evaluation_code_has_a_case():
    assert set(EVALUATION_TESTS) == {code.value for code in Code if code.value.startswith("JX4")}
    assert all(callable(globals()[name]) for name in EVALUATION_TESTS.values())
