"""The names the compiler gives the steps later stages look up, written once for both.

Most steps are named by the policy (a metric, a KPI, a pay component); the compiler names the
others after their owner (`<owner><suffix>`) or after the penalty stage. The evaluator fills some
of them in as inputs, the ledger and the reports read them back by name: producer and readers
share these constants, so a name can never drift between them.
"""

from __future__ import annotations

# A KPI's points: the name expressions read them by (`quality_points`).
KPI_SUFFIX = "_points"

# The inputs `proration: {by: calendar_days}` declares.
DAYS_WORKED, DAYS_IN_MONTH = "days_worked", "days_in_month"

# Details of a value, named `<owner><suffix>`.
SUPPLIED = ".supplied"  # how a policy fallback supplied a metric (an input)
FALLBACK = ".fallback"  # whether a derived value took its `on_zero_division` value
EARNED = ".earned"  # what a pay component would pay before any cancellation
WHEN = ".when"  # a pay component's or a penalty clause's condition
TIER = ".tier"  # the commission tier reached
EVENTS = ".events"  # the events behind a penalty clause (an input)
LOSS = ".loss"  # their amount (an input)
CHARGED = ".charged"  # a clause's loss charged to someone else

# The loss deduction's pay line (L.1) and its working.
DEDUCTION = "loss_deduction"
GROSS = "gross_pay"
CARRIED_IN = f"{DEDUCTION}.carried_in"  # an input: what earlier months could not take
MINIMUM_WAGE = f"{DEDUCTION}.minimum_wage"  # an input
# Manual adjustments are lines after evaluation, but the guard bounds the pay actually paid: their
# sum joins the base the cap and the minimum wage are taken from (0 where a run has none).
ADJUSTMENTS = f"{DEDUCTION}.adjustments"
DEDUCTION_LOSS = f"{DEDUCTION}.loss"
DEDUCTION_OWED = f"{DEDUCTION}.owed"
DEDUCTION_CAP = f"{DEDUCTION}.cap"
DEDUCTION_ROOM = f"{DEDUCTION}.room"
CARRIED_OUT = f"{DEDUCTION}.carried_out"  # recorded: the next month's carried in
DROPPED = f"{DEDUCTION}.dropped"

# The count of warnings penalty clauses issued, by level (`warns:`).
WARNINGS = {"warning": "warnings", "serious_warning": "serious_warnings"}
# The penalty stage's own step names: a policy may not declare them.
PENALTY_STEPS = frozenset({GROSS, DEDUCTION, *WARNINGS.values()})
