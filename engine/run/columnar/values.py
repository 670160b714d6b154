"""The values of the columnar back-end: whole numbers and exact fractions, and how far the Decimal
path's value may be from them.

The Decimal back-ends compute in a 28-digit context (engine.policy.runtime.CONTEXT): a sum or a
product of numbers read from a file is exact, a division that does not end is rounded to 28 digits.
Here a number is either `Fixed`, a whole number at a scale, always exactly the Decimal path's value
(with the same exponent when `exp` says so, which the text of a result needs), or a `Ratio`, the
exact fraction num/den, which the Decimal path's value differs from by at most `error`.

An exact fraction and its 28-digit neighbour can only lead to different results where the policy
compares or rounds: where the fraction lies closer to a threshold (a band's edge, a rounding tie)
than `error`. A fraction n/d that is not on a threshold with few places lies at least 1/(d·10**k)
from it; so each comparison or rounding checks once, for the whole month, that `error` is below
that distance (else the month is `NotCovered`), and marks the rows that lie exactly on a threshold
as unsure: those rows, and only those, are computed by the Decimal code (engine.run.columnar.evaluate).
No float is ever involved, and 64-bit overflow is ruled out before each operation from the largest
values the month holds.

A whole number has no sign when it is zero, a Decimal has: `0 × −3`, `0 / −3`, `−0 − 0` and a
negative value rounded to zero (`−0.004` → `−0.00`) are negative zeros in the Decimal path. Each
value says in which rows it is one (`neg`), so that a result that would be `−0.00` is never given
as `0.00` (engine.run.columnar.evaluate hands such rows to the Decimal code, which refuses them).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

import polars as pl

from engine.model.frames import NotCovered

INT_MAX = 2**63 - 1
# Half a unit in the 28th digit, relative to the value: the most a 28-digit rounding moves a value.
ROUNDING = Fraction(5, 10**28)


@dataclass(frozen=True, slots=True)
class Fixed:
    """A number held exactly as `expr × 10**-scale` (Int64); `vmax` bounds |expr| over the month;
    `exp`: the Decimal path's value has exponent -scale in every row (its text has `scale` places)."""

    expr: pl.Expr
    scale: int
    vmax: int
    exp: bool
    zero: pl.Expr | None = None  # rows where computing it divided by zero (None: none can)
    vmin: int = 1  # bounds |expr| from below where it is not zero (a divisor's least size)
    const: Decimal | None = None  # the value, when it is the policy's constant
    neg: pl.Expr | None = None  # rows where the Decimal path's value is a negative zero (None: no row)
    # Where `exp` is false: the places of the Decimal path's value in each row (its exponent negated,
    # at most `scale`), when they are known (an exact division's: 7.5 and 30 of one KPI); else None.
    places: pl.Expr | None = None


@dataclass(frozen=True, slots=True)
class Ratio:
    """The exact fraction num/den (den > 0, Int64), |num| ≤ nmax, den ≤ dmax, |value| ≤ mag. In the rows
    of `exact` (None: every row) the Decimal path's value is exactly this fraction, which has at most
    `places` decimal places there; in the others it is within `error` of it."""

    num: pl.Expr
    den: pl.Expr
    nmax: int
    dmax: int
    mag: Fraction
    error: Fraction
    zero: pl.Expr | None
    exact: pl.Expr | None
    places: int
    neg: pl.Expr | None = None  # rows where the Decimal path's value is a negative zero (None: no row)


@dataclass(frozen=True, slots=True)
class Flag:
    expr: pl.Expr
    zero: pl.Expr | None = None


@dataclass(frozen=True, slots=True)
class Text:
    """An id (role, grade, rating, a choice); null where the agent has none."""

    expr: pl.Expr
    zero: pl.Expr | None = None


@dataclass(frozen=True, slots=True)
class Parts:
    """A tuple of numbers, each a value of its own: a marginal commission's slices (summed by SumOf)."""

    items: tuple[Fixed | Ratio, ...]
    zero: pl.Expr | None = None


Number = Fixed | Ratio
Value = Fixed | Ratio | Flag | Text | Parts


def too_large(what: str) -> NotCovered:
    return NotCovered(f"a value of {what} could exceed 64-bit whole numbers this month",
                      f"本月{what}的数值可能超出64位整数范围")


