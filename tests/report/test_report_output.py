"""Report files that open properly in Chinese Excel, and that hostile cells cannot subvert.

CSV: UTF-8 with a BOM, headings in --lang, text cells starting with = + - @ tab or CR escaped
with a leading `'` (OWASP), stdout byte-identical to --out. XLSX: numbers as numbers with money
and percent formats, a totals row, frozen header, autofilter, CJK-aware widths, a KPI details
sheet, text never a formula. Files are written atomically with ordinary permissions.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import threading
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from harness.cli import Result, run

from engine.data.inputs import read_inputs
from engine.errors import Terminated
from engine.pipeline import prepare
from engine.report import atomic_write
from engine.report.atomic_write import OutputError, write_atomic
from engine.run.evaluate import evaluate as evaluate_plan

ROOT = Path(__file__).resolve().parents[2]
S0_POLICY = ROOT / "policies" / "s0_shop.yaml"
S2_POLICY = ROOT / "policies" / "s2_commission.yaml"
METRICS_CSV = ROOT / "examples" / "s0" / "metrics.csv"
ROSTER = ROOT / "examples" / "s0" / "roster.csv"
S2_METRICS = ROOT / "examples" / "s2" / "metrics.csv"
S2_HEADER = "工号,姓名,月份,接待人数,询单人数,成交人数,销售额,响应时长,满意度"
HYPERLINK = '=HYPERLINK("http://x","小张")'


def s2_export(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "export.csv"
    path.write_text("\n".join([S2_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def hostile(tmp_path: Path) -> Path:
    """An agent id that is a formula, a name with terminal escapes, a name starting with `+`."""
    return s2_export(
        tmp_path,
        '"=HYPERLINK(""http://x"",""小张"")",\x1b[31m红\x1b[0m,2026-10,60,20,9,350,25秒,92.00%',
        "3002,+1\x9b2J,2026-10,310,180,81,1000,18秒,95.50%",
    )


def s0(*extra: object) -> Result:
    return run("evaluate", "--policy", S0_POLICY, "--metrics", METRICS_CSV, "--roster", ROSTER, *extra)


# --- CSV ------------------------------------------------------------------------------------


def test_csv_escapes_formula_text_cells_and_stdout_equals_the_file(tmp_path):
    metrics, out = hostile(tmp_path), tmp_path / "out.csv"
    assert run("evaluate", "-p", S2_POLICY, "-m", metrics, "--format", "csv", "--out", out).exit_code == 0
    shown = run("evaluate", "-p", S2_POLICY, "-m", metrics, "--format", "csv")
    assert shown.exit_code == 0
    assert shown.stdout_bytes == out.read_bytes()  # ANSI escapes and all: the same bytes
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    assert rows[1][:5] == ["3002", "'+1\x9b2J", "2026-10", "85.00", "合格"]
    assert rows[2][:5] == ["'" + HYPERLINK, "\x1b[31m红\x1b[0m", "2026-10", "66.50", "合格"]
    assert rows[2][9:12] == ["3000.00", "7.00", "3007.00"]


def test_csv_negative_numbers_are_numbers_not_escaped_text(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(S2_POLICY.read_text(encoding="utf-8") + (
        "  deduction:\n    label: 扣款\n    kind: formula\n    formula: 0 - 12.5\n"), encoding="utf-8")
    result = run("evaluate", "-p", policy, "-m", S2_METRICS, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"), newline="")))
    assert rows[0][11] == "扣款"
    assert rows[1][0] == "3001" and rows[1][11] == "-12.50" and rows[1][12] == "2994.50"


# --- negative zero --------------------------------------------------------------------------


def test_negative_zero_is_never_printed_in_any_format(tmp_path):
    """0 − 350 / 10⁸ rounds half-up to Decimal('-0.00'): every format shows 0.00."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(S2_POLICY.read_text(encoding="utf-8") + (
        "  adjust:\n    label: 调整\n    kind: formula\n    formula: 0 - sales / 100000000\n"), encoding="utf-8")
    plan, _ = prepare(str(policy))
    raw = evaluate_plan(plan, read_inputs(plan, S2_METRICS).agents)
    assert str(dict(raw[0].pay)["adjust"]) == "-0.00"  # the hazard is real
    args = ("-p", policy, "-m", S2_METRICS)
    for fmt in ("table", "json", "csv"):
        result = run("evaluate", *args, "--format", fmt)
        assert result.exit_code == 0 and "-0.00" not in result.stdout, fmt
    assert "调整 (adjust) = 0.00 元" in run("explain", "--full", *args, "--agent", "3001").stdout
    out = tmp_path / "out.xlsx"
    assert run("evaluate", *args, "--format", "xlsx", "--out", out).exit_code == 0
    sheet = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>-0" not in sheet
    book = openpyxl.load_workbook(out)
    assert book["结果"]["L2"].value == 0


