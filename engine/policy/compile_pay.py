"""Stage 3, compile, the pay part: each pay component's steps and their ops (S4 role pay included).

A component is one money step with its details (base, measure, floor, conditions) as child
steps, computed in the order written (a minimum counts the components before it). A component
paid to some roles only (`roles:`) computes its details only for those roles. Formulas are
written in Chinese and English from the same template data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from engine.model.kinds import Kind
from engine.model.label import Label
from engine.model.ops import (
    Arith,
    Band,
    Binary,
    Call,
    Cmp,
    Compare,
    Const,
    Fn,
    IfElse,
    Logic,
    Lookup,
    Marginal,
    OnlyIf,
    Op,
    Pick,
    Plus,
    Quantize,
    Ref,
    Sign,
    StepBonus,
    SumOf,
    Truth,
    Unary,
)
from engine.model.step_names import DAYS_IN_MONTH, DAYS_WORKED, EARNED, TIER, WHEN
from engine.model.steps import Threshold
from engine.model.units import Unit
from engine.policy.builder import Builder, band_bounds
from engine.policy.formula_words import KEYS, percent_bound, term_zh
from engine.policy.sections import (
    CommissionPay,
    Component,
    FixedPay,
    FloorTable,
    Formula,
    FormulaPay,
    MinimumPay,
    Policy,
    StepPay,
    TablePay,
)


def pay_steps(b: Builder, policy: Policy, quantum: Decimal, mode: str,
              fired: Mapping[str, tuple[Op, tuple[str, ...]]]) -> list[int]:
    """Every pay component's steps and ops, in the order written; their slots, in that order.

    A component cancelled by a gate, not due by its `when:`, or not paid to the agent's role is
    0 at the pay quantum; otherwise its amount is rounded to the quantum by the policy's mode. A
    component a gate or a penalty clause can cancel keeps what it would have paid as a child step
    (`.earned`), so the trace shows the money each cancellation moved. `fired` holds each clause's
    firing as an op and the names it reads (engine.policy.compile_penalties.conditions)."""
    cancels: dict[str, list[tuple[Op, tuple[str, ...]]]] = {}
    for gate in policy.gates:
        for target in gate.cancels:
            cancels.setdefault(target, []).append((b.ref(gate.name), (gate.name,)))
    for clause in policy.penalties:
        for target in clause.cancels:
            cancels.setdefault(target, []).append(fired[clause.name])
    zero = Const(Decimal(0).quantize(quantum))
    slots: list[int] = []
    for spec in policy.pay:
        name = spec.name
        # Its formula, reads and op are known once its details are: the draft is completed below.
        slot = b.step(name, spec.kind, spec.label, spec.rules, "", spec.line, unit=Unit.MONEY)
        paid_to = _paid_to(b, spec, slot)
        # Another role's trainee has no entry in a supervisors' floor table and may have no task: the
        # details of a component paid to some roles only are computed for those roles only (the trace
        # shows them as —), so they can neither fail nor mislead.
        only = _Details(None if paid_to is None else Ref(paid_to))
        raw, formula, reads = _component(b, spec, slot, slots, only)
        amount: Op = Quantize(raw, quantum, mode)
        conditions = [op for op, _ in cancels.get(name, [])]
        earned = None
        if conditions:
            # It reads what the component reads; the tree shows those once, under the component.
            before = (Label("未取消时应发的金额（发放条件不成立时为 0）", "before any cancellation (0 when not due)")
                      if spec.when is not None else Label("未取消时应发的金额", "before any cancellation"))
            earned = b.step(name + EARNED, Kind.EARNED, Label("原应发", "earned"), spec.rules, before, spec.line,
                            parent=slot, unit=Unit.MONEY)
            b.slots[name + EARNED] = earned
        if spec.when is not None:
            test, when_reads = b.expression(spec.when.text)
            when = b.step(name + WHEN, Kind.WHEN, Label("发放条件", "paid when"), spec.rules, spec.when.text,
                          spec.when.line, reads=when_reads, parent=slot, unit=Unit.BOOL, op=only(Truth(test)))
            conditions.append(Unary(Sign.NOT, Ref(when)))
            # What a cancellation moves is what the component would have paid: nothing when it was not
            # due by its own `when`, so money never due is never shown as taken.
            due: Op = IfElse(Unary(Sign.NOT, Ref(when)), zero, amount)
        else:
            due = amount
        if earned is not None:
            b.compute(earned, only(due))
            amount, reads = Ref(earned), (*reads, name + EARNED)
        if paid_to is not None:
            conditions.insert(0, Unary(Sign.NOT, Ref(paid_to)))
        if conditions:
            amount = IfElse(conditions[0] if len(conditions) == 1 else Logic("or", tuple(conditions)), zero, amount)
        reads = (*reads, *(r for _, names in cancels.get(name, ()) for r in names))
        thresholds = b.thresholds(formula) if isinstance(formula, str) else ()
        if isinstance(spec.how, StepPay):  # the thresholds of the measure: from, from + every, …
            thresholds = (Threshold(b.slots[f"{name}.on"], at=spec.how.start, every=spec.how.every),)
        words = formula if isinstance(formula, Label) else b.words(formula)
        draft = b.steps[slot]
        draft.formula, draft.formula_zh, draft.thresholds = words.en, words.zh, thresholds
        draft.reads = tuple(b.slots[r] for r in reads if r in b.slots)
        b.compute(slot, amount)
        b.slots[name] = slot
        slots.append(slot)
    return slots


class _Details:
    """Wraps a component's details in the role check of `roles:` (OnlyIf), or leaves them as they are."""

    def __init__(self, paid_to: Ref | None):
        self.paid_to = paid_to

    def __call__(self, op: Op) -> Op:
        return op if self.paid_to is None else OnlyIf(self.paid_to, op)


