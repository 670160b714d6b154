"""Reading one input table (metrics, roster, team) from CSV or XLSX into typed records.

Back-office exports are messy: a title and a date range above the header, GBK bytes, units in
header text (`销售额（元）`), `-` for "no data", 汇总 and 均值 rows at the bottom. This stage absorbs
that mess once. Whatever it cannot absorb becomes a DataIssue naming file, row and column, and all
of them are raised together, so a user fixes a whole file in one pass rather than one run per error.

Row rules:
- a CSV row with more non-empty cells than the header has columns is refused (a stray delimiter,
  such as an unquoted `1,250.00`, shifted the cells after it); trailing empty cells are fine;
- a CSV row with fewer cells than the header is refused, unless every column it lacks may be
  missing (its metric declares `missing:`), then those cells read as missing;
- summary rows (汇总, 均值, 合计, 总计, 平均, 平均值, 小计, Total, Sum, Average) at the end of the
  table (blank rows between them allowed), or right under the header before any data row, are
  skipped and noted; a summary row with data rows both before and after it is refused: a
  sub-total mid-table means a grouped layout whose rows cannot be trusted to be one per agent.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from operator import getitem, itemgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any

from engine.data import sources
from engine.data.cells import CellError, show
from engine.data.column_reader import AS_STORED, FRACTION, KINDS, PERCENT_TEXT, Column, Field, bind, column_letter
from engine.data.csv_read import CsvRows, decode, file_error
from engine.data.xlsx_read import XlsxRows
from engine.errors import DataError, DataIssue
from engine.text import fold, header_key

__all__ = ["HEADER_SEARCH_ROWS", "KINDS", "MAX_ISSUES", "Field", "Record", "Table", "read_table", "written"]

HEADER_SEARCH_ROWS = 30
MAX_ISSUES = 200

SUMMARY_LABELS = frozenset({"合计", "总计", "汇总", "小计", "平均", "平均值", "均值", "total", "sum", "average"})
_MEMO_LIMIT = 20_000  # distinct texts remembered per column while reading one table
# A row whose first cell starts with one of these can be neither blank nor a summary row: every
# summary label starts with 合 总 汇 小 平 均 t s or a. Most data rows start with an agent id.
DATA_LEAD = frozenset(chr(code) for code in range(0x21, 0x7F)) - frozenset("tsaTSA")

# One physical row: its 1-based number, its raw cells, and the indexes of numeric XLSX cells
# formatted as a percentage: `i` when the value is already a fraction (`0.00%`), `~i` when the %
# is literal text (`0.00"%"`) and the value is in percent.
_Row = tuple[int, Sequence[object], frozenset[int]]


_AS_READ: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Record:
    """One data row: its row number as a spreadsheet shows it, and its parsed values.

    `written` keeps the cell text of each id whose canonical form differs from it (`１００１` read
    as `1001`), so a message about two rows that name one agent can show how each wrote it.
    """

    row: int
    values: Mapping[str, object]
    written: Mapping[str, str] = field(default_factory=lambda: _AS_READ)  # shared and read-only

    def spelled(self, name: str) -> str:
        """How the row wrote field `name`: the cell's text when it differs from the value read."""
        return self.written.get(name) or str(self.values.get(name) or "")


@dataclass(frozen=True, slots=True)
class Table:
    """A whole table read without a single problem, plus what was skipped on purpose."""

    path: str
    header_row: int
    columns: Mapping[str, str]
    records: tuple[Record, ...]
    skipped: tuple[str, ...]
    # The text of each non-blank row above the header (a title, `统计时间: 2026-10-01 ~ 2026-10-31`).
    preamble: tuple[tuple[int, str], ...] = ()
    # In a workbook, each field's column letter, so a message can name a cell as Excel does (F4).
    letters: Mapping[str, str] = field(default_factory=dict)
    # Every header cell's text, as written, in column order: what a message about a missing column lists.
    headers: tuple[str, ...] = ()

    def cell(self, name: str, row: int) -> str:
        """The address of field `name` on `row` in a workbook (`F4`); '' in a text file."""
        letter = self.letters.get(name)
        return f"{letter}{row}" if letter else ""


