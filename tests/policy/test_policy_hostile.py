"""Untrusted policies: whatever validates clean evaluates without a traceback, and nothing hangs.

Each family from the untrusted-input issue has a regression here: an empty minimum, control
characters, one-argument min/max, tiny rounding quanta, names that repeat report columns,
booleans and text in arithmetic, huge lists, cycle chains and did-you-mean over thousands of
names. Guards against hanging bound the CPU time (tests/cpu_time.py); everything else asserts the
exact code and place.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from harness.plans import compile_text, only, pay

from engine.policy.check import MAX_DIAGNOSTICS, check
from engine.policy.load import load_text
from tests.cpu_time import cpu_bounded
from tests.policy.check_base import loc, mutate
from tests.run.test_evaluate import shop, shop_agent

D = Decimal


def diagnose(text: str) -> list:
    return list(check(load_text(text.encode(), "policy.yaml")))


def bounded(text: str) -> list:
    """The diagnostics of `text`, found within the CPU-time bound (a blow-up fails, a busy machine does not)."""
    with cpu_bounded():
        return diagnose(text)


def only_code(text: str, code: str):
    found = diagnose(text)
    assert [d.code for d in found] == [code], [d.render() for d in found]
    return found[0]


# -- a minimum with nothing before it ----------------------------------------------------------

FLOOR_FIRST = """\
guarantee:
  label: {zh: 保底, en: Floor}
  kind: minimum
  floor: 1500
bonus:
  label: {zh: 奖金, en: Bonus}
  kind: fixed
  amount: 100
