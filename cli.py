"""The `jixiao` command: init, validate, lint, test, schema, plan, evaluate, explain, diff, and the
ledger's run, runs, history, show, approve, reopen and migrate, over the engine's stages.

Errors are mapped to exit codes in one place (`_guard`): 1 for a bad policy, bad data, a failed
evaluation, an unusable ledger or an output that cannot be written, 2 for a usage mistake
(click's own), 130/143 when interrupted (Ctrl-C / SIGTERM), 141 when the reader of the output
went away (`| head -1`), quietly, as for any command a closed pipe stops. Whatever goes wrong is
told in one line per problem, in the chosen `--lang`, never as a traceback. Output files are
written only after everything succeeded. Stages are imported inside each command so `jixiao
validate` does not pay for openpyxl and the evaluator, and stays fast enough to run on every save.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable
from functools import wraps
from typing import NoReturn

import click

from engine import __version__
from engine.diagnostics import Severity
from engine.errors import Diagnostic, JixiaoError
from engine.report.atomic_write import Terminated
from engine.report.messages import note_text, say
from engine.report.safe_text import for_terminal

LANG = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                    help="消息与报表的语言 · Language of messages and reports (中文 zh / English en).")
FULL = click.option("--full", is_flag=True,
                    help="完整计算过程：从合计到输入的每一步 · The whole working: every step, total to inputs.")


def _tell(line: str) -> None:
    """One line on stderr, with any control characters from file content made visible."""
    click.echo(for_terminal(line), err=True)


def _closed_pipe() -> NoReturn:
    """Whoever read the output has gone (`jixiao history A | head -1`): stop quietly, as a command
    killed by SIGPIPE does (exit 141), and send the interpreter's last flush nowhere."""
    with contextlib.suppress(OSError, ValueError):  # no real stdout (in-process tests): nothing left to flush
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(128 + signal.SIGPIPE)


def _guard(command: Callable) -> Callable:
    @wraps(command)
    def run(*args, **kwargs):
        lang = kwargs.get("lang", "zh")
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:
            _closed_pipe()
        except JixiaoError as error:
            for line in error.lines(lang):
                _tell(line)
            sys.exit(error.exit_code)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except MemoryError:
            _tell(say("out_of_memory", lang))
            sys.exit(1)
        except KeyboardInterrupt:
            _tell(say("interrupted", lang))
            sys.exit(130)
        except Terminated:
            _tell(say("interrupted", lang))
            sys.exit(143)
        except Exception as exc:  # a defect: one line, not a traceback, and still exit 1
            _tell(say("bug", lang, error=f"{type(exc).__name__}: {exc}"))
            sys.exit(1)

    return run


def _period(value: str | None, lang: str) -> str | None:
    if value is None:
        return None
    from engine.data.cells import parse_period

    try:
        return parse_period(value)
    except ValueError as exc:
        message = say("bad_period", lang, value=value, reason=exc)
        raise click.BadParameter(for_terminal(message), param_hint="--period") from None


class _Jixiao(click.Group):
    """The command group; its own output (--help, --version) into a closed pipe ends as a command's does."""

    def make_context(self, *args, **kwargs) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except BrokenPipeError:
            _closed_pipe()

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # a sub-command's --help; the commands themselves are guarded (_guard)
            _closed_pipe()


@click.group(cls=_Jixiao, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jixiao")
@click.pass_context
def main(ctx: click.Context) -> None:
    """jixiao 绩效：客服考核与工资的方案即代码 · policy-as-code scoring and pay for customer-service agents."""
    from engine.collector import cycle_collection_paused

    # A command reads, evaluates and writes a million acyclic objects (events, records, Decimals): the
    # cycle collector would rescan them between the phases each pause covers. Restored when it ends.
    ctx.with_resource(cycle_collection_paused())


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@LANG
@click.option("--force", is_flag=True, help="覆盖已有文件 · Overwrite FILE if it exists.")
@_guard
def init(file: str, lang: str, force: bool) -> None:
    """写出带注释的初始方案 · Write a commented starter policy to FILE (it validates clean)."""
    from pathlib import Path

    from engine.policy.starter import starter_policy
    from engine.report.atomic_write import write_atomic

    if Path(file).exists() and not force:
        _tell(say("exists", lang, path=file))
        sys.exit(1)
    write_atomic(file, starter_policy(lang))
    _tell(say("initialised", lang, path=file))


def _problems(found: list[Diagnostic], files: int, fmt: str, lang: str) -> NoReturn:
    """What validate and lint found, in the format asked for; exit 1 when any is an error."""
    found.sort(key=lambda d: d.sort_key)
    if fmt == "json":
        from engine.report.problems import problems_json

        click.echo(problems_json(found, files, lang), nl=False)
    elif fmt == "github":
        from engine.report.problems import problems_github

        click.echo(problems_github(found, lang), nl=False)
    for diagnostic in found if fmt == "text" else ():
        click.echo(for_terminal(diagnostic.render(lang)))
    errors = sum(d.severity == Severity.ERROR for d in found)
    _tell(say("checked", lang, files=files, errors=errors, warnings=len(found) - errors))
    sys.exit(1 if errors else 0)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="github：GitHub Actions 的逐行注释 · github: workflow-command annotations on each line.")
@LANG
@_guard
def validate(files: tuple[str, ...], fmt: str, lang: str) -> None:
    """检查方案文件，逐条列出问题 · Check policy FILES; print every problem as FILE:LINE:COL: CODE message."""
    from engine.errors import PolicyError
    from engine.policy.check import check
    from engine.policy.load import load_policy

    found: list[Diagnostic] = []
    for path in files:
        try:
            found.extend(check(load_policy(path)))
        except PolicyError as error:
            found.extend(error.diagnostics)
    _problems(found, len(files), fmt, lang)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--strict", is_flag=True, help="警告也算错误（退出码 1） · Treat warnings as errors (exit 1).")
