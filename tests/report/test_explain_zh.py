"""`explain` in the reader's language: Chinese throughout by default, with units and percentages.

Built on the starter policy (`jixiao init`) and a two-agent export, so every construct shows:
linear, bands and formula KPIs, the S0.5 gate, S0.6 grade pay, S0.3 tiers and the S4.2 minimum.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from harness.cli import Result, run

from engine.model.label import Label
from engine.pipeline import prepare
from engine.policy.starter import TEMPLATES
from engine.report.explain import interval, show
from engine.report.number_text import at_most, fixed, grouped, number, percent

EXPORT = """工号,姓名,月份,等级,销售额,销售目标,询单人数,下单人数,回复率,首次响应时间,缺勤天数
9001,小张,2026-10,A2,"120,000.00",100000,20,9,96.00%,20秒,-
9002,小李,2026-10,新人,30000,100000,10,1,85.00%,1分,1
"""
# 9002's tree, each line without its `[rule · 第 N 行]` suffix (so template edits do not move it).
TREE_9002 = [
    '应发合计 (total) = 2500.00 元',
    '    = base + commission + guarantee',
    '  底薪 (base) = 2000.00 元',
    '      = 按等级查底薪表',
    '    等级 (grade) = A1（入职）',
    '  销售提成 (commission) = 0.00 元',
    '      = 0（本月不发；发放时 = sales × 所达档位的提点（全额按该档计算））',
    '      已取消：原因是“低于60分无提成”（S0.5）',
    '    提成基数 (commission.base) = 30000.00 元',
    '        = sales',
    '      销售额 (sales) = 30000.00 元',
    '    分档依据 (commission.on) = 0.3',
    '        = attainment',
    '      销售额达成率 (attainment) = 0.3',
    '          = sales / sales_target',
    '        销售额 (sales) = 30000.00 元  （见上）',
    '        销售目标 (sales_target) = 100000.00 元',
    '    提点 (commission.rate) = 1.00%',
    '        = 该档的提点',
    '      所在档位 (commission.tier) = 第 1 档 “未达标” (-∞, 1.0) → 提点 1.00%',
    '          = attainment 达到的提成档位',
    '        分档依据 (commission.on) = 0.3  （见上）',
    '    原应发 (commission.earned) = 300.00 元',
    '        = 未取消时应发的金额',
    '    低于60分无提成 (no_commission) = 是',
    '        = 当 score < 60 时，取消销售提成',
    '      总分 (score) = 5.00 分',
    '          = conversion_points + first_response_points + reply_rate_points + attendance_points',
    '        询单转化率 (conversion_points) = 0.00 分',
    '            = 40 × 限定在 [0, 1] 内的 (conversion − 0.2) / (0.6 − 0.2)',
    '          询单转化率 (conversion) = 0.1',
    '              = orders / inquiries',
    '            下单人数 (orders) = 1',
    '            询单人数 (inquiries) = 10',
    '        首次响应时间 (first_response_points) = 0.00 分',
    '            = 25 × 限定在 [0, 1] 内的 (first_response − 60) / (20 − 60)',
    '          首次响应时间 (first_response) = 60 秒',
    '        回复率 (reply_rate_points) = 0.00 分',
    '            = reply_rate 所在档位的分数',
    '          所在档位 (reply_rate_points.band) = 第 1 档 (-∞, 90%) → 0 分',
    '              = reply_rate 所在的档位',
    '            回复率 (reply_rate) = 85.00%',
    '        考勤 (attendance_points) = 5.00 分',
    '            = 10 - 5 * absences，限定在 [0, 10] 内',
    '          公式值 (attendance_points.raw) = 5',
    '              = 10 - 5 * absences',
    '            缺勤天数 (absences) = 1',
    '  保底补足 (guarantee) = 500.00 元',
    '      = 保底 2500 减去（base + commission），不少于 0',
    '    保底线 (guarantee.floor) = 2500.00 元',
    '        = 2500',
    '    计入保底的小计 (guarantee.subtotal) = 2000.00 元',
    '        = base + commission',
    '      底薪 (base) = 2000.00 元  （见上）',
    '      销售提成 (commission) = 0.00 元  （见上）',
]
ENGLISH_WORDS = re.compile(r"\b(true|false|base pay|clamp|band holding|over the team|rate of that tier|tier reached|"
                           r"cancels|if|else|CNY|points|retroactive|marginal|band|line|see above)\b")


def files(tmp_path: Path, policy_text: str | None = None) -> tuple[Path, Path]:
    policy, metrics = tmp_path / "policy.yaml", tmp_path / "export.csv"
    policy.write_text(policy_text or (TEMPLATES / "starter.zh.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    metrics.write_bytes(EXPORT.encode("gb18030"))
    return policy, metrics


def explain(policy: Path, metrics: Path, agent: str, *extra: str) -> Result:
    result = run("explain", "--full", "-p", policy, "-m", metrics, "--agent", agent, *extra)
    assert result.exit_code == 0, result.output
    return result


def test_explain_zh_tree_is_chinese_throughout_with_units(tmp_path):
    """9002 fails S0.5's 60 points, so the gate cancels her commission; S4.2 tops her up to 2500."""
    result = explain(*files(tmp_path), "9002")
    lines = result.stdout.splitlines()
    tree = [re.sub(r"   \[[^\]]*\]$", "", line) for line in lines[3:-2]]
    assert tree == TREE_9002
    assert lines[3] == "应发合计 (total) = 2500.00 元   [第 106 行]"
    assert lines[-1] == ("9002 小李 2026-10 得分 5.00 分（未达标），应发 2500.00 元：底薪 2000.00 元 + "
                         "销售提成 0.00 元 + 保底补足 500.00 元。销售提成因“低于60分无提成”（S0.5）取消。")
    for line in lines[3:]:
        shown = re.sub(r"\([a-z_.]+\)|'[^']*'", "", line)  # step ids and quoted ids are the policy's names
        assert not ENGLISH_WORDS.search(shown), line


