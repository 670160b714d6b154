"""Benchmark: reading one month of the S0 export as columns (issue 19), beside the reference and a minimal reader.

Run:  python benchmarks/bench_columnar_read.py [--rows 100000] [--repeat 1] [--no-reference]
                                              [--baseline /path/to/another/checkout]

Writes a GB18030 metrics export with a title row (as benchmarks/bench_year.py writes it: Chinese headers,
`97.50%`, `1分5秒`, `¥12.50`, thousands separators, `-` for no late arrivals) of `rows` agents for 2026-10,
and their roster, into a temporary folder. Then each reader reads them in a fresh process (the policy
compiled first, outside the time), and the table gives, per reader, the read's wall clock as the process
measures it (median of `repeat`), the whole process's wall clock (interpreter, imports, policy, read), its
CPU time (user + system, every thread: on a shared machine the wall clock also counts the neighbours) and
its peak resident memory (ru_maxrss):

- columnar: engine.data.frame_read.read_month, the columnar path's reader (it must cover the file);
- reference: engine.data.inputs.read_inputs, as `jixiao evaluate` reads the files today;
- minimal: the file decoded and handed to polars.read_csv, every cell left as text: no check, no
  number parsed, no roster joined; the floor any reader of this file stands on;
- baseline: with --baseline, the columnar reader of another checkout (run from there), beside this one's.
Each reader says how many agent-months it read; they must agree. The columnar readers' runs are interleaved,
and each also gives the split of its read by stage (wall and CPU seconds summed over both files, median
of `repeat`): the file's bytes to text (`_text`, of which the line split `_lines`), the rows told apart
(`_rows`), a GB18030 file's id and text cells restored (`_restored_cells`, where the checkout has it),
the columns read (`_read_columns`), the rows put in order (`_in_order`); `rest` is the read's remainder
(the cells parsed by polars, the roster joined, the team values).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_year import HEADER, s0_row  # noqa: E402

POLICY = ROOT / "policies" / "s0_shop.yaml"

# Each reader, run as `python -c CHILD MODE POLICY METRICS ROSTER`: prints "<rows> <read seconds>".
CHILD = r"""
import sys, time
mode, policy, metrics, roster = sys.argv[1:]
sys.path.insert(0, {root!r})
if mode == "minimal":
    import io
    import polars as pl
    start = time.perf_counter()
    with open(metrics, "rb") as stream:
        raw = stream.read()
    text = raw.decode("gb18030")
    frame = pl.read_csv(text.encode("utf-8"), skip_rows=1, infer_schema=False)
    people = pl.read_csv(roster, infer_schema=False)
    rows = frame.height
else:
    from engine.month import plan_from
    with open(policy, "rb") as stream:
        plan = plan_from(stream.read(), policy)[0]
    if mode == "columnar":
        import json
        from engine.data import frame_read
        spent = {{}}

        def timed(name, function):
            def run(*args, **kwargs):
                wall, cpu = time.perf_counter(), time.process_time()
                try:
                    return function(*args, **kwargs)
                finally:
                    was = spent.get(name, (0.0, 0.0))
                    spent[name] = (was[0] + time.perf_counter() - wall, was[1] + time.process_time() - cpu)
            return run

        for name in {stages!r}:
            if hasattr(frame_read, name):
                setattr(frame_read, name, timed(name, getattr(frame_read, name)))
        start, cpu = time.perf_counter(), time.process_time()
        rows = frame_read.read_month(plan, metrics, roster, None).frame.height
        total = (time.perf_counter() - start, time.process_time() - cpu)
        inner = [spent.get(name, (0.0, 0.0)) for name in {stages!r} if name != "_lines"]
        spent["rest"] = tuple(whole - sum(part[k] for part in inner) for k, whole in enumerate(total))
        print(json.dumps(spent), file=sys.stderr)
    else:
        from engine.data.inputs import read_inputs
        start = time.perf_counter()
        rows = len(read_inputs(plan, metrics, roster=roster).agents)
