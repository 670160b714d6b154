"""The words of a step's formula in Chinese: the compiler writes each formula in both languages.

A policy's own expressions keep their names and numbers in both languages; only the few English
words of the expression language (and, or, not, if, else, min, max, abs) are put in Chinese.
The templates around them (`25 × clamp(…)`, `base pay by grade`) are written by the compiler
itself, from the same data, next to their English form.

Two things are shown as a reader sees the values beside them (`worded`): a bound compared with a
percentage is written as one (`attainment ≥ 150%`, not 1.5, beside an attainment of 149.50%), and
in Chinese an id compared with a role, grade, rating or choice is written as its label
(`rating == “金”`, not 'gold').
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from itertools import pairwise

from engine.policy import names as n
from engine.policy.expr import literal

STATS = {"mean": "平均值", "sum": "合计", "min": "最小值", "max": "最大值", "count": "人数"}
KEYS = {"grade": "等级", "role": "岗位"}
_WORDS = {"and": "且", "or": "或", "not": "非", "if": "如果", "else": "否则", "min": "最小值", "max": "最大值",
          "abs": "绝对值", "True": "是", "False": "否"}
_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r")\b")
# Quoted texts keep their words: the policy's ids ('excellent'), and the labels put for them (“优秀”).
_QUOTED = re.compile(r"('[^']*'|\"[^\"]*\"|“[^”]*”)")


def expression_zh(text: str) -> str:
    """A policy expression with its keywords in Chinese; quoted texts and names unchanged."""
    parts = _QUOTED.split(text)
    return "".join(part if index % 2 else _WORD.sub(lambda m: _WORDS[m.group()], part)
                   for index, part in enumerate(parts))


def term_zh(text: str) -> str:
    """An expression as one term of a sentence: bracketed when it has several parts."""
    shown = expression_zh(text)
    return f"（{shown}）" if " " in shown else shown


def percent_bound(value: Decimal) -> str:
    """A fraction written by the policy as the percentage a reader compares it with: 1.5 → `150%`."""
    text = format(value.scaleb(2), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def compared(tree: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    """(name, what it is compared with) for each comparison of a name in an expression tree, both
    ways round (`1.5 <= attainment` compares attainment with 1.5), chained comparisons pair by pair."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for left, right in pairwise(operands):
            if isinstance(left, ast.Name):
                yield left.id, right
            if isinstance(right, ast.Name):
                yield right.id, left


def worded(text: str, labels: Mapping[str, Mapping[str, str]], is_percent: Callable[[str], bool]) -> tuple[str, str]:
    """An expression as explain writes it (English, Chinese): a number compared with a percentage
    as a percentage, and (in Chinese) an id compared with a choice as its label.

    `labels` maps role, grade, rating and each choice metric to {id: Chinese label}. Anything
    that is not a plain comparison of a name is left as written."""
    expression = n.try_parse(text)
    if expression is None:
        return text, expression_zh(text)
    source = text.strip()
    both: dict[tuple[int, int], str] = {}
    zh_only: dict[tuple[int, int], str] = {}
    for name, other in compared(expression.tree):
        bound = literal(other, source)
        if bound is not None and is_percent(name):
            _span(other, both, f"{'-' if bound < 0 else ''}{percent_bound(abs(bound))}")
        if name in labels:
            for item in other.elts if isinstance(other, ast.Tuple | ast.List) else (other,):
                if isinstance(item, ast.Constant) and isinstance(item.value, str) and item.value in labels[name]:
                    _span(item, zh_only, f"“{labels[name][item.value]}”")
    return _replaced(source, both), expression_zh(_replaced(source, {**both, **zh_only}))


def _span(node: ast.AST, spans: dict[tuple[int, int], str], text: str) -> None:
    """Record `text` for `node`'s place in the (one-line) source, in UTF-8 byte offsets as ast gives them."""
    if node.lineno == node.end_lineno == 1 and node.end_col_offset is not None:
        spans[node.col_offset, node.end_col_offset] = text


def _replaced(source: str, spans: Mapping[tuple[int, int], str]) -> str:
    if not spans:
        return source
    data = source.encode()
    for (start, end), text in sorted(spans.items(), reverse=True):
        data = data[:start] + text.encode() + data[end:]
    return data.decode()
