"""A month recorded in the ledger, and every correction carried through the months after it.

A month's identity is its files and the ledger state it read (earlier decisions, carried losses,
window months, corrections still owed). Running it again with the same files under the same
state changes nothing; a run under another state, with other files (`--supersede`) or on purpose
after an upgrade (`--recompute`) is a real run. Recording a month then recomputes every recorded
later month in order, from the bytes the ledger kept, all in one transaction: an open month gets a
new run when its results change; an approved month is never rewritten: its correction is recorded
beside it and the difference is settled as retro lines (追溯调整) in the first open month after it.
Months recorded out of order are carried through the same way, so nothing is counted twice.

The cheap checks (approved? the same month already recorded?) come before the evaluation; the
write is one transaction holding the ledger's write lock, so a failure or a kill anywhere leaves
the ledger as it was, and two clerks closing months at once are serialised, never interleaved.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from engine import __version__
from engine.collector import cycle_collection_paused
from engine.errors import Diagnostic, JixiaoError
from engine.ledger.access import can_create, exists, open_ledger
from engine.ledger.changes import MonthChange, Standing, month_change
from engine.ledger.digest import layout_sha256, outcomes_sha256
from engine.ledger.state import careers, owed_by_corrections, paid_run, read_prior
from engine.ledger.store import (
    Cause,
    Decision,
    DecisionKind,
    Ledger,
    LedgerError,
    PeriodEvent,
    RunInfo,
    needs_supersede,
    refuse_if_locked,
)
from engine.model.corrections import Bound
from engine.model.plan import Plan
from engine.model.results import Outcome
from engine.month import (
    BASE,
    Elsewhere,
    Files,
    Month,
    Read,
    Sources,
    carried_columns,
    evaluate_month,
    plan_from,
    read_month,
    read_sources,
    recorded_bases,
    recorded_sources,
)
from engine.report.messages import say
from engine.report.month_view import Approval, RunRecord
from engine.report.recorded import agent_report, period_report, report_digest
from engine.retrace import with_traces

__all__ = ["STAGES", "Files", "Recorded", "decide", "recorded_plan", "reopen_month", "run_month", "show_recorded"]

END = "9999-12"  # after every month: what is still owed once all recorded months are settled
# Where a run's time goes (Recorded.seconds): parsing the files, evaluating the month from the
# ledger's state (reviews included), recording it, and recomputing the later recorded months.
STAGES = ("read", "evaluate", "record", "carry")


@dataclass(frozen=True)
class Recorded:
    """What `run_month` did: the run now standing for the period, what changed, where the time went."""

    run: RunInfo | None  # None: a dry run of a month not yet recorded
    new: bool  # a run was (or, dry, would be) recorded for the period
    superseded: int | None = None
    warnings: list[Diagnostic] = field(default_factory=list)
    notes: tuple[object, ...] = ()  # data notes: text, or notes rendered in the reader's language
    seconds: dict[str, float] = field(default_factory=dict)
    # Penalty clauses of the policy when no events file was given: none of them could fire.
    penalties_unread: tuple[str, ...] = ()
    # (agent, minimum wage) for each agent paid, after every line, under the minimum wage (L.1/L.4).
    under_minimum: tuple[tuple[str, Decimal], ...] = ()
    # The months after the period that the run was carried through (and the period itself, when replaced).
    changes: tuple[MonthChange, ...] = ()
    # (agent, corrected month, amount, why) still owed once every recorded month has settled what it could.
    outstanding: tuple[tuple[str, str, Decimal, Bound], ...] = ()
    dry_run: bool = False
    # Evaluated again (new ledger state, or --recompute) with the same results: nothing was recorded.
    same_results: bool = False
    total: Decimal | None = None  # the month's total as (or as it would be) recorded
    agents: int = 0
    decisions: tuple[Decision, ...] = ()  # what the reviews closing with the month decided
    # Agents under the minimum wage in a role someone else pays (`paid_by`): said, not warned about.
    paid_elsewhere: tuple[Elsewhere, ...] = ()


def recorded_plan(ledger: Ledger, run: RunInfo) -> Plan:
    """The plan a recorded run used, rebuilt from the policy bytes the ledger keeps."""
    source = ledger.policy_source(run.policy_sha256)
    return plan_from(source.source, run.policy_path, run.period, recorded_bases(ledger, run))[0]


def run_month(db: str | os.PathLike, files: Files | None, period: str, *, supersede: bool = False,
              recompute: bool = False, dry_run: bool = False, shop: str | None = None,
              progress: Callable[[str], None] | None = None) -> Recorded:
    """Evaluate `period` and record it in the ledger `db` for `shop` (None: the policy's id; with
    --recompute and no files, the ledger's only shop), carrying the change through every later
    recorded month of that shop; or say it is already recorded. `files` None (with `recompute`): the
    period's recorded files. With `dry_run` everything is computed and nothing is recorded.

    The ledger file is created only when there is a run to record: a failed first run leaves no
    empty ledger behind. Raises LedgerError, DataError, PolicyError or EvaluationError."""
    with cycle_collection_paused():  # a month's records, traces and decisions are acyclic: nothing to collect
        return _open_and_run(os.fspath(db), files, period, supersede, recompute, dry_run, shop, progress)


def _open_and_run(where: str, files: Files | None, period: str, supersede: bool, recompute: bool, dry_run: bool,
                  shop: str | None, progress: Callable[[str], None] | None) -> Recorded:
    existing = open_ledger(where) if exists(where) else None
    if existing is None:
        can_create(where)  # said now, not after the whole month was evaluated
    try:
        return _run_month(existing, where, files, period, supersede, recompute, dry_run, shop,
                          progress or (lambda _: None))
    finally:
        if existing is not None:
            existing.close()


def _run_month(ledger: Ledger | None, db: str, files: Files | None, period: str, supersede: bool, recompute: bool,
               dry_run: bool, shop: str | None, tell: Callable[[str], None]) -> Recorded:
    clock = time.perf_counter()
    seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
    if files is None:
        if ledger is not None:
            ledger.use_shop(shop)
        sources = _recorded_period(ledger, db, period)
    else:
        tell("read")
        sources = read_sources(files)
    plan, warnings = plan_from(sources.policy, sources.policy_path, period, sources.bases)
    if files is not None:
        shop = shop or plan.policy.id  # a run belongs to a shop: --shop, else the policy's
        if ledger is not None:
            ledger.use_shop(shop, new=True)
    fingerprint = sources.fingerprint(period)
    if ledger is not None and not recompute:  # the cheap checks first: approved? recorded as it is?
        refuse_if_locked(ledger, period)
        current = ledger.current_run(period)
        if (current is not None and current.fingerprint == fingerprint
                and read_prior(plan, ledger, period).sha256 in ledger.states(current.id)):
            return Recorded(current, new=False)
    # Parsing reads no ledger: done before the write lock, so a second clerk waits only for the rest.
    read = read_month(plan, sources, period)
    seconds["read"] = time.perf_counter() - clock
    month: Month | None = None
    if ledger is None:  # nothing recorded yet: the month reads no state, and a failure leaves no file
        tell("evaluate")
        clock = time.perf_counter()
        month = evaluate_month(plan, read, period, None, trace=False)  # a run keeps no trace: engine.retrace
        seconds["evaluate"] = time.perf_counter() - clock
        if dry_run:
            return _done(month, None, True, warnings, seconds, dry_run=True)
    writer = ledger or open_ledger(db, create=True)
    if ledger is None:
        writer.use_shop(shop or plan.policy.id, new=True)
    try:
        with writer.writing(period, keep=not dry_run):
            return _record(writer, plan, warnings, read, fingerprint, period, month, supersede, recompute,
                           dry_run, seconds, tell)
    finally:
        if ledger is None:
            writer.close()


def _recorded_period(ledger: Ledger | None, db: str, period: str) -> Sources:
    run = ledger.current_run(period) if ledger is not None else None
    if ledger is None or run is None:
        raise LedgerError(say("recompute_nothing", "en", db=db, period=period),
                          say("recompute_nothing", "zh", db=db, period=period))
    return recorded_sources(ledger, run)


def _record(ledger: Ledger, plan: Plan, warnings: list[Diagnostic], read: Read, fingerprint: str, period: str,
            month: Month | None, supersede: bool, recompute: bool, dry_run: bool, seconds: dict[str, float],
            tell: Callable[[str], None]) -> Recorded:
    refuse_if_locked(ledger, period)
    current = ledger.current_run(period)
    prior = read_prior(plan, ledger, period)
    same_files = current is not None and current.fingerprint == fingerprint
    if same_files and not recompute and prior.sha256 in ledger.states(current.id):  # type: ignore[union-attr]
        return Recorded(current, new=False)
    if current is not None and not same_files and not supersede:
        raise needs_supersede(current)
    clock = time.perf_counter()
    if month is None or month.prior.sha256 != prior.sha256:
        tell("evaluate")
        month = evaluate_month(plan, read, period, ledger, prior=prior, trace=False)
    seconds["evaluate"] += time.perf_counter() - clock
    if current is not None and same_files and month.outcomes_sha256 == _recorded_sha256(ledger, current):
        if not dry_run:
            ledger.confirm_state(current.id, month.prior.sha256, None)
            ledger.keep_inputs(month.new_run(Cause.RUN, current.id).blobs)
        return _done(month, current, False, warnings, seconds, same_results=True, dry_run=dry_run)
    if current is not None and same_files and not (recompute or supersede):
        raise LedgerError(say("state_changed", "en", period=period, run=current.id),
                          say("state_changed", "zh", period=period, run=current.id))
    tell("record")
    clock = time.perf_counter()
    cause = (Cause.RECOMPUTE if recompute and same_files else Cause.SUPERSEDE if current is not None
             else Cause.RUN)
    new = month.new_run(cause, current.id if current is not None else None)
    info = ledger.record_run(new)
    changes: list[MonthChange] = []
    if current is not None:
        changes.append(_change(ledger, period, Standing.RECORDED, current, info, month))
    seconds["record"] = time.perf_counter() - clock
    clock = time.perf_counter()
    changes += _carry(ledger, period, info.id, tell)
    seconds["carry"] = time.perf_counter() - clock
    outstanding = tuple((agent, o.period, o.amount, _why(ledger, agent, o.period))
                        for agent, items in owed_by_corrections(ledger, END).items() for o in items)
    return _done(month, info, True, warnings, seconds, dry_run=dry_run, changes=tuple(changes),
                 outstanding=outstanding, superseded=current.id if current is not None else None)


def reopen_month(db: str | os.PathLike, period: str, reason: str, by: str,
                 shop: str | None = None) -> tuple[PeriodEvent, tuple[MonthChange, ...]]:
    """Reopen an approved month of `shop` (None: the ledger's only shop) and, when a correction was
    recorded beside its approved run, carry that through the later months: the open months stop
    settling it by retro lines, because the month itself now pays the correction."""
    with open_ledger(db) as ledger:
        ledger.use_shop(shop)
        return _reopen(ledger, period, reason, by)


def _reopen(ledger: Ledger, period: str, reason: str, by: str) -> tuple[PeriodEvent, tuple[MonthChange, ...]]:
    with ledger.writing(period):
        approved = ledger.approved_run(period)
        event = ledger.reopen(period, reason, by)
        current = ledger.current_run(period)
        if approved is None or current is None or approved.id == current.id:
            return event, ()
        return event, tuple(_carry(ledger, period, current.id, lambda _: None))


def decide(db: str | os.PathLike, decision: Decision, *, dry_run: bool = False,
           shop: str | None = None) -> tuple[Decision, tuple[MonthChange, ...]]:
    """Record a decision HR made by hand (a grade or role set, a team change, a dismissal, a
    reinstatement) for an agent of `shop` (None: the ledger's only shop), in force from the month
    after `decision.period`, and carry it through every recorded month from then on, in one
    transaction (approved ones are corrected beside their approved run and settled by retro lines,
    as for any correction)."""
    with open_ledger(db) as ledger:
        ledger.use_shop(shop)
        return _decide(ledger, decision, dry_run)


def _decide(ledger: Ledger, decision: Decision, dry_run: bool) -> tuple[Decision, tuple[MonthChange, ...]]:
    with ledger.writing(decision.period, keep=not dry_run):
        _check_decision(ledger, decision)
        fact = {DecisionKind.GRADE_CHANGE: "grade", DecisionKind.ROLE_CHANGE: "role",
                DecisionKind.TEAM_CHANGE: "team"}.get(DecisionKind(decision.kind))
        before = [o for run, o in ledger.history(decision.agent) if run.period < decision.effective]
        if fact is not None and before:  # what it changes from: her last recorded month before it
            decision = replace(decision, from_value=getattr(before[-1].result, fact))
        ledger.add_decisions([decision])
        recorded = max((d for d in ledger.decisions(decision.agent) if d.run_id is None), key=lambda d: d.id or 0)
        return recorded, tuple(_carry(ledger, decision.period, None, lambda _: None))


def _check_decision(ledger: Ledger, decision: Decision) -> None:
    """The agent is one the ledger knows, the value one her policy declares, the change possible."""
    runs = [r for r in ledger.runs() if r.status == "current"]
    fields = {"agent": decision.agent, "db": ledger.path, "value": decision.to_value or "",
              "effective": decision.effective}
    if not runs:
        raise LedgerError(say("decide_no_runs", "en", **fields), say("decide_no_runs", "zh", **fields))
    if not any(ledger.outcomes(run.id, decision.agent, trace=False, parts=frozenset()) for run in runs):
        raise LedgerError(say("decide_unknown_agent", "en", **fields), say("decide_unknown_agent", "zh", **fields))
    before = careers(ledger.decisions(decision.agent, before=decision.effective, changes=True)).get(decision.agent)
    dismissed = before is not None and before.dismissed is not None
    if decision.kind == DecisionKind.REINSTATEMENT and not dismissed:
        raise LedgerError(say("decide_not_dismissed", "en", **fields), say("decide_not_dismissed", "zh", **fields))
    if decision.kind != DecisionKind.REINSTATEMENT and dismissed:
        raise LedgerError(say("decide_dismissed", "en", **fields), say("decide_dismissed", "zh", **fields))
    fact = {DecisionKind.GRADE_CHANGE: "grade", DecisionKind.ROLE_CHANGE: "role"}.get(DecisionKind(decision.kind))
    if fact is not None:
        plan = recorded_plan(ledger, max(runs, key=lambda r: (r.period, r.id)))
        declared = plan.grades if fact == "grade" else plan.roles
        if decision.to_value not in declared:
            fields["known"] = ", ".join(declared) or "—"
            key = f"decide_unknown_{fact}"
            raise LedgerError(say(key, "en", **fields), say(key, "zh", **fields))


def _why(ledger: Ledger, agent: str, corrected: str) -> Bound:
    """Why an amount is still owed: the last line that tried to settle it says; none tried: absent."""
    for line in reversed(ledger.settlements(corrected)):
        if line.agent == agent:
            run = paid_run(ledger, line.period)
            if run is not None and run.id == line.run_id:
                return Bound(line.bound)
    return Bound.NOTHING_LEFT


def _carry(ledger: Ledger, period: str, cause: int | None, tell: Callable[[str], None]) -> list[MonthChange]:
    """Every recorded month after `period`, in order, recomputed from its kept files under the state
    the months before it now leave; a month whose state it was already computed under is skipped."""
    later = sorted({run.period for run in ledger.runs() if run.status == "current" and run.period > period})
    plans: dict[tuple[str, tuple[str, ...], str], Plan] = {}
    changes = []
    for later_period in later:
        ledger.claim(later_period)  # before it is read: on a server, a month another clerk is approving waits
        run = ledger.current_run(later_period)
        assert run is not None
        # A plan is its policy's bytes with the bases of its chain (`extends:`) and, for a policy with
        # dated values (engine.policy.dated), its month.
        bases = tuple(f.sha256 for f in sorted(run.inputs, key=lambda f: f.kind) if f.kind.startswith(BASE))
        plan = plans.get((run.policy_sha256, bases, "")) or plans.get((run.policy_sha256, bases, later_period))
        if plan is None:
            plan = recorded_plan(ledger, run)
            plans[(run.policy_sha256, bases, later_period if plan.policy.dated else "")] = plan
        prior = read_prior(plan, ledger, later_period)
        if prior.sha256 in ledger.states(run.id):
            continue
        tell("carry")
        approved = ledger.approval(later_period) is not None
        try:
            sources = recorded_sources(ledger, run)
            month = evaluate_month(plan, read_month(plan, sources, later_period), later_period, ledger,
                                   settles=not approved, prior=prior, trace=False)
        except JixiaoError as error:
            raise CarryFailed(period, later_period, error) from None
        if month.outcomes_sha256 == _recorded_sha256(ledger, run):
            ledger.confirm_state(run.id, month.prior.sha256, cause)
            continue
        info = ledger.record_run(month.new_run(Cause.CORRECTION if approved else Cause.CARRIED, run.id, cause))
        if approved:
            paid = ledger.approved_run(later_period)
            assert paid is not None
            changes.append(_change(ledger, later_period, Standing.CORRECTED, paid, info, month, approved=paid.id))
        else:
            changes.append(_change(ledger, later_period, Standing.RECORDED, run, info, month))
    return changes


def _change(ledger: Ledger, period: str, standing: Standing, before: RunInfo, after: RunInfo, month: Month,
            approved: int | None = None) -> MonthChange:
    old = ledger.outcomes(before.id, trace=False, parts=frozenset())  # totals, grade, role, lines: all it compares
    old_decisions = [d for d in ledger.decisions_of(before.id)]
    return month_change(period, standing, before.id, after.id, old, old_decisions, month.outcomes,
                        month.decisions, approved)


def _recorded_sha256(ledger: Ledger, run: RunInfo) -> str:
    """A recorded run's results digest (computed for runs recorded before jixiao kept it)."""
    if run.outcomes_sha256:
        return run.outcomes_sha256
    return outcomes_sha256(ledger.outcomes(run.id), ledger.decisions_of(run.id))


def _done(month: Month, info: RunInfo | None, new: bool, warnings: list[Diagnostic], seconds: dict[str, float], *,
          dry_run: bool = False, same_results: bool = False, changes: tuple[MonthChange, ...] = (),
          outstanding: tuple = (), superseded: int | None = None) -> Recorded:
    events = month.sources.path("events") is not None
    return Recorded(info, new, superseded, warnings, month.notes, seconds,
                    () if events else tuple(c.name for c in month.plan.penalties), month.under_minimum, changes,
                    outstanding, dry_run, same_results, sum((o.total for o in month.outcomes), Decimal(0)),
                    len(month.outcomes), month.decisions, month.paid_elsewhere)


class CarryFailed(LedgerError):
    """A correction could not be carried into a later month (its files no longer evaluate under the
    corrected state, e.g. an agent the correction dismissed works there): nothing was recorded."""

    def __init__(self, period: str, later: str, error: JixiaoError):
        en = [say("carry_failed", "en", period=period, later=later), *error.lines("en")]
        zh = [say("carry_failed", "zh", period=period, later=later), *error.lines("zh")]
        super().__init__("\n".join(en), "\n".join(zh))
        self._en, self._zh = en, zh
        self.exit_code = error.exit_code

    def lines(self, lang: str = "en") -> list[str]:
        return self._zh if lang == "zh" else self._en


def show_recorded(ledger: Ledger, period: str, run_id: int | None, agent: str | None, fmt: str,
                  lang: str, full: bool = False) -> bytes:
    """A recorded month (or one agent of it) rendered again: the same bytes as at run time.

    Without `--run`, the month as paid: its approved run while it is approved (a correction made
    after approval is settled in a later month, and shown with --run), else its current run. The
    JSON report's sha256 was recorded at run time; re-rendering is checked against it (always for a
    month's report, and for one agent whenever a different jixiao recorded the run), so a changed
    renderer is an error, never a quietly different record. One agent is explained short, as
    `explain` does, or with `full` the whole tree."""
    info = ledger.run(run_id) if run_id is not None else paid_run(ledger, period)
    if info is None or info.period != period:
        known = ", ".join(sorted({r.period for r in ledger.runs()})) or "—"
        raise LedgerError(say("no_run_for", "en", db=ledger.path, period=period, known=known),
                          say("no_run_for", "zh", db=ledger.path, period=period, known=known))
    plan = recorded_plan(ledger, info)
    traced = agent is not None or fmt == "xlsx"
    if traced and info.layout_sha256 and info.layout_sha256 != layout_sha256(plan):
        raise _other_layout(info)
    outcomes = None
    if agent is None or info.jixiao_version != __version__:
        # Only the XLSX details sheet and one agent's explanation read the trace; decoding it is
        # most of the cost of showing a large month, so the other reports go without it.
        outcomes = with_carried(ledger, plan, info, ledger.outcomes(info.id, trace=fmt == "xlsx" or agent is not None))
        if report_digest(plan, outcomes) != info.report_sha256:
            fields = {"run": info.id, "recorded": info.jixiao_version, "now": __version__}
            raise LedgerError(say("show_changed", "en", **fields), say("show_changed", "zh", **fields))
    if agent is None:
        assert outcomes is not None
        if fmt == "xlsx":  # its details sheet shows every agent's steps
            return period_report(plan, with_traces(ledger, plan, info, outcomes), fmt, lang, _run_record(ledger, info))
        return period_report(plan, outcomes, fmt, lang)
    mine = ([o for o in outcomes if o.result.agent == agent] if outcomes is not None
            else with_carried(ledger, plan, info, ledger.outcomes(info.id, agent)))
    if not mine:
        fields = {"period": period, "run": info.id, "agent": agent}
        raise LedgerError(say("not_in_run", "en", **fields), say("not_in_run", "zh", **fields))
    mine = with_traces(ledger, plan, info, mine[:1])
    trace = mine[0].result.trace
    if not info.layout_sha256 and isinstance(trace, tuple) and len(trace) != len(plan.steps):
        raise _other_layout(info)  # recorded before the layout was kept: another jixiao's steps, most likely
    return agent_report(plan, mine[0], fmt, lang, full).encode()


def _run_record(ledger: Ledger, info: RunInfo) -> RunRecord:
    """What the workbook of a recorded month says of its run: the approval in force, when it approved this run."""
    event = ledger.approval(info.period)
    approved = event is not None and event.run_id in (info.id, None) and (event.run_id is not None
                                                                         or info.status == "current")
    return RunRecord(info.id, info.period, str(info.status), info.recorded_at, info.jixiao_version,
                     Approval(event.by, event.at) if approved and event is not None else None)


def with_carried(ledger: Ledger, plan: Plan, info: RunInfo, outcomes: Sequence[Outcome]) -> list[Outcome]:
    """The outcomes with the roster columns the policy carries into reports (`roster.carry`), read again
    from the files the run kept: the ledger keeps what was paid, the roster keeps who the agent is."""
    if not plan.roster.carry or not outcomes:
        return list(outcomes)
    columns = carried_columns(plan, recorded_sources(ledger, info), info.period)
    return [o._replace(result=o.result._replace(columns=columns.get(o.result.agent, ()))) for o in outcomes]


def run_columns(ledger: Ledger, info: RunInfo) -> dict[str, tuple[str, ...]]:
    """Each agent's carried roster columns (`roster.carry`: 工号, 部门 …) in a recorded run, read again
    from its files: what `show --agent` and `history` may also name her by."""
    plan = recorded_plan(ledger, info)
    if not plan.roster.carry:
        return {}
    return carried_columns(plan, recorded_sources(ledger, info), info.period)


def carried_keys(ledger: Ledger) -> dict[str, tuple[str, ...]]:
    """`run_columns` of every current run, the latest month's last: what `history` may name an agent by."""
    found: dict[str, tuple[str, ...]] = {}
    for info in sorted((r for r in ledger.runs() if r.status == "current"), key=lambda r: r.period):
        for agent, columns in run_columns(ledger, info).items():
            found[agent] = tuple(dict.fromkeys((*found.get(agent, ()), *columns)))
    return found


def _other_layout(info: RunInfo) -> LedgerError:
    """The run's traces follow another jixiao's plan: its totals show as recorded, its steps cannot."""
    fields = {"period": info.period, "run": info.id, "recorded": info.jixiao_version}
    return LedgerError(say("other_layout", "en", **fields), say("other_layout", "zh", **fields))
