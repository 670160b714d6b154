"""The streaming XLSX writer (engine.report.xlsx_writer) writes what openpyxl writes for the same cells,
byte for byte, part by part; its fast paths for cells agree with the general one; its output is the
same bytes for the same input, however large. (The shipped examples' workbooks are held byte for byte
by tests/golden; these cover the cells no example has.)"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.styles import Font

from engine.report.number_text import grouped, number, percent
from engine.report.xlsx import fit_columns, stable_xlsx, write_row
from engine.report.xlsx_writer import (
    FAST_ABOVE,
    GENERAL,
    MONEY,
    PERCENT,
    POINTS,
    Book,
    column_letter,
    fits_excel,
    number_cell,
    points_format,
    text_cell,
)
from engine.report.xlsx_writer import (
    Cell as Made,
)

FORMATS = (MONEY, POINTS, PERCENT, GENERAL)
TRICKY_TEXT = ["", " ", " lead", "trail ", "=HYPERLINK(\"x\")", "+1", "-2", "@a", "\tx", "\rx", "a\x00b\x1bc",
               "_x0041_", "a & b < c > d", '"q"', "客服 一组", "\u3000全角", "é\u0085", "\ufffe", "x\ny"]
TRICKY_NUMBERS = ["0", "-0.00", "1800.00", "1234567.891", "-0.004", "12345678901234.56", "123456789012.34",
                  "3000.0000000000000000", "33.335", "1E+3", "1E-7", "0.3333333333333333333333333333",
                  "99.99995", "0.9999995", "1E+16", "-5.11187", "100", "25.0", "25.00", "NaN", "Infinity"]


def _openpyxl_book(title: str, rows: list[list[tuple[object, str]]], bold: set[int], outline: set[int]) -> bytes:
    """The same rows through openpyxl's own cells (engine.report.xlsx.write_row), as the report wrote
    them before: bold rows, a frozen heading, an autofilter, outlined rows, fitted widths."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    widths: dict[int, int] = {}
    for at, row in enumerate(rows, start=1):
        write_row(sheet, at, row, widths)
        if at in outline:
            sheet.row_dimensions[at].outlineLevel = 1
    for at in sorted(bold):
        for cell in sheet[at]:
            cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{column_letter(max(len(r) for r in rows))}{len(rows)}"
    fit_columns(sheet, widths)
    buffer = io.BytesIO()
    book.save(buffer)
    return stable_xlsx(buffer.getvalue())


def _streamed_book(title: str, rows: list[list[tuple[object, str]]], bold: set[int], outline: set[int]) -> bytes:
    book = Book()
    with book.sheet(title) as sheet:
        for at, row in enumerate(rows, start=1):
            cells = [None if value is None else number_cell(value, fmt) if isinstance(value, Decimal)
                     else text_cell(str(value)) for value, fmt in row]
            sheet.append(cells, bold=len(cells) if at in bold else 0, outline=at in outline)
        sheet.frozen = True
        sheet.filter = f"A1:{column_letter(max(len(r) for r in rows))}{len(rows)}"
    return book.save()


def _parts(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def test_tricky_cells_are_written_as_openpyxl_writes_them():
    """Formula-looking text (quote prefix), control characters (`_xHHHH_`), a literal `_x0041_`, XML's
    own characters, spaces kept, CJK widths; numbers Excel cannot hold (right-aligned text), negative
    zero, unrounded points (their own format), percentages, empty and bold-empty cells, outlines."""
    fmts = [MONEY, POINTS, PERCENT, GENERAL]
    rows: list[list[tuple[object, str]]] = [[(f"列{i}", "") for i in range(6)]]
    for i, text in enumerate(TRICKY_TEXT):
        value = Decimal(TRICKY_NUMBERS[i % len(TRICKY_NUMBERS)])
        rows.append([(text, ""), (value, fmts[i % 4]), (None, ""), (value, fmts[(i + 1) % 4]),
                     (Decimal(i), fmts[(i + 2) % 4]), (value, fmts[(i + 3) % 4])])
    for i, text in enumerate(TRICKY_NUMBERS):
        rows.append([(f"n{i}", ""), *((Decimal(text), fmt) for fmt in fmts), (None, "")])
    bold, outline = {1, 5, len(rows)}, set(range(2, 12))
    expected = _openpyxl_book("结果 'x'", rows, bold, outline)
    got = _streamed_book("结果 'x'", rows, bold, outline)
    assert _parts(got) == _parts(expected)
    assert got == expected  # packed alike too


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=12), st.decimals(allow_nan=False, allow_infinity=False, places=None),
                          st.sampled_from(FORMATS), st.booleans()), min_size=1, max_size=12))
