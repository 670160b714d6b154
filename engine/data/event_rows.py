"""The rows of an events file: read fast when the file is plain, by the general readers otherwise.

An events file is long (a million rows a month for a large team) and usually plain: a machine
export whose header is its first row and whose cells are well formed. The general readers
(`read_table`, `read_jsonl`) absorb every mess an export can hold, at a cost per cell that would
make such a file take twenty seconds. `fast_rows` reads only what it is sure of: the header on the
first row, data rows the width of the header, each cell in a form whose value is certain (an ISO
time, a plain text, or a text its column already read). Whatever else it meets (a summary row, a
ragged row, a quote spanning lines, a cell the column reader refuses) it gives up, and the general
reader reads the file from the start: every error, and every result of an unusual file, is the
general reader's own. Cells it does not know it reads with the very column readers the general
reader binds, so a value never depends on which reader read it (tests/data/test_events_read_fast.py
holds the two to the same output).
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from operator import getitem
from pathlib import Path

from engine.data import sources
from engine.data.cells import MARKER_INITIALS, MAX_CELL_CHARS, PLACEHOLDER_INITIALS, CellError
from engine.data.column_reader import AS_STORED, Column, Field, bind
from engine.data.csv_read import MAX_COLUMNS, MAX_ROWS, decode
from engine.data.ingest import DATA_LEAD, is_blank, read_table, summary_label
from engine.data.jsonl_read import DECODER, is_jsonl, read_jsonl
from engine.errors import DataError, DataIssue
from engine.text import header_key

# The fields of an events file, in the order a row holds them (engine.data.events.event_fields).
NAMES = ("agent", "time", "kind", "value", "amount", "order", "note")
_MEMO_LIMIT = 50_000  # distinct texts remembered per column

# (row, agent, time as written, kind id, value, amount, order, note)
Row = tuple[int, str, datetime, str, Decimal | None, Decimal | None, str, str]


# The moment machine exports write (`2026-10-12 14:03`, `2026-10-12T06:03:20Z`, `...+08:00`): for
# exactly these shapes datetime.fromisoformat gives what parse_datetime gives, several times faster.
_ISO_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2})?(?:Z|[+-][0-9]{2}:[0-9]{2})?")


def iso_datetime(raw: object) -> datetime | None:
    """What parse_datetime returns for an ISO moment naming a real time; None for any other cell.

    A fast path for long event files: None never means "bad", only "ask parse_datetime", which
    reads every other form and words the error for a bad one.
    """
    if raw.__class__ is str and _ISO_MOMENT.fullmatch(raw):
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            return None
    return None


# A text starting with one of these may be a missing marker, a placeholder or padded with space.
_NOT_PLAIN_INITIALS = PLACEHOLDER_INITIALS | MARKER_INITIALS


def plain_id(raw: object) -> str | None:
    """`raw` itself when an id column reads it unchanged (ASCII, so already canonical; no surrounding
    space; not a missing marker or placeholder; within MAX_CELL_CHARS); None for any other cell:
    ask the full reader."""
    if (raw.__class__ is str and raw and raw.isascii() and raw[0] not in _NOT_PLAIN_INITIALS
            and not raw[0].isspace() and not raw[-1].isspace() and len(raw) <= MAX_CELL_CHARS):
        return raw
    return None



@dataclass(frozen=True, slots=True)
class EventRows:
    """An events file read without a problem: each column's header (or key) as found, and the rows."""

    path: str
    columns: Mapping[str, str]  # field name -> header text; only the fields the file has
    # Read once, in file order. The fast CSV reader reads as they are taken (a million rows are
    # never all held) and may raise Unsure on the way.
    rows: Iterable[Row]
    letters: Mapping[str, str] = field(default_factory=dict)  # in a workbook, each field's column letter

    def located(self, issues: Sequence[DataIssue]) -> list[DataIssue]:
        """`issues` about this file's rows, each at a column also naming its cell in a workbook (F4)."""
        if not self.letters:
            return list(issues)
        names = {header: name for name, header in self.columns.items()}
        return [replace(i, cell=f"{self.letters[names[i.column]]}{i.row}") if i.row and i.column in names else i
                for i in issues]


def general_rows(path: str | os.PathLike, fields: Sequence[Field]) -> EventRows:
    """The rows as the general readers read them (every form of cell, every problem located)."""
    _check(fields)
    table = read_jsonl(path, fields) if is_jsonl(path) else read_table(path, fields, key="agent")
    defaults = [(f.name, f.missing) for f in fields]
    rows = [(r.row, *(r.values.get(name, missing) for name, missing in defaults)) for r in table.records]
    return EventRows(table.path, table.columns, rows, table.letters)


def fast_rows(path: str | os.PathLike, fields: Sequence[Field]) -> EventRows | None:
    """The rows of a plain CSV or JSON Lines file, exactly as general_rows reads them; None when
    the file is not plain (XLSX included), or Unsure from its rows on the way: then general_rows
    must read it."""
    _check(fields)
    where = os.fspath(path)
    try:
        if is_jsonl(where):
            return _fast_jsonl(where, fields)
        if Path(where).suffix.lower() in (".csv", ".txt") and sources.is_file(where):
            return _fast_csv(where, fields)
    except (DataError, CellError, Unsure, OSError, csv.Error):
        pass
    return None


