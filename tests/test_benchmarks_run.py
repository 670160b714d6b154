"""The benchmarks still run: each is started at a toy size and must finish cleanly.

Nothing here is timed (speed is measured by the benchmarks themselves, on a quiet machine); this
only keeps a policy or API change from breaking a benchmark unnoticed until someone measures. A
benchmark that hangs is stopped by a limit on its CPU time, which a busy machine does not reach.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cpu_time import child_cpu_limit

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
CPU_SECONDS = 120  # a toy size takes a few seconds: only a hang reaches this


@pytest.mark.parametrize("args", [
    ["bench_evaluate.py", "--agents", "120", "--repeat", "1"],
    ["bench_year.py", "--agents", "30", "--months", "2"],
    ["bench_ledger.py", "--agents", "30", "--months", "3"],
    ["bench_careers.py", "--agents", "30", "--months", "3"],
    ["bench_careers.py", "--agents", "30", "--months", "3", "--s4"],
    ["bench_events.py", "--agents", "30", "--events-count", "300", "--repeat", "1", "--general"],
    ["bench_startup.py", "--repeat", "1"],
    ["bench_columnar_write.py", "--agents", "300", "--repeat", "1"],
    ["bench_columnar.py", "--agents", "300", "--repeat", "1"],
    ["bench_columnar.py", "--agents", "300", "--repeat", "1", "--explain"],
    ["bench_columnar_read.py", "--rows", "300", "--repeat", "1", "--baseline", str(BENCHMARKS.parent)],
    ["bench_stream.py", "--rows", "300", "--chunk-rows", "70", "--check", "140"],
    ["bench_xlsx.py", "--agents", "40", "--repeat", "1"],
    ["bench_xlsx.py", "--agents", "40", "--repeat", "1", "--no-floor", "--against", str(BENCHMARKS.parent)],
], ids=lambda args: " ".join(args))
def test_benchmark_runs_at_a_toy_size(args):
    done = subprocess.run([sys.executable, str(BENCHMARKS / args[0]), *args[1:]], capture_output=True, text=True,
                          preexec_fn=child_cpu_limit(CPU_SECONDS), check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip()


def test_the_back_ends_benchmark_runs_at_a_toy_size(server):
    """bench_ledger_backends.py needs a PostgreSQL server: the test server (tests/ledger_backends.py)."""
    done = subprocess.run([sys.executable, str(BENCHMARKS / "bench_ledger_backends.py"), "--agents", "30", "--months",
                           "2", "--pg", server], capture_output=True, text=True,
                          preexec_fn=child_cpu_limit(CPU_SECONDS), check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "PG/SQLite" in done.stdout


def test_the_per_policy_benchmark_runs_at_a_toy_size():
    """bench_policies.py on S4's month with and without events: both covered by the columnar engine (the
    events counted per agent), each held byte-identical to the Decimal path; their stages timed."""
    done = subprocess.run([sys.executable, str(BENCHMARKS / "bench_policies.py"), "--policy", "s4", "--agents", "60",
                           "--common", "40", "--phases"], capture_output=True, text=True,
                          preexec_fn=child_cpu_limit(CPU_SECONDS), check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "s4: s4_path.yaml" in done.stdout
    assert done.stdout.count("columnar engine: covers it") == 2
    assert done.stdout.count("outputs byte-identical: yes") == 2
    assert done.stdout.count("phases at 60: imports") == 2
    assert ", events " in done.stdout  # the events case's own stage
