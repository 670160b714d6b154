"""The 工资条 workbook as Chinese offices print it: for each agent a heading row, her row under it and an
empty row to cut along, so every strip of paper (or every row pasted into a message) names its columns.

The columns: who (工号, 姓名, 组别, 岗位, 等级), the month, score and rating, each KPI's points, every
pay line, what was added after evaluation, the total paid, and the flags raised (S1.5) when the policy has
any. Numbers are numbers (money `#,##0.00`),
text cells are text (never formulas), the policy that produced the month is on its own sheet, and
the same month gives the same bytes (openpyxl's stamps are fixed by `stable_xlsx`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Border, Font, PatternFill, Side

from engine.model.plan import Plan
from engine.report.headings import agent_heading, money_unit
from engine.report.messages import COLUMN_WORDS, HEADINGS, PAYSLIP, pick
from engine.report.month_view import MonthView
from engine.report.statement import Statement
from engine.report.xlsx import MONEY, POINTS, fit_columns, stable_xlsx, write_row

HEAD_FILL = PatternFill("solid", fgColor="DDE4EC")
DASHED = Border(bottom=Side(style="dashed", color="999999"))


# "columns": the roster columns the policy carries (`roster.carry`: 工号, 部门 …), after the name.
# "choices": each choice metric (考核结果), after the rating.
WHO = ("agent", "name", "columns", "team", "role", "grade", "period", "score", "rating", "choices")


def _filled(slips: Sequence[Statement]) -> list[str]:
    """The columns of who, month, score and rating that some agent has a value in (no roster: no 姓名;
    no teams: no 组别; no ratings: no 评级): a column nothing fills is left out."""
    return [key for key in WHO if any(getattr(slip, key) not in ("", None, ()) for slip in slips)]


def _who_titles(plan: Plan, slips: Sequence[Statement], lang: str) -> list[str]:
    titles = []
    for key in _filled(slips):
        if key in ("columns", "choices"):
            titles += [heading for heading, _ in getattr(slips[0], key)]
        else:
            titles.append(agent_heading(plan, lang) if key == "agent" else pick(HEADINGS[key], lang))
    return titles


def _titles(plan: Plan, slips: Sequence[Statement], lang: str) -> list[str]:
    unit = money_unit(plan, lang)
    who = _who_titles(plan, slips, lang)
    sample = slips[0]
    kpis = [f"{k.label} {pick(PAYSLIP['kpi_points'], lang)}" for k in sample.kpis]
    def titled(label: str) -> str:
        return f"{label}（{unit}）" if lang == "zh" else f"{label} ({unit})"

    # Each group's subtotal (当月奖金小计) right after its last line.
    pay = [title for p in sample.pay
           for title in [titled(p.label), *(titled(g.label) for g in sample.groups if g.after == p.name)]]
    after = [pick(PAYSLIP["after"], lang)] if any(s.after for s in slips) else []
    flags = [pick(COLUMN_WORDS["flags"], lang)] if plan.flags else []  # S1.5, after the total
    return who + kpis + pay + after + [pick(PAYSLIP["total"], lang)] + flags


def _values(slip: Statement, columns: Sequence[str], with_after: bool, flags: bool) -> list[tuple[object, str]]:
    cells: list[tuple[object, str]] = []
    for key in columns:
        if key in ("columns", "choices"):
            cells += [(value, "") for _, value in getattr(slip, key)]
        else:
            cells.append((getattr(slip, key), POINTS if key == "score" else ""))
    cells += [(k.points, POINTS) for k in slip.kpis]
    # Each group's subtotal right after its last line, as the titles place it.
    cells += [cell for p in slip.pay for cell in [(p.amount, MONEY)]
              + [(g.amount, MONEY) for g in slip.groups if g.after == p.name]]
    if with_after:
        cells.append((sum((amount for _, amount in slip.after), Decimal(0)), MONEY))
    cells.append((slip.total, MONEY))
    if flags:
        cells.append((slip.flags, ""))
    return cells


def payslip_workbook(plan: Plan, month: MonthView, slips: Sequence[Statement], lang: str) -> bytes:
    """Every agent's strip (heading row, her row, a row to cut along) on one sheet, the policy on another."""
    book = Workbook()
    sheet = book.active
    sheet.title = pick(PAYSLIP["sheet"], lang)
    widths: dict[int, int] = {}
    if slips:
        titles = _titles(plan, slips, lang)
        with_after = any(s.after for s in slips)
        columns = _filled(slips)
        row = 1
        for slip in slips:
            write_row(sheet, row, [(t, "") for t in titles], widths)
            for cell in sheet[row]:
                cell.font = Font(bold=True)
                cell.fill = HEAD_FILL
            write_row(sheet, row + 1, _values(slip, columns, with_after, bool(plan.flags)), widths)
            for cell in sheet[row + 1]:
                cell.border = DASHED
            row += 3
    fit_columns(sheet, widths)
    # Printed landscape, every column on the page's width, so each strip prints whole and can be cut.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    _policy_sheet(book.create_sheet(pick(PAYSLIP["sheet_policy"], lang)), plan, month, lang)
    buffer = io.BytesIO()
    book.save(buffer)
    return stable_xlsx(buffer.getvalue())


def _policy_sheet(sheet, plan: Plan, month: MonthView, lang: str) -> None:
    words = {key: pick(pair, lang) for key, pair in PAYSLIP.items()}
    policy = plan.policy
    run = words["run_id"].format(run=month.run_id) if month.run_id is not None else words["not_recorded"]
    rows = [(pick(HEADINGS["policy_id"], lang), policy.id), (pick(HEADINGS["policy_version"], lang), policy.version),
            (words["policy"], policy.name.text(lang)), (pick(HEADINGS["policy_sha256"], lang), policy.sha256),
            *([(pick(HEADINGS["policy_content_sha256"], lang), policy.content_sha256)] if policy.dated else []),
            (pick(HEADINGS["period"], lang), month.period), (words["run"], run)]
    if month.approval is not None:
        rows.append((words["approved"].split("：")[0] if lang == "zh" else "approved",
                     f"{month.approval.by} {month.approval.at}"))
    widths: dict[int, int] = {}
    for index, (key, value) in enumerate(rows, start=1):
        write_row(sheet, index, [(key, ""), (value, "")], widths)
    fit_columns(sheet, widths)
