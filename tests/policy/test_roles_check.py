"""Checks of role pay and choice metrics on the S4 policy of test_roles (S4.1–S4.5 of docs/rules.md).

test_check holds one case per code; these are the variations of each rule: when a warning must
stay quiet, which conditions are decided by role alone, how the type checker treats text, and
that every new diagnostic speaks Chinese.
"""

from __future__ import annotations

import ast
import re

import pytest
from harness.cli import run

from engine.policy.check import check
from engine.policy.check_roles import _holds
from engine.policy.load import load_policy
from tests.policy.check_base import mutate
from tests.run.test_roles import S4

RAISED = ("trainee_supervisor: 1500, supervisor: 1500}", "trainee_supervisor: 1500, supervisor: 2100}")
FLOOR = """    floor:
      by: role
      values: {agent: 1500, trainee_supervisor: 1800, supervisor: 2000}
"""


@pytest.fixture
def diagnose(tmp_path):
    def run(*edits: tuple[str, str]):
        path = tmp_path / "policy.yaml"
        path.write_text(mutate(*edits, text=S4), encoding="utf-8")
        return [(d.code, d.line, d.message) for d in check(load_policy(path))], list(check(load_policy(path)))

    return run


def codes(*edits: tuple[str, str], diagnose) -> list[str]:
    return [code for code, _, _ in diagnose(*edits)[0]]


def test_the_s4_policy_is_clean(diagnose):
    assert diagnose()[0] == []


# -- JX243: a guarantee not above the role's base pay -------------------------------------------


def test_JX243_floor_table_below_base_names_both_lines_S4_5(diagnose):
    """Supervisor base 2100 with a 2000 floor: the guarantee can never top up (S4.5)."""
    found, full = diagnose(RAISED)
    base = 1 + S4.splitlines().index("  base:")
    assert [(c, m) for c, _, m in found] == [(
        "JX243", f"guarantee 2000 for role 'supervisor' is not above that role's base pay 2100 (base, line {base}), "
        "so it can never top anything up")]
    (diagnostic,) = full
    assert diagnostic.severity == "warning"
    assert diagnostic.zh == (f"岗位 'supervisor' 的保底 2000 不高于该岗位的底薪 2100（base，第 {base} 行），"
                             "这个保底永远不会发挥作用")
    assert S4.splitlines()[diagnostic.line - 1].strip().startswith("values: {agent: 1500")


def test_JX243_constant_floor_compared_with_each_role(diagnose):
    found, _ = diagnose((FLOOR, "    floor: 1500\n"))
    # 1500 is not above the supervisors' 1500 base: warned for both of them, not for the agent.
    assert [m.split(" is ")[0] for c, _, m in found] == ["guarantee 1500 for role 'trainee_supervisor'",
                                                          "guarantee 1500 for role 'supervisor'"]


@pytest.mark.parametrize("edit", [
    ("    key: role\n", "    key: role\n    when: score > 0\n"),   # the base may not be paid
    ("    roles: [agent, trainee_supervisor, supervisor]\n    floor:",
     "    roles: [agent]\n    floor:"),                              # the floor only applies to agents
])
def test_JX243_stays_quiet_when_the_floor_can_bind(diagnose, edit):
    found, _ = diagnose(RAISED, edit)
    assert found == []


def test_JX243_stays_quiet_when_a_gate_can_cancel_the_base(diagnose):
    found, _ = diagnose(
        RAISED,
        ("score:\n  total: 100\n", "score:\n  total: 100\n  gates:\n    absent:\n      label: 缺勤\n"
         "      when: score < 10\n      cancels: [base]\n"),
    )
    assert found == []


# -- JX244: a `when` no listed role can satisfy -------------------------------------------------


@pytest.mark.parametrize(("when", "warned"), [
    ("role == 'agent'", True),
    ("'agent' == role", True),
    ("role != 'trainee'", True),
    ("role in ('agent', 'supervisor')", True),
    ("role not in ('trainee',)", True),
    ("assessment == 'excellent' and role == 'agent'", True),
    ("not (role == 'trainee')", True),
    ("assessment == 'excellent' or role == 'agent'", False),
    ("role == 'trainee'", False),
    ("assessment == 'excellent'", False),
])
def test_JX244_when_decided_by_role_alone_S4_1(diagnose, when, warned):
    found, _ = diagnose(("    roles: [trainee, agent]\n    when: assessment == 'excellent'\n",
                         f"    roles: [trainee]\n    when: \"{when}\"\n"))
    assert [c for c, _, _ in found] == (["JX244"] if warned else [])


def test_holds_is_three_valued():
    tree = ast.parse("role == 'agent' or sales > 1", mode="eval").body
    assert _holds(tree, "agent") is True
    assert _holds(tree, "trainee") is None
    assert _holds(ast.parse("role < 'b'", mode="eval").body, "a") is None


