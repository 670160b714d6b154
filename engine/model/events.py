"""One event of an agent's month (a slow first response, a bad review, a price loss), as read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Event:
    """An event at an instant; `day` is its calendar day in the policy's zone (clauses count by it)."""

    agent: str
    at: datetime  # aware
    day: date
    kind: str
    value: Decimal | None  # seconds, when the kind measures a wait
    amount: Decimal | None  # yuan, when the event cost money (a loss to deduct)
    order: str
    note: str
    source: str  # "file row N", for explain
