"""What every fuzz target shares: the hypothesis profiles, a hard time bound and the seed files.

Two profiles: the short one runs inside the normal `python -m pytest` (few examples, derandomized,
so the suite is the same on every run and every machine); `JIXIAO_FUZZ=long` selects the long one
(many examples, a fresh random seed each run, failures saved in `.hypothesis/` so they replay).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[2]
POLICIES = tuple(sorted((ROOT / "policies").glob("*.yaml")))
EXAMPLES = ROOT / "examples"

LONG = os.environ.get("JIXIAO_FUZZ", "") == "long"
# A long run multiplies each target's short count by this (or sets it outright with _EXAMPLES).
LONG_FACTOR = 100
EXAMPLES_OVERRIDE = int(os.environ.get("JIXIAO_FUZZ_EXAMPLES", "0") or 0)
# Hostile input must be refused fast: one example that takes longer than this is a finding.
TIME_LIMIT = float(os.environ.get("JIXIAO_FUZZ_TIMEOUT", "2"))

_QUIET = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large,
          HealthCheck.large_base_example]
settings.register_profile("jixiao-fuzz-short", derandomize=True, database=None, deadline=None,
                          suppress_health_check=_QUIET, print_blob=True)
settings.register_profile("jixiao-fuzz-long", derandomize=False, deadline=None,
                          suppress_health_check=_QUIET, print_blob=True)
PROFILE = "jixiao-fuzz-long" if LONG else "jixiao-fuzz-short"


def fuzz_settings(short: int) -> settings:
    """The active profile with this target's example count (`short` in the normal suite)."""
    count = EXAMPLES_OVERRIDE or (short * LONG_FACTOR if LONG else short)
    return settings(settings.get_profile(PROFILE), max_examples=count)


class _Overtime(BaseException):
    """Raised by the alarm; a BaseException so the engine's `except Exception` cannot swallow it."""


def _project_frame(frame) -> str:
    """`engine/check.py:123`: the innermost project frame (not this harness) the alarm stopped."""
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        if path.is_relative_to(ROOT) and not any(
            path.is_relative_to(ROOT / skip) for skip in (".venv", "tests/fuzz")
        ):
            return f"{path.relative_to(ROOT)}:{frame.f_lineno}"
        frame = frame.f_back
    return "outside the project"


class TooSlow(AssertionError):
    """One example ran past TIME_LIMIT: a hang or a blow-up on hostile input."""


@contextmanager
def bounded(what: str, limit: float | None = None) -> Iterator[None]:
    """Run the block under a hard wall-clock bound; overrunning it fails the example.

    The alarm interrupts a real hang (the block never returns); the clock check after the block
    catches work that finished, but too slowly.
    """
    limit = TIME_LIMIT if limit is None else limit

    def _alarm(signum, frame):
        raise _Overtime(_project_frame(frame))

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit * 2)  # room for the after-the-fact check below
    start = time.perf_counter()
    try:
        yield
    except _Overtime as stopped:
        raise TooSlow(f"{what}: still running after {limit * 2:.1f} s (a hang) at {stopped}") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    elapsed = time.perf_counter() - start
    if elapsed > limit:
        raise TooSlow(f"{what}: took {elapsed:.2f} s, the bound is {limit:.1f} s")
