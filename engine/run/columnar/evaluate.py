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
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

import polars as pl

from engine.model import frames
from engine.model.blocks import Block
from engine.model.calendar_facts import (
    CLOSES_QUARTER,
    CLOSES_YEAR,
    MONTH_OF_QUARTER,
    MONTHS_SINCE_JOINING,
    period_fact,
    tenure_months,
)
from engine.model.frames import ColumnarMonth, ColumnarResults, NotCovered
from engine.model.inputs import AgentInput, State
from engine.model.plan import Plan
from engine.model.step_names import ADJUSTMENTS, CARRIED_IN, LOSS, MINIMUM_WAGE
from engine.policy.runtime import CONTEXT
from engine.run import inputs as inputs_of
from engine.run.columnar.columns import UNSURE, Columns
from engine.run.columnar.events import PenaltyFacts, fact_column, with_facts
from engine.run.columnar.lower import StepLowering, choose, not_covered
from engine.run.columnar.population import taken
from engine.run.columnar.team_totals import KEYS, TeamTotals, wanted
from engine.run.columnar.values import ROUNDING, Fixed, Flag, Ratio, Text, Value, checked, const, fits, terminates
from engine.run.penalties import clause_facts

# `evaluate` reads no ledger: a flag's earlier months count none held, a window counts this month alone,
# no loss is carried in (engine.run.windows and engine.run.penalties without one); a clause has fired in
# no period but for the agents with events, whose facts are joined to the month (engine.run.columnar.events).
COVERED_BLOCKS = frozenset({Block.METRICS, Block.SUPPLIED, Block.AGGREGATES, Block.CAREER, Block.FLAGS,
                            Block.WINDOWS, Block.CALENDAR, Block.PENALTIES})


PERIOD_FACTS = (MONTH_OF_QUARTER, CLOSES_QUARTER, CLOSES_YEAR)
TEAM = "_team"  # a row that found its team's totals


@dataclass(frozen=True, slots=True)
class Evaluated:
    """The month's results, and how many rows the Decimal code computed (they lay on a threshold)."""

    results: ColumnarResults
    by_decimal: int


def covers(plan: Plan) -> NotCovered | None:
    """Why the columnar path cannot evaluate this plan at all (None: it may, data permitting)."""
    if plan.outputs is None:
        return NotCovered("a plan without outputs", "没有输出的方案")
    other = [b.block.value for b in plan.blocks if b.block not in COVERED_BLOCKS]
    if other:
        return NotCovered(f"inputs of kind {', '.join(other)}", f"输入类型 {', '.join(other)}")
    return None


