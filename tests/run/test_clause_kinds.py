"""A clause over several event kinds and named groups of pay lines (issue 16 items 8 and 9).

S4.P24 says "any first response over 200 s, or none at all → bonus and commission cancelled": one
rule, so policies/s4_path.yaml writes it as one clause (`p24_over_200_or_no_reply`, `match:` with a
condition per kind) whose events are counted together. "Bonus" is the month's bonus (当月奖金), the
group `pay_groups.monthly_bonus` (excellent_bonus, step_bonus and the two team bonuses), which every
clause cancels by name. Agent 2006 (萧然, an agent rated 优秀) earns 3250.04 without events: 1200 base
+ 1600.04 commission + 200 excellent + 250 step bonus; with bonus and commission cancelled she keeps
1200, topped up to the guaranteed 1500 (S4.2).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from harness.cli import run
from harness.files import events_file
from harness.paths import S4_EVENTS, S4_METRICS, S4_ROSTER

from engine.model.events import Event
from engine.model.penalties import Clause, Match
from engine.pipeline import prepare
from engine.run.penalties import clause_facts
from tests.run.test_s4_penalties import NO_BONUS_2006, PAY_2006, POLICY, ZERO_LINES, evaluate, paid, variant

D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Bonus and commission cancelled (S4.P24): 1200 base, topped up to the guaranteed 1500 (S4.2).
NOTHING_BUT_BASE_2006 = {**ZERO_LINES, "base": "1200.00", "guarantee": "300.00", "total": "1500.00"}
# The S4.P24 clause counted per Shanghai day, firing on more than one matching event in a day.
DAILY = ("    match:\n      - {kind: first_response, value_over: 200}\n      - {kind: no_reply}\n",
         "    match:\n      - {kind: first_response, value_over: 200}\n      - {kind: no_reply}\n"
         "    count_over: 1\n    per: day\n")


def reply(day: str, seconds: int, order: str, agent: str = "2006") -> str:
    return f"{agent},2026-10-{day} 10:{order[-2:]}:00,首响,{seconds},,{order},"


def silent(day: str, order: str, agent: str = "2006") -> str:
    return f"{agent},2026-10-{day} 11:{order[-2:]}:00,未回复,,,{order},"


# -- item 9: one clause, several kinds, counted together --------------------------------------------

@pytest.mark.parametrize(("rows", "count", "pay"), [
    # S4.P24: a reply over 200 s and a buyer never answered on 12 October: two matching events in one day
    ([reply("12", 201, "A01"), silent("12", "A02")], "1", NOTHING_BUT_BASE_2006),
    # one on the 12th and one on the 13th: never more than one in a day
    ([reply("12", 201, "A01"), silent("13", "A02")], "0", PAY_2006),
    # 200 s is not over 200 s (only the first response's own condition): one matching event
    ([reply("12", 200, "A01"), silent("12", "A02")], "0", PAY_2006),
    # a first response of 61 s is no event of this clause either, nor of the slow-day one (only 1)
    ([reply("12", 61, "A01"), silent("12", "A02")], "0", PAY_2006),
])
def test_events_of_both_kinds_are_counted_together_per_day_S4_P24(tmp_path, rows, count, pay):
    """`count_over: 1, per: day` over both kinds: the day's over-200 replies and unanswered buyers add up."""
    result = evaluate(tmp_path, rows, policy=variant(tmp_path, DAILY))["2006"]
    assert result["penalties"]["p24_over_200_or_no_reply"] == count
    assert paid(result) == pay


def test_the_shipped_clause_fires_once_a_month_for_either_kind_S4_P24(tmp_path):
    """Shipped (per month, any one event): an over-200 reply and a silent buyer are one firing, not two."""
    result = evaluate(tmp_path, [reply("12", 201, "A01"), silent("20", "A02"), reply("21", 200, "A03")])["2006"]
    assert result["penalties"]["p24_over_200_or_no_reply"] == "1"
    assert paid(result) == NOTHING_BUT_BASE_2006


