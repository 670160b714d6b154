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
from decimal import Decimal

from engine.model.inputs import AgentInput, Flags
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


def window_block(plan: Plan, names: Sequence[str], items: Sequence[AgentInput],
                 careers: Sequence[tuple[str | None, str | None]], earlier: Mapping[str, Mapping[str, Flags]]
                 ) -> list[tuple]:
    """Each agent's window values, in the order of `names`; `careers` gives the (role, grade) each
    is evaluated with, `earlier` each agent's flags per window (missing: no earlier month known)."""
    windows = [next(w for w in plan.windows if w.name == name) for name in names]
    found = []
    with decimal.localcontext(CONTEXT):
        for item, (role, grade) in zip(items, careers, strict=True):
            facts = {**item.values, "role": role, "grade": grade}
            mine = earlier.get(item.agent, {})
            # The checker admits only choice metrics, role and grade in `where`: text compared with text.
            found.append(tuple(window_value(w.stat, mine.get(w.name, ()), w.where is not None
                                            and w.where.holds(facts) is True) for w in windows))
    return found


def flag_block(names: Sequence[str], items: Sequence[AgentInput], earlier: Mapping[str, Mapping[str, Flags]]
               ) -> list[tuple]:
    """For each agent and flag with a window (`<id>.earlier`, in the order of `names`), in how many
    earlier months the ledger recorded its condition as held (a month not recorded counts as not held)."""
    flags = [name.rsplit(".", 1)[0] for name in names]
    return [tuple(Decimal(sum(1 for held in earlier.get(item.agent, {}).get(flag, ()) if held is True))
                  for flag in flags) for item in items]
