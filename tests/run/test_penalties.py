"""Penalty clauses driven by events (S4.P24): counted per natural day in the policy's zone, with
exact boundaries, cancelling named pay components once however many clauses fire."""

from __future__ import annotations

import json

import pytest
from harness.cli import run
from harness.files import events_file
from harness.paths import S0_METRICS, S0_POLICY, S0_ROSTER

# S0 agent 1001 is paid base 3000.00 and performance 579.02 for 2026-10 without events.
PERFORMANCE = "579.02"
CLAUSES = """
events:
  zone: Asia/Shanghai
  kinds:
    first_response: {label: {zh: 首次响应, en: First response}, aliases: [首响]}
    no_reply: {label: 未回复}

penalties:
  slow_day:
    label: {zh: 一天内首次响应超过60秒多于3次, en: More than 3 slow first responses in a day}
    rule: S4.P24
    kind: first_response
    value_over: 60
    count_over: 3
    per: day
    cancels: [performance]
  very_slow:
    label: {zh: 首次响应超过200秒, en: A first response over 200 s}
    rule: S4.P24
    kind: first_response
    value_over: 200
    cancels: [performance]
  unanswered:
    label: {zh: 未回复, en: No reply}
    rule: S4.P24
    kind: no_reply
    cancels: [performance]
"""


def pay_of_1001(tmp_path, rows: list[str], clauses: str = CLAUSES) -> dict:
    policy = tmp_path / "shop.yaml"
    policy.write_text(S0_POLICY.read_text(encoding="utf-8") + clauses, encoding="utf-8")
    events = events_file(tmp_path / "events.csv", [f"1001,{row}" for row in rows])
    result = run("evaluate", "-p", policy, "-m", S0_METRICS, "-r", S0_ROSTER, "--period", "2026-10", "--events", events,
                 "--format", "json")
    assert result.exit_code == 0, result.output
    (mine,) = [r for r in json.loads(result.stdout)["results"] if r["agent"] == "1001"]
    return mine["pay"]["components"]


def slow(day: str, seconds: int, count: int, hour: int = 10) -> list[str]:
    return [f"2026-10-{day} {hour}:{i:02d}:00,首响,{seconds},,T{day}{hour}{i}," for i in range(count)]


@pytest.mark.parametrize(("count", "seconds", "paid"), [
    (3, 61, PERFORMANCE),  # 3 in one day is not "more than 3"
    (4, 61, "0.00"),  # the 4th cancels
    (4, 60, PERFORMANCE),  # 60 s is not over 60 s
])
def test_S4_P24_more_than_3_slow_first_responses_in_one_day(tmp_path, count, seconds, paid):
    assert pay_of_1001(tmp_path, slow("12", seconds, count))["performance"] == paid


def test_S4_P24_four_slow_responses_on_two_days_do_not_cancel(tmp_path):
    assert pay_of_1001(tmp_path, slow("12", 61, 2) + slow("13", 61, 2))["performance"] == PERFORMANCE


def test_S4_P24_a_utc_day_split_by_the_zone_is_two_local_days(tmp_path):
    """Four slow replies on 2026-10-12 UTC, two before and two after 16:00 UTC (midnight in Shanghai)."""
    rows = [f"2026-10-12T{hour}:00:00Z,首响,61,,T{hour}," for hour in (14, 15, 16, 17)]
    assert pay_of_1001(tmp_path, rows)["performance"] == PERFORMANCE
    rows = [f"2026-10-12T{hour}:00:00Z,首响,61,,T{hour}," for hour in (10, 11, 12, 13)]
    assert pay_of_1001(tmp_path, rows)["performance"] == "0.00"


@pytest.mark.parametrize(("seconds", "paid"), [(200, PERFORMANCE), (201, "0.00")])
def test_S4_P24_any_single_response_over_200_seconds(tmp_path, seconds, paid):
    assert pay_of_1001(tmp_path, slow("12", seconds, 1))["performance"] == paid


def test_cancelling_twice_cancels_once_and_leaves_other_components(tmp_path):
    pay = pay_of_1001(tmp_path, [*slow("12", 300, 4), "2026-10-20 09:00,未回复,,,T9,"])
    assert pay == {"base": "3000.00", "performance": "0.00"}


def test_the_trace_records_each_clause_value(tmp_path):
    policy = tmp_path / "shop.yaml"
    policy.write_text(S0_POLICY.read_text(encoding="utf-8") + CLAUSES, encoding="utf-8")
    events = events_file(tmp_path / "events.csv", [f"1001,{row}" for row in slow("12", 201, 4) + slow("14", 61, 4)])
    result = run("explain", "--full",
                 "-p", policy, "-m", S0_METRICS, "-r", S0_ROSTER, "--period", "2026-10", "--events", events,
                 "-a", "1001", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    steps = {s["name"]: s for s in json.loads(result.stdout)["steps"]}
    assert (steps["slow_day"]["value"], steps["very_slow"]["value"], steps["unanswered"]["value"]) == ("2", "1", "0")
    assert steps["slow_day"]["formula"] == "days with more than 3 'First response' events with value > 60 s"


def test_penalty_clauses_without_an_events_file_are_warned_about(tmp_path):
    """No --events: no clause can fire, and a user must not read full pay as 'no breaches'."""
    policy = tmp_path / "shop.yaml"
    policy.write_text(S0_POLICY.read_text(encoding="utf-8") + CLAUSES, encoding="utf-8")
    base = ["-p", str(policy), "-m", str(S0_METRICS), "-r", str(S0_ROSTER)]
    result = run("evaluate", *base, "--format", "json")
    assert result.exit_code == 0, result.output
    assert "方案有罚则（slow_day, very_slow, unanswered），但没有给出 --events 事件文件" in result.stderr
    recorded = run("run", "--period", "2026-10", *base, "--db", tmp_path / "l.db", "--lang", "en")
    assert recorded.exit_code == 0, recorded.output
    assert "no --events file was given" in recorded.stderr


@pytest.mark.parametrize(("seconds", "paid"), [(300, PERFORMANCE), (301, "0.00")])
def test_S4_P24_a_response_over_300_seconds_cancels_another_component(tmp_path, seconds, paid):
    """300 vs 301 s; the 200 s clause is moved to 400 s so only the 300 s clause can fire."""
    clauses = CLAUSES + """  very_slow_300:
    label: {zh: 首次响应超过300秒, en: A first response over 300 s}
    kind: first_response
    value_over: 300
    cancels: [base]
"""
    pay = pay_of_1001(tmp_path, slow("12", seconds, 1), clauses.replace("value_over: 200", "value_over: 400"))
    assert pay == {"base": "3000.00" if paid == PERFORMANCE else "0.00", "performance": PERFORMANCE}


@pytest.mark.parametrize(("days", "paid"), [(("10", "11"), "0.00"), (("18", "19"), PERFORMANCE)])
def test_a_natural_week_runs_monday_to_sunday_in_the_zone(tmp_path, days, paid):
    """2026-10-11 is a Sunday: Sat 10th + Sun 11th are one week, Sun 18th + Mon 19th are two."""
    clauses = CLAUSES.replace("per: day", "per: week")
    rows = slow(days[0], 61, 2) + slow(days[1], 61, 2)
    assert pay_of_1001(tmp_path, rows, clauses)["performance"] == paid
