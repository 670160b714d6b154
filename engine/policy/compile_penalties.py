"""Stage 3, compile, the penalty part: clause inputs, their conditions, the lawful loss deduction.

A clause's facts (how often it fired, the events behind it, their amounts) are read from the
month's events before the per-agent code runs, so they are inputs of the plan; what they do is
code like any other step, traced: a clause's `when`, the cancellations (in `compile_pay`), the
warnings it issues, the loss it charges to someone else, and one pay line, `loss_deduction`, that
takes the month's losses (and what earlier months could not take) within Art. 16 of the wage
regulation (L.1): at most `cap` of the month's pay, and never below the minimum wage.

Order (the default, shown in the trace): pay components → cancellations → guaranteed minimum (a
`minimum` component tops up what is left after cancellations) → deductions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, Decimal

from engine.model.blocks import Block
from engine.model.kinds import Kind
from engine.model.label import Label
from engine.model.ops import (
    Arith,
    Binary,
    Call,
    Clamp,
    Cmp,
    Compare,
    Const,
    Fn,
    IfElse,
    Input,
    Logic,
    Op,
    Plus,
    Quantize,
    Ref,
    Truth,
)
from engine.model.penalties import Clause, Deductions, EventVocabulary
from engine.model.step_names import (
    ADJUSTMENTS,
    CARRIED_IN,
    CARRIED_OUT,
    CHARGED,
    DEDUCTION,
    DEDUCTION_CAP,
    DEDUCTION_LOSS,
    DEDUCTION_OWED,
    DEDUCTION_ROOM,
    DROPPED,
    EVENTS,
    GROSS,
    LOSS,
    MINIMUM_WAGE,
    WARNINGS,
    WHEN,
)
from engine.model.units import Unit
from engine.policy.builder import Builder
from engine.policy.compile_events import clause_formula
from engine.policy.sections import ClauseSpec, Policy

WARNING_LABELS = {"warning": Label("警告次数", "Warnings"),
                  "serious_warning": Label("严重警告次数", "Serious warnings")}


def declare_inputs(b: Builder, policy: Policy, clauses: Sequence[Clause], events: EventVocabulary | None,
                   deductions: Deductions | None) -> None:
    """Each clause's count (with its events and their amounts as children), and the carried loss."""
    for clause, spec in zip(clauses, policy.penalties, strict=True):
        slot = b.slots[clause.name] = b.step(clause.name, Kind.CLAUSE, spec.label, spec.rules,
                                             clause_formula(clause, events), spec.line, unit=Unit.COUNT,
                                             op=Input(Block.PENALTIES, clause.name))
        b.slots[clause.name + EVENTS] = b.step(
            clause.name + EVENTS, Kind.EVIDENCE, Label("触发的事件", "events behind it"), spec.rules, "", spec.line,
            parent=slot, unit=Unit.EVENTS, op=Input(Block.PENALTIES, clause.name + EVENTS))
        if clause.costs:
            b.slots[clause.name + LOSS] = b.step(
                clause.name + LOSS, Kind.LOSS, Label("涉及金额", "amount involved"), spec.rules, _loss_formula(clause),
                spec.line, parent=slot, unit=Unit.MONEY, op=Input(Block.PENALTIES, clause.name + LOSS))
    if deductions is not None:
        spec = policy.deductions
        assert spec is not None
        b.slots[CARRIED_IN] = b.step(
            CARRIED_IN, Kind.CARRIED, Label("以前月份结转", "carried in"), spec.rules,
            Label("账本中此前月份未扣完的部分", "from the ledger"), spec.line, unit=Unit.MONEY,
            op=Input(Block.PENALTIES, CARRIED_IN))
        b.slots[MINIMUM_WAGE] = b.step(
            MINIMUM_WAGE, Kind.MINIMUM_WAGE, Label("当地月最低工资", "local minimum wage"), spec.rules,
            Label("方案声明的当月当地最低工资", "as the policy declares for the month"), spec.wage_line,
            unit=Unit.MONEY, op=Input(Block.PENALTIES, MINIMUM_WAGE))
        b.slots[ADJUSTMENTS] = b.step(
            ADJUSTMENTS, Kind.ADJUSTMENTS, Label("人工调整", "manual adjustments"), spec.rules,
            Label("本月人工调整之和（评估后单列，计入扣款基数）", "sum of the month's manual adjustments (paid as "
                  "lines of their own; in the base of the guard)"), spec.line, unit=Unit.MONEY,
            op=Input(Block.PENALTIES, ADJUSTMENTS))


