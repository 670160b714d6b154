"""Evaluate a month as columns: every step over every agent at once, then the unsure rows by the Decimal code.

`evaluate_month` is the columnar counterpart of engine.run.evaluate.evaluate_period for the plans
it covers: one period or several (aggregates never mix months), inputs read from the data (metrics,
how a fallback supplied them, team statistics, role and grade). Each step is lowered
(engine.run.columnar.lower) and computed into a column of the month in the plan's order, its largest
value read back so that the next step's overflow and precision checks use the month's real bounds.

A row is *unsure* where the exact value lies exactly on a threshold that the Decimal path's 28-digit
value only approaches, where a table has no row for its key, or where a division by zero would raise:
those rows are computed by the plan's own generated code, from the same inputs the Decimal path would
give it, and written over the columnar values. A failure there (the located error the Decimal path
would raise) makes the whole month `NotCovered`, so the caller's Decimal path raises it as it always has.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import polars as pl

from engine.model import frames
from engine.model.blocks import Block
from engine.model.frames import ColumnarMonth, ColumnarResults, NotCovered
from engine.model.plan import Plan
from engine.policy.runtime import CONTEXT
from engine.run.columnar.columns import UNSURE, Columns, bounded
from engine.run.columnar.lower import StepLowering, not_covered
from engine.run.columnar.values import ROUNDING, Fixed, Flag, Ratio, Text, Value, checked, fits, terminates

COVERED_BLOCKS = frozenset({Block.METRICS, Block.SUPPLIED, Block.AGGREGATES, Block.CAREER})


@dataclass(frozen=True, slots=True)
class Evaluated:
    """The month's results, and how many rows the Decimal code computed (they lay on a threshold)."""

    results: ColumnarResults
    by_decimal: int


def covers(plan: Plan) -> NotCovered | None:
    """Why the columnar path cannot evaluate this plan at all (None: it may, data permitting)."""
    if plan.outputs is None:
        return NotCovered("a plan without outputs", "没有输出的方案")
    if plan.phases or plan.populations:
        return NotCovered("values over many agents (rankings, team sums of computed values)",
                          "跨客服的群体值（排名、团队合计）")
    other = [b.block.value for b in plan.blocks if b.block not in COVERED_BLOCKS]
    if other:
        return NotCovered(f"inputs of kind {', '.join(other)}", f"输入类型 {', '.join(other)}")
    if plan.outputs.penalties:
        return NotCovered("penalty clauses", "罚则")
    return None


def evaluate_month(plan: Plan, month: ColumnarMonth) -> Evaluated:
    """The month's results as columns, byte for byte what the Decimal path gives, or NotCovered."""
    refused = covers(plan)
    if refused is not None:
        raise refused
    frame = month.frame
    early = frame.filter(pl.col("period") < plan.policy.effective_from[:7]).height
    if early:  # the Decimal path's located error (JX411)
        raise NotCovered("months before the policy took effect", "方案生效前的月份")
    frame = _with_aggregates(plan, frame, month.scales)
    columns = Columns(frame)
    known: dict[int, Value] = {}
    rescued: dict[int, pl.Expr] = {}
    inputs = _Inputs(plan, frame, columns, month.scales)
    for block in plan.blocks:
        for name, slot in zip(block.names, block.slots, strict=True):
            known[slot] = inputs.value(block.block, name)
    for slot in plan.order:
        step = plan.steps[slot]
        if step.op is None or slot in known:
            continue
        value, fell = StepLowering(step.name, columns, known, rescued, inputs.value).step(step.op)
        known[slot] = columns.keep(value, f"v{slot}")
        if fell is not None:
            rescued[slot] = columns.column(fell)
        columns.settle()
    exprs, scales = _results(plan, known, columns)
    results = columns.collect(exprs)
    unsure = results.get_column(UNSURE)
    rows = unsure.arg_true().to_list() if unsure.any() else []
    results = results.drop(UNSURE)
    if rows:
        results = _by_decimal(plan, month, frame, results, scales, rows)
    return Evaluated(ColumnarResults(results, scales), len(rows))


