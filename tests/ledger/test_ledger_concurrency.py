"""Several clerks at once, as real `jixiao` processes, on each back-end (the database's own locks).

Two clerks recording different shops, or different months of one shop, both succeed; two recording
the same month of one shop leave one recorded run and one clear message; a reader during a month's
write sees the ledger as it was before it (never a half-recorded month); on PostgreSQL a supersede
carried through later months waits for exactly the months it rewrites, while another shop is
recorded meanwhile. Waiting is bounded in CPU time (tests/cpu_time.py), never by the clock.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from harness.cli import run
from harness.files import s0_month
from harness.paths import ROOT, S0_METRICS, S0_METRICS_XLSX, S0_POLICY, S0_ROSTER
from ledger_backends import database_url, fresh_database, is_server, raw

from engine.ledger.access import open_ledger
from tests.cpu_time import child_cpu_limit

sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_year import write_data

POLICY, METRICS, METRICS_XLSX, ROSTER = S0_POLICY, S0_METRICS, S0_METRICS_XLSX, S0_ROSTER




def jixiao(*args: object) -> subprocess.Popen:
    """A `jixiao` command as its own process (a clerk at her own desk)."""
    return subprocess.Popen([sys.executable, "-m", "cli", *map(str, args), "--lang", "en"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=child_cpu_limit(120))


def run_args(db: str, shop: str, month: str = "2026-10", metrics: Path = METRICS) -> list[object]:
    return ["run", "--period", month, "--policy", POLICY, "--metrics", metrics, "--roster", ROSTER, "--db", db,
            "--shop", shop]


def finished(*processes: subprocess.Popen) -> list[tuple[int, str, str]]:
    said = [p.communicate() for p in processes]
    return [(p.returncode, out, err) for p, (out, err) in zip(processes, said, strict=True)]


def test_two_clerks_recording_different_shops_both_succeed(db, tmp_path):
    assert run(*run_args(db, "north")).exit_code == 0  # the ledger exists
    november = s0_month(tmp_path, "2026-11")
    done = finished(jixiao(*run_args(db, "north", "2026-11", november)), jixiao(*run_args(db, "south")),
                    jixiao(*run_args(db, "east", "2026-11", november)))
    assert [code for code, _, _ in done] == [0, 0, 0], done
    with open_ledger(db, read_only=True) as ledger:
        assert ledger.shops() == ["east", "north", "south"]
        for shop, months in (("north", ["2026-10", "2026-11"]), ("south", ["2026-10"]), ("east", ["2026-11"])):
            ledger.use_shop(shop)
            assert [(r.period, r.status, r.agents) for r in ledger.runs()] == [(m, "current", 12) for m in months]


def test_two_clerks_recording_different_months_of_one_shop_both_succeed(db, tmp_path):
    """October and November of one shop at once (no review closes with either): whichever is recorded
    second waits its turn; if November went first, October's recording carries into it (L.5), so each
    month ends with one current run."""
    assert run(*run_args(db, "west")).exit_code == 0  # the ledger exists
    november = s0_month(tmp_path, "2026-11")
    done = finished(jixiao(*run_args(db, "north")), jixiao(*run_args(db, "north", "2026-11", november)))
    assert [code for code, _, _ in done] == [0, 0], done
    with open_ledger(db, read_only=True) as ledger:
        ledger.use_shop("north")
        current = [(r.period, r.agents) for r in ledger.runs() if r.status == "current"]
    assert current == [("2026-10", 12), ("2026-11", 12)]


def test_two_clerks_recording_the_same_month_leave_one_run_and_one_message(db, tmp_path):
    assert run(*run_args(db, "west")).exit_code == 0  # the ledger exists
    same = finished(jixiao(*run_args(db, "north")), jixiao(*run_args(db, "north")))
    assert sorted(code for code, _, _ in same) == [0, 0], same
    said = sorted(out for _, out, _ in same)
    assert said[0].startswith("2026-10 is already recorded from the same policy and input files as run ")
    assert said[1].startswith("recorded 2026-10 as run ")
    other = finished(jixiao(*run_args(db, "south")), jixiao(*run_args(db, "south", "2026-10", METRICS_XLSX)))
    assert sorted(code for code, _, _ in other) == [0, 1], other
    refused = next(err for code, _, err in other if code == 1)
    assert ("from other inputs or another policy; to replace it and keep the old run as superseded, add --supersede"
            in refused or "was recorded by another jixiao while this one was evaluating; run it again" in refused)
    with open_ledger(db, read_only=True) as ledger:
        for shop in ("north", "south"):
            ledger.use_shop(shop)
            assert [(r.period, r.status) for r in ledger.runs()] == [("2026-10", "current")]


def _writing(db: str, tmp_path: Path) -> bool:
    """Whether another process's transaction is writing the month's outcomes."""
    if not is_server(db):
        return (tmp_path / "jixiao.db-journal").exists()
    return bool(raw(db, "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                        "WHERE c.relname = 'outcomes' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()"))


def test_a_reader_never_sees_a_half_recorded_month(db, tmp_path):
    metrics, roster = write_data(tmp_path, 3000, ["2026-11"], False)
    assert run(*run_args(db, "north")).exit_code == 0
    writer = jixiao("run", "--period", "2026-11", "--policy", POLICY, "--metrics", metrics, "--roster", roster,
                    "--db", db, "--shop", "north")
    seen_during = 0
    while writer.poll() is None:
        if not _writing(db, tmp_path):
            time.sleep(0.001)
            continue
        with open_ledger(db, read_only=True) as ledger:  # one snapshot (PostgreSQL), or the file as committed
            listed = ledger.runs(verify=True)  # every run's total and head count agree with its rows
            november = ledger.current_run("2026-11")
            rows = ledger.outcomes(november.id, trace=False) if november is not None else []
        if _writing(db, tmp_path):  # still inside the writer's transaction: nothing of it may show
            assert [r.period for r in listed] == ["2026-10"] and november is None and rows == []
            seen_during += 1
    code, _, err = finished(writer)[0]
    assert code == 0, err
    assert seen_during > 0  # the writer's transaction was observed from outside at least once
    with open_ledger(db, read_only=True) as ledger:
        assert ledger.current_run("2026-11").agents == len(ledger.outcomes(ledger.current_run("2026-11").id)) == 3000


def test_a_supersede_waits_for_exactly_the_months_it_rewrites(server, tmp_path):
    """North's October superseded carries into its November: while another session holds November
    (as an approval of it does), the supersede waits; south is recorded meanwhile; then it finishes."""
    import psycopg

    november = s0_month(tmp_path, "2026-11")
    with fresh_database() as name:
        db = database_url(name)
        for args in (run_args(db, "north"), run_args(db, "north", "2026-11", november)):
            assert run(*args).exit_code == 0
        with psycopg.connect(db) as holder:  # one open transaction holding north's November
            holder.execute("SELECT pg_advisory_xact_lock(hashtext('north'), 2026 * 12 + 10)")
            clerk = jixiao(*run_args(db, "north", "2026-10", METRICS_XLSX), "--supersede")
            while not raw(db, "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"):
                assert clerk.poll() is None, clerk.communicate()
                time.sleep(0.005)
            # waiting for November, holding October: a reader sees the ledger as it was; south records
            with open_ledger(db, read_only=True) as ledger:
                ledger.use_shop("north")
                assert [(r.id, r.status) for r in ledger.runs()] == [(1, "current"), (2, "current")]
            other = run(*run_args(db, "south", "2026-11", november))
            assert other.exit_code == 0, other.output
            assert clerk.poll() is None  # still waiting for November
            holder.rollback()  # November released
        code, out, err = finished(clerk)[0]
        assert code == 0, err
        # October was recorded (run 3) before November was claimed; south's run came while it waited (4);
        # November, evaluated again once released, has the same results: confirmed, not rewritten.
        assert out.startswith("recorded 2026-10 as run 3") and "run 1 is kept in the ledger, marked superseded" in out
        with open_ledger(db, read_only=True) as ledger:
            ledger.use_shop("north")
            assert [(r.id, r.period, r.status, r.cause) for r in ledger.runs()] == [
                (1, "2026-10", "superseded", "run"), (3, "2026-10", "current", "supersede"),
                (2, "2026-11", "current", "run")]
