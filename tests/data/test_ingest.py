"""Reading whole tables: header search, encodings, XLSX typing, skipped rows, every issue at once.

The sample export carries the S2.1 dimensions (接待人数, 响应时长, 询单转化率, 满意度) and the
S2.2 conversion of 9 orders from 20 inquiries (45%).
"""

import csv
import io
from datetime import datetime, time
from decimal import Decimal

import openpyxl
import pytest

from engine.data.ingest import MAX_ISSUES, Field, Record, read_table
from engine.errors import DataError, DataIssue

D = Decimal
ROLES = {"客服": "agent", "主管": "supervisor"}
FIELDS = (
    Field("agent", "text", aliases=("客服", "客服昵称")),
    Field("period", "period", aliases=("月份", "统计月份")),
    Field("served", "count", aliases=("接待人数",)),
    Field("first_response", "duration", aliases=("首次响应时间", "平均响应时长")),
    Field("conversion", "ratio", aliases=("询单转化率",)),
    Field("satisfaction", "ratio", aliases=("满意度",), percent=True, missing=None),
    Field("sales", "money", aliases=("销售额",), missing=D(0)),
    Field("role", "choice", aliases=("岗位",), choices=ROLES, required=False),
)
EXPORT = [
    ["客服绩效报表"],
    ["统计时间: 2026-10-01 ~ 2026-10-31"],
    [],
    [
        "客服昵称",
        "月份",
        "接待人数",
        "首次响应时间(秒)",
        "询单转化率",
        "满意度",
        "销售额（元）",
        "备注",
    ],
    ["小王", "2026-10", "20", "20秒", "45.00%", "98.5", "￥12,345.60", ""],
    ["小李", "2026年10月", "95人", "1分5秒", "0.3", "-", "—", "新人"],
    ["", "", "", "", "", "", "", ""],
    ["合计", "", "115", "", "", "", "12,345.60", ""],
]
EXPORT_RECORDS = (
    Record(
        5,
        {
            "agent": "小王",
            "period": "2026-10",
            "served": D(20),
            "first_response": D(20),
            "conversion": D("0.45"),  # S2.2: 9 of 20 inquiries ordered
            "satisfaction": D("0.985"),
            "sales": D("12345.60"),
        },
    ),
    Record(
        6,
        {
            "agent": "小李",
            "period": "2026-10",
            "served": D(95),
            "first_response": D(65),
            "conversion": D("0.3"),
            "satisfaction": None,
            "sales": D(0),
        },
    ),
)
EXPORT_SKIPPED = (
    "row 1: preamble '客服绩效报表' skipped",
    "row 2: preamble '统计时间: 2026-10-01 ~ 2026-10-31' skipped",
    "row 8: summary row '合计' skipped",
)


def csv_text(rows, delimiter=","):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def write(tmp_path, data, name="metrics.csv"):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def issues_of(path, fields=FIELDS, key="agent"):
    with pytest.raises(DataError) as caught:
        read_table(path, fields, key=key)
    return caught.value.issues


def only_issue(path, fields=FIELDS, key="agent"):
    (issue,) = issues_of(path, fields, key)
    return issue


# -- a whole export, in every encoding and layout a back office produces ----------------------


@pytest.mark.parametrize(
    ("encoding", "delimiter", "name"),
    [
        ("utf-8", ",", "metrics.csv"),
        ("utf-8-sig", ",", "metrics.csv"),  # Excel's "CSV UTF-8" writes a BOM
        ("gb18030", ",", "metrics.csv"),  # Chinese-locale Excel and most back offices
        ("gbk", ",", "metrics.csv"),
        ("utf-8", "\t", "metrics.txt"),
        ("utf-16", "\t", "metrics.txt"),  # Excel's "Unicode text" export
    ],
)
def test_reads_export_with_preamble_units_missing_markers_and_summary(tmp_path, encoding, delimiter, name):
    path = write(tmp_path, csv_text(EXPORT, delimiter).encode(encoding), name)
    table = read_table(path, FIELDS, key="agent")
    assert table.path == str(path)
    assert table.header_row == 4
    assert table.columns == {
        "agent": "客服昵称",
        "period": "月份",
        "served": "接待人数",
        "first_response": "首次响应时间(秒)",
        "conversion": "询单转化率",
        "satisfaction": "满意度",
        "sales": "销售额（元）",
    }
    assert table.records == EXPORT_RECORDS
    assert table.skipped == EXPORT_SKIPPED


def test_header_matching_ignores_case_width_space_and_units(tmp_path):
    header = [" ＡＧＥＮＴ ", "PERIOD", "接待人数（人）", "首次响应时间 (秒)", "Sales(元)"]
    path = write(tmp_path, csv_text([header, ["A1", "202610", "3", "00:01:05", "1,000"]]))
    table = read_table(path, FIELDS[:4] + FIELDS[6:7], key="agent")
    assert table.columns["agent"] == "ＡＧＥＮＴ"
    assert table.records[0].values == {
        "agent": "A1",
        "period": "2026-10",
        "served": D(3),
        "first_response": D(65),
        "sales": D(1000),
    }


