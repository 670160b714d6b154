"""Calendar facts in expressions (issue 16 item 7): the month's place in its quarter and year, months
since joining and days worked, as inputs of the plan, held identical through both back-ends.

S4.4/S4.5's quarterly excellence bonus is decided in the quarter's last month: policies/s4_path.yaml
pays it `when: closes_quarter and excellent_months == 3`, so a December close pays and a November one
does not, whatever the window's count says.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from engine.model.calendar_facts import month_of_quarter, period_fact, said, tenure_months
from engine.model.inputs import AgentInput, State
from engine.pipeline import prepare
from engine.report.explain import explain_json, explain_text
from engine.run.calendar_facts import NoJoinDate, calendar_block
from engine.run.evaluate import evaluate_period
from engine.run.interpret import interpreted
from tests.run.test_back_ends import agree

ROOT = Path(__file__).resolve().parents[2]
S4 = ROOT / "policies" / "s4_path.yaml"

POLICY = """\
jixiao: 1
policy:
  id: calendar-test
  version: "1"
  name: 日历事实测试
  effective_from: 2026-01-01
columns:
  joined: [入职日期]
metrics:
  sales: {label: 销售额, type: money}
kpis:
  result: {label: 完成情况, weight: 100, metric: sales, linear: {from: 0, to: 10000}}
score: {total: 100}
pay:
  base:
    label: 底薪
    kind: formula
    formula: 3000 * days_worked / days_in_month
  quarter_close:
    label: 季度末奖
    kind: fixed
    when: closes_quarter
    amount: 100
  year_close:
    label: 年终奖
    kind: fixed
    when: closes_year
    amount: 500
  seniority:
    label: 司龄津贴
    kind: formula
    formula: 10 * months_since_joining + month_of_quarter
"""


@pytest.mark.parametrize(("period", "place", "closes_quarter", "closes_year"), [
    ("2026-01", 1, False, False), ("2026-02", 2, False, False), ("2026-03", 3, True, False),
    ("2026-10", 1, False, False), ("2026-11", 2, False, False), ("2026-12", 3, True, True),
])
def test_period_facts_follow_the_calendar_quarter(period, place, closes_quarter, closes_year):
    """S4.4/S4.5: a quarter is three calendar months; its last closes it, and December closes the year."""
    assert month_of_quarter(period) == place
    assert period_fact("month_of_quarter", period) == Decimal(place)
    assert period_fact("closes_quarter", period) is closes_quarter
    assert period_fact("closes_year", period) is closes_year


def test_months_since_joining_is_the_review_s_tenure_S4_4():
    """The same count as a role review's tenure_months (one function): a day short is a month short."""
    assert tenure_months("2026-10-01", "2026-12") == 3
    assert tenure_months("2026-10-02", "2026-12") == 2
    assert tenure_months("2027-01-01", "2026-12") == 0
    names = ("months_since_joining", "closes_quarter")
    assert calendar_block(names, [AgentInput("a", "2026-12", {}, joined="2026-10-01")]) == [(Decimal(3), True)]


def test_JX268_no_join_date_and_the_policy_reads_months_since_joining():
    """An agent without 入职日期 is an error naming the row, never a count of zero months."""
    with pytest.raises(NoJoinDate) as caught:
        calendar_block(("months_since_joining",), [AgentInput("a1", "2026-11", {}, source="roster.csv:3")])
    assert caught.value.code == "JX268"
    assert str(caught.value) == ("roster.csv:3: agent a1 has no join date (入职日期) in the roster, and the policy "
                                 "reads months_since_joining in 2026-11; add the date to the roster")
    assert caught.value.lines("zh") == ["roster.csv:3：客服 a1 在花名册中没有入职日期，而方案在 2026-11 读取 "
                                        "months_since_joining（入职满月数）；请在花名册中补上入职日期"]


def _plan(tmp_path: Path, text: str = POLICY):
    path = tmp_path / "calendar.yaml"
    path.write_text(text, encoding="utf-8")
    plan, warnings = prepare(str(path))
    assert warnings == []
    return plan


def test_calendar_facts_are_inputs_only_when_read(tmp_path):
    """Each fact read is one input of the plan; days come in the days block, the others in `calendar`."""
    plan = _plan(tmp_path)
    blocks = {block.block.value: block.names for block in plan.blocks}
    assert blocks["days"] == ("days_worked", "days_in_month")
    assert blocks["calendar"] == ("month_of_quarter", "closes_quarter", "closes_year", "months_since_joining")
    s0, _ = prepare(str(ROOT / "policies" / "s0_shop.yaml"))
    assert "calendar" not in {block.block.value for block in s0.blocks}


