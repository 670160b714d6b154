"""Render one agent's trace: a tree from the total down to the inputs, then a plain summary.

The values come from the evaluation's own record (`AgentResult.trace`, one value per plan step);
this module only reads them next to each step's rule, formula and policy line, in the reader's
language: units after the numbers (元, 分, 秒), ratios as percentages, yes/no as 是/否, role,
grade and rating by their labels. Every shown line has its control characters made visible, as
labels and names come from files the shop does not fully control.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from decimal import Decimal

from engine.model.blocks import Block
from engine.model.calendar_facts import said
from engine.model.kinds import Kind
from engine.model.label import Label
from engine.model.ops import Input
from engine.model.plan import Plan
from engine.model.results import AgentResult
from engine.model.step_names import EARNED, TIER
from engine.model.steps import Population, Step, Threshold
from engine.model.units import PERCENT_UNITS, Unit
from engine.policy.formula_words import percent_bound
from engine.report.headings import absent, carried, choice_text, money_unit, rating_text
from engine.report.messages import COLUMN_WORDS, EXPLANATION, by_language, pick
from engine.report.number_text import at_most, fixed, number, percent, rounded
from engine.report.penalty_text import cancelled_through, cancelling_clauses, clause_sentences, evidence_lines
from engine.report.safe_text import for_terminal, json_safe
from engine.report.tables import policy_in_force
from engine.report.what_it_takes_text import what_it_takes_json, what_it_takes_lines
from engine.run.what_it_takes import WhatItTakes

WORDS = by_language(EXPLANATION)
# A step's details said on its own lines, never listed as steps below it: a ranking's standing,
# how a policy fallback supplied a value.
NOTES = frozenset({Kind.STANDING, Kind.SUPPLIED, Kind.FALLBACK})


def _rules(rules: tuple[str, ...], lang: str) -> str:
    """` (S0.5)` / `（S0.5）`, or nothing at all when the step cites no rule."""
    if not rules:
        return ""
    return f"（{'/'.join(rules)}）" if lang == "zh" else f" ({'/'.join(rules)})"


def amount(value: Decimal, plan: Plan, lang: str, bounds: Sequence[Decimal] = ()) -> str:
    """Money as paid: to the fen when it is whole fen, with 元 (zh) or the currency code; beside
    `bounds`, with the digits that keep it on its side of each (see number_text.places_beside)."""
    unit = money_unit(plan, lang)
    if value.is_finite() and value == rounded(value, 2):
        return f"{fixed(value, 2)} {unit}"
    return f"{at_most(value, 4, bounds)} {unit}"


def show(value: object, step: Step, plan: Plan, lang: str, bounds: Sequence[Decimal] = ()) -> str:
    """A step's value as a supervisor reads it, with its unit; never rounded onto or across one of
    the `bounds` it is compared with (149.99997% beside ≥ 150%, not 150.0000%…)."""
    words = WORDS[lang]
    # A commission's base and a minimum's floor are amounts of money, whatever their expression.
    unit = Unit.MONEY if step.kind in (Kind.BASE, Kind.FLOOR) else step.unit
    if isinstance(value, bool):
        return words["yes"] if value else words["no"]
    if isinstance(value, tuple):
        return "(" + ", ".join(show(v, step, plan, lang) for v in value) + ")"
    if isinstance(value, Decimal):
        if unit == Unit.MONEY:
            return amount(value, plan, lang, bounds)
        if unit in PERCENT_UNITS:
            return percent(value, bounds)
        text = at_most(value, 4, bounds)
        if unit == Unit.POINTS:
            return f"{text} {words['points']}"
        return f"{text} {words['seconds']}" if unit == Unit.DURATION else text
    if isinstance(value, str) or (value is None and absent(plan, step.name)):
        return choice_text(plan, step.name, value, lang) if step.name != "rating" else rating_text(plan, value, lang)
    return "—" if value is None else str(value)


def interval(low: Decimal | None, high: Decimal | None, closed: str, unit: Unit = Unit.NONE) -> str:
    """`[a, b)` for left-closed bands, `(a, b]` for right-closed; an infinite end is always open.
    Bounds are in the unit of the value they hold (`[90%, 95%)` for a ratio)."""
    def bound(value: Decimal) -> str:
        return percent_bound(value) if unit in PERCENT_UNITS else number(value) or ""

    left = "(-∞" if low is None else ("[" if closed == "left" else "(") + bound(low)
    right = "+∞)" if high is None else bound(high) + (")" if closed == "left" else "]")
    return f"{left}, {right}"


def band_text(step: Step, index: int | None, lang: str, unit: Unit = Unit.NONE) -> str:
    words = WORDS[lang]
    if index is None:  # not computed: a component not paid to the agent's role (`roles:`) skips its tiers
        return "—"
    if index < 0 or index >= len(step.bands):
        return words["outside"]
    low, high, value, label = step.bands[index]
    name = f" “{label.text(lang)}”" if label and lang == "zh" else f" {label.text(lang)}" if label else ""
    span = interval(low, high, step.closed, unit)
    band = words["band"].format(n=index + 1)
    if step.name.endswith(TIER):
        shown = words["rate_by"] if value is None else percent(value)  # None: a rate by role, grade …
        return f"{band}{name} {span} → {words['rate']} {shown}"
    return f"{band}{name} {span} → {at_most(value, 4)} {words['points']}"


def _ordinal(place: int) -> str:
    if 10 <= place % 100 <= 20:
        return f"{place}th"
    return f"{place}" + {1: "st", 2: "nd", 3: "rd"}.get(place % 10, "th")


def _cut_text(population: Population, values: tuple, lang: str) -> str:
    """`前 30 % = 3 人，实际 4 人入选（并列）` / `top 30 % = 3 agents, 4 in (tied at the cut)`.

    The top is a number of agents (never of places); when ties at the cut (or a group smaller
    than the top) make it hold another number, the text says how many are actually in and why."""
    zh = lang == "zh"
    cut = values[population.slots[3]]
    agents = f"{number(cut)} 人" if zh else f"{number(cut)} agent{'s' if cut != 1 else ''}"
    if population.top is not None and population.top[0] == "percent":
        share = number(population.top[1])
        text = f"前 {share} % = {agents}" if zh else f"top {share} % = {agents}"
    else:
        text = f"前 {agents}" if zh else f"top {agents}"
    chosen = values[population.standing[3]] if len(population.standing) > 3 else cut
    if chosen != cut:
        why = ("并列" if zh else "tied at the cut") if chosen > cut else (
            f"仅 {number(values[population.slots[1]])} 人参与排名" if zh
            else f"only {number(values[population.slots[1]])} ranked")
        text += f"，实际 {number(chosen)} 人入选（{why}）" if zh else f", {number(chosen)} in ({why})"
    return text


def _shared_text(population: Population, values: tuple, place: int, lang: str) -> str:
    """Who shares the place (the first few ids, then how many more), and under dense places how
    many are ranked ahead, so place 3 of a dense ranking is never read as the 3rd best."""
    zh = lang == "zh"
    notes = []
    if population.standing:
        ahead, others, named = (values[s] for s in population.standing[:3])
        if others:
            more = int(others) - len(named)
            listed = ("、" if zh else ", ").join(named)
            if zh:
                notes.append(f"与 {listed}…及另外 {more} 人并列" if more > 0 else f"与 {listed} 并列")
            else:
                notes.append(f"shared with {listed}" + (f" …and {more} more" if more > 0 else ""))
        if population.ties == "dense" and ahead != place - 1:
            notes.append(f"名次不跳号，前面有 {number(ahead)} 人" if zh
                         else f"dense places: {number(ahead)} ranked ahead")
    if not notes:
        return ""
    return f"（{'；'.join(notes)}）" if zh else f" ({'; '.join(notes)})"


def population_text(step: Step, plan: Plan, values: tuple, lang: str) -> str | None:
    """A population value with what it was taken over:
    `第 3 名（与 1004、1007 并列）/ 10 人；前 30 % = 3 人，实际 4 人入选（并列）`."""
    population = next((p for p in plan.populations if step.slot in p.slots), None)
    if population is None:
        return None
    zh = lang == "zh"
    slots = population.slots
    if population.kind == "stat":
        members = number(values[slots[1]])
        counted = f"{members} 人" if zh else f"{members} agent{'s' if values[slots[1]] != 1 else ''}"
        if step.slot == slots[1]:
            return counted
        shown = show(values[slots[0]], plan.steps[slots[0]], plan, lang)
        return f"{shown}（{counted}）" if zh else f"{shown} ({counted})"
    place, size = int(values[slots[0]]), number(values[slots[1]])
    within = {"team": ("组内", " in the team"), "role": ("岗位内", " in the role")}.get(population.group, ("", ""))
    if values[slots[2]]:
        shared = _shared_text(population, values, place, lang)
        text = (f"{within[0]}第 {place} 名{shared or ' '}/ {size} 人" if zh
                else f"{_ordinal(place)} of {size}{within[1]}{shared}")
    else:
        text = f"不参与排名（{within[0]}{size} 人参与）" if zh else f"not ranked ({size} ranked{within[1]})"
    if len(slots) > 3:
        text += ("；" if zh else "; ") + _cut_text(population, values, lang)
    part = slots.index(step.slot)
    if part == 0:
        return text
    if part == 1:
        return f"{size} 人" if zh else size
    if part == 3:
        return _cut_text(population, values, lang)
    flag = WORDS[lang]["yes" if values[step.slot] else "no"]
    return f"{flag}（{text}）" if zh else f"{flag} ({text})"


def _tree(plan: Plan, result: AgentResult, lang: str) -> Iterator[str]:
    """The total's tree, then (when no pay line read it) the score's: every KPI is shown."""
    steps, values = plan.steps, result.trace
    children: dict[int, list[int]] = {}
    for step in steps:
        if step.parent is not None:
            children.setdefault(step.parent, []).append(step.slot)
    shown: set[int] = set()
    # Who cancelled each component: a gate first, else the first penalty clause that did.
    cancelling = {name: (gate.label, gate.rule) for name, gate in cancelling_gates(plan, values).items()}
    for name, clause in cancelling_clauses(plan, values).items():
        cancelling.setdefault(name, (clause.label, clause.rules, cancelled_through(plan, clause, name)))
    bounds = value_bounds(plan, values)
    total = next(s.slot for s in steps if s.kind == Kind.TOTAL)
    yield from _branch(plan, values, lang, total, children, shown, cancelling, bounds, result.period)
    score = next((s.slot for s in steps if s.kind == Kind.SCORE), None)
    if score is not None and score not in shown:
        rating = next((s.slot for s in steps if s.kind == Kind.RATING), None)
        yield ""
        yield from _branch(plan, values, lang, score if rating is None else rating, children, shown, cancelling,
                           bounds, result.period)


def _branch(plan: Plan, values: tuple, lang: str, root: int, children: dict[int, list[int]], shown: set[int],
            cancelling: dict, bounds: dict[int, list[Decimal]], period: str) -> Iterator[str]:
    """One tree from `root` down to the inputs; a step already shown says so and stops."""
    words = WORDS[lang]
    steps = plan.steps
    stack: list[tuple[int, int]] = [(root, 0)]
    while stack:
        slot, depth = stack.pop()
        step = steps[slot]
        indent = "  " * depth
        head = f"{indent}{step.label.text(lang)} ({step.name}) = {value_text(plan, values, slot, lang, bounds)}"
        if slot in shown:
            yield f"{head}  {words['seen']}"
            continue
        shown.add(slot)
        line = words["line_in"].format(n=step.line, file=step.file) if step.file else words["line"].format(n=step.line)
        where = " · ".join([*step.rule, line])
        yield f"{head}   [{where}]"
        details = {steps[c].kind: c for c in children.get(slot, [])}
        unpaid = _unpaid(plan, step, values, details, lang) if step.kind.is_pay else []
        earned = values[details[Kind.EARNED]] if Kind.EARNED in details else None
        moved = isinstance(earned, Decimal) and earned != 0
        if unpaid or (step.name in cancelling and moved and not values[slot]):
            yield f"{indent}    " + words["unpaid"].format(formula=step.formula_text(lang))
        elif step.formula:
            yield f"{indent}    = {step.formula_text(lang)}"
        if (fact := calendar_said(step, values[slot], period)) is not None:
            yield f"{indent}    {fact.text(lang)}"
        for kind in (Kind.SUPPLIED, Kind.FALLBACK):
            if kind in details and (note := fallback_note(plan, step, values, details[kind], lang)):
                yield f"{indent}    {note}"
        if step.kind == Kind.EVIDENCE:
            yield from (f"{indent}    {line}" for line in evidence_lines(plan, step, values, lang))
        if step.kind.is_pay and step.name in cancelling:
            label, rules, *through = cancelling[step.name]
            group = through[0] if through else None
            # Cancelled as one line of a group (S4's 当月奖金): the group is named (the summary lists its members).
            yield (f"{indent}    " + words["cancelled"].format(gate=label.text(lang), rules=_rules(rules, lang))
                   + (words["in_group"].format(group=group.label.text(lang)) if group else "")
                   + ("" if moved else words["nothing_taken"]))
        yield from (f"{indent}    {line}" for line in unpaid)
        # A ranking's standing and a fallback are said on their step's lines, not listed below it.
        below = [c for c in children.get(slot, []) if steps[c].kind not in NOTES]
        below += [r for r in step.reads if steps[r].parent != slot]
        for child in reversed(below):
            stack.append((child, depth + 1))


def calendar_said(step: Step, value: object, period: str) -> Label | None:
    """Where a calendar fact's value came from (本月为季度末月（2026-12）), or None for any other step."""
    if isinstance(step.op, Input) and step.op.block is Block.CALENDAR:
        return said(step.name, value, period)
    return None


