"""One month from its sources: read, evaluated from the ledger's state, adjusted, settled, reviewed.

The same function evaluates a month the user runs and every later month a correction is carried
through: the first from the files on the command line, the others from the bytes the ledger kept,
parsed under the paths they were first read from. Each file is read from disk once: what is
fingerprinted and kept is exactly what is parsed. Like `engine.pipeline`, this module chains
stages so that none of them has to import another.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from engine import __version__
from engine.data.sources import holding
from engine.errors import DataError, DataIssue, Diagnostic, EvaluationError, JixiaoError
from engine.ledger.store import InputFile, LedgerError, NewRun, PolicySource
from engine.model.inputs import AgentInput, AgentState, State
from engine.model.label import Label
from engine.model.plan import Plan
from engine.model.results import Adjustment, AgentResult, Outcome
from engine.policy.check import require_valid
from engine.policy.compile import compile_policy
from engine.policy.load import load_policy, load_text
from engine.report.messages import say

# Reading events and adjustments, evaluating agent by agent, the ledger's digests and reviews, and the
# recorded report are imported where they are used: `jixiao evaluate` by the columnar path reads its
# files through this module (Files, read_sources) and needs none of them (issue 19: start-up).
if TYPE_CHECKING:
    from engine.ledger.digest import Texts
    from engine.ledger.state import Prior
    from engine.ledger.store import Cause, Decision, Ledger, RunInfo

KINDS = ("metrics", "roster", "team", "adjustments", "events")
BASE = "policy_base"  # the kind of a kept base of an `extends:` chain: policy_base1 (the nearest), policy_base2 …
# The kind under which a run keeps the ledger state its month read (engine.ledger.state.kept_state), when
# not the empty one: the month's traces are evaluated again under it (engine.retrace).
STATE = "ledger_state"


@dataclass(frozen=True, slots=True)
class Files:
    """The files one run reads; every one is fingerprinted and kept."""

    policy: str
    # None: an empty month (nobody worked), recorded on purpose with `--empty`; several: one month's
    # exports joined by agent and period (S1.6), kept as kinds `metrics`, `metrics2` …
    metrics: str | tuple[str, ...] | None
    roster: str | None = None
    team: str | None = None
    adjustments: str | None = None
    events: str | None = None

    def inputs(self) -> list[tuple[str, str]]:
        metrics = (self.metrics,) if self.metrics is None or isinstance(self.metrics, str) else self.metrics
        given = (metrics[0], self.roster, self.team, self.adjustments, self.events)
        found = [(kind, path) for kind, path in zip(KINDS, given, strict=True) if path is not None]
        return [*found[:1], *((f"metrics{n}", path) for n, path in enumerate(metrics[1:], start=2)), *found[1:]]


@dataclass(frozen=True, slots=True)
class Sources:
    """A month's policy and input files as bytes, each under the path it was read from."""

    policy_path: str
    policy: bytes
    inputs: tuple[tuple[str, str, bytes], ...]  # (kind, path, bytes), in KINDS order (`metrics2` … after `metrics`)
    # A policy derived with `extends:`: every base of its chain (path as resolved, bytes), nearest first.
    # Kept with the run like an input (kind `policy_base1` …), so a month re-shown is rebuilt from the
    # bases that paid it, never from files edited since.
    bases: tuple[tuple[str, bytes], ...] = ()

    def path(self, kind: str) -> str | None:
        return next((path for k, path, _ in self.inputs if k == kind), None)

    @property
    def more_metrics(self) -> tuple[str, ...]:
        """The further metrics files of the month (S1.6), in the order given."""
        return tuple(path for kind, path, _ in self.inputs if kind != "metrics" and _order(kind)[0] == 0)

    @property
    def policy_sha256(self) -> str:
        return hashlib.sha256(self.policy).hexdigest()

    def files(self) -> tuple[InputFile, ...]:
        kept = (*self.inputs, *((f"{BASE}{n}", path, data) for n, (path, data) in enumerate(self.bases, start=1)))
        return tuple(InputFile(kind, path, hashlib.sha256(data).hexdigest()) for kind, path, data in kept)

    def base_bytes(self) -> Callable[[str], bytes] | None:
        """The reader of the kept bases (None: a policy read from disk with its bases, as evaluate does)."""
        if not self.bases:
            return None
        kept = dict(self.bases)

        def read(path: str) -> bytes:
            if path not in kept:
                raise FileNotFoundError(2, "not kept with the run")
            return kept[path]

        return read

    def fingerprint(self, period: str) -> str:
        """Equal for the same month, the same policy bytes and the same bytes of each kind of input."""
        text = "\n".join(["jixiao run 1", period, self.policy_sha256,
                          *(f"{f.kind} {f.sha256}" for f in self.files())])
        return hashlib.sha256(text.encode()).hexdigest()