@pytest.mark.parametrize(("period", "joined", "total"), [
    # 3000 × 30/30 + 10 × 11 whole months (January to November) + 2 (November is month 2 of its quarter)
    ("2026-11", "2026-01-01", "3112.00"),
    # 3000 × 31/31 + 100 (quarter) + 500 (year) + 10 × 12 + 3
    ("2026-12", "2026-01-01", "3723.00"),
    # joined 2026-12-16: 16 of 31 days, 0 whole months: 3000 × 16/31 = 1548.387… + 100 + 500 + 3
    ("2026-12", "2026-12-16", "2151.39"),
])
def test_calendar_facts_agree_through_both_back_ends(tmp_path, period, joined, total):
    plan = _plan(tmp_path)
    items = [AgentInput("a1", period, {"sales": Decimal(5000)}, joined=joined)]
    found = agree(plan, items)
    assert found[0] != "error"
    (result,) = evaluate_period(interpreted(plan), items)
    assert str(result.total) == total


def test_explain_says_where_a_fact_came_from(tmp_path):
    plan = _plan(tmp_path)
    (result,) = evaluate_period(plan, [AgentInput("a1", "2026-12", {"sales": Decimal(5000)}, joined="2026-10-01")],
                                trace=True)
    zh, en = explain_text(plan, result, "zh"), explain_text(plan, result, "en")
    assert "本月为季度末月 (closes_quarter) = 是" in zh and "本月为季度末月（2026-12）" in zh
    assert "本月为年末月（2026-12）" in zh and "2026-12 是季度的第 3 个月" in zh
    assert "按花名册入职日期，至 2026-12 月底满 3 个月" in zh
    assert "this month closes its quarter (2026-12)" in en
    assert '"from": "本月为季度末月（2026-12）"' in explain_json(plan, result, "zh")
    assert said("closes_quarter", False, "2026-11").zh == "本月不是季度末月（2026-11，季度第 2 个月）"


# -- S4.4/S4.5: the quarterly excellence bonus at the quarter's close ---------------------------------


def _s4_month(period: str):
    """A supervisor excellent this month, with two excellent earlier months on the window whatever the
    month (the ledger gives at most the quarter's own), and an agent in her team."""
    plan, _ = prepare(str(S4))
    items = [
        AgentInput("s1", period, {"sales": Decimal(10000), "campaign_sales": Decimal(0), "task": Decimal(10000),
                                  "assessment": "excellent"}, team="一组", role="supervisor", joined="2025-01-01"),
        AgentInput("a1", period, {"sales": Decimal(5000), "campaign_sales": Decimal(0), "task": Decimal(10000),
                                  "assessment": "pass"}, team="一组", role="agent", joined="2025-01-01"),
    ]
    state = State(windows={a: {"excellent_months": (True, True)} for a in ("s1", "a1")})
    return plan, items, state


@pytest.mark.parametrize(("period", "bonus", "total"), [
    # S4.5: 1500 base + 100 commission, topped up to the 2000 minimum, + 1000 at the quarter's close
    ("2026-12", "1000.00", "3000.00"),
    # November does not close a quarter: no bonus, even with three excellent months on the window
    ("2026-11", "0.00", "2000.00"),
])
def test_quarterly_excellence_is_paid_only_when_the_month_closes_the_quarter_S4_4_S4_5(period, bonus, total):
    plan, items, state = _s4_month(period)
    found = agree(plan, items, state)
    assert found[0] != "error"
    results = {r.agent: r for r in evaluate_period(plan, items, state, trace=True)}
    supervisor = results["s1"]
    assert str(dict(supervisor.pay)["quarterly_excellence"]) == bonus
    assert str(supervisor.total) == total
    steps = {s.name: s.slot for s in plan.steps}
    assert supervisor.trace[steps["excellent_months"]] == Decimal(3)
    assert supervisor.trace[steps["closes_quarter"]] is (period == "2026-12")


def test_lint_probes_the_months_that_close_a_quarter_and_a_year():
    """A bonus paid only at a quarter's or the year's close is not 'a component nothing can pay' (JX502):
    lint probes the three months from the first in force and the first December."""
    from engine.lint.probe import calendars
    from engine.lint.run import lint_policy
    from engine.policy.load import load_text

    found = lint_policy(load_text(POLICY.encode("utf-8"), "calendar.yaml"))
    assert [d.code for d in found if d.code == "JX502"] == []
    plan, _ = prepare(str(S4))
    assert calendars(plan) == [("2026-10", ""), ("2026-11", ""), ("2026-12", "")]
