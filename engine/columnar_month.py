"""`jixiao evaluate` of a month by the columnar back-end: files to report bytes with no object per agent.

The same stages as engine.month, each by its columnar counterpart: the policy loaded and checked as
always, the metrics read straight into columns (engine.data.frame_read), evaluated as columns
(engine.run.columnar), written as CSV or JSON (engine.report.frame_write) or as the XLSX workbook
(engine.report.frame_xlsx, its KPI details computed from the month's inputs) from the columns. Any stage
may find what it does not cover — a rule, a file's format, a cell, a value beyond 64 bits, a report —
and raise `NotCovered`; the caller then runs the Decimal path from the start, which gives the same
bytes (or the located error) as it always has. Like `engine.month`, this module chains stages so
that none of them has to import another.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Decimal
from itertools import repeat
from typing import TYPE_CHECKING, BinaryIO

from engine.errors import Diagnostic
from engine.model.frames import ColumnarMonth, ColumnarResults, NotCovered
from engine.model.plan import Plan
from engine.month import Elsewhere, Files, Sources, read_sources
from engine.policy.check import require_valid
from engine.policy.compile import compile_policy
from engine.policy.load import load_text

if TYPE_CHECKING:  # the columnar library is imported only where the columnar path runs
    from engine.report.frame_write import Writer
    from engine.run.columnar.events import PenaltyFacts

FORMATS = ("csv", "json", "xlsx")
# Below this many bytes of metrics the Decimal path is the quicker one: importing the columnar library
# costs about as much as evaluating 7,000 agents (measured with bench_year.py's export: 5,000 agents
# 1.93 s Decimal, 2.38 s columnar; 20,000 agents 3.84 s and 2.17 s), so `--engine auto` leaves a month
# of under about 10,000 agents to the Decimal path.
LARGE = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Said:
    """What a month evaluated by columns has to say, as `engine.month.Evaluation` says it (the CLI's
    `_tell_evaluation` reads either): the policy's warnings, the reader's notes, clauses no events can
    fire, pay under the minimum wage or below zero."""

    plan: Plan
    warnings: tuple[Diagnostic, ...]
    notes: tuple[object, ...]
    under_minimum: tuple[tuple[str, Decimal], ...] = ()
    paid_elsewhere: tuple[Elsewhere, ...] = ()
    below_zero: tuple[str, ...] = ()
    events: bool = False  # an events file was read

    @property
    def penalties_unread(self) -> tuple[str, ...]:
        """The clauses none of which could fire: the policy has some, and no events file was given."""
        return () if self.events else tuple(c.name for c in self.plan.penalties)

    @property
    def carried_unknown(self) -> bool:
        """Losses carried from earlier months count as 0: only the ledger knows them (L.1)."""
        return self.plan.deductions is not None and self.plan.deductions.remainder == "carry"


@dataclass(frozen=True, slots=True)
class ColumnarReport:
    """The report, how many results, how many rows the Decimal code computed because they lay on a
    threshold, and what there is to say. `data` is a temporary file, read from its start, for a month
    evaluated in chunks: its report can be larger than memory, and is copied out a block at a time (the
    file is gone once closed); for a month evaluated whole as CSV or JSON, what writes the report into a
    stream (its every check passed already), so that a million results' report goes straight into its
    file; for XLSX, the workbook's bytes."""

    said: Said
    data: bytes | BinaryIO | Writer
    count: int
    by_decimal: int


@dataclass(frozen=True, slots=True)
class MonthByColumns:
    """A month evaluated by columns: its inputs and results, and what there is to say of it (the report
    is made from this, or explain's agent is found in it)."""

    said: Said
    month: ColumnarMonth
    results: ColumnarResults
    by_decimal: int
    facts: PenaltyFacts | None  # the events and adjustments of the agents that have some

    @property
    def plan(self) -> Plan:
        return self.said.plan


def large(files: Files) -> bool:
    """Whether the month is large enough for `--engine auto` to take the columnar path."""
    paths = (files.metrics,) if isinstance(files.metrics, str) else files.metrics or ()
    try:
        size = sum(os.path.getsize(path) for path in paths)
    except OSError:
        return False  # the Decimal path says which file it cannot read
    from engine.stream_month import beyond

    return size >= LARGE or any(beyond(path) for path in paths)  # beyond the Decimal reader's cap: in chunks


