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

import calendar
import decimal
from collections.abc import Mapping, Sequence
from decimal import Decimal

from engine.ledger.store import Decision, DecisionKind, Ledger, LedgerError
from engine.model.calendar_facts import tenure_months
from engine.model.flags import Flag
from engine.model.months import Condition, Window, last_months
from engine.model.plan import Plan
from engine.model.results import AgentResult, Outcome
from engine.model.reviews import Review, RoleReview
from engine.model.step_names import KPI_SUFFIX, PENALTY_STEPS
from engine.policy.runtime import CONTEXT
from engine.text import canonical_id

Month = Mapping[str, AgentResult]


def _parts(plan: Plan, names: Sequence[str]) -> frozenset[str]:
    """Which tuple columns of the record (kpis, pay, choices, penalties) the names read: only those are decoded."""
    wanted = set(names)
    kpis = {k + KPI_SUFFIX for k in plan.kpis}
    choices = {m.name for m in plan.metrics if m.type == "choice"}
    penalties = {c.name for c in plan.penalties} | set(PENALTY_STEPS)
    flags = {f.name for f in plan.flags}
    return frozenset(part for part, held in (("kpis", kpis), ("pay", set(plan.pay)), ("choices", choices),
                                             ("penalties", penalties), ("flags", flags)) if wanted & held)


def _reads(review: Review | RoleReview | Window) -> tuple[str, ...]:
    if isinstance(review, Review):
        return review.reads
    if isinstance(review, Window):
        return review.reads
    return tuple(name for c in (review.each, review.dismiss_each) if c is not None for name in c.names)


def recorded_values(result: AgentResult) -> dict[str, object]:
    """What a `met:` expression can read of one recorded agent-month."""
    values: dict[str, object] = {"score": result.score, "rating": result.rating, "total": result.total,
                                 "role": result.role, "grade": result.grade}
    values.update((k + KPI_SUFFIX, v) for k, v in result.kpis)
    values.update(result.pay)
    values.update(result.choices)
    values.update(result.penalties)  # clause counts, warnings and serious_warnings (S4.P warnings)
    values.update((name, raised) for name, _, raised in result.flags)  # whether each flag was raised (S1.5)
    return values


def review_decisions(plan: Plan, ledger: Ledger | None, period: str, outcomes: Sequence[Outcome],
                     joined: Mapping[str, str] | None = None,
                     left: Mapping[str, str] | None = None) -> tuple[Decision, ...]:
    """The decisions of every review of `plan` that closes with `period`, agent by agent, those
    that change nothing included (reviewed and stays; not reviewed, and why).

    `joined` and `left` are each agent's roster dates (YYYY-MM-DD): tenure requirements (S4.4) and
    whether she worked each month of a grade review's window whole (S0.7). Reviews run in the order
    the policy declares them; an agent dismissed by one gets no later decision."""
    due = [review for review in plan.reviews if review.closes(period)]
    if not due:
        return ()
    months: dict[str, Month] = {period: {o.result.agent: o.result for o in outcomes}}
    lines = _parts(plan, [name for review in due for name in _reads(review)])
    for review in due:
        span = review.window(period) if isinstance(review, Review) else last_months(period, review.needs())
        for month in span:
            if month not in months:
                months[month] = _recorded(plan, ledger, month, review, period, lines)
    decisions: list[Decision] = []
    for review in due:
        gone = {d.agent for d in decisions if d.kind == DecisionKind.DISMISSAL}
        found = (_review(plan, review, period, months, joined or {}, left or {}) if isinstance(review, Review)
                 else _role_review(plan, review, period, months, joined or {}))
        decisions.extend(d for d in found if d.agent not in gone)
    return tuple(decisions)


def window_flags(plan: Plan, ledger: Ledger | None, period: str) -> dict[str, dict[str, tuple]]:
    """For each agent and window value of `plan`, whether each earlier month of the window met its
    `where`, or (sum, mean) its recorded value of `of`; None: no recorded month for the agent."""
    months: dict[str, Month] = {}
    found: dict[str, dict[str, tuple]] = {}
    lines = _parts(plan, [name for window in plan.windows for name in _reads(window)])
    for window in plan.windows:
        earlier = window.earlier(period)
        for month in earlier:
            if month not in months:
                months[month] = _recorded(plan, ledger, month, window, period, lines)
        agents = {agent for month in earlier for agent in months[month]}
        for agent in agents:
            found.setdefault(agent, {})[window.name] = tuple(
                None if agent not in months[month] else _met(window, month, months[month][agent], window.where)
                if window.where is not None else _value(window, month, months[month][agent]) for month in earlier)
    return found


