"""What a policy's tests reached, in business terms: each band of a KPI, tier of a commission, gate,
rating, pay component, ranking cut, review outcome and penalty clause the policy declares, and
whether any month of any case evaluated with it reached it.

A line of the policy that no test reaches is a rule nobody has seen pay: a band no agent fell in
may hold a typo, a clause no test fired may cancel the wrong component. Counting policy lines or
generated code would not say that; counting what the policy *means* does. Each item is found in
the policy document itself (with its line), and reached from what the engine computed: the trace
(the band or tier index, a gate, a ranking's top), the result (rating, pay lines, clause counts)
and the decisions the reviews made.

- band: a KPI's band held the metric (`kpis.K.bands[i]`);
- tier: a commission's tier was reached (`pay.C.rate.tiers[i]`; a marginal one: its slice paid);
- gate: a gate held and cancelled pay (`score.gates.G`);
- rating: an agent was rated so (`score.ratings.R`);
- component: a pay component paid something other than 0 (`pay.C`);
- cut: an agent ranked inside, and one outside, a ranking's top (`rankings.R.top`);
- outcome: a grade review's outcome (`reviews.V.outcomes[i]`, `at_lowest[i]`) or a role review's
  promotion or dismissal (`reviews.V.promote`, `dismiss`) decided something;
- clause: a penalty clause fired (`penalties.P`); a clause over several event kinds (S4.P24 "over
  200 s, or no reply") is one item per kind (`penalties.P.match[i]`, `penalties.P.kind[i]`), reached
  when it fired with an event of that kind among those behind it: a test that only ever fires it
  with one kind has not seen the other's condition at work;
- group: a named group of pay lines (`pay_groups.G`) was cancelled: a clause naming it applied;
- flag: a flag was raised (`flags.F`, S1.5).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from engine.cases.read import Case, shown_path
from engine.cases.run import Report, Seen
from engine.ledger.store import DecisionKind
from engine.model.kinds import Kind
from engine.model.plan import Plan
from engine.model.reviews import Review, RoleReview
from engine.model.step_names import EVENTS, KPI_SUFFIX, TIER
from engine.policy.dated import resolve as resolve_dated
from engine.policy.load import Loaded, load_text

__all__ = ["Area", "Item", "PolicyCoverage", "coverage"]


class Area(StrEnum):
    """What part of a policy an item is, in the order reports list them."""

    BAND = "band"
    TIER = "tier"
    GATE = "gate"
    RATING = "rating"
    COMPONENT = "component"
    CUT = "cut"
    OUTCOME = "outcome"
    CLAUSE = "clause"
    FLAG = "flag"
    GROUP = "group"


Key = tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Item:
    """One thing a policy declares that a test can reach: its area, its path in the policy (as a
    reader finds it: `kpis.order_value.bands[2]`), and the line it is on."""

    area: Area
    path: str
    line: int
    key: Key
    # The base file the item's line is in, for a policy derived with `extends:` ("": the policy's own).
    file: str = ""


@dataclass(frozen=True, slots=True)
class PolicyCoverage:
    """One policy's items, and which of them the tests reached."""

    policy: str  # the policy as messages show it (its path, or `CASE:LINE` for a policy written in a case)
    file: str  # the file its items' lines are in
    items: tuple[Item, ...]
    reached: frozenset[Key]

    @property
    def missed(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.key not in self.reached)

    @property
    def percent(self) -> Decimal:
        """Reached items as a percentage, one decimal, rounded down: 99.95 % is never shown as 100.0 %."""
        if not self.items:
            return Decimal("100.0")
        share = Decimal(len(self.items) - len(self.missed)) * 100 / len(self.items)
        return share.quantize(Decimal("0.1"), rounding=ROUND_DOWN)

    def by_area(self) -> Iterator[tuple[Area, int, int]]:
        """(area, reached, declared) for each area the policy has."""
        for area in Area:
            mine = [item for item in self.items if item.area == area]
            if mine:
                yield area, sum(item.key in self.reached for item in mine), len(mine)


