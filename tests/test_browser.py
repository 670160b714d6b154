"""The payslip and the team report as a person sees them: opened in headless Chromium, offline.

No console errors, no request beyond the file itself, every chart (svg) drawn with a size, the
numbers on the page equal to the engine's results (`evaluate --format json`), a payslip on one A4
page; a screenshot of each under build/screenshots/ for people to look at. In CI these run, never
skip (tests/harness/browser.py). The S4 month's figures are examples/README.md's (S4.P19 within L.1).
"""

from __future__ import annotations

import pytest
from harness.browser import browser, opened
from harness.cli import results_by_agent, run
from harness.ledger import record
from harness.paths import EXAMPLES, S0_POLICY, S4_EVENTS, S4_METRICS, S4_POLICY, S4_ROSTER

CAREERS = EXAMPLES / "careers"
S4_FILES = ("--policy", S4_POLICY, "--metrics", S4_METRICS, "--roster", S4_ROSTER, "--events", S4_EVENTS)


@pytest.fixture(scope="module")
def chromium():
    with browser() as launched:
        yield launched


@pytest.fixture(scope="module")
def s4_results() -> dict[str, dict]:
    return results_by_agent(run("evaluate", *S4_FILES, "--format", "json"))


def money(text: str) -> str:
    """A shown amount as the engine's decimal text (the page groups nothing: 2740.00 is 2740.00)."""
    return text.replace(",", "").replace("元", "").strip()


def test_a_payslip_in_the_browser(chromium, s4_results, tmp_path):
    folder = tmp_path / "slips"
    assert run("payslips", *S4_FILES, "--out", folder).exit_code == 0
    with opened(chromium, folder / "2026-10_2006_萧然.html", width=800) as seen:
        assert seen.errors == []
        assert seen.requests == [(folder / "2026-10_2006_萧然.html").resolve().as_uri()]
        expected = s4_results["2006"]["pay"]
        assert money(seen.text("#total")) == expected["total"] == "2740.00"
        shown = {row.get_attribute("data-line"): money(row.query_selector("td.num").inner_text())
                 for row in seen.page.query_selector_all("tr[data-line]")}
        assert shown == expected["components"]
        assert money(seen.text("#carried")) == "289.96"  # L.1: carried to next month
        assert seen.pdf_pages() == 1
        seen.screenshot("payslip-2006.png")
    for page in sorted(folder.glob("*.html")):  # every agent's statement prints on one A4 page
        with opened(chromium, page, width=800) as seen:
            assert seen.errors == [] and seen.pdf_pages() == 1, page.name


def test_the_team_report_in_the_browser(chromium, tmp_path):
    """examples/careers recorded for a quarter: every chart drawn, the ranking equal to `show`'s results."""
    db = tmp_path / "careers.db"
    for month in ("2026-10", "2026-11", "2026-12"):
        assert record(db, month, S0_POLICY, CAREERS / f"metrics-{month}.csv",
                      roster=CAREERS / "roster.csv").exit_code == 0
    out = tmp_path / "report.html"
    assert run("report", "--period", "2026-12", "--db", db, "--out", out).exit_code == 0
    shown = results_by_agent(run("show", "--period", "2026-12", "--db", db, "--format", "json"))
    with opened(chromium, out) as seen:
        assert seen.errors == []
        assert seen.requests == [out.resolve().as_uri()]
        sizes = seen.chart_sizes()
        assert len(sizes) == 1 + 8 + 1 + 2  # distribution, a chart per KPI, pay, two trends
        assert all(width > 0 and height > 0 for width, height in sizes), sizes
        on_page = {row.get_attribute("data-agent"): (money(row.query_selector("td.score").inner_text()),
                                                     money(row.query_selector("td.total").inner_text()))
                   for row in seen.page.query_selector_all("#ranking tr[data-agent]")}
        assert on_page == {a: (r["score"], r["pay"]["total"]) for a, r in shown.items()}
        seen.screenshot("team-report.png")


def test_the_team_report_from_files_in_the_browser(chromium, s4_results, tmp_path):
    out = tmp_path / "s4.html"
    assert run("report", *S4_FILES, "--out", out, "--lang", "en").exit_code == 0
    with opened(chromium, out) as seen:
        assert seen.errors == []
        assert all(width > 0 and height > 0 for width, height in seen.chart_sizes())
        assert seen.page.evaluate("document.documentElement.scrollWidth") <= 1200  # the page never scrolls sideways
        # Ten pay lines and their headings fit the page's width: nothing is cut off when printed.
        assert seen.page.evaluate("document.querySelector('#pay').scrollWidth <= "
                                  "document.querySelector('#pay').parentElement.clientWidth")
        lost = {(row.get_attribute("data-agent"), row.get_attribute("data-line")):
                money(row.query_selector("td.num").inner_text())
                for row in seen.page.query_selector_all("#losses tr[data-agent]")}
        assert lost[("1006", "commission")] == "440.00"  # S4.P24 (examples/README.md)
        totals = {row.get_attribute("data-agent"): money(row.query_selector("td.total").inner_text())
                  for row in seen.page.query_selector_all("#ranking tr[data-agent]")}
        assert totals == {a: r["pay"]["total"] for a, r in s4_results.items()}
        seen.screenshot("team-report-s4-en.png")
