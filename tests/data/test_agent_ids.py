"""One agent is one agent (issue 14, section 2): an id typed with a Chinese IME (`１００１`), pasted
with a zero-width space, or written in NFD on a Mac names the same agent as `1001` in every file
jixiao reads (metrics, roster, team, events, adjustments), two rows naming one agent are one
duplicate naming both rows, and `--agent` / `history` find an agent by id, name or nickname."""

from __future__ import annotations

import json
import unicodedata
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from harness.cli import run
from harness.files import write_csv

from engine.data.adjustments import read_adjustments
from engine.data.events import read_events, read_events_generally
from engine.data.inputs import read_inputs
from engine.errors import DataError
from engine.ledger.access import open_ledger
from engine.ledger.store import Decision
from engine.model.penalties import EventVocabulary
from engine.pipeline import prepare
from engine.policy.sections import choices_of
from engine.report.agent_match import Match, NoSuchAgent, SeveralAgents, find_agent
from engine.text import canonical_id

D = Decimal
ROOT = Path(__file__).resolve().parents[2]
S0_POLICY = ROOT / "policies" / "s0_shop.yaml"
S0_METRICS = ROOT / "examples" / "s0" / "metrics.csv"
S0_ROSTER = ROOT / "examples" / "s0" / "roster.csv"

ZWSP, BOM, SOFT_HYPHEN, LRM = "\u200b", "\ufeff", "\u00ad", "\u200e"


# -- the one normaliser --------------------------------------------------------------------------


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad", "\u200e",
                                       "\u200f", "\u202a", "\u202c", "\u202e", "\u2066", "\u2069", "\u061c",
                                       "\u180e", "\u3164", "\uffa0"])
def test_invisible_characters_anywhere_in_an_id_are_not_part_of_it(invisible):
    assert canonical_id(f"{invisible}10{invisible}01{invisible}") == "1001"


@pytest.mark.parametrize(("written", "canonical"), [
    ("１００１", "1001"),  # a Chinese IME's full-width digits
    ("\u3000１００１\u3000", "1001"),  # and its ideographic spaces
    (" 1001\t", "1001"),
    ("店铺：小美", "店铺:小美"),  # a full-width colon in a 赤兔 id
    ("Ａ1", "A1"),
    ("a1", "a1"),  # case is kept: two accounts may differ only in case
    (unicodedata.normalize("NFD", "José"), "José"),  # a Mac writes NFD
    ("Jose\u200d\u0301", "José"),  # a joiner does not keep a letter from its accent
    ("10 01", "10 01"),  # a space inside is part of the id
])
def test_an_id_is_read_in_its_canonical_form(written, canonical):
    assert canonical_id(written) == canonical
    assert canonical_id(canonical) == canonical


# -- metrics, roster and team files ------------------------------------------------------------

