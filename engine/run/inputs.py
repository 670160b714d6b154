"""The plan's input blocks, filled: one function per block, from the month's agents and prior state.

A plan's inputs come in blocks (engine.model.blocks): metrics, window values, days worked, penalty
facts, how a fallback supplied a metric, team aggregates, role and grade, calendar facts. Each block is filled by
one function here, over every agent of the month at once (an aggregate needs the whole team, the
minimum wage the month), giving each agent's values of that block as a tuple in the block's
order. The evaluator calls the function of each block the plan has, in the plan's order, and
hands an agent's tuples to the back-end as they are, one argument per block: it knows no feature
by name, and a new kind of input is a new block and one function here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

from engine.model.blocks import Block, InputBlock
from engine.model.inputs import AgentInput, State
from engine.model.plan import Plan
from engine.model.step_names import SUPPLIED
from engine.run.calendar_facts import calendar_block
from engine.run.penalties import penalty_block
from engine.run.proration import days_block
from engine.run.windows import flag_block, window_block


@dataclass(frozen=True, slots=True)
class Month:
    """What the blocks are filled from besides the agents: the ledger's state, each agent's role and
    grade as evaluated (the ledger's once recorded, else the roster's; aligned with the agents) and
    each agent's manual adjustments in all (which the legal guard over deductions counts as pay)."""

    state: State
    careers: Sequence[tuple[str | None, str | None]]
    adjustments: Mapping[str, Decimal] = field(default_factory=dict)


class Unfilled(Exception):
    """An agent's input could not be given: the evaluator locates `cause` at `item`, as it does an
    error of the per-agent code."""

    def __init__(self, item: AgentInput, cause: Exception):
        super().__init__(str(cause))
        self.item = item
        self.cause = cause


Filler = Callable[[Plan, InputBlock, Sequence[AgentInput], Month], Sequence[tuple]]


def careers(items: Sequence[AgentInput], state: State) -> list[tuple[str | None, str | None]]:
    """Each agent's (role, grade) as evaluated: the ledger's once recorded, else the roster's."""
    known = state.agents
    if not known:
        return [(item.role, item.grade) for item in items]
    found = []
    for item in items:
        prior = known.get(item.agent)
        found.append((prior.role if prior is not None and prior.role else item.role,
                      prior.grade if prior is not None and prior.grade else item.grade))
    return found


def metric_block(plan: Plan, block: InputBlock, items: Sequence[AgentInput], month: Month) -> list[tuple]:
    """The metric values as read from the data files."""
    # One itemgetter of every name takes an agent's values at once (a lone name gives the value itself).
    take = itemgetter(*block.names) if len(block.names) > 1 else (lambda values, one=block.names[0]: (values[one],))
    try:
        return [take(item.values) for item in items]
    except KeyError as exc:  # the data readers give every metric; an AgentInput built elsewhere may not
        raise Unfilled(next(i for i in items if exc.args[0] not in i.values), exc) from None


def supplied_block(plan: Plan, block: InputBlock, items: Sequence[AgentInput], month: Month) -> list[tuple]:
    """How a policy fallback supplied each metric that may be supplied (None: read from the file)."""
    metrics = tuple(name.removesuffix(SUPPLIED) for name in block.names)
    nothing = (None,) * len(metrics)  # most agents: every metric read from the file
    return [tuple(map(item.supplied.get, metrics)) if item.supplied else nothing for item in items]


def aggregate_block(plan: Plan, block: InputBlock, items: Sequence[AgentInput], month: Month) -> list[tuple]:
    """Statistics of a metric over each agent's team, this month (aggregates never mix months)."""
    wanted = [next(a for a in plan.aggregates if a.name == name) for name in block.names]
    members: dict[str, list[AgentInput]] = {}
    for item in items:
        members.setdefault(item.team, []).append(item)
    teams = {team: tuple(_stat(a.stat, [m.values[a.of] for m in group]) for a in wanted)
             for team, group in members.items()}
    return [teams[item.team] for item in items]


def _stat(stat: str, values: list[Decimal]) -> Decimal:
    if stat == "sum":
        return sum(values, Decimal(0))
    if stat == "mean":
        return sum(values, Decimal(0)) / len(values)
    if stat == "min":
        return min(values)
    if stat == "max":
        return max(values)
    return Decimal(len(values))


def career_block(plan: Plan, block: InputBlock, items: Sequence[AgentInput], month: Month) -> Sequence[tuple]:
    """Role and grade as evaluated (Month.careers)."""
    if block.names == ("role", "grade"):
        return month.careers
    return [tuple(dict(zip(("role", "grade"), found, strict=True))[name] for name in block.names)
            for found in month.careers]


def _windows(plan: Plan, block: InputBlock, items: Sequence[AgentInput], month: Month) -> list[tuple]:
    return window_block(plan, block.names, items, month.careers, month.state.windows)


def _days(plan: Plan, block: InputBlock, items: Sequence[AgentInput], month: Month) -> list[tuple]:
    return days_block(block.names, items)


def _calendar(plan: Plan, block: InputBlock, items: Sequence[AgentInput], month: Month) -> list[tuple]:
    return calendar_block(block.names, items)


def _penalties(plan: Plan, block: InputBlock, items: Sequence[AgentInput], month: Month) -> list[tuple]:
    return penalty_block(plan, block.names, items, month.state.carried, month.adjustments)


def _flags(plan: Plan, block: InputBlock, items: Sequence[AgentInput], month: Month) -> list[tuple]:
    return flag_block(block.names, items, month.state.flags)


FILLERS: Mapping[Block, Filler] = {
    Block.METRICS: metric_block,
    Block.WINDOWS: _windows,
    Block.DAYS: _days,
    Block.PENALTIES: _penalties,
    Block.SUPPLIED: supplied_block,
    Block.AGGREGATES: aggregate_block,
    Block.CAREER: career_block,
    Block.CALENDAR: _calendar,
    Block.FLAGS: _flags,
}


def fill(plan: Plan, items: Sequence[AgentInput], month: Month) -> Iterator[tuple[tuple, ...]]:
    """Each agent's inputs, one tuple per block of the plan, in the plan's block order."""
    rows = [FILLERS[block.block](plan, block, items, month) for block in plan.blocks]
    return zip(*rows, strict=True) if rows else iter([()] * len(items))
