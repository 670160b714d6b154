"""Write a file whole or not at all, with the permissions any other file would get.

The bytes go to a hidden temporary file in the target's folder, are flushed to disk (fsync),
renamed over the target (atomic on POSIX within one filesystem) and the folder is synced so the
rename survives a crash. A new file gets 0666 less the process umask (0644 under umask 022);
an overwritten file keeps its mode. The temporary file is removed on every way out this process
controls: an exception, Ctrl-C, or SIGTERM (turned into an exception for the duration).

Because the target is replaced, never written into, only a regular file (or a new name) is a
target: a symbolic link, a FIFO, a device or a socket is refused before any work (replacing one
would break it), and so is a file the command must not lose, the ledger or an input, by identity.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from engine.errors import JixiaoError, Terminated

BLOCK = 1 << 20  # bytes copied at a time from a report held in a file
WRITE_BACK_SECONDS = 0.25  # how often a report being made is sent to disk so far (`_written_back`)
_sync_data = getattr(os, "fdatasync", os.fsync)  # macOS has no fdatasync


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


def check_writable(path: str | os.PathLike, protect: Mapping[str, str | os.PathLike] | None = None) -> None:
    """Fail before any work if `path` cannot be written whole (OutputError).

    Refused: a missing or unwritable folder; a path that is a symbolic link (the rename would
    replace the link, not write through it: the real path is named instead), a FIFO, a device, a
    socket or a folder (a regular file is written, never a special one); and a path that is the
    same file as one of `protect` (option: path, e.g. --db: the ledger, --metrics: an input), by
    the file's identity, so another path, a symbolic link or a hard link to it is refused too."""
    target = Path(path)
    try:
        found = target.lstat()
    except FileNotFoundError:
        found = None
    except OSError as exc:
        raise _failed(str(path), exc) from None
    for option, other in (protect or {}).items():
        if _same_file(target, found, Path(other)):
            raise OutputError(str(path), f"it is the {option} file {other}; writing there would destroy it: choose "
                              "another file", f"它就是 {option} 指定的文件 {other}；写入会毁掉它：请指定其他文件")
    if found is not None and stat.S_ISLNK(found.st_mode):
        raise _linked(str(path), os.path.realpath(target))
    if found is not None and not stat.S_ISREG(found.st_mode):
        kind = _special(found.st_mode)
        raise OutputError(str(path), f"it is {kind[0]}, not a regular file; to send the output there, leave out "
                          "--out and redirect standard output", f"这是{kind[1]}，不是普通文件；如要输出到那里，"
                          "请去掉 --out，改用重定向标准输出")
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(str(path), f"folder {folder} does not exist", f"文件夹 {folder} 不存在")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(str(path), f"no permission to write in folder {folder}",
                          f"没有在文件夹 {folder} 中写入的权限")


def _linked(path: str, real: str) -> OutputError:
    """A symbolic link as --out: replacing it would replace the link, so the real file is named instead."""
    try:
        regular = stat.S_ISREG(os.stat(real).st_mode)
    except OSError:  # a link to nothing
        regular = True
    if regular:
        return OutputError(path, f"it is a symbolic link (to {real}); jixiao writes a file whole by replacing it, "
                           f"which would replace the link: give the file itself, --out {real}",
                           f"这是一个符号链接（指向 {real}）；jixiao 以整体替换的方式写文件，会替换掉链接本身："
                           f"请直接指定文件 --out {real}")
    return OutputError(path, f"it is a symbolic link to {real}, which is not a regular file; to send the output "
                       "there, leave out --out and redirect standard output",
                       f"这是指向 {real} 的符号链接，而那不是普通文件；"
                       "如要输出到那里，请去掉 --out，改用重定向标准输出")


def _special(mode: int) -> tuple[str, str]:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)", "一个命名管道（FIFO）"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device", "一个设备"
    if stat.S_ISSOCK(mode):
        return "a socket", "一个套接字"
    if stat.S_ISDIR(mode):
        return "a folder", "一个文件夹"
    return "not a regular file", "特殊文件"


def _same_file(target: Path, found: os.stat_result | None, other: Path) -> bool:
    """`target` (lstat `found`) is `other` or its SQLite journal: by identity (following links), or by path."""
    if found is not None:
        try:
            if os.path.samestat(target.stat(), other.stat()):
                return True
        except OSError:
            pass
    real = os.path.realpath(target)
    return any(real == os.path.realpath(f"{other}{suffix}") for suffix in ("", "-journal", "-wal", "-shm"))


def write_atomic(path: str | os.PathLike, data: bytes | BinaryIO | Callable[[BinaryIO], None],
                 protect: Mapping[str, str | os.PathLike] | None = None) -> None:
    """Write all of `data` to `path` or nothing (OutputError on failure); see the module doc and
    `check_writable`, which is checked again here, just before the write. `data` may be a file read from
    where it stands to its end, a block at a time (a report larger than memory), or what writes the report
    into the (seekable) file it is given: a large report made straight into the temporary file, not in
    memory first. Whatever it raises, nothing is written."""
    target = Path(path)
    check_writable(target, protect)
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
                if isinstance(data, bytes):
                    stream.write(data)
                elif callable(data):
                    with _written_back(stream.fileno()):
                        data(stream)
                else:
                    shutil.copyfileobj(data, stream, BLOCK)
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


