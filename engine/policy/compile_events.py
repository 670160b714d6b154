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
    valued = frozenset(c.kind for c in policy.penalties if c.value_over is not None)
    costed = frozenset(c.kind for c in policy.penalties if c.deducts == "loss" or c.charges is not None)
    return EventVocabulary(policy.events.zone, policy.events.outside, policy.events.kinds, valued, costed)


def compile_penalties(specs: tuple[ClauseSpec, ...]) -> tuple[Clause, ...]:
    """The clauses of a checked policy, in the order written."""
    return tuple(Clause(c.name, c.kind, c.value_over, c.count_over, c.per, c.cancels, c.label, c.rules,
                        None if c.when is None else c.when.text, c.deducts, c.charges, c.warns) for c in specs)


def compile_deductions(spec: DeductionsSpec | None) -> Deductions | None:
    if spec is None:
        return None
    return Deductions(spec.guard, spec.cap, spec.minimum_wage, spec.remainder, spec.label, spec.rules or ("L.1",))


def clause_formula(clause: Clause, events: EventVocabulary | None) -> Label:
    """What the clause's value counts, in both languages (the trace shows it as the step's formula)."""
    zh_unit, en_unit = PER[clause.per]
    kind = events.kinds[clause.kind][0] if events is not None and clause.kind in events.kinds else None
    zh_kind, en_kind = (kind.zh, kind.en) if kind is not None else (clause.kind, clause.kind)
    over_zh = f"（数值 > {clause.value_over} 秒）" if clause.value_over is not None else ""
    over_en = f" with value > {clause.value_over} s" if clause.value_over is not None else ""
    if clause.per == "event":
        return Label(f"{zh_kind}{over_zh}的次数", f"'{en_kind}' events{over_en}")
    return Label(f"{zh_kind}{over_zh}在同一{zh_unit}内超过 {clause.count_over} 次的{zh_unit}数",
                 f"{en_unit} with more than {clause.count_over} '{en_kind}' events{over_en}")
