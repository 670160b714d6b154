"""No test asserts wall-clock time (issue 14, section 9): a busy machine must not fail the suite.

Every file under tests/ is read for what measures or limits the wall clock: reading a clock
(perf_counter, monotonic, time.time, datetime.now), a Hypothesis deadline other than None, a
positive timeout, a wall-clock alarm. A test that must show work stays fast bounds its CPU time
(tests/cpu_time.py); a figure worth watching is a benchmark under benchmarks/.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import settings

TESTS = Path(__file__).resolve().parent
WALL_CLOCK = re.compile(
    r"\bperf_counter(?:_ns)?\b|\bmonotonic(?:_ns)?\b|\btime\.time(?:_ns)?\(|\bfrom time import\b[^\n]*\btime\b"
    r"|\bdatetime\.now\(|\bdeadline\s*=\s*(?!None\b)|\btimeout\s*=\s*[1-9]|\bITIMER_REAL\b|\bsignal\.alarm\("
    r"|\bmark\.timeout\b")
# Files that read the wall clock without asserting on it, and why.
ALLOWED = {
    "fuzz/survey.py": "a campaign script, not a test: --minutes says how long to keep generating",
    "test_no_wall_clock.py": "this test, which names what it looks for",
}


def test_no_test_reads_or_limits_the_wall_clock():
    found = [f"{path.relative_to(TESTS)}:{text[:match.start()].count(chr(10)) + 1}: {match.group()}"
             for path in sorted(TESTS.rglob("*.py")) if path.relative_to(TESTS).as_posix() not in ALLOWED
             for text in [path.read_text(encoding="utf-8")] for match in WALL_CLOCK.finditer(text)]
    assert found == [], "bound CPU time (tests/cpu_time.py) or move the figure to benchmarks/"


def test_the_pattern_finds_what_it_is_meant_to():
    caught = ["t = time.perf_counter()", "time.monotonic()", "start = time.time()", "from time import time, sleep",
              "datetime.now()", "@settings(deadline=500)", "subprocess.run(x, timeout=300)",
              "signal.setitimer(signal.ITIMER_REAL, 2)", "signal.alarm(5)", "@pytest.mark.timeout(3)"]
    passed = ["time.process_time()", "time.sleep(0.01)", "@settings(deadline=None)", "open_ledger(db, timeout=0)",
              "signal.ITIMER_PROF", "from time import sleep", "runtime = 3"]
    assert [line for line in caught if not WALL_CLOCK.search(line)] == []
    assert [line for line in passed if WALL_CLOCK.search(line)] == []


def test_hypothesis_has_no_wall_clock_deadline():
    assert settings.default.deadline is None
