"""Stage 2b, check meaning: what a schema cannot see (names, weights, bands, cycles, expressions).

Every check walks the policy defensively (`mapping`, `_number`), so it still runs and reports on
a policy that also has schema errors: a user fixing a file sees all of its problems at once. Each
check yields its problems (`engine.diagnostics.problem`), as jsonschema's keyword functions yield
errors; `check_meaning` holds back those a misplaced key explains (`Hidden`).
"""

from __future__ import annotations

import keyword
from collections.abc import Iterator, Mapping
from decimal import Decimal
from itertools import chain

from engine.columns import STANDARD_COLUMNS
from engine.diagnostics import DIRECTIONS, METRIC_NAMED, NOUNS, STANDARD_COLUMN, Code, Phrase, Problem, problem
from engine.model.calendar_facts import FACTS
from engine.policy import names as n
from engine.policy.check_bands import check_bands
from engine.policy.check_bands import number as _number
from engine.policy.check_choices import check_choice_metric, choice_metrics, not_a_number
from engine.policy.check_deductions import check_deductions
from engine.policy.check_events import check_events, check_penalties
from engine.policy.check_expr import BOOL, NUMBER, ExpressionChecker, stage_name
from engine.policy.check_flags import check_flags
from engine.policy.check_indent import Hidden
from engine.policy.check_pay_groups import check_clause_kinds, check_pay_groups
from engine.policy.check_population import check_population
from engine.policy.check_ranges import check_linear, check_metric, check_reach, ranges
from engine.policy.check_reviews import check_reviews
from engine.policy.check_roles import (
    check_floor_above_base,
    check_floor_table,
    check_roles_list,
    check_when_for_roles,
    paid_to,
)
from engine.policy.check_roster import check_roster
from engine.policy.check_sources import check_sources
from engine.policy.check_tables import check_tables, plain
from engine.policy.load import Loaded
from engine.text import header_key

Where = tuple[str | int, ...]
# Rounding steps a Decimal of 28 digits can hold for any realistic amount: 1 down to 0.0001.
LARGEST_QUANTUM, SMALLEST_QUANTUM = Decimal(1), Decimal("0.0001")
# Numbers a policy may write: amounts, bounds and rates far above any shop's, but small enough that
# a Decimal of 28 digits still rounds them (and their sums) to 0.0001.
LARGEST_NUMBER = Decimal(10) ** 15
# Cycle messages name this many members, then say how many more.
CYCLE_SHOWN = 10


