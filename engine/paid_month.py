"""One month for the payslips and the team report: from its files (as `jixiao evaluate` computes it) or
as the ledger recorded it (as `jixiao show` prints it), with what only the ledger knows.

Like `engine.record`, this chains stages so that the report stage never reads files or the ledger
itself: it is handed a `MonthView`.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from engine.errors import JixiaoError
from engine.ledger.access import open_ledger
from engine.ledger.codec import Damaged
from engine.ledger.digest import layout_sha256
from engine.ledger.state import paid_run
from engine.ledger.store import LedgerError
from engine.ledger.verify import check_trace
from engine.month import Evaluation, Files, evaluate_files
from engine.record import recorded_plan, with_carried
from engine.report.messages import say
from engine.report.month_view import Approval, MonthView
from engine.retrace import with_traces


class SeveralMonths(JixiaoError):
    """The files hold several months: a payslip is for one."""

    exit_code = 2

    def __init__(self, months: list[str]):
        shown = ", ".join(months)
        super().__init__(say("slips_one_month", "en", months=shown), say("slips_one_month", "zh", months=shown))


def month_from_files(files: Files, period: str | None,
                     progress: Callable[[str, str, int], None] | None = None) -> tuple[Evaluation, MonthView]:
    """The month of the files (the one `period` names, or the only one they hold), evaluated with its
    trace and no ledger; the evaluation too, for what it has to say (warnings, notes)."""
    done = evaluate_files(files, period, trace=True, progress=progress)
    if len(done.months) > 1:
        raise SeveralMonths([m.period for m in done.months])
    month = done.months[0]
    return done, MonthView(done.plan, month.period, month.outcomes, events_unread=bool(done.penalties_unread),
                           carry_unknown=done.carried_unknown)


def month_from_ledger(db: str | os.PathLike, period: str) -> MonthView:
    """The month as paid (its approved run while approved, else its current run), its traces checked
    against its recorded lines, the decisions made with it, and every recorded month up to it."""
    with open_ledger(db, read_only=True) as ledger:
        info = paid_run(ledger, period)
        if info is None:
            known = ", ".join(sorted({r.period for r in ledger.runs()})) or "—"
            raise LedgerError(say("no_run_for", "en", db=ledger.path, period=period, known=known),
                              say("no_run_for", "zh", db=ledger.path, period=period, known=known))
        plan = recorded_plan(ledger, info)
        if info.layout_sha256 and info.layout_sha256 != layout_sha256(plan):
            fields = {"period": info.period, "run": info.id, "recorded": info.jixiao_version}
            raise LedgerError(say("other_layout", "en", **fields), say("other_layout", "zh", **fields))
        outcomes = tuple(with_traces(ledger, plan, info, with_carried(ledger, plan, info, ledger.outcomes(info.id))))
        try:
            for outcome in outcomes:
                check_trace(plan, outcome)  # the lines a payslip shows agree with the trace it explains them by
        except Damaged as damaged:
            raise damaged.in_file(db) from None
        event = ledger.approval(period)
        approval = Approval(event.by, event.at) if event is not None and event.run_id == info.id else None
        by_hand = tuple(d for d in ledger.decisions() if d.period == period and d.run_id is None)
        history = []
        for month in sorted({r.period for r in ledger.runs() if r.period <= period}):
            run = paid_run(ledger, month)
            if run is not None:
                history.append((month, tuple(ledger.outcomes(run.id, trace=False))))
        events_unread = bool(plan.penalties) and not any(f.kind == "events" for f in info.inputs)
        return MonthView(plan, period, outcomes, info.id, approval, tuple(ledger.decisions_of(info.id)), by_hand,
                         tuple(history), events_unread=events_unread)
