"""What a plan holds of a policy's `events:`, `penalties:` and `deductions:` sections.

A clause counts events "in one day"; which day an event falls on depends on the zone, so the
zone is part of the policy, never the machine's local time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from engine.model.label import Label


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


@dataclass(frozen=True, slots=True)
class Match:
    """One kind of event a clause counts, with its own condition: only events whose value is
    strictly above `value_over`, when given (S4.P24: a first response over 200 s; any 未回复)."""

    kind: str
    value_over: Decimal | None = None

    def counts(self, value: Decimal | None) -> bool:
        """Whether an event of this kind with `value` is one the clause counts."""
        return self.value_over is None or (value is not None and value > self.value_over)


@dataclass(frozen=True, slots=True)
class Clause:
    """A penalty clause (S4.P3–P27): fires when more than `count_over` events it matches (each of its
    `matches`' kind, value above that match's `value_over` when given) fall in one natural `per`
    (day, week, month) of the policy's zone, or for each such event (`per: event`), and its `when`
    holds. Events of several kinds are counted together, as one rule (S4.P24: "over 200 s, or no
    reply"). Its effects: `cancels` pay components (groups already resolved to their members;
    `cancels_written` as the policy names them, groups included, for explanations), `deducts` the loss
    ("loss": the events' amounts) or a fixed sum per firing (a fine, L.2), `charges` the loss to
    someone else (S4.P16, recorded only), `warns` (warning | serious_warning)."""

    name: str
    matches: tuple[Match, ...]
    count_over: int
    per: str
    cancels: tuple[str, ...]
    label: Label
    rules: tuple[str, ...]
    when: str | None = None
    deducts: str | Decimal | None = None
    charges: Label | None = None
    warns: str | None = None
    cancels_written: tuple[str, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        """The event kinds the clause reads, in the order written."""
        return tuple(match.kind for match in self.matches)

    @property
    def several(self) -> bool:
        """Whether it counts events of more than one kind (its evidence then names each event's kind)."""
        return len(self.matches) > 1

    def counts(self, kind: str, value: Decimal | None) -> bool:
        """Whether an event of `kind` with `value` is one the clause counts (any of its matches)."""
        return any(match.kind == kind and match.counts(value) for match in self.matches)

    @property
    def costs(self) -> bool:
        """Whether the clause moves an amount of money (deducted from the agent or charged elsewhere)."""
        return self.deducts is not None or self.charges is not None


@dataclass(frozen=True, slots=True)
class PayGroup:
    """A named group of pay lines (`pay_groups:`; S4's "monthly bonus", 当月奖金): a clause cancelling
    it cancels every member; reports show its subtotal. `lines` as written (components or other
    groups), `members` the pay components they come to (nested groups in place, each once)."""

    name: str
    label: Label
    rules: tuple[str, ...]
    lines: tuple[str, ...]
    members: tuple[str, ...]


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