def value_text(plan: Plan, values: tuple, slot: int, lang: str, bounds: dict[int, list[Decimal]]) -> str:
    """A step's value as its line says it: a band with its range, a clause's events by their count,
    a population value with what it was taken over, else the value with its unit."""
    step = plan.steps[slot]
    if step.kind == Kind.BAND:
        unit = plan.steps[step.reads[0]].unit if step.reads else Unit.NONE
        return band_text(step, values[slot], lang, unit)
    if step.kind == Kind.EVIDENCE:
        fired = values[slot][0] if isinstance(values[slot], tuple) else ()
        return (f"{len(fired)} 次" if lang == "zh" else f"{len(fired)}") if fired else WORDS[lang]["none"]
    return population_text(step, plan, values, lang) or show(values[slot], step, plan, lang, bounds.get(slot, ()))


def _unpaid(plan: Plan, step: Step, values: tuple, details: dict[Kind, int], lang: str) -> list[str]:
    """Why a component pays nothing this month whatever its formula says: not paid to the
    agent's role, or its own condition does not hold (a cancellation has its own line)."""
    words = WORDS[lang]
    found = []
    if roles := _not_paid_to(plan, step, values, lang):
        found.append(words["not_role"].format(roles=roles))
    elif Kind.WHEN in details and values[details[Kind.WHEN]] is False:
        found.append(words["not_due"].format(when=plan.steps[details[Kind.WHEN]].formula_text(lang)))
    return found


