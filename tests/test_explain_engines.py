"""`jixiao explain --engine` (issue 19): a large month's agent is explained from the month evaluated by
columns and her result re-run by the Decimal path over the agents it reads (engine.columnar_explain);
what explain prints must be the Decimal path's, byte for byte, with the same notes and warnings.

Every agent of every shipped example month is explained both ways (the whole working as JSON; and for
three agents a month, the short form, whose counterfactuals re-evaluate her month). A policy ranking the
month is declined, said with -v.
"""

from __future__ import annotations

import pytest
from harness.cli import results_by_agent, run
from test_evaluate_engines import MONTHS, ROOT, engine_lines

from engine.columnar_explain import explain_by_columns
from engine.month import Files

WITH_EVENTS = [("s2_roster", "examples/roster/metrics.csv", "examples/roster/roster.csv",
                "examples/roster/events-2026-10.csv"),
               ("s4_path", "examples/s4/metrics.csv", "examples/s4/roster.csv", "examples/s4/events-2026-10.csv")]
CASES = [(*month, None) for month in MONTHS] + WITH_EVENTS
# Declined, and why: a ranking (S1.2, S4's top-N%) makes her result read the whole month; S2's sales are
# written 350 beside 12345.67, which the trace shows as read (a column at 2 places holds 350.00).
DECLINED = {"s1_ranking": "a ranking", "s4_path": "a ranking", "s2_commission": "inputs whose places vary"}


def _files(policy: str, metrics: str, roster: str | None, events: str | None) -> list[object]:
    args: list[object] = ["--policy", ROOT / "policies" / f"{policy}.yaml", "--metrics", ROOT / metrics]
    if roster:
        args += ["--roster", ROOT / roster]
    if events:
        args += ["--events", ROOT / events]
    return args


def _agents(files: list[object]) -> list[str]:
    return sorted(results_by_agent(run("evaluate", *files, "--format", "json", "--engine", "decimal")))


@pytest.mark.parametrize(("policy", "metrics", "roster", "events"), CASES)
def test_explain_by_columns_prints_what_the_decimal_path_prints(policy, metrics, roster, events):
    files = _files(policy, metrics, roster, events)
    agents = _agents(files)
    for at, agent in enumerate(agents[:1] if policy in DECLINED else agents):  # declined: the Decimal path's own
        # Every agent's whole working (her inputs as read, every step); the short form, whose counterfactuals
        # re-evaluate the agents her result reads (on both engines alike), for the first three.
        for form in ([["--full", "--format", "json", "--lang", "en"]] + ([[]] if at < 3 else [])):
            columnar = run("explain", *files, "--agent", agent, *form, "--engine", "columnar", "-v")
            decimal = run("explain", *files, "--agent", agent, *form, "--engine", "decimal")
            assert columnar.exit_code == decimal.exit_code == 0, columnar.output + decimal.output
            assert columnar.stdout_bytes == decimal.stdout_bytes, (agent, form)
            said = engine_lines(columnar.stderr)
            assert len(said) == 1
            assert said[0].startswith(("engine: columnar", "计算方式：columnar")) == (policy not in DECLINED), said
            if policy in DECLINED and "--lang" in form:
                assert said[0].startswith(f"engine: decimal — not covered by the columnar path: {DECLINED[policy]}")
            assert [line for line in columnar.stderr.splitlines() if line not in said] == decimal.stderr.splitlines()


def test_a_ranking_is_declined_and_said_with_v():
    found = run("explain", *_files("s1_ranking", "examples/s1/metrics.csv", None, None), "--agent", "小一",
                "--engine", "columnar", "-v", "--lang", "en")
    assert found.exit_code == 0, found.output
    assert engine_lines(found.stderr) == [
        "engine: decimal — not covered by the columnar path: a ranking: an agent's result reads the whole month"]


