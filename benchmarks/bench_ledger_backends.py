"""Benchmark: the same year recorded month by month through each back-end, SQLite and PostgreSQL, side by side.

Run:  python benchmarks/bench_ledger_backends.py [--agents 2000] [--months 12] [--full] [--pg URL]

`--full` is the issue's size: 10,000 agents × 12 months. The synthetic firm of bench_year.py (S0
policy, one GB18030 export a month) is recorded with `engine.record.run_month` into a fresh SQLite
file and into a fresh PostgreSQL database, month by month, the two back-ends alternating within
each month so a machine's drift touches both alike; agents the S0.7 reviews dismissed are left out
of later exports (untimed), as bench_ledger.py does. The cycle collector is paused on both sides
the same way (run_month pauses it for a month's records). Printed per back-end: the median month
(whole `run_month`), the median of its record stage (the ledger's write: one transaction), the
year's total, then `show` of the last month (median of three) and the first month superseded and
carried through the year; last, each PostgreSQL figure as a ratio of SQLite's. The server is
`--pg` (a superuser URL), else JIXIAO_TEST_PG, else a throwaway cluster started for the run
(.ci/postgres, a socket in a temporary folder). Quote ratios, not absolute times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_careers import dismissed  # noqa: E402
from bench_ledger import drop  # noqa: E402
from bench_year import periods, write_data  # noqa: E402

from engine.ledger.access import open_ledger  # noqa: E402
from engine.pipeline import prepare  # noqa: E402
from engine.record import Files, run_month, show_recorded  # noqa: E402

BACKENDS = ("sqlite", "postgresql")


def database(server: str, name: str) -> str:
    parts = urlsplit(server)
    return f"{parts.scheme}://{parts.netloc}/{name}?{urlencode(dict(parse_qsl(parts.query)), safe='/')}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=2_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--full", action="store_true", help="10,000 agents × 12 months")
    parser.add_argument("--pg", default=os.environ.get("JIXIAO_TEST_PG", ""), help="a PostgreSQL superuser URL")
    args = parser.parse_args()
    if args.full:
        args.agents, args.months = 10_000, 12
    import psycopg

    cluster = None
    if not args.pg:
        cluster = tempfile.mkdtemp(prefix="jixiao-bench-pg-")
        args.pg = subprocess.run([str(ROOT / ".ci" / "postgres"), "start", cluster], capture_output=True, text=True,
                                 check=True).stdout.strip()
    name = f"jx_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(args.pg, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'")
    try:
        with tempfile.TemporaryDirectory() as folder:
            ledgers = {"sqlite": str(Path(folder) / "jixiao.db"), "postgresql": database(args.pg, name)}
            measure(args, Path(folder), ledgers)
    finally:
        with psycopg.connect(args.pg, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if cluster is not None:
            subprocess.run([str(ROOT / ".ci" / "postgres"), "stop", cluster], check=False)


def measure(args: argparse.Namespace, folder: Path, ledgers: dict[str, str]) -> None:
    policy = str(ROOT / "policies" / "s0_shop.yaml")
    months = periods(prepare(policy)[0].policy.effective_from, args.months)
    files = []
    for month in months:
        where = folder / month
        where.mkdir()
        metrics, roster = write_data(where, args.agents, [month], False)
        files.append(Files(policy, str(metrics), str(roster)))
    month_seconds: dict[str, list[float]] = {b: [] for b in BACKENDS}
    record_seconds: dict[str, list[float]] = {b: [] for b in BACKENDS}
    for index, (month, given) in enumerate(zip(months, files, strict=True)):
        drop(Path(given.metrics), dismissed(Path(ledgers["sqlite"])))  # as a shop would (untimed; both alike)
        for backend in (BACKENDS if index % 2 == 0 else BACKENDS[::-1]):
            clock = time.perf_counter()
            done = run_month(ledgers[backend], given, month, shop="bench")
            month_seconds[backend].append(time.perf_counter() - clock)
            record_seconds[backend].append(done.seconds["record"])
            assert done.new
    show: dict[str, float] = {}
    for backend in BACKENDS:
        spent = []
        for _ in range(3):
            clock = time.perf_counter()
            with open_ledger(ledgers[backend], read_only=True) as ledger:
                data = show_recorded(ledger, months[-1], None, None, "table", "zh")
            spent.append(time.perf_counter() - clock)
        show[backend] = statistics.median(spent)
        assert data
    shown = {b: None for b in BACKENDS}
    for backend in BACKENDS:  # the same bytes from both
        with open_ledger(ledgers[backend], read_only=True) as ledger:
            shown[backend] = show_recorded(ledger, months[-1], None, None, "json", "zh")
    assert shown["sqlite"] == shown["postgresql"]
    first = Path(files[0].metrics)
    fixed = first.with_name("metrics-corrected.csv")
    rows = first.read_bytes().decode("gb18030").splitlines(keepends=True)
    row = next(i for i, text in enumerate(rows) if text[:1].isdigit())
    rows[row] = rows[row].replace("¥", "¥1", 1)  # the first agent's after-sales cost, ten times over or more
    fixed.write_bytes("".join(rows).encode("gb18030"))
    carry: dict[str, float] = {}
    for backend in BACKENDS:
        clock = time.perf_counter()
        run_month(ledgers[backend], Files(policy, str(fixed), files[0].roster), months[0], supersede=True,
                  shop="bench")
        carry[backend] = time.perf_counter() - clock

    figures = {b: {"median month": statistics.median(month_seconds[b]),
                   "median record stage": statistics.median(record_seconds[b]),
                   "year total": sum(month_seconds[b]), "show last month (table)": show[b],
                   "first month superseded, carried": carry[b]} for b in BACKENDS}
    print(f"{args.agents:,} agents × {args.months} months through each ledger (S0 policy, CSV; collector paused "
          "on both sides)")
    print(f"{'':34}{'SQLite':>10}{'PostgreSQL':>12}{'PG/SQLite':>11}")
    for what in figures["sqlite"]:
        lite, server = figures["sqlite"][what], figures["postgresql"][what]
        print(f"{what:34}{lite:9.2f}s{server:11.2f}s{server / lite:10.2f}×")


if __name__ == "__main__":
    main()