def test_any_cells_are_written_as_openpyxl_writes_them(found):
    rows: list[list[tuple[object, str]]] = [[("甲", ""), ("乙", ""), ("丙", "")]]
    rows += [[(text, ""), (value, fmt), (None if empty else value, fmt)] for text, value, fmt, empty in found]
    bold = {1} | {i + 2 for i, (_, _, _, empty) in enumerate(found) if empty}
    assert _parts(_streamed_book("s", rows, bold, set())) == _parts(_openpyxl_book("s", rows, bold, set()))


def _reference(value: Decimal, fmt: str) -> tuple[object, bool, int, str]:
    """A number's cell as the writer defines it, the slow way: kept exactly or its digits as
    right-aligned text, the width of what Excel shows, its number format."""
    value = value if value else abs(value)  # -0.00 is 0.00
    if not fits_excel(value, exact=fmt in (MONEY, POINTS)):
        return number(value), True, len(number(value) or ""), GENERAL
    shown = grouped(value, 2) if fmt == MONEY else percent(value) if fmt == PERCENT else number(value)
    return value, False, len(shown or ""), points_format(value) if fmt == POINTS else fmt


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.decimals(allow_nan=False, allow_infinity=False),
                 st.builds(lambda whole, places: Decimal(whole).scaleb(-places),
                           st.integers(-10**18, 10**18), st.integers(0, 30))),
       st.sampled_from(FORMATS))
def test_a_numbers_fast_path_agrees_with_the_general_one(value, fmt):
    made = number_cell(value, fmt)
    expected = _reference(value, fmt)
    assert (made.value, made.style.right, made.width, made.style.format) == expected
    assert str(made.value) == str(expected[0])  # the same digits, not only an equal number


