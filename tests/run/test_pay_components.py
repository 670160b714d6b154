"""Pay components worked out by hand: commission modes, the S4.2 step bonus, fixed bonus and
guaranteed minimum, formula pay and rounding (rule ids from docs/rules.md).

Every expected value is an exact Decimal computed in the comment or docstring next to it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from harness.plans import compile_text, only, pay, traced

from tests.run.test_evaluate import AMOUNTS, shop, shop_agent

D = Decimal


# -- commission modes --------------------------------------------------------------------------

TIERED = """\
commission:
  label: {zh: 提成, en: Commission}
  kind: commission
  base: sales
  rate:
    on: sales / target
    mode: %s
    tiers:
      - {from: 0, to: 1.0, rate: 0.01}
      - {from: 1.0, to: 1.2, rate: 0.02}
      - {from: 1.2, rate: 0.04}
"""


def test_retroactive_commission_pays_the_whole_base_at_the_tier_reached(tmp_path: Path) -> None:
    """S0.3 style (retroactive): 130 of 100 reaches the ≥1.2 tier → all 130 × 4% = 5.20."""
    plan = compile_text(tmp_path, shop(TIERED % "retroactive"))
    result = only(plan, shop_agent(sales=130, target=100))
    assert traced(plan, result, "commission.rate") == D("0.04")
    assert pay(result, "commission") == D("5.20")


def test_marginal_commission_pays_each_slice_at_its_own_rate(tmp_path: Path) -> None:
    """Marginal: 100 × 1% + 20 × 2% + 10 × 4% = 1.00 + 0.40 + 0.40 = 1.80; slices in the trace."""
    plan = compile_text(tmp_path, shop(TIERED % "marginal"))
    result = only(plan, shop_agent(sales=130, target=100))
    assert traced(plan, result, "commission.slices") == (D("1.00"), D("0.40"), D("0.40"))
    assert pay(result, "commission") == D("1.80")
    below = only(plan, shop_agent(sales=80, target=100))  # everything in tier 1: 80 × 1%
    assert traced(plan, below, "commission.slices") == (D("0.80"), 0, 0)
    assert pay(below, "commission") == D("0.80")


# -- S4.2: step bonus, fixed bonus, guaranteed minimum -----------------------------------------

STEP = """\
step:
  label: {zh: 阶梯奖, en: Step bonus}
  rule: S4.2
  kind: step
  on: attainment
  from: 1.5
  every: 0.5
  first: 50
  then: 50
"""


@pytest.mark.parametrize(
    ("sales", "bonus"),
    [("149.99", "0.00"), ("150", "50.00"), ("199", "50.00"), ("199.99", "50.00"), ("200", "100.00"),
     ("250", "150.00"), ("100", "0.00"), ("0", "0.00")],
)
def test_s4_2_step_bonus(tmp_path: Path, sales: str, bonus: str) -> None:
    """S4.2: 50 at 150% of the task, 50 more for every further 50% (150% → 50, 200% → 100, 250% → 150)."""
    plan = compile_text(tmp_path, shop(STEP))
    assert pay(only(plan, shop_agent(sales=sales, target=100)), "step") == D(bonus)


@pytest.mark.parametrize(("sales", "bonus"), [("150", "50.00"), ("200", "100.00"), ("250", "100.00"),
                                              ("1000", "100.00")])
def test_s4_2_step_bonus_with_max(tmp_path: Path, sales: str, bonus: str) -> None:
    """A policy may cap the ladder: `max: 100` stops it at 200%."""
    plan = compile_text(tmp_path, shop(STEP + "  max: 100\n"))
    assert pay(only(plan, shop_agent(sales=sales, target=100)), "step") == D(bonus)


AGENT_PAY = """\
base:
  label: {zh: 底薪, en: Base pay}
  rule: S4.2
  kind: fixed
  amount: 1200
commission:
  label: {zh: 提成, en: Commission}
  rule: S4.2
  kind: commission
  base: sales
  rate: 0.01
excellent:
  label: {zh: 优秀奖, en: Excellence bonus}
  rule: [S4.1, S4.2]
  kind: fixed
  amount: 200
  when: rating == 'excellent'
minimum:
  label: {zh: 保底, en: Guaranteed minimum}
  rule: S4.2
  kind: minimum
  floor: 1500
