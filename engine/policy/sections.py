"""A checked policy as typed values: one frozen dataclass per section, each entry with its policy line.

`check` reads the YAML tree, because a policy it has not yet accepted can hold anything; once it
has passed, `read_sections` turns the tree into these values and the compiler reads nothing else
(no key names written a third time, no `.get(…, default)` scattered through the compiler: the
defaults of the schema are applied here, once). Each entry keeps the line of its key (and of the
keys inside it that a step is traced to), so messages and the trace name the line a reader edits.

Expressions stay text (`Formula`): the compiler parses them (once per text, engine.policy.names)
into its plan IR; numbers are Decimals read as written, so a formula shown in a trace says `1.50`
where the policy says `1.50`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from engine.model.calendar_facts import FACTS
from engine.model.corrections import Corrections, Overpayment
from engine.model.flags import Action, Suggestion
from engine.model.kinds import Kind
from engine.model.label import Label
from engine.model.penalties import Match, PayGroup
from engine.model.plan import RosterKeys, Source
from engine.model.reviews import Then
from engine.model.step_names import DAYS_IN_MONTH, DAYS_WORKED
from engine.policy import names as n
from engine.policy.check_choices import ABSENT
from engine.policy.check_reviews import review_months
from engine.policy.compile_reviews import outcome_table
from engine.policy.extends import shown_name
from engine.policy.load import Loaded

# Declared roles, grades, choice values and event kinds: id -> (label, aliases), as the plan keeps them.
Choices = Mapping[str, tuple[Label, tuple[str, ...]]]
# A band or a tier: (from, to, points or rate, label); None for an open end.
Band = tuple[Decimal | None, Decimal | None, Decimal, Label | None]


@dataclass(frozen=True, slots=True)
class Formula:
    """A policy expression as written (`sales / target`), and the line of its key."""

    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Meta:
    id: str
    version: str
    name: Label
    currency: str
    effective_from: str
    quantum: Decimal  # the pay quantum (`rounding.quantum`)
    rounding: str  # half_up | half_even | down | up


@dataclass(frozen=True, slots=True)
class MetricSpec:
    name: str
    label: Label
    rules: tuple[str, ...]
    line: int
    type: str  # number | money | ratio | percent | duration | count | choice
    unit: str
    aliases: tuple[str, ...]
    missing: Decimal | None  # a number metric's `missing:` value (None: an empty cell is an error)
    scope: str  # agent | team
    range: tuple[Decimal | None, Decimal | None]
    placeholders: Mapping[str, Decimal | None]
    choices: Choices  # a choice metric's values
    missing_choice: str | None  # a choice metric's `missing:` id
    absent: bool = False  # a choice metric's `missing: absent`: a blank cell is no value ("not assessed")
    source: str | None = None  # `source:` (S1.6): the source whose file wins when several hold its column

    @property
    def supplied(self) -> bool:
        """Whether a policy fallback (`missing:`, `placeholders:`) may supply the value."""
        return self.missing is not None or self.missing_choice is not None or bool(self.placeholders)


@dataclass(frozen=True, slots=True)
class WindowSpec:
    name: str
    label: Label
    rules: tuple[str, ...]
    line: int
    quarter: bool
    months: int
    stat: str  # count | consecutive | sum | mean
    where: Formula | None
    of: str | None


@dataclass(frozen=True, slots=True)
class Proration:
    """`proration: {by: calendar_days}`: the inputs days_worked and days_in_month."""

    rules: tuple[str, ...]
    line: int
    days: tuple[str, str] = (DAYS_WORKED, DAYS_IN_MONTH)


@dataclass(frozen=True, slots=True)
class EventsSpec:
    zone: str
    outside: str  # refuse | ignore
    kinds: Choices


@dataclass(frozen=True, slots=True)
class ClauseSpec:
    name: str
    label: Label
    rules: tuple[str, ...]
    line: int
    matches: tuple[Match, ...]  # `kind:` (one or a list) with `value_over:`, or `match:`, each kind with its own
    count_over: int
    per: str  # day | week | month | event
    cancels: tuple[str, ...]  # pay components: `pay_groups:` resolved to their members in place, each once
    when: Formula | None
    deducts: str | Decimal | None  # "loss", a fixed sum per firing, or None
    charges: Label | None
    charges_line: int
    warns: str | None  # warning | serious_warning
    cancels_written: tuple[str, ...] = ()  # as the policy writes `cancels:`, groups by name


@dataclass(frozen=True, slots=True)
class DeductionsSpec:
    guard: bool
    cap: Decimal
    minimum_wage: tuple[tuple[str, Decimal], ...]  # (from YYYY-MM-DD, amount), oldest first
    remainder: str  # carry | drop
    label: Label
    rules: tuple[str, ...]  # as written (the loss deduction's own step cites L.1 when none is)
    line: int
    wage_line: int


@dataclass(frozen=True, slots=True)
class AggregateSpec:
    name: str
    label: Label
    rules: tuple[str, ...]
    line: int
    of: str
    stat: str


@dataclass(frozen=True, slots=True)
class StatSpec:
    """A `population:` entry: a statistic of a computed value over a group."""

    name: str
    label: Label
    rules: tuple[str, ...]
    line: int
    of: Formula
    stat: str  # mean | sum | min | max | count
    over: str  # shop | team | role
    where: Formula | None
    empty: Decimal | None


@dataclass(frozen=True, slots=True)
class Top:
    """A ranking's `top:` — a count of agents, or a percentage of those ranked rounded as declared."""

    by: str  # count | percent
    value: Decimal
    rounding: str  # floor | ceil | nearest, with `percent`


