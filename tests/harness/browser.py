"""A page opened as a person opens it: Debian's headless Chromium, offline, driven by Playwright.

Playwright (the Python package) drives the system's `chromium` through its own protocol, pointed
at the binary with `executable_path`; it never downloads a browser of its own. In CI (`CI=true`)
a missing browser or driver fails the test: these tests must run there. Elsewhere they are skipped
with the reason and how to get one (`apt-get install -y chromium`).

Every page is opened from a file with the network cut (an offline context, and any request that is
not for the file itself aborted), so a report that needs the network shows it as a console error.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from harness.paths import ROOT

SCREENSHOTS = ROOT / "build" / "screenshots"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def chromium_path() -> str | None:
    """The browser to drive: $JIXIAO_CHROMIUM, else Debian's chromium on the PATH."""
    chosen = os.environ.get("JIXIAO_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).exists() else None
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}: in CI the browser tests must run (.ci/run installs chromium)")
    pytest.skip(f"{reason} (install it with: apt-get install -y chromium)")


@dataclass
class Opened:
    """A page loaded from a file, and what its console said."""

    page: object
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def chart_sizes(self) -> list[tuple[float, float]]:
        """Every inline SVG's rendered width and height, in CSS pixels."""
        return [(box["width"], box["height"]) for box in
                (svg.bounding_box() or {"width": 0, "height": 0} for svg in self.page.query_selector_all("svg"))]

    def text(self, selector: str) -> str:
        return self.page.inner_text(selector)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / name
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def pdf_pages(self) -> int:
        """How many A4 pages the page prints on (its own @page rules)."""
        data = self.page.pdf(prefer_css_page_size=True, print_background=True)
        return data.count(b"/Type /Page") - data.count(b"/Type /Pages")


@contextlib.contextmanager
def browser() -> Iterator[object]:
    """A headless Chromium (no sandbox when run as root, as in CI containers), closed afterwards."""
    executable = chromium_path()
    if executable is None:
        _unavailable("no chromium found")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    args = ["--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-default-apps", "--disable-extensions"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    with sync_playwright() as driver:
        # Playwright's default 30 s limits are wall-clock limits: a busy machine must not fail the suite
        # (tests/test_no_wall_clock.py), so none is set (0: no limit), for the launch and for every page.
        launched = driver.chromium.launch(executable_path=executable, headless=True, args=args, timeout=0)
        try:
            yield launched
        finally:
            launched.close()


@contextlib.contextmanager
def opened(launched, path: Path, *, width: int = 1200) -> Iterator[Opened]:
    """`path` in a new offline page of `launched`, loaded, with its console errors collected."""
    context = launched.new_context(offline=True, viewport={"width": width, "height": 900}, locale="zh-CN")
    context.set_default_timeout(0)
    context.set_default_navigation_timeout(0)
    page = context.new_page()
    seen = Opened(page)
    page.on("console", lambda message: seen.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    url = path.resolve().as_uri()

    def only_the_file(route) -> None:
        seen.requests.append(route.request.url)
        if route.request.url == url:
            route.continue_()
        else:
            route.abort()

    page.route("**/*", only_the_file)
    try:
        page.goto(url, wait_until="load")
        yield seen
    finally:
        context.close()