@click.option("--cliff", metavar="AMOUNT",
              help="某指标多 1 个单位（如 1 元）使工资变化超过此金额即警告 · Warn where one more unit of a metric "
                   "(one yuan) moves pay by more than AMOUNT (default: the policy's lint: {cliff: …}).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="github：GitHub Actions 的逐行注释 · github: workflow-command annotations on each line.")
@LANG
@_guard
def lint(files: tuple[str, ...], strict: bool, cliff: str | None, fmt: str, lang: str) -> None:
    """检查方案中可能发错钱的写法（JX5xx） · Warn about what a valid policy probably pays by mistake: a KPI
    that never scores, a component nothing pays, an implausible rate, pay falling as a metric improves,
    cliffs, deductions past the legal cap, fines, bands nothing reaches (JX5xx; validate's problems too)."""
    from dataclasses import replace
    from decimal import Decimal, InvalidOperation

    from engine.errors import PolicyError
    from engine.lint.run import lint_policy
    from engine.policy.load import load_policy

    amount = None
    if cliff is not None:
        try:
            amount = Decimal(cliff)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0:
            raise click.UsageError(say("lint_bad_cliff", lang, value=cliff))
    found: list[Diagnostic] = []
    for path in files:
        try:
            found.extend(lint_policy(load_policy(path), amount))
        except PolicyError as error:
            found.extend(error.diagnostics)
    if strict:
        found = [replace(d, severity=Severity.ERROR) for d in found]
    _problems(found, len(files), fmt, lang)


@main.command(name="test")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit", "github"]), default="text",
              show_default=True, help="github：GitHub Actions 的逐行注释 · github: workflow-command annotations.")
@click.option("--min-coverage", "minimum", metavar="N",
              help="任一方案的业务覆盖率低于 N% 即失败 · Fail when a policy's business coverage is below N %.")
@click.option("--out", "-o", type=click.Path(dir_okay=False),
              help="写入此文件（要么完整写入，要么不写） · Write here (whole or not at all).")
@LANG
@_guard
def test_command(paths: tuple[str, ...], fmt: str, minimum: str | None, out: str | None, lang: str) -> None:
    """运行方案的测试用例并报告业务覆盖率 · Run a policy's test cases (YAML beside it, e.g. policies/tests/)
    and report which bands, tiers, gates, ratings, pay components, ranking cuts, review outcomes and
    penalty clauses they reached. PATHS: case files, or folders searched for them (default: .)."""
    from decimal import Decimal, InvalidOperation

    from engine.cases.output import render
    from engine.cases.suite import run_suite
    from engine.report.atomic_write import check_writable, write_atomic

    floor = None
    if minimum is not None:
        try:
            floor = Decimal(minimum)
        except InvalidOperation:
            floor = None
        if floor is None or not floor.is_finite() or not 0 <= floor <= 100:
            raise click.UsageError(say("test_bad_minimum", lang, value=minimum))
    given = {path: path for path in paths if os.path.isfile(path)}
    if out:
        check_writable(out, given)  # before the work: a wrong folder, or a case file named by mistake
    suite = run_suite(paths or (".",), floor, lang)
    data = render(suite, fmt, lang)
    if out:
        write_atomic(out, data.encode("utf-8"), suite.inputs())
    else:
        click.echo(data, nl=False)
    sys.exit(0 if suite.passed else 1)


@main.command()
@_guard
def schema() -> None:
    """输出方案的 JSON Schema · Print the policy JSON Schema (Draft 2020-12), for editors and CI."""
    from engine.policy.check import schema_path

    click.echo(schema_path().read_text(encoding="utf-8"), nl=False)


@main.command(name="plan")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--period", help="考核月份（YYYY-MM）：按日期取值用该月生效的一项（默认生效月） · Month (YYYY-MM) whose "
                               "dated values the plan uses (default: the policy's effective_from).")
@LANG
@_guard
def plan_command(file: str, period: str | None, lang: str) -> None:
    """打印方案编译后的计算计划与生成的代码 · Print the compiled plan: each step with its kind, rules, policy
    line (and file, in a base of an extends: chain), phase, what it reads and its operations, then the
    generated Python."""
    from engine.pipeline import prepare
    from engine.report.plan_text import plan_text

    plan, warnings = prepare(file, _period(period, lang))
    for diagnostic in warnings:
        _tell(diagnostic.render(lang))
    for line in plan_text(plan, lang).splitlines():
        click.echo(for_terminal(line))


_data_options = [
    click.option("--policy", "-p", required=True, type=click.Path(dir_okay=False), help="方案文件 · Policy YAML file."),
    click.option("--metrics", "-m", required=True, type=click.Path(dir_okay=False),
                 help="指标报表（CSV 或 XLSX），每人每月一行 · Metrics export (CSV or XLSX), one row per agent "
                      "per period."),
    click.option("--roster", "-r", type=click.Path(dir_okay=False),
                 help="花名册：工号、姓名、岗位、等级、组别 · Roster: agent, name, role, grade, team."),
    click.option("--team-file", "--team", "team", type=click.Path(dir_okay=False),
                 help="小组数据文件，如人均计划销售额 · Team-level values file, e.g. the sales target."),
    click.option("--period",
                 help="考核月份（YYYY-MM） · Month (YYYY-MM) to evaluate; also fills a missing period column."),
    click.option("--events", type=click.Path(dir_okay=False),
                 help="事件记录：工号、时间、类型、数值/秒、金额、订单号、备注 · Events: agent, time, kind, value (s), "
                      "amount, order number, note (kinds as the policy's events: section declares)."),
]


# evaluate's and explain's --metrics: given several times, one month's exports joined by agent and period (S1.6).
_METRICS_JOINED = click.option(
    "--metrics", "-m", required=True, multiple=True, type=click.Path(dir_okay=False),
    help="指标报表（CSV 或 XLSX），每人每月一行；可给多次：同一个月的多份导出按客服和月份合并，"
         "每个指标只取自一个文件 · "
         "Metrics export (CSV or XLSX), one row per agent per period; may be given several times: one month's "
         "exports joined by agent and period, each metric read from one file.")

