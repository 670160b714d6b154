"""The top of a ranking is a number of agents under every tie rule (S1.5, issue 14 §5).

`ties: dense` names places without gaps (1, 2, 2, 3), so place 3 may be the 6th best agent: the
top 30 % of 10 is 3 agents (and everyone tied with the 3rd), never "places 1 to 3". The
explanation says who shares a place, how many are ranked ahead under dense places, and how many
agents the top actually took.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from harness.plans import compile_text, traced
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.model.inputs import AgentInput
from engine.model.plan import Plan
from engine.report.explain import explain_json, explain_text
from engine.run.evaluate import evaluate_period
from tests.run.population_policies import RANKING, policy
from tests.run.test_rank import agents, places, tops

TOP_BONUS = """\
  top_bonus:
    label: {zh: 前列奖金, en: Top bonus}
    rule: S1.5
    kind: fixed
    amount: 800
    when: monthly_top
"""
# The 6th best (70) is tied with nobody; dense places 1, 2, 2, 2, 2, 3, 4 … put her 3rd.
TEN = ["90", "80", "80", "80", "80", "70", "60", "50", "40", "30"]


def ranking(tmp_path, ties: str, top: str = "{percent: 30, rounding: floor}") -> Plan:
    text = RANKING.replace("{percent: 30, rounding: floor}", top) + f"    ties: {ties}\n"
    return compile_text(tmp_path, policy(text, TOP_BONUS))


def place_line(plan: Plan, result, lang: str) -> str:
    lines = explain_text(plan, result, lang).splitlines()
    return next(line for line in lines if "(monthly_place)" in line).strip()


def test_dense_top_30_percent_of_10_is_3_agents_not_3_places_S1_5(tmp_path):
    plan = ranking(tmp_path, "dense")
    results = evaluate_period(plan, agents(TEN), trace=True)
    assert places(plan, results) == [1, 2, 2, 2, 2, 3, 4, 5, 6, 7]
    # 90 and the four 80s: the 3rd agent is an 80, so every 80 is in; the 70 (6th best) is not.
    assert tops(plan, results) == [True] * 5 + [False] * 5
    assert [dict(r.pay)["top_bonus"] for r in results] == [Decimal("800.00")] * 5 + [Decimal("0.00")] * 5
    assert traced(plan, results[5], "monthly_cut") == 3


def test_dense_place_of_the_6th_best_says_how_many_are_ahead_zh_en(tmp_path):
    plan = ranking(tmp_path, "dense")
    sixth = evaluate_period(plan, agents(TEN), trace=True)[5]
    assert place_line(plan, sixth, "zh") == (
        "月度排名 (monthly_place) = 第 3 名（名次不跳号，前面有 5 人）/ 10 人；前 30 % = 3 人，实际 5 人入选（并列）"
        "   [S1.5 · 第 41 行]")
    assert place_line(plan, sixth, "en") == (
        "Monthly ranking (monthly_place) = 3rd of 10 (dense places: 5 ranked ahead); "
        "top 30 % = 3 agents, 5 in (tied at the cut)   [S1.5 · line 41]")


def test_a_shared_place_names_who_shares_it_and_how_many_the_top_took_zh_en(tmp_path):
    """Issue 14's own example: 3rd shared with two others, a top 30 % of 10 = 3 agents, 4 in."""
    plan = ranking(tmp_path, "shared")
    items = agents(["90", "85", "80", "80", "80", "70", "60", "50", "40", "30"])
    results = evaluate_period(plan, items, trace=True)
    assert tops(plan, results) == [True] * 5 + [False] * 5
    assert place_line(plan, results[2], "zh") == (
        "月度排名 (monthly_place) = 第 3 名（与 a03、a04 并列）/ 10 人；前 30 % = 3 人，实际 5 人入选（并列）"
        "   [S1.5 · 第 41 行]")
    assert place_line(plan, results[2], "en") == (
        "Monthly ranking (monthly_place) = 3rd of 10 (shared with a03, a04); "
        "top 30 % = 3 agents, 5 in (tied at the cut)   [S1.5 · line 41]")
    # Nobody tied, nothing to add: the 1st place line names no one and no gap.
    assert place_line(plan, results[0], "zh") == (
        "月度排名 (monthly_place) = 第 1 名 / 10 人；前 30 % = 3 人，实际 5 人入选（并列）   [S1.5 · 第 41 行]")


