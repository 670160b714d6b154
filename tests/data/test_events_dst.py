"""Events in the hour the clocks repeat (issue 14, section 6): duplicates compare instants, and a
local time the clocks showed twice is refused at its cell, asking for its offset, as one they
skipped is (F20). In America/New_York the clocks go back on 2026-11-01 at 02:00 EDT to 01:00 EST:
01:30 happens at 05:30Z and again at 06:30Z. Every file form (CSV, XLSX, JSON Lines) and both
readers (fast and general) agree."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta, timezone

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.data.events import read_events, read_events_generally
from engine.errors import DataError
from engine.model.penalties import EventVocabulary
from engine.policy.sections import choices_of

NEW_YORK = EventVocabulary("America/New_York", "refuse", choices_of({"no_reply": {"label": "未回复"}}),
                           frozenset(), frozenset())
HEADER = ["工号", "时间", "类型", "订单号"]
READS = [read_events, read_events_generally]


def write(tmp_path, form: str, rows: list[list[object]]):
    """The rows as an events file of `form` (csv, xlsx or jsonl) under the same header."""
    path = tmp_path / f"events.{form}"
    if form == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([HEADER, *rows])
        path.write_text(out.getvalue(), encoding="utf-8")
    elif form == "xlsx":
        book = openpyxl.Workbook()
        for row in (HEADER, *rows):
            book.active.append(row)
        book.save(path)
    else:
        path.write_text("".join(json.dumps(dict(zip(HEADER, row, strict=True)), ensure_ascii=False,
                                           default=str) + "\n" for row in rows), encoding="utf-8")
    return path


def issues(read, path, period="2026-11"):
    with pytest.raises(DataError) as caught:
        read(path, NEW_YORK, {"1001"}, period)
    return [(i.row, i.column, i.message, i.zh) for i in caught.value.issues]


REPEATED = ("2026-11-01 01:30:00 happened twice in America/New_York: the clocks went back (daylight saving ended), "
            "so the time does not say which; write it with its offset (2026-11-01T01:30:00-04:00 the first time, "
            "2026-11-01T01:30:00-05:00 the second)",
            "2026-11-01 01:30:00 在 America/New_York 出现了两次：夏令时结束时时钟回拨，仅凭这个时间无法确定是哪一次；"
            "请写上时差（第一次为 2026-11-01T01:30:00-04:00，第二次为 2026-11-01T01:30:00-05:00）")


@pytest.mark.parametrize("read", READS)
@pytest.mark.parametrize(("form", "cell"), [("csv", "2026-11-01 01:30"), ("jsonl", "2026-11-01 01:30:00"),
                                            ("xlsx", datetime(2026, 11, 1, 1, 30)), ("xlsx", "2026/11/1 1:30")])
def test_a_local_time_the_clocks_showed_twice_is_refused_asking_for_its_offset(tmp_path, read, form, cell):
    path = write(tmp_path, form, [["1001", "2026-11-01 00:59:59", "未回复", "A"], ["1001", cell, "未回复", "B"],
                                  ["1001", "2026-11-01 02:00", "未回复", "C"]])
    assert issues(read, path) == [(2 + (form != "jsonl"), "时间", *REPEATED)]


SAME_EVENT = ("the same event (agent 1001, {shown}, no_reply, order T1) is already on row {first}; remove the "
              "duplicate so it is not counted twice")


@pytest.mark.parametrize("read", READS)
@pytest.mark.parametrize("form", ["csv", "jsonl", "xlsx"])
@pytest.mark.parametrize(("first", "again", "shown"), [
    ("2026-11-01T01:30:00-04:00", "2026-11-01T05:30:00Z", "2026-11-01 01:30:00"),  # the first 01:30
    ("2026-11-01T01:30:00-05:00", "2026-11-01T06:30:00+00:00", "2026-11-01 01:30:00"),  # the second
    ("2026-11-01T06:30:00Z", "2026-11-01T01:30-05:00", "2026-11-01 01:30:00"),
    ("2026-11-01 03:00", "2026-11-01T08:00:00Z", "2026-11-01 03:00:00"),  # local, after the change
    ("2026-11-01 00:30", "2026-11-01T04:30:00Z", "2026-11-01 00:30:00"),  # local, before it
])
def test_one_event_written_in_local_time_and_in_utc_is_a_duplicate(tmp_path, read, form, first, again, shown):
    path = write(tmp_path, form, [["1001", first, "未回复", "T1"], ["1001", again, "未回复", "T1"]])
    line = 1 if form == "jsonl" else 2
    message = SAME_EVENT.format(shown=shown, first=line)
    assert [(row, column, text) for row, column, text, _ in issues(read, path)] == [(line + 1, "时间", message)]


@pytest.mark.parametrize("read", READS)
@pytest.mark.parametrize("form", ["csv", "jsonl", "xlsx"])
def test_the_two_0130s_written_with_their_offsets_are_two_events_of_one_day(tmp_path, read, form):
    path = write(tmp_path, form, [["1001", "2026-11-01T01:30:00-04:00", "未回复", "T1"],
                                  ["1001", "2026-11-01T01:30:00-05:00", "未回复", "T1"]])
    events, _ = read(path, NEW_YORK, {"1001"}, "2026-11")
    assert [(e.at.astimezone(UTC).isoformat(), e.day.isoformat()) for e in events] == [
        ("2026-11-01T05:30:00+00:00", "2026-11-01"), ("2026-11-01T06:30:00+00:00", "2026-11-01")]


# -- both readers, every spelling of a time around the change --------------------------------------

BACK = datetime(2026, 11, 1, 5, 0, tzinfo=UTC)  # 01:00 EDT: the first of the two hours 01:00–02:00 begins


@st.composite
def written_time(draw) -> str:
    """One instant within three hours of the change, written in local time, in UTC or with an offset."""
    # Half hours from 00:00 EDT on the 1st: few enough instants that files often hold one twice.
    instant = BACK + timedelta(minutes=30 * draw(st.integers(-2, 6)))
    local = instant.astimezone(NEW_YORK.tz)
    form = draw(st.sampled_from(["local", "utc", "offset", "Beijing"]))
    if form == "local":
        return f"{local:%Y-%m-%d %H:%M:%S}"
    if form == "utc":
        return f"{instant:%Y-%m-%dT%H:%M:%S}Z"
    if form == "offset":
        return local.isoformat()
    return instant.astimezone(timezone(timedelta(hours=8))).isoformat()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(times=st.lists(written_time(), min_size=1, max_size=6), orders=st.lists(st.sampled_from(["T1", "T2"]),
                                                                                 min_size=6, max_size=6),
       form=st.sampled_from(["csv", "jsonl"]))
def test_fast_and_general_readers_agree_and_never_keep_one_instant_twice(tmp_path, times, orders, form):
    path = write(tmp_path, form, [["1001", time, "未回复", order] for time, order in zip(times, orders, strict=False)])
    outcomes = []
    for read in READS:
        try:
            events, _ = read(path, NEW_YORK, {"1001"}, "2026-11")
        except DataError as error:
            outcomes.append(("refused", [(i.row, i.column, i.message, i.zh) for i in error.issues]))
            continue
        instants = [(e.order, e.at.astimezone(UTC)) for e in events]
        assert len(set(instants)) == len(instants)
        for event in events:  # a local time is one the clocks showed once
            assert event.at.replace(fold=1).utcoffset() == event.at.utcoffset() or event.at.tzinfo is not NEW_YORK.tz
        outcomes.append(("read", repr(events)))
    assert outcomes[0] == outcomes[1]