_TEAM_FILE = click.option("--team-file", "team", type=click.Path(dir_okay=False), metavar="FILE",
                          help="小组数据文件，如人均计划销售额 · Team-level values file, e.g. the sales target.")
_TEAM_NAME = click.option("--team", "team_name", metavar="NAME",
                          help="只看这一组（组别名称，如 一组） · Only this team (its name, e.g. 一组).")


def _with_data_options(command: Callable) -> Callable:
    """evaluate's and explain's sources: the files, with the team-values file as --team-file and
    --team naming one team to keep, as payslips and report take them."""
    for option in reversed([_data_options[0], _METRICS_JOINED, _data_options[2], _TEAM_FILE, *_data_options[4:],
                            _TEAM_NAME]):
        command = option(command)
    return command


def _joined(metrics: tuple[str, ...]) -> str | tuple[str, ...]:
    """One --metrics file as one path (read exactly as before S1.6); several as the month's exports."""
    return metrics[0] if len(metrics) == 1 else metrics


def _team_file(team: str | None, option: str, lang: str) -> None:
    """A team-values file that does not exist was most likely meant as a team name: say which is which."""
    if team is not None and not os.path.exists(team):
        raise click.UsageError(for_terminal(say("team_file_missing", lang, option=option, path=team)))


def _results(policy: str, metrics: str | tuple[str, ...], roster: str | None, team: str | None, period: str | None,
             lang: str, *,
             trace: bool, events: str | None = None, team_name: str | None = None):
    """The month pipeline from the files (engine.month), and what it has to say, said on stderr;
    with `team_name`, the results of that team only (every agent is evaluated: rankings and team
    values are over the whole month)."""
    done, results = _evaluation(policy, metrics, roster, team, period, lang, trace=trace, events=events,
                                team_name=team_name)
    return done.plan, results


def _evaluation(policy: str, metrics: str | tuple[str, ...], roster: str | None, team: str | None,
                period: str | None, lang: str, *, trace, events: str | None = None, team_name: str | None = None):
    """`_results` with the evaluation itself: its months hold what each evaluated (explain's counterfactuals)."""
    from engine.month import Files, evaluate_files

    _team_file(team, "--team-file", lang)
    done = evaluate_files(Files(policy, metrics, roster, team, None, events), _period(period, lang), trace=trace,
                          progress=_progress(lang))
    _tell_evaluation(done, lang)
    results = done.results
    if team_name is not None:
        _check_team(team_name, {r.team for r in results}, lang)
        results = [r for r in results if r.team == team_name]
    return done, results


def _progress(lang: str) -> Callable[[str, str, int], None] | None:
    """What an evaluation from files is doing, on stderr, when a person watches it (never into a file
    or a script's captured output): reading the files, then each month with its number of agents."""
    if not _stderr_is_terminal():
        return None

    def tell(stage: str, period: str, agents: int) -> None:
        _tell(say("progress_read", lang) if stage == "read" else say("progress_month", lang, period=period,
                                                                         count=agents))

    return tell


def _check_team(team_name: str, teams: set[str | None], lang: str) -> None:
    """`--team NAME` names a team of the month; a file given there, or a team no agent is in, is said
    as such with the month's teams (a usage mistake: exit 2)."""
    known_teams = sorted(t for t in teams if t)
    if team_name not in known_teams:
        known = ("、" if lang == "zh" else ", ").join(known_teams) or "—"
        key = "team_is_file" if os.path.isfile(team_name) else "team_unknown"
        raise click.UsageError(for_terminal(say(key, lang, team=team_name, known=known)))


def _tell_evaluation(done, lang: str, *, notes: bool = True, prefix: str = "") -> None:
    """What an evaluation from files has to say (warnings, data notes, clauses no events can fire,
    carried losses unknown, pay under the minimum wage or below zero), on stderr, each line after
    `prefix` (`diff` names the policy each line is about)."""

    def tell(line: str) -> None:
        _tell(prefix + line)

    for warning in done.warnings:
        tell(warning.render(lang))
    for note in done.notes if notes else ():
        tell(say("note", lang, text=note_text(note, lang)))
    if done.penalties_unread:
        tell(say("no_events", lang, clauses=", ".join(done.penalties_unread)))
    if done.carried_unknown:
        tell(say("no_carry", lang))
    _tell_under_minimum(done.under_minimum, lang, tell, done.paid_elsewhere)
    if done.below_zero:  # `run` refuses to record such a month; here it is said, never shown as if payable
        below = done.below_zero
        more = f" … (+{len(below) - 10})" if len(below) > 10 else ""
        shown = ("、" if lang == "zh" else ", ").join(below[:10]) + more
        tell(say("negative_pay", lang, count=len(below), agents=shown))


def _tell_under_minimum(found, lang: str, tell: Callable[[str], None] = _tell, elsewhere=()) -> None:
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


@main.command()
@_with_data_options
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default="table",
              show_default=True)
@click.option("--out", "-o", type=click.Path(dir_okay=False),
              help="写入此文件（要么完整写入，要么不写） · Write here (whole or not at all).")
@click.option("--engine", type=click.Choice(["auto", "columnar", "decimal"]), default="auto", show_default=True,
              help="计算方式：columnar 按列整数精确计算（大月份更快，结果逐字节相同），decimal 逐人十进制计算；"
                   "auto 对大文件用 columnar · How to compute: columnar (exact whole numbers by column, faster for "
                   "a large month, byte-identical), decimal (agent by agent); auto takes columnar for large files.")
@click.option("--verbose", "-v", is_flag=True,
              help="在标准错误输出说明用了哪种计算方式及原因 · Say on stderr which engine ran, and why.")
