"""The shipped S4 penalty clauses (policies/s4_path.yaml `penalties:`) to the fen: docs/rules.md
S4.P3–S4.P27, the Warnings paragraph (S4.W) and the law on deductions (L.1, L.2, L.4).

Each clause is fired by a small events file written here (tmp_path) against the shipped example
month (examples/s4): the pay components, the total and the JSON `penalties` entries are asserted
exactly. "Bonus" is excellent_bonus, step_bonus and the two team bonuses; "commission" is
commission. Agent 2006 (萧然, an agent, 优秀) earns 3250.04 without events, above Shanghai's minimum
wage (2740), so every effect shows on her: a cancelled bonus, a cancelled commission (the guaranteed
minimum 1500 then tops up), a deducted loss.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cli import main
from engine.model.events import Event
from engine.model.inputs import AgentInput
from engine.pipeline import prepare
from engine.run.evaluate import evaluate_period

D = Decimal
ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "policies" / "s4_path.yaml"
EXAMPLE = ROOT / "examples" / "s4"
HEADER = "工号,时间,类型,数值/秒,金额,订单号,备注\n"
CLAUSES = ("p3_wrong_note", "p4_info_not_noted", "p5_refund_missed", "p6_muted", "p7_bad_review_service",
           "p8_review_not_followed", "p9_post_empty", "p10_no_follow_up", "p11_noted_not_followed",
           "p12_review_missed", "p13_wrong_product_info", "p15_money_unreported", "p16_bargain_discount",
           "p19_price_change", "p21_tool_misuse", "p23_daily_report_missed", "p24_slow_day", "p24_over_200",
           "p24_no_reply", "p25_buyer_wait", "p26_return_caused", "p27_bad_review", "manager_warning",
           "manager_serious_warning", "discretionary_cancel")
# What the JSON report keeps of the clauses for a person with no events.
QUIET = {**dict.fromkeys(CLAUSES, "0"), "warnings": "0", "serious_warnings": "0",
         "p16_bargain_discount.charged": "0.00", "loss_deduction.carried_out": "0.00"}
ZERO_LINES = dict.fromkeys(("base", "commission", "excellent_bonus", "step_bonus", "team_bonus_trainee_supervisor",
                            "team_bonus_supervisor", "guarantee", "quarterly_excellence", "loss_deduction"), "0.00")
# 2006 without events: 1200 + 1 % of 160,004 + 200 (优秀) + step 250 (350.01 % without campaign sales).
PAY_2006 = {**ZERO_LINES, "base": "1200.00", "commission": "1600.04", "excellent_bonus": "200.00",
            "step_bonus": "250.00", "total": "3250.04"}
# Bonus cancelled: 1200 + 1600.04 = 2800.04, above the floor 1500.
NO_BONUS_2006 = {**PAY_2006, "excellent_bonus": "0.00", "step_bonus": "0.00", "total": "2800.04"}
# Bonus and commission cancelled: 1200 left, the guaranteed minimum (S4.2) tops up 300.00.
NO_BONUS_NO_COMMISSION_2006 = {**NO_BONUS_2006, "commission": "0.00", "guarantee": "300.00", "total": "1500.00"}
# 2001 (许峰, supervisor): 1500 + 150.00 + team bonus 300 = 1950.00, topped up 50.00 to 2000 (S4.5).
PAY_2001 = {**ZERO_LINES, "base": "1500.00", "commission": "150.00", "team_bonus_supervisor": "300.00",
            "guarantee": "50.00", "total": "2000.00"}


def events_file(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def evaluate(tmp_path: Path, rows: list[str], *, policy: Path = POLICY, metrics: Path = EXAMPLE / "metrics.csv",
             roster: Path = EXAMPLE / "roster.csv") -> dict[str, dict]:
    """Each agent's JSON result for 2026-10 with these events (rows: 工号,时间,类型,数值/秒,金额,订单号,备注)."""
    result = CliRunner().invoke(main, ["evaluate", "-p", str(policy), "-m", str(metrics), "-r", str(roster),
                                       "--period", "2026-10", "--events", str(events_file(tmp_path, rows)),
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    return {r["agent"]: r for r in json.loads(result.stdout)["results"]}


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


# -- every clause, its exact pay effect --------------------------------------------------------

CASES = [
    pytest.param(one("备注错误", "100.00"), {**PAY_2006, "loss_deduction": "-100.00", "total": "3150.04"},
                 {"p3_wrong_note": "1"}, id="S4.P3-wrong-note-loss-deducted"),
    pytest.param(one("信息未备注"), NO_BONUS_2006, {"p4_info_not_noted": "1"}, id="S4.P4-bonus-cancelled"),
    pytest.param(one("退款未跟进", "100.00"), {**PAY_2006, "loss_deduction": "-100.00", "total": "3150.04"},
                 {"p5_refund_missed": "1"}, id="S4.P5-refund-loss-deducted"),
    pytest.param(one("静音"), NO_BONUS_2006, {"p6_muted": "1"}, id="S4.P6-bonus-cancelled"),
    pytest.param(one("午间离岗"), NO_BONUS_2006, {"p6_muted": "1"}, id="S4.P6-lunch-alias"),
    # An unrevised review costs no shipping or compensation (金额 0): S4.P7 and S4.P27 both fire.
    pytest.param(one("中差评", "0"), NO_BONUS_NO_COMMISSION_2006, {"p7_bad_review_service": "1", "p27_bad_review": "1"},
                 id="S4.P7-S4.P27-bonus-and-commission-cancelled"),
    pytest.param(one("差评未跟进"), NO_BONUS_NO_COMMISSION_2006, {"p8_review_not_followed": "1"},
                 id="S4.P8-bonus-and-commission-cancelled"),
    pytest.param(one("空岗"), NO_BONUS_NO_COMMISSION_2006, {"p9_post_empty": "1"},
                 id="S4.P9-bonus-and-commission-cancelled"),
    pytest.param(one("未跟进"), NO_BONUS_2006, {"p10_no_follow_up": "1"}, id="S4.P10-first-occurrence"),
    pytest.param(one("备注未跟进"), NO_BONUS_2006, {"p11_noted_not_followed": "1"}, id="S4.P11-bonus-cancelled"),
    pytest.param(one("差评未发现"), NO_BONUS_2006, {"p12_review_missed": "1"}, id="S4.P12-bonus-cancelled"),
    pytest.param(one("商品信息错误"), NO_BONUS_2006, {"p13_wrong_product_info": "1"}, id="S4.P13-bonus-cancelled"),
    pytest.param(one("钱款未报告", "100.00"), {**PAY_2006, "loss_deduction": "-100.00", "total": "3150.04"},
                 {"p15_money_unreported": "1"}, id="S4.P15-amount-deducted"),
    pytest.param(one("议价优惠", "30.00"), PAY_2006,
                 {"p16_bargain_discount": "1", "p16_bargain_discount.charged": "30.00"},
                 id="S4.P16-charged-to-operations-not-deducted"),
    pytest.param(one("改价损失", "100.00"), {**PAY_2006, "loss_deduction": "-100.00", "total": "3150.04"},
                 {"p19_price_change": "1"}, id="S4.P19-price-loss-deducted"),
    pytest.param(one("工具误操作"), NO_BONUS_NO_COMMISSION_2006, {"p21_tool_misuse": "1"},
                 id="S4.P21-bonus-and-commission-cancelled"),
    pytest.param(one("日报未交"), NO_BONUS_2006, {"p23_daily_report_missed": "1"}, id="S4.P23-bonus-cancelled"),
    pytest.param(slow("2006", "12", 61, 4), NO_BONUS_2006, {"p24_slow_day": "1"}, id="S4.P24-four-slow-in-a-day"),
    pytest.param(one("首次响应", value="201"), NO_BONUS_NO_COMMISSION_2006, {"p24_over_200": "1"},
                 id="S4.P24-over-200-seconds"),
    pytest.param(one("未回复"), NO_BONUS_NO_COMMISSION_2006, {"p24_no_reply": "1"}, id="S4.P24-no-reply"),
    pytest.param(one("买家等待", value="301"), NO_BONUS_2006, {"p25_buyer_wait": "1"}, id="S4.P25-wait-over-300"),
    pytest.param(one("描述不符退换货", "100.00"), {**PAY_2006, "loss_deduction": "-100.00", "total": "3150.04"},
                 {"p26_return_caused": "1"}, id="S4.P26-shipping-and-compensation-deducted"),
    pytest.param(one("警告"), PAY_2006, {"manager_warning": "1", "warnings": "1"}, id="S4.W-warning-counted"),
    pytest.param(one("严重警告"), PAY_2006, {"manager_serious_warning": "1", "serious_warnings": "1"},
                 id="S4.W-serious-warning-counted"),
    pytest.param(one("酌情取消"), NO_BONUS_NO_COMMISSION_2006, {"discretionary_cancel": "1"},
                 id="S4.W-discretionary-cancellation"),
]


@pytest.mark.parametrize(("rows", "pay", "penalties"), CASES)
def test_each_clause_pays_2006_to_the_fen(tmp_path, rows, pay, penalties):
    """The clause's rule id is the case id (docs/rules.md S4.P3–S4.P27, S4.W)."""
    result = evaluate(tmp_path, rows)["2006"]
    assert paid(result) == pay
    assert result["penalties"] == {**QUIET, **penalties}


def test_every_clause_of_the_policy_has_a_case_here():
    fired = {name for case in CASES for name, count in case.values[2].items() if name in CLAUSES}
    assert fired == set(CLAUSES)


def test_S4_P27_a_revised_review_cancels_and_its_cost_is_owed(tmp_path):
    """S4.P27 (and S4.P7, the same review): bonus and commission go, and the shipping and compensation
    (12.50) are owed; after the cancellations 2006 is paid 1500.00, below the minimum wage 2740
    (L.1), so nothing is deducted this month and 12.50 is carried. The line is compared as a number
    here; its text is test_a_deduction_held_at_0_by_the_minimum_wage_reads_0_00."""
    result = evaluate(tmp_path, one("差评", "12.50"))["2006"]
    assert {k: D(v) for k, v in paid(result).items()} == {k: D(v) for k, v in NO_BONUS_NO_COMMISSION_2006.items()}
    assert result["penalties"] == {**QUIET, "p7_bad_review_service": "1", "p27_bad_review": "1",
                                   "loss_deduction.carried_out": "12.50"}


def test_S4_P23_cancels_a_supervisors_team_bonus_before_the_guaranteed_minimum(tmp_path):
    """S4.P23 on supervisor 2001: team bonus 300 cancelled, 1650.00 topped up to 2000 (S4.5)."""
    result = evaluate(tmp_path, one("日报未交", agent="2001"))["2001"]
    assert paid(result) == {**PAY_2001, "team_bonus_supervisor": "0.00", "guarantee": "350.00"}


def test_S4_P25_counts_each_wait_and_cancels_the_bonus_once(tmp_path):
    """S4.P25 "for each occurrence": three waits over 300 s are 3, the bonus goes once."""
    rows = [f"2006,2026-10-{day} 10:00:00,买家等待,301,,W{day}," for day in ("05", "05", "20")]
    rows[1] = rows[1].replace("10:00:00", "11:00:00")
    result = evaluate(tmp_path, rows)["2006"]
    assert paid(result) == NO_BONUS_2006
    assert result["penalties"] == {**QUIET, "p25_buyer_wait": "3"}


# -- boundaries ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "seconds", "pay", "fired"), [
    (3, 61, PAY_2006, "0"),  # 3 breaches in one day are not "more than 3"
    (4, 61, NO_BONUS_2006, "1"),
    (4, 60, PAY_2006, "0"),  # 60 s is within 60 s: no breach
])
def test_S4_P24_more_than_3_first_responses_over_60_s_in_one_day(tmp_path, count, seconds, pay, fired):
    result = evaluate(tmp_path, slow("2006", "12", seconds, count))["2006"]
    assert paid(result) == pay
    assert result["penalties"]["p24_slow_day"] == fired