def checked(value: int, what: str) -> int:
    """`value` when it fits in 64 bits, else the month is not covered."""
    if value > INT_MAX:
        raise too_large(what)
    return value


def either(a: pl.Expr | None, b: pl.Expr | None) -> pl.Expr | None:
    if a is None:
        return b
    return a if b is None else a | b


def only_when(reached: pl.Expr, zero: pl.Expr | None) -> pl.Expr | None:
    """A division by zero counts only in the rows where the operand is evaluated at all."""
    return None if zero is None else reached & zero


def const(value: object) -> Value:
    """A constant of the plan as a column value."""
    if isinstance(value, bool):
        return Flag(pl.lit(value))
    if isinstance(value, str):
        return Text(pl.lit(value, dtype=pl.String))
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, Decimal) and value.is_finite():
        sign, digits, exponent = value.as_tuple()
        whole = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
        if exponent > 0:
            return Fixed(pl.lit(checked(abs(whole) * 10**exponent, "a constant") * (-1 if sign else 1),
                                dtype=pl.Int64), 0, abs(whole) * 10**exponent, False)
        return Fixed(pl.lit(checked(abs(whole), "a constant") * (-1 if sign else 1), dtype=pl.Int64),
                     -exponent, abs(whole), True, None, max(abs(whole), 1), value,
                     pl.lit(True) if sign and not whole else None)
    raise NotCovered(f"the constant {value!r}", f"常量 {value!r}")


def negative(x: Number) -> pl.Expr:
    """Rows where the Decimal path's value has a minus sign (a negative zero included); rounding to 28
    digits never changes a sign."""
    below = x.expr < 0 if isinstance(x, Fixed) else x.num < 0
    return below if x.neg is None else below | x.neg


def zero_of(x: Number) -> pl.Expr:
    return x.expr == 0 if isinstance(x, Fixed) else x.num == 0


def signed_zero(x: Number, a: Number, b: Number) -> pl.Expr:
    """Rows where a product or quotient `x` of `a` and `b` is a negative zero: zero, the signs differing."""
    return zero_of(x) & (negative(a) ^ negative(b))


def places_of(x: Fixed) -> pl.Expr | None:
    """The places of the Decimal path's value in each row (None: not known)."""
    return pl.lit(x.scale, dtype=pl.Int64) if x.exp else x.places


def _joined(a: Fixed, b: Fixed, how) -> pl.Expr | None:
    """Per-row places of a sum (the larger) or a product (their sum), where both operands' are known."""
    pa, pb = places_of(a), places_of(b)
    return None if pa is None or pb is None else how(pa, pb)


def magnitude(x: Number) -> Fraction:
    return Fraction(x.vmax, 10**x.scale) if isinstance(x, Fixed) else x.mag


def error_of(x: Number) -> Fraction:
    """How far the Decimal path's value may be from the exact one (0 where it is exact in every row)."""
    return Fraction(0) if isinstance(x, Fixed) or x.exact is None else x.error


def smallest(x: Number) -> Fraction:
    """The smallest magnitude a value other than zero can have."""
    return Fraction(max(x.vmin, 1), 10**x.scale) if isinstance(x, Fixed) else Fraction(1, x.dmax)


def as_ratio(x: Number) -> Ratio:
    if isinstance(x, Ratio):
        return x
    scale = 10**x.scale
    return Ratio(x.expr, pl.lit(scale, dtype=pl.Int64), x.vmax, scale, Fraction(x.vmax, scale), Fraction(0), x.zero,
                 None, x.scale, x.neg)


def both(a: pl.Expr | None, b: pl.Expr | None) -> pl.Expr | None:
    """Rows exact in both (None: every row)."""
    if a is None:
        return b
    return a if b is None else a & b


def fits(exact: pl.Expr | None, places: int, mag: Fraction) -> pl.Expr | None:
    """The rows whose exact value Decimal holds in 28 digits (its places and its whole digits); None:
    every row."""
    if places + len(str(int(mag))) <= 28:
        return exact
    return pl.lit(False)


def terminates(num: pl.Expr, den: pl.Expr, dmax: int) -> pl.Expr:
    """Rows where num/den ends within 18 places, den | num·10**18, tested as
    (|num| mod den)·(10**18 mod den) ≡ 0 (mod den), whose product stays below den² < 2**63."""
    if dmax >= 3_037_000_499:  # den² could exceed 64 bits: no row is vouched for
        return pl.lit(False)
    return (((num.abs() % den) * (10**18 % den)) % den) == 0


