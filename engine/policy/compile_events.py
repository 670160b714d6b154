"""The policy's `events:`, `penalties:` and `deductions:` sections compiled.

The kinds an events file may name and its clock, the clauses and the legal guard over deductions:
values of `engine.model`, built here from the typed sections.

A clause counts events "in one day"; which day an event falls on depends on the zone, so the
zone is part of the policy, never the machine's local time.
"""

from __future__ import annotations

from engine.model.label import Label
from engine.model.penalties import Clause, Deductions, EventVocabulary
from engine.policy.sections import ClauseSpec, DeductionsSpec, Policy

PER = {"day": ("天", "days"), "week": ("周", "weeks"), "month": ("月", "months"), "event": ("次", "events")}


def compile_events(policy: Policy) -> EventVocabulary | None:
    """The vocabulary of a checked policy, or None when it declares no `events:`."""
    if policy.events is None:
        return None
    valued = frozenset(m.kind for c in policy.penalties for m in c.matches if m.value_over is not None)
    costed = frozenset(m.kind for c in policy.penalties if c.deducts == "loss" or c.charges is not None
                       for m in c.matches)
    return EventVocabulary(policy.events.zone, policy.events.outside, policy.events.kinds, valued, costed)


def compile_penalties(specs: tuple[ClauseSpec, ...]) -> tuple[Clause, ...]:
    """The clauses of a checked policy, in the order written."""
    return tuple(Clause(c.name, c.matches, c.count_over, c.per, c.cancels, c.label, c.rules,
                        None if c.when is None else c.when.text, c.deducts, c.charges, c.warns, c.cancels_written)
                 for c in specs)


def compile_deductions(spec: DeductionsSpec | None) -> Deductions | None:
    if spec is None:
        return None
    return Deductions(spec.guard, spec.cap, spec.minimum_wage, spec.remainder, spec.label, spec.rules or ("L.1",))


def clause_formula(clause: Clause, events: EventVocabulary | None) -> Label:
    """What the clause's value counts, in both languages (the trace shows it as the step's formula).
    Several kinds are counted together: "首次响应（数值 > 200 秒）或未回复"."""
    zh_unit, en_unit = PER[clause.per]
    zh_kinds, en_kinds = [], []
    for match in clause.matches:
        kind = events.kinds[match.kind][0] if events is not None and match.kind in events.kinds else None
        zh_kind, en_kind = (kind.zh, kind.en) if kind is not None else (match.kind, match.kind)
        over = match.value_over
        zh_kinds.append(f"{zh_kind}（数值 > {over} 秒）" if over is not None else zh_kind)
        en_kinds.append(f"'{en_kind}' events" + (f" with value > {over} s" if over is not None else ""))
    zh_all, en_all = "或".join(zh_kinds), " or ".join(en_kinds)
    if clause.per == "event":
        return Label(f"{zh_all}的次数", en_all)
    return Label(f"{zh_all}在同一{zh_unit}内超过 {clause.count_over} 次的{zh_unit}数",
                 f"{en_unit} with more than {clause.count_over} {en_all}")