def test_explain_lists_the_events_of_every_kind_with_their_kind_S4_P24(tmp_path):
    """Under the clause, each event of the day with its kind's label; the sentence names the group."""
    events = events_file(tmp_path / "events.csv", [reply("12", 201, "A01"), silent("12", "A02")])
    policy = variant(tmp_path, DAILY)
    found = {}
    for lang in ("zh", "en"):
        result = run("explain", "-p", policy, "-m", S4_METRICS, "-r", S4_ROSTER, "--period", "2026-10", "--events",
                     events, "-a", "2006", "--full", "--lang", lang)
        assert result.exit_code == 0, result.output
        found[lang] = result.stdout
    zh, en = found["zh"], found["en"]
    assert "10月12日：2 次" in zh
    assert "2026-10-12 10:01:00 · 首次响应 · 订单 A01 · 201 秒" in zh
    assert "2026-10-12 11:02:00 · 未回复 · 订单 A02" in zh
    assert ("10月12日首次响应超过200秒或未回复（S4.P24）：取消当月奖金（考核优秀奖、阶梯奖、团队奖金）"
            "与提成（考核优秀奖 200.00 元、阶梯奖 250.00 元、提成 1600.04 元）") in zh
    assert "已取消：原因是“首次响应超过200秒或未回复”（S4.P24）（作为“当月奖金”的一项，整组取消）" in zh
    assert "2026-10-12 10:01:00 · First response · order A01 · 201 s" in en
    assert "2026-10-12 11:02:00 · No reply · order A02" in en
    assert ("12 Oct: A first response over 200 s, or no reply (S4.P24): cancels Monthly bonus (Excellent-assessment "
            "bonus, Step bonus, Team bonus) and Commission "
            "(Excellent-assessment bonus 200.00 CNY, Step bonus 250.00 CNY, Commission 1600.04 CNY)") in en


def event(kind: str, at: str, value: str | None = None, order: str = "") -> Event:
    moment = datetime.fromisoformat(at).replace(tzinfo=SHANGHAI)
    return Event("2006", moment, moment.date(), kind, None if value is None else D(value), None, order, "", "row")


CLAUSE = Clause("p24", (Match("first_response", D(200)), Match("no_reply")), 1, "day", (), None, ("S4.P24",))


def test_clause_facts_merge_the_kinds_in_time_order_and_name_each_kind():
    """S4.P24 per day: the 12th holds a no-reply at 09:00 and a 201 s reply at 10:00 (more than 1: fires);
    the 13th one 250 s reply and a 200 s one that does not count: it came within one event."""
    events = [event("first_response", "2026-10-12 10:00:00", "201", "b"),
              event("first_response", "2026-10-13 10:00:00", "250", "c"),
              event("first_response", "2026-10-13 11:00:00", "200", "d"),
              event("no_reply", "2026-10-12 09:00:00", order="a")]
    count, (fired, near), loss = clause_facts(CLAUSE, events, SHANGHAI)
    assert count == 1 and loss == 0
    assert fired == (("2026-10-12", (("2026-10-12 09:00:00", "a", None, None, "row", "no_reply"),
                                     ("2026-10-12 10:00:00", "b", D(201), None, "row", "first_response"))),)
    assert near is None  # a day fired, so none is said to have come close
    count, (fired, near), _ = clause_facts(CLAUSE, events[1:3], SHANGHAI)
    assert (count, fired, near) == (0, (), ("2026-10-13", 1))


def test_a_single_kind_clause_keeps_its_evidence_as_it_was():
    """One kind: five items per event, no kind (what the ledger and the goldens of other policies hold)."""
    single = Clause("p24_slow", (Match("first_response", D(60)),), 0, "day", (), None, ("S4.P24",))
    _, (fired, _), _ = clause_facts(single, [event("first_response", "2026-10-12 10:00:00", "61", "x")], SHANGHAI)
    assert fired == (("2026-10-12", (("2026-10-12 10:00:00", "x", D(61), None, "row"),)),)


# -- item 8: named groups of pay lines ------------------------------------------------------------

def test_every_clause_cancelling_the_bonus_names_the_group():
    """policies/s4_path.yaml: no clause lists a bonus on its own; each resolves to the group's three lines."""
    plan, _ = prepare(str(POLICY))
    (group,) = plan.pay_groups
    assert (group.name, group.label.zh, group.members) == (
        "monthly_bonus", "当月奖金",
        ("excellent_bonus", "step_bonus", "team_bonus"))
    for clause in plan.penalties:
        if clause.cancels:
            assert "monthly_bonus" in clause.cancels_written, clause.name
            assert clause.cancels[:3] == group.members, clause.name
    assert "quarterly_excellence" not in group.members and "guarantee" not in group.members


