"""Loss deductions within the law (L.1, L.4): at most 20 % of the month's wage, never below the
minimum wage, the remainder carried to the next month through the ledger and paid off there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from harness.cli import run
from harness.files import events_file
from harness.paths import EXAMPLES, S0_POLICY

S0 = EXAMPLES / "s0"
# S0 agent 1001 earns base 3000.00 + performance 579.02 = 3579.02 in 2026-10 before any deduction.
CLAUSES = """
events:
  zone: Asia/Shanghai
  kinds:
    price_loss: {label: 改价损失}
    discount: {label: 议价优惠}
    report_missed: {label: 日报未交}

penalties:
  price_change:
    label: {zh: 擅自改价造成损失, en: Unauthorised price change}
    rule: S4.P19
    kind: price_loss
    per: event
    deducts: loss
  bargain:
    label: {zh: 议价优惠, en: Discount while bargaining}
    rule: S4.P16
    kind: discount
    per: event
    charges: {zh: 运营部提成, en: the operations team's commission}
  report:
    label: {zh: 日报未交, en: Daily report missed}
    rule: S4.P23
    kind: report_missed
    per: event
    warns: serious_warning

deductions:
  minimum_wage:
    - {from: 2024-07-01, amount: 2690}
    - {from: 2025-07-01, amount: 2740}
"""


def policy(tmp_path: Path, extra: str = "", clauses: str = CLAUSES) -> Path:
    path = tmp_path / "shop.yaml"
    path.write_text(S0_POLICY.read_text(encoding="utf-8") + clauses + extra,
                    encoding="utf-8")
    return path


def events(tmp_path: Path, rows: list[str], name: str = "events.csv") -> Path:
    """1001's events (rows: 时间,类型,数值/秒,金额,订单号,备注)."""
    return events_file(tmp_path / name, [f"1001,{row}" for row in rows])


def evaluate_1001(tmp_path: Path, rows: list[str], **kwargs) -> dict:
    result = run("evaluate", "-p", policy(tmp_path, **kwargs), "-m", S0 / "metrics.csv", "-r", S0 / "roster.csv",
                 "--period", "2026-10", "--events", events(tmp_path, rows), "--format", "json")
    assert result.exit_code == 0, result.output
    (mine,) = [r for r in json.loads(result.stdout)["results"] if r["agent"] == "1001"]
    return mine


def test_L1_the_20_percent_cap_binds_and_the_rest_is_carried(tmp_path):
    """800.00 lost (S4.P19); 20 % of 3579.02 is 715.804, rounded down to 715.80; 84.20 carries."""
    mine = evaluate_1001(tmp_path, ["2026-10-13 10:00,改价损失,,800,P1,"])
    assert mine["pay"] == {"total": "2863.22", "components": {
        "base": "3000.00", "performance": "579.02", "loss_deduction": "-715.80"}}
    assert mine["penalties"]["loss_deduction.carried_out"] == "84.20"


def test_L1_a_loss_under_the_cap_is_deducted_whole(tmp_path):
    mine = evaluate_1001(tmp_path, ["2026-10-13 10:00,改价损失,,300.5,P1,", "2026-10-14 10:00,改价损失,,0.5,P2,"])
    assert mine["pay"]["components"]["loss_deduction"] == "-301.00"
    assert mine["pay"]["total"] == "3278.02"
    assert mine["penalties"] == {"price_change": "2", "bargain": "0", "report": "0", "serious_warnings": "0",
                                 "bargain.charged": "0.00", "loss_deduction.carried_out": "0.00"}


def test_L1_the_minimum_wage_binds(tmp_path):
    """With a minimum of 3400 (declared from 2026-10-01), only 3579.02 − 3400 = 179.02 may be taken."""
    clauses = CLAUSES.replace("    - {from: 2025-07-01, amount: 2740}\n",
                              "    - {from: 2025-07-01, amount: 2740}\n    - {from: 2026-10-01, amount: 3400}\n")
    mine = evaluate_1001(tmp_path, ["2026-10-13 10:00,改价损失,,500,P1,"], clauses=clauses)
    assert mine["pay"]["components"]["loss_deduction"] == "-179.02"
    assert mine["pay"]["total"] == "3400.00"
    assert mine["penalties"]["loss_deduction.carried_out"] == "320.98"


def test_L4_a_minimum_wage_raised_mid_month_protects_the_whole_month(tmp_path):
    clauses = CLAUSES.replace("    - {from: 2025-07-01, amount: 2740}\n",
                              "    - {from: 2025-07-01, amount: 2740}\n    - {from: 2026-10-15, amount: 3400}\n")
    mine = evaluate_1001(tmp_path, ["2026-10-13 10:00,改价损失,,500,P1,"], clauses=clauses)
    assert mine["pay"]["components"]["loss_deduction"] == "-179.02"


def test_L1_guard_off_deducts_the_whole_loss_and_says_so(tmp_path):
    clauses = CLAUSES.replace("deductions:\n", "deductions:\n  guard: off\n")
    mine = evaluate_1001(tmp_path, ["2026-10-13 10:00,改价损失,,3000,P1,"], clauses=clauses)
    assert mine["pay"]["components"]["loss_deduction"] == "-3000.00"
    assert mine["pay"]["total"] == "579.02"
    shown = run("explain", "--full",
                "-p", tmp_path / "shop.yaml", "-m", S0 / "metrics.csv", "-r", S0 / "roster.csv", "--period",
                "2026-10", "--events", tmp_path / "events.csv", "--agent", "1001")
    assert "法定上限已关闭（deductions: guard: off）" in shown.stdout


def test_L1_remainder_drop_carries_nothing(tmp_path):
    clauses = CLAUSES.replace("deductions:\n", "deductions:\n  remainder: drop\n")
    mine = evaluate_1001(tmp_path, ["2026-10-13 10:00,改价损失,,800,P1,"], clauses=clauses)
    assert mine["pay"]["components"]["loss_deduction"] == "-715.80"
    assert "loss_deduction.carried_out" not in mine["penalties"]


def test_S4_P16_a_discount_is_charged_to_operations_not_deducted(tmp_path):
    mine = evaluate_1001(tmp_path, ["2026-10-14 10:00,议价优惠,,50,D1,", "2026-10-15 10:00,议价优惠,,25.5,D2,"])
    assert mine["pay"]["components"]["loss_deduction"] == "0.00"
    assert mine["pay"]["total"] == "3579.02"
    assert mine["penalties"]["bargain"] == "2" and mine["penalties"]["bargain.charged"] == "75.50"


def test_S4_warnings_are_counted(tmp_path):
    mine = evaluate_1001(tmp_path, ["2026-10-14 18:00,日报未交,,,,", "2026-10-20 18:00,日报未交,,,,"])
    assert mine["penalties"]["serious_warnings"] == "2"
    assert mine["pay"]["total"] == "3579.02"


def test_L4_a_month_before_any_declared_minimum_wage_is_an_error(tmp_path):
    clauses = CLAUSES.replace("    - {from: 2024-07-01, amount: 2690}\n", "").replace("2025-07-01", "2026-11-01")
    result = run("evaluate", "-p", policy(tmp_path, clauses=clauses), "-m", S0 / "metrics.csv", "-r", S0 / "roster.csv",
                 "--period", "2026-10", "--events", events(tmp_path, []), "--lang", "en")
    assert result.exit_code != 0
    assert "deductions: minimum_wage has no amount in force in 2026-10 (the first is from 2026-11-01)" in result.output


def record_month(tmp_path: Path, period: str, metrics: Path, rows: list[str], db: Path) -> None:
    result = run("run", "--period", period, "-p", tmp_path / "shop.yaml", "-m", metrics, "-r", S0 / "roster.csv",
                 "--events", events(tmp_path, rows, f"events-{period}.csv"), "--db", db)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("november", "deducted", "carried"), [
    ([], "-84.20", "0.00"),  # the remainder is paid off
    (["2026-11-13 10:00,改价损失,,700,P9,"], "-715.80", "68.40"),  # 84.20 + 700 = 784.20; 715.80 taken
])
def test_L1_the_remainder_carries_to_the_next_month_through_the_ledger(tmp_path, november, deducted, carried):
    policy(tmp_path)
    db = tmp_path / "ledger.db"
    november_metrics = tmp_path / "metrics-2026-11.csv"
    november_metrics.write_text((S0 / "metrics.csv").read_text(encoding="gb18030").replace("2026-10", "2026-11")
                                .replace("2026-11-31", "2026-11-30"), encoding="gb18030")
    record_month(tmp_path, "2026-10", S0 / "metrics.csv", ["2026-10-13 10:00,改价损失,,800,P1,"], db)
    record_month(tmp_path, "2026-11", november_metrics, november, db)
    shown = run("show", "--period", "2026-11", "--db", db, "--format", "json")
    assert shown.exit_code == 0, shown.output
    (mine,) = [r for r in json.loads(shown.stdout)["results"] if r["agent"] == "1001"]
    assert mine["pay"]["components"]["loss_deduction"] == deducted
    assert mine["penalties"]["loss_deduction.carried_out"] == carried


