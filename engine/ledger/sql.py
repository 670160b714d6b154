"""What the SQLite and the PostgreSQL ledgers share: every query of the `Ledger` interface, written once.

A back-end (`engine.ledger.sqlite`, `engine.ledger.postgres`) connects, translates its driver's
errors, and says how a transaction is begun and how a row's new id is read; everything else is
here, in SQL both databases read the same way (`?` placeholders, which the PostgreSQL back-end
turns into its driver's). So the append-only rules, the checks every reader makes before it shows
an amount (engine.ledger.verify) and what a damaged row is said to be are the same in both.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from decimal import Decimal

from engine.ledger import codec
from engine.ledger.digest import outcome_texts
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

# The shop setting that makes an approval by the login that ran the month an error (on | off).
FOUR_EYES = "four_eyes"


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


RUN_COLUMNS = ("runs.id, period, status, policies.id, COALESCE(NULLIF(runs.policy_version, ''), policies.version), "
               "policy_sha256, policy_path, fingerprint, "
               "report_sha256, agents, total, superseded_by, jixiao_version, recorded_at, state_sha256, "
               "outcomes_sha256, cause, caused_by, layout_sha256, shop, run_by")
EVENT_COLUMNS = "period, action, by, reason, at, run_id, login"
OUTCOME_COLUMNS = ("agent, name, team, role, grade, score, rating, kpis, pay, total, choices, penalties, flags, "
                   "trace, evaluated_total")
DECISION_COLUMNS = ("agent, decisions.period, kind, from_value, to_value, reason, rule, run_id, decisions.id, "
                    "decisions.recorded_at, reason_en, decided_by, months_met, months_of")


class SqlLedger:
    """`engine.ledger.store.Ledger` over a SQL database; a back-end supplies the methods marked below."""

    # Inserting a row unless its key is there already, as the dialect says it (policies and blobs are kept once).
    INSERT_IGNORE = ("INSERT OR IGNORE INTO", "")

    def __init__(self, connection, path: str, login: str):
        self.connection = connection
        self.path = path
        self.login = login  # who this connection acts as (see `Ledger.login`)
        self.shop = ""  # the shop every query is scoped to (`use_shop`)
        self._depth = 0  # transactions open: `writing` may hold one that a run's write joins

    # -- what a back-end supplies ----------------------------------------------------------------

    def _translated(self) -> AbstractContextManager[None]:
        """The driver's errors as one-line LedgerErrors naming the ledger."""
        raise NotImplementedError

    def _rows(self, sql: str, args: Sequence[object] = ()) -> list[tuple]:
        raise NotImplementedError

    def _execute(self, sql: str, args: Sequence[object] = ()) -> None:
        raise NotImplementedError

    def _execute_many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        raise NotImplementedError

    def _insert_id(self, sql: str, args: Sequence[object]) -> int:
        """Insert one row and return its new id."""
        raise NotImplementedError

    def _begin(self, period: str | None, reads: bool = True) -> None:
        """Begin the write transaction `writing` opens, for a write of `period` when one is named (that
        reads the months before it, unless `reads` is False: an approval reads only its own month)."""
        raise NotImplementedError

    def _end(self, keep: bool) -> None:
        """Commit (`keep`) or roll back the write transaction."""
        raise NotImplementedError

    def _supersede(self, current: int) -> None:
        """Mark the period's current run superseded, before its successor is inserted."""
        raise NotImplementedError

    def _succeeded(self, current: int, successor: int) -> None:
        """Name the run that superseded `current`."""
        raise NotImplementedError

    # -- the interface ---------------------------------------------------------------------------

    def close(self) -> None:
        self.connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def claim(self, period: str) -> None:
        """Lock `period` for rewriting inside the current write transaction (see `Ledger.claim`)."""

    def shops(self) -> list[str]:
        with self._translated():
            return [codec.string(row[0]) for row in self._rows(
                "SELECT shop FROM runs UNION SELECT shop FROM decisions UNION SELECT shop FROM period_events "
                "UNION SELECT shop FROM settings ORDER BY 1")]

    def use_shop(self, shop: str | None, *, new: bool = False) -> str:
        """Scope every later query to `shop`; None: the ledger's only shop. A shop the ledger does not
        hold is an error naming those it does, unless `new` (a run recording a shop's first month)."""
        held = self.shops()
        if shop is None:
            if len(held) > 1:
                raise LedgerError(f"{self.path}: the ledger holds several shops ({', '.join(held)}); name one with "
                                  "--shop",
                                  f"{self.path}：账本中有多个店铺（{'、'.join(held)}）；请用 --shop 指定其中一个")
            shop = held[0] if held else ""
        elif held and shop not in held and not new:
            raise LedgerError(f"{self.path}: the ledger holds no shop {shop!r}; it holds: {', '.join(held)}",
                              f"{self.path}：账本中没有店铺 {shop!r}；账本中的店铺：{'、'.join(held)}")
        self.shop = shop
        return shop

    def setting(self, name: str) -> str | None:
        with self._translated():
            row = self._first("SELECT value FROM settings WHERE shop = ? AND name = ? ORDER BY id DESC LIMIT 1",
                              (self.shop, name))
        return None if row is None else codec.string(row[0])

    def set_setting(self, name: str, value: str, by: str) -> None:
        with self._transaction():
            self._execute("INSERT INTO settings (shop, name, value, set_by, at) VALUES (?, ?, ?, ?, ?)",
                          (self.shop, name, value, by, utc_now()))

    def _first(self, sql: str, args: Sequence[object] = ()) -> tuple | None:
        rows = self._rows(sql, args)
        return rows[0] if rows else None

    # -- reading ---------------------------------------------------------------------------------

    def _infos(self, where: str, args: tuple, order: str = "") -> list[RunInfo]:
        """The shop's runs that `where` (a condition, or '') picks, in `order`."""
        with self._translated():
            rows = self._rows(
                f"SELECT {RUN_COLUMNS} FROM runs JOIN policies ON policies.sha256 = policy_sha256 "
                f"WHERE shop = ?{' AND ' + where if where else ''} {order}", (self.shop, *args))
            inputs: dict[int, list[InputFile]] = {}
            wanted = sorted({row[0] for row in rows})
            for start in range(0, len(wanted), 500):  # only the runs asked for, in batches SQLite accepts
                batch = wanted[start:start + 500]
                for run_id, kind, path, sha in self._rows(
                        "SELECT run_id, kind, path, sha256 FROM run_inputs WHERE run_id IN "
                        f"({', '.join('?' * len(batch))}) ORDER BY run_id, kind", batch):
                    inputs.setdefault(run_id, []).append(InputFile(kind, path, sha))
        return [RunInfo(*row, inputs=tuple(inputs.get(row[0], ()))) for row in rows]

    def runs(self, period: str | None = None, *, verify: bool = False) -> list[RunInfo]:
        """Runs in period and id order; with `verify`, each run's total and head count checked against
        its outcomes (what `jixiao runs` lists), or codec.Damaged."""
        found = (self._infos("", (), "ORDER BY period, runs.id") if period is None
                 else self._infos("period = ?", (period,), "ORDER BY runs.id"))
        if verify:
            totals: dict[int, list[Decimal]] = {}
            with self._translated():
                for run_id, agent, total in self._rows("SELECT run_id, agent, o.total FROM outcomes o JOIN runs r "
                                                       "ON r.id = o.run_id WHERE r.shop = ?", (self.shop,)):
                    try:
                        totals.setdefault(run_id, []).append(codec.number(total))
                    except codec.Damaged as exc:
                        raise exc.at(*row_place(run_id, agent, column_place("total"))) from None
                for info in found:
                    try:
                        check_run(info.total, info.agents, totals.get(info.id, []))
                    except codec.Damaged as exc:
                        raise exc.at(*row_place(info.id)) from None
        return found

    def run(self, run_id: int) -> RunInfo | None:
        found = self._infos("runs.id = ?", (run_id,))
        return found[0] if found else None

    def current_run(self, period: str) -> RunInfo | None:
        found = self._infos("period = ? AND status = 'current'", (period,))
        return found[0] if found else None

    def approval(self, period: str) -> PeriodEvent | None:
        with self._translated():
            row = self._first(
                f"SELECT {EVENT_COLUMNS} FROM period_events WHERE shop = ? AND period = ? ORDER BY id DESC LIMIT 1",
                (self.shop, period))
            event = _event(row) if row else None
        return event if event is not None and event.action == "approve" else None

    def events(self, period: str) -> list[PeriodEvent]:
        with self._translated():
            return [_event(row) for row in self._rows(
                f"SELECT {EVENT_COLUMNS} FROM period_events WHERE shop = ? AND period = ? ORDER BY id",
                (self.shop, period))]

    def policy_source(self, sha256: str) -> PolicySource:
        with self._translated():
            row = self._first("SELECT sha256, id, version, source FROM policies WHERE sha256 = ?", (sha256,))
            if row is None:
                raise LedgerError(
                    f"{self.path}: policy {sha256[:12]} is missing from the ledger; restore it from a backup",
                    f"{self.path}：账本中缺少方案 {sha256[:12]}；请从备份恢复账本")
            source = bytes(row[3]) if isinstance(row[3], memoryview) else row[3]
            if not isinstance(source, bytes):
                raise codec.Damaged("its policy source is not the policy's bytes", "方案原文不是方案文件的字节")
            return PolicySource(*map(codec.string, row[:3]), "", source)

    def outcomes(self, run_id: int, agent: str | None = None, *, trace: bool = True,
                 parts: frozenset[str] = PARTS) -> list[Outcome]:
        """See `Ledger.outcomes`; every outcome is checked (engine.ledger.verify) before it is returned,
        and, when all of a run's are read, the run's total and head count too."""
        where, args = ("run_id = ?", (run_id,)) if agent is None else ("run_id = ? AND agent = ?", (run_id, agent))
        columns = OUTCOME_COLUMNS if trace else OUTCOME_COLUMNS.replace("trace", "'None'")
        for part in PARTS - parts:
            columns = columns.replace(f" {part},", " '()',")
        with self._translated():
            run = self._first("SELECT period, total, agents FROM runs WHERE id = ? AND shop = ?", (run_id, self.shop))
            if run is None:
                return []
            extra: dict[str, list[Adjustment]] = {}
            for row in self._rows(f"SELECT agent, amount, reason, approved_by, source, line FROM adjustments "
                                  f"WHERE {where} ORDER BY line", args):
                try:
                    line = Adjustment(codec.string(row[0]), codec.number(row[1]), *map(codec.string, row[2:5]))
                except codec.Damaged as exc:
                    place = (f"adjustment line {row[5]}", f"人工调整第 {row[5]} 行")
                    raise exc.at(*row_place(run_id, row[0], place)) from None
                extra.setdefault(line.agent, []).append(line)
            retro: dict[str, list[RetroLine]] = {}
            for row in self._rows(
                    "SELECT agent, for_period, approved_run, correction_run, owed, amount, waived, bound, line "
                    f"FROM retro_lines WHERE {where} ORDER BY agent, line", args):
                try:
                    retro_line = _retro_line(row)
                except codec.Damaged as exc:
                    place = (f"retroactive line {row[8]}", f"追溯调整第 {row[8]} 行")
                    raise exc.at(*row_place(run_id, row[0], place)) from None
                retro.setdefault(retro_line.agent, []).append(retro_line)
            rows = self._rows(f"SELECT {columns} FROM outcomes WHERE {where} ORDER BY agent", args)
            found = [_outcome(row, run_id, run[0], extra, retro, parts) for row in rows]
            if agent is None:
                try:
                    check_run(run[1], run[2], [o.total for o in found])
                except codec.Damaged as exc:
                    raise exc.at(*row_place(run_id)) from None
            return found

    def latest_penalties(self, before: str) -> dict[str, tuple]:
        """Each agent's recorded penalties (the tuple the evaluation left) of her latest month before
        `before`, keyed as recorded; what they mean is the state stage's to say."""
        found: dict[str, tuple] = {}
        with self._translated():
            rows = self._rows(
                "SELECT agent, penalties FROM (SELECT o.agent, o.penalties, ROW_NUMBER() OVER (PARTITION BY o.agent "
                "ORDER BY r.period DESC) AS latest FROM outcomes o JOIN runs r ON r.id = o.run_id "
                "WHERE r.shop = ? AND r.status = 'current' AND r.period < ?) AS latest_months "
                "WHERE latest = 1 AND penalties != '()'", (self.shop, before))
            for agent, text in rows:
                found[codec.string(agent)] = codec.from_text(text) or ()
        return found

    def history(self, agent: str) -> list[tuple[RunInfo, Outcome]]:
        found = []
        for current in self._infos("status = 'current'", (), "ORDER BY period"):
            # The month as paid, as `show` prints it: its approved run while approved (a correction
            # made since is settled by retro lines later), else its current run.
            info = self.approved_run(current.period) or current
            mine = self.outcomes(info.id, agent, trace=False)  # what history shows needs no trace
            if mine:
                found.append((info, mine[0]))
        return found

    def decisions(self, agent: str | None = None, before: str | None = None, *,
                  changes: bool = False) -> list[Decision]:
        sql = (f"SELECT {DECISION_COLUMNS} FROM decisions LEFT JOIN runs ON runs.id = run_id "
               "WHERE decisions.shop = ? AND (run_id IS NULL OR runs.status = 'current')")
        args: list[str] = [self.shop]
        if changes:
            sql += f" AND kind IN ({', '.join(repr(str(kind)) for kind in sorted(CHANGES))})"
        if agent is not None:
            sql += " AND agent = ?"
            args.append(agent)
        if before is not None:
            sql += " AND decisions.period < ?"
            args.append(before)
        with self._translated():
            rows = self._rows(sql + " ORDER BY decisions.period, decisions.id", args)
        return [Decision(*row) for row in rows]

    def decisions_of(self, run_id: int) -> list[Decision]:
        with self._translated():
            rows = self._rows(f"SELECT {DECISION_COLUMNS} FROM decisions WHERE run_id = ? ORDER BY id", (run_id,))
        return [Decision(*row) for row in rows]

    def states(self, run_id: int) -> frozenset[str]:
        with self._translated():
            return frozenset(row[0] for row in self._rows("SELECT state_sha256 FROM run_states WHERE run_id = ?",
                                                          (run_id,)))

    def input_bytes(self, sha256: str) -> bytes:
        with self._translated():
            row = self._first("SELECT size, data FROM blobs WHERE sha256 = ?", (sha256,))
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
        with self._translated():
            rows = self._rows(
                "SELECT r.period, r.id, l.agent, l.for_period, l.amount, l.waived, l.bound FROM retro_lines l "
                "JOIN runs r ON r.id = l.run_id WHERE r.shop = ? AND l.for_period = ? "
                "ORDER BY r.period, r.id, l.agent, l.line", (self.shop, for_period))
        return [Settlement(period, run_id, agent, month, Decimal(amount) + Decimal(waived), bound)
                for period, run_id, agent, month, amount, waived, bound in rows]

    # -- writing ---------------------------------------------------------------------------------

    @contextmanager
    def writing(self, period: str | None = None, *, keep: bool = True) -> Iterator[None]:
        with self._transaction(period, keep=keep):
            yield

    @contextmanager
    def _transaction(self, period: str | None = None, *, keep: bool = True, reads: bool = True) -> Iterator[None]:
        """The write transaction; inside another, joins it."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        with self._translated():
            self._begin(period, reads)
            self._depth = 1
            try:
                yield
            except BaseException:
                self._depth = 0
                self._end(False)
                raise
            self._depth = 0
            self._end(keep)

    def add_decisions(self, decisions: Sequence[Decision]) -> None:
        with self._transaction():
            self._insert_decisions(decisions, None)

    def record_run(self, run: NewRun) -> RunInfo:
        with self._transaction(run.period):
            approved = self.approval(run.period)
            if approved is not None and run.cause is not Cause.CORRECTION:
                refuse_if_locked(self, run.period)
            current = self.current_run(run.period)
            if not self.shop:
                raise LedgerError(f"{self.path}: a run must belong to a shop (--shop, or the policy's id)",
                                  f"{self.path}：运行必须属于某个店铺（--shop，或方案的 id）")
            if (current.id if current is not None else None) != run.replaces:
                raise LedgerError(
                    f"{self.path}: {run.period} was recorded by another jixiao while this one was evaluating; "
                    "run it again",
                    f"{self.path}：本次计算期间，另一个 jixiao 记录了 {run.period}；请重新运行")
            head, tail = self.INSERT_IGNORE
            self._execute(f"{head} policies VALUES (?, ?, ?, ?){tail}",
                          (run.policy.sha256, run.policy.id, run.policy.version, run.policy.source))
            self.keep_inputs(run.blobs)
            if current is not None:
                self._supersede(current.id)
            total = sum((o.total for o in run.outcomes), Decimal(0)) if run.total is None else run.total
            run_id = self._insert_id(
                "INSERT INTO runs (period, policy_sha256, policy_path, fingerprint, report_sha256, agents, total, "
                "status, jixiao_version, recorded_at, state_sha256, outcomes_sha256, cause, caused_by, layout_sha256, "
                "shop, run_by, policy_version) VALUES (?, ?, ?, ?, ?, ?, ?, 'current', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run.period, run.policy.sha256, run.policy.path, run.fingerprint, run.report_sha256,
                 len(run.outcomes), str(total), run.jixiao_version, utc_now(), run.state_sha256, run.outcomes_sha256,
                 str(run.cause), run.caused_by, run.layout_sha256, self.shop, self.login, run.policy.version))
            if current is not None:
                self._succeeded(current.id, run_id)
            self._execute_many("INSERT INTO run_inputs VALUES (?, ?, ?, ?)",
                               [(run_id, f.kind, f.path, f.sha256) for f in run.inputs])
            self._insert_outcomes(run_id, run.outcomes, run.texts)
            self._execute_many("INSERT INTO adjustments VALUES (?, ?, ?, ?, ?, ?, ?)", [
                (run_id, line, a.agent, str(a.amount), a.reason, a.approved_by, a.source)
                for line, a in enumerate((a for o in run.outcomes for a in o.adjustments), start=1)])
            self._execute_many("INSERT INTO retro_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                (run_id, r.agent, line, r.period, r.approved_run, r.correction_run, str(r.owed), str(r.amount),
                 str(r.waived), str(r.bound))
                for o in run.outcomes for line, r in enumerate(o.retro, start=1)])
            self._insert_decisions(run.decisions, run_id)
            self._execute("INSERT INTO run_states VALUES (?, ?, ?, ?)",
                          (run_id, run.state_sha256, run.caused_by, utc_now()))
        info = self.run(run_id)
        assert info is not None
        return info

    def _insert_outcomes(self, run_id: int, outcomes: Sequence[Outcome],
                         texts: Sequence[tuple[str, ...]] | None) -> None:
        marks = ", ".join("?" * (1 + len(OUTCOME_COLUMNS.split(","))))
        self._execute_many(f"INSERT INTO outcomes (run_id, {OUTCOME_COLUMNS}) VALUES ({marks})",
                           list(outcome_rows(run_id, outcomes, texts)))

    def keep_inputs(self, blobs: Mapping[str, bytes]) -> None:
        with self._transaction():
            head, tail = self.INSERT_IGNORE
            for sha, data in blobs.items():
                if self._first("SELECT 1 FROM blobs WHERE sha256 = ?", (sha,)) is None:
                    self._execute(f"{head} blobs VALUES (?, ?, ?){tail}", (sha, len(data), zlib.compress(data, 1)))

    def confirm_state(self, run_id: int, state_sha256: str, caused_by: int | None) -> None:
        with self._transaction():
            head, tail = self.INSERT_IGNORE
            self._execute(f"{head} run_states VALUES (?, ?, ?, ?){tail}", (run_id, state_sha256, caused_by, utc_now()))

    def _acting(self, by: str) -> str:
        """Who an approval or a reopening is recorded as done by (see `Ledger.login`)."""
        return self.login

    def approve(self, period: str, by: str) -> PeriodEvent:
        login = self._acting(by)
        with self._transaction(period, reads=False):
            current = self.current_run(period)
            if current is None:
                raise LedgerError(f"{self.path}: no run recorded for {period}; record it with jixiao run first",
                                  f"{self.path}：{period} 尚无运行记录；请先用 jixiao run 记录")
            if self.setting(FOUR_EYES) == "on" and current.run_by == login:
                raise LedgerError(
                    f"{self.path}: {login} ran {period} (run {current.id}) and may not approve it: this shop's "
                    "approvals need someone else (four-eyes); nothing was recorded",
                    f"{self.path}：{period}（第 {current.id} 次运行）由 {login} 运行，本人不能审批：本店铺要求由"
                    "他人审批（双人复核）；未作任何记录")
            event = PeriodEvent(period, "approve", by, "", utc_now(), current.id, login)
            self._execute("INSERT INTO period_events (period, action, by, reason, at, run_id, shop, login) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          (event.period, event.action, event.by, event.reason, event.at, event.run_id, self.shop,
                           login))
        return event

    def reopen(self, period: str, reason: str, by: str) -> PeriodEvent:
        if not reason.strip():
            raise LedgerError("reopening a period needs a reason: --reason \"…\"",
                              "重新开放月份需要说明原因：--reason \"…\"")
        with self._transaction(period):
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
            event = PeriodEvent(period, "reopen", by, reason, utc_now(), None, self._acting(by))
            self._execute("INSERT INTO period_events (period, action, by, reason, at, shop, login) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)",
                          (event.period, event.action, event.by, event.reason, event.at, self.shop, event.login))
        return event

    # -- one shop's rows, as a whole (`jixiao ledger copy`) ------------------------------------------

    def export_shop(self) -> dict[str, list[tuple]]:
        """Every row of the shop, table by table (SHOP_TABLES), in a stable order."""
        found = {}
        with self._translated():
            for table, (columns, which) in SHOP_TABLES.items():
                order = _ORDER.get(table, columns.split(",")[0])
                rows = self._rows(f"SELECT {columns} FROM {table} WHERE {which} ORDER BY {order}", (self.shop,))
                found[table] = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows]
        return found

    def import_shop(self, rows: Mapping[str, Sequence[tuple]]) -> None:
        """Write another ledger's `export_shop` into this one (inside `writing`), keeping its run ids.
        Refused, before anything is written, when this ledger holds the shop or one of the run ids."""
        held = self.shops()
        if self.shop in held:
            raise LedgerError(f"{self.path}: already holds the shop {self.shop!r}; nothing was copied",
                              f"{self.path}：已有店铺 {self.shop!r}；未复制任何内容")
        ids = [row[0] for row in rows["runs"]]
        batches = [ids[start:start + 500] for start in range(0, len(ids), 500)]
        taken = sorted({row[0] for batch in batches for row in self._rows(
            f"SELECT id FROM runs WHERE id IN ({', '.join('?' * len(batch))})", batch)})
        if taken:
            shown = ", ".join(map(str, taken[:10])) + (" …" if len(taken) > 10 else "")
            raise LedgerError(
                f"{self.path}: already holds runs numbered {shown} (another shop's); a shop's runs keep their "
                "numbers, which its reports and retroactive lines name: copy it into a ledger without them; "
                "nothing was copied",
                f"{self.path}：已有编号为 {shown} 的运行（属于其他店铺）；店铺的运行保留原编号（报表与追溯调整中"
                "引用这些编号）：请复制到没有这些编号的账本；未复制任何内容")
        head, tail = self.INSERT_IGNORE
        successors = []
        for table, (columns, _) in SHOP_TABLES.items():
            found = list(rows[table])
            if table == "runs":  # a run names its successor once the successor is there
                successors = [(row[0], row[9]) for row in found if row[9] is not None]
                found = [(*row[:9], None, *row[10:]) for row in found]
            marks = ", ".join("?" * len(columns.split(",")))
            verb, end = (head, tail) if table in ("policies", "blobs") else ("INSERT INTO", "")
            self._execute_many(f"{verb} {table} ({columns}) VALUES ({marks}){end}", found)
        for run_id, successor in successors:
            self._succeeded(run_id, successor)
        self._ids_follow()

    def _ids_follow(self) -> None:
        """After rows were written with their own ids: the next id the database gives follows them."""

    def _insert_decisions(self, decisions: Sequence[Decision], run_id: int | None) -> None:
        now = utc_now()
        self._execute_many(
            "INSERT INTO decisions (run_id, agent, period, kind, from_value, to_value, reason, rule, recorded_at, "
            "reason_en, decided_by, months_met, months_of, shop) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(run_id if d.run_id is None else d.run_id, d.agent, d.period, str(d.kind), d.from_value, d.to_value,
              d.reason, d.rule, now, d.reason_en, d.decided_by, d.months_met, d.months_of, self.shop)
             for d in decisions])


# A shop's rows, table by table, as `export_shop` reads them and `import_shop` writes them: the
# columns (every one at this schema, in this order) and which rows are the shop's. Parents come
# before the rows that refer to them. Run ids are kept (reports and digests name them); the ids of
# decisions, approvals and settings are given anew by the receiving ledger, in the same order.
SHOP_TABLES: dict[str, tuple[str, str]] = {
    "policies": ("sha256, id, version, source",
                 "sha256 IN (SELECT policy_sha256 FROM runs WHERE shop = ?)"),
    "blobs": ("sha256, size, data",
              "sha256 IN (SELECT i.sha256 FROM run_inputs i JOIN runs r ON r.id = i.run_id WHERE r.shop = ?)"),
    "runs": ("id, period, policy_sha256, policy_path, fingerprint, report_sha256, agents, total, status, "
             "superseded_by, jixiao_version, recorded_at, state_sha256, outcomes_sha256, cause, caused_by, "
             "layout_sha256, shop, run_by, policy_version", "shop = ?"),
    "run_inputs": ("run_id, kind, path, sha256", "run_id IN (SELECT id FROM runs WHERE shop = ?)"),
    "outcomes": ("run_id, agent, name, team, role, grade, score, rating, evaluated_total, total, kpis, pay, "
                 "choices, trace, penalties, flags", "run_id IN (SELECT id FROM runs WHERE shop = ?)"),
    "adjustments": ("run_id, line, agent, amount, reason, approved_by, source",
                    "run_id IN (SELECT id FROM runs WHERE shop = ?)"),
    "retro_lines": ("run_id, agent, line, for_period, approved_run, correction_run, owed, amount, waived, bound",
                    "run_id IN (SELECT id FROM runs WHERE shop = ?)"),
    "run_states": ("run_id, state_sha256, caused_by, at", "run_id IN (SELECT id FROM runs WHERE shop = ?)"),
    "decisions": ("run_id, agent, period, kind, from_value, to_value, reason, rule, recorded_at, reason_en, "
                  "decided_by, months_met, months_of, shop", "shop = ?"),
    "period_events": ("period, action, by, reason, at, run_id, shop, login", "shop = ?"),
    "settings": ("shop, name, value, set_by, at", "shop = ?"),
}
_ORDER = {"runs": "id", "decisions": "id", "period_events": "id", "settings": "id"}


def row_place(run_id: int, agent: object = None, column: tuple[str, str] | None = None) -> tuple[str, str]:
    """Where in the ledger a damaged value is, as `codec.Damaged.at` takes it."""
    en, zh = f"run {run_id}", f"第 {run_id} 次运行"
    if agent is not None:
        en, zh = f"{en}, agent {agent!r}", f"{zh}，客服 {agent!r}"
    if column is not None:
        en, zh = f"{en}, {column[0]}", f"{zh}，{column[1]}"
    return en, zh


def column_place(name: str) -> tuple[str, str]:
    return f"column {name}", f"列 {name}"


def _optional(value: object) -> str | None:
    return None if value is None else codec.string(value)


# The score column of a policy without a scorecard (S4): the column is NOT NULL, so "no score" is ''.
NO_SCORE = ""


def _score(value: object) -> Decimal | None:
    return None if value == NO_SCORE else codec.number(value)


def _run_id(value: object) -> int | None:
    if value is None or type(value) is int:
        return value
    raise codec.Damaged(f"{value!r} where a run number belongs", f"应为运行编号，实为 {value!r}")


def _event(row: tuple) -> PeriodEvent:
    """A period_events row as jixiao wrote it (its texts and the run an approval approved), or Damaged."""
    *texts, run_id, login = row
    return PeriodEvent(*map(codec.string, texts), _run_id(run_id), codec.string(login))


def _retro_line(row: tuple) -> RetroLine:
    """A retro_lines row as jixiao wrote it, or Damaged."""
    agent, period, approved, correction, owed, amount, waived, bound, _ = row
    if codec.string(bound) not in {b.value for b in Bound} or type(approved) is not int or type(correction) is not int:
        raise codec.Damaged("not a retroactive line as jixiao writes one", "不是 jixiao 写入的追溯调整")
    return RetroLine(codec.string(agent), codec.string(period), approved, correction, codec.number(owed),
                     codec.number(amount), codec.number(waived), Bound(bound))


# How each column of OUTCOME_COLUMNS is read back; a value these refuse is a damaged ledger.
_DECODE = {"agent": codec.string, "name": codec.string, "team": codec.string, "role": _optional,
           "grade": _optional, "score": _score, "rating": _optional, "kpis": codec.from_text,
           "pay": codec.from_text, "total": codec.number, "choices": codec.from_text, "penalties": codec.from_text,
           "trace": codec.from_text, "evaluated_total": codec.number, "flags": codec.from_text}
_NAMES = tuple(name.strip() for name in OUTCOME_COLUMNS.split(","))


def _located(exc: codec.Damaged, row: tuple, run_id: int) -> codec.Damaged:
    """`exc` at its run and agent, and at the first column that does not read back, if one does not."""
    for column, raw in zip(_NAMES, row, strict=True):
        try:
            _DECODE[column](raw)
        except codec.Damaged as found:
            return found.at(*row_place(run_id, row[0], column_place(column)))
    return exc.at(*row_place(run_id, row[0]))


def _outcome(row: tuple, run_id: int, period: str, lines: dict[str, list[Adjustment]],
             retro: dict[str, list[RetroLine]], parts: frozenset[str]) -> Outcome:
    """One outcome row read back and checked (engine.ledger.verify), or codec.Damaged saying where."""
    agent, name, team, role, grade, score, rating, kpis, pay, total, choices, penalties, flags, trace, evaluated = row
    value = codec.from_text
    try:
        # By keyword: fields the evaluation may gain later keep their defaults rather than shift these.
        result = AgentResult(agent=codec.string(agent), period=period, team=codec.string(team),
                             name=codec.string(name), role=_optional(role), grade=_optional(grade),
                             score=_score(score), rating=_optional(rating), kpis=value(kpis), pay=value(pay),
                             total=codec.number(evaluated), choices=value(choices), penalties=value(penalties),
                             trace=value(trace), flags=value(flags))
        outcome = Outcome(result, tuple(lines.get(agent, ())), codec.number(total), tuple(retro.get(agent, ())))
        check_outcome(outcome, read=parts)
    except codec.Damaged as exc:
        raise _located(exc, row, run_id) from None
    return outcome


def outcome_rows(run_id: int, outcomes: Sequence[Outcome],
                 texts: Sequence[tuple[str, ...]] | None) -> Iterator[tuple]:
    for (r, _, total, _), (kpis, pay, choices, penalties, trace, flags) in zip(
            outcomes, texts if texts is not None else outcome_texts(outcomes), strict=True):
        score = NO_SCORE if r.score is None else str(r.score)
        yield (run_id, r.agent, r.name, r.team, r.role, r.grade, score, r.rating, kpis, pay, str(total),
               choices, penalties, flags, trace, str(r.total))
