"""Evaluation outcomes worked out by hand from the source rules (rule ids from docs/rules.md).

Every expected value is an exact Decimal computed in the docstring or comment next to it, so a
reader can check the engine against the rule without running anything.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.data.inputs import read_inputs
from engine.errors import EvaluationError
from engine.model.inputs import AgentInput, AgentState, State
from engine.model.plan import Plan
from engine.model.results import AgentResult
from engine.pipeline import prepare
from engine.policy.load import load_policy
from engine.run.evaluate import evaluate, evaluate_period

D = Decimal
ROOT = Path(__file__).resolve().parents[2]
S0 = ROOT / "policies" / "s0_shop.yaml"
S2 = ROOT / "policies" / "s2_commission.yaml"
PERIOD = "2026-11"


# -- helpers -----------------------------------------------------------------------------------


def compile_text(tmp_path: Path, text: str, name: str = "policy.yaml") -> Plan:
    """Write a policy to tmp_path and compile it; test policies must be free of warnings too."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    plan, warnings = prepare(str(path))
    assert warnings == []
    return plan


def agent(name: str, period: str = PERIOD, team: str = "t", role: str | None = None, grade: str | None = None,
          **values: object) -> AgentInput:
    return AgentInput(name, period, {k: D(str(v)) for k, v in values.items()}, team=team, role=role, grade=grade)


def traced(plan: Plan, result: AgentResult, name: str) -> object:
    """The value the trace recorded for the step called `name` (KPI steps are `<id>_points`)."""
    assert result.trace is not None
    return result.trace[next(s.slot for s in plan.steps if s.name == name)]


def pay(result: AgentResult, name: str) -> Decimal:
    return dict(result.pay)[name]


def only(plan: Plan, item: AgentInput, state: State | None = None) -> AgentResult:
    (result,) = evaluate(plan, [item], state, trace=True)
    return result


HEADER = """\
jixiao: 1
policy:
  id: test-shop
  version: "1"
  name: {zh: 测试店铺, en: Test shop}
  effective_from: 2026-11-01
"""


def shop(pay_yaml: str, *, rounding: str = "", gates: str = "", derived: str = "") -> str:
    """A one-KPI test shop whose score is the `quality` metric itself (clamped to 0..100).

    Metrics: sales, target, quality (the score), amount (free input for formula pay).
    Derived: attainment = sales / target. Ratings: excellent ≥ 90, pass ≥ 60, else fail.
    """
    body = HEADER + (f"  rounding: {rounding}\n" if rounding else "") + """\
metrics:
  sales: {label: {zh: 销售额, en: Sales}, type: money}
  target: {label: {zh: 销售目标, en: Sales target}, type: money}
  quality: {label: {zh: 考核分, en: Assessment points}, type: number}
  amount: {label: {zh: 金额, en: Amount}, type: money, missing: 0}
derived:
  attainment: {label: {zh: 达成率, en: Attainment}, formula: sales / target}
""" + textwrap.indent(textwrap.dedent(derived), "  ") + """\
kpis:
  quality: {label: {zh: 考核, en: Assessment}, weight: 100, formula: quality}
score:
  total: 100
  ratings:
    excellent: {label: {zh: 优秀, en: Excellent}, min: 90}
    pass: {label: {zh: 合格, en: Pass}, min: 60}
    fail: {label: {zh: 不合格, en: Fail}}
"""
    if gates:
        body += "  gates:\n" + textwrap.indent(textwrap.dedent(gates), "    ")
    return body + "pay:\n" + textwrap.indent(textwrap.dedent(pay_yaml), "  ")


def shop_agent(name: str = "a1", *, sales: object = 0, target: object = 100, quality: object = 80,
               amount: object = 0, **kw: object) -> AgentInput:
    return agent(name, sales=sales, target=target, quality=quality, amount=amount, **kw)


# Three formula components reading an `amount` metric (rounding and division tests).
AMOUNTS = """\
one: {label: {zh: 一, en: One}, kind: formula, formula: amount}
two: {label: {zh: 二, en: Two}, kind: formula, formula: amount + 1}
three: {label: {zh: 三, en: Three}, kind: formula, formula: amount + 2}
"""


