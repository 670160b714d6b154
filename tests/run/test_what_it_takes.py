"""What it would take (issue 18): every counterfactual is re-evaluated here, independently of the
module that found it, and must reach exactly what it promised: the threshold, the KPI's points, the
score, the rating and the pay (others' inputs unchanged), with an input value the data can hold and
no smaller step of it reaching the same threshold.

The months are every shipped policy's example month (tests/golden's), each agent of each.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from harness.files import events_file
from harness.paths import (
    EXAMPLES,
    KEYS_EVENTS,
    KEYS_METRICS,
    KEYS_ROSTER,
    S0_METRICS,
    S0_POLICY,
    S0_ROSTER,
    S1_METRICS,
    S1_POLICY,
    S2_METRICS,
    S2_POLICY,
    S2_ROSTER_POLICY,
    S3_POLICY,
    S4_EVENTS,
    S4_METRICS,
    S4_POLICY,
    S4_ROSTER,
    TEMPLATE_METRICS,
    TEMPLATE_POLICY,
)
from harness.plans import compile_text
from hypothesis import given
from hypothesis import strategies as st

from engine.model.inputs import AgentInput
from engine.month import Files, evaluate_files
from engine.run.evaluate import evaluate_period
from engine.run.what_it_takes import QUANTA, Move, what_it_takes
from tests.policy.test_policy_closed import RESPONSE

MONTHS = {
    "s0": (Files(str(S0_POLICY), str(S0_METRICS), str(S0_ROSTER)), "2026-10"),
    "s1": (Files(str(S1_POLICY), str(S1_METRICS)), "2026-10"),
    "s2": (Files(str(S2_POLICY), str(S2_METRICS)), "2026-10"),
    "s2_roster": (Files(str(S2_ROSTER_POLICY), str(KEYS_METRICS), str(KEYS_ROSTER), events=str(KEYS_EVENTS)),
                  "2026-10"),
    "s3": (Files(str(S3_POLICY), str(EXAMPLES / "s3" / "metrics-2026-11.csv")), "2026-11"),
    "s4": (Files(str(S4_POLICY), str(S4_METRICS), str(S4_ROSTER), events=str(S4_EVENTS)), "2026-10"),
    "template": (Files(str(TEMPLATE_POLICY), str(TEMPLATE_METRICS)), "2026-10"),
}


def month_inputs(files: Files, period: str):
    """The month as `explain` evaluated it: its plan (as in force then), every agent's inputs, the state."""
    month = next(m for m in evaluate_files(files, period, trace=False).months if m.period == period)
    return month.plan, month.inputs, month.state


def _again(plan, inputs, state, agent, values=None, events=None):
    """The month evaluated again with the agent's inputs changed: written here, not imported."""
    changed = []
    for item in inputs:
        if item.agent == agent:
            if values:
                item = dataclasses.replace(item, values={**item.values, **values},
                                           supplied={k: v for k, v in item.supplied.items() if k not in values})
            if events is not None:
                item = dataclasses.replace(item, events=events)
        changed.append(item)
    return next(r for r in evaluate_period(plan, changed, state, trace=True) if r.agent == agent)


def _holds(value, move: Move, bound=None) -> bool:
    bound = move.bound if bound is None else bound
    if move.higher:
        return value >= bound if move.at_least else value > bound
    return value <= bound if move.at_least else value < bound


def _check_move(plan, inputs, state, agent, move: Move) -> None:
    slots = {s.name: s.slot for s in plan.steps}
    after = _again(plan, inputs, state, agent, {move.change.metric: move.change.after})
    assert _holds(after.trace[slots[move.measure]], move), move
    assert dict(after.kpis)[move.kpi] == move.points[1]
    assert (after.score, after.rating, after.total, after.pay) == (move.reached.score, move.reached.rating,
                                                                   move.reached.total, move.reached.pay)
    metric = next(m for m in plan.metrics if m.name == move.change.metric)
    q = QUANTA[metric.type]
    assert move.change.after % q == 0, "a value the data can hold: money to the fen, counts whole"
    low, high = metric.range
    assert (low is None or move.change.after >= low) and (high is None or move.change.after <= high)
    if move.of:  # a threshold: one step less of the input does not reach it
        step = q if move.change.after > move.change.before else -q
        short = _again(plan, inputs, state, agent, {move.change.metric: move.change.after - step})
        assert not _holds(short.trace[slots[move.measure]], move), move


