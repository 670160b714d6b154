"""engine.cases.coverage: a percentage is rounded down (a policy one item short never shows 100.0 %),
and each area counts what was declared and what was reached."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from harness.cli import run

from engine.cases.coverage import Area, Item, PolicyCoverage


def coverage(declared: int, reached: int) -> PolicyCoverage:
    items = tuple(Item(Area.CLAUSE, f"penalties.p{i}", i + 1, (Area.CLAUSE, f"p{i}")) for i in range(declared))
    return PolicyCoverage("p.yaml", "p.yaml", items, frozenset(item.key for item in items[:reached]))


def test_percentages_round_down_and_nothing_declared_is_all_covered():
    assert coverage(2000, 1999).percent == Decimal("99.9")
    assert coverage(3, 2).percent == Decimal("66.6")
    assert coverage(3, 3).percent == Decimal("100.0")
    assert coverage(0, 0).percent == Decimal("100.0")


def test_missed_items_and_areas():
    found = coverage(4, 1)
    assert [item.line for item in found.missed] == [2, 3, 4]
    assert list(found.by_area()) == [(Area.CLAUSE, 1, 4)]


ROOT = Path(__file__).resolve().parents[2]
# One case firing S4.P24's clause over two kinds with a 未回复 only (2006: bonus and commission cancelled).
NO_REPLY_ONLY = f"""\
policy: {ROOT / "policies" / "s4_path.yaml"}
period: 2026-10
inputs:
  metrics: {ROOT / "examples" / "s4" / "metrics.csv"}
  roster: {ROOT / "examples" / "s4" / "roster.csv"}
cases:
  - name: S4.P24 no reply
    rules: [S4.P24]
    inputs:
      events: |
        工号,时间,类型,数值/秒,金额,订单号,备注
        2006,2026-10-12 10:00:00,未回复,,,2006-1,
    expected:
      agents:
        "2006":
          pay: {{base: 1200.00, guarantee: 300.00, "*": 0}}
          penalties: {{p24_over_200_or_no_reply: 1, "*": 0}}
"""


def test_a_clause_over_two_kinds_is_an_item_per_kind_and_a_group_is_one_item_S4_P24(tmp_path):
    """S4.P24 fired by a 未回复 only: its `match[1]` (no_reply) is reached, `match[0]` (over 200 s) is not,
    and the monthly_bonus group (当月奖金), cancelled by it, is reached."""
    path = tmp_path / "no_reply.yaml"
    path.write_text(NO_REPLY_ONLY, encoding="utf-8")
    result = run("test", str(path), "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "pay group 1/1" in lines[1] and "penalty clause 1/25" in lines[1]
    policy = (ROOT / "policies" / "s4_path.yaml").read_text(encoding="utf-8").splitlines()
    over = next(i for i, line in enumerate(policy, 1) if "{kind: first_response, value_over: 200}" in line)
    assert any(line.endswith(f":{over}: no test reaches penalty clause penalties.p24_over_200_or_no_reply.match[0]")
               for line in lines)
    assert not any("match[1]" in line or "pay_groups" in line for line in lines)
