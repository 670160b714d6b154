"""End to end through the `jixiao` command, in-process, on the example shop in examples/.

The S0 shop (examples/s0, policies/s0_shop.yaml) has 12 agents in two teams for 2026-10; the
target is 150,000 per agent (S0.4), and team per-capita sales (S0.2) are 1,020,000 / 6 =
170,000 for 一组 and 900,000 / 6 = 150,000 for 二组. examples/README.md lists which agent shows
which rule; every agent's pay, worked out by hand, is tests/scenarios/s0/october_pay_table.yaml.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from harness.cli import Result, results_by_agent, run
from harness.files import write_csv

ROOT = Path(__file__).resolve().parent.parent
S0_POLICY = ROOT / "policies" / "s0_shop.yaml"
S2_POLICY = ROOT / "policies" / "s2_commission.yaml"
METRICS_CSV = ROOT / "examples" / "s0" / "metrics.csv"
METRICS_XLSX = ROOT / "examples" / "s0" / "metrics.xlsx"
ROSTER = ROOT / "examples" / "s0" / "roster.csv"
S2_METRICS = ROOT / "examples" / "s2" / "metrics.csv"

DECIMAL_STRING = re.compile(r"-?[0-9]+(\.[0-9]+)?")
# Row indexes in the S0 export: title, date range, header, then agents 1001, 1002, 1003 ...
HEADER_AT, FIRST_AGENT_AT = 2, 3
PERIOD_COLUMN, TARGET_COLUMN, FIRST_RESPONSE_COLUMN = 2, 5, 10


def evaluate(*extra: object, metrics: Path = METRICS_CSV, roster: Path | None = ROSTER) -> Result:
    args: list[object] = ["evaluate", "--policy", S0_POLICY, "--metrics", metrics]
    if roster is not None:
        args += ["--roster", roster]
    return run(*args, *extra)


def explain(agent: str, *extra: object, metrics: Path = METRICS_CSV) -> Result:
    return run("explain", "--full", "--policy", S0_POLICY, "--metrics", metrics, "--roster", ROSTER,
               "--agent", agent, *extra)


def export_rows() -> list[list[str]]:
    """The S0 export as text rows (preamble, header, 12 agents, 合计), for editing copies."""
    text = METRICS_CSV.read_bytes().decode("gb18030")
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture(scope="module")
def s0_json() -> Result:
    return evaluate("--format", "json")


# --- validate and schema -------------------------------------------------------------------


def test_validate_shipped_policies_exit_0():
    result = run("validate", S0_POLICY, S2_POLICY)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == "已检查 2 个文件：0 个错误，0 个警告\n"
    english = run("validate", S0_POLICY, S2_POLICY, "--lang", "en")
    assert english.stderr == "2 file(s) checked: 0 error(s), 0 warning(s)\n"


def test_validate_broken_policy_lists_every_problem_with_its_line(tmp_path):
    """An unknown key (JX101) and weights summing to 95 (S0.1: 100 points, JX204), both at once."""
    lines = S0_POLICY.read_text(encoding="utf-8").splitlines()
    lines.insert(lines.index("  currency: CNY") + 1, "  colour: red")
    first_weight = lines.index("    weight: 25")
    lines[first_weight] = "    weight: 20"
    broken = tmp_path / "broken.yaml"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run("validate", broken, "--lang", "en")

    assert result.exit_code == 1
    colour_line = lines.index("  colour: red") + 1
    kpis_line = lines.index("kpis:") + 1
    found = result.stdout.splitlines()
    assert f"{broken}:{colour_line}:3: JX101 unknown key 'colour' in policy" in found[0]
    assert any(line.startswith(f"{broken}:{kpis_line}:") and "JX204" in line and "95" in line
               for line in found), found
    assert "2 error(s)" in result.stderr
    chinese = run("validate", broken)
    assert chinese.exit_code == 1
    assert chinese.stderr == "已检查 1 个文件：2 个错误，0 个警告\n"
    assert chinese.stdout.splitlines()[0].startswith(f"{broken}:{colour_line}:3: JX101 ")


def test_schema_prints_a_valid_json_schema():
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert "2020-12" in schema["$schema"]


# --- evaluate: the JSON report -------------------------------------------------------------


def test_evaluate_csv_and_xlsx_exports_give_identical_json(s0_json):
    """GB18030 text with `97.50%`, `1分5秒`, `¥12.50`, `-` vs typed cells: the same results."""
    from_xlsx = evaluate("--format", "json", metrics=METRICS_XLSX)
    assert s0_json.exit_code == 0, s0_json.output
    assert from_xlsx.exit_code == 0, from_xlsx.output
    assert from_xlsx.stdout == s0_json.stdout


def test_json_shape_names_the_policy_and_writes_numbers_as_decimal_strings(s0_json):
    """S1.3: a result says which policy version (and exact file) produced it."""
    document = json.loads(s0_json.stdout)
    assert set(document) == {"policy", "rules", "results"}
    assert document["policy"] == {
        "id": "s0-eight-kpi",
        "version": "2026.11",
        "sha256": hashlib.sha256(S0_POLICY.read_bytes()).hexdigest(),
    }
    results = document["results"]
    assert [r["agent"] for r in results] == [f"100{i}" for i in range(1, 7)] + [f"200{i}" for i in range(1, 7)]
    for r in results:
        assert set(r) == {"agent", "period", "score", "rating", "kpis", "pay"}
        assert r["period"] == "2026-10"
        assert set(r["pay"]) == {"total", "components"}
        assert list(r["kpis"]) == ["sales_attainment", "conversion", "order_value", "reply_rate",
                                   "first_response", "after_sales_cost", "after_sales_handled", "attendance"]
        assert list(r["pay"]["components"]) == ["base", "performance"]
        numbers = [r["score"], r["pay"]["total"], *r["kpis"].values(), *r["pay"]["components"].values()]
        for value in numbers:
            assert isinstance(value, str) and DECIMAL_STRING.fullmatch(value), (r["agent"], value)
        parts = sum(Decimal(v) for v in r["pay"]["components"].values())
        assert Decimal(r["pay"]["total"]) == parts


def test_evaluate_twice_gives_byte_identical_output(s0_json):
    assert evaluate("--format", "json").stdout_bytes == s0_json.stdout_bytes
    assert evaluate("--format", "csv").stdout_bytes == evaluate("--format", "csv").stdout_bytes


# --- exact pay: tests/scenarios/s0 and s2 (every agent, worked by hand from the policies) -------


def test_a_kpi_of_0_points_never_prints_as_negative_zero():
    """S2's 3004 answers in exactly 60 s, the end of the response-time range: 0 / −40 points."""
    result = run("evaluate", "--policy", S2_POLICY, "--metrics", S2_METRICS, "--format", "json")
    assert results_by_agent(result)["3004"]["kpis"]["response_time"] == "0.00"
    assert '"-0' not in result.stdout


