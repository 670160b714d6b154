"""Benchmark: every shipped policy's example month scaled up, the columnar path beside the Decimal path.

Run:  python benchmarks/bench_policies.py [--agents 1000000] [--common 100000] [--repeat 1]
                                          [--policy all|s0|s1|s2|roster|s3|s4|template] [--format csv|json]
                                          [--phases] [--ascii-ids]

For each shipped policy (policies/*.yaml) and its example month (examples/, see examples/README.md),
benchmarks/scale_examples.py writes the month with many agents in the example's own format (same
columns, encoding, title and summary rows, cell forms; teams of 6–24 copied from the example's;
values varied from a seed). The months with events (S4's and the roster desk's) are cases of their
own: the columnar engine reads their events and counts each agent's clauses too, so they run at
`--agents` like the others (with `--phases`, their events stage apart). Each case then runs, every run
a fresh process, interleaved `repeat` times:

  at `--common` agents   `jixiao evaluate … --engine columnar -v` and `… --engine decimal`, and
                         whether their outputs are byte-identical
  at `--agents` agents   `… --engine columnar -v` alone (the Decimal path takes about a minute per
                         million agent-months), when the columnar engine covers the case

With `--ascii-ids`, the nicknames of S1's and the roster desk's months start with a Latin letter
(kf0000001) instead of the example's Chinese (客服0000001): what those months cost where the columnar
reader takes rows whose id starts with a CJK character only up to a limit (engine/data/frame_read.py).

With `--phases`, one more fresh process at `--agents` times the columnar path's stages in process
(imports, the policy and the files' bytes, read, evaluate, write: wall and CPU seconds each), as
engine/columnar_month.py chains them.

It prints, per case: whether the columnar engine covered it (else the reason `-v` gave, and its side
is shown as `col→dec`: asked for the columnar engine, it ran the Decimal path), agents,
median wall time, median CPU time (user + system of the child), peak RSS (the child's ru_maxrss),
the Decimal/columnar ratio at the common size, and whether the outputs are the same bytes. The
machines are shared 2-core VMs: read the ratios and medians, not a lone time.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scale_examples import EXAMPLES_BY_CASE, Example  # noqa: E402

ROOT = HERE.parent
ENGINE_LINE = ("计算方式：", "engine: ")

# The columnar path's stages, as engine.columnar_month.evaluate_report chains them, each timed:
# `python -c PHASES POLICY METRICS ROSTER|- PERIOD|- FORMAT EVENTS|-` prints "stage wall cpu" lines; a month with
# events has an "events" stage (the events read and each agent's clause facts, engine.columnar_month.read_facts).
PHASES = """
import sys, time
marks = [("start", time.perf_counter(), time.process_time())]
def mark(stage):
    marks.append((stage, time.perf_counter(), time.process_time()))
import polars
from engine.columnar_month import read_facts
from engine.month import Files, read_sources
from engine.policy.check import require_valid
from engine.policy.compile import compile_policy
from engine.policy.load import load_text
from engine.data.frame_read import read_month
from engine.run.columnar.evaluate import evaluate_month
from engine.report.frame_write import render_frame
mark("imports")
policy, metrics, roster, period, fmt, events = sys.argv[1:7]
roster = None if roster == "-" else roster
period = None if period == "-" else period
events = None if events == "-" else events
files = Files(policy, metrics, roster, events=events)
sources = read_sources(files)
doc = load_text(sources.policy, sources.policy_path, sources.base_bytes())
require_valid(doc)
plan = compile_policy(doc, period)
data = {p: c for _, p, c in sources.inputs}
del sources
mark("policy+bytes")
month = read_month(plan, metrics, roster, None, data=data, period=period)
mark("read")
facts = None
if events:
    facts, _ = read_facts(plan, events, None, data, month)
    mark("events")
evaluated = evaluate_month(plan, month, facts=facts)
mark("evaluate")
data = render_frame(plan, evaluated.results, fmt, "zh")
mark("write")
for (_, w0, c0), (stage, w1, c1) in zip(marks, marks[1:]):
    print(stage, w1 - w0, c1 - c0)
"""


@dataclass(frozen=True)
class Run:
    """One fresh process: wall and CPU seconds, peak memory in MiB, and its `-v` line (if any)."""

    wall: float
    cpu: float
    peak: float
    said: str


def run(command: list[str]) -> Run:
    """Run `command` to completion as a fresh process; it must succeed."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if status:
        raise SystemExit(f"failed: {' '.join(command)}\n{stderr[-3000:]}")
    said = next((line for line in stderr.splitlines() if line.startswith(ENGINE_LINE)), "")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, said)


@dataclass(frozen=True)
class Side:
    """One engine's runs of one case at one size."""

    engine: str
    agents: int
    runs: tuple[Run, ...]

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def peak(self) -> float:
        return max(r.peak for r in self.runs)

    def line(self) -> str:
        return (f"    {self.engine:8s} {self.agents:>10,}  wall {self.wall:7.2f} s  cpu {self.cpu:7.2f} s  "
                f"peak {self.peak:6.0f} MiB")


def covered(said: str) -> tuple[bool, str]:
    """Whether the `-v` line names the columnar engine, and the reason it gives when not."""
    engine = said.split("：", 1)[-1] if "：" in said else said.split(": ", 1)[-1]
    if engine.startswith("columnar"):
        return True, ""
    return False, engine.split("——", 1)[-1] if "——" in engine else engine


