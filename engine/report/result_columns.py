"""Which columns a results report has, in order, and what each holds: one layout that the table,
CSV and XLSX all write, so they never disagree about a column.

The layout is a list of `Column`s built from lists of columns (who the agent is, with the shop's
own roster columns, the month, the score, KPI points, pay): another list is one more function here. A
column nothing fills is left out: no roster names (姓名), no teams (组别), no roles (岗位), no grades
(等级), no ratings declared (评级). JSON is not laid out here: it keeps one schema by ids whatever
the data holds (engine.report.tables.to_json), and a recorded month's JSON digest depends on it.

KPI columns hold points and say so in their heading (客单价 得分): a measured value is never shown
under a KPI's bare name. Measured values have their own columns, with their unit (`measured_columns`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from engine.model.kinds import Kind
from engine.model.penalties import PayGroup
from engine.model.plan import Plan
from engine.model.results import AgentResult
from engine.model.steps import Step
from engine.model.units import Unit
from engine.report.headings import (
    agent_heading,
    choice_metrics,
    choice_text,
    labels,
    money_unit,
    rating_text,
    scored,
)
from engine.report.messages import COLUMN_WORDS, heading, pick


class CellKind(Enum):
    """What a column's cells are: text (ids, names, labels), points, money, or a measured value."""

    TEXT = "text"
    POINTS = "points"
    MONEY = "money"
    MEASURED = "measured"


@dataclass(frozen=True)
class Column:
    key: str  # agent, name, team, role, grade, period, score, rating, choice:<m>, kpi:<k>, pay:<p>, total
    heading: str
    cell: CellKind
    value: Callable[[AgentResult], object]  # str for text, Decimal for numbers, None for an empty cell


def _filled(results: Sequence[AgentResult], field: str) -> bool:
    return any(getattr(r, field) for r in results)


def who_columns(plan: Plan, results: Sequence[AgentResult], lang: str) -> list[Column]:
    """Who each row is about: 工号 (or the shop's own key header, `roster.key`), 姓名 where any name
    was read, the roster columns the policy carries (`roster.carry`, headed as the shop heads them),
    then 组别, 岗位 and 等级 where anything fills them."""
    found = [Column("agent", agent_heading(plan, lang), CellKind.TEXT, lambda r: r.agent)]
    if _filled(results, "name"):
        found.append(Column("name", heading("name", lang), CellKind.TEXT, lambda r: r.name))
    for index, header in enumerate(plan.roster.carry):
        found.append(Column(f"carry:{header}", header, CellKind.TEXT,
                            lambda r, i=index: r.columns[i] if i < len(r.columns) else ""))
    if _filled(results, "team"):
        found.append(Column("team", heading("team", lang), CellKind.TEXT, lambda r: r.team))
    for field in ("role", "grade"):
        if _filled(results, field):
            found.append(Column(field, heading(field, lang), CellKind.TEXT,
                                lambda r, f=field: choice_text(plan, f, getattr(r, f), lang)))
    return found


def result_columns(plan: Plan, results: Sequence[AgentResult], lang: str) -> list[Column]:
    """Every column of a results table, sheet or CSV, in order."""
    kpi_labels, pay_labels = labels(plan, lang)
    found = [*who_columns(plan, results, lang),
             Column("period", heading("period", lang), CellKind.TEXT, lambda r: r.period)]
    if scored(plan):  # a policy without a scorecard (S4) has no score column, not an empty one
        found.append(Column("score", heading("score", lang), CellKind.POINTS, lambda r: r.score))
    if plan.ratings or _filled(results, "rating"):
        found.append(Column("rating", heading("rating", lang), CellKind.TEXT,
                            lambda r: rating_text(plan, r.rating, lang)))
    for index, metric in enumerate(choice_metrics(plan)):
        found.append(Column(f"choice:{metric.name}", metric.label.text(lang), CellKind.TEXT,
                            lambda r, i=index: choice_text(plan, r.choices[i][0], r.choices[i][1], lang)
                            if i < len(r.choices) else ""))
    for index, (name, label) in enumerate(zip(plan.kpis, kpi_labels, strict=True)):
        found.append(Column(f"kpi:{name}", points_heading(label, lang), CellKind.POINTS,
                            lambda r, i=index: r.kpis[i][1]))
    for index, (name, label) in enumerate(zip(plan.pay, pay_labels, strict=True)):
        found.append(Column(f"pay:{name}", label, CellKind.MONEY, lambda r, i=index: r.pay[i][1]))
        found += [group_column(group, lang) for group in plan.pay_groups if _last_member(plan, group) == name]
    found.append(Column("total", heading("total", lang), CellKind.MONEY, lambda r: r.total))
    if plan.flags:
        found.append(Column("flags", pick(COLUMN_WORDS["flags"], lang), CellKind.TEXT,
                            lambda r: flags_text(plan, r, lang)))
    return found


