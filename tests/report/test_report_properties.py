"""Invariants of the text every report is made of, checked over generated values (hypothesis)."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from engine.report.number_text import at_most, fixed, grouped, number, percent
from engine.report.safe_text import FORMULA_STARTS, for_csv, for_terminal, json_safe

decimals = st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1E+40"), max_value=Decimal("1E+40"))
PLAIN = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@given(decimals)
def test_number_is_plain_exact_and_never_negative_zero(value):
    text = number(value)
    assert PLAIN.fullmatch(text)
    assert Decimal(text) == value
    assert not (text.startswith("-") and not value)


@given(decimals, st.integers(min_value=0, max_value=6))
def test_fixed_and_grouped_are_total_with_exact_places(value, places):
    text = fixed(value, places)
    assert PLAIN.fullmatch(text) and (places == 0 or len(text.split(".")[1]) == places)
    assert not (text.startswith("-") and not Decimal(text))
    assert grouped(value, places).replace(",", "") == text


@given(decimals)
def test_percent_and_at_most_never_raise(value):
    assert percent(value).rstrip("…").endswith("%")
    assert at_most(value, 4)


@given(st.text())
def test_terminal_text_has_no_control_characters_and_csv_text_never_starts_a_formula(text):
    shown = for_terminal(text)
    assert not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", shown)
    assert not for_csv(text).startswith(FORMULA_STARTS)
    assert for_csv(text).removeprefix("'") == text or for_csv(text) == text


@given(st.text())
def test_json_safe_keeps_the_data(text):
    import json

    encoded = json.dumps(text, ensure_ascii=False)
    safe = json_safe(encoded)
    assert json.loads(safe) == text
    assert not re.search("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]", safe)
