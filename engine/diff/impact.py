"""What a new version of a policy would pay, against the old one, on the same month's data.

Both policies go through the one month pipeline (`engine.month.evaluate_files`) with the same files,
so a difference is the policies' and nothing else's. Per agent: the old and new total and the delta,
and what changed on the way (the band each KPI fell in, the commission tier, the rating, each
ranking's place, the grade, every pay line); in all: both payrolls, the delta and how the deltas
are spread (min, median, max; how many are better off, worse off, unchanged). Every amount stays an
exact Decimal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from engine.diff.structure import Edit, edits
from engine.model.kinds import Kind
from engine.model.plan import Plan
from engine.model.results import AgentResult
from engine.model.step_names import KPI_SUFFIX, TIER
from engine.month import Evaluation, Files, evaluate_files
from engine.policy.load import load_policy
from engine.report.headings import carried

__all__ = ["AgentDiff", "Change", "Impact", "Spread", "impact"]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Change:
    """One value of an agent's result under each policy: a pay line, a rating, a band … None: it has none."""

    what: str  # "rating", "grade", "band", "place" or "pay"
    name: str  # the KPI, ranking or pay line it is of ("" for rating and grade)
    old: object
    new: object

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @property
    def delta(self) -> Decimal | None:
        """The difference of two amounts (a pay line); None for anything else or a side without it."""
        if isinstance(self.old, Decimal) or isinstance(self.new, Decimal):
            return (self.new if isinstance(self.new, Decimal) else ZERO) - (
                self.old if isinstance(self.old, Decimal) else ZERO)
        return None


@dataclass(frozen=True, slots=True)
class AgentDiff:
    agent: str
    name: str
    period: str
    old: Decimal | None  # None: the agent is not in the old policy's results
    new: Decimal | None
    changes: tuple[Change, ...]  # every value compared, changed or not, in a fixed order
    # The roster columns either policy carries (`roster.carry`), by header ('' where none was read).
    columns: tuple[tuple[str, str], ...] = ()

    @property
    def delta(self) -> Decimal:
        return (self.new or ZERO) - (self.old or ZERO)

    def changed(self, what: str) -> bool:
        return any(c.changed for c in self.changes if c.what == what)


@dataclass(frozen=True, slots=True)
class Spread:
    """How the deltas are spread over the agents."""

    minimum: Decimal
    median: Decimal
    maximum: Decimal
    better: int
    worse: int
    unchanged: int


@dataclass(frozen=True, slots=True)
class Impact:
    before: Evaluation  # the old policy on the files (its warnings and notes are said as evaluate says them)
    after: Evaluation
    agents: tuple[AgentDiff, ...]
    edits: tuple[Edit, ...]  # what changed between the two files, rule by rule

    @property
    def old_plan(self) -> Plan:
        return self.before.plan

    @property
    def new_plan(self) -> Plan:
        return self.after.plan

    @property
    def carry(self) -> tuple[str, ...]:
        """The headers of the roster columns shown beside each agent: the new policy's, then the old's."""
        return tuple(dict.fromkeys((*self.new_plan.roster.carry, *self.old_plan.roster.carry)))

    @property
    def old_total(self) -> Decimal:
        return sum((a.old or ZERO for a in self.agents), ZERO)

    @property
    def new_total(self) -> Decimal:
        return sum((a.new or ZERO for a in self.agents), ZERO)

    @property
    def delta(self) -> Decimal:
        return self.new_total - self.old_total

    @property
    def spread(self) -> Spread:
        deltas = sorted(a.delta for a in self.agents) or [ZERO]
        middle = len(deltas) // 2
        median = deltas[middle] if len(deltas) % 2 else (deltas[middle - 1] + deltas[middle]) / 2
        return Spread(deltas[0], median, deltas[-1], sum(d > 0 for d in deltas), sum(d < 0 for d in deltas),
                      sum(d == 0 for d in deltas) if self.agents else 0)

    def count(self, what: str) -> int:
        """How many agents changed `what` (band, rating, place, grade, pay)."""
        return sum(agent.changed(what) for agent in self.agents)


def impact(old: str, new: str, metrics: str | tuple[str, ...], roster: str | None = None, team: str | None = None,
           events: str | None = None, period: str | None = None) -> Impact:
    """Evaluate both policies on the same files and compare them agent by agent."""
    before = evaluate_files(Files(old, metrics, roster, team, None, events), period, trace=True)
    after = evaluate_files(Files(new, metrics, roster, team, None, events), period, trace=True)
    return Impact(before, after, _agents(before, after), edits(load_policy(old), load_policy(new)))


def _agents(before: Evaluation, after: Evaluation) -> tuple[AgentDiff, ...]:
    olds = {(r.period, r.agent): r for r in before.results}
    news = {(r.period, r.agent): r for r in after.results}
    found = []
    for key in sorted(olds.keys() | news.keys()):
        old, new = olds.get(key), news.get(key)
        shown = new or old
        assert shown is not None
        columns = {**(carried(before.plan, old) if old else {}), **(carried(after.plan, new) if new else {})}
        found.append(AgentDiff(shown.agent, shown.name, shown.period, old.total if old else None,
                               new.total if new else None, _changes(before.plan, old, after.plan, new),
                               tuple(columns.items())))
    return tuple(found)


def _changes(old_plan: Plan, old: AgentResult | None, new_plan: Plan, new: AgentResult | None) -> tuple[Change, ...]:
    changes = [Change("rating", "", old.rating if old else None, new.rating if new else None),
               Change("grade", "", old.grade if old else None, new.grade if new else None)]
    for what, kinds in (("band", (Kind.BAND,)), ("place", (Kind.RANK,))):
        olds, news = _steps(old_plan, old, kinds), _steps(new_plan, new, kinds)
        changes += [Change(what, name, olds.get(name), news.get(name)) for name in _union(olds, news)]
    olds = dict(old.pay) if old else {}
    news = dict(new.pay) if new else {}
    changes += [Change("pay", name, olds.get(name), news.get(name)) for name in _union(olds, news)]
    return tuple(changes)


def _steps(plan: Plan, result: AgentResult | None, kinds: Sequence[Kind]) -> dict[str, object]:
    """The traced values of the steps of `kinds`, by name: a band or tier as its place counted from 1
    (the first band is band 1) under its KPI's or component's name, a ranking's place as it is."""
    if result is None or result.trace is None:
        return {}
    found: dict[str, object] = {}
    for step in plan.steps:
        if step.kind in kinds and step.slot < len(result.trace):
            value = result.trace[step.slot]
            if step.kind == Kind.BAND:  # a KPI's band, or a commission's tier: named by the KPI or the component
                name = step.name.removesuffix(".band").removesuffix(TIER).removesuffix(KPI_SUFFIX)
                found[name] = value + 1 if isinstance(value, int) else value
            else:
                found[step.name] = value
    return found


def _union(old: dict, new: dict) -> list[str]:
    """Names in the new policy's order, then those only the old one has."""
    return [*new, *(name for name in old if name not in new)]
