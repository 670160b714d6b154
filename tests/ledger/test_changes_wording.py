"""What a carried correction says it changed (engine.ledger.changes): decisions compared by what they
decide (S0.7: who, which month, from which grade to which, by which rule and count), never by the words
of their reasons, which a newer jixiao may put differently."""

from __future__ import annotations

from engine.ledger.changes import Standing, month_change
from engine.ledger.store import Decision, DecisionKind

DEMOTED = Decision("1003", "2026-12", DecisionKind.GRADE_CHANGE, "A2", "A1", "降为 A1 A2→A1", rule="S0.7",
                   reason_en="down to A1 A2→A1", months_met=2, months_of=3)


def test_a_decision_worded_anew_is_neither_undone_nor_made() -> None:
    worded = Decision("1003", "2026-12", DecisionKind.GRADE_CHANGE, "A2", "A1", "→ 降为 A1", rule="S0.7",
                      reason_en="down to A1", months_met=2, months_of=3)
    change = month_change("2026-12", Standing.RECORDED, 4, 7, (), (DEMOTED,), (), (worded,))
    assert change.agents == ()


def test_a_decision_to_another_grade_is_undone_and_made() -> None:
    lower = Decision("1003", "2026-12", DecisionKind.GRADE_CHANGE, "A2", "A0", "降为 A0 A2→A0", rule="S0.7",
                     reason_en="down to A0 A2→A0", months_met=3, months_of=3)
    change = month_change("2026-12", Standing.RECORDED, 4, 7, (), (DEMOTED,), (), (lower,))
    (agent,) = change.agents
    assert (agent.agent, agent.undone, agent.made) == ("1003", (DEMOTED,), (lower,))
