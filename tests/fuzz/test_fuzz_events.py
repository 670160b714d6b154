"""Fuzz target 5: events files (`--events`, issue 10) read against a policy with `events:` and `penalties:`.

Events logs come from back offices and chat tools, exported by hand: whatever file arrives,
`engine.data.events.with_events` must return the month's events or raise `DataError` whose issues
are located (a row and a column where one exists) and read in Chinese and English, within the time
bound, never another exception. What it returns must respect the vocabulary (a declared kind, the
evaluated month in the policy's zone, the day counted in that zone, a value where a clause compares
values and an amount where a clause deducts or charges it) and then evaluate (or stop with a located
JixiaoError), explain for every agent in zh and en and render as XLSX. Files start from realistic
rows (工号,时间,类型,数值/秒,金额,订单号,备注, times written every way shops write them) in
Asia/Shanghai and in America/New_York, whose months with a clock change hold local times that do
not exist (2026-03-08 02:30) or exist twice (2026-11-01 01:30: refused without its offset; one event
written in local time and in UTC is a duplicate). CSV is mutated as bytes or as cells re-encoded
UTF-8 / GB18030 / UTF-16 with widened rows; JSON Lines as objects with mutated keys and values (huge
numbers, nested objects, lists, booleans, null); XLSX as typed cells (datetimes, dates, numbers and
times in the time column).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fuzz_support import bounded, fuzz_settings
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from test_fuzz_tables import CELL_TEXTS, FORMATS, _byte_mutant, _csv_bytes, _grid_mutant, _xlsx_bytes

from engine.data.events import with_events
from engine.errors import DataError, JixiaoError
from engine.model.inputs import AgentInput
from engine.model.plan import Plan
from engine.policy.check import check
from engine.policy.compile import compile_policy
from engine.policy.load import load_text
from engine.report.explain import explain_text
from engine.report.explain_short import short_text
from engine.report.tables import render
from engine.run.evaluate import evaluate_period

D = Decimal
# Every clause shape: per day with a value threshold, per event with a warning, per week with `when`, a
# loss deducted within the law, a loss charged to a pool with a serious warning.
POLICY = """\
jixiao: 1
policy: {id: ev, version: "1", name: ev, effective_from: 2026-01-01}
metrics:
  sales: {label: 销售额, type: money}
kpis:
  k: {label: k, weight: 100, metric: sales, linear: {from: 0, to: 100000}}
score: {total: 100}
pay:
  base: {label: 基本工资, kind: fixed, amount: 3000}
  performance: {label: 绩效提成, kind: commission, base: sales, rate: 0.01}
  bonus: {label: 奖金, kind: fixed, amount: 500}
events:
  zone: {zone}
  kinds:
    first_response: {label: {zh: 首次响应, en: First response}, aliases: [首响]}
    no_reply: {label: 未回复}
    price_loss: {label: {zh: 改价损失, en: Price loss}}
    bad_review: {label: 差评}