@dataclass(frozen=True, slots=True)
class RankingSpec:
    name: str
    label: Label
    rules: tuple[str, ...]
    line: int
    of: Formula
    direction: str  # higher | lower
    among: str  # shop | team | role
    where: Formula | None
    ties: str  # shared | dense | by
    by: Formula | None
    by_direction: str
    top: Top | None

    @property
    def parts(self) -> tuple[str, ...]:
        """The names it gives after its id: place, size and in, and cut and top with a `top:`."""
        return n.RANKING_NAMES if self.top is not None else n.RANKING_NAMES[:3]


@dataclass(frozen=True, slots=True)
class DerivedSpec:
    name: str
    label: Label
    rules: tuple[str, ...]
    formula: Formula
    type: str
    on_zero_division: Decimal | None
    zero_line: int


@dataclass(frozen=True, slots=True)
class Linear:
    low: Decimal
    high: Decimal
    line: int


@dataclass(frozen=True, slots=True)
class Bands:
    bands: tuple[Band, ...]
    closed: str  # left: [from, to); right: (from, to]
    line: int


@dataclass(frozen=True, slots=True)
class KpiSpec:
    name: str
    label: Label
    rules: tuple[str, ...]
    weight: Decimal
    metric: str | None
    method: Linear | Bands | Formula  # how points are scored
    scale: Decimal | None = None  # the KPI's own scale (100): the method scores on it, then the weight applies


@dataclass(frozen=True, slots=True)
class RatingSpec:
    name: str
    label: Label
    rules: tuple[str, ...]
    min: Decimal | None


@dataclass(frozen=True, slots=True)
class GateSpec:
    name: str
    label: Label
    rules: tuple[str, ...]
    when: Formula
    cancels: tuple[str, ...]


class ScoreRound(StrEnum):
    """When KPI points are rounded to the score's precision (`score.round`).

    Schemes differ: some round each KPI's points and sum them, others sum unrounded points and round
    the total; three KPIs of 33.335 points give 100.02 one way and 100.01 the other."""

    EACH = "each"
    TOTAL = "total"


@dataclass(frozen=True, slots=True)
class ScoreSpec:
    precision: Decimal
    line: int  # of `total:`
    ratings: tuple[RatingSpec, ...]
    ratings_line: int
    gates: tuple[GateSpec, ...]
    round: ScoreRound = ScoreRound.EACH


