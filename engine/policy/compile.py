"""Stage 3, compile: a checked policy becomes a plan of named steps and one generated function.

Each step owns a slot; the generated function computes the slots in order as straight-line
Python over Decimals (no per-step dispatch), and returns either every slot (the trace: the
evaluation's own record of each value) or just the outputs. Population values (rankings, team
sums of computed values) cut that code into phases derived from what reads what (`phases`); a
policy without them is the one function it always was. The compiler reads the policy's typed
sections (`engine.policy.sections`), never the YAML tree. Pay components are compiled in
`compile_pay`, population steps in `compile_population`; all write into one `builder.Builder`.
Each step's formula is written in Chinese and English from the same template data. Expressions
reach the generated code only through `expr.emit`, which admits whitelisted nodes and refers
to literals through a constants table, so nothing from the policy text is ever executed as code.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from engine.model.kinds import Kind
from engine.model.label import Label
from engine.model.plan import Aggregate, Metric, Plan, PolicyRef
from engine.model.step_names import DEDUCTION, FALLBACK, KPI_SUFFIX, SUPPLIED
from engine.model.steps import Threshold
from engine.model.units import Unit
from engine.policy import compile_penalties as penalty
from engine.policy import compile_population as population
from engine.policy import names as n
from engine.policy.builder import BAND, Builder, band_bounds, plus
from engine.policy.compile_events import compile_deductions, compile_events, compile_penalties
from engine.policy.compile_pay import pay_steps
from engine.policy.compile_reviews import compile_reviews, compile_windows, window_formula
from engine.policy.formula_words import STATS, percent_bound, term_zh
from engine.policy.load import Loaded
from engine.policy.phases import assemble, slot_phases
from engine.policy.runtime import GLOBALS, ROUNDING
from engine.policy.sections import Bands, KpiSpec, Linear, MetricSpec, Policy, ScoreSpec, read_sections

# The labels of the inputs `proration: {by: calendar_days}` declares.
DAYS = (Label("本月在职天数", "Days worked"), Label("本月天数", "Days in month"))


def compile_policy(doc: Loaded) -> Plan:
    """Build the plan of a policy that has passed `check` (it assumes a well-formed policy)."""
    return compile_sections(read_sections(doc))


def compile_sections(policy: Policy) -> Plan:
    """Build the plan of a checked policy's typed sections."""
    b = Builder(policy)
    meta = policy.meta
    pay_quantum = meta.quantum
    pay_mode = ROUNDING[meta.rounding]
    metrics = tuple(_metric(spec) for spec in policy.metrics)
    aggregates = tuple(Aggregate(a.name, a.of, a.stat) for a in policy.aggregates)

    windows = compile_windows(policy.windows)
    # Inputs: metrics, window values, days, penalty clauses, then aggregates, then role and grade: the tuple `x`.
    days = list(policy.proration.days) if policy.proration else []
    penalties, events = compile_penalties(policy.penalties), compile_events(policy)
    deductions = compile_deductions(policy.deductions)
    penalty_inputs = penalty.input_names(penalties, deductions)
    inputs: list[str] = [m.name for m in metrics] + [w.name for w in windows] + days + penalty_inputs
    supplied = [m for m in policy.metrics if m.supplied]
    inputs += [m.name + SUPPLIED for m in supplied]
    inputs += [a.name for a in aggregates]
    for metric in policy.metrics:
        kind = Kind.TEAM if metric.scope == "team" else Kind.METRIC
        unit = Unit.TEXT if metric.type == "choice" else Unit(metric.type)
        b.slots[metric.name] = b.step(metric.name, kind, metric.label, metric.rules, "", metric.line, unit=unit)
    for window, spec in zip(windows, policy.windows, strict=True):
        formula = window_formula(window)
        if window.where is not None:  # its condition as explain writes one (labels for ids in Chinese)
            formula = Label(formula.zh.replace(window.where.text, b.words(window.where.text).zh), formula.en)
        b.slots[window.name] = b.step(window.name, Kind.METRIC, spec.label, spec.rules, formula, spec.line,
                                      unit=Unit.COUNT if window.where is not None else Unit.NUMBER)
    if policy.proration is not None:
        formula = Label("按花名册入职日期、离职日期计算（含首尾两天）",
                        "from the roster's join and leave dates, both included")
        for index, (name, label) in enumerate(zip(days, DAYS, strict=True)):
            b.slots[name] = b.step(name, Kind.METRIC, label, policy.proration.rules, "" if index else formula,
                                   policy.proration.line, unit=Unit.COUNT)
    penalty.declare_inputs(b, policy, penalties, events, deductions)
    for metric in supplied:
        b.slots[metric.name + SUPPLIED] = b.step(
            metric.name + SUPPLIED, Kind.SUPPLIED, Label("按方案补的值", "supplied by the policy"), metric.rules, "",
            metric.line, parent=b.slots[metric.name], unit=Unit.TEXT)
    for aggregate in policy.aggregates:
        formula = Label(f"全组 {aggregate.of} 的{STATS[aggregate.stat]}",
                        f"{aggregate.stat}({aggregate.of}) over the team")
        b.slots[aggregate.name] = b.step(aggregate.name, Kind.AGGREGATE, aggregate.label, aggregate.rules, formula,
                                         aggregate.line, unit=Unit(policy.metric(aggregate.of).type))
    for key, zh, line in (("role", "岗位", policy.roles_line), ("grade", "等级", policy.grades_line)):
        inputs.append(key)
        b.slots[key] = b.step(key, Kind(key), Label(zh, key.title()), (), "", line, unit=Unit.TEXT)
    prelude = "(" + "".join(f"v{b.slots[name]}, " for name in inputs) + ") = x"
    population.declare(b, policy)

    _derived(b, policy)
    kpi_slots = _kpis(b, policy.kpis, policy.score.precision)
    kpi_names = tuple(k.name for k in policy.kpis)
    b.slots["score"] = score = b.step("score", Kind.SCORE, Label("总分", "Score"), (),
                                      " + ".join(f"{k}{KPI_SUFFIX}" for k in kpi_names), policy.score.line,
                                      reads=tuple(k + KPI_SUFFIX for k in kpi_names), unit=Unit.POINTS)
    b.code(score, f"v{score} = " + plus(f"v{s}" for s in kpi_slots))
    ratings = {r.name: r.label for r in policy.score.ratings}
    if ratings:
        _rating(b, policy.score)
    _gates(b, policy)
    fired = penalty.conditions(b, policy.penalties)
    pay_slots = pay_steps(b, policy, pay_quantum, pay_mode, fired)
    pay_names = [c.name for c in policy.pay]
    penalty.effect_steps(b, policy.penalties, fired, pay_quantum, pay_mode, policy.penalties_line)
    if deductions is not None:
        pay_slots.append(penalty.deduction_step(b, policy, penalties, deductions, fired, pay_names, pay_quantum))
        pay_names.append(DEDUCTION)
    total = b.step("total", Kind.TOTAL, Label("应发合计", "Total pay"), (),
                   _total_formula(pay_names, bool(penalties)), policy.pay_line, reads=tuple(pay_names),
                   unit=Unit.MONEY)
    b.code(total, f"v{total} = " + plus(f"v{s}" for s in pay_slots))

    populations = population.measure(b, policy)
    every = "(" + "".join(f"v{s.slot}, " for s in b.steps) + ")"
    rating = f"v{b.slots['rating']}" if "rating" in b.slots else "None"
    kpi_pairs = "".join(f"({name!r}, v{slot}), " for name, slot in zip(kpi_names, kpi_slots, strict=True))
    pay_pairs = "".join(f"({name!r}, v{slot}), " for name, slot in zip(pay_names, pay_slots, strict=True))
    choice_pairs = "".join(f"({m.name!r}, v{b.slots[m.name]}), " for m in metrics if m.type == "choice")
    recorded = penalty.recorded_pairs(b, penalties, fired, deductions)
    wanted = f"(v{score}, {rating}, ({kpi_pairs}), ({pay_pairs}), v{total}, ({choice_pairs}), {recorded})"
    sources = {slot: tuple(s for s in (p.of, p.where, p.by) if s is not None)
               for p in populations for slot in (*p.slots, *p.standing)}
    phase = slot_phases(b.lines, b.line_slots, sources, len(b.steps))
    populations = [replace(p, boundary=phase[p.slots[0]] - 1) for p in populations]
    source, code_lines = assemble(prelude, b.lines, b.line_slots, phase, wanted, every)
    scope = dict(GLOBALS, **{f"_c{i}": value for i, value in enumerate(b.constants)})
    filename = f"<jixiao plan {meta.id} {policy.sha256[:12]}>"
    exec(compile(source, filename, "exec"), scope)  # safe: source built from whitelisted expressions only
    phases = tuple(scope[f"_phase{k}"] for k in range(max(phase, default=0)))
    return Plan(
        policy=PolicyRef(meta.id, meta.version, policy.sha256, policy.path, meta.name, meta.currency,
                         meta.effective_from),
        metrics=metrics, roles=policy.roles, grades=policy.grades, ratings=ratings, aggregates=aggregates,
        columns=policy.columns, inputs=tuple(inputs), steps=tuple(b.steps), kpis=kpi_names, pay=tuple(pay_names),
        run_trace=scope["run_trace"], run=scope["run"], source=source,
        code_lines=tuple(code_lines), phases=phases, populations=tuple(populations),
        reviews=compile_reviews(policy.reviews), windows=windows, prorated=policy.proration is not None,
        events=events, penalties=penalties, penalty_inputs=tuple(penalty_inputs), deductions=deductions,
        quantum=pay_quantum, corrections=policy.corrections, supplied=tuple(m.name for m in supplied),
    )