def test_explain_en_uses_english_words_units_and_yes_no(tmp_path):
    lines = explain(*files(tmp_path), "9002", "--lang", "en").stdout.splitlines()
    assert "Total pay (total) = 2500.00 CNY   [line 106]" in lines
    assert any(line.endswith("(no_commission) = yes   [S0.5 · line 103]") for line in lines)
    assert "      cancelled by: 低于60分无提成 (S0.5)" in lines
    assert "      = 0 (not paid this month; when paid: sales × rate (retroactive))" in lines
    assert any("(first_response) = 60 s" in line for line in lines)
    assert any("(reply_rate) = 85.00%" in line for line in lines)


def test_explain_json_formulas_follow_the_language(tmp_path):
    policy, metrics = files(tmp_path)
    steps = {s["name"]: s for s in json.loads(explain(policy, metrics, "9001", "--format", "json").stdout)["steps"]}
    assert steps["rating"]["formula"] == "总分 ≥ 90 为“优秀”；总分 ≥ 60 为“达标”；否则为“未达标”"
    assert steps["base"]["formula"] == "按等级查底薪表"
    assert steps["no_commission"]["value"] is False
    english = json.loads(explain(policy, metrics, "9001", "--format", "json", "--lang", "en").stdout)
    assert {s["name"]: s for s in english["steps"]}["rating"]["formula"] == (
        "excellent if score ≥ 90; pass if score ≥ 60; else fail")


def test_marginal_tiers_and_step_bonus_in_chinese(tmp_path):
    """S0.3 tiers paid marginally (each slice at its own rate) and S4.2's step bonus."""
    text = (TEMPLATES / "starter.zh.yaml").read_text(encoding="utf-8")
    text = text.replace("mode: retroactive", "mode: marginal").replace("- {to: 1.0, rate: 0.01",
                                                                      "- {from: 0, to: 1.0, rate: 0.01")
    text = text.replace("  guarantee:\n", "  step_bonus:\n    label: 阶梯奖\n    rule: S4.2\n    kind: step\n"
                                          "    on: attainment\n    from: 1.5\n    every: 0.5\n    first: 50\n"
                                          "    max: 200\n  guarantee:\n")
    lines = explain(*files(tmp_path, text), "9001").stdout.splitlines()
    # 120,000 of sales at attainment 1.2: 100,000 in tier 1 at 1% + 20,000 in tier 2 at 2% = 1400.00
    assert "  销售提成 (commission) = 1400.00 元   [S0.3 · 第 113 行]" in lines
    assert "      = sales 按 attainment 分段，各段按所在档位的提点计算后相加（超额累进）" in lines
    assert "    分段提成 (commission.slices) = (1000.00 元, 400.00 元, 0.00 元)   [S0.3 · 第 121 行]" in lines
    assert "        = 提成基数 × 各档所占比例 × 该档的提点" in lines
    assert "      = attainment ≥ 1.5 时发 50，此后每多 0.5 再加 50，最多 200" in lines


def test_a_gate_without_a_rule_leaves_no_empty_brackets(tmp_path):
    text = (TEMPLATES / "starter.zh.yaml").read_text(encoding="utf-8").replace(
        "      label: 低于60分无提成\n      rule: S0.5\n", "      label: 低于60分无提成\n")
    result = explain(*files(tmp_path, text), "9002")
    assert "      已取消：原因是“低于60分无提成”" in result.stdout.splitlines()
    assert "（）" not in result.stdout and "()" not in result.stdout
    assert result.stdout.splitlines()[-1].endswith("销售提成因“低于60分无提成”取消。")
    english = explain(*files(tmp_path, text), "9002", "--lang", "en").stdout
    assert "()" not in english and english.splitlines()[-1].endswith("销售提成 was cancelled: 低于60分无提成.")


