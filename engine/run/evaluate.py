"""Stage 4, evaluate: a pure function of (plan, one period's inputs, prior state) to results.

The plan's input blocks are filled first, each by its own function over the whole month
(engine.run.inputs: metrics, window values, days, penalty facts, team aggregates, role and
grade …), then each agent's compiled function runs once on its blocks. A plan with population
values (rankings, team sums of computed values) runs in phases instead: phase 0 for every
agent, the population values due then over all agents (`engine.run.population`), the next
phase, and so on. With `trace=True` the last function returns every step's value: that tuple
*is* the trace, read later by `explain`; nothing is recomputed to explain a result.
"""

from __future__ import annotations

import decimal
import sys
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from engine import diagnostics as d
from engine.collector import cycle_collection_paused
from engine.errors import EvaluationError
from engine.model.inputs import AgentInput, State
from engine.model.kinds import Kind
from engine.model.plan import Plan
from engine.model.results import AgentResult
from engine.model.steps import Population, Step
from engine.policy.expr import PowerTooLarge
from engine.policy.runtime import CONTEXT, LookupFailed, zero_division
from engine.run import inputs as inputs_of
from engine.run.interpret import Failed
from engine.run.population import EmptyPopulation, take


def evaluate_period(plan: Plan, inputs: Sequence[AgentInput], state: State | None = None, *,
                    trace: bool | frozenset[str] = False,
                    adjustments: Mapping[str, Decimal] | None = None) -> tuple[AgentResult, ...]:
    """Score and pay every agent of one period; results come back sorted by agent. `adjustments`:
    each agent's manual adjustments in all, which the legal guard over deductions counts as pay.
    `trace`: every agent's trace, none, or only the agents named (explain of one agent of a large
    firm traces her alone: the others' values are computed as always, never kept)."""
    _in_force(plan, {item.period for item in inputs})
    items = sorted(inputs, key=_agent_key)
    state = state or State()
    careers = inputs_of.careers(items, state)
    # The collector paused: a million events' facts are acyclic, and it would rescan them.
    with decimal.localcontext(CONTEXT), cycle_collection_paused():
        try:
            given = inputs_of.fill(plan, items, inputs_of.Month(state, careers, adjustments or {}))
        except inputs_of.Unfilled as exc:
            raise _located(plan, exc.item, exc.cause) from None
        if plan.phases:
            return _in_phases(plan, items, careers, given, trace)
        if isinstance(trace, frozenset):
            return _some_traced(plan, items, careers, given, trace)
        run = plan.run_trace if trace else plan.run
        results = []
        # One tight loop: this is the hot path of a large firm's year (see benchmarks/).
        for item, (role, grade), blocks in zip(items, careers, given, strict=True):
            try:
                out = run(blocks)
            except Exception as exc:  # re-raised located, never swallowed
                raise _located(plan, item, exc) from None
            slots = None
            if trace:
                out, slots = out
            results.append(AgentResult(item.agent, item.period, item.team, item.name, role, grade, *out, slots))
    return tuple(results)


def _some_traced(plan: Plan, items: Sequence[AgentInput], facts: Sequence[tuple], given: Iterable[tuple],
                 wanted: frozenset[str]) -> tuple[AgentResult, ...]:
    """Every agent evaluated, the agents `wanted` with their trace."""
    results = []
    for item, (role, grade), blocks in zip(items, facts, given, strict=True):
        try:
            out, slots = plan.run_trace(blocks) if item.agent in wanted else (plan.run(blocks), None)
        except Exception as exc:  # re-raised located, never swallowed
            raise _located(plan, item, exc) from None
        results.append(AgentResult(item.agent, item.period, item.team, item.name, role, grade, *out, slots))
    return tuple(results)


def _in_phases(plan: Plan, items: Sequence[AgentInput], facts: Sequence[tuple], given: Iterable[tuple],
               trace: bool | frozenset[str]) -> tuple[AgentResult, ...]:
    """Phase by phase over every agent, taking each population value between the phases it splits."""
    states: list = []
    first = plan.phases[0]
    try:
        for blocks in given:
            states.append(first(blocks))
    except Exception as exc:  # re-raised located, never swallowed
        raise _located(plan, items[len(states)], exc) from None
    wanted = trace if isinstance(trace, frozenset) else None
    finish = plan.run_trace if trace is True else plan.run
    for k in range(len(plan.phases)):
        for population in plan.populations:
            if population.boundary == k:
                _take(plan, population, items, facts, states)
        last = k + 1 == len(plan.phases)
        run = finish if last else plan.phases[k + 1]
        done: list = []
        try:
            for item, state in zip(items, states, strict=True):
                traced = last and wanted is not None and item.agent in wanted
                done.append(plan.run_trace(state) if traced else (run(state), None) if last and wanted is not None
                            else run(state))
        except Exception as exc:  # re-raised located, never swallowed
            raise _located(plan, items[len(done)], exc) from None
        states = done
    results = []
    for item, (role, grade), out in zip(items, facts, states, strict=True):
        slots = None
        if trace is True or wanted is not None:
            out, slots = out
        results.append(AgentResult(item.agent, item.period, item.team, item.name, role, grade, *out, slots))
    return tuple(results)


