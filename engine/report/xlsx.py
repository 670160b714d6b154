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
The sheets are written row by row (engine.report.xlsx_writer), each distinct cell made once, so a
month of 100,000 agents holds no cell objects; the bytes are those openpyxl wrote for the same cells
(a sheet over 4 MiB of XML deflated faster), and the same inputs give the same bytes.
The KPI details and penalties sheets read each result's trace: the KPI sources' values and the
penalty facts (8 of the S0 trace's 43 values); the caller evaluates with `trace=True` for them.
A large month's workbook is written from its result columns instead (engine.report.frame_xlsx, byte
for byte this one, which stays its definition), with no trace and no object per agent.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from decimal import Decimal

from openpyxl.cell.cell import Cell as OpenpyxlCell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from engine.collector import cycle_collection_paused
from engine.model.plan import Plan
from engine.model.results import AgentResult
from engine.model.units import Unit
from engine.report.headings import agent_heading
from engine.report.messages import COLUMN_WORDS, PENALTY_SHEET, RECORD_SHEET, SHEETS, STATUS, heading, pick
from engine.report.month_view import RunRecord
from engine.report.penalty_text import event_rows
from engine.report.result_columns import CellKind, Column, measured_columns, measured_unit, result_columns, who_columns
from engine.report.xlsx_writer import (
    ARCHIVE_DATE,
    GENERAL,
    MONEY,
    PERCENT,
    POINTS,
    Book,
    Cell,
    Sheet,
    column_letter,
    column_width,
    number_cell,
    text_cell,
)

__all__ = ["MONEY", "POINTS", "by_team", "fit_columns", "stable_xlsx", "to_xlsx", "write_row"]
_KEPT = 50_000  # cells remembered per kind: teams, months and points repeat; agent ids and amounts hardly


class _Cells:
    """Each value's cell, made once: down a column most values repeat (a team, the month, full points,
    a grade's base pay), and making a cell (digits, widths, the XML) costs more than finding it.
    Numbers are found by their text (points 25.0 and 25.00 show differently); a cache that grows past
    `_KEPT` cells (unique values: agent ids, amounts) starts again, so memory stays flat."""

    def __init__(self) -> None:
        self.texts: dict[str, Cell] = {}
        self.numbers: dict[str, dict[str, Cell]] = {}

    def text(self, value: str) -> Cell:
        found = self.texts.get(value)
        if found is None:
            if len(self.texts) >= _KEPT:
                self.texts.clear()
            found = self.texts[value] = text_cell(value)
        return found

    def number(self, value: Decimal, fmt: str) -> Cell:
        table = self.numbers.setdefault(fmt, {})
        key = str(value)
        found = table.get(key)
        if found is None:
            if len(table) >= _KEPT:
                table.clear()
            found = table[key] = number_cell(value, fmt)
        return found

    def of(self, value: object, fmt: str) -> Cell | None:
        """The cell of a (value, format) pair: None is no cell, Decimal a number in `fmt`, else text."""
        if value is None:
            return None
        return self.number(value, fmt) if isinstance(value, Decimal) else self.text(str(value))

    def column(self, values: Sequence[object], fmt: str) -> list[Cell]:
        """A column's cells: Decimal values are numbers in `fmt`, anything else text (None empty)."""
        texts, numbers = self.texts, self.numbers.setdefault(fmt, {})
        found: list[Cell] = []
        for value in values:  # one of the hot loops: a cell per agent per column
            if isinstance(value, Decimal):
                key = str(value)
                cell = numbers.get(key)
                if cell is None:
                    cell = self.number(value, fmt)
            else:
                key = "" if value is None else value if isinstance(value, str) else str(value)
                cell = texts.get(key)
                if cell is None:
                    cell = self.text(key)
            found.append(cell)
        return found


def _format(column: Column, unit: Unit | None = None) -> str:
    """The number format of a column's numbers (a text column has none)."""
    if column.cell is CellKind.MEASURED:
        return _unit_format(unit)
    return {CellKind.TEXT: "", CellKind.POINTS: POINTS, CellKind.MONEY: MONEY}[column.cell]


def _write(sheet: Sheet, columns: Sequence[Column], formats: Sequence[str], results: Sequence[AgentResult],
           cells: _Cells, *, outline: bool = False) -> list[list[object]]:
    """One row per result, made column by column; returns each column's values."""
    values = [[column.value(r) for r in results] for column in columns]
    sheet.extend([cells.column(found, fmt) for found, fmt in zip(values, formats, strict=True)], outline=outline)
    return values


