"""S1.6: one month's metrics as several exports, joined by agent and period (engine.data.join).

S1's month (policies/s1_ranking.yaml: conversion S1.1 from a 赤兔-like chat export, satisfaction
S1.1 from a review export) split in two: the joined month reads exactly as the one file does, and
every way the files disagree is a located error naming both files, in zh and en."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from harness.files import write_csv
from harness.paths import S0_POLICY, S1_METRICS, S1_POLICY

from engine.data.inputs import read_inputs
from engine.errors import DataError
from engine.pipeline import prepare

ROWS = list(csv.reader(S1_METRICS.open(encoding="utf-8-sig")))  # 客服昵称, 月份, 询单->最终付款转化率, 满意度


@pytest.fixture(scope="module")
def plan():
    return prepare(str(S1_POLICY))[0]


def split(tmp_path, chat_rows=None, review_rows=None):
    """The chat export (agent, month, conversion) and the review export (agent, month, satisfaction; agents
    in reverse order: a join goes by agent, never by row)."""
    chat = write_csv(tmp_path / "chat.csv", chat_rows or [row[:3] for row in ROWS])
    review = write_csv(tmp_path / "review.csv", review_rows or [["客服昵称", "月份", "客户满意度"],
                                                                 *([r[0], r[1], r[3]] for r in reversed(ROWS[1:]))])
    return str(chat), str(review)


def issues(plan, first, *more, period=None):
    with pytest.raises(DataError) as caught:
        read_inputs(plan, first, more=more, period=period)
    return [(i.file, i.row, i.column, i.message, i.zh) for i in caught.value.issues]


def test_the_joined_month_reads_as_the_single_file(plan, tmp_path):
    chat, review = split(tmp_path)
    one = read_inputs(plan, S1_METRICS).agents
    joined = read_inputs(plan, chat, more=(review,)).agents
    assert [(a.agent, a.period, a.values) for a in joined] == [(a.agent, a.period, a.values) for a in one]
    assert joined[3].agent == "小四"
    assert joined[3].values == {"conversion": Decimal("0.5400"), "satisfaction": Decimal("0.9400")}
    # Where each agent-month was read: every file's row (小四 is row 5 of the chat file, row 10 of the review file).
    assert joined[3].source == f"{chat} row 5; {review} row 10"


def test_a_metric_in_two_files_names_both_files_and_columns(plan, tmp_path):
    chat, _ = split(tmp_path)
    assert issues(plan, chat, str(S1_METRICS)) == [(
        str(S1_METRICS), 1, "询单->最终付款转化率",
        f"metric 'conversion' is in two metrics files: column 询单->最终付款转化率 of {chat} and column "
        f"询单->最终付款转化率 of {S1_METRICS}; each metric is read from one file: delete or rename the column in the "
        "file it does not come from, or say which source it is read from (metrics.conversion.source, with sources:)",
        f"指标 'conversion' 同时出现在两个指标文件中：{chat} 的 询单->最终付款转化率 列和 {S1_METRICS} 的 "
        "询单->最终付款转化率 列；每个指标只能取自一个文件：请在不该提供它的文件中删除该列或改名，"
        "或在方案中指明它取自哪个来源（metrics.conversion.source，并写上 sources:）")]


def test_a_metric_in_no_file_is_a_missing_column_naming_every_file(plan, tmp_path):
    chat, _ = split(tmp_path)
    other = str(write_csv(tmp_path / "other.csv", [["客服昵称", "月份", "接待人数"], ["小一", "2026-10", "30"]]))
    assert issues(plan, chat, other) == [(
        chat, 0, "",
        f"missing column 'satisfaction': none of the metrics files ({chat}, {other}) has a header named "
        "satisfaction / 满意度 / Satisfaction / 客户满意度",
        f"缺少列 'satisfaction'：所有指标文件（{chat}, {other}）的表头中都没有 "
        "satisfaction / 满意度 / Satisfaction / 客户满意度")]


def test_an_agent_missing_from_one_file_names_both_files(plan, tmp_path):
    """小一 has no review row; 小十三 has no chat row: each located where she is."""
    review_rows = [["客服昵称", "月份", "客户满意度"], *([r[0], r[1], r[3]] for r in ROWS[2:]),
                   ["小十三", "2026-10", "99%"]]
    chat, review = split(tmp_path, review_rows=review_rows)
    assert issues(plan, chat, review) == [
        (chat, 2, "客服昵称",
         f"agent 小一 (2026-10) is in {chat} but not in {review}: the metrics files of a month are joined by agent "
         "and period, and each must have a row for every agent; check that the exports cover the same agents and "
         "month",
         f"客服 小一（2026-10）在 {chat} 中，却不在 {review} 中：同一个月的各指标文件按客服和月份合并，每个文件都必须有"
         "每位客服的一行；请核对各导出是否覆盖相同的客服和月份"),
        (review, 13, "客服昵称",
         f"agent 小十三 (2026-10) is in {review} but not in {chat}: the metrics files of a month are joined by agent "
         "and period, and each must have a row for every agent; check that the exports cover the same agents and "
         "month",
         f"客服 小十三（2026-10）在 {review} 中，却不在 {chat} 中：同一个月的各指标文件按客服和月份合并，"
         "每个文件都必须有每位客服的一行；请核对各导出是否覆盖相同的客服和月份"),
    ]


def test_an_agent_twice_in_a_further_file_is_located_there(plan, tmp_path):
    review_rows = [["客服昵称", "月份", "客户满意度"], *([r[0], r[1], r[3]] for r in ROWS[1:]),
                   ["小二", "2026-10", "97%"]]
    chat, review = split(tmp_path, review_rows=review_rows)
    assert issues(plan, chat, review) == [
        (review, 14, "客服昵称",
         "agent 小二 appears twice for 2026-10 (first at row 3); keep one row per agent and month",
         "客服 小二 在 2026-10 出现了两次（第一次在第 3 行）；每位客服每月只保留一行")]


def test_a_further_file_without_a_month_is_an_error_of_that_file(plan, tmp_path):
    review_rows = [["客服昵称", "客户满意度"], *([r[0], r[3]] for r in ROWS[1:])]
    chat, review = split(tmp_path, review_rows=review_rows)
    assert issues(plan, chat, review) == [(
        review, 1, "",
        "no period: the file has no 月份 (period) column, and neither --period nor a date range in the file name or "
        "above the header says which month it is; add the column or pass --period YYYY-MM",
        "没有月份：文件中没有“月份”列，--period、文件名和表头上方也都没有说明是哪个月；"
        "请添加“月份”列，或用 --period YYYY-MM 指定")]
    # With --period, the month of a file without a period column is the one asked for: joined as before.
    joined = read_inputs(plan, chat, more=(review,), period="2026-10").agents
    assert joined[0].values == {"conversion": Decimal("0.60"), "satisfaction": Decimal("1.00")}


def test_a_further_file_is_read_as_one_file_is(plan, tmp_path):
    """Its own aliases, units, placeholders, title and 合计 row: the notes name the file they come from."""
    review_rows = [["客服评价导出"], ["客服昵称", "月份", "客户满意度"], *([r[0], r[1], r[3]] for r in ROWS[1:]),
                   ["合计", "", ""]]
    chat, review = split(tmp_path, review_rows=review_rows)
    read = read_inputs(plan, chat, more=(review,))
    assert read.agents[1].values["satisfaction"] == Decimal("0.98")
    assert read.notes == (f"{review}: row 1: preamble '客服评价导出' skipped",
                          f"{review}: row 15: summary row '合计' skipped")


def test_a_team_value_in_a_further_file_is_refused(tmp_path):
    """S0.4's per-capita target is a team value: the first file or the team file gives it, never a further file."""
    plan = prepare(str(S0_POLICY))[0]
    first = str(write_csv(tmp_path / "a.csv", [["工号", "月份", "销售额"], ["1001", "2026-10", "1"]]))
    other = str(write_csv(tmp_path / "b.csv", [["工号", "月份", "人均计划销售额"], ["1001", "2026-10", "1"]]))
    found = issues(plan, first, other)
    assert (other, 1, "人均计划销售额",
            f"'sales_target' is a team value (scope: team), read from the first metrics file ({first}) or the team "
            "file, not from a further metrics file; move the column, or give it as a --team file",
            f"'sales_target' 是小组数值（scope: team），只从第一个指标文件（{first}）或小组数据文件读取，"
            "不从其他指标文件读取；请移动该列，或用 --team 文件提供") in found


