"""The workbook finance uses (issue 18), read back with openpyxl: rows by team with subtotals that
are the sums of the amounts shown, team and role columns, points headed as points, measured values
with their units apart from the points; and columns nothing fills left out of the table, CSV and
XLSX while JSON keeps its schema."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from harness.cli import run
from harness.paths import S1_METRICS, S1_POLICY, S2_METRICS, S2_POLICY, S4_EVENTS, S4_METRICS, S4_POLICY, S4_ROSTER

S4_FILES = ("--policy", S4_POLICY, "--metrics", S4_METRICS, "--roster", S4_ROSTER, "--events", S4_EVENTS)


def amount(value: object) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_s4_results_by_team_with_subtotals_equal_to_the_sums_of_their_lines(tmp_path, lang):
    out = tmp_path / "s4.xlsx"
    assert run("evaluate", *S4_FILES, "--format", "xlsx", "--out", out, "--lang", lang).exit_code == 0
    book = openpyxl.load_workbook(out)
    zh = lang == "zh"
    # S4 has no scorecard (issue 16 item 1): no 指标明细 sheet, no 得分, 评级 or KPI points column.
    assert book.sheetnames == (["结果", "罚则明细", "方案"] if zh else ["Results", "Penalties", "Policy"])
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    # The S4 roster has 工号, 姓名, 岗位, 组别 and no 等级: no grade column.
    assert header[:6] == (["工号", "姓名", "组别", "岗位", "月份", "考核结果"] if zh
                          else ["Agent", "Name", "Team", "Role", "Period", "Assessment"])
    assert header[6] == ("底薪" if zh else "Base pay")
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    subtotal = "小计" if zh else "Subtotal"
    labels = [row[0] for row in rows]
    assert labels == ["1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", f"一组 {subtotal}",
                      "2001", "2002", "2003", "2004", "2005", "2006", f"二组 {subtotal}", "合计" if zh else "Total"]
    assert [row[2] for row in rows] == ["一组"] * 9 + ["二组"] * 7 + [None]
    assert rows[0][3] == ("见习客服主管" if zh else "Trainee supervisor")  # the role by its label
    money = range(6, len(header))  # the pay components and the total
    team_one, team_two, total = rows[:8], rows[9:15], rows[16]
    for members, sums in ((team_one, rows[8]), (team_two, rows[15]), (team_one + team_two, total)):
        for i in money:
            assert amount(sums[i]) == sum((amount(r[i]) for r in members), Decimal(0)), (sums[0], header[i])
    # … and the engine's own totals: each team's and the month's pay
    results = {r["agent"]: r for r in json.loads(run("evaluate", *S4_FILES, "--format", "json").stdout)["results"]}
    assert amount(rows[8][-1]) == sum(Decimal(results[r[0]]["pay"]["total"]) for r in team_one)
    assert amount(total[-1]) == sum(Decimal(r["pay"]["total"]) for r in results.values()) == Decimal("21790")
    assert all(c.font.bold for c in (sheet["A10"], sheet["A17"], sheet["A18"])) and not sheet["A9"].font.bold


def test_a_month_without_teams_has_no_team_column_and_no_subtotals(tmp_path):
    out = tmp_path / "s2.xlsx"
    assert run("evaluate", "-p", S2_POLICY, "-m", S2_METRICS, "--format", "xlsx", "--out", out,
               "--lang", "en").exit_code == 0
    sheet = openpyxl.load_workbook(out)["Results"]
    assert [c.value for c in sheet[1]] == [
        "Agent", "Name", "Period", "Score", "Rating", "Buyers served (points)", "Inquiry conversion (points)",
        "Response time (points)", "Satisfaction (points)", "Base pay", "Sales commission", "Total"]
    assert [c.value for c in sheet["A"]] == ["Agent", "3001", "3002", "3003", "3004", "3005", "Total"]
    assert [amount(c.value) for c in sheet[7][9:]] == [Decimal("15000"), Decimal("1525.01"), Decimal("16525.01")]
    assert all(sheet.row_dimensions[r].outlineLevel == 0 for r in range(1, 8))
    details = openpyxl.load_workbook(out)["KPI details"]
    assert [c.value for c in details[1]][3:8] == ["Measured: Buyers served", "Measured: Inquiry conversion rate (%)",
                                                  "Measured: Average response time (s)", "Measured: Satisfaction (%)",
                                                  "Buyers served (points)"]


def _csv_header(result) -> list[str]:
    return next(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))


def test_a_column_nothing_fills_is_left_out_of_table_csv_and_xlsx_and_json_keeps_its_keys(tmp_path):
    # S1's export has no names and no roster: no 姓名 anywhere.
    args = ("evaluate", "-p", S1_POLICY, "-m", S1_METRICS)
    assert _csv_header(run(*args, "--format", "csv"))[:4] == ["工号", "月份", "得分", "评级"]
    assert run(*args).stdout.splitlines()[1].split()[:4] == ["工号", "月份", "得分", "评级"]
    out = tmp_path / "s1.xlsx"
    assert run(*args, "--format", "xlsx", "--out", out).exit_code == 0
    assert [c.value for c in openpyxl.load_workbook(out)["结果"][1]][:4] == ["工号", "月份", "得分", "评级"]
    first = json.loads(run(*args, "--format", "json").stdout)["results"][0]
    # the same keys as ever, and S1's flags (S1.5): a policy with flags has the key in every result
    assert list(first) == ["agent", "period", "score", "rating", "kpis", "pay", "flags"]


def test_a_policy_without_ratings_has_no_rating_column_but_json_keeps_rating_null(tmp_path):
    policy = tmp_path / "policy.yaml"
    text = Path(S2_POLICY).read_text(encoding="utf-8")
    ratings = ("  ratings:\n    excellent: {label: {zh: 优秀, en: Excellent}, min: 90}\n"
               "    pass: {label: {zh: 合格, en: Pass}, min: 60}\n    fail: {label: {zh: 不合格, en: Fail}}\n")
    assert ratings in text
    policy.write_text(text.replace(ratings, ""), encoding="utf-8")
    assert run("validate", policy).exit_code == 0
    args = ("evaluate", "-p", policy, "-m", S2_METRICS, "--lang", "en")
    assert "Rating" not in _csv_header(run(*args, "--format", "csv"))
    assert "Rating" not in run(*args).stdout.splitlines()[1]
    assert json.loads(run(*args, "--format", "json").stdout)["results"][0]["rating"] is None