def ending(divisor: Decimal) -> int | None:
    """The places 1/divisor adds to a quotient when it ends for every dividend (a divisor whose
    digits have no prime factor but 2 and 5: 0.5, 8, −40), None when it may not (0.3)."""
    digits = abs(divisor.scaleb(-divisor.as_tuple().exponent))  # type: ignore[operator]
    whole = int(digits)
    twos = fives = 0
    while whole and whole % 2 == 0:
        whole //= 2
        twos += 1
    while whole and whole % 5 == 0:
        whole //= 5
        fives += 1
    return max(twos, fives) if whole == 1 else None


def rescale(x: Fixed, scale: int, what: str) -> Fixed:
    """`x` at a larger scale (the same value, more places)."""
    if scale == x.scale:
        return x
    factor = 10 ** (scale - x.scale)
    return Fixed(x.expr * factor, scale, checked(x.vmax * factor, what), False, x.zero, neg=x.neg,
                 places=places_of(x))


def add(a: Number, b: Number, what: str, sign: int = 1) -> Number:
    """a + b (sign 1) or a − b (sign −1)."""
    zero = either(a.zero, b.zero)
    # Two zeros add to a negative zero only when both are negative (b's sign flipped to subtract it).
    if a.neg is None:
        neg = None
    elif sign > 0:
        neg = None if b.neg is None else a.neg & b.neg
    else:
        neg = a.neg & zero_of(b) & (pl.lit(True) if b.neg is None else ~b.neg)
    if isinstance(a, Fixed) and isinstance(b, Fixed):
        scale = max(a.scale, b.scale)
        x, y = rescale(a, scale, what), rescale(b, scale, what)
        # Decimal's sum has the smaller exponent of the two: the sum's scale whenever an operand has it in
        # every row (a loss of varying places plus a deduction in fen is in fen).
        exp = (a.exp and a.scale == scale) or (b.exp and b.scale == scale)
        vmax = checked(x.vmax + y.vmax, what)
        return Fixed(x.expr + y.expr if sign > 0 else x.expr - y.expr, scale, vmax, exp, zero, neg=neg,
                     places=None if exp else _joined(a, b, lambda p, q: pl.max_horizontal(p, q)))
    x, y = as_ratio(a), as_ratio(b)
    nmax = checked(x.nmax * y.dmax + y.nmax * x.dmax, what)
    dmax = checked(x.dmax * y.dmax, what)
    num = x.num * y.den + y.num * x.den if sign > 0 else x.num * y.den - y.num * x.den
    mag = x.mag + y.mag
    places = max(x.places, y.places)
    return Ratio(num, x.den * y.den, nmax, dmax, mag, error_of(x) + error_of(y) + ROUNDING * mag, zero,
                 fits(both(x.exact, y.exact), places, mag), places, neg)


def negate(a: Number) -> Number:
    if isinstance(a, Fixed):
        return replace(a, expr=-a.expr, const=None if a.const is None else -a.const, neg=None)
    return replace(a, num=-a.num, neg=None)  # Decimal's −0 is 0 (outside ROUND_FLOOR)


def multiply(a: Number, b: Number, what: str) -> Number:
    zero = either(a.zero, b.zero)
    if isinstance(a, Fixed) and isinstance(b, Fixed):
        # Exact in Decimal too: 64-bit operands have at most 19 digits, their product at most 38 —
        # more than 28, so the product's own bound is checked against 64 bits, which keeps it at 19.
        product = Fixed(a.expr * b.expr, a.scale + b.scale, checked(a.vmax * b.vmax, what), a.exp and b.exp, zero,
                        places=None if a.exp and b.exp else _joined(a, b, lambda p, q: p + q))
        return replace(product, neg=signed_zero(product, a, b))
    x, y = as_ratio(a), as_ratio(b)
    mag = x.mag * y.mag
    error = x.mag * error_of(y) + y.mag * error_of(x) + error_of(x) * error_of(y) + ROUNDING * mag
    places = x.places + y.places
    product = Ratio(x.num * y.num, x.den * y.den, checked(x.nmax * y.nmax, what), checked(x.dmax * y.dmax, what),
                    mag, error, zero, fits(both(x.exact, y.exact), places, mag), places)
    return replace(product, neg=signed_zero(product, a, b))


