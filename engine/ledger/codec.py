"""Outcomes to and from the ledger's text columns, exactly: every Decimal keeps its digits.

Score, rating and totals have columns of their own (plain decimal text, for SQL and other tools),
read back by `number`, which takes only the finite decimal text `str(Decimal)` writes. The KPI
points, pay lines, choices and trace are tuples kept as one text each. A trace is a tuple of
Decimals, strings, booleans, ints (band numbers), None and nested tuples. It is stored as its
Python repr (`(Decimal('12.50'), 'A2', True, None)`), which the C implementations write fast
enough for a firm of 10,000 agents a month, and read back by a small tokenizer for exactly that
subset: tuples, str, int, bool, None and `Decimal('…')`; anything else is refused, so a tampered
ledger cannot run code. The tokenizer builds no syntax tree: reading a trace costs the values it
holds and a stack as deep as its tuples nest, never a parse of its whole text as Python (which took
a hundred times the text's size). `Decimal(repr)` is the same Decimal digit for digit (exponent
included), so re-rendering a recorded result gives the same bytes.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from engine.ledger.store import LedgerError


class Damaged(LedgerError):
    """A stored value that is not what jixiao writes: the ledger file was edited or damaged.

    Whoever knows more adds it: the row (`at`: run, agent, column) and the file (`in_file`). The
    message always ends by saying to restore the ledger from a backup."""

    def __init__(self, en: str, zh: str, where: tuple[str, str] = ("", ""), path: str = ""):
        self.detail, self.zh_detail, self.where, self.path = en, zh, where, path
        head_en, head_zh = (f"{path}: ", f"{path}：") if path else ("", "")
        place_en, place_zh = (f" ({where[0]})", f"（{where[1]}）") if where[0] else ("", "")
        super().__init__(f"{head_en}the ledger is damaged{place_en}: {en}; restore it from a backup",
                         f"{head_zh}账本已损坏{place_zh}：{zh}；请从备份恢复账本")

    def at(self, en: str, zh: str) -> Damaged:
        """The same damage, said to be at `en` / `zh` (the outer place first: run, then agent, then column)."""
        inner_en, inner_zh = self.where
        where = (f"{en}, {inner_en}" if inner_en else en, f"{zh}，{inner_zh}" if inner_zh else zh)
        return Damaged(self.detail, self.zh_detail, where, self.path)

    def in_file(self, path: str) -> Damaged:
        """The same damage, in the ledger file `path` (a file already named stays)."""
        return self if self.path else Damaged(self.detail, self.zh_detail, self.where, path)


def as_text(value: tuple | None) -> str:
    """A tuple of (nested tuples of) Decimals, strings, ints, booleans and None, exactly, as text.

    repr is written in C: for a firm of 10,000 agents it is four times faster than JSON with
    decimal strings, and it keeps each Decimal's exact digits (`Decimal('25.00')`)."""
    return repr(value)


# What str(Decimal) writes for a finite number: digits, an optional fraction, an optional exponent.
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:E[+-]?[0-9]+)?")
_NUMBER_LENGTH = 80  # far beyond any amount, score or count jixiao records


def number(text: object) -> Decimal:
    """A decimal column (a total, a score, an amount) as `str(Decimal)` wrote it, or Damaged."""
    if isinstance(text, str) and len(text) <= _NUMBER_LENGTH and _NUMBER.fullmatch(text):
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers Decimal reads
            value = None
        if value is not None and value.is_finite() and abs(value.adjusted()) <= _NUMBER_LENGTH:
            return value
    shown = repr(text if not isinstance(text, str) or len(text) <= 40 else text[:40] + "…")
    raise Damaged(f"{shown} is not a decimal number", f"{shown} 不是十进制数")


def string(value: object) -> str:
    """A text column as jixiao wrote it (a name, a reason, an id), or Damaged."""
    if isinstance(value, str):
        return value
    raise Damaged(f"{type(value).__name__} where text belongs", f"应为文本，实为 {type(value).__name__}")


_PLAIN: dict[str, tuple | None] = {"None": None, "()": ()}


def from_text(text: object) -> tuple | None:
    """The value written by `as_text`, or Damaged; nothing but literals and Decimal('…') is read."""
    if not isinstance(text, str):
        raise Damaged(f"{type(text).__name__} where a recorded value belongs",
                      f"应为记录的数值，实为 {type(text).__name__}")
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


