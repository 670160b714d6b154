"""`jixiao plan FILE`: the compiled plan — each step with its kind, rules, policy line, phase, what it
reads and its ops — then the generated source (engine.report.plan_text); and the op printer behind it
(engine.model.pretty)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.model.ops import (
    Arith,
    Binary,
    Call,
    Clamp,
    Cmp,
    Compare,
    Const,
    Fn,
    IfElse,
    Logic,
    Quantize,
    Ref,
    Sign,
    Unary,
)
from engine.model.pretty import show
from engine.pipeline import prepare

ROOT = Path(__file__).resolve().parent.parent
POLICIES = sorted((ROOT / "policies").glob("*.yaml"))
STEP = re.compile(r"v(\d+) +(\S+) +(\S+) +(\S+) +(\d+) +(\d+)(?:  (.*))?$")


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_plan_lists_every_step_then_the_generated_source(path: Path) -> None:
    result = CliRunner().invoke(main, ["plan", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    plan, _ = prepare(str(path))
    listed = {}
    for line in result.output.splitlines():
        match = STEP.match(line)
        if match:
            listed[int(match.group(1))] = match.groups()[1:]
    assert sorted(listed) == list(range(len(plan.steps)))  # every step once
    for slot, (name, kind, rule, line, phase, reads) in listed.items():
        step = plan.steps[slot]
        assert (name, kind, rule, int(line), int(phase)) == (step.name, step.kind, "/".join(step.rule) or "-",
                                                           step.line, step.phase)
        assert (reads or "") == ", ".join(plan.steps[r].name for r in step.uses) or step.kind.startswith(
            ("rank", "population", "members", "standing"))  # a population value: taken over all agents
    assert result.output.rstrip("\n").endswith(plan.source.rstrip("\n"))


def test_plan_shows_the_ops_as_formulas_over_step_names() -> None:
    result = CliRunner().invoke(main, ["plan", str(ROOT / "policies" / "s0_shop.yaml"), "--lang", "en"])
    assert "Sales attainment = sales / sales_target" in result.output
    assert ("Sales attainment = round(clamp((attainment - 0.5) / 0.5, 0, 1) * 25, 0.01, half_up)"
            in result.output)
    assert "Inquiry conversion rate = on_zero_division(buyers / inquiries, 0)" in result.output
    assert "on_zero_division used = fell_back(conversion)" in result.output
    assert "band(order_value, (-Infinity, 150, 200, 250), closed left)" in result.output


def test_plan_in_chinese_and_a_policy_with_errors() -> None:
    result = CliRunner().invoke(main, ["plan", str(ROOT / "policies" / "s4_path.yaml")])
    assert result.exit_code == 0 and result.output.startswith("方案 s4-path 2026.10")
    assert "阶段: 2" in result.output.splitlines()[0]
    broken = CliRunner().invoke(main, ["plan", str(ROOT / "missing.yaml")])
    assert broken.exit_code == 1 and "JX001" in broken.output


def _name(slot: int) -> str:
    return "abcdefgh"[slot]


@pytest.mark.parametrize(("op", "text"), [
    (Binary(Arith.SUB, Ref(0), Binary(Arith.SUB, Ref(1), Ref(2))), "a - (b - c)"),
    (Binary(Arith.SUB, Binary(Arith.SUB, Ref(0), Ref(1)), Ref(2)), "a - b - c"),
    (Binary(Arith.MUL, Binary(Arith.ADD, Ref(0), Ref(1)), Ref(2)), "(a + b) * c"),
    (Binary(Arith.POW, Unary(Sign.NEG, Ref(0)), Const(Decimal(2))), "(-a) ** 2"),
    (Unary(Sign.NEG, Binary(Arith.POW, Ref(0), Const(Decimal(2)))), "-a ** 2"),
    (Unary(Sign.NOT, Compare(Ref(0), (Cmp.LT,), (Ref(1),))), "not a < b"),
    (Logic("or", (Logic("and", (Ref(0), Ref(1))), Ref(2))), "a and b or c"),
    (Logic("and", (Logic("or", (Ref(0), Ref(1))), Ref(2))), "(a or b) and c"),
    (IfElse(Ref(0), Const("x"), IfElse(Ref(1), Const("y"), Const(None))), "'x' if a else 'y' if b else None"),
    (Binary(Arith.ADD, IfElse(Ref(0), Ref(1), Ref(2)), Ref(3)), "(b if a else c) + d"),
    (Quantize(Clamp(Ref(0), Const(Decimal(0))), Decimal("0.01"), ROUND_HALF_UP), "round(clamp(a, 0), 0.01, half_up)"),
    (Call(Fn.MAX, (Ref(0), Const(Decimal(0)))), "max(a, 0)"),
])
def test_an_op_reads_as_python_would_read_it(op, text) -> None:
    assert show(op, _name) == text


def test_the_sample_in_the_docs_is_what_plan_prints(monkeypatch) -> None:
    """docs/plan.md shows `jixiao plan` of the S0 policy: every line it shows in full is printed."""
    text = (ROOT / "docs" / "plan.md").read_text(encoding="utf-8")
    sample = text.split("```\n", 2)[1]
    monkeypatch.chdir(ROOT)
    printed = CliRunner().invoke(main, ["plan", "policies/s0_shop.yaml", "--lang", "en"]).output
    shown = [line for line in sample.splitlines() if line and "…" not in line]
    assert len(shown) > 8
    for line in shown:
        assert line in printed.splitlines(), line