# -- roles and tables ---------------------------------------------------------------------------


def test_table_with_roles_needs_only_those_roles(diagnose):
    found, _ = diagnose(("    values: {trainee: 1000, agent: 1200, trainee_supervisor: 1500, supervisor: 1500}\n",
                         "    roles: [trainee, agent]\n    values: {trainee: 1000, agent: 1200}\n"))
    assert found == []
    found, _ = diagnose(("    values: {trainee: 1000, agent: 1200, trainee_supervisor: 1500, supervisor: 1500}\n",
                         "    roles: [trainee, agent]\n    values: {trainee: 1000}\n"))
    assert [(c, m) for c, _, m in found] == [("JX210", "no amount for role 'agent'")]


def test_floor_table_without_roles_list_needs_every_role(diagnose):
    found, _ = diagnose(("    roles: [agent, trainee_supervisor, supervisor]\n    floor:", "    floor:"))
    assert [(c, m) for c, _, m in found] == [("JX210", "no floor for role 'trainee'")]


def test_roles_without_a_roles_section(tmp_path):
    text = mutate(("roles:\n  trainee:", "roles_gone:\n  trainee:"), text=S4)
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    found = [(d.code, d.message) for d in check(load_policy(path))]
    assert ("JX210", "paying by role needs a 'roles:' section in the policy") in found
    assert ("JX210", "a floor by role needs a 'roles:' section in the policy") in found


def test_floor_by_grade_must_cover_every_grade(diagnose):
    found, _ = diagnose(
        ("metrics:\n", "grades:\n  G1: {label: 一级}\n  G2: {label: 二级}\n\nmetrics:\n"),
        (FLOOR, "    floor: {by: grade, values: {G1: 1500}}\n"),
    )
    assert [(c, m) for c, _, m in found] == [("JX210", "no floor for grade 'G2'")]


# -- choice metrics in expressions --------------------------------------------------------------


@pytest.mark.parametrize(("formula", "message"), [
    ("assessment + 1", "arithmetic needs a number, not text"),
    ("100 if assessment > 'pass' else 0", "'<', '>' needs a number, not text"),
    ("100 if assessment == 1 else 0", "cannot compare text with a number"),
    ("assessment", "the expression gives text where a number is needed"),
])
def test_choice_metric_is_text_to_the_type_checker(diagnose, formula, message):
    found, _ = diagnose(("formula: \"100 if assessment == 'excellent' else (60 if assessment == 'pass' else 0)\"",
                         f'formula: "{formula}"'))
    assert [c for c, _, _ in found] == ["JX225"]
    assert message in found[0][2]


def test_choice_comparison_with_a_tuple_of_values(diagnose):
    found, _ = diagnose(("when: assessment == 'excellent'", "when: assessment in ('excellent', 'pass')"))
    assert found == []
    found, _ = diagnose(("when: assessment == 'excellent'", "when: assessment in ('excellent', 'good')"))
    assert [(c, m) for c, _, m in found] == [("JX241", "'good' is not a declared value of assessment; "
                                              "compare with a value's id")]


# -- Chinese ------------------------------------------------------------------------------------


CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("edits", [
    [RAISED],                                                                                               # JX243
    [("    when: assessment == 'excellent'\n", "    when: role == 'supervisor'\n")],                       # JX244
    [("when: assessment == 'excellent'", "when: assessment == 'good'")],                                   # JX241
    [("    roles: [agent]\n", "    roles: [agnet]\n")],                                                   # JX210
    [("    type: choice\n", "    type: choice\n    missing: ok\n")],                                      # JX242
])
def test_every_new_diagnostic_speaks_chinese(diagnose, edits):
    _, found = diagnose(*edits)
    assert found
    for diagnostic in found:
        assert CHINESE.search(diagnostic.zh), diagnostic.render()
        if diagnostic.hint:
            assert CHINESE.search(diagnostic.zh_hint), diagnostic.render()


def test_validate_prints_the_chinese_by_default(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(mutate(("when: assessment == 'excellent'", "when: assessment == '优秀'"), text=S4),
                    encoding="utf-8")
    result = run("validate", path)
    assert result.exit_code == 1
    assert "JX241 '优秀' 不是 assessment 已声明的取值；比较时请写取值的标识（id）" in result.output
    assert "是不是想写 'excellent'？" in result.output


def test_missing_written_as_a_label_suggests_the_id(diagnose):
    found, full = diagnose(("    type: choice\n", "    type: choice\n    missing: 合格\n"))
    assert [(c, m) for c, _, m in found] == [
        ("JX242", "missing of choice metric 'assessment' names no declared value: '合格'")]
    assert full[0].hint == "did you mean 'pass'?"
    assert full[0].zh_hint == "是不是想写 'pass'？"
