"""Population values of computed steps (team sums and means of values the policy computes), the
phases they split evaluation into, their trace, and the S1.5 ranking policy end to end."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from harness.cli import run
from harness.plans import compile_text, traced

from engine.model.inputs import AgentInput
from engine.report.explain import explain_text
from engine.run.evaluate import StepFailed, evaluate_period
from tests.run.population_policies import RANKING, policy

S1 = Path(__file__).resolve().parents[2] / "policies" / "s1_ranking.yaml"

TEAM_SALES = """
population:
  team_own_sales:
    label: {zh: 全组非活动销售额, en: Team sales without campaign}
    of: own_sales
    stat: sum
    over: team
    where: role != 'supervisor'
"""

TEAM_BONUS = """\
  team_bonus:
    label: {zh: 团队奖金, en: Team bonus}
    kind: fixed
    amount: 1000
    when: role == 'supervisor' and team_own_sales >= 1.5 * 3000
"""


def agent(name: str, team: str, role: str, sales: str, campaign: str = "0", points: str = "80") -> AgentInput:
    values = {"points": Decimal(points), "sales": Decimal(sales), "campaign": Decimal(campaign)}
    return AgentInput(name, "2026-10", values, team=team, role=role)


@pytest.mark.parametrize(("sales", "paid"), [("1999.99", "0.00"), ("2000", "1000.00"), ("2500", "1000.00")])
def test_team_sum_of_sales_without_campaign_against_150_percent_of_the_task(tmp_path, sales, paid):
    """A supervisor's team bonus reads the team's sales without campaign sales, supervisor excluded:
    three agents' own sales against 150 % of a 3000 task (campaign sales count for nothing here)."""
    plan = compile_text(tmp_path, policy(TEAM_SALES, TEAM_BONUS))
    items = [agent("s1", "A", "supervisor", "99999"), agent("a1", "A", "agent", "1500", campaign="500"),
             agent("a2", "A", "agent", "2000", campaign="500"), agent("a3", "A", "agent", sales),
             agent("b1", "B", "agent", "9000")]
    results = {r.agent: r for r in evaluate_period(plan, items, trace=True)}
    assert traced(plan, results["s1"], "team_own_sales") == Decimal(2500) + Decimal(sales)
    assert traced(plan, results["s1"], "team_own_sales.members") == 3
    assert dict(results["s1"].pay)["team_bonus"] == Decimal(paid)
    assert dict(results["b1"].pay)["team_bonus"] == Decimal("0.00")  # not a supervisor


def test_a_bonus_relative_to_the_team_can_be_negative(tmp_path):
    """Individual own sales against the team's mean, 10 % of the difference, below the mean < 0."""
    text = policy("""
population:
  team_mean:
    label: {zh: 组人均销售额, en: Team mean sales}
    of: own_sales
    stat: mean
""", """\
  relative:
    label: {zh: 相对团队奖金, en: Bonus relative to the team}
    kind: formula
    formula: (own_sales - team_mean) * 0.1
""")
    plan = compile_text(tmp_path, text)
    results = evaluate_period(plan, [agent("a", "A", "agent", "1000"), agent("b", "A", "agent", "3000"),
                                     agent("c", "B", "agent", "500")], trace=True)
    assert [dict(r.pay)["relative"] for r in results] == [Decimal("-100.00"), Decimal("100.00"), Decimal("0.00")]
    assert [r.total for r in results] == [Decimal("2900.00"), Decimal("3100.00"), Decimal("3000.00")]


def test_a_derived_value_reads_a_population_of_the_score_in_a_second_phase(tmp_path):
    text = policy("""
population:
  shop_best:
    label: {zh: 全店最高分, en: Best score in the shop}
    of: score
    stat: max
    over: shop
""", """\
  gap_bonus:
    label: {zh: 差距奖, en: Gap bonus}
    kind: formula
    formula: 100 - (shop_best - score) * 10
""")
    plan = compile_text(tmp_path, text)
    results = evaluate_period(plan, [agent("a", "A", "agent", "1", points="90"),
                                     agent("b", "B", "agent", "1", points="85")], trace=True)
    assert [dict(r.pay)["gap_bonus"] for r in results] == [Decimal("100.00"), Decimal("50.00")]


def test_a_mean_over_nobody_is_an_error_unless_empty_is_declared(tmp_path):
    text = policy(TEAM_SALES.replace("stat: sum", "stat: mean"), TEAM_BONUS)
    plan = compile_text(tmp_path, text)
    items = [agent("s1", "A", "supervisor", "100"), agent("a1", "B", "agent", "100")]
    with pytest.raises(StepFailed) as caught:
        evaluate_period(plan, items)
    line = text.splitlines().index("  team_own_sales:") + 1
    assert str(caught.value) == (f"{plan.policy.path}:{line}: cannot compute team_own_sales: mean of "
                                 "'team_own_sales' over team 'A': nobody is counted (declare empty: to choose a value)")
    assert caught.value.lines("zh") == [f"{plan.policy.path}:{line}: 无法计算 team_own_sales："
                                        "'team_own_sales' 在组 'A' 中没有任何计入的客服，无法计算平均值"
                                        "（可用 empty: 指定此时的取值）"]
    plan = compile_text(tmp_path, text.replace("    where: role", "    empty: 0\n    where: role"))
    results = evaluate_period(plan, items, trace=True)
    assert [traced(plan, r, "team_own_sales") for r in results] == [100, 0]  # team B has a1; team A nobody