class _Issues:
    """Collects the first MAX_ISSUES problems and counts the rest, so 120k bad rows cost a count.

    In a workbook each issue at a cell also names the cell's address (`F4`)."""

    def __init__(self, path: str, *, workbook: bool) -> None:
        self.path = path
        self.workbook = workbook
        self.found: list[DataIssue] = []
        self.more = 0

    def cell(self, index: int, row: int) -> str:
        return f"{column_letter(index)}{row}" if self.workbook else ""

    def add(self, row: int, column: str, message: str, zh: str, cell: str = "") -> None:
        if len(self.found) < MAX_ISSUES:
            self.found.append(DataIssue(self.path, row, column, message, zh=zh, cell=cell))
        else:
            self.more += 1

    def extend(self, issues: Iterable[DataIssue]) -> None:
        for issue in issues:
            self.add(issue.row, issue.column, issue.message, issue.zh, issue.cell)

    def supersede(self, issues: Iterable[DataIssue], said: Callable[[DataIssue], bool]) -> None:
        """Issues that say better what is wrong with a cell: each takes the place of the issue already
        at its row and column; `said(issue)` tells whether one was made there, though not kept among
        the first MAX_ISSUES (then the count of the others already holds it)."""
        at = {(issue.row, issue.column): index for index, issue in enumerate(self.found)}
        for issue in issues:
            index = at.get((issue.row, issue.column))
            if index is not None:
                self.found[index] = issue
            elif not said(issue):
                self.extend((issue,))

    def raise_if_any(self) -> None:
        issues = list(self.found)
        if self.more:
            issues.append(
                DataIssue(
                    self.path,
                    0,
                    "",
                    f"{self.more} more problems not shown; fix the ones above and run again",
                    zh=f"另有 {self.more} 个问题未列出；请先修正以上问题后再运行",
                )
            )
        if issues:
            raise DataError(issues)


def read_table(path: str | os.PathLike, fields: Sequence[Field], *, key: str) -> Table:
    """Every record of the table at `path`, or a DataError listing every problem found in it.

    `key` names the field whose header (with one other field's header) marks the header row.
    """
    where = os.fspath(path)
    headers = _header_index(fields, key)
    unreadable: DataError | None = None
    for source in _sources(where):
        rows = iter(source)
        try:
            head = list(islice(rows, HEADER_SEARCH_ROWS))
        except DataError as error:
            # Quoted cells of a tab-separated file are bad CSV by comma: try the next reading.
            unreadable = unreadable or error
            continue
        at = _find_header(head, headers, key, want_other=len(fields) > 1)
        if at is not None:
            break
    else:
        if unreadable is not None:
            raise unreadable
        message, zh = _no_header_message(fields, key)
        raise DataError([DataIssue(where, 0, "", message, zh=zh)])
    issues = _Issues(where, workbook=isinstance(source, XlsxRows))
    header_row, header_cells, _ = head[at]
    columns = _bind_columns(header_row, header_cells, fields, headers, issues)
    preamble = tuple((number, _joined(cells)) for number, cells, _ in head[:at] if not is_blank(cells))
    skipped = [f"row {number}: preamble {show(text)} skipped" for number, text in preamble]
    width = _width(header_cells) if source.ragged else 0
    records = _records(chain(head[at + 1 :], rows), columns, width, issues, skipped)
    if isinstance(source, CsvRows):
        issues.extend(source.swallowed(_width(header_cells), header_row + 1))
    else:
        # A formula saved without its value read as an empty cell: its one issue is the formula's,
        # in place of the one an empty cell got where its field may not be missing.
        wanted = {column.index: column.label for column in columns}
        refused = {column.label for column in columns if column.field.missing == "error"}
        issues.supersede(source.formulas(wanted, {record.row for record in records}),
                         lambda issue: issue.column in refused)
    issues.raise_if_any()
    return Table(
        path=where,
        header_row=header_row,
        columns={c.field.name: c.header for c in columns},
        records=tuple(records),
        skipped=(*source.notes, *skipped),
        preamble=preamble,
        letters={c.field.name: column_letter(c.index) for c in columns} if issues.workbook else {},
        headers=header_texts(header_cells),
    )


