"""What every tabular report calls its cells: the money unit, KPI and pay labels, rating and choice
labels, and how wide CJK text shows (which columns a results report has: engine.report.result_columns).
The table, CSV, XLSX and explanation renderers all read these, so each writes a cell the same way, and
none imports another.
"""

from __future__ import annotations

import unicodedata

from engine.model.kinds import Kind
from engine.model.plan import Plan
from engine.model.results import AgentResult
from engine.report.messages import COLUMN_WORDS, heading, pick


def money_unit(plan: Plan, lang: str) -> str:
    """How amounts are named: 元 for yuan in Chinese, else the policy's currency code."""
    currency = plan.policy.currency
    return "元" if lang == "zh" and currency.upper() in ("CNY", "RMB") else currency


def labels(plan: Plan, lang: str) -> tuple[list[str], list[str]]:
    """The KPI and pay-component column headings, in plan order."""
    kpi_steps = [s for s in plan.steps if s.kind == Kind.KPI]
    kpis = [s.label.text(lang) for s in kpi_steps]
    pay_labels = {s.name: s.label.text(lang) for s in plan.steps if s.kind.is_pay}
    return kpis, [pay_labels[p] for p in plan.pay]


def choice_metrics(plan: Plan) -> list:
    """The choice metrics (考核结果), each shown as a text column after the rating."""
    return [m for m in plan.metrics if m.type == "choice"]


def choice_text(plan: Plan, name: str, value: str | None, lang: str) -> str:
    """A choice metric's value by its label (优秀); the id where the label is unknown; 未考核 / not
    assessed for the absent value of a metric declaring `missing: absent`."""
    if value is None and absent(plan, name):
        return pick(COLUMN_WORDS["not_assessed"], lang)
    found = plan.choice_labels(name).get(value) if value is not None else None
    return found[0].text(lang) if found is not None else value or ""


def absent(plan: Plan, name: str) -> bool:
    """Whether `name` is a choice metric whose blank cell is the value absent (`missing: absent`)."""
    return any(m.name == name and m.absent for m in plan.metrics)


def scored(plan: Plan) -> bool:
    """Whether the policy has a scorecard: without one (S4) no report shows a score, rating or KPI."""
    return plan.outputs is None or plan.outputs.score is not None


def agent_heading(plan: Plan, lang: str) -> str:
    """The agent column's heading: the shop's own key header (`roster.key`: 客服昵称) when it declares
    one, so a column headed 工号 never holds nicknames; else 工号 / Agent."""
    return plan.roster.key or heading("agent", lang)


def carried(plan: Plan, result: AgentResult) -> dict[str, str]:
    """The roster columns the policy carries (`roster.carry`), by their headers: '' where none was read."""
    values = (*result.columns, *("",) * len(plan.roster.carry))
    return dict(zip(plan.roster.carry, values[:len(plan.roster.carry)], strict=True))


def rating_text(plan: Plan, rating: str | None, lang: str) -> str:
    if rating is None:
        return ""
    label = plan.ratings.get(rating)
    return label.text(lang) if label is not None else rating


def display_width(text: str) -> int:
    """Terminal (and spreadsheet) columns: CJK characters take two, so Chinese lines up."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