@LANG
@_guard
def evaluate(policy, metrics, roster, team, period, events, team_name, fmt, out, engine, verbose, lang) -> None:
    """计算每位客服的得分与工资 · Score and pay every agent in the metrics file."""
    from engine.report.atomic_write import check_writable, write_atomic
    from engine.report.tables import render

    if fmt == "xlsx" and not out:
        raise click.UsageError(say("xlsx_needs_out", lang))
    given = (("--policy", policy), *((f"--metrics {path}" if len(metrics) > 1 else "--metrics", path)
                                     for path in metrics), ("--roster", roster), ("--team-file", team),
             ("--events", events))
    inputs = {option: path for option, path in given if path}
    metrics = _joined(metrics)
    if out:
        check_writable(out, inputs)  # before the work, so a wrong folder or an input named by mistake costs nothing
    found = _columnar(policy, metrics, roster, team, period, events, team_name, fmt, engine, verbose, lang)
    if found is not None:
        data, count = found
    else:
        # The XLSX details sheet shows each KPI's raw value, which only the trace holds.
        plan, results = _results(policy, metrics, roster, team, period, lang, trace=fmt == "xlsx", events=events,
                                 team_name=team_name)
        data, count = render(plan, results, fmt, lang), len(results)
    if out:
        write_atomic(out, data, inputs)
        _tell(say("wrote", lang, count=count, path=out))
    else:
        click.echo(data, nl=False)  # bytes: exactly what --out would have written


def _columnar(policy, metrics, roster, team, period, events, team_name, fmt, engine, verbose, lang):
    """The report's bytes and count by the columnar back-end (engine.columnar_month), or None: the
    Decimal path then runs from the start. `auto` takes it for a large month only (a shop's month
    never loads the columnar library); `-v` says which ran, and why the columnar one did not."""
    if engine == "decimal":
        return None
    from engine.columnar_month import evaluate_report, large
    from engine.model.frames import NotCovered
    from engine.month import Files

    files = Files(policy, metrics, roster, team, None, events)
    if engine == "auto" and not large(files):
        if verbose:
            _tell(say("engine_small", lang))
        return None
    try:
        if team_name is not None:
            raise NotCovered("--team", "--team")
        _team_file(team, "--team-file", lang)
        report = evaluate_report(files, _period(period, lang), fmt, lang)
    except NotCovered as why:
        if verbose:
            _tell(say("engine_declined", lang, reason=why.zh if lang == "zh" else str(why)))
        return None
    _tell_evaluation(report, lang)
    if verbose:
        _tell(say("engine_columnar", lang, count=report.count, by_decimal=report.by_decimal))
    return report.data, report.count


@main.command()
@_with_data_options
@click.option("--agent", "-a", required=True, help="要解释的客服工号 · Agent id (工号) to explain.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--what-it-takes/--no-what-it-takes", "what", default=None,
              help="达成所需：下一档、下一评级、被取消的工资与接近触发的条款（按方案重新计算；简明说明默认显示，"
                   "--full 时需加此项） · "
                   "What it would take: next thresholds, the next rating, cancelled pay, clauses that came close "
                   "(re-evaluated; shown by default in the short form, with --full only when asked).")
@FULL
@LANG
@_guard
def explain(policy, metrics, roster, team, period, events, team_name, agent, fmt, full, lang, what) -> None:
    """说明一位客服的得分与工资（默认简明） · Why one agent got her score and pay (short; --full: every step)."""
    from engine.report.agent_match import find_agent
    from engine.report.explain import explain_json, explain_text
    from engine.report.explain_short import short_json, short_text

    metrics = _joined(metrics)
    matched = []

    def asked(items) -> frozenset[str]:
        """The agent --agent names, found among the month's agents before any is evaluated, so that only
        she is traced (of a team's, with --team)."""
        mine = [i for i in items if team_name is None or i.team == team_name]
        if not mine:
            return frozenset()  # --team names no team of the month: said with the month's teams below
        found = find_agent(agent, {i.agent: i.name for i in mine}, where=(_first(metrics),) * 2, exit_code=2,
                           also={i.agent: i.columns for i in mine})
        matched.append(found)
        return frozenset({found.agent})

    done, results = _evaluation(policy, metrics, roster, team, period, lang, trace=asked, events=events,
                                team_name=team_name)
    plan = done.plan
    match = matched[0]
    if not match.exact:
        _tell(say("note", lang, text=match.note("--agent")))
    agent = match.agent
    mine = [r for r in results if r.agent == agent]
    if len(mine) > 1:
        months = ", ".join(r.period for r in mine)
        raise click.UsageError(for_terminal(say("several_periods", lang, agent=agent, months=months)))
    render = {(False, "text"): short_text, (False, "json"): short_json, (True, "text"): explain_text,
              (True, "json"): explain_json}[(full, fmt)]
    wanted = not full if what is None else what  # the short form says it; the whole tree stays as it was
    click.echo(render(plan, mine[0], lang, _what_it_takes(wanted, done, mine[0])), nl=False)


def _first(metrics: str | tuple[str, ...]) -> str:
    return metrics if isinstance(metrics, str) else metrics[0]


def _what_it_takes(wanted: bool, done, result):
    """explain's counterfactuals: the agent's month as it was evaluated (its plan, every agent's inputs,
    the state before it), re-evaluated with her inputs changed, others unchanged (engine.run.what_it_takes)."""
    if not wanted:
        return None
    from engine.run.what_it_takes import what_it_takes

    month = next(m for m in done.months if m.period == result.period)
    return what_it_takes(month.plan, month.inputs, result.agent, month.state)


# -- what people read: payslips and the team report ------------------------------------------------

_month_options = [
    click.option("--policy", "-p", type=click.Path(dir_okay=False), help="方案文件 · Policy YAML file."),
    click.option("--metrics", "-m", multiple=True, type=click.Path(dir_okay=False),
                 help="指标报表（CSV 或 XLSX）；可给多次：同一个月的多份导出按客服和月份合并 · Metrics export (CSV or "
                      "XLSX); may be given several times: one month's exports joined by agent and period."),
    _data_options[2],
    click.option("--team-file", type=click.Path(dir_okay=False),
                 help="小组数据文件（evaluate 的 --team） · Team-level values file (evaluate's --team)."),
    _data_options[5],
    click.option("--period", help="月份（YYYY-MM）；读取账本时必填 · Month (YYYY-MM); required with the ledger."),
    click.option("--db", metavar="FILE",
                 help="从账本读取已记录的月份（默认 jixiao.db） · Read a recorded month from this ledger (default "
                      "jixiao.db when no files are given)."),
    click.option("--team", "team_name", metavar="NAME",
                 help="只看这一组（组别名称，如 一组） · Only this team (its name, e.g. 一组)."),
]