def header_texts(cells: Sequence[object]) -> tuple[str, ...]:
    """The header row's non-empty cells, as written (stripped), in column order."""
    return tuple(text for cell in cells if cell is not None and (text := str(cell).strip()))


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


def _no_header_message(fields: Sequence[Field], key: str) -> tuple[str, str]:
    key_field = next(f for f in fields if f.name == key)
    message = (
        f"no header row found in the first {HEADER_SEARCH_ROWS} rows: "
        f"looked for a row naming {_header_texts(key_field)}"
    )
    zh = f"前 {HEADER_SEARCH_ROWS} 行里没有找到表头：应有一行包含 {_header_texts(key_field)}"
    others = [_header_texts(f) for f in fields if f.name != key]
    if others:
        message += " and at least one of " + "; ".join(others)
        zh += "，并至少包含以下之一：" + "；".join(others)
    return message, zh


def _width(cells: Sequence[object]) -> int:
    """How many columns the header spans: up to its last non-empty cell."""
    for index in range(len(cells) - 1, -1, -1):
        cell = cells[index]
        if cell is not None and str(cell).strip():
            return index + 1
    return 0


def _bind_columns(
    header_row: int,
    cells: Sequence[object],
    fields: Sequence[Field],
    headers: Mapping[str, str],
    issues: _Issues,
) -> list[Column]:
    """The columns holding each field; missing required and doubly-matched fields are issues."""
    found: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        name = None if cell is None else headers.get(header_key(str(cell)))
        if name is not None:
            found.setdefault(name, []).append(index)
    columns = []
    for f in fields:
        at = found.get(f.name, [])
        if len(at) > 1:
            labels = ", ".join(f"{str(cells[i]).strip()} ({column_letter(i)})" for i in at)
            message = f"expected one column for {f.name!r}, found {len(at)}: {labels}; delete or rename the extra one"
            zh = f"{f.name!r} 应只有一列，却找到 {len(at)} 列：{labels}；请删除或改名多出的列"
            if f.alias_key == "columns.agent":  # a roster keeping both the shop's nickname and the HR number
                first, other = (str(cells[i]).strip() for i in at[:2])
                line = f"roster: {{key: {first}, carry: [{other}]}}"
                message += (f", or keep both: {line} in the policy names the agent's column and carries the other "
                            "into the reports")
                zh += f"；或两列都保留：在方案中写 {line}，指明客服账号列，并把另一列带入报表"
            issues.add(header_row, f"{str(cells[at[1]]).strip()} ({column_letter(at[1])})", message, zh,
                       issues.cell(at[1], header_row))
        elif at:
            try:
                columns.append(bind(f, at[0], str(cells[at[0]])))
            except CellError as exc:
                issues.add(header_row, f"{str(cells[at[0]]).strip()} ({column_letter(at[0])})", str(exc), exc.zh,
                           issues.cell(at[0], header_row))
        elif f.required:
            message, zh = _missing_column(f, cells, headers)
            issues.add(header_row, "", message, zh)
    return columns


def _missing_column(f: Field, cells: Sequence[object], headers: Mapping[str, str]) -> tuple[str, str]:
    """`missing column 'order_value'` with the headers the file has, and, when the policy can name the
    column another way, the line to add: a renamed export header is then one edit, not a search."""
    message = f"missing column {f.name!r}: expected a header named {_header_texts(f)}"
    zh = f"缺少列 {f.name!r}：表头中应有 {_header_texts(f)}"
    found = header_texts(cells)
    if not found:
        return message, zh
    message += f"; the headers found are: {', '.join(found)}"
    zh += f"；文件中的表头是：{'、'.join(found)}"
    if not f.alias_key:
        return message, zh
    unread = [text for text in found if header_key(text) not in headers]
    close = difflib.get_close_matches(header_key(f.aliases[0] if f.aliases else f.name),
                                      [header_key(text) for text in unread], n=1, cutoff=0.5)
    guess = next((text for text in unread if close and header_key(text) == close[0]),
                 unread[0] if len(unread) == 1 else None)
    if guess is None:
        return (message + f"; if the column is there under another header, add that header to {f.alias_key}",
                zh + f"；如果该列在文件中用了别的表头，请把那个表头加到方案的 {f.alias_key} 中")
    line = f"{f.alias_key}: [{', '.join((*f.policy_aliases, guess))}]"
    return (message + f"; if {guess!r} is this column, add it to the policy: {line}",
            zh + f"；如果 {guess!r} 就是这一列，请在方案中写上：{line}")