def evaluate_report(files: Files, period: str | None, fmt: str, lang: str) -> ColumnarReport:
    """The month's report in `fmt` by the columnar path, or NotCovered (nothing written, nothing said)."""
    if fmt not in FORMATS:
        raise NotCovered(f"the {fmt} report", f"{fmt} 格式的报表")
    if files.metrics is None or not isinstance(files.metrics, str):
        raise NotCovered("several metrics files", "多个指标文件")
    from engine.stream_month import beyond

    if beyond(files.metrics):
        if files.events or files.adjustments:
            raise NotCovered("events or adjustments of a month evaluated in chunks", "分块计算的月份中的事件或人工调整")
        return _streamed(files, period, fmt, lang)
    done = month_by_columns(files, period)
    plan, results = done.plan, done.results
    if fmt == "xlsx":
        from engine.report.frame_xlsx import frame_xlsx

        data = frame_xlsx(plan, done.month, results, lang)
    else:  # written where it goes, never held whole in memory first; nor the month's inputs while it is
        from engine.report.frame_write import frame_writer

        data = frame_writer(plan, results, fmt, lang)
    return ColumnarReport(done.said, data, results.frame.height, done.by_decimal)


def month_by_columns(files: Files | Sources, period: str | None,
                     refuse: Callable[[Plan], NotCovered | None] = lambda plan: None) -> MonthByColumns:
    """The month of `files` (one metrics file within the Decimal reader's cap; paths, or the bytes a
    recorded run kept) evaluated by columns, or NotCovered; `refuse`: what the caller does not cover of a
    plan, asked before any data is read."""
    if isinstance(files, Files) and (files.metrics is None or not isinstance(files.metrics, str)):
        raise NotCovered("several metrics files", "多个指标文件")  # said before any file is read
    sources = files if isinstance(files, Sources) else read_sources(files)
    del files  # given paths, the files' bytes are held here alone, and let go of as each is read
    metrics, roster, team = sources.path("metrics"), sources.path("roster"), sources.path("team")
    events, adjustments = sources.path("events"), sources.path("adjustments")
    if metrics is None or sources.more_metrics:
        raise NotCovered("several metrics files", "多个指标文件")
    plan, warnings = _plan(sources, period)
    refused = refuse(plan)
    if refused is not None:
        raise refused
    from engine.data.frame_read import read_month
    from engine.run.columnar.evaluate import evaluate_month

    data = {path: content for _, path, content in sources.inputs}
    del sources  # the files' bytes are held by `data` alone, which read_month takes the metrics' and roster's out of
    month = read_month(plan, metrics, roster, team, data=data, period=period)
    if month.frame.height == 0:
        raise NotCovered("a month without agents", "没有客服的月份")
    facts, notes = None, month.notes
    if events or adjustments:
        facts, notes = read_facts(plan, events, adjustments, data, month)
    del data  # nor the events' and adjustments' once read
    evaluated = evaluate_month(plan, month, facts=facts)
    paid = _paid(evaluated.results, facts.adjustments if facts else {})
    under, elsewhere = _under_minimum(plan, paid)
    below = tuple(paid.frame.filter(paid.frame.get_column("total") < 0).get_column("agent").to_list())
    said = Said(plan, tuple(warnings), notes, under, elsewhere, below, bool(events))
    return MonthByColumns(said, month, evaluated.results, evaluated.by_decimal, facts)


def read_facts(plan: Plan, events_path: str | None, adjustments_path: str | None, data: Mapping[str, bytes],
               month: ColumnarMonth) -> tuple[PenaltyFacts, tuple[object, ...]]:
    """The month's events and manual adjustments read as engine.month.read_months reads them (the same
    readers, over the same bytes `data` holds under their paths, against the month's agents), as the facts
    of the agents that have some (engine.run.columnar.events), and the notes: the metrics reader's, then
    the events reader's. What the Decimal path refuses with a located error (several months, a bad row, an
    unknown agent, a policy without `events:`) is NotCovered: that path then reads the files again and says
    it, as it always has."""
    from engine.data.adjustments import read_adjustments
    from engine.data.events import read_events
    from engine.data.inputs import own_agent_headers
    from engine.data.sources import holding
    from engine.errors import DataError
    from engine.run.columnar.events import manual_sums, penalty_facts

    frame = month.frame
    periods = frame.get_column("period").unique().to_list()
    if len(periods) != 1:
        raise NotCovered("events or adjustments without one month (--period)", "事件或人工调整需要单一月份（--period）")
    period = periods[0]
    if events_path and plan.events is None:
        raise NotCovered("an events file for a policy without events:", "方案没有 events: 段却给了事件文件")
    agents = set(frame.get_column("agent").to_list())
    headers = own_agent_headers(plan)
    with holding(data):
        try:
            events, notes = (read_events(events_path, plan.events, agents, period, headers)  # type: ignore[arg-type]
                             if events_path else ((), ()))
            lines = read_adjustments(adjustments_path, agents, period, headers) if adjustments_path else ()
        except DataError:
            raise NotCovered("a row of the events or adjustments file the Decimal path refuses",
                             "事件或人工调整文件中有逐条计算会拒绝的行") from None
    return penalty_facts(plan, period, events, manual_sums(lines)), (*month.notes, *notes)