def test_header_row_needs_the_key_and_one_more_field(tmp_path):
    path = write(tmp_path, csv_text([["客服"], ["客服", "接待人数"], ["小王", "3"]]))
    table = read_table(path, [FIELDS[0], FIELDS[2]], key="agent")
    assert table.header_row == 2
    assert table.skipped == ("row 1: preamble '客服' skipped",)


def test_single_field_table_needs_only_the_key(tmp_path):
    path = write(tmp_path, csv_text([["客服"], ["小王"]]))
    assert read_table(path, [FIELDS[0]], key="agent").records == (Record(2, {"agent": "小王"}),)


def test_header_is_searched_in_the_first_30_rows_only(tmp_path):
    preamble = [[f"说明 {n}"] for n in range(29)]
    fields = [FIELDS[0], FIELDS[2]]
    path = write(tmp_path, csv_text([*preamble, ["客服", "接待人数"], ["小王", "3"]]))
    assert read_table(path, fields, key="agent").header_row == 30
    path = write(tmp_path, csv_text([["标题"], *preamble, ["客服", "接待人数"], ["小王", "3"]]))
    assert only_issue(path, fields).message.startswith("no header row found in the first 30 rows")


def test_optional_column_is_read_when_present_and_missing_default_is_used(tmp_path):
    fields = [FIELDS[0], Field("role", "choice", aliases=("岗位",), choices=ROLES, missing="agent")]
    rows = [["客服", "岗位"], ["小王", "主管"], ["小李", "N/A"], ["小张"]]
    table = read_table(write(tmp_path, csv_text(rows)), fields, key="agent")
    assert [r.values["role"] for r in table.records] == ["supervisor", "agent", "agent"]


def test_summary_row_label_may_sit_after_empty_cells(tmp_path):
    rows = [["客服", "接待人数"], ["小王", "3"], ["", "Total:"], ["平均值", "3"]]
    table = read_table(write(tmp_path, csv_text(rows)), [FIELDS[0], FIELDS[2]], key="agent")
    assert table.records == (Record(2, {"agent": "小王", "served": D(3)}),)
    assert table.skipped == (
        "row 3: summary row 'Total:' skipped",
        "row 4: summary row '平均值' skipped",
    )


def test_summary_row_in_capitals_is_skipped_like_any_other(tmp_path):
    rows = [["客服", "接待人数"], ["小王", "3"], ["TOTAL", "3"], ["Average", "3"], ["sum:", "3"]]
    table = read_table(write(tmp_path, csv_text(rows)), [FIELDS[0], FIELDS[2]], key="agent")
    assert table.records == (Record(2, {"agent": "小王", "served": D(3)}),)
    assert [line.split(":")[0] for line in table.skipped] == ["row 3", "row 4", "row 5"]


def test_a_repeated_text_reads_the_same_in_every_row_and_a_bad_one_is_reported_in_each(tmp_path):
    """Texts repeat down a column (the month, `0`, `-`); each row still gets its own values and issues."""
    rows = [["客服", "接待人数", "询单转化率"], *([f"a{n}", "1,200", "45.00%"] for n in range(3))]
    rows += [["b1", "x", "45.00%"], ["b2", "x", "x"]]
    path = write(tmp_path, csv_text(rows))
    fields = [FIELDS[0], FIELDS[2], FIELDS[4]]
    assert [(i.row, i.column) for i in issues_of(path, fields)] == [(5, "接待人数 (B)"), (6, "接待人数 (B)"),
                                                                     (6, "询单转化率 (C)")]
    rows[4:] = []
    table = read_table(write(tmp_path, csv_text(rows)), fields, key="agent")
    assert [r.values for r in table.records] == [
        {"agent": f"a{n}", "served": D(1200), "conversion": D("0.45")} for n in range(3)
    ]


# -- XLSX -------------------------------------------------------------------------------------


def write_xlsx(tmp_path, name="metrics.xlsx"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["客服绩效报表"])
    sheet.append([])
    sheet.append(["客服", "统计月份", "接待人数", "平均响应时长", "询单转化率", "满意度", "销售额"])
    sheet.append([1001, datetime(2026, 10, 1), 20, time(0, 0, 45), 0.45, 0.985, 1234.5])
    sheet["D4"].number_format = "hh:mm:ss"
    sheet["E4"].number_format = "0.00%"
    sheet["F4"].number_format = "0.0%"
    sheet.append(["小李", "2026-10", 95.0, 65, "30%", 98, "¥88"])
    sheet.append([])
    sheet.append([None, "Total", 115])
    path = tmp_path / name
    book.save(path)
    return path


