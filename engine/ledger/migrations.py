"""Versioned schema migrations: `schema_version` says which of MIGRATIONS a ledger has had.

Each migration is a list of statements; migrating runs every step a ledger lacks, with their
version bumps, in one transaction, so a ledger is always at exactly one version. Opening a ledger
written by a newer jixiao is refused rather than guessed at: an older program would not know what
the newer tables mean. A ledger is told
from another program's SQLite file, and from a damaged one, by its `schema_version` (whole
numbers 1..N, each once) and by the tables and columns the first N migrations create.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import cache

# Money, scores and every value of a trace are decimal TEXT (never REAL): what was paid is kept
# digit for digit. `runs.status` is 'current' or 'superseded'; at most one current run a period.
MIGRATIONS: tuple[Sequence[str], ...] = (
    (
        """CREATE TABLE policies (
            sha256 TEXT PRIMARY KEY, id TEXT NOT NULL, version TEXT NOT NULL, source BLOB NOT NULL)""",
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY, period TEXT NOT NULL,
            policy_sha256 TEXT NOT NULL REFERENCES policies(sha256), policy_path TEXT NOT NULL,
            fingerprint TEXT NOT NULL, report_sha256 TEXT NOT NULL, agents INTEGER NOT NULL, total TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('current', 'superseded')),
            superseded_by INTEGER REFERENCES runs(id), jixiao_version TEXT NOT NULL, recorded_at TEXT NOT NULL)""",
        "CREATE UNIQUE INDEX runs_one_current ON runs(period) WHERE status = 'current'",
        """CREATE TABLE run_inputs (
            run_id INTEGER NOT NULL REFERENCES runs(id), kind TEXT NOT NULL, path TEXT NOT NULL,
            sha256 TEXT NOT NULL, PRIMARY KEY (run_id, kind))""",
        """CREATE TABLE outcomes (
            run_id INTEGER NOT NULL REFERENCES runs(id), agent TEXT NOT NULL, name TEXT NOT NULL,
            team TEXT NOT NULL, role TEXT, grade TEXT, score TEXT NOT NULL, rating TEXT,
            evaluated_total TEXT NOT NULL, total TEXT NOT NULL, kpis TEXT NOT NULL, pay TEXT NOT NULL,
            choices TEXT NOT NULL, trace TEXT NOT NULL, PRIMARY KEY (run_id, agent))""",
        "CREATE INDEX outcomes_agent ON outcomes(agent)",
        """CREATE TABLE adjustments (
            run_id INTEGER NOT NULL REFERENCES runs(id), line INTEGER NOT NULL, agent TEXT NOT NULL,
            amount TEXT NOT NULL, reason TEXT NOT NULL, approved_by TEXT NOT NULL, source TEXT NOT NULL,
            PRIMARY KEY (run_id, line))""",
        """CREATE TABLE decisions (
            id INTEGER PRIMARY KEY, run_id INTEGER REFERENCES runs(id), agent TEXT NOT NULL,
            period TEXT NOT NULL, kind TEXT NOT NULL, from_value TEXT, to_value TEXT,
            reason TEXT NOT NULL, rule TEXT NOT NULL, recorded_at TEXT NOT NULL)""",
        "CREATE INDEX decisions_agent ON decisions(agent)",
        """CREATE TABLE period_events (
            id INTEGER PRIMARY KEY, period TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('approve', 'reopen')),
            by TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL)""",
    ),
    # 2: career decisions keep an English reason beside the Chinese one; older rows have '' (shown: Chinese).
    ("ALTER TABLE decisions ADD COLUMN reason_en TEXT NOT NULL DEFAULT ''",),
    # 3: what penalty clauses left (counts, warnings, amounts charged to others, loss carried forward).
    ("ALTER TABLE outcomes ADD COLUMN penalties TEXT NOT NULL DEFAULT '()'",),
    # 4: corrections carried through later months. Each run keeps the bytes of its input files
    # (zlib, by sha256) so a later month can be recomputed without its files at hand; the digest of
    # the ledger state it read and of its results; why it was recorded (and whose change it carries);
    # the state digests under which an unchanged run was confirmed; the run an approval approved;
    # and retroactive lines (追溯调整) settling a corrected approved month in an open one.
    (
        "CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, data BLOB NOT NULL)",
        "ALTER TABLE runs ADD COLUMN state_sha256 TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE runs ADD COLUMN outcomes_sha256 TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE runs ADD COLUMN cause TEXT NOT NULL DEFAULT 'run'",
        "ALTER TABLE runs ADD COLUMN caused_by INTEGER REFERENCES runs(id)",
        # Of the plan's steps (names and kinds, in slot order): the layout its traces are written in.
        "ALTER TABLE runs ADD COLUMN layout_sha256 TEXT NOT NULL DEFAULT ''",
        """CREATE TABLE run_states (
            run_id INTEGER NOT NULL REFERENCES runs(id), state_sha256 TEXT NOT NULL,
            caused_by INTEGER REFERENCES runs(id), at TEXT NOT NULL, PRIMARY KEY (run_id, state_sha256))""",
        "ALTER TABLE period_events ADD COLUMN run_id INTEGER REFERENCES runs(id)",
        """UPDATE period_events SET run_id = (SELECT id FROM runs WHERE runs.period = period_events.period
            AND runs.status = 'current') WHERE action = 'approve'""",
        """CREATE TABLE retro_lines (
            run_id INTEGER NOT NULL REFERENCES runs(id), agent TEXT NOT NULL, line INTEGER NOT NULL,
            for_period TEXT NOT NULL, approved_run INTEGER NOT NULL REFERENCES runs(id),
            correction_run INTEGER NOT NULL REFERENCES runs(id), owed TEXT NOT NULL, amount TEXT NOT NULL,
            waived TEXT NOT NULL, bound TEXT NOT NULL, PRIMARY KEY (run_id, agent, line))""",
        "CREATE INDEX retro_lines_for ON retro_lines(for_period, agent)",
        # Who recorded a decision by hand (`jixiao decide`), and a review's months met, as data.
        "ALTER TABLE decisions ADD COLUMN decided_by TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE decisions ADD COLUMN months_met INTEGER",
        "ALTER TABLE decisions ADD COLUMN months_of INTEGER",
    ),
)

