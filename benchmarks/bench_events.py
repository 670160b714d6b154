"""Benchmark: a month of events (issue 19's target: 1,000,000 events for 10,000 agents read in under 10 s, or
the reader within 1.3x of a minimal hand-written reader).

Run:  python benchmarks/bench_events.py [--agents 10000] [--events-count 1000000] [--repeat 5] [--jsonl]
                                        [--phases] [--general]

Writes into a temporary folder the S0 policy with an `events:` section and three S4.P24 penalty
clauses (one compares first-response seconds per day, one a single response's seconds, one counts
unanswered chats), a GB18030 metrics export and a roster for `agents` agents for 2026-10 (as
bench_year writes them), and `events-count` seeded events (first responses with seconds, no-replies,
bad reviews; ISO times in seconds, unique order numbers) as CSV (and with --jsonl as JSON Lines).
Then, for each events file, in one run:

- the reader side by side: jixiao's (`with_events`: read, check and hand each agent hers, as the
  command does) and a minimal hand-written reader of the same file (decode, split, the time by
  datetime.fromisoformat placed in the zone, the day, Decimal values, the kind's id from a dict, the
  same Event objects, grouped per agent; no validation, no located errors). Each side runs in a fresh
  child process (so its peak memory, VmHWM, is its own), with the cycle collector paused on both
  sides, interleaved `repeat` times; printed: median wall clock, median CPU time (user + system of
  the reading alone), the ratio of medians, and the median peak RSS (and its growth over the
  child's RSS before reading). Both must find the same events first;
- end to end: the real command `jixiao evaluate -p POLICY -m METRICS -r ROSTER --events EVENTS
  --period 2026-10 --format csv --out OUT.csv` as a fresh process, median wall clock, CPU time and
  peak RSS of `repeat` runs (on a shared machine the wall clock also counts the neighbours);
- with --phases, in process, median of `repeat`: the phases of that command (prepare the policy,
  read metrics and roster, read events and hand each agent hers, evaluate, write the CSV report).

`--general` also times the general readers alone (read_events_generally: read_table / read_jsonl
for every cell, what every events file took before the fast reader), which is slow at full size.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_year import write_data  # noqa: E402

from engine.collector import cycle_collection_paused  # noqa: E402
from engine.data.events import read_events_generally, with_events  # noqa: E402
from engine.data.inputs import read_inputs  # noqa: E402
from engine.model.events import Event  # noqa: E402
from engine.model.inputs import AgentInput  # noqa: E402
from engine.pipeline import prepare  # noqa: E402
from engine.report.atomic_write import write_atomic  # noqa: E402
from engine.report.tables import render  # noqa: E402
from engine.run.evaluate import evaluate  # noqa: E402

PERIOD = "2026-10"
ZONE = "Asia/Shanghai"
CLAUSES = f"""
events:
  zone: {ZONE}
  kinds:
    first_response: {{label: {{zh: 首次响应, en: First response}}, aliases: [首响]}}
    no_reply: {{label: 未回复}}
    bad_review: {{label: {{zh: 差评, en: Bad review}}}}

penalties:
  slow_day:
    label: {{zh: 一天内首次响应超过60秒多于3次, en: More than 3 slow first responses in a day}}
    rule: S4.P24
    kind: first_response
    value_over: 60
    count_over: 3
    per: day
    cancels: [performance]
  very_slow:
    label: {{zh: 首次响应超过300秒, en: A first response over 300 s}}
    rule: S4.P24
    kind: first_response
    value_over: 300
    cancels: [performance]
  unanswered:
    label: {{zh: 一周未回复多于2次, en: More than 2 unanswered chats in a week}}
    rule: S4.P24
    kind: no_reply
    count_over: 2
    per: week
    cancels: [performance]
