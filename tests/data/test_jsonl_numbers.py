"""JSON Lines numbers are read as written (issue 14, section 6): never through a binary float
(99999999999999.99 stays exact), and a number of any size (over Python's 4,300-digit int limit, an
exponent of a billion) is a located error bounded like every other cell, in both readers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.data.events import read_events, read_events_generally
from engine.errors import DataError
from engine.model.penalties import EventVocabulary
from engine.policy.sections import choices_of

D = Decimal
KINDS = {"first_response": {"label": "首次响应"}, "price_loss": {"label": "改价损失"}}
VOCABULARY = EventVocabulary("Asia/Shanghai", "refuse", choices_of(KINDS), frozenset({"first_response"}),
                             frozenset({"price_loss"}))
READS = [read_events, read_events_generally]
TOO_LARGE = ("the number {} is too large: at most 15 digits before the decimal point (below 1,000,000,000,000,000); "
             "check the cell for pasted or merged digits")


def events_file(tmp_path, *lines: str):
    path = tmp_path / "events.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def loss(amount: str, agent: str = '"1001"') -> str:
    return f'{{"工号": {agent}, "时间": "2026-10-12 14:03", "类型": "改价损失", "金额": {amount}}}'


def issues(read, path):
    with pytest.raises(DataError) as caught:
        read(path, VOCABULARY, {"1001"}, "2026-10")
    return [(i.row, i.column, i.message) for i in caught.value.issues]


@pytest.mark.parametrize("read", READS)
@pytest.mark.parametrize(("written", "amount"), [
    ("99999999999999.99", "99999999999999.99"),  # a float would make it 100000000000000.00
    ("999999999999999.995", "999999999999999.995"),  # just below the bound, to the last digit
    ("0.1", "0.1"), ("35.50", "35.50"), ("12", "12"), ("1e5", "100000"), ("1.5E2", "150"), ("2.5e-1", "0.25"),
    ("-0", "0"),
])
def test_json_numbers_are_read_exactly_as_written(tmp_path, read, written, amount):
    (event,), _ = read(events_file(tmp_path, loss(written)), VOCABULARY, {"1001"}, "2026-10")
    assert repr(event.amount) == repr(D(amount))


@pytest.mark.parametrize("read", READS)
@pytest.mark.parametrize(("written", "shown"), [
    ("1" * 5000, "1.111111e+4999 (5,000 digits)"),  # over Python's int limit: never a crash
    ("1" * 4300 + ".5", "1.111111e+4299 (4,301 digits)"),
    ("1000000000000000", "1000000000000000"),
    ("-1000000000000000.00", "-1000000000000000.00"),
    ("1e15", "1E+15"),
    ("1e400", "1E+400"),
    ("-1e999999999", "-1E+999999999"),  # beyond what the Decimal context holds: no overflow
])
def test_a_json_number_too_large_for_any_cell_is_refused_at_its_line_and_key(tmp_path, read, written, shown):
    path = events_file(tmp_path, loss("1"), loss(written))
    assert issues(read, path) == [(2, "金额", TOO_LARGE.format(shown))]


@pytest.mark.parametrize("read", READS)
@pytest.mark.parametrize(("written", "shown"), [
    ("1e-99999", "1e-99999"), ("1e99999999999999999999", "1e99999999999999999999"),
    ("0." + "0" * 40000 + "1", "0." + "0" * 35 + "..."),
])
def test_a_json_number_whose_digits_no_cell_could_hold_refuses_its_line(tmp_path, read, written, shown):
    path = events_file(tmp_path, loss("1"), loss(written))
    assert issues(read, path) == [
        (2, "", f"the number {shown} cannot be held exactly in a cell (at most 15 digits before the point, and no "
                "more than 32,767 characters written out); check the line")]


@pytest.mark.parametrize("read", READS)
def test_a_line_nested_too_deeply_is_located_not_a_crash(tmp_path, read):
    path = events_file(tmp_path, loss("1"), "[" * 100_000 + "]" * 100_000)
    assert issues(read, path) == [(2, "", "not valid JSON: nested too deeply to be one event")]


@pytest.mark.parametrize("read", READS)
@pytest.mark.parametrize("agent", ["1001", "1001.0", "1.001e3", "10010e-1"])
def test_an_id_written_as_a_json_number_reads_as_its_whole_number(tmp_path, read, agent):
    (event,), _ = read(events_file(tmp_path, loss("1", agent)), VOCABULARY, {"1001"}, "2026-10")
    assert event.agent == "1001"


@pytest.mark.parametrize("read", READS)
@pytest.mark.parametrize(("agent", "shown"), [("1001.5", "1001.5"), ("12345678901234567890", "12345678901234567890"),
                                              ("1e400", "1E+400")])
def test_an_id_written_as_a_json_number_that_names_no_one_exactly_is_refused(tmp_path, read, agent, shown):
    path = events_file(tmp_path, loss("1", agent))
    assert issues(read, path) == [
        (1, "工号", f"expected text such as an id or a name, got the number {shown}, which is not a whole number below "
                   "2^53 and cannot name anyone exactly; format the column as text in Excel and type it again")]


@pytest.mark.parametrize("read", READS)
def test_a_huge_json_duration_is_refused_not_an_overflow(tmp_path, read):
    line = '{"工号": "1001", "时间": "2026-10-12 14:03", "类型": "首次响应", "数值": 1e999999999}'
    assert issues(read, events_file(tmp_path, line)) == [(1, "数值", TOO_LARGE.format("1E+999999999"))]
