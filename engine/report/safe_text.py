"""Text from policies and data files made safe where it lands: a terminal or a spreadsheet.

Cell text is untrusted. On a terminal, an ESC or a bidi override in an agent's name could move
the cursor, recolour or hide lines, so what is shown there has every control character written
as a visible escape (`\\x1b`). In a spreadsheet, a cell starting with `=`, `+`, `-` or `@` can run
as a formula (`=HYPERLINK(...)`), so CSV text cells get OWASP's leading `'` and XLSX text cells are
written as strings that Excel never evaluates. Files otherwise keep the data as it was.
"""

from __future__ import annotations

import re

# C0 controls (tab and newline too: one shown line must stay one line), DEL, C1 controls, and the
# bidi embeddings, overrides and isolates that reorder what a terminal shows.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# JSON may carry these raw (json escapes only below 0x20); written as \\u escapes they are the
# same JSON data and cannot act on a terminal that shows it.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """One line as a terminal should show it: control and bidi characters as visible escapes."""
    return _CONTROL.sub(_escape, text)


def for_csv(text: str) -> str:
    """A CSV text cell that no spreadsheet runs as a formula (OWASP: prefix a `'`)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def json_safe(text: str) -> str:
    """JSON text with DEL, C1 and bidi characters as `\\u` escapes: the same data, inert on screen."""
    # isascii() is O(1), a flag of the str; DEL is the one unsafe character it admits.
    if (text.isascii() and "\x7f" not in text) or _JSON_UNSAFE.search(text) is None:
        return text
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