def _total_formula(pay: list[str], penalties: bool) -> str | Label:
    """The total's formula; with penalty clauses it also states the order they are applied in."""
    listed = " + ".join(pay)
    if not penalties:
        return listed
    return Label(f"{listed}（次序：各薪酬项 → 条款取消 → 保底补足 → 扣款）",
                 f"{listed} (order: components → cancellations → guaranteed minimum → deductions)")


def _metric(spec: MetricSpec) -> Metric:
    return Metric(spec.name, spec.label, spec.type, spec.unit, spec.aliases, spec.missing, spec.scope, spec.range,
                  spec.placeholders, spec.choices, spec.missing_choice)


def _derived(b: Builder, policy: Policy) -> None:
    specs = {d.name: d for d in policy.derived}
    order, _ = n.read_order({d.name: [r for r in n.parse_cached(d.formula.text).names if r in specs]
                             for d in policy.derived})
    for name in order:
        spec = specs[name]
        source, reads = b.expression(spec.formula.text)
        unit = Unit.NONE if spec.type == "number" else Unit(spec.type)  # how it is shown
        slot = b.step(name, Kind.DERIVED, spec.label, spec.rules, spec.formula.text, spec.formula.line, reads=reads,
                      unit=unit)
        b.slots[name] = slot
        if spec.on_zero_division is not None:
            fallback = b.const(spec.on_zero_division)
            # Whether the fallback gave the value is a traced step of its own, so explain can say so.
            # Its two lines name v{slot} (never None once assigned), which keeps them in the phase of
            # the value they describe.
            used = b.step(name + FALLBACK, Kind.FALLBACK,
                          Label("按方案 on_zero_division 取值", "on_zero_division used"), spec.rules, "",
                          spec.zero_line, parent=slot, unit=Unit.BOOL)
            b.slots[name + FALLBACK] = used
            b.code(slot, "try:", f"    v{slot} = {source}")
            b.code(used, f"    v{used} = v{slot} is None")
            b.code(slot, "except _Arithmetic as _e:", "    if not _zero_division(_e):", "        raise",
                   f"    v{slot} = {fallback}")
            b.code(used, f"    v{used} = v{slot} is not None")
        else:
            b.code(slot, f"v{slot} = {source}")


