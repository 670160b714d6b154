"""Reports of recorded outcomes: the evaluation's own reports, plus the month's manual adjustments.

Without adjustments a recorded month renders through exactly the functions `jixiao evaluate` and
`jixiao explain` use, so `jixiao show` gives the same bytes. With adjustments, tables, CSV, XLSX
and JSON gain one pay column, 人工调整 / Manual adjustments (the sum of the agent's lines), before
the total, which is the evaluated total plus that sum; an agent's explanation lists every line
with its reason, who approved it and the row it came from. The plan itself is never changed:
the extra column is a report-only view of it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from functools import partial

from engine.ledger.state import zh_source
from engine.ledger.verify import check_trace
from engine.model.corrections import Bound, RetroLine
from engine.model.kinds import Kind
from engine.model.label import Label
from engine.model.plan import Plan
from engine.model.results import AgentResult, Outcome
from engine.model.steps import Step
from engine.report.explain import amount, explain_json, explain_text
from engine.report.explain_short import short_json, short_text
from engine.report.messages import RECORDED, by_language
from engine.report.month_view import RunRecord
from engine.report.number_text import number
from engine.report.safe_text import for_terminal, json_safe
from engine.report.tables import render

LABEL = Label("人工调整", "Manual adjustments")
WORDS = by_language(RECORDED)


RETRO = Label("追溯调整", "Retroactive adjustments")


def _column_name(plan: Plan, name: str) -> str:
    while name in plan.pay:  # a policy component could be called that: never merge with it
        name += "_manual"
    return name


def report_view(plan: Plan, outcomes: Sequence[Outcome]) -> tuple[Plan, list[AgentResult]]:
    """The plan and results a period report is rendered from: with a manual adjustments column and a
    retroactive adjustments column (追溯调整: corrections of approved months settled here) when any."""
    columns = [(name, label, lines) for name, label, lines in (
        ("adjustments", LABEL, lambda o: o.adjustments), ("retro", RETRO, lambda o: o.retro))
        if any(lines(o) for o in outcomes)]
    if not columns:
        return plan, [o.result for o in outcomes]
    names = [_column_name(plan, name) for name, _, _ in columns]
    steps = tuple(Step(len(plan.steps) + i, name, Kind.PAY_ADDED, label, (), "", (), 0)
                  for i, (name, (_, label, _)) in enumerate(zip(names, columns, strict=True)))
    view = replace(plan, steps=(*plan.steps, *steps), pay=(*plan.pay, *names))
    results = [o.result._replace(pay=(*o.result.pay, *(
        (name, sum((line.amount for line in lines(o)), Decimal("0.00")))
        for name, (_, _, lines) in zip(names, columns, strict=True))), total=o.total) for o in outcomes]
    return view, results


def period_report(plan: Plan, outcomes: Sequence[Outcome], fmt: str, lang: str,
                  record: RunRecord | None = None) -> bytes:
    """A recorded month as table, JSON, CSV or XLSX bytes (the workbook with its run's `record`)."""
    view, results = report_view(plan, outcomes)
    return render(view, results, fmt, lang, record)


def report_digest(plan: Plan, outcomes: Sequence[Outcome]) -> str:
    """The sha256 a run records of its month and `show` checks: of the JSON report without the rule
    ids (tables.to_json), so a run recorded before they were added shows as recorded."""
    view, results = report_view(plan, outcomes)
    return hashlib.sha256(render(view, results, "json", "zh", rules=False)).hexdigest()


def agent_report(plan: Plan, outcome: Outcome, fmt: str, lang: str, full: bool = False) -> str:
    """One agent's recorded month explained (text or JSON; short, or with `full` the whole tree, as
    `explain` does), with its adjustments and retro lines if any.

    The explanation is read from the trace, the lines and total from their columns: the trace is
    checked to agree with them first (codec.Damaged otherwise), so no two amounts differ."""
    check_trace(plan, outcome)
    result, lines, total, retro = outcome
    if fmt == "json":
        text = (explain_json if full else short_json)(plan, result, lang)
        if not lines and not retro:
            return text
        document = json.loads(text)
        if lines:
            document["adjustments"] = [{"amount": number(a.amount), "reason": a.reason,
                                        "approved_by": a.approved_by, "source": a.source} for a in lines]
        if retro:
            document["retro"] = [{"period": r.period, "approved_run": r.approved_run,
                                  "correction_run": r.correction_run, "owed": number(r.owed),
                                  "amount": number(r.amount), "waived": number(r.waived),
                                  "still_owed": number(r.left), "bound": str(r.bound)} for r in retro]
        document["evaluated_total"] = number(result.total)
        document["total"] = number(total)
        return json_safe(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"
    text = (explain_text if full else short_text)(plan, result, lang)
    if not lines and not retro:
        return text
    words = WORDS[lang]
    colon = "：" if lang == "zh" else ": "
    extra = ["", words["retro_head" if retro else "head"],
             f"  {words['evaluated']}{colon}{amount(result.total, plan, lang)}"]
    for a in lines:
        sign = "+" if a.amount >= 0 else ""
        extra.append(f"  {sign}{amount(a.amount, plan, lang)} · {a.reason} · {words['by']} {a.approved_by}"
                     + (f" · {words['from']} {zh_source(a.source) if lang == 'zh' else a.source}" if a.source else ""))
    extra += [f"  {retro_text(plan, r, lang)}" for r in retro]
    extra.append(f"  {words['total']}{colon}{amount(total, plan, lang)}")
    return text + "\n".join(for_terminal(line) for line in extra) + "\n"


BOUNDS = {
    Bound.CAP: ("本月扣款上限已用完（工资支付暂行规定第十六条）", "the month's deduction cap is used up (Art. 16)"),
    Bound.MINIMUM_WAGE: ("再扣将低于当地最低工资", "recovering more would pay under the minimum wage"),
    Bound.NOTHING_LEFT: ("本月已无可扣的工资", "the month pays nothing more to recover from"),
    Bound.OWED: ("无记录在案的协议允许扣回，记为本人欠款，不从工资中扣除（corrections: overpayment: owed）",
                 "no recorded agreement allows recovering it: recorded as owed, never deducted (corrections: "
                 "overpayment: owed)"),
    Bound.WAIVED: ("方案规定多发部分不追回（corrections: overpayment: waive）",
                   "the policy waives overpayments (corrections: overpayment: waive)"),
}


def retro_text(plan: Plan, line: RetroLine, lang: str) -> str:
    """One retro line in words: which month it corrects, from which run to which, what it settles."""
    money = partial(amount, plan=plan, lang=lang)
    sign = "+" if line.amount >= 0 else ""
    if lang == "zh":
        owed = "补发" if line.owed > 0 else "扣回"
        text = (f"{sign}{money(line.amount)} · 追溯调整：更正已审批的 {line.period}"
                f"（已发放第 {line.approved_run} 次运行，更正为第 {line.correction_run} 次运行），"
                f"应{owed} {money(abs(line.owed))}")
        if line.waived:
            text += f"，不追回 {money(-line.waived)}"
        if line.left:
            text += f"，尚欠 {money(abs(line.left))}"
    else:
        owed = "owed to the agent" if line.owed > 0 else "overpaid"
        text = (f"{sign}{money(line.amount)} · retroactive adjustment: approved {line.period} corrected (paid as run "
                f"{line.approved_run}, corrected by run {line.correction_run}), {owed} {money(abs(line.owed))}")
        if line.waived:
            text += f", waived {money(-line.waived)}"
        if line.left:
            text += f", still owed {money(abs(line.left))}"
    if line.bound is not Bound.NONE and line.bound in BOUNDS:
        zh, en = BOUNDS[line.bound]
        text += f"（{zh}）" if lang == "zh" else f" ({en})"
    return text
