"""The cycle collector around a command (engine.collector): paused while it runs, idle at the process's end."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from engine.collector import cycle_collection_paused

ROOT = Path(__file__).resolve().parents[1]


def test_the_collector_is_paused_for_the_block_and_restored_as_it_was():
    assert gc.isenabled()
    with cycle_collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with cycle_collection_paused():
            pass
        assert not gc.isenabled()  # it was off before: left off
    finally:
        gc.enable()


def test_the_command_s_process_leaves_the_collector_nothing_to_scan_at_exit():
    """`jixiao` (cli:run) freezes the heap when the process ends, before the interpreter clears its modules;
    a handler registered earlier runs after it (atexit runs last-in, first-out) and sees the heap frozen."""
    script = ("import atexit, gc, sys; atexit.register(lambda: print(gc.get_freeze_count() > 0)); "
              "import cli; sys.argv = ['jixiao', '--version']; cli.run()")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "True"
    entry = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'jixiao = "cli:run"' in entry