def fallback_note(plan: Plan, step: Step, values: tuple, slot: int, lang: str) -> str:
    """How a policy fallback gave a value, or nothing when the value is the file's or the formula's:
    `缺失，按方案 missing 取 0`, `'延迟统计'，按方案 placeholders 取 0`, `除数为零，按方案 on_zero_division 取 0`."""
    words = WORDS[lang]
    how = values[slot]
    value = show(values[step.slot], step, plan, lang)
    if plan.steps[slot].kind == Kind.FALLBACK:
        return words["zero_division"].format(value=value) if how else ""
    if not isinstance(how, str):
        return ""
    kind, _, text = how.partition(":")
    return words[kind].format(text=text, value=value) if kind in words else ""


def value_bounds(plan: Plan, values: tuple) -> dict[int, list[Decimal]]:
    """What each step's value is compared with in this trace (thresholds, band edges, another
    value), so it is shown on its side of each. A detail that is another value under a second
    name (`step_bonus.on` = attainment) shares that value's bounds."""
    found: dict[int, list[Decimal]] = {}
    steps = plan.steps
    for step in steps:
        for threshold in step.thresholds:
            found.setdefault(threshold.slot, []).extend(_resolved(threshold, values))
        if step.bands:
            edges = [edge for low, high, _, _ in step.bands for edge in (low, high) if edge is not None]
            for read in step.reads[1:] if step.kind == Kind.SLICES else step.reads:  # slices: (base, measure)
                found.setdefault(read, []).extend(edges)
    for step in steps:
        if len(step.reads) == 1 and step.formula == steps[step.reads[0]].name:
            shared = found.get(step.reads[0], []) + found.get(step.slot, [])
            if shared:
                found[step.reads[0]] = found[step.slot] = shared
    return found