# -- the policy's `sources:` (S1.6): which file wins, and a source that may lack an agent ----------------------------


def with_sources(tmp_path, satisfaction: str = ""):
    """S1's policy with a 赤兔 chat export and an optional review export; `satisfaction`: more lines for its metric."""
    sources = '\nsources:\n  chat: {file: "*赤兔*"}\n  reviews: {file: "*评价*", optional: true}\n\nmetrics:\n'
    text = S1_POLICY.read_text(encoding="utf-8").replace("\nmetrics:\n", sources, 1)
    text = text.replace("    aliases: [客户满意度]\n", "    aliases: [客户满意度]\n" + satisfaction, 1)
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return prepare(str(path))[0]


def exports(tmp_path, review_rows):
    chat = write_csv(tmp_path / "赤兔-客服绩效.csv", [row[:3] for row in ROWS])
    review = write_csv(tmp_path / "评价导出.csv", review_rows)
    return str(chat), str(review)


def test_the_source_a_metric_names_wins_and_the_other_column_is_noted(tmp_path):
    """The review export also holds 询单->最终付款转化率 (a stale copy, 10 % for everyone): conversion names its
    source, chat, so the chat file's 60.00 % is read, and the note says which column was not."""
    text = S1_POLICY.read_text(encoding="utf-8").replace("    aliases: [询单->最终付款转化率]\n",
                                                          "    aliases: [询单->最终付款转化率]\n    source: chat\n", 1)
    policy = tmp_path / "policy.yaml"
    policy.write_text(text.replace("\nmetrics:\n", '\nsources:\n  chat: {file: "*赤兔*"}\n  reviews: {file: "*评价*"}'
                                   "\n\nmetrics:\n", 1), encoding="utf-8")
    plan = prepare(str(policy))[0]
    chat, review = exports(tmp_path, [["客服昵称", "月份", "询单->最终付款转化率", "客户满意度"],
                                      *([r[0], r[1], "10%", r[3]] for r in ROWS[1:])])
    read = read_inputs(plan, chat, more=(review,))
    assert read.agents[0].values == {"conversion": Decimal("0.6000"), "satisfaction": Decimal("1.0000")}
    assert read.notes == (f"{review}: column 询单->最终付款转化率 not read: metric 'conversion' is read from {chat} "
                          "(metrics.conversion.source: chat)",)


