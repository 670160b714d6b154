"""A recorded run's traces, evaluated again when someone asks for them (issue 19).

A run records every agent's results and no trace: a large firm's month is not traced agent by agent to
be recorded, and its ledger does not keep a million traces nobody reads. A month is a function of the
policy and files its run kept and of the ledger state it read: a month that read nothing of the ledger
(engine.ledger.state.reads_nothing) needs nothing more; any other keeps that state beside its files
(engine.ledger.state.kept_state, kind `ledger_state`), so it is evaluated again under the state it was
recorded with, however the ledger has moved on since.

Asked for one agent's steps (`show --agent`), jixiao evaluates again only the agents her result reads
(her team for team values, the month for a ranking, else her alone), tracing her alone: by columns where
that path covers the month (engine.columnar_explain: a month that read no state), else by the Decimal
path. Asked for every agent's (a workbook's details sheet, payslips, a policy test reading the ledger), it
evaluates the month again, traced. Either way the results evaluated again must be the recorded ones,
digit for digit, before a trace is shown beside them: a jixiao that evaluates the run otherwise says so
and shows nothing, and a run that read the ledger yet kept no state is refused as damaged. Traces a
ledger written by an older jixiao kept are shown as recorded (checked against the columns, as always).
"""

from __future__ import annotations

from collections.abc import Sequence

from engine import __version__
from engine.errors import JixiaoError
from engine.ledger.codec import Damaged, as_text
from engine.ledger.state import Prior, month_state, prior_from_kept, read_prior
from engine.ledger.store import DecisionKind, Ledger, LedgerError, RunInfo
from engine.model.frames import NotCovered
from engine.model.plan import Plan, Reach
from engine.model.results import AgentResult, Outcome
from engine.month import STATE, Sources, evaluate_agents, read_month, recorded_sources
from engine.report.messages import say


def with_traces(ledger: Ledger, plan: Plan, info: RunInfo, outcomes: Sequence[Outcome]) -> list[Outcome]:
    """`outcomes` of the run `info`, each with its trace: as recorded, or evaluated again (see above)."""
    asked = frozenset(o.result.agent for o in outcomes if o.result.trace is None)
    if not asked:
        return list(outcomes)
    fields = {"period": info.period, "run": info.id}
    prior = read_prior(plan, None, info.period)
    if info.state_sha256 != prior.sha256:  # the month read the ledger (engine.ledger.state.reads_nothing)
        kept = next((f.sha256 for f in info.inputs if f.kind == STATE), None)
        if kept is None:
            raise LedgerError(say("trace_not_kept", "en", **fields), say("trace_not_kept", "zh", **fields))
        try:
            prior = prior_from_kept(ledger.input_bytes(kept), info.state_sha256)
        except Damaged as damaged:
            raise damaged.at(f"{info.period}, run {info.id}, ledger state",
                             f"{info.period}，第 {info.id} 次运行，账本状态") from None
    again = _evaluated_again(plan, recorded_sources(ledger, info), info.period, asked, prior)
    found = []
    for outcome in outcomes:
        if outcome.result.trace is None:
            result = again.get(outcome.result.agent)
            differs = _differs(outcome.result, result)
            if differs:
                said = {**fields, "agent": outcome.result.agent, "recorded": info.jixiao_version, "now": __version__}
                raise LedgerError(say("trace_differs", "en", **said, field=differs[0]),
                                  say("trace_differs", "zh", **said, field=differs[1]))
            assert result is not None
            outcome = outcome._replace(result=outcome.result._replace(trace=result.trace))
        found.append(outcome)
    return found


def _evaluated_again(plan: Plan, sources: Sources, period: str, asked: frozenset[str],
                     prior: Prior) -> dict[str, AgentResult]:
    """The asked agents' results evaluated again from the run's kept files and the state it read, each traced."""
    # By columns her team is the files' team column: not where a decision in force moved someone.
    if len(asked) == 1 and not any(d.kind == DecisionKind.TEAM_CHANGE for d in prior.decisions):
        (agent,) = asked
        try:
            from engine.columnar_explain import explain_by_columns

            found = explain_by_columns(sources, period, lambda items: frozenset(i.agent for i in items
                                                                                  if i.agent == agent), agent, prior)
            if found.results:
                return {r.agent: r for r in found.results}
        except NotCovered:
            pass  # the Decimal path below reads what the columns do not cover
    read = read_month(plan, sources, period)
    try:
        items = read.agents
        if plan.reach is Reach.TEAM:  # her team as evaluated: the decisions in force applied to the files
            applied, _, _ = month_state(items, prior.decisions, period)
            teams = {i.team for i in applied if i.agent in asked}
            chosen = {i.agent for i in applied if i.team in teams}
            items = tuple(i for i in items if i.agent in chosen)
        elif plan.reach is Reach.SELF:
            items = tuple(i for i in items if i.agent in asked)
        chosen = {i.agent for i in items}
        outcomes, _, _, _ = evaluate_agents(plan, items, [a for a in read.adjustments if a.agent in chosen], period,
                                            prior, trace=asked)
    except JixiaoError:
        return {}  # it evaluated when it was recorded: said by the caller as results that differ
    return {o.result.agent: o.result for o in outcomes if o.result.agent in asked}


# Every field of a result but its trace and carried roster columns, as the ledger writes it (exact digits).
_FIELDS = (("score", "得分"), ("rating", "评级"), ("kpis", "KPI 得分"), ("pay", "薪资项"), ("total", "应发"),
           ("choices", "选项"), ("penalties", "处罚条款"), ("flags", "标记"), ("team", "组别"), ("role", "岗位"),
           ("grade", "等级"), ("name", "姓名"))


def _differs(recorded: AgentResult, again: AgentResult | None) -> tuple[str, str] | None:
    """The first field (en, zh) in which `again` is not `recorded`, None when none is."""
    if again is None:
        return "result", "结果"
    for en, zh in _FIELDS:
        if as_text((getattr(recorded, en),)) != as_text((getattr(again, en),)):
            return en, zh
    return None
