"""How one column of a table is read: the field it holds, the unit its header names, what its
placeholder texts mean, and the range its values must fall in.

A column is bound once per file (`bind`), so every rule that depends on the header (`平均响应(分)`
is in minutes, `满意度(%)` holds bare percents) or on the policy (`range`, `placeholders`,
`missing`) is decided before the first row, and the hot loop only calls one function per distinct
cell text.

Header units (the text in a trailing bracket; anything else there, like `(8-23点)`, is ignored):
- duration: 秒/s/sec → seconds, 分/分钟/min → ×60, 小时/时/h → ×3600, for bare numbers only
  (`8分48秒` names its own units);
- money and number: 元/人民币 → as is, 万元/万 → ×10000 (bare numbers only);
- ratio: % → a bare `97.5` is 97.5 %;
- count: 人/个/次/单/件/人次 → as is.
A unit belonging to another kind (`平均响应(元)` on a duration) is a header error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from engine.data.cells import (
    CellError,
    is_missing,
    parse_choice,
    parse_count,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_id,
    parse_number,
    parse_period,
    parse_ratio,
    parse_text,
    placeholder_meaning,
    show,
)
from engine.errors import DataIssue
from engine.text import fold, header_key, header_unit

# How an XLSX number cell's format says to read it: as stored; as a fraction (a real `0.00%`
# format: 0.975 shows 97.50%); or as a percent whose sign is literal text (`0.00"%"`: 97.5 shows 97.50%).
AS_STORED, FRACTION, PERCENT_TEXT = 0, 1, 2
# `id` is text naming an agent or a team, read in its canonical form (engine.text.canonical_id).
KINDS = ("text", "id", "period", "date", "datetime", "choice", "number", "money", "ratio", "duration", "count")
NUMERIC_KINDS = frozenset({"number", "money", "ratio", "duration", "count"})
_HUNDRED = Decimal(100)
_HUNDREDTH = Decimal("0.01")
_UNDECLARED = object()


class Supplied(Decimal):
    """A number the policy gave a cell instead of reading it (`missing:`, a declared placeholder).

    Equal to the number in every way; `how` (`missing`, `placeholder:延迟统计`) lets the inputs stage
    record which fallback supplied it (AgentInput.supplied), so the trace and explain can say so."""

    __slots__ = ("how",)


class SuppliedChoice(str):
    """A choice metric's `missing:` id given to an empty cell; `how` as for Supplied."""

    __slots__ = ("how",)


def mark_supplied(value: object, how: str) -> object:
    if not isinstance(value, (Decimal, str)):
        return value
    marked = SuppliedChoice(value) if isinstance(value, str) else Supplied(value)
    marked.how = how
    return marked

