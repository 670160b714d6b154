"""Flags (S1.5, docs/rules.md): outputs a person acts on, never pay, on the shipped S1 policy.

October (examples/s1/metrics.csv, `jixiao evaluate`): a training flag per weak KPI (conversion points
below 30 of 60, satisfaction points below 20 of 40), the supervisor path for the top 30 % with 90
points or more, an after-sales move for the weak converter who serves well (30 of 40 satisfaction
points or more). November through a ledger (tests/ledger/test_flags_ledger.py) adds the dismissal
review: coached in 2 of the last 3 months and still below 60 points.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from harness.cli import results_by_agent, run

from engine.model.inputs import AgentInput, State
from engine.pipeline import prepare
from engine.report.explain import explain_text
from engine.run.evaluate import evaluate_period

ROOT = Path(__file__).resolve().parents[2]
S1 = ROOT / "policies" / "s1_ranking.yaml"
OCTOBER = ROOT / "examples" / "s1" / "metrics.csv"

# Each agent's flags raised in October, in policy order (S1.5).
RAISED = {
    "小一": ["supervisor_path"],  # 100.00 points, 1st of the top 30 %
    "小七": ["train_conversion"],  # conversion 35 %: 22.50 of 60 points
    "小八": ["train_conversion"],  # 30 %: 15.00
    "小十": ["train_conversion", "after_sales"],  # 38 %: 27.00; satisfaction 96 %: 32.00 of 40
    "十一": ["train_conversion", "train_satisfaction"],  # 25 % and 85 %: 7.50 and 10.00
    "十二": ["train_satisfaction"],  # satisfaction 88 %: 16.00
}
TOTALS = {"小一": "4300.00", "小二": "4100.00", "小三": "3900.00", "小四": "3900.00"}  # everyone else 3000.00


def test_s1_october_raises_each_flag_where_its_condition_holds_and_pays_as_before_S1_5():
    results = results_by_agent(run("evaluate", "-p", S1, "-m", OCTOBER, "--format", "json"))
    assert {agent: r["flags"] for agent, r in results.items() if r["flags"]} == RAISED
    assert {agent: r["pay"]["total"] for agent, r in results.items()} == {
        agent: TOTALS.get(agent, "3000.00") for agent in results}
    assert sum(Decimal(r["pay"]["total"]) for r in results.values()) == Decimal("40200.00")


def test_the_flags_column_names_each_flag_and_its_action_in_both_languages_S1_5():
    zh = run("evaluate", "-p", S1, "-m", OCTOBER, "--format", "csv")
    en = run("evaluate", "-p", S1, "-m", OCTOBER, "--format", "csv", "--lang", "en")
    assert zh.exit_code == en.exit_code == 0
    head_zh, head_en = zh.stdout.splitlines()[0], en.stdout.splitlines()[0]
    assert ",应发合计,标记," in head_zh and ",Total,Flags," in head_en
    row_zh = next(line for line in zh.stdout.splitlines() if line.startswith("小十,"))
    row_en = next(line for line in en.stdout.splitlines() if line.startswith("小十,"))
    assert ",3000.00,转化率培训（培训：询单转化技巧）、建议转售后（调岗：售后客服）," in row_zh
    assert ",3000.00,Conversion training (training: Converting inquiries); After-sales move suggested (move: " \
           "After-sales agent)," in row_en


def test_without_a_ledger_a_window_counts_this_month_only_so_no_dismissal_review_S1_5():
    results = results_by_agent(run("evaluate", "-p", S1, "-m", OCTOBER, "--format", "json"))
    assert not any("coached_twice" in r["flags"] or "dismissal_review" in r["flags"] for r in results.values())


def test_a_flag_window_counts_the_earlier_months_the_ledger_recorded_S1_5():
    """coached_twice: trained in at least 2 of the last 3 months; dismissal_review: that, below 60 points."""
    plan, _ = prepare(str(S1))
    weak = {"conversion": Decimal("0.30"), "satisfaction": Decimal("0.90")}  # 15.00 + 20.00 = 35.00 points
    agents = [AgentInput(a, "2026-12", weak) for a in ("a", "b", "c", "d")]
    state = State(flags={"a": {"coached_twice": (True, None)}, "b": {"coached_twice": (False, False)},
                         "c": {"coached_twice": (None, True)}})  # d: no recorded month
    flags = {r.agent: {name: raised for name, _, raised in r.flags} for r in evaluate_period(plan, agents, state)}
    assert {agent: (f["coached_twice"], f["dismissal_review"]) for agent, f in flags.items()} == {
        "a": (True, True), "b": (False, False), "c": (True, True), "d": (False, False)}


def test_explain_gives_each_raised_flag_with_its_action_and_reason_S1_5():
    plan, _ = prepare(str(S1))
    items = [AgentInput("小十", "2026-10", {"conversion": Decimal("0.38"), "satisfaction": Decimal("0.96")})]
    (result,) = evaluate_period(plan, items, trace=True)
    zh, en = explain_text(plan, result, "zh"), explain_text(plan, result, "en")
    assert "标记（S1.5，供人处理，不影响工资）：\n  转化率培训 (train_conversion) = 是   [S1.5 · 第 78 行]\n" \
           "      → 培训：询单转化技巧\n" in zh
    assert "    本月条件 (train_conversion.when) = 是   [S1.5 · 第 81 行]\n        = conversion_points < 30\n" in zh
    assert ("  After-sales move suggested (after_sales) = yes   [S1.5 · line 99]\n"
            "      → move: After-sales agent\n") in en
    (none,) = evaluate_period(plan, [AgentInput("小二", "2026-10", {"conversion": Decimal("0.55"),
                                                                  "satisfaction": Decimal("0.98")})], trace=True)
    assert "\n\n标记：无\n" in explain_text(plan, none, "zh")


CASE = """\
name: a flag expected wrongly
policy: POLICY
period: 2026-10
inputs:
  metrics: |
    客服昵称,月份,询单->最终付款转化率,满意度
    甲,2026-10,38%,96%
