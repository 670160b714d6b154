"""Role pay and population values in one policy (S4.3–S4.5 with S1.5): a team bonus paid to
(trainee) supervisors only, reading the team's sum of sales without campaign sales with the
supervisor left out, and a prize for the top of each role, from one GB18030 export, to the fen.

Team A: supervisor sA (own sales 8000, not counted), agents a1 15000.50 and a2 18000, trainee
t1 5000.30: the team's sum is 38000.80 over 3 agents. Team B: trainee supervisor tsB 8000
(counted: only `supervisor` is left out), agents b1 10000 (30000 sales, 20000 of them campaign)
and b2 16000, trainee t2 4000: 38000 over 4. Ranked within each role by own sales, a2 tops the
agents (b1's campaign sales do not count, S4.3) and t1 the trainees.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from harness.cli import run
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.model.inputs import AgentInput
from engine.pipeline import prepare
from engine.run.evaluate import evaluate_period

POLICY = """\
jixiao: 1

policy:
  id: s4-team-rank
  version: "2026.11"
  name: {zh: 团队奖与岗位排名, en: Team bonus and role ranking}
  effective_from: 2026-11-01
  rounding: {quantum: 0.01, mode: half_up}

roles:
  trainee: {label: {zh: 见习客服, en: Trainee agent}, aliases: [见习]}
  agent: {label: {zh: 客服, en: Agent}}
  trainee_supervisor: {label: {zh: 见习客服主管, en: Trainee supervisor}}
  supervisor: {label: {zh: 客服主管, en: Supervisor}}

metrics:
  sales:
    label: {zh: 销售额, en: Sales}
    type: money
  campaign_sales:
    label: {zh: 活动销售额, en: Campaign sales}
    type: money
    missing: 0

derived:
  own_sales:
    label: {zh: 非活动销售额, en: Sales without campaign}
    rule: S4.3
    formula: sales - campaign_sales

kpis:
  output:
    label: {zh: 业绩, en: Output}
    weight: 100
    formula: min(100, own_sales / 200)

score:
  total: 100

population:
  team_own_sales:
    label: {zh: 全组非活动销售额, en: Team sales without campaign}
    rule: [S4.3, S4.4]
    of: own_sales
    stat: sum
    over: team
    where: role != 'supervisor'

rankings:
  role_rank:
    label: {zh: 岗位内排名, en: Rank within the role}
    rule: S1.5
    of: own_sales
    among: role
    top: {count: 1}

pay:
  base:
    label: {zh: 底薪, en: Base pay}
    rule: [S4.1, S4.2, S4.4, S4.5]
    kind: table
    key: role
    values: {trainee: 1000, agent: 1200, trainee_supervisor: 1500, supervisor: 1500}
  commission:
    label: {zh: 提成, en: Commission}
    rule: [S4.2, S4.3]
    kind: commission
    roles: [agent, trainee_supervisor, supervisor]
    base: sales
    rate: 0.01
  team_bonus:
    label: {zh: 团队奖金, en: Team bonus}
    rule: [S4.3, S4.4]
    kind: formula
    roles: [trainee_supervisor, supervisor]
    formula: team_own_sales * 0.01
  top_prize:
    label: {zh: 岗位第一名奖, en: Top of the role prize}
    rule: S1.5
    kind: fixed
    roles: [trainee, agent]
    when: role_rank_top
    amount: 300
  guarantee:
    label: {zh: 保底工资, en: Guaranteed minimum}
    rule: [S4.4, S4.5]
    kind: minimum
    roles: [trainee_supervisor, supervisor]
    floor:
      by: role
      values: {trainee_supervisor: 1800, supervisor: 2000}
