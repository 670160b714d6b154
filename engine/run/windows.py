"""Window values (S4.4/S4.5): months of a window meeting a condition, as inputs of this month.

The ledger stage says, for each agent and window, whether each earlier month of the window met
the window's `where` (True / False / None when the agent has no recorded month); this month's
answer comes from its own inputs (choice metrics such as 考核结果, role, grade), so the value is
known before the month is evaluated and pay can read it like any input. Without a ledger
(`jixiao evaluate`) the earlier months are unknown and only this month counts: the explain shows
the value, so a user sees what was counted.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from engine.model.inputs import Flags
from engine.model.plan import Plan
from engine.policy.runtime import CONTEXT


def window_value(stat: str, earlier: Flags, now: bool) -> Decimal:
    """count: months met, this one included; consecutive: months in a row met, ending with this one;
    sum / mean: of the earlier months' recorded values (`earlier` holds Decimals; the mean of none is 0)."""
    if stat in ("sum", "mean"):
        known = [value for value in earlier if value is not None]
        total = sum(known, Decimal(0))
        return total / len(known) if stat == "mean" and known else total
    if stat == "count":
        return Decimal(sum(1 for flag in earlier if flag) + now)
    if not now:
        return Decimal(0)
    run = 1
    for flag in reversed(earlier):
        if not flag:
            break
        run += 1
    return Decimal(run)


def with_windows(plan: Plan, inputs: Sequence, roles: Mapping[str, tuple[str | None, str | None]],
                 earlier: Mapping[str, Mapping[str, Flags]]) -> list:
    """Each input with its window values added to `values`; `roles` gives the (role, grade) it is
    evaluated with, `earlier` each agent's flags per window (missing: no earlier month known)."""
    found = []
    with decimal.localcontext(CONTEXT):
        for item in inputs:
            role, grade = roles.get(item.agent, (item.role, item.grade))
            names = {**item.values, "role": role, "grade": grade}
            values = dict(item.values)
            mine = earlier.get(item.agent, {})
            for window in plan.windows:
                # The checker admits only choice metrics, role and grade here: text compared with text.
                now = window.where is not None and window.where.holds(names) is True
                values[window.name] = window_value(window.stat, mine.get(window.name, ()), now)
            found.append(replace(item, values=values))
    return found
