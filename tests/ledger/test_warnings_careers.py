"""Warnings issued by penalty clauses are kept in the ledger and read by career reviews: a month
with a serious warning (严重警告, docs/rules.md S4.P "Warnings") does not count as met, so an agent
who met the S0.7 bar three months running but was seriously warned in November stays instead of
moving up."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness.cli import run
from ledger_backends import ledger_in

from engine.ledger.access import open_ledger
from tests.ledger.test_reviews import MONTHS, POLICY, decided, write_month

pytestmark = pytest.mark.usefixtures("db")  # every test on each back-end (tests/ledger_backends.py)
WARNED = POLICY.replace("PARTIAL", "months_worked").replace(
    "    met: score >= 60\n", "    met: score >= 60 and serious_warnings == 0\n") + """
events:
  zone: Asia/Shanghai
  kinds:
    serious: {label: 严重警告, aliases: [主管严重警告]}

penalties:
  manager_serious_warning:
    label: {zh: 主管发出严重警告, en: Serious warning from a manager}
    rule: S4.P27
    kind: serious
    per: event
    warns: serious_warning
"""
AGENTS = {"steady": ("A1", (80, 80, 80)), "warned": ("A1", (80, 80, 80))}


def quarter(tmp_path: Path, november_events: str) -> Path:
    policy = tmp_path / "policy.yaml"
    policy.write_text(WARNED, encoding="utf-8")
    db = ledger_in(tmp_path)  # the `db` fixture's ledger: SQLite, then PostgreSQL
    for index, month in enumerate(MONTHS):
        events = tmp_path / f"events-{month}.csv"
        body = november_events if month == "2026-11" else ""
        events.write_text("工号,时间,类型,数值/秒,金额,订单号,备注\n" + body, encoding="utf-8")
        rows = {a: (g, points[index]) for a, (g, points) in AGENTS.items()}
        result = run("run", "--period", month, "--policy", policy, "--metrics", write_month(tmp_path, month, rows),
                     "--events", events, "--db", db, "--lang", "en")
        assert result.exit_code == 0, result.output
    return db


def test_a_serious_warning_keeps_a_month_from_counting_toward_promotion(tmp_path):
    db = quarter(tmp_path, "warned,2026-11-18 16:00,主管严重警告,,,,服务态度差\n")
    found = decided(db)
    assert found["steady"][:3] == ("grade_change", "A1", "A2")
    assert found["warned"][:3] == ("reviewed", "A1", "A1")  # 2 of 3 months met: stays A1 (S0.7)
    with open_ledger(db) as ledger:
        (november,) = ledger.runs("2026-11")
        kept = {o.result.agent: dict(o.result.penalties) for o in ledger.outcomes(november.id, trace=False)}
    assert kept["warned"]["serious_warnings"] == 1 and kept["steady"]["serious_warnings"] == 0


def test_without_the_warning_both_move_up(tmp_path):
    found = decided(quarter(tmp_path, ""))
    assert found["steady"][:3] == found["warned"][:3] == ("grade_change", "A1", "A2")