def _records(
    rows: Iterator[_Row], columns: Sequence[Column], width: int, issues: _Issues, skipped: list[str]
) -> list[Record]:
    """Parse every data row; blank rows vanish, summary rows at the end are noted in `skipped`.

    This is the hot loop of a large read (120k rows × 15 columns). A column repeats the same few
    texts (the month, `0`, `-`, `97.50%`), so each text is parsed once per column and looked up
    after that; parsers are pure and their values immutable, so only time changes. A row with a
    bad cell is read again cell by cell, to report every bad cell in column order. `width` is the
    header's width when cells are positional (CSV), 0 when they cannot shift (XLSX).
    """
    records = []
    names = [column.field.name for column in columns]
    ids = [(column.field.name, column.index) for column in columns if column.field.kind == "id"]
    needed = max((column.index for column in columns), default=-1) + 1
    pick = _picker([column.index for column in columns])
    memos: dict[frozenset[int], list[_Memo]] = {}
    summaries: list[tuple[int, str]] = []
    seen_data = False
    for number, cells, percent in rows:
        lead = cells[0] if cells else None
        if lead.__class__ is not str or lead[:1] not in DATA_LEAD:
            if is_blank(cells):
                continue
            summary = summary_label(cells)
            if summary is not None:
                summaries.append((number, summary))
                continue
        if summaries:
            if seen_data:
                _mid_table_summaries(summaries, number, issues)
            else:  # above every data row, as some exports put 汇总: a total, never a sub-total
                skipped.extend(f"row {row}: summary row {label!r} skipped" for row, label in summaries)
                summaries.clear()
        seen_data = True
        if width and len(cells) != width:
            cells = _ragged(number, cells, width, columns, issues)
            if cells is None:
                continue
        if len(cells) < needed:
            cells = [*cells, *(None,) * (needed - len(cells))]
        readers = memos.get(percent)
        if readers is None:
            readers = memos[percent] = [_Memo(column.read, _shown(column.index, percent)) for column in columns]
        try:
            values = dict(zip(names, map(getitem, readers, pick(cells)), strict=True))
        except (ValueError, TypeError):
            values = _checked_row(number, cells, percent, columns, issues)
        records.append(Record(number, values, written(cells, values, ids)))
    skipped.extend(f"row {number}: summary row {label!r} skipped" for number, label in summaries)
    return records


def _mid_table_summaries(summaries: list[tuple[int, str]], following: int, issues: _Issues) -> None:
    for number, label in summaries:
        issues.add(
            number,
            "",
            f"{label!r} looks like a summary row, but data rows follow it (row {following}); a sub-total "
            "inside the table is neither read nor skipped silently: delete it, or move summary rows to the end",
            f"{label!r} 看起来是汇总行，但其后还有数据行（第 {following} 行）；表格中间的小计既不会被读取，"
            "也不会被悄悄跳过：请删除该行，或把汇总行移到表格末尾",
        )
    summaries.clear()


def _ragged(
    number: int, cells: Sequence[object], width: int, columns: Sequence[Column], issues: _Issues
) -> Sequence[object] | None:
    """A CSV row of another width than the header: the row padded, or None after an issue."""
    if len(cells) > width:
        extra = [index for index in range(width, len(cells)) if cells[index] is not None and str(cells[index]).strip()]
        if not extra:
            return cells
        filled = width + len(extra)
        issues.add(
            number,
            "",
            f"the row has {filled} non-empty cells up to column {column_letter(extra[-1])}, but the header has "
            f"{width} columns: a stray comma (such as an unquoted 1,250.00) shifted the cells after it; "
            'quote that cell ("1,250.00") or remove the thousands separator',
            f"这一行有 {filled} 个非空单元格（直到 {column_letter(extra[-1])} 列），而表头只有 {width} 列："
            '多余的逗号（例如未加引号的 1,250.00）使后面的单元格错位；请给该单元格加引号（"1,250.00"）或去掉千位分隔符',
        )
        return None
    lacking = [column for column in columns if column.index >= len(cells) and column.field.missing == "error"]
    if not lacking:
        return cells
    names = ", ".join(column.label for column in lacking)
    issues.add(
        number,
        "",
        f"the row has {len(cells)} cells, but the header has {width} columns: {names} have no cell; "
        "a cell or a comma is missing, check the row in the file",
        f"这一行只有 {len(cells)} 个单元格，而表头有 {width} 列：{names} 没有对应的单元格；"
        "可能少了单元格或逗号，请核对该行",
    )
    return None