def divide(a: Number, b: Number, what: str) -> Ratio:
    """a / b as an exact fraction; the rows where b is zero are its `zero` (the fraction there is
    meaningless: the caller takes the policy's fallback or hands the row to the Decimal code)."""
    if isinstance(a, Fixed) and isinstance(b, Fixed):  # a·10**-s / b·10**-t: only the difference of scales stays
        common = min(a.scale, b.scale)
        a, b = replace(a, scale=a.scale - common), replace(b, scale=b.scale - common, vmin=b.vmin)
    x, y = as_ratio(a), as_ratio(b)
    low = smallest(b)
    if error_of(y) >= low:
        raise NotCovered(f"a division in {what} by a value known only to 28 digits",
                         f"{what}中除以只精确到28位的数")
    is_zero = y.num == 0
    below = y.num < 0
    # (xn/xd) / (yn/yd) = xn·yd / (xd·|yn|), the sign moved to the numerator; a zero divisor as 1.
    magnitude_y = pl.when(is_zero).then(1).otherwise(y.num.abs())
    num = pl.when(below).then(-(x.num * y.den)).otherwise(x.num * y.den)
    mag = x.mag / low
    slack = low - error_of(y)
    error = error_of(x) / slack + x.mag * error_of(y) / (low * slack) + ROUNDING * mag
    den = x.den * magnitude_y
    dmax = checked(x.dmax * max(y.nmax, 1), what)  # a zero divisor counts as 1
    added = None if not isinstance(b, Fixed) or b.const is None or not b.const else ending(b.const)
    if added is None:
        ends, places = terminates(num, den, dmax), 18
    else:  # a constant divisor like 0.5 or −40: every quotient of an exact dividend ends
        ends, places = None, x.places + added
    quotient = Ratio(num, den, checked(x.nmax * y.dmax, what), dmax, mag, error,
                     either(either(a.zero, b.zero), is_zero), fits(both(both(x.exact, y.exact), ends), places, mag),
                     places)
    return replace(quotient, neg=signed_zero(quotient, a, b))


def exact_quotient(a: Number, b: Number, what: str) -> Fixed | None:
    """a / b as a whole number, with the places of Decimal's quotient in each row, where b is a
    constant whose every quotient ends (100, 0.5, 8) and a has the same places in every row; None
    otherwise (the caller divides as fractions).

    Decimal's exact quotient has the ideal exponent exp(a) − exp(b) unless it needs more places: its
    coefficient's trailing zeros are stripped down to the ideal one (750 / 100 is 7.5, 3000 / 100 is
    30). So a = n·10**-s, b = B·10**e give n·(10**k / B) at scale s + e + k (k the places 1/B adds),
    whose places per row are that scale less its trailing zeros, never fewer than s + e."""
    if not isinstance(a, Fixed) or not a.exp or not isinstance(b, Fixed) or b.const is None or not b.const:
        return None
    added = ending(b.const)
    sign, digits, exponent = b.const.as_tuple()
    if added is None or not isinstance(exponent, int) or a.scale + exponent < 0:
        return None
    coefficient = int("".join(map(str, digits)))
    factor = 10**added // coefficient * (-1 if sign else 1)
    value = a.expr * factor
    vmax = checked(a.vmax * abs(factor), what)
    scale, ideal = a.scale + exponent + added, a.scale + exponent
    stripped = [(value % 10**k == 0).cast(pl.Int64) for k in range(1, scale - ideal + 1)]
    places = pl.lit(scale, dtype=pl.Int64) - (pl.sum_horizontal(stripped) if stripped else 0)
    quotient = Fixed(value, scale, vmax, False, a.zero, places=places)
    return replace(quotient, neg=signed_zero(quotient, a, b))


