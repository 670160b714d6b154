"""Career reviews applied at a window's close (S0.7): months met → up / stay / down / dismiss.

A review reads the window's months as the ledger recorded them (the current run of each month,
without traces) plus the month being run, evaluates the policy's `met:` over each agent-month's
recorded values, and turns the count into decisions recorded in the same transaction as the run.
Nothing extra is stored per month: "met" is recomputed from recorded values, so a superseded
month changes what a later review of it sees, and the reason text says exactly what was counted.
A month of the window with no recorded run is an error, unless it is before the policy took
effect (then nobody worked it under this policy, and the partial-window rule applies).
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence

from engine.ledger.store import Decision, Ledger, LedgerError
from engine.policy import names as n
from engine.policy.compile import Plan
from engine.policy.compile_reviews import Review
from engine.policy.runtime import CONTEXT
from engine.run.adjust import Outcome
from engine.run.evaluate import AgentResult

Month = Mapping[str, AgentResult]


def recorded_values(result: AgentResult) -> dict[str, object]:
    """What a `met:` expression can read of one recorded agent-month."""
    values: dict[str, object] = {"score": result.score, "rating": result.rating, "total": result.total,
                                 "role": result.role, "grade": result.grade}
    values.update((k + n.KPI_SUFFIX, v) for k, v in result.kpis)
    values.update(result.pay)
    values.update(result.choices)
    return values


def review_decisions(plan: Plan, ledger: Ledger | None, period: str,
                     outcomes: Sequence[Outcome]) -> tuple[Decision, ...]:
    """The decisions of every review of `plan` that closes with `period`, agent by agent."""
    due = [review for review in plan.reviews if review.closes(period)]
    if not due:
        return ()
    months: dict[str, Month] = {period: {o.result.agent: o.result for o in outcomes}}
    for review in due:
        for month in review.window(period):
            if month not in months:
                months[month] = _recorded(plan, ledger, month, review, period)
    decisions: list[Decision] = []
    for review in due:
        decisions.extend(_review(plan, review, period, months))
    return tuple(decisions)


def _recorded(plan: Plan, ledger: Ledger | None, month: str, review: Review, period: str) -> Month:
    run = ledger.current_run(month) if ledger is not None else None
    if run is not None:
        assert ledger is not None
        return {o.result.agent: o.result for o in ledger.outcomes(run.id, trace=False)}
    if month < plan.policy.effective_from[:7]:
        return {}
    where = ledger.path if ledger is not None else "the ledger"
    zh_where = ledger.path if ledger is not None else "账本"
    label = review.label
    raise LedgerError(
        f"{where}: the review '{label.en}' closing in {period} needs {month}, which is not recorded; "
        f"run {month} first (jixiao run --period {month} …)",
        f"{zh_where}：{period} 结束的“{label.zh}”需要 {month} 的结果，但账本中没有；"
        f"请先运行 jixiao run --period {month} …")


def _met(review: Review, month: str, result: AgentResult) -> bool:
    try:
        with decimal.localcontext(CONTEXT):
            return review.meets(recorded_values(result)) is True
    except KeyError as exc:
        raise LedgerError(
            f"the review '{review.label.en}' reads {exc.args[0]!r}, which the {month} run of agent "
            f"{result.agent} did not record (was that month run with another policy?)",
            f"“{review.label.zh}”读取的 {exc.args[0]!r} 不在客服 {result.agent} 的 {month} 记录中"
            "（那个月是否用了其他方案？）") from None


def _review(plan: Plan, review: Review, period: str, months: Mapping[str, Month]) -> list[Decision]:
    grades = list(plan.grades)
    window = review.window(period)
    size = len(window)
    rule = ",".join(review.rules) or review.id
    cited = f"（{'、'.join(review.rules)}）" if review.rules else ""
    found = []
    for agent, result in sorted(months[period].items()):
        grade = result.grade
        if grade not in grades:
            continue
        worked = [m for m in window if agent in months[m]]
        met = sum(1 for m in worked if _met(review, m, months[m][agent]))
        if len(worked) < size:
            if review.partial == "skip":
                continue
            count = size - (len(worked) - met)
            counted = (f"在岗 {len(worked)} 个月中 {met} 个月达标（未在岗的月份不计为未达标，按 {count}/{size} 计）")
        else:
            count = met
            counted = f"{met}/{size} 个月达标"
        lowest = grade == grades[0] and review.at_lowest is not None
        then = (review.at_lowest if lowest and review.at_lowest is not None else review.outcomes)[count]
        at = "；已是最低等级" if lowest else ""
        index = grades.index(grade)
        if then.action == "up" and index + 1 < len(grades):
            found.append(Decision(agent, period, "grade_change", grade, grades[index + 1],
                                  f"{counted}{at} → 升一级 {grade}→{grades[index + 1]}{cited}", rule))
        elif then.action == "down" and then.grade in grades and grades.index(then.grade) < index:
            found.append(Decision(agent, period, "grade_change", grade, then.grade,
                                  f"{counted} → 降为 {then.grade} {grade}→{then.grade}{cited}", rule))
        elif then.action == "dismiss":
            found.append(Decision(agent, period, "dismissal", grade, None, f"{counted}{at} → 辞退{cited}", rule))
    return found
