"""Rows of the check table for `pay_groups:` and clauses over several event kinds (issue 16 items 8
and 9): S4's "monthly bonus" (当月奖金) as a named group, and S4.P24's "over 200 s, or no reply" as
one clause."""

from __future__ import annotations

import pytest

from tests.policy.check_cases_events import PENALTY

# The S4.P24 clause cancelling a group that holds the performance commission.
GROUP = (PENALTY[0], PENALTY[1].replace("""    cancels: [performance]

aggregates:""", """    cancels: [bonuses]

pay_groups:
  bonuses:
    label: {zh: 当月奖金, en: Monthly bonus}
    lines: [performance]

aggregates:"""))
# S4.P24 as one clause: a first response over 200 s, or none at all.
SEVERAL = (PENALTY[0], PENALTY[1].replace("""    kind: first_response
    value_over: 60
    count_over: 3
    per: day
""", """    match:
      - {kind: first_response, value_over: 200}
      - {kind: no_reply}
""").replace("no_reply: {label: 未回复}", "no_reply: {label: 未回复, value: none}"))

GROUP_CASES = [
    pytest.param(
        [GROUP, ("lines: [performance]", "lines: [performence]")],
        "JX247", ("lines: [performence]", "performence"),
        "pay group 'bonuses' lists 'performence', which is neither a pay component nor a pay group",
        "did you mean 'performance'?", id="JX247-S4.P4-misspelled-member",
    ),
    pytest.param(
        [GROUP, ("lines: [performance]", "lines: [performance, guarantee]")],
        "JX247", ("lines: [performance, guarantee]", "guarantee"),
        "pay group 'bonuses' lists 'guarantee', a guaranteed minimum (kind: minimum)",
        "remove it from the group; a clause that withholds the top-up lists 'guarantee' in its cancels:",
        id="JX247-S4.2-a-guarantee-in-a-group",
    ),
    pytest.param(
        [GROUP, ("lines: [performance]", "lines: [performance, performance]")],
        "JX247", ("lines: [performance, performance]", "performance]"),
        "pay group 'bonuses' lists 'performance' twice", "list each line once", id="JX247-a-member-twice",
    ),
    pytest.param(
        [GROUP, ("lines: [performance]", "lines: [performance, bonuses]")],
        "JX248", ("  bonuses:\n    label: {zh: 当月奖金", "bonuses"),
        "pay group 'bonuses' contains itself: bonuses -> bonuses",
        "a group may list other groups, never one that lists it back", id="JX248-a-group-naming-itself",
    ),
    pytest.param(
        [GROUP, ("cancels: [bonuses]", "cancels: [base]"), ("  bonuses:\n    label: {zh: 当月奖金", "  base:\n"
                                                             "    label: {zh: 当月奖金")],
        "JX249", ("  base:\n    label: {zh: 当月奖金", "base"),
        "pay group 'base' has the name of a pay component, so cancels: 'base' would be ambiguous",
        "give the group a name of its own, e.g. 'base_group'", id="JX249-a-group-named-like-a-component",
    ),
    pytest.param(
        [SEVERAL, ("- {kind: no_reply}", "- {kind: no_reply, value_over: 0}")],
        "JX263", ("- {kind: no_reply, value_over: 0}", "no_reply"),
        "penalty 'slow_first_response' compares the value of 'no_reply' events (value_over: 0), but events: "
        "declares that they carry none (value: none)",
        "remove value_over for 'no_reply': every such event counts", id="JX263-S4.P24-no-reply-has-no-seconds",
    ),
    pytest.param(
        [SEVERAL, ("- {kind: no_reply}", "- {kind: first_response}")],
        "JX263", ("- {kind: first_response}", "first_response"),
        "penalty 'slow_first_response' names event kind 'first_response' twice; its events would be counted twice",
        "name each kind once, with its own condition", id="JX263-S4.P24-a-kind-twice",
    ),
    pytest.param(
        [SEVERAL, ("    match:\n", "    value_over: 60\n    match:\n")],
        "JX263", ("value_over: 60\n", "value_over"),
        "penalty 'slow_first_response' writes value_over: beside match:",
        "move value_over into the match: items it belongs to", id="JX263-value-over-beside-match",
    ),
    pytest.param(
        [SEVERAL, ("    match:\n", "    kind: first_response\n    match:\n")],
        "JX263", ("kind: first_response\n    match:", "kind"),
        "penalty 'slow_first_response' writes kind: beside match:, where each kind takes its own condition",
        "move kind into the match: items it belongs to", id="JX263-kind-beside-match",
    ),
    pytest.param(
        [SEVERAL, ("    match:\n      - {kind: first_response, value_over: 200}\n      - {kind: no_reply}\n", "")],
        "JX102", ("    label: {zh: 首次响应超时", "label"),
        "penalties.slow_first_response is missing required key 'kind'", "", id="JX102-a-clause-with-no-kind-nor-match",
    ),
    pytest.param(
        [SEVERAL, ("- {kind: no_reply}", "- {kind: no_replied}")],
        "JX272", ("- {kind: no_replied}", "no_replied"),
        "penalty 'slow_first_response' counts event kind 'no_replied', which events: does not declare",
        "did you mean 'no_reply'?", id="JX272-S4.P24-a-misspelled-kind-in-match",
    ),
]
