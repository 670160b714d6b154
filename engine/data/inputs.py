"""Assemble one evaluation's inputs from the metrics file, the optional roster and team file.

Where each fact may come from (documented in the README):
- metric values: the metrics file, one row per agent per period;
- team-level metrics (`scope: team`, e.g. the per-capita target S0.4): the team file by team
  (and period, if it has a period column), else a column of the metrics file that must agree
  across the team's rows, else the metric's declared `missing` value;
- name, team, role, grade: the roster, else columns of the metrics file;
- period: the metrics file's period column, else `--period`, else a whole calendar month stated
  in the file name or above the header (see engine/period_hint.py).
Every gap is a DataIssue naming the file and row; all are reported together.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from engine.collector import cycle_collection_paused
from engine.columns import STANDARD_COLUMNS
from engine.data.cells import show_spelling
from engine.data.column_reader import Supplied, SuppliedChoice, mark_supplied
from engine.data.ingest import Field, Record, Table, read_table
from engine.data.join import join_sources
from engine.data.period_hint import Hint, find_hints, no_period
from engine.errors import DataError, DataIssue
from engine.model.inputs import AgentInput
from engine.model.plan import Metric, Plan
from engine.policy.compile_reviews import entry_grade
from engine.text import header_key

_ZH_FACT = {"role": "岗位", "grade": "等级"}
SUPPLIED = (Supplied, SuppliedChoice)

METRIC_KINDS = {"percent": "ratio"}


def _aliases(plan: Plan, column: str) -> tuple[str, ...]:
    """The built-in header names of a standard column, then the ones the policy adds."""
    return tuple(dict.fromkeys((*STANDARD_COLUMNS[column], *plan.columns.get(column, ()))))


def own_agent_headers(plan: Plan) -> tuple[str, ...] | None:
    """The headers of the agent column the policy names itself (`roster.key`, and `columns.agent`), or
    None: then every file finds it under the built-in headers. With a key they alone name the agent, in
    every file (metrics, roster, team, events, adjustments), so a file may hold a 工号 beside it."""
    if plan.roster.key is None:
        return None
    return tuple(dict.fromkeys((plan.roster.key, *plan.columns.get("agent", ()))))


def _agent_headers(plan: Plan) -> tuple[str, ...]:
    return own_agent_headers(plan) or _aliases(plan, "agent")


def _standard_fields(plan: Plan) -> dict[str, Field]:
    return {
        "agent": Field("agent", "id", _agent_headers(plan), alias_key="columns.agent",
                       policy_aliases=plan.columns.get("agent", ())),
        "period": Field("period", "period", _aliases(plan, "period"), required=False),
        "team": Field("team", "id", _aliases(plan, "team"), required=False, missing=None),
        "name": Field("name", "text", _aliases(plan, "name"), required=False, missing=None),
        "joined": Field("joined", "date", _aliases(plan, "joined"), required=False, missing=None),
        "left": Field("left", "date", _aliases(plan, "left"), required=False, missing=None),
    }


def _choice_field(name: str, aliases: tuple[str, ...], choices: Mapping[str, tuple]) -> Field | None:
    if not choices:
        return None
    accepted: dict[str, str] = {}
    for key, (label, more) in choices.items():
        for text in (key, label.zh, label.en, *more):
            accepted.setdefault(text, key)
    return Field(name, "choice", aliases, required=False, missing=None, choices=accepted)


def _metric_field(metric: Metric) -> Field:
    if metric.type == "choice":
        # 考核结果 holds 优秀 / 合格 / 不合格: read to the value's id, by label, alias or id.
        field = _choice_field(metric.name, (metric.label.zh, metric.label.en, *metric.aliases), metric.choices)
        assert field is not None  # the schema requires at least one value
        # `missing: absent`: a blank cell reads as None, the value absent (not assessed).
        missing = None if metric.absent else metric.missing_choice or "error"
        return replace(field, required=True, missing=missing,
                       alias_key=f"metrics.{metric.name}.aliases", policy_aliases=metric.aliases)
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
        range=metric.range,
        placeholders=metric.placeholders,
        alias_key=f"metrics.{metric.name}.aliases",
        policy_aliases=metric.aliases,
    )


def _people_fields(plan: Plan, standard: Mapping[str, Field]) -> list[Field]:
    role = _choice_field("role", _aliases(plan, "role"), plan.roles)
    grade = _choice_field("grade", _aliases(plan, "grade"), plan.grades)
    return [f for f in (standard["name"], standard["team"], role, grade, standard["joined"], standard["left"])
            if f is not None]


CARRIED = ("name", "team", "joined", "left")  # standard columns a `roster.carry` header may name


def _carried_fields(plan: Plan, standard: Mapping[str, Field]) -> tuple[list[Field], tuple[str, ...]]:
    """The fields of the roster columns the policy carries into reports (`roster.carry`), and the
    field each carried column is read from, in policy order. A header that already names one of the
    standard columns (入职日期 is `joined`) is read as that column, never twice."""
    owners = {header_key(text): name for name in CARRIED for text in (name, *standard[name].aliases)}
    fields, read_from = [], []
    for index, text in enumerate(plan.roster.carry):
        owner = owners.get(header_key(text))
        if owner is None:
            owner = f"roster.carry[{index}]"
            fields.append(Field(owner, "text", (text,), required=False, missing=None))
        read_from.append(owner)
    return fields, tuple(read_from)


def _carried_issue(plan: Plan, table: Table, text: str) -> DataIssue:
    """A carried column (`roster.carry`) that no file holds: named with the headers that were found."""
    found, found_zh = ", ".join(table.headers) or "—", "、".join(table.headers) or "—"
    return DataIssue(table.path, table.header_row, "",
                     f"no column {text!r} to carry into the reports (roster.carry in {plan.policy.path}); the headers "
                     f"found are: {found}; add the column, or remove it from roster.carry",
                     zh=f"没有要带入报表的列 {text!r}（{plan.policy.path} 的 roster.carry）；找到的表头是：{found_zh}；"
                     "请添加该列，或从 roster.carry 中删除")


def _column_text(value: object) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True, slots=True)
class EntryNote:
    """S0.6: an agent-month with no grade, evaluated at the entry grade `review` declares. A note,
    not an error: a joiner has no grade yet; naming each one lets a grade forgotten in the roster
    be seen. The ledger stage drops it for an agent whose grade an earlier review decided."""

    file: str
    row: int
    agent: str
    grade: str
    review: str

    def render(self, lang: str = "en") -> str:
        if lang == "zh":
            return (f"{self.file}：第 {self.row} 行：客服 {self.agent} 没有等级，按评定 '{self.review}' 规定的入职等级 "
                    f"{self.grade} 计算")
        return (f"{self.file}: row {self.row}: agent {self.agent} has no grade; evaluated at the entry grade "
                f"{self.grade} of review '{self.review}'")

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True, slots=True)
class TeamValueNote:
    """Rows that left a team value blank and took their team's from its other rows (an export writes
    S0.4's target once per team): said once per metric, so a lost cell is seen, never read as 0."""

    file: str
    metric: str
    label: str
    rows: int
    teams: int
    first: int

    def render(self, lang: str = "en") -> str:
        if lang == "zh":
            return (f"{self.file}：{self.rows} 行的 {self.metric}（{self.label}）为空（首行第 {self.first} 行），"
                    f"按同组其他行的值计（{self.teams} 个小组）")
        return (f"{self.file}: {self.metric} ({self.label}) blank on {self.rows} row(s) (first row {self.first}), "
                f"each taking its team's value from the team's other rows ({self.teams} team(s))")

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True, slots=True)
class Inputs:
    """One evaluation's agent-months, and the rows the files held that were skipped on purpose.

    The notes (`FILE: row 1: preamble '客服绩效报表' skipped`) let a manager check that nothing
    she meant as data was taken for a title or a 合计 row.
    """

    agents: list[AgentInput]
    notes: tuple[str | EntryNote, ...]


