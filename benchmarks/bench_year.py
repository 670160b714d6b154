"""Benchmark: a large outsourcing firm's year, end to end through the CLI.

Run:  python benchmarks/bench_year.py [--agents 10000] [--months 12] [--xlsx]

Writes a GB18030 metrics export (Chinese headers, `97.50%`, `1分5秒`, thousands separators) and a
roster for `agents` agents over `months` months of the S0 policy into a temporary folder, then
times `jixiao evaluate --format json --out` on it in-process, stage by stage (read, evaluate,
render) and in total: the stages are the month pipeline's own (engine.month), which the command runs.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.month import Files, evaluate_month, plan_from, read_months, read_sources  # noqa: E402
from engine.pipeline import prepare  # noqa: E402
from engine.report.atomic_write import write_atomic  # noqa: E402
from engine.report.tables import render  # noqa: E402

HEADER = ["工号", "姓名", "月份", "组别", "实际销售额", "人均计划销售额", "咨询人数", "下单人数", "有效客单价",
          "旺旺回复率", "首次响应时间", "平均售后花费", "有效处理售后个数", "缺勤天数", "迟到次数"]


def periods(first: str, months: int) -> list[str]:
    """`months` consecutive `YYYY-MM` periods from `first`, the policy's first month in force."""
    year, month = int(first[:4]), int(first[5:7]) - 1
    return [f"{year + (month + k) // 12}-{(month + k) % 12 + 1:02d}" for k in range(months)]


def s0_row(rng: random.Random, i: int, month: str) -> list[object]:
    """Agent `i`'s row of an S0 export for `month`, in the export's own cell forms (`1分5秒`, `¥12.34`,
    `97.50%`, thousands separators, `-`): the one generator the benchmarks and the reader's tests share."""
    seconds, reply, cost = rng.randint(8, 80), rng.randint(850, 1000), rng.randint(500, 6000)
    return [
        f"{100000 + i}", f"客服{i}", month, f"{i // 25}组",
        f"{rng.randint(40_000, 300_000):,}.00", "150,000", rng.randint(50, 900), rng.randint(0, 300),
        f"{rng.randint(100, 320)}.50", f"{reply // 10}.{reply % 10}0%",
        f"{seconds // 60}分{seconds % 60}秒" if seconds >= 60 else f"{seconds}秒",
        f"¥{cost // 100}.{cost % 100:02d}", rng.randint(0, 50), rng.choice((0, 0, 1)), rng.choice((0, "-", 1)),
    ]


def write_data(folder: Path, agents: int, months: list[str], xlsx: bool) -> tuple[Path, Path]:
    rng = random.Random(2026)
    rows = [s0_row(rng, i, month) for month in months for i in range(agents)]
    roster = folder / "roster.csv"
    with roster.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["工号", "姓名", "岗位", "等级", "组别"])
        for i in range(agents):
            writer.writerow([f"{100000 + i}", f"客服{i}", rng.choice(("正式", "正式", "试用期")),
                             rng.choice(("A0", "A1", "A2", "A3", "A4")), f"{i // 25}组"])
    if xlsx:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(HEADER)
        for row in rows:
            sheet.append(row)
        metrics = folder / "metrics.xlsx"
        book.save(metrics)
    else:
        metrics = folder / "metrics.csv"
        with metrics.open("w", encoding="gb18030", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(["客服绩效月报"])
            writer.writerow(HEADER)
            writer.writerows(rows)
    return metrics, roster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--xlsx", action="store_true", help="read an XLSX export instead of CSV")
    args = parser.parse_args()
    policy = str(ROOT / "policies" / "s0_shop.yaml")
    first = prepare(policy)[0].policy.effective_from
    with tempfile.TemporaryDirectory() as folder:
        metrics, roster = write_data(Path(folder), args.agents, periods(first, args.months), args.xlsx)
        start = time.perf_counter()
        sources = read_sources(Files(policy, str(metrics), str(roster)))
        plan, _ = plan_from(sources.policy, sources.policy_path)
        months = read_months(plan, sources, None)
        read = time.perf_counter()
        results = [outcome.result for month in months
                   for outcome in evaluate_month(plan, month, month.period, None, trace=False, reviews=False).outcomes]
        evaluated = time.perf_counter()
        write_atomic(Path(folder) / "results.json", render(plan, results, "json"))
        done = time.perf_counter()
    count = len(results)
    print(f"{count:,} agent-months ({args.agents:,} agents × {args.months} months, {metrics.suffix[1:]})")
    print(f"read     {read - start:6.2f} s")
    print(f"evaluate {evaluated - read:6.2f} s  ({count / (evaluated - read):,.0f} agent-months/s)")
    print(f"report   {done - evaluated:6.2f} s")
    print(f"total    {done - start:6.2f} s")


if __name__ == "__main__":
    main()
