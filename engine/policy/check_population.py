"""Checks of population values and rankings: their expressions, loops through them, empty groups.

A population value (a team's sum, a ranking's places) is computed over every agent between two
phases of the per-agent code, so it may read any per-agent value and be read by any expression.
What cannot be computed is a loop: a ranking over a measure that reads the ranking (JX229). Pay
components and gates keep their written order even through a population value (JX230). A group
that can never hold anyone pays nobody silently, so it is an error too (JX231).
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterator, Mapping

from engine.diagnostics import Code, Problem, problem
from engine.model.step_names import KPI_SUFFIX
from engine.policy import names as n
from engine.policy.check_expr import BOOL, NUMBER
from engine.policy.expr import compile_expression
from engine.policy.runtime import CONTEXT

Where = tuple[str | int, ...]
Expression = Callable[..., Iterator[Problem]]  # checks one expression (`ExpressionChecker.check`)
# The written-order stages: a pay component or gate reads only those written before it.
_ORDERED = (n.GATE, n.PAY)
# Loop messages name at most this many steps.
SHOWN = 10


def sections(data: Mapping) -> Iterator[tuple[str, str, Mapping]]:
    """(section, id, spec) of every population value and ranking, in the order they are computed."""
    for section in ("population", "rankings"):
        for name, spec in n.mapping(data.get(section)).items():
            yield section, name, n.mapping(spec)


def expressions(section: str, spec: Mapping) -> Iterator[tuple[Where, object, str]]:
    """(path below the entry, text, wanted type) of each expression of a population entry."""
    yield ("of",), spec.get("of"), NUMBER
    if "where" in spec:
        yield ("where",), spec["where"], BOOL
    ties = spec.get("ties")
    if section == "rankings" and isinstance(ties, dict) and "by" in ties:
        yield ("ties", "by"), ties["by"], NUMBER


def _names(text: object) -> tuple[str, ...]:
    expr = n.try_parse(text) if isinstance(text, str | int | decimal.Decimal) and not isinstance(text, bool) else None
    return expr.names if expr else ()


def reads(data: Mapping) -> dict[str, set[str]]:
    """What each readable name reads, per agent; a ranking's names all read its expressions."""
    graph: dict[str, set[str]] = {}
    for name, spec in n.mapping(data.get("derived")).items():
        graph[name] = set(_names(n.mapping(spec).get("formula")))
    kpis = n.mapping(data.get("kpis"))
    for name, spec in kpis.items():
        spec = n.mapping(spec)
        graph[name + KPI_SUFFIX] = set(_names(spec.get("formula"))) | (
            {spec["metric"]} if isinstance(spec.get("metric"), str) else set())
    graph["score"] = {k + KPI_SUFFIX for k in kpis}
    graph["rating"] = {"score"}
    for name, spec in n.mapping(n.mapping(data.get("score")).get("gates")).items():
        graph[name] = set(_names(n.mapping(spec).get("when")))
    earlier: list[str] = []
    for name, spec in n.mapping(data.get("pay")).items():
        spec = n.mapping(spec)
        found = {x for field in ("when", "base", "formula", "floor", "on") for x in _names(spec.get(field))}
        found |= set(_names(n.mapping(spec.get("rate")).get("on")))
        if spec.get("kind") == "table" and isinstance(spec.get("key"), str):
            found.add(spec["key"])
        if spec.get("kind") == "minimum":
            counted = spec.get("of")
            found |= set(counted) if isinstance(counted, list) else set(earlier)
        graph[name] = {x for x in found if isinstance(x, str)}
        earlier.append(name)
    for gate, spec in n.mapping(n.mapping(data.get("score")).get("gates")).items():
        cancels = n.mapping(spec).get("cancels")
        for target in cancels if isinstance(cancels, list) else ():
            if isinstance(target, str) and target in graph:
                graph[target].add(gate)  # a cancelled component waits for its gate
    for section, name, spec in sections(data):
        found = {x for _, text, _ in expressions(section, spec) for x in _names(text)}
        parts = n.ranking_parts(spec) if section == "rankings" else ("",)
        for part in parts:
            graph[f"{name}_{part}" if part else name] = found
    return graph


