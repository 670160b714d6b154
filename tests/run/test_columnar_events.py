"""The columnar back-end over a month with events and manual adjustments: the Decimal path's bytes.

engine.columnar_month.evaluate_report against engine.month.evaluate_files (the reference) rendered by
engine.report.tables.render, in process: the report in CSV and JSON in both languages, and what there
is to say (notes, clauses no events could fire, pay under the minimum wage, paid elsewhere, below zero).
Random events for random agents of S4's month (S4.P3–S4.P27: counts per day, week, month and event,
values over a limit, losses) and random events and adjustments of the roster desk's month (S4.P19's
loss under the L.1/L.4 guard, which counts manual adjustments as pay) must give the same results.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from harness.files import write_csv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.columnar_month import evaluate_report
from engine.errors import DataError
from engine.model.frames import NotCovered
from engine.month import Files, evaluate_files
from engine.report.tables import render

ROOT = Path(__file__).resolve().parents[2]
S4 = dict(policy=str(ROOT / "policies" / "s4_path.yaml"), metrics=str(ROOT / "examples" / "s4" / "metrics.csv"),
          roster=str(ROOT / "examples" / "s4" / "roster.csv"))
DESK = dict(policy=str(ROOT / "policies" / "s2_roster.yaml"), metrics=str(ROOT / "examples" / "roster" / "metrics.csv"),
            roster=str(ROOT / "examples" / "roster" / "roster.csv"))
S4_AGENTS = ["1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "2001", "2002", "2003", "2004", "2005",
             "2006"]
DESK_AGENTS = ["店铺:小美", "店铺:阿香", "店铺:小周", "店铺:大刘", "店铺:外援1"]
# S4's kinds by what a row needs: a value in seconds (a clause compares it), an amount (a clause takes the loss).
TIMED = ["first_response", "buyer_wait"]
COSTED = ["wrong_note", "refund_missed", "bad_review", "money_unreported", "bargain_discount", "price_change",
          "return_caused"]
OTHERS = ["no_reply", "info_not_noted", "muted", "review_not_followed", "post_empty", "no_follow_up",
          "noted_not_followed", "review_missed", "wrong_product_info", "tool_misuse", "daily_report_missed",
          "warning", "serious_warning", "discretionary_cancel"]


def compared(files: Files, period: str | None = None) -> None:
    """Both engines over `files`: the same report bytes in every format and language, the same things said."""
    done = evaluate_files(files, period, trace=False)
    for fmt in ("csv", "json"):
        for lang in ("zh", "en"):
            report = evaluate_report(files, period, fmt, lang)
            out = io.BytesIO()
            report.data(out)  # a month's CSV or JSON report: what writes it into a stream
            assert out.getvalue() == render(done.plan, done.results, fmt, lang), (fmt, lang)
    assert report.count == len(done.results)
    assert report.said.notes == done.notes
    assert report.said.penalties_unread == done.penalties_unread
    assert report.said.carried_unknown == done.carried_unknown
    assert report.said.under_minimum == done.under_minimum
    assert report.said.paid_elsewhere == done.paid_elsewhere
    assert report.said.below_zero == done.below_zero


def event_rows(draw_rows: list[tuple]) -> list[list[str]]:
    """(agent, day, minute of the day, kind, seconds, amount) as rows of an events file, each its own order."""
    rows = [["工号", "时间", "类型", "数值/秒", "金额", "订单号", "备注"]]
    for n, (agent, day, minute, kind, seconds, amount) in enumerate(draw_rows):
        rows.append([agent, f"2026-10-{day:02d} {minute // 60:02d}:{minute % 60:02d}:00", kind,
                     str(seconds) if kind in TIMED else "", f"{amount:.2f}" if kind in COSTED else "", f"O{n}", ""])
    return rows


S4_EVENTS = st.lists(st.tuples(st.sampled_from(S4_AGENTS), st.integers(1, 31), st.integers(0, 1439),
                               st.sampled_from(TIMED + COSTED + OTHERS), st.integers(0, 400),
                               st.decimals(0, 5000, places=2)), max_size=60)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=S4_EVENTS)
def test_random_events_of_s4_give_the_decimal_paths_results(events, tmp_path):
    path = write_csv(tmp_path / "events.csv", event_rows(events))
    compared(Files(**S4, events=str(path)), "2026-10")


DESK_EVENTS = st.lists(st.tuples(st.sampled_from(DESK_AGENTS), st.integers(1, 31), st.integers(0, 1439),
                                 st.one_of(*(st.decimals(0, 3000, places=p) for p in (0, 1, 2)))), max_size=12)
ADJUSTMENTS = st.lists(st.tuples(st.sampled_from(DESK_AGENTS), st.decimals(-20000, 3000, places=2)), max_size=8)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=DESK_EVENTS, adjustments=ADJUSTMENTS)
def test_random_events_and_adjustments_of_the_roster_desk_give_the_decimal_paths_results(events, adjustments,
                                                                                         tmp_path):
    """S4.P19's loss (amounts with 0, 1 or 2 places: the loss's places vary from agent to agent) deducted
    under L.1/L.4, whose base counts the agent's manual adjustments; a large one takes pay below zero."""
    rows = [["客服昵称", "时间", "类型", "金额", "订单号"]]
    rows += [[agent, f"2026-10-{day:02d} {minute // 60:02d}:{minute % 60:02d}:00", "擅自改价", str(amount), f"O{n}"]
             for n, (agent, day, minute, amount) in enumerate(events)]
    lines = [["客服昵称", "金额", "原因", "审批人"]]
    lines += [[agent, f"{amount:.2f}", f"调整{n}", "王经理"] for n, (agent, amount) in enumerate(adjustments)]
    files = Files(**DESK, events=str(write_csv(tmp_path / "events.csv", rows)),
                  adjustments=str(write_csv(tmp_path / "adjustments.csv", lines)))
    compared(files)


