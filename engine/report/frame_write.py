"""Results held as columns (engine.model.frames) written as CSV and JSON, byte for byte what
engine.report.tables writes for the same results as `AgentResult`s, at columnar speed (issue 19).

The reference writer formats a million results one cell at a time in Python; here each column is
formatted once, as a polars expression, and polars' CSV writer joins each row's fields into its line
(quoting nothing: a field is already the text the line needs) and prints the numbers itself, as exact
fixed-point Decimals; a JSON line's fields are joined by `"`, so its number values need no text of
their own either (`_json_fields`). polars' streaming engine formats a morsel of rows at a time, on every
core: memory is about the output's size. Text that every line ends with (the CSV's policy columns, a JSON
line's closing braces) is written as the line's terminator. What is
the same as in the reference is taken from it, never copied: the layout (which columns, their order
and headings) from `result_columns`, the head of the JSON from `tables`, and every label (role,
grade, rating, choice, flags) from the function the reference calls, once per distinct value rather
than once per row. What is written here is only the per-row text the reference builds from an
agent's own values:
- numbers: a scaled whole number as plain decimal text, sign, whole part, `.` and the zero-padded
  places (never through float; `-0` never printed), as `number_text.number` prints the Decimal;
- CSV text cells: `safe_text.for_csv`'s formula guard, then the quoting of Python's csv writer (the
  excel dialect quotes a cell holding `,`, `"`, CR or LF and doubles its quotes);
- JSON strings: `json.JSONEncoder(ensure_ascii=False)`'s escapes, then `safe_text.json_safe`'s.

Anything this writer cannot render identically raises `NotCovered` (the caller then converts with
`to_results` and writes through `tables`), never a different text.

A number column whose Decimals do not all have the same exponent (a KPI's points from an exact
division: 30 beside 25.5, as the template policy gives) is held at the largest number of places,
with a companion Int32 column `<column>.places` giving each row's own places (`engine.model.frames.places`): the
value stays comparable and summable at one scale, and the text has each row's own digits.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import repeat
from typing import TYPE_CHECKING, BinaryIO

from engine.model import frames as f
from engine.model.frames import ColumnarResults, NotCovered
from engine.model.plan import Plan
from engine.model.results import AgentResult
from engine.report.headings import choice_metrics, choice_text, rating_text, scored
from engine.report.messages import heading
from engine.report.result_columns import CellKind, Column, flags_text, result_columns
from engine.report.safe_text import FORMULA_STARTS, for_csv, json_safe
from engine.report.tables import CSV_BOM, policy_in_force, policy_ref, rule_ids

if TYPE_CHECKING:  # polars is imported only where the columnar path runs
    import polars as pl

__all__ = ["filled", "frame_writer", "from_results", "render_frame", "to_csv", "to_json", "to_results"]

INT64_MAX = 2**63 - 1  # -2**63 is left out too: its absolute value is not an Int64
DECIMAL_DIGITS = 38  # polars' Decimal: 38 digits hold any Int64 at up to 38 places
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
# Writes a report, made and checked already, at the end of a binary stream.
Writer = Callable[[BinaryIO], None]


def _named(frame: pl.DataFrame, prefix: str, wanted: Sequence[str] | None) -> list[str]:
    """The names of the frame's `prefix` columns (kpi:, pay:, penalty:, choice:, flag:) in the order the
    results list them: the plan's (`wanted`) when the frame has those, else the frame's own order for a
    field the plan does not order (penalties); NotCovered when the frame's kpis, pay, choices or flags are
    not the plan's, which the reports index by position."""
    found = [c[len(prefix):] for c in frame.columns if c.startswith(prefix) and not c.endswith(".places")]
    if not found or wanted is None:
        return found
    if set(found) == set(wanted) and len(found) == len(wanted):
        return list(wanted)
    if prefix == f.penalty(""):
        return found
    raise NotCovered(f"the results' {prefix} columns are not the policy's", f"结果的 {prefix} 列与方案不一致")


def _penalty_names(plan: Plan) -> tuple[str, ...]:
    return tuple(name for name, _ in plan.outputs.penalties) if plan.outputs is not None else ()


# -- from AgentResults and back ----------------------------------------------------------------------


def _names(results: Sequence[AgentResult], field: str, expected: tuple[str, ...] | None) -> tuple[str, ...]:
    """The names of a result field's pairs (kpis, pay, choices, penalties, flags): the same in every
    result, unique, and `expected` (the plan's) where the reports index them by position."""
    found = tuple(pair[0] for pair in getattr(results[0], field)) if results else (expected or ())
    for r in results:
        if tuple(pair[0] for pair in getattr(r, field)) != found:
            raise NotCovered(f"results differ in the names of their {field}",
                             f"各条结果的 {field} 名称不一致")
    if len(set(found)) != len(found):
        raise NotCovered(f"a name repeats in the results' {field}", f"结果的 {field} 中有重复的名称")
    if expected is not None and found and found != expected:
        raise NotCovered(f"the results' {field} are not the policy's", f"结果的 {field} 与方案不一致")
    return found


