"""Stage 3, compile: a checked policy becomes a plan of named steps, each with the op it computes.

The compiler reads the policy's typed sections (`engine.policy.sections`), never the YAML tree,
and writes each step with its op (engine.model.ops): the tree of operations its value is. From
the ops follow what each step depends on, the phases of the per-agent code (`phases`: population
values such as rankings cut it between the steps they are taken over and the steps that read
them) and the code: `codegen` writes the plan as straight-line Python over Decimals (the fast
path), and `engine.run.interpret` evaluates the same ops directly (the reference). Pay components
are compiled in `compile_pay`, penalty clauses and the loss deduction in `compile_penalties`,
population steps in `compile_population`; all write into one `builder.Builder`. Each step's
formula is written in Chinese and English from the same template data.

The named stages, in order: inputs (block by block) → population result steps → derived values →
KPI points → score → rating → gates → clause conditions → pay components → clause effects → loss
deduction → total → the steps population values are taken over → phases → code.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from engine.model.blocks import Block, InputBlock
from engine.model.calendar_facts import BOOLEAN, FACTS
from engine.model.calendar_facts import DAYS as DAYS_FACTS
from engine.model.kinds import Kind
from engine.model.label import Label
from engine.model.ops import (
    Arith,
    Band,
    Binary,
    Clamp,
    Cmp,
    Compare,
    Const,
    IfElse,
    Input,
    Op,
    Pick,
    Plus,
    Quantize,
    Ref,
    Rescue,
    Rescued,
    Taken,
    Truth,
    reads_of,
)
from engine.model.plan import Aggregate, Metric, Outputs, Plan, PolicyRef
from engine.model.step_names import DEDUCTION, FALLBACK, KPI_SUFFIX, SUPPLIED
from engine.model.steps import Step, Threshold
from engine.model.units import Unit
from engine.policy import compile_flags as flags
from engine.policy import compile_penalties as penalty
from engine.policy import compile_population as population
from engine.policy import names as n
from engine.policy.builder import Builder, band_bounds
from engine.policy.codegen import generate
from engine.policy.compile_events import compile_deductions, compile_events, compile_penalties
from engine.policy.compile_pay import pay_steps
from engine.policy.compile_reviews import compile_reviews, compile_windows, window_formula
from engine.policy.dated import for_period
from engine.policy.formula_words import STATS, percent_bound, term_zh
from engine.policy.load import Loaded
from engine.policy.phases import slot_phases
from engine.policy.runtime import ROUNDING
from engine.policy.sections import Bands, KpiSpec, Linear, MetricSpec, Policy, ScoreRound, ScoreSpec, read_sections

# The labels of the inputs `proration: {by: calendar_days}` declares.
DAYS = (Label("本月在职天数", "Days worked"), Label("本月天数", "Days in month"))


def compile_policy(doc: Loaded, period: str | None = None) -> Plan:
    """Build the plan of a policy that has passed `check` (it assumes a well-formed policy) for
    `period` (YYYY-MM): its dated values as in force then (None: in the month of `effective_from`),
    named in the plan's policy reference; `PolicyError` (JX287) when one has nothing in force."""
    resolved, used, in_force = for_period(doc, period)
    plan = compile_sections(read_sections(resolved))
    if not used:
        return plan
    return replace(plan, policy=replace(plan.policy, dated=used, content_sha256=in_force))


