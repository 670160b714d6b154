"""The PostgreSQL ledger: one database on a server (`--db postgresql://…`), reached with psycopg 3.

The same schema, versions and rules as the SQLite ledger (the queries are engine.ledger.sql's);
what a server adds is said here:

- Text columns compare and sort by their bytes (`COLLATE "C"`), as SQLite's do, whatever the
  database's locale: the order of agents in a report never depends on the server it came from.
  The database must be UTF-8 (an agent's name is Chinese).
- Reading commands run in one REPEATABLE READ, READ ONLY transaction: everything they show is one
  snapshot, never a month half-recorded by a clerk writing meanwhile, and nothing can be written.
- Writing is one READ COMMITTED transaction that first takes transaction-scoped advisory locks
  (PostgresLedger says which and why), so clerks writing different months, or different
  shops, do not wait for each other except where one's month reads what the other writes.
- Who acts is the database login (`session_user`): recorded with each run and approval, and
  filled in by the server itself for every login but the ledger's owner (migration 5's triggers,
  which also keep recorded rows append-only and refuse a four-eyes approval by the runner); what
  each login may do is the grants of docs/postgres-setup.sql.
- Errors are one-line LedgerErrors naming the ledger (its URL without a password).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from engine.ledger import codec
from engine.ledger.migrations import (
    LATEST,
    Dialect,
    migrate,
    schema_version,
)
from engine.ledger.sql import SqlLedger, utc_now
from engine.ledger.store import LedgerError

# How long a command waits for another jixiao's locks before saying the ledger is in use (as SQLite's).
WAIT = 120.0
_MIGRATION_LOCK = 0x6A78_6D69  # 'jxmi': the advisory lock migrating a ledger holds


def shown(url: str) -> str:
    """The URL as messages name it: without a password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}@{netloc[1]}"))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


@contextmanager
def _translated(path: str) -> Iterator[None]:
    """psycopg's errors, and values not as jixiao writes them, as one-line LedgerErrors naming the ledger."""
    import psycopg
    from psycopg import errors

    try:
        yield
    except codec.Damaged as exc:
        raise exc.in_file(path) from None
    except LedgerError:
        raise
    except errors.LockNotAvailable:
        raise LedgerError(f"{path}: the ledger is in use by another jixiao (locked); try again when it is done",
                          f"{path}：账本正被另一个 jixiao 使用（已锁定）；请等它结束后再试") from None
    except (errors.DeadlockDetected, errors.SerializationFailure):
        raise LedgerError(f"{path}: another jixiao wrote the same months at the same time; nothing was recorded: "
                          "run the command again",
                          f"{path}：另一个 jixiao 同时写入了相同的月份；本次未作任何记录：请重新运行") from None
    except errors.UniqueViolation as exc:
        if "runs_one_current" in str(exc):
            raise LedgerError(f"{path}: the month was recorded by another jixiao while this one was evaluating; "
                              "run it again",
                              f"{path}：本次计算期间，另一个 jixiao 记录了该月份；请重新运行") from None
        raise _cannot(path, exc) from None
    except (errors.UndefinedTable, errors.UndefinedColumn) as exc:
        raise codec.Damaged(_first_line(exc), _first_line(exc)).in_file(path) from None
    except errors.InsufficientPrivilege as exc:
        raise LedgerError(f"{path}: your database login may not do this: {_first_line(exc)}",
                          f"{path}：您的数据库登录账号无权执行此操作：{_first_line(exc)}") from None
    except psycopg.OperationalError as exc:
        raise LedgerError(f"{path}: lost the connection to the database server ({_first_line(exc)}); "
                          "nothing was recorded by this command",
                          f"{path}：与数据库服务器的连接中断（{_first_line(exc)}）；本命令未记录任何内容") from None
    except psycopg.Error as exc:
        raise _cannot(path, exc) from None


def _cannot(path: str, exc: BaseException) -> LedgerError:
    return LedgerError(f"{path}: cannot use the ledger: {_first_line(exc)}",
                       f"{path}：无法使用账本：{_first_line(exc)}")


