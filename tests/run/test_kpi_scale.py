"""A KPI scored on its own scale, then weighted (`scale:`): points = scale points × weight / scale.

Worked by hand (half-up to 0.01):
sales    bands on 0–100, weight 30: attainment 0.9 is in [0.8, 1.0) → 85;   85 × 30 / 100 = 25.50
quality  formula on 0–10, weight 50: 8.7 (a 12 is held to 10);            8.7 × 50 / 10 = 43.50
speed    linear 0 → 200 on 0–100, weight 20: 150 → 75;                     75 × 20 / 100 = 15.00
score 84.00. Both back-ends must agree bit for bit (tests/run/test_back_ends.py).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.errors import JixiaoError
from engine.model.inputs import AgentInput
from engine.model.kinds import Kind
from engine.pipeline import prepare
from engine.report.explain import explain_text
from engine.run.evaluate import evaluate
from tests.run.test_back_ends import agree

POLICY = """\
jixiao: 1
policy: {id: s, version: "1", name: 分制, effective_from: 2026-01-01}
roles:
  agent: {label: 客服}
metrics:
  attainment: {label: 销售额完成率, type: ratio}
  q: {label: 质检, type: number}
  speed: {label: 速度, type: number}
kpis:
  sales:
    label: 销售额完成率
    metric: attainment
    weight: 30
    scale: 100
    bands:
      - {to: 0.8, points: 60}
      - {from: 0.8, to: 1.0, points: 85}
      - {from: 1.0, points: 100}
  quality: {label: 质检分, weight: 50, scale: 10, formula: "q"}
  speed: {label: 速度分, metric: speed, weight: 20, scale: 100, linear: {from: 0, to: 200}}
score: {total: 100}
pay:
  base: {label: 底薪, kind: table, key: role, values: {agent: 1000}}
"""


def _item(attainment: str, q: str, speed: str) -> AgentInput:
    return AgentInput("a1", "2026-10", {"attainment": Decimal(attainment), "q": Decimal(q), "speed": Decimal(speed)},
                      role="agent")


@pytest.fixture
def plan(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(POLICY, encoding="utf-8")
    return prepare(str(path))[0]


@pytest.mark.parametrize(("values", "points", "score"), [
    (("0.9", "8.7", "150"), ("25.50", "43.50", "15.00"), "84.00"),
    (("1.2", "12", "400"), ("30.00", "50.00", "20.00"), "100.00"),  # each held to its scale
    (("0.5", "-3", "0"), ("18.00", "0.00", "0.00"), "18.00"),  # 60 × 30 / 100; a formula below 0 is 0
])
def test_scale_points_are_weighted_into_points_through_both_back_ends(plan, values, points, score) -> None:
    item = _item(*values)
    agree(plan, [item])
    [result] = evaluate(plan, [item])
    assert tuple(str(p) for _, p in result.kpis) == points and str(result.score) == score


def test_the_trace_shows_the_scale_points_and_the_weighting(plan) -> None:
    [result] = evaluate(plan, [_item("0.9", "8.7", "150")], trace=True)
    scaled = {s.name: result.trace[s.slot] for s in plan.steps if s.kind is Kind.SCALED}
    assert scaled == {"sales_points.scaled": Decimal(85), "quality_points.scaled": Decimal("8.7"),
                      "speed_points.scaled": Decimal("75.00")}
    zh, en = explain_text(plan, result, "zh"), explain_text(plan, result, "en")
    assert "sales_points.scaled × 30 / 100（100 分制得分 × 权重 30 分）" in zh
    assert "100 分制得分 (sales_points.scaled) = 85 分" in zh
    assert "销售额完成率 (sales_points) = 25.50 分" in zh
    assert "points on a scale of 100 (sales_points.scaled) = 85 points" in en


def test_weights_still_sum_to_the_total(tmp_path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(POLICY.replace("weight: 50, scale: 10", "weight: 40, scale: 10"), encoding="utf-8")
    with pytest.raises(JixiaoError) as raised:
        prepare(str(path))
    assert "JX204" in "\n".join(raised.value.lines("en"))


def test_band_points_above_the_scale_are_a_located_error(tmp_path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(POLICY.replace("points: 100}", "points: 120}"), encoding="utf-8")
    with pytest.raises(JixiaoError) as raised:
        prepare(str(path))
    english = "\n".join(raised.value.lines("en"))
    assert "s.yaml:18:29:" in english and "band gives 120 points, more than the KPI's scale 100" in english, english