def by_team(results: Sequence[AgentResult]) -> list[tuple[str, list[AgentResult]]]:
    """The results grouped by team, teams by name (agents without a team last), each team's agents in
    the results' own order; one group of everyone when no agent has a team."""
    teams: dict[str, list[AgentResult]] = {}
    for r in results:
        teams.setdefault(r.team or "", []).append(r)
    if set(teams) == {""}:
        return [("", list(results))]
    return sorted(teams.items(), key=lambda item: (item[0] == "", item[0]))


def sums_cells(cells: _Cells, width: int, money: Sequence[int], team_at: int | None, label: str, team: str | None,
               sums: Sequence[Decimal]) -> list[Cell | None]:
    """A subtotal or total row's cells: its label, the team's name where the sheet shows teams, and the
    sums under the money columns; the same row whichever writer (per result, or from columns) makes it."""
    row: list[Cell | None] = [None] * width
    row[0] = cells.text(label)
    if team is not None and team_at is not None:
        row[team_at] = cells.text(team)
    for i, total in zip(money, sums, strict=True):
        row[i] = cells.number(total, MONEY)
    return row


def _results_sheet(sheet: Sheet, plan: Plan, results: Sequence[AgentResult], lang: str, cells: _Cells) -> None:
    """One row per agent-month, grouped by team with a bold subtotal row after each team (its rows
    outlined, so Excel folds a team to its subtotal), then the total of every row. A subtotal is the
    sum of the amounts shown above it, to the fen: never a formula, never a rounding of its own."""
    columns = result_columns(plan, results, lang)
    width = len(columns)
    sheet.append([cells.text(c.heading) for c in columns], bold=width)
    formats = [_format(c) for c in columns]
    money = [i for i, c in enumerate(columns) if c.cell is CellKind.MONEY]
    keys = [c.key for c in columns]
    team_at = keys.index("team") if "team" in keys else None

    def sums_row(label: str, team: str | None, sums: Sequence[Decimal]) -> None:
        sheet.append(sums_cells(cells, width, money, team_at, label, team, sums), bold=width)

    for team, members in by_team(results):
        values = _write(sheet, columns, formats, members, cells, outline=team_at is not None)
        if team_at is not None:
            shown = team or pick(COLUMN_WORDS["no_team"], lang)
            sums_row(f"{shown} {pick(COLUMN_WORDS['subtotal'], lang)}", team,
                     [sum(values[i], Decimal(0)) for i in money])
    last = sheet.rows
    sums_row(heading("sum", lang), None, [sum((columns[i].value(r) for r in results), Decimal(0)) for i in money])
    sheet.frozen = True
    sheet.filter = f"A1:{column_letter(width)}{last}"


def _unit_format(unit: Unit | None) -> str:
    return {Unit.RATIO: PERCENT, Unit.PERCENT: PERCENT, Unit.MONEY: MONEY}.get(unit, GENERAL) if unit else GENERAL


def _details_sheet(sheet: Sheet, plan: Plan, results: Sequence[AgentResult], lang: str, cells: _Cells) -> None:
    """Who, then every KPI's measured value (实际值, with its unit), then every KPI's points (得分):
    each in its own headed block, rows in the results sheet's order."""
    who = [*who_columns(plan, results, lang), Column("period", heading("period", lang), CellKind.TEXT,
                                                     lambda r: r.period)]
    measured = measured_columns(plan, lang)
    units = [measured_unit(plan, c.key.partition(":")[2]) for c in measured]
    points = [c for c in result_columns(plan, results, lang) if c.key.startswith("kpi:")]
    columns = [*who, *measured, *points]
    sheet.append([cells.text(c.heading) for c in columns], bold=len(columns))
    formats = [*(_format(c) for c in who), *(_format(c, u) for c, u in zip(measured, units, strict=True)),
               *(_format(c) for c in points)]
    for _, members in by_team(results):
        _write(sheet, columns, formats, members, cells)
    sheet.frozen = True
    sheet.filter = f"A1:{column_letter(len(columns))}{sheet.rows}"


def _policy_sheet(sheet: Sheet, plan: Plan, lang: str, cells: _Cells) -> None:
    policy = plan.policy
    rows = [("id", "方案编号", policy.id), ("version", "版本", policy.version),
            ("name", "名称", policy.name.text(lang)), ("sha256", "sha256", policy.sha256),
            ("currency", "货币", policy.currency)]
    for en, zh, value in rows:
        sheet.append([cells.text(zh if lang == "zh" else en), cells.of(value, "")])


