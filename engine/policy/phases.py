"""Phases of the per-agent code, derived from what each step's op reads; never declared by the policy.

A step's phase is the latest phase of anything its op reads; a population value (`Taken`) is
known one phase after the latest of the steps it is taken over. Phase 0 runs for every agent,
then the populations due at boundary 0 are taken over all agents, then phase 1 runs, and so on.
A policy without population values is one phase: a single function per agent.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping


class PhaseLoop(ValueError):
    """A loop through a population value reached the compiler: `check` (JX229) should have refused it."""


def slot_phases(reads: Mapping[int, Iterable[int]], taken: Collection[int], count: int) -> list[int]:
    """The phase of every slot. `reads` maps each slot to the slots its op reads; `taken` are the
    population values, each one phase after what it reads. Checks have ruled out loops, so a
    depth-first walk settles every slot."""
    deps = {slot: tuple(found) for slot, found in reads.items()}
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
                phase[slot] = latest + 1 if slot in taken else latest
                state[slot] = 2
    return phase
