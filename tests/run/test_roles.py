"""Role pay on the S4 path, one month, to the fen (S4.1–S4.3 of docs/rules.md).

The policy below is what a shop on the S4 path writes for its trainees and agents: base pay by
role (S4.1 1000, S4.2 1200), a commission of 1 % of all sales that trainees do not earn (S4.1,
`roles:`), 200 for an excellent assessment (a `type: choice` metric read from 考核结果), the S4.2
step bonus on attainment *without* campaign sales (S4.3), and a guaranteed minimum by role
(S4.2 1500, S4.4 1800, S4.5 2000). Every expected amount is worked out in the comment beside it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from harness.cli import run
from harness.plans import compile_text, only, pay, traced
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.model.inputs import AgentInput
from engine.report.explain import explain_json, explain_text

D = Decimal
PERIOD = "2026-11"

S4 = """\
jixiao: 1

policy:
  id: s4-month
  version: "2026.11"
  name: {zh: 客服晋升路径月度薪酬, en: S4 path monthly pay}
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
  task:
    label: {zh: 销售任务, en: Sales task}
    type: money
  assessment:
    label: {zh: 考核结果, en: Assessment}
    type: choice
    values:
      excellent: {label: {zh: 优秀, en: Excellent}}
      pass: {label: {zh: 合格, en: Pass}}
      fail: {label: {zh: 不合格, en: Fail}, aliases: [未通过]}

derived:
  attainment:
    label: {zh: 任务完成率（不含活动）, en: Task attainment without campaign sales}
    rule: [S4.2, S4.3]
    formula: (sales - campaign_sales) / task
    on_zero_division: 0

kpis:
  assessed:
    label: {zh: 月度考核, en: Monthly assessment}
    weight: 100
    formula: "100 if assessment == 'excellent' else (60 if assessment == 'pass' else 0)"

score:
  total: 100

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
  excellent_bonus:
    label: {zh: 优秀奖, en: Excellent-assessment bonus}
    rule: [S4.1, S4.2]
    kind: fixed
    roles: [trainee, agent]
    when: assessment == 'excellent'
    amount: 200
  step_bonus:
    label: {zh: 阶梯奖, en: Step bonus}
    rule: [S4.2, S4.3]
    kind: step
    roles: [agent]
    on: (sales - campaign_sales) / task
    from: 1.5
    every: 0.5
    first: 50
  guarantee:
    label: {zh: 保底工资, en: Guaranteed minimum}
    rule: [S4.2, S4.4, S4.5]
    kind: minimum
    roles: [agent, trainee_supervisor, supervisor]
    floor:
      by: role
      values: {agent: 1500, trainee_supervisor: 1800, supervisor: 2000}
