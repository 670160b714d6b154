"""A month's penalty facts as columns: each clause's count and loss from the month's events, and each
agent's manual adjustments, for the agents that have some.

The Decimal path gives every agent her clause facts (engine.run.penalties.clause_facts over her events
of the clause's kinds: in how many natural days, weeks or months of the policy's zone — or events, for
`per: event` — more than `count_over` of them fell; and the loss) and the sum of her manual adjustments
(the legal guard counts them as pay). Here the same is computed over the month's events at once, as
group counts and sums of whole numbers, and becomes a small frame keyed by (period, agent) that
engine.run.columnar.evaluate joins to the month; an agent without events or adjustments gets the facts
of none (count 0, loss 0), as every other such agent. Nothing approximates: a loss is a whole number at
the largest scale its Decimal values can have, with each row's places beside it, because the Decimal
path's loss has the places of what it summed (`50.00 × 0` is `0.00`, no event at all is `0`, an amount
of `0.00` counts as `0`). A clause's evidence (the events behind each firing) is read only by explain,
which traces through the Decimal path; it is not a column. The month's events and adjustments are kept
too: a row the Decimal code computes (one on a threshold) is given hers, as the Decimal path would.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from engine.model import frames
from engine.model.events import Event
from engine.model.frames import NotCovered
from engine.model.penalties import Clause
from engine.model.plan import Plan
from engine.model.results import Adjustment
from engine.model.step_names import ADJUSTMENTS, LOSS
from engine.run.columnar.values import INT_MAX

KEYS = ("period", "agent")


@dataclass(frozen=True, slots=True)
class PenaltyFacts:
    """The facts of the agents that have events or adjustments, keyed by (period, agent).

    `frame`: one Int64 column per fact (`fact_column(name)`, scaled by `scales[name]`), and its `.places`
    column where the Decimal values' places can differ from row to row (an agent without a row: 0, the
    value 0); `events`: the month's events in file order, `adjustments` each agent's sum, as the Decimal
    path gives them to its fillers."""

    frame: pl.DataFrame
    scales: Mapping[str, int]
    events: tuple[Event, ...]
    adjustments: Mapping[str, Decimal]

    def events_of(self, agents: set[str]) -> dict[str, tuple[Event, ...]]:
        """The events of these agents, each's in file order."""
        mine: dict[str, list[Event]] = {}
        for event in self.events:
            if event.agent in agents:
                mine.setdefault(event.agent, []).append(event)
        return {agent: tuple(found) for agent, found in mine.items()}


def fact_column(name: str) -> str:
    return f"fact:{name}"


def manual_sums(lines: Sequence[Adjustment]) -> dict[str, Decimal]:
    """Each agent's manual adjustments in all, summed as engine.month.evaluate_month sums them."""
    manual: dict[str, Decimal] = {}
    for line in lines:
        manual[line.agent] = manual.get(line.agent, Decimal(0)) + line.amount
    return manual


def penalty_facts(plan: Plan, period: str, events: Sequence[Event], adjustments: Mapping[str, Decimal]) -> PenaltyFacts:
    """The facts of the month's agents that have events (as read, in file order) or adjustments."""
    agents = sorted({*(e.agent for e in events), *adjustments})
    base = pl.DataFrame({"agent": agents}, schema={"agent": pl.String})
    scales: dict[str, int] = {}
    if plan.penalties and events:  # else every agent's clauses are those of no events: constants
        table, amounts = _events_table(plan, events)
        for clause in plan.penalties:
            counted, loss = _clause(clause, table, amounts)
            base = base.join(counted, on="agent", how="left", maintain_order="left")
            base = base.with_columns(pl.col(fact_column(clause.name)).fill_null(0))
            scales[clause.name] = 0
            if clause.costs:
                scale, has_places = loss
                column = fact_column(clause.name + LOSS)
                base = base.with_columns(pl.col(column).fill_null(0))
                if has_places:
                    base = base.with_columns(pl.col(frames.places(column)).fill_null(0))
                scales[clause.name + LOSS] = scale
    if plan.deductions is not None and adjustments:  # else nobody's is other than 0: a constant
        adjusted = sorted(adjustments)
        scale, whole, places = _whole(ADJUSTMENTS, [adjustments[agent] for agent in adjusted])
        columns = {fact_column(ADJUSTMENTS): pl.Series(whole, dtype=pl.Int64)}
        if scale:
            columns[frames.places(fact_column(ADJUSTMENTS))] = pl.Series(places, dtype=pl.Int64)
        found = pl.DataFrame({"agent": pl.Series(adjusted, dtype=pl.String), **columns})
        base = (base.join(found, on="agent", how="left", maintain_order="left")
                .with_columns(pl.col(c).fill_null(0) for c in columns))
        scales[ADJUSTMENTS] = scale
    frame = base.with_columns(pl.lit(period, dtype=pl.String).alias("period"))
    return PenaltyFacts(frame, scales, tuple(events), dict(adjustments))


