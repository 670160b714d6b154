"""A bound on the CPU time a block uses, for the tests that show hostile input is refused fast.

No test asserts wall-clock time: on a busy machine (CI, two shared cores, the rest of the suite)
a 2 s wall-clock bound on work that takes 1 s failed a new user's first test run. What such a test
means is "no blow-up" (exponential, quadratic), so it bounds the CPU time this process spends,
which waiting for a core does not add to, with a wide margin: CPU_BOUND is about nine times what
the slowest guarded block takes here (checking the largest loadable policy, 1.7 s). A real hang
is stopped at twice the bound by a CPU-time alarm (SIGPROF) rather than left to hang the suite.
Speed itself is measured by benchmarks/.
"""

from __future__ import annotations

import resource
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

CPU_BOUND = 15.0  # seconds of this process's CPU


class TooSlow(AssertionError):
    """The block used more CPU time than its bound: a blow-up, not a slow machine."""


class _Overtime(BaseException):
    """Raised by the alarm; a BaseException so the engine's `except Exception` cannot swallow it."""


def _alarm(signum: int, frame: object) -> None:
    raise _Overtime()


@contextmanager
def cpu_bounded(limit: float = CPU_BOUND) -> Iterator[None]:
    """Fail (TooSlow) if the block uses more than `limit` seconds of CPU; stop it at twice that."""
    previous = signal.signal(signal.SIGPROF, _alarm)
    signal.setitimer(signal.ITIMER_PROF, limit * 2)
    start = time.process_time()
    try:
        yield
    except _Overtime:
        raise TooSlow(f"still running after {limit * 2:.0f} s of CPU: a hang") from None
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
    used = time.process_time() - start
    if used > limit:
        raise TooSlow(f"used {used:.2f} s of CPU; the bound is {limit:.0f} s")


def child_cpu_limit(seconds: int) -> Callable[[], None]:
    """A `preexec_fn` for a test's subprocess: past `seconds` of CPU the child is stopped (SIGXCPU),
    whatever the clock says, so a spinning child cannot hang the suite and a busy machine cannot fail it."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))

    return limit
