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

from engine.model.step_names import KPI_SUFFIX
from engine.policy import names as n
from engine.policy.check_expr import BOOL, NUMBER
from engine.policy.expr import compile_expression
from engine.policy.runtime import CONTEXT

Where = tuple[str | int, ...]
Report = Callable[..., None]
Expression = Callable[..., None]
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


def check_population(data: Mapping, names: Mapping[str, n.Name], expression: Expression, report: Report) -> None:
    """Report every problem of the `population:` and `rankings:` sections."""
    graph = reads(data)
    roles = n.mapping(data.get("roles"))
    for section, name, spec in sections(data):
        path: Where = (section, name)
        for below, text, want in expressions(section, spec):
            expression((*path, *below), text, stage=n.POPULATION, want=want)
        group = spec.get("among" if section == "rankings" else "over")
        if group == "role" and not roles:
            what = "among" if section == "rankings" else "over"
            report((*path, what), "JX231", f"'{name}' is taken per role, but the policy declares no roles",
                   f"'{name}' 按岗位分组，但方案没有声明任何岗位（roles:）", key=True,
                   hint="declare roles: or take it over the team or the shop",
                   zh_hint="请声明 roles:，或改为按组（team）或全店（shop）统计")
        if section == "rankings" and isinstance(spec.get("top"), dict):
            _top(path, name, spec["top"], report)
        if "where" in spec and _constant_false(spec["where"]):
            report((*path, "where"), "JX231", f"the condition of '{name}' is always false, so its group is empty",
                   f"'{name}' 的条件永远不成立，统计的人群永远为空",
                   hint="the condition must read something of the agent", zh_hint="条件需要读取客服自己的数值")
        _loop(path, name, section, spec, graph, names, report)
    _written_order(data, graph, names, report)


def _top(path: Where, name: str, top: Mapping, report: Report) -> None:
    """JX232: the top is a count, or a percentage with its rounding declared (no guessing 3.6)."""
    if ("count" in top) == ("percent" in top):
        report((*path, "top"), "JX232", f"the top of '{name}' needs exactly one of count or percent",
               f"'{name}' 的 top 必须且只能写 count（人数）或 percent（百分比）其中之一", key=True,
               hint="top: {count: 3} or top: {percent: 30, rounding: floor}",
               zh_hint="例如 top: {count: 3} 或 top: {percent: 30, rounding: floor}")
    elif "percent" in top and "rounding" not in top:
        share = top["percent"]
        report((*path, "top"), "JX232", f"the top {share} % of '{name}' needs rounding: floor, ceil or nearest",
               f"'{name}' 的前 {share} % 需要写明取整方式 rounding: floor（向下）、ceil（向上）或 nearest（四舍五入）",
               key=True, hint="30 % of 12 agents is 3.6: floor gives 3, ceil and nearest 4",
               zh_hint="12 人的 30 % 是 3.6：floor 取 3，ceil 和 nearest 取 4")
    elif "count" in top and "rounding" in top:
        report((*path, "top", "rounding"), "JX232", f"rounding of '{name}' belongs to a percent top, not a count",
               f"'{name}' 的 rounding 只用于 percent，不用于 count", key=True)


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
          names: Mapping[str, n.Name], report: Report) -> None:
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
            report(path, "JX229", f"'{name}' reads its own result: {shown}",
                   f"'{name}' 读取了它自己的结果，形成循环：{shown}", key=True,
                   hint="rank or sum a value that is computed without this result",
                   zh_hint="请对不依赖此结果的数值排名或统计")
            return
        for target in sorted(graph.get(node, ())):
            if target not in came_from and target in names:
                came_from[target] = node
                todo.append(target)


def _written_order(data: Mapping, graph: Mapping[str, set[str]], names: Mapping[str, n.Name],
                   report: Report) -> None:
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
                    report((*section, name), "JX230",
                           f"'{name}' reads '{value}', which is taken over '{late}', written after '{name}'",
                           f"'{name}' 读取了 '{value}'，而它统计的是在 '{name}' 之后才计算的 '{late}'", key=True,
                           hint=f"move '{late}' above '{name}'", zh_hint=f"请把 '{late}' 移到 '{name}' 之前")


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
