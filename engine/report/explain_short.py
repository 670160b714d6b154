"""What a supervisor reads first: one agent's month short (issue 18), `jixiao explain` by default.

The whole tree (`explain --full`, engine.report.explain) is complete but long: a penalty month
runs to some 300 lines, each clause that did not fire repeated under every pay line it could
cancel. The short form keeps only what decided the result, in this order:

- the head and the summary sentence (the same as the full tree's);
- what it would take (`what_it_would_take`, said only when it has lines);
- the score: each KPI's points, its band or place, and the values it read;
- pay: each line that pays something (or would have, but was cancelled) and how it was reached,
  its formula and the values it read; the lines paying 0 folded into one;
- penalty clauses: each that fired (with its events) or came close, the rest folded into one line;
- the loss deduction: what was owed, the legal limits (L.1: the cap, the minimum wage) and which
  one bound it, what is carried to next month.

A value a policy fallback supplied (`missing:`, `placeholders:`, `on_zero_division:`) that a shown
number depends on, however deep, is named under the first line that shows it: never hidden.

"Came close" is the evaluation's own: a clause counting events per day, week or month that did
not fire, whose fullest period held exactly as many events as it allows, so one more would have
fired it (engine.run.penalties.clause_facts). A clause every single event fires never comes close.

Text and JSON are one list of sections: the JSON keeps each line's step, rule ids and value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from engine.model.kinds import Kind
from engine.model.plan import Plan
from engine.model.results import AgentResult
from engine.model.step_names import (
    CARRIED_IN,
    CARRIED_OUT,
    DEDUCTION,
    DEDUCTION_CAP,
    DEDUCTION_LOSS,
    DEDUCTION_OWED,
    DEDUCTION_ROOM,
    DROPPED,
    EARNED,
    EVENTS,
    GROSS,
    MINIMUM_WAGE,
)
from engine.report.explain import (
    WORDS,
    amount,
    cancelling_gates,
    fallback_note,
    head_lines,
    json_value,
    show,
    summary,
    value_bounds,
    value_text,
)
from engine.report.headings import carried, rating_text
from engine.report.messages import SHORT_EXPLANATION, by_language
from engine.report.penalty_text import cancelling_clauses, clause_notes, event_line, period_words
from engine.report.safe_text import for_terminal, json_safe
from engine.report.tables import policy_ref
from engine.report.what_it_takes_text import what_it_takes_json, what_it_takes_lines
from engine.run.what_it_takes import WhatItTakes

SHORT = by_language(SHORT_EXPLANATION)
# Details of a pay line said in its own section or not at all in the short form: its penalty
# clauses (the penalties section), the role check (said when it fails), what it earned (said
# when cancelled), notes (said on their step's line).
UNSAID = frozenset({Kind.CLAUSE, Kind.EVIDENCE, Kind.LOSS, Kind.GATE, Kind.ROLES, Kind.EARNED, Kind.STANDING,
                    Kind.SUPPLIED, Kind.FALLBACK, Kind.CHARGED, Kind.WARNINGS})
# Details of a pay line whose own band (a commission's tier) is worth a line beneath them.
WORKING = frozenset({Kind.BASE, Kind.ON, Kind.RATE, Kind.FLOOR, Kind.SUBTOTAL, Kind.SLICES})


class Part(StrEnum):
    """The sections of a short explanation, in the order they are said (their JSON `key`)."""

    TAKE = "what_it_would_take"
    SCORE = "score"
    PAY = "pay"
    PENALTIES = "penalties"
    DEDUCTION = "deduction"


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a section: its depth, its text, and the step it shows (with rules and value)."""

    depth: int
    text: str
    step: str | None = None
    rules: tuple[str, ...] = ()
    value: object = None


@dataclass(frozen=True, slots=True)
class Section:
    key: Part
    title: str
    lines: tuple[Line, ...]


def what_it_would_take(plan: Plan, what: WhatItTakes | None, lang: str) -> Section | None:
    """The "what it would take" section, said right after the summary when it was asked for
    (`--what-it-takes`: it re-evaluates the month, engine.run.what_it_takes), headed as in `--full`
    (which says whether other agents' data was held unchanged). No lines, no section."""
    if what is None:
        return None
    _, title, *lines = what_it_takes_lines(plan, what, lang)
    return Section(Part.TAKE, title.rstrip("：:"), tuple(Line(0, text) for text in lines)) if lines else None


