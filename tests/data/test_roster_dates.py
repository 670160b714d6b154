"""What the roster says must agree with the data (issue 14, section 3, first bullet): under any
policy, prorating or not, a row for a month the agent's 入职日期 / 离职日期 leave no day of (she
left before it, or joins after it), or dates where she joined after she left, is an error naming
the row and where each date was read; a month the dates overlap is evaluated."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness.files import write_csv
from harness.plans import compile_text

from engine.data.inputs import read_inputs
from engine.errors import DataError

POLICY = """\
jixiao: 1
policy: {id: dates, version: "1", name: 日期, effective_from: 2026-01-01, currency: CNY}
metrics:
  sales: {label: 销售额, type: money}
kpis:
  sales: {label: 销售额, metric: sales, weight: 100, linear: {from: 0, to: 100000}}
score:
  total: 100
  ratings: {pass: {label: 合格}}
pay:
  base: {label: 底薪, kind: fixed, amount: 1000}
"""
PRORATING = POLICY.replace("metrics:", "proration: {by: calendar_days}\nmetrics:")


def roster(tmp_path: Path, *rows: list[str]) -> Path:
    return write_csv(tmp_path / "r.csv", [["工号", "入职日期", "离职日期"], *rows])


def metrics(tmp_path: Path, *agents: str, month: str = "2026-10") -> Path:
    return write_csv(tmp_path / "m.csv", [["工号", "月份", "销售额"], *([agent, month, "1"] for agent in agents)])


def refused(plan, path, **files) -> list[tuple[int, str, str]]:
    with pytest.raises(DataError) as caught:
        read_inputs(plan, path, **files)
    return [(i.row, i.message, i.zh) for i in caught.value.issues]


@pytest.mark.parametrize("text", [POLICY, PRORATING])
def test_a_row_for_a_month_the_roster_dates_leave_no_day_of_is_refused_naming_both_rows(tmp_path, text):
    plan = compile_text(tmp_path, text)
    dates = roster(tmp_path, ["1001", "", "2026-09-20"], ["1002", "2026-11-01", ""],
                   ["1003", "2026-10-20", "2026-10-10"], ["1004", "2026-10-15", "2026-10-01"])
    assert refused(plan, metrics(tmp_path, "1001", "1002", "1003", "1004"), roster=dates) == [
        (2, "agent 1001 is in the 2026-10 data, but the roster dates (row 2: joined —, left 2026-09-20) leave no day "
            "of that month; check the dates or the row",
         "客服 1001 出现在 2026-10 的数据中，但花名册的日期（第 2 行：入职 —，离职 2026-09-20）不含该月的任何一天；"
         "请核对日期或该行"),
        (3, "agent 1002 is in the 2026-10 data, but the roster dates (row 3: joined 2026-11-01, left —) leave no day "
            "of that month; check the dates or the row",
         "客服 1002 出现在 2026-10 的数据中，但花名册的日期（第 3 行：入职 2026-11-01，离职 —）不含该月的任何一天；"
         "请核对日期或该行"),
        (4, "agent 1003 is in the 2026-10 data, but the roster dates (row 4: joined 2026-10-20, left 2026-10-10) say "
            "the agent joined after leaving; check the dates or the row",
         "客服 1003 出现在 2026-10 的数据中，但花名册的日期（第 4 行：入职 2026-10-20，离职 2026-10-10）表明其入职晚于"
         "离职；请核对日期或该行"),
        (5, "agent 1004 is in the 2026-10 data, but the roster dates (row 5: joined 2026-10-15, left 2026-10-01) say "
            "the agent joined after leaving; check the dates or the row",
         "客服 1004 出现在 2026-10 的数据中，但花名册的日期（第 5 行：入职 2026-10-15，离职 2026-10-01）表明其入职晚于"
         "离职；请核对日期或该行"),
    ]


@pytest.mark.parametrize("text", [POLICY, PRORATING])
def test_dates_that_overlap_the_month_are_evaluated(tmp_path, text):
    plan = compile_text(tmp_path, text)
    dates = roster(tmp_path, ["1001", "2026-10-31", ""], ["1002", "", "2026-10-01"], ["1003", "2026-10-05",
                                                                                       "2026-10-05"],
                   ["1004", "2025-01-01", "2027-01-01"], ["1005", "", ""])
    agents = read_inputs(plan, metrics(tmp_path, "1001", "1002", "1003", "1004", "1005"), roster=dates).agents
    assert [(a.agent, a.joined, a.left) for a in agents] == [
        ("1001", "2026-10-31", ""), ("1002", "", "2026-10-01"), ("1003", "2026-10-05", "2026-10-05"),
        ("1004", "2025-01-01", "2027-01-01"), ("1005", "", "")]


def test_each_month_of_a_file_is_held_to_the_dates(tmp_path):
    plan = compile_text(tmp_path, POLICY)
    path = write_csv(tmp_path / "m.csv",
                     [["工号", "月份", "销售额"], ["1001", "2026-10", "1"], ["1001", "2026-11", "1"]])
    dates = roster(tmp_path, ["1001", "", "2026-10-31"])
    assert [row for row, _, _ in refused(plan, path, roster=dates)] == [3]


def test_dates_on_the_metrics_row_itself_are_named_as_such(tmp_path):
    plan = compile_text(tmp_path, POLICY)
    path = write_csv(tmp_path / "m.csv",
                     [["工号", "月份", "销售额", "离职日期"], ["1001", "2026-10", "1", "2026-09-30"]])
    assert refused(plan, path) == [
        (2, "agent 1001 is in the 2026-10 data, but the dates on this row (joined —, left 2026-09-30) leave no day of "
            "that month; check the dates or the row",
         "客服 1001 出现在 2026-10 的数据中，但本行的日期（入职 —，离职 2026-09-30）不含该月的任何一天；"
         "请核对日期或该行")]


def test_a_date_from_the_roster_and_one_from_the_row_are_each_named(tmp_path):
    plan = compile_text(tmp_path, POLICY)
    path = write_csv(tmp_path / "m.csv",
                     [["工号", "月份", "销售额", "离职日期"], ["1001", "2026-10", "1", "2026-10-09"]])
    dates = write_csv(tmp_path / "r.csv", [["工号", "入职日期"], ["1001", "2026-10-10"]])
    assert refused(plan, path, roster=dates) == [
        (2, "agent 1001 is in the 2026-10 data, but the dates (joined 2026-10-10 in the roster, row 2; left 2026-10-09 "
            "on this row) say the agent joined after leaving; check the dates or the row",
         "客服 1001 出现在 2026-10 的数据中，但日期（入职 2026-10-10 见花名册第 2 行；离职 2026-10-09 见本行）"
         "表明其入职晚于离职；请核对日期或该行")]