def _check(name: str) -> int:
    files, period = MONTHS[name]
    plan, inputs, state = month_inputs(files, period)
    base = {r.agent: r for r in evaluate_period(plan, inputs, state, trace=True)}
    checked = 0
    for agent in sorted(base):
        what = what_it_takes(plan, inputs, agent, state)
        assert (what.baseline.score, what.baseline.total) == (base[agent].score, base[agent].total)
        for kpi in what.kpis:
            if kpi.move is not None:
                _check_move(plan, inputs, state, agent, kpi.move)
                checked += 1
        path = what.next_rating
        paths = [path] if path is not None else []
        paths += [c.path for c in what.cancelled if c.path is not None]
        for path in paths:
            if not path.moves:
                continue
            for move in path.moves:
                _check_move(plan, inputs, state, agent, move)
            after = _again(plan, inputs, state, agent, {m.change.metric: m.change.after for m in path.moves})
            assert after.score >= path.target and after.score - base[agent].score >= path.gap
            assert (after.score, after.rating, after.total) == (path.reached.score, path.reached.rating,
                                                                path.reached.total)
            if path is what.next_rating:
                assert after.rating == path.rating != base[agent].rating
            checked += 1
        for item in what.cancelled:
            if item.kept is None:
                continue
            events = list(next(i for i in inputs if i.agent == agent).events)
            for clause_name, period_name, fewer in item.fewer:
                clause = next(c for c in plan.penalties if c.name == clause_name)
                members = [e for e in events if clause.counts(e.kind, e.value)
                           and e.day.isoformat().startswith(period_name[:10 if clause.per == "day" else 7])]
                for event in sorted(members, key=lambda e: e.at)[-fewer:]:
                    events.remove(event)
            kept = _again(plan, inputs, state, agent, events=tuple(events))
            assert dict(kept.pay)[item.component] != 0
            assert (kept.score, kept.total) == (item.kept.score, item.kept.total)
            checked += 1
    return checked


@pytest.mark.parametrize("name", sorted(MONTHS))
def test_every_suggestion_reaches_what_it_promised(name):
    """Issue 18: each suggestion, applied and re-evaluated, gives the band, points, rating and pay it said."""
    assert _check(name) > 0


@pytest.mark.parametrize(("name", "agent", "evaluated"), [
    ("s0", "2001", {"2001", "2002", "2003", "2004", "2005", "2006"}),  # team values (S0.3's per capita): 二组
    ("s1", "小一", None),  # a ranking (S1.2) reads the whole month
    ("s3", "5003", {"5003"}),  # nothing of others': she alone
])
def test_a_counterfactual_re_evaluates_only_what_her_result_reads_and_traces_her_alone(monkeypatch, name, agent,
                                                                                     evaluated):
    """Issue 19: one agent's question never re-runs (nor traces) a large firm's month per try; and the
    answers stay those of the whole month re-evaluated (test_every_suggestion_reaches_what_it_promised)."""
    import engine.run.what_it_takes as module

    plan, inputs, state = month_inputs(*MONTHS[name])
    calls = []

    def spy(plan, month, state=None, *, trace=False, adjustments=None):
        calls.append(({item.agent for item in month}, trace))
        return evaluate_period(plan, month, state, trace=trace, adjustments=adjustments)

    monkeypatch.setattr(module, "evaluate_period", spy)
    what_it_takes(plan, inputs, agent, state)
    everyone = {item.agent for item in inputs}
    assert calls
    assert all(agents == (everyone if evaluated is None else evaluated) for agents, _ in calls)
    assert all(trace == frozenset({agent}) for _, trace in calls)