def test_a_nested_group_cancels_every_member_S4_P24(tmp_path):
    """A group of a group and a line (`everything: [monthly_bonus, commission]`) cancels what both name."""
    policy = variant(tmp_path, ("    cancels: [monthly_bonus, commission]\n  p25_buyer_wait:",
                                "    cancels: [everything]\n  p25_buyer_wait:"),
                     ("\npenalties:\n", "\n  everything:\n    label: {zh: 奖金与提成, en: Bonus and commission}\n"
                                        "    lines: [monthly_bonus, commission]\n\npenalties:\n"))
    result = evaluate(tmp_path, [silent("12", "A01")], policy=policy)["2006"]
    assert paid(result) == NOTHING_BUT_BASE_2006


def test_the_report_shows_the_group_subtotal_after_its_last_line(tmp_path):
    """evaluate's table and CSV: 当月奖金小计 after 团队奖金: 2006 450.00 (200 + 250) without events,
    0.00 with her bonus cancelled (S4.P24); the total counts each line once."""
    events = events_file(tmp_path / "events.csv", [silent("12", "A01", "2006")])
    for lang, heading in (("zh", "当月奖金小计"), ("en", "Monthly bonus subtotal")):
        table = run("evaluate", "-p", POLICY, "-m", S4_METRICS, "-r", S4_ROSTER, "--period", "2026-10",
                    "--format", "csv", "--lang", lang)
        assert table.exit_code == 0, table.output
        rows = [line.split(",") for line in table.stdout.lstrip("\ufeff").splitlines()]
        head = rows[0]
        at = head.index(heading)
        assert head[at - 1] in ("团队奖金", "Team bonus")
        row = next(r for r in rows if r[0] == "2006")
        assert (row[at], row[head.index("应发合计" if lang == "zh" else "Total")]) == ("450.00", "3250.04")
    cancelled = run("evaluate", "-p", POLICY, "-m", S4_METRICS, "-r", S4_ROSTER, "--period", "2026-10",
                    "--events", events, "--format", "csv", "--lang", "zh")
    rows = [line.split(",") for line in cancelled.stdout.lstrip("\ufeff").splitlines()]
    row = next(r for r in rows if r[0] == "2006")
    assert row[rows[0].index("当月奖金小计")] == "0.00"


def test_the_workbook_has_the_subtotal_column_and_names_each_events_kind(tmp_path):
    """evaluate --format xlsx: 当月奖金小计 after 团队奖金（主管）; on 罚则明细 each event of S4.P24's clause says its
    kind beside the clause's label (首次响应 for 1006's 201 s reply, 未回复 for 2003)."""
    out = tmp_path / "month.xlsx"
    result = run("evaluate", "-p", POLICY, "-m", S4_METRICS, "-r", S4_ROSTER, "--events", S4_EVENTS, "--period",
                 "2026-10", "--format", "xlsx", "--out", out)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    head = [cell.value for cell in book["结果"][1]]
    assert head[head.index("团队奖金") + 1] == "当月奖金小计"
    rows = [row for row in book["罚则明细"].iter_rows(values_only=True) if "p24_over_200_or_no_reply" in row]
    assert [(row[0], row[3]) for row in rows] == [("1006", "首次响应超过200秒或未回复 · 首次响应"),
                                                ("2003", "首次响应超过200秒或未回复 · 未回复")]


def test_no_bonus_pay_is_the_same_whether_written_by_line_or_by_group(tmp_path):
    """The group is only a name: listing its three lines instead gives 2006 the same pay (S4.P4)."""
    p4 = "    kind: info_not_noted\n    cancels: "
    lines = "[excellent_bonus, step_bonus, team_bonus]"
    by_line = variant(tmp_path, (p4 + "[monthly_bonus]", p4 + lines))
    rows = ["2006,2026-10-12 10:00:00,信息未备注,,,I1,"]
    assert paid(evaluate(tmp_path, rows, policy=by_line)["2006"]) == NO_BONUS_2006
    assert paid(evaluate(tmp_path, rows)["2006"]) == NO_BONUS_2006
