"""The compiled plan: named steps that cite their rule and policy line, and generated code that
holds no policy text (constants live in a table), the same for every compile of the same file.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from engine.model.plan import Plan
from engine.model.steps import Step
from engine.pipeline import prepare

ROOT = Path(__file__).resolve().parents[2]
S0 = ROOT / "policies" / "s0_shop.yaml"
S2 = ROOT / "policies" / "s2_commission.yaml"


@pytest.fixture(scope="module")
def s0() -> Plan:
    plan, warnings = prepare(str(S0))
    assert warnings == []
    return plan


def step(plan: Plan, name: str, kind: str | None = None) -> Step:
    return next(s for s in plan.steps if s.name == name and kind in (None, s.kind))


def line_of(path: Path, text: str, after: int = 0) -> int:
    """1-based number of the first line equal to `text` (or starting with it, if it ends in ':')."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if i > after and (line == text or line.startswith(text + " ")))


def test_steps_have_unique_names_and_slots_in_order(s0: Plan) -> None:
    # A KPI step is named `<id>_points`, the name expressions read it by, so it never clashes
    # with the metric it scores (conversion, first_response).
    names = [s.name for s in s0.steps]
    assert len(names) == len(set(names))
    assert tuple(s.name for s in s0.steps if s.kind == "kpi") == tuple(k + "_points" for k in s0.kpis)
    assert [s.slot for s in s0.steps] == list(range(len(s0.steps)))
    assert s0.kpis == ("sales_attainment", "conversion", "order_value", "reply_rate", "first_response",
                       "after_sales_cost", "after_sales_handled", "attendance")
    assert s0.pay == ("base", "performance")
    assert s0.inputs[-3:] == ("team_sales_per_capita", "role", "grade")


def test_performance_step_cites_s0_2_s0_3_and_its_policy_line(s0: Plan) -> None:
    """S0.2/S0.3: the commission step names both rules and the line of `performance:` itself."""
    performance = step(s0, "performance")
    assert performance.rule == ("S0.2", "S0.3")
    assert performance.kind == "pay:commission"
    pay_line = line_of(S0, "pay:")
    assert performance.line == line_of(S0, "  performance:", after=pay_line)
    # its parts are children of it, each on the line of its own key
    for part, key in (("base", "    base:"), ("on", "      on:"), ("rate", "      tiers:")):
        child = step(s0, f"performance.{part}")
        assert child.parent == performance.slot
        assert child.line == line_of(S0, key, after=performance.line)
    assert step(s0, "performance.rate").rule == ("S0.2", "S0.3")


@pytest.mark.parametrize(
    ("name", "rule", "path", "kind"),
    [
        # `path`: lines found one after another in the file; the step cites the last one
        ("base", ("S0.6",), ("pay:", "  base:"), "pay:table"),
        ("no_performance_pay", ("S0.5",), ("    no_performance_pay:", "      when:"), "gate"),
        ("team_sales_per_capita", ("S0.2",), ("  team_sales_per_capita:",), "aggregate"),
        ("sales_target", ("S0.4",), ("  sales_target:",), "team"),
        ("attainment", ("S0.1",), ("derived:", "  attainment:", "    formula:"), "derived"),
        ("first_response_points", ("S0.1", "S1.4", "S4.6"), ("kpis:", "  first_response:", "    linear:"), "kpi"),
        ("rating", ("S0.5",), ("score:", "  ratings:"), "rating"),
        ("first_response", ("S0.1",), ("metrics:", "  first_response:"), "metric"),
    ],
)
def test_steps_cite_rule_ids_and_lines(s0: Plan, name: str, rule: tuple[str, ...], path: tuple[str, ...],
                                       kind: str) -> None:
    found = step(s0, name, kind)
    assert found.rule == rule
    line = 0
    for text in path:
        line = line_of(S0, text, after=line)
    assert found.line == line


def test_every_step_line_is_inside_the_file(s0: Plan) -> None:
    count = len(S0.read_text(encoding="utf-8").splitlines())
    assert all(1 <= s.line <= count for s in s0.steps)


