"""engine.model, the vocabulary every stage reads: on the ground floor, and the only home of its words.

A stage imports a plan, a step or a result from here without importing the compiler or the
evaluator; the compiler writes every step with a `Kind` and a `Unit` of this package, never a
bare string a reader would have to guess.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from engine.model.kinds import Kind
from engine.model.step_names import PENALTY_STEPS
from engine.model.units import Unit
from engine.pipeline import prepare
from engine.policy.names import RESERVED

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "engine" / "model"
POLICIES = sorted((ROOT / "policies").glob("*.yaml"))


def _engine_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "engine":
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "engine"}
    return found


@pytest.mark.parametrize("path", sorted(MODEL.glob("*.py")), ids=lambda p: p.name)
def test_model_imports_nothing_of_the_engine_but_itself(path: Path) -> None:
    assert {m for m in _engine_imports(path) if not m.startswith("engine.model")} == set()


# The modules the vocabulary moved out of: what they still hold is imported from them, and nothing else.
VACATED = ("engine.policy.compile", "engine.policy.compile_events", "engine.policy.compile_reviews",
           "engine.policy.compile_penalties", "engine.policy.names", "engine.policy.formula_words",
           "engine.run.evaluate", "engine.run.adjust", "engine.run.retro", "engine.run.windows")


def _defined(module: str) -> set[str]:
    """The names a module defines at its top level (not those it imports)."""
    tree = ast.parse((ROOT / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
    found = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            found.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found |= {n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name)}
    return found


def test_a_type_is_imported_from_where_it_lives() -> None:
    """No module reaches a plan, a step or a result through the compiler or the evaluator, and the
    vocabulary re-exports nothing: `from M import x` names an x that M defines."""
    files = [*ROOT.glob("engine/**/*.py"), *ROOT.glob("cli*.py"), *ROOT.glob("benchmarks/*.py"),
             *ROOT.glob("tests/**/*.py")]
    wrong = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module in VACATED
                                                     or (node.module or "").startswith("engine.model.")):
                defined = _defined(node.module)
                wrong += [f"{path.relative_to(ROOT)}: {node.module}.{a.name}" for a in node.names
                          if a.name not in defined]
    assert wrong == []


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_every_step_of_a_shipped_policy_has_a_kind_and_a_unit(path: Path) -> None:
    plan, _ = prepare(str(path))
    assert all(type(s.kind) is Kind and type(s.unit) is Unit for s in plan.steps)
    assert {s.name for s in plan.steps if s.kind.is_pay} == set(plan.pay)


def test_pay_kinds_are_the_components_and_the_deduction() -> None:
    assert {kind for kind in Kind if kind.is_pay} == {
        Kind.PAY_TABLE, Kind.PAY_FIXED, Kind.PAY_FORMULA, Kind.PAY_STEP, Kind.PAY_MINIMUM, Kind.PAY_COMMISSION,
        Kind.PAY_DEDUCTION, Kind.PAY_ADDED}


def test_the_penalty_stage_names_are_reserved() -> None:
    assert set(PENALTY_STEPS) == {"gross_pay", "loss_deduction", "warnings", "serious_warnings"}
    assert PENALTY_STEPS <= RESERVED