@pytest.mark.parametrize(("seconds", "pay"), [(200, PAY_2006), (201, NO_BONUS_NO_COMMISSION_2006)])
def test_S4_P24_a_first_response_over_200_s(tmp_path, seconds, pay):
    assert paid(evaluate(tmp_path, one("首响", value=str(seconds)))["2006"]) == pay


@pytest.mark.parametrize(("seconds", "pay"), [(300, PAY_2006), ("5分1秒", NO_BONUS_2006), (301, NO_BONUS_2006)])
def test_S4_P25_a_wait_over_300_s(tmp_path, seconds, pay):
    """300 s is 5 minutes, not more; 301 s (also written 5分1秒) is."""
    assert paid(evaluate(tmp_path, one("买家等待", value=str(seconds)))["2006"]) == pay


def test_S4_P24_four_breaches_on_one_utc_day_that_fall_on_two_shanghai_days_do_not_cancel(tmp_path):
    """2026-10-12 14:00Z and 15:00Z are the 12th in Shanghai, 16:00Z and 17:00Z the 13th: 2 + 2."""
    rows = [f"2006,2026-10-12T{h}:00:00{z},首响,61,,U{h}," for h, z in (("14", "Z"), ("15", "Z"),
                                                                       ("16", "+00:00"), ("17", "+00:00"))]
    result = evaluate(tmp_path, rows)["2006"]
    assert paid(result) == PAY_2006
    assert result["penalties"]["p24_slow_day"] == "0"


