"""`jixiao evaluate` of a month by the columnar back-end: files to report bytes with no object per agent.

The same stages as engine.month, each by its columnar counterpart: the policy loaded and checked as
always, the metrics read straight into columns (engine.data.frame_read), evaluated as columns
(engine.run.columnar), written as CSV or JSON from the columns (engine.report.frame_write). Any stage
may find what it does not cover — a rule, a file's format, a cell, a value beyond 64 bits, a report —
and raise `NotCovered`; the caller then runs the Decimal path from the start, which gives the same
bytes (or the located error) as it always has. Like `engine.month`, this module chains stages so
that none of them has to import another.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from engine.errors import Diagnostic
from engine.model.frames import NotCovered
from engine.model.plan import Plan
from engine.month import Files, read_sources
from engine.policy.check import require_valid
from engine.policy.compile import compile_policy
from engine.policy.load import load_text

FORMATS = ("csv", "json")
# Below this many bytes of metrics the Decimal path is as quick as loading the columnar library:
# `--engine auto` leaves a shop's month to it (about 2,000 agents of a typical export).
LARGE = 256 * 1024


@dataclass(frozen=True, slots=True)
class ColumnarReport:
    """The report's bytes, what the policy's check warned of, how many results, and how many rows
    the Decimal code computed because they lay on a threshold."""

    plan: Plan
    warnings: tuple[Diagnostic, ...]
    data: bytes
    count: int
    by_decimal: int


def large(files: Files) -> bool:
    """Whether the month is large enough for `--engine auto` to take the columnar path."""
    paths = (files.metrics,) if isinstance(files.metrics, str) else files.metrics or ()
    try:
        return sum(os.path.getsize(path) for path in paths) >= LARGE
    except OSError:
        return False  # the Decimal path says which file it cannot read


def evaluate_report(files: Files, period: str | None, fmt: str, lang: str) -> ColumnarReport:
    """The month's report in `fmt` by the columnar path, or NotCovered (nothing written, nothing said)."""
    if fmt not in FORMATS:
        raise NotCovered(f"the {fmt} report", f"{fmt} 格式的报表")
    if files.events or files.adjustments:
        raise NotCovered("events and adjustments", "事件与人工调整")
    if period is not None:
        raise NotCovered("--period", "--period")
    if files.metrics is None or not isinstance(files.metrics, str):
        raise NotCovered("several metrics files", "多个指标文件")
    sources = read_sources(files)
    doc = load_text(sources.policy, sources.policy_path, sources.base_bytes())
    warnings = require_valid(doc)
    plan = compile_policy(doc, period)
    if plan.policy.dated:
        raise NotCovered("a policy with dated values", "含分段生效值的方案")
    if plan.deductions is not None:
        raise NotCovered("the legal guard over deductions", "扣款的法定限制")
    from engine.data.frame_read import read_month
    from engine.report.frame_write import render_frame
    from engine.run.columnar.evaluate import evaluate_month

    data = {path: content for _, path, content in sources.inputs}
    month = read_month(plan, files.metrics, files.roster, files.team, data=data)
    evaluated = evaluate_month(plan, month)
    frame = evaluated.results.frame
    if frame.height == 0:
        raise NotCovered("a month without agents", "没有客服的月份")
    if frame.get_column("total").lt(0).any():  # the Decimal path says it, and names them
        raise NotCovered("pay below zero", "低于零的工资")
    return ColumnarReport(plan, tuple(warnings), render_frame(plan, evaluated.results, fmt, lang), frame.height,
                          evaluated.by_decimal)
