"""A policy text compiled for a test, evaluated, and read back step by step."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

from engine.model.inputs import AgentInput, State
from engine.model.plan import Plan
from engine.model.results import AgentResult
from engine.pipeline import prepare
from engine.run.evaluate import evaluate

__all__ = ["compile_text", "only", "pay", "traced"]


def compile_text(tmp_path: Path, text: str, name: str = "policy.yaml") -> Plan:
    """Write a policy to tmp_path and compile it; test policies must be free of warnings too."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    plan, warnings = prepare(str(path))
    assert warnings == []
    return plan


def only(plan: Plan, item: AgentInput, state: State | None = None) -> AgentResult:
    """One agent's month evaluated on its own, with its trace."""
    (result,) = evaluate(plan, [item], state, trace=True)
    return result


def traced(plan: Plan, result: AgentResult, name: str) -> object:
    """The value the trace recorded for the step called `name` (KPI steps are `<id>_points`)."""
    assert result.trace is not None
    return result.trace[next(s.slot for s in plan.steps if s.name == name)]


def pay(result: AgentResult, name: str) -> Decimal:
    """One pay line of a result."""
    return dict(result.pay)[name]
