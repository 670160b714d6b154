"""Read a JSON Lines file (one object per line) as a table of the caller's fields.

Event logs are often exported as JSON Lines. Each object's keys are matched like a CSV header
(Chinese or English, case and width ignored), each value read by the same cell readers, and
every problem is located by line number and key, all at once, like every other data file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

from engine.data.cells import CellError
from engine.data.column_reader import AS_STORED, Column, Field, bind
from engine.data.ingest import MAX_ISSUES, Record, Table
from engine.errors import DataError, DataIssue
from engine.text import header_key

JSONL_SUFFIXES = (".jsonl", ".ndjson")
EXAMPLE = '{"工号": "1001", "时间": "2026-10-12 14:03", "类型": "首响"}'


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
        with open(where, encoding="utf-8-sig") as handle:
            lines = list(enumerate(handle, start=1))
    except UnicodeDecodeError:
        raise DataError([DataIssue(where, 0, "", "a JSON Lines file must be UTF-8; save it as UTF-8 and run again",
                                   zh="JSON Lines 文件必须是 UTF-8 编码；请另存为 UTF-8 后重试")]) from None
    for number, line in lines:
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            issues.append(DataIssue(where, number, "", f"not valid JSON ({error.msg} at character {error.colno})",
                                    zh=f"不是有效的 JSON（第 {error.colno} 个字符处：{error.msg}）"))
            continue
        if not isinstance(item, dict):
            issues.append(DataIssue(where, number, "", f"expected one JSON object per line, like {EXAMPLE}",
                                    zh=f"每行应是一个 JSON 对象，如 {EXAMPLE}"))
            continue
        columns: dict[str, Column] = {}
        for key in item:
            f = index.get(header_key(str(key)))
            if f is not None:
                columns[f.name] = bind(f, 0, str(key))
                seen_keys.setdefault(f.name, str(key))
        values: dict[str, object] = {}
        for f in fields:
            column = columns.get(f.name)
            if column is None and f.required:
                shown = f.aliases[0] if f.aliases else f.name
                issues.append(DataIssue(where, number, shown,
                                        f"the key for {f.name} is missing (expected one of {', '.join(f.aliases)})",
                                        zh=f"缺少 {shown} 键（可用：{'、'.join(f.aliases)}）"))
                continue
            try:
                # A key left out of a line is an optional field's declared missing value.
                values[f.name] = column.read(item[column.header], AS_STORED) if column is not None else f.missing
            except CellError as error:
                issues.append(DataIssue(where, number, column.header, str(error), zh=error.zh))
        if len(issues) >= MAX_ISSUES:
            break
        records.append(Record(number, values))
    if issues:
        raise DataError(issues)
    return Table(where, 0, {f.name: seen_keys.get(f.name, f.name) for f in fields}, tuple(records), ())