# -- S0: the eight-KPI shop, policies/s0_shop.yaml ---------------------------------------------

S0_FULL_MARKS = dict(  # every KPI but sales attainment at full marks: 75 points
    inquiries=100, buyers=50,     # conversion 0.5 → 20
    order_value=260,              # band [250, ∞) → 10
    reply_rate="0.99",            # band [0.98, ∞) → 10
    first_response=20,            # linear 60 → 20: at 20 → 15
    after_sales_cost=10,          # linear 50 → 10: at 10 → 5
    after_sales_handled=40,       # min(40, 40) / 8 → 5
    absences=0, late_arrivals=0,  # 10 − 0 − 0 → 10
)


def s0_agent(name: str, sales: object, *, target: object = 10000, team: str = "t", role: str = "agent",
             grade: str | None = "A1", period: str = PERIOD, **over: object) -> AgentInput:
    values = dict(S0_FULL_MARKS, sales=sales, sales_target=target)
    values.update(over)
    return agent(name, period, team, role, grade, **values)


@pytest.fixture(scope="module")
def s0() -> Plan:
    plan, warnings = prepare(str(S0))
    assert warnings == []
    return plan


@pytest.fixture(scope="module")
def s2() -> Plan:
    plan, warnings = prepare(str(S2))
    assert warnings == []
    return plan


def test_s0_2_pay_uses_the_team_mean_of_sales(s0: Plan) -> None:
    """S0.2: pay = base + score/100 × team per-capita sales × rate; the per-capita is the team mean.

    Team t: a1 sold 13000, a2 sold 7000, target 10000 each → per-capita (13000 + 7000) / 2 = 10000.
      a1: attainment 1.3 → 25 points, score 100; tier 3 (S0.3) 0.4% → 100/100 × 10000 × 0.004 = 40.00
      a2: attainment 0.7 → 25 × (0.7 − 0.5) / 0.5 = 10 points, score 85; tier 1 0.1%
          → 85/100 × 10000 × 0.001 = 8.50
    Team u: a3 alone sold 5000 → per-capita 5000; attainment 0.5 → 0 points, score 75
          → 75/100 × 5000 × 0.001 = 3.75.
    """
    a1, a2, a3 = evaluate(s0, [s0_agent("a1", 13000), s0_agent("a3", 5000, team="u"), s0_agent("a2", 7000)],
                          trace=True)
    assert traced(s0, a1, "team_sales_per_capita") == traced(s0, a2, "team_sales_per_capita") == D(10000)
    assert traced(s0, a3, "team_sales_per_capita") == D(5000)
    assert (a1.score, a2.score, a3.score) == (D("100.00"), D("85.00"), D("75.00"))
    assert a1.pay == (("base", D("2000.00")), ("performance", D("40.00")))
    assert a2.pay == (("base", D("2000.00")), ("performance", D("8.50")))
    assert a3.pay == (("base", D("2000.00")), ("performance", D("3.75")))
    assert (a1.total, a2.total, a3.total) == (D("2040.00"), D("2008.50"), D("2003.75"))
    assert traced(s0, a2, "performance.base") == D(8500)  # 85 / 100 × 10000, before the rate


def test_s0_2_a_teammate_moves_an_agents_pay(s0: Plan) -> None:
    """S0.2: 'the team's result moves every individual's pay': same a1, better teammate, more pay."""
    alone = evaluate(s0, [s0_agent("a1", 13000), s0_agent("a2", 7000)])[0]
    better = evaluate(s0, [s0_agent("a1", 13000), s0_agent("a2", 11000)])[0]
    assert pay(alone, "performance") == D("40.00")   # 1.00 × 10000 × 0.004
    assert pay(better, "performance") == D("48.00")  # 1.00 × 12000 × 0.004


