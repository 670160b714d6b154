"""The Python back-end: a plan's ops written as straight-line Python over Decimals, the fast path.

Each computed step becomes one assignment `vN = …` (a value that falls back on a division by
zero, a `try` block), in the plan's order, cut into one function per phase; every line says
which step it computes, the rule it cites and the policy line (`# step · rule · file:line`), so
the source reads as the policy does and an error inside it is located at its step (`lines`).
Constants reach the code through a constants table (`_c0`, `_c1` …): nothing from the policy
text is ever code, only our own identifiers and operators around it, which is what makes
compiling it safe. `engine.run.interpret` evaluates the same ops directly; the two are held to
identical results and traces (tests/run/test_back_ends.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from engine.model.blocks import InputBlock
from engine.model.ops import (
    Arith,
    Band,
    Binary,
    Call,
    Clamp,
    Compare,
    Const,
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
    Rescue,
    Rescued,
    Sign,
    StepBonus,
    SumOf,
    Truth,
    Unary,
)
from engine.model.plan import Outputs
from engine.model.steps import Step
from engine.policy.runtime import GLOBALS


@dataclass(frozen=True, slots=True)
class Program:
    """The generated source and the functions it defines (see engine.model.plan.Plan)."""

    source: str
    lines: tuple[int, ...]  # for each line of `source`, the step it computes (-1 for none)
    run: Callable
    run_trace: Callable
    phases: tuple[Callable, ...]


def generate(steps: Sequence[Step], order: Sequence[int], blocks: Sequence[InputBlock], outputs: Outputs,
             filename: str, policy_file: str) -> Program:
    """Write, compile and load the code of a plan (its steps, the order they are computed in,
    its input blocks and its outputs); `filename` names it in tracebacks."""
    writer = _Writer(steps, policy_file)
    source, lines = writer.program(order, blocks, outputs)
    scope = dict(GLOBALS, **{f"_c{i}": value for i, value in enumerate(writer.constants)})
    exec(compile(source, filename, "exec"), scope)  # safe: built from our identifiers and a constants table
    last = max((step.phase for step in steps), default=0)
    return Program(source, tuple(lines), scope["run"], scope["run_trace"],
                   tuple(scope[f"_phase{k}"] for k in range(last)))


class _Writer:
    def __init__(self, steps: Sequence[Step], policy_file: str):
        self.steps = steps
        self.file = policy_file
        self.constants: list[object] = []
        self.index: dict[tuple[type, str], int] = {}
        self.temps = 0

    # -- the program ------------------------------------------------------------------------------

    def program(self, order: Sequence[int], blocks: Sequence[InputBlock], outputs: Outputs) -> tuple[str, list[int]]:
        """The source and, for each of its lines, the step it computes (-1 for none).

        One phase: `run_trace(x)` and `run(x)`. Several: `_phase0(x)`, `_phase1(s)` … each return a
        list of every slot known so far (None for the rest), and the last phase is `run_trace(s)` /
        `run(s)`. `x` holds the agent's inputs, one tuple per input block (engine.run.inputs fills
        them), in the plan's block order."""
        steps = self.steps
        last = max((step.phase for step in steps), default=0)
        body = {k: [line for slot in order if steps[slot].phase == k for line in self.step(steps[slot])]
                for k in range(last + 1)}
        # `x` holds the agent's inputs, one tuple per input block, each unpacked into its steps.
        params = "x"
        unpacked = [("        (" + "".join(f"v{s}, " for s in block.slots) + f"),  # the inputs: {block.block}", -1)
                    for block in blocks]
        prelude = [("    (  # the agent's inputs, one tuple per block:", -1), *unpacked, ("    ) = x", -1)]
        every = "(" + "".join(f"v{step.slot}, " for step in steps) + ")"
        wanted = self.outputs(outputs)
        result = (f"    return {wanted}  # the result", -1)
        traced = (f"    return {wanted}, {every}  # the result, and every step's value (the trace)", -1)
        out: list[tuple[str, int]] = []
        if last == 0:
            out += [(f"def run_trace({params}):  # one agent's month, traced", -1), *prelude, *body[0], traced,
                    ("", -1), (f"def run({params}):  # one agent's month", -1), *prelude, *body[0], result]
        else:
            unpack = (f"    {every} = s  # the steps known so far", -1)
            for k in range(last):
                # A list: the population values of the next boundary are written into it in place.
                known = "[" + ", ".join(f"v{s.slot}" if s.phase <= k else "None" for s in steps) + "]"
                out += [(f"def _phase{k}({params}):  # phase 0: before any population value" if k == 0 else
                         f"def _phase{k}(s):  # phase {k}: after the population values of boundary {k - 1}", -1),
                        *(prelude if k == 0 else [unpack]), *body[k],
                        (f"    return {known}  # every step known after phase {k}", -1), ("", -1)]
            out += [(f"def run_trace(s):  # phase {last}, the last, traced", -1), unpack, *body[last], traced,
                    ("", -1), (f"def run(s):  # phase {last}, the last", -1), unpack, *body[last], result]
        return "\n".join(text for text, _ in out) + "\n", [slot for _, slot in out]

    def outputs(self, outputs: Outputs) -> str:
        """What a result takes: (score, rating, KPI points, pay lines, total, choices, penalty facts, flags)."""
        def pairs(items) -> str:
            return "(" + "".join(f"({name!r}, v{slot}), " for name, slot in items) + ")"

        rating = "None" if outputs.rating is None else f"v{outputs.rating}"
        score = "None" if outputs.score is None else f"v{outputs.score}"  # None: no scorecard (S4)
        recorded = "(" + "".join(f"({name!r}, {self.expr(op)}), " for name, op in outputs.penalties) + ")"
        flags = "(" + "".join(f"({name!r}, v{when}, v{slot}), " for name, when, slot in outputs.flags) + ")"
        return (f"({score}, {rating}, {pairs(outputs.kpis)}, {pairs(outputs.pay)}, v{outputs.total}, "
                f"{pairs(outputs.choices)}, {recorded}, {flags})")

    def step(self, step: Step) -> list[tuple[str, int]]:
        """The lines computing one step, each with its comment: `# step · rule · file:line`."""
        op, v = step.op, f"v{step.slot}"
        # A rule a policy took from a base (`extends:`) is located in that base's file.
        note = _comment(f"{step.name} · {'/'.join(step.rule) or '-'} · {step.file or self.file}:{step.line}")
        if isinstance(op, Rescue):
            code = ["try:", f"    {v} = {self.top(op.value)}", f"    _r{step.slot} = False",
                    "except _Arithmetic as _e:", "    if not _zero_division(_e):", "        raise",
                    f"    {v} = {self.const(op.fallback)}", f"    _r{step.slot} = True"]
        else:
            code = [f"{v} = {self.top(op)}"]
        return [(f"    {text}{note}", step.slot) for text in code]

    # -- expressions ------------------------------------------------------------------------------

    def const(self, value: object) -> str:
        if isinstance(value, dict):  # lookup tables: unhashable, never shared
            self.constants.append(value)
            return f"_c{len(self.constants) - 1}"
        key = (type(value), repr(value))  # 0 and 0.00 are equal but print differently
        if key not in self.index:
            self.index[key] = len(self.constants)
            self.constants.append(value)
        return f"_c{self.index[key]}"

    def temp(self) -> str:
        self.temps += 1
        return f"_t{self.temps}"

    def top(self, op: Op | None) -> str:
        """An op as the right-hand side of an assignment (no brackets around a sum or a guard)."""
        match op:
            case Plus(terms=terms):
                return " + ".join(self.expr(t) for t in terms) or "_0"
            case OnlyIf(test=test, value=value):
                return f"{_bracketed(self.top(value))} if {self.expr(test)} else None"
        return self.expr(op)

    def expr(self, op: Op | None) -> str:
        x = self.expr
        match op:
            case Const(value=value):
                return repr(value) if value is None or isinstance(value, bool) else self.const(value)
            case Ref(slot=slot):
                return f"v{slot}"
            case Rescued(slot=slot):
                return f"_r{slot}"
            case Binary(op=Arith.POW, left=left, right=right):
                return f"_pow({x(left)}, {x(right)})"
            case Binary(op=arith, left=left, right=right):
                return f"({x(left)} {arith} {x(right)})"
            case Unary(op=Sign.NOT, operand=operand):
                return f"(not {x(operand)})"
            case Unary(op=sign, operand=operand):
                return f"({sign}{x(operand)})"
            case Plus(terms=terms):
                return "(" + " + ".join(x(t) for t in terms) + ")" if terms else "_0"
            case Logic(op=joiner, values=values):
                return "(" + f" {joiner} ".join(x(v) for v in values) + ")"
            case Compare(left=left, ops=ops, rights=rights):
                chain = "".join(f" {cmp} {x(right)}" for cmp, right in zip(ops, rights, strict=True))
                return f"({x(left)}{chain})"
            case Items(items=items):
                return "(" + "".join(x(item) + ", " for item in items) + ")"
            case IfElse(test=test, then=then, otherwise=otherwise):
                return f"({x(then)} if {x(test)} else {x(otherwise)})"
            case Call(fn=fn, args=args):
                return f"_{fn}(" + ", ".join(x(a) for a in args) + ")"
            case Truth(value=value):
                # What bool() gives, without a call (every object's truth, as `if` reads it).
                return f"(True if {x(value)} else False)"
            case Quantize(value=value, quantum=quantum, rounding=rounding):
                return f"{_bracketed(x(value))}.quantize({self.const(quantum)}, {self.const(rounding)})"
            case Clamp(value=value, low=low, high=high):
                # A conditional expression is several times cheaper than min(max(...)).
                t = self.temp()
                above = "" if high is None else f"{x(high)} if {t} > {x(high)} else "
                return f"({x(low)} if ({t} := {x(value)}) <= {x(low)} else {above}{t})"
            case Band(bounds=bounds, value=value, closed=closed):
                # [from, to) bands: how many `from`s the value has reached, less one; (from, to]: passed.
                search = "_bisect_right" if closed == "left" else "_bisect_left"
                return f"({search}({self.const(bounds)}, {x(value)}) - 1)"
            case Pick(values=values, index=index):
                if isinstance(index, Ref):
                    name = test = x(index)
                else:  # the test runs first: it names the index the look-up then reads
                    name = self.temp()
                    test = f"({name} := {x(index)})"
                return f"({self.const(values)}[{name}] if 0 <= {test} < {len(values)} else _0)"
            case Lookup(table=table, key=key, what=what, default=default):
                # The entry read inline; a missing one goes to _lookup, which gives the default or names the
                # missing entry (or the missing key).
                entries = self.const(dict(table))
                if isinstance(key, Ref):
                    name = test = x(key)
                else:  # the test runs first: it names the key the look-up then reads
                    name = self.temp()
                    test = f"({name} := {x(key)})"
                otherwise = "" if default is None else f", {self.const(default)}"
                return (f"({entries}[{name}] if {test} in {entries} "
                        f"else _lookup({entries}, {name}, {self.const(what)}{otherwise}))")
            case StepBonus(value=value, start=start, every=every, first=first, then=then, cap=cap):
                capped = "None" if cap is None else self.const(cap)
                return (f"_step({x(value)}, {self.const(start)}, {self.const(every)}, {x(first)}, "
                        f"{x(then)}, {capped})")
            case Marginal(bounds=bounds, rates=rates, base=base, on=on):
                return f"_marginal({self.const(bounds)}, {self.const(rates)}, {x(base)}, {x(on)})"
            case SumOf(value=value):
                return f"_sum({x(value)}, _0)"
            case OnlyIf(test=test, value=value):
                return f"({_bracketed(x(value))} if {x(test)} else None)"
        raise AssertionError(f"no code for {op!r}")  # inputs, population values and Rescue are not expressions


def _bracketed(code: str) -> str:
    """`code` in brackets, unless it is one name or one pair already holds all of it."""
    if code.isidentifier():
        return code
    depth = 0
    for index, char in enumerate(code):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and index < len(code) - 1:
            return f"({code})"
    return code if code.startswith("(") else f"({code})"


def _comment(text: str) -> str:
    """A comment that stays one: a line break or a control character (a file name may hold any) is
    shown as `?`, so nothing after `#` can ever start a line of code."""
    return "  # " + "".join(char if char.isprintable() else "?" for char in text)
