"""A month's metrics file (and roster) read straight into columns (engine.model.frames), for the columnar path.

The reference reader (engine.data.inputs.read_inputs) reads one row at a time into Decimals; a million
agent-months cost it tens of seconds and gigabytes. This reader reads the same CSV with polars, and is
held to it: for every file it accepts, `agent_inputs` of what it gives equals what `read_inputs` gives
(agents, months, team, name, role, grade, dates, carried columns, values equal as Decimals, how a
fallback supplied them), with the same notes. Anything it does not read exactly as the reference does
raises `NotCovered`, and the caller reads the file with the reference reader, which gives the value or
the located error: a file this reader accepts is never read differently, only faster.

How it stays exact:
- the file's text is the reference's own (engine.data.csv_read.decode: UTF-8, else GB18030): a UTF-8
  file goes to polars undecoded (polars refuses a line that is not UTF-8, and the file is then decoded
  as the reference decodes it), a GB18030 one goes to polars undecoded too, each byte as its Latin-1
  character (engine.data.gb18030_carried: lines and cells are split where the text's are), and the lines
  read in Python, the id and text cells and every other distinct text are restored to their text, every
  byte of the file asked whether it is GB18030 (a file that is not is NotCovered, as it is not decoded);
  the rows above the header, the header and its columns are found by the reference's own `read_table`
  on the first lines;
- every line must be plain CSV (a field quoted whole, without quotes or line breaks inside, no control
  character, no CR but before its LF), where Python's csv module and polars cannot split a line apart;
  a data row is told by regular expressions over every line (a first cell led by a CJK ideograph too,
  unless it is a summary label), and blank rows and summary rows (合计) by the reference's own `is_blank`
  and `summary_label`, and only where it places them (before or after every data row);
- a column's cells take one of two routes. A cell of a strict form (`123456.78`, `1,234.50`, `97.50%`
  for numbers; ASCII and CJK ideographs for ids; a name without spaces at its ends or full-width forms)
  is read as a column: the reference reads it the same way by construction. Every other distinct text of
  the column (the month, `1分5秒`, `¥12.50`, `-`, a role's label) is read by the reference's own cell
  reader, once per distinct text; past DISTINCT of them the file is NotCovered;
- a number is a whole number at its column's scale (the most decimal places any cell has), checked to
  fit 64 bits; no float ever holds a value. The range a metric declares is checked on those integers;
- the joins (roster, team values, entry grade S0.6, employment dates) are the reference's rules (a
  roster listing the month's agents in the file's order is put beside it, any other joined); whatever
  would be an error in the reference (a duplicate agent, an agent not in the roster, a team value that
  disagrees) is NotCovered here, so the reference raises it with its location;
- the rows are sorted as the reference sorts its results, by period, then agent as text (ids of digits
  by a whole-number key that orders them alike).
Each stage is one polars query over every column, which polars runs side by side.
Not read here (NotCovered): XLSX and JSON Lines, several metrics files (S1.6), a team file, a tab-
separated file, and any layout the above does not describe.

polars is imported inside the functions: a small shop's month that never takes the columnar path
does not pay for importing it.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from engine.data import gb18030_carried, sources
from engine.data.cells import MAX_CELL_CHARS, PLACEHOLDERS, CellError
from engine.data.column_reader import AS_STORED, NUMERIC_KINDS, Column, Field, bind
from engine.data.csv_read import MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, decode
from engine.data.ingest import (
    DATA_LEAD,
    HEADER_SEARCH_ROWS,
    SUMMARY_LABELS,
    Table,
    is_blank,
    read_table,
    summary_label,
)
from engine.data.inputs import (
    EntryNote,
    _carried_fields,
    _clashing_aliases,
    _entry,
    _file_period,
    _metric_field,
    _people_fields,
    _standard_fields,
)
from engine.errors import DataError, DataIssue
from engine.model import frames
from engine.model.frames import ColumnarMonth, NotCovered
from engine.model.inputs import AgentInput
from engine.model.plan import Plan
from engine.text import header_key

if TYPE_CHECKING:
    import polars as pl

__all__ = ["agent_inputs", "read_month"]

# Distinct texts of one column read by the reference's cell reader: each costs a few microseconds.
DISTINCT = 20_000
INT_MAX = 2**63 - 1
DIGITS = 18  # a whole number of at most 18 digits fits a signed 64-bit integer
ID_DIGITS = 17  # an id of at most 17 digits is sorted by a whole number: 10**17 × 32 fits 64 bits
_DIGIT_ID = rf"^[0-9]{{1,{ID_DIGITS}}}$"
MAGNITUDE_DIGITS = 15  # engine.data.cells.MAX_MAGNITUDE: a number below 10**15

# A line of plain CSV: fields separated by commas, each unquoted (no quote, no comma) or quoted whole.
_FIELD = r'(?:[^",]*|"[^"]*")'
_PLAIN_LINE = re.compile(rf"{_FIELD}(?:,{_FIELD})*")
# Characters Python's csv module, str.strip and polars could read apart: controls, and a CR that does not
# end a line (polars ends a line at LF only; \x01 splits lines in `_lines`, so it is refused outright).
_CONTROL_CLASS = r"\x00-\x08\x0b-\x1f\x7f"
_UNSAFE = re.compile(f"[{_CONTROL_CLASS}]")
_SAFE_FIELD = f'(?:[^",{_CONTROL_CLASS}]*|"[^"{_CONTROL_CLASS}]*")'
# How a data row's first cell starts (engine.data.ingest.DATA_LEAD), quoted or not.
_LEAD_QUOTED = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in sorted(DATA_LEAD - {'"'})) + "]"
_LEAD_PLAIN = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in sorted(DATA_LEAD - {'"', ","})) + "]"
# A first cell led by a CJK ideograph (S1's nicknames 小一, the roster desk's 店铺:小美): a data row unless it
# is a summary label. Made only of ideographs and printable ASCII without a space, quote or comma, such a
# cell is its own folded form (engine.text.fold: no full-width form, no space, no letter a label has), so
# the reference's summary_label calls it a label exactly when it is one of the ideograph labels followed
# by nothing but ASCII colons — which one expression tells, as it tells the rest of the row.
_CJK_CELL = r"[\u4e00-\u9fff][!#-+\--~\u4e00-\u9fff]*"
_CJK_LABELS = "|".join(sorted(label for label in SUMMARY_LABELS if "\u4e00" <= label[0] <= "\u9fff"))
_CJK_LABEL = f'^"?(?:{_CJK_LABELS}):*(?:[",]|$)'
# The kinds whose cells a carried GB18030 file has restored before their forms are told (`_restored_cells`).
RESTORED_KINDS = ("id", "text")
UTF8_PROBE = 1 << 16  # the bytes tried as UTF-8 before a file is handed to polars as UTF-8
# Texts every reader takes as "no value": the missing markers, and the placeholders (lower case).
_NO_VALUE = ("", "-", "—", "－", *PLACEHOLDERS)
# Unicode's simple case folding beyond what str.upper and str.lower reach (a regular expression's `(?i)`).
_FOLDS = {"k": "K\u212a", "K": "k\u212a", "s": "S\u017f", "S": "s\u017f"}


def _every_case(text: str) -> set[str]:
    """Every text a case-blind match takes for `text` (`(?i)`): each character in each of its cases."""
    return {"".join(chars) for chars in itertools.product(
        *(sorted({c, c.lower(), c.upper(), *_FOLDS.get(c, "")}) for c in text))}


# The texts read as no value in any case (`(?i)` of _NO_VALUE), as a set: a hash lookup a cell, a third of the
# time of the case-blind regular expression.
_NO_VALUE_CASES = sorted(set().union(*(_every_case(text) for text in _NO_VALUE if text)))
# Strict forms read as columns. Ids: ASCII without spaces and CJK ideographs, each its own canonical form
# (engine.text.canonical_id); texts: no space at either end and no full-width form (engine.text.halfwidth).
_ID = r"^[!-~\u4e00-\u9fff]+$"
_TEXT = r"^[^\s\uff01-\uff5e\u3000\u2212](?:[^\uff01-\uff5e\u3000\u2212]*[^\s\uff01-\uff5e\u3000\u2212])?$"
_AMOUNT = r"^(?:-?[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?$"  # 1234.5, -12, 1,234.50
_RATIO = r"^-?[0-9]+(?:\.[0-9]+)?%?$"  # 0.975, 97.50%
_UNSIGNED = r"^[0-9]+(?:\.[0-9]+)?$"
_WHOLE = r"^(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)$"
# The strict forms of the number kinds as fields of a line (`_strict_candidates`): a form holding a thousands
# separator only quoted (unquoted, its comma would end the field), each without its anchors.
_STRICT_FIELDS = {kind: (plain, form[1:-1]) for kinds, plain, form in (
    (("money", "number"), r"-?[0-9]+(?:\.[0-9]+)?", _AMOUNT), (("ratio",), _RATIO[1:-1], _RATIO),
    (("duration",), _UNSIGNED[1:-1], _UNSIGNED), (("count",), r"[0-9]+", _WHOLE)) for kind in kinds}
# Data lines looked at to guess which number columns hold only strict forms (then told of every line at once).
STRICT_SAMPLE = 256


def _refuse(en: str, zh: str) -> NotCovered:
    return NotCovered(en, zh)


@dataclass(frozen=True, slots=True)
class _Read:
    """One file's data rows as columns: `row` (as a spreadsheet numbers it), one column per field found
    (numbers as whole numbers at `scales[name]`, with `<name>.supplied`), and what the reference noted."""

    table: Table  # the reference's reading of the rows down to the header: path, preamble, columns
    frame: pl.DataFrame
    scales: Mapping[str, int]
    skipped: tuple[str, ...]
    even: frozenset[str]  # the number columns each of whose values has exactly its scale's places


def read_month(plan: Plan, metrics: Sequence[str] | str, roster: str | None, team: str | None, *,
               data: dict[str, bytes] | None = None, period: str | None = None) -> ColumnarMonth:
    """The month(s) of a metrics file as columns, exactly as `read_inputs` reads them, or NotCovered.

    Mirrors `read_inputs(plan, metrics, roster=roster, team=team, period=period)` as engine.month calls
    it: `data` holds the bytes each path was read as, so each file is read from disk once; they are handed
    over: the metrics file's and the roster's are taken out of `data` as they are read, so that a caller
    holding them nowhere else has them let go once parsed (140 MiB at a million agents, at the height of
    the reading). `period` is `--period` (None: from the file's column, or the month its name or title
    states). The frame's notes (`ColumnarMonth.notes`) are the reference's, in its order."""
    paths = [metrics] if isinstance(metrics, str) else list(metrics)
    if len(paths) != 1:
        raise _refuse("several metrics files of one month", "同一个月的多个指标文件")
    if team is not None:
        raise _refuse("a team file", "小组文件")
    given = {} if data is None else data
    path, roster = str(paths[0]), None if roster is None else str(roster)
    taken = {p: given.pop(p) for p in (path, roster) if p is not None and p in given}
    with sources.holding(given):
        return _read_month(plan, path, roster, period, taken)


def _read_month(plan: Plan, path: str, roster: str | None, period: str | None, taken: dict[str, bytes]
                ) -> ColumnarMonth:
    import polars as pl

    std = _standard_fields(plan)
    people = _people_fields(plan, std)
    carried, read_from = _carried_fields(plan, std)
    metric_fields = [_metric_field(m) for m in plan.metrics]
    fields = [std["agent"], std["period"], *people, *carried, *metric_fields]
    if _clashing_aliases(plan, fields):
        raise _refuse("a header the policy gives two columns", "方案给两列同一个表头")
    tables = _read_files([(path, fields)] + ([] if roster is None else [(roster, [std["agent"], *people, *carried])]),
                         taken)
    main = tables[0]
    for text, owner in zip(plan.roster.carry, read_from, strict=True):
        if not any(owner in read.table.columns for read in tables):
            raise _refuse(f"no column {text!r} to carry", f"没有要带入报表的列 {text!r}")
    notes: list[object] = [f"{read.table.path}: {line}" for read in tables for line in read.skipped]
    issues: list[DataIssue] = []
    month, hint = _file_period(main.table, period, notes, issues)
    if issues:
        raise _refuse("the file's period is in doubt", "文件的月份有疑问")
    frame = main.frame
    if "period" in frame.columns:
        if hint is not None and not frame["period"].is_in(list(hint.months)).all():
            raise _refuse("a row outside the months the file states", "有行不在文件所写的月份之内")
    elif month is not None:
        frame = frame.with_columns(pl.lit(month).alias("period"))
    else:
        raise _refuse("no period", "没有月份")
    if frame.height == 0:
        raise _refuse("a file without data rows", "没有数据行的文件")
    facts = [f.name for f in people] + [f.name for f in carried]
    if roster is not None:
        frame = _with_roster(frame, tables[1].frame, facts)
    frame = _in_order(frame)
    for name in facts:
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(name))
    _employed(frame)
    entry = _entry(plan, {"metrics": main.table, **({"roster": tables[1].table} if roster else {})})
    if entry is not None:
        joiners = frame.filter(pl.col("grade").is_null()).sort("row")
        notes.extend(EntryNote(main.table.path, row, agent, entry[0], entry[1])
                     for row, agent in zip(joiners["row"], joiners["agent"], strict=True))
        frame = frame.with_columns(pl.col("grade").fill_null(entry[0]))
    for needed, declared in (("role", plan.roles), ("grade", plan.grades)):
        if declared and frame[needed].null_count():
            raise _refuse(f"an agent without a {needed}", "有客服没有岗位或等级")
    scales = dict(main.scales)
    frame, scales, filled = _team_values(plan, frame, scales)
    return ColumnarMonth(_columns(plan, frame, read_from), scales, tuple(notes), main.even - filled)


def _with_roster(frame: pl.DataFrame, people: pl.DataFrame, facts: Sequence[str]) -> pl.DataFrame:
    """Each row's facts with the roster's where it gives one (read_inputs: the roster's non-empty values win)."""
    import polars as pl

    given = [name for name in facts if name in people.columns]
    if _aligned(frame, people):  # the roster lists the month's agents in the file's order: no join to make
        joined = pl.concat([frame, people.select(pl.col(n).alias(f"{n}:roster") for n in given)], how="horizontal")
    else:
        listed = people.select("agent", *(pl.col(n).alias(f"{n}:roster") for n in given),
                               pl.lit(True).alias("_listed"))
        try:
            joined = frame.join(listed, on="agent", how="left", validate="m:1", maintain_order="left")
        except pl.exceptions.PolarsError:  # the roster names an agent twice
            raise _refuse("an agent twice in the roster", "花名册中同一客服出现两次") from None
        if joined["_listed"].null_count():
            raise _refuse("an agent not in the roster", "有客服不在花名册中")
        joined = joined.drop("_listed")
    mine = [pl.coalesce(f"{n}:roster", n).alias(n) if n in frame.columns else pl.col(f"{n}:roster").alias(n)
            for n in given]
    return joined.with_columns(mine).drop([f"{n}:roster" for n in given])


def _aligned(frame: pl.DataFrame, people: pl.DataFrame) -> bool:
    """Whether the roster's rows are the file's agents, one by one in the same order, in a file of one month:
    each row's roster row is then the row beside it (and the roster names no agent twice when the month
    does not, which `_in_order` holds)."""
    agents = frame["agent"]
    return (people.height == frame.height and not agents.has_nulls() and frame["period"].n_unique() == 1
            and agents.equals(people["agent"], check_names=False))


def _in_order(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows sorted by period, then agent (as texts, the order the reference lists results in), or
    NotCovered for an agent twice in one month (two rows side by side once sorted).

    Ids of digits only (an export's 工号, the usual case) are sorted by a whole number that orders them
    as their texts are ordered: the id padded with zeros on the right to ID_DIGITS digits, then its length
    (`10` < `100` < `19`, as texts compare), which sorts far faster than the texts themselves. A month whose
    ids already come in the order of their texts (polars compares texts by their UTF-8 bytes, which order
    them as Python's str does) is only asked for an id twice, side by side."""
    import polars as pl

    agent, period = pl.col("agent"), pl.col("period")
    ids = frame["agent"]
    if not (ids.has_nulls() or frame["period"].has_nulls()) and frame["period"].n_unique() == 1 and ids.is_sorted():
        if (ids.slice(1) == ids.slice(0, ids.len() - 1)).any():
            raise _refuse("an agent twice in one month", "同一客服同月出现两次")
        return frame
    digits = frame.select(agent.str.contains(_DIGIT_ID).fill_null(False).all()).item()
    if digits and not frame["period"].has_nulls():
        key = agent.str.pad_end(ID_DIGITS, "0").cast(pl.Int64) * 32 + agent.str.len_bytes().cast(pl.Int64)
        order = [key] if frame["period"].n_unique() == 1 else [period, key]
    else:
        order = [period.fill_null(""), agent.fill_null("")]
    keys = frame.select(k.alias(f"_key{i}") for i, k in enumerate(order))
    if not (keys.width == 1 and keys.to_series().is_sorted()):
        frame = frame[keys.with_row_index("_at").sort(keys.columns)["_at"]]
        keys = keys.sort(keys.columns)
    twice = pl.all_horizontal(pl.col(c).eq_missing(pl.col(c).shift(1)) for c in keys.columns)
    if keys.select(twice.any()).item():
        raise _refuse("an agent twice in one month", "同一客服同月出现两次")
    return frame


def _employed(frame: pl.DataFrame) -> None:
    """NotCovered where read_inputs finds a row for a month the agent's dates leave no day of."""
    import polars as pl

    joined, left, month = pl.col("joined").fill_null(""), pl.col("left").fill_null(""), pl.col("period")
    wrong = ((joined != "") & (left != "") & (joined > left)) | ((left != "") & (left.str.slice(0, 7) < month)) | (
        (joined != "") & (joined.str.slice(0, 7) > month))
    if frame.select(wrong.any()).item():
        raise _refuse("a row for a month the agent did not work", "有客服在未在职的月份有数据")


def _team_values(plan: Plan, frame: pl.DataFrame, scales: dict[str, int]
                 ) -> tuple[pl.DataFrame, dict[str, int], frozenset[str]]:
    """Team-scope metrics (S0.4) as read_inputs takes them from the metrics file: every row of a team and
    month giving one value (read alike), or none giving any and the metric's `missing:`. Anything else is
    NotCovered: the reference's rules there depend on the order of the rows. Also which were given their
    `missing:` value at another scale than the file's (their values' places then differ)."""
    import polars as pl

    filled: set[str] = set()
    for metric in plan.metrics:
        if metric.scope != "team":
            continue
        name, how = metric.name, frames.supplied(metric.name)
        if metric.type == "choice":
            raise _refuse("a team-scope choice", "小组范围的选项指标")
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.Int64).alias(name), pl.lit(None, pl.String).alias(how))
            scales[name] = 0
        groups = frame.group_by(pl.col("team").fill_null(""), "period").agg(
            pl.col(name).n_unique().alias("values"), pl.col(name).null_count().alias("blank"),
            pl.col(how).n_unique().alias("hows"), pl.len().alias("rows"))
        alike = (pl.col("blank") == 0) & (pl.col("values") == 1) & (pl.col("hows") == 1)
        empty = pl.col("blank") == pl.col("rows")
        if not groups.select((alike | empty).all()).item():
            raise _refuse(f"{name} differs or is blank within a team", f"同一小组的 {name} 不一致或为空")
        if not groups.select(empty.any()).item():
            continue
        if metric.missing is None:
            raise _refuse(f"{name} blank for a team", f"小组的 {name} 为空")
        places = max(0, -metric.missing.as_tuple().exponent)
        scale = places if not frame[name].is_not_null().any() else scales[name]
        if places > scale:
            raise _refuse(f"{name}'s missing value has more places than the file", f"{name} 的缺失取值小数位多于文件")
        value = _whole(metric.missing, scale)
        if metric.missing.as_tuple().exponent != -scale or (metric.missing.is_zero() and metric.missing.is_signed()):
            filled.add(name)
        frame = frame.with_columns(
            pl.when(pl.col(name).is_null()).then(pl.lit("missing")).otherwise(pl.col(how)).alias(how),
            pl.col(name).fill_null(value))
        scales[name] = scale
    return frame, scales, frozenset(filled)


def _whole(value: Decimal, scale: int) -> int:
    """`value × 10**scale` as an exact whole number (no Decimal context rounds it), or NotCovered past 64 bits."""
    sign, digits, exponent = value.as_tuple()
    shift = int(exponent) + scale
    if shift < 0:
        raise _refuse("a value with more places than its column", "小数位多于所在列的数值")
    whole = int("".join(map(str, digits)) or "0") * 10**shift * (-1 if sign else 1)
    if abs(whole) > INT_MAX:
        raise _refuse("a value beyond 64-bit whole numbers", "超出64位整数的数值")
    return whole


def _columns(plan: Plan, frame: pl.DataFrame, read_from: Sequence[str]) -> pl.DataFrame:
    """The frame (sorted by period, then agent) as engine.model.frames names its columns."""
    import polars as pl

    text = [pl.col(name).fill_null("").alias(name) for name in frames.TEXT]
    career = [pl.col(name) if name in frame.columns else pl.lit(None, pl.String).alias(name) for name in frames.CAREER]
    carry = [pl.col(owner).fill_null("").alias(frames.carry(i)) for i, owner in enumerate(read_from)]
    values = [pl.col(m.name) for m in plan.metrics]
    supplied = [pl.col(frames.supplied(name)) if frames.supplied(name) in frame.columns
                else pl.lit(None, pl.String).alias(frames.supplied(name)) for name in plan.supplied]
    return frame.select(*text, *career, *carry, *values, *supplied)


def agent_inputs(plan: Plan, month: ColumnarMonth) -> list[AgentInput]:
    """The month's rows as the reference path's AgentInputs (no `source`): what a test compares, and what
    the Decimal path is given for the rows the columnar evaluation leaves to it."""
    numbers = [m.name for m in plan.metrics if m.type != "choice"]
    choices = [m.name for m in plan.metrics if m.type == "choice"]
    carry = [frames.carry(i) for i in range(len(plan.roster.carry))]
    found = []
    for row in month.frame.iter_rows(named=True):
        values: dict[str, object] = {name: frames.scaled(row[name], month.scales[name]) for name in numbers}
        values.update((name, row[name]) for name in choices)
        supplied = {name: how for name in plan.supplied if (how := row[frames.supplied(name)]) is not None}
        found.append(AgentInput(agent=row["agent"], period=row["period"], values=values, team=row["team"],
                                name=row["name"], role=row["role"], grade=row["grade"], joined=row["joined"],
                                left=row["left"], supplied=supplied, columns=tuple(row[c] for c in carry)))
    return found


def _read_files(files: Sequence[tuple[str, Sequence[Field]]], taken: dict[str, bytes]) -> list[_Read]:
    """Each file read as `_read_file` reads it (its bytes from `taken`, else as engine.data.sources gives
    them), the roster beside the metrics file: most of a file's reading is polars, which lets go of the
    interpreter, so the two share the machine's cores (a million-agent roster costs a fifth of the month's
    reading alone). The first refusal, in the files' order, is raised."""
    if len(files) == 1:
        return [_read_file(*files[0], taken.pop(files[0][0], None))]
    import contextvars
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(files) - 1) as pool:
        later = [pool.submit(contextvars.copy_context().run, _read_file, path, fields, taken.pop(path, None))
                 for path, fields in files[1:]]
        first = _read_file(*files[0], taken.pop(files[0][0], None))
        return [first, *(future.result() for future in later)]


# -- one file ----------------------------------------------------------------------------------------------


def _read_file(path: str, fields: Sequence[Field], given: bytes | None) -> _Read:
    """The data rows of one CSV file (its bytes `given`, or read), each field found read as the reference
    reads it, or NotCovered."""
    import polars as pl

    raw, lines, carried = _text(path, given)
    del given  # the file's own bytes: only the text handed to polars is held from here
    if lines.len() > MAX_ROWS:
        raise _refuse("more rows than Excel holds", "行数超过 Excel 上限")
    head = lines[:HEADER_SEARCH_ROWS].to_list()
    if carried:
        head = [_restored_text(line) for line in head]
        if head and head[0].startswith(codecs.BOM_UTF8.decode("utf-8")):
            raise _refuse("an empty file, or a second byte-order mark", "空文件或多余的字节顺序标记")
    if not all(_PLAIN_LINE.fullmatch(line) and not _UNSAFE.search(line) for line in head):
        raise _refuse("a line that is not plain CSV", "不是简单 CSV 的行")
    table, header, columns = _header(path, head, fields)
    width = len(header)
    strict = _strict_candidates(columns, lines[table.header_row:table.header_row + STRICT_SAMPLE].to_list())
    kinds = _rows(lines[table.header_row:], table.header_row + 1, width, carried, strict)
    del lines
    bound = sorted({c.index for c in columns})
    try:  # a carried file's every column, so that each of its bytes is asked whether it is GB18030
        cells = pl.read_csv(raw, has_header=False, skip_lines=table.header_row, quote_char='"',
                            schema={f"c{i}": pl.String for i in range(width)}, truncate_ragged_lines=True,
                            missing_columns="insert", columns=list(range(width)) if carried else bound)
    except pl.exceptions.PolarsError:  # a first line wider than the header, which the rows' check let through
        raise _refuse("a file polars splits apart", "polars 拆分不一致的文件") from None
    del raw
    if cells.height != kinds.rows.height:
        raise _refuse("a file polars splits apart", "polars 拆分不一致的文件")
    cells = cells.with_columns(kinds.rows["row"])
    kept = kinds.rows["data"]
    first, count = kinds.span  # the data rows side by side (a blank or summary row only above or below): a slice
    cells = cells.slice(first, count) if count == kept.sum() else cells.filter(kept)
    if carried:
        cells = _restored_cells(columns, cells, bound)
    frame, scales, even = _read_columns(columns, cells, carried, frozenset(strict) if kinds.strict else frozenset())
    return _Read(table, frame, scales, (*table.skipped[: len(table.preamble)], *kinds.notes), even)


def _text(path: str, given: bytes | None) -> tuple[bytes, pl.Series, bool]:
    """The file's text as UTF-8 bytes, and its lines, as the reference decodes it (engine.data.csv_read.decode:
    UTF-8 with or without a byte-order mark, else GB18030), or NotCovered; and whether the text is a GB18030
    file carried undecoded (engine.data.gb18030_carried), its lines and cells restored where read.

    A file in UTF-8 is handed to polars as it is, read once and never decoded in Python: polars refuses
    a line that is not UTF-8, and the file is then decoded as the reference decodes it."""
    import polars as pl

    if Path(path).suffix.lower() not in (".csv", ".txt"):
        raise _refuse(f"a {Path(path).suffix or 'nameless'} file", f"{Path(path).suffix or '无扩展名'}文件")
    try:
        if given is None and not sources.is_file(path):
            raise _refuse("a file not found", "找不到文件")
        if (len(given) if given is not None else sources.size(path)) > MAX_FILE_BYTES:
            raise _refuse("a file larger than a metrics export can be", "超过指标文件上限的文件")
        raw = given if given is not None else sources.read_bytes(path)
    except OSError:
        raise _refuse("a file the reference reader refuses", "参考读取器拒绝的文件") from None
    del given
    body = raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw
    utf8 = _utf8_start(body)
    if utf8:
        if not body or body.startswith(codecs.BOM_UTF8):
            raise _refuse("an empty file, or a second byte-order mark", "空文件或多余的字节顺序标记")
        try:
            return body, _lines(body), False
        except pl.exceptions.ComputeError:  # not UTF-8 after all (polars validates every line)
            pass
    del body
    carried = not (utf8 or raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)))
    if not carried:
        try:
            text = decode(path)
        except (DataError, OSError):
            raise _refuse("a file the reference reader refuses", "参考读取器拒绝的文件") from None
        data = text.encode("utf-8")
        del text
        if not data or data.startswith(codecs.BOM_UTF8):
            raise _refuse("an empty file, or a second byte-order mark", "空文件或多余的字节顺序标记")
    else:  # not UTF-8 from its first bytes: GB18030, as the reference decodes it next, carried undecoded
        data = gb18030_carried.carried(raw)
    try:
        return data, _lines(data), carried
    except pl.exceptions.PolarsError:
        raise _refuse("a file polars splits apart", "polars 拆分不一致的文件") from None


