"""Helpers the compiled plan calls at evaluation time: lookups, step bonuses, marginal tiers, bands.

They live apart from `compile` because they run once per agent-month, on the hot path, and must
stay small and exact (Decimal in, Decimal out).
"""

from __future__ import annotations

import decimal
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal, DivisionUndefined

from engine.diagnostics import NOUNS, Code, Phrase, Problem, problem
from engine.policy.expr import RUNTIME

ZERO = Decimal(0)
ONE = Decimal(1)
# One fixed context, whatever the caller's: results must not depend on global decimal state. Check
# folds constants in it too, so a constant that validates computes the same at evaluation.
CONTEXT = decimal.Context(
    prec=28,
    rounding=decimal.ROUND_HALF_EVEN,
    Emax=999_999,
    Emin=-999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
ROUNDING = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN, "up": ROUND_UP}


class LookupFailed(ValueError):
    """A pay table has no entry for the agent's grade or role (JX406, JX407); `zh` says it in Chinese."""

    def __init__(self, found: Problem):
        super().__init__(found.message("en"))
        self.zh = found.message("zh")
        self.code = found.code



def lookup(table: Mapping, key: str | tuple | None, what: str | tuple[str, ...], default: object = None) -> object:
    """`table[key]` (a key is one id, or a pair for a table by two keys); else `default` when the table
    declares one; else an error that names the key and the rows the table has. An agent with no value
    for a key (no role in the roster, a blank choice) is an error whatever the default."""
    try:
        return table[key]
    except KeyError:
        pass
    keys, names = (key, what) if isinstance(what, tuple) else ((key,), (what,))
    for name, value in zip(names, keys, strict=True):
        if value is None:
            noun = NOUNS.get(name, Phrase(name, name))
            kind = "" if name in ("role", "grade") else "blank"
            raise LookupFailed(problem(Code.JX406, (), kind, key=name, noun=noun))
    if default is not None:
        return default
    if not isinstance(what, tuple):
        noun = NOUNS.get(what, Phrase(what, what))
        raise LookupFailed(problem(Code.JX407, key=what, noun=noun, value=key, options=list(table)))
    nouns = [NOUNS.get(name, Phrase(name, name)) for name in what]
    noun = Phrase(" × ".join(p.en for p in nouns), " × ".join(p.zh for p in nouns))
    raise LookupFailed(problem(Code.JX407, key=" × ".join(what), noun=noun, value=" × ".join(keys),
                               options=[" × ".join(row) for row in table]))


def step_bonus(value: Decimal, start: Decimal, every: Decimal, first: Decimal,
               then: Decimal, cap: Decimal | None) -> Decimal:
    """S4.2's ladder: `first` at `start`, plus `then` for each further whole `every`, capped."""
    if value < start:
        return ZERO
    steps = ((value - start) / every).to_integral_value(rounding=ROUND_FLOOR)
    amount = first + then * steps
    return amount if cap is None or amount <= cap else cap


def marginal(bounds: Sequence[Decimal], rates: Sequence[Decimal], base: Decimal,
             on: Decimal) -> tuple[Decimal, ...]:
    """Slices of `base`, one per tier, each at its tier's rate: the part of `on` inside the tier.

    `base` is split in proportion to how much of [0, on] falls in each tier, so with
    `base = sales` and `on = sales / target` each slice is the sales between two multiples of
    the target. With `on <= 0` nothing is split and the first tier's rate applies to all.
    """
    if on <= ZERO:
        return (base * rates[0],) + (ZERO,) * (len(rates) - 1)
    slices = []
    for index, rate in enumerate(rates):
        low = bounds[index]
        high = bounds[index + 1] if index + 1 < len(bounds) else None
        top = on if high is None or on < high else high
        share = top - low if top > low else ZERO
        slices.append(base * share / on * rate if share else ZERO)
    return tuple(slices)


def zero_division(exc: BaseException) -> bool:
    """Whether `exc` is a division by zero: x/0 raises DivisionByZero, but 0/0 raises
    InvalidOperation([DivisionUndefined]) under the C decimal module, not a ZeroDivisionError."""
    if isinstance(exc, ZeroDivisionError):
        return True
    signals = exc.args[0] if exc.args and isinstance(exc.args[0], list) else ()
    return DivisionUndefined in signals


GLOBALS = dict(
    RUNTIME,
    _0=ZERO,
    _1=ONE,
    _sum=sum,
    _bisect_right=bisect_right,  # a [from, to) band's index is bisect_right(bounds, value) - 1
    _bisect_left=bisect_left,  # a (from, to] band's: a value equal to a bound belongs below it
    _lookup=lookup,
    _step=step_bonus,
    _marginal=marginal,
    _zero_division=zero_division,
    _Arithmetic=ArithmeticError,
)
