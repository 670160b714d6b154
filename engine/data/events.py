"""Read an events file (`--events`): agent, time, kind, value (seconds), amount (yuan), order, note.

Read like every other data file (CSV in any encoding, XLSX or JSON Lines, Chinese or English headers, every
bad cell located, all problems at once), against the policy's `events:` vocabulary. What would
otherwise pay someone wrongly is refused with its row: a kind the policy does not declare, an
agent with no result this month, the same event twice (agent, time, kind and order), an event
outside the month unless the policy says `outside: ignore` (then each skip is returned as a note
for stderr), an event without the value (seconds) or amount (yuan) a penalty clause reads of its
kind. Times without an offset are in the policy's zone; days are counted in that zone.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal

from engine.collector import cycle_collection_paused
from engine.columns import STANDARD_COLUMNS
from engine.data.column_reader import Field, key_clashes
from engine.data.event_rows import EventRows, Unsure, fast_rows, general_rows
from engine.errors import DataError, DataIssue
from engine.model.events import Event
from engine.model.inputs import AgentInput
from engine.model.label import Label
from engine.model.penalties import EventVocabulary

ZERO = Decimal(0)
_EVENT_FIELDS = ("agent", "at", "day", "kind", "value", "amount", "order", "note", "source")


def _event_maker() -> Callable[..., Event]:
    """Event(*values), at half the cost when Event is what this expects.

    A frozen dataclass's __init__ sets each field through object.__setattr__; for a million events
    that is a tenth of the read. Setting the slots directly makes the same object, provided Event
    is slotted, has exactly these fields and no __post_init__; otherwise Event itself is used.
    """
    if (tuple(f.name for f in dataclasses.fields(Event)) != _EVENT_FIELDS or hasattr(Event, "__post_init__")
            or "__slots__" not in vars(Event)):
        return Event
    set_agent, set_at, set_day, set_kind, set_value, set_amount, set_order, set_note, set_source = (
        vars(Event)[name].__set__ for name in _EVENT_FIELDS)
    new = object.__new__

    def make(agent: str, at: datetime, day: date, kind: str, value: Decimal | None, amount: Decimal | None,
             order: str, note: str, source: str) -> Event:
        event = new(Event)
        set_agent(event, agent)
        set_at(event, at)
        set_day(event, day)
        set_kind(event, kind)
        set_value(event, value)
        set_amount(event, amount)
        set_order(event, order)
        set_note(event, note)
        set_source(event, source)
        return event

    return make


new_event = _event_maker()


def event_fields(vocabulary: EventVocabulary, agent_headers: tuple[str, ...] | None = None) -> tuple[Field, ...]:
    """The columns of an events file; the kind column accepts each kind's id, labels and aliases. The
    agent column is found under `agent_headers` when the policy names its own (`roster.key`)."""
    accepted: dict[str, str] = {}
    for kind, (label, aliases) in vocabulary.kinds.items():
        for text in (kind, label.zh, label.en, *aliases):
            accepted.setdefault(text, kind)
    return (
        Field("agent", "id", agent_headers or tuple(dict.fromkeys(("工号", "客服", *STANDARD_COLUMNS["agent"])))),
        Field("time", "datetime", ("时间", "发生时间", "事件时间", "time", "timestamp")),
        Field("kind", "choice", ("类型", "事件类型", "kind", "type"), choices=accepted),
        Field("value", "duration", ("数值", "数值/秒", "数值（秒）", "秒", "时长", "value", "seconds"),
              required=False, missing=None, range=(ZERO, None)),
        Field("amount", "money", ("金额", "损失金额", "amount", "loss"), required=False, missing=None,
              range=(ZERO, None)),
        Field("order", "id", ("订单号", "订单", "order", "order number"), required=False, missing=""),
        Field("note", "text", ("备注", "说明", "note"), required=False, missing=""),
    )


@cycle_collection_paused()  # a million events and their times are a million acyclic objects
def read_events(path: str | os.PathLike, vocabulary: EventVocabulary, agents: Collection[str],
                period: str, agent_headers: tuple[str, ...] | None = None) -> tuple[tuple[Event, ...],
                                                                                  tuple[DataIssue, ...]]:
    """(the month's events in file order, notes on events skipped), or DataError naming every bad row.

    A plain CSV or JSON Lines file is read by the fast reader, anything else (and any file it is
    unsure of) by the general one; both give the same rows (engine.data.event_rows).
    """
    fields = event_fields(vocabulary, agent_headers)
    if agent_headers and (clashes := key_clashes(os.fspath(path), fields, "the events file", "事件文件")):
        raise DataError(clashes)
    rows = fast_rows(path, fields)
    if rows is not None:
        try:
            return events_of(rows, vocabulary, agents, period)
        except Unsure:
            pass
    return events_of(general_rows(path, fields), vocabulary, agents, period)


@cycle_collection_paused()
def read_events_generally(path: str | os.PathLike, vocabulary: EventVocabulary, agents: Collection[str],
                          period: str) -> tuple[tuple[Event, ...], tuple[DataIssue, ...]]:
    """read_events by the general readers alone: what the fast reader is held to."""
    return events_of(general_rows(path, event_fields(vocabulary)), vocabulary, agents, period)


def events_of(read: EventRows, vocabulary: EventVocabulary, agents: Collection[str],
              period: str) -> tuple[tuple[Event, ...], tuple[DataIssue, ...]]:
    """The rows of a file as the month's events, or DataError naming every row that cannot apply."""
    zone, path, columns = vocabulary.tz, read.path, read.columns
    issues: list[DataIssue] = []
    notes: list[DataIssue] = []
    seen: dict[tuple, int] = {}
    found: list[Event] = []
    # Per local calendar day (its ordinal): its date when in `period` (one object for all its events),
    # False when not.
    days: dict[int, date | bool] = {}
    valued, costed = vocabulary.valued, vocabulary.costed
    shifts = clocks_change(zone, period)  # only then can a written local time not exist
    combine, make, source = datetime.combine, new_event, f"{path} row "
    for row, agent, moment, kind, value, amount, order, note in read.rows:
        if moment.tzinfo is None:
            # Placing a time in the zone it is read in is all astimezone(zone) would do to it; combine
            # does what moment.replace(tzinfo=zone) does (fold included) at a third of the cost.
            at = local = combine(moment, moment.time(), zone)
            wall = moment
            if shifts and not _exists(local):
                issues.append(_skipped_time(path, row, columns, moment, vocabulary.zone))
                continue
            if shifts and _repeated(local):
                issues.append(_repeated_time(path, row, columns, local, vocabulary.zone))
                continue
        else:
            try:
                at, local = moment, moment.astimezone(zone)
            except OverflowError:  # 9999-12-31 23:59:59Z is in year 10000 east of Greenwich
                issues.append(_off_calendar(path, row, columns, moment, vocabulary.zone))
                continue
            wall = combine(local, local.time())  # naive
        day = days.get(ordinal := local.toordinal())
        if day is None:
            day = days[ordinal] = f"{local.year:04d}-{local.month:02d}" == period and local.date()
        if day is False:
            shown = local.strftime("%Y-%m-%d %H:%M:%S")
            if vocabulary.outside == "ignore":
                notes.append(DataIssue(
                    path, row, columns["time"],
                    f"the event at {shown} ({vocabulary.zone}) is outside {period}: ignored (events: outside: ignore)",
                    zh=f"事件时间 {shown}（{vocabulary.zone}）不在 {period} 内：已忽略（events: outside: ignore）"))
                continue
            issues.append(DataIssue(
                path, row, columns["time"],
                f"the event at {shown} ({vocabulary.zone}) is outside {period}; remove it, evaluate "
                "its month, or declare `events: {outside: ignore}`",
                zh=f"事件时间 {shown}（{vocabulary.zone}）不在 {period} 内；请删除该行、改为评估它所在的月份，"
                "或在政策中声明 `events: {outside: ignore}`"))
            continue
        if agent not in agents:
            issues.append(DataIssue(
                path, row, columns["agent"],
                f"agent {agent} has no result for {period}, so an event cannot apply; check the id or the month",
                zh=f"客服 {agent} 在 {period} 没有考核数据，事件无法计入；请核对工号或月份"))
            continue
        # One event is one instant, however it is written (local time, UTC, an offset). In a month whose
        # clocks do not change, the wall time in the zone names the instant (and a naive time hashes at a
        # fraction of an aware one's cost, which asks the zone for its offset): the key. In a month whose
        # clocks change, the aware time: aware times of different zones compare (and hash) as instants,
        # and two of one zone by their wall clocks, which are instants too once the repeated hour's local
        # times are refused above.
        first = seen.setdefault((agent, at if shifts else wall, kind, order), row)
        if first != row:
            shown = local.strftime("%Y-%m-%d %H:%M:%S")
            issues.append(DataIssue(
                path, row, columns["time"],
                f"the same event (agent {agent}, {shown}, {kind}, order {order or '-'}) is "
                f"already on row {first}; remove the duplicate so it is not counted twice",
                zh=f"与第 {first} 行是同一事件（客服 {agent}、{shown}、{kind}、订单 {order or '-'}）；"
                "请删除重复行，以免重复计算"))
            continue
        if value is None and kind in valued:
            issues.append(_needs("value", path, row, columns, vocabulary.kinds[kind][0]))
            continue
        if amount is None and kind in costed:
            issues.append(_needs("amount", path, row, columns, vocabulary.kinds[kind][0]))
            continue
        found.append(make(agent, at, day, kind, value, amount, order, note, f"{source}{row}"))
    if issues:
        raise DataError(read.located(issues))
    return tuple(found), tuple(read.located(notes))


def clocks_change(zone: tzinfo, period: str) -> bool:
    """Whether the zone's clocks change during `period` (YYYY-MM): the offsets at the month's midnights differ."""
    year, month = int(period[:4]), int(period[5:7])
    if not 1 <= month <= 12 or not 1 < year < 9999:
        return False
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return len({(start + timedelta(days=d)).utcoffset() for d in range((end - start).days + 1)}) > 1


def _exists(local: datetime) -> bool:
    """A wall time the clocks skipped (02:30 when they jump from 02:00 to 03:00) comes back changed."""
    return local.astimezone(UTC).astimezone(local.tzinfo).replace(tzinfo=None) == local.replace(tzinfo=None)


def _repeated(local: datetime) -> bool:
    """A wall time the clocks showed twice (01:30 when they go back from 02:00 to 01:00)."""
    return local.replace(fold=not local.fold).utcoffset() != local.utcoffset()


def _repeated_time(path: str, row: int, columns: Mapping[str, str], local: datetime, zone: str) -> DataIssue:
    shown = local.strftime("%Y-%m-%d %H:%M:%S")
    first, second = (local.replace(fold=fold).isoformat() for fold in (0, 1))
    return DataIssue(path, row, columns["time"],
                     f"{shown} happened twice in {zone}: the clocks went back (daylight saving ended), so the time "
                     f"does not say which; write it with its offset ({first} the first time, {second} the second)",
                     zh=f"{shown} 在 {zone} 出现了两次：夏令时结束时时钟回拨，仅凭这个时间无法确定是哪一次；请写上时差"
                     f"（第一次为 {first}，第二次为 {second}）")


def _skipped_time(path: str, row: int, columns: Mapping[str, str], moment: datetime, zone: str) -> DataIssue:
    shown = moment.strftime("%Y-%m-%d %H:%M:%S")
    return DataIssue(path, row, columns["time"],
                     f"{shown} does not exist in {zone}: the clocks skipped it (daylight saving); write the time "
                     "with its offset (like 2026-03-08T03:30:00-04:00) or correct it",
                     zh=f"{shown} 在 {zone} 不存在：夏令时调整时跳过了这段时间；请写上时差"
                     "（如 2026-03-08T03:30:00-04:00）或更正时间")


def _off_calendar(path: str, row: int, columns: Mapping[str, str], moment: datetime, zone: str) -> DataIssue:
    shown = moment.isoformat(" ")
    return DataIssue(path, row, columns["time"],
                     f"{shown} falls outside the calendar (years 1–9999) in {zone}; check the time",
                     zh=f"{shown} 换算到 {zone} 后超出了日历范围（1–9999 年）；请核对时间")


# What a clause needs of an event of a kind it reads: (what, zh, the column's header to add).
NEEDS = {
    "value": ("a value in seconds", "a penalty clause compares its value", "数值（秒）", "方案中有罚则比较它的数值",
              "数值/秒 or value", "数值/秒 或 value", "数值列"),
    "amount": ("an amount in yuan (the loss)", "a penalty clause deducts or charges its amount", "金额（元，即损失）",
               "方案中有罚则按它的金额扣款或收费", "金额 or amount", "金额 或 amount", "金额列"),
}


def _needs(field: str, path: str, row: int, columns: Mapping[str, str], kind: Label) -> DataIssue:
    """A kind some clause compares the value of (`value_over`) or takes the amount of, on a row
    without one: counting it as "not over", or as a loss of 0, would both be guesses."""
    what, why, what_zh, why_zh, header, header_zh, column_zh = NEEDS[field]
    if field in columns:
        return DataIssue(path, row, columns[field], f"a '{kind.en}' event needs {what}: {why}; fill it in",
                         zh=f"{kind.zh}事件需要{what_zh}：{why_zh}；请填上")
    return DataIssue(path, row, columns["kind"],
                     f"a '{kind.en}' event needs {what}: {why}, but the file has no {field} column; add one ({header})",
                     zh=f"{kind.zh}事件需要{what_zh}：{why_zh}，但文件没有{column_zh}；请加上一列（{header_zh}）")


@cycle_collection_paused()  # handing a million events out would otherwise start collections over them
def with_events(vocabulary: EventVocabulary | None, inputs: Sequence[AgentInput], path: str | os.PathLike,
                period: str, agent_headers: tuple[str, ...] | None = None) -> tuple[list[AgentInput],
                                                                                     tuple[DataIssue, ...]]:
    """`inputs`, each carrying its own events from `path`, and the notes on events skipped; the agent
    column under `agent_headers` when the policy names its own (`roster.key`)."""
    if vocabulary is None:
        raise DataError([DataIssue(os.fspath(path), 0, "", "this is an events file, but the policy declares no "
                                   "events: section (zone and kinds) to read it against; add one to the policy",
                                   zh="这是事件文件，但方案没有声明 events:（时区与事件类型），无法读取；"
                                   "请在方案中加入 events: 段")])
    found, notes = read_events(path, vocabulary, {i.agent for i in inputs}, period, agent_headers)
    mine: dict[str, list[Event]] = {}
    for event in found:
        mine.setdefault(event.agent, []).append(event)
    return [dataclasses.replace(i, events=tuple(mine.get(i.agent, ()))) for i in inputs], notes