# One token of what repr writes, or any other single character (`bad`), so that every character of
# the text belongs to exactly one match and nothing is skipped unseen. Strings are matched whole,
# escapes included, in the unrolled form a regex engine runs without backtracking.
_TOKEN = re.compile(r"""
      (?P<open>\()
    | (?P<close>\))
    | (?P<comma>,\ ?)
    | Decimal\('(?P<decimal>[^'\\]*)'\)
    | '(?P<single>[^'\\\n]*(?:\\.[^'\\\n]*)*)'
    | "(?P<double>[^"\\\n]*(?:\\.[^"\\\n]*)*)"
    | (?P<int>-?[0-9]+)
    | (?P<word>True|False|None)
    | (?P<bad>.)
""", re.VERBOSE | re.DOTALL)
_WORDS = {"True": True, "False": False, "None": None}
# The escapes repr writes in a str (and only those): \\ \' \" \n \r \t \xNN \uNNNN \UNNNNNNNN.
_ESCAPE = re.compile(r"\\(?:([\\'\"])|([nrt])|x([0-9a-f]{2})|u([0-9a-f]{4})|U([0-9a-f]{8})|(.?))", re.DOTALL)
_NAMED = {"n": "\n", "r": "\r", "t": "\t"}


def _unescape(body: str) -> str:
    if "\\" not in body:
        return body

    def one(match: re.Match[str]) -> str:
        quote, named, *codes, _ = match.groups()
        if quote:
            return quote
        if named:
            return _NAMED[named]
        code = next((c for c in codes if c), None)
        if code is None or int(code, 16) > 0x10FFFF:
            shown = repr(match.group())
            raise Damaged(f"an escape {shown} jixiao does not write", f"出现了 jixiao 不会写出的转义 {shown}")
        return chr(int(code, 16))

    return _ESCAPE.sub(one, body)


def _scalar(kind: str, value: str) -> object:
    if kind == "decimal":
        try:
            return Decimal(value)
        except InvalidOperation:
            raise Damaged(f"not a number: {value[:40]!r}", f"不是数字：{value[:40]!r}") from None
    if kind == "single" or kind == "double":
        return _unescape(value)
    if kind == "int":
        try:
            return int(value)
        except ValueError:  # more digits than Python converts (sys.int_info.default_max_str_digits)
            raise Damaged("an integer too long to be one jixiao writes", "整数过长，不是 jixiao 写出的值") from None
    return _WORDS[value]


def _parsed(text: str) -> tuple | None:
    """The tuple `text` spells, token by token: a stack of the tuples still open, nothing else.

    The grammar is repr's: `(` items separated by `, ` `)`, a one-item tuple with its trailing
    comma (`(1,)`), the empty tuple `()`. A one-item tuple without the comma (which Python reads
    as its item), a comma nowhere repr writes one, and any other character are refused."""
    open_items: list[list] = []
    items: list | None = None
    done: tuple | None = None
    after_value = after_comma = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if done is not None or kind == "bad":
            where = match.start()
            raise Damaged(f"unexpected {text[where:where + 20]!r} at character {where + 1}",
                          f"第 {where + 1} 个字符处出现意外内容 {text[where:where + 20]!r}")
        if kind == "open":
            if after_value:
                raise _misplaced(match)
            if items is not None:
                open_items.append(items)
            items, after_value, after_comma = [], False, False
        elif kind == "close":
            if items is None or (after_comma and len(items) != 1) or (after_value and len(items) == 1):
                raise _misplaced(match)
            value = tuple(items)
            items = open_items.pop() if open_items else None
            if items is None:
                done = value
            else:
                items.append(value)
            after_value, after_comma = True, False
        elif kind == "comma":
            if not after_value or items is None:
                raise _misplaced(match)
            after_value, after_comma = False, True
        else:
            if after_value or items is None:
                raise _misplaced(match)
            items.append(_scalar(kind, match.group(kind)))
            after_value, after_comma = True, False
    if done is None:
        raise Damaged("a recorded value that ends before its tuples close", "记录的数值在括号闭合前就结束了")
    return done


def _misplaced(match: re.Match[str]) -> Damaged:
    where = match.start()
    return Damaged(f"{match.group().strip() or match.group()!r} misplaced at character {where + 1}",
                   f"第 {where + 1} 个字符处的 {match.group().strip() or match.group()!r} 位置不对")
