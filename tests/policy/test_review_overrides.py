"""S0.7's "one more chance" written as the shop writes it: `at_lowest` names only the outcome it changes
for an agent at the lowest grade; every other count is decided by `outcomes` (issue 16 item 12)."""

from __future__ import annotations

from harness.plans import compile_text

from engine.model.reviews import Then
from engine.policy.check import check
from engine.policy.load import load_text
from tests.policy.check_base import mutate
from tests.policy.check_cases_reviews import ADD, REVIEW


def codes(*edits: tuple[str, str]) -> list[str]:
    return [d.code for d in check(load_text(mutate(*edits).encode(), "p.yaml"))]


def test_at_lowest_names_only_the_outcome_it_changes_S0_7(tmp_path):
    lowest = ("      - {months_met: 0, then: dismiss}\n",
              "      - {months_met: 0, then: dismiss}\n    at_lowest:\n      - {months_met: 1, then: dismiss}\n")
    text = mutate(*ADD, lowest)
    assert [d.code for d in check(load_text(text.encode(), "p.yaml"))] == []
    (review,) = compile_text(tmp_path, text).reviews
    assert review.outcomes == (Then("dismiss"), Then("down", "A0"), Then("stay"), Then("up"))
    assert review.at_lowest == (Then("dismiss"), Then("dismiss"), Then("stay"), Then("up"))


def test_at_lowest_still_refuses_a_count_twice_or_above_the_window_JX251():
    twice = ("      - {months_met: 0, then: dismiss}\n", "      - {months_met: 0, then: dismiss}\n    at_lowest:\n"
             "      - {months_met: 1, then: dismiss}\n      - {months_met: 1, then: stay}\n")
    above = ("      - {months_met: 0, then: dismiss}\n", "      - {months_met: 0, then: dismiss}\n    at_lowest:\n"
             "      - {months_met: 4, then: dismiss}\n")
    assert codes(*ADD, twice) == ["JX251"]
    assert codes(*ADD, above) == ["JX251"]
    assert REVIEW in mutate(*ADD)
