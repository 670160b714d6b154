"""`jixiao payslips`: a folder with each agent's HTML page and workbook, and the month's 工资条 workbook.

The numbers are the engine's (compared with `evaluate --format json`); the S4 month's figures are the
ones examples/README.md derives from docs/rules.md: 2006's S4.P19 loss of 800.00 is deducted within L.1
(the minimum wage binds: −510.04, 289.96 carried) and S4.P16's 30.00 is charged to the operations pool.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from harness.cli import results_by_agent, run
from harness.files import adjustments_file, write_csv
from harness.ledger import record
from harness.paths import EXAMPLES, POLICIES, S0_METRICS, S0_POLICY, S4_EVENTS, S4_METRICS, S4_POLICY, S4_ROSTER

S4_FILES = ("--policy", S4_POLICY, "--metrics", S4_METRICS, "--roster", S4_ROSTER, "--events", S4_EVENTS)
CAREERS = EXAMPLES / "careers"


class Values(HTMLParser):
    """The `data-*` values a page carries beside what it shows, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, str] = {}
        self.ids: dict[str, str] = {}
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "data-line" in found:
            self.lines[found["data-line"] or ""] = found.get("data-value") or ""
        if "id" in found and "data-value" in found:
            self.ids[found["id"] or ""] = found["data-value"] or ""

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(path: Path) -> Values:
    values = Values()
    values.feed(path.read_text(encoding="utf-8"))
    return values


def page_of(folder: Path, agent: str) -> Path:
    (found,) = [p for p in folder.glob(f"*_{agent}_*.html")]
    return found


@pytest.fixture(scope="module")
def s4_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("s4") / "slips"
    result = run("payslips", *S4_FILES, "--out", folder)
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def s4_results() -> dict[str, dict]:
    return results_by_agent(run("evaluate", *S4_FILES, "--format", "json"))


def test_the_folder_holds_the_workbook_and_a_page_and_a_workbook_per_agent(s4_folder, s4_results):
    names = sorted(p.name for p in s4_folder.iterdir())
    assert "工资条_2026-10.xlsx" in names
    assert ".jixiao-output" in names
    assert len([n for n in names if n.endswith(".html")]) == len(s4_results) == 14
    assert "2026-10_2006_萧然.html" in names and "2026-10_2006_萧然.xlsx" in names
    assert not [p for p in s4_folder.parent.iterdir() if p.name.startswith(".")]  # no temporary left


def test_every_page_shows_the_engines_lines_and_total(s4_folder, s4_results):
    for agent, expected in s4_results.items():
        page = parsed(page_of(s4_folder, agent))
        assert page.ids["total"] == expected["pay"]["total"]
        assert {k: v for k, v in page.lines.items() if k != "after"} == expected["pay"]["components"]


def test_the_monthly_bonus_subtotal_follows_its_last_line_and_is_no_pay_line(s4_folder):
    """S4's 当月奖金 (pay_groups.monthly_bonus): 2006 200.00 + 250.00 = 450.00, in the note of 团队奖金（主管）,
    its last line; the page's pay lines (data-line) stay exactly the engine's, the subtotal is apart (data-group)."""
    html = page_of(s4_folder, "2006").read_text(encoding="utf-8")
    assert 'data-group="monthly_bonus" data-value="450.00"' in html
    assert html.index('data-line="team_bonus"') < html.index('data-group="monthly_bonus"') < html.index(
        'data-line="guarantee"')
    assert "当月奖金小计 450.00" in html


def test_the_deduction_its_legal_basis_and_the_carry(s4_folder):
    """S4.P19 within L.1: −510.04 taken (the minimum wage binds), 289.96 carried; S4.P16 charged, not deducted."""
    page = parsed(page_of(s4_folder, "2006"))
    text = "".join(page.text)
    assert page.lines["loss_deduction"] == "-510.04"
    assert page.ids["carried"] == "289.96"
    assert "10月5日擅自改价造成损失（S4.P19）：损失 800.00 元计入赔偿扣款" in text
    assert "30.00 元由运营部提成池承担，不从本人扣除" in text
    assert "赔偿扣款 510.04 元（应扣 800.00 元；结转下月 289.96 元；工资支付暂行规定第十六条" in text
    assert "L.1/L.2/L.4" in text  # the deduction line's own rules
    assert "s4-path 2026.10" in text and "由文件计算，未记入账本" in text