@contextlib.contextmanager
def _written_back(handle: int) -> Iterator[None]:
    """While a report is made into the file (seconds, for a million results), what is written so far goes
    to disk beside it (fdatasync from a second thread, which lets go of the interpreter), so the fsync
    after it waits for the last few blocks, not for hundreds of megabytes: Linux leaves a few hundred
    megabytes dirty in memory without starting to write them."""
    done = threading.Event()

    def flush() -> None:
        with contextlib.suppress(OSError):  # the fsync after the report says whether the disk took it
            while not done.wait(WRITE_BACK_SECONDS):
                _sync_data(handle)

    worker = threading.Thread(target=flush, name="jixiao-write-back", daemon=True)
    worker.start()
    try:
        yield
    finally:
        done.set()
        worker.join()


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


# A folder jixiao wrote whole holds this file, so a later run may replace that folder (and no other).
FOLDER_MARK = ".jixiao-output"


def check_folder(path: str | os.PathLike, protect: Mapping[str, str | os.PathLike] | None = None) -> None:
    """Fail before any work if `path` cannot become a folder written whole (OutputError): it must be a
    new name, an empty folder, or a folder an earlier jixiao command wrote (it holds FOLDER_MARK),
    never a symbolic link, a file, or a folder holding anything else (which would be lost)."""
    target = Path(path)
    try:
        found = target.lstat()
    except FileNotFoundError:
        found = None
    except OSError as exc:
        raise _failed(str(path), exc) from None
    for option, other in (protect or {}).items():
        if found is not None and _same_file(target, found, Path(other)):
            raise OutputError(str(path), f"it is the {option} file {other}: choose a new folder",
                              f"它就是 {option} 指定的文件 {other}：请指定一个新文件夹")
    if found is not None and stat.S_ISLNK(found.st_mode):
        real = os.path.realpath(target)
        raise OutputError(str(path), f"it is a symbolic link (to {real}); give the folder itself, --out {real}",
                          f"这是一个符号链接（指向 {real}）；请直接指定文件夹 --out {real}")
    if found is not None and not stat.S_ISDIR(found.st_mode):
        raise OutputError(str(path), "it is not a folder; --out names the folder to write the files into",
                          "这不是文件夹；--out 指定写入文件的文件夹")
    if found is not None:
        entries = os.listdir(target)
        if entries and FOLDER_MARK not in entries:
            raise OutputError(str(path), "the folder holds other files, which replacing it would lose: choose a new "
                              "or empty folder", "文件夹中已有其他文件，替换会丢失它们：请指定新的或空的文件夹")
    folder = target.absolute().parent
    if not folder.is_dir():
        raise OutputError(str(path), f"folder {folder} does not exist", f"文件夹 {folder} 不存在")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(str(path), f"no permission to write in folder {folder}",
                          f"没有在文件夹 {folder} 中写入的权限")


def write_folder_atomic(path: str | os.PathLike, files: Mapping[str, bytes],
                        protect: Mapping[str, str | os.PathLike] | None = None) -> None:
    """Write `files` (name: bytes, plain names only) as the folder `path`, whole or not at all: into a
    hidden temporary folder beside it, each file fsynced, then renamed to `path`. An earlier jixiao
    folder there is moved aside first and removed once the new one is in place (put back on failure)."""
    import shutil

    target = Path(path)
    check_folder(target, protect)
    parent = target.absolute().parent
    mode = 0o777 & ~_umask()
    with sigterm_raises():
        temporary = aside = ""
        try:
            temporary = tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
            os.chmod(temporary, mode)
            for name, data in sorted({**files, FOLDER_MARK: b"written whole by jixiao\n"}.items()):
                if not name or "/" in name or name in (".", ".."):
                    raise ValueError(f"not a plain file name: {name!r}")
                handle = os.open(os.path.join(temporary, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                    stream.flush()
                    os.fsync(stream.fileno())
            _sync_folder(Path(temporary))
            if target.is_dir() and os.listdir(target):  # an earlier jixiao folder (check_folder said so)
                aside = tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=parent)
                os.replace(target, aside)
                try:
                    os.replace(temporary, target)
                except OSError:
                    os.replace(aside, target)
                    aside = ""
                    raise
            else:
                os.replace(temporary, target)  # a new name, or an empty folder (rename replaces it)
            temporary = ""
            _sync_folder(parent)
        except OSError as exc:
            raise _failed(str(path), exc) from None
        finally:
            if temporary:
                shutil.rmtree(temporary, ignore_errors=True)
            if aside:
                shutil.rmtree(aside, ignore_errors=True)
