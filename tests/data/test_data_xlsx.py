"""XLSX as a person looking at the workbook reads it: formulas without values, ids typed as
numbers, literal `%` in a number format, hidden and several visible sheets, zip bombs.
"""

import re
import struct
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from engine.data import xlsx_read
from engine.data.column_reader import AS_STORED, FRACTION, PERCENT_TEXT
from engine.data.ingest import Field, read_table
from engine.data.xlsx_read import percent_format
from engine.errors import DataError

D = Decimal
AGENT = Field("agent", "text", ("客服",))
SALES = Field("sales", "money", ("销售额",), missing=D(0))
REPLY = Field("reply", "ratio", ("回复率",), range=(D(0), D(1)))


def book(tmp_path, rows, name="m.xlsx"):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def issues(path, fields):
    with pytest.raises(DataError) as caught:
        read_table(path, fields, key="agent")
    return caught.value.issues


def rewrite_part(path, part, change):
    """The workbook at `path` with one zip part's bytes changed, as another program would save it."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


# -- 3. formulas without a computed value -----------------------------------------------------


def test_formula_without_cached_value_is_refused_naming_the_cell(tmp_path):
    path = book(
        tmp_path, [["客服", "备注", "销售额"], ["a", "", 1], ["b", None, 2], ["c", None, 3], ["d", None, "=1000*2"]]
    )
    (issue,) = issues(path, [AGENT, SALES])
    assert (issue.row, issue.column, issue.cell) == (5, "销售额 (C)", "C5")
    assert issue.render() == (
        f"{path}: row 5, column 销售额 (C), cell C5: the cell holds the formula =1000*2 but no computed value: the "
        "file was written by a program and never calculated; open it in Excel (or WPS), save it, and read it again"
    )
    assert issue.render("zh") == (
        f"{path}：第 5 行，列 销售额 (C)，单元格 C5：该单元格是公式 =1000*2，但没有计算结果："
        "文件由程序生成、从未计算过；请用 Excel（或 WPS）打开并保存后再读取"
    )


def test_formula_with_its_cached_value_reads_the_value(tmp_path):
    path = book(tmp_path, [["客服", "销售额"], ["a", "=1000*2"], ["b", None]])
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda xml: re.sub(rb"<v\s*/>|<v></v>", b"<v>2000</v>", xml))
    assert [r.values["sales"] for r in read_table(path, [AGENT, SALES], key="agent").records] == [D(2000), D(0)]


def test_empty_cells_without_formulas_read_by_the_missing_rule(tmp_path):
    path = book(tmp_path, [["客服", "销售额"], ["a", None], ["b", 5]])
    assert [r.values["sales"] for r in read_table(path, [AGENT, SALES], key="agent").records] == [D(0), D(5)]


# -- 4. ids typed as numbers ------------------------------------------------------------------


def test_numeric_ids_read_as_their_text_when_exact(tmp_path):
    path = book(tmp_path, [["客服", "销售额"], [1001, 1], [1002.0, 2], [2**53 - 1, 3], ["店铺名:小王", 4]])
    agents = [r.values["agent"] for r in read_table(path, [AGENT, SALES], key="agent").records]
    assert agents == ["1001", "1002", str(2**53 - 1), "店铺名:小王"]


@pytest.mark.parametrize("raw", [1001.5, 2**53, 1.2345678901234567e18, True])
def test_inexact_numeric_id_is_refused_naming_the_cell(tmp_path, raw):
    (issue,) = issues(book(tmp_path, [["客服", "销售额"], [raw, 1]]), [AGENT, SALES])
    assert (issue.row, issue.column) == (2, "客服 (A)")
    assert issue.message.endswith(
        "which is not a whole number below 2^53 and cannot name anyone exactly; "
        "format the column as text in Excel and type it again"
    )
    assert "请在 Excel 中把这一列设为文本格式后重新填写" in issue.zh


# -- 11. number formats -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number_format", "kind"),
    [
        ("0.00%", FRACTION),
        ("0%", FRACTION),
        ('0.00"%"', PERCENT_TEXT),
        ("0.00\\%", PERCENT_TEXT),
        ('[Red]0.00"%"', PERCENT_TEXT),
        ('"rate "0.0%', FRACTION),
        ("General", AS_STORED),
        ("0.00", AS_STORED),
    ],
)
def test_percent_formats(number_format, kind):
    assert percent_format(number_format) == kind


def test_literal_percent_format_reads_as_the_percent_shown(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["客服", "回复率"])
    for agent, value, number_format in (("a", 97.5, '0.00"%"'), ("b", 0.975, "0.00%"), ("c", 0.975, "General")):
        sheet.append([agent, value])
        sheet.cell(sheet.max_row, 2).number_format = number_format
    workbook.save(tmp_path / "m.xlsx")
    records = read_table(tmp_path / "m.xlsx", [AGENT, REPLY], key="agent").records
    assert [r.values["reply"] for r in records] == [D("0.975"), D("0.975"), D("0.975")]


# -- 11. which sheet --------------------------------------------------------------------------


def test_hidden_first_sheet_is_not_read(tmp_path):
    workbook = openpyxl.Workbook()
    hidden = workbook.active
    hidden.title = "helper"
    hidden.append(["客服", "销售额"])
    hidden.append(["wrong", 999])
    hidden.sheet_state = "hidden"
    data = workbook.create_sheet("data")
    data.append(["客服", "销售额"])
    data.append(["right", 1])
    workbook.create_sheet("notes").append(["备注"])
    workbook.save(tmp_path / "m.xlsx")
    # Another program saved it opening on the hidden sheet (openpyxl would not): the first visible one is read.
    rewrite_part(tmp_path / "m.xlsx", "xl/workbook.xml", lambda xml: re.sub(rb'activeTab="\d+"', b'activeTab="0"', xml))
    table = read_table(tmp_path / "m.xlsx", [AGENT, SALES], key="agent")
    assert [r.values["agent"] for r in table.records] == ["right"]
    assert table.skipped == ("sheet 'data' read (the first visible one); also visible: 'notes'",)


def test_several_visible_sheets_read_the_active_one_and_say_so(tmp_path):
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "9月"
    first.append(["客服", "销售额"])
    first.append(["old", 1])
    second = workbook.create_sheet("10月")
    second.append(["客服", "销售额"])
    second.append(["new", 2])
    workbook.create_sheet("空白")
    workbook.active = 1
    workbook.save(tmp_path / "m.xlsx")
    table = read_table(tmp_path / "m.xlsx", [AGENT, SALES], key="agent")
    assert [r.values["agent"] for r in table.records] == ["new"]
    assert table.skipped == ("sheet '10月' read (the one the workbook opens on); also visible: '9月'",)


# -- 11. zip bounds ---------------------------------------------------------------------------


def test_workbook_unpacking_past_the_bound_is_refused_before_parsing(tmp_path, monkeypatch):
    path = book(tmp_path, [["客服", "销售额"], ["a", 1]])
    monkeypatch.setattr(xlsx_read, "MAX_UNPACKED_BYTES", 1024)
    (issue,) = issues(path, [AGENT, SALES])
    assert issue.row == 0 and issue.column == ""
    assert re.fullmatch(
        r"the workbook unpacks to 0 MB in \d+ parts, more than the 0 MB a metrics export can be; "
        r"it is damaged or not an export, or split it by month or team",
        issue.message,
    )
    assert issue.render("zh").startswith(f"{path}：工作簿解压后有")


def test_zip_declaring_a_huge_sheet_is_refused_without_unpacking(tmp_path):
    """A zip bomb declares what it will inflate to; the declared size alone refuses it."""
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 1024)
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = struct.pack("<I", 220 * 2**20)  # uncompressed size
    path.write_bytes(bytes(data))
    (issue,) = issues(path, [AGENT, SALES])
    assert issue.message.startswith("the workbook unpacks to 220 MB in 1 parts")
