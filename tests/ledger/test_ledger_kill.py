"""A `jixiao run` killed by SIGKILL in the middle of its write leaves the ledger as it was.

A real subprocess records a large generated month (the synthetic firm of benchmarks/bench_year.py);
the test watches for the rollback journal (`jixiao.db-journal`), which SQLite creates at the run
transaction's first write, kills the process there, then opens the ledger: SQLite rolls the hot
journal back, every table holds exactly what it held before, and the ledger records the next run.
No hook in the program is involved: what is killed is the command a shop runs.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from harness.cli import run

from engine.ledger.sqlite import open_ledger

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_year import write_data  # noqa: E402

POLICY = ROOT / "policies" / "s0_shop.yaml"
AGENTS = 8000


def _dump(db: Path) -> str:
    with sqlite3.connect(db) as raw:
        return "\n".join(raw.iterdump())


def test_a_run_killed_mid_transaction_leaves_the_ledger_unchanged_and_usable(tmp_path):
    metrics, roster = write_data(tmp_path, AGENTS, ["2026-11"], False)
    db = tmp_path / "jixiao.db"
    journal = tmp_path / "jixiao.db-journal"
    args = ["run", "--period", "2026-11", "--policy", str(POLICY), "--metrics", str(metrics), "--roster", str(roster),
            "--db", str(db), "--lang", "en"]
    example = ROOT / "examples" / "s0"
    first = run("run", "--period", "2026-10", "--policy", POLICY, "--metrics", example / "metrics.csv", "--roster",
                example / "roster.csv", "--db", db)
    assert first.exit_code == 0, first.output
    before = _dump(db)

    process = subprocess.Popen([sys.executable, "-m", "cli", *args], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        while not journal.exists():
            assert process.poll() is None, f"the run ended before its transaction was seen: {process.communicate()}"
            time.sleep(0.0005)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert journal.exists()  # a hot journal: the transaction was cut off

    with open_ledger(db) as ledger:  # opening rolls the hot journal back
        assert [(r.id, r.period, r.status) for r in ledger.runs()] == [(1, "2026-10", "current")]
        assert ledger.connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert _dump(db) == before

    again = subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"recorded 2026-11 as run 2: {AGENTS:,} agent(s)".replace(",", ""))