def test_S4_P24_four_breaches_on_one_shanghai_day_written_in_utc_cancel(tmp_path):
    """2026-10-12 16:00Z–19:00Z are 00:00–03:00 on the 13th in Shanghai: one day, 4 breaches."""
    rows = [f"2006,2026-10-12T{h}:00:00Z,首响,61,,U{h}," for h in (16, 17, 18, 19)]
    assert paid(evaluate(tmp_path, rows)["2006"]) == NO_BONUS_2006


# -- precedence ---------------------------------------------------------------------------------


def test_two_clauses_cancelling_the_same_components_cancel_them_once(tmp_path):
    """S4.P4 and S4.P6 both cancel the bonus, S4.P9 and S4.P21 both cancel bonus and commission: each
    component is 0.00 once; nothing else moves and the guarantee tops up the same 300.00 (S4.2)."""
    result = evaluate(tmp_path, one("信息未备注") + one("静音") + one("空岗") + one("工具误操作"))["2006"]
    assert paid(result) == NO_BONUS_NO_COMMISSION_2006
    assert result["penalties"] == {**QUIET, "p4_info_not_noted": "1", "p6_muted": "1", "p9_post_empty": "1",
                                   "p21_tool_misuse": "1"}


def test_a_cancelled_bonus_is_topped_up_by_the_guaranteed_minimum(tmp_path):
    """S4.P24 on 1004 (1200 + 99.98 + 200 = 1499.98 → 1500.00): the excellent bonus is cancelled first,
    then the guarantee, which counts it, tops 1299.98 up to 1500.00 (S4.2)."""
    result = evaluate(tmp_path, slow("1004", "12", 61, 4))["1004"]
    assert paid(result) == {**ZERO_LINES, "base": "1200.00", "commission": "99.98", "guarantee": "200.02",
                            "total": "1500.00"}


