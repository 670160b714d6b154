"""S0.7 quarterly grade reviews through `jixiao run` with a real ledger in tmp_path (docs/rules.md).

A small shop whose one KPI is the month's points as given, so each agent's months met (score ≥ 60)
are set by the data: 3, 2, 1 and 0 of 3 met; an A4 agent capped; A0 agents at their last chance;
a joiner in November (partial: months_worked) and one in December under `partial: skip`. Each
quarter's close (2026-12) records decisions with the run; January pays the new grades without
anyone editing the roster.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from harness.cli import run
from ledger_backends import ledger_in

from engine.ledger.access import open_ledger

pytestmark = pytest.mark.usefixtures("db")  # every test on each back-end (tests/ledger_backends.py)
POLICY = """\
jixiao: 1
policy:
  id: review-test
  version: "1"
  name: {zh: 季度评定测试, en: Review test}
  effective_from: 2026-10-01
grades:
  A0: {label: A0}
  A1: {label: A1}
  A2: {label: A2}
  A3: {label: A3}
  A4: {label: A4}
metrics:
  points: {label: {zh: 得分, en: Points}, type: count}
kpis:
  result: {label: {zh: 结果, en: Result}, weight: 100, formula: points}
score: {total: 100}
pay:
  base:
    label: {zh: 基本工资, en: Base pay}
    rule: S0.6
    kind: table
    key: grade
    values: {A0: 1800, A1: 2000, A2: 2500, A3: 3000, A4: 3500}
reviews:
  quarterly_grade:
    label: {zh: 季度等级评定, en: Quarterly grade review}
    rule: S0.7
    kind: grade
    every: quarter
    met: score >= 60
    outcomes:
      - {months_met: 3, then: up}
      - {months_met: 2, then: stay}
      - {months_met: 1, then: {down: A0}}
      - {months_met: 0, then: dismiss}
    at_lowest:
      - {months_met: 3, then: up}
      - {months_met: 2, then: stay}
      - {months_met: [0, 1], then: dismiss}
    partial: PARTIAL
