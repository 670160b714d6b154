"""Where a ledger is, opened: the one module every command and stage opens a ledger through.

A ledger is named by a path (a SQLite file, `--db jixiao.db`) or by a URL whose scheme says which
database keeps it: `sqlite:///path/to/jixiao.db`, or `postgresql://login@host/database` (also
`postgres://`, and every form libpq reads, e.g. `postgresql:///payroll?host=/run/postgresql`) for a
ledger a firm keeps on its database server. Nothing outside the back-end modules imports a back-end:
the engine speaks to `engine.ledger.store.Ledger`, and this module picks the back-end by the name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from engine.ledger.store import Ledger, LedgerError

DEFAULT = "jixiao.db"
SERVER_SCHEMES = ("postgresql", "postgres")


@dataclass(frozen=True, slots=True)
class Where:
    """A ledger's name, read: which back-end keeps it, and where."""

    server: bool  # a database on a PostgreSQL server (else a SQLite file)
    target: str  # the file's path, or the server database's URL
    shown: str  # as messages name it (a URL without its password)


def where(name: str | os.PathLike) -> Where:
    """What `name` designates, or LedgerError for a scheme this jixiao cannot open."""
    text = os.fspath(name)
    scheme = urlsplit(text).scheme if "://" in text or text.startswith("sqlite:") else ""
    if not scheme:
        return Where(False, text, text)
    if scheme == "sqlite":
        parts = urlsplit(text)
        path = unquote(parts.netloc + parts.path) if parts.netloc else unquote(parts.path)
        return Where(False, path, text)
    if scheme in SERVER_SCHEMES:
        from engine.ledger.postgres import shown

        return Where(True, text, shown(text))
    raise LedgerError(f"{text}: a ledger at {scheme}:// cannot be opened by this jixiao; give a file path, "
                      "sqlite:///path or postgresql://login@host/database",
                      f"{text}：此版本的 jixiao 无法打开 {scheme}:// 的账本；请给出文件路径、sqlite:///路径或 "
                      "postgresql://登录名@主机/数据库")


def location(name: str | os.PathLike) -> str | None:
    """The file a ledger name designates; None for a ledger on a database server (no file of ours)."""
    found = where(name)
    return None if found.server else found.target


def exists(name: str | os.PathLike) -> bool:
    """Whether there is a ledger to open without creating one (a server database: jixiao's tables in it)."""
    found = where(name)
    if found.server:
        from engine.ledger import postgres

        return postgres.exists(found.target)
    return os.path.exists(found.target)


def can_create(name: str | os.PathLike) -> None:
    """LedgerError when no ledger could be created at `name` (a file in a folder that does not exist),
    said before a month is evaluated for nothing. A server database is checked when it is reached."""
    found = where(name)
    if found.server:
        return
    folder = os.path.dirname(os.path.abspath(found.target))
    if not os.path.isdir(folder):
        raise LedgerError(f"{found.shown}: the folder {folder} does not exist; create it or choose another --db",
                          f"{found.shown}：文件夹 {folder} 不存在；请先创建它，或用 --db 指定其他位置")


def open_ledger(name: str | os.PathLike = DEFAULT, *, create: bool = False, read_only: bool = False) -> Ledger:
    """The ledger at `name`, at this jixiao's schema; `read_only` never writes (runs, history, show);
    `create` makes a new one (the first `jixiao run`). LedgerError when it cannot be used. A ledger
    holding one shop is scoped to it; one holding several waits for `use_shop`."""
    found = where(name)
    if found.server:
        from engine.ledger import postgres

        ledger: Ledger = postgres.open_ledger(found.target, create=create, read_only=read_only)
    else:
        from engine.ledger import sqlite

        ledger = sqlite.open_ledger(found.target, create=create, read_only=read_only)
    try:
        held = ledger.shops()
    except BaseException:
        ledger.close()
        raise
    if len(held) == 1:  # a ledger of one shop is scoped to it from the start; of several, by `use_shop`
        ledger.shop = held[0]
    return ledger


def upgrade_ledger(name: str | os.PathLike):
    """Migrate the ledger at `name` to this jixiao's schema (`jixiao migrate`): a SQLite file after a copy
    of it is kept; a server database in one transaction (back it up first with pg_dump)."""
    found = where(name)
    if found.server:
        from engine.ledger import postgres

        return postgres.upgrade_ledger(found.target)
    from engine.ledger import sqlite

    return sqlite.upgrade_ledger(found.target)
