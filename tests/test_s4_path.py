"""The shipped S4 policy (policies/s4_path.yaml) to the fen: S4.1–S4.5 of docs/rules.md.

Fixtures are built here (one team per test, each person's month as `AgentInput`) for every
threshold; the shipped example month (examples/s4, two teams, 14 people) is evaluated through the
CLI with every total worked out by hand; and the explain of one person per rule shows the rule id.
The policy pays 1 % commission on all sales (its choice: S4 leaves the rate open), and a team is
the roster's 组别 without its (trainee) supervisors.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.pipeline import prepare
from engine.run.evaluate import AgentInput, AgentResult, StepFailed, evaluate_period

D = Decimal
ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "policies" / "s4_path.yaml"
EXAMPLE = ROOT / "examples" / "s4"
PERIOD = "2026-10"
COMPONENTS = ("base", "commission", "excellent_bonus", "step_bonus", "team_bonus_trainee_supervisor",
              "team_bonus_supervisor", "guarantee")


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


def traced(plan, result: AgentResult, name: str) -> object:
    assert result.trace is not None
    return result.trace[next(s.slot for s in plan.steps if s.name == name)]


def test_the_shipped_policy_validates_clean():
    result = CliRunner().invoke(main, ["validate", str(POLICY)])
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


# -- S4.2 agent --------------------------------------------------------------------------------


def test_S4_2_guarantee_binds_1499_98_to_1500(plan):
    """1200 + 1 % × 9,998 = 99.98 + 200 (excellent) = 1499.98 < 1500: topped up by 0.02."""
    result = month(plan, person("a1", "agent", 9998, 20000, assessment="excellent"))["a1"]
    assert lines(result) == {"base": D("1200.00"), "commission": D("99.98"), "excellent_bonus": D("200.00"),
                             "guarantee": D("0.02"), "total": D("1500.00")}
    assert traced(plan, result, "guarantee.subtotal") == D("1499.98")


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
    assert dict(results["lead"].pay)["team_bonus_supervisor"] == D("0.00")
    assert traced(plan, results["lead"], "team_bonus_supervisor.on") == D("1.4")
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
        bonuses = {"trainee_supervisor": paid["team_bonus_trainee_supervisor"],
                   "supervisor": paid["team_bonus_supervisor"]}
        assert bonuses == {r: D(bonus) if r == role else D("0.00") for r in bonuses}, role
        assert (paid["guarantee"], results["lead"].total) == (D(top_up), D(total)), role
        agent = dict(results["a1"].pay)  # the agent earns no team bonus
        assert (agent["team_bonus_trainee_supervisor"], agent["team_bonus_supervisor"]) == (D("0.00"), D("0.00"))


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
    assert dict(results["lead"].pay)["team_bonus_trainee_supervisor"] == D("100.00")
    assert traced(plan, results["lead"], "team_own_sales") == D("200000")


def test_each_team_is_summed_on_its_own(plan):
    """一组 at 150 % and 二组 at 200 %: each lead is paid on her own team only."""
    results = month(plan, person("ts", "trainee_supervisor", 10000, team="一组"),
                    person("a1", "agent", 150000, 100000, team="一组"),
                    person("s", "supervisor", 10000, team="二组"), person("b1", "agent", 200000, 100000, team="二组"))
    assert dict(results["ts"].pay)["team_bonus_trainee_supervisor"] == D("100.00")
    assert dict(results["s"].pay)["team_bonus_supervisor"] == D("300.00")


def test_a_supervisor_without_a_team_is_a_located_error_not_a_bonus_of_0(plan):
    """Nobody counted in the team: 0 / 0 is refused with the policy line of the team bonus."""
    with pytest.raises(StepFailed) as caught:
        month(plan, person("lead", "supervisor", 10000, team="空组"))
    line = POLICY.read_text(encoding="utf-8").splitlines().index("    on: team_own_sales / team_task", 150) + 1
    assert str(caught.value).startswith(f"{POLICY}:{line}: cannot compute team_bonus_supervisor.on for agent lead")
    assert "除数为零" in caught.value.zh
