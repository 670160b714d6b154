"""Flags (`flags:`, S1.5): what a month's results tell a person to act on, never pay.

A flag is raised for an agent-month when its condition (`when:`, over anything the policy computes:
a KPI's points, a band, a rank, the score, other flags) held in at least `at_least` of the last
`months` months, this one included. The earlier months' answers are the conditions the ledger
recorded for them; without a ledger only this month is known. A flag may suggest an action
(training on a topic, a move to a role, a review): the reports say it beside the flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engine.model.label import Label


class Action(StrEnum):
    """What a flag suggests doing (`action.kind`)."""

    TRAINING = "training"  # targeted training on a topic
    MOVE = "move"  # a move to another role (after-sales, the path to supervisor)
    REVIEW = "review"  # a review by a person (dismissal, pay)


@dataclass(frozen=True, slots=True)
class Suggestion:
    kind: Action
    label: Label  # the topic, the role or the review, in words


@dataclass(frozen=True, slots=True)
class Flag:
    name: str
    label: Label
    rules: tuple[str, ...]
    when: str  # the condition as written
    months: int = 1  # the window, this month included
    at_least: int = 1  # how many of its months the condition must hold in
    action: Suggestion | None = None