def evaluate_month(plan: Plan, month: ColumnarMonth, totals: pl.DataFrame | None = None,
                   facts: PenaltyFacts | None = None) -> Evaluated:
    """The month's results as columns, byte for byte what the Decimal path gives, or NotCovered.

    `totals`: the month's team totals (engine.run.columnar.team_totals) where `month` is only some of its
    rows (a chunk of a month read in chunks); None: gathered from `month`, which is the whole month.
    `facts`: the clause facts and adjustments of the agents that have events or adjustments
    (engine.run.columnar.events); None: nobody has any."""
    refused = covers(plan)
    if refused is not None:
        raise refused
    frame = month.frame
    early = frame.filter(pl.col("period") < plan.policy.effective_from[:7]).height
    if early:  # the Decimal path's located error (JX411)
        raise NotCovered("months before the policy took effect", "方案生效前的月份")
    read_scales = month.scales
    if facts is not None:
        frame = with_facts(frame, facts)
        read_scales = {**read_scales, **{fact_column(name): scale for name, scale in facts.scales.items()}}
    totals = _team_totals(plan, frame, month.scales, totals)
    columns = Columns(_with_aggregates(frame, totals))
    known: dict[int, Value] = {}
    rescued: dict[int, pl.Expr] = {}
    inputs = _Inputs(plan, frame, columns, read_scales, totals)
    for block in plan.blocks:
        for name, slot in zip(block.names, block.slots, strict=True):
            known[slot] = inputs.value(block.block, name)
    # Phase by phase, as the Decimal path: the population values of a boundary after its phase.
    last = max((step.phase for step in plan.steps), default=0)
    for phase in range(last + 1):
        for slot in plan.order:
            step = plan.steps[slot]
            if step.phase != phase or step.op is None or slot in known:
                continue
            value, fell = StepLowering(step.name, columns, known, rescued, inputs.value).step(step.op)
            known[slot] = columns.keep(value, f"v{slot}")
            if fell is not None:
                rescued[slot] = columns.column(fell)
            columns.settle()
        for population in plan.populations:
            if population.boundary == phase:  # a ranking's standing is left out: only explain reads it
                for at, value in taken(population, known, frame).items():
                    known[at] = columns.keep(value, f"v{at}")
    exprs, scales = _results(plan, known, StepLowering("penalties", columns, known, rescued, inputs.value))
    results = columns.collect([*exprs, *([pl.col(TEAM)] if totals is not None else [])])
    if totals is not None:
        if results.get_column(TEAM).null_count():
            raise NotCovered("a team without its totals", "有小组没有汇总")
        results = results.drop(TEAM)
    unsure = results.get_column(UNSURE)
    rows = unsure.arg_true().to_list() if unsure.any() else []
    results = results.drop(UNSURE)
    if rows:
        picked = frame[rows]
        if totals is not None:
            picked = picked.join(totals, on=list(KEYS), how="left", maintain_order="left")
        results = _by_decimal(plan, month, picked, results, scales, rows, facts)
    return Evaluated(ColumnarResults(results, scales), len(rows))


