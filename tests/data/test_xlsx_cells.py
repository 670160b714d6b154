"""A problem in a workbook names its cell as Excel does (`F4`), in Chinese and in English, wherever
it was found (issue 14, section 8): reading a cell, joining rows (a duplicate agent, an agent not
in the roster), events and adjustments. A formula saved without its value gets one error, the
formula's, never a second one advising `missing:`."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from engine.data.adjustments import read_adjustments
from engine.data.events import read_events
from engine.data.ingest import MAX_ISSUES, Field, read_table
from engine.data.inputs import read_inputs
from engine.errors import DataError
from engine.model.penalties import EventVocabulary
from engine.pipeline import prepare
from engine.policy.sections import choices_of

D = Decimal
AGENT = Field("agent", "id", ("客服",))
SALES = Field("sales", "money", ("销售额",))  # no `missing:`: an empty cell is an error
FORMULA = ("the cell holds the formula {} but no computed value: the file was written by a program and never "
           "calculated; open it in Excel (or WPS), save it, and read it again")


def book(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def issues(call, *args, **options):
    with pytest.raises(DataError) as caught:
        call(*args, **options)
    return caught.value.issues


def test_a_formula_without_its_value_in_a_column_that_may_not_be_missing_is_one_error(tmp_path):
    path = book(tmp_path / "m.xlsx", [["客服", "销售额"], ["a", 1], ["b", "=1000*2"], ["=A2", 3], ["c", None]])
    found = issues(read_table, path, [AGENT, SALES], key="agent")
    assert [(i.row, i.column, i.cell, i.message) for i in found] == [
        (3, "销售额 (B)", "B3", FORMULA.format("=1000*2")),
        (4, "客服 (A)", "A4", FORMULA.format("=A2")),
        (5, "销售额 (B)", "B5", "expected a value, got an empty cell; fill it in, or declare `missing:` on the metric"),
    ]
    assert found[0].render("zh") == (
        f"{path}：第 3 行，列 销售额 (B)，单元格 B3：该单元格是公式 =1000*2，但没有计算结果：文件由程序生成、"
        "从未计算过；请用 Excel（或 WPS）打开并保存后再读取")


def test_formulas_past_the_issues_shown_are_counted_once(tmp_path):
    rows = [["客服", "销售额"], *(["a", "=1+1"] for _ in range(MAX_ISSUES + 10))]
    found = issues(read_table, book(tmp_path / "m.xlsx", rows), [AGENT, SALES], key="agent")
    assert len(found) == MAX_ISSUES + 1
    assert {i.message for i in found[:MAX_ISSUES]} == {FORMULA.format("=1+1")}
    assert found[-1].message == "10 more problems not shown; fix the ones above and run again"


POLICY = """\
jixiao: 1
policy: {id: cells, version: "1", name: 单元格, effective_from: 2026-01-01, currency: CNY}
metrics:
  sales: {label: 销售额, type: money}
  target: {label: 人均计划销售额, type: money, scope: team, missing: 0}
kpis:
  sales: {label: 销售额, metric: sales, weight: 100, linear: {from: 0, to: 100000}}
score:
  total: 100
  ratings: {pass: {label: 合格}}
pay:
  base: {label: 底薪, kind: fixed, amount: 1000}
"""


@pytest.fixture
def plan(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY, encoding="utf-8")
    return prepare(str(path))[0]


def test_rows_joined_in_a_workbook_name_their_cells_in_both_languages(plan, tmp_path):
    metrics = book(tmp_path / "m.xlsx", [["月份", "组别", "销售额", "人均计划销售额", "工号"],
                                         ["2026-10", "一组", 1, 100, "1001"], ["2026-10", "一组", 2, 200, "1002"],
                                         ["2026-10", "一组", 3, 100, "１００１"], ["2026-10", "一组", 4, 100, "1009"]])
    roster = book(tmp_path / "r.xlsx", [["工号", "姓名"], ["1001", "王晓梅"], ["1002", "李娜"]])
    found = issues(read_inputs, plan, metrics, roster=roster)
    assert [i.render() for i in found] == [
        f"{metrics}: row 4, column 工号, cell E4: agent 1001 at row 4 is the same agent as row 2 in 2026-10 (written "
        "'１００１' here, '1001' there): ids that differ only in full-width forms, invisible characters or spaces name "
        "one agent; keep one row per agent and month",
        f"{metrics}: row 5, column 工号, cell E5: agent 1009 is not in the roster; add them to the roster or check "
        "the id",
        f"{metrics}: row 3, column 人均计划销售额, cell D3: target for team '一组' 2026-10 is 200 here but 100 on an "
        "earlier row; a team value must agree",
    ]
    assert [i.render("zh").split("：")[1] for i in found] == [
        "第 4 行，列 工号，单元格 E4", "第 5 行，列 工号，单元格 E5", "第 3 行，列 人均计划销售额，单元格 D3"]


def test_the_same_rows_in_a_csv_name_no_cell(plan, tmp_path):
    metrics = tmp_path / "m.csv"
    metrics.write_text("工号,月份,销售额\n1001,2026-10,1\n1001,2026-10,2\n", encoding="utf-8")
    (issue,) = issues(read_inputs, plan, metrics)
    assert (issue.cell, issue.render().split(": ")[1]) == ("", "row 3, column 工号")


def test_events_and_adjustments_in_a_workbook_name_their_cells(tmp_path):
    vocabulary = EventVocabulary("Asia/Shanghai", "refuse", choices_of({"no_reply": {"label": "未回复"}}),
                                 frozenset(), frozenset())
    events = book(tmp_path / "e.xlsx", [["类型", "工号", "时间"], ["未回复", "1001", "2026-10-12 14:03"],
                                        ["未回复", "1009", "2026-10-12 14:04"], ["迟到", "1001", "2026-10-12 14:05"],
                                        ["未回复", "1001", "2026-10-12 14:03"]])
    found = issues(read_events, events, vocabulary, {"1001"}, "2026-10")
    assert [(i.row, i.column, i.cell) for i in found] == [(4, "类型 (A)", "A4")]
    events = book(tmp_path / "e.xlsx", [["类型", "工号", "时间"], ["未回复", "1001", "2026-10-12 14:03"],
                                        ["未回复", "1009", "2026-10-12 14:04"], ["未回复", "1001", "2026-10-12 14:03"]])
    found = issues(read_events, events, vocabulary, {"1001"}, "2026-10")
    assert [(i.row, i.column, i.cell) for i in found] == [(3, "工号", "B3"), (4, "时间", "C4")]
    assert found[1].render("zh").startswith(f"{events}：第 4 行，列 时间，单元格 C4：与第 2 行是同一事件")
    adjustments = book(tmp_path / "a.xlsx", [["工号", "金额", "原因", "审批人"], ["1009", 1, "补贴", "张经理"],
                                             ["1001", 1.005, "补贴", "张经理"]])
    found = issues(read_adjustments, adjustments, {"1001"}, "2026-10")
    assert [(i.row, i.column, i.cell) for i in found] == [(2, "工号", "A2"), (3, "金额", "B3")]
