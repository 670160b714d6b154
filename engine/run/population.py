"""Population values over all agents of a period: rankings and statistics of computed values.

Each is taken between two phases of the per-agent code, over every agent's state so far, and
written into each agent's state for the next phase to read. Places depend on the measures and
the declared tie rule only, never on the order of the rows: agents with equal keys share a place.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from engine.diagnostics import STATS, Code, Phrase, problem
from engine.model.steps import Population

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
_ROUNDING = {"floor": ROUND_FLOOR, "ceil": ROUND_CEILING, "nearest": ROUND_HALF_UP}


class EmptyPopulation(ValueError):
    """A mean, min or max over nobody, with no `empty:` value declared (JX410); `zh` says it in Chinese."""

    def __init__(self, population: Population, group: str):
        kind = population.group if population.group in ("team", "role") else "shop"
        found = problem(Code.JX410, (), kind, stat=STATS.get(population.stat, Phrase(population.stat, population.stat)),
                        name=population.name, group=group)
        super().__init__(found.message("en"))
        self.zh = found.message("zh")
        self.code = found.code
        self.population = population


def take(population: Population, states: Sequence[list], groups: Sequence[object], agents: Sequence[str]) -> None:
    """Fill `population`'s slots in every agent's state; `groups[i]` is agent i's group key and
    `agents[i]` its id (a ranking names who shares a place; agents sorted by id, so ties list in id order)."""
    members: dict[object, list[int]] = {}
    for index, group in enumerate(groups):
        members.setdefault(group, []).append(index)
    where = population.where
    for group, indexes in members.items():
        counted = [i for i in indexes if where is None or states[i][where]]
        if population.kind == "stat":
            _stat(population, states, indexes, counted, group)
        else:
            _rank(population, states, indexes, counted, agents)


def _stat(population: Population, states: Sequence[list], agents: list[int], counted: list[int],
          group: object) -> None:
    values = [states[i][population.of] for i in counted]
    stat = population.stat
    if stat == "count":
        value = Decimal(len(values))
    elif stat == "sum":
        value = sum(values, ZERO)
    elif not values:
        if population.empty is None:
            raise EmptyPopulation(population, str(group or ""))
        value = population.empty
    elif stat == "mean":
        value = sum(values, ZERO) / len(values)
    else:
        value = min(values) if stat == "min" else max(values)
    value_slot, members_slot = population.slots
    size = Decimal(len(counted))
    for i in agents:
        states[i][value_slot] = value
        states[i][members_slot] = size


def cut(population: Population, size: int) -> Decimal:
    """How many agents the top takes: the count, or the percentage of `size` rounded as declared,
    at least 1 of a non-empty population and 0 of an empty one. Always a number of agents, never of
    places: under dense places (1, 2, 2, 3) place 3 may be the 4th agent or the 40th."""
    if population.top is None or size == 0:
        return ZERO
    how, number, rounding = population.top
    if how == "count":
        return number
    share = (Decimal(size) * number / HUNDRED).to_integral_value(rounding=_ROUNDING[rounding])
    return share if share >= ONE else ONE


# How many of the agents sharing a place a trace names (the rest are counted, never listed).
TIED_SHOWN = 5


def _rank(population: Population, states: Sequence[list], indexes: list[int], counted: list[int],
          agents: Sequence[str]) -> None:
    of, by = population.of, population.by
    higher = population.direction == "higher"
    if by is None:
        keyed = sorted(((-states[i][of] if higher else states[i][of]), i) for i in counted)
    else:
        by_higher = population.by_direction == "higher"
        keyed = sorted((((-states[i][of] if higher else states[i][of]),
                         (-states[i][by] if by_higher else states[i][by])), i) for i in counted)
    # Runs of equal keys share a place; the agent index only orders a run (by id), so the places
    # never depend on the order of the rows.
    runs: list[list[int]] = []
    previous: object = None
    for position, (key, i) in enumerate(keyed):
        if position == 0 or key != previous:
            runs.append([])
            previous = key
        runs[-1].append(i)
    size = len(counted)
    top = cut(population, size)
    dense = population.ties == "dense"
    # The top is a number of agents: a run is in when fewer than `top` agents are ranked ahead of
    # it, so everyone tied at the cut is in, whatever the places are called.
    chosen = Decimal(sum(len(run) for start, run in _starts(runs) if start < top))
    size_value = Decimal(size)
    slots, standing = population.slots, population.standing
    has_top = len(slots) > 3
    # Per run, not per agent: every value but the few ids named is the same for the whole run.
    for number, (start, run) in enumerate(_starts(runs), 1):
        place, ahead, others = Decimal(number if dense else start + 1), Decimal(start), Decimal(len(run) - 1)
        in_top = start < top
        head = tuple(agents[j] for j in run[: TIED_SHOWN + 1])
        for position, i in enumerate(run):
            state = states[i]
            state[slots[0]] = place
            state[slots[1]] = size_value
            state[slots[2]] = True
            if has_top:
                state[slots[3]] = top
                state[slots[4]] = in_top
            if standing:
                state[standing[0]] = ahead
                state[standing[1]] = others
                # The first few others of the run, in id order: O(1) per agent however many share the place.
                state[standing[2]] = ((head[:position] + head[position + 1:]) if position <= TIED_SHOWN
                                      else head)[:TIED_SHOWN]
                if len(standing) > 3:
                    state[standing[3]] = chosen
    if len(counted) < len(indexes):  # not ranked (`where`): place 0, in nothing
        ranked = set(counted)
        for i in indexes:
            if i in ranked:
                continue
            state = states[i]
            state[slots[0]], state[slots[1]], state[slots[2]] = ZERO, size_value, False
            if has_top:
                state[slots[3]], state[slots[4]] = top, False
            if standing:
                state[standing[0]] = state[standing[1]] = ZERO
                state[standing[2]] = ()
                if len(standing) > 3:
                    state[standing[3]] = chosen


def _starts(runs: list[list[int]]):
    """Each run with the number of agents ranked ahead of it."""
    start = 0
    for run in runs:
        yield start, run
        start += len(run)