_PLAIN = r"^-?[0-9]+(\.[0-9]+)?$"


def _whole(values: Sequence[Decimal | None], column: str) -> tuple[pl.Series, int, pl.Series | None]:
    """Decimals as whole numbers at one scale (the most places any has), with each row's places when they
    differ; NotCovered for a value that is not finite or not a 64-bit whole number at that scale.

    Each Decimal's plain text (`format(v, "f")`: exact, whatever its size) is read by polars: its places
    are the digits after the point, and its digits with zeros to the column's scale are the whole number.
    A positive exponent (1E+3) is held as the whole number it prints as (1000): equal, and printed alike."""
    import polars as pl

    text = pl.Series(column, [None if v is None else format(v, "f") for v in values], dtype=pl.String)
    if not text.str.contains(_PLAIN).fill_null(True).all():
        bad = text.filter(~text.str.contains(_PLAIN))[0]
        raise NotCovered(f"{column}: {bad} is not a finite number", f"{column}：{bad} 不是有限数")
    places = text.str.extract(r"\.([0-9]+)$", 1).str.len_chars().fill_null(0).cast(pl.Int32)
    scale = int(places.max() or 0)
    frame = pl.DataFrame({"text": text, "places": places})
    padded = pl.concat_str([pl.col("text").str.replace(".", "", literal=True),
                            pl.lit("0" * scale).str.head(scale - pl.col("places"))])
    whole = frame.select(padded.cast(pl.Int64, strict=False).alias(column)).to_series()
    wrong = (whole.is_null() & text.is_not_null()) | (whole == -(2**63))
    if wrong.any():
        bad = text.filter(wrong)[0]
        raise NotCovered(f"{column}: {bad} is too large for 64-bit whole numbers",
                         f"{column}：{bad} 超出 64 位整数的范围")
    if places.filter(text.is_not_null()).n_unique() <= 1:
        return whole, scale, None
    return whole, scale, places.alias(f.places(column))


def from_results(plan: Plan, results: Sequence[AgentResult]) -> ColumnarResults:
    """Results as columns (engine.model.frames), in their order: each number column at the scale of its
    Decimals' places (with `<column>.places` where they differ); NotCovered where columns cannot hold
    them exactly (a value not finite or beyond 64 bits, text that is not Unicode, results whose names differ)."""
    import polars as pl

    carry = len(plan.roster.carry)
    if any(len(r.columns) > carry for r in results):
        raise NotCovered("a result carries more roster columns than the policy names",
                         "结果携带的花名册列多于方案所列")
    data: dict[str, list] = {name: [getattr(r, name) for r in results]
                             for name in ("agent", "period", "team", "name", "role", "grade")}
    schema: dict[str, object] = {name: pl.String for name in data}
    for i in range(carry):  # null where the result has fewer columns (an agent the roster does not list)
        data[f.carry(i)] = [r.columns[i] if i < len(r.columns) else None for r in results]
        schema[f.carry(i)] = pl.String
    scales: dict[str, int] = {}

    def numbers(column: str, values: list) -> None:
        whole, scale, places = _whole(values, column)
        data[column], schema[column], scales[column] = whole, pl.Int64, scale  # type: ignore[assignment]
        if places is not None:
            data[f.places(column)], schema[f.places(column)] = places, pl.Int32  # type: ignore[assignment]

    numbers("score", [r.score for r in results])
    data["rating"], schema["rating"] = [r.rating for r in results], pl.String
    choices = _names(results, "choices", tuple(m.name for m in choice_metrics(plan)))
    for i, name in enumerate(choices):
        data[f.choice(name)], schema[f.choice(name)] = [r.choices[i][1] for r in results], pl.String
    for field, naming, expected in (("kpis", f.kpi, plan.kpis), ("pay", f.pay, plan.pay),
                                    ("penalties", f.penalty, None)):
        for i, name in enumerate(_names(results, field, expected)):
            numbers(naming(name), [getattr(r, field)[i][1] for r in results])
    numbers("total", [r.total for r in results])
    for i, name in enumerate(_names(results, "flags", tuple(flag.name for flag in plan.flags))):
        data[f.held(name)], schema[f.held(name)] = [bool(r.flags[i][1]) for r in results], pl.Boolean
        data[f.raised(name)], schema[f.raised(name)] = [bool(r.flags[i][2]) for r in results], pl.Boolean
    try:
        frame = pl.DataFrame(data, schema=schema)  # type: ignore[arg-type]
    except Exception as exc:  # text that is not Unicode (a lone surrogate), a value of the wrong type
        raise NotCovered(f"results that columns cannot hold: {exc}", f"列无法容纳的结果：{exc}") from None
    return ColumnarResults(frame, scales)


