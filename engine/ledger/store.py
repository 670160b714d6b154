"""The ledger's storage interface: what the engine asks of a ledger, whatever database keeps it.

`Ledger` is a Protocol so a PostgreSQL ledger can be added beside `sqlite.SqliteLedger` without
touching the engine: the CLI and `engine.record` only use these methods and these frozen values.
Rules every implementation keeps: runs are append-only (a run is never updated except to be
marked superseded, in the same transaction that records its successor); one transaction per run;
money and scores are decimal text; a period approved and not reopened refuses new runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable

from engine.errors import JixiaoError
from engine.run.adjust import Outcome

# The tuple columns of an outcome a reader may leave out (see Ledger.outcomes).
PARTS = frozenset({"kpis", "pay", "choices", "penalties"})
DECISION_KINDS = ("grade_change", "role_change", "team_change", "dismissal", "reinstatement")


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
    kind: str  # one of DECISION_KINDS
    from_value: str | None
    to_value: str | None
    reason: str
    rule: str = ""
    run_id: int | None = None
    id: int | None = None
    recorded_at: str = ""
    reason_en: str = ""  # the reason in English; '' in ledgers recorded before schema 2 (shown: `reason`)

    def reason_in(self, lang: str) -> str:
        """The reason in `lang`, the Chinese one where no English one was recorded."""
        return self.reason_en if lang == "en" and self.reason_en else self.reason


@dataclass(frozen=True, slots=True)
class NewRun:
    """Everything one `jixiao run` records, written in one transaction."""

    period: str
    policy: PolicySource
    inputs: tuple[InputFile, ...]
    fingerprint: str  # sha256 of the period, the policy and every input file: equal means "same run"
    report_sha256: str  # of the JSON report rendered at run time; `show` checks it re-renders the same
    outcomes: tuple[Outcome, ...]
    decisions: tuple[Decision, ...]
    jixiao_version: str


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
    inputs: tuple[InputFile, ...] = ()


@dataclass(frozen=True, slots=True)
class PeriodEvent:
    period: str
    action: str  # approve | reopen
    by: str
    reason: str
    at: str


@runtime_checkable
class Ledger(Protocol):
    """What the engine needs from a ledger; see `engine.ledger.sqlite.SqliteLedger`."""

    path: str  # where the ledger is, as messages name it

    def runs(self, period: str | None = None, *, verify: bool = False) -> list[RunInfo]:
        """Runs in period and id order; with `verify`, each run's total and head count checked
        against its outcomes (engine.ledger.verify), as `jixiao runs` lists them."""

    def run(self, run_id: int) -> RunInfo | None: ...

    def current_run(self, period: str) -> RunInfo | None: ...

    def approval(self, period: str) -> PeriodEvent | None:
        """The approval in force for `period` (approved and not reopened since), if any."""

    def record_run(self, run: NewRun, *, supersede: bool) -> RunInfo:
        """Record `run` in one transaction, re-checking approval and the current run inside it."""

    def outcomes(self, run_id: int, agent: str | None = None, *, trace: bool = True,
                 parts: frozenset[str] = PARTS) -> list[Outcome]:
        """A run's outcomes by agent; without `trace` (faster) for reports that do not read it;
        of the KPI points, pay lines and choices only the `parts` named (the others empty), so a
        review reading the score or a choice skips decoding the rest."""

    def policy_source(self, sha256: str) -> PolicySource: ...

    def history(self, agent: str) -> list[tuple[RunInfo, Outcome]]:
        """The agent's outcome in each current run, by period, checked, without its trace."""

    def carried(self, before: str) -> dict[str, Decimal]:
        """Each agent's loss still to deduct after their latest recorded month before `before` (L.1)."""
        ...

    def decisions(self, agent: str | None = None, before: str | None = None) -> list[Decision]:
        """Decisions of current runs (and ones recorded without a run), in period and entry order."""

    def add_decisions(self, decisions: Sequence[Decision]) -> None: ...

    def events(self, period: str) -> list[PeriodEvent]: ...

    def approve(self, period: str, by: str) -> PeriodEvent: ...

    def reopen(self, period: str, reason: str, by: str) -> PeriodEvent: ...

    def close(self) -> None: ...


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