def flag_history(plan: Plan, ledger: Ledger | None, period: str) -> dict[str, dict[str, tuple]]:
    """For each agent and flag with a window of months (`flags: … months:`), whether its condition
    held in each earlier month of the window as the ledger recorded it (None: no recorded month for
    the agent, or a month recorded without that flag: both count as not held)."""
    months: dict[str, Month] = {}
    found: dict[str, dict[str, tuple]] = {}
    for flag in plan.flags:
        earlier = last_months(period, flag.months)[:-1]
        for month in earlier:
            if month not in months:
                months[month] = _recorded(plan, ledger, month, flag, period, frozenset({"flags"}))
        for agent in {agent for month in earlier for agent in months[month]}:
            found.setdefault(agent, {})[flag.name] = tuple(
                None if agent not in months[month] else
                next((held for name, held, _ in months[month][agent].flags if name == flag.name), None)
                for month in earlier)
    return found


def _value(window: Window, month: str, result: AgentResult) -> Decimal:
    value = recorded_values(result).get(window.of or "")
    if not isinstance(value, Decimal):
        raise LedgerError(
            f"'{window.label.en}' adds up {window.of!r}, which the {month} run of agent {result.agent} did not "
            "record as a number (was that month run with another policy?)",
            f"“{window.label.zh}”累计的 {window.of!r} 不在客服 {result.agent} 的 {month} 记录中，或不是数字"
            "（那个月是否用了其他方案？）")
    return value


def _recorded(plan: Plan, ledger: Ledger | None, month: str, review: Review | RoleReview | Window | Flag,
              period: str, lines: frozenset[str]) -> Month:
    """The agents of `month`'s current run, with the parts of the record named in `lines`."""
    run = ledger.current_run(month) if ledger is not None else None
    if run is not None:
        assert ledger is not None
        # Keyed by the canonical id: a month recorded before ids were read in one form still counts.
        return {canonical_id(o.result.agent): o.result
                for o in ledger.outcomes(run.id, trace=False, parts=lines)}
    if month < plan.policy.effective_from[:7]:
        return {}
    where = ledger.path if ledger is not None else "the ledger"
    zh_where = ledger.path if ledger is not None else "账本"
    label = review.label
    raise LedgerError(
        f"{where}: '{label.en}' in {period} needs {month}, which is not recorded; "
        f"run {month} first (jixiao run --period {month} …)",
        f"{zh_where}：{period} 的“{label.zh}”需要 {month} 的结果，但账本中没有；"
        f"请先运行 jixiao run --period {month} …")


def _met(review: Review | RoleReview | Window, month: str, result: AgentResult,
         condition: Condition | None = None) -> bool:
    test = condition.holds if condition is not None else review.meets  # type: ignore[union-attr]
    try:
        with decimal.localcontext(CONTEXT):
            return test(recorded_values(result)) is True
    except KeyError as exc:
        raise LedgerError(
            f"'{review.label.en}' reads {exc.args[0]!r}, which the {month} run of agent "
            f"{result.agent} did not record (was that month run with another policy?)",
            f"“{review.label.zh}”读取的 {exc.args[0]!r} 不在客服 {result.agent} 的 {month} 记录中"
            "（那个月是否用了其他方案？）") from None


def whole_month(month: str, joined: str | None, left: str | None) -> bool:
    """Whether the roster's dates cover all of `month` (YYYY-MM); no dates: nothing says otherwise."""
    first = f"{month}-01"
    last = f"{month}-{calendar.monthrange(int(month[:4]), int(month[5:7]))[1]:02d}"
    return (not joined or joined <= first) and (not left or left >= last)


