"""Events (`--events`): the 'datetime' cell kind, the policy's `events:` vocabulary and the reader."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from engine.data.cells import CellError, parse_datetime

SHANGHAI_OFFSET = timezone(timedelta(hours=8))


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-10-12 14:03:20", datetime(2026, 10, 12, 14, 3, 20)),
    ("2026/10/12 14:03", datetime(2026, 10, 12, 14, 3)),
    ("2026年10月12日 14时03分20秒", datetime(2026, 10, 12, 14, 3, 20)),
    ("２０２６-10-12 9:05", datetime(2026, 10, 12, 9, 5)),
    ("2026-10-12T06:03:20Z", datetime(2026, 10, 12, 6, 3, 20, tzinfo=UTC)),
    ("2026-10-12T14:03:20+08:00", datetime(2026, 10, 12, 14, 3, 20, tzinfo=SHANGHAI_OFFSET)),
    (datetime(2026, 10, 12, 14, 3), datetime(2026, 10, 12, 14, 3)),
])
def test_datetime_cells_are_naive_without_an_offset_and_instants_with_one(raw, expected):
    value = parse_datetime(raw)
    assert value == expected
    assert (value.tzinfo is None) == (expected.tzinfo is None)


@pytest.mark.parametrize(("raw", "message", "zh"), [
    ("2026-10-12", "expected a date and time", "期望一个日期时间"),
    ("2026-02-30 10:00", "'2026-02-30 10:00' is not a real date and time", "不是一个有效的日期时间"),
    ("2026-10-12 25:00", "is not a real date and time", "不是一个有效的日期时间"),
    ("soon", "expected a date and time", "实际是 'soon'"),
    (12, "expected a date and time", "实际是 12"),
])
def test_bad_datetime_cells_say_what_was_expected(raw, message, zh):
    with pytest.raises(CellError) as caught:
        parse_datetime(raw)
    assert message in str(caught.value)
    assert zh in caught.value.zh


def test_events_section_compiles_to_the_vocabulary(tmp_path):
    """Kinds keep their labels and aliases; `outside` defaults to refuse; no section, no vocabulary."""
    from check_base import BASE, mutate
    from check_cases_events import EVENTS

    from engine.pipeline import prepare

    path = tmp_path / "p.yaml"
    path.write_text(mutate(EVENTS), encoding="utf-8")
    events = prepare(path)[0].events
    assert (events.zone, events.outside, str(events.tz)) == ("Asia/Shanghai", "refuse", "Asia/Shanghai")
    assert list(events.kinds) == ["first_response", "no_reply", "bad_review"]
    assert events.kinds["first_response"][1] == ("首响",)
    path.write_text(BASE, encoding="utf-8")
    assert prepare(path)[0].events is None
