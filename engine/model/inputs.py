"""What a month's evaluation reads: each agent's inputs, and what is known from earlier months."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from engine.model.events import Event

Flags = tuple  # per earlier month: True / False (met `where`) or a Decimal (sum, mean); None = not recorded


@dataclass(frozen=True, slots=True)
class AgentInput:
    """One agent's month as read from the data files: metric values and roster facts."""

    agent: str
    period: str
    values: Mapping[str, Decimal]
    team: str = ""
    name: str = ""
    role: str | None = None
    grade: str | None = None
    source: str = ""
    joined: str = ""  # roster 入职日期 as YYYY-MM-DD, "" when not given (S4.4 tenure, proration)
    left: str = ""  # roster 离职日期
    events: tuple[Event, ...] = ()  # the month's events (--events), in file order
    # Metrics a policy fallback supplied rather than the file: name -> how (`missing`,
    # `placeholder:延迟统计`, `placeholder-missing:延迟统计`); read into the plan's `.supplied` inputs.
    supplied: Mapping[str, str] = field(default_factory=dict)
    # The roster columns the policy carries into reports (`roster.carry`), as text, in policy order.
    columns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AgentState:
    """Career facts carried from earlier periods; they win over the roster once recorded."""

    role: str | None = None
    grade: str | None = None


@dataclass(frozen=True, slots=True)
class State:
    """Everything an evaluation may know from before this period, passed in explicitly."""

    agents: Mapping[str, AgentState] = field(default_factory=dict)
    # Window values (`windows:`): per agent and window, whether each earlier month met its condition.
    windows: Mapping[str, Mapping[str, Flags]] = field(default_factory=dict)
    # Loss not yet deducted (L.1: over the month's cap or the minimum wage), per agent, from the ledger.
    carried: Mapping[str, Decimal] = field(default_factory=dict)
    # Flags held over months (`flags: … months:`): per agent and flag, whether its condition held in
    # each earlier month of its window (None: no recorded month for the agent).
    flags: Mapping[str, Mapping[str, Flags]] = field(default_factory=dict)