def written(example: Example, agents: int, args: argparse.Namespace, folder: Path) -> list[str]:
    """The month scaled to `agents` in `folder`, by a process of its own: a child's ru_maxrss counts
    its parent's peak resident memory too (Linux carries it over fork and exec), so this process
    never holds a large month. The arguments of `jixiao evaluate` that read it."""
    command = [sys.executable, str(HERE / "scale_examples.py"), example.case, str(agents), str(folder)]
    done = subprocess.run([*command, *(["--ascii-ids"] if args.ascii_ids else [])], capture_output=True, text=True,
                          check=False)
    if done.returncode:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr[-3000:]}")
    return done.stdout.splitlines()


def measure(example: Example, agents: int, engines: tuple[str, ...], args: argparse.Namespace,
            folder: Path) -> tuple[list[Side], bool | None, float]:
    """Scale the month to `agents`, run each engine `repeat` times interleaved; the sides, whether
    their outputs are byte-identical (when more than one ran) and the metrics file's size in MiB."""
    month = written(example, agents, args, folder)
    fmt = args.format
    found: dict[str, list[Run]] = {engine: [] for engine in engines}
    outputs = {engine: folder / f"{engine}.{fmt}" for engine in engines}
    for _ in range(args.repeat):
        for engine in engines:
            command = [sys.executable, "-m", "cli", "evaluate", *month, "--format", fmt,
                       "--engine", engine, "--out", str(outputs[engine]), "-v"]
            found[engine].append(run(command))
    same = None
    if len(engines) > 1:  # compared a block at a time: this process never holds an output (see `written`)
        filecmp.clear_cache()  # its cache goes by size and mtime, not content
        same = all(filecmp.cmp(outputs[engines[0]], outputs[e], shallow=False) for e in engines[1:])
    size = Path(month[month.index("--metrics") + 1]).stat().st_size / 2**20
    for path in folder.iterdir():
        path.unlink()
    return [Side(engine, agents, tuple(found[engine])) for engine in engines], same, size


def phases(example: Example, agents: int, args: argparse.Namespace, folder: Path) -> list[tuple[str, float, float]]:
    """The columnar path's stages at `agents`, in one fresh process: (stage, wall, cpu) each."""
    month = written(example, agents, args, folder)
    given = dict(zip(month[::2], month[1::2], strict=True))
    command = [sys.executable, "-c", PHASES, given["--policy"], given["--metrics"], given.get("--roster", "-"),
               given.get("--period", "-"), args.format, given.get("--events", "-")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    for path in folder.iterdir():
        path.unlink()
    if done.returncode:
        raise SystemExit(f"failed: the phases of {example.case}\n{done.stderr[-3000:]}")
    lines = (line.split() for line in done.stdout.splitlines())
    return [(stage, float(wall), float(cpu)) for stage, wall, cpu in lines]


def bench(example: Example, args: argparse.Namespace) -> None:
    common = min(args.common, args.agents)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        sides, same, size = measure(example, common, ("columnar", "decimal"), args, folder)
        ok, reason = covered(sides[0].runs[0].said)
        where = f"{example.metrics}" + (f" + {Path(example.events).name}" if example.events else "")
        print(f"{example.case}: {example.policy}, {where} ({size:.1f} MiB at {common:,} agents)")
        print(f"  columnar engine: {'covers it' if ok else 'not covered: ' + reason}")
        columnar, decimal = sides
        if not ok:  # asked for the columnar engine, it ran the Decimal path from the start
            columnar = Side("col→dec", columnar.agents, columnar.runs)
        print(columnar.line())
        print(decimal.line())
        print(f"    decimal/columnar {decimal.wall / columnar.wall:.2f}× wall, {decimal.cpu / columnar.cpu:.2f}× cpu; "
              f"outputs byte-identical: {'yes' if same else 'NO'}")
        if ok:
            print(f"    -v: {columnar.runs[0].said}")
        if ok and args.agents > common:
            try:
                large, _, size = measure(example, args.agents, ("columnar",), args, folder)
            except SystemExit as failed:  # a file beyond what a reader takes (S4's events past 1,048,576 rows)
                print(f"    columnar {args.agents:>10,}  refused: {str(failed).strip().splitlines()[-1]}")
                ok = False
            else:
                print(large[0].line() + f"  ({size:.0f} MiB of metrics)")
                print(f"    -v: {large[0].runs[0].said}")  # a month too large for 64 bits goes to the Decimal path
                ok = covered(large[0].runs[0].said)[0]
        if ok and args.phases:
            found = phases(example, args.agents, args, folder)
            print(f"    phases at {args.agents:,}: " + ", ".join(f"{stage} {wall:.2f} s ({cpu:.2f} cpu)"
                                                               for stage, wall, cpu in found))
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=1_000_000, help="the columnar path's size")
    parser.add_argument("--common", type=int, default=100_000, help="the size both engines run at")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--policy", choices=("all", *sorted({c.split("+")[0] for c in EXAMPLES_BY_CASE})),
                        default="all", help="one policy's cases (its example month, with and without events)")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--phases", action="store_true", help="time the columnar path's stages in process too")
    parser.add_argument("--ascii-ids", action="store_true", help="nicknames start with a Latin letter (kf0000001)")
    args = parser.parse_args()
    print(f"Each shipped policy's example month scaled up → {args.format}; fresh processes, "
          f"{args.repeat} interleaved run(s) per side, medians; peak = the child's max RSS"
          + ("; nicknames start with a Latin letter (--ascii-ids)" if args.ascii_ids else ""))
    for case, example in EXAMPLES_BY_CASE.items():
        if args.policy in ("all", case.split("+")[0]):
            bench(example, args)
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this process's own peak, {floor:.0f} MiB, is a floor under every child's peak figure)")


if __name__ == "__main__":
    main()
