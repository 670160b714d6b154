"""The input blocks of a plan: the values given with an agent's month, grouped by what fills them.

A plan's inputs are the first steps; each belongs to one block, and each block is filled by one
function of the run stage (engine.run.inputs) from the month's rows, events and the ledger's state.
The back-ends read an agent's inputs as one tuple per block, in the plan's block order.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Block(StrEnum):
    METRICS = "metrics"  # metric values read from the data files
    WINDOWS = "windows"  # values over months (`windows:`): earlier months from the ledger, this one from its inputs
    DAYS = "days"  # calendar days worked of the month (`proration:`), from the roster's dates
    PENALTIES = "penalties"  # clause facts from the month's events; with `deductions:` the carried loss,
    #                          the minimum wage and the month's manual adjustments
    SUPPLIED = "supplied"  # how a policy fallback supplied a metric (`missing:`, `placeholders:`)
    AGGREGATES = "aggregates"  # statistics of a metric over the agent's team (`aggregates:`)
    FLAGS = "flags"  # in how many earlier months each flag's condition held (`flags: … months:`), from the ledger
    CAREER = "career"  # role and grade: the ledger's once recorded, else the roster's
    CALENDAR = "calendar"  # calendar facts an expression reads (engine.model.calendar_facts): from the
    #                        period, and months since joining from the roster's 入职日期


@dataclass(frozen=True, slots=True)
class InputBlock:
    """One block's inputs: their names and the steps (slots) that hold them, in order."""

    block: Block
    names: tuple[str, ...]
    slots: tuple[int, ...]