def _restored_text(text: str) -> str:
    """A carried line as its GB18030 text, or NotCovered where it is not GB18030 (as the reference decodes)."""
    try:
        return gb18030_carried.restored_text(text)
    except UnicodeDecodeError:
        raise _refuse("a file the reference reader refuses", "参考读取器拒绝的文件") from None


def _restored_cells(columns: Sequence[Column], cells: pl.DataFrame, bound: Sequence[int]) -> pl.DataFrame:
    """A carried file's data rows with each id and text column restored (their forms are told on the text),
    every column not read asked only whether its bytes are GB18030 (its distinct cells), and dropped; the
    other columns' cells stay carried: their strict forms are ASCII, the same carried or not, and each
    other distinct text is restored as it is read (`_read_columns`). NotCovered where a byte is not GB18030."""
    import polars as pl

    try:
        for index in sorted(set(range(cells.width - 1)) - set(bound)):  # `row` is the last column
            gb18030_carried.restored(cells[f"c{index}"].unique())
        restored = [gb18030_carried.restored(cells[f"c{c.index}"]) for c in columns
                    if c.field.kind in RESTORED_KINDS]
    except UnicodeDecodeError:
        raise _refuse("a file the reference reader refuses", "参考读取器拒绝的文件") from None
    return cells.with_columns(restored).select(*(f"c{i}" for i in bound), pl.col("row"))


