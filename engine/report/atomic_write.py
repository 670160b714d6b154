"""Write a file whole or not at all, with the permissions any other file would get.

The bytes go to a hidden temporary file in the target's folder, are flushed to disk (fsync),
renamed over the target (atomic on POSIX within one filesystem) and the folder is synced so the
rename survives a crash. A new file gets 0666 less the process umask (0644 under umask 022);
an overwritten file keeps its mode. The temporary file is removed on every way out this process
controls: an exception, Ctrl-C, or SIGTERM (turned into an exception for the duration).
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from engine.errors import JixiaoError


class Terminated(BaseException):
    """SIGTERM arrived: raised like KeyboardInterrupt so every `finally` and cleanup runs."""


class OutputError(JixiaoError):
    """The output file could not be written (missing folder, no permission, disk full)."""

    def __init__(self, path: str, reason: str, zh_reason: str):
        self.path, self.reason, self.zh_reason = path, reason, zh_reason
        super().__init__(f"{path}: cannot write: {reason}")

    def lines(self, lang: str = "en") -> list[str]:
        if lang == "zh":
            return [f"{self.path}：无法写入：{self.zh_reason}"]
        return [str(self)]


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """While inside, SIGTERM raises `Terminated` instead of killing the process outright."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_writable(path: str | os.PathLike) -> None:
    """Fail before any work if `path`'s folder is missing or not writable (OutputError)."""
    folder = Path(path).parent
    if not folder.is_dir():
        raise OutputError(str(path), f"folder {folder} does not exist", f"文件夹 {folder} 不存在")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(str(path), f"no permission to write in folder {folder}",
                          f"没有在文件夹 {folder} 中写入的权限")


def write_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write all of `data` to `path` or nothing (OutputError on failure); see the module doc."""
    target = Path(path)
    check_writable(target)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    except OSError as exc:
        raise _failed(str(path), exc) from None
    with sigterm_raises():
        temporary = ""
        try:
            handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            with os.fdopen(handle, "wb") as stream:
                os.fchmod(stream.fileno(), mode)
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
            temporary = ""
            _sync_folder(target.parent)
        except OSError as exc:
            raise _failed(str(path), exc) from None
        finally:
            if temporary:
                Path(temporary).unlink(missing_ok=True)


_ZH_REASONS = {errno.ENOSPC: "磁盘空间不足", errno.EACCES: "没有权限", errno.EPERM: "没有权限",
               errno.EROFS: "只读的文件系统", errno.EDQUOT: "超出磁盘配额", errno.EISDIR: "这是一个文件夹"}


def _failed(path: str, exc: OSError) -> OutputError:
    reason = exc.strerror or type(exc).__name__
    return OutputError(path, reason, _ZH_REASONS.get(exc.errno or 0, reason))


def _sync_folder(folder: Path) -> None:
    """Make the rename durable; some filesystems cannot open a folder for syncing, which is fine."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
