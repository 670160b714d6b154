"""The ledger's commands: run, decide, runs, history, show, approve, reopen, migrate and `ledger`
(copy, four-eyes), each imported by cli.py only when it runs.
"""

from __future__ import annotations

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

DB = click.option("--db", default="jixiao.db", show_default=True, envvar="JIXIAO_DB", show_envvar=True,
                  help="账本：SQLite 文件，或 postgresql://登录名@主机/数据库 · Ledger: a SQLite file (created by the "
                       "first run) or postgresql://login@host/database.")
SHOP = click.option("--shop", help="店铺（一个账本可记录多个店铺；run 默认取方案的 id，其他命令默认取账本中唯一的"
                                   "店铺） · Shop (a ledger may hold several; run defaults to the policy's id, "
                                   "the other commands to the ledger's only shop).")
PERIOD = click.option("--period", required=True, help="月份（YYYY-MM） · Month (YYYY-MM).")


def _user(by: str | None) -> str:
    """Who approves, reopens or decides: --by, else JIXIAO_USER, else the login name (recorded with it)."""
    from engine.ledger.store import declared_login

    return by or declared_login()


@click.command(name="run")
@PERIOD
@click.option("--policy", "-p", type=FILE, help="方案文件 · Policy YAML file.")
@click.option("--metrics", "-m", multiple=True, type=FILE,
              help="指标报表（CSV 或 XLSX）；可给多次：同一个月的多份导出按客服和月份合并 · Metrics export (CSV or "
                   "XLSX); may be given several times: one month's exports joined by agent and period; with "
                   "--recompute alone: the recorded files.")
@DATA_OPTIONS[2]
@DATA_OPTIONS[3]
@click.option("--adjustments", type=FILE,
              help="人工调整：工号、金额、原因、审批人 · Manual adjustments: agent, amount, reason, approved by.")
@DATA_OPTIONS[5]
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
@guarded
def run_command(period, policy, metrics, roster, team, adjustments, events, db, shop, supersede, recompute, dry_run,
                empty, lang) -> None:
    """计算一个月并记入账本 · Evaluate one month and record it in the ledger (append-only)."""
    from decimal import Decimal

    from engine.record import Files, run_month
    from engine.report.changes import agents_text, changes_text, decisions_text, outstanding_text
    from engine.report.number_text import number

    month = parsed_period(period, lang)
    given = [name for name, value in (("--roster", roster), ("--team", team), ("--adjustments", adjustments),
                                      ("--events", events)) if value]
    if empty and (not policy or metrics or given or recompute):
        raise click.UsageError(say("run_empty_files", lang))
    if not empty and not (policy and metrics) and (not recompute or policy or metrics or given):
        raise click.UsageError(say("run_needs_files", lang))
    check_team_file(team, "--team", lang)
    progress = (lambda stage: to_stderr(say(f"progress_{stage}", lang))) if stderr_is_terminal() else None
    files = (Files(policy, joined_metrics(metrics) if metrics else None, roster, team, adjustments, events)
             if policy and (metrics or empty) else None)
    done = run_month(db, files, month, supersede=supersede, recompute=recompute, dry_run=dry_run, shop=shop,
                     progress=progress)
    if done.penalties_unread:
        to_stderr(say("no_events", lang, clauses=", ".join(done.penalties_unread)))
    tell_under_minimum(done.under_minimum, lang, elsewhere=done.paid_elsewhere)
    for warning in done.warnings:
        to_stderr(warning.render(lang))
    for note in done.notes:
        to_stderr(say("note", lang, text=note_text(note, lang)))
    for line in outstanding_text(done.outstanding, lang):
        to_stderr(say("warning", lang, text=line))
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


@click.command()
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
@guarded
def decide(agent, effective, grade, role, team, dismiss, reinstate, reason, by, dry_run, db, shop, lang) -> None:
    """记录人事决定并带入以后的月份 · Record an HR decision (grade, role, team, dismissal, reinstatement)
    in force from a month, and recompute the recorded months from then on."""
    from engine.ledger.access import open_ledger
    from engine.ledger.store import Decision, DecisionKind
    from engine.record import decide as record_decision
    from engine.report.agent_match import find_agent, ledger_agents
    from engine.report.changes import changes_text

    month = parsed_period(effective, lang)
    with open_ledger(db, read_only=True) as ledger:  # the agent as the ledger knows her, however typed
        shop = ledger.use_shop(shop)
        match = find_agent(agent, ledger_agents(ledger), where=(f"账本 {db} ", f"the ledger {db}"), option="")
    if not match.exact:
        to_stderr(say("note", lang, text=match.note("")))
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


@click.command()
@DB
@SHOP
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@LANG
@guarded
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
        to_stderr(say("no_runs", lang, db=db))
        return
    click.echo(runs_text(found, approved, fmt, lang, events), nl=False)


