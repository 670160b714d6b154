"""The words of a step's formula in Chinese: the compiler writes each formula in both languages.

A policy's own expressions keep their names and numbers in both languages; only the few English
words of the expression language (and, or, not, if, else, min, max, abs) are put in Chinese.
The templates around them (`25 × clamp(…)`, `base pay by grade`) are written by the compiler
itself, from the same data, next to their English form.
"""

from __future__ import annotations

import re

STATS = {"mean": "平均值", "sum": "合计", "min": "最小值", "max": "最大值", "count": "人数"}
KEYS = {"grade": "等级", "role": "岗位"}
_WORDS = {"and": "且", "or": "或", "not": "非", "if": "如果", "else": "否则", "min": "最小值", "max": "最大值",
          "abs": "绝对值", "True": "是", "False": "否"}
_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r")\b")
_QUOTED = re.compile(r"('[^']*'|\"[^\"]*\")")


def expression_zh(text: str) -> str:
    """A policy expression with its keywords in Chinese; quoted texts and names unchanged."""
    parts = _QUOTED.split(text)
    return "".join(part if index % 2 else _WORD.sub(lambda m: _WORDS[m.group()], part)
                   for index, part in enumerate(parts))


def term_zh(text: str) -> str:
    """An expression as one term of a sentence: bracketed when it has several parts."""
    shown = expression_zh(text)
    return f"（{shown}）" if " " in shown else shown
