"""The events reader (engine.data.events) against a straightforward reference written here: on generated
files, read_events gives exactly the events (by repr: tzinfo, fold and Decimal exponents count) and
exactly the issues (row, column, en and zh) that the plain reading of the rules gives. The reference
reads each row the obvious way (replace(tzinfo=zone), a round trip through UTC for a skipped time, the
other fold for a repeated one, the month by strftime, the day by date()), so a faster reading of the
same rules (one date per day, combine for the zone, times and order numbers read inline) cannot drift
from them. The files are plain, so the fast reader is the one held (asserted), and the general
readers' rows are the reference's input."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.data import event_rows
from engine.data import events as module
from engine.data.event_rows import EventRows, Unsure, fast_rows, general_rows
from engine.data.events import event_fields, read_events
from engine.errors import DataError, DataIssue
from engine.model.events import Event
from engine.model.penalties import EventVocabulary
from engine.policy.sections import choices_of

KINDS = {
    "first_response": {"label": {"zh": "首次响应", "en": "First response"}, "aliases": ["首响"]},
    "no_reply": {"label": "未回复"},
    "price_loss": {"label": {"zh": "改价损失", "en": "Price loss"}},
}
HEADER = ["工号", "时间", "类型", "数值/秒", "金额", "订单号", "备注"]
KEYS = ["agent", "time", "kind", "value", "amount", "order", "note"]


def reference(read: EventRows, vocabulary: EventVocabulary, agents: set[str],
              period: str) -> tuple[list[Event], list[DataIssue], list[DataIssue]]:
    """(events, issues, notes) by the rules read plainly, one row at a time."""
    zone, path, columns = ZoneInfo(vocabulary.zone), read.path, read.columns
    found, issues, notes, seen = [], [], [], {}
    # A written local time is checked against the clocks in a month they change in (elsewhere a time
    # that cannot exist is reported as outside the month): the rule as it stands, not changed here.
    checked = module.clocks_change(zone, period)
    for row, agent, moment, kind, value, amount, order, note in read.rows:
        if moment.tzinfo is None:
            at = local = moment.replace(tzinfo=zone)
            if checked and local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment:
                issues.append(module._skipped_time(path, row, columns, moment, vocabulary.zone))
                continue
            if checked and local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
                issues.append(module._repeated_time(path, row, columns, local, vocabulary.zone))
                continue
        else:
            try:
                at, local = moment, moment.astimezone(zone)
            except OverflowError:
                issues.append(module._off_calendar(path, row, columns, moment, vocabulary.zone))
                continue
        shown = local.strftime("%Y-%m-%d %H:%M:%S")
        if local.strftime("%Y-%m") != period:
            if vocabulary.outside == "ignore":
                notes.append(DataIssue(
                    path, row, columns["time"],
                    f"the event at {shown} ({vocabulary.zone}) is outside {period}: ignored (events: outside: ignore)",
                    zh=f"事件时间 {shown}（{vocabulary.zone}）不在 {period} 内：已忽略（events: outside: ignore）"))
            else:
                issues.append(DataIssue(
                    path, row, columns["time"],
                    f"the event at {shown} ({vocabulary.zone}) is outside {period}; remove it, evaluate "
                    "its month, or declare `events: {outside: ignore}`",
                    zh=f"事件时间 {shown}（{vocabulary.zone}）不在 {period} 内；请删除该行、改为评估它所在的月份，"
                    "或在政策中声明 `events: {outside: ignore}`"))
            continue
        if agent not in agents:
            issues.append(DataIssue(
                path, row, columns["agent"],
                f"agent {agent} has no result for {period}, so an event cannot apply; check the id or the month",
                zh=f"客服 {agent} 在 {period} 没有考核数据，事件无法计入；请核对工号或月份"))
            continue
        # One instant, however it is written: the key is the time in UTC.
        key = (agent, at.astimezone(UTC), kind, order)
        if key in seen:
            issues.append(DataIssue(
                path, row, columns["time"],
                f"the same event (agent {agent}, {shown}, {kind}, order {order or '-'}) is "
                f"already on row {seen[key]}; remove the duplicate so it is not counted twice",
                zh=f"与第 {seen[key]} 行是同一事件（客服 {agent}、{shown}、{kind}、订单 {order or '-'}）；"
                "请删除重复行，以免重复计算"))
            continue
        seen[key] = row
        if value is None and kind in vocabulary.valued:
            issues.append(module._needs("value", path, row, columns, vocabulary.kinds[kind][0]))
            continue
        if amount is None and kind in vocabulary.costed:
            issues.append(module._needs("amount", path, row, columns, vocabulary.kinds[kind][0]))
            continue
        found.append(Event(agent, at, local.date(), kind, value, amount, order, note, f"{path} row {row}"))
    return found, issues, notes


def shown(issues) -> list[tuple]:
    return [(i.file, i.row, i.column, i.cell, i.message, i.zh) for i in issues]


# Around both of New York's clock changes in 2026 (03-08 02:00 skipped, 11-01 01:00-02:00 twice), and
# Shanghai's month ends; a few minutes either side of midnight and of the changes.
MOMENTS = {"America/New_York": [datetime(2026, 3, 8, 2, 0), datetime(2026, 11, 1, 1, 0), datetime(2026, 11, 1),
                                datetime(2026, 10, 31, 23, 0), datetime(2026, 3, 1), datetime(2026, 4, 1)],
           "Asia/Shanghai": [datetime(2026, 10, 1), datetime(2026, 11, 1), datetime(2026, 10, 15, 12, 0)]}
PERIODS = {"America/New_York": ["2026-03", "2026-10", "2026-11"], "Asia/Shanghai": ["2026-10", "2026-11"]}


@st.composite
def time_cell(draw, zone: str) -> str:
    """A moment near an edge, written as a local time (with or without seconds, by space or T), in UTC
    or with an offset."""
    moment = draw(st.sampled_from(MOMENTS[zone])) + timedelta(minutes=draw(st.integers(-90, 90)),
                                                                seconds=draw(st.sampled_from([0, 0, 30])))
    how = draw(st.sampled_from(["local", "local", "local", "minutes", "T", "utc", "offset"]))
    if how == "local":
        return moment.isoformat(" ")
    if how == "minutes":
        return moment.isoformat(" ", "minutes")
    if how == "T":
        return moment.isoformat()
    fold = draw(st.integers(0, 1))
    instant = moment.replace(tzinfo=ZoneInfo(zone), fold=fold)
    if how == "utc":
        return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return instant.isoformat()


@st.composite
def event_file(draw):
    zone = draw(st.sampled_from(sorted(MOMENTS)))
    rows = draw(st.lists(st.tuples(
        st.sampled_from(["A1", "A1", "A2", "A9"]), time_cell(zone),
        st.sampled_from(["首响", "first_response", "未回复", "改价损失"]),
        st.sampled_from(["", "61", "200", "61.50"]), st.sampled_from(["", "35.50", "0"]),
        st.sampled_from(["", "T1", "T2", "T000000123"]), st.sampled_from(["", "慢"])), min_size=1, max_size=12))
    rows = [list(row) for row in rows]
    for _ in range(draw(st.integers(0, 3))):  # the same event again, maybe written another way
        again = list(draw(st.sampled_from(rows)))
        moment = datetime.fromisoformat(again[1])
        if moment.tzinfo is None and draw(st.booleans()):  # a local time again in UTC or with its offset
            moment = moment.replace(tzinfo=ZoneInfo(zone), fold=draw(st.integers(0, 1)))
            again[1] = moment.isoformat()
        if moment.tzinfo is not None and draw(st.booleans()):
            again[1] = moment.astimezone(UTC).isoformat()
        rows.insert(draw(st.integers(0, len(rows))), again)
    vocabulary = EventVocabulary(zone, draw(st.sampled_from(["refuse", "ignore"])), choices_of(KINDS),
                                 draw(st.sampled_from([frozenset(), frozenset({"first_response"})])),
                                 draw(st.sampled_from([frozenset(), frozenset({"price_loss"})])))
    return rows, vocabulary, draw(st.sampled_from(PERIODS[zone])), draw(st.sampled_from(["csv", "jsonl"]))


def write(path, rows, form: str):
    if form == "csv":
        text = io.StringIO(newline="")
        csv.writer(text).writerows([HEADER, *rows])
        path.write_text(text.getvalue(), encoding="utf-8")
    else:
        path.write_text("".join(json.dumps({k: c for k, c in zip(KEYS, row, strict=True) if c}, ensure_ascii=False)
                                + "\n" for row in rows), encoding="utf-8")
    return path


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=event_file())
def test_the_reader_gives_exactly_the_reference_events_and_issues(tmp_path, case):
    rows, vocabulary, period, form = case
    path = write(tmp_path / f"events.{form}", rows, form)
    fields = event_fields(vocabulary)
    fast = fast_rows(path, fields)
    assert fast is not None  # a plain file: the fast reader is the one under test
    try:
        fast_list = list(fast.rows)
    except Unsure:  # only a time the column reader refuses makes it unsure, and none is generated here
        raise AssertionError("the fast reader was unsure of a plain file") from None
    general = general_rows(path, fields)
    assert repr(fast_list) == repr(general.rows)
    expected, issues, notes = reference(general, vocabulary, {"A1", "A2"}, period)
    try:
        found, said = read_events(path, vocabulary, {"A1", "A2"}, period)
    except DataError as error:
        assert issues, "refused a file the reference reads"
        assert shown(error.issues) == shown(issues)
        return
    assert not issues, f"read a file the reference refuses: {shown(issues)}"
    assert repr(found) == repr(tuple(expected))
    assert [e.day for e in found] == [e.day for e in expected]  # repr shows it too; said plainly
    assert shown(said) == shown(notes)


def test_the_reference_sees_what_the_generator_makes():
    """The strategy reaches every rule: a skipped time, a repeated one, another month, an unknown agent,
    a duplicate written in UTC, a missing value and amount, and events read."""
    zone = ZoneInfo("America/New_York")
    rows = [["A1", "2026-03-08 02:30:00", "未回复", "", "", "T1", ""],
            ["A1", "2026-11-01 01:30", "未回复", "", "", "T1", ""],
            ["A1", "2026-10-31 23:30:00", "未回复", "", "", "T1", ""],
            ["A9", "2026-11-02 10:00:00", "未回复", "", "", "T1", ""],
            ["A1", "2026-11-02T10:00:00-05:00", "未回复", "", "", "T1", ""],
            ["A1", "2026-11-02T15:00:00Z", "no_reply", "", "", "T1", ""],
            ["A2", "2026-11-02 10:00:00", "首响", "", "", "", ""],
            ["A2", "2026-11-02 10:00:00", "改价损失", "", "", "", ""],
            ["A2", "2026-11-30T23:59:59", "首响", "61", "", "", "慢"]]
    vocabulary = EventVocabulary("America/New_York", "refuse", choices_of(KINDS), frozenset({"first_response"}),
                                 frozenset({"price_loss"}))
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "events.csv", rows, "csv")
        general = general_rows(path, event_fields(vocabulary))
        found, issues, _ = reference(general, vocabulary, {"A1", "A2"}, "2026-11")
        assert [(i.row, i.column) for i in issues] == [(2, "时间"), (3, "时间"), (4, "时间"), (5, "工号"), (7, "时间"),
                                                       (8, "数值/秒"), (9, "金额")]
        assert "does not exist in America/New_York" in issues[0].message
        assert "happened twice in America/New_York" in issues[1].message
        assert "is outside 2026-11" in issues[2].message
        assert "already on row 6" in issues[4].message
        assert [(e.source.endswith("row 6"), e.at, e.day.isoformat()) for e in found] == [
            (True, datetime(2026, 11, 2, 10, tzinfo=timezone(timedelta(hours=-5))), "2026-11-02"),
            (False, datetime(2026, 11, 30, 23, 59, 59, tzinfo=zone), "2026-11-30")]
        try:
            read_events(path, vocabulary, {"A1", "A2"}, "2026-11")
        except DataError as error:
            assert shown(error.issues) == shown(issues)
        else:
            raise AssertionError("read_events read a file with seven bad rows")


@given(st.lists(st.sampled_from(["a", ",", '"', "\n", "\r\n", "首", " "]), max_size=30).map("".join))
def test_lines_are_the_lines_io_gives_without_its_copy(text):
    """The fast CSV reader's lines are io.StringIO(text, newline='')'s, for every text without a lone CR
    (a text with one is left to the general reader: next test)."""
    assert list(event_rows.lines(text)) == list(io.StringIO(text, newline=""))


def test_a_file_whose_lines_end_in_a_lone_cr_is_read_by_the_general_reader_alike(tmp_path):
    vocabulary = EventVocabulary("Asia/Shanghai", "refuse", choices_of(KINDS))
    path = tmp_path / "events.csv"
    path.write_bytes("工号,时间,类型,订单号\rA1,2026-10-12 14:03:20,未回复,T1\rA2,2026-10-12 14:04,未回复,T2\r"
                     .encode())
    assert fast_rows(path, event_fields(vocabulary)) is None
    found, _ = read_events(path, vocabulary, {"A1", "A2"}, "2026-10")
    assert [(e.agent, e.order, e.source[-5:]) for e in found] == [("A1", "T1", "row 2"), ("A2", "T2", "row 3")]
