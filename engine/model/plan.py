"""A compiled policy: its named steps, what it declares, and the generated code that computes them.

`engine.policy.compile` builds a `Plan` from a checked policy; every later stage reads it (the data
readers its metrics and columns, the evaluator its code and inputs, the ledger its reviews and
corrections rule, the reports its steps and labels) and none of them rebuilds it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from engine.model.blocks import Block, InputBlock
from engine.model.corrections import Corrections
from engine.model.dated import DatedUse
from engine.model.flags import Flag
from engine.model.label import Label
from engine.model.months import Window
from engine.model.ops import Op
from engine.model.penalties import Clause, Deductions, EventVocabulary, PayGroup
from engine.model.reviews import Review, RoleReview
from engine.model.step_names import SUPPLIED
from engine.model.steps import Population, Step


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    label: Label
    type: str
    unit: str
    aliases: tuple[str, ...]
    missing: Decimal | None
    scope: str
    # The values a cell may hold, as stored (ratios as fractions); None is unbounded on that side.
    range: tuple[Decimal | None, Decimal | None] = (None, None)
    # Placeholder texts the policy declared (`延迟统计`): a number, or None for "missing".
    placeholders: Mapping[str, Decimal | None] = field(default_factory=dict)
    # A `type: choice` metric's values: id -> (label, aliases); its `missing` id (None: an error).
    choices: Mapping[str, tuple[Label, tuple[str, ...]]] = field(default_factory=dict)
    missing_choice: str | None = None
    # `missing: absent`: a blank cell is no value (None, "not assessed"), equal to none of the values.
    absent: bool = False
    # `source:` (S1.6): the source whose file it is read from when several metrics files hold its column.
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Aggregate:
    name: str
    of: str
    stat: str


@dataclass(frozen=True, slots=True)
class PolicyRef:
    id: str
    version: str
    sha256: str
    path: str
    name: Label
    currency: str
    effective_from: str = ""
    # Dated values (engine.policy.dated): the entries in force for the period this plan was compiled
    # for, and the sha256 of the policy's content as in force then; () and "" for a policy without any.
    dated: tuple[DatedUse, ...] = ()
    content_sha256: str = ""


@dataclass(frozen=True, slots=True)
class Source:
    """`sources.<name>` (S1.6): one of the exports a month may come as, known by a pattern on its file
    name (`*赤兔*`); an `optional` one may lack an agent, whose metrics from it are then missing."""

    name: str
    file: str
    optional: bool = False


@dataclass(frozen=True, slots=True)
class RosterKeys:
    """`roster:`: the header of the agent column (`key`, e.g. 客服昵称; None: the built-in agent headers)
    and the roster columns carried into every report (`carry`: 工号, 部门 …), headed as the shop heads them."""

    key: str | None = None
    carry: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Outputs:
    """What an agent's result takes from the steps (the tail of an AgentResult): slots, and for each
    penalty clause the value the ledger keeps (its count when it applies, else 0) as an op."""

    score: int | None  # None: the policy has no scorecard (S4)
    rating: int | None
    kpis: tuple[tuple[str, int], ...]
    pay: tuple[tuple[str, int], ...]
    total: int
    choices: tuple[tuple[str, int], ...]
    penalties: tuple[tuple[str, Op], ...] = ()
    # Each flag (`flags:`): (id, the slot of its condition, the slot of whether it is raised).
    flags: tuple[tuple[str, int, int], ...] = ()


class Reach(Enum):
    """Whose inputs one agent's result reads: the whole month's (a ranking), her team's (team values are
    by team: engine.run.inputs.aggregate_block), or hers alone. What re-evaluating her alone must take in."""

    MONTH = "month"
    TEAM = "team"
    SELF = "self"


@dataclass(frozen=True, slots=True)
class Plan:
    policy: PolicyRef
    metrics: tuple[Metric, ...]
    roles: Mapping[str, tuple[Label, tuple[str, ...]]]
    grades: Mapping[str, tuple[Label, tuple[str, ...]]]
    ratings: Mapping[str, Label]
    aggregates: tuple[Aggregate, ...]
    # Header names the policy adds to the standard columns (agent, period, team, name, role, grade).
    columns: Mapping[str, tuple[str, ...]]
    steps: tuple[Step, ...]
    kpis: tuple[str, ...]
    pay: tuple[str, ...]
    # `run(x)` takes an agent's inputs, one tuple per input block (`blocks` below), and returns
    # (score, rating, ((kpi, points), ...), ((component, amount), ...), total, ((choice metric, value
    # id), ...), ((clause, count), ...)), the tail of an AgentResult; `run_trace` returns that and
    # every step's value, in step order.
    run_trace: Callable[[tuple], tuple[tuple, tuple]]
    run: Callable[[tuple], tuple]
    source: str
    code_lines: tuple[int, ...] = field(repr=False, default=())
    # With population values: `phases[0](x)`, then `phases[k](s)`, each returning every slot known
    # so far; each population is taken after the phase of its `boundary`, and `run`/`run_trace`
    # (taking that state) finish. Without: no phases, and `run`/`run_trace` take the inputs `x`.
    phases: tuple[Callable[..., tuple], ...] = field(repr=False, default=())
    populations: tuple[Population, ...] = ()
    # Career reviews across months (S0.7, S4), applied by the ledger stage when a window closes.
    reviews: tuple[Review | RoleReview, ...] = ()
    # Values over months (`windows:`): the windows block's inputs (engine.run.windows fills it).
    windows: tuple[Window, ...] = ()
    # `events:`: the kinds and zone an events file (--events) is read against; None without one.
    events: EventVocabulary | None = None
    # `penalties:` clauses; their facts (each clause's count, events and amount; with `deductions:`
    # the loss carried in, the minimum wage and the adjustments) are the penalties block's inputs.
    penalties: tuple[Clause, ...] = ()
    # `deductions:`: the legal guard over loss deductions (L.1); None when the policy declares none.
    deductions: Deductions | None = None
    # The pay quantum (`policy.rounding.quantum`), and how a corrected approved month's difference is
    # settled (`corrections:`): both read when retro lines settle a correction (L.5).
    quantum: Decimal = Decimal("0.01")
    corrections: Corrections = field(default_factory=Corrections)
    # The plan IR: the steps computed per agent, in the order they are computed (each step's `op`
    # says what; its `phase` when), and what a result takes from them. Both back-ends read these:
    # the generated code above (engine.policy.codegen) and the reference interpreter (engine.run.interpret).
    order: tuple[int, ...] = ()
    outputs: Outputs | None = None
    # The inputs (the first steps), one block per function that fills them (engine.run.inputs): what
    # was a field and an `if` per feature (windows, proration, penalties …) is a block like any other.
    blocks: tuple[InputBlock, ...] = ()
    # `roster:`: the shop's own agent key and the roster columns its reports carry.
    roster: RosterKeys = field(default_factory=RosterKeys)
    # `sources:` (S1.6): the exports a month may come as, joined by agent and period (engine.data.join).
    metric_sources: tuple[Source, ...] = ()
    # Roles paid by someone else (`roles.<id>.paid_by`): role -> who pays them and why; the minimum-wage
    # warning (L.1/L.4) does not judge their pay, and says so.
    paid_by: Mapping[str, Label] = field(default_factory=dict)
    # `flags:` (S1.5): what a person is told to act on; outputs, never pay.
    flags: tuple[Flag, ...] = ()
    # `pay_groups:`: named groups of pay lines (S4's monthly bonus); clauses' `cancels` are already
    # resolved to members, these name them in reports and explanations.
    pay_groups: tuple[PayGroup, ...] = ()

    @property
    def reach(self) -> Reach:
        return Reach.MONTH if self.populations else Reach.TEAM if self.aggregates else Reach.SELF

    @property
    def inputs(self) -> tuple[str, ...]:
        """The names of every input, block by block."""
        return tuple(name for block in self.blocks for name in block.names)

    def block(self, kind: Block) -> InputBlock | None:
        """The plan's input block of that kind, None when it has none."""
        return next((b for b in self.blocks if b.block is kind), None)

    @property
    def prorated(self) -> bool:
        """`proration: {by: calendar_days}`: the days worked and days in the month are inputs."""
        return self.block(Block.DAYS) is not None

    @property
    def supplied(self) -> tuple[str, ...]:
        """Metrics a policy fallback may supply (`missing:`, `placeholders:`): each has a `<metric>.supplied`
        input, AgentInput.supplied's word for how (None: read from the file)."""
        found = self.block(Block.SUPPLIED)
        return () if found is None else tuple(name.removesuffix(SUPPLIED) for name in found.names)

    def choice_labels(self, name: str) -> Mapping[str, tuple[Label, tuple[str, ...]]]:
        """The declared values of `role`, `grade` or a choice metric: id -> (label, aliases)."""
        if name == "role":
            return self.roles
        if name == "grade":
            return self.grades
        return next((m.choices for m in self.metrics if m.name == name), {})

    def step_at(self, code_line: int) -> Step | None:
        """The step whose generated code is on `code_line` (for locating evaluation errors)."""
        if 0 < code_line <= len(self.code_lines) and self.code_lines[code_line - 1] >= 0:
            return self.steps[self.code_lines[code_line - 1]]
        return None
