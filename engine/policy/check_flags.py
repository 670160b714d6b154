"""`flags:` (S1.5): conditions raising outputs a person acts on, never pay.

- each `when:` is a condition over anything the policy computes and other flags (the expression
  checks, at the flag stage: a pay formula, KPI, gate or population value reading a flag is JX292);
- `at_least` cannot exceed the window's `months` (JX291): such a flag could never be raised;
- flags reading each other in a loop (JX293): no flag of the loop would have an answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from engine.diagnostics import Code, Problem, problem
from engine.policy import names as n
from engine.policy.check_expr import BOOL

Expression = Callable[..., Iterator[Problem]]


def check_flags(data: Mapping, expression: Expression) -> Iterator[Problem]:
    """Every problem of `flags:`."""
    flags = n.mapping(data.get("flags"))
    for name, spec in flags.items():
        spec = n.mapping(spec)
        if "when" in spec:
            yield from expression(("flags", name, "when"), spec["when"], stage=n.FLAG, want=BOOL)
        months, at_least = spec.get("months", 1), spec.get("at_least")
        if type(months) is int and type(at_least) is int and at_least > months:
            yield problem(Code.JX291, ("flags", name, "at_least"), name=name, at_least=at_least, months=months)
    reads: dict[str, list[str]] = {}
    for name, spec in flags.items():
        expr = n.try_parse(n.mapping(spec).get("when", ""))
        reads[name] = [used for used in (expr.names if expr else ()) if used in flags]
    _, cycles = n.read_order(reads)
    for cycle in cycles:
        yield problem(Code.JX293, ("flags", cycle[0]), on_key=True, chain=" -> ".join(cycle))


def flag_order(flags: Mapping[str, str]) -> list[str]:
    """Flag ids in an order where each comes after the flags its condition reads (a checked policy has no loop)."""
    reads = {}
    for name, text in flags.items():
        expr = n.try_parse(text)
        reads[name] = [used for used in (expr.names if expr else ()) if used in flags]
    order, _ = n.read_order(reads)
    return order
