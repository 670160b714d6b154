"""Lowering a plan step's ops into column expressions over a whole month (engine.run.columnar.values).

Each node of the plan IR (engine.model.ops) becomes a value over every row at once, with the same
meaning the reference interpreter (engine.run.interpret) gives it per agent — including Python's
laziness where it matters: a division by zero in the branch an `if` does not take, or in the operand
an `and` never reaches, is no division at all, so the rows where a division by zero happens are
tracked with the condition of reaching it (a policy's `on_zero_division` depends on exactly them).
A node this back-end does not cover raises `NotCovered`, and the whole month goes to the Decimal path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from functools import reduce

import polars as pl

from engine.model.blocks import Block
from engine.model.frames import NotCovered
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
    Truth,
    Unary,
)
from engine.policy.expr import MAX_POWER
from engine.run.columnar.columns import Columns
from engine.run.columnar.values import (
    Fixed,
    Flag,
    Number,
    Parts,
    Ratio,
    Text,
    Value,
    add,
    as_ratio,
    const,
    difference_sign,
    divide,
    either,
    error_of,
    exact_quotient,
    magnitude,
    multiply,
    negate,
    only_when,
    places_of,
    rescale,
    rounded,
)


def not_covered(what: str, what_zh: str, name: str) -> NotCovered:
    return NotCovered(f"step {name}: {what}", f"步骤 {name}：{what_zh}")


class StepLowering:
    """One step's op as a column value; `unsure` gathers the rows the Decimal code must compute."""

    def __init__(self, name: str, columns: Columns, known: Mapping[int, Value], rescued: Mapping[int, pl.Expr],
                 inputs: Callable[[Block, str], Value]):
        self.name = name
        self.columns = columns
        self.known = known
        self.rescued = rescued
        self.inputs = inputs
        # The rows where the op being lowered is evaluated at all (None: every row): the Decimal path
        # does not compute a branch an `if` does not take, nor a detail for a role it is not paid to.
        self.reach: pl.Expr | None = None

    def step(self, op: Op) -> tuple[Value, pl.Expr | None]:
        """The step's value, and (for `on_zero_division`) the rows that took the fallback."""
        if isinstance(op, Rescue):
            found = self.lower(op.value)
            if not isinstance(found, Fixed | Ratio):
                raise not_covered("a fallback on a value that is not a number", "非数值的除零兜底", self.name)
            fell = found.zero if found.zero is not None else pl.lit(False)
            fallback = const(op.fallback)
            return choose(fell, fallback, replace(found, zero=None), self.name), fell
        found = self.lower(op)
        if found.zero is not None:  # a division by zero outside on_zero_division: the Decimal code's error
            self.mark(found.zero)
            found = replace(found, zero=None)
        return found, None

    def mark(self, rows: pl.Expr | None) -> None:
        """Rows the Decimal code must compute, among those the op is evaluated in."""
        if rows is not None:
            self.columns.mark(rows if self.reach is None else rows & self.reach)

    def reached(self, where: pl.Expr, op: Op | Callable[[], Value]) -> Value:
        """`op` lowered (or computed) as it is evaluated only where `where` holds."""
        outer = self.reach
        self.reach = where.fill_null(False) if outer is None else outer & where.fill_null(False)
        try:
            return op() if callable(op) else self.lower(op)
        finally:
            self.reach = outer

    def lower(self, op: Op) -> Value:
        match op:
            case Const(value=value):
                return const(value)
            case Ref(slot=slot):
                if slot not in self.known:  # a ranking's standing, which only explain reads
                    raise not_covered(f"reading step {slot}", f"读取步骤 {slot}", self.name)
                return self.known[slot]
            case Input(block=block, name=name):
                return self.inputs(block, name)
            case Rescued(slot=slot):
                return Flag(self.rescued[slot])
            case Binary(op=Arith.POW, left=left, right=right):
                return self.power(self.number(left), right)
            case Binary(op=arith, left=left, right=right):
                return self.binary(arith, self.number(left), self.number(right))
            case Unary(op=Sign.NOT, operand=operand):
                found = self.condition(operand)
                return Flag(~found.expr, found.zero)
            case Unary(op=Sign.NEG, operand=operand):
                return negate(self.number(operand))
            case Unary(op=Sign.POS, operand=operand):
                return replace(self.number(operand), neg=None)  # Decimal's +(−0) is 0
            case Plus(terms=terms):
                if not terms:
                    return const(Decimal(0))
                return reduce(lambda a, b: add(a, b, self.name), (self.number(t) for t in terms))
            case Logic(op=which, values=operands):
                return self.logic(which, operands)
            case Compare(left=left, ops=ops, rights=rights):
                return self.compare(left, ops, rights)
            case IfElse(test=test, then=then, otherwise=otherwise):
                condition = self.condition(test)
                a, b = self.reached(condition.expr, then), self.reached(~condition.expr, otherwise)
                found = choose(condition.expr, a, b, self.name)
                zero = either(condition.zero,
                              either(only_when(condition.expr, a.zero), only_when(~condition.expr, b.zero)))
                return replace(found, zero=zero)
            case Call(fn=fn, args=args):
                return self.call(fn, [self.number(arg) for arg in args])
            case Truth(value=inner):
                return self.condition(inner)
            case Quantize(value=inner, quantum=quantum, rounding=mode):
                exponent = quantum.as_tuple().exponent
                if not isinstance(exponent, int) or exponent > 0:
                    raise not_covered(f"rounding to {quantum}", f"舍入到 {quantum}", self.name)
                found, unsure = rounded(self.number(inner), -exponent, mode, self.name)
                self.mark(unsure)
                return found
            case Clamp(value=inner, low=low, high=high):
                return self.clamp(self.number(inner), self.number(low), None if high is None else self.number(high))
            case Band(bounds=bounds, value=inner, closed=closed):
                return self.band(bounds, self.number(inner), closed)
            case Pick(values=values, index=index):
                return self.pick(values, self.number(index))
            case Lookup(table=table, key=key, what=_, default=default):
                return self.lookup(table, key, default)
            case StepBonus(value=inner, start=start, every=every, first=first, then=then, cap=cap):
                return self.step_bonus(self.number(inner), start, every, first, then, cap)
            case Marginal(bounds=bounds, rates=rates, base=base, on=on):
                return self.marginal(bounds, rates, self.number(base), self.number(on))
            case SumOf(value=inner):
                parts = self.lower(inner)
                if not isinstance(parts, Parts):
                    raise not_covered("a sum of values that are not slices", "对非分段值求和", self.name)
                if isinstance(inner, Ref | OnlyIf):  # slices not computed for the agent (None)
                    self.mark(self.number_of(parts.items[0]).is_null())
                # sum(slices, Decimal(0)): 0 + s0 + s1 …, each sum rounded to 28 digits.
                total = reduce(lambda a, b: add(a, b, self.name), parts.items, const(Decimal(0)))
                return replace(total, zero=either(total.zero, parts.zero))  # type: ignore[arg-type]
            case OnlyIf(test=test, value=inner):
                return self.only_if(self.condition(test), inner)
        raise not_covered(f"the operation {type(op).__name__}", f"运算 {type(op).__name__}", self.name)

    # -- kinds -------------------------------------------------------------------------------------

    def number(self, op: Op) -> Number:
        found = self.lower(op)
        if not isinstance(found, Fixed | Ratio):
            raise not_covered("arithmetic on a value that is not a number", "对非数值做算术", self.name)
        if isinstance(op, Ref | OnlyIf):  # a detail not computed for the agent (None): the Decimal code's TypeError
            self.mark((found.expr if isinstance(found, Fixed) else found.num).is_null())
        return found

    def truth(self, found: Value) -> Flag:
        """Python's truth of a value (0 and none are false; a null is a value not computed, None)."""
        if isinstance(found, Flag):
            return Flag(found.expr.fill_null(False), found.zero)
        if isinstance(found, Fixed):
            return Flag((found.expr != 0).fill_null(False), found.zero)
        if isinstance(found, Ratio):
            return Flag((found.num != 0).fill_null(False), found.zero)
        if isinstance(found, Parts):
            raise not_covered("the truth of slices", "分段值的真假", self.name)
        return Flag(found.expr.is_not_null() & (found.expr != ""), found.zero)

    # -- nodes -------------------------------------------------------------------------------------

    def binary(self, arith: Arith, a: Number, b: Number) -> Number:
        if arith is Arith.ADD:
            return add(a, b, self.name)
        if arith is Arith.SUB:
            return add(a, b, self.name, -1)
        if arith is Arith.MUL:
            return multiply(a, b, self.name)
        if arith is Arith.DIV:
            return exact_quotient(a, b, self.name) or divide(a, b, self.name)
        raise not_covered(f"the operator {arith.value}", f"运算符 {arith.value}", self.name)

    def power(self, base: Number, exponent: Op) -> Fixed:
        """`x ** n` for a whole constant n from 1 to 3 and an exact x: Decimal's power is exact (the
        month's bound keeps it within 19 digits), its places n times x's, a zero's none (0.0 ** 2 is
        0); where |x| is beyond simpleeval's bound the Decimal code refuses it (PowerTooLarge)."""
        n = exponent.value if isinstance(exponent, Const) else None
        if (not isinstance(n, Decimal) or n not in (1, 2, 3) or not isinstance(base, Fixed)
                or base.neg is not None):
            raise not_covered("the operator ** but of an exact value to the power 1, 2 or 3",
                              "除精确值的 1、2、3 次方以外的 ** 运算", self.name)
        self.mark(base.expr.abs() > MAX_POWER * 10**base.scale)
        found = base
        for _ in range(int(n) - 1):
            found = multiply(found, base, self.name)  # type: ignore[assignment]
        places = None
        if base.exp:
            places = pl.when(found.expr == 0).then(0).otherwise(int(n) * base.scale).cast(pl.Int64)
        return replace(found, exp=False, places=places, neg=None, const=None, zero=base.zero)

    def condition(self, op: Op) -> Flag:
        """Whether `op`'s value is true, where only that matters (an if's test, `not`, a condition's
        step): `a or b` is true exactly where either operand is, whatever kind the operands are
        (a component cancelled by its roles or by a clause's count, S4)."""
        if isinstance(op, Logic):
            return self.logic(op.op, op.values, truth=True)
        return self.truth(self.lower(op))

    def logic(self, which: str, operands: tuple[Op, ...], truth: bool = False) -> Flag:
        """`and`/`or` over conditions; a later operand is evaluated only where the earlier ones let it.
        With `truth`, over any operands, as their truth (the value is then only tested)."""
        values = [self.condition(operand) if truth else self.lower(operand) for operand in operands]
        if not all(isinstance(v, Flag) for v in values):
            raise not_covered(f"`{which}` over values that are not conditions", f"对非条件值使用 `{which}`", self.name)
        flags: list[Flag] = values  # type: ignore[assignment]
        reached = pl.lit(True)
        zero = None
        for flag in flags:
            zero = either(zero, only_when(reached, flag.zero))
            reached = reached & (flag.expr if which == "and" else ~flag.expr)
        combined = reduce(lambda x, y: x & y if which == "and" else x | y, (f.expr for f in flags))
        return Flag(combined, zero)

    def compare(self, left: Op, ops: tuple[Cmp, ...], rights: tuple[Op, ...]) -> Flag:
        """A chain `a < b <= c`: each later comparison only where the earlier ones held."""
        a = self.lower(left)
        holds = pl.lit(True)
        zero = a.zero
        for cmp, right in zip(ops, rights, strict=True):
            if cmp in (Cmp.IN, Cmp.NOT_IN):
                found = self.membership(a, right, cmp)
                b = None
            else:
                b = self.lower(right)
                zero = either(zero, only_when(holds, b.zero))
                found = self.pair(a, cmp, b)
            holds = holds & found
            if b is not None:
                a = b
        return Flag(holds, zero)

    def membership(self, a: Value, right: Op, cmp: Cmp) -> pl.Expr:
        """`role in ('agent', 'supervisor')`: the list is the policy's ids, as a constant or items."""
        if isinstance(right, Const) and isinstance(right.value, tuple):
            listed: tuple = right.value
        elif isinstance(right, Items) and all(isinstance(i, Const) for i in right.items):
            listed = tuple(i.value for i in right.items)  # type: ignore[union-attr]
        else:
            listed = (None,)
        if not isinstance(a, Text) or not all(isinstance(v, str) for v in listed):
            raise not_covered(f"`{cmp.value}` over values that are not ids", f"对非标识值使用 `{cmp.value}`",
                              self.name)
        found = a.expr.is_in(list(listed)).fill_null(False)  # none is in no list (a blank choice, S4)
        return found if cmp is Cmp.IN else ~found

    def pair(self, a: Value, cmp: Cmp, b: Value) -> pl.Expr:
        if isinstance(a, Text) and isinstance(b, Text) and cmp in (Cmp.EQ, Cmp.NE):
            return a.expr.eq_missing(b.expr) if cmp is Cmp.EQ else a.expr.ne_missing(b.expr)
        if isinstance(a, Flag) and isinstance(b, Flag) and cmp in (Cmp.EQ, Cmp.NE):
            return a.expr == b.expr if cmp is Cmp.EQ else a.expr != b.expr
        if not isinstance(a, Fixed | Ratio) or not isinstance(b, Fixed | Ratio):
            raise not_covered(f"`{cmp.value}` between values of different kinds", f"不同类型的值之间的 `{cmp.value}`",
                              self.name)
        sign, unsure = difference_sign(a, b, self.name)
        self.mark(unsure)
        return {Cmp.EQ: sign == 0, Cmp.NE: sign != 0, Cmp.LT: sign < 0, Cmp.LE: sign <= 0, Cmp.GT: sign > 0,
                Cmp.GE: sign >= 0}[cmp]

    def step_bonus(self, x: Number, start: Decimal, every: Decimal, first: Op, then: Op,
                   cap: Decimal | None) -> Number:
        """S4.2's ladder as engine.policy.runtime.step_bonus computes it: nothing below `start`, else
        `first` plus `then` for each whole `every` beyond it (Decimal's 28-digit quotient floored: a
        quotient on a whole number that 28 digits only approach is the Decimal code's), at most `cap`."""
        sign, unsure = difference_sign(x, const(start), self.name)  # type: ignore[arg-type]
        self.mark(unsure)
        below = sign < 0

        def ladder() -> Number:
            beyond = add(x, const(start), self.name, -1)  # type: ignore[arg-type]
            every_ = const(every)
            quotient = exact_quotient(beyond, every_, self.name) or divide(beyond, every_, self.name)  # type: ignore
            steps, unsure = rounded(quotient, 0, "ROUND_FLOOR", self.name)
            self.mark(unsure)
            # to_integral_value keeps a positive exponent (2E+1): the steps' places are not known.
            steps = replace(steps, exp=False)
            amount = add(self.number(first), multiply(self.number(then), steps, self.name), self.name)
            if cap is None:
                return amount
            above, unsure = difference_sign(amount, const(cap), self.name)  # type: ignore[arg-type]
            self.mark(unsure)
            return choose(above > 0, const(cap), amount, self.name)  # type: ignore[return-value]

        found = self.reached(~below, ladder)
        zero = either(x.zero, only_when(~below, found.zero))
        return replace(choose(below, const(Decimal(0)), found, self.name), zero=zero)  # type: ignore[return-value]

    @staticmethod
    def number_of(x: Number) -> pl.Expr:
        return x.expr if isinstance(x, Fixed) else x.num

    def marginal(self, bounds: tuple[Decimal, ...], rates: tuple[Decimal, ...], base: Number, on: Number) -> Parts:
        """engine.policy.runtime.marginal's slices: with `on` ≤ 0 the first rate on all of `base`; else
        for each tier base × share / on × rate where the part of [0, on] in the tier is not empty."""
        if not all(b.is_finite() for b in bounds):
            raise not_covered("marginal tiers with an open bound", "含开放边界的超额累进档位", self.name)
        sign, unsure = difference_sign(on, const(Decimal(0)), self.name)  # type: ignore[arg-type]
        self.mark(unsure)
        nothing = sign <= 0
        zero = const(Decimal(0))
        slices: list[Number] = []
        zeros = either(base.zero, on.zero)
        for index, rate in enumerate(rates):
            low = const(bounds[index])
            high = const(bounds[index + 1]) if index + 1 < len(bounds) else None

            def tier(low: Value = low, high: Value | None = high, rate: Decimal = rate) -> Value:
                top: Number = on
                if high is not None:
                    below, unsure = difference_sign(on, high, self.name)  # type: ignore[arg-type]
                    self.mark(unsure)
                    top = choose(below < 0, on, high, self.name)  # type: ignore[assignment]
                above, unsure = difference_sign(top, low, self.name)  # type: ignore[arg-type]
                self.mark(unsure)
                inside = above > 0

                def part() -> Value:
                    share = add(top, low, self.name, -1)  # type: ignore[arg-type]
                    return multiply(divide(multiply(base, share, self.name), on, self.name), const(rate),
                                    self.name)  # type: ignore[arg-type]

                found = self.reached(inside, part)
                return replace(choose(inside, found, zero, self.name), zero=only_when(inside, found.zero))

            found = self.reached(~nothing, tier)
            zeros = either(zeros, only_when(~nothing, found.zero))
            first = multiply(base, const(rate), self.name) if index == 0 else zero  # type: ignore[arg-type]
            slices.append(choose(nothing, first, found, self.name))  # type: ignore[arg-type]
        return Parts(tuple(slices), zeros)

    def only_if(self, test: Flag, op: Op) -> Value:
        """The value where `test` holds, else none (null): a component's details for the roles it is
        paid to only (S4.1). What it reads is never computed for the others, so nothing there can
        divide by zero or need the Decimal code."""
        found = self.reached(test.expr, op)
        zero = either(test.zero, only_when(test.expr, found.zero))
        if isinstance(found, Parts):
            return Parts(tuple(self.only_if_number(test, item) for item in found.items), zero)
        if isinstance(found, Fixed):
            return replace(found, expr=pl.when(test.expr).then(found.expr), zero=zero,
                           neg=None if found.neg is None else found.neg & test.expr)
        if isinstance(found, Ratio):
            return replace(found, num=pl.when(test.expr).then(found.num), zero=zero,
                           neg=None if found.neg is None else found.neg & test.expr)
        return replace(found, expr=pl.when(test.expr).then(found.expr), zero=zero)

    @staticmethod
    def only_if_number(test: Flag, x: Number) -> Number:
        if isinstance(x, Fixed):
            return replace(x, expr=pl.when(test.expr).then(x.expr))
        return replace(x, num=pl.when(test.expr).then(x.num))

    def call(self, fn: Fn, args: list[Number]) -> Number:
        if fn is Fn.ABS:
            (x,) = args
            if isinstance(x, Fixed):
                return replace(x, expr=x.expr.abs(), const=None if x.const is None else abs(x.const), neg=None)
            return replace(x, num=x.num.abs(), neg=None)
        found = args[0]
        for other in args[1:]:
            # min(a, b) is b only where b < a (max: b > a): Python keeps the first of equals.
            sign, unsure = difference_sign(other, found, self.name)
            self.mark(unsure)
            found = choose(sign < 0 if fn is Fn.MIN else sign > 0, other, found, self.name)
        return replace(found, zero=reduce(either, (a.zero for a in args), None))  # type: ignore[return-value]

    def clamp(self, x: Number, low: Number, high: Number | None) -> Number:
        """`low` where x ≤ low, `high` where x > high, else x (Decimal's, so a −0 becomes `low`)."""
        sign, unsure = difference_sign(x, low, self.name)
        self.mark(unsure)
        found = replace(choose(sign <= 0, low, x, self.name), zero=either(x.zero, low.zero))
        if high is None:
            return found  # type: ignore[return-value]
        above, unsure = difference_sign(x, high, self.name)
        self.mark(unsure)
        zero = either(found.zero, only_when(sign > 0, high.zero))
        held = replace(choose((sign > 0) & (above > 0), high, found, self.name), zero=zero)
        # Held to [low, high]: no larger than the larger bound, whatever x was (the next step's bounds).
        largest = max(magnitude(low), magnitude(high))
        if isinstance(held, Fixed):
            return replace(held, vmax=min(held.vmax, int(largest * 10**held.scale) + 1))
        return replace(held, mag=min(held.mag, largest))  # type: ignore[arg-type]

    def band(self, bounds: tuple[Decimal, ...], x: Number, closed: str) -> Fixed:
        reached: list[pl.Expr] = []
        for bound in bounds:
            if bound.is_infinite():
                reached.append(pl.lit(bound < 0))
                continue
            sign, unsure = difference_sign(x, const(bound), self.name)  # type: ignore[arg-type]
            self.mark(unsure)
            reached.append(sign >= 0 if closed == "left" else sign > 0)
        index = reduce(lambda a, b: a + b, (r.cast(pl.Int64) for r in reached)) - 1
        return Fixed(index, 0, len(bounds), False, x.zero)

    def pick(self, values: tuple[Decimal, ...], index: Number) -> Fixed:
        if not isinstance(index, Fixed) or index.scale:
            raise not_covered("a band's value picked by a number that is not whole", "按非整数选取档位值", self.name)
        picked = [const(v) for v in values]
        if not all(isinstance(p, Fixed) for p in picked):
            raise not_covered("a band's value that is not a number", "非数值的档位值", self.name)
        zero = const(Decimal(0))
        found: Value = zero
        for at in reversed(range(len(picked))):
            found = choose(index.expr == at, picked[at], found, self.name)
        return replace(found, zero=index.zero)  # type: ignore[return-value]

    def lookup(self, table: tuple, key: Op, default: object) -> Fixed:
        """A table's entry for the agent's key; a key with no row (and no default) or no key at all is
        the Decimal code's located error: those rows are unsure."""
        keys = key.items if isinstance(key, Items) else (key,)
        found_keys = [self.lower(k) for k in keys]
        if not all(isinstance(k, Text) for k in found_keys):
            raise not_covered("a table keyed by something that is not an id", "以非标识为键的表", self.name)
        texts: list[Text] = found_keys  # type: ignore[assignment]
        missing = reduce(lambda a, b: a | b, (k.expr.is_null() for k in texts))
        joined = texts[0].expr if len(texts) == 1 else pl.concat_str([k.expr for k in texts], separator="\x00")
        result: Value | None = None if default is None else const(default)
        rows = []
        for row_key, value in table:
            text = row_key if isinstance(row_key, str) else "\x00".join(row_key)
            rows.append(text)
            result = const(value) if result is None else choose(joined == text, const(value), result, self.name)
        if result is None or not isinstance(result, Fixed):
            raise not_covered("a table whose entries are not numbers", "表中有非数值的项", self.name)
        unknown = missing if default is not None else (missing | ~joined.is_in(rows).fill_null(False))
        self.mark(unknown)
        zero = reduce(either, (k.zero for k in texts), None)
        return replace(result, zero=zero)


