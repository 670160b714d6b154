"""Parsers for one table cell: whatever a CSV or XLSX reader hands over, as the exact value we
compute with, or a ValueError saying what was expected and what was found.

Back-office exports write one quantity many ways (`¥1,234.50`, `1分5秒`, `2026年10月`,
full-width digits from a Chinese IME), and XLSX cells arrive already typed (int, float, time,
timedelta, datetime). Every form is accepted here, once, so later stages see only `Decimal` and
`str`. Floats never survive: they become Decimals through their shortest repr.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# Full-width ASCII (FF01-FF5E) maps onto ASCII by a fixed offset; IMEs produce it for digits, %,
# commas and parentheses. The ideographic space and the Unicode minus sign come along too.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0x2212: 0x2D}
_MISSING_MARKERS = frozenset({"", "-", "--", "—", "——", "n/a", "na", "null"})
_MARKER_INITIALS = frozenset("-—－nNｎＮ")
# Excel keeps 15 significant digits; a longer float repr is binary noise from a formula.
_EXCEL_DIGITS = 15
_SHOWN_CHARS = 40
_HUNDREDTH = Decimal("0.01")

_NUMERAL = re.compile(
    r"(?P<sign>[+-]?)\s*(?P<currency>[¥￥]\s*)?(?P<sign2>[+-]?)"
    r"(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?P<fraction>\.[0-9]+)?\s*(?P<unit>\D*)"
)
# `1,234.50`, the commonest decorated form: its value is the text without commas, exactly as
# _NUMERAL would read it, found without the failed Decimal() and the full match.
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_MONEY_UNITS = frozenset({"", "元"})
_COUNT_UNITS = frozenset({"", "个", "次", "人", "单", "件"})

_AMOUNT = r"[0-9]+(?:\.[0-9]+)?"
_SPOKEN_DURATION = re.compile(
    rf"(?:(?P<h>{_AMOUNT})\s*(?:小时|时|hours?|hrs?|h))?\s*"
    rf"(?:(?P<m>{_AMOUNT})\s*(?:分钟|分|minutes?|mins?|m))?\s*"
    rf"(?:(?P<s>{_AMOUNT})\s*(?:秒钟|秒|seconds?|secs?|s))?",
    re.IGNORECASE,
)
_CLOCK_DURATION = re.compile(r"(?:(?P<h>[0-9]+):)?(?P<m>[0-9]+):(?P<s>[0-9]{1,2}(?:\.[0-9]+)?)")

_PERIOD_FORMS = (
    # 2026-10, 2026/10/01, 2026.10.01 00:00:00 (a date column exported as text)
    re.compile(r"(?P<y>[0-9]{4})[-/.](?P<m>[0-9]{1,2})(?:[-/.](?P<d>[0-9]{1,2})(?:[ T][0-9:.]+)?)?"),
    re.compile(r"(?P<y>[0-9]{4})\s*年\s*(?P<m>[0-9]{1,2})\s*月(?:\s*(?P<d>[0-9]{1,2})\s*日)?"),
    re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})?"),
)
# A numeric cell typed as 2026.10 is stored as 2026.1, indistinguishable from January.
_AMBIGUOUS_PERIOD = re.compile(r"[0-9]{4}\.1")

_EXPECT_NUMBER = "a number like 1234.5, 1,234.50, ¥1,234.50 or 88元"
_EXPECT_COUNT = "a whole number ≥ 0 like 12, 1,200 or 12人"
_EXPECT_RATIO = "a ratio like 45.00% or 0.45"
_EXPECT_PERCENT = "a percentage like 45.00% or 45"
_EXPECT_DURATION = "a duration like 45, 20秒, 1分5秒 or 00:00:45"
_EXPECT_PERIOD = "a month like 2026-10, 2026/10, 2026年10月 or 202610"


def halfwidth(text: str) -> str:
    """`text` with full-width ASCII turned into ASCII, so `１２３４％` reads as `1234%`."""
    return text if text.isascii() else text.translate(_HALFWIDTH)


def fold(text: str) -> str:
    """The form two labels are compared in: stripped, half-width, lower-case."""
    return halfwidth(text).strip().lower()


_UNIT_SUFFIX = re.compile(r"\s*\([^()]*\)$")


def header_key(text: str) -> str:
    """How header texts compare: `首次响应时间（秒）` and `首次响应时间` are the same column."""
    return _UNIT_SUFFIX.sub("", fold(text))


def show(raw: object) -> str:
    """A cell as an error message quotes it: text in quotes and cut short, dates in ISO form."""
    if isinstance(raw, str):
        return repr(raw if len(raw) <= _SHOWN_CHARS else raw[: _SHOWN_CHARS - 3] + "...")
    if isinstance(raw, date | time):
        return raw.isoformat()
    return str(raw)


def is_missing(raw: object) -> bool:
    """Whether the cell says "no value": empty, or a marker such as `-`, `—`, `N/A`, `null`."""
    if raw is None:
        return True
    if not isinstance(raw, str):
        return False
    text = raw.strip()
    # Every marker starts with a dash or an n; most cells are settled by that alone.
    return not text or (text[0] in _MARKER_INITIALS and len(text) <= 4 and fold(text) in _MISSING_MARKERS)


def _bad(expected: str, raw: object) -> ValueError:
    return ValueError(f"expected {expected}, got {show(raw)}")


def _plain_decimal(text: str) -> Decimal | None:
    """`Decimal(text)` when `text` is a plain finite numeral; the fast path for most cells."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    # Decimal() also takes 1e5 and 1_000, which are never how a cell writes an amount.
    if not value.is_finite() or "e" in text or "E" in text or "_" in text:
        return None
    return value