def read_sources(files: Files) -> Sources:
    """Every file of a run read once, or the first located error (the policy's own, JX001)."""
    try:
        with open(files.policy, "rb") as stream:
            policy = stream.read()
    except OSError:
        load_policy(files.policy)  # raises the checker's own located error (JX001: cannot read file)
        raise
    return Sources(os.fspath(files.policy), policy,
                   tuple((kind, os.fspath(path), _read(path)) for kind, path in files.inputs()),
                   _chain(os.fspath(files.policy), policy))


def _chain(path: str, policy: bytes) -> tuple[tuple[str, bytes], ...]:
    """The bases a derived policy reads, each read once (its own problems raised as the loader's)."""
    if b"extends" not in policy:  # no chain: not parsed twice
        return ()
    kept: list[tuple[str, bytes]] = []

    def read(base: str) -> bytes:
        with open(base, "rb") as stream:
            kept.append((base, stream.read()))
        return kept[-1][1]

    load_text(policy, path, read)
    return tuple(kept)


def _order(kind: str) -> tuple[int, int]:
    """Where a kept input sorts: by KINDS, a further metrics file (`metrics2` …) after the first."""
    if kind.startswith("metrics") and kind[len("metrics"):].isdigit():
        return 0, int(kind[len("metrics"):])
    return KINDS.index(kind), 0


def _kept(kind: str) -> bool:
    return kind in KINDS or (kind.startswith("metrics") and kind[len("metrics"):].isdigit())


def recorded_bases(ledger: Ledger, run: RunInfo) -> tuple[tuple[str, bytes], ...]:
    """The bases of a recorded run's policy, from the bytes the ledger kept, nearest first."""
    found = sorted((int(f.kind[len(BASE):]), f.path, f.sha256) for f in run.inputs if f.kind.startswith(BASE))
    return tuple((path, ledger.input_bytes(sha256)) for _, path, sha256 in found)


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except OSError as exc:
        reason = "file not found" if isinstance(exc, FileNotFoundError) else f"cannot read the file: {exc.strerror}"
        zh = "找不到文件" if isinstance(exc, FileNotFoundError) else f"无法读取文件：{exc.strerror}"
        raise DataError([DataIssue(os.fspath(path), 0, "", reason, zh=zh)]) from None


def recorded_sources(ledger: Ledger, run: RunInfo) -> Sources:
    """The sources a recorded run read, from the bytes the ledger kept."""
    policy = ledger.policy_source(run.policy_sha256).source
    try:
        inputs = tuple((f.kind, f.path, ledger.input_bytes(f.sha256))
                       for f in sorted((f for f in run.inputs if _kept(f.kind)), key=lambda f: _order(f.kind)))
    except LedgerError:
        fields = {"period": run.period, "run": run.id, "db": ledger.path}
        raise LedgerError(
            "{db}: {period} (run {run}) was recorded before jixiao kept the input files it read, so it cannot be "
            "recomputed; run it once more with its files (jixiao run --period {period} …, unchanged files change "
            "nothing and are then kept), then repeat this command".format(**fields),
            "{db}：{period}（第 {run} 次运行）记录时 jixiao 尚未保存输入文件，无法重新计算；请用原文件再运行一次"
            "（jixiao run --period {period} …，文件未变则不会改动记录，只会保存文件），然后重复本命令".format(**fields),
        ) from None
    return Sources(run.policy_path, policy, inputs, recorded_bases(ledger, run))


