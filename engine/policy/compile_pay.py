"""Stage 3, compile, the pay part: each pay component's steps and code (S4 role pay included).

A component is one money step with its details (base, measure, floor, conditions) as child
steps, computed in the order written (a minimum counts the components before it). A component
paid to some roles only (`roles:`) computes its details only for those roles. Formulas are
written in Chinese and English from the same template data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from engine.model.kinds import Kind
from engine.model.label import Label
from engine.model.step_names import DAYS_IN_MONTH, DAYS_WORKED, EARNED, TIER, WHEN
from engine.model.steps import Threshold
from engine.model.units import Unit
from engine.policy import names as n
from engine.policy.builder import BAND, Builder, band_bounds, choices_of, plus, read_bands
from engine.policy.formula_words import KEYS, percent_bound, term_zh


def pay_steps(b: Builder, data: Mapping, quantum: Decimal, mode: str,
              fired: Mapping[str, tuple[str, tuple[str, ...]]]) -> list[int]:
    """Every pay component's steps and code, in the order written; their slots, in that order.

    A component cancelled by a gate, not due by its `when:`, or not paid to the agent's role is
    0 at the pay quantum; otherwise its amount is rounded to the quantum by the policy's mode. A
    component a gate or a penalty clause can cancel keeps what it would have paid as a child step
    (`.earned`), so the trace shows the money each cancellation moved. `fired` holds each clause's
    firing as code and the names it reads (engine.policy.compile_penalties.conditions)."""
    q = f".quantize({b.const(quantum)}, {b.const(mode)})"
    cancels: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for gate, spec in n.mapping(n.mapping(data["score"]).get("gates")).items():
        for target in spec["cancels"]:
            cancels.setdefault(target, []).append((f"v{b.slots[gate]}", (gate,)))
    for clause, spec in n.mapping(data.get("penalties")).items():
        for target in spec.get("cancels", ()):
            cancels.setdefault(target, []).append(fired[clause])
    slots: list[int] = []
    for name, spec in data["pay"].items():
        path = ("pay", name)
        kind = spec["kind"]
        slot = b.step(name, Kind(f"pay:{kind}"), spec, "", path, unit=Unit.MONEY)  # formula filled in below
        paid_to = _paid_to(b, name, spec, slot)
        start = len(b.lines)
        raw, formula, reads = _component(b, name, spec, slot, slots)
        amount = f"({raw}){q}"
        zero = b.const(Decimal(0).quantize(quantum))
        conditions = [code for code, _ in cancels.get(name, [])]
        earned = None
        if conditions:
            # It reads what the component reads; the tree shows those once, under the component.
            before = (Label("未取消时应发的金额（发放条件不成立时为 0）", "before any cancellation (0 when not due)")
                      if "when" in spec else Label("未取消时应发的金额", "before any cancellation"))
            earned = b.step(name + EARNED, Kind.EARNED, spec, before, path, parent=slot, unit=Unit.MONEY,
                            label=Label("原应发", "earned"))
            b.slots[name + EARNED] = earned
        if "when" in spec:
            source, when_reads = b.expression(spec["when"])
            when = b.step(name + WHEN, Kind.WHEN, spec, str(spec["when"]), (*path, "when"), reads=when_reads,
                          parent=slot, unit=Unit.BOOL, label=Label("发放条件", "paid when"))
            b.code(when, f"v{when} = _bool({source})")
            conditions.append(f"not v{when}")
            # What a cancellation moves is what the component would have paid: nothing when it was not
            # due by its own `when`, so money never due is never shown as taken.
            due = f"({zero} if not v{when} else {amount})"
        else:
            due = amount
        if earned is not None:
            b.code(earned, f"v{earned} = {due}")
            amount, reads = f"v{earned}", (*reads, name + EARNED)
        if paid_to is not None:
            _only_for(b, paid_to, start)
            conditions.insert(0, f"not v{paid_to}")
        if conditions:
            amount = f"({zero} if {' or '.join(conditions)} else {amount})"
        reads = (*reads, *(r for _, names in cancels.get(name, ()) for r in names))
        thresholds = b.thresholds(formula) if isinstance(formula, str) else ()
        if kind == "step":  # the thresholds of the measure: from, from + every, …
            thresholds = (Threshold(b.slots[f"{name}.on"], at=Decimal(spec["from"]), every=Decimal(spec["every"])),)
        formula = formula if isinstance(formula, Label) else b.words(formula)
        b.steps[slot] = replace(b.steps[slot], formula=formula.en, formula_zh=formula.zh,
                                reads=tuple(b.slots[r] for r in reads if r in b.slots), thresholds=thresholds)
        b.code(slot, f"v{slot} = {amount}")
        b.slots[name] = slot
        slots.append(slot)
    return slots


def _paid_to(b: Builder, name: str, spec: Mapping, parent: int) -> int | None:
    """The step saying whether the agent's role is one the component is paid to (`roles:`), if any."""
    if "roles" not in spec:
        return None
    roles = tuple(spec["roles"])
    labels = choices_of(b.doc.data.get("roles"))
    # Each role by its label with its id beside it: the label is what people say, the id what the
    # policy's `roles:` lists hold.
    def named(role: str, lang: str) -> str:
        label = labels[role][0].text(lang) if role in labels else role
        return label if label == role else f"{label}（{role}）" if lang == "zh" else f"{label} ({role})"

    formula = Label("适用于：" + "、".join(named(r, "zh") for r in roles),
                    "applies to: " + ", ".join(named(r, "en") for r in roles))
    slot = b.step(f"{name}.roles", Kind.ROLES, spec, formula, ("pay", name, "roles"),
                  reads=("role",), parent=parent, unit=Unit.BOOL, label=Label("适用岗位", "paid to roles"))
    b.steps[slot] = replace(b.steps[slot], roles=roles)
    b.code(slot, f"v{slot} = v{b.slots['role']} in {b.const(roles)}")
    return slot


