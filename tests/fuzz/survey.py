"""Run fuzz targets for a while and list every DISTINCT failure, not just the first.

pytest + hypothesis stop at the first failing example of a test and shrink it. A campaign wants
the whole picture: this runs each target's strategy in batches with fresh seeds until the time is
up, groups failures by exception type and the innermost project line that raised it, and prints,
per group, how often it happened and the smallest input that caused it.

    python tests/fuzz/survey.py --minutes 5                 # every target
    python tests/fuzz/survey.py --minutes 2 expr csv        # some targets
"""

from __future__ import annotations

import argparse
import importlib
import random
import resource
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]

from fuzz_support import ROOT, TooSlow  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# name: (module, strategy factory, property), resolved only for the targets asked for.
TARGETS: dict[str, tuple[str, Callable, str]] = {
    "policy-bytes": ("test_fuzz_policy", lambda m: m.byte_mutants(), "load_check_compile"),
    "policy-tree": ("test_fuzz_policy", lambda m: m.tree_mutants().map(m.dump), "load_check_compile"),
    "policy-large": ("test_fuzz_policy", lambda m: m.large_policies().map(m.dump), "load_check_compile"),
    "expr-parse": ("test_fuzz_expr", lambda m: m.any_text, "parse_or_refuse"),
    "expr-agree": ("test_fuzz_expr", lambda m: m.cases(), "agree"),
    "csv": ("test_fuzz_tables", lambda m: m.csv_mutants(), "read_file"),
    "xlsx": ("test_fuzz_tables", lambda m: m.xlsx_mutants(), "read_file"),
    "valid": ("test_fuzz_valid", lambda m: m.scenarios(), "evaluate_everything"),
    "valid-csv": ("test_fuzz_valid", lambda m: st.tuples(m.scenarios(), m.ENCODINGS), "read_back"),
    "valid-penalties": ("test_fuzz_valid_penalties", lambda m: m.penalty_policies(), "evaluate_penalties"),
    "events-csv": ("test_fuzz_events", lambda m: m.csv_mutants(), "read_file"),
    "events-jsonl": ("test_fuzz_events", lambda m: m.jsonl_mutants(), "read_file"),
    "events-xlsx": ("test_fuzz_events", lambda m: m.xlsx_mutants(), "read_file"),
}


def _target(name: str) -> tuple[st.SearchStrategy, Callable[[object], None]]:
    module_name, strategy, prop = TARGETS[name]
    module = importlib.import_module(module_name)
    return strategy(module), getattr(module, prop)


@dataclass
class Group:
    message: str
    sample: object
    size: int
    count: int = 0
    examples: list[str] = field(default_factory=list)


def _where(exc: BaseException) -> str:
    if isinstance(exc, TooSlow):
        return str(exc).rsplit(" at ", 1)[-1] if " at " in str(exc) else "slow"
    place = "?"
    for frame, line in traceback.walk_tb(exc.__traceback__):
        path = Path(frame.f_code.co_filename)
        if path.is_relative_to(ROOT) and not path.is_relative_to(ROOT / ".venv"):
            place = f"{path.relative_to(ROOT)}:{line}"
    return place


def survey(name: str, strategy: st.SearchStrategy, prop: Callable, seconds: float, batch: int) -> dict:
    groups: dict[tuple[str, str], Group] = {}
    runs = 0

    def record(sample: object) -> None:
        nonlocal runs
        runs += 1
        try:
            prop(sample)
        except Exception as exc:
            key = (type(exc).__name__, _where(exc))
            text = repr(sample)
            group = groups.get(key)
            if group is None:
                group = groups[key] = Group(f"{type(exc).__name__}: {str(exc)[:300]}", sample, len(text))
            elif len(text) < group.size:
                group.sample, group.size, group.message = sample, len(text), f"{type(exc).__name__}: {str(exc)[:300]}"
            group.count += 1

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        run = settings(max_examples=batch, database=None, deadline=None, phases=[Phase.generate],
                       suppress_health_check=list(HealthCheck))(given(strategy)(record))
        seed(random.getrandbits(64))(run)()
    print(f"\n== {name}: {runs} examples, {len(groups)} distinct failure(s)")
    for (kind, where), group in sorted(groups.items(), key=lambda item: -item[1].count):
        print(f"-- {kind} at {where} ×{group.count}\n   {group.message}\n   smallest: {repr(group.sample)[:1500]}")
    return groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", help="target names (default: all)")
    parser.add_argument("--minutes", type=float, default=1.0, help="time per target")
    parser.add_argument("--batch", type=int, default=100, help="examples per fresh seed")
    args = parser.parse_args()
    # A blow-up (text * 10**9) must become a MemoryError, not take the machine down.
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
    warnings.simplefilter("ignore")  # a warning is not a failure here (see FINDINGS.md for the ones seen)
    for name in args.targets or list(TARGETS):
        strategy, prop = _target(name)
        survey(name, strategy, prop, args.minutes * 60, args.batch)


if __name__ == "__main__":
    main()