"""

# agent: (grade on the roster, points in Oct, Nov, Dec; None = not working that month)
AGENTS = {
    "a3met": ("A1", (60, 75, 90)),   # exactly 60 counts as met (S0.5)
    "a2met": ("A2", (90, 59, 80)),
    "a1met": ("A3", (10, 20, 60)),
    "a0met": ("A2", (10, 59, 0)),
    "top": ("A4", (90, 90, 90)),
    "low3": ("A0", (70, 70, 70)),
    "low2": ("A0", (70, 30, 70)),
    "low1": ("A0", (70, 30, 30)),
    "joiner": ("A1", (None, 80, 80)),
    "joiner_miss": ("A1", (None, 80, 40)),
}
MONTHS = ("2026-10", "2026-11", "2026-12")


def write_month(tmp_path: Path, month: str, rows: dict[str, tuple[str, int | None]]) -> Path:
    path = tmp_path / f"m-{month}.csv"
    lines = ["客服,月份,等级,得分"] + [f"{a},{month},{g},{p}" for a, (g, p) in rows.items() if p is not None]
    path.write_bytes(("\n".join(lines) + "\n").encode("gb18030"))
    return path


def quarter(tmp_path: Path, partial: str = "months_worked", agents: dict = AGENTS,
            text: str = POLICY) -> tuple[Path, Path]:
    tmp_path.mkdir(exist_ok=True)
    policy = tmp_path / "policy.yaml"
    policy.write_text(text.replace("PARTIAL", partial), encoding="utf-8")
    db = ledger_in(tmp_path)  # the `db` fixture's ledger: SQLite, then PostgreSQL
    for index, month in enumerate(MONTHS):
        rows = {a: (g, points[index]) for a, (g, points) in agents.items()}
        result = run("run", "--period", month, "--policy", policy, "--metrics", write_month(tmp_path, month, rows),
                     "--db", db, "--lang", "en")
        assert result.exit_code == 0, result.output
    return policy, db


def decided(db: Path) -> dict[str, tuple[str, str | None, str | None, str, str]]:
    with open_ledger(db) as ledger:
        return {d.agent: (d.kind, d.from_value, d.to_value, d.reason, d.rule) for d in ledger.decisions()}


def test_each_S0_7_outcome_is_recorded_with_the_december_run(tmp_path):
    _, db = quarter(tmp_path)
    assert decided(db) == {
        "a3met": ("grade_change", "A1", "A2", "3/3 个月达标 → 升一级为 A2（S0.7）", "S0.7"),
        "a1met": ("grade_change", "A3", "A0", "1/3 个月达标 → 降为 A0（S0.7）", "S0.7"),
        "a0met": ("dismissal", "A2", None, "0/3 个月达标 → 辞退（S0.7）", "S0.7"),
        "low3": ("grade_change", "A0", "A1", "3/3 个月达标 → 升一级为 A1（S0.7）", "S0.7"),
        "low1": ("dismissal", "A0", None, "1/3 个月达标；已是最低等级 → 辞退（S0.7）", "S0.7"),
        "joiner": ("grade_change", "A1", "A2",
                   "在岗 2 个月中 2 个月达标（未在岗的月份不计为未达标，按 3/3 计） → 升一级为 A2（S0.7）", "S0.7"),
        # A review that changes nothing is recorded too, so history tells "reviewed, stays" from "not reviewed".
        "a2met": ("reviewed", "A2", "A2", "2/3 个月达标 → 保持 A2（S0.7）", "S0.7"),
        "low2": ("reviewed", "A0", "A0", "2/3 个月达标 → 保持 A0（S0.7）", "S0.7"),
        "top": ("reviewed", "A4", "A4", "3/3 个月达标 → 已是最高等级，保持 A4（S0.7）", "S0.7"),
        "joiner_miss": ("reviewed", "A1", "A1",
                        "在岗 2 个月中 1 个月达标（未在岗的月份不计为未达标，按 2/3 计） → 保持 A1（S0.7）", "S0.7"),
    }
    with open_ledger(db) as ledger:
        (december,) = ledger.runs("2026-12")
        assert {d.run_id for d in ledger.decisions()} == {december.id}  # one transaction with the run
        assert {d.period for d in ledger.decisions()} == {"2026-12"}
        counts = {d.agent: (d.months_met, d.months_of) for d in ledger.decisions()}  # months met, as data
    assert counts["a2met"] == (2, 3) and counts["joiner_miss"] == (2, 3) and counts["a0met"] == (0, 3)


def test_no_review_before_the_quarter_closes(db, tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY.replace("PARTIAL", "skip"), encoding="utf-8")
    for month in ("2026-10", "2026-11"):
        rows = {"a": ("A1", 90)}
        assert run("run", "--period", month, "--policy", policy, "--metrics", write_month(tmp_path, month, rows),
                   "--db", db).exit_code == 0
    assert decided(db) == {}


def test_partial_skip_leaves_a_joiner_unreviewed(tmp_path):
    _, db = quarter(tmp_path, "skip")
    found = decided(db)
    assert found["joiner"] == found["joiner_miss"] == (
        "not_reviewed", "A1", "A1", "窗口 2026-10–2026-12 中整月在岗 2/3 个月，不评定（partial: skip）（S0.7）", "S0.7")
    assert found["a3met"][:3] == ("grade_change", "A1", "A2")


def test_january_pays_the_new_grades_without_editing_the_roster(tmp_path):
    """The roster still says A1/A3/A0; the ledger's December decisions win from January (S0.6, S0.7)."""
    policy, db = quarter(tmp_path)
    stay = {a: (g, 80) for a, (g, _) in AGENTS.items() if a != "a0met" and a != "low1"}
    result = run("run", "--period", "2027-01", "--policy", policy, "--metrics",
                 write_month(tmp_path, "2027-01", stay), "--db", db)
    assert result.exit_code == 0, result.output
    with open_ledger(db) as ledger:
        (january,) = ledger.runs("2027-01")
        agents = {o.result.agent: o.result for o in ledger.outcomes(january.id, trace=False)}
    shown = ("a3met", "a1met", "low3", "top", "joiner")
    assert {a: (agents[a].grade, str(dict(agents[a].pay)["base"])) for a in shown} == {
        "a3met": ("A2", "2500.00"), "a1met": ("A0", "1800.00"), "low3": ("A1", "2000.00"),
        "top": ("A4", "3500.00"), "joiner": ("A2", "2500.00")}


def test_a_dismissed_agent_in_january_is_refused_naming_the_decision(tmp_path):
    policy, db = quarter(tmp_path)
    rows = {"a0met": ("A2", 80)}
    result = run("run", "--period", "2027-01", "--policy", policy, "--metrics", write_month(tmp_path, "2027-01", rows),
                 "--db", db, "--lang", "en")
    assert result.exit_code != 0
    assert "agent a0met is in the 2027-01 data" in result.output
    assert ": 0/3 months met the standard → dismissed (S0.7), rule S0.7); remove the row" in result.output


