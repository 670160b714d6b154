"""policies/s3_points.yaml on examples/s3/ (docs/rules.md S3.1): work points per task, the score as the
month's points, accumulated over the quarter from the ledger (`windows:` stat sum of `score`).

Points: 1 per 10 buyers served (cap 400), 2 per after-sales case (cap 300), 1 per good review (cap 300);
pay 3000 + 2 元 per point + 500 in the month the quarter's points first reach 1500.
"""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

from cli import main
from engine.ledger.access import open_ledger

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))
import make_points  # noqa: E402

FOLDER = ROOT / "examples" / "s3"
POLICY = ROOT / "policies" / "s3_points.yaml"


def test_the_shipped_files_are_what_make_points_writes():
    assert sorted(p.name for p in FOLDER.iterdir()) == sorted(make_points.files())
    for name, data in make_points.files().items():
        assert (FOLDER / name).read_bytes() == data, name


def test_the_s3_policy_validates_clean():
    result = CliRunner().invoke(main, ["validate", str(POLICY), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "1 file(s) checked: 0 error(s), 0 warning(s)" in result.output


def test_points_accumulate_over_the_quarter_S3_1(tmp_path):
    db = tmp_path / "points.db"
    for month in make_points.MONTHS:
        result = CliRunner().invoke(main, ["run", "--period", month, "--policy", str(POLICY), "--metrics",
                                           str(FOLDER / f"metrics-{month}.csv"), "--db", str(db)])
        assert result.exit_code == 0, result.output
    with open_ledger(db) as ledger:
        runs = [(r.period, r.agents, r.total) for r in ledger.runs()]
        found = {(r.period, o.result.agent): (str(o.result.score), str(dict(o.result.pay)["points_pay"]),
                                              str(dict(o.result.pay)["quarter_bonus"]), str(o.result.total))
                 for r in ledger.runs() for o in ledger.outcomes(r.id, trace=False)}
    assert runs == [("2026-10", 3, "12739.80"), ("2026-11", 4, "16915.20"), ("2026-12", 4, "16989.60")]
    december = {agent: value for (period, agent), value in found.items() if period == "2026-12"}
    assert december == {
        "5001": ("455.00", "910.00", "0.00", "3910.00"),      # 454.50 + 460.00 + 455.00 = 1369.50: no bonus
        "5002": ("612.50", "1225.00", "500.00", "4725.00"),   # 642.00 + 622.00 = 1264.00 → 1876.50: crosses now
        "5003": ("717.30", "1434.60", "0.00", "4434.60"),     # 1519.00 before: crossed (and paid) in November
        "5004": ("460.00", "920.00", "0.00", "3920.00"),      # joined in November: 380.00 + 460.00 = 840.00
    }
    # 5002's served points are capped at 400 in October (456.7); 5003's after-sales and reviews at 300.
    assert found[("2026-10", "5002")][0] == "642.00" and found[("2026-10", "5003")][0] == "773.40"
    assert found[("2026-11", "5003")] == ("745.60", "1491.20", "500.00", "4991.20")   # 773.40 + 745.60 = 1519.00


def test_explain_shows_the_accumulated_points(tmp_path):
    db = tmp_path / "points.db"
    for month in make_points.MONTHS[:2]:
        assert CliRunner().invoke(main, ["run", "--period", month, "--policy", str(POLICY), "--metrics",
                                         str(FOLDER / f"metrics-{month}.csv"), "--db", str(db)]).exit_code == 0
    assert CliRunner().invoke(main, ["run", "--period", "2026-12", "--policy", str(POLICY), "--metrics",
                                     str(FOLDER / "metrics-2026-12.csv"), "--db", str(db)]).exit_code == 0
    result = CliRunner().invoke(main, ["show", "--period", "2026-12", "--agent", "5002", "--db", str(db),
                                       "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert ("      Points of the quarter's earlier months (earlier_points) = 1264.00   [S3.1 · line 66]\n"
            "          = sum of score over the months of the quarter to date before this one\n") in result.stdout
    assert "Quarterly points bonus (quarter_bonus) = 500.00 CNY" in result.stdout
