"""Benchmark: a large firm's year month by month through the ledger with quarterly S0.7 reviews.

Run:  python benchmarks/bench_careers.py [--agents 10000] [--months 12] [--s4]

Each month gets its own synthetic GB18030 export (the columns of bench_year.py, drawn with that
month's seed so scores move and every S0.7 outcome occurs) for the S0 policy, whose quarterly
grade review closes in March, June, September and December. Agents the ledger records as
dismissed are left out of later exports, as a shop would. Prints the total time and where it
goes: reading, evaluating (with the trace), the JSON report, the reviews (reading the quarter's
earlier months back from the ledger) and the ledger's write, plus the decisions recorded.

With --s4 the firm is on policies/s4_path.yaml instead: every month's role reviews (trainee →
agent → trainee supervisor, tenure from 入职日期, two months below 60 → dismissal), the quarterly
one to supervisor, and the quarterly excellence bonus read from the ledger (a window value).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_year import HEADER, periods  # noqa: E402

from engine.ledger.access import open_ledger  # noqa: E402
from engine.pipeline import prepare  # noqa: E402
from engine.record import STAGES, Files, run_month  # noqa: E402


def write_month(folder: Path, agents: int, month: str, gone: set[str]) -> Path:
    """One month's export; every agent's scores drawn afresh, dismissed agents left out."""
    rng = random.Random(month)
    path = folder / f"metrics-{month}.csv"
    with path.open("w", encoding="gb18030", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["客服绩效月报"])
        writer.writerow(HEADER)
        for i in range(agents):
            seconds, reply, cost = rng.randint(8, 60), rng.randint(900, 1000), rng.randint(500, 4000)
            row = [f"{100000 + i}", f"客服{i}", month, f"{i // 25}组",
                   f"{rng.randint(60_000, 300_000):,}.00", "150,000", rng.randint(300, 900), rng.randint(60, 300),
                   f"{rng.randint(150, 320)}.50", f"{reply // 10}.{reply % 10}0%", f"{seconds}秒",
                   f"¥{cost // 100}.{cost % 100:02d}", rng.randint(0, 50), rng.choice((0, 0, 0, 1)), 0]
            if row[0] not in gone:
                writer.writerow(row)
    return path


def write_roster(folder: Path, agents: int) -> Path:
    rng = random.Random(2026)
    path = folder / "roster.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["工号", "姓名", "岗位", "等级", "组别"])
        for i in range(agents):
            writer.writerow([f"{100000 + i}", f"客服{i}", rng.choice(("正式", "正式", "试用期")),
                             rng.choice(("A0", "A1", "A2", "A3", "A4")), f"{i // 25}组"])
    return path


def write_s4_month(folder: Path, agents: int, month: str, gone: set[str]) -> Path:
    """An S4 export: every fifth person a trainee, one in 25 a trainee supervisor, assessments drawn."""
    rng = random.Random(month)
    path = folder / f"metrics-{month}.csv"
    rows = ["客服,月份,组别,岗位,销售额,活动销售额,销售任务,考核结果"]
    for i in range(agents):
        role = "见习" if i % 5 == 0 else "见习主管" if i % 25 == 1 else "客服"
        mark = rng.choice(("优秀", "优秀", "合格", "合格", "不合格"))
        if f"{100000 + i}" not in gone:
            rows.append(f"{100000 + i},{month},{i // 25}组,{role},{rng.randint(5000, 30000)},0,10000,{mark}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def write_s4_roster(folder: Path, agents: int) -> Path:
    path = folder / "roster.csv"
    path.write_text("工号,入职日期\n" + "".join(f"{100000 + i},2026-0{1 + i % 9}-0{1 + i % 9}\n"
                                              for i in range(agents)), encoding="utf-8")
    return path


def dismissed(db: Path) -> set[str]:
    if not db.exists():
        return set()
    with open_ledger(db) as ledger:
        return {d.agent for d in ledger.decisions() if d.kind == "dismissal"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--s4", action="store_true", help="the S4 path policy (role reviews, window values)")
    args = parser.parse_args()
    policy = str(ROOT / "policies" / ("s4_path.yaml" if args.s4 else "s0_shop.yaml"))
    month_file, roster_file = (write_s4_month, write_s4_roster) if args.s4 else (write_month, write_roster)
    months = periods(prepare(policy)[0].policy.effective_from, args.months)
    spent = dict.fromkeys(STAGES, 0.0)
    writing = 0.0
    kinds: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        db = where / "jixiao.db"
        roster = roster_file(where, args.agents)
        start = time.perf_counter()
        for month in months:
            clock = time.perf_counter()
            metrics = month_file(where, args.agents, month, dismissed(db))
            writing += time.perf_counter() - clock
            done = run_month(db, Files(policy, str(metrics), str(roster)), month)
            assert done.new
            for stage in STAGES:
                spent[stage] += done.seconds[stage]
        total = time.perf_counter() - start - writing
        with open_ledger(db) as ledger:
            kinds.update(f"{d.kind} {d.from_value}→{d.to_value or '-'}" for d in ledger.decisions())
            decided = len(ledger.decisions())
        size = db.stat().st_size
    what = "S4 role reviews and window values (S4 path)" if args.s4 else "S0.7 quarterly reviews (S0 policy)"
    print(f"{args.agents:,} agents × {args.months} months through the ledger, {what}")
    for stage in STAGES:
        print(f"{stage:9}{spent[stage]:7.2f} s  ({spent[stage] / total:5.1%})")
    print(f"total    {total:7.2f} s   (ledger {size / 1e6:,.0f} MB; writing the exports {writing:.2f} s not counted)")
    print(f"decisions recorded: {decided:,} — " + ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items())))


if __name__ == "__main__":
    main()
