"""A workbook written row by row: each sheet's rows go to a scratch file as they come, so writing a
month of 100,000 agents keeps no cell in memory (openpyxl's own workbook keeps every cell as an object,
about 1.7 GiB for 100,000 results). A writer that knows a sheet's shape before its rows (`Sheet.promise`:
engine.report.frame_xlsx does) skips the scratch file in a `Book(streamed=True)`: the rows go straight
into the archive, deflated by a worker thread while the next rows are made.

What it writes is the SpreadsheetML openpyxl 3.1.5 writes for the same cells, byte for byte (the same
parts in the same order, the same XML, inline strings, the same style records numbered in the order
their first cell is written, the archive's dates fixed at 2000-01-01): the golden workbooks of
tests/golden hold it to that, so a reader sees exactly what it saw before. Its docProps therefore
name openpyxl, and the theme is openpyxl's own.

Also here, because both writers need them: how a value becomes a cell (`text_cell`, `number_cell`):
text that XML can carry and Excel never evaluates, numbers Excel holds exactly or else their digits
as right-aligned text, and what each shows (for the column widths).
"""

from __future__ import annotations

import contextlib
import io
import queue
import re
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import IO, NamedTuple

from engine.report.headings import display_width
from engine.report.number_text import grouped, number, percent
from engine.report.safe_text import FORMULA_STARTS

MONEY = "#,##0.00"
POINTS = "0.00"
PERCENT = "0.00%"
GENERAL = "General"
# Excel keeps 15 significant digits; a number it cannot hold exactly is written as text instead.
EXCEL_DIGITS = 15
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPE_LOOKALIKE = re.compile("_(x[0-9A-Fa-f]{4}_)")
# What `xml_text` changes: most text has none of it, which one search tells.
_SPECIAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x")
ARCHIVE_DATE = (2000, 1, 1, 0, 0, 0)
_CHUNK = 1 << 20  # bytes of rows gathered before they go to the scratch file
# A sheet's XML over this many bytes (some 3,000 agents' results) is deflated at zlib's fastest level:
# at the usual level, deflating 100,000 agents' results and details (180 MB of XML) takes longer than
# writing them, for a file a quarter smaller. Below it a workbook packs exactly as openpyxl packs it.
FAST_ABOVE = 4 << 20


def xml_text(text: str) -> str:
    """Text XML can carry: control characters as OOXML `_xHHHH_` escapes (Excel shows them as
    the original characters), and a literal `_xHHHH_` in the data protected as `_x005F_xHHHH_`."""
    text = _ESCAPE_LOOKALIKE.sub(r"_x005F_\1", text)
    return _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def points_format(value: Decimal) -> str:
    """`0.00`, or as many places as the points have (33.335 → `0.000`): points the policy leaves
    unrounded (`score.round: total`) are shown whole, so the shown points add up to the shown score
    and none is rounded onto or across a bound (a rating's minimum) beside it."""
    places = -value.normalize().as_tuple().exponent
    return POINTS if places <= 2 else "0." + "0" * places


def fits_excel(value: Decimal, *, exact: bool) -> bool:
    """Whether Excel's 15-digit numbers hold `value`: every digit of an amount or points (a fen
    must not change), or at least the whole part of a measured value (1/3 may lose its 16th 3)."""
    if not value.is_finite() or abs(value.adjusted()) > 300:
        return False
    if not exact:
        return value.adjusted() < EXCEL_DIGITS
    significant = "".join(map(str, value.as_tuple().digits)).rstrip("0")
    return len(significant) <= EXCEL_DIGITS


class Style(NamedTuple):
    """A cell's look: its number format, bold or not, Excel's quote prefix ("this is text"), right-aligned."""

    format: str = GENERAL
    bold: bool = False
    quoted: bool = False
    right: bool = False


PLAIN = Style()
_BOLD = Style(bold=True)
_BOLDED: dict[Style, Style] = {}


