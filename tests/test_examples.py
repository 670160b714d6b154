"""The shipped example months: examples/make_examples.py writes exactly the files in examples/,
and the S1.5 ranking month (examples/s1, policies/s1_ranking.yaml) explains what examples/README.md
says (its pay to the fen is tests/scenarios/s1/ranking_month.yaml).

S1 scores: 60 × (conversion − 20 %) / 40 % + 40 × (satisfaction − 80 %) / 20 % (S1.1). 小一 100.00
is 1st, 小二 88.50 2nd, 小三 and 小四 79.00 share 3rd (shared places: nobody is 4th), 小五 74.00 is
5th. The top 30 % of 12 is 3.6, floored to 3 places; both agents tied at the 3rd place are in it.
"""

from __future__ import annotations

import importlib.util
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
                                         "s0/metrics.csv", "s0/metrics.xlsx", "s0/roster.csv", "s1/metrics-2026-11.csv",
                                         "s1/metrics.csv",
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
