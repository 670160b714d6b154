"""`jixiao show --agent` and `jixiao history` find an agent by a roster column the policy carries
(`roster.carry`, X.1: the 工号 beside the shop's 客服昵称 key), as `explain` does: said on stderr,
several matches refused, nobody listed."""

from __future__ import annotations

import pytest
from harness.cli import run
from harness.ledger import record
from harness.paths import KEYS_EVENTS, KEYS_METRICS, KEYS_ROSTER, S2_ROSTER_POLICY


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "j.db"
    assert record(path, "2026-10", S2_ROSTER_POLICY, KEYS_METRICS, "--events", KEYS_EVENTS,
                  roster=KEYS_ROSTER).exit_code == 0
    return path


def test_show_finds_the_agent_by_the_hr_number_the_policy_carries_X_1(db):
    shown = run("show", "--period", "2026-10", "--db", db, "--agent", "hr0102", "--lang", "en")
    assert shown.exit_code == 0, shown.output
    assert "note: --agent hr0102 → 店铺:阿香 李香" in shown.stderr.splitlines()
    assert shown.stdout.startswith("agent 店铺:阿香 李香 · 工号 HR0102")
    by_key = run("show", "--period", "2026-10", "--db", db, "--agent", "店铺:阿香", "--lang", "en")
    assert by_key.stdout == shown.stdout and by_key.stderr == ""


def test_history_finds_the_agent_by_the_hr_number_the_policy_carries_X_1(db):
    found = run("history", "HR0102", "--db", db, "--lang", "en")
    assert found.exit_code == 0, found.output
    assert "note: HR0102 → 店铺:阿香 李香" in found.stderr.splitlines()
    assert found.stdout == run("history", "店铺:阿香", "--db", db, "--lang", "en").stdout
    assert "3490.00" in found.stdout


def test_an_hr_number_nobody_has_is_still_refused(db):
    missing = run("show", "--period", "2026-10", "--db", db, "--agent", "HR9999", "--lang", "en")
    assert missing.exit_code != 0 and missing.stdout == ""
    assert "agent 'HR9999' is not in the record of 2026-10" in missing.output
