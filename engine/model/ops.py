"""The plan IR: what each step computes, as a tree of operations every back-end reads.

A step's `op` is one of the node types below; the tree is all there is to know about its value.
What the step reads (`reads_of`), and so its phase, follows from the tree; the Python code generator
(engine.policy.codegen) writes it as one line of straight-line code, the reference interpreter
(engine.run.interpret) evaluates it directly, and `jixiao plan` prints it (`show`). Values are
Decimals, texts (ids), booleans, None (a detail not computed for the agent) and tuples.

    Const, Ref, Input, Taken, Rescued     leaves: a constant, another step, an input, a population value
    Binary, Unary, Plus, Logic, Compare,  the policy's expression language, node for node
      Items, IfElse, Call, Truth
    Quantize, Clamp                       rounding to a quantum by a declared mode; holding to [low, high]
    Band, Pick, Lookup                    band and tier look-ups; a table by one key or two (role, grade, rating …)
    StepBonus, Marginal, SumOf            a step bonus's ladder (S4.2); marginal commission slices
    OnlyIf, Rescue                        guards: a detail paid to some roles only; on_zero_division

The node types import nothing of the engine, so every stage can read a plan's IR.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from engine.model.blocks import Block


class Arith(StrEnum):
    ADD = "+"
    SUB = "-"
    MUL = "*"
    DIV = "/"
    FLOORDIV = "//"
    MOD = "%"
    POW = "**"  # bounded like simpleeval's (engine.policy.expr.safe_pow)


class Sign(StrEnum):
    NEG = "-"
    POS = "+"
    NOT = "not"


class Cmp(StrEnum):
    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    IN = "in"
    NOT_IN = "not in"


class Fn(StrEnum):
    MIN = "min"
    MAX = "max"
    ABS = "abs"


@dataclass(frozen=True, slots=True)
class Const:
    value: object  # a Decimal, a text, True/False, None, or a tuple of them


@dataclass(frozen=True, slots=True)
class Ref:
    """The value of another step."""

    slot: int


@dataclass(frozen=True, slots=True)
class Input:
    """A value given with the agent's month (a metric, a window value, a clause's count, the role …)."""

    block: Block  # the input block that fills it
    name: str


@dataclass(frozen=True, slots=True)
class Taken:
    """A value taken over many agents (a ranking's place, a team's sum) from each agent's `over`
    steps, between two phases of the per-agent code: it is known one phase after the latest of them."""

    population: str
    over: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Binary:
    op: Arith
    left: Op
    right: Op


@dataclass(frozen=True, slots=True)
class Unary:
    op: Sign
    operand: Op


@dataclass(frozen=True, slots=True)
class Plus:
    """`a + b + c`, added left to right; 0 when there is nothing to add."""

    terms: tuple[Op, ...]


@dataclass(frozen=True, slots=True)
class Logic:
    """`a and b`, `a or b`: Python's, giving the operand that decided (not a boolean)."""

    op: str  # and | or
    values: tuple[Op, ...]


@dataclass(frozen=True, slots=True)
class Compare:
    """A chain of comparisons, `low <= x < high`: each operand read once, false at the first that fails."""

    left: Op
    ops: tuple[Cmp, ...]
    rights: tuple[Op, ...]


@dataclass(frozen=True, slots=True)
class Items:
    """The texts or values a value is looked for in (`role in ('agent', 'supervisor')`)."""

    items: tuple[Op, ...]


@dataclass(frozen=True, slots=True)
class IfElse:
    test: Op
    then: Op
    otherwise: Op


@dataclass(frozen=True, slots=True)
class Call:
    fn: Fn
    args: tuple[Op, ...]


@dataclass(frozen=True, slots=True)
class Truth:
    """Whether a value is true (a condition's step holds True or False, never the operand)."""

    value: Op


@dataclass(frozen=True, slots=True)
class Quantize:
    """A value rounded to a quantum (0.01) by a mode (`ROUND_HALF_UP` …), as the policy declares."""

    value: Op
    quantum: Decimal
    rounding: str


@dataclass(frozen=True, slots=True)
class Clamp:
    """`low` if the value is at or below it (a -0 becomes `low`), `high` if above it, else the value."""

    value: Op
    low: Op
    high: Op | None = None