def _decimals(frame: pl.DataFrame, scales: Mapping[str, int], columns: Sequence[str]) -> dict[str, list]:
    """Each number column's Decimals, read from the text the writers print (exact, with each row's places)."""
    _check_numbers(frame, scales, columns, set(columns))
    texts = frame.select([_column_number(frame, scales, c).alias(c) for c in columns])
    return {c: list(map(Decimal, texts[c].to_list())) if not texts[c].null_count()
            else [None if t is None else Decimal(t) for t in texts[c].to_list()] for c in columns}


def to_results(plan: Plan, results: ColumnarResults) -> list[AgentResult]:
    """The `AgentResult`s the columns stand for (for the Decimal writers and for explain), in row order."""
    frame, scales = results.frame, results.scales
    n = frame.height
    names = frame.columns

    def texts(column: str) -> list:
        return frame[column].to_list() if column in names else [None] * n

    def pairs(prefix: str, wanted: Sequence[str] | None, convert: Callable[[str], list]) -> tuple[list, list]:
        found = _named(frame, prefix, wanted)
        return found, [convert(prefix + name) for name in found]

    carry = [texts(f.carry(i)) for i in range(len(plan.roster.carry))]
    ordered = {field: _named(frame, prefix, wanted) for field, prefix, wanted in (
        ("kpis", "kpi:", plan.kpis), ("pay", "pay:", plan.pay), ("penalties", "penalty:", _penalty_names(plan)))}
    prefixes = {"kpis": f.kpi, "pay": f.pay, "penalties": f.penalty}
    columns_of = {field: [prefixes[field](name) for name in found] for field, found in ordered.items()}
    decimals = _decimals(frame, scales, ["total", *(["score"] if "score" in names else []),
                                         *(c for found in columns_of.values() for c in found)])
    score, total = decimals.get("score", [None] * n), decimals["total"]
    number_fields = {field: (ordered[field], [decimals[c] for c in columns_of[field]]) for field in ordered}
    choice_names, choice_values = pairs("choice:", [m.name for m in choice_metrics(plan)], texts)
    flag_names = _named(frame, "flag:", [flag.name for flag in plan.flags])
    held = [texts(f.held(name)) for name in flag_names]
    raised = [texts(f.raised(name)) for name in flag_names]
    agent, period, team, name, role, grade, rating = (texts(c) for c in ("agent", "period", "team", "name", "role",
                                                                           "grade", "rating"))
    def rows(columns: Sequence[list]) -> Iterable[tuple]:
        return zip(*columns, strict=True) if columns else repeat((), n)

    kpi_names, pay_names, penalty_names = (number_fields[k][0] for k in ("kpis", "pay", "penalties"))
    found = []
    for a, p, t, nm, ro, gr, sc, ra, tot, kr, pr, pe, ch, he, up, cr in zip(
            agent, period, team, name, role, grade, score, rating, total,
            *(rows(number_fields[k][1]) for k in ("kpis", "pay", "penalties")),
            rows(choice_values), rows(held), rows(raised), rows(carry), strict=True):
        found.append(AgentResult(
            a, p, t or "", nm or "", ro, gr, sc, ra, tuple(zip(kpi_names, kr, strict=True)),
            tuple(zip(pay_names, pr, strict=True)), tot, tuple(zip(choice_names, ch, strict=True)),
            tuple(zip(penalty_names, pe, strict=True)),
            tuple(zip(flag_names, map(bool, he), map(bool, up), strict=True)), None,
            cr if None not in cr else cr[:cr.index(None)]))  # a carried column's null: the roster had fewer
    return found


# -- cell text ---------------------------------------------------------------------------------------


