"""Lint one loaded policy: validate's own problems first (a policy with errors is not linted: its
plan cannot be trusted to probe), then the static checks, then the checks answered by probing its
compiled plan; every problem located on the line of what it is about."""

from __future__ import annotations

from decimal import Decimal

from engine.diagnostics import Diagnostic, Severity
from engine.lint.probe import Prober, sweep
from engine.lint.probed import check_probes
from engine.lint.static import check_static
from engine.policy.check import check, locate
from engine.policy.compile import compile_policy
from engine.policy.dated import NothingInForce, boundaries, dated_paths
from engine.policy.dated import resolve as resolve_dated
from engine.policy.load import Loaded


def lint_policy(doc: Loaded, cliff: Decimal | None = None) -> list[Diagnostic]:
    """Validate's problems and, when there is no error, every lint warning (JX5xx), in file order.
    `cliff`: the amount JX505 warns above (`--cliff`), else the policy's `lint: {cliff: …}`, else none."""
    found = list(check(doc))
    if any(d.severity == Severity.ERROR for d in found):
        return sorted(found, key=lambda d: d.sort_key)
    if cliff is None and isinstance(doc.data.get("lint"), dict) and "cliff" in doc.data["lint"]:
        cliff = Decimal(doc.data["lint"]["cliff"])
    # A policy with dated values (engine.policy.dated) is linted as it stands in each month one changes.
    for month in boundaries(doc.data) if dated_paths(doc.data) else (None,):
        try:
            resolved = resolve_dated(doc, month)[0]
        except NothingInForce:  # the month after the last `to`: nothing is paid by it
            continue
        static = list(check_static(resolved.data))
        flagged = {p.path[:2] for p in static}
        plan = compile_policy(resolved)
        prober = Prober(plan)
        declared = {name: str(spec.get("direction", "higher")) for name, spec in resolved.data["metrics"].items()}
        probes = sweep(prober, declared)
        problems = [*static, *check_probes(plan, resolved.data, probes, prober, cliff, flagged)]
        found += [locate(resolved, p) for p in problems]
    return sorted(set(found), key=lambda d: d.sort_key)
