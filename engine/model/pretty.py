"""The plan IR as text: each step with its kind, rules, policy line, phase, what it reads and its op.

What `jixiao plan` prints before the generated source, for people who audit a policy (and for us):
an op reads as a formula over step names (`clamp((attainment - 0.5) / 0.5, 0, 1) * 25`), with the
few operations the expression language lacks written as named forms (`round(…, 0.01, half_up)`,
`band(…)`, `lookup(…)`). Like the IR, it reads only engine.model.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from unicodedata import east_asian_width

from engine.model.ops import (
    Arith,
    Band,
    Binary,
    Call,
    Clamp,
    Compare,
    Const,
    IfElse,
    Input,
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
    Rescue,
    Rescued,
    Sign,
    StepBonus,
    SumOf,
    Taken,
    Truth,
    Unary,
    reads_of,
)
from engine.model.plan import Plan

WORDS = {
    "en": {"plan": "plan", "steps": "steps", "phases": "phases", "inputs": "inputs", "step": "step",
           "kind": "kind", "rule": "rule", "line": "line", "phase": "phase", "reads": "reads",
           "code": "generated Python (the fast path; `# step · rule · file:line` on every line of a step)",
           "order": "computed per agent in this order, phase by phase; inputs and population values are given."},
    "zh": {"plan": "方案", "steps": "步骤", "phases": "阶段", "inputs": "输入", "step": "步骤",
           "kind": "类型", "rule": "规则", "line": "行", "phase": "阶段", "reads": "读取",
           "code": "生成的 Python 代码（快速路径；步骤的每一行都注明 `# 步骤 · 规则 · 文件:行`）",
           "order": "每位客服按此顺序逐阶段计算；输入与群体统计值为给定值。"},
}
_ROUNDING = {"ROUND_HALF_UP": "half_up", "ROUND_HALF_EVEN": "half_even", "ROUND_DOWN": "down", "ROUND_UP": "up"}
# How tightly each node binds, so a formula is bracketed only where it must be (as Python reads it).
_BINDS = {Arith.POW: 8, Arith.MUL: 6, Arith.DIV: 6, Arith.FLOORDIV: 6, Arith.MOD: 6, Arith.ADD: 5, Arith.SUB: 5}


def plan_text(plan: Plan, lang: str = "en") -> str:
    """The plan: a heading, then one entry per step in the order they are computed, then the source."""
    words = WORDS[lang]
    steps = plan.steps
    phases = max((s.phase for s in steps), default=0) + 1
    name = steps.__getitem__
    out = [f"{words['plan']} {plan.policy.id} {plan.policy.version} · {plan.policy.path} · "
           f"{words['steps']}: {len(steps)} · {words['phases']}: {phases}",
           f"{words['inputs']}: " + " · ".join(f"{b.block} ({len(b.slots)})" for b in plan.blocks),
           words["order"], ""]
    header = (f"{'':5} {_pad(words['step'], 30)} {_pad(words['kind'], 14)} {_pad(words['rule'], 16)} "
              f"{_pad(words['line'], 5, right=True)} {_pad(words['phase'], 5, right=True)}  {words['reads']}")
    out.append(header.rstrip())
    given = [s.slot for s in steps if isinstance(s.op, Input | Taken)]
    for slot in (*given, *plan.order):
        step = steps[slot]
        reads = ", ".join(name(r).name for r in reads_of(step.op)) if not isinstance(step.op, Taken) else ""
        out.append(f"{'v' + str(slot):5} {step.name:30} {step.kind:14} {'/'.join(step.rule) or '-':16} "
                   f"{step.line:>5} {step.phase:>5}  {reads}".rstrip())
        out.append(f"{'':6}{step.label.text(lang)} = {show(step.op, lambda s: name(s).name)}")
    out += ["", f"# {words['code']}", plan.source.rstrip("\n")]
    return "\n".join(out) + "\n"


def _pad(text: str, width: int, *, right: bool = False) -> str:
    """`text` padded to `width` columns of a terminal, where a Chinese character takes two."""
    room = " " * max(0, width - sum(2 if east_asian_width(char) in "WF" else 1 for char in text))
    return room + text if right else text + room


def show(op: Op | None, name: Callable[[int], str]) -> str:
    """An op as a formula over step names."""
    return _show(op, name, 0)


def _number(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(_number(v) for v in value) + ")"
    return repr(value)


def _show(op: Op | None, name: Callable[[int], str], outer: int) -> str:
    def s(node: Op, binds: int = 0) -> str:
        return _show(node, name, binds)

    def grouped(text: str, binds: int) -> str:
        return f"({text})" if binds < outer else text

    match op:
        case None:
            return "—"
        case Const(value=value):
            return _number(value)
        case Ref(slot=slot):
            return name(slot)
        case Input(block=block):
            return f"input · {block}"
        case Taken(population=population, over=over):
            return f"taken over every agent: {population}({', '.join(name(o) for o in over)})"
        case Rescued(slot=slot):
            return f"fell_back({name(slot)})"
        case Binary(op=arith, left=left, right=right):
            binds = _BINDS[arith]
            # Left-associative but for **: the other side of the same strength keeps its brackets.
            before, after = (binds + 1, binds) if arith is Arith.POW else (binds, binds + 1)
            return grouped(f"{s(left, before)} {arith} {s(right, after)}", binds)
        case Unary(op=Sign.NOT, operand=operand):
            return grouped(f"not {s(operand, 3)}", 3)
        case Unary(op=sign, operand=operand):
            return grouped(f"{sign}{s(operand, 7)}", 7)
        case Plus(terms=terms):
            return grouped(" + ".join(s(t, 6) for t in terms), 5) if terms else "0"
        case Logic(op=joiner, values=values):
            binds = 2 if joiner == "and" else 1
            return grouped(f" {joiner} ".join(s(v, binds + 1) for v in values), binds)
        case Compare(left=left, ops=ops, rights=rights):
            chain = "".join(f" {cmp} {s(right, 5)}" for cmp, right in zip(ops, rights, strict=True))
            return grouped(f"{s(left, 5)}{chain}", 4)
        case Items(items=items):
            return "(" + ", ".join(s(i) for i in items) + ")"
        case IfElse(test=test, then=then, otherwise=otherwise):
            return grouped(f"{s(then, 1)} if {s(test, 1)} else {s(otherwise)}", 0)
        case Call(fn=fn, args=args):
            return f"{fn}(" + ", ".join(s(a) for a in args) + ")"
        case Truth(value=value):
            return f"bool({s(value)})"
        case Quantize(value=value, quantum=quantum, rounding=rounding):
            return f"round({s(value)}, {quantum}, {_ROUNDING.get(rounding, rounding)})"
        case Clamp(value=value, low=low, high=high):
            return f"clamp({s(value)}, {s(low)}" + (")" if high is None else f", {s(high)})")
        case Band(bounds=bounds, value=value, closed=closed):
            return f"band({s(value)}, {_number(bounds)}, closed {closed})"
        case Pick(values=values, index=index):
            return f"pick({_number(values)}, {s(index)})"
        case Lookup(table=table, key=key, what=what):
            return f"lookup({s(key)}, {{" + ", ".join(f"{k}: {v}" for k, v in table) + f"}}, by {what})"
        case StepBonus(value=value, start=start, every=every, first=first, then=then, cap=cap):
            return (f"step({s(value)}, from {start}, every {every}, first {first}, then {then}"
                    + ("" if cap is None else f", max {cap}") + ")")
        case Marginal(bounds=bounds, rates=rates, base=base, on=on):
            return f"marginal({s(base)}, by {s(on)}, bounds {_number(bounds)}, rates {_number(rates)})"
        case SumOf(value=value):
            return f"sum({s(value)})"
        case OnlyIf(test=test, value=value):
            return f"only_if({s(test)}, {s(value)})"
        case Rescue(value=value, fallback=fallback):
            return f"on_zero_division({s(value)}, {fallback})"
    raise AssertionError(f"unknown op {op!r}")
