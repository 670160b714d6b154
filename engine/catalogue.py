"""The catalogue of diagnostics (`engine.diagnostics`): each code's entry, its kinds and their texts.

Kept apart from the vocabulary every stage imports (codes, problems, texts) because a policy with
nothing to say never reads it: `engine.diagnostics.catalogue()` imports this module the first time
a problem is named (issue 19).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.diagnostics import DID_YOU_MEAN, Code, Severity, Text


@dataclass(frozen=True, slots=True)
class Kind:
    """One way a problem shows: one message template, its hint templates by name ("" is the one
    given unless the call names another), and its severity when it differs from the code's."""

    message: Text
    hints: Mapping[str, Text] = field(default_factory=dict)
    severity: Severity | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """Everything about one code: what it is about and every kind of problem it names."""

    code: Code
    severity: Severity
    section: str  # the policy section or stage it is about
    rules: tuple[str, ...]  # rule ids of docs/rules.md it enforces, if any
    summary: str  # README's Checks table, one line
    kinds: Mapping[str, Kind]  # "" is the kind used unless the call names one

    @property
    def severities(self) -> tuple[Severity, ...]:
        """Every severity the code's kinds have, errors first."""
        found = {kind.severity or self.severity for kind in self.kinds.values()}
        return tuple(s for s in Severity if s in found)


# -- the catalogue ----------------------------------------------------------------------------

_E, _W = Severity.ERROR, Severity.WARNING


def _kind(en: str, zh: str, hint: tuple[str, str] | Text | None = None, *, hints: Mapping[str, Text] | None = None,
          severity: Severity | None = None) -> Kind:
    found = dict(hints or {})
    if hint is not None:
        found[""] = hint if isinstance(hint, Text) else Text(*hint)
    return Kind(Text(en, zh), found, severity)


def _entries(*entries: Entry) -> dict[Code, Entry]:
    return {entry.code: entry for entry in entries}


def _entry(code: Code, section: str, rules: tuple[str, ...], summary: str, usual: Kind | None = None, /, *,
           severity: Severity = _E, **kinds: Kind) -> Entry:
    return Entry(code, severity, section, rules, summary, {**({"": usual} if usual else {}), **kinds})


def _listing(en: str, zh: str) -> dict[str, Text]:
    """did-you-mean when a close name was found, else the list of what is declared ("list")."""
    return {"close": DID_YOU_MEAN, "list": Text(en, zh)}


_SHANGHAI = ("Shanghai: 2740 from 2025-07-01", "上海：2025-07-01 起 2740")
_END_BEFORE = ("end it the day before the next starts, or leave to: out", "请让它在下一项开始前一天结束，或省略 to:")
_NEW_VERSION = ("write a new policy version for such a change", "这类改动请写成新的方案版本")
_FINE = "（允许罚款的《企业职工奖惩条例》已于 2008 年废止）"
_CONDITION = Text("compare it, e.g. x > 0", "请写成比较，如 x > 0")  # JX225 where a condition is needed
_MORE = ("… and {rest:,} more problems (only the first {shown} are shown)",
         "……另有 {rest} 个问题（只显示前 {shown} 个）")