def _number(value: pl.Expr, scale: int, places: pl.Expr | None = None, *, native: bool = False) -> pl.Expr:
    """A scaled whole number as `number_text.number` prints its Decimal: plain digits, `-` only when not
    zero, exactly `scale` places (or each row's `places`, at most `scale`); null stays null.

    At 0 to 38 places the whole number is, or becomes, polars' own fixed point Decimal (a 128-bit whole
    number and a scale, exact: multiplied by 10**-scale, never through float), whose text is exactly that;
    `native`: left so for polars' writer to print (no string column is made), else cast to text."""
    import polars as pl

    if places is None and 0 <= scale <= DECIMAL_DIGITS:
        exact = value if scale == 0 else value.cast(pl.Decimal(DECIMAL_DIGITS, 0)) * pl.lit(Decimal(1).scaleb(-scale))
        return exact if native else exact.cast(pl.String)
    if scale <= 0:  # a negative scale (1E+3) is written with its zeros, 0 as 0
        text = value.cast(pl.String)
        return pl.when(value == 0).then(pl.lit("0")).otherwise(text + "0" * -scale)
    digits = value.abs().cast(pl.String).str.zfill(scale + 1)
    whole, fraction = digits.str.head(-scale), digits.str.tail(scale)
    sign = pl.when(value < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    if places is None:
        return pl.concat_str([sign, whole, pl.lit("."), fraction])
    kept = places.clip(0, scale)
    shown = pl.when(kept > 0).then(pl.lit(".") + fraction.str.head(kept)).otherwise(pl.lit(""))
    return pl.concat_str([sign, whole, shown])


def _column_number(frame: pl.DataFrame, scales: Mapping[str, int], column: str, *, native: bool = False) -> pl.Expr:
    import polars as pl

    places = pl.col(f.places(column)) if f.places(column) in frame.columns else None
    return _number(pl.col(column), scales[column], places, native=native)


def _check_numbers(frame: pl.DataFrame, scales: Mapping[str, int], columns: Iterable[str], nullable: set[str]) -> None:
    """NotCovered for what `_number` cannot print as the reference does: a missing scale, a null where the
    reference has a Decimal, a column that is missing or not whole numbers, -2**63 (no absolute value),
    places beyond the scale or cutting digits."""
    import polars as pl

    checks = []
    for column in columns:
        if column not in scales or column not in frame.columns:
            raise NotCovered(f"{column} is missing or has no scale", f"{column} 缺失或没有小数位数")
        if not frame.schema[column].is_integer():  # a float here would print a number never computed
            raise NotCovered(f"{column} is {frame.schema[column]}, not whole numbers",
                             f"{column} 的类型为 {frame.schema[column]}，不是整数")
        value = pl.col(column)
        checks.append((value == -(2**63)).any().alias(f"{column} min"))
        if column not in nullable:
            checks.append(value.is_null().any().alias(f"{column} null"))
        if f.places(column) in frame.columns:
            places, scale = pl.col(f.places(column)), scales[column]
            if scale <= 0:  # no places to cut: a whole number is written whole
                checks.append((places > scale).any().alias(f"{column} places"))
                continue
            over = places > scale
            cut = (scale - places.clip(0, scale)).cast(pl.Int64)
            digits = value.abs().cast(pl.String).str.zfill(scale + 1)
            dropped = digits.str.tail(cut).str.strip_chars("0") != ""
            checks.append((over | dropped | places.is_null() & value.is_not_null()).any().alias(f"{column} places"))
    if not checks:
        return
    row = frame.select(checks).row(0, named=True)
    bad = [name for name, hit in row.items() if hit]
    if bad:
        raise NotCovered(f"numbers the columnar writer cannot print exactly: {', '.join(bad)}",
                         f"列式写出无法精确写出的数值：{'、'.join(bad)}")


def _string(frame: pl.DataFrame, column: str) -> pl.Expr:
    """A text column's cells, "" for null (a carried column an agent has none of); NotCovered when missing."""
    import polars as pl

    if column not in frame.columns:
        raise NotCovered(f"the results have no column {column}", f"结果缺少列 {column}")
    return pl.col(column).cast(pl.String).fill_null("")


def _class(chars: Iterable[str]) -> str:
    """A regex character class of exactly `chars` (polars' regex syntax, each as a \\x{...} escape)."""
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in chars) + "]"


_CSV_GUARD = "^" + _class(FORMULA_STARTS)
_CSV_QUOTE = _class(',"\r\n')  # what the excel dialect quotes (QUOTE_MINIMAL, lineterminator \r\n)
_CSV_EITHER = f"{_CSV_GUARD}|{_CSV_QUOTE}"  # a cell needing either: one pass over a column that needs neither


def _needing(frame: pl.DataFrame, columns: Iterable[str], pattern: str) -> dict[str, bool]:
    """Which of the text columns (those the frame has) hold a cell matching `pattern`, all searched in one
    pass (each column on a core of its own)."""
    present = [c for c in dict.fromkeys(columns) if c in frame.columns]
    if not present:
        return {}
    row = frame.select([_string(frame, c).str.contains(pattern).any().alias(c) for c in present]).row(0, named=True)
    return {c: bool(row[c]) for c in present}