def test_history_lists_the_review_decision(tmp_path):
    _, db = quarter(tmp_path)
    result = run("history", "a3met", "--db", db, "--format", "json")
    assert result.exit_code == 0, result.output
    (decision,) = json.loads(result.stdout)["decisions"]
    assert decision == {"period": "2026-12", "kind": "grade_change", "from": "A1", "to": "A2", "effective": "2027-01",
                        "reason": "3/3 个月达标 → 升一级为 A2（S0.7）",
                        "reason_en": "3/3 months met the standard → up one grade to A2 (S0.7)",
                        "rule": "S0.7", "run": 3}
    english = run("history", "a3met", "--db", db, "--lang", "en").stdout.splitlines()[-1]
    assert english.endswith("· reason: 3/3 months met the standard → up one grade to A2 (S0.7) · rule S0.7")


def test_a_missing_month_of_the_window_is_an_error_before_anything_is_recorded(db, tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY.replace("PARTIAL", "skip"), encoding="utf-8")
    rows = {"a": ("A1", 90)}
    assert run("run", "--period", "2026-10", "--policy", policy, "--metrics", write_month(tmp_path, "2026-10", rows),
               "--db", db).exit_code == 0
    result = run("run", "--period", "2026-12", "--policy", policy, "--metrics",
                 write_month(tmp_path, "2026-12", rows), "--db", db, "--lang", "en")
    assert result.exit_code != 0
    assert "needs 2026-11, which is not recorded; run 2026-11 first" in result.output
    with open_ledger(db) as ledger:
        assert [r.period for r in ledger.runs()] == ["2026-10"]


def test_a_review_reading_kpi_points_reads_them_from_the_ledger_S0_7(db, tmp_path):
    """`met` over a KPI's points (not a column of its own) gives the same decisions as over the score."""
    text = POLICY.replace("met: score >= 60", "met: result_points >= 60")
    policy = tmp_path / "kpi.yaml"
    policy.write_text(text.replace("PARTIAL", "months_worked"), encoding="utf-8")
    for index, month in enumerate(MONTHS):
        rows = {a: (g, points[index]) for a, (g, points) in AGENTS.items()}
        assert run("run", "--period", month, "--policy", policy, "--metrics", write_month(tmp_path, month, rows),
                   "--db", db).exit_code == 0
    (tmp_path / "score").mkdir()
    _, reference = quarter(tmp_path / "score")
    assert {a: d[:3] for a, d in decided(db).items()} == {a: d[:3] for a, d in decided(reference).items()}


def test_a_window_value_without_a_ledger_counts_this_month_only(tmp_path):
    """`jixiao evaluate` has no earlier months: a quarter's excellence count is at most 1 (S4.4)."""
    from engine.model.inputs import AgentInput
    from engine.pipeline import prepare
    from engine.run.evaluate import evaluate_period

    plan, _ = prepare(str(Path(__file__).resolve().parents[2] / "policies" / "s4_path.yaml"))
    values = {"sales": Decimal(0), "campaign_sales": Decimal(0), "task": Decimal(1), "assessment": "excellent"}
    team = [AgentInput("s1", "2026-12", values, team="一组", role="supervisor"),
            AgentInput("a1", "2026-12", values, team="一组", role="agent")]
    result = evaluate_period(plan, team, trace=True)[1]
    assert result.agent == "s1"
    assert result.trace[[s.name for s in plan.steps].index("excellent_months")] == Decimal(1)
    assert dict(result.pay)["quarterly_excellence"] == 0


