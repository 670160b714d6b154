"""Stage 3, compile: a checked policy becomes a plan of named steps and one generated function.

Each step owns a slot; the generated function computes the slots in order as straight-line
Python over Decimals (no per-step dispatch), and returns either every slot (the trace: the
evaluation's own record of each value) or just the outputs. Population values (rankings, team
sums of computed values) cut that code into phases derived from what reads what (`phases`); a
policy without them is the one function it always was. Pay components are compiled in
`compile_pay`, population steps in `compile_population`; all write into one `builder.Builder`.
Each step's formula is written in Chinese and English from the same template data. Expressions
reach the generated code only through `expr.emit`, which admits whitelisted nodes and refers
to literals through a constants table, so nothing from the policy text is ever executed as code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from engine.model.kinds import Kind
from engine.model.label import Label
from engine.model.plan import Aggregate, Metric, Plan, PolicyRef
from engine.model.step_names import DAYS_IN_MONTH, DAYS_WORKED, DEDUCTION, FALLBACK, KPI_SUFFIX, SUPPLIED
from engine.model.steps import Threshold
from engine.model.units import Unit
from engine.policy import compile_penalties as penalty
from engine.policy import compile_population as population
from engine.policy import names as n
from engine.policy.builder import BAND, Builder, band_bounds, choices_of, label_of, plus, read_bands, rules_of
from engine.policy.compile_events import compile_corrections, compile_deductions, compile_events, compile_penalties
from engine.policy.compile_pay import pay_steps
from engine.policy.compile_reviews import compile_reviews, compile_windows, window_formula
from engine.policy.compile_roster import paid_by, roster_keys
from engine.policy.formula_words import STATS, percent_bound, term_zh
from engine.policy.load import Loaded
from engine.policy.phases import assemble, slot_phases
from engine.policy.runtime import GLOBALS, ROUNDING

# The inputs `proration: {by: calendar_days}` declares, with their labels.
DAYS = ((DAYS_WORKED, "本月在职天数", "Days worked"), (DAYS_IN_MONTH, "本月天数", "Days in month"))


def compile_policy(doc: Loaded) -> Plan:
    """Build the plan of a policy that has passed `check` (it assumes a well-formed policy)."""
    data = doc.data
    b = Builder(doc)
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
    roles, grades = choices_of(data.get("roles")), choices_of(data.get("grades"))

    windows = compile_windows(data)
    # Inputs: metrics, window values, days, penalty clauses, then aggregates, then role and grade: the tuple `x`.
    prorated = bool(data.get("proration"))
    days = [DAYS_WORKED, DAYS_IN_MONTH] if prorated else []
    penalties, events, deductions = compile_penalties(data), compile_events(data), compile_deductions(data)
    penalty_inputs = penalty.input_names(penalties, deductions)
    inputs: list[str] = [m.name for m in metrics] + [w.name for w in windows] + days + penalty_inputs
    supplied = [m.name for m in metrics if m.missing is not None or m.missing_choice is not None or m.placeholders]
    inputs += [name + SUPPLIED for name in supplied]
    inputs += [a.name for a in aggregates]
    for metric in metrics:
        spec = data["metrics"][metric.name]
        kind = Kind.TEAM if metric.scope == "team" else Kind.METRIC
        unit = Unit.TEXT if metric.type == "choice" else Unit(metric.type)
        b.slots[metric.name] = b.step(metric.name, kind, spec, "", ("metrics", metric.name), unit=unit)
    for window in windows:
        spec = data["windows"][window.name]
        formula = window_formula(window)
        if window.where is not None:  # its condition as explain writes one (labels for ids in Chinese)
            formula = Label(formula.zh.replace(window.where.text, b.words(window.where.text).zh), formula.en)
        b.slots[window.name] = b.step(window.name, Kind.METRIC, spec, formula, ("windows", window.name),
                                      unit=Unit.COUNT if window.where is not None else Unit.NUMBER)
    for name, zh, en in DAYS[: len(days)]:
        formula = Label("按花名册入职日期、离职日期计算（含首尾两天）",
                        "from the roster's join and leave dates, both included")
        spec = {"label": {"zh": zh, "en": en}, "rule": data["proration"].get("rule")}
        b.slots[name] = b.step(name, Kind.METRIC, spec, formula if name == DAYS_WORKED else "", ("proration",),
                               unit=Unit.COUNT)
    penalty.declare_inputs(b, data, penalties, events, deductions)
    for name in supplied:
        b.slots[name + SUPPLIED] = b.step(name + SUPPLIED, Kind.SUPPLIED, data["metrics"][name], "",
                                          ("metrics", name), parent=b.slots[name], unit=Unit.TEXT,
                                          label=Label("按方案补的值", "supplied by the policy"))
    for aggregate in aggregates:
        spec = data["aggregates"][aggregate.name]
        formula = Label(f"全组 {aggregate.of} 的{STATS[aggregate.stat]}",
                        f"{aggregate.stat}({aggregate.of}) over the team")
        b.slots[aggregate.name] = b.step(aggregate.name, Kind.AGGREGATE, spec, formula, ("aggregates", aggregate.name),
                                         unit=Unit(next(m.type for m in metrics if m.name == aggregate.of)))
    for key, zh in (("role", "岗位"), ("grade", "等级")):
        inputs.append(key)
        b.slots[key] = b.step(key, Kind(key), {"label": {"zh": zh, "en": key.title()}}, "", (key + "s",),
                              unit=Unit.TEXT)
    prelude = "(" + "".join(f"v{b.slots[name]}, " for name in inputs) + ") = x"
    population.declare(b, data)

    _derived(b, data)
    kpi_slots = _kpis(b, data, score_quantum)
    b.slots["score"] = score = b.step("score", Kind.SCORE, {"label": {"zh": "总分", "en": "Score"}},
                                      " + ".join(f"{k}{KPI_SUFFIX}" for k in data["kpis"]), ("score", "total"),
                                      reads=tuple(k + KPI_SUFFIX for k in data["kpis"]), unit=Unit.POINTS)
    b.code(score, f"v{score} = " + plus(f"v{s}" for s in kpi_slots))
    ratings = {name: label_of(spec) for name, spec in n.mapping(score_spec.get("ratings")).items()}
    if ratings:
        _rating(b, score_spec)
    _gates(b, score_spec, data["pay"])
    fired = penalty.conditions(b, data, penalties)
    pay_slots = pay_steps(b, data, pay_quantum, pay_mode, fired)
    pay_names = list(data["pay"])
    penalty.effect_steps(b, data, penalties, fired, pay_quantum, pay_mode)
    if deductions is not None:
        pay_slots.append(penalty.deduction_step(b, data, penalties, deductions, fired, pay_names, pay_quantum))
        pay_names.append(DEDUCTION)
    total = b.step("total", Kind.TOTAL, {"label": {"zh": "应发合计", "en": "Total pay"}},
                   _total_formula(pay_names, bool(penalties)), ("pay",), reads=tuple(pay_names), unit=Unit.MONEY)
    b.code(total, f"v{total} = " + plus(f"v{s}" for s in pay_slots))

    populations = population.measure(b, data)
    every = "(" + "".join(f"v{s.slot}, " for s in b.steps) + ")"
    rating = f"v{b.slots['rating']}" if "rating" in b.slots else "None"
    kpi_pairs = "".join(f"({name!r}, v{slot}), " for name, slot in zip(data["kpis"], kpi_slots, strict=True))
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
    filename = f"<jixiao plan {meta['id']} {doc.sha256[:12]}>"
    exec(compile(source, filename, "exec"), scope)  # safe: source built from whitelisted expressions only
    phases = tuple(scope[f"_phase{k}"] for k in range(max(phase, default=0)))
    return Plan(
        policy=PolicyRef(meta["id"], str(meta["version"]), doc.sha256, doc.path, label_of({"label": meta["name"]}),
                         str(meta.get("currency", "CNY")), str(meta["effective_from"])),
        metrics=metrics, roles=roles, grades=grades, ratings=ratings, aggregates=aggregates,
        columns={k: tuple(v) for k, v in n.mapping(data.get("columns")).items()},
        inputs=tuple(inputs), steps=tuple(b.steps), kpis=tuple(data["kpis"]), pay=tuple(pay_names),
        run_trace=scope["run_trace"], run=scope["run"], source=source,
        code_lines=tuple(code_lines), phases=phases, populations=tuple(populations),
        reviews=compile_reviews(data, lambda path: doc.where(path, key=True)[0]), windows=windows, prorated=prorated,
        events=events, penalties=penalties, penalty_inputs=tuple(penalty_inputs), deductions=deductions,
        quantum=pay_quantum, corrections=compile_corrections(data),
        supplied=tuple(supplied), roster=roster_keys(data), paid_by=paid_by(data),
    )


def _total_formula(pay: list[str], penalties: bool) -> str | Label:
    """The total's formula; with penalty clauses it also states the order they are applied in."""
    listed = " + ".join(pay)
    if not penalties:
        return listed
    return Label(f"{listed}（次序：各薪酬项 → 条款取消 → 保底补足 → 扣款）",
                 f"{listed} (order: components → cancellations → guaranteed minimum → deductions)")