def _native_decimal(raw: object) -> Decimal | None:
    """A number XLSX already typed, as a Decimal; None for non-numbers, bools and NaN/infinity."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        value = Decimal(repr(raw))
        if value.is_finite() and len(value.as_tuple().digits) > _EXCEL_DIGITS:
            value = Decimal(f"{raw:.{_EXCEL_DIGITS}g}")
        return value if value.is_finite() else None
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() else None
    return None


def _decorated_decimal(text: str, units: frozenset[str], *, currency: bool) -> Decimal | None:
    """A numeral written for people: thousands separators, a ¥ sign, a unit such as 元 or 人."""
    match = _NUMERAL.fullmatch(halfwidth(text).strip())
    if match is None or match["unit"] not in units or (match["currency"] and not currency):
        return None
    if match["sign"] and match["sign2"]:
        return None
    sign = match["sign"] or match["sign2"]
    return Decimal(sign + match["whole"].replace(",", "") + (match["fraction"] or ""))


def _numeral(raw: object, units: frozenset[str], *, currency: bool, expected: str) -> Decimal:
    if isinstance(raw, str):
        if "," in raw and _GROUPED.fullmatch(raw):
            return Decimal(raw.replace(",", ""))
        value = _plain_decimal(raw)
        if value is None:
            value = _decorated_decimal(raw, units, currency=currency)
    else:
        value = _native_decimal(raw)
    if value is None:
        raise _bad(expected, raw)
    return value


def parse_number(raw: object) -> Decimal:
    """A number or an amount of money, exactly: `1234.5`, `1,234.50`, `¥1,234.50`, `88元`, `-12.5`.

    One parser serves both kinds because exports decorate plain numbers with ¥ and 元 too.
    """
    return _numeral(raw, _MONEY_UNITS, currency=True, expected=_EXPECT_NUMBER)


def parse_count(raw: object) -> Decimal:
    """A whole number ≥ 0 (buyers served, cases handled), optionally with 个 次 人 单 件."""
    value = _numeral(raw, _COUNT_UNITS, currency=False, expected=_EXPECT_COUNT)
    if value < 0 or value != value.to_integral_value():
        raise _bad(_EXPECT_COUNT, raw)
    return value.to_integral_value()


def parse_ratio(raw: object, *, percent: bool = False, fraction: bool = False) -> Decimal:
    """A ratio as a fraction: `45.00%` and `0.45` give 0.45; with `percent`, bare `45` does too.

    `fraction` says an XLSX numeric cell has a % number format: Excel stores 45% as 0.45, so the
    value is already a fraction whatever `percent` says. Multiplying by 0.01 is exact for any
    numeral a cell holds, so `45.00%` becomes exactly 0.4500.
    """
    expected = _EXPECT_PERCENT if percent else _EXPECT_RATIO
    if not isinstance(raw, str):
        value = _native_decimal(raw)
        if value is None:
            raise _bad(expected, raw)
        return value if fraction or not percent else value * _HUNDREDTH
    text = halfwidth(raw).strip()
    if text.endswith("%"):
        value = _plain_decimal(text[:-1].rstrip())
        if value is None:
            raise _bad(expected, raw)
        return value * _HUNDREDTH
    value = _plain_decimal(text)
    if value is None:
        raise _bad(expected, raw)
    return value * _HUNDREDTH if percent else value


def _seconds(hours: str | None, minutes: str | None, seconds: str | None) -> Decimal:
    total = Decimal(0)
    for amount, scale in ((hours, 3600), (minutes, 60), (seconds, 1)):
        if amount is not None:
            total += Decimal(amount) * scale
    return total


def _text_duration(raw: str) -> Decimal | None:
    text = halfwidth(raw).strip()
    value = _plain_decimal(text)
    if value is not None:
        return value
    match = _SPOKEN_DURATION.fullmatch(text)
    if match is not None and match.lastgroup is not None:
        return _seconds(match["h"], match["m"], match["s"])
    match = _CLOCK_DURATION.fullmatch(text)
    if match is None or Decimal(match["s"]) >= 60:
        return None
    if match["h"] is not None and int(match["m"]) >= 60:
        return None
    return _seconds(match["h"], match["m"], match["s"])


def parse_duration(raw: object) -> Decimal:
    """A length of time in seconds: `45`, `45秒`, `1分5秒`, `1小时2分3秒`, `01:05`, `1:02:03`.

    Two-part clock text is mm:ss, as chat tools print response times. XLSX time and timedelta
    cells (a duration typed as 00:00:45) convert exactly, microseconds included.
    """
    if isinstance(raw, str):
        value = _text_duration(raw)
    elif isinstance(raw, time):
        value = Decimal(raw.hour * 3600 + raw.minute * 60 + raw.second)
        value += Decimal(raw.microsecond).scaleb(-6)
    elif isinstance(raw, timedelta):
        value = Decimal(raw.days * 86400 + raw.seconds) + Decimal(raw.microseconds).scaleb(-6)
    else:
        value = _native_decimal(raw)
    if value is None or value < 0:
        raise _bad(_EXPECT_DURATION, raw)
    return value


def _month(year: str, month: str, day: str | None, raw: object) -> str:
    if not 1 <= int(month) <= 12:
        raise ValueError(f"expected a month between 1 and 12, got {show(raw)}")
    if day is not None:
        try:
            date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"expected a real calendar date, got {show(raw)}") from None
    return f"{year}-{int(month):02d}"


def _period(text: str, raw: object) -> str:
    for form in _PERIOD_FORMS:
        match = form.fullmatch(text)
        if match is not None:
            return _month(match["y"], match["m"], match["d"], raw)
    raise _bad(_EXPECT_PERIOD, raw)


@lru_cache(maxsize=256)
def _text_period(raw: str) -> str:
    # Cached: a table repeats the same month text in every row.
    return _period(halfwidth(raw).strip(), raw)


def parse_period(raw: object) -> str:
    """The month a row belongs to, as `YYYY-MM`, from text, a date, or a number like 202610."""
    if isinstance(raw, str):
        return _text_period(raw)
    if isinstance(raw, date):  # datetime too: it subclasses date
        return f"{raw.year:04d}-{raw.month:02d}"
    if isinstance(raw, float) and _AMBIGUOUS_PERIOD.fullmatch(repr(raw)):
        raise ValueError(
            f"expected {_EXPECT_PERIOD}, got the number {raw!r}, which is also what "
            f"{raw!r}0 becomes in a number cell; write the month as text like 2026-10"
        )
    return _period(parse_text(raw), raw)


def parse_text(raw: object) -> str:
    """A label such as an agent id, stripped; XLSX's number 1001 or 1001.0 reads as `1001`."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def parse_choice(raw: object, choices: Mapping[str, str]) -> str:
    """The canonical id for a label from a fixed set, e.g. role `客服` -> `agent`.

    `choices` maps each accepted text to its id; the ids themselves are accepted too. Matching
    ignores case and full-width forms, because the same role is typed many ways by hand.
    """
    text = parse_text(raw)
    exact = choices.get(text)
    if exact is not None:
        return exact
    wanted = fold(text)
    for accepted, canonical in choices.items():
        if wanted in (fold(accepted), fold(canonical)):
            return canonical
    allowed = ", ".join(dict.fromkeys([*choices, *choices.values()]))
    raise ValueError(f"expected one of {allowed}, got {show(raw)}")
