"""Corrections that carry through every later month (docs/rules.md L.1, L.5, S0.7), through `jixiao run`,
on each back-end (the `db` fixture, tests/ledger_backends.py).

A small shop: one KPI (the month's points as given), base pay by grade (A0 2000, A1 2500, A2 3000,
S0.6), 10 % of sales as commission, and a monthly grade review (score ≥ 60 → up one grade, S0.7),
so what October decides is what November pays. `deductions:` declares a minimum wage of 2000, the
guard every recovery of an overpayment goes through (L.1), and `corrections:` records the agreement
that allows recovering one (L.5). Agent a starts at A0, b at A1.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from harness.cli import Result, run
from harness.ledger import record as record_month
from ledger_backends import contents, ledger_in, raw

from engine.ledger.access import open_ledger
from tests.cpu_time import child_cpu_limit

POLICY = """\
jixiao: 1
policy:
  id: corrections-test
  version: "1"
  name: {zh: 更正测试, en: Corrections test}
  effective_from: 2026-10-01
grades:
  A0: {label: A0}
  A1: {label: A1}
  A2: {label: A2}
metrics:
  points: {label: {zh: 得分, en: Points}, type: count}
  sales: {label: {zh: 销售额, en: Sales}, type: money}
kpis:
  result: {label: {zh: 结果, en: Result}, weight: 100, formula: points}
score: {total: 100}
pay:
  base:
    label: {zh: 基本工资, en: Base pay}
    rule: S0.6
    kind: table
    key: grade
    values: {A0: 2000, A1: 2500, A2: 3000}
  commission:
    label: {zh: 销售提成, en: Sales commission}
    kind: formula
    formula: sales * 0.1
reviews:
  monthly_grade:
    label: {zh: 月度等级评定, en: Monthly grade review}
    rule: S0.7
    kind: grade
    every: month
    met: score >= 60
    outcomes:
      - {months_met: 1, then: up}
      - {months_met: 0, then: ZERO}
DEDUCTIONS"""
DEDUCTIONS = "deductions:\n  minimum_wage: 2000\n"
RECOVER = ("corrections:\n  overpayment: recover\n  agreement:\n    zh: 劳动合同第 8 条：多发工资从次月起扣回\n"
           "    en: 'Contract clause 8: overpaid wages are recovered from later pay'\n")


def policy(folder: Path, *, deductions: str = DEDUCTIONS, zero: str = "stay", extra: str = RECOVER) -> Path:
    path = folder / "policy.yaml"
    path.write_text(POLICY.replace("DEDUCTIONS", deductions + extra).replace("ZERO", zero), encoding="utf-8")
    (folder / "roster.csv").write_text("工号,姓名,等级\na,阿香,A0\nb,小白,A1\n", encoding="utf-8")
    return path


def month(folder: Path, period: str, rows: dict[str, tuple[int, int]], name: str = "") -> Path:
    """A month's export: agent → (points, sales)."""
    path = folder / (name or f"metrics-{period}.csv")
    path.write_text("工号,月份,得分,销售额\n" + "".join(f"{agent},{period},{points},{sales}\n"
                                                   for agent, (points, sales) in rows.items()), encoding="utf-8")
    return path


def record(folder: Path, period: str, metrics: Path, *more: object) -> Result:
    """`jixiao run` of the shop in `folder` (its policy.yaml and roster.csv) into the test's ledger."""
    return record_month(ledger_in(folder), period, folder / "policy.yaml", metrics, *more,
                        roster=folder / "roster.csv")


def totals(folder: Path, period: str, *more: object) -> dict[str, str]:
    """Each agent's total as the recorded month pays it (`show`), in the ledger of the test in `folder`."""
    shown = run("show", "--period", period, "--db", ledger_in(folder), "--format", "json", *more)
    assert shown.exit_code == 0, shown.output
    return {r["agent"]: r["pay"]["total"] for r in json.loads(shown.stdout)["results"]}


def quiet(folder: Path, rows: dict[str, dict[str, tuple[int, int]]]) -> None:
    """Record each month of `rows` in order (all must succeed)."""
    for period, agents in rows.items():
        result = record(folder, period, month(folder, period, agents))
        assert result.exit_code == 0, result.output


