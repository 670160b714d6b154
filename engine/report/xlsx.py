"""The XLSX report: what a manager opens in Chinese Excel or WPS and can sum, sort and filter.

Sheet 1 (结果 / Results): one row per agent-month, numbers as numbers (money `#,##0.00`, score
and points `0.00`), a totals row under the data, the header frozen, an autofilter over the data
and column widths that fit CJK text; header and totals in bold. Sheet 2 (指标明细 / KPI details),
when the results carry their trace: each KPI's raw value (the metric it reads, or its formula
value) beside its points, ratios as percentages. Sheet 3 (方案 / Policy): the policy that produced the numbers.

Text cells are always string cells, never formulas (`=HYPERLINK(...)` in an agent id stays text).
The file is byte-identical for the same inputs: openpyxl's save-time stamps are fixed.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from engine.model.kinds import Kind
from engine.model.plan import Plan
from engine.model.results import AgentResult
from engine.model.steps import Step
from engine.model.units import Unit
from engine.report.headings import choice_cells, choice_metrics, display_width, header, rating_text
from engine.report.messages import PENALTY_SHEET, SHEETS, heading, pick
from engine.report.number_text import grouped, number, percent
from engine.report.penalty_text import event_rows
from engine.report.safe_text import FORMULA_STARTS

MONEY = "#,##0.00"
POINTS = "0.00"
PERCENT = "0.00%"
GENERAL = "General"
# Excel keeps 15 significant digits; a number it cannot hold exactly is written as text instead.
EXCEL_DIGITS = 15
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPE_LOOKALIKE = re.compile("_(x[0-9A-Fa-f]{4}_)")


def _sheet_name(key: str, lang: str) -> str:
    return pick(SHEETS[key], lang)


def _xml_text(text: str) -> str:
    """Text XML can carry: control characters as OOXML `_xHHHH_` escapes (Excel shows them as
    the original characters), and a literal `_xHHHH_` in the data protected as `_x005F_xHHHH_`."""
    text = _ESCAPE_LOOKALIKE.sub(r"_x005F_\1", text)
    return _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _text(cell: Cell, value: str) -> str:
    """A string cell that Excel shows as text and never evaluates, whatever it starts with."""
    cell.value = _xml_text(value)
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # Excel's own "this is text" mark, kept when the cell is edited
    return value


def _number(cell: Cell, value: Decimal, fmt: str) -> str:
    """A numeric cell in `fmt`; returns the text Excel will show (for the column width)."""
    if not value:
        value = abs(value)  # -0.00 is 0.00
    shown = grouped(value, 2) if fmt == MONEY else percent(value) if fmt == PERCENT else number(value) or ""
    if not _fits_excel(value, exact=fmt in (MONEY, POINTS)):
        # Excel would round it (or cannot hold it at all): the exact digits, as right-aligned text.
        _text(cell, number(value) or "")
        cell.alignment = Alignment(horizontal="right")
        return number(value) or ""
    cell.value = value
    cell.number_format = fmt
    return shown


def _fits_excel(value: Decimal, *, exact: bool) -> bool:
    """Whether Excel's 15-digit numbers hold `value`: every digit of an amount or points (a fen
    must not change), or at least the whole part of a measured value (1/3 may lose its 16th 3)."""
    if not value.is_finite() or abs(value.adjusted()) > 300:
        return False
    if not exact:
        return value.adjusted() < EXCEL_DIGITS
    significant = "".join(map(str, value.as_tuple().digits)).rstrip("0")
    return len(significant) <= EXCEL_DIGITS


def bold_row(sheet: Worksheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font = Font(bold=True)


def fit_columns(sheet: Worksheet, widths: dict[int, int]) -> None:
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 6), 60)


def write_row(sheet: Worksheet, row: int, values: Sequence[tuple[object, str]], widths: dict[int, int]) -> None:
    """Write one row of (value, format) pairs: str is text, Decimal is a number in that format."""
    for column, (value, fmt) in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if value is None:
            continue
        shown = _number(cell, value, fmt) if isinstance(value, Decimal) else _text(cell, str(value))
        widths[column] = max(widths.get(column, 0), display_width(shown))


def _results_sheet(sheet: Worksheet, plan: Plan, results: Sequence[AgentResult], lang: str) -> None:
    widths: dict[int, int] = {}
    titles = header(plan, lang)
    write_row(sheet, 1, [(t, "") for t in titles], widths)
    money_from = 5 + len(choice_metrics(plan)) + len(plan.kpis)  # 0-based index of the first pay column
    for row, r in enumerate(results, start=2):
        write_row(sheet, row, [
            (r.agent, ""), (r.name, ""), (r.period, ""), (r.score, POINTS), (rating_text(plan, r.rating, lang), ""),
            *((text, "") for text in choice_cells(plan, r, lang)),
            *((v, POINTS) for _, v in r.kpis), *((v, MONEY) for _, v in r.pay), (r.total, MONEY),
        ], widths)
    last = len(results) + 1
    sums = [sum((r.pay[i][1] for r in results), Decimal(0)) for i in range(len(plan.pay))]
    sums.append(sum((r.total for r in results), Decimal(0)))
    totals: list[tuple[object, str]] = [(heading("sum", lang), "")] + [(None, "")] * (money_from - 1)
    write_row(sheet, last + 1, totals + [(s, MONEY) for s in sums], widths)
    bold_row(sheet, 1)
    bold_row(sheet, last + 1)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{last}"
    fit_columns(sheet, widths)


def kpi_sources(plan: Plan) -> list[tuple[Step, Step, bool]]:
    """For each KPI step: the step holding its raw value, and whether that is a formula value.

    A linear KPI reads its metric; a bands KPI's band step reads it; a formula KPI's raw step is
    the formula's own value (before clamping to the weight)."""
    steps = plan.steps
    found = []
    for kpi in (s for s in steps if s.kind == Kind.KPI):
        if kpi.reads:
            found.append((kpi, steps[kpi.reads[0]], False))
            continue
        child = next(s for s in steps if s.parent == kpi.slot and s.kind in (Kind.BAND, Kind.RAW))
        found.append((kpi, steps[child.reads[0]], False) if child.kind == Kind.BAND else (kpi, child, True))
    return found