def _take(plan: Plan, population: Population, items: Sequence[AgentInput], facts: Sequence[tuple],
          states: list) -> None:
    """One population value over every agent, grouped by shop, team or role, into their states."""
    if population.group == "team":
        groups = [item.team for item in items]
    else:
        groups = [role for role, _ in facts] if population.group == "role" else [""] * len(items)
    if population.group == "role" and None in groups:
        item = items[groups.index(None)]
        step = plan.steps[population.slots[0]]
        raise _failed(d.STEP_FAILED, d.Code.JX409, policy=plan.policy.path, line=step.line, step=step.name, rules="",
                      who=d.AGENT.phrase(agent=item.agent, period=item.period), reason=d.problem(d.Code.JX409).phrase())
    try:
        take(population, states, groups, [item.agent for item in items])
    except EmptyPopulation as exc:
        step = plan.steps[population.slots[0]]
        raise _failed(d.STEP_FAILED_FOR_ALL, exc.code, policy=plan.policy.path, line=step.line, step=step.name,
                      reason=d.Phrase(str(exc), exc.zh)) from None


def _in_force(plan: Plan, periods: set[str]) -> None:
    """A policy pays nothing for months before it took effect: that is a wrong file, not a result."""
    early = sorted(p for p in periods if p < plan.policy.effective_from[:7])
    if early:
        policy = plan.policy
        found = d.problem(d.Code.JX411, file=policy.path, id=policy.id, version=policy.version,
                          effective=policy.effective_from, periods=early)
        raise StepFailed(found.message("en"), found.message("zh"), found.code)


def _agent_key(item: AgentInput) -> str:
    return item.agent


def evaluate(plan: Plan, inputs: Iterable[AgentInput], state: State | None = None, *,
             trace: bool = False) -> tuple[AgentResult, ...]:
    """Evaluate several periods, each on its own (aggregates never mix months), in period order."""
    periods: dict[str, list[AgentInput]] = {}
    for item in inputs:
        periods.setdefault(item.period, []).append(item)
    results: list[AgentResult] = []
    for period in sorted(periods):
        results.extend(evaluate_period(plan, periods[period], state, trace=trace))
    return tuple(results)


class StepFailed(EvaluationError):
    """An evaluation error with its Chinese text, for `lines("zh")`, and its code (JX4xx)."""


def _failed(frame: d.Text, code: d.Code, **fields: object) -> StepFailed:
    """The failure `code`, its reason set in `frame` (where it happened) in both languages."""
    return StepFailed(frame.render("en", fields), frame.render("zh", fields), code)


def _located(plan: Plan, item: AgentInput, exc: Exception) -> EvaluationError:
    """Name the agent, the step, its rule and its policy line for an error inside the plan."""
    step = None
    if isinstance(exc, Failed):  # the reference interpreter says which step it was computing
        step, exc = plan.steps[exc.slot], exc.cause
    tb = sys.exc_info()[2]
    while tb is not None:  # the generated code's line says it (Plan.code_lines)
        if tb.tb_frame.f_code.co_filename.startswith("<jixiao plan"):
            step = plan.step_at(tb.tb_lineno)
        tb = tb.tb_next
    code, reason = _reason(exc, step)
    who = (d.AGENT_FROM if item.source else d.AGENT).phrase(agent=item.agent, period=item.period, source=item.source)
    if step is None:
        return _failed(d.AGENT_FAILED, code, who=who, reason=reason)
    return _failed(d.STEP_FAILED, code, policy=plan.policy.path, line=step.line, step=step.name, who=who,
                   reason=reason, rules=d.RULES.phrase(rules="/".join(step.rule)) if step.rule else "")


def _reason(exc: Exception, step: Step | None) -> tuple[d.Code, d.Phrase]:
    """The code of an error inside a step, and why it happened in both languages."""
    if zero_division(exc):
        # Only derived values take on_zero_division; elsewhere the divisor itself must be guarded.
        found = d.problem(d.Code.JX401 if step is not None and step.kind == Kind.DERIVED else d.Code.JX402)
    elif isinstance(exc, decimal.Overflow):
        found = d.problem(d.Code.JX403)
    elif isinstance(exc, decimal.InvalidOperation):
        # Also what quantize raises for a result of more than 28 digits, so both causes are named.
        found = d.problem(d.Code.JX404)
    elif isinstance(exc, TypeError):
        found = d.problem(d.Code.JX405)
    elif isinstance(exc, LookupFailed):
        return exc.code, d.Phrase(str(exc), exc.zh)
    elif isinstance(exc, PowerTooLarge):
        found = d.problem(d.Code.JX408, text=str(exc))
    else:
        found = d.problem(d.Code.JX413, text=str(exc) or type(exc).__name__)
    return found.code, found.phrase()