def _only_for(b: Builder, paid_to: int, start: int) -> None:
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
    b: Builder, name: str, spec: Mapping, slot: int, earlier: list[int]
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
        on = _detail(b, name, Kind.ON, spec["on"], (*path, "on"), slot, Label("考核值", "measured value"))
        args = ", ".join(b.const(Decimal(spec[k])) for k in ("from", "every", "first"))
        then = b.const(Decimal(spec.get("then", spec["first"])))
        cap = b.const(Decimal(spec["max"])) if "max" in spec else "None"
        then_text = spec.get("then", spec["first"])
        # Its thresholds in the unit the measure is shown in beside them (150%, not 1.5).
        start, every = ((percent_bound(Decimal(spec["from"])), percent_bound(Decimal(spec["every"])))
                        if b.is_percent(f"{name}.on") else (spec["from"], spec["every"]))
        words = b.words(spec["on"])
        formula = Label(
            f"{words.zh} ≥ {start} 时发 {spec['first']}，此后每多 {every} "
            f"再加 {then_text}" + (f"，最多 {spec['max']}" if "max" in spec else ""),
            f"{spec['first']} at {words.en} ≥ {start}, +{then_text} per further {every}"
            + (f", at most {spec['max']}" if "max" in spec else ""))
        return f"_step(v{on}, {args}, {then}, {cap})", formula, (f"{name}.on",)
    if kind == "minimum":
        floor = _floor(b, name, spec["floor"], (*path, "floor"), slot)
        counted = spec.get("of") or [s.name for s in b.steps if s.slot in earlier]
        # A minimum with nothing before it counts a subtotal of 0, so it pays the whole floor.
        subtotal = b.step(f"{name}.subtotal", Kind.SUBTOTAL, spec, " + ".join(counted) or "0", path,
                          reads=tuple(counted), parent=slot, label=Label("计入保底的小计", "subtotal counted"),
                          unit=Unit.MONEY)
        b.code(subtotal, f"v{subtotal} = " + plus(f"v{b.slots[c]}" for c in counted))
        floor_text = f"{name}.floor" if isinstance(spec["floor"], dict) else str(spec["floor"])
        listed = " + ".join(counted) or "0"
        formula = f"max({floor_text} − ({listed}), 0)"
        if re.fullmatch(r"\S+", floor_text):  # a floor of several parts is shown as written
            formula = Label(f"保底 {floor_text} 减去（{listed}），不少于 0", formula)
        if spec.get("prorate") == "calendar_days":  # a joiner's or leaver's floor: days worked of the month
            share = f"v{b.slots[DAYS_WORKED]} / v{b.slots[DAYS_IN_MONTH]}"
            return (f"_max(v{floor} * {share} - v{subtotal}, _0)",
                    Label(f"保底 {floor_text} × 在职天数 / 本月天数，减去（{listed}），不少于 0",
                          f"max({floor_text} × days_worked / days_in_month − ({listed}), 0)"),
                    (f"{name}.floor", DAYS_WORKED, DAYS_IN_MONTH, f"{name}.subtotal"))
        return f"_max(v{floor} - v{subtotal}, _0)", formula, (f"{name}.floor", f"{name}.subtotal")
    # commission
    base = _detail(b, name, Kind.BASE, spec["base"], (*path, "base"), slot, Label("提成基数", "commission base"))
    rate = spec["rate"]
    if not isinstance(rate, dict):
        return f"v{base} * {b.const(Decimal(rate))}", f"{spec['base']} × {rate}", (f"{name}.base",)
    on = _detail(b, name, Kind.ON, rate["on"], (*path, "rate", "on"), slot, Label("分档依据", "tier measure"))
    bands = read_bands(rate["tiers"], "rate")
    bounds, rates = band_bounds(bands), tuple(r for _, _, r, _ in bands)
    closed = rate.get("closed", "left")
    if rate.get("mode", "retroactive") == "marginal":
        # Which end holds a bound does not change a slice: a single point has no width.
        slices = b.step(f"{name}.slices", Kind.SLICES, spec,
                        Label("提成基数 × 各档所占比例 × 该档的提点", "base × share of each tier × its rate"),
                        (*path, "rate", "tiers"), parent=slot, bands=bands, unit=Unit.MONEY, closed=closed,
                        reads=(f"{name}.base", f"{name}.on"), label=Label("分段提成", "slices by tier"))
        b.code(slices, f"v{slices} = _marginal({b.const(bounds)}, {b.const(rates)}, v{base}, v{on})")
        formula = Label(f"{term_zh(b.words(spec['base']).zh)} 按 {term_zh(b.words(rate['on']).zh)} 分段，"
                        "各段按所在档位的提点计算后相加（超额累进）",
                        f"Σ slices of {b.words(spec['base']).en} by tier of {b.words(rate['on']).en} (marginal)")
        return f"_sum(v{slices}, _0)", formula, (f"{name}.slices",)
    reached = Label(f"{term_zh(b.words(rate['on']).zh)} 达到的提成档位", f"tier reached by {b.words(rate['on']).en}")
    index = b.step(name + TIER, Kind.BAND, spec, reached, (*path, "rate", "tiers"),
                   bands=bands, reads=(f"{name}.on",), label=Label("所在档位", "tier reached"), closed=closed)
    b.slots[name + TIER] = index
    b.code(index, f"v{index} = {BAND[closed]}({b.const(bounds)}, v{on})")
    chosen = b.step(f"{name}.rate", Kind.RATE, spec, Label("该档的提点", "rate of that tier"), (*path, "rate", "tiers"),
                    parent=slot,
                    reads=(name + TIER,), label=Label("提点", "rate"), unit=Unit.RATE)
    b.code(chosen, f"v{chosen} = ({b.const(rates)}[v{index}] if 0 <= v{index} < {len(rates)} else _0)")
    formula = Label(f"{term_zh(b.words(spec['base']).zh)} × 所达档位的提点（全额按该档计算）",
                    f"{b.words(spec['base']).en} × rate (retroactive)")
    return f"v{base} * v{chosen}", formula, (f"{name}.base", f"{name}.rate")


