"""Pausing Python's cycle collector around loops that build many acyclic objects.

Reading a year's export and evaluating it each create around a million records, dicts and
Decimals, none of which form reference cycles. The collector would still rescan the growing
heap again and again; pausing it removes a sixth of the read's time and a third of the run's.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause the collector for the block; restore it only if it was running before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
