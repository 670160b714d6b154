"""What people tripped on when reading jixiao's words (issue 18, "smaller things"): a decision's line
says when it takes effect and names its grade once, "already at the lowest grade" only where it
decided the outcome, approvals and reopen reasons in `runs` and `history`, "1 agent" in English,
and role ids beside their labels where a pay line says whom it applies to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from harness.cli import run

ROOT = Path(__file__).resolve().parents[2]
S4 = ROOT / "examples" / "s4"
S4_POLICY = ROOT / "policies" / "s4_path.yaml"


def test_history_says_when_each_decision_takes_effect_and_its_grade_once(tmp_path):
    from ledger.test_reviews import quarter

    _, db = quarter(tmp_path)
    zh = run("history", "low1", "--db", db).stdout.splitlines()
    assert zh[-1] == ("  2026-12 辞退：A0 → —（2027-01 起生效） · 原因：1/3 个月达标；已是最低等级 → 辞退（S0.7） · "
                      "规则 S0.7")
    # An A0 agent's promotion reads as the months met, never as "already at the lowest grade" (S0.7).
    en = run("history", "low3", "--db", db, "--lang", "en").stdout.splitlines()
    assert en[-1] == ("  2026-12 grade change: A0 → A1 (in effect from 2027-01) · reason: 3/3 months met the "
                      "standard → up one grade to A1 (S0.7) · rule S0.7")
    demoted = run("history", "a1met", "--db", db).stdout.splitlines()[-1]
    assert demoted == "  2026-12 等级调整：A3 → A0（2027-01 起生效） · 原因：1/3 个月达标 → 降为 A0（S0.7） · 规则 S0.7"
    assert demoted.count("A0") == 2  # the change, and the reason's outcome: never "降为 A0 A3→A0"
    stays = run("history", "low2", "--db", db, "--lang", "en").stdout.splitlines()[-1]
    assert stays == ("  2026-12 reviewed, stays: A0 (unchanged from 2027-01) · reason: 2/3 months met the standard "
                     "→ stays A0 (S0.7) · rule S0.7")
    (decision,) = json.loads(run("history", "low2", "--db", db, "--format", "json").stdout)["decisions"]
    assert decision["effective"] == "2027-01"


def test_approvals_and_reopen_reasons_show_in_runs_and_history(tmp_path):
    from ledger.test_reviews import quarter

    _, db = quarter(tmp_path)
    assert run("approve", "--period", "2026-11", "--by", "李总", "--db", db).exit_code == 0
    assert run("reopen", "--period", "2026-11", "--reason", "补录迟到扣款", "--by", "王会计", "--db", db).exit_code == 0
    for command in (("runs",), ("history", "a3met")):
        lines = run(*command, "--db", db).stdout.splitlines()
        at = lines.index("审批与重新开放（UTC）：")
        assert lines[at + 1].startswith("  2026-11 审批（第 2 次运行） · 李总 · ")
        assert lines[at + 2].startswith("  2026-11 重新开放 · 王会计 · ")
        assert lines[at + 2].endswith(" · 原因：补录迟到扣款")
        english = run(*command, "--db", db, "--lang", "en").stdout
        assert "2026-11 reopened by 王会计 at " in english and english.endswith(" · reason: 补录迟到扣款\n")


@pytest.fixture
def one_agent_team(tmp_path) -> Path:
    """The S4 roster with 2005 alone in a team of her own."""
    roster = tmp_path / "roster.csv"
    text = (S4 / "roster.csv").read_text(encoding="utf-8-sig")
    roster.write_text(text.replace("2005,曾凡,客服,二组", "2005,曾凡,客服,三组"), encoding="utf-8-sig")
    return roster


def explain_2005(roster: Path, lang: str) -> list[str]:
    result = run("explain", "--full", "-p", S4_POLICY, "-m", S4 / "metrics.csv", "-r", roster, "--events",
                 S4 / "events-2026-10.csv", "-a", "2005", "--lang", lang)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_a_team_of_one_is_one_agent_in_english(one_agent_team):
    lines = explain_2005(one_agent_team, "en")
    assert any(line.strip().startswith("Team sales task (team_task) = 20000.00 CNY (1 agent) ") for line in lines)
    assert not any("(1 agents)" in line for line in lines)
    assert any("全组销售任务 (team_task) = 20000.00 元（1 人）" in line for line in explain_2005(one_agent_team, "zh"))


def test_applies_to_names_each_role_by_label_and_id(one_agent_team):
    en = explain_2005(one_agent_team, "en")
    assert "        = applies to: Agent (agent), Trainee supervisor (trainee_supervisor), Supervisor (supervisor)" in en
    # the team bonus (S4.4/S4.5, one component since its amount is by role): both leads' roles
    leads = "Trainee supervisor (trainee_supervisor), Supervisor (supervisor)"
    assert f"      not paid to this role (applies to: {leads})" in en
    zh = explain_2005(one_agent_team, "zh")
    assert "        = 适用于：客服（agent）、见习客服主管（trainee_supervisor）、客服主管（supervisor）" in zh
