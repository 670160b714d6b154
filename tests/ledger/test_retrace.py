"""A recorded month's traces evaluated again when asked (engine.retrace, issue 19).

A month that reads nothing of the ledger is a function of the policy and files its run kept: its run
records every result and no trace. `show --agent` evaluates again only the agents her result reads and
traces her alone, and prints exactly what `explain` printed; a month that reads the ledger (here: a grade
decided by hand before it) keeps every trace. Results that evaluate otherwise, or a run that read the
ledger yet kept no trace, are refused, never shown beside a trace that is not theirs.

The S0 shop of examples/s0 (12 agents in two teams, 2026-10) in a ledger of each back-end (`db`).
"""

from __future__ import annotations

import hashlib
import json
import zlib

import pytest
from harness.cli import run
from harness.ledger import record_s0
from harness.paths import S0_METRICS, S0_POLICY, S0_ROSTER
from ledger_backends import raw

import engine.month
import engine.retrace
from engine.model.frames import NotCovered


@pytest.fixture
def recorded(db: str) -> str:
    assert record_s0(db).exit_code == 0
    return db


def _explained(agent: str, *more: str) -> str:
    done = run("explain", "--policy", S0_POLICY, "--metrics", S0_METRICS, "--roster", S0_ROSTER, "--agent", agent,
               "--no-what-it-takes", *more)
    assert done.exit_code == 0, done.output
    return done.stdout


def test_a_month_that_reads_nothing_of_the_ledger_keeps_no_trace_and_shows_what_explain_printed(recorded):
    db = recorded
    assert {row[0] for row in raw(db, "SELECT trace FROM outcomes")} == {"None"}
    for agent in ("1001", "2003"):
        for more in ((), ("--full",), ("--format", "json"), ("--full", "--lang", "en")):
            shown = run("show", "--period", "2026-10", "--agent", agent, "--db", db, *more)
            assert shown.exit_code == 0, shown.output
            assert shown.stdout == _explained(agent, *more), (agent, more)


def test_a_month_that_reads_the_ledger_keeps_that_state_and_is_shown_under_it_after_the_ledger_moves_on(recorded):
    """A grade decided by hand before October (S0.7's A3: base 3000) makes October read the ledger: its new
    run keeps the state it read beside its files, no trace; shown again after a later decision (A4) has
    been carried through, run 2 still explains the pay it recorded, under the state it was recorded with."""
    db = recorded
    decided = run("decide", "1002", "--from", "2026-10", "--grade", "A3", "--reason", "r", "--db", db)
    assert decided.exit_code == 0, decided.output
    assert {row[0] for row in raw(db, "SELECT trace FROM outcomes")} == {"None"}
    assert [row[0] for row in raw(db, "SELECT run_id FROM run_inputs WHERE kind = 'ledger_state'")] == [2]
    before = run("show", "--period", "2026-10", "--agent", "1002", "--full", "--db", db, "--lang", "en")
    assert before.exit_code == 0, before.output
    assert "Grade (grade) = A3" in before.stdout
    assert run("decide", "1002", "--from", "2026-10", "--grade", "A4", "--reason", "r", "--db", db).exit_code == 0
    again = run("show", "--period", "2026-10", "--run", "2", "--agent", "1002", "--full", "--db", db, "--lang", "en")
    assert again.stdout == before.stdout
    now = run("show", "--period", "2026-10", "--agent", "1002", "--full", "--db", db, "--lang", "en")
    assert "Grade (grade) = A4" in now.stdout
    # The first run, superseded, read nothing of the ledger: shown as explain prints the files.
    shown = run("show", "--period", "2026-10", "--run", "1", "--agent", "1002", "--full", "--db", db)
    assert shown.exit_code == 0 and shown.stdout == _explained("1002", "--full")