@pytest.mark.parametrize(("policy", "metrics", "roster", "agent", "again"), [
    # S0.3: performance pay reads her team's sales per capita: 二组's six agents are evaluated again.
    ("s0_shop", "examples/s0/metrics.csv", "examples/s0/roster.csv", "2001",
     {"2001", "2002", "2003", "2004", "2005", "2006"}),
    # S3's points read nobody else's inputs: she alone.
    ("s3_points", "examples/s3/metrics-2026-11.csv", None, "5003", {"5003"}),
])
def test_only_the_agents_her_result_reads_are_evaluated_again_and_only_she_is_traced(policy, metrics, roster,
                                                                                    agent, again):
    files = Files(str(ROOT / "policies" / f"{policy}.yaml"), str(ROOT / metrics),
                  None if roster is None else str(ROOT / roster))
    found = explain_by_columns(files, None, lambda items: frozenset({agent}))
    assert {i.agent for i in found.inputs} == again
    (result,) = found.results
    assert result.agent == agent and result.trace is not None
    assert found.month.results.frame.height > len(again)  # the whole month was evaluated, by columns


def test_a_team_the_month_lacks_is_a_usage_error_naming_its_teams():
    found = run("explain", *_files("s0_shop", "examples/s0/metrics.csv", "examples/s0/roster.csv", None),
                "--agent", "2001", "--team", "三组", "--engine", "columnar", "--lang", "en")
    decimal = run("explain", *_files("s0_shop", "examples/s0/metrics.csv", "examples/s0/roster.csv", None),
                  "--agent", "2001", "--team", "三组", "--engine", "decimal", "--lang", "en")
    assert found.exit_code == decimal.exit_code == 2
    assert found.output == decimal.output


@pytest.mark.parametrize("query", [["--agent", "李娜"], ["--agent", "１００２"], ["--agent", "1002", "--team", "一组"],
                                   ["--agent", "1002", "--team", "二组"], ["--agent", "李"]])
def test_an_agent_named_otherwise_than_by_her_id_is_found_as_the_decimal_path_finds_her(query):
    """--agent by name, by a full-width id, within a --team (her own, another) or matching nobody: the same
    match, note, output and exit code on both engines (only an exact id in no --team is found by one filter)."""
    files = _files("s0_shop", "examples/s0/metrics.csv", "examples/s0/roster.csv", None)
    columnar = run("explain", *files, *query, "--engine", "columnar", "--lang", "en")
    decimal = run("explain", *files, *query, "--engine", "decimal", "--lang", "en")
    assert columnar.exit_code == decimal.exit_code
    assert (columnar.stdout_bytes, columnar.stderr) == (decimal.stdout_bytes, decimal.stderr)


def test_what_explain_by_columns_does_not_cover_is_said_and_left_to_the_decimal_path(tmp_path, monkeypatch):
    """Several months in one file, manual adjustments (through the API), and her agents failing by the
    Decimal path once the month evaluated by columns (never expected): NotCovered, each with its reason."""
    import sys

    from engine.errors import EvaluationError
    from engine.model.frames import NotCovered

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_year import write_data

    s0 = str(ROOT / "policies" / "s0_shop.yaml")
    metrics, roster = write_data(tmp_path, 30, ["2026-10", "2026-11"], xlsx=False)
    anyone = lambda items: frozenset({items[0].agent})  # noqa: E731
    with pytest.raises(NotCovered, match="a metrics file of several months"):
        explain_by_columns(Files(s0, str(metrics), str(roster)), None, anyone)
    with pytest.raises(NotCovered, match="manual adjustments"):
        explain_by_columns(Files(s0, str(metrics), str(roster), adjustments=str(metrics)), None, anyone)

    def failing(*args, **kwargs):
        raise EvaluationError("a divisor of 0", "除数为零")

    monkeypatch.setattr("engine.month.evaluate_agents", failing)
    (tmp_path / "one").mkdir()
    one, roster = write_data(tmp_path / "one", 30, ["2026-10"], xlsx=False)
    with pytest.raises(NotCovered, match="her team by the Decimal path: a divisor of 0"):
        explain_by_columns(Files(s0, str(one), str(roster)), None, anyone)
