"""Phases of the per-agent code, derived from what reads what; never declared by the policy.

A step's phase is the latest phase of anything its generated code reads; a population value is
available one phase after the latest of its measures. Phase 0 runs for every agent, then the
populations due at boundary 0 are taken over all agents, then phase 1 runs, and so on. A policy
without population values is one phase: the same single function as before phases existed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

_SLOT = re.compile(r"\bv(\d+)\b")


class PhaseLoop(ValueError):
    """A loop through a population value reached the compiler: `check` (JX229) should have refused it."""


def slot_phases(lines: Sequence[str], line_slots: Sequence[int], sources: Mapping[int, Sequence[int]],
                count: int) -> list[int]:
    """The phase of every slot. `sources` maps each population result slot to the slots it is
    taken over; checks have ruled out loops, so a depth-first walk settles every slot."""
    deps: dict[int, set[int]] = {slot: set(found) for slot, found in sources.items()}
    for text, slot in zip(lines, line_slots, strict=True):
        deps.setdefault(slot, set()).update(int(m) for m in _SLOT.findall(text) if int(m) != slot)
    phase = [0] * count
    state = [0] * count  # 0 not seen, 1 on the walk, 2 settled
    for start in range(count):
        if state[start]:
            continue
        state[start] = 1
        walk = [(start, iter(deps.get(start, ())))]
        while walk:
            slot, pending = walk[-1]
            for dep in pending:
                if state[dep] == 1:
                    raise PhaseLoop(f"slot {dep} reads itself through a population value")
                if state[dep] == 0:
                    state[dep] = 1
                    walk.append((dep, iter(deps.get(dep, ()))))
                    break
            else:
                walk.pop()
                latest = max((phase[d] for d in deps.get(slot, ())), default=0)
                phase[slot] = latest + 1 if slot in sources else latest
                state[slot] = 2
    return phase


def assemble(prelude: str, lines: Sequence[str], line_slots: Sequence[int], phase: Sequence[int],
             wanted: str, every: str) -> tuple[str, list[int]]:
    """The generated source and, for each of its lines, the slot it computes (-1 for none).

    One phase: `run_trace(x)` and `run(x)`. Several: `_phase0(x)`, `_phase1(s)` … each return
    a list of every slot known so far (None for the rest), and the last phase is `run_trace(s)` / `run(s)`."""
    last = max(phase, default=0)
    out: list[tuple[str, int]] = []

    def body(k: int) -> list[tuple[str, int]]:
        return [(text, slot) for text, slot in zip(lines, line_slots, strict=True) if phase[slot] == k]

    if last == 0:
        code = body(0)
        out += [("def run_trace(x):", -1), (f"    {prelude}", -1), *code, (f"    return {wanted}, {every}", -1),
                ("", -1), ("def run(x):", -1), (f"    {prelude}", -1), *code, (f"    return {wanted}", -1)]
    else:
        unpack = f"    {every} = s"
        for k in range(last):
            # A list: the population values of the next boundary are written into it in place.
            known = "[" + ", ".join(f"v{slot}" if phase[slot] <= k else "None" for slot in range(len(phase))) + "]"
            out += [(f"def _phase{k}(x):" if k == 0 else f"def _phase{k}(s):", -1),
                    (f"    {prelude}" if k == 0 else unpack, -1), *body(k), (f"    return {known}", -1), ("", -1)]
        code = body(last)
        out += [("def run_trace(s):", -1), (unpack, -1), *code, (f"    return {wanted}, {every}", -1),
                ("", -1), ("def run(s):", -1), (unpack, -1), *code, (f"    return {wanted}", -1)]
    return "\n".join(text for text, _ in out) + "\n", [slot for _, slot in out]
