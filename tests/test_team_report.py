"""`jixiao report`: a month's team report, one self-contained HTML file.

The figures are the engine's (`evaluate` / `show --format json`). Who lost what to which clause is the
S4 month of examples/README.md (docs/rules.md S4.P6–S4.P25, S4.W); the thresholds are the S0 policy's
(S0.5: under 60 cancels the commission; ratings at 60 and 90); the decisions are the S0.7 review of
examples/careers closing 2026-12.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from harness.cli import results_by_agent, run
from harness.files import write_csv
from harness.ledger import record
from harness.paths import EXAMPLES, S0_METRICS, S0_POLICY, S4_EVENTS, S4_METRICS, S4_POLICY, S4_ROSTER

from engine.model.results import AgentResult, Outcome
from engine.report.team_report import ranked

S0_FILES = ("--policy", S0_POLICY, "--metrics", S0_METRICS, "--roster", EXAMPLES / "s0" / "roster.csv")
S4_FILES = ("--policy", S4_POLICY, "--metrics", S4_METRICS, "--roster", S4_ROSTER, "--events", S4_EVENTS)
CAREERS = EXAMPLES / "careers"


class Rows(HTMLParser):
    """Each table row's data-* attributes, by table id, and whether any script or external URL is present."""

    def __init__(self) -> None:
        super().__init__()
        self.table = ""
        self.rows: dict[str, list[dict[str, str]]] = {}
        self.tags: set[str] = set()
        self.urls: list[str] = []
        self.thresholds: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        if tag == "table":
            self.table = found.get("id", "")
        if tag == "tr" and any(k.startswith("data-") for k in found):
            self.rows.setdefault(self.table, []).append(found)
        if "data-threshold" in found:
            self.thresholds.append(found["data-threshold"])
        self.urls += [v for k, v in found.items() if k in ("src", "href") or (v.startswith(("http:", "https:"))
                      and k != "xmlns")]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Rows:
    rows = Rows()
    rows.feed(html)
    return rows


