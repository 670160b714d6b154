"""How much of the generated policies and months the columnar back-end covers, and why not the rest.

Runs the two targets of test_fuzz_columnar (generated valid policies without population values, and
adversarial months for such policies) with fresh seeds and prints the share of scenarios evaluated as
columns, those the reference itself refuses (an evaluation error: the columnar path must say
NotCovered), and the commonest reasons for NotCovered (names and numbers folded to X). A property
failure is printed with its scenario, like survey.py's.

    python tests/fuzz/columnar_coverage.py --examples 200            # both targets
    python tests/fuzz/columnar_coverage.py --examples 100 adversarial
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import warnings
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from test_fuzz_columnar import adversarial_months, columnar_scenarios, same_or_not_covered  # noqa: E402
from test_fuzz_valid import _checked_plan  # noqa: E402

TARGETS = {"valid": lambda: columnar_scenarios, "adversarial": adversarial_months}


def coverage(name: str, examples: int) -> Counter:
    outcomes: Counter = Counter()

    def record(scenario) -> None:
        policy, agents = scenario
        try:
            found = same_or_not_covered(_checked_plan(policy), agents)
        except AssertionError as failed:
            outcomes["FAILED"] += 1
            print(f"!! property failed: {str(failed)[:500]}\n   scenario: {scenario!r}"[:3000])
            return
        outcomes[re.sub(r"\b[a-z]+\d+\b|\d+", "X", found)[:110]] += 1

    run = settings(max_examples=examples, database=None, deadline=None, phases=[Phase.generate],
                   suppress_health_check=list(HealthCheck))(given(TARGETS[name]())(record))
    seed(random.getrandbits(64))(run)()
    total = sum(outcomes.values())
    covered = outcomes["covered"]
    refused = sum(c for k, c in outcomes.items() if k.startswith(("not covered: agent", "not covered: an agent")))
    print(f"\n== {name}: {total} scenarios, {covered} covered ({covered / max(total, 1):.0%}), "
          f"{refused} the reference refuses, {outcomes['FAILED']} failed")
    for reason, count in outcomes.most_common():
        if reason != "covered":
            print(f"   {count:4d}  {reason}")
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", help="valid, adversarial (default: both)")
    parser.add_argument("--examples", type=int, default=200, help="scenarios per target")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    for name in args.targets or list(TARGETS):
        coverage(name, args.examples)


if __name__ == "__main__":
    main()