def _utf8_start(raw: bytes) -> bool:
    """Whether the file's first bytes could begin UTF-8 text (a GB18030 export fails at its first character)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(raw[:UTF8_PROBE])
    except UnicodeDecodeError:
        return False
    return True


def _lines(data: bytes) -> pl.Series:
    """The lines of UTF-8 text, as polars splits them (at LF, less a CR before it; "" for a blank line).

    A line holding a CR anywhere else, or a control character, is never read as a data row (`_rows`);
    `\\x01`, the separator polars is given here so that a line is one field, must not occur at all."""
    import polars as pl

    if b"\x01" in data or data.endswith(b"\r"):
        raise _refuse("control characters", "控制字符")
    return pl.read_csv(data, has_header=False, separator="\x01", quote_char=None, infer_schema=False,
                       new_columns=["line"])["line"].fill_null("")


def _header(path: str, head: list[str], fields: Sequence[Field]) -> tuple[Table, list[str], list[Column]]:
    """The reference's reading of the rows down to the header (its own read_table on the first lines), the
    header's cells and the bound columns. NotCovered where the reference would read the header otherwise."""
    text = "\n".join(head) + "\n"
    try:
        with sources.holding({path: text.encode("utf-8")}):
            table = read_table(path, fields, key="agent")
    except DataError:
        raise _refuse("a header the reference reader refuses", "参考读取器拒绝的表头") from None
    line = head[table.header_row - 1]
    header = next(csv.reader([line]))
    if "\t" in line or not header or not header[-1].strip():
        raise _refuse("a header read by tabs or with empty cells at its end", "以制表符分隔或末尾有空单元格的表头")
    owner = {header_key(text): f for f in fields for text in (f.name, *f.aliases)}
    columns = []
    for index, cell in enumerate(header):
        f = owner.get(header_key(cell))
        if f is not None:
            columns.append(bind(f, index, cell))
    if {c.field.name: c.header for c in columns} != dict(table.columns):
        raise _refuse("a header read otherwise", "表头读法不同")
    return table, header, columns


