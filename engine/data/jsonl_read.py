"""Read a JSON Lines file (one object per line) as a table of the caller's fields.

Event logs are often exported as JSON Lines. Each object's keys are matched like a CSV header
(Chinese or English, case and width ignored, a unit in brackets checked against the field), each
value read by the same cell readers, and every problem is located by line number and key, all at
once, like every other data file. Two keys of one line naming the same field (`数值` and `value`)
are refused: which one counts would be a guess.

Numbers are read as written, never through a binary float (which turns 99999999999999.99 into
100000000000000.00): a number with a fraction or an exponent is a Decimal, a whole number of up
to 18 digits an int, a longer one a Decimal (Python will not make an int of over 4,300 digits).
The cell readers bound them like every other cell (below 10^15); a number whose digits no cell
could hold (1e-99999, or an exponent Decimal cannot hold) refuses its line.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from engine.data import sources
from engine.data.cells import MAX_CELL_CHARS, MAX_MAGNITUDE, CellError
from engine.data.column_reader import AS_STORED, Column, Field, bind
from engine.data.csv_read import file_error
from engine.data.ingest import MAX_ISSUES, Record, Table, written
from engine.errors import DataError, DataIssue
from engine.text import header_key

JSONL_SUFFIXES = (".jsonl", ".ndjson")
EXAMPLE = '{"工号": "1001", "时间": "2026-10-12 14:03", "类型": "首响"}'


_ONE = Decimal(1)
_LONGEST_INT = 18  # digits of a whole number read as an int; beyond every bound a cell has anyway
_SHOWN = 40


class UnboundedNumber(ValueError):
    """A JSON number no cell could hold: its exact digits would run past MAX_CELL_CHARS."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _json_decimal(text: str) -> Decimal:
    """A JSON number with a fraction or an exponent, exactly as written; `1e5` is 100000."""
    try:
        value = Decimal(text)
    except InvalidOperation:  # an exponent beyond what Decimal holds
        raise UnboundedNumber(text) from None
    exponent = int(value.as_tuple().exponent)  # a JSON number is finite
    if -exponent > MAX_CELL_CHARS:
        raise UnboundedNumber(text)
    if exponent > 0 and value.copy_abs() < MAX_MAGNITUDE:
        return value.quantize(_ONE)  # as a person reads 1e5; one beyond the bound stays for the cell to refuse
    return value


def _json_int(text: str) -> int | Decimal:
    return int(text) if len(text) <= _LONGEST_INT else Decimal(text)


# One decoder for both readers (the fast one calls its scanner directly), so they read numbers alike.
DECODER = json.JSONDecoder(parse_float=_json_decimal, parse_int=_json_int)


def unbounded_issue(where: str, number: int, error: UnboundedNumber) -> DataIssue:
    return DataIssue(where, number, "",
                     f"the number {error.text} cannot be held exactly in a cell (at most 15 digits before the "
                     f"point, and no more than {MAX_CELL_CHARS:,} characters written out); check the line",
                     zh=f"数字 {error.text} 无法在单元格中准确表示（小数点前最多 15 位，写出后不超过 "
                     f"{MAX_CELL_CHARS:,} 个字符）；请核对该行")


def is_jsonl(path: str | os.PathLike) -> bool:
    return os.fspath(path).lower().endswith(JSONL_SUFFIXES)


def read_jsonl(path: str | os.PathLike, fields: Sequence[Field]) -> Table:
    """Every line of `path` as a Record of `fields` (row = line number), or DataError naming each problem."""
    where = os.fspath(path)
    index = {header_key(text): f for f in fields for text in (f.name, *f.aliases)}
    issues: list[DataIssue] = []
    records: list[Record] = []
    seen_keys: dict[str, str] = {}
    try:
        with sources.open_text(where, "utf-8-sig") as handle:
            lines = list(enumerate(handle, start=1))
    except UnicodeDecodeError:
        raise DataError([DataIssue(where, 0, "", "a JSON Lines file must be UTF-8; save it as UTF-8 and run again",
                                   zh="JSON Lines 文件必须是 UTF-8 编码；请另存为 UTF-8 后重试")]) from None
    except FileNotFoundError:
        raise file_error(where, "file not found", "找不到文件") from None
    except OSError as error:
        raise file_error(where, f"cannot read the file: {error.strerror}", f"无法读取文件：{error.strerror}") from None
    for number, line in lines:
        if not line.strip():
            continue
        try:
            item = DECODER.decode(line)
        except UnboundedNumber as error:
            issues.append(unbounded_issue(where, number, error))
            continue
        except json.JSONDecodeError as error:
            issues.append(DataIssue(where, number, "", f"not valid JSON ({error.msg} at character {error.colno})",
                                    zh=f"不是有效的 JSON（第 {error.colno} 个字符处：{error.msg}）"))
            continue
        except RecursionError:
            issues.append(DataIssue(where, number, "", "not valid JSON: nested too deeply to be one event",
                                    zh="不是有效的 JSON：嵌套层数过多，不可能是一条事件"))
            continue
        if not isinstance(item, dict):
            issues.append(DataIssue(where, number, "", f"expected one JSON object per line, like {EXAMPLE}",
                                    zh=f"每行应是一个 JSON 对象，如 {EXAMPLE}"))
            continue
        columns: dict[str, tuple[Column | None, str]] = {}
        for key in item:
            f = index.get(header_key(key))
            if f is None:
                continue
            if f.name in columns:
                first = columns[f.name][1]
                issues.append(DataIssue(where, number, key.strip(),
                                        f"the keys {first!r} and {key!r} both give {f.name}; keep one, so the "
                                        "line says one thing",
                                        zh=f"键 {first!r} 与 {key!r} 都表示 {f.name}；请只保留一个"))
                continue
            try:
                columns[f.name] = bind(f, 0, key), key
            except CellError as error:  # a unit in the key that contradicts the field, as `金额(秒)`
                issues.append(DataIssue(where, number, key.strip(), str(error), zh=error.zh))
                columns[f.name] = None, key  # the field has a key, so it is not reported missing too
                continue
            seen_keys.setdefault(f.name, key)
        values: dict[str, object] = {}
        for f in fields:
            found = columns.get(f.name)
            if found is None and f.required:
                shown = f.aliases[0] if f.aliases else f.name
                issues.append(DataIssue(where, number, shown,
                                        f"the key for {f.name} is missing (expected one of {', '.join(f.aliases)})",
                                        zh=f"缺少 {shown} 键（可用：{'、'.join(f.aliases)}）"))
                continue
            if found is None:
                # A key left out of a line is an optional field's declared missing value.
                values[f.name] = f.missing
                continue
            column, key = found
            if column is None:  # its key was refused above
                continue
            try:
                values[f.name] = column.read(item[key], AS_STORED)
            except CellError as error:
                issues.append(DataIssue(where, number, column.header, str(error), zh=error.zh))
        if len(issues) >= MAX_ISSUES:
            break
        ids = [(f.name, columns[f.name][1]) for f in fields if f.kind == "id" and f.name in columns]
        records.append(Record(number, values, written(item, values, ids)))
    if issues:
        raise DataError(issues)
    # Only the keys some line holds: a field no line names has no column to point at.
    return Table(where, 0, {f.name: seen_keys[f.name] for f in fields if f.name in seen_keys}, tuple(records), ())

