"""The amounts of a recorded month agree with each other before anything shows them.

`show` prints an agent's pay lines, the total and (for one agent) the trace; `history` prints the
total; `runs` prints the run's total. They read different columns, and a ledger edited by hand or
damaged could make them disagree: a clerk would then pay one of two numbers. So every reader
checks what it read here, in one place, and a disagreement is "the ledger is damaged" (codec.Damaged):

- the evaluated total is the sum of its pay lines (the plan's `total` step adds every one), and
  the score the sum of the KPI points;
- the recorded total is the evaluated total plus every line recorded after evaluation (manual
  adjustments, retro lines 追溯调整: `Outcome.lines_total`; a new kind of line is counted there,
  and only there);
- a run's total is the sum of its agents' recorded totals, and it holds as many agents as it says;
- a trace has one value for each step of the plan, and its score, KPI points, pay lines and total
  are the columns' own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from engine.ledger.codec import Damaged, number
from engine.model.plan import Plan
from engine.model.results import Outcome
from engine.model.step_names import KPI_SUFFIX


def paid(outcome: Outcome) -> Decimal:
    """What the agent-month pays: the evaluated total plus every line recorded after evaluation
    (`Outcome.lines_total`, the one place that counts them: manual adjustments and retro lines)."""
    return outcome.result.total + outcome.lines_total


def _pairs(value: object, kinds: tuple[type, ...], column: str) -> None:
    if not isinstance(value, tuple) or not all(
            isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str) and isinstance(p[1], kinds)
            for p in value):
        raise Damaged("not a list of names and values", "不是“名称—数值”的列表").at(f"column {column}", f"列 {column}")


def check_outcome(outcome: Outcome, *, read: Iterable[str] = ("kpis", "pay", "choices", "penalties")) -> None:
    """One agent-month's columns agree (see the module doc), or Damaged; `read` names the tuple
    columns that were read (the others are empty and say nothing)."""
    result = outcome.result
    read = frozenset(read)
    for column, kinds in (("kpis", (Decimal,)), ("pay", (Decimal,)), ("penalties", (Decimal, int)),
                          ("choices", (str, type(None)))):
        if column in read:
            _pairs(getattr(result, column), kinds, column)
    if "pay" in read:
        lines = sum((amount for _, amount in result.pay), Decimal(0))
        if lines != result.total:
            raise Damaged(f"its pay lines add up to {lines}, its evaluated total says {result.total}",
                          f"各工资项合计为 {lines}，方案计算应发却记为 {result.total}")
    if "kpis" in read and result.kpis:
        points = sum((p for _, p in result.kpis), Decimal(0))
        if points != result.score:
            raise Damaged(f"its KPI points add up to {points}, its score says {result.score}",
                          f"各指标得分合计为 {points}，总分却记为 {result.score}")
    expected = paid(outcome)
    if outcome.total != expected:
        raise Damaged(f"its recorded total {outcome.total} is not the evaluated total {result.total} plus its "
                      f"recorded lines ({expected})",
                      f"记录的应发合计 {outcome.total} 不等于方案计算应发 {result.total} 加上各记录行（{expected}）")


def check_run(total: object, agents: object, totals: Sequence[Decimal]) -> None:
    """A run's recorded total and head count are those of its agents' recorded `totals`, or Damaged."""
    if type(agents) is not int or agents != len(totals):
        raise Damaged(f"the run says {agents!r} agents and holds {len(totals)}",
                      f"运行记录为 {agents!r} 人，实际有 {len(totals)} 人")
    summed = sum(totals, Decimal(0))
    if number(total) != summed:
        raise Damaged(f"the run's total {total} is not the sum of its agents' totals ({summed})",
                      f"运行的应发合计 {total} 不等于各人应发之和（{summed}）")


def check_trace(plan: Plan, outcome: Outcome) -> None:
    """The recorded trace shows the same score, KPI points, pay lines and total as the columns, or Damaged."""
    result = outcome.result
    trace = result.trace
    where = (f"{result.period}, agent {result.agent}, trace", f"{result.period}，客服 {result.agent}，计算过程")
    if not isinstance(trace, tuple) or len(trace) != len(plan.steps):
        count = len(trace) if isinstance(trace, tuple) else 0
        raise Damaged(f"it holds {count} values for the {len(plan.steps)} steps of its policy",
                      f"共 {count} 个值，而方案有 {len(plan.steps)} 个步骤").at(*where)
    slots = {step.name: step.slot for step in plan.steps}
    shown = [("score", result.score), ("total", result.total), *result.pay,
             *((name + KPI_SUFFIX, points) for name, points in result.kpis)]
    for name, value in shown:
        slot = slots.get(name)
        if slot is not None and trace[slot] != value:
            raise Damaged(f"its {name} is {trace[slot]!r}, the recorded {name} {value}",
                          f"其中 {name} 为 {trace[slot]!r}，记录的 {name} 为 {value}").at(*where)
