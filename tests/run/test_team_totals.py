"""Team totals (engine.run.columnar.team_totals): the same whether a month's rows come in one frame or in
parts, at whatever scale each part holds its values; beyond 64 bits, not covered."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.model.frames import NotCovered
from engine.month import Files, plan_from, read_sources
from engine.run.columnar.team_totals import TeamTotals

POLICY = Path(__file__).resolve().parents[2] / "policies" / "s0_shop.yaml"


def s0_plan():
    sources = read_sources(Files(str(POLICY), None))
    return plan_from(sources.policy, sources.policy_path)[0]


PLAN = s0_plan()


def month(rows: list[tuple[str, str, int | None]]) -> pl.DataFrame:
    return pl.DataFrame({"period": [r[0] for r in rows], "team": [r[1] for r in rows],
                         "sales": [r[2] for r in rows]}, schema={"period": pl.String, "team": pl.String,
                                                                 "sales": pl.Int64})


def gathered(*parts: tuple[pl.DataFrame, int]) -> pl.DataFrame:
    totals = TeamTotals(PLAN)
    for frame, scale in parts:
        totals.add(frame, {"sales": scale})
    return totals.frame().sort("period", "team")


def test_s0s_team_mean_is_the_exact_sum_and_rows():
    """S0.2: per-capita sales = the team's sales over its agents, kept as (sum, rows) — 100/3 never ends."""
    found = gathered((month([("2026-10", "一组", 3000), ("2026-10", "一组", 3000), ("2026-10", "二组", 4000),
                             ("2026-10", "一组", 4000)]), 2))
    assert found.columns == ["period", "team", "agg:team_sales_per_capita", "agg:team_sales_per_capita.n"]
    assert found.rows() == [("2026-10", "一组", 10000, 3), ("2026-10", "二组", 4000, 1)]


def rows(low: int = -10**12, high: int = 10**12):
    return st.lists(st.tuples(st.sampled_from(["2026-10", "2026-11"]), st.sampled_from(["a", "b", "c", ""]),
                              st.one_of(st.integers(low, high), st.none())), max_size=30)


@settings(max_examples=80, deadline=None)
@given(rows(), rows(), st.integers(0, 3), st.integers(0, 3), st.booleans())
def test_totals_of_parts_are_the_totals_of_the_whole(first, second, low, extra, reverse):
    """Two parts, the first holding its values at fewer places (as a chunk whose cells have fewer): the
    totals of the parts, in either order, are those of the whole month at the most places."""
    high = low + extra
    raised = [(p, t, None if v is None else v * 10**extra) for p, t, v in first]
    parts = [(month(first), low), (month(second), high)]
    if not first + second:
        return
    whole = gathered((month(raised + second), high))
    assert gathered(*(reversed(parts) if reverse else parts)).rows() == whole.rows()


def test_a_sum_beyond_64_bits_is_not_covered():
    with pytest.raises(NotCovered, match="team_sales_per_capita"):
        gathered((month([("2026-10", "a", 2**62), ("2026-10", "a", 2**62)]), 0))
