"""policies/s3_points.yaml on examples/s3/ (docs/rules.md S3.1): work points per task, the score as the
month's points, accumulated over the quarter from the ledger (`windows:` stat sum of `score`).

Points: 1 per 10 buyers served (cap 400), 2 per after-sales case (cap 300), 1 per good review (cap 300);
pay 3000 + 2 元 per point + 500 in the month the quarter's points first reach 1500. The quarter's
pay to the fen, month by month, is tests/scenarios/s3/quarter.yaml.
"""

from __future__ import annotations

import sys
from pathlib import Path

from harness.cli import run

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples"))
import make_points  # noqa: E402

FOLDER = ROOT / "examples" / "s3"
POLICY = ROOT / "policies" / "s3_points.yaml"


def test_the_shipped_files_are_what_make_points_writes():
    assert sorted(p.name for p in FOLDER.iterdir()) == sorted(make_points.files())
    for name, data in make_points.files().items():
        assert (FOLDER / name).read_bytes() == data, name


def test_the_s3_policy_validates_clean():
    result = run("validate", POLICY, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "1 file(s) checked: 0 error(s), 0 warning(s)" in result.output


def test_explain_shows_the_accumulated_points(tmp_path):
    db = tmp_path / "points.db"
    for month in make_points.MONTHS[:2]:
        assert run("run", "--period", month, "--policy", POLICY, "--metrics", FOLDER / f"metrics-{month}.csv", "--db",
                   db).exit_code == 0
    assert run("run", "--period", "2026-12", "--policy", POLICY, "--metrics", FOLDER / "metrics-2026-12.csv", "--db",
               db).exit_code == 0
    result = run("show", "--full", "--period", "2026-12", "--agent", "5002", "--db", db, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert ("      Points of the quarter's earlier months (earlier_points) = 1264.00   [S3.1 · line 66]\n"
            "          = sum of score over the months of the quarter to date before this one\n") in result.stdout
    assert "Quarterly points bonus (quarter_bonus) = 500.00 CNY" in result.stdout
