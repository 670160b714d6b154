"""Superseding a month under a policy with no deductions says nothing about carried losses (issue 16
item 12, once JX266): since corrections carry through every later recorded month (L.5), the old
warning to re-run them is gone, and a ledger without deductions has no loss to carry (L.1)."""

from __future__ import annotations

from harness.files import s0_month, write_text
from harness.ledger import record_s0
from harness.paths import S0_METRICS


def test_superseding_an_S0_month_with_a_later_month_recorded_warns_about_nothing(tmp_path):
    db = tmp_path / "jixiao.db"
    assert record_s0(db).exit_code == 0
    assert record_s0(db, "2026-11", s0_month(tmp_path, "2026-11")).exit_code == 0
    text = S0_METRICS.read_bytes().decode("gb18030")
    corrected = write_text(tmp_path / "corrected.csv", text.replace('"180,000.00"', '"181,000.00"', 1),
                           encoding="gb18030")
    result = record_s0(db, "2026-10", corrected, "--supersede")
    assert result.exit_code == 0, result.output
    assert "JX266" not in result.output
    assert not [line for line in result.stderr.splitlines() if line.startswith(("warning", "警告"))]
    assert result.stdout.splitlines()[1] == "run 1 is kept in the ledger, marked superseded"
    assert all(line.startswith("note: ") for line in result.stderr.splitlines())  # the skipped title and 合计 rows