def _resolved(threshold: Threshold, values: tuple) -> list[Decimal]:
    """A threshold's bounds in this trace: the fixed one, the other value, or the rungs of a
    ladder next to the value (a step bonus at 150 %, 200 %, …: the one below and the one above)."""
    if threshold.other is not None:
        bound = values[threshold.other]
        return [bound] if isinstance(bound, Decimal) else []
    if threshold.at is None:
        return []
    value = values[threshold.slot]
    if threshold.every is None or not isinstance(value, Decimal) or not value.is_finite() or threshold.every <= 0:
        return [threshold.at]
    try:
        rung = max((value - threshold.at) // threshold.every, Decimal(0))
        return [threshold.at, threshold.at + rung * threshold.every, threshold.at + (rung + 1) * threshold.every]
    except ArithmeticError:  # a value too far above the ladder to count its rungs: its start still holds
        return [threshold.at]


def _not_paid_to(plan: Plan, step: Step, values: tuple, lang: str) -> str:
    """The roles a component is paid to, by label, when the agent holds none of them (`roles:`)."""
    check = next((s for s in plan.steps if s.parent == step.slot and s.kind == Kind.ROLES), None)
    if check is None or values[check.slot]:
        return ""
    labels = []
    for role in check.roles:  # by label, with the id the policy's `roles:` lists hold beside it
        label = plan.roles[role][0].text(lang) if role in plan.roles else role
        labels.append(label if label == role else f"{label}（{role}）" if lang == "zh" else f"{label} ({role})")
    return ("、" if lang == "zh" else ", ").join(labels)


def cancelling_gates(plan: Plan, values: tuple) -> dict[str, Step]:
    """Which gate (if any) cancelled each pay component, read from the recorded gate values."""
    found: dict[str, Step] = {}
    for step in plan.steps:
        if step.kind == Kind.GATE and values[step.slot]:
            for target in step.cancels:
                found.setdefault(target, step)
    return found


def summary(plan: Plan, result: AgentResult, lang: str) -> str:
    """One plain sentence: score, rating, pay and its parts, and anything cancelled that would
    have paid (money never due is never said to be taken)."""
    labels = {s.name: s.label.text(lang) for s in plan.steps}
    rating = rating_text(plan, result.rating, lang)
    parts = " + ".join(f"{labels[name]} {amount(value, plan, lang)}" for name, value in result.pay)
    cancelled = cancelling_gates(plan, result.trace) if result.trace else {}
    earned = {s.name.removesuffix(EARNED): result.trace[s.slot] for s in plan.steps if s.kind == Kind.EARNED}
    cancelled = {name: gate for name, gate in cancelled.items()
                 if isinstance(earned.get(name), Decimal) and earned[name] != 0}
    who = f"{result.agent} {result.name}".strip()
    total = amount(result.total, plan, lang)
    score = at_most(result.score, 4) if result.score is not None else None  # None: no scorecard (S4)
    if lang == "zh":
        rated = f"（{rating}）" if rating else ""
        scored = f"得分 {score} 分{rated}，" if score is not None else ""
        text = f"{who} {result.period} {scored}应发 {total}：{parts}。"
        for name, gate in cancelled.items():
            text += f"{labels[name]}因“{gate.label.text(lang)}”{_rules(gate.rule, lang)}取消。"
        return text + "".join(f"{sentence}。" for sentence in clause_sentences(plan, result, lang))
    rated = f" ({rating})" if rating else ""
    text = (f"{who} scored {score}{rated} in {result.period} and is paid {total}: {parts}." if score is not None
            else f"{who} is paid {total} in {result.period}: {parts}.")
    for name, gate in cancelled.items():
        text += f" {labels[name]} was cancelled: {gate.label.text(lang)}{_rules(gate.rule, lang)}."
    return text + "".join(f" {sentence}." for sentence in clause_sentences(plan, result, lang))


def dated_lines(plan: Plan, lang: str) -> list[str]:
    """The dated values in force for the plan's period, each with the entry that applies and its line
    (`按日期取值 pay.commission.rate：2026-07-01 起 0.012（policy.yaml:40）`), and the content's sha256."""
    if not plan.policy.dated:
        return []
    words = WORDS[lang]
    lines = [words["in_force"].format(sha=plan.policy.content_sha256)]
    lines += [words["dated"].format(at=d.path, entry=d.text(lang), where=f"{d.file}:{d.line}")
              for d in plan.policy.dated]
    return lines


def head_lines(plan: Plan, result: AgentResult, lang: str) -> list[str]:
    """Who, which month, which policy (its sha256 and file): the first lines of every explanation."""
    words = WORDS[lang]
    return [
        f"{words['agent']} {result.agent} {result.name}".rstrip()
        + "".join(f" · {text} {value}" for text, value in carried(plan, result).items() if value)
        + f" · {words['period']} {result.period}"
        + (f" · {words['team']} {result.team}" if result.team else ""),
        f"{words['policy']} {plan.policy.id} {plan.policy.version} · sha256 {plan.policy.sha256} · {plan.policy.path}",
        *dated_lines(plan, lang),
        "",
    ]


def explain_text(plan: Plan, result: AgentResult, lang: str = "zh", what: WhatItTakes | None = None) -> str:
    """The whole tree (`explain --full`): every step from the total down to the inputs."""
    lines = [*head_lines(plan, result, lang), *_tree(plan, result, lang), *_flags(plan, result, lang), "",
             summary(plan, result, lang)]
    lines += what_it_takes_lines(plan, what, lang) if what is not None else []
    return "\n".join(for_terminal(line) for line in lines) + "\n"


def _flags(plan: Plan, result: AgentResult, lang: str) -> Iterator[str]:
    """The flags raised (S1.5), each with its suggested action and why: its condition, with the values read."""
    if not plan.flags or result.trace is None:
        return
    words = WORDS[lang]
    raised = [s for s in plan.steps if s.kind == Kind.FLAG and result.trace[s.slot] is True]
    yield ""
    if not raised:
        yield words["no_flags"]
        return
    yield words["flags"]
    children: dict[int, list[int]] = {}
    for step in plan.steps:
        if step.parent is not None:
            children.setdefault(step.parent, []).append(step.slot)
    actions = {f.name: f.action for f in plan.flags}
    shown: set[int] = set()  # a flag another flag reads is said once
    for step in raised:
        lines = list(_branch(plan, result.trace, lang, step.slot, children, shown, {}, {}, result.period))
        action = actions.get(step.name)
        if action is not None:
            kind = pick(COLUMN_WORDS[f"action_{action.kind}"], lang)
            lines.insert(1, f"    → {kind}：{action.label.text(lang)}" if lang == "zh"
                         else f"    → {kind}: {action.label.text(lang)}")
        yield from (f"  {line}" for line in lines)


def explain_json(plan: Plan, result: AgentResult, lang: str = "zh", what: WhatItTakes | None = None) -> str:
    """The whole trace as JSON (`explain --full --format json`): every step with its inputs and value."""
    values = result.trace
    steps = [
        {
            "slot": s.slot,
            "name": s.name,
            "kind": s.kind,
            "label": s.label.text(lang),
            "rule": list(s.rule),
            "formula": s.formula_text(lang),
            "inputs": {plan.steps[r].name: json_value(values[r]) for r in s.reads},
            "value": json_value(values[s.slot]),
            **({"from": fact.text(lang)} if (fact := calendar_said(s, values[s.slot], result.period)) else {}),
            "line": s.line,
            **({"file": s.file} if s.file else {}),
            "parent": s.parent,
        }
        for s in plan.steps
    ]
    document = {
        "policy": policy_in_force(plan),
        "agent": result.agent,
        **({"columns": carried(plan, result)} if plan.roster.carry else {}),
        "period": result.period,
        "steps": steps,
        "summary": summary(plan, result, lang),
        **({"what_it_takes": what_it_takes_json(what)} if what is not None else {}),
    }
    return json_safe(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"


def json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, tuple):
        return [json_value(v) for v in value]
    return value