@cycle_collection_paused()
def read_inputs(
    plan: Plan,
    metrics: str | os.PathLike,
    *,
    roster: str | os.PathLike | None = None,
    team: str | os.PathLike | None = None,
    period: str | None = None,
    more: Sequence[str | os.PathLike] = (),
) -> Inputs:
    """Read and join the files into one AgentInput per agent-month, or raise DataError.

    `more`: further metrics files of the same month(s) (S1.6), joined to the first by agent and
    period (engine.data.join); each metric is read from exactly one of them."""
    issues: list[DataIssue] = []
    metric_fields = [_metric_field(m) for m in plan.metrics]
    if more:  # several exports: a metric's column may be in any one of them (checked once all are read)
        metric_fields = [replace(f, required=False) for f in metric_fields]
    tables: dict[str, Table] = {}
    std = _standard_fields(plan)
    people_fields = _people_fields(plan, std)
    carried, read_from = _carried_fields(plan, std)
    specs = [("metrics", metrics, [std["agent"], std["period"], *people_fields, *carried, *metric_fields], "agent")]
    if roster is not None:
        specs.append(("roster", roster, [std["agent"], *people_fields, *carried], "agent"))
    if team is not None:
        team_fields = [_metric_field(m) for m in plan.metrics if m.scope == "team"]
        specs.append(("team", team, [Field("team", "id", std["team"].aliases), std["period"], *team_fields], "team"))
    # A further export holds the agent, the period and metrics; who she is comes from the first file or the roster.
    specs.extend((f"metrics{n}", path, [std["agent"], std["period"], *metric_fields], "agent")
                 for n, path in enumerate(more, start=2))
    clashes = _clashing_aliases(plan, specs[0][2])
    if clashes:
        raise DataError(clashes)
    for kind, path, fields, key in specs:
        try:
            tables[kind] = read_table(path, fields, key=key)
        except DataError as error:
            issues.extend(error.issues)
    if issues:
        raise DataError(issues)
    for text, owner in zip(plan.roster.carry, read_from, strict=True):
        if not any(owner in tables[kind].columns for kind in ("metrics", "roster") if kind in tables):
            issues.append(_carried_issue(plan, tables.get("roster") or tables["metrics"], text))
    if issues:
        raise DataError(issues)
    notes = [f"{table.path}: {line}" for table in tables.values() for line in table.skipped]
    people = _roster(tables.get("roster"), issues)
    before = len(issues)
    given = period
    period, hint = _file_period(tables["metrics"], period, notes, issues)
    others = [(table, *_file_period(table, given, notes, issues)) for kind, table in tables.items()
              if kind.startswith("metrics") and kind != "metrics"]
    if len(issues) > before:  # without a trustworthy period, every row would repeat the same problem
        raise DataError(issues[:200])
    metrics_table, where = tables["metrics"], None
    if others:
        metrics_table, where = join_sources(plan, (tables["metrics"], period, hint), others, issues, notes,
                                            _twice)
        if issues:
            raise DataError(issues[:200])
    inputs = _join(plan, metrics_table, people, tables.get("team"), period, hint, issues, notes,
                   _entry(plan, tables), read_from, where)
    if issues:
        raise DataError(issues[:200])
    return Inputs(inputs, tuple(notes))


