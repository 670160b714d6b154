"""Render one agent's trace: a tree from the total down to the inputs, then a plain summary.

The values come from the evaluation's own record (`AgentResult.trace`, one value per plan step);
this module only reads them next to each step's rule, formula and policy line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

from engine.compile import Plan, Step
from engine.evaluate import AgentResult
from engine.report import number, policy_ref

WORDS = {
    "zh": {"policy": "方案", "agent": "客服", "period": "月份", "team": "组", "line": "行",
           "cancelled": "已取消", "by": "原因", "seen": "见上",
           "outside": "不在任何档位", "band": "档位", "rate": "提点", "points": "分"},
    "en": {"policy": "policy", "agent": "agent", "period": "period", "team": "team", "line": "line",
           "cancelled": "cancelled", "by": "by", "seen": "see above",
           "outside": "outside every band", "band": "band", "rate": "rate", "points": "points"},
}


def show(value: object, unit: str = "") -> str:
    """A value as a supervisor reads it: money to the fen, long ratios to four places."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "(" + ", ".join(show(v, unit) for v in value) + ")"
    if isinstance(value, Decimal):
        if unit == "money" and value == value.quantize(Decimal("0.01")):
            return number(value.quantize(Decimal("0.01")))
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -4:
            short = value.quantize(Decimal("0.0001"))
            return number(short) + ("…" if short != value else "")  # … only when digits were cut
        return number(value)
    return "—" if value is None else str(value)


def _band_text(step: Step, index: int, lang: str) -> str:
    words = WORDS[lang]
    if index < 0 or index >= len(step.bands):
        return words["outside"]
    low, high, value, label = step.bands[index]
    span = f"[{'-∞' if low is None else number(low)}, {'∞' if high is None else number(high)})"
    name = f" {label.text(lang)}" if label else ""
    what = words["rate"] if step.name.endswith(".tier") else words["points"]
    return f"{words['band']} {index + 1}{name} {span} → {what} {number(value)}"


def _tree(plan: Plan, result: AgentResult, lang: str) -> Iterator[str]:
    words = WORDS[lang]
    values = result.trace
    steps = plan.steps
    children: dict[int, list[int]] = {}
    for step in steps:
        if step.parent is not None:
            children.setdefault(step.parent, []).append(step.slot)
    shown: set[int] = set()
    cancelling = _cancelling(plan, values)
    total = next(s.slot for s in steps if s.kind == "total")
    stack: list[tuple[int, int]] = [(total, 0)]
    while stack:
        slot, depth = stack.pop()
        step = steps[slot]
        indent = "  " * depth
        shown_value = _band_text(step, values[slot], lang) if step.kind == "band" else show(values[slot], step.unit)
        head = f"{indent}{step.label.text(lang)} ({step.name}) = {shown_value}"
        where = " · ".join([*step.rule, f"{words['line']} {step.line}"])
        if slot in shown:
            yield f"{head}  ({words['seen']})"
            continue
        shown.add(slot)
        yield f"{head}   [{where}]"
        if step.formula:
            yield f"{indent}    = {step.formula}"
        if step.kind.startswith("pay") and step.name in cancelling:
            gate = cancelling[step.name]
            yield f"{indent}    {words['cancelled']}: {words['by']} {gate.label.text(lang)} ({'/'.join(gate.rule)})"
        below = children.get(slot, []) + [r for r in step.reads if steps[r].parent != slot]
        for child in reversed(below):
            stack.append((child, depth + 1))


def _cancelling(plan: Plan, values: tuple) -> dict[str, Step]:
    """Which gate (if any) cancelled each pay component, read from the recorded gate values."""
    found: dict[str, Step] = {}
    for step in plan.steps:
        if step.kind == "gate" and values[step.slot]:
            for target in step.cancels:
                found.setdefault(target, step)
    return found


def summary(plan: Plan, result: AgentResult, lang: str) -> str:
    """One plain sentence: score, rating, pay and its parts, and anything cancelled."""
    labels = {s.name: s.label.text(lang) for s in plan.steps}
    rating = plan.ratings[result.rating].text(lang) if result.rating in plan.ratings else (result.rating or "")
    parts = " + ".join(f"{labels[name]} {number(amount)}" for name, amount in result.pay)
    cancelled = _cancelling(plan, result.trace) if result.trace else {}
    who = f"{result.agent} {result.name}".strip()
    if lang == "zh":
        text = (f"{who} {result.period} 得分 {number(result.score)}（{rating}），应发 {number(result.total)} "
                f"{plan.policy.currency}：{parts}。")
        for name, gate in cancelled.items():
            text += f"{labels[name]}因“{gate.label.text(lang)}”（{'/'.join(gate.rule)}）取消。"
        return text
    text = (f"{who} scored {number(result.score)} ({rating}) in {result.period} and is paid "
            f"{number(result.total)} {plan.policy.currency}: {parts}.")
    for name, gate in cancelled.items():
        text += f" {labels[name]} was cancelled: {gate.label.text(lang)} ({'/'.join(gate.rule)})."
    return text


def explain_text(plan: Plan, result: AgentResult, lang: str = "zh") -> str:
    words = WORDS[lang]
    head = [
        f"{words['agent']} {result.agent} {result.name}".rstrip() + f" · {words['period']} {result.period}"
        + (f" · {words['team']} {result.team}" if result.team else ""),
        f"{words['policy']} {plan.policy.id} {plan.policy.version} · sha256 {plan.policy.sha256} · {plan.policy.path}",
        "",
    ]
    return "\n".join([*head, *_tree(plan, result, lang), "", summary(plan, result, lang)]) + "\n"


def explain_json(plan: Plan, result: AgentResult, lang: str = "zh") -> str:
    values = result.trace
    steps = [
        {
            "slot": s.slot,
            "name": s.name,
            "kind": s.kind,
            "label": s.label.text(lang),
            "rule": list(s.rule),
            "formula": s.formula,
            "inputs": {plan.steps[r].name: _json_value(values[r]) for r in s.reads},
            "value": _json_value(values[s.slot]),
            "line": s.line,
            "parent": s.parent,
        }
        for s in plan.steps
    ]
    document = {
        "policy": policy_ref(plan),
        "agent": result.agent,
        "period": result.period,
        "steps": steps,
        "summary": summary(plan, result, lang),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    return value
