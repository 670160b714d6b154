"""`jixiao explain` of one agent of a large month (issue 19): the month evaluated by columns, then the
agents her result reads evaluated again by the Decimal path, tracing her alone.

The columnar evaluation (engine.columnar_month) reads the whole month, says what the Decimal path would
say of it (warnings, notes, pay under the minimum wage: of every agent), and proves that every agent of
it evaluates, as the Decimal path's explain does before it answers; whatever it does not cover raises
`NotCovered`, and the caller runs the Decimal path from the start. Her result and its trace are then the
Decimal path's own (engine.month.evaluate_agents), over the agents whose inputs her result reads: her
team where the policy takes team values (`aggregates:` are by team), else her alone. A policy ranking the
month (`populations`) reads every agent: it is not covered here. So a million agents are never traced,
nor evaluated one by one, to answer one question; and what explain shows is what the Decimal path shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, NamedTuple

from engine.columnar_month import MonthByColumns, month_by_columns
from engine.errors import JixiaoError
from engine.model import frames
from engine.model.frames import ColumnarMonth, NotCovered
from engine.model.inputs import AgentInput, State
from engine.model.plan import Plan, Reach
from engine.model.results import AgentResult
from engine.month import Files, Sources
from engine.text import canonical_id

if TYPE_CHECKING:
    from engine.ledger.state import Prior


class Who(NamedTuple):
    """One agent of the month as explain's `--agent` is matched against her (what an AgentInput shows of her)."""

    agent: str
    name: str
    team: str
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Explained:
    """The month's evaluation by columns (what it says), the asked agent's results traced, the month's
    teams, and what her counterfactuals re-evaluate: the inputs her result reads and the state."""

    month: MonthByColumns
    results: tuple[AgentResult, ...]
    teams: frozenset[str]
    inputs: tuple[AgentInput, ...]
    state: State

    @property
    def plan(self) -> Plan:
        return self.month.plan


def explain_by_columns(files: Files | Sources, period: str | None,
                       asked: Callable[[Sequence[Who]], frozenset[str]], named: str | None = None,
                       prior: Prior | None = None) -> Explained:
    """The agent `asked` names among the month's agents (of files given by path, or kept by a recorded run),
    explained as above, or NotCovered. `named`: the text `--agent` gave, when no `--team` narrows the month:
    an agent whose id it is (canonical) is found by one filter and `asked` of her alone, as find_agent's
    first rule finds her among all (each id of the month is its own canonical form, so no other agent's
    could match it); else every agent is asked of. `prior`: the ledger state her result is evaluated again
    under (engine.retrace: a recorded month; never one whose decisions move agents between teams, as her
    team is read from the files), None for none, as `explain` evaluates."""
    import polars as pl

    if files.path("adjustments") if isinstance(files, Sources) else files.adjustments:
        raise NotCovered("manual adjustments", "人工调整")
    done = month_by_columns(files, period, _refused)
    frame = done.month.frame
    periods = frame.get_column("period").unique().to_list()
    if len(periods) != 1:
        raise NotCovered("a metrics file of several months", "含多个月份的指标文件")
    carry = [frames.carry(i) for i in range(len(done.plan.roster.carry))]
    exact = None if named is None else frame.filter(pl.col("agent") == canonical_id(named))
    among = exact if exact is not None and exact.height == 1 else frame
    chosen = asked([Who(a, n, t, tuple(cs)) for a, n, t, *cs in among.select("agent", "name", "team", *carry).rows()])
    teams = frozenset(t for t in frame.get_column("team").unique().to_list() if t)
    if not chosen:  # --team names no team of the month: said by the caller with the month's teams
        return Explained(done, (), teams, (), State())
    (agent,) = chosen
    results, inputs, state = _agents_again(done, agent, periods[0], prior)
    return Explained(done, results, teams, inputs, state)


def _refused(plan: Plan) -> NotCovered | None:
    if plan.reach is Reach.MONTH:
        return NotCovered("a ranking: an agent's result reads the whole month", "排名：一位客服的结果读取整个月")
    return None


def _agents_again(done: MonthByColumns, agent: str, period: str, prior: Prior | None
                  ) -> tuple[tuple[AgentResult, ...], tuple[AgentInput, ...], State]:
    """Her result, traced, by the Decimal path over the agents her result reads (her team for team values,
    else her alone), as engine.month.evaluate_month evaluates them from no ledger."""
    import polars as pl

    from engine.data.frame_read import agent_inputs
    from engine.ledger.state import read_prior
    from engine.month import evaluate_agents

    plan, frame = done.plan, done.month.frame
    uneven = [m.name for m in plan.metrics if m.type != "choice" and m.name not in done.month.even]
    if uneven:  # the trace shows each input as read: 350, not the 350.00 a column at 2 places holds
        raise NotCovered(f"inputs whose places vary within a column: {', '.join(uneven)}",
                         f"同一列中小数位不一致的输入：{'、'.join(uneven)}")
    mine = pl.col("agent") == agent
    if plan.reach is Reach.TEAM:
        (team,) = frame.filter(mine).get_column("team").to_list()
        mine = pl.col("team") == team
    items = agent_inputs(plan, ColumnarMonth(frame.filter(mine), done.month.scales))
    if done.facts is not None:  # their events, as the Decimal path's reader gave them
        events = done.facts.events_of({i.agent for i in items})
        items = [replace(i, events=events.get(i.agent, ())) for i in items]
    try:
        outcomes, state, inputs, _ = evaluate_agents(plan, items, (), period, prior or read_prior(plan, None, period),
                                                     trace=frozenset({agent}))
    except JixiaoError as exc:  # never expected once the month evaluated; the Decimal path says it, located
        raise NotCovered(f"her team by the Decimal path: {exc}", f"其小组按十进制计算：{exc}") from None
    return tuple(o.result for o in outcomes if o.result.agent == agent), inputs, state
