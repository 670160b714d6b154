"""The plan IR as a formula: an op over step names, as `jixiao plan` shows it beneath each step.

`clamp((attainment - 0.5) / 0.5, 0, 1) * 25` reads as Python would (brackets only where needed);
the few operations the expression language lacks are written as named forms (`round(…, 0.01,
half_up)`, `band(…)`, `lookup(…)`). Like the IR, it reads only engine.model; the rest of the plan's
listing, in the reader's language, is engine.report.plan_text.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from engine.model.ops import (
    Arith,
    Band,
    Binary,
    Call,
    Clamp,
    Compare,
    Const,
    IfElse,
    Input,
    Items,
    Logic,
    Lookup,
    Marginal,
    OnlyIf,
    Op,
    Pick,
    Plus,
    Quantize,
    Ref,
    Rescue,
    Rescued,
    Sign,
    StepBonus,
    SumOf,
    Taken,
    Truth,
    Unary,
)

_ROUNDING = {"ROUND_HALF_UP": "half_up", "ROUND_HALF_EVEN": "half_even", "ROUND_DOWN": "down", "ROUND_UP": "up"}
# How tightly each node binds, so a formula is bracketed only where it must be (as Python reads it).
_BINDS = {Arith.POW: 8, Arith.MUL: 6, Arith.DIV: 6, Arith.FLOORDIV: 6, Arith.MOD: 6, Arith.ADD: 5, Arith.SUB: 5}


def show(op: Op | None, name: Callable[[int], str]) -> str:
    """An op as a formula over step names."""
    return _show(op, name, 0)


def _number(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(_number(v) for v in value) + ")"
    return repr(value)


def _show(op: Op | None, name: Callable[[int], str], outer: int) -> str:
    def s(node: Op, binds: int = 0) -> str:
        return _show(node, name, binds)

    def grouped(text: str, binds: int) -> str:
        return f"({text})" if binds < outer else text

    match op:
        case None:
            return "—"
        case Const(value=value):
            return _number(value)
        case Ref(slot=slot):
            return name(slot)
        case Input(block=block):
            return f"input · {block}"
        case Taken(population=population, over=over):
            return f"taken over every agent: {population}({', '.join(name(o) for o in over)})"
        case Rescued(slot=slot):
            return f"fell_back({name(slot)})"
        case Binary(op=arith, left=left, right=right):
            binds = _BINDS[arith]
            # Left-associative but for **: the other side of the same strength keeps its brackets.
            before, after = (binds + 1, binds) if arith is Arith.POW else (binds, binds + 1)
            return grouped(f"{s(left, before)} {arith} {s(right, after)}", binds)
        case Unary(op=Sign.NOT, operand=operand):
            return grouped(f"not {s(operand, 3)}", 3)
        case Unary(op=sign, operand=operand):
            return grouped(f"{sign}{s(operand, 7)}", 7)
        case Plus(terms=terms):
            return grouped(" + ".join(s(t, 6) for t in terms), 5) if terms else "0"
        case Logic(op=joiner, values=values):
            binds = 2 if joiner == "and" else 1
            return grouped(f" {joiner} ".join(s(v, binds + 1) for v in values), binds)
        case Compare(left=left, ops=ops, rights=rights):
            chain = "".join(f" {cmp} {s(right, 5)}" for cmp, right in zip(ops, rights, strict=True))
            return grouped(f"{s(left, 5)}{chain}", 4)
        case Items(items=items):
            return "(" + ", ".join(s(i) for i in items) + ")"
        case IfElse(test=test, then=then, otherwise=otherwise):
            return grouped(f"{s(then, 1)} if {s(test, 1)} else {s(otherwise)}", 0)
        case Call(fn=fn, args=args):
            return f"{fn}(" + ", ".join(s(a) for a in args) + ")"
        case Truth(value=value):
            return f"bool({s(value)})"
        case Quantize(value=value, quantum=quantum, rounding=rounding):
            return f"round({s(value)}, {quantum}, {_ROUNDING.get(rounding, rounding)})"
        case Clamp(value=value, low=low, high=high):
            return f"clamp({s(value)}, {s(low)}" + (")" if high is None else f", {s(high)})")
        case Band(bounds=bounds, value=value, closed=closed):
            return f"band({s(value)}, {_number(bounds)}, closed {closed})"
        case Pick(values=values, index=index):
            return f"pick({_number(values)}, {s(index)})"
        case Lookup(table=table, key=key, what=what, default=default):
            rows = ", ".join(f"{' × '.join(k) if isinstance(k, tuple) else k}: {v}" for k, v in table)
            by = " × ".join(what) if isinstance(what, tuple) else what
            return f"lookup({s(key)}, {{{rows}}}, by {by}" + ("" if default is None else f", default {default}") + ")"
        case StepBonus(value=value, start=start, every=every, first=first, then=then, cap=cap):
            return (f"step({s(value)}, from {start}, every {every}, first {s(first)}, then {s(then)}"
                    + ("" if cap is None else f", max {cap}") + ")")
        case Marginal(bounds=bounds, rates=rates, base=base, on=on):
            return f"marginal({s(base)}, by {s(on)}, bounds {_number(bounds)}, rates {_number(rates)})"
        case SumOf(value=value):
            return f"sum({s(value)})"
        case OnlyIf(test=test, value=value):
            return f"only_if({s(test)}, {s(value)})"
        case Rescue(value=value, fallback=fallback):
            return f"on_zero_division({s(value)}, {fallback})"
    raise AssertionError(f"unknown op {op!r}")