def _paid_to(b: Builder, spec: Component, parent: int) -> int | None:
    """The step saying whether the agent's role is one the component is paid to (`roles:`), if any."""
    if spec.roles is None:
        return None
    roles = spec.roles
    labels = b.policy.roles

    # Each role by its label with its id beside it: the label is what people say, the id what the
    # policy's `roles:` lists hold.
    def named(role: str, lang: str) -> str:
        label = labels[role][0].text(lang) if role in labels else role
        return label if label == role else f"{label}（{role}）" if lang == "zh" else f"{label} ({role})"

    formula = Label("适用于：" + "、".join(named(r, "zh") for r in roles),
                    "applies to: " + ", ".join(named(r, "en") for r in roles))
    return b.step(f"{spec.name}.roles", Kind.ROLES, Label("适用岗位", "paid to roles"), spec.rules, formula,
                  spec.roles_line, reads=("role",), parent=parent, unit=Unit.BOOL, roles=roles,
                  op=Compare(b.ref("role"), (Cmp.IN,), (Const(roles),)))


def _component(b: Builder, spec: Component, slot: int, earlier: list[int],
               only: _Details) -> tuple[Op, str | Label, tuple[str, ...]]:
    """A component's unrounded amount, its formula text and the names it reads."""
    name, how = spec.name, spec.how
    if isinstance(how, TablePay):
        key = how.key
        formula = Label(f"按{KEYS.get(key, key)}查底薪表", f"base pay by {key}")
        return Lookup(tuple(how.values.items()), b.ref(key), key), formula, (key,)
    if isinstance(how, FixedPay):
        return Const(how.amount), str(how.amount), ()
    if isinstance(how, FormulaPay):
        op, reads = b.expression(how.formula.text)
        return op, how.formula.text, reads
    if isinstance(how, StepPay):
        on = _detail(b, spec, Kind.ON, how.on, slot, Label("考核值", "measured value"), only)
        # Its thresholds in the unit the measure is shown in beside them (150%, not 1.5).
        start, every = ((percent_bound(how.start), percent_bound(how.every))
                        if b.is_percent(f"{name}.on") else (how.start, how.every))
        words = b.words(how.on.text)
        formula = Label(
            f"{words.zh} ≥ {start} 时发 {how.first}，此后每多 {every} "
            f"再加 {how.then}" + (f"，最多 {how.cap}" if how.cap is not None else ""),
            f"{how.first} at {words.en} ≥ {start}, +{how.then} per further {every}"
            + (f", at most {how.cap}" if how.cap is not None else ""))
        return (StepBonus(Ref(on), how.start, how.every, how.first, how.then, how.cap), formula,
                (f"{name}.on",))
    if isinstance(how, MinimumPay):
        floor = _floor(b, spec, how.floor, slot, only)
        counted = how.of or [s.name for s in b.steps if s.slot in earlier]
        # A minimum with nothing before it counts a subtotal of 0, so it pays the whole floor.
        subtotal = b.step(f"{name}.subtotal", Kind.SUBTOTAL, Label("计入保底的小计", "subtotal counted"), spec.rules,
                          " + ".join(counted) or "0", spec.line, reads=tuple(counted), parent=slot, unit=Unit.MONEY,
                          op=only(Plus(tuple(b.ref(c) for c in counted))))
        floor_text = f"{name}.floor" if isinstance(how.floor, FloorTable) else how.floor.text
        listed = " + ".join(counted) or "0"
        formula = f"max({floor_text} − ({listed}), 0)"
        if re.fullmatch(r"\S+", floor_text):  # a floor of several parts is shown as written
            formula = Label(f"保底 {floor_text} 减去（{listed}），不少于 0", formula)
        zero = Const(Decimal(0))
        if how.prorate:  # a joiner's or leaver's floor: days worked of the month
            share = Binary(Arith.DIV, Binary(Arith.MUL, Ref(floor), b.ref(DAYS_WORKED)), b.ref(DAYS_IN_MONTH))
            return (Call(Fn.MAX, (Binary(Arith.SUB, share, Ref(subtotal)), zero)),
                    Label(f"保底 {floor_text} × 在职天数 / 本月天数，减去（{listed}），不少于 0",
                          f"max({floor_text} × days_worked / days_in_month − ({listed}), 0)"),
                    (f"{name}.floor", DAYS_WORKED, DAYS_IN_MONTH, f"{name}.subtotal"))
        return (Call(Fn.MAX, (Binary(Arith.SUB, Ref(floor), Ref(subtotal)), zero)), formula,
                (f"{name}.floor", f"{name}.subtotal"))
    assert isinstance(how, CommissionPay)
    base = _detail(b, spec, Kind.BASE, how.base, slot, Label("提成基数", "commission base"), only)
    rate = how.rate
    if isinstance(rate, Decimal):
        return Binary(Arith.MUL, Ref(base), Const(rate)), f"{how.base.text} × {rate}", (f"{name}.base",)
    on = _detail(b, spec, Kind.ON, rate.on, slot, Label("分档依据", "tier measure"), only)
    bands = rate.tiers
    bounds, rates = band_bounds(bands), tuple(r for _, _, r, _ in bands)
    closed = rate.closed
    base_words, on_words = b.words(how.base.text), b.words(rate.on.text)
    if rate.marginal:
        # Which end holds a bound does not change a slice: a single point has no width.
        slices = b.step(f"{name}.slices", Kind.SLICES, Label("分段提成", "slices by tier"), spec.rules,
                        Label("提成基数 × 各档所占比例 × 该档的提点", "base × share of each tier × its rate"),
                        rate.line, parent=slot, bands=bands, unit=Unit.MONEY, closed=closed,
                        reads=(f"{name}.base", f"{name}.on"), op=only(Marginal(bounds, rates, Ref(base), Ref(on))))
        formula = Label(f"{term_zh(base_words.zh)} 按 {term_zh(on_words.zh)} 分段，"
                        "各段按所在档位的提点计算后相加（超额累进）",
                        f"Σ slices of {base_words.en} by tier of {on_words.en} (marginal)")
        return SumOf(Ref(slices)), formula, (f"{name}.slices",)
    reached = Label(f"{term_zh(on_words.zh)} 达到的提成档位", f"tier reached by {on_words.en}")
    index = b.step(name + TIER, Kind.BAND, Label("所在档位", "tier reached"), spec.rules, reached, rate.line,
                   bands=bands, reads=(f"{name}.on",), closed=closed, op=only(Band(bounds, Ref(on), closed)))
    b.slots[name + TIER] = index
    chosen = b.step(f"{name}.rate", Kind.RATE, Label("提点", "rate"), spec.rules,
                    Label("该档的提点", "rate of that tier"), rate.line, parent=slot, reads=(name + TIER,),
                    unit=Unit.RATE, op=only(Pick(rates, Ref(index))))
    formula = Label(f"{term_zh(base_words.zh)} × 所达档位的提点（全额按该档计算）",
                    f"{base_words.en} × rate (retroactive)")
    return Binary(Arith.MUL, Ref(base), Ref(chosen)), formula, (f"{name}.base", f"{name}.rate")


