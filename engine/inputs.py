"""Assemble one evaluation's inputs from the metrics file, the optional roster and team file.

Where each fact may come from (documented in the README):
- metric values: the metrics file, one row per agent per period;
- team-level metrics (`scope: team`, e.g. the per-capita target S0.4): the team file by team
  (and period, if it has a period column), else a column of the metrics file that must agree
  across the team's rows, else the metric's declared `missing` value;
- name, team, role, grade: the roster, else columns of the metrics file;
- period: the metrics file's period column, else `--period`.
Every gap is a DataIssue naming the file and row; all are reported together.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from engine.collector import cycle_collection_paused
from engine.columns import STANDARD_COLUMNS
from engine.compile import Metric, Plan
from engine.errors import DataError, DataIssue
from engine.evaluate import AgentInput
from engine.ingest import Field, Record, Table, read_table

AGENT = Field("agent", "text", STANDARD_COLUMNS["agent"])
PERIOD = Field("period", "period", STANDARD_COLUMNS["period"], required=False)
TEAM = Field("team", "text", STANDARD_COLUMNS["team"], required=False, missing=None)
NAME = Field("name", "text", STANDARD_COLUMNS["name"], required=False, missing=None)
METRIC_KINDS = {"percent": "ratio"}


def _choice_field(name: str, aliases: tuple[str, ...], choices: Mapping[str, tuple]) -> Field | None:
    if not choices:
        return None
    accepted: dict[str, str] = {}
    for key, (label, more) in choices.items():
        for text in (key, label.zh, label.en, *more):
            accepted.setdefault(text, key)
    return Field(name, "choice", aliases, required=False, missing=None, choices=accepted)


def _metric_field(metric: Metric) -> Field:
    missing: Decimal | str | None = "error" if metric.missing is None else metric.missing
    if metric.scope == "team":
        missing = None  # resolved per team below, where the team file may fill it
    return Field(
        metric.name,
        METRIC_KINDS.get(metric.type, metric.type),
        (metric.label.zh, metric.label.en, *metric.aliases),
        required=metric.scope == "agent",
        missing=missing,
        percent=metric.type == "percent",
    )


def _people_fields(plan: Plan) -> list[Field]:
    role = _choice_field("role", STANDARD_COLUMNS["role"], plan.roles)
    grade = _choice_field("grade", STANDARD_COLUMNS["grade"], plan.grades)
    return [f for f in (NAME, TEAM, role, grade) if f is not None]


@dataclass(frozen=True, slots=True)
class Inputs:
    """One evaluation's agent-months, and the rows the files held that were skipped on purpose.

    The notes (`FILE: row 1: preamble '客服绩效报表' skipped`) let a manager check that nothing
    she meant as data was taken for a title or a 合计 row.
    """

    agents: list[AgentInput]
    notes: tuple[str, ...]


@cycle_collection_paused()
def read_inputs(
    plan: Plan,
    metrics: str | os.PathLike,
    *,
    roster: str | os.PathLike | None = None,
    team: str | os.PathLike | None = None,
    period: str | None = None,
) -> Inputs:
    """Read and join the files into one AgentInput per agent-month, or raise DataError."""
    issues: list[DataIssue] = []
    metric_fields = [_metric_field(m) for m in plan.metrics]
    tables: dict[str, Table] = {}
    specs = [("metrics", metrics, [AGENT, PERIOD, *_people_fields(plan), *metric_fields], "agent")]
    if roster is not None:
        specs.append(("roster", roster, [AGENT, *_people_fields(plan)], "agent"))
    if team is not None:
        team_fields = [_metric_field(m) for m in plan.metrics if m.scope == "team"]
        specs.append(("team", team, [Field("team", "text", TEAM.aliases), PERIOD, *team_fields], "team"))
    for kind, path, fields, key in specs:
        try:
            tables[kind] = read_table(path, fields, key=key)
        except DataError as error:
            issues.extend(error.issues)
    if issues:
        raise DataError(issues)
    people = _roster(tables.get("roster"), issues)
    inputs = _join(plan, tables["metrics"], people, tables.get("team"), period, issues)
    if issues:
        raise DataError(issues[:200])
    notes = tuple(f"{table.path}: {line}" for table in tables.values() for line in table.skipped)
    return Inputs(inputs, notes)


def _roster(table: Table | None, issues: list[DataIssue]) -> dict[str, Record] | None:
    if table is None:
        return None
    people: dict[str, Record] = {}
    for record in table.records:
        agent = record.values["agent"]
        if agent in people:
            issues.append(
                DataIssue(
                    table.path,
                    record.row,
                    table.columns["agent"],
                    f"agent {agent} is listed twice (first at row {people[agent].row})",
                )
            )
        people.setdefault(agent, record)
    return people


def _join(
    plan: Plan,
    table: Table,
    people: dict[str, Record] | None,
    teams: Table | None,
    period: str | None,
    issues: list[DataIssue],
) -> list[AgentInput]:
    seen: dict[tuple[str, str], int] = {}
    rows: list[tuple[Record, str, str, dict]] = []
    declared = [needed for needed, choices in (("role", plan.roles), ("grade", plan.grades)) if choices]
    roster_facts: dict[str, dict] = {}  # each listed agent's non-empty roster values, built once
    for record in table.records:
        values = record.values
        agent = values["agent"]
        month = values.get("period") or period
        if not month:
            issues.append(
                DataIssue(table.path, record.row, "", "no period: add a 月份 (period) column or pass --period YYYY-MM")
            )
            continue
        if (agent, month) in seen:
            issues.append(
                DataIssue(
                    table.path,
                    record.row,
                    table.columns["agent"],
                    f"agent {agent} appears twice for {month} (first at row {seen[agent, month]})",
                )
            )
            continue
        seen[agent, month] = record.row
        facts = dict(values)
        if people is not None:
            known = roster_facts.get(agent)
            if known is None:
                person = people.get(agent)
                if person is None:
                    issues.append(
                        DataIssue(table.path, record.row, table.columns["agent"], f"agent {agent} is not in the roster")
                    )
                    continue
                known = roster_facts[agent] = {k: v for k, v in person.values.items() if v is not None}
            facts.update(known)
        for needed in declared:
            if not facts.get(needed):
                issues.append(
                    DataIssue(
                        table.path, record.row, "", f"agent {agent} has no {needed}; give a roster or a {needed} column"
                    )
                )
        rows.append((record, agent, month, facts))
    team_values = _team_values(plan, table, rows, teams, issues)
    agent_metrics = [m.name for m in plan.metrics if m.scope == "agent"]
    inputs = []
    for record, agent, month, facts in rows:
        team = facts.get("team") or ""
        values = {name: facts[name] for name in agent_metrics}
        values.update(team_values.get((team, month), ()))
        inputs.append(
            AgentInput(
                agent=agent,
                period=month,
                team=team,
                name=facts.get("name") or "",
                role=facts.get("role"),
                grade=facts.get("grade"),
                source=f"{table.path} row {record.row}",
                values=values,
            )
        )
    return inputs


def _team_values(
    plan: Plan,
    table: Table,
    rows: Sequence[tuple[Record, str, str, dict]],
    teams: Table | None,
    issues: list[DataIssue],
) -> dict[tuple[str, str], dict[str, Decimal]]:
    """Each (team, period)'s team-scope metrics, from the team file, the metrics file or defaults."""
    wanted = [m for m in plan.metrics if m.scope == "team"]
    found: dict[tuple[str, str], dict[str, Decimal]] = {}
    if not wanted:
        return found
    given: dict[tuple[str, str | None], Record] = {}
    if teams is not None:
        for record in teams.records:
            given[record.values["team"], record.values.get("period")] = record
    for record, _, month, facts in rows:
        team = facts.get("team") or ""
        values = found.setdefault((team, month), {})
        source = given.get((team, month)) or given.get((team, None))
        for metric in wanted:
            value = source.values.get(metric.name) if source else None
            if value is None:
                value = facts.get(metric.name)
                if value is not None and metric.name in values and values[metric.name] != value:
                    issues.append(
                        DataIssue(
                            table.path,
                            record.row,
                            table.columns.get(metric.name, metric.name),
                            f"{metric.name} for team '{team or '-'}' {month} is {value} here "
                            f"but {values[metric.name]} on an earlier row; a team value must agree",
                        )
                    )
                    continue
            if value is None:
                value = metric.missing
            if value is None:
                if metric.name not in values:
                    issues.append(
                        DataIssue(
                            table.path,
                            record.row,
                            "",
                            f"no {metric.name} ({metric.label.zh}) for team '{team or '-'}' {month}: "
                            "add the column or give a --team file",
                        )
                    )
                values[metric.name] = Decimal(0)
                continue
            values.setdefault(metric.name, value)
    return found
