"""Every help text of the `jixiao` command, whole, as it stands in tests/cli_help.txt.

The commands are loaded lazily (cli.py's group imports a command's module only when it is asked
for), so a help text is the one place a missing, renamed or doubled command, or an option lost on
the way, would show without running the command. A change to an option's words or a new command
changes the file on purpose: write it again with `python tests/test_cli_help.py` and read its diff.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))

from cli import COMMANDS, main  # noqa: E402

EXPECTED = Path(__file__).resolve().parent / "cli_help.txt"


def _helps() -> str:
    """`--help` of the group and of every command and sub-command, then --version, each after its command line."""
    runner = CliRunner()
    texts = []

    def walk(path: list[str], command: click.Command) -> None:
        done = runner.invoke(main, [*path, "--help"])
        texts.append(f"$ jixiao {' '.join([*path, '--help'])}  [exit {done.exit_code}]\n{done.output}")
        if isinstance(command, click.Group):
            context = click.Context(command)
            for name in command.list_commands(context):
                walk([*path, name], command.get_command(context, name))

    walk([], main)
    done = runner.invoke(main, ["--version"])
    texts.append(f"$ jixiao --version  [exit {done.exit_code}]\n{done.output}")
    return "\n".join(texts)


def test_every_help_text_is_as_recorded():
    wanted = EXPECTED.read_text(encoding="utf-8")
    assert _helps() == wanted, "a help text changed: write tests/cli_help.txt again (`python tests/test_cli_help.py`)"


def test_each_lazily_loaded_command_is_the_one_its_name_says():
    context = click.Context(main)
    assert main.list_commands(context) == sorted(COMMANDS)
    for name in COMMANDS:
        command = main.get_command(context, name)
        assert isinstance(command, click.Command)
        assert command.name == name
    assert main.get_command(context, "nosuch") is None


def test_an_unknown_command_is_a_usage_error():
    done = CliRunner().invoke(main, ["nosuch"])
    assert done.exit_code == 2
    assert "No such command 'nosuch'" in done.output


if __name__ == "__main__":
    EXPECTED.write_text(_helps(), encoding="utf-8")
    print(f"wrote {EXPECTED.relative_to(ROOT)}")
