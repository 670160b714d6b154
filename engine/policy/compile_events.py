"""The policy's `events:` section compiled: the kinds an events file may name, and its clock.

A clause counts events "in one day"; which day an event falls on depends on the zone, so the
zone is part of the policy, never the machine's local time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from engine.policy import names as n
from engine.policy.builder import choices_of, label_of, rules_of
from engine.policy.steps import Label

PER = {"day": ("天", "days"), "week": ("周", "weeks"), "month": ("月", "months"), "event": ("次", "events")}


@dataclass(frozen=True, slots=True)
class EventVocabulary:
    """What `--events` files are read against: zone, the rule for events outside the month, kinds."""

    zone: str
    outside: str  # "refuse" | "ignore"
    kinds: Mapping[str, tuple[Label, tuple[str, ...]]] = field(default_factory=dict)
    # Kinds some clause compares by value (seconds) or takes the amount of (a loss): an event of
    # such a kind without one is an error at its cell, never an event silently not counted.
    valued: frozenset[str] = frozenset()
    costed: frozenset[str] = frozenset()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)


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


@dataclass(frozen=True, slots=True)
class Clause:
    """A penalty clause (S4.P3–P27): fires when more than `count_over` events of `kind` (value above
    `value_over`, when given) fall in one natural `per` (day, week, month) of the policy's zone, or
    for each such event (`per: event`), and its `when` holds. Its effects: `cancels` pay components,
    `deducts` the loss ("loss": the events' amounts) or a fixed sum per firing (a fine, L.2),
    `charges` the loss to someone else (S4.P16, recorded only), `warns` (warning | serious_warning)."""

    name: str
    kind: str
    value_over: Decimal | None
    count_over: int
    per: str
    cancels: tuple[str, ...]
    label: Label
    rules: tuple[str, ...]
    when: str | None = None
    deducts: str | Decimal | None = None
    charges: Label | None = None
    warns: str | None = None

    @property
    def costs(self) -> bool:
        """Whether the clause moves an amount of money (deducted from the agent or charged elsewhere)."""
        return self.deducts is not None or self.charges is not None


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


class Overpayment(StrEnum):
    """What becomes of pay that a corrected approved month turned out to have overpaid (L.5)."""

    OWED = "owed"  # recorded as owed by the agent, never deducted (the default: no agreement recorded)
    RECOVER = "recover"  # deducted in the next open months within the legal guard, as the agreement allows
    WAIVE = "waive"  # not recovered


@dataclass(frozen=True, slots=True)
class Corrections:
    """The policy's `corrections:`: how an overpayment is settled, and the agreement that allows it."""

    overpayment: Overpayment = Overpayment.OWED
    agreement: Label | None = None  # the recorded agreement a recovery rests on (required with `recover`)


def compile_corrections(data: Mapping) -> Corrections:
    spec = n.mapping(data.get("corrections"))
    agreement = label_of({"label": spec["agreement"]}) if "agreement" in spec else None
    return Corrections(Overpayment(spec.get("overpayment", Overpayment.OWED)), agreement)


@dataclass(frozen=True, slots=True)
class Deductions:
    """How loss deductions are bounded (L.1): at most `cap` of the month's wage, never below the
    minimum wage in force (L.4: dated amounts, oldest first); the rest carried or dropped."""

    guard: bool
    cap: Decimal
    minimum_wage: tuple[tuple[str, Decimal], ...]
    remainder: str  # carry | drop
    label: Label
    rules: tuple[str, ...]

    def minimum_for(self, period: str) -> Decimal | None:
        """The minimum wage for `period` (YYYY-MM): the highest in force on any day of the month, so a
        rise mid-month protects the whole month; None when no amount is in force yet."""
        first, last = f"{period}-01", f"{period}-31"
        during = [amount for start, amount in self.minimum_wage if first < start <= last]
        before = [amount for start, amount in self.minimum_wage if start <= first]
        candidates = during + before[-1:]
        return max(candidates) if candidates else None


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