POLICY = """\
jixiao: 1
policy: {id: ids, version: "1", name: 账号, effective_from: 2026-01-01, currency: CNY}
metrics:
  sales: {label: 销售额, type: money}
  target: {label: 人均计划销售额, type: money, scope: team}
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


def refused(call, *args, **options) -> list[tuple[int, str, str, str]]:
    with pytest.raises(DataError) as caught:
        call(*args, **options)
    return [(i.row, i.column, i.message, i.zh) for i in caught.value.issues]


HEADER = ["工号", "月份", "组别", "销售额", "人均计划销售额"]


def test_a_metrics_row_and_a_roster_row_name_one_agent_however_the_id_is_typed(plan, tmp_path):
    metrics = write_csv(tmp_path / "m.csv",
                        [HEADER, ["１００１", "2026-10", "一组", "1", "100"],
                                         [f"{ZWSP}1002", "2026-10", "一组", "2", "100"],
                                         [unicodedata.normalize("NFD", "José"), "2026-10", "一组", "3", "100"]])
    roster = write_csv(tmp_path / "r.csv",
                       [["工号", "姓名"], ["1001", "王晓梅"], [f"1002{BOM}", "李娜"],
                                        [unicodedata.normalize("NFC", "José"), "何塞"]])
    agents = read_inputs(plan, metrics, roster=roster).agents
    assert [(a.agent, a.name) for a in agents] == [("1001", "王晓梅"), ("1002", "李娜"), ("José", "何塞")]


def test_two_metrics_rows_that_name_one_agent_in_a_month_are_one_duplicate_naming_both_rows(plan, tmp_path):
    metrics = write_csv(tmp_path / "m.csv",
                        [HEADER, ["1001", "2026-10", "一组", "1", "100"],
                                         ["1002", "2026-10", "一组", "1", "100"],
                                         ["１００１", "2026-10", "一组", "2", "100"],
                                         [f"1002{SOFT_HYPHEN}", "2026-11", "一组", "2", "100"],
                                         [f"1002{SOFT_HYPHEN}", "2026-10", "一组", "2", "100"]])
    assert refused(read_inputs, plan, metrics) == [
        (4, "工号", "agent 1001 at row 4 is the same agent as row 2 in 2026-10 (written '１００１' here, '1001' "
         "there): ids that differ only in full-width forms, invisible characters or spaces name one agent; keep one "
         "row per agent and month",
         "第 4 行的客服 1001 在 2026-10 与第 2 行是同一人（此处写作 '１００１'，第 2 行写作 '1001'）：只差全角字符、"
         "不可见字符或空格的账号指同一位客服；每位客服每月只保留一行"),
        (6, "工号", "agent 1002 at row 6 is the same agent as row 3 in 2026-10 (written '1002\\xad' here, '1002' "
         "there): ids that differ only in full-width forms, invisible characters or spaces name one agent; keep one "
         "row per agent and month",
         "第 6 行的客服 1002 在 2026-10 与第 3 行是同一人（此处写作 '1002\\xad'，第 3 行写作 '1002'）：只差全角字符、"
         "不可见字符或空格的账号指同一位客服；每位客服每月只保留一行"),
    ]


def test_the_same_spelling_twice_keeps_its_message(plan, tmp_path):
    metrics = write_csv(tmp_path / "m.csv",
                        [HEADER, ["1001", "2026-10", "一组", "1", "100"],
                                         ["1001", "2026-10", "一组", "2", "100"]])
    assert refused(read_inputs, plan, metrics) == [
        (3, "工号", "agent 1001 appears twice for 2026-10 (first at row 2); keep one row per agent and month",
         "客服 1001 在 2026-10 出现了两次（第一次在第 2 行）；每位客服每月只保留一行")]


def test_two_roster_rows_that_name_one_agent_are_one_duplicate_naming_both_rows(plan, tmp_path):
    metrics = write_csv(tmp_path / "m.csv", [HEADER, ["1001", "2026-10", "一组", "1", "100"]])
    nfc, nfd = unicodedata.normalize("NFC", "José"), unicodedata.normalize("NFD", "José")
    roster = write_csv(tmp_path / "r.csv", [["工号", "姓名"], ["1001", "王晓梅"], [nfc, "何塞"], [nfd, "何塞"]])
    assert refused(read_inputs, plan, metrics, roster=roster) == [
        (4, "工号", "agent José at row 4 is the same agent as row 3 (written 'Jose\\u0301' here, 'José' there): "
         "ids that differ only in full-width forms, invisible characters or spaces name one agent; keep one row per "
         "agent",
         "第 4 行的客服 José 与第 3 行是同一人（此处写作 'Jose\\u0301'，第 3 行写作 'José'）：只差全角字符、"
         "不可见字符或空格的账号指同一位客服；每位客服只保留一行"),
    ]


def test_an_id_of_invisible_characters_only_is_no_id(plan, tmp_path):
    metrics = write_csv(tmp_path / "m.csv", [HEADER, [f"{ZWSP}{LRM}", "2026-10", "一组", "1", "100"]])
    assert refused(read_inputs, plan, metrics) == [
        (2, "工号 (A)",
         "expected an id, got '\\u200b\\u200e', which holds only invisible characters; type the id again",
         "期望一个账号（工号），实际是 '\\u200b\\u200e'，其中只有不可见字符；请重新输入")]


def test_an_xlsx_id_with_a_zero_width_space_names_the_agent_of_the_roster(plan, tmp_path):
    book = openpyxl.Workbook()
    for row in (HEADER, [f"1001{ZWSP}", "2026-10", "一组", 1, 100]):
        book.active.append(row)
    book.save(tmp_path / "m.xlsx")
    roster = write_csv(tmp_path / "r.csv", [["工号", "姓名"], ["1001", "王晓梅"]])
    (agent,) = read_inputs(plan, tmp_path / "m.xlsx", roster=roster).agents
    assert (agent.agent, agent.name) == ("1001", "王晓梅")


def test_a_team_is_one_team_however_its_name_is_typed(plan, tmp_path):
    metrics = write_csv(tmp_path / "m.csv",
                        [["工号", "月份", "组别", "销售额"], ["1001", "2026-10", f"一组{ZWSP}", "1"],
                                         ["1002", "2026-10", "一组", "2"]])
    team = write_csv(tmp_path / "t.csv", [["组别", "人均计划销售额"], ["\u3000一组", "150,000"]])
    agents = read_inputs(plan, metrics, team=team).agents
    assert [(a.team, a.values["target"]) for a in agents] == [("一组", D(150000)), ("一组", D(150000))]


def test_two_team_file_rows_that_name_one_team_are_one_duplicate_naming_both_rows(plan, tmp_path):
    metrics = write_csv(tmp_path / "m.csv", [["工号", "月份", "组别", "销售额"], ["1001", "2026-10", "一组", "1"]])
    team = write_csv(tmp_path / "t.csv",
                     [["组别", "月份", "人均计划销售额"], ["一组", "2026-10", "150,000"],
                                      ["\u3000一组", "2026-10", "160,000"], ["一组", "2026-11", "150,000"]])
    assert refused(read_inputs, plan, metrics, team=team) == [
        (3, "组别", "team 一组 at row 3 is the same team as row 2 for 2026-10 (written '\\u3000一组' here, '一组' "
         "there); keep one row per team and month, so which values count is not a guess",
         "第 3 行的小组 一组 在 2026-10 与第 2 行是同一小组（此处写作 '\\u3000一组'，第 2 行写作 '一组'）；"
         "每个小组每月只保留一行，以免取值靠猜")]
    team = write_csv(tmp_path / "t.csv", [["组别", "人均计划销售额"], ["一组", "150,000"], ["一组", "170,000"]])
    assert refused(read_inputs, plan, metrics, team=team) == [
        (3, "组别", "team 一组 at row 3 is the same team as row 2; keep one row per team, so which values count is "
         "not a guess", "第 3 行的小组 一组 与第 2 行是同一小组；每个小组只保留一行，以免取值靠猜")]


# -- events and adjustments ---------------------------------------------------------------------

VOCABULARY = EventVocabulary("Asia/Shanghai", "refuse", choices_of({"no_reply": {"label": "未回复"}}),
                             frozenset(), frozenset())


@pytest.mark.parametrize("read", [read_events, read_events_generally])
def test_an_event_names_the_agent_however_the_id_is_typed_and_a_respelled_event_is_a_duplicate(tmp_path, read):
    path = write_csv(tmp_path / "e.csv",
                     [["工号", "时间", "类型", "订单号"],
                                      ["１００１", "2026-10-12 14:03", "未回复", "T1"],
                                      ["1002", "2026-10-12 14:03", "未回复", "Ｔ1"],
                                      [f"1002{ZWSP}", "2026-10-12 14:03", "未回复", "T1"]])
    assert refused(read, path, VOCABULARY, {"1001", "1002"}, "2026-10") == [
        (4, "时间", "the same event (agent 1002, 2026-10-12 14:03:00, no_reply, order T1) is already on row 3; remove "
         "the duplicate so it is not counted twice",
         "与第 3 行是同一事件（客服 1002、2026-10-12 14:03:00、no_reply、订单 T1）；请删除重复行，以免重复计算")]
    path = write_csv(tmp_path / "e.csv", [["工号", "时间", "类型"], ["１００１", "2026-10-12 14:03", "未回复"]])
    (event,), _ = read(path, VOCABULARY, {"1001"}, "2026-10")
    assert event.agent == "1001"


@pytest.mark.parametrize("read", [read_events, read_events_generally])
def test_a_json_lines_event_names_the_agent_however_the_id_is_typed(tmp_path, read):
    path = tmp_path / "e.jsonl"
    lines = [{"工号": "１００１", "时间": "2026-10-12 14:03", "类型": "未回复"},
             {"工号": f"{BOM}1002", "时间": "2026-10-12 14:03", "类型": "未回复"}]
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    events, _ = read(path, VOCABULARY, {"1001", "1002"}, "2026-10")
    assert [e.agent for e in events] == ["1001", "1002"]


def test_an_adjustment_names_the_agent_however_the_id_is_typed(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["工号", "金额", "原因", "审批人"], ["１００１", "50", "补贴", "张经理"]])
    (adjustment,) = read_adjustments(path, {"1001"}, "2026-10")
    assert (adjustment.agent, adjustment.amount) == ("1001", D("50.00"))


def test_the_same_adjustment_twice_however_the_id_is_spelled_is_refused_naming_both_rows(tmp_path):
    path = write_csv(tmp_path / "a.csv",
                     [["工号", "金额", "原因", "审批人"], ["1001", "50", "补贴", "张经理"],
                                      ["1001", "50", "补贴", "李经理"], ["１００１", "50", "补贴", "张经理"],
                                      ["1001", "60", "补贴", "张经理"]])
    assert refused(read_adjustments, path, {"1001"}, "2026-10") == [
        (4, "工号", "the same adjustment as row 2 (agent 1001, 50, 补贴, approved by 张经理; the id is written "
         "'１００１' here, '1001' there); if it is really due twice, give each its own reason",
         "与第 2 行的调整完全相同（客服 1001，50，补贴，审批人 张经理；账号此处写作 '１００１'，第 2 行写作 '1001'）；"
         "如确实应发两次，请分别写明原因"),
    ]


# -- --agent and history: by id, name or nickname -------------------------------------------------

KNOWN = {"1001": "王晓梅", "1003": "阿香", "旗舰店:小美": "李美", "专卖店:小美": "陈美", "Lily": ""}


@pytest.mark.parametrize(("query", "agent"), [
    ("1003", "1003"), ("１００３", "1003"), (f"1003{ZWSP}", "1003"), ("阿香", "1003"), ("李美", "旗舰店:小美"),
    ("旗舰店：小美", "旗舰店:小美"), ("lily", "Lily"),
])
def test_a_query_finds_one_agent_by_id_name_or_nickname(query, agent):
    match = find_agent(query, KNOWN, where=("m.csv", "m.csv"))
    assert (match.agent, match.name, match.exact) == (agent, KNOWN[agent], query == agent)


def test_a_query_naming_several_agents_lists_them_and_picks_none():
    with pytest.raises(SeveralAgents) as caught:
        find_agent("小美", KNOWN, where=("m.csv", "m.csv"))
    assert caught.value.exit_code == 2
    assert caught.value.lines("en") == [
        "--agent '小美' matches 2 agents: 专卖店:小美 陈美, 旗舰店:小美 李美; give the id of the one you mean"]
    assert caught.value.lines("zh") == [
        "--agent '小美' 对应 2 位客服：专卖店:小美 陈美、旗舰店:小美 李美；请改用工号指定其中一位"]


def test_nobody_matching_lists_the_known_agents_and_says_how_many_more_there_are():
    known = {str(1000 + n): f"客服{n}" for n in range(25)}
    with pytest.raises(NoSuchAgent) as caught:
        find_agent("阿香", known, where=("m.csv", "m.csv"), exit_code=2)
    shown = [f"{1000 + n} 客服{n}" for n in range(20)]
    assert caught.value.exit_code == 2
    assert caught.value.lines("en") == [
        f"agent '阿香' is not in m.csv; agents: {', '.join(shown)}, and 5 more not shown"]
    assert caught.value.lines("zh") == [f"m.csv 中没有客服 '阿香'；已有的客服：{'、'.join(shown)}，另有 5 位未列出"]


def test_the_match_note_says_which_agent_was_meant():
    assert Match("阿香", "1003", "阿香").note("--agent") == "--agent 阿香 → 1003 阿香"
    assert Match("１００１", "1001", "").note("") == "１００１ → 1001"


def s0_roster(tmp_path: Path, nickname: str = "阿香") -> Path:
    """The S0 roster with 1003 张伟 renamed, as the shop calls her."""
    text = S0_ROSTER.read_text(encoding="utf-8-sig").replace("1003,张伟", f"1003,{nickname}")
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8-sig")
    return path


@pytest.mark.parametrize(("lang", "note"), [("zh", "提示：--agent 阿香 → 1003 阿香"),
                                            ("en", "note: --agent 阿香 → 1003 阿香")])
def test_explain_finds_an_agent_by_her_name_and_says_so(tmp_path, lang, note):
    found = run("explain", "--full", "--policy", S0_POLICY, "--metrics", S0_METRICS, "--roster", s0_roster(tmp_path),
                "--agent", "阿香", "--lang", lang, "--format", "json")
    assert found.exit_code == 0, found.output
    assert json.loads(found.stdout)["agent"] == "1003"
    assert note in found.stderr.splitlines()


def test_explain_with_a_name_two_agents_share_lists_them_and_exits_2(tmp_path):
    roster = s0_roster(tmp_path)
    roster.write_text(roster.read_text(encoding="utf-8-sig").replace("1004,陈静", "1004,阿香"), encoding="utf-8-sig")
    several = run("explain", "--full",
                  "--policy", S0_POLICY, "--metrics", S0_METRICS, "--roster", roster, "--agent", "阿香",
                  "--lang", "en")
    assert (several.exit_code, several.stdout) == (2, "")
    assert several.stderr.splitlines()[-1] == ("--agent '阿香' matches 2 agents: 1003 阿香, 1004 阿香; "
                                                "give the id of the one you mean")


def test_history_and_show_find_an_agent_by_name_or_a_full_width_id(tmp_path):
    db = tmp_path / "jixiao.db"
    recorded = run("run", "--period", "2026-10", "--policy", S0_POLICY, "--metrics", S0_METRICS, "--roster",
                   s0_roster(tmp_path), "--db", db)
    assert recorded.exit_code == 0, recorded.output
    by_name = run("history", "阿香", "--db", db, "--format", "json", "--lang", "en")
    assert by_name.exit_code == 0, by_name.output
    assert json.loads(by_name.stdout)["agent"] == "1003"
    assert by_name.stderr == "note: 阿香 → 1003 阿香\n"
    by_id = run("history", "１００３", "--db", db, "--format", "json")
    assert (by_id.exit_code, by_id.stderr) == (0, "提示：１００３ → 1003 阿香\n")
    assert by_id.stdout == by_name.stdout
    shown = run("show", "--full", "--period", "2026-10", "--agent", "阿香", "--db", db, "--format", "json")
    assert (shown.exit_code, shown.stderr) == (0, "提示：--agent 阿香 → 1003 阿香\n")
    assert json.loads(shown.stdout)["agent"] == "1003"
    exact = run("show", "--full", "--period", "2026-10", "--agent", "1003", "--db", db, "--format", "json")
    assert (exact.stdout, exact.stderr) == (shown.stdout, "")


def test_history_finds_an_agent_the_ledger_holds_in_another_spelling(tmp_path):
    """A ledger recorded before ids were read in their canonical form may hold `１００１`."""
    db = tmp_path / "jixiao.db"
    assert run("run", "--period", "2026-10", "--policy", S0_POLICY, "--metrics", S0_METRICS, "--roster", S0_ROSTER,
               "--db", db).exit_code == 0
    with open_ledger(db) as ledger:
        ledger.connection.execute("UPDATE outcomes SET agent = '１００１' WHERE agent = '1001'")
        ledger.connection.commit()
    found = run("history", "1001", "--db", db, "--format", "json", "--lang", "en")
    assert (found.exit_code, found.stderr) == (0, "note: 1001 → １００１ 王晓梅\n")
    assert json.loads(found.stdout)["agent"] == "１００１"


def test_a_dismissed_agent_typed_in_full_width_digits_is_still_refused(tmp_path):
    """The dismissal check (engine/ledger/state.py) cannot be escaped by spelling: ids are read canonical."""
    db = tmp_path / "jixiao.db"
    assert run("run", "--period", "2026-10", "--policy", S0_POLICY, "--metrics", S0_METRICS, "--roster", S0_ROSTER,
               "--db", db).exit_code == 0
    with open_ledger(db) as ledger:
        ledger.add_decisions([Decision("2001", "2026-10", "dismissal", "agent", None, "连续两个月低于60分", "S4.5")])
        decision = ledger.decisions("2001")[0].id
    text = S0_METRICS.read_bytes().decode("gb18030").replace("2026-10-01 ~ 2026-10-31", "2026-11-01 ~ 2026-11-30")
    text = text.replace(",2026-10,", ",2026-11,").replace("\n2001,", "\n２００１,")
    november = tmp_path / "metrics-2026-11.csv"
    november.write_bytes(text.encode("gb18030"))
    row = next(n for n, line in enumerate(text.splitlines(), start=1) if line.startswith("２００１,"))
    result = run("run", "--period", "2026-11", "--policy", S0_POLICY, "--metrics", november, "--roster", S0_ROSTER,
                 "--db", db, "--lang", "en")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"agent 2001 is in the 2026-11 data ({november} row {row}) but was dismissed in 2026-10 (decision {decision}: "
        "连续两个月低于60分, rule S4.5); remove the row, or record a reinstatement (jixiao decide 2001 --from 2026-11 "
        "--reinstate --reason …) if the agent was rehired")
    with open_ledger(db) as ledger:
        assert [r.period for r in ledger.runs()] == ["2026-10"]