def test_the_trace_keeps_what_a_cancelled_bonus_would_have_paid(tmp_path):
    """S4.P24: explain shows excellent_bonus.earned 200.00 under excellent_bonus 0.00."""
    events = events_file(tmp_path, slow("1004", "12", 61, 4))
    result = CliRunner().invoke(main, ["explain", "-p", str(POLICY), "-m", str(EXAMPLE / "metrics.csv"), "-r",
                                       str(EXAMPLE / "roster.csv"), "--period", "2026-10", "--events", str(events),
                                       "-a", "1004", "--format", "json", "--lang", "en"])
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

# One agent earning enough for the 20 % cap to bind: 400,123 of sales on a task of 100,000 (400.12 %:
# steps at 150 … 400 % = 300), 优秀. 1200 + 4001.23 + 200 + 300 = 5701.23.
RICH_PAY = {**ZERO_LINES, "base": "1200.00", "commission": "4001.23", "excellent_bonus": "200.00",
            "step_bonus": "300.00"}


def rich(tmp_path: Path) -> tuple[Path, Path]:
    metrics, roster = tmp_path / "metrics.csv", tmp_path / "roster.csv"
    metrics.write_text("工号,姓名,月份,组别,销售额,活动销售额,销售任务,考核结果\n"
                       "3001,钱多,2026-10,三组,400123,,100000,优秀\n", encoding="utf-8")
    roster.write_text("工号,姓名,岗位,组别\n3001,钱多,客服,三组\n", encoding="utf-8")
    return metrics, roster


