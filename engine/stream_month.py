"""`jixiao evaluate` of a month larger than memory: the columnar path over the metrics file in chunks of lines.

The Decimal reader holds a whole file (at most MAX_FILE_BYTES and MAX_ROWS rows, engine.data.csv_read), and
the in-memory columnar path holds the whole month; a file beyond that cap is read here in chunks, each
chunk the file's own lines above and at the header followed by the next lines of data, read by the
columnar reader exactly as a file of its own (engine.data.frame_read.read_month), so every cell is read as
it always is. What one chunk cannot know is kept apart, bounded by the teams and never by the agents:

- pass 1 (only for a plan with team statistics or team-scope metrics): the month's team totals
  (engine.run.columnar.team_totals), each team-scope metric's one value per team, each metric's scale;
- pass 2: each chunk evaluated with the month's totals (engine.run.columnar.evaluate) and written.

Every agent's result reads her own row and her team's totals only, so a chunk's results are the whole
month's. What would need the whole month otherwise is refused, each with a located error saying why the
month cannot be evaluated beyond the Decimal path's limit: rankings and statistics over the period's
agents, rows not in order of month then agent (the report's order, which each chunk is then sorted into:
a chunk must hold no agent ordered before one of an earlier chunk; in order, no agent can repeat either),
summary rows (合计), a team value that differs between chunks, and anything the columnar path does not
cover. Output goes to a stream chunk by chunk; a CSV column that only a later chunk fills (a name, a
rating) restarts the writing with it shown, as the report of the whole month shows it.

Memory is bounded by a chunk (CHUNK_ROWS lines, at most CHUNK_BYTES), the roster and the teams.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, BinaryIO

from engine.data import sources
from engine.data.cells import MAX_CELL_CHARS
from engine.data.csv_read import MAX_FILE_BYTES, MAX_ROWS, file_error
from engine.data.ingest import DATA_LEAD, HEADER_SEARCH_ROWS, is_blank, read_table, summary_label
from engine.data.inputs import EntryNote, _carried_fields, _metric_field, _people_fields, _standard_fields
from engine.errors import DataError
from engine.model.frames import ColumnarMonth, ColumnarResults, NotCovered
from engine.model.plan import Plan

if TYPE_CHECKING:  # polars is imported only where the columnar path runs
    import polars as pl

CHUNK_ROWS = 100_000  # about 250 MiB of a chunk read in columns (S0), measured
CHUNK_BYTES = 64 * 1024 * 1024
_BLOCK = 1024 * 1024
# The longest line a chunk takes, in the file's bytes: a line of an Excel cell's characters, each up to
# 4 bytes (frame_read then holds the line to MAX_CELL_CHARS bytes of UTF-8).
MAX_LINE_BYTES = 4 * MAX_CELL_CHARS


def beyond(path: str) -> bool:
    """Whether a metrics file is beyond what the Decimal reader takes (bytes, or rows counted by lines)."""
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            return True
        if size <= MAX_ROWS:  # a row takes at least one byte: fewer bytes, fewer rows
            return False
        lines = 0
        with open(path, "rb") as stream:
            while block := stream.read(_BLOCK):
                lines += block.count(b"\n")
                if lines > MAX_ROWS:
                    return True
        return False
    except OSError:
        return False  # the Decimal path says which file it cannot read


@dataclass(frozen=True, slots=True)
class Streamed:
    """What a month written in chunks says besides its bytes, as engine.columnar_month.ColumnarReport."""

    notes: tuple[object, ...]
    count: int
    by_decimal: int
    under_minimum: tuple
    paid_elsewhere: tuple
    below_zero: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Chunk:
    first: int  # the file's row number of the chunk's first line after the head
    last: int
    data: bytes  # the head's lines and the chunk's, as UTF-8
    tail: int  # the row where the lines after the file's last data row begin (past `last`: not in this chunk)


def refused(path: str, why: NotCovered | str, zh: str | None = None, row: int = 0) -> DataError:
    """The located error for a month the streaming path cannot evaluate, and why."""
    en, zh = (str(why), why.zh) if isinstance(why, NotCovered) else (why, zh or why)
    return file_error(
        path,
        f"the file is beyond what the Decimal reader takes ({MAX_FILE_BYTES // 2**20} MB, {MAX_ROWS:,} rows), "
        f"and a month this large is evaluated in parts, which this one cannot be: {en}; "
        "split the export by month or team",
        f"文件超出逐条计算的上限（{MAX_FILE_BYTES // 2**20} MB、{MAX_ROWS:,} 行），这么大的月份要分块计算，"
        f"而本月无法分块：{zh}；请按月份或小组拆分导出",
        row,
    )


def stream_month(plan: Plan, path: str, roster: str | None, period: str | None, fmt: str, lang: str,
                 into: BinaryIO, *, rows: int | None = None, size: int | None = None) -> Streamed:
    """The month's report in `fmt` (csv, json) written to `into` (seekable: a restart truncates it),
    chunk by chunk (`rows` lines, at most about `size` bytes: CHUNK_ROWS and CHUNK_BYTES unless given); a
    located DataError for what cannot be evaluated so (the caller writes nothing then)."""
    from engine.columnar_month import _under_minimum
    from engine.data.frame_read import read_month
    from engine.report.frame_write import filled, render_frame
    from engine.run.columnar.evaluate import evaluate_month
    from engine.run.columnar.team_totals import TeamTotals, wanted

    if plan.populations:
        raise refused(path, "rankings or statistics over the period's agents need the whole month at once",
                      "按期间全体客服的排名或统计需要一次读入整个月份")
    if fmt not in ("csv", "json"):
        raise refused(path, f"the {fmt} report is not written in parts", f"{fmt} 格式的报表不能分块写出")
    held = {} if roster is None else {roster: _read(roster)}
    encoding = _encoding(path)
    layout = _layout(plan, path, encoding)
    teams = [m for m in plan.metrics if m.scope == "team"]
    needs_pass_one = bool(wanted(plan) or teams)

    def months(reading: Plan = plan) -> Iterator[tuple[_Chunk, ColumnarMonth]]:
        """Each chunk read, its notes located in the file, in order; the located error where it cannot be."""
        last: tuple[str, str] | None = None
        for chunk in _chunks(path, encoding, layout, rows or CHUNK_ROWS, size or CHUNK_BYTES):
            try:
                month = read_month(reading, path, roster, None, data={**held, path: chunk.data}, period=period)
            except NotCovered as why:
                raise refused(path, why, row=chunk.first) from None
            frame = month.frame
            first = (frame.item(0, "period"), frame.item(0, "agent"))
            if last is not None and first == last:
                raise refused(path, f"agent {first[1]} of {first[0]} is in the file twice (again in rows "
                              f"{chunk.first}–{chunk.last})", f"{first[0]} 的客服 {first[1]} 在文件中出现两次"
                              f"（第 {chunk.first}–{chunk.last} 行中再次出现）", chunk.first)
            if last is not None and first < last:
                raise refused(path, f"rows {chunk.first}–{chunk.last} hold agent {first[1]} of {first[0]}, which "
                              f"the report lists before agent {last[1]} of {last[0]} of an earlier row: a file "
                              "this large must list its rows in order of month, then agent id",
                              f"第 {chunk.first}–{chunk.last} 行中 {first[0]} 的客服 {first[1]} 在报表中排在更早行的"
                              f" {last[0]} 客服 {last[1]} 之前：这么大的文件须按月份、再按工号排序", chunk.first)
            last = (frame.item(frame.height - 1, "period"), frame.item(frame.height - 1, "agent"))
            yield chunk, replace(month, notes=_located(month.notes, path, chunk, layout))

    scales: dict[str, int] = {}
    totals = None
    if needs_pass_one:
        gathered = TeamTotals(plan)
        values = _TeamValues(teams)
        # Pass 1 reads only the metrics the totals and the team values need (every row is read whole in
        # pass 2, which refuses what the reader refuses).
        needed = {a.of for a in gathered.aggregates} | {m.name for m in teams}
        for chunk, month in months(replace(plan, metrics=tuple(m for m in plan.metrics if m.name in needed))):
            gathered.add(month.frame, month.scales)
            for name, scale in month.scales.items():
                scales[name] = max(scale, scales.get(name, scale))
            values.add(month, chunk)
        values.check(path)
        try:
            totals = gathered.frame()
        except NotCovered as why:
            raise refused(path, why) from None
    start = into.tell()
    shown: frozenset[str] = frozenset()
    while True:
        notes: list[object] = []
        count = by_decimal = 0
        under: list = []
        elsewhere: list = []
        below: list[str] = []
        head_bytes = b""
        restart = False
        for chunk, month in months():
            if needs_pass_one:
                month = _rescaled(path, month, scales, chunk)
            try:
                evaluated = evaluate_month(plan, month, totals)
                results = evaluated.results
                if fmt == "csv" and not filled(results.frame) <= shown:  # JSON's fields are the same for all
                    if count:  # a column the part written leaves out: written again with it shown
                        shown |= filled(results.frame)
                        restart = True
                        break
                    shown = filled(results.frame)
                data = render_frame(plan, results, fmt, lang, shown=shown)
                if not count:
                    empty = ColumnarResults(results.frame.head(0), results.scales)
                    head_bytes = render_frame(plan, empty, fmt, lang, shown=shown)
                    if fmt == "json":
                        head_bytes = head_bytes[: -len(_JSON_TAIL_EMPTY)]
                    into.write(head_bytes)
                into.write(_body(path, fmt, data, head_bytes, first=not count, chunk=chunk))
            except NotCovered as why:
                raise refused(path, why, row=chunk.first) from None
            u, e = _under_minimum(plan, results)
            under += u
            elsewhere += e
            frame = results.frame
            below += frame.filter(frame.get_column("total") < 0).get_column("agent").to_list()
            notes += month.notes
            count += frame.height
            by_decimal += evaluated.by_decimal
        if restart:
            into.seek(start)
            into.truncate()
            continue
        if fmt == "json":
            into.write(_JSON_TAIL)
        return Streamed(tuple(notes), count, by_decimal, tuple(under), tuple(elsewhere), tuple(below))


_JSON_TAIL_EMPTY = b"]\n}\n"
_JSON_TAIL = b"\n  ]\n}\n"


def _body(path: str, fmt: str, data: bytes, head: bytes, *, first: bool, chunk: _Chunk) -> bytes:
    """A chunk's report without the report's head (and, for JSON, its tail), joined to the chunks before."""
    if not data.startswith(head):
        raise refused(path, "a part of the report with another head", "报表的一部分表头不同", chunk.first)
    if fmt == "csv":
        return data[len(head):]
    if not data.startswith(b"\n", len(head)) or not data.endswith(_JSON_TAIL):
        raise refused(path, "a part of the report of another shape", "报表的一部分形状不同", chunk.first)
    return (b"" if first else b",") + data[len(head): -len(_JSON_TAIL)]


def _read(path: str) -> bytes:
    with open(path, "rb") as stream:
        return stream.read()


def _encoding(path: str) -> str:
    """The file's encoding as engine.data.csv_read.decode finds it: UTF-8 (a BOM or none) when every byte
    decodes so, else GB18030 (each chunk then checked as it is decoded). UTF-16 is not read in parts."""
    with open(path, "rb") as stream:
        start = stream.read(4)
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise refused(path, "a UTF-16 text file", "UTF-16 文本文件")
        stream.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while block := stream.read(_BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8-sig"


def _lines(path: str, count: int) -> Iterator[bytes]:
    """The file's first `count` lines, each with its newline; a line beyond MAX_LINE_BYTES is an error."""
    with open(path, "rb") as stream:
        for number in range(1, count + 1):
            line = stream.readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            if len(line) > MAX_LINE_BYTES:
                raise _too_long(path, number)
            yield line