print(rows, time.perf_counter() - start)
"""


def write_export(folder: Path, rows: int, period: str = "2026-10") -> tuple[Path, Path]:
    """The metrics export and roster bench_year.py writes for one month, streamed to disk row by row."""
    rng = random.Random(2026)
    metrics, roster = folder / "metrics.csv", folder / "roster.csv"
    with metrics.open("w", encoding="gb18030", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["客服绩效月报"])
        writer.writerow(HEADER)
        for i in range(rows):
            writer.writerow(s0_row(rng, i, period))
    with roster.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["工号", "姓名", "岗位", "等级", "组别"])
        for i in range(rows):
            writer.writerow([f"{100000 + i}", f"客服{i}", rng.choice(("正式", "正式", "试用期")),
                             rng.choice(("A0", "A1", "A2", "A3", "A4")), f"{i // 25}组"])
    return metrics, roster


# The stages of engine.data.frame_read timed in a columnar reader's child (those its checkout has).
STAGES = ("_text", "_lines", "_rows", "_restored_cells", "_read_columns", "_in_order")


def run(mode: str, metrics: Path, roster: Path, root: Path = ROOT
        ) -> tuple[int, float, float, float, float, dict[str, list[float]]]:
    """(rows, read seconds, process seconds, process CPU seconds, peak MiB, {stage: [wall, CPU]}) of one reader in
    a fresh process; `root` is the checkout whose reader runs (its policy too)."""
    child_mode = "columnar" if mode == "baseline" else mode
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(root), stages=STAGES), child_mode,
                                  str(root / "policies" / "s0_shop.yaml"), str(metrics), str(roster)],
                                 stdout=out, stderr=err, cwd=root)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - start
        err.seek(0)
        said = err.read()
        if child.returncode != 0:
            raise SystemExit(f"{mode} reader failed (exit {child.returncode})\n{said[-2000:]}")
        out.seek(0)
        rows, seconds = out.read().split()
    stages = json.loads(said.strip().splitlines()[-1]) if child_mode == "columnar" else {}
    return int(rows), float(seconds), elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-reference", action="store_true", help="leave out the reference reader (slow at 1M)")
    parser.add_argument("--baseline", type=Path, help="another checkout whose columnar reader runs beside this one's")
    args = parser.parse_args()
    modes = ["columnar", "minimal"] if args.no_reference else ["columnar", "reference", "minimal"]
    if args.baseline is not None:
        modes.insert(1, "baseline")
    roots = {mode: ROOT for mode in modes} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    with tempfile.TemporaryDirectory() as folder:
        metrics, roster = write_export(Path(folder), args.rows)
        size = metrics.stat().st_size / 2**20
        print(f"{args.rows:,} agent-months, S0 export in GB18030 ({size:,.1f} MiB) and roster; "
              f"median of {args.repeat} fresh process(es)")
        print(f"{'reader':<10} {'read s':>8} {'process s':>10} {'CPU s':>7} {'peak MiB':>9} {'rows':>10}")
        runs: dict[str, list] = {mode: [] for mode in modes}
        for _ in range(args.repeat):  # interleaved, so that a noisy neighbour hurts every reader alike
            for mode in modes:
                runs[mode].append(run(mode, metrics, roster, roots[mode]))
        found = {}
        for mode in modes:
            rows = runs[mode][0][0]
            found[mode] = rows
            read, whole, cpu, peak = (statistics.median(r[k] for r in runs[mode]) for k in (1, 2, 3, 4))
            print(f"{mode:<10} {read:8.2f} {whole:10.2f} {cpu:7.2f} {peak:9.0f} {rows:10,}")
        split = [mode for mode in modes if runs[mode][0][5]]
        print("stage (wall s / CPU s)" + "".join(f"{mode:>20}" for mode in split))
        for stage in (*STAGES, "rest"):
            cells = []
            for mode in split:
                if stage not in runs[mode][0][5]:
                    cells.append(f"{'—':>20}")
                    continue
                wall, cpu = (statistics.median(r[5][stage][k] for r in runs[mode]) for k in (0, 1))
                cells.append(f"{wall:10.2f} / {cpu:6.2f}")
            print(f"{stage:<22}" + "".join(cells))
    if len(set(found.values())) != 1:
        raise SystemExit(f"the readers read different numbers of rows: {found}")


if __name__ == "__main__":
    main()