def bolded(style: Style) -> Style:
    """The style in bold, made once per style (a subtotal row per team would make one per cell)."""
    found = _BOLDED.get(style)
    if found is None:
        found = _BOLDED[style] = style._replace(bold=True)
    return found


class Cell:
    """One cell as written: text (`str`) or a number (`Decimal`), its style, the width of what Excel
    shows, and its XML after its reference and style. Made once and written wherever its value
    recurs (down a column most values do), so `xml`, that XML with the style's number, is kept the
    first time the cell is written: styles are numbered in that order. Nothing else changes it."""

    __slots__ = ("body", "style", "value", "width", "xml")

    def __init__(self, value: str | Decimal, style: Style, width: int, body: str):
        self.value = value
        self.style = style
        self.width = width
        self.body = body
        self.xml: str | None = None


def text_cell(value: str, style: Style = PLAIN) -> Cell:
    """A string cell that Excel shows as text and never evaluates, whatever it starts with."""
    text = xml_text(value) if _SPECIAL.search(value) else value
    quoted = value.startswith(FORMULA_STARTS)
    if quoted != style.quoted:  # most text is not quoted, in a style that is not: no new style made
        style = style._replace(quoted=quoted)
    return Cell(text, style, _width(value), _text_body(text))


def number_cell(value: Decimal, fmt: str) -> Cell:
    """A numeric cell in `fmt` (points in as many places as they have); a number Excel would round
    (or cannot hold at all) is its exact digits as right-aligned text instead."""
    if not value:
        value = abs(value)  # -0.00 is 0.00
    text = str(value)
    # Most numbers are plain digits, at most 15 of them: Excel holds them, and what Excel shows
    # follows from the digits (the general path below gives the same, only slower).
    negative = text[0] == "-"
    whole, _, fraction = text.lstrip("-").partition(".")
    plain = "E" not in text and value.is_finite()
    if plain and len(whole) + len(fraction) <= EXCEL_DIGITS:
        if fmt == MONEY and len(fraction) <= 2:
            width = negative + len(whole) + (len(whole) - 1) // 3 + 3  # 1,234.50
            return Cell(value, _style(fmt), width, _number_body(value))
        if fmt not in (MONEY, PERCENT):
            places = len(fraction.rstrip("0"))
            style = Style(("0." + "0" * places if places > 2 else POINTS) if fmt == POINTS else fmt)
            return Cell(value, style, len(text), _number_body(value))
    if fmt == PERCENT and plain and len(whole) <= EXCEL_DIGITS:
        return Cell(value, _style(fmt), _percent_width(value, len(fraction)), _number_body(value))
    if not fits_excel(value, exact=fmt in (MONEY, POINTS)):
        return text_cell(number(value) or "", Style(right=True))
    shown = grouped(value, 2) if fmt == MONEY else percent(value) if fmt == PERCENT else number(value) or ""
    return Cell(value, Style(points_format(value) if fmt == POINTS else fmt), len(shown), _number_body(value))


_STYLES: dict[str, Style] = {}


def _style(fmt: str) -> Style:
    """The plain style of a number format, made once (a cell per distinct amount would make one each)."""
    found = _STYLES.get(fmt)
    if found is None:
        found = _STYLES[fmt] = Style(fmt)
    return found


def _percent_width(value: Decimal, places: int) -> int:
    """How wide `percent(value)` is, without writing it: the same rounding, in one fixed context
    (wide enough for any value under 10**15, which is all that reaches here)."""
    scaled = value.scaleb(2)  # places - 2 places
    if places <= 6:  # 2 places, or the 3 or 4 it has
        return len(number(scaled.quantize(_HUNDREDTH, context=_WIDE) if places <= 4 else scaled) or "") + 1
    short = scaled.quantize(_TEN_THOUSANDTH, context=_WIDE)
    return len(number(short) or "") + 1 + (short != scaled)  # %, and … where digits were cut


_WIDE = Context(prec=60, rounding=ROUND_HALF_UP)
_HUNDREDTH = Decimal("0.01")
_TEN_THOUSANDTH = Decimal("0.0001")