def test_L1_the_20_percent_cap_binds_rounded_down_to_the_fen(tmp_path):
    """L.1: 5701.23 × 0.2 = 1140.246, rounded DOWN to 1140.24 (room above 2740 is 2961.23); of a loss of
    2000.00, 1140.24 is deducted and 859.76 carried."""
    metrics, roster = rich(tmp_path)
    result = evaluate(tmp_path, one("改价损失", "2000.00", agent="3001"), metrics=metrics, roster=roster)["3001"]
    assert paid(result) == {**RICH_PAY, "loss_deduction": "-1140.24", "total": "4560.99"}
    assert result["penalties"] == {**QUIET, "p19_price_change": "1", "loss_deduction.carried_out": "859.76"}


def test_L1_L4_the_minimum_wage_binds(tmp_path):
    """L.1, L.4: 2006's 3250.04 − 2740 = 510.04 is less than the cap 650.00; of 800.00, 510.04 is
    deducted, 289.96 carried, and 2740.00 is paid."""
    result = evaluate(tmp_path, one("改价损失", "800.00"))["2006"]
    assert paid(result) == {**PAY_2006, "loss_deduction": "-510.04", "total": "2740.00"}
    assert result["penalties"] == {**QUIET, "p19_price_change": "1", "loss_deduction.carried_out": "289.96"}


def test_L1_losses_of_several_clauses_add_up_before_the_guard(tmp_path):
    """S4.P3 50.00 + S4.P5 20.00 + S4.P15 30.50 + S4.P26 35.00 = 135.50, under 2006's cap and room."""
    rows = [*one("备注错误", "50.00"), *one("退款未跟进", "20.00"), *one("钱款未报告", "30.50"),
            *one("描述不符退换货", "35")]
    result = evaluate(tmp_path, rows)["2006"]
    assert paid(result) == {**PAY_2006, "loss_deduction": "-135.50", "total": "3114.54"}


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
    explained = CliRunner().invoke(main, ["explain", "-p", str(policy), "-m", str(EXAMPLE / "metrics.csv"), "-r",
                                          str(EXAMPLE / "roster.csv"), "--period", "2026-10", "--events",
                                          str(tmp_path / "events.csv"), "-a", "2006", "--format", "json"])
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
    result = CliRunner().invoke(main, ["validate", str(policy)])
    assert result.output.strip().splitlines()[-1] == "已检查 1 个文件：0 个错误，1 个警告"
    assert "JX275" in result.output


def test_L1_validate_warns_when_the_legal_guard_is_off(tmp_path):
    policy = variant(tmp_path, ("  guard: on\n", "  guard: off\n"))
    result = CliRunner().invoke(main, ["validate", str(policy)])
    assert result.output.strip().splitlines()[-1] == "已检查 1 个文件：0 个错误，1 个警告"
    assert "JX276" in result.output


