"""Hostile policies: YAML bombs refused before they expand, and hostile expressions in an
otherwise valid policy, which load and are then refused by `check` at their line.

Each refusal is located and within the CPU-time bound of tests/cpu_time.py (a policy may come
from another shop).
"""

from __future__ import annotations

import pytest

from engine.policy.check import check
from engine.policy.load import MAX_BYTES, MAX_DEPTH, MAX_DIAGNOSTICS, MAX_NODES, load_policy, load_text
from tests.cpu_time import cpu_bounded
from tests.policy.test_load import ATTENDANCE, NAME, S0_POLICY, bounded_refusal

# -- hostile inputs: each refused, located, within the CPU-time bound ---------------------------


def test_billion_laughs_alias_bomb_refused_before_expanding():
    lines = ["lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    found = bounded_refusal("\n".join(lines) + "\n")
    assert found[:3] == [("JX003", 1, 7), ("JX003", 2, 7), ("JX003", 2, 12)]
    assert {code for code, _, _ in found} == {"JX003"}
    assert len(found) == 10 + 9 * 9  # ten anchors, 81 aliases: nothing expanded


def test_merge_key_bomb_refused():
    lines = ["m0: &m0 {a: 1, b: 2}"]
    for i in range(1, 30):
        lines.append(f"m{i}: &m{i}\n  <<: [*m{i - 1}, *m{i - 1}]\n  k{i}: {i}")
    found = bounded_refusal("\n".join(lines) + "\n")
    assert ("JX005", 3, 3) in found
    assert found[:2] == [("JX003", 1, 5), ("JX003", 2, 5)]
    assert len(found) == MAX_DIAGNOSTICS


@pytest.mark.parametrize(
    ("text", "column"),
    [
        # libyaml ≥ 0.2.6 refuses deep flow nesting itself, before the parser reaches our limit.
        pytest.param("[" * 100_000, None, id="flow-lists"),
        pytest.param("{a: " * 100_000, 4 * MAX_DEPTH + 1, id="flow-mappings"),
        pytest.param("- " * 100_000 + "x\n", 2 * MAX_DEPTH + 1, id="block-lists"),
    ],
)
def test_100k_deep_nesting_refused_at_the_limit(text, column):
    found = bounded_refusal(text)
    if column is None:
        assert [(code, line) for code, line, _ in found] == [("JX006", 1)]
    else:
        assert found == [("JX006", 1, column)]


def test_many_nodes_refused_quickly():
    text = "a: {" + ", ".join(f"k{i}: {i}" for i in range(MAX_NODES)) + "}\n"
    found = bounded_refusal(text)
    assert [code for code, _, _ in found] == ["JX013"]


# -- hostile expressions in an otherwise valid policy: load, then `check` refuses ----------------


def s0_with_attendance(formula: str) -> tuple[str, int, int]:
    """The S0 policy with KPI 8's formula replaced; returns (text, line, column) of the value."""
    text = S0_POLICY.read_text(encoding="utf-8")
    assert text.count(ATTENDANCE) == 1
    before = text[: text.index(ATTENDANCE)]
    line = before.count("\n") + 1
    column = len(before) - before.rfind("\n") + len("formula: ")
    return text.replace(ATTENDANCE, "formula: " + formula), line, column


def test_s0_policy_checks_clean():
    """The baseline every hostile-expression case below starts from (S0.1-S0.6)."""
    assert list(check(load_policy(S0_POLICY))) == []


@pytest.mark.parametrize(
    ("formula", "code", "message"),
    [
        pytest.param(
            "'" + "1 + " * 262_144 + "1'",
            "JX203",
            "expression is 1048577 characters long; the limit is 1000",
            id="1MB-expression",
        ),
        pytest.param(
            "(4000000**100)**2",
            "JX215",
            "'(4000000**100)**2' cannot be computed: Sorry! I don't want to evaluate "
            "1.606938044258990275541962092E+660 ** 2",
            id="huge-power",
        ),
        pytest.param(
            "10**10**10",
            "JX202",
            "expression refused: the power after ** must be a number from -100 to 100 written out"
            " (at column 5 of the expression)",
            id="power-tower",
        ),
        pytest.param(
            "\"'x'.ljust(10**9)\"",
            "JX202",
            "expression refused: attribute access (.ljust) is not allowed"
            " (at column 1 of the expression)",
            id="string-ljust",
        ),
        pytest.param(
            "().__class__.__bases__",
            "JX202",
            "expression refused: attribute access (.__bases__) is not allowed"
            " (at column 1 of the expression)",
            id="dunder-bases",
        ),
        pytest.param(
            "\"__import__('os')\"",
            "JX202",
            "expression refused: function __import__() is not allowed; use min, max, abs"
            " (at column 1 of the expression)",
            id="dunder-import",
        ),
        pytest.param(
            "absences * 1e99999999999999999999",
            "JX202",
            "expression refused: number '1e99999999999999999999' is out of range"
            " (at column 12 of the expression)",
            id="literal-beyond-decimal",
        ),
    ],
)
def test_hostile_expression_loads_then_check_refuses_it_at_its_line(formula, code, message):
    text, line, column = s0_with_attendance(formula)
    with cpu_bounded():
        doc = load_text(text.encode(), NAME)
        found = [d.render() for d in check(doc)]
    assert found == [f"{NAME}:{line}:{column}: {code} {message}"]


def test_1mb_expression_is_below_the_file_limit():
    text, _, _ = s0_with_attendance("'" + "1 + " * 262_144 + "1'")
    assert 1_000_000 < len(text.encode()) < MAX_BYTES