def _events_table(plan: Plan, events: Sequence[Event]) -> tuple[pl.DataFrame, int]:
    """The events as columns: agent, kind, local day (its ordinal), the amount as a whole number at the
    largest places of the amounts a clause sums (`amount` · 10**`scale`, with its own places), and for each
    clause comparing values, whether the event is one it counts (`counts:<clause>`); and that scale."""
    summed = {kind for c in plan.penalties if c.costs and not isinstance(c.deducts, Decimal) for kind in c.kinds}
    amounts = [e.amount if e.kind in summed and e.amount else None for e in events]
    places = []
    for amount in amounts:
        exponent = 0 if amount is None else amount.as_tuple().exponent
        if not isinstance(exponent, int) or exponent > 0 or (amount is not None and amount < 0):
            raise NotCovered(f"an event's amount {amount}", f"事件金额 {amount}")
        places.append(-exponent)
    scale = max(places, default=0)
    whole = [0 if a is None else int(a.scaleb(scale)) for a in amounts]
    if sum(whole) > INT_MAX:
        raise NotCovered("the events' amounts beyond 64-bit whole numbers", "事件金额超出64位整数范围")
    columns = {"agent": pl.Series([e.agent for e in events], dtype=pl.String),
               "kind": pl.Series([e.kind for e in events], dtype=pl.String),
               "day": pl.Series([e.day.toordinal() for e in events], dtype=pl.Int64),
               "amount": pl.Series(whole, dtype=pl.Int64), "places": pl.Series(places, dtype=pl.Int64)}
    for clause in plan.penalties:
        if clause.several or clause.matches[0].value_over is not None:
            conditions = {match.kind: match for match in clause.matches}
            columns[f"counts:{clause.name}"] = pl.Series(
                [(m := conditions.get(e.kind)) is not None and m.counts(e.value) for e in events], dtype=pl.Boolean)
    return pl.DataFrame(columns), scale


def _clause(clause: Clause, table: pl.DataFrame, scale: int) -> tuple[pl.DataFrame, tuple[int, bool]]:
    """Per agent with events the clause reads: in how many periods it fired (clause_facts' count) and its
    loss with each row's places; and (the loss's scale, whether its places vary)."""
    name, loss_column = fact_column(clause.name), fact_column(clause.name + LOSS)
    counts = f"counts:{clause.name}"
    mine = table.filter(pl.col(counts) if counts in table.columns else pl.col("kind").is_in(list(clause.kinds)))
    if clause.per == "event":
        fired = mine
    else:
        key = {"day": pl.col("day"), "week": pl.col("day") - (pl.col("day") - 1) % 7,
               "month": pl.lit(0, dtype=pl.Int64)}[clause.per]  # one month's events: one month per agent
        groups = mine.with_columns(key.alias("_period"))
        sizes = groups.group_by("agent", "_period").agg(pl.len().alias("_n"))
        fired = groups.join(sizes.filter(pl.col("_n") > clause.count_over), on=["agent", "_period"], how="semi")
    periods = pl.len() if clause.per == "event" else pl.col("_period").n_unique()
    found = fired.group_by("agent").agg(periods.cast(pl.Int64).alias(name), pl.col("amount").sum().alias("_sum"),
                                        pl.col("places").max().alias("_places"))
    readers = mine.select("agent").unique()  # agents with events the clause reads: their loss has its places
    out = readers.join(found, on="agent", how="left").with_columns(pl.col(name).fill_null(0))
    if isinstance(clause.deducts, Decimal):
        exponent = clause.deducts.as_tuple().exponent
        assert isinstance(exponent, int)
        if exponent > 0 or clause.deducts < 0:
            raise NotCovered(f"the fine {clause.deducts} of {clause.name}", f"{clause.name} 的罚款 {clause.deducts}")
        per = int(clause.deducts.scaleb(-exponent))
        if per * max(table.height, 1) > INT_MAX:
            raise NotCovered(f"the fines of {clause.name} beyond 64-bit whole numbers",
                             f"{clause.name} 的罚款超出64位整数范围")
        out = out.with_columns((pl.col(name) * per).alias(loss_column), pl.lit(-exponent, dtype=pl.Int64)
                               .alias(frames.places(loss_column)))
        loss = (-exponent, exponent < 0)
    elif clause.costs:
        out = out.with_columns(pl.col("_sum").fill_null(0).alias(loss_column),
                               pl.col("_places").fill_null(0).alias(frames.places(loss_column)))
        loss = (scale, scale > 0)
    else:
        out = out.with_columns(pl.lit(0, dtype=pl.Int64).alias(loss_column))
        loss = (0, False)
    keep = [name, *([loss_column] if clause.costs else []), *([frames.places(loss_column)] if loss[1] else [])]
    return out.select("agent", *keep), loss


def _whole(name: str, values: Sequence[Decimal]) -> tuple[int, list[int], list[int]]:
    """(scale, each value as a whole number at it, each value's places), or NotCovered for a value a
    whole number cannot stand for exactly (a negative zero, an exponent above 0, beyond 64 bits)."""
    places = []
    for value in values:
        exponent = value.as_tuple().exponent
        if not isinstance(exponent, int) or exponent > 0 or (value.is_zero() and value.is_signed()):
            raise NotCovered(f"the penalty fact {name} = {value}", f"罚则事实 {name} = {value}")
        places.append(-exponent)
    scale = max(places, default=0)
    whole = [int(value.scaleb(scale)) for value in values]
    if any(abs(w) > INT_MAX for w in whole):
        raise NotCovered(f"the penalty fact {name} beyond 64-bit whole numbers", f"罚则事实 {name} 超出64位整数范围")
    return scale, whole, places


def with_facts(frame: pl.DataFrame, facts: PenaltyFacts) -> pl.DataFrame:
    """The month with each agent's facts: hers where she has events or adjustments, else those of none
    (0, with 0 places: clause_facts' NOTHING, no adjustment)."""
    if not facts.scales:
        return frame
    keyed = facts.frame.with_columns(pl.col(k).cast(frame.schema[k]) for k in KEYS)
    joined = frame.join(keyed, on=list(KEYS), how="left", maintain_order="left")
    return joined.with_columns(pl.col(c).fill_null(0) for c in facts.frame.columns if c not in KEYS)
