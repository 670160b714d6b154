"""`jixiao init`: a commented starter policy that validates clean and evaluates a small export.

The export below has two agents; the pay of each is worked out by hand from the starter's rules
(S2.2 conversion, S1.4 first response, S0.3 commission tiers, S0.5 gate, S0.6 grade pay, S4.2
guaranteed minimum).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from harness.cli import run

from engine.policy.starter import TEMPLATES

ROOT = Path(__file__).resolve().parent.parent
EXPORT = """工号,姓名,月份,等级,销售额,销售目标,询单人数,下单人数,回复率,首次响应时间,缺勤天数
9001,小张,2026-10,A2,"120,000.00",100000,20,9,96.00%,20秒,-
9002,小李,2026-10,新人,30000,100000,10,1,85.00%,1分,1
"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_init_then_validate_then_evaluate(tmp_path, lang):
    policy = tmp_path / "policy.yaml"
    created = run("init", policy, "--lang", lang)
    assert created.exit_code == 0, created.output
    assert created.stdout == ""
    assert policy.read_bytes() == (TEMPLATES / f"starter.{lang}.yaml").read_bytes()

    checked = run("validate", policy, "--lang", lang)
    assert checked.exit_code == 0, checked.output
    assert checked.stdout == ""  # no error, no warning

    metrics = tmp_path / "export.csv"
    metrics.write_bytes(EXPORT.encode("gb18030"))
    result = run("evaluate", "--policy", policy, "--metrics", metrics, "--format", "json")
    assert result.exit_code == 0, result.output
    agents = {r["agent"]: r for r in json.loads(result.stdout)["results"]}
    # 9001: conversion 9/20 = 0.45 -> 40 × 0.25/0.4 = 25.00; 20 s -> 25.00; 96% in [0.95, ∞) -> 25;
    # no absence -> 10.00; score 85.00 (pass). S0.3: attainment 1.2 opens tier 3, 3% × 120,000 = 3600.00;
    # S0.6 A2 base 2500; S4.2: 6100 is above the 2500 floor, so no top-up.
    assert agents["9001"] == {
        "agent": "9001", "period": "2026-10", "score": "85.00", "rating": "pass",
        "kpis": {"conversion": "25.00", "first_response": "25.00", "reply_rate": "25.00", "attendance": "10.00"},
        "pay": {"total": "6100.00", "components": {"base": "2500.00", "commission": "3600.00", "guarantee": "0.00"}},
    }
    # 9002 (新人 is A1's alias): 0.1 -> 0; 60 s -> 0; 85% -> 0; 10 − 5 = 5.00: score 5.00 (fail), so the
    # S0.5 gate cancels the 300.00 commission; A1 base 2000; S4.2 tops up 2500 − 2000 = 500.00.
    assert agents["9002"]["score"] == "5.00" and agents["9002"]["rating"] == "fail"
    assert agents["9002"]["pay"] == {"total": "2500.00",
                                     "components": {"base": "2000.00", "commission": "0.00", "guarantee": "500.00"}}


def test_starter_comments_and_labels_are_in_the_chosen_language():
    zh = (TEMPLATES / "starter.zh.yaml").read_text(encoding="utf-8")
    en = (TEMPLATES / "starter.en.yaml").read_text(encoding="utf-8")
    assert "label: 询单转化率" in zh and "# 直线给分" in zh
    assert "label: Inquiry conversion" in en and "# a straight line" in en
    for text in (zh, en):
        for construct in ("aliases:", "missing: 0", "linear:", "bands:", "ratings:", "gates:", "kind: table",
                          "kind: commission", "tiers:", "kind: minimum", "docs/rules.md", "S0.3", "S0.5"):
            assert construct in text, construct


def test_init_refuses_to_overwrite_unless_forced(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text("mine\n", encoding="utf-8")
    refused = run("init", policy)
    assert refused.exit_code == 1
    assert refused.stderr == f"{policy}：文件已存在；如要覆盖，请加 --force\n"
    assert policy.read_text(encoding="utf-8") == "mine\n"
    assert run("init", policy, "--lang", "en").stderr == f"{policy}: file exists; use --force to overwrite it\n"

    os.chmod(policy, 0o600)
    forced = run("init", policy, "--force")
    assert forced.exit_code == 0
    assert forced.stderr == f"已写入初始方案 {policy}；修改后用 jixiao validate {policy} 检查\n"
    assert policy.read_bytes() == (TEMPLATES / "starter.zh.yaml").read_bytes()
    assert policy.stat().st_mode & 0o777 == 0o600  # an overwritten file keeps its permissions
    assert sorted(p.name for p in tmp_path.iterdir()) == ["policy.yaml"]


def test_init_into_a_missing_folder_is_one_line_and_exit_1(tmp_path):
    target = tmp_path / "nowhere" / "policy.yaml"
    result = run("init", target)
    assert result.exit_code == 1
    assert result.stderr == f"{target}：无法写入：文件夹 {target.parent} 不存在\n"
    assert not target.parent.exists()
