"""`jixiao evaluate --engine`: the columnar path gives the Decimal path's bytes, or says why not with -v.

Every shipped example month is evaluated through the command with `--engine columnar` and with
`--engine decimal`: CSV in both languages, JSON and the XLSX workbook must be byte-identical, with the
same notes and warnings on stderr. `-v` names the engine that ran and, when the columnar path declined, why.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from harness.cli import run
from harness.files import write_csv

ROOT = Path(__file__).resolve().parent.parent

MONTHS = [
    ("s0_shop", "examples/s0/metrics.csv", "examples/s0/roster.csv"),
    ("s0_shop", "examples/careers/metrics-2026-10.csv", "examples/careers/roster.csv"),
    ("s0_shop", "examples/careers/metrics-2026-12.csv", "examples/careers/roster.csv"),
    ("s1_ranking", "examples/s1/metrics.csv", None),
    ("s2_commission", "examples/s2/metrics.csv", None),
    ("s3_points", "examples/s3/metrics-2026-11.csv", None),
    ("s4_path", "examples/s4/metrics.csv", "examples/s4/roster.csv"),
    ("template_scorecard", "examples/template/metrics.csv", None),
]


def evaluate(policy: str, metrics: str, roster: str | None, *extra: object):
    args: list[object] = ["evaluate", "--policy", ROOT / "policies" / f"{policy}.yaml", "--metrics", ROOT / metrics]
    if roster:
        args += ["--roster", ROOT / roster]
    return run(*args, *extra)


def engine_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(("engine:", "计算方式："))]


@pytest.mark.parametrize(("policy", "metrics", "roster"), MONTHS)
@pytest.mark.parametrize(("fmt", "lang"), [("csv", "zh"), ("csv", "en"), ("json", "zh")])
def test_the_columnar_engine_gives_the_decimal_engines_bytes(policy, metrics, roster, fmt, lang):
    columnar = evaluate(policy, metrics, roster, "--format", fmt, "--lang", lang, "--engine", "columnar", "-v")
    decimal = evaluate(policy, metrics, roster, "--format", fmt, "--lang", lang, "--engine", "decimal")
    assert columnar.exit_code == decimal.exit_code == 0, columnar.output + decimal.output
    assert columnar.stdout_bytes == decimal.stdout_bytes
    said = engine_lines(columnar.stderr)
    assert len(said) == 1
    others = [line for line in columnar.stderr.splitlines() if line not in said]
    assert others == decimal.stderr.splitlines()  # the same notes and warnings, whichever engine ran


# The months whose workbook the columnar path writes; S4 has penalty clauses (a sheet it does not make):
# its workbook is the Decimal path's.
XLSX_COVERED = {"s0_shop", "s1_ranking", "s2_commission", "s3_points", "template_scorecard"}


@pytest.mark.parametrize(("policy", "metrics", "roster"), MONTHS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_columnar_workbook_is_the_decimal_paths_byte_for_byte(policy, metrics, roster, lang, tmp_path):
    columnar, decimal = tmp_path / "columnar.xlsx", tmp_path / "decimal.xlsx"
    found = evaluate(policy, metrics, roster, "--format", "xlsx", "--lang", lang, "--engine", "columnar", "-v",
                     "--out", columnar)
    reference = evaluate(policy, metrics, roster, "--format", "xlsx", "--lang", lang, "--engine", "decimal",
                         "--out", decimal)
    assert found.exit_code == reference.exit_code == 0, found.output + reference.output
    assert columnar.read_bytes() == decimal.read_bytes()
    said = engine_lines(found.stderr)
    assert len(said) == 1
    assert ("columnar" in said[0].split("—")[0]) == (policy in XLSX_COVERED), said


def test_a_workbook_the_columnar_path_does_not_make_is_the_decimal_paths_and_said_why(tmp_path):
    """S4's penalties sheet (every clause of S4.P24 listed per agent) is made by the Decimal path only."""
    found = evaluate("s4_path", "examples/s4/metrics.csv", "examples/s4/roster.csv", "--format", "xlsx", "--lang",
                     "en", "--engine", "columnar", "-v", "--out", tmp_path / "s4.xlsx")
    assert found.exit_code == 0, found.output
    assert engine_lines(found.stderr) == ["engine: decimal — not covered by the columnar path: the penalties sheet"]


def test_the_shipped_months_the_columnar_engine_covers_are_said_to_be():
    covered = {policy for policy, metrics, roster in MONTHS
               if "columnar" in engine_lines(evaluate(policy, metrics, roster, "--format", "csv", "--lang", "en",
                                                      "--engine", "columnar", "-v").stderr)[0].split(" ")[1]}
    assert covered == {policy for policy, _, _ in MONTHS}