def _penalties_sheet(sheet: Sheet, plan: Plan, results: Sequence[AgentResult], lang: str, cells: _Cells) -> None:
    """Every event behind a clause that fired, each clause that came close, each deduction: a
    manager filters it by agent or clause in Excel."""
    named = any(r.name for r in results)  # 姓名 only where the roster gave names
    keep = [i for i in range(len(PENALTY_SHEET)) if named or i != 1]
    titles = [pick(PENALTY_SHEET[i], lang) for i in keep]
    titles[0] = agent_heading(plan, lang)
    sheet.append([cells.text(t) for t in titles], bold=len(titles))
    for result in results:
        for clause, label, rules, period, at, order, value, amount, source, sentence in event_rows(plan, result, lang):
            row = [(result.agent, ""), (result.name, ""), (clause, ""), (label, ""), (rules, ""), (period, ""),
                   (at, ""), (order, ""), (value, GENERAL), (amount, MONEY), (source, ""), (sentence, "")]
            sheet.append([cells.of(*row[i]) for i in keep])
    sheet.frozen = True
    sheet.filter = f"A1:{column_letter(len(titles))}{sheet.rows}"


def _record_sheet(sheet: Sheet, plan: Plan, record: RunRecord, lang: str, cells: _Cells) -> None:
    """Which recorded run the workbook shows: its id and status, when it was recorded, who approved
    it and when (UTC), and the policy and jixiao that produced it."""
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
    for key, value in rows:
        sheet.append([cells.text(pick(words[key], lang)), cells.of(value, GENERAL)], bold=1)


@cycle_collection_paused()  # its cells are acyclic; collections would rescan every result and trace held
def to_xlsx(plan: Plan, results: Sequence[AgentResult], lang: str = "zh", record: RunRecord | None = None) -> bytes:
    """The workbook as bytes; the KPI details sheet needs results evaluated with `trace=True`. A
    recorded month (`record`) has a 记录 sheet first after the results: its run, approval and policy."""
    book = Book()
    cells = _Cells()
    with book.sheet(pick(SHEETS["results"], lang)) as sheet:
        _results_sheet(sheet, plan, results, lang, cells)
    if record is not None:
        with book.sheet(pick(SHEETS["record"], lang)) as sheet:
            _record_sheet(sheet, plan, record, lang, cells)
    if results and all(r.trace is not None for r in results):
        if plan.kpis:  # a policy without a scorecard (S4) has no KPI to detail: no empty sheet
            with book.sheet(pick(SHEETS["details"], lang)) as sheet:
                _details_sheet(sheet, plan, results, lang, cells)
        if plan.penalties:
            with book.sheet(pick(SHEETS["penalties"], lang)) as sheet:
                _penalties_sheet(sheet, plan, results, lang, cells)
    with book.sheet(pick(SHEETS["policy"], lang)) as sheet:
        _policy_sheet(sheet, plan, lang, cells)
    return book.save()


# -- openpyxl's cells, for the workbooks still built with openpyxl (the payslips, the examples' metrics) --


def _number(cell: OpenpyxlCell, value: Decimal, fmt: str) -> Cell:
    """A numeric cell in `fmt`, or its digits as right-aligned text where Excel would round it."""
    return _put(cell, number_cell(value, fmt))


def _put(cell: OpenpyxlCell, made: Cell) -> Cell:
    cell.value = made.value
    if isinstance(made.value, str):
        cell.data_type = "s"
        if made.style.quoted:
            cell.quotePrefix = True  # Excel's own "this is text" mark, kept when the cell is edited
        if made.style.right:
            cell.alignment = Alignment(horizontal="right")
    else:
        cell.number_format = made.style.format
    return made


def fit_columns(sheet: Worksheet, widths: dict[int, int]) -> None:
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = column_width(width)


def write_row(sheet: Worksheet, row: int, values: Sequence[tuple[object, str]], widths: dict[int, int]) -> None:
    """Write one row of (value, format) pairs: str is text, Decimal is a number in that format."""
    for column, (value, fmt) in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if value is None:
            continue
        made = _number(cell, value, fmt) if isinstance(value, Decimal) else _put(cell, text_cell(str(value)))
        widths[column] = max(widths.get(column, 0), made.width)


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
            info = zipfile.ZipInfo(item.filename, date_time=ARCHIVE_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()