def _csv_text(value: pl.Expr, needed: bool) -> pl.Expr:
    """A text cell as the reference writes it: `for_csv`'s leading `'`, then quoted as csv.writer quotes;
    a column none of whose cells needs either (`needed`, from `_needing`) is written as it is."""
    import polars as pl

    if not needed:
        return value
    guarded = pl.when(value.str.contains(_CSV_GUARD)).then(pl.lit("'") + value).otherwise(value)
    quoted = pl.lit('"') + guarded.str.replace_all('"', '""', literal=True) + pl.lit('"')
    return pl.when(guarded.str.contains(_CSV_QUOTE)).then(quoted).otherwise(guarded)


def _csv_cell(text: str) -> str:
    """One cell as Python's csv writer writes it within a row (the reference's own writer)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(["", text])
    return buffer.getvalue()[1:-2]


_JSON_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                 **{chr(c): f"\\u{c:04x}" for c in range(0x20) if chr(c) not in "\b\f\n\r\t"}}
_SAFE_ESCAPES = {c: f"\\u{ord(c):04x}" for c in (*map(chr, range(0x7f, 0xa0)), "\u061c", "\u200e", "\u200f",
                                                  *map(chr, range(0x202a, 0x202f)), *map(chr, range(0x2066, 0x206a)),
                                                  "\u2028", "\u2029")}
_ESCAPES = {**_JSON_ESCAPES, **_SAFE_ESCAPES}
_ESCAPED = _class(_ESCAPES)


def _json_text(value: pl.Expr, needed: bool) -> pl.Expr:
    """A JSON string's content (without its quotes) as `json.JSONEncoder(ensure_ascii=False)` writes it,
    then `json_safe`; a column with nothing to escape (`needed`, from `_needing`) is written as it is."""
    if not needed:
        return value
    return value.str.replace_many(list(_ESCAPES), list(_ESCAPES.values()))


def _mapped(value: pl.Expr, frame: pl.DataFrame, column: str | None, text: Callable[[str | None], str]) -> pl.Expr:
    """`text` of each distinct value of `column` (None when the frame has no such column), put in each row:
    the reference's own label function called once per value, not once per row."""
    import polars as pl

    if column is None or column not in frame.columns:
        return pl.lit(text(None))
    distinct = frame[column].cast(pl.String).unique().to_list()
    known = [v for v in distinct if v is not None]
    shown = value.cast(pl.String).replace_strict(known, [text(v) for v in known], return_dtype=pl.String)
    return shown.fill_null(pl.lit(text(None))) if None in distinct else shown


def _flag_key(frame: pl.DataFrame, names: Sequence[str]) -> tuple[pl.Expr, list[str]]:
    """Which of the flags `names` each row raised, as one key text (`0110`), and the keys present."""
    import polars as pl

    if not names:
        return pl.lit(""), [""]
    key = pl.concat_str([pl.when(pl.col(f.raised(name))).then(pl.lit("1")).otherwise(pl.lit("0"))
                         for name in names])
    return key, frame.select(key.alias("key"))["key"].unique().to_list()


def _by_key(key: pl.Expr, keys: list[str], text: Callable[[str], str]) -> pl.Expr:
    import polars as pl

    if keys == [""]:
        return pl.lit(text(""))
    return key.replace_strict(keys, [text(k) for k in keys], return_dtype=pl.String)


def _raised(names: Sequence[str], key: str) -> tuple[tuple[str, bool, bool], ...]:
    return tuple((name, False, bit == "1") for name, bit in zip(names, key, strict=True))


def _write(frame: pl.DataFrame, fields: Sequence[pl.Expr], separator: str, terminator: str, into: BinaryIO) -> None:
    """Each row's fields, joined by `separator`, as a line through polars' writer (which quotes nothing:
    every field is already the text the line needs, or a number it prints itself). Formatted and written
    by the streaming engine, in the frame's order, a morsel at a time on every core: besides the output
    only the morsels in flight are held."""
    named = [field.alias(f"f{i}") for i, field in enumerate(fields)]
    frame.lazy().select(named).sink_csv(into, include_header=False, quote_style="never", separator=separator,
                                        line_terminator=terminator, maintain_order=True, engine="streaming")


# -- CSV ---------------------------------------------------------------------------------------------


def filled(frame: pl.DataFrame) -> frozenset[str]:
    """Which of name, team, role, grade and rating any result fills: what `result_columns` reads of the
    results (a column nothing fills is left out)."""
    import polars as pl

    fields = ("name", "team", "role", "grade", "rating")
    found = frame.select([(pl.col(c).is_not_null() & (pl.col(c) != "")).any().alias(c)
                          for c in fields if c in frame.columns]).row(0, named=True) if frame.height else {}
    return frozenset(c for c, any_filled in found.items() if any_filled)


