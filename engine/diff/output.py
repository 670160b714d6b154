"""A policy diff as people and tools read it: an aligned table, JSON, CSV for Excel, and markdown for a
pull-request comment. Amounts are exact decimal text everywhere (a delta with its sign in the table,
CSV and markdown: `+12.50`, `-3.00`, `0.00`); JSON has `totals` and `agents` at its top level, every
amount a decimal string. The roster columns a policy carries (`roster.carry`) follow the agent's name
(under `"columns"` in JSON), as in every other report. Text from the files is made inert as the other
reports make it (escapes on a terminal, no formula in a CSV cell, no table break in markdown).
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from engine.diff.impact import AgentDiff, Change, Impact
from engine.diff.structure import Edit
from engine.model.plan import Plan
from engine.report.headings import display_width, rating_text
from engine.report.messages import say
from engine.report.number_text import number
from engine.report.safe_text import for_csv, for_terminal, json_safe
from engine.report.tables import CSV_BOM

__all__ = ["FORMATS", "render"]

FORMATS = ("table", "json", "csv", "markdown")
WHATS = ("rating", "grade", "band", "place", "pay")


def render(found: Impact, fmt: str, lang: str) -> str:
    return {"table": _table, "json": _json, "csv": _csv, "markdown": _markdown}[fmt](found, found.edits, lang)


def _signed(value: Decimal) -> str:
    text = number(value) or "0"
    return text if text.startswith("-") or not value else f"+{text}"


def _amount(value: Decimal | None) -> str:
    return "—" if value is None else str(number(value))


def _value(change: Change, plan: Plan, lang: str) -> tuple[str, str]:
    """The old and new value of a change as a reader sees them (a rating by its label in `lang`)."""
    def shown(value: object, of: Plan) -> str:
        if value is None:
            return "—"
        if change.what == "rating":
            return rating_text(of, str(value), lang)
        if isinstance(value, Decimal):
            return str(number(value))
        return str(value)

    return shown(change.old, plan), shown(change.new, plan)


def _change_text(found: Impact, change: Change, lang: str) -> str:
    old = _value(change, found.old_plan, lang)[0]
    new = _value(change, found.new_plan, lang)[1]
    what = say(f"diff_{change.what}", lang)
    name = f" {change.name}" if change.name else ""
    return f"{what}{name} {old}→{new}"


def _changes_text(found: Impact, agent: AgentDiff, lang: str) -> str:
    joined = "；" if lang == "zh" else "; "
    return joined.join(_change_text(found, c, lang) for c in agent.changes if c.changed)


def _policy(plan: Plan) -> dict[str, str]:
    return {"id": plan.policy.id, "version": plan.policy.version, "sha256": plan.policy.sha256,
            "path": plan.policy.path}


def _several_periods(found: Impact) -> bool:
    return len({agent.period for agent in found.agents}) > 1


def _rated(found: Impact) -> bool:
    """Whether either policy has ratings: two without a scorecard (S4) have no rating to count."""
    return bool(found.old_plan.ratings or found.new_plan.ratings)


def _summary_lines(found: Impact, lang: str) -> list[str]:
    spread = found.spread
    return [
        say("diff_totals", lang, old=number(found.old_total), new=number(found.new_total),
            delta=_signed(found.delta), agents=len(found.agents)),
        say("diff_spread", lang, minimum=_signed(spread.minimum), median=_signed(spread.median),
            maximum=_signed(spread.maximum), better=spread.better, worse=spread.worse, unchanged=spread.unchanged),
        say("diff_counts" if _rated(found) else "diff_counts_unrated", lang, band=found.count("band"),
            rating=found.count("rating"), place=found.count("place"), grade=found.count("grade")),
    ]


def _edit_text(edit: Edit, lang: str) -> str:
    lines = say("diff_lines", lang, old=_at(edit.old_line, edit.old_file, lang),
                new=_at(edit.new_line, edit.new_file, lang))
    keys = f": {', '.join(edit.keys)}" if edit.keys else ""
    return f"{say('diff_' + edit.kind, lang)} {edit.path} ({lines}){keys}"


def _at(line: int | None, file: str, lang: str) -> str:
    """`第 94 行` / `line 94`, or in a base file of a derived policy `region/base.yaml 第 94 行`."""
    return say("diff_line_in" if file else "diff_line", lang, line="—" if line is None else line, file=file)


def _title(found: Impact) -> str:
    old, new = found.old_plan.policy, found.new_plan.policy
    return f"{old.id} {old.version} ({old.path}) → {new.id} {new.version} ({new.path})"


def _agent_heading(found: Impact, lang: str) -> str:
    """工号, or the shop's own key header (`roster.key`: 客服昵称) as the other reports head the column,
    so a carried 工号 beside it is not a second column of the same name."""
    return found.new_plan.roster.key or found.old_plan.roster.key or say("diff_agent", lang)


def _carried(found: Impact, agent: AgentDiff) -> list[str]:
    """The agent's roster columns either policy carries (`roster.carry`), in `Impact.carry`'s order."""
    values = dict(agent.columns)
    return [values.get(header, "") for header in found.carry]


def _rows(found: Impact, lang: str) -> list[list[str]]:
    periods = _several_periods(found)
    head = [_agent_heading(found, lang), say("diff_name", lang), *found.carry,
            *[say(f"diff_{key}", lang) for key in (*(("period",) if periods else ()), "old", "new", "delta",
                                                  "changes")]]
    rows = [head]
    for agent in found.agents:
        rows.append([agent.agent, agent.name, *_carried(found, agent), *((agent.period,) if periods else ()),
                     _amount(agent.old), _amount(agent.new), _signed(agent.delta), _changes_text(found, agent, lang)])
    return rows


def _table(found: Impact, edits: tuple[Edit, ...], lang: str) -> str:
    rows = [[for_terminal(cell) for cell in row] for row in _rows(found, lang)]
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    first_amount = len(rows[0]) - 4
    lines = [for_terminal(_title(found))]
    for index, row in enumerate(rows):
        cells = []
        for i, cell in enumerate(row):
            space = " " * (widths[i] - display_width(cell))
            cells.append(space + cell if first_amount <= i < len(row) - 1 else cell + space)
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines += _summary_lines(found, lang)
    if edits:
        lines.append(say("diff_structure", lang))
        lines += [f"  {for_terminal(_edit_text(edit, lang))}" for edit in edits]
    return "\n".join(lines) + "\n"


def _json(found: Impact, edits: tuple[Edit, ...], lang: str) -> str:
    spread = found.spread

    def value(change: Change) -> dict[str, object]:
        entry: dict[str, object] = {"old": _plain(change.old), "new": _plain(change.new)}
        if change.what == "pay":
            entry["delta"] = number(change.delta if change.delta is not None else Decimal(0))
        return entry

    agents = []
    for agent in found.agents:
        entry: dict[str, object] = {"agent": agent.agent, "name": agent.name,
                                    **({"columns": dict(zip(found.carry, _carried(found, agent), strict=True))}
                                       if found.carry else {}),
                                    "period": agent.period,
                                    "old": number(agent.old), "new": number(agent.new), "delta": number(agent.delta),
                                    "changed": [f"{c.what}:{c.name}" if c.name else c.what
                                                for c in agent.changes if c.changed]}
        for what in WHATS:
            mine = [c for c in agent.changes if c.what == what]
            if what in ("rating", "grade"):
                entry[what] = value(mine[0])
            else:
                entry[{"band": "bands", "place": "places", "pay": "pay"}[what]] = {c.name: value(c) for c in mine}
        agents.append(entry)
    data = {
        "old": _policy(found.old_plan), "new": _policy(found.new_plan),
        "totals": {"old": number(found.old_total), "new": number(found.new_total), "delta": number(found.delta)},
        "distribution": {"min": number(spread.minimum), "median": number(spread.median),
                         "max": number(spread.maximum), "better_off": spread.better, "worse_off": spread.worse,
                         "unchanged": spread.unchanged},
        "changed": {what: found.count(what) for what in WHATS if what != "rating" or _rated(found)},
        "agents": agents,
        "structure": [{"change": str(edit.kind), "path": edit.path, "old_line": edit.old_line,
                       "new_line": edit.new_line, "keys": list(edit.keys),
                       **({"old_file": edit.old_file} if edit.old_file else {}),
                       **({"new_file": edit.new_file} if edit.new_file else {})} for edit in edits],
    }
    return json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def _plain(value: object) -> object:
    """A value as JSON holds it: amounts as decimal strings, ids as text, places and bands as numbers."""
    if isinstance(value, Decimal):
        return number(value)
    return value


def _csv(found: Impact, edits: tuple[Edit, ...], lang: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    sample = found.agents[0].changes if found.agents else ()
    head = [_agent_heading(found, lang), say("diff_name", lang), *found.carry,
            *[say(f"diff_{key}", lang) for key in ("period", "old", "new", "delta")]]
    for change in sample:
        what = f"{say('diff_' + change.what, lang)}{' ' + change.name if change.name else ''}"
        sides = (("diff_old", "diff_new", "diff_delta") if change.what == "pay" else ("diff_old", "diff_new"))
        head += [f"{what} {say(side, lang)}" for side in sides]
    writer.writerow([for_csv(cell) for cell in head])
    for agent in found.agents:
        row = [for_csv(agent.agent), for_csv(agent.name), *(for_csv(value) for value in _carried(found, agent)),
               agent.period, _amount(agent.old), _amount(agent.new), number(agent.delta)]
        for change in agent.changes:
            old, new = _value(change, found.old_plan, lang)[0], _value(change, found.new_plan, lang)[1]
            row += [for_csv(old), for_csv(new)]
            if change.what == "pay":
                row.append(number(change.delta if change.delta is not None else Decimal(0)))
        writer.writerow(row)
    return CSV_BOM + buffer.getvalue()


def _cell(text: str) -> str:
    """Markdown table cell text: a `|` would end the cell, a newline the row."""
    return for_terminal(text).replace("|", "\\|")


def _markdown(found: Impact, edits: tuple[Edit, ...], lang: str) -> str:
    lines = [f"### jixiao diff: {_cell(_title(found))}", ""]
    lines += [f"| | {say('diff_old', lang)} | {say('diff_new', lang)} | {say('diff_delta', lang)} |",
              "|---|---:|---:|---:|",
              f"| {say('diff_payroll', lang)} | {number(found.old_total)} | {number(found.new_total)} | "
              f"{_signed(found.delta)} |", ""]
    lines += [f"{line}  " for line in _summary_lines(found, lang)[1:]]
    changed = [agent for agent in found.agents if agent.delta or any(c.changed for c in agent.changes)]
    if not changed:
        lines += ["", say("diff_no_change", lang)]
    else:
        rows = _rows(found, lang)
        shown = {(a.agent, a.period) for a in changed}
        lines += ["", "| " + " | ".join(_cell(c) for c in rows[0]) + " |",
                  "|" + "|".join("---:" if first else "---" for first in _right(rows[0])) + "|"]
        for agent, row in zip(found.agents, rows[1:], strict=True):
            if (agent.agent, agent.period) in shown:
                lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    if edits:
        lines += ["", f"**{say('diff_structure', lang)}**", ""]
        lines += [f"- {_cell(_edit_text(edit, lang))}" for edit in edits]
    return "\n".join(lines) + "\n"


def _right(head: list[str]) -> list[bool]:
    """Which columns are amounts (old, new, delta): aligned right."""
    return [len(head) - 4 <= i < len(head) - 1 for i in range(len(head))]
