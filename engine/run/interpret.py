"""The reference interpreter: a plan's ops evaluated directly, one step at a time, no generated code.

The generated code (engine.policy.codegen) is the fast path; this is the plain reading of the same
IR that it is held to (tests/run/test_back_ends.py: identical results and traces, Decimal digits and
exponents included, and the same errors at the same steps). It is one `match` over the op kinds,
each arm the meaning of its node, written to be read rather than to be fast; only the three
helpers whose results or messages are part of the policy's meaning (a table's missing entry, the
step bonus's ladder, marginal slices) are the runtime's own (engine.policy.runtime).

`interpreted(plan)` is the plan with this back-end in place of the generated one: the evaluator,
its phases and the population values between them are unchanged.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal

from engine.model.ops import (
    Arith,
    Band,
    Binary,
    Call,
    Clamp,
    Cmp,
    Compare,
    Const,
    Fn,
    IfElse,
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
    Truth,
    Unary,
)
from engine.model.plan import Plan
from engine.policy.expr import safe_pow
from engine.policy.runtime import lookup, marginal, step_bonus, zero_division

ZERO = Decimal(0)
ARITH: dict[Arith, Callable[[object, object], object]] = {
    Arith.ADD: operator.add, Arith.SUB: operator.sub, Arith.MUL: operator.mul, Arith.DIV: operator.truediv,
    Arith.FLOORDIV: operator.floordiv, Arith.MOD: operator.mod, Arith.POW: safe_pow,
}
COMPARE: dict[Cmp, Callable[[object, object], object]] = {
    Cmp.EQ: operator.eq, Cmp.NE: operator.ne, Cmp.LT: operator.lt, Cmp.LE: operator.le, Cmp.GT: operator.gt,
    Cmp.GE: operator.ge, Cmp.IN: lambda a, b: a in b, Cmp.NOT_IN: lambda a, b: a not in b,
}
CALLS: dict[Fn, Callable[..., object]] = {Fn.MIN: min, Fn.MAX: max, Fn.ABS: abs}


class Failed(Exception):
    """An error computing step `slot`: the evaluator names that step (engine.run.evaluate)."""

    def __init__(self, slot: int, cause: Exception):
        super().__init__(str(cause))
        self.slot = slot
        self.cause = cause


def interpreted(plan: Plan) -> Plan:
    """`plan` evaluated by the reference interpreter instead of its generated code."""
    last = max((step.phase for step in plan.steps), default=0)
    machine = _Machine(plan, last)
    return replace(plan, run=machine.run, run_trace=machine.run_trace, source="", code_lines=(),
                   phases=tuple(machine.phase(k) for k in range(last)))


class _Machine:
    def __init__(self, plan: Plan, last: int):
        self.plan = plan
        self.last = last

    # -- the back-end's functions (their signatures are the generated code's) ---------------------

    def phase(self, k: int) -> Callable[[Sequence], list]:
        def run(state: Sequence) -> list:
            return self.compute(self.start(state, k), k)
        return run

    def run(self, state: Sequence) -> tuple:
        return self.result(self.compute(self.start(state, self.last), self.last))

    def run_trace(self, state: Sequence) -> tuple[tuple, tuple]:
        values = self.compute(self.start(state, self.last), self.last)
        return self.result(values), tuple(values)

    def start(self, state: Sequence, k: int) -> list:
        """Phase 0 reads the agent's inputs, one tuple per input block; a later phase, every value
        known so far."""
        if k > 0:
            return list(state)
        values: list = [None] * len(self.plan.steps)
        for block, found in zip(self.plan.blocks, state, strict=True):
            for slot, value in zip(block.slots, found, strict=True):
                values[slot] = value
        return values

    def compute(self, values: list, k: int) -> list:
        """Every step of phase `k`, in the plan's order."""
        rescued: set[int] = set()
        steps = self.plan.steps
        for slot in self.plan.order:
            step = steps[slot]
            if step.phase != k:
                continue
            try:
                values[slot] = self.step(slot, step.op, values, rescued)
            except Exception as exc:  # re-raised with the step it happened in
                raise Failed(slot, exc) from exc
        return values

    def step(self, slot: int, op: Op | None, values: list, rescued: set[int]) -> object:
        if isinstance(op, Rescue):  # on_zero_division: the fallback when computing the value divides by zero
            try:
                return value(op.value, values, rescued)
            except ArithmeticError as exc:
                if not zero_division(exc):
                    raise
                rescued.add(slot)
                return op.fallback
        return value(op, values, rescued)

    def result(self, values: list) -> tuple:
        """(score, rating, KPI points, pay lines, total, choices, penalty facts, flags): an AgentResult's tail."""
        out = self.plan.outputs
        assert out is not None
        return (None if out.score is None else values[out.score], None if out.rating is None else values[out.rating],
                tuple((name, values[slot]) for name, slot in out.kpis),
                tuple((name, values[slot]) for name, slot in out.pay), values[out.total],
                tuple((name, values[slot]) for name, slot in out.choices),
                tuple((name, value(op, values, set())) for name, op in out.penalties),
                tuple((name, values[when], values[slot]) for name, when, slot in out.flags))