"""


def test_minimum_first_without_of_validates_and_pays_the_whole_floor_S4_2(tmp_path: Path) -> None:
    """S4.2: a floor tops pay up to 1500; with nothing counted before it, it pays all 1500."""
    plan = compile_text(tmp_path, shop(FLOOR_FIRST))
    result = only(plan, shop_agent())
    assert pay(result, "guarantee") == D("1500.00")
    assert result.total == D("1600.00")
    assert "v" in plan.source and " = \n" not in plan.source


# -- control characters -------------------------------------------------------------------------


def test_control_character_in_a_label_is_refused_where_it_is() -> None:
    text = mutate(("label: {zh: 实际销售额, en: Actual sales}", 'label: {zh: "\\abell", en: Actual sales}'))
    with pytest.raises(Exception) as caught:
        diagnose(text)
    (found,) = caught.value.diagnostics
    assert (found.code, found.line, found.column) == ("JX012", *loc(text, '"\\abell"', '"'))


# -- min/max/abs arity -------------------------------------------------------------------------


@pytest.mark.parametrize(("formula", "column"), [("min(absences)", 1), ("10 - max(absences)", 6)])
def test_min_and_max_need_two_arguments(formula: str, column: int) -> None:
    text = mutate(("formula: 10 - 5 * absences", f"formula: {formula}"))
    found = only_code(text, "JX202")
    assert (found.line, found.column) == loc(text, f"formula: {formula}", formula.split()[0])
    assert f"at column {column} of the expression" in found.message
    assert found.zh.startswith("表达式不被接受")


# -- rounding quantum and score precision -------------------------------------------------------


@pytest.mark.parametrize("quantum", ["1e-27", "0.00001", "10", "100"])
def test_quantum_outside_1_to_0_0001_is_refused(quantum: str) -> None:
    text = mutate(("quantum: 0.01", f"quantum: {quantum}"))
    found = only_code(text, "JX220")
    assert (found.line, found.column) == loc(text, f"quantum: {quantum}", quantum)


def test_score_precision_outside_1_to_0_0001_is_refused() -> None:
    text = mutate(("  precision: 0.01", "  precision: 1e-27"))
    assert only_code(text, "JX220").line == loc(text, "  precision: 1e-27")[0]


def test_smallest_quantum_evaluates(tmp_path: Path) -> None:
    plan = compile_text(tmp_path, shop("paid: {label: 工资, kind: formula, formula: sales / 3}\n",
                                       rounding="{quantum: 0.0001}"))
    assert pay(only(plan, shop_agent(sales=100)), "paid") == D("33.3333")


# -- names that repeat report columns or trace steps ---------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "token"),
    [
        pytest.param("  attendance:\n", "  score:\n", "score", id="kpi-named-score"),
        pytest.param("  attendance:\n", "  total:\n", "total", id="kpi-named-total"),
        pytest.param("  guarantee:\n", "  total:\n", "total", id="pay-named-total"),
        pytest.param("  guarantee:\n", "  name:\n", "name", id="pay-named-name"),
        pytest.param("  absences:\n", "  period:\n", "period", id="metric-named-period"),
    ],
)
def test_JX212_report_columns_are_reserved(old: str, new: str, token: str) -> None:
    text = mutate((old, new))
    found = [d for d in diagnose(text) if d.code == "JX212"]
    following = text[text.index(new) + len(new):].split("\n", 1)[0]
    assert [(d.line, d.column) for d in found] == [loc(text, new + following, token)]
    assert found[0].message == f"'{token}' is a reserved name"


def test_JX212_kpi_and_pay_component_may_not_share_a_column() -> None:
    text = mutate(("  guarantee:\n", "  attendance:\n"))
    found = only_code(text, "JX212")
    assert (found.line, found.column) == loc(text, "  attendance:\n    label: {zh: 保底工资", "attendance")


# -- types: booleans and text in arithmetic ------------------------------------------------------


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("(True+True+True)**(True+True)**21", "the power after ** must be a number from -100 to 100 written out"),
        ("(True+True+True)**21", "arithmetic needs a number, not true/false"),
        ("10 - absences * (True+True)**21", "arithmetic needs a number, not true/false"),
        ("-True", "a sign needs a number, not true/false"),
        ("absences and 1", "'and'/'or' needs true/false, not a number"),
        ("not absences", "'not' needs true/false, not a number"),
        ("1 if absences else 0", "the condition after 'if' needs true/false, not a number"),
        ("1 if absences > 1 else absences > 2", "both sides of 'if … else' must give the same type"),
        ("min(absences > 1, 2)", "min/max/abs needs a number, not true/false"),
        ("absences > 1", "the expression gives true/false where a number is needed"),
        ("(absences > 1) < 2", "'<', '>' needs a number, not true/false"),
        ("10 if (absences > 1) == 1 else 0", "cannot compare true/false with a number"),
    ],
)
def test_JX225_types_are_checked_before_anything_is_computed(formula: str, message: str) -> None:
    text = mutate(("formula: 10 - 5 * absences", f'formula: "{formula}"'))
    found = bounded(text)
    assert [d.code for d in found] in (["JX225"], ["JX202"]), [d.render() for d in found]
    assert message in found[0].message
    assert found[0].zh


def test_JX225_text_in_arithmetic_is_refused() -> None:
    text = mutate(("when: score < 60", 'when: "rating * (2 ** 100) == 1"'))
    found = bounded(text)
    assert [d.code for d in found] == ["JX225"]
    assert found[0].message.startswith("arithmetic needs a number, not text")


def test_JX225_a_condition_must_be_true_or_false() -> None:
    text = mutate(("when: score < 60", "when: score"))
    found = only_code(text, "JX225")
    assert found.message == "the expression gives a number where true/false is needed (at column 1 of the expression)"
    assert found.hint == "compare it, e.g. x > 0"


# -- sizes: lists, mappings, cycles, suggestions, the number of diagnostics ----------------------


def test_long_alias_list_is_refused_quickly() -> None:
    aliases = ", ".join(f"别名{i}" for i in range(1000))
    text = mutate(("    type: ratio\n", f"    type: ratio\n    aliases: [{aliases}]\n"))
    found = bounded(text)
    assert [d.code for d in found] == ["JX104"]
    assert found[0].message == "metrics.reply_rate.aliases: has more than 100 entries"


def derived_chain(count: int) -> str:
    """`count` derived metrics d0 → d1 → … → d(count-1) → d0, each also reading d0."""
    lines = [f"  d{i}: {{label: x, formula: d{(i + 1) % count} + d0}}\n" for i in range(count)]
    return mutate(("derived:\n", "derived:\n" + "".join(lines)))


def test_cycle_chain_is_one_short_diagnostic_found_in_linear_time() -> None:
    found = bounded(derived_chain(999))
    cycles = [d for d in found if d.code == "JX211"]
    assert len(cycles) == 1
    assert cycles[0].message == (
        "derived metrics form a cycle: d0 -> d1 -> d2 -> d3 -> d4 -> d5 -> d6 -> d7 -> d8 -> d9"
        " … and 989 more -> d0"
    )
    assert len(cycles[0].zh) < 200


def test_JX227_diagnostics_are_capped_with_a_summary() -> None:
    """400 unknown names (each with a did-you-mean search over 400 more) answer within the CPU bound, capped."""
    metrics = "".join(f"  metric_number_{i}: {{label: m{i}, type: number}}\n" for i in range(400))
    derived = "".join(f"  x{i}: {{label: x, formula: metric_numbr_{i} + 1}}\n" for i in range(400))
    text = mutate(("metrics:\n", "metrics:\n" + metrics), ("derived:\n", "derived:\n" + derived))
    found = bounded(text)
    assert len(found) == MAX_DIAGNOSTICS + 1
    summary = found[-1]
    assert summary.code == "JX227"
    assert summary.message == f"… and {400 - MAX_DIAGNOSTICS:,} more problems (only the first 200 are shown)"
    assert summary.zh == "……另有 200 个问题（只显示前 200 个）"
    assert found[0].hint == "did you mean 'metric_number_0'?"


def test_JX227_counts_thousands() -> None:
    derived = "".join(f"  x{i}: {{label: x, formula: unknown_{i}}}\n" for i in range(499))
    text = mutate(("derived:\n", "derived:\n" + derived))
    found = bounded(text)
    assert found[-1].message.startswith("… and 299 more problems")


def test_largest_loadable_policy_full_of_unknown_names_checks_within_the_cpu_bound() -> None:
    """999 metrics, 999 derived in one loop reading 3 unknown names each, 999 KPIs: the loader's
    limits let it through; schema, cycle search and did-you-mean stay bounded."""
    metrics = "".join(f"  metric_number_{i}: {{label: m{i}, type: number}}\n" for i in range(999))
    derived = "".join(f"  d{i}: {{label: x, formula: metric_numbr_{i} + metric_numbe_{i} + zz{i} + d{(i + 1) % 999}}}\n"
                      for i in range(999))
    kpis = "".join(f"  k{i}: {{label: x, weight: 1, formula: d{i} + unknown_{i}}}\n" for i in range(999))
    text = (f"jixiao: 1\npolicy: {{id: x, version: '1', name: x, effective_from: 2026-01-01}}\nmetrics:\n{metrics}"
            f"derived:\n{derived}kpis:\n{kpis}score: {{total: 100}}\npay:\n  p: {{label: x, kind: fixed, amount: 1}}\n")
    found = bounded(text)
    assert len(found) == MAX_DIAGNOSTICS + 1
    assert found[0].message == "metrics: has more than 500 entries"
    assert found[-1].message == "… and 3,801 more problems (only the first 200 are shown)"