@pytest.mark.parametrize(
    ("sales", "rate", "performance"),
    [
        # alone in the team, so per-capita sales = own sales; every KPI at full marks → score 100
        ("9999", "0.001", "10.00"),   # attainment 0.9999: just below target, tier 1; 9.999 → 10.00
        ("10000", "0.002", "20.00"),  # attainment 1.00 exactly: tier 2
        ("11000", "0.002", "22.00"),
        ("11999", "0.002", "24.00"),  # 23.998 → 24.00
        ("12000", "0.004", "48.00"),  # attainment 1.20 exactly: tier 3
        ("15000", "0.004", "60.00"),
    ],
)
def test_s0_3_commission_tier_by_attainment(s0: Plan, sales: str, rate: str, performance: str) -> None:
    """S0.3: missed target 0.1%, met 0.2%, 120% of target 0.4%; a tier starts at its bound."""
    result = only(s0, s0_agent("a1", sales))
    assert result.score == D("100.00")
    assert traced(s0, result, "performance.rate") == D(rate)
    assert pay(result, "performance") == D(performance)


def test_s0_3_tier_1_below_target_with_a_lower_score(s0: Plan) -> None:
    """S0.3 tier 1: attainment 0.8 → 25 × 0.3 / 0.5 = 15 points, score 90 → 0.9 × 8000 × 0.001 = 7.20."""
    result = only(s0, s0_agent("a1", 8000))
    assert result.score == D("90.00")
    assert traced(s0, result, "performance.tier") == 0
    assert pay(result, "performance") == D("7.20")


def test_s0_3_probation_agent_stays_in_tier_1(s0: Plan) -> None:
    """S0.3: an agent on probation is in tier 1 whatever the sales: attainment 1.5 → still 0.1%."""
    result = only(s0, s0_agent("a1", 15000, role="probation"))
    assert traced(s0, result, "attainment") == D("1.5")
    assert traced(s0, result, "performance.on") == 0
    assert traced(s0, result, "performance.rate") == D("0.001")
    assert pay(result, "performance") == D("15.00")  # 100/100 × 15000 × 0.001
    regular = only(s0, s0_agent("a1", 15000, role="agent"))
    assert pay(regular, "performance") == D("60.00")  # the same month off probation: 0.4%


def test_s0_5_below_60_points_no_performance_pay(s0: Plan) -> None:
    """S0.5: score 59.99 earns no performance pay; the gate is recorded as true in the trace.

    sales 6998 / 10000 → 25 × 0.1998 / 0.5 = 9.99 points; conversion 20, order value 10, reply 10,
    first response 60 s → 0, after-sales cost 50 → 0, 0 cases → 0, attendance 10: 59.99.
    """
    result = only(s0, s0_agent("a1", 6998, first_response=60, after_sales_cost=50, after_sales_handled=0))
    assert result.score == D("59.99")
    assert result.rating == "fail"
    assert traced(s0, result, "no_performance_pay") is True
    assert pay(result, "performance") == D("0.00")
    assert result.total == D("2000.00")


def test_s0_5_exactly_60_points_is_paid(s0: Plan) -> None:
    """S0.5: 60.00 is not below 60: 60/100 × 7000 × 0.001 (tier 1) = 4.20."""
    result = only(s0, s0_agent("a1", 7000, first_response=60, after_sales_cost=50, after_sales_handled=0))
    assert result.score == D("60.00")
    assert result.rating == "pass"
    assert traced(s0, result, "no_performance_pay") is False
    assert pay(result, "performance") == D("4.20")
    assert result.total == D("2004.20")


@pytest.mark.parametrize(
    ("grade", "base"), [("A0", "1800"), ("A1", "2000"), ("A2", "2500"), ("A3", "3000"), ("A4", "3500")]
)
def test_s0_6_base_pay_by_grade(s0: Plan, grade: str, base: str) -> None:
    """S0.6: A0 1800, A1 2000, A2 2500, A3 3000, A4 3500."""
    result = only(s0, s0_agent("a1", 10000, grade=grade))
    assert pay(result, "base") == D(base).quantize(D("0.01"))
    assert result.grade == grade


