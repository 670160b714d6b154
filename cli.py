"""The `jixiao` command: init, validate, lint, test, schema, plan, evaluate, explain, diff, payslips,
report, and the ledger's run, decide, runs, history, show, approve, reopen, migrate and `ledger`,
over the engine's stages.

The commands live in three modules by the part of the pipeline they drive (`cli_policy`: the
policy's own commands; `cli_month`: a month from its files; `cli_ledger`: the ledger), with what
they share in `cli_common`; this group imports a command's module only when that command runs, or
when `--help` lists them all (click's lazily loaded subcommands), so `jixiao validate` builds no
other command and stays fast enough to run on every save.

Errors are mapped to exit codes in one place (`cli_common.guarded`): 1 for a bad policy, bad data,
a failed evaluation, an unusable ledger or an output that cannot be written, 2 for a usage mistake
(click's own), 130/143 when interrupted (Ctrl-C / SIGTERM), 141 when the reader of the output
went away (`| head -1`), quietly, as for any command a closed pipe stops. Whatever goes wrong is
told in one line per problem, in the chosen `--lang`, never as a traceback. Output files are
written only after everything succeeded. Stages are imported inside each command so `jixiao
validate` does not pay for openpyxl and the evaluator.
"""

from __future__ import annotations

from importlib import import_module

import click

from cli_common import closed_pipe
from engine import __version__

# Every command: its name, and the module and function defining it. A command's module is imported
# the first time the command is asked for (tests/test_cli_help.py holds every help text as it was).
COMMANDS = {
    "approve": ("cli_ledger", "approve"),
    "decide": ("cli_ledger", "decide"),
    "diff": ("cli_month", "diff_command"),
    "evaluate": ("cli_month", "evaluate"),
    "explain": ("cli_month", "explain"),
    "history": ("cli_ledger", "history"),
    "init": ("cli_policy", "init"),
    "ledger": ("cli_ledger", "ledger"),
    "lint": ("cli_policy", "lint"),
    "migrate": ("cli_ledger", "migrate"),
    "payslips": ("cli_month", "payslips"),
    "plan": ("cli_policy", "plan_command"),
    "reopen": ("cli_ledger", "reopen"),
    "report": ("cli_month", "report"),
    "run": ("cli_ledger", "run_command"),
    "runs": ("cli_ledger", "runs"),
    "schema": ("cli_policy", "schema"),
    "show": ("cli_ledger", "show"),
    "test": ("cli_policy", "test_command"),
    "validate": ("cli_policy", "validate"),
}


class _Jixiao(click.Group):
    """The command group: each command loaded from its module when asked for; its own output (--help,
    --version) into a closed pipe ends as a command's does."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name = COMMANDS[cmd_name]
        return getattr(import_module(module), name)

    def make_context(self, *args, **kwargs) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except BrokenPipeError:
            closed_pipe()

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # a sub-command's --help; the commands themselves are guarded (cli_common.guarded)
            closed_pipe()


@click.group(cls=_Jixiao, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jixiao")
@click.pass_context
def main(ctx: click.Context) -> None:
    """jixiao 绩效：客服考核与工资的方案即代码 · policy-as-code scoring and pay for customer-service agents."""
    from engine.collector import cycle_collection_paused

    # A command reads, evaluates and writes a million acyclic objects (events, records, Decimals): the
    # cycle collector would rescan them between the phases each pause covers. Restored when it ends.
    ctx.with_resource(cycle_collection_paused())


def run() -> None:
    """The `jixiao` command (and `python -m cli`): `main` in a process of its own, which ends when it does."""
    from engine.collector import no_collection_at_exit

    no_collection_at_exit()
    main()


if __name__ == "__main__":
    run()
