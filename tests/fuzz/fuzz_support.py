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
# Hostile input must be refused fast: one example that uses more CPU than this is a finding. The
# long run is tight (2 s); the normal suite allows 10 s, five times the long bound, so only a real
# blow-up fails it. Both count the process's own CPU time, not the wall clock, so a loaded machine
# (CI, other jobs) cannot turn a slow moment into a failure.
_OVERRIDE = os.environ.get("JIXIAO_FUZZ_TIMEOUT", "")
TIME_LIMIT = float(_OVERRIDE or (2 if LONG else 10))


def time_limit(long_seconds: float) -> float:
    """A target's own bound: as given in a long run, five times it (at least TIME_LIMIT) in the short one."""
    if _OVERRIDE:
        return float(_OVERRIDE)
    return long_seconds if LONG else max(TIME_LIMIT, long_seconds * 5)


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
    """Run the block under a hard bound on the CPU time it uses; overrunning it fails the example.

    The alarm (a CPU-time timer, SIGPROF) interrupts a real hang: the block never returns; the
    check after the block catches work that finished, but too slowly. Neither counts time the
    process spent waiting for the CPU.
    """
    limit = TIME_LIMIT if limit is None else limit

    def _alarm(signum, frame):
        raise _Overtime(_project_frame(frame))

    previous = signal.signal(signal.SIGPROF, _alarm)
    signal.setitimer(signal.ITIMER_PROF, limit * 2)  # room for the after-the-fact check below
    start = time.process_time()
    try:
        yield
    except _Overtime as stopped:
        raise TooSlow(f"{what}: still running after {limit * 2:.1f} s of CPU (a hang) at {stopped}") from None
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
    elapsed = time.process_time() - start
    if elapsed > limit:
        raise TooSlow(f"{what}: took {elapsed:.2f} s of CPU, the bound is {limit:.1f} s")