def test_S0_the_smallest_moves_to_the_next_rating_follow_the_declared_order():
    """S0.1/S0.5: agent 2001 scores 52.33; 60 is 达标. One KPI suffices: attainment (a linear range) part of the
    way, to 65.34 % (sales 98010.00 of the 150000 target), +7.67 points; full points would take 150000.00."""
    plan, inputs, state = month_inputs(*MONTHS["s0"])
    what = what_it_takes(plan, inputs, "2001", state)
    path = what.next_rating
    assert path is not None and path.rating == "pass" and path.gap == Decimal("7.67")
    (move,) = path.moves
    assert (move.kpi, move.of, move.change.metric, move.change.after) == ("sales_attainment", "", "sales",
                                                                          Decimal("98010.00"))
    assert path.reached is not None
    assert (path.reached.score, path.reached.total) == (Decimal("60.00"), Decimal("1893.80"))
    # S0.5: the gate cancelled the performance commission; the same move keeps it.
    (cancelled,) = what.cancelled
    assert (cancelled.component, cancelled.gate, cancelled.earned) == ("performance", "no_performance_pay",
                                                                        Decimal("78.50"))
    assert cancelled.path is not None and cancelled.path.moves == path.moves


def test_S0_a_ratio_band_at_98_percent_asks_for_98_percent_exactly():
    """S0.1 reply_rate bands [95 %, 98 %) → [98 %, ∞): 1001's 97.50 % needs 0.9800, no more, for +4 points."""
    plan, inputs, state = month_inputs(*MONTHS["s0"])
    (kpi,) = [k for k in what_it_takes(plan, inputs, "1001", state).kpis if k.kpi == "reply_rate"]
    assert kpi.move is not None
    assert (kpi.move.change.after, kpi.move.points) == (Decimal("0.9800"), (Decimal("6.00"), Decimal("10.00")))
    assert kpi.move.reached.total - Decimal("3579.02") == Decimal("27.20")


@given(st.integers(min_value=0, max_value=9799))
def test_S0_any_reply_rate_below_98_percent_is_asked_for_the_next_band_edge_exactly(basis_points):
    """S0.1: whatever the reply rate (to 0.01 %), the suggestion is the next band's edge itself (90 %, 95 % or
    98 %), never a rounded value short of it, and the KPI's points are that band's."""
    plan, inputs, state = _S0
    rate = Decimal(basis_points).scaleb(-4)
    changed = [dataclasses.replace(i, values={**i.values, "reply_rate": rate}) if i.agent == "1001" else i
               for i in inputs]
    (kpi,) = [k for k in what_it_takes(plan, changed, "1001", state).kpis if k.kpi == "reply_rate"]
    edge = next(e for e in (Decimal("0.9"), Decimal("0.95"), Decimal("0.98")) if rate < e)
    assert kpi.move is not None and kpi.move.change.after == edge
    assert kpi.move.points[1] == {Decimal("0.9"): 3, Decimal("0.95"): 6, Decimal("0.98"): 10}[edge]


_S0 = month_inputs(*MONTHS["s0"])


def test_S4_P24_four_slow_replies_split_by_a_utc_log_across_two_shanghai_days_come_close_on_both(tmp_path):
    """S4.P24 counts per Shanghai day: 2026-10-12T15:10Z and 15:40Z are the 12th at 23:10 and 23:40, 16:10Z and
    16:40Z the 13th: two and two, the clause does not fire, and both days are named with their counts."""
    rows = [f"2006,2026-10-12T{t}:00Z,首响,61,,N{i}," for i, t in enumerate(("15:10", "15:40", "16:10", "16:40"))]
    files = Files(str(S4_POLICY), str(S4_METRICS), str(S4_ROSTER), events=str(events_file(tmp_path / "e.csv", rows)))
    plan, inputs, state = month_inputs(files, "2026-10")
    what = what_it_takes(plan, inputs, "2006", state)
    (near,) = what.near
    assert (near.clause, near.fires_at, near.periods) == ("p24_slow_day", 4, (("2026-10-12", 2), ("2026-10-13", 2)))
    assert what.cancelled == ()