def _witness(frame: pl.DataFrame, shown: frozenset[str] = frozenset()) -> list[AgentResult]:
    """One result standing for all of them as `result_columns` reads them (`filled`, and the columns in
    `shown`: a month written in parts shows the whole month's), so the layout is decided in one place."""
    fields = ("name", "team", "role", "grade", "rating")
    found = filled(frame) | shown
    mark = {c: "x" if c in found else None for c in fields}
    return [AgentResult("", "", mark["team"] or "", mark["name"] or "", mark["role"], mark["grade"], None,
                        mark["rating"], (), (), Decimal(0))]


def _csv_cells(plan: Plan, results: ColumnarResults, columns: Sequence[Column], lang: str) -> list[pl.Expr]:
    """Each report column's cells, by its key (text, or a number polars prints); NotCovered for a key unknown here."""
    import polars as pl

    frame, scales = results.frame, results.scales
    carried = {f"carry:{header}": i for i, header in enumerate(plan.roster.carry)}
    choices = {f"choice:{m.name}": m.name for m in choice_metrics(plan)}
    groups = {f"group:{g.name}": g for g in plan.pay_groups}
    flag_names = _named(frame, "flag:", [flag.name for flag in plan.flags])
    numbers = [c.key for c in columns if c.cell is not CellKind.TEXT and not c.key.startswith("group:")]
    _check_numbers(frame, scales, numbers, {"score", "total"})
    needs = _needing(frame, [c.key if c.key in ("agent", "name", "team", "period") else f.carry(carried[c.key])
                             for c in columns if c.key in ("agent", "name", "team", "period") or c.key in carried],
                     _CSV_EITHER)
    cells = []
    for column in columns:
        key = column.key
        if key in ("agent", "name", "team", "period"):
            cells.append(_csv_text(_string(frame, key), needs.get(key, False)))
        elif key in carried:
            name = f.carry(carried[key])
            cells.append(_csv_text(_string(frame, name), needs[name]) if name in frame.columns else pl.lit(""))
        elif key in ("role", "grade"):
            cells.append(_mapped(pl.col(key), frame, key,
                                 lambda v, k=key: _csv_cell(for_csv(choice_text(plan, k, v, lang)))))
        elif key == "rating":
            cells.append(_mapped(pl.col(key), frame, key, lambda v: _csv_cell(for_csv(rating_text(plan, v, lang)))))
        elif key in choices:
            name = f.choice(choices[key])
            if name in frame.columns:
                cells.append(_mapped(pl.col(name), frame, name, lambda v, m=choices[key]: _csv_cell(
                    for_csv(choice_text(plan, m, v, lang)))))
            else:  # the results held no choices: an empty cell, as the reference's `i < len(r.choices)`
                cells.append(pl.lit(""))
        elif key in groups:
            cells.append(_group(frame, scales, groups[key].members))
        elif key == "flags":
            flag_key, keys = _flag_key(frame, flag_names)
            cells.append(_by_key(flag_key, keys, lambda k: _csv_cell(for_csv(flags_text(
                plan, AgentResult("", "", "", "", None, None, None, None, (), (), Decimal(0),
                                  flags=_raised(flag_names, k)), lang)))))
        elif column.cell is not CellKind.TEXT and key in frame.columns:
            cells.append(_column_number(frame, scales, key, native=True))  # a null is written empty, as ""
        else:
            raise NotCovered(f"the report column {key} is not written by the columnar writer",
                             f"列式写出不支持报表列 {key}")
    return cells


def _group(frame: pl.DataFrame, scales: Mapping[str, int], members: Iterable[str]) -> pl.Expr:
    """A pay group's subtotal as the reference sums it, `Decimal(0)` plus each member: its places are the
    most any member has in that row (at least 0), its value their sum; NotCovered where it could overflow."""
    import polars as pl

    present = [f.pay(m) for m in members if f.pay(m) in frame.columns]
    _check_numbers(frame, scales, present, set())
    scale = max([0, *(scales[c] for c in present)])
    if not present:
        return pl.lit("0")
    widest = frame.select([pl.col(c).abs().max().alias(c) for c in present]).row(0)
    if sum((w or 0) * 10 ** (scale - scales[c]) for w, c in zip(widest, present, strict=True)) > INT64_MAX:
        raise NotCovered("a pay group's subtotal could pass 64-bit whole numbers", "工资组小计可能超出 64 位整数")
    total = pl.sum_horizontal([pl.col(c) * 10 ** (scale - scales[c]) for c in present])
    uneven = [c for c in present if f.places(c) in frame.columns]
    places = pl.max_horizontal([pl.lit(0), *(pl.col(f.places(c)) if c in uneven else pl.lit(scales[c])
                                             for c in present)]) if uneven else None
    return _number(total, scale, places, native=True)


