"""What a step of the plan is: the kind explain, the reports and the ledger tell steps apart by.

A StrEnum, so a kind reads and prints as its text (`pay:commission`): the trace's JSON and the
plan digest the ledger keeps show the same words as before kinds had a type.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """A step's kind. Inputs come first in a plan, then the per-agent values in evaluation order."""

    # Inputs: the per-agent tuple the generated code reads.
    METRIC = "metric"  # a metric read from the data, a window value (`windows:`), a day count (`proration:`)
    TEAM = "team"  # a metric given per team (`scope: team`)
    SUPPLIED = "supplied"  # how a policy fallback supplied a metric (`missing:`, `placeholders:`)
    AGGREGATE = "aggregate"  # a statistic of a metric over the team (`aggregates:`)
    ROLE = "role"
    GRADE = "grade"
    CLAUSE = "clause"  # how often a penalty clause fired
    EVIDENCE = "evidence"  # the events behind it, and the period that came closest
    LOSS = "loss"  # the amount of those events; the month's losses to deduct
    CARRIED = "carried"  # loss carried in from earlier months, or carried out to the next (L.1)
    MINIMUM_WAGE = "minimum_wage"  # the local minimum wage in force for the month (L.4)
    ADJUSTMENTS = "adjustments"  # the month's manual adjustments, in the base of the legal guard
    # Values each agent's code computes.
    DERIVED = "derived"  # a derived metric (`derived:`)
    FALLBACK = "fallback"  # whether a derived value took its `on_zero_division` value
    KPI = "kpi"  # a KPI's points
    BAND = "band"  # the band a KPI's metric falls in, or the commission tier reached
    RAW = "raw"  # a formula KPI's value before it is held to [0, weight]
    SCALED = "kpi:scaled"  # a KPI's points on its own scale (`scale: 100`), before its weight applies
    SCORE = "score"
    RATING = "rating"
    GATE = "gate"  # a condition on the score that cancels pay components
    # Pay components, one kind per `kind:` of the policy, and the loss deduction's pay line.
    PAY_TABLE = "pay:table"
    PAY_FIXED = "pay:fixed"
    PAY_FORMULA = "pay:formula"
    PAY_STEP = "pay:step"
    PAY_MINIMUM = "pay:minimum"
    PAY_COMMISSION = "pay:commission"
    PAY_DEDUCTION = "pay:deduction"
    # A pay line added after evaluation (manual adjustments, retro lines): a column a recorded month's
    # report adds to the plan's (engine.report.recorded), never a step the compiler writes.
    PAY_ADDED = "pay"
    # A pay component's details.
    EARNED = "earned"  # what it would pay before any cancellation
    WHEN = "when"  # its condition (`when:`); also a penalty clause's
    ROLES = "roles"  # whether the agent's role is one it is paid to (`roles:`)
    BASE = "base"  # a commission's base
    ON = "on"  # the measure a commission tier or a step bonus reads
    RATE = "rate"  # the rate of the tier reached
    SLICES = "slices"  # a marginal commission's slice per tier
    FLOOR = "floor"  # a minimum's floor
    ROW = "row"  # the row a table by two keys, or with a default, was read at
    AMOUNT = "amount"  # a step bonus's amount looked up by role, grade … (S4.4/S4.5)
    SUBTOTAL = "subtotal"  # what a minimum counts
    # What penalty clauses issue and the working of the loss deduction (L.1).
    WARNINGS = "warnings"  # warnings (or serious warnings) issued
    CHARGED = "charged"  # a loss charged to someone else
    GROSS = "gross"  # pay before deductions
    OWED = "owed"  # loss owed in all
    CAP = "cap"  # the month's cap
    ROOM = "room"  # what can be taken above the minimum wage
    DROPPED = "dropped"  # what is not taken and not carried (`remainder: drop`)
    TOTAL = "total"
    # Values taken over many agents (`population:`, `rankings:`) and the per-agent parts they read.
    POPULATION = "population"  # a statistic over a group
    MEMBERS = "members"  # how many agents it counted
    RANK = "rank"  # a ranking's place
    RANK_SIZE = "rank:size"
    RANK_IN = "rank:in"
    RANK_CUT = "rank:cut"
    RANK_TOP = "rank:top"
    STANDING = "standing"  # who is ahead and who shares the place (for explain)
    OF = "of"  # what is ranked or counted
    WHERE = "where"  # which agents are
    BY = "by"  # the tie-break
    # Flags (`flags:`, S1.5): outputs a person acts on (training, a role move, a review), never pay.
    FLAG = "flag"  # whether the flag is raised this month
    FLAG_WHEN = "flag:when"  # whether its condition holds this month
    FLAG_EARLIER = "flag:earlier"  # in how many of the window's earlier months it held (from the ledger)

    @property
    def is_pay(self) -> bool:
        """Whether the step is a pay line: a component, the loss deduction or a line added after evaluation."""
        return self in PAY


PAY = frozenset(kind for kind in Kind if kind.partition(":")[0] == "pay")