def _no_ledger(where: str) -> LedgerError:
    return LedgerError(f"{where}: no ledger here; record a month first: jixiao run --period YYYY-MM --db {where}",
                       f"{where}：此处没有账本；请先用 jixiao run --period YYYY-MM --db {where} 记录一个月份")


def _placeholders(sql: str) -> str:
    """jixiao's `?` placeholders as psycopg's `%s` (a literal % doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


def _connect(url: str, read_only: bool, timeout: float):
    """A connection to the ledger's database: autocommit for writing (jixiao begins its transactions),
    one REPEATABLE READ, READ ONLY transaction for reading."""
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - a dependency of jixiao; said should an install lack it
        raise LedgerError(f"{shown(url)}: PostgreSQL needs the psycopg package ({exc}); pip install 'psycopg[binary]'",
                          f"{shown(url)}：使用 PostgreSQL 需要 psycopg 软件包（{exc}）；请运行 pip install "
                          "'psycopg[binary]'") from None
    try:
        connection = psycopg.connect(url, autocommit=True, connect_timeout=int(min(timeout, 30)) or 1)
    except psycopg.Error as exc:
        raise LedgerError(f"{shown(url)}: cannot reach the ledger's database: {_first_line(exc)}",
                          f"{shown(url)}：无法连接账本所在的数据库：{_first_line(exc)}") from None
    try:
        with _translated(shown(url)):
            row = connection.execute("SHOW server_encoding").fetchone()
            encoding = row[0] if row else "?"
            if encoding != "UTF8":
                raise LedgerError(
                    f"{shown(url)}: the database's encoding is {encoding}; a ledger keeps Chinese text and needs a "
                    "UTF8 database (createdb -E UTF8 …)",
                    f"{shown(url)}：数据库编码为 {encoding}；账本保存中文，需要 UTF8 编码的数据库"
                    "（createdb -E UTF8 …）")
            connection.execute("SET client_encoding = 'UTF8'")
            # at least 1 ms: PostgreSQL reads 0 as "wait for ever", and `timeout=0` means "do not wait"
            connection.execute(f"SET lock_timeout = '{max(int(timeout * 1000), 1)}ms'")
            if read_only:
                connection.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ, "
                                   "READ ONLY")
                connection.autocommit = False  # the first query begins the one transaction it reads in
    except BaseException:
        connection.close()
        raise
    return connection


class PgSchema:
    """`migrations.Schema` over a psycopg connection in autocommit mode."""

    dialect = Dialect.POSTGRESQL

    def __init__(self, connection):
        self.connection = connection
        self._catalog: dict[str, set[str]] | None = None

    def _tables(self) -> dict[str, set[str]]:
        """Every table of the current schema with its columns, in one query of the catalog (read once
        until a statement changes them; information_schema takes a query per table, and longer)."""
        if self._catalog is None:
            found: dict[str, set[str]] = {}
            for table, column in self.connection.execute(
                    "SELECT c.relname, a.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
                    "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"):
                columns = found.setdefault(table, set())
                if column is not None:
                    columns.add(column)
            self._catalog = found
        return self._catalog

    def tables(self) -> set[str]:
        return set(self._tables())

    def columns(self, table: str) -> set[str]:
        return set(self._tables().get(table, ()))

    def versions(self) -> list[object]:
        return [row[0] for row in self.connection.execute("SELECT version FROM schema_version ORDER BY version")]

    def execute(self, sql: str, args: Sequence[object] = ()) -> None:
        self._catalog = None
        if args:
            self.connection.execute(_placeholders(sql), tuple(args))
        else:
            self.connection.execute(sql)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """One transaction holding the migration lock: a second jixiao creating the same ledger waits,
        then finds it made. PostgreSQL's DDL is transactional: a failed migration leaves nothing."""
        with self.connection.transaction():
            self.connection.execute("SELECT pg_advisory_xact_lock(%s::int, 0)", (_MIGRATION_LOCK,))
            self._catalog = None  # read again under the lock: another jixiao may have made the tables meanwhile
            yield


