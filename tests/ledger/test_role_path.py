"""The S4 role path (docs/rules.md S4.1, S4.4, S4.5) through `jixiao run` over a quarter, with the
shipped policies/s4_path.yaml and a ledger in tmp_path: each promotion requirement at its boundary
(tenure exactly 3 months from 入职日期, every month of the window excellent), the consecutive-month
dismissal, and the next month evaluated in the new role without editing the roster.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from harness.cli import run
from hypothesis import given
from hypothesis import strategies as st
from ledger_backends import exists, ledger_in

from engine.ledger.access import open_ledger
from engine.ledger.reviews import tenure_months
from engine.ledger.store import CHANGES, DecisionKind
from engine.run.windows import window_value

pytestmark = pytest.mark.usefixtures("db")  # every test on each back-end (tests/ledger_backends.py)
POLICY = Path(__file__).resolve().parents[2] / "policies" / "s4_path.yaml"
MONTHS = ("2026-10", "2026-11", "2026-12")
# agent: (role on the roster, joined, assessments Oct/Nov/Dec; None = no row that month)
PEOPLE = {
    "t_pass": ("trainee", "2026-10-01", ("合格", "优秀", "优秀")),
    "t_fail": ("trainee", "2026-10-01", ("不合格", "不合格", None)),
    "a_exact": ("agent", "2026-10-01", ("优秀", "优秀", "优秀")),      # 3 months at December's end
    "a_day_short": ("agent", "2026-10-02", ("优秀", "优秀", "优秀")),  # 2 months and 30 days
    "a_one_pass": ("agent", "2026-01-01", ("合格", "优秀", "优秀")),
    "a_fail_once": ("agent", "2025-06-01", ("合格", "不合格", "合格")),
    "a_fail_twice": ("agent", "2025-06-01", ("合格", "不合格", "不合格")),
    "s_excellent": ("trainee_supervisor", "2025-01-01", ("优秀", "优秀", "优秀")),
    "s_good": ("trainee_supervisor", "2025-01-01", ("优秀", "优秀", "合格")),
}


def files(tmp_path: Path, month: str, people: dict, index: int) -> tuple[Path, Path]:
    metrics = tmp_path / f"m-{month}.csv"
    rows = ["客服,月份,组别,岗位,销售额,活动销售额,销售任务,考核结果"]
    rows += [f"{a},{month},一组,{role},10000,0,10000,{marks[index]}" for a, (role, _, marks) in people.items()
             if marks[index] is not None]
    metrics.write_bytes(("\n".join(rows) + "\n").encode("gb18030"))
    roster = tmp_path / "roster.csv"
    roster.write_text("客服,入职日期\n" + "".join(f"{a},{joined}\n" for a, (_, joined, _) in people.items()),
                      encoding="utf-8")
    return metrics, roster


def quarter(tmp_path: Path, people: dict = PEOPLE) -> Path:
    db = ledger_in(tmp_path)  # the `db` fixture's ledger: SQLite, then PostgreSQL
    for index, month in enumerate(MONTHS):
        metrics, roster = files(tmp_path, month, people, index)
        result = run("run", "--period", month, "--policy", POLICY, "--metrics", metrics, "--roster", roster,
                     "--db", db, "--lang", "en")
        assert result.exit_code == 0, result.output
    return db


def test_tenure_counts_whole_months_to_the_end_of_the_review_month_S4_4():
    assert tenure_months("2026-10-01", "2026-12") == 3
    assert tenure_months("2026-10-02", "2026-12") == 2
    assert tenure_months("2026-09-30", "2026-12") == 3
    assert tenure_months("2027-01-05", "2026-12") == 0


def test_each_S4_requirement_at_its_boundary(tmp_path):
    db = quarter(tmp_path)
    with open_ledger(db) as ledger:
        found = [(d.period, d.agent, d.kind, d.from_value, d.to_value, d.rule) for d in ledger.decisions()
                 if d.kind in CHANGES]
        reasons = {d.agent: d.reason for d in ledger.decisions() if d.kind in CHANGES}
        english = {d.agent: d.reason_en for d in ledger.decisions() if d.kind in CHANGES}
        kept = {(d.period, d.agent): d.reason for d in ledger.decisions() if d.kind == DecisionKind.REVIEWED}
    # Not promoted: a_day_short (a day short of 3 months), a_one_pass (October only 合格), s_good
    # (December 合格); not dismissed: a_fail_once (one failed month, not two in a row).
    assert found == [
        ("2026-10", "t_pass", "role_change", "trainee", "agent", "S4.1"),
        ("2026-11", "t_fail", "dismissal", "trainee", None, "S4.1"),
        ("2026-12", "a_exact", "role_change", "agent", "trainee_supervisor", "S4.4"),
        ("2026-12", "a_fail_twice", "dismissal", "agent", None, "S4.4"),
        ("2026-12", "s_excellent", "role_change", "trainee_supervisor", "supervisor", "S4.5"),
    ]
    assert reasons["a_exact"] == ("2026-10-01 入职，至本月底满 3 个月（要求 ≥ 3）；最近 3 个月均满足 "
                                  "assessment == 'excellent' → 晋升 客服→见习客服主管（S4.4）")
    assert reasons["t_pass"] == ("本月满足 assessment == 'pass' or assessment == 'excellent' "
                                 "→ 晋升 见习客服→客服（S4.1）")
    assert reasons["a_fail_twice"] == "连续 2 个月满足 assessment == 'fail' → 辞退（S4.4）"
    assert english["a_exact"] == ("joined 2026-10-01: 3 whole months by the end of this month (≥ 3 required); each "
                                  "of the last 3 months met assessment == 'excellent' → promoted Agent→Trainee "
                                  "supervisor (S4.4)")
    assert english["a_fail_twice"] == "2 months in a row met assessment == 'fail' → dismissed (S4.4)"
    # A month's own review (S4.1: window of 1) says "this month", never "each of the last 1 months".
    assert english["t_pass"] == ("this month met assessment == 'pass' or assessment == 'excellent' → promoted "
                                 "Trainee agent→Agent (S4.1)")
    # Those not promoted are recorded as reviewed, with what they lacked.
    assert kept["2026-12", "a_day_short"].startswith("2026-10-02 入职，至本月底满 2 个月（要求 ≥ 3） → 未晋升，"
                                                      "保持客服")
    assert kept["2026-12", "a_one_pass"].startswith("最近 3 个月中 2 个月满足 assessment == 'excellent'（要求每个月）")


def test_the_promoted_trainee_is_paid_as_an_agent_from_november_S4_1_S4_2(tmp_path):
    """The roster and the export still say 见习; the ledger's October decision wins from November."""
    db = quarter(tmp_path)
    with open_ledger(db) as ledger:
        (november,) = ledger.runs("2026-11")
        (t_pass,) = ledger.outcomes(november.id, "t_pass")
    assert t_pass.result.role == "agent"
    assert dict(t_pass.result.pay)["base"] == 1200  # S4.2 base, not the trainee's 1000


