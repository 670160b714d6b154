"""Stage 1, load: read an untrusted policy file into plain data plus a line/column for every node.

Policies arrive from other shops, so the loader builds the tree itself from YAML *events* rather
than letting PyYAML construct objects: aliases, anchors, merge keys and explicit tags are refused
before they can expand, nesting depth and node count are bounded while parsing, and scalars are
resolved by YAML 1.2 core rules (so `no` stays a string, `010` is ten, `12:30` is text) with every
number loaded as `int` or `Decimal`, never float.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from engine.errors import Diagnostic, PolicyError

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32
MAX_NODES = 50_000
MAX_DIAGNOSTICS = 100
MAX_NUMBER_DIGITS = 40
MAX_NUMBER_EXPONENT = 30

Path_ = tuple[str | int, ...]

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUES = frozenset({"true", "True", "TRUE"})
_FALSES = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?[0-9]+")
_DECIMAL = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_NON_FINITE = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Loaded:
    """A policy document: its data, where each node sits, and the hash results are stamped with."""

    path: str
    data: object
    marks: dict[Path_, tuple[int, int]]
    key_marks: dict[Path_, tuple[int, int]]
    sha256: str

    def where(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """The line and column of the nearest node on `path` (the key itself when `key`)."""
        if key and path in self.key_marks:
            return self.key_marks[path]
        for end in range(len(path), -1, -1):
            mark = self.marks.get(path[:end])
            if mark is not None:
                return mark
        return (1, 1)


class _Limit(Exception):
    """Raised inside the event loop when a bound is crossed; loading stops at once."""


def load_policy(path: str | Path) -> Loaded:
    """Load one policy file or raise `PolicyError` listing every problem the loader can see."""
    name = str(path)
    try:
        raw = Path(path).read_bytes() if Path(path).stat().st_size <= MAX_BYTES else None
    except OSError as exc:
        raise PolicyError([_diag(name, 1, 1, "JX001", f"cannot read file: {exc.strerror}")]) from None
    if raw is None:
        message = f"file is larger than {MAX_BYTES // 1024} KiB; a policy is a short text file"
        raise PolicyError([_diag(name, 1, 1, "JX007", message)])
    return load_text(raw, name)


def load_text(raw: bytes, name: str) -> Loaded:
    """Load policy bytes; `name` is used in diagnostics and results."""
    if len(raw) > MAX_BYTES:
        message = f"file is larger than {MAX_BYTES // 1024} KiB; a policy is a short text file"
        raise PolicyError([_diag(name, 1, 1, "JX007", message)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PolicyError([_diag(name, line, 1, "JX001", "file is not UTF-8 text")]) from None
    builder = _Builder(name)
    try:
        builder.consume(yaml.parse(text, Loader=_Parser))
    except yaml.reader.ReaderError as exc:  # a forbidden character: no mark, only an offset
        # The C reader counts UTF-8 bytes from the start of the text, the Python one characters.
        before = text[: exc.position]
        if _Parser is not yaml.SafeLoader:
            before = text.encode()[: exc.position].decode(errors="ignore")
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        code = f" (U+{exc.character:04X})" if isinstance(exc.character, int) else ""
        message = f"YAML syntax: {exc.reason}{code}"
        builder.diagnostics.append(_diag(name, line, column, "JX001", message))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in problem:
            # libyaml ≥ 0.2.6 stops flow nesting at its own depth, ahead of the parser's events.
            builder.diagnostics.append(_diag(name, line, column, "JX006", f"nesting deeper than {MAX_DEPTH} levels"))
        else:
            builder.diagnostics.append(_diag(name, line, column, "JX001", f"YAML syntax: {problem}"))
    except yaml.YAMLError as exc:
        builder.diagnostics.append(_diag(name, 1, 1, "JX001", f"YAML syntax: {exc}"))
    except _Limit:
        pass
    if builder.diagnostics:
        raise PolicyError(builder.diagnostics[:MAX_DIAGNOSTICS])
    if builder.root is None:
        raise PolicyError([_diag(name, 1, 1, "JX011", "the policy file is empty")])
    return Loaded(
        path=name,
        data=builder.root,
        marks=builder.marks,
        key_marks=builder.key_marks,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def _diag(file: str, line: int, column: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(file, line, column, code, message)


class _Builder:
    """Turns a YAML event stream into dicts/lists/scalars without recursion or expansion."""

    def __init__(self, name: str):
        self.name = name
        self.diagnostics: list[Diagnostic] = []
        self.marks: dict[Path_, tuple[int, int]] = {}
        self.key_marks: dict[Path_, tuple[int, int]] = {}
        self.root: object = None
        self.documents = 0
        self.nodes = 0
        # Each frame: [container, path, pending (key, path) of a mapping value, key -> first line]
        self.stack: list[list] = []

    def error(self, mark: yaml.Mark | None, code: str, message: str) -> None:
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        self.diagnostics.append(_diag(self.name, line, column, code, message))
        if len(self.diagnostics) >= MAX_DIAGNOSTICS:
            raise _Limit

    def consume(self, events) -> None:
        for event in events:
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    self.error(event.start_mark, "JX010", "only one YAML document per policy file")
                    raise _Limit
            elif kind in (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent):
                self.node(event)
            elif kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                self.close()
            elif kind is yaml.AliasEvent:
                self.error(event.start_mark, "JX003", "aliases (*name) are not allowed in a policy")
                self.place(None, event.start_mark, is_key_allowed=False)

    def node(self, event) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.error(event.start_mark, "JX006", f"more than {MAX_NODES} YAML nodes")
            raise _Limit
        if event.anchor is not None:
            self.error(event.start_mark, "JX003", f"anchors (&{event.anchor}) are not allowed")
        explicit = event.tag is not None and not (
            event.implicit[0] if isinstance(event.implicit, tuple) else event.implicit
        )
        if explicit:
            self.error(event.start_mark, "JX004", f"explicit tags ({event.tag}) are not allowed")
        if type(event) is yaml.ScalarEvent:
            self.place(self.scalar(event), event.start_mark, is_key_allowed=True, raw=event.value)
            return
        if len(self.stack) >= MAX_DEPTH:
            self.error(event.start_mark, "JX006", f"nesting deeper than {MAX_DEPTH} levels")
            raise _Limit
        container: dict | list = {} if type(event) is yaml.MappingStartEvent else []
        path = self.place(container, event.start_mark, is_key_allowed=False)
        self.stack.append([container, path, None, {}])

    def close(self) -> None:
        self.stack.pop()

    def place(self, value, mark, *, is_key_allowed: bool, raw: str | None = None) -> Path_:
        """Attach a finished node to its parent (as a key, a value or an item); return its path."""
        position = (mark.line + 1, mark.column + 1)
        if not self.stack:
            self.root = value
            self.marks[()] = position
            return ()
        container, path, pending, first_lines = self.stack[-1]
        if isinstance(container, list):
            child = (*path, len(container))
            container.append(value)
            self.marks[child] = position
            return child
        if pending is None:
            key = self.key(raw, mark, is_key_allowed)
            child = (*path, key)
            if key in first_lines:
                self.error(
                    mark, "JX002", f"duplicate key '{key}' (first at line {first_lines[key]})"
                )
            else:
                first_lines[key] = position[0]
            self.key_marks[child] = position
            self.stack[-1][2] = (key, child)
            return child
        key, child = pending
        container.setdefault(key, value)
        self.marks[child] = position
        self.stack[-1][2] = None
        return child

    def key(self, raw: str | None, mark, is_key_allowed: bool) -> str:
        """Keys are kept as written (`1:` is the text "1"), so references compare as users typed."""
        if not is_key_allowed or raw is None:
            self.error(mark, "JX009", "mapping keys must be plain text")
            return f"<key at line {mark.line + 1}>"
        if raw == "<<":
            self.error(mark, "JX005", "merge keys (<<) are not allowed; write the keys out")
        return raw

    def scalar(self, event: yaml.ScalarEvent) -> object:
        text = event.value
        if event.style or (event.tag is not None and not event.implicit[0]):
            return text
        if text in _NULLS:
            return None
        if text in _TRUES:
            return True
        if text in _FALSES:
            return False
        if _INT.fullmatch(text):
            if len(text) > MAX_NUMBER_DIGITS:
                self.error(event.start_mark, "JX008", f"number {text[:20]}… has too many digits")
                return None
            return int(text)
        if _DECIMAL.fullmatch(text):
            return self.decimal(text, event.start_mark)
        if _NON_FINITE.fullmatch(text):
            self.error(event.start_mark, "JX008", f"non-finite number {text} is not allowed")
            return None
        return text

    def decimal(self, text: str, mark) -> Decimal | None:
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
            return text
        exponent = value.as_tuple().exponent
        digits = len(value.as_tuple().digits)
        if digits > MAX_NUMBER_DIGITS or abs(int(exponent)) + digits > MAX_NUMBER_EXPONENT + MAX_NUMBER_DIGITS:
            self.error(mark, "JX008", f"number {text[:20]} is out of range")
            return None
        return value