CATALOGUE: dict[Code, Entry] = _entries(
    # -- JX0xx: loading the file (engine.policy.load) --
    _entry(Code.JX001, "file", (), "unreadable file, not UTF-8, or YAML syntax error",
           unreadable=_kind("cannot read file: {reason}", "无法读取文件：{reason}"),
           not_utf8=_kind("file is not UTF-8 text", "文件不是 UTF-8 文本（请用 UTF-8 编码保存）"),
           forbidden=_kind("YAML syntax: {reason}{character}", "YAML 语法错误：文件中有不允许的字符{character}"),
           syntax=_kind("YAML syntax: {problem}", "YAML 语法错误：{problem}")),
    _entry(Code.JX002, "file", (), "duplicate key",
           _kind("duplicate key '{key}' (first at line {first})", "重复的键 '{key}'（第一次出现在第 {first} 行）")),
    _entry(Code.JX003, "file", (), "anchors or aliases (refused in untrusted policies)",
           alias=_kind("aliases (*name) are not allowed in a policy", "方案中不允许使用别名引用（*name）"),
           anchor=_kind("anchors (&{anchor}) are not allowed", "方案中不允许使用锚点（&{anchor}）")),
    _entry(Code.JX004, "file", (), "explicit tags (refused in untrusted policies)",
           _kind("explicit tags ({tag}) are not allowed", "方案中不允许使用显式标签（{tag}）")),
    _entry(Code.JX005, "file", (), "merge keys `<<` (refused in untrusted policies)",
           _kind("merge keys (<<) are not allowed; write the keys out", "不允许使用合并键（<<）；请把键逐个写出")),
    _entry(Code.JX006, "file", (), "nesting deeper than 32 levels, or more than 50,000 nodes",
           depth=_kind("nesting deeper than {depth} levels", "嵌套超过 {depth} 层"),
           nodes=_kind("more than {nodes} YAML nodes", "YAML 节点超过 {nodes} 个")),
    _entry(Code.JX007, "file", (), "file over 2 MiB",
           _kind("file is larger than {kib} KiB; a policy is a short text file",
                 "文件超过 {kib} KiB；方案应是一个简短的文本文件")),
    _entry(Code.JX008, "file", (), "a non-finite number, or one with too many digits",
           digits=_kind("number {start}… has too many digits", "数字 {start}… 位数过多"),
           non_finite=_kind("non-finite number {text} is not allowed", "不允许使用非有限数 {text}"),
           range=_kind("number {start} is out of range", "数字 {start} 超出范围")),
    _entry(Code.JX009, "file", (), "a mapping key that is not plain text",
           _kind("mapping keys must be plain text", "映射的键必须是普通文本")),
    _entry(Code.JX010, "file", (), "several YAML documents in one file",
           _kind("only one YAML document per policy file", "一个方案文件只能有一个 YAML 文档（去掉多余的 ---）")),
    _entry(Code.JX011, "file", (), "empty file", _kind("the policy file is empty", "方案文件是空的")),
    _entry(Code.JX012, "file", (), "a control character or an invisible text-direction character in a text or key",
           control=_kind("text contains a control character ({character}); labels, aliases and keys must be printable",
                         "文本中含有控制字符（{character}）；名称、别名和键只能包含可打印字符",
                         ("retype the text; a \\ escape in double quotes may have produced it",
                          "请重新输入这段文字；双引号中的 \\ 转义可能产生了它")),
           bidi=_kind("text contains an invisible text-direction character ({character}); labels, aliases and keys "
                      "must be printable",
                      "文本中含有不可见的文字方向控制字符（{character}）；名称、别名和键只能包含可打印字符",
                      ("retype the text; a \\ escape in double quotes may have produced it",
                       "请重新输入这段文字；双引号中的 \\ 转义可能产生了它"))),
    _entry(Code.JX013, "file", (), "a list or mapping of more than 1,000 entries",
           list=_kind("list has more than {limit:,} entries; a policy needs far fewer",
                      "列表的条目超过 {limit} 个；方案用不到这么多"),
           mapping=_kind("mapping has more than {limit:,} entries; a policy needs far fewer",
                         "映射的条目超过 {limit} 个；方案用不到这么多")),
    _entry(Code.JX014, "file", (), "a full-width colon `：` after a key",
           _kind("full-width colon '：' at line {line}: YAML needs an ASCII colon ':' followed by a space",
                 "第 {line} 行用了中文全角冒号“：”：YAML 需要英文冒号“:”，后面再跟一个空格",
                 ("switch the input method to English for the colon", "把输入法切到英文再输入冒号"))),
    _entry(Code.JX015, "file", (), "a tab in the indentation",
           _kind("tab at line {line} col {column}: indent with spaces",
                 "第 {line} 行第 {column} 列有制表符（Tab）：YAML 只能用空格缩进",
                 ("replace the tab with spaces", "把 Tab 换成空格"))),
    _entry(Code.JX016, "file", (), "no space after `:`",
           _kind("missing space after ':' at line {line}: YAML reads '{key}:…' as one text, not a key",
                 "第 {line} 行冒号后缺少空格：YAML 会把“{key}:…”当成一段文本，而不是键",
                 ("write '{key}: …' with a space after the colon", "写成“{key}: …”，冒号后加一个空格"))),
    _entry(Code.JX017, "file", (), "a key indented less than the keys around it",
           _kind("'{key}' at line {line} is indented less than the keys around it: indent it {spaces} spaces like "
                 "line {next}", "第 {line} 行的 '{key}' 比上下的键缩进得少：请像第 {next} 行一样缩进 {spaces} 个空格")),
    _entry(Code.JX018, "file", (), "`extends:` a base file that cannot be read, or that is not a policy",
           missing=_kind("extends: cannot read the base policy {base}: {reason}",
                         "extends：无法读取基础方案 {base}：{reason}",
                         ("the path is relative to this file's folder", "路径相对于本文件所在的文件夹")),
           not_text=_kind("extends: must be the path of one base policy file, relative to this file",
                          "extends：应为一个基础方案文件的路径（相对于本文件）"),
           too_deep=_kind("extends: more than {limit} files in the chain", "extends：继承链超过 {limit} 个文件")),
    _entry(Code.JX019, "file", (), "`extends:` coming back to a file already in the chain",
           _kind("extends: {base} is already in the chain ({chain}): a policy cannot extend itself",
                 "extends：{base} 已在继承链中（{chain}）：方案不能继承自身")),
    _entry(Code.JX020, "file", (), "`remove:` naming what the base does not have, or not a list of dotted keys",
           absent=_kind("remove: '{key}' is not in the base policy {base}", "remove：基础方案 {base} 中没有 '{key}'",
                        ("write the dotted path of a key, e.g. pay.team_bonus", "请写键的点分路径，如 pay.team_bonus")),
           not_list=_kind("remove: must be a list of dotted keys (pay.team_bonus), with extends:",
                          "remove：应为点分键路径的列表（如 pay.team_bonus），并与 extends: 一起使用")),
    # -- JX1xx: the schema (engine.policy.check) --
    _entry(Code.JX101, "schema", (), "unknown key (with the allowed keys)",
           _kind("unknown key '{key}' in {where}", "{where} 中有未知的键 '{key}'",
                 ("allowed: {allowed}", "允许的键：{allowed}"))),
    _entry(Code.JX102, "schema", (), "missing required key",
           _kind("{where} is missing required key '{missing}'", "{where} 缺少必需的键 '{missing}'")),
    _entry(Code.JX103, "schema", (), "a value of the wrong type",
           _kind("{where} must be {expected}, got {found}", "{where} 类型错误：应为{expected}，实际是{found}",
                 hints={"quote": Text("quote it to make it text", "加上引号使其成为文本")})),
    _entry(Code.JX104, "schema", (), "a value not allowed there, or too many or too few entries",
           _kind("{where}: {message}", "{where}：不符合要求：{message}"),
           enum=_kind("{where}: {shown} is not one of {options}", "{where}：{shown} 不是可选值之一（{options}）"),
           pattern=_kind("{where}: {shown} does not match the pattern {pattern}",
                         "{where}：{shown} 不符合格式 {pattern}"),
           minimum=_kind("{where}: {shown} must be at least {limit}", "{where}：{shown} 必须不小于 {limit}"),
           exclusive_minimum=_kind("{where}: {shown} must be more than {limit}", "{where}：{shown} 必须大于 {limit}"),
           maximum=_kind("{where}: {shown} must be at most {limit}", "{where}：{shown} 必须不大于 {limit}"),
           exclusive_maximum=_kind("{where}: {shown} must be less than {limit}", "{where}：{shown} 必须小于 {limit}"),
           min_entries=_kind("{where}: needs at least {limit} entries", "{where}：至少需要 {limit} 项"),
           max_entries=_kind("{where}: has more than {limit} entries", "{where}：超过 {limit} 项"),
           min_length=_kind("{where}: {shown} must be at least {limit} characters long",
                            "{where}：{shown} 长度必须至少 {limit} 个字符"),
           max_length=_kind("{where}: {shown} must be at most {limit} characters long",
                            "{where}：{shown} 长度必须最多 {limit} 个字符"),
           unique=_kind("{where}: entries must not repeat", "{where}：各项不能重复"),
           not_here=_kind("{where}: '{key}' does not apply here", "{where}：此处不适用 '{key}'"),
           forbidden_key=_kind("{where}: has a key that is not allowed here", "{where}：含有此处不允许的键")),
    _entry(Code.JX105, "schema", (), "an id that is not a valid id",
           _kind("'{key}' in {where} is not a valid id", "{where} 中的 '{key}' 不是有效的标识",
                 ("use lower-case letters, digits and _, starting with a letter",
                  "请用小写英文字母、数字和 _，并以字母开头"),
                 hints={"grade": Text("use letters, digits, - and _ (e.g. A0)",
                                      "请用英文字母、数字、- 和 _（如 A0）")})),
    # -- JX2xx: meaning (engine.policy.check_*) --
    _entry(Code.JX201, "expressions", (), "unknown name in an expression (did-you-mean)",
           _kind("unknown name '{name}' in expression", "表达式中有未知的名称 '{name}'",
                 hints={"close": DID_YOU_MEAN,
                        "declare": Text("declare {name}s: in the policy to use {name}",
                                        "要使用 {name}，请在方案中声明 {name}s:")})),
    _entry(Code.JX202, "expressions", (),
           "refused expression (including `min`/`max` with one argument, a `**` exponent that is not a written number "
           "≤ 100, `in` a text, text compared with what is not a role, grade, rating or choice metric)",
           refused=_kind("expression refused: {reason} (at column {column} of the expression)",
                         "表达式不被接受：{reason}（表达式第 {column} 列）"),
           in_text=_kind("'in' needs a list of texts, e.g. role in ('agent', 'supervisor')",
                         "'in' 后面需要一组文本，例如 role in ('agent', 'supervisor')"),
           text_compared=_kind("text can only be compared with role, grade, rating or a choice metric",
                               "文本只能与 role、grade、rating 或选项型指标比较")),
    _entry(Code.JX203, "expressions", (), "expression over 1,000 characters",
           _kind("expression is {length} characters long; the limit is {limit}",
                 "表达式长 {length} 个字符，上限是 {limit}")),
    _entry(Code.JX204, "kpis", ("S0.1",), "KPI weights do not sum to the total",
           _kind("KPI weights sum to {total}, expected {expected} ({parts})",
                 "考核项权重之和为 {total}，应为 {expected}（{parts}）")),
    _entry(Code.JX205, "kpis, pay", ("S0.3",), "bands or tiers with a gap, or an open end that is not first or last",
           no_from=_kind("only the first band may leave out 'from'", "只有第一档可以省略 from"),
           no_to=_kind("only the last band may leave out 'to'", "只有最后一档可以省略 to"),
           gap=_kind("gap between bands: {gap} is not covered", "档位之间有空缺：{gap} 没有被覆盖")),
    _entry(Code.JX206, "kpis, pay", ("S0.3",), "bands or tiers that overlap",
           _kind("bands overlap: this band starts at {low}, the previous one ends at {previous}",
                 "档位重叠：这一档从 {low} 开始，上一档到 {previous} 才结束")),
    _entry(Code.JX207, "kpis, pay", (), "a band or tier that is empty, reversed or out of order",
           empty=_kind("band {band} is empty or reversed: from must be below to",
                       "档位 {band} 为空或上下颠倒：from 必须小于 to"),
           order=_kind("bands out of order: {this} comes after {before}; sort by from",
                       "档位顺序错误：{this} 排在 {before} 之后；请按 from 从小到大排列")),
    _entry(Code.JX208, "kpis, aggregates", ("S0.2",), "unknown metric",
           _kind("unknown metric '{name}'", "未知的指标 '{name}'",
                 hints=_listing("metrics: {options}", "已声明的指标：{options}"))),
    _entry(Code.JX209, "pay, score", ("S0.5",), "unknown pay component",
           _kind("unknown pay component '{name}'", "未知的薪酬项 '{name}'",
                 hints=_listing("pay components: {options}", "已声明的薪酬项：{options}"))),
    _entry(Code.JX210, "pay, roles, grades", ("S0.3", "S0.6", "S4.1", "S4.2"),
           "unknown grade or role (also in `roles:` and floor tables), a pay or floor table missing one it applies to",
           unknown=_kind("unknown {noun} '{name}'", "未知的{noun} '{name}'",
                         hints=_listing("{noun}s: {options}", "已声明的{noun}：{options}")),
           unknown_text=_kind("unknown {subject} '{text}'", "未知的 {subject} '{text}'",
                              ("{subject}s: {options}", "已声明的 {subject}：{options}")),
           table_needs_section=_kind("pay by {key} needs a '{key}s:' section in the policy",
                                     "按{noun}发薪需要在方案中声明 '{key}s:'"),
           no_amount=_kind("no amount for {key} '{choice}'", "{noun} '{choice}' 没有对应的金额",
                           ("every declared {key} needs an entry", "每个已声明的{noun}都需要一项")),
           roles_need_section=_kind("paying by role needs a 'roles:' section in the policy",
                                    "按岗位发放需要在方案中声明 'roles:'"),
           floor_needs_section=_kind("a floor by {key} needs a '{key}s:' section in the policy",
                                     "按{noun}设保底需要在方案中声明 '{key}s:'"),
           no_floor=_kind("no floor for {key} '{choice}'", "{noun} '{choice}' 没有保底金额",
                          ("the minimum applies to {key} '{choice}': give it a floor",
                           "这个保底适用于{noun} '{choice}'：请给出保底金额"),
                          hints={"role": Text("the minimum applies to {key} '{choice}': give it a floor, or leave it "
                                              "out of roles:", "这个保底适用于{noun} '{choice}'：请给出保底金额，"
                                              "或把它从 roles: 中去掉")})),
    _entry(Code.JX211, "derived", (), "a loop among derived metrics (each loop once, ten members named)",
           _kind("derived metrics form a cycle: {chain}", "派生指标互相引用，形成循环：{chain}"),
           long=_kind("derived metrics form a cycle: {chain} … and {more:,} more -> {last}",
                      "派生指标互相引用，形成循环：{chain} ……另有 {more} 个 -> {last}")),
    _entry(Code.JX212, "names", (), "duplicate or reserved name",
           reserved=_kind("'{name}' is a reserved name", "'{name}' 是保留名称，不能使用",
                          ("reserved: {reserved}", "保留名称：{reserved}")),
           declared_twice=_kind("name '{name}' is already declared at line {line} ({stage})",
                                "名称 '{name}' 已在第 {line} 行声明过（{stage}）"),
           pay_is_kpi=_kind("pay component '{name}' has the name of the KPI at line {line}; reports need distinct "
                            "columns", "薪酬项 '{name}' 与第 {line} 行的考核项同名；报表中的列名必须各不相同")),
    _entry(Code.JX213, "kpis", ("S0.1",), "KPI scoring method missing or doubled, or `closed` without `bands`",
           no_method=_kind("KPI '{name}' needs exactly one of linear, bands or formula",
                           "考核项 '{name}' 必须且只能有 linear、bands、formula 其中之一"),
           methods=_kind("KPI '{name}' needs exactly one of linear, bands or formula (has {methods})",
                         "考核项 '{name}' 必须且只能有 linear、bands、formula 其中之一（现在有 {methods}）"),
           no_metric=_kind("KPI '{name}' scores a metric: add 'metric:'",
                           "考核项 '{name}' 按指标计分：请加上 'metric:'"),
           closed=_kind("'closed' of KPI '{name}' belongs beside 'bands:'",
                        "考核项 '{name}' 的 'closed' 只能与 'bands:' 一起使用")),
    _entry(Code.JX214, "kpis", ("S0.1",), "band points above the KPI's weight (or its `scale`)",
           _kind("band gives {points} points, more than the KPI's weight {weight}",
                 "这一档给 {points} 分，超过了考核项的权重 {weight}"),
           scale=_kind("band gives {points} points, more than the KPI's scale {scale}",
                       "这一档给 {points} 分，超过了考核项的满分 {scale}")),
    _entry(Code.JX215, "expressions", (), "a constant expression that cannot be computed (`4000000**4000000`, `1/0`)",
           _kind("'{segment}' cannot be computed: {problem}", "'{segment}' 无法计算：{problem}")),
    _entry(Code.JX216, "score", ("S0.5",), "ratings not best-to-worst, or no catch-all",
           no_min=_kind("rating '{name}' has no min, so it must come last", "评级 '{name}' 没有 min，所以必须放在最后"),
           order=_kind("ratings must go from best to worst: min {floor} is not below {previous}",
                       "评级必须从高到低排列：min {floor} 不低于 {previous}"),
           last_min=_kind("the last rating needs no min, so that every score gets a rating",
                          "最后一个评级不应有 min，这样每个分数都有评级")),
    _entry(Code.JX217, "expressions, pay", ("S0.1", "S0.2", "S4.2"), "a name read before it is computed",
           _kind("'{name}' ({stage}) is computed after this expression, so it cannot be read here",
                 "'{name}'（{stage}）在这个表达式之后才计算，这里不能读取"),
           minimum=_kind("'{target}' comes after this minimum; list components computed before it",
                         "'{target}' 在这个保底之后才计算；只能列出在它之前计算的薪酬项")),
    _entry(Code.JX218, "kpis", (), "an empty linear range (from equals to)",
           _kind("linear scoring needs from and to to differ", "线性计分的 from 和 to 不能相等")),
    _entry(Code.JX219, "aggregates", ("S0.4",), "an aggregate of a team value",
           _kind("aggregate '{name}' must be over an agent metric; '{of}' is already a team value",
                 "团队汇总 '{name}' 必须基于个人指标；'{of}' 已经是团队指标")),
    _entry(Code.JX220, "policy, score", (), "a rounding step that is not a power of ten from 1 to 0.0001",
           _kind("{quantum} is not a power of ten from 1 down to 0.0001 (use 1, 0.1, 0.01 …)",
                 "{quantum} 不是 1 到 0.0001 之间的 10 的幂（请用 1、0.1、0.01 ……）")),
    _entry(Code.JX221, "pay", ("S0.3",), "marginal tiers not starting at 0",
           _kind("marginal tiers must start at from: 0, so every slice has a rate",
                 "分段（marginal）提成的第一档必须从 from: 0 开始，这样每一段都有提点")),
    _entry(Code.JX222, "metrics", (), "a header text that would name two columns",
           _kind("column header '{text}' would name both {owner} and {me}", "列名 '{text}' 会同时指向{owner}和{me}",
                 ("give each column its own label and aliases", "请给每一列使用不同的名称和别名"))),
    _entry(Code.JX223, "kpis, pay", (),
           "linear bounds, a band or a tier outside the range of the metric it reads (`30–40` on a ratio: did you "
           "mean 0.30–0.40?)",
           linear=_kind("{type} bounds {low}–{high} lie outside {shown}",
                        "{type}的上下限 {low}–{high} 在 {shown} 之外（每个人的得分都会相同）",
                        ("metric '{metric}' holds values in {shown}; everyone would score the same",
                         "指标 '{metric}' 的取值范围是 {shown}")),
           linear_percent=_kind("{type} bounds {low}–{high} lie outside {shown}: did you mean {meant}?",
                                "{type}的上下限 {low}–{high} 在 {shown} 之外："
                                "是不是想写 {meant}？（每个人的得分都会相同）",
                                ("metric '{metric}' holds values in {shown}; everyone would score the same",
                                 "指标 '{metric}' 的取值范围是 {shown}")),
           band=_kind("band {band} lies outside {shown}, so no {type} value reaches it",
                      "档位 {band} 在 {shown} 之外，没有任何{type}能落入",
                      ("metric '{metric}' holds values in {shown}", "指标 '{metric}' 的取值范围是 {shown}")),
           band_percent=_kind("band {band} lies outside {shown}, so no {type} value reaches it: did you mean {meant}?",
                              "档位 {band} 在 {shown} 之外，没有任何{type}能落入：是不是想写 {meant}？",
                              ("metric '{metric}' holds values in {shown}", "指标 '{metric}' 的取值范围是 {shown}"))),
    _entry(Code.JX224, "metrics", (),
           "a metric `range` with min above max, or a `missing`/placeholder value outside it",
           reversed=_kind("range of metric '{name}' has min {low} above max {high}",
                          "指标 '{name}' 的 range 中 min {low} 大于 max {high}", ("swap min and max",
                                                                            "交换 min 和 max")),
           outside=_kind("{field} value {value} of metric '{name}' lies outside its {type} range {shown}",
                         "指标 '{name}' 的 {field} 值 {value} 超出了{type}范围 {shown}",
                         hints={"percent": Text("did you mean {meant}?", "是不是想写 {meant}？")})),
    _entry(Code.JX225, "expressions", (),
           "a type error in an expression (arithmetic on true/false or text, a number where a condition belongs)",
           gives=_kind("the expression gives {found} where {want} is needed (at column {column} of the expression)",
                       "表达式的结果是{found}，这里需要{want}（表达式第 {column} 列）",
                       hints={"condition": _CONDITION,
                              "amount": Text("text has no amount: turn it into one, "
                                             "e.g. 100 if {subject} == '…' else 0",
                                             "文本没有数值：请换算成数字，如 100 if {subject} == '…' else 0")}),
           needs=_kind("{operation} needs {wanted}, not {found} (at column {column} of the expression)",
                       "{operation}需要{wanted}，不能用{found}（表达式第 {column} 列）",
                       hints={"condition": _CONDITION}),
           if_else=_kind("both sides of 'if … else' must give the same type, not {first} and {second} (at column "
                         "{column} of the expression)",
                         "if … else 两边的结果类型必须相同，不能一边是{first}一边是{second}（表达式第 {column} 列）",
                         hints={"condition": _CONDITION}),
           compare=_kind("cannot compare {left} with {right} (at column {column} of the expression)",
                         "不能把{left}与{right}比较（表达式第 {column} 列）",
                         hints={"condition": _CONDITION})),
    _entry(Code.JX226, "any section of named entries", (),
           "a key indented as its own entry (`linear:` under `kpis:`): indent it under the entry above",
           _kind("'{name}' looks like part of {noun} '{previous}' above it: indent it under that {noun}",
                 "'{name}' 看起来属于上面的{noun} '{previous}'：请把它缩进到该{noun}之下",
                 ("'{name}' is a key of a {noun}, not a {noun} of its own",
                  "'{name}' 是{noun}的一个键，而不是单独的{noun}"))),
    _entry(Code.JX227, "file", (), "more problems than shown (the first 200 are)",
           _kind(*_MORE), warnings=_kind(*_MORE, severity=_W)),
    _entry(Code.JX228, "any number", (), "a number of 10^15 or more",
           _kind("number {value} is too large: numbers in a policy must stay below 10^15",
                 "数字 {value} 过大：方案中的数字必须小于 10 的 15 次方")),
    _entry(Code.JX229, "population, rankings", ("S1.5",),
           "a loop through a ranking or population value (ranking the pay that includes the rank prize; a gate "
           "cancelling a ranked component)",
           _kind("'{name}' reads its own result: {chain}", "'{name}' 读取了它自己的结果，形成循环：{chain}",
                 ("rank or sum a value that is computed without this result", "请对不依赖此结果的数值排名或统计"))),
    _entry(Code.JX230, "population, rankings", ("S1.5",),
           "a pay component or gate reads a population value taken over a measure written after it",
           _kind("'{name}' reads '{value}', which is taken over '{late}', written after '{name}'",
                 "'{name}' 读取了 '{value}'，而它统计的是在 '{name}' 之后才计算的 '{late}'",
                 ("move '{late}' above '{name}'", "请把 '{late}' 移到 '{name}' 之前"))),
    _entry(Code.JX231, "population, rankings", ("S1.5",),
           "a group that can never hold anyone: per role without `roles:`, or a `where` that is always false",
           no_roles=_kind("'{name}' is taken per role, but the policy declares no roles",
                          "'{name}' 按岗位分组，但方案没有声明任何岗位（roles:）",
                          ("declare roles: or take it over the team or the shop",
                           "请声明 roles:，或改为按组（team）或全店（shop）统计")),
           always_false=_kind("the condition of '{name}' is always false, so its group is empty",
                              "'{name}' 的条件永远不成立，统计的人群永远为空",
                              ("the condition must read something of the agent", "条件需要读取客服自己的数值"))),
    _entry(Code.JX232, "rankings", ("S1.5",),
           "`top` needs exactly one of `count` / `percent`; a percent needs `rounding` (30 % of 12 is 3.6); "
           "`rounding` belongs to a percent only",
           count_or_percent=_kind("the top of '{name}' needs exactly one of count or percent",
                                  "'{name}' 的 top 必须且只能写 count（人数）或 percent（百分比）其中之一",
                                  ("top: {{count: 3}} or top: {{percent: 30, rounding: floor}}",
                                   "例如 top: {{count: 3}} 或 top: {{percent: 30, rounding: floor}}")),
           rounding=_kind("the top {share} % of '{name}' needs rounding: floor, ceil or nearest",
                          "'{name}' 的前 {share} % 需要写明取整方式 rounding: floor（向下）、ceil（向上）"
                          "或 nearest（四舍五入）",
                          ("30 % of 12 agents is 3.6: floor gives 3, ceil and nearest 4",
                           "12 人的 30 % 是 3.6：floor 取 3，ceil 和 nearest 取 4")),
           count_rounding=_kind("rounding of '{name}' belongs to a percent top, not a count",
                                "'{name}' 的 rounding 只用于 percent，不用于 count")),
    _entry(Code.JX233, "kpis, score", ("S4.1",),
           "a scorecard half declared: `kpis:` without `score:` or `score:` without `kpis:` (a policy without a "
           "scorecard declares neither)",
           no_score=_kind("kpis: is declared but score: is not: a scorecard needs both", "声明了 kpis: 却没有 score:："
                          "考核评分表需要两者同时声明",
                          ("add score: {{total: …}}, or remove kpis: if the scheme has no scorecard (S4)",
                           "请补上 score: {{total: …}}；方案没有考核评分表（如 S4）时请删去 kpis:")),
           no_kpis=_kind("score: is declared but kpis: is not: a scorecard needs both", "声明了 score: 却没有 kpis:："
                         "考核评分表需要两者同时声明",
                         ("add the KPIs, or remove score: if the scheme has no scorecard (S4)",
                          "请补上各考核项；方案没有考核评分表（如 S4）时请删去 score:"))),
    _entry(Code.JX234, "expressions, reviews, population, rankings", ("S4.1",),
           "an expression or entry reads the score, the rating or a KPI's points of a policy without a scorecard",
           _kind("'{name}' is {what}, but this policy has no scorecard (no kpis: and score:), so there is none to read",
                 "'{name}' 是{what}，但本方案没有考核评分表（未声明 kpis: 与 score:），无从读取",
                 ("read the metric itself, e.g. assessment == 'fail' instead of score < 60",
                  "请直接读取指标，例如用 assessment == 'fail' 代替 score < 60"))),
    _entry(Code.JX235, "metrics", ("S4.1",),
           "`missing: absent` on a choice metric that also declares a value with the id `absent`: which is meant?",
           _kind("missing: absent of choice metric '{name}' would mean \"not assessed\", but '{name}' also declares a "
                 "value 'absent'",
                 "选项型指标 '{name}' 的 missing: absent 表示“未考核”，但 '{name}' 也声明了取值 'absent'，含义不明",
                 ("rename the value 'absent' (e.g. absent_day)", "请给取值 'absent' 换个标识（如 absent_day）"))),
    _entry(Code.JX236, "pay, metrics", ("S4.1",),
           "a table keyed by a choice metric that may be blank (`missing: absent`) with no row `absent` for the "
           "agents not assessed (a `default:` does not stand for them)",
           _kind("'{key}' may be blank (missing: absent, 未考核), but this table has no row for an agent not assessed: "
                 "{missing}",
                 "'{key}' 可以空白（missing: absent，未考核），但这张表没有未考核者的行：{missing}",
                 ("add a row absent: … saying what an agent not assessed is paid; a default: does not stand for "
                  "them, so nobody not assessed is paid by a guess",
                  "请写一行 absent: … 说明未考核者的金额；default: 不代表未考核，以免按猜测付钱"))),
    _entry(Code.JX237, "pay", ("S0.6", "S4.4"),
           "a table's key (`key:`, or `by:` of a floor or an amount) that is not role, grade, rating or a choice "
           "metric, a table keyed twice by one, or a tier's rate by table in marginal tiers",
           _kind("'{key}' is not something a table can be looked up by", "'{key}' 不能作为查表的依据",
                 hints=_listing("keys a table can use: {options}", "可用的依据：{options}")),
           twice=_kind("the table is keyed twice by '{key}'; its two keys must differ",
                       "这张表的两个依据都是 '{key}'；两个依据必须不同"),
           marginal=_kind("a tier's rate by role, grade … needs mode: retroactive; marginal tiers take one rate each",
                          "按岗位、等级等查表的档位提点需要 mode: retroactive；"
                          "超额累进（marginal）的每一档只能有一个提点")),
    _entry(Code.JX238, "pay", ("S0.6", "S4.4"),
           "a table row naming a value its key does not declare (a rating, a choice's value, a role or grade)",
           _kind("'{value}' is not a declared {what}", "'{value}' 不是已声明的{what}",
                 hints=_listing("declared: {options}", "已声明的{what}：{options}"))),
    _entry(Code.JX239, "pay", ("S0.6", "S4.4"),
           "a table by rating, by a choice or by two keys (or an amount by role) with no row for a value it can meet "
           "and no `default:`",
           _kind("no amount for {what} {missing}", "{what} {missing} 没有对应的金额",
                 ("give every combination a row, or a default: that pays the rows not listed",
                  "请为每种组合写一行，或写 default: 作为未列出的组合的金额"))),
    _entry(Code.JX240, "kpis, aggregates", ("S1.2",),
           "a choice metric where a number is needed (a KPI's `metric`, an aggregate's `of`)",
           kpi=_kind("a KPI's metric needs a number, but '{metric}' is a choice metric (it holds text)",
                     "考核项的指标需要数字，但 '{metric}' 是选项型指标（它的值是文本）",
                     ("turn it into points with a formula, e.g. formula: 10 if {metric} == '…' else 0",
                      "请用公式把它换成分数，例如 formula: 10 if {metric} == '…' else 0")),
           aggregate=_kind("an aggregate needs a number, but '{metric}' is a choice metric (it holds text)",
                           "团队汇总需要数字，但 '{metric}' 是选项型指标（它的值是文本）",
                           ("turn it into points with a formula, e.g. formula: 10 if {metric} == '…' else 0",
                            "请用公式把它换成分数，例如 formula: 10 if {metric} == '…' else 0"))),
    _entry(Code.JX241, "expressions", ("S1.2",),
           "a comparison with a text that is not a declared value's id (`'excelent'`, or the label `'优秀'`), with "
           "did-you-mean",
           _kind("'{text}' is not a declared value of {metric}; compare with a value's id",
                 "'{text}' 不是 {metric} 已声明的取值；比较时请写取值的标识（id）",
                 hints=_listing("values of {metric}: {options}", "{metric} 的取值：{options}"))),
    _entry(Code.JX242, "metrics", ("S1.2",),
           "`missing:` of a choice metric that is not `error` or a declared id; one label or alias naming two values",
           not_text=_kind("missing of choice metric '{name}' must be 'error' or the id of one of its values, not "
                          "{missing}",
                          "选项型指标 '{name}' 的 missing 只能是 'error' 或某个取值的标识，不能是 {missing}",
                          ("values: {options}", "可选的取值：{options}")),
           undeclared=_kind("missing of choice metric '{name}' names no declared value: '{missing}'",
                            "选项型指标 '{name}' 的 missing 指向未声明的取值 '{missing}'",
                            hints=_listing("values: {options}", "可选的取值：{options}")),
           not_choice=_kind("missing of metric '{name}' must be 'error' or a number; only a choice metric takes a "
                            "value's id",
                            "指标 '{name}' 的 missing 只能是 'error' 或一个数字；只有选项型指标才能写取值的标识"),
           clash=_kind("'{text}' names both '{owner}' and '{value}' of choice metric '{name}', so a cell holding it "
                       "could be read as either",
                       "'{text}' 同时指向选项型指标 '{name}' 的取值 '{owner}' 和 '{value}'，"
                       "单元格中出现它时无法判断是哪一个",
                       ("give each value its own label and aliases", "请给每个取值使用不同的名称和别名"))),
    _entry(Code.JX243, "pay", ("S4.2",),
           "a guarantee for a role not above that role's base pay, which it counts: it can never top anything up",
           _kind("guarantee {amount} for role '{role}' is not above that role's base pay {base} ({component}, line "
                 "{line}), so it can never top anything up",
                 "岗位 '{role}' 的保底 {amount} 不高于该岗位的底薪 {base}（{component}，第 {line} 行），"
                 "这个保底永远不会发挥作用",
                 ("check both amounts (S4.2: agent base 1200, guarantee 1500)",
                  "请核对两处金额（S4.2：客服底薪 1200，保底 1500）")), severity=_W),
    _entry(Code.JX244, "pay", ("S4.1",),
           "a `when:` that no role in the component's `roles:` can satisfy: it pays no one",
           _kind("this condition can never hold for the roles the component is paid to ({roles}), so it pays no one",
                 "对于该薪酬项适用的岗位（{roles}），这个条件永远不成立，因此不会发给任何人",
                 ("check roles: and the role in when:", "请核对 roles: 与 when: 中的岗位")), severity=_W),
    _entry(Code.JX245, "pay", ("S4.4",),
           "a table whose rows do not match its keys: amounts under a table by two keys, or a table of amounts "
           "under a table by one",
           two=_kind("row '{row}' must hold the amounts by {second} ({{{example}: …}}), not one amount",
                     "第一个依据为 '{row}' 的这一行必须按{second}列出金额（{{{example}: …}}），不能只写一个金额"),
           one=_kind("row '{row}' holds a table, but the table is looked up by {key} alone; write key: [{key}, …] "
                     "for two keys",
                     "'{row}' 这一行是一张表，但这张表只按 {key} 查找；按两个依据查表请写 key: [{key}, …]")),
    _entry(Code.JX246, "pay", ("S4.4",), "a table's `default:` that never applies: every value it can meet has a row",
           _kind("default {default} never applies: every {what} has a row",
                 "default {default} 永远用不上：每个{what}都已有一行",
                 ("remove default:, or remove the rows it should pay", "请删除 default:，或删除应由它支付的行")),
           severity=_W),
    _entry(Code.JX247, "pay_groups", ("S4.P4",),
           "a pay group listing what is no pay line, a guaranteed minimum, or a line twice",
           _kind("pay group '{group}' lists '{line}', which is neither a pay component nor a pay group, so a clause "
                 "cancelling the group would cancel less than its rule says",
                 "工资组 '{group}' 列出的 '{line}' 既不是薪酬项也不是工资组，取消该组的罚则会少取消应取消的项目",
                 hints=_listing("pay components and groups: {options}", "薪酬项与工资组：{options}")),
           minimum=_kind("pay group '{group}' lists '{line}', a guaranteed minimum (kind: minimum): it tops up what "
                         "the other lines leave, and withholding that top-up must be a clause's own decision",
                         "工资组 '{group}' 列出的 '{line}' 是保底工资（kind: minimum）：保底补足其余各项，"
                         "是否一并取消补足应由罚则自己写明，不能藏在工资组里",
                         ("remove it from the group; a clause that withholds the top-up lists '{line}' in its cancels:",
                          "请把它移出工资组；需要取消保底补足的罚则在 cancels: 中单独写 '{line}'")),
           twice=_kind("pay group '{group}' lists '{line}' twice", "工资组 '{group}' 两次列出 '{line}'",
                       ("list each line once", "每一项只列一次"))),
    _entry(Code.JX248, "pay_groups", ("S4.P4",), "a pay group containing itself (directly or through other groups)",
           _kind("pay group '{group}' contains itself: {chain}, so it has no members to cancel",
                 "工资组 '{group}' 包含了它自己：{chain}，无法确定要取消的项目",
                 ("a group may list other groups, never one that lists it back",
                  "工资组可以列出其他工资组，但不能列出（直接或间接）包含它自己的组"))),
    _entry(Code.JX249, "pay_groups", ("S4.P4",), "a pay group named like a pay component or another declared name",
           _kind("pay group '{group}' has the name of a {other}, so cancels: '{group}' would be ambiguous",
                 "工资组 '{group}' 与一个{other_zh}同名，cancels: '{group}' 会有歧义",
                 ("give the group a name of its own, e.g. '{group}_group'",
                  "请给工资组另起名字，如 '{group}_group'"))),
    _entry(Code.JX250, "reviews", ("S0.7",), "grade review: a count of months met without an outcome",
           _kind("no outcome for {counts} months met (of {months}); every count 0..{months} needs one",
                 "没有为达标 {counts} 个月（共 {months} 个月）规定结果；0 到 {months} 的每个次数都要有结果",
                 ("add {{months_met: {first}, then: stay}} (or up, dismiss, {{down: …}})",
                  "加上 {{months_met: {first}, then: stay}}（或 up、dismiss、{{down: …}}）"))),
    _entry(Code.JX251, "reviews", ("S0.7",), "grade review: a count of months met covered twice, or above the window",
           too_many=_kind("{count} months met is more than the {months}-month window holds",
                          "达标 {count} 个月超过了评定周期的 {months} 个月"),
           twice=_kind("{count} months met is already covered by outcome {outcome}",
                       "达标 {count} 个月已由第 {outcome} 条结果覆盖")),
    _entry(Code.JX252, "reviews", ("S0.7",),
           "`met` (or `each`) not a condition, or reading a value not recorded each month",
           invalid=_kind("'met' is not a valid expression: {reason}", "'met' 不是有效的表达式：{reason}"),
           not_condition=_kind("'met' must be a condition (true or false), like score >= 60; found {text}",
                               "'met' 必须是一个条件（真或假），例如 score >= 60；这里写的是 {text}"),
           not_recorded=_kind("'met' reads '{name}', which is not recorded each month; "
                              "a review reads the ledger's months",
                              "'met' 读取了 '{name}'，但它不是每月记录的值；评定只读取账本中记录的月份",
                              hints=_listing("recorded each month: {options}", "每月记录的值：{options}"))),
    _entry(Code.JX253, "reviews", ("S0.7",), "`every: {months: N}` with N not dividing 12",
           _kind("a review every {months} months does not divide the year; windows would drift off the calendar",
                 "每 {months} 个月评定一次无法整除一年，评定周期会与日历错开",
                 ("use 1, 2, 3, 4, 6 or 12 months (quarter = 3)", "请用 1、2、3、4、6 或 12 个月（季度 = 3）"))),
    _entry(Code.JX254, "reviews", ("S0.7",), "grade review without `grades:`, or an undeclared `down:` grade",
           no_grades=_kind("grade review '{name}' needs a 'grades:' section in the policy",
                           "等级评定 '{name}' 需要在策略中声明 'grades:'"),
           down=_kind("'down' names '{grade}', which is not a declared grade",
                      "'down' 指定的 '{grade}' 不是已声明的等级",
                      hints=_listing("grades: {options}", "已声明的等级：{options}"))),
    _entry(Code.JX255, "reviews, grades", ("S0.7",),
           "the lowest grade is never a `down:` target, or no outcome moves anyone up",
           no_up=_kind("no review moves anyone up: only the roster can put an agent at '{top}'",
                       "没有任何评定结果会升级：只有花名册能让客服处于 '{top}'",
                       ("add an outcome with then: up", "请加一条 then: up 的评定结果")),
           no_down=_kind("no review moves anyone down to '{lowest}': only the roster can put an agent there",
                         "没有任何评定结果会降到 '{lowest}'：只有花名册能让客服处于该等级",
                         ("name it in an outcome (then: {{down: {lowest}}}) or remove the grade",
                          "在评定结果中写 then: {{down: {lowest}}}，或删除该等级")), severity=_W),
    _entry(Code.JX256, "reviews", ("S4.1",), "role review: an undeclared role, or no `roles:`",
           no_roles=_kind("a role review needs a 'roles:' section in the policy", "岗位评定需要在策略中声明 'roles:'"),
           undeclared=_kind("'{role}' is not a declared role", "'{role}' 不是已声明的岗位",
                            hints=_listing("roles: {options}", "已声明的岗位：{options}"))),
    _entry(Code.JX257, "reviews", ("S4",), "role promotions that come back to a role",
           _kind("promotions form a cycle: {chain}; a role path goes one way",
                 "晋升形成了循环：{chain}；晋升路径只能单向",
                 ("promote each role to a later one", "每个岗位只能晋升到更高的岗位"))),
    _entry(Code.JX258, "reviews, roles", ("S4",),
           "a role after the first that no promotion reaches, unless marked `outside_path`; a role so marked that a "
           "promotion reaches",
           _kind("no review promotes anyone to '{role}': only the roster can put an agent there",
                 "没有任何评定会晋升到 '{role}'：只有花名册能让客服处于该岗位",
                 ("add a role review with promote: {{to: {role}}}, list roles lowest first, or mark a role outside "
                  "the promotion path with outside_path: true",
                  "请加一项 promote: {{to: {role}}} 的岗位评定，或按从低到高的顺序列出岗位；"
                  "不在晋升路径上的岗位请标明 outside_path: true")),
           outside_reached=_kind("'{role}' is marked outside_path, but review '{review}' promotes to it",
                                 "'{role}' 标明 outside_path（不在晋升路径上），但评定 '{review}' 会晋升到该岗位",
                                 ("remove outside_path, or the promotion", "请删除 outside_path，或删除这项晋升")),
           severity=_W),
    _entry(Code.JX259, "reviews", ("S4",), "a promotion without a requirement, or `months` without `each`",
           no_requirement=_kind("a promotion without 'each' or 'tenure_months' promotes every holder of the role at "
                                "every review", "晋升没有写 'each' 或 'tenure_months'，每次评定都会晋升该岗位的所有人",
                                ("add the requirement (each: rating == 'excellent', tenure_months: 3)",
                                 "请写明晋升条件（each: rating == 'excellent'、tenure_months: 3）")),
           months_without_each=_kind("'months' says how many months must meet 'each', but there is no 'each'",
                                     "'months' 表示需要连续多少个月满足 'each'，但没有写 'each'",
                                     ("add each: <condition>", "请加上 each: <条件>"))),
    _entry(Code.JX260, "reviews", ("S0.7",), "a grade review's first window reaching before `effective_from`",
           _kind("the first review ({first}) reads {reach} months, but the policy takes effect {start}: the ledger "
                 "holds only {held} month(s) of it then",
                 "首次评定（{first}）要读取 {reach} 个月，但方案从 {start} 起生效，届时账本中只有 {held} 个月",
                 ("those months count as not worked (see partial:), or move effective_from to a window's start",
                  "缺少的月份按未在岗处理（见 partial:），或把 effective_from 改到评定周期的开头")), severity=_W),
    _entry(Code.JX261, "windows", ("S3.1", "S4.4"), "a window's `where` or `of` that it cannot read",
           of_not_for_count=_kind("'of' is for sum and mean; a {stat} counts months meeting 'where'",
                                  "'of' 只用于 sum 和 mean；{stat} 统计满足 'where' 的月数", ("remove 'of'",
                                                                                  "请删除 'of'")),
           where_not_condition=_kind("'where' must be a condition like assessment == 'excellent'; found {text}",
                                     "'where' 必须是一个条件，例如 assessment == 'excellent'；这里写的是 {text}"),
           where_reads=_kind("'where' reads '{name}'; a window can read only choice metrics, role and grade (known "
                             "before the month is evaluated and recorded every month)",
                             "'where' 读取了 '{name}'；窗口值只能读取选项指标、岗位和等级"
                             "（月初即已知，且每月都有记录）",
                             hints=_listing("readable: {options}", "可读取：{options}")),
           where_not_for_sum=_kind("a {stat} adds up 'of' over the earlier months; "
                                   "'where' is for count and consecutive",
                                   "{stat} 累计此前各月的 'of'；'where' 只用于 count 和 consecutive",
                                   ("remove 'where'", "请删除 'where'")),
           no_of=_kind("a {stat} needs 'of': a number recorded every month (score, total, KPI points, a pay line)",
                       "{stat} 需要 'of'：每月记录的数值（总分、应发合计、考核项得分或薪酬项）",
                       hints={"list": Text("recorded numbers: {options}", "每月记录的数值：{options}")}),
           bad_of=_kind("a {stat} needs 'of': a number recorded every month (score, total, KPI points, a pay line); "
                        "'{of}' is not one",
                        "{stat} 需要 'of'：每月记录的数值（总分、应发合计、考核项得分或薪酬项）；'{of}' 不是",
                        hints=_listing("recorded numbers: {options}", "每月记录的数值：{options}"))),
    _entry(Code.JX262, "pay", ("S4.2",), "`prorate:` without `proration:`",
           _kind("'{name}' prorates its floor by days worked, but the policy declares no 'proration:'",
                 "'{name}' 按在职天数折算保底，但策略没有声明 'proration:'",
                 ("add at the top level: proration: {{by: calendar_days}}",
                  "请在顶层加上：proration: {{by: calendar_days}}"))),
    _entry(Code.JX263, "penalties", ("S4.P24",),
           "a clause over several event kinds naming one twice, or comparing the value of a kind whose events carry "
           "none (`value: none`), or `kind:` or `value_over:` beside `match:`",
           _kind("penalty '{name}' compares the value of '{event}' events (value_over: {over}), but events: declares "
                 "that they carry none (value: none), so the condition could never hold and the clause never fire",
                 "罚则 '{name}' 比较 '{event}' 事件的数值（value_over: {over}），但 events: 声明该类事件没有数值"
                 "（value: none），条件永远不成立，该罚则不会生效",
                 ("remove value_over for '{event}': every such event counts",
                  "请删除 '{event}' 的 value_over：该类事件每次都计数")),
           twice=_kind("penalty '{name}' names event kind '{event}' twice; its events would be counted twice",
                       "罚则 '{name}' 两次列出事件类型 '{event}'，其事件会被重复计数",
                       ("name each kind once, with its own condition: match: [{{kind: a, value_over: 200}}, "
                        "{{kind: b}}]", "每个类型只写一次，各带自己的条件：match: [{{kind: a, value_over: 200}}, "
                        "{{kind: b}}]")),
           beside_match=_kind("penalty '{name}' writes {key}: beside match:, where each kind takes its own "
                              "condition; it is unclear which events it should count",
                              "罚则 '{name}' 在 match: 之外又写了 {key}:；match: 中每个类型有自己的条件，"
                              "无法判断应统计哪些事件",
                              ("move {key} into the match: items it belongs to",
                               "请把 {key} 写进对应的 match: 项中"))),
    _entry(Code.JX264, "reviews", ("S0.6",), "`entry` not a declared grade",
           _kind("'entry' names '{entry}', which is not a declared grade",
                 "'entry'（入职等级）指定的 '{entry}' 不是已声明的等级",
                 hints=_listing("grades: {options}", "已声明的等级：{options}"))),
    _entry(Code.JX265, "reviews", ("S0.6",), "two grade reviews with different entry grades",
           _kind("'entry' is '{entry}' here but '{other}' in review '{review}'; a joiner can enter at one grade only",
                 "这里的入职等级是 '{entry}'，评定 '{review}' 中却是 '{other}'；新人只能有一个入职等级",
                 ("declare the same entry grade, or keep it in one review",
                  "请写成同一个入职等级，或只在一个评定中声明"))),
    _entry(Code.JX266, "any expression", ("S4.4",), "`months_since_joining` read, but no join date column declared",
           _kind("'months_since_joining' counts months from the roster's join date (入职日期), but the policy declares "
                 "no join date column: a roster without one would stop every run",
                 "'months_since_joining' 按花名册的入职日期计算，但方案没有声明入职日期列："
                 "花名册缺少该列时每次计算都会中止",
                 ("carry it (roster: {{carry: [入职日期]}}) or name its header (columns: {{joined: [入职日期]}})",
                  "请携带该列（roster: {{carry: [入职日期]}}）或写明其表头（columns: {{joined: [入职日期]}}）"))),
    _entry(Code.JX267, "any section", (), "a declared name that is a calendar fact's",
           _kind("'{name}' ({what}) has the name of a calendar fact every expression may read ({meaning})",
                 "'{name}'（{what}）与所有表达式都可读取的日历事实（{meaning}）同名",
                 ("rename it", "请改名"))),
    _entry(Code.JX268, "roster", ("S4.4",), "an agent without a join date, and the policy reads `months_since_joining`",
           _kind("{where}: agent {agent} has no join date (入职日期) in the roster, and the policy reads "
                 "months_since_joining in {period}; add the date to the roster",
                 "{where}：客服 {agent} 在花名册中没有入职日期，"
                 "而方案在 {period} 读取 months_since_joining（入职满月数）；"
                 "请在花名册中补上入职日期")),
    _entry(Code.JX270, "events", (), "`events.zone` not an IANA zone",
           _kind("zone '{zone}' is not a time zone name (IANA, like Asia/Shanghai)",
                 "时区 '{zone}' 不是有效的时区名称（应为 IANA 名称，如 Asia/Shanghai）",
                 ("mainland China is Asia/Shanghai", "中国大陆请写 Asia/Shanghai"), hints={"close": DID_YOU_MEAN})),
    _entry(Code.JX271, "events", (), "one label or alias naming two event kinds",
           _kind("'{text}' names both event kinds '{owner}' and '{other}', so an events file's kind cell holding it "
                 "could be read as either",
                 "'{text}' 同时指向事件类型 '{owner}' 和 '{other}'，事件文件的类型单元格中出现它时无法判断是哪一个",
                 ("give each kind its own label and aliases", "请给每个事件类型使用不同的名称和别名"))),
    _entry(Code.JX272, "penalties", ("S4.P24",), "a penalty counting an undeclared event kind",
           _kind("penalty '{name}' counts event kind '{counted}', which events: does not declare, "
                 "so it would never fire",
                 "罚则 '{name}' 统计的事件类型 '{counted}' 未在 events: 中声明，该罚则永远不会生效",
                 hints={"close": DID_YOU_MEAN, "list": Text("declared kinds: {options}", "已声明的类型：{options}"),
                        "none": Text("declared kinds: none: declare events: {{zone, kinds}}", "已声明的类型：无")})),
    _entry(Code.JX273, "penalties", ("S4.P24",), "a penalty cancelling something that is not a pay component",
           _kind("penalty '{name}' cancels '{target}', which is not a pay component, so it would cancel nothing",
                 "罚则 '{name}' 要取消的 '{target}' 不是工资项目，取消不会有任何效果",
                 hints=_listing("pay components: {options}", "工资项目：{options}"))),
    _entry(Code.JX274, "penalties", ("L.1",),
           "a clause deducts but there is no `deductions:` (the minimum wage the deduction must leave is unknown)",
           _kind("penalty '{name}' deducts from pay, but the policy declares no deductions: section, so the legal cap "
                 "and the minimum wage the deduction must leave are unknown",
                 "罚则 '{name}' 要从工资中扣款，但方案没有 deductions: 段，"
                 "无法知道法定扣款上限和扣后必须保留的最低工资",
                 ("add deductions: {{minimum_wage: [{{from: 2025-07-01, amount: 2740}}]}} (Shanghai; use your city's)",
                  "加上 deductions: {{minimum_wage: [{{from: 2025-07-01, amount: 2740}}]}}"
                  "（上海标准，请按当地填写）"))),
    _entry(Code.JX275, "penalties, pay", ("L.2",),
           "a fine: a clause deducting a fixed `{amount: …}`, a `fixed` pay component below 0, a formula that is a "
           "negative constant, or a pay component named like one (罚款, 乐捐, 负激励, fine …)",
           fixed_sum=_kind("penalty '{name}' deducts a fixed {amount} yuan, not a loss: a fine, "
                           "which has no legal basis "
                           "(the rules that allowed fines were repealed in 2008)",
                           "罚则 '{name}' 扣固定金额 {amount} 元，而不是实际损失：这是罚款，没有法律依据" + _FINE,
                           ("deduct the actual loss instead: deducts: loss (amounts from the events file)",
                            "请改为扣实际损失：deducts: loss（金额来自事件文件）")),
           pay_named=_kind("pay component '{name}' is named like a fine ('{word}'): a deduction must be an actual loss "
                           "the agent caused, never a fine (the rules that allowed fines were repealed in 2008)",
                           "薪酬项 '{name}' 名称像罚款（“{word}”）：扣款必须对应本人造成的实际损失，不能是罚款" + _FINE,
                           ("record the loss as an event and use a penalty clause with deducts: loss",
                            "把损失记为事件，用 deducts: loss 的罚则扣除")),
           pay_negative=_kind("pay component '{name}' subtracts a fixed sum: a deduction must be an actual loss the "
                              "agent caused, never a fine (the rules that allowed fines were repealed in 2008)",
                              "薪酬项 '{name}' 扣减固定金额：扣款必须对应本人造成的实际损失，不能是罚款" + _FINE,
                              ("record the loss as an event and use a penalty clause with deducts: loss",
                               "把损失记为事件，用 deducts: loss 的罚则扣除")), severity=_W),
    _entry(Code.JX276, "deductions", ("L.1",), "`deductions: guard: off`",
           _kind("the legal guard on deductions is off: a month's deduction may exceed 20 % of the wage and leave less "
                 "than the minimum wage (wage regulation Art. 16 forbids both)",
                 "扣款的法定保护已关闭：当月扣款可能超过工资的 20%，"
                 "扣后也可能低于当地最低工资（《工资支付暂行规定》第十六条不允许）",
                 ("remove guard: off unless a lawyer has confirmed it", "除非已经法律确认，请删除 guard: off")),
                 severity=_W),
    _entry(Code.JX277, "deductions", ("L.1",), "`cap` outside (0, 0.2]",
           _kind("cap {cap} is outside (0, {top}]: the law allows at most 20 % of a month's wage",
                 "cap {cap} 不在 (0, {top}] 内：法律规定每月扣款最多为当月工资的 20%", ("write 0.2 for 20 %",
                                                                    "20% 请写 0.2")),
           guard_off=_kind("cap {cap} is outside (0, {top}]: a share of the month's wage",
                           "cap {cap} 不在 (0, {top}] 内：应为当月工资的比例", ("write 0.2 for 20 %", "20% 请写 0.2"))),
    _entry(Code.JX278, "penalties", ("S4.P25",), "`count_over` on a `per: event` clause",
           _kind("penalty '{name}' counts each event on its own (per: event), so count_over: {count} could never be "
                 "passed and the clause would never fire",
                 "罚则 '{name}' 按每次事件单独计算（per: event），count_over: {count} 永远达不到，该罚则不会生效",
                 ("remove count_over, or count per day, week or month", "删除 count_over，或改为按天、周、月计数"))),
    _entry(Code.JX279, "penalties", ("S4.P16",), "a clause that both deducts and charges",
           _kind("penalty '{name}' both deducts the loss from the agent and charges it to someone else; it would be "
                 "paid twice", "罚则 '{name}' 既从本人扣除损失，又把损失计入他人，同一损失会被承担两次",
                 ("keep deducts: (the agent bears it) or charges: (someone else does), not both",
                  "deducts:（本人承担）和 charges:（他人承担）只保留一个"))),
    _entry(Code.JX280, "deductions", ("L.1",), "`deductions:` that nothing deducts through",
           _kind("deductions: is declared but no penalty clause deducts (deducts: loss), so nothing is ever deducted",
                 "声明了 deductions:，但没有任何罚则扣款（deducts: loss），不会产生扣款",
                 ("add deducts: loss to the clauses whose loss the agent bears",
                  "在由本人承担损失的罚则中加上 deducts: loss")),
           severity=_W),
    _entry(Code.JX281, "deductions", ("L.4",),
           "a minimum wage that is not a real date, repeats a date or is not positive",
           not_positive=_kind("minimum_wage {wage} is not a positive amount", "minimum_wage {wage} 不是正数",
                              _SHANGHAI),
           bad_date=_kind("'{start}' is not a date of the calendar", "'{start}' 不是日历上的日期",
                          ("write YYYY-MM-DD", "请写成 YYYY-MM-DD")),
           same_date=_kind("two minimum wages from {start}: which one applies is unknown",
                           "有两个从 {start} 起的最低工资，无法确定用哪一个", ("keep one amount per date",
                                                            "每个日期只保留一个金额")),
           amount_not_positive=_kind("minimum wage {amount} is not a positive amount", "最低工资 {amount} 不是正数",
                                     _SHANGHAI)),
    _entry(Code.JX282, "corrections", ("L.5",),
           "`overpayment: recover` without `deductions:` (the minimum wage a recovery must leave) or without "
           "`agreement:`; warning: `agreement:` without `recover`",
           no_deductions=_kind("overpayment: recover deducts from pay, but the policy declares no deductions: section, "
                               "so the legal cap and the minimum wage a recovery must leave are unknown",
                               "overpayment: recover 要从工资中扣回，但方案没有 deductions: 段，"
                               "无法知道法定扣款上限和扣后必须保留的最低工资",
                               ("add deductions: {{minimum_wage: …}}, or record the amount as owed: overpayment: owed",
                                "请加上 deductions: {{minimum_wage: …}}，或改为记为欠款：overpayment: owed")),
           no_agreement=_kind("overpayment: recover needs agreement: the labour contract's clause or written consent "
                              "that allows recovering overpaid wages from pay (the law does not by itself, L.5)",
                              "overpayment: recover 需要 agreement:，"
                              "写明允许从工资中扣回多发工资的劳动合同条款或书面同意"
                              "（法律本身不允许，L.5）",
                              ("agreement: {{zh: 劳动合同第 8 条：多发工资从次月工资中扣回, en: Contract clause 8: …}}",
                               "agreement: {{zh: 劳动合同第 8 条：多发工资从次月工资中扣回, "
                               "en: Contract clause 8: …}}")),
           agreement_unused=_kind("agreement: is read only with overpayment: recover; "
                                  "without it overpayments are never "
                                  "deducted", "agreement: 只在 overpayment: recover 时使用；否则多发的工资不会被扣回",
                                  severity=_W)),
    _entry(Code.JX283, "dated values", ("S1.3",),
           "a dated entry without `from` and `value`, or whose `from` is not the first day of a month or `to` not "
           "the last day of one",
           keys=_kind("{where}: a dated entry has {{from, value}} and may have to; found {keys}",
                      "{where}：带日期的取值每项写 {{from, value}}，可加 to；这里是 {keys}",
                      ("- {{from: 2026-07-01, value: 0.012}}", "- {{from: 2026-07-01, value: 0.012}}")),
           start=_kind("{where}: from: {text} is not the first day of a month (a month is paid by one value)",
                       "{where}：from: {text} 不是某月的 1 日（一个月只按一个取值计算）",
                       ("write YYYY-MM-01, e.g. 2026-07-01", "请写成 YYYY-MM-01，如 2026-07-01")),
           end=_kind("{where}: to: {text} is not the last day of a month on or after from: {start}",
                     "{where}：to: {text} 不是 from: {start} 当月或之后某月的最后一天",
                     ("write the last day, e.g. 2026-06-30, or leave to: out", "请写月末，如 2026-06-30，或省略 to:"))),
    _entry(Code.JX284, "dated values", ("S1.3",), "dated entries out of date order, or two from the same date",
           unordered=_kind("{where}: the entry from {start} comes after the one from {before}: entries go oldest first",
                           "{where}：{start} 起的一项写在 {before} 起的一项之后：请按日期从早到晚排列",
                           ("move it up", "请把它移到前面")),
           duplicate=_kind("{where}: two entries from {start} (the first is entry {first}): which one applies is "
                           "unknown", "{where}：有两项都从 {start} 起（第一项是第 {first} 项），无法确定用哪一个",
                           ("keep one entry per date", "每个日期只保留一项"))),
    _entry(Code.JX285, "dated values", ("S1.3",), "dated entries whose ranges overlap",
           _kind("{where}: the entry to {end} overlaps the next, from {start}: two values in force at once",
                 "{where}：至 {end} 的一项与 {start} 起的下一项重叠：同一时间有两个取值",
                 _END_BEFORE)),
    _entry(Code.JX286, "dated values", ("S1.3",), "a gap between dated entries: months with no value in force",
           _kind("{where}: the entry to {end} leaves a gap before the next, from {start}: nothing is in force from "
                 "{gap}", "{where}：至 {end} 的一项与 {start} 起的下一项之间有空档：{gap} 起没有生效的取值",
                 _END_BEFORE)),
    _entry(Code.JX287, "dated values", ("S1.3",),
           "a month with no dated value in force: before the first entry (from `effective_from` on) or after the "
           "last `to`",
           before=_kind("{where}: the first entry is from {start}, but the policy takes effect in {effective}: nothing "
                        "is in force in between", "{where}：最早的一项从 {start} 起，而方案自 {effective} 起生效："
                        "其间没有生效的取值", ("start the first entry at the policy's effective_from",
                                       "请让第一项从方案的 effective_from 开始")),
           period=_kind("{where}: nothing is in force in {period} (the first entry is from {first}, and none covers "
                        "{period})",
                        "{where}：{period} 没有生效的取值（最早的一项从 {first} 起，没有一项覆盖 {period}）",
                        ("add an entry for that month", "请补上该月适用的一项"))),
    _entry(Code.JX288, "dated values", ("S1.3",),
           "a dated list where values are not dated (identities, metrics, vocabularies), of a text or a truth value, "
           "or inside another dated value",
           section=_kind("{where} cannot be dated: what the data is (ids, metrics, roles, columns, events) means one "
                         "thing every month", "{where} 不能按日期取值：数据本身的定义（编号、指标、岗位、列名、事件）"
                         "每个月都必须相同", _NEW_VERSION),
           kind=_kind("{where}: a dated value is a number, a table or a list; a text or a condition changes how the "
                      "policy reads, not what it pays", "{where}：带日期的取值只能是数字、表或列表；文字或条件的改动"
                      "改变的是方案的含义，不是金额", _NEW_VERSION),
           version=_kind("{where}: a dated version is a text", "{where}：带日期的版本号应为文字"),
           nested=_kind("{where}: a dated value inside a dated value: date the outer one only",
                        "{where}：带日期的取值里又有带日期的取值：只在外层写日期")),
    _entry(Code.JX289, "dated values", ("S1.3",),
           "a dated value changing in a month where the dated `policy.version` does not",
           _kind("{where} changes from {start}, but policy.version does not: two ways of paying would carry one "
                 "version's name", "{where} 自 {start} 起改变，而 policy.version 没有变：两种算法会用同一个版本号",
                 ("add a version from that date to policy.version", "请在 policy.version 中加上从该日期起的新版本号")),
           severity=_W),
    _entry(Code.JX290, "roster", (),
           "`roster.key` naming another column or no header; a `roster.carry` column named twice, that is the key or "
           "the agent column, that is read as another column, or that is no header",
           blank=_kind("'{text}' names no header: blanks and a unit in brackets are not compared, so it would match "
                       "an empty header cell",
                       "'{text}' 不是表头：空格和括号中的单位不参与比较，它会匹配空白的表头单元格",
                       ("write the header as the file shows it (客服昵称, 工号)",
                        "请照文件中的样子写表头（如 客服昵称、工号）")),
           key_taken=_kind("roster.key '{text}' already names {owner}; the agent column needs a header of its own",
                           "roster.key '{text}' 已经是{owner}的名称；客服账号列需要自己的表头",
                           ("write the header the files give the agent column (客服昵称)",
                            "请写文件中客服账号列的表头（如 客服昵称）")),
           carry_twice=_kind("'{text}' is carried twice (first as entry {first})",
                             "'{text}' 重复出现在 roster.carry 中（第一次是第 {first} 项）",
                             ("keep one", "请只保留一项")),
           carry_key=_kind("'{text}' is roster.key, the agent column itself; reports always show it",
                           "'{text}' 就是 roster.key（客服账号列本身），报表总会显示它",
                           ("remove it from roster.carry", "请从 roster.carry 中删除")),
           carry_agent=_kind("'{text}' is read as the agent column (a built-in agent header), so it cannot also be "
                             "carried", "'{text}' 会被读作客服账号列（内置的客服表头），不能同时作为带入报表的列",
                             ("name the agent's own column with roster.key (roster: {{key: 客服昵称}}), then {text} "
                              "is a column of its own", "请用 roster.key 指明客服账号列（roster: {{key: 客服昵称}}），"
                              "这样 {text} 就是单独的一列")),
           carry_taken=_kind("'{text}' is read as {owner}, which the reports already show or read as an id, not as "
                             "the roster's text",
                             "'{text}' 会被读作{owner}，报表已经显示它，或把它读作标识而不是花名册中的文字",
                             ("carry another column, or remove it", "请换一列，或删除该项"))),
    _entry(Code.JX291, "flags", ("S1.5",), "a flag whose `at_least` is more than its `months`",
           _kind("flag '{name}' needs its condition in {at_least} months of a window of {months}: it could never be "
                 "raised", "标记 '{name}' 要求条件在 {months} 个月的窗口中成立 {at_least} 个月：永远不会触发",
                 ("make at_least at most months", "请让 at_least 不大于 months"))),
    _entry(Code.JX292, "flags, pay", ("S1.5",), "pay, a KPI, a gate, a penalty or a population value reading a flag",
           _kind("'{name}' is a flag: an output a person acts on, which never changes pay or what pay reads",
                 "'{name}' 是标记：供人处理的输出，不能影响工资或工资所依据的数值",
                 ("read the flag's own condition instead, or let a review or another flag read it",
                  "请改为直接写该标记的条件，或由考核评审或其他标记读取它"))),
    _entry(Code.JX293, "flags", ("S1.5",), "flags reading each other in a loop",
           _kind("flags read each other in a loop: {chain}", "标记之间循环引用：{chain}",
                 ("let one of them read the others' conditions instead", "请让其中一个改为直接写条件"))),
    _entry(Code.JX296, "sources, metrics", ("S1.6",), "a metric's `source` naming no source `sources:` declares",
           _kind("metric '{name}' is read from source '{source}', which sources: does not declare (declared: "
                 "{declared})", "指标 '{name}' 取自来源 '{source}'，但 sources: 中没有声明它（已声明：{declared}）",
                 ("declare it under sources: with the pattern of its file name, or name a declared source",
                  "请在 sources: 中声明它（写上其文件名的模式），或改用已声明的来源"))),
    _entry(Code.JX297, "sources, metrics", ("S1.6",), "a `source` on a team value (`scope: team`)",
           _kind("metric '{name}' is a team value (scope: team): it is read from the first metrics file or the team "
                 "file, never chosen among sources", "指标 '{name}' 是小组数值（scope: team）：只从第一个指标文件或小组"
                 "数据文件读取，不在各来源之间选择", ("remove source:", "请删除 source:"))),
    _entry(Code.JX298, "sources", ("S1.6",), "two sources naming their files by the same pattern",
           _kind("sources '{name}' and '{other}' name their files by the same pattern '{file}': a file would belong "
                 "to both", "来源 '{name}' 和 '{other}' 用同一个模式 '{file}' 指定文件：一个文件会同时属于两者",
                 ("make the patterns tell the exports apart (*赤兔*, *生意参谋*)",
                  "请让模式能区分各份导出（如 *赤兔*、*生意参谋*）"))),
    # -- JX3xx: warnings of style --
    _entry(Code.JX301, "kpis", ("S1.4",), "linear scoring against the metric's declared direction",
           _kind("scoring rewards {rewards} values but metric '{metric}' is declared direction: {direction}",
                 "计分方式是{rewards}，但指标 '{metric}' 声明的方向是{declared}（direction: {direction}）"),
                 severity=_W),
    # -- JX4xx: evaluation (engine.run); the text does not show the code --
    _entry(Code.JX401, "derived", (), "division by zero in a derived value without `on_zero_division:`",
           _kind("division by zero (declare on_zero_division: to choose a value)",
                 "除数为零（可用 on_zero_division: 指定此时的取值）")),
    _entry(Code.JX402, "any expression", (), "division by zero outside a derived value",
           _kind("division by zero: a divisor here is 0 for this agent (compute the ratio as a derived value with "
                 "on_zero_division:, or write `x / y if y else 0`)",
                 "除数为零：这一步的除数对该客服为 0（可把比值写成带 on_zero_division: 的派生值，"
                 "或写成 x / y if y else 0）")),
    _entry(Code.JX403, "any expression", (), "a number too large",
           _kind("the number is too large", "数值过大")),
    _entry(Code.JX404, "any expression", (),
           "invalid arithmetic (a negative number to a fractional power, 0 ** 0, a result of more than 28 digits)",
           _kind("invalid arithmetic (a negative number to a fractional power, 0 ** 0, or a result of more than 28 "
                 "digits that cannot be rounded to the policy's precision)",
                 "无效的运算（负数的小数次幂、0 的 0 次幂，或结果超过 28 位数字、无法按方案的精度取整）")),
    _entry(Code.JX405, "any expression", (), "text and numbers mixed in arithmetic or comparison",
           _kind("text and numbers were mixed in arithmetic or comparison", "文本和数字混在了运算或比较中")),
    _entry(Code.JX406, "pay", ("S0.6",), "a pay or floor table by role or grade, and the agent has none",
           _kind("the agent has no {key} (give a roster with a {key} column)",
                 "该客服没有{noun}（请提供含{noun}列的花名册）"),
           blank=_kind("the agent has no {key} this month, and a table is looked up by it",
                       "该客服本月没有{noun}，而有一张表要按它查找")),
    _entry(Code.JX407, "pay", ("S0.6",), "a pay or floor table has no entry for the agent's role or grade",
           _kind("{key} '{value}' has no entry; the table has {options}",
                 "{noun} '{value}' 在表中没有对应项；表中有：{options}")),
    _entry(Code.JX408, "any expression", (), "a power too large to compute",
           _kind("{text}", "幂运算的数值过大")),
    _entry(Code.JX409, "population, rankings", ("S1.5",), "a value taken per role, and the agent has no role",
           _kind("it is taken per role and the agent has no role (give a roster with a role column)",
                 "它按岗位分组，而该客服没有岗位（请提供含岗位列的花名册）")),
    _entry(Code.JX410, "population", ("S1.5",), "a mean, min or max over nobody, without `empty:`",
           team=_kind("{stat} of '{name}' over team '{group}': nobody is counted (declare empty: to choose a value)",
                      "'{name}' 在组 '{group}' 中没有任何计入的客服，无法计算{stat}（可用 empty: 指定此时的取值）"),
           role=_kind("{stat} of '{name}' over role '{group}': nobody is counted (declare empty: to choose a value)",
                      "'{name}' 在岗位 '{group}' 中没有任何计入的客服，无法计算{stat}（可用 empty: 指定此时的取值）"),
           shop=_kind("{stat} of '{name}' over the shop: nobody is counted (declare empty: to choose a value)",
                      "'{name}' 在全店中没有任何计入的客服，无法计算{stat}（可用 empty: 指定此时的取值）")),
    _entry(Code.JX411, "policy", (), "data for a month before the policy takes effect",
           _kind("{file}: policy {id} {version} takes effect {effective}; period {periods} is before it",
                 "{file}：方案 {id} {version} 自 {effective} 起生效；月份 {periods} 早于生效日期")),
    _entry(Code.JX412, "deductions", ("L.1", "L.4"), "no minimum wage in force in the month evaluated",
           _kind("{file}: deductions: minimum_wage has no amount in force in {period} (the first is from {first}); "
                 "declare the minimum wage that applied then",
                 "{file}：deductions: minimum_wage 在 {period} 没有生效的金额（最早的从 {first} 起）；"
                 "请补上当时适用的最低工资")),
    _entry(Code.JX413, "any step", (), "any other failure of a step (its own message)", _kind("{text}", "{text}")),
    _entry(Code.JX414, "roster", (), "an agent whose roster dates leave no day of the month",
           _kind("{where}: agent {agent} is in the {period} data, but the roster dates (joined {joined}, left {left}) "
                 "leave no day of that month; check the dates or the row",
                 "{where}：客服 {agent} 出现在 {period} 的数据中，但花名册的日期（入职 {joined}，离职 {left}）"
                 "不含该月的任何一天；"
                 "请核对日期或该行")),
    # -- JX5xx: jixiao lint (engine.lint): a valid policy that probably pays what nobody meant --
    _entry(Code.JX501, "kpis (S0.1)", (), "a KPI that can score no points (in effect a weight of 0: every band 0, "
           "or no probed value scores)", severity=_W,
           bands=_kind("KPI '{name}' gives 0 points in every band: it weighs {weight} but can never score",
                       "考核项 '{name}' 每一档都是 0 分：权重 {weight}，却永远得不到分",
                       ("give the bands their points, or remove the KPI and its weight",
                        "请给各档设分数，或删除该考核项及其权重")),
           probed=_kind("KPI '{name}' scored 0 at every one of {points} probed values: it weighs {weight} but "
                        "probably never scores", "考核项 '{name}' 在全部 {points} 个试算点上都是 0 分："
                        "权重 {weight}，可能永远得不到分")),
    _entry(Code.JX502, "pay", (), "a pay component nothing can pay: an amount or rate of 0, or a `when:` no probed "
           "value satisfies", severity=_W,
           zero=_kind("pay component '{name}' pays 0 whatever happens ({what} is 0)",
                      "薪酬项 '{name}' 无论如何都发 0（{what} 为 0）", ("give it an amount, or remove it",
                                                                "请填写金额，或删除该项")),
           never=_kind("pay component '{name}' paid 0 at every one of {points} probed values (each metric across its "
                       "range, for each role and grade): nothing probably pays it",
                       "薪酬项 '{name}' 在全部 {points} 个试算点上都是 0（各指标取遍其范围，各岗位、各等级）："
                       "可能没有人能拿到", ("check its when: against the metrics' ranges",
                                        "请对照指标的取值范围检查它的 when: 条件"))),
    _entry(Code.JX503, "pay (S0.3)", (), "an implausible commission rate: above 10 % of a money base (`rate: 0.2` "
           "meant as 0.2 %?)",
           _kind("rate {rate} of pay component '{name}' pays {percent} % of {base}, which is money: is it meant as "
                 "{rate} %?", "薪酬项 '{name}' 的提点 {rate} 即 {base}（金额）的 {percent}%：是不是想写 {rate}%？",
                 ("{rate} % is written rate: {meant}", "{rate}% 应写为 rate: {meant}")), severity=_W),
    _entry(Code.JX504, "kpis, pay", (), "non-monotone pay: a better value of a metric lowers pay (a band or tier "
           "paying less above than below)",
           _kind("pay falls from {before} to {after} as '{metric}' improves from {low} to {high} ({what})",
                 "'{metric}' 从 {low} 变好到 {high} 时，工资反而从 {before} 降到 {after}（{what}）",
                 ("give a higher band or tier at least what the one below it pays",
                  "请让较高的档位至少不低于下一档")), severity=_W),
    _entry(Code.JX505, "kpis, pay", (), "a cliff: one more unit of a metric moves pay by more than `--cliff`",
           _kind("a cliff: '{metric}' from {low} to {high} moves pay from {before} to {after} ({delta}, more than "
                 "{cliff})",
                 "断崖：'{metric}' 从 {low} 到 {high}，工资从 {before} 变为 {after}（{delta}，超过 {cliff}）",
                 ("let pay rise in smaller steps (more tiers, a linear part, or marginal tiers)",
                  "请让工资分更小的台阶上升（更多档位、线性段或超额累进）")), severity=_W),
    _entry(Code.JX506, "deductions", ("L.1",), "a deduction that could breach the 20 % cap: a clause deducting with "
           "the guard off, or a pay component taking a loss outside `deductions:`", severity=_W,
           guard_off=_kind("penalty '{name}' deducts with the legal guard off: nothing holds the month's deduction to "
                           "20 % of the wage or above the minimum wage",
                           "罚则 '{name}' 在法定保护关闭时扣款：当月扣款不再限于工资的 20%，扣后也可能低于最低工资",
                           ("remove guard: off from deductions:", "请删除 deductions: 中的 guard: off")),
           outside=_kind("pay component '{name}' goes below 0 ({amount} at a probed value) reading the loss {loss}: "
                         "a deduction outside deductions:, so the 20 % cap and the minimum wage do not bound it",
                         "薪酬项 '{name}' 会小于 0（试算得 {amount}），读取损失 {loss}：这是 deductions: 之外的扣款，"
                         "不受 20% 上限和最低工资保护",
                         ("record the loss as an event and deduct it with a penalty clause (deducts: loss)",
                          "把损失记为事件，用罚则 deducts: loss 扣除"))),
    _entry(Code.JX507, "penalties, pay", ("L.2",), "a fine: a clause or gate cancelling base pay, or a pay component "
           "going below 0 for a count of breaches", severity=_W,
           cancels_base=_kind("{what} '{name}' cancels '{component}', which is base pay: taking earned wages for a "
                              "breach is a fine, not a lawful deduction",
                              "{what} '{name}' 取消 '{component}'（基本工资）：因违规扣掉已挣的工资属于罚款，"
                              "不是合法扣款" + _FINE,
                              ("cancel bonuses or commission only; deduct an actual loss with deducts: loss",
                               "只取消奖金或提成；实际损失用 deducts: loss 扣除")),
           per_breach=_kind("pay component '{name}' goes below 0 ({amount} at a probed value) without reading any "
                            "amount of money: a sum per breach is a fine",
                            "薪酬项 '{name}' 会小于 0（试算得 {amount}），且不读取任何金额：按次扣钱属于罚款" + _FINE,
                            ("record the loss as an event and use a penalty clause with deducts: loss",
                             "把损失记为事件，用 deducts: loss 的罚则扣除"))),
    _entry(Code.JX508, "kpis, pay", (), "a band or tier no probed value reaches",
           _kind("{what} {index} of '{name}' ({bounds}) is reached at none of {points} probed values",
                 "'{name}' 的第 {index} {what}（{bounds}）在全部 {points} 个试算点上都达不到",
                 ("check its bounds against the range of what it reads", "请对照所读数值的范围检查上下限")),
           severity=_W),
)
