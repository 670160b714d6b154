"""A month's payslips as the files of one folder: each agent's HTML page and her own 工资条 workbook
(for sending), and the workbook of every agent's strip (for printing and cutting).

File names are made from the month and the agent's id and name, reduced to characters every file
system and mail client takes (ids and names come from data files); two agents whose names reduce
alike are told apart by a number, so no file replaces another.
"""

from __future__ import annotations

import re

from engine.report.messages import PAYSLIP, pick
from engine.report.month_view import MonthView
from engine.report.payslip_html import payslip_html
from engine.report.payslip_xlsx import payslip_workbook
from engine.report.statement import Statement, statement

_UNSAFE = re.compile(r"[^\w.-]+")
NAME_LIMIT = 80  # characters of a file name made from data (well under every file system's 255 bytes)


def file_stem(*parts: str) -> str:
    """`2026-10_1001_林晓`: word characters (CJK included), dots and hyphens; never hidden, never empty."""
    text = "_".join(_UNSAFE.sub("_", part).strip("._") for part in parts if part)
    return (text.lstrip(".") or "_")[:NAME_LIMIT]


def statements(month: MonthView, lang: str) -> list[Statement]:
    """Every agent's payslip, in the order of the month's results."""
    return [statement(month.plan, o, month.decisions_for(o.result.agent), month.recorded, lang)
            for o in month.outcomes]


def payslip_files(month: MonthView, lang: str) -> dict[str, bytes]:
    """{file name: bytes} for the folder: the month's workbook, then each agent's page and workbook."""
    slips = statements(month, lang)
    title = pick(PAYSLIP["title"], lang) if lang == "zh" else "payslips"
    files = {f"{file_stem(title, month.period)}.xlsx": payslip_workbook(month.plan, month, slips, lang)}
    taken: set[str] = set()
    for slip in slips:
        stem = file_stem(month.period, slip.agent, slip.name)
        unique, number = stem, 1
        while unique.casefold() in taken:
            number += 1
            unique = f"{stem}_{number}"
        taken.add(unique.casefold())
        files[f"{unique}.html"] = payslip_html(month.plan, month, slip, lang)
        files[f"{unique}.xlsx"] = payslip_workbook(month.plan, month, [slip], lang)
    return files
