"""Joining files into inputs: policy column aliases, platform agent headers, and the period an
export states in its file name or above its header (S0.4's per-capita target is a team value).
"""

from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from harness.files import write_csv
from hypothesis import given
from hypothesis import strategies as st

from engine.data.inputs import TeamValueNote, read_inputs
from engine.data.period_hint import Hint, date_range, find_hints
from engine.errors import DataError
from engine.pipeline import prepare

D = Decimal
POLICY = """\
jixiao: 1
policy:
  id: data-test
  version: "1"
  name: 数据测试
  effective_from: 2026-01-01
  currency: CNY
columns:
  agent: [售前客服]
  team: [战队]
  period: [结算月]
  name: [花名]
metrics:
  sales:
    label: 销售额
    type: money
  reply:
    label: 回复率
    type: ratio
    placeholders: {延迟统计: missing}
    missing: 0
  target:
    label: 人均计划销售额
    type: money
    scope: team
    range: {min: 0, max: 1000000}
    missing: 0
kpis:
  sales:
    label: 销售额
    metric: sales
    weight: 100
    linear: {from: 0, to: 100000}
score:
  total: 100
  ratings:
    pass: {label: 合格}
pay:
  base:
    label: 底薪
    kind: fixed
    amount: 1000
"""


@pytest.fixture
def plan(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY, encoding="utf-8")
    return prepare(str(path))[0]


def data_issues(plan, metrics, **options):
    with pytest.raises(DataError) as caught:
        read_inputs(plan, metrics, **options)
    return [(i.row, i.column, i.message) for i in caught.value.issues], caught.value.issues


# -- 7. agent and standard column names -------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "客服昵称",
        "旺旺昵称",
        "旺旺账号名称",
        "子账号",
        "客服账号",
        "账户名",
        "客服",
        "客服名称",
        "UID",
        "工号",
        "员工编号",
        "agent",
        "售前客服",
    ],
)
def test_agent_column_names_of_every_platform_and_the_policy(plan, tmp_path, header):
    path = write_csv(tmp_path / "m.csv",
                     [[header, "月份", "销售额", "回复率"], ["旗舰店:小王", "2026-10", "100", "97.5%"]])
    (agent,) = read_inputs(plan, path).agents
    assert (agent.agent, agent.values["sales"], agent.values["reply"]) == ("旗舰店:小王", D(100), D("0.975"))


def test_policy_aliases_for_team_period_and_name_in_metrics_roster_and_team_files(plan, tmp_path):
    metrics = write_csv(tmp_path / "m.csv",
                        [["售前客服", "结算月", "销售额", "回复率"], ["a", "2026-10", "1", "延迟统计"]])
    roster = write_csv(tmp_path / "r.csv", [["售前客服", "花名", "战队"], ["a", "小王", "一组"]])
    team = write_csv(tmp_path / "t.csv", [["战队", "结算月", "人均计划销售额"], ["一组", "2026-10", "150,000"]])
    (agent,) = read_inputs(plan, metrics, roster=roster, team=team).agents
    assert (agent.name, agent.team, agent.period) == ("小王", "一组", "2026-10")
    assert agent.values == {"sales": D(1), "reply": D(0), "target": D(150000)}


def test_team_file_values_are_range_checked(plan, tmp_path):
    metrics = write_csv(tmp_path / "m.csv",
                        [["客服", "月份", "销售额", "回复率", "组别"], ["a", "2026-10", "1", "1%", "一组"]])
    team = write_csv(tmp_path / "t.csv", [["组别", "人均计划销售额"], ["一组", "1,500,000"]])
    located, found = data_issues(plan, metrics, team=team)
    assert located == [
        (
            2,
            "人均计划销售额 (B)",
            "target value '1,500,000' is above its range 0–1000000; "
            "check the cell, or widen the metric's `range:` in the policy",
        )
    ]
    assert found[0].file == str(team)


# -- 10. the period stated outside the table --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("自定义报表_客服绩效_下单优先判定_2026-10-01至2026-10-31.xlsx", date(2026, 10, 1), date(2026, 10, 31)),
        ("统计时间: 2026-10-01 ~ 2026-10-31", date(2026, 10, 1), date(2026, 10, 31)),
        ("2026/10/01-2026/10/31", date(2026, 10, 1), date(2026, 10, 31)),
        ("2026年10月1日至2026年10月31日", date(2026, 10, 1), date(2026, 10, 31)),
        ("报表 20261001-20261031", date(2026, 10, 1), date(2026, 10, 31)),
        ("２０２６－０２－０１到２０２６－０２－２８", date(2026, 2, 1), date(2026, 2, 28)),
    ],
)
def test_date_range_forms(text, first, last):
    assert date_range(text) == (first, last)


