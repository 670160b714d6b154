"""Penalty clauses as a manager reads them: the events behind each firing, what it moved, and what
came close ("10月12日首次响应超过200秒（S4.P24）：取消当月奖金与提成").

Everything here is read from the evaluation's own record: a clause's count, its evidence (the
events of each fired period, the period that came closest) and its amounts are trace values, so
the explanation cannot drift from what was paid.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal

from engine.model.penalties import Clause, PayGroup
from engine.model.plan import Plan
from engine.model.results import AgentResult
from engine.model.step_names import (
    CARRIED_IN,
    CARRIED_OUT,
    DEDUCTION,
    DEDUCTION_OWED,
    DROPPED,
    EARNED,
    EVENTS,
    LOSS,
    WHEN,
)
from engine.model.steps import Step
from engine.report.messages import WARNING_LEVELS
from engine.report.number_text import at_most, fixed

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(text: str, lang: str) -> str:
    month, day = int(text[5:7]), int(text[8:10])
    return f"{month}月{day}日" if lang == "zh" else f"{day} {MONTHS_EN[month - 1]}"


def period_words(text: str, lang: str) -> str:
    """`2026-10-12` → 10月12日 / 12 Oct; a week `start/end` → 10月5日–11日当周; a month → 10月 / Oct 2026."""
    if "/" in text:
        start, end = text.split("/")
        if lang == "zh":
            tail = f"{int(end[8:10])}日" if start[5:7] == end[5:7] else _day(end, lang)
            return f"{_day(start, lang)}–{tail}当周"
        return f"the week {_day(start, lang)}–{_day(end, lang)}"
    if len(text) == 7:
        return f"{int(text[5:7])}月" if lang == "zh" else f"{MONTHS_EN[int(text[5:7]) - 1]} {text[:4]}"
    return _day(text, lang)


def _periods(clause: Clause, fired: tuple, lang: str) -> str:
    """When a clause fired, each once, in order: 10月12日、10月15日. A clause any single event fires
    is dated by its events' days, whatever period it counts in; one that needs several events in a
    day, week or month, by those periods."""
    if clause.count_over == 0:
        seen = list(dict.fromkeys(_day(event[0][:10], lang) for _, events in fired for event in events))
    else:
        seen = list(dict.fromkeys(period_words(period, lang) for period, _ in fired))
    return ("、" if lang == "zh" else ", ").join(seen)


def _money(value: Decimal, lang: str) -> str:
    """Amounts from events and deductions, always in yuan (the events file's 金额 column)."""
    return f"{fixed(value, 2)} 元" if lang == "zh" else f"{fixed(value, 2)} CNY"


def event_line(event: tuple, lang: str, kinds: Mapping | None = None) -> str:
    """One event: time, its kind (of a clause over several kinds, by its label in `kinds`), order
    number, value, amount and the file row it was read from."""
    at, order, value, amount, source = event[:5]
    parts = [at]
    if len(event) > 5:
        parts.append(kind_text(event[5], kinds, lang))
    if order:
        parts.append(f"订单 {order}" if lang == "zh" else f"order {order}")
    if value is not None:
        parts.append(f"{at_most(value, 4)} 秒" if lang == "zh" else f"{at_most(value, 4)} s")
    if amount is not None:
        parts.append(("金额 " if lang == "zh" else "amount ") + _money(amount, lang))
    if source:
        parts.append(source_text(source, lang))
    return " · ".join(parts)


def kind_text(kind: str, kinds: Mapping | None, lang: str) -> str:
    """An event kind by its label in the reader's language (the id when the policy has none)."""
    found = (kinds or {}).get(kind)
    return found[0].text(lang) if found is not None else kind


def source_text(source: str, lang: str) -> str:
    """`events.csv row 5` as the reader says it: `events.csv 第 5 行` in Chinese."""
    return source.replace(" row ", " 第 ") + " 行" if lang == "zh" and " row " in source else source


def evidence_lines(plan: Plan, step: Step, values: tuple, lang: str) -> Iterator[str]:
    """Under a clause's `.events` step: each fired period with its events, or the near miss."""
    clause = _clause(plan, step.name.removesuffix(EVENTS))
    fired, near = values[step.slot] if isinstance(values[step.slot], tuple) else ((), None)
    for period, events in fired:
        count = len(events)
        yield (f"{period_words(period, lang)}：{count} 次" if lang == "zh"
               else f"{period_words(period, lang)}: {count} event{'s' if count != 1 else ''}")
        for event in events:
            yield "  " + event_line(event, lang, plan.events.kinds if plan.events is not None else None)
    if near is not None and clause is not None:
        yield close_line(clause, near, lang)


def close_line(clause: Clause, near: tuple, lang: str) -> str:
    period, count = near
    rules = "/".join(clause.rules)
    if lang == "zh":
        return (f"接近触发“{clause.label.zh}”：{period_words(period, lang)}已有 {at_most(count, 0)} 次，"
                f"再多 1 次即触发{f'（{rules}）' if rules else ''}")
    return (f"came close to '{clause.label.en}': {at_most(count, 0)} on {period_words(period, lang)}; "
            f"one more would fire it{f' ({rules})' if rules else ''}")


def cancelling_clauses(plan: Plan, values: tuple) -> dict[str, Clause]:
    """Which clause (the first written) cancelled each pay component, from the recorded values."""
    slots = {s.name: s.slot for s in plan.steps}
    found: dict[str, Clause] = {}
    for clause in plan.penalties:
        when = slots.get(clause.name + WHEN)
        if values[slots[clause.name]] and (when is None or values[when]):
            for target in clause.cancels:
                found.setdefault(target, clause)
    return found


def _listed(items: list[str], lang: str) -> str:
    """奖金、阶梯奖与提成 / bonus, step bonus and commission."""
    if len(items) < 2:
        return "".join(items)
    return ("、".join(items[:-1]) + "与" if lang == "zh" else ", ".join(items[:-1]) + " and ") + items[-1]


def cancelled_words(plan: Plan, clause: Clause, labels: Mapping[str, str], lang: str) -> list[str]:
    """What a clause cancels as its policy names it: a group by its label with its members
    (当月奖金（考核优秀奖、阶梯奖…）), a line by its label."""
    groups = {group.name: group for group in plan.pay_groups}
    found = []
    for name in clause.cancels_written or clause.cancels:
        group = groups.get(name)
        if group is None:
            found.append(labels.get(name, name))
            continue
        members = ("、" if lang == "zh" else ", ").join(labels.get(m, m) for m in group.members)
        found.append(f"{group.label.text(lang)}（{members}）" if lang == "zh"
                     else f"{group.label.text(lang)} ({members})")
    return found


def cancelled_through(plan: Plan, clause: Clause, component: str) -> PayGroup | None:
    """The group through which `clause` cancels `component` (the first it names that holds it), None
    when the clause names the component itself or names no group holding it."""
    if component in clause.cancels_written:
        return None
    return next((g for g in plan.pay_groups if g.name in clause.cancels_written and component in g.members), None)


def _clause(plan: Plan, name: str) -> Clause | None:
    return next((c for c in plan.penalties if c.name == name), None)


def _effects(plan: Plan, clause: Clause, values: tuple, slots: dict[str, int], lang: str,
             first: dict[str, Clause]) -> list[str]:
    """What a clause that applied did. The money a cancellation moved is named once, with the
    first clause that cancelled the component (cancelling twice cancels once)."""
    labels = {s.name: s.label.text(lang) for s in plan.steps if s.kind.is_pay}
    joined = _listed(cancelled_words(plan, clause, labels, lang), lang)
    found = []
    if clause.cancels:
        # A component not paid to the agent's role has no earned amount (None): nothing moved.
        earned = {t: values[slots[t + EARNED]] for t in clause.cancels if t + EARNED in slots}
        moved = [f"{labels.get(t, t)} {_money(amount, lang)}" for t, amount in earned.items()
                 if first.get(t) is clause and isinstance(amount, Decimal) and amount]
        shown = f"（{'、'.join(moved)}）" if lang == "zh" else f" ({', '.join(moved)})"
        # Nothing it cancels would have paid this month (not due, or 0): say so, never imply money was taken.
        never_due = not any(isinstance(amount, Decimal) and amount for amount in earned.values())
        if never_due:
            shown = "（本月原应发均为 0，未减少应发）" if lang == "zh" else " (they earned 0 this month: nothing taken)"
        # A group's label says the month itself (当月奖金): "取消当月奖金（…）", never "取消当月当月奖金".
        grouped = any(g.name in clause.cancels_written for g in plan.pay_groups)
        found.append((f"取消{'' if grouped and joined.startswith('当月') else '当月'}{joined}" if lang == "zh"
                      else f"cancels {'' if grouped else 'the month' + chr(39) + 's '}{joined}")
                     + (shown if moved or never_due else ""))
    loss = values[slots[clause.name + LOSS]] if clause.costs else None
    if clause.deducts is not None and isinstance(loss, Decimal):
        found.append(f"损失 {_money(loss, lang)}计入赔偿扣款" if lang == "zh"
                     else f"{_money(loss, lang)} of loss to deduct")
    if clause.charges is not None and isinstance(loss, Decimal):
        found.append(f"{_money(loss, lang)}由{clause.charges.zh}承担，不从本人扣除" if lang == "zh"
                     else f"{_money(loss, lang)} borne by {clause.charges.en}, not the agent")
    if clause.warns is not None:
        zh, en = WARNING_LEVELS[clause.warns]
        count = values[slots[clause.name]]
        found.append(f"{zh} {at_most(count, 0)} 次" if lang == "zh" else f"{en} ×{at_most(count, 0)}")
    return found


def clause_sentences(plan: Plan, result: AgentResult, lang: str) -> Iterator[str]:
    """One sentence per clause that applied, one per clause that came close, one for the deduction."""
    return (text for _, text in clause_notes(plan, result, lang))


def clause_notes(plan: Plan, result: AgentResult, lang: str) -> Iterator[tuple[Clause | None, str]]:
    """(clause, sentence) for each clause that fired or came close; (None, sentence) for a deduction."""
    values = result.trace
    if not values or not plan.penalties:
        return
    slots = {s.name: s.slot for s in plan.steps}
    applied = dict(result.penalties)
    first = cancelling_clauses(plan, values)
    for clause in plan.penalties:
        fired, near = values[slots[clause.name + EVENTS]]
        rules = "/".join(clause.rules)
        cited = (f"（{rules}）" if lang == "zh" else f" ({rules})") if rules else ""
        if fired and applied.get(clause.name):
            effects = ("，" if lang == "zh" else "; ").join(_effects(plan, clause, values, slots, lang, first))
            label = clause.label.text(lang)
            yield clause, (f"{_periods(clause, fired, lang)}{label}{cited}：{effects}" if lang == "zh"
                           else f"{_periods(clause, fired, lang)}: {label}{cited}: {effects}")
        elif fired:
            # The condition as the trace writes it: ids compared with a role or a choice by their labels.
            when = plan.steps[slots[clause.name + WHEN]].formula_text(lang) if clause.when else ""
            dates = _periods(clause, fired, lang)
            yield clause, (f"{dates}{clause.label.zh}{cited}：条件 {when} 不成立，未生效" if lang == "zh"
                           else f"{dates}: {clause.label.en}{cited}: not applied ({when} does not hold)")
        elif near is not None:
            yield clause, close_line(clause, near, lang)
    if DEDUCTION in slots and values[slots[DEDUCTION_OWED]]:
        yield None, deduction_sentence(plan, values, slots, lang)


def event_rows(plan: Plan, result: AgentResult, lang: str) -> Iterator[tuple]:
    """Rows of the workbook's penalties sheet: one per event behind a clause that fired, one per
    clause that came close or did not apply, one for the deduction; each with its sentence."""
    values = result.trace
    if not values:
        return
    slots = {s.name: s.slot for s in plan.steps}
    for clause, sentence in clause_notes(plan, result, lang):
        if clause is None:
            yield ("", "", "L.1", "", "", "", None, None, "", sentence)
            continue
        fired, _ = values[slots[clause.name + EVENTS]]
        rules = "/".join(clause.rules)
        if not fired:
            yield (clause.name, clause.label.text(lang), rules, "", "", "", None, None, "", sentence)
        kinds = plan.events.kinds if plan.events is not None else None
        for period, events in fired:
            for event in events:
                at, order, value, amount, source = event[:5]
                # An event of a clause over several kinds says which kind it is, beside the clause's label.
                label = clause.label.text(lang) + (f" · {kind_text(event[5], kinds, lang)}" if len(event) > 5 else "")
                yield (clause.name, label, rules, period_words(period, lang), at, order, value, amount,
                       source_text(source, lang), sentence)


def deduction_sentence(plan: Plan, values: tuple, slots: dict[str, int], lang: str) -> str:
    taken = -values[slots[DEDUCTION]]
    owed = values[slots[DEDUCTION_OWED]]
    carried_in = values[slots[CARRIED_IN]]
    rest = values[slots[CARRIED_OUT]] if CARRIED_OUT in slots else None
    dropped = values[slots[DROPPED]] if DROPPED in slots else None
    if lang == "zh":
        text = f"赔偿扣款 {_money(taken, lang)}（应扣 {_money(owed, lang)}"
        text += f"，其中以前月份结转 {_money(carried_in, lang)}" if carried_in else ""
        text += f"；结转下月 {_money(rest, lang)}" if rest else ""
        text += f"；不再追扣 {_money(dropped, lang)}" if dropped else ""
        if plan.deductions is not None and not plan.deductions.guard:
            return text + "；法定上限已关闭：deductions: guard: off）"
        return text + "；工资支付暂行规定第十六条：每月不超过工资的 20%，扣后不低于当地最低工资）"
    text = f"Loss deduction {_money(taken, lang)} (owed {_money(owed, lang)}"
    text += f", of which {_money(carried_in, lang)} carried from earlier months" if carried_in else ""
    text += f"; {_money(rest, lang)} carried to next month" if rest else ""
    text += f"; {_money(dropped, lang)} dropped" if dropped else ""
    if plan.deductions is not None and not plan.deductions.guard:
        return text + "; the legal guard is off: deductions: guard: off)"
    return text + "; wage regulation Art. 16: at most 20 % of the month's wage, never below the minimum wage)"
