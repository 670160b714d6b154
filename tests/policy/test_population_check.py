"""Checks of population values and rankings: loops through a ranking (JX229), a ranking read by
a pay component written before its measure (JX230), groups that are always empty (JX231), and
the usual expression checks on `of`, `where` and `ties.by` (S1.5)."""

from __future__ import annotations

import pytest

from engine.policy.check import check
from engine.policy.load import load_policy
from tests.run.population_policies import PRIZE, RANKING, policy


@pytest.fixture
def diagnose(tmp_path):
    def run(text: str):
        path = tmp_path / "policy.yaml"
        path.write_text(text, encoding="utf-8")
        return list(check(load_policy(path)))

    return run


def where(text: str, fragment: str) -> tuple[int, int]:
    lines = text.splitlines()
    line = next(i for i, value in enumerate(lines, 1) if fragment in value)
    return line, lines[line - 1].index(fragment.strip()) + 1


def test_ranking_policy_checks_clean_S1_5(diagnose):
    assert diagnose(policy()) == []


def test_population_names_are_readable_from_any_stage(diagnose):
    """A derived value may read a team's mean of the score: the phases put it after the score."""
    text = policy(RANKING + """
population:
  team_mean:
    label: {zh: 组平均分, en: Team mean score}
    of: score
    stat: mean
    over: team
""").replace("    formula: sales - campaign\n", "    formula: sales - campaign\n  gap:\n"
             "    label: {zh: 与组均分之差, en: Gap to team mean}\n    formula: score - team_mean\n")
    found = diagnose(text)
    # a derived value may not read the score itself (JX217), but through a population value it may
    assert [d.code for d in found] == ["JX217"]


def test_JX229_a_ranking_over_a_measure_that_reads_it(diagnose):
    text = policy(RANKING.replace("of: score", "of: prize"))
    (found,) = diagnose(text)
    assert found.code == "JX229"
    assert (found.line, found.column) == where(text, "  monthly:")
    assert found.message == "'monthly' reads its own result: monthly -> prize -> monthly_place"
    assert found.zh == "'monthly' 读取了它自己的结果，形成循环：monthly -> prize -> monthly_place"
    assert found.zh_hint == "请对不依赖此结果的数值排名或统计"


def test_JX229_through_a_derived_value_and_a_population(diagnose):
    text = policy("""
population:
  team_gap:
    label: {zh: 组内差距合计, en: Team gap}
    of: gap
    stat: sum
""").replace("    formula: sales - campaign\n", "    formula: sales - campaign\n  gap:\n"
             "    label: {zh: 差距, en: Gap}\n    formula: sales - team_gap\n")
    found = diagnose(text.replace(PRIZE, ""))
    assert [(d.code, d.message) for d in found] == [
        ("JX229", "'team_gap' reads its own result: team_gap -> gap -> team_gap")]


def test_JX230_a_component_reads_a_ranking_over_a_component_written_after_it(diagnose):
    later = PRIZE + """\
  commission:
    label: {zh: 提成, en: Commission}
    kind: commission
    base: sales
    rate: 0.01
"""
    text = policy(RANKING.replace("of: score", "of: commission"), later)
    (found,) = diagnose(text)
    assert found.code == "JX230"
    assert (found.line, found.column) == where(text, "  prize:")
    assert found.message == "'prize' reads 'monthly_place', which is taken over 'commission', written after 'prize'"
    assert found.zh == "'prize' 读取了 'monthly_place'，而它统计的是在 'prize' 之后才计算的 'commission'"
    assert found.hint == "move 'commission' above 'prize'"


def test_JX231_a_condition_that_is_always_false(diagnose):
    text = policy(RANKING + "    where: 1 > 2\n")
    (found,) = diagnose(text)
    assert found.code == "JX231"
    assert (found.line, found.column) == where(text, "1 > 2")
    assert found.message == "the condition of 'monthly' is always false, so its group is empty"
    assert found.zh == "'monthly' 的条件永远不成立，统计的人群永远为空"


def test_JX231_a_role_group_without_roles(diagnose):
    text = policy(RANKING + "    among: role\n").replace(
        "roles:\n  agent: {label: {zh: 客服, en: Agent}}\n  supervisor: {label: {zh: 主管, en: Supervisor}}\n", "")
    (found,) = diagnose(text)
    assert found.code == "JX231"
    assert (found.line, found.column) == where(text, "among: role")
    assert found.message == "'monthly' is taken per role, but the policy declares no roles"
    assert found.zh == "'monthly' 按岗位分组，但方案没有声明任何岗位（roles:）"


def test_unknown_role_in_a_condition_is_JX210(diagnose):
    text = policy(RANKING + "    where: role != 'supervsor'\n")
    (found,) = diagnose(text)
    assert (found.code, found.message, found.zh) == ("JX210", "unknown role 'supervsor'", "未知的 role 'supervsor'")


@pytest.mark.parametrize(("edit", "code", "message"), [
    ("    where: score\n", "JX225", "the expression gives a number where true/false is needed"),
    ("    ties: {by: role}\n", "JX225", ""),
    ("    where: scor > 1\n", "JX201", "unknown name 'scor' in expression"),
])
def test_expressions_of_a_ranking_are_checked(diagnose, edit, code, message):
    found = diagnose(policy(RANKING + edit))
    assert [d.code for d in found] == [code]
    assert message in found[0].message


