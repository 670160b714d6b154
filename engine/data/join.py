"""Several metrics files of one month joined into one table, by agent and period (S1.6).

A shop's month often comes as several back-office exports: 赤兔 for chat metrics, 生意参谋 for
sales. Each is read as one file is (its header aliases, units, placeholders and summary rows),
then they are joined by agent and period into the table the first file would have been. The join
guesses nothing:
- each metric is read from exactly one file: a metric's column in two files is an error naming
  both files and columns, and a metric in none of them is a missing column;
- every agent-month is in every file: one missing from a file is an error naming both files;
- who an agent is (name, team, role, grade, dates, carried columns) comes from the roster or the
  first file; a further file gives the agent, the period and metrics only, and a team value
  (`scope: team`) comes from the first file or the team file, never from a further file.
Each joined row is located at the first file's row; an agent-month's `source` names every row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from engine.data.ingest import Record, Table
from engine.data.period_hint import Hint
from engine.errors import DataIssue
from engine.model.plan import Plan

__all__ = ["join_sources"]

# One metrics file as read: its table, the period its rows without a period column take, and the range it states.
Read = tuple[Table, str | None, Hint | None]
Twice = Callable[[Table, Record, Record, str], DataIssue]


def join_sources(plan: Plan, first: Read, others: Sequence[Read], issues: list[DataIssue],
                 twice: Twice) -> tuple[Table, dict[int, str]]:
    """The first file's table with every metric of the others joined to its rows, and each joined row's
    source (`a.csv row 4; b.csv row 6`) by the first file's row number; problems are added to `issues`
    (then the table returned must not be evaluated). `twice` words two rows of one agent-month in one file."""
    table, period, _ = first
    owners = _owners(plan, [table, *(other for other, _, _ in others)], issues)
    if owners is None:
        return table, {}
    indexes = [_index(other, month, hint, issues, twice) for other, month, hint in others]
    if any(index is None for index in indexes):  # a file with no month at all: one issue, not one per agent
        return table, {}
    matched: list[set[tuple[str, str]]] = [set() for _ in others]
    records, where = [], {}
    for record in table.records:
        agent, month = record.values["agent"], record.values.get("period") or period
        if not month:
            continue  # the first file's own rows without a month are its own error (engine.data.inputs)
        values, rows = dict(record.values), [f"{table.path} row {record.row}"]
        for (other, _, _), index, seen in zip(others, indexes, matched, strict=True):
            found = index.get((agent, month))
            if found is None:
                issues.append(_not_in(table, record, other, agent, month))
                continue
            seen.add((agent, month))
            values.update((name, found.values.get(name)) for name in owners[other.path])
            rows.append(f"{other.path} row {found.row}")
        records.append(replace(record, values=values))
        where.setdefault(record.row, "; ".join(rows))
    for (other, _, _), index, seen in zip(others, indexes, matched, strict=True):
        issues.extend(_not_in(other, found, table, agent, month)
                      for (agent, month), found in index.items() if (agent, month) not in seen)
    return replace(table, records=tuple(records)), where


def _label(table: Table, name: str) -> str:
    """A column as a message names it: its header as written, with its letter in a workbook."""
    letter = table.letters.get(name)
    return f"{table.columns[name]} ({letter})" if letter else table.columns[name]


def _owners(plan: Plan, tables: Sequence[Table], issues: list[DataIssue]) -> dict[str, tuple[str, ...]] | None:
    """Each further file's metrics (by its path), or None after an issue: a metric in two files or in none,
    or a team value in a further file."""
    before = len(issues)
    owned: dict[str, list[str]] = {table.path: [] for table in tables}
    first = tables[0]
    for metric in plan.metrics:
        holders = [table for table in tables if metric.name in table.columns]
        if metric.scope == "team":
            issues.extend(_team_elsewhere(metric.name, first, table) for table in holders if table is not first)
            continue
        if not holders:
            files = ", ".join(table.path for table in tables)
            headers = " / ".join(dict.fromkeys((metric.name, metric.label.zh, metric.label.en, *metric.aliases)))
            issues.append(DataIssue(
                first.path, 0, "",
                f"missing column {metric.name!r}: none of the metrics files ({files}) has a header named {headers}",
                zh=f"缺少列 {metric.name!r}：所有指标文件（{files}）的表头中都没有 {headers}"))
            continue
        for again in holders[1:]:
            one = holders[0]
            issues.append(DataIssue(
                again.path, again.header_row, _label(again, metric.name),
                f"metric {metric.name!r} is in two metrics files: column {_label(one, metric.name)} of {one.path} "
                f"and column {_label(again, metric.name)} of {again.path}; each metric is read from one file: "
                "delete or rename the column in the file it does not come from",
                zh=f"指标 {metric.name!r} 同时出现在两个指标文件中：{one.path} 的 {_label(one, metric.name)} 列和 "
                f"{again.path} 的 {_label(again, metric.name)} 列；每个指标只能取自一个文件："
                "请在不该提供它的文件中删除该列或改名",
                cell=again.cell(metric.name, again.header_row)))
        owned[holders[0].path].append(metric.name)
    if len(issues) > before:
        return None
    return {path: tuple(names) for path, names in owned.items()}


def _team_elsewhere(name: str, first: Table, table: Table) -> DataIssue:
    return DataIssue(
        table.path, table.header_row, _label(table, name),
        f"{name!r} is a team value (scope: team), read from the first metrics file ({first.path}) or the "
        f"team file, not from a further metrics file; move the column, or give it as a --team file",
        zh=f"{name!r} 是小组数值（scope: team），只从第一个指标文件（{first.path}）或小组数据文件读取，"
        "不从其他指标文件读取；请移动该列，或用 --team 文件提供",
        cell=table.cell(name, table.header_row))


def _index(table: Table, period: str | None, hint: Hint | None, issues: list[DataIssue],
           twice: Twice) -> dict[tuple[str, str], Record] | None:
    """A further file's rows by (agent, period); a row without a month, outside the range the file
    states, or repeating an agent-month is an issue (as in the first file); None for a file with no month."""
    index: dict[tuple[str, str], Record] = {}
    if period is None and "period" not in table.columns:
        issues.append(DataIssue(table.path, table.header_row, "",
                                "no period: the file has no 月份 (period) column, and neither --period nor a date "
                                "range in the file name or above the header says which month it is; add the column "
                                "or pass --period YYYY-MM",
                                zh="没有月份：文件中没有“月份”列，--period、文件名和表头上方也都没有说明是哪个月；"
                                "请添加“月份”列，或用 --period YYYY-MM 指定"))
        return None
    for record in table.records:
        month = record.values.get("period") or period
        if not month:
            issues.append(DataIssue(table.path, record.row, "", "no period: add a 月份 (period) column or pass "
                                    "--period YYYY-MM", zh="没有月份：请添加“月份”列，或用 --period YYYY-MM 指定"))
            continue
        if hint is not None and record.values.get("period") and month not in hint.months:
            issues.append(DataIssue(
                table.path, record.row, table.columns["period"],
                f"period {month} is outside {hint.shown} stated in {hint.where}; check the row or the file",
                zh=f"月份 {month} 不在{hint.where_zh}所写的 {hint.shown} 之内；请核对该行或文件",
                cell=table.cell("period", record.row)))
            continue
        first = index.setdefault((record.values["agent"], month), record)
        if first is not record:
            issues.append(twice(table, first, record, month))
    return index


def _not_in(table: Table, record: Record, other: Table, agent: str, month: str) -> DataIssue:
    return DataIssue(
        table.path, record.row, table.columns["agent"],
        f"agent {agent} ({month}) is in {table.path} but not in {other.path}: the metrics files of a month are "
        "joined by agent and period, and each must have a row for every agent; check that the exports cover the "
        "same agents and month",
        zh=f"客服 {agent}（{month}）在 {table.path} 中，却不在 {other.path} 中：同一个月的各指标文件按客服和月份合并，"
        "每个文件都必须有每位客服的一行；请核对各导出是否覆盖相同的客服和月份",
        cell=table.cell("agent", record.row))
