"""Reading events files fast (engine.data.event_rows): the fast reader gives exactly the general
reader's events and errors, or leaves the file to it; and kinds a penalty clause reads the value or
the amount of (S4.P24) need one on every row."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from harness.cli import run
from harness.paths import EXAMPLES, S0_POLICY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.data import event_rows
from engine.data.event_rows import EventRows, Unsure, fast_rows, general_rows
from engine.data.events import event_fields, read_events, read_events_generally
from engine.errors import DataError
from engine.model.penalties import EventVocabulary
from engine.policy.sections import choices_of

KINDS = {
    "first_response": {"label": {"zh": "首次响应", "en": "First response"}, "aliases": ["首响"]},
    "no_reply": {"label": "未回复"},
    "price_loss": {"label": {"zh": "改价损失", "en": "Price loss"}},
}
HEADER = ["工号", "时间", "类型", "数值/秒", "金额", "订单号", "备注"]
AGENTS = {"A1", "A2", "1001"}


def vocabulary(outside: str = "refuse", valued: frozenset = frozenset(), costed: frozenset = frozenset(),
               zone: str = "Asia/Shanghai") -> EventVocabulary:
    return EventVocabulary(zone, outside, choices_of(KINDS), valued, costed)


CLAUSED = vocabulary(valued=frozenset({"first_response"}), costed=frozenset({"price_loss"}))


def write_csv(path, rows, header=HEADER, encoding="utf-8", before=()):
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerows([*before, header, *rows])
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def fast_read(path, vocab):
    """The fast reader's rows as a list, or None where it leaves the file to the general readers."""
    read = fast_rows(path, event_fields(vocab))
    if read is None:
        return None
    try:
        return EventRows(read.path, read.columns, list(read.rows))
    except Unsure:
        return None


def outcome(read, path, vocab, agents=AGENTS, period="2026-10"):
    """Events (by repr: tzinfo and Decimal exponents count) and notes, or the issues, exactly."""
    try:
        events, notes = read(path, vocab, agents, period)
    except DataError as error:
        return "refused", [(i.file, i.row, i.column, i.message, i.zh) for i in error.issues]
    return repr(events), [(n.file, n.row, n.column, n.message, n.zh) for n in notes]


def same_both_ways(path, vocab, **options):
    """The same events or issues both ways; and rows the fast reader reads are the general readers' rows."""
    fast = outcome(read_events, path, vocab, **options)
    assert fast == outcome(read_events_generally, path, vocab, **options)
    rows = fast_read(path, vocab)
    if rows is not None:
        general = general_rows(path, event_fields(vocab))
        assert (rows.path, dict(rows.columns), repr(rows.rows)) == (general.path, dict(general.columns),
                                                                    repr(general.rows))
    return fast