def value(op: Op | None, values: list, rescued: set[int]) -> object:
    """The value of `op`, given the values of the steps computed so far."""
    def v(node: Op) -> object:
        return value(node, values, rescued)

    match op:
        case Const(value=constant):
            return constant
        case Ref(slot=slot):
            return values[slot]
        case Rescued(slot=slot):
            return slot in rescued
        case Binary(op=arith, left=left, right=right):
            a = v(left)
            return ARITH[arith](a, v(right))
        case Unary(op=Sign.NOT, operand=operand):
            return not v(operand)
        case Unary(op=Sign.NEG, operand=operand):
            return -v(operand)  # type: ignore[operator]
        case Unary(op=Sign.POS, operand=operand):
            return +v(operand)  # type: ignore[operator]
        case Plus(terms=terms):
            if not terms:
                return ZERO
            total = v(terms[0])
            for term in terms[1:]:
                total = total + v(term)  # type: ignore[operator]
            return total
        case Logic(op="and", values=operands):
            found = v(operands[0])
            for operand in operands[1:]:
                if not found:
                    return found
                found = v(operand)
            return found
        case Logic(op="or", values=operands):
            found = v(operands[0])
            for operand in operands[1:]:
                if found:
                    return found
                found = v(operand)
            return found
        case Compare(left=left, ops=ops, rights=rights):
            a = v(left)
            for cmp, right in zip(ops, rights, strict=True):
                b = v(right)
                holds = COMPARE[cmp](a, b)
                if not holds:
                    return holds
                a = b
            return holds
        case Items(items=items):
            return tuple(v(item) for item in items)
        case IfElse(test=test, then=then, otherwise=otherwise):
            return v(then) if v(test) else v(otherwise)
        case Call(fn=fn, args=args):
            return CALLS[fn](*(v(arg) for arg in args))
        case Truth(value=inner):
            return bool(v(inner))
        case Quantize(value=inner, quantum=quantum, rounding=rounding):
            return v(inner).quantize(quantum, rounding)  # type: ignore[attr-defined]
        case Clamp(value=inner, low=low, high=high):
            found, bottom = v(inner), v(low)
            if found <= bottom:  # type: ignore[operator]
                return bottom  # at or below: the bound itself (never a -0)
            if high is not None:
                top = v(high)
                if found > top:  # type: ignore[operator]
                    return top
            return found
        case Band(bounds=bounds, value=inner, closed=closed):
            # The bands whose `from` the value has reached (passed, when bands are closed right), less one.
            found = v(inner)
            reached = [bound for bound in bounds if (bound <= found if closed == "left" else bound < found)]
            return len(reached) - 1
        case Pick(values=picked, index=index):
            at = v(index)
            return picked[at] if 0 <= at < len(picked) else ZERO  # type: ignore[operator,index]
        case Lookup(table=table, key=key, what=what, default=default):
            return lookup(dict(table), v(key), what, default)  # type: ignore[arg-type]
        case StepBonus(value=inner, start=start, every=every, first=first, then=then, cap=cap):
            return step_bonus(v(inner), start, every, v(first), v(then), cap)  # type: ignore[arg-type]
        case Marginal(bounds=bounds, rates=rates, base=base, on=on):
            return marginal(bounds, rates, v(base), v(on))  # type: ignore[arg-type]
        case SumOf(value=inner):
            return sum(v(inner), ZERO)  # type: ignore[call-overload]
        case OnlyIf(test=test, value=inner):
            return v(inner) if v(test) else None
    raise AssertionError(f"not an expression: {op!r}")  # inputs and population values are given, not computed
