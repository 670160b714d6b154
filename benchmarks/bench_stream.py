"""Benchmark: months beyond the Decimal reader's cap, evaluated in chunks (engine.stream_month), with peak memory.

Run:  python benchmarks/bench_stream.py [--rows 2000000 5000000 10000000] [--format csv|json]
                                        [--chunk-rows 100000] [--check N]

For each size writes one month of the S0 export (GB18030, a title line above the header, `97.50%`,
`1分5秒`, `¥12.34`, thousands separators; role and grade in the file, teams of 25, agents in order),
then evaluates it as a fresh process through engine.stream_month, the report written to a file as it
goes, and prints rows, the file's size, wall and CPU seconds and the child's peak memory (ru_maxrss)
side by side: peak memory should stay flat as the month grows (a chunk, the teams), not follow it.

Then the command itself, `jixiao evaluate --out` as a fresh process: it takes this path by itself for
a metrics file beyond the cap (more than 1,048,576 rows), its report held in a temporary file and copied
to `--out` whole (nothing written on an error), so its peak should stay as flat as the evaluation's; a
smaller month is within the cap and evaluated in memory (the `path` column says which).

`--check N` first evaluates an N-row month both ways — in chunks of N/7 rows and by the Decimal path
(`jixiao evaluate --engine decimal`) — and says whether the bytes are identical.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.data.csv_read import MAX_ROWS  # noqa: E402 (the checkout's own cap, the one the command applies)

POLICY = ROOT / "policies" / "s0_shop.yaml"
HEADER = ["工号", "姓名", "月份", "组别", "岗位", "等级", "实际销售额", "人均计划销售额", "咨询人数", "下单人数",
          "有效客单价", "旺旺回复率", "首次响应时间", "平均售后花费", "有效处理售后个数", "缺勤天数", "迟到次数"]
POOL = 4096  # distinct metric tails, cycled: the values vary, the generator stays quick

STREAM = """
import sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from engine.columnar_month import _plan
from engine.month import Files, read_sources
from engine.stream_month import stream_month
policy, metrics, out, fmt, rows = sys.argv[2:7]
plan, _ = _plan(read_sources(Files(policy, None)), None)
with open(out, "wb") as stream:
    found = stream_month(plan, metrics, None, None, fmt, "zh", stream, rows=int(rows))
print(found.count, found.by_decimal)
"""


def write_month(path: Path, rows: int, period: str = "2026-10") -> None:
    """An S0 export of `rows` agents in one month, in agent order, written a block at a time."""
    rng = random.Random(2026)
    tails = []
    for _ in range(POOL):
        seconds, reply, cost = rng.randint(8, 80), rng.randint(850, 1000), rng.randint(500, 6000)
        tails.append(",".join(map(str, (
            rng.choice(("正式", "正式", "试用期")), rng.choice(("A0", "A1", "A2", "A3", "A4")),
            f'"{rng.randint(40_000, 300_000):,}.00"', '"150,000"', rng.randint(50, 900), rng.randint(0, 300),
            f"{rng.randint(100, 320)}.50", f"{reply // 10}.{reply % 10}0%",
            f"{seconds // 60}分{seconds % 60}秒" if seconds >= 60 else f"{seconds}秒",
            f"¥{cost // 100}.{cost % 100:02d}", rng.randint(0, 50), rng.choice((0, 0, 1)), rng.choice((0, "-", 1))))))
    with path.open("wb") as stream:
        stream.write(("客服绩效月报\r\n" + ",".join(HEADER) + "\r\n").encode("gb18030"))
        for start in range(0, rows, 100_000):
            block = "".join(f"{10_000_000 + i},客服{i},{period},{i // 25}组,{tails[(i * 7919) % POOL]}\r\n"
                            for i in range(start, min(rows, start + 100_000)))
            stream.write(block.encode("gb18030"))


def run(command: list[str]) -> tuple[float, float, float, str]:
    """Wall and CPU seconds, peak memory (MiB) and the output of one fresh process; it must succeed."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    out = child.stdout.read().decode() if child.stdout else ""
    if status:
        raise SystemExit(f"failed: {' '.join(command)}\n{child.stderr.read().decode() if child.stderr else ''}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out


def check(folder: Path, rows: int, fmt: str) -> bool:
    """An N-row month in chunks of N/7 rows and by the Decimal path: the same bytes."""
    metrics = folder / f"check-{rows}.csv"
    write_month(metrics, rows)
    chunked, decimal = folder / f"chunked.{fmt}", folder / f"decimal.{fmt}"
    run([sys.executable, "-c", STREAM, str(ROOT), str(POLICY), str(metrics), str(chunked), fmt,
         str(max(1, rows // 7))])
    run([sys.executable, "-m", "cli", "evaluate", "--policy", str(POLICY), "--metrics", str(metrics), "--format", fmt,
         "--engine", "decimal", "--out", str(decimal)])
    return chunked.read_bytes() == decimal.read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[2_000_000, 5_000_000, 10_000_000])
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--chunk-rows", type=int, default=100_000)
    parser.add_argument("--check", type=int, default=0, help="compare an N-row month with the Decimal path first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if args.check:
            same = check(folder, args.check, args.format)
            print(f"{args.check:,} rows in chunks of {max(1, args.check // 7):,} and by the Decimal path: "
                  f"{'byte-identical' if same else 'DIFFERENT'}")
        print(f"S0, one month, {args.format} out, chunks of {args.chunk_rows:,} rows, each run a fresh process")
        print(f"  {'rows':>12} {'file MiB':>9} {'run':>28} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9} {'out MiB':>8}")
        for rows in args.rows:
            metrics, out = folder / "metrics.csv", folder / f"out.{args.format}"
            write_month(metrics, rows)
            wall, cpu, peak, said = run([sys.executable, "-c", STREAM, str(ROOT), str(POLICY), str(metrics), str(out),
                                         args.format, str(args.chunk_rows)])
            count = int(said.split()[0])
            assert count == rows, (count, rows)
            size = metrics.stat().st_size / 2**20
            print(f"  {rows:12,} {size:9.0f} {'stream_month':>28} {wall:8.2f} {cpu:8.2f} {peak:9.0f} "
                  f"{out.stat().st_size / 2**20:8.0f}", flush=True)
            out.unlink()
            path = "jixiao evaluate (in chunks)" if rows > MAX_ROWS else "jixiao evaluate (in memory)"
            wall, cpu, peak, _ = run([sys.executable, "-m", "cli", "evaluate", "--policy", str(POLICY), "--metrics",
                                      str(metrics), "--format", args.format, "--engine", "columnar", "--out", str(out)])
            print(f"  {rows:12,} {size:9.0f} {path:>28} {wall:8.2f} {cpu:8.2f} {peak:9.0f} "
                  f"{out.stat().st_size / 2**20:8.0f}", flush=True)
            metrics.unlink()
            out.unlink()


if __name__ == "__main__":
    main()