@pytest.mark.parametrize(
    "text", ["客服绩效", "2026-10", "2026-10-31至2026-10-01", "2026-02-30至2026-03-01", "12026-10-01至2026-10-31"]
)
def test_texts_without_a_range(text):
    assert date_range(text) is None


@pytest.mark.parametrize(
    ("first", "last", "month"),
    [
        (date(2026, 10, 1), date(2026, 10, 31), "2026-10"),
        (date(2028, 2, 1), date(2028, 2, 29), "2028-02"),
        (date(2026, 12, 1), date(2026, 12, 31), "2026-12"),
        (date(2026, 10, 1), date(2026, 10, 30), None),
        (date(2026, 4, 20), date(2026, 4, 20), None),
        (date(2026, 10, 1), date(2026, 11, 30), None),
    ],
)
def test_only_a_whole_calendar_month_names_the_period(first, last, month):
    assert Hint("the file name", "文件名", first, last).month == month


def test_period_from_the_file_name_is_used_and_noted(plan, tmp_path):
    path = write_csv(tmp_path / "自定义报表_客服绩效_下单优先判定_2026-10-01至2026-10-31.csv",
                     [["客服昵称", "销售额", "回复率"], ["a", "1", "1%"]])
    inputs = read_inputs(plan, path)
    assert [a.period for a in inputs.agents] == ["2026-10"]
    assert inputs.notes == (f"{path}: period 2026-10 taken from the file name (2026-10-01 – 2026-10-31)",)


def test_period_from_the_preamble_is_used_and_noted(plan, tmp_path):
    rows = [["客服绩效"], ["统计时间: 2026/10/01-2026/10/31"], ["客服", "销售额", "回复率"], ["a", "1", "1%"]]
    inputs = read_inputs(plan, write_csv(tmp_path / "m.csv", rows))
    assert [a.period for a in inputs.agents] == ["2026-10"]
    assert inputs.notes[-1].endswith("period 2026-10 taken from row 2 (2026-10-01 – 2026-10-31)")


def test_partial_month_without_period_is_an_error_asking_for_it(plan, tmp_path):
    path = write_csv(tmp_path / "自定义报表_x_下单优先判定_2026-04-20至2026-04-20.csv",
                     [["客服", "销售额", "回复率"], ["a", "1", "1%"]])
    located, found = data_issues(plan, path)
    assert located == [
        (
            0,
            "",
            "the file name states 2026-04-20 – 2026-04-20, which is not one whole calendar month, and the file has "
            "no period column: pass --period YYYY-MM to say which month these figures are for",
        )
    ]
    assert found[0].render("zh") == (
        f"{path}：文件名写的是 2026-04-20 – 2026-04-20，不是一个完整的自然月，文件中也没有月份列："
        "请用 --period YYYY-MM 指明这些数据属于哪个月"
    )


def test_period_option_must_agree_with_the_stated_range(plan, tmp_path):
    path = write_csv(tmp_path / "报表_2026-10-01至2026-10-31.csv", [["客服", "销售额", "回复率"], ["a", "1", "1%"]])
    assert [a.period for a in read_inputs(plan, path, period="2026-10").agents] == ["2026-10"]
    located, _ = data_issues(plan, path, period="2026-11")
    assert located == [
        (
            0,
            "",
            "--period 2026-11 disagrees with 2026-10-01 – 2026-10-31 stated in the file name; "
            "check that this is the right file, or pass the month it covers",
        )
    ]


def test_period_column_wins_but_must_agree_with_the_stated_range(plan, tmp_path):
    rows = [
        ["统计时间: 2026-10-01 ~ 2026-10-31"],
        ["客服", "月份", "销售额", "回复率"],
        ["a", "2026-10", "1", "1%"],
        ["b", "2026-11", "1", "1%"],
    ]
    located, _ = data_issues(plan, write_csv(tmp_path / "m.csv", rows))
    assert located == [
        (4, "月份", "period 2026-11 is outside 2026-10-01 – 2026-10-31 stated in row 1; check the row or the file")
    ]