class _Inputs:
    def __init__(self, plan: Plan, frame: pl.DataFrame, columns: Columns, scales: Mapping[str, int],
                 totals: pl.DataFrame | None):
        self.plan = plan
        self.frame = frame
        self.columns = columns
        self.scales = scales
        self.metrics = {m.name: m for m in plan.metrics}
        # Every number column's largest size and least size other than zero, in one pass; the team
        # statistics' from the totals of the teams the rows hold (one row per team, not per agent).
        self.bounds = _bounds(frame)
        if totals is not None:
            self.bounds |= _bounds(totals)

    def _bounded(self, column: str, scale: int, exp: bool) -> Fixed:
        largest, least = self.bounds[column]
        return Fixed(pl.col(column), scale, largest, exp, None, least)

    def value(self, block: Block, name: str) -> Value:
        if block is Block.CAREER:
            return Text(pl.col(name))
        if block is Block.SUPPLIED:
            return Text(pl.col(name))
        if block is Block.FLAGS:
            return const(Decimal(0))
        if block is Block.WINDOWS:
            return self._window(name)
        if block is Block.CALENDAR:
            return self._calendar(name)
        if block is Block.PENALTIES:
            return self._penalty(name)
        if block is Block.AGGREGATES:
            aggregate = next(a for a in self.plan.aggregates if a.name == name)
            return self._aggregate(aggregate.name, aggregate.stat, self.scales[aggregate.of])
        if block is Block.METRICS:
            metric = self.metrics[name]
            if metric.type == "choice":
                return Text(pl.col(name))
            if name not in self.scales:
                raise NotCovered(f"the metric {name} without a scale", f"指标 {name} 没有小数位数")
            return self._bounded(name, self.scales[name], False)
        raise not_covered(f"an input of kind {block.value}", f"{block.value} 类输入", name)

    def _window(self, name: str) -> Value:
        """A window's value with no earlier month known (engine.run.windows.window_value): its `where`
        this month (count, consecutive: 1 or 0), or nothing recorded to add up (sum, mean: 0). The
        condition reads ids only (choice metrics, role, grade): it is decided once per combination."""
        window = next(w for w in self.plan.windows if w.name == name)
        if window.stat in ("sum", "mean") or window.where is None:
            return const(Decimal(0))
        names = list(window.where.names)
        if any(n not in self.frame.columns or self.frame.schema[n] != pl.String for n in names):
            raise NotCovered(f"the window {name} over values that are not ids", f"窗口 {name} 的条件读取非标识值")
        holds = pl.lit(0, dtype=pl.Int64)
        with decimal.localcontext(CONTEXT):
            for combination in self.frame.select(names).unique().iter_rows(named=True):
                if window.where.holds(combination) is True:
                    matches = [pl.col(n).eq_missing(pl.lit(v, dtype=pl.String)) for n, v in combination.items()]
                    holds = pl.when(pl.all_horizontal(matches) if matches else pl.lit(True)).then(1).otherwise(holds)
        return Fixed(holds, 0, 1, True)

    def _calendar(self, name: str) -> Value:
        """A calendar fact (engine.model.calendar_facts): by the period, or months since the roster's
        join date (an agent without one is the Decimal path's located error, JX268)."""
        if name == MONTHS_SINCE_JOINING:
            if self.frame.select((pl.col("joined") == "").any()).item():
                raise NotCovered("an agent without a join date", "有客服没有入职日期")
            pairs = self.frame.select("joined", "period").unique()
            months = pl.lit(None, dtype=pl.Int64)
            for joined, period in pairs.iter_rows():
                months = pl.when((pl.col("joined") == joined) & (pl.col("period") == period)).then(
                    tenure_months(joined, period)).otherwise(months)
            return Fixed(months, 0, 10_000, True)
        if name not in PERIOD_FACTS:
            raise NotCovered(f"the calendar fact {name}", f"日历事实 {name}")
        found: Value | None = None
        for period in self.frame.get_column("period").unique().to_list():
            value = const(period_fact(name, period))
            found = value if found is None else choose(pl.col("period") == period, value, found, name)
        assert found is not None
        return found

    def _penalty(self, name: str) -> Value:
        """A clause's facts: each agent's where some agents have events or adjustments (a column joined to
        the month), else those of no events (engine.run.penalties.clause_facts of none); nothing carried
        in, nothing adjusted where no agent is; the minimum wage in force for each period."""
        plan = self.plan
        column = fact_column(name)
        if column in self.scales:  # some agents have events or adjustments (engine.run.columnar.events)
            exp = frames.places(column) not in self.frame.columns
            fact = self._bounded(column, self.scales[column], exp)
            return fact if exp else replace(fact, places=pl.col(frames.places(column)))
        if name in (CARRIED_IN, ADJUSTMENTS):
            return const(Decimal(0))
        if name == MINIMUM_WAGE:
            assert plan.deductions is not None
            found: Value | None = None
            for period in self.frame.get_column("period").unique().to_list():
                wage = plan.deductions.minimum_for(period)
                if wage is None:  # the Decimal path's located error (JX412)
                    raise NotCovered(f"no minimum wage for {period}", f"{period} 没有最低工资")
                found = const(wage) if found is None else choose(pl.col("period") == period, const(wage), found, name)
            assert found is not None
            return found
        for clause in plan.penalties:
            count, _, loss = clause_facts(clause, (), None)
            if name == clause.name:
                return const(count)
            if name == clause.name + LOSS:
                return const(loss)
        # A clause's evidence (no events: none), which only explain reads; as an op reads it, none is false.
        return Text(pl.lit(None, dtype=pl.String))

    def _aggregate(self, name: str, stat: str, scale: int) -> Value:
        column = f"agg:{name}"
        largest = self.bounds[column][0]
        if stat == "mean":
            # sum / count, rounded to 28 digits by the Decimal path (engine.run.inputs._stat).
            count = self.bounds[f"{column}.n"][0]
            dmax = checked(count * 10**scale, name)
            mag = Fraction(largest, 10**scale)
            num, den = pl.col(column), pl.col(f"{column}.n") * 10**scale
            mean = Ratio(num, den, largest, dmax, mag, ROUNDING * mag, None, fits(terminates(num, den, dmax), 18, mag),
                         18)
            return self.columns.keep(mean, column)
        if stat == "count":
            return self._bounded(column, 0, True)
        return self._bounded(column, scale, False)