def _value_format(step: Step) -> str:
    return {Unit.RATIO: PERCENT, Unit.PERCENT: PERCENT, Unit.MONEY: MONEY}.get(step.unit, GENERAL)


def _details_sheet(sheet: Worksheet, plan: Plan, results: Sequence[AgentResult], lang: str) -> None:
    widths: dict[int, int] = {}
    sources = kpi_sources(plan)
    titles = [heading(k, lang) for k in ("agent", "name", "period")]
    for kpi, source, is_formula in sources:
        kpi_label = kpi.label.text(lang)
        if is_formula:
            titles.append(f"{kpi_label} 公式值" if lang == "zh" else f"{kpi_label}: formula value")
        else:
            titles.append(source.label.text(lang))
        titles.append(f"{kpi_label} 得分" if lang == "zh" else f"{kpi_label}: points")
    write_row(sheet, 1, [(t, "") for t in titles], widths)
    bold_row(sheet, 1)
    for row, r in enumerate(results, start=2):
        values: list[tuple[object, str]] = [(r.agent, ""), (r.name, ""), (r.period, "")]
        trace = r.trace or ()
        for kpi, source, _ in sources:
            raw = trace[source.slot]
            values.append((raw, _value_format(source)) if isinstance(raw, Decimal) else (raw, ""))
            values.append((trace[kpi.slot], POINTS))
        write_row(sheet, row, values, widths)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{len(results) + 1}"
    fit_columns(sheet, widths)


def _policy_sheet(sheet: Worksheet, plan: Plan, lang: str) -> None:
    widths: dict[int, int] = {}
    policy = plan.policy
    rows = [("id", "方案编号", policy.id), ("version", "版本", policy.version),
            ("name", "名称", policy.name.text(lang)), ("sha256", "sha256", policy.sha256),
            ("currency", "货币", policy.currency)]
    for row, (en, zh, value) in enumerate(rows, start=1):
        write_row(sheet, row, [(zh if lang == "zh" else en, ""), (value, "")], widths)
    fit_columns(sheet, widths)


def _penalties_sheet(sheet: Worksheet, plan: Plan, results: Sequence[AgentResult], lang: str) -> None:
    """Every event behind a clause that fired, each clause that came close, each deduction: a
    manager filters it by agent or clause in Excel."""
    widths: dict[int, int] = {}
    titles = [pick(pair, lang) for pair in PENALTY_SHEET]
    write_row(sheet, 1, [(t, "") for t in titles], widths)
    row = 1
    for result in results:
        for clause, label, rules, period, at, order, value, amount, source, sentence in event_rows(plan, result, lang):
            row += 1
            write_row(sheet, row, [(result.agent, ""), (result.name, ""), (clause, ""), (label, ""), (rules, ""),
                                (period, ""), (at, ""), (order, ""), (value, GENERAL), (amount, MONEY),
                                (source, ""), (sentence, "")], widths)
    bold_row(sheet, 1)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{row}"
    fit_columns(sheet, widths)


def to_xlsx(plan: Plan, results: Sequence[AgentResult], lang: str = "zh") -> bytes:
    """The workbook as bytes; the KPI details sheet needs results evaluated with `trace=True`."""
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_name("results", lang)
    _results_sheet(sheet, plan, results, lang)
    if results and all(r.trace is not None for r in results):
        _details_sheet(book.create_sheet(_sheet_name("details", lang)), plan, results, lang)
        if plan.penalties:
            _penalties_sheet(book.create_sheet(_sheet_name("penalties", lang)), plan, results, lang)
    _policy_sheet(book.create_sheet(_sheet_name("policy", lang)), plan, lang)
    buffer = io.BytesIO()
    book.save(buffer)
    return stable_xlsx(buffer.getvalue())


def stable_xlsx(data: bytes) -> bytes:
    """A saved workbook with openpyxl's save-time stamps (archive dates, created/modified) fixed,
    so the same content always gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = re.sub(rb"<dcterms:(created|modified)([^>]*)>[^<]*<",
                                 rb"<dcterms:\1\2>2000-01-01T00:00:00Z<", content)
            info = zipfile.ZipInfo(item.filename, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()