def _too_long(path: str, row: int) -> DataError:
    return file_error(path, f"this row is longer than {MAX_LINE_BYTES:,} bytes, more than a row of Excel cells "
                      "can hold; this is not a metrics export",
                      f"这一行超过 {MAX_LINE_BYTES:,} 字节，比一行 Excel 单元格能容纳的更长；"
                      "这不是一份指标导出文件", row)


def _utf8(raw: bytes, encoding: str, path: str, row: int) -> bytes:
    if encoding == "utf-8-sig":
        return raw
    try:
        return raw.decode(encoding).encode("utf-8")
    except UnicodeDecodeError:
        raise file_error(path, "expected text in UTF-8 or GB18030/GBK, got undecodable bytes; save as CSV UTF-8",
                         "期望 UTF-8 或 GB18030/GBK 编码的文本，但有无法解码的字节；请另存为 CSV UTF-8", row) from None


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where a file's parts lie: its lines down to the header (as UTF-8), the header's row, the first data
    row (the rows between are blank or summary rows), and the byte and row where the lines after the last
    data row begin (blank rows, a summary row at the end)."""

    head: bytes
    header_row: int
    data_start: int  # the byte after the header's line
    first_data: int
    tail_start: int


def _layout(plan: Plan, path: str, encoding: str) -> _Layout:
    """The file's head found by the reference's own read_table on its first lines (as the columnar reader
    finds it), and the lines before the first and after the last data row, judged as the reference judges
    a row that is not a data row (engine.data.ingest: is_blank, summary_label)."""
    first = list(_lines(path, HEADER_SEARCH_ROWS))
    text = _utf8(b"".join(first), encoding, path, 1)
    std = _standard_fields(plan)
    people = _people_fields(plan, std)
    carried, _ = _carried_fields(plan, std)
    fields = [std["agent"], std["period"], *people, *carried, *(_metric_field(m) for m in plan.metrics)]
    with sources.holding({path: text}):
        table = read_table(path, fields, key="agent")  # the reference's located error for a header it refuses
    header_row = table.header_row
    head = b"".join(text.splitlines(keepends=True)[:header_row])
    data_start = sum(len(line) for line in first[:header_row])
    first_data = header_row + 1
    for line in first[header_row:]:
        if _is_data(_utf8(line, encoding, path, first_data)):
            break
        first_data += 1
    return _Layout(head, header_row, data_start, first_data, max(_tail(path, encoding), data_start))


def _is_data(line: bytes) -> bool:
    """Whether a line is a data row as engine.data.frame_read tells them apart (a line it reads otherwise is
    read by it as it always is; only where a summary row may lie follows from this)."""
    text = line.decode("utf-8-sig").rstrip("\r\n")
    cells = next(csv.reader([text])) if text else []
    if cells and cells[0][:1] in DATA_LEAD:
        return True
    return not is_blank(cells) and summary_label(cells) is None


def _tail(path: str, encoding: str) -> int:
    """The byte where the lines after the last data row begin (the file's size: none, or none found within
    the last _BLOCK bytes)."""
    with open(path, "rb") as stream:
        end = stream.seek(0, os.SEEK_END)
        start = max(0, end - _BLOCK)
        stream.seek(start)
        window = stream.read()
    cut = 0 if start == 0 else window.find(b"\n") + 1
    if start and not cut:
        return end
    lines = window[cut:].splitlines(keepends=True)
    at = end
    for line in reversed(lines):
        try:
            if _is_data(line.decode(encoding).encode("utf-8")):
                return at
        except (UnicodeDecodeError, csv.Error):
            return at
        at -= len(line)
    return end


def _chunks(path: str, encoding: str, layout: _Layout, rows: int, size: int) -> Iterator[_Chunk]:
    """The lines after the header, `rows` at a time (at most about `size` bytes), each after the head; the
    lines after the last data row go with the last chunk, after its data rows, where they are in the file."""
    held: tuple[int, list[bytes], int] | None = None
    row = layout.header_row + 1
    for parts, lines in _parts(path, layout, rows, size):
        if held is not None:
            yield _chunk(path, encoding, layout.head, *held, held[0] + held[2])
        held, row = (row, parts, lines), row + lines
    with open(path, "rb") as stream:
        stream.seek(layout.tail_start)
        tail = stream.read()
    if held is None:
        if tail:
            yield _chunk(path, encoding, layout.head, row, [tail], _count(tail), row)
        return
    first, parts, lines = held
    yield _chunk(path, encoding, layout.head, first, [*parts, tail], lines + _count(tail), first + lines)


def _parts(path: str, layout: _Layout, rows: int, size: int) -> Iterator[tuple[list[bytes], int]]:
    """The data rows' lines (from the header to the tail) in runs of `rows` lines, at most about `size` bytes."""
    with open(path, "rb") as stream:
        stream.seek(layout.data_start)
        left = layout.tail_start - layout.data_start
        pending = b""  # the start of a line the last block cut
        parts: list[bytes] = []
        lines = taken = done = 0  # done: the lines of the runs given
        while True:
            block = stream.read(min(_BLOCK, left))
            left -= len(block)
            if block:
                block, pending = pending + block, b""
                end = block.rfind(b"\n") + 1
                block, pending = block[:end], block[end:]
                if len(pending) > MAX_LINE_BYTES:
                    raise _too_long(path, layout.header_row + 1 + done + lines + block.count(b"\n"))
            elif pending:
                block, pending = pending + b"\n", b""
            else:
                break
            while block:
                count = block.count(b"\n")
                if lines + count < rows and taken + len(block) < size:
                    parts.append(block)
                    lines, taken, block = lines + count, taken + len(block), b""
                    continue
                cut = 0
                for _ in range(min(rows - lines, count)):
                    cut = block.index(b"\n", cut) + 1
                    if taken + cut >= size:
                        break
                parts.append(block[:cut])
                lines += block[:cut].count(b"\n")
                block = block[cut:]
                yield parts, lines
                parts, done, lines, taken = [], done + lines, 0, 0
        if lines:
            yield parts, lines