def test_the_shipped_months_with_events_give_the_decimal_paths_results():
    compared(Files(**S4, events=str(ROOT / "examples" / "s4" / "events-2026-10.csv")), "2026-10")
    compared(Files(**DESK, events=str(ROOT / "examples" / "roster" / "events-2026-10.csv")))


def test_adjustments_alone_count_in_the_guard_and_in_what_is_said(tmp_path):
    """L.1: 阿香's 120.00 loss is deducted within 20 % of her pay, which her +500.00 adjustment raises; 小周's
    −99,999.00 takes her pay below zero (said, as the Decimal path says it); 外援1 is paid elsewhere."""
    lines = [["客服昵称", "金额", "原因", "审批人"], ["店铺:阿香", "500.00", "春节补贴", "王经理"],
             ["店铺:小周", "-99999.00", "追回", "王经理"], ["店铺:阿香", "-0.50", "零头", "王经理"]]
    files = Files(**DESK, events=str(ROOT / "examples" / "roster" / "events-2026-10.csv"),
                  adjustments=str(write_csv(tmp_path / "adjustments.csv", lines)))
    compared(files)
    report = evaluate_report(files, None, "csv", "en")
    assert report.said.below_zero == ("店铺:小周",)
    assert [agent for agent, _, _, _, _ in report.said.paid_elsewhere] == ["店铺:外援1"]


@pytest.mark.parametrize(("case", "row"), [
    ("an agent without a result", ["店铺:无名", "10.00", "补贴", "王经理"]),
    ("a third decimal", ["店铺:阿香", "10.005", "补贴", "王经理"]),
    ("no reason", ["店铺:阿香", "10.00", "", "王经理"]),
    ("no approver", ["店铺:阿香", "10.00", "补贴", ""]),
    ("a duplicate", ["店铺:小美", "88.00", "奖励", "王经理"]),
])
def test_a_bad_adjustment_is_left_to_the_decimal_path_which_locates_it(case, row, tmp_path):
    lines = [["客服昵称", "金额", "原因", "审批人"], ["店铺:小美", "88.00", "奖励", "王经理"], row]
    files = Files(**DESK, adjustments=str(write_csv(tmp_path / "adjustments.csv", lines)))
    with pytest.raises(NotCovered) as declined:
        evaluate_report(files, None, "csv", "en")
    assert str(declined.value) == "a row of the events or adjustments file the Decimal path refuses"
    assert declined.value.zh == "事件或人工调整文件中有逐条计算会拒绝的行"
    with pytest.raises(DataError) as refused:
        evaluate_files(files, None, trace=False)
    assert [issue.row for issue in refused.value.issues] == [3], case


