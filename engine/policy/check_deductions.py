"""Deductions within the law (L.1, L.2, L.4): what the schema cannot see.

A clause that deducts needs the minimum wage the deduction must leave (JX274); a fixed sum taken
for a breach is a fine, which has had no legal basis since 2008, however it is named (JX275, a
warning naming the clause or pay component); switching the legal guard off is allowed only as a
visible choice (JX276); the cap is at most 20 % while the guard is on (JX277). A clause counted per
event has no threshold to pass (JX278); a loss is either the agent's or someone else's (JX279); a
`deductions:` nothing deducts through is probably a clause missing its `deducts:` (JX280); the
dated minimum wages must be real dates with positive amounts, one per date (JX281). Recovering an
overpayment from pay needs both the minimum wage it must leave and the agreement it rests on (L.5,
JX282).
"""

from __future__ import annotations

import decimal
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal

from engine.diagnostics import Code, Problem, problem
from engine.policy import names as n
from engine.policy.expr import Expression, compile_expression
from engine.policy.runtime import CONTEXT

LEGAL_CAP = Decimal("0.2")
# Words that name a fine (罚款) or its disguises (乐捐 "donation", 负激励 "negative incentive").
FINE_WORDS = ("罚款", "罚金", "扣罚", "乐捐", "负激励", "fine", "penalty")


def check_deductions(data: Mapping) -> Iterator[Problem]:
    """Every problem of `penalties:` deductions, fines, `deductions:` and `corrections:`."""
    clauses = {name: n.mapping(spec) for name, spec in n.mapping(data.get("penalties")).items()}
    section = data.get("deductions")
    deducting = [name for name, spec in clauses.items() if "deducts" in spec]
    if deducting and not isinstance(section, dict):
        yield problem(Code.JX274, ("penalties", deducting[0], "deducts"), on_key=True, name=deducting[0])
    for name, spec in clauses.items():
        yield from _check_clause(name, spec)
    yield from _check_fines_in_pay(n.mapping(data.get("pay")))
    if isinstance(section, dict):
        yield from _check_section(section, bool(deducting))
    yield from _check_corrections(n.mapping(data.get("corrections")), isinstance(section, dict))


def _check_corrections(spec: Mapping, deductions: bool) -> Iterator[Problem]:
    """L.5: an overpayment is recovered from pay only within the guard and as a recorded agreement allows."""
    if spec.get("overpayment") != "recover":
        if "agreement" in spec:
            yield problem(Code.JX282, ("corrections", "agreement"), "agreement_unused", on_key=True)
        return
    if not deductions:
        yield problem(Code.JX282, ("corrections", "overpayment"), "no_deductions", on_key=True)
    if "agreement" not in spec:
        yield problem(Code.JX282, ("corrections", "overpayment"), "no_agreement", on_key=True)


def _check_clause(name: str, spec: Mapping) -> Iterator[Problem]:
    deducts = spec.get("deducts")
    if isinstance(deducts, dict) and "amount" in deducts:
        yield problem(Code.JX275, ("penalties", name, "deducts"), "fixed_sum", on_key=True, name=name,
                      amount=deducts["amount"])
    if spec.get("per") == "event" and isinstance(spec.get("count_over"), int) and spec["count_over"] > 0:
        yield problem(Code.JX278, ("penalties", name, "count_over"), name=name, count=spec["count_over"])
    if "deducts" in spec and "charges" in spec:
        yield problem(Code.JX279, ("penalties", name, "charges"), name=name)


def _check_fines_in_pay(pay: Mapping) -> Iterator[Problem]:
    """JX275 for a pay component that subtracts a fixed sum or is named like a fine."""
    for name, spec in pay.items():
        spec = n.mapping(spec)
        amount = spec.get("amount") if spec.get("kind") == "fixed" else None
        formula = spec.get("formula") if spec.get("kind") == "formula" else None
        negative = isinstance(amount, Decimal | int) and amount < 0
        if isinstance(formula, Decimal | int):
            negative = negative or formula < 0
        elif isinstance(formula, str):
            parsed = n.try_parse(formula)
            negative = negative or (parsed is not None and not parsed.names and _negative_constant(parsed))
        texts = [name, *n.label_texts(spec.get("label"))]
        named = next((w for w in FINE_WORDS if any(w in t.lower() for t in texts if isinstance(t, str))), None)
        if negative or named:
            yield problem(Code.JX275, ("pay", name), "pay_named" if named else "pay_negative", on_key=True, name=name,
                          word=named)


def _negative_constant(parsed: Expression) -> bool:
    """A formula with no names whose value is below zero (`0 - 12.5`, `-50`)."""
    try:
        with decimal.localcontext(CONTEXT):
            value = compile_expression(parsed)({})
    except (ArithmeticError, OverflowError, TypeError, ValueError):
        return False
    return isinstance(value, Decimal) and value < 0


def _check_section(section: Mapping, deducting: bool) -> Iterator[Problem]:
    guard = section.get("guard", "on")
    if guard == "off":
        yield problem(Code.JX276, ("deductions", "guard"))
    cap = section.get("cap")
    if isinstance(cap, Decimal | int) and not isinstance(cap, bool):
        top = LEGAL_CAP if guard != "off" else Decimal(1)
        if not 0 < cap <= top:
            yield problem(Code.JX277, ("deductions", "cap"), "" if guard != "off" else "guard_off", cap=cap, top=top)
    if not deducting:
        yield problem(Code.JX280, ("deductions",), on_key=True)
    wages = section.get("minimum_wage")
    if isinstance(wages, Decimal | int) and not isinstance(wages, bool) and wages <= 0:
        yield problem(Code.JX281, ("deductions", "minimum_wage"), "not_positive", wage=wages)
    seen: dict[str, int] = {}
    for index, entry in enumerate(wages if isinstance(wages, list) else []):
        entry = n.mapping(entry)
        start, amount = entry.get("from"), entry.get("amount")
        where = ("deductions", "minimum_wage", index)
        if isinstance(start, str) and not _real_date(start):
            yield problem(Code.JX281, (*where, "from"), "bad_date", start=start)
        elif isinstance(start, str) and start in seen:
            yield problem(Code.JX281, (*where, "from"), "same_date", start=start)
        if isinstance(start, str):
            seen.setdefault(start, index)
        if isinstance(amount, Decimal | int) and not isinstance(amount, bool) and amount <= 0:
            yield problem(Code.JX281, (*where, "amount"), "amount_not_positive", amount=amount)


def _real_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
