"""The ledger's listings, `jixiao runs` and `jixiao history AGENT`, as an aligned table or JSON.

Timestamps appear here (when a run was recorded, when a period was approved or reopened, and by
whom, and why) because these are listings of the ledger's own events; they never enter a recorded
result's reports (`show`). Every stored text reaches the terminal through `for_terminal`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal

from engine.ledger.store import CHANGES, Decision, DecisionKind, PeriodEvent, RunInfo
from engine.model.plan import Plan
from engine.model.results import AgentResult, Outcome
from engine.model.step_names import CARRIED_OUT, DEDUCTION, WARNINGS
from engine.report.headings import display_width, rating_text
from engine.report.messages import CAUSES, COLUMN_WORDS, STATUS, heading, pick
from engine.report.number_text import number
from engine.report.result_columns import flags_text
from engine.report.safe_text import for_terminal, json_safe

# What the history shows of penalty clauses, when any recorded month has them (docs/rules.md L.1, S4.P).
PENALTY_COLUMNS = (*WARNINGS.values(), DEDUCTION, CARRIED_OUT)
KINDS = {DecisionKind.GRADE_CHANGE: ("等级调整", "grade change"),
         DecisionKind.ROLE_CHANGE: ("岗位调整", "role change"),
         DecisionKind.TEAM_CHANGE: ("调组", "team change"),
         DecisionKind.DISMISSAL: ("辞退", "dismissal"),
         DecisionKind.REINSTATEMENT: ("复职", "reinstatement"),
         DecisionKind.REVIEWED: ("评定：保持", "reviewed, stays"),
         DecisionKind.NOT_REVIEWED: ("未评定", "not reviewed")}


def _aligned(rows: list[list[str]], numeric: set[int]) -> list[str]:
    rows = [[for_terminal(cell) for cell in row] for row in rows]
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        pads = [" " * (widths[i] - display_width(c)) for i, c in enumerate(row)]
        cells = [pads[i] + c if i in numeric else c + pads[i] for i, c in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def _status(run: RunInfo, approved: dict[str, PeriodEvent]) -> str:
    """approved: the run an approval in force approved, which is what was paid, even once a correction
    stands beside it; correction: the run that stands for an approved month after that; else its status."""
    event = approved.get(run.period)
    if event is not None and run.id == (event.run_id if event.run_id is not None else run.id):
        return "approved" if run.status == "current" or event.run_id is not None else run.status
    if event is not None and run.status == "current":
        return "correction"
    return run.status


def _cause(run: RunInfo, lang: str) -> str:
    words = CAUSES.get(str(run.cause))
    if words is None:
        return str(run.cause)
    return pick(words, lang).format(by=run.caused_by if run.caused_by is not None else "?")


def runs_text(runs: Sequence[RunInfo], approved: dict[str, PeriodEvent], fmt: str, lang: str,
              events: Sequence[PeriodEvent] = ()) -> str:
    """Every run, oldest period first; a period's approval shows as the status of its current run,
    and below the runs every approval and reopening (who, when, why) of the periods listed."""
    if fmt == "json":
        return json_safe(json.dumps({"runs": [{
            "run": r.id, "period": r.period, "status": _status(r, approved),
            "policy": {"id": r.policy_id, "version": r.policy_version, "sha256": r.policy_sha256},
            "agents": r.agents, "total": number(Decimal(r.total)), "recorded_at": r.recorded_at,
            "superseded_by": r.superseded_by, "jixiao_version": r.jixiao_version,
            "cause": str(r.cause), "caused_by": r.caused_by,
            "inputs": {f.kind: {"path": f.path, "sha256": f.sha256} for f in r.inputs},
            **({"approved": {"by": approved[r.period].by, "at": approved[r.period].at}}
               if _status(r, approved) == "approved" else {}),
        } for r in runs], "events": [_event_json(e) for e in events]}, ensure_ascii=False, indent=2)) + "\n"
    keys = ("run", "period", "status", "policy", "agents", "total", "recorded_at", "cause", "superseded_by")
    rows = [[heading(k, lang) for k in keys]]
    for r in runs:
        rows.append([str(r.id), r.period, pick(STATUS[_status(r, approved)], lang),
                     f"{r.policy_id} {r.policy_version}", str(r.agents), number(Decimal(r.total)), r.recorded_at,
                     _cause(r, lang), str(r.superseded_by or "")])
    return "\n".join([*_aligned(rows, {0, 4, 5}), *_events_block(events, lang)]) + "\n"


def _event_json(e: PeriodEvent) -> dict[str, object]:
    return {"period": e.period, "action": e.action, "run": e.run_id, "by": e.by, "at": e.at, "reason": e.reason}


def event_line(e: PeriodEvent, lang: str) -> str:
    """One approval (of which run) or reopening: the month, what was done, by whom, when (UTC) and why."""
    if lang == "zh":
        done = "审批" if e.action == "approve" else "重新开放" if e.action == "reopen" else e.action
        run = f"（第 {e.run_id} 次运行）" if e.run_id is not None else ""
        return f"{e.period} {done}{run} · {e.by} · {e.at}" + (f" · 原因：{e.reason}" if e.reason else "")
    done = "approved" if e.action == "approve" else "reopened" if e.action == "reopen" else e.action
    run = f" (run {e.run_id})" if e.run_id is not None else ""
    return f"{e.period} {done}{run} by {e.by} at {e.at}" + (f" · reason: {e.reason}" if e.reason else "")


def _events_block(events: Sequence[PeriodEvent], lang: str) -> list[str]:
    if not events:
        return []
    head = "审批与重新开放（UTC）：" if lang == "zh" else "approvals and reopenings (UTC):"
    return ["", head, *(for_terminal("  " + event_line(e, lang)) for e in events)]


def decision_line(d: Decision, lang: str) -> str:
    """One decision: the month it was made, what it decided, from which month it takes effect (a review
    that keeps the agent where she is: from which month nothing changes), why and by whom."""
    kind = pick(KINDS[d.kind], lang) if d.kind in KINDS else d.kind
    change = f"{d.from_value or '—'} → {d.to_value or '—'}" if d.kind in CHANGES else (d.from_value or "—")
    effective = d.effective
    if lang == "zh":
        when = (f"（{effective} 起生效）" if d.kind in CHANGES
                else f"（{effective} 起不变）" if d.kind == DecisionKind.REVIEWED else "")
        return (f"{d.period} {kind}：{change}{when} · 原因：{d.reason}" + (f" · 规则 {d.rule}" if d.rule else "")
                + (f" · 记录人 {d.decided_by}" if d.decided_by else ""))
    when = (f" (in effect from {effective})" if d.kind in CHANGES
            else f" (unchanged from {effective})" if d.kind == DecisionKind.REVIEWED else "")
    return (f"{d.period} {kind}: {change}{when} · reason: {d.reason_in('en')}" + (f" · rule {d.rule}" if d.rule else "")
            + (f" · recorded by {d.decided_by}" if d.decided_by else ""))


def _corrected_line(period: str, paid: int, correction: int, lang: str) -> str:
    if lang == "zh":
        return (f"{period} 按已审批的第 {paid} 次运行发放；更正为第 {correction} 次运行，"
                "差额在以后未审批的月份以追溯调整结清")
    return (f"{period} paid as approved run {paid}; corrected by run {correction}, the difference settled as "
            "retroactive lines in later open months")


def _label(plan: Plan | None, name: str, value: str | None, lang: str) -> str:
    """A role, grade or rating by its label in the policy the month was run with; the id otherwise."""
    if value is None:
        return ""
    if plan is None:
        return value
    if name == "rating":
        return rating_text(plan, value, lang)
    found = plan.choice_labels(name).get(value)
    return found[0].text(lang) if found is not None else value


def _flags(plan: Plan | None, result: AgentResult, lang: str) -> str:
    """The flags raised that month, by label with their actions (by id when the month's policy is not at hand)."""
    if plan is not None:
        return flags_text(plan, result, lang)
    return ", ".join(name for name, _, raised in result.flags if raised)


def history_text(agent: str, months: Sequence[tuple[RunInfo, Outcome]], decisions: Sequence[Decision],
                 fmt: str, lang: str, plans: Mapping[str, Plan] | None = None,
                 events: Sequence[PeriodEvent] = (), corrected: Mapping[str, int] | None = None) -> str:
    """An agent's recorded months as paid (what `show` prints), every career decision with its
    reason, the approvals and reopenings of those months (who, when, why), and for an approved
    month corrected since, the run that corrects it (`corrected`: period → run).

    JSON keeps ids (for scripts); the table shows role, grade and rating by their labels, read from
    `plans` (each run's policy by sha256) when given."""
    if fmt == "json":
        return json_safe(json.dumps({
            "agent": agent,
            "months": [{
                "period": run.period, "run": run.id, "policy": {"id": run.policy_id, "version": run.policy_version},
                "team": o.result.team, "role": o.result.role, "grade": o.result.grade,
                # A month of a policy without a scorecard (S4) has no score and no rating, not a 0.
                **({"score": number(o.result.score), "rating": o.result.rating}
                   if o.result.score is not None else {}),
                "pay": {"components": {k: number(v) for k, v in o.result.pay},
                        "adjustments": [{"amount": number(a.amount), "reason": a.reason,
                                         "approved_by": a.approved_by} for a in o.adjustments],
                        **({"retro": [{"period": line.period, "approved_run": line.approved_run,
                                       "correction_run": line.correction_run, "amount": number(line.amount),
                                       "waived": number(line.waived), "still_owed": number(line.left)}
                                      for line in o.retro]} if o.retro else {}),
                        "total": number(o.total)},
                **({"penalties": {k: number(v) for k, v in o.result.penalties}} if o.result.penalties else {}),
                **({"flags": [name for name, _, raised in o.result.flags if raised]} if o.result.flags else {}),
                "events": [_event_json(e) for e in events if e.period == run.period],
                **({"corrected_by": (corrected or {})[run.period]} if run.period in (corrected or {}) else {}),
            } for run, o in months],
            "decisions": [{"period": d.period, "kind": d.kind, "from": d.from_value, "to": d.to_value,
                           "effective": d.effective, "reason": d.reason, "reason_en": d.reason_in("en"), "rule": d.rule,
                           "run": d.run_id}
                          for d in decisions],
        }, ensure_ascii=False, indent=2)) + "\n"
    retro = any(o.retro for _, o in months)  # a column of its own only where a correction was settled
    card = any(o.result.score is not None for _, o in months)  # no month scored (S4): no score or rating column
    keys = ("period", "run", "team", "role", "grade", *(("score", "rating") if card else ()), "adjustments",
            *(("retro",) if retro else ()), "total")
    extras = [k for k in PENALTY_COLUMNS
              if any(k in dict((*o.result.penalties, *o.result.pay)) for _, o in months if o.result.penalties)]
    flagged = any(o.result.flags for _, o in months)  # S1.5: the flags raised, a column where a month has any
    rows = [[heading(k, lang) for k in (*keys, *extras)] + ([pick(COLUMN_WORDS["flags"], lang)] if flagged else [])]
    for run, o in months:
        extra = sum((a.amount for a in o.adjustments), Decimal(0))
        plan = (plans or {}).get(run.policy_sha256)
        r = o.result
        shown = dict((*r.penalties, *r.pay))
        rows.append([run.period, str(run.id), r.team, _label(plan, "role", r.role, lang),
                     _label(plan, "grade", r.grade, lang),
                     *((number(r.score) if r.score is not None else "", _label(plan, "rating", r.rating, lang))
                       if card else ()),
                     number(extra) if o.adjustments else "",
                     *((number(sum((line.amount for line in o.retro), Decimal(0))) if o.retro else "",) if retro
                       else ()),
                     number(o.total), *(number(shown[k]) if k in shown else "" for k in extras),
                     *((_flags(plan, r, lang),) if flagged else ())])
    name = next((o.result.name for _, o in months if o.result.name), "")
    title = f"客服 {agent} {name}".rstrip() if lang == "zh" else f"agent {agent} {name}".rstrip()
    numeric = len(keys) - 1  # the total's column; the penalty columns follow it
    right = {keys.index(k) for k in ("run", "score", "adjustments", "retro") if k in keys}
    lines = [for_terminal(title), *_aligned(rows, {*right, *range(numeric, numeric + 1 + len(extras))})]
    if decisions:
        lines += ["", "职业决定：" if lang == "zh" else "career decisions:"]
        lines += [for_terminal("  " + decision_line(d, lang)) for d in decisions]
    lines += _events_block(events, lang)
    if corrected:
        lines += ["", "已审批后又更正的月份：" if lang == "zh" else "approved months corrected since:"]
        lines += ["  " + _corrected_line(run.period, run.id, corrected[run.period], lang)
                  for run, _ in months if run.period in corrected]
    return "\n".join(lines) + "\n"