"""


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    return compile_text(tmp_path_factory.mktemp("s4"), S4)


def person(role: str, assessment: str = "pass", sales: object = 0, task: object = 10000,
           campaign_sales: object = 0) -> AgentInput:
    values = {"sales": D(str(sales)), "campaign_sales": D(str(campaign_sales)), "task": D(str(task)),
              "assessment": assessment}
    return AgentInput("a1", PERIOD, values, team="t1", role=role)


def lines(result) -> dict[str, Decimal]:
    return {**dict(result.pay), "total": result.total}


def test_S4_1_trainee_earns_base_and_excellent_bonus_but_no_commission(plan):
    """S4.1: 1000 + 200 (excellent); sales 50,000 earn no commission; no step bonus, no guarantee."""
    result = only(plan, person("trainee", "excellent", sales=50000, task=10000))
    assert lines(result) == {"base": D("1000.00"), "commission": D("0.00"), "excellent_bonus": D("200.00"),
                             "step_bonus": D("0.00"), "guarantee": D("0.00"), "total": D("1200.00")}
    assert traced(plan, result, "commission.roles") is False
    assert traced(plan, result, "commission.base") is None  # never computed for a trainee


def test_S4_1_trainee_without_excellent_gets_1000(plan):
    result = only(plan, person("trainee", "pass", sales=50000))
    assert result.total == D("1000.00")


def test_S4_2_agent_guarantee_binds_1499_98_to_1500(plan):
    """S4.2: 1200 + 1 % × 9,998 = 99.98 + 200 = 1499.98 (attainment 99.98 %, no step): topped up 0.02."""
    result = only(plan, person("agent", "excellent", sales=9998))
    assert lines(result) == {"base": D("1200.00"), "commission": D("99.98"), "excellent_bonus": D("200.00"),
                             "step_bonus": D("0.00"), "guarantee": D("0.02"), "total": D("1500.00")}
    assert traced(plan, result, "guarantee.floor") == D(1500)
    assert traced(plan, result, "guarantee.subtotal") == D("1499.98")


def test_S4_2_agent_guarantee_not_binding(plan):
    """S4.2: 1200 + 100.01 + 200 = 1500.01 is above the floor: nothing is topped up."""
    result = only(plan, person("agent", "excellent", sales=10001))
    assert pay(result, "guarantee") == D("0.00")
    assert result.total == D("1500.01")


def test_S4_2_agent_without_excellent_is_topped_up_to_1500(plan):
    """1200 + 50.00 (1 % of 5,000), not excellent: 1250.00, guarantee 250.00."""
    result = only(plan, person("agent", "fail", sales=5000))
    assert (pay(result, "excellent_bonus"), pay(result, "guarantee"), result.total) == (
        D("0.00"), D("250.00"), D("1500.00"))


@pytest.mark.parametrize(("sales", "bonus"), [
    ("149990", "0.00"),    # 149.99 % of the task 100,000: below the first step
    ("150000", "50.00"),   # 150 %: the first step, 50
    ("199990", "50.00"),   # 199.99 %: still one step
    ("200000", "100.00"),  # 200 %: 50 more
    ("250000", "150.00"),  # 250 %: 50 more again
])
def test_S4_2_step_bonus_at_each_threshold(plan, sales, bonus):
    """S4.2: 50 at 150 %, +50 per further 50 %; the total is 1200 + 1 % of sales + the bonus."""
    result = only(plan, person("agent", "pass", sales=sales, task=100000))
    assert pay(result, "step_bonus") == D(bonus)
    assert result.total == D("1200.00") + D(sales) / 100 + D(bonus)
    assert pay(result, "guarantee") == D("0.00")


def test_S4_3_campaign_sales_earn_commission_but_not_the_step_bonus(plan):
    """S4.3: sales 200,000 of which 50,000 in a campaign, task 100,000: commission on all of it
    (2,000.00), step bonus on (200,000 − 50,000) / 100,000 = 150 % → 50, not the 100 of 200 %."""
    result = only(plan, person("agent", "pass", sales=200000, campaign_sales=50000, task=100000))
    assert traced(plan, result, "attainment") == D("1.5")
    assert lines(result) == {"base": D("1200.00"), "commission": D("2000.00"), "excellent_bonus": D("0.00"),
                             "step_bonus": D("50.00"), "guarantee": D("0.00"), "total": D("3250.00")}


def test_S4_3_campaign_month_topped_up_by_the_guarantee(plan):
    """1200 + 200.00 + 0 (pass) + 50 (150 % without the campaign 5,000) = 1450.00: guarantee 50.00."""
    result = only(plan, person("agent", "pass", sales=20000, campaign_sales=5000))
    assert lines(result) == {"base": D("1200.00"), "commission": D("200.00"), "excellent_bonus": D("0.00"),
                             "step_bonus": D("50.00"), "guarantee": D("50.00"), "total": D("1500.00")}


@pytest.mark.parametrize(("role", "sales", "total"), [
    ("trainee_supervisor", "1000", "1800.00"),   # S4.4: 1500 + 10.00 → floor 1800
    ("supervisor", "1000", "2000.00"),           # S4.5: 1500 + 10.00 → floor 2000
    ("supervisor", "60000", "2100.00"),          # 1500 + 600.00 = 2100.00, above the floor
])
def test_S4_4_S4_5_floors_by_role(plan, role, sales, total):
    result = only(plan, person(role, "excellent", sales=sales))
    assert pay(result, "excellent_bonus") == D("0.00")  # not paid to supervisors (their bonus is quarterly)
    assert pay(result, "step_bonus") == D("0.00")
    assert result.total == D(total)


def test_trace_says_not_paid_to_this_role_S4_1(plan):
    result = only(plan, person("trainee", "excellent", sales=50000))
    zh = explain_text(plan, result, "zh")
    en = explain_text(plan, result, "en")
    assert "不发给该岗位（适用于：客服（agent）、见习客服主管（trainee_supervisor）、客服主管（supervisor））" in zh
    assert ("not paid to this role (applies to: Agent (agent), Trainee supervisor (trainee_supervisor), "
            "Supervisor (supervisor))") in en
    # the roles step's own formula
    assert "适用于：客服（agent）、见习客服主管（trainee_supervisor）、客服主管（supervisor）" in zh
    assert "考核结果 (assessment) = 优秀" in zh
    assert "Assessment (assessment) = Excellent" in en


def test_trace_shows_floor_looked_up_by_role(plan):
    result = only(plan, person("agent", "excellent", sales=9998))
    zh = explain_text(plan, result, "zh")
    assert "保底线 (guarantee.floor) = 1500.00 元" in zh
    assert "按岗位查保底表" in zh
    assert "不发给该岗位" not in zh


def test_explain_json_keeps_ids_and_shows_uncomputed_details_as_null(plan):
    result = only(plan, person("trainee", "excellent", sales=50000))
    text = explain_json(plan, result, "zh")
    assert '"value": "excellent"' in text
    assert '"name": "commission.base"' in text
    import json
    steps = {s["name"]: s for s in json.loads(text)["steps"]}
    assert steps["commission.base"]["value"] is None
    assert steps["commission.roles"]["value"] is False
    assert steps["commission"]["value"] == "0.00"


def test_a_role_outside_the_floor_table_never_reaches_the_lookup(plan):
    """The trainee has no floor (S4.1 names none): the guarantee is not computed for her at all."""
    result = only(plan, person("trainee", "fail", sales=0))
    assert traced(plan, result, "guarantee.floor") is None
    assert pay(result, "guarantee") == D("0.00")
    assert result.total == D("1000.00")


def test_cli_evaluates_an_s4_month_from_a_gb18030_export(tmp_path):
    """End to end: 岗位 and 考核结果 columns as a shop types them, S4.1–S4.3 paid to the fen."""
    import json

    policy = tmp_path / "s4.yaml"
    policy.write_text(S4, encoding="utf-8")
    rows = ["工号,月份,岗位,销售额,活动销售额,销售任务,考核结果",
            "t1,2026-11,见习,50000,0,10000,优秀",          # S4.1: 1000 + 200
            "a1,2026-11,客服,9998,,10000,优秀",            # S4.2: 1499.98 → 1500.00
            "a2,2026-11,客服,200000,50000,100000,合格",    # S4.3: 1200 + 2000 + 50
            "s1,2026-11,客服主管,1000,0,10000,未通过"]      # S4.5: 1500 + 10 → 2000
    metrics = tmp_path / "metrics.csv"
    metrics.write_bytes(("\r\n".join(rows) + "\r\n").encode("gb18030"))
    result = run("evaluate", "--policy", policy, "--metrics", metrics, "--format", "json")
    assert result.exit_code == 0, result.output
    found = {r["agent"]: (r["pay"]["total"], r["choices"]["assessment"])
             for r in json.loads(result.stdout)["results"]}
    assert found == {"t1": ("1200.00", "excellent"), "a1": ("1500.00", "excellent"),
                     "a2": ("3250.00", "pass"), "s1": ("2000.00", "fail")}


FLOORS = {"agent": D(1500), "trainee_supervisor": D(1800), "supervisor": D(2000)}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(role=st.sampled_from(["trainee", "agent", "trainee_supervisor", "supervisor"]),
       assessment=st.sampled_from(["excellent", "pass", "fail"]),
       sales=st.decimals(min_value=0, max_value=10**7, places=2),
       share=st.decimals(min_value=0, max_value=1, places=2),
       task=st.decimals(min_value=1, max_value=10**6, places=2))
def test_role_pay_invariants_S4(plan, role, assessment, sales, share, task):
    """Whatever the month: lines add up to the total; a component pays 0 to roles it is not paid to;
    a guaranteed role is paid at least its floor; campaign sales never raise the step bonus (S4.3)."""
    campaign = (sales * share).quantize(D("0.01"))
    result = only(plan, person(role, assessment, sales=sales, task=task, campaign_sales=campaign))
    paid = dict(result.pay)
    assert sum(paid.values()) == result.total
    if role == "trainee":
        assert paid["commission"] == paid["step_bonus"] == paid["guarantee"] == D("0.00")
    else:
        assert result.total >= FLOORS[role]
    if role != "agent":
        assert paid["step_bonus"] == D("0.00")
    without = only(plan, person(role, assessment, sales=sales, task=task))
    assert paid["step_bonus"] <= dict(without.pay)["step_bonus"]
    assert paid["commission"] == dict(without.pay)["commission"]


def test_a_trainee_without_a_task_is_paid_the_step_measure_is_never_computed(plan):
    """A trainee has no sales task (0): the agents' step bonus divides by it, but only for agents."""
    result = only(plan, person("trainee", "excellent", sales=0, task=0))
    assert traced(plan, result, "step_bonus.on") is None
    assert result.total == D("1200.00")


def test_an_agent_without_a_task_is_a_located_error(plan):
    from engine.errors import EvaluationError

    with pytest.raises(EvaluationError) as caught:
        only(plan, person("agent", "pass", sales=100, task=0))
    assert "cannot compute step_bonus.on" in str(caught.value)
    assert "division by zero" in str(caught.value)
