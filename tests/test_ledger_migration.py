"""Schema migration 2: career decisions gain an English reason (`reason_en`). A ledger recorded by a
version-1 jixiao opens migrated; its decisions keep their Chinese reason, shown in English too."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from cli import main
from engine.ledger.migrations import MIGRATIONS, current_version
from engine.ledger.sqlite import open_ledger


def version_1_ledger(path) -> None:
    """A ledger as jixiao wrote it at schema 1, with one decision (S0.7) and no run."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)")
    for statement in MIGRATIONS[0]:
        connection.execute(statement)
    connection.execute("INSERT INTO schema_version VALUES (1, '2026-11-01T00:00:00Z')")
    connection.execute("INSERT INTO decisions (run_id, agent, period, kind, from_value, to_value, reason, rule, "
                       "recorded_at) VALUES (NULL, '1002', '2026-12', 'grade_change', 'A2', 'A3', "
                       "'3/3 个月达标 → 升一级 A2→A3（S0.7）', 'S0.7', '2026-12-31T00:00:00Z')")
    connection.close()


def test_a_version_1_ledger_is_migrated_and_its_reasons_fall_back_to_chinese(tmp_path):
    db = tmp_path / "old.db"
    version_1_ledger(db)
    with open_ledger(db) as ledger:
        assert current_version(ledger.connection) == 4
        (decision,) = ledger.decisions()
    assert decision.reason_en == "" and decision.reason_in("en") == decision.reason_in("zh") == (
        "3/3 个月达标 → 升一级 A2→A3（S0.7）")
    shown = CliRunner().invoke(main, ["history", "1002", "--db", str(db), "--lang", "en"])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[-1].endswith("· reason: 3/3 个月达标 → 升一级 A2→A3（S0.7） · rule S0.7")
    with open_ledger(db) as again:   # migrated once: versions 1 to 4 recorded
        assert again.connection.execute("SELECT count(*), max(version) FROM schema_version").fetchone() == (4, 4)
