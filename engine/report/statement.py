"""What one agent's payslip says, read from the evaluation's own record, for the HTML page and the
工资条 workbook alike.

Nothing is computed here that the engine did not compute: each KPI's measured value, band and
points are trace values, each pay line is the result's own amount, the deduction and its carry are
the L.1 steps' values. Only their words are made here: a measured value is shown with the digits
that keep it on its side of the bands it is compared with, and the next threshold is the nearest
band edge that pays more points, named as the policy wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from engine.ledger.store import Decision
from engine.model.kinds import Kind
from engine.model.plan import Plan
from engine.model.results import Outcome
from engine.model.step_names import CARRIED_OUT, EARNED
from engine.model.steps import Step
from engine.model.units import PERCENT_UNITS, Unit
from engine.policy.formula_words import percent_bound
from engine.report.explain import band_text, cancelling_gates, show, value_bounds
from engine.report.headings import carried as carried_columns
from engine.report.headings import choice_metrics, choice_text, rating_text
from engine.report.ledger_lists import decision_line
from engine.report.messages import COLUMN_WORDS, PAYSLIP, pick
from engine.report.number_text import at_most, number, paid_text
from engine.report.penalty_text import cancelling_clauses, clause_notes
from engine.report.recorded import retro_text
from engine.report.result_columns import flags_text, kpi_sources


@dataclass(frozen=True, slots=True)
class KpiLine:
    label: str
    measured: str  # the measured value as shown (with its unit), or the formula value
    band: str  # "第 2 档 [90%, 95%) → 15 分", or "" for a linear or formula KPI
    points: Decimal
    next: str  # the next threshold and what it pays, "已是最高档", or ""


@dataclass(frozen=True, slots=True)
class PayLine:
    name: str
    label: str
    rules: str  # "S4.1/S4.2", or ""
    amount: Decimal
    note: str = ""  # why it pays less than it earned: the gate or clause that cancelled it


@dataclass(frozen=True, slots=True)
class GroupLine:
    """A pay group's subtotal as paid (after cancellations), shown after the line `after`."""

    name: str
    after: str
    label: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Statement:
    """One agent's month as a payslip shows it."""

    agent: str
    name: str
    period: str
    team: str
    role: str
    grade: str
    score: Decimal | None  # None: the policy has no scorecard (S4), so the payslip shows none
    score_shown: str  # with the digits that keep it on its side of every threshold (score_text)
    rating: str
    kpis: tuple[KpiLine, ...]
    pay: tuple[PayLine, ...]
    after: tuple[tuple[str, Decimal], ...]  # lines added after evaluation: manual adjustments, retro lines
    total: Decimal
    clauses: tuple[str, ...]  # each clause that fired, came close or deducted, in words with its rules
    carried: Decimal | None  # loss still to deduct next month (L.1), None when the policy carries none
    career: tuple[str, ...]
    # The roster columns the policy carries (`roster.carry`), (heading as the shop writes it, value).
    columns: tuple[tuple[str, str], ...] = ()
    # Each choice metric (考核结果) as (its label, the value's label; 未考核 when absent), after the rating.
    choices: tuple[tuple[str, str], ...] = ()
    # Each pay group's subtotal (`pay_groups:`, 当月奖金小计), shown with its last line: never a pay line.
    groups: tuple[GroupLine, ...] = ()
    # The flags raised (S1.5) in words, for the 工资条 workbook's 标记 column ("" when none).
    flags: str = ""


def _label(plan: Plan, table: str, value: str | None, lang: str) -> str:
    if value is None:
        return ""
    found = (plan.roles if table == "role" else plan.grades).get(value)
    return found[0].text(lang) if found is not None else value


def bound_text(value: Decimal, unit: Unit, lang: str) -> str:
    """A band edge in the unit of the value it bounds: 95%, 30 秒, 1200."""
    if unit in PERCENT_UNITS:
        return percent_bound(value)
    text = number(value) or ""
    if unit == Unit.DURATION:
        return f"{text} 秒" if lang == "zh" else f"{text} s"
    return text


def next_threshold(band: Step, index: object, value: object, unit: Unit, lang: str) -> str:
    """The nearest band edge that pays more points than the band reached, and what it pays:
    `≥ 95% → 20 分`; `已是最高档` when no band pays more. The edge is the policy's own number and
    its side (≥ or >, ≤ or <) follows the band's closed end, so it is never rounded across."""
    if not isinstance(value, Decimal) or not isinstance(index, (int, Decimal)):
        return ""
    points = band.bands[int(index)][2] if 0 <= int(index) < len(band.bands) else None
    best: tuple[Decimal, Decimal, str] | None = None  # (distance, -points, text)
    for low, high, pays, _ in band.bands:
        if points is not None and pays <= points:
            continue
        if low is not None and low >= value:
            sign, edge = ("≥" if band.closed == "left" else ">"), low
        elif high is not None and high <= value:
            sign, edge = ("<" if band.closed == "left" else "≤"), high
        else:
            continue
        text = f"{sign} {bound_text(edge, unit, lang)} → {at_most(pays, 4)} {pick(PAYSLIP['points'], lang)}"
        candidate = (abs(edge - value), -pays, text)
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    if best is None:
        return pick(PAYSLIP["top_band"], lang)
    return best[2]


def score_bounds(plan: Plan) -> list[Decimal]:
    """The fixed numbers the policy compares the score with (rating minimums, gates): a score is shown
    with the digits that keep it on its side of each (59.99999, never 60.0000… beside 合格 ≥ 60)."""
    score = next((s for s in plan.steps if s.kind == Kind.SCORE), None)
    if score is None:
        return []
    return [t.at for s in plan.steps for t in s.thresholds if t.slot == score.slot and t.at is not None]


