"""Career reviews (S0.7) and window values: a policy's `reviews:` and `windows:` as plain values.

A review is not a step of the monthly plan: it reads a window of months, so it runs after the
month is evaluated, over what the ledger recorded (`engine.ledger.reviews`). What "met the
standard" means is the policy's expression; it is evaluated over each month's *recorded* values
(score, rating, total, KPI points, pay lines, choice metrics, role, grade), never recomputed from
inputs, so a review sees exactly the months that were paid and approved.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from engine.model.label import Label
from engine.model.months import Condition, Window
from engine.model.reviews import Review, RoleReview, Then
from engine.policy.expr import compile_expression, parse

if TYPE_CHECKING:
    from engine.policy.sections import Formula, GradeReviewSpec, RoleReviewSpec, WindowSpec


def _condition(formula: Formula | None) -> Condition | None:
    if formula is None:
        return None
    expression = parse(formula.text)
    return Condition(formula.text, compile_expression(expression), expression.names)


def outcome_table(items: list, months: int, under: tuple[Then, ...] = ()) -> tuple[Then, ...]:
    """`[{months_met: 3, then: up}, …]` as a tuple indexed by count (the checker saw 0..N covered);
    over `under` (the review's outcomes), the counts an `at_lowest` names replace theirs and the others stay."""
    table: dict[int, Then] = dict(enumerate(under))
    for item in items:
        counts = item["months_met"]
        then = item["then"]
        value = Then("down", then["down"]) if isinstance(then, Mapping) else Then(then)
        for count in counts if isinstance(counts, list) else [counts]:
            table[count] = value
    return tuple(table[count] for count in range(months + 1))


def compile_reviews(specs: tuple[GradeReviewSpec | RoleReviewSpec, ...]) -> tuple[Review | RoleReview, ...]:
    """The reviews the ledger stage applies, each with its line for run-time warnings."""
    reviews: list[Review | RoleReview] = []
    for spec in specs:
        if hasattr(spec, "role"):
            reviews.append(RoleReview(
                spec.name, spec.label, spec.rules, spec.months, spec.role, spec.to, spec.tenure, spec.window,
                _condition(spec.each), spec.consecutive, _condition(spec.dismiss_each), spec.line))
            continue
        expression = parse(spec.met.text)
        reviews.append(Review(spec.name, spec.label, spec.rules, spec.months, spec.met.text,
                              compile_expression(expression), spec.outcomes, spec.at_lowest, spec.partial,
                              expression.names, spec.line, spec.entry))
    return tuple(reviews)


def entry_grade(reviews: tuple[Review | RoleReview, ...]) -> tuple[str, str] | None:
    """(grade, review id) of the entry grade a grade review declares (S0.6); the checker makes
    every declared entry name the same grade (JX265), so the first is the one."""
    return next(((r.entry, r.id) for r in reviews if isinstance(r, Review) and r.entry), None)


def compile_windows(specs: tuple[WindowSpec, ...]) -> tuple[Window, ...]:
    return tuple(Window(w.name, w.label, w.rules, w.quarter, w.months, w.stat, _condition(w.where), w.of)
                 for w in specs)


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