def _with_month_options(command: Callable) -> Callable:
    for option in reversed(_month_options):
        command = option(command)
    return command


def _each_metrics(metrics: tuple[str, ...]) -> list[tuple[str, str]]:
    """Each --metrics file as an input an output must never replace, named apart when there are several."""
    return [(f"--metrics {path}" if len(metrics) > 1 else "--metrics", path) for path in metrics]


def _protected(policy, metrics, roster, team_file, events, db) -> dict[str, str]:
    """The files an output must never replace: the inputs given, else the ledger read."""
    given = {o: v for o, v in (("--policy", policy), *_each_metrics(metrics), ("--roster", roster),
                               ("--team-file", team_file), ("--events", events)) if v}
    if given:
        return given
    from engine.ledger.access import location

    return {"--db": location(db or "jixiao.db")}


def _month_view(policy, metrics, roster, team_file, events, period, db, team_name, lang):
    """The month from its files (like evaluate) or from the ledger (like show), for one team if asked."""
    from engine.paid_month import month_from_files, month_from_ledger

    files_given = [o for o, v in (("--policy", policy), ("--metrics", metrics), ("--roster", roster),
                                  ("--team-file", team_file), ("--events", events)) if v]
    if (files_given and (db or not (policy and metrics))) or (not files_given and not period):
        raise click.UsageError(say("slips_source", lang))
    if files_given:
        from engine.month import Files

        _team_file(team_file, "--team-file", lang)
        done, month = month_from_files(Files(policy, _joined(metrics), roster, team_file, None, events),
                                       _period(period, lang), _progress(lang))
        _tell_evaluation(done, lang)
    else:
        month = month_from_ledger(db or "jixiao.db", _period(period, lang))
    if team_name is None:
        return month
    _check_team(team_name, {o.result.team for o in month.outcomes}, lang)
    return month.only_team(team_name)


@main.command()
@_with_month_options
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="写入此文件夹（要么完整写入，要么不写） · Folder to write (whole or not at all).")
@LANG
@_guard
def payslips(policy, metrics, roster, team_file, events, period, db, team_name, out, lang) -> None:
    """每人一张工资条（HTML 与 XLSX） · A payslip per agent (HTML page and XLSX), and the month's 工资条 workbook."""
    from engine.report.atomic_write import check_folder, write_folder_atomic
    from engine.report.payslips import payslip_files

    protect = _protected(policy, metrics, roster, team_file, events, db)
    check_folder(out, protect)  # before the work: a wrong folder costs nothing
    month = _month_view(policy, metrics, roster, team_file, events, period, db, team_name, lang)
    if _stderr_is_terminal():
        _tell(say("progress_slips", lang, count=len(month.outcomes)))
    write_folder_atomic(out, payslip_files(month, lang), protect)
    _tell(say("slips_wrote", lang, count=len(month.outcomes), period=month.period, path=out))


@main.command()
@_with_month_options
@click.option("--out", "-o", type=click.Path(dir_okay=False),
              help="写入此 HTML 文件（要么完整写入，要么不写） · Write this HTML file (whole or not at all).")
@LANG
@_guard
def report(policy, metrics, roster, team_file, events, period, db, team_name, out, lang) -> None:
    """一个月的团队报告（单个 HTML 文件，含图表） · A month's team report: one self-contained HTML file with charts."""
    from engine.report.atomic_write import check_writable, write_atomic
    from engine.report.team_report import team_report

    protect = _protected(policy, metrics, roster, team_file, events, db)
    if out:
        check_writable(out, protect)
    month = _month_view(policy, metrics, roster, team_file, events, period, db, team_name, lang)
    data = team_report(month, lang)
    if out:
        write_atomic(out, data, protect)
        _tell(say("report_wrote", lang, period=month.period, count=len(month.outcomes), path=out))
    else:
        click.echo(data, nl=False)


@main.command(name="diff")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@_METRICS_JOINED
@_data_options[2]
@_data_options[3]
@_data_options[5]
@_data_options[4]
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "markdown"]), default="table",
              show_default=True, help="markdown：用于合并请求评论 · markdown: for a pull-request comment.")
@click.option("--out", "-o", type=click.Path(dir_okay=False),
              help="写入此文件（要么完整写入，要么不写） · Write here (whole or not at all).")
@LANG
@_guard
def diff_command(old, new, metrics, roster, team, events, period, fmt, out, lang) -> None:
    """用同一份数据比较两个方案 · Evaluate OLD and NEW policies on the same data: what each agent and the
    payroll gain or lose, who changes band, rating, place or grade, and what changed between the files."""
    from engine.diff.impact import impact
    from engine.diff.output import render
    from engine.report.atomic_write import check_writable, write_atomic

    inputs = {option: path for option, path in (("OLD", old), ("NEW", new), *_each_metrics(metrics),
                                                ("--roster", roster), ("--team", team), ("--events", events)) if path}
    if out:
        check_writable(out, inputs)
    found = impact(old, new, _joined(metrics), roster, team, events, _period(period, lang))
    _tell_evaluation(found.before, lang, prefix=f"{old}: ")  # the data's notes once, with the old policy's
    _tell_evaluation(found.after, lang, notes=False, prefix=f"{new}: ")
    data = render(found, fmt, lang)
    if out:
        write_atomic(out, data.encode("utf-8"), inputs)
    else:
        click.echo(data, nl=False)


# -- the ledger: run, runs, history, show, approve, reopen, migrate -----------------------------------

DB = click.option("--db", default="jixiao.db", show_default=True, envvar="JIXIAO_DB", show_envvar=True,
                  help="账本：SQLite 文件，或 postgresql://登录名@主机/数据库 · Ledger: a SQLite file (created by the "
                       "first run) or postgresql://login@host/database.")
