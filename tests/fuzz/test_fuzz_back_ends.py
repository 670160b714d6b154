"""Fuzz target: the two back-ends of a plan agree on generated valid policies and inputs.

The policies and months of the `valid` targets (test_fuzz_valid: every kind of metric, KPI, pay
component, ratings, gates, roles, a population value and a ranking; test_fuzz_valid_penalties:
events, clauses, the legal guard over deductions) are evaluated by the generated code and by
the reference interpreter (engine.run.interpret): the results and traces must be identical bit
for bit (Decimal digits and exponents included), with the trace and without, and an evaluation
that stops must stop with the same located error in both languages.
"""

from __future__ import annotations

import random
import sys
from decimal import Decimal
from pathlib import Path

from fuzz_support import bounded, fuzz_settings, time_limit
from hypothesis import given
from test_fuzz_valid import _checked_plan, scenarios
from test_fuzz_valid_penalties import _plan, penalty_policies

from engine.model.inputs import State

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.run.test_back_ends import agree


@fuzz_settings(40)
@given(scenarios())
def test_generated_code_and_interpreter_agree_on_valid_policies(scenario):
    policy, agents = scenario
    with bounded("compile+evaluate twice", time_limit(8 * len(agents) + 4)):
        agree(_checked_plan(policy), agents)


@fuzz_settings(25)
@given(penalty_policies())
def test_generated_code_and_interpreter_agree_on_penalties_and_deductions(scenario):
    """With a loss carried in from earlier months and manual adjustments, as a ledger would give."""
    policy, agents = scenario
    with bounded("compile+evaluate twice", time_limit(8 * len(agents) + 4)):
        plan = _plan(policy)
        rng = random.Random(len(agents))
        carried = {a.agent: Decimal(rng.randrange(0, 50_000)) / 100 for a in agents}
        adjustments = {a.agent: Decimal(rng.randrange(-20_000, 20_000)) / 100 for a in agents[::2]}
        agree(plan, agents, State(carried=carried), adjustments=adjustments)
