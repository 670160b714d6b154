"""The builder every part of the compiler writes into: the plan's steps and what each computes.

`compile` (inputs, metrics, KPIs, score, gates), `compile_pay` (pay components), `compile_penalties`
and `compile_population` add steps through one `Builder`, each with its op (engine.model.ops): the
tree of operations its value is. A step is a draft while its component is being compiled (a pay
component's formula is known once its details are) and frozen once, when the plan is complete,
with the phase that follows from what its op reads.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from decimal import Decimal

from engine.model.kinds import Kind
from engine.model.label import Label
from engine.model.ops import Input, Op, Ref, Taken
from engine.model.steps import Step, Threshold
from engine.model.units import PERCENT_UNITS, Unit
from engine.policy import names as n
from engine.policy.expr import literal, to_op
from engine.policy.formula_words import compared, worded
from engine.policy.sections import Band, Policy

NEG_INF = Decimal("-Infinity")


@dataclass(slots=True)
class Draft:
    """A step being compiled: what `Step` will hold, while its component is still being written."""

    slot: int
    name: str
    kind: Kind
    label: Label
    rule: tuple[str, ...]
    formula: str
    formula_zh: str
    reads: tuple[int, ...]
    line: int
    parent: int | None
    unit: Unit
    bands: tuple[Band, ...]
    closed: str
    cancels: tuple[str, ...]
    roles: tuple[str, ...]
    thresholds: tuple[Threshold, ...]
    file: str = ""
    op: Op | None = None

    def frozen(self, phase: int) -> Step:
        return Step(self.slot, self.name, self.kind, self.label, self.rule, self.formula, self.reads, self.line,
                    self.parent, self.unit, self.bands, self.closed, self.cancels, self.formula_zh, self.roles,
                    self.thresholds, self.op, phase, self.file)


class Builder:
    """Accumulates the steps, their ops and the order they are computed in; `slots` maps names to steps."""

    def __init__(self, policy: Policy):
        self.policy = policy
        self.labels = choice_labels(policy)
        self.steps: list[Draft] = []
        self.slots: dict[str, int] = {}
        self.order: list[int] = []

    def step(self, name: str, kind: Kind, label: Label, rules: tuple[str, ...], formula: str | Label, line: int, *,
             reads: tuple[str, ...] = (), parent: int | None = None, unit: Unit = Unit.NONE,
             bands: tuple = (), cancels: tuple[str, ...] = (), closed: str = "left", compares: str = "",
             thresholds: tuple[Threshold, ...] = (), roles: tuple[str, ...] = (), op: Op | None = None) -> int:
        """A new step; a plain-text formula is a policy expression, whose comparisons (or those of
        `compares`, for a formula written around one) become the step's thresholds. With `op`, what
        it computes (else `compute` says so once its parts are known)."""
        slot = len(self.steps)
        if isinstance(formula, Label):
            en, zh = formula.en, formula.zh
        else:
            words = self.words(formula)
            en, zh = words.en, words.zh
            compares = compares or formula
        self.steps.append(Draft(
            slot=slot, name=name, kind=kind, label=label, rule=rules, formula=en, formula_zh=zh,
            reads=tuple(self.slots[r] for r in reads if r in self.slots), line=int(line), parent=parent, unit=unit,
            bands=bands, closed=closed, cancels=cancels, roles=roles,
            thresholds=(*self.thresholds(compares), *thresholds),
            file=getattr(line, "file", ""),  # a sections.Line says which base file of `extends:` it is in
        ))
        if op is not None:
            self.compute(slot, op)
        return slot

    def compute(self, slot: int, op: Op) -> None:
        """What step `slot` computes; steps computed per agent are computed in the order this is called."""
        self.steps[slot].op = op
        if not isinstance(op, Input | Taken):
            self.order.append(slot)

    def ref(self, name: str) -> Ref:
        return Ref(self.slots[name])

    def words(self, text: object) -> Label:
        """An expression as explain shows it in each language (engine.policy.formula_words.worded)."""
        en, zh = worded(str(text), self.labels, self.is_percent)
        return Label(zh, en)

    def is_percent(self, name: str) -> bool:
        """Whether explain shows the value of `name` as a percentage (a ratio, 145.00 %)."""
        return name in self.slots and self.steps[self.slots[name]].unit in PERCENT_UNITS

    def thresholds(self, text: str) -> tuple[Threshold, ...]:
        """Each name an expression compares with a number or with another name, as thresholds."""
        expression = n.try_parse(text) if text else None
        if expression is None:
            return ()
        source = str(text).strip()
        found: list[Threshold] = []
        for name, other in compared(expression.tree):
            if name not in self.slots:
                continue
            bound = literal(other, source)
            if bound is not None:
                found.append(Threshold(self.slots[name], at=bound))
            elif isinstance(other, ast.Name) and other.id in self.slots:
                found.append(Threshold(self.slots[name], other=self.slots[other.id]))
        return tuple(dict.fromkeys(found))

    def expression(self, text: object) -> tuple[Op, tuple[str, ...]]:
        """A policy expression's op and the names it reads."""
        expr = n.parse_cached(str(text))
        return to_op(expr, self.ref), expr.names


def choice_labels(policy: Policy) -> dict[str, dict[str, str]]:
    """Role, grade, rating and each choice metric: {id: Chinese label}, for formulas in Chinese."""
    found = {"role": {k: label.zh for k, (label, _) in policy.roles.items()},
             "grade": {k: label.zh for k, (label, _) in policy.grades.items()},
             "rating": {r.name: r.label.zh for r in policy.ratings}}
    for metric in policy.metrics:
        if metric.type == "choice":
            found[metric.name] = {k: label.zh for k, (label, _) in metric.choices.items()}
    return found


def band_bounds(bands: tuple[Band, ...]) -> tuple[Decimal, ...]:
    """bisect boundaries: each band's `from` (-inf if open), plus the last `to` if it has one.

    The same boundaries serve both ways of closing: [from, to) looks a value up with
    bisect_right, (from, to] with bisect_left (a value equal to a bound falls below it)."""
    bounds = [NEG_INF if low is None else low for low, _, _, _ in bands]
    if bands[-1][1] is not None:
        bounds.append(bands[-1][1])
    return tuple(bounds)