def _check(fields: Sequence[Field]) -> None:
    if tuple(f.name for f in fields) != NAMES:
        raise ValueError(f"events fields must be {NAMES}, got {[f.name for f in fields]}")


class Unsure(Exception):
    """The fast reader met something only the general readers may judge: they read the file again."""


class _Cells(dict):
    """One column's text cells and their values: a cell seen before costs one lookup.

    Column readers are pure and their values immutable, so a remembered value is the value. Only
    `str` cells are remembered as keys (1, 1.0 and True hash alike but read apart), and JSON's
    whole numbers (ints: engine.data.jsonl_read.DECODER) in a dict of their own; JSON's other
    numbers are Decimals, which are read each time (1.0 and 1.00 are equal but show apart).
    """

    __slots__ = ("column_read", "numbers")

    def __init__(self, column: Column) -> None:
        super().__init__()
        self.column_read = column.read
        self.numbers: dict[int, object] = {}  # JSON's whole numbers, apart: 1 and True hash alike

    def read(self, raw: object) -> object:
        """A cell's value, by the column's own reader (whose CellError sends the file to the general reader)."""
        return self.column_read(raw, AS_STORED)

    def __missing__(self, raw: object) -> object:
        if raw.__class__ is int:
            if raw not in self.numbers:
                value = self.read(raw)
                if len(self.numbers) >= _MEMO_LIMIT:
                    return value
                self.numbers[raw] = value
            return self.numbers[raw]
        value = self.read(raw)
        if raw.__class__ is str and len(self) < _MEMO_LIMIT:
            self[raw] = value
        return value


class _Times(_Cells):
    """A time column: times rarely repeat, so none is remembered; an ISO time is read directly."""

    __slots__ = ()

    def read(self, raw: object) -> object:
        value = iso_datetime(raw)
        return self.column_read(raw, AS_STORED) if value is None else value

    __missing__ = read


class _Ids(_Cells):
    """An id column whose cells rarely repeat (order numbers): a plain id is its own value."""

    __slots__ = ()

    def read(self, raw: object) -> object:
        value = plain_id(raw)
        return self.column_read(raw, AS_STORED) if value is None else value

    __missing__ = read


class _Absent(dict):
    """A column the file does not have: every row reads the field's declared missing value."""

    __slots__ = ("missing",)

    def __init__(self, missing: object) -> None:
        super().__init__()
        self.missing = missing

    def __missing__(self, raw: object) -> object:
        return self.missing


def _cells(column: Column) -> _Cells:
    if column.field.kind == "datetime":
        return _Times(column)
    return _Ids(column) if column.field.name == "order" else _Cells(column)


def _fast_csv(where: str, fields: Sequence[Field]) -> EventRows | None:
    # The reader CsvRows runs, without its generator: the checks it makes on every row are made at
    # the end (row count, cells spanning lines) or only on rows of another width (cell count).
    text = decode(where)
    if text.count("\r") != text.count("\r\n"):
        return None  # a line ended by a lone CR: lines() would not end it there
    reader = csv.reader(lines(text), delimiter=",", strict=True)
    del text  # lines() holds it until the last line is read
    header = next(reader, None)
    if header is None or len(header) > MAX_COLUMNS or reader.line_num != 1:
        return None
    columns = _bound(header, fields)
    if columns is None:
        return None
    return EventRows(where, {name: column.header for name, column in columns.items()},
                     _csv_records(reader, columns, fields, _width(header)))


def lines(text: str) -> Iterator[str]:
    """The lines of `text` with their ends (LF or CRLF), as io.StringIO(text, newline="") gives them when
    no line ends in a lone CR, without its copy of the text at four bytes a character (a 50 MB file would
    hold 200 MB more while it is read)."""
    find, start, end = text.find, 0, len(text)
    while start < end:
        stop = find("\n", start) + 1 or end
        yield text[start:stop]
        start = stop


