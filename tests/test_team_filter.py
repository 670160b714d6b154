"""`--team NAME` keeps one team's results in evaluate and explain, as payslips and report do; the
team-level values file is `--team-file` in all four (issue 18). Every agent is still evaluated, so a
ranking or a team value over the month is the same with or without the filter."""

from __future__ import annotations

import json

from harness.cli import results_by_agent, run
from harness.files import write_csv
from harness.paths import S0_METRICS, S0_POLICY, S0_ROSTER, S4_EVENTS, S4_METRICS, S4_POLICY, S4_ROSTER

S4_FILES = ("--policy", S4_POLICY, "--metrics", S4_METRICS, "--roster", S4_ROSTER, "--events", S4_EVENTS)


def test_evaluate_keeps_one_team_with_the_same_numbers():
    everyone = results_by_agent(run("evaluate", *S4_FILES, "--format", "json"))
    team = results_by_agent(run("evaluate", *S4_FILES, "--format", "json", "--team", "二组"))
    assert sorted(team) == ["2001", "2002", "2003", "2004", "2005", "2006"]
    assert all(team[agent] == everyone[agent] for agent in team)  # rankings are over the whole month
    table = run("evaluate", *S4_FILES, "--team", "二组", "--lang", "en").stdout.splitlines()
    total = sum(float(r["pay"]["total"]) for r in team.values())  # the footer's sum, to the fen
    assert table[-1] == f"Total: 6 agents · {total:.2f} CNY"


def test_explain_within_a_team():
    result = run("explain", "--full", *S4_FILES, "--team", "一组", "--agent", "1004")
    assert result.exit_code == 0, result.output
    assert result.stdout == run("explain", "--full", *S4_FILES, "--agent", "1004").stdout
    other = run("explain", "--full", *S4_FILES, "--team", "二组", "--agent", "1004", "--lang", "en")
    assert other.exit_code == 2 and "agent '1004' is not in" in other.output


def test_a_team_no_agent_is_in_lists_the_teams_for_evaluate_and_explain():
    for command in (("evaluate",), ("explain", "--agent", "1004")):
        result = run(*command, *S4_FILES, "--team", "售前一组")
        assert result.exit_code == 2
        assert ("没有组别为 '售前一组' 的客服；本月的组别：一组、二组。注意：--team 指组别名称，"
                "小组数据文件请用 --team-file") in result.output


def test_a_team_file_given_as_team_says_to_give_it_as_team_file(tmp_path):
    team = write_csv(tmp_path / "team.csv", [["组别", "人均计划销售额"], ["一组", "150000"], ["二组", "150000"]])
    result = run("evaluate", "-p", S0_POLICY, "-m", S0_METRICS, "-r", S0_ROSTER, "--team", team, "--lang", "en")
    assert result.exit_code == 2
    assert f"--team '{team}' is a file, but this command's --team takes a team name (such as 一组, 二组)" \
        in result.output
    assert f"give the team-level values file as --team-file {team}" in result.output
    assert run("evaluate", "-p", S0_POLICY, "-m", S0_METRICS, "-r", S0_ROSTER, "--team-file", team).exit_code == 0


def test_run_and_diff_take_the_team_values_file_as_team_file_too(tmp_path):
    team = write_csv(tmp_path / "team.csv", [["组别", "人均计划销售额"], ["一组", "150000"], ["二组", "150000"]])
    for option in ("--team-file", "--team"):  # --team stays the file's older name where no filter exists
        done = run("run", "--period", "2026-10", "-p", S0_POLICY, "-m", S0_METRICS, "-r", S0_ROSTER, option, team,
                   "--db", tmp_path / f"{option}.db")
        assert done.exit_code == 0, done.output
        compared = run("diff", S0_POLICY, S0_POLICY, "-m", S0_METRICS, "-r", S0_ROSTER, option, team,
                       "--format", "json")
        assert compared.exit_code == 0, compared.output
        assert json.loads(compared.stdout)


def test_evaluate_and_payslips_tell_their_progress_only_on_a_terminal(tmp_path, monkeypatch):
    import cli_month

    quiet = run("evaluate", *S4_FILES, "--lang", "en")
    assert "evaluating" not in quiet.stderr and "reading" not in quiet.stderr  # captured: no progress
    monkeypatch.setattr(cli_month, "stderr_is_terminal", lambda: True)
    watched = run("evaluate", *S4_FILES, "--lang", "en")
    assert watched.stderr.splitlines()[:2] == ["reading the policy and data files…", "evaluating 2026-10: 14 agents…"]
    assert watched.stdout == quiet.stdout
    slips = run("payslips", *S4_FILES, "--out", tmp_path / "slips")
    assert slips.stderr.splitlines()[:2] == ["正在读取方案和数据文件…", "正在计算 2026-10：14 人…"]
    assert "正在生成 14 人的工资条…" in slips.stderr
