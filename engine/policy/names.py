"""The names a policy declares, what each holds, and from which step on it can be read.

Check and compile both need the same answer to "may this expression read that name?", so it is
decided once here. A name's *stage* orders evaluation: inputs, team aggregates, derived metrics,
KPI points, the score, the rating, gates, then pay components in their written order. An
expression may read names of earlier stages only (and, among derived metrics and pay components,
earlier ones of its own stage), which is what makes the plan a straight line with no cycles.
Population values (`population:`, `rankings:`) are the exception: taken over every agent, they
may be read from any stage, and the compiler places them between phases of the per-agent code
(`engine.policy.phases`); `check_population` rules out loops through them.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from engine.model.calendar_facts import BOOLEAN, FACTS
from engine.model.step_names import DAYS_IN_MONTH, DAYS_WORKED, KPI_SUFFIX, PENALTY_STEPS
from engine.policy.expr import Expression, ExpressionError, parse

INPUT, AGGREGATE, DERIVED, KPI, SCORE, RATING, GATE, PAY, POPULATION, FLAG = range(10)
STAGE_NAMES = ("input", "aggregate", "derived", "kpi", "score", "rating", "gate", "pay", "population value", "flag")
STAGE_NAMES_ZH = ("输入指标", "团队汇总", "派生指标", "考核项", "总分", "评级", "门槛", "薪酬项", "群体统计", "标记")
# What each ranking gives expressions to read, after its id: `top30_place`, `top30_top` …
# (`_cut` and `_top` only when the ranking declares `top`). `_in` and `_top` are true/false.
RANKING_NAMES = ("place", "size", "in", "cut", "top")
RANKING_FLAGS = frozenset({"in", "top"})

# Columns of every report (agent, name, period, team, role, grade, score, rating, total) and the
# trace's own step names: a policy name equal to one would repeat a column or a step.
REPORT_COLUMNS = frozenset({"agent", "name", "period", "team", "role", "grade", "score", "rating", "total"})
# The penalty stage's own steps (engine.model.step_names.PENALTY_STEPS) are reserved too.
RESERVED = frozenset(REPORT_COLUMNS | PENALTY_STEPS | {"min", "max", "abs", "value"} | set(keyword.kwlist))


@dataclass(frozen=True, slots=True)
class Name:
    """A readable name: where it was declared, its stage and whether it holds text or a number."""

    name: str
    stage: int
    path: tuple[str | int, ...]
    text: bool = False
    order: int = 0
    builtin: bool = False
    # A population name that holds true/false (a ranking's `_in` and `_top`).
    boolean: bool = False


def mapping(value: object) -> Mapping:
    """The value if it is a mapping, else empty: lets checks walk a half-broken policy."""
    return value if isinstance(value, dict) else {}


def label_texts(value: object) -> tuple[str, str]:
    """(zh, en) of a label written as one text or as {zh, en}; a missing `en` shows the Chinese."""
    if isinstance(value, str):
        return value, value
    label = mapping(value)
    zh = str(label.get("zh", ""))
    return zh, str(label.get("en", zh))


def known_texts(key: str, spec: Mapping, path: tuple) -> list[tuple[object, tuple, bool]]:
    """Every text a declared item is known by in a file: (text, where it is written, is it the key).

    The id, its label (one text, or each language) and its aliases: what two items must not share
    when a header or a cell names them. Non-text entries are left in for the caller to skip.
    """
    label = spec.get("label")
    aliases = spec.get("aliases") if isinstance(spec.get("aliases"), list) else []
    texts: list[tuple[object, tuple, bool]] = [(key, path, True)]
    if isinstance(label, str):
        texts.append((label, (*path, "label"), False))
    else:
        texts += [(mapping(label).get(lang), (*path, "label", lang), False) for lang in ("zh", "en")]
    texts += [(alias, (*path, "aliases", i), False) for i, alias in enumerate(aliases)]
    return texts


def clashes(items: Iterable[tuple[object, str, Mapping, tuple]], key_of: Callable[[str], str],
            owners: dict[str, object]) -> Iterator[tuple[str, tuple, bool, object, object]]:
    """Texts that name an item after an earlier item (or a pre-seeded owner) already took them.

    `items` are (owner, id, spec, path); yields (text, where, is_key, first owner, this owner), so
    each check words its own message while the walk over ids, labels and aliases is written once.
    """
    for me, key, spec, path in items:
        for text, where, is_key in known_texts(key, spec, path):
            if not isinstance(text, str):
                continue
            owner = owners.setdefault(key_of(text), me)
            if owner != me:
                yield text, where, is_key, owner, me


# What a metric of each type can hold, as stored: a ratio or percent is a fraction (90 % is 0.9).
NATURAL_RANGES: Mapping[str, tuple[Decimal | None, Decimal | None]] = {
    "ratio": (Decimal(0), Decimal(1)),
    "percent": (Decimal(0), Decimal(1)),
    "count": (Decimal(0), None),
    "duration": (Decimal(0), None),
    "number": (None, None),
    "money": (None, None),
}


def metric_range(spec: Mapping) -> tuple[Decimal | None, Decimal | None]:
    """The metric's declared `range`, each side defaulting to its type's natural bound."""
    kind = spec.get("type")  # anything at all in a policy the schema has yet to refuse (a list: JX103)
    low, high = NATURAL_RANGES.get(kind, (None, None)) if isinstance(kind, str) else (None, None)
    declared = mapping(spec.get("range"))
    low = Decimal(declared["min"]) if _number(declared.get("min")) else low
    high = Decimal(declared["max"]) if _number(declared.get("max")) else high
    return low, high


def _number(value: object) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


@lru_cache(maxsize=4096)
def parse_cached(text: str) -> Expression:
    """Parse each distinct expression text once per process (check and compile share it)."""
    return parse(text)


def try_parse(text: object) -> Expression | None:
    try:
        return parse_cached(str(text))
    except ExpressionError:
        return None


def declared(data: Mapping) -> dict[str, Name]:
    """Every readable name in the policy; the first declaration wins if a name repeats."""
    table: dict[str, Name] = {}
    for item in _declarations(data):
        table.setdefault(item.name, item)
    return table


def declarations(data: Mapping) -> list[Name]:
    """Every declaration in written order, repeats included (for the duplicate-name check)."""
    return list(_declarations(data))


def _declarations(data: Mapping) -> Iterator[Name]:
    for name, spec in mapping(data.get("metrics")).items():
        # A choice metric (考核结果) holds the id of one of its declared values: text, never a number.
        yield Name(name, INPUT, ("metrics", name), text=mapping(spec).get("type") == "choice")
    for name in mapping(data.get("windows")):
        yield Name(name, INPUT, ("windows", name))  # a count of months from the ledger (S4.4, S4.5)
    if data.get("proration"):  # calendar days of the month worked, from the roster's dates
        yield Name(DAYS_WORKED, INPUT, ("proration",))
        yield Name(DAYS_IN_MONTH, INPUT, ("proration",))
    for name in mapping(data.get("penalties")):
        yield Name(name, INPUT, ("penalties", name))  # how many periods the clause fired in, from --events
    if data.get("roles"):
        yield Name("role", INPUT, ("roles",), text=True, builtin=True)
    if data.get("grades"):
        yield Name("grade", INPUT, ("grades",), text=True, builtin=True)
    for name in mapping(data.get("aggregates")):
        yield Name(name, AGGREGATE, ("aggregates", name))
    for order, name in enumerate(mapping(data.get("derived"))):
        yield Name(name, DERIVED, ("derived", name), order=order)
    for name in mapping(data.get("kpis")):
        yield Name(name + KPI_SUFFIX, KPI, ("kpis", name))
    if has_scorecard(data):
        yield Name("score", SCORE, ("score",), builtin=True)
    if mapping(data.get("score")).get("ratings"):
        yield Name("rating", RATING, ("score", "ratings"), text=True, builtin=True)
    for order, name in enumerate(mapping(mapping(data.get("score")).get("gates"))):
        yield Name(name, GATE, ("score", "gates", name), order=order)
    for order, name in enumerate(mapping(data.get("pay"))):
        yield Name(name, PAY, ("pay", name), order=order)
    yield from population_names(data)
    for order, name in enumerate(mapping(data.get("flags"))):
        # Flags (S1.5) come after everything: outputs only, read by other flags and reviews, never by pay.
        yield Name(name, FLAG, ("flags", name), order=order, boolean=True)
    # Calendar facts (engine.model.calendar_facts), last: a policy's own name is never one (JX267), and
    # `proration:` declares days_worked and days_in_month above.
    for name in FACTS:
        yield Name(name, INPUT, ("calendar", name), builtin=True, boolean=name in BOOLEAN)


def has_scorecard(data: Mapping) -> bool:
    """Whether the policy scores its agents: `kpis:` and `score:` (S0); a scheme such as S4 has neither.

    Half of one (JX233) still counts as a scorecard, so the other problems are reported as they are."""
    return "kpis" in data or "score" in data


# What each name of a scorecard is, for JX234 (a policy without one reads it).
SCORECARD_NAMES = {"score": ("the score", "总分"), "rating": ("the rating", "评级")}
KPI_POINTS = ("a KPI's points", "考核项得分")


def scorecard_read(data: Mapping, name: str) -> tuple[str, str] | None:
    """(en, zh) of what `name` would be in a scorecard, when the policy has none and `name` is not
    declared otherwise: `score`, `rating` or a KPI's points (`x_points`); None otherwise."""
    if has_scorecard(data):
        return None
    if name in SCORECARD_NAMES:
        return SCORECARD_NAMES[name]
    return KPI_POINTS if name.endswith(KPI_SUFFIX) and len(name) > len(KPI_SUFFIX) else None


