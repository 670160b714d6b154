"""A dated value as a period's plan used it (`engine.policy.dated` resolves them): what results name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DatedUse:
    """One dated value as in force for a period: where it is, the entry that applies, and its text."""

    path: str  # dotted: pay.commission.rate
    start: str  # YYYY-MM-DD
    end: str  # YYYY-MM-DD or "" (until the next entry, or for good)
    value: str  # the value as JSON text (a number as written)
    file: str
    line: int

    def text(self, lang: str) -> str:
        """`2026-07-01 起 0.012` / `from 2026-07-01: 0.012`."""
        if lang == "zh":
            until = f"至 {self.end} " if self.end else ""
            return f"{self.start} 起 {until}{self.value}"
        until = f" to {self.end}" if self.end else ""
        return f"from {self.start}{until}: {self.value}"
