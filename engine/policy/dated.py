"""Dated values: a number or a table of a policy written as what was in force from which month.

Rates change in the middle of a year (a commission from 1 % to 1.2 % from July); a shop keeps one
policy and writes the change where the value is, as `deductions.minimum_wage` always could:

    rate:
      - {from: 2026-01-01, value: 0.01}
      - {from: 2026-07-01, value: 0.012}

A dated list is a list of mappings each holding `from` (the first day of a month), `value` and
optionally `to` (the last day of a month, inclusive; without it an entry runs until the next one,
or for good). It may stand for any number, mapping (a table's `values`, a `floor` table) or list
(`bands:`, `tiers:`) of the sections that say how agents are scored and paid; and `policy.version`
may be dated too (text), naming the version in force. Identities and vocabularies (`jixiao`,
`policy` but its version, `columns`, `roster`, `roles`, `grades`, `metrics`, `events`, `lint`)
are never dated: they say what the data is, not what it pays (JX288).

Resolution happens before checking and compiling, on plain data, as `extends:` does: the checker
and the compiler see, for each month, a policy with plain values, each node located at the line of
the entry that wrote it. A period is evaluated with the entries in force in it; the plan names
them (`Plan.dated`), so explain and every result say which entry paid (`2026-07-01 起 0.012`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from engine.diagnostics import Code, Problem, problem
from engine.errors import PolicyError
from engine.policy.extends import copy_tree

if TYPE_CHECKING:  # made only for a policy with dated values: validate of any other does not import it
    from engine.model.dated import DatedUse

Path_ = tuple[str | int, ...]

FROM, TO, VALUE = "from", "to", "value"
# Sections saying what the data is: never dated (a month's data must mean one thing).
UNDATED = frozenset({"jixiao", "policy", "columns", "roster", "roles", "grades", "metrics", "events", "lint",
                     "extends", "remove", "sources"})
VERSION = ("policy", "version")


def is_dated(value: object) -> bool:
    """A list of mappings whose first holds `from` and `value`: the generic dated form."""
    return (isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)
            and FROM in value[0] and VALUE in value[0])


def dated_paths(data: object) -> list[Path_]:
    """The path of every dated list in a policy's data, in document order (not inside another)."""
    found: list[Path_] = []

    def walk(value: object, path: Path_) -> None:
        if path and is_dated(value):  # a document that is itself a list is the schema's to refuse
            found.append(path)
            return
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, (*path, key))
        elif isinstance(value, list):
            for index, child in enumerate(value):
                walk(child, (*path, index))

    walk(data, ())
    return found