def flags_text(plan: Plan, result: AgentResult, lang: str) -> str:
    """The flags raised for an agent-month, each with the action it suggests (转化率培训（培训：询单转化技巧）)."""
    raised = {name for name, _, up in result.flags if up}
    shown = []
    for flag in plan.flags:
        if flag.name not in raised:
            continue
        text = flag.label.text(lang)
        if flag.action is not None:
            kind = pick(COLUMN_WORDS[f"action_{flag.action.kind}"], lang)
            text += f"（{kind}：{flag.action.label.text(lang)}）" if lang == "zh" else (
                f" ({kind}: {flag.action.label.text(lang)})")
        shown.append(text)
    return ("、" if lang == "zh" else "; ").join(shown)


def _last_member(plan: Plan, group: PayGroup) -> str | None:
    return next((name for name in reversed(plan.pay) if name in group.members), None)


def group_column(group: PayGroup, lang: str) -> Column:
    """A pay group's subtotal (当月奖金小计), right after its last member's column: the sum of its
    members as paid (after cancellations), read from the result's own pay lines, never a pay line of
    its own (the total counts each member once)."""
    members = frozenset(group.members)
    shown = pick(COLUMN_WORDS["group_subtotal"], lang).format(label=group.label.text(lang))
    return Column(f"group:{group.name}", shown, CellKind.MONEY,
                  lambda r: sum((amount for name, amount in r.pay if name in members), Decimal(0)))


def points_heading(label: str, lang: str) -> str:
    """A KPI's points column: `客单价 得分`; a label that already says it is points (考核得分) as it is."""
    if label.endswith("得分") or label.lower().endswith("points"):
        return label
    return pick(COLUMN_WORDS["points"], lang).format(label=label)


def kpi_sources(plan: Plan) -> list[tuple[Step, Step, bool]]:
    """For each KPI step: the step holding its raw value, and whether that is a formula value.

    A linear KPI reads its metric; a bands KPI's band step reads it; a formula KPI's raw step is
    the formula's own value (before clamping to the weight)."""
    steps = plan.steps
    found = []
    for kpi in (s for s in steps if s.kind == Kind.KPI):
        if kpi.reads:
            found.append((kpi, steps[kpi.reads[0]], False))
            continue
        child = next(s for s in steps if s.parent == kpi.slot and s.kind in (Kind.BAND, Kind.RAW))
        found.append((kpi, steps[child.reads[0]], False) if child.kind == Kind.BAND else (kpi, child, True))
    return found


def unit_text(plan: Plan, unit: Unit, lang: str) -> str:
    """The unit a measured value's heading names: 秒 / s for durations, 元 for money, % for ratios."""
    if unit == Unit.DURATION:
        return pick(COLUMN_WORDS["seconds"], lang)
    if unit == Unit.MONEY:
        return money_unit(plan, lang)
    if unit in (Unit.RATIO, Unit.PERCENT):
        return "%"
    return ""


def measured_columns(plan: Plan, lang: str) -> list[Column]:
    """Each KPI's measured value (the metric it reads, or its formula's value), headed 实际值 with its
    unit; the values are read from the trace, so results must carry theirs."""
    words = COLUMN_WORDS
    found = []
    for kpi, source, is_formula in kpi_sources(plan):
        label = kpi.label.text(lang)
        name = pick(words["formula_value"], lang).format(label=label) if is_formula else source.label.text(lang)
        unit = unit_text(plan, source.unit, lang)
        shown = pick(words["measured"], lang).format(label=name)
        if unit:
            shown += f"（{unit}）" if lang == "zh" else f" ({unit})"
        found.append(Column(f"measured:{kpi.name}", shown, CellKind.MEASURED,
                            lambda r, slot=source.slot: (r.trace or ())[slot] if r.trace else None))
    return found


def measured_unit(plan: Plan, kpi_name: str) -> Unit:
    """The unit of a KPI's measured value (for its cells' number format)."""
    return next(source.unit for kpi, source, _ in kpi_sources(plan) if kpi.name == kpi_name)
