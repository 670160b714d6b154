"""Manual adjustments added after evaluation: the total is the evaluated total plus the lines, exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.model.results import Adjustment, AgentResult
from engine.run.adjust import apply_adjustments

fen = st.integers(-10**9, 10**9).map(lambda n: Decimal(n).scaleb(-2))


def _result(agent: str, total: Decimal) -> AgentResult:
    return AgentResult(agent, "2026-10", "一组", "", None, None, Decimal("80.00"), None, (), (("base", total),), total)


@given(st.lists(fen, min_size=1, max_size=5), st.lists(st.tuples(st.integers(0, 4), fen), max_size=12))
def test_the_total_is_the_evaluated_total_plus_every_line_to_the_fen(totals, lines):
    results = [_result(str(1000 + i), t) for i, t in enumerate(totals)]
    adjustments = [Adjustment(str(1000 + (i % len(totals))), amount, "补贴", "张经理") for i, amount in lines]
    outcomes = apply_adjustments(results, adjustments)
    for outcome in outcomes:
        mine = [a for a in adjustments if a.agent == outcome.result.agent]
        assert outcome.adjustments == tuple(mine)  # file order kept
        assert outcome.total == outcome.result.total + sum((a.amount for a in mine), Decimal(0))
        assert outcome.total == outcome.total.quantize(Decimal("0.01"))  # whole fen in, whole fen out
    assert [o.result for o in outcomes] == results  # the evaluation itself is untouched


def test_an_adjustment_without_a_result_is_a_bug_not_a_silent_drop():
    with pytest.raises(ValueError, match=r"adjustments for agents without a result: \['9999'\]"):
        apply_adjustments([_result("1001", Decimal("100.00"))], [Adjustment("9999", Decimal("1.00"), "x", "y")])
