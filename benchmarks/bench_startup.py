"""Benchmark: `jixiao validate` start-up against importing only the libraries it needs.

Issue 19 asks `jixiao validate` to stay within 1.3x of a bare `import yaml, jsonschema, simpleeval,
click`: whatever the command costs beyond that is jixiao's own (its modules and the checks). A policy
that certainly fits the schema (engine.policy.schema_fits) never imports jsonschema, so the command
is also set beside the libraries it does load, `import yaml, simpleeval, click`: that ratio is
jixiao's own cost. A policy with a mistake (the same policy with an unknown key) loads jsonschema to
word it, and is timed too. Every side runs as fresh processes, interleaved so a noisy neighbour
hurts all alike; each side's wall median over `--repeat` runs is printed with its ratios, and its
CPU time (user + system) beside it: a machine shared with other jobs stretches wall time, far less
the CPU a process spends, so the CPU ratio is the steadier of the two.

Run:  python benchmarks/bench_startup.py [--repeat 15] [--policy policies/s0_shop.yaml] [--against DIR]

The `jixiao` command is the one installed next to this interpreter (an editable install of this
checkout); without one, `python -m cli` from the checkout is timed instead. `--against DIR` also
times the jixiao checked out in DIR (`git worktree add /tmp/before main`, or `git archive main`
unpacked there), interleaved with the others, to measure a change before and after in one run:
then both checkouts run as `python -m cli` from their own folder, so neither side has an
advantage of how it is started. The children run with bytecode caching on
(PYTHONDONTWRITEBYTECODE dropped), as an installed jixiao does: the libraries come with their .pyc
files, so compiling jixiao's sources on every run would not be a fair side.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIBRARIES = "import yaml, jsonschema, simpleeval, click"
LOADED = "import yaml, simpleeval, click"  # what validate of a policy that fits the schema imports of them
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _jixiao() -> list[str]:
    """The installed command beside this interpreter, else the checkout's cli module."""
    beside = Path(sys.executable).parent / "jixiao"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("jixiao")
    return [found] if found else [sys.executable, "-m", "cli"]


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run(command: list[str], cwd: Path, code: int) -> tuple[float, float]:
    """Wall and CPU seconds one fresh process takes, start to exit; an exit other than `code` stops the benchmark."""
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, check=False)
    took = time.perf_counter() - started
    if done.returncode != code:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.decode(errors='replace')[-500:]}")
    return took, _children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="fresh processes per side (median taken)")
    parser.add_argument("--policy", default="policies/s0_shop.yaml", help="the policy `jixiao validate` checks")
    parser.add_argument("--against", metavar="DIR", help="also time `jixiao validate` of the checkout in DIR")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        bad = Path(folder) / "mistake.yaml"
        bad.write_text((ROOT / args.policy).read_text(encoding="utf-8") + "\nunknown_key: 1\n", encoding="utf-8")
        _compare(args, str((ROOT / args.policy).resolve()), str(bad))


def _compare(args: argparse.Namespace, policy: str, bad: str) -> None:
    """Each side timed `args.repeat` times, interleaved; medians and ratios printed."""
    # side: (command, folder, exit code, the side its ratio is taken to)
    sides: dict[str, tuple[list[str], Path, int, str]] = {
        "a": ([sys.executable, "-c", LIBRARIES], ROOT, 0, ""),
        "a'": ([sys.executable, "-c", LOADED], ROOT, 0, ""),
    }
    names = {"a": f'python -c "{LIBRARIES}"', "a'": f'python -c "{LOADED}"'}
    checkouts = {"": (_jixiao(), ROOT)} if not args.against else {
        " (this checkout, python -m cli)": ([sys.executable, "-m", "cli"], ROOT),
        f" ({Path(args.against).resolve()}, python -m cli)": ([sys.executable, "-m", "cli"],
                                                              Path(args.against).resolve())}
    for number, (where, (jixiao, cwd)) in enumerate(checkouts.items()):
        mark = "bc"[number]
        sides[mark] = ([*jixiao, "validate", policy], cwd, 0, "a a'")
        names[mark] = f"jixiao validate {args.policy}{where}"
        sides[mark + "!"] = ([*jixiao, "validate", bad], cwd, 1, "a")
        names[mark + "!"] = f"jixiao validate {args.policy} + one unknown key (loads jsonschema){where}"
    for command, cwd, code, _ in sides.values():
        _run(command, cwd, code)  # warm the file cache and write the .pyc files: not counted
    runs: dict[str, list[tuple[float, float]]] = {side: [] for side in sides}
    for _ in range(args.repeat):
        for side, (command, cwd, code, _) in sides.items():
            runs[side].append(_run(command, cwd, code))
    medians = {side: (statistics.median(w for w, _ in found), statistics.median(c for _, c in found))
               for side, found in runs.items()}
    for side, (wall, cpu) in medians.items():
        print(f"({side}) {names[side]}\n     median wall {wall * 1000:7.1f} ms  cpu {cpu * 1000:7.1f} ms  "
              f"(n={args.repeat})")
        for base in sides[side][3].split():
            print(f"     ratio to ({base}): wall {wall / medians[base][0]:.2f}  cpu {cpu / medians[base][1]:.2f}")
    print("issue 19 asks the ratio of `jixiao validate` to the bare imports (a) to be at most 1.30")


if __name__ == "__main__":
    main()