def _floor(b: Builder, spec: Component, floor: Formula | FloorTable, parent: int, only: _Details) -> int:
    """A minimum's floor: an expression, or looked up by the agent's role or grade (S4.2/S4.4/S4.5)."""
    if isinstance(floor, Formula):
        return _detail(b, spec, Kind.FLOOR, floor, parent, Label("保底线", "floor"), only)
    key = floor.by
    formula = Label(f"按{KEYS.get(key, key)}查保底表", f"floor by {key}")
    slot = b.step(f"{spec.name}.floor", Kind.FLOOR, Label("保底线", "floor"), (), formula, floor.line, reads=(key,),
                  parent=parent, op=only(Lookup(tuple(floor.values.items()), b.ref(key), key)))
    b.slots[f"{spec.name}.floor"] = slot
    return slot


def _detail(b: Builder, spec: Component, part: Kind, formula: Formula, parent: int, label: Label,
            only: _Details) -> int:
    """A named sub-step of a pay component (its base, measure or floor), traced like any step."""
    op, reads = b.expression(formula.text)
    # A detail that is just another value (`on: attainment`) is shown as that value is (145.00 %).
    alone = formula.text.strip()
    unit = b.steps[b.slots[alone]].unit if alone in b.slots and reads == (alone,) else Unit.NONE
    slot = b.step(f"{spec.name}.{part}", part, label, (), formula.text, formula.line, reads=reads, parent=parent,
                  unit=unit, op=only(op))
    b.slots[f"{spec.name}.{part}"] = slot
    return slot
