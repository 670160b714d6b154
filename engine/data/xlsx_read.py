"""Rows of an XLSX workbook as a person looking at it would read them.

- The sheet read is the active one (the tab Excel opens on) when it is visible, else the first
  visible sheet: a hidden helper sheet is never read in its place. When other visible sheets
  hold data too, a note names the sheet that was read and the others.
- A number formatted with a real `%` (`0.00%`) is stored as a fraction (0.975 shows 97.50%); a
  `%` inside quotes or escaped (`0.00"%"`, `0.00\\%`) is literal text: 97.5 shows 97.50%, so a
  ratio column reads it as 97.5 %, as the person looking at the sheet does.
- A formula cell saved by a program without its computed value reads as empty in openpyxl's
  values-only mode; such a cell in a column we read is refused by `formulas`, naming the cell and
  the formula, rather than read as missing (which `missing: 0` would turn into 0).

Bounds (documented for users in the README): the parts of the zip are checked before parsing;
their declared uncompressed sizes may total at most MAX_UNPACKED_BYTES (200 MB) — a zip bomb is
refused without being unpacked (zipfile never inflates past a member's declared size); at most
MAX_ROWS rows and MAX_COLUMNS columns, Excel's own limits.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Sequence
from functools import lru_cache

from engine.data import sources
from engine.data.column_reader import AS_STORED, FRACTION, PERCENT_TEXT, column_letter
from engine.data.csv_read import MAX_COLUMNS, MAX_ROWS, file_error, too_many_columns, too_many_rows
from engine.errors import DataError, DataIssue

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_PARTS = 10_000
_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CHUNK = 1 << 20


@lru_cache(maxsize=512)
def percent_format(number_format: str) -> int:
    """FRACTION when an unquoted, unescaped `%` in the format makes Excel store the number as a
    fraction; PERCENT_TEXT when the `%` is only literal text (`0.00"%"`); else AS_STORED."""
    if "%" in _LITERALS.sub("", number_format):
        return FRACTION
    return PERCENT_TEXT if "%" in number_format else AS_STORED


def _check_zip(path: str) -> None:
    try:
        with sources.open_binary(path) as raw, zipfile.ZipFile(raw) as archive:
            parts = archive.infolist()
    except (OSError, zipfile.BadZipFile) as exc:
        raise file_error(path, f"cannot read the workbook: {exc}", f"无法读取工作簿：{exc}") from None
    total = sum(part.file_size for part in parts)
    if len(parts) > MAX_PARTS or total > MAX_UNPACKED_BYTES:
        raise file_error(
            path,
            f"the workbook unpacks to {total / 2**20:,.0f} MB in {len(parts):,} parts, more than the "
            f"{MAX_UNPACKED_BYTES // 2**20} MB a metrics export can be; it is damaged or not an export, "
            "or split it by month or team",
            f"工作簿解压后有 {total / 2**20:,.0f} MB（{len(parts):,} 个部件），超过指标文件上限 "
            f"{MAX_UNPACKED_BYTES // 2**20} MB；文件可能已损坏或不是导出文件，或请按月份或小组拆分",
        )


class XlsxRows:
    """The rows of the sheet a person would read; iterating yields (row, values, percent columns).

    `empty` keeps, for rows holding empty cells, which cells were empty, so `formulas` can look
    for uncalculated formulas there, and only there, after the fast values-only pass.
    """

    ragged = False  # cells sit in fixed columns: nothing can shift them

    def __init__(self, path: str) -> None:
        self.path = path
        self.empty: dict[int, frozenset[int]] = {}
        self.notes: list[str] = []
        self.sheet = ""
        self.part = ""

    def __iter__(self) -> Iterator[tuple[int, Sequence[object], frozenset[int]]]:
        _check_zip(self.path)
        with sources.open_binary(self.path) as stream:
            yield from self._rows(stream)

    def _rows(self, stream) -> Iterator[tuple[int, Sequence[object], frozenset[int]]]:
        # openpyxl signals one cause, "not a readable workbook", through many exception types
        # (BadZipFile, KeyError, InvalidFileException, XML parse errors), so catch broadly here.
        from openpyxl import load_workbook  # here: a CSV-only command never pays for openpyxl

        try:
            book = load_workbook(stream, read_only=True, data_only=True)
        except Exception as exc:
            raise file_error(self.path, f"cannot read the workbook: {exc}", f"无法读取工作簿：{exc}") from None
        try:
            sheet = self._choose(book)
            # Some exporters write a wrong <dimension>; without this only part of the sheet is read.
            sheet.reset_dimensions()
            empty = self.empty
            for number, cells in enumerate(sheet.iter_rows(), start=1):
                values = tuple(cell.value for cell in cells)
                if number > MAX_ROWS:
                    raise too_many_rows(self.path)
                if len(values) > MAX_COLUMNS:
                    raise too_many_columns(self.path, number, len(values))
                if None in values:
                    empty[number] = frozenset(i for i, value in enumerate(values) if value is None)
                yield number, values, _percent_columns(cells, values)
        except DataError:
            raise
        except Exception as exc:
            raise file_error(
                self.path, f"cannot read the sheet {self.sheet!r}: {exc}", f"无法读取工作表 {self.sheet!r}：{exc}"
            ) from None
        finally:
            book.close()

    def _choose(self, book) -> object:
        visible = [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"]
        if not visible:
            raise file_error(self.path, "the workbook has no visible sheet", "工作簿里没有可见的工作表")
        active = book.active
        opens = active is not None and active.sheet_state == "visible"
        sheet = active if opens else visible[0]
        others = [other.title for other in visible if other is not sheet and _has_data(other)]
        if others:
            names = ", ".join(repr(title) for title in others)
            why = "the one the workbook opens on" if opens else "the first visible one"
            self.notes.append(f"sheet {sheet.title!r} read ({why}); also visible: {names}")
        self.sheet, self.part = sheet.title, sheet._worksheet_path
        return sheet

    def formulas(self, columns: dict[int, str], rows: set[int]) -> list[DataIssue]:
        """Formula cells of `rows` in `columns` (index → label) saved without a computed value."""
        suspects = {
            number: wanted for number in rows if (wanted := self.empty.get(number, frozenset()).intersection(columns))
        }
        if not suspects or not self._has_formulas():
            return []
        with sources.open_binary(self.path) as stream:
            return self._formula_cells(stream, columns, suspects)

    def _formula_cells(self, stream, columns: dict[int, str], suspects: dict[int, frozenset[int]]) -> list[DataIssue]:
        from openpyxl import load_workbook

        issues = []
        book = load_workbook(stream, read_only=True, data_only=False)
        try:
            sheet = book[self.sheet]
            sheet.reset_dimensions()
            for number, cells in enumerate(sheet.iter_rows(min_row=1, max_row=max(suspects)), start=1):
                for index in sorted(suspects.get(number, ())):
                    value = cells[index].value if index < len(cells) else None
                    if isinstance(value, str) and value.startswith("="):
                        cell = f"{column_letter(index)}{number}"
                        issues.append(
                            DataIssue(
                                self.path,
                                number,
                                columns[index],
                                f"the cell holds the formula {value[:60]} but no computed value: the file was "
                                "written by a program and never calculated; open it in Excel (or WPS), save it, "
                                "and read it again",
                                zh=f"该单元格是公式 {value[:60]}，但没有计算结果：文件由程序生成、从未计算过；"
                                "请用 Excel（或 WPS）打开并保存后再读取",
                                cell=cell,
                            )
                        )
        finally:
            book.close()
        return issues

    def _has_formulas(self) -> bool:
        """Whether the sheet's XML holds any formula tag, scanned without parsing it."""
        with (sources.open_binary(self.path) as raw, zipfile.ZipFile(raw) as archive,
              archive.open(self.part) as stream):
            tail = b""
            while chunk := stream.read(_CHUNK):
                if _FORMULA_TAG.search(tail + chunk):
                    return True
                tail = chunk[-16:]
        return False


def _has_data(sheet) -> bool:
    for row in sheet.iter_rows(max_row=50, values_only=True):
        if any(value is not None and str(value).strip() for value in row):
            return True
    return False


def _percent_columns(cells: Sequence, values: Sequence[object]) -> frozenset[int]:
    """Numeric cells shown with a %: `i` when stored as a fraction (45% is 0.45), `~i` when the % is
    literal text and the number is already in percent (97.5 shows 97.50%)."""
    found = [
        index if percent_format(number_format) == FRACTION else ~index
        for index, value in enumerate(values)
        if type(value) in (int, float) and "%" in (number_format := cells[index].number_format)
    ]
    return frozenset(found)