def compile_sections(policy: Policy) -> Plan:
    """Build the plan of a checked policy's typed sections."""
    b = Builder(policy)
    meta = policy.meta
    pay_quantum = meta.quantum
    pay_mode = ROUNDING[meta.rounding]
    metrics = tuple(_metric(spec) for spec in policy.metrics)
    aggregates = tuple(Aggregate(a.name, a.of, a.stat) for a in policy.aggregates)
    windows = compile_windows(policy.windows)
    penalties, events = compile_penalties(policy.penalties), compile_events(policy)
    deductions = compile_deductions(policy.deductions)
    supplied = [m for m in policy.metrics if m.supplied]

    # Inputs, the first steps, block by block: metrics, window values, days, penalty facts, how a
    # fallback supplied a metric, team aggregates, flags' earlier months, then role and grade.
    for metric in policy.metrics:
        kind = Kind.TEAM if metric.scope == "team" else Kind.METRIC
        unit = Unit.TEXT if metric.type == "choice" else Unit(metric.type)
        b.slots[metric.name] = b.step(metric.name, kind, metric.label, metric.rules, "", metric.line, unit=unit,
                                      op=Input(Block.METRICS, metric.name))
    for window, spec in zip(windows, policy.windows, strict=True):
        formula = window_formula(window)
        if window.where is not None:  # its condition as explain writes one (labels for ids in Chinese)
            formula = Label(formula.zh.replace(window.where.text, b.words(window.where.text).zh), formula.en)
        b.slots[window.name] = b.step(window.name, Kind.METRIC, spec.label, spec.rules, formula, spec.line,
                                      unit=Unit.COUNT if window.where is not None else Unit.NUMBER,
                                      op=Input(Block.WINDOWS, window.name))
    if policy.proration is not None:
        formula = Label("按花名册入职日期、离职日期计算（含首尾两天）",
                        "from the roster's join and leave dates, both included")
        for index, (name, label) in enumerate(zip(policy.proration.days, DAYS, strict=True)):
            b.slots[name] = b.step(name, Kind.METRIC, label, policy.proration.rules, "" if index else formula,
                                   policy.proration.line, unit=Unit.COUNT, op=Input(Block.DAYS, name))
    _calendar(b, policy)
    penalty.declare_inputs(b, policy, penalties, events, deductions)
    for metric in supplied:
        name = metric.name + SUPPLIED
        b.slots[name] = b.step(name, Kind.SUPPLIED, Label("按方案补的值", "supplied by the policy"), metric.rules, "",
                               metric.line, parent=b.slots[metric.name], unit=Unit.TEXT,
                               op=Input(Block.SUPPLIED, name))
    for aggregate in policy.aggregates:
        formula = Label(f"全组 {aggregate.of} 的{STATS[aggregate.stat]}",
                        f"{aggregate.stat}({aggregate.of}) over the team")
        b.slots[aggregate.name] = b.step(aggregate.name, Kind.AGGREGATE, aggregate.label, aggregate.rules, formula,
                                         aggregate.line, unit=Unit(policy.metric(aggregate.of).type),
                                         op=Input(Block.AGGREGATES, aggregate.name))
    flags.declare_inputs(b, policy)
    for key, zh, line in (("role", "岗位", policy.roles_line), ("grade", "等级", policy.grades_line)):
        b.slots[key] = b.step(key, Kind(key), Label(zh, key.title()), (), "", line, unit=Unit.TEXT,
                              op=Input(Block.CAREER, key))
    population.declare(b, policy)

    _derived(b, policy)
    kpi_slots, score = _scorecard(b, policy)
    kpi_names = tuple(k.name for k in policy.kpis)
    ratings = {r.name: r.label for r in policy.ratings}
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
                   unit=Unit.MONEY, op=Plus(tuple(Ref(s) for s in pay_slots)))
    measured = population.measure(b, policy)
    raised = flags.flag_steps(b, policy)

    phase = slot_phases({d.slot: reads_of(d.op) for d in b.steps}, {d.slot for d in b.steps
                                                                    if isinstance(d.op, Taken)}, len(b.steps))
    steps = tuple(d.frozen(phase[d.slot]) for d in b.steps)
    outputs = Outputs(
        score, b.slots.get("rating"), tuple(zip(kpi_names, kpi_slots, strict=True)),
        tuple(zip(pay_names, pay_slots, strict=True)), total,
        tuple((m.name, b.slots[m.name]) for m in metrics if m.type == "choice"),
        penalty.recorded(b, penalties, fired, deductions), raised)
    blocks = _blocks(steps)
    program = generate(steps, tuple(b.order), blocks, outputs, f"<jixiao plan {meta.id} {policy.sha256[:12]}>",
                       Path(policy.path).name)
    return Plan(
        policy=PolicyRef(meta.id, meta.version, policy.sha256, policy.path, meta.name, meta.currency,
                         meta.effective_from),
        metrics=metrics, roles=policy.roles, grades=policy.grades, ratings=ratings, aggregates=aggregates,
        columns=policy.columns, steps=steps,
        kpis=kpi_names, pay=tuple(pay_names), run_trace=program.run_trace, run=program.run, source=program.source,
        code_lines=program.lines, phases=program.phases, populations=population.populations(measured, phase),
        reviews=compile_reviews(policy.reviews), windows=windows,
        events=events, penalties=penalties,
        deductions=deductions, quantum=pay_quantum, corrections=policy.corrections,
        order=tuple(b.order), outputs=outputs, blocks=blocks, roster=policy.roster, paid_by=policy.paid_by,
        metric_sources=policy.sources,
        flags=flags.compile_flags(policy.flags),
        pay_groups=policy.pay_groups,
    )