@dataclass(frozen=True, slots=True, eq=False)
class Order:
    """How a − b compares with 0 in each row, as two whole numbers compared (`order < 0` is `left < right`):
    the sign of the difference, without computing it (one comparison per row rather than a subtraction,
    its sign and a comparison). Compared with 0 only."""

    left: pl.Expr
    right: pl.Expr

    def __lt__(self, zero: int) -> pl.Expr:
        return self._with(zero).left < self.right

    def __le__(self, zero: int) -> pl.Expr:
        return self._with(zero).left <= self.right

    def __gt__(self, zero: int) -> pl.Expr:
        return self._with(zero).left > self.right

    def __ge__(self, zero: int) -> pl.Expr:
        return self._with(zero).left >= self.right

    def __eq__(self, zero: object) -> pl.Expr:  # type: ignore[override]
        return self._with(zero).left == self.right

    def __ne__(self, zero: object) -> pl.Expr:  # type: ignore[override]
        return self._with(zero).left != self.right

    def _with(self, zero: object) -> Order:
        if zero != 0:
            raise ValueError("an order is compared with 0 only")
        return self


def difference_sign(a: Number, b: Number, what: str) -> tuple[Order, pl.Expr | None]:
    """The sign of a − b per row (as an `Order`, compared with 0), and the rows where the Decimal path's
    sign may differ from it: where a = b exactly but either is known to Decimal only to 28 digits (None:
    no row). Elsewhere the month's check (`certified`) rules a different sign out."""
    if isinstance(a, Fixed) and isinstance(b, Fixed):
        scale = max(a.scale, b.scale)
        x, y = rescale(a, scale, what), rescale(b, scale, what)
        return Order(x.expr, y.expr), None
    x, y = as_ratio(a), as_ratio(b)
    checked(x.nmax * y.dmax + y.nmax * x.dmax, what)
    # xn/xd − yn/yd has the sign of xn·yd − yn·xd (denominators are positive): the two products compared.
    order = Order(x.num * y.den, y.num * x.den)
    exact = both(x.exact, y.exact)
    if exact is None:
        return order, None
    certified(error_of(x) + error_of(y), Fraction(1, checked(x.dmax * y.dmax, what)), what)
    return order, (order == 0) & ~exact


def certified(error: Fraction, distance: Fraction, what: str) -> None:
    """That the Decimal path's error is below the least distance to a threshold, for the month."""
    if error >= distance:
        raise NotCovered(f"{what}: a value known only to 28 digits may lie on either side of a threshold",
                         f"{what}：只精确到28位的数可能落在阈值两侧")


MODES = ("ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_DOWN", "ROUND_UP", "ROUND_FLOOR")


def rounded(x: Number, scale: int, mode: str, what: str) -> tuple[Fixed, pl.Expr | None]:
    """`x` rounded to `scale` places by a Decimal rounding mode, and the rows that lie exactly on a
    rounding boundary while the Decimal path's value is only near it (None: no row can)."""
    if mode not in MODES:
        raise NotCovered(f"the rounding mode {mode}", f"舍入方式 {mode}")
    if isinstance(x, Fixed) and x.scale <= scale:
        return Fixed(rescale(x, scale, what).expr, scale, checked(x.vmax * 10 ** (scale - x.scale), what), True,
                     x.zero, neg=x.neg), None
    r = as_ratio(x)
    factor = 10**scale
    m = r.num * factor
    checked(r.nmax * factor, what)
    den = r.den
    if mode == "ROUND_FLOOR":
        q = m // den
        boundary = (m % den) == 0
        spacing = Fraction(1, checked(r.dmax * factor, what))
    else:
        whole = m.abs() // den
        rest = m.abs() % den
        twice = rest * 2
        checked(r.dmax * 2, what)
        if mode == "ROUND_HALF_UP":
            up = twice >= den
        elif mode == "ROUND_HALF_EVEN":
            up = (twice > den) | ((twice == den) & (whole % 2 == 1))
        elif mode == "ROUND_UP":
            up = rest > 0
        else:
            up = pl.lit(False)
        q = (whole + up.cast(pl.Int64)) * m.sign()
        boundary = (twice == den) if mode in ("ROUND_HALF_UP", "ROUND_HALF_EVEN") else (rest == 0)
        half = 2 if mode in ("ROUND_HALF_UP", "ROUND_HALF_EVEN") else 1
        spacing = Fraction(1, checked(r.dmax * factor * half, what))
    vmax = checked(int(r.mag * factor) + 1, what)
    unsure = None
    if r.exact is not None:
        certified(r.error, spacing, what)
        unsure = boundary & ~r.exact
    # A negative value rounded to zero is a negative zero (−0.004 → −0.00).
    return Fixed(q, scale, vmax, True, r.zero, neg=(q == 0) & negative(r)), unsure
