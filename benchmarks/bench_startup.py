"""Benchmark: `jixiao validate` start-up against importing only the libraries it needs.

Issue 19 asks `jixiao validate` to stay within 1.3x of a bare `import yaml, jsonschema, simpleeval,
click`: whatever the command costs beyond that is jixiao's own (its modules and the checks). Both
sides run as fresh processes, interleaved so a noisy neighbour hurts both alike; each side's wall
median over `--repeat` runs is printed side by side with their ratio.

Run:  python benchmarks/bench_startup.py [--repeat 15] [--policy policies/s0_shop.yaml]

The `jixiao` command is the one installed next to this interpreter (an editable install of this
checkout); without one, `python -m cli` from the checkout is timed instead. The children run with
bytecode caching on (PYTHONDONTWRITEBYTECODE dropped), as an installed jixiao does: the libraries
come with their .pyc files, so compiling jixiao's sources on every run would not be a fair side.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIBRARIES = "import yaml, jsonschema, simpleeval, click"
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _jixiao() -> list[str]:
    """The installed command beside this interpreter, else the checkout's cli module."""
    beside = Path(sys.executable).parent / "jixiao"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("jixiao")
    return [found] if found else [sys.executable, "-m", "cli"]


def _wall(command: list[str]) -> float:
    """Seconds one fresh process takes, start to exit; a failing command stops the benchmark."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.decode(errors='replace')[-500:]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="fresh processes per side (median taken)")
    parser.add_argument("--policy", default="policies/s0_shop.yaml", help="the policy `jixiao validate` checks")
    args = parser.parse_args()

    libraries = [sys.executable, "-c", LIBRARIES]
    validate = [*_jixiao(), "validate", args.policy]
    _wall(libraries), _wall(validate)  # warm the file cache and write the .pyc files: not counted
    bare: list[float] = []
    command: list[float] = []
    for _ in range(args.repeat):
        bare.append(_wall(libraries))
        command.append(_wall(validate))
    a, b = statistics.median(bare), statistics.median(command)
    print(f"(a) python -c \"{LIBRARIES}\"   median {a * 1000:8.1f} ms  (n={args.repeat})")
    print(f"(b) jixiao validate {args.policy}   median {b * 1000:8.1f} ms  (n={args.repeat})")
    print(f"ratio b/a: {b / a:.2f}  (issue 19 asks at most 1.30)")


if __name__ == "__main__":
    main()