def population_names(data: Mapping) -> Iterator[Name]:
    """Names of population values, ordered as computed: `population:` entries, then rankings.

    They are not ordered by stage: the compiler places them between phases of the per-agent
    code, after what they read and before what reads them (`check_population` rules out loops)."""
    order = 0
    for name in mapping(data.get("population")):
        yield Name(name, POPULATION, ("population", name), order=order)
        order += 1
    for name, spec in mapping(data.get("rankings")).items():
        for part in ranking_parts(spec):
            yield Name(f"{name}_{part}", POPULATION, ("rankings", name), order=order,
                       boolean=part in RANKING_FLAGS)
        order += 1


def ranking_parts(spec: object) -> tuple[str, ...]:
    """The names a ranking gives: place, size and in always; cut and top when it declares `top`."""
    return RANKING_NAMES if "top" in mapping(spec) else RANKING_NAMES[:3]


def derived_order(data: Mapping) -> tuple[list[str], list[list[str]]]:
    """Derived metrics in an order where each comes after what it reads, and one cycle per knot.

    Tarjan's strongly connected components, iteratively (no recursion a policy could exhaust) and
    in linear time: ten thousand derived metrics chained into one loop are one knot, reported
    once, not ten thousand overlapping cycles."""
    derived = mapping(data.get("derived"))
    reads: dict[str, list[str]] = {}
    for name, spec in derived.items():
        expr = try_parse(mapping(spec).get("formula", ""))
        reads[name] = [n for n in (expr.names if expr else ()) if n in derived]
    return read_order(reads)


def read_order(reads: Mapping[str, list[str]]) -> tuple[list[str], list[list[str]]]:
    """`derived_order` over a graph already read: each name (in written order) and the names it reads."""
    position = {name: index for index, name in enumerate(reads)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    order: list[str] = []
    cycles: list[list[str]] = []
    for start in reads:
        if start in index:
            continue
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, edge = work.pop()
            if edge == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if edge < len(reads[node]):
                work.append((node, edge + 1))
                target = reads[node][edge]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if work and work[-1][0] != node:  # pass the low link up to the caller
                caller = work[-1][0]
                low[caller] = min(low[caller], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                order.extend(sorted(members, key=position.__getitem__))
                if len(members) > 1 or node in reads[node]:
                    cycles.append(_one_cycle(set(members), reads, min(members, key=position.__getitem__)))
    cycles.sort(key=lambda cycle: position[cycle[0]])
    return order, cycles


def _one_cycle(members: set[str], reads: Mapping[str, list[str]], start: str) -> list[str]:
    """A closed walk inside one knot, from `start`: every member reads another member."""
    path: list[str] = []
    seen: dict[str, int] = {}
    node = start
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = next(target for target in reads[node] if target in members)
    return [*path[seen[node]:], node]
