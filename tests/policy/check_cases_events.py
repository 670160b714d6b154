"""Rows of the check table for the `events:` section (issue: penalty clauses driven by events):
the zone days are counted in, and one text per event kind."""

from __future__ import annotations

import pytest

EVENTS = ("\naggregates:", """
events:
  zone: Asia/Shanghai
  kinds:
    first_response: {label: {zh: 首次响应, en: First response}, aliases: [首响]}
    no_reply: {label: 未回复}
    bad_review: {label: 差评}

aggregates:""")
# S4.P24: more than 3 first responses over 60 s in one day cancels the performance commission.
PENALTY = ("\naggregates:", EVENTS[1].replace("\naggregates:", """penalties:
  slow_first_response:
    label: {zh: 首次响应超时, en: Slow first response}
    rule: S4.P24
    kind: first_response
    value_over: 60
    count_over: 3
    per: day
    cancels: [performance]

aggregates:"""))
EVENT_CASES = [
    pytest.param(
        [EVENTS, ("zone: Asia/Shanghai", "zone: Asia/Shanghia")],
        "JX270", ("zone: Asia/Shanghia", "Asia/Shanghia"), "zone 'Asia/Shanghia' is not a time zone name",
        "did you mean 'Asia/Shanghai'?", id="JX270-misspelled-zone",
    ),
    pytest.param(
        [EVENTS, ("zone: Asia/Shanghai", "zone: Beijing")],
        "JX270", ("zone: Beijing", "Beijing"), "zone 'Beijing' is not a time zone name",
        "mainland China is Asia/Shanghai", id="JX270-city-instead-of-zone",
    ),
    pytest.param(
        [EVENTS, ("no_reply: {label: 未回复}", "no_reply: {label: 未回复, aliases: [首响]}")],
        "JX271", ("no_reply: {label: 未回复, aliases: [首响]}", "首响"),
        "'首响' names both event kinds 'first_response' and 'no_reply'",
        "give each kind its own label and aliases", id="JX271-one-alias-two-kinds",
    ),
    pytest.param(
        [PENALTY, ("    kind: first_response\n", "    kind: first_reponse\n")],
        "JX272", ("kind: first_reponse", "first_reponse"),
        "penalty 'slow_first_response' counts event kind 'first_reponse', which events: does not declare",
        "did you mean 'first_response'?", id="JX272-S4.P24-misspelled-kind",
    ),
    pytest.param(
        [PENALTY, ("per: day\n    cancels: [performance]", "per: day\n    cancels: [performence]")],
        "JX273", ("cancels: [performence]", "performence"),
        "penalty 'slow_first_response' cancels 'performence', which is not a pay component",
        "did you mean 'performance'?", id="JX273-S4.P24-misspelled-component",
    ),
    pytest.param(
        [PENALTY, ("  slow_first_response:\n", "  sales:\n")],
        "JX212", ("  sales:\n    label: {zh: 首次响应超时", "sales"), "name 'sales' is already declared at line",
        "", id="JX212-penalty-named-like-a-metric",
    ),
]
