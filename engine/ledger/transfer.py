"""One shop's history moved from one ledger to another (`jixiao ledger copy`), and checked.

A firm that kept a shop in a SQLite file moves it onto its PostgreSQL ledger (or back): every run,
outcome, trace, manual and retroactive line, kept input file, decision, approval and setting of the
shop, with the same run numbers (its reports and retroactive lines name them). The copy is one
transaction of the receiving ledger; before it commits, what the receiving ledger now reads for
the shop is compared with what the sending one reads: the number of rows of every table, every run
as listed, and per run the digest of its outcomes, lines, traces and decisions as jixiao reads them
back. Any difference rolls the copy back; the sending ledger is only read.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from engine.ledger import codec
from engine.ledger.access import can_create, exists, location, open_ledger
from engine.ledger.digest import outcomes_sha256
from engine.ledger.store import Ledger, LedgerError


@dataclass(frozen=True, slots=True)
class Copied:
    """What was copied: the shop, the rows per table, and the digest both ledgers agree on."""

    shop: str
    rows: dict[str, int]
    runs: int
    sha256: str  # of every run as listed and of each run's outcomes digest, identical on both sides


def copy_shop(source: str | os.PathLike, target: str | os.PathLike, shop: str | None = None) -> Copied:
    """Copy `shop` (None: the source's only shop) from the ledger `source` into `target` (created when
    it does not exist), verified before it commits; LedgerError when refused or when they differ."""
    with open_ledger(source, read_only=True) as sending:
        chosen = sending.use_shop(shop)
        if not chosen or chosen not in sending.shops():
            raise LedgerError(f"{sending.path}: holds no shop to copy", f"{sending.path}：没有可复制的店铺")
        rows = sending.export_shop()
        expected = _digest(sending)
        can_create(target)
        fresh = location(target) if not exists(target) else None  # a new file is removed again on failure
        try:
            counts = _receive(target, chosen, rows, expected)
        except BaseException:
            if fresh is not None and os.path.exists(fresh):
                os.unlink(fresh)
            raise
    return Copied(chosen, counts, len(rows["runs"]), expected)


def _receive(target: str | os.PathLike, shop: str, rows: dict[str, list[tuple]], expected: str) -> dict[str, int]:
    """Write the shop's rows into `target` in one transaction, committed only if they read back the same."""
    with open_ledger(target, create=True) as receiving:
        receiving.use_shop(shop, new=True)
        with receiving.writing():
            receiving.import_shop(rows)
            counts = {table: len(found) for table, found in receiving.export_shop().items()}
            wanted = {table: len(found) for table, found in rows.items()}
            if counts != wanted or _digest(receiving) != expected:
                which = [t for t in wanted if counts.get(t) != wanted[t]]
                raise LedgerError(
                    f"{receiving.path}: the copy of {shop!r} does not read back as the original "
                    f"({', '.join(which) or 'digests differ'}); nothing was copied",
                    f"{receiving.path}：店铺 {shop!r} 的副本读回后与原账本不一致（{'、'.join(which) or '摘要不同'}）；"
                    "未复制任何内容")
    return counts


def _digest(ledger: Ledger) -> str:
    """Of the shop as jixiao reads it: every run as listed (with its inputs, approvals and states) and
    each run's outcomes digest (values, lines, traces, decisions), every value checked as it is read."""
    digest = hashlib.sha256(b"jixiao shop copy 1\n")
    for run in ledger.runs(verify=True):
        fields = (run.id, run.period, run.status, run.policy_sha256, run.fingerprint, run.report_sha256, run.agents,
                  run.total, run.superseded_by, run.recorded_at, run.state_sha256, run.outcomes_sha256, run.cause,
                  run.caused_by, run.layout_sha256, run.run_by,
                  tuple((f.kind, f.path, f.sha256) for f in run.inputs), tuple(sorted(ledger.states(run.id))),
                  tuple((e.action, e.by, e.reason, e.at, e.run_id, e.login) for e in ledger.events(run.period)))
        digest.update(codec.as_text(fields).encode())
        digest.update(outcomes_sha256(ledger.outcomes(run.id), ledger.decisions_of(run.id)).encode())
        for kept in run.inputs:
            ledger.input_bytes(kept.sha256)  # each kept file decompresses to its own sha256
    for d in ledger.decisions():
        digest.update(codec.as_text((d.agent, d.period, d.kind, d.from_value, d.to_value, d.reason, d.rule,
                                     d.run_id, d.recorded_at, d.reason_en, d.decided_by)).encode())
    return digest.hexdigest()