def score_text(plan: Plan, score: Decimal | None) -> str:
    """The score as shown beside its thresholds; "" for a policy without a scorecard (S4), never 0.00."""
    return "" if score is None else at_most(score, 4, score_bounds(plan))


def _kpis(plan: Plan, values: tuple, lang: str) -> tuple[KpiLine, ...]:
    bounds = value_bounds(plan, values)
    found = []
    for kpi, source, is_formula in kpi_sources(plan):
        band = next((s for s in plan.steps if s.parent == kpi.slot and s.kind == Kind.BAND), None)
        measured = values[source.slot]
        shown = show(measured, source, plan, lang, bounds.get(source.slot, ()))
        if band is not None:
            unit = source.unit
            index = values[band.slot]
            found.append(KpiLine(kpi.label.text(lang), shown, band_text(band, index, lang, unit), values[kpi.slot],
                                 next_threshold(band, index, measured, unit, lang)))
        else:
            label = source.label.text(lang) if not is_formula else pick(PAYSLIP["formula_value"], lang)
            found.append(KpiLine(kpi.label.text(lang), shown if not is_formula else f"{label} {shown}", "",
                                 values[kpi.slot], ""))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Loss:
    """A pay line a gate or clause cancelled, and what it would have paid (never 0: nothing lost then)."""

    name: str
    earned: Decimal
    by: str  # the gate's or clause's label
    rules: tuple[str, ...]


def losses(plan: Plan, values: tuple, pay: Sequence[tuple[str, Decimal]], lang: str) -> dict[str, Loss]:
    """The pay lines a gate (first) or a clause cancelled this month that would have paid something:
    money never due is never shown as taken."""
    steps = {s.name: s for s in plan.steps}
    cancelling = {name: (gate.label, gate.rule) for name, gate in cancelling_gates(plan, values).items()}
    for name, clause in cancelling_clauses(plan, values).items():
        cancelling.setdefault(name, (clause.label, clause.rules))
    found = {}
    for name, paid in pay:
        earned = values[steps[name + EARNED].slot] if name + EARNED in steps else None
        if name in cancelling and isinstance(earned, Decimal) and earned and not paid:
            label, rules = cancelling[name]
            found[name] = Loss(name, earned, label.text(lang), tuple(rules))
    return found


def _pay(plan: Plan, values: tuple, pay: Sequence[tuple[str, Decimal]], lang: str) -> tuple[PayLine, ...]:
    """Every pay line; one a gate or clause cancelled says so, with what it would have paid."""
    steps = {s.name: s for s in plan.steps}
    lost = losses(plan, values, pay, lang)
    lines = []
    for name, paid in pay:
        note = ""
        if name in lost:
            cited = "/".join(lost[name].rules)
            note = pick(PAYSLIP["cancelled"], lang).format(
                earned=paid_text(lost[name].earned), by=lost[name].by,
                rules=(f"（{cited}）" if lang == "zh" else f" ({cited})") if cited else "")
        lines.append(PayLine(name, steps[name].label.text(lang), "/".join(steps[name].rule), paid, note))
    return tuple(lines)


def statement(plan: Plan, outcome: Outcome, decisions: Sequence[Decision], recorded: bool, lang: str) -> Statement:
    """The payslip of one outcome (evaluated with its trace)."""
    result = outcome.result
    values = result.trace
    if values is None:
        raise ValueError("a payslip reads the trace: evaluate with trace=True")
    slots = {s.name: s.slot for s in plan.steps}
    clauses = tuple(text for _, text in clause_notes(plan, result, lang))
    carried = values[slots[CARRIED_OUT]] if CARRIED_OUT in slots else None
    after = [(f"{a.reason} · {pick(PAYSLIP['approved_by'], lang)} {a.approved_by}", a.amount)
             for a in outcome.adjustments]
    after += [(retro_text(plan, r, lang), r.amount) for r in outcome.retro]
    if recorded:
        career = tuple(decision_line(d, lang) for d in decisions) or (pick(PAYSLIP["no_decisions"], lang),)
    else:
        career = (pick(PAYSLIP["career_files"], lang),)
    flags = flags_text(plan, result, lang)
    if flags:  # S1.5: training, moves and reviews the month suggests
        career += (pick(PAYSLIP["flags"], lang).format(flags=flags),)
    return Statement(result.agent, result.name, result.period, result.team, _label(plan, "role", result.role, lang),
                     _label(plan, "grade", result.grade, lang), result.score, score_text(plan, result.score),
                     rating_text(plan, result.rating, lang), _kpis(plan, values, lang),
                     _pay(plan, values, result.pay, lang), tuple(after), outcome.total, clauses, carried, career,
                     tuple(carried_columns(plan, result).items()),
                     tuple((metric.label.text(lang), choice_text(plan, metric.name, value, lang))
                           for metric, (_, value) in zip(choice_metrics(plan), result.choices, strict=False)),
                     _groups(plan, result.pay, lang), flags)


def _groups(plan: Plan, pay: Sequence[tuple[str, Decimal]], lang: str) -> tuple[GroupLine, ...]:
    """Each group's subtotal, placed after the last of its members the payslip lists."""
    found = []
    for group in plan.pay_groups:
        members = [(name, amount) for name, amount in pay if name in group.members]
        if members:
            label = pick(COLUMN_WORDS["group_subtotal"], lang).format(label=group.label.text(lang))
            found.append(GroupLine(group.name, members[-1][0], label, sum((a for _, a in members), Decimal(0))))
    return tuple(found)