def _metric(name: str, spec: Mapping) -> Metric:
    missing = spec.get("missing", "error")
    if spec["type"] == "choice":
        return Metric(name, label_of(spec), "choice", "", tuple(spec.get("aliases", ())), None, "agent",
                      choices=choices_of(spec["values"]), missing_choice=None if missing == "error" else missing)
    return Metric(name, label_of(spec), spec["type"], str(spec.get("unit", "")), tuple(spec.get("aliases", ())),
                  None if missing == "error" else Decimal(missing), spec.get("scope", "agent"), n.metric_range(spec),
                  {text: None if meaning == "missing" else Decimal(meaning)
                   for text, meaning in n.mapping(spec.get("placeholders")).items()})


def _derived(b: Builder, data: Mapping) -> None:
    order, _ = n.derived_order(data)
    for name in order:
        spec = data["derived"][name]
        source, reads = b.expression(spec["formula"])
        unit = Unit.NONE if spec.get("type", "number") == "number" else Unit(spec["type"])  # how it is shown
        slot = b.step(name, Kind.DERIVED, spec, str(spec["formula"]), ("derived", name, "formula"), reads=reads,
                      unit=unit)
        b.slots[name] = slot
        if "on_zero_division" in spec:
            fallback = b.const(Decimal(spec["on_zero_division"]))
            # Whether the fallback gave the value is a traced step of its own, so explain can say so.
            # Its two lines name v{slot} (never None once assigned), which keeps them in the phase of
            # the value they describe.
            used = b.step(name + FALLBACK, Kind.FALLBACK, spec, "", ("derived", name, "on_zero_division"),
                          parent=slot, unit=Unit.BOOL,
                          label=Label("按方案 on_zero_division 取值", "on_zero_division used"))
            b.slots[name + FALLBACK] = used
            b.code(slot, "try:", f"    v{slot} = {source}")
            b.code(used, f"    v{used} = v{slot} is None")
            b.code(slot, "except _Arithmetic as _e:", "    if not _zero_division(_e):", "        raise",
                   f"    v{slot} = {fallback}")
            b.code(used, f"    v{used} = v{slot} is not None")
        else:
            b.code(slot, f"v{slot} = {source}")