@dataclass(frozen=True, slots=True)
class _Rows:
    rows: pl.DataFrame  # `row` and `data` (a data row, neither blank nor a summary), one per line after the header
    notes: tuple[str, ...]  # the summary rows skipped, as the reference notes them
    span: tuple[int, int]  # where the data rows lie among `rows`: the first one's index, and up to the last, how many
    strict: bool = False  # every data row holds a strict form in each column `_rows` was asked of


def _strict_candidates(columns: Sequence[Column], sample: list[str]) -> dict[int, str]:
    """The number columns (by index) whose cells in the first data lines are all of their strict form (`_form`),
    each with its form as a field of a line; `_rows` then asks every line at once whether they all are, in
    the one expression that tells the data rows, instead of each cell being asked in its column."""
    found = {c.index: _STRICT_FIELDS[c.field.kind] for c in columns
             if c.index > 0 and c.field.kind in _STRICT_FIELDS and not c.field.placeholders}
    forms = {index: re.compile(form) for index, (_, form) in found.items()}
    for cells in csv.reader(sample):
        for index, form in list(forms.items()):
            if index >= len(cells) or not form.fullmatch(cells[index]):
                del forms[index]
    return {index: f'(?:{plain}|"(?:{form})")' for index, (plain, form) in found.items() if index in forms}


