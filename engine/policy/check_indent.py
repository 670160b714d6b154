"""A key moved one indentation level left: one located error, not the schema's half dozen.

When `linear:` slips out from under a KPI it becomes a KPI *named* `linear`, with no label, no
weight and unknown keys `from` and `to`, while the KPI above it loses its scoring method. The
cause is one missing indent, so that is what is reported (JX226), and the follow-on noise about
both nodes is held back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.diagnostics import NOUNS, Code, Problem, problem
from engine.policy import names as n
from engine.policy.load import Loaded

Where = tuple[str | int, ...]

# Each section of named entries: its path, the schema definitions an entry follows, and what an
# entry is called (`NOUNS`).
SECTIONS: tuple[tuple[Where, tuple[str, ...], str], ...] = (
    (("metrics",), ("metric",), "metric"),
    (("aggregates",), ("aggregate",), "aggregate"),
    (("derived",), ("derived",), "derived metric"),
    (("kpis",), ("kpi",), "KPI"),
    (("roles",), ("choice",), "role"),
    (("grades",), ("choice",), "grade"),
    (("pay",), ("component", "table_component", "commission_component", "fixed_component", "step_component",
                "minimum_component", "formula_component"), "pay component"),
    (("score", "ratings"), (), "rating"),
    (("score", "gates"), (), "gate"),
    (("reviews",), ("grade_review",), "review"),
)
# Entries of score.ratings and score.gates are defined inline in the schema.
INLINE = {("score", "ratings"): ("label", "rule", "min"), ("score", "gates"): ("label", "rule", "when", "cancels")}
# What goes missing from the entry above when one of its keys slips out.
MISSING_CODES = frozenset({Code.JX102, Code.JX213})


@dataclass(frozen=True, slots=True)
class Misplaced:
    """An entry that is really a key of the entry above it."""

    path: Where
    owner: Where
    problem: Problem


@dataclass(frozen=True, slots=True)
class Hidden:
    """Diagnostics that only repeat a misplaced key's consequences, by where they point."""

    nodes: frozenset[Where] = frozenset()
    owners: frozenset[Where] = frozenset()
    sections: frozenset[Where] = field(default_factory=frozenset)

    @classmethod
    def of(cls, misplaced: list[Misplaced]) -> Hidden:
        return cls(frozenset(m.path for m in misplaced), frozenset(m.owner for m in misplaced),
                   frozenset(m.path[:-1] for m in misplaced))

    def hides(self, path: Where, code: str) -> bool:
        if not self.nodes:
            return False
        for end in range(1, len(path) + 1):
            if path[:end] in self.nodes:
                return True
        if code in MISSING_CODES and any(path[:end] in self.owners for end in range(1, len(path) + 1)):
            return True
        # A KPI's weight moved out changes the weight sum: that is the same mistake again.
        return code == Code.JX204 and path[:1] in self.sections


def find_misplaced(doc: Loaded, schema: Mapping) -> list[Misplaced]:
    """Entries named like a key of their siblings (`linear`, `weight` …) that are not entries."""
    found: list[Misplaced] = []
    definitions = schema.get("$defs", {})
    data = n.mapping(doc.data)
    for path, defs, what in SECTIONS:
        keys = set(INLINE.get(path, ()))
        for name in defs:
            keys |= set(definitions.get(name, {}).get("properties", {}))
        section: Mapping = data
        for part in path:
            section = n.mapping(section.get(part))
        previous = None
        for name, value in section.items():
            # Every entry of these sections has a label; a key's value (a number, {from, to}) has not.
            if previous is not None and name in keys and not (isinstance(value, dict) and "label" in value):
                found.append(Misplaced((*path, name), (*path, previous),
                                       problem(Code.JX226, (*path, name), on_key=True, name=name, noun=NOUNS[what],
                                               previous=previous)))
                continue
            previous = name
    return found