# --- XLSX -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def s0_book(tmp_path_factory) -> tuple[openpyxl.Workbook, dict]:
    out = tmp_path_factory.mktemp("xlsx") / "s0.xlsx"
    assert s0("--format", "xlsx", "--out", out).exit_code == 0
    results = {r["agent"]: r for r in json.loads(s0("--format", "json").stdout)["results"]}
    return openpyxl.load_workbook(out), results


def test_xlsx_results_sheet_has_numbers_formats_totals_filter_and_frozen_header(s0_book):
    book, results = s0_book
    assert book.sheetnames == ["结果", "指标明细", "方案"]
    sheet = book["结果"]
    header = [c.value for c in sheet[1]]
    # Who (with team, role and grade from the roster), then the score, then each KPI's points under a
    # heading that says they are points, then pay (issue 18: finance's workbook).
    assert header == ["工号", "姓名", "组别", "岗位", "等级", "月份", "得分", "评级", "销售额达成率 得分",
                      "咨询转化率 得分", "有效客单价 得分", "旺旺回复率 得分", "首次响应时间 得分", "平均售后花费 得分",
                      "有效处理售后个数 得分", "人事考勤 得分", "基本工资", "绩效提成", "应发合计"]
    first = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert first["工号"].value == "1001" and first["工号"].data_type == "s"
    assert (first["组别"].value, first["岗位"].value, first["等级"].value) == ("一组", "客服", "A3")
    assert first["得分"].value == 85.15 and first["得分"].data_type == "n"  # the score is a number now
    assert first["得分"].number_format == "0.00"
    assert first["评级"].value == "达标"
    assert first["销售额达成率 得分"].value == 25 and first["销售额达成率 得分"].number_format == "0.00"
    assert first["绩效提成"].value == 579.02 and first["绩效提成"].number_format == "#,##0.00"
    assert first["应发合计"].value == 3579.02 and first["应发合计"].number_format == "#,##0.00"
    # Rows by team, each team closed by its subtotal, then the total (S0: 6 agents in each team).
    column = [c.value for c in sheet["A"]]
    assert column == ["工号", "1001", "1002", "1003", "1004", "1005", "1006", "一组 小计",
                      "2001", "2002", "2003", "2004", "2005", "2006", "二组 小计", "合计"]
    assert [c.value for c in sheet["C"]][1:16] == ["一组"] * 7 + ["二组"] * 7 + [None]
    money = range(16, 19)  # 基本工资, 绩效提成, 应发合计 (0-based)
    for subtotal, team in ((8, "一组"), (15, "二组")):
        cells = sheet[subtotal]
        members = [r for r in results.values() if r["agent"].startswith("1" if team == "一组" else "2")]
        expected = [sum(Decimal(r["pay"]["components"]["base"]) for r in members),
                    sum(Decimal(r["pay"]["components"]["performance"]) for r in members),
                    sum(Decimal(r["pay"]["total"]) for r in members)]
        assert [Decimal(repr(cells[i].value)) for i in money] == expected
        # … which is the sum of the rounded amounts shown above it, to the fen
        rows = range(subtotal - 6, subtotal)
        assert [sum(Decimal(repr(sheet[r][i].value)) for r in rows) for i in money] == expected
        assert all(c.value is None for i, c in enumerate(cells) if i not in (0, 2, *money))
        assert cells[0].font.bold and all(cells[i].number_format == "#,##0.00" for i in money)
    totals = [c.value for c in sheet[16]]
    assert totals[0] == "合计" and totals[1:16] == [None] * 15
    assert [Decimal(repr(v)) for v in totals[16:]] == [Decimal("31300"), Decimal("3570.56"), Decimal("34870.56")]
    assert Decimal(repr(totals[18])) == sum(Decimal(r["pay"]["total"]) for r in results.values())
    assert all(c.number_format == "#,##0.00" for c in sheet[16][16:])
    assert sheet.max_row == 16
    assert sheet["A1"].font.bold and sheet["S16"].font.bold and not sheet["S14"].font.bold
    assert [sheet.row_dimensions[r].outlineLevel for r in (2, 7, 8, 9, 16)] == [1, 1, 0, 1, 0]  # a team folds
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:S15"  # the data and the subtotals (by 组别), not the total