# The shipped months with an events file (S4.P24's clauses counted per agent; the roster desk's S4.P19 loss
# deducted under L.1/L.4): (policy, metrics, roster, events, the options they need).
EVENT_MONTHS = [
    ("s4_path", "examples/s4/metrics.csv", "examples/s4/roster.csv", "examples/s4/events-2026-10.csv", ()),
    ("s4_path", "examples/s4/metrics.csv", "examples/s4/roster.csv", "examples/s4/events-2026-10.csv",
     ("--period", "2026-10")),
    ("s2_roster", "examples/roster/metrics.csv", "examples/roster/roster.csv", "examples/roster/events-2026-10.csv",
     ()),
]


def with_events(policy: str, metrics: str, roster: str, events: Path | str, *extra: object):
    return evaluate(policy, metrics, roster, "--events", ROOT / events, *extra)


@pytest.mark.parametrize(("policy", "metrics", "roster", "events", "options"), EVENT_MONTHS)
@pytest.mark.parametrize(("fmt", "lang"), [("csv", "zh"), ("csv", "en"), ("json", "zh"), ("json", "en")])
def test_a_month_with_events_is_evaluated_by_the_columnar_engine_byte_for_byte(policy, metrics, roster, events,
                                                                                options, fmt, lang):
    """Each agent's clause facts (S4.P24's counts, S4.P19's loss) from her events, as the Decimal path
    counts them; the stderr lines (notes, the carried-loss note, pay under the minimum wage) the same."""
    args = (*options, "--format", fmt, "--lang", lang)
    columnar = with_events(policy, metrics, roster, events, *args, "--engine", "columnar", "-v")
    decimal = with_events(policy, metrics, roster, events, *args, "--engine", "decimal")
    assert columnar.exit_code == decimal.exit_code == 0, columnar.output + decimal.output
    assert columnar.stdout_bytes == decimal.stdout_bytes
    said = engine_lines(columnar.stderr)
    assert len(said) == 1 and said[0].startswith(("engine: columnar", "计算方式：columnar")), said
    assert [line for line in columnar.stderr.splitlines() if line not in said] == decimal.stderr.splitlines()


@pytest.mark.parametrize(("policy", "metrics", "roster", "events", "options"), EVENT_MONTHS[1:])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_workbook_with_events_is_the_decimal_paths_byte_for_byte(policy, metrics, roster, events, options, lang,
                                                                   tmp_path):
    """The penalties sheet (every clause per agent) is made by the Decimal path only: said with -v."""
    columnar, decimal = tmp_path / "columnar.xlsx", tmp_path / "decimal.xlsx"
    found = with_events(policy, metrics, roster, events, *options, "--format", "xlsx", "--lang", lang, "--engine",
                        "columnar", "-v", "--out", columnar)
    reference = with_events(policy, metrics, roster, events, *options, "--format", "xlsx", "--lang", lang,
                            "--engine", "decimal", "--out", decimal)
    assert found.exit_code == reference.exit_code == 0, found.output + reference.output
    assert columnar.read_bytes() == decimal.read_bytes()
    assert engine_lines(found.stderr) == [{"en": "engine: decimal — not covered by the columnar path: the penalties "
                                                 "sheet",
                                           "zh": "计算方式：decimal——列式计算不支持：罚则明细表"}[lang]]


def test_the_columnar_engine_says_no_clause_unread_only_without_an_events_file():
    """Without events S4's clauses could not fire, which is said; with an events file it is not."""
    from engine.policy.compile import compile_policy
    from engine.policy.load import load_policy
    from engine.report.messages import say

    plan = compile_policy(load_policy(ROOT / "policies" / "s4_path.yaml"))
    unread = say("no_events", "en", clauses=", ".join(c.name for c in plan.penalties))
    without = evaluate("s4_path", "examples/s4/metrics.csv", "examples/s4/roster.csv", "--format", "csv",
                       "--lang", "en", "--engine", "columnar")
    given = with_events(*EVENT_MONTHS[0][:4], "--format", "csv", "--lang", "en", "--engine", "columnar")
    assert unread in without.stderr.splitlines()
    assert unread not in given.stderr.splitlines()


def events_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


@pytest.mark.parametrize(("case", "change"), [
    ("an unknown agent", lambda row: [ "9999", *row[1:]]),
    ("a kind the policy does not declare", lambda row: [row[0], row[1], "迟到", *row[3:]]),
    ("a time outside the month", lambda row: [row[0], "2026-11-02 10:00:00", *row[2:]]),
    ("a slow reply without its seconds", lambda row: [*row[:3], "", *row[4:]]),
])
def test_a_bad_event_gets_the_decimal_paths_located_error(case, change, tmp_path):
    """An event the Decimal path refuses (an agent with no result this month, an unknown kind, a time
    outside the month, a value a clause compares left empty) is refused with the same located error."""
    header, first, *rest = events_rows(ROOT / "examples" / "s4" / "events-2026-10.csv")
    bad = write_csv(tmp_path / "events.csv", [header, first, change(first), *rest])
    args = ("--format", "csv", "--lang", "en")
    columnar = with_events("s4_path", "examples/s4/metrics.csv", "examples/s4/roster.csv", bad, *args,
                           "--engine", "columnar", "-v")
    decimal = with_events("s4_path", "examples/s4/metrics.csv", "examples/s4/roster.csv", bad, *args,
                          "--engine", "decimal")
    assert columnar.exit_code == decimal.exit_code != 0, case
    said = engine_lines(columnar.stderr)
    assert said == ["engine: decimal — not covered by the columnar path: a row of the events or adjustments file "
                    "the Decimal path refuses"]
    assert columnar.stdout == decimal.stdout
    assert [line for line in columnar.stderr.splitlines() if line not in said] == decimal.stderr.splitlines()
    assert "row 3" in decimal.stderr or "第 3 行" in decimal.stderr, decimal.stderr