def _line_of(path: Path, text: str, after: int = 0) -> int:
    """The first line after line `after` that is `text` or starts with `text` and a space."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if i > after and (line == text or line.startswith(text + " ")))


def test_s0_6_missing_grade_names_agent_step_and_line(s0: Plan) -> None:
    """S0.6: base pay needs a grade; without one the error names the agent, step, rule and line."""
    with pytest.raises(EvaluationError) as caught:
        evaluate(s0, [s0_agent("a7", 10000, grade=None)])
    message = str(caught.value)
    assert message.startswith(f"{S0}:{_line_of(S0, '  base:')}: cannot compute base, rule S0.6 for agent a7 ")
    assert "has no grade" in message


def test_s0_6_evaluation_errors_in_chinese(s0: Plan) -> None:
    """S0.6: the same located error for Chinese readers."""
    with pytest.raises(EvaluationError) as caught:
        evaluate(s0, [s0_agent("a7", 10000, grade=None)])
    (line,) = caught.value.lines("zh")
    assert line == (f"{S0}:{_line_of(S0, '  base:')}: 无法为客服 a7（{PERIOD}）计算 base，规则 S0.6："
                    "该客服没有等级（请提供含等级列的花名册）")
    with pytest.raises(EvaluationError) as caught:
        evaluate(s0, [s0_agent("a1", 10000, period="2020-01")])
    assert "早于生效日期" in caught.value.lines("zh")[0]


def test_s0_6_unknown_grade_names_the_grades_there_are(s0: Plan) -> None:
    with pytest.raises(EvaluationError, match=r"agent a1 \(2026-11\): grade 'A9' has no entry; the table has A0"):
        evaluate(s0, [s0_agent("a1", 10000, grade="A9")])


def test_zero_over_zero_without_on_zero_division_is_reported_as_division_by_zero(s0: Plan) -> None:
    """attainment = sales / sales_target with both 0 (0/0 raises InvalidOperation, not ZeroDivisionError)."""
    with pytest.raises(EvaluationError) as caught:
        evaluate(s0, [s0_agent("a1", 0, target=0)])
    message = str(caught.value)
    formula = _line_of(S0, "    formula:", after=_line_of(S0, "  attainment:"))
    assert f":{formula}: cannot compute attainment, rule S0.1 for agent a1 " in message
    assert message.endswith("division by zero (declare on_zero_division: to choose a value)")


def test_on_zero_division_covers_x_over_zero_and_zero_over_zero(tmp_path: Path) -> None:
    plan = compile_text(tmp_path, shop(AMOUNTS, derived="""\
        ratio: {label: {zh: 比, en: Ratio}, formula: sales / amount, on_zero_division: 7}
        """))
    assert traced(plan, only(plan, shop_agent(sales=5, amount=0)), "ratio") == D(7)
    assert traced(plan, only(plan, shop_agent(sales=0, amount=0)), "ratio") == D(7)
    assert traced(plan, only(plan, shop_agent(sales=5, amount=2)), "ratio") == D("2.5")


def test_on_zero_division_does_not_hide_other_invalid_arithmetic(tmp_path: Path) -> None:
    """A negative number to a fractional power is not a division by zero: still an error."""
    plan = compile_text(tmp_path, shop(AMOUNTS, derived="""\
        root: {label: {zh: 根, en: Root}, formula: (sales - target) ** 0.5, on_zero_division: 0}
        """))
    assert traced(plan, only(plan, shop_agent(sales=109, target=100)), "root") == D(3)
    with pytest.raises(EvaluationError, match=r"cannot compute root .*: invalid arithmetic"):
        evaluate(plan, [shop_agent(sales=99, target=100)])


def test_prior_state_grade_wins_over_roster(s0: Plan) -> None:
    """S0.7: a grade recorded by an earlier review beats the roster's: A3 → base 3000, not A1's 2000."""
    state = State(agents={"a1": AgentState(grade="A3")})
    result = only(s0, s0_agent("a1", 10000, grade="A1"), state)
    assert result.grade == "A3"
    assert pay(result, "base") == D("3000.00")
    other = only(s0, s0_agent("a2", 10000, grade="A1"), state)  # no prior state: the roster holds
    assert pay(other, "base") == D("2000.00")


def test_prior_state_role_wins_over_roster(s0: Plan) -> None:
    """A recorded role (here: still on probation) beats the roster: tier 1 at 150% of target (S0.3)."""
    state = State(agents={"a1": AgentState(role="probation")})
    result = only(s0, s0_agent("a1", 15000, role="agent"), state)
    assert result.role == "probation"
    assert pay(result, "performance") == D("15.00")


# -- S2: the spreadsheet shop, policies/s2_commission.yaml -------------------------------------


def s2_agent(name: str = "a1", **over: object) -> AgentInput:
    values = dict(served=150, inquiries=20, orders=9, sales=350, response_time=20, satisfaction="0.95")
    values.update(over)
    return agent(name, **values)


def test_s2_2_conversion_9_of_20_is_45_percent(s2: Plan) -> None:
    """S2.2: 9 orders from 20 inquiries = 0.45; scored 40 × (0.45 − 0.2) / (0.6 − 0.2) = 25.00."""
    result = only(s2, s2_agent())
    assert traced(s2, result, "conversion") == D("0.45")
    assert dict(result.kpis)["conversion"] == D("25.00")
    # served 150 → 20 × 150/300 = 10; response 20 s → 20; satisfaction 0.95 → 20
    assert result.kpis == (("served", D("10.00")), ("conversion", D("25.00")),
                           ("response_time", D("20.00")), ("satisfaction", D("20.00")))
    assert result.score == D("75.00")
    assert result.rating == "pass"


def test_s2_2_no_inquiries_means_zero_conversion(s2: Plan) -> None:
    """S2.2 with on_zero_division: 0 → 0 inquiries is a conversion of 0, scored 0, not an error."""
    result = only(s2, s2_agent(inquiries=0, orders=0))
    assert traced(s2, result, "conversion") == 0
    assert dict(result.kpis)["conversion"] == D("0.00")


def test_s2_3_commission_350_at_2_percent_is_7(s2: Plan) -> None:
    """S2.3: 350 yuan of sales at 2% → 7.00 yuan, exactly."""
    result = only(s2, s2_agent())
    assert pay(result, "commission") == D("7.00")
    assert str(pay(result, "commission")) == "7.00"
    assert result.total == D("3007.00")


# -- KPI scoring -------------------------------------------------------------------------------

KPI_SHOP = HEADER + """\
metrics:
  attainment: {label: {zh: 达成率, en: Attainment}, type: ratio}
  response: {label: {zh: 响应时间, en: Response time}, type: duration, direction: lower}
  order_value: {label: {zh: 客单价, en: Order value}, type: money}
  raw: {label: {zh: 原始分, en: Raw points}, type: number}
