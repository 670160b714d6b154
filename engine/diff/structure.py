"""What changed between two policy files, rule by rule: a named entry (a metric, a KPI, a pay component,
a rating, a gate, a ranking, a review, a clause …) added, removed or changed, with its line in each
file and which of its keys changed; anything else (the policy's id and version, the score's total,
the deductions) key by key. Values compare as the loader reads them (numbers as Decimals: `0.02` and
`0.020` are the same rate), so a reformatted file shows no change.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from engine.policy.extends import shown_name
from engine.policy.load import Loaded

__all__ = ["Edit", "EditKind", "edits"]

# The sections whose keys are names the policy gives its rules: compared entry by entry.
NAMED = frozenset({("metrics",), ("derived",), ("aggregates",), ("kpis",), ("pay",), ("rankings",), ("population",),
                   ("windows",), ("reviews",), ("penalties",), ("roles",), ("grades",), ("score", "ratings"),
                   ("score", "gates"), ("events", "kinds"), ("flags",)})


class EditKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class Edit:
    kind: EditKind
    path: str  # `kpis.sales_attainment`, `policy.version`
    old_line: int | None  # None: not in the old file
    new_line: int | None
    keys: tuple[str, ...] = ()  # of a changed entry: the keys whose values differ (`weight`)
    # A derived policy (`extends:`): the base file that wrote the entry, relative to the derived file's
    # folder ("" when the policy file itself wrote it), so its line is read in the right file.
    old_file: str = ""
    new_file: str = ""


def edits(old: Loaded, new: Loaded) -> tuple[Edit, ...]:
    """Every change from `old` to `new`, in the order of the new file (what it removed after)."""
    return tuple(_walk(old, new, old.data, new.data, ()))


def _base(doc: Loaded, where: tuple) -> str:
    """The base file that wrote `where` in a derived policy, named as `jixiao plan` names it; "" for the file itself."""
    found = doc.file_at(where)
    return "" if found == doc.path else shown_name(doc.path, found)


def _walk(old: Loaded, new: Loaded, was: object, now: object, at: tuple) -> Iterator[Edit]:
    if at in NAMED and isinstance(was, Mapping) and isinstance(now, Mapping):
        for name in _names(was, now):
            where = (*at, name)
            if name not in was:
                yield Edit(EditKind.ADDED, _path(where), None, new.where(where, key=True)[0],
                           new_file=_base(new, where))
            elif name not in now:
                yield Edit(EditKind.REMOVED, _path(where), old.where(where, key=True)[0], None,
                           old_file=_base(old, where))
            elif was[name] != now[name]:
                before, after = was[name], now[name]
                keys = (tuple(key for key in _names(before, after) if before.get(key) != after.get(key))
                        if isinstance(before, Mapping) and isinstance(after, Mapping) else ())
                yield Edit(EditKind.CHANGED, _path(where), old.where(where, key=True)[0], new.where(where, key=True)[0],
                           tuple(str(key) for key in keys), _base(old, where), _base(new, where))
        return
    if isinstance(was, Mapping) and isinstance(now, Mapping):
        for key in _names(was, now):
            yield from _walk(old, new, was.get(key, _ABSENT), now.get(key, _ABSENT), (*at, key))
        return
    if was == now:
        return
    if was is _ABSENT:
        yield Edit(EditKind.ADDED, _path(at), None, new.where(at, key=True)[0], new_file=_base(new, at))
    elif now is _ABSENT:
        yield Edit(EditKind.REMOVED, _path(at), old.where(at, key=True)[0], None, old_file=_base(old, at))
    else:
        yield Edit(EditKind.CHANGED, _path(at), old.where(at, key=True)[0], new.where(at, key=True)[0],
                   old_file=_base(old, at), new_file=_base(new, at))


_ABSENT = object()


def _names(was: Mapping, now: Mapping) -> list:
    return [*now, *(key for key in was if key not in now)]


def _path(at: tuple) -> str:
    return ".".join(str(part) for part in at)