SLOW = {"2026-10": {"a": (50, 1000), "b": (50, 1000)},
        "2026-11": {"a": (50, 1000), "b": (50, 1000)},
        "2026-12": {"a": (50, 1000), "b": (50, 1000)}}


def test_S0_7_a_promotion_decided_on_a_corrected_month_is_paid_in_every_later_month(db, tmp_path):
    """October corrected from 50 to 90 points for a: the October review now promotes her A0→A1, so
    November and December are recomputed from the files the ledger kept and pay her A1 (2500 + 100)."""
    policy(tmp_path)
    quiet(tmp_path, SLOW)
    assert totals(tmp_path, "2026-12") == {"a": "2100.00", "b": "2600.00"}
    fixed = month(tmp_path, "2026-10", {"a": (90, 1000), "b": (50, 1000)}, "fixed.csv")
    result = record(tmp_path, "2026-10", fixed, "--supersede")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"recorded 2026-10 as run 4: 2 agents, total 4700.00 (ledger {db})",
        "run 1 is kept in the ledger, marked superseded",
        "the reviews closing with 2026-10: 1 grade change(s), 1 kept as they were",
        "  a: A0 → A1 (in effect from 2026-11): 1/1 months met the standard → up one grade to A1 (S0.7)",
        "  a 阿香: new decision: 1/1 months met the standard → up one grade to A1 (S0.7) (made in 2026-10, in effect "
        "from 2026-11)",
        "the later recorded months were recomputed:",
        "  2026-11: run 5 replaces run 2; 1 agent changed",
        "    a 阿香: total 2100.00 → 2600.00; grade A0 → A1",
        "  2026-12: run 6 replaces run 3; 1 agent changed",
        "    a 阿香: total 2100.00 → 2600.00; grade A0 → A1"]
    assert totals(tmp_path, "2026-11") == totals(tmp_path, "2026-12") == {"a": "2600.00", "b": "2600.00"}
    with open_ledger(db) as ledger:
        assert [(r.period, r.cause, r.caused_by) for r in ledger.runs() if r.status == "current"] == [
            ("2026-10", "supersede", None), ("2026-11", "carried", 4), ("2026-12", "carried", 4)]
    # The same correction again changes nothing (its state is the one recorded).
    again = record(tmp_path, "2026-10", fixed, "--supersede")
    assert again.exit_code == 0 and again.stdout.startswith("2026-10 is already recorded from the same policy")


