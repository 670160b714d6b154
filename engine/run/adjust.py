"""Manual adjustments: pay lines of their own, added after evaluation, never inside the plan.

A shop's one-off corrections (a refund clawed back, a bonus the director granted) are not rules
and do not belong in the policy. Each row of the adjustments file becomes one line of the agent's
pay, labelled by its reason and named with who approved it; the recorded total is the evaluated
total plus those lines, exactly (each line is whole fen, so the sum is too).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from engine.model.results import Adjustment, AgentResult, Outcome


def apply_adjustments(results: Sequence[AgentResult], adjustments: Iterable[Adjustment]) -> tuple[Outcome, ...]:
    """Each result with its adjustments (in file order) and total = evaluated total + their sum.

    An adjustment for an agent without a result is a caller's bug here: the reader has already
    refused such rows with their file and row (see engine/data/adjustments.py)."""
    mine: dict[str, list[Adjustment]] = {}
    for item in adjustments:
        mine.setdefault(item.agent, []).append(item)
    unknown = set(mine) - {r.agent for r in results}
    if unknown:
        raise ValueError(f"adjustments for agents without a result: {sorted(unknown)}")
    outcomes = []
    for result in results:
        lines = tuple(mine.get(result.agent, ()))
        total = result.total + sum((a.amount for a in lines), Decimal(0)) if lines else result.total
        outcomes.append(Outcome(result, lines, total))
    return tuple(outcomes)