def _file_period(
    table: Table, period: str | None, notes: list[str], issues: list[DataIssue]
) -> tuple[str | None, Hint | None]:
    """The period to use where rows name none, and the date range the file states, if any.

    A range in the file name or above the header that is exactly one calendar month gives the
    period when neither a period column nor --period does (said in a note); any other range, or a
    --period it contradicts, is an error: figures for part of a month must not pay a whole month.
    """
    hints = find_hints(Path(table.path).name, table.preamble)
    if not hints:
        return period, None
    hint = hints[0]
    for other in hints[1:]:
        if (other.first, other.last) != (hint.first, hint.last):
            issues.append(
                DataIssue(
                    table.path,
                    0,
                    "",
                    f"{hint.where} states {hint.shown} but {other.where} states {other.shown}; "
                    "check which export this is, and rename the file or fix the title",
                    zh=f"{hint.where_zh}写的是 {hint.shown}，而{other.where_zh}写的是 {other.shown}；"
                    "请确认这是哪一份导出，并修改文件名或标题",
                )
            )
            return None, None
    if "period" in table.columns:
        return period, hint
    if period is not None:
        if hint.months != (period,):
            issues.append(
                DataIssue(
                    table.path,
                    0,
                    "",
                    f"--period {period} disagrees with {hint.shown} stated in {hint.where}; "
                    "check that this is the right file, or pass the month it covers",
                    zh=f"--period {period} 与{hint.where_zh}中的 {hint.shown} 不一致；"
                    "请确认文件是否选对，或改为它所覆盖的月份",
                )
            )
            return None, None
        return period, hint
    if hint.month is None:
        issues.append(
            DataIssue(
                table.path,
                0,
                "",
                f"{hint.where} states {hint.shown}, which is not one whole calendar month, and the file has no "
                "period column: pass --period YYYY-MM to say which month these figures are for",
                zh=f"{hint.where_zh}写的是 {hint.shown}，不是一个完整的自然月，文件中也没有月份列："
                "请用 --period YYYY-MM 指明这些数据属于哪个月",
            )
        )
        return None, None
    notes.append(f"{table.path}: period {hint.month} taken from {hint.where} ({hint.shown})")
    return hint.month, hint


