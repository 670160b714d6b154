"""A key moved one indentation level left: one located error, not the schema's half dozen.

When `linear:` slips out from under a KPI it becomes a KPI *named* `linear`, with no label, no
weight and unknown keys `from` and `to`, while the KPI above it loses its scoring method. The
cause is one missing indent, so that is what is reported (JX226), and the follow-on noise about
both nodes is held back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.errors import Diagnostic
from engine.policy import names as n
from engine.policy.load import Loaded

Where = tuple[str | int, ...]

# Each section of named entries: its path, the schema definitions an entry follows, and what an
# entry is called in English and Chinese.
SECTIONS: tuple[tuple[Where, tuple[str, ...], str, str], ...] = (
    (("metrics",), ("metric",), "metric", "指标"),
    (("aggregates",), ("aggregate",), "aggregate", "团队汇总"),
    (("derived",), ("derived",), "derived metric", "派生指标"),
    (("kpis",), ("kpi",), "KPI", "考核项"),
    (("roles",), ("choice",), "role", "岗位"),
    (("grades",), ("choice",), "grade", "等级"),
    (("pay",), ("component", "table_component", "commission_component", "fixed_component", "step_component",
                "minimum_component", "formula_component"), "pay component", "薪酬项"),
    (("score", "ratings"), (), "rating", "评级"),
    (("score", "gates"), (), "gate", "门槛"),
    (("reviews",), ("grade_review",), "review", "评定"),
)
# Entries of score.ratings and score.gates are defined inline in the schema.
INLINE = {("score", "ratings"): ("label", "rule", "min"), ("score", "gates"): ("label", "rule", "when", "cancels")}
# What goes missing from the entry above when one of its keys slips out.
MISSING_CODES = frozenset({"JX102", "JX213"})


@dataclass(frozen=True, slots=True)
class Misplaced:
    """An entry that is really a key of the entry above it."""

    path: Where
    owner: Where
    diagnostic: Diagnostic


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
        return code == "JX204" and path[:1] in self.sections


def find_misplaced(doc: Loaded, schema: Mapping) -> list[Misplaced]:
    """Entries named like a key of their siblings (`linear`, `weight` …) that are not entries."""
    found: list[Misplaced] = []
    definitions = schema.get("$defs", {})
    data = n.mapping(doc.data)
    for path, defs, what, zh_what in SECTIONS:
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
                line, column = doc.where((*path, name), key=True)
                diagnostic = Diagnostic(
                    doc.path, line, column, "JX226",
                    f"'{name}' looks like part of {what} '{previous}' above it: indent it under that {what}",
                    hint=f"'{name}' is a key of a {what}, not a {what} of its own",
                    zh=f"'{name}' 看起来属于上面的{zh_what} '{previous}'：请把它缩进到该{zh_what}之下",
                    zh_hint=f"'{name}' 是{zh_what}的一个键，而不是单独的{zh_what}",
                )
                found.append(Misplaced((*path, name), (*path, previous), diagnostic))
                continue
            previous = name
    return found