PLAIN = [["A1", "2026-10-12 14:03:20", "首响", "201", "", "T1", "慢"],
         ["A2", "2026-10-12T20:00:00Z", "改价损失", "", "35.50", "T2", ""],
         ["1001", "2026-10-31 23:59", "no_reply", "", "", "", ""]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_plain_csv_is_read_by_the_fast_reader_with_the_general_readers_rows(tmp_path, encoding):
    path = write_csv(tmp_path / "events.csv", PLAIN, encoding=encoding)
    fast = fast_read(path, vocabulary())
    assert fast is not None
    assert fast == general_rows(path, event_fields(vocabulary()))
    assert fast.columns == {"agent": "工号", "time": "时间", "kind": "类型", "value": "数值/秒", "amount": "金额",
                            "order": "订单号", "note": "备注"}
    assert repr(fast.rows[1]) == repr((3, "A2", __import__("datetime").datetime.fromisoformat("2026-10-12T20:00:00Z"),
                                       "price_loss", None, Decimal("35.50"), "T2", ""))


def test_a_plain_json_lines_file_is_read_by_the_fast_reader_with_the_general_readers_rows(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text('{"工号": "A1", "时间": "2026-10-12T06:03:20Z", "类型": "首响", "数值": 61, "订单号": "T1"}\n'
                    "\n"
                    '{"agent": "A2", "time": "2026-10-13 09:00", "kind": "price_loss", "amount": "35.50"}\n'
                    '  {"agent": "A2", "time": "2026-10-13 09:00", "kind": "未回复", "amount": 1.5}  \n',
                    encoding="utf-8")
    fast = fast_read(path, vocabulary())
    assert fast is not None and fast == general_rows(path, event_fields(vocabulary()))
    assert [row[0] for row in fast.rows] == [1, 3, 4]
    assert fast.columns == {"agent": "工号", "time": "时间", "kind": "类型", "value": "数值", "amount": "amount",
                            "order": "订单号"}


def test_the_fast_reader_reads_a_plain_file_without_the_general_readers(tmp_path, monkeypatch):
    """A plain file never reaches read_table: that is where the time goes."""
    path = write_csv(tmp_path / "events.csv", PLAIN)

    def refuse(*_):
        raise AssertionError("the general reader was asked")

    monkeypatch.setattr(event_rows, "read_table", refuse)
    events, _ = read_events(path, vocabulary(), AGENTS, "2026-10")
    assert [e.order for e in events] == ["T1", "T2", ""]


def summary(path, vocab):
    """What reading gives, both ways alike: the events' order numbers, or each issue's (row, column)."""
    result, details = same_both_ways(path, vocab)
    if result == "refused":
        return [(row, column) for _, row, column, _, _ in details]
    return [event.order for event in read_events(path, vocab, AGENTS, "2026-10")[0]]


@pytest.mark.parametrize(("rows", "before", "expected"), [
    (PLAIN, [["事件导出"]], ["T1", "T2", ""]),  # a title above the header
    ([*PLAIN, ["合计", "", "", "201", "35.50", "", ""]], (), ["T1", "T2", ""]),  # a summary row, skipped
    ([*PLAIN, ["A1", "2026-10-12 14:03", "首响", "1", "", "T9", "", "x"]], (), [(5, "")]),  # a cell past the header
    ([*PLAIN, ["A1", "2026-10-12 14:03", "首响"]], (), ["T1", "T2", "", ""]),  # optional cells left off the end
    ([*PLAIN, ["A1", "2026-10-12", "首响", "1", "", "T9", ""]], (), [(5, "时间 (B)")]),  # no time of day
    ([*PLAIN, ["A1", "2026-10-12 14:03", "迟到", "1", "", "T9", ""]], (), [(5, "类型 (C)")]),  # undeclared kind
    ([*PLAIN, ["A1", "2026-10-12 14:03", "首响", "1", "", "T9", "a\nA2,x,y,1,,T,"]], (), [(5, "G")]),  # a row in a cell
], ids=["preamble", "summary", "ragged", "short", "bad time", "bad kind", "swallowed"])
def test_files_the_fast_reader_is_unsure_of_go_to_the_general_reader(tmp_path, rows, before, expected):
    path = write_csv(tmp_path / "events.csv", rows, before=before)
    assert fast_read(path, vocabulary()) is None
    assert summary(path, vocabulary()) == expected


@pytest.mark.parametrize(("header", "expected"), [
    (["工号", "时间", "数值"], [(1, ""), (2, "数值 (C)")]),  # no kind column (and 首响 is no number)
    (["工号", "时间", "类型", "type"], [(1, "type (D)")]),  # two kind columns
    (["工号\t时间\t类型"], [""]),  # tab-separated: read_table's tab reading
    (["工号", "时间", "类型", "金额(秒)"], [(1, "金额(秒) (D)")]),  # a unit the amount cannot have
], ids=["no kind", "two kinds", "tabs", "unit"])
def test_headers_the_fast_reader_is_unsure_of_go_to_the_general_reader(tmp_path, header, expected):
    path = write_csv(tmp_path / "events.csv", [["A1", "2026-10-12 14:03", "首响", ""]], header=header)
    if len(header) == 1:
        path.write_text("工号\t时间\t类型\nA1\t2026-10-12 14:03\t首响\n", encoding="utf-8")
    assert fast_read(path, vocabulary()) is None
    assert summary(path, vocabulary()) == expected


def test_an_xlsx_events_file_is_left_to_the_general_reader(tmp_path):
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["A1", datetime(2026, 10, 31, 23, 59), "未回复"])
    path = tmp_path / "events.xlsx"
    book.save(path)
    assert fast_read(path, vocabulary()) is None
    assert same_both_ways(path, vocabulary())[0] != "refused"


def test_blank_rows_and_trailing_empty_cells_stay_on_the_fast_reader(tmp_path):
    path = write_csv(tmp_path / "events.csv", [PLAIN[0], [], ["", "", ""], [*PLAIN[1], "", " "]])
    fast = fast_read(path, vocabulary())
    assert fast is not None and [row[0] for row in fast.rows] == [2, 5]
    same_both_ways(path, vocabulary())


# -- value and amount that a clause reads (S4.P24) ----------------------------------------------------

def issues(read, path, vocab=CLAUSED):
    with pytest.raises(DataError) as caught:
        read(path, vocab, AGENTS, "2026-10")
    return [(i.row, i.column, i.message, i.zh) for i in caught.value.issues]


@pytest.mark.parametrize("read", [read_events, read_events_generally])
def test_S4_P24_a_kind_a_clause_compares_needs_a_value_and_a_costed_kind_an_amount(tmp_path, read):
    path = write_csv(tmp_path / "events.csv", [
        ["A1", "2026-10-12 14:03", "首响", "61", "", "T1", ""],
        ["A1", "2026-10-12 14:04", "首响", "", "", "T2", ""],  # no value: refused
        ["A1", "2026-10-12 14:05", "首响", "-", "", "T3", ""],  # a dash is no value either
        ["A2", "2026-10-12 14:06", "改价损失", "", "", "T4", ""],  # no amount: refused
        ["A2", "2026-10-12 14:07", "改价损失", "", "0", "T5", ""],  # 0 is an amount
        ["A2", "2026-10-12 14:08", "未回复", "", "", "T6", ""],  # no clause reads either
    ])
    found = issues(read, path)
    assert [(row, column) for row, column, _, _ in found] == [(3, "数值/秒"), (4, "数值/秒"), (5, "金额")]
    assert found[0][2] == "a 'First response' event needs a value in seconds: a penalty clause compares its value; " \
        "fill it in"
    assert found[0][3] == "首次响应事件需要数值（秒）：方案中有罚则比较它的数值；请填上"
    assert found[2][2] == "a 'Price loss' event needs an amount in yuan (the loss): a penalty clause deducts or " \
        "charges its amount; fill it in"
    assert found[2][3] == "改价损失事件需要金额（元，即损失）：方案中有罚则按它的金额扣款或收费；请填上"


@pytest.mark.parametrize("read", [read_events, read_events_generally])
def test_S4_P24_without_a_value_or_amount_column_the_kind_column_is_named(tmp_path, read):
    rows = [["A1", "2026-10-12 14:03", "首响"], ["A2", "2026-10-12 14:04", "改价损失"],
            ["A2", "2026-10-12 14:05", "未回复"]]
    path = write_csv(tmp_path / "events.csv", rows, header=["工号", "时间", "事件类型"])
    found = issues(read, path)
    assert [(row, column) for row, column, _, _ in found] == [(2, "事件类型"), (3, "事件类型")]
    assert "but the file has no value column; add one (数值/秒 or value)" in found[0][2]
    assert "但文件没有数值列；请加上一列（数值/秒 或 value）" in found[0][3]
    assert "but the file has no amount column; add one (金额 or amount)" in found[1][2]
    assert "但文件没有金额列；请加上一列（金额 或 amount）" in found[1][3]


@pytest.mark.parametrize("read", [read_events, read_events_generally])
def test_S4_P24_json_lines_without_a_value_or_amount_are_located_by_line_and_key(tmp_path, read):
    path = tmp_path / "events.jsonl"
    path.write_text('{"工号": "A1", "时间": "2026-10-12 10:00", "类型": "首响", "数值": 61}\n'
                    '{"工号": "A1", "时间": "2026-10-12 10:01", "类型": "首响"}\n'
                    '{"工号": "A1", "时间": "2026-10-12 10:02", "类型": "首响", "数值": null}\n'
                    '{"工号": "A2", "时间": "2026-10-12 10:03", "类型": "改价损失"}\n', encoding="utf-8")
    found = issues(read, path)
    assert [(row, column) for row, column, _, _ in found] == [(2, "数值"), (3, "数值"), (4, "类型")]
    assert "needs an amount in yuan" in found[2][2] and "但文件没有金额列" in found[2][3]


def test_S4_P24_events_outside_the_month_or_of_unknown_agents_are_reported_for_that_first(tmp_path):
    """One issue per row: the first reason it cannot apply."""
    path = write_csv(tmp_path / "events.csv", [["A1", "2026-11-02 14:03", "首响", "", "", "T1", ""],
                                               ["A9", "2026-10-12 14:03", "首响", "", "", "T2", ""]])
    found = issues(read_events, path)
    assert [(row, column) for row, column, _, _ in found] == [(2, "时间"), (3, "工号")]
    ignoring = EventVocabulary("Asia/Shanghai", "ignore", choices_of(KINDS), frozenset({"first_response"}))
    with pytest.raises(DataError) as caught:  # the ignored event needs no value; A9's does
        read_events(path, ignoring, {"A9"}, "2026-10")
    assert [(i.row, i.column) for i in caught.value.issues] == [(3, "数值/秒")]


# -- JSON Lines keys ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "column", "message", "zh"), [
    ('{"工号": "A1", "时间": "2026-10-12 10:00", "类型": "首响", "金额(秒)": 5}', "金额(秒)",
     "the header names the unit '秒', but 'amount' is a money", "表头的单位是 '秒'，但 'amount' 是金额"),
    ('{"工号": "A1", "agent": "A2", "时间": "2026-10-12 10:00", "类型": "首响"}', "agent",
     "the keys '工号' and 'agent' both give agent; keep one", "键 '工号' 与 'agent' 都表示 agent；请只保留一个"),
])
def test_json_lines_keys_that_contradict_or_repeat_a_field_are_located(tmp_path, line, column, message, zh):
    path = tmp_path / "events.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    for read in (read_events, read_events_generally):
        ((row, where, en, chinese),) = issues(read, path, vocabulary())
        assert (row, where) == (1, column)
        assert message in en and zh in chinese