def choose(where: pl.Expr, a: Value, b: Value, name: str) -> Value:
    """`a` where the condition holds, else `b`, as one kind (numbers at one scale or as fractions)."""
    if isinstance(a, Flag) and isinstance(b, Flag):
        return Flag(pl.when(where).then(a.expr).otherwise(b.expr))
    if isinstance(a, Text) and isinstance(b, Text):
        return Text(pl.when(where).then(a.expr).otherwise(b.expr))
    if isinstance(a, Fixed) and isinstance(b, Fixed):
        scale = max(a.scale, b.scale)
        exp = a.exp and b.exp and a.scale == b.scale
        x, y = rescale(a, scale, name), rescale(b, scale, name)
        pa, pb = places_of(a), places_of(b)
        places = None if exp or pa is None or pb is None else pl.when(where).then(pa).otherwise(pb)
        return Fixed(pl.when(where).then(x.expr).otherwise(y.expr), scale, max(x.vmax, y.vmax), exp,
                     neg=_chosen(where, a.neg, b.neg), places=places)
    if isinstance(a, Fixed | Ratio) and isinstance(b, Fixed | Ratio):
        x, y = as_ratio(a), as_ratio(b)
        exact = None
        if x.exact is not None or y.exact is not None:
            exact = pl.when(where).then(x.exact if x.exact is not None else True).otherwise(
                y.exact if y.exact is not None else True)
        return Ratio(pl.when(where).then(x.num).otherwise(y.num), pl.when(where).then(x.den).otherwise(y.den),
                     max(x.nmax, y.nmax), max(x.dmax, y.dmax), max(x.mag, y.mag), max(error_of(a), error_of(b)),
                     None, exact, max(x.places, y.places), _chosen(where, a.neg, b.neg))
    raise not_covered("a choice between values of different kinds", "在不同类型的值之间选择", name)


def _chosen(where: pl.Expr, a: pl.Expr | None, b: pl.Expr | None) -> pl.Expr | None:
    """The negative zeros of a choice between two values (None: neither has any)."""
    if a is None and b is None:
        return None
    return pl.when(where).then(pl.lit(False) if a is None else a).otherwise(pl.lit(False) if b is None else b)