def test_many_agents_sharing_a_place_name_the_first_five_then_how_many_more(tmp_path):
    plan = ranking(tmp_path, "shared", "{count: 2}")
    results = evaluate_period(plan, agents(["90"] + ["50"] * 9), trace=True)
    assert place_line(plan, results[1], "zh") == (
        "月度排名 (monthly_place) = 第 2 名（与 a02、a03、a04、a05、a06…及另外 3 人并列）/ 10 人；前 2 人，"
        "实际 10 人入选（并列）   [S1.5 · 第 41 行]")
    assert place_line(plan, results[9], "en") == (
        "Monthly ranking (monthly_place) = 2nd of 10 (shared with a01, a02, a03, a04, a05 …and 3 more); "
        "top 2 agents, 10 in (tied at the cut)   [S1.5 · line 41]")


def test_a_count_top_larger_than_the_group_says_why_fewer_are_in(tmp_path):
    plan = ranking(tmp_path, "dense", "{count: 3}")
    results = evaluate_period(plan, agents(["90", "80"]), trace=True)
    assert tops(plan, results) == [True, True]
    assert place_line(plan, results[1], "zh") == (
        "月度排名 (monthly_place) = 第 2 名 / 2 人；前 3 人，实际 2 人入选（仅 2 人参与排名）   [S1.5 · 第 41 行]")
    assert place_line(plan, results[1], "en") == (
        "Monthly ranking (monthly_place) = 2nd of 2; top 3 agents, 2 in (only 2 ranked)   [S1.5 · line 41]")


@pytest.mark.parametrize(("ties", "expected"), [
    # count 3 over 90, 80, 80, 70, 70, 60: the 3rd agent is an 80; under every tie rule the 70s are out
    ("shared", [True, True, True, False, False, False]),
    ("dense", [True, True, True, False, False, False]),
    # broken by sales (80 with 9 before 80 with 5): places 1, 2, 3, 4 …: still three agents
    ("{by: sales}", [True, True, True, False, False, False]),
])
def test_a_count_top_is_the_same_agents_under_every_tie_rule(tmp_path, ties, expected):
    plan = ranking(tmp_path, ties, "{count: 3}")
    items = agents(["90", "80", "80", "70", "70", "60"])
    items = [AgentInput(i.agent, i.period, {**i.values, "sales": Decimal(s)}) for i, s in
             zip(items, [1, 5, 9, 1, 1, 1], strict=True)]
    assert tops(plan, evaluate_period(plan, items, trace=True)) == expected


def test_the_standing_is_in_the_trace_and_in_explain_json(tmp_path):
    import json

    plan = ranking(tmp_path, "dense")
    sixth = evaluate_period(plan, agents(TEN), trace=True)[5]
    steps = {s["name"]: s for s in json.loads(explain_json(plan, sixth, "en"))["steps"]}
    assert (steps["monthly.ahead"]["value"], steps["monthly.tied"]["value"], steps["monthly.tied_with"]["value"],
            steps["monthly.chosen"]["value"]) == ("5", "0", [], "5")
    assert steps["monthly_cut"]["label"] == "Monthly ranking: agents in the top"


_PLANS: dict[str, Plan] = {}


@settings(max_examples=80, derandomize=True, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=16),
       st.sampled_from(["{percent: 30, rounding: floor}", "{percent: 50, rounding: ceil}", "{count: 3}",
                        "{count: 1}"]))
def test_the_top_is_whoever_has_fewer_agents_ahead_than_the_cut(tmp_path_factory, scores, top):
    """Property: under shared and dense ties alike, an agent is in the top exactly when fewer than
    `cut` agents score strictly better; the top holds at least min(cut, ranked) agents, and the
    standing counts agree with the scores."""
    items = agents([str(s * 10) for s in scores])
    found = {}
    for ties in ("shared", "dense"):
        key = f"{ties} {top}"
        if key not in _PLANS:
            _PLANS[key] = ranking(tmp_path_factory.mktemp("dense"), ties, top)
        plan = _PLANS[key]
        results = evaluate_period(plan, items, trace=True)
        cut = traced(plan, results[0], "monthly_cut")
        for result, score in zip(results, scores, strict=True):
            ahead = sum(1 for other in scores if other > score)
            tied = sum(1 for other in scores if other == score) - 1
            assert traced(plan, result, "monthly.ahead") == ahead
            assert traced(plan, result, "monthly.tied") == tied
            assert traced(plan, result, "monthly_top") == (ahead < cut)
        chosen = sum(tops(plan, results))
        assert chosen >= min(cut, len(scores)) and traced(plan, results[0], "monthly.chosen") == chosen
        found[ties] = tops(plan, results)
    assert found["shared"] == found["dense"]