def test_file_name_and_preamble_disagreeing_is_an_error(plan, tmp_path):
    rows = [["统计时间: 2026-11-01 ~ 2026-11-30"], ["客服", "销售额", "回复率"], ["a", "1", "1%"]]
    located, _ = data_issues(plan, write_csv(tmp_path / "报表_2026-10-01至2026-10-31.csv", rows))
    assert located == [
        (
            0,
            "",
            "the file name states 2026-10-01 – 2026-10-31 but row 1 states 2026-11-01 – 2026-11-30; "
            "check which export this is, and rename the file or fix the title",
        )
    ]


def test_no_period_anywhere_is_one_error_for_the_file_not_one_per_row(plan, tmp_path):
    """No period column, no --period, no date range in the name or title: one line at the header, however many rows."""
    rows = [["客服", "销售额", "回复率"], ["a", "1", "1%"], ["b", "2", "2%"], ["c", "3", "3%"]]
    located, found = data_issues(plan, write_csv(tmp_path / "m.csv", rows))
    assert located == [(1, "", "no period: the file has no 月份 (period) column, and neither --period nor a date range "
                                "in the file name or above the header says which month it is; add the column or pass "
                                "--period YYYY-MM")]
    assert found[0].zh == ("没有月份：文件中没有“月份”列，--period、文件名和表头上方也都没有说明是哪个月；"
                           "请添加“月份”列，或用 --period YYYY-MM 指定")


def test_an_empty_period_cell_is_still_an_error_of_its_row(plan, tmp_path):
    rows = [["客服", "月份", "销售额", "回复率"], ["a", "2026-10", "1", "1%"], ["b", "", "2", "2%"]]
    located, _ = data_issues(plan, write_csv(tmp_path / "m.csv", rows))
    assert located == [(3, "月份 (B)", "expected a value, got an empty cell")]


def test_find_hints_names_where_each_range_was_found():
    hints = find_hints("a_2026-10-01至2026-10-31.xlsx", ((1, "标题"), (2, "统计时间：2026-10-01 ~ 2026-10-31")))
    assert [(h.where, h.where_zh, h.month) for h in hints] == [
        ("the file name", "文件名", "2026-10"),
        ("row 2", "第 2 行", "2026-10"),
    ]


# -- 13. every issue from the join has Chinese ------------------------------------------------


def test_join_issues_carry_chinese(plan, tmp_path):
    rows = [
        ["客服", "月份", "销售额", "回复率"],
        ["a", "2026-10", "1", "1%"],
        ["a", "2026-10", "2", "1%"],
        ["b", "2026-10", "1", "1%"],
    ]
    roster = write_csv(tmp_path / "r.csv", [["客服", "姓名"], ["a", "小王"], ["a", "小王"]])
    _, found = data_issues(plan, write_csv(tmp_path / "m.csv", rows), roster=roster)
    assert [(i.row, i.zh) for i in found] == [
        (3, "客服 a 出现了两次（第一次在第 2 行）；每位客服只保留一行"),
        (3, "客服 a 在 2026-10 出现了两次（第一次在第 2 行）；每位客服每月只保留一行"),
        (4, "客服 b 不在花名册中；请把其加入花名册，或核对账号"),
    ]


# -- a 赤兔 custom report, read as downloaded -------------------------------------------------

CHITU_METRICS = """\
  conversion:
    label: 询单->最终付款转化率
    type: ratio
  reception:
    label: 平均接待时长
    type: duration
  first_response:
    label: 首次响应时长
    type: duration
"""


def test_chitu_custom_report_read_as_downloaded(tmp_path):
    policy = tmp_path / "chitu.yaml"
    policy.write_text(POLICY.replace("metrics:\n", "metrics:\n" + CHITU_METRICS), encoding="utf-8")
    plan = prepare(str(policy))[0]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["客服昵称", "销售额（元）", "回复率", "询单→最终付款转化率", "平均接待时长", "首次响应时长（秒)"])
    sheet.append(["旗舰店:小王", 12345.6, 0.975, 0.45, "8分48秒", 12])
    sheet.append(["旗舰店:小李", 800, "延迟统计", 0.3, "0秒", 20])
    sheet.append(["汇总", 13145.6, None, None, None, None])
    sheet.append([])
    sheet.append(["均值", 6572.8, None, None, None, None])
    for row in (2, 3):
        sheet.cell(row, 3).number_format = "0.00%"
    path = tmp_path / "自定义报表_客服绩效_下单优先判定_2026-10-01至2026-10-31.xlsx"
    workbook.save(path)
    inputs = read_inputs(plan, path)
    assert [(a.agent, a.period, a.values) for a in inputs.agents] == [
        (
            "旗舰店:小王",
            "2026-10",
            {
                "sales": D("12345.6"),
                "reply": D("0.975"),
                "conversion": D("0.45"),
                "reception": D(528),
                "first_response": D(12),
                "target": D(0),
            },
        ),
        (
            "旗舰店:小李",
            "2026-10",
            {
                "sales": D(800),
                "reply": D(0),
                "conversion": D("0.3"),
                "reception": D(0),
                "first_response": D(20),
                "target": D(0),
            },
        ),
    ]
    assert inputs.notes == (
        f"{path}: row 4: summary row '汇总' skipped",
        f"{path}: row 6: summary row '均值' skipped",
        f"{path}: period 2026-10 taken from the file name (2026-10-01 – 2026-10-31)",
    )


