"""Months recorded into a ledger in a test's folder with `jixiao run`, and read back as `show` prints them."""

from __future__ import annotations

from pathlib import Path

from harness.cli import Result, json_of, run
from harness.paths import S0_METRICS, S0_POLICY, S0_ROSTER

__all__ = ["record", "record_s0", "runs_json", "show_json", "totals"]


def record(db: Path, period: str, policy: Path, metrics: Path, *more: object, roster: Path | None = None,
           lang: str = "en") -> Result:
    """`jixiao run` of `period` into the ledger `db` (created by the first run); `more` adds options
    (`--events`, `--adjustments`, `--supersede` …)."""
    files: list[object] = ["--policy", policy, "--metrics", metrics]
    if roster is not None:
        files += ["--roster", roster]
    return run("run", "--period", period, *files, "--db", db, "--lang", lang, *more)


def record_s0(db: Path, month: str = "2026-10", metrics: Path = S0_METRICS, *more: object) -> Result:
    """The S0 shop's month (examples/s0: 12 agents, total 34870.56 for October) recorded in `db`."""
    return record(db, month, S0_POLICY, metrics, *more, roster=S0_ROSTER)


def show_json(db: Path, period: str, *more: object) -> dict:
    """`jixiao show --format json` of a recorded month (`more`: `--run N`, `--agent A` …)."""
    return json_of(run("show", "--period", period, "--db", db, "--format", "json", *more))


def totals(db: Path, period: str, *more: object) -> dict[str, str]:
    """Each agent's total as the recorded month pays it (`show`), as text."""
    return {r["agent"]: r["pay"]["total"] for r in show_json(db, period, *more)["results"]}


def runs_json(db: Path) -> list[dict]:
    """Every recorded run, as `jixiao runs --format json` lists them."""
    return json_of(run("runs", "--db", db, "--format", "json"))["runs"]