class _Inputs:
    def __init__(self, plan: Plan, frame: pl.DataFrame, columns: Columns, scales: Mapping[str, int]):
        self.plan = plan
        self.frame = frame
        self.columns = columns
        self.scales = scales
        self.metrics = {m.name: m for m in plan.metrics}

    def value(self, block: Block, name: str) -> Value:
        if block is Block.CAREER:
            return Text(pl.col(name))
        if block is Block.SUPPLIED:
            return Text(pl.col(name))
        if block is Block.AGGREGATES:
            aggregate = next(a for a in self.plan.aggregates if a.name == name)
            return self._aggregate(aggregate.name, aggregate.stat, self.scales[aggregate.of])
        if block is Block.METRICS:
            metric = self.metrics[name]
            if metric.type == "choice":
                return Text(pl.col(name))
            if name not in self.scales:
                raise NotCovered(f"the metric {name} without a scale", f"指标 {name} 没有小数位数")
            return bounded(Fixed(pl.col(name), self.scales[name], 0, False), self.frame)
        raise not_covered(f"an input of kind {block.value}", name)

    def _aggregate(self, name: str, stat: str, scale: int) -> Value:
        column = f"agg:{name}"
        largest = _largest(self.frame, pl.col(column))
        if stat == "mean":
            # sum / count, rounded to 28 digits by the Decimal path (engine.run.inputs._stat).
            count = _largest(self.frame, pl.col(f"{column}.n"))
            dmax = checked(count * 10**scale, name)
            mag = Fraction(largest, 10**scale)
            num, den = pl.col(column), pl.col(f"{column}.n") * 10**scale
            mean = Ratio(num, den, largest, dmax, mag, ROUNDING * mag, None, fits(terminates(num, den, dmax), 18, mag),
                         18)
            return self.columns.keep(mean, column)
        if stat == "count":
            return bounded(Fixed(pl.col(column), 0, largest, True), self.frame)
        return bounded(Fixed(pl.col(column), scale, largest, False), self.frame)


def _largest(frame: pl.DataFrame, expr: pl.Expr) -> int:
    found = frame.select(expr.abs().max()).item()
    return 0 if found is None else int(found)


def _with_aggregates(plan: Plan, frame: pl.DataFrame, scales: Mapping[str, int]) -> pl.DataFrame:
    """Each agent's team statistics of the month (one period's team, never another month's)."""
    wanted = [a for a in plan.aggregates
              if any(b.block is Block.AGGREGATES and a.name in b.names for b in plan.blocks)]
    if not wanted:
        return frame
    exprs = []
    for a in wanted:
        if a.of not in scales:
            raise NotCovered(f"the team statistic {a.name} of a value that is not a number",
                             f"团队统计 {a.name} 的对象不是数值")
        of = pl.col(a.of)
        column = f"agg:{a.name}"
        if a.stat in ("sum", "mean"):
            exprs.append(of.sum().over("period", "team").alias(column))
        elif a.stat in ("min", "max"):
            exprs.append((of.min() if a.stat == "min" else of.max()).over("period", "team").alias(column))
        if a.stat in ("mean", "count"):
            counted = pl.len().over("period", "team").cast(pl.Int64)
            exprs.append(counted.alias(f"{column}.n" if a.stat == "mean" else column))
    # A sum of a team's values stays below 2**63 when every value times the team's size does.
    for a in wanted:
        if a.stat in ("sum", "mean"):
            largest = _largest(frame, pl.col(a.of))
            size = frame.group_by("period", "team").len().get_column("len").max()
            checked(largest * int(size or 0), a.name)
    return frame.with_columns(exprs)


def _results(plan: Plan, known: Mapping[int, Value], columns: Columns) -> tuple[list[pl.Expr], dict[str, int]]:
    """The results' columns (engine.model.frames) from the computed steps; a row whose result is a
    negative zero, which a whole number cannot hold, is the Decimal code's (which refuses it)."""
    out = plan.outputs
    assert out is not None
    carry = [frames.carry(i) for i in range(len(plan.roster.carry))]
    exprs: list[pl.Expr] = [pl.col(c) for c in (*frames.TEXT[:4], *frames.CAREER, *carry)]
    scales: dict[str, int] = {}

    def number(column: str, slot: int) -> None:
        value = known[slot]
        if not isinstance(value, Fixed) or not (value.exp or value.places is not None):
            raise NotCovered(f"the result {column}, whose places differ from agent to agent",
                             f"结果 {column} 的小数位数因人而异")
        scales[column] = value.scale
        exprs.append(value.expr.alias(column))
        if not value.exp:  # each row's places (engine.model.frames: `<column>.places`)
            exprs.append(value.places.alias(places_column(column)))
        if value.neg is not None:
            columns.mark(value.neg)

    def text(column: str, slot: int) -> None:
        value = known[slot]
        if not isinstance(value, Text):
            raise NotCovered(f"the result {column}, which is not an id", f"结果 {column} 不是标识")
        exprs.append(value.expr.alias(column))

    if out.score is not None:
        number("score", out.score)
    if out.rating is not None:
        text("rating", out.rating)
    for name, slot in out.kpis:
        number(frames.kpi(name), slot)
    for name, slot in out.pay:
        number(frames.pay(name), slot)
    number("total", out.total)
    for name, slot in out.choices:
        text(frames.choice(name), slot)
    for name, when, slot in out.flags:
        for column, at in ((frames.held(name), when), (frames.raised(name), slot)):
            value = known[at]
            if not isinstance(value, Flag):
                raise NotCovered(f"the flag {name}, which is not a condition", f"标记 {name} 不是条件")
            exprs.append(value.expr.alias(column))
    return exprs, scales


