"""The `jixiao` command: validate, schema, evaluate and explain, over the engine's stages.

Errors are mapped to exit codes in one place (`_guard`): 1 for a bad policy, bad data or a
failed evaluation, 2 for a usage mistake (click's own). Output files are written only after
everything succeeded. Stages are imported inside each command so `jixiao validate` does not pay
for openpyxl and the evaluator, and stays fast enough to run on every save.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps

import click

from engine import __version__
from engine.errors import Diagnostic, JixiaoError


def _guard(command: Callable) -> Callable:
    @wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except JixiaoError as error:
            for line in error.lines():
                click.echo(line, err=True)
            sys.exit(error.exit_code)

    return run


def _period(value: str | None) -> str | None:
    if value is None:
        return None
    from engine.cells import parse_period

    try:
        return parse_period(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jixiao")
def main() -> None:
    """jixiao (绩效): policy-as-code scoring and pay for customer-service agents."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(files: tuple[str, ...]) -> None:
    """Check policy FILES; print every problem as FILE:LINE:COL: CODE message."""
    from engine.check import check
    from engine.errors import PolicyError
    from engine.load import load_policy

    found: list[Diagnostic] = []
    for path in files:
        try:
            found.extend(check(load_policy(path)))
        except PolicyError as error:
            found.extend(error.diagnostics)
    found.sort(key=lambda d: d.sort_key)
    for diagnostic in found:
        click.echo(diagnostic.render())
    errors = sum(d.severity == "error" for d in found)
    warnings = len(found) - errors
    click.echo(f"{len(files)} file(s) checked: {errors} error(s), {warnings} warning(s)", err=True)
    sys.exit(1 if errors else 0)


@main.command()
def schema() -> None:
    """Print the policy JSON Schema (Draft 2020-12), for editors and CI."""
    from engine.check import schema_path

    click.echo(schema_path().read_text(encoding="utf-8"), nl=False)


_data_options = [
    click.option("--policy", "-p", required=True, type=click.Path(dir_okay=False), help="Policy YAML file."),
    click.option("--metrics", "-m", required=True, type=click.Path(dir_okay=False),
                 help="Metrics export (CSV or XLSX), one row per agent per period."),
    click.option("--roster", "-r", type=click.Path(dir_okay=False), help="Roster: agent, name, role, grade, team."),
    click.option("--team", "-t", type=click.Path(dir_okay=False), help="Team-level values, e.g. the sales target."),
    click.option("--period", help="Month (YYYY-MM) to evaluate; also fills a missing period column."),
]


def _with_data_options(command: Callable) -> Callable:
    for option in reversed(_data_options):
        command = option(command)
    return command


def _results(policy: str, metrics: str, roster: str | None, team: str | None, period: str | None, *, trace: bool):
    from engine.compile import prepare
    from engine.evaluate import evaluate
    from engine.inputs import read_inputs

    plan, warnings = prepare(policy)
    month = _period(period)
    read = read_inputs(plan, metrics, roster=roster, team=team, period=month)
    for line in [*(w.render() for w in warnings), *(f"note: {note}" for note in read.notes)]:
        click.echo(line, err=True)
    inputs = read.agents
    if month:
        inputs = [i for i in inputs if i.period == month]
    return plan, evaluate(plan, inputs, trace=trace)


@main.command()
@_with_data_options
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default="table",
              show_default=True)
@click.option("--out", "-o", type=click.Path(dir_okay=False), help="Write here (whole or not at all).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of table and XLSX headings.")
@_guard
def evaluate(policy, metrics, roster, team, period, fmt, out, lang) -> None:
    """Score and pay every agent in the metrics file."""
    from engine.report import render, write_atomic

    if fmt == "xlsx" and not out:
        raise click.UsageError("--format xlsx needs --out FILE.xlsx")
    plan, results = _results(policy, metrics, roster, team, period, trace=False)
    data = render(plan, results, fmt, lang)
    if out:
        write_atomic(out, data)
        click.echo(f"wrote {len(results)} result(s) to {out}", err=True)
    else:
        click.echo(data.decode(), nl=False)


@main.command()
@_with_data_options
@click.option("--agent", "-a", required=True, help="Agent id (工号) to explain.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@_guard
def explain(policy, metrics, roster, team, period, agent, fmt, lang) -> None:
    """Show why one agent got her score and pay, step by step."""
    from engine.explain import explain_json, explain_text

    plan, results = _results(policy, metrics, roster, team, period, trace=True)
    mine = [r for r in results if r.agent == agent]
    if not mine:
        known = ", ".join(sorted({r.agent for r in results})[:20])
        raise click.UsageError(f"agent '{agent}' is not in {metrics}; agents: {known}")
    if len(mine) > 1:
        months = ", ".join(r.period for r in mine)
        raise click.UsageError(f"agent '{agent}' has several periods ({months}); choose one with --period")
    render = explain_json if fmt == "json" else explain_text
    click.echo(render(plan, mine[0], lang), nl=False)


if __name__ == "__main__":
    main()
