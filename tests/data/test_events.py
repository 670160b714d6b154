"""Events (`--events`): the 'datetime' cell kind, the policy's `events:` vocabulary and the reader."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from harness.cli import run

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
    from engine.pipeline import prepare
    from tests.policy.check_base import BASE, mutate
    from tests.policy.check_cases_events import EVENTS

    path = tmp_path / "p.yaml"
    path.write_text(mutate(EVENTS), encoding="utf-8")
    events = prepare(path)[0].events
    assert (events.zone, events.outside, str(events.tz)) == ("Asia/Shanghai", "refuse", "Asia/Shanghai")
    assert list(events.kinds) == ["first_response", "no_reply", "bad_review"]
    assert events.kinds["first_response"][1] == ("首响",)
    path.write_text(BASE, encoding="utf-8")
    assert prepare(path)[0].events is None


def vocabulary(outside: str = "refuse"):
    from engine.model.penalties import EventVocabulary
    from engine.policy.sections import choices_of

    return EventVocabulary("Asia/Shanghai", outside, choices_of({
        "first_response": {"label": {"zh": "首次响应", "en": "First response"}, "aliases": ["首响"]},
        "no_reply": {"label": "未回复"},
        "price_loss": {"label": "改价损失"},
    }))


HEADER = "工号,时间,类型,数值/秒,金额,订单号,备注\n"


def read(tmp_path, rows: str, *, encoding="utf-8", outside="refuse", agents=("A1", "A2")):
    from engine.data.events import read_events

    path = tmp_path / "events.csv"
    path.write_bytes((HEADER + rows).encode(encoding))
    return read_events(path, vocabulary(outside), set(agents), "2026-10")


def issues_of(tmp_path, rows: str, **options):
    from engine.errors import DataError

    with pytest.raises(DataError) as caught:
        read(tmp_path, rows, **options)
    return [(i.row, i.column, i.message, i.zh) for i in caught.value.issues]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_events_are_read_with_kinds_by_alias_and_days_in_the_policy_zone(tmp_path, encoding):
    """A time with Z is an instant: 2026-10-12T20:00Z is 10月13日 04:00 in Shanghai, so its day is the 13th."""
    from datetime import date
    from decimal import Decimal

    events, notes = read(tmp_path, "A1,2026-10-12 14:03:20,首响,201,,T1001,慢\n"
                                   "A2,2026-10-12T20:00:00Z,改价损失,,35.50,T1002,\n", encoding=encoding)
    assert notes == ()
    first, loss = events
    assert (first.agent, first.kind, first.value, first.amount, first.order, first.note) == (
        "A1", "first_response", Decimal(201), None, "T1001", "慢")
    assert first.day == date(2026, 10, 12) and first.at.utcoffset() == timedelta(hours=8)
    assert (loss.kind, loss.amount, loss.day, loss.value) == ("price_loss", Decimal("35.50"), date(2026, 10, 13), None)
    assert first.source.endswith("events.csv row 2")


def test_an_xlsx_events_file_reads_datetime_cells(tmp_path):
    from openpyxl import Workbook

    from engine.data.events import read_events

    book = Workbook()
    sheet = book.active
    sheet.append(["客服", "时间", "类型", "订单号"])
    sheet.append(["A1", datetime(2026, 10, 31, 23, 59), "未回复", "T9"])
    path = tmp_path / "events.xlsx"
    book.save(path)
    (event,), _ = read_events(path, vocabulary(), {"A1"}, "2026-10")
    assert (event.kind, event.at.hour, event.day.day, event.value) == ("no_reply", 23, 31, None)


def test_every_bad_event_cell_is_refused_with_its_row_and_column(tmp_path):
    found = issues_of(tmp_path, "A1,2026-10-12 16:00,迟到,,,T3,\n"  # undeclared kind
                                "A1,2026-10-12,首响,10,,T4,\n"  # no time of day
                                "A1,2026-10-12 17:00,首响,-5,,T5,\n")  # negative seconds
    assert [(row, column) for row, column, _, _ in found] == [(2, "类型 (C)"), (3, "时间 (B)"), (4, "数值/秒 (D)")]
    assert "迟到" in found[0][2] and "first_response" in found[0][2]
    assert "expected a date and time" in found[1][2] and "期望一个日期时间" in found[1][3]


def test_every_event_that_cannot_apply_is_refused_with_its_row(tmp_path):
    found = issues_of(tmp_path, "A1,2026-10-12 14:03,首响,201,,T1,\n"
                                "A1,2026-10-12 14:03,首次响应,201,,T1,\n"  # the same event again
                                "A9,2026-10-12 15:00,首响,10,,T2,\n"  # agent with no result this month
                                "A2,2026-11-01 00:00,未回复,,,T6,\n"  # outside the month
                                "A2,2026-10-31T16:00:00Z,未回复,,,T7,\n")  # 11月1日 00:00 in Shanghai
    assert [(row, column) for row, column, _, _ in found] == [(3, "时间"), (4, "工号"), (5, "时间"), (6, "时间")]
    by_row = {row: (message, zh) for row, _, message, zh in found}
    assert "already on row 2" in by_row[3][0] and "与第 2 行是同一事件" in by_row[3][1]
    assert "agent A9 has no result for 2026-10" in by_row[4][0] and "没有考核数据" in by_row[4][1]
    assert "2026-11-01 00:00:00 (Asia/Shanghai) is outside 2026-10" in by_row[6][0]
    assert "outside: ignore" in by_row[6][1]


def test_outside_ignore_skips_with_a_note(tmp_path):
    events, notes = read(tmp_path, "A1,2026-09-30 23:59:59,首响,10,,T1,\nA1,2026-10-01 00:00,首响,10,,T2,\n",
                         outside="ignore")
    assert [e.order for e in events] == ["T2"]
    ((row, message, zh),) = [(n.row, n.message, n.zh) for n in notes]
    assert row == 2 and "2026-09-30 23:59:59 (Asia/Shanghai) is outside 2026-10: ignored" in message
    assert "已忽略" in zh


def test_the_same_time_and_kind_on_two_orders_are_two_events(tmp_path):
    events, _ = read(tmp_path, "A1,2026-10-12 14:03,首响,61,,T1,\nA1,2026-10-12 14:03,首响,61,,T2,\n")
    assert [e.order for e in events] == ["T1", "T2"]


ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
S0_POLICY = ROOT / "policies" / "s0_shop.yaml"
S0_METRICS = ROOT / "examples" / "s0" / "metrics.csv"
S0_ROSTER = ROOT / "examples" / "s0" / "roster.csv"
EVENTS_SECTION = """
events:
  zone: Asia/Shanghai
  outside: ignore
  kinds:
    first_response: {label: {zh: 首次响应, en: First response}, aliases: [首响]}
    no_reply: {label: 未回复}
