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


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


RUN_COLUMNS = ("runs.id, period, status, policies.id, policies.version, policy_sha256, policy_path, fingerprint, "
               "report_sha256, agents, total, superseded_by, jixiao_version, recorded_at, state_sha256, "
               "outcomes_sha256, cause, caused_by, layout_sha256")
EVENT_COLUMNS = "period, action, by, reason, at, run_id"
OUTCOME_COLUMNS = ("agent, name, team, role, grade, score, rating, kpis, pay, total, choices, penalties, trace, "
                   "evaluated_total")
DECISION_COLUMNS = ("agent, decisions.period, kind, from_value, to_value, reason, rule, run_id, decisions.id, "
                    "decisions.recorded_at, reason_en, decided_by, months_met, months_of")


class SqlLedger:
    """`engine.ledger.store.Ledger` over a SQL database; a back-end supplies the methods marked below."""

    # Inserting a row unless its key is there already, as the dialect says it (policies and blobs are kept once).
    INSERT_IGNORE = ("INSERT OR IGNORE INTO", "")

    def __init__(self, connection, path: str):
        self.connection = connection
        self.path = path
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

    def _first(self, sql: str, args: Sequence[object] = ()) -> tuple | None:
        rows = self._rows(sql, args)
        return rows[0] if rows else None

    # -- reading ---------------------------------------------------------------------------------

    def _infos(self, where: str, args: tuple) -> list[RunInfo]:
        with self._translated():
            rows = self._rows(
                f"SELECT {RUN_COLUMNS} FROM runs JOIN policies ON policies.sha256 = policy_sha256 {where}", args)
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
        found = (self._infos("ORDER BY period, runs.id", ()) if period is None
                 else self._infos("WHERE period = ? ORDER BY runs.id", (period,)))
        if verify:
            totals: dict[int, list[Decimal]] = {}
            with self._translated():
                for run_id, agent, total in self._rows("SELECT run_id, agent, total FROM outcomes"):
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
        found = self._infos("WHERE runs.id = ?", (run_id,))
        return found[0] if found else None

    def current_run(self, period: str) -> RunInfo | None:
        found = self._infos("WHERE period = ? AND status = 'current'", (period,))
        return found[0] if found else None

    def approval(self, period: str) -> PeriodEvent | None:
        with self._translated():
            row = self._first(
                f"SELECT {EVENT_COLUMNS} FROM period_events WHERE period = ? ORDER BY id DESC LIMIT 1", (period,))
            event = _event(row) if row else None
        return event if event is not None and event.action == "approve" else None

    def events(self, period: str) -> list[PeriodEvent]:
        with self._translated():
            return [_event(row) for row in self._rows(
                f"SELECT {EVENT_COLUMNS} FROM period_events WHERE period = ? ORDER BY id", (period,))]

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
            run = self._first("SELECT period, total, agents FROM runs WHERE id = ?", (run_id,))
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
                "WHERE r.status = 'current' AND r.period < ?) AS latest_months "
                "WHERE latest = 1 AND penalties != '()'", (before,))
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
        sql = (f"SELECT {DECISION_COLUMNS} FROM decisions LEFT JOIN runs ON runs.id = run_id "
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
                "JOIN runs r ON r.id = l.run_id WHERE l.for_period = ? ORDER BY r.period, r.id, l.agent, l.line",
                (for_period,))
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
                "status, jixiao_version, recorded_at, state_sha256, outcomes_sha256, cause, caused_by, layout_sha256) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'current', ?, ?, ?, ?, ?, ?, ?)",
                (run.period, run.policy.sha256, run.policy.path, run.fingerprint, run.report_sha256,
                 len(run.outcomes), str(total), run.jixiao_version, utc_now(), run.state_sha256, run.outcomes_sha256,
                 str(run.cause), run.caused_by, run.layout_sha256))
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
        self._execute_many(f"INSERT INTO outcomes (run_id, {OUTCOME_COLUMNS}) VALUES "
                           "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", list(outcome_rows(run_id, outcomes, texts)))

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

    def approve(self, period: str, by: str) -> PeriodEvent:
        with self._transaction(period, reads=False):
            current = self.current_run(period)
            if current is None:
                raise LedgerError(f"{self.path}: no run recorded for {period}; record it with jixiao run first",
                                  f"{self.path}：{period} 尚无运行记录；请先用 jixiao run 记录")
            event = PeriodEvent(period, "approve", by, "", utc_now(), current.id)
            self._execute("INSERT INTO period_events (period, action, by, reason, at, run_id) "
                          "VALUES (?, ?, ?, ?, ?, ?)",
                          (event.period, event.action, event.by, event.reason, event.at, event.run_id))
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
            event = PeriodEvent(period, "reopen", by, reason, utc_now())
            self._execute("INSERT INTO period_events (period, action, by, reason, at) VALUES (?, ?, ?, ?, ?)",
                          (event.period, event.action, event.by, event.reason, event.at))
        return event

    def _insert_decisions(self, decisions: Sequence[Decision], run_id: int | None) -> None:
        now = utc_now()
        self._execute_many(
            "INSERT INTO decisions (run_id, agent, period, kind, from_value, to_value, reason, rule, recorded_at, "
            "reason_en, decided_by, months_met, months_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(run_id if d.run_id is None else d.run_id, d.agent, d.period, str(d.kind), d.from_value, d.to_value,
              d.reason, d.rule, now, d.reason_en, d.decided_by, d.months_met, d.months_of) for d in decisions])


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


# How each column of OUTCOME_COLUMNS is read back; a value these refuse is a damaged ledger.
_DECODE = {"agent": codec.string, "name": codec.string, "team": codec.string, "role": _optional,
           "grade": _optional, "score": codec.number, "rating": _optional, "kpis": codec.from_text,
           "pay": codec.from_text, "total": codec.number, "choices": codec.from_text, "penalties": codec.from_text,
           "trace": codec.from_text, "evaluated_total": codec.number}
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


def outcome_rows(run_id: int, outcomes: Sequence[Outcome],
                 texts: Sequence[tuple[str, ...]] | None) -> Iterator[tuple]:
    for (r, _, total, _), (kpis, pay, choices, penalties, trace) in zip(
            outcomes, texts if texts is not None else outcome_texts(outcomes), strict=True):
        yield (run_id, r.agent, r.name, r.team, r.role, r.grade, str(r.score), r.rating, kpis, pay, str(total),
               choices, penalties, trace, str(r.total))