SHOP = click.option("--shop", help="店铺（一个账本可记录多个店铺；run 默认取方案的 id，其他命令默认取账本中唯一的"
                                   "店铺） · Shop (a ledger may hold several; run defaults to the policy's id, "
                                   "the other commands to the ledger's only shop).")
PERIOD = click.option("--period", required=True, help="月份（YYYY-MM） · Month (YYYY-MM).")


def _stderr_is_terminal() -> bool:
    """Progress lines are for a person watching; a script's captured stderr gets only what matters."""
    return sys.stderr.isatty()


def _user(by: str | None) -> str:
    """Who approves, reopens or decides: --by, else JIXIAO_USER, else the login name (recorded with it)."""
    from engine.ledger.store import declared_login

    return by or declared_login()


@main.command(name="run")
@PERIOD
@click.option("--policy", "-p", type=click.Path(dir_okay=False), help="方案文件 · Policy YAML file.")
@click.option("--metrics", "-m", multiple=True, type=click.Path(dir_okay=False),
              help="指标报表（CSV 或 XLSX）；可给多次：同一个月的多份导出按客服和月份合并 · Metrics export (CSV or "
                   "XLSX); may be given several times: one month's exports joined by agent and period; with "
                   "--recompute alone: the recorded files.")
@_data_options[2]
@_data_options[3]
@click.option("--adjustments", type=click.Path(dir_okay=False),
              help="人工调整：工号、金额、原因、审批人 · Manual adjustments: agent, amount, reason, approved by.")
@_data_options[5]
@DB
@SHOP
@click.option("--supersede", is_flag=True,
              help="替换已记录的本月结果（旧记录保留），并带入以后的月份 · Replace this month's recorded run (the old "
                   "one is kept) and carry the change through the later months.")
@click.option("--recompute", is_flag=True,
              help="用相同文件重新计算（如升级 jixiao 后）；不给文件时用账本保存的文件 · Evaluate the month again on "
                   "purpose (e.g. after upgrading jixiao); without files, from the files the ledger kept.")
@click.option("--dry-run", is_flag=True,
              help="只显示会改变什么，不写入账本 · Show what would change; record nothing.")
@click.option("--empty", is_flag=True,
              help="记录无人在岗的月份（只需 --policy） · Record a month nobody worked (only --policy is given), so "
                   "reviews reading it can close.")
@LANG
@_guard
def run_command(period, policy, metrics, roster, team, adjustments, events, db, shop, supersede, recompute, dry_run,
                empty, lang) -> None:
    """计算一个月并记入账本 · Evaluate one month and record it in the ledger (append-only)."""
    from decimal import Decimal

    from engine.record import Files, run_month
    from engine.report.changes import agents_text, changes_text, decisions_text, outstanding_text
    from engine.report.number_text import number

    month = _period(period, lang)
    given = [name for name, value in (("--roster", roster), ("--team", team), ("--adjustments", adjustments),
                                      ("--events", events)) if value]
    if empty and (not policy or metrics or given or recompute):
        raise click.UsageError(say("run_empty_files", lang))
    if not empty and not (policy and metrics) and (not recompute or policy or metrics or given):
        raise click.UsageError(say("run_needs_files", lang))
    _team_file(team, "--team", lang)
    progress = (lambda stage: _tell(say(f"progress_{stage}", lang))) if _stderr_is_terminal() else None
    files = (Files(policy, _joined(metrics) if metrics else None, roster, team, adjustments, events)
             if policy and (metrics or empty) else None)
    done = run_month(db, files, month, supersede=supersede, recompute=recompute, dry_run=dry_run, shop=shop,
                     progress=progress)
    if done.penalties_unread:
        _tell(say("no_events", lang, clauses=", ".join(done.penalties_unread)))
    _tell_under_minimum(done.under_minimum, lang, elsewhere=done.paid_elsewhere)
    for warning in done.warnings:
        _tell(warning.render(lang))
    for note in done.notes:
        _tell(say("note", lang, text=note_text(note, lang)))
    for line in outstanding_text(done.outstanding, lang):
        _tell(say("warning", lang, text=line))
    info = done.run
    if done.same_results and info is not None:
        click.echo(say("run_same_results", lang, period=month, run=info.id))
        return
    if not done.new and info is not None:
        click.echo(say("run_same", lang, period=info.period, run=info.id, at=info.recorded_at))
        return
    total = number(done.total if done.total is not None else Decimal(0))
    if dry_run:
        click.echo(say("run_dry", lang, period=month, agents=done.agents, total=total))
    else:
        assert info is not None
        click.echo(say("run_recorded", lang, period=info.period, run=info.id, agents=info.agents,
                       total=number(Decimal(info.total)), db=db))
        if done.superseded:
            click.echo(say("run_superseded", lang, old=done.superseded))
    click.echo(decisions_text(month, done.decisions, lang), nl=False)
    later = [c for c in done.changes if c.period != month]
    for change in done.changes:
        if change.period == month:
            click.echo(agents_text(change, lang), nl=False)
    if later:
        click.echo(say("run_carried", lang))
        click.echo(changes_text(later, lang, dry_run=dry_run), nl=False)