def _day(text: object) -> date | None:
    if not isinstance(text, str):
        return None
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _last_day(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def _month_after(day: date) -> str:
    following = day + timedelta(days=1)
    return f"{following.year:04d}-{following.month:02d}"


def check_dated(data: object) -> Iterator[Problem]:
    """Every problem of the dated lists' shape: dates, order, overlaps, gaps, where they may stand
    (JX283–JX288), and a month from `effective_from` on with nothing in force (JX287)."""
    effective = _effective(data)
    for path in dated_paths(data):
        entries = _get(data, path)
        if len(path) < 2 or (path[0] in UNDATED and path != VERSION):
            yield problem(Code.JX288, path, "section", where=_dotted(path))
            continue
        yield from _entries(path, entries, effective)
    yield from _unversioned(data)


def _entries(path: Path_, entries: list, effective: str) -> Iterator[Problem]:
    where = _dotted(path)
    spans: list[tuple[int, date, date | None]] = []
    whole = True  # every entry's dates read: only then can a range be judged to leave months out
    for index, entry in enumerate(entries):
        at = (*path, index)
        extra = sorted(str(k) for k in entry if k not in (FROM, TO, VALUE))
        if extra or FROM not in entry or VALUE not in entry:
            yield problem(Code.JX283, at, "keys", where=where, keys=extra or [FROM, VALUE])
            whole = False
            continue
        value = entry[VALUE]
        if path == VERSION:
            if not isinstance(value, str | int | Decimal) or isinstance(value, bool):
                yield problem(Code.JX288, (*at, VALUE), "version", where=where)
        elif not isinstance(value, int | Decimal | dict | list) or isinstance(value, bool):
            yield problem(Code.JX288, (*at, VALUE), "kind", where=where)
        elif is_dated(value) or dated_paths(value):
            yield problem(Code.JX288, (*at, VALUE), "nested", where=where)
        start, end = _day(entry[FROM]), _day(entry.get(TO)) if TO in entry else None
        if start is None or start.day != 1:
            yield problem(Code.JX283, (*at, FROM), "start", where=where, text=entry[FROM])
            whole = False
            continue
        if TO in entry and (end is None or not _last_day(end) or end < start):
            yield problem(Code.JX283, (*at, TO), "end", where=where, text=entry[TO], start=entry[FROM])
            whole = False
            continue
        spans.append((index, start, end))
    for (i, start, end), (j, next_start, _) in pairwise(spans):
        if next_start == start:
            yield problem(Code.JX284, (*path, j, FROM), "duplicate", where=where, start=start.isoformat(),
                          first=i + 1)
        elif next_start < start:
            yield problem(Code.JX284, (*path, j, FROM), "unordered", where=where, start=next_start.isoformat(),
                          before=start.isoformat())
        elif end is not None and end >= next_start:
            yield problem(Code.JX285, (*path, i, TO), where=where, end=end.isoformat(), start=next_start.isoformat())
        elif end is not None and end + timedelta(days=1) < next_start:
            yield problem(Code.JX286, (*path, i, TO), where=where, end=end.isoformat(), start=next_start.isoformat(),
                          gap=_month_after(end))
    if whole and spans and effective and spans[0][1].isoformat()[:7] > effective:
        yield problem(Code.JX287, (*path, spans[0][0], FROM), "before", where=where, start=spans[0][1].isoformat(),
                      effective=effective)


def _unversioned(data: object) -> Iterator[Problem]:
    """A dated value changing in a month where a dated `policy.version` does not: two different
    ways of paying would carry one version's name (JX289, a warning)."""
    meta = data.get("policy") if isinstance(data, dict) else None
    versions = meta.get("version") if isinstance(meta, dict) else None  # before the schema: it may be missing
    if not is_dated(versions):
        return
    months = {str(e.get(FROM))[:7] for e in versions} | {_month_after(d) for e in versions if (d := _day(e.get(TO)))}
    for path in dated_paths(data):
        if path == VERSION or path[0] in UNDATED:
            continue
        for index, entry in enumerate(_get(data, path)):
            start = _day(entry.get(FROM)) if isinstance(entry, dict) else None
            if index and start is not None and start.isoformat()[:7] not in months:
                yield problem(Code.JX289, (*path, index, FROM), where=_dotted(path), start=start.isoformat())


def boundaries(data: object) -> tuple[str, ...]:
    """The months (YYYY-MM) at which some dated value changes, from `effective_from` on: checking the
    policy as it stands in each of them checks every entry in context."""
    effective = _effective(data)
    months = {effective} if effective else set()
    for path in dated_paths(data):
        for entry in _get(data, path):
            start, end = _day(entry.get(FROM)), _day(entry.get(TO))
            if start is not None:
                months.add(start.isoformat()[:7])
            if end is not None:
                months.add(_month_after(end))
    return tuple(sorted(m for m in months if not effective or m >= effective)) or (effective,)


class NothingInForce(Exception):
    """A period for which a dated value has no entry: where it is, and what the list covers."""

    def __init__(self, path: Path_, period: str, first: str):
        super().__init__(period)
        self.path, self.period, self.first = path, period, first

    def problem(self) -> Problem:
        return problem(Code.JX287, self.path, "period", where=_dotted(self.path), period=self.period,
                       first=self.first)


def in_force(entries: list, period: str, *, strict: bool) -> int | None:
    """The index of the entry in force in `period` (YYYY-MM): the latest starting in or before it
    whose `to` has not passed. Not `strict` (checking a policy whose dates may be wrong): the latest
    started, else the first."""
    found = None
    for index, entry in enumerate(entries):
        start = _day(entry.get(FROM))
        if start is not None and start.isoformat()[:7] <= period:
            end = _day(entry.get(TO))
            found = None if end is not None and end.isoformat()[:7] < period and strict else index
    if found is None and not strict:
        return 0
    return found


def resolve(doc: Any, period: str | None, *, strict: bool = True) -> tuple[Any, tuple[DatedUse, ...]]:
    """`doc` (a `Loaded`) with each dated list replaced by the value in force in `period` (None: the
    month of `effective_from`), located at the entry that wrote it; and the entries used.
    `NothingInForce` when `strict` and a list has no entry for the period."""
    paths = dated_paths(doc.data)
    if not paths:
        return doc, ()
    from engine.model.dated import DatedUse

    effective = _effective(doc.data)
    # A month before the policy takes effect is refused when evaluated (JX411); its plan is the first month's.
    period = max(period or effective, effective)
    data = copy_tree(doc.data)
    marks, key_marks, files = dict(doc.marks), dict(doc.key_marks), dict(doc.files)
    used = []
    for path in paths:
        entries = _get(data, path)
        index = in_force(entries, period, strict=strict)
        if index is None:
            first = next((str(e.get(FROM)) for e in entries if isinstance(e, dict)), "")
            raise NothingInForce(path, period, first)
        entry = entries[index]
        _set(data, path, entry.get(VALUE))
        source = (*path, index, VALUE)
        for table in (marks, key_marks, files):
            moved = {(*path, *p[len(source):]): v for p, v in table.items()
                     if p[:len(source)] == source and (p != source or table is not key_marks)}
            for p in [p for p in table if p[:len(path)] == path and (p != path or table is not key_marks)]:
                del table[p]
            table.update(moved)
        line = doc.where(source)[0]
        used.append(DatedUse(_dotted(path), str(entry.get(FROM)), str(entry.get(TO) or ""),
                             _shown(entry.get(VALUE)),
                             doc.file_at(source), line))
    resolved = replace(doc, data=data, marks=marks, key_marks=key_marks, files=files)
    return resolved, tuple(used)


def _shown(value: object) -> str:
    """A value as written: a number or a text as is, a table or a list as compact JSON."""
    if isinstance(value, str | int | Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str, separators=(", ", ": "))


def for_period(doc: Any, period: str | None) -> tuple[Any, tuple[DatedUse, ...], str]:
    """`resolve` for compiling: the document as in force in `period`, the entries used and the sha256
    of its content ("" without dated values); `PolicyError` (JX287, located at the list) when a value
    has nothing in force."""
    try:
        resolved, used = resolve(doc, period)
    except NothingInForce as missing:
        found = missing.problem()
        line, column = doc.where(found.path, key=True)
        raise PolicyError([found.at(doc.file_at(found.path), line, column)]) from None
    return resolved, used, content_sha256(resolved.data) if used else ""


def content_sha256(data: object) -> str:
    """sha256 of a policy's content as resolved for one period: equal for equal rules, whatever
    dated entries or files wrote them."""
    text = json.dumps(data, ensure_ascii=False, default=str, sort_keys=True)
    return hashlib.sha256(("jixiao policy 1 in force\n" + text).encode("utf-8")).hexdigest()


def _effective(data: object) -> str:
    meta = data.get("policy") if isinstance(data, dict) else None
    start = meta.get("effective_from") if isinstance(meta, dict) else None
    return str(start)[:7] if isinstance(start, str) else ""


def _dotted(path: Path_) -> str:
    return ".".join(str(p) for p in path)


def _get(data: Any, path: Path_) -> Any:
    for key in path:
        data = data[key]
    return data


def _set(data: Any, path: Path_, value: object) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value