def test_a_tenure_requirement_without_a_join_date_is_an_error_naming_the_agent(db, tmp_path):
    people = {"a_undated": ("agent", "", ("优秀", "优秀", "优秀"))}
    metrics, roster = files(tmp_path, "2026-10", people, 0)
    result = run("run", "--period", "2026-10", "--policy", POLICY, "--metrics", metrics, "--roster", roster,
                 "--db", db, "--lang", "en")
    assert result.exit_code != 0
    assert "needs each agent's join date for its tenure requirement, but none is given for: a_undated" in result.output
    assert not exists(db)


def test_the_quarterly_excellence_bonus_reads_the_quarter_from_the_ledger_S4_4_S4_5(tmp_path):
    """1000 in December to the trainee supervisor excellent in October, November and December; not
    to the one 合格 in December; nobody in October or November (the quarter is not complete)."""
    db = quarter(tmp_path)
    with open_ledger(db) as ledger:
        paid = {(info.period, o.result.agent): dict(o.result.pay)["quarterly_excellence"]
                for info in ledger.runs() for o in ledger.outcomes(info.id, trace=False)
                if o.result.agent in ("s_excellent", "s_good")}
    assert paid == {("2026-10", "s_excellent"): 0, ("2026-11", "s_excellent"): 0, ("2026-12", "s_excellent"): 1000,
                    ("2026-10", "s_good"): 0, ("2026-11", "s_good"): 0, ("2026-12", "s_good"): 0}


def test_window_values_count_and_consecutive():
    assert window_value("count", (True, None), True) == Decimal(2)
    assert window_value("count", (), False) == Decimal(0)
    assert window_value("consecutive", (True, False, True, True), True) == Decimal(3)
    assert window_value("consecutive", (True, True), False) == Decimal(0)
    assert window_value("consecutive", (None, True), True) == Decimal(2)


@given(st.lists(st.sampled_from([True, False, None]), max_size=11), st.booleans())
def test_a_run_of_months_never_exceeds_the_count(earlier, now):
    """consecutive ≤ count ≤ months in the window; both 0 exactly when nothing (or not this month) met."""
    count, run = window_value("count", tuple(earlier), now), window_value("consecutive", tuple(earlier), now)
    assert Decimal(0) <= run <= count <= len(earlier) + 1
    assert (run == 0) == (not now)