def plan_from(raw: bytes, path: str, period: str | None = None,
              bases: tuple[tuple[str, bytes], ...] = ()) -> tuple[Plan, list[Diagnostic]]:
    """Load, check and compile policy bytes (as read once: what is compiled is what is recorded) for
    `period`: its dated values as in force then (engine.policy.dated; None: at `effective_from`);
    `bases`: the bytes of its `extends:` chain as kept (none: read from disk)."""
    doc = load_text(raw, path, Sources(path, raw, (), bases).base_bytes())
    warnings = require_valid(doc)
    return compile_policy(doc, period), warnings


class Elsewhere(NamedTuple):
    """An agent this policy pays under the minimum wage, in a role someone else pays (`paid_by`):
    not warned about, said where the warning would have been, with the policy's reason."""

    agent: str
    wage: Decimal
    role: str
    label: Label
    reason: Label


@dataclass(frozen=True, slots=True)
class Month:
    """One month evaluated: its results, the decisions its reviews made, what it read of the ledger."""

    period: str
    plan: Plan
    sources: Sources
    prior: Prior
    outcomes: tuple[Outcome, ...]
    decisions: tuple[Decision, ...]
    notes: tuple[object, ...]  # data notes: text, or notes rendered in the reader's language
    # What was evaluated, as it was: each agent's inputs and the state read before the month. A
    # counterfactual re-evaluates exactly this (engine.run.what_it_takes), never the files read again.
    inputs: tuple[AgentInput, ...] = ()
    state: State = field(default_factory=State)
    # The outcomes' tuple columns as the ledger keeps them, and the results' digest: computed once, and
    # only for a month that is recorded or compared with a record (`evaluate` never needs them).
    _kept: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @property
    def texts(self) -> tuple[Texts, ...]:
        from engine.ledger.digest import outcome_texts

        if "texts" not in self._kept:
            self._kept["texts"] = outcome_texts(self.outcomes)
        return self._kept["texts"]  # type: ignore[return-value]

    @property
    def outcomes_sha256(self) -> str:
        from engine.ledger.digest import outcomes_sha256

        if "sha256" not in self._kept:
            self._kept["sha256"] = outcomes_sha256(self.outcomes, self.decisions, self.texts)
        return self._kept["sha256"]  # type: ignore[return-value]

    def new_run(self, cause: Cause, replaces: int | None, caused_by: int | None = None) -> NewRun:
        from engine.ledger.digest import layout_sha256
        from engine.ledger.state import kept_state, reads_nothing
        from engine.report.recorded import report_digest

        policy = PolicySource(self.sources.policy_sha256, self.plan.policy.id, self.plan.policy.version,
                              self.sources.policy_path, self.sources.policy)
        report = report_digest(self.plan, self.outcomes)
        blobs = {hashlib.sha256(data).hexdigest(): data
                 for data in (*(d for _, _, d in self.sources.inputs), *(d for _, d in self.sources.bases))}
        files = self.sources.files()
        if not reads_nothing(self.plan, self.prior.sha256, self.period):
            state = kept_state(self.prior)
            blobs[hashlib.sha256(state).hexdigest()] = state
            files = (*files, InputFile(STATE, "", hashlib.sha256(state).hexdigest()))
        return NewRun(self.period, policy, files, self.sources.fingerprint(self.period), report,
                      self.outcomes, self.decisions, __version__, self.prior.sha256, self.outcomes_sha256, cause,
                      caused_by, replaces, blobs, layout_sha256(self.plan),
                      sum((o.total for o in self.outcomes), Decimal(0)).quantize(self.plan.quantum), self.texts)

    @property
    def under_minimum(self) -> tuple[tuple[str, Decimal], ...]:
        """(agent, minimum wage) for each agent whose pay, as actually paid, is under it (L.1/L.4)."""
        from engine.run.penalties import under_minimum_wage

        return under_minimum_wage(self.plan, [o.result._replace(total=o.total) for o in self.outcomes])

    @property
    def paid_elsewhere(self) -> tuple[Elsewhere, ...]:
        """Each agent under the minimum wage whose role someone else pays (`roles.<id>.paid_by`)."""
        from engine.run.penalties import paid_elsewhere

        plan = self.plan
        return tuple(Elsewhere(agent, wage, role, plan.roles[role][0], plan.paid_by[role])
                     for agent, wage, role in paid_elsewhere(plan, [o.result._replace(total=o.total)
                                                                   for o in self.outcomes]))

    @property
    def below_zero(self) -> tuple[str, ...]:
        """Agents whose pay after every line is below zero (`run` refuses such a month; `evaluate` says so)."""
        return tuple(o.result.agent for o in self.outcomes if o.total < 0)