# --- evaluate: other formats and output files ---------------------------------------------


def test_evaluate_writes_csv_table_and_xlsx_files(tmp_path):
    """CSV for Chinese Excel: UTF-8 with a BOM, headings and rating labels in --lang."""
    csv_out, table_out = tmp_path / "out.csv", tmp_path / "out.txt"
    result = evaluate("--format", "csv", "--out", csv_out)
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == f"已写入 12 条结果：{csv_out}"
    data = csv_out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    rows = list(reader)
    assert list(reader.fieldnames or []) == [
        "工号", "姓名", "组别", "岗位", "等级", "月份", "得分", "评级", "销售额达成率 得分", "咨询转化率 得分",
        "有效客单价 得分", "旺旺回复率 得分", "首次响应时间 得分", "平均售后花费 得分", "有效处理售后个数 得分",
        "人事考勤 得分", "基本工资", "绩效提成", "应发合计", "方案编号", "方案版本", "方案SHA256"]
    assert len(rows) == 12
    assert rows[0]["工号"] == "1001" and rows[0]["应发合计"] == "3579.02"
    assert rows[0]["绩效提成"] == "579.02" and rows[0]["评级"] == "达标" and rows[0]["得分"] == "85.15"
    assert rows[0]["方案编号"] == "s0-eight-kpi"

    english = evaluate("--format", "csv", "--lang", "en")
    header = next(csv.reader(io.StringIO(english.stdout_bytes.decode("utf-8-sig"))))
    assert header[:8] == ["Agent", "Name", "Team", "Role", "Grade", "Period", "Score", "Rating"]
    assert header[-4:] == ["Total", "Policy id", "Policy version", "Policy SHA-256"]
    assert "Met the standard" in english.stdout

    result = evaluate("--format", "table", "--out", table_out, "--lang", "en")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == f"wrote 12 result(s) to {table_out}"
    table = table_out.read_text(encoding="utf-8")
    assert "王晓梅" in table and "3579.02" in table
    assert table.splitlines()[-1] == "Total: 12 agents · 34870.56 CNY"
    chinese = evaluate("--format", "table").stdout
    assert chinese.splitlines()[-1] == "合计：12 人 · 应发 34870.56 元"


