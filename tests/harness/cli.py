"""The `jixiao` command invoked in-process, as click's own tests do: fast, no subprocess per call."""

from __future__ import annotations

import json

from click.testing import CliRunner, Result

from cli import main

__all__ = ["Result", "json_of", "results_by_agent", "run"]


def run(*args: object, **options: object) -> Result:
    """`jixiao ARGS…` with every argument as text (paths included); `options` go to CliRunner.invoke
    (`input=`, `env=`). The result has `exit_code`, `stdout`, `stderr` and `output` (both)."""
    return CliRunner().invoke(main, [str(a) for a in args], **options)  # type: ignore[arg-type]


def json_of(result: Result) -> dict:
    """The JSON a command printed; the command must have succeeded."""
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def results_by_agent(result: Result) -> dict[str, dict]:
    """An `evaluate` / `show` JSON report's results by agent id."""
    return {r["agent"]: r for r in json_of(result)["results"]}