def code_of(source: str) -> str:
    """The generated source without its comments (`# step · rule · file:line`, what each line is)."""
    return "\n".join(line.partition("  # ")[0] for line in source.splitlines())


def test_generated_code_holds_no_policy_constants(s0: Plan) -> None:
    """Numbers and texts from the policy reach the code only as `_cN` references to a table."""
    source = code_of(s0.source)
    for literal in ("0.004", "0.002", "0.001", "1800", "3500", "1.2", "60", "0.5", "'probation'", "probation",
                    "excellent", "A0"):
        assert literal not in source
    # What may carry digits: slot variables, constant references, _0/_1, band-count guards and the
    # band index (`bisect_right(bounds, value) - 1`).
    rest = re.sub(r"0 <= v\d+ < \d+\b", "", source)
    rest = re.sub(r"\) - 1\)", "", rest)
    rest = re.sub(r"\b(?:v|_c|_t|_r)\d+\b|\b_[01]\b", "", rest)
    assert not re.search(r"\d", rest), rest


def test_constants_are_never_inlined_even_unusual_ones(tmp_path: Path) -> None:
    policy = tmp_path / "odd.yaml"
    policy.write_text(textwrap.dedent("""\
        jixiao: 1
        policy: {id: odd, version: "1", name: {zh: 奇, en: Odd}, effective_from: 2026-11-01}
        metrics:
          sales: {label: {zh: 销售额, en: Sales}, type: money}
        derived:
          scaled: {label: {zh: 换算, en: Scaled}, formula: sales * 1234.5678 + 9e2, on_zero_division: 7}
        kpis:
          k: {label: {zh: 分, en: Points}, weight: 100, formula: scaled / 31}
        score: {total: 100}
        pay:
          bonus: {label: {zh: 奖, en: Bonus}, kind: formula, formula: scaled * 0.000271828}
        """), encoding="utf-8")
    plan, _ = prepare(str(policy))
    for literal in ("1234", "5678", "9e2", "900", "31", "271828", "7"):
        assert literal not in re.sub(r"\b(?:v|_c|_t|_r)\d+\b", "", code_of(plan.source))


def test_two_compiles_of_one_file_generate_identical_code(tmp_path: Path) -> None:
    first, _ = prepare(str(S0))
    second, _ = prepare(str(S0))
    assert first.source == second.source
    assert first.steps == second.steps
    copy = tmp_path / "copy.yaml"
    shutil.copy(S0, copy)
    third, _ = prepare(str(copy))
    # The code does not depend on where the file lives; its comments name the file.
    assert code_of(third.source) == code_of(first.source)
    assert third.source == first.source.replace(S0.name, "copy.yaml")
    assert third.policy.sha256 == first.policy.sha256


def test_each_generated_assignment_maps_back_to_its_step(s0: Plan) -> None:
    """Errors are located by generated line (step_at): each `vN = …` line belongs to step N."""
    checked = 0
    for number, text in enumerate(s0.source.splitlines(), 1):
        match = re.match(r"\s+v(\d+) = ", text)
        if match and number > 2:
            assert s0.step_at(number) is s0.steps[int(match.group(1))]
            checked += 1
    assert checked >= 2 * (len(s0.steps) - len(s0.inputs))
    assert s0.step_at(1) is None and s0.step_at(10_000) is None


def test_s2_plan_has_no_aggregates_roles_or_grades() -> None:
    plan, warnings = prepare(str(S2))
    assert warnings == []
    assert plan.aggregates == ()
    assert plan.roles == {} and plan.grades == {}
    commission = step(plan, "commission")
    assert commission.rule == ("S2.3",)
    assert commission.line == line_of(S2, "  commission:", after=line_of(S2, "pay:"))
    assert "0.02" not in plan.source


def test_every_formula_is_written_in_both_languages_by_the_compiler(s0: Plan) -> None:
    """explain reads the compiler's own Chinese: no step has a formula in one language only."""
    for s in s0.steps:
        assert bool(s.formula) == bool(s.formula_zh), s.name
    assert step(s0, "base").formula_text("zh") == "按等级查底薪表"
    assert step(s0, "base").formula_text("en") == "base pay by grade"