@pytest.mark.parametrize("by_columns", [True, False], ids=["by-columns", "by-decimal"])
def test_only_the_agents_her_result_reads_are_evaluated_again_and_only_she_is_traced(recorded, monkeypatch,
                                                                                      by_columns):
    """S0 takes team values (`aggregates:`): her team is evaluated again, no one else, and only she is traced;
    by columns where that path covers the month, else by the Decimal path from the kept files."""
    expected = _explained("1001", "--full")
    seen: list[tuple[frozenset[str], object]] = []
    evaluate_agents = engine.month.evaluate_agents

    def spy(plan, agents, adjustments, period, prior, *, trace):
        seen.append((frozenset(a.agent for a in agents), trace))
        return evaluate_agents(plan, agents, adjustments, period, prior, trace=trace)

    monkeypatch.setattr(engine.month, "evaluate_agents", spy)  # explain by columns imports it when it runs
    monkeypatch.setattr(engine.retrace, "evaluate_agents", spy)
    if not by_columns:
        def uncovered(*args, **kwargs):
            raise NotCovered("for the test", "测试")
        monkeypatch.setattr("engine.columnar_explain.explain_by_columns", uncovered)
    shown = run("show", "--period", "2026-10", "--agent", "1001", "--full", "--db", recorded)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout == expected
    team = {row[0] for row in raw(recorded, "SELECT agent FROM outcomes WHERE team = "
                                            "(SELECT team FROM outcomes WHERE agent = '1001')")}
    assert 1 < len(team) < 12
    assert seen == [(frozenset(team), frozenset({"1001"}))]


def test_a_result_that_evaluates_otherwise_is_refused_not_shown_beside_a_trace(recorded):
    db = recorded
    raw(db, "UPDATE outcomes SET name = 'someone else' WHERE agent = '1001'")
    refused = run("show", "--period", "2026-10", "--agent", "1001", "--db", db, "--lang", "en")
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert "2026-10 (run 1, recorded by jixiao " in refused.stderr
    assert "agent 1001 evaluates again to another name than recorded" in refused.stderr
    zh = run("show", "--period", "2026-10", "--agent", "1001", "--db", db)
    assert "客服 1001 重新计算的姓名与记录不一致" in zh.stderr
    assert run("show", "--period", "2026-10", "--agent", "1002", "--db", db).exit_code == 0  # hers only


def test_a_run_that_read_the_ledger_yet_keeps_no_state_is_refused_as_damaged(recorded):
    db = recorded
    assert run("decide", "1002", "--from", "2026-10", "--grade", "A3", "--reason", "r", "--db", db).exit_code == 0
    raw(db, "UPDATE run_inputs SET kind = 'metrics9' WHERE kind = 'ledger_state'")
    for more in (("--agent", "1001"), ("--format", "xlsx", "--out", "month.xlsx")):
        refused = run("show", "--period", "2026-10", *more, "--db", db, "--lang", "en")
        assert refused.exit_code == 1, more
        assert refused.stderr.endswith("2026-10 (run 2) keeps no trace, yet the month read earlier months' state "
                                       "from the ledger, so its steps cannot be evaluated again; the ledger may be "
                                       "damaged\n"), refused.stderr


def test_her_team_as_evaluated_is_the_one_a_decision_in_force_gave_her(recorded):
    """1001 (一组 in the roster) moved to 二组 by a decision before October: her team values, and so the agents
    evaluated again with her, are 二组's; evaluated with 一组 her results would differ and be refused."""
    db = recorded
    decided = run("decide", "1001", "--from", "2026-10", "--team", "二组", "--reason", "moved", "--db", db)
    assert decided.exit_code == 0, decided.output
    [(team, total)] = raw(db, "SELECT team, total FROM outcomes WHERE run_id = 2 AND agent = '1001'")
    assert team == "二组"
    shown = run("show", "--period", "2026-10", "--agent", "1001", "--format", "json", "--full", "--db", db)
    assert shown.exit_code == 0, shown.output
    assert f"应发 {total} 元" in json.loads(shown.stdout)["summary"]


def test_a_kept_state_that_is_not_one_jixiao_writes_is_damage_located_never_a_crash(recorded):
    db = recorded
    assert run("decide", "1002", "--from", "2026-10", "--grade", "A3", "--reason", "r", "--db", db).exit_code == 0
    for text in ("(1, 2)", "((('1002', '2026-09', 'no such kind'),), (), (), ())", "((), ((1,),), (), ())"):
        data = text.encode()
        sha = hashlib.sha256(data).hexdigest()
        raw(db, "INSERT INTO blobs VALUES (?, ?, ?)", sha, len(data), zlib.compress(data))
        raw(db, "UPDATE run_inputs SET sha256 = ? WHERE kind = 'ledger_state'", sha)
        refused = run("show", "--period", "2026-10", "--agent", "1002", "--db", db, "--lang", "en")
        assert (refused.exit_code, refused.stdout) == (1, ""), text
        assert "the ledger is damaged (2026-10, run 2, ledger state): the ledger state the run kept is not one " \
               "jixiao writes; restore it from a backup" in refused.stderr, refused.stderr
