"""Every ledger test runs on both back-ends: a SQLite file, and a fresh PostgreSQL database.

The `db` fixture (a pytest plugin, loaded by conftest.py) gives each test the name of an empty
ledger, as `--db` takes it: a path in the test's tmp_path, or the URL of a database created for
the test alone and dropped after it. The server is the one `JIXIAO_TEST_PG` names (a superuser
URL; `.ci/run` starts a cluster with `.ci/postgres start DIR` and sets it); without it, the first
test that needs one starts a throwaway cluster of its own (initdb as a non-root user, a socket in
a temporary folder, no TCP port) and the session stops it at its end. Under CI (`CI=true`) the
PostgreSQL tests never skip: a server that cannot be started or reached fails each of them.
Elsewhere (no PostgreSQL installed) they skip and say why.

`raw(db, sql, …)` changes a ledger behind jixiao's back (as a damaged or hand-edited one would be)
and `contents(db)` reads every row of it, on either back-end, so the same test says the same thing
of both.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

IN_CI = os.environ.get("CI") == "true"
BACKENDS = ("sqlite", "postgresql")
ROOT = Path(__file__).resolve().parent.parent
SETUP = ROOT / "docs" / "postgres-setup.sql"
CLUSTER = ROOT / ".ci" / "postgres"


class _Server:
    """The test server's superuser URL, found once: JIXIAO_TEST_PG's, else a throwaway cluster started
    for this session (`.ci/postgres start`, a socket in a temporary folder) and stopped at its end."""

    url = os.environ.get("JIXIAO_TEST_PG", "")
    why_not: str | None = None  # None: not looked for yet; '' when the server is there
    started: str | None = None  # the folder of the cluster this session started

    @classmethod
    def find(cls) -> str:
        """'' when the server can be used, else why not."""
        if cls.why_not is None:
            cls.why_not = cls._look()
        return cls.why_not

    @classmethod
    def _look(cls) -> str:
        if not cls.url:
            folder = tempfile.mkdtemp(prefix="jixiao-pg-")
            done = subprocess.run([str(CLUSTER), "start", folder], capture_output=True, text=True, check=False)
            if done.returncode != 0:
                subprocess.run([str(CLUSTER), "stop", folder], capture_output=True, check=False)
                return f"no JIXIAO_TEST_PG, and no cluster could be started: {done.stderr.strip()[-300:]}"
            cls.started, cls.url = folder, done.stdout.strip()
        try:
            _admin().close()
        except Exception as exc:  # any failure to connect is the reason
            return f"cannot reach {cls.url}: {exc}"
        return ""

    @classmethod
    def stop(cls) -> None:
        if cls.started is not None:
            subprocess.run([str(CLUSTER), "stop", cls.started], capture_output=True, check=False)
            cls.started = None


def pytest_sessionfinish(session: pytest.Session) -> None:
    _Server.stop()


def server_url() -> str:
    need_server()
    return _Server.url


def database_url(database: str, user: str | None = None) -> str:
    """The URL of `database` on the test server, logged in as `user` (default: the server URL's)."""
    parts = urlsplit(server_url())
    query = dict(parse_qsl(parts.query))
    if user is not None:
        query["user"] = user
    return f"{parts.scheme}://{parts.netloc}/{database}?{urlencode(query, safe='/')}"


def _admin():
    import psycopg

    return psycopg.connect(_Server.url, autocommit=True)


def need_server() -> None:
    """Skip the test when PostgreSQL cannot be used here; under CI (CI=true) fail it instead."""
    why = _Server.find()
    if why:
        if IN_CI:
            pytest.fail(f"CI=true and the PostgreSQL ledger cannot be tested: {why}", pytrace=False)
        pytest.skip(why)


@contextmanager
def fresh_database(owner: str | None = None) -> Iterator[str]:
    """A new empty UTF-8 database on the test server (owned by `owner`), dropped afterwards."""
    need_server()
    name = f"jx_{uuid.uuid4().hex[:16]}"
    with _admin() as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'"
                      + (f" OWNER {owner}" if owner else ""))
    try:
        yield name
    finally:
        with _admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def fresh_ledger(kind: str, folder: Path) -> Iterator[str]:
    """The name of an empty ledger of back-end `kind`: a file in `folder`, or a new database's URL."""
    if kind == "sqlite":
        yield str(folder / "jixiao.db")
        return
    with fresh_database() as name:
        yield database_url(name)


# The ledger each test folder's helpers record into (`ledger_in`), set by the `db` fixture.
_LEDGERS: dict[Path, str] = {}


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty ledger, on each back-end in turn; also what `ledger_in(tmp_path)` names."""
    with fresh_ledger(request.param, tmp_path) as where:
        _LEDGERS[tmp_path] = where
        try:
            yield where
        finally:
            del _LEDGERS[tmp_path]


def ledger_in(folder: Path) -> str:
    """The ledger of the test whose files are in `folder`: the `db` fixture's, else folder/jixiao.db."""
    return _LEDGERS.get(folder, str(folder / "jixiao.db"))


@pytest.fixture
def server() -> str:
    """The test server's superuser URL (PostgreSQL-only tests)."""
    return server_url()


def is_server(db: str | Path) -> bool:
    return str(db).startswith("postgresql:")


@contextmanager
def _raw(db: str | Path):
    if is_server(db):
        import psycopg

        with psycopg.connect(str(db), autocommit=True) as connection:
            # As a database administrator would, past the ledger's own triggers (append-only rows).
            connection.execute("SET session_replication_role = replica")
            yield connection
    else:
        connection = sqlite3.connect(db, isolation_level=None)
        try:
            yield connection
        finally:
            connection.close()


def raw(db: str | Path, sql: str, *args: object) -> list[tuple]:
    """Run one statement on the ledger as its owner, behind jixiao's back (`?` placeholders)."""
    with _raw(db) as connection:
        if is_server(db):
            cursor = connection.execute(sql.replace("%", "%%").replace("?", "%s"), args or None)
            return cursor.fetchall() if cursor.description else []
        return connection.execute(sql, args).fetchall()


def contents(db: str | Path) -> dict[str, list[tuple]]:
    """Every row of every table of the ledger, sorted: equal means "nothing was changed"."""
    if not is_server(db) and not os.path.exists(db):
        return {}
    with _raw(db) as connection:
        if is_server(db):
            tables = [row[0] for row in connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")]
        else:
            tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: sorted(map(repr, connection.execute(f'SELECT * FROM "{table}"').fetchall()))
                for table in sorted(tables)}


def exists(db: str | Path) -> bool:
    """Whether a ledger was created at `db` (a file; jixiao's tables in a database)."""
    if is_server(db):
        return bool(raw(db, "SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'"))
    return os.path.exists(db)
