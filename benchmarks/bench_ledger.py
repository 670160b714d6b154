"""Benchmark: a large firm's year run month by month through the ledger, as a shop would close it.

Run:  python benchmarks/bench_ledger.py [--agents 10000] [--months 12]

Writes one GB18030 metrics export per month and a roster (the synthetic data of bench_year.py)
for the S0 policy into a temporary folder, then runs `engine.record.run_month` for each month
into a fresh SQLite ledger, and prints the total time and where it goes: reading the files,
evaluating (traced where the month reads the ledger's state, which then keeps the traces:
engine/retrace.py), rendering the JSON report whose sha256 is recorded, the S0.7 quarterly
reviews and the ledger's write (one transaction a month). Agents the
ledger records as dismissed are left out of later exports, as a shop would (untimed). A final
line re-runs the last month to show that an unchanged month is a no-op; the last lines show one
agent's steps in the first and the last month, evaluated again from the files (and, for a month
that read the ledger, the state) its run kept.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_careers import dismissed  # noqa: E402
from bench_year import periods, write_data  # noqa: E402

from engine.ledger.access import open_ledger  # noqa: E402
from engine.ledger.store import Decision, DecisionKind  # noqa: E402
from engine.pipeline import prepare  # noqa: E402
from engine.record import STAGES, Files, decide, run_month, show_recorded  # noqa: E402


def drop(metrics: Path, gone: set[str]) -> None:
    """Rewrite a month's export without the rows of dismissed agents (the id is the first cell)."""
    if gone:
        rows = metrics.read_bytes().decode("gb18030").splitlines(keepends=True)
        kept = [row for row in rows if row.split(",", 1)[0] not in gone]
        metrics.write_bytes("".join(kept).encode("gb18030"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args()
    policy = str(ROOT / "policies" / "s0_shop.yaml")
    months = periods(prepare(policy)[0].policy.effective_from, args.months)
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for month in months:
            where = Path(folder) / month
            where.mkdir()
            metrics, roster = write_data(where, args.agents, [month], False)
            files.append(Files(policy, str(metrics), str(roster)))
        db = Path(folder) / "jixiao.db"
        spent = dict.fromkeys(STAGES, 0.0)
        start = time.perf_counter()
        untimed = 0.0
        for month, given in zip(months, files, strict=True):
            clock = time.perf_counter()
            drop(Path(given.metrics), dismissed(db))
            untimed += time.perf_counter() - clock
            done = run_month(db, given, month)
            assert done.new
            for stage in STAGES:
                spent[stage] += done.seconds[stage]
        total = time.perf_counter() - start - untimed
        again = time.perf_counter()
        assert not run_month(db, files[-1], months[-1]).new
        noop = time.perf_counter() - again
        first = Path(files[0].metrics)
        fixed = first.with_name("metrics-corrected.csv")
        rows = first.read_bytes().decode("gb18030").splitlines(keepends=True)
        row = next(i for i, text in enumerate(rows) if text[:1].isdigit())
        rows[row] = rows[row].replace("¥", "¥1", 1)  # the first agent's after-sales cost, ten times over or more
        fixed.write_bytes("".join(rows).encode("gb18030"))
        clock = time.perf_counter()
        corrected = run_month(db, Files(policy, str(fixed), files[0].roster), months[0], supersede=True)
        supersede = time.perf_counter() - clock
        agent = rows[row].split(",", 1)[0]
        clock = time.perf_counter()
        _, carried = decide(db, Decision(agent, months[0], DecisionKind.GRADE_CHANGE, None, "A4", "bench", ""))
        by_hand = time.perf_counter() - clock
        size = db.stat().st_size
        shown = {}  # one agent's steps, evaluated again from the kept files (engine/retrace.py)
        with open_ledger(db, read_only=True) as ledger:
            ledger.use_shop(None)
            last = ledger.current_run(months[-1])
            assert last is not None
            agent = ledger.outcomes(last.id, trace=False, parts=frozenset())[0].result.agent  # still employed
            for month in (months[0], months[-1]):
                clock = time.perf_counter()
                show_recorded(ledger, month, None, agent, "text", "zh", full=True)
                shown[month] = time.perf_counter() - clock
    print(f"{args.agents:,} agents × {args.months} months through the ledger (S0 policy, CSV)")
    for stage in STAGES:
        print(f"{stage:9}{spent[stage]:7.2f} s  ({spent[stage] / total:5.1%})")
    print(f"total    {total:7.2f} s   (ledger {size / 1e6:,.0f} MB)")
    print(f"re-run of an unchanged month: {noop:.3f} s (no-op)")
    print(f"the first month superseded, carried through the year: {supersede:.2f} s "
          f"({len(corrected.changes)} month(s) with changed results)")
    print(f"a grade recorded by hand from the second month, carried through the year: {by_hand:.2f} s "
          f"({len(carried)} month(s) with changed results)")
    for month, seconds in shown.items():
        print(f"show --agent {agent} --full of {month} (her steps evaluated again): {seconds:.2f} s")


if __name__ == "__main__":
    main()