class _Checker:
    """The checks of one policy, which share its declared names, ranges and did-you-mean cache."""

    def __init__(self, doc: Loaded):
        self.doc = doc
        self.data = n.mapping(doc.data)
        self.names = n.declared(self.data)
        self.expressions = ExpressionChecker(self.data, self.names)
        self.ranges = ranges(self.data)

    def expression(self, path: Where, text: object, *, stage: int, order: int = 0, own: str | None = None,
                   want: str = NUMBER) -> Iterator[Problem]:
        return self.expressions.check(path, text, stage=stage, order=order, own=own, want=want)

    # -- names -------------------------------------------------------------------------------

    def check_declarations(self) -> Iterator[Problem]:
        seen: dict[str, n.Name] = {}
        reserved = sorted(n.RESERVED - set(keyword.kwlist))
        for item in n.declarations(self.data):
            if item.builtin:
                continue
            if item.name in FACTS and item.path != ("proration",):
                meaning, _ = FACTS[item.name]
                yield problem(Code.JX267, item.path, on_key=True, name=item.name, what=stage_name(item.stage),
                              meaning=Phrase(meaning.en, meaning.zh))
                continue
            own = item.path[-1] if item.stage == n.KPI else item.name
            if own in n.RESERVED:
                yield problem(Code.JX212, item.path, "reserved", on_key=True, name=own, reserved=reserved)
                continue
            if item.name in seen:
                first = seen[item.name]
                yield problem(Code.JX212, item.path, "declared_twice", on_key=True, name=item.name,
                              line=self._line(first.path), stage=stage_name(first.stage))
            seen.setdefault(item.name, item)
        # KPI and pay ids are both report columns: one id for two columns would repeat a header.
        pay = n.mapping(self.data.get("pay"))
        for name in n.mapping(self.data.get("kpis")):
            if name in pay:
                yield problem(Code.JX212, ("pay", name), "pay_is_kpi", on_key=True, name=name,
                              line=self._line(("kpis", name)))

    # -- sections ----------------------------------------------------------------------------

    def check_sections(self) -> Iterator[Problem]:
        data = self.data
        metrics = n.mapping(data.get("metrics"))
        choices = choice_metrics(data)
        for name, spec in metrics.items():
            yield from check_metric(name, n.mapping(spec))
            yield from check_choice_metric(self._suggest, name, n.mapping(spec))
        yield from check_events(self._suggest, data)
        yield from check_penalties(self._suggest, data)
        yield from check_pay_groups(self._suggest, data)
        yield from check_clause_kinds(data)
        yield from check_deductions(data)
        for name, spec in n.mapping(data.get("penalties")).items():
            if "when" in n.mapping(spec):
                yield from self.expression(("penalties", name, "when"), spec["when"], stage=n.GATE, want=BOOL)
        for name, spec in n.mapping(data.get("aggregates")).items():
            of = n.mapping(spec).get("of")
            if isinstance(of, str) and of not in metrics:
                yield self._missing(("aggregates", name, "of"), "metric", of, metrics, among="input metric")
            elif isinstance(of, str) and of in choices:
                yield not_a_number(("aggregates", name, "of"), "aggregate", of)
            elif isinstance(of, str) and n.mapping(metrics[of]).get("scope") == "team":
                yield problem(Code.JX219, ("aggregates", name, "of"), name=name, of=of)
        _, cycles = n.derived_order(data)
        for cycle in cycles:
            shown = cycle[:CYCLE_SHOWN] + cycle[-1:] if len(cycle) > CYCLE_SHOWN + 1 else cycle
            more = len(cycle) - len(shown)
            yield problem(Code.JX211, ("derived", cycle[0]), "long" if more else "", on_key=True,
                          chain=" -> ".join(shown[:-1] if more else shown), more=more, last=cycle[-1])
        for name, spec in n.mapping(data.get("derived")).items():
            yield from self.expression(("derived", name, "formula"), n.mapping(spec).get("formula"), stage=n.DERIVED,
                                       own=name)
        yield from self.check_kpis()
        yield from self.check_score()
        yield from self.check_pay()
        yield from check_population(self.data, self.names, self.expression)
        yield from check_reviews(self.data, self.expressions.suggestions.close)
        yield from self.check_rounding()
        yield from self.check_numbers()
        yield from self.check_headers()
        yield from check_roster(self.data)
        yield from check_sources(self.data)
        yield from check_flags(self.data, self.expression)

    def _suggest(self, name: str, options: list) -> str | None:
        return self.expressions.suggestions.close(name, options, "value")

    def _line(self, path: Where) -> int:
        return self.doc.where(path, key=True)[0]

    def _missing(self, path: Where, what: str, name: str, options: Mapping, *, key: bool = False,
                 among: str = "") -> Problem:
        """JX208 (metric), JX209 (pay component) or JX210 (grade, role): `name` is not declared."""
        close = self.expressions.suggestions.close(name, list(options), among or what)
        code, kind = {"metric": (Code.JX208, ""), "pay component": (Code.JX209, "")}.get(what, (Code.JX210, "unknown"))
        return problem(code, path, kind, on_key=key, hint="close" if close else "list", name=name, close=close,
                       noun=NOUNS[what], options=list(options)[:20])

    def check_kpis(self) -> Iterator[Problem]:
        # A scorecard is optional (S4 has none), but it is whole: KPIs need a score and a score KPIs.
        if ("kpis" in self.data) != ("score" in self.data):
            present = "kpis" if "kpis" in self.data else "score"
            yield problem(Code.JX233, (present,), "no_score" if present == "kpis" else "no_kpis", on_key=True)
        kpis = n.mapping(self.data.get("kpis"))
        readable = {k: v for k, v in self.names.items() if v.stage in (n.INPUT, n.AGGREGATE, n.DERIVED) and not v.text
                    and v.path[0] != "calendar"}  # a calendar fact is for expressions, not a KPI's metric
        metrics = n.mapping(self.data.get("metrics"))
        total_weight = Decimal(0)
        for name, spec in kpis.items():
            spec = n.mapping(spec)
            path = ("kpis", name)
            weight = _number(spec.get("weight"))
            total_weight += weight or 0
            methods = [m for m in ("linear", "bands", "formula") if m in spec]
            if len(methods) != 1:
                yield problem(Code.JX213, path, "methods" if methods else "no_method", on_key=True, name=name,
                              methods=methods)
            if ("linear" in spec or "bands" in spec) and "metric" not in spec:
                yield problem(Code.JX213, path, "no_metric", on_key=True, name=name)
            if "closed" in spec and "bands" not in spec:
                yield problem(Code.JX213, (*path, "closed"), "closed", on_key=True, name=name)
            metric = spec.get("metric")
            if isinstance(metric, str) and metric in choice_metrics(self.data):
                yield not_a_number((*path, "metric"), "kpi", metric)
            elif isinstance(metric, str) and metric not in readable:
                yield self._missing((*path, "metric"), "metric", metric, readable)
            if "formula" in spec:
                yield from self.expression((*path, "formula"), spec["formula"], stage=n.KPI)
            linear = n.mapping(spec.get("linear"))
            low, high = _number(linear.get("from")), _number(linear.get("to"))
            if low is not None and high is not None:
                yield from self.linear(path, low, high, metric, metrics)
            bands = spec.get("bands")
            closed = spec.get("closed", "left")
            if isinstance(bands, list) and closed in ("left", "right"):
                yield from check_bands((*path, "bands"), bands, closed)
                if isinstance(metric, str):
                    yield from check_reach((*path, "bands"), bands, closed, metric, self.ranges)
                scale = _number(spec.get("scale"))  # band points are on the KPI's scale when it declares one
                for index, band in enumerate(bands):
                    points = _number(n.mapping(band).get("points"))
                    if points is not None and scale is not None and points > scale:
                        yield problem(Code.JX214, (*path, "bands", index, "points"), "scale", points=points,
                                      scale=scale)
                    elif points is not None and scale is None and weight is not None and points > weight:
                        yield problem(Code.JX214, (*path, "bands", index, "points"), points=points, weight=weight)
        total = _number(n.mapping(self.data.get("score")).get("total"))
        if kpis and total is not None and total_weight != total:
            parts = " + ".join(str(_number(n.mapping(s).get("weight")) or 0) for s in kpis.values())
            yield problem(Code.JX204, ("kpis",), on_key=True, total=total_weight, expected=total, parts=parts)

    def linear(self, path: Where, low: Decimal, high: Decimal, metric: object, metrics: Mapping) -> Iterator[Problem]:
        if low == high:
            yield problem(Code.JX218, (*path, "linear"))
            return
        if not isinstance(metric, str):
            return
        yield from check_linear((*path, "linear"), low, high, metric, self.ranges)
        direction = n.mapping(metrics.get(metric)).get("direction", "higher")
        if direction in ("higher", "lower") and metric in metrics and (high > low) != (direction == "higher"):
            yield problem(Code.JX301, (*path, "linear"), rewards=DIRECTIONS["higher" if high > low else "lower"],
                          metric=metric, declared=DIRECTIONS[direction], direction=direction)

    def check_score(self) -> Iterator[Problem]:
        score = n.mapping(self.data.get("score"))
        ratings = n.mapping(score.get("ratings"))
        last_min: Decimal | None = None
        items = list(ratings.items())
        for index, (name, spec) in enumerate(items):
            floor = _number(n.mapping(spec).get("min"))
            path = ("score", "ratings", name)
            if floor is None and index != len(items) - 1:
                yield problem(Code.JX216, path, "no_min", on_key=True, name=name)
            if floor is not None and last_min is not None and floor >= last_min:
                yield problem(Code.JX216, path, "order", on_key=True, floor=floor, previous=last_min)
            if floor is not None:
                last_min = floor
        if items and _number(n.mapping(items[-1][1]).get("min")) is not None:
            yield problem(Code.JX216, ("score", "ratings"), "last_min", on_key=True)
        pay = n.mapping(self.data.get("pay"))
        for order, (name, spec) in enumerate(n.mapping(score.get("gates")).items()):
            spec = n.mapping(spec)
            yield from self.expression(("score", "gates", name, "when"), spec.get("when"), stage=n.GATE, order=order,
                                       want=BOOL)
            cancels = spec.get("cancels")
            for index, target in enumerate(cancels if isinstance(cancels, list) else []):
                if isinstance(target, str) and target not in pay:
                    yield self._missing(("score", "gates", name, "cancels", index), "pay component", target, pay)

    def check_pay(self) -> Iterator[Problem]:
        pay = n.mapping(self.data.get("pay"))
        grades = n.mapping(self.data.get("grades"))
        roles = n.mapping(self.data.get("roles"))
        before: list[str] = []
        for order, (name, spec) in enumerate(pay.items()):
            spec = n.mapping(spec)
            path = ("pay", name)
            kind = spec.get("kind")
            for field in ("when", "base", "formula", "floor"):
                if field in spec:
                    want = BOOL if field == "when" else NUMBER
                    yield from self.expression((*path, field), spec[field], stage=n.PAY, order=order, want=want)
            rate = spec.get("rate")
            if isinstance(rate, dict):
                yield from self.tiers(path, rate, order)
            if kind == "step":
                yield from self.expression((*path, "on"), spec.get("on"), stage=n.PAY, order=order)
            if kind == "table" and plain(spec.get("key"), spec):
                key = spec.get("key")
                yield from self.table(path, spec, grades if key == "grade" else roles,
                                      needed=paid_to(spec, roles) if key == "role" else None)
            if kind == "minimum":
                yield from self.minimum(path, spec, pay, set(before))
                yield from check_floor_table(self._missing, path, spec, self.data)
            yield from check_roles_list(self._missing, path, spec, roles)
            yield from check_when_for_roles(path, spec, roles)
            before.append(name)
        yield from check_floor_above_base(self._line, self.data)
        yield from check_tables(self._suggest, self.data)

    def tiers(self, path: Where, rate: Mapping, order: int) -> Iterator[Problem]:
        on = rate.get("on")
        yield from self.expression((*path, "rate", "on"), on, stage=n.PAY, order=order)
        tiers = rate.get("tiers")
        closed = rate.get("closed", "left")
        if not isinstance(tiers, list) or closed not in ("left", "right"):
            return
        yield from check_bands((*path, "rate", "tiers"), tiers, closed)
        expr = n.try_parse(on) if isinstance(on, str) else None
        if expr is not None and expr.text.strip() in self.ranges:
            yield from check_reach((*path, "rate", "tiers"), tiers, closed, expr.text.strip(), self.ranges)
        first = _number(n.mapping(tiers[0]).get("from")) if tiers else None
        if rate.get("mode") == "marginal" and first != 0:
            yield problem(Code.JX221, (*path, "rate", "tiers", 0))

    def minimum(self, path: Where, spec: Mapping, pay: Mapping, before: set[str]) -> Iterator[Problem]:
        for index, target in enumerate(spec.get("of") if isinstance(spec.get("of"), list) else []):
            if not isinstance(target, str) or target in before:
                continue
            if target in pay:
                yield problem(Code.JX217, (*path, "of", index), "minimum", target=target)
            else:
                yield self._missing((*path, "of", index), "pay component", target, pay)

    def table(self, path: Where, spec: Mapping, choices: Mapping,
              needed: list[str] | None = None) -> Iterator[Problem]:
        """Ids in the table are declared, and each the component applies to has an amount.

        `needed` narrows "each declared id" to the roles of a component's `roles:` list."""
        key = spec.get("key")
        values = n.mapping(spec.get("values"))
        if key not in ("grade", "role"):
            return
        if not choices:
            yield problem(Code.JX210, (*path, "key"), "table_needs_section", key=key, noun=NOUNS[key])
            return
        for entry in values:
            if entry not in choices:
                yield self._missing((*path, "values", entry), key, entry, choices, key=True)
        for choice in choices if needed is None else needed:
            if choice not in values:
                yield problem(Code.JX210, (*path, "values"), "no_amount", key=key, noun=NOUNS[key], choice=choice)

    def check_headers(self) -> Iterator[Problem]:
        """Each header text may name one column only, or the data stage could not tell them apart."""
        owners: dict[str, object] = {}
        for column, aliases in STANDARD_COLUMNS.items():
            for text in (column, *aliases):
                owners.setdefault(header_key(text), STANDARD_COLUMN.phrase(column=column))
        items = ((METRIC_NAMED.phrase(name=name), name, n.mapping(spec), ("metrics", name))
                 for name, spec in n.mapping(self.data.get("metrics")).items()
                 if name not in n.RESERVED)  # a reserved name is reported as JX212 already
        for text, path, key, owner, me in n.clashes(items, header_key, owners):
            yield problem(Code.JX222, path, on_key=key, text=text, owner=owner, me=me)

    def check_numbers(self) -> Iterator[Problem]:
        """No number so large that rounding it to the quantum needs more digits than Decimal keeps."""
        todo: list[tuple[Where, object]] = [((), self.data)]
        while todo:
            path, value = todo.pop()
            if isinstance(value, dict):
                todo += [((*path, key), item) for key, item in value.items()]
            elif isinstance(value, list):
                todo += [((*path, index), item) for index, item in enumerate(value)]
            elif (number := _number(value)) is not None and abs(number) >= LARGEST_NUMBER:
                yield problem(Code.JX228, path, value=value)

    def check_rounding(self) -> Iterator[Problem]:
        rounding = n.mapping(n.mapping(self.data.get("policy")).get("rounding"))
        checks = [
            (("policy", "rounding", "quantum"), rounding.get("quantum")),
            (("score", "precision"), n.mapping(self.data.get("score")).get("precision")),
        ]
        for path, value in checks:
            quantum = _number(value)
            if quantum is None or quantum <= 0:
                continue
            power = quantum.normalize() == Decimal(1).scaleb(quantum.normalize().adjusted())
            if not power or not SMALLEST_QUANTUM <= quantum <= LARGEST_QUANTUM:
                yield problem(Code.JX220, path, quantum=quantum)


def check_meaning(doc: Loaded, hidden: Hidden | None = None) -> Iterator[Problem]:
    """Yield every meaning problem: references, weights, bands, cycles, stage order, types, constants.

    Those that only repeat a misplaced key's consequences (`hidden`) are held back."""
    hidden = hidden or Hidden()
    checker = _Checker(doc)
    for found in chain(checker.check_declarations(), checker.check_sections()):
        if not hidden.hides(found.path, found.code):
            yield found
