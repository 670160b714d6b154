"""The `events:` section: what the schema cannot see.

A zone the time-zone database does not know would leave every time without an offset unreadable
(JX270); one text naming two kinds would make an events file's 类型 cell ambiguous (JX271). A
penalty clause counting a kind nobody declared would never fire (JX272), and one cancelling a pay
component that does not exist would cancel nothing (JX273): both silently pay someone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from engine.diagnostics import Code, Problem, problem
from engine.policy import names as n
from engine.policy.check_pay_groups import clause_kinds
from engine.text import fold

Suggest = Callable[[str, list], str | None]

COMMON_ZONES = ["Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo", "UTC"]


def known_zone(zone: str) -> bool:
    """True when `zone` is an IANA zone name the standard library can load."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # here: only a policy naming a zone needs it

    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def check_events(suggest: Suggest, data: Mapping) -> Iterator[Problem]:
    """JX270 for an unknown zone, JX271 for a text that names two event kinds."""
    spec = n.mapping(data.get("events"))
    zone = spec.get("zone")
    if isinstance(zone, str) and zone and not known_zone(zone):
        close = suggest(zone, COMMON_ZONES)
        yield problem(Code.JX270, ("events", "zone"), hint="close" if close else "", zone=zone, close=close)
    items = ((kind, kind, n.mapping(kind_spec), ("events", "kinds", kind))
             for kind, kind_spec in n.mapping(spec.get("kinds")).items())
    for text, where, key, owner, kind in n.clashes(items, lambda text: fold(text).strip(), {}):
        yield problem(Code.JX271, where, on_key=key, text=text, owner=owner, other=kind)


def check_penalties(suggest: Suggest, data: Mapping) -> Iterator[Problem]:
    """JX272 for a clause over an undeclared event kind, JX273 for a cancel naming no pay component."""
    kinds = list(n.mapping(n.mapping(data.get("events")).get("kinds")))
    # A clause may cancel a pay component or a group of them (`pay_groups:`).
    pay = [*n.mapping(data.get("pay")), *n.mapping(data.get("pay_groups"))]
    for name, spec in n.mapping(data.get("penalties")).items():
        spec = n.mapping(spec)
        for where, kind, _ in clause_kinds(spec):
            if kind in kinds:
                continue
            close = suggest(kind, kinds)
            hint = "close" if close else "list" if kinds else "none"
            yield problem(Code.JX272, ("penalties", name, *where), hint=hint, name=name, counted=kind, close=close,
                          options=kinds)
        cancels = spec.get("cancels") if isinstance(spec.get("cancels"), list) else []
        for i, target in enumerate(cancels):
            if isinstance(target, str) and target not in pay:
                close = suggest(target, pay)
                yield problem(Code.JX273, ("penalties", name, "cancels", i), hint="close" if close else "list",
                              name=name, target=target, close=close, options=pay)