kpis:
  attainment: {label: {zh: 达成率, en: Attainment}, metric: attainment, weight: 25, linear: {from: 0.5, to: 1.0}}
  response: {label: {zh: 响应, en: Response}, metric: response, weight: 15, linear: {from: 60, to: 20}}
  order_value:
    label: {zh: 客单价, en: Order value}
    metric: order_value
    weight: 10
    bands:
      - {from: 150, to: 200, points: 4}
      - {from: 200, to: 250, points: 7}
      - {from: 250, to: 300, points: 10}
  raw: {label: {zh: 公式, en: Formula}, weight: 50, formula: raw * 2}
score: {total: 100}
pay:
  base: {label: {zh: 底薪, en: Base}, kind: fixed, amount: 1000}
"""


def kpi_points(plan: Plan, **values: object) -> dict[str, Decimal]:
    defaults: dict[str, object] = dict(attainment=1, response=20, order_value=260, raw=25)
    defaults.update(values)
    (result,) = evaluate(plan, [agent("a1", **defaults)])
    assert result.score == sum(dict(result.kpis).values())
    return dict(result.kpis)


@pytest.mark.parametrize(("value", "points"), [("0", "0.00"), ("0.5", "0.00"), ("0.75", "12.50"), ("0.6", "5.00"),
                                               ("1.0", "25.00"), ("1.5", "25.00"), ("0.8", "15.00"),
                                               ("0.51", "0.50"), ("0.5001", "0.01")])
def test_linear_kpi_clamped_at_both_ends(tmp_path: Path, value: str, points: str) -> None:
    """S0.1 sales attainment, scored 0 at 50% of target rising to 25 at 100%, clamped."""
    plan = compile_text(tmp_path, KPI_SHOP)
    assert kpi_points(plan, attainment=value)["attainment"] == D(points)


@pytest.mark.parametrize(("seconds", "points"), [("60", "0.00"), ("90", "0.00"), ("40", "7.50"), ("20", "15.00"),
                                                 ("10", "15.00"), ("0", "15.00"), ("30", "11.25"), ("59", "0.38")])
def test_linear_kpi_lower_is_better(tmp_path: Path, seconds: str, points: str) -> None:
    """S4.P24 / S4.6: first response scored from 0 at 60 s up to 15 at 20 s; 59 s → 15/40 = 0.375 → 0.38."""
    plan = compile_text(tmp_path, KPI_SHOP)
    assert kpi_points(plan, response=seconds)["response"] == D(points)


@pytest.mark.parametrize(("value", "points"), [("0", "0.00"), ("149.99", "0.00"), ("150", "4.00"), ("199.99", "4.00"),
                                               ("200", "7.00"), ("250", "10.00"), ("299.99", "10.00"),
                                               ("300", "0.00"), ("1000", "0.00")])
def test_bands_kpi_half_open_and_outside(tmp_path: Path, value: str, points: str) -> None:
    """Bands are [from, to); below the first band or at/after a closed last band → 0 points."""
    plan = compile_text(tmp_path, KPI_SHOP)
    assert kpi_points(plan, order_value=value)["order_value"] == D(points)


def test_bands_open_ends_in_s0_policy(s0: Plan) -> None:
    """s0_shop.yaml's order-value bands are open at both ends: 0 → band 1 (0 points), 10⁶ → 10."""
    low = only(s0, s0_agent("a1", 10000, order_value=0))
    high = only(s0, s0_agent("a1", 10000, order_value=1000000))
    assert dict(low.kpis)["order_value"] == D("0.00")
    assert traced(s0, low, "order_value_points.band") == 0
    assert dict(high.kpis)["order_value"] == D("10.00")
    assert traced(s0, high, "order_value_points.band") == 3


