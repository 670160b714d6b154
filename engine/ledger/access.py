"""Where a ledger is, opened: the one function every command and stage opens a ledger with.

A ledger is named by a path (a SQLite file, `--db jixiao.db`) or by a URL whose scheme says which
database keeps it (`sqlite:///path/to/jixiao.db`; a shared database server later). Nothing outside
the back-end module imports the back-end: the engine speaks to `engine.ledger.store.Ledger`.
"""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit

from engine.ledger.store import Ledger, LedgerError

DEFAULT = "jixiao.db"


def location(where: str | os.PathLike) -> str:
    """The file a ledger name designates (a path, or a `sqlite:` URL), or LedgerError for a scheme
    this jixiao cannot open."""
    text = os.fspath(where)
    scheme = urlsplit(text).scheme if "://" in text or text.startswith("sqlite:") else ""
    if not scheme:
        return text
    if scheme == "sqlite":
        parts = urlsplit(text)
        return unquote(parts.netloc + parts.path) if parts.netloc else unquote(parts.path)
    raise LedgerError(f"{text}: a ledger at {scheme}:// cannot be opened by this jixiao; give a file path "
                      "or sqlite:///path",
                      f"{text}：此版本的 jixiao 无法打开 {scheme}:// 的账本；请给出文件路径或 sqlite:///路径")


def exists(where: str | os.PathLike) -> bool:
    """Whether there is a ledger to open without creating one."""
    return os.path.exists(location(where))


def open_ledger(where: str | os.PathLike = DEFAULT, *, create: bool = False, read_only: bool = False) -> Ledger:
    """The ledger at `where`, at this jixiao's schema; `read_only` never writes (runs, history, show);
    `create` makes a new one (the first `jixiao run`). LedgerError when it cannot be used."""
    from engine.ledger import sqlite

    return sqlite.open_ledger(location(where), create=create, read_only=read_only)


def upgrade_ledger(where: str | os.PathLike):
    """Migrate the ledger at `where` to this jixiao's schema, keeping a copy first (`jixiao migrate`)."""
    from engine.ledger import sqlite

    return sqlite.upgrade_ledger(location(where))
