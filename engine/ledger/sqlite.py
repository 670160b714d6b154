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
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal

from engine.ledger import codec
from engine.ledger.migrations import LATEST, NotALedger, SchemaTooNew, migrate
from engine.ledger.store import (
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
from engine.policy.compile_penalties import CARRIED_OUT
from engine.run.adjust import Adjustment, Outcome
from engine.run.evaluate import AgentResult
from engine.run.retro import Bound, RetroLine

DEFAULT_DB = "jixiao.db"


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextmanager
def _translated(path: str) -> Iterator[None]:
    """sqlite3's errors as one-line LedgerErrors naming the file (locked, damaged, unreadable)."""
    try:
        yield
    except LedgerError:
        raise
    except sqlite3.OperationalError as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            raise LedgerError(f"{path}: the ledger is in use by another jixiao (locked); try again when it is done",
                              f"{path}：账本正被另一个 jixiao 使用（已锁定）；请等它结束后再试") from None
        raise LedgerError(f"{path}: cannot use the ledger: {text}", f"{path}：无法使用账本：{text}") from None
    except sqlite3.DatabaseError as exc:
        raise LedgerError(f"{path}: not a readable jixiao ledger ({exc}); it may be damaged: restore it from a backup",
                          f"{path}：不是可读取的 jixiao 账本（{exc}）；文件可能已损坏，请从备份恢复") from None
    except codec.BadTrace as exc:
        raise LedgerError(f"{path}: a recorded trace is damaged ({exc}); restore the ledger from a backup",
                          f"{path}：账本中的一条计算过程已损坏（{exc}）；请从备份恢复账本") from None


def open_ledger(path: str | os.PathLike = DEFAULT_DB, *, create: bool = False, timeout: float = 5.0) -> SqliteLedger:
    """Open (with `create`, create) the ledger at `path`, migrated to the latest schema, or LedgerError."""
    where = os.fspath(path)
    if not create and not os.path.exists(where):
        raise LedgerError(f"{where}: no ledger here; record a month first: jixiao run --period YYYY-MM --db {where}",
                          f"{where}：此处没有账本；请先用 jixiao run --period YYYY-MM --db {where} 记录一个月份")
    if os.path.isdir(where):
        inside = os.path.join(where, DEFAULT_DB)
        raise LedgerError(f"{where}: is a folder; --db names the ledger file, e.g. --db {inside}",
                          f"{where}：这是一个文件夹；--db 应指定账本文件，如 --db {inside}")
    with _translated(where):
        connection = sqlite3.connect(where, timeout=timeout, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=DELETE")
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA foreign_keys=ON")
            migrate(connection)
        except NotALedger:
            connection.close()
            raise LedgerError(f"{where}: is an SQLite database but not a jixiao ledger; choose another --db file",
                              f"{where}：是 SQLite 数据库，但不是 jixiao 账本；请用 --db 指定其他文件") from None
        except SchemaTooNew as exc:
            connection.close()
            raise LedgerError(
                f"{where}: the ledger has schema version {exc.found}, written by a newer jixiao; this one reads up to "
                f"{LATEST}: upgrade jixiao (nothing was changed)",
                f"{where}：账本的结构版本为 {exc.found}，由更新版本的 jixiao 写入；当前版本只能读取到 {LATEST}："
                "请升级 jixiao（账本未作任何改动）") from None
        except BaseException:
            connection.close()
            raise
    return SqliteLedger(connection, where)


_RUN_COLUMNS = ("runs.id, period, status, policies.id, policies.version, policy_sha256, policy_path, fingerprint, "
                "report_sha256, agents, total, superseded_by, jixiao_version, recorded_at, state_sha256, "
                "outcomes_sha256, cause, caused_by")
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
            for run_id, kind, path, sha in self.connection.execute(
                    "SELECT run_id, kind, path, sha256 FROM run_inputs ORDER BY run_id, kind"):
                inputs.setdefault(run_id, []).append(InputFile(kind, path, sha))
        return [RunInfo(*row, inputs=tuple(inputs.get(row[0], ()))) for row in rows]

    def runs(self, period: str | None = None) -> list[RunInfo]:
        if period is None:
            return self._infos("ORDER BY period, runs.id", ())
        return self._infos("WHERE period = ? ORDER BY runs.id", (period,))

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
        event = PeriodEvent(*row) if row else None
        return event if event is not None and event.action == "approve" else None

    def events(self, period: str) -> list[PeriodEvent]:
        with _translated(self.path):
            rows = self.connection.execute(
                f"SELECT {_EVENT_COLUMNS} FROM period_events WHERE period = ? ORDER BY id", (period,))
            return [PeriodEvent(*row) for row in rows]

    def policy_source(self, sha256: str) -> PolicySource:
        with _translated(self.path):
            row = self.connection.execute("SELECT sha256, id, version, source FROM policies WHERE sha256 = ?",
                                          (sha256,)).fetchone()
        if row is None:
            raise LedgerError(f"{self.path}: policy {sha256[:12]} is missing from the ledger; restore it from a backup",
                              f"{self.path}：账本中缺少方案 {sha256[:12]}；请从备份恢复账本")
        return PolicySource(row[0], row[1], row[2], "", bytes(row[3]))

    def outcomes(self, run_id: int, agent: str | None = None, *, trace: bool = True,
                 parts: frozenset[str] = PARTS) -> list[Outcome]:
        where, args = ("run_id = ?", (run_id,)) if agent is None else ("run_id = ? AND agent = ?", (run_id, agent))
        columns = _OUTCOME_COLUMNS if trace else _OUTCOME_COLUMNS.replace("trace", "'None'")
        for part in PARTS - parts:
            columns = columns.replace(f" {part},", " '()',")
        with _translated(self.path):
            extra: dict[str, list[Adjustment]] = {}
            for row in self.connection.execute(
                    f"SELECT agent, amount, reason, approved_by, source FROM adjustments WHERE {where} ORDER BY line",
                    args):
                extra.setdefault(row[0], []).append(Adjustment(row[0], Decimal(row[1]), *row[2:]))
            retro: dict[str, list[RetroLine]] = {}
            for agent_id, for_period, approved, correction, owed, amount, waived, bound in self.connection.execute(
                    "SELECT agent, for_period, approved_run, correction_run, owed, amount, waived, bound "
                    f"FROM retro_lines WHERE {where} ORDER BY agent, line", args):
                retro.setdefault(agent_id, []).append(RetroLine(
                    agent_id, for_period, approved, correction, Decimal(owed), Decimal(amount), Decimal(waived),
                    Bound(bound)))
            period = self.connection.execute("SELECT period FROM runs WHERE id = ?", (run_id,)).fetchone()
            rows = self.connection.execute(f"SELECT {columns} FROM outcomes WHERE {where} ORDER BY agent",
                                           args).fetchall()
            return [self._outcome(row, period[0], extra, retro) for row in rows]

    @staticmethod
    def _outcome(row: tuple, period: str, lines: dict[str, list[Adjustment]],
                 retro: dict[str, list[RetroLine]]) -> Outcome:
        agent, name, team, role, grade, score, rating, kpis, pay, total, choices, penalties, trace, evaluated = row
        value = codec.from_text
        # By keyword: fields the evaluation may gain later keep their defaults rather than shift these.
        result = AgentResult(agent=agent, period=period, team=team, name=name, role=role, grade=grade,
                             score=Decimal(score), rating=rating, kpis=value(kpis), pay=value(pay),
                             total=Decimal(evaluated), choices=value(choices), penalties=value(penalties),
                             trace=value(trace))
        return Outcome(result, tuple(lines.get(agent, ())), Decimal(total), tuple(retro.get(agent, ())))

    def carried(self, before: str) -> dict[str, Decimal]:
        """Each agent's loss still to deduct (L.1) after their latest recorded month before `before`."""
        found: dict[str, Decimal] = {}
        with _translated(self.path):
            rows = self.connection.execute(
                "SELECT agent, penalties FROM (SELECT o.agent, o.penalties, ROW_NUMBER() OVER (PARTITION BY o.agent "
                "ORDER BY r.period DESC) AS latest FROM outcomes o JOIN runs r ON r.id = o.run_id "
                "WHERE r.status = 'current' AND r.period < ?) WHERE latest = 1 AND penalties != '()'", (before,))
            for agent, text in rows:
                amount = dict(codec.from_text(text) or ()).get(CARRIED_OUT)
                if isinstance(amount, Decimal) and amount:
                    found[agent] = amount
        return found

    def history(self, agent: str) -> list[tuple[RunInfo, Outcome]]:
        found = []
        for info in self._infos("WHERE status = 'current' ORDER BY period", ()):
            mine = self.outcomes(info.id, agent)
            if mine:
                found.append((info, mine[0]))
        return found

    def decisions(self, agent: str | None = None, before: str | None = None) -> list[Decision]:
        sql = ("SELECT agent, decisions.period, kind, from_value, to_value, reason, rule, run_id, decisions.id, "
               "decisions.recorded_at, reason_en FROM decisions LEFT JOIN runs ON runs.id = run_id "
               "WHERE (run_id IS NULL OR runs.status = 'current')")
        args: list[str] = []
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
            total = sum((o.total for o in run.outcomes), Decimal(0))
            cursor = db.execute(
                "INSERT INTO runs (period, policy_sha256, policy_path, fingerprint, report_sha256, agents, total, "
                "status, jixiao_version, recorded_at, state_sha256, outcomes_sha256, cause, caused_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'current', ?, ?, ?, ?, ?, ?)",
                (run.period, run.policy.sha256, run.policy.path, run.fingerprint, run.report_sha256,
                 len(run.outcomes), str(total), run.jixiao_version, utc_now(), run.state_sha256, run.outcomes_sha256,
                 str(run.cause), run.caused_by))
            run_id = cursor.lastrowid
            if current is not None:
                db.execute("UPDATE runs SET superseded_by = ? WHERE id = ?", (run_id, current.id))
            db.executemany("INSERT INTO run_inputs VALUES (?, ?, ?, ?)",
                           [(run_id, f.kind, f.path, f.sha256) for f in run.inputs])
            db.executemany(f"INSERT INTO outcomes (run_id, {_OUTCOME_COLUMNS}) VALUES "
                           "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _outcome_rows(run_id, run.outcomes))
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
                "SELECT agent, period, kind, from_value, to_value, reason, rule, run_id, id, recorded_at, reason_en "
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


def _outcome_rows(run_id: int, outcomes: Sequence[Outcome]) -> Iterator[tuple]:
    text = codec.as_text
    for r, _, total, _ in outcomes:
        yield (run_id, r.agent, r.name, r.team, r.role, r.grade, str(r.score), r.rating, text(r.kpis), text(r.pay),
               str(total), text(r.choices), text(r.penalties), text(r.trace), str(r.total))


def _insert_decisions(db: sqlite3.Connection, decisions: Sequence[Decision], run_id: int | None) -> None:
    now = utc_now()
    db.executemany(
        "INSERT INTO decisions (run_id, agent, period, kind, from_value, to_value, reason, rule, recorded_at, "
        "reason_en) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(run_id if d.run_id is None else d.run_id, d.agent, d.period, d.kind, d.from_value, d.to_value, d.reason,
          d.rule, now, d.reason_en) for d in decisions])
