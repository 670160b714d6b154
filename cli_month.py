"""A month evaluated from its files: evaluate, explain, diff, payslips and report (the month pipeline,
engine.month, and the report stage), each imported by cli.py only when it runs.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable

import click

from cli_common import (
    DATA_OPTIONS,
    FILE,
    FULL,
    LANG,
    check_team_file,
    guarded,
    joined_metrics,
    parsed_period,
    stderr_is_terminal,
    tell_under_minimum,
    to_stderr,
)
from engine.report.messages import note_text, say
from engine.report.safe_text import for_terminal

# evaluate's and explain's --metrics: given several times, one month's exports joined by agent and period (S1.6).
_METRICS_JOINED = click.option(
    "--metrics", "-m", required=True, multiple=True, type=FILE,
    help="指标报表（CSV 或 XLSX），每人每月一行；可给多次：同一个月的多份导出按客服和月份合并，"
         "每个指标只取自一个文件 · "
         "Metrics export (CSV or XLSX), one row per agent per period; may be given several times: one month's "
         "exports joined by agent and period, each metric read from one file.")


_TEAM_FILE = click.option("--team-file", "team", type=FILE, metavar="FILE",
                          help="小组数据文件，如人均计划销售额 · Team-level values file, e.g. the sales target.")
_TEAM_NAME = click.option("--team", "team_name", metavar="NAME",
                          help="只看这一组（组别名称，如 一组） · Only this team (its name, e.g. 一组).")


def _with_data_options(command: Callable) -> Callable:
    """evaluate's and explain's sources: the files, with the team-values file as --team-file and
    --team naming one team to keep, as payslips and report take them."""
    for option in reversed([DATA_OPTIONS[0], _METRICS_JOINED, DATA_OPTIONS[2], _TEAM_FILE, *DATA_OPTIONS[4:],
                            _TEAM_NAME]):
        command = option(command)
    return command


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

    check_team_file(team, "--team-file", lang)
    done = evaluate_files(Files(policy, metrics, roster, team, None, events), parsed_period(period, lang), trace=trace,
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
    if not stderr_is_terminal():
        return None

    def tell(stage: str, period: str, agents: int) -> None:
        to_stderr(say("progress_read", lang) if stage == "read" else say("progress_month", lang, period=period,
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
        to_stderr(prefix + line)

    for warning in done.warnings:
        tell(warning.render(lang))
    for note in done.notes if notes else ():
        tell(say("note", lang, text=note_text(note, lang)))
    if done.penalties_unread:
        tell(say("no_events", lang, clauses=", ".join(done.penalties_unread)))
    if done.carried_unknown:
        tell(say("no_carry", lang))
    tell_under_minimum(done.under_minimum, lang, tell, done.paid_elsewhere)
    if done.below_zero:  # `run` refuses to record such a month; here it is said, never shown as if payable
        below = done.below_zero
        more = f" … (+{len(below) - 10})" if len(below) > 10 else ""
        shown = ("、" if lang == "zh" else ", ").join(below[:10]) + more
        tell(say("negative_pay", lang, count=len(below), agents=shown))


ENGINE = click.option(
    "--engine", type=click.Choice(["auto", "columnar", "decimal"]), default="auto", show_default=True,
    help="计算方式：columnar 按列整数精确计算（大月份更快，结果逐字节相同），decimal 逐人十进制计算；"
         "auto 对大文件用 columnar · How to compute: columnar (exact whole numbers by column, faster for "
         "a large month, byte-identical), decimal (agent by agent); auto takes columnar for large files.")
VERBOSE = click.option("--verbose", "-v", is_flag=True,
                       help="在标准错误输出说明用了哪种计算方式及原因 · Say on stderr which engine ran, and why.")


@click.command()
@_with_data_options
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default="table",
              show_default=True)
@click.option("--out", "-o", type=FILE,
              help="写入此文件（要么完整写入，要么不写） · Write here (whole or not at all).")
@ENGINE
@VERBOSE
@LANG
@guarded
def evaluate(policy, metrics, roster, team, period, events, team_name, fmt, out, engine, verbose, lang) -> None:
    """计算每位客服的得分与工资 · Score and pay every agent in the metrics file."""
    from engine.report.atomic_write import BLOCK, check_writable, write_atomic

    if fmt == "xlsx" and not out:
        raise click.UsageError(say("xlsx_needs_out", lang))
    given = (("--policy", policy), *((f"--metrics {path}" if len(metrics) > 1 else "--metrics", path)
                                     for path in metrics), ("--roster", roster), ("--team-file", team),
             ("--events", events))
    inputs = {option: path for option, path in given if path}
    metrics = joined_metrics(metrics)
    if out:
        check_writable(out, inputs)  # before the work, so a wrong folder or an input named by mistake costs nothing
    found = _columnar(policy, metrics, roster, team, period, events, team_name, fmt, engine, verbose, lang)
    if found is not None:
        data, count = found
    else:
        from engine.report.tables import render  # the Decimal path's writer: the columnar path has its own

        # The XLSX details sheet shows each KPI's raw value, which only the trace holds.
        plan, results = _results(policy, metrics, roster, team, period, lang, trace=fmt == "xlsx", events=events,
                                 team_name=team_name)
        data, count = render(plan, results, fmt, lang), len(results)
    try:
        if out:
            write_atomic(out, data, inputs)
            to_stderr(say("wrote", lang, count=count, path=out))
        elif isinstance(data, bytes):
            click.echo(data, nl=False)  # bytes: exactly what --out would have written
        elif callable(data):  # made whole before a byte goes out, as --out's file is
            buffer = io.BytesIO()
            data(buffer)
            click.echo(buffer.getvalue(), nl=False)
        else:  # a month evaluated in chunks: its report, written whole to a temporary file first, copied out
            while block := data.read(BLOCK):
                click.echo(block, nl=False)
    finally:
        if not (isinstance(data, bytes) or callable(data)):  # a temporary file: gone once closed
            data.close()


def _columnar(policy, metrics, roster, team, period, events, team_name, fmt, engine, verbose, lang):
    """The report's bytes and count by the columnar back-end (engine.columnar_month), or None (`_by_columns`)."""
    from engine.month import Files

    def report():
        from engine.columnar_month import evaluate_report
        from engine.model.frames import NotCovered

        if team_name is not None:
            raise NotCovered("--team", "--team")
        return evaluate_report(files, parsed_period(period, lang), fmt, lang)

    files = Files(policy, metrics, roster, team, None, events)
    found = _by_columns(engine, files, report, verbose, lang)
    if found is None:
        return None
    _tell_evaluation(found.said, lang)
    if verbose:
        to_stderr(say("engine_columnar", lang, count=found.count, by_decimal=found.by_decimal))
    return found.data, found.count