def test_a_deducting_clause_without_deductions_is_an_error(tmp_path):
    text = POLICY.read_text(encoding="utf-8")
    policy = tmp_path / "s4_no_deductions.yaml"
    policy.write_text(text[:text.index("\ndeductions:")] + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(policy)])
    assert result.exit_code == 1
    assert "JX274" in result.output


def test_a_deduction_held_at_0_by_the_minimum_wage_reads_0_00(tmp_path):
    """L.1: 1007 is paid 1500.00 after S4.P27 cancels; the 12.50 owed cannot be taken."""
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
    events = events_file(tmp_path, ["2006,2026-10-31T16:30:00Z,首响,61,,N1,"])
    result = CliRunner().invoke(main, ["evaluate", "-p", str(POLICY), "-m", str(EXAMPLE / "metrics.csv"), "-r",
                                       str(EXAMPLE / "roster.csv"), "--period", "2026-10", "--events", str(events)])
    assert result.exit_code == 1
    assert "第 2 行" in result.stderr
    assert "事件时间 2026-11-01 00:30:00（Asia/Shanghai）不在 2026-10 内" in result.stderr


@pytest.mark.parametrize(("row", "column", "message"), [
    ("2006,2026-10-12 10:00:00,首响,,,F1,", "数值/秒", "首次响应事件需要数值（秒）：方案中有罚则比较它的数值"),
    ("2006,2026-10-12 10:00:00,改价损失,,,P1,", "金额", "改价损失事件需要金额（元，即损失）"),  # S4.P19
])
def test_an_event_a_clause_reads_the_value_or_amount_of_needs_one(tmp_path, row, column, message):
    """S4.P24 / S4.P19: never an event silently not counted, never a loss of 0."""
    events = events_file(tmp_path, [row])
    result = CliRunner().invoke(main, ["evaluate", "-p", str(POLICY), "-m", str(EXAMPLE / "metrics.csv"), "-r",
                                       str(EXAMPLE / "roster.csv"), "--period", "2026-10", "--events", str(events)])
    assert result.exit_code == 1
    assert f"events.csv：第 2 行，列 {column}：{message}" in result.output


# -- the example month (examples/s4/events-2026-10.csv) -----------------------------------------

EXAMPLE_TOTALS = {"1001": "1800.00", "1002": "1000.00", "1003": "1000.00", "1004": "1500.00", "1005": "1550.00",
                  "1006": "1500.00", "1007": "1500.00", "1008": "1700.00", "2001": "2000.00", "2002": "1000.00",
                  "2003": "1500.00", "2004": "1500.00", "2005": "1500.00", "2006": "2740.00"}


