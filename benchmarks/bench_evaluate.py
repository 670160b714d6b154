"""Benchmark: agent-months per second for the S0 policy, against a hand-written Decimal version.

Two policies, each compared side by side in the same run: the S0 policy as shipped (one phase)
and the same policy with S1.5's ranking (a top-30 % bonus of 200 over the score, shop-wide,
shared places, rounded down), which evaluates in two phases around the ranking; the hand-written
side ranks the same way. Every side runs with the cycle collector paused, as evaluation does.

Run:  python benchmarks/bench_evaluate.py [--agents 100000] [--repeat 3] [--against DIR] [--cpu]

With `--against DIR` (a checkout of another jixiao, e.g. `git worktree add /tmp/before main`),
that engine's evaluation is timed in the same run, interleaved with this one's, on the same
inputs and with the same collector setting, and the ratios this/that are printed side by side.

Both sides get the same pre-parsed synthetic inputs (one month, teams of 20) and return one
result record per agent with every KPI, pay line and total, computed with Decimal and rounded
half-up to the fen. The hand-written side is what a careful engineer would code for this one
policy with no engine at all; jixiao is measured with the trace off and on. Best of `repeat`
runs, interleaved, so a noisy neighbour hurts both sides alike. It also times
`jixiao validate` of the shipped policy as a fresh process (wall clock, best of 5).
"""

from __future__ import annotations

import argparse
import importlib
import random
import re
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.collector import cycle_collection_paused  # noqa: E402
from engine.model.inputs import AgentInput  # noqa: E402
from engine.pipeline import prepare  # noqa: E402
from engine.run.evaluate import evaluate_period  # noqa: E402

POLICY = ROOT / "policies" / "s0_shop.yaml"
D = Decimal
FEN = D("0.01")
ZERO, ONE = D(0), D(1)
BASE = {"A0": D(1800), "A1": D(2000), "A2": D(2500), "A3": D(3000), "A4": D(3500)}
C = {k: D(v) for k, v in {"half": "0.5", "c_from": "0.2", "c_span": "0.3", "r1": "0.9", "r2": "0.95",
                          "r3": "0.98", "t2": "1.2", "rate1": "0.001", "rate2": "0.002",
                          "rate3": "0.004"}.items()}


def synthetic(count: int, seed: int = 2026) -> list[AgentInput]:
    rng = random.Random(seed)
    agents = []
    for i in range(count):
        values = {
            "sales": D(rng.randint(40_000, 300_000)),
            "sales_target": D(150_000),
            "inquiries": D(rng.randint(0, 900)),
            "buyers": D(rng.randint(0, 300)),
            "order_value": D(rng.randint(100, 320)),
            "reply_rate": D(rng.randint(850, 1000)) / 1000,
            "first_response": D(rng.randint(8, 80)),
            "after_sales_cost": D(rng.randint(500, 6000)) / 100,
            "after_sales_handled": D(rng.randint(0, 50)),
            "absences": D(rng.choice((0, 0, 0, 1, 2))),
            "late_arrivals": D(rng.choice((0, 0, 1, 3))),
        }
        agents.append(AgentInput(
            agent=f"A{i:06d}", period="2026-10", values=values, team=f"T{i // 20:05d}",
            role=rng.choice(("agent", "agent", "agent", "probation")), grade=rng.choice(tuple(BASE)),
        ))
    return agents


def _clamp(x: Decimal) -> Decimal:
    return ZERO if x < ZERO else ONE if x > ONE else x


def _q(x: Decimal) -> Decimal:
    return x.quantize(FEN, ROUND_HALF_UP)