expected:
  agents:
    甲: {flags: {train_conversion: true, after_sales: false}}
"""


def test_a_case_expecting_a_flag_names_its_line_and_the_coverage_counts_flags_reached_S1_5(tmp_path):
    case = tmp_path / "flags.yaml"
    case.write_text(CASE.replace("POLICY", str(S1)), encoding="utf-8")
    result = run("test", case, "--lang", "en")
    assert result.exit_code == 1, result.output
    assert f"{case}:10: 2026-10 · agent 甲 · flags.after_sales: expected false, actual true" in result.output
    assert "flag 2/6" in result.output  # train_conversion and after_sales raised; four flags not reached


def test_the_payslip_and_the_team_report_name_the_flags_raised_S1_5(tmp_path):
    slips, page = tmp_path / "slips", tmp_path / "team.html"
    assert run("payslips", "-p", S1, "-m", OCTOBER, "-o", slips).exit_code == 0
    assert run("report", "-p", S1, "-m", OCTOBER, "-o", page, "--lang", "en").exit_code == 0
    slip = (slips / "2026-10_十一.html").read_text(encoding="utf-8")
    assert "标记（S1.5）：转化率培训（培训：询单转化技巧）、满意度培训（培训：服务态度与满意度）" in slip
    assert "标记（S1.5）" not in (slips / "2026-10_小二.html").read_text(encoding="utf-8")  # none raised
    html = page.read_text(encoding="utf-8")
    assert "<th>Flags</th>" in html
    assert "Supervisor-path candidate (move: Supervisor training path)" in html


def test_the_payslip_workbook_has_a_flags_column_S1_5(tmp_path):
    """The 工资条 workbook (every agent's strip) ends with 标记: the flags raised, in words, or empty."""
    from itertools import pairwise

    import openpyxl

    slips = tmp_path / "slips"
    assert run("payslips", "-p", S1, "-m", OCTOBER, "-o", slips).exit_code == 0
    sheet = openpyxl.load_workbook(slips / "工资条_2026-10.xlsx").worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    strips = {row[0]: (head, row) for head, row in pairwise(rows) if head == rows[0]}
    head, row = strips["十一"]
    assert head[-1] == "标记" and row[-1] == "转化率培训（培训：询单转化技巧）、满意度培训（培训：服务态度与满意度）"
    assert strips["小二"][1][-1] in (None, "")
