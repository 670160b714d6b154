"""Cell parsers: every accepted form gives an exact value, every bad cell an expected/got message.

Cases from the domain brief cite its rule ids: S2.1 (the dimensions a spreadsheet holds: 接待人数,
响应时长, 询单转化率, 满意度) and S2.2 (9 orders from 20 inquiries is 45% conversion).
"""

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.data.cells import (
    is_missing,
    parse_choice,
    parse_count,
    parse_duration,
    parse_number,
    parse_period,
    parse_ratio,
    parse_text,
    show,
)
from engine.text import fold

D = Decimal
EXPECT_NUMBER = "expected a number like 1234.5, 1,234.50, ¥1,234.50 or 88元, got "
EXPECT_COUNT = "expected a whole number ≥ 0 like 12, 1,200 or 12人, got "
EXPECT_DURATION = "expected a duration like 45, 20秒, 1分5秒 or 00:00:45, got "
EXPECT_PERIOD = "expected a month like 2026-10, 2026/10, 2026年10月 or 202610, got "


def message(parse, raw, **options) -> str:
    with pytest.raises(ValueError) as caught:
        parse(raw, **options)
    return str(caught.value)


# -- number / money ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234.5", "1234.5"),
        ("1,234.50", "1234.50"),
        ("¥1,234.50", "1234.50"),
        ("￥88", "88"),
        ("88元", "88"),
        ("¥ 1,000,000 元", "1000000"),
        ("１２３４．５", "1234.5"),  # full-width digits typed with a Chinese IME
        ("１，２３４", "1234"),
        ("-12.5", "-12.5"),
        ("−12.5", "-12.5"),  # Unicode minus sign
        ("-¥12.50", "-12.50"),
        ("¥-12.50", "-12.50"),  # how Chinese-locale Excel shows a negative amount
        ("+7", "7"),
        ("  350 ", "350"),
        (1234, "1234"),
        (1234.5, "1234.5"),
        (D("7.00"), "7.00"),
    ],
)
def test_number_forms(raw, expected):
    value = parse_number(raw)
    assert isinstance(value, Decimal)
    assert str(value) == expected


def test_number_float_noise_is_cut_to_excels_15_digits():
    # A formula cell computing 0.1 + 0.2 stores 0.30000000000000004; Excel shows 0.3.
    assert parse_number(0.1 + 0.2) == D("0.3")
    assert parse_number(123456.78) == D("123456.78")


@pytest.mark.parametrize("raw", ["1e5", "1E5", "1_000", "12%", "abc", "12abc", "--12", "-¥-1", "1,23", "1234,5"])
def test_number_rejects(raw):
    assert message(parse_number, raw) == EXPECT_NUMBER + repr(raw)


@pytest.mark.parametrize("raw", [math.nan, math.inf, D("NaN"), True])
def test_number_rejects_non_finite_and_bool_cells(raw):
    assert message(parse_number, raw).startswith(EXPECT_NUMBER)


def test_number_message_cuts_long_text():
    assert message(parse_number, "x" * 100) == EXPECT_NUMBER + repr("x" * 37 + "...")


# -- count ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        ("12人", 12),
        ("3次", 3),
        ("4个", 4),
        ("5单", 5),
        ("6 件", 6),
        ("1,200", 1200),
        (0, 0),
        (5, 5),
        (5.0, 5),
        ("７", 7),
    ],
)
def test_count_forms(raw, expected):
    # S2.1: 接待人数 (buyers served) is a count.
    value = parse_count(raw)
    assert value == expected
    assert str(value) == str(expected)


@pytest.mark.parametrize("raw", ["-3", "2.5", "¥5", "5元", "五", 2.5, -1])
def test_count_rejects(raw):
    assert message(parse_count, raw) == EXPECT_COUNT + show(raw)


# -- ratio ------------------------------------------------------------------------------------


def test_ratio_percent_text_is_exact_s2_2():
    # S2.2: 9 orders from 20 inquiries is a 45% conversion rate.
    value = parse_ratio("45.00%")
    assert value == D(9) / D(20)
    assert str(value) == "0.4500"


@pytest.mark.parametrize(
    ("raw", "options", "expected"),
    [
        ("45%", {}, "0.45"),
        ("45 %", {}, "0.45"),
        ("４５％", {}, "0.45"),
        ("0.45", {}, "0.45"),
        ("150%", {}, "1.50"),  # sales achievement can pass 100%
        ("-5%", {}, "-0.05"),
        ("45", {"percent": True}, "0.45"),
        ("45%", {"percent": True}, "0.45"),
        (0.45, {}, "0.45"),
        (45, {"percent": True}, "0.45"),
        (0.45, {"fraction": True}, "0.45"),
        (0.45, {"fraction": True, "percent": True}, "0.45"),  # Excel stores 45% as 0.45
    ],
)
def test_ratio_forms(raw, options, expected):
    assert parse_ratio(raw, **options) == D(expected)


@pytest.mark.parametrize("raw", ["abc", "45%%", "abc%", "%", "1e2%", "1,000%"])
def test_ratio_rejects(raw):
    assert message(parse_ratio, raw) == f"expected a ratio like 45.00% or 0.45, got {raw!r}"


def test_ratio_rejects_names_percent_form_when_bare_numbers_are_percents():
    assert message(parse_ratio, "高", percent=True) == ("expected a percentage like 45.00% or 45, got '高'")
    assert message(parse_ratio, math.nan, percent=True).endswith("got nan, which is not a number (NaN or infinity)")