"""


def test_s4_2_minimum_tops_pay_up_to_the_floor(tmp_path: Path) -> None:
    """S4.2: 1200 + 1% of 12345 = 1323.45 → topped up by 176.55 to 1500.00."""
    plan = compile_text(tmp_path, shop(AGENT_PAY))
    result = only(plan, shop_agent(sales=12345, quality=80))
    assert result.pay == (("base", D("1200.00")), ("commission", D("123.45")), ("excellent", D("0.00")),
                          ("minimum", D("176.55")))
    assert result.total == D("1500.00")
    assert traced(plan, result, "minimum.subtotal") == D("1323.45")


def test_s4_2_minimum_adds_nothing_above_the_floor(tmp_path: Path) -> None:
    """S4.2: 1200 + 400.00 commission + 200 excellent = 1800 ≥ 1500 → no top-up."""
    plan = compile_text(tmp_path, shop(AGENT_PAY))
    result = only(plan, shop_agent(sales=40000, quality=95))
    assert result.pay == (("base", D("1200.00")), ("commission", D("400.00")), ("excellent", D("200.00")),
                          ("minimum", D("0.00")))
    assert result.total == D("1800.00")


def test_s4_2_minimum_counts_a_component_after_its_gate_cancelled_it(tmp_path: Path) -> None:
    """The floor sees pay as paid: a cancelled commission counts 0 → top-up 300, not 200 (S4.P27)."""
    gate = """\
    bad_review:
      label: {zh: 差评取消提成, en: A bad review cancels commission}
      rule: S4.P27
      when: score < 60
      cancels: [commission]
    """
    plan = compile_text(tmp_path, shop(AGENT_PAY, gates=gate))
    kept = only(plan, shop_agent(sales=10000, quality=60))
    assert pay(kept, "commission") == D("100.00")
    assert pay(kept, "minimum") == D("200.00")
    cancelled = only(plan, shop_agent(sales=10000, quality=59))
    assert traced(plan, cancelled, "bad_review") is True
    assert pay(cancelled, "commission") == D("0.00")
    assert pay(cancelled, "minimum") == D("300.00")
    assert cancelled.total == D("1500.00")


@pytest.mark.parametrize(("quality", "rating", "bonus"),
                         [("90", "excellent", "200.00"), ("89.99", "pass", "0.00"), ("100", "excellent", "200.00")])
def test_s4_1_fixed_bonus_when_excellent(tmp_path: Path, quality: str, rating: str, bonus: str) -> None:
    """S4.1: +200 when the assessment result is excellent (here: rating excellent, score ≥ 90)."""
    plan = compile_text(tmp_path, shop(AGENT_PAY))
    result = only(plan, shop_agent(sales=40000, quality=quality))
    assert result.rating == rating
    assert traced(plan, result, "excellent.when") is (rating == "excellent")
    assert pay(result, "excellent") == D(bonus)


# -- formula pay and rounding ------------------------------------------------------------------

FORMULA = """\
performance:
  label: {zh: 绩效, en: Performance}
  rule: S0.2
  kind: formula
  formula: score / 100 * sales * 0.002
"""


def test_formula_component_s0_2_written_as_a_formula(tmp_path: Path) -> None:
    """S0.2 as one formula: 87.5/100 × 12345 × 0.002 = 21.60375 → 21.60."""
    plan = compile_text(tmp_path, shop(FORMULA))
    result = only(plan, shop_agent(sales=12345, quality="87.5"))
    assert result.score == D("87.50")
    assert result.pay == (("performance", D("21.60")),)


@pytest.mark.parametrize(("amount", "one"), [("2.675", "2.68"), ("0.005", "0.01"), ("2.665", "2.67"),
                                             ("-0.005", "-0.01"), ("1.994", "1.99")])
def test_rounding_half_up_to_the_fen_by_default(tmp_path: Path, amount: str, one: str) -> None:
    """Money is paid to the fen (0.01), half up unless the policy says otherwise."""
    plan = compile_text(tmp_path, shop(AMOUNTS))
    assert pay(only(plan, shop_agent(amount=amount)), "one") == D(one)


@pytest.mark.parametrize(("amount", "one"), [("2.675", "2.68"), ("2.665", "2.66"), ("0.005", "0.00"),
                                             ("0.015", "0.02")])
def test_rounding_half_even_when_the_policy_chooses_it(tmp_path: Path, amount: str, one: str) -> None:
    plan = compile_text(tmp_path, shop(AMOUNTS, rounding="{mode: half_even}"))
    assert pay(only(plan, shop_agent(amount=amount)), "one") == D(one)


def test_total_is_the_sum_of_rounded_lines(tmp_path: Path) -> None:
    """1.005 + 2.005 + 3.005: the lines round to 1.01, 2.01, 3.01 → total 6.03 (not round(6.015) = 6.02)."""
    plan = compile_text(tmp_path, shop(AMOUNTS))
    result = only(plan, shop_agent(amount="1.005"))
    assert result.pay == (("one", D("1.01")), ("two", D("2.01")), ("three", D("3.01")))
    assert result.total == D("6.03")


def test_rounding_quantum_one_yuan(tmp_path: Path) -> None:
    plan = compile_text(tmp_path, shop(AMOUNTS, rounding="{quantum: 1, mode: down}"))
    result = only(plan, shop_agent(amount="1.99"))
    assert result.pay == (("one", D("1")), ("two", D("2")), ("three", D("3")))
    assert result.total == D("6")
