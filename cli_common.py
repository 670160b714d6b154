"""What every `jixiao` command shares: the options several take, how a command's failures become
exit codes and one line each (`guarded`), and the lines said on stderr about a month evaluated.


Imported by cli.py and by each command module (cli_policy, cli_month, cli_ledger); it imports only
click and the ground floor of the engine (messages, errors, safe text), so a command pays for no
other command's stages.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import NoReturn

import click

from engine.errors import JixiaoError, Terminated
from engine.report.messages import say
from engine.report.safe_text import for_terminal

# One file-path type for every option and argument naming a file: click words each new one through
# gettext, which searches the locale folders on every call, and 24 of them were a fifth of loading this module.
FILE = click.Path(dir_okay=False)
LANG = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                    help="消息与报表的语言 · Language of messages and reports (中文 zh / English en).")
FULL = click.option("--full", is_flag=True,
                    help="完整计算过程：从合计到输入的每一步 · The whole working: every step, total to inputs.")


def to_stderr(line: str) -> None:
    """One line on stderr, with any control characters from file content made visible."""
    click.echo(for_terminal(line), err=True)


def closed_pipe() -> NoReturn:
    """Whoever read the output has gone (`jixiao history A | head -1`): stop quietly, as a command
    killed by SIGPIPE does (exit 141), and send the interpreter's last flush nowhere."""
    with contextlib.suppress(OSError, ValueError):  # no real stdout (in-process tests): nothing left to flush
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    import signal

    sys.exit(128 + signal.SIGPIPE)


def guarded(command: Callable) -> Callable:
    @wraps(command)
    def run(*args, **kwargs):
        lang = kwargs.get("lang", "zh")
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:
            closed_pipe()
        except JixiaoError as error:
            for line in error.lines(lang):
                to_stderr(line)
            sys.exit(error.exit_code)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except MemoryError:
            to_stderr(say("out_of_memory", lang))
            sys.exit(1)
        except KeyboardInterrupt:
            to_stderr(say("interrupted", lang))
            sys.exit(130)
        except Terminated:
            to_stderr(say("interrupted", lang))
            sys.exit(143)
        except Exception as exc:  # a defect: one line, not a traceback, and still exit 1
            to_stderr(say("bug", lang, error=f"{type(exc).__name__}: {exc}"))
            sys.exit(1)

    return run


def parsed_period(value: str | None, lang: str) -> str | None:
    if value is None:
        return None
    from engine.data.cells import parse_period

    try:
        return parse_period(value)
    except ValueError as exc:
        message = say("bad_period", lang, value=value, reason=exc)
        raise click.BadParameter(for_terminal(message), param_hint="--period") from None


DATA_OPTIONS = [
    click.option("--policy", "-p", required=True, type=FILE, help="方案文件 · Policy YAML file."),
    click.option("--metrics", "-m", required=True, type=FILE,
                 help="指标报表（CSV 或 XLSX），每人每月一行 · Metrics export (CSV or XLSX), one row per agent "
                      "per period."),
    click.option("--roster", "-r", type=FILE,
                 help="花名册：工号、姓名、岗位、等级、组别 · Roster: agent, name, role, grade, team."),
    click.option("--team-file", "--team", "team", type=FILE,
                 help="小组数据文件，如人均计划销售额 · Team-level values file, e.g. the sales target."),
    click.option("--period",
                 help="考核月份（YYYY-MM） · Month (YYYY-MM) to evaluate; also fills a missing period column."),
    click.option("--events", type=FILE,
                 help="事件记录：工号、时间、类型、数值/秒、金额、订单号、备注 · Events: agent, time, kind, value (s), "
                      "amount, order number, note (kinds as the policy's events: section declares)."),
]


def joined_metrics(metrics: tuple[str, ...]) -> str | tuple[str, ...]:
    """One --metrics file as one path (read exactly as before S1.6); several as the month's exports."""
    return metrics[0] if len(metrics) == 1 else metrics


def check_team_file(team: str | None, option: str, lang: str) -> None:
    """A team-values file that does not exist was most likely meant as a team name: say which is which."""
    if team is not None and not os.path.exists(team):
        raise click.UsageError(for_terminal(say("team_file_missing", lang, option=option, path=team)))


def stderr_is_terminal() -> bool:
    """Progress lines are for a person watching; a script's captured stderr gets only what matters."""
    return sys.stderr.isatty()


def tell_under_minimum(found, lang: str, tell: Callable[[str], None] = to_stderr, elsewhere=()) -> None:
    """One warning per minimum wage, naming the first ten agents paid under it (L.1/L.4); where a role
    someone else pays (`paid_by`) would have been named, one note per role and wage with the policy's reason."""
    from engine.report.number_text import number

    def listed(agents: list[str]) -> str:
        return ("、" if lang == "zh" else ", ").join(agents[:10]) + (
            f" … (+{len(agents) - 10})" if len(agents) > 10 else "")

    by_wage: dict = {}
    for agent, wage in found:
        by_wage.setdefault(wage, []).append(agent)
    for wage, agents in by_wage.items():
        tell(say("under_minimum", lang, count=len(agents), wage=number(wage), agents=listed(agents)))
    by_role: dict = {}
    for item in elsewhere:
        by_role.setdefault((item.role, item.wage), (item, []))[1].append(item.agent)
    for (role, wage), (item, agents) in by_role.items():
        tell(say("paid_elsewhere", lang, count=len(agents), wage=number(wage), role=item.label.text(lang), id=role,
                 reason=item.reason.text(lang), agents=listed(agents)))
