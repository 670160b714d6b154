"""Rows a naive reader would get wrong: shifted by a stray comma, cut short, swallowed by an
unclosed quote, summaries in the middle, files too big to be an export. Each is a located issue.
"""

from decimal import Decimal

import pytest
from harness.files import csv_text, write_text

from engine.data import csv_read
from engine.data.column_reader import column_letter
from engine.data.ingest import Field, read_table
from engine.errors import DataError
from tests.cpu_time import cpu_bounded

D = Decimal
AGENT = Field("agent", "text", ("客服",))
SALES = Field("sales", "money", ("销售额",))
SERVED = Field("served", "count", ("接待人数",))
LATE = Field("late", "count", ("迟到次数",), missing=D(0))
FIELDS = [AGENT, SALES, SERVED]


def issues(path, fields=FIELDS):
    with pytest.raises(DataError) as caught:
        read_table(path, fields, key="agent")
    return caught.value.issues


def located(path, fields=FIELDS):
    return [(i.row, i.column, i.message) for i in issues(path, fields)]


# -- 2. and 11. ragged rows -------------------------------------------------------------------


def test_unquoted_thousands_separator_shifts_the_row_and_is_refused(tmp_path):
    path = write_text(tmp_path / "metrics.csv", "客服,销售额,接待人数\n小王,1,250.00,30\n小李,800,20\n")
    (issue,) = issues(path)
    assert (issue.row, issue.column) == (2, "")
    assert issue.message == (
        "the row has 4 non-empty cells up to column D, but the header has 3 columns: a stray comma "
        "(such as an unquoted 1,250.00) shifted the cells after it; "
        'quote that cell ("1,250.00") or remove the thousands separator'
    )
    assert issue.zh.startswith("这一行有 4 个非空单元格（直到 D 列），而表头只有 3 列")


def test_trailing_empty_cells_beyond_the_header_are_fine(tmp_path):
    path = write_text(tmp_path / "metrics.csv", "客服,销售额,接待人数,,\n小王,100,3,,\n小李,200,4\n")
    records = read_table(path, FIELDS, key="agent").records
    assert [r.values["sales"] for r in records] == [D(100), D(200)]


def test_short_row_is_refused_unless_its_missing_cells_may_be_missing(tmp_path):
    path = write_text(tmp_path / "metrics.csv", "客服,销售额,接待人数,迟到次数\n小王,100,3\n小李,200\n")
    assert located(path, [*FIELDS, LATE]) == [
        (
            3,
            "",
            "the row has 2 cells, but the header has 4 columns: 接待人数 (C) have no cell; "
            "a cell or a comma is missing, check the row in the file",
        )
    ]
    fine = write_text(tmp_path / "fine.csv", "客服,销售额,接待人数,迟到次数\n小王,100,3\n")
    (record,) = read_table(fine, [*FIELDS, LATE], key="agent").records
    assert record.values["late"] == D(0)


# -- 8. summary rows --------------------------------------------------------------------------


def test_several_trailing_summaries_with_blank_rows_between_are_skipped_and_named(tmp_path):
    rows = [
        ["客服", "销售额", "接待人数"],
        ["小王", "100", "3"],
        ["汇总", "100", "3"],
        [],
        ["均值", "100", "3"],
        ["", "", ""],
        ["Total:", "", ""],
        ["合计", "", ""],
        ["平均值"],
        ["小计"],
        ["总计"],
        ["Average"],
        ["平均"],
    ]
    table = read_table(write_text(tmp_path / "metrics.csv", csv_text(rows)), FIELDS, key="agent")
    assert [r.row for r in table.records] == [2]
    assert table.skipped == (
        "row 3: summary row '汇总' skipped",
        "row 5: summary row '均值' skipped",
        "row 7: summary row 'Total:' skipped",
        "row 8: summary row '合计' skipped",
        "row 9: summary row '平均值' skipped",
        "row 10: summary row '小计' skipped",
        "row 11: summary row '总计' skipped",
        "row 12: summary row 'Average' skipped",
        "row 13: summary row '平均' skipped",
    )


def test_summary_row_followed_by_data_is_refused(tmp_path):
    rows = [
        ["客服", "销售额", "接待人数"],
        ["小王", "100", "3"],
        ["合计", "100", "3"],
        ["小李", "50", "1"],
        ["汇总", "150", "4"],
    ]
    (issue,) = issues(write_text(tmp_path / "metrics.csv", csv_text(rows)))
    assert (issue.row, issue.column) == (3, "")
    assert issue.message == (
        "'合计' looks like a summary row, but data rows follow it (row 4); a sub-total inside the table is "
        "neither read nor skipped silently: delete it, or move summary rows to the end"
    )
    assert issue.zh.startswith("'合计' 看起来是汇总行，但其后还有数据行（第 4 行）")


def test_summary_rows_above_every_data_row_are_skipped_and_named(tmp_path):
    rows = [
        ["客服", "销售额", "接待人数"],
        ["汇总", "150", "4"],
        ["小王", "100", "3"],
        ["小李", "50", "1"],
        ["均值", "75", "2"],
    ]
    table = read_table(write_text(tmp_path / "metrics.csv", csv_text(rows)), FIELDS, key="agent")
    assert [r.row for r in table.records] == [3, 4]
    assert table.skipped == ("row 2: summary row '汇总' skipped", "row 5: summary row '均值' skipped")


# -- 11. quotes -------------------------------------------------------------------------------


