"""`evaluate --format json` names the rules too (issue 18): each KPI, pay component and penalty
result's rule ids (docs/rules.md), said once for the month under `"rules"`; every other key as before."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from harness.cli import json_of, run

from engine.report.recorded import report_digest
from engine.report.tables import to_json

ROOT = Path(__file__).resolve().parents[2]
S4 = ("--policy", ROOT / "policies/s4_path.yaml", "--metrics", ROOT / "examples/s4/metrics.csv",
      "--roster", ROOT / "examples/s4/roster.csv", "--events", ROOT / "examples/s4/events-2026-10.csv")


def test_evaluate_json_names_each_components_and_clauses_rules():
    """S4.P24 (two clauses cite it, one over two event kinds), S4.P27 (which restates S4.P7), L.1 for the loss
    deduction; S4 has no scorecard, so no KPI rules."""
    document = json_of(run("evaluate", *S4, "--format", "json"))
    assert list(document) == ["policy", "rules", "results"]
    rules = document["rules"]
    assert list(rules) == ["components", "penalties"]
    assert rules["components"]["step_bonus"] == ["S4.2", "S4.3"]
    assert rules["components"]["loss_deduction"] == ["L.1", "L.2", "L.4"]
    assert list(rules["components"]) == list(document["results"][0]["pay"]["components"])
    assert [rules["penalties"][c] for c in ("p24_slow_day", "p24_over_200_or_no_reply")] == [["S4.P24"]] * 2
    assert rules["penalties"]["p27_bad_review"] == ["S4.P27", "S4.P7"]
    assert set(rules["penalties"]) == set(document["results"][0]["penalties"])


def test_s0_json_without_penalties_has_no_penalties_key():
    document = json_of(run("evaluate", "--policy", ROOT / "policies/s0_shop.yaml",
                           "--metrics", ROOT / "examples/s0/metrics.csv", "--roster", ROOT / "examples/s0/roster.csv",
                           "--format", "json"))
    assert document["rules"]["components"] == {"base": ["S0.6"], "performance": ["S0.2", "S0.3"]}
    assert "penalties" not in document["rules"]


def test_a_runs_digest_is_of_the_report_without_rule_ids():
    """A run recorded before the rule ids were added keeps its digest: `show` still renders it."""
    from engine.data.inputs import read_inputs
    from engine.model.results import Outcome
    from engine.pipeline import prepare
    from engine.run.evaluate import evaluate

    plan, _ = prepare(str(ROOT / "policies/s0_shop.yaml"))
    inputs = read_inputs(plan, ROOT / "examples/s0/metrics.csv", roster=ROOT / "examples/s0/roster.csv")
    results = evaluate(plan, inputs.agents)
    outcomes = [Outcome(r, (), r.total, ()) for r in results]
    without = to_json(plan, [o.result for o in outcomes], rules=False)
    assert '"rules"' not in without
    assert json.loads(without).keys() == {"policy", "results"}
    assert report_digest(plan, outcomes) == hashlib.sha256(without.encode()).hexdigest()