def _rows(lines: pl.Series, first: int, width: int, carried: bool = False, strict: Mapping[int, str] | None = None
          ) -> _Rows:
    """Which lines after the header are data rows; the summary rows (合计) skipped where the reference
    skips them (before every data row, or after), NotCovered where it refuses them (between).

    A line of exactly the header's width of plain fields, without a control character or a CR, whose
    first cell starts as a data row's does (engine.data.ingest.DATA_LEAD), or is led by a CJK ideograph
    and is no summary label (see _CJK_CELL), is a data row (regular expressions, one pass); every other
    line (a blank or summary row, a first cell of another form) is split by Python's csv module and judged
    by the reference's own is_blank and summary_label, and must be a plain line too.

    Lines `carried` (a GB18030 file undecoded) are told by the first expression as their text would be (it
    asks for an ASCII lead, and of every other character only that it is no comma, quote or control); the
    other lines are restored to their text first.

    `strict`: number columns (by index) and their strict forms as fields (`_strict_candidates`). Each line is
    first asked whether it is a data row whose cells there are all of those forms (one expression, which
    implies the first); only the lines that are not are asked the first. `strict` in the result: every data
    row was."""
    import polars as pl

    if width > MAX_COLUMNS:
        raise _refuse("more columns than Excel holds", "列数超过 Excel 上限")
    line = pl.col("line")
    first_field = f'(?:"{_LEAD_QUOTED}[^"{_CONTROL_CLASS}]*"|{_LEAD_PLAIN}[^",{_CONTROL_CLASS}]*)'
    exact = f"^{first_field}(?:,{_SAFE_FIELD}){{{width - 1}}}$"
    if lines.str.len_bytes().max() > MAX_CELL_CHARS:  # so no cell is longer than Excel's cell (cells.py)
        raise _refuse("a line longer than an Excel cell holds", "一行长于 Excel 单元格的上限")
    led_by_cjk = f'^(?:"{_CJK_CELL}"|{_CJK_CELL})(?:,{_SAFE_FIELD}){{{width - 1}}}$'
    forms = [(strict or {}).get(i, _SAFE_FIELD) for i in range(1, width)]
    told = f"^{first_field}{''.join(',' + form for form in forms)}$" if strict else exact
    # By the streaming engine: a morsel of lines on each core (one expression over a Series runs on one).
    rows = lines.to_frame().lazy().with_row_index("row", offset=first).select(
        pl.col("row").cast(pl.Int64), line.str.contains(told).alias("data")).collect(engine="streaming")
    if not rows.select(pl.col("row").diff().drop_nulls().eq(1).all()).item():  # never read out of order
        raise _refuse("lines told out of their order", "行的顺序被打乱")
    told_strict = rows["data"].clone() if strict else None
    if told_strict is not None and not told_strict.all():  # the other lines (a 合计 row, a blank…) asked the first
        other = ~told_strict
        rows = rows.with_columns(told_strict.clone().scatter(other.arg_true(), lines.filter(other).str.contains(exact))
                                 .alias("data"))
    if not rows["data"].all():  # the lines led otherwise (only these) asked whether a CJK ideograph leads them
        rest = lines.filter(~rows["data"])
        if carried:
            try:
                rest = gb18030_carried.restored(rest)
            except UnicodeDecodeError:
                raise _refuse("a file the reference reader refuses", "参考读取器拒绝的文件") from None
            lines = lines.clone().scatter((~rows["data"]).arg_true(), rest)
        cjk = rest.str.contains(led_by_cjk) & ~rest.str.contains(_CJK_LABEL)
        rows = rows.with_columns(rows["data"].scatter((~rows["data"]).arg_true(), cjk))
    odd = rows.filter(~pl.col("data"))
    if odd.height > DISTINCT:
        raise _refuse("many rows not shaped like a data row", "大量行的形状不像数据行")
    summaries, data = {}, []
    for number in odd["row"]:
        text = lines[number - first]
        if not _PLAIN_LINE.fullmatch(text) or _UNSAFE.search(text):
            raise _refuse("a line that is not plain CSV", "不是简单 CSV 的行")
        cells = next(csv.reader([text])) if text else []
        if len(cells) > MAX_COLUMNS:
            raise _refuse("more columns than Excel holds", "列数超过 Excel 上限")
        if not cells or cells[0][:1] not in DATA_LEAD:
            if is_blank(cells):
                continue
            label = summary_label(cells)
            if label is not None:
                summaries[number] = label
                continue
        if len(cells) != width:
            raise _refuse("a row of another width than the header", "列数与表头不同的行")
        data.append(number)
    if data:
        rows = rows.select("row", (pl.col("data") | pl.col("row").is_in(data)).alias("data"))
    kept = pl.col("row").filter("data")
    low, high = rows.select(kept.min().alias("low"), kept.max().alias("high")).row(0)
    if low is not None and any(low < number < high for number in summaries):
        raise _refuse("a summary row between data rows", "数据行之间的汇总行")
    ordered = sorted(summaries.items(), key=lambda item: (low is None or item[0] > low, item[0]))
    span = (0, 0) if low is None else (low - first, high - low + 1)
    every = told_strict is not None and not (rows["data"] & ~told_strict).any()
    return _Rows(rows, tuple(f"row {n}: summary row {label!r} skipped" for n, label in ordered), span, every)


