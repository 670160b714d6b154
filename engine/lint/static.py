"""Lint checks read off the policy's text: what no evaluation is needed to see.

A KPI whose bands all give 0 points (JX501: in effect a weight of 0, which the schema refuses when
written); a component with an amount, every table value or every rate of 0 (JX502); a commission
rate above 10 % of a money base, the `rate: 0.2` meant as 0.2 % that passes validate and multiplies a
payroll (JX503); a clause deducting while the legal guard is off (JX506, L.1); a gate or clause
cancelling base pay, which takes earned wages for a breach (JX507, L.2).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal

from engine.diagnostics import Code, Phrase, Problem, problem
from engine.policy import names as n

# Above this a rate on money is almost surely a percentage written as a number (0.2 for 0.2 %).
MONEY_RATE_BOUND = Decimal("0.1")
BASE_PAY_KINDS = ("fixed", "table")


def _number(value: object) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def check_static(data: Mapping) -> Iterator[Problem]:
    yield from _zero_kpis(data)
    yield from _zero_pay(data)
    yield from _rates(data)
    yield from _guard_off(data)
    yield from _cancelled_base(data)


def _zero_kpis(data: Mapping) -> Iterator[Problem]:
    for name, spec in n.mapping(data.get("kpis")).items():
        bands = n.mapping(spec).get("bands")
        if isinstance(bands, list) and bands and all(n.mapping(b).get("points") == 0 for b in bands):
            yield problem(Code.JX501, ("kpis", name), "bands", on_key=True, name=name, weight=spec.get("weight"))


def _zero_pay(data: Mapping) -> Iterator[Problem]:
    for name, spec in n.mapping(data.get("pay")).items():
        spec = n.mapping(spec)
        kind, what = spec.get("kind"), None
        if kind == "fixed" and spec.get("amount") == 0:
            what = Phrase("its amount", "金额")
        elif kind == "table" and n.mapping(spec.get("values")) and all(v == 0 for _, v in _amounts(spec)):
            what = Phrase("every value of its table", "表中每个金额")
        elif kind == "commission" and _rates_of(spec) and all(rate == 0 for _, rate in _rates_of(spec)):
            what = Phrase("its rate", "提点")
        elif kind == "step" and spec.get("first") == 0 and spec.get("then", 0) == 0:
            what = Phrase("each step's amount", "每级金额")
        if what is not None:
            yield problem(Code.JX502, ("pay", name), "zero", on_key=True, name=name, what=what)


def _rates_of(spec: Mapping) -> list[tuple[tuple, Decimal]]:
    """(path within the component, rate) of a flat rate or of each tier."""
    rate = spec.get("rate")
    if _number(rate):
        return [(("rate",), Decimal(rate))]
    tiers = n.mapping(rate).get("tiers") if isinstance(rate, dict) else None
    found = []
    for i, tier in enumerate(tiers or []):
        value = n.mapping(tier).get("rate")
        if _number(value):
            found.append((("rate", "tiers", i, "rate"), Decimal(value)))
        elif isinstance(value, dict):  # a tier's rate by role, grade …: each amount of its table
            found += [(("rate", "tiers", i, "rate", *path), amount) for path, amount in _amounts(value)]
    return found


def _amounts(table: Mapping) -> list[tuple[tuple, Decimal]]:
    """(path, amount) of each amount of a table by one key or two (`values:`), and of its `default:`."""
    found = []
    for first, row in n.mapping(table.get("values")).items():
        rows = row.items() if isinstance(row, dict) else [(None, row)]
        found += [(("values", first) if second is None else ("values", first, second), Decimal(amount))
                  for second, amount in rows if _number(amount)]
    if _number(table.get("default")):
        found.append((("default",), Decimal(table["default"])))
    return found


def money_names(data: Mapping) -> set[str]:
    """Names whose values are money: metrics, derived values and aggregates of money."""
    found = {name for name, spec in n.mapping(data.get("metrics")).items() if n.mapping(spec).get("type") == "money"}
    found |= {name for name, spec in n.mapping(data.get("derived")).items() if n.mapping(spec).get("type") == "money"}
    found |= {name for name, spec in n.mapping(data.get("aggregates")).items() if n.mapping(spec).get("of") in found}
    return found


def _rates(data: Mapping) -> Iterator[Problem]:
    money = money_names(data)
    for name, spec in n.mapping(data.get("pay")).items():
        spec = n.mapping(spec)
        if spec.get("kind") != "commission":
            continue
        parsed = n.try_parse(spec.get("base", ""))
        read = sorted(set(parsed.names) & money) if parsed is not None else []
        if not read:
            continue
        for path, rate in _rates_of(spec):
            if rate > MONEY_RATE_BOUND:
                yield problem(Code.JX503, ("pay", name, *path), name=name, rate=rate, percent=rate * 100,
                              base=", ".join(read), meant=rate / 100)


def _guard_off(data: Mapping) -> Iterator[Problem]:
    if n.mapping(data.get("deductions")).get("guard") != "off":
        return
    for name, spec in n.mapping(data.get("penalties")).items():
        if "deducts" in n.mapping(spec):
            yield problem(Code.JX506, ("penalties", name, "deducts"), "guard_off", on_key=True, name=name)


def _cancelled_base(data: Mapping) -> Iterator[Problem]:
    pay = n.mapping(data.get("pay"))
    base = {name for name, spec in pay.items()
            if n.mapping(spec).get("kind") in BASE_PAY_KINDS and "when" not in n.mapping(spec)}
    owners = [(Phrase("gate", "门槛"), ("score", "gates"), n.mapping(n.mapping(data.get("score")).get("gates"))),
              (Phrase("penalty", "罚则"), ("penalties",), n.mapping(data.get("penalties")))]
    groups = n.mapping(data.get("pay_groups"))
    for what, where, entries in owners:
        for name, spec in entries.items():
            cancels = n.mapping(spec).get("cancels")
            for index, target in enumerate(cancels if isinstance(cancels, list) else []):
                # A group cancels each of its members (pay_groups:): base pay inside one is base pay cancelled.
                for component in _members(target, groups):
                    if component in base:
                        yield problem(Code.JX507, (*where, name, "cancels", index), "cancels_base", what=what,
                                      name=name, component=component)


def _members(target: object, groups: Mapping, seen: frozenset = frozenset()) -> list:
    """The pay lines `target` names: itself, or a group's members (nested groups in place, each group once)."""
    if target not in groups:
        return [target]
    if target in seen:
        return []
    lines = n.mapping(groups[target]).get("lines")
    return [m for line in (lines if isinstance(lines, list) else []) for m in _members(line, groups, seen | {target})]
