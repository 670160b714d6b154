"""Benchmark: the XLSX report of 100,000 results, end to end by each engine and by each writer, in fresh processes.

Run:  python benchmarks/bench_xlsx.py [--agents 100000] [--repeat 3] [--against DIR] [--no-floor]
                                      [--skip-writers] [--skip-decimal] [--baseline DIR]

End to end first (issue 19): one month of the S0 export of benchmarks/bench_year.py (GB18030, a title
line, `97.50%`, `1分5秒`, `¥12.34`, thousands separators) and its roster, written as a workbook by
`jixiao evaluate --format xlsx --out …` as a fresh process, interleaved `repeat` times:

- columnar: `--engine columnar` (the workbook from the result columns, engine.report.frame_xlsx);
- decimal: `--engine decimal` (the reference: every agent evaluated with her trace, engine.report.xlsx);
- baseline, with `--baseline DIR`: the columnar command of another checkout (e.g. `git worktree add
  /tmp/before main --detach`), run from there, so a change is measured beside what it changes;

with each side's median wall time, CPU time (user + system, every thread) and peak memory (the child's
ru_maxrss), and whether the workbooks are byte-identical to the columnar one.

Then the writers alone (`--skip-writers` leaves them out):

The S0 month of `agents` synthetic agents (benchmarks/bench_evaluate.py's inputs, teams of 20) is
evaluated once through the engine with the trace on (the KPI details sheet shows each KPI's measured
value, which only the trace holds) and pickled. Each side then runs `repeat` times, interleaved, each
time in a fresh process that loads the results, writes the workbook to a file and reports its wall
time, the memory it held before writing (the results) and its peak while writing (Linux's VmHWM):

- jixiao: this checkout's `engine.report.xlsx.to_xlsx`;
- `--against DIR`: the same function of another checkout (e.g. `git worktree add /tmp/before main`),
  on the same pickled results; its workbook's parts must equal this one's, byte for byte;
- floor: a minimal hand-written openpyxl `write_only` writer of the same cells (the results sheet's
  and the details sheet's values, numbers as numbers, no formats, widths, subtotals or styles).

Every side runs with Python's default garbage collection. Medians are printed, and the ratios to
jixiao's, with each side's CPU time beside its wall time (a machine shared with other jobs stretches
the wall clock, not the CPU time): read them side by side.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import pickle
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "policies" / "s0_shop.yaml"


def make_results(agents: int, path: Path) -> None:
    """The synthetic month's results, traced, pickled to `path`."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_evaluate import synthetic

    from engine.pipeline import prepare
    from engine.run.evaluate import evaluate_period

    plan, _ = prepare(str(POLICY))
    results = evaluate_period(plan, synthetic(agents), trace=True)
    with path.open("wb") as stream:
        pickle.dump(results, stream, protocol=pickle.HIGHEST_PROTOCOL)


def floor_writer(plan, results, lang: str) -> bytes:
    """The least a writer of the same cells does: openpyxl's write-only workbook, one row per result
    on the results sheet, then the details sheet, values only."""
    import io

    from openpyxl import Workbook

    from engine.report.result_columns import measured_columns, result_columns, who_columns

    book = Workbook(write_only=True)
    for columns in (result_columns(plan, results, lang),
                    [*who_columns(plan, results, lang), *measured_columns(plan, lang),
                     *(c for c in result_columns(plan, results, lang) if c.key.startswith("kpi:"))]):
        sheet = book.create_sheet()
        sheet.append([c.heading for c in columns])
        for r in results:
            sheet.append([c.value(r) for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _run(command: list[str], cwd: Path | None = None) -> dict:
    """Wall and CPU seconds and peak memory (MiB) of one fresh process (run in `cwd`); it must succeed."""
    import os
    import time

    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status:
        raise SystemExit(f"failed: {' '.join(command)}\n{child.stderr.read().decode() if child.stderr else ''}")
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024}


def end_to_end(agents: int, repeat: int, decimal: bool, baseline: Path | None = None) -> None:
    """`jixiao evaluate --format xlsx` of one month by each engine (and by the baseline checkout's columnar
    path), interleaved, side by side (see the module's docstring)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_year import write_data

    with tempfile.TemporaryDirectory() as folder:
        metrics, roster = write_data(Path(folder), agents, ["2026-10"], xlsx=False)
        size = metrics.stat().st_size / 2**20
        sides = {"columnar": ("columnar", ROOT)}
        if baseline is not None:
            sides["baseline"] = ("columnar", baseline.resolve())
        if decimal:
            sides["decimal"] = ("decimal", ROOT)
        out = {side: Path(folder) / f"{side}.xlsx" for side in sides}
        runs: dict[str, list[dict]] = {side: [] for side in sides}
        for _ in range(repeat):
            for side, (engine, where) in sides.items():
                runs[side].append(_run([sys.executable, "-m", "cli", "evaluate", "--policy", str(POLICY),
                                        "--metrics", str(metrics), "--roster", str(roster), "--format", "xlsx",
                                        "--engine", engine, "--out", str(out[side])], where))
        same = {side: out["columnar"].read_bytes() == out[side].read_bytes() for side in sides if side != "columnar"}
    print(f"jixiao evaluate --format xlsx, S0, one month of {agents:,} agents ({size:.0f} MiB GB18030 export), "
          f"median of {repeat} fresh processes each, interleaved" + (f"; baseline: {baseline}" if baseline else ""))
    medians = {side: statistics.median(run["seconds"] for run in found) for side, found in runs.items()}
    for side, found in runs.items():
        cpu = statistics.median(run["cpu"] for run in found)
        peak = max(run["peak_mib"] for run in found)
        walls = ", ".join(f"{run['seconds']:.2f}" for run in found)
        print(f"  {side:<9} {medians[side]:7.2f} s (CPU {cpu:6.2f} s)  peak {peak:6.0f} MiB  (each run: {walls} s)")
    if "baseline" in medians:
        print(f"  baseline / columnar: {medians['baseline'] / medians['columnar']:.2f}x")
    for side, alike in same.items():
        print(f"  the columnar and {side} workbooks byte-identical: {'yes' if alike else 'NO'}")


def _status(field: str) -> float | None:
    """A field of Linux's /proc/self/status in MiB (VmRSS now, VmHWM the peak), None elsewhere."""
    try:
        return int(Path("/proc/self/status").read_text().split(f"{field}:")[1].split()[0]) / 1024
    except (OSError, IndexError):
        return None


def child(side: str, root: str, results_path: str, out: str) -> None:
    """One run in this fresh process: load the results, then write the workbook and report (JSON on
    stdout) the time it took, the memory held before it and the peak while writing. The peak is
    Linux's VmHWM, reset once the results are loaded (so unpickling's own peak is not counted);
    `ru_maxrss` would also carry the peak of whichever process forked this one."""
    import gc
    import resource
    import time

    sys.path.insert(0, root)
    from engine.pipeline import prepare

    plan, _ = prepare(str(POLICY))
    with open(results_path, "rb") as stream:
        results = pickle.load(stream)
    gc.collect()
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to what the process holds now
    held = _status("VmRSS")
    if side == "floor":
        import openpyxl  # noqa: F401  imported before the clock starts, as the writers' modules are

        write = floor_writer
    else:
        from engine.report.xlsx import to_xlsx as write
    start, cpu = time.perf_counter(), time.process_time()
    data = write(plan, results, "zh")
    Path(out).write_bytes(data)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = _status("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "before_mib": held or 0.0, "peak_mib": peak,
                      "bytes": len(data)}))