def _by_decimal(plan: Plan, month: ColumnarMonth, frame: pl.DataFrame, results: pl.DataFrame,
                scales: Mapping[str, int], rows: list[int]) -> pl.DataFrame:
    """The unsure rows computed by the plan's generated code and written over the columnar values."""
    out = plan.outputs
    assert out is not None
    picked = frame[rows]
    columns: dict[str, list] = {}
    with decimal.localcontext(CONTEXT):
        for index in range(picked.height):
            row = picked.row(index, named=True)
            try:
                found = plan.run(_blocks(plan, month.scales, row))
            except Exception as exc:  # the Decimal path raises it, located, when it evaluates the month
                raise NotCovered(f"agent {row['agent']}: {exc}", f"客服 {row['agent']}：{exc}") from None
            for column, value in _named(plan, found):
                columns.setdefault(column, []).append(value)
    updated = []
    for column, values in columns.items():
        if column in scales:
            if places_column(column) in results.columns:
                places = [_places(v, scales[column], column) for v in values]
                updated.append(results.get_column(places_column(column)).scatter(rows, places))
                values = [_whole(v.quantize(Decimal(1).scaleb(-scales[column])), scales[column], column)
                          for v in values]
            else:
                values = [_whole(v, scales[column], column) for v in values]
        series = results.get_column(column).scatter(rows, values)
        updated.append(series)
    return results.with_columns(updated)


def places_column(column: str) -> str:
    """The column of each row's places of a result whose places vary (engine.model.frames: `<column>.places`)."""
    return f"{column}.places"


def _places(value: object, scale: int, column: str) -> int:
    """A Decimal result's places, for a column whose places vary from row to row: 0 to `scale`."""
    exponent = value.as_tuple().exponent if isinstance(value, Decimal) else None
    if not isinstance(exponent, int) or not -scale <= exponent <= 0:
        raise NotCovered(f"the result {column} with other places than the month's", f"结果 {column} 的小数位数不一致")
    return -exponent


def _blocks(plan: Plan, scales: Mapping[str, int], row: Mapping[str, object]) -> tuple:
    """One agent's inputs, one tuple per block, as the Decimal path's readers give them."""
    found = []
    for block in plan.blocks:
        if block.block is Block.METRICS:
            found.append(tuple(frames.scaled(row[n], scales[n]) if n in scales else row[n]  # type: ignore[arg-type]
                               for n in block.names))
        elif block.block is Block.SUPPLIED or block.block is Block.CAREER:
            found.append(tuple(row[n] for n in block.names))
        else:  # AGGREGATES, as engine.run.inputs._stat computes them
            values = []
            for name in block.names:
                a = next(a for a in plan.aggregates if a.name == name)
                column = f"agg:{name}"
                if a.stat == "count":
                    values.append(Decimal(row[column]))  # type: ignore[arg-type]
                elif a.stat == "mean":
                    values.append(frames.scaled(row[column], scales[a.of]) / Decimal(row[f"{column}.n"]))  # type: ignore
                else:
                    values.append(frames.scaled(row[column], scales[a.of]))  # type: ignore[arg-type]
            found.append(tuple(values))
    return tuple(found)


def _named(plan: Plan, found: tuple) -> list[tuple[str, object]]:
    """The generated code's result tuple as the results' columns."""
    score, rating, kpis, pay, total, choices, _penalties, flags = found
    out = plan.outputs
    assert out is not None
    named: list[tuple[str, object]] = []
    if out.score is not None:
        named.append(("score", score))
    if out.rating is not None:
        named.append(("rating", rating))
    named += [(frames.kpi(k), v) for k, v in kpis]
    named += [(frames.pay(k), v) for k, v in pay]
    named.append(("total", total))
    named += [(frames.choice(k), v) for k, v in choices]
    for name, held, raised in flags:
        named += [(frames.held(name), held), (frames.raised(name), raised)]
    return named


def _whole(value: object, scale: int, column: str) -> int:
    """A Decimal result as the column's whole number; its places must be the column's."""
    if not isinstance(value, Decimal) or value.as_tuple().exponent != -scale:
        raise NotCovered(f"the result {column} with other places than the month's", f"结果 {column} 的小数位数不一致")
    if value.is_zero() and value.is_signed():
        raise NotCovered(f"the result {column} that is a negative zero ({value})", f"结果 {column} 为负零（{value}）")
    return int(value.scaleb(scale))
