"""Check rows whose kind of problem or hint no row of the case table shows (a row expects exactly one
code, and several of these come with another): each is rendered whole, in both languages, in
check_cases_rendered.txt (tests/test_diagnostics.py)."""

from __future__ import annotations

from tests.policy.check_cases_deductions import LOSS
from tests.policy.check_cases_events import PENALTY
from tests.policy.check_cases_reviews import ADD, WINDOW, WITH_ROLE

# (id, edits to the base policy), as in the case table.
VARIANTS = [
    ("JX104-min-length", [("name: {zh: 测试店铺, en: Test shop}", 'name: {zh: "", en: Test shop}')]),
    ("JX104-max-length", [("name: {zh: 测试店铺, en: Test shop}", "name: {zh: 测试店铺, en: " + "x" * 201 + "}")]),
    ("JX225-if-else-in-a-condition", [("when: score < 60", "when: 1 if score < 60 else score < 50")]),
    ("JX252-met-that-does-not-parse", [*ADD, ("met: score >= 60", 'met: "score >="')]),
    ("JX254-down-to-a-misspelled-grade", [*ADD, ("then: {down: A0}", "then: {down: A00}")]),
    ("JX256-a-role-review-without-roles", [*WITH_ROLE, ("roles:\n  probation: {label: {zh: 试用期客服, en: Agent on "
                                                        "probation}}\n  agent: {label: {zh: 客服, en: Agent}}\n", "")]),
    ("JX256-an-unknown-role-with-no-close-one", [*WITH_ROLE, ("    role: probation\n", "    role: zzz\n")]),
    ("JX261-a-window-reading-a-misspelled-grade", [WINDOW, ("where: role == 'probation'", "where: grad == 'A0'")]),
    ("JX261-a-sum-with-where", [WINDOW, ("    stat: count\n", "    stat: sum\n    of: score\n")]),
    ("JX261-a-sum-without-of", [WINDOW, ("    stat: count\n    where: role == 'probation'\n", "    stat: sum\n")]),
    ("JX261-a-sum-of-nothing-recorded", [WINDOW, ("    stat: count\n    where: role == 'probation'\n",
                                                  "    stat: sum\n    of: zzz\n")]),
    ("JX264-a-misspelled-entry-grade", [*ADD, ("    met: score >= 60\n", "    met: score >= 60\n    entry: A00\n")]),
    ("JX272-an-unknown-kind-with-no-close-one", [PENALTY, ("    kind: first_response\n", "    kind: zzz\n")]),
    ("JX272-a-kind-and-no-events", [PENALTY, ("  zone: Asia/Shanghai\n  kinds:\n"
                                              "    first_response: {label: {zh: 首次响应, en: First response}, "
                                              "aliases: [首响]}\n    no_reply: {label: 未回复}\n"
                                              "    bad_review: {label: 差评}\n", "  zone: Asia/Shanghai\n")]),
    ("JX273-cancelling-something-unlike-any-component", [PENALTY, ("per: day\n    cancels: [performance]",
                                                          "per: day\n    cancels: [zzz]")]),
    ("JX277-a-cap-with-the-guard-off", [LOSS, ("deductions:\n", "deductions:\n  guard: off\n  cap: 1.5\n")]),
    ("JX281-a-minimum-wage-of-zero", [LOSS, ("  minimum_wage:\n    - {from: 2024-07-01, amount: 2690}\n"
                                             "    - {from: 2025-07-01, amount: 2740}\n", "  minimum_wage: 0\n")]),
    ("JX282-an-agreement-without-recover", [("\naggregates:",
                                             "\ncorrections:\n  agreement: 劳动合同第 8 条\n\naggregates:")]),
]
