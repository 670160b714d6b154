"""A plan's inputs come in blocks, each filled by one function (engine.run.inputs), never by an `if`
per feature in the evaluator: every block kind has its filler, every input step is in exactly one
block, and each filler gives every agent one value per input of its block."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from engine.model.blocks import Block
from engine.model.inputs import AgentInput, State
from engine.model.ops import Input
from engine.model.step_names import ADJUSTMENTS, CARRIED_IN
from engine.month import Files, read_months, read_sources
from engine.pipeline import prepare
from engine.run.inputs import FILLERS, Month, careers, fill

ROOT = Path(__file__).resolve().parents[2]
POLICIES = sorted((ROOT / "policies").glob("*.yaml"))


def test_every_kind_of_block_has_one_filler() -> None:
    assert set(FILLERS) == set(Block)


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_every_input_step_is_in_one_block_in_slot_order(path: Path) -> None:
    plan, _ = prepare(str(path))
    given = [s for s in plan.steps if isinstance(s.op, Input)]
    assert [slot for b in plan.blocks for slot in b.slots] == [s.slot for s in given]
    assert plan.inputs == tuple(s.name for s in given) == tuple(s.op.name for s in given)
    for block in plan.blocks:
        assert {plan.steps[slot].op.block for slot in block.slots} == {block.block}
    assert len({b.block for b in plan.blocks}) == len(plan.blocks)  # one block per kind
    assert plan.blocks[-1].block is Block.CAREER and plan.inputs[-2:] == ("role", "grade")


def test_the_s4_month_fills_each_block_per_agent() -> None:
    """S4 has metrics, windows, penalty facts and role/grade: each agent's inputs, one tuple per block,
    in the order the plan names them (days: tests/test_proration.py)."""
    files = Files(str(ROOT / "policies" / "s4_path.yaml"), str(ROOT / "examples" / "s4" / "metrics.csv"),
                  roster=str(ROOT / "examples" / "s4" / "roster.csv"),
                  events=str(ROOT / "examples" / "s4" / "events-2026-10.csv"))
    plan, _ = prepare(files.policy)
    (read,) = read_months(plan, read_sources(files), "2026-10")
    items = sorted(read.agents, key=lambda i: i.agent)
    kinds = [b.block for b in plan.blocks]
    assert {Block.METRICS, Block.WINDOWS, Block.PENALTIES, Block.CAREER} <= set(kinds)
    state = State(carried={items[0].agent: Decimal("12.5")})
    found = list(fill(plan, items, Month(state, careers(items, state), {items[0].agent: Decimal(-3)})))
    assert len(found) == len(items)
    for item, blocks in zip(items, found, strict=True):
        assert [len(b) for b in blocks] == [len(b.names) for b in plan.blocks]
        given = dict(zip(plan.inputs, (value for b in blocks for value in b), strict=True))
        assert {m: given[m] for m in plan.block(Block.METRICS).names} == {
            m: item.values[m] for m in plan.block(Block.METRICS).names}
        assert (given["role"], given["grade"]) == (item.role, item.grade)
        window = plan.windows[0]
        assert given[window.name] >= 0
    first = dict(zip(plan.inputs, (value for b in found[0] for value in b), strict=True))
    if plan.deductions is not None:  # the ledger's carried loss and the month's adjustments, as given
        assert (first[CARRIED_IN], first[ADJUSTMENTS]) == (Decimal("12.5"), Decimal(-3))


def test_a_missing_metric_is_a_located_error_naming_the_agent(tmp_path) -> None:
    from engine.errors import EvaluationError
    from engine.run.evaluate import evaluate_period

    plan, _ = prepare(str(ROOT / "policies" / "s0_shop.yaml"))
    with pytest.raises(EvaluationError) as caught:
        evaluate_period(plan, [AgentInput("a1", "2026-10", {}, role="agent")])
    assert caught.value.lines("en")[0].startswith("agent a1 (2026-10): ")
    assert caught.value.lines("zh")[0].startswith("客服 a1（2026-10）：")