def _kpis(b: Builder, data: Mapping, quantum: Decimal) -> list[int]:
    q = f".quantize({b.const(quantum)}, {b.const(ROUNDING['half_up'])})"
    slots = []
    for name, spec in data["kpis"].items():
        weight = Decimal(spec["weight"])
        w = b.const(weight)
        path = ("kpis", name)
        points = name + KPI_SUFFIX  # the step's name is the name expressions read it by
        metric = spec.get("metric")
        if "linear" in spec:
            low, high = Decimal(spec["linear"]["from"]), Decimal(spec["linear"]["to"])
            # The bounds in the unit the metric is shown in beside them (20%, not 0.2).
            low_text, high_text = (percent_bound(low), percent_bound(high)) if b.is_percent(metric) else (low, high)
            share_text = f"({metric} − {low_text}) / ({high_text} − {low_text})"
            formula = Label(f"{weight} × 限定在 [0, 1] 内的 {share_text}", f"{weight} × clamp({share_text}, 0, 1)")
            slot = b.step(points, Kind.KPI, spec, formula, (*path, "linear"), reads=(metric,), unit=Unit.POINTS,
                          thresholds=(Threshold(b.slots[metric], at=low), Threshold(b.slots[metric], at=high)))
            share = f"(v{b.slots[metric]} - {b.const(low)}) / {b.const(high - low)}"
            b.code(slot, f"v{slot} = ({_clamp(share, '_0', '_1')} * {w}){q}")
        elif "bands" in spec:
            bands = read_bands(spec["bands"], "points")
            bounds, values = band_bounds(bands), tuple(points for _, _, points, _ in bands)
            closed = spec.get("closed", "left")
            slot = b.step(points, Kind.KPI, spec,
                          Label(f"{term_zh(metric)} 所在档位的分数", f"points of the band holding {metric}"),
                          (*path, "bands"), unit=Unit.POINTS)
            held = Label(f"{term_zh(metric)} 所在的档位", f"band holding {metric}")
            index = b.step(f"{points}.band", Kind.BAND, spec, held, (*path, "bands"), parent=slot,
                           reads=(metric,), bands=bands, label=Label("所在档位", "band reached"), closed=closed)
            b.code(index, f"v{index} = {BAND[closed]}({b.const(bounds)}, v{b.slots[metric]})")
            b.code(slot, f"v{slot} = ({b.const(values)}[v{index}] if 0 <= v{index} < {len(values)} else _0){q}")
        else:
            source, reads = b.expression(spec["formula"])
            words = b.words(spec["formula"])
            clamped = Label(f"{words.zh}，限定在 [0, {weight}] 内", f"clamp({words.en}, 0, {weight})")
            slot = b.step(points, Kind.KPI, spec, clamped, (*path, "formula"), unit=Unit.POINTS)
            raw = b.step(f"{points}.raw", Kind.RAW, spec, str(spec["formula"]), (*path, "formula"), reads=reads,
                         parent=slot, label=Label("公式值", "formula value"))
            clamp = (Threshold(raw, at=Decimal(0)), Threshold(raw, at=weight))
            b.steps[slot] = replace(b.steps[slot], thresholds=clamp)
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


