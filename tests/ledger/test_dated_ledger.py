"""Dated values and dated versions through the ledger (engine.policy.dated, S1.3): a commission rate
changed in the middle of a year; every month recorded, then an old month re-shown with what paid it.

The S2 shop of examples/s2 (policies/s2_commission.yaml, S2.3: commission `base: sales`), its rate
dated: 1 % from 2026-01-01 (version 2026.1), 1.2 % from 2026-07-01 (version 2026.7). Agent 3002
小吴 sells 24,300.00 a month: commission 243.00 at 1 % and 291.60 at 1.2 % (S2.3), on 3000 base pay.
"""

from __future__ import annotations

from pathlib import Path

from harness.cli import json_of, results_by_agent, run

ROOT = Path(__file__).resolve().parents[2]
S2 = ROOT / "policies" / "s2_commission.yaml"
METRICS = ROOT / "examples" / "s2" / "metrics.csv"
MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]

OLD_RATE = '  version: "2026.1"\n'
DATED_VERSION = '  version:\n    - {from: 2026-01-01, value: "2026.1"}\n    - {from: 2026-07-01, value: "2026.7"}\n'
DATED_RATE = "    rate:\n      - {from: 2026-01-01, value: 0.01}\n      - {from: 2026-07-01, value: 0.012}\n"


def policy(tmp_path: Path, name: str, *, dated: bool) -> Path:
    """S2 from January 2026: at 1 % (version 2026.1), or with the July change dated in it."""
    text = S2.read_text(encoding="utf-8").replace("effective_from: 2026-10-01", "effective_from: 2026-01-01")
    text = text.replace('  version: "1.0"\n', DATED_VERSION if dated else OLD_RATE)
    text = text.replace("    rate: 0.02\n", DATED_RATE if dated else "    rate: 0.01\n")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def month_file(tmp_path: Path, period: str) -> Path:
    path = tmp_path / f"metrics-{period}.csv"
    path.write_text(METRICS.read_text(encoding="utf-8").replace("2026-10", period), encoding="utf-8")
    return path


def record(db: str, tmp_path: Path, period: str, policy_file: Path) -> None:
    done = run("run", "--period", period, "--policy", policy_file, "--metrics", month_file(tmp_path, period),
               "--db", db, "--lang", "en")
    assert done.exit_code == 0, done.output


def shown(db: str, period: str) -> dict:
    return json_of(run("show", "--period", period, "--db", db, "--format", "json"))


def test_a_mid_year_rate_change_re_shows_march_with_the_old_rate_and_version_S1_3_S2_3(db, tmp_path):
    """January to June recorded with the 1 % policy, July to December with the file dating the change;
    after December, March is shown as paid: 1 %, version 2026.1, its own file's sha256."""
    old, new = policy(tmp_path, "s2-2026.1.yaml", dated=False), policy(tmp_path, "s2.yaml", dated=True)
    for period in MONTHS:
        record(db, tmp_path, period, old if period < "2026-07" else new)
    march, september = shown(db, "2026-03"), shown(db, "2026-09")
    assert march["policy"]["version"] == "2026.1" and "dated" not in march["policy"]
    assert [r["pay"]["components"]["commission"] for r in march["results"] if r["agent"] == "3002"] == ["243.00"]
    assert september["policy"]["version"] == "2026.7"
    assert september["policy"]["dated"][1] == {"at": "pay.commission.rate", "from": "2026-07-01", "value": "0.012",
                                               "line": f"{new}:107"}
    by_agent = {r["agent"]: r for r in september["results"]}
    assert by_agent["3002"]["pay"] == {"total": "3291.60", "components": {"base": "3000.00", "commission": "291.60"}}
    runs = json_of(run("runs", "--db", db, "--format", "json"))["runs"]
    assert [(r["period"], r["policy"]["version"]) for r in runs] == [
        (p, "2026.1" if p < "2026-07" else "2026.7") for p in MONTHS]
    history = json_of(run("history", "3002", "--db", db, "--format", "json"))
    assert [(m["period"], m["policy"]["version"], m["pay"]["components"]["commission"]) for m in history["months"]] \
        == [(p, "2026.1", "243.00") if p < "2026-07" else (p, "2026.7", "291.60") for p in MONTHS]


def test_one_dated_file_pays_each_month_with_what_was_in_force_S1_3_S2_3(db, tmp_path):
    """One file holding both rates, recorded all year: each run names the version in force in its month
    (the ledger keeps it per run, schema version 6), and March re-shown after December is 1 %."""
    dated = policy(tmp_path, "s2.yaml", dated=True)
    for period in MONTHS:
        record(db, tmp_path, period, dated)
    march = shown(db, "2026-03")
    assert march["policy"]["version"] == "2026.1"
    assert march["policy"]["dated"] == [
        {"at": "policy.version", "from": "2026-01-01", "value": "2026.1", "line": f"{dated}:11"},
        {"at": "pay.commission.rate", "from": "2026-01-01", "value": "0.01", "line": f"{dated}:106"}]
    assert results_by_agent(run("show", "--period", "2026-03", "--db", db, "--format", "json"))["3002"]["pay"] == {
        "total": "3243.00", "components": {"base": "3000.00", "commission": "243.00"}}
    december = shown(db, "2026-12")
    assert december["policy"]["version"] == "2026.7"
    assert december["policy"]["content_sha256"] != march["policy"]["content_sha256"]
    assert march["policy"]["sha256"] == december["policy"]["sha256"]  # one file
    runs = json_of(run("runs", "--db", db, "--format", "json"))["runs"]
    assert [r["policy"]["version"] for r in runs] == ["2026.1"] * 6 + ["2026.7"] * 6
    explained = run("show", "--period", "2026-03", "--agent", "3002", "--db", db, "--lang", "zh")
    assert explained.exit_code == 0, explained.output
    assert f"  按日期取值 pay.commission.rate：2026-01-01 起 0.01（{dated}:106）" in explained.stdout.splitlines()
    explained = run("show", "--period", "2026-09", "--agent", "3002", "--db", db, "--lang", "en")
    assert f"  dated value pay.commission.rate: from 2026-07-01: 0.012 ({dated}:107)" in explained.stdout.splitlines()


def test_payslips_from_a_recorded_month_name_its_version_and_content_S1_3(db, tmp_path):
    """March's payslips, written after September is recorded: version 2026.1 and March's content sha256."""
    dated = policy(tmp_path, "s2.yaml", dated=True)
    for period in ("2026-03", "2026-09"):
        record(db, tmp_path, period, dated)
    march = shown(db, "2026-03")["policy"]
    done = run("payslips", "--db", db, "--period", "2026-03", "--out", tmp_path / "slips", "--lang", "en")
    assert done.exit_code == 0, done.output
    page = (tmp_path / "slips" / "2026-03_3002_小吴.html").read_text(encoding="utf-8")
    assert " 2026.1 · " in page
    assert f'<span class="mono" id="content_sha256">{march["content_sha256"]}</span>' in page
    assert march["content_sha256"] != shown(db, "2026-09")["policy"]["content_sha256"]