def _calendar(b: Builder, policy: Policy) -> None:
    """The calendar facts the policy's expressions read, as inputs (engine.model.calendar_facts): days
    worked and days in the month as `proration:` gives them (declared there when it is), the others
    in their own block; each at the line of its first use."""
    for name, line in policy.calendar.items():
        if name in b.slots:
            continue  # days_worked, days_in_month: `proration:` declared them
        label, formula = FACTS[name]
        block = Block.DAYS if name in DAYS_FACTS else Block.CALENDAR
        unit = Unit.BOOL if name in BOOLEAN else Unit.COUNT
        b.slots[name] = b.step(name, Kind.METRIC, label, (), formula, line, unit=unit, op=Input(block, name))


def _blocks(steps: tuple[Step, ...]) -> tuple[InputBlock, ...]:
    """The inputs (the first steps), one block per kind of input, in the order they were declared."""
    given = [(s.op, s.slot) for s in steps if isinstance(s.op, Input)]
    return tuple(InputBlock(block, tuple(op.name for op, _ in found), tuple(slot for _, slot in found))
                 for block in dict.fromkeys(op.block for op, _ in given)
                 if (found := [(op, slot) for op, slot in given if op.block == block]))


def _total_formula(pay: list[str], penalties: bool) -> str | Label:
    """The total's formula; with penalty clauses it also states the order they are applied in."""
    listed = " + ".join(pay)
    if not penalties:
        return listed
    return Label(f"{listed}（次序：各薪酬项 → 条款取消 → 保底补足 → 扣款）",
                 f"{listed} (order: components → cancellations → guaranteed minimum → deductions)")


def _metric(spec: MetricSpec) -> Metric:
    return Metric(spec.name, spec.label, spec.type, spec.unit, spec.aliases, spec.missing, spec.scope, spec.range,
                  spec.placeholders, spec.choices, spec.missing_choice, spec.absent, spec.source)


def _derived(b: Builder, policy: Policy) -> None:
    specs = {d.name: d for d in policy.derived}
    order, _ = n.read_order({d.name: [r for r in n.parse_cached(d.formula.text).names if r in specs]
                             for d in policy.derived})
    for name in order:
        spec = specs[name]
        op, reads = b.expression(spec.formula.text)
        unit = Unit.NONE if spec.type == "number" else Unit(spec.type)  # how it is shown
        slot = b.step(name, Kind.DERIVED, spec.label, spec.rules, spec.formula.text, spec.formula.line, reads=reads,
                      unit=unit, op=op if spec.on_zero_division is None else Rescue(op, spec.on_zero_division))
        b.slots[name] = slot
        if spec.on_zero_division is not None:
            # Whether the fallback gave the value is a traced step of its own, so explain can say so.
            b.slots[name + FALLBACK] = b.step(
                name + FALLBACK, Kind.FALLBACK, Label("按方案 on_zero_division 取值", "on_zero_division used"),
                spec.rules, "", spec.zero_line, parent=slot, unit=Unit.BOOL, op=Rescued(slot))