def hand_written(inputs: list[AgentInput]) -> list[dict]:
    """The S0 policy coded by hand for this one policy: the baseline jixiao is held to."""
    sums: dict[str, list] = {}
    for item in inputs:
        entry = sums.setdefault(item.team, [ZERO, 0])
        entry[0] += item.values["sales"]
        entry[1] += 1
    team_mean = {team: total / count for team, (total, count) in sums.items()}
    results = []
    for item in sorted(inputs, key=lambda i: i.agent):
        v = item.values
        attainment = v["sales"] / v["sales_target"]
        conversion = v["buyers"] / v["inquiries"] if v["inquiries"] else ZERO
        aov, reply = v["order_value"], v["reply_rate"]
        kpis = (
            ("sales_attainment", _q(_clamp((attainment - C["half"]) / C["half"]) * 25)),
            ("conversion", _q(_clamp((conversion - C["c_from"]) / C["c_span"]) * 20)),
            ("order_value", _q(ZERO if aov < 150 else D(4) if aov < 200 else D(7) if aov < 250 else D(10))),
            ("reply_rate", _q(ZERO if reply < C["r1"] else D(3) if reply < C["r2"]
                              else D(6) if reply < C["r3"] else D(10))),
            ("first_response", _q(_clamp((v["first_response"] - 60) / -40) * 15)),
            ("after_sales_cost", _q(_clamp((v["after_sales_cost"] - 50) / -40) * 5)),
            ("after_sales_handled", _q(min(max(min(v["after_sales_handled"], D(40)) / 8, ZERO), D(5)))),
            ("attendance", _q(min(max(10 - 5 * v["absences"] - v["late_arrivals"], ZERO), D(10)))),
        )
        score = sum(points for _, points in kpis)
        rating = "excellent" if score >= 90 else "pass" if score >= 60 else "fail"
        base = _q(BASE[item.grade])
        measure = ZERO if item.role == "probation" else attainment
        rate = C["rate1"] if measure < ONE else C["rate2"] if measure < C["t2"] else C["rate3"]
        performance = _q(ZERO) if score < 60 else _q(score / 100 * team_mean[item.team] * rate)
        results.append({"agent": item.agent, "period": item.period, "score": score, "rating": rating,
                        "kpis": kpis, "pay": (("base", base), ("performance", performance)),
                        "total": base + performance})
    return results


RANKING = """
rankings:
  monthly:
    label: {zh: 月度排名, en: Monthly ranking}
    rule: S1.5
    of: score
    top: {percent: 30, rounding: floor}

pay:
"""
TOP_BONUS = """
  top_bonus:
    label: {zh: 前30%奖金, en: Top 30 % bonus}
    rule: S1.5
    kind: fixed
    amount: 200
    when: monthly_top
"""
TOP = D(200)


