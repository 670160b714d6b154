"""Benchmark: a large month end to end, the columnar path beside the Decimal path and a minimal reader.

Run:  python benchmarks/bench_columnar.py [--agents 1000000] [--repeat 3] [--format csv|json] [--skip-decimal]

Writes one month of the S0 export of benchmarks/bench_year.py (GB18030, a title line above the
header, `97.50%`, `1分5秒`, `¥12.34`, thousands separators) and its roster, then runs, each as a
fresh process and interleaved `repeat` times so that a noisy neighbour hurts every side alike:

  columnar  `jixiao evaluate --engine columnar --format F --out …` (issue 19's path)
  decimal   `jixiao evaluate --engine decimal  --format F --out …` (the reference, agent by agent)
  minimal   a hand-written floor: decode the export, read it with polars (no checks, no policy),
            write the cells back out as CSV — what no correct reader and writer can beat

It prints each side's median wall time and peak memory (the child's ru_maxrss), the ratios, and
whether the columnar and Decimal outputs are byte-identical. The machines are shared 2-core VMs:
read the ratios and medians, not a lone time.
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


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak memory (MiB) of one fresh process; it must succeed."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status:
        raise SystemExit(f"failed: {' '.join(command)}\n{child.stderr.read().decode() if child.stderr else ''}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--skip-decimal", action="store_true", help="leave out the Decimal path (a minute per million)")
    args = parser.parse_args()
    policy = str(ROOT.parent / "policies" / "s0_shop.yaml")
    with tempfile.TemporaryDirectory() as folder:
        metrics, roster = write_data(Path(folder), args.agents, ["2026-10"], xlsx=False)
        out = {side: str(Path(folder) / f"{side}.{args.format}") for side in ("columnar", "decimal", "minimal")}
        jixiao = [sys.executable, "-m", "cli", "evaluate", "--policy", policy, "--metrics", str(metrics),
                  "--roster", str(roster), "--format", args.format]
        sides = {
            "columnar": [*jixiao, "--engine", "columnar", "--out", out["columnar"]],
            "decimal": [*jixiao, "--engine", "decimal", "--out", out["decimal"]],
            "minimal": [sys.executable, "-c", MINIMAL, str(metrics), out["minimal"]],
        }
        if args.skip_decimal:
            del sides["decimal"]
        found: dict[str, list[tuple[float, float]]] = {side: [] for side in sides}
        os.chdir(ROOT.parent)
        for _ in range(args.repeat):
            for side, command in sides.items():
                found[side].append(run(command))
        same = None
        if "decimal" in sides:
            same = Path(out["columnar"]).read_bytes() == Path(out["decimal"]).read_bytes()
        size = metrics.stat().st_size / 2**20
    print(f"S0, one month of {args.agents:,} agents ({size:.0f} MiB GB18030 export) → {args.format}, "
          f"{args.repeat} interleaved runs per side")
    medians = {side: statistics.median(t for t, _ in runs) for side, runs in found.items()}
    for side, runs in found.items():
        peak = max(m for _, m in runs)
        print(f"  {side:9s} median {medians[side]:7.2f} s   peak {peak:7.0f} MiB")
    if "decimal" in medians:
        print(f"  decimal / columnar: {medians['decimal'] / medians['columnar']:.1f}×")
    print(f"  columnar / minimal: {medians['columnar'] / medians['minimal']:.2f}×")
    if same is not None:
        print(f"  columnar and Decimal outputs byte-identical: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
