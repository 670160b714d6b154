"""Read an events file (`--events`): agent, time, kind, value (seconds), amount (yuan), order, note.

Read like every other data file (CSV in any encoding, XLSX or JSON Lines, Chinese or English headers, every
bad cell located, all problems at once), against the policy's `events:` vocabulary. What would
otherwise pay someone wrongly is refused with its row: a kind the policy does not declare, an
agent with no result this month, the same event twice (agent, time, kind and order), an event
outside the month unless the policy says `outside: ignore` (then each skip is returned as a note
for stderr). Times without an offset are in the policy's zone; days are counted in that zone.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from dataclasses import replace
from decimal import Decimal

from engine.columns import STANDARD_COLUMNS
from engine.data.ingest import Field, read_table
from engine.data.jsonl_read import is_jsonl, read_jsonl
from engine.errors import DataError, DataIssue
from engine.policy.compile_events import EventVocabulary
from engine.run.evaluate import AgentInput
from engine.run.events import Event

ZERO = Decimal(0)


def event_fields(vocabulary: EventVocabulary) -> tuple[Field, ...]:
    """The columns of an events file; the kind column accepts each kind's id, labels and aliases."""
    accepted: dict[str, str] = {}
    for kind, (label, aliases) in vocabulary.kinds.items():
        for text in (kind, label.zh, label.en, *aliases):
            accepted.setdefault(text, kind)
    return (
        Field("agent", "text", tuple(dict.fromkeys(("工号", "客服", *STANDARD_COLUMNS["agent"])))),
        Field("time", "datetime", ("时间", "发生时间", "事件时间", "time", "timestamp")),
        Field("kind", "choice", ("类型", "事件类型", "kind", "type"), choices=accepted),
        Field("value", "duration", ("数值", "数值/秒", "数值（秒）", "秒", "时长", "value", "seconds"),
              required=False, missing=None, range=(ZERO, None)),
        Field("amount", "money", ("金额", "损失金额", "amount", "loss"), required=False, missing=None,
              range=(ZERO, None)),
        Field("order", "text", ("订单号", "订单", "order", "order number"), required=False, missing=""),
        Field("note", "text", ("备注", "说明", "note"), required=False, missing=""),
    )


def read_events(path: str | os.PathLike, vocabulary: EventVocabulary, agents: Collection[str],
                period: str) -> tuple[tuple[Event, ...], tuple[DataIssue, ...]]:
    """(the month's events in file order, notes on events skipped), or DataError naming every bad row."""
    fields = event_fields(vocabulary)
    table = read_jsonl(path, fields) if is_jsonl(path) else read_table(path, fields, key="agent")
    zone = vocabulary.tz
    issues: list[DataIssue] = []
    notes: list[DataIssue] = []
    seen: dict[tuple, int] = {}
    found: list[Event] = []
    for record in table.records:
        values, row = record.values, record.row

        def issue(column: str, message: str, zh: str, row: int = row) -> None:
            issues.append(DataIssue(table.path, row, table.columns[column], message, zh=zh))

        agent, moment, kind = values["agent"], values["time"], values["kind"]
        at = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
        local = at.astimezone(zone)
        shown = local.strftime("%Y-%m-%d %H:%M:%S")
        if f"{local.year:04d}-{local.month:02d}" != period:
            if vocabulary.outside == "ignore":
                notes.append(DataIssue(
                    table.path, row, table.columns["time"],
                    f"the event at {shown} ({vocabulary.zone}) is outside {period}: ignored (events: outside: ignore)",
                    zh=f"事件时间 {shown}（{vocabulary.zone}）不在 {period} 内：已忽略（events: outside: ignore）"))
                continue
            issue("time", f"the event at {shown} ({vocabulary.zone}) is outside {period}; remove it, evaluate "
                  "its month, or declare `events: {outside: ignore}`",
                  f"事件时间 {shown}（{vocabulary.zone}）不在 {period} 内；请删除该行、改为评估它所在的月份，"
                  "或在政策中声明 `events: {outside: ignore}`")
            continue
        if agent not in agents:
            issue("agent", f"agent {agent} has no result for {period}, so an event cannot apply; check the id or "
                  "the month", f"客服 {agent} 在 {period} 没有考核数据，事件无法计入；请核对工号或月份")
            continue
        order = values.get("order", "")
        key = (agent, at, kind, order)
        first = seen.setdefault(key, row)
        if first != row:
            issue("time", f"the same event (agent {agent}, {shown}, {kind}, order {order or '-'}) is "
                  f"already on row {first}; remove the duplicate so it is not counted twice",
                  f"与第 {first} 行是同一事件（客服 {agent}、{shown}、{kind}、订单 {order or '-'}）；"
                  "请删除重复行，以免重复计算")
            continue
        found.append(Event(agent, at, local.date(), kind, values.get("value"), values.get("amount"), order,
                           values.get("note", ""), f"{table.path} row {row}"))
    if issues:
        raise DataError(issues)
    return tuple(found), tuple(notes)


def with_events(vocabulary: EventVocabulary | None, inputs: Sequence[AgentInput], path: str | os.PathLike,
                period: str) -> tuple[list[AgentInput], tuple[DataIssue, ...]]:
    """`inputs`, each carrying its own events from `path`, and the notes on events skipped."""
    if vocabulary is None:
        raise DataError([DataIssue(os.fspath(path), 0, "", "this is an events file, but the policy declares no "
                                   "events: section (zone and kinds) to read it against; add one to the policy",
                                   zh="这是事件文件，但方案没有声明 events:（时区与事件类型），无法读取；"
                                   "请在方案中加入 events: 段")])
    found, notes = read_events(path, vocabulary, {i.agent for i in inputs}, period)
    mine: dict[str, list[Event]] = {}
    for event in found:
        mine.setdefault(event.agent, []).append(event)
    return [replace(i, events=tuple(mine.get(i.agent, ()))) for i in inputs], notes