def _version(schema: PgSchema, where: str) -> int:
    return schema_version(schema, where,
                          ("the database holds tables but is not a jixiao ledger; choose another database",
                           "该数据库中已有其他表，但不是 jixiao 账本；请换一个数据库"))


def exists(url: str) -> bool:
    """Whether the database holds a ledger (a database without jixiao's tables holds none yet)."""
    connection = _connect(url, True, WAIT)
    try:
        with _translated(shown(url)):
            return _version(PgSchema(connection), shown(url)) > 0
    finally:
        connection.close()


def open_ledger(url: str, *, create: bool = False, read_only: bool = False, timeout: float = WAIT) -> PostgresLedger:
    """Open the ledger in the database at `url` at the latest schema, or LedgerError (see sqlite.open_ledger:
    the same rules; an empty database is "no ledger here" to a reading command and becomes a ledger
    for a writing one, when the login may create tables there)."""
    where = shown(url)
    connection = _connect(url, read_only, timeout)
    try:
        with _translated(where):
            schema = PgSchema(connection)
            version = _version(schema, where)
            if version == 0 and (read_only or not create):
                raise _no_ledger(where)
            if version == 0:
                migrate(schema, utc_now())
            elif version < LATEST:
                raise LedgerError(
                    f"{where}: the ledger has schema version {version}; this jixiao uses version {LATEST}: run "
                    f"jixiao migrate --db {where} first (take a backup first: pg_dump; nothing was changed)",
                    f"{where}：账本的结构版本为 {version}，当前 jixiao 使用版本 {LATEST}：请先运行 "
                    f"jixiao migrate --db {where}（请先用 pg_dump 备份；账本未作任何改动）")
    except BaseException:
        connection.close()
        raise
    with _translated(where):
        row = connection.execute("SELECT session_user").fetchone()
    return PostgresLedger(connection, where, row[0] if row else "?")


@dataclass(frozen=True, slots=True)
class Upgraded:
    """What `upgrade_ledger` did: the schema version found and the one reached (no copy: see README's backups)."""

    found: int
    reached: int
    backup: str | None = None


def upgrade_ledger(url: str, timeout: float = WAIT) -> Upgraded:
    """Migrate the ledger at `url` to LATEST in one transaction (PostgreSQL's DDL is transactional: a
    failure leaves the ledger as it was). An empty database is "no ledger here"."""
    where = shown(url)
    connection = _connect(url, False, timeout)
    try:
        with _translated(where):
            schema = PgSchema(connection)
            found = _version(schema, where)
            if found == 0:
                raise _no_ledger(where)
            if found == LATEST:
                return Upgraded(found, found)
            return Upgraded(found, migrate(schema, utc_now()))
    finally:
        connection.close()


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_number(period: str) -> int:
    """A period (YYYY-MM) as a whole number of months, the second key of its advisory lock."""
    match = _MONTH.match(period)
    if match is None:
        raise LedgerError(f"{period!r} is not a month (YYYY-MM)", f"{period!r} 不是月份（YYYY-MM）")
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


