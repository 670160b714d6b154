"""What a run changed in the months it was carried through, as the clerk reads it after `jixiao run`.

One block per month: whether its new run now pays (an open month) or it was approved and only
corrected (the difference then settled as 追溯调整 in the first open month after it), then one
line per agent whose pay, grade, role, decisions or retro lines changed. Amounts show with their
sign, so a recovery never reads as a payment.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from engine.ledger.changes import AgentChange, MonthChange, Standing
from engine.ledger.store import CHANGES, Decision, DecisionKind
from engine.model.corrections import Bound
from engine.report.messages import CHANGE_WORDS, by_language, counted
from engine.report.number_text import number
from engine.report.safe_text import for_terminal

SHOWN = 20  # agents listed per month; the rest are counted

WORDS = by_language(CHANGE_WORDS)

WHY = {
    Bound.NONE: ("本人在以后的已记录月份中没有数据", "the agent has no row in any later recorded month"),
    Bound.NOTHING_LEFT: ("本人在以后的已记录月份中没有数据或已无可扣的工资",
                         "no later recorded month has a row or pay to settle it from"),
    Bound.CAP: ("每月扣款上限（工资支付暂行规定第十六条），其余在以后月份扣回",
                "the monthly deduction cap (Art. 16); the rest is recovered in later months"),
    Bound.MINIMUM_WAGE: ("扣回不得低于当地最低工资，其余在以后月份扣回",
                         "recovery never pays under the minimum wage; the rest is recovered in later months"),
    Bound.OWED: ("记为本人欠款：没有记录在案的协议允许从工资中扣回（L.5）；如劳动合同或书面协议允许，请在方案中声明 "
                 "corrections: {overpayment: recover, agreement: …}，或用 overpayment: waive 放弃追回",
                 "recorded as owed: no recorded agreement allows recovering it from pay (L.5); where the labour "
                 "contract or a written agreement does, declare corrections: {overpayment: recover, agreement: …}, "
                 "or waive it with overpayment: waive"),
    Bound.WAIVED: ("已按方案放弃追回", "waived by the policy"),
}


def agents_text(change: MonthChange, lang: str) -> str:
    """The agents whose results a replaced month changed, one line each (the month itself is said above)."""
    lines = ["  " + agent_line(agent, lang) for agent in change.agents[:SHOWN]]
    if len(change.agents) > SHOWN:
        lines.append("  " + WORDS[lang]["more"].format(count=len(change.agents) - SHOWN))
    return "".join(for_terminal(line) + "\n" for line in lines)


def changes_text(changes: Sequence[MonthChange], lang: str, *, dry_run: bool = False) -> str:
    """The months a run touched and, in each, the agents whose results changed."""
    if not changes:
        return ""
    words = WORDS[lang]
    lines: list[str] = []
    for change in changes:
        if change.standing is Standing.CORRECTED:
            what = words["dry_corrected" if dry_run else "corrected"].format(approved=change.approved,
                                                                            after=change.after)
        else:
            what = words["dry_recorded" if dry_run else "recorded"].format(before=change.before, after=change.after)
        count = counted(words["agents"].format(count=len(change.agents))) if change.agents else words["none"]
        lines.append(f"  {words['replaced'].format(period=change.period)}{what}; {count}")
        for agent in change.agents[:SHOWN]:
            lines.append("    " + agent_line(agent, lang))
        if len(change.agents) > SHOWN:
            lines.append("    " + words["more"].format(count=len(change.agents) - SHOWN))
    return "\n".join(for_terminal(line) for line in lines) + "\n"


def agent_line(change: AgentChange, lang: str) -> str:
    words = WORDS[lang]
    sep = "；" if lang == "zh" else "; "
    parts = []
    old, new = change.total
    if old != new:
        parts.append(words["total"].format(old=_money(old, words), new=_money(new, words)))
    for key, (was, now) in (("grade", change.grade), ("role", change.role)):
        if was != now:
            parts.append(words[key].format(old=was or words["absent"], new=now or words["absent"]))
    parts += [words["undone"].format(reason=d.reason_in(lang), period=d.period) for d in change.undone]
    parts += [words["made"].format(reason=d.reason_in(lang), period=d.period, effective=d.effective)
              for d in change.made]
    parts += [words["retro"].format(amount=_signed(line.amount), period=line.period) for line in change.retro]
    who = f"{change.agent} {change.name}".rstrip()
    return f"{who}：{sep.join(parts)}" if lang == "zh" else f"{who}: {sep.join(parts)}"


def outstanding_text(found: Sequence[tuple[str, str, Decimal, Bound]], lang: str) -> list[str]:
    """One warning line per amount a correction still owes (or is owed) after every recorded month."""
    words = WORDS[lang]
    lines = []
    for agent, period, amount, bound in found:
        why = WHY.get(bound, WHY[Bound.NONE])
        lines.append(words["outstanding"].format(
            agent=agent, period=period, direction=words["owed_to" if amount > 0 else "owed_by"],
            amount=number(abs(amount)), why=why[0] if lang == "zh" else why[1]))
    return lines


def _money(value: Decimal | None, words: dict[str, str]) -> str:
    return words["absent"] if value is None else number(value)


def _signed(value: Decimal) -> str:
    return ("+" if value >= 0 else "") + number(value)


KIND_WORDS = {
    DecisionKind.GRADE_CHANGE: ("等级调整", "grade change(s)"),
    DecisionKind.ROLE_CHANGE: ("岗位调整", "role change(s)"),
    DecisionKind.TEAM_CHANGE: ("调组", "team change(s)"),
    DecisionKind.DISMISSAL: ("辞退", "dismissal(s)"),
    DecisionKind.REINSTATEMENT: ("复职", "reinstatement(s)"),
    DecisionKind.REVIEWED: ("保持不变", "kept as they were"),
    DecisionKind.NOT_REVIEWED: ("未评定", "not reviewed"),
}


def decisions_text(period: str, decisions: Sequence[Decision], lang: str) -> str:
    """What the reviews closing with a run decided: a count per kind, then each change with its reason."""
    if not decisions:
        return ""
    counts = {kind: sum(1 for d in decisions if d.kind == kind) for kind in KIND_WORDS}
    if lang == "zh":
        parts = "，".join(f"{KIND_WORDS[k][0]} {n} 人" for k, n in counts.items() if n)
        lines = [f"{period} 的评定：{parts}"]
    else:
        parts = ", ".join(f"{n} {KIND_WORDS[k][1]}" for k, n in counts.items() if n)
        lines = [f"the reviews closing with {period}: {parts}"]
    for d in decisions:
        if d.kind not in CHANGES:
            continue
        change = f"{d.from_value or '—'} → {d.to_value or '—'}"
        if lang == "zh":
            kind = KIND_WORDS[DecisionKind(d.kind)][0]
            lines.append(f"  {d.agent}：{kind} {change}（{d.effective} 起生效）：{d.reason}")
        else:
            lines.append(f"  {d.agent}: {change} (in effect from {d.effective}): {d.reason_in('en')}")
    return "\n".join(for_terminal(line) for line in lines) + "\n"
