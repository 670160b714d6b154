"""The SQLite ledger: one file (`--db`, default `jixiao.db`), stdlib sqlite3, schema from migrations.

Journal: the classic rollback journal (DELETE mode), not WAL. A ledger of record is one file at
rest that a shop copies, backs up or mails to its accountant; WAL keeps recent commits in a
`-wal` file beside it until a checkpoint, needs shared memory (`-shm`, unsafe on network
folders), and buys concurrent readers during a write, which a monthly close does not need.
`synchronous=FULL` makes each committed run durable before `jixiao run` says it is recorded.
A run killed mid-transaction leaves a hot journal that the next open rolls back.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

from engine.ledger import codec
from engine.ledger.migrations import (
    LATEST,
    SqliteSchema,
    migrate,
    schema_version,
)
from engine.ledger.sql import SqlLedger, utc_now
from engine.ledger.store import LedgerError, declared_login

DEFAULT_DB = "jixiao.db"
# How long a command waits for another jixiao holding the ledger's write lock before saying it is in
# use: a correction carried through a large firm's year holds it for tens of seconds, and a second
# clerk's run should wait its turn, not fail.
WAIT = 120.0


@contextmanager
def _translated(path: str) -> Iterator[None]:
    """sqlite3's errors, and values not as jixiao writes them, as one-line LedgerErrors naming the file."""
    try:
        yield
    except codec.Damaged as exc:
        raise exc.in_file(path) from None
    except LedgerError:
        raise
    except sqlite3.OperationalError as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            raise LedgerError(f"{path}: the ledger is in use by another jixiao (locked); try again when it is done",
                              f"{path}：账本正被另一个 jixiao 使用（已锁定）；请等它结束后再试") from None
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_READONLY_ROLLBACK:
            raise LedgerError(
                f"{path}: a write to the ledger was interrupted and must be rolled back before it can be read; "
                f"run jixiao migrate --db {path}, which rolls it back (nothing else was changed)",
                f"{path}：账本上次的写入被中断，须先回滚才能读取；请运行 jixiao migrate --db {path}，"
                "它会回滚该写入（未作其他改动）") from None
        if text.startswith(("no such table", "no such column")):
            raise codec.Damaged(text, text).in_file(path) from None
        raise LedgerError(f"{path}: cannot use the ledger: {text}", f"{path}：无法使用账本：{text}") from None
    except sqlite3.DatabaseError as exc:
        raise LedgerError(f"{path}: not a readable jixiao ledger ({exc}); it may be damaged: restore it from a backup",
                          f"{path}：不是可读取的 jixiao 账本（{exc}）；文件可能已损坏，请从备份恢复") from None


def _no_ledger(where: str) -> LedgerError:
    return LedgerError(f"{where}: no ledger here; record a month first: jixiao run --period YYYY-MM --db {where}",
                       f"{where}：此处没有账本；请先用 jixiao run --period YYYY-MM --db {where} 记录一个月份")


def _refuse_unusable(where: str, create: bool) -> None:
    """A missing file (unless creating), a folder or a special file (FIFO, device) is said, never opened.

    Opening a FIFO would wait for a writer for ever; a device is not a ledger. A symbolic link to a
    ledger is followed: a shop may keep the file elsewhere."""
    try:
        mode = os.stat(where).st_mode
    except FileNotFoundError:
        if create:
            return
        raise _no_ledger(where) from None
    except OSError as exc:
        raise LedgerError(f"{where}: cannot use the ledger: {exc.strerror}",
                          f"{where}：无法使用账本：{exc.strerror}") from None
    if stat.S_ISDIR(mode):
        inside = os.path.join(where, DEFAULT_DB)
        raise LedgerError(f"{where}: is a folder; --db names the ledger file, e.g. --db {inside}",
                          f"{where}：这是一个文件夹；--db 应指定账本文件，如 --db {inside}")
    if not stat.S_ISREG(mode):
        raise LedgerError(f"{where}: is not a regular file (a pipe, a device or a socket); --db names the ledger file",
                          f"{where}：不是普通文件（而是管道、设备或套接字）；--db 应指定账本文件")


def _connect(where: str, read_only: bool, timeout: float) -> sqlite3.Connection:
    if read_only:  # SQLite itself refuses every write, the schema's included
        # One leading slash: `//tmp/x` (from sqlite:////tmp/x) is /tmp/x, not a URI naming the host `tmp`.
        uri = "file:/" + urllib.parse.quote(os.path.abspath(where).lstrip("/")) + "?mode=ro"
        connection = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
        connection.execute("PRAGMA query_only=ON")
        return connection
    connection = sqlite3.connect(where, timeout=timeout, isolation_level=None)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.execute("PRAGMA synchronous=FULL")
    return connection


def _version(connection: sqlite3.Connection, where: str) -> int:
    return schema_version(SqliteSchema(connection), where,
                          ("is an SQLite database but not a jixiao ledger; choose another --db file",
                           "是 SQLite 数据库，但不是 jixiao 账本；请用 --db 指定其他文件"))