def test_evaluate_xlsx_is_byte_identical_across_runs(tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert evaluate("--format", "xlsx", "--out", first).exit_code == 0
    assert evaluate("--format", "xlsx", "--out", second).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    book = openpyxl.load_workbook(first, read_only=True)
    rows = list(book["结果"].iter_rows(values_only=True))
    total = rows[0].index("应发合计")
    assert rows[0][0] == "工号"
    assert rows[1][0] == "1001" and Decimal(repr(rows[1][total])) == Decimal("3579.02")
    policy = dict(book["方案"].iter_rows(values_only=True))
    assert policy["sha256"] == hashlib.sha256(S0_POLICY.read_bytes()).hexdigest()
    book.close()


def test_xlsx_to_stdout_is_a_usage_error():
    result = evaluate("--format", "xlsx")
    assert result.exit_code == 2
    assert "--out" in result.output


def test_bad_cell_exits_1_names_row_and_column_and_writes_nothing(tmp_path):
    rows = export_rows()
    rows[FIRST_AGENT_AT + 2][FIRST_RESPONSE_COLUMN] = "很快"  # agent 1003, spreadsheet row 6
    metrics = write_csv(tmp_path / "metrics.csv", rows, encoding="gb18030")
    out = tmp_path / "report.json"

    result = evaluate("--format", "json", "--out", out, "--lang", "en", metrics=metrics)

    assert result.exit_code == 1
    assert f"{metrics}: row 6, column 首次响应时间 (K): expected a duration" in result.stderr
    assert "'很快'" in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [metrics]  # no temporary file left behind either


def test_missing_roster_when_the_policy_needs_a_grade_names_the_agent():
    """S0.6 pays base by grade; the export has no 等级 column, so without a roster: exit 1."""
    result = evaluate("--format", "json", "--lang", "en", roster=None)
    assert result.exit_code == 1
    assert re.search(r"agent 1001 has no grade", result.stderr), result.stderr
    assert result.stdout == ""


# --- --period and --team --------------------------------------------------------------------


def two_months(tmp_path: Path) -> Path:
    """The export with a copy of every agent's row as November, before the 合计 row."""
    rows = export_rows()
    agents = rows[FIRST_AGENT_AT:-1]
    november = [[*row[:PERIOD_COLUMN], "2026-11", *row[PERIOD_COLUMN + 1:]] for row in agents]
    rows[1] = ["统计时间: 2026-10-01 ~ 2026-11-30"]  # the stated range must cover every row's month
    return write_csv(tmp_path / "two_months.csv", [*rows[:-1], *november, rows[-1]], encoding="gb18030")


def test_period_filters_a_file_with_several_months(tmp_path):
    metrics = two_months(tmp_path)
    every = json.loads(evaluate("--format", "json", metrics=metrics).stdout)["results"]
    assert [r["period"] for r in every] == ["2026-10"] * 12 + ["2026-11"] * 12

    only = json.loads(evaluate("--format", "json", "--period", "2026年11月", metrics=metrics).stdout)["results"]
    assert {r["period"] for r in only} == {"2026-11"} and len(only) == 12
    assert only[0]["pay"]["total"] == "3579.02"  # 1001: same data, same pay

    several = explain("1001", metrics=metrics)
    assert several.exit_code == 2
    assert "客服 '1001' 有多个月份的数据（2026-10, 2026-11），请用 --period 选择一个月" in several.output
    several = explain("1001", "--lang", "en", metrics=metrics)
    assert "agent '1001' has several periods (2026-10, 2026-11); choose one with --period" in several.output
    assert explain("1001", "--period", "2026-11", metrics=metrics).exit_code == 0


def test_a_month_before_the_policy_takes_effect_is_refused(tmp_path):
    """The S0 policy takes effect 2026-10-01: September data is the wrong file, not a result."""
    rows = export_rows()
    september = [[*row[:PERIOD_COLUMN], "2026-09", *row[PERIOD_COLUMN + 1:]] if at >= FIRST_AGENT_AT else row
                 for at, row in enumerate(rows[:-1])]
    september[1] = ["统计时间: 2026-09-01 ~ 2026-09-30"]
    metrics = write_csv(tmp_path / "september.csv", september, encoding="gb18030")
    out = tmp_path / "out.json"
    result = evaluate("--format", "json", "--out", str(out), metrics=metrics)
    assert result.exit_code == 1
    assert "自 2026-10-01 起生效；月份 2026-09 早于生效日期" in result.output
    english = evaluate("--format", "json", "--out", str(out), "--lang", "en", metrics=metrics)
    assert "takes effect 2026-10-01; period 2026-09 is before it" in english.output
    assert not out.exists()


def test_period_fills_a_missing_period_column(tmp_path):
    rows = [[*row[:PERIOD_COLUMN], *row[PERIOD_COLUMN + 1:]] if at >= HEADER_AT else row
            for at, row in enumerate(export_rows())]
    metrics = write_csv(tmp_path / "no_month.csv", rows, encoding="gb18030")

    filled = results_by_agent(evaluate("--format", "json", "--period", "2026-10", metrics=metrics))
    assert {r["period"] for r in filled.values()} == {"2026-10"}
    assert filled["1001"]["pay"]["total"] == "3579.02"

    # Without --period, the whole month stated above the header (统计时间: 2026-10-01 ~ 2026-10-31) is used.
    stated = evaluate("--format", "json", "--lang", "en", metrics=metrics)
    assert stated.exit_code == 0
    assert f"note: {metrics}: period 2026-10 taken from row 2 (2026-10-01 – 2026-10-31)" in stated.stderr

    rows[1] = ["统计时间: 2026-10-01 ~ 2026-10-15"]
    partial = write_csv(tmp_path / "half_month.csv", rows, encoding="gb18030")
    missing = evaluate("--format", "json", "--lang", "en", metrics=partial)
    assert missing.exit_code == 1
    assert "not one whole calendar month" in missing.stderr and "--period" in missing.stderr


def test_bad_period_option_is_a_usage_error():
    result = evaluate("--period", "2026-13")
    assert result.exit_code == 2
    assert "--period" in result.output


def test_team_file_supplies_the_s0_4_target(tmp_path):
    """S0.4: the target comes from a team file when the export has no 人均计划销售额 column."""
    rows = [[*row[:TARGET_COLUMN], *row[TARGET_COLUMN + 1:]] if at >= HEADER_AT else row
            for at, row in enumerate(export_rows())]
    metrics = write_csv(tmp_path / "no_target.csv", rows, encoding="gb18030")
    team = write_csv(tmp_path / "team.csv", [["组别", "人均计划销售额"], ["一组", "200,000"], ["二组", "150000"]],
                     encoding="utf-8-sig")

    results = results_by_agent(evaluate("--format", "json", "--team-file", team, metrics=metrics))

    r = results["1001"]
    # 一组's target is now 200,000: attainment 180,000 / 200,000 = 0.9 -> 25 × 0.4 / 0.5 = 20.00,
    # score 85.15 − 5 = 80.15, tier 1 (S0.3): 0.8015 × 170,000 × 0.001 = 136.255 -> 136.26
    assert r["kpis"]["sales_attainment"] == "20.00"
    assert r["score"] == "80.15"
    assert r["pay"] == {"total": "3136.26", "components": {"base": "3000.00", "performance": "136.26"}}
    assert results["2001"]["pay"]["total"] == "1800.00"  # 二组 keeps 150,000

    no_target = evaluate("--format", "json", metrics=metrics)
    assert no_target.exit_code == 1
    assert "小组“一组”2026-10 没有 sales_target（人均计划销售额）" in no_target.stderr


def test_rows_skipped_on_purpose_and_policy_warnings_are_told_on_stderr(tmp_path):
    """The export's title lines and 合计 row are named, so a manager can see no agent was dropped."""
    result = evaluate("--lang", "en")
    assert result.exit_code == 0
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert notes == [
        f"note: {METRICS_CSV}: row 1: preamble '客服绩效月报' skipped",
        f"note: {METRICS_CSV}: row 2: preamble '统计时间: 2026-10-01 ~ 2026-10-31' skipped",
        f"note: {METRICS_CSV}: row 16: summary row '合计' skipped",
    ]
    assert "note:" not in result.stdout
    chinese = [line for line in evaluate().stderr.splitlines() if line.startswith("提示：")]
    assert chinese == [
        f"提示：{METRICS_CSV}：第 1 行：标题行 '客服绩效月报' 已跳过",
        f"提示：{METRICS_CSV}：第 2 行：标题行 '统计时间: 2026-10-01 ~ 2026-10-31' 已跳过",
        f"提示：{METRICS_CSV}：第 16 行：汇总行 '合计' 已跳过",
    ]

    # S1.4: scoring first response upwards is allowed but warned about, also when evaluating.
    text = S0_POLICY.read_text(encoding="utf-8")
    assert text.count("linear: {from: 60, to: 20}") == 1
    policy = tmp_path / "policy.yaml"
    policy.write_text(text.replace("linear: {from: 60, to: 20}", "linear: {from: 20, to: 60}"), encoding="utf-8")
    warned = run("evaluate", "--policy", policy, "--metrics", METRICS_CSV, "--roster", ROSTER, "--lang", "en")
    assert warned.exit_code == 0
    assert re.search(r"policy\.yaml:\d+:\d+: JX301 warning: scoring rewards higher values", warned.stderr)


def test_evaluate_for_a_month_the_file_does_not_hold_is_an_error_not_an_empty_table():
    """--period 2026-11 on October's export used to print an empty table totalling 0 (exit 0)."""
    result = run("evaluate", "--policy", S0_POLICY, "--metrics", METRICS_CSV, "--roster", ROSTER, "--period", "2026-11",
                 "--lang", "en")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines()[-1] == (
        f"{METRICS_CSV}: no rows for 2026-11; check --period or the file (if nobody worked that month, record it "
        "with jixiao run --empty)")