def _number_body(value: Decimal) -> str:
    """The cell's number as SpreadsheetML stores it: an XLSX number cell is an IEEE double, whatever
    wrote it, so the text is that double's, to 16 places, as openpyxl writes it. Every amount of pay
    (under 10**13 yuan, to the fen) survives the trip digit for digit; the Decimal itself never
    changes: the CSV and JSON reports and the ledger keep it exact."""
    return f' t="n"><v>{float(value):.16g}</v></c>'


def column_letter(index: int) -> str:
    """`1` → `A`, `27` → `AA`."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_width(width: int) -> int:
    """A column's width from the widest text it shows: room for it, within 6 and 60."""
    return min(max(width + 2, 6), 60)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(text: str) -> str:
    return (_escape(text).replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;")
            .replace("\t", "&#09;"))


def _text_body(text: str) -> str:
    """A text cell's XML after its reference and style: an inline string, as openpyxl writes one."""
    if not text:
        return ' t="inlineStr" />'
    stripped = text.strip()
    space = ' xml:space="preserve"' if stripped and stripped != text else ""
    return f' t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


def _width(text: str) -> int:
    return len(text) if text.isascii() else display_width(text)


_BUILTIN_FORMATS = {GENERAL: 0, "0": 1, POINTS: 2, "#,##0": 3, MONEY: 4, "0%": 9, PERCENT: 10}
_CUSTOM_FORMATS = 164  # openpyxl numbers the formats that are not built in from here
_HEAD = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetPr><outlinePr '
         'summaryBelow="1" summaryRight="1" /><pageSetUpPr /></sheetPr>')
_MARGINS = '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5" />'