@dataclass(frozen=True, slots=True)
class Keyed:
    """An amount looked up by one key or two (role, grade, rating, a choice metric): a pay table, a
    floor, a step bonus's amount (`{by: role, values: {…}, default: …}`). Rows are keyed by tuples of
    ids, one per key (`("supervisor", "A2")`); `default` pays every declared combination not listed."""

    by: tuple[str, ...]
    values: Mapping[tuple[str, ...], Decimal]
    default: Decimal | None
    line: int


@dataclass(frozen=True, slots=True)
class TablePay:
    table: Keyed


@dataclass(frozen=True, slots=True)
class FixedPay:
    amount: Decimal


@dataclass(frozen=True, slots=True)
class FormulaPay:
    formula: Formula


@dataclass(frozen=True, slots=True)
class StepPay:
    on: Formula
    start: Decimal  # `from:`
    every: Decimal
    first: Decimal | Keyed  # an amount, or one by role, grade … (S4.4/S4.5's team bonus)
    then: Decimal | Keyed
    cap: Decimal | None  # `max:`


@dataclass(frozen=True, slots=True)
class MinimumPay:
    floor: Formula | Keyed
    of: tuple[str, ...] | None  # the components it counts (None: every one before it)
    prorate: bool  # `prorate: calendar_days`


@dataclass(frozen=True, slots=True)
class Tiers:
    on: Formula
    tiers: tuple[Band, ...]  # a tier whose rate is by role … holds None here and its table in `by`
    marginal: bool  # `mode: marginal` (else retroactive)
    closed: str
    line: int
    by: tuple[Keyed | None, ...] = ()  # each tier's rate by role, grade … (None: the rate in `tiers`)


@dataclass(frozen=True, slots=True)
class CommissionPay:
    base: Formula
    rate: Decimal | Tiers


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    label: Label
    rules: tuple[str, ...]
    line: int
    kind: Kind  # Kind.PAY_TABLE …
    how: TablePay | FixedPay | FormulaPay | StepPay | MinimumPay | CommissionPay
    when: Formula | None
    roles: tuple[str, ...] | None  # the roles it is paid to (S4.1); None: every role
    roles_line: int


@dataclass(frozen=True, slots=True)
class GradeReviewSpec:
    name: str
    label: Label
    rules: tuple[str, ...]
    line: int
    months: int
    met: Formula
    outcomes: tuple[Then, ...]  # indexed by months met
    at_lowest: tuple[Then, ...] | None
    partial: str
    entry: str | None


@dataclass(frozen=True, slots=True)
class RoleReviewSpec:
    name: str
    label: Label
    rules: tuple[str, ...]
    line: int
    months: int
    role: str
    to: str | None
    tenure: int | None
    window: int
    each: Formula | None
    consecutive: int
    dismiss_each: Formula | None


@dataclass(frozen=True, slots=True)
class FlagSpec:
    """`flags.<id>` (S1.5): a condition raising an output a person acts on, never pay."""

    name: str
    label: Label
    rules: tuple[str, ...]
    line: int
    when: Formula
    months: int
    at_least: int
    action: Suggestion | None


