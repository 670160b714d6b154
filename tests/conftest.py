"""Hypothesis settings shared by the suite.

Locally, property tests explore new examples on every run (that is how they find bugs). In CI
(`CI=true`) they are derandomized, so a submission's result depends on its code, not on luck;
the fuzz harnesses under tests/fuzz choose their own profiles.

No test asserts wall-clock time (tests/test_no_wall_clock.py): Hypothesis's per-example deadline,
200 ms of wall clock by default, would fail an example that a busy machine merely delayed, so it
is off in every profile. Work that must stay fast is bounded in CPU time (tests/cpu_time.py).
"""

import os

from hypothesis import settings

settings.register_profile("jixiao", deadline=None)
settings.register_profile("ci", parent=settings.get_profile("jixiao"), derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "jixiao")

# The ledger's back-ends for the tests (the `db` fixture: SQLite and PostgreSQL): tests/ledger_backends.py.
pytest_plugins = ["ledger_backends"]
