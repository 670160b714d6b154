"""Several metrics files of one month joined into one table, by agent and period (S1.6).

A shop's month often comes as several back-office exports: 赤兔 for chat metrics, 生意参谋 for
sales. Each is read as one file is (its header aliases, units, placeholders and summary rows),
then they are joined by agent and period into the table the first file would have been. The join
guesses nothing:
- each metric is read from exactly one file: a metric's column in two files is an error naming
  both files and columns, unless the metric names its `source:` and exactly one of the two is that
  source's file (the other column is then not read, said in a note); a metric in none of them is a
  missing column;
- every agent-month is in every file: one missing from a file is an error naming both files, unless
  that (further) file is an `optional` source's: her metrics from it are then `missing`, handled as
  each declares (an error for one that declares no `missing:`);
- a file belongs to the source whose `file` pattern its name matches (`*赤兔*`), to none if none does;
  a file matching two sources, or two files one source, is an error (which file is which is no guess);
- who an agent is (name, team, role, grade, dates, carried columns) comes from the roster or the
  first file; a further file gives the agent, the period and metrics only, and a team value
  (`scope: team`) comes from the first file or the team file, never from a further file.
Each joined row is located at the first file's row; an agent-month's `source` names every row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from fnmatch import fnmatchcase
from pathlib import Path

from engine.data.column_reader import mark_supplied
from engine.data.ingest import Record, Table
from engine.data.period_hint import Hint, no_period
from engine.errors import DataIssue
from engine.model.plan import Metric, Plan, Source

__all__ = ["join_sources"]

# One metrics file as read: its table, the period its rows without a period column take, and the range it states.
Read = tuple[Table, str | None, Hint | None]
Twice = Callable[[Table, Record, Record, str], DataIssue]
_NO_VALUE = object()  # a metric an optional source lacks for an agent, and which declares no `missing:`


def join_sources(plan: Plan, first: Read, others: Sequence[Read], issues: list[DataIssue], notes: list,
                 twice: Twice) -> tuple[Table, dict[int, str]]:
    """The first file's table with every metric of the others joined to its rows, and each joined row's
    source (`a.csv row 4; b.csv row 6`) by the first file's row number; problems are added to `issues`
    (then the table returned must not be evaluated), columns not read to `notes`. `twice` words two rows
    of one agent-month in one file."""
    table, period, _ = first
    tables = [table, *(other for other, _, _ in others)]
    belongs = _belongs(plan, tables, issues)
    owners = _owners(plan, tables, belongs, issues, notes) if belongs is not None else None
    if owners is None:
        return table, {}
    metrics = {metric.name: metric for metric in plan.metrics}
    indexes = [_index(other, month, hint, issues, twice) for other, month, hint in others]
    if any(index is None for index in indexes):  # a file with no month at all: one issue, not one per agent
        return table, {}
    matched: list[set[tuple[str, str]]] = [set() for _ in others]
    records, where = [], {}
    for record in table.records:
        agent, month = record.values["agent"], record.values.get("period") or period
        if not month:  # the first file's own row without a month: its error is said where every row's is
            records.append(record)
            continue
        values, rows = dict(record.values), [f"{table.path} row {record.row}"]
        for (other, _, _), index, seen in zip(others, indexes, matched, strict=True):
            found = index.get((agent, month))
            source = belongs.get(other.path)
            if found is None and source is not None and source.optional:
                for name in owners[other.path]:
                    value = _missing(metrics[name])
                    if value is _NO_VALUE:
                        issues.append(_no_missing(table, record, other, source, name, agent, month))
                    values[name] = value
                continue
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


def _belongs(plan: Plan, tables: Sequence[Table], issues: list[DataIssue]) -> dict[str, Source] | None:
    """The source each file belongs to, by its path (a file no pattern matches belongs to none), or None
    after an issue: a file matching two sources' patterns, or two files one source's."""
    before, belongs = len(issues), {}
    for table in tables:
        name = Path(table.path).name
        matched = [source for source in plan.metric_sources if fnmatchcase(name, source.file)]
        if len(matched) > 1:
            shown = ", ".join(f"{source.name} ({source.file})" for source in matched)
            issues.append(DataIssue(
                table.path, 0, "",
                f"the file name {name} matches the patterns of several sources: {shown}; which export this is "
                "would be a guess: rename the file, or make the patterns under sources: tell the exports apart",
                zh=f"文件名 {name} 同时符合多个来源的模式：{shown}；这是哪一份导出将无从判断："
                "请给文件改名，或修改 sources: 中的模式以区分各份导出"))
        elif matched:
            belongs[table.path] = matched[0]
    for source in plan.metric_sources:
        files = [path for path, owner in belongs.items() if owner is source]
        if len(files) > 1:
            issues.append(DataIssue(
                files[1], 0, "",
                f"{files[0]} and {files[1]} both match the pattern {source.file} of source {source.name!r}; a "
                "source is one export of the month: give one of them, or rename the other",
                zh=f"{files[0]} 和 {files[1]} 都符合来源 {source.name!r} 的模式 {source.file}；一个来源是当月的一份"
                "导出：请只给其中一个，或给另一个改名"))
    return belongs if len(issues) == before else None


def _missing(metric: Metric) -> object:
    """A metric's value for an agent an optional source lacks: its `missing:` (marked as supplied),
    None for a choice metric declared `missing: absent`, or _NO_VALUE where it declares none."""
    if metric.absent:
        return None
    declared = metric.missing_choice if metric.type == "choice" else metric.missing
    return _NO_VALUE if declared is None else mark_supplied(declared, "missing")


def _owners(plan: Plan, tables: Sequence[Table], belongs: Mapping[str, Source], issues: list[DataIssue],
            notes: list) -> dict[str, tuple[str, ...]] | None:
    """Each file's metrics (by its path), or None after an issue: a metric in two files (and not settled
    by its `source:`) or in none, or a team value in a further file."""
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
        chosen = [table for table in holders
                  if metric.source and (source := belongs.get(table.path)) is not None and source.name == metric.source]
        if len(holders) > 1 and len(chosen) == 1:
            owner = chosen[0]
            notes.extend(f"{table.path}: column {_label(table, metric.name)} not read: metric {metric.name!r} is "
                         f"read from {owner.path} (metrics.{metric.name}.source: {metric.source})"
                         for table in holders if table is not owner)
            owned[owner.path].append(metric.name)
            continue
        for again in holders[1:]:
            one = holders[0]
            issues.append(DataIssue(
                again.path, again.header_row, _label(again, metric.name),
                f"metric {metric.name!r} is in two metrics files: column {_label(one, metric.name)} of {one.path} "
                f"and column {_label(again, metric.name)} of {again.path}; each metric is read from one file: "
                "delete or rename the column in the file it does not come from, or say which source it is read "
                f"from (metrics.{metric.name}.source, with sources:)",
                zh=f"指标 {metric.name!r} 同时出现在两个指标文件中：{one.path} 的 {_label(one, metric.name)} 列和 "
                f"{again.path} 的 {_label(again, metric.name)} 列；每个指标只能取自一个文件："
                f"请在不该提供它的文件中删除该列或改名，或在方案中指明它取自哪个来源（metrics.{metric.name}.source，"
                "并写上 sources:）",
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
        issues.append(no_period(table.path, table.header_row))
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


def _no_missing(table: Table, record: Record, other: Table, source: Source, name: str, agent: str,
                month: str) -> DataIssue:
    return DataIssue(
        table.path, record.row, table.columns["agent"],
        f"agent {agent} ({month}) is in {table.path} but not in {other.path}, the file of optional source "
        f"{source.name!r}: her {name!r} is therefore missing, and the metric declares no missing: value; give "
        f"her row in {other.path}, or declare metrics.{name}.missing",
        zh=f"客服 {agent}（{month}）在 {table.path} 中，却不在可选来源 {source.name!r} 的文件 {other.path} 中："
        f"她的 {name!r} 因此缺失，而该指标没有声明 missing: 取值；请在 {other.path} 中补上她的一行，"
        f"或声明 metrics.{name}.missing",
        cell=table.cell("agent", record.row))
