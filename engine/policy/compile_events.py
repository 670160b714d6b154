"""The policy's `events:` section compiled: the kinds an events file may name, and its clock.

A clause counts events "in one day"; which day an event falls on depends on the zone, so the
zone is part of the policy, never the machine's local time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from engine.policy import names as n
from engine.policy.builder import choices_of
from engine.policy.steps import Label


@dataclass(frozen=True, slots=True)
class EventVocabulary:
    """What `--events` files are read against: zone, the rule for events outside the month, kinds."""

    zone: str
    outside: str  # "refuse" | "ignore"
    kinds: Mapping[str, tuple[Label, tuple[str, ...]]] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)


def compile_events(data: Mapping) -> EventVocabulary | None:
    """The vocabulary of a checked policy, or None when it declares no `events:`."""
    if "events" not in data:
        return None
    spec = n.mapping(data["events"])
    return EventVocabulary(str(spec["zone"]), str(spec.get("outside", "refuse")), choices_of(spec["kinds"]))
