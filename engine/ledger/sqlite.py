"""The SQLite ledger: one file (`--db`, default `jixiao.db`), stdlib sqlite3, schema from migrations.

Journal: the classic rollback journal (DELETE mode), not WAL. A ledger of record is one file at
rest that a shop copies, backs up or mails to its accountant; WAL keeps recent commits in a
`-wal` file beside it until a checkpoint, needs shared memory (`-shm`, unsafe on network
folders), and buys concurrent readers during a write, which a monthly close does not need.
`synchronous=FULL` makes each committed run durable before `jixiao run` says it is recorded.
A run killed mid-transaction leaves a hot journal that the next open rolls back.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import urllib.parse
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from engine.ledger import codec
from engine.ledger.digest import outcome_texts
from engine.ledger.migrations import (
    LATEST,
    BadVersion,
    MissingStructure,
    NotALedger,
    check_structure,
    current_version,
    migrate,
)
from engine.ledger.store import (
    CHANGES,
    PARTS,
    Cause,
    Decision,
    InputFile,
    LedgerError,
    NewRun,
    PeriodEvent,
    PolicySource,
    RunInfo,
    Settlement,
    refuse_if_locked,
)
from engine.ledger.verify import check_outcome, check_run
from engine.model.corrections import Bound, RetroLine
from engine.model.results import Adjustment, AgentResult, Outcome

DEFAULT_DB = "jixiao.db"
# How long a command waits for another jixiao holding the ledger's write lock before saying it is in
# use: a correction carried through a large firm's year holds it for tens of seconds, and a second
# clerk's run should wait its turn, not fail.
WAIT = 120.0


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
        uri = "file:" + urllib.parse.quote(os.path.abspath(where)) + "?mode=ro"
        connection = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
        connection.execute("PRAGMA query_only=ON")
        return connection
    connection = sqlite3.connect(where, timeout=timeout, isolation_level=None)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.execute("PRAGMA synchronous=FULL")
    return connection


def _too_new(where: str, found: int) -> LedgerError:
    return LedgerError(
        f"{where}: the ledger has schema version {found}, written by a newer jixiao; this one reads up to "
        f"{LATEST}: upgrade jixiao (nothing was changed)",
        f"{where}：账本的结构版本为 {found}，由更新版本的 jixiao 写入；当前版本只能读取到 {LATEST}："
        "请升级 jixiao（账本未作任何改动）")


def _version(connection: sqlite3.Connection, where: str) -> int:
    """The ledger's schema version, once it is known to be a jixiao ledger in one piece (or LedgerError)."""
    try:
        version = current_version(connection)
        if version is None:
            raise NotALedger()
        if 0 < version <= LATEST:
            check_structure(connection, version)
    except NotALedger:
        raise LedgerError(f"{where}: is an SQLite database but not a jixiao ledger; choose another --db file",
                          f"{where}：是 SQLite 数据库，但不是 jixiao 账本；请用 --db 指定其他文件") from None
    except BadVersion as exc:
        raise codec.Damaged(f"its schema_version holds {exc.found!r}, not the versions jixiao writes",
                            f"其 schema_version 中是 {exc.found!r}，不是 jixiao 写入的版本号").in_file(where) from None
    except MissingStructure as exc:
        raise codec.Damaged(f"{exc.what} is missing (or this is not a jixiao ledger)",
                            f"缺少 {exc.what}（或者这不是 jixiao 账本）").in_file(where) from None
    if version > LATEST:
        raise _too_new(where, version)
    return version


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
                migrate(connection)  # a new ledger: every table, at LATEST
            elif version < LATEST:
                raise LedgerError(
                    f"{where}: the ledger has schema version {version}; this jixiao uses version {LATEST}: run "
                    f"jixiao migrate --db {where} first (it keeps a copy of the file as it is; nothing was changed)",
                    f"{where}：账本的结构版本为 {version}，当前 jixiao 使用版本 {LATEST}：请先运行 "
                    f"jixiao migrate --db {where}（它会保留文件当前的副本；账本未作任何改动）")
        except BaseException:
            connection.close()
            raise
    return SqliteLedger(connection, where)


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
            return Upgraded(found, migrate(connection), backup)
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