class Sheet:
    """One worksheet being written (inside `Book.sheet`), row after row. Rows are kept as XML in a
    scratch file: the sheet's size and column widths come before them in the XML, and are only
    known once every row is written."""

    def __init__(self, book: Book, title: str):
        self.book = book
        self.title = title
        self.rows = 0
        self.columns = 0
        self.widths: list[int] = []  # each column's widest text, -1 where none is
        self.frozen = False
        self.filter = ""
        self._scratch = tempfile.TemporaryFile()  # noqa: SIM115 closed by `xml` or `discard`
        self._pending: list[str] = []
        self._size = 0
        self.size = 0  # bytes of rows in the scratch file (or, promised, written so far)
        self._letters: list[str] = []
        self._promised: tuple[int, int, list[int], bool] | None = None  # rows, columns, widths, frozen
        self._held: list[bytes | memoryview] = []  # a promised sheet's rows until its level is known
        self._index = len(book.sheets) + 1  # its part's number: sheets are written one after the other
        self._opened = False

    def append(self, cells: Sequence[Cell | None], *, bold: int = 0, outline: bool = False) -> None:
        """The next row: a None cell is left empty; the first `bold` cells are bold, empty ones too.
        `outline`: the row folds into the group under it (Excel's outline level 1)."""
        self._add(self.row_xml(cells, self.rows + 1, bold=bold, outline=outline))
        self.rows += 1

    def row_xml(self, cells: Sequence[Cell | None], at: int, *, bold: int = 0, outline: bool = False) -> str:
        """Row `at`'s XML as `append` writes it (its cells' widths counted, their styles numbered), not
        yet written: a writer that makes many rows at once (engine.report.frame_xlsx) places it among them."""
        self._grow(len(cells))
        row = str(at)
        parts = [f'<row r="{row}" outlineLevel="1">' if outline else f'<row r="{row}">']
        book, widths = self.book, self.widths
        for index, (letter, cell) in enumerate(zip(self._letters, cells, strict=False)):
            if cell is None:
                if index < bold:
                    parts.append(f'<c r="{letter}{row}"{book.style_id(_BOLD)} t="n" />')
                continue
            xml = book.style_id(bolded(cell.style)) + cell.body if index < bold else (
                cell.xml or book.first_written(cell))
            parts.append(f'<c r="{letter}{row}"{xml}')
            widths[index] = max(widths[index], cell.width)
        parts.append("</row>")
        return "".join(parts)

    def written(self, write: Callable[[IO[bytes]], object], rows: int, widths: Sequence[int]) -> None:
        """`rows` rows made elsewhere, after the rows so far: `write` puts their XML (UTF-8) into the stream
        it is given; `widths`: the widest text of each of their columns (-1 where none is)."""
        self._grow(len(widths))
        for index, width in enumerate(widths):
            self.widths[index] = max(self.widths[index], width)
        self.flush()
        if self._streaming:
            buffer = io.BytesIO()
            write(buffer)
            self._emit(buffer.getbuffer())
        else:
            start = self._scratch.tell()
            write(self._scratch)
            self._scratch.seek(0, io.SEEK_END)
            self.size += self._scratch.tell() - start
        self.rows += rows

    def promise(self, rows: int, widths: Sequence[int]) -> None:
        """The sheet's shape known before its rows: `rows` rows in all, its columns' widest texts `widths`
        (-1 where none is), `frozen` set by now. In a `Book(streamed=True)` its XML then goes into the
        archive as it comes (the head first, which holds the shape), deflated by the book's worker thread
        while the next rows are made, instead of through a scratch file. The sheet's end checks the promise."""
        self.flush()
        self._grow(len(widths))
        promised = [max(mine, widths[i] if i < len(widths) else -1) for i, mine in enumerate(self.widths)]
        self._promised = (rows, max(self.columns, len(widths)), promised, self.frozen)
        if self._streaming and self.size:  # the rows written before the promise go first
            self._scratch.seek(0)
            self._held.append(self._scratch.read())
            if self.size > FAST_ABOVE:
                self._open()

    @property
    def _streaming(self) -> bool:
        return self._promised is not None and self.book.packer is not None

    def letters(self, columns: int) -> list[str]:
        """The letters of the first `columns` columns."""
        self._grow(columns)
        return self._letters[:columns]

    def extend(self, columns: Sequence[Sequence[Cell]], *, outline: bool = False) -> None:
        """Rows given column by column (each column a cell per row, none empty or bold): the fast way
        to write many rows, each column's width taken once from its distinct cells."""
        if not columns or not columns[0]:
            return
        self._grow(len(columns))
        for index, column in enumerate(columns):
            self.widths[index] = max(self.widths[index], max(cell.width for cell in set(column)))
        first = self.book.first_written
        opening = '" outlineLevel="1">' if outline else '">'
        prefixes = [f'<c r="{letter}' for letter in self._letters]
        for at, cells in enumerate(zip(*columns, strict=True), start=self.rows + 1):  # the hot loop
            row = str(at)
            self._add(f'<row r="{row}{opening}'
                      + "".join([f'{prefix}{row}"{cell.xml or first(cell)}'
                                 for prefix, cell in zip(prefixes, cells, strict=False)]) + "</row>")
        self.rows += len(columns[0])

    def _grow(self, columns: int) -> None:
        """Room for a row of `columns` cells: their letters, their widths."""
        while len(self._letters) < columns:
            self._letters.append(column_letter(len(self._letters) + 1))
            self.widths.append(-1)
        self.columns = max(self.columns, columns)

    def _add(self, row: str) -> None:
        self._pending.append(row)
        self._size += len(row)
        if self._size > _CHUNK:
            self.flush()

    def flush(self) -> None:
        """The rows gathered so far into the scratch file (or, promised, towards the archive)."""
        if not self._pending:
            return
        data = "".join(self._pending).encode("utf-8", "xmlcharrefreplace")
        self._pending.clear()
        self._size = 0
        if self._streaming:
            self._emit(data)
        else:
            self.size += self._scratch.write(data)

    def _emit(self, data: bytes | memoryview) -> None:
        """A promised sheet's next rows towards the archive: held until they pass `FAST_ABOVE` bytes (the
        part's level depends on its size, and its head comes first), then handed to the worker."""
        assert self.book.packer is not None
        self.size += len(data)
        if self._opened:
            self.book.packer.write(data)
            return
        self._held.append(data)
        if self.size > FAST_ABOVE:
            self._open()

    def _open(self) -> None:
        """The promised sheet's part opened in the archive, its head and the rows held so far written."""
        packer = self.book.packer
        assert packer is not None and self._promised is not None
        rows, columns, widths, _ = self._promised
        packer.open(_part(f"xl/worksheets/sheet{self._index}.xml", self.size), self._head(rows, columns, widths))
        for data in self._held:
            packer.write(data)
        self._held.clear()
        self._opened = True

    def finish(self) -> None:
        """The sheet's last rows written: a promised one checked against its promise and closed in the archive."""
        self.flush()
        if self._promised is None:
            return
        if self._promised != (self.rows, self.columns, self.widths, self.frozen):
            raise AssertionError(f"sheet {self.title!r} promised {self._promised[:2]} rows and columns, wrote "
                                 f"{(self.rows, self.columns)}, or other widths or panes")
        packer = self.book.packer
        if packer is None:
            return
        if not self._opened:
            self._open()
        packer.write(self._tail())
        packer.close()
        self._scratch.close()

    def xml(self, out: IO[bytes]) -> None:
        """The sheet's XML, its rows copied from the scratch file."""
        self.flush()
        out.write(self._head(self.rows, self.columns, self.widths))
        self._scratch.seek(0)
        shutil.copyfileobj(self._scratch, out, _CHUNK)
        self._scratch.close()
        out.write(self._tail())

    def _head(self, rows: int, columns: int, widths: Sequence[int]) -> bytes:
        """The XML before the rows: the sheet's size, view and column widths."""
        last = f"{column_letter(max(columns, 1))}{max(rows, 1)}"
        if self.frozen:
            view = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen" />'
                    '<selection pane="bottomLeft" activeCell="A1" sqref="A1" />')
        else:
            view = '<selection activeCell="A1" sqref="A1" />'
        cols = "".join(f'<col width="{column_width(width)}" customWidth="1" min="{column}" max="{column}" />'
                       for column, width in enumerate(widths, start=1) if width >= 0)
        head = (f'{_HEAD}<dimension ref="A1:{last}" /><sheetViews><sheetView workbookViewId="0">{view}</sheetView>'
                f'</sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15" />'
                + (f"<cols>{cols}</cols>" if cols else "") + ("<sheetData>" if rows else "<sheetData />"))
        return head.encode("utf-8")

    def _tail(self) -> bytes:
        tail = ("</sheetData>" if self.rows else "") + (f'<autoFilter ref="{self.filter}" />' if self.filter else "")
        return f"{tail}{_MARGINS}</worksheet>".encode()

    def discard(self) -> None:
        self._scratch.close()


