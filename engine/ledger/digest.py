"""Digests that say whether two months are the same: their results, and the ledger state they read.

A month's identity is its files (the fingerprint), the ledger state it read, and what it
computed. Each digest is a SHA-256 over exact text: every Decimal written with its digits, every
tuple as the ledger's codec writes it, so equal digests mean equal records, never "close enough".
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from engine.ledger import codec
from engine.ledger.store import Decision
from engine.policy.compile import Plan
from engine.run.adjust import Outcome


def outcomes_sha256(outcomes: Sequence[Outcome], decisions: Iterable[Decision]) -> str:
    """Of every agent's recorded values, trace, manual and retro lines and total, and the decisions."""
    digest = hashlib.sha256(b"jixiao outcomes 1\n")
    for result, adjustments, total, retro in sorted(outcomes, key=lambda o: o.result.agent):
        digest.update(codec.as_text((
            result.agent, result.period, result.team, result.name, result.role, result.grade, result.score,
            result.rating, result.kpis, result.pay, result.total, result.choices, result.penalties, result.trace,
            tuple((a.amount, a.reason, a.approved_by, a.source) for a in adjustments),
            tuple((r.period, r.approved_run, r.correction_run, r.owed, r.amount, r.waived, str(r.bound))
                  for r in retro),
            total)).encode())
        digest.update(b"\n")
    for d in decisions:
        digest.update(codec.as_text(decision_key(d)).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def layout_sha256(plan: Plan) -> str:
    """Of the plan's steps, in slot order: two plans with equal digests lay their traces out alike, so a
    recorded trace is read by the plan of another jixiao only when this digest says it can be."""
    text = "\n".join(f"{step.slot} {step.name} {step.kind}" for step in plan.steps)
    return hashlib.sha256(f"jixiao layout 1\n{text}".encode()).hexdigest()


def decision_key(d: Decision) -> tuple:
    """What a decision decides and says, without where or when it was stored."""
    return (d.agent, d.period, str(d.kind), d.from_value, d.to_value, d.reason, d.reason_en, d.rule, d.decided_by,
            d.months_met, d.months_of)


def state_sha256(parts: Mapping[str, object]) -> str:
    """Of the ledger state a month read; `parts` maps each kind of state to its exact value."""
    digest = hashlib.sha256(b"jixiao state 1\n")
    for name in sorted(parts):
        digest.update(f"{name}\n{codec.as_text(_plain(parts[name]))}\n".encode())
    return digest.hexdigest()


def _plain(value: object) -> object:
    """Mappings as sorted tuples of pairs, so a digest never depends on insertion order."""
    if isinstance(value, Mapping):
        return tuple((key, _plain(value[key])) for key in sorted(value))
    if isinstance(value, (list, tuple)):
        return tuple(_plain(item) for item in value)
    if isinstance(value, Decimal | str | int | bool) or value is None:
        return value
    raise TypeError(f"cannot digest {type(value).__name__}")
