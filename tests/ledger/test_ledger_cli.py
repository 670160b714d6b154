"""End to end through `jixiao run / runs / history / show / approve / reopen`, in-process, on each back-end.

The S0 shop of examples/s0 (12 agents, 2026-10) is recorded in a ledger (the `db` fixture: a SQLite
file in tmp_path, then a fresh PostgreSQL database; tests/ledger_backends.py); November is
the same export with its month changed. Totals: 34870.56 for the month as evaluated (examples/
README.md lists the agents); 1001 王晓梅 is paid 3579.02 and 1002 李娜 2785.19 (S0.3, S0.6).
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from harness.cli import run
from harness.files import adjustments_file, s0_month
from harness.ledger import record_s0, runs_json
from harness.paths import S0_METRICS, S0_METRICS_XLSX, S0_POLICY, S0_ROSTER
from ledger_backends import exists, raw

from engine import __version__
from engine.ledger.access import open_ledger
from engine.ledger.store import Decision

POLICY, METRICS, METRICS_XLSX, ROSTER = S0_POLICY, S0_METRICS, S0_METRICS_XLSX, S0_ROSTER


def test_a_run_is_recorded_once_and_repeating_it_is_a_no_op(db, tmp_path):
    first = record_s0(db)
    assert first.exit_code == 0, first.output
    assert first.stdout == f"recorded 2026-10 as run 1: 12 agents, total 34870.56 (ledger {db})\n"
    assert "evaluating" not in first.stderr  # progress only on a terminal
    again = record_s0(db)
    assert again.exit_code == 0, again.output
    recorded_at = runs_json(db)[0]["recorded_at"]
    assert again.stdout == ("2026-10 is already recorded from the same policy and input files as run 1 "
                            f"({recorded_at}); nothing was changed\n")
    [only] = runs_json(db)
    assert (only["run"], only["status"], only["agents"], only["total"]) == (1, "current", 12, "34870.56")
    assert only["policy"]["id"] == "s0-eight-kpi" and len(only["policy"]["sha256"]) == 64
    assert set(only["inputs"]) == {"metrics", "roster"}
    zh = run("run", "--period", "2026-10", "--policy", POLICY, "--metrics", METRICS, "--roster", ROSTER, "--db", db)
    assert zh.stdout.startswith("2026-10 已用相同的方案和输入文件记录为第 1 次运行")


def test_other_inputs_need_supersede_which_keeps_the_old_run(db, tmp_path):
    assert record_s0(db).exit_code == 0
    refused = record_s0(db, "2026-10", METRICS_XLSX)
    assert refused.exit_code == 1
    recorded_at = runs_json(db)[0]["recorded_at"]
    assert refused.stderr.endswith(
        f"2026-10 is already recorded as run 1 ({recorded_at}, policy s0-eight-kpi 2026.11) from other inputs or "
        "another policy; to replace it and keep the old run as superseded, add --supersede\n")
    assert len(runs_json(db)) == 1
    replaced = record_s0(db, "2026-10", METRICS_XLSX, "--supersede")
    assert replaced.exit_code == 0, replaced.output
    assert replaced.stdout.endswith("run 1 is kept in the ledger, marked superseded\n")
    old, new = runs_json(db)
    assert (old["status"], old["superseded_by"], new["status"], new["run"]) == ("superseded", 2, "current", 2)
    # The old run is still shown exactly as it was; the XLSX export evaluates to the same results.
    shown_old = run("show", "--period", "2026-10", "--run", 1, "--db", db, "--format", "json")
    shown_new = run("show", "--period", "2026-10", "--db", db, "--format", "json")
    assert shown_old.exit_code == shown_new.exit_code == 0
    assert shown_old.stdout == shown_new.stdout
    history = json.loads(run("history", "1001", "--db", db, "--format", "json").stdout)
    assert [(m["period"], m["run"]) for m in history["months"]] == [("2026-10", 2)]
    # A policy with other bytes (here one more comment line) is another run too.
    edited = tmp_path / "s0_shop.yaml"
    edited.write_bytes(POLICY.read_bytes() + b"# reviewed\n")
    changed = run("run", "--period", "2026-10", "--policy", edited, "--metrics", METRICS_XLSX, "--roster", ROSTER,
                  "--db", db, "--lang", "en")
    assert changed.exit_code == 1 and changed.stderr.endswith("add --supersede\n")


def test_an_approved_period_refuses_every_run_until_reopened_with_a_reason(db, tmp_path):
    assert run("approve", "--period", "2026-10", "--db", db, "--lang", "en").exit_code == 1  # no ledger yet
    assert record_s0(db).exit_code == 0
    approved = run("approve", "--period", "2026-10", "--by", "李总", "--db", db, "--lang", "en")
    assert approved.stdout == ("approved 2026-10 (run 1, by 李总); to change it, reopen it first with jixiao reopen\n")
    assert runs_json(db)[0]["status"] == "approved" and runs_json(db)[0]["approved"]["by"] == "李总"
    for extra in ((), ("--supersede",)):
        refused = record_s0(db, "2026-10", METRICS_XLSX, *extra)
        assert refused.exit_code == 1
        assert refused.stderr.endswith('to change it, first run: jixiao reopen --period 2026-10 --reason "…"\n')
    assert record_s0(db).exit_code == 1  # not even the same inputs: the month is locked
    assert run("reopen", "--period", "2026-10", "--db", db).exit_code == 2  # --reason is required
    blank = run("reopen", "--period", "2026-10", "--reason", " ", "--db", db, "--lang", "en")
    assert (blank.exit_code, blank.stderr) == (1, 'reopening a period needs a reason: --reason "…"\n')
    reopened = run("reopen", "--period", "2026-10", "--reason", "补录迟到扣款", "--by", "王会计", "--db", db)
    assert reopened.exit_code == 0
    assert reopened.stdout == "已重新开放 2026-10，原因：补录迟到扣款；现在可以用 jixiao run --supersede 重新计算\n"
    again = run("reopen", "--period", "2026-10", "--reason", "x", "--db", db, "--lang", "en")
    assert (again.exit_code, again.stderr) == (1, f"{db}: 2026-10 is not approved, so there is nothing to reopen\n")
    assert record_s0(db, "2026-10", METRICS_XLSX, "--supersede").exit_code == 0
    with open_ledger(db) as ledger:
        events = [(e.action, e.by, e.reason) for e in ledger.events("2026-10")]
    assert events == [("approve", "李总", ""), ("reopen", "王会计", "补录迟到扣款")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_show_re_renders_byte_identical_to_the_evaluation(db, tmp_path, lang):
    assert record_s0(db).exit_code == 0
    data = ("--policy", POLICY, "--metrics", METRICS, "--roster", ROSTER, "--period", "2026-10", "--lang", lang)
    for fmt in ("table", "json", "csv"):
        shown = run("show", "--period", "2026-10", "--db", db, "--format", fmt, "--lang", lang)
        evaluated = run("evaluate", *data, "--format", fmt)
        assert shown.exit_code == 0, shown.output
        assert shown.stdout_bytes == evaluated.stdout_bytes
    shown_xlsx, evaluated_xlsx = tmp_path / "shown.xlsx", tmp_path / "evaluated.xlsx"
    assert run("show", "--period", "2026-10", "--db", db, "--format", "xlsx", "--out", shown_xlsx,
               "--lang", lang).exit_code == 0
    assert run("evaluate", *data, "--format", "xlsx", "--out", evaluated_xlsx).exit_code == 0
    # The same workbook, with the recorded run's 记录 sheet after the results (issue 18)
    shown_book, evaluated_book = openpyxl.load_workbook(shown_xlsx), openpyxl.load_workbook(evaluated_xlsx)
    record = "记录" if lang == "zh" else "Record"
    assert shown_book.sheetnames == [evaluated_book.sheetnames[0], record, *evaluated_book.sheetnames[1:]]
    for name in evaluated_book.sheetnames:
        assert list(shown_book[name].values) == list(evaluated_book[name].values), name
    for fmt in ("text", "json"):
        shown = run("show", "--full",
                    "--period", "2026-10", "--agent", "2001", "--db", db, "--format", fmt, "--lang", lang)
        explained = run("explain", "--full", *data, "--agent", "2001", "--format", fmt)
        assert shown.exit_code == 0, shown.output
        assert shown.stdout_bytes == explained.stdout_bytes
    # Moving the policy file away changes nothing: the ledger keeps the policy's bytes.
    assert "Decimal" not in run("show", "--period", "2026-10", "--db", db, "--format", "json").stdout


def test_show_finds_an_agent_by_her_recorded_id_in_one_row_and_by_anything_else_among_all(db, monkeypatch):
    """Issue 19: one agent of a large firm's month is shown without reading every agent's record; a name or a
    full-width id is still matched among them all, as before (and said on stderr)."""
    import engine.report.agent_match as agent_match

    assert record_s0(db).exit_code == 0
    read_all = []
    run_agents = agent_match.run_agents
    monkeypatch.setattr(agent_match, "run_agents", lambda ledger, run_id: read_all.append(run_id) or
                        run_agents(ledger, run_id))
    by_id = run("show", "--period", "2026-10", "--agent", "2001", "--db", db, "--lang", "en")
    assert (by_id.exit_code, by_id.stderr, read_all) == (0, "", [])
    for query in ("孙丽", "２００１"):
        by_other = run("show", "--period", "2026-10", "--agent", query, "--db", db, "--lang", "en")
        assert by_other.exit_code == 0, by_other.output
        assert by_other.stdout == by_id.stdout
        assert by_other.stderr == f"note: --agent {query} → 2001 孙丽\n"
    assert read_all == [1]  # the full-width id is her id: found in one row too; the name among all


def test_a_record_that_re_renders_differently_is_an_error_not_a_new_record(db, tmp_path):
    assert record_s0(db).exit_code == 0
    raw(db, "UPDATE runs SET report_sha256 = 'x', jixiao_version = '0.0.9'")  # as a later jixiao would render
    shown = run("show", "--period", "2026-10", "--db", db, "--lang", "en")
    assert (shown.exit_code, shown.stdout) == (1, "")
    assert shown.stderr == (f"run 1 was recorded by jixiao 0.0.9 and re-renders differently with {__version__}; "
                            "use jixiao 0.0.9 to show it\n")
    agent = run("show", "--full", "--period", "2026-10", "--agent", "1001", "--db", db, "--lang", "en")
    assert agent.exit_code == 1  # recorded by another version: the whole month is checked first


def test_show_and_history_errors(db, tmp_path):
    missing = run("show", "--period", "2026-10", "--db", db, "--lang", "en")
    assert (missing.exit_code, missing.stderr) == (
        1, f"{db}: no ledger here; record a month first: jixiao run --period YYYY-MM --db {db}\n")
    assert not exists(db)
    assert record_s0(db).exit_code == 0
    none = run("show", "--period", "2026-11", "--db", db, "--lang", "en")
    assert (none.exit_code, none.stderr) == (1, f"no run recorded for 2026-11 in {db}; recorded months: 2026-10\n")
    stranger = run("show", "--full", "--period", "2026-10", "--agent", "9999", "--db", db, "--lang", "en")
    agents = ("1001 王晓梅, 1002 李娜, 1003 张伟, 1004 陈静, 1005 刘洋, 1006 赵敏, 2001 孙丽, 2002 周杰, 2003 吴芳, "
              "2004 郑强, 2005 王磊, 2006 冯雪")
    assert (stranger.exit_code, stranger.stderr) == (
        1, f"agent '9999' is not in the record of 2026-10 (run 1); agents: {agents}\n")
    assert run("show", "--period", "2026-10", "--format", "text", "--db", db).exit_code == 2
    assert run("show", "--full", "--period", "2026-10", "--agent", "1001", "--format", "csv", "--db", db).exit_code == 2
    assert run("show", "--period", "2026-10", "--format", "xlsx", "--db", db).exit_code == 2
    nowhere = tmp_path / "no" / "such" / "folder.db"
    lost = record_s0(nowhere)
    assert (lost.exit_code, lost.stderr) == (
        1, f"{nowhere}: the folder {nowhere.parent} does not exist; create it or choose another --db\n")
    nobody = run("history", "9999", "--db", db, "--lang", "en")
    assert (nobody.exit_code, nobody.stderr) == (1, f"agent '9999' is not in the ledger {db}; agents: {agents}\n")


def test_adjustments_are_pay_lines_of_their_own_exact_to_the_fen(db, tmp_path):
    adjustments = adjustments_file(tmp_path / "调整.csv", ["1001,200,春节补贴,张经理", "1001,-12.50,客诉扣款,张经理",
                                                         "1002,0.01,尾差,张经理"], encoding="gb18030")
    result = record_s0(db, "2026-10", METRICS, "--adjustments", adjustments)
    assert result.exit_code == 0, result.output
    # 34870.56 + 187.51
    assert result.stdout == f"recorded 2026-10 as run 1: 12 agents, total 35058.07 (ledger {db})\n"
    report = json.loads(run("show", "--period", "2026-10", "--db", db, "--format", "json").stdout)
    agents = {r["agent"]: r["pay"] for r in report["results"]}
    assert agents["1001"] == {"total": "3766.52",  # 3579.02 + 200 − 12.50
                              "components": {"base": "3000.00", "performance": "579.02", "adjustments": "187.50"}}
    assert agents["1002"]["total"] == "2785.20" and agents["1002"]["components"]["adjustments"] == "0.01"
    assert agents["2001"]["components"]["adjustments"] == "0.00"
    text = run("show", "--full", "--period", "2026-10", "--agent", "1001", "--db", db, "--lang", "en").stdout
    assert text.endswith(
        "Manual adjustments (added after evaluation, not part of the policy):\n"
        "  evaluated total: 3579.02 CNY\n"
        f"  +200.00 CNY · 春节补贴 · approved by 张经理 · from {adjustments} row 2\n"
        f"  -12.50 CNY · 客诉扣款 · approved by 张经理 · from {adjustments} row 3\n"
        "  total after adjustments: 3766.52 CNY\n")
    explained = json.loads(run("show", "--full",
                               "--period", "2026-10", "--agent", "1001", "--db", db, "--format", "json").stdout)
    assert explained["adjustments"][1] == {"amount": "-12.50", "reason": "客诉扣款", "approved_by": "张经理",
                                           "source": f"{adjustments} row 3"}
    assert (explained["evaluated_total"], explained["total"]) == ("3579.02", "3766.52")
    table = run("show", "--period", "2026-10", "--db", db).stdout
    assert "人工调整" in table.splitlines()[1] and "应发 35058.07 元" in table
    history = json.loads(run("history", "1001", "--db", db, "--format", "json").stdout)
    assert history["months"][0]["pay"]["total"] == "3766.52"
    assert [a["amount"] for a in history["months"][0]["pay"]["adjustments"]] == ["200.00", "-12.50"]


def test_adjustments_from_xlsx_with_english_headers(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Agent", "Amount", "Reason", "Approved by"])
    sheet.append(["2001", 300, "referral bonus", "Ms Li"])
    path = tmp_path / "adjustments.xlsx"
    book.save(path)
    db = tmp_path / "jixiao.db"
    assert record_s0(db, "2026-10", METRICS, "--adjustments", path).exit_code == 0
    report = json.loads(run("show", "--period", "2026-10", "--db", db, "--format", "json").stdout)
    assert {r["agent"]: r["pay"]["total"] for r in report["results"]}["2001"] == "2100.00"  # 1800.00 + 300


def test_every_bad_adjustment_is_located_and_nothing_is_recorded(db, tmp_path):
    adjustments = adjustments_file(tmp_path / "adj.csv", ["1001,abc,补贴,张经理", "1002,12.345,补贴,张经理",
                                                          "9999,10,补贴,张经理", "1003,10,补贴,"], encoding="gb18030")
    result = record_s0(db, "2026-10", METRICS, "--adjustments", adjustments)
    assert result.exit_code == 1
    # Cells that cannot be read are reported first, all of them; the rows' meaning is checked once they read.
    assert result.stderr.splitlines() == [
        f"{adjustments}: row 2, column 金额 (B): expected a number like 1234.5, 1,234.50, ¥1,234.50 or 88元, got 'abc'",
        f"{adjustments}: row 5, column 审批人 (D): expected a value, got an empty cell",
    ]
    fixed = adjustments_file(tmp_path / "adj2.csv", ["1002,12.345,补贴,张经理", "9999,10,补贴,张经理"],
                             encoding="gb18030")
    result = record_s0(db, "2026-10", METRICS, "--adjustments", fixed)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-2:] == [
        f"{fixed}: row 2, column 金额: amount 12.345 has more than two decimals; give the approved amount in "
        "yuan and fen (e.g. 12.35)",
        f"{fixed}: row 3, column 工号: agent 9999 has no result for 2026-10, so an adjustment cannot be paid; "
        "check the id or the month",
    ]
    assert not exists(db)  # a failed first run leaves no empty ledger behind


def _decide(db: Path, *decisions: Decision) -> None:
    with open_ledger(db) as ledger:
        ledger.add_decisions(decisions)


def test_history_across_months_with_a_decision_that_changes_next_months_grade(db, tmp_path):
    assert record_s0(db).exit_code == 0
    # S0.7: a quarterly review moved 1002 from A2 up to A3 (written as the careers stage will write it).
    _decide(db, Decision("1002", "2026-10", "grade_change", "A2", "A3", "季度考核：3个月均达标", "S0.7"))
    assert record_s0(db, "2026-11", s0_month(tmp_path, "2026-11")).exit_code == 0
    history = json.loads(run("history", "1002", "--db", db, "--format", "json").stdout)
    assert [(m["period"], m["grade"], m["pay"]["components"]["base"]) for m in history["months"]] == [
        ("2026-10", "A2", "2500.00"), ("2026-11", "A3", "3000.00")]  # S0.6: the roster still says A2
    assert history["decisions"] == [{"period": "2026-10", "kind": "grade_change", "from": "A2", "to": "A3",
                                     "effective": "2026-11",
                                     "reason": "季度考核：3个月均达标", "reason_en": "季度考核：3个月均达标",
                                     "rule": "S0.7", "run": None}]  # no English reason recorded: the Chinese
    table = run("history", "1002", "--db", db).stdout
    assert table.splitlines()[0] == "客服 1002 李娜"
    assert table.splitlines()[3].split() == ["2026-10", "1", "一组", "客服", "A2", "83.88", "达标", "2785.19"]
    assert table.splitlines()[-1] == ("  2026-10 等级调整：A2 → A3（2026-11 起生效） · 原因：季度考核：3个月均达标 · "
                                      "规则 S0.7")
    english = run("history", "1002", "--db", db, "--lang", "en").stdout
    assert english.splitlines()[-1] == ("  2026-10 grade change: A2 → A3 (in effect from 2026-11) · reason: "
                                        "季度考核：3个月均达标 · rule S0.7")


def test_a_dismissed_agent_in_a_later_month_is_refused(db, tmp_path):
    assert record_s0(db).exit_code == 0
    _decide(db, Decision("2001", "2026-10", "dismissal", "agent", None, "连续两个月低于60分", "S4.5"))
    refused = record_s0(db, "2026-11", s0_month(tmp_path, "2026-11"))
    assert refused.exit_code == 1
    with open_ledger(db) as ledger:
        decision = ledger.decisions("2001")[0].id
    assert refused.stderr.splitlines()[-1].startswith(
        f"agent 2001 is in the 2026-11 data ({tmp_path / 'metrics-2026-11.csv'} row ")
    assert refused.stderr.splitlines()[-1].endswith(
        f"but was dismissed in 2026-10 (decision {decision}: 连续两个月低于60分, rule S4.5); remove the row, or record "
        "a reinstatement (jixiao decide 2001 --from 2026-11 --reinstate --reason …) if the agent was rehired")
    assert [r["period"] for r in runs_json(db)] == ["2026-10"]


def test_progress_goes_to_stderr_only_on_a_terminal(tmp_path, monkeypatch):
    import cli_ledger

    monkeypatch.setattr(cli_ledger, "stderr_is_terminal", lambda: True)
    result = record_s0(tmp_path / "jixiao.db")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[:3] == ["reading the policy and data files…", "evaluating…",
                                              "recording in the ledger…"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_show_xlsx_names_the_run_its_approval_and_policy_on_the_record_sheet(tmp_path, lang):
    db = tmp_path / "jixiao.db"
    assert record_s0(db).exit_code == 0
    out = tmp_path / "shown.xlsx"

    def record_sheet() -> dict[str, object]:
        assert run("show", "--period", "2026-10", "--db", db, "--format", "xlsx", "--out", out,
                   "--lang", lang).exit_code == 0
        book = openpyxl.load_workbook(out)
        return dict(book[book.sheetnames[1]].iter_rows(values_only=True))

    listed = runs_json(db)[0]
    before = record_sheet()
    if lang == "zh":
        assert before == {"月份": "2026-10", "运行": 1, "状态": "当前", "记录时间(UTC)": listed["recorded_at"],
                          "审批人": "未审批", "审批时间(UTC)": None, "方案编号": "s0-eight-kpi",
                          "方案版本": "2026.11", "方案SHA256": listed["policy"]["sha256"],
                          "jixiao 版本": listed["jixiao_version"]}
    assert run("approve", "--period", "2026-10", "--by", "李总", "--db", db).exit_code == 0
    approved = runs_json(db)[0]["approved"]
    after = record_sheet()
    words = ("状态", "审批人", "审批时间(UTC)") if lang == "zh" else ("Status", "Approved by", "Approved (UTC)")
    assert [after[w] for w in words] == ["已审批" if lang == "zh" else "approved", "李总", approved["at"]]
