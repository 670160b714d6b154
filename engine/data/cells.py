"""Parsers for one table cell: whatever a CSV or XLSX reader hands over, as the exact value we
compute with, or a CellError saying (in English and Chinese) what was expected and what was found.

Back-office exports write one quantity many ways (`¥1,234.50`, `1分5秒`, `2026年10月`,
full-width digits from a Chinese IME), and XLSX cells arrive already typed (int, float, time,
timedelta, datetime). Every form is accepted here, once, so later stages see only `Decimal` and
`str`. Floats never survive: they become Decimals through their shortest repr.

Bounds (documented for users in the README):
- MAX_MAGNITUDE: a number must be below 10^15 in size (at most 15 digits before the point, the
  digits Excel keeps); `1e30` or a 40-digit numeral is refused, never rounded. NaN and infinity
  texts are refused by name.
- MAX_CELL_CHARS: a cell holds at most 32,767 characters, Excel's own limit.
- MAX_ID: an id typed as a number in XLSX must be a whole number below 2^53 in size; beyond
  that a float has already lost digits, so the column must be formatted as text.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from engine.text import canonical_id, fold, halfwidth

MAX_MAGNITUDE = Decimal(10) ** 15
MAX_CELL_CHARS = 32_767
MAX_ID = 2**53

# Only an empty cell or a lone dash means "no value"; longer texts (`--`, `N/A`, `延迟统计`) are
# placeholders, which the policy must declare (see placeholder_meaning).
_MISSING_MARKERS = frozenset({"", "-", "—"})
MARKER_INITIALS = frozenset("-—－")
# Excel keeps 15 significant digits; a longer float repr is binary noise from a formula.
_EXCEL_DIGITS = 15
_SHOWN_CHARS = 40
_HUNDREDTH = Decimal("0.01")
_NOT_NUMBERS = frozenset({"nan", "snan", "inf", "infinity"})

_NUMERAL = re.compile(
    r"(?P<sign>[+-]?)\s*(?P<currency>[¥￥]\s*)?(?P<sign2>[+-]?)"
    r"(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?P<fraction>\.[0-9]+)?\s*(?P<unit>\D*)"
)
# `1,234.50`, the commonest decorated form: its value is the text without commas, exactly as
# _NUMERAL would read it, found without the failed Decimal() and the full match.
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_MONEY_UNITS = frozenset({"", "元"})
_BARE = frozenset({""})
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

# What each kind of cell should look like, in English and Chinese.
_EXPECT_NUMBER = (
    "a number like 1234.5, 1,234.50, ¥1,234.50 or 88元",
    "一个数字（如 1234.5、1,234.50、¥1,234.50 或 88元）",
)
_EXPECT_BARE = ("a plain number like 1234.5 (the header gives the unit)", "一个不带单位的数字（如 1234.5，单位见表头）")
_EXPECT_COUNT = ("a whole number ≥ 0 like 12, 1,200 or 12人", "一个不小于 0 的整数（如 12、1,200 或 12人）")
_EXPECT_RATIO = ("a ratio like 45.00% or 0.45", "一个比例（如 45.00% 或 0.45）")
_EXPECT_PERCENT = ("a percentage like 45.00% or 45", "一个百分数（如 45.00% 或 45）")
_EXPECT_DURATION = ("a duration like 45, 20秒, 1分5秒 or 00:00:45", "一个时长（如 45、20秒、1分5秒 或 00:00:45）")
_EXPECT_PERIOD = (
    "a month like 2026-10, 2026/10, 2026年10月 or 202610",
    "一个月份（如 2026-10、2026/10、2026年10月 或 202610）",
)

# Texts exports write instead of a value, and what each means; a policy may declare them per metric.
PLACEHOLDERS: Mapping[str, tuple[str, str]] = {
    "延迟统计": (
        "means 赤兔 has not finished computing this statistic; export again later",
        "表示赤兔尚未算完这项统计；请稍后重新导出",
    ),
    **{
        text: ("means the export had no value here; fill it in", "表示导出文件在此处没有数值；请补上")
        for text in ("--", "——", "---", "n/a", "na", "null", "none", "/", "暂无", "无数据", "无", "空")
    },
}


# The first characters a placeholder cell can start with, in any width or case, or after spaces:
# most cells (digits, names) are settled by this one set lookup.
PLACEHOLDER_INITIALS = frozenset(
    {text[0] for text in PLACEHOLDERS}
    | {text[0].upper() for text in PLACEHOLDERS}
    | {chr(ord(text[0]) + 0xFEE0) for text in PLACEHOLDERS if "!" <= text[0] <= "~"}
    | {chr(ord(text[0].upper()) + 0xFEE0) for text in PLACEHOLDERS if "!" <= text[0] <= "~"}
    | set(" \t\u3000")
)


class CellError(ValueError):
    """A cell that cannot be read: the English message, and `zh` for Chinese readers."""

    def __init__(self, message: str, zh: str) -> None:
        super().__init__(message)
        self.zh = zh


def show(raw: object) -> str:
    """A cell as an error message quotes it: text in quotes and cut short, dates in ISO form, a
    number cut short too (a JSON number may have thousands of digits)."""
    if isinstance(raw, str):
        return repr(raw if len(raw) <= _SHOWN_CHARS else raw[: _SHOWN_CHARS - 3] + "...")
    if isinstance(raw, date | time):
        return raw.isoformat()
    if isinstance(raw, Decimal) and len(raw.as_tuple().digits) > _SHOWN_CHARS:
        return f"{raw:.6e} ({len(raw.as_tuple().digits):,} digits)"
    return str(raw)


def show_spelling(text: str) -> str:
    """How a cell spelled an id, as a message quotes it: as `show`, with combining marks escaped too,
    so an NFD `José` reads 'Jose\\u0301' beside the NFC 'José' (repr already escapes invisible ones)."""
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c)[0] == "M" else c for c in show(text))


def is_missing(raw: object) -> bool:
    """Whether the cell says "no value": empty, blank, or a lone dash `-` / `—`."""
    if raw is None:
        return True
    if not isinstance(raw, str):
        return False
    text = raw.strip()
    return not text or (text[0] in MARKER_INITIALS and len(text) == 1)


def placeholder_meaning(raw: object) -> tuple[str, str] | None:
    """What a placeholder text such as `延迟统计` or `N/A` means, or None for any other cell."""
    if not isinstance(raw, str) or raw[:1] not in PLACEHOLDER_INITIALS or len(raw) > 16:
        return None
    return PLACEHOLDERS.get(fold(raw))


def _bad(expected: tuple[str, str], raw: object) -> CellError:
    text = fold(raw).lstrip("+-") if isinstance(raw, str) else ""
    if text in _NOT_NUMBERS or (isinstance(raw, float) and not math.isfinite(raw)):
        return CellError(
            f"expected {expected[0]}, got {show(raw)}, which is not a number (NaN or infinity)",
            f"期望{expected[1]}，实际是 {show(raw)}，它不是一个数（NaN 或无穷大）",
        )
    return CellError(f"expected {expected[0]}, got {show(raw)}", f"期望{expected[1]}，实际是 {show(raw)}")


def _bounded(value: Decimal, raw: object) -> Decimal:
    """`value`, unless it is too large for any real export (see MAX_MAGNITUDE).

    copy_abs, not abs: abs() rounds in the context, and a JSON number such as 1e999999999 would
    overflow it instead of being refused."""
    if value.copy_abs() >= MAX_MAGNITUDE:
        return _too_large(raw)
    return value


def _too_large(raw: object) -> Decimal:
    raise CellError(
        f"the number {show(raw)} is too large: at most 15 digits before the decimal point "
        "(below 1,000,000,000,000,000); check the cell for pasted or merged digits",
        f"数字 {show(raw)} 太大：小数点前最多 15 位（小于 1,000,000,000,000,000）；请检查单元格是否粘连了多余数字",
    )


def _long_text(raw: str) -> None:
    if len(raw) > MAX_CELL_CHARS:
        raise CellError(
            f"the cell holds {len(raw):,} characters, more than Excel's limit of 32,767; "
            "a quote may be unclosed, or a file pasted into one cell",
            f"单元格有 {len(raw):,} 个字符，超过 Excel 上限 32,767；可能有未闭合的引号，或整段内容被粘进了一个单元格",
        )


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


def _numeral(raw: object, units: frozenset[str], *, currency: bool, expected: tuple[str, str]) -> Decimal:
    if isinstance(raw, str):
        if len(raw) > MAX_CELL_CHARS:
            _long_text(raw)
        if "," in raw and _GROUPED.fullmatch(raw):
            value = Decimal(raw.replace(",", ""))
        else:
            value = _plain_decimal(raw)
            if value is None:
                value = _decorated_decimal(raw, units, currency=currency)
    else:
        value = _native_decimal(raw)
    if value is None:
        raise _bad(expected, raw)
    return _bounded(value, raw)


def parse_number(raw: object, scale: int = 1) -> Decimal:
    """A number or an amount of money, exactly: `1234.5`, `1,234.50`, `¥1,234.50`, `88元`, `-12.5`.

    One parser serves both kinds because exports decorate plain numbers with ¥ and 元 too. A
    `scale` other than 1 comes from the header (`销售额(万元)`: 10000): then only bare numbers are
    accepted, since `88元` under a 万元 header contradicts it.
    """
    if scale == 1:
        return _numeral(raw, _MONEY_UNITS, currency=True, expected=_EXPECT_NUMBER)
    return _bounded(_numeral(raw, _BARE, currency=False, expected=_EXPECT_BARE) * scale, raw)


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
        value = _bounded(value, raw)
        return value if fraction or not percent else value * _HUNDREDTH
    _long_text(raw)
    text = halfwidth(raw).strip()
    if text.endswith("%"):
        value = _plain_decimal(text[:-1].rstrip())
        if value is None:
            raise _bad(expected, raw)
        return _bounded(value, raw) * _HUNDREDTH
    value = _plain_decimal(text)
    if value is None:
        raise _bad(expected, raw)
    value = _bounded(value, raw)
    return value * _HUNDREDTH if percent else value


def _seconds(hours: str | None, minutes: str | None, seconds: str | None) -> Decimal:
    total = Decimal(0)
    for amount, scale in ((hours, 3600), (minutes, 60), (seconds, 1)):
        if amount is not None:
            total += Decimal(amount) * scale
    return total


def _overflowing_place(raw: str, match: re.Match) -> CellError | None:
    """An error for `1分65秒` or `1小时75分`: a place holding 60 or more under a larger unit."""
    if match["s"] is not None and (match["m"] or match["h"]) and Decimal(match["s"]) >= 60:
        amount, en, zh = match["s"], "seconds", "秒"
    elif match["m"] is not None and match["h"] and Decimal(match["m"]) >= 60:
        amount, en, zh = match["m"], "minutes", "分"
    else:
        return None
    return CellError(
        f"expected {_EXPECT_DURATION[0]}, got {show(raw)}: {amount} {en} where at most 59 fit; "
        "the cell is garbled or in another unit, check it",
        f"期望{_EXPECT_DURATION[1]}，实际是 {show(raw)}：{zh}的位置是 {amount}，最多应为 59；"
        "单元格可能有误或单位不同，请核对",
    )


def _text_duration(raw: str, scale: int) -> Decimal | None:
    text = halfwidth(raw).strip()
    value = _plain_decimal(text)
    if value is not None:
        return value * scale
    match = _SPOKEN_DURATION.fullmatch(text)
    if match is not None and match.lastgroup is not None:
        error = _overflowing_place(raw, match)
        if error is not None:
            raise error
        return _seconds(match["h"], match["m"], match["s"])
    match = _CLOCK_DURATION.fullmatch(text)
    if match is None or Decimal(match["s"]) >= 60:
        return None
    if match["h"] is not None and int(match["m"]) >= 60:
        return None
    return _seconds(match["h"], match["m"], match["s"])


def parse_duration(raw: object, scale: int = 1) -> Decimal:
    """A length of time in seconds: `45`, `45秒`, `1分5秒`, `1小时2分3秒`, `01:05`, `1:02:03`.

    Two-part clock text is mm:ss, as chat tools print response times. XLSX time and timedelta
    cells (a duration typed as 00:00:45) convert exactly, microseconds included. `scale` is the
    header's unit in seconds (`(分)`: 60) and applies to bare numbers only: `8分48秒` says its units.
    A place overflowing its unit (`1分65秒`) is refused: the text is garbled, not a duration.
    """
    if isinstance(raw, str):
        _long_text(raw)
        value = _text_duration(raw, scale)
    elif isinstance(raw, time):
        value = Decimal(raw.hour * 3600 + raw.minute * 60 + raw.second)
        value += Decimal(raw.microsecond).scaleb(-6)
    elif isinstance(raw, timedelta):
        value = Decimal(raw.days * 86400 + raw.seconds) + Decimal(raw.microseconds).scaleb(-6)
    else:
        value = _native_decimal(raw)
        value = None if value is None else _bounded(value, raw) * scale
    if value is None or value < 0:
        raise _bad(_EXPECT_DURATION, raw)
    return _bounded(value, raw)


def _month(year: str, month: str, day: str | None, raw: object) -> str:
    if not 1 <= int(month) <= 12:
        raise CellError(
            f"expected a month between 1 and 12, got {show(raw)}", f"期望 1 到 12 之间的月份，实际是 {show(raw)}"
        )
    if day is not None:
        try:
            date(int(year), int(month), int(day))
        except ValueError:
            raise CellError(
                f"expected a real calendar date, got {show(raw)}", f"期望一个真实存在的日期，实际是 {show(raw)}"
            ) from None
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
        _long_text(raw)
        return _text_period(raw)
    if isinstance(raw, date):  # datetime too: it subclasses date
        return f"{raw.year:04d}-{raw.month:02d}"
    if isinstance(raw, float) and _AMBIGUOUS_PERIOD.fullmatch(repr(raw)):
        raise CellError(
            f"expected {_EXPECT_PERIOD[0]}, got the number {raw!r}, which is also what "
            f"{raw!r}0 becomes in a number cell; write the month as text like 2026-10",
            f"期望{_EXPECT_PERIOD[1]}，实际是数字 {raw!r}，而 {raw!r}0 在数字单元格里也会变成它；"
            "请把月份写成文本，如 2026-10",
        )
    text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw).strip()
    return _period(text, raw)


_EXPECT_DATE = ("a date like 2026-10-08, 2026/10/08 or 2026年10月8日",
                "一个日期（如 2026-10-08、2026/10/08 或 2026年10月8日）")


def parse_date(raw: object) -> str:
    """A calendar day as `YYYY-MM-DD` (入职日期): text in the forms a month is read in, with its
    day, or a date cell. A month without a day is refused: tenure and proration count days."""
    if isinstance(raw, date):  # datetime too
        return f"{raw.year:04d}-{raw.month:02d}-{raw.day:02d}"
    if isinstance(raw, str):
        _long_text(raw)
        text = halfwidth(raw).strip()
        for form in _PERIOD_FORMS:
            match = form.fullmatch(text)
            if match is not None and match["d"] is not None:
                return f"{_month(match['y'], match['m'], match['d'], raw)}-{int(match['d']):02d}"
    raise _bad(_EXPECT_DATE, raw)


_EXPECT_DATETIME = ("a date and time like 2026-10-12 14:03:20, 2026/10/12 14:03 or 2026-10-12T06:03:20Z",
                    "一个日期时间（如 2026-10-12 14:03:20、2026/10/12 14:03 或 2026-10-12T06:03:20Z）")
_DATETIME = re.compile(
    r"(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?(?:[ T]+|$)"
    r"(?:(?P<H>\d{1,2})[:时](?P<M>\d{2})(?:[:分](?P<S>\d{2})(?:\.(?P<f>\d{1,6}))?秒?)?分?)?"
    r"\s*(?P<z>Z|[+-]\d{2}:?\d{2})?"
)


def parse_datetime(raw: object) -> datetime:
    """A moment (an event's 时间): naive when the cell names no offset, so the caller applies the
    policy's zone; aware with `Z` or `+08:00`. A date alone is refused: events are counted by the
    day they happened, and a missing time would silently put late-evening events on the wrong day."""
    if isinstance(raw, datetime):
        return raw
    if isinstance(raw, str):
        _long_text(raw)
        match = _DATETIME.fullmatch(halfwidth(raw).strip())
        if match is not None and match["H"] is not None:
            fraction = (match["f"] or "0").ljust(6, "0")
            try:
                moment = datetime(int(match["y"]), int(match["m"]), int(match["d"]), int(match["H"]),
                                  int(match["M"]), int(match["S"] or 0), int(fraction))
                if match["z"]:
                    moment = datetime.fromisoformat(moment.isoformat() + match["z"].replace("Z", "+00:00"))
            except ValueError:
                raise CellError(f"{show(raw)} is not a real date and time (check the month, day, hour and offset)",
                                f"{show(raw)} 不是一个有效的日期时间（请检查月、日、时和时区偏移）") from None
            return moment
    raise _bad(_EXPECT_DATETIME, raw)


def parse_text(raw: object) -> str:
    """A label such as a name or a note, stripped; XLSX's number 1001 or 1001.0 reads as `1001`.

    A number only names someone exactly when it is whole and below 2^53 (MAX_ID): `1001.5`, or a
    19-digit id Excel already rounded to 15 digits, would silently name someone else. JSON Lines
    numbers arrive as Decimals and follow the same rule.
    """
    if raw.__class__ is str:
        _long_text(raw)
        return raw.strip()
    if isinstance(raw, bool) or (isinstance(raw, int | float | Decimal) and not _exact_id(raw)):
        raise CellError(
            f"expected text such as an id or a name, got the number {show(raw)}, which is not a whole "
            "number below 2^53 and cannot name anyone exactly; format the column as text in Excel and type it again",
            f"期望文本（如工号或姓名），实际是数字 {show(raw)}，它不是小于 2^53 的整数，无法准确表示身份；"
            "请在 Excel 中把这一列设为文本格式后重新填写",
        )
    if isinstance(raw, float | Decimal):
        return str(int(raw))
    return str(raw).strip()


def parse_id(raw: object) -> str:
    """An agent's (or a team's) id: a text read as parse_text reads it, in its canonical form, so
    `１００１` and `1001` with a zero-width space are both `1001` (engine.text.canonical_id)."""
    return canonical_id(parse_text(raw))


def _exact_id(raw: int | float | Decimal) -> bool:
    if isinstance(raw, Decimal):
        return raw.is_finite() and raw.copy_abs() < MAX_ID and raw == raw.to_integral_value()
    return abs(raw) < MAX_ID and (isinstance(raw, int) or raw.is_integer())


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
    raise CellError(f"expected one of {allowed}, got {show(raw)}", f"期望以下之一：{allowed}；实际是 {show(raw)}")
