"""Flags (S1.5) through a ledger, on each back-end: recorded per agent-month, read by a flag's window
of months, by `history`, and by reviews (docs/rules.md S1.5).

S1's examples: October (examples/s1/metrics.csv) then November (metrics-2026-11.csv: 小七 converts 45 %
and is no longer trained). Coached in both months, 小八 (35.00 points), 小十 (59.00) and 十一 (17.50) are
still below 60 points: a dismissal review; 十二 was coached twice too, but with 73.00 points is not.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness.cli import results_by_agent, run
from ledger_backends import ledger_in
from test_reviews import POLICY, quarter

from engine.ledger.access import open_ledger

pytestmark = pytest.mark.usefixtures("db")  # every test on each back-end (tests/ledger_backends.py)
ROOT = Path(__file__).resolve().parents[2]
S1 = ROOT / "policies" / "s1_ranking.yaml"
MONTHS = (("2026-10", ROOT / "examples" / "s1" / "metrics.csv"),
          ("2026-11", ROOT / "examples" / "s1" / "metrics-2026-11.csv"))


def record_s1(tmp_path: Path) -> str:
    db = ledger_in(tmp_path)
    for month, metrics in MONTHS:
        result = run("run", "--period", month, "-p", S1, "-m", metrics, "--db", db, "--lang", "en")
        assert result.exit_code == 0, result.output
    return db


def test_november_raises_the_dismissal_review_for_those_coached_twice_and_still_below_60_S1_5(tmp_path):
    db = record_s1(tmp_path)
    november = results_by_agent(run("show", "--period", "2026-11", "--db", db, "--format", "json"))
    assert {agent: r["flags"] for agent, r in november.items() if r["flags"]} == {
        "小一": ["supervisor_path"],
        "小八": ["train_conversion", "coached_twice", "dismissal_review"],
        "小十": ["train_conversion", "after_sales", "coached_twice", "dismissal_review"],
        "十一": ["train_conversion", "train_satisfaction", "coached_twice", "dismissal_review"],
        "十二": ["train_satisfaction", "coached_twice"],
    }
    assert november["小七"]["pay"]["total"] == "3000.00" and november["小十"]["pay"]["total"] == "3000.00"


def test_the_ledger_records_each_flag_with_its_condition_per_agent_month_S1_5(tmp_path):
    db = record_s1(tmp_path)
    with open_ledger(db) as ledger:
        runs = {month: ledger.current_run(month).id for month, _ in MONTHS}
        october = {o.result.agent: o.result.flags for o in ledger.outcomes(runs["2026-10"], trace=False)}
        november = {o.result.agent: o.result.flags for o in ledger.outcomes(runs["2026-11"], trace=False)}
    # October: 小七's condition for coached_twice held (she was trained), but one month of 2 is not enough.
    assert october["小七"] == (("train_conversion", True, True), ("train_satisfaction", False, False),
                              ("supervisor_path", False, False), ("after_sales", False, False),
                              ("coached_twice", True, False), ("dismissal_review", False, False))
    assert dict((n, (h, r)) for n, h, r in november["小七"])["coached_twice"] == (False, False)
    assert dict((n, (h, r)) for n, h, r in november["十一"])["dismissal_review"] == (True, True)


def test_history_shows_the_flags_of_each_month_in_both_languages_S1_5(tmp_path):
    db = record_s1(tmp_path)
    zh = run("history", "十二", "--db", db)
    en = run("history", "十二", "--db", db, "--lang", "en")
    assert zh.exit_code == en.exit_code == 0, zh.output
    assert zh.stdout.splitlines()[1].rstrip().endswith("标记")
    assert zh.stdout.splitlines()[4].endswith("满意度培训（培训：服务态度与满意度）、近3个月2次培训")
    assert en.stdout.splitlines()[3].endswith("Satisfaction training (training: Service attitude and satisfaction)")


FLAGGED = POLICY.replace("score: {total: 100}\n", "score: {total: 100}\nflags:\n  weak:\n"
                         "    label: {zh: 需辅导, en: Needs coaching}\n    rule: S1.5\n    when: score < 80\n")
FLAGGED = FLAGGED.replace("met: score >= 60", "met: score >= 60 and not weak")


def test_a_review_reads_a_recorded_flag_S1_5_S0_7(tmp_path):
    """met: score ≥ 60 and not flagged for coaching: 60 and 75 (flagged) and 90 meet once, so a2met
    of (90, 80, 90) meets 3 of 3 and goes up, while a3met of (60, 75, 90) meets 1 and goes down."""
    agents = {"a3met": ("A1", (60, 75, 90)), "a2met": ("A2", (90, 80, 90))}
    _, db = quarter(tmp_path, agents=agents, text=FLAGGED)
    with open_ledger(db) as ledger:
        found = {d.agent: (d.kind, d.from_value, d.to_value) for d in ledger.decisions()}
    assert found == {"a2met": ("grade_change", "A2", "A3"), "a3met": ("grade_change", "A1", "A0")}