@main.command()
@click.argument("agent")
@click.option("--from", "effective", required=True, help="生效月份（YYYY-MM） · The month it takes effect (YYYY-MM).")
@click.option("--grade", help="把等级改为 · Set the grade to.")
@click.option("--role", help="把岗位改为 · Set the role to.")
@click.option("--team", help="调到该组 · Move to this team.")
@click.option("--dismiss", is_flag=True, help="辞退 · Dismiss.")
@click.option("--reinstate", is_flag=True, help="复职（重新录用已辞退的客服） · Reinstate a dismissed agent.")
@click.option("--reason", required=True, help="原因（记入账本） · Why (recorded in the ledger).")
@click.option("--by", help="记录人（默认：当前登录用户） · Who decided (default: the login name).")
@click.option("--dry-run", is_flag=True, help="只显示会改变什么，不写入账本 · Show what would change; record nothing.")
@DB
@SHOP
@LANG
@_guard
def decide(agent, effective, grade, role, team, dismiss, reinstate, reason, by, dry_run, db, shop, lang) -> None:
    """记录人事决定并带入以后的月份 · Record an HR decision (grade, role, team, dismissal, reinstatement)
    in force from a month, and recompute the recorded months from then on."""
    from engine.ledger.access import open_ledger
    from engine.ledger.store import Decision, DecisionKind
    from engine.record import decide as record_decision
    from engine.report.agent_match import find_agent, ledger_agents
    from engine.report.changes import changes_text

    month = _period(effective, lang)
    with open_ledger(db, read_only=True) as ledger:  # the agent as the ledger knows her, however typed
        shop = ledger.use_shop(shop)
        match = find_agent(agent, ledger_agents(ledger), where=(f"账本 {db} ", f"the ledger {db}"), option="")
    if not match.exact:
        _tell(say("note", lang, text=match.note("")))
    agent = match.agent
    chosen = [(kind, value) for kind, value in ((DecisionKind.GRADE_CHANGE, grade), (DecisionKind.ROLE_CHANGE, role),
                                                (DecisionKind.TEAM_CHANGE, team), (DecisionKind.DISMISSAL, dismiss),
                                                (DecisionKind.REINSTATEMENT, reinstate)) if value]
    if len(chosen) != 1:
        raise click.UsageError(say("decide_one", lang))
    if not reason.strip():
        raise click.UsageError(say("decide_reason", lang))
    kind, value = chosen[0]
    year, number = int(month[:4]), int(month[5:7])
    made = f"{year - (number == 1):04d}-{(number - 2) % 12 + 1:02d}"  # decided for the month before it takes effect
    who = _user(by)
    decision = Decision(agent, made, kind, None, value if isinstance(value, str) else None, reason, "",
                        reason_en=reason, decided_by=who)
    recorded, changes = record_decision(db, decision, dry_run=dry_run, shop=shop)
    what = say(f"decide_{kind}", lang, value=value if isinstance(value, str) else "")
    fields = {"agent": agent, "what": what, "effective": month, "reason": reason, "by": who, "id": recorded.id}
    click.echo(for_terminal(say("decided_dry" if dry_run else "decided", lang, **fields)))
    if changes:
        click.echo(say("run_carried", lang))
        click.echo(changes_text(changes, lang, dry_run=dry_run), nl=False)


@main.command()
@DB
@SHOP
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@LANG
@_guard
def runs(db, shop, fmt, lang) -> None:
    """列出账本中的所有运行 · List every recorded run (current and superseded) and approvals."""
    from engine.ledger.access import open_ledger
    from engine.report.ledger_lists import runs_text

    with open_ledger(db, read_only=True) as ledger:
        ledger.use_shop(shop)
        found = ledger.runs(verify=True)
        periods = sorted({r.period for r in found})
        approved = {p: e for p in periods if (e := ledger.approval(p)) is not None}
        events = [e for p in periods for e in ledger.events(p)]
    if not found and fmt == "table":
        _tell(say("no_runs", lang, db=db))
        return
    click.echo(runs_text(found, approved, fmt, lang, events), nl=False)


@main.command()
@click.argument("agent")
@DB
@SHOP
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@LANG
@_guard
def history(agent, db, shop, fmt, lang) -> None:
    """一位客服的各月得分、工资与职业决定 · One agent's months, scores, pay and career decisions."""
    from engine.ledger.access import open_ledger
    from engine.record import carried_keys, recorded_plan
    from engine.report.agent_match import Match, find_agent, ledger_agents
    from engine.report.ledger_lists import history_text
    from engine.text import canonical_id

    with open_ledger(db, read_only=True) as ledger:
        ledger.use_shop(shop)
        wanted = canonical_id(agent)
        months, decisions = ledger.history(wanted), ledger.decisions(wanted)
        if months or decisions:
            match = Match(agent, wanted, months[-1][1].result.name if months else "")
        else:  # a name, a nickname, a carried key column (工号), or an id the ledger holds in another spelling
            match = find_agent(agent, ledger_agents(ledger), where=(f"账本 {db} ", f"the ledger {db}"), option="",
                               also=carried_keys(ledger))
            months, decisions = ledger.history(match.agent), ledger.decisions(match.agent)
        if not match.exact:
            _tell(say("note", lang, text=match.note("")))
        agent = match.agent
        plans = {} if fmt == "json" else {run.policy_sha256: recorded_plan(ledger, run) for run, _ in months}
        events = [e for period in sorted({run.period for run, _ in months}) for e in ledger.events(period)]
        # An approved month shows what was paid; a correction recorded since is named beside it.
        corrected = {run.period: current.id for run, _ in months
                     if (current := ledger.current_run(run.period)) is not None and current.id != run.id}
    click.echo(history_text(agent, months, decisions, fmt, lang, plans, events, corrected), nl=False)


@main.command()
@PERIOD
@click.option("--agent", "-a", help="只看一位客服（含计算过程） · One agent, with the trace.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx", "text"]),
              help="默认：全月 table，单个客服 text · Default: table for the month, text for one agent.")
@click.option("--out", "-o", type=click.Path(dir_okay=False),
              help="写入此文件（要么完整写入，要么不写） · Write here (whole or not at all).")
