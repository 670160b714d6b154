"""The shipped S4 penalty clauses (policies/s4_path.yaml `penalties:`): docs/rules.md S4.P3–S4.P27,
the Warnings paragraph (S4.W) and the law on deductions (L.1, L.2, L.4), beyond the scenario cases.

Each clause's pay effect to the fen, its boundaries, the guard's cap and minimum wage, the example
events month and a loss carried into the next month are the scenarios of tests/scenarios/s4/
(clauses.yaml, penalty_month.yaml, carried_loss.yaml). Here: what the explanation shows, variants of
the policy (`guard: off`, `remainder: drop`, fixed amounts, `when:`, `per: week / month`, a dated
minimum wage), what validate says, events refused, and the guard as an invariant. "Bonus" is
excellent_bonus, step_bonus and the two team bonuses; "commission" is commission. Agent 2006 (萧然, an
agent, 优秀) earns 3250.04 without events, above Shanghai's minimum wage (2740), so every effect shows
on her: a cancelled bonus, a cancelled commission (the guaranteed minimum 1500 then tops up), a
deducted loss.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from harness.cli import results_by_agent, run
from harness.files import events_file
from harness.paths import S4_EVENTS, S4_METRICS, S4_POLICY, S4_ROSTER
from harness.scenarios import load_cases
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.model.events import Event
from engine.model.inputs import AgentInput
from engine.pipeline import prepare
from engine.run.evaluate import evaluate_period

D = Decimal
POLICY = S4_POLICY
SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios" / "s4"
CLAUSES = ("p3_wrong_note", "p4_info_not_noted", "p5_refund_missed", "p6_muted", "p7_bad_review_service",
           "p8_review_not_followed", "p9_post_empty", "p10_no_follow_up", "p11_noted_not_followed",
           "p12_review_missed", "p13_wrong_product_info", "p15_money_unreported", "p16_bargain_discount",
           "p19_price_change", "p21_tool_misuse", "p23_daily_report_missed", "p24_slow_day",
           "p24_over_200_or_no_reply", "p25_buyer_wait", "p26_return_caused", "p27_bad_review", "manager_warning",
           "manager_serious_warning", "discretionary_cancel")
# What the JSON report keeps of the clauses for a person with no events.
QUIET = {**dict.fromkeys(CLAUSES, "0"), "warnings": "0", "serious_warnings": "0",
         "p16_bargain_discount.charged": "0.00", "loss_deduction.carried_out": "0.00"}
ZERO_LINES = dict.fromkeys(("base", "commission", "excellent_bonus", "step_bonus", "team_bonus", "guarantee",
                            "quarterly_excellence", "loss_deduction"), "0.00")
# 2006 without events: 1200 + 1 % of 160,004 + 200 (优秀) + step 250 (350.01 % without campaign sales).
PAY_2006 = {**ZERO_LINES, "base": "1200.00", "commission": "1600.04", "excellent_bonus": "200.00",
            "step_bonus": "250.00", "total": "3250.04"}
# Bonus cancelled: 1200 + 1600.04 = 2800.04, above the floor 1500.
NO_BONUS_2006 = {**PAY_2006, "excellent_bonus": "0.00", "step_bonus": "0.00", "total": "2800.04"}


def evaluate(tmp_path: Path, rows: list[str], *, policy: Path = POLICY, metrics: Path = S4_METRICS,
             roster: Path = S4_ROSTER) -> dict[str, dict]:
    """Each agent's JSON result for 2026-10 with these events (rows: 工号,时间,类型,数值/秒,金额,订单号,备注)."""
    return results_by_agent(run("evaluate", "-p", policy, "-m", metrics, "-r", roster, "--period", "2026-10",
                                "--events", events_file(tmp_path / "events.csv", rows), "--format", "json"))


def paid(result: dict) -> dict[str, str]:
    return {**result["pay"]["components"], "total": result["pay"]["total"]}