def _floor(b: Builder, owner: str, floor: object, path: tuple, parent: int) -> int:
    """A minimum's floor: an expression, or looked up by the agent's role or grade (S4.2/S4.4/S4.5)."""
    if not isinstance(floor, dict):
        return _detail(b, owner, Kind.FLOOR, floor, path, parent, Label("保底线", "floor"))
    key = floor["by"]
    formula = Label(f"按{KEYS.get(key, key)}查保底表", f"floor by {key}")
    slot = b.step(f"{owner}.floor", Kind.FLOOR, {}, formula, path, reads=(key,), parent=parent,
                  label=Label("保底线", "floor"))
    b.slots[f"{owner}.floor"] = slot
    table = b.const({k: Decimal(v) for k, v in floor["values"].items()})
    b.code(slot, f"v{slot} = _lookup({table}, v{b.slots[key]}, {b.const(key)})")
    return slot


def _detail(b: Builder, owner: str, part: Kind, text: object, path: tuple, parent: int, label: Label) -> int:
    """A named sub-step of a pay component (its base, measure or floor), traced like any step."""
    source, reads = b.expression(text)
    # A detail that is just another value (`on: attainment`) is shown as that value is (145.00 %).
    alone = str(text).strip()
    unit = b.steps[b.slots[alone]].unit if alone in b.slots and reads == (alone,) else Unit.NONE
    slot = b.step(f"{owner}.{part}", part, {}, str(text), path, reads=reads, parent=parent, label=label, unit=unit)
    b.slots[f"{owner}.{part}"] = slot
    b.code(slot, f"v{slot} = {source}")
    return slot