def coverage(reports: Sequence[Report]) -> tuple[PolicyCoverage, ...]:
    """Per policy the reports ran (in the order first met): its items and what the cases reached."""
    groups: dict[str, list[Report]] = {}
    for report in reports:
        groups.setdefault(_policy_key(report.case), []).append(report)
    found = []
    for reports_of in groups.values():
        case = reports_of[0].case
        source = case.policy
        if source.path is not None:
            raw, name, offset, file = source.path.read_bytes(), str(source.path), 0, shown_path(str(source.path))
            shown = file
        else:
            assert source.text is not None
            raw, name, file = source.text.encode("utf-8"), case.shown, case.shown
            offset = source.line if source.block else 0
            shown = f"{case.shown}:{source.line}"
        doc = load_text(raw, name)
        # Dated values (engine.policy.dated): the items of the policy as in force in the latest month
        # its cases evaluate (a band list dated is that month's bands, not its entries).
        months = [o.result.period for report in reports_of for seen in report.seen for o in seen.outcomes]
        doc = resolve_dated(doc, max(months, default=None), strict=False)[0]
        reached = _resolve((key for report in reports_of for seen in report.seen for key in _reached(seen)),
                           _mapping(doc.data))
        found.append(PolicyCoverage(shown, file, tuple(_items(doc, offset)), reached))
    return tuple(found)


def _policy_key(case: Case) -> str:
    source = case.policy
    return str(source.path) if source.path is not None else f"{case.file}:{source.line}"


def _mapping(value: object) -> Mapping:
    return value if isinstance(value, Mapping) else {}


def _items(doc: Loaded, offset: int) -> Iterator[Item]:
    """Every item of the policy, in the order of the areas, each at its line."""
    data = _mapping(doc.data)

    def item(area: Area, at: tuple, key: Key) -> Item:
        path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in at).lstrip(".")
        written = doc.file_at(at)
        return Item(area, path, doc.where(at)[0] + offset, key, "" if written == doc.path else shown_path(written))

    kpis, pay, score = _mapping(data.get("kpis")), _mapping(data.get("pay")), _mapping(data.get("score"))
    for name, spec in kpis.items():
        for index, _ in enumerate(_list(_mapping(spec).get("bands"))):
            yield item(Area.BAND, ("kpis", name, "bands", index), (Area.BAND, name, index))
    for name, spec in pay.items():
        rate = _mapping(_mapping(spec).get("rate"))
        for index, _ in enumerate(_list(rate.get("tiers"))):
            yield item(Area.TIER, ("pay", name, "rate", "tiers", index), (Area.TIER, name, index))
    for name in _mapping(score.get("gates")):
        yield item(Area.GATE, ("score", "gates", name), (Area.GATE, name))
    for name in _mapping(score.get("ratings")):
        yield item(Area.RATING, ("score", "ratings", name), (Area.RATING, name))
    for name in pay:
        yield item(Area.COMPONENT, ("pay", name), (Area.COMPONENT, name))
    for name, spec in _mapping(data.get("rankings")).items():
        if "top" in _mapping(spec):
            for inside, side in ((True, "in"), (False, "out")):  # an agent ranked inside the top, and one outside
                found = item(Area.CUT, ("rankings", name, "top"), (Area.CUT, name, inside))
                yield replace(found, path=f"{found.path}[{side}]")
    for name, spec in _mapping(data.get("reviews")).items():
        spec = _mapping(spec)
        for part in ("outcomes", "at_lowest"):
            for index, _ in enumerate(_list(spec.get(part))):
                yield item(Area.OUTCOME, ("reviews", name, part, index), (Area.OUTCOME, name, part, index))
        for part in ("promote", "dismiss"):
            if part in spec:
                yield item(Area.OUTCOME, ("reviews", name, part), (Area.OUTCOME, name, part))
    for name, spec in _mapping(data.get("penalties")).items():
        kinds = _clause_kinds(_mapping(spec))
        if len(kinds) < 2:
            yield item(Area.CLAUSE, ("penalties", name), (Area.CLAUSE, name))
            continue
        for at, kind in kinds:
            yield item(Area.CLAUSE, ("penalties", name, *at), (Area.CLAUSE, name, kind))
    for name in _mapping(data.get("pay_groups")):
        yield item(Area.GROUP, ("pay_groups", name), (Area.GROUP, name))
    for name in _mapping(data.get("flags")):
        yield item(Area.FLAG, ("flags", name), (Area.FLAG, name))


