"""examples/careers/: six months of the S0 shop replayed with the documented loop of `jixiao run`;
two S0.7 quarterly reviews (docs/rules.md S0.6, S0.7) with every outcome and mid-quarter joiners.
Every decision and every month's total is tests/scenarios/s0/careers.yaml; here, what `history` shows."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from harness.cli import run
from harness.ledger import record
from harness.paths import EXAMPLES, S0_POLICY

sys.path.insert(0, str(EXAMPLES))
import make_careers

FOLDER = EXAMPLES / "careers"
POLICY = S0_POLICY


def replay(db: Path) -> None:
    """The loop of examples/README.md."""
    for month in make_careers.MONTHS:
        result = record(db, month, POLICY, FOLDER / f"metrics-{month}.csv", roster=FOLDER / "roster.csv", lang="zh")
        assert result.exit_code == 0, result.output


def test_the_shipped_files_are_what_make_careers_writes():
    for name, data in make_careers.files().items():
        assert (FOLDER / name).read_bytes() == data, name


def test_history_across_two_quarters(db, tmp_path):
    replay(db)
    result = run("history", "1003", "--db", db, "--format", "json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert [d["reason"] for d in shown["decisions"]] == [
        "1/3 个月达标 → 降为 A0（S0.7）", "3/3 个月达标 → 升一级为 A1（S0.7）"]
    text = run("history", "1003", "--db", db, "--lang", "zh").stdout
    assert "2027-01     4  一组  客服  A0（观察期）  62.67  达标               1905.29" in text
