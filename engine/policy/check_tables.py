"""Tables by any choice and by two keys (S0.6, S4.4/S4.5): a pay table, a floor, a step bonus's amount.

A table (`kind: table` with `key:`, a floor or an amount written `{by:, values:}`) is looked up by the
agent's role, grade, rating or any choice metric, or by two of them (`key: [role, grade]` with nested
`values:`). Each problem located at the line to edit:
- a key that is none of these, or the same key twice (JX237, with the keys the policy can use);
- a row that names a value its key does not declare (JX238, did-you-mean);
- rows that do not match the keys: one amount under a table by two keys, a table under one by one (JX245);
- a value the table can meet with no row and no `default:` (JX239): that agent could not be paid;
- a `default:` that can never apply (JX246, warning);
- a key that may be blank (`missing: absent`) with no row `absent` (JX236): a default never stands for it.
Tables by role or grade alone without `default:` keep their older checks (JX210, engine.policy.check_roles).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from itertools import product

from engine.diagnostics import NOUNS, Code, Phrase, Problem, problem
from engine.policy import names as n
from engine.policy.check_choices import ABSENT
from engine.policy.check_roles import paid_to

Suggest = Callable[[str, list], str | None]
MISSING_SHOWN = 10  # combinations named in one JX239; the rest are counted


def plain(key: object, spec: Mapping) -> bool:
    """A table by role or grade alone, one amount a row, no default: the form the older checks own."""
    values = n.mapping(spec.get("values"))
    return key in ("role", "grade") and "default" not in spec and not any(isinstance(v, dict) for v in values.values())


def table_keys(data: Mapping) -> dict[str, tuple[Phrase, dict[str, None]]]:
    """What a table may be looked up by in this policy, each with its noun and its declared values."""
    keys: dict[str, tuple[Phrase, dict[str, None]]] = {}
    for key in ("role", "grade"):
        declared = n.mapping(data.get(key + "s"))
        if declared:
            keys[key] = (NOUNS[key], dict.fromkeys(declared))
    ratings = n.mapping(n.mapping(data.get("score")).get("ratings"))
    if ratings:
        keys["rating"] = (NOUNS["rating"], dict.fromkeys(ratings))
    for name, spec in n.mapping(data.get("metrics")).items():
        spec = n.mapping(spec)
        if spec.get("type") == "choice" and n.mapping(spec.get("values")):
            values = dict.fromkeys(n.mapping(spec["values"]))
            if spec.get("missing") == ABSENT:  # a blank cell (未考核) is a row of its own: `absent`
                values[ABSENT] = None
            keys[name] = (Phrase(f"value of {name}", f"{name} 的取值"), values)
    return keys


def check_tables(suggest: Suggest, data: Mapping) -> Iterator[Problem]:
    """Every table by rating, by a choice or by two keys, and every one with a default, in `pay:`."""
    keys = table_keys(data)
    roles = n.mapping(data.get("roles"))
    for name, spec in n.mapping(data.get("pay")).items():
        spec = n.mapping(spec)
        path = ("pay", name)
        # The roles this component pays: a role key needs rows for those only.
        needed_roles = paid_to(spec, roles)
        kind = spec.get("kind")
        if kind == "table" and "key" in spec and not plain(spec.get("key"), spec):
            yield from _table(suggest, keys, path, "key", spec, needed_roles)
        floor = spec.get("floor")
        if kind == "minimum" and isinstance(floor, dict) and not plain(floor.get("by"), floor):
            yield from _table(suggest, keys, (*path, "floor"), "by", floor, needed_roles)
        for field in ("first", "then") if kind == "step" else ():
            if isinstance(spec.get(field), dict):  # a step's amount by table: no older check
                yield from _table(suggest, keys, (*path, field), "by", spec[field], needed_roles)
        rate = spec.get("rate") if kind == "commission" else None
        tiers = n.mapping(rate).get("tiers") if isinstance(rate, dict) else None
        for index, tier in enumerate(tiers if isinstance(tiers, list) else []):
            by_table = n.mapping(tier).get("rate")
            if not isinstance(by_table, dict):
                continue
            where = (*path, "rate", "tiers", index, "rate")
            if rate.get("mode") == "marginal":  # each slice has its own tier's rate: one rate per tier
                yield problem(Code.JX237, where, "marginal", on_key=True)
            else:
                yield from _table(suggest, keys, where, "by", by_table, needed_roles)


def _table(suggest: Suggest, keys: Mapping, path: tuple, by: str, spec: Mapping,
           needed_roles: list[str]) -> Iterator[Problem]:
    named = spec.get(by)
    names = [named] if isinstance(named, str) else named if isinstance(named, list) else []
    if not names or not all(isinstance(k, str) for k in names):
        return  # the schema says what is wrong
    bad = False
    for index, key in enumerate(names):
        where = (*path, by) if isinstance(named, str) else (*path, by, index)
        if key not in keys:
            close = suggest(key, list(keys))
            yield problem(Code.JX237, where, "", hint="close" if close else "list", key=key, close=close,
                          options=list(keys))
            bad = True
        elif key in names[:index]:
            yield problem(Code.JX237, where, "twice", key=key)
            bad = True
    values = n.mapping(spec.get("values"))
    rows: list[tuple[str, ...]] = []
    for first, row in values.items():
        if len(names) == 2 and not isinstance(row, dict):
            second = keys[names[1]][0] if names[1] in keys else Phrase(names[1], names[1])
            example = next(iter(keys[names[1]][1]), "…") if names[1] in keys else "…"
            yield problem(Code.JX245, (*path, "values", first), "two", on_key=True, row=first, second=second,
                          example=example)
            bad = True
        elif len(names) == 1 and isinstance(row, dict):
            yield problem(Code.JX245, (*path, "values", first), "one", on_key=True, row=first, key=names[0])
            bad = True
        elif isinstance(row, dict):
            rows += [(first, second) for second in row]
        else:
            rows.append((first,))
    if bad:
        return
    for row in rows:
        for index, value in enumerate(row):
            noun, declared = keys[names[index]]
            if value not in declared:
                where = (*path, "values", *row[:index + 1])
                close = suggest(value, list(declared))
                yield problem(Code.JX238, where, "", on_key=True, hint="close" if close else "list", value=value,
                              what=noun, close=close, options=list(declared))
                bad = True
    if bad:
        return
    wanted = [needed_roles if key == "role" else list(keys[key][1]) for key in names]
    listed = set(rows)
    missing = [combo for combo in product(*wanted) if combo not in listed and ABSENT not in combo]
    # An agent not assessed is paid by a row saying so, never by the default (item 6: no guess pays).
    blank = [combo for combo in product(*wanted) if combo not in listed and ABSENT in combo]
    if blank:
        key = next(k for k, value in zip(names, blank[0], strict=True) if value == ABSENT)
        yield problem(Code.JX236, (*path, "values"), on_key=True, key=key,
                      missing=["'" + " × ".join(combo) + "'" for combo in blank[:MISSING_SHOWN]])
    what = Phrase(" × ".join(keys[k][0].en for k in names), " × ".join(keys[k][0].zh for k in names))
    if missing and "default" not in spec:
        shown = ["'" + " × ".join(combo) + "'" for combo in missing[:MISSING_SHOWN]]
        more = len(missing) - MISSING_SHOWN
        yield problem(Code.JX239, (*path, "values"), on_key=True, what=what,
                      missing=[*shown, f"… (+{more})"] if more > 0 else shown)
    elif not missing and "default" in spec:
        yield problem(Code.JX246, (*path, "default"), on_key=True, default=spec["default"], what=what)