def test_superseding_a_month_a_recorded_review_counted_carries_the_review_again(tmp_path):
    """November replaced after December's review (S0.7): December is recomputed in the same run from
    the files the ledger kept, its review decided again on the new November, and every decision made
    or undone is printed; running November again with the same file then changes nothing."""
    policy, db = quarter(tmp_path)
    rows = {a: (g, 90) for a, (g, points) in AGENTS.items() if points[1] is not None}
    (tmp_path / "again").mkdir()
    november = write_month(tmp_path / "again", "2026-11", rows)
    result = run("run", "--period", "2026-11", "--policy", policy, "--metrics", november, "--db", db, "--supersede",
                 "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2:] == [
        "the later recorded months were recomputed:",
        "  2026-12: run 5 replaces run 3; 5 agents changed",
        "    a0met: decision undone: 0/3 months met the standard → dismissed (S0.7) (made in 2026-12); new decision: "
        "1/3 months met the standard → down to A0 (S0.7) (made in 2026-12, in effect from 2027-01)",
        "    a1met: decision undone: 1/3 months met the standard → down to A0 (S0.7) (made in 2026-12)",
        "    a2met: new decision: 3/3 months met the standard → up one grade to A3 (S0.7) (made in 2026-12, in effect "
        "from 2027-01)",
        "    low1: decision undone: 1/3 months met the standard; already at the lowest grade → dismissed (S0.7) "
        "(made in 2026-12)",
        "    low2: new decision: 3/3 months met the standard → up one grade to A1 (S0.7) "
        "(made in 2026-12, in effect from 2027-01)"]
    with open_ledger(db) as ledger:
        december = ledger.current_run("2026-12")
        assert (december.id, december.cause, december.caused_by) == (5, "carried", 4)
        kinds = {d.agent: (d.kind, d.to_value) for d in ledger.decisions()}
    assert kinds["a2met"] == ("grade_change", "A3") and kinds["a0met"] == ("grade_change", "A0")
    assert kinds["a1met"] == ("reviewed", "A3") and kinds["low1"] == ("reviewed", "A0")
    again = run("run", "--period", "2026-11", "--policy", policy, "--metrics", november, "--db", db, "--supersede",
                "--lang", "en")
    assert again.exit_code == 0 and again.stdout.startswith("2026-11 is already recorded from the same policy")


def test_a_sum_over_earlier_months_accumulates_from_the_ledger(db, tmp_path):
    """S3.1-style points that accumulate: the sum of the score over the two months before this one."""
    text = POLICY.replace("PARTIAL", "skip").replace("reviews:\n", """windows:
  earlier_points:
    label: {zh: 前两月得分合计, en: Points of the two months before}
    over: {months: 3}
    stat: sum
    of: score
reviews:
""").replace("A4: 3500}\n", """A4: 3500}
  points_bonus:
    label: {zh: 累计积分奖, en: Accumulated points bonus}
    kind: formula
    formula: earlier_points + score
""")
    policy = tmp_path / "sum.yaml"
    policy.write_text(text, encoding="utf-8")
    for index, month in enumerate(MONTHS):
        rows = {"a2met": ("A2", AGENTS["a2met"][1][index]), "joiner": ("A1", AGENTS["joiner"][1][index])}
        assert run("run", "--period", month, "--policy", policy, "--metrics", write_month(tmp_path, month, rows),
                   "--db", db).exit_code == 0
    with open_ledger(db) as ledger:
        paid = {(r.period, o.result.agent): str(dict(o.result.pay)["points_bonus"])
                for r in ledger.runs() for o in ledger.outcomes(r.id, trace=False)}
    # a2met scores 90, 59, 80: 0 + 90, 90 + 59, 90 + 59 + 80; the joiner (from November) 80, 80 + 80.
    assert paid == {("2026-10", "a2met"): "90.00", ("2026-11", "a2met"): "149.00", ("2026-12", "a2met"): "229.00",
                    ("2026-11", "joiner"): "80.00", ("2026-12", "joiner"): "160.00"}


def test_a_ledger_read_decodes_only_the_parts_asked_for(tmp_path):
    """Reviews ask for the tuple columns their conditions read; the others come back empty."""
    _, db = quarter(tmp_path)
    with open_ledger(db) as ledger:
        (october,) = ledger.runs("2026-10")
        (full,) = ledger.outcomes(october.id, "a3met", trace=False)
        (some,) = ledger.outcomes(october.id, "a3met", trace=False, parts=frozenset({"pay"}))
    assert full.result.kpis == (("result", Decimal("60.00")),) and some.result.kpis == ()
    assert some.result.pay == full.result.pay == (("base", Decimal("2000.00")),)
    assert (some.result.score, some.result.grade) == (full.result.score, full.result.grade)


def test_JX254_a_grade_review_without_grades(tmp_path):
    from engine.policy.check import check
    from engine.policy.load import load_policy

    text = POLICY.replace("PARTIAL", "skip")
    start, end = text.index("grades:\n"), text.index("metrics:\n")
    text = text[:start] + text[end:]
    table = "    kind: table\n    key: grade\n    values: {A0: 1800, A1: 2000, A2: 2500, A3: 3000, A4: 3500}\n"
    text = text.replace(table, "    kind: fixed\n    amount: 2000\n")
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    found = list(check(load_policy(path)))
    assert [(d.code, d.line, d.message) for d in found] == [
        ("JX254", text.splitlines().index("  quarterly_grade:") + 1,
         "grade review 'quarterly_grade' needs a 'grades:' section in the policy")]


