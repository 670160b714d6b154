"""Money after the law, manual adjustments included (L.1, L.4): the guard and the minimum-wage warning
read the pay actually paid; pay below zero is refused; a pasted-twice adjustment is refused.

The S0 shop of examples/s0 with a loss clause and `deductions:` (minimum wage 2740, L.4): agent
1001 earns 3579.02 in 2026-10 before any deduction (base 3000.00 + performance 579.02).
"""

from __future__ import annotations

import json
from pathlib import Path

from harness.cli import Result, run
from harness.files import adjustments_file, events_file

ROOT = Path(__file__).resolve().parents[2]
S0 = ROOT / "examples" / "s0"
CLAUSES = """
events:
  zone: Asia/Shanghai
  kinds:
    price_loss: {label: 改价损失}
penalties:
  price_change:
    label: {zh: 擅自改价造成损失, en: Unauthorised price change}
    rule: S4.P19
    kind: price_loss
    per: event
    deducts: loss
deductions:
  minimum_wage: 2740
"""


def shop(tmp_path: Path, losses: list[str], adjustments: list[str]) -> dict[str, Path]:
    policy = tmp_path / "shop.yaml"
    policy.write_text((ROOT / "policies" / "s0_shop.yaml").read_text(encoding="utf-8") + CLAUSES, encoding="utf-8")
    events = events_file(tmp_path / "events.csv", [f"1001,{row}" for row in losses],
                         header="工号,时间,类型,金额,订单号")
    extra = adjustments_file(tmp_path / "adjustments.csv", adjustments)
    return {"policy": policy, "events": events, "adjustments": extra}


def record_month(tmp_path: Path, files: dict[str, Path]) -> Result:
    return run("run", "--period", "2026-10", "--policy", files["policy"], "--metrics", S0 / "metrics.csv", "--roster",
               S0 / "roster.csv", "--events", files["events"], "--adjustments", files["adjustments"], "--db",
               tmp_path / "jixiao.db", "--lang", "en")


def agent_1001(tmp_path: Path) -> dict:
    shown = run("show", "--period", "2026-10", "--db", tmp_path / "jixiao.db", "--format", "json")
    (mine,) = [r for r in json.loads(shown.stdout)["results"] if r["agent"] == "1001"]
    return mine


def test_L1_the_guard_bounds_the_pay_actually_paid_manual_adjustments_included(tmp_path):
    """A manual −1000.00 leaves 2579.02, already under the minimum wage: the 800.00 loss takes nothing
    this month (20 % of 2579.02 would be 515.80, but nothing is above 2740) and is carried whole; the
    agent paid under the minimum wage is named."""
    files = shop(tmp_path, ["2026-10-13 10:00,改价损失,800,P1"], ["1001,-1000,借支归还,张经理"])
    result = record_month(tmp_path, files)
    assert result.exit_code == 0, result.output
    mine = agent_1001(tmp_path)
    assert mine["pay"]["components"]["loss_deduction"] == "0.00"
    assert mine["pay"]["components"]["adjustments"] == "-1000.00"
    assert mine["pay"]["total"] == "2579.02"
    assert mine["penalties"]["loss_deduction.carried_out"] == "800.00"
    assert "paid less than the minimum wage" in result.output and "1001" in result.output


def test_L4_the_minimum_wage_warning_reads_the_total_after_adjustments(tmp_path):
    """3579.02 evaluated, −3079.02 by hand: 500.00 is paid, under 2740, and said."""
    result = record_month(tmp_path, shop(tmp_path, [], ["1001,-3079.02,预支工资扣回,张经理"]))
    assert result.exit_code == 0, result.output
    assert agent_1001(tmp_path)["pay"]["total"] == "500.00"
    warning = next(line for line in result.output.splitlines() if "minimum wage" in line)
    assert warning.startswith("warning: 7 agents are paid less than the minimum wage")
    assert "1001" in warning


def test_pay_below_zero_is_refused_and_nothing_is_recorded(tmp_path):
    result = record_month(tmp_path, shop(tmp_path, [], ["1001,-4579.02,错误的调整,张经理"]))
    assert result.exit_code == 1
    assert result.stderr == ("agent 1001 would be paid -1000.00 for 2026-10 (evaluated 3579.02; adjustments "
                             "-4579.02): pay cannot be below 0; check the adjustments and the policy\n")
    assert not (tmp_path / "jixiao.db").exists()


def test_an_adjustment_pasted_twice_is_refused_like_a_duplicate_event(tmp_path):
    result = record_month(tmp_path, shop(tmp_path, [], ["1001,200,春节补贴,张经理", "1002,50,尾差,张经理",
                                               "1001,200,春节补贴,张经理"]))
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "adjustments.csv: row 4, column 工号: the same adjustment as row 2 (agent 1001, 200, 春节补贴, approved by "
        "张经理); if it is really due twice, give each its own reason\n")
    assert not (tmp_path / "jixiao.db").exists()


def test_evaluate_says_when_a_policy_pays_below_zero(tmp_path):
    """A policy whose pay can go below zero: evaluate shows the month but warns; run refuses it."""
    policy = tmp_path / "negative.yaml"
    policy.write_text((ROOT / "policies" / "s0_shop.yaml").read_text(encoding="utf-8").replace(
        "\npay:\n", "\npay:\n  clawback:\n    label: {zh: 扣回, en: Clawback}\n    kind: formula\n"
        "    formula: 0 - sales\n", 1), encoding="utf-8")
    result = run("evaluate", "--policy", policy, "--metrics", S0 / "metrics.csv", "--roster", S0 / "roster.csv",
                 "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "warning: 12 agents would be paid below 0: " in result.stderr