def ranked_policy(folder: str) -> Path:
    """The S0 policy with S1.5's top-30 % bonus over the score."""
    text = POLICY.read_text(encoding="utf-8").replace("\npay:\n", RANKING, 1)
    # The bonus goes at the end of the pay section, before whatever top-level section follows it.
    after = re.search(r"\n(?=[a-z])", text[text.index(RANKING) + len(RANKING):])
    end = text.index(RANKING) + len(RANKING) + after.start() if after else len(text)
    text = text[:end] + TOP_BONUS.rstrip("\n") + text[end:]
    path = Path(folder) / "s0_ranked.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def hand_ranked(inputs: list[AgentInput]) -> list[dict]:
    """The S0 results, then the top 30 % by score (shared places, at least 1) earn 200 more."""
    results = hand_written(inputs)
    scores = sorted((r["score"] for r in results), reverse=True)
    cut = max(1, len(results) * 3 // 10) if results else 0
    first: dict[Decimal, int] = {}
    for place, score in enumerate(scores, 1):
        first.setdefault(score, place)
    for r in results:
        bonus = _q(TOP) if first[r["score"]] <= cut else _q(ZERO)
        r["pay"] = (*r["pay"], ("top_bonus", bonus))
        r["total"] += bonus
    return results


CLOCK = time.perf_counter  # --cpu: time.process_time, this process's CPU time (a machine shared with other jobs)


def _best(function, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        with cycle_collection_paused():  # the same collector setting for every side
            start = CLOCK()
            function()
            best = min(best, CLOCK() - start)
    return best


def _validate_wall(runs: int = 5) -> float:
    command = [sys.executable, "-c", "import cli; cli.main()", "validate", str(POLICY)]
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def before(root: str, folder: str) -> dict[str, tuple]:
    """Another checkout's `prepare` and `evaluate_period`, loaded beside this one's: its `engine`
    package is imported under its own modules, kept by the functions taken from it, and then
    forgotten, so `engine` names this checkout again. Returns its (plan, evaluate) per policy."""
    mine = {name: module for name, module in sys.modules.items() if name == "engine" or name.startswith("engine.")}
    for name in mine:
        del sys.modules[name]
    sys.path.insert(0, root)
    try:
        other_prepare = importlib.import_module("engine.pipeline").prepare
        other_evaluate = importlib.import_module("engine.run.evaluate").evaluate_period
        plans = {"S0": other_prepare(str(POLICY))[0], "S0 + S1.5 ranking": other_prepare(str(ranked_policy(folder)))[0]}
    finally:
        sys.path.remove(root)
        for name in [n for n in sys.modules if n == "engine" or n.startswith("engine.")]:
            del sys.modules[name]
        sys.modules.update(mine)
    return {name: (plan, other_evaluate) for name, plan in plans.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--against", metavar="DIR", help="also time the jixiao checked out in DIR, side by side")
    parser.add_argument("--cpu", action="store_true", help="time CPU used, not the wall clock (a busy machine)")
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.cpu else time.perf_counter
    plan, _ = prepare(str(POLICY))
    with tempfile.TemporaryDirectory() as folder:
        ranked, _ = prepare(str(ranked_policy(folder)))
        other = before(str(Path(args.against).resolve()), folder) if args.against else {}
    inputs = synthetic(args.agents)

    # Same answers first: a benchmark of two programs that disagree measures nothing.
    for compiled, written in ((plan, hand_written), (ranked, hand_ranked)):
        mine = evaluate_period(compiled, inputs[:2000])
        theirs = written(inputs[:2000])
        for a, b in zip(mine, theirs, strict=True):
            expected = (b["score"], b["rating"], b["kpis"], b["pay"], b["total"])
            assert (a.score, a.rating, a.kpis, a.pay, a.total) == expected, a.agent
    for name, (compiled, evaluate) in other.items():
        mine = evaluate_period(plan if name == "S0" else ranked, inputs[:2000], trace=True)
        assert [tuple(r) for r in evaluate(compiled, inputs[:2000], trace=True)] == [tuple(r) for r in mine], name

    sides = {
        "S0": (lambda: hand_written(inputs), lambda: evaluate_period(plan, inputs),
               lambda: evaluate_period(plan, inputs, trace=True)),
        "S0 + S1.5 ranking": (lambda: hand_ranked(inputs), lambda: evaluate_period(ranked, inputs),
                              lambda: evaluate_period(ranked, inputs, trace=True)),
    }
    keys = ("hand", "off", "on", "before off", "before on") if other else ("hand", "off", "on")
    for name, (compiled, evaluate) in other.items():
        sides[name] += (lambda c=compiled, e=evaluate: e(c, inputs), lambda c=compiled, e=evaluate: e(c, inputs,
                                                                                                       trace=True))
    times = {(name, k): float("inf") for name in sides for k in keys}
    for _ in range(args.repeat):  # interleaved, best of each
        for name, functions in sides.items():
            for key, function in zip(keys, functions, strict=True):
                times[name, key] = min(times[name, key], _best(function, 1))
    print(f"agent-months: {args.agents:,} (best of {args.repeat}, cycle collector paused on every side"
          + (", CPU time)" if args.cpu else ")"))
    for name in sides:
        rate = {k: args.agents / times[name, k] for k in keys}
        print(f"{name}:")
        print(f"  hand-written Decimal : {rate['hand']:>10,.0f} agent-months/s")
        for key, what in (("off", "trace off"), ("on", "trace on ")):
            against = (f", {rate[key] / rate['before ' + key]:.3f}x {args.against}" if other else "")
            print(f"  jixiao, {what}    : {rate[key]:>10,.0f} agent-months/s  ({rate[key] / rate['hand']:.2f}x hand"
                  f"{against})")
        if other:
            for key, what in (("before off", "trace off"), ("before on", "trace on ")):
                print(f"  {args.against}, {what}: {rate[key]:>10,.0f} agent-months/s  "
                      f"({rate[key] / rate['hand']:.2f}x hand)")
    print(f"jixiao validate {POLICY.relative_to(ROOT)}: {_validate_wall() * 1000:.0f} ms wall (best of 5)")


if __name__ == "__main__":
    main()
