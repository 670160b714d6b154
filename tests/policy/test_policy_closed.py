"""Right-closed bands and tiers: `closed: right` makes each band (from, to] instead of [from, to).

Rule books score response time as "≤ 35 s → 100; (35, 45] → 80; (45, 55] → 60; > 55 → 0":
the bound belongs to the band *below* it. Written directly with `closed: right`, the policy reads
like the rule book and a value exactly on a bound gets the band the rule book gives it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from harness.plans import compile_text, only, pay, traced
from hypothesis import given
from hypothesis import strategies as st

from engine.policy.runtime import marginal
from tests.policy.check_base import loc, mutate
from tests.policy.test_policy_hostile import diagnose
from tests.run.test_evaluate import HEADER, agent, shop, shop_agent
from tests.run.test_pay_components import TIERED

D = Decimal

RESPONSE = HEADER + """\
metrics:
  first_response: {label: {zh: 首次响应时间, en: First response time}, type: duration, direction: lower}
kpis:
  response:
    label: {zh: 响应时间, en: Response time}
    metric: first_response
    weight: 100
    closed: %s
    bands:
      - {to: 35, points: 100}
      - {from: 35, to: 45, points: 80}
      - {from: 45, to: 55, points: 60}
      - {from: 55, points: 0}
score:
  total: 100
pay:
  base: {label: 底薪, kind: fixed, amount: 1000}
"""


@pytest.mark.parametrize(
    ("seconds", "right", "left"),
    [("35", "100", "80"), ("35.01", "80", "80"), ("45", "80", "60"), ("45.01", "60", "60"), ("55", "60", "0"),
     ("55.01", "0", "0"), ("0", "100", "100"), ("34.99", "100", "100")],
)
def test_response_time_template_on_every_bound(tmp_path: Path, seconds: str, right: str, left: str) -> None:
    """≤ 35 s → 100; (35, 45] → 80; (45, 55] → 60; > 55 → 0 — and the [from, to) reading for contrast."""
    for closed, expected in (("right", right), ("left", left)):
        plan = compile_text(tmp_path, RESPONSE % closed, name=f"{closed}.yaml")
        result = only(plan, agent("a1", first_response=seconds))
        assert dict(result.kpis)["response"] == D(expected), (closed, seconds)


def test_step_closed_is_compiled_onto_band_steps(tmp_path: Path) -> None:
    plan = compile_text(tmp_path, RESPONSE % "right")
    (band,) = [s for s in plan.steps if s.kind == "band"]
    assert band.closed == "right"
    assert "_bisect_left(" in plan.source
    left = compile_text(tmp_path, RESPONSE % "left", name="left.yaml")
    assert [s.closed for s in left.steps if s.kind == "band"] == ["left"]


def test_default_is_left_closed(tmp_path: Path) -> None:
    plan = compile_text(tmp_path, (RESPONSE % "left").replace("    closed: left\n", ""))
    assert dict(only(plan, agent("a1", first_response="35")).kpis)["response"] == D(80)


def test_closed_last_band_right_holds_its_to_and_nothing_above(tmp_path: Path) -> None:
    text = (RESPONSE % "right").replace("{from: 55, points: 0}", "{from: 55, to: 60, points: 0}")
    plan = compile_text(tmp_path, text)
    assert dict(only(plan, agent("a1", first_response="60")).kpis)["response"] == D(0)
    text = text.replace("{to: 35, points: 100}", "{from: 10, to: 35, points: 100}")
    plan = compile_text(tmp_path, text, name="first-open.yaml")
    assert dict(only(plan, agent("a1", first_response="10")).kpis)["response"] == D(0)  # (10, 35] excludes 10
    assert dict(only(plan, agent("a1", first_response="10.01")).kpis)["response"] == D(100)


RIGHT_TIERED = TIERED.replace("    tiers:\n", "    closed: right\n    tiers:\n")


@pytest.mark.parametrize(("sales", "rate"), [("100", "0.01"), ("100.01", "0.02"), ("120", "0.02"), ("120.01", "0.04")])
def test_right_closed_retroactive_tiers_S0_3(tmp_path: Path, sales: str, rate: str) -> None:
    """S0.3 with (from, to] tiers: exactly 100 % of target stays in the first tier."""
    plan = compile_text(tmp_path, shop(RIGHT_TIERED % "retroactive"))
    result = only(plan, shop_agent(sales=sales, target=100))
    assert traced(plan, result, "commission.rate") == D(rate)


@pytest.mark.parametrize("sales", ["0", "80", "100", "120", "130", "100.01"])
def test_marginal_amounts_do_not_depend_on_which_end_is_closed(tmp_path: Path, sales: str) -> None:
    """A slice boundary is a single point of no width: left- and right-closed marginal tiers pay the same."""
    left = compile_text(tmp_path, shop(TIERED % "marginal"), name="left.yaml")
    right = compile_text(tmp_path, shop(RIGHT_TIERED % "marginal"), name="right.yaml")
    assert pay(only(left, shop_agent(sales=sales, target=100)), "commission") == pay(
        only(right, shop_agent(sales=sales, target=100)), "commission")


@given(st.decimals(min_value=0, max_value=10, places=3))
def test_marginal_slices_sum_to_base_times_average_rate_property(on: Decimal) -> None:
    """Slices never count a bound twice: their shares of `on` add up to `on` itself."""
    ones = marginal((D(0), D(1), D("1.2")), (D(1), D(1), D(1)), on, on)
    assert sum(ones, D(0)) == on


def test_closed_right_gap_is_reported_in_its_notation() -> None:
    text = mutate(("    bands:\n      - {to: 0.9, points: 0}",
                   "    closed: right\n    bands:\n      - {to: 0.85, points: 0}"))
    (found,) = diagnose(text)
    assert (found.code, found.line, found.column) == ("JX205", *loc(text, "{from: 0.9, to: 0.95", "{"))
    assert found.message == "gap between bands: (0.85, 0.9] is not covered"
    assert found.zh == "档位之间有空缺：(0.85, 0.9] 没有被覆盖"


def test_closed_right_reversed_band_in_its_notation() -> None:
    text = mutate(("    bands:\n", "    closed: right\n    bands:\n"),
                  ("{from: 0.95, points: 20}", "{from: 0.95, to: 0.5, points: 20}"))
    (found,) = diagnose(text)
    assert found.message == "band (0.95, 0.5] is empty or reversed: from must be below to"


def test_closed_without_bands_is_refused() -> None:
    text = mutate(("    linear: {from: 0.5, to: 1.0}\n", "    linear: {from: 0.5, to: 1.0}\n    closed: right\n"))
    (found,) = diagnose(text)
    assert (found.code, found.line, found.column) == ("JX213", *loc(text, "    closed: right", "closed"))
    assert found.message == "'closed' of KPI 'sales_attainment' belongs beside 'bands:'"


def test_closed_takes_left_or_right_only() -> None:
    text = mutate(("    bands:\n", "    closed: both\n    bands:\n"))
    (found,) = diagnose(text)
    assert (found.code, found.message) == ("JX104", "kpis.reply_rate.closed: 'both' is not one of 'left', 'right'")
    assert found.zh == "kpis.reply_rate.closed：'both' 不是可选值之一（'left'、'right'）"


def test_commission_tiers_closed_right_validate_clean() -> None:
    assert diagnose(mutate(("      mode: retroactive\n", "      mode: retroactive\n      closed: right\n"))) == []