@dataclass(frozen=True, slots=True)
class Band:
    """The index of the band holding a value: -1 below the first; `closed` left is [from, to), right (from, to]."""

    bounds: tuple[Decimal, ...]
    value: Op
    closed: str


@dataclass(frozen=True, slots=True)
class Pick:
    """`values[index]`, or 0 when the index is outside them (a value below the first band)."""

    values: tuple[Decimal, ...]
    index: Op


@dataclass(frozen=True, slots=True)
class Lookup:
    """A table's entry for the agent's key (role, grade, rating, a choice) or pair of keys (`key` an
    `Items` of two, the table's keys pairs of ids); an entry not listed is `default`, else an error
    naming the key and the rows; an agent without a key value is always an error, never the default."""

    table: tuple[tuple[str | tuple[str, ...], object], ...]
    key: Op
    what: str | tuple[str, ...]  # the key's name (role, grade, rating, a choice metric), or both names
    default: object = None


@dataclass(frozen=True, slots=True)
class StepBonus:
    """S4.2's ladder: `first` at `start`, plus `then` for each further whole `every`, at most `cap`.
    `first` and `then` are constants, or another step's value (an amount by role, S4.4/S4.5)."""

    value: Op
    start: Decimal
    every: Decimal
    first: Op
    then: Op
    cap: Decimal | None


@dataclass(frozen=True, slots=True)
class Marginal:
    """A marginal commission's slices of `base`, one per tier of `on` (engine.policy.runtime.marginal)."""

    bounds: tuple[Decimal, ...]
    rates: tuple[Decimal, ...]
    base: Op
    on: Op


@dataclass(frozen=True, slots=True)
class SumOf:
    """The sum of a tuple of values (a marginal commission's slices)."""

    value: Op


@dataclass(frozen=True, slots=True)
class OnlyIf:
    """The value when `test` holds, else None: a component's details for the roles it is paid to only."""

    test: Op
    value: Op


@dataclass(frozen=True, slots=True)
class Rescue:
    """The value, or `fallback` when computing it divides by zero (`on_zero_division:`)."""

    value: Op
    fallback: Decimal


@dataclass(frozen=True, slots=True)
class Rescued:
    """Whether the `Rescue` of step `slot` took its fallback."""

    slot: int


Op = (Const | Ref | Input | Taken | Binary | Unary | Plus | Logic | Compare | Items | IfElse | Call | Truth | Quantize
      | Clamp | Band | Pick | Lookup | StepBonus | Marginal | SumOf | OnlyIf | Rescue | Rescued)


def operands(op: Op) -> tuple[Op, ...]:
    """The nodes directly under `op`."""
    match op:
        case Binary(left=left, right=right):
            return (left, right)
        case Unary(operand=operand) | Truth(value=operand) | Quantize(value=operand) | Band(value=operand) \
                | Pick(index=operand) | Lookup(key=operand) | SumOf(value=operand) | Rescue(value=operand):
            return (operand,)
        case StepBonus(value=value, first=first, then=then):
            return (value, first, then)
        case Plus(terms=parts) | Logic(values=parts) | Items(items=parts) | Call(args=parts):
            return parts
        case Compare(left=left, rights=rights):
            return (left, *rights)
        case IfElse(test=test, then=then, otherwise=otherwise):
            return (test, then, otherwise)
        case Clamp(value=value, low=low, high=high):
            return (value, low) if high is None else (value, low, high)
        case Marginal(base=base, on=on):
            return (base, on)
        case OnlyIf(test=test, value=value):
            return (test, value)
    return ()


def walk(op: Op) -> Iterator[Op]:
    """`op` and every node under it, parents first."""
    stack = [op]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(operands(node)))


def reads_of(op: Op | None) -> tuple[int, ...]:
    """The steps `op` reads, in order of first use: what it depends on (a population value depends on
    the steps it is taken over)."""
    if op is None:
        return ()
    found: dict[int, None] = {}
    for node in walk(op):
        if isinstance(node, Ref | Rescued):
            found[node.slot] = None
        elif isinstance(node, Taken):
            found.update(dict.fromkeys(node.over))
    return tuple(found)