def _clashing_aliases(plan: Plan, fields: Sequence[Field]) -> list[DataIssue]:
    """A header name the policy's `columns:` gives one column while another column has it too.

    The checker should refuse such a policy; until it does, this keeps the reader from guessing
    which column a header names.
    """
    owners: dict[str, str] = {}
    for f in fields:
        for text in (f.name, *f.aliases):
            owners.setdefault(header_key(text), f.name)
    clashes = []
    for column, texts in plan.columns.items():
        for text in texts:
            owner = owners.get(header_key(text), column)
            if owner != column:
                clashes.append(
                    DataIssue(
                        plan.policy.path,
                        0,
                        "",
                        f"columns.{column} lists {text!r}, which already names the {owner!r} column; "
                        "remove it from the policy or rename one of them",
                        zh=f"columns.{column} 中的 {text!r} 已经是 {owner!r} 列的名称；"
                        "请从方案中删除它，或改用其他名称",
                    )
                )
    return clashes


def _roster(table: Table | None, issues: list[DataIssue]) -> dict[str, Record] | None:
    if table is None:
        return None
    people: dict[str, Record] = {}
    for record in table.records:
        agent = record.values["agent"]
        first = people.setdefault(agent, record)
        if first is not record:
            issues.append(_twice(table, first, record, None))
    return people


def _twice(table: Table, first: Record, again: Record, month: str | None) -> DataIssue:
    """Two rows naming one agent (in one month, for metrics). When the cells spell the id apart
    (`１００１` and `1001`, a zero-width space), the message shows both spellings: the rows look
    alike in every table, and only that tells the reader why they are one agent."""
    agent = again.values["agent"]
    one, other = first.spelled("agent"), again.spelled("agent")
    keep, keep_zh = ("one row per agent", "每位客服只保留一行")
    if month:
        keep, keep_zh = "one row per agent and month", "每位客服每月只保留一行"
    if one == other:
        if month:
            message = f"agent {agent} appears twice for {month} (first at row {first.row}); keep {keep}"
            zh = f"客服 {agent} 在 {month} 出现了两次（第一次在第 {first.row} 行）；{keep_zh}"
        else:
            message = f"agent {agent} is listed twice (first at row {first.row}); keep {keep}"
            zh = f"客服 {agent} 出现了两次（第一次在第 {first.row} 行）；{keep_zh}"
    else:
        when, when_zh = (f" in {month}", f"在 {month} ") if month else ("", "")
        here, there = show_spelling(other), show_spelling(one)
        message = (f"agent {agent} at row {again.row} is the same agent as row {first.row}{when} (written {here} "
                   f"here, {there} there): ids that differ only in full-width forms, invisible characters or spaces "
                   f"name one agent; keep {keep}")
        zh = (f"第 {again.row} 行的客服 {agent} {when_zh}与第 {first.row} 行是同一人（此处写作 {here}，"
              f"第 {first.row} 行写作 {there}）：只差全角字符、不可见字符或空格的账号指同一位客服；{keep_zh}")
    return DataIssue(table.path, again.row, table.columns["agent"], message, zh=zh,
                     cell=table.cell("agent", again.row))