@click.option("--run", "run_id", type=int, help="显示指定的（含已取代的）运行 · Show this run (e.g. a superseded one).")
@FULL
@DB
@SHOP
@LANG
@_guard
def show(period, agent, fmt, out, run_id, full, db, shop, lang) -> None:
    """重新显示已记录的结果，与记录时逐字节相同 · Show a recorded result, byte-identical to the run's."""
    from engine.ledger.access import open_ledger
    from engine.ledger.codec import Damaged
    from engine.record import show_recorded
    from engine.report.atomic_write import check_writable, write_atomic

    month = _period(period, lang)
    fmt = fmt or ("text" if agent else "table")
    if agent and fmt not in ("text", "json"):
        raise click.UsageError(say("show_agent_format", lang))
    if not agent and fmt == "text":
        raise click.UsageError(say("show_text_needs_agent", lang))
    if not agent and full:
        raise click.UsageError(say("show_full_needs_agent", lang))
    if fmt == "xlsx" and not out:
        raise click.UsageError(say("xlsx_needs_out", lang))
    from engine.ledger.access import location

    file = location(db)  # a SQLite file is never replaced by a report, whatever path, URL or link names it
    ledger_file = {"--db": file} if file is not None else {}
    if out:
        check_writable(out, ledger_file)
    with open_ledger(db, read_only=True) as ledger:
        ledger.use_shop(shop)
        info = ledger.run(run_id) if run_id is not None else ledger.current_run(month)
        if agent and info is not None and info.period == month:  # otherwise show_recorded says what is missing
            from engine.record import run_columns
            from engine.report.agent_match import find_agent, run_agents
            from engine.text import canonical_id

            known = run_agents(ledger, info.id)
            # A carried key column (工号 beside the 客服昵称 key) names her too; read only when the query is no id.
            also = None if canonical_id(agent) in {canonical_id(a) for a in known} else run_columns(ledger, info)
            match = find_agent(agent, known, where=(
                f"{month} 的记录（第 {info.id} 次运行）", f"the record of {month} (run {info.id})"), also=also)
            if not match.exact:
                _tell(say("note", lang, text=match.note("--agent")))
            agent = match.agent
        try:
            data = show_recorded(ledger, month, run_id, agent, fmt, lang, full)
        except Damaged as damaged:  # found while rendering (a trace that disagrees): said with the file
            raise damaged.in_file(db) from None
    if out:
        write_atomic(out, data, ledger_file)
    else:
        click.echo(data, nl=False)


@main.command()
@PERIOD
@click.option("--by", help="审批人（默认：当前登录用户） · Who approves (default: the login name).")
@DB
@SHOP
@LANG
@_guard
def approve(period, by, db, shop, lang) -> None:
    """审批并锁定一个月份 · Approve a month: no run may change it until it is reopened."""
    from engine.ledger.access import open_ledger

    month = _period(period, lang)
    with open_ledger(db) as ledger:
        ledger.use_shop(shop)
        before = ledger.approval(month)
        if before is not None:
            paid = ledger.approved_run(month)
            click.echo(for_terminal(say("already_approved", lang, period=month, run=paid.id if paid else "—",
                                        by=before.by, at=before.at)))
            return
        event = ledger.approve(month, _user(by))  # names the run it approved, read inside its transaction
    click.echo(for_terminal(say("approved", lang, period=month, run=event.run_id, by=event.by)))


@main.command()
@PERIOD
@click.option("--reason", required=True, help="重新开放的原因（记入账本） · Why (recorded in the ledger).")
@click.option("--by", help="操作人（默认：当前登录用户） · Who reopens (default: the login name).")
@DB
@SHOP
@LANG
@_guard
def reopen(period, reason, by, db, shop, lang) -> None:
    """重新开放已审批的月份 · Reopen an approved month, with a reason, so it can be run again."""
    from engine.record import reopen_month
    from engine.report.changes import changes_text

    month = _period(period, lang)
    event, changes = reopen_month(db, month, reason, _user(by), shop)
    click.echo(for_terminal(say("reopened", lang, period=month, reason=event.reason)))
    if changes:
        click.echo(say("run_carried", lang))
        click.echo(changes_text(changes, lang), nl=False)


@main.command()
@DB
@LANG
@_guard
def migrate(db, lang) -> None:
    """把账本迁移到当前结构版本（先保留副本） · Bring the ledger to this jixiao's schema, keeping a copy first."""
    from engine.ledger.access import upgrade_ledger

    done = upgrade_ledger(db)
    if done.found == done.reached:
        click.echo(for_terminal(say("migrate_current", lang, db=db, reached=done.reached)))
    elif done.backup is None:  # a server database: its backups are the server's (pg_dump), see docs/postgres.md
        click.echo(for_terminal(say("migrated_server", lang, db=db, found=done.found, reached=done.reached)))
    else:
        click.echo(for_terminal(say("migrated", lang, db=db, found=done.found, reached=done.reached,
                                    backup=done.backup)))


@main.group()
def ledger() -> None:
    """账本的维护：在账本之间复制店铺、店铺设置 · Ledger upkeep: copy a shop between ledgers, a shop's settings."""


@ledger.command(name="copy")
@click.option("--from", "source", required=True,
              help="来源账本（文件、sqlite:… 或 postgresql://…） · The ledger to copy from (a file, sqlite:… or "
                   "postgresql://…).")
@click.option("--to", "target", required=True,
              help="目标账本（不存在时创建） · The ledger to copy into (created if it does not exist).")
@SHOP
@LANG
@_guard
def ledger_copy(source, target, shop, lang) -> None:
    """把一个店铺的全部记录复制到另一个账本并核对 · Copy one shop's whole history into another ledger, verified."""
    from engine.ledger.transfer import copy_shop

    done = copy_shop(source, target, shop)
    rows = sum(done.rows.values())
    click.echo(for_terminal(say("copied", lang, shop=done.shop, runs=done.runs, rows=rows, sha=done.sha256[:16])))


@ledger.command(name="four-eyes")
@click.argument("state", type=click.Choice(["on", "off"]))
@click.option("--by", help="设置人（默认：当前登录用户） · Who sets it (default: the login name).")
@DB
@SHOP
@LANG
@_guard
def four_eyes(state, by, db, shop, lang) -> None:
    """审批须由运行者以外的人进行（双人复核） · Require that a month is approved by someone other than who ran it."""
    from engine.ledger.access import open_ledger
    from engine.ledger.sql import FOUR_EYES

    with open_ledger(db) as ledger:
        chosen = ledger.use_shop(shop)
        ledger.set_setting(FOUR_EYES, state, _user(by))
    click.echo(for_terminal(say(f"four_eyes_{state}", lang, shop=chosen)))


if __name__ == "__main__":
    main()
