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
    Items,
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
from engine.policy.check_choices import ABSENT
from engine.policy.formula_words import KEYS, percent_bound, term_zh
from engine.policy.sections import (
    CommissionPay,
    Component,
    FixedPay,
    Formula,
    FormulaPay,
    Keyed,
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
        table = how.table
        if _plain(table):
            key = table.by[0]
            formula = Label(f"按{KEYS.get(key, key)}查底薪表", f"base pay by {key}")
        else:
            formula = _table_words(b, table)
        # The row step, when there is one, shows the keys beneath it; else the keys are shown here.
        return _lookup(b, table), formula, _row(b, spec, table, slot, only) or table.by
    if isinstance(how, FixedPay):
        return Const(how.amount), str(how.amount), ()
    if isinstance(how, FormulaPay):
        op, reads = b.expression(how.formula.text)
        return op, how.formula.text, reads
    if isinstance(how, StepPay):
        on = _detail(b, spec, Kind.ON, how.on, slot, Label("考核值", "measured value"), only)
        first, first_text, first_reads = _amount(b, spec, how.first, "first", slot, only, None)
        then, then_text, then_reads = _amount(b, spec, how.then, "then", slot, only,
                                              (how.first, first, first_text))
        # Its thresholds in the unit the measure is shown in beside them (150%, not 1.5).
        start, every = ((percent_bound(how.start), percent_bound(how.every))
                        if b.is_percent(f"{name}.on") else (how.start, how.every))
        words = b.words(how.on.text)
        formula = Label(
            f"{words.zh} ≥ {start} 时发 {first_text}，此后每多 {every} "
            f"再加 {then_text}" + (f"，最多 {how.cap}" if how.cap is not None else ""),
            f"{first_text} at {words.en} ≥ {start}, +{then_text} per further {every}"
            + (f", at most {how.cap}" if how.cap is not None else ""))
        return (StepBonus(Ref(on), how.start, how.every, first, then, how.cap), formula,
                (f"{name}.on", *first_reads, *then_reads))
    if isinstance(how, MinimumPay):
        floor = _floor(b, spec, how.floor, slot, only)
        counted = how.of or [s.name for s in b.steps if s.slot in earlier]
        # A minimum with nothing before it counts a subtotal of 0, so it pays the whole floor.
        subtotal = b.step(f"{name}.subtotal", Kind.SUBTOTAL, Label("计入保底的小计", "subtotal counted"), spec.rules,
                          " + ".join(counted) or "0", spec.line, reads=tuple(counted), parent=slot, unit=Unit.MONEY,
                          op=only(Plus(tuple(b.ref(c) for c in counted))))
        floor_text = f"{name}.floor" if isinstance(how.floor, Keyed) else how.floor.text
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
    picked: Op = Pick(rates, Ref(index))
    keys: tuple[str, ...] = ()
    if rate.by:  # some tier's rate is by role, grade …: the tier reached, then its rate for the agent
        picked = Const(Decimal(0))  # below the first tier, as Pick gives
        for at in reversed(range(len(rates))):
            keyed = rate.by[at]
            value: Op = Const(rates[at]) if keyed is None else _lookup(b, keyed)
            picked = IfElse(Compare(Ref(index), (Cmp.EQ,), (Const(at),)), value, picked)
        keys = tuple(dict.fromkeys(k for keyed in rate.by if keyed is not None for k in keyed.by))
    by_zh, by_en = "、".join(_key_zh(b, k) for k in keys), ", ".join(keys)
    words = (Label(f"该档按{by_zh}的提点", f"rate of that tier by {by_en}") if keys
             else Label("该档的提点", "rate of that tier"))
    chosen = b.step(f"{name}.rate", Kind.RATE, Label("提点", "rate"), spec.rules, words, rate.line, parent=slot,
                    reads=(name + TIER, *keys), unit=Unit.RATE, op=only(picked))
    formula = Label(f"{term_zh(base_words.zh)} × 所达档位的提点（全额按该档计算）",
                    f"{base_words.en} × rate (retroactive)")
    return Binary(Arith.MUL, Ref(base), Ref(chosen)), formula, (f"{name}.base", f"{name}.rate")


def _floor(b: Builder, spec: Component, floor: Formula | Keyed, parent: int, only: _Details) -> int:
    """A minimum's floor: an expression, or looked up by the agent's role or grade (S4.2/S4.4/S4.5), rating,
    a choice, or two of them."""
    if isinstance(floor, Formula):
        return _detail(b, spec, Kind.FLOOR, floor, parent, Label("保底线", "floor"), only)
    if _plain(floor):
        key = floor.by[0]
        formula = Label(f"按{KEYS.get(key, key)}查保底表", f"floor by {key}")
    else:
        formula = _table_words(b, floor)
    slot = b.step(f"{spec.name}.floor", Kind.FLOOR, Label("保底线", "floor"), (), formula, floor.line,
                  reads=floor.by, parent=parent, op=only(_lookup(b, floor)))
    b.slots[f"{spec.name}.floor"] = slot
    return slot


def _plain(table: Keyed) -> bool:
    """A table by role or grade alone without a default: said and traced as before tables took any key."""
    return len(table.by) == 1 and table.by[0] in ("role", "grade") and table.default is None


def _lookup(b: Builder, table: Keyed, rows: tuple[tuple[tuple[str, ...], object], ...] | None = None) -> Lookup:
    """The look-up of a table by one key (rows by id) or two (rows by pairs of ids). A choice that may be
    blank (`missing: absent`) has the value None when it is: its row `absent` is keyed by None, so an
    agent not assessed finds that row, and only that row (checked: JX236)."""
    blank = tuple((metric := b.policy.metric(key)) is not None and metric.absent for key in table.by)
    found = tuple((tuple(None if part == ABSENT and blank[i] else part for i, part in enumerate(row)), value)
                  for row, value in (table.values.items() if rows is None else rows))
    if len(table.by) == 1:
        return Lookup(tuple((row[0], value) for row, value in found), b.ref(table.by[0]), table.by[0], table.default)
    return Lookup(found, Items(tuple(b.ref(k) for k in table.by)), table.by, table.default)


def _table_words(b: Builder, table: Keyed) -> Label:
    """`按 评级 查表` / `table by rating`, and what a row not listed gets."""
    zh = " × ".join(_key_zh(b, key) for key in table.by)
    en = " × ".join(table.by)
    if table.default is None:
        return Label(f"按{zh}查表", f"table by {en}")
    return Label(f"按{zh}查表，表中未列出的取 {table.default}", f"table by {en}, {table.default} for any not listed")


def _key_zh(b: Builder, key: str) -> str:
    if key in KEYS:
        return KEYS[key]
    if key == "rating":
        return "评级"
    metric = b.policy.metric(key)
    return metric.label.zh if metric is not None else key


def _row(b: Builder, spec: Component, table: Keyed, parent: int, only: _Details) -> tuple[str, ...]:
    """For a table by two keys or with a default, a step saying which row was read ("supervisor × A2", or
    "default"), so the trace shows it; nothing for a table by one key listing every value."""
    if len(table.by) == 1 and table.default is None:
        return ()
    lookup = _lookup(b, table, tuple((row, " × ".join(row)) for row in table.values))
    op = Lookup(lookup.table, lookup.key, lookup.what, None if table.default is None else "default")
    keys = Label(" × ".join(_key_zh(b, key) for key in table.by), " × ".join(table.by))
    words = Label(f"按{keys.zh}查到的行" + ("，未列出时为 default" if table.default is not None else ""),
                  f"the row of {keys.en} read" + (", default when not listed" if table.default is not None else ""))
    slot = b.step(f"{spec.name}.row", Kind.ROW, Label("所用的行", "row used"), (), words, table.line,
                  reads=table.by, parent=parent, unit=Unit.TEXT, op=only(op))
    b.slots[f"{spec.name}.row"] = slot
    return (f"{spec.name}.row",)


def _amount(b: Builder, spec: Component, amount: Decimal | Keyed, part: str, parent: int, only: _Details,
            same: tuple[Decimal | Keyed, Op, str] | None) -> tuple[Op, str, tuple[str, ...]]:
    """A step bonus's `first` or `then`: a constant, or a step looked up by role, grade … (S4.4/S4.5: 100 to a
    trainee supervisor, 150 to a supervisor). `then` written as `first` reads the same step."""
    if not isinstance(amount, Keyed):
        return Const(amount), str(amount), ()
    if same is not None and same[0] == amount:
        return same[1], same[2], ()
    name = f"{spec.name}.{part}"
    label = Label("首级金额", "amount at the first step") if part == "first" else Label("每级加发", "amount per step")
    slot = b.step(name, Kind.AMOUNT, label, (), _table_words(b, amount), amount.line, reads=amount.by, parent=parent,
                  unit=Unit.MONEY, op=only(_lookup(b, amount)))
    b.slots[name] = slot
    return Ref(slot), name, (name,)


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
