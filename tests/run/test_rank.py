"""Rankings (S1.5): places under each tie rule, the top N % under each rounding, ties at the cut,
per-team ranks, empty populations, place prizes, and the invariance of places to row order."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from harness.plans import compile_text, traced
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.model.inputs import AgentInput
from engine.model.plan import Plan
from engine.run.evaluate import evaluate_period
from tests.run.population_policies import PRIZE, RANKING, policy


def agents(points: list[str], teams: str = "", roles: str = "") -> list[AgentInput]:
    return [AgentInput(f"a{i:02d}", "2026-10", {"points": Decimal(p), "sales": Decimal(1000), "campaign": Decimal(0)},
                       team=teams[i] if teams else "", role=("supervisor" if roles and roles[i] == "s" else "agent"))
            for i, p in enumerate(points)]


def places(plan: Plan, results, ranking: str = "monthly") -> list:
    return [int(traced(plan, r, f"{ranking}_place")) for r in results]


def tops(plan: Plan, results, ranking: str = "monthly") -> list[bool]:
    return [traced(plan, r, f"{ranking}_top") for r in results]


TWELVE = ["90", "80", "80", "70", "70", "70", "60", "50", "50", "40", "30", "20"]


@pytest.mark.parametrize(("ties", "expected"), [
    ("shared", [1, 2, 2, 4, 4, 4, 7, 8, 8, 10, 11, 12]),
    ("dense", [1, 2, 2, 3, 3, 3, 4, 5, 5, 6, 7, 8]),
])
def test_places_under_each_tie_rule_S1_5(tmp_path, ties, expected):
    plan = compile_text(tmp_path, policy(RANKING + f"    ties: {ties}\n"))
    results = evaluate_period(plan, agents(TWELVE), trace=True)
    assert places(plan, results) == expected


def test_a_tie_break_measure_then_shared_places(tmp_path):
    """Equal scores are ordered by sales (higher first); equal in both, they still share."""
    plan = compile_text(tmp_path, policy(RANKING + "    ties: {by: sales, direction: higher}\n"))
    items = agents(["80", "80", "80", "70"])
    items = [AgentInput(i.agent, i.period, {**i.values, "sales": Decimal(s)})
             for i, s in zip(items, [5, 9, 5, 1], strict=True)]
    assert places(plan, evaluate_period(plan, items, trace=True)) == [2, 1, 2, 4]


@pytest.mark.parametrize(("rounding", "cut"), [("floor", 3), ("ceil", 4), ("nearest", 4)])
def test_top_30_percent_of_12_under_each_rounding_S1_5(tmp_path, rounding, cut):
    """30 % of 12 is 3.6: floor 3, ceil 4, nearest (half up) 4."""
    text = policy(RANKING.replace("rounding: floor", f"rounding: {rounding}"))
    plan = compile_text(tmp_path, text)
    points = [str(100 - i) for i in range(12)]
    results = evaluate_period(plan, agents(points), trace=True)
    assert {traced(plan, r, "monthly_cut") for r in results} == {Decimal(cut)}
    assert tops(plan, results) == [i < cut for i in range(12)]


def test_nearest_rounds_half_up_and_a_small_population_still_has_one(tmp_path):
    """25 % of 10 is 2.5 → 3 (half up); 30 % of 2 is 0.6 → floor 0, raised to at least 1."""
    plan = compile_text(tmp_path,
                        policy(RANKING.replace("{percent: 30, rounding: floor}",
                                                    "{percent: 25, rounding: nearest}")))
    results = evaluate_period(plan, agents([str(100 - i) for i in range(10)]), trace=True)
    assert traced(plan, results[0], "monthly_cut") == 3
    plan = compile_text(tmp_path, policy())
    results = evaluate_period(plan, agents(["50", "40"]), trace=True)
    assert traced(plan, results[0], "monthly_cut") == 1 and tops(plan, results) == [True, False]


@pytest.mark.parametrize(("ties", "expected"), [
    # shared places 1, 2, 3, 3, 5: the top 3 holds four agents, both tied at the cut
    ("shared", [True, True, True, True, False, False]),
    # dense places 1, 2, 3, 3, 4, 5: place 3 is within the top 3
    ("dense", [True, True, True, True, False, False]),
    # tie broken by sales: places 1, 2, 3, 4, 5, 6
    ("{by: sales}", [True, True, True, False, False, False]),
])
def test_ties_at_the_cut_are_all_in_the_top_S1_5(tmp_path, ties, expected):
    text = policy(RANKING.replace("{percent: 30, rounding: floor}", "{count: 3}") + f"    ties: {ties}\n")
    plan = compile_text(tmp_path, text)
    items = agents(["90", "80", "70", "70", "60", "50"])
    items = [AgentInput(i.agent, i.period, {**i.values, "sales": Decimal(s)}) for i, s in
             zip(items, [1, 1, 9, 5, 1, 1], strict=True)]
    results = evaluate_period(plan, items, trace=True)
    assert tops(plan, results) == expected


def test_dense_places_do_not_widen_the_top(tmp_path):
    """Dense places 1, 2, 2, 3, 3, 4 with a top 3: the top is three agents (90, 80, 80), not the five
    holding places 1 to 3; the 70s are tied with nobody at the cut (issue 14 §5)."""
    text = policy(RANKING.replace("{percent: 30, rounding: floor}", "{count: 3}") + "    ties: dense\n")
    plan = compile_text(tmp_path, text)
    results = evaluate_period(plan, agents(["90", "80", "80", "70", "70", "60"]), trace=True)
    assert places(plan, results) == [1, 2, 2, 3, 3, 4]
    assert tops(plan, results) == [True] * 3 + [False] * 3


def test_per_team_ranks(tmp_path):
    plan = compile_text(tmp_path, policy(RANKING + "    among: team\n"))
    results = evaluate_period(plan, agents(["90", "80", "70", "95", "60", "60"], teams="AABBBB"), trace=True)
    assert places(plan, results) == [1, 2, 2, 1, 3, 3]
    assert [traced(plan, r, "monthly_size") for r in results] == [2, 2, 4, 4, 4, 4]


def test_a_filtered_population_gives_place_0_outside_and_an_empty_one_has_no_top(tmp_path):
    """Supervisors are not ranked (place 0, not in the top); a group with nobody has a cut of 0."""
    plan = compile_text(tmp_path, policy(RANKING + "    where: role != 'supervisor'\n    among: team\n"))
    results = evaluate_period(plan, agents(["90", "80", "70", "60"], teams="AABB", roles="saas"), trace=True)
    assert places(plan, results) == [0, 1, 1, 0]
    assert [traced(plan, r, "monthly_in") for r in results] == [False, True, True, False]
    assert tops(plan, results) == [False, True, True, False]
    plan = compile_text(tmp_path, policy(RANKING + "    where: role == 'agent'\n"))
    results = evaluate_period(plan, agents(["90", "80"], roles="ss"), trace=True)
    assert [(traced(plan, r, "monthly_size"), traced(plan, r, "monthly_cut")) for r in results] == [(0, 0)] * 2
    assert places(plan, results) == [0, 0] and tops(plan, results) == [False, False]
    assert [r.pay[1][1] for r in results] == [Decimal("0.00")] * 2


def test_place_prizes_1st_500_2nd_300_3rd_100(tmp_path):
    plan = compile_text(tmp_path, policy())
    results = evaluate_period(plan, agents(["70", "90", "80", "60", "80"]), trace=True)
    assert [dict(r.pay)["prize"] for r in results] == [Decimal(x) for x in ("0.00", "500.00", "300.00", "0.00",
                                                                              "300.00")]


def test_a_policy_without_population_values_is_one_phase(tmp_path):
    plan = compile_text(tmp_path, policy("", ""))
    assert plan.phases == () and plan.populations == ()
    assert plan.source.startswith("def run_trace(x):")
    plan = compile_text(tmp_path, policy())
    assert len(plan.phases) == 1 and plan.populations[0].boundary == 0


@settings(max_examples=60, derandomize=True, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=14), st.randoms(use_true_random=False),
       st.sampled_from(["shared", "dense", "{by: sales}"]))
def test_places_do_not_depend_on_the_order_of_the_rows(tmp_path_factory, scores, shuffler, ties):
    """Property: shuffle the input rows and every result (places, top, pay) is the same."""
    plan = _cached(tmp_path_factory, ties)
    items = [AgentInput(f"a{i:02d}", "2026-10", {"points": Decimal(s * 10), "sales": Decimal(i % 3),
                                                 "campaign": Decimal(0)}, team="AB"[i % 2], role="agent")
             for i, s in enumerate(scores)]
    shuffled = list(items)
    shuffler.shuffle(shuffled)
    assert evaluate_period(plan, shuffled, trace=True) == evaluate_period(plan, items, trace=True)


_PLANS: dict[str, Plan] = {}


def _cached(factory, ties: str) -> Plan:
    if ties not in _PLANS:
        text = policy(RANKING + f"    ties: {ties}\n    among: team\n", PRIZE)
        _PLANS[ties] = compile_text(factory.mktemp("rank"), text)
    return _PLANS[ties]


def test_shuffling_a_large_month_keeps_every_result(tmp_path):
    plan = compile_text(tmp_path, policy())
    rng = random.Random(7)
    items = agents([str(rng.randrange(0, 5) * 20) for _ in range(40)])
    shuffled = list(items)
    random.Random(3).shuffle(shuffled)
    assert evaluate_period(plan, shuffled) == evaluate_period(plan, items)


def test_errors_in_every_phase_are_located_by_generated_line(tmp_path):
    """Each `vN = …` line of every phase function belongs to step N (step_at), as in one phase."""
    import re

    plan = compile_text(tmp_path, policy())
    assert plan.source.startswith("def _phase0(x):") and "\ndef run_trace(s):" in plan.source
    for number, line in enumerate(plan.source.splitlines(), 1):
        match = re.match(r"    v(\d+) = ", line)
        if match:
            assert plan.step_at(number) is plan.steps[int(match.group(1))]
        elif not line.startswith("        "):
            assert plan.step_at(number) is None


def test_explain_json_of_a_ranked_agent(tmp_path):
    import json

    from engine.report.explain import explain_json

    plan = compile_text(tmp_path, policy())
    results = evaluate_period(plan, agents(["90", "80"]), trace=True)
    steps = {s["name"]: s for s in json.loads(explain_json(plan, results[1], "en"))["steps"]}
    assert steps["monthly_place"]["value"] == "2" and steps["monthly_top"]["value"] is False
    assert steps["monthly_place"]["inputs"] == {"monthly.of": "80.00"}
    assert steps["monthly_cut"]["formula"] == "30 % of the agents ranked, rounded down, at least 1"