def _review(plan: Plan, review: Review, period: str, months: Mapping[str, Month], joined: Mapping[str, str],
            left: Mapping[str, str]) -> list[Decision]:
    grades = list(plan.grades)
    window = review.window(period)
    size = len(window)
    rule = ",".join(review.rules) or review.id
    cited = f"（{'、'.join(review.rules)}）" if review.rules else ""
    cited_en = f" ({', '.join(review.rules)})" if review.rules else ""
    found = []
    for agent, result in sorted(months[period].items()):
        grade = result.grade
        if grade not in grades:
            continue
        # A month counts as worked when the agent has its row and the roster's dates cover all of it:
        # a joiner on the 15th of the quarter's first month has not worked the whole quarter.
        rows = [m for m in window if agent in months[m]]
        worked = [m for m in rows if whole_month(m, joined.get(agent), left.get(agent))]
        met = sum(1 for m in worked if _met(review, m, months[m][agent]))
        dates = "、".join(f"{w} {d}" for w, d in (("入职", joined.get(agent)), ("离职", left.get(agent))) if d)
        dates_en = ", ".join(f"{w} {d}" for w, d in (("joined", joined.get(agent)), ("left", left.get(agent))) if d)
        if len(worked) < size:
            if review.partial == "skip":
                found.append(Decision(
                    agent, period, DecisionKind.NOT_REVIEWED, grade, grade,
                    f"窗口 {window[0]}–{window[-1]} 中整月在岗 {len(worked)}/{size} 个月"
                    f"{'（' + dates + '）' if dates else ''}，不评定（partial: skip）{cited}", rule,
                    reason_en=f"worked {len(worked)} of the {size} whole months {window[0]}–{window[-1]}"
                    f"{' (' + dates_en + ')' if dates_en else ''}: not reviewed (partial: skip){cited_en}",
                    months_met=met, months_of=len(worked)))
                continue
            count = size - (len(worked) - met)
            counted = (f"在岗 {len(worked)} 个月中 {met} 个月达标（未在岗的月份不计为未达标，按 {count}/{size} 计）")
            counted_en = (f"{met} of {len(worked)} months worked met the standard (months not worked do not count "
                          f"against: {count}/{size})")
        else:
            count = met
            counted = f"{met}/{size} 个月达标"
            counted_en = f"{met}/{size} months met the standard"
        lowest = grade == grades[0] and review.at_lowest is not None
        then = (review.at_lowest if lowest and review.at_lowest is not None else review.outcomes)[count]
        # "already at the lowest grade" is said only where it decided the outcome (the lowest grade's
        # table gives another than the ordinary one), so it never reads as the reason for a promotion.
        decisive = lowest and then != review.outcomes[count]
        at = "；已是最低等级" if decisive else ""
        at_en = "; already at the lowest grade" if decisive else ""
        index = grades.index(grade)
        decided = {"rule": rule, "months_met": count, "months_of": size}
        if then.action == "up" and index + 1 < len(grades):
            found.append(Decision(agent, period, DecisionKind.GRADE_CHANGE, grade, grades[index + 1],
                                  f"{counted}{at} → 升一级为 {grades[index + 1]}{cited}",
                                  reason_en=f"{counted_en}{at_en} → up one grade to {grades[index + 1]}{cited_en}",
                                  **decided))
        elif then.action == "down" and then.grade in grades and grades.index(then.grade) < index:
            found.append(Decision(agent, period, DecisionKind.GRADE_CHANGE, grade, then.grade,
                                  f"{counted} → 降为 {then.grade}{cited}",
                                  reason_en=f"{counted_en} → down to {then.grade}{cited_en}",
                                  **decided))
        elif then.action == "dismiss":
            found.append(Decision(agent, period, DecisionKind.DISMISSAL, grade, None, f"{counted}{at} → 辞退{cited}",
                                  reason_en=f"{counted_en}{at_en} → dismissed{cited_en}", **decided))
        else:  # stays: by the outcome, at the top grade already, or already at or below the grade it names
            why, why_en = {"up": ("已是最高等级", "already at the top grade"),
                           "down": (f"已不高于 {then.grade}", f"already at or below {then.grade}")}.get(
                then.action, ("", ""))
            found.append(Decision(agent, period, DecisionKind.REVIEWED, grade, grade,
                                  f"{counted}{at} → {why + '，' if why else ''}保持 {grade}{cited}",
                                  reason_en=f"{counted_en}{at_en} → {why_en + ', ' if why_en else ''}stays {grade}"
                                  f"{cited_en}", **decided))
    return found