def _clause_kinds(spec: Mapping) -> list[tuple[tuple, str]]:
    """(where, kind) of each event kind a clause counts: `match[i]`, `kind[i]`, or its one `kind`."""
    if isinstance(spec.get("match"), list):
        return [(("match", i), str(_mapping(m).get("kind"))) for i, m in enumerate(spec["match"])]
    kind = spec.get("kind")
    return [(("kind", i), str(k)) for i, k in enumerate(kind)] if isinstance(kind, list) else [((), str(kind))]


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _reached(seen: Seen) -> Iterator[Key]:
    """The keys of every item one evaluated month reached."""
    plan = seen.plan
    slots = {step.name: step.slot for step in plan.steps}
    bands = [(kpi, slots[f"{kpi}{KPI_SUFFIX}.band"]) for kpi in plan.kpis if f"{kpi}{KPI_SUFFIX}.band" in slots]
    tiers = [(name, slots[name + TIER]) for name in plan.pay if name + TIER in slots]
    slices = [(name, slots[f"{name}.slices"]) for name in plan.pay if f"{name}.slices" in slots]
    gates = [(step.name, step.slot) for step in plan.steps if step.kind == Kind.GATE]
    tops = [(population.name, slots[f"{population.name}_top"]) for population in plan.populations
            if f"{population.name}_top" in slots]
    for outcome in seen.outcomes:
        result = outcome.result
        trace = result.trace or ()
        if result.rating is not None:
            yield (Area.RATING, result.rating)
        yield from ((Area.COMPONENT, name) for name, amount in result.pay if amount)
        applied = {name for name, count in result.penalties if count and name in _clauses(plan)}
        for clause in plan.penalties:
            if clause.name not in applied:
                continue
            if not clause.several:
                yield (Area.CLAUSE, clause.name)
                continue
            # Each kind among the events behind its firings (the sixth item of an event of such a clause).
            slot = slots.get(clause.name + EVENTS, len(trace))
            evidence = trace[slot] if slot < len(trace) and isinstance(trace[slot], tuple) else ((), None)
            yield from {(Area.CLAUSE, clause.name, event[5]) for _, events in evidence[0] for event in events}
        yield from ((Area.GROUP, group) for clause in plan.penalties if clause.name in applied
                    for group in clause.cancels_written if group in {g.name for g in plan.pay_groups})
        yield from ((Area.FLAG, name) for name, _, raised in result.flags if raised)
        for name, slot in bands:
            if slot < len(trace):
                yield (Area.BAND, name, trace[slot])
        for name, slot in tiers:
            if slot < len(trace):
                yield (Area.TIER, name, trace[slot])
        for name, slot in slices:
            if slot < len(trace) and isinstance(trace[slot], tuple):
                yield from ((Area.TIER, name, index) for index, amount in enumerate(trace[slot]) if amount)
        for name, slot in gates:
            if slot < len(trace) and trace[slot] is True:
                yield (Area.GATE, name)
        for name, slot in tops:
            if slot < len(trace) and isinstance(trace[slot], bool):
                yield (Area.CUT, name, trace[slot])
    yield from _outcomes(plan.reviews, tuple(plan.grades), seen.decisions)


def _clauses(plan: Plan) -> frozenset[str]:
    return frozenset(clause.name for clause in plan.penalties)


def _outcomes(reviews: Iterable[Review | RoleReview], grades: tuple[str, ...], decisions: Iterable) -> Iterator[Key]:
    """The review outcomes the month's decisions came from: a decision names its review by its rule
    text (the review's rule ids, or its id without one), a grade review's entry by the months met."""
    for review in reviews:
        rule = ",".join(review.rules) or review.id
        for decision in decisions:
            if decision.rule != rule:
                continue
            if isinstance(review, RoleReview):
                if decision.from_value != review.role:
                    continue
                if decision.kind == DecisionKind.ROLE_CHANGE and decision.to_value == review.to:
                    yield (Area.OUTCOME, review.id, "promote")
                elif decision.kind == DecisionKind.DISMISSAL:
                    yield (Area.OUTCOME, review.id, "dismiss")
                continue
            if decision.kind == DecisionKind.NOT_REVIEWED or decision.months_met is None:
                continue
            lowest = bool(grades) and decision.from_value == grades[0] and review.at_lowest is not None
            # The entry's index is looked up in the policy (`_resolve`): the key carries the count until then.
            yield (Area.OUTCOME, review.id, "at_lowest" if lowest else "outcomes", ("met", decision.months_met))


def _entries(doc_data: Mapping, review: str, part: str) -> Mapping[int, int]:
    """months met → the index of the entry covering it."""
    found: dict[int, int] = {}
    entries = _list(_mapping(_mapping(doc_data.get("reviews")).get(review)).get(part))
    for index, entry in enumerate(entries):
        met = _mapping(entry).get("months_met")
        for count in met if isinstance(met, list) else [met]:
            if isinstance(count, int | Decimal):
                found[int(count)] = index
    return found


def _resolve(reached: Iterable[Key], data: Mapping) -> frozenset[Key]:
    """Keys as the items carry them: a grade review's count of months met becomes its entry's index."""
    found = set()
    for key in reached:
        if key[0] == Area.OUTCOME and len(key) == 4 and isinstance(key[3], tuple):
            index = _entries(data, str(key[1]), str(key[2])).get(int(key[3][1]))  # type: ignore[call-overload]
            if index is not None:
                found.add((Area.OUTCOME, key[1], key[2], index))
            continue
        found.add(key)
    return frozenset(found)