@dataclass(frozen=True, slots=True)
class Policy:
    """Every section of a checked policy, in the order the policy writes its entries."""

    path: str
    sha256: str
    meta: Meta
    columns: Mapping[str, tuple[str, ...]]
    roles: Choices
    roles_line: int
    grades: Choices
    grades_line: int
    metrics: tuple[MetricSpec, ...]
    windows: tuple[WindowSpec, ...]
    proration: Proration | None
    events: EventsSpec | None
    penalties: tuple[ClauseSpec, ...]
    penalties_line: int
    deductions: DeductionsSpec | None
    corrections: Corrections
    aggregates: tuple[AggregateSpec, ...]
    population: tuple[StatSpec, ...]
    rankings: tuple[RankingSpec, ...]
    derived: tuple[DerivedSpec, ...]
    kpis: tuple[KpiSpec, ...]
    score: ScoreSpec | None  # None: the policy has no scorecard (S4), so no KPI, score, rating or gate
    pay: tuple[Component, ...]
    pay_line: int
    reviews: tuple[GradeReviewSpec | RoleReviewSpec, ...] = field(default=())
    # `roster:`: the shop's own agent key and the roster columns its reports carry.
    roster: RosterKeys = field(default_factory=RosterKeys)
    # `sources:` (S1.6): the exports a month may come as.
    sources: tuple[Source, ...] = ()
    # `roles.<id>.paid_by`: role -> who pays it and why (the minimum-wage warning does not judge it).
    paid_by: Mapping[str, Label] = field(default_factory=dict)
    # Calendar facts the per-agent expressions read (engine.model.calendar_facts): name -> the line of
    # its first use, in the facts' own order; only these become inputs of the plan.
    calendar: Mapping[str, int] = field(default_factory=dict)
    flags: tuple[FlagSpec, ...] = ()
    # `pay_groups:`: named groups of pay lines (S4's monthly bonus), each resolved to its components
    # (members in the order written, nested groups in place).
    pay_groups: tuple[PayGroup, ...] = ()

    def metric(self, name: str) -> MetricSpec | None:
        return next((m for m in self.metrics if m.name == name), None)

    @property
    def gates(self) -> tuple[GateSpec, ...]:
        """The score's gates; none without a scorecard."""
        return self.score.gates if self.score is not None else ()

    @property
    def ratings(self) -> tuple[RatingSpec, ...]:
        """The score's ratings; none without a scorecard."""
        return self.score.ratings if self.score is not None else ()

    def component(self, name: str) -> Component | None:
        return next((c for c in self.pay if c.name == name), None)


# -- reading ------------------------------------------------------------------------------------------


def label_of(spec: Mapping) -> Label:
    """The {zh, en} label of a policy entry (one string serves both languages)."""
    zh, en = n.label_texts(spec.get("label"))
    return Label(zh, en)


def rules_of(spec: Mapping) -> tuple[str, ...]:
    """The rule ids an entry cites (`rule: S4.2` or a list), for the trace."""
    rule = spec.get("rule")
    return tuple(rule) if isinstance(rule, list) else ((rule,) if rule else ())


def matches_of(spec: Mapping) -> tuple[Match, ...]:
    """A clause's kinds with their conditions: `match: [{kind, value_over}, …]`, or `kind:` (one id or a
    list) with `value_over:` applying to each."""
    if "match" in spec:
        return tuple(Match(str(item["kind"]), None if "value_over" not in item else Decimal(str(item["value_over"])))
                     for item in spec["match"])
    over = None if "value_over" not in spec else Decimal(str(spec["value_over"]))
    kinds = spec["kind"] if isinstance(spec["kind"], list) else [spec["kind"]]
    return tuple(Match(str(kind), over) for kind in kinds)


def choices_of(section: object) -> dict[str, tuple[Label, tuple[str, ...]]]:
    """Declared roles, grades or choice values: id -> (label, aliases)."""
    return {k: (label_of(v), tuple(n.mapping(v).get("aliases", ()))) for k, v in n.mapping(section).items()}


def read_bands(items: list, value_key: str) -> tuple[Band, ...]:
    """Bands as (from, to, value, label) with Decimal bounds; None for an open end."""
    return tuple(
        (None if "from" not in band else Decimal(band["from"]), None if "to" not in band else Decimal(band["to"]),
         Decimal(band[value_key]), label_of(band) if "label" in band else None)
        for band in items
    )


class Line(int):
    """A line of the policy, as every entry carries it, that also says which file of an `extends:`
    chain it is in (`file`: the base named relative to the policy's folder, "" for the policy's own);
    it is an int wherever a line is one, so only the steps (engine.model.steps.Step.file) read it."""

    file: str

    def __new__(cls, number: int, file: str = "") -> Line:
        line = super().__new__(cls, number)
        line.file = file
        return line


def read_sections(doc: Loaded) -> Policy:
    """The typed policy of a document that has passed `check` (it assumes a well-formed policy)."""
    return _Reader(doc).policy()


