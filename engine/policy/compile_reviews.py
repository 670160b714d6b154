"""Career reviews (S0.7): a policy's `reviews:` compiled into plain values the ledger stage applies.

A review is not a step of the monthly plan: it reads a window of months, so it runs after the
month is evaluated, over what the ledger recorded (`engine.ledger.reviews`). What "met the
standard" means is the policy's expression; it is evaluated over each month's *recorded* values
(score, rating, total, KPI points, pay lines, choice metrics, role, grade), never recomputed from
inputs, so a review sees exactly the months that were paid and approved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from engine.model.label import Label
from engine.model.months import Condition, Window
from engine.model.reviews import Review, RoleReview, Then
from engine.policy import names as n
from engine.policy.builder import label_of, rules_of
from engine.policy.expr import compile_expression, parse

EVERY = {"month": 1, "quarter": 3}


def _condition(text: object) -> Condition | None:
    if text is None:
        return None
    expression = parse(text)  # type: ignore[arg-type]
    return Condition(str(text), compile_expression(expression), expression.names)


def review_months(every: object) -> int:
    """The window length of an `every:` value the schema accepted."""
    return EVERY[every] if isinstance(every, str) else int(n.mapping(every)["months"])


def outcome_table(items: list, months: int, under: tuple[Then, ...] = ()) -> tuple[Then, ...]:
    """`[{months_met: 3, then: up}, …]` as a tuple indexed by count (the checker saw 0..N covered);
    over `under` (the review's outcomes), the counts an `at_lowest` names replace theirs and the others stay."""
    table: dict[int, Then] = dict(enumerate(under))
    for item in items:
        counts = item["months_met"]
        then = item["then"]
        value = Then("down", then["down"]) if isinstance(then, dict) else Then(then)
        for count in counts if isinstance(counts, list) else [counts]:
            table[count] = value
    return tuple(table[count] for count in range(months + 1))


def compile_reviews(data: Mapping, line: Callable[[tuple], int] = lambda _: 0) -> tuple[Review | RoleReview, ...]:
    """`line` gives the policy line of a path (a review's declaration), for run-time warnings."""
    reviews: list[Review | RoleReview] = []
    for name, spec in n.mapping(data.get("reviews")).items():
        months = review_months(spec["every"])
        where = line(("reviews", name))
        if spec["kind"] == "role":
            promote, dismiss = n.mapping(spec.get("promote")), n.mapping(spec.get("dismiss"))
            reviews.append(RoleReview(
                name, label_of(spec), rules_of(spec), months, spec["role"], promote.get("to"),
                promote.get("tenure_months"), promote.get("months", 1 if "each" in promote else 0),
                _condition(promote.get("each")), dismiss.get("consecutive", 0), _condition(dismiss.get("each")), where))
            continue
        expression = parse(spec["met"])
        lowest = spec.get("at_lowest")
        outcomes = outcome_table(spec["outcomes"], months)
        reviews.append(Review(name, label_of(spec), rules_of(spec), months, str(spec["met"]),
                              compile_expression(expression), outcomes,
                              outcome_table(lowest, months, outcomes) if lowest else None, spec.get("partial", "skip"),
                              expression.names, where, spec.get("entry")))
    return tuple(reviews)


def entry_grade(reviews: tuple[Review | RoleReview, ...]) -> tuple[str, str] | None:
    """(grade, review id) of the entry grade a grade review declares (S0.6); the checker makes
    every declared entry name the same grade (JX265), so the first is the one."""
    return next(((r.entry, r.id) for r in reviews if isinstance(r, Review) and r.entry), None)


def compile_windows(data: Mapping) -> tuple[Window, ...]:
    found = []
    for name, spec in n.mapping(data.get("windows")).items():
        over = spec["over"]
        quarter = over == "quarter"
        found.append(Window(name, label_of(spec), rules_of(spec), quarter, 3 if quarter else int(over["months"]),
                            spec["stat"], _condition(spec.get("where")), spec.get("of")))
    return tuple(found)


def window_formula(window: Window) -> Label:
    """How a window value is counted, as its step's formula (explain shows it)."""
    span_zh = "本季度至今" if window.quarter else f"最近 {window.months} 个月"
    span_en = "of the quarter to date" if window.quarter else f"of the last {window.months}"
    if window.where is None:
        what = {"sum": ("合计", "sum"), "mean": ("平均", "mean")}[window.stat]
        return Label(f"{span_zh}此前各月 {window.of} 的{what[0]}（不含本月）",
                     f"{what[1]} of {window.of} over the months {span_en} before this one")
    if window.stat == "count":
        return Label(f"{span_zh}满足 {window.where.text} 的月数（含本月）",
                     f"months {span_en} meeting {window.where.text}, this one included")
    return Label(f"截至本月连续满足 {window.where.text} 的月数（最多 {window.months} 个月）",
                 f"months in a row up to this one meeting {window.where.text} (at most {window.months})")