def test_explain_survives_huge_amounts(tmp_path):
    """Amounts past 10²⁷ yuan used to raise InvalidOperation while quantizing to the fen.

    A cell is refused from 10¹⁵ on, but a policy's own arithmetic can still reach such sums.
    """
    text = (TEMPLATES / "starter.zh.yaml").read_text(encoding="utf-8").replace(
        "    base: sales                             # 提成基数", "    base: sales * 100000000000000 * 10000")
    policy, metrics = files(tmp_path, text)
    lines = explain(policy, metrics, "9001").stdout.splitlines()
    # 120,000 × 10¹⁸ at 3% (attainment 1.2 reaches the top tier)
    assert any("(commission.base) = 120000000000000000000000.00 元" in line for line in lines)
    assert any("(commission) = 3600000000000000000000.00 元" in line for line in lines)


# --- the pieces -------------------------------------------------------------------------------


@pytest.mark.parametrize(("low", "high", "closed", "shown"), [
    (None, Decimal("150"), "left", "(-∞, 150)"),
    (Decimal("0.9"), Decimal("0.95"), "left", "[0.9, 0.95)"),
    (Decimal("250"), None, "left", "[250, +∞)"),
    (None, Decimal("150"), "right", "(-∞, 150]"),
    (Decimal("0.9"), Decimal("0.95"), "right", "(0.9, 0.95]"),
    (Decimal("250"), None, "right", "(250, +∞)"),
])
def test_band_intervals_show_which_end_holds_the_bound(low, high, closed, shown):
    assert interval(low, high, closed) == shown


def test_right_closed_band_in_the_tree_text():
    plan, _ = prepare(str(TEMPLATES / "starter.zh.yaml"))
    band = next(s for s in plan.steps if s.name == "reply_rate_points.band")
    from engine.report.explain import band_text

    assert band_text(band, 1, "zh") == "第 2 档 [0.9, 0.95) → 15 分"
    assert band_text(replace(band, closed="right"), 1, "zh") == "第 2 档 (0.9, 0.95] → 15 分"
    assert band_text(band, 3, "en") == "outside every band"


def test_values_by_unit():
    plan, _ = prepare(str(TEMPLATES / "starter.zh.yaml"))
    steps = {s.name: s for s in plan.steps}
    assert show(Decimal("0.45"), steps["reply_rate"], plan, "zh") == "45.00%"
    assert show(Decimal("85.5"), steps["score"], plan, "zh") == "85.5 分"
    assert show(Decimal("45"), steps["first_response"], plan, "zh") == "45 秒"
    assert show(Decimal("45"), steps["first_response"], plan, "en") == "45 s"
    assert show(Decimal("1800"), steps["base"], plan, "zh") == "1800.00 元"
    assert show(Decimal("1800"), steps["base"], plan, "en") == "1800.00 CNY"
    assert show(Decimal("0.123456"), steps["base"], plan, "zh") == "0.1235… 元"
    assert show(True, steps["no_commission"], plan, "zh") == "是"
    assert show(False, steps["no_commission"], plan, "en") == "no"
    assert show("A1", steps["grade"], plan, "zh") == "A1（入职）"
    assert show("fail", steps["rating"], plan, "zh") == "未达标"
    assert show(Decimal("-0.00"), steps["base"], plan, "zh") == "0.00 元"
    assert Label("x", "y").text("en") == "y"


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("0.45"), "45.00%"), (Decimal("0.9860"), "98.60%"), (Decimal("0.001"), "0.10%"),
    (Decimal("0.00125"), "0.125%"), (Decimal(1) / 3, "33.3333%…"), (Decimal("-0.000"), "0.00%"),
])
def test_percent(value, text):
    assert percent(value) == text


def test_number_formatting_is_total_and_never_negative_zero():
    huge = Decimal(10) ** 27
    assert number(Decimal("-0.00")) == "0.00" and number(Decimal("-0")) == "0"
    assert number(Decimal("1E+3")) == "1000" and number(Decimal("-1.50")) == "-1.50"
    assert fixed(huge, 2) == "1" + "0" * 27 + ".00"
    assert fixed(Decimal("-0.001"), 2) == "0.00"
    assert fixed(Decimal("1E+100000"), 2).endswith("0.00")
    assert at_most(Decimal("78495.0000"), 4) == "78495.0000"
    assert at_most(Decimal("0.123456"), 4) == "0.1235…"
    assert grouped(Decimal("1234567.5"), 2) == "1,234,567.50"
    assert grouped(Decimal("-999.999"), 2) == "-1,000.00"
    assert grouped(Decimal(10) ** 5000, 2).count(",") == 1666  # past int()'s 4,300-digit limit
    assert number(Decimal("Infinity")) == "Infinity" and fixed(Decimal("NaN"), 2) == "NaN"