def _csv_writer(plan: Plan, results: ColumnarResults, lang: str, shown: frozenset[str]) -> Writer:
    frame = results.frame
    columns = result_columns(plan, _witness(frame, shown), lang)
    cells = _csv_cells(plan, results, columns, lang)
    dated = ("policy_content_sha256",) if plan.policy.dated else ()
    stamp = [for_csv(v) for v in policy_ref(plan).values()] + ([plan.policy.content_sha256] if dated else [])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(
        [for_csv(c.heading) for c in columns] + [heading(k, lang) for k in ("policy_id", "policy_version",
                                                                           "policy_sha256", *dated)])
    head = (CSV_BOM + buffer.getvalue()).encode()
    end = "," + ",".join(_csv_cell(cell) for cell in stamp) + "\r\n"

    def write(out: BinaryIO) -> None:
        out.write(head)
        _write(frame, cells, ",", end, out)

    return write


def to_csv(plan: Plan, results: ColumnarResults, lang: str = "zh") -> str:
    """`tables.to_csv` of the results these columns stand for, byte for byte (NotCovered where it cannot be)."""
    return render_frame(plan, results, "csv", lang).decode()


# -- JSON --------------------------------------------------------------------------------------------


class _Quoted:
    """A JSON string value's content, which the line's fields put between quotes (see `_json_fields`)."""

    __slots__ = ("value",)

    def __init__(self, value: pl.Expr):
        self.value = value


def _json_fields(parts: Sequence[str | pl.Expr | _Quoted]) -> tuple[list[pl.Expr], str | None]:
    """A JSON line as fields that polars' writer joins with `"`: whatever lies between two quoted values
    (keys, punctuation, a value that may be null) is one field, each quoted value's content the next, so
    a number is printed by polars itself and no per-row string is made for it. `parts`: text, text per row
    (a pl.Expr, quotes included), and quoted values, in line order. The line's last field, when it is the
    same text on every line (`}}}`), is given apart: the writer ends each line with it, no column made."""
    import polars as pl

    fields: list[pl.Expr] = []
    between: list[str | pl.Expr] = []
    tail: list[str | None] = [None]

    def close() -> None:
        if all(isinstance(p, str) for p in between):
            tail[0] = "".join(between)  # type: ignore[arg-type]
            fields.append(pl.lit(tail[0]))
        else:
            tail[0] = None
            fields.append(pl.concat_str([pl.lit(p) if isinstance(p, str) else p for p in between]))
        between.clear()

    for part in parts:
        if isinstance(part, _Quoted):
            close()
            fields.append(part.value)
            tail[0] = None
        else:
            between.append(part)
    close()
    if tail[0] is not None and len(fields) > 1:
        return fields[:-1], tail[0]
    return fields, None


def _key(name: str) -> str:
    return json_safe(_ENCODE(name)) + ": "