@pytest.mark.parametrize("text", TRICKY_NUMBERS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_edge_numbers_agree_with_the_general_path(text, fmt):
    made = number_cell(Decimal(text), fmt)
    assert (made.value, made.style.right, made.width, made.style.format) == _reference(Decimal(text), fmt)


def _large_book() -> bytes:
    """Two sheets, one over FAST_ABOVE bytes of XML (deflated fast), written column by column."""
    book = Book()
    count = FAST_ABOVE // 60 + 1000
    with book.sheet("大") as sheet:
        sheet.append([text_cell("工号"), text_cell("金额")], bold=2)
        ids = [text_cell(f"A{i:06d}") for i in range(count)]
        amounts = [number_cell(Decimal(i % 977) / 4, MONEY) for i in range(count)]
        sheet.extend([ids, amounts], outline=True)
        sheet.frozen = True
        sheet.filter = f"A1:B{sheet.rows}"
    with book.sheet("小") as sheet:
        sheet.append([text_cell("x"), number_cell(Decimal("1.5"), POINTS)])
    return book.save()


def test_a_large_workbook_is_the_same_bytes_each_time_and_reads_back():
    first, second = _large_book(), _large_book()
    assert first == second
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > FAST_ABOVE
    sheet = openpyxl.load_workbook(io.BytesIO(first), read_only=True)["大"]
    rows = sheet.iter_rows(values_only=True)
    assert next(rows) == ("工号", "金额")
    assert next(rows) == ("A000000", 0)
    assert next(rows) == ("A000001", 0.25)


def test_a_sheet_that_fails_midway_leaves_no_sheet():
    book = Book()
    with pytest.raises(ValueError), book.sheet("半"):
        raise ValueError("a row could not be made")
    with book.sheet("全") as sheet:
        sheet.append([text_cell("x")])
    assert [sheet.title for sheet in book.sheets] == ["全"]
    assert openpyxl.load_workbook(io.BytesIO(book.save())).sheetnames == ["全"]


def test_a_cell_made_once_is_written_with_its_style_wherever_it_recurs():
    book = Book()
    money = number_cell(Decimal("1800.00"), MONEY)
    with book.sheet("s") as sheet:
        sheet.append([text_cell("金额")], bold=1)
        sheet.extend([[money, money, money]])
        sheet.append([money], bold=1)
    cells = openpyxl.load_workbook(io.BytesIO(book.save()))["s"]["A"]
    assert [(c.value, c.number_format, c.font.b) for c in cells] == [
        ("金额", "General", True), *[(1800, MONEY, False)] * 3, (1800, MONEY, True)]
    assert isinstance(money, Made)


# -- a streamed book: sheets promised, deflated by a worker thread ------------------------------------

NAMES = ["客服 一组", 'A & B <C> "D"', "=SUM(A1)", "_x0041_", "é\u3000"]


def _promised_book(*, streamed: bool, rows: int) -> bytes:
    """A results-like sheet of `rows` rows (header, rows made elsewhere, a bold total; promised when
    `streamed`), an empty sheet, a sheet never promised, and one promised with no row at all."""
    with Book(streamed=streamed) as book:
        with book.sheet('名单 <&"') as sheet:
            header = [text_cell("姓名"), text_cell("金额")]
            sheet.append(header, bold=2)
            sheet.frozen = True
            names = [text_cell(NAMES[i % len(NAMES)]) for i in range(rows)]
            amounts = [number_cell(Decimal(i) / 4, MONEY) for i in range(rows)]
            total = [text_cell("合计"), number_cell(sum((c.value for c in amounts), Decimal(0)), MONEY)]
            sheet.promise(1 + rows + 1, [max(c.width for c in (*column, end)) for column, end
                                         in zip((names, amounts), total, strict=True)])
            for start in range(0, rows, 1000):
                piece = [sheet.row_xml([name, amount], at) for at, name, amount in
                         zip(range(start + 2, start + 2 + 1000), names[start:start + 1000],
                             amounts[start:start + 1000], strict=False)]
                sheet.written(lambda out, piece=piece: out.write("".join(piece).encode()), len(piece), [-1, -1])
            sheet.append(total, bold=2)
            sheet.filter = f"A1:B{sheet.rows}"
        with book.sheet("空") as sheet:
            sheet.promise(0, [])
        with book.sheet("不许诺") as sheet:
            sheet.append([text_cell("x"), number_cell(Decimal("1.5"), POINTS)])
        with book.sheet("仅表头") as sheet:
            sheet.append([text_cell("工号")], bold=1)
            sheet.promise(1, [])
        return book.save()


@pytest.mark.parametrize("rows", [0, 3, 60_000])
def test_a_streamed_book_is_the_same_bytes_as_one_saved_at_the_end(rows):
    """Chinese text, `<`, `&` and `"` in a title and cells, an empty sheet, a sheet under and one over
    `FAST_ABOVE` (its level chosen once its rows pass it): the worker writes what `save` writes."""
    streamed = _promised_book(streamed=True, rows=rows)
    assert streamed == _promised_book(streamed=False, rows=rows)
    archive = zipfile.ZipFile(io.BytesIO(streamed))
    assert (archive.getinfo("xl/worksheets/sheet1.xml").file_size > FAST_ABOVE) is (rows == 60_000)
    book = openpyxl.load_workbook(io.BytesIO(streamed), read_only=True)
    assert book.sheetnames == ['名单 <&"', "空", "不许诺", "仅表头"]
    found = list(book['名单 <&"'].iter_rows(values_only=True))
    assert found[0] == ("姓名", "金额")
    assert found[1:1 + min(rows, 2)] == [("客服 一组", 0), ('A & B <C> "D"', 0.25)][:rows]
    assert found[-1] == ("合计", sum(i / 4 for i in range(rows)))
    assert len(found) == rows + 2
    assert list(book["空"].iter_rows(values_only=True)) == []


def _threads() -> int:
    import threading

    return sum(thread.name == "xlsx-deflate" for thread in threading.enumerate())


def test_a_broken_promise_is_an_error_not_a_wrong_sheet():
    before = _threads()
    with pytest.raises(AssertionError, match="promised"), Book(streamed=True) as book, book.sheet("s") as sheet:
        sheet.promise(2, [3])
        sheet.append([text_cell("abc")])
    assert _threads() == before


@pytest.mark.parametrize("failing", ["docProps/app.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet3.xml",
                                     "[Content_Types].xml"])
def test_an_error_in_the_worker_surfaces_and_leaves_no_workbook(failing, monkeypatch):
    """The archive's writer failing in the worker thread (a full disk, say) at the first part, a streamed
    sheet, a sheet written once ended, the last part: the caller gets its error, at its next hand-over or
    at `save`, and no bytes; the worker stops."""
    before = _threads()
    opened = zipfile.ZipFile.open

    def full(archive, name, *args, **kwargs):
        if getattr(name, "filename", name) == failing:
            raise OSError("no space left on device")
        return opened(archive, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", full)
    saved = None
    with pytest.raises(OSError, match="no space"):  # at a hand-over or at `save`, wherever the worker meets it
        saved = _promised_book(streamed=True, rows=60_000)
    assert saved is None
    assert _threads() == before


def test_an_error_while_the_rows_are_made_stops_the_worker():
    before = _threads()
    with pytest.raises(ValueError, match="a row"), Book(streamed=True) as book, book.sheet("s") as sheet:
        sheet.promise(100_000, [7])
        for _ in range(200):
            sheet.written(lambda out: out.write(b"<row />" * 10_000), 500, [7])
        raise ValueError("a row could not be made")
    assert book.packer is not None
    with pytest.raises(RuntimeError, match="closed"):
        book.packer.writestr(zipfile.ZipInfo("x"), b"")
    assert _threads() == before
