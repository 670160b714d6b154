"""A role a partner pays (`roles.<id>.paid_by`): the minimum-wage warning (L.1/L.4) does not judge what
this policy pays it, and says so, with the policy's reason, where the warning would have named the agent.

policies/s2_roster.yaml's partner agent 店铺:外援1 earns 2 % of 25,000.00 = 500.00 of commission here
(S2.3), under Shanghai's 2740 (L.4); the partner firm pays the wage."""

from __future__ import annotations

import pytest
from harness.cli import run
from harness.ledger import record
from harness.paths import KEYS_EVENTS, KEYS_METRICS, KEYS_ROSTER, S2_ROSTER_POLICY

FILES = ("--metrics", KEYS_METRICS, "--roster", KEYS_ROSTER, "--events", KEYS_EVENTS)
NOTES = {
    "zh": "提示：1 人本月应发低于最低工资 2740 元，但岗位“合作方客服”由他人发薪，此处不按最低工资判断（方案 "
          "roles.partner.paid_by：合作方（派遣公司）发放工资并保证最低工资；本店只付销售提成）：店铺:外援1",
    "en": "note: 1 agent is paid under the minimum wage (2740) here, but the role 'Partner agent' is paid by "
          "someone else, so the minimum wage is not judged here (roles.partner.paid_by: the partner firm pays the "
          "wage and guarantees the minimum wage; this shop pays only commission): 店铺:外援1",
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_role_a_partner_pays_is_said_with_its_reason_not_warned_about_L_1(lang):
    result = run("evaluate", "--policy", S2_ROSTER_POLICY, *FILES, "--lang", lang)
    assert result.exit_code == 0, result.output
    assert NOTES[lang] in result.stderr.splitlines()
    assert "warning" not in result.stderr and "警告" not in result.stderr


def test_the_same_role_without_paid_by_is_warned_about_L_1(tmp_path):
    policy = tmp_path / "policy.yaml"
    text = S2_ROSTER_POLICY.read_text(encoding="utf-8")
    start = text.index("    paid_by:")
    end = text.index("\n\nmetrics:")
    policy.write_text(text[:start].rstrip() + text[end:], encoding="utf-8")
    result = run("evaluate", "--policy", policy, *FILES, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert ("warning: 1 agent is paid less than the minimum wage the policy declares in deductions: (2740, "
            "L.1/L.4): 店铺:外援1; check base pay and the guarantee against it") in result.stderr.splitlines()
    assert "paid_by" not in result.stderr


def test_run_says_it_too(tmp_path):
    result = record(tmp_path / "j.db", "2026-10", S2_ROSTER_POLICY, KEYS_METRICS, "--events", KEYS_EVENTS,
                    roster=KEYS_ROSTER)
    assert result.exit_code == 0, result.output
    assert NOTES["en"] in result.stderr.splitlines()