def test_a_dry_run_shows_what_would_change_and_records_nothing(db, tmp_path):
    policy(tmp_path)
    quiet(tmp_path, SLOW)
    before = contents(db)
    fixed = month(tmp_path, "2026-10", {"a": (90, 1000), "b": (50, 1000)}, "fixed.csv")
    result = record(tmp_path, "2026-10", fixed, "--supersede", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == ("dry run: 2026-10 would be recorded with 2 agents, total 4700.00; "
                                             "nothing was recorded")
    assert "  2026-11: would replace run 2; 1 agent changed" in result.stdout.splitlines()
    assert contents(db) == before


def test_an_approved_month_is_never_rewritten_its_difference_is_a_retro_line_in_the_next_open_month(db, tmp_path):
    """November approved, then October corrected: November's approved run stays what was paid, its
    correction is recorded beside it, and December pays the difference (+500.00) as 追溯调整, citing
    November and both runs; December itself pays A1."""
    policy(tmp_path)
    quiet(tmp_path, SLOW)
    assert run("approve", "--period", "2026-11", "--db", db, "--by", "finance").exit_code == 0
    result = record(tmp_path, "2026-10", month(tmp_path, "2026-10", {"a": (90, 1000), "b": (50, 1000)}, "fixed.csv"),
                    "--supersede")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[5:] == [
        "the later recorded months were recomputed:",
        "  2026-11: approved (run 2, paid as approved, not rewritten); the correction is run 5, its difference "
        "settled as a retroactive line in the first open month after it; 1 agent changed",
        "    a 阿香: total 2100.00 → 2600.00; grade A0 → A1",
        "  2026-12: run 6 replaces run 3; 1 agent changed",
        "    a 阿香: total 2100.00 → 3100.00; grade A0 → A1; retroactive line +500.00 (corrects 2026-11)"]
    assert totals(tmp_path, "2026-11") == {"a": "2100.00", "b": "2600.00"}  # as approved and paid
    assert totals(tmp_path, "2026-11", "--run", "5") == {"a": "2600.00", "b": "2600.00"}  # the correction
    december = run("show", "--period", "2026-12", "--db", db, "--format", "json")
    (a,) = [r for r in json.loads(december.stdout)["results"] if r["agent"] == "a"]
    assert a["pay"]["components"] == {"base": "2500.00", "commission": "100.00", "loss_deduction": "0.00",
                                      "retro": "500.00"}
    text = run("show", "--full", "--period", "2026-12", "--agent", "a", "--db", db, "--lang", "en").stdout
    assert ("  +500.00 CNY · retroactive adjustment: approved 2026-11 corrected (paid as run 2, corrected by run 5), "
            "owed to the agent 500.00 CNY") in text
    zh = run("show", "--full", "--period", "2026-12", "--agent", "a", "--db", db).stdout
    assert ("  +500.00 元 · 追溯调整：更正已审批的 2026-11（已发放第 2 次运行，更正为第 5 次运行），应补发 500.00 元"
            in zh)
    # runs: the approved run stays "approved" (what was paid), the run beside it is its correction.
    listed = {line.split()[0]: line for line in run("runs", "--db", db, "--lang", "en").stdout
              .splitlines()[2:8]}
    assert " approved " in listed["2"] and "correction after approval" in listed["5"]
    assert "corrected from run 4" in listed["5"] and "carried from run 4" in listed["6"]
    history = run("history", "a", "--db", db, "--lang", "en").stdout.splitlines()
    assert history[1].split()[7:10] == ["Adjustments", "Retro", "Total"]
    assert history[5].split()[:2] == ["2026-12", "6"] and history[5].split()[4:6] == ["500.00", "3100.00"]
    # December approved too: reopening November would pay again what December settled, so it is refused.
    assert run("approve", "--period", "2026-12", "--db", db).exit_code == 0
    refused = run("reopen", "--period", "2026-11", "--reason", "late fix", "--db", db,
                  "--lang", "en")
    assert refused.exit_code == 1
    assert "a correction of 2026-11 was settled by retroactive lines in the approved month(s) 2026-12" in refused.output


def test_reopening_a_corrected_month_stops_the_open_months_settling_it(db, tmp_path):
    policy(tmp_path)
    quiet(tmp_path, SLOW)
    run("approve", "--period", "2026-11", "--db", db)
    record(tmp_path, "2026-10", month(tmp_path, "2026-10", {"a": (90, 1000), "b": (50, 1000)}, "fixed.csv"),
           "--supersede")
    assert totals(tmp_path, "2026-12")["a"] == "3100.00"
    reopened = run("reopen", "--period", "2026-11", "--reason", "pay the correction in November", "--db",
                   db, "--lang", "en")
    assert reopened.exit_code == 0, reopened.output
    assert reopened.stdout.splitlines()[1:] == [
        "the later recorded months were recomputed:",
        "  2026-12: run 7 replaces run 6; 1 agent changed",
        "    a 阿香: total 3100.00 → 2600.00"]
    assert totals(tmp_path, "2026-11") == totals(tmp_path, "2026-12") == {
        "a": "2600.00", "b": "2600.00"}


FAST = {"2026-10": {"a": (90, 1000), "b": (50, 1000)},
        "2026-11": {"a": (50, 1000), "b": (50, 1000)},
        "2026-12": {"a": (50, 1000), "b": (50, 1000)}}


@pytest.mark.parametrize(("december_sales", "recovered", "left"), [
    (5000, "-500.00", None),  # pay 2500: cap 500, room above 2000 is 500: all of it
    (1000, "-100.00", "400.00"),  # pay 2100: cap 420, but only 100 above the minimum wage
])
def test_L1_an_overpayment_is_recovered_within_the_legal_guard(db, tmp_path, december_sales, recovered, left):
    """October corrected from 90 to 50: no promotion, so approved November overpaid a by 500.00. December
    recovers it as a deduction within the guard of `deductions:` (20 % of the month's pay, never under
    the minimum wage); what it cannot take stays owed and is named."""
    policy(tmp_path)
    rows = {**FAST, "2026-12": {"a": (50, december_sales), "b": (50, 1000)}}
    quiet(tmp_path, rows)
    run("approve", "--period", "2026-11", "--db", db)
    result = record(tmp_path, "2026-10", month(tmp_path, "2026-10", {"a": (50, 1000), "b": (50, 1000)}, "fixed.csv"),
                    "--supersede")
    assert result.exit_code == 0, result.output
    december = run("show", "--period", "2026-12", "--db", db, "--format", "json")
    (a,) = [r for r in json.loads(december.stdout)["results"] if r["agent"] == "a"]
    assert a["pay"]["components"]["retro"] == recovered
    assert Decimal(a["pay"]["total"]) == 2000 + december_sales // 10 + Decimal(recovered)
    warning = (f"warning: still owed by retroactive lines: agent a, for the correction of 2026-11: to recover {left} "
               "(recovery never pays under the minimum wage; the rest is recovered in later months)")
    assert (warning in result.output) is (left is not None)
    if left is not None:  # January recovers the rest, within its own guard
        january = record(tmp_path, "2027-01", month(tmp_path, "2027-01", {"a": (50, 5000), "b": (50, 1000)}))
        assert january.exit_code == 0, january.output
        assert totals(tmp_path, "2027-01")["a"] == "2100.00"  # 2000 + 500 − 400
        assert "still owed" not in january.output


def test_an_overpayment_the_policy_waives_is_settled_without_money(db, tmp_path):
    policy(tmp_path, extra="corrections:\n  overpayment: waive\n")
    quiet(tmp_path, FAST)
    run("approve", "--period", "2026-11", "--db", db)
    result = record(tmp_path, "2026-10", month(tmp_path, "2026-10", {"a": (50, 1000), "b": (50, 1000)}, "fixed.csv"),
                    "--supersede")
    assert result.exit_code == 0, result.output
    assert "still owed" not in result.output
    text = run("show", "--full", "--period", "2026-12", "--agent", "a", "--db", db, "--lang", "en").stdout
    assert ("  +0.00 CNY · retroactive adjustment: approved 2026-11 corrected (paid as run 2, corrected by run 5), "
            "overpaid 500.00 CNY, waived 500.00 CNY (the policy waives overpayments (corrections: overpayment: waive))"
            in text)
    assert totals(tmp_path, "2026-12")["a"] == "2100.00"


def test_L5_without_a_recorded_agreement_an_overpayment_is_owed_never_deducted(db, tmp_path):
    """The default (`overpayment: owed`): December pays a in full and says, once, what she owes."""
    policy(tmp_path, extra="")
    quiet(tmp_path, FAST)
    run("approve", "--period", "2026-11", "--db", db)
    result = record(tmp_path, "2026-10", month(tmp_path, "2026-10", {"a": (50, 1000), "b": (50, 1000)}, "fixed.csv"),
                    "--supersede")
    assert result.exit_code == 0, result.output
    assert totals(tmp_path, "2026-12")["a"] == "2100.00"
    assert ("warning: still owed by retroactive lines: agent a, for the correction of 2026-11: to recover 500.00 "
            "(recorded as owed: no recorded agreement allows recovering it from pay (L.5); where the labour contract "
            "or a written agreement does, declare corrections: {overpayment: recover, agreement: …}, or waive it "
            "with overpayment: waive)") in result.output
    text = run("show", "--full", "--period", "2026-12", "--agent", "a", "--db", db, "--lang", "en").stdout
    assert ("  +0.00 CNY · retroactive adjustment: approved 2026-11 corrected (paid as run 2, corrected by run 5), "
            "overpaid 500.00 CNY, still owed 500.00 CNY (no recorded agreement allows recovering it: recorded as "
            "owed, never deducted (corrections: overpayment: owed))") in text
    january = record(tmp_path, "2027-01", month(tmp_path, "2027-01", {"a": (50, 5000), "b": (50, 1000)}))
    assert totals(tmp_path, "2027-01")["a"] == "2500.00"  # never deducted, and said only once as a line
    assert "retro" not in json.loads(run("show", "--period", "2027-01", "--db", db,
                                         "--format", "json").stdout)["results"][0]["pay"]["components"]
    assert "still owed by retroactive lines: agent a" in january.output


def test_L5_recovering_needs_the_minimum_wage_and_the_agreement(tmp_path):
    policy(tmp_path, deductions="", extra="corrections:\n  overpayment: recover\n")
    checked = run("validate", tmp_path / "policy.yaml", "--lang", "en")
    assert checked.exit_code == 1
    found = [line.split(": ", 1)[1] for line in checked.stdout.splitlines() if "JX282" in line]
    assert found == [
        "JX282 overpayment: recover deducts from pay, but the policy declares no deductions: section, so the legal "
        "cap and the minimum wage a recovery must leave are unknown (hint: add deductions: {minimum_wage: …}, or "
        "record the amount as owed: overpayment: owed)",
        "JX282 overpayment: recover needs agreement: the labour contract's clause or written consent that allows "
        "recovering overpaid wages from pay (the law does not by itself, L.5) (hint: agreement: {zh: 劳动合同第 8 条："
        "多发工资从次月工资中扣回, en: Contract clause 8: …})"]


def test_a_correction_that_dismisses_someone_working_later_is_refused_and_records_nothing(db, tmp_path):
    """With 0 months met → dismiss, a corrected October dismisses b, who works in November: carrying
    the correction into November fails, and the ledger is left as it was."""
    policy(tmp_path, zero="dismiss")
    quiet(tmp_path, {"2026-10": {"a": (90, 1000), "b": (90, 1000)}, "2026-11": {"a": (90, 1000), "b": (90, 1000)}})
    before = contents(db)
    result = record(tmp_path, "2026-10", month(tmp_path, "2026-10", {"a": (90, 1000), "b": (10, 1000)}, "fixed.csv"),
                    "--supersede")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == ("recording 2026-10 means recomputing the later month 2026-11, which can no longer be "
                        "evaluated after the change; nothing was recorded:")
    assert lines[1].startswith("agent b is in the 2026-11 data (") and "was dismissed in 2026-10" in lines[1]
    assert contents(db) == before


def test_a_month_recorded_out_of_order_carries_through_the_later_one_and_nothing_counts_twice(db, tmp_path):
    """November recorded before October: then October's promotion reaches November when October is
    recorded, as if the months had been run in order."""
    policy(tmp_path)
    nov = record(tmp_path, "2026-11", month(tmp_path, "2026-11", FAST["2026-11"]))
    assert nov.exit_code == 0 and totals(tmp_path, "2026-11")["a"] == "2100.00"
    oct_ = record(tmp_path, "2026-10", month(tmp_path, "2026-10", FAST["2026-10"]))
    assert oct_.exit_code == 0, oct_.output
    assert "  2026-11: run 3 replaces run 1; 1 agent changed" in oct_.stdout.splitlines()
    assert totals(tmp_path, "2026-11")["a"] == "2600.00"


def test_running_again_after_an_upgrade_on_purpose_recompute(db, tmp_path):
    """--recompute evaluates a month again from the files the ledger kept (or given again); the same
    results record nothing; different results (here: a recorded amount altered, as a changed jixiao
    would compute another) are recorded as a run of their own and carried on."""
    policy(tmp_path)
    quiet(tmp_path, SLOW)
    same = run("run", "--period", "2026-11", "--recompute", "--db", db, "--lang", "en")
    assert same.exit_code == 0, same.output
    assert same.stdout == "2026-11 evaluated again: the same results as run 2; no new run was recorded\n"
    raw(db, "UPDATE runs SET outcomes_sha256 = 'from an older jixiao' WHERE id = 2")  # as an older jixiao
    redone = run("run", "--period", "2026-11", "--recompute", "--db", db, "--lang", "en")
    assert redone.exit_code == 0, redone.output
    assert redone.stdout.startswith("recorded 2026-11 as run 4: 2 agents, total 4700.00")
    with open_ledger(db) as ledger:
        assert ledger.current_run("2026-11").cause == "recompute"
    nothing = run("run", "--period", "2026-11", "--recompute", "--metrics", tmp_path / "metrics-2026-11.csv",
                  "--db", db, "--lang", "en")
    assert nothing.exit_code == 2 and "give --policy and --metrics" in nothing.output
    unknown = run("run", "--period", "2027-05", "--recompute", "--db", db, "--lang", "en")
    assert unknown.exit_code == 1 and "2027-05 is not recorded, so there is nothing to recompute" in unknown.output


def test_the_same_files_under_another_ledger_state_are_a_real_rerun(db, tmp_path):
    """A month recorded before its state digest was kept (or under a state that changed since) is
    evaluated again: the same results are confirmed (and then a no-op), other results need --supersede."""
    policy(tmp_path)
    quiet(tmp_path, SLOW)
    raw(db, "DELETE FROM run_states WHERE run_id = 2")
    first = record(tmp_path, "2026-11", tmp_path / "metrics-2026-11.csv")
    assert first.stdout == "2026-11 evaluated again: the same results as run 2; no new run was recorded\n"
    second = record(tmp_path, "2026-11", tmp_path / "metrics-2026-11.csv")
    assert second.stdout.startswith("2026-11 is already recorded from the same policy and input files as run 2")
    raw(db, "DELETE FROM run_states WHERE run_id = 2")
    raw(db, "UPDATE runs SET outcomes_sha256 = 'other' WHERE id = 2")
    third = record(tmp_path, "2026-11", tmp_path / "metrics-2026-11.csv")
    assert third.exit_code == 1
    assert "was recorded from the same files under another ledger state" in third.output


def test_two_months_closed_at_the_same_time_are_serialised_by_the_ledger(db, tmp_path):
    """Two real `jixiao run` processes, October and November at once: whichever records first, the
    ledger ends as if they had run in order (November pays October's promotion)."""
    policy(tmp_path)
    october = month(tmp_path, "2026-10", FAST["2026-10"])
    november = month(tmp_path, "2026-11", FAST["2026-11"])
    command = [sys.executable, "-c", "from cli import main; main()"]
    processes = [subprocess.Popen([*command, "run", "--period", period, "--policy", str(tmp_path / "policy.yaml"),
                                   "--metrics", str(path), "--roster", str(tmp_path / "roster.csv"), "--db",
                                   db], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  preexec_fn=child_cpu_limit(120))  # a hang is bounded in CPU, not clock, time
                 for period, path in (("2026-11", november), ("2026-10", october))]
    for process in processes:
        _, err = process.communicate()
        assert process.returncode == 0, err.decode()
    assert totals(tmp_path, "2026-11")["a"] == "2600.00"


def test_a_trace_in_another_jixiaos_layout_is_said_never_called_damage(db, tmp_path):
    """A month recorded by a jixiao whose plan had other steps: its table still shows; explaining it
    says which jixiao recorded it and how to record it again, never "restore a backup"."""
    policy(tmp_path)
    quiet(tmp_path, {"2026-10": SLOW["2026-10"]})
    raw(db, "UPDATE runs SET layout_sha256 = 'an older plan', jixiao_version = '0.0.9'")
    table = run("show", "--period", "2026-10", "--db", db, "--format", "json")
    assert table.exit_code == 0, table.output
    explained = run("show", "--full", "--period", "2026-10", "--agent", "a", "--db", db, "--lang", "en")
    assert explained.exit_code == 1
    assert explained.stderr == (
        "2026-10 (run 1, recorded by jixiao 0.0.9) keeps its trace in the steps of another jixiao's plan, which this "
        "one cannot explain step by step (the ledger is not damaged; its table and totals show as recorded); to "
        "record it again with this jixiao: jixiao run --period 2026-10 --recompute (reopen it first if it is "
        "approved)\n")
    raw(db, "UPDATE runs SET layout_sha256 = '', outcomes_sha256 = ''")  # before the layout was kept:
    raw(db, "UPDATE outcomes SET trace = '(Decimal(''1''),)'")  # the trace's length tells
    assert run("show", "--full", "--period", "2026-10", "--agent", "a", "--db", db, "--lang", "en").stderr.startswith(
        "2026-10 (run 1, recorded by jixiao 0.0.9) keeps its trace in the steps of another jixiao's plan")
    again = run("run", "--period", "2026-10", "--recompute", "--db", db, "--lang", "en")
    assert again.exit_code == 0, again.output
    assert run("show", "--full", "--period", "2026-10", "--agent", "a", "--db", db).exit_code == 0


def test_HR_records_a_grade_by_hand_and_it_is_carried_through_the_recorded_months(db, tmp_path):
    """`jixiao decide b --from 2026-12 --grade A2`: December is recomputed at A2 (3000 + 100), the
    decision is kept with its reason and who recorded it, and history says when it takes effect."""
    policy(tmp_path)
    quiet(tmp_path, SLOW)
    result = run("decide", "b", "--from", "2026-12", "--grade", "A2", "--reason", "HR: promoted after appeal",
                 "--by", "hr.wang", "--db", db, "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("recorded decision ") and lines[0].endswith(
        ": agent b grade set to A2, in effect from 2026-12 (reason: HR: promoted after appeal; by hr.wang)")
    assert lines[1:] == ["the later recorded months were recomputed:",
                         "  2026-12: run 4 replaces run 3; 1 agent changed",
                         "    b 小白: total 2600.00 → 3100.00; grade A1 → A2"]
    assert totals(tmp_path, "2026-12")["b"] == "3100.00"
    history = run("history", "b", "--db", db, "--lang", "en").stdout
    assert ("2026-11 grade change: A1 → A2 (in effect from 2026-12) · reason: HR: promoted after appeal · recorded by "
            "hr.wang") in history


def test_a_dismissed_agent_can_be_reinstated_from_a_month_by_a_recorded_decision(db, tmp_path):
    """The dismissal error says to record a reinstatement; `jixiao decide --reinstate` does, and the
    month she works in then records."""
    policy(tmp_path, zero="dismiss")
    quiet(tmp_path, {"2026-10": {"a": (90, 1000), "b": (10, 1000)}})
    refused = record(tmp_path, "2026-11", month(tmp_path, "2026-11", {"a": (90, 1000), "b": (90, 1000)}))
    assert refused.exit_code == 1 and "jixiao decide b --from 2026-11 --reinstate" in refused.output
    wrong = run("decide", "a", "--from", "2026-11", "--reinstate", "--reason", "rehired", "--db", db, "--lang", "en")
    assert wrong.exit_code == 1 and "agent a is not dismissed before 2026-11" in wrong.output
    unknown = run("decide", "b", "--from", "2026-11", "--grade", "A9", "--reason", "x", "--db", db, "--lang", "en")
    assert unknown.exit_code == 1 and "agent b is dismissed before 2026-11" in unknown.output
    done = run("decide", "b", "--from", "2026-11", "--reinstate", "--reason", "rehired after appeal", "--by", "hr",
               "--db", db, "--lang", "en")
    assert done.exit_code == 0, done.output
    again = record(tmp_path, "2026-11", tmp_path / "metrics-2026-11.csv")
    assert again.exit_code == 0, again.output
    bad = run("decide", "a", "--from", "2026-12", "--grade", "A9", "--reason", "x", "--db", db, "--lang", "en")
    assert bad.exit_code == 1 and "grade 'A9' is not one the policy declares (A0, A1, A2)" in bad.output
    both = run("decide", "a", "--from", "2026-12", "--grade", "A2", "--dismiss", "--reason", "x", "--db", db)
    assert both.exit_code == 2


def test_a_decision_typed_with_a_full_width_id_reaches_the_agent(db, tmp_path):
    """`jixiao decide ｂ` (an IME's full-width letter) is agent b: the decision applies to her."""
    policy(tmp_path)
    quiet(tmp_path, SLOW)
    result = run("decide", "ｂ", "--from", "2026-12", "--grade", "A2", "--reason", "appeal", "--db",
                 db, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "agent b grade set to A2" in result.stdout
    assert totals(tmp_path, "2026-12")["b"] == "3100.00"


def test_a_decision_an_older_jixiao_recorded_under_another_spelling_still_applies(db, tmp_path):
    """A ledger written before ids were read in one form may hold 'ａ' where the files now read 'a':
    October's promotion still reaches November."""
    policy(tmp_path)
    quiet(tmp_path, {"2026-10": FAST["2026-10"]})
    raw(db, "UPDATE decisions SET agent = 'ａ' WHERE agent = 'a'")
    result = record(tmp_path, "2026-11", month(tmp_path, "2026-11", FAST["2026-11"]))
    assert result.exit_code == 0, result.output
    assert totals(tmp_path, "2026-11")["a"] == "2600.00"
