"""The columnar back-end (issue 19) against the Decimal path: the same digits and places, or NotCovered.

Every shipped example month is either not covered (said why) or evaluated to exactly the reference
results: each number's Decimal text (digits and places), each rating, choice and flag. Adversarial
S0 months (band edges, rounding ties, means that never end, teams of one, nobody asked) hold too,
and the rows on a threshold that 28 digits only approach are computed by the Decimal code.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from engine.data.inputs import read_inputs
from engine.model import frames
from engine.model.frames import NotCovered
from engine.model.inputs import AgentInput
from engine.pipeline import prepare
from engine.run.columnar.evaluate import evaluate_month
from engine.run.columnar.inputs import month_from_inputs
from engine.run.evaluate import evaluate

D = Decimal


def texts(plan, results) -> list[dict[str, object]]:
    """Each reference result as the results' columns, numbers as their Decimal text."""
    rows = []
    for r in results:
        row: dict[str, object] = {"agent": r.agent, "period": r.period, "team": r.team, "name": r.name,
                                  "role": r.role, "grade": r.grade, "total": str(r.total)}
        if r.score is not None:
            row["score"] = str(r.score)
        if plan.outputs.rating is not None:  # a scorecard without ratings has no rating column
            row["rating"] = r.rating
        row |= {frames.kpi(k): str(v) for k, v in r.kpis}
        row |= {frames.pay(k): str(v) for k, v in r.pay}
        row |= {frames.choice(k): v for k, v in r.choices}
        row |= {frames.penalty(k): str(v) for k, v in r.penalties}
        for name, held, raised in r.flags:
            row |= {frames.held(name): held, frames.raised(name): raised}
        rows.append(row)
    return rows