def _checked_row(
    number: int, cells: Sequence[object], percent: frozenset[int], columns: Sequence[Column], issues: _Issues
) -> dict[str, object]:
    """A row's values read cell by cell, each bad cell an issue naming its column."""
    values: dict[str, object] = {}
    for column in columns:
        try:
            values[column.field.name] = column.read(cells[column.index], _shown(column.index, percent))
        except CellError as exc:
            issues.add(number, column.label, str(exc), exc.zh, issues.cell(column.index, number))
    return values


def written(cells: Sequence[object] | Mapping[str, object], values: Mapping[str, object],
            ids: Sequence[tuple[str, Any]]) -> Mapping[str, str]:
    """The text of each id cell (field name, and its index or JSON key) not read as itself (Record.written)."""
    found = {name: raw for name, at in ids if (raw := cells[at]).__class__ is str and raw != values.get(name)}
    return found or _AS_READ


def _shown(index: int, percent: frozenset[int]) -> int:
    if not percent:
        return AS_STORED
    return FRACTION if index in percent else PERCENT_TEXT if ~index in percent else AS_STORED


def _picker(indexes: Sequence[int]) -> Callable[[Sequence[object]], Sequence[object]]:
    """The cells at `indexes` of a row, as a sequence whatever their number."""
    if len(indexes) > 1:
        return itemgetter(*indexes)
    return lambda cells: [cells[index] for index in indexes]


class _Memo(dict):
    """One column's text cells already read, and their values; reading a new cell remembers it.

    Only exact `str` cells are remembered: their value never depends on `shown`, and a text
    key cannot collide with a typed XLSX value (1, 1.0 and True hash alike but read apart).
    """

    __slots__ = ("read", "shown")

    def __init__(self, read: Callable[[object, int], object], shown: int) -> None:
        super().__init__()
        self.read = read
        self.shown = shown

    def __missing__(self, raw: object) -> object:
        value = self.read(raw, self.shown)
        if raw.__class__ is str and len(self) < _MEMO_LIMIT:
            self[raw] = value
        return value


def is_blank(cells: Sequence[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def summary_label(cells: Sequence[object]) -> str | None:
    """The label of a 合计/平均/Total row (its first non-empty cell), or None for a data row.

    Only called on rows that are not blank, so a non-empty cell exists.
    """
    first = next(cell for cell in cells if cell is not None and str(cell).strip())
    if isinstance(first, str) and fold(first).rstrip(":：") in SUMMARY_LABELS:
        return first.strip()
    return None


def _joined(cells: Sequence[object]) -> str:
    return " ".join(str(cell).strip() for cell in cells if cell is not None and str(cell).strip())


def _sources(path: str) -> Iterator[CsvRows | XlsxRows]:
    """Candidate readings of the file, likeliest first: CSV by comma, then by tab; or XLSX."""
    suffix = Path(path).suffix.lower()
    if not sources.is_file(path):
        raise file_error(path, "file not found", "找不到文件")
    if suffix in (".csv", ".txt"):
        text = decode(path)
        for delimiter in (",", "\t"):
            yield CsvRows(path, text, delimiter)
    elif suffix in (".xlsx", ".xlsm"):
        yield XlsxRows(path)
    elif suffix == ".xls":
        raise file_error(
            path,
            "old Excel .xls files are not read; save it as .xlsx or CSV",
            "不支持旧版 Excel .xls 文件；请另存为 .xlsx 或 CSV",
        )
    else:
        raise file_error(
            path,
            f"expected a .csv, .txt, .xlsx or .xlsm file, got {suffix or 'no extension'}",
            f"期望 .csv、.txt、.xlsx 或 .xlsm 文件，实际是 {suffix or '无扩展名'}",
        )
