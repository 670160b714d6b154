"""Rows of the check table for `flags:` (S1.5): outputs a person acts on, never pay (JX291–JX293)."""

from __future__ import annotations

import pytest

END = "    of: [base, performance]\n"
WEAK = """
flags:
  weak_reply:
    label: {zh: 回复率培训, en: Reply-rate training}
    rule: S1.5
    when: reply_rate_points < 10
"""


def flags(text: str) -> tuple[str, str]:
    """The base policy with a `flags:` section after its pay."""
    return (END, END + text)


FLAG_CASES = [
    pytest.param(
        [flags(WEAK + "    months: 2\n    at_least: 3\n")],
        "JX291", ("at_least: 3", "3"), "flag 'weak_reply' needs its condition in 3 months of a window of 2",
        "make at_least at most months", id="JX291-at-least-more-than-months",
    ),
    pytest.param(
        [flags(WEAK), ("floor: 1500", "floor: 1500 if weak_reply else 1400")],
        "JX292", ("floor: 1500 if weak_reply else 1400", "1500"), "'weak_reply' is a flag: an output a person acts on",
        "read the flag's own condition instead", id="JX292-a-pay-floor-reading-a-flag",
    ),
    pytest.param(
        [flags(WEAK), ("formula: 10 - 5 * absences", "formula: 0 if weak_reply else 10 - 5 * absences")],
        "JX292", ("formula: 0 if weak_reply else 10 - 5 * absences", "0"), "'weak_reply' is a flag",
        "read the flag's own condition instead", id="JX292-a-kpi-formula-reading-a-flag",
    ),
    pytest.param(
        [flags(WEAK.replace("when: reply_rate_points < 10", "when: reply_rate_points < 10 and not slow")
               + "  slow:\n    label: {zh: 响应慢, en: Slow}\n    when: first_response_points < 10 or weak_reply\n")],
        "JX293", ("  weak_reply:", "weak_reply"), "flags read each other in a loop: weak_reply -> slow -> weak_reply",
        "let one of them read the others' conditions instead", id="JX293-flags-reading-each-other",
    ),
]