@pytest.fixture(scope="module")
def s0_report() -> str:
    result = run("report", *S0_FILES)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_ranking_is_the_engines_results_by_score(s0_report):
    expected = results_by_agent(run("evaluate", *S0_FILES, "--format", "json"))
    rows = parse(s0_report).rows["ranking"]
    assert {r["data-agent"]: r["data-total"] for r in rows} == {a: r["pay"]["total"] for a, r in expected.items()}
    scores = [Decimal(r["data-score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert rows[0]["data-agent"] == "2006" and rows[-1]["data-agent"] == "2001"


def test_equal_scores_share_a_place():
    def outcome(agent: str, score: str) -> Outcome:
        result = AgentResult(agent, "2026-10", "", "", None, None, Decimal(score), None, (), (), Decimal(0))
        return Outcome(result, (), Decimal(0))

    places = [(p, o.result.agent) for p, o in ranked([outcome("3", "80"), outcome("1", "90"), outcome("2", "90")])]
    assert places == [(1, "1"), (1, "2"), (3, "3")]


def test_the_distribution_marks_the_rating_and_gate_thresholds(s0_report):
    """S0.5: the gate at 60; the ratings 优秀 ≥ 90 and 达标 ≥ 60."""
    page = parse(s0_report)
    assert sorted(page.thresholds, key=Decimal) == ["60", "60", "90"]
    text = "".join(page.text)
    assert "优秀 ≥ 90" in text and "达标 ≥ 60" in text and "评分低于60分无绩效奖励（60）" in text


def test_one_chart_per_kpi_and_the_pay_chart(s0_report):
    charts = re.findall(r'data-chart="(\w+)"', s0_report)
    assert charts == ["distribution", *["kpi"] * 8, "pay"]


def test_pay_by_component_is_the_engines(s0_report):
    expected = results_by_agent(run("evaluate", *S0_FILES, "--format", "json"))
    body = s0_report[s0_report.index('<table id="pay">'):]
    body = body[:body.index("</table>")]
    for agent, result in expected.items():
        line = re.search(rf'<tr data-agent="{agent}">(.*?)</tr>', body).group(1)
        cells = re.findall(r'<td class="num">([^<]*)</td>', line)
        assert cells == [*result["pay"]["components"].values(), result["pay"]["total"]]


def test_who_lost_which_bonus_to_which_clause():
    """examples/README.md's S4 month: only money that would have been paid is shown as lost."""
    page = parse(run("report", *S4_FILES).stdout)
    lost = {(r["data-agent"], r["data-line"]): r["data-value"] for r in page.rows["losses"]}
    assert lost[("1006", "commission")] == "440.00"  # S4.P24: a first response over 200 s
    assert lost[("1002", "excellent_bonus")] == "200.00"  # S4.P25
    assert lost[("1008", "step_bonus")] == "150.00"  # S4.P6
    assert lost[("2001", "team_bonus")] == "300.00"  # S4.P11
    assert ("1007", "commission") in lost  # S4.P7 and S4.P27 both fire, cancel once
    assert not {a for a, _ in lost} & {"1003", "2002"}  # trainees with nothing to lose (S4.P4, S4.P9)
    text = "".join(page.text)
    assert "首次响应超过200秒" in text and "S4.P24" in text


def test_self_contained_escaped_and_the_same_bytes(tmp_path, s0_report):
    page = parse(s0_report)
    assert "script" not in page.tags and page.urls == []
    out = tmp_path / "r.html"
    assert run("report", *S0_FILES, "--out", out).exit_code == 0
    assert out.read_bytes() == s0_report.encode()


def test_names_from_files_are_escaped(tmp_path):
    rows = list(csv.reader(io.StringIO((EXAMPLES / "s0" / "roster.csv").read_text(encoding="utf-8-sig"))))
    rows[1] = ["1001", "<img src=x onerror=alert(1)>", "正式", "A3", "一组"]
    roster = write_csv(tmp_path / "roster.csv", rows)
    html = run("report", "-p", S0_POLICY, "-m", S0_METRICS, "-r", roster).stdout
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_in_english(s0_report):
    html = run("report", *S0_FILES, "--lang", "en").stdout
    assert '<html lang="en">' in html and "Score distribution" in html and "Pay by component" in html
    assert "得分分布" in s0_report


def test_one_team():
    page = parse(run("report", *S4_FILES, "--team", "一组").stdout)
    assert {r["data-agent"] for r in page.rows["ranking"]} == {f"100{i}" for i in range(1, 9)}


def test_from_the_ledger_month_over_month_by_team_and_the_decisions(tmp_path):
    db = tmp_path / "careers.db"
    months = ("2026-10", "2026-11", "2026-12")
    for month in months:
        result = record(db, month, S0_POLICY, CAREERS / f"metrics-{month}.csv", roster=CAREERS / "roster.csv")
        assert result.exit_code == 0, result.output
    result = run("report", "--period", "2026-12", "--db", db)
    assert result.exit_code == 0, result.output
    page = parse(result.stdout)
    trend = page.rows["trend"]
    roster = list(csv.DictReader(io.StringIO((CAREERS / "roster.csv").read_text(encoding="utf-8-sig"))))
    teams_of = {row["工号"]: row["组别"] for row in roster}  # the roster's teams (no team change is decided)
    for month in months:
        shown = results_by_agent(run("show", "--period", month, "--db", db, "--format", "json"))
        teams = {r["data-team"] for r in trend if r["data-period"] == month}
        assert teams
        for team in teams:
            (row,) = [r for r in trend if r["data-period"] == month and r["data-team"] == team]
            members = [a for a in shown if teams_of[a] == team]
            assert Decimal(row["data-total"]) == sum(Decimal(shown[a]["pay"]["total"]) for a in members)
    text = "".join(page.text)
    assert "1001 · 2026-12 等级调整：A1 → A2（2027-01 起生效）" in text
    assert "账本第 3 次运行" in text
    assert re.findall(r'data-chart="(\w+)"', result.stdout)[-2:] == ["trend", "trend"]

