"""Benchmark: a month of events (issue 10's target: 1,000,000 events for 10,000 agents, under 10 s end to end).

Run:  python benchmarks/bench_events.py [--agents 10000] [--events-count 1000000] [--repeat 3] [--general]

Writes into a temporary folder the S0 policy with an `events:` section and three S4.P24 penalty
clauses (one compares first-response seconds per day, one a single response's seconds, one counts
unanswered chats), a GB18030 metrics export and a roster for `agents` agents for 2026-10 (as
bench_year writes them), and `events-count` seeded events (first responses with seconds, no-replies,
bad reviews; ISO times in seconds, unique order numbers) as CSV and as JSON Lines. Then, for each
events file:

- end to end: the real command `jixiao evaluate -p POLICY -m METRICS -r ROSTER --events EVENTS
  --period 2026-10 --format csv --out OUT.csv` as a fresh process, wall clock, median of `repeat`
  (and its CPU time, user + system: on a shared machine the wall clock also counts the neighbours);
- in process, median of `repeat`: the phases of that command (prepare the policy, read metrics and
  roster, read events and hand each agent hers, evaluate, write the CSV report), so the cost of
  each is visible; the cycle collector is paused from start to end, as the command pauses it;
- reading the events side by side with a hand-written minimal reader of the same file (csv or
  json, datetime.fromisoformat, Decimal, the kind's id from a dict, the day in the zone; no
  validation, no located errors): both with the cycle collector paused (engine.collector),
  interleaved, median of `repeat`, and the ratio. Both must find the same events first.

`--general` also times the general readers alone (read_events_generally: read_table / read_jsonl
for every cell, what every events file took before the fast reader), which is slow at full size.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_year import write_data  # noqa: E402

from engine.collector import cycle_collection_paused  # noqa: E402
from engine.data.events import read_events, read_events_generally, with_events  # noqa: E402
from engine.data.inputs import read_inputs  # noqa: E402
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


def _event(zone: ZoneInfo, agent: str, time_text: str, kind: str, value: str, amount: str, order: str,
           note: str) -> tuple:
    at = datetime.fromisoformat(time_text)
    at = at.replace(tzinfo=zone) if at.tzinfo is None else at.astimezone(zone)
    return (agent, at, at.date(), KIND_IDS[kind], Decimal(value) if value else None,
            Decimal(amount) if amount else None, order, note)


def minimal_csv(path: Path) -> list[tuple]:
    """What a careful engineer would write for exactly this file: no validation, no located errors."""
    zone = ZoneInfo(ZONE)
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = csv.reader(stream)
        next(rows)
        return [_event(zone, *row) for row in rows]


def minimal_jsonl(path: Path) -> list[tuple]:
    zone = ZoneInfo(ZONE)
    found = []
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            item = json.loads(line)
            value = item.get("数值")
            found.append(_event(zone, item["工号"], item["时间"], item["类型"], "" if value is None else str(value),
                                item.get("金额", ""), item.get("订单号", ""), item.get("备注", "")))
    return found


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


def end_to_end(policy: Path, metrics: Path, roster: Path, events: Path, out: Path, repeat: int) -> tuple[float, float]:
    """Median wall clock and median CPU time (user + system) of the command as a fresh process."""
    command = [*_command(), "evaluate", "-p", str(policy), "-m", str(metrics), "-r", str(roster), "--events",
               str(events), "--period", PERIOD, "--format", "csv", "--out", str(out)]
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"jixiao evaluate failed:\n{done.stderr[-2000:]}")
    return statistics.median(walls), statistics.median(cpus)


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
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--general", action="store_true", help="also time the general readers alone (slow)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        policy = write_policy(folder)
        metrics, roster = write_data(folder, args.agents, [PERIOD], xlsx=False)
        files = write_events(folder, event_cells(args.agents, args.events_count))
        plan, _ = prepare(str(policy))
        agents = {f"{100000 + i}" for i in range(args.agents)}
        print(f"{args.events_count:,} events for {args.agents:,} agents, {PERIOD} "
              f"(median of {args.repeat}; cycle collector paused on every reading side)")
        for path, minimal in zip(files, (minimal_csv, minimal_jsonl), strict=True):
            size = path.stat().st_size / 2**20
            mine, _ = read_events(path, plan.events, agents, PERIOD)
            theirs = minimal(path)
            # Same answers first: a benchmark of two readers that disagree measures nothing.
            assert [(e.agent, e.at, e.day, e.kind, e.value, e.amount, e.order, e.note) for e in mine] == theirs
            sides = {"jixiao read_events": lambda p=path: read_events(p, plan.events, agents, PERIOD),
                     "hand-written minimal": lambda p=path, m=minimal: m(p)}
            if args.general:
                sides["general readers alone"] = lambda p=path: read_events_generally(p, plan.events, agents, PERIOD)
            times = {side: [] for side in sides}
            for _ in range(args.repeat):  # interleaved, so a noisy neighbour hurts every side alike
                for side, function in sides.items():
                    times[side].append(_median(function, 1))
            medians = {side: statistics.median(t) for side, t in times.items()}
            base = medians["hand-written minimal"]
            print(f"\n{path.name} ({size:,.1f} MB)")
            for side, seconds in medians.items():
                print(f"  read {side:24}: {seconds:6.2f} s  {args.events_count / seconds:>10,.0f} events/s  "
                      f"({seconds / base:.2f}x the minimal reader's time)")
            out = folder / "out.csv"
            for phase, seconds in phases(policy, metrics, roster, path, out, args.repeat).items():
                print(f"  in process, {phase:13}: {seconds:6.2f} s")
            wall, cpu = end_to_end(policy, metrics, roster, path, out, args.repeat)
            print(f"  end to end, jixiao evaluate (fresh process): {wall:6.2f} s wall, {cpu:6.2f} s CPU")


if __name__ == "__main__":
    main()
