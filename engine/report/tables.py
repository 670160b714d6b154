"""Stage 6, report: results as a terminal table, JSON or CSV (XLSX in `xlsx`), repeatable.

Every format names the policy id, version and sha256 that produced it and writes numbers as
plain decimal text (never `1E+3`, never `-0.00`). CSV is UTF-8 with a BOM and headers in the
reader's language, so Chinese Excel opens it as it is. The table and CSV have the columns of
`result_columns` (a column nothing fills is left out). JSON keeps ids for scripts and one stable
schema whatever the data holds: every key is always there (`rating` null when no rating applies;
a policy without a scorecard, S4, has no `score`, `rating` or `kpis` at all, never a made-up 0),
and no roster column is added, so a script reads any month the same way and a recorded month's
JSON, whose digest the ledger keeps, renders again byte for byte. Files are written whole or not
at all by `atomic_write`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal

from engine.model.plan import Plan
from engine.model.results import AgentResult
from engine.report.headings import carried, display_width, money_unit, scored
from engine.report.messages import counted, heading
from engine.report.month_view import RunRecord
from engine.report.number_text import number
from engine.report.result_columns import CellKind, Column, result_columns
from engine.report.safe_text import for_csv, for_terminal, json_safe

__all__ = ["policy_in_force", "policy_ref", "render", "to_csv", "to_json", "to_table"]

CSV_BOM = "\ufeff"


def policy_ref(plan: Plan) -> dict[str, str]:
    return {"id": plan.policy.id, "version": plan.policy.version, "sha256": plan.policy.sha256}


def policy_in_force(plan: Plan) -> dict[str, object]:
    """The policy reference of a JSON result: with dated values (engine.policy.dated), also the sha256
    of the content in force for the period and each dated entry used (where, from, to, value, file:line)."""
    ref: dict[str, object] = dict(policy_ref(plan))
    if plan.policy.dated:
        ref["content_sha256"] = plan.policy.content_sha256
        ref["dated"] = [{"at": d.path, "from": d.start, **({"to": d.end} if d.end else {}), "value": d.value,
                         "line": f"{d.file}:{d.line}"} for d in plan.policy.dated]
    return ref


def _plain(pairs: tuple[tuple[str, Decimal], ...]) -> dict[str, str]:
    """`number` over (name, value) pairs, inlined: this runs 240,000 times for a large firm's year
    and a call per value cost a fifth of the JSON report's time."""
    return {k: t if (t := format(v, "f"))[0] != "-" or v else t[1:] for k, v in pairs}


def rule_ids(plan: Plan) -> dict[str, dict[str, list[str]]]:
    """The rule ids (docs/rules.md) each KPI, pay component and penalty result cites, by the names the
    results use: said once for the month, since they are the plan's, not an agent's (`"rules":
    {"components": {"base": ["S4.1"]}, "penalties": {"p24_over_200": ["S4.P24"]}}`)."""
    outputs = plan.outputs
    if outputs is None:
        return {}
    steps = {s.name: s for s in plan.steps}
    clauses = {c.name: c.rules for c in plan.penalties}
    found = {
        "kpis": {name: list(plan.steps[slot].rule) for name, slot in outputs.kpis},
        "components": {name: list(plan.steps[slot].rule) for name, slot in outputs.pay},
        "penalties": {name: list(clauses[name] if name in clauses else steps[name].rule if name in steps else ())
                      for name, _ in outputs.penalties},
    }
    return {key: value for key, value in found.items() if value}


def to_json(plan: Plan, results: Sequence[AgentResult], rules: bool = True) -> str:
    """One result per line: readable and diffable, and written by json's C encoder (an indented
    dump falls back to the pure-Python one, which took seconds for a large firm's year).

    `rules`: the month's rule ids after the policy (see `rule_ids`). A recorded run's digest is taken
    without them (`rules=False`), so runs recorded before they were added still show (the policy's
    sha256, recorded with the run, fixes them anyway)."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    card = scored(plan)  # no scorecard (S4): no score, rating or kpis keys
    lines = [
        "    " + encode({
            "agent": r.agent,
            **({"columns": carried(plan, r)} if plan.roster.carry else {}),
            "period": r.period,
            **({"score": number(r.score), "rating": r.rating} if card else {}),
            **({"choices": dict(r.choices)} if r.choices else {}),
            **({"kpis": _plain(r.kpis)} if card else {}),
            "pay": {"total": number(r.total), "components": _plain(r.pay)},
            **({"penalties": _plain(r.penalties)} if r.penalties else {}),
            **({"flags": [name for name, _, raised in r.flags if raised]} if plan.flags else {}),
        })
        for r in results
    ]
    cited = f'\n  "rules": {encode(found)},' if rules and (found := rule_ids(plan)) else ""
    head = f'{{\n  "policy": {encode(policy_in_force(plan))},{cited}\n  "results": ['
    body = "\n" + ",\n".join(lines) + "\n  " if lines else ""
    return json_safe(f"{head}{body}]\n}}\n")


def _rows(plan: Plan, results: Sequence[AgentResult], lang: str) -> tuple[list[Column], list[list[str]]]:
    columns = result_columns(plan, results, lang)
    rows = [[c.heading for c in columns]]
    for r in results:
        rows.append([number(v) if isinstance(v := c.value(r), Decimal) else str(v or "") for c in columns])
    return columns, rows


def to_csv(plan: Plan, results: Sequence[AgentResult], lang: str = "zh") -> str:
    """CSV for Excel: BOM, headings in `lang`, each row naming the policy that produced it.

    Text cells that a spreadsheet would run as a formula get a leading `'`; numbers are plain."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    dated = ("policy_content_sha256",) if plan.policy.dated else ()
    stamp = [for_csv(v) for v in policy_ref(plan).values()] + ([plan.policy.content_sha256] if dated else [])
    columns, rows = _rows(plan, results, lang)
    text_columns = {i for i, c in enumerate(columns) if c.cell is CellKind.TEXT}
    for index, row in enumerate(rows):
        if index == 0:
            cells = [for_csv(c) for c in row] + [heading(k, lang) for k in ("policy_id", "policy_version",
                                                                           "policy_sha256", *dated)]
        else:
            cells = [for_csv(c) if i in text_columns else c for i, c in enumerate(row)] + stamp
        writer.writerow(cells)
    return CSV_BOM + buffer.getvalue()


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * (width - display_width(text))
    return space + text if right else text + space


def to_table(plan: Plan, results: Sequence[AgentResult], lang: str = "zh") -> str:
    """An aligned table for the terminal; cell text has its control characters made visible."""
    columns, rows = _rows(plan, results, lang)
    rows = [[for_terminal(cell) for cell in row] for row in rows]
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    numeric = [c.cell is not CellKind.TEXT for c in columns]
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
        lines.append(counted(f"Total: {len(results)} agent(s) · {total} {unit}"))
    return "\n".join(lines) + "\n"


def render(plan: Plan, results: Sequence[AgentResult], fmt: str, lang: str = "zh",
           record: RunRecord | None = None, rules: bool = True) -> bytes:
    """The report in `fmt` as bytes (text formats in UTF-8); `record`: the recorded run it shows, which
    the workbook names on its 记录 sheet; `rules`: JSON with the rule ids (see `to_json`)."""
    if fmt == "json":
        return to_json(plan, results, rules).encode()
    if fmt == "csv":
        return to_csv(plan, results, lang).encode()
    if fmt == "xlsx":
        from engine.report.xlsx import to_xlsx

        return to_xlsx(plan, results, lang, record)
    return to_table(plan, results, lang).encode()