def _by_columns(engine: str, files, attempt: Callable, verbose: bool, lang: str):
    """What `attempt` makes of `files` by the columnar back-end, or None: the Decimal path then runs from
    the start. `auto` takes it for a large month only (a shop's month never loads the columnar library);
    `-v` says why the columnar one did not run (the caller says that it did)."""
    if engine == "decimal":
        return None
    from engine.columnar_month import large
    from engine.model.frames import NotCovered

    if engine == "auto" and not large(files):
        if verbose:
            to_stderr(say("engine_small", lang))
        return None
    try:
        check_team_file(files.team, "--team-file", lang)
        return attempt()
    except NotCovered as why:
        if verbose:
            to_stderr(say("engine_declined", lang, reason=why.zh if lang == "zh" else str(why)))
        return None


@click.command()
@_with_data_options
@click.option("--agent", "-a", required=True, help="要解释的客服工号 · Agent id (工号) to explain.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--what-it-takes/--no-what-it-takes", "what", default=None,
              help="达成所需：下一档、下一评级、被取消的工资与接近触发的条款（按方案重新计算；简明说明默认显示，"
                   "--full 时需加此项） · "
                   "What it would take: next thresholds, the next rating, cancelled pay, clauses that came close "
                   "(re-evaluated; shown by default in the short form, with --full only when asked).")
@FULL
@ENGINE
@VERBOSE
@LANG
@guarded
def explain(policy, metrics, roster, team, period, events, team_name, agent, fmt, full, lang, what, engine,
            verbose) -> None:
    """说明一位客服的得分与工资（默认简明） · Why one agent got her score and pay (short; --full: every step)."""
    from engine.report.agent_match import find_agent
    from engine.report.explain import explain_json, explain_text
    from engine.report.explain_short import short_json, short_text

    metrics = joined_metrics(metrics)
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

    by_columns = _explained_by_columns(policy, metrics, roster, team, period, events, asked,
                                       agent if team_name is None else None, engine, verbose, lang)
    if by_columns is not None:
        if team_name is not None:
            _check_team(team_name, set(by_columns.teams), lang)
        plan, results, inputs, state = by_columns.plan, by_columns.results, by_columns.inputs, by_columns.state
    else:
        done, results = _evaluation(policy, metrics, roster, team, period, lang, trace=asked, events=events,
                                    team_name=team_name)
        plan = done.plan
    match = matched[0]
    if not match.exact:
        to_stderr(say("note", lang, text=match.note("--agent")))
    agent = match.agent
    mine = [r for r in results if r.agent == agent]
    if len(mine) > 1:
        months = ", ".join(r.period for r in mine)
        raise click.UsageError(for_terminal(say("several_periods", lang, agent=agent, months=months)))
    if by_columns is None:  # the month her result was evaluated in: its plan, every agent's inputs, the state before
        month = next(m for m in done.months if m.period == mine[0].period)
        plan, inputs, state = month.plan, month.inputs, month.state
    render = {(False, "text"): short_text, (False, "json"): short_json, (True, "text"): explain_text,
              (True, "json"): explain_json}[(full, fmt)]
    wanted = not full if what is None else what  # the short form says it; the whole tree stays as it was
    click.echo(render(plan, mine[0], lang, _what_it_takes(wanted, plan, inputs, state, mine[0])), nl=False)


