"""The shipped S4 policy (policies/s4_path.yaml) to the fen: S4.1–S4.5 of docs/rules.md.

Fixtures are built here (one team per test, each person's month as `AgentInput`) for every
threshold; the shipped example month (examples/s4, two teams, 14 people), every pay line worked out
by hand, is tests/scenarios/s4/path_month.yaml; the explain of one person per rule shows the rule id.
The policy pays 1 % commission on all sales (its choice: S4 leaves the rate open), and a team is
the roster's 组别 without its (trainee) supervisors.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from harness.cli import run
from harness.paths import S4_METRICS, S4_POLICY, S4_ROSTER
from harness.plans import traced
from harness.scenarios import load_cases
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.data.inputs import read_inputs
from engine.model.inputs import AgentInput
from engine.model.results import AgentResult
from engine.pipeline import prepare
from engine.run.evaluate import StepFailed, evaluate_period

D = Decimal
POLICY = S4_POLICY
SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
PERIOD = "2026-10"
COMPONENTS = ("base", "commission", "excellent_bonus", "step_bonus", "team_bonus", "guarantee")


@pytest.fixture(scope="module")
def plan():
    found, warnings = prepare(str(POLICY))
    assert warnings == []
    return found


def person(agent: str, role: str, sales: object, task: object = 10000, *, campaign: object = 0,
           assessment: str = "pass", team: str = "一组") -> AgentInput:
    values = {"sales": D(str(sales)), "campaign_sales": D(str(campaign)), "task": D(str(task)),
              "assessment": assessment}
    return AgentInput(agent, PERIOD, values, team=team, role=role)


def month(plan, *people: AgentInput) -> dict[str, AgentResult]:
    return {r.agent: r for r in evaluate_period(plan, people, trace=True)}


def lines(result: AgentResult) -> dict[str, Decimal]:
    """The non-zero pay lines and the total: what a payslip shows."""
    return {**{name: amount for name, amount in result.pay if amount}, "total": result.total}


def test_the_shipped_policy_validates_clean():
    result = run("validate", POLICY)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "已检查 1 个文件：0 个错误，0 个警告"


# -- S4.1 trainee ------------------------------------------------------------------------------


@pytest.mark.parametrize(("assessment", "total"), [("excellent", "1200.00"), ("pass", "1000.00"), ("fail", "1000.00")])
def test_S4_1_trainee_base_1000_plus_200_if_excellent_no_commission_no_guarantee(plan, assessment, total):
    """S4.1: 50,000 of sales earn the trainee no commission, and 1000 is not topped up (no floor)."""
    result = month(plan, person("t1", "trainee", 50000, assessment=assessment))["t1"]
    assert result.total == D(total)
    assert dict(result.pay)["commission"] == D("0.00")
    assert traced(plan, result, "commission.roles") is False
    assert dict(result.pay)["guarantee"] == D("0.00")
    assert traced(plan, result, "guarantee.roles") is False


# -- S4.2 agent (the guarantee binding at 1499.98: tests/scenarios/s4/guarantee_inline.yaml) -----


def test_S4_2_guarantee_not_binding_at_1500_01(plan):
    """1200 + 100.01 + 200 = 1500.01: above the floor, nothing topped up."""
    result = month(plan, person("a1", "agent", 10001, 20000, assessment="excellent"))["a1"]
    assert lines(result) == {"base": D("1200.00"), "commission": D("100.01"), "excellent_bonus": D("200.00"),
                             "total": D("1500.01")}


def test_S4_2_a_failed_agent_is_topped_up_to_1500(plan):
    """1200 + 60.00 (1 % of 6,000), no excellent bonus: guarantee 240.00."""
    result = month(plan, person("a1", "agent", 6000, 20000, assessment="fail"))["a1"]
    assert lines(result) == {"base": D("1200.00"), "commission": D("60.00"), "guarantee": D("240.00"),
                             "total": D("1500.00")}


@pytest.mark.parametrize(("sales", "step"), [
    ("149990", "0.00"),    # 149.99 % of the task 100,000: below the first step
    ("150000", "50.00"),   # 150 %: 50
    ("199990", "50.00"),   # 199.99 %: still the first step
    ("200000", "100.00"),  # 200 %: +50
    ("249990", "100.00"),  # 249.99 %
    ("250000", "150.00"),  # 250 %: +50 again
    ("300000", "200.00"),  # 300 %
])
def test_S4_2_step_bonus_at_each_threshold(plan, sales, step):
    """S4.2: 50 at 150 %, +50 per further 50 %; total = 1200 + 1 % of sales + the step, no top-up."""
    result = month(plan, person("a1", "agent", sales, 100000))["a1"]
    assert dict(result.pay)["step_bonus"] == D(step)
    assert dict(result.pay)["commission"] == D(sales) / 100
    assert dict(result.pay)["guarantee"] == D("0.00")
    assert result.total == D("1200.00") + D(sales) / 100 + D(step)


def test_S4_2_the_step_bonus_is_the_agents_only(plan):
    """A trainee at 300 % and a supervisor at 300 % of their own tasks earn no step bonus."""
    people = (person("t1", "trainee", 30000), person("s1", "supervisor", 30000), person("a1", "agent", 10000))
    results = month(plan, *people)
    assert dict(results["t1"].pay)["step_bonus"] == D("0.00")
    assert dict(results["s1"].pay)["step_bonus"] == D("0.00")


# -- S4.3 campaign sales -----------------------------------------------------------------------


def test_S4_3_campaign_sales_earn_commission_but_not_the_step_bonus(plan):
    """Sales 44,000 of which 15,000 in a campaign, task 20,000: 220 % with the campaign, 145 %
    without it. Commission on all of it (440.00), no step bonus: 1200 + 440 = 1640.00."""
    result = month(plan, person("a1", "agent", 44000, 20000, campaign=15000))["a1"]
    assert traced(plan, result, "attainment") == D("1.45")
    assert lines(result) == {"base": D("1200.00"), "commission": D("440.00"), "total": D("1640.00")}


def test_S4_3_campaign_sales_lower_the_step_reached(plan):
    """Sales 200,000 with 50,000 in a campaign, task 100,000: the step of 150 % (50), not of 200 %."""
    result = month(plan, person("a1", "agent", 200000, 100000, campaign=50000))["a1"]
    assert lines(result) == {"base": D("1200.00"), "commission": D("2000.00"), "step_bonus": D("50.00"),
                             "total": D("3250.00")}


def test_S4_3_campaign_sales_do_not_count_for_the_team_bonus(plan):
    """The team's agent sells 160,000, 20,000 of it in a campaign, on a task of 100,000: 140 % for
    the team, so no team bonus (160 % with the campaign); her commission is on all 160,000."""
    results = month(plan, person("lead", "supervisor", 10000), person("a1", "agent", 160000, 100000, campaign=20000))
    assert dict(results["lead"].pay)["team_bonus"] == D("0.00")
    assert traced(plan, results["lead"], "team_bonus.on") == D("1.4")
    assert dict(results["a1"].pay)["commission"] == D("1600.00")


# -- S4.4 / S4.5 team bonus and floors ---------------------------------------------------------

# The lead sells 10,000 (commission 100.00); the team is one agent with a task of 100,000.
# (team sales, trainee supervisor's bonus, guarantee, total; supervisor's bonus, guarantee, total)
TEAM = [
    # 149.99 %: no bonus. 1500 + 100 = 1600 → topped up to 1800 (S4.4) / 2000 (S4.5)
    ("149990", "0.00", "200.00", "1800.00", "0.00", "400.00", "2000.00"),
    # 150 %: 100 / 150. 1700 → +100 = 1800; 1750 → +250 = 2000
    ("150000", "100.00", "100.00", "1800.00", "150.00", "250.00", "2000.00"),
    # 199.99 %: still the first step
    ("199990", "100.00", "100.00", "1800.00", "150.00", "250.00", "2000.00"),
    # 200 %: 200 / 300. 1800 is the floor exactly (no top-up); 1900 → +100 = 2000
    ("200000", "200.00", "0.00", "1800.00", "300.00", "100.00", "2000.00"),
    # 250 %: 300 / 450. 1900 above 1800; 2050 above 2000: neither floor binds
    ("250000", "300.00", "0.00", "1900.00", "450.00", "0.00", "2050.00"),
]


@pytest.mark.parametrize(("sales", "ts_bonus", "ts_top_up", "ts_total", "s_bonus", "s_top_up", "s_total"), TEAM)
def test_S4_4_S4_5_team_bonus_at_each_threshold_with_the_role_floor(plan, sales, ts_bonus, ts_top_up, ts_total,
                                                                    s_bonus, s_top_up, s_total):
    for role, bonus, top_up, total in (("trainee_supervisor", ts_bonus, ts_top_up, ts_total),
                                       ("supervisor", s_bonus, s_top_up, s_total)):
        results = month(plan, person("lead", role, 10000), person("a1", "agent", sales, 100000))
        paid = dict(results["lead"].pay)
        # One component, its amount by role (S4.4 100, S4.5 150 per step; issue 16 item 5).
        assert paid["team_bonus"] == D(bonus), role
        assert traced(plan, results["lead"], "team_bonus.first") == {"trainee_supervisor": 100,
                                                                     "supervisor": 150}[role]
        assert (paid["guarantee"], results["lead"].total) == (D(top_up), D(total)), role
        assert dict(results["a1"].pay)["team_bonus"] == D("0.00")  # the agent earns no team bonus
        assert traced(plan, results["a1"], "team_bonus.first") is None  # nor is her amount looked up


def test_S4_4_the_supervisors_own_sales_do_not_count_for_the_team(plan):
    """The lead sells 1,000,000 against a task of 10,000; her team (one agent at 100 %) is at 100 %."""
    results = month(plan, person("lead", "trainee_supervisor", 1000000), person("a1", "agent", 100000, 100000))
    assert traced(plan, results["lead"], "team_own_sales") == D("100000")
    assert traced(plan, results["lead"], "team_task") == D("100000")
    assert lines(results["lead"]) == {"base": D("1500.00"), "commission": D("10000.00"), "total": D("11500.00")}


def test_S4_4_trainees_are_part_of_the_team(plan):
    """An agent at 100 % (100,000 / 100,000) and a trainee selling 100,000 on 10,000: the team is
    at 200,000 / 110,000 = 181.8 %, so the trainee supervisor earns the first step, 100."""
    results = month(plan, person("lead", "trainee_supervisor", 10000), person("a1", "agent", 100000, 100000),
                    person("t1", "trainee", 100000, 10000))
    assert dict(results["lead"].pay)["team_bonus"] == D("100.00")
    assert traced(plan, results["lead"], "team_own_sales") == D("200000")


def test_each_team_is_summed_on_its_own(plan):
    """一组 at 150 % and 二组 at 200 %: each lead is paid on her own team only."""
    results = month(plan, person("ts", "trainee_supervisor", 10000, team="一组"),
                    person("a1", "agent", 150000, 100000, team="一组"),
                    person("s", "supervisor", 10000, team="二组"), person("b1", "agent", 200000, 100000, team="二组"))
    assert dict(results["ts"].pay)["team_bonus"] == D("100.00")
    assert dict(results["s"].pay)["team_bonus"] == D("300.00")


def test_a_supervisor_without_a_team_is_a_located_error_not_a_bonus_of_0(plan):
    """Nobody counted in the team: 0 / 0 is refused with the policy line of the team bonus."""
    with pytest.raises(StepFailed) as caught:
        month(plan, person("lead", "supervisor", 10000, team="空组"))
    written = [text.split("#")[0].rstrip() for text in POLICY.read_text(encoding="utf-8").splitlines()]
    line = written.index("    on: team_own_sales / team_task", written.index("  team_bonus:")) + 1
    assert str(caught.value).startswith(f"{POLICY}:{line}: cannot compute team_bonus.on for agent lead")
    assert "除数为零" in caught.value.zh


# -- the example month (examples/s4): its pay to the fen is tests/scenarios/s4/path_month.yaml ------

EXAMPLE_ARGS = ["--policy", POLICY, "--metrics", S4_METRICS, "--roster", S4_ROSTER]
EXAMPLE_TOTALS = load_cases(SCENARIOS / "s4" / "path_month.yaml")[0].wanted("total")


def test_the_example_month_skips_its_title_lines_and_its_total_row():
    result = run("evaluate", *EXAMPLE_ARGS)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "合计：14 人 · 应发 23340.02 元"
    assert "提示：" + str(S4_METRICS) + "：第 18 行：汇总行 '合计' 已跳过" in result.stderr


def policy_line(text: str) -> int:
    """The first line of the policy reading `text` before its comment (the explain cites policy lines)."""
    written = [line.split("#")[0].rstrip() for line in POLICY.read_text(encoding="utf-8").splitlines()]
    return written.index(text) + 1


def explain(agent: str) -> list[str]:
    result = run("explain", "--full", *EXAMPLE_ARGS, "--agent", agent)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_explain_S4_1_trainee_excellent_and_no_commission_zh():
    lines = explain("1002")
    commission = policy_line("  commission:")
    assert f"  提成 (commission) = 0.00 元   [S4.1 · S4.2 · S4.3 · S4.4 · S4.5 · 第 {commission} 行]" in lines
    assert ("      不发给该岗位（适用于：客服（agent）、见习客服主管（trainee_supervisor）、"
            "客服主管（supervisor））") in lines
    bonus = policy_line("  excellent_bonus:")
    assert f"  考核优秀奖 (excellent_bonus) = 200.00 元   [S4.1 · S4.2 · 第 {bonus} 行]" in lines
    # S4 has no scorecard (issue 16 item 1): the summary names no score and no rating.
    assert lines[-1].startswith("1002 何琳 2026-10 应发 1200.00 元：底薪 1000.00 元 + "
                                "提成 0.00 元 + 考核优秀奖 200.00 元")
    assert not any("得分" in line or "总分" in line for line in lines)


def test_explain_S4_2_guarantee_binding_zh():
    lines = explain("1004")
    guarantee = policy_line("  guarantee:")
    assert f"  保底工资 (guarantee) = 0.02 元   [S4.2 · S4.4 · S4.5 · 第 {guarantee} 行]" in lines
    assert f"    保底线 (guarantee.floor) = 1500.00 元   [第 {policy_line('    floor:')} 行]" in lines
    assert f"    计入保底的小计 (guarantee.subtotal) = 1499.98 元   [S4.2 · S4.4 · S4.5 · 第 {guarantee} 行]" in lines


def test_explain_S4_2_step_bonus_at_250_percent_zh():
    lines = explain("1008")
    step = policy_line("  step_bonus:")
    start = lines.index(f"  阶梯奖 (step_bonus) = 150.00 元   [S4.2 · S4.3 · 第 {step} 行]")
    assert lines[start + 1] == "      = attainment ≥ 150% 时发 50，此后每多 50% 再加 50"
    assert f"    考核值 (step_bonus.on) = 250.00%   [第 {step + 5} 行]" in lines


def test_explain_S4_3_campaign_sales_paid_commission_but_no_step_zh():
    lines = explain("1006")
    assert f"  阶梯奖 (step_bonus) = 0.00 元   [S4.2 · S4.3 · 第 {policy_line('  step_bonus:')} 行]" in lines
    attainment, campaign = policy_line("    formula: own_sales / task"), policy_line("  campaign_sales:")
    assert f"      任务完成率（不含活动） (attainment) = 145.00%   [S4.2 · S4.3 · 第 {attainment} 行]" in lines
    assert f"          活动销售额 (campaign_sales) = 15000.00 元   [S4.3 · 第 {campaign} 行]" in lines
    assert "    提成基数 (commission.base) = 44000.00 元   [第 {} 行]".format(policy_line("    base: sales")) in lines


@pytest.mark.parametrize(("agent", "component", "rules", "amount", "members", "own", "task"), [
    ("1001", "team_bonus", "S4.3 · S4.4 · S4.5", "100.00", 7, "180000.00", "120000.00"),  # 150 %
    ("2001", "team_bonus", "S4.3 · S4.4 · S4.5", "300.00", 5, "220000.00", "110000.00"),  # 200 %
])
def test_explain_S4_4_S4_5_team_bonus_and_floor_zh(agent, component, rules, amount, members, own, task):
    lines = explain(agent)
    label = "团队奖金"
    line = policy_line(f"  {component}:")
    start = lines.index(f"  {label} ({component}) = {amount} 元   [{rules} · 第 {line} 行]")
    assert lines[start + 5:start + 7] == [
        f"    考核值 ({component}.on) = {D(own) / D(task)}   [第 {line + 5} 行]",
        "        = team_own_sales / team_task",
    ]
    # the team's values, written out in full where the tree first reaches them
    team = policy_line("  team_own_sales:")
    start = lines.index(f"      全组非活动销售额 (team_own_sales) = {own} 元（{members} 人）   "
                        f"[S4.3 · S4.4 · S4.5 · 第 {team} 行]")
    assert lines[start + 1] == "          = 全组 own_sales 的合计，仅限 role != “见习客服主管” 且 role != “客服主管”"
    # the lead's own sales are read but not counted
    assert f"        计入条件 (team_own_sales.where) = 否   [第 {team + 6} 行]" in lines


def test_explain_in_english_names_the_rule_and_the_team():
    result = run("explain", "--full", *EXAMPLE_ARGS, "--agent", "2001", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert ("          = sum(own_sales) over the team, only where role != 'trainee_supervisor' and "
            "role != 'supervisor'") in result.stdout.splitlines()


# -- an export as the shop writes it -----------------------------------------------------------

HEADER = "客服昵称,岗位,组别,销售额,活动销售额,个人任务,考核结果"


def export(tmp_path: Path, *rows: str) -> str:
    """A GB18030 export with a date range above the header and a 合计 row below the data."""
    lines = ["统计时间: 2026-10-01 ~ 2026-10-31", HEADER, *rows, "合计,,,,,,"]
    path = tmp_path / "metrics.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))
    return str(path)


def test_an_export_with_role_and_team_columns_aliases_and_an_empty_campaign_cell(tmp_path):
    """岗位 and 组别 in the export itself (no roster), 个人任务 for the task, 未通过 for 不合格, an empty
    活动销售额 for none. 小林 leads 一组 (15,000 + 29,998 + 15,002 = 60,000 on 40,000: 150 %):
    1500 + 120.00 + 100 = 1720.00 → 1800.00 (S4.4); 小何 1000 + 200 (S4.1); 小罗 1200 + 299.98 →
    1500.00 (S4.2, 149.99 %: no step, 不合格: no excellent bonus); 小韩 at 150.02 % earns the step,
    1200 + 150.02 + 50 = 1400.02 → 1500.00."""
    metrics = export(tmp_path, '小林,见习主管,一组,"12,000.00",,10000,合格', "小何,见习,一组,16000,1000,10000,优秀",
                     "小罗,客服,一组,29998,,20000,未通过", "小韩,客服,一组,15002,,10000,合格")
    result = run("evaluate", "--policy", POLICY, "--metrics", metrics, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["agent"]: r for r in json.loads(result.stdout)["results"]}
    assert {agent: r["pay"]["total"] for agent, r in rows.items()} == {
        "小林": "1800.00", "小何": "1200.00", "小罗": "1500.00",
        "小韩": "1500.00"}
    assert rows["小林"]["pay"]["components"]["team_bonus"] == "100.00"
    assert rows["小韩"]["pay"]["components"]["step_bonus"] == "50.00"
    assert rows["小罗"]["choices"] == {"assessment": "fail"}


def test_a_task_of_0_an_unknown_assessment_and_an_unknown_role_are_located_data_errors(tmp_path):
    metrics = export(tmp_path, "小林,见习主管,一组,12000,,0,合格", "小何,见习,一组,16000,1000,10000,良好",
                     "小罗,经理,一组,100,,100,合格")
    result = run("evaluate", "--policy", POLICY, "--metrics", metrics)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if not line.startswith("提示：")]
    assert [line.split("：", 2)[1] for line in errors] == ["第 3 行，列 个人任务 (F)", "第 4 行，列 考核结果 (G)",
                                                          "第 5 行，列 岗位 (B)"]
    assert errors[1].endswith("实际是 '良好'")
    assert errors[2].endswith("实际是 '经理'")


@settings(max_examples=20, deadline=None)
@given(order=st.permutations(range(len(EXAMPLE_TOTALS))))
def test_the_example_month_does_not_depend_on_the_order_of_the_rows(plan, order):
    """Team sums are taken over the whole month: shuffling the people changes nobody's pay."""
    items = read_inputs(plan, S4_METRICS, roster=S4_ROSTER).agents
    results = evaluate_period(plan, [items[i] for i in order])
    assert {r.agent: str(r.total) for r in results} == EXAMPLE_TOTALS
