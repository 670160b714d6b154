"""Choice metrics (`type: choice`, such as 考核结果 优秀 / 合格 / 不合格): declared values read right.

A choice metric holds the id of one declared value. What the schema cannot see: a `missing:`
that names no declared value (an empty cell would become a value nobody declared), one text
naming two values (a cell 优秀 could not be read as either), and a choice metric used where a
number is needed (a KPI's `metric:`, an aggregate's `of:`), which could only fail or mislead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from engine.diagnostics import Code, Problem, problem
from engine.policy import names as n
from engine.policy.check_expr import choice_texts
from engine.text import fold

Suggest = Callable[[str, list], str | None]
# `missing: absent`: a blank cell means the value is absent ("not assessed"), not one of the values.
ABSENT = "absent"


def choice_metrics(data: Mapping) -> dict[str, Mapping]:
    """The declared values of every `type: choice` metric, by metric name."""
    return {
        name: n.mapping(n.mapping(spec).get("values"))
        for name, spec in n.mapping(data.get("metrics")).items()
        if n.mapping(spec).get("type") == "choice"
    }


def check_choice_metric(suggest: Suggest, name: str, spec: Mapping) -> Iterator[Problem]:
    """`missing:` is 'error', `absent` (JX235 if a value is so named) or a declared id (JX242); each label,
    alias and id names one value."""
    path = ("metrics", name)
    choice = spec.get("type") == "choice"
    values = n.mapping(spec.get("values"))
    missing = spec.get("missing", "error")
    if missing == ABSENT and choice:  # a blank cell is "not assessed": no value at all (S4.1)
        if ABSENT in values:
            yield problem(Code.JX235, (*path, "missing"), name=name)
    elif missing != "error" and choice and (isinstance(missing, bool) or not isinstance(missing, str)):
        yield problem(Code.JX242, (*path, "missing"), "not_text", name=name, missing=missing, options=list(values))
    elif missing != "error" and choice and values and missing not in values:
        close = choice_texts(values).get(missing) or suggest(missing, list(values))
        yield problem(Code.JX242, (*path, "missing"), "undeclared", hint="close" if close else "list", name=name,
                      missing=missing, close=close, options=list(values))
    elif isinstance(missing, str) and missing != "error" and not choice:
        yield problem(Code.JX242, (*path, "missing"), "not_choice", name=name)
    items = ((value, value, n.mapping(spec), (*path, "values", value)) for value, spec in values.items())
    for text, where, key, owner, value in n.clashes(items, lambda text: fold(text).strip(), {}):
        yield problem(Code.JX242, where, "clash", on_key=key, text=text, owner=owner, value=value, name=name)


def not_a_number(path: tuple, what: str, metric: str) -> Problem:
    """JX240: a choice metric where a number is needed (`what`: a KPI's metric, an aggregate's `of`)."""
    return problem(Code.JX240, path, what, metric=metric)
