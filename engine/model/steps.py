"""What a plan is made of: named steps (with their formula in both languages) and population steps.

A `Step` is one value of the evaluation, traced and explained; a `Population` says how the values of
a few steps are taken over many agents between two phases of the per-agent code.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.model.kinds import Kind
from engine.model.label import Label
from engine.model.units import Unit


@dataclass(frozen=True, slots=True)
class Threshold:
    """A bound a step compares another step's value with (`attainment ≥ 1.5`, a band's edge, a
    rating's minimum), so explain can show that value with enough digits to stay on its side.

    `at` is a fixed bound, `other` a step whose value is the bound (`sales >= target`), and
    `every` makes a ladder `at`, `at + every`, … (a step bonus's thresholds)."""

    slot: int
    at: Decimal | None = None
    other: int | None = None
    every: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """One named value of the evaluation, with what the trace needs to explain it."""

    slot: int
    name: str
    kind: Kind
    label: Label
    rule: tuple[str, ...]
    # The formula in English; `formula_zh` is the same formula in Chinese, written from the same
    # template data at compile time (never re-parsed from the English).
    formula: str
    reads: tuple[int, ...]
    line: int
    parent: int | None = None
    unit: Unit = Unit.NONE
    bands: tuple[tuple[Decimal | None, Decimal | None, Decimal, Label | None], ...] = ()
    # Which end of each band holds its bound: "left" is [from, to), "right" is (from, to].
    closed: str = "left"
    cancels: tuple[str, ...] = ()
    formula_zh: str = ""
    # For a component's `roles` step: the roles it is paid to (S4.1).
    roles: tuple[str, ...] = ()
    # What this step compares other steps' values with (bands and tiers say theirs in `bands`).
    thresholds: tuple[Threshold, ...] = ()
    # The file `line` is in when it is not the policy's own: a base the policy `extends:`, named
    # relative to the policy's folder ("" for every step of a policy that extends nothing).
    file: str = ""

    def formula_text(self, lang: str) -> str:
        """The formula as `explain` shows it in `lang`."""
        return self.formula_zh if lang == "zh" else self.formula


@dataclass(frozen=True, slots=True)
class Population:
    """A value taken over a group of agents: a ranking's places or a statistic of a measure.

    Computed after phase `boundary` of the per-agent code (when every agent's `of`, `where` and
    `by` are known) and before the next phase, which reads the `slots` it fills in per agent:
    a ranking fills (place, size, in[, cut, top]), a statistic (value, members)."""

    name: str
    kind: str  # "ranking" or "stat"
    boundary: int
    group: str  # shop, team or role
    of: int
    slots: tuple[int, ...]
    where: int | None = None
    stat: str = ""
    empty: Decimal | None = None
    direction: str = "higher"
    ties: str = "shared"  # shared, dense or by
    by: int | None = None
    by_direction: str = "higher"
    # ("count", N, "") or ("percent", P, rounding); None when the ranking declares no top.
    top: tuple[str, Decimal, str] | None = None
    # A ranking's standing, for explain: agents ranked ahead, others sharing the place, the first few
    # of their ids[, agents in the top]; traced like the slots, read by no expression.
    standing: tuple[int, ...] = ()