class _Reader:
    """One agent's trace as the short form reads it: values, the steps' details, what was said."""

    def __init__(self, plan: Plan, result: AgentResult, lang: str) -> None:
        self.plan, self.values, self.lang = plan, result.trace, lang
        self.children: dict[int, list[int]] = {}
        for step in plan.steps:
            if step.parent is not None:
                self.children.setdefault(step.parent, []).append(step.slot)
        self.bounds = value_bounds(plan, self.values)
        self.slots = {s.name: s.slot for s in plan.steps}
        self.noted: set[int] = set()  # steps whose fallback note was said

    def line(self, slot: int, depth: int, cite: bool = True) -> Line:
        """`label (name) = value（how a fallback gave it）   [rules]`; `cite`: with the rule ids (not
        where the heading gave them)."""
        step = self.plan.steps[slot]
        rules = f"   [{' · '.join(step.rule)}]" if step.rule and cite else ""
        value = value_text(self.plan, self.values, slot, self.lang, self.bounds)
        if note := self.own_note(slot):
            value += f"（{note}）" if self.lang == "zh" else f" ({note})"
        return Line(depth, f"{step.label.text(self.lang)} ({step.name}) = {value}{rules}", step.name, step.rule,
                    json_value(self.values[slot]))

    def own_note(self, slot: int) -> str:
        """How a policy fallback gave this step's value, the first time it is said; else ''."""
        if slot in self.noted:
            return ""
        for child in self.children.get(slot, []):
            if self.plan.steps[child].kind in (Kind.SUPPLIED, Kind.FALLBACK) and (
                    note := fallback_note(self.plan, self.plan.steps[slot], self.values, child, self.lang)):
                self.noted.add(slot)
                return note
        return ""

    def formula(self, slot: int, depth: int) -> list[Line]:
        step = self.plan.steps[slot]
        return [Line(depth, f"= {step.formula_text(self.lang)}")] if step.formula else []

    def notes(self, slot: int, depth: int) -> Iterator[Line]:
        """Every fallback a shown value depends on (itself or any value it was computed from), once."""
        seen: set[int] = set()
        stack = [slot]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            step = self.plan.steps[current]
            if current != slot and current not in self.noted and self.has_note(current):
                yield self.line(current, depth, cite=False)
            stack += [c for c in self.children.get(current, [])
                      if self.plan.steps[c].kind not in (Kind.SUPPLIED, Kind.FALLBACK, Kind.STANDING)]
            stack.extend(step.reads)

    def has_note(self, slot: int) -> bool:
        return any(fallback_note(self.plan, self.plan.steps[slot], self.values, c, self.lang)
                   for c in self.children.get(slot, []) if self.plan.steps[c].kind in (Kind.SUPPLIED, Kind.FALLBACK))

    def shown(self, slot: int, depth: int) -> list[Line]:
        """A step's line and, beneath it, the fallbacks it depends on. Rule ids are cited on the lines
        of a section's items (depth 1); what they read beneath them keeps its ids in the JSON only."""
        return [self.line(slot, depth, cite=depth <= 1), *self.notes(slot, depth + 1)]

    def inputs(self, slot: int, skip: set[int]) -> list[int]:
        """What a step was computed from, in the order the full tree lists it: its details, then what it reads."""
        steps = self.plan.steps
        found = [c for c in self.children.get(slot, []) if steps[c].kind not in UNSAID]
        found += [r for r in steps[slot].reads if steps[r].parent != slot and steps[r].kind not in UNSAID]
        return [s for s in dict.fromkeys(found) if s not in skip]


def _score(reader: _Reader, result: AgentResult) -> Section | None:
    plan, lang = reader.plan, reader.lang
    outputs = plan.outputs
    score = next((s for s in plan.steps if s.kind == Kind.SCORE), None)
    if outputs is None or score is None or not outputs.kpis:
        return None
    shown = show(result.score, score, plan, lang)
    rating = rating_text(plan, result.rating, lang)
    title = SHORT[lang]["rated" if rating else "score"].format(score=shown, rating=rating)
    lines: list[Line] = []
    for _, slot in outputs.kpis:
        lines.append(reader.line(slot, 1))
        details = [c for c in reader.children.get(slot, []) if plan.steps[c].kind in (Kind.BAND, Kind.RAW,
                                                                                         Kind.SCALED)]
        # The band (or scale) the KPI's value fell in, then the values it read (through its details).
        for detail in details:
            if plan.steps[detail].kind != Kind.RAW:
                lines.append(reader.line(detail, 2, cite=False))
        read = [r for s in (slot, *details) for r in plan.steps[s].reads if r not in details]
        if any(plan.steps[d].kind == Kind.RAW for d in details) or not details:
            lines += reader.formula(slot, 2)
        for r in dict.fromkeys(read):
            lines += reader.shown(r, 2)
        lines += reader.notes(slot, 2)  # a fallback deeper down (or the KPI's own), not said yet
    return Section(Part.SCORE, title, tuple(lines))


