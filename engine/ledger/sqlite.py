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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal

from engine.ledger import codec
from engine.ledger.migrations import LATEST, NotALedger, SchemaTooNew, migrate
from engine.ledger.store import (
    PARTS,
    Decision,
    InputFile,
    LedgerError,
    NewRun,
    PeriodEvent,
    PolicySource,
    RunInfo,
    SameRun,
    needs_supersede,
    refuse_if_locked,
)
from engine.policy.compile_penalties import CARRIED_OUT
from engine.run.adjust import Adjustment, Outcome
from engine.run.evaluate import AgentResult

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
                "report_sha256, agents, total, superseded_by, jixiao_version, recorded_at")
_OUTCOME_COLUMNS = ("agent, name, team, role, grade, score, rating, kpis, pay, total, choices, penalties, trace, "
                    "evaluated_total")


class SqliteLedger:
    """`engine.ledger.store.Ledger` over one SQLite file."""

    def __init__(self, connection: sqlite3.Connection, path: str):
        self.connection = connection
        self.path = path

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
                "SELECT period, action, by, reason, at FROM period_events WHERE period = ? ORDER BY id DESC LIMIT 1",
                (period,)).fetchone()
        event = PeriodEvent(*row) if row else None
        return event if event is not None and event.action == "approve" else None

    def events(self, period: str) -> list[PeriodEvent]:
        with _translated(self.path):
            rows = self.connection.execute(
                "SELECT period, action, by, reason, at FROM period_events WHERE period = ? ORDER BY id", (period,))
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
            period = self.connection.execute("SELECT period FROM runs WHERE id = ?", (run_id,)).fetchone()
            rows = self.connection.execute(f"SELECT {columns} FROM outcomes WHERE {where} ORDER BY agent",
                                           args).fetchall()
            return [self._outcome(row, period[0], extra) for row in rows]

    @staticmethod
    def _outcome(row: tuple, period: str, lines: dict[str, list[Adjustment]]) -> Outcome:
        agent, name, team, role, grade, score, rating, kpis, pay, total, choices, penalties, trace, evaluated = row
        value = codec.from_text
        # By keyword: fields the evaluation may gain later keep their defaults rather than shift these.
        result = AgentResult(agent=agent, period=period, team=team, name=name, role=role, grade=grade,
                             score=Decimal(score), rating=rating, kpis=value(kpis), pay=value(pay),
                             total=Decimal(evaluated), choices=value(choices), penalties=value(penalties),
                             trace=value(trace))
        return Outcome(result, tuple(lines.get(agent, ())), Decimal(total))

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
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with _translated(self.path):
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")

    def add_decisions(self, decisions: Sequence[Decision]) -> None:
        with self._transaction() as db:
            _insert_decisions(db, decisions, None)

    def record_run(self, run: NewRun, *, supersede: bool) -> RunInfo:
        with self._transaction() as db:
            refuse_if_locked(self, run.period)
            current = self.current_run(run.period)
            if current is not None and current.fingerprint == run.fingerprint:
                raise SameRun(current)
            if current is not None and not supersede:
                raise needs_supersede(current)
            db.execute("INSERT OR IGNORE INTO policies VALUES (?, ?, ?, ?)",
                       (run.policy.sha256, run.policy.id, run.policy.version, run.policy.source))
            if current is not None:
                db.execute("UPDATE runs SET status = 'superseded' WHERE id = ?", (current.id,))
            total = sum((o.total for o in run.outcomes), Decimal(0))
            cursor = db.execute(
                "INSERT INTO runs (period, policy_sha256, policy_path, fingerprint, report_sha256, agents, total, "
                "status, jixiao_version, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'current', ?, ?)",
                (run.period, run.policy.sha256, run.policy.path, run.fingerprint, run.report_sha256,
                 len(run.outcomes), str(total), run.jixiao_version, utc_now()))
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
            _insert_decisions(db, run.decisions, run_id)
        info = self.run(run_id)
        assert info is not None
        return info

    def approve(self, period: str, by: str) -> PeriodEvent:
        with self._transaction() as db:
            if self.current_run(period) is None:
                raise LedgerError(f"{self.path}: no run recorded for {period}; record it with jixiao run first",
                                  f"{self.path}：{period} 尚无运行记录；请先用 jixiao run 记录")
            event = PeriodEvent(period, "approve", by, "", utc_now())
            db.execute("INSERT INTO period_events (period, action, by, reason, at) VALUES (?, ?, ?, ?, ?)",
                       (event.period, event.action, event.by, event.reason, event.at))
        return event

    def reopen(self, period: str, reason: str, by: str) -> PeriodEvent:
        if not reason.strip():
            raise LedgerError("reopening a period needs a reason: --reason \"…\"",
                              "重新开放月份需要说明原因：--reason \"…\"")
        with self._transaction() as db:
            if self.approval(period) is None:
                raise LedgerError(f"{self.path}: {period} is not approved, so there is nothing to reopen",
                                  f"{self.path}：{period} 尚未审批，无需重新开放")
            event = PeriodEvent(period, "reopen", by, reason, utc_now())
            db.execute("INSERT INTO period_events (period, action, by, reason, at) VALUES (?, ?, ?, ?, ?)",
                       (event.period, event.action, event.by, event.reason, event.at))
        return event


def _outcome_rows(run_id: int, outcomes: Sequence[Outcome]) -> Iterator[tuple]:
    text = codec.as_text
    for r, _, total in outcomes:
        yield (run_id, r.agent, r.name, r.team, r.role, r.grade, str(r.score), r.rating, text(r.kpis), text(r.pay),
               str(total), text(r.choices), text(r.penalties), text(r.trace), str(r.total))


def _insert_decisions(db: sqlite3.Connection, decisions: Sequence[Decision], run_id: int | None) -> None:
    now = utc_now()
    db.executemany(
        "INSERT INTO decisions (run_id, agent, period, kind, from_value, to_value, reason, rule, recorded_at, "
        "reason_en) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(run_id if d.run_id is None else d.run_id, d.agent, d.period, d.kind, d.from_value, d.to_value, d.reason,
          d.rule, now, d.reason_en) for d in decisions])