def test_an_error_in_a_later_phase_names_the_step_and_the_agent(tmp_path):
    text = policy(TEAM_SALES, """\
  share:
    label: {zh: 占比奖, en: Share bonus}
    kind: formula
    formula: own_sales / team_own_sales * 100
""")
    plan = compile_text(tmp_path, text)
    with pytest.raises(StepFailed) as caught:
        evaluate_period(plan, [agent("a1", "A", "agent", "0")])
    line = text.splitlines().index("  share:") + 1
    assert str(caught.value) == (f"{plan.policy.path}:{line}: cannot compute share for agent a1 (2026-10): "
                                 "division by zero: a divisor here is 0 for this agent (compute the ratio as a "
                                 "derived value with on_zero_division:, or write `x / y if y else 0`)")


def test_the_trace_of_a_rank_in_both_languages(tmp_path):
    """explain shows each population value with what it was taken over (S1.5)."""
    plan = compile_text(tmp_path, policy(RANKING + "    among: team\n"))
    items = [agent(f"a{i}", "A", "agent", "1", points=p) for i, p in enumerate(["90", "80", "80", "70", "60"])]
    results = evaluate_period(plan, items, trace=True)
    zh = explain_text(plan, results[2], "zh").splitlines()
    assert zh[3:] == [
        "应发合计 (total) = 3300.00 元   [第 47 行]",
        "    = base + prize",
        "  底薪 (base) = 3000.00 元   [第 48 行]",
        "      = 3000",
        "  名次奖 (prize) = 300.00 元   [S1.5 · 第 52 行]",
        "      = 500 如果 monthly_place == 1 否则 300 如果 monthly_place == 2 否则 100 如果 monthly_place == 3 否则 0",
        "    月度排名 (monthly_place) = 组内第 2 名（与 a1 并列）/ 5 人；前 30 % = 1 人   [S1.5 · 第 41 行]",
        "        = 全组按 score 由高到低排名；并列同名次（1、2、2、4）",
        "      排名依据 (monthly.of) = 80.00 分   [第 44 行]",
        "          = score",
        "        总分 (score) = 80.00 分   [第 38 行]",
        "            = points_points",
        "          考核分 (points_points) = 80.00 分   [第 35 行]",
        "              = points，限定在 [0, 100] 内",
        "            公式值 (points_points.raw) = 80   [第 35 行]",
        "                = points",
        "              考核分 (points) = 80   [第 14 行]",
        "",
        "a2 2026-10 得分 80.00 分，应发 3300.00 元：底薪 3000.00 元 + 名次奖 300.00 元。",
    ]
    en = explain_text(plan, results[2], "en").splitlines()
    assert en[9:11] == [
        "    Monthly ranking (monthly_place) = 2nd of 5 in the team (shared with a1); top 30 % = 1 agent   "
        "[S1.5 · line 41]",
        "        = rank by score, higher first, within the team; ties share a place (1, 2, 2, 4)",
    ]


def _month(path: Path) -> Path:
    """A 12-agent month for the S1.5 policy with a tie at the cut of the top 30 % (3.6 → 3 places):
    scores 100, 85, 85, 77.5 ×3, … so places 1, 2, 2 take the top and three share 4th."""
    conversions = ["60%", "50%", "50%", "45%", "45%", "45%", "40%", "30%", "30%", "25%", "20%", "20%"]
    with path.open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["客服", "月份", "询单->最终付款转化率", "客户满意度"])
        for index, conversion in enumerate(conversions):
            writer.writerow([f"客服{index + 1:02d}", "2026-10", conversion, "100%"])
    return path


def test_s1_ranking_policy_pays_the_top_30_percent_and_place_prizes_S1_5(tmp_path):
    metrics = _month(tmp_path / "metrics.csv")
    result = run("evaluate", "--policy", S1, "--metrics", metrics, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["agent"]: r for r in json.loads(result.stdout)["results"]}
    paid = {agent: (r["pay"]["components"]["top_bonus"], r["pay"]["components"]["place_prize"], r["pay"]["total"])
            for agent, r in rows.items()}
    assert paid["客服01"] == ("800.00", "500.00", "4300.00")
    assert paid["客服02"] == paid["客服03"] == ("800.00", "300.00", "4100.00")  # tied 2nd: nobody is 3rd
    assert {paid[f"客服{i:02d}"] for i in range(4, 13)} == {("0.00", "0.00", "3000.00")}