_RUN_COLUMNS = ("runs.id, period, status, policies.id, policies.version, policy_sha256, policy_path, fingerprint, "
                "report_sha256, agents, total, superseded_by, jixiao_version, recorded_at, state_sha256, "
                "outcomes_sha256, cause, caused_by, layout_sha256")
_EVENT_COLUMNS = "period, action, by, reason, at, run_id"
_OUTCOME_COLUMNS = ("agent, name, team, role, grade, score, rating, kpis, pay, total, choices, penalties, trace, "
                    "evaluated_total")


class SqliteLedger:
    """`engine.ledger.store.Ledger` over one SQLite file."""

    def __init__(self, connection: sqlite3.Connection, path: str):
        self.connection = connection
        self.path = path
        self._depth = 0  # transactions open: `writing` may hold one that a run's write joins

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> SqliteLedger:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- reading ---------------------------------------------------------------------------------

    def _infos(self, where: str, args: tuple) -> list[RunInfo]:
        with _translated(self.path):
            rows = self.connection.execute(
                f"SELECT {_RUN_COLUMNS} FROM runs JOIN policies ON policies.sha256 = policy_sha256 {where}", args
            ).fetchall()
            inputs: dict[int, list[InputFile]] = {}
            wanted = sorted({row[0] for row in rows})
            for start in range(0, len(wanted), 500):  # only the runs asked for, in batches SQLite accepts
                batch = wanted[start:start + 500]
                for run_id, kind, path, sha in self.connection.execute(
                        "SELECT run_id, kind, path, sha256 FROM run_inputs WHERE run_id IN "
                        f"({', '.join('?' * len(batch))}) ORDER BY run_id, kind", batch):
                    inputs.setdefault(run_id, []).append(InputFile(kind, path, sha))
        return [RunInfo(*row, inputs=tuple(inputs.get(row[0], ()))) for row in rows]

    def runs(self, period: str | None = None, *, verify: bool = False) -> list[RunInfo]:
        """Runs in period and id order; with `verify`, each run's total and head count checked against
        its outcomes (what `jixiao runs` lists), or codec.Damaged."""
        found = (self._infos("ORDER BY period, runs.id", ()) if period is None
                 else self._infos("WHERE period = ? ORDER BY runs.id", (period,)))
        if verify:
            totals: dict[int, list[Decimal]] = {}
            with _translated(self.path):
                for run_id, agent, total in self.connection.execute("SELECT run_id, agent, total FROM outcomes"):
                    try:
                        totals.setdefault(run_id, []).append(codec.number(total))
                    except codec.Damaged as exc:
                        raise exc.at(*_row_place(run_id, agent, _column("total"))) from None
                for info in found:
                    try:
                        check_run(info.total, info.agents, totals.get(info.id, []))
                    except codec.Damaged as exc:
                        raise exc.at(*_row_place(info.id)) from None
        return found

    def run(self, run_id: int) -> RunInfo | None:
        found = self._infos("WHERE runs.id = ?", (run_id,))
        return found[0] if found else None

    def current_run(self, period: str) -> RunInfo | None:
        found = self._infos("WHERE period = ? AND status = 'current'", (period,))
        return found[0] if found else None

    def approval(self, period: str) -> PeriodEvent | None:
        with _translated(self.path):
            row = self.connection.execute(
                f"SELECT {_EVENT_COLUMNS} FROM period_events WHERE period = ? ORDER BY id DESC LIMIT 1",
                (period,)).fetchone()
            event = _event(row) if row else None
        return event if event is not None and event.action == "approve" else None

    def events(self, period: str) -> list[PeriodEvent]:
        with _translated(self.path):
            rows = self.connection.execute(
                f"SELECT {_EVENT_COLUMNS} FROM period_events WHERE period = ? ORDER BY id", (period,))
            return [_event(row) for row in rows]

    def policy_source(self, sha256: str) -> PolicySource:
        with _translated(self.path):
            row = self.connection.execute("SELECT sha256, id, version, source FROM policies WHERE sha256 = ?",
                                          (sha256,)).fetchone()
            if row is None:
                raise LedgerError(
                    f"{self.path}: policy {sha256[:12]} is missing from the ledger; restore it from a backup",
                    f"{self.path}：账本中缺少方案 {sha256[:12]}；请从备份恢复账本")
            if not isinstance(row[3], bytes):
                raise codec.Damaged("its policy source is not the policy's bytes", "方案原文不是方案文件的字节")
            return PolicySource(*map(codec.string, row[:3]), "", row[3])

    def outcomes(self, run_id: int, agent: str | None = None, *, trace: bool = True,
                 parts: frozenset[str] = PARTS) -> list[Outcome]:
        """See `Ledger.outcomes`; every outcome is checked (engine.ledger.verify) before it is returned,
        and, when all of a run's are read, the run's total and head count too."""
        where, args = ("run_id = ?", (run_id,)) if agent is None else ("run_id = ? AND agent = ?", (run_id, agent))
        columns = _OUTCOME_COLUMNS if trace else _OUTCOME_COLUMNS.replace("trace", "'None'")
        for part in PARTS - parts:
            columns = columns.replace(f" {part},", " '()',")
        with _translated(self.path):
            extra: dict[str, list[Adjustment]] = {}
            for row in self.connection.execute(
                    f"SELECT agent, amount, reason, approved_by, source, line FROM adjustments WHERE {where} "
                    "ORDER BY line", args):
                try:
                    line = Adjustment(codec.string(row[0]), codec.number(row[1]), *map(codec.string, row[2:5]))
                except codec.Damaged as exc:
                    place = (f"adjustment line {row[5]}", f"人工调整第 {row[5]} 行")
                    raise exc.at(*_row_place(run_id, row[0], place)) from None
                extra.setdefault(line.agent, []).append(line)
            retro: dict[str, list[RetroLine]] = {}
            for row in self.connection.execute(
                    "SELECT agent, for_period, approved_run, correction_run, owed, amount, waived, bound, line "
                    f"FROM retro_lines WHERE {where} ORDER BY agent, line", args):
                try:
                    retro_line = _retro_line(row)
                except codec.Damaged as exc:
                    place = (f"retroactive line {row[8]}", f"追溯调整第 {row[8]} 行")
                    raise exc.at(*_row_place(run_id, row[0], place)) from None
                retro.setdefault(retro_line.agent, []).append(retro_line)
            run = self.connection.execute("SELECT period, total, agents FROM runs WHERE id = ?", (run_id,)).fetchone()
            if run is None:
                return []
            rows = self.connection.execute(f"SELECT {columns} FROM outcomes WHERE {where} ORDER BY agent",
                                           args).fetchall()
            found = [self._outcome(row, run_id, run[0], extra, retro, parts) for row in rows]
            if agent is None:
                try:
                    check_run(run[1], run[2], [o.total for o in found])
                except codec.Damaged as exc:
                    raise exc.at(*_row_place(run_id)) from None
            return found

    @staticmethod
    def _outcome(row: tuple, run_id: int, period: str, lines: dict[str, list[Adjustment]],
                 retro: dict[str, list[RetroLine]], parts: frozenset[str]) -> Outcome:
        """One outcome row read back and checked (engine.ledger.verify), or codec.Damaged saying where."""
        agent, name, team, role, grade, score, rating, kpis, pay, total, choices, penalties, trace, evaluated = row
        value = codec.from_text
        try:
            # By keyword: fields the evaluation may gain later keep their defaults rather than shift these.
            result = AgentResult(agent=codec.string(agent), period=period, team=codec.string(team),
                                 name=codec.string(name), role=_optional(role), grade=_optional(grade),
                                 score=codec.number(score), rating=_optional(rating), kpis=value(kpis), pay=value(pay),
                                 total=codec.number(evaluated), choices=value(choices), penalties=value(penalties),
                                 trace=value(trace))
            outcome = Outcome(result, tuple(lines.get(agent, ())), codec.number(total), tuple(retro.get(agent, ())))
            check_outcome(outcome, read=parts)
        except codec.Damaged as exc:
            raise _located(exc, row, run_id) from None
        return outcome

    def latest_penalties(self, before: str) -> dict[str, tuple]:
        """Each agent's recorded penalties (the tuple the evaluation left) of her latest month before
        `before`, keyed as recorded; what they mean is the state stage's to say."""
        found: dict[str, tuple] = {}
        with _translated(self.path):
            rows = self.connection.execute(
                "SELECT agent, penalties FROM (SELECT o.agent, o.penalties, ROW_NUMBER() OVER (PARTITION BY o.agent "
                "ORDER BY r.period DESC) AS latest FROM outcomes o JOIN runs r ON r.id = o.run_id "
                "WHERE r.status = 'current' AND r.period < ?) WHERE latest = 1 AND penalties != '()'", (before,))
            for agent, text in rows:
                found[codec.string(agent)] = codec.from_text(text) or ()
        return found

    def history(self, agent: str) -> list[tuple[RunInfo, Outcome]]:
        found = []
        for current in self._infos("WHERE status = 'current' ORDER BY period", ()):
            # The month as paid, as `show` prints it: its approved run while approved (a correction
            # made since is settled by retro lines later), else its current run.
            info = self.approved_run(current.period) or current
            mine = self.outcomes(info.id, agent, trace=False)  # what history shows needs no trace
            if mine:
                found.append((info, mine[0]))
        return found

    def decisions(self, agent: str | None = None, before: str | None = None, *,
                  changes: bool = False) -> list[Decision]:
        sql = ("SELECT agent, decisions.period, kind, from_value, to_value, reason, rule, run_id, decisions.id, "
               "decisions.recorded_at, reason_en, decided_by, months_met, months_of FROM decisions "
               "LEFT JOIN runs ON runs.id = run_id "
               "WHERE (run_id IS NULL OR runs.status = 'current')")
        args: list[str] = []
        if changes:
            sql += f" AND kind IN ({', '.join(repr(str(kind)) for kind in sorted(CHANGES))})"
        if agent is not None:
            sql += " AND agent = ?"
            args.append(agent)
        if before is not None:
            sql += " AND decisions.period < ?"
            args.append(before)
        with _translated(self.path):
            rows = self.connection.execute(sql + " ORDER BY decisions.period, decisions.id", args).fetchall()
        return [Decision(*row) for row in rows]

    # -- writing ---------------------------------------------------------------------------------

    @contextmanager
    def writing(self, *, keep: bool = True) -> Iterator[None]:
        with self._transaction(keep=keep):
            yield

    @contextmanager
    def _transaction(self, *, keep: bool = True) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE (the write lock, taken before anything is read); inside another, joins it."""
        if self._depth:
            self._depth += 1
            try:
                yield self.connection
            finally:
                self._depth -= 1
            return
        with _translated(self.path):
            self.connection.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self.connection
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0
            self.connection.execute("COMMIT" if keep else "ROLLBACK")

    def add_decisions(self, decisions: Sequence[Decision]) -> None:
        with self._transaction() as db:
            _insert_decisions(db, decisions, None)

    def record_run(self, run: NewRun) -> RunInfo:
        with self._transaction() as db:
            approved = self.approval(run.period)
            if approved is not None and run.cause is not Cause.CORRECTION:
                refuse_if_locked(self, run.period)
            current = self.current_run(run.period)
            if (current.id if current is not None else None) != run.replaces:
                raise LedgerError(
                    f"{self.path}: {run.period} was recorded by another jixiao while this one was evaluating; "
                    "run it again",
                    f"{self.path}：本次计算期间，另一个 jixiao 记录了 {run.period}；请重新运行")
            db.execute("INSERT OR IGNORE INTO policies VALUES (?, ?, ?, ?)",
                       (run.policy.sha256, run.policy.id, run.policy.version, run.policy.source))
            self.keep_inputs(run.blobs)
            if current is not None:
                db.execute("UPDATE runs SET status = 'superseded' WHERE id = ?", (current.id,))
            total = sum((o.total for o in run.outcomes), Decimal(0)) if run.total is None else run.total
            cursor = db.execute(
                "INSERT INTO runs (period, policy_sha256, policy_path, fingerprint, report_sha256, agents, total, "
                "status, jixiao_version, recorded_at, state_sha256, outcomes_sha256, cause, caused_by, layout_sha256) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'current', ?, ?, ?, ?, ?, ?, ?)",
                (run.period, run.policy.sha256, run.policy.path, run.fingerprint, run.report_sha256,
                 len(run.outcomes), str(total), run.jixiao_version, utc_now(), run.state_sha256, run.outcomes_sha256,
                 str(run.cause), run.caused_by, run.layout_sha256))
            run_id = cursor.lastrowid
            if current is not None:
                db.execute("UPDATE runs SET superseded_by = ? WHERE id = ?", (run_id, current.id))
            db.executemany("INSERT INTO run_inputs VALUES (?, ?, ?, ?)",
                           [(run_id, f.kind, f.path, f.sha256) for f in run.inputs])
            db.executemany(f"INSERT INTO outcomes (run_id, {_OUTCOME_COLUMNS}) VALUES "
                           "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           _outcome_rows(run_id, run.outcomes, run.texts))
            db.executemany("INSERT INTO adjustments VALUES (?, ?, ?, ?, ?, ?, ?)", [
                (run_id, line, a.agent, str(a.amount), a.reason, a.approved_by, a.source)
                for line, a in enumerate((a for o in run.outcomes for a in o.adjustments), start=1)])
            db.executemany("INSERT INTO retro_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                (run_id, r.agent, line, r.period, r.approved_run, r.correction_run, str(r.owed), str(r.amount),
                 str(r.waived), str(r.bound))
                for o in run.outcomes for line, r in enumerate(o.retro, start=1)])
            _insert_decisions(db, run.decisions, run_id)
            db.execute("INSERT INTO run_states VALUES (?, ?, ?, ?)", (run_id, run.state_sha256, run.caused_by,
                                                                      utc_now()))
        info = self.run(run_id)
        assert info is not None
        return info

    def keep_inputs(self, blobs: Mapping[str, bytes]) -> None:
        with self._transaction() as db:
            for sha, data in blobs.items():
                if db.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (sha,)).fetchone() is None:
                    db.execute("INSERT INTO blobs VALUES (?, ?, ?)", (sha, len(data), zlib.compress(data, 1)))

    def decisions_of(self, run_id: int) -> list[Decision]:
        with _translated(self.path):
            rows = self.connection.execute(
                "SELECT agent, period, kind, from_value, to_value, reason, rule, run_id, id, recorded_at, reason_en, "
                "decided_by, months_met, months_of "
                "FROM decisions WHERE run_id = ? ORDER BY id", (run_id,)).fetchall()
        return [Decision(*row) for row in rows]

    def confirm_state(self, run_id: int, state_sha256: str, caused_by: int | None) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR IGNORE INTO run_states VALUES (?, ?, ?, ?)",
                       (run_id, state_sha256, caused_by, utc_now()))

    def states(self, run_id: int) -> frozenset[str]:
        with _translated(self.path):
            rows = self.connection.execute("SELECT state_sha256 FROM run_states WHERE run_id = ?", (run_id,))
            return frozenset(row[0] for row in rows)

    def input_bytes(self, sha256: str) -> bytes:
        with _translated(self.path):
            row = self.connection.execute("SELECT size, data FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            raise LedgerError(f"{self.path}: the input file {sha256[:12]} is not kept in the ledger",
                              f"{self.path}：账本中没有保存输入文件 {sha256[:12]}")
        try:
            data = zlib.decompress(row[1], bufsize=max(int(row[0]), 1))
        except (zlib.error, ValueError, TypeError):
            data = b""
        if len(data) != row[0] or hashlib.sha256(data).hexdigest() != sha256:
            raise LedgerError(
                f"{self.path}: the kept input file {sha256[:12]} is damaged; restore the ledger from a backup",
                f"{self.path}：账本中保存的输入文件 {sha256[:12]} 已损坏；请从备份恢复账本")
        return data

    def approved_run(self, period: str) -> RunInfo | None:
        event = self.approval(period)
        if event is None:
            return None
        return self.run(event.run_id) if event.run_id is not None else self.current_run(period)

    def settlements(self, for_period: str) -> list[Settlement]:
        with _translated(self.path):
            rows = self.connection.execute(
                "SELECT r.period, r.id, l.agent, l.for_period, l.amount, l.waived, l.bound FROM retro_lines l "
                "JOIN runs r ON r.id = l.run_id WHERE l.for_period = ? ORDER BY r.period, r.id, l.agent, l.line",
                (for_period,)).fetchall()
        return [Settlement(period, run_id, agent, month, Decimal(amount) + Decimal(waived), bound)
                for period, run_id, agent, month, amount, waived, bound in rows]

    def approve(self, period: str, by: str) -> PeriodEvent:
        with self._transaction() as db:
            if self.current_run(period) is None:
                raise LedgerError(f"{self.path}: no run recorded for {period}; record it with jixiao run first",
                                  f"{self.path}：{period} 尚无运行记录；请先用 jixiao run 记录")
            current = self.current_run(period)
            event = PeriodEvent(period, "approve", by, "", utc_now(), current.id if current else None)
            db.execute("INSERT INTO period_events (period, action, by, reason, at, run_id) VALUES (?, ?, ?, ?, ?, ?)",
                       (event.period, event.action, event.by, event.reason, event.at, event.run_id))
        return event

    def reopen(self, period: str, reason: str, by: str) -> PeriodEvent:
        if not reason.strip():
            raise LedgerError("reopening a period needs a reason: --reason \"…\"",
                              "重新开放月份需要说明原因：--reason \"…\"")
        with self._transaction() as db:
            if self.approval(period) is None:
                raise LedgerError(f"{self.path}: {period} is not approved, so there is nothing to reopen",
                                  f"{self.path}：{period} 尚未审批，无需重新开放")
            settled = sorted({line.period for line in self.settlements(period)
                              if (paid := self.approved_run(line.period)) is not None and paid.id == line.run_id})
            if settled:  # reopened, the month would pay again what those approved months already settled
                months = ", ".join(settled)
                raise LedgerError(
                    f"{self.path}: a correction of {period} was settled by retroactive lines in the approved month(s) "
                    f"{months}; reopen {months} first, or leave {period} approved and correct it through a later "
                    "open month",
                    f"{self.path}：{period} 的更正已在已审批的 {'、'.join(settled)} 以追溯调整结清；请先重新开放"
                    f" {'、'.join(settled)}，或保持 {period} 已审批、通过以后未审批的月份更正")
            event = PeriodEvent(period, "reopen", by, reason, utc_now())
            db.execute("INSERT INTO period_events (period, action, by, reason, at) VALUES (?, ?, ?, ?, ?)",
                       (event.period, event.action, event.by, event.reason, event.at))
        return event


def _row_place(run_id: int, agent: object = None, column: tuple[str, str] | None = None) -> tuple[str, str]:
    """Where in the ledger a damaged value is, as `codec.Damaged.at` takes it."""
    en, zh = f"run {run_id}", f"第 {run_id} 次运行"
    if agent is not None:
        en, zh = f"{en}, agent {agent!r}", f"{zh}，客服 {agent!r}"
    if column is not None:
        en, zh = f"{en}, {column[0]}", f"{zh}，{column[1]}"
    return en, zh


def _column(name: str) -> tuple[str, str]:
    return f"column {name}", f"列 {name}"


def _optional(value: object) -> str | None:
    return None if value is None else codec.string(value)


def _run_id(value: object) -> int | None:
    if value is None or type(value) is int:
        return value
    raise codec.Damaged(f"{value!r} where a run number belongs", f"应为运行编号，实为 {value!r}")


def _event(row: tuple) -> PeriodEvent:
    """A period_events row as jixiao wrote it (its texts and the run an approval approved), or Damaged."""
    *texts, run_id = row
    return PeriodEvent(*map(codec.string, texts), _run_id(run_id))


def _retro_line(row: tuple) -> RetroLine:
    """A retro_lines row as jixiao wrote it, or Damaged."""
    agent, period, approved, correction, owed, amount, waived, bound, _ = row
    if codec.string(bound) not in {b.value for b in Bound} or type(approved) is not int or type(correction) is not int:
        raise codec.Damaged("not a retroactive line as jixiao writes one", "不是 jixiao 写入的追溯调整")
    return RetroLine(codec.string(agent), codec.string(period), approved, correction, codec.number(owed),
                     codec.number(amount), codec.number(waived), Bound(bound))


# How each column of _OUTCOME_COLUMNS is read back; a value these refuse is a damaged ledger.
_DECODE = {"agent": codec.string, "name": codec.string, "team": codec.string, "role": _optional,
           "grade": _optional, "score": codec.number, "rating": _optional, "kpis": codec.from_text,
           "pay": codec.from_text, "total": codec.number, "choices": codec.from_text, "penalties": codec.from_text,
           "trace": codec.from_text, "evaluated_total": codec.number}
_NAMES = tuple(name.strip() for name in _OUTCOME_COLUMNS.split(","))


def _located(exc: codec.Damaged, row: tuple, run_id: int) -> codec.Damaged:
    """`exc` at its run and agent, and at the first column that does not read back, if one does not."""
    for column, raw in zip(_NAMES, row, strict=True):
        try:
            _DECODE[column](raw)
        except codec.Damaged as found:
            return found.at(*_row_place(run_id, row[0], _column(column)))
    return exc.at(*_row_place(run_id, row[0]))


def _outcome_rows(run_id: int, outcomes: Sequence[Outcome],
                  texts: Sequence[tuple[str, ...]] | None) -> Iterator[tuple]:
    for (r, _, total, _), (kpis, pay, choices, penalties, trace) in zip(
            outcomes, texts if texts is not None else outcome_texts(outcomes), strict=True):
        yield (run_id, r.agent, r.name, r.team, r.role, r.grade, str(r.score), r.rating, kpis, pay, str(total),
               choices, penalties, trace, str(r.total))


def _insert_decisions(db: sqlite3.Connection, decisions: Sequence[Decision], run_id: int | None) -> None:
    now = utc_now()
    db.executemany(
        "INSERT INTO decisions (run_id, agent, period, kind, from_value, to_value, reason, rule, recorded_at, "
        "reason_en, decided_by, months_met, months_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(run_id if d.run_id is None else d.run_id, d.agent, d.period, str(d.kind), d.from_value, d.to_value,
          d.reason, d.rule, now, d.reason_en, d.decided_by, d.months_met, d.months_of) for d in decisions])