@dataclass(frozen=True, slots=True)
class Read:
    """A month's files parsed: its agents with their events, its manual adjustments, the data notes.
    Nothing here reads the ledger, so it is done before the ledger's write lock is taken."""

    sources: Sources
    period: str
    agents: tuple[AgentInput, ...]
    adjustments: tuple[Adjustment, ...]
    notes: tuple[object, ...]


class EventsNeedPeriod(JixiaoError):
    """An events file is read against one month; a metrics file holding several needs --period."""

    exit_code = 2

    def __init__(self, months: Sequence[str]):
        shown = ", ".join(months)
        super().__init__(say("events_need_period", "en", months=shown), say("events_need_period", "zh", months=shown))


class DatedNeedPeriod(JixiaoError):
    """Months whose dated values differ cannot share one report: its head names what paid it."""

    exit_code = 2

    def __init__(self, months: Sequence[str], versions: Sequence[str]):
        fields = {"months": ", ".join(months), "versions": ", ".join(versions)}
        super().__init__(say("dated_need_period", "en", **fields), say("dated_need_period", "zh", **fields))


def read_months(plan: Plan, sources: Sources, period: str | None) -> tuple[Read, ...]:
    """Parse the files: one Read per month they hold (only `period`'s when given), in period order.
    A month nobody worked (no metrics file, `run --empty`) reads no one; files without a row of the
    month asked for are an error, never an empty month that looks paid."""
    from engine.data.adjustments import read_adjustments
    from engine.data.events import with_events
    from engine.data.inputs import own_agent_headers, read_inputs

    metrics = sources.path("metrics")
    if metrics is None:
        return (Read(sources, period or "", (), (), ()),)
    with holding({path: data for _, path, data in sources.inputs}):
        read = read_inputs(plan, metrics, roster=sources.path("roster"), team=sources.path("team"), period=period,
                           more=sources.more_metrics)
        by_period: dict[str, list[AgentInput]] = {}
        for item in read.agents:
            if period is None or item.period == period:
                by_period.setdefault(item.period, []).append(item)
        if not by_period:
            wanted = period or "—"
            raise DataError([DataIssue(metrics, 0, "", f"no rows for {wanted}; check --period or the file (if "
                                       "nobody worked that month, record it with jixiao run --empty)",
                                       zh=f"文件中没有 {wanted} 的数据；请核对 --period 或文件"
                                       "（如果该月无人在岗，请用 jixiao run --empty 记录）")])
        events, adjustments_path = sources.path("events"), sources.path("adjustments")
        if (events or adjustments_path) and len(by_period) > 1:
            raise EventsNeedPeriod(sorted(by_period))
        found = []
        for month, agents in sorted(by_period.items()):
            headers = own_agent_headers(plan)
            agents, event_notes = (with_events(plan.events, agents, events, month, headers) if events
                                   else (agents, ()))
            adjustments = (read_adjustments(adjustments_path, {i.agent for i in agents}, month, headers)
                           if adjustments_path else ())
            notes = (*read.notes, *event_notes) if not found else tuple(event_notes)  # file notes said once
            found.append(Read(sources, month, tuple(agents), tuple(adjustments), notes))
    return tuple(found)


def read_month(plan: Plan, sources: Sources, period: str) -> Read:
    """Parse `period` from `sources` (an empty month, without a metrics file, reads no one)."""
    return read_months(plan, sources, period)[0]


def with_columns(results: Sequence[AgentResult], columns: Mapping[str, tuple[str, ...]]) -> tuple[AgentResult, ...]:
    """Each result with the roster columns the policy carries into reports (`roster.carry`)."""
    return tuple(r._replace(columns=columns.get(r.agent, ())) for r in results)