def _entry(plan: Plan, tables: Mapping[str, Table]) -> tuple[str, str] | None:
    """(grade, review) a joiner enters at (S0.6), when a grade review declares one and a 等级 column
    exists: an empty cell there is a joiner, but files with no grade column at all (a forgotten
    roster) stay an error, never everyone paid at the entry grade."""
    if not plan.grades or not any("grade" in t.columns for k, t in tables.items() if k in ("metrics", "roster")):
        return None
    return entry_grade(plan.reviews)


def _join(
    plan: Plan,
    table: Table,
    people: dict[str, Record] | None,
    teams: Table | None,
    period: str | None,
    hint: Hint | None,
    issues: list[DataIssue],
    notes: list[str | EntryNote],
    entry: tuple[str, str] | None,
    carried: tuple[str, ...] = (),
    where: Mapping[int, str] | None = None,
) -> list[AgentInput]:
    if period is None and "period" not in table.columns:
        # No month anywhere (no column, no --period, no range in the name or title): one line for the file,
        # not the same line for every row.
        issues.append(no_period(table.path, table.header_row))
        return []
    seen: dict[tuple[str, str], Record] = {}
    rows: list[tuple[Record, str, str, dict]] = []
    declared = [needed for needed, choices in (("role", plan.roles), ("grade", plan.grades)) if choices]
    roster_facts: dict[str, dict] = {}  # each listed agent's non-empty roster values, built once
    for record in table.records:
        values = record.values
        agent = values["agent"]
        month = values.get("period") or period
        if not month:
            issues.append(
                DataIssue(
                    table.path,
                    record.row,
                    "",
                    "no period: add a 月份 (period) column or pass --period YYYY-MM",
                    zh="没有月份：请添加“月份”列，或用 --period YYYY-MM 指定",
                )
            )
            continue
        if hint is not None and values.get("period") and month not in hint.months:
            issues.append(
                DataIssue(
                    table.path,
                    record.row,
                    table.columns["period"],
                    f"period {month} is outside {hint.shown} stated in {hint.where}; check the row or the file",
                    zh=f"月份 {month} 不在{hint.where_zh}所写的 {hint.shown} 之内；请核对该行或文件",
                    cell=table.cell("period", record.row),
                )
            )
            continue
        first = seen.setdefault((agent, month), record)
        if first is not record:
            issues.append(_twice(table, first, record, month))
            continue
        facts = dict(values)
        if people is not None:
            known = roster_facts.get(agent)
            if known is None:
                person = people.get(agent)
                if person is None:
                    issues.append(
                        DataIssue(
                            table.path,
                            record.row,
                            table.columns["agent"],
                            f"agent {agent} is not in the roster; add them to the roster or check the id",
                            zh=f"客服 {agent} 不在花名册中；请把其加入花名册，或核对账号",
                            cell=table.cell("agent", record.row),
                        )
                    )
                    continue
                known = roster_facts[agent] = {k: v for k, v in person.values.items() if v is not None}
            facts.update(known)
        unemployed = _not_employed(table, record, month, facts, people)
        if unemployed is not None:
            issues.append(unemployed)
            continue
        if entry is not None and not facts.get("grade"):
            # S0.6: a joiner (no grade in the roster or the file) enters at the declared grade; the note
            # names each one, so a grade forgotten in the roster is seen, never silently paid as a joiner's.
            facts["grade"] = entry[0]
            notes.append(EntryNote(str(table.path), record.row, agent, entry[0], entry[1]))
        for needed in declared:
            if not facts.get(needed):
                issues.append(
                    DataIssue(
                        table.path,
                        record.row,
                        "",
                        f"agent {agent} has no {needed}; give a roster or a {needed} column",
                        zh=f"客服 {agent} 没有{_ZH_FACT[needed]}；请提供花名册，或在文件中加一列{_ZH_FACT[needed]}",
                    )
                )
        rows.append((record, agent, month, facts))
    team_values = _team_values(plan, table, rows, teams, issues, notes)
    agent_metrics = [m.name for m in plan.metrics if m.scope == "agent"]
    inputs = []
    for record, agent, month, facts in rows:
        team = facts.get("team") or ""
        values = {name: facts[name] for name in agent_metrics}
        values.update(team_values.get((team, month), ()))
        # Which values a policy fallback supplied (`missing:`, a placeholder): the trace says so.
        supplied = {name: values[name].how for name in plan.supplied if isinstance(values[name], SUPPLIED)}
        values.update((name, _plain(values[name])) for name in supplied)
        inputs.append(
            AgentInput(
                agent=agent,
                period=month,
                team=team,
                name=facts.get("name") or "",
                role=facts.get("role"),
                grade=facts.get("grade"),
                joined=facts.get("joined") or "",
                left=facts.get("left") or "",
                source=where[record.row] if where else f"{table.path} row {record.row}",
                values=values,
                supplied=supplied,
                columns=tuple(_column_text(facts.get(name)) for name in carried),
            )
        )
    return inputs


