"""A month run through the ledger: read, evaluate from the ledger's state, adjust, record.

Like `engine.pipeline`, this is where stages are chained, so none of them imports the others.
The order matters for the ledger's promises: the cheap checks (approved? same inputs as the run
already recorded?) come before any reading; the write is one transaction at the very end, so a
failure or a kill anywhere leaves the ledger as it was.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from engine import __version__
from engine.data.adjustments import read_adjustments
from engine.data.events import with_events
from engine.data.inputs import EntryNote, read_inputs
from engine.errors import DataError, DataIssue, Diagnostic
from engine.ledger.reviews import review_decisions, stale_carries, stale_reviews, window_flags
from engine.ledger.sqlite import open_ledger
from engine.ledger.state import month_state
from engine.ledger.store import (
    InputFile,
    Ledger,
    LedgerError,
    NewRun,
    PolicySource,
    RunInfo,
    SameRun,
    needs_supersede,
    refuse_if_locked,
)
from engine.policy.check import require_valid
from engine.policy.compile import Plan, compile_policy
from engine.policy.load import load_policy, load_text
from engine.report.messages import say
from engine.report.recorded import agent_report, period_report
from engine.run.adjust import apply_adjustments
from engine.run.evaluate import AgentState, State, evaluate_period
from engine.run.penalties import under_minimum_wage


@dataclass(frozen=True, slots=True)
class Files:
    """The files one run reads; every one is fingerprinted."""

    policy: str
    metrics: str
    roster: str | None = None
    team: str | None = None
    adjustments: str | None = None
    events: str | None = None

    def inputs(self) -> list[tuple[str, str]]:
        kinds = (("metrics", self.metrics), ("roster", self.roster), ("team", self.team),
                 ("adjustments", self.adjustments), ("events", self.events))
        return [(kind, path) for kind, path in kinds if path is not None]


@dataclass
class Recorded:
    """What `run_month` did: the run now current, whether it was new, and where the time went."""

    run: RunInfo
    new: bool
    superseded: int | None = None
    warnings: list[Diagnostic] = field(default_factory=list)
    notes: tuple[object, ...] = ()  # data notes: text, or notes rendered in the reader's language
    seconds: dict[str, float] = field(default_factory=dict)
    # Penalty clauses of the policy when no events file was given: none of them could fire.
    penalties_unread: tuple[str, ...] = ()
    # (agent, minimum wage) for each agent paid under the minimum wage the policy declares (L.1/L.4).
    under_minimum: tuple[tuple[str, Decimal], ...] = ()


def file_sha256(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise DataError([DataIssue(os.fspath(path), 0, "", f"cannot read the file: {exc.strerror}",
                                   zh=f"无法读取文件：{exc.strerror}")]) from None
    return digest.hexdigest()


def fingerprint(period: str, policy_sha256: str, inputs: list[InputFile]) -> str:
    """Equal for the same month, the same policy bytes and the same bytes of each kind of input."""
    text = "\n".join(["jixiao run 1", period, policy_sha256, *(f"{f.kind} {f.sha256}" for f in inputs)])
    return hashlib.sha256(text.encode()).hexdigest()


def plan_from(raw: bytes, path: str) -> tuple[Plan, list[Diagnostic]]:
    """Load, check and compile policy bytes (as read once: what is compiled is what is recorded)."""
    doc = load_text(raw, path)
    warnings = require_valid(doc)
    return compile_policy(doc), warnings


def run_month(db: str | os.PathLike, files: Files, period: str, *, supersede: bool = False,
              progress: Callable[[str], None] | None = None) -> Recorded:
    """Evaluate `period` from `files` and record it in the ledger `db`, or say it is already recorded.

    The ledger file is created only when there is a run to record: a failed first run leaves no
    empty ledger behind. Raises LedgerError, DataError, PolicyError or EvaluationError."""
    existing = open_ledger(db) if os.path.exists(db) else None
    folder = os.path.dirname(os.path.abspath(db))
    if existing is None and not os.path.isdir(folder):  # said now, not after the whole month was evaluated
        raise LedgerError(f"{db}: the folder {folder} does not exist; create it or choose another --db",
                          f"{db}：文件夹 {folder} 不存在；请先创建它，或用 --db 指定其他位置")
    try:
        return _run_month(existing, db, files, period, supersede, progress)
    finally:
        if existing is not None:
            existing.close()


def _run_month(ledger: Ledger | None, db: str | os.PathLike, files: Files, period: str, supersede: bool,
               progress: Callable[[str], None] | None) -> Recorded:
    tell = progress or (lambda _: None)
    clock = time.perf_counter()
    try:
        with open(files.policy, "rb") as stream:
            raw = stream.read()
    except OSError:
        load_policy(files.policy)  # raises the checker's own located error (JX001: cannot read file)
        raise
    policy_sha = hashlib.sha256(raw).hexdigest()
    inputs = [InputFile(kind, path, file_sha256(path)) for kind, path in files.inputs()]
    print_ = fingerprint(period, policy_sha, inputs)
    current = None
    if ledger is not None:
        refuse_if_locked(ledger, period)
        current = ledger.current_run(period)
    if current is not None and current.fingerprint == print_:
        return Recorded(current, new=False)
    if current is not None and not supersede:
        raise needs_supersede(current)
    tell("read")
    plan, warnings = plan_from(raw, files.policy)
    read = read_inputs(plan, files.metrics, roster=files.roster, team=files.team, period=period)
    month = [item for item in read.agents if item.period == period]
    if not month:
        raise DataError([DataIssue(files.metrics, 0, "", f"no rows for {period}; check --period or the file",
                                   zh=f"文件中没有 {period} 的数据；请核对 --period 或文件")])
    month, event_notes = with_events(plan.events, month, files.events, period) if files.events else (month, ())
    adjustments = (read_adjustments(files.adjustments, {i.agent for i in month}, period)
                   if files.adjustments else ())
    seconds = {"read": time.perf_counter() - clock}
    tell("evaluate")
    clock = time.perf_counter()
    month, state = month_state(month, ledger.decisions(before=period) if ledger else (), period)
    if plan.windows:
        state = State(state.agents, window_flags(plan, ledger, period))
    if plan.deductions is not None and ledger is not None:  # L.1: what earlier months could not deduct
        state = State(state.agents, state.windows, ledger.carried(period))
    outcomes = apply_adjustments(evaluate_period(plan, month, state, trace=True), adjustments)
    seconds["evaluate"] = time.perf_counter() - clock
    clock = time.perf_counter()
    report = hashlib.sha256(period_report(plan, outcomes, "json", "zh")).hexdigest()
    seconds["report"] = time.perf_counter() - clock
    clock = time.perf_counter()
    decisions = review_decisions(plan, ledger, period, outcomes, {i.agent: i.joined for i in month if i.joined})
    seconds["review"] = time.perf_counter() - clock
    tell("record")
    clock = time.perf_counter()
    policy = PolicySource(policy_sha, plan.policy.id, plan.policy.version, files.policy, raw)
    new = NewRun(period, policy, tuple(inputs), print_, report, outcomes, decisions, __version__)
    writer = ledger or open_ledger(db, create=True)
    try:
        info = writer.record_run(new, supersede=supersede)
    except SameRun as same:  # an identical run was recorded while this one was evaluating
        return Recorded(same.run, new=False)
    finally:
        if ledger is None:
            writer.close()
    seconds["record"] = time.perf_counter() - clock
    if current is not None and ledger is not None:
        warnings = [*warnings, *stale_reviews(plan, ledger, period, files.policy),
                    *stale_carries(plan, ledger, period, files.policy)]
    # S0.6: a joiner's entry grade is replaced by the grade a review decided since; the note would mislead.
    notes = tuple(note for note in read.notes
                  if not (isinstance(note, EntryNote) and (state.agents.get(note.agent) or AgentState()).grade))
    return Recorded(info, True, current.id if current else None, warnings, (*notes, *event_notes), seconds,
                    () if files.events else tuple(c.name for c in plan.penalties),
                    under_minimum_wage(plan, [o.result for o in outcomes]))


def recorded_plan(ledger: Ledger, run: RunInfo) -> Plan:
    """The plan a recorded run used, rebuilt from the policy bytes the ledger keeps."""
    source = ledger.policy_source(run.policy_sha256)
    return plan_from(source.source, run.policy_path)[0]


def show_recorded(ledger: Ledger, period: str, run_id: int | None, agent: str | None, fmt: str,
                  lang: str) -> bytes:
    """A recorded month (or one agent of it) rendered again: the same bytes as at run time.

    The JSON report's sha256 was recorded at run time; re-rendering is checked against it (always
    for a month's report, and for one agent whenever a different jixiao recorded the run), so a
    changed renderer is an error, never a quietly different record."""
    info = ledger.run(run_id) if run_id is not None else ledger.current_run(period)
    if info is None or info.period != period:
        known = ", ".join(sorted({r.period for r in ledger.runs()})) or "—"
        raise LedgerError(say("no_run_for", "en", db=ledger.path, period=period, known=known),
                          say("no_run_for", "zh", db=ledger.path, period=period, known=known))
    plan = recorded_plan(ledger, info)
    outcomes = None
    if agent is None or info.jixiao_version != __version__:
        # Only the XLSX details sheet and one agent's explanation read the trace; decoding it is
        # most of the cost of showing a large month, so the other reports go without it.
        outcomes = ledger.outcomes(info.id, trace=fmt == "xlsx" or agent is not None)
        if hashlib.sha256(period_report(plan, outcomes, "json", "zh")).hexdigest() != info.report_sha256:
            fields = {"run": info.id, "recorded": info.jixiao_version, "now": __version__}
            raise LedgerError(say("show_changed", "en", **fields), say("show_changed", "zh", **fields))
    if agent is None:
        assert outcomes is not None
        return period_report(plan, outcomes, fmt, lang)
    mine = [o for o in outcomes if o.result.agent == agent] if outcomes is not None else ledger.outcomes(info.id, agent)
    if not mine:
        fields = {"period": period, "run": info.id, "agent": agent}
        raise LedgerError(say("not_in_run", "en", **fields), say("not_in_run", "zh", **fields))
    return agent_report(plan, mine[0], fmt, lang).encode()