def test_xlsx_column_widths_count_cjk_characters_twice(s0_book):
    book, _ = s0_book
    sheet = book["结果"]
    # 有效处理售后个数 得分: 10 CJK characters and a space = 21 units, plus 2 of margin
    assert sheet.column_dimensions["O"].width == 23
    assert sheet.column_dimensions["A"].width == 11  # 一组 小计: 9 units, plus 2
    # 应发合计 is 8 units; the widest total as Excel shows it (`34,870.56`) decides
    widest = max(len(f"{c.value:,.2f}") for c in sheet["S"][1:])
    assert sheet.column_dimensions["S"].width == max(widest, 8) + 2


def test_xlsx_details_sheet_puts_measured_values_and_points_in_separate_headed_blocks(s0_book):
    book, _ = s0_book
    sheet = book["指标明细"]
    header = [c.value for c in sheet[1]]
    assert header == ["工号", "姓名", "组别", "岗位", "等级", "月份",
                      "实际值：销售额达成率（%）", "实际值：咨询转化率（%）", "实际值：有效客单价（元）",
                      "实际值：旺旺回复率（%）", "实际值：首次响应时间（秒）", "实际值：平均售后花费（元）",
                      "实际值：有效处理售后个数 公式值", "实际值：人事考勤 公式值",
                      "销售额达成率 得分", "咨询转化率 得分", "有效客单价 得分", "旺旺回复率 得分", "首次响应时间 得分",
                      "平均售后花费 得分", "有效处理售后个数 得分", "人事考勤 得分"]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert row["工号"].value == "1001"
    # 1001: reply rate 97.50% (a ratio: shown as a percentage) -> band [0.95, 0.98) -> 6 points
    assert row["实际值：旺旺回复率（%）"].value == 0.975 and row["实际值：旺旺回复率（%）"].number_format == "0.00%"
    assert row["旺旺回复率 得分"].value == 6
    assert row["实际值：平均售后花费（元）"].value == 12.5
    assert row["实际值：平均售后花费（元）"].number_format == "#,##0.00"
    assert row["实际值：首次响应时间（秒）"].value == 25 and row["首次响应时间 得分"].value == 13.13
    assert row["实际值：人事考勤 公式值"].value == 9 and row["实际值：有效处理售后个数 公式值"].value == 4
    assert [c.value for c in sheet["A"]][1:] == ["1001", "1002", "1003", "1004", "1005", "1006",
                                                 "2001", "2002", "2003", "2004", "2005", "2006"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:V13"


def test_xlsx_policy_sheet_and_english_names(tmp_path, s0_book):
    book, _ = s0_book
    rows = {k: v for k, v in book["方案"].iter_rows(values_only=True)}
    assert rows["方案编号"] == "s0-eight-kpi" and rows["版本"] == "2026.11" and rows["货币"] == "CNY"
    out = tmp_path / "en.xlsx"
    assert s0("--format", "xlsx", "--out", out, "--lang", "en").exit_code == 0
    english = openpyxl.load_workbook(out)
    assert english.sheetnames == ["Results", "KPI details", "Policy"]
    assert [english["Results"][f"A{r}"].value for r in (8, 15, 16)] == ["一组 Subtotal", "二组 Subtotal", "Total"]
    assert english["Results"]["I1"].value == "Sales attainment (points)"
    assert english["KPI details"]["K1"].value == "Measured: First response time (s)"
    assert english["KPI details"]["O1"].value == "Sales attainment (points)"


def test_xlsx_text_cells_are_never_formulas_and_keep_control_characters(tmp_path):
    out = tmp_path / "out.xlsx"
    result = run("evaluate", "-p", S2_POLICY, "-m", hostile(tmp_path), "--format", "xlsx", "--out", out)
    assert result.exit_code == 0, result.output
    xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml  # not a single formula in the sheet
    assert "_x001B_[31m红_x001B_[0m" in xml  # ESC kept, in OOXML's escape (XML cannot hold it raw)
    sheet = openpyxl.load_workbook(out)["结果"]
    assert sheet["A3"].value == HYPERLINK and sheet["A3"].data_type == "s" and sheet["A3"].quotePrefix
    assert sheet["B2"].value == "+1\x9b2J" and sheet["B2"].quotePrefix
    assert sheet["A2"].quotePrefix is False


def test_xlsx_amount_excel_cannot_hold_exactly_is_written_as_exact_text(tmp_path):
    """999,999,999,999,999 yuan of sales (the largest cell read) at 2% is 19,999,999,999,999.98: 16 digits,
    beyond Excel's 15; written as exact text, right-aligned."""
    metrics = s2_export(tmp_path, "3001,小周,2026-10,60,20,9,999999999999999,25秒,92.00%")
    out = tmp_path / "out.xlsx"
    assert run("evaluate", "-p", S2_POLICY, "-m", metrics, "--format", "xlsx", "--out", out).exit_code == 0
    sheet = openpyxl.load_workbook(out)["结果"]
    assert sheet["K2"].value == "19999999999999.98" and sheet["K2"].alignment.horizontal == "right"
    assert sheet["J2"].value == 3000  # an ordinary amount stays a number


@pytest.mark.parametrize(("value", "fmt", "kept"), [
    (Decimal("123456789012.34"), "#,##0.00", True),     # 14 digits: exact in Excel
    (Decimal("12345678901234.56"), "#,##0.00", False),  # 16 digits: Excel would show …34.60
    (Decimal("3000.0000000000000000"), "#,##0.00", True),  # trailing zeros are not digits Excel loses
    (Decimal(1) / 3, "0.00%", True),                     # a measured ratio may lose its 16th digit
    (Decimal(10) ** 15, "General", False),
])
def test_xlsx_numbers_excel_cannot_hold_become_text(value, fmt, kept):
    from engine.report.xlsx import _number

    cell = openpyxl.Workbook().active["A1"]
    _number(cell, value, fmt)
    assert (cell.data_type == "n") is kept
    if not kept:
        assert cell.value == format(value, "f")


# --- terminal safety --------------------------------------------------------------------------


def test_table_and_explain_show_control_characters_as_escapes(tmp_path):
    metrics = hostile(tmp_path)
    table = run("evaluate", "-p", S2_POLICY, "-m", metrics)
    assert table.exit_code == 0
    assert "\x1b" not in table.stdout and "\x9b" not in table.stdout
    assert "\\x1b[31m红\\x1b[0m" in table.stdout and "+1\\x9b2J" in table.stdout
    explained = run("explain", "--full", "-p", S2_POLICY, "-m", metrics, "--agent", "3002")
    assert explained.stdout.splitlines()[0] == "客服 3002 +1\\x9b2J · 月份 2026-10"
    document = run("explain", "--full", "-p", S2_POLICY, "-m", metrics, "--agent", "3002", "--format", "json").stdout
    assert "\x9b" not in document and "\\u009b" in document
    assert json.loads(document)["summary"].startswith("3002 +1\x9b2J 2026-10")


def test_error_messages_that_echo_a_cell_neutralise_its_escapes(tmp_path):
    metrics = s2_export(tmp_path, "3001,小周,2026-10,60,20,9,350,\x1b[2J快,92.00%")
    result = run("evaluate", "-p", S2_POLICY, "-m", metrics, "--lang", "en")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\\x1b[2J快" in result.stderr


def test_json_report_escapes_c1_characters_and_keeps_its_shape(tmp_path):
    result = run("evaluate", "-p", S2_POLICY, "-m", hostile(tmp_path), "--format", "json")
    assert "\x9b" not in result.stdout
    document = json.loads(result.stdout)
    assert set(document) == {"policy", "rules", "results"}
    assert [r["agent"] for r in document["results"]] == ["3002", HYPERLINK]


# --- errors are one line --------------------------------------------------------------------


def test_file_level_data_error_names_no_row_0(tmp_path):
    metrics = tmp_path / "export.csv"
    metrics.write_text("姓名,月份\n小周,2026-10\n", encoding="utf-8")
    for lang in ("zh", "en"):
        result = run("evaluate", "-p", S2_POLICY, "-m", metrics, "--lang", lang)
        assert result.exit_code == 1
        assert "row 0" not in result.stderr and "第 0 行" not in result.stderr
        assert all(line.startswith(str(metrics)) for line in result.stderr.splitlines()), result.stderr


def test_memory_error_is_one_line_and_exit_1(tmp_path, monkeypatch):
    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr("engine.report.tables.render", exhausted)
    out = tmp_path / "out.json"
    result = run("evaluate", "-p", S2_POLICY, "-m", S2_METRICS, "--format", "json", "--out", out)
    assert result.exit_code == 1
    assert result.stderr == "错误：内存不足，无法完成；请缩小输入文件（或分月处理）后重试，未写入任何文件\n"
    assert not out.exists()


def test_an_unexpected_exception_is_one_line_that_asks_for_a_report(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("engine.report.tables.render", broken)
    result = run("evaluate", "-p", S2_POLICY, "-m", S2_METRICS, "--lang", "en")
    assert result.exit_code == 1
    assert result.stderr == "error: RuntimeError: boom. This is a bug, please report it (nothing was written)\n"
    assert "Traceback" not in result.output


# --- atomic writes ----------------------------------------------------------------------------


def test_new_files_get_0644_under_umask_022_and_honour_other_umasks(tmp_path):
    previous = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.json", b"{}")
        os.umask(0o077)
        write_atomic(tmp_path / "b.json", b"{}")
    finally:
        os.umask(previous)
    assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "b.json").stat().st_mode & 0o777 == 0o600


def test_overwrite_keeps_the_target_permissions(tmp_path):
    target = tmp_path / "a.csv"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_temporary_file_is_removed_when_writing_fails(tmp_path, monkeypatch, failure):
    def fail(handle):
        raise failure

    monkeypatch.setattr(atomic_write.os, "fsync", fail)
    with pytest.raises((OutputError, KeyboardInterrupt)) as caught:
        write_atomic(tmp_path / "a.json", b"{}")
    assert list(tmp_path.iterdir()) == []
    if isinstance(failure, OSError):
        assert caught.value.lines("zh") == [f"{tmp_path / 'a.json'}：无法写入：磁盘空间不足"]


def test_a_writer_makes_the_report_in_the_temporary_file_sent_to_disk_as_it_goes(tmp_path, monkeypatch):
    """A large columnar report is written straight into the temporary file (not held in memory first), and
    what is written so far goes to disk while the rest is made, so the closing fsync is short."""
    synced = []
    monkeypatch.setattr(atomic_write, "WRITE_BACK_SECONDS", 0.001)
    monkeypatch.setattr(atomic_write, "_sync_data", synced.append)
    target = tmp_path / "report.json"

    def write(out):
        assert [p.name[:len(".report.json.")] for p in tmp_path.iterdir()] == [".report.json."]  # not the target
        out.write(b'[1, 2,\n')
        while not synced:  # the second thread has sent the file's first bytes to disk
            time.sleep(0.001)
        out.seek(-2, os.SEEK_END)  # the writer may take bytes back, as the JSON report's last `,`
        out.truncate()
        out.write(b"]\n")

    write_atomic(target, write)
    assert target.read_bytes() == b"[1, 2]\n"
    assert list(tmp_path.iterdir()) == [target]


def test_a_writer_that_fails_leaves_nothing_and_stops_the_write_back(tmp_path):
    def write(out):
        out.write(b"half a report")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError) as caught:
        write_atomic(tmp_path / "a.csv", write)
    assert caught.value.lines("en") == [f"{tmp_path / 'a.csv'}: cannot write: No space left on device"]
    assert list(tmp_path.iterdir()) == []
    assert not any(t.name == "jixiao-write-back" for t in threading.enumerate())


def test_sigterm_while_writing_removes_the_temporary_file_and_exits_143(tmp_path, monkeypatch):
    before = signal.getsignal(signal.SIGTERM)

    def terminated(handle):
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(atomic_write.os, "fsync", terminated)
    with pytest.raises(Terminated):
        write_atomic(tmp_path / "a.json", b"{}")
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) == before  # the handler is ours only while writing

    out = tmp_path / "out.json"
    result = run("evaluate", "-p", S2_POLICY, "-m", S2_METRICS, "--format", "json", "--out", out)
    assert result.exit_code == 143
    assert result.stderr == "已中断；输出文件不会只写一半（要么完整写入，要么没有写入）\n"
    assert list(tmp_path.iterdir()) == []


def test_out_into_a_missing_or_unwritable_folder_is_one_line_exit_1(tmp_path, monkeypatch):
    missing = tmp_path / "no" / "out.csv"
    result = run("evaluate", "-p", S2_POLICY, "-m", S2_METRICS, "--format", "csv", "--out", missing)
    assert result.exit_code == 1
    assert result.stderr == f"{missing}：无法写入：文件夹 {missing.parent} 不存在\n"
    real_access = os.access
    monkeypatch.setattr(atomic_write.os, "access", lambda path, mode: path != tmp_path and real_access(path, mode))
    locked = tmp_path / "out.csv"
    result = run("evaluate", "-p", S2_POLICY, "-m", S2_METRICS, "--out", locked, "--lang", "en")
    assert result.exit_code == 1
    assert result.stderr == f"{locked}: cannot write: no permission to write in folder {tmp_path}\n"
    assert list(tmp_path.iterdir()) == []