def variant(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    """The shipped policy with each (old, new) text replaced once, written to tmp_path."""
    text = POLICY.read_text(encoding="utf-8")
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "s4_variant.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def slow(agent: str, day: str, seconds: int, count: int) -> list[str]:
    """`count` first responses of `seconds` on 2026-10-`day`, Shanghai time."""
    return [f"{agent},2026-10-{day} 10:{i:02d}:00,首响,{seconds},,{agent}-{day}-{i}," for i in range(count)]


def one(kind: str, amount: str = "", agent: str = "2006", value: str = "") -> list[str]:
    return [f"{agent},2026-10-12 10:00:00,{kind},{value},{amount},{agent}-1,"]


def test_every_clause_of_the_policy_has_a_scenario_case():
    """tests/scenarios/s4/clauses.yaml fires every clause of the policy (the rule id starts a case's name)."""
    fired = {check.key for case in load_cases(SCENARIOS / "clauses.yaml") for check in case.months[-1].checks
             if check.field == "penalties" and check.key in CLAUSES and check.want != "0"}
    assert fired == set(CLAUSES)


def test_the_trace_keeps_what_a_cancelled_bonus_would_have_paid(tmp_path):
    """S4.P24: explain shows excellent_bonus.earned 200.00 under excellent_bonus 0.00."""
    events = events_file(tmp_path / "events.csv", slow("1004", "12", 61, 4))
    result = run("explain", "--full",
                 "-p", POLICY, "-m", S4_METRICS, "-r", S4_ROSTER, "--period", "2026-10", "--events", events,
                 "-a", "1004", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    steps = {s["name"]: s["value"] for s in json.loads(result.stdout)["steps"]}
    assert (steps["excellent_bonus"], steps["excellent_bonus.earned"], steps["p24_slow_day"]) == ("0.00", "200.00",
                                                                                                  "1")


def test_deductions_come_after_the_guaranteed_minimum(tmp_path):
    """L.1 on 1004 with a minimum wage of 1000 (so the deduction can be seen): the gross is 1500.00
    with the 0.02 top-up; cap 300.00, room 500.00, a loss of 100.00 is deducted in full and the
    total, 1400.00, stays below the guarantee: the guarantee does not top the deduction up."""
    policy = variant(tmp_path, ("amount: 2740}", "amount: 1000}"))
    result = evaluate(tmp_path, one("改价损失", "100.00", agent="1004"), policy=policy)["1004"]
    assert paid(result) == {**ZERO_LINES, "base": "1200.00", "commission": "99.98", "excellent_bonus": "200.00",
                            "guarantee": "0.02", "loss_deduction": "-100.00", "total": "1400.00"}


# -- the legal guard (L.1, L.4) -----------------------------------------------------------------

def test_guard_off_deducts_the_whole_loss_even_below_the_minimum_wage(tmp_path):
    """`guard: off`: 800.00 is deducted whole and 2450.04 is paid, below 2740 (L.1 no longer applies)."""
    policy = variant(tmp_path, ("  guard: on\n", "  guard: off\n"))
    result = evaluate(tmp_path, one("改价损失", "800.00"), policy=policy)["2006"]
    assert paid(result) == {**PAY_2006, "loss_deduction": "-800.00", "total": "2450.04"}
    assert result["penalties"]["loss_deduction.carried_out"] == "0.00"


def test_remainder_drop_keeps_nothing_for_later(tmp_path):
    """`remainder: drop`: the same 510.04 is deducted; the 289.96 over the minimum wage is not carried
    (no `loss_deduction.carried_out` entry), the trace names it dropped."""
    policy = variant(tmp_path, ("  remainder: carry", "  remainder: drop"))
    rows = one("改价损失", "800.00")
    result = evaluate(tmp_path, rows, policy=policy)["2006"]
    assert paid(result) == {**PAY_2006, "loss_deduction": "-510.04", "total": "2740.00"}
    assert result["penalties"] == {k: v for k, v in {**QUIET, "p19_price_change": "1"}.items()
                                   if k != "loss_deduction.carried_out"}
    explained = run("explain", "--full",
                    "-p", policy, "-m", S4_METRICS, "-r", S4_ROSTER, "--period", "2026-10", "--events",
                    tmp_path / "events.csv", "-a", "2006", "--format", "json")
    assert explained.exit_code == 0, explained.output
    steps = {s["name"]: s["value"] for s in json.loads(explained.stdout)["steps"]}
    assert steps["loss_deduction.dropped"] == "289.96"


def test_a_fixed_amount_per_firing_still_computes(tmp_path):
    """L.2: `deducts: {amount: 50}` is a fine, not a loss; it is still computed: the clause fires once
    in the month (two events), so 50.00 is deducted whatever the events' 金额. validate is to warn
    about it (test_L2_validate_warns_about_a_fixed_amount_per_breach)."""
    policy = variant(tmp_path, ("    kind: price_change\n    deducts: loss",
                                "    kind: price_change\n    deducts: {amount: 50}"))
    rows = one("改价损失", "800.00") + [row.replace("10:00:00", "11:00:00") for row in one("改价损失", "1.00")]
    result = evaluate(tmp_path, rows, policy=policy)["2006"]
    assert paid(result) == {**PAY_2006, "loss_deduction": "-50.00", "total": "3200.04"}


def test_L2_validate_warns_about_a_fixed_amount_per_breach(tmp_path):
    policy = variant(tmp_path, ("    kind: price_change\n    deducts: loss",
                                "    kind: price_change\n    deducts: {amount: 50}"))
    result = run("validate", policy)
    assert result.output.strip().splitlines()[-1] == "已检查 1 个文件：0 个错误，1 个警告"
    assert "JX275" in result.output


def test_L1_validate_warns_when_the_legal_guard_is_off(tmp_path):
    policy = variant(tmp_path, ("  guard: on\n", "  guard: off\n"))
    result = run("validate", policy)
    assert result.output.strip().splitlines()[-1] == "已检查 1 个文件：0 个错误，1 个警告"
    assert "JX276" in result.output


def test_a_deducting_clause_without_deductions_is_an_error(tmp_path):
    text = POLICY.read_text(encoding="utf-8")
    policy = tmp_path / "s4_no_deductions.yaml"
    policy.write_text(text[:text.index("\ndeductions:")] + "\n", encoding="utf-8")
    result = run("validate", policy)
    assert result.exit_code == 1
    assert "JX274" in result.output


def test_a_deduction_held_at_0_by_the_minimum_wage_reads_0_00(tmp_path):
    """L.1: 1007 is paid 1500.00 after S4.P27 cancels; the 12.50 owed cannot be taken, and the report
    says 0.00, never -0.00 (her pay to the fen is a case of tests/scenarios/s4/clauses.yaml)."""
    result = evaluate(tmp_path, one("差评", "12.50", agent="1007"))["1007"]
    assert result["pay"]["components"]["loss_deduction"] == "0.00"


def test_the_minimum_wage_is_the_one_in_force_for_the_month(tmp_path):
    """L.4: with 2740 moved to 2026-10-20, October's minimum wage is still 2740 (the highest in force on
    any day of the month); moved to 2026-11-01, October's is 2690: room 560.04 > 510.04."""
    rows = one("改价损失", "800.00")
    late = variant(tmp_path, ("{from: 2025-07-01, amount: 2740}", "{from: 2026-10-20, amount: 2740}"))
    assert paid(evaluate(tmp_path, rows, policy=late)["2006"])["loss_deduction"] == "-510.04"
    later = variant(tmp_path, ("{from: 2025-07-01, amount: 2740}", "{from: 2026-11-01, amount: 2740}"))
    assert paid(evaluate(tmp_path, rows, policy=later)["2006"])["loss_deduction"] == "-560.04"


# -- when:, per: week, per: month ---------------------------------------------------------------


@pytest.mark.parametrize(("agent", "pay"), [
    ("2006", NO_BONUS_2006),  # 160,004 of sales: the clause applies
    ("1007", {**ZERO_LINES, "base": "1200.00", "commission": "400.00", "excellent_bonus": "200.00",
              "step_bonus": "100.00", "total": "1900.00"}),  # 40,000: it does not
])
def test_when_gates_a_clause(tmp_path, agent, pay):
    """S4.P13 with `when: sales >= 100000`: the event is counted for both, it cancels only for 2006."""
    policy = variant(tmp_path, ("    kind: wrong_product_info\n",
                                "    kind: wrong_product_info\n    when: sales >= 100000\n"))
    result = evaluate(tmp_path, one("商品信息错误", agent=agent), policy=policy)[agent]
    assert paid(result) == pay
    assert result["penalties"]["p13_wrong_product_info"] == ("1" if agent == "2006" else "0")


DAILY = "    value_over: 60\n    count_over: 3\n    per: day\n"
WEEKLY, MONTHLY = (DAILY, DAILY.replace("day", "week")), (DAILY, DAILY.replace("day", "month"))


@pytest.mark.parametrize(("rows", "pay"), [
    # Saturday 10th and Sunday 11th: one week (Monday 5th – Sunday 11th), 4 breaches
    (slow("2006", "10", 61, 2) + slow("2006", "11", 61, 2), NO_BONUS_2006),
    # Sunday 18th and Monday 19th: two weeks, 2 + 2
    (slow("2006", "18", 61, 2) + slow("2006", "19", 61, 2), PAY_2006),
    # 2026-10-18T16:30Z is Monday 19th 00:30 in Shanghai (Sunday in UTC): one week with Monday's two
    ([f"2006,2026-10-18T16:{m}:00Z,首响,61,,Z{m}," for m in (30, 31)] + slow("2006", "19", 61, 2), NO_BONUS_2006),
])
def test_per_week_counts_monday_to_sunday_in_shanghai(tmp_path, rows, pay):
    """S4.P24's count per natural week instead of per day (a policy variant)."""
    assert paid(evaluate(tmp_path, rows, policy=variant(tmp_path, WEEKLY))["2006"]) == pay


@pytest.mark.parametrize(("rows", "pay"), [
    (slow("2006", "01", 61, 1) + slow("2006", "15", 61, 1) + slow("2006", "31", 61, 1), PAY_2006),
    # 2026-09-30T16:30Z is 1 October 00:30 in Shanghai: the 4th breach of October
    (["2006,2026-09-30T16:30:00Z,首响,61,,Z1,", *slow("2006", "15", 61, 2), *slow("2006", "31", 61, 1)],
     NO_BONUS_2006),
])
def test_per_month_counts_the_shanghai_month(tmp_path, rows, pay):
    assert paid(evaluate(tmp_path, rows, policy=variant(tmp_path, MONTHLY))["2006"]) == pay


def test_an_event_of_another_shanghai_month_is_refused_with_its_row(tmp_path):
    """`outside: refuse`: 2026-10-31T16:30Z is 1 November in Shanghai; the file's row 2 is named."""
    events = events_file(tmp_path / "events.csv", ["2006,2026-10-31T16:30:00Z,首响,61,,N1,"])
    result = run("evaluate", "-p", POLICY, "-m", S4_METRICS, "-r", S4_ROSTER, "--period", "2026-10", "--events", events)
    assert result.exit_code == 1
    assert "第 2 行" in result.stderr
    assert "事件时间 2026-11-01 00:30:00（Asia/Shanghai）不在 2026-10 内" in result.stderr


@pytest.mark.parametrize(("row", "column", "message"), [
    ("2006,2026-10-12 10:00:00,首响,,,F1,", "数值/秒", "首次响应事件需要数值（秒）：方案中有罚则比较它的数值"),
    ("2006,2026-10-12 10:00:00,改价损失,,,P1,", "金额", "改价损失事件需要金额（元，即损失）"),  # S4.P19
])
def test_an_event_a_clause_reads_the_value_or_amount_of_needs_one(tmp_path, row, column, message):
    """S4.P24 / S4.P19: never an event silently not counted, never a loss of 0."""
    events = events_file(tmp_path / "events.csv", [row])
    result = run("evaluate", "-p", POLICY, "-m", S4_METRICS, "-r", S4_ROSTER, "--period", "2026-10", "--events", events)
    assert result.exit_code == 1
    assert f"events.csv：第 2 行，列 {column}：{message}" in result.output


# -- the guard as an invariant (L.1) ------------------------------------------------------------


@pytest.fixture(scope="module")
def plan():
    found, warnings = prepare(str(POLICY))
    assert warnings == []
    return found


@settings(max_examples=60, deadline=None)
@given(sales=st.integers(0, 1_000_000), loss=st.integers(0, 500_000))
def test_L1_a_deduction_never_exceeds_the_cap_nor_takes_pay_below_the_minimum_wage(plan, sales, loss):
    """L.1 for any month of an agent (sales in yuan, loss in fen): the line is −min(owed, ⌊20 %⌋, pay
    above 2740), what is not taken is carried, and the pay never drops below min(gross, 2740)."""
    at = datetime(2026, 10, 12, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    event = Event("a", at, at.date(), "price_change", None, D(loss) / 100, "P1", "", "test")
    values = {"sales": D(sales), "campaign_sales": D(0), "task": D(10000), "assessment": "excellent"}
    (result,) = evaluate_period(plan, [AgentInput("a", "2026-10", values, team="一组", role="agent",
                                                  events=(event,))])
    pay = dict(result.pay)
    gross = result.total - pay["loss_deduction"]
    taken = -pay["loss_deduction"]
    cap = (gross * D("0.2")).quantize(D("0.01"), ROUND_DOWN)
    assert taken == min(D(loss) / 100, cap, max(gross - 2740, D(0)))
    assert dict(result.penalties)["loss_deduction.carried_out"] == D(loss) / 100 - taken
    assert result.total >= min(gross, D(2740))


# The example events month's totals: tests/scenarios/s4/penalty_month.yaml.
EXAMPLE_TOTALS = load_cases(SCENARIOS / "penalty_month.yaml")[0].wanted("total")
NAMES = {"1001": "林晓", "1002": "何琳", "1003": "高远", "1004": "罗敏", "1005": "梁静", "1006": "宋佳", "1007": "唐薇",
         "1008": "韩雪", "2001": "许峰", "2002": "邓超", "2003": "曹宇", "2004": "彭丽", "2005": "曾凡", "2006": "萧然"}


@pytest.mark.parametrize("agent", sorted(EXAMPLE_TOTALS))
def test_explain_of_every_person_of_the_example_events_month(agent):
    """Every clause of the policy cancels the bonuses of all roles, paid or not (a trainee has no team
    bonus): explain must still show each person's month, ending with the pay summary."""
    result = run("explain", "--full",
                 "-p", POLICY, "-m", S4_METRICS, "-r", S4_ROSTER, "--period", "2026-10", "--events",
                 S4_EVENTS, "-a", agent)
    assert result.exit_code == 0, result.output
    summary = [line for line in result.stdout.splitlines() if line.startswith(f"{agent} {NAMES[agent]} 2026-10 ")]
    assert len(summary) == 1
    assert f"应发 {EXAMPLE_TOTALS[agent]} 元" in summary[0]