@pytest.mark.parametrize(("top", "message", "zh"), [
    ("{percent: 30}", "the top 30 % of 'monthly' needs rounding: floor, ceil or nearest",
     "'monthly' 的前 30 % 需要写明取整方式 rounding: floor（向下）、ceil（向上）或 nearest（四舍五入）"),
    ("{count: 3, percent: 30}", "the top of 'monthly' needs exactly one of count or percent",
     "'monthly' 的 top 必须且只能写 count（人数）或 percent（百分比）其中之一"),
    ("{}", "the top of 'monthly' needs exactly one of count or percent",
     "'monthly' 的 top 必须且只能写 count（人数）或 percent（百分比）其中之一"),
    ("{count: 3, rounding: ceil}", "rounding of 'monthly' belongs to a percent top, not a count",
     "'monthly' 的 rounding 只用于 percent，不用于 count"),
])
def test_JX232_top_is_a_count_or_a_percentage_with_declared_rounding(diagnose, top, message, zh):
    """S1.5's "top 30 %" of 12 agents is 3.6 places: the policy must say how that rounds."""
    (found,) = diagnose(policy(RANKING.replace("{percent: 30, rounding: floor}", top)))
    assert (found.code, found.message, found.zh) == ("JX232", message, zh)


@pytest.mark.parametrize("top", ["{percent: 0, rounding: floor}", "{percent: 101, rounding: floor}", "{count: 0}"])
def test_top_out_of_range_is_a_schema_error(diagnose, top):
    found = diagnose(policy(RANKING.replace("{percent: 30, rounding: floor}", top)))
    assert [d.code for d in found] == ["JX104"]


def test_a_ranking_name_cannot_repeat_another_name(diagnose):
    text = policy(RANKING + """
population:
  monthly_place:
    label: {zh: 重名, en: Clash}
    of: score
    stat: sum
""")
    assert [d.code for d in diagnose(text)] == ["JX212"]


def test_JX229_through_a_gate_that_cancels_the_measure(diagnose):
    """A gate reading the ranking cancels the component the ranking is over: a loop."""
    later = """\
  commission:
    label: {zh: 提成, en: Commission}
    kind: commission
    base: sales
    rate: 0.01
"""
    text = policy(RANKING.replace("of: score", "of: commission"), later).replace(
        "  total: 100\n", "  total: 100\n  gates:\n    not_top:\n      label: {zh: 未进前列, en: Not in the top}\n"
        "      when: not monthly_top\n      cancels: [commission]\n")
    found = diagnose(text)
    assert [(d.code, d.message) for d in found] == [
        ("JX229", "'monthly' reads its own result: monthly -> commission -> not_top -> monthly_top")]


def test_the_compiler_refuses_a_loop_the_checks_missed():
    """Defence in depth: phases are never guessed for a loop (PhaseLoop, not a hang)."""
    from engine.policy.phases import PhaseLoop, slot_phases

    with pytest.raises(PhaseLoop):  # step 1 reads population value 2, taken over step 1
        slot_phases({1: (2,), 2: (1,)}, {2}, 3)
    assert slot_phases({1: (0,), 3: (2, 1), 2: (1,)}, {2}, 4) == [0, 0, 1, 1]


ASSESSMENT = """  assessment:
    label: {zh: 考核结果, en: Assessment}
    type: choice
    values:
      excellent: {label: {zh: 优秀, en: Excellent}}
      pass: {label: {zh: 合格, en: Pass}}

derived:"""


def with_assessment(text: str) -> str:
    return text.replace("\nderived:", "\n" + ASSESSMENT, 1)


@pytest.mark.parametrize(("population", "fragment"), [
    (RANKING.replace("of: score", "of: assessment"), "of: assessment"),
    (RANKING.replace("    top:", "    ties: {by: assessment}\n    top:"), "ties: {by: assessment}"),
    ("\npopulation:\n  best:\n    label: {zh: 最好结果, en: Best}\n    of: assessment\n    stat: max\n",
     "of: assessment"),
], ids=["ranking-of", "ranking-tie-break", "statistic-of"])
def test_a_choice_metric_is_not_a_measure_of_a_ranking_or_statistic_S1_5(diagnose, population, fragment):
    """考核结果 holds a value's id (优秀 / 合格), not an amount: ranking it or taking its max is a
    type error at the expression (like an aggregate of it, JX240), never an order of the texts."""
    text = with_assessment(policy(population, "" if "best" in population else PRIZE))
    (found,) = diagnose(text)
    assert found.code == "JX225"
    line, _ = where(text, fragment)
    assert (found.line, found.column) == (line, text.splitlines()[line - 1].index("assessment") + 1)
    assert found.message == "the expression gives text where a number is needed (at column 1 of the expression)"
    assert found.zh == "表达式的结果是文本，这里需要数字（表达式第 1 列）"
    assert found.hint == "text has no amount: turn it into one, e.g. 100 if assessment == '…' else 0"
    assert found.zh_hint == "文本没有数值：请换算成数字，如 100 if assessment == '…' else 0"


def test_a_choice_metric_counts_in_a_condition_and_as_a_number_it_is_turned_into(diagnose):
    """Compared with a declared value, a choice metric may pick who is counted or ranked (S1.5)."""
    ranking = RANKING.replace("    of: score\n", "    of: score\n    where: assessment == 'excellent'\n")
    count = ("\npopulation:\n  excellent_count:\n    label: {zh: 优秀人数, en: Excellent}\n"
             "    of: \"1 if assessment == 'excellent' else 0\"\n    stat: sum\n")
    text = with_assessment(policy(ranking + count))
    assert diagnose(text) == []
    (found,) = diagnose(text.replace("assessment == 'excellent'\n", "assessment == 'excelent'\n", 1))
    assert (found.code, found.message) == ("JX241", "'excelent' is not a declared value of assessment; "
                                           "compare with a value's id")