def _count(lines: bytes) -> int:
    """How many lines: the last one may end without a newline."""
    return lines.count(b"\n") + (not lines.endswith(b"\n") and bool(lines))


def _chunk(path: str, encoding: str, head: bytes, row: int, parts: list[bytes], lines: int, tail: int) -> _Chunk:
    return _Chunk(row, row + lines - 1, head + _utf8(b"".join(parts), encoding, path, row), tail)


_ROW_NOTE = re.compile(r"row (\d+): ")


def _located(notes: tuple[object, ...], path: str, chunk: _Chunk, layout: _Layout) -> tuple[object, ...]:
    """A chunk's notes with the file's row numbers; the head's (said once, by the first chunk) left out.
    A summary row (合计) the reference skips before every data row or after: within a chunk, one after
    its rows may lie before a later chunk's, so one between the file's first and last data rows (as
    `_layout` finds them) is refused here."""
    shift = chunk.first - layout.header_row - 1
    found: list[object] = []
    for note in notes:
        if isinstance(note, EntryNote):
            found.append(replace(note, row=note.row + shift))
            continue
        text = str(note)
        matched = _ROW_NOTE.search(text) if text.startswith(f"{path}: ") and "summary row" in text else None
        if matched is not None and int(matched.group(1)) > layout.header_row:
            row = int(matched.group(1)) + shift
            if layout.first_data <= row < chunk.tail:
                raise refused(path, "a summary row (合计) between data rows", "数据行之间有汇总行（合计）", row)
            found.append(text.replace(matched.group(0), f"row {row}: ", 1))
        elif chunk.first == layout.header_row + 1:
            found.append(note)  # the head's notes, and the period's source, said once
    return tuple(found)