# -- the columns ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    """How one column is read: its cells (`c<index>` of the file's cells), which of them are of a strict
    form (`s<index>`, None for a kind without one), and, for numbers, what a bare `1` reads as."""

    column: Column
    cells: str
    strict: str | None
    cent: bool = False
    factor: int = 1


def _read_columns(columns: Sequence[Column], cells: pl.DataFrame, carried: bool = False,
                  strict: frozenset[int] = frozenset()) -> tuple[pl.DataFrame, dict[str, int], frozenset[str]]:
    """Every bound column's values, in three passes over the cells, each one polars query over every column
    (run side by side): which cells are of a strict form and what the others' distinct texts are; then
    those texts read by the reference's own cell reader, in Python, once each; then the values.
    `carried`: the cells of a GB18030 file undecoded but for ids and texts (`_restored_cells`); each
    distinct text is restored before it is read, and stays the key its cells are found by. `strict`: the
    columns (by index) every cell of which `_rows` told is of its strict form. Also which
    number columns are even: each value's places those of its column's scale, as the reference's Decimal
    has them (350.00 beside 12.50, not 350 beside 12.50; the columns hold the values, not their places)."""
    import polars as pl

    plans = [_Plan(c, f"c{c.index}", None if _form(c, pl.col("")) is None else f"s{c.index}") for c in columns]
    masked = cells.with_columns(pl.col(p.cells).fill_null("") for p in plans).with_columns(
        (pl.lit(True) if p.column.index in strict else _form(p.column, pl.col(p.cells))).alias(p.strict)
        for p in plans if p.strict is not None)
    numeric = [i for i, p in enumerate(plans) if p.strict is not None and p.column.field.kind in NUMERIC_KINDS]
    found = masked.select(*(_rest(p).alias(f"t{i}") for i, p in enumerate(plans)),
                          *(e.alias(f"{w}{i}") for i in numeric for w, e in zip("pqrs", _own_places(plans[i]),
                                                                                 strict=True)),
                          *(_signed(plans[i]).any().alias(f"m{i}") for i in numeric))
    exprs, numerals, checks, scales, even = [], [], [], {}, set()
    for i, p in enumerate(plans):
        texts = found[f"t{i}"][0].to_list()
        if len(texts) > DISTINCT:
            raise _refuse(f"too many distinct texts in {p.column.label}", f"{p.column.label} 中不同的文本过多")
        read, carry = [], carried and p.column.field.kind not in RESTORED_KINDS
        for raw in texts:
            try:
                read.append(p.column.read(_restored_text(raw) if carry else raw, AS_STORED))
            except CellError:
                raise _refuse(f"a cell of {p.column.label} the reference reader refuses",
                              f"{p.column.label} 中有参考读取器拒绝的单元格") from None
        if p.column.field.kind in NUMERIC_KINDS:
            own = fewest = None
            if i in numeric and (found[f"p{i}"][0] is not None or found[f"q{i}"][0] is not None):
                cent, factor = _factor(p.column)  # some cells of a strict form: what a bare `1` reads as
                p = replace(p, cent=cent, factor=factor)
                plain, percent, least, least_percent = (found[f"{w}{i}"][0] for w in "pqrs")
                own = max(-1 if plain is None else plain + (2 if cent else 0), -1 if percent is None else percent + 2)
                fewest = min(own if least is None else least + (2 if cent else 0),
                             own if least_percent is None else least_percent + 2)
            scale, values, numeral, more = _number_values(p, texts, read, own)
            scales[p.column.field.name] = scale
            if (fewest in (None, scale) and all(v is None or (v.as_tuple().exponent == -scale
                                                            and not (v.is_zero() and v.is_signed())) for v in read)
                    and not (i in numeric and found[f"m{i}"][0] and _negative_zero(masked, plans[i]))):
                even.add(p.column.field.name)
            exprs += values
            numerals += [] if numeral is None else [numeral]
            checks += more
        else:
            exprs += _text_values(p, texts, read)
    if numerals:
        masked = masked.with_columns(numerals)
    if checks:
        failed = masked.select(checks).row(0, named=True)
        for what, hit in failed.items():
            if hit:
                en, zh = what.split("|")
                raise _refuse(en, zh)
    return masked.select(pl.col("row"), *exprs), scales, frozenset(even)


def _form(column: Column, s: pl.Expr) -> pl.Expr | None:
    """Whether a cell is of a form read as a column (its value is the reference's by construction); None
    for a kind that has no such form (months, dates, choices: few texts, each read by the reference)."""
    kind = column.field.kind
    if kind in ("id", "text"):
        form = s.str.contains(_ID if kind == "id" else _TEXT) & ~s.is_in(_NO_VALUE_CASES)
    elif kind in ("money", "number"):
        form = s.str.contains(_AMOUNT)
    elif kind == "ratio":
        form = s.str.contains(_RATIO)
    elif kind == "duration":
        form = s.str.contains(_UNSIGNED)
    elif kind == "count":
        form = s.str.contains(_WHOLE)
    else:
        return None
    declared = [text.strip().lower() for text in column.field.placeholders]
    if declared:  # a declared placeholder wins over its reading as a number
        form = form & ~s.str.to_lowercase().is_in(declared)
    return form


def _signed(p: _Plan) -> pl.Expr:
    """The strict numerals written with a `-`."""
    import polars as pl

    return pl.col(p.strict) & pl.col(p.cells).str.starts_with("-")


def _negative_zero(cells: pl.DataFrame, p: _Plan) -> bool:
    """Whether a strict numeral of the column is a zero written with a `-` (`-0.00`): the reference's Decimal
    keeps that sign, which a whole number cannot. Asked only of a column with a `-` at all."""
    import polars as pl

    digits = pl.col(p.cells).str.replace_all(r"[-.,%]", "")
    return bool(cells.select((_signed(p) & (digits.str.strip_chars("0") == "")).any()).item())


def _rest(p: _Plan) -> pl.Expr:
    """The distinct texts of the cells not of a strict form, as one list."""
    import polars as pl

    cells = pl.col(p.cells)
    rest = cells if p.strict is None else cells.filter(~pl.col(p.strict))
    return rest.unique().implode()


def _hundredth(p: _Plan) -> pl.Expr:
    """Whether a strict numeral reads two places further: a ratio's `%`, or any bare number of a percent column."""
    import polars as pl

    if p.column.field.kind == "ratio":
        return pl.col(p.cells).str.ends_with("%") | pl.lit(p.cent)
    return pl.lit(p.cent)


def _own_places(p: _Plan) -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """The most places a strict numeral of the column has after its point, of those without a `%` sign and
    of those with one (a ratio's `97.50%`: 2, which the `%` makes 4); then the fewest, of each."""
    import polars as pl

    c, strict = pl.col(p.cells), pl.col(p.strict)
    none = pl.lit(None, pl.Int64)
    if p.column.field.kind == "count":  # a whole number by its form (null: no cell of it)
        whole = pl.when(strict.any()).then(pl.lit(0, pl.Int64))
        return whole, none, whole, none
    percent = c.str.ends_with("%")
    own = (c.str.len_bytes().cast(pl.Int64) - c.str.find(".", literal=True) - 1 - percent.cast(pl.Int64)).fill_null(0)
    if p.column.field.kind != "ratio":  # a `%` is no strict form of it
        return own.filter(strict).max(), none, own.filter(strict).min(), none
    plain, percent_places = own.filter(strict & ~percent), own.filter(strict & percent)
    return plain.max(), percent_places.max(), plain.min(), percent_places.min()


def _text_values(p: _Plan, texts: list[str], read: list[object]) -> list[pl.Expr]:
    import polars as pl

    f, cells = p.column.field, pl.col(p.cells)
    values = (cells.replace_strict(texts, [None if v is None else str(v) for v in read], default=None,
                                   return_dtype=pl.String) if texts else cells)
    if p.strict is not None and texts:
        values = pl.when(p.strict).then(cells).otherwise(values)
    found = [values.alias(f.name)]
    if f.kind == "choice":
        how = [getattr(v, "how", None) for v in read]
        found.append(cells.replace_strict(texts, how, default=None, return_dtype=pl.String).alias(
            frames.supplied(f.name)))
    return found


def _number_values(p: _Plan, texts: list[str], read: list[object], own: int | None
                   ) -> tuple[int, list[pl.Expr], pl.Expr | None, list[pl.Expr]]:
    """A number column as whole numbers at one scale: the most places of any value, bounded to fit 64 bits.
    Gives the scale, the value and how a fallback supplied it, the strict numerals as whole numbers (a
    column `_n<index>` the values read), and the checks those must pass.

    A strict numeral (`-1,234.50`, `97.50%`) is cast by polars to a decimal at exactly that scale (never
    fewer places than it has, so nothing is rounded); a `%` sign, or a percent column's bare number, reads
    it two places further; a header unit such as 分 multiplies it by its whole factor (`_factor`)."""
    import polars as pl

    f, cells = p.column.field, pl.col(p.cells)
    places = [max(0, -int(v.as_tuple().exponent)) for v in read if v is not None]
    if own is not None:
        places.append(own)
    scale = max(places, default=0)
    if scale > DIGITS:
        raise _refuse(f"{f.name} with more than {DIGITS} places", f"{f.name} 的小数位超过 {DIGITS} 位")
    whole = [None if v is None else _whole(v, scale) for v in read]
    values = (cells.replace_strict(texts, whole, default=None, return_dtype=pl.Int64) if texts
              else pl.lit(None, pl.Int64))
    hows = [getattr(v, "how", None) for v in read]
    how = (cells.replace_strict(texts, hows, default=None, return_dtype=pl.String) if any(hows)
           else pl.lit(None, pl.String))
    numeral, checks = None, []
    if own is not None:  # some cells of a strict form
        numeral, value, checks = _scaled(p, scale)
        values = pl.when(p.strict).then(value).otherwise(values) if texts else value
    return scale, [values.alias(f.name), how.alias(frames.supplied(f.name))], numeral, checks


def _scaled(p: _Plan, scale: int) -> tuple[pl.Expr, pl.Expr, list[pl.Expr]]:
    """The strict numerals as whole numbers at `scale`: the numeral as polars' decimal reads it (`_n<index>`,
    null for the other cells), the value it gives, and the checks it must pass as the reference checks
    them, each true where one fails (named `en|zh`): the numeral and the value below 10**15
    (engine.data.cells.MAX_MAGNITUDE), the value within the metric's range; and here within 64 bits."""
    import polars as pl

    f, c, strict, factor = p.column.field, pl.col(p.cells), pl.col(p.strict), p.factor
    body = (c.str.replace_all(",", "", literal=True) if f.kind in ("money", "number", "count")
            else c.str.strip_suffix("%") if f.kind == "ratio" else c)
    # Held as 64-bit whole numbers: a numeral beyond them is null, which the first check refuses.
    further = body.cast(pl.Decimal(38, max(scale - 2, 0)), strict=False).to_physical().cast(pl.Int64, strict=False)
    if f.kind == "count" and scale == 0:  # digits only: read as a whole number straight (a quarter of the time)
        plain = body.cast(pl.Int64, strict=False)
    else:
        plain = body.cast(pl.Decimal(38, scale), strict=False).to_physical().cast(pl.Int64, strict=False)
    h = _hundredth(p)
    unscaled = pl.when(h).then(further).otherwise(plain) if f.kind == "ratio" else further if p.cent else plain
    name = f"_n{p.column.index}"
    n = pl.col(name)
    checks = [(strict & (n.is_null() | _beyond(n, 10**DIGITS // factor))).any().alias(
        f"{f.name} beyond 64-bit whole numbers|{f.name} 超出64位整数")]
    # The numeral and the value below 10**15: the numeral at `scale - 2` places when read two places further.
    bounds = [(h, 10**(MAGNITUDE_DIGITS + scale - 2)), (~h, 10**(MAGNITUDE_DIGITS + scale) // factor)]
    big = [(strict & which & _beyond(n, bound)) for which, bound in bounds if bound <= INT_MAX]
    if big:
        checks.append(pl.any_horizontal(big).any().alias(f"{f.name} of 15 digits or more|{f.name} 达到15位或以上"))
    value = n * factor if factor != 1 else n
    low, high = f.range
    if low is not None:
        checks.append((value < _ceiling(low, scale)).any().alias(f"{f.name} below its range|{f.name} 低于取值范围"))
    if high is not None:
        checks.append((value > _floor(high, scale)).any().alias(f"{f.name} above its range|{f.name} 高于取值范围"))
    return pl.when(strict).then(unscaled).alias(name), value, checks
def _beyond(n: pl.Expr, bound: int) -> pl.Expr:
    """|n| ≥ bound, for 64-bit whole numbers (-2**63 has no absolute value in 64 bits: `abs` would wrap)."""
    return (n >= bound) | (n <= -bound)


def _factor(column: Column) -> tuple[bool, int]:
    """What a bare `1` in this column reads as, asked of the reference's own reader without the metric's
    range and placeholders: (True, 1) for a percent column (0.01), else (False, its header's whole unit:
    1, 60 for 分, 10000 for 万元)."""
    try:
        one = bind(replace(column.field, range=(None, None), placeholders={}), column.index,
                   column.header).read("1", AS_STORED)
    except CellError:
        raise _refuse(f"a unit of {column.label}", f"{column.label} 的单位") from None
    if one == Decimal("0.01"):
        return True, 1
    if one != one.to_integral_value() or one < 1:
        raise _refuse(f"a unit of {column.label}", f"{column.label} 的单位")
    return False, int(one)


def _ceiling(bound: Decimal, scale: int) -> int:
    """The least whole number n with n ≥ bound × 10**scale (so n < it exactly when n ÷ 10**scale < bound),
    held within 64 bits (no value of the column lies beyond)."""
    return max(min(math.ceil(Fraction(bound) * 10**scale), INT_MAX), -INT_MAX)


def _floor(bound: Decimal, scale: int) -> int:
    """The greatest whole number n with n ≤ bound × 10**scale, held within 64 bits."""
    return max(min(math.floor(Fraction(bound) * 10**scale), INT_MAX), -INT_MAX)
