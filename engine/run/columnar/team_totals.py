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
    """The totals gathered so far: `add` each frame of the month (engine.model.frames' columns), then `frame()`."""

    def __init__(self, plan: Plan):
        self.aggregates = wanted(plan)
        self.metrics = sorted({a.of for a in self.aggregates})
        self.scales: dict[str, int] = {}  # the scale each metric's totals are held at: the most places seen
        self.largest: dict[str, int] = dict.fromkeys(self.metrics, 0)  # the largest size of a value, at that scale
        # (period, team) → per metric [sum, rows, least, largest]; the least and largest None while no row has one.
        self.teams: dict[tuple[str, str], list[list]] = {}

    def add(self, frame: pl.DataFrame, scales: Mapping[str, int]) -> None:
        """The totals of these rows added to those gathered (a team may have rows in several frames)."""
        for index, metric in enumerate(self.metrics):
            if metric not in scales:
                names = ", ".join(a.name for a in self.aggregates if a.of == metric)
                raise NotCovered(f"the team statistic {names} of a value that is not a number",
                                 f"团队统计 {names} 的对象不是数值")
            shift = self._scale(metric, scales[metric])
            of = pl.col(metric)
            grouped = frame.group_by(*KEYS).agg(of.sum().alias("sum"), pl.len().alias("rows"), of.min().alias("least"),
                                                of.max().alias("largest"))
            factor = 10**shift
            for period, team, total, rows, least, largest in grouped.iter_rows():
                found = self.teams.setdefault((period, team), [[0, 0, None, None] for _ in self.metrics])[index]
                found[0] += total * factor
                found[1] += rows
                if least is not None:
                    least, largest = least * factor, largest * factor
                    found[2] = least if found[2] is None else min(found[2], least)
                    found[3] = largest if found[3] is None else max(found[3], largest)
                    self.largest[metric] = max(self.largest[metric], abs(least), abs(largest))

    def _scale(self, metric: str, scale: int) -> int:
        """How many places this frame's values of `metric` lie below the totals' scale (the totals held so far
        raised to the frame's scale where it has more places)."""
        held = self.scales.setdefault(metric, scale)
        if scale <= held:
            return held - scale
        index, factor = self.metrics.index(metric), 10 ** (scale - held)
        for totals in self.teams.values():
            found = totals[index]
            found[0] *= factor
            found[2:] = [None if v is None else v * factor for v in found[2:]]
        self.largest[metric] *= factor
        self.scales[metric] = scale
        return 0

    def frame(self) -> pl.DataFrame:
        """The totals as columns per (period, team), NotCovered where a total or a value is beyond 64 bits.

        A sum is checked as the in-memory path always checked it: the largest value times the largest
        team's rows within 64 bits (so every partial sum is too)."""
        size = max((t[i][1] for t in self.teams.values() for i in range(len(self.metrics))), default=0)
        for metric in self.metrics:
            if self.largest[metric] > INT_MAX:
                raise NotCovered(f"{metric} beyond 64-bit whole numbers", f"{metric} 超出64位整数")
        columns: dict[str, list] = {"period": [k[0] for k in self.teams], "team": [k[1] for k in self.teams]}
        for a in self.aggregates:
            index = self.metrics.index(a.of)
            if a.stat in ("sum", "mean"):
                checked(self.largest[a.of] * size, a.name)
            found = [t[index] for t in self.teams.values()]
            if a.stat in ("sum", "mean"):
                columns[column(a)] = [f[0] for f in found]
            elif a.stat in ("min", "max"):
                columns[column(a)] = [f[2] if a.stat == "min" else f[3] for f in found]
            if a.stat in ("mean", "count"):
                columns[f"{column(a)}.n" if a.stat == "mean" else column(a)] = [f[1] for f in found]
        schema = {name: pl.String if name in KEYS else pl.Int64 for name in columns}
        return pl.DataFrame(columns, schema=schema)