def test_S4_P24_a_fired_day_is_kept_by_the_events_beyond_three(tmp_path):
    """S4.P24: five slow replies on the 12th (Shanghai) cancel 2006's excellent and step bonuses (200 + 250);
    two fewer that day keeps both: pay back to 3250.04."""
    rows = [f"2006,2026-10-12 1{i}:00:00,首响,61,,N{i}," for i in range(5)]
    files = Files(str(S4_POLICY), str(S4_METRICS), str(S4_ROSTER), events=str(events_file(tmp_path / "e.csv", rows)))
    plan, inputs, state = month_inputs(files, "2026-10")
    what = what_it_takes(plan, inputs, "2006", state)
    assert [(c.component, c.earned, c.clauses, c.fewer) for c in what.cancelled] == [
        ("excellent_bonus", Decimal("200.00"), ("p24_slow_day",), (("p24_slow_day", "2026-10-12", 2),)),
        ("step_bonus", Decimal("250.00"), ("p24_slow_day",), (("p24_slow_day", "2026-10-12", 2),)),
    ]
    assert all(c.kept is not None and c.kept.total == Decimal("3250.04") for c in what.cancelled)


# The rule book's response-time bands (tests/policy/test_policy_closed.py's RESPONSE): ≤ 35 s → 100; (35, 45] → 80;
# (45, 55] → 60; > 55 → 0 with `closed: right`, and [from, to) with `closed: left`. Lower is better.
RESPONSE_BANDS = ((35, 100), (45, 80), (55, 60))


@pytest.fixture(scope="module")
def response_plans(tmp_path_factory):
    return {closed: compile_text(tmp_path_factory.mktemp(closed), RESPONSE % closed) for closed in ("left", "right")}


@given(seconds=st.integers(min_value=0, max_value=120), closed=st.sampled_from(["left", "right"]))
def test_a_lower_is_better_band_is_entered_by_whole_seconds_on_the_right_side_of_its_bound(response_plans, seconds,
                                                                                           closed):
    """Durations are whole seconds: `(35, 45]` is entered from above at 45 s itself, `[35, 45)` at 44 s, never
    44.99 s nor a rounded 45 that stays out; the points promised are the band's."""
    plan = response_plans[closed]
    item = AgentInput("a1", "2026-11", {"first_response": Decimal(seconds)}, team="t")
    (kpi,) = what_it_takes(plan, [item], "a1").kpis
    bands = [(bound, points) for bound, points in RESPONSE_BANDS
             if (seconds > bound if closed == "right" else seconds >= bound)]
    if not bands:
        assert kpi.move is None and kpi.why == "best"
        return
    bound, points = bands[-1]
    assert kpi.move is not None
    assert kpi.move.change.after == (bound if closed == "right" else bound - 1)
    assert kpi.move.points[1] == points


def test_a_dated_policy_is_re_evaluated_with_what_was_in_force_that_month_S1_3(tmp_path):
    """explain's counterfactuals start from the month as evaluate paid it: September under a rate dated
    from July (1 % → 1.2 %, S2.3) is re-evaluated at 1.2 %, never at the rate in force at effective_from."""
    from harness.cli import json_of, run

    from tests.ledger.test_dated_ledger import month_file, policy

    dated, september = policy(tmp_path, "dated.yaml", dated=True), month_file(tmp_path, "2026-09")
    paid = {r["agent"]: r["pay"]["total"]
            for r in json_of(run("evaluate", "-p", dated, "-m", september, "--format", "json"))["results"]}
    for agent, total in paid.items():
        found = json_of(run("explain", "-p", dated, "-m", september, "-a", agent, "--format", "json"))
        assert found["what_it_takes"]["baseline"]["total"] == total, agent