def decimal_text(row: dict[str, object], column: str, scale: int) -> str:
    """A number column's Decimal text: at the column's scale, or at the row's places where the
    column's places vary (`<column>.places`, engine.model.frames)."""
    value = row[column]
    places = row.get(f"{column}.places")
    if value is None or places is None:
        return str(frames.scaled(value, scale))  # type: ignore[arg-type]
    step = 10 ** (scale - places)  # type: ignore[operator]
    assert value % step == 0, (column, value, places)  # type: ignore[operator]
    return str(frames.scaled(value // step, places))  # type: ignore[operator,arg-type]


def columnar_texts(evaluated) -> list[dict[str, object]]:
    scales = evaluated.results.scales
    rows = []
    for row in evaluated.results.frame.iter_rows(named=True):
        rows.append({k: decimal_text(row, k, scales[k]) if k in scales else v for k, v in row.items()
                     if not k.startswith("carry:") and not k.endswith(".places")})
    return rows


def same_as_reference(plan, items):
    evaluated = evaluate_month(plan, month_from_inputs(plan, items))
    assert columnar_texts(evaluated) == texts(plan, evaluate(plan, items))
    return evaluated


@pytest.mark.parametrize(("policy", "metrics", "roster"), [
    ("policies/s0_shop.yaml", "examples/s0/metrics.csv", "examples/s0/roster.csv"),
    ("policies/s0_shop.yaml", "examples/careers/metrics-2026-10.csv", "examples/careers/roster.csv"),
    ("policies/s0_shop.yaml", "examples/careers/metrics-2026-11.csv", "examples/careers/roster.csv"),
    ("policies/s0_shop.yaml", "examples/careers/metrics-2026-12.csv", "examples/careers/roster.csv"),
    ("policies/s2_commission.yaml", "examples/s2/metrics.csv", None),
    ("policies/template_scorecard.yaml", "examples/template/metrics.csv", None),
    ("policies/s4_path.yaml", "examples/s4/metrics.csv", "examples/s4/roster.csv"),
    ("policies/s2_roster.yaml", "examples/roster/metrics.csv", "examples/roster/roster.csv"),
    ("policies/s4_path.yaml", "examples/s4/metrics-2026-11.csv", "examples/s4/roster-2026-11.csv"),
    ("policies/s1_ranking.yaml", "examples/s1/metrics.csv", None),
    ("policies/s3_points.yaml", "examples/s3/metrics-2026-10.csv", None),
    ("policies/s3_points.yaml", "examples/s3/metrics-2026-11.csv", None),
    ("policies/s3_points.yaml", "examples/s3/metrics-2026-12.csv", None),
])
def test_shipped_months_the_columnar_path_covers_come_out_digit_for_digit(policy, metrics, roster):
    """S0.1–S0.6 (the eight KPIs, the gate, the team's per-capita sales, the tiers), S2.3, S1.5's
    shop-wide ranking with its top 30 % and place prizes (shared places, ties at 79.00), S3.1's
    points with a window over the quarter (no ledger: this month alone), the template's KPI points
    whose places vary by agent (T.1–T.6) and S4's path (details and step bonuses paid to some roles,
    components cancelled by a role or a clause)."""
    plan, _ = prepare(policy)
    same_as_reference(plan, read_inputs(plan, metrics, roster=roster).agents)


def adversarial(count: int, seed: int) -> list[AgentInput]:
    """S0 months built to break an approximation: targets of 3 and 7 yuan (attainments that never
    end), sales exactly at 0.5/1.0/1.2 of target (band and tier edges, S0.3), teams of 1 to 40 (team
    means that never end, S0.2), nobody asked (on_zero_division), reply rates on every band edge."""
    rng = random.Random(seed)
    items: list[AgentInput] = []
    team = 0
    while len(items) < count:
        team += 1
        for _ in range(rng.randint(1, 40)):
            target = D(rng.choice(["150000", "149999", "300001", "7", "3", "0.03"]))
            pick = rng.random()
            if pick < 0.4:
                sales = target * D(rng.choice(["1.2", "0.5", "1.0", "0.75", "1"]))
            else:
                sales = D(rng.randint(0, 10**9)) / 100
            asked = D(rng.choice([0, 3, 7, 10, 30, 300]))
            values = {
                "sales": sales, "sales_target": target, "inquiries": asked,
                "buyers": D(rng.randint(0, int(asked))),
                "order_value": D(rng.choice(["150", "200", "250", "149.99", "199.995", "0", "250.001"])),
                "reply_rate": D(rng.choice(["0.9", "0.95", "0.98", "0.8999", "1", "0.97505", "0"])),
                "first_response": D(rng.choice(["20", "60", "40", "59.5", "21", "0", "100"])),
                "after_sales_cost": D(rng.choice(["10", "50", "30", "10.01", "49.99", "12.345"])),
                "after_sales_handled": D(rng.choice([0, 40, 8, 12, 44, 3])),
                "absences": D(rng.choice([0, 1, 2, 3])), "late_arrivals": D(rng.choice([0, 1, 5, 20])),
            }
            items.append(AgentInput(agent=f"A{len(items):06d}", period="2026-10", values=values, team=f"T{team}",
                                    role=rng.choice(("agent", "probation")),
                                    grade=rng.choice(("A0", "A1", "A2", "A3", "A4"))))
    return items


@pytest.mark.parametrize("seed", range(6))
def test_adversarial_s0_months_come_out_digit_for_digit(seed):
    plan, _ = prepare("policies/s0_shop.yaml")
    same_as_reference(plan, adversarial(600, seed))


def _tie(sales: list[str]) -> list[AgentInput]:
    """A team of S0 agents alike but for their sales, one per text given."""
    base = {"sales_target": D(100), "inquiries": D(10), "buyers": D(5), "order_value": D(300),
            "reply_rate": D(1), "first_response": D(20), "after_sales_cost": D(10), "after_sales_handled": D(40),
            "absences": D(0), "late_arrivals": D(0)}
    return [AgentInput(agent=f"A{i}", period="2026-10", values={**base, "sales": D(s)}, team="T", role="agent",
                       grade="A1") for i, s in enumerate(sales)]


def test_rows_on_a_threshold_that_28_digits_only_approach_are_computed_by_the_decimal_code():
    """A team of three whose per-capita sales never end (100/3 yuan), each scoring 75 points in tier 1
    (S0.3, 0.1 %): the exact commission 0.75 × 100/3 × 0.001 = 0.025 is a rounding tie, which the
    Decimal path's 28-digit mean only approaches, so every row is the Decimal code's (S0.2)."""
    plan, _ = prepare("policies/s0_shop.yaml")
    items = _tie(["0", "50", "50"])
    evaluated = same_as_reference(plan, items)
    assert evaluated.by_decimal == 3
    assert {str(frames.scaled(v, 2)) for v in evaluated.results.frame.get_column("pay:performance")} == {"0.03"}


def test_inputs_whose_places_vary_leave_a_fixed_place_result_to_the_decimal_code_alike():
    """The tie above with sales written 50.0 beside 50 (a column rebuilt at 1 place, not even): the performance
    pay is rounded to the fen (S0.2), so its places are the column's whatever the inputs' were: still covered."""
    plan, _ = prepare("policies/s0_shop.yaml")
    items = _tie(["0", "50.0", "50"])
    assert "sales" not in month_from_inputs(plan, items).even
    assert same_as_reference(plan, items).by_decimal == 3


def test_a_result_of_varying_places_is_not_left_to_the_decimal_code_from_uneven_inputs(monkeypatch):
    """Were a result's places to vary from row to row (the template's KPI points, T.3), the Decimal code's
    value for a row on a threshold could take its places from an input rebuilt at its column's places
    (50.00 for a 50 written): such a month is not covered, never printed with the wrong digits."""
    import polars as pl

    import engine.run.columnar.evaluate as module

    plan, _ = prepare("policies/s0_shop.yaml")
    by_decimal = module._by_decimal

    def with_places(plan, month, picked, results, scales, rows, facts):  # pay:performance's places by row
        varying = results.with_columns(pl.lit(2, pl.Int32).alias(frames.places("pay:performance")))
        return by_decimal(plan, month, picked, varying, scales, rows, facts)

    monkeypatch.setattr(module, "_by_decimal", with_places)
    with pytest.raises(NotCovered, match="pay:performance, of varying places, computed from inputs whose places vary"):
        evaluate_month(plan, month_from_inputs(plan, _tie(["0", "50.0", "50"])))
    assert evaluate_month(plan, month_from_inputs(plan, _tie(["0", "50", "50"]))).by_decimal == 3  # even: covered


# -- regressions found by tests/fuzz/test_fuzz_columnar.py (each minimised) -----------------------------------

SMALL_POLICY = """\
jixiao: 1
policy: {{id: t, version: "1", name: t, effective_from: "2026-01-01"}}
metrics:
  m0: {{label: m0, type: number}}
  m1: {{label: m1, type: number}}
derived:
  z: {{label: z, formula: "{derived}"{fallback}}}
kpis:
  k0: {{label: k0, weight: 1, metric: m0, linear: {{from: 0, to: 1}}}}
score: {{total: 1}}
pay:
  p: {{label: p, kind: formula, formula: z}}
"""


def small_plan(derived: str, fallback: str | None = None):
    from engine.policy.check import check
    from engine.policy.compile import compile_policy
    from engine.policy.load import load_text

    text = SMALL_POLICY.format(derived=derived, fallback="" if fallback is None else f", on_zero_division: {fallback}")
    doc = load_text(text.encode(), "t.yaml")
    assert not [d for d in check(doc) if d.severity == "error"]
    return compile_policy(doc)


def agents_with(*pairs: tuple[str, str]) -> list[AgentInput]:
    return [AgentInput(agent=f"A{i}", period="2026-10", values={"m0": D(a), "m1": D(b)}, team="T")
            for i, (a, b) in enumerate(pairs)]


def test_a_division_by_a_metric_that_is_zero_all_month_takes_the_fallback():
    """m0 / m1 with m1 = 0 for every agent: the quotient's bound on its denominator was 0 (the divisor's
    largest value), and rounding it divided by that bound (ZeroDivisionError in the month's check)."""
    plan = small_plan("m0 / m1", "1.5")
    evaluated = same_as_reference(plan, agents_with(("3", "0"), ("0", "0")))
    assert [str(frames.scaled(v, 2)) for v in evaluated.results.frame.get_column("pay:p")] == ["1.50", "1.50"]


@pytest.mark.parametrize(("derived", "m0", "m1"), [
    ("m0", "-0.001", "1"),     # a negative value rounded to the quantum: Decimal's -0.00
    ("m0 * m1", "0", "-3"),    # 0 × −3 is Decimal's −0
    ("m0 / m1", "0", "-3"),    # 0 / −3 too
    ("m0 - m1", "-0.00", "0"),  # −0 − 0 (an input's negative zero: refused as it is read)
])
def test_a_result_that_is_a_negative_zero_is_never_given_as_zero(derived, m0, m1):
    """The reference pays −0.00 (reports show 0.00, the ledger keeps the Decimal); a whole number has
    no sign at zero, so the columnar path said 0.00: now such a month is not covered."""
    plan = small_plan(derived)
    items = agents_with((m0, m1), ("1", "1"))
    reference = evaluate(plan, items)
    assert str(dict(reference[0].pay)["p"]) == "-0.00"
    with pytest.raises(NotCovered, match="negative zero"):
        evaluate_month(plan, month_from_inputs(plan, items))


def test_zeros_of_either_sign_that_decimal_gives_as_plus_zero_stay_covered():
    """−(0), abs(−0), −0 + 0 and 0 − 0 are Decimal's +0: no refusal where the reference says 0.00."""
    plan = small_plan("-(m0 * m1) + abs(m0 * m1) + (m0 * m1 + m0)")
    evaluated = same_as_reference(plan, agents_with(("0", "-3"), ("0", "3"), ("2", "-1")))
    assert [str(frames.scaled(v, 2)) for v in evaluated.results.frame.get_column("pay:p")] == ["0.00", "0.00", "4.00"]


# -- coverage widened: places that vary by agent, details paid to some roles only ------------------------------


def test_kpi_points_whose_places_vary_by_agent_come_out_with_each_agents_places():
    """The template's T.1 points are pick × 30 / 100 (exact divisions): Decimal gives 25.5 for the
    85-point band and 30 for the 100-point band, 0 below 40 %; the column keeps each row's places."""
    plan, _ = prepare("policies/template_scorecard.yaml")
    base = {"sales_target": D("100000.00"), "conversion": D("0.5000"), "order_value": D("300.00"),
            "reply_rate": D("0.9950"), "response_time": D("28"), "late_or_early": D("0")}
    items = [AgentInput(agent=f"A{i}", period="2026-10", values={**base, "sales": D(s)}, team="T")
             for i, s in enumerate(["95000.00", "100000.00", "0.00", "45000.00"])]
    evaluated = same_as_reference(plan, items)
    assert [row["kpi:completion"] for row in columnar_texts(evaluated)] == ["25.5", "30", "0", "3"]
    assert evaluated.results.frame.get_column("kpi:completion.places").to_list() == [1, 0, 0, 0]


ROLES_POLICY = """\
jixiao: 1
policy: {id: t, version: "1", name: t, effective_from: "2026-01-01"}
roles:
  trainee: {label: trainee}
  agent: {label: agent}
metrics:
  m0: {label: m0, type: number}
  m1: {label: m1, type: number}
kpis:
  k0: {label: k0, weight: 1, metric: m0, linear: {from: 0, to: 1}}
score: {total: 1}
pay:
  p: {label: p, kind: commission, base: "m0 / m1", rate: 0.1, roles: [agent]}
  q: {label: q, kind: step, on: m0, from: 10, every: 5, first: 100, then: 30, max: 190, roles: [trainee, agent]}
"""


def test_details_paid_to_some_roles_only_are_not_computed_for_the_others():
    """S4.1: p's base m0 / m1 is computed for agents only: a trainee's m1 = 0 divides by nothing (the
    reference never computes it), so the month is covered and no row needs the Decimal code."""
    from engine.policy.compile import compile_policy
    from engine.policy.load import load_text

    plan = compile_policy(load_text(ROLES_POLICY.encode(), "t.yaml"))
    items = [AgentInput(agent=f"A{i}", period="2026-10", values={"m0": D(a), "m1": D(b)}, team="T", role=role)
             for i, (a, b, role) in enumerate([("10", "0", "trainee"), ("30", "4", "agent"), ("9.99", "3", "agent"),
                                               ("14.99", "0", "trainee"), ("50", "7", "agent")])]
    evaluated = same_as_reference(plan, items)
    assert evaluated.by_decimal == 0
    assert [row["pay:p"] for row in columnar_texts(evaluated)] == ["0.00", "0.75", "0.33", "0.00", "0.71"]
    assert [row["pay:q"] for row in columnar_texts(evaluated)] == ["100.00", "190.00", "0.00", "100.00", "190.00"]


def test_powers_of_exact_values_are_exact_and_beyond_the_bound_refused():
    """`x ** 2`, `x ** 3` of exact values (the fuzz's formulas): Decimal's power is exact here; a base
    beyond simpleeval's bound (4000000) is the Decimal code's PowerTooLarge, so NotCovered."""
    plan = small_plan("m0 ** 3 + m1 ** 2 - m1 ** 1")
    evaluated = same_as_reference(plan, agents_with(("1.50", "0.0"), ("-2.5", "0.10"), ("0", "-7")))
    assert [row["pay:p"] for row in columnar_texts(evaluated)] == ["3.38", "-15.72", "56.00"]
    with pytest.raises(NotCovered, match="want to evaluate"):
        evaluate_month(plan, month_from_inputs(plan, agents_with(("1", "4000001"), ("1", "2"))))


MARGINAL_POLICY = """\
jixiao: 1
policy: {id: t, version: "1", name: t, effective_from: "2026-01-01"}
metrics:
  sales: {label: sales, type: money}
  target: {label: target, type: money}
kpis:
  k0: {label: k0, weight: 1, metric: sales, linear: {from: 0, to: 1}}
score: {total: 1}
pay:
  c:
    label: c
    kind: commission
    base: sales
    rate:
      on: sales / target
      mode: marginal
      tiers:
        - {from: 0, to: 1.0, rate: 0.01}
        - {from: 1.0, to: 1.2, rate: 0.02}
        - {from: 1.2, rate: 0.03}
"""


def test_marginal_commission_slices_come_out_digit_for_digit():
    """Marginal tiers (engine.policy.runtime.marginal): each slice base × share / on × rate, the
    first rate on all of a base whose measure is not above 0; measures on both tier edges, one that
    never ends (target 3), a negative base. The fractions base × share / on multiply their bounds:
    sales in the thousands at two places already could exceed 64 bits, so that month is NotCovered."""
    from engine.policy.compile import compile_policy
    from engine.policy.load import load_text

    plan = compile_policy(load_text(MARGINAL_POLICY.encode(), "t.yaml"))
    cases = [("10", "10"), ("12", "10"), ("15", "10"), ("10", "3"), ("0", "5"), ("-50", "5"), ("9", "10"),
             ("1", "3")]
    items = [AgentInput(agent=f"A{i}", period="2026-10", values={"sales": D(a), "target": D(b)}, team="T")
             for i, (a, b) in enumerate(cases)]
    evaluated = same_as_reference(plan, items)
    assert [row["pay:c"] for row in columnar_texts(evaluated)] == [
        "0.10", "0.14", "0.23", "0.23", "0.00", "-0.50", "0.09", "0.01"]
    large = [AgentInput(agent="A", period="2026-10", values={"sales": D("1500.00"), "target": D("1000.00")}, team="T")]
    with pytest.raises(NotCovered, match="64-bit"):
        evaluate_month(plan, month_from_inputs(plan, large))
RANKED = """
jixiao: 1
policy: {id: ranked, version: "1", name: {zh: 排名, en: Ranked}, effective_from: 2026-10-01, currency: CNY}
roles:
  agent: {label: {zh: 客服, en: Agent}}
  lead: {label: {zh: 组长, en: Lead}}
metrics:
  sales: {label: {zh: 销售额, en: Sales}, type: money, unit: 元}
  cases: {label: {zh: 处理数, en: Cases}, type: count}
rankings:
  by_sales:
    label: {zh: 销售排名, en: Sales ranking}
    of: sales
    among: team
    ties: TIES
    where: cases >= 3
    top: {percent: 25, rounding: ROUNDING}
population:
  team_cases:
    label: {zh: 团队平均处理数, en: Team mean cases}
    of: cases
    stat: mean
    over: team
pay:
  base: {label: {zh: 底薪, en: Base}, kind: fixed, amount: 3000}
  top: {label: {zh: 前列奖, en: Top bonus}, kind: fixed, amount: 300, when: by_sales_top}
  prize: {label: {zh: 名次奖, en: Place prize}, kind: formula,
          formula: "100 / by_sales_place if by_sales_place > 0 else 0"}
  share: {label: {zh: 平均奖, en: Mean share}, kind: formula, formula: "team_cases * 7"}
"""


@pytest.mark.parametrize("ties", ["shared", "dense"])
@pytest.mark.parametrize("rounding", ["floor", "ceil", "nearest"])
@pytest.mark.parametrize("seed", range(3))
def test_rankings_and_team_statistics_come_out_digit_for_digit(tmp_path, ties, rounding, seed):
    """S1.5's rankings as columns: teams of 1 to 9 with equal sales (shared and dense places), agents
    not ranked (`where`), the top's rounding of 25 % of the ranked, a place prize that divides by the
    place, a team mean of cases that never ends (1/3, 1/7) times 7."""
    path = tmp_path / "ranked.yaml"
    path.write_text(RANKED.replace("TIES", ties).replace("ROUNDING", rounding), encoding="utf-8")
    try:
        plan, _ = prepare(str(path))
    except Exception as exc:  # the policy above must be valid: a failure here is the test's own
        raise AssertionError(exc) from exc
    rng = random.Random(seed)
    items = []
    for team in range(12):
        for _ in range(rng.randint(1, 9)):
            items.append(AgentInput(agent=f"A{len(items):03d}", period="2026-10", team=f"T{team}",
                                    values={"sales": D(rng.choice([100, 100, 250, 99.5, 0])).quantize(D("0.01")),
                                            "cases": D(rng.randint(0, 7))},
                                    role=rng.choice(("agent", "lead"))))
    same_as_reference(plan, items)


def test_the_least_of_a_team_that_is_a_negative_zero_is_never_given_as_zero():
    """A team's min of m0 × m1 where one member's is 0 × −3 (Decimal's −0, kept by min as the first
    of equals): the reference pays −0.00; the whole number 0 has no sign, so the month is not covered."""
    from engine.policy.check import check
    from engine.policy.compile import compile_policy
    from engine.policy.load import load_text

    text = SMALL_POLICY.format(derived="m0", fallback="").replace(
        "  p: {label: p, kind: formula, formula: z}",
        "  p: {label: p, kind: formula, formula: low}") + (
        "population:\n  low: {label: low, of: \"m0 * m1\", stat: min, over: team}\n")
    doc = load_text(text.encode(), "t.yaml")
    assert not [d for d in check(doc) if d.severity == "error"]
    plan = compile_policy(doc)
    items = agents_with(("0", "-3"), ("1", "1"))
    assert str(dict(evaluate(plan, items)[0].pay)["p"]) == "-0.00"
    with pytest.raises(NotCovered):
        evaluate_month(plan, month_from_inputs(plan, items))
    same_as_reference(plan, agents_with(("0", "3"), ("1", "1")))  # a plain 0: covered


def test_an_order_compares_two_whole_numbers_without_their_difference():
    """a − b's sign as a comparison of a and b: right where the difference would leave 64 bits
    (2**62 − (−2**62) = 2**63), equal values, zero, a null (a value not computed) stays null."""
    import polars as pl

    from engine.run.columnar.values import Order

    frame = pl.DataFrame({"a": [2**62, -(2**62), 5, 0, None], "b": [-(2**62), 2**62, 5, -1, 1]})
    order = Order(pl.col("a"), pl.col("b"))
    got = frame.select(lt=order < 0, le=order <= 0, gt=order > 0, ge=order >= 0, eq=order == 0, ne=order != 0)
    assert got.rows() == [(False, False, True, True, False, True), (True, True, False, False, False, True),
                          (False, True, False, True, True, False), (False, False, True, True, False, True),
                          (None, None, None, None, None, None)]
    with pytest.raises(ValueError, match="with 0 only"):
        _ = order < 1
