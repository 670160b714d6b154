"""S0.6 (docs/rules.md): a new agent enters at A1. A grade review's `entry: A1` gives a joiner whose
roster row (and metrics row) has no 等级 that grade, with a note naming the agent; without `entry:` a
missing grade stays an error at the row."""

from __future__ import annotations

import json
from pathlib import Path

from harness.cli import run

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "policies" / "s0_shop.yaml"
METRICS = ROOT / "examples" / "s0" / "metrics.csv"


def roster_without_grade(tmp_path: Path, encoding: str = "utf-8-sig") -> Path:
    """examples/s0's roster with 1002 李娜's 等级 (A2) left empty: a joiner as HR would list her."""
    text = (ROOT / "examples" / "s0" / "roster.csv").read_text(encoding="utf-8-sig")
    assert "1002,李娜,正式,A2,一组" in text
    path = tmp_path / "roster.csv"
    path.write_bytes(text.replace("1002,李娜,正式,A2,一组", "1002,李娜,正式,,一组").encode(encoding))
    return path


def evaluate(policy: Path, roster: Path, lang: str):
    return run("evaluate", "--policy", policy, "--metrics", METRICS, "--roster", roster, "--format", "json", "--lang",
               lang)


def test_a_joiner_without_a_grade_enters_at_A1_S0_6(tmp_path):
    roster = roster_without_grade(tmp_path, "gb18030")
    result = evaluate(POLICY, roster, "zh")
    assert result.exit_code == 0, result.output
    paid = {r["agent"]: r["pay"]["components"]["base"] for r in json.loads(result.stdout)["results"]}
    assert paid["1002"] == "2000.00" and paid["1001"] == "3000.00"   # A1's base, not the A2 the roster lost
    # The note names the agent-month's row of the metrics file (1002 is its 5th line).
    assert (f"{METRICS}：第 5 行：客服 1002 没有等级，按评定 'quarterly_grade' 规定的入职等级 A1 计算"
            in result.stderr)
    english = evaluate(POLICY, roster, "en")
    assert (f"{METRICS}: row 5: agent 1002 has no grade; evaluated at the entry grade A1 of review "
            "'quarterly_grade'") in english.stderr
    assert english.stderr.count("entry grade") == 1   # only the agent without a grade


def test_without_an_entry_grade_a_missing_grade_is_an_error(tmp_path):
    text = POLICY.read_text(encoding="utf-8")
    policy = tmp_path / "policy.yaml"
    policy.write_text("\n".join(line for line in text.splitlines() if not line.startswith("    entry: A1")) + "\n",
                      encoding="utf-8")
    result = evaluate(policy, roster_without_grade(tmp_path), "en")
    assert result.exit_code == 1
    assert "agent 1002 has no grade; give a roster or a grade column" in result.output
    assert "entry grade" not in result.output


def test_a_roster_without_a_grade_column_is_an_error_not_everyone_at_entry(tmp_path):
    """A forgotten 等级 column is not a shop of joiners: every agent is an error at its row, none paid at A1."""
    text = (ROOT / "examples" / "s0" / "roster.csv").read_text(encoding="utf-8-sig")
    rows = [line.split(",") for line in text.splitlines()]
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(",".join(r[:3] + r[4:]) for r in rows) + "\n", encoding="utf-8-sig")
    result = evaluate(POLICY, roster, "en")
    assert result.exit_code == 1
    assert f"{METRICS}: row 4: agent 1001 has no grade; give a roster or a grade column" in result.stderr
    assert "entry grade" not in result.output and result.stdout == ""


def test_a_joiner_enters_at_A1_then_the_ledger_review_decides_S0_6_S0_7(db, tmp_path):
    """examples/careers with 1101 赵敏's 等级 left empty: A1 from November, up to A2 at December's review
    as with the roster's A1; in January the ledger's A2 wins and no entry note is shown."""
    from engine.ledger.access import open_ledger

    folder = ROOT / "examples" / "careers"
    text = (folder / "roster.csv").read_text(encoding="utf-8-sig")
    assert "1101,赵敏,一组,试用期,A1,2026-11-10" in text
    roster = tmp_path / "roster.csv"
    roster.write_text(text.replace("1101,赵敏,一组,试用期,A1,", "1101,赵敏,一组,试用期,,"), encoding="utf-8-sig")
    shown = {}
    for month in ("2026-10", "2026-11", "2026-12", "2027-01"):
        result = run("run", "--period", month, "--policy", POLICY, "--metrics", folder / f"metrics-{month}.csv",
                     "--roster", roster, "--db", db, "--lang", "en")
        assert result.exit_code == 0, result.output
        shown[month] = result.stderr.count("agent 1101 has no grade; evaluated at the entry grade A1")
    assert shown == {"2026-10": 0, "2026-11": 1, "2026-12": 1, "2027-01": 0}
    with open_ledger(db) as ledger:
        grades = {r.period: o.result.grade for r in ledger.runs() for o in ledger.outcomes(r.id, "1101", trace=False)}
        decided = [(d.period, d.from_value, d.to_value) for d in ledger.decisions() if d.agent == "1101"]
    assert grades == {"2026-11": "A1", "2026-12": "A1", "2027-01": "A2"}
    assert decided == [("2026-12", "A1", "A2")]