def _bounds(frame: pl.DataFrame) -> dict[str, tuple[int, int]]:
    """Each number column's largest size and least size other than zero (1 where all are zero), in one pass."""
    numbers = [name for name, kind in frame.schema.items() if kind == pl.Int64]
    if not numbers:
        return {}
    found = frame.select(*(pl.col(n).abs().max().alias(f"{n}\x00max") for n in numbers),
                         *(pl.col(n).abs().filter(pl.col(n) != 0).min().alias(f"{n}\x00min") for n in numbers))
    row = found.row(0, named=True)
    return {n: (int(row[f"{n}\x00max"] or 0), int(row[f"{n}\x00min"] or 1)) for n in numbers}


def _team_totals(plan: Plan, frame: pl.DataFrame, scales: Mapping[str, int],
                 totals: pl.DataFrame | None) -> pl.DataFrame | None:
    """The month's team totals (engine.run.columnar.team_totals) of the teams the rows hold, gathered from
    this frame unless given (a month read in chunks gives the whole month's); None: the plan reads none."""
    if not wanted(plan):
        return None
    if totals is None:
        gathered = TeamTotals(plan)
        gathered.add(frame, scales)
        return gathered.frame()
    return totals.join(frame.select(KEYS).unique(), on=list(KEYS), how="semi", maintain_order="left")


def _with_aggregates(frame: pl.DataFrame, totals: pl.DataFrame | None) -> pl.LazyFrame:
    """The month's rows, each with its team statistics of the month (one period's team, never another
    month's): the totals joined to every row of the team as part of the month's one query, `TEAM` marking
    the rows that found their team's (a row without is not covered)."""
    if totals is None:
        return frame.lazy()
    return frame.lazy().join(totals.lazy().with_columns(pl.lit(True).alias(TEAM)), on=list(KEYS), how="left",
                             maintain_order="left")


def _results(plan: Plan, known: Mapping[int, Value], lowering: StepLowering) -> tuple[list[pl.Expr], dict[str, int]]:
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
            exprs.append(value.places.alias(frames.places(column)))
        if value.neg is not None:
            lowering.mark(value.neg)

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
    for name, op in out.penalties:  # what the ledger keeps of each clause (its count when it applies)
        value = lowering.lower(op)
        if not isinstance(value, Fixed) or not value.exp:
            raise NotCovered(f"the penalty result {name}", f"罚则结果 {name}")
        scales[frames.penalty(name)] = value.scale
        exprs.append(value.expr.alias(frames.penalty(name)))
        if value.neg is not None:
            lowering.mark(value.neg)
    for name, when, slot in out.flags:
        for column, at in ((frames.held(name), when), (frames.raised(name), slot)):
            value = known[at]
            if not isinstance(value, Flag):
                raise NotCovered(f"the flag {name}, which is not a condition", f"标记 {name} 不是条件")
            exprs.append(value.expr.alias(column))
    return exprs, scales


