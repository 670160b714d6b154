"""`score.round`: each KPI's points rounded before they are summed (`each`, the default) or only the sum (`total`).

Three KPIs of 33.335, 33.335 and 31.33 points, worked by hand (half-up to 0.01):
each  → 33.34 + 33.34 + 31.33 = 98.01;  total → 98.000 → 98.00.
Both back-ends must agree bit for bit (tests/run/test_back_ends.py).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.errors import JixiaoError
from engine.model.inputs import AgentInput
from engine.pipeline import prepare
from engine.report.explain import explain_text
from engine.run.evaluate import evaluate
from tests.run.test_back_ends import agree

POLICY = """\
jixiao: 1
policy: {{id: r, version: "1", name: 取整, effective_from: 2026-01-01}}
roles:
  agent: {{label: 客服}}
metrics:
  a: {{label: 甲, type: number}}
  b: {{label: 乙, type: number}}
  c: {{label: 丙, type: number}}
kpis:
  ka: {{label: 甲分, weight: 34, formula: "a"}}
  kb: {{label: 乙分, weight: 34, formula: "b"}}
  kc: {{label: 丙分, weight: 32, formula: "c"}}
score: {{total: 100{round}}}
pay:
  base: {{label: 底薪, kind: table, key: role, values: {{agent: 1000}}}}
"""

ITEM = AgentInput("a1", "2026-10", {"a": Decimal("33.335"), "b": Decimal("33.335"), "c": Decimal("31.33")},
                  role="agent")


def _plan(tmp_path, round_line: str):
    path = tmp_path / "r.yaml"
    path.write_text(POLICY.format(round=round_line), encoding="utf-8")
    plan, _ = prepare(str(path))
    return plan


@pytest.mark.parametrize(("round_line", "score", "points"), [
    ("", "98.01", ("33.34", "33.34", "31.33")),  # the default is today's behaviour
    (", round: each", "98.01", ("33.34", "33.34", "31.33")),
    (", round: total", "98.00", ("33.335", "33.335", "31.33")),
])
def test_the_score_is_rounded_as_declared_through_both_back_ends(tmp_path, round_line, score, points) -> None:
    plan = _plan(tmp_path, round_line)
    agree(plan, [ITEM])
    [result] = evaluate(plan, [ITEM])
    assert result.score == Decimal(score) and str(result.score) == score
    assert tuple(str(p) for _, p in result.kpis) == points


def test_explain_says_only_the_total_was_rounded(tmp_path) -> None:
    plan = _plan(tmp_path, ", round: total")
    [result] = evaluate(plan, [ITEM], trace=True)
    zh, en = explain_text(plan, result, "zh"), explain_text(plan, result, "en")
    assert "（各项不取整，合计四舍五入到 0.01）" in zh
    assert "(points unrounded, the sum rounded half-up to 0.01)" in en


def test_an_unknown_rounding_is_a_located_error(tmp_path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(POLICY.format(round=", round: nearest"), encoding="utf-8")
    with pytest.raises(JixiaoError) as raised:
        prepare(str(path))
    english = "\n".join(raised.value.lines("en"))
    assert "r.yaml:13" in english and "nearest" in english, english
