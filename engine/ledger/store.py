"""The ledger's storage interface: what the engine asks of a ledger, whatever database keeps it.

`Ledger` is a Protocol: the SQLite and the PostgreSQL ledger (`sqlite.SqliteLedger`,
`postgres.PostgresLedger`, both over `sql.SqlLedger`) provide it, and the CLI and `engine.record`
only use these methods and these frozen values.
Rules every implementation keeps: runs are append-only (a run is never updated except to be
marked superseded, in the same transaction that records its successor); one transaction per run;
money and scores are decimal text; a period approved and not reopened refuses new runs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Protocol, runtime_checkable

from engine.errors import JixiaoError
from engine.model.results import Outcome

# The tuple columns of an outcome a reader may leave out (see Ledger.outcomes).
PARTS = frozenset({"kpis", "pay", "choices", "penalties", "flags"})


class DecisionKind(StrEnum):
    """What a career decision decides. The last two change nothing: they record that a review judged
    the agent and kept her where she was, or could not judge her, so `history` tells them apart."""

    GRADE_CHANGE = "grade_change"
    ROLE_CHANGE = "role_change"
    TEAM_CHANGE = "team_change"
    DISMISSAL = "dismissal"
    REINSTATEMENT = "reinstatement"
    REVIEWED = "reviewed"  # judged, and stays (met the standard to stay, or capped at the top grade)
    NOT_REVIEWED = "not_reviewed"  # not judged (joined or left within the window)


CHANGES = frozenset({DecisionKind.GRADE_CHANGE, DecisionKind.ROLE_CHANGE, DecisionKind.TEAM_CHANGE,
                     DecisionKind.DISMISSAL, DecisionKind.REINSTATEMENT})


class LedgerError(JixiaoError):
    """A ledger that cannot be used, or a run the ledger refuses; one line in each language."""


@dataclass(frozen=True, slots=True)
class PolicySource:
    """The policy a run used, byte for byte, so a recorded result can be rendered again from it."""

    sha256: str
    id: str
    version: str
    path: str
    source: bytes


@dataclass(frozen=True, slots=True)
class InputFile:
    kind: str  # metrics | roster | team | adjustments
    path: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Decision:
    """A career decision: made for `period`, it takes effect from the next month (S0.7, S4)."""

    agent: str
    period: str
    kind: str  # a DecisionKind
    from_value: str | None
    to_value: str | None
    reason: str
    rule: str = ""
    run_id: int | None = None
    id: int | None = None
    recorded_at: str = ""
    reason_en: str = ""  # the reason in English; '' in ledgers recorded before schema 2 (shown: `reason`)
    decided_by: str = ""  # who recorded it by hand (`jixiao decide`); '' for a review's decision
    months_met: int | None = None  # a review's count: months that met its standard …
    months_of: int | None = None  # … of the months it counted

    def reason_in(self, lang: str) -> str:
        """The reason in `lang`, the Chinese one where no English one was recorded."""
        return self.reason_en if lang == "en" and self.reason_en else self.reason

    @property
    def effective(self) -> str:
        """The month the decision takes effect: the one after the month it was made for."""
        year, month = int(self.period[:4]), int(self.period[5:7])
        return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


class Cause(StrEnum):
    """Why a run was recorded: the ledger says whether a person ran the month or jixiao carried a
    correction of an earlier month through it."""

    RUN = "run"  # `jixiao run`: the month's first run
    SUPERSEDE = "supersede"  # `jixiao run --supersede`: new inputs or policy for a recorded month
    RECOMPUTE = "recompute"  # `jixiao run --recompute`: the same inputs, evaluated again on purpose
    CARRIED = "carried"  # an earlier month changed: recomputed from its recorded inputs
    CORRECTION = "correction"  # an approved month recomputed: not paid as recorded, settled by retro lines


@dataclass(frozen=True, slots=True)
class NewRun:
    """Everything one run records, written in one transaction."""

    period: str
    policy: PolicySource
    inputs: tuple[InputFile, ...]
    fingerprint: str  # sha256 of the period, the policy and every input file: equal means "same files"
    report_sha256: str  # of the JSON report rendered at run time; `show` checks it re-renders the same
    outcomes: tuple[Outcome, ...]
    decisions: tuple[Decision, ...]
    jixiao_version: str
    state_sha256: str = ""  # of the ledger state the month read (earlier decisions, carried losses, windows)
    outcomes_sha256: str = ""  # of every outcome, line and trace: equal means "the same results"
    cause: Cause = Cause.RUN
    caused_by: int | None = None  # the run whose change this one carries through
    replaces: int | None = None  # the run this one supersedes (the period's current run), checked on write
    blobs: Mapping[str, bytes] = field(default_factory=dict)  # input bytes by sha256, kept for recomputing
    layout_sha256: str = ""  # of the plan's steps: the layout the traces are written in
    total: Decimal | None = None  # the month's total at the pay quantum (0.00, not 0, for a month nobody worked)
    texts: tuple[tuple[str, ...], ...] | None = None  # each outcome's tuple columns as codec text, if computed


@dataclass(frozen=True, slots=True)
class RunInfo:
    id: int
    period: str
    status: str  # current | superseded
    policy_id: str
    policy_version: str
    policy_sha256: str
    policy_path: str
    fingerprint: str
    report_sha256: str
    agents: int
    total: str
    superseded_by: int | None
    jixiao_version: str
    recorded_at: str
    state_sha256: str = ""
    outcomes_sha256: str = ""
    cause: str = Cause.RUN
    caused_by: int | None = None
    layout_sha256: str = ""  # '' for runs recorded before jixiao kept it
    shop: str = ""
    run_by: str = ""  # who ran it (Ledger.login); '' for runs recorded before jixiao kept it
    inputs: tuple[InputFile, ...] = ()


@dataclass(frozen=True, slots=True)
class PeriodEvent:
    period: str
    action: str  # approve | reopen
    by: str
    reason: str
    at: str
    run_id: int | None = None  # the run an approval approved: what was paid, whatever corrects it later
    login: str = ""  # who did it (Ledger.login; `by` is the name given); '' before jixiao kept it


@dataclass(frozen=True, slots=True)
class Settlement:
    """A retro line as recorded: in which month and run it settled how much of `for_period`."""

    period: str  # the month whose run holds the line
    run_id: int
    agent: str
    for_period: str
    settled: Decimal  # amount paid or recovered, plus any amount waived
    bound: str = ""  # why it settled less than was owed (engine.model.corrections.Bound)


@runtime_checkable
class Ledger(Protocol):
    """What the engine needs from a ledger, opened by `engine.ledger.access.open_ledger`."""

    path: str  # where the ledger is, as messages name it
    # Who this connection acts as, recorded with each run and approval: on PostgreSQL the database
    # login (the server enforces it); on SQLite the declared name (JIXIAO_USER, else the OS login;
    # an approval's --by), which whoever can write the file can declare.
    login: str
    shop: str  # the shop every query is scoped to (set by `use_shop`)

    def shops(self) -> list[str]:
        """Every shop the ledger holds, sorted."""

    def use_shop(self, shop: str | None, *, new: bool = False) -> str:
        """Scope every later query to `shop` (None: the ledger's only shop); the shop chosen."""

    def setting(self, name: str) -> str | None:
        """The shop's latest value of setting `name` (FOUR_EYES: 'on' | 'off'), if ever set."""

    def set_setting(self, name: str, value: str, by: str) -> None:
        """Record a new value of the shop's setting `name` (kept as a history, never overwritten)."""

    def runs(self, period: str | None = None, *, verify: bool = False) -> list[RunInfo]:
        """Runs in period and id order; with `verify`, each run's total and head count checked
        against its outcomes (engine.ledger.verify), as `jixiao runs` lists them."""

    def run(self, run_id: int) -> RunInfo | None: ...

    def current_run(self, period: str) -> RunInfo | None: ...

    def approval(self, period: str) -> PeriodEvent | None:
        """The approval in force for `period` (approved and not reopened since), if any."""

    def writing(self, period: str | None = None, *, keep: bool = True) -> AbstractContextManager[None]:
        """One transaction holding what a write of `period` must hold: whatever is recorded inside
        commits together, or (an error, or `keep=False` for a dry run) not at all. Reads inside see
        what was written inside, so a correction carried through months reads each month as just
        redone. SQLite: the file's write lock. PostgreSQL: locks on the month and on the months it
        reads (postgres.PostgresLedger), so clerks writing unrelated months do not wait."""

    def claim(self, period: str) -> None:
        """Inside `writing`: lock a later month a change is carried into, before reading it (months
        are claimed in period order). SQLite's write lock holds every month already: nothing to do."""

    def record_run(self, run: NewRun) -> RunInfo:
        """Record `run`, superseding `run.replaces`, in one transaction (the current one inside
        `writing`); refused when the period's current run is not `run.replaces`, or when the period
        is approved and the run is not a correction."""

    def confirm_state(self, run_id: int, state_sha256: str, caused_by: int | None) -> None:
        """Note that `run_id` stands unchanged under the ledger state `state_sha256`."""

    def states(self, run_id: int) -> frozenset[str]:
        """The ledger states under which a run was recorded or confirmed."""

    def keep_inputs(self, blobs: Mapping[str, bytes]) -> None:
        """Keep input files' bytes (by sha256) the ledger does not hold yet."""

    def decisions_of(self, run_id: int) -> list[Decision]:
        """The decisions recorded with one run, whatever its status."""

    def input_bytes(self, sha256: str) -> bytes:
        """The bytes of an input file a run recorded; LedgerError when the ledger never kept them."""

    def approved_run(self, period: str) -> RunInfo | None:
        """The run the approval in force for `period` approved: what was paid for it."""

    def settlements(self, for_period: str) -> list[Settlement]:
        """Every recorded retro line settling `for_period`, in any run."""

    def outcomes(self, run_id: int, agent: str | None = None, *, trace: bool = True,
                 parts: frozenset[str] = PARTS) -> list[Outcome]:
        """A run's outcomes by agent; without `trace` (faster) for reports that do not read it;
        of the KPI points, pay lines and choices only the `parts` named (the others empty), so a
        review reading the score or a choice skips decoding the rest."""

    def policy_source(self, sha256: str) -> PolicySource: ...

    def history(self, agent: str) -> list[tuple[RunInfo, Outcome]]:
        """The agent's outcome in each recorded month as paid (its approved run while approved, else
        its current run: what `show` prints), by period, checked, without its trace."""

    def latest_penalties(self, before: str) -> dict[str, tuple]:
        """Each agent's recorded penalties tuple of her latest month before `before` (see AgentResult.penalties)."""
        ...

    def decisions(self, agent: str | None = None, before: str | None = None, *,
                  changes: bool = False) -> list[Decision]:
        """Decisions of current runs (and ones recorded without a run), in period and entry order; with
        `changes`, only those that change a career (not the record of a review that kept her where she was)."""

    def add_decisions(self, decisions: Sequence[Decision]) -> None: ...

    def events(self, period: str) -> list[PeriodEvent]: ...

    def approve(self, period: str, by: str) -> PeriodEvent: ...

    def reopen(self, period: str, reason: str, by: str) -> PeriodEvent: ...

    def export_shop(self) -> dict[str, list[tuple]]:
        """Every row of the shop, table by table (`jixiao ledger copy`)."""

    def import_shop(self, rows: Mapping[str, Sequence[tuple]]) -> None:
        """Write another ledger's `export_shop` into this one, inside `writing`, keeping its run ids."""

    def close(self) -> None: ...

    def __enter__(self) -> Ledger: ...

    def __exit__(self, *_: object) -> None: ...


def declared_login() -> str:
    """Who a SQLite ledger records as running a month: JIXIAO_USER, else the OS login ('?' when there
    is none, rather than an invented name). A file has no logins: whoever writes it declares one."""
    declared = os.environ.get("JIXIAO_USER", "").strip()
    if declared:
        return declared
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "?"


class SameRun(Exception):
    """The period is already recorded from the same policy and inputs: nothing to do."""

    def __init__(self, run: RunInfo):
        super().__init__(run.id)
        self.run = run


def refuse_if_locked(ledger: Ledger, period: str) -> None:
    """An approved period takes no run, not even a repeat, until it is reopened with a reason."""
    approved = ledger.approval(period)
    if approved is not None:
        raise LedgerError(
            f"{ledger.path}: {period} was approved by {approved.by} at {approved.at}; to change it, first run: "
            f"jixiao reopen --period {period} --reason \"…\"",
            f"{ledger.path}：{period} 已由 {approved.by} 于 {approved.at} 审批；如需修改，请先运行："
            f"jixiao reopen --period {period} --reason \"…\"")


def needs_supersede(current: RunInfo) -> LedgerError:
    return LedgerError(
        f"{current.period} is already recorded as run {current.id} ({current.recorded_at}, policy {current.policy_id} "
        f"{current.policy_version}) from other inputs or another policy; to replace it and keep the old run as "
        "superseded, add --supersede",
        f"{current.period} 已记录为第 {current.id} 次运行（{current.recorded_at}，方案 {current.policy_id} "
        f"{current.policy_version}），当时的输入文件或方案与本次不同；"
        "如要替换它（旧记录保留并标为已取代），请加 --supersede")
