"""Stage 3, compile: a checked policy becomes a plan of named steps and one generated function.

Each step owns a slot; the generated function computes the slots in order as straight-line
Python over Decimals (no per-step dispatch), and returns either every slot (the trace: the
evaluation's own record of each value) or just the outputs. Population values (rankings, team
sums of computed values) cut that code into phases derived from what reads what (`phases`); a
policy without them is the one function it always was. Each step's formula is written here in
Chinese and English from the same template data. Expressions reach the generated code
only through `expr.emit`, which admits whitelisted nodes and refers to literals through a
constants table, so nothing from the policy text is ever executed as code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from engine.policy import compile_population as population
from engine.policy import names as n
from engine.policy.expr import emit
from engine.policy.formula_words import KEYS, STATS, expression_zh, term_zh
from engine.policy.load import Loaded
from engine.policy.phases import assemble, slot_phases
from engine.policy.runtime import GLOBALS, ROUNDING
from engine.policy.steps import Label, Population, Step

NEG_INF = Decimal("-Infinity")
# The runtime lookup for each way a band holds its bounds (see engine.policy.runtime).
_BAND = {"left": "_band", "right": "_band_right"}


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    label: Label
    type: str
    unit: str
    aliases: tuple[str, ...]
    missing: Decimal | None
    scope: str
    # The values a cell may hold, as stored (ratios as fractions); None is unbounded on that side.
    range: tuple[Decimal | None, Decimal | None] = (None, None)
    # Placeholder texts the policy declared (`延迟统计`): a number, or None for "missing".
    placeholders: Mapping[str, Decimal | None] = field(default_factory=dict)
    # A `type: choice` metric's values: id -> (label, aliases); its `missing` id (None: an error).
    choices: Mapping[str, tuple[Label, tuple[str, ...]]] = field(default_factory=dict)
    missing_choice: str | None = None


@dataclass(frozen=True, slots=True)
class Aggregate:
    name: str
    of: str
    stat: str


@dataclass(frozen=True, slots=True)
class PolicyRef:
    id: str
    version: str
    sha256: str
    path: str
    name: Label
    currency: str
    effective_from: str = ""


@dataclass(frozen=True, slots=True)
class Plan:
    policy: PolicyRef
    metrics: tuple[Metric, ...]
    roles: Mapping[str, tuple[Label, tuple[str, ...]]]
    grades: Mapping[str, tuple[Label, tuple[str, ...]]]
    ratings: Mapping[str, Label]
    aggregates: tuple[Aggregate, ...]
    # Header names the policy adds to the standard columns (agent, period, team, name, role, grade).
    columns: Mapping[str, tuple[str, ...]]
    inputs: tuple[str, ...]
    steps: tuple[Step, ...]
    kpis: tuple[str, ...]
    pay: tuple[str, ...]
    # `run` returns (score, rating, ((kpi, points), ...), ((component, amount), ...), total,
    # ((choice metric, value id), ...)), the tail of an AgentResult; `run_trace` returns that and
    # every step's value, in step order.
    run_trace: Callable[[tuple], tuple[tuple, tuple]]
    run: Callable[[tuple], tuple]
    source: str
    code_lines: tuple[int, ...] = field(repr=False, default=())
    # With population values: `phases[0](x)`, then `phases[k](s)`, each returning every slot known so
    # far; each population is taken after the phase of its `boundary`, and `run`/`run_trace` (taking
    # that state) finish. Without: no phases, and `run`/`run_trace` take the inputs `x`.
    phases: tuple[Callable[..., tuple], ...] = field(repr=False, default=())
    populations: tuple[Population, ...] = ()

    @property
    def metric_names(self) -> tuple[str, ...]:
        return self.inputs[: len(self.metrics)]

    def choice_labels(self, name: str) -> Mapping[str, tuple[Label, tuple[str, ...]]]:
        """The declared values of `role`, `grade` or a choice metric: id -> (label, aliases)."""
        if name == "role":
            return self.roles
        if name == "grade":
            return self.grades
        return next((m.choices for m in self.metrics if m.name == name), {})

    def step_at(self, code_line: int) -> Step | None:
        """The step whose generated code is on `code_line` (for locating evaluation errors)."""
        if 0 < code_line <= len(self.code_lines) and self.code_lines[code_line - 1] >= 0:
            return self.steps[self.code_lines[code_line - 1]]
        return None


def _label(spec: Mapping) -> Label:
    zh, en = n.label_texts(spec.get("label"))
    return Label(zh, en)


def _rules(spec: Mapping) -> tuple[str, ...]:
    rule = spec.get("rule")
    return tuple(rule) if isinstance(rule, list) else ((rule,) if rule else ())


def _choices(section: object) -> dict[str, tuple[Label, tuple[str, ...]]]:
    return {k: (_label(v), tuple(n.mapping(v).get("aliases", ()))) for k, v in n.mapping(section).items()}


class _Builder:
    """Accumulates steps and generated lines; `local` maps names to the slot variables."""

    def __init__(self, doc: Loaded):
        self.doc = doc
        self.steps: list[Step] = []
        self.lines: list[str] = []
        self.line_slots: list[int] = []
        self.slots: dict[str, int] = {}
        self.constants: list[object] = []
        self.constant_index: dict[tuple[type, str], int] = {}

    def const(self, value: object) -> str:
        if isinstance(value, dict):  # lookup tables: unhashable, never shared
            self.constants.append(value)
            return f"_c{len(self.constants) - 1}"
        key = (type(value), repr(value))  # 0 and 0.00 are equal but print differently
        if key not in self.constant_index:
            self.constant_index[key] = len(self.constants)
            self.constants.append(value)
        return f"_c{self.constant_index[key]}"

    def local(self, name: str) -> str:
        return f"v{self.slots[name]}"

    def line(self, path: tuple) -> int:
        # The key's line (`performance:`), not its block's first line (`label:` below it).
        return self.doc.where(path, key=True)[0]

    def step(self, name: str, kind: str, spec: Mapping, formula: str | Label, path: tuple, *,
             reads: tuple[str, ...] = (), parent: int | None = None, unit: str = "",
             bands: tuple = (), label: Label | None = None, cancels: tuple[str, ...] = (),
             closed: str = "left") -> int:
        slot = len(self.steps)
        # A plain text is a policy expression: the same in both languages but for its keywords.
        en, zh = (formula.en, formula.zh) if isinstance(formula, Label) else (formula, expression_zh(formula))
        self.steps.append(Step(
            slot=slot, name=name, kind=kind, label=label or _label(spec), rule=_rules(spec),
            formula=en, formula_zh=zh, reads=tuple(self.slots[r] for r in reads if r in self.slots),
            line=self.line(path), parent=parent, unit=unit, bands=bands, cancels=cancels, closed=closed,
        ))
        return slot

    def code(self, slot: int, *source: str) -> None:
        for text in source:
            self.lines.append("    " + text)
            self.line_slots.append(slot)

    def expression(self, text: object) -> tuple[str, tuple[str, ...]]:
        expr = n.parse_cached(str(text))
        return emit(expr, self.local, self.const), expr.names


def compile_policy(doc: Loaded) -> Plan:
    """Build the plan of a policy that has passed `check` (it assumes a well-formed policy)."""
    data = doc.data
    b = _Builder(doc)
    meta = data["policy"]
    rounding = n.mapping(meta.get("rounding"))
    pay_quantum = Decimal(rounding.get("quantum", Decimal("0.01")))
    pay_mode = ROUNDING[rounding.get("mode", "half_up")]
    score_spec = data["score"]
    score_quantum = Decimal(score_spec.get("precision", Decimal("0.01")))

    metrics = tuple(_metric(name, spec) for name, spec in data["metrics"].items())
    aggregates = tuple(
        Aggregate(name, spec["of"], spec["stat"]) for name, spec in n.mapping(data.get("aggregates")).items()
    )
    roles, grades = _choices(data.get("roles")), _choices(data.get("grades"))

    # Inputs: metrics, then aggregates, then role and grade: the order of the tuple `x`.
    inputs: list[str] = [m.name for m in metrics] + [a.name for a in aggregates]
    for metric in metrics:
        spec = data["metrics"][metric.name]
        kind = "team" if metric.scope == "team" else "metric"
        unit = "text" if metric.type == "choice" else metric.type
        b.slots[metric.name] = b.step(metric.name, kind, spec, "", ("metrics", metric.name), unit=unit)
    for aggregate in aggregates:
        spec = data["aggregates"][aggregate.name]
        formula = Label(f"全组 {aggregate.of} 的{STATS[aggregate.stat]}",
                        f"{aggregate.stat}({aggregate.of}) over the team")
        b.slots[aggregate.name] = b.step(aggregate.name, "aggregate", spec, formula, ("aggregates", aggregate.name),
                                         unit=next(m.type for m in metrics if m.name == aggregate.of))
    for key, zh in (("role", "岗位"), ("grade", "等级")):
        inputs.append(key)
        b.slots[key] = b.step(key, key, {"label": {"zh": zh, "en": key.title()}}, "", (key + "s",), unit="text")
    prelude = "(" + "".join(f"v{b.slots[name]}, " for name in inputs) + ") = x"
    population.declare(b, data)

    _derived(b, data)
    kpi_slots = _kpis(b, data, score_quantum)
    b.slots["score"] = score = b.step("score", "score", {"label": {"zh": "总分", "en": "Score"}},
                                      " + ".join(f"{k}{n.KPI_SUFFIX}" for k in data["kpis"]), ("score", "total"),
                                      reads=tuple(k + n.KPI_SUFFIX for k in data["kpis"]), unit="points")
    b.code(score, f"v{score} = " + _plus(f"v{s}" for s in kpi_slots))
    ratings = {name: _label(spec) for name, spec in n.mapping(score_spec.get("ratings")).items()}
    if ratings:
        _rating(b, score_spec)
    _gates(b, score_spec, data["pay"])
    pay_slots = _pay(b, data, pay_quantum, pay_mode)
    total = b.step("total", "total", {"label": {"zh": "应发合计", "en": "Total pay"}},
                   " + ".join(data["pay"]), ("pay",), reads=tuple(data["pay"]), unit="money")
    b.code(total, f"v{total} = " + _plus(f"v{s}" for s in pay_slots))

    populations = population.measure(b, data)
    every = "(" + "".join(f"v{s.slot}, " for s in b.steps) + ")"
    rating = f"v{b.slots['rating']}" if "rating" in b.slots else "None"
    kpi_pairs = "".join(f"({name!r}, v{slot}), " for name, slot in zip(data["kpis"], kpi_slots, strict=True))
    pay_pairs = "".join(f"({name!r}, v{slot}), " for name, slot in zip(data["pay"], pay_slots, strict=True))
    choice_pairs = "".join(f"({m.name!r}, v{b.slots[m.name]}), " for m in metrics if m.type == "choice")
    wanted = f"(v{score}, {rating}, ({kpi_pairs}), ({pay_pairs}), v{total}, ({choice_pairs}))"
    sources = {slot: tuple(s for s in (p.of, p.where, p.by) if s is not None) for p in populations for slot in p.slots}
    phase = slot_phases(b.lines, b.line_slots, sources, len(b.steps))
    populations = [replace(p, boundary=phase[p.slots[0]] - 1) for p in populations]
    source, code_lines = assemble(prelude, b.lines, b.line_slots, phase, wanted, every)
    scope = dict(GLOBALS, **{f"_c{i}": value for i, value in enumerate(b.constants)})
    filename = f"<jixiao plan {meta['id']} {doc.sha256[:12]}>"
    exec(compile(source, filename, "exec"), scope)  # safe: source built from whitelisted expressions only
    phases = tuple(scope[f"_phase{k}"] for k in range(max(phase, default=0)))
    return Plan(
        policy=PolicyRef(meta["id"], str(meta["version"]), doc.sha256, doc.path, _label({"label": meta["name"]}),
                         str(meta.get("currency", "CNY")), str(meta["effective_from"])),
        metrics=metrics, roles=roles, grades=grades, ratings=ratings, aggregates=aggregates,
        columns={k: tuple(v) for k, v in n.mapping(data.get("columns")).items()},
        inputs=tuple(inputs), steps=tuple(b.steps), kpis=tuple(data["kpis"]), pay=tuple(data["pay"]),
        run_trace=scope["run_trace"], run=scope["run"], source=source,
        code_lines=tuple(code_lines), phases=phases, populations=tuple(populations),
    )


def _metric(name: str, spec: Mapping) -> Metric:
    missing = spec.get("missing", "error")
    if spec["type"] == "choice":
        return Metric(name, _label(spec), "choice", "", tuple(spec.get("aliases", ())), None, "agent",
                      choices=_choices(spec["values"]), missing_choice=None if missing == "error" else missing)
    return Metric(name, _label(spec), spec["type"], str(spec.get("unit", "")), tuple(spec.get("aliases", ())),
                  None if missing == "error" else Decimal(missing), spec.get("scope", "agent"), n.metric_range(spec),
                  {text: None if meaning == "missing" else Decimal(meaning)
                   for text, meaning in n.mapping(spec.get("placeholders")).items()})


def _derived(b: _Builder, data: Mapping) -> None:
    order, _ = n.derived_order(data)
    for name in order:
        spec = data["derived"][name]
        source, reads = b.expression(spec["formula"])
        slot = b.step(name, "derived", spec, str(spec["formula"]), ("derived", name, "formula"), reads=reads)
        b.slots[name] = slot
        if "on_zero_division" in spec:
            fallback = b.const(Decimal(spec["on_zero_division"]))
            b.code(slot, "try:", f"    v{slot} = {source}", "except _Arithmetic as _e:",
                   "    if not _zero_division(_e):", "        raise", f"    v{slot} = {fallback}")
        else:
            b.code(slot, f"v{slot} = {source}")


def _kpis(b: _Builder, data: Mapping, quantum: Decimal) -> list[int]:
    q = f".quantize({b.const(quantum)}, {b.const(ROUNDING['half_up'])})"
    slots = []
    for name, spec in data["kpis"].items():
        weight = Decimal(spec["weight"])
        w = b.const(weight)
        path = ("kpis", name)
        points = name + n.KPI_SUFFIX  # the step's name is the name expressions read it by
        metric = spec.get("metric")
        if "linear" in spec:
            low, high = Decimal(spec["linear"]["from"]), Decimal(spec["linear"]["to"])
            share_text = f"({metric} − {low}) / ({high} − {low})"
            formula = Label(f"{weight} × 限定在 [0, 1] 内的 {expression_zh(share_text)}",
                            f"{weight} × clamp({share_text}, 0, 1)")
            slot = b.step(points, "kpi", spec, formula, (*path, "linear"), reads=(metric,), unit="points")
            share = f"(v{b.slots[metric]} - {b.const(low)}) / {b.const(high - low)}"
            b.code(slot, f"v{slot} = ({_clamp(share, '_0', '_1')} * {w}){q}")
        elif "bands" in spec:
            bands = _bands(spec["bands"], "points")
            bounds, values = _bounds(bands), tuple(points for _, _, points, _ in bands)
            closed = spec.get("closed", "left")
            slot = b.step(points, "kpi", spec,
                          Label(f"{term_zh(metric)} 所在档位的分数", f"points of the band holding {metric}"),
                          (*path, "bands"), unit="points")
            held = Label(f"{term_zh(metric)} 所在的档位", f"band holding {metric}")
            index = b.step(f"{points}.band", "band", spec, held, (*path, "bands"), parent=slot,
                           reads=(metric,), bands=bands, label=Label("所在档位", "band reached"), closed=closed)
            b.code(index, f"v{index} = {_BAND[closed]}({b.const(bounds)}, v{b.slots[metric]})")
            b.code(slot, f"v{slot} = ({b.const(values)}[v{index}] if 0 <= v{index} < {len(values)} else _0){q}")
        else:
            source, reads = b.expression(spec["formula"])
            clamped = Label(f"{expression_zh(str(spec['formula']))}，限定在 [0, {weight}] 内",
                            f"clamp({spec['formula']}, 0, {weight})")
            slot = b.step(points, "kpi", spec, clamped, (*path, "formula"), unit="points")
            raw = b.step(f"{points}.raw", "raw", spec, str(spec["formula"]), (*path, "formula"), reads=reads,
                         parent=slot, label=Label("公式值", "formula value"))
            b.code(raw, f"v{raw} = {source}")
            b.code(slot, f"v{slot} = {_clamp(f'v{raw}', '_0', w)}{q}")
        b.slots[points] = slot
        slots.append(slot)
    return slots


def _plus(terms) -> str:
    """A sum in generated code; `_0` when there is nothing to add, never an empty expression."""
    return " + ".join(terms) or "_0"


def _clamp(value: str, low: str, high: str) -> str:
    """Inline clamp: a conditional expression is several times cheaper than min(max(...)).

    `<=` on the low side: a lower-is-better range at its limit gives 0 / -40 = Decimal('-0'),
    which must not reach a report as -0.00."""
    return f"({low} if (_t := {value}) <= {low} else {high} if _t > {high} else _t)"


def _bands(items: list, value_key: str) -> tuple:
    return tuple(
        (None if "from" not in band else Decimal(band["from"]), None if "to" not in band else Decimal(band["to"]),
         Decimal(band[value_key]), _label(band) if "label" in band else None)
        for band in items
    )


def _bounds(bands: tuple) -> tuple[Decimal, ...]:
    """bisect boundaries: each band's `from` (-inf if open), plus the last `to` if it has one.

    The same boundaries serve both ways of closing: [from, to) looks a value up with
    bisect_right, (from, to] with bisect_left (a value equal to a bound falls below it)."""
    bounds = [NEG_INF if low is None else low for low, _, _, _ in bands]
    if bands[-1][1] is not None:
        bounds.append(bands[-1][1])
    return tuple(bounds)


def _rating(b: _Builder, score_spec: Mapping) -> None:
    ratings = list(score_spec["ratings"].items())
    expression = b.const(ratings[-1][0])
    for name, spec in reversed(ratings[:-1]):
        expression = f"({b.const(name)} if v{b.slots['score']} >= {b.const(Decimal(spec['min']))} else {expression})"
    formula = Label(
        "；".join(f"总分 ≥ {spec['min']} 为“{_label(spec).zh}”" if "min" in spec else f"否则为“{_label(spec).zh}”"
                 for _, spec in ratings),
        "; ".join(f"{name} if score ≥ {spec['min']}" if "min" in spec else f"else {name}" for name, spec in ratings),
    )
    slot = b.step("rating", "rating", {"label": {"zh": "评级", "en": "Rating"}, "rule": _collect_rules(ratings)},
                  formula, ("score", "ratings"), reads=("score",), unit="text")
    b.slots["rating"] = slot
    b.code(slot, f"v{slot} = {expression}")


def _collect_rules(items: list) -> list[str]:
    return [rule for _, spec in items for rule in _rules(spec)]


def _gates(b: _Builder, score_spec: Mapping, pay: Mapping) -> None:
    for name, spec in n.mapping(score_spec.get("gates")).items():
        source, reads = b.expression(spec["when"])
        cancelled = "、".join(_label(pay[t]).zh if t in pay else t for t in spec["cancels"])
        formula = Label(f"当 {expression_zh(str(spec['when']))} 时，取消{cancelled}",
                        f"{spec['when']} → cancels {', '.join(spec['cancels'])}")
        slot = b.step(name, "gate", spec, formula, ("score", "gates", name, "when"), reads=reads, unit="bool",
                      cancels=tuple(spec["cancels"]))
        b.slots[name] = slot
        b.code(slot, f"v{slot} = _bool({source})")


def _pay(b: _Builder, data: Mapping, quantum: Decimal, mode: str) -> list[int]:
    q = f".quantize({b.const(quantum)}, {b.const(mode)})"
    cancels: dict[str, list[str]] = {}
    for gate, spec in n.mapping(n.mapping(data["score"]).get("gates")).items():
        for target in spec["cancels"]:
            cancels.setdefault(target, []).append(gate)
    slots: list[int] = []
    for name, spec in data["pay"].items():
        path = ("pay", name)
        kind = spec["kind"]
        slot = b.step(name, "pay", spec, "", path, unit="money")  # formula filled in below
        paid_to = _paid_to(b, name, spec, slot)
        start = len(b.lines)
        raw, formula, reads = _component(b, name, spec, slot, slots)
        conditions = [f"v{b.slots[g]}" for g in cancels.get(name, [])]
        if "when" in spec:
            source, when_reads = b.expression(spec["when"])
            when = b.step(f"{name}.when", "when", spec, str(spec["when"]), (*path, "when"), reads=when_reads,
                          parent=slot, unit="bool", label=Label("发放条件", "paid when"))
            b.code(when, f"v{when} = _bool({source})")
            conditions.append(f"not v{when}")
        if paid_to is not None:
            _only_for(b, paid_to, start)
            conditions.insert(0, f"not v{paid_to}")
        amount = f"({raw}){q}"
        if conditions:
            zero = b.const(Decimal(0).quantize(quantum))
            amount = f"({zero} if {' or '.join(conditions)} else {amount})"
        reads = (*reads, *cancels.get(name, ()))
        en, zh = (formula.en, formula.zh) if isinstance(formula, Label) else (formula, expression_zh(formula))
        b.steps[slot] = replace(b.steps[slot], formula=en, formula_zh=zh, kind=f"pay:{kind}",
                                reads=tuple(b.slots[r] for r in reads if r in b.slots))
        b.code(slot, f"v{slot} = {amount}")
        b.slots[name] = slot
        slots.append(slot)
    return slots


def _paid_to(b: _Builder, name: str, spec: Mapping, parent: int) -> int | None:
    """The step saying whether the agent's role is one the component is paid to (`roles:`), if any."""
    if "roles" not in spec:
        return None
    roles = tuple(spec["roles"])
    labels = _choices(b.doc.data.get("roles"))
    formula = Label("适用于：" + "、".join(labels[r][0].zh if r in labels else r for r in roles),
                    "applies to: " + ", ".join(roles))
    slot = b.step(f"{name}.roles", "roles", spec, formula, ("pay", name, "roles"),
                  reads=("role",), parent=parent, unit="bool", label=Label("适用岗位", "paid to roles"))
    b.steps[slot] = replace(b.steps[slot], roles=roles)
    b.code(slot, f"v{slot} = v{b.slots['role']} in {b.const(roles)}")
    return slot