def test_history_shows_warnings_deductions_and_what_is_still_carried(tmp_path):
    policy(tmp_path)
    db = tmp_path / "ledger.db"
    record_month(tmp_path, "2026-10", S0 / "metrics.csv", ["2026-10-13 10:00,改价损失,,2000,P1,",
                                                           "2026-10-14 18:00,日报未交,,,,"], db)
    shown = run("history", "1001", "--db", db)
    assert shown.exit_code == 0, shown.output
    head, _, row = shown.stdout.splitlines()[1:4]
    assert head.split()[-4:] == ["应发合计", "严重警告", "赔偿扣款", "结转未扣"]  # no clause gives plain warnings
    assert row.split()[-3:] == ["1", "-715.80", "1284.20"]  # 2000 − 715.80 (20 % of 3579.02, rounded down)
    as_json = run("history", "1001", "--db", db, "--format", "json")
    (month,) = json.loads(as_json.stdout)["months"]
    assert month["penalties"]["loss_deduction.carried_out"] == "1284.20"
    assert month["penalties"]["serious_warnings"] == "1"


def test_show_replays_the_recorded_explanation_with_its_events_byte_for_byte(tmp_path):
    """The events behind each clause live in the recorded trace: `show` needs no events file."""
    policy(tmp_path)
    db = tmp_path / "ledger.db"
    rows = ["2026-10-13 10:00,改价损失,,800,P1,", "2026-10-14 10:00,议价优惠,,50,D1,"]
    record_month(tmp_path, "2026-10", S0 / "metrics.csv", rows, db)
    explained = run("explain", "--full",
                    "-p", tmp_path / "shop.yaml", "-m", S0 / "metrics.csv", "-r", S0 / "roster.csv",
                    "--period", "2026-10", "--events", tmp_path / "events-2026-10.csv", "--agent", "1001")
    shown = run("show", "--full", "--period", "2026-10", "--db", db, "--agent", "1001")
    assert shown.exit_code == 0, shown.output
    assert shown.stdout == explained.stdout
    assert "2026-10-13 10:00:00 · 订单 P1 · 金额 800.00 元" in shown.stdout