def test_policy_column_alias_naming_another_column_is_refused_not_guessed(tmp_path):
    policy = tmp_path / "clash.yaml"
    policy.write_text(POLICY.replace("team: [战队]", "team: [战队, 客服昵称]"), encoding="utf-8")
    plan = prepare(str(policy))[0]
    metrics = write_csv(tmp_path / "m.csv", [["客服昵称", "月份", "销售额", "回复率"], ["a", "2026-10", "1", "1%"]])
    located, found = data_issues(plan, metrics)
    assert located == [
        (
            0,
            "",
            "columns.team lists '客服昵称', which already names the 'agent' column; "
            "remove it from the policy or rename one of them",
        )
    ]
    assert found[0].file == str(policy)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 1)), st.sampled_from(["至", "~", "-", "到", " ~ "])
)
def test_every_whole_month_written_any_way_names_its_month(day, joiner):
    first = day.replace(day=1)
    last = (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    for form in ("{:%Y-%m-%d}", "{:%Y/%m/%d}", "{:%Y%m%d}", "{0.year}年{0.month}月{0.day}日"):
        text = f"报表_{form.format(first)}{joiner}{form.format(last)}.xlsx"
        hint = Hint("the file name", "文件名", *date_range(text))
        assert hint.month == f"{first:%Y-%m}" and hint.months == (f"{first:%Y-%m}",)


TEAM_TARGET = POLICY.replace("    range: {min: 0, max: 1000000}\n    missing: 0\n",
                             "    range: {min: 0, max: 1000000}\n")


@pytest.mark.parametrize("blank_at", [0, 1, 2])
def test_a_team_value_blank_on_one_row_is_the_teams_value_never_zero(tmp_path, blank_at):
    """S0.4's per-capita target is the team's: a row that leaves it blank (an export writes it once per
    team, or a cell was lost) takes the value the team's other rows give, wherever that row is; it is
    never read as 0, which would pay the whole team's commission on a target of nothing."""
    path = tmp_path / "policy.yaml"
    path.write_text(TEAM_TARGET, encoding="utf-8")
    plan = prepare(str(path))[0]
    rows = [["售前客服", "战队", "结算月", "销售额", "回复率", "人均计划销售额"]]
    for i in range(3):
        rows.append([f"A{i}", "一组", "2026-10", "100", "0.9", "" if i == blank_at else "150000"])
    read = read_inputs(plan, write_csv(tmp_path / "m.csv", rows))
    assert [a.values["target"] for a in read.agents] == [D(150000)] * 3
    note = next(n for n in read.notes if isinstance(n, TeamValueNote))
    assert note.render("en").endswith(f"target (人均计划销售额) blank on 1 row(s) (first row {blank_at + 2}), each "
                                      "taking its team's value from the team's other rows (1 team(s))")
    assert note.render("zh").endswith(f"1 行的 target（人均计划销售额）为空（首行第 {blank_at + 2} 行），"
                                      "按同组其他行的值计（1 个小组）")


def test_a_team_with_its_value_on_no_row_is_an_error_at_its_first_blank_row(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(TEAM_TARGET, encoding="utf-8")
    plan = prepare(str(path))[0]
    rows = [["售前客服", "战队", "结算月", "销售额", "回复率", "人均计划销售额"],
            ["A0", "一组", "2026-10", "100", "0.9", "150000"],
            ["B0", "二组", "2026-10", "100", "0.9", ""],
            ["B1", "二组", "2026-10", "100", "0.9", ""]]
    found, _ = data_issues(plan, write_csv(tmp_path / "m.csv", rows))
    assert found == [(3, "", "no target (人均计划销售额) for team '二组' 2026-10: add the column or give a "
                             "--team file")]