def carried_columns(plan: Plan, sources: Sources, period: str) -> dict[str, tuple[str, ...]]:
    """Each agent's carried roster columns (`roster.carry`) of `period`, read again from the files a
    recorded run kept: the ledger records results, and these are facts of the roster beside them."""
    if not plan.roster.carry:
        return {}
    return {item.agent: item.columns for item in read_month(plan, sources, period).agents}


def evaluate_month(plan: Plan, read: Read, period: str, ledger: Ledger | None, *, settles: bool = True,
                   trace: bool | frozenset[str] = True, reviews: bool = True, prior: Prior | None = None) -> Month:
    """Evaluate `period` from its parsed files and the ledger's state (`prior`, when the caller has read it
    already); with `settles`, its retro lines too (an approved month being corrected settles nothing: it
    is never paid again); with `reviews`, the decisions of the reviews closing with it (what `evaluate`,
    reading no ledger, cannot make: a review reads the months before)."""
    from engine.data.inputs import EntryNote
    from engine.ledger.reviews import review_decisions
    from engine.ledger.state import read_prior

    if prior is None:
        prior = read_prior(plan, ledger, period)
    outcomes, state, month, ledger_notes = evaluate_agents(plan, read.agents, read.adjustments, period, prior,
                                                           trace=trace)
    if settles and prior.owed:
        outcomes = tuple(_settled(plan, o, prior) for o in outcomes)
    decisions: tuple[Decision, ...] = ()
    if reviews:
        _refuse_negative(outcomes, period)
        decisions = review_decisions(plan, ledger, period, outcomes,
                                     {i.agent: i.joined for i in month if i.joined},
                                     {i.agent: i.left for i in month if i.left})
    # S0.6: a joiner's entry grade is replaced by the grade a review decided since; the note would mislead.
    notes = tuple(note for note in read.notes
                  if not (isinstance(note, EntryNote) and (state.agents.get(note.agent) or AgentState()).grade))
    return Month(period, plan, read.sources, prior, outcomes, decisions, (*notes, *ledger_notes), month, state)


