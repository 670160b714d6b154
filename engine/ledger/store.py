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
from typing import Protocol

from engine.errors import JixiaoError
from engine.run.adjust import Outcome

DECISION_KINDS = ("grade_change", "role_change", "team_change", "dismissal", "reinstatement")


class LedgerError(JixiaoError):
    """A ledger that cannot be used, or a run the ledger refuses; one line in each language."""

    def __init__(self, message: str, zh: str):
        super().__init__(message)
        self.zh = zh

    def lines(self, lang: str = "en") -> list[str]:
        return [self.zh if lang == "zh" else str(self)]


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


class Ledger(Protocol):
    """What the engine needs from a ledger; see `engine.ledger.sqlite.SqliteLedger`."""

    def runs(self, period: str | None = None) -> list[RunInfo]: ...

    def current_run(self, period: str) -> RunInfo | None: ...

    def approval(self, period: str) -> PeriodEvent | None:
        """The approval in force for `period` (approved and not reopened since), if any."""

    def record_run(self, run: NewRun, *, supersede: bool) -> RunInfo:
        """Record `run` in one transaction, re-checking approval and the current run inside it."""

    def outcomes(self, run_id: int, agent: str | None = None) -> list[Outcome]: ...

    def policy_source(self, sha256: str) -> PolicySource: ...

    def history(self, agent: str) -> list[tuple[RunInfo, Outcome]]: ...

    def decisions(self, agent: str | None = None, before: str | None = None) -> list[Decision]:
        """Decisions of current runs (and ones recorded without a run), in period and entry order."""

    def add_decisions(self, decisions: Sequence[Decision]) -> None: ...

    def approve(self, period: str, by: str) -> PeriodEvent: ...

    def reopen(self, period: str, reason: str, by: str) -> PeriodEvent: ...

    def close(self) -> None: ...
