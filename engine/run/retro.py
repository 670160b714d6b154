"""Retroactive lines (追溯调整): a corrected approved month's difference, settled in an open month.

An approved month is never rewritten: what was paid stays as approved (L.5). When a correction
(an earlier month superseded and carried through, a month recorded late, a recompute) changes what
an approved month should have paid, the difference is settled in the first open month after it,
one line per corrected month, citing that month and both runs. Money owed to the agent is paid in
full (补发). Money she was overpaid is not among the withholdings the law allows by itself (Art.
15), so by default it is recorded as owed and never deducted; where the policy records the
agreement that allows it (`corrections: {overpayment: recover, agreement: …}`) it is recovered
(扣回) under the same legal guard as a loss (L.1): within what the month's cap leaves after the
loss deduction, never below the minimum wage and never below zero, the rest in later open months.
A policy may also waive it (`overpayment: waive`).

What is still owed is never carried as a number of its own: it is the corrected month's
difference less what later months have settled, recomputed from the ledger each time, so a month
recomputed twice can never settle the same money twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal

from engine.model.corrections import Bound, Overpayment, Owed, RetroLine
from engine.model.plan import Plan
from engine.model.step_names import DEDUCTION

ZERO = Decimal(0)


def settle(plan: Plan, agent: str, period: str, paid: Decimal, gross: Decimal, loss_taken: Decimal,
           owed: Sequence[Owed]) -> tuple[RetroLine, ...]:
    """The retro lines of one agent-month, in the corrected months' order.

    `paid` is what the month pays before any retro line (evaluated total and manual adjustments),
    `gross` the pay the deduction cap is a share of, `loss_taken` what the loss deduction took
    (≥ 0). Amounts owed to the agent are paid first, so an overpayment of one month is recovered
    from pay that includes what another month owed her."""
    lines: dict[int, RetroLine] = {}
    for index, item in enumerate(owed):
        if item.amount > 0:
            lines[index] = RetroLine(agent, item.period, item.approved_run, item.correction_run, item.amount,
                                     item.amount)
            paid += item.amount
    mode = plan.corrections.overpayment
    deductions = plan.deductions
    cap_left = room = ZERO
    if mode is Overpayment.RECOVER and deductions is not None:  # the checker requires `deductions:` here
        minimum = deductions.minimum_for(period)
        if deductions.guard:
            cap = ZERO if gross <= 0 else (gross * deductions.cap).quantize(plan.quantum, ROUND_DOWN)
            cap_left = max(cap - loss_taken, ZERO)
            room = max(paid - (minimum if minimum is not None else paid), ZERO)
        else:
            cap_left = room = max(paid, ZERO)
    for index, item in enumerate(owed):
        if item.amount >= 0:
            continue
        if mode is Overpayment.WAIVE:
            lines[index] = RetroLine(agent, item.period, item.approved_run, item.correction_run, item.amount, ZERO,
                                     item.amount, Bound.WAIVED)
            continue
        if mode is Overpayment.OWED or deductions is None:
            if item.first:
                lines[index] = RetroLine(agent, item.period, item.approved_run, item.correction_run, item.amount,
                                         ZERO, bound=Bound.OWED)
            continue
        due = -item.amount
        taken = min(due, cap_left, room).quantize(plan.quantum, ROUND_DOWN)
        bound = Bound.NONE
        if taken < due:
            bound = Bound.NOTHING_LEFT if paid <= 0 else Bound.CAP if cap_left <= room else Bound.MINIMUM_WAGE
        cap_left -= taken
        room -= taken
        paid -= taken
        lines[index] = RetroLine(agent, item.period, item.approved_run, item.correction_run, item.amount,
                                 ZERO - taken, bound=bound)
    return tuple(lines[index] for index in sorted(lines))


def loss_taken(pay: Sequence[tuple[str, Decimal]]) -> Decimal:
    """What the month's loss deduction took (the `loss_deduction` pay line is ≤ 0)."""
    return -dict(pay).get(DEDUCTION, ZERO)