"""
HEADER = ["工号", "时间", "类型", "数值/秒", "金额", "订单号", "备注"]
KEYS = ["工号", "时间", "类型", "数值", "金额", "订单号", "备注"]
KIND_IDS = {"首响": "first_response", "首次响应": "first_response", "First response": "first_response",
            "first_response": "first_response", "未回复": "no_reply", "no_reply": "no_reply",
            "差评": "bad_review", "Bad review": "bad_review", "bad_review": "bad_review"}


def write_policy(folder: Path) -> Path:
    path = folder / "shop.yaml"
    path.write_text((ROOT / "policies" / "s0_shop.yaml").read_text(encoding="utf-8") + CLAUSES, encoding="utf-8")
    return path


def event_cells(agents: int, count: int, seed: int = 2026) -> list[list[str]]:
    """`count` events spread over `agents` agents and the month, one row of cells each."""
    rng = random.Random(seed)
    start = datetime(2026, 10, 1)
    seconds = 31 * 86400
    rows = []
    for i in range(count):
        kind = rng.choices(("首响", "未回复", "差评"), (80, 5, 15))[0]
        value = str(rng.choice((rng.randint(5, 60), rng.randint(5, 400)))) if kind == "首响" else ""
        moment = start + timedelta(seconds=rng.randrange(seconds))
        rows.append([f"{100000 + rng.randrange(agents)}", moment.isoformat(" "), kind, value, "", f"T{i:09d}",
                     "客户催单" if rng.random() < 0.02 else ""])
    return rows


def write_events(folder: Path, rows: list[list[str]]) -> tuple[Path, Path]:
    csv_path = folder / "events.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(rows)
    jsonl_path = folder / "events.jsonl"
    with jsonl_path.open("w", encoding="utf-8") as stream:
        for row in rows:
            item = {key: cell for key, cell in zip(KEYS, row, strict=True) if cell}
            if "数值" in item:
                item["数值"] = int(item["数值"])
            stream.write(json.dumps(item, ensure_ascii=False) + "\n")
    return csv_path, jsonl_path


def minimal_csv(path: Path) -> dict[str, list[Event]]:
    """What a careful engineer would write for exactly this file: the same Events, grouped per agent; no
    validation, no located errors."""
    zone = ZoneInfo(ZONE)
    kinds = KIND_IDS
    mine: dict[str, list[Event]] = defaultdict(list)
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = csv.reader(stream)
        next(rows)
        for number, (agent, time_text, kind, value, amount, order, note) in enumerate(rows, start=2):
            at = datetime.fromisoformat(time_text)
            local = at.replace(tzinfo=zone) if at.tzinfo is None else at.astimezone(zone)
            mine[agent].append(Event(agent, local if at.tzinfo is None else at, local.date(), kinds[kind],
                                     Decimal(value) if value else None, Decimal(amount) if amount else None, order,
                                     note, f"{path} row {number}"))
    return mine


def minimal_jsonl(path: Path) -> dict[str, list[Event]]:
    """The same for JSON Lines: json.loads per line."""
    zone = ZoneInfo(ZONE)
    kinds = KIND_IDS
    mine: dict[str, list[Event]] = defaultdict(list)
    with path.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            item = json.loads(line)
            agent, value, amount = item["工号"], item.get("数值"), item.get("金额")
            at = datetime.fromisoformat(item["时间"])
            local = at.replace(tzinfo=zone) if at.tzinfo is None else at.astimezone(zone)
            mine[agent].append(Event(agent, local if at.tzinfo is None else at, local.date(), kinds[item["类型"]],
                                     None if value is None else Decimal(value),
                                     None if amount is None else Decimal(amount), item.get("订单号", ""),
                                     item.get("备注", ""), f"{path} row {number}"))
    return mine


MINIMAL = {".csv": minimal_csv, ".jsonl": minimal_jsonl}


def agent_inputs(agents: int) -> list[AgentInput]:
    """The month's agents as the command hands them to with_events (metric values play no part in reading events)."""
    return [AgentInput(f"{100000 + i}", PERIOD, {}) for i in range(agents)]


def jixiao_reader(policy: Path, agents: int):
    """with_events as the command calls it: read, check, and hand each agent her events."""
    plan, _ = prepare(str(policy))
    inputs = agent_inputs(agents)
    return lambda path: with_events(plan.events, inputs, path, PERIOD)


def general_reader(policy: Path, path: Path, agents: int):
    """read_events_generally of `path`: what the fast reader is held to."""
    plan, _ = prepare(str(policy))
    known = {f"{100000 + i}" for i in range(agents)}
    return lambda: read_events_generally(path, plan.events, known, PERIOD)


