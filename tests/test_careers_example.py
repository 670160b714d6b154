"""examples/careers/: six months of the S0 shop replayed with the documented loop of `jixiao run`;
two S0.7 quarterly reviews (docs/rules.md S0.6, S0.7) with every outcome and mid-quarter joiners."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from click.testing import CliRunner

from cli import main
from engine.ledger.access import open_ledger
from engine.ledger.store import CHANGES, DecisionKind

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))
import make_careers  # noqa: E402

FOLDER = ROOT / "examples" / "careers"
POLICY = ROOT / "policies" / "s0_shop.yaml"


def replay(db: Path) -> None:
    """The loop of examples/README.md."""
    for month in make_careers.MONTHS:
        result = CliRunner().invoke(main, ["run", "--period", month, "--policy", str(POLICY), "--metrics",
                                           str(FOLDER / f"metrics-{month}.csv"), "--roster",
                                           str(FOLDER / "roster.csv"), "--db", str(db)])
        assert result.exit_code == 0, result.output


def test_the_shipped_files_are_what_make_careers_writes():
    for name, data in make_careers.files().items():
        assert (FOLDER / name).read_bytes() == data, name


def test_two_quarterly_reviews_replayed_S0_7(tmp_path):
    db = tmp_path / "careers.db"
    replay(db)
    with open_ledger(db) as ledger:
        found = [(d.period, d.agent, d.kind, d.from_value, d.to_value) for d in ledger.decisions()
                 if d.kind in CHANGES]
        stays = {(d.period, d.agent): (d.months_met, d.months_of) for d in ledger.decisions()
                 if d.kind == DecisionKind.REVIEWED}
        runs = [(r.period, r.agents, r.total) for r in ledger.runs()]
    assert found == [
        ("2026-12", "1001", "grade_change", "A1", "A2"),   # 3/3 met: up one
        ("2026-12", "1003", "grade_change", "A3", "A0"),   # 1/3: down to A0
        ("2026-12", "1005", "dismissal", "A1", None),      # 0/3: dismissed, absent from January
        ("2026-12", "1101", "grade_change", "A1", "A2"),   # joined 2026-11-10, met both months worked
        ("2026-12", "2001", "grade_change", "A2", "A3"),
        ("2027-03", "1001", "grade_change", "A2", "A3"),
        ("2027-03", "1002", "grade_change", "A2", "A3"),   # stayed at 2/3 in December
        ("2027-03", "1003", "grade_change", "A0", "A1"),   # at A0, 3/3: back up
        ("2027-03", "1004", "grade_change", "A4", "A0"),   # capped at A4 in December; 1/3 now
        ("2027-03", "2001", "grade_change", "A3", "A4"),
        ("2027-03", "2002", "dismissal", "A0", None),      # at A0 (stayed at 2/3 in December), 1/3 now
        ("2027-03", "2003", "grade_change", "A1", "A2"),
        ("2027-03", "2101", "grade_change", "A1", "A2"),   # joined 2026-12-01: 1 month missed → stayed
        ("2027-03", "2102", "grade_change", "A1", "A2"),   # joined 2027-02-15
    ]
    # Every agent reviewed and kept where she was is recorded too, with her months met as data.
    assert stays[("2026-12", "1002")] == (2, 3) and stays[("2026-12", "1004")] == (3, 3)  # 1004: capped at A4
    assert runs == [("2026-10", 8, "21619.48"), ("2026-11", 9, "22965.60"), ("2026-12", 10, "25605.80"),
                    ("2027-01", 9, "24648.89"), ("2027-02", 10, "25775.68"), ("2027-03", 10, "25766.74")]


def test_history_across_two_quarters(tmp_path):
    db = tmp_path / "careers.db"
    replay(db)
    result = CliRunner().invoke(main, ["history", "1003", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert [d["reason"] for d in shown["decisions"]] == [
        "1/3 个月达标 → 降为 A0 A3→A0（S0.7）", "3/3 个月达标；已是最低等级 → 升一级 A0→A1（S0.7）"]
    text = CliRunner().invoke(main, ["history", "1003", "--db", str(db), "--lang", "zh"]).stdout
    assert "2027-01     4  一组  客服  A0（观察期）  62.67  达标               1905.29" in text