def evaluate_agents(plan: Plan, agents: Sequence[AgentInput], adjustments: Sequence[Adjustment], period: str,
                    prior: Prior, *, trace: bool | frozenset[str]
                    ) -> tuple[tuple[Outcome, ...], State, tuple[AgentInput, ...], tuple[object, ...]]:
    """The agents of `period` evaluated against the state `prior` holds, with their manual adjustments:
    their outcomes, the state they were evaluated with, their inputs as evaluated (the decisions before
    applied) and the notes of that state. What `evaluate_month` does for the month, and explain by columns
    (engine.columnar_explain) for the agents her result reads."""
    from engine.ledger.state import month_state
    from engine.run.adjust import apply_adjustments
    from engine.run.evaluate import evaluate_period

    month, state, notes = month_state(agents, prior.decisions, period)
    state = State(state.agents, prior.windows, prior.carried, prior.flags)
    manual: dict[str, Decimal] = {}
    for line in adjustments:
        manual[line.agent] = manual.get(line.agent, Decimal(0)) + line.amount
    results = evaluate_period(plan, month, state, trace=trace, adjustments=manual) if month else ()
    if plan.roster.carry:  # the roster columns the reports carry (`roster.carry`): facts of the files, not of the plan
        results = with_columns(results, {item.agent: item.columns for item in month})
    return apply_adjustments(results, adjustments), state, tuple(month), tuple(notes)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Every month of the files evaluated with no ledger (`jixiao evaluate`, `explain`), and what to say."""

    plan: Plan
    warnings: tuple[Diagnostic, ...]
    months: tuple[Month, ...]

    @property
    def results(self) -> tuple[AgentResult, ...]:
        return tuple(o.result for month in self.months for o in month.outcomes)

    @property
    def notes(self) -> tuple[object, ...]:
        return tuple(note for month in self.months for note in month.notes)

    @property
    def penalties_unread(self) -> tuple[str, ...]:
        """The clauses none of which could fire: the policy has some, and no events file was given."""
        return () if self.months[0].sources.path("events") else tuple(c.name for c in self.plan.penalties)

    @property
    def carried_unknown(self) -> bool:
        """Losses carried from earlier months count as 0: only the ledger knows them (L.1)."""
        return self.plan.deductions is not None and self.plan.deductions.remainder == "carry"

    @property
    def under_minimum(self) -> tuple[tuple[str, Decimal], ...]:
        return tuple(found for month in self.months for found in month.under_minimum)

    @property
    def paid_elsewhere(self) -> tuple[Elsewhere, ...]:
        return tuple(found for month in self.months for found in month.paid_elsewhere)

    @property
    def below_zero(self) -> tuple[str, ...]:
        return tuple(agent for month in self.months for agent in month.below_zero)


def evaluate_files(files: Files, period: str | None, *,
                   trace: bool | Callable[[Sequence[AgentInput]], frozenset[str]],
                   progress: Callable[[str, str, int], None] | None = None) -> Evaluation:
    """The files of `jixiao evaluate` and `explain` to their results, month by month, from no ledger:
    the same reading and evaluation `jixiao run` records, without the state only a ledger holds.
    `trace`: every agent's trace, none, or those a function of every month's agents names (explain's
    one agent: a large firm's month is never traced to answer one question).
    `progress(stage, period, agents)` hears of each stage ("read", then "evaluate" per month) as it starts."""
    tell = progress or (lambda stage, month, agents: None)
    tell("read", "", 0)
    sources = read_sources(files)
    doc = load_text(sources.policy, sources.policy_path, sources.base_bytes())
    warnings = require_valid(doc)
    plan = compile_policy(doc, period)
    months = []
    reads = read_months(plan, sources, period)
    traced = trace([a for read in reads for a in read.agents]) if callable(trace) else trace
    for read in reads:
        tell("evaluate", read.period, len(read.agents))
        # A policy with dated values is compiled for each month with what was in force in it.
        own = compile_policy(doc, read.period) if plan.policy.dated and read.period != period else plan
        months.append(evaluate_month(own, read, read.period, None, trace=traced, reviews=False))
    in_force = {m.plan.policy.content_sha256 for m in months}
    if len(in_force) > 1:
        raise DatedNeedPeriod([m.period for m in months], sorted({m.plan.policy.version for m in months}))
    plan = months[-1].plan if months else plan
    return Evaluation(plan, tuple(warnings), tuple(months))


def _settled(plan: Plan, outcome: Outcome, prior: Prior) -> Outcome:
    from engine.run.retro import loss_taken, settle

    owed = prior.owed.get(outcome.result.agent)
    if not owed:
        return outcome
    result = outcome.result
    manual = sum((a.amount for a in outcome.adjustments), Decimal(0))
    taken = loss_taken(result.pay)
    # The base the guard took the loss from: every pay line, manual adjustments included.
    lines = settle(plan, result.agent, result.period, outcome.total, result.total + taken + manual, taken, owed)
    return outcome._replace(retro=lines, total=outcome.total + sum((line.amount for line in lines), Decimal(0)))


def _refuse_negative(outcomes: Sequence[Outcome], period: str) -> None:
    """Pay below zero is never recorded: it means an adjustment or a formula took more than was earned."""
    below = [o for o in outcomes if o.total < 0]
    if not below:
        return
    lines_en, lines_zh = [], []
    for o in below:
        extra = _lines_text(o.adjustments)
        lines_en.append(f"agent {o.result.agent} would be paid {o.total} for {period} (evaluated {o.result.total}"
                        f"{'; adjustments ' + extra if extra else ''}): pay cannot be below 0; check the "
                        "adjustments and the policy")
        lines_zh.append(f"客服 {o.result.agent} 在 {period} 的实发将为 {o.total}（方案计算 {o.result.total}"
                        f"{'；人工调整 ' + extra if extra else ''}）：实发不能低于 0；请核对人工调整与方案")
    raise NegativePay(lines_en, lines_zh)


def _lines_text(adjustments: Sequence[Adjustment]) -> str:
    return ", ".join(f"{a.amount:+}" for a in adjustments)


class NegativePay(EvaluationError):
    """Agents whose pay after every line would be below zero; one line each."""

    def __init__(self, en: list[str], zh: list[str]):
        super().__init__("\n".join(en), "\n".join(zh))
        self._en, self._zh = en, zh

    def lines(self, lang: str = "en") -> list[str]:
        return self._zh if lang == "zh" else self._en