def _only_for(b: _Builder, paid_to: int, start: int) -> None:
    """Compute the component's detail lines (base, measure, floor, when) only for the roles it is paid to.

    Another role's trainee has no entry in a supervisors' floor table and may have no task: its
    details are never computed (the trace shows them as —), so they can neither fail nor mislead.
    Each line stays one self-contained assignment naming the role check, so it can be placed in
    any phase of the generated code on its own."""
    for index in range(start, len(b.lines)):
        target, _, value = b.lines[index].strip().partition(" = ")
        if not target.startswith("v") or not value:  # pragma: no cover - every detail is one assignment
            raise AssertionError(f"detail line is not one assignment: {b.lines[index]!r}")
        b.lines[index] = f"    {target} = ({value}) if v{paid_to} else None"


def _component(
    b: _Builder, name: str, spec: Mapping, slot: int, earlier: list[int]
) -> tuple[str, str | Label, tuple[str, ...]]:
    """Code for a component's unrounded amount, its formula text and the names it reads."""
    kind = spec["kind"]
    path = ("pay", name)
    if kind == "table":
        key = spec["key"]
        table = b.const({k: Decimal(v) for k, v in spec["values"].items()})
        formula = Label(f"按{KEYS.get(key, key)}查底薪表", f"base pay by {key}")
        return f"_lookup({table}, v{b.slots[key]}, {b.const(key)})", formula, (key,)
    if kind == "fixed":
        return b.const(Decimal(spec["amount"])), str(spec["amount"]), ()
    if kind == "formula":
        source, reads = b.expression(spec["formula"])
        return source, str(spec["formula"]), reads
    if kind == "step":
        on = _detail(b, name, "on", spec["on"], (*path, "on"), slot, Label("考核值", "measured value"))
        args = ", ".join(b.const(Decimal(spec[k])) for k in ("from", "every", "first"))
        then = b.const(Decimal(spec.get("then", spec["first"])))
        cap = b.const(Decimal(spec["max"])) if "max" in spec else "None"
        then_text = spec.get("then", spec["first"])
        formula = Label(
            f"{expression_zh(str(spec['on']))} ≥ {spec['from']} 时发 {spec['first']}，此后每多 {spec['every']} "
            f"再加 {then_text}" + (f"，最多 {spec['max']}" if "max" in spec else ""),
            f"{spec['first']} at {spec['on']} ≥ {spec['from']}, +{then_text} per further {spec['every']}"
            + (f", at most {spec['max']}" if "max" in spec else ""))
        return f"_step(v{on}, {args}, {then}, {cap})", formula, (f"{name}.on",)
    if kind == "minimum":
        floor = _floor(b, name, spec["floor"], (*path, "floor"), slot)
        counted = spec.get("of") or [s.name for s in b.steps if s.slot in earlier]
        # A minimum with nothing before it counts a subtotal of 0, so it pays the whole floor.
        subtotal = b.step(f"{name}.subtotal", "subtotal", spec, " + ".join(counted) or "0", path,
                          reads=tuple(counted), parent=slot, label=Label("计入保底的小计", "subtotal counted"),
                          unit="money")
        b.code(subtotal, f"v{subtotal} = " + _plus(f"v{b.slots[c]}" for c in counted))
        floor_text = f"{name}.floor" if isinstance(spec["floor"], dict) else str(spec["floor"])
        listed = " + ".join(counted) or "0"
        formula = f"max({floor_text} − ({listed}), 0)"
        if re.fullmatch(r"\S+", floor_text):  # a floor of several parts is shown as written
            formula = Label(f"保底 {floor_text} 减去（{listed}），不少于 0", formula)
        return f"_max(v{floor} - v{subtotal}, _0)", formula, (f"{name}.floor", f"{name}.subtotal")
    # commission
    base = _detail(b, name, "base", spec["base"], (*path, "base"), slot, Label("提成基数", "commission base"))
    rate = spec["rate"]
    if not isinstance(rate, dict):
        return f"v{base} * {b.const(Decimal(rate))}", f"{spec['base']} × {rate}", (f"{name}.base",)
    on = _detail(b, name, "on", rate["on"], (*path, "rate", "on"), slot, Label("分档依据", "tier measure"))
    bands = _bands(rate["tiers"], "rate")
    bounds, rates = _bounds(bands), tuple(r for _, _, r, _ in bands)
    closed = rate.get("closed", "left")
    if rate.get("mode", "retroactive") == "marginal":
        # Which end holds a bound does not change a slice: a single point has no width.
        slices = b.step(f"{name}.slices", "slices", spec,
                        Label("提成基数 × 各档所占比例 × 该档的提点", "base × share of each tier × its rate"),
                        (*path, "rate", "tiers"), parent=slot, bands=bands, unit="money", closed=closed,
                        reads=(f"{name}.base", f"{name}.on"), label=Label("分段提成", "slices by tier"))
        b.code(slices, f"v{slices} = _marginal({b.const(bounds)}, {b.const(rates)}, v{base}, v{on})")
        formula = Label(f"{term_zh(str(spec['base']))} 按 {term_zh(str(rate['on']))} 分段，"
                        "各段按所在档位的提点计算后相加（超额累进）",
                        f"Σ slices of {spec['base']} by tier of {rate['on']} (marginal)")
        return f"_sum(v{slices}, _0)", formula, (f"{name}.slices",)
    reached = Label(f"{term_zh(str(rate['on']))} 达到的提成档位", f"tier reached by {rate['on']}")
    index = b.step(f"{name}.tier", "band", spec, reached, (*path, "rate", "tiers"),
                   bands=bands, reads=(f"{name}.on",), label=Label("所在档位", "tier reached"), closed=closed)
    b.slots[f"{name}.tier"] = index
    b.code(index, f"v{index} = {_BAND[closed]}({b.const(bounds)}, v{on})")
    chosen = b.step(f"{name}.rate", "rate", spec, Label("该档的提点", "rate of that tier"), (*path, "rate", "tiers"),
                    parent=slot,
                    reads=(f"{name}.tier",), label=Label("提点", "rate"), unit="rate")
    b.code(chosen, f"v{chosen} = ({b.const(rates)}[v{index}] if 0 <= v{index} < {len(rates)} else _0)")
    formula = Label(f"{term_zh(str(spec['base']))} × 所达档位的提点（全额按该档计算）",
                    f"{spec['base']} × rate (retroactive)")
    return f"v{base} * v{chosen}", formula, (f"{name}.base", f"{name}.rate")


