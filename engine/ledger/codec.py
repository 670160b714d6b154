"""Outcomes to and from the ledger's text columns, exactly: every Decimal keeps its digits.

Score, rating and totals have columns of their own (plain decimal text, for SQL and other tools).
The KPI points, pay lines, choices and trace are tuples kept as one text each. A trace is a tuple
of Decimals, strings, booleans, ints (band numbers), None and nested tuples. It is stored as its
Python repr (`(Decimal('12.50'), 'A2', True, None)`), which the C implementations write fast
enough for a firm of 10,000 agents a month, and read back by walking the parsed syntax tree:
only tuples, constants and `Decimal('…')` are accepted, so a tampered ledger cannot run code.
`Decimal(repr)` is the same Decimal digit for digit (exponent included), so re-rendering a
recorded result gives the same bytes.
"""

from __future__ import annotations

import ast
from decimal import Decimal
from functools import lru_cache


def as_text(value: tuple | None) -> str:
    """A tuple of (nested tuples of) Decimals, strings, ints, booleans and None, exactly, as text.

    repr is written in C: for a firm of 10,000 agents it is four times faster than JSON with
    decimal strings, and it keeps each Decimal's exact digits (`Decimal('25.00')`)."""
    return repr(value)


_PLAIN: dict[str, tuple | None] = {"None": None, "()": ()}


class BadTrace(ValueError):
    """A stored value that is not what jixiao writes (the ledger file was edited or damaged)."""


def from_text(text: str) -> tuple | None:
    """The value written by `as_text`, or BadTrace; nothing but literals and Decimal('…') is read."""
    if text in _PLAIN:  # an omitted column: not worth a parse
        return _PLAIN[text]
    if len(text) <= _SHORT:
        return _short(text)
    return _parsed(text)


_SHORT = 200


@lru_cache(maxsize=4096)
def _short(text: str) -> tuple | None:
    """Short texts repeat (a choice column holds a handful of values): parsed once each."""
    return _parsed(text)


def _parsed(text: str) -> tuple | None:
    try:
        node = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError) as exc:
        raise BadTrace(str(exc)) from None
    value = _value(node)
    if value is not None and not isinstance(value, tuple):
        raise BadTrace("a stored value is a tuple")
    return value


def _value(node: ast.AST) -> object:
    if isinstance(node, ast.Tuple):
        return tuple(_value(item) for item in node.elts)
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, (bool, int, str))):
        return node.value
    if (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant)
            and type(node.operand.value) is int):  # a negative int is written as -(1)
        return -node.operand.value
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Decimal"
            and len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)):
        try:
            return Decimal(node.args[0].value)
        except ArithmeticError:
            raise BadTrace(f"not a number: {node.args[0].value!r}") from None
    raise BadTrace(f"unexpected {type(node).__name__} in a stored value")
