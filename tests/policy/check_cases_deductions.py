"""Rows of the check table for deductions within the law (L.1, L.2, L.4): a clause that deducts
needs the minimum wage, fines are warned about wherever they hide, the guard is off only visibly."""

from __future__ import annotations

import pytest

from tests.policy.check_cases_events import EVENTS

# S4.P19: an unauthorised price change; the agent bears the loss, within Art. 16 (L.1).
LOSS = ("\naggregates:", EVENTS[1].replace("\naggregates:", """    price_loss: {label: 改价损失}
penalties:
  price_change:
    label: {zh: 擅自改价, en: Unauthorised price change}
    rule: S4.P19
    kind: price_loss
    per: event
    deducts: loss

deductions:
  minimum_wage:
    - {from: 2024-07-01, amount: 2690}
    - {from: 2025-07-01, amount: 2740}

aggregates:"""))
BASE_PAY = "    values: {A0: 1800, A1: 2000}\n"

DEDUCTION_CASES = [
    pytest.param(
        [LOSS, ("deductions:\n  minimum_wage:\n    - {from: 2024-07-01, amount: 2690}\n"
                "    - {from: 2025-07-01, amount: 2740}\n", "")],
        "JX274", ("deducts: loss", "deducts"), "penalty 'price_change' deducts from pay, but the policy declares no "
        "deductions: section", "add deductions: {minimum_wage:", id="JX274-L.1-no-minimum-wage-declared",
    ),
    pytest.param(
        [LOSS, ("    deducts: loss\n", "    deducts: {amount: 50}\n")],
        "JX275", ("deducts: {amount: 50}", "deducts"), "penalty 'price_change' deducts a fixed 50 yuan, not a loss",
        "deducts: loss", id="JX275-L.2-fixed-deduction-per-breach",
    ),
    pytest.param(
        [(BASE_PAY, BASE_PAY + "  late_fine:\n    label: 迟到罚款\n    kind: fixed\n    amount: -50\n")],
        "JX275", ("  late_fine:", "late_fine"), "pay component 'late_fine' is named like a fine ('罚款')",
        "deducts: loss", id="JX275-L.2-fine-named-as-such",
    ),
    pytest.param(
        [(BASE_PAY, BASE_PAY + "  donation:\n    label: 扣减\n    kind: formula\n    formula: 0 - 12.5\n")],
        "JX275", ("  donation:", "donation"), "pay component 'donation' subtracts a fixed sum",
        "deducts: loss", id="JX275-L.2-negative-constant-formula",
    ),
    pytest.param(
        [LOSS, ("deductions:\n", "deductions:\n  guard: off\n")],
        "JX276", ("guard: off", "off"), "the legal guard on deductions is off",
        "remove guard: off", id="JX276-L.1-guard-off",
    ),
    pytest.param(
        [LOSS, ("deductions:\n", "deductions:\n  cap: 0.3\n")],
        "JX277", ("cap: 0.3", "0.3"), "cap 0.3 is outside (0, 0.2]: the law allows at most 20 %",
        "write 0.2 for 20 %", id="JX277-L.1-cap-over-20-percent",
    ),
    pytest.param(
        [LOSS, ("    per: event\n", "    per: event\n    count_over: 2\n")],
        "JX278", ("count_over: 2", "2"), "penalty 'price_change' counts each event on its own (per: event)",
        "remove count_over", id="JX278-S4.P25-threshold-per-event",
    ),
    pytest.param(
        [LOSS, ("    deducts: loss\n", "    deducts: loss\n    charges: 运营部\n")],
        "JX279", ("charges: 运营部", "运营部"), "both deducts the loss from the agent and charges it to someone else",
        "not both", id="JX279-S4.P16-deducted-and-charged",
    ),
    pytest.param(
        [LOSS, ("    deducts: loss\n", "    warns: warning\n")],
        "JX280", ("deductions:\n  minimum_wage:", "deductions"),
        "deductions: is declared but no penalty clause deducts",
        "add deducts: loss", id="JX280-deductions-unused",
    ),
    pytest.param(
        [LOSS, ("{from: 2025-07-01, amount: 2740}", "{from: 2025-02-30, amount: 2740}")],
        "JX281", ("{from: 2025-02-30", "2025-02-30"), "'2025-02-30' is not a date of the calendar",
        "YYYY-MM-DD", id="JX281-L.4-no-such-date",
    ),
    pytest.param(
        [LOSS, ("{from: 2025-07-01, amount: 2740}", "{from: 2024-07-01, amount: 2740}")],
        "JX281", ("{from: 2024-07-01, amount: 2740}", "2024-07-01"), "two minimum wages from 2024-07-01",
        "one amount per date", id="JX281-L.4-same-date-twice",
    ),
    pytest.param(
        [LOSS, ("{from: 2025-07-01, amount: 2740}", "{from: 2025-07-01, amount: 0}")],
        "JX281", ("amount: 0}", "0}"), "minimum wage 0 is not a positive amount",
        "Shanghai: 2740", id="JX281-L.4-zero-minimum",
    ),
    pytest.param(
        [LOSS, ("deductions:\n", "corrections:\n  overpayment: recover\n\ndeductions:\n")],
        "JX282", ("overpayment: recover", "overpayment"), "overpayment: recover needs agreement:",
        "agreement: {zh: 劳动合同第 8 条", id="JX282-L.5-recovery-without-agreement",
    ),
    pytest.param(
        [("\naggregates:", "\ncorrections:\n  overpayment: recover\n  agreement: 劳动合同第 8 条\n\naggregates:")],
        "JX282", ("overpayment: recover", "overpayment"), "overpayment: recover deducts from pay, but the policy "
        "declares no deductions: section", "record the amount as owed", id="JX282-L.5-recovery-without-minimum-wage",
    ),
]
