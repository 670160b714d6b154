"""Benchmark: writing one month of S0 results as CSV and JSON, three ways side by side (issue 19).

- columnar: engine.report.frame_write over a ColumnarResults (what the columnar back-end gives);
- reference: engine.report.tables.to_csv / to_json over the same results as AgentResults;
- minimal: polars' write_csv of the raw frame (whole numbers, no labels, no formula guard, no JSON):
  the floor a hand-written writer would not go below.

Run:  python benchmarks/bench_columnar_write.py [--agents 100000] [--repeat 3] [--formats csv,json]
                                               [--sides columnar,reference,minimal]

The results are synthetic S0 results (every column the shipped S0 policy's results have: 工号, 姓名
in Chinese, 组别, 岗位, 等级, eight KPIs' points, base and performance pay, the total), built in
the measured process from whole numbers. Each measurement is a fresh process (so no side inherits
another's memory or warm caches); printed are the median wall time and CPU time of writing alone
(polars' threads included in CPU), the process's peak RSS, and its RSS before writing (the results
held in memory). Before timing, the columnar and reference outputs of the first 2,000 results are
checked byte for byte.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POLICY = ROOT / "policies" / "s0_shop.yaml"
SIDES = ("columnar", "reference", "minimal")
CHECKED = 2_000


def synthetic(count: int):
    """`count` S0 results as columns: whole numbers at 2 places from a fixed hash of the row, so every
    process builds the same month without holding a generator's state."""
    import polars as pl

    from engine.model import frames as f
    from engine.model.frames import ColumnarResults
    from engine.pipeline import prepare

    plan, _ = prepare(str(POLICY))
    i = pl.int_range(count, dtype=pl.Int64)

    def spread(salt: int, top: int) -> pl.Expr:  # 0 .. top-1, scattered
        return (i * 2654435761 + salt * 40503) % 1_000_003 % top

    def pick(salt: int, values) -> pl.Expr:
        values = list(values)
        return spread(salt, len(values)).replace_strict(list(range(len(values))), values, return_dtype=pl.String)

    weights = (25, 20, 10, 10, 15, 5, 5, 10)
    kpis = [(spread(10 + k, w * 100 + 1)).alias(f.kpi(name)) for k, (name, w) in enumerate(zip(plan.kpis, weights,
                                                                                                 strict=True))]
    frame = pl.select(
        pl.format("A{}", i.cast(pl.String).str.zfill(7)).alias("agent"),
        pl.lit("2026-10").alias("period"),
        pl.format("{}组", (i // 20).cast(pl.String)).alias("team"),
        pl.format("客服{}", i.cast(pl.String)).alias("name"),
        pick(1, plan.roles).alias("role"),
        pick(2, plan.grades).alias("grade"),
        *kpis,
        pick(3, plan.ratings).alias("rating"),
        (180_000 + spread(4, 5) * 50_000).alias(f.pay("base")),
        spread(5, 150_000).alias(f.pay("performance")),
    ).with_columns(
        pl.sum_horizontal(f.kpi(name) for name in plan.kpis).alias("score"),
        (pl.col(f.pay("base")) + pl.col(f.pay("performance"))).alias("total"),
    )
    scales = {c: 2 for c in frame.columns if c in ("score", "total") or c.startswith(("kpi:", "pay:"))}
    return plan, ColumnarResults(frame, scales)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(side: str, fmt: str, count: int) -> dict:
    """One measurement in this (fresh) process: the writer's modules imported first, then timed writing."""
    from engine.report.frame_write import render_frame, to_results
    from engine.report.tables import render

    plan, results = synthetic(count)
    data = to_results(plan, results) if side == "reference" else None
    before = _rss_mib()
    wall, cpu = time.perf_counter(), time.process_time()
    if side == "columnar":
        out = render_frame(plan, results, fmt, "zh")
    elif side == "reference":
        out = render(plan, data, fmt, "zh")
    else:
        buffer = io.BytesIO()
        results.frame.write_csv(buffer)
        out = buffer.getvalue()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall": wall, "cpu": cpu, "peak": _rss_mib(), "held": before, "bytes": len(out)}


def check() -> None:
    """The columnar writer's bytes are the reference's (the first CHECKED synthetic results)."""
    from engine.report import tables
    from engine.report.frame_write import render_frame, to_results

    plan, results = synthetic(CHECKED)
    agents = to_results(plan, results)
    for fmt, lang in (("csv", "zh"), ("csv", "en"), ("json", "zh")):
        if render_frame(plan, results, fmt, lang) != tables.render(plan, agents, fmt, lang):
            raise SystemExit(f"the columnar writer's {fmt} ({lang}) differs from the reference's")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="csv,json")
    parser.add_argument("--sides", default=",".join(SIDES))
    parser.add_argument("--child", nargs=2, metavar=("SIDE", "FORMAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.agents)))
        return
    check()
    print(f"{args.agents:,} synthetic S0 results; median of {args.repeat} fresh processes each "
          f"(outputs checked byte-identical on {CHECKED:,})")
    print(f"{'format':<6} {'side':<10} {'wall s':>8} {'cpu s':>8} {'peak RSS MiB':>13} {'held MiB':>9} {'out MiB':>8}")
    for fmt in args.formats.split(","):
        for side in args.sides.split(","):
            if side == "minimal" and fmt != "csv":
                continue
            runs = []
            for _ in range(args.repeat):
                done = subprocess.run([sys.executable, __file__, "--agents", str(args.agents), "--child", side, fmt],
                                      capture_output=True, text=True, check=True)
                runs.append(json.loads(done.stdout))
            med = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
            print(f"{fmt:<6} {side:<10} {med['wall']:>8.2f} {med['cpu']:>8.2f} {med['peak']:>13.0f} "
                  f"{med['held']:>9.0f} {med['bytes'] / 2**20:>8.1f}")


if __name__ == "__main__":
    main()