def _loss_formula(clause: Clause) -> Label:
    if isinstance(clause.deducts, Decimal):
        return Label(f"每次 {clause.deducts} 元 × 次数（固定金额，非实际损失）",
                     f"{clause.deducts} per firing (a fixed sum, not a loss)")
    return Label("触发事件的金额之和（实际损失）", "sum of the events' amounts (the actual loss)")


def conditions(b: Builder, clauses: Sequence[ClauseSpec]) -> dict[str, tuple[Op, tuple[str, ...]]]:
    """Each clause's firing as an op and the names it reads; a `when` becomes a traced step of its own."""
    found: dict[str, tuple[Op, tuple[str, ...]]] = {}
    for clause in clauses:
        if clause.when is None:
            found[clause.name] = (b.ref(clause.name), (clause.name,))
            continue
        test, reads = b.expression(clause.when.text)
        name = clause.name + WHEN
        slot = b.step(name, Kind.WHEN, Label("适用条件", "applies when"), clause.rules, clause.when.text,
                      clause.when.line, reads=reads, parent=b.slots[clause.name], unit=Unit.BOOL, op=Truth(test))
        b.slots[name] = slot
        found[clause.name] = (Logic("and", (b.ref(clause.name), Ref(slot))), (clause.name, name))
    return found


def _if_fired(value: Op, fired: Op) -> IfElse:
    """The clause's value when it fired (and its `when` holds), else 0."""
    return IfElse(fired, value, Const(Decimal(0)))


def effect_steps(b: Builder, clauses: Sequence[ClauseSpec], fired: Mapping[str, tuple[Op, tuple]],
                 quantum: Decimal, mode: str, line: int) -> None:
    """Warnings issued and losses charged to someone else: traced, recorded at the pay quantum, not paid."""
    for level, name in WARNINGS.items():
        label = WARNING_LABELS[level]
        issuing = [c for c in clauses if c.warns == level]
        if not issuing:
            continue
        b.slots[name] = b.step(name, Kind.WARNINGS, label, (), " + ".join(c.name for c in issuing), line,
                               unit=Unit.COUNT, reads=tuple(r for c in issuing for r in fired[c.name][1]),
                               op=Plus(tuple(_if_fired(b.ref(c.name), fired[c.name][0]) for c in issuing)))
    for clause in clauses:
        if clause.charges is None:
            continue
        name = clause.name + CHARGED
        charges = clause.charges
        formula = Label(f"计入{charges.zh}，不从本人工资扣除", f"charged to {charges.en}, not to the agent")
        b.slots[name] = b.step(
            name, Kind.CHARGED, Label(f"由{charges.zh}承担", f"borne by {charges.en}"), clause.rules, formula,
            clause.charges_line, parent=b.slots[clause.name], unit=Unit.MONEY,
            reads=(clause.name + LOSS, *fired[clause.name][1]),
            op=Quantize(_if_fired(b.ref(clause.name + LOSS), fired[clause.name][0]), quantum, mode))