def _status_mib(field: str) -> float:
    """A memory figure of this process from /proc/self/status: VmRSS (now) or VmHWM (its peak).

    Not ru_maxrss: a child started by fork and exec reports the peak of its parent's memory too.
    """
    with open("/proc/self/status", encoding="ascii") as stream:
        for line in stream:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024  # kB
    raise SystemExit(f"no {field} in /proc/self/status")


def child(side: str, policy: Path, path: Path, agents: int) -> None:
    """One reading in this (fresh) process: prints its wall and CPU seconds, and RSS before and at peak."""
    read = jixiao_reader(policy, agents) if side == "jixiao" else MINIMAL[path.suffix]
    before = _status_mib("VmRSS")
    with cycle_collection_paused():  # the same collector setting on both sides (with_events pauses it too)
        cpu, wall = time.process_time(), time.perf_counter()
        read(path)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps({"wall": wall, "cpu": cpu, "before": before, "peak": _status_mib("VmHWM")}))


def run_child(side: str, policy: Path, path: Path, agents: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", side, "--policy", str(policy), "--file", str(path),
               "--agents", str(agents)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{side} reader failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def side_by_side(policy: Path, path: Path, agents: int, repeat: int) -> dict[str, dict[str, float]]:
    """Each side's medians (wall, cpu, before, peak) over `repeat` fresh processes, interleaved."""
    runs: dict[str, list[dict[str, float]]] = {"jixiao": [], "minimal": []}
    for _ in range(repeat):  # interleaved, so a noisy neighbour hurts every side alike
        for side, found in runs.items():
            found.append(run_child(side, policy, path, agents))
    return {side: {key: statistics.median(run[key] for run in found) for key in found[0]}
            for side, found in runs.items()}


def same_events(policy: Path, path: Path, agents: int) -> None:
    """A benchmark of two readers that disagree measures nothing: both must find exactly the same events."""
    inputs, _ = jixiao_reader(policy, agents)(path)
    mine = {i.agent: i.events for i in inputs if i.events}
    theirs = {agent: tuple(found) for agent, found in MINIMAL[path.suffix](path).items()}
    assert mine == theirs, "the minimal reader disagrees with jixiao's"
    assert repr(sorted(mine.items())) == repr(sorted(theirs.items()))  # tzinfo and Decimal exponents too


def _ratio(mine: float, theirs: float) -> str:
    """`mine / theirs` as `1.23x`; at a toy size a side's CPU time can read 0 (the clock's tick), said so."""
    return f"{mine / theirs:.2f}x" if theirs > 0 else "n/a (too short to time)"


def _median(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        with cycle_collection_paused():  # the same collector setting for every side
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def _command() -> list[str]:
    script = Path(sys.executable).parent / "jixiao"
    if script.exists():
        return [str(script)]
    found = shutil.which("jixiao")
    return [found] if found else [sys.executable, "-c", "import cli; cli.main()"]


# Runs the command and prints its wall clock, CPU time and peak memory: a small process starting it, so
# its ru_maxrss is the command's own (a process forked from this one would count this one's memory too).
LAUNCH = """
import json, os, subprocess, sys, time
start = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
stderr = process.stderr.read()
_, status, usage = os.wait4(process.pid, 0)
wall = time.perf_counter() - start
if os.waitstatus_to_exitcode(status):
    sys.exit(stderr.decode()[-2000:])
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak": usage.ru_maxrss / 1024}))
"""


def end_to_end(policy: Path, metrics: Path, roster: Path, events: Path, out: Path,
               repeat: int) -> tuple[float, float, float]:
    """Median wall clock, CPU time (user + system) and peak RSS (MiB) of the command as a fresh process."""
    command = [*_command(), "evaluate", "-p", str(policy), "-m", str(metrics), "-r", str(roster), "--events",
               str(events), "--period", PERIOD, "--format", "csv", "--out", str(out)]
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", LAUNCH, *command], cwd=ROOT, capture_output=True, text=True,
                              check=False)
        if done.returncode != 0:
            raise SystemExit(f"jixiao evaluate failed:\n{done.stderr[-2000:]}")
        runs.append(json.loads(done.stdout))
    return tuple(statistics.median(run[key] for run in runs) for key in ("wall", "cpu", "peak"))


def phases(policy: Path, metrics: Path, roster: Path, events: Path, out: Path, repeat: int) -> dict[str, float]:
    """The command's phases in process, each the median of `repeat`."""
    runs: dict[str, list[float]] = {}
    for _ in range(repeat):
        with cycle_collection_paused():  # as the command runs: paused from start to end
            marks = _phase_marks(policy, metrics, roster, events, out)
        for name, begin, end in zip(("prepare", "read metrics", "read events", "evaluate", "write"), marks, marks[1:],
                                    strict=False):
            runs.setdefault(name, []).append(end - begin)
    return {name: statistics.median(times) for name, times in runs.items()}


def _phase_marks(policy: Path, metrics: Path, roster: Path, events: Path, out: Path) -> list[float]:
    marks = [time.perf_counter()]
    plan, _ = prepare(str(policy))
    marks.append(time.perf_counter())
    inputs = [i for i in read_inputs(plan, metrics, roster=roster, period=PERIOD).agents if i.period == PERIOD]
    marks.append(time.perf_counter())
    inputs, _ = with_events(plan.events, inputs, events, PERIOD)
    marks.append(time.perf_counter())
    results = evaluate(plan, inputs)
    marks.append(time.perf_counter())
    write_atomic(out, render(plan, results, "csv"))
    marks.append(time.perf_counter())
    return marks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=10_000)
    parser.add_argument("--events-count", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jsonl", action="store_true", help="also the same events as JSON Lines")
    parser.add_argument("--phases", action="store_true", help="also the command's phases in process")
    parser.add_argument("--general", action="store_true", help="also time the general readers alone (slow)")
    parser.add_argument("--child", choices=("jixiao", "minimal"), help=argparse.SUPPRESS)
    parser.add_argument("--policy", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.policy, args.file, args.agents)
        return
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        policy = write_policy(folder)
        metrics, roster = write_data(folder, args.agents, [PERIOD], xlsx=False)
        csv_path, jsonl_path = write_events(folder, event_cells(args.agents, args.events_count))
        print(f"{args.events_count:,} events for {args.agents:,} agents, {PERIOD}; median of {args.repeat}, "
              f"each reading a fresh process, the two sides interleaved, cycle collector paused on both")
        for path in (csv_path, jsonl_path) if args.jsonl else (csv_path,):
            same_events(policy, path, args.agents)
            print(f"\n{path.name} ({path.stat().st_size / 2**20:,.1f} MiB)")
            medians = side_by_side(policy, path, args.agents, args.repeat)
            for side, label in (("jixiao", "jixiao with_events"), ("minimal", "hand-written minimal")):
                m = medians[side]
                print(f"  read {label:21}: {m['wall']:6.2f} s wall  {m['cpu']:6.2f} s CPU  "
                      f"{args.events_count / m['wall']:>9,.0f} events/s  peak {m['peak']:6.0f} MiB "
                      f"(+{m['peak'] - m['before']:.0f} MiB reading)")
            mine, theirs = medians["jixiao"], medians["minimal"]
            print(f"  ratio jixiao / minimal: {_ratio(mine['wall'], theirs['wall'])} wall, "
                  f"{_ratio(mine['cpu'], theirs['cpu'])} CPU, {_ratio(mine['peak'], theirs['peak'])} peak memory")
            if args.general:
                seconds = _median(general_reader(policy, path, args.agents), args.repeat)
                print(f"  read by the general readers alone (in process): {seconds:6.2f} s")
            out = folder / "out.csv"
            if args.phases:
                for phase, seconds in phases(policy, metrics, roster, path, out, args.repeat).items():
                    print(f"  in process, {phase:13}: {seconds:6.2f} s")
            wall, cpu, peak = end_to_end(policy, metrics, roster, path, out, args.repeat)
            print(f"  end to end, jixiao evaluate (fresh process): {wall:6.2f} s wall, {cpu:6.2f} s CPU, "
                  f"peak {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
