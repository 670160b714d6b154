"""Stage 1, load: read an untrusted policy file into plain data plus a line/column for every node.

Policies arrive from other shops, so the loader builds the tree itself from YAML *events* rather
than letting PyYAML construct objects: aliases, anchors, merge keys and explicit tags are refused
before they can expand, nesting depth and node count are bounded while parsing, and scalars are
resolved by YAML 1.2 core rules (so `no` stays a string, `010` is ten, `12:30` is text) with every
number loaded as `int` or `Decimal`, never float.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import yaml

from engine.diagnostics import Code, Diagnostic, Phrase, problem, yaml_problem
from engine.errors import PolicyError
from engine.policy.extends import resolve

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32
MAX_NODES = 50_000
MAX_DIAGNOSTICS = 100
MAX_NUMBER_DIGITS = 40
MAX_NUMBER_EXPONENT = 30
# Entries in one list or mapping: a real policy has tens; thousands only make later checks slow.
MAX_ENTRIES = 1000

Path_ = tuple[str | int, ...]

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUES = frozenset({"true", "True", "TRUE"})
_FALSES = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?[0-9]+")
_DECIMAL = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_NON_FINITE = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Characters no text in a policy may carry: C0 and C1 controls, DEL, and the invisible bidi
# overrides that make a label read differently from what it holds. Tabs and line breaks are
# allowed only as layout (see `_Builder.text`).
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LAYOUT_ALLOWED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
EXPRESSION_KEYS = frozenset({"formula", "when", "base", "on", "floor"})
# A plain scalar that is really a key: `weight：20` (full-width colon) or `weight:20` (no space).
_FULL_WIDTH_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*[ \t]*：")
_NO_SPACE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*:(?![/\s])\S")
# Read only after a syntax error, so kept as text: `re` compiles (and caches) them on first use, not
# every time a policy loads (a compiled pattern costs about a millisecond; issue 19).
_LINE_FULL_WIDTH = r"[ ]*(?:-[ ]+)?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*："
_LINE_KEY = r"[ ]*([A-Za-z_][A-Za-z0-9_]*):(?:[ ]|$)"
_LINE_NO_SPACE = r"[ ]*(?:-[ ]+)?([A-Za-z_][A-Za-z0-9_]*):(?![/\s])\S"


@dataclass(frozen=True, slots=True)
class Loaded:
    """A policy document: its data, where each node sits, and the hash results are stamped with."""

    path: str
    data: object
    marks: dict[Path_, tuple[int, int]]
    key_marks: dict[Path_, tuple[int, int]]
    sha256: str
    # A policy derived with `extends:` (engine.policy.extends): the file each node came from (nearest
    # path; `path` where none is given), and every file of the chain with its own sha256, derived first.
    files: dict[Path_, str] = field(default_factory=dict)
    chain: tuple[tuple[str, str], ...] = ()

    def file_at(self, path: Path_) -> str:
        """The file that wrote the node at `path` (or its nearest ancestor)."""
        for end in range(len(path), -1, -1):
            found = self.files.get(path[:end])
            if found is not None:
                return found
        return self.path

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


def load_policy(path: str | os.PathLike[str]) -> Loaded:
    """Load one policy file, its bases merged in (`extends:`, engine.policy.extends), or raise
    `PolicyError` listing every problem the loader can see."""
    name = str(path)
    try:
        raw = _read(path) if os.stat(path).st_size <= MAX_BYTES else None
    except OSError as exc:
        raise PolicyError([_diag(name, 1, 1, Code.JX001, "unreadable", reason=exc.strerror)]) from None
    if raw is None:
        raise PolicyError([_too_large(name)])
    return load_text(raw, name)


def _load_base(path: str) -> Loaded:
    """A base named by `extends:`; OSError when it cannot be read (said at the `extends:` naming it)."""
    if os.stat(path).st_size > MAX_BYTES:
        raise PolicyError([_too_large(path)])
    return _load_one(_read(path), path)


def _read(path: str | os.PathLike[str]) -> bytes:
    """A file's bytes (by `os`, not pathlib: `jixiao validate` imports nothing it can do without)."""
    with open(path, "rb") as stream:
        return stream.read()


