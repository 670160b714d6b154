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
_LINE_FULL_WIDTH = re.compile(r"[ ]*(?:-[ ]+)?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*：")
_LINE_KEY = re.compile(r"[ ]*([A-Za-z_][A-Za-z0-9_]*):(?:[ ]|$)")
_LINE_NO_SPACE = re.compile(r"[ ]*(?:-[ ]+)?([A-Za-z_][A-Za-z0-9_]*):(?![/\s])\S")


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
        raise PolicyError([_diag(name, 1, 1, "JX001", f"cannot read file: {exc.strerror}",
                                 f"无法读取文件：{exc.strerror}")]) from None
    if raw is None:
        raise PolicyError([_too_large(name)])
    return load_text(raw, name)


def _too_large(name: str) -> Diagnostic:
    return _diag(name, 1, 1, "JX007", f"file is larger than {MAX_BYTES // 1024} KiB; a policy is a short text file",
                 f"文件超过 {MAX_BYTES // 1024} KiB；方案应是一个简短的文本文件")


def load_text(raw: bytes, name: str) -> Loaded:
    """Load policy bytes; `name` is used in diagnostics and results."""
    if len(raw) > MAX_BYTES:
        raise PolicyError([_too_large(name)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PolicyError([_diag(name, line, 1, "JX001", "file is not UTF-8 text",
                                 "文件不是 UTF-8 文本（请用 UTF-8 编码保存）")]) from None
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
        builder.diagnostics.append(_diag(name, line, column, "JX001", f"YAML syntax: {exc.reason}{code}",
                                         f"YAML 语法错误：文件中有不允许的字符{code}"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in problem:
            # libyaml ≥ 0.2.6 stops flow nesting at its own depth, ahead of the parser's events.
            builder.diagnostics.append(_diag(name, line, column, "JX006", f"nesting deeper than {MAX_DEPTH} levels",
                                             f"嵌套超过 {MAX_DEPTH} 层"))
        else:
            causes = likely_causes(text, name, line) or _dedented(text, name, line, problem)
            builder.diagnostics.extend(causes or [_diag(name, line, column, "JX001", f"YAML syntax: {problem}",
                                                        f"YAML 语法错误：{_problem_zh(problem)}")])
    except yaml.YAMLError as exc:
        builder.diagnostics.append(_diag(name, 1, 1, "JX001", f"YAML syntax: {exc}", f"YAML 语法错误：{exc}"))
    except _Limit:
        pass
    if builder.diagnostics:
        raise PolicyError(builder.diagnostics[:MAX_DIAGNOSTICS])
    if builder.root is None:
        raise PolicyError([_diag(name, 1, 1, "JX011", "the policy file is empty", "方案文件是空的")])
    return Loaded(
        path=name,
        data=builder.root,
        marks=builder.marks,
        key_marks=builder.key_marks,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


# PyYAML's usual complaints, said the way a shop manager can act on them.
_PROBLEMS_ZH = (
    ("could not find expected ':'", "找不到应有的冒号“:”（键和值之间要有英文冒号和空格）"),
    ("mapping values are not allowed", "这里不能出现“键: 值”（多半是缩进不对或值里有冒号，可给值加引号）"),
    ("did not find expected key", "缺少应有的键（多半是缩进不对）"),
    ("did not find expected '-' indicator", "缺少列表项开头的“-”（多半是缩进不对）"),
    ("did not find expected ',' or ']'", "缺少“,”或“]”（方括号列表没有闭合？）"),
    ("did not find expected ',' or '}'", "缺少“,”或“}”（花括号没有闭合？）"),
    ("found unexpected end of stream", "文件意外结束（引号或括号没有闭合？）"),
    ("found character that cannot start any token", "遇到不能出现在这里的字符"),
    ("found unknown escape character", "双引号中有无效的转义字符（\\ 后面的字符）"),
    ("expected <block end>, but found", "缩进与上文不一致"),
)


def _problem_zh(problem: str) -> str:
    for english, chinese in _PROBLEMS_ZH:
        if problem.startswith(english):
            return chinese
    return problem


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
            found.append(_diag(name, number, column, "JX015", f"tab at line {number} col {column}: indent with spaces",
                               f"第 {number} 行第 {column} 列有制表符（Tab）：YAML 只能用空格缩进",
                               hint="replace the tab with spaces", zh_hint="把 Tab 换成空格"))
        elif match := _LINE_FULL_WIDTH.match(line):
            found.append(_full_width(name, number, match.start(1) + 1))
        elif match := _LINE_NO_SPACE.match(line):
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
    key = _LINE_KEY.match(moved)
    if key is None or not depth[0] == depth[2] > depth[1]:
        return []
    number = content[-2] + 1
    return [_diag(name, number, depth[1] + 1, "JX017",
                  f"'{key.group(1)}' at line {number} is indented less than the keys around it: "
                  f"indent it {depth[2]} spaces like line {number + 1}",
                  f"第 {number} 行的 '{key.group(1)}' 比上下的键缩进得少："
                  f"请像第 {number + 1} 行一样缩进 {depth[2]} 个空格")]


def _full_width(name: str, line: int, column: int) -> Diagnostic:
    return _diag(name, line, column, "JX014",
                 f"full-width colon '：' at line {line}: YAML needs an ASCII colon ':' followed by a space",
                 f"第 {line} 行用了中文全角冒号“：”：YAML 需要英文冒号“:”，后面再跟一个空格",
                 hint="switch the input method to English for the colon", zh_hint="把输入法切到英文再输入冒号")


def _no_space(name: str, line: int, column: int, key: str) -> Diagnostic:
    return _diag(name, line, column, "JX016",
                 f"missing space after ':' at line {line}: YAML reads '{key}:…' as one text, not a key",
                 f"第 {line} 行冒号后缺少空格：YAML 会把“{key}:…”当成一段文本，而不是键",
                 hint=f"write '{key}: …' with a space after the colon", zh_hint=f"写成“{key}: …”，冒号后加一个空格")


def _diag(file: str, line: int, column: int, code: str, message: str, zh: str, *, hint: str = "",
          zh_hint: str = "") -> Diagnostic:
    return Diagnostic(file, line, column, code, message, hint=hint, zh=zh, zh_hint=zh_hint)


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

    def error(self, mark: yaml.Mark | None, code: str, message: str, zh: str, *, hint: str = "",
              zh_hint: str = "") -> None:
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        self.diagnostics.append(_diag(self.name, line, column, code, message, zh, hint=hint, zh_hint=zh_hint))
        if len(self.diagnostics) >= MAX_DIAGNOSTICS:
            raise _Limit

    def consume(self, events) -> None:
        for event in events:
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    self.error(event.start_mark, "JX010", "only one YAML document per policy file",
                               "一个方案文件只能有一个 YAML 文档（去掉多余的 ---）")
                    raise _Limit
            elif kind in (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent):
                self.node(event)
            elif kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                self.close()
            elif kind is yaml.AliasEvent:
                self.error(event.start_mark, "JX003", "aliases (*name) are not allowed in a policy",
                           "方案中不允许使用别名引用（*name）")
                self.place(None, event.start_mark, is_key_allowed=False)

    def node(self, event) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.error(event.start_mark, "JX006", f"more than {MAX_NODES} YAML nodes",
                       f"YAML 节点超过 {MAX_NODES} 个")
            raise _Limit
        if event.anchor is not None:
            self.error(event.start_mark, "JX003", f"anchors (&{event.anchor}) are not allowed",
                       f"方案中不允许使用锚点（&{event.anchor}）")
        explicit = event.tag is not None and not (
            event.implicit[0] if isinstance(event.implicit, tuple) else event.implicit
        )
        if explicit:
            self.error(event.start_mark, "JX004", f"explicit tags ({event.tag}) are not allowed",
                       f"方案中不允许使用显式标签（{event.tag}）")
        if type(event) is yaml.ScalarEvent:
            block = event.style in ("|", ">")
            self.place(self.scalar(event), event.start_mark, is_key_allowed=True, raw=event.value, block=block)
            return
        if len(self.stack) >= MAX_DEPTH:
            self.error(event.start_mark, "JX006", f"nesting deeper than {MAX_DEPTH} levels",
                       f"嵌套超过 {MAX_DEPTH} 层")
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
                self.too_many(mark, "list", "列表")
            child = (*path, len(container))
            container.append(value)
            self.marks[child] = position
            self.text(raw, mark, lines=block)
            return child
        if pending is None:
            key = self.key(raw, mark, is_key_allowed)
            child = (*path, key)
            if key in first_lines:
                self.error(mark, "JX002", f"duplicate key '{key}' (first at line {first_lines[key]})",
                           f"重复的键 '{key}'（第一次出现在第 {first_lines[key]} 行）")
            else:
                if len(first_lines) >= MAX_ENTRIES:
                    self.too_many(mark, "mapping", "映射")
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

    def too_many(self, mark, what: str, zh: str) -> None:
        self.error(mark, "JX013", f"{what} has more than {MAX_ENTRIES:,} entries; a policy needs far fewer",
                   f"{zh}的条目超过 {MAX_ENTRIES} 个；方案用不到这么多")
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
        code = f"U+{ord(found.group()):04X}"
        bidi = found.group() >= "\u202a"
        what, zh = ("an invisible text-direction character", "不可见的文字方向控制字符") if bidi else (
            "a control character", "控制字符")
        self.error(mark, "JX012", f"text contains {what} ({code}); labels, aliases and keys must be printable",
                   f"文本中含有{zh}（{code}）；名称、别名和键只能包含可打印字符",
                   hint="retype the text; a \\ escape in double quotes may have produced it",
                   zh_hint="请重新输入这段文字；双引号中的 \\ 转义可能产生了它")

    def key(self, raw: str | None, mark, is_key_allowed: bool) -> str:
        """Keys are kept as written (`1:` is the text "1"), so references compare as users typed."""
        if not is_key_allowed or raw is None:
            self.error(mark, "JX009", "mapping keys must be plain text", "映射的键必须是普通文本")
            return f"<key at line {mark.line + 1}>"
        if raw == "<<":
            self.error(mark, "JX005", "merge keys (<<) are not allowed; write the keys out",
                       "不允许使用合并键（<<）；请把键逐个写出")
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
                self.error(event.start_mark, "JX008", f"number {text[:20]}… has too many digits",
                           f"数字 {text[:20]}… 位数过多")
                return None
            return int(text)
        if _DECIMAL.fullmatch(text):
            return self.decimal(text, event.start_mark)
        if _NON_FINITE.fullmatch(text):
            self.error(event.start_mark, "JX008", f"non-finite number {text} is not allowed",
                       f"不允许使用非有限数 {text}")
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
            self.error(mark, "JX008", f"number {text[:20]} is out of range", f"数字 {text[:20]} 超出范围")
            return None
        return value
