"""A month already read as `AgentInput`s, as columns: when the columnar reader declined a file (a
format only the reference reader knows), the month can still be evaluated as columns."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from engine.model import frames
from engine.model.frames import ColumnarMonth, NotCovered
from engine.model.inputs import AgentInput
from engine.model.plan import Plan

INT_MAX = 2**63 - 1


def month_from_inputs(plan: Plan, items: Sequence[AgentInput]) -> ColumnarMonth:
    """The inputs as columns, each number metric at the most places any agent's value has."""
    items = sorted(items, key=lambda i: (i.period, i.agent))
    data: dict[str, list] = {name: [getattr(i, name) for i in items] for name in (*frames.TEXT, *frames.CAREER)}
    for index in range(len(plan.roster.carry)):
        data[frames.carry(index)] = [i.columns[index] if index < len(i.columns) else "" for i in items]
    scales: dict[str, int] = {}
    even: set[str] = set()
    schema: dict[str, pl.DataType] = {name: pl.String() for name in data}
    for metric in plan.metrics:
        values = [i.values.get(metric.name) for i in items]
        if metric.type == "choice":
            data[metric.name] = values
            schema[metric.name] = pl.String()
            continue
        if any(v is None or not v.is_finite() for v in values):
            raise NotCovered(f"the metric {metric.name} with a value missing", f"指标 {metric.name} 有缺失值")
        if any(v.is_zero() and v.is_signed() for v in values):  # a whole number has no −0
            raise NotCovered(f"the metric {metric.name} with a negative zero", f"指标 {metric.name} 有负零")
        scale = max((max(0, -v.as_tuple().exponent) for v in values), default=0)
        whole = [int(v.scaleb(scale)) for v in values]
        if any(abs(w) > INT_MAX for w in whole):
            raise NotCovered(f"the metric {metric.name} beyond 64-bit whole numbers",
                             f"指标 {metric.name} 超出64位整数")
        data[metric.name] = whole
        schema[metric.name] = pl.Int64()
        scales[metric.name] = scale
        if all(v.as_tuple().exponent == -scale for v in values):
            even.add(metric.name)
    for name in plan.supplied:
        data[frames.supplied(name)] = [i.supplied.get(name) for i in items]
        schema[frames.supplied(name)] = pl.String()
    return ColumnarMonth(pl.DataFrame(data, schema=schema), scales, even=frozenset(even))