def deduction_step(b: Builder, policy: Policy, clauses: Sequence[Clause], deductions: Deductions,
                   fired: Mapping[str, tuple[Op, tuple]], components: Sequence[str], quantum: Decimal) -> int:
    """The `loss_deduction` pay line (≤ 0) and its working: loss, carried, cap, room, carried out."""
    assert policy.deductions is not None
    rules, where = deductions.rules, policy.deductions.line
    zero = Const(Decimal(0))
    line = b.step(DEDUCTION, Kind.PAY_DEDUCTION, deductions.label, rules, "", where, unit=Unit.MONEY)
    gross = b.step(GROSS, Kind.GROSS, Label("扣款前应发", "Pay before deductions"), (),
                   " + ".join((*components, ADJUSTMENTS)), policy.pay_line, reads=(*components, ADJUSTMENTS),
                   parent=line, unit=Unit.MONEY, op=Plus(tuple(b.ref(c) for c in (*components, ADJUSTMENTS))))
    b.slots[GROSS] = gross
    taking = [c for c in clauses if c.deducts is not None]
    # The loss as the events state it, not rounded: rounding it up would take more than was lost (L.2).
    loss = b.step(DEDUCTION_LOSS, Kind.LOSS, Label("本月应赔损失", "this month's losses"), rules,
                  " + ".join(c.name + LOSS for c in taking) or "0", where,
                  reads=tuple(r for c in taking for r in (c.name + LOSS, *fired[c.name][1])), parent=line,
                  unit=Unit.MONEY, op=Plus(tuple(_if_fired(b.ref(c.name + LOSS), fired[c.name][0]) for c in taking)))
    owed = b.step(DEDUCTION_OWED, Kind.OWED, Label("应扣合计", "owed in all"), rules,
                  f"{DEDUCTION_LOSS} + {CARRIED_IN}", where, reads=(DEDUCTION_LOSS, CARRIED_IN), parent=line,
                  unit=Unit.MONEY, op=Binary(Arith.ADD, Ref(loss), b.ref(CARRIED_IN)))
    b.slots[DEDUCTION_LOSS], b.slots[DEDUCTION_OWED] = loss, owed
    if deductions.guard:
        # Pay below 0 (a formula component can be negative) leaves nothing to take, never a negative cap.
        cap = b.step(DEDUCTION_CAP, Kind.CAP, Label("当月扣款上限", "monthly cap"), rules,
                     Label(f"{GROSS} × {deductions.cap}，按发放单位向下取整，不少于 0",
                           f"{GROSS} × {deductions.cap}, rounded down to the pay quantum, at least 0"),
                     where, reads=(GROSS,), parent=line, unit=Unit.MONEY,
                     op=IfElse(Compare(Ref(gross), (Cmp.LE,), (zero,)), zero,
                               Quantize(Binary(Arith.MUL, Ref(gross), Const(deductions.cap)), quantum, ROUND_DOWN)))
        room = b.step(DEDUCTION_ROOM, Kind.ROOM, Label("扣后不低于最低工资的可扣额", "room above the minimum wage"),
                      rules, Label(f"{GROSS} − 当地月最低工资，不少于 0", f"max({GROSS} − {MINIMUM_WAGE}, 0)"),
                      where, reads=(GROSS, MINIMUM_WAGE), parent=line, unit=Unit.MONEY,
                      op=Clamp(Binary(Arith.SUB, Ref(gross), b.ref(MINIMUM_WAGE)), zero))
        b.slots[DEDUCTION_CAP], b.slots[DEDUCTION_ROOM] = cap, room
        taken: Op = Call(Fn.MIN, (Ref(owed), Ref(cap), Ref(room)))
        formula = Label("−（应扣合计、扣款上限、最低工资以上部分 三者中最小者）（工资支付暂行规定第十六条）",
                        "−min(owed, cap, room above the minimum wage) (wage regulation Art. 16)")
        reads: tuple[str, ...] = (DEDUCTION_OWED, DEDUCTION_CAP, DEDUCTION_ROOM)
    else:
        taken = Ref(owed)
        formula = Label("−应扣合计：法定上限已关闭（deductions: guard: off），不受 20% 与最低工资限制",
                        "−owed: the legal guard is off (deductions: guard: off); no 20 % cap, no minimum wage")
        reads = (DEDUCTION_OWED,)
    # What is taken is rounded down to the pay quantum (never more than the loss or the law allows);
    # 0 − x, never −x: nothing taken is 0.00, not −0 (a report shows no negative zero).
    b.compute(line, Binary(Arith.SUB, zero, Quantize(taken, quantum, ROUND_DOWN)))
    draft = b.steps[line]
    draft.formula, draft.formula_zh = formula.en, formula.zh
    draft.reads = tuple(b.slots[r] for r in (GROSS, *reads))
    after = CARRIED_OUT if deductions.remainder == "carry" else DROPPED
    label = Label("结转下月", "carried to next month") if deductions.remainder == "carry" else Label(
        "不再追扣（remainder: drop）", "dropped (remainder: drop)")
    rest = b.step(after, Kind.CARRIED if deductions.remainder == "carry" else Kind.DROPPED, label, rules,
                  f"{DEDUCTION_OWED} + {DEDUCTION}", where, reads=(DEDUCTION_OWED, DEDUCTION), parent=line,
                  unit=Unit.MONEY, op=Binary(Arith.ADD, Ref(owed), Ref(line)))
    b.slots[DEDUCTION] = line
    b.slots[after] = rest
    return line


def recorded(b: Builder, clauses: Sequence[Clause], fired: Mapping[str, tuple[Op, tuple]],
             deductions: Deductions | None) -> tuple[tuple[str, Op], ...]:
    """What the ledger keeps of the clauses (AgentResult.penalties): each clause's count when it
    applies, warnings issued, amounts charged to others, and the loss carried forward."""
    pairs: list[tuple[str, Op]] = [(c.name, _if_fired(b.ref(c.name), fired[c.name][0])) for c in clauses]
    pairs += [(name, b.ref(name)) for name in WARNINGS.values() if name in b.slots]
    pairs += [(c.name + CHARGED, b.ref(c.name + CHARGED)) for c in clauses if c.charges]
    if deductions is not None and deductions.remainder == "carry":
        pairs.append((CARRIED_OUT, b.ref(CARRIED_OUT)))
    return tuple(pairs)