def _pay(reader: _Reader, result: AgentResult) -> Section:
    plan, values, lang = reader.plan, reader.values, reader.lang
    words, short = WORDS[lang], SHORT[lang]
    cancelling = {name: (gate.label, gate.rule) for name, gate in cancelling_gates(plan, values).items()}
    for name, clause in cancelling_clauses(plan, values).items():
        cancelling.setdefault(name, (clause.label, clause.rules))
    lines: list[Line] = []
    zero: list[str] = []
    deduction = _owes(reader)
    for name, paid in result.pay:
        slot = reader.slots.get(name)
        if slot is None:
            continue
        step = plan.steps[slot]
        if step.kind == Kind.PAY_DEDUCTION and deduction:
            continue  # its own section
        earned_slot = reader.slots.get(name + EARNED)
        earned = values[earned_slot] if earned_slot is not None else None
        cancelled = name in cancelling and isinstance(earned, Decimal) and earned != 0 and not paid
        if not paid and not cancelled:
            zero.append(step.label.text(lang))
            continue
        lines.append(reader.line(slot, 1))
        if cancelled:
            label, rules = cancelling[name]
            cited = "/".join(rules)
            cited = (f"（{cited}）" if lang == "zh" else f" ({cited})") if cited else ""
            text = words["cancelled"].format(gate=label.text(lang), rules=cited)
            text += ("，" if lang == "zh" else "; ") + short["earned"].format(amount=amount(earned, plan, lang))
            lines.append(Line(2, text, name + EARNED, (), json_value(earned)))
        lines += reader.formula(slot, 2)
        for child in reader.inputs(slot, set()):
            lines += reader.shown(child, 2)
            when = plan.steps[child]
            if when.kind == Kind.WHEN:  # the condition itself, not only that it held: a bare name by its value
                bare = len(when.reads) == 1 and when.formula == plan.steps[when.reads[0]].name
                lines += reader.shown(when.reads[0], 3) if bare else reader.formula(child, 3)
            if plan.steps[child].kind in WORKING:  # the tier a commission's rate comes from
                bands = [*reader.children.get(child, []), *plan.steps[child].reads]
                lines += [reader.line(b, 3, cite=False) for b in dict.fromkeys(bands)
                          if plan.steps[b].kind == Kind.BAND]
        lines += reader.notes(slot, 2)  # a fallback deeper down, not said yet
    title = short["pay"].format(total=amount(result.total, plan, lang))
    if zero:
        lines.append(Line(1, short["zero_pay"].format(n=len(zero), labels=("、" if lang == "zh" else ", ").join(zero))))
    return Section(Part.PAY, title, tuple(lines))


def _owes(reader: _Reader) -> bool:
    """Whether the month has a loss deduction to explain: something owed or taken."""
    slots, values = reader.slots, reader.values
    return DEDUCTION in slots and bool(values[slots[DEDUCTION]] or values[slots[DEDUCTION_OWED]])


def _penalties(reader: _Reader, result: AgentResult) -> Section | None:
    plan, lang = reader.plan, reader.lang
    if not plan.penalties:
        return None
    short = SHORT[lang]
    lines: list[Line] = []
    said = 0
    for clause, sentence in clause_notes(plan, result, lang):
        if clause is None:
            continue  # the deduction: its own section
        said += 1
        value = reader.values[reader.slots[clause.name]]
        lines.append(Line(1, sentence, clause.name, clause.rules, json_value(value)))
        evidence = reader.values[reader.slots[clause.name + EVENTS]]
        fired = evidence[0] if isinstance(evidence, tuple) else ()
        # Its events. A clause any single event fires is dated by them in its sentence: no period line.
        # One that came close says so in its sentence (the trace keeps the period and count, not the events).
        for period, events in fired:
            if clause.count_over:
                count = len(events)
                lines.append(Line(2, f"{period_words(period, lang)}：{count} 次" if lang == "zh"
                                  else f"{period_words(period, lang)}: {count} event{'s' if count != 1 else ''}"))
            lines += [Line(3 if clause.count_over else 2, event_line(event, lang)) for event in events]
    rest = len(plan.penalties) - said
    if rest:
        key = ("others" if said else "none_fired") + ("_1" if rest == 1 else "")
        lines.append(Line(1, short[key].format(n=rest)))
    return Section(Part.PENALTIES, short["penalties"], tuple(lines))


