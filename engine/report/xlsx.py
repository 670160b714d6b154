"""The XLSX report: what a manager or finance opens in Chinese Excel or WPS and can sum, sort and filter.

Sheet 1 (结果 / Results): the columns of `result_columns`, one row per agent-month, numbers as numbers
(money `#,##0.00`, score and points `0.00`, or every place of points left unrounded), rows grouped
by team with a subtotal row per team and the total under them, the header frozen, an autofilter and
column widths that fit CJK text; header, subtotals and total in bold. For a recorded month (`show`),
记录 / Record: its run, status, approval (who, when) and policy. 指标明细 / KPI details, when the results
carry their trace: each KPI's measured value (the metric it reads, or its formula value) with its
unit, then its points, in separate headed blocks. 罚则明细 / Penalties when the policy has clauses. 方案 /
Policy: the policy that produced the numbers.

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

from engine.model.plan import Plan
from engine.model.results import AgentResult
from engine.model.units import Unit
from engine.report.headings import agent_heading, display_width
from engine.report.messages import COLUMN_WORDS, PENALTY_SHEET, RECORD_SHEET, SHEETS, STATUS, heading, pick
from engine.report.month_view import RunRecord
from engine.report.number_text import grouped, number, percent
from engine.report.penalty_text import event_rows
from engine.report.result_columns import CellKind, Column, measured_columns, measured_unit, result_columns, who_columns
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
    if fmt == POINTS:
        fmt = points_format(value)
    cell.value = value
    cell.number_format = fmt
    return shown


def points_format(value: Decimal) -> str:
    """`0.00`, or as many places as the points have (33.335 → `0.000`): points the policy leaves
    unrounded (`score.round: total`) are shown whole, so the shown points add up to the shown score
    and none is rounded onto or across a bound (a rating's minimum) beside it."""
    places = -value.normalize().as_tuple().exponent
    return POINTS if places <= 2 else "0." + "0" * places


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


def _cell_value(column: Column, result: AgentResult, unit: Unit | None = None) -> tuple[object, str]:
    value = column.value(result)
    if column.cell is CellKind.TEXT or not isinstance(value, Decimal):
        return ("" if value is None else value, "")
    if column.cell is CellKind.MEASURED:
        return value, _unit_format(unit)
    return value, POINTS if column.cell is CellKind.POINTS else MONEY


def by_team(results: Sequence[AgentResult]) -> list[tuple[str, list[AgentResult]]]:
    """The results grouped by team, teams by name (agents without a team last), each team's agents in
    the results' own order; one group of everyone when no agent has a team."""
    teams: dict[str, list[AgentResult]] = {}
    for r in results:
        teams.setdefault(r.team or "", []).append(r)
    if set(teams) == {""}:
        return [("", list(results))]
    return sorted(teams.items(), key=lambda item: (item[0] == "", item[0]))


def _results_sheet(sheet: Worksheet, plan: Plan, results: Sequence[AgentResult], lang: str) -> None:
    """One row per agent-month, grouped by team with a bold subtotal row after each team (its rows
    outlined, so Excel folds a team to its subtotal), then the total of every row. A subtotal is the
    sum of the amounts shown above it, to the fen: never a formula, never a rounding of its own."""
    widths: dict[int, int] = {}
    columns = result_columns(plan, results, lang)
    write_row(sheet, 1, [(c.heading, "") for c in columns], widths)
    money = [i for i, c in enumerate(columns) if c.cell is CellKind.MONEY]
    keys = [c.key for c in columns]
    team_at = keys.index("team") if "team" in keys else None
    groups = by_team(results)
    row = 1
    bold = [1]

    def sums_row(label: str, team: str | None, members: Sequence[AgentResult]) -> None:
        nonlocal row
        row += 1
        cells: list[tuple[object, str]] = [(None, "")] * len(columns)
        cells[0] = (label, "")
        if team is not None and team_at is not None:
            cells[team_at] = (team, "")
        for i in money:
            cells[i] = (sum((columns[i].value(r) for r in members), Decimal(0)), MONEY)
        write_row(sheet, row, cells, widths)
        bold.append(row)

    for team, members in groups:
        for r in members:
            row += 1
            write_row(sheet, row, [_cell_value(c, r) for c in columns], widths)
            if team_at is not None:
                sheet.row_dimensions[row].outlineLevel = 1
        if team_at is not None:
            shown = team or pick(COLUMN_WORDS["no_team"], lang)
            sums_row(f"{shown} {pick(COLUMN_WORDS['subtotal'], lang)}", team, members)
    last = row
    sums_row(heading("sum", lang), None, results)
    for at in bold:
        bold_row(sheet, at)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
    fit_columns(sheet, widths)


def _unit_format(unit: Unit | None) -> str:
    return {Unit.RATIO: PERCENT, Unit.PERCENT: PERCENT, Unit.MONEY: MONEY}.get(unit, GENERAL) if unit else GENERAL


def _details_sheet(sheet: Worksheet, plan: Plan, results: Sequence[AgentResult], lang: str) -> None:
    """Who, then every KPI's measured value (实际值, with its unit), then every KPI's points (得分):
    each in its own headed block, rows in the results sheet's order."""
    widths: dict[int, int] = {}
    who = [*who_columns(plan, results, lang), Column("period", heading("period", lang), CellKind.TEXT,
                                                     lambda r: r.period)]
    measured = measured_columns(plan, lang)
    units = [measured_unit(plan, c.key.partition(":")[2]) for c in measured]
    points = [c for c in result_columns(plan, results, lang) if c.key.startswith("kpi:")]
    columns = [*who, *measured, *points]
    write_row(sheet, 1, [(c.heading, "") for c in columns], widths)
    bold_row(sheet, 1)
    row = 1
    for _, members in by_team(results):
        for r in members:
            row += 1
            write_row(sheet, row, [*(_cell_value(c, r) for c in who),
                                   *(_cell_value(c, r, u) for c, u in zip(measured, units, strict=True)),
                                   *(_cell_value(c, r) for c in points)], widths)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{row}"
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
    named = any(r.name for r in results)  # 姓名 only where the roster gave names
    keep = [i for i in range(len(PENALTY_SHEET)) if named or i != 1]
    titles = [pick(PENALTY_SHEET[i], lang) for i in keep]
    titles[0] = agent_heading(plan, lang)
    write_row(sheet, 1, [(t, "") for t in titles], widths)
    row = 1
    for result in results:
        for clause, label, rules, period, at, order, value, amount, source, sentence in event_rows(plan, result, lang):
            row += 1
            cells: list[tuple[object, str]] = [
                (result.agent, ""), (result.name, ""), (clause, ""), (label, ""), (rules, ""), (period, ""), (at, ""),
                (order, ""), (value, GENERAL), (amount, MONEY), (source, ""), (sentence, "")]
            write_row(sheet, row, [cells[i] for i in keep], widths)
    bold_row(sheet, 1)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{row}"
    fit_columns(sheet, widths)


def _record_sheet(sheet: Worksheet, plan: Plan, record: RunRecord, lang: str) -> None:
    """Which recorded run the workbook shows: its id and status, when it was recorded, who approved
    it and when (UTC), and the policy and jixiao that produced it."""
    widths: dict[int, int] = {}
    words = RECORD_SHEET
    approval = record.approval
    not_approved = pick(words["not_approved"], lang)
    status = "approved" if approval is not None else record.status
    rows: list[tuple[str, object]] = [
        ("period", record.period), ("run", Decimal(record.run)), ("status", pick(STATUS[status], lang)),
        ("recorded_at", record.recorded_at), ("approved_by", approval.by if approval else not_approved),
        ("approved_at", approval.at if approval else ""), ("policy_id", plan.policy.id),
        ("policy_version", plan.policy.version), ("policy_sha256", plan.policy.sha256),
        ("jixiao", record.jixiao_version)]
    for row, (key, value) in enumerate(rows, start=1):
        write_row(sheet, row, [(pick(words[key], lang), ""), (value, GENERAL)], widths)
    for row in range(1, len(rows) + 1):
        sheet.cell(row=row, column=1).font = Font(bold=True)
    fit_columns(sheet, widths)


def to_xlsx(plan: Plan, results: Sequence[AgentResult], lang: str = "zh", record: RunRecord | None = None) -> bytes:
    """The workbook as bytes; the KPI details sheet needs results evaluated with `trace=True`. A
    recorded month (`record`) has a 记录 sheet first after the results: its run, approval and policy."""
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_name("results", lang)
    _results_sheet(sheet, plan, results, lang)
    if record is not None:
        _record_sheet(book.create_sheet(_sheet_name("record", lang)), plan, record, lang)
    if results and all(r.trace is not None for r in results):
        if plan.kpis:  # a policy without a scorecard (S4) has no KPI to detail: no empty sheet
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
