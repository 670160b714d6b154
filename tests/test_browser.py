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
from harness.paths import S4_EVENTS, S4_METRICS, S4_POLICY, S4_ROSTER

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
