"""Where a data file's bytes come from: the disk, or bytes already held in memory.

`jixiao run` reads each input file once: those bytes are fingerprinted, kept in the ledger and
parsed, so what is recorded is exactly what was read even if the file changes meanwhile. A month
recomputed from the ledger (a correction carried through the later months) is parsed from the
bytes the ledger kept, under the path it was first read from, so every message, note and trace
names the file as it did the first time. Readers open data files only through this module.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import BinaryIO, TextIO

_NONE: Mapping[str, bytes] = MappingProxyType({})
_held: ContextVar[Mapping[str, bytes]] = ContextVar("held", default=_NONE)


@contextmanager
def holding(files: Mapping[str, bytes]) -> Iterator[None]:
    """Within the block, a reader asking for one of these paths gets these bytes, not the disk's."""
    token = _held.set({**_held.get(), **files})
    try:
        yield
    finally:
        _held.reset(token)


def _key(path: str | os.PathLike) -> str:
    return os.fspath(path)


def is_file(path: str | os.PathLike) -> bool:
    return _key(path) in _held.get() or os.path.isfile(path)


def size(path: str | os.PathLike) -> int:
    held = _held.get().get(_key(path))
    return len(held) if held is not None else os.path.getsize(path)


def read_bytes(path: str | os.PathLike) -> bytes:
    held = _held.get().get(_key(path))
    if held is not None:
        return held
    with open(path, "rb") as stream:
        return stream.read()


def open_binary(path: str | os.PathLike) -> BinaryIO:
    held = _held.get().get(_key(path))
    return io.BytesIO(held) if held is not None else open(path, "rb")  # the caller closes it


def open_text(path: str | os.PathLike, encoding: str) -> TextIO:
    """Decoded line by line as read (a million-line file is never all held as text)."""
    held = _held.get().get(_key(path))
    if held is not None:
        return io.TextIOWrapper(io.BytesIO(held), encoding=encoding)
    return open(path, encoding=encoding)  # the caller closes it
