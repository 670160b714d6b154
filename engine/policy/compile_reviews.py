"""Career reviews (S0.7): a policy's `reviews:` compiled into plain values the ledger stage applies.

A review is not a step of the monthly plan: it reads a window of months, so it runs after the
month is evaluated, over what the ledger recorded (`engine.ledger.reviews`). What "met the
standard" means is the policy's expression; it is evaluated over each month's *recorded* values
(score, rating, total, KPI points, pay lines, choice metrics, role, grade), never recomputed from
inputs, so a review sees exactly the months that were paid and approved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from engine.policy import names as n
from engine.policy.builder import label_of, rules_of
from engine.policy.expr import compile_expression, parse
from engine.policy.steps import Label

EVERY = {"month": 1, "quarter": 3}


@dataclass(frozen=True, slots=True)
class Then:
    """What a count of months met leads to: `up`, `stay`, `down` (to `grade`) or `dismiss`."""

    action: str
    grade: str | None = None


@dataclass(frozen=True, slots=True)
class Review:
    id: str
    label: Label
    rules: tuple[str, ...]
    months: int  # the window: reviews close in the months whose number is a multiple of this
    met: str  # the expression's text, as reasons quote it
    meets: Callable[[Mapping[str, object]], object] = lambda _: False
    outcomes: tuple[Then, ...] = ()  # indexed by months met, 0..months
    at_lowest: tuple[Then, ...] | None = None  # for agents at the lowest grade, when declared
    partial: str = "skip"  # skip | months_worked
    reads: tuple[str, ...] = ()  # the names `met` reads
    line: int = 0  # where the review is declared, for warnings at run time
    entry: str | None = None  # the grade a joiner without a grade enters at (S0.6)

    def reads_month(self, closing: str, month: str) -> bool:
        """Whether the review held at `closing` counts `month`."""
        return self.closes(closing) and month in self.window(closing)

    def closes(self, period: str) -> bool:
        """Whether `period` (YYYY-MM) ends a window: quarters end in Mar, Jun, Sep and Dec."""
        return int(period[5:7]) % self.months == 0

    def window(self, period: str) -> tuple[str, ...]:
        """The months of the window that closes with `period`, oldest first."""
        return last_months(period, self.months)


@dataclass(frozen=True, slots=True)
class Condition:
    """A per-month condition of a role review (`each:`), over a month's recorded values."""

    text: str
    holds: Callable[[Mapping[str, object]], object]
    names: tuple[str, ...] = ()  # what it reads: the ledger skips decoding what no condition reads


@dataclass(frozen=True, slots=True)
class RoleReview:
    """One step of a role path (S4): holders of `role` promoted to `to`, or dismissed."""

    id: str
    label: Label
    rules: tuple[str, ...]
    months: int  # the cadence: the review runs in months whose number is a multiple of this
    role: str
    to: str | None = None
    tenure: int | None = None  # whole months with the company at the end of the review month
    window: int = 0  # promotion needs `each` in every one of the last `window` months
    each: Condition | None = None
    consecutive: int = 0  # dismissal after this many consecutive months meeting `dismiss_each`
    dismiss_each: Condition | None = None
    line: int = 0

    def reads_month(self, closing: str, month: str) -> bool:
        return self.closes(closing) and month in last_months(closing, self.needs())

    def closes(self, period: str) -> bool:
        return int(period[5:7]) % self.months == 0

    def needs(self) -> int:
        """How many months back (this one included) the review reads."""
        return max(self.window, self.consecutive, 1)


def last_months(period: str, count: int) -> tuple[str, ...]:
    """The `count` months ending with `period` (YYYY-MM), oldest first, across year ends."""
    index = int(period[:4]) * 12 + int(period[5:7]) - 1
    return tuple(f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1))


def _condition(text: object) -> Condition | None:
    if text is None:
        return None
    expression = parse(text)  # type: ignore[arg-type]
    return Condition(str(text), compile_expression(expression), expression.names)


def review_months(every: object) -> int:
    """The window length of an `every:` value the schema accepted."""
    return EVERY[every] if isinstance(every, str) else int(n.mapping(every)["months"])


def outcome_table(items: list, months: int) -> tuple[Then, ...]:
    """`[{months_met: 3, then: up}, …]` as a tuple indexed by count (the checker saw 0..N covered)."""
    table: dict[int, Then] = {}
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
        reviews.append(Review(name, label_of(spec), rules_of(spec), months, str(spec["met"]),
                              compile_expression(expression), outcome_table(spec["outcomes"], months),
                              outcome_table(lowest, months) if lowest else None, spec.get("partial", "skip"),
                              expression.names, where, spec.get("entry")))
    return tuple(reviews)


def entry_grade(reviews: tuple[Review | RoleReview, ...]) -> tuple[str, str] | None:
    """(grade, review id) of the entry grade a grade review declares (S0.6); the checker makes
    every declared entry name the same grade (JX265), so the first is the one."""
    return next(((r.entry, r.id) for r in reviews if isinstance(r, Review) and r.entry), None)


@dataclass(frozen=True, slots=True)
class Window:
    """A value over months (S4.4/S4.5 quarterly excellence; S3.1 points that accumulate): how many
    months of the window, this one included, meet `where` (`count`), or how many in a row up to
    this one (`consecutive`); `where` reads choice metrics, role and grade, known from the inputs
    before this month is evaluated and recorded for every earlier month. `sum` and `mean` add up
    a recorded value (`of`: score, total, KPI points, a pay line) over the window's earlier months
    only: this month's is what is being computed."""

    name: str
    label: Label
    rules: tuple[str, ...]
    quarter: bool
    months: int  # the last N months (with `quarter`: at most 3, the quarter to date)
    stat: str  # count | consecutive (over `where`, this month included) | sum | mean (of `of`, earlier months)
    where: Condition | None = None
    of: str | None = None

    @property
    def reads(self) -> tuple[str, ...]:
        return self.where.names if self.where is not None else (self.of,) if self.of else ()

    def earlier(self, period: str) -> tuple[str, ...]:
        """The window's months before `period`, oldest first."""
        count = (int(period[5:7]) - 1) % 3 + 1 if self.quarter else self.months
        return last_months(period, count)[:-1]


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
