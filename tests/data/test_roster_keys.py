"""The shop's own keys travel through (`roster:`): a roster holding both 客服昵称 and 工号 is read with
the nickname as the agent's id and the HR number, department and joining date carried as text; a
carried column no file holds is an error naming the headers found. The example is
policies/s2_roster.yaml with examples/roster/ (X.1: the 赤兔 export names agents by 客服昵称)."""

from __future__ import annotations

import pytest
from harness.files import write_csv
from harness.paths import KEYS_METRICS, KEYS_ROSTER, S1_METRICS, S1_POLICY, S2_ROSTER_POLICY

from engine.data.adjustments import read_adjustments
from engine.data.events import read_events
from engine.data.inputs import read_inputs
from engine.errors import DataError
from engine.pipeline import prepare


@pytest.fixture(scope="module")
def plan():
    return prepare(str(S2_ROSTER_POLICY))[0]


def test_the_key_names_the_agent_and_the_carried_columns_are_read_as_the_roster_writes_them_X_1(plan):
    agents = {a.agent: a for a in read_inputs(plan, KEYS_METRICS, roster=KEYS_ROSTER).agents}
    assert sorted(agents) == ["店铺:外援1", "店铺:大刘", "店铺:小周", "店铺:小美", "店铺:阿香"]
    xiangs = agents["店铺:阿香"]
    assert (xiangs.name, xiangs.role, xiangs.joined) == ("李香", "agent", "2024-11-15")
    assert xiangs.columns == ("HR0102", "售前一部", "2024-11-15")  # 工号, 部门, 入职日期 (read as the joined date)
    assert agents["店铺:外援1"].columns == ("P-3301", "售前二部", "2026-08-10")


def test_a_carried_date_is_shown_as_the_day_it_names(plan, tmp_path):
    """入职日期 is the standard `joined` column: carried as read (2025/3/1 is 2025-03-01), never twice."""
    roster = write_csv(tmp_path / "roster.csv", [["客服昵称", "工号", "岗位", "部门", "入职日期"],
                                                 ["店铺:小美", "HR0101", "客服", "售前一部", "2025/3/1"]])
    metrics = write_csv(tmp_path / "metrics.csv", [["客服昵称", "月份", "接待人数", "销售额", "满意度"],
                                                   ["店铺:小美", "2026-10", "280", "42000", "95%"]])
    (agent,) = read_inputs(plan, metrics, roster=roster).agents
    assert agent.columns == ("HR0101", "售前一部", "2025-03-01")


def test_carried_columns_come_from_the_metrics_file_when_there_is_no_roster(plan, tmp_path):
    metrics = write_csv(tmp_path / "metrics.csv", [["客服昵称", "工号", "部门", "入职日期", "岗位", "月份", "接待人数",
                                                    "销售额", "满意度"],
                                                   ["店铺:小美", "HR0101", "售前一部", "2025-03-01", "客服", "2026-10",
                                                    "280", "42000", "95%"]])
    (agent,) = read_inputs(plan, metrics).agents
    assert (agent.agent, agent.columns) == ("店铺:小美", ("HR0101", "售前一部", "2025-03-01"))


def test_with_a_key_a_built_in_agent_header_is_no_agent_column(plan, tmp_path):
    """The key alone names the agent: a file whose agent column is headed 工号 only has no agent column."""
    metrics = write_csv(tmp_path / "metrics.csv", [["工号", "月份", "接待人数", "销售额", "满意度", "岗位"],
                                                   ["HR0101", "2026-10", "280", "42000", "95%", "客服"]])
    with pytest.raises(DataError) as caught:
        read_inputs(plan, metrics)
    assert [issue.message for issue in caught.value.issues] == [
        "no header row found in the first 30 rows: looked for a row naming agent / 客服昵称 and at least one of "
        "period / 月份 / 统计月份 / 考核月份 / 统计日期 / 期间 / month; name / 姓名 / 客服姓名 / 真实姓名 / 名字; "
        "team / 组别 / 团队 / 小组 / 所属组 / 客服组 / 分组 / 组; role / 岗位 / 角色 / 职位; "
        "joined / 入职日期 / 入职时间 / 入职 / join_date / hire_date; left / 离职日期 / 离职时间 / 离职 / leave_date; "
        "roster.carry[0] / 工号; roster.carry[1] / 部门; served / 接待人数 / Buyers served; sales / 销售额 / Sales; "
        "satisfaction / 满意度 / Satisfaction"]