def test_superseding_a_month_whose_loss_carried_into_a_recorded_month_carries_it_again(tmp_path):
    """L.1: November deducted what October carried (800 − 715.80 = 84.20). October corrected to a loss
    of 900: November is recomputed in the same run and deducts 184.20, so what is taken over the two
    months is the loss, never more (715.80 + 184.20 = 900)."""
    policy(tmp_path)
    db = tmp_path / "ledger.db"
    november_metrics = tmp_path / "metrics-2026-11.csv"
    november_metrics.write_text((S0 / "metrics.csv").read_text(encoding="gb18030").replace("2026-10", "2026-11")
                                .replace("2026-11-31", "2026-11-30"), encoding="gb18030")
    record_month(tmp_path, "2026-10", S0 / "metrics.csv", ["2026-10-13 10:00,改价损失,,800,P1,"], db)
    record_month(tmp_path, "2026-11", november_metrics, [], db)
    again = run("run", "--period", "2026-10", "-p", tmp_path / "shop.yaml", "-m", S0 / "metrics.csv", "-r",
                S0 / "roster.csv", "--events", events(tmp_path, ["2026-10-13 10:00,改价损失,,900,P1,"], "fixed.csv"),
                "--db", db, "--supersede", "--lang", "en")
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[2:] == [
        "the later recorded months were recomputed:",
        "  2026-11: run 4 replaces run 2; 1 agent changed",
        "    1001 王晓梅: total 3494.82 → 3394.82"]
    months = {}
    for period in ("2026-10", "2026-11"):
        shown = run("show", "--period", period, "--db", db, "--format", "json")
        (mine,) = [r for r in json.loads(shown.stdout)["results"] if r["agent"] == "1001"]
        months[period] = (mine["pay"]["components"]["loss_deduction"],
                          mine["penalties"]["loss_deduction.carried_out"])
    assert months == {"2026-10": ("-715.80", "184.20"), "2026-11": ("-184.20", "0.00")}


def test_L4_agents_paid_under_the_declared_minimum_wage_are_warned_about(tmp_path):
    """Nothing deducted here, but six S0 agents earn under 2740 (1003 2619.43 … 2001 1800.00): said,
    never paid silently."""
    result = run("evaluate", "-p", policy(tmp_path), "-m", S0 / "metrics.csv", "-r", S0 / "roster.csv", "--period",
                 "2026-10", "--events", events(tmp_path, []), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert ("warning: 6 agents are paid less than the minimum wage the policy declares in deductions: "
            "(2740, L.1/L.4): 1003, 1004, 1006, 2001, 2002, 2003; check base pay") in result.output
    db = tmp_path / "ledger.db"
    recorded = run("run", "--period", "2026-10", "-p", tmp_path / "shop.yaml", "-m", S0 / "metrics.csv", "-r",
                   S0 / "roster.csv", "--events", tmp_path / "events.csv", "--db", db)
    assert ("警告：6 人本月应发低于方案 deductions: 声明的当地最低工资 2740 元（L.1/L.4）："
            "1003、1004、1006、2001、2002、2003") in recorded.output