"""

ROWS = [
    "工号,月份,组别,岗位,销售额,活动销售额",
    "sA,2026-11,A组,客服主管,10000,2000",
    "a1,2026-11,A组,客服,20000.50,5000",
    "a2,2026-11,A组,客服,18000,",
    "t1,2026-11,A组,见习,6000.30,1000",
    "tsB,2026-11,B组,见习客服主管,9000,1000",
    "b1,2026-11,B组,客服,30000,20000",
    "b2,2026-11,B组,客服,16000,0",
    "t2,2026-11,B组,见习客服,4000,0",
]

# (base, commission, team_bonus, top_prize, guarantee, total), worked out by hand.
EXPECTED = {
    # 1500 + 1 % of 10000 + 1 % of 38000.80 = 380.008 → 380.01; 1980.01 is below 2000 (S4.5): +19.99
    "sA": ("1500.00", "100.00", "380.01", "0.00", "19.99", "2000.00"),
    # 1500 + 90 + 1 % of 38000 = 1970.00, above the trainee supervisor's 1800 (S4.4): no top-up
    "tsB": ("1500.00", "90.00", "380.00", "0.00", "0.00", "1970.00"),
    "a1": ("1200.00", "200.01", "0.00", "0.00", "0.00", "1400.01"),  # 200.005 → 200.01; 3rd of 4 agents
    "a2": ("1200.00", "180.00", "0.00", "300.00", "0.00", "1680.00"),  # 1st agent by own sales 18000
    "b1": ("1200.00", "300.00", "0.00", "0.00", "0.00", "1500.00"),  # campaign sales paid commission only
    "b2": ("1200.00", "160.00", "0.00", "0.00", "0.00", "1360.00"),
    "t1": ("1000.00", "0.00", "0.00", "300.00", "0.00", "1300.00"),  # S4.1: no commission; 1st trainee
    "t2": ("1000.00", "0.00", "0.00", "0.00", "0.00", "1000.00"),
}
COMPONENTS = ("base", "commission", "team_bonus", "top_prize", "guarantee")


def files(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    metrics = tmp_path / "metrics.csv"
    metrics.write_bytes(("\r\n".join(ROWS) + "\r\n").encode("gb18030"))
    return str(policy), str(metrics)


def test_team_bonus_by_role_over_a_population_and_a_ranking_by_role_to_the_fen(tmp_path):
    policy, metrics = files(tmp_path)
    result = run("evaluate", "--policy", policy, "--metrics", metrics, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["agent"]: r for r in json.loads(result.stdout)["results"]}
    paid = {agent: (*(r["pay"]["components"][c] for c in COMPONENTS), r["pay"]["total"]) for agent, r in rows.items()}
    assert paid == EXPECTED


def test_explain_shows_the_role_line_and_the_team_value_line_zh(tmp_path):
    policy, metrics = files(tmp_path)
    result = run("explain", "--full", "--policy", policy, "--metrics", metrics, "--agent", "sA")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("  团队奖金 (team_bonus) = 380.01 元   [S4.3 · S4.4 · 第 71 行]")
    assert lines[start:start + 8] == [
        "  团队奖金 (team_bonus) = 380.01 元   [S4.3 · S4.4 · 第 71 行]",
        "      = team_own_sales * 0.01",
        "    适用岗位 (team_bonus.roles) = 是   [S4.3 · S4.4 · 第 75 行]",
        "        = 适用于：见习客服主管（trainee_supervisor）、客服主管（supervisor）",
        "      岗位 (role) = 客服主管  （见上）",
        "    全组非活动销售额 (team_own_sales) = 38000.80（3 人）   [S4.3 · S4.4 · 第 41 行]",
        "        = 全组 own_sales 的合计，仅限 role != “客服主管”",
        "      计入人数 (team_own_sales.members) = 3 人   [S4.3 · S4.4 · 第 41 行]",
    ]
    # the supervisor's own sales are read but not counted
    assert "      计入条件 (team_own_sales.where) = 否   [第 47 行]" in lines
    # the floor table of the guarantee, in the words the old report-side rendering used
    assert "      = 保底 guarantee.floor 减去（base + commission + team_bonus + top_prize），不少于 0" in lines
    assert "        = 按岗位查保底表" in lines
    assert lines[-1] == ("sA 2026-11 得分 40.00 分，应发 2000.00 元：底薪 1500.00 元 + 提成 100.00 元 + "
                         "团队奖金 380.01 元 + 岗位第一名奖 0.00 元 + 保底工资 19.99 元。")


def test_explain_of_a_trainee_shows_her_place_within_the_role_and_the_components_not_hers_zh(tmp_path):
    policy, metrics = files(tmp_path)
    result = run("explain", "--full", "--policy", policy, "--metrics", metrics, "--agent", "t1")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("  团队奖金 (team_bonus) = 0.00 元   [S4.3 · S4.4 · 第 71 行]")
    assert lines[start + 2] == ("      不发给该岗位（适用于：见习客服主管（trainee_supervisor）、"
                                "客服主管（supervisor））")
    start = lines.index("  岗位第一名奖 (top_prize) = 300.00 元   [S1.5 · 第 77 行]")
    assert lines[start:start + 9] == [
        "  岗位第一名奖 (top_prize) = 300.00 元   [S1.5 · 第 77 行]",
        "      = 300",
        "    适用岗位 (top_prize.roles) = 是   [S1.5 · 第 81 行]",
        "        = 适用于：见习客服（trainee）、客服（agent）",
        "      岗位 (role) = 见习客服  （见上）",
        "    发放条件 (top_prize.when) = 是   [S1.5 · 第 82 行]",
        "        = role_rank_top",
        "      岗位内排名·是否进入前列 (role_rank_top) = 是（岗位内第 1 名 / 2 人；前 1 人）   [S1.5 · 第 50 行]",
        "          = 排在前面的人数 < 前列人数（与最后一名入选者并列的都入选）",
    ]
    # the guarantee is not hers: its floor and subtotal are never computed
    assert "    保底线 (guarantee.floor) = —   [第 89 行]" in lines


def test_explain_in_english(tmp_path):
    policy, metrics = files(tmp_path)
    result = run("explain", "--full", "--policy", policy, "--metrics", metrics, "--agent", "sA", "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "        = applies to: Trainee supervisor (trainee_supervisor), Supervisor (supervisor)" in lines
    assert "        = sum(own_sales) over the team, only where role != 'supervisor'" in lines
    assert "        = floor by role" in lines


ROSTER = [(row.split(",")[0], row.split(",")[2], row.split(",")[3]) for row in ROWS[1:]]
ROLE_IDS = {"客服主管": "supervisor", "客服": "agent", "见习": "trainee", "见习客服": "trainee",
            "见习客服主管": "trainee_supervisor"}


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    path = tmp_path_factory.mktemp("order") / "policy.yaml"
    path.write_text(POLICY, encoding="utf-8")
    return prepare(str(path))[0]


@settings(max_examples=25, deadline=None)
@given(order=st.permutations(range(len(ROWS) - 1)))
def test_pay_does_not_depend_on_the_order_of_the_rows(plan, order):
    """Team sums and places within a role are taken over the whole month, whatever the row order."""
    items = []
    for index in order:
        agent, team, role = ROSTER[index]
        cells = ROWS[index + 1].split(",")
        values = {"sales": Decimal(cells[4]), "campaign_sales": Decimal(cells[5] or 0)}
        items.append(AgentInput(agent, "2026-11", values, team=team, role=ROLE_IDS[role]))
    found = {r.agent: (*(str(amount) for _, amount in r.pay), str(r.total)) for r in evaluate_period(plan, items)}
    assert found == EXPECTED


def test_a_choice_metric_reaches_the_results_of_a_phased_plan(tmp_path):
    """With a ranking the plan runs in phases; each agent's 考核结果 still comes back as its id, and
    an excellent assessment may be what picks who is ranked (S1.5 with S4.2's choice values)."""
    text = POLICY.replace("\nderived:", """
  assessment:
    label: {zh: 考核结果, en: Assessment}
    type: choice
    values:
      excellent: {label: {zh: 优秀, en: Excellent}}
      pass: {label: {zh: 合格, en: Pass}}

derived:""", 1).replace("    among: role\n", "    among: role\n    where: assessment == 'excellent'\n")
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    plan = prepare(str(path))[0]
    assert plan.phases
    items = [AgentInput(name, "2026-11", {"sales": Decimal(sales), "campaign_sales": Decimal(0), "assessment": grade},
                        team="A", role="agent")
             for name, sales, grade in (("a1", "20000", "pass"), ("a2", "18000", "excellent"))]
    results = {r.agent: r for r in evaluate_period(plan, items)}
    assert results["a1"].choices == (("assessment", "pass"),)
    assert results["a2"].choices == (("assessment", "excellent"),)
    # a1 sells more but is not excellent, so a2 is the only one ranked and tops the agents
    assert dict(results["a1"].pay)["top_prize"] == Decimal("0.00")
    assert dict(results["a2"].pay)["top_prize"] == Decimal("300.00")
