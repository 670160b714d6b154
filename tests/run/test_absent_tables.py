"""A table keyed by a choice that may be blank (issue 16 items 4 and 6): an agent not assessed
(未考核, `missing: absent`) is paid by the table's row `absent` and by nothing else. Without that row
the policy is refused at its `values:` (JX236), even with a `default:` — a default stands for values
not listed, never for an agent nobody assessed (S4.1: the assessment decides the bonus)."""

from __future__ import annotations

from decimal import Decimal

from engine.model.inputs import AgentInput
from engine.pipeline import prepare
from engine.run.evaluate import evaluate_period
from tests.run.test_back_ends import agree

POLICY = """\
jixiao: 1
policy: {{id: absent-table, version: "1", name: 未考核查表, effective_from: 2026-10-01}}
metrics:
  assessment:
    label: 考核结果
    type: choice
    missing: absent
    values: {{excellent: {{label: 优秀}}, pass: {{label: 合格}}, fail: {{label: 不合格}}}}
pay:
  bonus:
    label: 考核奖
    kind: table
    key: assessment
{rows}
"""

WITH_ABSENT = "    values: {excellent: 300, pass: 100, fail: 0, absent: 50}"


def _policy(tmp_path, rows: str) -> str:
    path = tmp_path / "absent-table.yaml"
    path.write_text(POLICY.format(rows=rows), encoding="utf-8")
    return str(path)


def test_S4_1_an_agent_not_assessed_is_paid_the_absent_row_in_both_back_ends(tmp_path):
    plan, _ = prepare(_policy(tmp_path, WITH_ABSENT))
    items = [AgentInput(agent, "2026-10", {"assessment": value})
             for agent, value in (("blank", None), ("excellent", "excellent"), ("pass", "pass"), ("fail", "fail"))]
    agree(plan, items)
    totals = {r.agent: r.total for r in evaluate_period(plan, items)}
    assert totals == {"blank": Decimal("50.00"), "excellent": Decimal("300.00"), "pass": Decimal("100.00"),
                      "fail": Decimal("0.00")}