LATEST = len(MIGRATIONS)


class SchemaTooNew(Exception):
    """The ledger was written by a newer jixiao (its schema version is above LATEST)."""

    def __init__(self, found: int):
        super().__init__(found)
        self.found = found


class NotALedger(Exception):
    """The database holds tables but no `schema_version` jixiao wrote: some other program's file."""


class BadVersion(Exception):
    """`schema_version` holds something that is not a version jixiao writes (text, 0, a gap): damaged."""

    def __init__(self, found: object):
        super().__init__(found)
        self.found = found


class MissingStructure(Exception):
    """A table or column the ledger's schema version has is not there: damaged, or not jixiao's."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


def current_version(connection) -> int | None:
    """The ledger's schema version; 0 for an empty database; None when it is not a jixiao ledger.

    Raises BadVersion when `schema_version` is jixiao's table but holds what jixiao never writes:
    a version that is not a whole number from 1 up, each once."""
    names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "schema_version" not in names:
        return 0 if not names else None
    columns = [row[1] for row in connection.execute("PRAGMA table_info(schema_version)")]
    if columns != ["version", "applied_at"]:
        return None
    versions = [row[0] for row in connection.execute("SELECT version FROM schema_version ORDER BY rowid")]
    if not versions:  # the table is created with version 1, in one transaction: never empty
        raise BadVersion("nothing")
    for version in versions:
        if type(version) is not int or version < 1:
            raise BadVersion(version)
    if sorted(versions) != list(range(1, len(versions) + 1)):
        raise BadVersion(", ".join(map(str, versions)))
    return len(versions)


def check_structure(connection, version: int) -> None:
    """Every table and column the migrations up to `version` create is there, or MissingStructure.

    What is expected is what the migrations themselves build in an empty database, so it holds
    for any LATEST without a second description of the schema."""
    found = _structure(connection)
    for table, columns in _expected(version).items():
        if table not in found:
            raise MissingStructure(table)
        missing = [c for c in columns if c not in found[table]]
        if missing:
            raise MissingStructure(f"{table}.{missing[0]}")


def _structure(connection) -> dict[str, set[str]]:
    tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: {row[1] for row in connection.execute(f"PRAGMA table_info({_quoted(t)})")} for t in tables}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@cache
def _expected(version: int) -> dict[str, tuple[str, ...]]:
    scratch = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for statements in MIGRATIONS[:version]:
            for statement in statements:
                scratch.execute(statement)
        return {t: tuple(sorted(c)) for t, c in _structure(scratch).items()}
    finally:
        scratch.close()


def migrate(connection) -> int:
    """Bring the ledger to LATEST in one transaction; the version reached.

    One transaction for every step: another jixiao opening the file meanwhile sees the ledger at
    the version it had or at LATEST, never half-way (two clerks creating one ledger at once both
    succeed). `connection` is a sqlite3 connection in autocommit mode (isolation_level=None)."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = current_version(connection)  # read under the write lock: another process may have migrated
        if version is None:
            raise NotALedger()
        if version > LATEST:
            raise SchemaTooNew(version)
        if version:
            check_structure(connection, version)
        if version == 0:
            connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)")
        while version < LATEST:
            for statement in MIGRATIONS[version]:
                connection.execute(statement)
            connection.execute("INSERT INTO schema_version VALUES (?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                               (version + 1,))
            version += 1
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return version