def _parts(path: Path) -> dict[str, str]:
    """Each part of a workbook by the sha256 of its content, read in pieces."""
    found = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            digest = hashlib.sha256()
            with archive.open(name) as stream:
                for piece in iter(lambda s=stream: s.read(1 << 20), b""):
                    digest.update(piece)
            found[name] = digest.hexdigest()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--against", metavar="DIR", help="also time the jixiao checked out in DIR, side by side")
    parser.add_argument("--no-floor", action="store_true", help="leave out the openpyxl write-only floor")
    parser.add_argument("--verbose", "-v", action="store_true", help="print each run as it ends")
    parser.add_argument("--skip-writers", action="store_true", help="only the end-to-end run of each engine")
    parser.add_argument("--skip-decimal", action="store_true", help="leave out the Decimal engine's end-to-end run")
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="another checkout whose columnar command runs beside this one's, end to end")
    parser.add_argument("--child", nargs=4, metavar=("SIDE", "ROOT", "RESULTS", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--make", metavar="RESULTS", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if args.make:
        make_results(args.agents, Path(args.make))
        return
    import os

    os.chdir(ROOT)
    end_to_end(args.agents, args.repeat, not args.skip_decimal, args.baseline)
    if args.skip_writers:
        return
    sides = {"jixiao": str(ROOT)}
    if args.against:
        sides[args.against] = str(Path(args.against).resolve())
    if not args.no_floor:
        sides["floor (openpyxl write-only)"] = str(ROOT)
    with tempfile.TemporaryDirectory() as folder:
        pickled = Path(folder) / "results.pickle"
        # Made in a process of its own: this one stays small, so no side inherits its memory.
        subprocess.run([sys.executable, __file__, "--agents", str(args.agents), "--make", str(pickled)], check=True)
        runs: dict[str, list[dict]] = {side: [] for side in sides}
        outputs = {side: Path(folder) / f"side{i}.xlsx" for i, side in enumerate(sides)}
        for _ in range(args.repeat):  # interleaved, so a noisy neighbour hurts every side alike
            for side, root in sides.items():
                kind = "floor" if side.startswith("floor") else "writer"
                done = subprocess.run([sys.executable, __file__, "--child", kind, root, str(pickled),
                                       str(outputs[side])], capture_output=True, text=True, check=True)
                runs[side].append(json.loads(done.stdout.splitlines()[-1]))
                if args.verbose:
                    print(side, done.stdout.splitlines()[-1], flush=True)
        if args.against:
            mine, theirs = _parts(outputs["jixiao"]), _parts(outputs[args.against])
            assert mine == theirs, f"the workbooks' parts differ: {sorted(set(mine.items()) ^ set(theirs.items()))}"
    print(f"XLSX of {args.agents:,} S0 results with their trace (results and details sheets), "
          f"median of {args.repeat} fresh processes each, default garbage collection")
    base = statistics.median(run["seconds"] for run in runs["jixiao"])
    for side, found in runs.items():
        seconds = statistics.median(run["seconds"] for run in found)
        cpu = statistics.median(run["cpu"] for run in found)
        peak = statistics.median(run["peak_mib"] for run in found)
        held = statistics.median(run["before_mib"] for run in found)
        print(f"  {side:<28} {seconds:7.2f} s (CPU {cpu:6.2f} s)  peak while writing {peak:6.0f} MiB  "
              f"(results held {held:5.0f} MiB, writing +{peak - held:5.0f} MiB)  "
              f"{found[0]['bytes'] / 2**20:6.1f} MiB file  {seconds / base:5.2f}x jixiao")
    if args.against:
        print("  the workbooks' parts are the same, byte for byte")


if __name__ == "__main__":
    main()
