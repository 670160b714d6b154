"""Outcomes to and from the ledger's text columns, exactly: every Decimal keeps its digits.

A trace is a tuple of Decimals, strings, booleans, ints (band numbers), None and nested tuples. It is stored as its
Python repr (`(Decimal('12.50'), 'A2', True, None)`), which the C implementations write fast
enough for a firm of 10,000 agents a month, and read back by walking the parsed syntax tree:
only tuples, constants and `Decimal('…')` are accepted, so a tampered ledger cannot run code.
`Decimal(str(d))` is `d` digit for digit (exponent included), so re-rendering gives the same bytes.
"""

from __future__ import annotations

import ast
import json
from decimal import Decimal


def pairs_text(pairs: tuple[tuple[str, object], ...]) -> str:
    """(name, Decimal | str) pairs as JSON text with every number as a decimal string."""
    return json.dumps([[k, str(v)] for k, v in pairs], ensure_ascii=False)


def decimal_pairs(text: str) -> tuple[tuple[str, Decimal], ...]:
    return tuple((k, Decimal(v)) for k, v in json.loads(text))


def text_pairs(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((k, v) for k, v in json.loads(text))


def trace_text(trace: tuple | None) -> str:
    return repr(trace)


class BadTrace(ValueError):
    """A stored trace that is not what jixiao writes (the ledger file was edited or damaged)."""


def trace_value(text: str) -> tuple | None:
    """The trace written by `trace_text`, or BadTrace."""
    try:
        node = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError) as exc:
        raise BadTrace(str(exc)) from None
    value = _value(node)
    if value is not None and not isinstance(value, tuple):
        raise BadTrace("a trace is a tuple")
    return value


def _value(node: ast.AST) -> object:
    if isinstance(node, ast.Tuple):
        return tuple(_value(item) for item in node.elts)
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, (bool, int, str))):
        return node.value
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Decimal"
            and len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)):
        try:
            return Decimal(node.args[0].value)
        except ArithmeticError:
            raise BadTrace(f"not a number: {node.args[0].value!r}") from None
    raise BadTrace(f"unexpected {type(node).__name__} in a stored trace")
