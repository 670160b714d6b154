"""A `jixiao run` killed by SIGKILL in the middle of its write leaves the ledger as it was, on each back-end.

A real subprocess records a large generated month (the synthetic firm of benchmarks/bench_year.py)
and is killed once its transaction has begun to write: for SQLite when the rollback journal
(`jixiao.db-journal`) appears, which SQLite creates at the transaction's first write; for
PostgreSQL when the server says the process's open transaction holds a lock for writing into
`outcomes` (it is inserting the month's rows). Then the ledger holds exactly what it held before
(SQLite rolls the hot journal back when the file is next opened; the server rolls back the
transaction of a connection that is gone) and records the next run. No hook in the program is
involved: what is killed is the command a shop runs.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from harness.cli import run
from ledger_backends import contents, is_server, raw

from engine.ledger.access import open_ledger

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_year import write_data  # noqa: E402

POLICY = ROOT / "policies" / "s0_shop.yaml"
AGENTS = 8000


def _writing(db: str, tmp_path: Path) -> bool:
    """Whether the run's transaction has begun to write its month."""
    if not is_server(db):
        return (tmp_path / "jixiao.db-journal").exists()
    return bool(raw(db, "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                        "WHERE c.relname = 'outcomes' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()"))


def test_a_run_killed_mid_transaction_leaves_the_ledger_unchanged_and_usable(db, tmp_path):
    metrics, roster = write_data(tmp_path, AGENTS, ["2026-11"], False)
    args = ["run", "--period", "2026-11", "--policy", str(POLICY), "--metrics", str(metrics), "--roster", str(roster),
            "--db", db, "--lang", "en"]
    example = ROOT / "examples" / "s0"
    first = run("run", "--period", "2026-10", "--policy", POLICY, "--metrics", example / "metrics.csv", "--roster",
                example / "roster.csv", "--db", db)
    assert first.exit_code == 0, first.output
    before = contents(db)

    process = subprocess.Popen([sys.executable, "-m", "cli", *args], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        while not _writing(db, tmp_path):
            assert process.poll() is None, f"the run ended before its transaction was seen: {process.communicate()}"
            time.sleep(0.0005)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL
    if not is_server(db):
        assert (tmp_path / "jixiao.db-journal").exists()  # a hot journal: the transaction was cut off
    else:  # the server notices the connection is gone and rolls its transaction back
        while raw(db, "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                      "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"):
            time.sleep(0.01)

    with open_ledger(db) as ledger:  # opening a SQLite file rolls the hot journal back
        assert [(r.id, r.period, r.status) for r in ledger.runs()] == [(1, "2026-10", "current")]
        if not is_server(db):
            assert ledger.connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert contents(db) == before

    again = subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    # PostgreSQL never hands out an id twice, even one a rolled-back transaction took: the run number may skip.
    with open_ledger(db) as ledger:
        recorded = ledger.current_run("2026-11")
    assert recorded is not None and (recorded.id == 2 or is_server(db))
    assert again.stdout.startswith(f"recorded 2026-11 as run {recorded.id}: {AGENTS} agents")
