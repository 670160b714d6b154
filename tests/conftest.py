"""Hypothesis settings shared by the suite.

Locally, property tests explore new examples on every run (that is how they find bugs). In CI
(`CI=true`) they are derandomized, so a submission's result depends on its code, not on luck;
the fuzz harnesses under tests/fuzz choose their own profiles.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")