def _role_review(plan: Plan, review: RoleReview, period: str, months: Mapping[str, Month],
                 joined: Mapping[str, str]) -> list[Decision]:
    rule = ",".join(review.rules) or review.id
    cited = f"（{'、'.join(review.rules)}）" if review.rules else ""
    cited_en = f" ({', '.join(review.rules)})" if review.rules else ""
    found: list[Decision] = []
    undated: list[str] = []

    def count(agent: str, span: int, condition: Condition) -> int:
        return sum(1 for m in last_months(period, span) if agent in months[m]
                   and _met(review, m, months[m][agent], condition))

    role_zh = {key: label.zh for key, (label, _) in plan.roles.items()}
    role_en = {key: label.text("en") for key, (label, _) in plan.roles.items()}
    stays_zh = f"保持{role_zh.get(review.role, review.role)}"
    stays_en = f"stays {role_en.get(review.role, review.role)}"
    for agent, result in sorted(months[period].items()):
        if result.role != review.role:
            continue
        if review.dismiss_each is not None:
            bad = count(agent, review.consecutive, review.dismiss_each)
            if bad == review.consecutive:
                span, span_en = ((f"连续 {review.consecutive} 个月", f"{review.consecutive} months in a row")
                                 if review.consecutive > 1 else ("本月", "this month"))
                found.append(Decision(agent, period, DecisionKind.DISMISSAL, review.role, None,
                                      f"{span}满足 {review.dismiss_each.text} → 辞退{cited}",
                                      rule, reason_en=f"{span_en} met {review.dismiss_each.text} → dismissed{cited_en}",
                                      months_met=bad, months_of=review.consecutive))
                continue
        if review.to is None:
            text = review.dismiss_each.text  # type: ignore[union-attr]
            said, said_en = ((f"最近 {review.consecutive} 个月中 {bad} 个月满足 {text}"
                              f"（未连续 {review.consecutive} 个月）",
                              f"{bad} of the last {review.consecutive} months met {text} "
                              f"(not {review.consecutive} in a row)")
                             if review.consecutive > 1 else (f"本月未满足 {text}", f"this month did not meet {text}"))
            found.append(Decision(agent, period, DecisionKind.REVIEWED, review.role, review.role,
                                  f"{said} → {stays_zh}{cited}", rule, reason_en=f"{said_en} → {stays_en}{cited_en}",
                                  months_met=bad, months_of=review.consecutive))
            continue
        reasons, reasons_en = [], []
        short, short_en = "", ""
        met = of = None
        if review.tenure is not None:
            if not joined.get(agent):
                undated.append(agent)
                continue
            tenure = tenure_months(joined[agent], period)
            reasons.append(f"{joined[agent]} 入职，至本月底满 {tenure} 个月（要求 ≥ {review.tenure}）")
            reasons_en.append(f"joined {joined[agent]}: {tenure} whole months by the end of this month "
                              f"(≥ {review.tenure} required)")
            if tenure < review.tenure:
                short, short_en = reasons[-1], reasons_en[-1]
        if review.each is not None and not short:
            met, of = count(agent, review.window, review.each), review.window
            if review.window == 1:  # a month's own review: no count to say ("each of the last 1 months")
                if met < 1:
                    short = f"本月未满足 {review.each.text}"
                    short_en = f"this month did not meet {review.each.text}"
                else:
                    reasons.append(f"本月满足 {review.each.text}")
                    reasons_en.append(f"this month met {review.each.text}")
            elif met < review.window:
                short = f"最近 {review.window} 个月中 {met} 个月满足 {review.each.text}（要求每个月）"
                short_en = f"{met} of the last {review.window} months met {review.each.text} (each is required)"
            else:
                reasons.append(f"最近 {review.window} 个月均满足 {review.each.text}")
                reasons_en.append(f"each of the last {review.window} months met {review.each.text}")
        if short:
            found.append(Decision(agent, period, DecisionKind.REVIEWED, review.role, review.role,
                                  f"{short} → 未晋升，{stays_zh}{cited}", rule,
                                  reason_en=f"{short_en} → not promoted, {stays_en}{cited_en}",
                                  months_met=met, months_of=of))
            continue
        found.append(Decision(agent, period, DecisionKind.ROLE_CHANGE, review.role, review.to,
                              "；".join(reasons) + f" → 晋升 {role_zh.get(review.role, review.role)}→"
                              f"{role_zh.get(review.to, review.to)}{cited}", rule,
                              reason_en="; ".join(reasons_en) + f" → promoted {role_en.get(review.role, review.role)}→"
                              f"{role_en.get(review.to, review.to)}{cited_en}", months_met=met, months_of=of))
    if undated:
        shown = ", ".join(undated[:20]) + (f" … ({len(undated)})" if len(undated) > 20 else "")
        raise LedgerError(
            f"the review '{review.label.en}' in {period} needs each {review.role}'s join date for its tenure "
            f"requirement, but none is given for: {shown}; add a 入职日期 (joined) column to the roster",
            f"{period} 的“{review.label.zh}”需要按入职日期计算司龄，但以下人员没有入职日期：{shown}；"
            "请在花名册中加一列“入职日期”")
    return found
