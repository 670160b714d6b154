"""The shipped S4 policy without a scorecard (issue 16 item 1) and with a blank 考核结果 read as not
assessed (item 6), in every output a person reads.

S4 (docs/rules.md S4.1–S4.5) scores nobody: `policies/s4_path.yaml` declares no `kpis:` and no
`score:`, so no table, CSV, JSON, workbook, explanation, payslip, team report, ledger listing or diff
shows a score, a rating, points or a KPI — no empty column and no 0.00. Its `assessment` declares
`missing: absent`: November's newcomer 2007 夏雨 (examples/s4/metrics-2026-11.csv) has a blank
考核结果, which equals none of excellent / pass / fail, so she is paid her base 1000.00 and no 200
(S4.1), and is shown as 未考核 / not assessed.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from harness.cli import json_of, run
from harness.paths import S4_EVENTS, S4_METRICS, S4_POLICY, S4_ROSTER

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
OCTOBER = ["--policy", S4_POLICY, "--metrics", S4_METRICS, "--roster", S4_ROSTER, "--events", S4_EVENTS]
NOVEMBER = ["--policy", S4_POLICY, "--metrics", EXAMPLES / "s4" / "metrics-2026-11.csv",
            "--roster", EXAMPLES / "s4" / "roster-2026-11.csv"]
# What no output of a policy without a scorecard may say (headings, the summary, the team report).
SCORE_WORDS = {"zh": ("得分", "总分", "评级", "指标明细"), "en": ("Score", "score", "Rating", "points", "KPI")}
NOT_ASSESSED = {"zh": "未考核", "en": "not assessed"}


def ok(*args: object) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def no_score_words(text: str, lang: str) -> None:
    for word in SCORE_WORDS[lang]:
        assert word not in text, word


def test_S4_1_a_blank_assessment_is_not_assessed_and_pays_the_base_only():
    results = {r["agent"]: r for r in json_of(run("evaluate", *NOVEMBER, "--format", "json"))["results"]}
    newcomer = results["2007"]
    assert newcomer["choices"] == {"assessment": None}  # absent: no value, never an invented one
    assert newcomer["pay"]["total"] == "1000.00"  # S4.1: base 1000, no commission, no guarantee
    assert newcomer["pay"]["components"]["excellent_bonus"] == "0.00"  # S4.1: 200 only for 优秀
    assert set(newcomer) == {"agent", "period", "choices", "pay", "penalties"}  # no score, rating or kpis
    # October's people are paid as in October (no events given), but for her team's supervisor: 2007 joins
    # 二组, whose own sales over task become 220800 / 120000 = 184 %, so 2001's team bonus is 150 (S4.5),
    # not October's 300 at 200 %, and the guarantee tops 1800 up to 2000 by 200.
    october = {r["agent"]: r["pay"] for r in json_of(run("evaluate", *OCTOBER[:-2], "--format", "json"))["results"]}
    assert {a: r["pay"] for a, r in results.items() if a not in ("2001", "2007")} == {
        a: pay for a, pay in october.items() if a != "2001"}
    supervisor = results["2001"]["pay"]
    assert (supervisor["components"]["team_bonus"], supervisor["components"]["guarantee"],
            supervisor["total"]) == ("150.00", "200.00", "2000.00")
    assert sum(Decimal(r["pay"]["total"]) for r in results.values()) == Decimal("24340.02")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_table_and_csv_have_no_score_column_and_say_not_assessed(lang):
    table = ok("evaluate", *NOVEMBER, "--lang", lang)
    no_score_words(table, lang)
    newcomer = next(line for line in table.splitlines() if line.startswith("2007"))
    assert NOT_ASSESSED[lang] in newcomer and newcomer.endswith("1000.00")
    csv = ok("evaluate", *NOVEMBER, "--format", "csv", "--lang", lang)
    header = csv.splitlines()[0].lstrip("\ufeff").split(",")
    assert header[:6] == (["工号", "姓名", "组别", "岗位", "月份", "考核结果"] if lang == "zh"
                          else ["Agent", "Name", "Team", "Role", "Period", "Assessment"])
    no_score_words(",".join(header), lang)
    assert next(line for line in csv.splitlines() if line.startswith("2007,")).startswith(
        f"2007,夏雨,二组,{'见习客服' if lang == 'zh' else 'Trainee agent'},2026-11,{NOT_ASSESSED[lang]},1000.00,")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_workbook_has_no_score_column_and_no_kpi_sheet(tmp_path, lang):
    out = tmp_path / "s4.xlsx"
    ok("evaluate", *NOVEMBER, "--format", "xlsx", "--out", out, "--lang", lang)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == (["结果", "罚则明细", "方案"] if lang == "zh" else ["Results", "Penalties", "Policy"])
    rows = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    no_score_words(" ".join(str(v) for v in rows[0]), lang)
    newcomer = next(row for row in rows if row[0] == "2007")
    assert newcomer[5] == NOT_ASSESSED[lang] and Decimal(str(newcomer[-1])) == Decimal(1000)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_explain_shows_no_score_and_says_not_assessed(lang):
    text = ok("explain", *NOVEMBER, "--agent", "2007", "--full", "--lang", lang)
    no_score_words(text, lang)
    label = "考核结果" if lang == "zh" else "Assessment"
    assert any(line.strip().startswith(f"{label} (assessment) = {NOT_ASSESSED[lang]}") for line in text.splitlines())
    assert text.splitlines()[-1].startswith("2007 夏雨 2026-11 应发 1000.00 元：" if lang == "zh"
                                            else "2007 夏雨 is paid 1000.00 CNY in 2026-11: ")
    steps = json.loads(ok("explain", *NOVEMBER, "--agent", "2007", "--full", "--format", "json"))["steps"]
    assert not {s["kind"] for s in steps} & {"kpi", "score", "rating", "gate"}
    assert next(s for s in steps if s["name"] == "assessment")["value"] is None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_payslips_show_the_assessment_and_no_score(tmp_path, lang):
    folder = tmp_path / "slips"
    ok("payslips", *NOVEMBER, "--out", folder, "--lang", lang)
    page = next(folder.glob("2026-11_2007_*.html")).read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", "", page, flags=re.S))
    no_score_words(text, lang)
    assert NOT_ASSESSED[lang] in text
    sheet = openpyxl.load_workbook(folder / ("工资条_2026-11.xlsx" if lang == "zh" else "payslips_2026-11.xlsx")
                                   ).worksheets[0]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    no_score_words(" ".join(str(v) for v in rows[0]), lang)
    newcomer = next(row for row in rows if row[0] == "2007")
    assert newcomer[rows[0].index("考核结果" if lang == "zh" else "Assessment")] == NOT_ASSESSED[lang]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_team_report_skips_the_score_distribution_and_says_so(tmp_path, lang):
    out = tmp_path / "report.html"
    ok("report", *NOVEMBER, "--out", out, "--lang", lang)
    page = out.read_text(encoding="utf-8")
    assert 'id="no-scorecard"' in page and page.count("<svg") == 1  # the pay chart only: no score, no KPI chart
    assert ("本方案没有考核评分表（kpis: 与 score:），因此没有名次、得分与得分分布图" if lang == "zh"
            else "this policy has no scorecard (kpis: and score:), so there is no place, score or score distribution"
            ) in page
    ranking = page[page.index('<table id="ranking">'):page.index("</table>", page.index('<table id="ranking">'))]
    assert "data-score" not in ranking and NOT_ASSESSED[lang] in ranking
    assert "名次（按得分）" not in page and "Place (by score)" not in page


def recorded(tmp_path: Path) -> Path:
    """October then November recorded on the S4 path (November's reviews read October)."""
    db = tmp_path / "s4.db"
    ok("run", "--period", "2026-10", *OCTOBER, "--db", db)
    ok("run", "--period", "2026-11", *NOVEMBER, "--db", db)
    return db


def test_the_ledger_keeps_no_score_and_show_history_and_diff_show_none(tmp_path):
    db = recorded(tmp_path)
    shown = json.loads(ok("show", "--period", "2026-11", "--format", "json", "--db", db))["results"]
    assert all("score" not in r and "rating" not in r and "kpis" not in r for r in shown)
    assert next(r for r in shown if r["agent"] == "2007")["choices"] == {"assessment": None}
    for lang in ("zh", "en"):
        no_score_words(ok("show", "--period", "2026-11", "--db", db, "--lang", lang).splitlines()[1], lang)
        history = ok("history", "2007", "--db", db, "--lang", lang)
        no_score_words(history.splitlines()[1], lang)
        ok("show", "--period", "2026-11", "--format", "xlsx", "--out", tmp_path / f"{lang}.xlsx", "--db", db,
           "--lang", lang)
        book = openpyxl.load_workbook(tmp_path / f"{lang}.xlsx")
        no_score_words(" ".join(str(c.value) for c in book.worksheets[0][1]), lang)
    months = json.loads(ok("history", "2007", "--format", "json", "--db", db))["months"]
    assert "score" not in months[0] and "rating" not in months[0]
    diff = ok("diff", S4_POLICY, S4_POLICY, *NOVEMBER[2:], "--lang", "en")
    assert diff.splitlines()[-1] == "agents changing: band 0 · place 0 · grade 0"
    assert "rating" not in json.loads(ok("diff", S4_POLICY, S4_POLICY, *NOVEMBER[2:], "--format", "json"))["changed"]


def test_S4_1_no_review_promotes_or_dismisses_the_not_assessed_trainee(tmp_path):
    db = recorded(tmp_path)
    decisions = json.loads(ok("history", "2007", "--format", "json", "--db", db))["decisions"]
    assert [(d["kind"], d["from"], d["to"], d["rule"]) for d in decisions] == [
        ("reviewed", "trainee", "trainee", "S4.1")]