def _first(metrics: str | tuple[str, ...]) -> str:
    return metrics if isinstance(metrics, str) else metrics[0]


def _what_it_takes(wanted: bool, plan, inputs, state, result):
    """explain's counterfactuals: the agent's month as it was evaluated (its plan, the inputs of the agents
    her result reads, the state before it), re-evaluated with her inputs changed, others unchanged
    (engine.run.what_it_takes)."""
    if not wanted:
        return None
    from engine.run.what_it_takes import what_it_takes

    return what_it_takes(plan, inputs, result.agent, state)


def _explained_by_columns(policy, metrics, roster, team, period, events, asked, named, engine, verbose, lang):
    """explain's month by the columnar back-end, her result by the Decimal path (engine.columnar_explain),
    or None (`_by_columns`)."""
    from engine.month import Files

    def explained():
        from engine.columnar_explain import explain_by_columns

        return explain_by_columns(files, parsed_period(period, lang), asked, named)

    files = Files(policy, metrics, roster, team, None, events)
    found = _by_columns(engine, files, explained, verbose, lang)
    if found is None:
        return None
    _tell_evaluation(found.month.said, lang)
    if verbose:
        to_stderr(say("engine_explained", lang, count=found.month.results.frame.height, again=len(found.inputs)))
    return found


# -- what people read: payslips and the team report ------------------------------------------------

_month_options = [
    click.option("--policy", "-p", type=FILE, help="方案文件 · Policy YAML file."),
    click.option("--metrics", "-m", multiple=True, type=FILE,
                 help="指标报表（CSV 或 XLSX）；可给多次：同一个月的多份导出按客服和月份合并 · Metrics export (CSV or "
                      "XLSX); may be given several times: one month's exports joined by agent and period."),
    DATA_OPTIONS[2],
    click.option("--team-file", type=FILE,
                 help="小组数据文件（evaluate 的 --team） · Team-level values file (evaluate's --team)."),
    DATA_OPTIONS[5],
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

        check_team_file(team_file, "--team-file", lang)
        done, month = month_from_files(Files(policy, joined_metrics(metrics), roster, team_file, None, events),
                                       parsed_period(period, lang), _progress(lang))
        _tell_evaluation(done, lang)
    else:
        month = month_from_ledger(db or "jixiao.db", parsed_period(period, lang))
    if team_name is None:
        return month
    _check_team(team_name, {o.result.team for o in month.outcomes}, lang)
    return month.only_team(team_name)


@click.command()
@_with_month_options
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="写入此文件夹（要么完整写入，要么不写） · Folder to write (whole or not at all).")
@LANG
@guarded
def payslips(policy, metrics, roster, team_file, events, period, db, team_name, out, lang) -> None:
    """每人一张工资条（HTML 与 XLSX） · A payslip per agent (HTML page and XLSX), and the month's 工资条 workbook."""
    from engine.report.atomic_write import check_folder, write_folder_atomic
    from engine.report.payslips import payslip_files

    protect = _protected(policy, metrics, roster, team_file, events, db)
    check_folder(out, protect)  # before the work: a wrong folder costs nothing
    month = _month_view(policy, metrics, roster, team_file, events, period, db, team_name, lang)
    if stderr_is_terminal():
        to_stderr(say("progress_slips", lang, count=len(month.outcomes)))
    write_folder_atomic(out, payslip_files(month, lang), protect)
    to_stderr(say("slips_wrote", lang, count=len(month.outcomes), period=month.period, path=out))


@click.command()
@_with_month_options
@click.option("--out", "-o", type=FILE,
              help="写入此 HTML 文件（要么完整写入，要么不写） · Write this HTML file (whole or not at all).")
@LANG
@guarded
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
        to_stderr(say("report_wrote", lang, period=month.period, count=len(month.outcomes), path=out))
    else:
        click.echo(data, nl=False)


@click.command(name="diff")
@click.argument("old", type=FILE)
@click.argument("new", type=FILE)
@_METRICS_JOINED
@DATA_OPTIONS[2]
@DATA_OPTIONS[3]
@DATA_OPTIONS[5]
@DATA_OPTIONS[4]
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "markdown"]), default="table",
              show_default=True, help="markdown：用于合并请求评论 · markdown: for a pull-request comment.")
@click.option("--out", "-o", type=FILE,
              help="写入此文件（要么完整写入，要么不写） · Write here (whole or not at all).")
@LANG
@guarded
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
    found = impact(old, new, joined_metrics(metrics), roster, team, events, parsed_period(period, lang))
    _tell_evaluation(found.before, lang, prefix=f"{old}: ")  # the data's notes once, with the old policy's
    _tell_evaluation(found.after, lang, notes=False, prefix=f"{new}: ")
    data = render(found, fmt, lang)
    if out:
        write_atomic(out, data.encode("utf-8"), inputs)
    else:
        click.echo(data, nl=False)