def test_s1_ranking_with_a_count_top_takes_everyone_tied_at_the_cut(tmp_path):
    """A top 4 by count: places 1, 2, 2, 4, 4, 4 put six agents in it (ties at the cut all count)."""
    policy_path = tmp_path / "s1.yaml"
    policy_path.write_text(S1.read_text(encoding="utf-8").replace("{percent: 30, rounding: floor}", "{count: 4}"),
                           encoding="utf-8")
    metrics = _month(tmp_path / "metrics.csv")
    result = run("evaluate", "--policy", policy_path, "--metrics", metrics, "--format", "json")
    rows = json.loads(result.stdout)["results"]
    assert [r["pay"]["components"]["top_bonus"] for r in rows] == ["800.00"] * 6 + ["0.00"] * 6


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "table"])
def test_s1_ranking_reports_in_every_format(tmp_path, fmt):
    metrics = _month(tmp_path / "metrics.csv")
    out = tmp_path / f"out.{fmt}"
    result = run("evaluate", "--policy", S1, "--metrics", metrics, "--format", fmt, "--out", out)
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0


def test_s1_ranking_explain_through_the_cli(tmp_path):
    metrics = _month(tmp_path / "metrics.csv")
    result = run("explain", "--full", "--policy", S1, "--metrics", metrics, "--agent", "客服04")
    assert result.exit_code == 0, result.output
    shown = ("      月度排名·是否进入前列 (monthly_top) = 否（第 4 名（与 客服05、客服06 并列）/ 12 人；"
             "前 30 % = 3 人）   [S1.5 · 第 51 行]")
    assert shown in result.stdout.splitlines()


def test_the_trace_of_a_team_sum_names_its_member_count(tmp_path):
    """A team value shows what it was taken over: the condition and how many agents were counted."""
    plan = compile_text(tmp_path, policy(TEAM_SALES, TEAM_BONUS))
    items = [agent("s1", "A", "supervisor", "99999"), agent("a1", "A", "agent", "1500", campaign="500"),
             agent("a2", "A", "agent", "3500")]
    results = evaluate_period(plan, items, trace=True)
    zh = explain_text(plan, results[2], "zh").splitlines()
    assert zh[12:16] == [
        "      全组非活动销售额 (team_own_sales) = 4500（2 人）   [第 41 行]",
        "          = 全组 own_sales 的合计，仅限 role != “主管”",
        "        计入人数 (team_own_sales.members) = 2 人   [第 41 行]",
        "        统计的数值 (team_own_sales.of) = 99999   [第 43 行]",
    ]
    assert zh[21:23] == ["        计入条件 (team_own_sales.where) = 否   [第 46 行]",
                         "            = role != “主管”"]
    en = explain_text(plan, results[2], "en").splitlines()
    assert en[12:14] == [
        "      Team sales without campaign (team_own_sales) = 4500 (2 agents)   [line 41]",
        "          = sum(own_sales) over the team, only where role != 'supervisor'",
    ]


def test_a_role_group_needs_every_agent_s_role(tmp_path):
    plan = compile_text(tmp_path, policy(RANKING + "    among: role\n"))
    with pytest.raises(StepFailed) as caught:
        evaluate_period(plan, [AgentInput("a1", "2026-10", {"points": Decimal(1), "sales": Decimal(1),
                                                                 "campaign": Decimal(0)})])
    assert caught.value.lines("zh")[0].endswith(
        "无法为客服 a1（2026-10）计算 monthly_place：它按岗位分组，而该客服没有岗位（请提供含岗位列的花名册）")
    assert str(caught.value).endswith("cannot compute monthly_place for agent a1 (2026-10): it is taken per role "
                                      "and the agent has no role (give a roster with a role column)")


def test_a_ranking_over_a_value_that_reads_a_team_value_takes_two_boundaries(tmp_path):
    """Team mean → relative bonus → shop ranking of the bonus → prize: three phases, in order."""
    text = policy("""
population:
  team_mean:
    label: {zh: 组人均销售额, en: Team mean sales}
    of: own_sales
    stat: mean
rankings:
  monthly:
    label: {zh: 相对奖排名, en: Relative bonus ranking}
    of: relative
    top: {count: 1}
""", """\
  relative:
    label: {zh: 相对团队奖金, en: Bonus relative to the team}
    kind: formula
    formula: (own_sales - team_mean) * 0.1
  prize:
    label: {zh: 名次奖, en: Place prize}
    kind: formula
    formula: 500 if monthly_top else 0
""")
    plan = compile_text(tmp_path, text)
    assert len(plan.phases) == 2 and [p.boundary for p in plan.populations] == [0, 1]
    results = evaluate_period(plan, [agent("a", "A", "agent", "1000"), agent("b", "A", "agent", "3000"),
                                     agent("c", "B", "agent", "500"), agent("d", "B", "agent", "2000")], trace=True)
    assert [(dict(r.pay)["relative"], dict(r.pay)["prize"]) for r in results] == [
        (Decimal("-100.00"), Decimal("0.00")), (Decimal("100.00"), Decimal("500.00")),
        (Decimal("-75.00"), Decimal("0.00")), (Decimal("75.00"), Decimal("0.00"))]