def test_an_events_file_for_a_policy_without_events_is_left_to_the_decimal_path(tmp_path):
    files = Files(str(ROOT / "policies" / "s2_commission.yaml"), str(ROOT / "examples" / "s2" / "metrics.csv"),
                  events=str(ROOT / "examples" / "roster" / "events-2026-10.csv"))
    with pytest.raises(NotCovered) as declined:
        evaluate_report(files, None, "csv", "en")
    assert declined.value.zh == "方案没有 events: 段却给了事件文件"
    with pytest.raises(DataError):
        evaluate_files(files, None, trace=False)


def _plan(path: str):
    from engine.policy.compile import compile_policy
    from engine.policy.load import load_policy

    return compile_policy(load_policy(path))


S4_PLAN = _plan(S4["policy"])


def weekly_s4(folder: Path) -> str:
    """S4 with S4.P24 counted per week (Monday to Sunday) and S4.P3 a fine of 50.00 per firing (L.2)."""
    text = Path(S4["policy"]).read_text(encoding="utf-8")
    text = text.replace("    count_over: 3\n    per: day", "    count_over: 3\n    per: week", 1)
    text = text.replace("    kind: wrong_note\n    deducts: loss", "    kind: wrong_note\n    deducts: {amount: 50.00}",
                        1)
    assert "per: week" in text and "amount: 50.00" in text
    path = folder / "s4_weekly.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)
FACT_EVENTS = st.lists(st.tuples(st.sampled_from(S4_AGENTS[:4]), st.integers(1, 31),
                                 st.sampled_from(TIMED + COSTED + OTHERS), st.one_of(st.none(), st.integers(0, 400)),
                                 st.one_of(st.none(), *(st.decimals(0, 999, places=p) for p in (0, 1, 2)))),
                       max_size=80)


@pytest.fixture(scope="module")
def weekly_plan(tmp_path_factory):
    return _plan(weekly_s4(tmp_path_factory.mktemp("weekly")))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=FACT_EVENTS, weekly=st.booleans())
def test_each_agents_clause_facts_are_clause_facts_digit_for_digit(events, weekly, weekly_plan):
    """The columns' counts and losses (value and places) of each agent with events are what
    engine.run.penalties.penalty_block gives her: S4's clauses per day, week (Monday to Sunday), month and
    event, over several kinds, over a value, with losses of 0, 1 or 2 places and amounts of 0; a fine
    per firing (`50.00 × 0` is `0.00`)."""
    plan = weekly_plan if weekly else S4_PLAN
    from datetime import date, datetime

    from engine.model.blocks import Block
    from engine.model.events import Event
    from engine.model.frames import places as places_of
    from engine.model.inputs import AgentInput
    from engine.run.columnar.events import fact_column, penalty_facts
    from engine.run.penalties import penalty_block

    zone = plan.events.tz
    read = [Event(agent, datetime(2026, 10, day, 10, n % 60, tzinfo=zone), date(2026, 10, day), kind,
                  None if value is None else Decimal(value), amount, f"O{n}", "", f"row {n}")
            for n, (agent, day, kind, value, amount) in enumerate(events)]
    facts = penalty_facts(plan, "2026-10", read, {})
    block = plan.block(Block.PENALTIES)
    agents = sorted({e.agent for e in read})
    items = [AgentInput(a, "2026-10", {}, events=tuple(e for e in read if e.agent == a)) for a in agents]
    expected = penalty_block(plan, block.names, items, {}, {})
    rows = {row["agent"]: row for row in facts.frame.iter_rows(named=True)}
    assert sorted(rows) == agents
    for agent, values in zip(agents, expected, strict=True):
        for name, scale in facts.scales.items():
            if name not in block.names:
                continue
            whole = rows[agent][fact_column(name)]
            places = rows[agent].get(places_of(fact_column(name)), scale)
            found = Decimal(whole).scaleb(-scale).quantize(Decimal(1).scaleb(-places))
            assert str(found) == str(values[block.names.index(name)]), (agent, name)