def test_the_run_that_closes_a_review_says_what_it_decided(db, tmp_path):
    """December's run (S0.7) prints how many moved, stayed or were not reviewed, then each change."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY.replace("PARTIAL", "skip"), encoding="utf-8")
    outputs = []
    for index, month in enumerate(MONTHS):
        rows = {a: (g, points[index]) for a, (g, points) in AGENTS.items()}
        result = run("run", "--period", month, "--policy", policy, "--metrics", write_month(tmp_path, month, rows),
                     "--db", db)
        assert result.exit_code == 0, result.output
        outputs.append(result.stdout.splitlines())
    assert outputs[0][1:] == outputs[1][1:] == []  # no review closes in October or November
    assert outputs[2][1:] == [
        "2026-12 的评定：等级调整 3 人，辞退 2 人，保持不变 3 人，未评定 2 人",
        "  a0met：辞退 A2 → —（2027-01 起生效）：0/3 个月达标 → 辞退（S0.7）",
        "  a1met：等级调整 A3 → A0（2027-01 起生效）：1/3 个月达标 → 降为 A0（S0.7）",
        "  a3met：等级调整 A1 → A2（2027-01 起生效）：3/3 个月达标 → 升一级为 A2（S0.7）",
        "  low1：辞退 A0 → —（2027-01 起生效）：1/3 个月达标；已是最低等级 → 辞退（S0.7）",
        "  low3：等级调整 A0 → A1（2027-01 起生效）：3/3 个月达标 → 升一级为 A1（S0.7）"]


def test_a_month_nobody_worked_is_recorded_empty_so_the_quarter_can_close(db, tmp_path):
    """November with nobody at work: without it December's review cannot count the quarter; with
    `run --empty` it records no one, and December's review counts the months each agent worked."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY.replace("PARTIAL", "months_worked"), encoding="utf-8")
    rows = {"a": ("A1", 90), "b": ("A2", 10)}
    assert run("run", "--period", "2026-10", "--policy", policy, "--metrics", write_month(tmp_path, "2026-10", rows),
               "--db", db).exit_code == 0
    december = write_month(tmp_path, "2026-12", rows)
    blocked = run("run", "--period", "2026-12", "--policy", policy, "--metrics", december, "--db", db, "--lang", "en")
    assert blocked.exit_code == 1 and "needs 2026-11, which is not recorded" in blocked.output
    nobody = run("run", "--period", "2026-11", "--policy", policy, "--empty", "--db", db, "--lang", "en")
    assert nobody.exit_code == 0, nobody.output
    assert nobody.stdout.startswith("recorded 2026-11 as run 2: 0 agents, total 0.00")
    closed = run("run", "--period", "2026-12", "--policy", policy, "--metrics", december, "--db", db)
    assert closed.exit_code == 0, closed.output
    assert decided(db)["a"][:3] == ("grade_change", "A1", "A2")  # 2 of 2 months worked met: 3/3 counted
    assert decided(db)["b"][:3] == ("grade_change", "A2", "A0")  # 0 of 2 worked: 1/3 counted → down to A0
    wrong = run("run", "--period", "2026-11", "--policy", policy, "--empty", "--metrics", december, "--db", db)
    assert wrong.exit_code == 2


# S0.7's "one more chance" at A0 written as the one outcome it changes: 1 of 3 dismisses at the lowest
# grade, every other count is the outcomes' (3 up, 2 stay, 0 dismiss).
ONE_MORE_CHANCE = POLICY.replace("""    at_lowest:
      - {months_met: 3, then: up}
      - {months_met: 2, then: stay}
      - {months_met: [0, 1], then: dismiss}
""", """    at_lowest:
      - {months_met: 1, then: dismiss}
""")


def test_at_lowest_overrides_one_outcome_and_decides_as_the_full_table_S0_7(tmp_path):
    assert ONE_MORE_CHANCE != POLICY
    _, full = quarter(tmp_path / "full")
    _, short = quarter(tmp_path / "short", text=ONE_MORE_CHANCE)
    assert decided(short) == decided(full)
    assert decided(short)["low1"] == ("dismissal", "A0", None, "1/3 个月达标；已是最低等级 → 辞退（S0.7）", "S0.7")
    assert decided(short)["a1met"][2] == "A0"  # above the lowest grade, 1 of 3 still moves down to A0
