"""Benchmark: a large month end to end, the columnar path beside the Decimal path and a minimal reader.

Run:  python benchmarks/bench_columnar.py [--agents 1000000] [--repeat 3] [--format csv|json] [--skip-decimal]
                                         [--baseline /path/to/another/checkout] [--explain]

Writes one month of the S0 export of benchmarks/bench_year.py (GB18030, a title line above the
header, `97.50%`, `1分5秒`, `¥12.34`, thousands separators) and its roster, then runs, each as a
fresh process and interleaved `repeat` times so that a noisy neighbour hurts every side alike:

  columnar  `jixiao evaluate --engine columnar --format F --out …` (issue 19's path)
  decimal   `jixiao evaluate --engine decimal  --format F --out …` (the reference, agent by agent)
  minimal   a hand-written floor: decode the export, read it with polars (no checks, no policy),
            write the cells back out as CSV — what no correct reader and writer can beat
  baseline  with --baseline: the columnar command of another checkout of jixiao (run from there), so a
            change is measured beside what it changes, in the same run

With --explain, `jixiao explain --agent <the middle agent>` (the short form, with what it would take)
runs on each engine instead of evaluate: the month by columns and her team again by the Decimal path
(engine/columnar_explain.py), beside the whole month agent by agent; the minimal floor is the same.

It prints each side's median wall time, median CPU time (user + system of the child, every thread: on
a shared machine the wall clock also counts the neighbours) and peak memory (the child's ru_maxrss),
the ratios, and whether the outputs are byte-identical. The machines are shared 2-core VMs: read the
ratios and medians, not a lone time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

from bench_year import write_data  # noqa: E402

MINIMAL = """
import sys, polars as pl, io
text = open(sys.argv[1], 'rb').read().decode('gb18030')
frame = pl.read_csv(io.StringIO(text.split('\\n', 1)[1]), infer_schema=False)
frame.write_csv(sys.argv[2])
"""


def run(command: list[str], cwd: Path, stdout: Path | None = None) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak memory (MiB) of one fresh process (its output into `stdout`, if
    given); it must succeed."""
    start = time.perf_counter()
    with open(stdout or os.devnull, "wb") as into:
        child = subprocess.Popen(command, stdout=into, stderr=subprocess.PIPE, cwd=cwd)
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status:
        raise SystemExit(f"failed: {' '.join(command)}\n{child.stderr.read().decode() if child.stderr else ''}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--skip-decimal", action="store_true", help="leave out the Decimal path (a minute per million)")
    parser.add_argument("--baseline", type=Path, help="another checkout whose columnar path runs beside this one's")
    parser.add_argument("--explain", action="store_true", help="explain the middle agent instead of evaluating all")
    args = parser.parse_args()
    policy = str(ROOT.parent / "policies" / "s0_shop.yaml")
    with tempfile.TemporaryDirectory() as folder:
        metrics, roster = write_data(Path(folder), args.agents, ["2026-10"], xlsx=False)
        out = {side: Path(folder) / f"{side}.{args.format}" for side in ("columnar", "decimal", "minimal", "baseline")}
        files = ["--policy", policy, "--metrics", str(metrics), "--roster", str(roster)]
        if args.explain:  # explain prints: its output is the process's
            jixiao = [sys.executable, "-m", "cli", "explain", *files, "--agent", f"{100000 + args.agents // 2}"]
            printed = {side: out[side] for side in ("columnar", "decimal", "baseline")}
        else:
            jixiao = [sys.executable, "-m", "cli", "evaluate", *files, "--format", args.format]
            printed = {}
        sides = {
            "columnar": [*jixiao, "--engine", "columnar"],
            "decimal": [*jixiao, "--engine", "decimal"],
            "minimal": [sys.executable, "-c", MINIMAL, str(metrics), str(out["minimal"])],
        }
        if args.skip_decimal:
            del sides["decimal"]
        where = {side: ROOT.parent for side in sides}
        if args.baseline is not None:
            sides["baseline"] = [*jixiao, "--engine", "columnar"]
            where["baseline"] = args.baseline.resolve()
        if not args.explain:
            sides = {side: command if side == "minimal" else [*command, "--out", str(out[side])]
                     for side, command in sides.items()}
        found: dict[str, list[tuple[float, float, float]]] = {side: [] for side in sides}
        for _ in range(args.repeat):
            for side, command in sides.items():
                found[side].append(run(command, where[side], printed.get(side)))
        same = {other: out["columnar"].read_bytes() == out[other].read_bytes()
                for other in ("decimal", "baseline") if other in sides}
        size = metrics.stat().st_size / 2**20
    what = f"explain of agent {100000 + args.agents // 2}" if args.explain else args.format
    print(f"S0, one month of {args.agents:,} agents ({size:.0f} MiB GB18030 export) → {what}, "
          f"{args.repeat} interleaved runs per side" + (f"; baseline: {args.baseline}" if args.baseline else ""))
    medians = {side: statistics.median(t for t, _, _ in runs) for side, runs in found.items()}
    for side, runs in found.items():
        cpu = statistics.median(c for _, c, _ in runs)
        peak = max(m for _, _, m in runs)
        print(f"  {side:9s} median {medians[side]:7.2f} s   CPU {cpu:7.2f} s   peak {peak:7.0f} MiB")
    if "decimal" in medians:
        print(f"  decimal / columnar: {medians['decimal'] / medians['columnar']:.1f}×")
    if "baseline" in medians:
        print(f"  baseline / columnar: {medians['baseline'] / medians['columnar']:.2f}×")
    print(f"  columnar / minimal: {medians['columnar'] / medians['minimal']:.2f}×")
    for other, alike in same.items():
        print(f"  columnar and {other} outputs byte-identical: {'yes' if alike else 'NO'}")


if __name__ == "__main__":
    main()