def _scorecard(b: Builder, policy: Policy) -> tuple[list[int], int | None]:
    """The KPI points, the score and the rating (when declared): their slots, the score's None for a
    policy without a scorecard (S4), which has none of these steps, so no output shows them."""
    if policy.score is None:
        return [], None
    each = policy.score.round is ScoreRound.EACH
    kpi_slots = _kpis(b, policy.kpis, policy.score.precision if each else None)
    kpi_names = tuple(k.name for k in policy.kpis)
    summed = Plus(tuple(Ref(s) for s in kpi_slots))
    b.slots["score"] = score = b.step("score", Kind.SCORE, Label("总分", "Score"), (),
                                      _score_formula(kpi_names, policy.score), policy.score.line,
                                      reads=tuple(k + KPI_SUFFIX for k in kpi_names), unit=Unit.POINTS,
                                      op=summed if each else _points(summed, policy.score.precision))
    if policy.score.ratings:
        _rating(b, policy.score)
    return kpi_slots, score


def _score_formula(kpi_names: tuple[str, ...], score: ScoreSpec) -> str | Label:
    """The score's formula; with `round: total` it says that only the sum is rounded (the default,
    each KPI rounded before summing, keeps the plain sum its explanations have always shown)."""
    listed = " + ".join(f"{k}{KPI_SUFFIX}" for k in kpi_names)
    if score.round is ScoreRound.EACH:
        return listed
    return Label(f"{listed}（各项不取整，合计四舍五入到 {score.precision}）",
                 f"{listed} (points unrounded, the sum rounded half-up to {score.precision})")


SCALED = ".scaled"  # the suffix of a KPI's points on its own scale


def _kpis(b: Builder, kpis: tuple[KpiSpec, ...], quantum: Decimal | None) -> list[int]:
    """Each KPI's points step; rounded to `quantum` when the score rounds each KPI, unrounded (None)
    when it rounds only the total."""
    zero, one = Const(Decimal(0)), Const(Decimal(1))
    slots = []
    for spec in kpis:
        full = spec.weight if spec.scale is None else spec.scale  # what the method scores up to
        points = spec.name + KPI_SUFFIX  # the step's name is the name expressions read it by
        metric = spec.metric
        method = spec.method
        if isinstance(method, Linear):
            low, high = method.low, method.high
            # The bounds in the unit the metric is shown in beside them (20%, not 0.2).
            low_text, high_text = (percent_bound(low), percent_bound(high)) if b.is_percent(metric) else (low, high)
            share_text = f"({metric} − {low_text}) / ({high_text} − {low_text})"
            formula = Label(f"{full} × 限定在 [0, 1] 内的 {share_text}", f"{full} × clamp({share_text}, 0, 1)")
            share = Binary(Arith.DIV, Binary(Arith.SUB, b.ref(metric), Const(low)), Const(high - low))
            slot = b.step(points, Kind.KPI, spec.label, spec.rules, _weighted(spec, points, formula), method.line,
                          reads=(metric,), unit=Unit.POINTS,
                          thresholds=(Threshold(b.slots[metric], at=low), Threshold(b.slots[metric], at=high)))
            _score(b, spec, slot, formula, Binary(Arith.MUL, Clamp(share, zero, one), Const(full)), quantum)
        elif isinstance(method, Bands):
            bands = method.bands
            formula = Label(f"{term_zh(metric)} 所在档位的分数", f"points of the band holding {metric}")
            slot = b.step(points, Kind.KPI, spec.label, spec.rules, _weighted(spec, points, formula), method.line,
                          unit=Unit.POINTS)
            held = Label(f"{term_zh(metric)} 所在的档位", f"band holding {metric}")
            index = b.step(f"{points}.band", Kind.BAND, Label("所在档位", "band reached"), spec.rules, held,
                           method.line, parent=slot, reads=(metric,), bands=bands, closed=method.closed,
                           op=Band(band_bounds(bands), b.ref(metric), method.closed))
            _score(b, spec, slot, formula, Pick(tuple(points for _, _, points, _ in bands), Ref(index)), quantum)
        else:
            op, reads = b.expression(method.text)
            words = b.words(method.text)
            formula = Label(f"{words.zh}，限定在 [0, {full}] 内", f"clamp({words.en}, 0, {full})")
            raw_slot = len(b.steps) + 1  # the formula's value, its child: what the clamp compares with 0 and weight
            slot = b.step(points, Kind.KPI, spec.label, spec.rules, _weighted(spec, points, formula), method.line,
                          unit=Unit.POINTS,
                          thresholds=(Threshold(raw_slot, at=Decimal(0)), Threshold(raw_slot, at=full)))
            raw = b.step(f"{points}.raw", Kind.RAW, Label("公式值", "formula value"), spec.rules, method.text,
                         method.line, reads=reads, parent=slot, op=op)
            _score(b, spec, slot, formula, Clamp(Ref(raw), zero, Const(full)), quantum)
        b.slots[points] = slot
        slots.append(slot)
    return slots


