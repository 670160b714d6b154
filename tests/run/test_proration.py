"""Mid-month joiners and leavers: a task and a guaranteed minimum prorated by calendar days worked,
from the roster's 入职日期 and 离职日期 (S4.2's guarantee; the S0.4 target per person)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from harness.cli import run

from engine.data.cells import CellError, parse_date
from engine.ledger.access import open_ledger
from engine.run.proration import days_worked

POLICY = """\
jixiao: 1
policy:
  id: proration-test
  version: "1"
  name: 折算测试
  effective_from: 2026-10-01
proration: {by: calendar_days}
metrics:
  sales: {label: 销售额, type: money}
  task: {label: 销售任务, type: money}
derived:
  task_due:
    label: 折算后任务
    formula: task * days_worked / days_in_month
  attainment:
    label: 完成率
    formula: sales / task_due
kpis:
  result: {label: 完成情况, weight: 100, metric: attainment, linear: {from: 0, to: 1}}
score: {total: 100}
pay:
  guarantee:
    label: 保底工资
    rule: S4.2
    kind: minimum
    floor: 3000
    prorate: calendar_days
"""


@pytest.mark.parametrize(("joined", "left", "expected"), [
    ("", "", (30, 30)),
    ("2026-11-10", "", (21, 30)),
    ("", "2026-11-15", (15, 30)),
    ("2026-11-10", "2026-11-15", (6, 30)),
    ("2026-11-30", "", (1, 30)),
    ("2026-10-01", "2026-12-31", (30, 30)),
    ("2026-12-01", "", (0, 30)),
])
def test_days_worked_counts_both_ends(joined, left, expected):
    assert days_worked("2026-11", joined, left) == expected


def test_february_has_its_own_days():
    assert days_worked("2027-02", "2027-02-15") == (14, 28)


def write(tmp_path: Path, rows: list[tuple[str, str, str]]) -> tuple[Path, Path, Path]:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    metrics = tmp_path / "m.csv"
    metrics.write_bytes(("客服,月份,销售额,销售任务\n" + "".join(f"{a},2026-11,7000,10000\n" for a, _, _ in rows))
                        .encode("gb18030"))
    roster = tmp_path / "roster.csv"
    roster.write_text("客服,入职日期,离职日期\n" + "".join(f"{a},{j},{le}\n" for a, j, le in rows), encoding="utf-8")
    return policy, metrics, roster


def test_a_joiner_and_a_leaver_are_prorated_by_calendar_days(tmp_path):
    policy, metrics, roster = write(tmp_path, [("full", "", ""), ("joiner", "2026-11-10", ""),
                                               ("leaver", "", "2026-11-15")])
    db = tmp_path / "jixiao.db"
    result = run("run", "--period", "2026-11", "--policy", policy, "--metrics", metrics, "--roster", roster, "--db", db)
    assert result.exit_code == 0, result.output
    with open_ledger(db) as ledger:
        (recorded,) = ledger.runs()
        found = {o.result.agent: (str(o.result.score), str(o.result.total)) for o in ledger.outcomes(recorded.id)}
    # full: 7000 / 10000 → 70 points, floor 3000; joiner: task 10000 × 21/30 = 7000 → 100 points,
    # floor 3000 × 21/30 = 2100.00; leaver: task 5000 → 100 points (capped), floor 1500.00.
    assert found == {"full": ("70.00", "3000.00"), "joiner": ("100.00", "2100.00"), "leaver": ("100.00", "1500.00")}


def test_a_row_outside_the_roster_dates_is_an_error_naming_it(tmp_path):
    policy, metrics, roster = write(tmp_path, [("later", "2026-12-01", "")])
    result = run("evaluate", "--policy", policy, "--metrics", metrics, "--roster", roster, "--lang", "en")
    assert result.exit_code == 1
    assert (f"{metrics}: row 2: agent later is in the 2026-11 data, but the roster dates (row 2: joined 2026-12-01, "
            "left —) leave no day of that month; check the dates or the row") in result.output


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-11-10", "2026-11-10"), ("2026/11/10", "2026-11-10"), ("2026.11.1", "2026-11-01"),
    ("2026年11月10日", "2026-11-10"), ("２０２６－１１－１０", "2026-11-10"), ("20261110", "2026-11-10"),
    (date(2026, 11, 10), "2026-11-10"), (datetime(2026, 11, 10, 9, 30), "2026-11-10"),
])
def test_a_join_date_is_read_in_every_form_a_roster_holds(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["2026-11", "2026-02-30", "下周一", 46000])
def test_a_join_date_without_a_real_day_is_refused(raw):
    with pytest.raises(CellError):
        parse_date(raw)


def test_a_bad_join_date_is_a_located_data_error(tmp_path):
    policy, metrics, roster = write(tmp_path, [("a", "", "")])
    roster.write_text("客服,入职日期\na,2026-11\n", encoding="utf-8")
    result = run("evaluate", "--policy", policy, "--metrics", metrics, "--roster", roster, "--lang", "en")
    assert result.exit_code == 1
    assert f"{roster}: row 2, column 入职日期 (B): expected a date like 2026-10-08" in result.output
