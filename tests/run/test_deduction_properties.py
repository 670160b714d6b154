"""Invariants of the lawful deduction (L.1), over generated pay, losses, carried amounts, minimum
wages and caps: the deduction never exceeds what is owed, the cap (rounded down to the fen) or
what lies above the minimum wage; it takes all it may; what is not taken is carried; the total is
the sum of the pay lines; with the guard off the whole loss is taken."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.model.events import Event
from engine.model.inputs import AgentInput, State
from engine.policy.compile import compile_policy
from engine.policy.load import load_text
from engine.run.evaluate import evaluate_period

POLICY = """\
jixiao: 1
policy: {{id: p, version: "1", name: p, effective_from: 2026-01-01}}
metrics:
  pay: {{label: 应发, type: money}}
kpis:
  k: {{label: k, weight: 100, formula: 100}}
score: {{total: 100}}
pay:
  base: {{label: 基本工资, kind: formula, formula: pay}}
events:
  zone: Asia/Shanghai
  kinds:
    price_loss: {{label: 改价损失}}
penalties:
  price_change:
    label: 擅自改价
    rule: S4.P19
    kind: price_loss
    per: event
    deducts: loss
deductions:
  guard: {guard}
  cap: {cap}
  minimum_wage: {minimum}
"""
ZONE = ZoneInfo("Asia/Shanghai")
FEN = Decimal("0.01")
money = st.decimals(min_value=0, max_value=50_000, places=2, allow_nan=False, allow_infinity=False)


def plan_of(guard: str, cap: Decimal, minimum: Decimal):
    return compile_policy(load_text(POLICY.format(guard=guard, cap=cap, minimum=minimum).encode(), "p.yaml"))


PLANS: dict[tuple, object] = {}


@settings(max_examples=150, deadline=None)
@given(pay=money, losses=st.lists(money, max_size=4), carried=money,
       minimum=st.decimals(min_value=1, max_value=5000, places=0), cap=st.sampled_from(["0.2", "0.1", "0.05"]),
       guard=st.sampled_from(["on", "off"]))
def test_L1_the_deduction_takes_what_the_law_allows_and_carries_the_rest(pay, losses, carried, minimum, cap, guard):
    key = (guard, cap, minimum)
    plan = PLANS.get(key) or PLANS.setdefault(key, plan_of(guard, Decimal(cap), minimum))
    events = tuple(Event("1", datetime(2026, 10, 1 + i, 10, tzinfo=ZONE), datetime(2026, 10, 1 + i).date(),
                         "price_loss", None, loss, f"P{i}", "", f"e.csv row {i + 2}") for i, loss in enumerate(losses))
    (result,) = evaluate_period(plan, [AgentInput("1", "2026-10", {"pay": pay}, events=events)],
                                State(carried={"1": carried}), trace=False)
    lines = dict(result.pay)
    taken = -lines["loss_deduction"]
    owed = sum(losses, Decimal(0)) + carried
    assert result.total == sum(lines.values())
    assert lines["base"] == pay
    if guard == "off":
        assert taken == owed
        return
    cap_amount = (pay * Decimal(cap)).quantize(FEN, ROUND_DOWN)
    room = max(pay - minimum, Decimal(0))
    assert 0 <= taken <= owed and taken <= cap_amount and taken <= room
    assert taken == min(owed, cap_amount, room)  # all it may: one of the three binds
    assert result.total >= min(pay, minimum)
    assert dict(result.penalties)["loss_deduction.carried_out"] == owed - taken
