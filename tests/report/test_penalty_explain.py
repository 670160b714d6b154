"""Explaining penalty clauses (S4.P24): the events behind each firing with their file rows, the money
each cancellation moved (named once), the period that came close, in Chinese and in English."""

from __future__ import annotations

from pathlib import Path

from harness.cli import run
from harness.files import events_file
from harness.paths import S0_METRICS, S0_POLICY, S0_ROSTER

from tests.run.test_penalties import CLAUSES


def explain(tmp_path: Path, rows: list[str], lang: str = "zh") -> str:
    policy = tmp_path / "shop.yaml"
    policy.write_text(S0_POLICY.read_text(encoding="utf-8") + CLAUSES, encoding="utf-8")
    events = events_file(tmp_path / "events.csv", [f"1001,{row}" for row in rows])
    result = run("explain", "--full",
                 "-p", policy, "-m", S0_METRICS, "-r", S0_ROSTER, "--period", "2026-10", "--events", events,
                 "--agent", "1001", "--lang", lang)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_S4_P24_the_summary_names_the_day_the_clause_and_what_it_cancelled(tmp_path):
    text = explain(tmp_path, ["2026-10-12 14:03:00,首响,201,,T1,"])
    assert "10月12日首次响应超过200秒（S4.P24）：取消当月绩效提成（绩效提成 579.02 元）。" in text.splitlines()[-1]


def test_S4_P24_two_clauses_cancelling_one_component_name_its_money_once(tmp_path):
    text = explain(tmp_path, ["2026-10-12 14:03:00,首响,201,,T1,", "2026-10-13 09:00:00,未回复,,,T2,"])
    summary = text.splitlines()[-1]
    assert summary.count("579.02 元") == 1
    assert "10月13日未回复（S4.P24）：取消当月绩效提成。" in summary


def test_S4_P24_the_tree_lists_the_events_behind_the_clause_with_their_rows(tmp_path):
    text = explain(tmp_path, ["2026-10-12T06:03:00Z,首响,201,,T1,"])  # 14:03 in Shanghai
    lines = [line.strip() for line in text.splitlines()]
    at = lines.index("10月：1 次")  # the clause counts per month
    assert lines[at + 1] == "2026-10-12 14:03:00 · 订单 T1 · 201 秒 · " + str(tmp_path / "events.csv") + " 第 2 行"
    assert "已取消：原因是“首次响应超过200秒”（S4.P24）" in lines


def test_S4_P24_three_slow_replies_in_a_day_came_close(tmp_path):
    rows = [f"2026-10-12 10:0{i}:00,首响,61,,T{i}," for i in range(3)]
    text = explain(tmp_path, rows)
    assert ("接近触发“一天内首次响应超过60秒多于3次”：10月12日已有 3 次，再多 1 次即触发（S4.P24）"
            in text.splitlines()[-1])
    assert "绩效提成 (performance) = 579.02 元" in text


def test_S4_P24_in_english(tmp_path):
    text = explain(tmp_path, [f"2026-10-12 10:0{i}:00,首响,61,,T{i}," for i in range(3)]
                   + ["2026-10-20 10:00:00,首响,250,,T9,"], lang="en")
    summary = text.splitlines()[-1]
    assert ("20 Oct: A first response over 200 s (S4.P24): cancels the month's Performance commission "
            "(Performance commission 579.02 CNY).") in summary
    assert "came close to 'More than 3 slow first responses in a day': 3 on 12 Oct; one more would fire it" in summary


def test_the_workbook_lists_every_event_behind_a_clause_on_its_own_sheet(tmp_path):
    """S4.P24: one row per event behind the firing, each with the clause's sentence; numbers as numbers."""
    import openpyxl

    policy = tmp_path / "shop.yaml"
    policy.write_text(S0_POLICY.read_text(encoding="utf-8") + CLAUSES, encoding="utf-8")
    events = events_file(tmp_path / "events.csv", ["1001,2026-10-12 14:03:00,首响,201,,T1,"])
    out = tmp_path / "out.xlsx"
    result = run("evaluate", "-p", policy, "-m", S0_METRICS, "-r", S0_ROSTER, "--period", "2026-10", "--events", events,
                 "--format", "xlsx", "--out", out)
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["罚则明细"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("工号", "姓名", "条款", "条款名称")
    assert rows[1:] == [("1001", "王晓梅", "very_slow", "首次响应超过200秒", "S4.P24", "10月", "2026-10-12 14:03:00",
                         "T1", 201, None, f"{events} 第 2 行",
                         "10月12日首次响应超过200秒（S4.P24）：取消当月绩效提成（绩效提成 579.02 元）")]
