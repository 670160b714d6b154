"""Stage 2b, check meaning: what a schema cannot see (names, weights, bands, cycles, expressions).

Every check walks the policy defensively (`mapping`, `_number`), so it still runs and reports on
a policy that also has schema errors: a user fixing a file sees all of its problems at once.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterator, Mapping
from decimal import Decimal

from engine.columns import STANDARD_COLUMNS
from engine.errors import Diagnostic
from engine.policy import names as n
from engine.policy.check_bands import check_bands
from engine.policy.check_bands import number as _number
from engine.policy.check_choices import check_choice_metric, choice_metrics, not_a_number
from engine.policy.check_deductions import check_deductions
from engine.policy.check_events import check_events, check_penalties
from engine.policy.check_expr import BOOL, NUMBER, ExpressionChecker
from engine.policy.check_indent import Hidden
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
    def __init__(self, doc: Loaded, hidden: Hidden):
        self.doc = doc
        self.hidden = hidden
        self.data = n.mapping(doc.data)
        self.names = n.declared(self.data)
        self.found: list[Diagnostic] = []
        self.expressions = ExpressionChecker(self.data, self.names, self.report)
        self.ranges = ranges(self.data)

    def report(self, path: Where, code: str, message: str, zh: str, *, key: bool = False, hint: str = "",
               zh_hint: str = "", warning: bool = False) -> None:
        if self.hidden.hides(path, code):
            return
        line, column = self.doc.where(path, key=key)
        severity = "warning" if warning else "error"
        self.found.append(Diagnostic(self.doc.path, line, column, code, message, severity, hint, zh, zh_hint))

    def expression(self, path: Where, text: object, *, stage: int, order: int = 0, own: str | None = None,
                   want: str = NUMBER) -> None:
        self.expressions.check(path, text, stage=stage, order=order, own=own, want=want)

    # -- names -------------------------------------------------------------------------------

    def check_declarations(self) -> None:
        seen: dict[str, n.Name] = {}
        reserved = sorted(n.RESERVED - set(keyword.kwlist))
        hint, zh_hint = "reserved: " + ", ".join(reserved), "保留名称：" + "、".join(reserved)
        for item in n.declarations(self.data):
            if item.builtin:
                continue
            own = item.path[-1] if item.stage == n.KPI else item.name
            if own in n.RESERVED:
                self.report(item.path, "JX212", f"'{own}' is a reserved name", f"'{own}' 是保留名称，不能使用",
                            key=True, hint=hint, zh_hint=zh_hint)
                continue
            if item.name in seen:
                first = seen[item.name]
                line = self.doc.where(first.path, key=True)[0]
                self.report(
                    item.path, "JX212",
                    f"name '{item.name}' is already declared at line {line} ({n.STAGE_NAMES[first.stage]})",
                    f"名称 '{item.name}' 已在第 {line} 行声明过（{n.STAGE_NAMES_ZH[first.stage]}）", key=True,
                )
            seen.setdefault(item.name, item)
        # KPI and pay ids are both report columns: one id for two columns would repeat a header.
        pay = n.mapping(self.data.get("pay"))
        for name in n.mapping(self.data.get("kpis")):
            if name in pay:
                line = self.doc.where(("kpis", name), key=True)[0]
                self.report(("pay", name), "JX212",
                            f"pay component '{name}' has the name of the KPI at line {line}; "
                            "reports need distinct columns",
                            f"薪酬项 '{name}' 与第 {line} 行的考核项同名；报表中的列名必须各不相同", key=True)

    # -- sections ----------------------------------------------------------------------------

    def check_sections(self) -> None:
        data = self.data
        metrics = n.mapping(data.get("metrics"))
        choices = choice_metrics(data)
        for name, spec in metrics.items():
            check_metric(self.report, name, n.mapping(spec))
            check_choice_metric(self.report, self._suggest, name, n.mapping(spec))
        check_events(self.report, self._suggest, data)
        check_penalties(self.report, self._suggest, data)
        check_deductions(self.report, data)
        for name, spec in n.mapping(data.get("penalties")).items():
            if "when" in n.mapping(spec):
                self.expression(("penalties", name, "when"), spec["when"], stage=n.GATE, want=BOOL)
        for name, spec in n.mapping(data.get("aggregates")).items():
            of = n.mapping(spec).get("of")
            if isinstance(of, str) and of not in metrics:
                self._missing(("aggregates", name, "of"), "metric", of, metrics, among="input metric")
            elif isinstance(of, str) and of in choices:
                not_a_number(self.report, ("aggregates", name, "of"), "an aggregate", "团队汇总", of)
            elif isinstance(of, str) and n.mapping(metrics[of]).get("scope") == "team":
                self.report(
                    ("aggregates", name, "of"), "JX219",
                    f"aggregate '{name}' must be over an agent metric; '{of}' is already a team value",
                    f"团队汇总 '{name}' 必须基于个人指标；'{of}' 已经是团队指标",
                )
        _, cycles = n.derived_order(data)
        for cycle in cycles:
            shown = cycle[:CYCLE_SHOWN] + cycle[-1:] if len(cycle) > CYCLE_SHOWN + 1 else cycle
            more = len(cycle) - len(shown)
            tail = f" … and {more:,} more" if more else ""
            zh_tail = f" ……另有 {more} 个" if more else ""
            chain = " -> ".join(shown[:-1] if more else shown)
            end = f" -> {cycle[-1]}" if more else ""
            self.report(("derived", cycle[0]), "JX211", f"derived metrics form a cycle: {chain}{tail}{end}",
                        f"派生指标互相引用，形成循环：{chain}{zh_tail}{end}", key=True)
        for name, spec in n.mapping(data.get("derived")).items():
            self.expression(("derived", name, "formula"), n.mapping(spec).get("formula"), stage=n.DERIVED, own=name)
        self.check_kpis()
        self.check_score()
        self.check_pay()
        check_population(self.data, self.names, self.expression, self.report)
        check_reviews(self.data, self.report, self.expressions.suggestions.close)
        self.check_rounding()
        self.check_numbers()
        self.check_headers()

    def _suggest(self, name: str, options: list) -> str | None:
        return self.expressions.suggestions.close(name, options, "value")

    def _line(self, path: Where) -> int:
        return self.doc.where(path, key=True)[0]

    def _missing(self, path: Where, what: str, name: str, options: Mapping, *, key: bool = False,
                 among: str = "") -> None:
        close = self.expressions.suggestions.close(name, list(options), among or what)
        zh_what = {"metric": "指标", "pay component": "薪酬项", "grade": "等级", "role": "岗位"}.get(what, what)
        if close:
            hint, zh_hint = f"did you mean '{close}'?", f"是不是想写 '{close}'？"
        else:
            shown = list(options)[:20]
            hint, zh_hint = f"{what}s: " + ", ".join(shown), f"已声明的{zh_what}：" + "、".join(shown)
        code = {"metric": "JX208", "pay component": "JX209"}.get(what, "JX210")
        self.report(path, code, f"unknown {what} '{name}'", f"未知的{zh_what} '{name}'", hint=hint, zh_hint=zh_hint,
                    key=key)

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
                has = f" (has {', '.join(methods)})" if methods else ""
                zh_has = f"（现在有 {'、'.join(methods)}）" if methods else ""
                self.report(path, "JX213", f"KPI '{name}' needs exactly one of linear, bands or formula{has}",
                            f"考核项 '{name}' 必须且只能有 linear、bands、formula 其中之一{zh_has}", key=True)
            if ("linear" in spec or "bands" in spec) and "metric" not in spec:
                self.report(path, "JX213", f"KPI '{name}' scores a metric: add 'metric:'",
                            f"考核项 '{name}' 按指标计分：请加上 'metric:'", key=True)
            if "closed" in spec and "bands" not in spec:
                self.report((*path, "closed"), "JX213", f"'closed' of KPI '{name}' belongs beside 'bands:'",
                            f"考核项 '{name}' 的 'closed' 只能与 'bands:' 一起使用", key=True)
            metric = spec.get("metric")
            if isinstance(metric, str) and metric in choice_metrics(self.data):
                not_a_number(self.report, (*path, "metric"), "a KPI's metric", "考核项的指标", metric)
            elif isinstance(metric, str) and metric not in readable:
                self._missing((*path, "metric"), "metric", metric, readable)
            if "formula" in spec:
                self.expression((*path, "formula"), spec["formula"], stage=n.KPI)
            linear = n.mapping(spec.get("linear"))
            low, high = _number(linear.get("from")), _number(linear.get("to"))
            if low is not None and high is not None:
                self.linear(path, name, low, high, metric, metrics)
            bands = spec.get("bands")
            closed = spec.get("closed", "left")
            if isinstance(bands, list) and closed in ("left", "right"):
                check_bands(self.report, (*path, "bands"), bands, closed)
                if isinstance(metric, str):
                    check_reach(self.report, (*path, "bands"), bands, closed, metric, self.ranges)
                for index, band in enumerate(bands):
                    points = _number(n.mapping(band).get("points"))
                    if points is not None and weight is not None and points > weight:
                        self.report(
                            (*path, "bands", index, "points"), "JX214",
                            f"band gives {points} points, more than the KPI's weight {weight}",
                            f"这一档给 {points} 分，超过了考核项的权重 {weight}",
                        )
        total = _number(n.mapping(self.data.get("score")).get("total"))
        if kpis and total is not None and total_weight != total:
            parts = " + ".join(str(_number(n.mapping(s).get("weight")) or 0) for s in kpis.values())
            self.report(("kpis",), "JX204", f"KPI weights sum to {total_weight}, expected {total} ({parts})",
                        f"考核项权重之和为 {total_weight}，应为 {total}（{parts}）", key=True)

    def linear(self, path: Where, name: str, low: Decimal, high: Decimal, metric: object, metrics: Mapping) -> None:
        if low == high:
            self.report((*path, "linear"), "JX218", "linear scoring needs from and to to differ",
                        "线性计分的 from 和 to 不能相等")
            return
        if not isinstance(metric, str):
            return
        check_linear(self.report, (*path, "linear"), low, high, metric, self.ranges)
        direction = n.mapping(metrics.get(metric)).get("direction", "higher")
        if direction in ("higher", "lower") and metric in metrics and (high > low) != (direction == "higher"):
            rewards = "higher" if high > low else "lower"
            self.report(
                (*path, "linear"), "JX301",
                f"scoring rewards {rewards} values but metric '{metric}' is declared direction: {direction}",
                f"计分方式是{'越高越好' if high > low else '越低越好'}，但指标 '{metric}' 声明的方向是"
                f"{'越高越好' if direction == 'higher' else '越低越好'}（direction: {direction}）",
                warning=True,
            )

    def check_score(self) -> None:
        score = n.mapping(self.data.get("score"))
        ratings = n.mapping(score.get("ratings"))
        last_min: Decimal | None = None
        items = list(ratings.items())
        for index, (name, spec) in enumerate(items):
            floor = _number(n.mapping(spec).get("min"))
            path = ("score", "ratings", name)
            if floor is None and index != len(items) - 1:
                self.report(path, "JX216", f"rating '{name}' has no min, so it must come last",
                            f"评级 '{name}' 没有 min，所以必须放在最后", key=True)
            if floor is not None and last_min is not None and floor >= last_min:
                self.report(path, "JX216", f"ratings must go from best to worst: min {floor} is not below {last_min}",
                            f"评级必须从高到低排列：min {floor} 不低于 {last_min}", key=True)
            if floor is not None:
                last_min = floor
        if items and _number(n.mapping(items[-1][1]).get("min")) is not None:
            self.report(("score", "ratings"), "JX216",
                        "the last rating needs no min, so that every score gets a rating",
                        "最后一个评级不应有 min，这样每个分数都有评级", key=True)
        pay = n.mapping(self.data.get("pay"))
        for order, (name, spec) in enumerate(n.mapping(score.get("gates")).items()):
            spec = n.mapping(spec)
            self.expression(("score", "gates", name, "when"), spec.get("when"), stage=n.GATE, order=order, want=BOOL)
            cancels = spec.get("cancels")
            for index, target in enumerate(cancels if isinstance(cancels, list) else []):
                if isinstance(target, str) and target not in pay:
                    self._missing(("score", "gates", name, "cancels", index), "pay component", target, pay)

    def check_pay(self) -> None:
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
                    self.expression((*path, field), spec[field], stage=n.PAY, order=order, want=want)
            rate = spec.get("rate")
            if isinstance(rate, dict):
                self.tiers(path, rate, order)
            if kind == "step":
                self.expression((*path, "on"), spec.get("on"), stage=n.PAY, order=order)
            if kind == "table":
                key = spec.get("key")
                self.table(path, spec, grades if key == "grade" else roles,
                           needed=paid_to(spec, roles) if key == "role" else None)
            if kind == "minimum":
                self.minimum(path, spec, pay, set(before))
                check_floor_table(self.report, self._missing, path, spec, self.data)
            check_roles_list(self.report, self._missing, path, spec, roles)
            check_when_for_roles(self.report, path, spec, roles)
            before.append(name)
        check_floor_above_base(self.report, self._line, self.data)

    def tiers(self, path: Where, rate: Mapping, order: int) -> None:
        on = rate.get("on")
        self.expression((*path, "rate", "on"), on, stage=n.PAY, order=order)
        tiers = rate.get("tiers")
        closed = rate.get("closed", "left")
        if not isinstance(tiers, list) or closed not in ("left", "right"):
            return
        check_bands(self.report, (*path, "rate", "tiers"), tiers, closed)
        expr = n.try_parse(on) if isinstance(on, str) else None
        if expr is not None and expr.text.strip() in self.ranges:
            check_reach(self.report, (*path, "rate", "tiers"), tiers, closed, expr.text.strip(), self.ranges)
        first = _number(n.mapping(tiers[0]).get("from")) if tiers else None
        if rate.get("mode") == "marginal" and first != 0:
            self.report((*path, "rate", "tiers", 0), "JX221",
                        "marginal tiers must start at from: 0, so every slice has a rate",
                        "分段（marginal）提成的第一档必须从 from: 0 开始，这样每一段都有提点")

    def minimum(self, path: Where, spec: Mapping, pay: Mapping, before: set[str]) -> None:
        for index, target in enumerate(spec.get("of") if isinstance(spec.get("of"), list) else []):
            if not isinstance(target, str) or target in before:
                continue
            if target in pay:
                self.report((*path, "of", index), "JX217",
                            f"'{target}' comes after this minimum; list components computed before it",
                            f"'{target}' 在这个保底之后才计算；只能列出在它之前计算的薪酬项")
            else:
                self._missing((*path, "of", index), "pay component", target, pay)

    def table(self, path: Where, spec: Mapping, choices: Mapping, needed: list[str] | None = None) -> None:
        """Ids in the table are declared, and each the component applies to has an amount.

        `needed` narrows "each declared id" to the roles of a component's `roles:` list."""
        key = spec.get("key")
        values = n.mapping(spec.get("values"))
        if key not in ("grade", "role"):
            return
        zh_key = "等级" if key == "grade" else "岗位"
        if not choices:
            self.report((*path, "key"), "JX210", f"pay by {key} needs a '{key}s:' section in the policy",
                        f"按{zh_key}发薪需要在方案中声明 '{key}s:'")
            return
        for entry in values:
            if entry not in choices:
                self._missing((*path, "values", entry), key, entry, choices, key=True)
        for choice in choices if needed is None else needed:
            if choice not in values:
                self.report((*path, "values"), "JX210", f"no amount for {key} '{choice}'",
                            f"{zh_key} '{choice}' 没有对应的金额", hint=f"every declared {key} needs an entry",
                            zh_hint=f"每个已声明的{zh_key}都需要一项")

    def check_headers(self) -> None:
        """Each header text may name one column only, or the data stage could not tell them apart."""
        owners: dict[str, object] = {}
        for column, aliases in STANDARD_COLUMNS.items():
            for text in (column, *aliases):
                owners.setdefault(header_key(text), (f"the standard '{column}' column", f"标准列 '{column}'"))
        items = (((f"metric '{name}'", f"指标 '{name}'"), name, n.mapping(spec), ("metrics", name))
                 for name, spec in n.mapping(self.data.get("metrics")).items()
                 if name not in n.RESERVED)  # a reserved name is reported as JX212 already
        for text, path, key, owner, me in n.clashes(items, header_key, owners):
            self.report(
                path, "JX222", f"column header '{text}' would name both {owner[0]} and {me[0]}",
                f"列名 '{text}' 会同时指向{owner[1]}和{me[1]}", key=key,
                hint="give each column its own label and aliases", zh_hint="请给每一列使用不同的名称和别名",
            )

    def check_numbers(self) -> None:
        """No number so large that rounding it to the quantum needs more digits than Decimal keeps."""
        todo: list[tuple[Where, object]] = [((), self.data)]
        while todo:
            path, value = todo.pop()
            if isinstance(value, dict):
                todo += [((*path, key), item) for key, item in value.items()]
            elif isinstance(value, list):
                todo += [((*path, index), item) for index, item in enumerate(value)]
            elif (number := _number(value)) is not None and abs(number) >= LARGEST_NUMBER:
                self.report(path, "JX228", f"number {value} is too large: numbers in a policy must stay below 10^15",
                            f"数字 {value} 过大：方案中的数字必须小于 10 的 15 次方")

    def check_rounding(self) -> None:
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
                self.report(path, "JX220",
                            f"{quantum} is not a power of ten from 1 down to 0.0001 (use 1, 0.1, 0.01 …)",
                            f"{quantum} 不是 1 到 0.0001 之间的 10 的幂（请用 1、0.1、0.01 ……）")


def check_meaning(doc: Loaded, hidden: Hidden | None = None) -> Iterator[Diagnostic]:
    """Yield every meaning problem: references, weights, bands, cycles, stage order, types, constants."""
    checker = _Checker(doc, hidden or Hidden())
    checker.check_declarations()
    checker.check_sections()
    yield from checker.found