def test_the_example_events_month_pays_each_person_and_fires_every_clause():
    """examples/README.md's S4 events table: totals, the carried losses, the charge, the warnings."""
    result = CliRunner().invoke(main, ["evaluate", "-p", str(POLICY), "-m", str(EXAMPLE / "metrics.csv"), "-r",
                                       str(EXAMPLE / "roster.csv"), "--period", "2026-10", "--events",
                                       str(EXAMPLE / "events-2026-10.csv"), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["agent"]: r for r in json.loads(result.stdout)["results"]}
    assert {agent: r["pay"]["total"] for agent, r in rows.items()} == EXAMPLE_TOTALS
    assert sum(D(total) for total in EXAMPLE_TOTALS.values()) == D("21790.00")
    fired = {name for r in rows.values() for name, count in r["penalties"].items() if name in CLAUSES and D(count)}
    assert fired == set(CLAUSES)
    carried = {a: r["penalties"]["loss_deduction.carried_out"] for a, r in rows.items()
               if D(r["penalties"]["loss_deduction.carried_out"])}
    assert carried == {"1005": "50.00", "1007": "12.50", "2004": "100.00", "2005": "55.00", "2006": "289.96"}
    assert rows["2006"]["pay"]["components"]["loss_deduction"] == "-510.04"
    assert rows["2006"]["penalties"]["p16_bargain_discount.charged"] == "30.00"
    assert (rows["1001"]["penalties"]["p24_slow_day"], rows["1005"]["penalties"]["p24_slow_day"],
            rows["1004"]["penalties"]["p24_slow_day"]) == ("0", "0", "1")
    assert rows["1002"]["penalties"]["p25_buyer_wait"] == "2"
    assert [(a, r["penalties"]["warnings"], r["penalties"]["serious_warnings"]) for a, r in rows.items()
            if r["penalties"]["warnings"] != "0" or r["penalties"]["serious_warnings"] != "0"] == [
        ("1001", "1", "0"), ("1003", "1", "0"), ("2001", "0", "1")]


# -- the remainder carried to the next month (L.1, `jixiao run`) --------------------------------


def run_month(tmp_path: Path, month: str, rows: list[str]) -> dict:
    """`jixiao run` of 2006 alone for `month` into tmp_path's ledger; her recorded JSON for that month."""
    metrics, roster = tmp_path / f"metrics-{month}.csv", tmp_path / "roster.csv"
    metrics.write_text(f"工号,姓名,月份,组别,销售额,活动销售额,销售任务,考核结果\n2006,萧然,{month},二组,160004,20000,40000,优秀\n",
                       encoding="utf-8")
    roster.write_text("工号,姓名,岗位,组别,入职日期\n2006,萧然,客服,二组,2025-01-01\n", encoding="utf-8")
    events = tmp_path / f"events-{month}.csv"
    events.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    db = str(tmp_path / "ledger.db")
    ran = CliRunner().invoke(main, ["run", "--period", month, "-p", str(POLICY), "-m", str(metrics), "-r", str(roster),
                                    "--events", str(events), "--db", db])
    assert ran.exit_code == 0, ran.output
    shown = CliRunner().invoke(main, ["show", "--period", month, "--agent", "2006", "--db", db, "--format", "json"])
    assert shown.exit_code == 0, shown.output
    return {s["name"]: s["value"] for s in json.loads(shown.stdout)["steps"]}


def test_L1_the_remainder_is_recorded_in_the_ledger(tmp_path):
    """October: 800.00 owed, 510.04 taken (minimum wage), 289.96 recorded as carried out."""
    october = run_month(tmp_path, "2026-10", one("改价损失", "800.00"))
    assert (october["loss_deduction"], october["loss_deduction.carried_out"], october["total"]) == (
        "-510.04", "289.96", "2740.00")


def test_L1_the_remainder_carried_is_deducted_next_month(tmp_path):
    """November, no events: 289.96 carried in, within the room of 510.04: −289.96, 2960.08 paid."""
    run_month(tmp_path, "2026-10", one("改价损失", "800.00"))
    november = run_month(tmp_path, "2026-11", [])
    assert (november["loss_deduction.carried_in"], november["loss_deduction"], november["total"]) == (
        "289.96", "-289.96", "2960.08")


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


NAMES = {"1001": "林晓", "1002": "何琳", "1003": "高远", "1004": "罗敏", "1005": "梁静", "1006": "宋佳", "1007": "唐薇",
         "1008": "韩雪", "2001": "许峰", "2002": "邓超", "2003": "曹宇", "2004": "彭丽", "2005": "曾凡", "2006": "萧然"}


@pytest.mark.parametrize("agent", sorted(EXAMPLE_TOTALS))
def test_explain_of_every_person_of_the_example_events_month(agent):
    """Every clause of the policy cancels the bonuses of all roles, paid or not (a trainee has no team
    bonus): explain must still show each person's month, ending with the pay summary."""
    result = CliRunner().invoke(main, ["explain", "-p", str(POLICY), "-m", str(EXAMPLE / "metrics.csv"), "-r",
                                       str(EXAMPLE / "roster.csv"), "--period", "2026-10", "--events",
                                       str(EXAMPLE / "events-2026-10.csv"), "-a", agent])
    assert result.exit_code == 0, result.output
    summary = [line for line in result.stdout.splitlines() if line.startswith(f"{agent} {NAMES[agent]} 2026-10 ")]
    assert len(summary) == 1
    assert f"应发 {EXAMPLE_TOTALS[agent]} 元" in summary[0]