def _by_decimal(plan: Plan, month: ColumnarMonth, picked: pl.DataFrame, results: pl.DataFrame,
                scales: Mapping[str, int], rows: list[int], facts: PenaltyFacts | None) -> pl.DataFrame:
    """The unsure rows (`picked`: the month's rows at `rows`, with their team's totals) computed by the
    plan's generated code and written over the columnar values.

    Each row's inputs are filled by the Decimal path's own fillers (engine.run.inputs) from the row,
    but for the team statistics, which are the whole month's (engine.run.inputs._stat of the team's
    exact sum and count). A plan in phases cannot finish one agent alone: its month is not covered."""
    if plan.phases:
        raise NotCovered("an agent on a threshold in a plan with rankings", "有排名的方案中有客服恰在阈值上")
    named = list(picked.iter_rows(named=True))
    items = [_agent(plan, month.scales, row) for row in named]
    if facts is not None:  # each agent's events and adjustments, as the Decimal path's fillers read them
        events = facts.events_of({i.agent for i in items})
        items = [replace(i, events=events.get(i.agent, ())) for i in items]
    given = inputs_of.Month(State(), [(i.role, i.grade) for i in items], facts.adjustments if facts else {})
    columns: dict[str, list] = {}
    with decimal.localcontext(CONTEXT):
        try:
            filled = [inputs_of.FILLERS[b.block](plan, b, items, given) if b.block is not Block.AGGREGATES
                      else [_aggregates(plan, b.names, month.scales, row) for row in named]
                      for b in plan.blocks]
            for blocks in zip(*filled, strict=True) if filled else [()] * len(items):
                for column, value in _named(plan, plan.run(tuple(blocks))):
                    columns.setdefault(column, []).append(value)
        except Exception as exc:  # the Decimal path raises it, located, when it evaluates the month
            raise NotCovered(f"an agent on a threshold: {exc}", f"恰在阈值上的客服：{exc}") from None
    # A result whose places vary from row to row may take them from an input's: one rebuilt from its whole
    # number has its column's places (350.00), not always those it was written with (350).
    uneven = [m.name for m in plan.metrics if m.type != "choice" and m.name not in month.even]
    updated = []
    for column, values in columns.items():
        if column in scales:
            if frames.places(column) in results.columns:
                if uneven:
                    raise NotCovered(f"{column}, of varying places, computed from inputs whose places vary "
                                     f"({', '.join(uneven)})", f"小数位不定的 {column} 由小数位不一致的输入算出"
                                     f"（{'、'.join(uneven)}）")
                places = [_places(v, scales[column], column) for v in values]
                updated.append(results.get_column(frames.places(column)).scatter(rows, places))
                values = [_whole(v.quantize(Decimal(1).scaleb(-scales[column])), scales[column], column)
                          for v in values]
            else:
                values = [_whole(v, scales[column], column) for v in values]
        updated.append(results.get_column(column).scatter(rows, values))
    return results.with_columns(updated)


def _places(value: object, scale: int, column: str) -> int:
    """A Decimal result's places, for a column whose places vary from row to row: 0 to `scale`."""
    exponent = value.as_tuple().exponent if isinstance(value, Decimal) else None
    if not isinstance(exponent, int) or not -scale <= exponent <= 0:
        raise NotCovered(f"the result {column} with other places than the month's", f"结果 {column} 的小数位数不一致")
    return -exponent


def _agent(plan: Plan, scales: Mapping[str, int], row: Mapping[str, object]) -> AgentInput:
    """One row as the Decimal path's readers give it."""
    values = {m.name: frames.scaled(row[m.name], scales[m.name]) if m.name in scales else row[m.name]  # type: ignore
              for m in plan.metrics}
    supplied = {m: row[frames.supplied(m)] for m in plan.supplied if row.get(frames.supplied(m))}
    carried = tuple(str(row[frames.carry(i)] or "") for i in range(len(plan.roster.carry)))
    return AgentInput(str(row["agent"]), str(row["period"]), values, str(row["team"]), str(row["name"]),
                      row["role"], row["grade"], joined=str(row["joined"]), left=str(row["left"]),  # type: ignore
                      supplied=supplied, columns=carried)  # type: ignore[arg-type]


def _aggregates(plan: Plan, names: tuple[str, ...], scales: Mapping[str, int], row: Mapping[str, object]) -> tuple:
    """A row's team statistics as engine.run.inputs._stat computes them, from the team's exact totals."""
    values = []
    for name in names:
        a = next(a for a in plan.aggregates if a.name == name)
        column = f"agg:{name}"
        if a.stat == "count":
            values.append(Decimal(row[column]))  # type: ignore[arg-type]
        elif a.stat == "mean":
            values.append(frames.scaled(row[column], scales[a.of]) / Decimal(row[f"{column}.n"]))  # type: ignore
        else:
            values.append(frames.scaled(row[column], scales[a.of]))  # type: ignore[arg-type]
    return tuple(values)

def _named(plan: Plan, found: tuple) -> list[tuple[str, object]]:
    """The generated code's result tuple as the results' columns."""
    score, rating, kpis, pay, total, choices, penalties, flags = found
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
    named += [(frames.penalty(k), v) for k, v in penalties]
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