def _too_large(name: str) -> Diagnostic:
    return _diag(name, 1, 1, Code.JX007, kib=MAX_BYTES // 1024)


def load_text(raw: bytes, name: str, bases: Callable[[str], bytes] | None = None) -> Loaded:
    """Load policy bytes, bases merged in (relative to `name`'s folder); `name` is used in diagnostics
    and results. `bases(path)`: a base's bytes (the ledger's kept copy; OSError when it has none),
    instead of reading the file."""
    if bases is None:
        return resolve(_load_one(raw, name), _load_base)
    return resolve(_load_one(raw, name), lambda path: _load_one(bases(path), path))


def _load_one(raw: bytes, name: str) -> Loaded:
    """One file's bytes, its `extends:` not followed."""
    if len(raw) > MAX_BYTES:
        raise PolicyError([_too_large(name)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PolicyError([_diag(name, line, 1, Code.JX001, "not_utf8")]) from None
    builder = _Builder(name)
    try:
        builder.consume(yaml.parse(text, Loader=_Parser))
    except yaml.reader.ReaderError as exc:  # a forbidden character: no mark, only an offset
        # The C reader counts UTF-8 bytes from the start of the text, the Python one characters.
        before = text[: exc.position]
        if _Parser is not yaml.SafeLoader:
            before = text.encode()[: exc.position].decode(errors="ignore")
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        character = f" (U+{exc.character:04X})" if isinstance(exc.character, int) else ""
        builder.diagnostics.append(_diag(name, line, column, Code.JX001, "forbidden", reason=exc.reason,
                                         character=character))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in problem:
            # libyaml ≥ 0.2.6 stops flow nesting at its own depth, ahead of the parser's events.
            builder.diagnostics.append(_diag(name, line, column, Code.JX006, "depth", depth=MAX_DEPTH))
        else:
            causes = likely_causes(text, name, line) or _dedented(text, name, line, problem)
            # A full-width colon a scalar already showed (`id：x`) is said once, not again as the syntax error's cause.
            said = {(d.line, d.code) for d in builder.diagnostics}
            builder.diagnostics.extend([d for d in causes if (d.line, d.code) not in said]
                                       or ([] if causes else [_diag(name, line, column, Code.JX001, "syntax",
                                                                    problem=yaml_problem(problem))]))
    except yaml.YAMLError as exc:
        builder.diagnostics.append(_diag(name, 1, 1, Code.JX001, "syntax", problem=Phrase(str(exc), str(exc))))
    except _Limit:
        pass
    if builder.diagnostics:
        raise PolicyError(builder.diagnostics[:MAX_DIAGNOSTICS])
    if builder.root is None:
        raise PolicyError([_diag(name, 1, 1, Code.JX011)])
    return Loaded(
        path=name,
        data=builder.root,
        marks=builder.marks,
        key_marks=builder.key_marks,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def likely_causes(text: str, name: str, error_line: int) -> list[Diagnostic]:
    """The usual reasons behind a YAML syntax error, on the lines up to where the parser gave up.

    YAML reports a full-width colon or a missing space on the *next* line ("could not find
    expected ':'") and a tab as a character that "cannot start any token"; naming the cause on its
    own line is what lets a shop manager fix it.
    """
    found = []
    for number, line in enumerate(text.split("\n")[:error_line], start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent] and line.strip() and not line.lstrip().startswith("#"):
            column = line.index("\t") + 1
            found.append(_diag(name, number, column, Code.JX015, line=number, column=column))
        elif match := re.match(_LINE_FULL_WIDTH, line):
            found.append(_full_width(name, number, match.start(1) + 1))
        elif match := re.match(_LINE_NO_SPACE, line):
            found.append(_no_space(name, number, match.start(1) + 1, match.group(1)))
    return found


def _dedented(text: str, name: str, error_line: int, problem: str) -> list[Diagnostic]:
    """A key indented less than the keys above and below it, which YAML reports on the next line.

    `weight:` moved one level left inside a KPI closes the KPI; the KPI's next key, still
    indented, is then "not allowed in this context". The line to fix is the one above."""
    if "mapping values are not allowed" not in problem:
        return []
    lines = text.split("\n")
    content = [i for i in range(min(error_line, len(lines)))
               if lines[i].strip() and not lines[i].lstrip().startswith("#")]
    if len(content) < 3 or content[-1] != error_line - 1:
        return []
    before, moved, after = (lines[i] for i in content[-3:])
    depth = [len(line) - len(line.lstrip(" ")) for line in (before, moved, after)]
    key = re.match(_LINE_KEY, moved)
    if key is None or not depth[0] == depth[2] > depth[1]:
        return []
    number = content[-2] + 1
    return [_diag(name, number, depth[1] + 1, Code.JX017, key=key.group(1), line=number, spaces=depth[2],
                  next=number + 1)]


def _full_width(name: str, line: int, column: int) -> Diagnostic:
    return _diag(name, line, column, Code.JX014, line=line)


def _no_space(name: str, line: int, column: int, key: str) -> Diagnostic:
    return _diag(name, line, column, Code.JX016, line=line, key=key)


def _diag(file: str, line: int, column: int, code: Code, kind: str = "", /, **fields: object) -> Diagnostic:
    """The loader's problem `code` (of `kind`), at a line and column of the file."""
    return problem(code, (), kind, **fields).at(file, line, column)


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

    def error(self, mark: yaml.Mark | None, code: Code, kind: str = "", /, **fields: object) -> None:
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        self.diagnostics.append(_diag(self.name, line, column, code, kind, **fields))
        if len(self.diagnostics) >= MAX_DIAGNOSTICS:
            raise _Limit

    def consume(self, events) -> None:
        for event in events:
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    self.error(event.start_mark, Code.JX010)
                    raise _Limit
            elif kind in (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent):
                self.node(event)
            elif kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                self.close()
            elif kind is yaml.AliasEvent:
                self.error(event.start_mark, Code.JX003, "alias")
                self.place(None, event.start_mark, is_key_allowed=False)

    def node(self, event) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.error(event.start_mark, Code.JX006, "nodes", nodes=MAX_NODES)
            raise _Limit
        if event.anchor is not None:
            self.error(event.start_mark, Code.JX003, "anchor", anchor=event.anchor)
        explicit = event.tag is not None and not (
            event.implicit[0] if isinstance(event.implicit, tuple) else event.implicit
        )
        if explicit:
            self.error(event.start_mark, Code.JX004, tag=event.tag)
        if type(event) is yaml.ScalarEvent:
            block = event.style in ("|", ">")
            self.place(self.scalar(event), event.start_mark, is_key_allowed=True, raw=event.value, block=block)
            return
        if len(self.stack) >= MAX_DEPTH:
            self.error(event.start_mark, Code.JX006, "depth", depth=MAX_DEPTH)
            raise _Limit
        container: dict | list = {} if type(event) is yaml.MappingStartEvent else []
        path = self.place(container, event.start_mark, is_key_allowed=False)
        self.stack.append([container, path, None, {}])

    def close(self) -> None:
        self.stack.pop()

    def place(self, value, mark, *, is_key_allowed: bool, raw: str | None = None, block: bool = False) -> Path_:
        """Attach a finished node to its parent (as a key, a value or an item); return its path."""
        position = (mark.line + 1, mark.column + 1)
        if not self.stack:
            self.root = value
            self.marks[()] = position
            return ()
        container, path, pending, first_lines = self.stack[-1]
        if isinstance(container, list):
            if len(container) >= MAX_ENTRIES:
                self.too_many(mark, "list")
            child = (*path, len(container))
            container.append(value)
            self.marks[child] = position
            self.text(raw, mark, lines=block)
            return child
        if pending is None:
            key = self.key(raw, mark, is_key_allowed)
            child = (*path, key)
            if key in first_lines:
                self.error(mark, Code.JX002, key=key, first=first_lines[key])
            else:
                if len(first_lines) >= MAX_ENTRIES:
                    self.too_many(mark, "mapping")
                first_lines[key] = position[0]
            self.key_marks[child] = position
            self.stack[-1][2] = (key, child)
            return child
        key, child = pending
        container.setdefault(key, value)
        self.marks[child] = position
        self.stack[-1][2] = None
        self.text(raw, mark, lines=block or key in EXPRESSION_KEYS)
        return child

    def too_many(self, mark, what: str) -> None:
        self.error(mark, Code.JX013, what, limit=MAX_ENTRIES)
        raise _Limit

    def text(self, raw: str | None, mark, *, lines: bool) -> None:
        """Refuse control and bidi characters in a scalar: reports and spreadsheets choke on them.

        Tabs and line breaks pass only where they are layout: block scalars (`|`, `>`) and
        expressions."""
        if raw is None:
            return
        found = (_LAYOUT_ALLOWED if lines else _FORBIDDEN).search(raw)
        if found is None:
            return
        bidi = found.group() >= "\u202a"
        self.error(mark, Code.JX012, "bidi" if bidi else "control", character=f"U+{ord(found.group()):04X}")

    def key(self, raw: str | None, mark, is_key_allowed: bool) -> str:
        """Keys are kept as written (`1:` is the text "1"), so references compare as users typed."""
        if not is_key_allowed or raw is None:
            self.error(mark, Code.JX009)
            return f"<key at line {mark.line + 1}>"
        if raw == "<<":
            self.error(mark, Code.JX005)
        self.text(raw, mark, lines=False)
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
                self.error(event.start_mark, Code.JX008, "digits", start=text[:20])
                return None
            return int(text)
        if _DECIMAL.fullmatch(text):
            return self.decimal(text, event.start_mark)
        if _NON_FINITE.fullmatch(text):
            self.error(event.start_mark, Code.JX008, "non_finite", text=text)
            return None
        line, column = event.start_mark.line + 1, event.start_mark.column + 1
        if _FULL_WIDTH_KEY.match(text):
            self.diagnostics.append(_full_width(self.name, line, column))
        elif _NO_SPACE_KEY.match(text) and " " not in text:
            self.diagnostics.append(_no_space(self.name, line, column, text.split(":", 1)[0]))
        return text

    def decimal(self, text: str, mark) -> Decimal | None:
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
            return text
        exponent = value.as_tuple().exponent
        digits = len(value.as_tuple().digits)
        if digits > MAX_NUMBER_DIGITS or abs(int(exponent)) + digits > MAX_NUMBER_EXPONENT + MAX_NUMBER_DIGITS:
            self.error(mark, Code.JX008, "range", start=text[:20])
            return None
        return value