"""


def test_evaluate_and_explain_read_events_against_the_policy(tmp_path):
    """--events is read against the policy's events: section; a skipped event is a note on stderr,
    and pay is unchanged while the policy has no clause that counts events."""
    policy = tmp_path / "shop.yaml"
    policy.write_text(S0_POLICY.read_text(encoding="utf-8") + EVENTS_SECTION, encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text(HEADER + "1001,2026-10-12 14:03,首响,201,,T1,\n1001,2026-09-30 10:00,未回复,,,T2,\n",
                      encoding="utf-8")
    base = ("--policy", policy, "--metrics", S0_METRICS, "--roster", S0_ROSTER, "--period", "2026-10")
    plain = run("evaluate", *base, "--format", "json")
    with_events = run("evaluate", *base, "--events", events, "--format", "json")
    assert with_events.exit_code == 0, with_events.output
    assert with_events.stdout == plain.stdout
    assert "事件时间 2026-09-30 10:00:00（Asia/Shanghai）不在 2026-10 内：已忽略" in with_events.stderr
    assert run("explain", "--full", *base, "--events", events, "--agent", "1001").exit_code == 0


def test_events_need_a_policy_that_declares_them(tmp_path):
    events = tmp_path / "events.csv"
    events.write_text(HEADER + "1001,2026-10-12 14:03,首响,201,,T1,\n", encoding="utf-8")
    result = run("evaluate", "--policy", S0_POLICY, "--metrics", S0_METRICS, "--roster", S0_ROSTER,
                 "--events", events, "--lang", "en")
    assert result.exit_code != 0
    assert "declares no events: section" in result.output


def test_a_bad_events_file_stops_evaluation_with_located_errors(tmp_path):
    policy = tmp_path / "shop.yaml"
    policy.write_text(S0_POLICY.read_text(encoding="utf-8") + EVENTS_SECTION, encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text(HEADER + "9999,2026-10-12 14:03,首响,201,,T1,\n", encoding="utf-8")
    result = run("evaluate", "--policy", policy, "--metrics", S0_METRICS, "--roster", S0_ROSTER, "--events", events)
    assert result.exit_code != 0
    assert "第 2 行" in result.output and "客服 9999 在 2026-10 没有考核数据" in result.output


def test_a_json_lines_events_file_reads_like_a_csv_one(tmp_path):
    from decimal import Decimal

    from engine.data.events import read_events

    path = tmp_path / "events.jsonl"
    path.write_text('{"工号": "A1", "时间": "2026-10-12T06:03:20Z", "类型": "首响", "数值": 61, "订单号": "T1"}\n'
                    "\n"
                    '{"agent": "A2", "time": "2026-10-13 09:00", "kind": "price_loss", "amount": "35.50"}\n',
                    encoding="utf-8")
    (first, loss), notes = read_events(path, vocabulary(), {"A1", "A2"}, "2026-10")
    assert notes == ()
    assert (first.kind, first.value, first.order, first.day.day) == ("first_response", 61, "T1", 12)
    assert first.at == datetime(2026, 10, 12, 14, 3, 20, tzinfo=SHANGHAI_OFFSET)
    assert (loss.agent, loss.amount, loss.order, loss.note, loss.value) == ("A2", Decimal("35.50"), "", "", None)
    assert first.source.endswith("events.jsonl row 1") and loss.source.endswith("row 3")


def test_every_bad_json_line_is_located(tmp_path):
    from engine.data.events import read_events
    from engine.errors import DataError

    path = tmp_path / "events.jsonl"
    path.write_text('{"工号": "A1", "时间": "2026-10-12", "类型": "首响"}\n'
                    '{"工号": "A1", "类型": "首响"}\n'
                    '["A1"]\n'
                    '{"工号": "A1", "时间": "2026-10-12 10:00", "类型": "迟到"\n',
                    encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_events(path, vocabulary(), {"A1"}, "2026-10")
    found = [(i.row, i.column) for i in caught.value.issues]
    assert found == [(1, "时间"), (2, "时间"), (3, ""), (4, "")]
    messages = [i.message for i in caught.value.issues]
    assert "expected a date and time" in messages[0]
    assert "the key for time is missing" in messages[1] and "缺少 时间 键" in caught.value.issues[1].zh
    assert "one JSON object per line" in messages[2] and "not valid JSON" in messages[3]


def test_run_records_the_events_file_among_its_inputs(tmp_path):
    """The ledger fingerprints the events file: another events file is another run (supersede needed)."""
    import hashlib

    from engine.ledger.access import open_ledger

    policy = tmp_path / "shop.yaml"
    policy.write_text(S0_POLICY.read_text(encoding="utf-8") + EVENTS_SECTION, encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text(HEADER + "1001,2026-10-12 14:03,首响,201,,T1,\n", encoding="utf-8")
    db = tmp_path / "ledger.db"
    base = ("run", "--period", "2026-10", "--policy", policy, "--metrics", S0_METRICS, "--roster", S0_ROSTER,
            "--db", db)
    first = run(*base, "--events", events)
    assert first.exit_code == 0, first.output
    recorded = {f.kind: f.sha256 for f in open_ledger(db).current_run("2026-10").inputs}
    assert recorded["events"] == hashlib.sha256(events.read_bytes()).hexdigest()
    events.write_text(HEADER + "1001,2026-10-12 14:03,首响,202,,T1,\n", encoding="utf-8")
    assert run(*base, "--events", events).exit_code != 0  # changed inputs: --supersede required
