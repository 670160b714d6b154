"""The builder both parts of the compiler write into: steps, generated lines and constants.

`compile` (metrics, KPIs, score, gates) and `compile_pay` (pay components) add their steps and
code through one `Builder`; the small helpers here are what both need to read a policy entry.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from decimal import Decimal

from engine.model.kinds import Kind
from engine.model.label import Label
from engine.model.steps import Step, Threshold
from engine.model.units import PERCENT_UNITS, Unit
from engine.policy import names as n
from engine.policy.expr import emit, literal
from engine.policy.extends import shown_name
from engine.policy.formula_words import compared, worded
from engine.policy.load import Loaded

NEG_INF = Decimal("-Infinity")
# The runtime lookup for each way a band holds its bounds (see engine.policy.runtime).
BAND = {"left": "_band", "right": "_band_right"}


def label_of(spec: Mapping) -> Label:
    """The {zh, en} label of a policy entry (one string serves both languages)."""
    zh, en = n.label_texts(spec.get("label"))
    return Label(zh, en)


def rules_of(spec: Mapping) -> tuple[str, ...]:
    """The rule ids an entry cites (`rule: S4.2` or a list), for the trace."""
    rule = spec.get("rule")
    return tuple(rule) if isinstance(rule, list) else ((rule,) if rule else ())


def choices_of(section: object) -> dict[str, tuple[Label, tuple[str, ...]]]:
    """Declared roles, grades or choice values: id -> (label, aliases)."""
    return {k: (label_of(v), tuple(n.mapping(v).get("aliases", ()))) for k, v in n.mapping(section).items()}


class Builder:
    """Accumulates steps and generated lines; `local` maps names to the slot variables."""

    def __init__(self, doc: Loaded):
        self.doc = doc
        self.labels = choice_labels(doc.data)
        self.steps: list[Step] = []
        self.lines: list[str] = []
        self.line_slots: list[int] = []
        self.slots: dict[str, int] = {}
        self.constants: list[object] = []
        self.constant_index: dict[tuple[type, str], int] = {}

    def const(self, value: object) -> str:
        if isinstance(value, dict):  # lookup tables: unhashable, never shared
            self.constants.append(value)
            return f"_c{len(self.constants) - 1}"
        key = (type(value), repr(value))  # 0 and 0.00 are equal but print differently
        if key not in self.constant_index:
            self.constant_index[key] = len(self.constants)
            self.constants.append(value)
        return f"_c{self.constant_index[key]}"

    def local(self, name: str) -> str:
        return f"v{self.slots[name]}"

    def file(self, path: tuple) -> str:
        """The base file a derived policy's rule at `path` came from ("" when it is the policy's own)."""
        found = self.doc.file_at(path)
        return "" if found == self.doc.path else shown_name(self.doc.path, found)

    def line(self, path: tuple) -> int:
        # The key's line (`performance:`), not its block's first line (`label:` below it).
        return self.doc.where(path, key=True)[0]

    def step(self, name: str, kind: Kind, spec: Mapping, formula: str | Label, path: tuple, *,
             reads: tuple[str, ...] = (), parent: int | None = None, unit: Unit = Unit.NONE,
             bands: tuple = (), label: Label | None = None, cancels: tuple[str, ...] = (),
             closed: str = "left", compares: str = "", thresholds: tuple[Threshold, ...] = ()) -> int:
        """A new step; a plain-text formula is a policy expression, whose comparisons (or those of
        `compares`, for a formula written around one) become the step's thresholds."""
        slot = len(self.steps)
        if isinstance(formula, Label):
            en, zh = formula.en, formula.zh
        else:
            words = self.words(formula)
            en, zh = words.en, words.zh
            compares = compares or formula
        self.steps.append(Step(
            slot=slot, name=name, kind=kind, label=label or label_of(spec), rule=rules_of(spec),
            formula=en, formula_zh=zh, reads=tuple(self.slots[r] for r in reads if r in self.slots),
            line=self.line(path), parent=parent, unit=unit, bands=bands, cancels=cancels, closed=closed,
            thresholds=(*self.thresholds(compares), *thresholds), file=self.file(path),
        ))
        return slot

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

    def code(self, slot: int, *source: str) -> None:
        for text in source:
            self.lines.append("    " + text)
            self.line_slots.append(slot)

    def expression(self, text: object) -> tuple[str, tuple[str, ...]]:
        expr = n.parse_cached(str(text))
        return emit(expr, self.local, self.const), expr.names


def choice_labels(data: Mapping) -> dict[str, dict[str, str]]:
    """Role, grade, rating and each choice metric: {id: Chinese label}, for formulas in Chinese."""
    found = {key: {k: label.zh for k, (label, _) in choices_of(data.get(section)).items()}
             for key, section in (("role", "roles"), ("grade", "grades"))}
    found["rating"] = {k: label_of(v).zh for k, v in n.mapping(n.mapping(data.get("score")).get("ratings")).items()}
    for name, spec in n.mapping(data.get("metrics")).items():
        if n.mapping(spec).get("type") == "choice":
            found[name] = {k: label.zh for k, (label, _) in choices_of(n.mapping(spec).get("values")).items()}
    return found


def plus(terms) -> str:
    """A sum in generated code; `_0` when there is nothing to add, never an empty expression."""
    return " + ".join(terms) or "_0"


def read_bands(items: list, value_key: str) -> tuple:
    """Bands as (from, to, value, label) with Decimal bounds; None for an open end."""
    return tuple(
        (None if "from" not in band else Decimal(band["from"]), None if "to" not in band else Decimal(band["to"]),
         Decimal(band[value_key]), label_of(band) if "label" in band else None)
        for band in items
    )


def band_bounds(bands: tuple) -> tuple[Decimal, ...]:
    """bisect boundaries: each band's `from` (-inf if open), plus the last `to` if it has one.

    The same boundaries serve both ways of closing: [from, to) looks a value up with
    bisect_right, (from, to] with bisect_left (a value equal to a bound falls below it)."""
    bounds = [NEG_INF if low is None else low for low, _, _, _ in bands]
    if bands[-1][1] is not None:
        bounds.append(bands[-1][1])
    return tuple(bounds)
