"""Who may do what on a PostgreSQL ledger, enforced by the server (docs/postgres-setup.sql).

The ledger is created by the cluster's superuser (its owner, as a firm's DBA would); the setup
script gives the clerk and approver roles their grants; then each person logs in as herself
(`jx_clerk_li`, `jx_approver_wang`, members of jixiao_clerk and jixiao_approver) with jixiao and
with plain SQL, as she could with psql, and is refused what her role may not do. Last, the ledger
is backed up and restored with pg_dump and pg_restore as docs/postgres.md says.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from harness.cli import Result, run
from harness.files import s0_month
from harness.paths import S0_METRICS, S0_POLICY, S0_ROSTER
from ledger_backends import SETUP, database_url, fresh_database

from engine.ledger.access import open_ledger

POLICY, METRICS, ROSTER = S0_POLICY, S0_METRICS, S0_ROSTER
CLERK, APPROVER = "jx_clerk_li", "jx_approver_wang"





def record(db: str, month: str = "2026-10", metrics: Path = METRICS, *more: object) -> Result:
    return run("run", "--period", month, "--policy", POLICY, "--metrics", metrics, "--roster", ROSTER, "--db", db,
               "--lang", "en", *more)


def sql_as(url: str, statement: str) -> str:
    """Run `statement` logged in as the URL's user, as psql would: '' when it succeeds, else the server's
    refusal (its first line)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        try:
            connection.execute(statement)
        except psycopg.Error as exc:
            return str(exc).splitlines()[0]
    return ""


@pytest.fixture
def ledger(server, tmp_path):
    """A ledger with October recorded by its owner, the setup script applied, and two logins."""
    import psycopg

    with psycopg.connect(server, autocommit=True) as admin:
        for login in (CLERK, APPROVER):
            admin.execute(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{login}') THEN "
                          f"CREATE ROLE {login} LOGIN; END IF; END $$")
    with fresh_database() as name:
        owner = database_url(name)
        assert record(owner).exit_code == 0
        with psycopg.connect(owner, autocommit=True) as admin:
            admin.execute(SETUP.read_text())  # several statements: sent as one simple query, as psql -f does
            admin.execute(f"GRANT jixiao_clerk TO {CLERK}; GRANT jixiao_approver TO {APPROVER}")
        yield owner, database_url(name, CLERK), database_url(name, APPROVER)


def test_a_clerk_records_months_but_cannot_approve_reopen_or_alter(ledger, tmp_path):
    owner, clerk, approver = ledger
    november = s0_month(tmp_path, "2026-11")
    done = record(clerk, "2026-11", november)
    assert done.exit_code == 0, done.output
    with open_ledger(owner, read_only=True) as read:
        assert read.current_run("2026-11").run_by == CLERK  # the login, recorded by the server

    refused = run("approve", "--period", "2026-11", "--db", clerk, "--by", "王会计", "--lang", "en")
    assert refused.exit_code == 1
    assert refused.stderr == (f"{clerk}: your database login may not do this: "
                              "permission denied for table period_events\n")
    zh = run("approve", "--period", "2026-11", "--db", clerk)
    assert zh.stderr == f"{clerk}：您的数据库登录账号无权执行此操作：permission denied for table period_events\n"
    assert run("approve", "--period", "2026-10", "--db", approver).exit_code == 0
    reopen = run("reopen", "--period", "2026-10", "--reason", "x", "--db", clerk, "--lang", "en")
    assert reopen.exit_code == 1 and "permission denied for table period_events" in reopen.stderr
    four_eyes = run("ledger", "four-eyes", "on", "--db", clerk, "--lang", "en")
    assert four_eyes.exit_code == 1 and "permission denied for table settings" in four_eyes.stderr

    # With plain SQL, as with psql: no approving, no changing or removing what is recorded.
    for statement, refusal in (
            ("INSERT INTO period_events (period, action, by, reason, at, shop) "
             "VALUES ('2026-11', 'approve', 'me', '', 'now', 's0-eight-kpi')",
             "permission denied for table period_events"),
            ("UPDATE outcomes SET total = '99999.00'", "permission denied for table outcomes"),
            ("UPDATE runs SET total = '0'", "permission denied for table runs"),
            ("DELETE FROM runs", "permission denied for table runs"),
            ("DELETE FROM period_events", "permission denied for table period_events"),
            ("TRUNCATE outcomes", "permission denied for table outcomes"),
            ("INSERT INTO settings (shop, name, value, set_by, at) VALUES ('s0-eight-kpi', 'four_eyes', 'off', "
             "'me', 'now')", "permission denied for table settings"),
            ("UPDATE runs SET status = 'superseded' WHERE period = '2026-11'",
             "run 2 marked superseded without a later run of its month replacing it"),
            ("UPDATE runs SET status = 'current', superseded_by = NULL", "UPDATE on runs refused")):
        said = sql_as(clerk, statement)
        assert refusal in said, (statement, said)
    assert sql_as(clerk, "SELECT count(*) FROM outcomes") == ""  # reading is allowed
    # Nothing changed: both months as recorded.
    runs = json.loads(run("runs", "--db", owner, "--format", "json").stdout)["runs"]
    assert [(r["run"], r["period"], r["status"]) for r in runs] == [(1, "2026-10", "approved"),
                                                                     (2, "2026-11", "current")]


