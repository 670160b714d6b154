"""Reading one input table (metrics, roster, team) from CSV or XLSX into typed records.

Back-office exports are messy: a title and a date range above the header, GBK bytes, units in
header text (`销售额（元）`), `-` for "no data", 合计 rows at the bottom. This stage absorbs that
mess once. Whatever it cannot absorb becomes a DataIssue naming file, row and column, and all of
them are raised together, so a user fixes a whole file in one pass rather than one run per error.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice
from operator import getitem, itemgetter
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.utils import get_column_letter

from engine.cells import (
    fold,
    header_key,
    is_missing,
    parse_choice,
    parse_count,
    parse_duration,
    parse_number,
    parse_period,
    parse_ratio,
    parse_text,
    show,
)
from engine.errors import DataError, DataIssue

KINDS = ("text", "period", "choice", "number", "money", "ratio", "duration", "count")
HEADER_SEARCH_ROWS = 30
MAX_ISSUES = 200

_PARSERS: Mapping[str, Callable[[object], object]] = {
    "text": parse_text,
    "period": parse_period,
    "number": parse_number,
    "money": parse_number,
    "count": parse_count,
    "duration": parse_duration,
}
_SUMMARY_LABELS = frozenset({"合计", "总计", "汇总", "小计", "平均", "平均值", "均值", "total", "sum", "average"})
_NO_PERCENT: frozenset[int] = frozenset()
_MEMO_LIMIT = 20_000  # distinct texts remembered per column while reading one table
# A row whose first cell starts with one of these can be neither blank nor a summary row: every
# summary label starts with 合 总 汇 小 平 均 t s or a. Most data rows start with an agent id.
_DATA_LEAD = frozenset(chr(code) for code in range(0x21, 0x7F)) - frozenset("tsaTSA")

# One physical row: its 1-based number, its raw cells, and the indexes of numeric XLSX cells
# formatted as a percentage (their value is already a fraction).
_Row = tuple[int, Sequence[object], frozenset[int]]


@dataclass(frozen=True, slots=True)
class Field:
    """One column the caller wants, how to find its header, and how to read its cells."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    required: bool = True
    missing: Decimal | str | None = "error"
    percent: bool = False
    choices: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A bad Field is a bug in the caller, not in the user's file: fail loudly, at once.
        if self.kind not in KINDS:
            raise ValueError(f"field {self.name!r}: kind {self.kind!r} is not one of {KINDS}")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"field {self.name!r}: a choice field needs choices")


@dataclass(frozen=True, slots=True)
class Record:
    """One data row: its row number as a spreadsheet shows it, and its parsed values."""

    row: int
    values: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class Table:
    """A whole table read without a single problem, plus what was skipped on purpose."""

    path: str
    header_row: int
    columns: Mapping[str, str]
    records: tuple[Record, ...]
    skipped: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Column:
    """A field bound to the column that holds it in this file."""

    field: Field
    index: int
    header: str  # the header text as found in the file
    parse: Callable[[object, bool], object]

    @property
    def label(self) -> str:
        """`首次响应时间 (F)`: how issues name a column, header text plus spreadsheet letter."""
        return f"{self.header} ({get_column_letter(self.index + 1)})"

    def read(self, raw: object, fraction: bool) -> object:
        if not is_missing(raw):
            return self.parse(raw, fraction)
        if self.field.missing == "error":
            found = "an empty cell" if raw is None or not str(raw).strip() else show(raw)
            raise ValueError(f"expected a value, got {found}")
        return self.field.missing