@click.command()
@click.argument("agent")
@DB
@SHOP
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@LANG
@guarded
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
            to_stderr(say("note", lang, text=match.note("")))
        agent = match.agent
        plans = {} if fmt == "json" else {run.policy_sha256: recorded_plan(ledger, run) for run, _ in months}
        events = [e for period in sorted({run.period for run, _ in months}) for e in ledger.events(period)]
        # An approved month shows what was paid; a correction recorded since is named beside it.
        corrected = {run.period: current.id for run, _ in months
                     if (current := ledger.current_run(run.period)) is not None and current.id != run.id}
    click.echo(history_text(agent, months, decisions, fmt, lang, plans, events, corrected), nl=False)


@click.command()
@PERIOD
@click.option("--agent", "-a", help="只看一位客服（含计算过程） · One agent, with the trace.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx", "text"]),
              help="默认：全月 table，单个客服 text · Default: table for the month, text for one agent.")
@click.option("--out", "-o", type=FILE,
              help="写入此文件（要么完整写入，要么不写） · Write here (whole or not at all).")
@click.option("--run", "run_id", type=int, help="显示指定的（含已取代的）运行 · Show this run (e.g. a superseded one).")
@FULL
@DB
@SHOP
@LANG
@guarded
def show(period, agent, fmt, out, run_id, full, db, shop, lang) -> None:
    """重新显示已记录的结果，与记录时逐字节相同 · Show a recorded result, byte-identical to the run's."""
    from engine.ledger.access import open_ledger
    from engine.ledger.codec import Damaged
    from engine.record import show_recorded
    from engine.report.atomic_write import check_writable, write_atomic

    month = parsed_period(period, lang)
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
            from engine.report.agent_match import Match, find_agent, run_agents
            from engine.text import canonical_id

            wanted = canonical_id(agent)
            mine = ledger.outcomes(info.id, wanted, trace=False, parts=frozenset())
            if mine:  # her id as recorded (ids are recorded canonical): found by one row, as `history` finds her
                match = Match(agent, wanted, mine[0].result.name)
            else:  # a name, a nickname, a carried key column (工号), or an id recorded in another spelling
                known = run_agents(ledger, info.id)
                # A carried key column (工号 beside the 客服昵称 key) names her too; read only when the query is no id.
                also = None if wanted in {canonical_id(a) for a in known} else run_columns(ledger, info)
                match = find_agent(agent, known, where=(
                    f"{month} 的记录（第 {info.id} 次运行）", f"the record of {month} (run {info.id})"), also=also)
            if not match.exact:
                to_stderr(say("note", lang, text=match.note("--agent")))
            agent = match.agent
        try:
            data = show_recorded(ledger, month, run_id, agent, fmt, lang, full)
        except Damaged as damaged:  # found while rendering (a trace that disagrees): said with the file
            raise damaged.in_file(db) from None
    if out:
        write_atomic(out, data, ledger_file)
    else:
        click.echo(data, nl=False)


@click.command()
@PERIOD
@click.option("--by", help="审批人（默认：当前登录用户） · Who approves (default: the login name).")
@DB
@SHOP
@LANG
@guarded
def approve(period, by, db, shop, lang) -> None:
    """审批并锁定一个月份 · Approve a month: no run may change it until it is reopened."""
    from engine.ledger.access import open_ledger

    month = parsed_period(period, lang)
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


@click.command()
@PERIOD
@click.option("--reason", required=True, help="重新开放的原因（记入账本） · Why (recorded in the ledger).")
@click.option("--by", help="操作人（默认：当前登录用户） · Who reopens (default: the login name).")
@DB
@SHOP
@LANG
@guarded
def reopen(period, reason, by, db, shop, lang) -> None:
    """重新开放已审批的月份 · Reopen an approved month, with a reason, so it can be run again."""
    from engine.record import reopen_month
    from engine.report.changes import changes_text

    month = parsed_period(period, lang)
    event, changes = reopen_month(db, month, reason, _user(by), shop)
    click.echo(for_terminal(say("reopened", lang, period=month, reason=event.reason)))
    if changes:
        click.echo(say("run_carried", lang))
        click.echo(changes_text(changes, lang), nl=False)


@click.command()
@DB
@LANG
@guarded
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


@click.group()
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
@guarded
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
@guarded
def four_eyes(state, by, db, shop, lang) -> None:
    """审批须由运行者以外的人进行（双人复核） · Require that a month is approved by someone other than who ran it."""
    from engine.ledger.access import open_ledger
    from engine.ledger.sql import FOUR_EYES

    with open_ledger(db) as ledger:
        chosen = ledger.use_shop(shop)
        ledger.set_setting(FOUR_EYES, state, _user(by))
    click.echo(for_terminal(say(f"four_eyes_{state}", lang, shop=chosen)))