def _plain(value: Supplied | SuppliedChoice) -> Decimal | str:
    """The value without its mark: what the plan computes with and the ledger records."""
    return str(value) if isinstance(value, str) else Decimal(value)


def _not_employed(table: Table, record: Record, month: str, facts: Mapping[str, object],
                  people: Mapping[str, Record] | None) -> DataIssue | None:
    """A row for a month the roster's dates (入职日期, 离职日期) leave no day of, or dates where the
    agent joined after leaving: under any policy, prorating or not, such a row would pay someone who
    did not work that month (or whose dates are wrong), so it is an error naming the row and where
    each date was read (the roster's row, or this row)."""
    joined, left = str(facts.get("joined") or ""), str(facts.get("left") or "")
    if joined and left and joined > left:
        why, why_zh = "say the agent joined after leaving", "表明其入职晚于离职"
    elif (left and left[:7] < month) or (joined and joined[:7] > month):
        why, why_zh = "leave no day of that month", "不含该月的任何一天"
    else:
        return None
    agent = record.values["agent"]
    person = people.get(agent) if people is not None else None
    given = [key for key in ("joined", "left") if facts.get(key)]
    rostered = [key for key in given if person is not None and person.values.get(key)]
    dates = f"joined {joined or '—'}, left {left or '—'}"
    dates_zh = f"入职 {joined or '—'}，离职 {left or '—'}"
    if person is not None and rostered == given:
        dates = f"the roster dates (row {person.row}: {dates})"
        dates_zh = f"花名册的日期（第 {person.row} 行：{dates_zh}）"
    elif person is not None and rostered:  # one date from the roster, the other from this row
        one, other = rostered[0], next(key for key in given if key not in rostered)
        zh = {"joined": "入职", "left": "离职"}
        dates = f"the dates ({one} {facts[one]} in the roster, row {person.row}; {other} {facts[other]} on this row)"
        dates_zh = f"日期（{zh[one]} {facts[one]} 见花名册第 {person.row} 行；{zh[other]} {facts[other]} 见本行）"
    else:
        dates, dates_zh = f"the dates on this row ({dates})", f"本行的日期（{dates_zh}）"
    return DataIssue(table.path, record.row, "",
                     f"agent {agent} is in the {month} data, but {dates} {why}; check the dates or the row",
                     zh=f"客服 {agent} 出现在 {month} 的数据中，但{dates_zh}{why_zh}；请核对日期或该行")


