"""`sources:` (S1.6): the exports a month may come as, and which one a metric is read from (JX296–JX298).

A metric's `source` must name a declared source (JX296), and only an agent's metric chooses among
sources: a team value is read from the first metrics file or the team file (JX297). Two sources
with one file pattern would both claim every file it matches (JX298); patterns that merely overlap
are caught where a file matches both (engine.data.join), since only then is it known.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from engine.diagnostics import Code, Problem, problem
from engine.policy import names as n


def check_sources(data: Mapping) -> Iterator[Problem]:
    sources = n.mapping(data.get("sources"))
    declared = ", ".join(sources) or "—"
    for name, spec in n.mapping(data.get("metrics")).items():
        spec = n.mapping(spec)
        source = spec.get("source")
        if not isinstance(source, str):
            continue
        if source not in sources:
            yield problem(Code.JX296, ("metrics", name, "source"), name=name, source=source, declared=declared)
        elif spec.get("scope") == "team":
            yield problem(Code.JX297, ("metrics", name, "source"), name=name)
    first: dict[str, str] = {}
    for name, spec in sources.items():
        pattern = n.mapping(spec).get("file")
        if not isinstance(pattern, str):
            continue
        other = first.setdefault(pattern, name)
        if other != name:
            yield problem(Code.JX298, ("sources", name, "file"), name=name, other=other, file=pattern)