class Book:
    """A workbook of sheets written one after the other (`sheet`), then `save`d as bytes.

    `streamed`: the archive is written while the sheets are made, by a worker thread (`_Packer`): a sheet
    whose shape is promised (`Sheet.promise`) goes in as its rows come, any other once it ends. zlib
    deflates without Python's lock, so the sheet's next rows are made meanwhile; the same bytes reach the
    same compressor in the same order, so the archive is the same, byte for byte. Use it in a `with`
    block: one that ends before `save` (an error) stops the worker and leaves nothing behind."""

    def __init__(self, *, streamed: bool = False) -> None:
        self.sheets: list[Sheet] = []
        self._styles: dict[Style, str] = {Style(): ""}
        self._order: list[Style] = [Style()]
        self._formats: list[str] = []
        self.packer: _Packer | None = None
        if streamed:
            self.packer = _Packer()
            try:
                self._head_parts(self.packer.writestr)
            except BaseException:  # the worker's error, met before any `with`: it stops here
                self.packer.abandon()
                raise

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """The worker stopped and what it wrote dropped (nothing, once saved); idempotent."""
        if self.packer is not None:
            self.packer.abandon()

    def first_written(self, cell: Cell) -> str:
        """A cell's XML after its reference, kept the first time it is written (not bold)."""
        cell.xml = self.style_id(cell.style) + cell.body
        return cell.xml

    def style_id(self, style: Style) -> str:
        """The cell's ` s="N"` attribute (none for the default style): styles are numbered in the order
        their first cell is written, custom number formats likewise, as openpyxl numbers them."""
        found = self._styles.get(style)
        if found is None:
            if style.format not in _BUILTIN_FORMATS and style.format not in self._formats:
                self._formats.append(style.format)
            found = self._styles[style] = f' s="{len(self._order)}"'
            self._order.append(style)
        return found

    @contextmanager
    def sheet(self, title: str) -> Iterator[Sheet]:
        """A new sheet after the others; its rows are written inside the `with` block."""
        sheet = Sheet(self, title)
        try:
            yield sheet
            sheet.finish()
        except BaseException:
            sheet.discard()
            raise
        self.sheets.append(sheet)
        if self.packer is not None and sheet._promised is None:
            name = f"xl/worksheets/sheet{sheet._index}.xml"
            self.packer.call(lambda archive: _copy(archive, _part(name, sheet.size), sheet))

    def save(self) -> bytes:
        if self.packer is not None:
            self._tail_parts(self.packer.writestr)
            return self.packer.finish()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            self._head_parts(archive.writestr)
            for index, sheet in enumerate(self.sheets, start=1):
                _copy(archive, _part(f"xl/worksheets/sheet{index}.xml", sheet.size), sheet)
            self._tail_parts(archive.writestr)
        return buffer.getvalue()

    @staticmethod
    def _head_parts(write: Callable[[zipfile.ZipInfo, bytes], object]) -> None:
        """The parts before the sheets, as openpyxl orders them."""
        from openpyxl import __version__
        from openpyxl.writer.theme import theme_xml

        write(_part("docProps/app.xml"), _app(__version__).encode())
        write(_part("docProps/core.xml"), _CORE.encode())
        write(_part("xl/theme/theme1.xml"), theme_xml.encode())

    def _tail_parts(self, write: Callable[[zipfile.ZipInfo, bytes], object]) -> None:
        """The parts after the sheets: the styles (numbered by now), the workbook and its relations."""
        write(_part("xl/styles.xml"), self._stylesheet().encode())
        write(_part("_rels/.rels"), _ROOT_RELS.encode())
        write(_part("xl/workbook.xml"), self._workbook().encode())
        write(_part("xl/_rels/workbook.xml.rels"), self._relations().encode())
        write(_part("[Content_Types].xml"), self._content_types().encode())

    def _stylesheet(self) -> str:
        from openpyxl.styles.colors import COLOR_INDEX

        formats = "".join(f'<numFmt numFmtId="{_CUSTOM_FORMATS + i}" formatCode="{_attribute(code)}" />'
                          for i, code in enumerate(self._formats))
        bold = any(style.bold for style in self._order)
        fonts = (f'<fonts count="{2 if bold else 1}"><font><name val="Calibri" /><family val="2" />'
                 '<color theme="1" /><sz val="11" /><scheme val="minor" /></font>'
                 + ('<font><b val="1" /></font>' if bold else "") + "</fonts>")
        xfs = "".join(self._xf(style) for style in self._order)
        colors = "".join(f'<rgbColor rgb="{color}" />' for color in COLOR_INDEX)
        return ('<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + (f'<numFmts count="{len(self._formats)}">{formats}</numFmts>' if formats
                   else '<numFmts count="0" />')
                + fonts + '<fills count="2"><fill><patternFill /></fill><fill><patternFill patternType="gray125" />'
                '</fill></fills><borders count="1"><border><left /><right /><top /><bottom /><diagonal /></border>'
                '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" />'
                f'</cellStyleXfs><cellXfs count="{len(self._order)}">{xfs}</cellXfs><cellStyles count="1">'
                '<cellStyle name="Normal" xfId="0" builtinId="0" hidden="0" /></cellStyles><tableStyles count="0" '
                'defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16" /><colors>'
                f"<indexedColors>{colors}</indexedColors></colors></styleSheet>")

    def _xf(self, style: Style) -> str:
        number_format = _BUILTIN_FORMATS.get(style.format)
        if number_format is None:
            number_format = _CUSTOM_FORMATS + self._formats.index(style.format)
        head = (f'<xf numFmtId="{number_format}" fontId="{int(style.bold)}" fillId="0" borderId="0"'
                + (' applyAlignment="1"' if style.right else "")
                + f' pivotButton="0" quotePrefix="{int(style.quoted)}" xfId="0"')
        return f'{head}><alignment horizontal="right" /></xf>' if style.right else f"{head} />"

    def _workbook(self) -> str:
        sheets = "".join(f'<sheet name="{_attribute(sheet.title)}" sheetId="{i}" state="visible" r:id="rId{i}" />'
                         for i, sheet in enumerate(self.sheets, start=1))
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"{_escape(_quoted(sheet.title))}!{_absolute(sheet.filter)}</definedName>"
            for i, sheet in enumerate(self.sheets) if sheet.filter)
        return ('<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
                'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><workbookPr /><workbookProtection />'
                '<bookViews><workbookView visibility="visible" minimized="0" showHorizontalScroll="1" '
                'showVerticalScroll="1" showSheetTabs="1" tabRatio="600" firstSheet="0" activeTab="0" '
                f'autoFilterDateGrouping="1" /></bookViews><sheets>{sheets}</sheets>'
                + (f"<definedNames>{names}</definedNames>" if names else "<definedNames />")
                + '<calcPr calcId="124519" fullCalcOnLoad="1" /></workbook>')

    def _relations(self) -> str:
        count = len(self.sheets)
        rels = [(f"{_OFFICE}/worksheet", f"/xl/worksheets/sheet{i}.xml") for i in range(1, count + 1)]
        rels += [(f"{_OFFICE}/styles", "styles.xml"), (f"{_OFFICE}/theme", "theme/theme1.xml")]
        return (f'<Relationships xmlns="{_PACKAGE}/relationships">'
                + "".join(f'<Relationship Type="{kind}" Target="{target}" Id="rId{i}" />'
                          for i, (kind, target) in enumerate(rels, start=1)) + "</Relationships>")

    def _content_types(self) -> str:
        sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEETML}.worksheet+xml" />'
                         for i in range(1, len(self.sheets) + 1))
        return (f'<Types xmlns="{_PACKAGE}/content-types"><Default Extension="rels" '
                f'ContentType="application/vnd.openxmlformats-package.relationships+xml" />'
                '<Default Extension="xml" ContentType="application/xml" />'
                f'<Override PartName="/xl/styles.xml" ContentType="{_SHEETML}.styles+xml" />'
                '<Override PartName="/xl/theme/theme1.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.theme+xml" />'
                '<Override PartName="/docProps/core.xml" '
                'ContentType="application/vnd.openxmlformats-package.core-properties+xml" />'
                '<Override PartName="/docProps/app.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml" />'
                f'{sheets}<Override PartName="/xl/workbook.xml" ContentType="{_SHEETML}.sheet.main+xml" /></Types>')


