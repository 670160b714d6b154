"""Choice metrics (`type: choice`, such as 考核结果 优秀 / 合格 / 不合格): declared values read right.

A choice metric holds the id of one declared value. What the schema cannot see: a `missing:`
that names no declared value (an empty cell would become a value nobody declared), one text
naming two values (a cell 优秀 could not be read as either), and a choice metric used where a
number is needed (a KPI's `metric:`, an aggregate's `of:`), which could only fail or mislead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from engine.policy import names as n
from engine.policy.check_expr import choice_texts
from engine.text import fold

Report = Callable[..., None]
Suggest = Callable[[str, list], str | None]


def choice_metrics(data: Mapping) -> dict[str, Mapping]:
    """The declared values of every `type: choice` metric, by metric name."""
    return {
        name: n.mapping(n.mapping(spec).get("values"))
        for name, spec in n.mapping(data.get("metrics")).items()
        if n.mapping(spec).get("type") == "choice"
    }


def check_choice_metric(report: Report, suggest: Suggest, name: str, spec: Mapping) -> None:
    """`missing:` is 'error' or a declared id (JX242); each label, alias and id names one value."""
    path = ("metrics", name)
    choice = spec.get("type") == "choice"
    values = n.mapping(spec.get("values"))
    missing = spec.get("missing", "error")
    if missing != "error" and choice and (isinstance(missing, bool) or not isinstance(missing, str)):
        report((*path, "missing"), "JX242",
               f"missing of choice metric '{name}' must be 'error' or the id of one of its values, not {missing}",
               f"选项型指标 '{name}' 的 missing 只能是 'error' 或某个取值的标识，不能是 {missing}",
               hint="values: " + ", ".join(values), zh_hint="可选的取值：" + "、".join(values))
    elif missing != "error" and choice and values and missing not in values:
        close = choice_texts(values).get(missing) or suggest(missing, list(values))
        hint, zh_hint = ((f"did you mean '{close}'?", f"是不是想写 '{close}'？") if close else
                         ("values: " + ", ".join(values), "可选的取值：" + "、".join(values)))
        report((*path, "missing"), "JX242", f"missing of choice metric '{name}' names no declared value: '{missing}'",
               f"选项型指标 '{name}' 的 missing 指向未声明的取值 '{missing}'", hint=hint, zh_hint=zh_hint)
    elif isinstance(missing, str) and missing != "error" and not choice:
        report((*path, "missing"), "JX242",
               f"missing of metric '{name}' must be 'error' or a number; only a choice metric takes a value's id",
               f"指标 '{name}' 的 missing 只能是 'error' 或一个数字；只有选项型指标才能写取值的标识")
    items = ((value, value, n.mapping(spec), (*path, "values", value)) for value, spec in values.items())
    for text, where, key, owner, value in n.clashes(items, lambda text: fold(text).strip(), {}):
        report(where, "JX242", f"'{text}' names both '{owner}' and '{value}' of choice metric '{name}', "
               "so a cell holding it could be read as either",
               f"'{text}' 同时指向选项型指标 '{name}' 的取值 '{owner}' 和 '{value}'，"
               "单元格中出现它时无法判断是哪一个",
               key=key, hint="give each value its own label and aliases",
               zh_hint="请给每个取值使用不同的名称和别名")


def not_a_number(report: Report, path: tuple, what: str, zh_what: str, metric: str) -> None:
    """JX240: a choice metric where a number is needed (a KPI's metric, an aggregate's `of`)."""
    report(path, "JX240", f"{what} needs a number, but '{metric}' is a choice metric (it holds text)",
           f"{zh_what}需要数字，但 '{metric}' 是选项型指标（它的值是文本）",
           hint=f"turn it into points with a formula, e.g. formula: 10 if {metric} == '…' else 0",
           zh_hint=f"请用公式把它换成分数，例如 formula: 10 if {metric} == '…' else 0")