def test_a_cancelled_bonus_says_what_it_would_have_paid_and_who_cancelled_it(tmp_path):
    """S0.5: a score under 60 cancels the commission; 2001 (52.33) would have had 78.50."""
    folder = tmp_path / "s0"
    assert run("payslips", "-p", S0_POLICY, "-m", S0_METRICS, "-r", EXAMPLES / "s0" / "roster.csv",
               "--out", folder).exit_code == 0
    text = "".join(parsed(page_of(folder, "2001")).text)
    assert "原应发 78.50，因“评分低于60分无绩效奖励”（S0.5）取消" in text
    # A band KPI: the measured value, its band and the nearest edge that pays more (the policy's own numbers).
    assert "125.00 元" in text and "第 1 档 (-∞, 150) → 0 分" in text and "≥ 150 → 4 分" in text
    assert "第 4 档 [98%, +∞) → 10 分" in text and "已是最高档" in text


def test_english_on_request(tmp_path):
    folder = tmp_path / "en"
    assert run("payslips", *S4_FILES, "--out", folder, "--lang", "en").exit_code == 0
    assert "payslips_2026-10.xlsx" in {p.name for p in folder.iterdir()}
    text = "".join(parsed(page_of(folder, "2006")).text)
    assert "Total paid" in text and "Carried to next month (L.1)" in text
    assert "Art. 16" in text


