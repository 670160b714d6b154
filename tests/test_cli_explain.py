"""`jixiao explain` end to end on the example shop (examples/s0, policies/s0_shop.yaml): the gated
agent in Chinese and English, a tier-3 agent, the JSON trace, and an unknown agent."""

from __future__ import annotations

import hashlib
import json

import pytest
from test_cli import METRICS_CSV, S0_POLICY, explain


def test_explain_text_zh_for_the_gated_agent():
    result = explain("2001")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "客服 2001 孙丽 · 月份 2026-10 · 组 二组"
    assert hashlib.sha256(S0_POLICY.read_bytes()).hexdigest() in lines[1]
    assert "      已取消：原因是“评分低于60分无绩效奖励”（S0.5）" in lines
    # 0.5233 × 150,000 = 78,495 exactly: shown to the fen, without the "…" that marks cut digits
    assert "    提成基数 (performance.base) = 78495.00 元   [第 202 行]" in lines
    assert lines[-1] == ("2001 孙丽 2026-10 得分 52.33 分（未达标），应发 1800.00 元：基本工资 1800.00 元 + "
                         "绩效提成 0.00 元。绩效提成因“评分低于60分无绩效奖励”（S0.5）取消。")


def test_explain_text_en_for_the_gated_agent():
    result = explain("2001", "--lang", "en")
    assert result.exit_code == 0, result.output
    summary = result.stdout.splitlines()[-1]
    assert summary.startswith("2001 孙丽 scored 52.33 (Below standard) in 2026-10 and is paid 1800.00 CNY")
    assert "Performance commission was cancelled: Below 60 points earns no performance pay (S0.5)." in summary


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_explain_text_for_a_tier_3_agent_shows_the_tier_and_no_cancellation(lang):
    result = explain("1001", "--lang", lang)
    assert result.exit_code == 0, result.output
    summary = result.stdout.splitlines()[-1]
    assert "3579.02" in summary and "579.02" in summary
    assert "S0.5" not in summary
    tier = "3档 完成120%" if lang == "zh" else "Tier 3: 120% of target"
    assert tier in result.stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_explain_json_for_the_gated_agent(lang):
    result = explain("2001", "--format", "json", "--lang", lang)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["agent"] == "2001" and document["period"] == "2026-10"
    assert document["policy"]["sha256"] == hashlib.sha256(S0_POLICY.read_bytes()).hexdigest()
    steps = {s["name"]: s for s in document["steps"]}
    assert steps["no_performance_pay"]["value"] is True
    assert steps["no_performance_pay"]["rule"] == ["S0.5"]
    assert steps["performance"]["value"] == "0.00"
    assert steps["total"]["value"] == "1800.00"
    assert "1800.00" in document["summary"] and "(S0.5)" in document["summary"].replace("（", "(").replace("）", ")")
    text = explain("2001", "--lang", lang).stdout
    assert text.splitlines()[-1] == document["summary"]


def test_explain_unknown_agent_is_a_usage_error():
    result = explain("9999")
    assert result.exit_code == 2
    assert f"{METRICS_CSV} 中没有客服 '9999'；已有的客服：1001" in result.output
    result = explain("9999", "--lang", "en")
    assert result.exit_code == 2
    assert "agent '9999' is not in" in result.output
    assert "1001" in result.output