@pytest.mark.parametrize("name", ["metrics.xlsx", "metrics.XLSM"])
def test_reads_xlsx_typed_cells(tmp_path, name):
    table = read_table(write_xlsx(tmp_path, name), FIELDS, key="agent")
    assert table.header_row == 3
    assert table.records == (
        Record(
            4,
            {
                "agent": "1001",
                "period": "2026-10",
                "served": D(20),
                "first_response": D(45),
                "conversion": D("0.45"),  # shown as 45.00%, stored as 0.45: already a fraction
                "satisfaction": D("0.985"),  # % format wins over percent=True
                "sales": D("1234.5"),
            },
        ),
        Record(
            5,
            {
                "agent": "小李",
                "period": "2026-10",
                "served": D(95),
                "first_response": D(65),
                "conversion": D("0.30"),
                "satisfaction": D("0.98"),  # bare 98 in a percent column
                "sales": D(88),
            },
        ),
    )
    assert table.skipped == (
        "row 1: preamble '客服绩效报表' skipped",
        "row 7: summary row 'Total' skipped",
    )


def test_xlsx_bad_cell_names_the_column_letter_and_the_cell(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["客服", "接待人数"])
    book.active.append(["小王", 2.5])
    book.save(tmp_path / "m.xlsx")
    issue = only_issue(tmp_path / "m.xlsx", [FIELDS[0], FIELDS[2]])
    assert issue == DataIssue(
        str(tmp_path / "m.xlsx"),
        2,
        "接待人数 (B)",
        "expected a whole number ≥ 0 like 12, 1,200 or 12人, got 2.5",
        zh="期望一个不小于 0 的整数（如 12、1,200 或 12人），实际是 2.5",
        cell="B2",
    )


# -- every problem, at once -------------------------------------------------------------------


def test_every_bad_cell_is_reported_with_row_column_expected_and_got(tmp_path):
    rows = [
        ["客服", "月份", "接待人数", "首次响应时间", "询单转化率", "满意度", "销售额", "岗位"],
        ["小王", "2026-13", "12.5", "abc", "high", "9 成", "1e5", "经理"],
        ["", "2026-10", "1", "1", "1%", "1", "1", "客服"],
        ["小张", "2026-10", "1", "1", "1%"],
    ]
    path = write(tmp_path, csv_text(rows))
    where = str(path)
    assert [(i.file, i.row, i.column, i.message) for i in issues_of(path)] == [
        (where, 2, "月份 (B)", "expected a month between 1 and 12, got '2026-13'"),
        (where, 2, "接待人数 (C)", "expected a whole number ≥ 0 like 12, 1,200 or 12人, got '12.5'"),
        (where, 2, "首次响应时间 (D)", "expected a duration like 45, 20秒, 1分5秒 or 00:00:45, got 'abc'"),
        (where, 2, "询单转化率 (E)", "expected a ratio like 45.00% or 0.45, got 'high'"),
        (where, 2, "满意度 (F)", "expected a percentage like 45.00% or 45, got '9 成'"),
        (where, 2, "销售额 (G)", "expected a number like 1234.5, 1,234.50, ¥1,234.50 or 88元, got '1e5'"),
        (where, 2, "岗位 (H)", "expected one of 客服, 主管, agent, supervisor, got '经理'"),
        (where, 3, "客服 (A)", "expected a value, got an empty cell"),
        # A short row: optional 岗位 may be absent from the header, but a row may not drop its cell.
        (
            where,
            4,
            "",
            "the row has 5 cells, but the header has 8 columns: 岗位 (H) have no cell; "
            "a cell or a comma is missing, check the row in the file",
        ),
    ]


def test_issue_renders_file_row_and_column(tmp_path):
    path = write(tmp_path, csv_text([["客服", "首次响应时间(秒)"], ["小王", "abc"]]))
    (line,) = DataError(issues_of(path, [FIELDS[0], FIELDS[3]])).lines()
    assert line == (
        f"{path}: row 2, column 首次响应时间(秒) (B): expected a duration like 45, 20秒, 1分5秒 or 00:00:45, got 'abc'"
    )


def test_missing_marker_in_a_field_that_must_be_filled(tmp_path):
    path = write(tmp_path, csv_text([["客服", "接待人数"], ["小王", "N/A"], ["小李"]]))
    assert [(i.row, i.message) for i in issues_of(path, [FIELDS[0], FIELDS[2]])] == [
        (
            2,
            "'N/A' means the export had no value here; fill it in, "
            "or declare `placeholders: {N/A: missing}` (or a number) on the metric",
        ),
        (
            3,
            "the row has 1 cells, but the header has 2 columns: 接待人数 (B) have no cell; "
            "a cell or a comma is missing, check the row in the file",
        ),
    ]