@pytest.mark.parametrize(("raw", "points"), [("25", "50.00"), ("30", "50.00"), ("-1", "0.00"), ("0", "0.00"),
                                             ("12.3456", "24.69"), ("12.3425", "24.69")])
def test_formula_kpi_clamped_to_weight(tmp_path: Path, raw: str, points: str) -> None:
    """A formula KPI is clamped to [0, weight]: raw × 2 with weight 50."""
    plan = compile_text(tmp_path, KPI_SHOP)
    assert kpi_points(plan, raw=raw)["raw"] == D(points)


def test_s0_1_attendance_formula_clamped_at_zero(s0: Plan) -> None:
    """S0.1 attendance: 10 − 5 × 3 absences − 2 late = −7 → 0 points (the formula value stays in the trace)."""
    result = only(s0, s0_agent("a1", 10000, absences=3, late_arrivals=2))
    assert dict(result.kpis)["attendance"] == D("0.00")
    assert traced(s0, result, "attendance_points.raw") == D(-7)
    assert result.score == D("90.00")


# -- trace, determinism, periods ---------------------------------------------------------------

S0_WEIGHTS = {k: D(v["weight"]) for k, v in load_policy(S0).data["kpis"].items()}
money = st.decimals(min_value=0, max_value=200000, places=2)
s0_inputs = st.builds(
    lambda i, team, role, grade, sales, target, inquiries, buyers, order_value, reply_rate, first_response,
    cost, handled, absences, late: s0_agent(
        f"a{i}", sales, target=target, team=team, role=role, grade=grade, inquiries=inquiries, buyers=buyers,
        order_value=order_value, reply_rate=reply_rate, first_response=first_response, after_sales_cost=cost,
        after_sales_handled=handled, absences=absences, late_arrivals=late),
    st.integers(0, 999), st.sampled_from(["t", "u"]), st.sampled_from(["agent", "probation"]),
    st.sampled_from(["A0", "A1", "A2", "A3", "A4"]), money, st.decimals(min_value=1, max_value=200000, places=2),
    st.integers(0, 500), st.integers(0, 500), st.decimals(min_value=0, max_value=600, places=2),
    st.decimals(min_value=0, max_value=1, places=4), st.decimals(min_value=0, max_value=300, places=1),
    st.decimals(min_value=0, max_value=100, places=2), st.integers(0, 80), st.integers(0, 5), st.integers(0, 12),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(s0_inputs, min_size=1, max_size=6, unique_by=lambda a: a.agent))