def _rating(b: Builder, score_spec: Mapping) -> None:
    ratings = list(score_spec["ratings"].items())
    expression = b.const(ratings[-1][0])
    for name, spec in reversed(ratings[:-1]):
        expression = f"({b.const(name)} if v{b.slots['score']} >= {b.const(Decimal(spec['min']))} else {expression})"
    formula = Label(
        "；".join(f"总分 ≥ {spec['min']} 为“{label_of(spec).zh}”" if "min" in spec else f"否则为“{label_of(spec).zh}”"
                 for _, spec in ratings),
        "; ".join(f"{name} if score ≥ {spec['min']}" if "min" in spec else f"else {name}" for name, spec in ratings),
    )
    slot = b.step("rating", Kind.RATING, {"label": {"zh": "评级", "en": "Rating"}, "rule": _collect_rules(ratings)},
                  formula, ("score", "ratings"), reads=("score",), unit=Unit.TEXT,
                  thresholds=tuple(Threshold(b.slots["score"], at=Decimal(spec["min"])) for _, spec in ratings
                                   if "min" in spec))
    b.slots["rating"] = slot
    b.code(slot, f"v{slot} = {expression}")


def _collect_rules(items: list) -> list[str]:
    return [rule for _, spec in items for rule in rules_of(spec)]


def _gates(b: Builder, score_spec: Mapping, pay: Mapping) -> None:
    for name, spec in n.mapping(score_spec.get("gates")).items():
        source, reads = b.expression(spec["when"])
        cancelled = "、".join(label_of(pay[t]).zh if t in pay else t for t in spec["cancels"])
        words = b.words(spec["when"])
        formula = Label(f"当 {words.zh} 时，取消{cancelled}", f"{words.en} → cancels {', '.join(spec['cancels'])}")
        slot = b.step(name, Kind.GATE, spec, formula, ("score", "gates", name, "when"), reads=reads, unit=Unit.BOOL,
                      cancels=tuple(spec["cancels"]), compares=str(spec["when"]))
        b.slots[name] = slot
        b.code(slot, f"v{slot} = _bool({source})")
