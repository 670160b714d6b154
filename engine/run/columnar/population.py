"""Population values as columns: rankings and statistics of computed values over a period's groups.

The Decimal path takes them between two phases of the per-agent code (engine.run.population); here
they are window expressions over the month's groups (the period, and the team or role), computed
where the lowering meets them, after every step they are taken over. A ranking orders exact whole
numbers, so shared and dense places, tie-breaks, `where` and the top cut are the Decimal path's
exactly; a measure known only to 28 digits could order two agents the other way, and is not covered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from fractions import Fraction

import polars as pl

from engine.model.frames import NotCovered
from engine.model.steps import Population
from engine.run.columnar.values import ROUNDING, Fixed, Flag, Ratio, Value, checked, const, fits, terminates


def groups(population: Population) -> list[str]:
    """The columns a population is taken over: always the period (a month never mixes with another)."""
    if population.group == "team":
        return ["period", "team"]
    return ["period", "role"] if population.group == "role" else ["period"]


def taken(population: Population, known: Mapping[int, Value], frame: pl.DataFrame) -> dict[int, Value]:
    """Each of the population's slots as a column value (its standing, which only explain reads, left out)."""
    over = groups(population)
    if population.group == "role" and frame.get_column("role").null_count():
        raise NotCovered(f"{population.name}: an agent without a role", f"{population.name}：有客服没有岗位")
    largest_group = int(frame.group_by(over).len().get_column("len").max() or 0)
    counted = pl.col("agent").is_not_null()  # every agent: a column, so that its sum counts them
    if population.where is not None:
        where = known[population.where]
        if not isinstance(where, Flag):
            raise NotCovered(f"{population.name}: a `where` that is not a condition",
                             f"{population.name}：计入条件不是条件")
        counted = where.expr
    of = known[population.of]
    if isinstance(of, Ratio) and of.exact is not None:
        raise NotCovered(f"{population.name}: a measure known only to 28 digits",
                         f"{population.name}：只精确到28位的数值")
    if not isinstance(of, Fixed):
        raise NotCovered(f"{population.name}: a measure that is not a whole number at a scale",
                         f"{population.name}：统计的数值不是定点数")
    size = counted.cast(pl.Int64).sum().over(over)
    if population.kind == "stat":
        return _stat(population, of, counted, size, over, largest_group)
    return _ranking(population, known, of, counted, size, over, largest_group)


def _stat(population: Population, of: Fixed, counted: pl.Expr, size: pl.Expr, over: list[str],
          largest: int) -> dict[int, Value]:
    value_slot, members_slot = population.slots
    members = Fixed(size, 0, largest, True)
    stat = population.stat
    if stat == "count":
        return {value_slot: members, members_slot: members}
    vmax = checked(of.vmax * max(largest, 1), population.name)
    total = pl.when(counted).then(of.expr).otherwise(0).sum().over(over)
    if stat == "sum":
        # sum(values, 0): the places of the values, or none when nobody is counted.
        same = of.exp and (population.where is None or of.scale == 0)
        return {value_slot: Fixed(total, of.scale, vmax, same), members_slot: members}
    empty = None if population.empty is None else const(population.empty)
    if empty is None and population.where is not None:
        # A group where nobody is counted is the Decimal path's located error (JX410): not known here
        # without computing the `where` of every agent, so only a policy's `empty:` value covers it.
        raise NotCovered(f"{population.name}: a statistic over a group that may be empty",
                         f"{population.name}：可能为空的群体统计")
    if stat == "mean":
        scale = 10**of.scale
        den = size * scale
        dmax = checked(largest * scale, population.name)
        mag = Fraction(of.vmax, scale)
        mean = Ratio(total, pl.when(size > 0).then(den).otherwise(1), vmax, max(dmax, 1), mag, ROUNDING * mag, None,
                     fits(terminates(total, den, dmax), 18, mag), 18)
        value: Value = mean if empty is None else _or_empty(size, mean, empty)
        return {value_slot: value, members_slot: members}
    picked = pl.when(counted).then(of.expr)
    found = Fixed((picked.min() if stat == "min" else picked.max()).over(over), of.scale, of.vmax, of.exp)
    if of.neg is not None:  # the least or largest may be a member's −0 (a whole number's 0 has no sign)
        maybe = pl.when(counted).then(of.neg).otherwise(False).fill_null(False).any().over(over)
        found = replace(found, neg=(found.expr == 0) & maybe)
    return {value_slot: found if empty is None else _or_empty(size, found, empty), members_slot: members}


def _or_empty(size: pl.Expr, value: Value, empty: Value) -> Value:
    from engine.run.columnar.lower import choose

    return choose(size > 0, value, empty, "empty")


def _ranking(population: Population, known: Mapping[int, Value], of: Fixed, counted: pl.Expr, size: pl.Expr,
             over: list[str], largest: int) -> dict[int, Value]:
    key = of.expr if population.direction != "higher" else -of.expr
    keys = [key]
    if population.by is not None:
        by = known[population.by]
        if not isinstance(by, Fixed):
            raise NotCovered(f"{population.name}: a tie-break that is not a whole number at a scale",
                             f"{population.name}：并列比较依据不是定点数")
        keys.append(by.expr if population.by_direction != "higher" else -by.expr)
    ordered = pl.when(counted).then(pl.struct(keys) if len(keys) > 1 else key)
    ahead = ordered.rank("min").over(over).cast(pl.Int64) - 1  # agents ranked ahead; null when not counted
    place = ordered.rank("dense").over(over).cast(pl.Int64) if population.ties == "dense" else ahead + 1
    slots = population.slots
    found: dict[int, Value] = {
        slots[0]: Fixed(place.fill_null(0), 0, largest, True),
        slots[1]: Fixed(size, 0, largest, True),
        slots[2]: Flag(counted),
    }
    if len(slots) > 3:
        cut = _cut(population, size)
        found[slots[3]] = cut
        found[slots[4]] = Flag(counted & (ahead < cut.expr).fill_null(False))
    return found


def _cut(population: Population, size: pl.Expr) -> Fixed:
    """How many agents the top takes (engine.run.population.cut), in whole numbers."""
    assert population.top is not None
    how, number, rounding = population.top
    if how == "count":
        found = const(number)
        assert isinstance(found, Fixed)
        return Fixed(pl.when(size > 0).then(found.expr).otherwise(0), found.scale, found.vmax,
                     found.exp and found.scale == 0)
    places = max(0, -int(number.as_tuple().exponent))
    whole = int(number.scaleb(places))
    numerator, denominator = size * whole, 100 * 10**places
    if rounding == "floor":
        share = numerator // denominator
    elif rounding == "ceil":
        share = -((-numerator) // denominator)
    else:  # nearest, half up (sizes and shares are never negative)
        share = (numerator * 2 + denominator) // (denominator * 2)
    cut = pl.when(size == 0).then(0).when(share < 1).then(1).otherwise(share)
    return Fixed(cut, 0, 2**31, True)

