"""How texts from files compare: full-width forms, case, spaces, brackets and arrows folded away.

Both the data stage (finding columns) and the check stage (a metric alias must not claim a standard
column's header) ask "do these two headers name the same column?", so the answer lives here, on the
ground floor, where neither has to import the other.
"""

from __future__ import annotations

import re

# Full-width ASCII (FF01-FF5E) maps onto ASCII by a fixed offset; IMEs produce it for digits, %,
# commas and parentheses. The ideographic space and the Unicode minus sign come along too.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0x2212: 0x2D}


def halfwidth(text: str) -> str:
    """`text` with full-width ASCII turned into ASCII, so `１２３４％` reads as `1234%`."""
    return text if text.isascii() else text.translate(_HALFWIDTH)


def fold(text: str) -> str:
    """The form two labels are compared in: stripped, half-width, lower-case."""
    return halfwidth(text).strip().lower()


_UNIT_SUFFIX = re.compile(r"\(([^()]*)\)$")
_ARROWS = re.compile(r"(?:→|=>|—>|–>|-+>)")
_SPACE = re.compile(r"\s+")


def header_key(text: str) -> str:
    """How header texts compare: `首次响应时长（秒)` and `首次响应时长` are the same column.

    Besides case and width, spaces, a trailing bracket (a unit such as `(秒)` or a window such as
    `(8-23点)`) and the spelling of arrows (`->`, `→`, `=>`) do not tell two headers apart.
    """
    key = _SPACE.sub("", fold(text))
    return _ARROWS.sub("->", _UNIT_SUFFIX.sub("", key))


def header_unit(text: str) -> str:
    """The text in a header's trailing bracket, `分` for `平均人工响应时长(分)`; '' if none."""
    match = _UNIT_SUFFIX.search(_SPACE.sub("", fold(text)))
    return match[1] if match else ""
