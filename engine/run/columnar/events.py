"""A month's penalty facts as columns: the clause facts of the agents with events, their manual adjustments.

The Decimal path gives every agent her clause facts (engine.run.penalties.penalty_block: each clause's
count and loss from her events) and the sum of her manual adjustments (the legal guard counts them as
pay). An agent without events or adjustments gets the same facts as any other such agent, which the
columnar evaluator takes as constants; so only the agents that have some are computed here, by the
Decimal code itself (penalty_block over those agents alone), and become a small frame keyed by
(period, agent) that engine.run.columnar.evaluate joins to the month. Nothing here approximates: each
fact is a whole number at the largest scale its Decimal values have, with each row's places beside it
where they differ (a clause's loss `50 × 0` is `0` with the places of its `50.00`). A clause's evidence
(the events behind each firing) is read only by explain, which traces through the Decimal path; it is
not a column. The agents' events and adjustments are kept as well: a row the Decimal code computes
(one on a threshold) is given them, as the Decimal path would.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

import polars as pl

from engine.errors import JixiaoError
from engine.model.blocks import Block
from engine.model.events import Event
from engine.model.frames import NotCovered
from engine.model.plan import Plan
from engine.model.results import Adjustment
from engine.model.step_names import ADJUSTMENTS, LOSS
from engine.run.columnar.values import INT_MAX
from engine.run.penalties import penalty_block

KEYS = ("period", "agent")


class _Agent(NamedTuple):
    """What penalty_block reads of an agent's month."""

    agent: str
    period: str
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class PenaltyFacts:
    """The facts of the agents that have events or adjustments, keyed by (period, agent).

    `frame`: one Int64 column per fact (`fact_column(name)`, scaled by `scales[name]`), and its
    `.places` column where the Decimal values' places differ from row to row; `defaults`: each fact
    of an agent without a row (no events, no adjustments); `events`, `adjustments`: each agent's, as
    the Decimal path gives them to its fillers."""

    frame: pl.DataFrame
    scales: Mapping[str, int]
    defaults: Mapping[str, Decimal]
    events: Mapping[str, tuple[Event, ...]]
    adjustments: Mapping[str, Decimal]


def fact_column(name: str) -> str:
    return f"fact:{name}"


def places_of(column: str) -> str:
    return f"{column}.places"


def manual_sums(lines: Sequence[Adjustment]) -> dict[str, Decimal]:
    """Each agent's manual adjustments in all, summed as engine.month.evaluate_month sums them."""
    manual: dict[str, Decimal] = {}
    for line in lines:
        manual[line.agent] = manual.get(line.agent, Decimal(0)) + line.amount
    return manual


def penalty_facts(plan: Plan, period: str, events: Sequence[Event], adjustments: Mapping[str, Decimal]) -> PenaltyFacts:
    """The facts of the month's agents that have events (in file order, as read) or adjustments."""
    block = plan.block(Block.PENALTIES)
    mine: dict[str, list[Event]] = {}
    for event in events:
        mine.setdefault(event.agent, []).append(event)
    by_agent = {agent: tuple(found) for agent, found in mine.items()}
    if block is None:  # the policy reads no clause and no adjustment: nothing to join
        return PenaltyFacts(pl.DataFrame(schema={k: pl.String for k in KEYS}), {}, {}, by_agent, dict(adjustments))
    wanted = [c.name for c in plan.penalties] + [c.name + LOSS for c in plan.penalties if c.costs]
    if plan.deductions is not None:
        wanted.append(ADJUSTMENTS)
    at = {name: block.names.index(name) for name in wanted if name in block.names}
    agents = sorted({*by_agent, *adjustments})
    items = [_Agent(agent, period, by_agent.get(agent, ())) for agent in agents]
    nobody = _Agent("", period, ())  # an agent with neither: the constants every other agent gets
    try:
        found = penalty_block(plan, block.names, [*items, nobody], {}, adjustments)
    except JixiaoError as exc:  # the Decimal path's located error (JX412: no minimum wage for the month)
        raise NotCovered(f"the penalty facts: {exc}", f"罚则事实：{exc}") from None
    *rows, default = found
    columns: dict[str, pl.Series] = {"period": pl.Series([period] * len(agents), dtype=pl.String),
                                     "agent": pl.Series(agents, dtype=pl.String)}
    scales: dict[str, int] = {}
    defaults: dict[str, Decimal] = {}
    for name, index in at.items():
        values = [row[index] for row in rows]
        defaults[name] = default[index]
        scale, whole, places = _whole(name, [*values, default[index]])
        scales[name] = scale
        columns[fact_column(name)] = pl.Series(whole[:-1], dtype=pl.Int64)
        if len(set(places)) > 1:
            columns[places_of(fact_column(name))] = pl.Series(places[:-1], dtype=pl.Int64)
    return PenaltyFacts(pl.DataFrame(columns), scales, defaults, by_agent, dict(adjustments))


def _whole(name: str, values: Sequence[object]) -> tuple[int, list[int], list[int]]:
    """(scale, each value as a whole number at it, each value's places), or NotCovered for a value a
    whole number cannot stand for exactly (a negative zero, an exponent above 0, beyond 64 bits)."""
    places = []
    for value in values:
        if not isinstance(value, Decimal) or not value.is_finite():
            raise NotCovered(f"the penalty fact {name} = {value!r}", f"罚则事实 {name} = {value!r}")
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)
        if exponent > 0 or (value.is_zero() and value.is_signed()):
            raise NotCovered(f"the penalty fact {name} = {value}", f"罚则事实 {name} = {value}")
        places.append(-exponent)
    scale = max(places)
    whole = [int(value.scaleb(scale)) for value in values]  # type: ignore[union-attr]
    if any(abs(w) > INT_MAX for w in whole):
        raise NotCovered(f"the penalty fact {name} beyond 64-bit whole numbers", f"罚则事实 {name} 超出64位整数范围")
    return scale, whole, places


def with_facts(frame: pl.DataFrame, facts: PenaltyFacts) -> pl.DataFrame:
    """The month with each agent's facts: hers where she has events or adjustments, else the defaults."""
    if not facts.scales:
        return frame
    keyed = facts.frame.with_columns(pl.col(k).cast(frame.schema[k]) for k in KEYS)
    joined = frame.join(keyed, on=list(KEYS), how="left", maintain_order="left")
    filled = []
    for name, scale in facts.scales.items():
        column, default = fact_column(name), facts.defaults[name]
        filled.append(pl.col(column).fill_null(int(default.scaleb(scale))))
        if places_of(column) in joined.columns:
            filled.append(pl.col(places_of(column)).fill_null(-int(default.as_tuple().exponent)))
    return joined.with_columns(filled)