class _Issues:
    """Collects the first MAX_ISSUES problems and counts the rest, so 120k bad rows cost a count."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[DataIssue] = []
        self.more = 0

    def add(self, row: int, column: str, message: str) -> None:
        if len(self.found) < MAX_ISSUES:
            self.found.append(DataIssue(self.path, row, column, message))
        else:
            self.more += 1

    def raise_if_any(self) -> None:
        issues = list(self.found)
        if self.more:
            note = f"{self.more} more problems not shown; fix the ones above and run again"
            issues.append(DataIssue(self.path, 0, "", note))
        if issues:
            raise DataError(issues)


def read_table(path: str | os.PathLike, fields: Sequence[Field], *, key: str) -> Table:
    """Every record of the table at `path`, or a DataError listing every problem found in it.

    `key` names the field whose header (with one other field's header) marks the header row.
    """
    where = os.fspath(path)
    headers = _header_index(fields, key)
    for rows in _row_streams(where):
        head = list(islice(rows, HEADER_SEARCH_ROWS))
        at = _find_header(head, headers, key, want_other=len(fields) > 1)
        if at is not None:
            break
    else:
        raise DataError([DataIssue(where, 0, "", _no_header_message(fields, key))])
    issues = _Issues(where)
    header_row, header_cells, _ = head[at]
    columns = _bind_columns(header_row, header_cells, fields, headers, issues)
    skipped = [
        f"row {number}: preamble {show(_joined(cells))} skipped"
        for number, cells, _ in head[:at]
        if not _is_blank(cells)
    ]
    records = _records(chain(head[at + 1 :], rows), columns, issues, skipped)
    issues.raise_if_any()
    return Table(
        path=where,
        header_row=header_row,
        columns={c.field.name: c.header for c in columns},
        records=tuple(records),
        skipped=tuple(skipped),
    )


def _header_texts(f: Field) -> str:
    return " / ".join(dict.fromkeys((f.name, *f.aliases)))


def _header_index(fields: Sequence[Field], key: str) -> dict[str, str]:
    """Normalised header text -> field name; two fields claiming one text is the caller's bug."""
    names = [f.name for f in fields]
    if len(set(names)) != len(names) or key not in names:
        raise ValueError(f"fields must have distinct names including the key {key!r}: {names}")
    index: dict[str, str] = {}
    for f in fields:
        for text in (f.name, *f.aliases):
            owner = index.setdefault(header_key(text), f.name)
            if owner != f.name:
                raise ValueError(f"header text {text!r} names both {owner!r} and {f.name!r}")
    return index


def _find_header(head: Sequence[_Row], headers: Mapping[str, str], key: str, *, want_other: bool) -> int | None:
    """Index in `head` of the first row naming the key column and, if asked, one more field."""
    for at, (_, cells, _) in enumerate(head):
        found = {headers.get(header_key(str(cell))) for cell in cells if cell is not None}
        if key in found and (not want_other or len(found - {key, None}) > 0):
            return at
    return None


def _no_header_message(fields: Sequence[Field], key: str) -> str:
    key_field = next(f for f in fields if f.name == key)
    message = (
        f"no header row found in the first {HEADER_SEARCH_ROWS} rows: "
        f"looked for a row naming {_header_texts(key_field)}"
    )
    others = [_header_texts(f) for f in fields if f.name != key]
    if others:
        message += " and at least one of " + "; ".join(others)
    return message


def _bind_columns(
    header_row: int,
    cells: Sequence[object],
    fields: Sequence[Field],
    headers: Mapping[str, str],
    issues: _Issues,
) -> list[_Column]:
    """The columns holding each field; missing required and doubly-matched fields are issues."""
    found: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        name = None if cell is None else headers.get(header_key(str(cell)))
        if name is not None:
            found.setdefault(name, []).append(index)
    columns = []
    for f in fields:
        matches = [_Column(f, i, str(cells[i]).strip(), _parser(f)) for i in found.get(f.name, [])]
        if len(matches) > 1:
            labels = ", ".join(c.label for c in matches)
            issues.add(
                header_row,
                matches[1].label,
                f"expected one column for {f.name!r}, found {len(matches)}: {labels}",
            )
        elif matches:
            columns.append(matches[0])
        elif f.required:
            issues.add(
                header_row,
                "",
                f"missing column {f.name!r}: expected a header named {_header_texts(f)}",
            )
    return columns


def _parser(f: Field) -> Callable[[object, bool], object]:
    """The cell parser for `f`, called as parse(raw, fraction) whatever the kind."""
    if f.kind == "ratio":
        return lambda raw, fraction: parse_ratio(raw, percent=f.percent, fraction=fraction)
    if f.kind == "choice":
        return lambda raw, _: parse_choice(raw, f.choices)
    parse = _PARSERS[f.kind]
    return lambda raw, _: parse(raw)


def _records(rows: Iterator[_Row], columns: Sequence[_Column], issues: _Issues, skipped: list[str]) -> list[Record]:
    """Parse every data row; blank rows vanish, summary rows are noted in `skipped`.

    This is the hot loop of a large read (120k rows × 15 columns). A column repeats the same few
    texts (the month, `0`, `-`, `97.50%`), so each text is parsed once per column and looked up
    after that; parsers are pure and their values immutable, so only time changes. A row with a
    bad cell is read again cell by cell, to report every bad cell in column order.
    """
    records = []
    names = [column.field.name for column in columns]
    width = max((column.index for column in columns), default=-1) + 1
    pick = _picker([column.index for column in columns])
    memos: dict[frozenset[int], list[_Memo]] = {}
    for number, cells, percent in rows:
        lead = cells[0] if cells else None
        if lead.__class__ is not str or lead[:1] not in _DATA_LEAD:
            if _is_blank(cells):
                continue
            summary = _summary_label(cells)
            if summary is not None:
                skipped.append(f"row {number}: summary row {summary!r} skipped")
                continue
        if len(cells) < width:
            cells = [*cells, *(None,) * (width - len(cells))]
        readers = memos.get(percent)
        if readers is None:
            readers = memos[percent] = [_Memo(column.read, column.index in percent) for column in columns]
        try:
            values = dict(zip(names, map(getitem, readers, pick(cells)), strict=True))
        except (ValueError, TypeError):
            values = _checked_row(number, cells, percent, columns, issues)
        records.append(Record(number, values))
    return records


def _checked_row(
    number: int, cells: Sequence[object], percent: frozenset[int], columns: Sequence[_Column], issues: _Issues
) -> dict[str, object]:
    """A row's values read cell by cell, each bad cell an issue naming its column."""
    values: dict[str, object] = {}
    for column in columns:
        try:
            values[column.field.name] = column.read(cells[column.index], column.index in percent)
        except ValueError as exc:
            issues.add(number, column.label, str(exc))
    return values


def _picker(indexes: Sequence[int]) -> Callable[[Sequence[object]], Sequence[object]]:
    """The cells at `indexes` of a row, as a sequence whatever their number."""
    if len(indexes) > 1:
        return itemgetter(*indexes)
    return lambda cells: [cells[index] for index in indexes]


class _Memo(dict):
    """One column's text cells already read, and their values; reading a new cell remembers it.

    Only exact `str` cells are remembered: their value never depends on `fraction`, and a text
    key cannot collide with a typed XLSX value (1, 1.0 and True hash alike but read apart).
    """

    __slots__ = ("fraction", "read")

    def __init__(self, read: Callable[[object, bool], object], fraction: bool) -> None:
        super().__init__()
        self.read = read
        self.fraction = fraction

    def __missing__(self, raw: object) -> object:
        value = self.read(raw, self.fraction)
        if raw.__class__ is str and len(self) < _MEMO_LIMIT:
            self[raw] = value
        return value


def _is_blank(cells: Sequence[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _summary_label(cells: Sequence[object]) -> str | None:
    """The label of a 合计/平均/Total row (its first non-empty cell), or None for a data row.

    Only called on rows that are not blank, so a non-empty cell exists.
    """
    first = next(cell for cell in cells if cell is not None and str(cell).strip())
    if isinstance(first, str) and fold(first).rstrip(":") in _SUMMARY_LABELS:
        return first.strip()
    return None


def _joined(cells: Sequence[object]) -> str:
    return " ".join(str(cell).strip() for cell in cells if cell is not None and str(cell).strip())


def _file_error(path: str, message: str) -> DataError:
    return DataError([DataIssue(path, 0, "", message)])


def _row_streams(path: str) -> Iterator[Iterator[_Row]]:
    """Candidate readings of the file, likeliest first: CSV by comma, then by tab; or XLSX."""
    suffix = Path(path).suffix.lower()
    if not os.path.isfile(path):
        raise _file_error(path, "file not found")
    if suffix in (".csv", ".txt"):
        text = _decode(path)
        for delimiter in (",", "\t"):
            yield _csv_rows(path, text, delimiter)
    elif suffix in (".xlsx", ".xlsm"):
        yield _xlsx_rows(path)
    elif suffix == ".xls":
        raise _file_error(path, "old Excel .xls files are not read; save it as .xlsx or CSV")
    else:
        raise _file_error(path, f"expected a .csv, .txt, .xlsx or .xlsm file, got {suffix or 'no extension'}")


def _decode(path: str) -> str:
    """The file's text: UTF-8 (with or without BOM) or GB18030/GBK, as Chinese exports come.

    A UTF-16 BOM is honoured too: Excel's "Unicode text" export (.txt, tab-separated) writes it.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise _file_error(path, f"cannot read the file: {exc.strerror}") from None
    bom_utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    for encoding in ("utf-16",) if bom_utf16 else ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_error(path, "expected text in UTF-8 or GB18030/GBK, got undecodable bytes; save as CSV UTF-8")


def _csv_rows(path: str, text: str, delimiter: str) -> Iterator[_Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells, _NO_PERCENT
    except csv.Error as exc:
        raise _file_error(path, f"not valid CSV near line {reader.line_num}: {exc}") from None


def _xlsx_rows(path: str) -> Iterator[_Row]:
    # openpyxl signals one cause, "not a readable workbook", through many exception types
    # (BadZipFile, KeyError, InvalidFileException, XML parse errors), so catch broadly here.
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise _file_error(path, f"cannot read the workbook: {exc}") from None
    try:
        sheet = book.worksheets[0]
        # Some exporters write a wrong <dimension>; without this only part of the sheet is read.
        sheet.reset_dimensions()
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            values = tuple(cell.value for cell in cells)
            yield number, values, _percent_columns(cells, values)
    except Exception as exc:
        raise _file_error(path, f"cannot read the first worksheet: {exc}") from None
    finally:
        book.close()


def _percent_columns(cells: Sequence[ReadOnlyCell], values: Sequence[object]) -> frozenset[int]:
    """Indexes of numeric cells shown as %: Excel stores 45% as 0.45, already a fraction."""
    return frozenset(
        index for index, value in enumerate(values) if type(value) in (int, float) and "%" in cells[index].number_format
    )
