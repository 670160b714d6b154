"""Stage 6, report: results as a terminal table, JSON, CSV or XLSX, byte-for-byte repeatable.

Every format names the policy id, version and sha256 that produced it, writes numbers as exact
decimal strings, and is written to disk only whole (a temporary file renamed into place), so a
failed run never leaves a half-written report behind.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from engine.compile import Plan
from engine.evaluate import AgentResult

HEADINGS = {
    "agent": ("工号", "Agent"),
    "name": ("姓名", "Name"),
    "period": ("月份", "Period"),
    "score": ("得分", "Score"),
    "rating": ("评级", "Rating"),
    "total": ("应发合计", "Total"),
}


def number(value: Decimal | None) -> str | None:
    """A Decimal as plain digits (never `1E+3`), so reports read the same in every tool."""
    return None if value is None else format(value, "f")


def heading(key: str, lang: str) -> str:
    zh, en = HEADINGS[key]
    return zh if lang == "zh" else en


def policy_ref(plan: Plan) -> dict[str, str]:
    return {"id": plan.policy.id, "version": plan.policy.version, "sha256": plan.policy.sha256}


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
            "kpis": {name: number(points) for name, points in r.kpis},
            "pay": {"total": number(r.total), "components": {k: number(v) for k, v in r.pay}},
        })
        for r in results
    ]
    head = f'{{\n  "policy": {encode(policy_ref(plan))},\n  "results": ['
    body = "\n" + ",\n".join(lines) + "\n  " if lines else ""
    return f"{head}{body}]\n}}\n"


def _rows(plan: Plan, results: Sequence[AgentResult], lang: str, *, ids: bool) -> list[list[str]]:
    kpi_steps = [s for s in plan.steps if s.kind == "kpi"]
    kpi_labels = {k: s.label.text(lang) for k, s in zip(plan.kpis, kpi_steps, strict=True)}
    pay_labels = {s.name: s.label.text(lang) for s in plan.steps if s.kind.startswith("pay")}
    rating_labels = {k: v.text(lang) for k, v in plan.ratings.items()}
    fixed = ["agent", "name", "period", "score", "rating"]
    header = fixed + list(plan.kpis) + list(plan.pay) + ["total"]
    if not ids:
        header = ([heading(k, lang) for k in fixed] + [kpi_labels[k] for k in plan.kpis]
                  + [pay_labels[p] for p in plan.pay] + [heading("total", lang)])
    rows = [header]
    for r in results:
        rating = r.rating if ids else rating_labels.get(r.rating or "", r.rating or "")
        rows.append([r.agent, r.name, r.period, number(r.score), rating or "",
                     *(number(v) for _, v in r.kpis), *(number(v) for _, v in r.pay), number(r.total)])
    return rows


def to_csv(plan: Plan, results: Sequence[AgentResult]) -> str:
    """CSV with id headers (stable for scripts); each row names the policy that produced it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    stamp = list(policy_ref(plan).values())
    for index, row in enumerate(_rows(plan, results, "en", ids=True)):
        writer.writerow(row + (["policy_id", "policy_version", "policy_sha256"] if index == 0 else stamp))
    return buffer.getvalue()


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two, so Chinese names still line up."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * (width - _width(text))
    return space + text if right else text + space


def to_table(plan: Plan, results: Sequence[AgentResult], lang: str = "zh") -> str:
    rows = _rows(plan, results, lang, ids=False)
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    numeric = [i >= 3 and i != 4 for i in range(len(rows[0]))]
    title = plan.policy.name.text(lang)
    lines = [f"{title} · {plan.policy.id} {plan.policy.version} · sha256 {plan.policy.sha256[:12]}"]
    for index, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, widths[i], numeric[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    total = sum((r.total for r in results), Decimal(0))
    label = "合计" if lang == "zh" else "Sum"
    lines.append(f"{label}: {len(results)} · {number(total)} {plan.policy.currency}")
    return "\n".join(lines) + "\n"


def to_xlsx(plan: Plan, results: Sequence[AgentResult], lang: str = "zh") -> bytes:
    """A results sheet (numbers as numbers, so Excel can sum them) and a sheet naming the policy."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "结果" if lang == "zh" else "Results"
    for row_index, row in enumerate(_rows(plan, results, lang, ids=False)):
        sheet.append([cell if row_index == 0 or i < 5 else Decimal(cell) for i, cell in enumerate(row)])
    info = book.create_sheet("方案" if lang == "zh" else "Policy")
    for key, value in policy_ref(plan).items():
        info.append([key, value])
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


def render(plan: Plan, results: Sequence[AgentResult], fmt: str, lang: str = "zh") -> bytes:
    """The report in `fmt` as bytes (text formats in UTF-8)."""
    if fmt == "json":
        return to_json(plan, results).encode()
    if fmt == "csv":
        return to_csv(plan, results).encode()
    if fmt == "xlsx":
        return to_xlsx(plan, results, lang)
    return to_table(plan, results, lang).encode()


def write_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write all of `data` or nothing: a temporary file beside `path`, renamed over it."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
