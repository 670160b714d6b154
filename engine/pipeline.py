"""The stages chained, so no stage has to import the ones above it: a policy file to its plan."""

from __future__ import annotations

from engine.errors import Diagnostic
from engine.model.plan import Plan
from engine.policy.check import require_valid
from engine.policy.compile import compile_policy
from engine.policy.load import load_policy


def prepare(path: str, period: str | None = None) -> tuple[Plan, list[Diagnostic]]:
    """Load, check and compile a policy file for `period` (its dated values as in force then; None:
    at `effective_from`): the plan and any warnings, or `PolicyError`."""
    doc = load_policy(path)
    warnings = require_valid(doc)
    return compile_policy(doc, period), warnings
