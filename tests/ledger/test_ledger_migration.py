"""Schema migrations happen only when asked (`jixiao migrate`), with a copy of the file kept first.

Migration 2: career decisions gain an English reason (`reason_en`). A ledger recorded by a
version-1 jixiao is refused by every command with the command that migrates it, untouched; after
`jixiao migrate` its decisions keep their Chinese reason, shown in English too. Written for any
LATEST: the expected versions are read from MIGRATIONS, never spelled out.
"""

from __future__ import annotations

import sqlite3

import pytest
from harness.cli import run

from engine.ledger.migrations import LATEST, Dialect, SqliteSchema, current_version, statements
from engine.ledger.sqlite import open_ledger
from engine.ledger.store import LedgerError


def version_1_ledger(path) -> None:
    """A ledger as jixiao wrote it at schema 1, with one decision (S0.7) and no run."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)")
    for statement in statements(0, Dialect.SQLITE):
        connection.execute(statement)
    connection.execute("INSERT INTO schema_version VALUES (1, '2026-11-01T00:00:00Z')")
    connection.execute("INSERT INTO decisions (run_id, agent, period, kind, from_value, to_value, reason, rule, "
                       "recorded_at) VALUES (NULL, '1002', '2026-12', 'grade_change', 'A2', 'A3', "
                       "'3/3 个月达标 → 升一级 A2→A3（S0.7）', 'S0.7', '2026-12-31T00:00:00Z')")
    connection.close()


def dump(path) -> list[str]:
    with sqlite3.connect(path) as raw:
        return list(raw.iterdump())


def test_an_old_ledger_is_refused_untouched_by_every_command_until_migrated(tmp_path):
    db = tmp_path / "old.db"
    version_1_ledger(db)
    before = db.read_bytes()
    refusal = (f"{db}: the ledger has schema version 1; this jixiao uses version {LATEST}: run jixiao migrate --db "
               f"{db} first (it keeps a copy of the file as it is; nothing was changed)\n")
    for command in (["history", "1002"], ["runs"], ["show", "--period", "2026-12"], ["approve", "--period", "2026-12"],
                    ["reopen", "--period", "2026-12", "--reason", "x"]):
        refused = run(*command, "--db", db, "--lang", "en")
        assert (refused.exit_code, refused.stderr) == (1, refusal), command
    zh = run("history", "1002", "--db", db)
    assert zh.stderr == (f"{db}：账本的结构版本为 1，当前 jixiao 使用版本 {LATEST}：请先运行 jixiao migrate --db {db}"
                         "（它会保留文件当前的副本；账本未作任何改动）\n")
    with pytest.raises(LedgerError):
        open_ledger(db)
    assert db.read_bytes() == before


def test_migrate_keeps_a_copy_then_brings_the_ledger_to_the_latest_schema(tmp_path):
    db = tmp_path / "old.db"
    version_1_ledger(db)
    before = dump(db)
    done = run("migrate", "--db", db, "--lang", "en")
    assert done.exit_code == 0, done.output
    backup = tmp_path / "old.db.schema-1.bak"
    assert done.stdout == (f"migrated the ledger {db} from schema version 1 to {LATEST}; the file as it was is kept "
                           f"as {backup}\n")
    assert dump(backup) == before  # the copy is the version-1 ledger, whole
    with open_ledger(db) as ledger:
        assert current_version(SqliteSchema(ledger.connection)) == LATEST
        (decision,) = ledger.decisions()
        # migrated once: one version row each, 1 up to LATEST
        assert ledger.connection.execute("SELECT count(*), max(version) FROM schema_version").fetchone() == (
            LATEST, LATEST)
    assert decision.reason_en == "" and decision.reason_in("en") == decision.reason_in("zh") == (
        "3/3 个月达标 → 升一级 A2→A3（S0.7）")
    shown = run("history", "1002", "--db", db, "--lang", "en")
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[-1].endswith("· reason: 3/3 个月达标 → 升一级 A2→A3（S0.7） · rule S0.7")
    again = run("migrate", "--db", db)
    assert (again.exit_code, again.stdout) == (0, f"账本 {db} 的结构已是版本 {LATEST}，无需迁移；未作改动\n")


def test_migrate_never_overwrites_an_earlier_copy_and_needs_a_ledger(tmp_path):
    db = tmp_path / "old.db"
    version_1_ledger(db)
    backup = tmp_path / "old.db.schema-1.bak"
    backup.write_bytes(b"an earlier copy")
    refused = run("migrate", "--db", db, "--lang", "en")
    assert (refused.exit_code, refused.stderr) == (
        1, f"{backup}: a copy from an earlier migration is already there; move it away, then run jixiao migrate "
           "again (nothing was changed)\n")
    assert backup.read_bytes() == b"an earlier copy"
    with sqlite3.connect(db) as raw:
        assert current_version(SqliteSchema(raw)) == 1
    for nothing in (tmp_path / "missing.db", tmp_path / "empty.db"):
        if nothing.name == "empty.db":
            nothing.write_bytes(b"")
        result = run("migrate", "--db", nothing, "--lang", "en")
        assert (result.exit_code, result.stderr) == (
            1, f"{nothing}: no ledger here; record a month first: jixiao run --period YYYY-MM --db {nothing}\n")
    assert (tmp_path / "empty.db").read_bytes() == b"" and not (tmp_path / "missing.db").exists()


def test_a_version_4_ledger_of_one_shop_is_migrated_into_its_policys_shop(db):
    """Migration 5 on each back-end: a ledger written before shops existed held one shop; its runs,
    decisions and approvals belong to its latest run's policy id, and every command reads it as before."""
    from ledger_backends import is_server, raw

    dialect = Dialect.POSTGRESQL if is_server(db) else Dialect.SQLITE
    raw(db, "CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)")
    for index in range(4):
        for statement in statements(index, dialect):
            raw(db, statement)
        raw(db, "INSERT INTO schema_version VALUES (?, '2026-11-01T00:00:00Z')", index + 1)
    raw(db, "INSERT INTO policies VALUES ('abc', 'old-shop', '1', ?)", b"policy bytes")
    raw(db, "INSERT INTO runs (id, period, policy_sha256, policy_path, fingerprint, report_sha256, agents, total, "
            "status, jixiao_version, recorded_at) VALUES (1, '2026-10', 'abc', 'p.yaml', 'f', 'r', 0, '0.00', "
            "'current', '0.2.0', '2026-11-01T00:00:00Z')")
    raw(db, "INSERT INTO decisions (run_id, agent, period, kind, reason, rule, recorded_at) "
            "VALUES (NULL, '1002', '2026-10', 'dismissal', '手工', '', '2026-11-02T00:00:00Z')")
    raw(db, "INSERT INTO period_events (period, action, by, reason, at, run_id) "
            "VALUES ('2026-10', 'approve', '李总', '', '2026-11-03T00:00:00Z', 1)")
    refused = run("runs", "--db", db, "--lang", "en")
    assert refused.exit_code == 1 and "run jixiao migrate --db" in refused.stderr
    done = run("migrate", "--db", db, "--lang", "en")
    assert done.exit_code == 0, done.output
    if is_server(db):
        assert done.stdout == f"migrated the ledger {db} from schema version 4 to {LATEST} (in one transaction)\n"
    for table in ("runs", "decisions", "period_events"):
        assert raw(db, f"SELECT DISTINCT shop FROM {table}") == [("old-shop",)]
    from engine.ledger.access import open_ledger as open_any

    with open_any(db, read_only=True) as ledger:
        assert ledger.shops() == ["old-shop"] and ledger.shop == "old-shop"
        assert [e.by for e in ledger.events("2026-10")] == ["李总"]
        assert [d.agent for d in ledger.decisions()] == ["1002"]