def _kpis(b: Builder, kpis: tuple[KpiSpec, ...], quantum: Decimal) -> list[int]:
    q = f".quantize({b.const(quantum)}, {b.const(ROUNDING['half_up'])})"
    slots = []
    for spec in kpis:
        weight = spec.weight
        w = b.const(weight)
        points = spec.name + KPI_SUFFIX  # the step's name is the name expressions read it by
        metric = spec.metric
        method = spec.method
        if isinstance(method, Linear):
            low, high = method.low, method.high
            # The bounds in the unit the metric is shown in beside them (20%, not 0.2).
            low_text, high_text = (percent_bound(low), percent_bound(high)) if b.is_percent(metric) else (low, high)
            share_text = f"({metric} − {low_text}) / ({high_text} − {low_text})"
            formula = Label(f"{weight} × 限定在 [0, 1] 内的 {share_text}", f"{weight} × clamp({share_text}, 0, 1)")
            slot = b.step(points, Kind.KPI, spec.label, spec.rules, formula, method.line, reads=(metric,),
                          unit=Unit.POINTS,
                          thresholds=(Threshold(b.slots[metric], at=low), Threshold(b.slots[metric], at=high)))
            share = f"(v{b.slots[metric]} - {b.const(low)}) / {b.const(high - low)}"
            b.code(slot, f"v{slot} = ({_clamp(share, '_0', '_1')} * {w}){q}")
        elif isinstance(method, Bands):
            bands = method.bands
            bounds, values = band_bounds(bands), tuple(points for _, _, points, _ in bands)
            closed = method.closed
            slot = b.step(points, Kind.KPI, spec.label, spec.rules,
                          Label(f"{term_zh(metric)} 所在档位的分数", f"points of the band holding {metric}"),
                          method.line, unit=Unit.POINTS)
            held = Label(f"{term_zh(metric)} 所在的档位", f"band holding {metric}")
            index = b.step(f"{points}.band", Kind.BAND, Label("所在档位", "band reached"), spec.rules, held,
                           method.line, parent=slot, reads=(metric,), bands=bands, closed=closed)
            b.code(index, f"v{index} = {BAND[closed]}({b.const(bounds)}, v{b.slots[metric]})")
            b.code(slot, f"v{slot} = ({b.const(values)}[v{index}] if 0 <= v{index} < {len(values)} else _0){q}")
        else:
            source, reads = b.expression(method.text)
            words = b.words(method.text)
            clamped = Label(f"{words.zh}，限定在 [0, {weight}] 内", f"clamp({words.en}, 0, {weight})")
            raw_slot = len(b.steps) + 1
            slot = b.step(points, Kind.KPI, spec.label, spec.rules, clamped, method.line, unit=Unit.POINTS,
                          thresholds=(Threshold(raw_slot, at=Decimal(0)), Threshold(raw_slot, at=weight)))
            raw = b.step(f"{points}.raw", Kind.RAW, Label("公式值", "formula value"), spec.rules, method.text,
                         method.line, reads=reads, parent=slot)
            b.code(raw, f"v{raw} = {source}")
            b.code(slot, f"v{slot} = {_clamp(f'v{raw}', '_0', w)}{q}")
        b.slots[points] = slot
        slots.append(slot)
    return slots