# -- duration ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [
        ("45", "45"),
        ("45.5", "45.5"),
        ("45s", "45"),
        ("45 S", "45"),
        ("45秒", "45"),
        ("１分５秒", "65"),
        ("1分5秒", "65"),
        ("1分钟5秒", "65"),
        ("2分", "120"),
        ("2分钟", "120"),
        ("1.5分钟", "90"),
        ("1小时2分3秒", "3723"),
        ("1h2m3s", "3723"),
        ("00:00:45", "45"),
        ("00:00:45.5", "45.5"),
        ("01:05", "65"),  # two parts are mm:ss, as chat tools print response times
        ("75:30", "4530"),
        ("1:02:03", "3723"),
        (45, "45"),
        (45.5, "45.5"),
        (time(0, 0, 45), "45"),
        (time(1, 2, 3, 500000), "3723.5"),
        (timedelta(days=1, seconds=7), "86407"),
        (timedelta(seconds=59, microseconds=250000), "59.25"),
    ],
)
def test_duration_forms(raw, seconds):
    # S2.1: 响应时长 (response time) arrives in all of these shapes.
    assert parse_duration(raw) == D(seconds)


@pytest.mark.parametrize("raw", ["abc", "1分5", "1:75:00", "00:61", "-5", "45min ago", ":45", datetime(2026, 10, 1)])
def test_duration_rejects(raw):
    assert message(parse_duration, raw) == EXPECT_DURATION + show(raw)


def test_duration_message_matches_the_brief_example():
    assert message(parse_duration, "abc") == ("expected a duration like 45, 20秒, 1分5秒 or 00:00:45, got 'abc'")


# -- period -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "2026-10",
        "2026/10",
        "2026.10",
        "2026年10月",
        "2026 年 10 月",
        "2026年10月1日",
        "202610",
        "20261001",
        "2026-10-01",
        "2026/10/31",
        "2026-10-01 00:00:00",
        "２０２６－１０",
        202610,
        datetime(2026, 10, 1, 8, 30),
        date(2026, 10, 31),
    ],
)
def test_period_forms(raw):
    assert parse_period(raw) == "2026-10"


def test_period_pads_single_digit_months():
    assert parse_period("2026-3") == "2026-03"
    assert parse_period(2026.12) == "2026-12"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-13", "expected a month between 1 and 12, got '2026-13'"),
        ("2026年0月", "expected a month between 1 and 12, got '2026年0月'"),
        ("2026-02-30", "expected a real calendar date, got '2026-02-30'"),
        ("abc", EXPECT_PERIOD + "'abc'"),
        ("26-10", EXPECT_PERIOD + "'26-10'"),
        (46296, EXPECT_PERIOD + "46296"),
    ],
)
def test_period_rejects(raw, expected):
    assert message(parse_period, raw) == expected


def test_period_number_2026_1_is_ambiguous():
    # A number cell typed 2026.10 holds 2026.1: October and January look the same.
    assert message(parse_period, 2026.1) == (
        EXPECT_PERIOD + "the number 2026.1, which is also what 2026.10 becomes in a number cell; "
        "write the month as text like 2026-10"
    )


# -- text and choice --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" 小王 ", "小王"), ("A001", "A001"), (1001, "1001"), (1001.0, "1001"), ("店铺名:小王", "店铺名:小王")],
)
def test_text_forms(raw, expected):
    assert parse_text(raw) == expected


ROLES = {"客服": "agent", "主管": "supervisor", "见习客服": "trainee"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("客服", "agent"),
        (" 主管 ", "supervisor"),
        ("agent", "agent"),
        ("AGENT", "agent"),
        ("ＳＵＰＥＲＶＩＳＯＲ", "supervisor"),
    ],
)
def test_choice_forms(raw, expected):
    assert parse_choice(raw, ROLES) == expected


def test_choice_rejects_listing_allowed_values():
    assert message(parse_choice, "经理", choices=ROLES) == (
        "expected one of 客服, 主管, 见习客服, agent, supervisor, trainee, got '经理'"
    )


# -- missing markers and helpers --------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [None, "", "  ", "-", "—", " - ", "－", "\u3000"],
)
def test_missing_markers(raw):
    assert is_missing(raw)


@pytest.mark.parametrize("raw", ["0", 0, D(0), "-1", "nan", "none", "小王", time(0), "--", "N/A", "null", "延迟统计"])
def test_not_missing(raw):
    assert not is_missing(raw)


def test_fold_and_show():
    assert fold("  ＡＢｃ（元） ") == "abc(元)"
    assert show(date(2026, 10, 1)) == "2026-10-01"
    assert show(D("1.50")) == "1.50"


# -- properties -------------------------------------------------------------------------------

amounts = st.decimals(min_value=D("-1e12"), max_value=D("1e12"), places=2, allow_nan=False, allow_infinity=False)


@given(amounts)
def test_amount_with_thousands_separators_parses_back_exactly(amount):
    assert parse_number(f"{amount:,}") == amount
    assert parse_number(f"¥{amount:,}") == amount
    assert parse_number(f"{amount:,}元") == amount


@given(st.integers(0, 999), st.integers(0, 59), st.integers(0, 59))
def test_hours_minutes_seconds_round_trip(hours, minutes, seconds):
    total = hours * 3600 + minutes * 60 + seconds
    assert parse_duration(f"{hours}小时{minutes}分{seconds}秒") == total
    assert parse_duration(f"{hours:02d}:{minutes:02d}:{seconds:02d}") == total
    assert parse_duration(timedelta(hours=hours, minutes=minutes, seconds=seconds)) == total


@given(st.decimals(min_value=-1000, max_value=1000, places=4, allow_nan=False))
def test_percent_text_is_exactly_a_hundredth(value):
    assert parse_ratio(f"{value}%") == value / 100
