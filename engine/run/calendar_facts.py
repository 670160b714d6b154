"""Calendar facts, filled: the month's place in its quarter and year, and months since joining.

What each fact means is said once, in engine.model.calendar_facts; this fills the `calendar` block
for every agent of the month. `months_since_joining` needs the roster's 入职日期: an agent without
one is an error naming the row (JX268), never a count of zero months that would pay someone.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from engine.diagnostics import Code, problem
from engine.errors import JixiaoError
from engine.model.calendar_facts import MONTHS_SINCE_JOINING, period_fact, tenure_months
from engine.model.inputs import AgentInput


class NoJoinDate(JixiaoError):
    """An agent has no 入职日期 and the policy reads months_since_joining (JX268)."""

    def __init__(self, message: str, zh: str):
        super().__init__(message)
        self.zh = zh
        self.code = Code.JX268

    def lines(self, lang: str = "en") -> list[str]:
        return [self.zh if lang == "zh" else str(self)]


def calendar_block(names: Sequence[str], items: Sequence[AgentInput]) -> list[tuple]:
    """Each agent's calendar facts, in the order of `names` (month_of_quarter and months_since_joining
    as exact Decimals, closes_quarter and closes_year as True/False)."""
    periods: dict[str, tuple] = {}
    found = []
    for item in items:
        given = periods.get(item.period)
        if given is None:  # one month per run, mostly: the period's facts once
            given = periods[item.period] = tuple(
                None if name == MONTHS_SINCE_JOINING else period_fact(name, item.period) for name in names)
        if MONTHS_SINCE_JOINING in names:
            if not item.joined:
                bad = problem(Code.JX268, where=item.source or item.agent, agent=item.agent, period=item.period)
                raise NoJoinDate(bad.message("en"), bad.message("zh"))
            months = Decimal(tenure_months(item.joined, item.period))
            given = tuple(months if name == MONTHS_SINCE_JOINING else value
                          for name, value in zip(names, given, strict=True))
        found.append(given)
    return found
