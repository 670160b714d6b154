"""What a payslip says beside a threshold: never a rounded number across it, and the next threshold
as the policy wrote it (its own number, its own side)."""

from __future__ import annotations

from decimal import Decimal

from harness.paths import S0_POLICY

from engine.model.kinds import Kind
from engine.model.label import Label
from engine.model.steps import Step
from engine.model.units import Unit
from engine.pipeline import prepare
from engine.report.statement import next_threshold, score_text

D = Decimal


def band(closed: str = "left") -> Step:
    """Three bands of a ratio: [0, 0.9) 0 points, [0.9, 0.95) 15, [0.95, ∞) 20 (higher is better)."""
    bands = ((D(0), D("0.9"), D(0), None), (D("0.9"), D("0.95"), D(15), None), (D("0.95"), None, D(20), None))
    return Step(1, "reply.band", Kind.BAND, Label("档位", "band"), (), "", (0,), 1, bands=bands, closed=closed)


def test_a_score_is_never_rounded_onto_a_rating_or_gate_threshold():
    """S0.5: 60 is both the gate and 达标; 59.99999 must not read as 60.0000."""
    plan, _ = prepare(str(S0_POLICY))
    assert score_text(plan, D("59.99999")) == "59.99999"
    assert score_text(plan, D("89.999996")) == "89.999996"
    assert score_text(plan, D("52.333333333")) == "52.3333…"
    assert score_text(plan, D("60")) == "60"


def test_the_next_threshold_is_the_nearest_edge_that_pays_more():
    assert next_threshold(band(), 1, D("0.93"), Unit.RATIO, "zh") == "≥ 95% → 20 分"
    assert next_threshold(band(), 0, D("0.5"), Unit.RATIO, "en") == "≥ 90% → 15 points"
    assert next_threshold(band(), 2, D("0.99"), Unit.RATIO, "zh") == "已是最高档"
    assert next_threshold(band("right"), 1, D("0.93"), Unit.RATIO, "zh") == "> 95% → 20 分"


def test_lower_is_better_points_the_other_way():
    """A response time: (−∞, 30] 10 points, (30, 60] 5, (60, ∞) 0; 45 s needs ≤ 30 s."""
    bands = ((None, D(30), D(10), None), (D(30), D(60), D(5), None), (D(60), None, D(0), None))
    step = Step(1, "frt.band", Kind.BAND, Label("档位", "band"), (), "", (0,), 1, bands=bands, closed="right")
    assert next_threshold(step, 1, D(45), Unit.DURATION, "zh") == "≤ 30 秒 → 10 分"
    assert next_threshold(step, 2, D(75), Unit.DURATION, "en") == "≤ 60 s → 5 points"


def test_no_threshold_without_a_measured_value():
    assert next_threshold(band(), None, None, Unit.RATIO, "zh") == ""