def _floor(b: _Builder, owner: str, floor: object, path: tuple, parent: int) -> int:
    """A minimum's floor: an expression, or looked up by the agent's role or grade (S4.2/S4.4/S4.5)."""
    if not isinstance(floor, dict):
        return _detail(b, owner, "floor", floor, path, parent, Label("保底线", "floor"))
    key = floor["by"]
    formula = Label(f"按{KEYS.get(key, key)}查保底表", f"floor by {key}")
    slot = b.step(f"{owner}.floor", "floor", {}, formula, path, reads=(key,), parent=parent,
                  label=Label("保底线", "floor"))
    b.slots[f"{owner}.floor"] = slot
    table = b.const({k: Decimal(v) for k, v in floor["values"].items()})
    b.code(slot, f"v{slot} = _lookup({table}, v{b.slots[key]}, {b.const(key)})")
    return slot


def _detail(b: _Builder, owner: str, part: str, text: object, path: tuple, parent: int, label: Label) -> int:
    """A named sub-step of a pay component (its base, measure or floor), traced like any step."""
    source, reads = b.expression(text)
    slot = b.step(f"{owner}.{part}", part, {}, str(text), path, reads=reads, parent=parent, label=label)
    b.slots[f"{owner}.{part}"] = slot
    b.code(slot, f"v{slot} = {source}")
    return slot
