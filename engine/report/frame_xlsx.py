"""The XLSX report from results held as columns (issue 19): engine.report.xlsx's workbook, byte for byte,
with no object per agent.

The reference writer (engine.report.xlsx) makes each row's cells in Python and needs every result's
trace for the KPI details sheet. Here each column's distinct values are made into cells once for the
whole sheet, by polars where they are plain and by the reference's own functions (`_Cells`,
`number_cell`, `text_cell`) elsewhere, and polars puts each row's cell XML together, a batch of rows at
a time; styles are numbered in the order the reference writes them (the first row, then column, that
shows each), each column's width is its widest distinct cell. Every row and width being known before
the first row, the sheet's shape is promised and its rows deflated by the book's worker thread while
the next batch is made (engine.report.xlsx_writer's `Book(streamed=True)`). The results sheet
is read from the results' columns (its layout from `result_columns`, as the CSV's), with a subtotal row
after each team and the total under them (written by the sheet's own `row_xml`); the details sheet's
measured values — the only values it reads of the trace — are computed here for the steps that
hold them, from the month's inputs, by the reference interpreter's arithmetic.

A measured value's cell depends on its Decimal's exponent as well as its value (how wide `97.5%` or
`12.0` is shown), and the columns hold values at their column's scale: a value is computed here only
where its cell follows from its value alone (money; a percent of at most 4 places read or divided by a
whole number; anything computed from whole numbers alone). Anything else — another step, a rule, a
sheet (penalties), a report column this writer does not make — raises `NotCovered`, and the caller
writes the workbook through the Decimal path, which remains its definition.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import repeat
from typing import TYPE_CHECKING

from engine.model import frames as f
from engine.model.frames import ColumnarMonth, ColumnarResults, NotCovered, scaled
from engine.model.ops import Arith, Binary, Call, Clamp, Const, Input, Op, Plus, Quantize, Ref, Rescue, Sign, Unary
from engine.model.plan import Plan
from engine.model.results import AgentResult
from engine.policy.runtime import CONTEXT, zero_division
from engine.report.frame_write import (
    _by_key,
    _check_numbers,
    _column_number,
    _flag_key,
    _mapped,
    _named,
    _number,
    _raised,
    _string,
    _witness,
)
from engine.report.headings import choice_text, display_width, rating_text
from engine.report.messages import COLUMN_WORDS, SHEETS, heading, pick
from engine.report.result_columns import CellKind, Column, flags_text, kpi_sources, measured_columns, result_columns
from engine.report.xlsx import _Cells, _format, _policy_sheet, _unit_format, sums_cells
from engine.report.xlsx_writer import (
    _BOLD,
    EXCEL_DIGITS,
    MONEY,
    PERCENT,
    PLAIN,
    POINTS,
    Book,
    Cell,
    Sheet,
    Style,
    bolded,
    column_letter,
)
from engine.run.interpret import ARITH, CALLS

if TYPE_CHECKING:
    import polars as pl

__all__ = ["frame_xlsx"]

BATCH = 5_000  # rows joined at a time: besides the workbook only a batch's XML (a few MB) is held
INT64_MAX = 2**63 - 1


def frame_xlsx(plan: Plan, month: ColumnarMonth, results: ColumnarResults, lang: str = "zh") -> bytes:
    """`engine.report.xlsx.to_xlsx` of these results with their trace, byte for byte, or NotCovered."""
    import polars as pl

    if plan.penalties:
        raise NotCovered("the penalties sheet", "罚则明细表")
    frame = results.frame
    if frame.height == 0:
        raise NotCovered("a month without agents", "没有客服的月份")
    team = frame.get_column("team").fill_null("")
    # by_team: teams by name, agents without a team last, each team's rows in the results' order.
    order = (pl.DataFrame({"t": team}).with_row_index("i")
             .sort([pl.col("t") == "", pl.col("t")], maintain_order=True).get_column("i"))
    measured = _measured(plan, month, frame) if plan.kpis else []
    cells = _Cells()
    shared = _Shared({"agent", "name", "team", "role", "grade", "period", *(f.kpi(k) for k in plan.kpis)}
                     if plan.kpis else set())
    with Book(streamed=True) as book:  # deflated by a worker thread while the next rows are made
        with book.sheet(pick(SHEETS["results"], lang)) as sheet:
            _results_sheet(sheet, plan, results, order, lang, cells, shared)
        if plan.kpis:
            with book.sheet(pick(SHEETS["details"], lang)) as sheet:
                _details_sheet(sheet, plan, results, measured, order, lang, cells, shared)
        with book.sheet(pick(SHEETS["policy"], lang)) as sheet:
            _policy_sheet(sheet, plan, lang, cells)
        return book.save()


# -- the cells of a column -------------------------------------------------------------------------


class _Column:
    """One column of a sheet's data rows, a row each: the cell's XML after its reference and style (`body`),
    its style (`style`, a key of `styles`), and the widest text the column shows (`width`)."""

    def __init__(self, body: pl.Series, style: pl.Series, styles: dict[str, Style], width: int):
        self.body = body
        self.style = style
        self.styles = styles
        self.width = width


def _style_key(style: Style) -> str:
    return f"{style.format}\x1f{int(style.quoted)}{int(style.right)}"


def _fallback(keys: pl.Series, fast: pl.Series, body: pl.Series, style: pl.Series, width: pl.Series,
              make: Callable[[str], Cell]) -> _Column:
    """The column's cells: where `fast`, the `body`, `style` key and `width` made by polars; elsewhere each
    distinct key's cell made once by the reference's own function `make`."""
    import polars as pl

    styles: dict[str, Style] = {}
    slow = keys.filter(~fast).unique(maintain_order=True) if not fast.all() else pl.Series([], dtype=pl.String)
    if slow.len():
        made = [make(key) for key in slow.to_list()]
        for cell in made:
            styles[_style_key(cell.style)] = cell.style
        old = slow
        body = pl.select(pl.when(pl.lit(fast)).then(pl.lit(body)).otherwise(pl.lit(keys).replace_strict(
            old, [c.body for c in made], default=None, return_dtype=pl.String))).to_series()
        style = pl.select(pl.when(pl.lit(fast)).then(pl.lit(style)).otherwise(pl.lit(keys).replace_strict(
            old, [_style_key(c.style) for c in made], default=None, return_dtype=pl.String))).to_series()
        widest = max(c.width for c in made)
    else:
        widest = -1
    quick = width.filter(fast)
    if quick.len():
        widest = max(widest, int(quick.max()))  # type: ignore[arg-type]
    for key in style.filter(fast).unique().to_list() if fast.any() else []:
        if key not in styles:
            fmt, _, flags = key.rpartition("\x1f")
            styles[key] = Style(fmt, False, flags[0] == "1", flags[1] == "1")
    return _Column(body, style, styles, widest)


_SPECIAL_TEXT = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{fffe}\x{ffff}]|_x|^\s|\s$|^[=+\-@]"


def _text_column(keys: pl.Series, cells: _Cells) -> _Column:
    """Text cells as `text_cell` makes them: inline strings, escaped, their width as shown (CJK counts
    two); text with anything `text_cell` changes or marks (controls, `_x`, edge spaces, a formula's
    first character) is made by `text_cell` itself."""
    import polars as pl

    keys = keys.fill_null("")
    plain = ~keys.str.contains(_SPECIAL_TEXT)
    escaped = keys.str.replace_all("&", "&amp;", literal=True).str.replace_all("<", "&lt;", literal=True) \
        .str.replace_all(">", "&gt;", literal=True)
    body = pl.select(pl.when(pl.lit(keys) == "").then(pl.lit(' t="inlineStr" />')).otherwise(
        pl.lit(' t="inlineStr"><is><t>') + pl.lit(escaped) + pl.lit("</t></is></c>"))).to_series()
    # display_width: printable ASCII counts one, a CJK unified ideograph (U+4E00–U+9FFF, all East Asian
    # Wide) two; text with any other character is measured by display_width itself.
    simple = ~keys.str.contains(r"[^\x{20}-\x{7e}\x{4e00}-\x{9fff}]")
    width = (keys.str.len_chars() + keys.str.count_matches(r"[\x{4e00}-\x{9fff}]")).cast(pl.Int64)
    wide = keys.filter(plain & ~simple).unique()
    if wide.len():
        shown = pl.Series([display_width(text) for text in wide.to_list()], dtype=pl.Int64)
        width = pl.select(pl.when(pl.lit(simple)).then(pl.lit(width)).otherwise(
            pl.lit(keys).replace_strict(wide, shown, default=0, return_dtype=pl.Int64))).to_series()
    style = pl.Series([_style_key(PLAIN)] * keys.len(), dtype=pl.String)
    return _fallback(keys, plain, body, style, width, cells.text)


def _number_column(keys: pl.Series, fmt: str, cells: _Cells) -> _Column:
    """Numbers by their exact text (a missing one is an empty text cell, as the reference writes None), as
    `number_cell` makes them: polars makes the cells of plain digits, at most 15 of them and 6 places,
    in money to the fen, points or the general format (their double's text by Python's own `.16g`);
    every other number (a percent, more digits) by `number_cell` itself."""
    import polars as pl

    keys = keys.fill_null("")
    unsigned = keys.str.strip_prefix("-")
    whole = unsigned.str.split_exact(".", 1).struct.field("field_0")
    fraction = unsigned.str.split_exact(".", 1).struct.field("field_1").fill_null("")
    digits = whole.str.len_bytes() + fraction.str.len_bytes()
    fast = keys.str.contains(r"^-?[0-9]+(\.[0-9]+)?$") & (digits <= EXCEL_DIGITS) & (fraction.str.len_bytes() <= 6)
    if fmt == MONEY:
        fast = fast & (fraction.str.len_bytes() <= 2)
        n = whole.str.len_bytes().cast(pl.Int64)
        width = keys.str.starts_with("-").cast(pl.Int64) + n + (n - 1) // 3 + 3
        style = pl.Series([_style_key(Style(MONEY))] * keys.len(), dtype=pl.String)
    elif fmt == PERCENT:
        fast = keys.str.contains(r"^-?[0-9]{1,12}(\.[0-9]+)?$")
        width = _percent_widths(keys.str.starts_with("-"), whole, fraction)
        style = pl.Series([_style_key(Style(PERCENT))] * keys.len(), dtype=pl.String)
    else:
        width = keys.str.len_chars().cast(pl.Int64)
        if fmt == POINTS:
            places = fraction.str.strip_chars_end("0").str.len_bytes()
            shown = {p: _style_key(Style("0." + "0" * p if p > 2 else POINTS)) for p in range(7)}
            style = places.replace_strict(list(shown), list(shown.values()), default="", return_dtype=pl.String)
        else:
            style = pl.Series([_style_key(Style(fmt))] * keys.len(), dtype=pl.String)
    # The exact text read as the nearest double, as float(Decimal) reads it; printed once per distinct double.
    floats = keys.filter(fast).cast(pl.Float64)
    body = pl.Series([""] * keys.len(), dtype=pl.String)
    if floats.len():
        distinct = floats.unique()
        few = distinct.len() * 2 < floats.len()  # else printing every row is quicker than finding it again
        printed = pl.Series(list(map(format, (distinct if few else floats).to_list(), repeat(".16g"))),
                            dtype=pl.String)
        if few:
            printed = floats.replace_strict(distinct, printed, return_dtype=pl.String)
        shown = pl.select(pl.lit(' t="n"><v>') + pl.lit(printed) + pl.lit("</v></c>")).to_series()
        body = body.scatter(fast.arg_true(), shown)
    return _fallback(keys, fast, body, style, width,
                     lambda key: cells.number(Decimal(key), fmt) if key else cells.text(""))


def _percent_widths(negative: pl.Series, whole: pl.Series, fraction: pl.Series) -> pl.Series:
    """`_percent_width` of each plain value of at most 12 whole digits, from its digits: the value × 100
    to 2 places (it has at most 4), as it is (5 or 6), or to 4 places half up and `…` where digits
    were cut (more); a sign only where what is shown is not zero."""
    import polars as pl

    places = fraction.str.len_bytes().cast(pl.Int64)
    frame = pl.DataFrame({"neg": negative, "p": places,
                          "w": (whole + fraction.str.head(2).str.pad_end(2, "0")).cast(pl.Int64),
                          "f": fraction.str.slice(2)})
    w, f, p, neg = pl.col("w"), pl.col("f"), pl.col("p"), pl.col("neg")

    def shown(n: pl.Expr, digits: int) -> pl.Expr:  # number(n × 10**-digits) + "%", n ≥ 0
        sign = (neg & (n != 0)).cast(pl.Int64)
        return sign + pl.max_horizontal(n.cast(pl.String).str.len_bytes().cast(pl.Int64) - digits, pl.lit(1)) \
            + 1 + digits + 1

    short = (w * 10_000 + f.str.head(4).cast(pl.Int64, strict=False)
             + (f.str.slice(4, 1) >= "5").cast(pl.Int64))
    whole_width = w.cast(pl.String).str.len_bytes().cast(pl.Int64)
    as_is = (neg & ((w != 0) | f.str.contains("[1-9]"))).cast(pl.Int64) + whole_width + 1 + (p - 2) + 1
    width = (pl.when(p <= 4).then(shown(w * 100 + f.str.pad_end(2, "0").cast(pl.Int64, strict=False), 2))
             .when(p <= 6).then(as_is)
             .otherwise(shown(short, 4) + f.str.slice(4).str.contains("[1-9]").cast(pl.Int64)))
    return frame.select(width.alias("width")).get_column("width")


Maker = Callable[["pl.Series"], _Column]


class _Distinct:
    """A column made once for the whole sheet: its distinct keys' cells (`cells`, a row each) and, for each
    of the sheet's rows, which of them it shows (`index`; None: the keys are all distinct, in row order)
    and the row (0-based) where each distinct key first shows (`first`)."""

    def __init__(self, cells: _Column, index: pl.Series | None, first: pl.Series):
        self.cells = cells
        self.index = index
        self.first = first

    def first_styles(self, numbers: pl.Series, at: int) -> list[tuple[int, int, Style]]:
        """Where this column (the sheet's `at`th) first shows each of its styles: (row number, column, style)."""
        import polars as pl

        styles = self.cells.styles
        if len(styles) == 1:  # one style: the first row shows it
            return [(int(numbers[0]), at, next(iter(styles.values())))]
        first = (pl.DataFrame({"s": self.cells.style, "r": self.first}).group_by("s").agg(pl.col("r").min()))
        return [(int(numbers[row]), at, styles[key]) for key, row in first.iter_rows()]

    def xml(self, book: Book) -> pl.Series:
        """Each distinct key's XML after its reference: its style's number (numbered by now), then its body."""
        import polars as pl

        column = self.cells
        keys = list(column.styles)
        ids = [book.style_id(column.styles[key]) for key in keys]
        style = pl.lit(ids[0]) if len(ids) == 1 else pl.lit(column.style).replace_strict(
            keys, ids, return_dtype=pl.String)
        return pl.select(style + pl.lit(column.body)).to_series()

    def rows(self, xml: pl.Series, start: int, length: int) -> pl.Series:
        """The XML of rows `start` to `start + length` (0-based), from each distinct key's `xml`."""
        if self.index is None:
            return xml.slice(start, length)
        return xml.gather(self.index.slice(start, length))


def _distinct(make: Maker, keys: pl.Series) -> _Distinct:
    """A column's cells, each distinct key made once (down a column most values repeat: a team, the month,
    full points), each row pointing at its key's."""
    import polars as pl

    keys = keys.fill_null("")
    first = keys.arg_unique()  # each distinct key's first row, in the order they first show
    if first.len() == keys.len():
        return _Distinct(make(keys), None, first)
    unique = keys.gather(first)
    index = (pl.DataFrame({"k": keys})
             .join(pl.DataFrame({"k": unique, "i": pl.Series(range(unique.len()), dtype=pl.UInt32)}),
                   on="k", how="left", maintain_order="left")
             .get_column("i"))
    return _Distinct(make(unique), index, first)


class _Shared:
    """The columns both sheets show (who, the period, each KPI's points: the same cells in the same row
    order), made once: kept by the results sheet, taken by the details sheet."""

    def __init__(self, names: set[str]):
        self.names = names
        self.kept: dict[str, _Distinct] = {}

    def make(self, name: str, make: Maker, keys: pl.Series) -> _Distinct:
        found = self.kept.pop(name, None)
        if found is None:
            found = _distinct(make, keys)
            if name in self.names:
                self.kept[name] = found
        return found


def _rows(sheet: Sheet, makers: Sequence[Maker], keys: Sequence[pl.Series], numbers: pl.Series, *, outline: bool,
          after: Sequence[tuple[int, list[Cell | None]]] = (), bold: int = 0,
          names: Sequence[str] = (), shared: _Shared | None = None,
          then: Sequence[Sequence[Cell | None]] = ()) -> None:
    """The data rows into the sheet: row `numbers[i]` holds each column's cell of its `keys[i]` (made by
    its maker, or taken from `shared` by its name), and each bold row of `after` (row number, cells; a
    team's subtotal) follows the row numbered one less; `then`: the rows the caller appends after them
    (the total). The sheet's styles are numbered first, in the order the reference's writer meets them
    (row by row, then column by column), and its shape promised (`Sheet.promise`: every row and width is
    known by then); then the rows' XML is put together a batch at a time and handed on, so besides the
    workbook only a batch's XML or two is held."""
    import polars as pl

    book = sheet.book
    letters = sheet.letters(len(makers))
    opening = '" outlineLevel="1">' if outline else '">'
    shared = shared or _Shared(set())
    columns = [shared.make(name, make, column)
               for name, make, column in zip(names or [""] * len(makers), makers, keys, strict=True)]
    events = [event for at, column in enumerate(columns) for event in column.first_styles(numbers, at)]
    for at, cells in after:
        events += _bold_events(at, cells, bold)
    _number_styles(book, events)
    # Each distinct key's XML from the quote closing its reference to the next cell's reference but its row:
    # a row is then `<row r="N">`, `<c r="A`, and N and the next piece in turn, fewer pieces to join.
    nexts = [f'<c r="{letter}' for letter in letters[1:]] + ["</row>"]
    xml = [pl.select(pl.lit('"') + pl.lit(column.xml(book)) + pl.lit(following)).to_series()
           for column, following in zip(columns, nexts, strict=True)]
    widths = [column.cells.width for column in columns]
    shape = list(widths)
    for cells in (*(cells for _, cells in after), *then):
        shape += [-1] * (len(cells) - len(shape))
        for index, cell in enumerate(cells):
            if cell is not None:
                shape[index] = max(shape[index], cell.width)
    sheet.promise(sheet.rows + numbers.len() + len(after) + len(then), shape)
    pending = sorted(after, key=lambda item: item[0])
    for start in range(0, numbers.len(), BATCH):
        row = numbers.slice(start, BATCH)
        last = int(row[-1])
        mine = [item for item in pending if item[0] <= last + 1]
        pending = pending[len(mine):]
        text = row.cast(pl.String)
        parts: list[pl.Series | str] = ['<row r="', text, f'{opening}<c r="{letters[0]}']
        for column, made in zip(columns, xml, strict=True):
            parts += [text, column.rows(made, start, row.len())]
        if mine:
            made_rows = [sheet.row_xml(cells, at, bold=bold) for at, cells in mine]
            at = row.search_sorted(pl.Series([at - 1 for at, _ in mine], dtype=row.dtype))
            parts.append(pl.Series([""] * row.len(), dtype=pl.String).scatter(at, made_rows))
        lines = pl.select(pl.concat_str([pl.lit(p) for p in parts]).alias("xml"))
        # Each row's XML as it is, one after the other: polars' writer quotes nothing and adds nothing.
        sheet.written(lambda out, lines=lines: lines.write_csv(out, include_header=False, quote_style="never",
                                                               line_terminator=""),
                      row.len() + len(mine), widths)


def _number_styles(book: Book, events: list[tuple[int, int, Style]]) -> None:
    """Styles numbered in the order the reference's writer meets them (row by row, then column by column):
    the order of each style's first (row, column)."""
    first: dict[Style, tuple[int, int]] = {}
    for row, column, style in events:
        found = first.get(style)
        if found is None or (row, column) < found:
            first[style] = (row, column)
    for style in sorted(first, key=first.__getitem__):
        book.style_id(style)


def _maker(fmt: str, cells: _Cells, *, exact: bool = True) -> Maker:
    """How a column's keys become cells: text (no format) or numbers in `fmt`. Not `exact` (a measured
    value, held at its column's scale): NotCovered where one would be shown as text, whose digits would
    be the column's rather than the value's own."""
    if fmt == "":
        return lambda keys: _text_column(keys, cells)

    def make(keys: pl.Series) -> _Column:
        column = _number_column(keys, fmt, cells)
        if not exact and column.style.str.ends_with("\x1f01").any():
            raise NotCovered("a measured value Excel cannot hold as a number", "Excel 无法按数值保存的实际值")
        return column
    return make


def _bold_events(row: int, cells: Sequence[Cell | None], bold: int) -> list[tuple[int, int, Style]]:
    """The styles of a row's first `bold` cells, bold (an empty one too), as `Sheet.row_xml` numbers them."""
    return [(row, i, _BOLD if cell is None else bolded(cell.style)) for i, cell in enumerate(cells[:bold])]


# -- the results sheet -----------------------------------------------------------------------------


def _keys(plan: Plan, results: ColumnarResults, column: Column, lang: str) -> pl.Series:
    """A report column's per-row texts (number columns: the exact Decimal text), in the results' order."""
    import polars as pl

    frame, scales = results.frame, results.scales
    key = column.key
    if key in ("agent", "name", "team", "period"):
        expr = _string(frame, key)
    elif key in ("role", "grade"):
        expr = _mapped(pl.col(key), frame, key, lambda v, k=key: choice_text(plan, k, v, lang))
    elif key == "rating":
        expr = _mapped(pl.col(key), frame, key, lambda v: rating_text(plan, v, lang))
    elif key.startswith("carry:"):
        name = f.carry(list(plan.roster.carry).index(key[len("carry:"):]))
        expr = _string(frame, name) if name in frame.columns else pl.lit("")
    elif key.startswith("choice:"):
        metric, name = key[len("choice:"):], f.choice(key[len("choice:"):])
        expr = (_mapped(pl.col(name), frame, name, lambda v: choice_text(plan, metric, v, lang))
                if name in frame.columns else pl.lit(""))  # no choices held: "", as `i < len(r.choices)`
    elif key == "flags":
        names = _named(frame, "flag:", [flag.name for flag in plan.flags])
        flag_key, keys = _flag_key(frame, names)
        expr = _by_key(flag_key, keys, lambda k: flags_text(plan, AgentResult(
            "", "", "", "", None, None, None, None, (), (), Decimal(0), flags=_raised(names, k)), lang))
    elif column.cell in (CellKind.POINTS, CellKind.MONEY) and key in frame.columns and not key.startswith("group:"):
        if scales.get(key, -1) < 0:
            raise NotCovered(f"{key} at a negative scale", f"{key} 的小数位数为负")
        _check_numbers(frame, scales, [key], {"score"})
        expr = _column_number(frame, scales, key)
    else:
        raise NotCovered(f"the report column {key} is not written by the columnar workbook",
                         f"列式工作簿不支持报表列 {key}")
    return frame.select(expr.alias("k")).get_column("k").cast(pl.String)


def _results_sheet(sheet: Sheet, plan: Plan, results: ColumnarResults, order: pl.Series, lang: str,
                   cells: _Cells, shared: _Shared) -> None:
    """engine.report.xlsx._results_sheet from the columns: rows by team, a bold subtotal row after each
    team (its rows outlined), the total of every row under them."""
    import polars as pl

    frame, scales = results.frame, results.scales
    columns = result_columns(plan, _witness(frame), lang)
    width = len(columns)
    formats = [_format(c) for c in columns]
    money = [i for i, c in enumerate(columns) if c.cell is CellKind.MONEY]
    keys = [c.key for c in columns]
    team_at = keys.index("team") if "team" in keys else None
    keyed = [_keys(plan, results, c, lang).gather(order) for c in columns]
    makers = [_maker(fmt, cells) for fmt in formats]
    header = [cells.text(c.heading) for c in columns]
    teams = frame.get_column("team").fill_null("").gather(order)
    n = frame.height
    sums = _sums(frame, scales, [columns[i].key for i in money], teams, order)
    if team_at is not None:
        # Each team's rows, then its subtotal: row i (0-based, in team order) is row 2 + i + its team's ordinal.
        ordinal = (teams != teams.shift(1)).fill_null(True).cum_sum().cast(pl.Int64) - 1
        numbers = pl.Series(range(n), dtype=pl.Int64) + 2 + ordinal
        last = (teams != teams.shift(-1)).fill_null(True)
    else:
        numbers = pl.Series(range(n), dtype=pl.Int64) + 2
        last = None

    def sums_row(label: str, team: str | None, totals: Sequence[Decimal]) -> list[Cell | None]:
        return sums_cells(cells, width, money, team_at, label, team, totals)

    subtotals: list[tuple[int, list[Cell | None]]] = []
    if last is not None:
        ends = numbers.filter(last).to_list()
        for (team, totals), end in zip(sums[0], ends, strict=True):
            shown = team or pick(COLUMN_WORDS["no_team"], lang)
            subtotals.append((end + 1, sums_row(f"{shown} {pick(COLUMN_WORDS['subtotal'], lang)}", team, totals)))
    total = sums_row(heading("sum", lang), None, sums[1])
    sheet.append(header, bold=width)
    sheet.frozen = True
    _rows(sheet, makers, keyed, numbers, outline=team_at is not None, after=subtotals, bold=width,
          names=keys, shared=shared, then=[total])
    filtered = sheet.rows
    sheet.append(total, bold=width)
    sheet.filter = f"A1:{column_letter(width)}{filtered}"


def _sums(frame: pl.DataFrame, scales: dict, columns: Sequence[str], teams: pl.Series,
          order: pl.Series) -> tuple[list[tuple[str, list[Decimal]]], list[Decimal]]:
    """Each team's sums of the money columns (teams in order) and the sums of every row, as the reference
    adds Decimals from `Decimal(0)`: exact, at the column's scale."""
    import polars as pl

    for column in columns:
        if f.places(column) in frame.columns or scales.get(column, -1) < 0:
            raise NotCovered(f"{column}'s places differ from agent to agent", f"{column} 的小数位数因人而异")
    if columns:
        widest = frame.select([pl.col(c).abs().max().alias(c) for c in columns]).row(0)
        if any((w or 0) * frame.height > INT64_MAX for w in widest):
            raise NotCovered("a sum could pass 64-bit whole numbers", "合计可能超出 64 位整数")
    picked = pl.DataFrame({"\x00team": teams}).with_columns([frame.get_column(c).gather(order) for c in columns])
    grouped = picked.group_by("\x00team", maintain_order=True).agg([pl.col(c).sum() for c in columns])

    def exact(value: int, column: str) -> Decimal:
        return Decimal(0) + (scaled(int(value), scales[column]) or Decimal(0))

    by_team = [(row[0], [exact(v, c) for v, c in zip(row[1:], columns, strict=True)]) for row in grouped.iter_rows()]
    everyone = frame.select([pl.col(c).sum() for c in columns]).row(0) if columns else ()
    return by_team, [exact(v, c) for v, c in zip(everyone, columns, strict=True)]


# -- the KPI details sheet --------------------------------------------------------------------------


def _details_sheet(sheet: Sheet, plan: Plan, results: ColumnarResults, measured: Sequence[pl.Series],
                   order: pl.Series, lang: str, cells: _Cells, shared: _Shared) -> None:
    """engine.report.xlsx._details_sheet from the columns: who, the period, each KPI's measured value,
    each KPI's points; rows in the results sheet's order."""
    import polars as pl

    witness = _witness(results.frame)
    from engine.report.result_columns import measured_unit, who_columns

    who = [*who_columns(plan, witness, lang), Column("period", heading("period", lang), CellKind.TEXT,
                                                     lambda r: r.period)]
    shown = measured_columns(plan, lang)
    units = [measured_unit(plan, c.key.partition(":")[2]) for c in shown]
    points = [c for c in result_columns(plan, witness, lang) if c.key.startswith("kpi:")]
    headings = [c.heading for c in (*who, *shown, *points)]
    keyed = [_keys(plan, results, c, lang).gather(order) for c in who]
    keyed += [values.gather(order) for values in measured]
    keyed += [_keys(plan, results, c, lang).gather(order) for c in points]
    makers = [*(_maker("", cells) for _ in who), *(_maker(_unit_format(unit), cells, exact=False) for unit in units),
              *(_maker(_format(c), cells) for c in points)]
    header = [cells.text(h) for h in headings]
    sheet.append(header, bold=len(header))
    sheet.frozen = True
    numbers = pl.Series(range(results.frame.height), dtype=pl.Int64) + 2
    names = [*(c.key for c in who), *(c.key for c in shown), *(c.key for c in points)]
    _rows(sheet, makers, keyed, numbers, outline=False, names=names, shared=shared)
    sheet.filter = f"A1:{column_letter(len(headings))}{sheet.rows}"


def _measured(plan: Plan, month: ColumnarMonth, frame: pl.DataFrame) -> list[pl.Series]:
    """Each KPI's measured value (the trace's value of the step it reads) per row, as exact Decimal texts
    in the results' order, computed from the month's inputs; NotCovered where its cell could depend on
    places the columns do not hold, or its step is beyond the arithmetic here."""
    import polars as pl

    inputs = month.frame
    if inputs.height != frame.height or not inputs.select("agent", "period").equals(frame.select("agent", "period")):
        raise NotCovered("results in another order than the month's rows", "结果与本月各行顺序不一致")
    found = []
    metrics = {m.name: m for m in plan.metrics}
    for _, source, _ in kpi_sources(plan):
        fmt = _unit_format(source.unit)
        used: dict[str, int] = {}
        compute = _compiled(plan, source.slot, used)
        for name in used:
            if name not in month.scales or name not in inputs.columns or inputs[name].null_count():
                raise NotCovered(f"the measured value of {source.name} from {name}",
                                 f"{source.name} 的实际值（{name}）")
        if not _by_value(plan, source.op, fmt, {name: month.scales[name] for name in used}, metrics):
            raise NotCovered(f"the measured value of {source.name}, whose places the columns do not hold",
                             f"{source.name} 的实际值的小数位数无法由列得出")
        texts = inputs.select([_number(pl.col(name), month.scales[name]).alias(name) for name in used])
        if isinstance(source.op, Input):  # the metric itself: its text at the column's scale
            found.append(texts.get_column(source.op.name))
            continue
        if not used:
            texts = pl.DataFrame({"\x00": [None] * frame.height})
        distinct = texts.unique(maintain_order=True)  # computed once per distinct row of inputs
        columns = [list(map(Decimal, distinct.get_column(name).to_list())) for name in used]
        with decimal.localcontext(CONTEXT):
            try:
                values = list(map(str, map(compute, zip(*columns, strict=True)))) if used else [str(compute(()))]
            except Exception as exc:  # the Decimal path meets it too, and says where
                raise NotCovered(f"the measured value of {source.name}: {exc}",
                                 f"{source.name} 的实际值：{exc}") from None
        joined = texts.join(distinct.with_columns(pl.Series("\x00value", values, dtype=pl.String)),
                            on=texts.columns, how="left", nulls_equal=True, maintain_order="left")
        found.append(joined.get_column("\x00value"))
    return found


def _by_value(plan: Plan, op: Op | None, fmt: str, scales: dict[str, int], metrics: dict) -> bool:
    """Whether the cell of this step's value follows from the value alone, its inputs held at their scale:
    money always (its width and digits are the value's); anything from whole numbers (scale 0: every
    value read or supplied has exponent 0); a percent read with at most 4 places, or such a number
    divided by another read number. A percent's width depends on its places only at 5 or 6 of them, and
    an exact quotient a/b has max(its own places, a's places − b's), at most a's 4 when not its own."""
    if fmt == MONEY:
        return True
    if all(scale == 0 and _declared(metrics[name], 0) for name, scale in scales.items()):
        return True
    if fmt != PERCENT:
        return False
    inner = op.value if isinstance(op, Rescue) else op

    def metric(node: Op, most: int | None) -> bool:
        if isinstance(node, Ref):
            node = plan.steps[node.slot].op  # type: ignore[assignment]
        return (isinstance(node, Input) and node.name in scales and (most is None or scales[node.name] <= most)
                and _declared(metrics[node.name], None))
    if isinstance(inner, Input):
        return metric(inner, 4)
    return isinstance(inner, Binary) and inner.op is Arith.DIV and metric(inner.left, 4) and metric(inner.right, None)


def _declared(metric: object, places: int | None) -> bool:
    """Whether every value the policy supplies for a metric (its `missing`, its placeholders) has exactly
    `places` places (None: any, but never a positive exponent), as every numeral read has."""
    values = (metric.missing, *metric.placeholders.values())  # type: ignore[attr-defined]
    return all(v is None or (-v.as_tuple().exponent == places if places is not None else v.as_tuple().exponent <= 0)
               for v in values)


def _compiled(plan: Plan, slot: int, used: dict[str, int]) -> Callable[[tuple], object]:
    """Step `slot`'s value as a function of a row of the metrics it reads (`used`: each one's place in the
    row), computed as the
    reference interpreter computes it (engine.run.interpret); NotCovered for an op not handled here."""
    from engine.model.blocks import Block

    step = plan.steps[slot]
    op = step.op
    if step.phase:
        raise NotCovered(f"the measured value of {step.name} after a ranking", f"排名之后的实际值 {step.name}")
    if isinstance(op, Input):
        if op.block is not Block.METRICS:
            raise NotCovered(f"the measured value of {step.name}", f"实际值 {step.name}")
        at = used.setdefault(op.name, len(used))
        return lambda row: row[at]
    if isinstance(op, Rescue):
        value, fallback = _op(plan, op.value, used), op.fallback

        def rescued(row: tuple) -> object:
            try:
                return value(row)
            except ArithmeticError as exc:
                if not zero_division(exc):
                    raise
                return fallback
        return rescued
    return _op(plan, op, used)


def _op(plan: Plan, op: Op | None, used: dict[str, int]) -> Callable[[tuple], object]:
    """One op's value, as engine.run.interpret.value computes it."""
    match op:
        case Const(value=constant):
            return lambda row: constant
        case Ref(slot=slot):
            return _compiled(plan, slot, used)
        case Binary(op=arith, left=left, right=right):
            f, a, b = ARITH[arith], _op(plan, left, used), _op(plan, right, used)
            return lambda row: f(a(row), b(row))
        case Unary(op=Sign.NEG, operand=operand):
            a = _op(plan, operand, used)
            return lambda row: -a(row)  # type: ignore[operator]
        case Unary(op=Sign.POS, operand=operand):
            a = _op(plan, operand, used)
            return lambda row: +a(row)  # type: ignore[operator]
        case Call(fn=fn, args=args):
            f, parts = CALLS[fn], [_op(plan, arg, used) for arg in args]
            return lambda row: f(*(p(row) for p in parts))
        case Plus(terms=terms) if terms:
            parts = [_op(plan, term, used) for term in terms]

            def plus(row: tuple) -> object:
                total = parts[0](row)
                for part in parts[1:]:
                    total = total + part(row)  # type: ignore[operator]
                return total
            return plus
        case Quantize(value=inner, quantum=quantum, rounding=rounding):
            a = _op(plan, inner, used)
            return lambda row: a(row).quantize(quantum, rounding)  # type: ignore[attr-defined]
        case Clamp(value=inner, low=low, high=high):
            a, lo = _op(plan, inner, used), _op(plan, low, used)
            hi = None if high is None else _op(plan, high, used)

            def clamp(row: tuple) -> object:
                found, bottom = a(row), lo(row)
                if found <= bottom:  # type: ignore[operator]
                    return bottom
                if hi is not None:
                    top = hi(row)
                    if found > top:  # type: ignore[operator]
                        return top
                return found
            return clamp
    raise NotCovered(f"the measured value's op {type(op).__name__}", f"实际值的运算 {type(op).__name__}")
