"""Bounds, bands and tiers checked against the range of the metric they read (JX223, JX224).

A ratio is stored as a fraction (90 % is 0.9), so bands written as whole percentages validate
and then give everyone the same points: a silent wrong number. Ranges are the metric's declared
`range` or its type's natural one (ratio and percent 0–1, count and duration ≥ 0).
"""

from __future__ import annotations

import pytest

from tests.policy.check_base import loc, mutate
from tests.policy.test_policy_hostile import diagnose

REPLY_BANDS = ("      - {to: 0.9, points: 0}\n      - {from: 0.9, to: 0.95, points: 10}\n"
               "      - {from: 0.95, points: 20}\n")


def found_codes(text: str) -> list[tuple[str, int, int, str]]:
    return [(d.code, d.line, d.column, d.message) for d in diagnose(text)]


def test_bands_written_as_whole_percent_are_each_unreachable_with_the_fraction_meant() -> None:
    text = mutate((REPLY_BANDS, "      - {to: 90, points: 0}\n      - {from: 90, to: 95, points: 10}\n"
                                "      - {from: 95, points: 20}\n"))
    found = diagnose(text)
    assert [(d.code, d.line, d.column) for d in found] == [
        ("JX223", *loc(text, "{from: 90, to: 95", "{")),
        ("JX223", *loc(text, "{from: 95, points", "{")),
    ]
    assert found[0].message == (
        "band [90, 95) lies outside 0–1, so no ratio value reaches it: did you mean [0.90, 0.95)?")
    assert found[1].message == "band [95, …) lies outside 0–1, so no ratio value reaches it: did you mean [0.95, …)?"
    assert found[0].zh == "档位 [90, 95) 在 0–1 之外，没有任何比率能落入：是不是想写 [0.90, 0.95)？"
    assert found[0].hint == "metric 'reply_rate' holds values in 0–1"


def test_band_partly_outside_the_range_is_a_deliberate_open_end() -> None:
    assert diagnose(mutate(("{from: 0.95, points: 20}", "{from: 0.95, to: 1.2, points: 20}"))) == []


def test_band_ending_exactly_at_the_range_start_is_unreachable_when_left_closed() -> None:
    """[-1, 0) holds no ratio; with closed: right, (-1, 0] holds 0."""
    left = mutate((REPLY_BANDS, "      - {from: -1, to: 0, points: 0}\n      - {from: 0, points: 20}\n"))
    assert [(c, m) for c, _, _, m in found_codes(left)] == [
        ("JX223", "band [-1, 0) lies outside 0–1, so no ratio value reaches it")]
    right = left.replace("    bands:\n", "    closed: right\n    bands:\n")
    assert diagnose(right) == []


def test_linear_bounds_as_whole_percent_on_a_ratio() -> None:
    text = mutate((f"    bands:\n{REPLY_BANDS}", "    linear: {from: 30, to: 40}\n"))
    (found,) = diagnose(text)
    assert (found.code, found.line, found.column) == ("JX223", *loc(text, "linear: {from: 30", "{"))
    assert found.message == "ratio bounds 30–40 lie outside 0–1: did you mean 0.30–0.40?"
    assert found.zh.startswith("比率的上下限 30–40 在 0–1 之外：是不是想写 0.30–0.40？")


def test_linear_bounds_below_a_duration_range_without_a_suggestion() -> None:
    text = mutate(("linear: {from: 60, to: 20}", "linear: {from: -10, to: -60}"))
    (found,) = diagnose(text)
    assert found.message == "duration bounds -10–-60 lie outside ≥ 0"


def test_linear_bounds_inside_a_declared_range_pass_and_outside_fail() -> None:
    inside = mutate(("    type: duration\n", "    type: duration\n    range: {min: 0, max: 300}\n"))
    assert diagnose(inside) == []
    outside = mutate(("    type: duration\n", "    type: duration\n    range: {min: 0, max: 10}\n"))
    (found,) = diagnose(outside)
    assert (found.code, found.message) == ("JX223", "duration bounds 60–20 lie outside 0–10")


def test_commission_tiers_on_a_bare_metric_are_checked() -> None:
    text = mutate(('on: "0 if role == \'probation\' else attainment"', "on: reply_rate"),
                  ("{from: 1.2, rate: 0.004}", "{from: 1.2, to: 120, rate: 0.004}\n        - {from: 120, rate: 0.008}"))
    found = diagnose(text)
    assert [(d.code, d.line, d.column) for d in found] == [
        ("JX223", *loc(text, "{from: 1.2, to: 120", "{")), ("JX223", *loc(text, "{from: 120, rate", "{"))]
    assert found[0].message == "band [1.2, 120) lies outside 0–1, so no ratio value reaches it"
    assert found[1].message == "band [120, …) lies outside 0–1, so no ratio value reaches it"


def test_tiers_on_an_expression_are_not_range_checked() -> None:
    text = mutate(("{from: 1.2, rate: 0.004}", "{from: 1.2, to: 120, rate: 0.004}\n        - {from: 120, rate: 0.008}"))
    assert diagnose(text) == []


def test_aggregate_mean_keeps_its_metric_range() -> None:
    text = mutate(("    of: sales\n", "    of: reply_rate\n"),
                  ("metric: reply_rate", "metric: team_sales"),
                  ("{from: 0.95, points: 20}", "{from: 0.95, to: 5, points: 20}\n      - {from: 5, points: 20}"))
    assert [c for c, _, _, _ in found_codes(text)] == ["JX223"]


@pytest.mark.parametrize(
    ("edit", "fragment", "token", "message", "hint"),
    [
        pytest.param(("    type: ratio\n", "    type: ratio\n    range: {min: 1, max: 0.5}\n"), "range: {min: 1",
                     "{", "range of metric 'reply_rate' has min 1 above max 0.5", "swap min and max", id="reversed"),
        pytest.param(("    type: ratio\n", "    type: ratio\n    missing: 95\n"), "missing: 95", "95",
                     "missing value 95 of metric 'reply_rate' lies outside its ratio range 0–1", "did you mean 0.95?",
                     id="missing-as-whole-percent"),
        pytest.param(("    type: count\n", "    type: count\n    missing: -1\n"), "missing: -1", "-1",
                     "missing value -1 of metric 'absences' lies outside its count range ≥ 0", "",
                     id="negative-missing-count"),
        pytest.param(("    type: ratio\n", "    type: ratio\n    placeholders: {暂无: 2}\n"), "placeholders: {暂无: 2}",
                     "2", "placeholder '暂无' value 2 of metric 'reply_rate' lies outside its ratio range 0–1",
                     "did you mean 0.02?", id="placeholder-number"),
    ],
)
def test_JX224_metric_range_itself(edit, fragment, token, message, hint) -> None:
    text = mutate(edit)
    (found,) = diagnose(text)
    assert (found.code, found.line, found.column) == ("JX224", *loc(text, fragment, token))
    assert found.message == message
    assert found.hint == hint
    assert found.zh and (found.zh_hint or not hint)