_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_SHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CORE = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
         'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
         'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>openpyxl</dc:creator>'
         '<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created>'
         '<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified></cp:coreProperties>')
_ROOT_RELS = (f'<Relationships xmlns="{_PACKAGE}/relationships"><Relationship Type="{_OFFICE}/officeDocument" '
              f'Target="xl/workbook.xml" Id="rId1" /><Relationship Type="{_PACKAGE}/relationships/metadata/'
              f'core-properties" Target="docProps/core.xml" Id="rId2" /><Relationship '
              f'Type="{_OFFICE}/extended-properties" Target="docProps/app.xml" Id="rId3" /></Relationships>')


def _part(name: str, size: int = 0) -> zipfile.ZipInfo:
    """An archive entry dated 2000-01-01 (never the time of writing), deflated: at zlib's usual
    level, as openpyxl packs it, or at its fastest for a part over `FAST_ABOVE` bytes."""
    info = zipfile.ZipInfo(name, date_time=ARCHIVE_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    if size > FAST_ABOVE:
        info._compresslevel = 1  # no public way for an entry written as a stream (3.13 names it compress_level)
    return info


def _copy(archive: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: Sheet) -> None:
    """A finished sheet's XML into the archive, from its scratch file."""
    with archive.open(info, "w") as out:
        sheet.xml(out)


_QUEUED = 1  # pieces of XML waiting for the worker besides the one it deflates: a batch of rows each, a few MB


class _Packer:
    """A workbook's archive written by a worker thread, in the order its parts are handed over. At most
    `_QUEUED` pieces wait, so memory stays bounded whichever side is quicker. The worker's first error is
    raised in the caller's thread at its next call (or at `finish`); after it the worker only drains."""

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self._archive = zipfile.ZipFile(self._buffer, "w", zipfile.ZIP_DEFLATED)
        self._part: IO[bytes] | None = None  # the part being written (the worker's alone)
        self._tasks: queue.Queue[Callable[[], object] | None] = queue.Queue(maxsize=_QUEUED)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="xlsx-deflate", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (task := self._tasks.get()) is not None:
            if self._error is None:
                try:
                    task()
                except BaseException as exc:  # handed to the caller's thread
                    self._error = exc

    def _submit(self, task: Callable[[], object]) -> None:
        if self._error is not None:
            raise self._error
        if not self._thread.is_alive():
            raise RuntimeError("the workbook's archive is closed")
        self._tasks.put(task)

    def writestr(self, info: zipfile.ZipInfo, data: bytes) -> None:
        self._submit(lambda: self._archive.writestr(info, data))

    def call(self, write: Callable[[zipfile.ZipFile], object]) -> None:
        """`write(archive)` in the worker, after what was handed over before."""
        self._submit(lambda: write(self._archive))

    def open(self, info: zipfile.ZipInfo, head: bytes) -> None:
        """A part opened for the pieces that follow (`write`), until `close`."""
        def opened() -> None:
            self._part = self._archive.open(info, "w")
            self._part.write(head)
        self._submit(opened)

    def write(self, data: bytes | memoryview) -> None:
        self._submit(lambda: self._part.write(data))  # type: ignore[union-attr]

    def close(self) -> None:
        def closed() -> None:
            assert self._part is not None
            self._part.close()
            self._part = None
        self._submit(closed)

    def finish(self) -> bytes:
        """The archive's bytes, once the worker has written everything handed over; or its error."""
        self._submit(self._archive.close)
        self._stop()
        if self._error is not None:
            raise self._error
        return self._buffer.getvalue()

    def abandon(self) -> None:
        """The worker stopped, whatever it holds dropped (its handles closed, the bytes never read)."""
        if self._thread.is_alive():
            self._stop()
        # A part left open by an error may fail again: nothing is kept. Once saved, both are closed already.
        if self._part is not None:
            with contextlib.suppress(Exception):
                self._part.close()
        with contextlib.suppress(Exception):
            self._archive.close()
        self._buffer = io.BytesIO()

    def _stop(self) -> None:
        self._tasks.put(None)
        self._thread.join()


def _app(version: str) -> str:
    return ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            f"<Application>Microsoft Excel Compatible / Openpyxl {version}</Application>"
            f"<AppVersion>{'.'.join(version.split('.')[:2])}</AppVersion></Properties>")


def _quoted(title: str) -> str:
    return "'{}'".format(title.replace("'", "''"))


def _absolute(ref: str) -> str:
    """`A1:P17` → `$A$1:$P$17`."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", corner) for corner in ref.split(":"))
