"""Deductions within the law (L.1, L.2, L.4): what the schema cannot see.

A clause that deducts needs the minimum wage the deduction must leave (JX274); a fixed sum taken
for a breach is a fine, which has had no legal basis since 2008, however it is named (JX275, a
warning naming the clause or pay component); switching the legal guard off is allowed only as a
visible choice (JX276); the cap is at most 20 % while the guard is on (JX277). A clause counted per
event has no threshold to pass (JX278); a loss is either the agent's or someone else's (JX279); a
`deductions:` nothing deducts through is probably a clause missing its `deducts:` (JX280); the
dated minimum wages must be real dates with positive amounts, one per date (JX281). Recovering an
overpayment from pay needs both the minimum wage it must leave and the agreement it rests on (L.5,
JX282).
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal

from engine.policy import names as n
from engine.policy.expr import Expression, compile_expression
from engine.policy.runtime import CONTEXT

Report = Callable[..., None]
LEGAL_CAP = Decimal("0.2")
# Words that name a fine (罚款) or its disguises (乐捐 "donation", 负激励 "negative incentive").
SHANGHAI, SHANGHAI_ZH = "Shanghai: 2740 from 2025-07-01", "上海：2025-07-01 起 2740"
FINE_WORDS = ("罚款", "罚金", "扣罚", "乐捐", "负激励", "fine", "penalty")


def check_deductions(report: Report, data: Mapping) -> None:
    clauses = {name: n.mapping(spec) for name, spec in n.mapping(data.get("penalties")).items()}
    section = data.get("deductions")
    deducting = [name for name, spec in clauses.items() if "deducts" in spec]
    if deducting and not isinstance(section, dict):
        report(("penalties", deducting[0], "deducts"), "JX274",
               f"penalty '{deducting[0]}' deducts from pay, but the policy declares no deductions: section, so the "
               "legal cap and the minimum wage the deduction must leave are unknown",
               f"罚则 '{deducting[0]}' 要从工资中扣款，但方案没有 deductions: 段，"
               "无法知道法定扣款上限和扣后必须保留的最低工资",
               hint="add deductions: {minimum_wage: [{from: 2025-07-01, amount: 2740}]} (Shanghai; use your city's)",
               zh_hint="加上 deductions: {minimum_wage: [{from: 2025-07-01, amount: 2740}]}（上海标准，请按当地填写）",
               key=True)
    for name, spec in clauses.items():
        _check_clause(report, name, spec)
    _check_fines_in_pay(report, n.mapping(data.get("pay")))
    if isinstance(section, dict):
        _check_section(report, section, bool(deducting))
    _check_corrections(report, n.mapping(data.get("corrections")), isinstance(section, dict))


def _check_corrections(report: Report, spec: Mapping, deductions: bool) -> None:
    """L.5: an overpayment is recovered from pay only within the guard and as a recorded agreement allows."""
    if spec.get("overpayment") != "recover":
        if "agreement" in spec:
            report(("corrections", "agreement"), "JX282",
                   "agreement: is read only with overpayment: recover; without it overpayments are never deducted",
                   "agreement: 只在 overpayment: recover 时使用；否则多发的工资不会被扣回", key=True, warning=True)
        return
    if not deductions:
        report(("corrections", "overpayment"), "JX282",
               "overpayment: recover deducts from pay, but the policy declares no deductions: section, so the legal "
               "cap and the minimum wage a recovery must leave are unknown",
               "overpayment: recover 要从工资中扣回，但方案没有 deductions: 段，"
               "无法知道法定扣款上限和扣后必须保留的最低工资",
               hint="add deductions: {minimum_wage: …}, or record the amount as owed: overpayment: owed",
               zh_hint="请加上 deductions: {minimum_wage: …}，或改为记为欠款：overpayment: owed")
    if "agreement" not in spec:
        report(("corrections", "overpayment"), "JX282",
               "overpayment: recover needs agreement: the labour contract's clause or written consent that allows "
               "recovering overpaid wages from pay (the law does not by itself, L.5)",
               "overpayment: recover 需要 agreement:，写明允许从工资中扣回多发工资的劳动合同条款或书面同意"
               "（法律本身不允许，L.5）",
               hint="agreement: {zh: 劳动合同第 8 条：多发工资从次月工资中扣回, en: Contract clause 8: …}",
               zh_hint="agreement: {zh: 劳动合同第 8 条：多发工资从次月工资中扣回, en: Contract clause 8: …}")


def _check_clause(report: Report, name: str, spec: Mapping) -> None:
    deducts = spec.get("deducts")
    if isinstance(deducts, dict) and "amount" in deducts:
        report(("penalties", name, "deducts"), "JX275",
               f"penalty '{name}' deducts a fixed {deducts['amount']} yuan, not a loss: a fine, which has no legal "
               "basis (the rules that allowed fines were repealed in 2008)",
               f"罚则 '{name}' 扣固定金额 {deducts['amount']} 元，而不是实际损失：这是罚款，没有法律依据"
               "（允许罚款的《企业职工奖惩条例》已于 2008 年废止）",
               hint="deduct the actual loss instead: deducts: loss (amounts from the events file)",
               zh_hint="请改为扣实际损失：deducts: loss（金额来自事件文件）", key=True, warning=True)
    if spec.get("per") == "event" and isinstance(spec.get("count_over"), int) and spec["count_over"] > 0:
        report(("penalties", name, "count_over"), "JX278",
               f"penalty '{name}' counts each event on its own (per: event), so count_over: {spec['count_over']} "
               "could never be passed and the clause would never fire",
               f"罚则 '{name}' 按每次事件单独计算（per: event），count_over: {spec['count_over']} 永远达不到，"
               "该罚则不会生效",
               hint="remove count_over, or count per day, week or month",
               zh_hint="删除 count_over，或改为按天、周、月计数")
    if "deducts" in spec and "charges" in spec:
        report(("penalties", name, "charges"), "JX279",
               f"penalty '{name}' both deducts the loss from the agent and charges it to someone else; "
               "it would be paid twice",
               f"罚则 '{name}' 既从本人扣除损失，又把损失计入他人，同一损失会被承担两次",
               hint="keep deducts: (the agent bears it) or charges: (someone else does), not both",
               zh_hint="deducts:（本人承担）和 charges:（他人承担）只保留一个")


def _check_fines_in_pay(report: Report, pay: Mapping) -> None:
    """JX275 for a pay component that subtracts a fixed sum or is named like a fine."""
    for name, spec in pay.items():
        spec = n.mapping(spec)
        amount = spec.get("amount") if spec.get("kind") == "fixed" else None
        formula = spec.get("formula") if spec.get("kind") == "formula" else None
        negative = isinstance(amount, Decimal | int) and amount < 0
        if isinstance(formula, Decimal | int):
            negative = negative or formula < 0
        elif isinstance(formula, str):
            parsed = n.try_parse(formula)
            negative = negative or (parsed is not None and not parsed.names and _negative_constant(parsed))
        texts = [name, *n.label_texts(spec.get("label"))]
        named = next((w for w in FINE_WORDS if any(w in t.lower() for t in texts if isinstance(t, str))), None)
        if negative or named:
            why = f"is named like a fine ('{named}')" if named else "subtracts a fixed sum"
            why_zh = f"名称像罚款（“{named}”）" if named else "扣减固定金额"
            report(("pay", name), "JX275",
                   f"pay component '{name}' {why}: a deduction must be an actual loss the agent caused, never a "
                   "fine (the rules that allowed fines were repealed in 2008)",
                   f"薪酬项 '{name}' {why_zh}：扣款必须对应本人造成的实际损失，不能是罚款"
                   "（允许罚款的《企业职工奖惩条例》已于 2008 年废止）",
                   key=True, hint="record the loss as an event and use a penalty clause with deducts: loss",
                   zh_hint="把损失记为事件，用 deducts: loss 的罚则扣除", warning=True)


def _negative_constant(parsed: Expression) -> bool:
    """A formula with no names whose value is below zero (`0 - 12.5`, `-50`)."""
    try:
        with decimal.localcontext(CONTEXT):
            value = compile_expression(parsed)({})
    except (ArithmeticError, OverflowError, TypeError, ValueError):
        return False
    return isinstance(value, Decimal) and value < 0


def _check_section(report: Report, section: Mapping, deducting: bool) -> None:
    guard = section.get("guard", "on")
    if guard == "off":
        report(("deductions", "guard"), "JX276",
               "the legal guard on deductions is off: a month's deduction may exceed 20 % of the wage and leave "
               "less than the minimum wage (wage regulation Art. 16 forbids both)",
               "扣款的法定保护已关闭：当月扣款可能超过工资的 20%，扣后也可能低于当地最低工资"
               "（《工资支付暂行规定》第十六条不允许）",
               hint="remove guard: off unless a lawyer has confirmed it", zh_hint="除非已经法律确认，请删除 guard: off",
               warning=True)
    cap = section.get("cap")
    if isinstance(cap, Decimal | int) and not isinstance(cap, bool):
        top = LEGAL_CAP if guard != "off" else Decimal(1)
        if not 0 < cap <= top:
            report(("deductions", "cap"), "JX277",
                   f"cap {cap} is outside (0, {top}]: " + ("the law allows at most 20 % of a month's wage"
                                                            if guard != "off" else "a share of the month's wage"),
                   f"cap {cap} 不在 (0, {top}] 内：" + ("法律规定每月扣款最多为当月工资的 20%"
                                                      if guard != "off" else "应为当月工资的比例"),
                   hint="write 0.2 for 20 %", zh_hint="20% 请写 0.2")
    if not deducting:
        report(("deductions",), "JX280",
               "deductions: is declared but no penalty clause deducts (deducts: loss), so nothing is ever deducted",
               "声明了 deductions:，但没有任何罚则扣款（deducts: loss），不会产生扣款",
               key=True, hint="add deducts: loss to the clauses whose loss the agent bears",
               zh_hint="在由本人承担损失的罚则中加上 deducts: loss", warning=True)
    wages = section.get("minimum_wage")
    if isinstance(wages, Decimal | int) and not isinstance(wages, bool) and wages <= 0:
        report(("deductions", "minimum_wage"), "JX281", f"minimum_wage {wages} is not a positive amount",
               f"minimum_wage {wages} 不是正数", hint=SHANGHAI, zh_hint=SHANGHAI_ZH)
    seen: dict[str, int] = {}
    for index, entry in enumerate(wages if isinstance(wages, list) else []):
        entry = n.mapping(entry)
        start, amount = entry.get("from"), entry.get("amount")
        where = ("deductions", "minimum_wage", index)
        if isinstance(start, str) and not _real_date(start):
            report((*where, "from"), "JX281", f"'{start}' is not a date of the calendar",
                   f"'{start}' 不是日历上的日期", hint="write YYYY-MM-DD", zh_hint="请写成 YYYY-MM-DD")
        elif isinstance(start, str) and start in seen:
            report((*where, "from"), "JX281", f"two minimum wages from {start}: which one applies is unknown",
                   f"有两个从 {start} 起的最低工资，无法确定用哪一个", hint="keep one amount per date",
                   zh_hint="每个日期只保留一个金额")
        if isinstance(start, str):
            seen.setdefault(start, index)
        if isinstance(amount, Decimal | int) and not isinstance(amount, bool) and amount <= 0:
            report((*where, "amount"), "JX281", f"minimum wage {amount} is not a positive amount",
                   f"最低工资 {amount} 不是正数", hint=SHANGHAI, zh_hint=SHANGHAI_ZH)


def _real_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