def test_unclosed_quote_at_the_end_names_the_row_where_it_opened(tmp_path):
    path = write_text(tmp_path / "metrics.csv",
                      '客服,销售额,接待人数,备注\n小王,100,3,好\n小李,200,4,"态度好\n小张,300,5,\n小赵,400,6,\n')
    (issue,) = issues(path)
    assert (issue.row, issue.column) == (3, "")
    assert issue.message == (
        "a quote opened in this row (line 3) is never closed, so every line after it would be read as one cell; "
        'close the quote or remove the stray "'
    )
    assert issue.render("zh").startswith(f"{path}：第 3 行：这一行（第 3 行文本）有一个引号始终没有闭合")


def test_quote_swallowing_the_next_rows_is_refused(tmp_path):
    text = '客服,销售额,接待人数,备注\n小王,100,3,"好\n小李,200,4,ok\n小张,300,5,"\n小赵,400,6,\n'
    (issue,) = issues(write_text(tmp_path / "metrics.csv", text))
    assert (issue.row, issue.column) == (2, "D")
    assert issue.message == (
        "a quoted cell opened here (line 2) runs over 3 lines and holds what looks like whole rows "
        "('小李,200,4,ok'): a quote is probably unclosed; close it or remove the stray \""
    )


def test_tab_separated_file_with_quoted_cells_is_read(tmp_path):
    text = '客服\t销售额\t接待人数\t备注\n小王\t100\t3\t"好评, 回头客"\n"小李"\t200\t4\t\n'
    records = read_table(write_text(tmp_path / "metrics.txt", text), FIELDS, key="agent").records
    assert [r.values["agent"] for r in records] == ["小王", "小李"]


def test_a_genuine_multiline_remark_is_read(tmp_path):
    text = '客服,销售额,接待人数,备注\n小王,100,3,"第一行\n第二行"\n小李,200,4,\n'
    records = read_table(write_text(tmp_path / "metrics.csv", text), FIELDS, key="agent").records
    assert [r.row for r in records] == [2, 3]


# -- 11. bounds and wide files ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "letter"),
    [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA"), (18277, "ZZZ"), (18278, "AAAA"), (16383, "XFD")],
)
def test_column_letters_past_zzz(index, letter):
    assert column_letter(index) == letter


def test_wide_csv_names_a_bad_cell_past_column_zzz(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_read, "MAX_COLUMNS", 20_000)
    header = ["客服", *(f"c{n}" for n in range(18_300)), "销售额"]
    row = ["小王", *([""] * 18_300), "abc"]
    (issue,) = issues(write_text(tmp_path / "metrics.csv", csv_text([header, row])), [AGENT, SALES])
    assert issue.column == "销售额 (AAAX)"


def test_too_many_columns_is_refused(tmp_path):
    row = ",".join(["x"] * (csv_read.MAX_COLUMNS + 1))
    (issue,) = issues(write_text(tmp_path / "metrics.csv", f"客服,销售额\n{row}\n"))
    assert (issue.row, issue.column) == (2, "")
    assert issue.message == "16,385 cells in one row, more than 16,384 (Excel's limit); this is not a metrics export"


def test_too_many_rows_and_too_big_a_file_are_file_issues(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_read, "MAX_ROWS", 3)
    (issue,) = issues(write_text(tmp_path / "metrics.csv", "客服,销售额,接待人数\n" + "a,1,1\n" * 5))
    assert (
        issue.render()
        == f"{tmp_path / 'metrics.csv'}: more than 3 rows (Excel's limit); split the export by month or team"
    )
    monkeypatch.setattr(csv_read, "MAX_FILE_BYTES", 10)
    (issue,) = issues(write_text(tmp_path / "big.csv", "客服,销售额,接待人数\n"))
    assert issue.row == 0 and issue.render("zh").startswith(
        f"{tmp_path / 'big.csv'}：文件大小 0 MB，超过指标文件上限 0 MB"
    )


def test_cell_over_excels_limit_is_refused_quickly(tmp_path):
    path = write_text(tmp_path / "metrics.csv", "客服,销售额\n" + "x" * 40_000 + ",1\n")
    with cpu_bounded():
        (issue,) = issues(path, [AGENT, SALES])
    assert (issue.row, issue.column) == (2, "客服 (A)")
    assert issue.message.startswith("the cell holds 40,000 characters, more than Excel's limit of 32,767")


def test_oversized_field_is_invalid_csv_naming_the_row(tmp_path):
    path = write_text(tmp_path / "metrics.csv", 'agent,served\n"' + "x" * 200_000 + '",1\n')
    (issue,) = issues(path, [Field("agent", "text"), Field("served", "count")])
    assert issue.row == 2 and issue.message.startswith("not valid CSV near line 2")
    assert issue.zh.startswith("第 2 行附近不是有效的 CSV")


# -- 12. file-level issues name no row --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "en", "zh"),
    [
        (
            "m.xls",
            b"x",
            "old Excel .xls files are not read; save it as .xlsx or CSV",
            "不支持旧版 Excel .xls 文件；请另存为 .xlsx 或 CSV",
        ),
        (
            "m.csv",
            b"\xff\xfe\xff",
            "expected text in UTF-8 or GB18030/GBK, got undecodable bytes; save as CSV UTF-8",
            "期望 UTF-8 或 GB18030/GBK 编码的文本，但有无法解码的字节；请另存为 CSV UTF-8",
        ),
        (
            "m.csv",
            "姓名\n小王\n".encode(),
            "no header row found in the first 30 rows: looked for a row naming agent / 客服 "
            "and at least one of sales / 销售额; served / 接待人数",
            "前 30 行里没有找到表头：应有一行包含 agent / 客服，并至少包含以下之一：sales / 销售额；served / 接待人数",
        ),
    ],
)
def test_file_level_issues_render_without_a_row(tmp_path, name, data, en, zh):
    path = tmp_path / name
    path.write_bytes(data)
    (issue,) = issues(path)
    assert issue.render() == f"{path}: {en}"
    assert issue.render("zh") == f"{path}：{zh}"
