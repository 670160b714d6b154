"""`pay_groups:` and clauses over several event kinds: what the schema cannot see.

A group is a name for pay lines a clause cancels together (S4's "monthly bonus", 当月奖金). A
member that names nothing would make a clause cancel less than its rule says (JX247); a group that
contains itself has no members at all (JX248); a group named like a pay component or another
declared value would make `cancels:` ambiguous (JX249). A guaranteed minimum is never a member
(JX247): cancelling the top-up is a decision a clause states on its own, never one a group hides.

A clause over several kinds (S4.P24 "over 200 s, or no reply") counts them together: naming a kind
twice would count its events twice, and a `value_over` on a kind whose events carry no value
(`events.kinds.<k>.value: none`) could never hold (JX263).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from engine.diagnostics import Code, Problem, problem
from engine.policy import names as n

Suggest = Callable[[str, list], str | None]


def check_pay_groups(suggest: Suggest, data: Mapping) -> Iterator[Problem]:
    """JX247 for a member that is no pay line (or a guaranteed minimum, or listed twice), JX248 for a
    group that contains itself, JX249 for a group named like something already declared."""
    groups = n.mapping(data.get("pay_groups"))
    pay = n.mapping(data.get("pay"))
    declared = {item.name for item in n.declarations(data)} | set(pay)
    options = [*pay, *groups]
    for name, spec in groups.items():
        if name in declared:
            yield problem(Code.JX249, ("pay_groups", name), on_key=True, group=name,
                          other="pay component" if name in pay else "declared name",
                          other_zh="薪酬项" if name in pay else "已声明的名称")
        lines = n.mapping(spec).get("lines")
        seen: set[str] = set()
        for index, line in enumerate(lines if isinstance(lines, list) else []):
            if not isinstance(line, str):
                continue
            where = ("pay_groups", name, "lines", index)
            if line in seen:
                yield problem(Code.JX247, where, "twice", group=name, line=line)
            seen.add(line)
            if line in groups or line == name:
                continue
            if line not in pay:
                close = suggest(line, options)
                yield problem(Code.JX247, where, hint="close" if close else "list", group=name, line=line,
                              close=close, options=options)
            elif n.mapping(pay[line]).get("kind") == "minimum":
                yield problem(Code.JX247, where, "minimum", group=name, line=line)
    for chain in _cycles(groups):
        yield problem(Code.JX248, ("pay_groups", chain[0]), on_key=True, group=chain[0], chain=" -> ".join(chain))


def _cycles(groups: Mapping) -> Iterator[list[str]]:
    """Each group that reaches itself through its lines, with the way round (a -> b -> a); once per group."""
    for start in groups:
        path = [start]
        todo: list[tuple[str, list[str]]] = [(start, path)]
        seen: set[str] = set()
        while todo:
            group, path = todo.pop()
            lines = n.mapping(groups.get(group)).get("lines")
            for line in lines if isinstance(lines, list) else []:
                if line == start:
                    yield [*path, start]
                    todo = []
                    break
                if isinstance(line, str) and line in groups and line not in seen:
                    seen.add(line)
                    todo.append((line, [*path, line]))


def check_clause_kinds(data: Mapping) -> Iterator[Problem]:
    """JX263 for a clause naming a kind twice, comparing the value of a kind whose events carry none,
    or writing `kind:` or `value_over:` beside `match:` (where each kind takes its own)."""
    kinds = n.mapping(n.mapping(data.get("events")).get("kinds"))
    for name, spec in n.mapping(data.get("penalties")).items():
        spec = n.mapping(spec)
        for key in ("kind", "value_over"):
            if "match" in spec and key in spec:
                yield problem(Code.JX263, ("penalties", name, key), "beside_match", on_key=True, name=name, key=key)
        seen: set[str] = set()
        for where, kind, over in clause_kinds(spec):
            if kind in seen:
                yield problem(Code.JX263, ("penalties", name, *where), "twice", name=name, event=kind)
            seen.add(kind)
            if over is not None and n.mapping(kinds.get(kind)).get("value") == "none":
                yield problem(Code.JX263, ("penalties", name, *where), name=name, event=kind, over=over)


def clause_kinds(spec: Mapping) -> list[tuple[tuple, str, object]]:
    """(where in the clause, kind, value_over) of each kind a clause names, in any form it takes."""
    if isinstance(spec.get("match"), list):
        return [(("match", i, "kind"), item["kind"], item.get("value_over")) for i, item in enumerate(spec["match"])
                if isinstance(item, Mapping) and isinstance(item.get("kind"), str)]
    kind = spec.get("kind")
    over = spec.get("value_over")
    if isinstance(kind, list):
        return [(("kind", i), k, over) for i, k in enumerate(kind) if isinstance(k, str)]
    return [(("kind",), kind, over)] if isinstance(kind, str) else []
