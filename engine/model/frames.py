"""A month as columns: what the columnar back-end reads and gives (issue 19), one row per agent-month.

The reference path holds a month as one `AgentInput` and one `AgentResult` per agent, every number a
Decimal; for a large firm that is a million small objects. The columnar path holds the same month as
two tables of whole numbers: each number column stores `value × 10**scale` as a 64-bit integer, with
its scale (decimal places) said once for the column. No float ever holds a number. The readers and
writers of the columnar path (engine.data.frame_read, engine.report.frame_write) and its evaluator
(engine.run.columnar) agree on these names; nothing else reads them.

Both tables are sorted by period, then agent (the order `evaluate` returns results in).
Columns of an input month (`ColumnarMonth.frame`):
    agent, period, team, name, joined, left     text, never null ("" where `AgentInput` has "")
    role, grade                                 the ids after aliases and the roster, null when none
    carry:<i>                                   the i-th roster column the policy carries (`roster.carry`)
    <metric>                                    a number metric: Int64, scaled by `scales[<metric>]`;
                                                a choice metric: its value id, null when absent
    <metric>.supplied                           how a policy fallback supplied it (AgentInput.supplied), or null
Columns of results (`ColumnarResults.frame`):
    agent, period, team, name, role, grade, carry:<i>   as above
    score, kpi:<kpi>, pay:<component>, total, penalty:<clause>   Int64, scaled by `scales[<column>]`;
                                                the Decimal the reference path gives has exactly that
                                                many places (`3000.00` is 300000 at scale 2), or
                                                `<column>.places` in that row where the column has it
    <column>.places                             Int64, only beside a number column whose Decimal places vary
                                                from agent to agent (an exact division's: the template's
                                                KPI points 7.5 and 30): that row's places, 0 to the
                                                column's scale; the value is `<column>` at the scale with
                                                its last `scale − places` digits zero (750 at scale 2,
                                                places 1 → 7.5)
    rating, choice:<metric>                     ids, null when none
    held:<flag>, flag:<flag>                    booleans: the flag's condition held; it is raised
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # polars is imported only where the columnar path runs
    import polars as pl

TEXT = ("agent", "period", "team", "name", "joined", "left")
CAREER = ("role", "grade")


def carry(index: int) -> str:
    return f"carry:{index}"


def supplied(metric: str) -> str:
    return f"{metric}.supplied"


def kpi(name: str) -> str:
    return f"kpi:{name}"


def pay(name: str) -> str:
    return f"pay:{name}"


def penalty(name: str) -> str:
    return f"penalty:{name}"


def choice(name: str) -> str:
    return f"choice:{name}"


def held(flag: str) -> str:
    return f"held:{flag}"


def raised(flag: str) -> str:
    return f"flag:{flag}"


def places(column: str) -> str:
    """The companion column of each row's places, beside a number column whose Decimal places vary."""
    return f"{column}.places"


@dataclass(frozen=True, slots=True)
class ColumnarMonth:
    """One month's inputs as columns (see the module's docstring for the columns)."""

    frame: pl.DataFrame
    scales: Mapping[str, int]
    # What the reader noted, as the reference reader's Inputs.notes (rows skipped, the period's source, S0.6 joiners).
    notes: tuple[object, ...] = ()
    # The number columns each of whose values has exactly its scale's places, as the reference reader's Decimal
    # has them: only there is a value rebuilt from its whole number the reference's Decimal, exponent and all
    # (350.00 beside 12.50; a column where 350 stands beside 12.50 holds 350 as 35000 at 2 places, as 350.00).
    even: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ColumnarResults:
    """One month's results as columns (see the module's docstring for the columns)."""

    frame: pl.DataFrame
    scales: Mapping[str, int]


def scaled(value: int | None, scale: int) -> Decimal | None:
    """The Decimal a scaled whole number stands for, with exactly `scale` places (`300000`, 2 → 3000.00)."""
    return None if value is None else Decimal(value).scaleb(-scale)


class NotCovered(Exception):
    """What the columnar path does not cover for this month (a rule, a cell's format, a value too large
    for 64-bit whole numbers): the month goes to the Decimal path, which `-v` says on stderr."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.zh = zh
