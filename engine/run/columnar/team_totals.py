"""A month's team statistics as exact totals per period and team, gathered apart from the rows that read them.

A plan's team statistics (engine.run.inputs._stat: the sum, mean, least, largest or count of a metric over
the agent's team that month) need every row of the team, while everything else an agent's pay reads is her
own row. So the totals are kept on their own: per (period, team) and per metric a statistic reads, the sum
of its values, the rows, the least and the largest value, as whole numbers at the metric's scale — exact,
and as many as there are teams, never agents. The in-memory path gathers them from its one frame; a month
read in chunks (engine.stream_month) adds each chunk in turn, first pass, and evaluates each chunk with the
month's totals, second pass. `frame()` gives them as the columns `agg:<name>` (and `agg:<name>.n`, a mean's
rows) that engine.run.columnar.evaluate joins to every row of the team.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from engine.model.blocks import Block
from engine.model.frames import NotCovered
from engine.model.plan import Aggregate, Plan
from engine.run.columnar.values import INT_MAX, checked

KEYS = ("period", "team")


def wanted(plan: Plan) -> list[Aggregate]:
    """The team statistics the plan's steps read (an aggregate no step reads is not computed)."""
    return [a for a in plan.aggregates if any(b.block is Block.AGGREGATES and a.name in b.names for b in plan.blocks)]


def column(aggregate: Aggregate) -> str:
    return f"agg:{aggregate.name}"


class TeamTotals:
    """The totals gathered so far: `add` each frame of the month (engine.model.frames' columns), then `frame()`.

    Each frame's totals are kept as a small frame of its own (a row per team it holds, whole numbers at
    its scale), so what is kept follows the teams, a few dozen bytes each, never the agents."""

    def __init__(self, plan: Plan):
        self.aggregates = wanted(plan)
        self.metrics = sorted({a.of for a in self.aggregates})
        self.parts: list[tuple[pl.DataFrame, dict[str, int]]] = []

    def add(self, frame: pl.DataFrame, scales: Mapping[str, int]) -> None:
        """The totals of these rows added to those gathered (a team may have rows in several frames)."""
        if not self.metrics:
            return
        for metric in self.metrics:
            if metric not in scales:
                names = ", ".join(a.name for a in self.aggregates if a.of == metric)
                raise NotCovered(f"the team statistic {names} of a value that is not a number",
                                 f"团队统计 {names} 的对象不是数值")
        stats = [pl.len().alias("rows")]
        for metric in self.metrics:
            of = pl.col(metric)
            stats += [of.sum().alias(f"{metric}:sum"), of.min().alias(f"{metric}:least"),
                      of.max().alias(f"{metric}:largest")]
        self.parts.append((frame.group_by(*KEYS).agg(stats), {m: scales[m] for m in self.metrics}))

    def frame(self) -> pl.DataFrame:
        """The totals as columns per (period, team), NotCovered where a total or a value is beyond 64 bits.

        Each part is raised to the most places any part holds its metric at (a value that then leaves 64
        bits is not covered); a sum is checked as the in-memory path always checked it: the largest value
        times the largest team's rows within 64 bits, so every partial sum is too."""
        top = {m: max((scales[m] for _, scales in self.parts), default=0) for m in self.metrics}
        raised = []
        for part, scales in self.parts:
            shifts = {m: 10 ** (top[m] - scales[m]) for m in self.metrics if top[m] > scales[m]}
            if shifts:
                largest = part.select(pl.max_horizontal(pl.col(f"{m}:least").abs(), pl.col(f"{m}:largest").abs())
                                      .max().alias(m) for m in shifts).row(0, named=True)
                for m, factor in shifts.items():
                    if (largest[m] or 0) * factor > INT_MAX:
                        raise NotCovered(f"{m} beyond 64-bit whole numbers", f"{m} 超出64位整数")
                part = part.with_columns(pl.col(f"{m}:{stat}") * factor for m in shifts
                                         for stat in ("sum", "least", "largest"))
            raised.append(part)
        whole = pl.concat(raised) if raised else pl.DataFrame(schema={k: pl.String for k in KEYS} | {"rows": pl.UInt32})
        size = int(whole.group_by(*KEYS).agg(pl.col("rows").sum()).get_column("rows").max() or 0)
        for a in self.aggregates:
            if a.stat in ("sum", "mean"):
                largest = whole.select(pl.max_horizontal(pl.col(f"{a.of}:least").abs(),
                                                         pl.col(f"{a.of}:largest").abs()).max()).item()
                checked(int(largest or 0) * size, a.name)
        merged = whole.group_by(*KEYS, maintain_order=True).agg(
            pl.col("rows").sum().cast(pl.Int64),
            *(pl.col(f"{m}:sum").sum() for m in self.metrics),
            *(pl.col(f"{m}:least").min() for m in self.metrics),
            *(pl.col(f"{m}:largest").max() for m in self.metrics))
        columns = [pl.col(k) for k in KEYS]
        for a in self.aggregates:
            if a.stat in ("sum", "mean"):
                columns.append(pl.col(f"{a.of}:sum").alias(column(a)))
            elif a.stat in ("min", "max"):
                columns.append(pl.col(f"{a.of}:{'least' if a.stat == 'min' else 'largest'}").alias(column(a)))
            if a.stat in ("mean", "count"):
                columns.append(pl.col("rows").alias(f"{column(a)}.n" if a.stat == "mean" else column(a)))
        return merged.select(columns)
