"""Stage 6, report: results as a terminal table, JSON or CSV (XLSX in `xlsx_report`), repeatable.

Every format names the policy id, version and sha256 that produced it and writes numbers as
plain decimal text (never `1E+3`, never `-0.00`). CSV is UTF-8 with a BOM and headers in the
reader's language, so Chinese Excel opens it as it is; JSON keeps ids for scripts. Files are
written whole or not at all by `atomic_write`.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Sequence
from decimal import Decimal

from engine.policy.compile import Plan
from engine.report.atomic_write import write_atomic
from engine.report.messages import heading
from engine.report.number_text import number
from engine.report.safe_text import for_csv, for_terminal, json_safe
from engine.run.evaluate import AgentResult

__all__ = ["heading", "money_unit", "number", "policy_ref", "render", "write_atomic"]

FIXED = ("agent", "name", "period", "score", "rating")
CSV_BOM = "\ufeff"


def money_unit(plan: Plan, lang: str) -> str:
    """How amounts are named: 元 for yuan in Chinese, else the policy's currency code."""
    currency = plan.policy.currency
    return "元" if lang == "zh" and currency.upper() in ("CNY", "RMB") else currency


def policy_ref(plan: Plan) -> dict[str, str]:
    return {"id": plan.policy.id, "version": plan.policy.version, "sha256": plan.policy.sha256}


def _plain(pairs: tuple[tuple[str, Decimal], ...]) -> dict[str, str]:
    """`number` over (name, value) pairs, inlined: this runs 240,000 times for a large firm's year
    and a call per value cost a fifth of the JSON report's time."""
    return {k: t if (t := format(v, "f"))[0] != "-" or v else t[1:] for k, v in pairs}


def to_json(plan: Plan, results: Sequence[AgentResult]) -> str:
    """One result per line: readable and diffable, and written by json's C encoder (an indented
    dump falls back to the pure-Python one, which took seconds for a large firm's year)."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    lines = [
        "    " + encode({
            "agent": r.agent,
            "period": r.period,
            "score": number(r.score),
            "rating": r.rating,
            **({"choices": dict(r.choices)} if r.choices else {}),
            "kpis": _plain(r.kpis),
            "pay": {"total": number(r.total), "components": _plain(r.pay)},
            **({"penalties": _plain(r.penalties)} if r.penalties else {}),
        })
        for r in results
    ]
    head = f'{{\n  "policy": {encode(policy_ref(plan))},\n  "results": ['
    body = "\n" + ",\n".join(lines) + "\n  " if lines else ""
    return json_safe(f"{head}{body}]\n}}\n")


def labels(plan: Plan, lang: str) -> tuple[list[str], list[str]]:
    """The KPI and pay-component column headings, in plan order."""
    kpi_steps = [s for s in plan.steps if s.kind == "kpi"]
    kpis = [s.label.text(lang) for s in kpi_steps]
    pay_labels = {s.name: s.label.text(lang) for s in plan.steps if s.kind.startswith("pay")}
    return kpis, [pay_labels[p] for p in plan.pay]


def choice_metrics(plan: Plan) -> list:
    """The choice metrics (考核结果), each shown as a text column after the rating."""
    return [m for m in plan.metrics if m.type == "choice"]


def choice_text(plan: Plan, name: str, value: str | None, lang: str) -> str:
    """A choice metric's value by its label (优秀); the id where the label is unknown."""
    found = plan.choice_labels(name).get(value) if value is not None else None
    return found[0].text(lang) if found is not None else value or ""


def choice_cells(plan: Plan, result: AgentResult, lang: str) -> list[str]:
    return [choice_text(plan, name, value, lang) for name, value in result.choices]


def header(plan: Plan, lang: str) -> list[str]:
    kpis, pay = labels(plan, lang)
    choices = [m.label.text(lang) for m in choice_metrics(plan)]
    return [heading(k, lang) for k in FIXED] + choices + kpis + pay + [heading("total", lang)]


def rating_text(plan: Plan, rating: str | None, lang: str) -> str:
    if rating is None:
        return ""
    label = plan.ratings.get(rating)
    return label.text(lang) if label is not None else rating


def _rows(plan: Plan, results: Sequence[AgentResult], lang: str) -> list[list[str]]:
    rows = [header(plan, lang)]
    for r in results:
        rows.append([r.agent, r.name, r.period, number(r.score), rating_text(plan, r.rating, lang),
                     *choice_cells(plan, r, lang), *(number(v) for _, v in r.kpis),
                     *(number(v) for _, v in r.pay), number(r.total)])
    return rows


def to_csv(plan: Plan, results: Sequence[AgentResult], lang: str = "zh") -> str:
    """CSV for Excel: BOM, headings in `lang`, each row naming the policy that produced it.

    Text cells that a spreadsheet would run as a formula get a leading `'`; numbers are plain."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    stamp = [for_csv(v) for v in policy_ref(plan).values()]
    text_columns = {0, 1, 2, 4, *range(5, 5 + len(choice_metrics(plan)))}
    for index, row in enumerate(_rows(plan, results, lang)):
        if index == 0:
            cells = [for_csv(c) for c in row] + [heading(k, lang) for k in ("policy_id", "policy_version",
                                                                           "policy_sha256")]
        else:
            cells = [for_csv(c) if i in text_columns else c for i, c in enumerate(row)] + stamp
        writer.writerow(cells)
    return CSV_BOM + buffer.getvalue()


def display_width(text: str) -> int:
    """Terminal (and spreadsheet) columns: CJK characters take two, so Chinese lines up."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * (width - display_width(text))
    return space + text if right else text + space


def to_table(plan: Plan, results: Sequence[AgentResult], lang: str = "zh") -> str:
    """An aligned table for the terminal; cell text has its control characters made visible."""
    rows = [[for_terminal(cell) for cell in row] for row in _rows(plan, results, lang)]
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    text_columns = {4, *range(5, 5 + len(choice_metrics(plan)))}
    numeric = [i >= 3 and i not in text_columns for i in range(len(rows[0]))]
    title = for_terminal(plan.policy.name.text(lang))
    policy = for_terminal(f"{plan.policy.id} {plan.policy.version}")
    lines = [f"{title} · {policy} · sha256 {plan.policy.sha256[:12]}"]
    for index, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, widths[i], numeric[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    total = number(sum((r.total for r in results), Decimal(0)))
    unit = for_terminal(money_unit(plan, lang))
    if lang == "zh":
        lines.append(f"合计：{len(results)} 人 · 应发 {total} {unit}")
    else:
        lines.append(f"Total: {len(results)} agent(s) · {total} {unit}")
    return "\n".join(lines) + "\n"


def render(plan: Plan, results: Sequence[AgentResult], fmt: str, lang: str = "zh") -> bytes:
    """The report in `fmt` as bytes (text formats in UTF-8)."""
    if fmt == "json":
        return to_json(plan, results).encode()
    if fmt == "csv":
        return to_csv(plan, results, lang).encode()
    if fmt == "xlsx":
        from engine.report.xlsx import to_xlsx

        return to_xlsx(plan, results, lang)
    return to_table(plan, results, lang).encode()