def _clamp(value: str, low: str, high: str) -> str:
    """Inline clamp: a conditional expression is several times cheaper than min(max(...)).

    `<=` on the low side: a lower-is-better range at its limit gives 0 / -40 = Decimal('-0'),
    which must not reach a report as -0.00."""
    return f"({low} if (_t := {value}) <= {low} else {high} if _t > {high} else _t)"


def _rating(b: Builder, score: ScoreSpec) -> None:
    ratings = score.ratings
    expression = b.const(ratings[-1].name)
    for rating in reversed(ratings[:-1]):
        expression = f"({b.const(rating.name)} if v{b.slots['score']} >= {b.const(rating.min)} else {expression})"
    formula = Label(
        "；".join(f"总分 ≥ {r.min} 为“{r.label.zh}”" if r.min is not None else f"否则为“{r.label.zh}”"
                 for r in ratings),
        "; ".join(f"{r.name} if score ≥ {r.min}" if r.min is not None else f"else {r.name}" for r in ratings),
    )
    slot = b.step("rating", Kind.RATING, Label("评级", "Rating"), tuple(rule for r in ratings for rule in r.rules),
                  formula, score.ratings_line, reads=("score",), unit=Unit.TEXT,
                  thresholds=tuple(Threshold(b.slots["score"], at=r.min) for r in ratings if r.min is not None))
    b.slots["rating"] = slot
    b.code(slot, f"v{slot} = {expression}")


def _gates(b: Builder, policy: Policy) -> None:
    for gate in policy.score.gates:
        source, reads = b.expression(gate.when.text)
        cancelled = "、".join(c.label.zh if (c := policy.component(t)) is not None else t for t in gate.cancels)
        words = b.words(gate.when.text)
        formula = Label(f"当 {words.zh} 时，取消{cancelled}", f"{words.en} → cancels {', '.join(gate.cancels)}")
        slot = b.step(gate.name, Kind.GATE, gate.label, gate.rules, formula, gate.when.line, reads=reads,
                      unit=Unit.BOOL, cancels=gate.cancels, compares=gate.when.text)
        b.slots[gate.name] = slot
        b.code(slot, f"v{slot} = _bool({source})")