class PostgresLedger(SqlLedger):
    """`engine.ledger.store.Ledger` over a PostgreSQL database (the queries are engine.ledger.sql's)."""

    INSERT_IGNORE = ("INSERT INTO", " ON CONFLICT DO NOTHING")

    def _translated(self) -> AbstractContextManager[None]:
        return _translated(self.path)

    def _rows(self, sql: str, args: Sequence[object] = ()) -> list[tuple]:
        if args:
            return self.connection.execute(_placeholders(sql), tuple(args)).fetchall()
        return self.connection.execute(sql).fetchall()

    def _execute(self, sql: str, args: Sequence[object] = ()) -> None:
        if args:
            self.connection.execute(_placeholders(sql), tuple(args))
        else:
            self.connection.execute(sql)

    def _execute_many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        if rows:
            with self.connection.cursor() as cursor:
                cursor.executemany(_placeholders(sql), rows)

    def _insert_id(self, sql: str, args: Sequence[object]) -> int:
        row = self.connection.execute(_placeholders(sql) + " RETURNING id", tuple(args)).fetchone()
        assert row is not None
        return row[0]

    # -- writing: one READ COMMITTED transaction behind advisory locks ------------------------------
    #
    # A month reads the state every earlier month of its shop leaves (decisions, carried losses,
    # windows, corrections owed), and a change to a month is carried through every later one. So a
    # write of month X, in the transaction's first statements, before it reads anything:
    #   1. takes the shop's lock S: shared, or exclusive when X is before every recorded month of the
    #      shop (or the shop has none), since no month lock can then stand for what X changes;
    #   2. takes shared locks on every month from the shop's first recorded month up to X's, so no
    #      month X reads is rewritten until X is recorded (a month recorded for the first time
    #      before the first one carries into that one: its exclusive lock waits for ours);
    #   3. takes an exclusive lock on X: a second clerk recording X waits, then finds it recorded;
    # then, carrying the change through, an exclusive lock on each later month before reading it
    # (`claim`). Every lock is taken in the same order (S, then months ascending), so no two writers
    # wait for each other in a cycle; all are released by the COMMIT or ROLLBACK. An approval locks
    # its month only. Nothing else is locked: two shops, or months that do not read each other's,
    # are written at the same time.

    def _key(self) -> int:
        """The first key of this ledger's advisory locks: the shop's (a hash: two shops sharing one
        only wait for each other more often)."""
        row = self._first("SELECT hashtext(?)", (self.shop,))
        assert row is not None
        return row[0]

    def _begin(self, period: str | None, reads: bool = True) -> None:
        self.connection.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
        key = self._key()
        if period is None:  # a write that names no month (a decision added directly): the whole shop
            self.connection.execute("SELECT pg_advisory_xact_lock(%s::int, 0)", (key,))
            return
        month = month_number(period)
        if not reads:
            self.connection.execute("SELECT pg_advisory_xact_lock(%s::int, %s::int)", (key, month))
            return
        row = self._first("SELECT min(period) FROM runs WHERE shop = ? AND status = 'current'", (self.shop,))
        first = month_number(row[0]) if row is not None and row[0] is not None else None
        if first is None or month < first:
            self.connection.execute("SELECT pg_advisory_xact_lock(%s::int, 0)", (key,))
        else:
            self.connection.execute("SELECT pg_advisory_xact_lock_shared(%s::int, 0)", (key,))
            if first < month:
                self.connection.execute(
                    "SELECT count(pg_advisory_xact_lock_shared(%s::int, m)) "
                    "FROM generate_series(%s::int, %s::int) AS m",
                    (key, first, month - 1))
        self.connection.execute("SELECT pg_advisory_xact_lock(%s::int, %s::int)", (key, month))

    def claim(self, period: str) -> None:
        """An exclusive lock on a later month a change is carried into, taken before it is read."""
        self.connection.execute("SELECT pg_advisory_xact_lock(%s::int, %s::int)",
                                (self._key(), month_number(period)))

    def _ids_follow(self) -> None:
        self._execute("SELECT setval(pg_get_serial_sequence('runs', 'id'), (SELECT max(id) FROM runs))")

    def _acting(self, by: str) -> str:
        """On a server, who approves or reopens is the database login, whatever --by says."""
        return self.login

    def _end(self, keep: bool) -> None:
        self.connection.execute("COMMIT" if keep else "ROLLBACK")

    def _supersede(self, current: int) -> None:
        self._execute("UPDATE runs SET status = 'superseded' WHERE id = ?", (current,))

    def _succeeded(self, current: int, successor: int) -> None:
        self._execute("UPDATE runs SET superseded_by = ? WHERE id = ?", (successor, current))