penalties:
  slow_day:
    label: {zh: 一天内首响超时多于3次, en: More than 3 slow first responses in a day}
    rule: S4.P24
    kind: first_response
    value_over: 60
    count_over: 3
    per: day
    cancels: [performance]
  very_slow:
    label: {zh: 首响超过200秒, en: A first response over 200 s}
    rule: S4.P24
    kind: first_response
    value_over: 200
    per: event
    cancels: [bonus]
    warns: warning
  unanswered:
    label: {zh: 一周未回复多于2次, en: More than 2 unanswered in a week}
    rule: S4.P24
    kind: no_reply
    count_over: 2
    per: week
    when: score < 90
    cancels: [bonus]
  price:
    label: {zh: 擅自改价, en: Unauthorised price change}
    rule: S4.P19
    kind: price_loss
    per: event
    deducts: loss
  reviews:
    label: {zh: 差评, en: Bad reviews}
    rule: S4.P16
    kind: bad_review
    count_over: 1
    charges: {zh: 运营部提成池, en: the operations team's commission pool}
    warns: serious_warning
deductions:
  label: {zh: 赔偿损失扣款, en: Loss deduction}
  cap: 0.2
  minimum_wage:
    - {from: 2025-07-01, amount: 2740}
"""


def _plan(zone: str) -> Plan:
    """The policy in `zone`; New York ignores events outside the month (each skip a note), Shanghai refuses them."""
    text = POLICY.replace("{zone}", zone + ("\n  outside: ignore" if zone != "Asia/Shanghai" else ""))
    doc = load_text(text.encode(), "events_policy.yaml")
    assert not [d for d in check(doc) if d.severity == "error"]
    return compile_policy(doc)


@dataclass(frozen=True)
class Case:
    """One month in one zone, and the rows a shop would export for it."""

    zone: str
    period: str
    rows: tuple[tuple[str, ...], ...]


HEADER = ("工号", "时间", "类型", "数值/秒", "金额", "订单号", "备注")
ENGLISH = ("agent", "time", "kind", "seconds", "amount", "order", "note")


def _rows(ym: str, extra: tuple[tuple[str, ...], ...] = ()) -> tuple[tuple[str, ...], ...]:
    y, m = ym.split("-")
    return (
        ("1001", f"{ym}-12 14:03:20", "首响", "75", "", "T1", ""),
        ("1001", f"{ym}-12T06:03:20Z", "first_response", "1分5秒", "", "T2", "慢"),
        ("1001", f"{ym}-12 14:05:00+08:00", "首次响应", "00:04:01", "", "T3", ""),
        ("1001", f"{y}年{int(m)}月12日 14时03分", "首响", "61", "", "T4", ""),
        ("1002", f"{ym}-05 09:00", "未回复", "", "", "", "客户投诉"),
        ("1002", f"{ym}-06 23:59:59", "no_reply", "", "", "", ""),
        ("1002", f"{ym}-07 00:00:00", "未回复", "", "", "", ""),
        ("1002", f"{ym}-20 10:00", "改价损失", "", "¥120.50", "P7", "擅自改价"),
        ("1003", f"{ym}-21 16:30", "price_loss", "", "1,234.5", "P8", ""),
        ("1003", f"{ym}-28 11:11:11", "差评", "", "30", "R1", ""),
        ("1003", f"{ym}-28 11:12:00", "bad_review", "", "0", "R2", ""),
        *extra,
    )


CASES = (
    Case("Asia/Shanghai", "2026-10", _rows("2026-10")),
    # The clocks go back on 2026-11-01: 01:30 happens twice (each written with its offset); the 1st, UTC, is
    # still October 31st here.
    Case("America/New_York", "2026-11", _rows("2026-11", (
        ("1001", "2026-11-01T01:30:00-04:00", "首响", "300", "", "D1", "两次的时刻"),
        ("1001", "2026-11-01T01:30:00-05:00", "首响", "300", "", "D2", ""),
        ("1002", "2026-11-01T03:30:00Z", "未回复", "", "", "", "十月三十一日的本地时间"),
    ))),
    # The clocks go forward on 2026-03-08: 02:30 does not exist.
    Case("America/New_York", "2026-03", _rows("2026-03", (
        ("1001", "2026-03-08 02:30:00", "首响", "300", "", "G1", "不存在的时刻"),
        ("1001", "2026-03-08 03:30:00", "首响", "300", "", "G1", ""),
    ))),
    # Written without an offset, 01:30 on the day the clocks go back does not say which of the two it is.
    Case("America/New_York", "2026-11", _rows("2026-11", (
        ("1001", "2026-11-01 01:30:00", "首响", "300", "", "D1", "两次的时刻"),
        ("1001", "2026-11-01T05:30:00Z", "首响", "300", "", "D1", "同一时刻，写成 UTC"),
    ))),
)
PLANS = {zone: _plan(zone) for zone in {case.zone for case in CASES}}
AGENTS = ("1001", "1002", "1003")


def agent_inputs(period: str) -> list[AgentInput]:
    return [AgentInput(a, period, {"sales": D(20_000) * (i + 1)}, team="一组") for i, a in enumerate(AGENTS)]


EVENT_CELLS = st.one_of(
    st.sampled_from([
        "2026-10-31 23:59:59", "2026-11-01 00:00:00", "2026-10-01T00:00:00+08:00", "2026-09-30T16:00:00Z",
        "2026-10-12T06:03:20Z", "2026-10-12 14:03:20+0800", "2026年10月12日 14时03分", "2026/10/12 9:05",
        "2026-11-01 01:30", "2026-11-01 01:59:59.999999", "2026-03-08 02:30", "2026-03-08 02:00:00-05:00",
        "2026-10-12", "2026-10-12 24:00", "2026-02-29 10:00", "2026-10-12 14:03:20+99:99", "9999-12-31 23:59:59Z",
        "0001-01-01 00:00:00+01:00", "2026-10-12 14:03:20.1234567", "１４：０３", "首响", "首次响应", "FIRST_RESPONSE",
        "first response", "未回复", "改价损失", "差评", "bad_review", "price_loss", "no_reply", "1001", "1002", "1003",
        "9999", "1分5秒", "00:04:01", "61", "60", "60.0001", "-1", "1e999", "¥120.50", "-¥5", "0", "99999999999999999",
    ]),
    CELL_TEXTS,
)


@st.composite
def csv_mutants(draw) -> tuple[int, str, bytes]:
    index = draw(st.integers(0, len(CASES) - 1))
    header = draw(st.sampled_from([HEADER, ENGLISH]))
    grid = [list(header), *map(list, CASES[index].rows)]
    if draw(st.integers(0, 2)) == 0:  # a third as bytes: most byte mutants are refused before any row is read
        raw = _csv_bytes(grid, ",", draw(st.sampled_from(["utf-8", "gb18030"])))
        return index, ".csv", draw(_byte_mutant(raw))
    grid = draw(_grid_mutant(grid, EVENT_CELLS, "", 20_000))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    return index, ".csv", _csv_bytes(grid, ",", encoding)


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**40, 10**40), st.sampled_from([10**400, -(10**400), 1e308]),
              st.floats(allow_nan=False, allow_infinity=False), EVENT_CELLS),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)),
    max_leaves=5,
)
JSON_KEYS = st.one_of(
    st.sampled_from([*HEADER, *ENGLISH, "Time", "ＴＩＭＥ", " 工号 ", "时 间", "发生时间", "损失金额"]),
    st.text(max_size=6))


@st.composite
def jsonl_mutants(draw) -> tuple[int, str, bytes]:
    index = draw(st.integers(0, len(CASES) - 1))
    header = draw(st.sampled_from([HEADER, ENGLISH]))
    objects: list[object] = [{k: v for k, v in zip(header, row, strict=True) if v or draw(st.booleans())}
                             for row in CASES[index].rows]
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(objects) - 1))
        item = objects[at]
        op = draw(st.sampled_from(["value", "value", "key", "drop", "add", "line", "copy"]))
        if op == "line":
            objects[at] = draw(JSON_VALUES)
        elif op == "copy":
            objects.insert(at, objects[draw(st.integers(0, len(objects) - 1))])
        elif isinstance(item, dict):
            item = dict(item)
            keys = list(item) or ["工号"]
            key = draw(st.sampled_from(keys))
            if op == "value":
                item[key] = draw(JSON_VALUES)
            elif op == "key":
                item[draw(JSON_KEYS)] = item.pop(key, None)
            elif op == "drop":
                item.pop(key, None)
            else:
                item[draw(JSON_KEYS)] = draw(JSON_VALUES)
            objects[at] = item
    ascii_only = draw(st.booleans())
    text = "\n".join(json.dumps(o, ensure_ascii=ascii_only) for o in objects) + "\n"
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16"])))
    if draw(st.integers(0, 4)) == 0:
        data = draw(_byte_mutant(data))
    return index, draw(st.sampled_from([".jsonl", ".ndjson"])), data


def _typed(text: str) -> object:
    """A seed cell as a spreadsheet types it: times as datetimes, numbers as numbers."""
    for form in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(text, form)
        except ValueError:
            pass
    try:
        return int(text)
    except ValueError:
        return text


XLSX_VALUES = st.one_of(
    EVENT_CELLS.map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)),
    st.integers(-10**20, 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([46307.5, 46307.0, 0, -1, 2958465.99999, True, None, Decimal("0.1")]),  # serials
    st.datetimes(min_value=datetime(2026, 2, 27), max_value=datetime(2026, 11, 3)),
    st.sampled_from([date(2026, 10, 12), time(14, 3, 20), timedelta(seconds=75), datetime(1900, 1, 1)]),
)


@st.composite
def xlsx_mutants(draw) -> tuple[int, str, bytes]:
    index = draw(st.integers(0, len(CASES) - 1))
    grid = [[(h, "General") for h in HEADER]]
    for row in CASES[index].rows:
        grid.append([(_typed(cell) if i in (1, 3, 4) else cell, "yyyy-mm-dd hh:mm:ss" if i == 1 else "General")
                     for i, cell in enumerate(row)])
    grid = draw(_grid_mutant(grid, st.tuples(XLSX_VALUES, FORMATS), (None, "General"), 60))
    return index, ".xlsx", _xlsx_bytes(grid, None)


def _check_issues(error: DataError) -> None:
    assert error.issues, "DataError without an issue"
    for issue in error.issues:
        for lang in ("zh", "en"):
            text = issue.render(lang)
            if issue.row:
                assert str(issue.row) in text, text
            if issue.column:
                assert issue.column in text, text
        assert issue.zh, f"an issue without Chinese: {issue.render()}"


def read_file(sample: tuple[int, str, bytes]) -> None:
    """Property: events or a located DataError; what is read obeys the vocabulary, evaluates, explains, renders."""
    index, suffix, data = sample
    case = CASES[index]
    plan = PLANS[case.zone]
    vocabulary = plan.events
    with tempfile.TemporaryDirectory() as tmp, bounded("read events+evaluate+explain+render"):
        path = Path(tmp) / f"events{suffix}"
        path.write_bytes(data)
        try:
            inputs, notes = with_events(vocabulary, agent_inputs(case.period), path, case.period)
        except DataError as error:
            _check_issues(error)
            return
        if notes:  # events outside the month, skipped (outside: ignore): located like issues
            _check_issues(DataError(list(notes)))
        zone = vocabulary.tz
        for item in inputs:
            for event in item.events:
                local = event.at.astimezone(zone)
                assert event.at.tzinfo is not None and event.agent == item.agent, event
                assert event.kind in vocabulary.kinds, event
                assert f"{local:%Y-%m}" == case.period and event.day == local.date(), event
                # A clause comparing values, or taking amounts, must never meet an event without one
                # (F19: such an event was read with None and silently not counted, or deducted as 0).
                assert event.kind not in vocabulary.valued or event.value is not None, event
                assert event.kind not in vocabulary.costed or event.amount is not None, event
                assert all(v is None or v >= 0 for v in (event.value, event.amount)), event
                # A time written without an offset is read in the zone (its tzinfo is the zone); one the
                # clocks skipped (02:30 on the day they go forward) must be refused, not moved (F20).
                if event.at.tzinfo is zone:
                    wall = event.at.replace(tzinfo=None)
                    assert event.at.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall, event
                    # ... and one the clocks showed twice is refused: it does not say which instant it is.
                    assert event.at.replace(fold=1).utcoffset() == event.at.utcoffset(), event
            # One event written twice (in local time and in UTC, say) is refused: instants are compared.
            instants = [(e.kind, e.order, e.at.astimezone(UTC)) for e in item.events]
            assert len(set(instants)) == len(instants), item.events
        try:
            results = evaluate_period(plan, inputs, trace=True)
        except JixiaoError as error:
            assert "agent" in str(error) or "客服" in str(error), f"evaluation error naming no agent: {error}"
            return
        for result in results:
            for lang in ("zh", "en"):
                explain_text(plan, result, lang)
                short_text(plan, result, lang)
            assert result.total == sum((amount for _, amount in result.pay), D(0)), result
        for lang in ("zh", "en"):
            render(plan, results, "xlsx", lang)
        render(plan, results, "json")


@fuzz_settings(60)
@given(csv_mutants())
def test_mutated_events_csv_reads_or_is_refused(sample):
    read_file(sample)


@fuzz_settings(40)
@given(jsonl_mutants())
def test_mutated_events_jsonl_reads_or_is_refused(sample):
    read_file(sample)


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date")  # openpyxl, on odd serials
@fuzz_settings(15)
@given(xlsx_mutants())
def test_mutated_events_xlsx_reads_or_is_refused(sample):
    read_file(sample)


# The last two hold a time that does not exist (F20) and a time that happened twice: both refused.
@pytest.mark.parametrize("index", range(len(CASES) - 2))
def test_the_seed_rows_read_as_written(tmp_path, index):
    """The unmutated rows read (a harness whose seeds are all refused tests little) and evaluate."""
    case = CASES[index]
    path = tmp_path / "events.csv"
    path.write_bytes(_csv_bytes([list(HEADER), *map(list, case.rows)], ",", "gb18030"))
    inputs, notes = with_events(PLANS[case.zone].events, agent_inputs(case.period), path, case.period)
    assert sum(len(item.events) for item in inputs) + len(notes) == len(case.rows)
    assert len(notes) == (case.period == "2026-11")  # 2026-11-01T03:30Z is October 31st in New York: ignored
    read_file((index, ".csv", path.read_bytes()))