def _deduction(reader: _Reader) -> Section | None:
    """The loss deduction: what was owed, the legal limits and which bound it, what is carried on."""
    if not _owes(reader):
        return None
    plan, values, slots, lang = reader.plan, reader.values, reader.slots, reader.lang
    short = SHORT[lang]
    head = reader.line(slots[DEDUCTION], 0)
    # The heading cites the deduction's rules (L.1 …); its working, which cites the same, does not repeat them.
    lines = [reader.line(slots[DEDUCTION_OWED], 1, cite=False)]
    for name in (DEDUCTION_LOSS, CARRIED_IN):
        if name in slots and values[slots[name]]:
            lines.append(reader.line(slots[name], 2, cite=False))
    taken = -values[slots[DEDUCTION]]
    owed = values[slots[DEDUCTION_OWED]]
    guarded = plan.deductions is None or plan.deductions.guard
    if guarded and DEDUCTION_CAP in slots:
        lines += [reader.line(slots[name], depth, cite=False)
                  for name, depth in ((GROSS, 1), (DEDUCTION_CAP, 1), (DEDUCTION_ROOM, 1), (MINIMUM_WAGE, 2))]
    text = amount(taken, plan, lang)
    taken_text = short["taken"].format(taken=text)
    if not guarded:
        lines.append(Line(1, f"{taken_text}{'：' if lang == 'zh' else ': '}{short['guard_off']}"))
    elif taken < owed:
        limits: list[str] = []
        rules: list[str] = []
        if DEDUCTION_CAP in slots and taken == values[slots[DEDUCTION_CAP]]:
            limits.append(short["bound_cap"])
            rules.append("L.1")
        if DEDUCTION_ROOM in slots and taken == values[slots[DEDUCTION_ROOM]]:
            limits.append(short["bound_minimum"])
            rules += ["L.1", "L.4"]
        if not limits:  # taken below what is owed, yet equal to neither limit: said without naming one
            limits, rules = [short["bound_law"]], ["L.1"]
        joined = ("与" if lang == "zh" else " and ").join(f"“{limit}”" if lang == "zh" else limit for limit in limits)
        lines.append(Line(1, short["bound"].format(taken=taken_text, limits=joined,
                                                   rules="/".join(dict.fromkeys(rules))),
                          DEDUCTION, ("L.1",), json_value(values[slots[DEDUCTION]])))
    else:
        lines.append(Line(1, short["within"].format(taken=taken_text)))
    for name in (CARRIED_OUT, DROPPED):
        if name in slots and values[slots[name]]:
            lines.append(reader.line(slots[name], 1, cite=False))
    return Section(Part.DEDUCTION, head.text, tuple(lines))


def sections(plan: Plan, result: AgentResult, lang: str = "zh", what: WhatItTakes | None = None) -> list[Section]:
    """The short explanation's sections, in the order they are said; empty ones left out."""
    reader = _Reader(plan, result, lang)
    found: list[Section | None] = [what_it_would_take(plan, what, lang)]
    found += [_score(reader, result), _pay(reader, result), _penalties(reader, result), _deduction(reader)]
    return [s for s in found if s is not None]


def short_text(plan: Plan, result: AgentResult, lang: str = "zh", what: WhatItTakes | None = None) -> str:
    """`jixiao explain` without `--full`: the summary first, then only what decided the result."""
    lines = [*head_lines(plan, result, lang), summary(plan, result, lang)]
    for section in sections(plan, result, lang, what):
        lines += ["", section.title]
        lines += ["  " * line.depth + line.text for line in section.lines]
    lines += ["", SHORT[lang]["full"]]
    return "\n".join(for_terminal(line) for line in lines) + "\n"


def short_json(plan: Plan, result: AgentResult, lang: str = "zh", what: WhatItTakes | None = None) -> str:
    """`explain --format json` without `--full`: the same sections as the text, keys always in this order."""
    document = {
        "policy": policy_ref(plan),
        "agent": result.agent,
        **({"columns": carried(plan, result)} if plan.roster.carry else {}),
        "period": result.period,
        "full": False,
        "summary": summary(plan, result, lang),
        "sections": [
            {"key": str(section.key), "title": section.title,
             "lines": [{"depth": line.depth, "text": line.text, "step": line.step, "rules": list(line.rules),
                        "value": line.value} for line in section.lines]}
            for section in sections(plan, result, lang, what)
        ],
        **({"what_it_takes": what_it_takes_json(what)} if what is not None else {}),
    }
    return json_safe(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"
