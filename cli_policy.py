"""The policy's commands: init, validate, lint, test, schema and plan (load → check → compile, and a
policy's own test cases), each imported by cli.py only when it runs.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import click

from cli_common import FILE, LANG, guarded, parsed_period, to_stderr
from engine.diagnostics import Severity
from engine.errors import Diagnostic
from engine.report.messages import say
from engine.report.safe_text import for_terminal


@click.command()
@click.argument("file", type=FILE)
@LANG
@click.option("--force", is_flag=True, help="覆盖已有文件 · Overwrite FILE if it exists.")
@guarded
def init(file: str, lang: str, force: bool) -> None:
    """写出带注释的初始方案 · Write a commented starter policy to FILE (it validates clean)."""
    from pathlib import Path

    from engine.policy.starter import starter_policy
    from engine.report.atomic_write import write_atomic

    if Path(file).exists() and not force:
        to_stderr(say("exists", lang, path=file))
        sys.exit(1)
    write_atomic(file, starter_policy(lang))
    to_stderr(say("initialised", lang, path=file))


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
    to_stderr(say("checked", lang, files=files, errors=errors, warnings=len(found) - errors))
    sys.exit(1 if errors else 0)


@click.command()
@click.argument("files", nargs=-1, required=True, type=FILE)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="github：GitHub Actions 的逐行注释 · github: workflow-command annotations on each line.")
@LANG
@guarded
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


@click.command()
@click.argument("files", nargs=-1, required=True, type=FILE)
@click.option("--strict", is_flag=True, help="警告也算错误（退出码 1） · Treat warnings as errors (exit 1).")
@click.option("--cliff", metavar="AMOUNT",
              help="某指标多 1 个单位（如 1 元）使工资变化超过此金额即警告 · Warn where one more unit of a metric "
                   "(one yuan) moves pay by more than AMOUNT (default: the policy's lint: {cliff: …}).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="github：GitHub Actions 的逐行注释 · github: workflow-command annotations on each line.")
@LANG
@guarded
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


@click.command(name="test")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit", "github"]), default="text",
              show_default=True, help="github：GitHub Actions 的逐行注释 · github: workflow-command annotations.")
@click.option("--min-coverage", "minimum", metavar="N",
              help="任一方案的业务覆盖率低于 N% 即失败 · Fail when a policy's business coverage is below N %.")
@click.option("--out", "-o", type=FILE,
              help="写入此文件（要么完整写入，要么不写） · Write here (whole or not at all).")
@LANG
@guarded
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


@click.command()
@guarded
def schema() -> None:
    """输出方案的 JSON Schema · Print the policy JSON Schema (Draft 2020-12), for editors and CI."""
    from engine.policy.check import schema_path

    click.echo(schema_path().read_text(encoding="utf-8"), nl=False)


@click.command(name="plan")
@click.argument("file", type=FILE)
@click.option("--period", help="考核月份（YYYY-MM）：按日期取值用该月生效的一项（默认生效月） · Month (YYYY-MM) whose "
                               "dated values the plan uses (default: the policy's effective_from).")
@LANG
@guarded
def plan_command(file: str, period: str | None, lang: str) -> None:
    """打印方案编译后的计算计划与生成的代码 · Print the compiled plan: each step with its kind, rules, policy
    line (and file, in a base of an extends: chain), phase, what it reads and its operations, then the
    generated Python."""
    from engine.pipeline import prepare
    from engine.report.plan_text import plan_text

    plan, warnings = prepare(file, parsed_period(period, lang))
    for diagnostic in warnings:
        to_stderr(diagnostic.render(lang))
    for line in plan_text(plan, lang).splitlines():
        click.echo(for_terminal(line))