def _weighted(spec: KpiSpec, points: str, formula: Label) -> Label:
    """The KPI step's formula: the method's, or with `scale:` the scale points times the weight over the scale."""
    if spec.scale is None:
        return formula
    return Label(f"{points}{SCALED} × {spec.weight} / {spec.scale}（{spec.scale} 分制得分 × 权重 {spec.weight} 分）",
                 f"{points}{SCALED} × {spec.weight} / {spec.scale} (points on a scale of {spec.scale} × a weight "
                 f"of {spec.weight} points)")


def _score(b: Builder, spec: KpiSpec, slot: int, formula: Label, value: Op, quantum: Decimal | None) -> None:
    """What KPI step `slot` computes from the method's `value`: that value's points, or with `scale:` the
    value as a child step (the template's 85, shown in the trace) weighted into points (85 × 30 / 100)."""
    if spec.scale is None:
        b.compute(slot, _points(value, quantum))
        return
    scaled = b.step(f"{spec.name}{KPI_SUFFIX}{SCALED}", Kind.SCALED,
                    Label(f"{spec.scale} 分制得分", f"points on a scale of {spec.scale}"), spec.rules, formula,
                    b.steps[slot].line, parent=slot, unit=Unit.POINTS, op=value)
    weighted = Binary(Arith.DIV, Binary(Arith.MUL, Ref(scaled), Const(spec.weight)), Const(spec.scale))
    b.compute(slot, _points(weighted, quantum))


def _points(value: Op, quantum: Decimal | None) -> Op:
    """Points rounded half up to the score's precision (a KPI's, or with `round: total` the sum's);
    `value` itself when there is no quantum (a KPI under `round: total`).

    Points are held to [0, weight] by a clamp whose low side is `<=`: a lower-is-better range at its
    limit gives 0 / -40 = Decimal('-0'), which must not reach a report as -0.00."""
    return value if quantum is None else Quantize(value, quantum, ROUNDING["half_up"])


def _rating(b: Builder, score: ScoreSpec) -> None:
    ratings = score.ratings
    chosen: Op = Const(ratings[-1].name)
    for rating in reversed(ratings[:-1]):
        chosen = IfElse(Compare(b.ref("score"), (Cmp.GE,), (Const(rating.min),)), Const(rating.name), chosen)
    formula = Label(
        "；".join(f"总分 ≥ {r.min} 为“{r.label.zh}”" if r.min is not None else f"否则为“{r.label.zh}”"
                 for r in ratings),
        "; ".join(f"{r.name} if score ≥ {r.min}" if r.min is not None else f"else {r.name}" for r in ratings),
    )
    b.slots["rating"] = b.step(
        "rating", Kind.RATING, Label("评级", "Rating"), tuple(dict.fromkeys(rule for r in ratings for rule in r.rules)),
        formula,
        score.ratings_line, reads=("score",), unit=Unit.TEXT, op=chosen,
        thresholds=tuple(Threshold(b.slots["score"], at=r.min) for r in ratings if r.min is not None))


def _gates(b: Builder, policy: Policy) -> None:
    for gate in policy.gates:
        op, reads = b.expression(gate.when.text)
        cancelled = "、".join(c.label.zh if (c := policy.component(t)) is not None else t for t in gate.cancels)
        words = b.words(gate.when.text)
        formula = Label(f"当 {words.zh} 时，取消{cancelled}", f"{words.en} → cancels {', '.join(gate.cancels)}")
        b.slots[gate.name] = b.step(gate.name, Kind.GATE, gate.label, gate.rules, formula, gate.when.line,
                                    reads=reads, unit=Unit.BOOL, cancels=gate.cancels, compares=gate.when.text,
                                    op=Truth(op))
