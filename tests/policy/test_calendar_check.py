"""Calendar facts in expressions, checked at validate time (issue 16 item 7): a fact that needs the
roster's join date in a policy that declares none (JX266), a declared name that is a fact's (JX267),
and at run time an agent without a join date (JX268). The facts: engine.model.calendar_facts."""

from __future__ import annotations

import pytest

from engine.model.inputs import AgentInput
from engine.policy.check import check
from engine.policy.load import load_text
from engine.run.calendar_facts import NoJoinDate, calendar_block
from tests.policy.check_base import LATER_COMPONENT, loc, mutate

BONUS = """  tenure_bonus:
    label: {zh: 司龄奖, en: Tenure bonus}
    rule: S4.4
    kind: fixed
    when: months_since_joining >= 3 and closes_quarter
    amount: 100
"""
WITH_BONUS = ("\npay:\n", "\npay:\n" + BONUS)


def diagnose(text: str) -> list:
    return list(check(load_text(text.encode("utf-8"), "policy.yaml")))


def test_facts_from_the_period_need_nothing_declared():
    """closes_quarter, closes_year and month_of_quarter come from the period alone."""
    text = mutate(("\npay:\n", "\npay:\n" + BONUS.replace("months_since_joining >= 3 and closes_quarter",
                                                       "closes_year or (closes_quarter and month_of_quarter == 3)")))
    assert diagnose(text) == []


def test_JX266_months_since_joining_without_a_join_date_column_S4_4():
    text = mutate(WITH_BONUS)
    (found,) = diagnose(text)
    assert (found.code, found.severity) == ("JX266", "error")
    assert (found.line, found.column) == loc(text, "when: months_since_joining", "months_since_joining")
    assert found.render("en").endswith(
        "JX266 'months_since_joining' counts months from the roster's join date (入职日期), but the policy declares no "
        "join date column: a roster without one would stop every run (hint: carry it (roster: {carry: [入职日期]}) "
        "or name its header (columns: {joined: [入职日期]}))")
    assert "'months_since_joining' 按花名册的入职日期计算，但方案没有声明入职日期列" in found.render("zh")


@pytest.mark.parametrize("declared", [
    ("rounding: {quantum: 0.01, mode: half_up}\n", "rounding: {quantum: 0.01, mode: half_up}\n"
     "columns:\n  joined: [入职日期]\n"),
    ("rounding: {quantum: 0.01, mode: half_up}\n", "rounding: {quantum: 0.01, mode: half_up}\n"
     "roster:\n  carry: [入职时间]\n"),
], ids=["columns-joined", "roster-carry"])
def test_a_declared_join_date_column_lets_months_since_joining_be_read(declared):
    assert diagnose(mutate(WITH_BONUS, declared)) == []


@pytest.mark.parametrize(("edits", "where", "what"), [
    ([("  absences:\n", "  closes_quarter:\n"), ("10 - 5 * absences", "10 - 5 * closes_quarter")],
     ("  closes_quarter:\n", "closes_quarter"), "input"),
    ([("derived:\n  attainment:\n", "derived:\n  month_of_quarter:\n    label: 月\n    formula: sales\n"
       "  attainment:\n")], ("  month_of_quarter:\n", "month_of_quarter"), "derived"),
    ([("\npay:\n", "\npay:\n" + LATER_COMPONENT.replace("later:", "closes_year:"))],
     ("  closes_year:\n", "closes_year"), "pay"),
], ids=["metric", "derived", "pay"])
def test_JX267_a_declared_name_that_is_a_calendar_fact(edits, where, what):
    text = mutate(*edits)
    found = [d for d in diagnose(text) if d.code == "JX267"]
    assert len(found) == 1, [d.render() for d in diagnose(text)]
    (clash,) = found
    assert (clash.line, clash.column) == loc(text, *where)
    name = where[1]
    assert clash.message.startswith(f"'{name}' ({what}) has the name of a calendar fact every expression may read (")
    assert clash.hint == "rename it" and "与所有表达式都可读取的日历事实" in clash.render("zh")


def test_proration_s_days_are_no_clash():
    """`proration:` declares days_worked and days_in_month: the same facts, not a clash."""
    assert diagnose(mutate(("rounding: {quantum: 0.01, mode: half_up}\n",
                            "rounding: {quantum: 0.01, mode: half_up}\nproration: {by: calendar_days}\n"))) == []


def test_JX268_an_agent_without_a_join_date_at_run_time():
    """An agent without 入职日期 is an error naming the row, never a count of zero months that pays."""
    with pytest.raises(NoJoinDate) as caught:
        calendar_block(("months_since_joining",), [AgentInput("a1", "2026-11", {}, source="roster.csv:3")])
    assert caught.value.code == "JX268"
    assert str(caught.value).startswith("roster.csv:3: agent a1 has no join date (入职日期) in the roster")