def open_ledger(path: str | os.PathLike = DEFAULT_DB, *, create: bool = False, read_only: bool = False,
                timeout: float = WAIT) -> SqliteLedger:
    """Open the ledger at `path` at the latest schema, or LedgerError; see README's ledger section.

    `read_only` (runs, history, show): SQLite opens the file read-only, so nothing is written to
    it, ever; an empty file or an empty database is "no ledger here". Otherwise (run, approve,
    reopen) an empty database becomes a new ledger, and with `create` a missing file too. A ledger
    at an older schema is never migrated here, silently: it is refused with the command that
    migrates it (`jixiao migrate`, `upgrade_ledger`)."""
    where = os.fspath(path)
    _refuse_unusable(where, create and not read_only)
    with _translated(where):
        connection = _connect(where, read_only, timeout)
        try:
            connection.execute("PRAGMA foreign_keys=ON")
            version = _version(connection, where)
            if version == 0 and read_only:
                raise _no_ledger(where)
            if version == 0:
                migrate(SqliteSchema(connection), utc_now())  # a new ledger: every table, at LATEST
            elif version < LATEST:
                raise LedgerError(
                    f"{where}: the ledger has schema version {version}; this jixiao uses version {LATEST}: run "
                    f"jixiao migrate --db {where} first (it keeps a copy of the file as it is; nothing was changed)",
                    f"{where}：账本的结构版本为 {version}，当前 jixiao 使用版本 {LATEST}：请先运行 "
                    f"jixiao migrate --db {where}（它会保留文件当前的副本；账本未作任何改动）")
        except BaseException:
            connection.close()
            raise
    return SqliteLedger(connection, where, declared_login())


@dataclass(frozen=True, slots=True)
class Upgraded:
    """What `upgrade_ledger` did: the schema version found, the one reached, and the copy kept."""

    found: int
    reached: int
    backup: str | None


def upgrade_ledger(path: str | os.PathLike, timeout: float = WAIT) -> Upgraded:
    """Migrate the ledger at `path` to LATEST, first copying it to `PATH.schema-N.bak` (never overwritten).

    Opening it for writing also rolls back a write that was interrupted (a hot journal). An empty
    file is "no ledger here": there is nothing to migrate, and none is created."""
    where = os.fspath(path)
    _refuse_unusable(where, False)
    with _translated(where):
        connection = _connect(where, False, timeout)
        try:
            found = _version(connection, where)
            if found == 0:
                raise _no_ledger(where)
            if found == LATEST:
                return Upgraded(found, found, None)
            backup = f"{where}.schema-{found}.bak"
            _copy(connection, backup)
            return Upgraded(found, migrate(SqliteSchema(connection), utc_now()), backup)
        finally:
            connection.close()


def _copy(connection: sqlite3.Connection, backup: str) -> None:
    """The whole database, as it is, into the new file `backup` (refused if it exists)."""
    try:
        os.close(os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    except FileExistsError:
        raise LedgerError(f"{backup}: a copy from an earlier migration is already there; move it away, then run "
                          "jixiao migrate again (nothing was changed)",
                          f"{backup}：已有一份之前迁移时保留的副本；请先把它移走，"
                          "再运行 jixiao migrate（未作任何改动）") from None
    except OSError as exc:
        raise LedgerError(f"{backup}: cannot keep a copy of the ledger: {exc.strerror} (nothing was changed)",
                          f"{backup}：无法保留账本副本：{exc.strerror}（未作任何改动）") from None
    try:
        target = sqlite3.connect(backup)
        try:
            connection.backup(target)
        finally:
            target.close()
    except BaseException:
        os.unlink(backup)
        raise


class SqliteLedger(SqlLedger):
    """`engine.ledger.store.Ledger` over one SQLite file (the queries are engine.ledger.sql's)."""

    connection: sqlite3.Connection

    def _translated(self) -> AbstractContextManager[None]:
        return _translated(self.path)

    def _rows(self, sql: str, args: Sequence[object] = ()) -> list[tuple]:
        return self.connection.execute(sql, tuple(args)).fetchall()

    def _execute(self, sql: str, args: Sequence[object] = ()) -> None:
        self.connection.execute(sql, tuple(args))

    def _execute_many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        self.connection.executemany(sql, rows)

    def _insert_id(self, sql: str, args: Sequence[object]) -> int:
        row_id = self.connection.execute(sql, tuple(args)).lastrowid
        assert row_id is not None
        return row_id

    def _acting(self, by: str) -> str:
        """On a file, who approves or reopens is who says so (--by, else the declared login)."""
        return by or self.login

    def _begin(self, period: str | None, reads: bool = True) -> None:
        """BEGIN IMMEDIATE: the whole file's write lock, taken before anything is read, whatever the month."""
        self.connection.execute("BEGIN IMMEDIATE")

    def _end(self, keep: bool) -> None:
        self.connection.execute("COMMIT" if keep else "ROLLBACK")

    def _supersede(self, current: int) -> None:
        self.connection.execute("UPDATE runs SET status = 'superseded' WHERE id = ?", (current,))

    def _succeeded(self, current: int, successor: int) -> None:
        self.connection.execute("UPDATE runs SET superseded_by = ? WHERE id = ?", (successor, current))