def test_a_weekly_clause_and_a_fine_give_the_decimal_paths_results(tmp_path):
    """The shipped S4 events under S4.P24 per week and S4.P3 as a fine of 50.00 per firing."""
    files = Files(weekly_s4(tmp_path), S4["metrics"], S4["roster"],
                  events=str(ROOT / "examples" / "s4" / "events-2026-10.csv"))
    compared(files, "2026-10")


def test_events_outside_the_month_ignored_are_the_same_notes(tmp_path):
    """`events: {outside: ignore}`: each event of another month is skipped with a note naming its row,
    said after the metrics reader's notes, the same notes in the same order whichever engine ran."""
    text = Path(S4["policy"]).read_text(encoding="utf-8").replace("  outside: refuse", "  outside: ignore", 1)
    policy = tmp_path / "s4_ignore.yaml"
    policy.write_text(text, encoding="utf-8")
    rows = [["工号", "时间", "类型", "数值/秒", "金额", "订单号", "备注"],
            ["1001", "2026-11-02 10:00:00", "首响", "300", "", "A1", ""],
            ["1002", "2026-10-02 10:00:00", "未回复", "", "", "A2", ""],
            ["1003", "2026-09-30 23:59:59", "差评", "", "35.50", "A3", ""]]
    files = Files(str(policy), S4["metrics"], S4["roster"], events=str(write_csv(tmp_path / "events.csv", rows)))
    compared(files, "2026-10")
    notes = evaluate_report(files, "2026-10", "csv", "en").said.notes
    assert [getattr(note, "row", None) for note in notes[-2:]] == [2, 4]


def test_a_month_evaluated_in_chunks_still_leaves_events_to_the_decimal_path(monkeypatch):
    """A metrics file beyond the Decimal reader's cap is evaluated in chunks (engine.stream_month), which
    reads no events: such a month is declined, and the Decimal path says why it cannot take the file."""
    import engine.stream_month

    monkeypatch.setattr(engine.stream_month, "beyond", lambda path: True)
    with pytest.raises(NotCovered) as declined:
        evaluate_report(Files(**S4, events=str(ROOT / "examples" / "s4" / "events-2026-10.csv")), "2026-10", "csv",
                        "en")
    assert str(declined.value) == "events or adjustments of a month evaluated in chunks"
    assert declined.value.zh == "分块计算的月份中的事件或人工调整"


def test_rows_the_decimal_code_computes_are_given_their_events_and_adjustments(monkeypatch, tmp_path):
    """A row on a threshold is computed by the plan's generated code from the inputs the Decimal path
    would give it: every row of the roster desk's month forced so, its events and adjustments included."""
    import polars as pl

    from engine.run.columnar.columns import Columns

    collect = Columns.collect

    def all_unsure(self, exprs):
        self.mark(pl.lit(True))
        return collect(self, exprs)

    monkeypatch.setattr(Columns, "collect", all_unsure)
    lines = [["客服昵称", "金额", "原因", "审批人"], ["店铺:阿香", "-300.00", "追回", "王经理"]]
    files = Files(**DESK, events=str(ROOT / "examples" / "roster" / "events-2026-10.csv"),
                  adjustments=str(write_csv(tmp_path / "adjustments.csv", lines)))
    compared(files)
    assert evaluate_report(files, None, "csv", "en").by_decimal == len(DESK_AGENTS)