def test_the_owner_cannot_alter_recorded_rows_either(ledger):
    owner, _, _ = ledger
    said = sql_as(owner, "UPDATE outcomes SET total = '1.00'")
    assert said == "jixiao: UPDATE on outcomes refused: a ledger's recorded rows are never changed or removed"
    assert "DELETE on runs refused" in sql_as(owner, "DELETE FROM runs")
    assert "TRUNCATE on blobs refused" in sql_as(owner, "TRUNCATE blobs")


def test_four_eyes_an_approver_cannot_approve_what_she_ran(ledger, tmp_path):
    owner, clerk, approver = ledger
    assert run("ledger", "four-eyes", "on", "--db", owner).exit_code == 0  # the owner's setting
    assert record(approver, "2026-11", s0_month(tmp_path, "2026-11")).exit_code == 0
    own = run("approve", "--period", "2026-11", "--db", approver, "--by", "someone else", "--lang", "en")
    assert own.exit_code == 1
    assert own.stderr == (f"{approver}: {APPROVER} ran 2026-11 (run 2) and may not approve it: this shop's approvals "
                          "need someone else (four-eyes); nothing was recorded\n")
    # Past jixiao, with SQL: the server refuses it too.
    said = sql_as(approver, "INSERT INTO period_events (period, action, by, reason, at, run_id, shop) "
                            "VALUES ('2026-11', 'approve', 'x', '', 'now', 2, 's0-eight-kpi')")
    assert said == f"jixiao: {APPROVER} ran run 2 and may not approve it (four-eyes approval is on)"
    # October was run by the owner: the approver approves it, recorded as her login, whatever --by says.
    done = run("approve", "--period", "2026-10", "--db", approver, "--by", "王总")
    assert done.exit_code == 0, done.output
    with open_ledger(owner, read_only=True) as read:
        assert [(e.action, e.by, e.login) for e in read.events("2026-10")] == [("approve", "王总", APPROVER)]
    # A clerk's month is approved by the approver; the clerk still cannot reopen it.
    assert record(clerk, "2026-12", s0_month(tmp_path, "2026-12")).exit_code == 0
    assert run("approve", "--period", "2026-12", "--db", approver).exit_code == 0
    assert run("reopen", "--period", "2026-12", "--reason", "x", "--db", clerk).exit_code == 1
    assert run("reopen", "--period", "2026-12", "--reason", "补录", "--db", approver).exit_code == 0


def _server_program(name: str) -> str:
    """A PostgreSQL client program of the test server's version (Debian keeps them per version)."""
    import shutil
    from glob import glob

    found = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        pytest.fail(f"{name} is not installed (Debian's postgresql-client)")
    return found[-1]


def test_a_backup_restored_with_pg_dump_and_pg_restore_shows_the_same_bytes_and_keeps_its_rules(ledger, tmp_path):
    """docs/postgres.md's backup and restore, as written: pg_dump --format=custom, pg_restore into a new
    database; the restored ledger shows every month byte for byte and still refuses to alter a row."""
    import subprocess

    owner, _, _ = ledger
    assert run("approve", "--period", "2026-10", "--db", owner, "--by", "王总").exit_code == 0
    dump = tmp_path / "payroll.dump"
    subprocess.run([_server_program("pg_dump"), "--format=custom", f"--file={dump}", owner], check=True)
    with fresh_database() as name:
        restored = database_url(name)
        subprocess.run([_server_program("pg_restore"), f"--dbname={restored}", "--exit-on-error", str(dump)],
                       check=True, capture_output=True)
        for args in (("show", "--period", "2026-10"), ("show", "--period", "2026-10", "--agent", "1001"),
                     ("runs", "--format", "json"), ("history", "1001", "--format", "json")):
            here, there = run(*args, "--db", owner), run(*args, "--db", restored)
            assert here.exit_code == there.exit_code == 0 and here.stdout_bytes == there.stdout_bytes, args
        assert "UPDATE on outcomes refused" in sql_as(restored, "UPDATE outcomes SET total = '1.00'")