def _paid(results: ColumnarResults, adjustments: Mapping[str, Decimal]) -> ColumnarResults:
    """The results with each total as paid: plus the agent's manual adjustments (engine.run.adjust), which
    the warnings on pay under the minimum wage or below zero judge, as engine.month.Month does."""
    if not adjustments:
        return results
    import polars as pl

    frame, scale = results.frame, results.scales["total"]
    to = max(scale, *(-int(a.as_tuple().exponent) for a in adjustments.values()))
    sums = pl.DataFrame({"agent": list(adjustments), "_adjusted": [int(a.scaleb(to)) for a in adjustments.values()]},
                        schema={"agent": frame.schema["agent"], "_adjusted": pl.Int128})
    paid = (frame.join(sums, on="agent", how="left", maintain_order="left")
            .with_columns((pl.col("total").cast(pl.Int128) * 10 ** (to - scale) + pl.col("_adjusted").fill_null(0))
                          .alias("total")).drop("_adjusted"))
    return ColumnarResults(paid, {**results.scales, "total": to})


def _plan(sources: Sources, period: str | None) -> tuple[Plan, list[Diagnostic]]:
    """The policy loaded, checked and compiled; NotCovered for one the columnar path does not read."""
    doc = load_text(sources.policy, sources.policy_path, sources.base_bytes())
    warnings = require_valid(doc)
    plan = compile_policy(doc, period)
    if plan.policy.dated:
        raise NotCovered("a policy with dated values", "含分段生效值的方案")
    return plan, list(warnings)


def _streamed(files: Files, period: str | None, fmt: str, lang: str) -> ColumnarReport:
    """The report of a metrics file beyond the Decimal reader's cap, evaluated in chunks (engine.stream_month):
    its bytes, or the located error saying why the month cannot be evaluated so."""
    import tempfile

    from engine.stream_month import refused, stream_month

    assert isinstance(files.metrics, str)
    if files.team is not None:
        raise refused(files.metrics, "a team file", "小组文件")
    sources = read_sources(replace(files, metrics=None))  # the metrics file is read chunk by chunk
    plan, warnings = _plan(sources, period)
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it once copied out)
    try:
        streamed = stream_month(plan, files.metrics, files.roster, period, fmt, lang, out)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    said = Said(plan, tuple(warnings), streamed.notes, streamed.under_minimum, streamed.paid_elsewhere,
                streamed.below_zero)
    return ColumnarReport(said, out, streamed.count, streamed.by_decimal)


def _under_minimum(plan: Plan, results: ColumnarResults) -> tuple[tuple, tuple[Elsewhere, ...]]:
    """Pay under the minimum wage (L.1/L.4) as engine.run.penalties judges it — every result paid less
    than its period's minimum, unless the policy prorates; those of a role someone else pays told apart —
    found by one filter over the columns: a month where most agents start under the wage (S4's trainees)
    is not a million Python objects to name the first ten."""
    if plan.deductions is None or plan.prorated:
        return (), ()
    import polars as pl

    frame, scale = results.frame, results.scales["total"]
    wages = {p: w for p in frame.get_column("period").unique(maintain_order=True).to_list()
             if (w := plan.deductions.minimum_for(p)) is not None}
    if not wages:
        return (), ()
    # total / 10^scale < wage  ⇔  total < ⌈wage · 10^scale⌉ for a whole number `total`
    ceilings = pl.DataFrame({"period": list(wages),
                             "ceiling": [int(w.scaleb(scale).to_integral_value(rounding=ROUND_CEILING))
                                         for w in wages.values()]},
                            schema={"period": frame.schema["period"], "ceiling": pl.Int128})
    picked = frame.select("agent", "period", "role", "total")
    if len(wages) == 1:  # one period (every month evaluated alone): its ceiling as a constant, no join
        ceiling = pl.lit(ceilings.item(0, "ceiling"), dtype=pl.Int128)
    else:
        picked, ceiling = picked.join(ceilings, on="period", maintain_order="left"), pl.col("ceiling")
    low = (picked.filter(pl.col("total").cast(pl.Int128) < ceiling)
           .with_columns(elsewhere=pl.col("role").is_in(list(plan.paid_by)).fill_null(False)))
    mine = low.filter(~pl.col("elsewhere"))
    # Each (agent, wage) pair made by zip in C, not a Python loop: S4's month has 900,000 of them at a million.
    agents, periods = mine.get_column("agent").to_list(), mine.get_column("period")
    if len(wages) == 1:
        under = tuple(zip(agents, repeat(next(iter(wages.values())), len(agents)), strict=True))
    else:
        under = tuple(zip(agents, map(wages.__getitem__, periods.to_list()), strict=True))
    others = low.filter(pl.col("elsewhere")).select("agent", "period", "role").iter_rows()
    elsewhere = tuple(Elsewhere(agent, wages[period], role, plan.roles[role][0], plan.paid_by[role])
                      for agent, period, role in others)
    return under, elsewhere
