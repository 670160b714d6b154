"""A step's formula in the reader's language, for `explain`.

The compiler writes each step's formula as English text built from fixed templates
(`25 × clamp((attainment − 0.5) / (1.0 − 0.5), 0, 1)`, `base pay by grade`). For Chinese readers
each template is recognised by the step's kind and re-worded; the policy's own expressions keep
their names and numbers, with the few English words of the expression language (and, or, not,
if, else, min, max, abs) put in Chinese. A template this module does not know is shown as the
compiler wrote it, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from engine.policy.compile import Plan, Step

STATS = {"mean": "平均值", "sum": "合计", "min": "最小值", "max": "最大值", "count": "人数"}
KEYS = {"grade": "等级", "role": "岗位"}
_WORDS = {"and": "且", "or": "或", "not": "非", "if": "如果", "else": "否则", "min": "最小值", "max": "最大值",
          "abs": "绝对值", "True": "是", "False": "否"}
_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r")\b")
_QUOTED = re.compile(r"('[^']*'|\"[^\"]*\")")


def expression_zh(text: str) -> str:
    """A policy expression with its keywords in Chinese; quoted texts and names unchanged."""
    parts = _QUOTED.split(text)
    return "".join(part if index % 2 else _WORD.sub(lambda m: _WORDS[m.group()], part)
                   for index, part in enumerate(parts))


def _term(text: str) -> str:
    """An expression as one term of a sentence: bracketed when it has several parts."""
    shown = expression_zh(text)
    return f"（{shown}）" if " " in shown else shown


def _kpi(step: Step, plan: Plan) -> str | None:
    if match := re.fullmatch(r"(\S+) × clamp\((.*), 0, 1\)", step.formula):
        return f"{match[1]} × 限定在 [0, 1] 内的 {expression_zh(match[2])}"
    if match := re.fullmatch(r"clamp\((.*), 0, (\S+)\)", step.formula):
        return f"{expression_zh(match[1])}，限定在 [0, {match[2]}] 内"
    if match := re.fullmatch(r"points of the band holding (.*)", step.formula):
        return f"{_term(match[1])} 所在档位的分数"
    return None


def _band(step: Step, plan: Plan) -> str | None:
    if match := re.fullmatch(r"band holding (.*)", step.formula):
        return f"{_term(match[1])} 所在的档位"
    if match := re.fullmatch(r"tier reached by (.*)", step.formula):
        return f"{_term(match[1])} 达到的提成档位"
    return None


def _aggregate(step: Step, plan: Plan) -> str | None:
    if match := re.fullmatch(r"(\w+)\((.*)\) over the team", step.formula):
        return f"全组 {match[2]} 的{STATS.get(match[1], match[1])}"
    return None


def _rating_label(plan: Plan, name: str) -> str:
    label = plan.ratings.get(name)
    return label.zh if label is not None else name


def _rating(step: Step, plan: Plan) -> str | None:
    parts = []
    for item in step.formula.split("; "):
        if match := re.fullmatch(r"(\w+) if score ≥ (\S+)", item):
            parts.append(f"总分 ≥ {match[2]} 为“{_rating_label(plan, match[1])}”")
        elif match := re.fullmatch(r"else (\w+)", item):
            parts.append(f"否则为“{_rating_label(plan, match[1])}”")
        else:
            return None
    return "；".join(parts)


def _gate(step: Step, plan: Plan) -> str | None:
    if match := re.fullmatch(r"(.*) → cancels .*", step.formula):
        labels = {s.name: s.label.zh for s in plan.steps if s.kind.startswith("pay")}
        cancelled = "、".join(labels.get(name, name) for name in step.cancels)
        return f"当 {expression_zh(match[1])} 时，取消{cancelled}"
    return None


def _pay(step: Step, plan: Plan) -> str | None:
    text = step.formula
    if match := re.fullmatch(r"base pay by (\w+)", text):
        return f"按{KEYS.get(match[1], match[1])}查底薪表"
    if match := re.fullmatch(r"(\S+) at (.+) ≥ (\S+), \+(\S+) per further (\S+)(?:, at most (\S+))?", text):
        first, on, start, then, every, cap = match.groups()
        return (f"{expression_zh(on)} ≥ {start} 时发 {first}，此后每多 {every} 再加 {then}"
                + (f"，最多 {cap}" if cap else ""))
    if match := re.fullmatch(r"max\((\S+) − \((.*)\), 0\)", text):
        return f"保底 {match[1]} 减去（{match[2]}），不少于 0"
    if match := re.fullmatch(r"(.*) × rate \(retroactive\)", text):
        return f"{_term(match[1])} × 所达档位的提点（全额按该档计算）"
    if match := re.fullmatch(r"Σ slices of (.*) by tier of (.*) \(marginal\)", text):
        base, on = _term(match[1]), _term(match[2])
        return f"{base} 按 {on} 分段，各段按所在档位的提点计算后相加（超额累进）"
    return expression_zh(text) if step.kind in ("pay:formula", "pay:commission", "pay:fixed") else None


def _roles(step: Step, plan: Plan) -> str | None:
    """`applies to: agent, supervisor` as 适用于：客服、主管 (role labels)."""
    return "适用于：" + "、".join(plan.roles[r][0].zh if r in plan.roles else r for r in step.roles)


def _floor(step: Step, plan: Plan) -> str | None:
    if match := re.fullmatch(r"floor by (\w+)", step.formula):
        return f"按{KEYS.get(match[1], match[1])}查保底表"
    return None


_FIXED = {"base × share of each tier × its rate": "提成基数 × 各档所占比例 × 该档的提点",
          "rate of that tier": "该档的提点"}
_BY_KIND: dict[str, Callable[[Step, Plan], str | None]] = {
    "kpi": _kpi, "band": _band, "aggregate": _aggregate, "rating": _rating, "gate": _gate, "roles": _roles,
    "floor": _floor,
}


def formula_text(step: Step, plan: Plan, lang: str) -> str:
    """The formula of `step` as `explain` shows it in `lang`."""
    if lang != "zh" or not step.formula:
        return step.formula
    if step.formula in _FIXED:
        return _FIXED[step.formula]
    render = _pay if step.kind.startswith("pay") else _BY_KIND.get(step.kind)
    shown = render(step, plan) if render else None
    return shown if shown is not None else expression_zh(step.formula)