def test_missing_and_duplicate_columns_are_reported_with_bad_cells(tmp_path):
    rows = [["客服", "客服昵称", "月份", "备注"], ["小王", "小王", "2026-13", ""]]
    path = write(tmp_path, csv_text(rows))
    where = str(path)
    assert issues_of(path, FIELDS[:3] + FIELDS[7:]) == [
        DataIssue(
            where,
            1,
            "客服昵称 (B)",
            "expected one column for 'agent', found 2: 客服 (A), 客服昵称 (B); delete or rename the extra one",
            zh="'agent' 应只有一列，却找到 2 列：客服 (A), 客服昵称 (B)；请删除或改名多出的列",
        ),
        DataIssue(
            where,
            1,
            "",
            "missing column 'served': expected a header named served / 接待人数; the headers found are: 客服, "
            "客服昵称, 月份, 备注",
            zh="缺少列 'served'：表头中应有 served / 接待人数；文件中的表头是：客服、客服昵称、月份、备注",
        ),
        DataIssue(
            where,
            2,
            "月份 (C)",
            "expected a month between 1 and 12, got '2026-13'",
            zh="期望 1 到 12 之间的月份，实际是 '2026-13'",
        ),
    ]


def test_issues_are_capped_with_a_count_of_the_rest(tmp_path):
    rows = [["客服", "接待人数"], *([f"a{n}", "x"] for n in range(MAX_ISSUES + 50))]
    issues = issues_of(write(tmp_path, csv_text(rows)), [FIELDS[0], FIELDS[2]])
    assert len(issues) == MAX_ISSUES + 1
    assert issues[MAX_ISSUES - 1].row == MAX_ISSUES + 1
    assert issues[-1] == DataIssue(
        str(tmp_path / "metrics.csv"),
        0,
        "",
        "50 more problems not shown; fix the ones above and run again",
        zh="另有 50 个问题未列出；请先修正以上问题后再运行",
    )


def test_no_header_lists_the_headers_looked_for(tmp_path):
    path = write(tmp_path, csv_text([["姓名", "金额"], ["小王", "3"]]))
    assert only_issue(path, [FIELDS[0], FIELDS[2], FIELDS[6]]).message == (
        "no header row found in the first 30 rows: looked for a row naming agent / 客服 / 客服昵称"
        " and at least one of served / 接待人数; sales / 销售额"
    )
    assert only_issue(write(tmp_path, b""), [FIELDS[0]]).message == (
        "no header row found in the first 30 rows: looked for a row naming agent / 客服 / 客服昵称"
    )


# -- files that cannot be read ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "metrics.csv",
            b"agent,served\n\xff\xfe\xff,1\n",
            "expected text in UTF-8 or GB18030/GBK, got undecodable bytes; save as CSV UTF-8",
        ),
        (
            "metrics.xls",
            b"\xd0\xcf\x11\xe0",
            "old Excel .xls files are not read; save it as .xlsx or CSV",
        ),
        ("metrics.json", b"{}", "expected a .csv, .txt, .xlsx or .xlsm file, got .json"),
        ("metrics", b"agent\n", "expected a .csv, .txt, .xlsx or .xlsm file, got no extension"),
    ],
)
def test_unreadable_file_is_one_issue(tmp_path, name, data, message):
    issue = only_issue(write(tmp_path, data, name))
    assert (issue.row, issue.column) == (0, "")
    assert issue.message.startswith(message)


def test_missing_file_is_an_issue(tmp_path):
    issue = only_issue(tmp_path / "nope.csv")
    assert issue == DataIssue(str(tmp_path / "nope.csv"), 0, "", "file not found", zh="找不到文件")
    assert issue.render() == f"{tmp_path / 'nope.csv'}: file not found"
    assert issue.render("zh") == f"{tmp_path / 'nope.csv'}：找不到文件"


def test_corrupt_xlsx_is_an_issue(tmp_path):
    issue = only_issue(write(tmp_path, b"PK\x03\x04 not really a zip", "metrics.xlsx"))
    assert issue.message.startswith("cannot read the workbook: ")


# -- caller mistakes are bugs, raised at once -------------------------------------------------


def test_field_definition_errors():
    with pytest.raises(ValueError, match="kind 'hours' is not one of"):
        Field("x", "hours")
    with pytest.raises(ValueError, match="a choice field needs choices"):
        Field("role", "choice")


def test_read_table_rejects_ambiguous_fields(tmp_path):
    path = write(tmp_path, "客服\n小王\n")
    with pytest.raises(ValueError, match="header text '客服' names both 'agent' and 'staff'"):
        read_table(path, [FIELDS[0], Field("staff", "text", aliases=("客服",))], key="agent")
    with pytest.raises(ValueError, match="including the key 'name'"):
        read_table(path, [FIELDS[0]], key="name")
