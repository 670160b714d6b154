"""Roles as a shop has them (issue 16): a role outside the promotion path needs no review reaching it
(JX258 stays quiet, S4), and a role a partner pays carries its reason into the plan (L.1/L.4's
minimum-wage warning then says it instead of warning)."""

from __future__ import annotations

from harness.plans import compile_text

from engine.model.label import Label
from engine.policy.check import check
from engine.policy.load import load_text
from tests.policy.check_base import mutate
from tests.policy.check_cases_reviews import WITH_ROLE


def codes(*edits: tuple[str, str]) -> list[str]:
    return [d.code for d in check(load_text(mutate(*edits).encode(), "p.yaml"))]


LEAD = ("  agent: {label: {zh: 客服, en: Agent}}\n",
        "  agent: {label: {zh: 客服, en: Agent}}\n  lead: {label: {zh: 客服组长, en: Team lead}, outside_path: true}\n")


def test_a_role_outside_the_path_needs_no_promotion_to_it_JX258_S4():
    assert codes(*WITH_ROLE, LEAD) == []
    unmarked = (LEAD[0], LEAD[1].replace(", outside_path: true", ""))
    assert codes(*WITH_ROLE, unmarked) == ["JX258"]


def test_a_role_paid_by_a_partner_keeps_its_reason_in_the_plan(tmp_path):
    partner = (LEAD[0], LEAD[0] + "  partner:\n    label: 合作方客服\n    outside_path: true\n"
                                  "    paid_by: {zh: 合作方发薪, en: the partner pays}\n")
    text = mutate(*WITH_ROLE, partner)
    assert [d.code for d in check(load_text(text.encode(), "p.yaml"))] == []
    plan = compile_text(tmp_path, text)
    assert plan.paid_by == {"partner": Label("合作方发薪", "the partner pays")}
