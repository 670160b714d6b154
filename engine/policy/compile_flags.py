"""Compile `flags:` (S1.5): each flag's condition, and whether it is raised, as steps of the plan.

A flag is three steps: its condition this month (`<id>.when`, true/false), with `months:` above 1
the number of earlier months of its window in which the condition held (`<id>.earlier`, an input of
the flags block, read from the ledger), and the flag itself: the condition, or with a window
`earlier + (1 if the condition holds) >= at_least`. Flags come after every other step (they may read
anything, and nothing that pays reads them: the checker refuses it, JX292), in an order where each
comes after the flags it reads.
"""

from __future__ import annotations

from decimal import Decimal

from engine.model.blocks import Block
from engine.model.flags import Flag
from engine.model.kinds import Kind
from engine.model.label import Label
from engine.model.ops import Cmp, Compare, Const, IfElse, Input, Plus, Ref, Truth
from engine.model.units import Unit
from engine.policy.builder import Builder
from engine.policy.check_flags import flag_order
from engine.policy.sections import FlagSpec, Policy

EARLIER = ".earlier"  # the suffix of a flag's count of earlier months (an input)
WHEN = ".when"  # the suffix of a flag's condition this month


def compile_flags(specs: tuple[FlagSpec, ...]) -> tuple[Flag, ...]:
    return tuple(Flag(s.name, s.label, s.rules, s.when.text, s.months, s.at_least, s.action) for s in specs)


def declare_inputs(b: Builder, policy: Policy) -> None:
    """The flags block: for each flag with a window of months, in how many earlier months its condition held."""
    for spec in policy.flags:
        if spec.months > 1:
            name = spec.name + EARLIER
            formula = Label(f"此前 {spec.months - 1} 个月中条件成立的月数（账本记录）",
                            f"earlier months of the last {spec.months - 1} in which the condition held (the ledger)")
            b.slots[name] = b.step(name, Kind.FLAG_EARLIER, Label("此前成立的月数", "earlier months held"),
                                   spec.rules, formula, spec.line, unit=Unit.COUNT, op=Input(Block.FLAGS, name))


def flag_steps(b: Builder, policy: Policy) -> tuple[tuple[str, int, int], ...]:
    """Each flag's steps, in an order where it follows the flags it reads; (id, condition slot, flag slot)
    in policy order."""
    specs = {s.name: s for s in policy.flags}
    found: dict[str, tuple[str, int, int]] = {}
    for name in flag_order({s.name: s.when.text for s in policy.flags}):
        spec = specs[name]
        slot = b.step(name, Kind.FLAG, spec.label, spec.rules, _formula(spec), spec.line, unit=Unit.BOOL)
        op, reads = b.expression(spec.when.text)
        when = b.step(name + WHEN, Kind.FLAG_WHEN, Label("本月条件", "condition this month"), spec.rules,
                      spec.when.text, spec.when.line, reads=reads, parent=slot, unit=Unit.BOOL, op=Truth(op))
        if spec.months > 1:
            counted = Plus((b.ref(name + EARLIER), IfElse(Ref(when), Const(Decimal(1)), Const(Decimal(0)))))
            b.compute(slot, Compare(counted, (Cmp.GE,), (Const(Decimal(spec.at_least)),)))
        else:
            b.compute(slot, Ref(when))
        b.slots[name] = slot
        found[name] = (name, when, slot)
    return tuple(found[s.name] for s in policy.flags)


def _formula(spec: FlagSpec) -> Label:
    if spec.months == 1:
        return Label("本月条件成立", "the condition holds this month")
    if spec.at_least == spec.months:
        return Label(f"条件连续 {spec.months} 个月成立（含本月）",
                     f"the condition held {spec.months} months running, this one included")
    return Label(f"最近 {spec.months} 个月中至少 {spec.at_least} 个月条件成立（含本月）",
                 f"the condition held in at least {spec.at_least} of the last {spec.months} months, this one included")