def _csv_records(reader: Iterator[list[str]], columns: Mapping[str, Column], fields: Sequence[Field],
                 width: int) -> Iterator[Row]:
    """The data rows as they are read; Unsure at the first row the general reader must judge."""
    # Each field's cell index and reader; a field the file lacks reads cell 0 as its missing value.
    at = [columns[f.name].index if f.name in columns else 0 for f in fields]
    i_agent, i_time, i_kind, i_value, i_amount, i_order, i_note = at
    agent, time, kind, value, amount, order, note = (
        _cells(columns[f.name]) if f.name in columns else _Absent(f.missing) for f in fields)
    # The two columns whose cells rarely repeat are read inline when plain (a call per cell is what
    # they would cost otherwise): an ISO time by datetime.fromisoformat (iso_datetime without its
    # frame; a ValueError it raises makes the reader unsure, as the column reader's would), an order
    # number that is a plain id as itself.
    iso, plain = _ISO_MOMENT.fullmatch, plain_id if "order" in columns else _never  # a time column is required
    fromiso = datetime.fromisoformat
    number = 1
    try:
        for number, cells in enumerate(reader, start=2):
            lead = cells[0] if cells else None
            # The tests read_table applies, in its order: a row is data here exactly when it is there.
            if lead is None or lead[:1] not in DATA_LEAD:
                if is_blank(cells):
                    continue
                if summary_label(cells) is not None:
                    raise Unsure
            if len(cells) != width and (len(cells) < width or len(cells) > MAX_COLUMNS
                                        or not is_blank(cells[width:])):
                raise Unsure
            moment, number_of_order = cells[i_time], cells[i_order]
            yield (number, agent[cells[i_agent]], fromiso(moment) if iso(moment) else time[moment],
                   kind[cells[i_kind]], value[cells[i_value]], amount[cells[i_amount]],
                   plain(number_of_order) or order[number_of_order], note[cells[i_note]])
    except (csv.Error, ValueError) as error:  # CellError is a ValueError
        raise Unsure from error
    # Rows are lines unless a quoted cell ran over lines, which CsvRows.swallowed must look at.
    if reader.line_num != number or number > MAX_ROWS:
        raise Unsure


def _never(raw: object) -> None:
    """A column the file lacks has nothing to read inline: its missing value is read as before."""
    return None


def _bound(header: Sequence[str], fields: Sequence[Field]) -> dict[str, Column] | None:
    """Each field's column when row 1 is a header read_table would bind without a problem."""
    index = {header_key(text): f for f in fields for text in (f.name, *f.aliases)}
    columns: dict[str, Column] = {}
    for at, cell in enumerate(header):
        f = index.get(header_key(cell))
        if f is None:
            continue
        if f.name in columns:
            return None
        columns[f.name] = bind(f, at, cell)
    if any(f.required and f.name not in columns for f in fields):
        return None
    return {f.name: columns[f.name] for f in fields if f.name in columns}


def _width(cells: Sequence[str]) -> int:
    """How many columns the header spans: up to its last non-empty cell."""
    for at in range(len(cells) - 1, -1, -1):
        if cells[at].strip():
            return at + 1
    return 0


def _fast_jsonl(where: str, fields: Sequence[Field]) -> EventRows | None:
    seen: dict[str, str] = {}
    try:
        # Line by line as the file is decoded: a million lines are never all held.
        with sources.open_text(where, "utf-8-sig") as handle:
            found = _jsonl_records(enumerate(handle, start=1), fields, seen)
    except UnicodeDecodeError:
        return None
    if found is None:
        return None
    return EventRows(where, {f.name: seen[f.name] for f in fields if f.name in seen}, found)


def _jsonl_records(lines: Iterator[tuple[int, str]], fields: Sequence[Field], seen: dict[str, str]) -> list[Row] | None:
    """The lines' rows, or None at the first line the general reader must judge; `seen` collects
    the key each field was first found under."""
    scan = DECODER.scan_once
    layouts: dict[tuple[str, ...], tuple[tuple, tuple]] = {}
    readers: dict[tuple[str, str], _Cells] = {}
    found: list[Row] = []
    add = found.append
    for number, line in lines:
        if line[:1] == "{":
            # json.loads(line) without its layers: the same scanner, then only JSON whitespace may follow.
            try:
                item, end = scan(line, 0)
            except (StopIteration, ValueError, RecursionError):
                return None
            if line[end:].strip(" \t\n\r"):
                return None
        elif not line.strip():
            continue
        else:
            try:
                item = DECODER.decode(line)
            except (ValueError, RecursionError):
                return None
        if item.__class__ is not dict:
            return None
        keys = tuple(item)
        layout = layouts.get(keys)
        if layout is None:
            layout = layouts[keys] = _layout(keys, fields, readers, seen)
        wanted, cells = layout
        try:
            add((number, *map(getitem, cells, map(item.get, wanted))))
        except TypeError:  # a list or an object as a value: only the general reader says what it reads as
            return None
    return found


_NO_KEY = object()  # the key of a field a line leaves out: item.get gives None, read as the field's missing value


def _layout(keys: tuple[str, ...], fields: Sequence[Field], readers: dict[tuple[str, str], _Cells],
            seen: dict[str, str]) -> tuple[tuple, tuple]:
    """For lines with these keys: the key each field is read from, and how its value is read, as
    read_jsonl binds them."""
    index = {header_key(text): f for f in fields for text in (f.name, *f.aliases)}
    mine: dict[str, str] = {}
    for key in keys:
        f = index.get(header_key(key))
        if f is None:
            continue
        if f.name in mine:
            raise Unsure
        mine[f.name] = key
    wanted: list[object] = []
    cells: list[dict] = []
    for f in fields:
        key = mine.get(f.name)
        if key is None:
            if f.required:
                raise Unsure
            wanted.append(_NO_KEY)
            cells.append(_Absent(f.missing))
            continue
        if (f.name, key) not in readers:
            readers[f.name, key] = _cells(bind(f, 0, key))
        seen.setdefault(f.name, key)
        wanted.append(key)
        cells.append(readers[f.name, key])
    return tuple(wanted), tuple(cells)
