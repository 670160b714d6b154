"""The shipped example months: examples/make_examples.py writes exactly the files in examples/,
and the S1.5 ranking month (examples/s1, policies/s1_ranking.yaml) explains what examples/README.md
says (its pay to the fen is tests/scenarios/s1/ranking_month.yaml).

S1 scores: 60 × (conversion − 20 %) / 40 % + 40 × (satisfaction − 80 %) / 20 % (S1.1). 小一 100.00
is 1st, 小二 88.50 2nd, 小三 and 小四 79.00 share 3rd (shared places: nobody is 4th), 小五 74.00 is
5th. The top 30 % of 12 is 3.6, floored to 3 places; both agents tied at the 3rd place are in it.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from harness.cli import run

ROOT = Path(__file__).resolve().parent.parent
S1_ARGS = ["--policy", str(ROOT / "policies" / "s1_ranking.yaml"),
           "--metrics", str(ROOT / "examples" / "s1" / "metrics.csv")]


def test_make_examples_writes_the_shipped_files_byte_for_byte(tmp_path, monkeypatch):
    """Every example file is what the generator writes (s0 unchanged by the s1 and s4 additions)."""
    spec = importlib.util.spec_from_file_location("make_examples", ROOT / "examples" / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    module.main()
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.*"))
    assert [str(p) for p in written] == ["roster/events-2026-10.csv", "roster/metrics.csv", "roster/roster.csv",
                                         "s0/metrics.csv", "s0/metrics.xlsx", "s0/roster.csv", "s1/chitu-2026-10.csv",
                                         "s1/metrics-2026-11.csv", "s1/metrics.csv", "s1/reviews-2026-10.csv",
                                         "s2/metrics.csv", "s4/metrics-2026-11.csv", "s4/metrics.csv",
                                         "s4/roster-2026-11.csv", "s4/roster.csv", "template/metrics.csv"]
    for path in written:
        assert (tmp_path / path).read_bytes() == (ROOT / "examples" / path).read_bytes(), path


def test_S1_5_explain_of_an_agent_tied_at_the_cut_shows_her_place_zh():
    result = run("explain", "--full", *S1_ARGS, "--agent", "小四")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert ("      月度排名·是否进入前列 (monthly_top) = 是（第 3 名（与 小三 并列）/ 12 人；前 30 % = 3 人，"
            "实际 4 人入选（并列））   [S1.5 · 第 51 行]") in lines
    assert "            = 全店按 score 由高到低排名；并列同名次（1、2、2、4）" in lines
    assert "  名次奖 (place_prize) = 100.00 元   [S1.5 · 第 71 行]" in lines
    assert lines[-1] == ("小四 2026-10 得分 79.00 分（合格），应发 3900.00 元：底薪 3000.00 元 + "
                         "前30%月度奖金 800.00 元 + 名次奖 100.00 元。")


# The public template (docs/rules.md T.1–T.9; policies/template_scorecard.yaml, examples/template/).
TEMPLATE_ARGS = ["--policy", str(ROOT / "policies" / "template_scorecard.yaml"),
                 "--metrics", str(ROOT / "examples" / "template" / "metrics.csv")]


def test_T_7_T_8_a_score_of_89_50_is_silver_nothing_rounds_it_up_zh():
    """1003 小银: 85 × 30 % + 100 × 20 % + 100 × 20 % + 80 × 20 % + 80 × 5 % + 80 × 5 % = 89.50 (T.7),
    below 金牌's 90: 银牌 (T.8), 500.00 (T.9)."""
    result = run("explain", *TEMPLATE_ARGS, "--agent", "1003")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "1003 小银 2026-10 得分 89.50 分（银牌客服），应发 500.00 元：等级绩效奖金 500.00 元。" in lines
    assert "  指标完成率（成交销售额） (completion_points) = 25.5 分   [T.1]" in lines
    assert "    所在档位 (completion_points.band) = 第 7 档 [90%, 100%) → 85 分" in lines


def test_T_5_T_6_past_55_seconds_scores_0_and_4_late_arrivals_score_60_en():
    """1009 小灰: 56 s is past T.5's (45, 55] band, read as "> 55 s: 0"; 4 late arrivals or early leaves
    are more than 3, 60 × 5 % = 3 points (T.6), the only points of the month: 3.00, no medal, 0.00."""
    result = run("explain", *TEMPLATE_ARGS, "--agent", "1009", "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "    band reached (response_time_points.band) = band 4 (55, +∞) → 0 points" in lines
    assert "    band reached (attendance_points.band) = band 3 (3, +∞) → 60 points" in lines
    assert "  Attendance (attendance_points) = 3 points   [T.6]" in lines


def test_T_9_the_month_pays_each_medal_its_row():
    """Three 金牌 × 800 + two 银牌 × 500 + two 铜牌 × 300 + three 未定级 × 0 = 4000.00 (T.8, T.9)."""
    result = run("evaluate", *TEMPLATE_ARGS, "--format", "json")
    assert result.exit_code == 0, result.output
    results = json.loads(result.stdout)["results"]
    assert {r["agent"]: (r["score"], r["rating"], r["pay"]["total"]) for r in results} == {
        "1001": ("100.00", "gold", "800.00"), "1002": ("90.00", "gold", "800.00"),
        "1003": ("89.50", "silver", "500.00"), "1004": ("80.00", "silver", "500.00"),
        "1005": ("70.00", "bronze", "300.00"), "1006": ("72.50", "bronze", "300.00"),
        "1007": ("69.50", "unrated", "0.00"), "1008": ("46.00", "unrated", "0.00"),
        "1009": ("3.00", "unrated", "0.00"), "1010": ("91.50", "gold", "800.00")}
