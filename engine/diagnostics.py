"""The catalogue of diagnostics: every code jixiao reports, defined once, in Chinese and English.

Each code (`Code.JX204`) has one entry (in `engine.catalogue`, read on first use: `catalogue()`): its
severity, the policy section (and rule ids) it is about, a one-line summary (README's Checks table is
held to these by a test), and its *kinds*:
the different ways the same problem shows, each one message template and its hint templates
(as Cedar gives each kind of error one struct and one template). A check never writes a text: it
names the code, the kind when the code has several, and the fields —
`problem(Code.JX204, ("kpis",), on_key=True, total=95, expected=100, parts="40 + 20 + 30 + 5")` —
and the stage that knows the file turns the problem into a located `Diagnostic` (`Problem.at`).

Templates are `str.format` templates over named fields. A field is the same in both languages,
except a `Phrase` (a word pair: each language takes its own) and a list (joined with ", " in
English and "、" in Chinese). Codes: JX0xx loading, JX1xx the schema, JX2xx meaning, JX3xx
warnings of style, JX4xx evaluation (their text does not show the code, so outputs stay as they
were; `EvaluationError.code` carries it for machines), JX5xx `jixiao lint` (warnings about a valid
policy that probably pays what nobody meant; `--strict` makes them errors).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.catalogue import Entry

Where = tuple[str | int, ...]


class Severity(StrEnum):
    """An error makes a policy invalid (exit 1); a warning is shown and lets it pass."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Phrase:
    """A word or phrase in both languages, given as a field: each language's template takes its own."""

    en: str
    zh: str

    def pick(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _value(value: object, zh: bool) -> object:
    if isinstance(value, Phrase):
        return value.zh if zh else value.en
    if isinstance(value, list | tuple):
        return ("、" if zh else ", ").join(str(_value(item, zh)) for item in value)
    return value


@dataclass(frozen=True, slots=True)
class Text:
    """One text in both languages: a `str.format` template over named fields."""

    en: str
    zh: str

    def render(self, lang: str, fields: Mapping[str, object]) -> str:
        zh = lang == "zh"
        return (self.zh if zh else self.en).format(**{k: _value(v, zh) for k, v in fields.items()})

    def phrase(self, **fields: object) -> Phrase:
        """The text filled in both languages, to be a field of another text."""
        return Phrase(self.render("en", fields), self.render("zh", fields))


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One located problem in a policy or data file, with a stable code users can search for."""

    file: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = Severity.ERROR
    hint: str = ""
    # The same message and hint for Chinese readers; a diagnostic without them shows the English.
    zh: str = ""
    zh_hint: str = ""

    def render(self, lang: str = "en") -> str:
        """`FILE:LINE:COL: CODE message`, the format editors and CI annotators understand."""
        chinese = lang == "zh" and bool(self.zh)
        shown = "zh" if chinese else "en"
        message = self.zh if chinese else self.message
        hint = (self.zh_hint or self.hint) if chinese else self.hint
        warning = WARNING_WORD.pick(shown) if self.severity == Severity.WARNING else ""
        text = f"{self.file}:{self.line}:{self.column}: {self.code} {warning}{message}"
        if hint:
            text += HINT_FRAME.render(shown, {"hint": hint})
        return text

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.code)


WARNING_WORD = Phrase("warning: ", "警告：")
HINT_FRAME = Text(" (hint: {hint})", "（提示：{hint}）")
# Where a bad cell of a data file is, before what is wrong with it (`engine.errors.DataIssue.render`).
ROW = Text(": row {value}", "：第 {value} 行")
COLUMN = Text(", column {value}", "，列 {value}")
CELL = Text(", cell {value}", "，单元格 {value}")
ISSUE = Text("{where}: {message}", "{where}：{message}")


class Code(StrEnum):
    """Every diagnostic code; its entry in `CATALOGUE` holds everything else about it."""

    JX001 = "JX001"
    JX002 = "JX002"
    JX003 = "JX003"
    JX004 = "JX004"
    JX005 = "JX005"
    JX006 = "JX006"
    JX007 = "JX007"
    JX008 = "JX008"
    JX009 = "JX009"
    JX010 = "JX010"
    JX011 = "JX011"
    JX012 = "JX012"
    JX013 = "JX013"
    JX014 = "JX014"
    JX015 = "JX015"
    JX016 = "JX016"
    JX017 = "JX017"
    JX018 = "JX018"
    JX019 = "JX019"
    JX020 = "JX020"
    JX101 = "JX101"
    JX102 = "JX102"
    JX103 = "JX103"
    JX104 = "JX104"
    JX105 = "JX105"
    JX201 = "JX201"
    JX202 = "JX202"
    JX203 = "JX203"
    JX204 = "JX204"
    JX205 = "JX205"
    JX206 = "JX206"
    JX207 = "JX207"
    JX208 = "JX208"
    JX209 = "JX209"
    JX210 = "JX210"
    JX211 = "JX211"
    JX212 = "JX212"
    JX213 = "JX213"
    JX214 = "JX214"
    JX215 = "JX215"
    JX216 = "JX216"
    JX217 = "JX217"
    JX218 = "JX218"
    JX219 = "JX219"
    JX220 = "JX220"
    JX221 = "JX221"
    JX222 = "JX222"
    JX223 = "JX223"
    JX224 = "JX224"
    JX225 = "JX225"
    JX226 = "JX226"
    JX227 = "JX227"
    JX228 = "JX228"
    JX229 = "JX229"
    JX230 = "JX230"
    JX231 = "JX231"
    JX232 = "JX232"
    JX233 = "JX233"
    JX234 = "JX234"
    JX235 = "JX235"
    JX236 = "JX236"
    JX237 = "JX237"
    JX238 = "JX238"
    JX239 = "JX239"
    JX240 = "JX240"
    JX241 = "JX241"
    JX242 = "JX242"
    JX243 = "JX243"
    JX244 = "JX244"
    JX245 = "JX245"
    JX246 = "JX246"
    JX247 = "JX247"
    JX248 = "JX248"
    JX249 = "JX249"
    JX250 = "JX250"
    JX251 = "JX251"
    JX252 = "JX252"
    JX253 = "JX253"
    JX254 = "JX254"
    JX255 = "JX255"
    JX256 = "JX256"
    JX257 = "JX257"
    JX258 = "JX258"
    JX259 = "JX259"
    JX260 = "JX260"
    JX261 = "JX261"
    JX262 = "JX262"
    JX263 = "JX263"
    JX264 = "JX264"
    JX265 = "JX265"
    JX266 = "JX266"
    JX267 = "JX267"
    JX268 = "JX268"
    JX270 = "JX270"
    JX271 = "JX271"
    JX272 = "JX272"
    JX273 = "JX273"
    JX274 = "JX274"
    JX275 = "JX275"
    JX276 = "JX276"
    JX277 = "JX277"
    JX278 = "JX278"
    JX279 = "JX279"
    JX280 = "JX280"
    JX281 = "JX281"
    JX282 = "JX282"
    JX283 = "JX283"
    JX284 = "JX284"
    JX285 = "JX285"
    JX286 = "JX286"
    JX287 = "JX287"
    JX288 = "JX288"
    JX289 = "JX289"
    JX290 = "JX290"
    JX291 = "JX291"
    JX292 = "JX292"
    JX293 = "JX293"
    JX296 = "JX296"
    JX297 = "JX297"
    JX298 = "JX298"
    JX301 = "JX301"
    JX401 = "JX401"
    JX402 = "JX402"
    JX403 = "JX403"
    JX404 = "JX404"
    JX405 = "JX405"
    JX406 = "JX406"
    JX407 = "JX407"
    JX408 = "JX408"
    JX409 = "JX409"
    JX410 = "JX410"
    JX411 = "JX411"
    JX412 = "JX412"
    JX413 = "JX413"
    JX414 = "JX414"
    JX501 = "JX501"
    JX502 = "JX502"
    JX503 = "JX503"
    JX504 = "JX504"
    JX505 = "JX505"
    JX506 = "JX506"
    JX507 = "JX507"
    JX508 = "JX508"


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem found, before it is located: its code and kind, where in the policy it points
    (a path of keys and indexes, at the key itself when `on_key`), and the fields of its texts."""

    code: Code
    path: Where
    kind: str
    hint: str | None
    on_key: bool
    fields: Mapping[str, object]

    @property
    def entry(self) -> Entry:
        return catalogue()[self.code]

    @property
    def severity(self) -> Severity:
        return self.entry.kinds[self.kind].severity or self.entry.severity

    def message(self, lang: str) -> str:
        return self.entry.kinds[self.kind].message.render(lang, self.fields)

    def hint_text(self, lang: str) -> str:
        hints = self.entry.kinds[self.kind].hints
        if self.hint is None or (self.hint == "" and "" not in hints):
            return ""
        return hints[self.hint].render(lang, self.fields)

    def phrase(self) -> Phrase:
        """The message in both languages, to be a field of another text (where an evaluation failed)."""
        return Phrase(self.message("en"), self.message("zh"))

    def at(self, file: str, line: int, column: int) -> Diagnostic:
        """The problem located in `file`, its texts filled in both languages."""
        return Diagnostic(file, line, column, self.code.value, self.message("en"), self.severity,
                          self.hint_text("en"), self.message("zh"), self.hint_text("zh"))


def problem(code: Code, path: Where = (), kind: str = "", /, *, on_key: bool = False, hint: str | None = "",
            **fields: object) -> Problem:
    """The problem `code` (of `kind`) at `path`, with `fields` for its templates.

    `hint` names the hint template to give ("" the kind's usual one, if it has one; None none)."""
    kinds = catalogue()[code].kinds
    if kind not in kinds:
        raise KeyError(f"{code} has no kind {kind!r}; it has {sorted(kinds)}")
    return Problem(code, path, kind, hint, on_key, fields)


# -- shared texts -----------------------------------------------------------------------------

DID_YOU_MEAN = Text("did you mean '{close}'?", "是不是想写 '{close}'？")
THE_POLICY = Phrase("the policy", "方案文件")
# Things a policy declares, as its messages name them.
NOUNS = {
    "metric": Phrase("metric", "指标"),
    "aggregate": Phrase("aggregate", "团队汇总"),
    "derived metric": Phrase("derived metric", "派生指标"),
    "KPI": Phrase("KPI", "考核项"),
    "role": Phrase("role", "岗位"),
    "grade": Phrase("grade", "等级"),
    "pay component": Phrase("pay component", "薪酬项"),
    "rating": Phrase("rating", "评级"),
    "gate": Phrase("gate", "门槛"),
    "review": Phrase("review", "评定"),
}
# The types an expression gives, and the operations that need one of them (JX225).
TYPES = {"number": Phrase("a number", "数字"), "bool": Phrase("true/false", "真/假值"), "text": Phrase("text", "文本")}
OPERATIONS = {
    "arithmetic": Phrase("arithmetic", "算术运算"),
    "not": Phrase("'not'", "not"),
    "sign": Phrase("a sign", "正负号"),
    "and_or": Phrase("'and'/'or'", "and/or"),
    "if": Phrase("the condition after 'if'", "if 后的条件"),
    "order": Phrase("'<', '>'", "大小比较"),
    "call": Phrase("min/max/abs", "min/max/abs"),
}
# Why a constant part of an expression cannot be computed (JX215), by the Decimal signal.
ARITHMETIC = {"DivisionByZero": "除数为零", "Overflow": "数值过大", "InvalidOperation": "无效的运算",
              "DivisionUndefined": "0 除以 0"}
# The value types of the schema (JX103), and what a value is.
SCHEMA_TYPES = {"string": Phrase("text", "文本"), "number": Phrase("a number", "数字"),
                "object": Phrase("a mapping", "映射"), "array": Phrase("a list", "列表"),
                "integer": Phrase("a whole number", "整数"), "boolean": Phrase("true or false", "真/假值")}
VALUES = {"boolean": Text("true/false", "真/假值"), "text": Text("text {shown}", "文本 {shown}"),
          "mapping": Text("a mapping", "映射"), "list": Text("a list", "列表"),
          "null": Text("nothing (null)", "空值（null）"), "number": Text("a number", "数字")}
EITHER = Phrase(" or ", "或")
# Metric types as a range message names them (JX223, JX224).
METRIC_TYPES = {"ratio": "比率", "percent": "百分比", "count": "次数", "duration": "时长", "number": "数值",
                "money": "金额"}
DIRECTIONS = {"higher": Phrase("higher", "越高越好"), "lower": Phrase("lower", "越低越好")}
STANDARD_COLUMN = Text("the standard '{column}' column", "标准列 '{column}'")
METRIC_NAMED = Text("metric '{name}'", "指标 '{name}'")
STATS = {"mean": Phrase("mean", "平均值"), "min": Phrase("min", "最小值"), "max": Phrase("max", "最大值")}


def metric_type(kind: str) -> Phrase:
    """A metric type as messages name it: its own name in English, its Chinese word (数值 if none)."""
    return Phrase(kind, METRIC_TYPES.get(kind, "数值"))


def arithmetic(problem_name: str) -> Phrase:
    """Why a constant cannot be computed, from the Decimal signal's name or Python's message."""
    zh = ARITHMETIC.get(problem_name, "数值超出允许范围" if "Sorry" in problem_name else problem_name)
    return Phrase(problem_name, zh)


# PyYAML's usual complaints, said the way a shop manager can act on them (JX001).
YAML_PROBLEMS = (
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


def yaml_problem(problem_text: str) -> Phrase:
    """PyYAML's complaint, and the Chinese a shop manager can act on (the English when unknown)."""
    for english, chinese in YAML_PROBLEMS:
        if problem_text.startswith(english):
            return Phrase(problem_text, chinese)
    return Phrase(problem_text, problem_text)


# -- evaluation frames: where a failure happened, around its reason (JX4xx) ---------------------

AGENT = Text("agent {agent} ({period})", "客服 {agent}（{period}）")
AGENT_FROM = Text("agent {agent} ({period}) at {source}", "客服 {agent}（{period}），来自 {source}")
RULES = Text(", rule {rules}", "，规则 {rules}")
STEP_FAILED = Text("{policy}:{line}: cannot compute {step}{rules} for {who}: {reason}",
                   "{policy}:{line}: 无法为{who}计算 {step}{rules}：{reason}")
STEP_FAILED_FOR_ALL = Text("{policy}:{line}: cannot compute {step}: {reason}",
                           "{policy}:{line}: 无法计算 {step}：{reason}")
AGENT_FAILED = Text("{who}: {reason}", "{who}：{reason}")


def catalogue() -> dict[Code, Entry]:
    """Every code's entry (`engine.catalogue`), built the first time a problem is named.

    A policy with nothing to say names none, so `jixiao validate` of a valid one does not build the
    entries and their classes (issue 19: most of this module's import time)."""
    from engine.catalogue import CATALOGUE

    return CATALOGUE


def __getattr__(name: str) -> object:
    """`CATALOGUE`, as `from engine.diagnostics import CATALOGUE` has always found it, built when first asked."""
    if name == "CATALOGUE":
        return catalogue()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