def _json_parts(plan: Plan, results: ColumnarResults) -> list[str | pl.Expr | _Quoted]:
    """A result's JSON line in order: the keys and punctuation as the encoder writes them, the values per row."""
    import polars as pl

    frame, scales = results.frame, results.scales
    names = frame.columns

    def number(column: str) -> _Quoted | pl.Expr:
        if frame[column].null_count() == 0:
            return _Quoted(_column_number(frame, scales, column, native=True))
        return (pl.lit('"') + _column_number(frame, scales, column) + pl.lit('"')).fill_null(pl.lit("null"))

    needs = _needing(frame, ["agent", "period", *(f.carry(i) for i in range(len(plan.roster.carry)))], _ESCAPED)

    def text(column: str) -> _Quoted:
        return _Quoted(_json_text(_string(frame, column), needs.get(column, False)))

    def ids(column: str) -> pl.Expr:  # few distinct values: the encoder's own text for each
        return _mapped(pl.col(column), frame, column, lambda v: json_safe(_ENCODE(v)))

    def obj(pairs: Sequence[tuple[str, _Quoted | pl.Expr | str]]) -> list:
        found: list = ["{"]
        for i, (name, value) in enumerate(pairs):
            found += [(", " if i else "") + _key(name), value]
        return [*found, "}"]

    card = scored(plan)
    kpis = [f.kpi(name) for name in _named(frame, "kpi:", plan.kpis)]
    pay = [f.pay(name) for name in _named(frame, "pay:", plan.pay)]
    penalties = [f.penalty(name) for name in _named(frame, "penalty:", _penalty_names(plan))]
    _check_numbers(frame, scales, [*kpis, *pay, *penalties, "total", *(["score"] if card else [])], {"score", "total"})
    pairs: list[tuple[str, list]] = [("agent", [text("agent")])]
    if plan.roster.carry:
        if len(set(plan.roster.carry)) != len(plan.roster.carry):
            raise NotCovered("the policy carries a roster column twice", "方案重复携带同一花名册列")
        pairs.append(("columns", obj([(h, text(f.carry(i)) if f.carry(i) in names else '""')
                                      for i, h in enumerate(plan.roster.carry)])))
    pairs.append(("period", [text("period")]))
    if card:
        pairs += [("score", [number("score") if "score" in names else "null"]),
                  ("rating", [ids("rating") if "rating" in names else "null"])]
    choices = _named(frame, "choice:", [m.name for m in choice_metrics(plan)])
    if choices:
        pairs.append(("choices", obj([(name, ids(f.choice(name))) for name in choices])))
    if card:
        pairs.append(("kpis", obj([(c[len("kpi:"):], number(c)) for c in kpis])))
    pairs.append(("pay", obj([("total", number("total")),
                              ("components", obj([(c[len("pay:"):], number(c)) for c in pay]))])))
    if penalties:
        pairs.append(("penalties", obj([(c[len("penalty:"):], number(c)) for c in penalties])))
    if plan.flags:
        flag_names = _named(frame, "flag:", [flag.name for flag in plan.flags])
        flag_key, keys = _flag_key(frame, flag_names)
        pairs.append(("flags", [_by_key(flag_key, keys, lambda k: json_safe(_ENCODE(
            [name for name, _, up in _raised(flag_names, k) if up])))]))
    parts: list = ["    {"]
    for i, (name, value) in enumerate(pairs):
        parts += [(", " if i else "") + _key(name), *value]
    return _flat([*parts, "}"])


def _flat(parts: list) -> list:
    """Nested part lists (objects within objects) as one list."""
    found: list = []
    for part in parts:
        found += _flat(part) if isinstance(part, list) else [part]
    return found


def _json_writer(plan: Plan, results: ColumnarResults, rules: bool) -> Writer:
    """Writes the JSON report at the end of a stream (its last line's `,` taken back, so the stream must be
    seekable)."""
    cited = f'\n  "rules": {_ENCODE(found)},' if rules and (found := rule_ids(plan)) else ""
    fields, tail = _json_fields(_json_parts(plan, results)) if results.frame.height else ([], None)
    head = json_safe(f'{{\n  "policy": {_ENCODE(policy_in_force(plan))},{cited}\n  "results": [').encode()
    frame = results.frame

    def write(out: BinaryIO) -> None:
        out.write(head)
        if frame.height:
            out.write(b"\n")
            _write(frame, fields, '"', ('"' + tail if tail is not None else "") + ",\n", out)
            out.seek(-2, io.SEEK_END)  # the last line's `,\n` becomes the list's end
            out.truncate()
            out.write(b"\n  ")
        out.write(b"]\n}\n")

    return write


def to_json(plan: Plan, results: ColumnarResults, rules: bool = True) -> str:
    """`tables.to_json` of the results these columns stand for, byte for byte (NotCovered where it cannot be)."""
    return render_frame(plan, results, "json", rules=rules).decode()


def render_frame(plan: Plan, results: ColumnarResults, fmt: str, lang: str = "zh", rules: bool = True,
                 shown: frozenset[str] = frozenset()) -> bytes:
    """`tables.render` for the formats the columnar writer covers (csv, json); NotCovered for the others.
    `shown`: CSV columns (of `filled`'s) shown even where these results leave them empty, as the rest of
    a month written in parts fills them (engine.stream_month)."""
    out = io.BytesIO()
    frame_writer(plan, results, fmt, lang, rules, shown)(out)
    return out.getvalue()


def frame_writer(plan: Plan, results: ColumnarResults, fmt: str, lang: str = "zh", rules: bool = True,
                 shown: frozenset[str] = frozenset()) -> Writer:
    """What writes `render_frame`'s bytes at the end of a stream (seekable: a JSON report takes its last `,`
    back), every NotCovered raised before it is returned: the report can then be written straight into the
    file it goes to (engine.report.atomic_write), a million results' report never held in memory first nor
    copied out of it."""
    if fmt == "csv":
        return _csv_writer(plan, results, lang, shown)
    if fmt == "json":
        return _json_writer(plan, results, rules)
    raise NotCovered(f"the {fmt} format is written from AgentResults", f"{fmt} 格式由逐条结果写出")
