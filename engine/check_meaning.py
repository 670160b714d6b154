"""Stage 2b, check meaning: what a schema cannot see (names, weights, bands, cycles, expressions).

Every check walks the policy defensively (`mapping`, `_number`), so it still runs and reports on
a policy that also has schema errors: a user fixing a file sees all of its problems at once.
"""

from __future__ import annotations

import ast
import difflib
import keyword
from collections.abc import Iterator, Mapping
from decimal import Decimal, DecimalException

from engine import names as n
from engine.cells import header_key
from engine.columns import STANDARD_COLUMNS
from engine.errors import Diagnostic
from engine.expr import MAX_LENGTH, ExpressionError, compile_expression
from engine.load import Loaded

Where = tuple[str | int, ...]


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value)


class _Checker:
    def __init__(self, doc: Loaded):
        self.doc = doc
        self.data = n.mapping(doc.data)
        self.names = n.declared(self.data)
        self.found: list[Diagnostic] = []

    def report(
        self, path: Where, code: str, message: str, *, key: bool = False, hint: str = "", warning: bool = False
    ) -> None:
        line, column = self.doc.where(path, key=key)
        severity = "warning" if warning else "error"
        self.found.append(Diagnostic(self.doc.path, line, column, code, message, severity, hint))

    # -- names -------------------------------------------------------------------------------

    def check_declarations(self) -> None:
        seen: dict[str, n.Name] = {}
        reserved = ", ".join(sorted(n.RESERVED - set(keyword.kwlist)))
        for item in n.declarations(self.data):
            if item.builtin:
                continue
            if item.stage != n.KPI and item.name in n.RESERVED:
                self.report(
                    item.path, "JX212", f"'{item.name}' is a reserved name", key=True, hint=f"reserved: {reserved}"
                )
                continue
            if item.name in seen:
                first = seen[item.name]
                line = self.doc.where(first.path, key=True)[0]
                self.report(
                    item.path,
                    "JX212",
                    f"name '{item.name}' is already declared at line {line} ({n.STAGE_NAMES[first.stage]})",
                    key=True,
                )
            seen.setdefault(item.name, item)

    def expression(self, path: Where, text: object, *, stage: int, order: int = 0, own: str | None = None) -> None:
        """Check one expression: syntax, known names, stage order, text comparisons, constants."""
        if isinstance(text, bool) or not isinstance(text, str | int | Decimal):
            return
        source = str(text)
        if len(source) > MAX_LENGTH:
            self.report(path, "JX203", f"expression is {len(source)} characters long; the limit is {MAX_LENGTH}")
            return
        try:
            expr = n.parse_cached(source)
        except ExpressionError as exc:
            self.report(path, "JX202", f"expression refused: {exc} (at column {exc.column} of the expression)")
            return
        for name in expr.names:
            self._name(path, name, stage=stage, order=order, own=own)
        self._text_comparisons(path, expr.tree)
        self._constants(path, expr.tree, source)

    def _name(self, path: Where, name: str, *, stage: int, order: int, own: str | None) -> None:
        info = self.names.get(name)
        if info is None:
            close = difflib.get_close_matches(name, list(self.names), n=1)
            hint = f"did you mean '{close[0]}'?" if close else ""
            if name in ("role", "grade"):
                hint = f"declare {name}s: in the policy to use {name}"
            self.report(path, "JX201", f"unknown name '{name}' in expression", hint=hint)
            return
        if name == own:
            return  # a derived metric reading itself is reported as a cycle
        later = info.stage > stage or (info.stage == stage and stage in (n.GATE, n.PAY) and info.order >= order)
        if info.stage == stage and stage in (n.KPI, n.AGGREGATE):
            later = True
        if later:
            where = n.STAGE_NAMES[info.stage]
            self.report(
                path, "JX217", f"'{name}' ({where}) is computed after this expression, so it cannot be read here"
            )

    def _text_comparisons(self, path: Where, tree: ast.AST) -> None:
        """`role == 'probaton'` would silently never match: compare text only with declared ids."""
        allowed = {
            "role": list(n.mapping(self.data.get("roles"))),
            "grade": list(n.mapping(self.data.get("grades"))),
            "rating": list(n.mapping(n.mapping(self.data.get("score")).get("ratings"))),
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Compare):
                continue
            operands = [node.left, *node.comparators]
            subjects = [o.id for o in operands if isinstance(o, ast.Name) and o.id in allowed]
            texts: list[str] = []
            for operand in operands:
                items = operand.elts if isinstance(operand, ast.Tuple | ast.List) else [operand]
                texts += [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
            for subject in subjects:
                if not allowed[subject]:
                    continue  # nothing declared: already an unknown name (JX201)
                for text in texts:
                    if text not in allowed[subject]:
                        self.report(
                            path,
                            "JX210",
                            f"unknown {subject} '{text}'",
                            hint=f"{subject}s: " + ", ".join(allowed[subject]),
                        )
            if texts and not subjects:
                self.report(path, "JX202", "text can only be compared with role, grade or rating")

    def _constants(self, path: Where, tree: ast.AST, source: str) -> None:
        """Evaluate every name-free subtree now, so `4000000**4000000` fails at validate time."""
        for node in ast.walk(tree):
            if any(isinstance(part, ast.Name) for part in ast.walk(node)):
                continue
            if not isinstance(node, ast.BinOp | ast.UnaryOp | ast.Call):
                continue
            segment = ast.get_source_segment(source.strip(), node) or ""
            try:
                compile_expression(n.parse_cached(segment))({})
            except (DecimalException, ArithmeticError, ValueError, TypeError) as exc:
                problem = type(exc).__name__ if not str(exc) or str(exc).startswith("[") else str(exc)
                self.report(path, "JX215", f"'{segment[:40]}' cannot be computed: {problem}")
                return
            except ExpressionError:
                continue

    # -- sections ----------------------------------------------------------------------------

    def check_sections(self) -> None:
        data = self.data
        metrics = n.mapping(data.get("metrics"))
        for name, spec in n.mapping(data.get("aggregates")).items():
            of = n.mapping(spec).get("of")
            if isinstance(of, str) and of not in metrics:
                self._missing(("aggregates", name, "of"), "metric", of, metrics)
            elif isinstance(of, str) and n.mapping(metrics[of]).get("scope") == "team":
                self.report(
                    ("aggregates", name, "of"),
                    "JX219",
                    f"aggregate '{name}' must be over an agent metric; '{of}' is already a team value",
                )
        _, cycles = n.derived_order(data)
        for cycle in cycles:
            self.report(("derived", cycle[0]), "JX211", "derived metrics form a cycle: " + " -> ".join(cycle), key=True)
        for name, spec in n.mapping(data.get("derived")).items():
            self.expression(("derived", name, "formula"), n.mapping(spec).get("formula"), stage=n.DERIVED, own=name)
        self.check_kpis()
        self.check_score()
        self.check_pay()
        self.check_rounding()
        self.check_headers()

    def _missing(self, path: Where, what: str, name: str, options: Mapping, *, key: bool = False) -> None:
        close = difflib.get_close_matches(name, list(options), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"{what}s: " + ", ".join(options)
        code = {"metric": "JX208", "pay component": "JX209"}.get(what, "JX210")
        self.report(path, code, f"unknown {what} '{name}'", hint=hint, key=key)

    def check_kpis(self) -> None:
        kpis = n.mapping(self.data.get("kpis"))
        readable = {k: v for k, v in self.names.items() if v.stage in (n.INPUT, n.AGGREGATE, n.DERIVED) and not v.text}
        metrics = n.mapping(self.data.get("metrics"))
        total_weight = Decimal(0)
        for name, spec in kpis.items():
            spec = n.mapping(spec)
            path = ("kpis", name)
            weight = _number(spec.get("weight"))
            total_weight += weight or 0
            methods = [m for m in ("linear", "bands", "formula") if m in spec]
            if len(methods) != 1:
                self.report(
                    path,
                    "JX213",
                    f"KPI '{name}' needs exactly one of linear, bands or formula"
                    + (f" (has {', '.join(methods)})" if methods else ""),
                    key=True,
                )
            if ("linear" in spec or "bands" in spec) and "metric" not in spec:
                self.report(path, "JX213", f"KPI '{name}' scores a metric: add 'metric:'", key=True)
            metric = spec.get("metric")
            if isinstance(metric, str) and metric not in readable:
                self._missing((*path, "metric"), "metric", metric, readable)
            if "formula" in spec:
                self.expression((*path, "formula"), spec["formula"], stage=n.KPI)
            linear = n.mapping(spec.get("linear"))
            low, high = _number(linear.get("from")), _number(linear.get("to"))
            if low is not None and high is not None:
                if low == high:
                    self.report((*path, "linear"), "JX218", "linear scoring needs from and to to differ")
                direction = (
                    n.mapping(metrics.get(metric)).get("direction", "higher") if isinstance(metric, str) else None
                )
                if (
                    direction in ("higher", "lower")
                    and metric in metrics
                    and low != high
                    and (high > low) != (direction == "higher")
                ):
                    self.report(
                        (*path, "linear"),
                        "JX301",
                        f"scoring rewards {'higher' if high > low else 'lower'} values but metric "
                        f"'{metric}' is declared direction: {direction}",
                        warning=True,
                    )
            bands = spec.get("bands")
            if isinstance(bands, list):
                self.bands((*path, "bands"), bands, "points")
                for index, band in enumerate(bands):
                    points = _number(n.mapping(band).get("points"))
                    if points is not None and weight is not None and points > weight:
                        self.report(
                            (*path, "bands", index, "points"),
                            "JX214",
                            f"band gives {points} points, more than the KPI's weight {weight}",
                        )
        total = _number(n.mapping(self.data.get("score")).get("total"))
        if kpis and total is not None and total_weight != total:
            parts = " + ".join(str(_number(n.mapping(s).get("weight")) or 0) for s in kpis.values())
            self.report(("kpis",), "JX204", f"KPI weights sum to {total_weight}, expected {total} ({parts})", key=True)

    def bands(self, path: Where, bands: list, value_key: str) -> None:
        """Half-open bands must be ordered and touch: each `from` equals the previous `to`."""
        previous_to: Decimal | None = None
        for index, band in enumerate(bands):
            band = n.mapping(band)
            low, high = _number(band.get("from")), _number(band.get("to"))
            here = (*path, index)
            if index > 0 and low is None:
                self.report(here, "JX205", "only the first band may leave out 'from'")
            if index < len(bands) - 1 and high is None:
                self.report(here, "JX205", "only the last band may leave out 'to'")
            if low is not None and high is not None and low >= high:
                self.report(here, "JX207", f"band [{low}, {high}) is empty or reversed: from must be below to")
            if index > 0 and low is not None and previous_to is not None:
                if low > previous_to:
                    self.report(here, "JX205", f"gap between bands: [{previous_to}, {low}) is not covered")
                elif low < previous_to:
                    previous_from = _number(n.mapping(bands[index - 1]).get("from"))
                    if previous_from is not None and low < previous_from:
                        self.report(
                            here,
                            "JX207",
                            f"bands out of order: [{low}, …) comes after [{previous_from}, …); sort by from",
                        )
                    else:
                        self.report(
                            here,
                            "JX206",
                            f"bands overlap: this band starts at {low}, the previous one ends at {previous_to}",
                        )
            previous_to = high

    def check_score(self) -> None:
        score = n.mapping(self.data.get("score"))
        ratings = n.mapping(score.get("ratings"))
        last_min: Decimal | None = None
        items = list(ratings.items())
        for index, (name, spec) in enumerate(items):
            floor = _number(n.mapping(spec).get("min"))
            path = ("score", "ratings", name)
            if floor is None and index != len(items) - 1:
                self.report(path, "JX216", f"rating '{name}' has no min, so it must come last", key=True)
            if floor is not None and last_min is not None and floor >= last_min:
                self.report(
                    path, "JX216", f"ratings must go from best to worst: min {floor} is not below {last_min}", key=True
                )
            if floor is not None:
                last_min = floor
        if items and _number(n.mapping(items[-1][1]).get("min")) is not None:
            self.report(
                ("score", "ratings"),
                "JX216",
                "the last rating needs no min, so that every score gets a rating",
                key=True,
            )
        pay = n.mapping(self.data.get("pay"))
        for order, (name, spec) in enumerate(n.mapping(score.get("gates")).items()):
            spec = n.mapping(spec)
            self.expression(("score", "gates", name, "when"), spec.get("when"), stage=n.GATE, order=order)
            cancels = spec.get("cancels")
            for index, target in enumerate(cancels if isinstance(cancels, list) else []):
                if isinstance(target, str) and target not in pay:
                    self._missing(("score", "gates", name, "cancels", index), "pay component", target, pay)

    def check_pay(self) -> None:
        pay = n.mapping(self.data.get("pay"))
        grades = n.mapping(self.data.get("grades"))
        roles = n.mapping(self.data.get("roles"))
        for order, (name, spec) in enumerate(pay.items()):
            spec = n.mapping(spec)
            path = ("pay", name)
            kind = spec.get("kind")
            for field in ("when", "base", "formula", "floor"):
                if field in spec:
                    self.expression((*path, field), spec[field], stage=n.PAY, order=order)
            rate = spec.get("rate")
            if isinstance(rate, dict):
                self.expression((*path, "rate", "on"), rate.get("on"), stage=n.PAY, order=order)
                tiers = rate.get("tiers")
                if isinstance(tiers, list):
                    self.bands((*path, "rate", "tiers"), tiers, "rate")
                    first = _number(n.mapping(tiers[0]).get("from")) if tiers else None
                    if rate.get("mode") == "marginal" and first != 0:
                        self.report(
                            (*path, "rate", "tiers", 0),
                            "JX221",
                            "marginal tiers must start at from: 0, so every slice has a rate",
                        )
            if kind == "step":
                self.expression((*path, "on"), spec.get("on"), stage=n.PAY, order=order)
            if kind == "table":
                self.table(path, spec, grades if spec.get("key") == "grade" else roles)
            if kind == "minimum":
                for index, target in enumerate(spec.get("of") if isinstance(spec.get("of"), list) else []):
                    if isinstance(target, str) and target not in list(pay)[:order]:
                        if target in pay:
                            self.report(
                                (*path, "of", index),
                                "JX217",
                                f"'{target}' comes after this minimum; list components computed before it",
                            )
                        else:
                            self._missing((*path, "of", index), "pay component", target, pay)

    def table(self, path: Where, spec: Mapping, choices: Mapping) -> None:
        key = spec.get("key")
        values = n.mapping(spec.get("values"))
        if key not in ("grade", "role"):
            return
        if not choices:
            self.report((*path, "key"), "JX210", f"pay by {key} needs a '{key}s:' section in the policy")
            return
        for entry in values:
            if entry not in choices:
                self._missing((*path, "values", entry), key, entry, choices, key=True)
        for choice in choices:
            if choice not in values:
                self.report(
                    (*path, "values"),
                    "JX210",
                    f"no amount for {key} '{choice}'",
                    hint=f"every declared {key} needs an entry",
                )

    def check_headers(self) -> None:
        """Each header text may name one column only, or the data stage could not tell them apart."""
        owners: dict[str, str] = {}
        for column, aliases in STANDARD_COLUMNS.items():
            for text in (column, *aliases):
                owners.setdefault(header_key(text), f"the standard '{column}' column")
        for name, spec in n.mapping(self.data.get("metrics")).items():
            if name in n.RESERVED:
                continue  # reported as JX212 already
            spec = n.mapping(spec)
            label = spec.get("label")
            aliases = spec.get("aliases") if isinstance(spec.get("aliases"), list) else []
            texts = [(name, ("metrics", name), True)]
            if isinstance(label, str):
                texts.append((label, ("metrics", name, "label"), False))
            else:
                texts += [
                    (n.mapping(label).get(lang), ("metrics", name, "label", lang), False) for lang in ("zh", "en")
                ]
            texts += [(alias, ("metrics", name, "aliases", i), False) for i, alias in enumerate(aliases)]
            me = f"metric '{name}'"
            for text, path, key in texts:
                if not isinstance(text, str):
                    continue
                owner = owners.setdefault(header_key(text), me)
                if owner != me:
                    self.report(
                        path,
                        "JX222",
                        f"column header '{text}' would name both {owner} and {me}",
                        key=key,
                        hint="give each column its own label and aliases",
                    )

    def check_rounding(self) -> None:
        rounding = n.mapping(n.mapping(self.data.get("policy")).get("rounding"))
        checks = [
            (("policy", "rounding", "quantum"), rounding.get("quantum")),
            (("score", "precision"), n.mapping(self.data.get("score")).get("precision")),
        ]
        for path, value in checks:
            quantum = _number(value)
            if (
                quantum is not None
                and quantum > 0
                and quantum.normalize() != Decimal(1).scaleb(quantum.normalize().adjusted())
            ):
                self.report(path, "JX220", f"{quantum} is not a power of ten (use 1, 0.1, 0.01 …)")


def check_meaning(doc: Loaded) -> Iterator[Diagnostic]:
    """Yield every meaning problem: references, weights, bands, cycles, stage order, constants."""
    checker = _Checker(doc)
    checker.check_declarations()
    checker.check_sections()
    yield from checker.found