def test_events_of_a_file_with_several_months_need_a_period_whichever_engine(tmp_path):
    """S4's November rows and the same rows as December: two months, so an events file needs --period."""
    header, *rows = csv.reader(io.StringIO((ROOT / "examples" / "s4" / "metrics-2026-11.csv")
                                           .read_text(encoding="utf-8-sig")))
    month = header.index("月份")
    both = write_csv(tmp_path / "two.csv", [header, *rows, *([*r[:month], "2026-12", *r[month + 1:]] for r in rows)])
    args = ("--policy", ROOT / "policies" / "s4_path.yaml", "--metrics", both, "--roster",
            ROOT / "examples" / "s4" / "roster-2026-11.csv", "--events",
            ROOT / "examples" / "s4" / "events-2026-10.csv",
            "--format", "csv", "--lang", "en")
    columnar = run("evaluate", *args, "--engine", "columnar", "-v")
    decimal = run("evaluate", *args, "--engine", "decimal")
    assert columnar.exit_code == decimal.exit_code == 2, decimal.output
    said = engine_lines(columnar.stderr)
    assert said == ["engine: decimal — not covered by the columnar path: events or adjustments without one month "
                    "(--period)"]
    assert [line for line in columnar.stderr.splitlines() if line not in said] == decimal.stderr.splitlines()
    assert "--period" in decimal.stderr


def test_auto_leaves_a_small_month_to_the_decimal_path():
    found = evaluate("s0_shop", "examples/s0/metrics.csv", "examples/s0/roster.csv", "--format", "csv", "--lang",
                     "en", "-v")
    assert engine_lines(found.stderr) == ["engine: decimal (a small month: agent by agent is quick)"]


def test_the_table_is_written_by_the_decimal_path(tmp_path):
    found = evaluate("s0_shop", "examples/s0/metrics.csv", "examples/s0/roster.csv", "--lang", "en",
                     "--engine", "columnar", "-v")
    assert engine_lines(found.stderr) == ["engine: decimal — not covered by the columnar path: the table report"]


def test_a_bad_cell_gets_the_decimal_paths_located_error(tmp_path):
    """A cell the columnar reader cannot vouch for goes to the reference reader, which locates it."""
    text = (ROOT / "examples" / "s2" / "metrics.csv").read_text(encoding="utf-8-sig")
    header, first, *rest = csv.reader(io.StringIO(text))
    first[-1] = "lots"
    bad = write_csv(tmp_path / "bad.csv", [header, first, *rest])
    columnar = run("evaluate", "--policy", ROOT / "policies" / "s2_commission.yaml", "--metrics", bad,
                   "--engine", "columnar", "--format", "csv")
    decimal = run("evaluate", "--policy", ROOT / "policies" / "s2_commission.yaml", "--metrics", bad,
                  "--engine", "decimal", "--format", "csv")
    assert columnar.exit_code == decimal.exit_code != 0
    assert columnar.output == decimal.output


@pytest.mark.parametrize(("case", "extra"), [("s4", ()), ("roster", ("--ascii-ids",)), ("s4+events", ()),
                                            ("roster+events", ())])
def test_pay_under_the_minimum_wage_is_said_alike_by_both_engines(case, extra, tmp_path):
    """L.1/L.4: a scaled S4 month (most trainees start under 2740) and the roster desk's (its partners
    are paid by someone else), each also with its events copied per agent: the columnar path finds them
    by one filter over the columns, the Decimal path agent by agent; the warnings and notes must be the
    same lines, naming the same first ten."""
    made = subprocess.run([sys.executable, ROOT / "benchmarks" / "scale_examples.py", case, "300", tmp_path, *extra],
                          capture_output=True, text=True, check=True)
    args = made.stdout.splitlines()
    columnar = run("evaluate", *args, "--format", "csv", "--engine", "columnar", "-v")
    decimal = run("evaluate", *args, "--format", "csv", "--engine", "decimal")
    assert columnar.exit_code == decimal.exit_code == 0, columnar.output + decimal.output
    assert columnar.stdout_bytes == decimal.stdout_bytes
    said = engine_lines(columnar.stderr)
    assert len(said) == 1 and "columnar" in said[0] and "decimal" not in said[0], said
    others = [line for line in columnar.stderr.splitlines() if line not in said]
    assert others == decimal.stderr.splitlines()
    assert any("最低工资" in line for line in others)