def test_a_carried_column_no_file_holds_names_the_headers_found(plan, tmp_path):
    roster = write_csv(tmp_path / "roster.csv", [["客服昵称", "工号", "姓名", "岗位", "入职日期"],
                                                 ["店铺:小美", "HR0101", "王小美", "客服", "2025-03-01"]])
    with pytest.raises(DataError) as caught:
        read_inputs(plan, KEYS_METRICS, roster=roster)
    (issue,) = caught.value.issues
    assert (issue.file, issue.row, issue.column) == (str(roster), 1, "")
    assert issue.message == (f"no column '部门' to carry into the reports (roster.carry in {S2_ROSTER_POLICY}); "
                             "the headers found are: 客服昵称, 工号, 姓名, 岗位, 入职日期; add the column, "
                             "or remove it from roster.carry")
    assert issue.zh == (f"没有要带入报表的列 '部门'（{S2_ROSTER_POLICY} 的 roster.carry）；"
                        "找到的表头是：客服昵称、工号、姓名、岗位、入职日期；请添加该列，或从 roster.carry 中删除")


def test_without_a_key_a_roster_with_both_ids_is_refused_with_the_line_that_keeps_both(tmp_path):
    """The refusal of old ('agent' should have one column, found 2) now gives the `roster:` line to write."""
    plan = prepare(str(S1_POLICY))[0]
    with pytest.raises(DataError) as caught:
        read_inputs(plan, S1_METRICS, roster=KEYS_ROSTER)
    (issue,) = caught.value.issues
    assert (issue.row, issue.column) == (1, "工号 (B)")
    assert issue.message == ("expected one column for 'agent', found 2: 客服昵称 (A), 工号 (B); delete or rename the "
                             "extra one, or keep both: roster: {key: 客服昵称, carry: [工号]} in the policy names the "
                             "agent's column and carries the other into the reports")
    assert issue.zh == ("'agent' 应只有一列，却找到 2 列：客服昵称 (A), 工号 (B)；请删除或改名多出的列；或两列都保留："
                        "在方案中写 roster: {key: 客服昵称, carry: [工号]}，指明客服账号列，并把另一列带入报表")


def test_a_key_that_an_events_or_adjustments_file_reads_as_another_column_is_an_error(tmp_path):
    """roster.key 金额 would name both the agent and the amount of an adjustments sheet (and 时间 the time of
    an events register): which column it is would be a guess, so the file is refused, naming the column."""
    path = write_csv(tmp_path / "a.csv", [["金额", "原因", "审批人"], ["x", "y", "z"]])
    with pytest.raises(DataError) as caught:
        read_adjustments(path, {"x"}, "2026-10", ("金额",))
    (issue,) = caught.value.issues
    assert (issue.file, issue.row) == (str(path), 0)
    assert issue.message == ("the agent column's header '金额' (roster.key) is also a header of the adjustments file's "
                             "'amount' column; give the agent column a header of its own")
    assert issue.zh == ("客服账号列的表头 '金额'（roster.key）也是人工调整文件中 'amount' 列的表头；"
                        "请给客服账号列一个独有的表头")
    plan = prepare(str(S2_ROSTER_POLICY))[0]
    with pytest.raises(DataError) as caught:
        read_events(path, plan.events, {"x"}, "2026-10", ("时间",))
    assert [i.message for i in caught.value.issues] == [
        "the agent column's header '时间' (roster.key) is also a header of the events file's 'time' column; give the "
        "agent column a header of its own"]