class _TeamValues:
    """Each team-scope metric's one value per team and month (S0.4), which must be the same in every chunk
    (the columnar reader holds a chunk's rows of a team to one value): a small frame per chunk, a row
    per team it holds, compared once every chunk is read."""

    def __init__(self, teams: list):
        self.names = [m.name for m in teams]
        self.parts: list[tuple[pl.DataFrame, dict[str, int]]] = []

    def add(self, month: ColumnarMonth, chunk: _Chunk) -> None:
        import polars as pl

        from engine.model import frames

        if not self.names:
            return
        frame = month.frame
        hows = [pl.col(frames.supplied(n)) if frames.supplied(n) in frame.columns
                else pl.lit(None, pl.String).alias(frames.supplied(n)) for n in self.names]
        found = frame.select("period", "team", *self.names, *hows).unique(["period", "team"])
        self.parts.append((found.with_columns(pl.lit(chunk.first, pl.Int64).alias("_row")),
                           {n: month.scales[n] for n in self.names}))

    def check(self, path: str) -> None:
        """A located error at the first chunk where a team's value differs from its first chunk's."""
        import polars as pl

        from engine.model import frames

        if not self.parts:
            return
        for name in self.names:
            top = max(scales[name] for _, scales in self.parts)
            values = pl.concat([part.select("period", "team", "_row", (pl.col(name).cast(pl.Int128)
                                                                        * 10 ** (top - scales[name])).alias("v"),
                                            pl.col(frames.supplied(name)).alias("how"))
                                for part, scales in self.parts])
            first = values.sort("_row").group_by("period", "team", maintain_order=True).first()
            joined = values.join(first, on=["period", "team"], suffix=":first")
            differs = joined.filter(pl.col("v").ne_missing(pl.col("v:first"))
                                    | pl.col("how").ne_missing(pl.col("how:first"))).sort("_row")
            if differs.height:
                period, team, row = (differs.item(0, column) for column in ("period", "team", "_row"))
                raise refused(path, f"{name} of team {team} in {period} differs from an earlier row's, or is "
                              "blank in one part of the file and given in another",
                              f"{period} 小组 {team} 的 {name} 与更早的行不同，或在文件一部分为空、另一部分有值", row)


def _rescaled(path: str, month: ColumnarMonth, scales: dict[str, int], chunk: _Chunk) -> ColumnarMonth:
    """The chunk's numbers of each metric pass 1 read at the month's scale (the most places any chunk has),
    as the in-memory reader holds the month's and as the team totals hold them; refused past 64 bits."""
    import polars as pl

    raise_by = {name: scales[name] - scale for name, scale in month.scales.items() if scales.get(name, scale) > scale}
    if not raise_by:
        return month
    frame = month.frame
    largest = frame.select(pl.col(name).abs().max() for name in raise_by).row(0, named=True)
    for name, shift in raise_by.items():
        if (largest[name] or 0) * 10**shift > 2**63 - 1:
            raise refused(path, f"{name} beyond 64-bit whole numbers", f"{name} 超出64位整数", chunk.first)
    frame = frame.with_columns(pl.col(name) * 10**shift for name, shift in raise_by.items())
    return ColumnarMonth(frame, {**month.scales, **{name: scales[name] for name in raise_by}}, month.notes,
                         month.even - set(raise_by))