_DURATION_UNITS = {
    **dict.fromkeys(("秒", "秒钟", "s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("分", "分钟", "min", "mins", "minute", "minutes", "m"), 60),
    **dict.fromkeys(("小时", "时", "h", "hr", "hrs", "hour", "hours"), 3600),
}
_MONEY_UNITS = {**dict.fromkeys(("元", "人民币", "rmb", "yuan", "¥"), 1), **dict.fromkeys(("万元", "万"), 10_000)}
_RATIO_UNITS = {"%": 1}
_COUNT_UNITS = dict.fromkeys(("人", "个", "次", "单", "件", "人次"), 1)
_UNITS: Mapping[str, Mapping[str, int]] = {
    "duration": _DURATION_UNITS,
    "money": _MONEY_UNITS,
    "number": _MONEY_UNITS,
    "ratio": _RATIO_UNITS,
    "count": _COUNT_UNITS,
}
_KIND_ZH = {"duration": "时长", "money": "金额", "number": "数值", "ratio": "比例", "count": "计数"}
_UNITS_SHOWN = {
    "duration": ("秒", "分", "小时"),
    "money": ("元", "万元"),
    "number": ("元", "万元"),
    "ratio": ("%",),
    "count": ("人", "个", "次", "单", "件"),
}


@dataclass(frozen=True, slots=True)
class Field:
    """One column the caller wants, how to find its header, and how to read its cells."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    required: bool = True
    missing: Decimal | str | None = "error"
    percent: bool = False
    choices: Mapping[str, str] = field(default_factory=dict)
    # Values the cells may hold, as stored (ratios as fractions); None leaves that side open.
    range: tuple[Decimal | None, Decimal | None] = (None, None)
    # Placeholder texts the policy declared (`延迟统计`): a number, or None for "missing".
    placeholders: Mapping[str, Decimal | None] = field(default_factory=dict)
    # Where the policy lists more headers for this column (`metrics.sales.aliases`, `columns.agent`), so a
    # message about a missing column can say which line to add; "" when the policy cannot name it.
    alias_key: str = ""
    policy_aliases: tuple[str, ...] = ()  # the headers the policy already lists there

    def __post_init__(self) -> None:
        # A bad Field is a bug in the caller, not in the user's file: fail loudly, at once.
        if self.kind not in KINDS:
            raise ValueError(f"field {self.name!r}: kind {self.kind!r} is not one of {KINDS}")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"field {self.name!r}: a choice field needs choices")


def column_letter(index: int) -> str:
    """The spreadsheet letter of the 0-based column `index`: 0 → A, 25 → Z, 26 → AA, 18278 → AAAA."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True, slots=True)
class Column:
    """A field bound to the column that holds it in this file, with its reader."""

    field: Field
    index: int
    header: str  # the header text as found in the file
    read: Callable[[object, int], object]  # read(raw, shown) -> value, or raises CellError

    @property
    def label(self) -> str:
        """`首次响应时间 (F)`: how issues name a column, header text plus spreadsheet letter."""
        return f"{self.header} ({column_letter(self.index)})"


def bind(f: Field, index: int, header: str) -> Column:
    """The column reading `f` under `header`, or a CellError when the header's unit contradicts it."""
    unit = header_unit(header)
    scale, percent = 1, f.percent
    own = _UNITS.get(f.kind, {})
    if unit in own:
        scale = own[unit]
        percent = percent or f.kind == "ratio"
    elif f.kind in _UNITS and any(unit in units for units in _UNITS.values()):
        units = _UNITS_SHOWN[f.kind]
        shown = " or ".join((", ".join(units[:-1]), units[-1])) if len(units) > 1 else units[0]
        raise CellError(
            f"the header names the unit {unit!r}, but {f.name!r} is a {f.kind}; expected {shown} or no unit; "
            "check that this is the right column, or rename the header",
            f"表头的单位是 {unit!r}，但 {f.name!r} 是{_KIND_ZH[f.kind]}；期望单位为 {'、'.join(units)} "
            "或不写单位；"
            "请确认这一列是否选对，或修改表头",
        )
    return Column(f, index, header.strip(), _reader(f, _parser(f, scale, percent)))


def _parser(f: Field, scale: int, percent: bool) -> Callable[[object, int], object]:
    """The cell parser for `f`, called as parse(raw, shown) whatever the kind; `shown` is AS_STORED,
    FRACTION or PERCENT_TEXT, and only ratios depend on it."""
    kind = f.kind
    if kind == "ratio":
        return lambda raw, shown: parse_ratio(raw, percent=percent or shown == PERCENT_TEXT, fraction=shown == FRACTION)
    if kind == "choice":
        return lambda raw, _: parse_choice(raw, f.choices)
    if kind == "duration":
        return lambda raw, _: parse_duration(raw, scale)
    if kind in ("money", "number"):
        return lambda raw, _: parse_number(raw, scale)
    parse = {"text": parse_text, "id": parse_id, "period": parse_period, "date": parse_date, "datetime": parse_datetime,
             "count": parse_count}[kind]
    return lambda raw, _: parse(raw)


def _reader(f: Field, parse: Callable[[object, int], object]) -> Callable[[object, int], object]:
    """read(raw, shown): declared placeholders first, then the parser, then the range.

    A numeric column refuses a placeholder (`延迟统计`, `N/A`) the policy did not declare, since
    any number put there would be a guess; a text column (agent, team) takes one as empty. No
    missing marker or placeholder parses as a number, so a numeric column asks what a cell means
    only once the parser has refused it: the common cell pays for the parse alone.
    """
    declared = {fold(text): value for text, value in f.placeholders.items()}
    low, high = f.range
    bounded = low is not None or high is not None

    def declared_meaning(raw: object) -> object:
        key = fold(raw)
        if key in declared:
            value = declared[key]
            return _missing(f, raw, key) if value is None else mark_supplied(value, f"placeholder:{str(raw).strip()}")
        return _UNDECLARED

    def read_number(raw: object, shown: int) -> object:
        if raw is None:
            return _missing(f, raw, None)
        if declared and raw.__class__ is str:
            value = declared_meaning(raw)
            if value is not _UNDECLARED:
                return value
        try:
            value = parse(raw, shown)
        except CellError:
            if is_missing(raw):
                return _missing(f, raw, None)
            meaning = placeholder_meaning(raw)
            if meaning is not None:
                raise _placeholder_error(raw, meaning) from None
            raise
        if bounded and ((low is not None and value < low) or (high is not None and value > high)):
            raise _range_error(f, raw, value)
        return value

    def read_text(raw: object, shown: int) -> object:
        if is_missing(raw) or placeholder_meaning(raw) is not None:
            return _missing(f, raw, None)
        return parse(raw, shown)

    def read_id(raw: object, shown: int) -> object:
        value = read_text(raw, shown)
        if value or f.missing != "error":
            return value or f.missing
        # Only invisible characters (a zero-width space pasted from a chat window): no id at all.
        raise CellError(
            f"expected an id, got {show(raw)}, which holds only invisible characters; type the id again",
            f"期望一个账号（工号），实际是 {show(raw)}，其中只有不可见字符；请重新输入",
        )

    def read_choice(raw: object, shown: int) -> object:
        # A declared text wins over the generic markers: a value may be labelled 无 or N/A.
        if raw.__class__ is str and (text := raw.strip()) in f.choices:
            return f.choices[text]
        return read_text(raw, shown)

    if f.kind in NUMERIC_KINDS:
        return read_number
    return {"choice": read_choice, "id": read_id}.get(f.kind, read_text)


def _missing(f: Field, raw: object, placeholder: str | None) -> object:
    if f.missing != "error":
        if f.kind not in NUMERIC_KINDS and f.kind != "choice":  # a text's default, not a metric's value
            return f.missing
        return mark_supplied(f.missing, "missing" if placeholder is None else f"placeholder-missing:{str(raw).strip()}")
    if placeholder is not None:
        raise CellError(
            f"{show(raw)} is declared missing for {f.name!r}, and the metric has no `missing:` value; "
            "declare `missing: 0` (or the number it stands for), or export again when the value is final",
            f"{show(raw)} 在指标 {f.name!r} 中声明为缺失，而该指标没有 `missing:` 取值；"
            "请声明 `missing: 0`（或它代表的数值），或等数据最终确定后重新导出",
        )
    empty = raw is None or not str(raw).strip()
    found, found_zh = ("an empty cell", "空单元格") if empty else (show(raw), show(raw))
    if f.kind in NUMERIC_KINDS:
        raise CellError(
            f"expected a value, got {found}; fill it in, or declare `missing:` on the metric",
            f"期望一个数值，实际是{found_zh}；请补上，或在指标上声明 `missing:`",
        )
    if f.kind == "choice":
        allowed = ", ".join(dict.fromkeys(f.choices))
        raise CellError(
            f"expected one of {allowed}, got {found}; fill it in, or declare `missing:` on the metric "
            "with the id of the value an empty cell stands for",
            f"期望以下之一：{'、'.join(dict.fromkeys(f.choices))}，实际是{found_zh}；请补上，"
            "或在指标上声明 `missing:`（写空单元格所代表取值的标识）",
        )
    raise CellError(f"expected a value, got {found}", "此处不能为空" if empty else f"此处不能为空，实际是 {found_zh}")


def _placeholder_error(raw: str, meaning: tuple[str, str]) -> CellError:
    text = raw.strip()
    return CellError(
        f"{show(raw)} {meaning[0]}, or declare `placeholders: {{{text}: missing}}` (or a number) on the metric",
        f"{show(raw)} {meaning[1]}；或在指标上声明 `placeholders: {{{text}: missing}}`（或一个数值）",
    )


def _range_error(f: Field, raw: object, value: Decimal) -> CellError:
    low, high = f.range
    text = raw.strip() if isinstance(raw, str) else show(raw)
    if (
        f.kind == "ratio"
        and not f.percent
        and "%" not in text
        and high is not None
        and value > high
        and (low is None or low <= value * _HUNDREDTH <= high)
    ):
        fraction = value * _HUNDREDTH
        return CellError(
            f"ratio {text} is outside {_span(low, high, '')} ({_span(low, high, '%')}): did you mean {text}%? "
            f"write {text}% or {fraction}, or declare the metric `type: percent`",
            f"期望一个比例（如 45.00% 或 0.45），实际是 {show(raw)}，超出 {_span(low, high, '')}"
            f"（{_span(low, high, '%')}）；是否漏了百分号？"
            f"请写成 {text}% 或 {fraction}，或把指标声明为 `type: percent`",
        )
    side, side_zh = ("below", "低于") if low is not None and value < low else ("above", "高于")
    unit = "%" if f.kind == "ratio" else ""
    shown = f"{show(raw)} (read as {value * _HUNDRED}%)" if unit and "%" not in text else show(raw)
    shown_zh = f"{show(raw)}（即 {value * _HUNDRED}%）" if unit and "%" not in text else show(raw)
    return CellError(
        f"{f.name} value {shown} is {side} its range {_span(low, high, unit)}; "
        "check the cell, or widen the metric's `range:` in the policy",
        f"指标 {f.name} 的值 {shown_zh} {side_zh}取值范围 {_span(low, high, unit)}；"
        "请检查单元格，或在方案中放宽该指标的 `range:`",
    )


def _span(low: Decimal | None, high: Decimal | None, unit: str) -> str:
    """`0–1`, `0 %–100 %`, `≥ 0` or `≤ 5`: a range as a message shows it."""

    def shown(value: Decimal) -> str:
        return f"{(value * _HUNDRED).normalize():f} %" if unit else f"{value.normalize():f}"

    if low is None:
        return f"≤ {shown(high)}" if high is not None else "any value"
    if high is None:
        return f"≥ {shown(low)}"
    return f"{shown(low)}–{shown(high)}"



def key_clashes(path: str, fields: Sequence[Field], what: str, what_zh: str) -> list[DataIssue]:
    """The agent headers a policy names itself (`roster.key`: the first field's) that another column of
    a file it reads (an events or adjustments file: `what`) is found under too: which column such a
    header names would be a guess, so each is an error at the file, naming the other column."""
    agent, *others = fields
    owners = {header_key(text): f.name for f in others for text in (f.name, *f.aliases)}
    return [DataIssue(path, 0, "", f"the agent column's header {text!r} (roster.key) is also a header of {what}'s "
                      f"{owners[header_key(text)]!r} column; give the agent column a header of its own",
                      zh=f"客服账号列的表头 {text!r}（roster.key）也是{what_zh}中 {owners[header_key(text)]!r} "
                      "列的表头；请给客服账号列一个独有的表头")
            for text in agent.aliases if header_key(text) in owners]