def test_traced_equals_untraced_and_totals_add_up(s0: Plan, items: list[AgentInput]) -> None:
    """The trace is the evaluation's own record: tracing changes no output; sums and bounds hold."""
    plain = evaluate(s0, items)
    with_trace = evaluate(s0, items, trace=True)
    assert len(plain) == len(with_trace) == len(items)
    for a, b in zip(plain, with_trace, strict=True):
        assert a.trace is None and b.trace is not None
        assert b._replace(trace=None) == a
        assert a.total == sum((amount for _, amount in a.pay), D(0))
        assert a.score == sum((points for _, points in a.kpis), D(0))
        for kpi, points in a.kpis:
            assert D(0) <= points <= S0_WEIGHTS[kpi]
        for _, amount in a.pay:
            assert amount == amount.quantize(D("0.01"))
        # the trace's own copies of the outputs are the same values
        assert traced(s0, b, "score") == a.score and traced(s0, b, "total") == a.total
        assert traced(s0, b, "performance") == pay(a, "performance")


def test_same_inputs_same_results(s0: Plan) -> None:
    items = [s0_agent("a2", 7000), s0_agent("a1", 13000), s0_agent("a3", 5000, team="u")]
    first = evaluate(s0, items, trace=True)
    assert evaluate(s0, items, trace=True) == first
    assert evaluate(s0, list(reversed(items)), trace=True) == first


def test_results_sorted_by_agent(s0: Plan) -> None:
    items = [s0_agent("c", 7000), s0_agent("a", 13000), s0_agent("b", 5000, team="u")]
    assert [r.agent for r in evaluate(s0, items)] == ["a", "b", "c"]
    assert [r.agent for r in evaluate_period(s0, items)] == ["a", "b", "c"]


def test_periods_are_evaluated_separately(s0: Plan) -> None:
    """S0.2's per-capita is a month's team mean: November's sales never enter December's mean.

    November: a1 13000, a2 7000 → mean 10000 → a1 100/100 × 10000 × 0.004 = 40.00.
    December: a1 13000 alone → mean 13000 → 52.00. Mixed months would give mean 11000 → 44.00.
    """
    items = [s0_agent("a1", 13000, period="2026-12"), s0_agent("a1", 13000), s0_agent("a2", 7000)]
    results = evaluate(s0, items, trace=True)
    assert [(r.period, r.agent) for r in results] == [("2026-11", "a1"), ("2026-11", "a2"), ("2026-12", "a1")]
    november, _, december = results
    assert traced(s0, november, "team_sales_per_capita") == D(10000)
    assert traced(s0, december, "team_sales_per_capita") == D(13000)
    assert pay(november, "performance") == D("40.00")
    assert pay(december, "performance") == D("52.00")
    assert results[:2] == evaluate_period(s0, items[1:], trace=True)
    assert results[2:] == evaluate_period(s0, items[:1], trace=True)


@pytest.mark.parametrize(("policy", "metrics"), [("policies/s0_shop.yaml", "examples/s0/metrics.csv"),
                                                 ("policies/s1_ranking.yaml", "examples/s1/metrics.csv")])
@pytest.mark.parametrize("wanted", [frozenset(), frozenset({"FIRST"})])
def test_only_the_agents_asked_for_are_traced(policy, metrics, wanted):
    """explain of one agent of a large firm traces her alone (issue 19): every result is the same as
    with every trace, hers with its trace, the others without (one phase, S0; phases around a ranking, S1.5)."""
    plan, _ = prepare(policy)
    items = read_inputs(plan, metrics, roster="examples/s0/roster.csv" if "s0" in policy else None).agents
    everything = evaluate_period(plan, items, trace=True)
    asked = frozenset(everything[0].agent for _ in wanted)
    some = evaluate_period(plan, items, trace=asked)
    assert [r._replace(trace=None) for r in some] == [r._replace(trace=None) for r in everything]
    assert [r.trace for r in some] == [r.trace if r.agent in asked else None for r in everything]
