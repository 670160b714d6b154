"""A key moved one level left is one error (JX226) that says to indent it, not half a dozen."""

from __future__ import annotations

import pytest

from engine.errors import PolicyError
from tests.policy.check_base import loc, mutate
from tests.policy.test_policy_hostile import diagnose


def test_dedented_last_key_weight_is_one_error_and_the_weight_sum_is_not_repeated() -> None:
    text = mutate(("    weight: 10\n    formula: 10 - 5 * absences\n",
                   "    formula: 10 - 5 * absences\n  weight: 10\n"))
    (found,) = diagnose(text)
    assert (found.code, found.line, found.column) == ("JX226", *loc(text, "  weight: 10", "weight"))
    assert found.message == "'weight' looks like part of KPI 'attendance' above it: indent it under that KPI"
    assert found.zh == "'weight' 看起来属于上面的考核项 'attendance'：请把它缩进到该考核项之下"


def test_JX017_key_dedented_inside_a_block_is_named_on_its_own_line() -> None:
    """Mid-block, YAML itself fails on the *next* line; the loader names the dedented one."""
    text = mutate(("    weight: 40\n", "  weight: 40\n"))
    with pytest.raises(PolicyError) as caught:
        diagnose(text)
    (found,) = caught.value.diagnostics
    assert (found.code, found.line, found.column) == ("JX017", *loc(text, "  weight: 40", "weight"))
    assert found.message == (f"'weight' at line {found.line} is indented less than the keys around it: "
                             f"indent it 4 spaces like line {found.line + 1}")
    assert found.zh


def test_dedented_bands_is_one_error() -> None:
    text = mutate(("    bands:\n      - {to: 0.9, points: 0}\n      - {from: 0.9, to: 0.95, points: 10}\n"
                   "      - {from: 0.95, points: 20}\n",
                   "  bands:\n    - {to: 0.9, points: 0}\n    - {from: 0.9, to: 0.95, points: 10}\n"
                   "    - {from: 0.95, points: 20}\n"))
    assert [(d.code, d.message) for d in diagnose(text)] == [
        ("JX226", "'bands' looks like part of KPI 'reply_rate' above it: indent it under that KPI")]


def test_dedented_pay_key_is_one_error() -> None:
    text = mutate(("    of: [base, performance]\n", "  of: [base, performance]\n"))
    (found,) = diagnose(text)
    assert (found.code, found.line) == ("JX226", loc(text, "  of: [base")[0])
    assert found.message == ("'of' looks like part of pay component 'guarantee' above it: "
                             "indent it under that pay component")


def test_a_pay_component_named_like_a_key_is_still_a_component() -> None:
    """The base policy's pay component `base` shares its name with the commission key `base`:
    it has a label, so it is a component, not a misplaced key."""
    assert diagnose(mutate()) == []


def test_other_errors_of_the_entry_above_are_still_reported() -> None:
    text = mutate(("    linear: {from: 0.5, to: 1.0}", "  linear: {from: 0.5, to: 1.0}"),
                  ("    metric: attainment\n", "    metric: attainmnt\n"))
    assert sorted(d.code for d in diagnose(text)) == ["JX208", "JX226"]
