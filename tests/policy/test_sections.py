"""The typed policy (engine.policy.sections): what `check` accepted, as frozen values with their lines.

The compiler reads these and never the YAML tree, so the schema's defaults are applied once, here.
"""

from __future__ import annotations

import ast
import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from engine.model.kinds import Kind
from engine.model.label import Label
from engine.policy.check import require_valid
from engine.policy.load import load_policy, load_text
from engine.policy.sections import (
    Bands,
    CommissionPay,
    Formula,
    Linear,
    MinimumPay,
    Policy,
    RoleReviewSpec,
    ScoreRound,
    StepPay,
    TablePay,
    read_sections,
)

ROOT = Path(__file__).resolve().parents[2]
POLICIES = sorted((ROOT / "policies").glob("*.yaml"))


def _sections(path: Path) -> Policy:
    doc = load_policy(path)
    require_valid(doc)
    return read_sections(doc)


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_every_shipped_policy_reads_into_frozen_sections(path: Path) -> None:
    policy = _sections(path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.meta = None  # type: ignore[misc]
    assert policy.pay and all(c.kind.is_pay for c in policy.pay)
    # S4 has no scorecard (issue 16 item 1): no KPIs and no score; every other shipped policy has both.
    assert (policy.kpis and policy.score) if path.name != "s4_path.yaml" else (not policy.kpis and policy.score is None)
    lines = path.read_text(encoding="utf-8").splitlines()
    for component in policy.pay:  # each entry keeps the line of its key
        assert lines[component.line - 1].strip().startswith(f"{component.name}:")


def test_the_s4_pay_section_as_typed_values() -> None:
    policy = _sections(ROOT / "policies" / "s4_path.yaml")
    base, commission, _, step = policy.pay[:4]
    assert base.kind == Kind.PAY_TABLE and isinstance(base.how, TablePay) and base.how.table.by == ("role",)
    assert base.how.table.values[("trainee",)] == Decimal(1000) and base.how.table.default is None
    assert base.rules == ("S4.1", "S4.2", "S4.4", "S4.5")
    assert isinstance(commission.how, CommissionPay) and commission.how.rate == Decimal("0.01")
    assert commission.roles == ("agent", "trainee_supervisor", "supervisor")
    assert isinstance(step.how, StepPay) and step.how.on == Formula("attainment", 136)
    assert (step.how.start, step.how.every, step.how.first, step.how.then, step.how.cap) == (
        Decimal("1.5"), Decimal("0.5"), Decimal(50), Decimal(50), None)
    minimum = next(c for c in policy.pay if isinstance(c.how, MinimumPay))
    assert minimum.how.of is None or all(policy.component(name) for name in minimum.how.of)
    assert policy.meta.rounding == "half_up" and policy.meta.quantum == Decimal("0.01")
    assert policy.roles["trainee"] == (Label("见习客服", "Trainee agent"), ("见习",))
    assert any(isinstance(r, RoleReviewSpec) for r in policy.reviews)
    assert policy.deductions is not None and policy.deductions.cap == Decimal("0.2")


POLICY = """jixiao: 1
policy: {id: t, version: "1", name: 测试, effective_from: 2026-01-01}
metrics:
  sales: {label: 销售额, type: money}
  rate: {label: 回复率, type: ratio}
kpis:
  s: {label: 销售, weight: 60, metric: sales, linear: {from: 0, to: 1000}}
  r:
    label: 回复
    weight: 40
    metric: rate
    closed: right
    bands: [{to: 0.9, points: 0}, {from: 0.9, points: 40}]
score: {total: 100}
pay:
  base: {label: 底薪, kind: fixed, amount: 100}
"""


def test_the_schema_defaults_are_applied_once_here() -> None:
    doc = load_text(POLICY.encode(), "t.yaml")
    require_valid(doc)
    policy = read_sections(doc)
    assert policy.meta.currency == "CNY" and policy.meta.rounding == "half_up"
    assert policy.score.precision == Decimal("0.01") and policy.score.ratings == () and policy.score.gates == ()
    assert policy.score.round is ScoreRound.EACH
    assert policy.kpis[0].method == Linear(Decimal(0), Decimal(1000), 7)
    bands = policy.kpis[1].method
    assert isinstance(bands, Bands) and bands.closed == "right" and bands.line == 13
    assert bands.bands == ((None, Decimal("0.9"), Decimal(0), None), (Decimal("0.9"), None, Decimal(40), None))
    assert policy.metrics[0].scope == "agent" and policy.metrics[1].range == (Decimal(0), Decimal(1))
    assert policy.proration is None and policy.events is None and policy.deductions is None
    assert (policy.windows, policy.penalties, policy.population, policy.rankings, policy.reviews) == ((),) * 5


COMPILER = ("compile.py", "compile_pay.py", "compile_population.py", "compile_penalties.py", "compile_events.py",
            "compile_reviews.py", "builder.py")


@pytest.mark.parametrize("name", COMPILER)
def test_the_compiler_reads_no_yaml_tree(name: str) -> None:
    """No `mapping(...)`, no document (`.data`, `.doc`, `.where(...)`), no `spec["key"]` of a policy dict."""
    tree = ast.parse((ROOT / "engine" / "policy" / name).read_text(encoding="utf-8"))
    attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    calls = {node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute)}
    assert not attributes & {"mapping", "data", "doc", "marks", "key_marks"} and "where" not in calls
    keyed = [node.value.id for node in ast.walk(tree) if isinstance(node, ast.Subscript)
             and isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Constant)
             and isinstance(node.slice.value, str)]
    # (compile_reviews still reads `every:` and outcome tables, for `check` too: before the sections exist.)
    assert not set(keyed) & {"spec", "data", "meta", "rate", "floor", "top", "ties", "rounding", "score_spec", "pay"}
