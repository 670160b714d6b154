"""The policy's `events:`, `penalties:`, `corrections:` and `deductions:` sections compiled.

The kinds an events file may name and its clock, the clauses, the legal guard over deductions and
how a corrected month's overpayment is settled: values of `engine.model`, built here from the YAML.

A clause counts events "in one day"; which day an event falls on depends on the zone, so the
zone is part of the policy, never the machine's local time.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from engine.model.corrections import Corrections, Overpayment
from engine.model.label import Label
from engine.model.penalties import Clause, Deductions, EventVocabulary
from engine.policy import names as n
from engine.policy.builder import choices_of, label_of, rules_of

PER = {"day": ("天", "days"), "week": ("周", "weeks"), "month": ("月", "months"), "event": ("次", "events")}


def compile_events(data: Mapping) -> EventVocabulary | None:
    """The vocabulary of a checked policy, or None when it declares no `events:`."""
    if "events" not in data:
        return None
    spec = n.mapping(data["events"])
    clauses = [n.mapping(c) for c in n.mapping(data.get("penalties")).values()]
    valued = frozenset(c["kind"] for c in clauses if "value_over" in c)
    costed = frozenset(c["kind"] for c in clauses if c.get("deducts") == "loss" or "charges" in c)
    return EventVocabulary(str(spec["zone"]), str(spec.get("outside", "refuse")), choices_of(spec["kinds"]),
                           valued, costed)


def compile_penalties(data: Mapping) -> tuple[Clause, ...]:
    """The clauses of a checked policy, in the order written."""
    found = []
    for name, spec in n.mapping(data.get("penalties")).items():
        deducts = spec.get("deducts")
        if isinstance(deducts, dict):
            deducts = Decimal(str(deducts["amount"]))
        found.append(Clause(
            name, spec["kind"], None if "value_over" not in spec else Decimal(str(spec["value_over"])),
            int(spec.get("count_over", 0)), spec.get("per", "month"), tuple(spec.get("cancels", ())),
            label_of(spec), rules_of(spec), None if "when" not in spec else str(spec["when"]), deducts,
            Label(*n.label_texts(spec["charges"])) if "charges" in spec else None, spec.get("warns")))
    return tuple(found)


def compile_corrections(data: Mapping) -> Corrections:
    spec = n.mapping(data.get("corrections"))
    agreement = label_of({"label": spec["agreement"]}) if "agreement" in spec else None
    return Corrections(Overpayment(spec.get("overpayment", Overpayment.OWED)), agreement)


def compile_deductions(data: Mapping) -> Deductions | None:
    if "deductions" not in data:
        return None
    spec = n.mapping(data["deductions"])
    wage = spec["minimum_wage"]
    dated = (("0000-01-01", Decimal(str(wage))),) if not isinstance(wage, list) else tuple(
        sorted((str(entry["from"]), Decimal(str(entry["amount"]))) for entry in wage))
    label = label_of(spec) if "label" in spec else Label("赔偿损失扣款", "Loss deduction")
    return Deductions(spec.get("guard", "on") != "off", Decimal(str(spec.get("cap", "0.2"))), dated,
                      spec.get("remainder", "carry"), label, rules_of(spec) or ("L.1",))


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
