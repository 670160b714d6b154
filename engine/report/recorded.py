"""Reports of recorded outcomes: the evaluation's own reports, plus the month's manual adjustments.

Without adjustments a recorded month renders through exactly the functions `jixiao evaluate` and
`jixiao explain` use, so `jixiao show` gives the same bytes. With adjustments, tables, CSV, XLSX
and JSON gain one pay column, 人工调整 / Manual adjustments (the sum of the agent's lines), before
the total, which is the evaluated total plus that sum; an agent's explanation lists every line
with its reason, who approved it and the row it came from. The plan itself is never changed:
the extra column is a report-only view of it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from engine.ledger.state import zh_source
from engine.ledger.verify import check_trace
from engine.policy.compile import Label, Plan, Step
from engine.report.explain import amount, explain_json, explain_text
from engine.report.number_text import number
from engine.report.safe_text import for_terminal, json_safe
from engine.report.tables import render
from engine.run.adjust import Outcome
from engine.run.evaluate import AgentResult

LABEL = Label("人工调整", "Manual adjustments")
WORDS = {
    "zh": {"head": "人工调整（评估后加入，不属于方案计算）：", "by": "审批人", "from": "来自",
           "evaluated": "方案计算应发", "total": "调整后应发合计"},
    "en": {"head": "Manual adjustments (added after evaluation, not part of the policy):", "by": "approved by",
           "from": "from", "evaluated": "evaluated total", "total": "total after adjustments"},
}


def _column_name(plan: Plan) -> str:
    name = "adjustments"
    while name in plan.pay:  # a policy component could be called that: never merge with it
        name += "_manual"
    return name


def report_view(plan: Plan, outcomes: Sequence[Outcome]) -> tuple[Plan, list[AgentResult]]:
    """The plan and results a period report is rendered from (with an adjustments column if any)."""
    if not any(o.adjustments for o in outcomes):
        return plan, [o.result for o in outcomes]
    name = _column_name(plan)
    step = Step(len(plan.steps), name, "pay", LABEL, (), "", (), 0)
    view = replace(plan, steps=(*plan.steps, step), pay=(*plan.pay, name))
    results = [o.result._replace(pay=(*o.result.pay, (name, sum((a.amount for a in o.adjustments), Decimal("0.00")))),
                                 total=o.total) for o in outcomes]
    return view, results


def period_report(plan: Plan, outcomes: Sequence[Outcome], fmt: str, lang: str) -> bytes:
    """A recorded month as table, JSON, CSV or XLSX bytes."""
    view, results = report_view(plan, outcomes)
    return render(view, results, fmt, lang)


def agent_report(plan: Plan, outcome: Outcome, fmt: str, lang: str) -> str:
    """One agent's recorded month explained (text or JSON), with its adjustments if any.

    The explanation is read from the trace, the adjustments and total from their columns: the
    trace is checked to agree with them first (codec.Damaged otherwise), so no two amounts differ."""
    check_trace(plan, outcome)
    result, lines, total = outcome
    if fmt == "json":
        text = explain_json(plan, result, lang)
        if not lines:
            return text
        document = json.loads(text)
        document["adjustments"] = [{"amount": number(a.amount), "reason": a.reason, "approved_by": a.approved_by,
                                    "source": a.source} for a in lines]
        document["evaluated_total"] = number(result.total)
        document["total"] = number(total)
        return json_safe(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"
    text = explain_text(plan, result, lang)
    if not lines:
        return text
    words = WORDS[lang]
    colon = "：" if lang == "zh" else ": "
    extra = ["", words["head"], f"  {words['evaluated']}{colon}{amount(result.total, plan, lang)}"]
    for a in lines:
        sign = "+" if a.amount >= 0 else ""
        extra.append(f"  {sign}{amount(a.amount, plan, lang)} · {a.reason} · {words['by']} {a.approved_by}"
                     + (f" · {words['from']} {zh_source(a.source) if lang == 'zh' else a.source}" if a.source else ""))
    extra.append(f"  {words['total']}{colon}{amount(total, plan, lang)}")
    return text + "\n".join(for_terminal(line) for line in extra) + "\n"
