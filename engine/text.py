"""How texts from files compare: full-width forms, case, spaces, brackets and arrows folded away.

Both the data stage (finding columns) and the check stage (a metric alias must not claim a standard
column's header) ask "do these two headers name the same column?", so the answer lives here, on the
ground floor, where neither has to import the other. So does "do these two ids name the same agent?"
(`canonical_id`), which the data readers, the ledger and the CLI's `--agent` all ask.
"""

from __future__ import annotations

import re
import unicodedata

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


# Characters that show as nothing: every format character (category Cf: zero-width space, joiners,
# the BOM, the word joiner, the soft hyphen, bidi marks and isolates) and the Hangul fillers, which
# are letters that render blank.
_HANGUL_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")


def _visible(char: str) -> bool:
    return unicodedata.category(char) != "Cf" and char not in _HANGUL_FILLERS


def canonical_id(text: str) -> str:
    """The id an agent (or team) is known by, however the cell spelled it.

    `１００１` typed by a Chinese IME, `1001` with a zero-width space pasted from a chat window, and
    an accented name in NFD (a Mac) or NFC (Windows) each look exactly like `1001` or the name in
    every table; read as different ids they would be paid, and dismissed, as different people.
    Invisible characters go first (so a joiner cannot keep two letters from composing), then NFKC
    (full-width and compatibility forms to their plain ones, one composition), then the spaces
    around. Case is kept: two accounts may differ only in case.
    """
    if text.isascii():  # nearly every id: ASCII holds no format character and is its own NFKC
        return text.strip()
    return unicodedata.normalize("NFKC", "".join(filter(_visible, text))).strip()