def test_a_json_lines_key_with_spaces_is_read(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text('{" 工号 ": "A1", "时间": "2026-10-12 10:00", "类型": "首响"}\n', encoding="utf-8")
    (event,), _ = read_events(path, vocabulary(), AGENTS, "2026-10")
    assert event.agent == "A1"
    assert same_both_ways(path, vocabulary())[0] != "refused"


# -- the fast and the general reader agree ------------------------------------------------------------

FULL = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def times(draw, rate: int):
    """A time cell; one in `rate` per hundred is malformed (no time, junk, an hour or day that does not exist)."""
    bad = draw(st.integers(0, 99)) < rate
    month = draw(st.sampled_from([9, 10, 10, 10, 11]))
    day, hour = draw(st.integers(0, 32) if bad else st.integers(1, 30)), draw(st.integers(0, 25 if bad else 23))
    minute, second = draw(st.integers(0, 59)), draw(st.one_of(st.none(), st.integers(0, 61 if bad else 59)))
    sep = draw(st.sampled_from([" ", "T", " ", "  "]))
    text = f"2026-{month:02d}-{day:02d}{sep}{hour:02d}:{minute:02d}" + ("" if second is None else f":{second:02d}")
    text += draw(st.sampled_from(["", "", "", "Z", "+08:00", "-05:00", "+0800", ".5", " +08:00"]))
    shapes = ["date", "blank", "junk", "iso"] if bad else ["iso", "iso", "iso", "slash", "full", "padded"]
    shape = draw(st.sampled_from(shapes))
    if shape == "slash":
        return f"2026/{month}/{day} {hour}:{minute:02d}"
    if shape == "full":
        return text.translate(FULL)
    if shape == "padded":
        return f" {text} "
    if shape == "date":
        return text[:10]
    if shape == "blank":
        return draw(st.sampled_from(["", "-", "N/A"]))
    return "soon" if shape == "junk" else text


# Per field: cells every reader takes (plain ones, and forms only the general cell readers know),
# and cells that are refused. Unknown agents and other months are events the file cannot apply.
GOOD = {
    "agent": ["A1", "A1", "A2", "1001", "A9", " A1", "客服1", "ａ1"],
    "kind": ["首响", "首响", "首次响应", "first_response", "未回复", "改价损失", "price_loss", " 首响",
             "FIRST_RESPONSE"],
    "value": ["", "", "61", "200", "0", "1分5秒", "６１", "61.50", "-", "00:01:05"],
    "amount": ["", "", "35.50", "¥12", "0", "1,234.50", "-"],
    "order": ["", "T1", "T2", "T1", "-", " T3 ", "N/A", "无"],
    "note": ["", "", "慢", "--", " 说明 "],
}
BAD = {"agent": ["", "-", "N/A"], "kind": ["迟到", "", "—"], "value": ["-5", "abc", "1e3", "N/A"],
       "amount": ["-1", "x", "--"], "order": ["T1"], "note": [""]}


@st.composite
def event_row(draw, rate: int):
    def cell(name: str) -> str:
        return draw(st.sampled_from(BAD[name] if draw(st.integers(0, 99)) < rate else GOOD[name]))

    return [cell("agent"), draw(times(rate)), cell("kind"), cell("value"), cell("amount"), cell("order"),
            cell("note")]


RATES = st.sampled_from([0, 0, 1, 5])  # malformed cells per hundred, per file
VOCABULARIES = st.builds(vocabulary, outside=st.sampled_from(["refuse", "ignore"]),
                         valued=st.sampled_from([frozenset(), frozenset({"first_response"})]),
                         costed=st.sampled_from([frozenset(), frozenset({"price_loss"})]),
                         zone=st.sampled_from(["Asia/Shanghai", "America/New_York"]))
AGENT_SETS = st.sampled_from([AGENTS, {"A1"}, {"A1", "A2", "1001", "A9", "客服1"}])
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(rows=RATES.flatmap(lambda rate: st.lists(event_row(rate), min_size=1, max_size=8)), vocab=VOCABULARIES,
       agents=AGENT_SETS,
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
       header=st.sampled_from([HEADER, ["agent", "time", "kind", "value", "amount", "order", "note"],
                               ["客服", "发生时间", "事件类型", "秒", "损失金额", "订单", "说明"]]),
       extra=st.sampled_from([None, None, None, [], ["合计", "", "", "1"],
                              ["A1", "2026-10-12 10:00", "首响", "", "", "", "", "x"]]))
def test_csv_fast_and_general_readers_agree(tmp_path, rows, vocab, agents, encoding, header, extra):
    if extra is not None:
        rows = [*rows[:1], extra, *rows[1:]]
    path = write_csv(tmp_path / "events.csv", rows, header=header, encoding=encoding)
    same_both_ways(path, vocab, agents=agents)


@st.composite
def json_line(draw, rate: int):
    row = draw(event_row(rate))
    keys = draw(st.sampled_from([HEADER, ["agent", "time", "kind", "value", "amount", "order", "note"]]))
    item: dict[str, object] = {}
    for key, cell in zip(keys, row, strict=True):
        if cell == "" and draw(st.booleans()):
            continue  # a key left out
        if cell.lstrip("-").isdigit() and draw(st.booleans()):
            item[key] = int(cell)
        else:
            odd = draw(st.integers(0, 99)) < rate
            item[key] = draw(st.sampled_from([None, 61.5, True, [cell]])) if odd else cell
    line = json.dumps(item, ensure_ascii=draw(st.booleans()))
    if draw(st.integers(0, 99)) < rate:
        return draw(st.sampled_from(["", line + " x", "[1]", line[:-1]]))
    return draw(st.sampled_from([line, line, " " + line]))


@SETTINGS
@given(lines=RATES.flatmap(lambda rate: st.lists(json_line(rate), min_size=1, max_size=8)), vocab=VOCABULARIES,
       agents=AGENT_SETS)
def test_json_lines_fast_and_general_readers_agree(tmp_path, lines, vocab, agents):
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    same_both_ways(path, vocab, agents=agents)


def test_events_are_made_without_the_frozen_init_and_equal_the_real_thing():
    """new_event sets Event's slots directly (half the cost); if Event changes shape it falls back to Event."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from engine.data.events import new_event
    from engine.model.events import Event

    assert new_event is not Event  # Event changed: update engine.data.events._EVENT_FIELDS
    values = ("A1", datetime(2026, 10, 12, 14, 3, tzinfo=ZoneInfo("Asia/Shanghai")), date(2026, 10, 12), "price_loss",
              None, Decimal("1.50"), "T1", "", "events.csv row 2")
    made, real = new_event(*values), Event(*values)
    assert (made, repr(made), hash(made)) == (real, repr(real), hash(real))


@pytest.mark.parametrize("name", ["missing.jsonl", "missing.csv"])
def test_a_missing_events_file_is_a_located_error_not_a_defect(tmp_path, name):
    for read in (read_events, read_events_generally):
        ((row, column, message, zh),) = issues(read, tmp_path / name, vocabulary())
        assert (row, column, message, zh) == (0, "", "file not found", "找不到文件")


def test_S4_P24_evaluate_refuses_a_first_response_without_seconds_when_a_clause_compares_them(tmp_path):
    """Wired end to end: the policy's `value_over` clause makes first_response a valued kind."""
    policy = tmp_path / "shop.yaml"
    policy.write_text(S0_POLICY.read_text(encoding="utf-8") + """
events:
  zone: Asia/Shanghai
  kinds:
    first_response: {label: {zh: 首次响应, en: First response}, aliases: [首响]}
    no_reply: {label: 未回复}
penalties:
  very_slow:
    label: {zh: 首次响应超过200秒, en: A first response over 200 s}
    rule: S4.P24
    kind: first_response
    value_over: 200
    cancels: [performance]
""", encoding="utf-8")
    events = write_csv(tmp_path / "events.csv", [["1001", "2026-10-12 14:03", "首响", "", "", "T1", ""],
                                                 ["1001", "2026-10-12 14:05", "未回复", "", "", "T2", ""]])
    example = EXAMPLES / "s0"
    result = run("evaluate", "-p", policy, "-m", example / "metrics.csv", "-r", example / "roster.csv", "--period",
                 "2026-10", "--events", events)
    assert result.exit_code != 0
    expected = "第 2 行，列 数值/秒：首次响应事件需要数值（秒）：方案中有罚则比较它的数值；请填上"
    assert f"{events}：{expected}" in result.output
    assert "第 3 行" not in result.output
