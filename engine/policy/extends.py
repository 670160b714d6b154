"""Inheritance: `extends: base.yaml` derives a policy from a base, overriding only what differs.

A chain of shops keeps one base policy and one short file per shop. The derived file names its
base by a path relative to its own folder; its keys override the base's key by key, mappings merged
all the way down, anything else (a number, a text, a list such as `bands:`) replaced whole; and
`remove: [pay.team_bonus, kpis.attendance]` deletes what the base has and the shop does not want
(a dotted path of keys; removing what the base does not have is an error, JX020). Bases may extend
bases; a chain coming back to a file is an error (JX019), as is a base that cannot be read (JX018),
each located at the `extends:` that named it.

Resolution happens before checking, on plain data: the checker sees one policy. Each node keeps
the line and column of the file that wrote it, and the file itself, so a problem is reported in the
file that introduced it. The resolved policy's sha256 covers its resolved content and names every
file of the chain with its own sha256: a result stamped with it identifies everything that paid.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from typing import Any

from engine.diagnostics import Code, problem
from engine.errors import PolicyError

EXTENDS, REMOVE = "extends", "remove"
MAX_CHAIN = 10

Path_ = tuple[str | int, ...]


def derived(data: object) -> bool:
    return isinstance(data, dict) and (EXTENDS in data or REMOVE in data)


def resolve(doc: Any, read: Callable[[str], Any], chain: tuple[tuple[str, str], ...] = ()) -> Any:
    """`doc` with its bases merged in (a `Loaded`; `read(path)` loads one file without resolving);
    `chain`: (resolved path, name) of the files that extend this one."""
    data = doc.data
    if not derived(data):
        return doc
    from pathlib import Path  # only a derived policy names files: validate of any other does without pathlib

    chain = (*chain, (_key(doc.path), doc.path))

    def fail(path: Path_, code: Code, kind: str = "", **fields: object) -> PolicyError:
        line, column = doc.where(path)
        return PolicyError([problem(code, path, kind, **fields).at(doc.path, line, column)])

    target = data.get(EXTENDS)
    if not isinstance(target, str) or not target.strip():
        if EXTENDS in data:
            raise fail((EXTENDS,), Code.JX018, "not_text")
        raise fail((REMOVE,), Code.JX020, "not_list")
    base_name = str(Path(doc.path).parent / target)
    if _key(base_name) in (key for key, _ in chain):
        raise fail((EXTENDS,), Code.JX019, base=base_name, chain=" → ".join([*(name for _, name in chain), base_name]))
    if len(chain) >= MAX_CHAIN:
        raise fail((EXTENDS,), Code.JX018, "too_deep", limit=MAX_CHAIN)
    try:
        raw_base = read(base_name)
    except OSError as exc:
        raise fail((EXTENDS,), Code.JX018, "missing", base=base_name, reason=exc.strerror or str(exc)) from None
    base = resolve(raw_base, read, chain)
    removals = data.get(REMOVE, [])
    if not isinstance(removals, list) or not all(isinstance(r, str) and r for r in removals):
        raise fail((REMOVE,), Code.JX020, "not_list")
    merged_base = copy_tree(base.data)
    for index, dotted in enumerate(removals):
        if not _remove(merged_base, dotted.split(".")):
            raise fail((REMOVE, index), Code.JX020, "absent", key=dotted, base=base_name)
    own = {k: v for k, v in data.items() if k not in (EXTENDS, REMOVE)}
    result = _merge(merged_base, own)
    return _located(doc, base, result, base_name)


def _key(name: str) -> str:
    from pathlib import Path

    return str(Path(name).resolve())


def copy_tree(value: object) -> object:
    """A policy document's dicts and lists copied, so an override or a dated value never edits the file read."""
    if isinstance(value, dict):
        return {k: copy_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_tree(v) for v in value]
    return value


def _remove(data: object, keys: list[str]) -> bool:
    for key in keys[:-1]:
        if not isinstance(data, dict) or key not in data:
            return False
        data = data[key]
    if not isinstance(data, dict) or keys[-1] not in data:
        return False
    del data[keys[-1]]
    return True


def _merge(base: object, own: object) -> object:
    """`own` over `base`: mappings key by key, all the way down; anything else replaced whole."""
    if isinstance(base, dict) and isinstance(own, dict):
        merged = dict(base)
        for key, value in own.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    return own


def _paths(value: object, path: Path_ = ()) -> Iterator[Path_]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*path, index))


def _located(doc: Any, base: Any, data: object, base_name: str) -> Any:
    """The resolved document: each node's mark, and its file, from the file that wrote it."""
    marks: dict[Path_, tuple[int, int]] = {}
    key_marks: dict[Path_, tuple[int, int]] = {}
    files: dict[Path_, str] = {}
    for path in _paths(data):
        mine = path in doc.marks or path in doc.key_marks
        source = doc if mine else base
        if path in source.marks:
            marks[path] = source.marks[path]
        if path in source.key_marks:
            key_marks[path] = source.key_marks[path]
        files[path] = doc.path if mine else base.file_at(path)
    chain = ((doc.path, doc.sha256), *(base.chain or ((base.path, base.sha256),)))
    return type(doc)(path=doc.path, data=data, marks=marks, key_marks=key_marks,
                     sha256=digest(data, tuple((shown_name(doc.path, name), sha) for name, sha in chain)),
                     files=files, chain=chain)


def shown_name(top: str, name: str) -> str:
    """A file of the chain named relative to the derived file's folder (the same wherever jixiao runs)."""
    from pathlib import Path

    try:
        return Path(name).resolve().relative_to(Path(top).resolve().parent).as_posix()
    except ValueError:
        return Path(name).as_posix()


def digest(data: object, chain: tuple[tuple[str, str], ...]) -> str:
    """sha256 over every file of the chain (name and own sha256) and the resolved content."""
    lines = ["jixiao policy 1 extends", *(f"{sha} {name}" for name, sha in chain),
             json.dumps(data, ensure_ascii=False, default=str)]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


