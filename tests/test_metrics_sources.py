"""S1.6 end to end: S1's October as two exports (examples/s1/chitu-2026-10.csv, the 赤兔 chat export with
the conversion; examples/s1/reviews-2026-10.csv, the review export with the satisfaction) gives exactly the
single file's results (examples/s1/metrics.csv: 小一 100.00 points, 4300.00 = 3000.00 base + 800.00 top 30 %
+ 500.00 1st place, S1.5), and `jixiao run` keeps every file's hash."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from harness.cli import json_of, results_by_agent, run

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "policies" / "s1_ranking.yaml"
S1 = ROOT / "examples" / "s1"
CHAT, REVIEWS, SINGLE = S1 / "chitu-2026-10.csv", S1 / "reviews-2026-10.csv", S1 / "metrics.csv"
JOINED = ["--metrics", CHAT, "--metrics", REVIEWS]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_two_exports_evaluate_byte_for_byte_as_the_single_file():
    for fmt in ("json", "csv", "table"):
        one = run("evaluate", "--policy", POLICY, "--metrics", SINGLE, "--format", fmt)
        joined = run("evaluate", "--policy", POLICY, *JOINED, "--format", fmt)
        assert (one.exit_code, joined.exit_code) == (0, 0), joined.output
        assert joined.stdout == one.stdout


def test_the_joined_month_pays_as_s1_says():
    """S1.5: 小三 and 小四 share the 3rd place at 79.00 points (both in the top 30 %, both the 3rd prize)."""
    found = results_by_agent(run("evaluate", "--policy", POLICY, *JOINED, "--format", "json", "--lang", "en"))
    assert (found["小一"]["score"], found["小一"]["pay"]["components"]) == (
        "100.00", {"base": "3000.00", "top_bonus": "800.00", "place_prize": "500.00"})
    assert found["小一"]["pay"]["total"] == "4300.00"
    assert (found["小三"]["score"], found["小四"]["score"]) == ("79.00", "79.00")
    assert found["小三"]["pay"]["total"] == found["小四"]["pay"]["total"] == "3900.00"


def test_explain_reads_the_joined_month():
    one = run("explain", "--policy", POLICY, "--metrics", SINGLE, "--agent", "小四", "--full")
    joined = run("explain", "--policy", POLICY, *JOINED, "--agent", "小四", "--full")
    assert joined.exit_code == 0, joined.output
    assert joined.stdout == one.stdout


def test_an_agent_missing_from_one_export_stops_the_month(tmp_path):
    """The review export without 小一: an error naming both files, nothing printed on stdout."""
    lines = REVIEWS.read_text(encoding="utf-8-sig").splitlines()
    short = tmp_path / "reviews.csv"
    short.write_text("\n".join(line for line in lines if not line.startswith("小一,")), encoding="utf-8")
    result = run("evaluate", "--policy", POLICY, "--metrics", CHAT, "--metrics", short, "--lang", "en")
    assert (result.exit_code, result.stdout) == (1, "")
    assert (f"{CHAT}: row 4, column 客服昵称: agent 小一 (2026-10) is in {CHAT} but not in {short}: the metrics "
            "files of a month are joined by agent and period, and each must have a row for every agent; check that "
            "the exports cover the same agents and month") in result.stderr


def test_run_keeps_every_file_s_hash_and_recomputes_from_them(tmp_path):
    db = tmp_path / "ledger.db"
    first = run("run", "--period", "2026-10", "--policy", POLICY, *JOINED, "--db", db)
    assert first.exit_code == 0, first.output
    listed = json_of(run("runs", "--db", db, "--format", "json"))["runs"]
    assert [r["inputs"] for r in listed] == [{"metrics": {"path": str(CHAT), "sha256": sha256(CHAT)},
                                              "metrics2": {"path": str(REVIEWS), "sha256": sha256(REVIEWS)}}]
    # The same files again change nothing; recomputed from the bytes the ledger kept, the results are the same.
    again = run("run", "--period", "2026-10", "--policy", POLICY, *JOINED, "--db", db, "--lang", "en")
    recomputed = run("run", "--period", "2026-10", "--recompute", "--db", db, "--lang", "en")
    assert (again.exit_code, recomputed.exit_code) == (0, 0), recomputed.output
    assert again.stdout.startswith("2026-10 is already recorded from the same policy and input files as run 1 (")
    assert recomputed.stdout == "2026-10 evaluated again: the same results as run 1; no new run was recorded\n"
    shown = json.loads(run("show", "--period", "2026-10", "--db", db, "--format", "json").stdout)
    single = json_of(run("evaluate", "--policy", POLICY, "--metrics", SINGLE, "--format", "json"))
    assert [r["pay"] for r in shown["results"]] == [r["pay"] for r in single["results"]]


def test_diff_payslips_and_report_take_the_exports_too(tmp_path):
    """Every command that reads a month from files joins its exports: `diff` of the policy with itself
    changes nobody (40200.00 either way), and the payslips and team report are the single file's, byte
    for byte; an output is never written over one of the exports."""
    same = json_of(run("diff", POLICY, POLICY, *JOINED, "--format", "json"))
    assert same["totals"] == {"old": "40200.00", "new": "40200.00", "delta": "0.00"}
    for command, out in (("payslips", "slips"), ("report", "team.html")):
        one = run(command, "--policy", POLICY, "--metrics", SINGLE, "--out", tmp_path / f"one-{out}")
        joined = run(command, "--policy", POLICY, *JOINED, "--out", tmp_path / f"joined-{out}")
        assert (one.exit_code, joined.exit_code) == (0, 0), joined.output
    assert (tmp_path / "one-team.html").read_bytes() == (tmp_path / "joined-team.html").read_bytes()
    slips = sorted(p.name for p in (tmp_path / "one-slips").iterdir())
    assert slips == sorted(p.name for p in (tmp_path / "joined-slips").iterdir()) and len(slips) > 12
    for name in slips:
        assert (tmp_path / "one-slips" / name).read_bytes() == (tmp_path / "joined-slips" / name).read_bytes(), name
    before = REVIEWS.read_bytes()
    refused = run("report", "--policy", POLICY, *JOINED, "--out", REVIEWS)
    assert refused.exit_code != 0 and "--metrics" in refused.output and REVIEWS.read_bytes() == before