def test_the_workbook_strips_read_back_as_the_engines_results(s4_folder, s4_results):
    """A heading row above each agent's row and an empty row to cut along; numbers are numbers."""
    sheet = openpyxl.load_workbook(s4_folder / "工资条_2026-10.xlsx")["工资条"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    heading = rows[0]
    # No grades in S4: no 等级; no scorecard (issue 16 item 1): no 得分 or 评级, but the 考核结果 (S4.1).
    assert heading[:6] == ["工号", "姓名", "组别", "岗位", "月份", "考核结果"]
    assert not any("得分" in str(h) or h == "评级" for h in heading)
    assert heading[-1] == "实发合计"
    seen = {}
    for index in range(0, len(rows), 3):
        assert rows[index] == heading
        seen[rows[index + 1][0]] = dict(zip(heading, rows[index + 1], strict=True))
        if index + 2 < len(rows):
            assert all(v is None for v in rows[index + 2])
    assert set(seen) == set(s4_results)
    for agent, expected in s4_results.items():
        assert Decimal(str(seen[agent]["实发合计"])) == Decimal(expected["pay"]["total"])
    assert Decimal(str(seen["2006"]["赔偿损失扣款（元）"])) == Decimal("-510.04")
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    policy = openpyxl.load_workbook(s4_folder / "工资条_2026-10.xlsx")["方案"]
    assert [c.value for c in policy["A"]][:2] == ["方案编号", "方案版本"]


def test_columns_nothing_fills_are_left_out(tmp_path):
    """S2's export names its agents and has no roster: no 组别, 岗位 or 等级, in the workbook or on the page."""
    folder = tmp_path / "s2"
    assert run("payslips", "-p", POLICIES / "s2_commission.yaml", "-m", EXAMPLES / "s2" / "metrics.csv",
               "--out", folder).exit_code == 0
    sheet = openpyxl.load_workbook(folder / "工资条_2026-10.xlsx")["工资条"]
    assert [c.value for c in sheet[1]][:5] == ["工号", "姓名", "月份", "得分", "评级"]
    text = "".join(parsed(next(folder.glob("*.html"))).text)
    assert "组别" not in text and "等级" not in text


def test_one_agents_own_workbook(s4_folder):
    sheet = openpyxl.load_workbook(s4_folder / "2026-10_2006_萧然.xlsx")["工资条"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert len(rows) == 2 and rows[1][0] == "2006" and rows[1][-1] == 2740


def test_the_same_month_gives_the_same_bytes(tmp_path, s4_folder):
    again = tmp_path / "again"
    assert run("payslips", *S4_FILES, "--out", again).exit_code == 0
    for path in s4_folder.iterdir():
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name


def test_one_team(tmp_path, s4_results):
    folder = tmp_path / "team"
    result = run("payslips", *S4_FILES, "--team", "二组", "--out", folder)
    assert result.exit_code == 0, result.output
    agents = {p.name.split("_")[1] for p in folder.glob("*.html")}
    assert agents == {"2001", "2002", "2003", "2004", "2005", "2006"}


def test_a_team_name_that_is_not_one_lists_the_teams_and_says_which_option_takes_a_file(tmp_path):
    result = run("payslips", *S4_FILES, "--team", "售前一组", "--out", tmp_path / "x")
    assert result.exit_code == 2
    assert "没有组别为 '售前一组' 的客服；本月的组别：一组、二组" in result.output
    assert "--team-file" in result.output
    assert not (tmp_path / "x").exists()


def test_a_team_file_given_as_team_is_named_as_such(tmp_path):
    team = write_csv(tmp_path / "team.csv", [["组别", "人均计划销售额"], ["一组", "1000"]])
    result = run("payslips", *S4_FILES, "--team", team, "--out", tmp_path / "x", "--lang", "en")
    assert result.exit_code == 2
    assert f"--team '{team}' is a file, but this command's --team takes a team name" in result.output
    assert f"--team-file {team}" in result.output


def test_a_team_name_given_as_team_file_is_named_as_such(tmp_path):
    result = run("evaluate", "-p", S0_POLICY, "-m", S0_METRICS, "--team-file", "一组", "--lang", "en")
    assert result.exit_code == 2
    assert "--team-file '一组' does not exist: --team-file takes the team-level values file" in result.output
    assert "jixiao evaluate, explain, payslips and report take --team NAME" in result.output
    result = run("run", "--period", "2026-10", "-p", S0_POLICY, "-m", S0_METRICS, "--team", "一组",
                 "--db", tmp_path / "j.db")
    assert result.exit_code == 2 and "--team '一组' 不存在：--team 指小组数据文件" in result.output
    assert not (tmp_path / "j.db").exists()
    result = run("payslips", *S4_FILES, "--team-file", "一组", "--out", tmp_path / "x", "--lang", "en")
    assert result.exit_code == 2 and "--team-file '一组' does not exist" in result.output


def test_files_or_the_ledger_not_both(tmp_path):
    result = run("payslips", *S4_FILES, "--db", tmp_path / "j.db", "--out", tmp_path / "x")
    assert result.exit_code == 2 and "二者选一" in result.output
    result = run("payslips", "--out", tmp_path / "x")
    assert result.exit_code == 2


def test_nothing_is_written_when_the_month_cannot_be_read(tmp_path):
    bad = write_csv(tmp_path / "bad.csv", [["工号", "销售额"], ["1001", "lots"]])
    folder = tmp_path / "out"
    result = run("payslips", "-p", S4_POLICY, "-m", bad, "--out", folder)
    assert result.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


def test_a_folder_holding_other_files_is_refused_and_kept(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    result = run("payslips", *S4_FILES, "--out", folder)
    assert result.exit_code == 1 and "文件夹中已有其他文件" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_an_earlier_payslips_folder_is_replaced_whole(tmp_path):
    folder = tmp_path / "slips"
    assert run("payslips", *S4_FILES, "--team", "一组", "--out", folder).exit_code == 0
    assert run("payslips", *S4_FILES, "--team", "二组", "--out", folder).exit_code == 0
    assert {p.name.split("_")[1] for p in folder.glob("*.html")} == {"2001", "2002", "2003", "2004", "2005", "2006"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slips"]


def test_an_empty_folder_is_used_and_a_file_is_refused(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("payslips", *S4_FILES, "--team", "一组", "--out", empty).exit_code == 0
    assert len(list(empty.glob("*.html"))) == 8
    result = run("payslips", *S4_FILES, "--out", S4_POLICY)
    assert result.exit_code != 0


def test_names_and_labels_from_files_are_escaped(tmp_path):
    rows = list(csv.reader(io.StringIO((EXAMPLES / "s0" / "roster.csv").read_text(encoding="utf-8-sig"))))
    rows[1] = ["1001", "<script>alert(1)</script>", "正式", "A3", "一<b>组"]
    roster = write_csv(tmp_path / "roster.csv", rows)
    folder = tmp_path / "out"
    result = run("payslips", "-p", S0_POLICY, "-m", S0_METRICS, "-r", roster, "--out", folder)
    assert result.exit_code == 0, result.output
    (page,) = [p for p in folder.glob("*_1001_*.html")]
    html = page.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "一<b>组" not in html and "一&lt;b&gt;组" in html
    assert re.fullmatch(r"2026-10_1001_script_alert_1_script\.html", page.name)


def test_from_the_ledger_with_the_run_and_the_reviews_decisions(tmp_path):
    """examples/careers: the S0.7 review closing 2026-12 moves 1001 from A1 to A2 (3/3 months met, S0.6)."""
    db = tmp_path / "careers.db"
    for month in ("2026-10", "2026-11", "2026-12"):
        result = record(db, month, S0_POLICY, CAREERS / f"metrics-{month}.csv", roster=CAREERS / "roster.csv")
        assert result.exit_code == 0, result.output
    folder = tmp_path / "slips"
    result = run("payslips", "--period", "2026-12", "--db", db, "--out", folder)
    assert result.exit_code == 0, result.output
    shown = results_by_agent(run("show", "--period", "2026-12", "--db", db, "--format", "json"))
    page = parsed(page_of(folder, "1001"))
    text = "".join(page.text)
    assert page.ids["total"] == shown["1001"]["pay"]["total"]
    assert "账本第 3 次运行" in text and "未审批" in text
    assert "A1 → A2（2027-01 起生效）" in text
    approve = run("approve", "--period", "2026-12", "--db", db, "--by", "王经理")
    assert approve.exit_code == 0
    again = tmp_path / "again"
    assert run("payslips", "--period", "2026-12", "--db", db, "--out", again, "--team", "一组").exit_code == 0
    assert "已审批：王经理" in "".join(parsed(page_of(again, "1001")).text)


def test_manual_adjustments_are_lines_after_evaluation(tmp_path):
    """A recorded month's manual adjustment is its own line, with its reason and approver, in the total."""
    db = tmp_path / "j.db"
    lines = adjustments_file(tmp_path / "adj.csv", ["1001,200,春节补贴,张经理"])
    assert record(db, "2026-10", S0_POLICY, S0_METRICS, "--adjustments", lines,
                  roster=EXAMPLES / "s0" / "roster.csv").exit_code == 0
    folder = tmp_path / "slips"
    assert run("payslips", "--period", "2026-10", "--db", db, "--out", folder).exit_code == 0
    shown = results_by_agent(run("show", "--period", "2026-10", "--db", db, "--format", "json"))
    page = parsed(page_of(folder, "1001"))
    assert page.lines["after"] == "200.00"
    assert page.ids["total"] == shown["1001"]["pay"]["total"]
    assert "春节补贴 · 审批人 张经理" in "".join(page.text)
    sheet = openpyxl.load_workbook(folder / "工资条_2026-10.xlsx")["工资条"]
    heading = [c.value for c in sheet[1]]
    assert heading[-2:] == ["评估后调整", "实发合计"]


def test_a_month_not_recorded(tmp_path):
    db = tmp_path / "careers.db"
    assert record(db, "2026-10", S0_POLICY, CAREERS / "metrics-2026-10.csv", roster=CAREERS / "roster.csv",
                  ).exit_code == 0
    result = run("payslips", "--period", "2027-05", "--db", db, "--out", tmp_path / "x")
    assert result.exit_code == 1 and "2026-10" in result.output
    assert not (tmp_path / "x").exists()


def test_without_the_events_file_no_clause_is_said_not_to_have_fired(tmp_path):
    """S4 has penalty clauses (S4.P3–P27): without --events none could fire, and the page says so;
    from files, a loss carried from earlier months is unknown (L.1), and the page says that too."""
    folder = tmp_path / "slips"
    result = run("payslips", "--policy", S4_POLICY, "--metrics", S4_METRICS, "--roster", S4_ROSTER, "--out", folder)
    assert result.exit_code == 0, result.output
    text = "".join(parsed(page_of(folder, "2006")).text)
    assert "没有提供事件文件（--events），罚则均未计算" in text and "本月无罚则触发" not in text
    assert "以前月份结转未扣的赔偿按 0 计（L.1）" in text
    report = run("report", "--policy", S4_POLICY, "--metrics", S4_METRICS, "--roster", S4_ROSTER).stdout
    assert "罚则均未计算：这里只列出门槛取消的工资项" in report