def check_population(data: Mapping, names: Mapping[str, n.Name], expression: Expression) -> Iterator[Problem]:
    """Every problem of the `population:` and `rankings:` sections."""
    graph = reads(data)
    roles = n.mapping(data.get("roles"))
    for section, name, spec in sections(data):
        path: Where = (section, name)
        for below, text, want in expressions(section, spec):
            yield from expression((*path, *below), text, stage=n.POPULATION, want=want)
        group = spec.get("among" if section == "rankings" else "over")
        if group == "role" and not roles:
            what = "among" if section == "rankings" else "over"
            yield problem(Code.JX231, (*path, what), "no_roles", on_key=True, name=name)
        if section == "rankings" and isinstance(spec.get("top"), dict):
            yield from _top(path, name, spec["top"])
        if "where" in spec and _constant_false(spec["where"]):
            yield problem(Code.JX231, (*path, "where"), "always_false", name=name)
        yield from _loop(path, name, section, spec, graph, names)
    yield from _written_order(data, graph, names)


def _top(path: Where, name: str, top: Mapping) -> Iterator[Problem]:
    """JX232: the top is a count, or a percentage with its rounding declared (no guessing 3.6)."""
    if ("count" in top) == ("percent" in top):
        yield problem(Code.JX232, (*path, "top"), "count_or_percent", on_key=True, name=name)
    elif "percent" in top and "rounding" not in top:
        yield problem(Code.JX232, (*path, "top"), "rounding", on_key=True, name=name, share=top["percent"])
    elif "count" in top and "rounding" in top:
        yield problem(Code.JX232, (*path, "top", "rounding"), "count_rounding", on_key=True, name=name)


def _constant_false(text: object) -> bool:
    """Whether a condition reads no name and is false: nobody could ever be counted."""
    if isinstance(text, bool) or not isinstance(text, str | int | decimal.Decimal):
        return False
    expr = n.try_parse(text)
    if expr is None or expr.names:
        return False
    try:
        with decimal.localcontext(CONTEXT):
            return compile_expression(expr)({}) is False
    except (ArithmeticError, ValueError, TypeError):
        return False  # reported by the expression checks


def _loop(path: Where, name: str, section: str, spec: Mapping, graph: Mapping[str, set[str]],
          names: Mapping[str, n.Name]) -> Iterator[Problem]:
    """JX229: the entry's expressions reach one of its own names through what they read."""
    own = {f"{name}_{p}" for p in n.ranking_parts(spec)} if section == "rankings" else {name}
    start = sorted({x for _, text, _ in expressions(section, spec) for x in _names(text)})
    came_from: dict[str, str | None] = {x: None for x in start}
    todo = list(start)
    while todo:
        node = todo.pop()
        if node in own:
            chain = [node]
            while came_from[chain[-1]] is not None:
                chain.append(came_from[chain[-1]])
            chain = [name, *reversed(chain)]
            shown = " -> ".join(chain[:SHOWN] + (["…"] if len(chain) > SHOWN else []))
            yield problem(Code.JX229, path, on_key=True, name=name, chain=shown)
            return
        for target in sorted(graph.get(node, ())):
            if target not in came_from and target in names:
                came_from[target] = node
                todo.append(target)


def _written_order(data: Mapping, graph: Mapping[str, set[str]],
                   names: Mapping[str, n.Name]) -> Iterator[Problem]:
    """JX230: a gate or pay component reads a population value over a measure written after it.

    Pay components are computed in the order written (a minimum counts the ones before it); a
    ranking does not let an earlier component read a later one."""
    population = {k for k, v in names.items() if v.stage == n.POPULATION}
    gates = n.mapping(n.mapping(data.get("score")).get("gates"))
    ordered: tuple[tuple[int, Where, Mapping], ...] = (
        (n.GATE, ("score", "gates"), gates), (n.PAY, ("pay",), n.mapping(data.get("pay"))))
    for stage, section, entries in ordered:
        for order, name in enumerate(entries):
            for value in sorted(graph.get(name, set()) & population):
                late = _later_measure(value, graph, names, stage, order)
                if late and late != name:  # reading itself through the value is a loop: JX229
                    yield problem(Code.JX230, (*section, name), on_key=True, name=name, value=value, late=late)


def _later_measure(value: str, graph: Mapping[str, set[str]], names: Mapping[str, n.Name], stage: int,
                   order: int) -> str | None:
    """A name of `stage` at or after `order` that the population value reads, directly or not."""
    seen = {value}
    todo = [value]
    while todo:
        node = todo.pop()
        for target in sorted(graph.get(node, ())):
            info = names.get(target)
            if info is None or target in seen:
                continue
            if info.stage == stage and stage in _ORDERED and info.order >= order:
                return target
            seen.add(target)
            todo.append(target)
    return None
