"""engine.columnar_month's own judgements over the results' columns, against the Decimal path's (L.1/L.4)."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from engine.columnar_month import _under_minimum
from engine.model.frames import ColumnarResults
from engine.pipeline import prepare
from engine.report.frame_write import to_results
from engine.run.penalties import under_minimum_wage


@pytest.mark.parametrize("periods", [("2026-10",), ("2025-06", "2025-07", "2026-10")])
def test_pay_under_the_minimum_wage_is_found_as_the_decimal_path_finds_it(periods):
    """One period (its ceiling a constant) or several (each its own wage, S4's dated 2690 then 2740): the
    same agents, in the same order, with the same wage, as engine.run.penalties judges the results; a total
    a fen under the wage is under it, the wage itself is not, a negative total is."""
    plan, _ = prepare("policies/s4_path.yaml")
    totals = [268999, 269000, 273999, 274000, -1, 0, 10**15]
    rows = [(f"A{i}-{p}", p, t) for p in periods for i, t in enumerate(totals)]
    frame = pl.DataFrame({"agent": [r[0] for r in rows], "period": [r[1] for r in rows],
                          "team": "T", "name": "", "role": "trainee", "grade": None,
                          "total": [r[2] for r in rows]},
                         schema_overrides={"grade": pl.String, "total": pl.Int64})
    results = ColumnarResults(frame, {"total": 2})
    under, elsewhere = _under_minimum(plan, results)
    reference = under_minimum_wage(plan, to_results(plan, results))
    assert under == reference and elsewhere == ()
    assert {wage for _, wage in under} == ({Decimal(2740)} if len(periods) == 1 else {Decimal(2690), Decimal(2740)})