def _team_twice(teams: Table, first: Record, again: Record) -> DataIssue:
    team, month = again.values["team"], again.values.get("period")
    when, when_zh = (f" for {month}", f"在 {month} ") if month else ("", "")
    one, other = show_spelling(first.spelled("team")), show_spelling(again.spelled("team"))
    spelled = f" (written {other} here, {one} there)" if one != other else ""
    spelled_zh = f"（此处写作 {other}，第 {first.row} 行写作 {one}）" if one != other else ""
    keep, keep_zh = ("one row per team and month", "每个小组每月只保留一行") if month else ("one row per team",
                                                                                     "每个小组只保留一行")
    return DataIssue(teams.path, again.row, teams.columns["team"],
                     f"team {team} at row {again.row} is the same team as row {first.row}{when}{spelled}; keep "
                     f"{keep}, so which values count is not a guess",
                     zh=f"第 {again.row} 行的小组 {team} {when_zh}与第 {first.row} 行是同一小组{spelled_zh}；"
                     f"{keep_zh}，以免取值靠猜",
                     cell=teams.cell("team", again.row))


def _team_values(
    plan: Plan,
    table: Table,
    rows: Sequence[tuple[Record, str, str, dict]],
    teams: Table | None,
    issues: list[DataIssue],
    notes: list,
) -> dict[tuple[str, str], dict[str, Decimal]]:
    """Each (team, period)'s team-scope metrics, from the team file, the metrics file or defaults."""
    wanted = [m for m in plan.metrics if m.scope == "team"]
    found: dict[tuple[str, str], dict[str, Decimal]] = {}
    if not wanted:
        return found
    given: dict[tuple[str, str | None], Record] = {}
    if teams is not None:
        for record in teams.records:
            first = given.setdefault((record.values["team"], record.values.get("period")), record)
            if first is not record:  # which row's values count would be a guess
                issues.append(_team_twice(teams, first, record))
    # A blank team value on a row is the team's value from its other rows (an export often writes it on
    # the team's first row only); only a team with no value on any row is an error, at its first blank.
    blank: dict[tuple[str, str, str], int] = {}
    counts: dict[tuple[str, str, str], int] = {}
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
                            zh=f"小组“{team or '-'}”{month} 的 {metric.name} 在此为 {value}，"
                            f"但前面的行是 {values[metric.name]}；同一小组的数值必须一致",
                            cell=table.cell(metric.name, record.row),
                        )
                    )
                    continue
            if value is None and metric.missing is not None:
                value = mark_supplied(metric.missing, "missing")
            if value is None:
                blank.setdefault((team, month, metric.name), record.row)
                counts[(team, month, metric.name)] = counts.get((team, month, metric.name), 0) + 1
                continue
            values.setdefault(metric.name, value)
    labels = {m.name: m.label for m in wanted}
    filled: dict[str, list[tuple[str, str, int]]] = {}
    for (team, month, name), row in blank.items():
        if name in found[(team, month)]:
            filled.setdefault(name, []).append((team, month, row))
        else:
            issues.append(
                DataIssue(
                    table.path,
                    row,
                    "",
                    f"no {name} ({labels[name].zh}) for team '{team or '-'}' {month}: "
                    "add the column or give a --team file",
                    zh=f"小组“{team or '-'}”{month} 没有 {name}（{labels[name].zh}）：请添加该列或提供 --team 文件",
                )
            )
    for name, where in filled.items():
        rows_blank = sum(counts[(team, month, name)] for team, month, _ in where)
        notes.append(TeamValueNote(str(table.path), name, labels[name].zh, rows_blank, len(where),
                                   min(row for _, _, row in where)))
    return found
