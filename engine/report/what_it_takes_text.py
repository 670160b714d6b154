"""What it would take, in words (zh, en) and as JSON: `jixiao explain --what-it-takes`.

Every number said here is one the re-evaluation gave (engine.run.what_it_takes); this module only
words it: the measured value and its threshold in the value's unit (80%, 20 秒, 150.00 元), the input
to change, the points and the pay before and after.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from decimal import Decimal

from engine.model.kinds import Kind
from engine.model.plan import Plan
from engine.model.steps import Step
from engine.model.units import PERCENT_UNITS, Unit
from engine.policy.formula_words import percent_bound
from engine.report.headings import money_unit, rating_text
from engine.report.number_text import at_most, fixed, number, percent
from engine.report.penalty_text import period_words
from engine.run.what_it_takes import Cancelled, Move, NearMiss, Path, Reached, WhatItTakes, kpi_step


def _step(plan: Plan, name: str) -> Step:
    return next(s for s in plan.steps if s.name == name)


def _value(plan: Plan, step: Step, value: Decimal, lang: str, bounds: tuple[Decimal, ...] = ()) -> str:
    """A measured or input value in its unit, on its side of `bounds` (99.9933%…, never 100.00%)."""
    if step.unit in PERCENT_UNITS:
        return percent(value, bounds)
    if step.unit == Unit.MONEY:
        return f"{fixed(value, 2)} {money_unit(plan, lang)}"
    text = at_most(value, 4, bounds)
    if step.unit == Unit.DURATION:
        return f"{text} 秒" if lang == "zh" else f"{text} s"
    return text


def _bound(plan: Plan, step: Step, bound: Decimal, lang: str) -> str:
    if step.unit in PERCENT_UNITS:
        return percent_bound(bound)
    text = number(bound) or ""
    if step.unit == Unit.DURATION:
        return f"{text} 秒" if lang == "zh" else f"{text} s"
    return f"{text} {money_unit(plan, lang)}" if step.unit == Unit.MONEY else text


def _signed(value: Decimal, places: int = 2) -> str:
    return ("+" if value >= 0 else "") + fixed(value, places)


def _money(plan: Plan, value: Decimal, lang: str) -> str:
    return f"{fixed(value, 2)} {money_unit(plan, lang)}"


def _rating(plan: Plan, rating: str | None, lang: str) -> str:
    text = rating_text(plan, rating, lang)
    if not text:
        return ""
    return f"“{text}”" if lang == "zh" else f"'{text}'"


def _holder(plan: Plan, name: str, lang: str) -> str:
    """What a threshold is of: 满分 (a KPI's full points), 分档 (its band), a component's tier, a gate."""
    zh = lang == "zh"
    holder = _step(plan, name) if name else None
    if holder is None:
        return "部分分数" if zh else "part of the range"
    if holder.kind == Kind.KPI:
        return "满分" if zh else "full points"
    if holder.kind == Kind.BAND and holder.parent is not None:
        return "分档" if zh else "band"
    if holder.kind == Kind.BAND:
        owner = _step(plan, holder.name.split(".")[0]).label.text(lang)
        return f"{owner}档位" if zh else f"{owner} tier"
    return holder.label.text(lang)


def _condition(plan: Plan, move: Move, lang: str, also: str = "") -> str:
    """`咨询转化率 ≥ 50%（满分）` / `Sales attainment ≥ 120% (Performance commission tier)`; `also`
    said in the same brackets."""
    measure = _step(plan, move.measure)
    sign = ("≥" if move.at_least else ">") if move.higher else ("≤" if move.at_least else "<")
    zh = lang == "zh"
    what = ("；" if zh else "; ").join(_holder(plan, name, lang) for name in (move.of, *move.also))
    name = measure.label.text(lang)
    if measure.kind == Kind.RAW:  # a formula KPI's value before it is held to its points
        name = kpi_step(plan, move.kpi).label.text(lang) + (" 公式值" if zh else " (formula)")
    if move.of:
        text = f"{name} {sign} {_bound(plan, measure, move.bound, lang)}"
    else:  # part of a linear range: said by the value it reaches (its exact share is no number to aim at)
        now = _value(plan, measure, move.value, lang, (move.bound,))
        text = f"{name} {now} → {_value(plan, measure, move.reached_value, lang, (move.bound,))}"
    if also:
        what += f"；{also}" if zh else f"; {also}"
    return f"{text}（{what}）" if zh else f"{text} ({what})"


def _change(plan: Plan, move: Move, lang: str) -> str:
    step = _step(plan, move.change.metric)
    before, after = _value(plan, step, move.change.before, lang), _value(plan, step, move.change.after, lang)
    return f"{step.label.text(lang)} {before} → {after}"


def _outcome(plan: Plan, base: Reached, after: Reached, lang: str) -> str:
    """`得分 85.15 → 91.82（优秀），应发 3579.02 → 3624.38 元（+45.36）`; only the pay for a policy
    without a scorecard (S4): there is no score to move."""
    zh = lang == "zh"
    pay = f"{fixed(base.total, 2)} → {_money(plan, after.total, lang)}"
    delta = _signed(after.total - base.total)
    if base.score is None or after.score is None:
        return f"应发 {pay}（{delta}）" if zh else f"pay {pay} ({delta})"
    rating = _rating(plan, after.rating, lang)
    rated = (f"（{rating}）" if zh else f" ({rating})") if rating else ""
    score = f"{at_most(base.score, 4)} → {at_most(after.score, 4)}{rated}"
    if zh:
        return f"得分 {score}，应发 {pay}（{delta}）"
    return f"score {score}, pay {pay} ({delta})"


def _move_line(plan: Plan, base: Reached, move: Move, lang: str) -> str:
    zh = lang == "zh"
    points = move.points[1] - move.points[0]
    gained = f"{_signed(points)} 分" if zh else f"{_signed(points)} points"
    head = f"{_condition(plan, move, lang)}：{_change(plan, move, lang)}" if zh else \
        f"{_condition(plan, move, lang)}: {_change(plan, move, lang)}"
    return f"{head}，{gained}；{_outcome(plan, base, move.reached, lang)}" if zh else \
        f"{head}, {gained}; {_outcome(plan, base, move.reached, lang)}"


def _kpi_lines(plan: Plan, what: WhatItTakes, lang: str) -> Iterator[str]:
    zh = lang == "zh"
    for kpi in what.kpis:
        label = kpi_step(plan, kpi.kpi).label.text(lang)
        if kpi.move is not None:
            measure = _step(plan, kpi.move.measure)
            now = _value(plan, measure, kpi.move.value, lang, (kpi.move.bound,))
            yield (f"- {label}：现为 {now}；{_move_line(plan, what.baseline, kpi.move, lang)}" if zh
                   else f"- {label}: now {now}; {_move_line(plan, what.baseline, kpi.move, lang)}")
        elif kpi.why == "best":
            yield f"- {label}：已过每个会改变得分或工资的界限" if zh else \
                f"- {label}: past every threshold that changes the score or the pay"
        else:
            yield f"- {label}：无分档界限可达（按公式计分，或本人数据无法改变）" if zh else \
                f"- {label}: no threshold to reach (scored by formula, or not moved by her own data)"


def _path_text(plan: Plan, base: Reached, path: Path, lang: str) -> str:
    zh = lang == "zh"
    if not path.moves or path.reached is None:
        return ("在搜索范围内（最多同时改变 3 项 KPI，每项至多其后 3 个界限）无法达到" if zh
                else "not reachable within the search (at most 3 KPIs, each to one of its next 3 thresholds)")
    parts = []
    for move in path.moves:
        points = move.points[1] - move.points[0]
        gained = f"{_signed(points)} 分" if zh else f"{_signed(points)} points"
        parts.append(f"{_condition(plan, move, lang, _change(plan, move, lang))} {gained}")
    joined = "；".join(parts) if zh else "; ".join(parts)
    return f"{joined} → {_outcome(plan, base, path.reached, lang)}"


def _rating_line(plan: Plan, what: WhatItTakes, lang: str) -> str:
    path = what.next_rating
    assert path is not None
    zh = lang == "zh"
    target = _rating(plan, path.rating, lang)
    gap = at_most(path.gap, 4)
    if zh:
        to = f"到{target}" if target else f"到 {number(path.target)} 分"
        return f"差 {gap} 分{to}：{_path_text(plan, what.baseline, path, lang)}"
    to = f" to {target}" if target else f" to {number(path.target)} points"
    return f"{gap} points short{to}: {_path_text(plan, what.baseline, path, lang)}"


def _cancelled_lines(plan: Plan, what: WhatItTakes, item: Cancelled, lang: str) -> Iterator[str]:
    zh = lang == "zh"
    label = _step(plan, item.component).label.text(lang)
    earned = _money(plan, item.earned, lang)
    if item.gate is not None:
        gate = _step(plan, item.gate)
        rules = "/".join(gate.rule)
        quoted = f"“{gate.label.text(lang)}”" if zh else f"'{gate.label.text(lang)}'"
        why = f"{quoted}{f'（{rules}）' if rules and zh else f' ({rules})' if rules else ''}"
        yield (f"- {label}（本应 {earned}）因{why}取消：{gate.formula_text(lang)}" if zh
               else f"- {label} ({earned} earned) cancelled by {why}: {gate.formula_text(lang)}")
        if item.path is not None:
            gap = at_most(item.path.gap, 4)
            yield (f"  保住它需再得 {gap} 分：{_path_text(plan, what.baseline, item.path, lang)}" if zh
                   else f"  kept with {gap} points more: {_path_text(plan, what.baseline, item.path, lang)}")
        return
    fired = dict(item.evidence)
    named = []
    for clause in (next(c for c in plan.penalties if c.name == name) for name in item.clauses):
        periods = ("、" if zh else ", ").join(
            f"{period_words(period, lang)} {len(events)} 次" if zh else f"{period_words(period, lang)}: {len(events)}"
            for period, events in fired.get(clause.name, ()))
        said = "；".join(filter(None, ("/".join(clause.rules), periods))) if zh else \
            "; ".join(filter(None, ("/".join(clause.rules), periods)))
        quoted = f"“{clause.label.text(lang)}”" if zh else f"'{clause.label.text(lang)}'"
        named.append(f"{quoted}（{said}）" if zh and said else f"{quoted} ({said})" if said else quoted)
    joined = ("、" if zh else ", ").join(named)
    yield (f"- {label}（本应 {earned}）因{joined}取消（事件见上）" if zh
           else f"- {label} ({earned} earned) cancelled by {joined} (events above)")
    fewer = [(("、" if zh else ", ") if i else "")
             + (f"{period_words(period, lang)}少 {n} 次" if zh else f"{n} fewer on {period_words(period, lang)}")
             for i, (_, period, n) in enumerate(item.fewer)]
    if item.kept is not None:
        paid = dict(item.kept.pay).get(item.component, Decimal(0))
        yield (f"  保住它需：{''.join(fewer)}；则{label} {_money(plan, paid, lang)}，"
               f"{_outcome(plan, what.baseline, item.kept, lang)}" if zh
               else f"  kept with: {''.join(fewer)}; then {label} {_money(plan, paid, lang)}, "
                    f"{_outcome(plan, what.baseline, item.kept, lang)}")
    else:
        yield ("  仅减少这些事件仍不能保住它（另有原因）" if zh
               else "  fewer of these events alone would not keep it (something else cancels it)")


def _near_line(plan: Plan, near: NearMiss, lang: str) -> str:
    zh = lang == "zh"
    clause = next(c for c in plan.penalties if c.name == near.clause)
    rules = "/".join(clause.rules)
    counted = ("、" if zh else ", ").join(
        f"{period_words(period, lang)} {count} 次" if zh else f"{period_words(period, lang)}: {count}"
        for period, count in near.periods)
    zone = plan.events.zone if plan.events is not None else ""
    per = {"day": ("每天", "in one day"), "week": ("每周", "in one week"), "month": ("每月", "in one month")}[near.per]
    if zh:
        return (f"- “{clause.label.zh}”{f'（{rules}）' if rules else ''}未触发（按 {zone} 时间）：{counted}；"
                f"{per[0]}达到 {near.fires_at} 次即触发")
    return (f"- '{clause.label.en}'{f' ({rules})' if rules else ''} did not fire ({zone} time): {counted}; "
            f"{near.fires_at} {per[1]} fires it")


def what_it_takes_lines(plan: Plan, what: WhatItTakes, lang: str) -> list[str]:
    """The section's lines, after explain's summary."""
    zh = lang == "zh"
    lines = ["", "达成所需（按方案重新计算；其他客服数据不变）：" if zh and what.others_unchanged
             else "达成所需（按方案重新计算）：" if zh
             else "What it would take (re-evaluated through the plan; other agents' data unchanged):"
             if what.others_unchanged else "What it would take (re-evaluated through the plan):"]
    lines += list(_kpi_lines(plan, what, lang))
    if what.next_rating is not None:
        lines.append(_rating_line(plan, what, lang))
    for item in what.cancelled:
        lines += list(_cancelled_lines(plan, what, item, lang))
    lines += [_near_line(plan, near, lang) for near in what.near]
    return lines


def _plain(value: object) -> object:
    """Decimals as decimal strings, tuples as lists, pairs of (name, amount) as objects."""
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str)
                         and isinstance(v[1], Decimal) for v in value):
            return {k: _plain(v) for k, v in value}
        return [_plain(v) for v in value]
    return value


def what_it_takes_json(what: WhatItTakes) -> dict:
    """The section as `explain --format json` carries it (key `what_it_takes`), every number a string."""
    return _plain(asdict(what))  # type: ignore[return-value]
