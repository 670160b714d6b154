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
from engine.model.plan import Plan
from engine.model.results import Outcome

Texts = tuple[str, str, str, str, str, str]  # an outcome's KPI points, pay lines, choices, penalties, trace and
#                                           flags, as kept


def outcome_texts(outcomes: Sequence[Outcome]) -> tuple[Texts, ...]:
    """Each outcome's tuple columns as the ledger keeps them (codec text), in the order given: computed
    once, for both the digest and the write (a large firm's traces are not written out twice)."""
    text = codec.as_text
    return tuple((text(r.kpis), text(r.pay), text(r.choices), text(r.penalties), text(r.trace), text(r.flags))
                 for r, *_ in outcomes)


def outcomes_sha256(outcomes: Sequence[Outcome], decisions: Iterable[Decision],
                    texts: Sequence[Texts] | None = None) -> str:
    """Of every agent's recorded values, trace, manual and retro lines and total, and the decisions;
    `texts`: the outcomes' `outcome_texts`, when already computed."""
    texts = outcome_texts(outcomes) if texts is None else texts
    digest = hashlib.sha256(b"jixiao outcomes 3\n")
    for (result, adjustments, total, retro), kept in sorted(zip(outcomes, texts, strict=True),
                                                           key=lambda pair: pair[0].result.agent):
        digest.update(codec.as_text((
            result.agent, result.period, result.team, result.name, result.role, result.grade, result.score,
            result.rating, result.total,
            tuple((a.amount, a.reason, a.approved_by, a.source) for a in adjustments),
            tuple((r.period, r.approved_run, r.correction_run, r.owed, r.amount, r.waived, str(r.bound))
                  for r in retro),
            total)).encode())
        # A month without flags keeps the digest it had before flags were recorded (the trace holds them anyway).
        for text in kept if result.flags else kept[:5]:  # codec text escapes every control character, so \x1f
            #                                              can only be this separator
            digest.update(b"\x1f")
            digest.update(text.encode())
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
    """Mappings as sorted tuples of pairs, so a digest never depends on insertion order. Only mappings
    are walked: tuples and the values in them are written by repr as they are (a state of a large
    firm holds thousands of decisions; walking each value would cost more than the month)."""
    if isinstance(value, dict):
        return tuple((key, _plain(value[key])) for key in sorted(value))
    if isinstance(value, (tuple, Decimal, str, int, bool)) or value is None:
        return value
    raise TypeError(f"cannot digest {type(value).__name__}")