class _Reader:
    def __init__(self, doc: Loaded):
        self.doc = doc
        self.data: Mapping = doc.data  # type: ignore[assignment]
        self.calendar: dict[str, int] = {}  # calendar facts read, as `formula` meets them

    def line(self, *path: str | int) -> Line:
        # The key's line (`performance:`), not its block's first line (`label:` below it), and the
        # base file it is in when the policy `extends:` one.
        found = self.doc.file_at(path)
        base = "" if found == self.doc.path else shown_name(self.doc.path, found)
        return Line(self.doc.where(path, key=True)[0], base)

    def formula(self, value: object, *path: str | int) -> Formula:
        line = self.line(*path)
        # A window's and a review's conditions read recorded months, not this month's steps.
        if path[0] not in ("windows", "reviews") and (expr := n.try_parse(str(value))) is not None:
            for name in expr.names:
                if name in FACTS:
                    self.calendar.setdefault(name, line)
        return Formula(str(value), line)

    def maybe(self, spec: Mapping, key: str, *path: str | int) -> Formula | None:
        return self.formula(spec[key], *path, key) if key in spec else None

    def section(self, key: str) -> Mapping:
        return n.mapping(self.data.get(key))

    def policy(self) -> Policy:
        data = self.data
        return Policy(
            path=self.doc.path, sha256=self.doc.sha256, meta=self.meta(),
            columns={k: tuple(v) for k, v in self.section("columns").items()},
            roles=choices_of(data.get("roles")), roles_line=self.line("roles"),
            grades=choices_of(data.get("grades")), grades_line=self.line("grades"),
            metrics=tuple(self.metric(name, spec) for name, spec in data["metrics"].items()),
            windows=tuple(self.window(name, spec) for name, spec in self.section("windows").items()),
            proration=(Proration(rules_of(data["proration"]), self.line("proration"))
                       if data.get("proration") else None),
            events=self.events(), penalties=tuple(self.clause(name, spec)
                                                  for name, spec in self.section("penalties").items()),
            penalties_line=self.line("penalties"), deductions=self.deductions(), corrections=self.corrections(),
            aggregates=tuple(AggregateSpec(name, label_of(spec), rules_of(spec), self.line("aggregates", name),
                                           spec["of"], spec["stat"])
                             for name, spec in self.section("aggregates").items()),
            population=tuple(self.stat(name, spec) for name, spec in self.section("population").items()),
            rankings=tuple(self.ranking(name, spec) for name, spec in self.section("rankings").items()),
            derived=tuple(self.derived(name, spec) for name, spec in self.section("derived").items()),
            kpis=tuple(self.kpi(name, spec) for name, spec in self.section("kpis").items()),
            score=self.score() if "score" in data else None,
            pay=tuple(self.component(name, spec) for name, spec in data["pay"].items()), pay_line=self.line("pay"),
            reviews=tuple(self.review(name, spec) for name, spec in self.section("reviews").items()),
            roster=RosterKeys(str(key) if (key := self.section("roster").get("key")) is not None else None,
                              tuple(str(text) for text in self.section("roster").get("carry", ()))),
            sources=tuple(Source(name, str(spec["file"]), bool(spec.get("optional", False)))
                          for name, spec in self.section("sources").items()),
            paid_by={role: label_of({"label": spec["paid_by"]}) for role, spec in self.section("roles").items()
                     if isinstance(spec, Mapping) and spec.get("paid_by") is not None},
            flags=tuple(self.flag(name, spec) for name, spec in self.section("flags").items()),
            pay_groups=tuple(PayGroup(name, label_of(spec), rules_of(spec), tuple(spec["lines"]),
                                      self.resolved(spec["lines"]))
                             for name, spec in self.section("pay_groups").items()),
            # Last: every expression above has been read by now.
            calendar={name: self.calendar[name] for name in FACTS if name in self.calendar},
        )

    def score(self) -> ScoreSpec:
        score = self.data["score"]
        return ScoreSpec(
            Decimal(score.get("precision", Decimal("0.01"))), self.line("score", "total"),
            tuple(RatingSpec(name, label_of(spec), rules_of(spec), Decimal(spec["min"]) if "min" in spec else None)
                  for name, spec in n.mapping(score.get("ratings")).items()),
            self.line("score", "ratings"),
            tuple(GateSpec(name, label_of(spec), rules_of(spec),
                           self.formula(spec["when"], "score", "gates", name, "when"), tuple(spec["cancels"]))
                  for name, spec in n.mapping(score.get("gates")).items()),
            ScoreRound(score.get("round", ScoreRound.EACH)))

    def flag(self, name: str, spec: Mapping) -> FlagSpec:
        months = int(spec.get("months", 1))
        action = spec.get("action")
        return FlagSpec(name, label_of(spec), rules_of(spec), self.line("flags", name),
                        self.formula(spec["when"], "flags", name, "when"), months, int(spec.get("at_least", months)),
                        None if action is None else Suggestion(Action(action["kind"]), label_of(action)))

    def meta(self) -> Meta:
        meta = self.data["policy"]
        rounding = n.mapping(meta.get("rounding"))
        return Meta(meta["id"], str(meta["version"]), label_of({"label": meta["name"]}),
                    str(meta.get("currency", "CNY")), str(meta["effective_from"]),
                    Decimal(rounding.get("quantum", Decimal("0.01"))), rounding.get("mode", "half_up"))

    def metric(self, name: str, spec: Mapping) -> MetricSpec:
        missing = spec.get("missing", "error")
        line = self.line("metrics", name)
        if spec["type"] == "choice":
            return MetricSpec(name, label_of(spec), rules_of(spec), line, "choice", "", tuple(spec.get("aliases", ())),
                              None, "agent", (None, None), {}, choices_of(spec["values"]),
                              None if missing in ("error", ABSENT) else missing, missing == ABSENT,
                              spec.get("source"))
        return MetricSpec(name, label_of(spec), rules_of(spec), line, spec["type"], str(spec.get("unit", "")),
                          tuple(spec.get("aliases", ())), None if missing == "error" else Decimal(missing),
                          spec.get("scope", "agent"), n.metric_range(spec),
                          {text: None if meaning == "missing" else Decimal(meaning)
                           for text, meaning in n.mapping(spec.get("placeholders")).items()}, {}, None,
                          source=spec.get("source"))

    def window(self, name: str, spec: Mapping) -> WindowSpec:
        over = spec["over"]
        quarter = over == "quarter"
        return WindowSpec(name, label_of(spec), rules_of(spec), self.line("windows", name), quarter,
                          3 if quarter else int(over["months"]), spec["stat"],
                          self.maybe(spec, "where", "windows", name), spec.get("of"))

    def events(self) -> EventsSpec | None:
        if "events" not in self.data:
            return None
        spec = n.mapping(self.data["events"])
        return EventsSpec(str(spec["zone"]), str(spec.get("outside", "refuse")), choices_of(spec["kinds"]))

    def clause(self, name: str, spec: Mapping) -> ClauseSpec:
        deducts = spec.get("deducts")
        if isinstance(deducts, dict):
            deducts = Decimal(str(deducts["amount"]))
        return ClauseSpec(
            name, label_of(spec), rules_of(spec), self.line("penalties", name), matches_of(spec),
            int(spec.get("count_over", 0)), spec.get("per", "month"), self.resolved(spec.get("cancels", ())),
            self.maybe(spec, "when", "penalties", name),
            deducts, Label(*n.label_texts(spec["charges"])) if "charges" in spec else None,
            self.line("penalties", name, "charges"), spec.get("warns"), tuple(spec.get("cancels", ())))

    def resolved(self, names: object, seen: frozenset[str] = frozenset()) -> tuple[str, ...]:
        """Pay lines named directly or through `pay_groups:` (nested groups in place), each once, in the
        order written. `check` has refused unknown names and cycles (JX247, JX248); a group already
        being expanded is still skipped, so a cycle can never loop."""
        groups = self.section("pay_groups")
        found: dict[str, None] = {}
        for name in names if isinstance(names, list | tuple) else ():
            if name in groups:
                if name not in seen:
                    found.update(dict.fromkeys(self.resolved(n.mapping(groups[name]).get("lines"), seen | {name})))
            else:
                found[name] = None
        return tuple(found)

    def deductions(self) -> DeductionsSpec | None:
        if "deductions" not in self.data:
            return None
        spec = n.mapping(self.data["deductions"])
        wage = spec["minimum_wage"]
        dated = (("0000-01-01", Decimal(str(wage))),) if not isinstance(wage, list) else tuple(
            sorted((str(entry["from"]), Decimal(str(entry["amount"]))) for entry in wage))
        label = label_of(spec) if "label" in spec else Label("赔偿损失扣款", "Loss deduction")
        return DeductionsSpec(spec.get("guard", "on") != "off", Decimal(str(spec.get("cap", "0.2"))), dated,
                              spec.get("remainder", "carry"), label, rules_of(spec),
                              self.line("deductions"), self.line("deductions", "minimum_wage"))

    def corrections(self) -> Corrections:
        spec = self.section("corrections")
        agreement = label_of({"label": spec["agreement"]}) if "agreement" in spec else None
        return Corrections(Overpayment(spec.get("overpayment", Overpayment.OWED)), agreement)

    def stat(self, name: str, spec: Mapping) -> StatSpec:
        path = ("population", name)
        return StatSpec(name, label_of(spec), rules_of(spec), self.line(*path), self.formula(spec["of"], *path, "of"),
                        spec["stat"], spec.get("over", "team"), self.maybe(spec, "where", *path),
                        Decimal(spec["empty"]) if "empty" in spec else None)

    def ranking(self, name: str, spec: Mapping) -> RankingSpec:
        path = ("rankings", name)
        ties = spec.get("ties", "shared")
        by = self.formula(ties["by"], *path, "ties", "by") if isinstance(ties, dict) else None
        top = n.mapping(spec.get("top"))
        cut = (Top("count", Decimal(top["count"]), "") if "count" in top else
               Top("percent", Decimal(top["percent"]), str(top["rounding"])) if "percent" in top else None)
        return RankingSpec(name, label_of(spec), rules_of(spec), self.line(*path),
                           self.formula(spec["of"], *path, "of"), spec.get("direction", "higher"),
                           spec.get("among", "shop"), self.maybe(spec, "where", *path),
                           "by" if by is not None else str(ties), by, n.mapping(ties).get("direction", "higher"),
                           cut)

    def derived(self, name: str, spec: Mapping) -> DerivedSpec:
        path = ("derived", name)
        zero = Decimal(spec["on_zero_division"]) if "on_zero_division" in spec else None
        return DerivedSpec(name, label_of(spec), rules_of(spec), self.formula(spec["formula"], *path, "formula"),
                           spec.get("type", "number"), zero, self.line(*path, "on_zero_division"))

    def kpi(self, name: str, spec: Mapping) -> KpiSpec:
        path = ("kpis", name)
        method: Linear | Bands | Formula
        if "linear" in spec:
            method = Linear(Decimal(spec["linear"]["from"]), Decimal(spec["linear"]["to"]), self.line(*path, "linear"))
        elif "bands" in spec:
            method = Bands(read_bands(spec["bands"], "points"), spec.get("closed", "left"), self.line(*path, "bands"))
        else:
            method = self.formula(spec["formula"], *path, "formula")
        return KpiSpec(name, label_of(spec), rules_of(spec), Decimal(spec["weight"]), spec.get("metric"), method,
                       Decimal(spec["scale"]) if "scale" in spec else None)

    def component(self, name: str, spec: Mapping) -> Component:
        path = ("pay", name)
        kind = spec["kind"]
        how: TablePay | FixedPay | FormulaPay | StepPay | MinimumPay | CommissionPay
        if kind == "table":
            how = TablePay(self.keyed({"by": spec["key"], **spec}, *path, "key"))
        elif kind == "fixed":
            how = FixedPay(Decimal(spec["amount"]))
        elif kind == "formula":
            how = FormulaPay(self.formula(spec["formula"], *path, "formula"))
        elif kind == "step":
            then = "then" if "then" in spec else "first"
            how = StepPay(self.formula(spec["on"], *path, "on"), Decimal(spec["from"]), Decimal(spec["every"]),
                          self.amount(spec["first"], *path, "first"), self.amount(spec[then], *path, then),
                          Decimal(spec["max"]) if "max" in spec else None)
        elif kind == "minimum":
            floor = spec["floor"]
            how = MinimumPay(
                self.keyed(floor, *path, "floor") if isinstance(floor, dict) else self.formula(floor, *path, "floor"),
                tuple(spec["of"]) if spec.get("of") else None, spec.get("prorate") == "calendar_days")
        else:
            rate = spec["rate"]
            how = CommissionPay(self.formula(spec["base"], *path, "base"), Decimal(rate) if not isinstance(rate, dict)
                                else self.tiers(rate, path))
        return Component(name, label_of(spec), rules_of(spec), self.line(*path), Kind(f"pay:{kind}"), how,
                         self.maybe(spec, "when", *path), tuple(spec["roles"]) if "roles" in spec else None,
                         self.line(*path, "roles"))

    def keyed(self, spec: Mapping, *path: str | int) -> Keyed:
        """A table by one key (`values: {A1: 2000}`) or two (`values: {supervisor: {A1: 2500}}`)."""
        by = (spec["by"],) if isinstance(spec["by"], str) else tuple(spec["by"])
        rows: dict[tuple[str, ...], Decimal] = {}
        for first, value in spec["values"].items():
            if isinstance(value, dict):
                rows.update({(first, second): Decimal(amount) for second, amount in value.items()})
            else:
                rows[(first,)] = Decimal(value)
        default = Decimal(spec["default"]) if "default" in spec else None
        return Keyed(by, rows, default, self.line(*path))

    def tiers(self, rate: Mapping, path: tuple[str, ...]) -> Tiers:
        items = rate["tiers"]
        by = tuple(self.keyed(t["rate"], *path, "rate", "tiers", i, "rate") if isinstance(t["rate"], dict) else None
                   for i, t in enumerate(items))
        plain = read_bands([{**t, "rate": 0} if isinstance(t["rate"], dict) else t for t in items], "rate")
        bands = tuple((low, high, None if keyed else value, label)  # type: ignore[misc]
                      for (low, high, value, label), keyed in zip(plain, by, strict=True))
        return Tiers(self.formula(rate["on"], *path, "rate", "on"), bands,
                     rate.get("mode", "retroactive") == "marginal", rate.get("closed", "left"),
                     self.line(*path, "rate", "tiers"), by if any(by) else ())

    def amount(self, value: object, *path: str | int) -> Decimal | Keyed:
        return self.keyed(value, *path) if isinstance(value, dict) else Decimal(value)  # type: ignore[arg-type]

    def review(self, name: str, spec: Mapping) -> GradeReviewSpec | RoleReviewSpec:
        path = ("reviews", name)
        months = review_months(spec["every"])
        if spec["kind"] == "role":
            promote, dismiss = n.mapping(spec.get("promote")), n.mapping(spec.get("dismiss"))
            each = self.formula(promote["each"], *path, "promote", "each") if "each" in promote else None
            return RoleReviewSpec(
                name, label_of(spec), rules_of(spec), self.line(*path), months, spec["role"], promote.get("to"),
                promote.get("tenure_months"), promote.get("months", 1 if "each" in promote else 0), each,
                dismiss.get("consecutive", 0),
                self.formula(dismiss["each"], *path, "dismiss", "each") if "each" in dismiss else None)
        lowest = spec.get("at_lowest")
        outcomes = outcome_table(spec["outcomes"], months)
        return GradeReviewSpec(name, label_of(spec), rules_of(spec), self.line(*path), months,
                               self.formula(spec["met"], *path, "met"), outcomes,
                               outcome_table(lowest, months, outcomes) if lowest else None, spec.get("partial", "skip"),
                               spec.get("entry"))