def test_an_agent_an_optional_source_lacks_gets_the_metric_s_missing_value(tmp_path):
    """小一 has no review row; reviews is optional and satisfaction declares `missing: 0.9`: her satisfaction
    is 0.9, marked as supplied by `missing` (the trace says so)."""
    plan = with_sources(tmp_path, "    missing: 0.9\n")
    chat, review = exports(tmp_path, [["客服昵称", "月份", "客户满意度"], *([r[0], r[1], r[3]] for r in ROWS[2:])])
    first = read_inputs(plan, chat, more=(review,)).agents[0]
    assert (first.agent, first.values, first.supplied) == (
        "小一", {"conversion": Decimal("0.6000"), "satisfaction": Decimal("0.9")}, {"satisfaction": "missing"})
    assert first.source == f"{chat} row 2"


def test_an_agent_an_optional_source_lacks_is_an_error_without_a_missing_value(tmp_path):
    plan = with_sources(tmp_path)
    chat, review = exports(tmp_path, [["客服昵称", "月份", "客户满意度"], *([r[0], r[1], r[3]] for r in ROWS[2:])])
    assert issues(plan, chat, review) == [(
        chat, 2, "客服昵称",
        f"agent 小一 (2026-10) is in {chat} but not in {review}, the file of optional source 'reviews': her "
        f"'satisfaction' is therefore missing, and the metric declares no missing: value; give her row in {review}, "
        "or declare metrics.satisfaction.missing",
        f"客服 小一（2026-10）在 {chat} 中，却不在可选来源 'reviews' 的文件 {review} 中：她的 'satisfaction' 因此缺失，"
        f"而该指标没有声明 missing: 取值；请在 {review} 中补上她的一行，或声明 metrics.satisfaction.missing")]


def test_a_file_matching_two_sources_or_two_files_one_source_is_an_error(tmp_path):
    plan = with_sources(tmp_path)
    chat, _ = exports(tmp_path, [["客服昵称", "月份", "客户满意度"]])
    both = str(write_csv(tmp_path / "赤兔评价.csv", [["客服昵称", "月份", "客户满意度"], ["小一", "2026-10", "1"]]))
    assert issues(plan, chat, both) == [(
        both, 0, "",
        "the file name 赤兔评价.csv matches the patterns of several sources: chat (*赤兔*), reviews (*评价*); which "
        "export this is would be a guess: rename the file, or make the patterns under sources: tell the exports apart",
        "文件名 赤兔评价.csv 同时符合多个来源的模式：chat (*赤兔*), reviews (*评价*)；这是哪一份导出将无从判断："
        "请给文件改名，或修改 sources: 中的模式以区分各份导出")]
    again = str(write_csv(tmp_path / "赤兔-满意度.csv", [["客服昵称", "月份", "客户满意度"], ["小一", "2026-10", "1"]]))
    assert issues(plan, chat, again) == [(
        again, 0, "",
        f"{chat} and {again} both match the pattern *赤兔* of source 'chat'; a source is one export of the month: "
        "give one of them, or rename the other",
        f"{chat} 和 {again} 都符合来源 'chat' 的模式 *赤兔*；一个来源是当月的一份导出：请只给其中一个，或给另一个改名")]


def test_an_empty_month_cell_is_refused_where_it_is(plan, tmp_path):
    """小二's 月份 cell is empty in the chat file: refused at its cell as in a single file, before any join."""
    chat_rows = [row[:3] for row in ROWS]
    chat_rows[2] = ["小二", "", "55.00%"]
    chat, review = split(tmp_path, chat_rows=chat_rows)
    assert issues(plan, chat, review) == [(chat, 3, "月份 (B)", "expected a value, got an empty cell", "此处不能为空")]
