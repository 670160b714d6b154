"""Scenario cases as data: a policy, a month's inputs (and the months recorded before it), and any
part of the results expected, compared exactly as decimal text.

A case file is YAML, read by the policy loader (YAML 1.2 scalars, every number an exact Decimal,
every node's line kept), so `score: 85.50` means the text 85.50 and a failure names its line.
tests/scenarios/README.md describes the format. This module imports the engine only, never
pytest: tests/scenarios/conftest.py turns each case into a pytest item, and `jixiao test` can
take this module over as it is.

Running a case is what `jixiao run` does, month by month, in a folder of its own: each prior
month is recorded in a new ledger (its expectations, if any, are checked against what was
recorded), then the month under test is evaluated from the state the ledger holds, reviews
included, and compared without being recorded. Every mismatch of a case is reported at once:
where it is in the case file, what was expected, what was found, and the step of the plan that
produced the value (its kind, rule ids, policy line, path from the total and what it read).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import NoReturn

from engine.errors import JixiaoError
from engine.ledger.access import exists, open_ledger
from engine.ledger.store import Decision
from engine.model.plan import Plan
from engine.model.results import Outcome
from engine.model.step_names import KPI_SUFFIX
from engine.month import KINDS, Files, evaluate_month, plan_from, read_month, read_sources
from engine.policy.load import Loaded, load_text
from engine.record import recorded_plan, run_month

__all__ = ["Case", "CaseFormatError", "Check", "Report", "load_cases", "run_case"]

PERIOD = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
CASE_KEYS = ("name", "rules", "policy", "period", "inputs", "prior", "expected")
MONTH_KEYS = ("period", "inputs", "empty", "expected")
EXPECTED_KEYS = ("headcount", "payroll", "agents")
# What an agent's result offers to compare: single values, and sections keyed by name.
VALUES = ("name", "team", "role", "grade", "score", "rating", "total", "evaluated_total", "adjustments", "retro")
SECTIONS = ("kpis", "pay", "penalties", "choices", "place", "steps")
DECISION_FIELDS = {"kind": "kind", "from": "from_value", "to": "to_value", "rule": "rule", "reason": "reason",
                   "reason_en": "reason_en", "months_met": "months_met", "months_of": "months_of"}
READS = 16  # the values a failing step read, shown at most (a total reads every pay line)
EVERY_OTHER = "*"  # in a section: every entry the case does not name must read this
# The steps a value comes from, where one does.
VALUE_STEPS = {"score": "score", "rating": "rating", "total": "total", "evaluated_total": "total"}


class CaseFormatError(Exception):
    """A case file that is not a case: one line per problem, `FILE:LINE: what is wrong`."""


@dataclass(frozen=True, slots=True)
class Source:
    """One file a month reads: a file beside the case (`path`), or text written in the case."""

    kind: str
    line: int
    path: Path | None = None
    text: str | None = None
    block: bool = False  # text written as a YAML block (`|`): its first line is the line after `line`


@dataclass(frozen=True, slots=True)
class Check:
    """One expected value: where the case says it, whose it is and what it must read.

    `agent` None is the month's own (headcount, payroll); `key` names the entry of a section (a pay
    line, a KPI …), `*` every entry the case does not name; `want` is text, or for `decisions` a
    tuple of (field, text) tuples."""

    line: int
    agent: str | None
    field: str
    key: str | None
    want: object


@dataclass(frozen=True, slots=True)
class MonthCase:
    """A month of a case: its period, the files it reads and what it must give."""

    period: str
    line: int
    inputs: tuple[Source, ...]
    checks: tuple[Check, ...]
    empty: bool = False  # recorded as a month nobody worked (`jixiao run --empty`)


@dataclass(frozen=True, slots=True)
class Case:
    """One scenario: a policy and its months, recorded in order; the last is the month under test."""

    file: Path
    name: str
    line: int
    rules: tuple[str, ...]
    policy: Source
    months: tuple[MonthCase, ...]

    @property
    def shown(self) -> str:
        """The case file as messages name it: relative to the working folder when under it."""
        return _shown(os.fspath(self.file))

    def wanted(self, field: str) -> dict[str, object]:
        """What the month under test expects of `field` (`total`, `score` …), by agent."""
        return {c.agent: c.want for c in self.months[-1].checks if c.field == field and c.agent is not None}


@dataclass(frozen=True, slots=True)
class Report:
    """What running a case found: one text per mismatch (or refusal), empty when it passed."""

    case: Case
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures

    def text(self) -> str:
        rules = f" [{' '.join(self.case.rules)}]" if self.case.rules else ""
        head = f"{self.case.shown}:{self.case.line}: {self.case.name}{rules}"
        return "\n".join([head, *self.failures])


# -- loading -------------------------------------------------------------------------------------


def load_cases(path: Path) -> list[Case]:
    """The cases of one file: the file itself, or each entry of its `cases:` list (which takes the
    file's other keys as defaults, its `inputs` merged kind by kind). CaseFormatError if it is not one."""
    raw = path.read_bytes()
    try:
        loaded = load_text(raw, str(path))
    except JixiaoError as error:
        raise CaseFormatError("\n".join(error.lines("en"))) from None
    reader = _Reader(path, loaded, raw.decode("utf-8-sig").splitlines())
    data = reader.mapping((), loaded.data, (*CASE_KEYS, "cases"))
    if "cases" not in data:
        return [reader.case(reader.fields(data, ()), ())]
    entries = reader.sequence(("cases",), data["cases"])
    if "expected" in data:
        reader.fail(("expected",), "`expected` belongs to each of the `cases`, not to the file")
    defaults = reader.fields({k: v for k, v in data.items() if k not in ("cases", "name")}, ())
    cases, names = [], {}
    for index, entry in enumerate(entries):
        at = ("cases", index)
        own = reader.fields(reader.mapping(at, entry, CASE_KEYS), at)
        merged = {**defaults, **own}
        if "inputs" in own and "inputs" in defaults:  # kind by kind: the case's files replace the file's
            merged["inputs"] = ({**defaults["inputs"][0], **own["inputs"][0]}, own["inputs"][1])
        case = reader.case(merged, at)
        if case.name in names:
            reader.fail((*at, "name"), f"a second case named {case.name!r} (the first at line {names[case.name]})")
        names[case.name] = case.line
        cases.append(case)
    return cases


class _Reader:
    """Reads a loaded case file into cases, refusing what it does not know with the line it is on."""

    def __init__(self, path: Path, loaded: Loaded, lines: list[str]):
        self.path, self.loaded, self.lines = path, loaded, lines

    def line(self, at: tuple) -> int:
        return self.loaded.where(at)[0]

    def fail(self, at: tuple, message: str) -> NoReturn:
        raise CaseFormatError(f"{self.path}:{self.line(at)}: {message}")

    def mapping(self, at: tuple, value: object, keys: Sequence[str]) -> dict:
        if not isinstance(value, dict):
            self.fail(at, f"expected a mapping{' of ' + ', '.join(keys) if keys else ''}")
        for key in value:
            if keys and key not in keys:
                self.fail((*at, key), f"unknown key {key!r}; expected one of: {', '.join(keys)}")
        return value

    def sequence(self, at: tuple, value: object) -> list:
        if not isinstance(value, list):
            self.fail(at, "expected a list")
        return value

    def fields(self, data: dict, at: tuple) -> dict[str, tuple[object, tuple]]:
        """A case's keys with where each is; `inputs` as kind → (value, where)."""
        fields = {key: (value, (*at, key)) for key, value in data.items()}
        if "inputs" in fields:
            fields["inputs"] = (self.kinds(*fields["inputs"]), fields["inputs"][1])
        return fields

    def kinds(self, value: object, at: tuple) -> dict[str, tuple[object, tuple]]:
        return {kind: (v, (*at, kind)) for kind, v in self.mapping(at, value, KINDS).items()}

    def text(self, at: tuple, value: object, what: str) -> str:
        if isinstance(value, bool) or value is None or isinstance(value, dict | list):
            self.fail(at, f"expected {what}")
        return _text(value)

    def case(self, fields: dict[str, tuple[object, tuple]], at: tuple) -> Case:
        for key in ("name", "policy", "period"):
            if key not in fields:
                self.fail(at, f"a case needs `{key}`")
        name = self.text(fields["name"][1], fields["name"][0], "the case's name")
        rules: tuple[str, ...] = ()
        if "rules" in fields:
            value, where = fields["rules"]
            rules = tuple(self.text((*where, i), r, "a rule id") for i, r in enumerate(self.sequence(where, value)))
        policy = self.source("policy", *fields["policy"])
        months = []
        if "prior" in fields:
            value, where = fields["prior"]
            for index, month in enumerate(self.sequence(where, value)):
                months.append(self.month((*where, index), self.mapping((*where, index), month, MONTH_KEYS)))
        target = {key: fields[key] for key in ("period", "inputs", "expected") if key in fields}
        months.append(self.month_of(target, at))
        return Case(self.path, name, self.line(at) if at else 1, rules, policy, tuple(months))

    def month(self, at: tuple, data: dict) -> MonthCase:
        return self.month_of(self.fields(data, at), at)

    def month_of(self, fields: dict[str, tuple[object, tuple]], at: tuple) -> MonthCase:
        if "period" not in fields:
            self.fail(at, "a month needs `period` (YYYY-MM)")
        value, where = fields["period"]
        period = self.text(where, value, "a period YYYY-MM")
        if not PERIOD.fullmatch(period):
            self.fail(where, f"period {period!r} is not YYYY-MM")
        empty = False
        if "empty" in fields:
            flag, flag_at = fields["empty"]
            if not isinstance(flag, bool):
                self.fail(flag_at, "`empty` is true or false")
            empty = bool(flag)
        kinds: dict = fields["inputs"][0] if "inputs" in fields else {}  # type: ignore[assignment]
        inputs = tuple(self.source(kind, *kinds[kind]) for kind in KINDS if kind in kinds)
        if empty and inputs:
            self.fail(at, "an empty month (nobody worked) reads no files")
        if not empty and not any(s.kind == "metrics" for s in inputs):
            self.fail(where, f"{period} needs `inputs: {{metrics: …}}` (or `empty: true` for a month nobody worked)")
        checks = self.expected(*fields["expected"]) if "expected" in fields else ()
        return MonthCase(period, self.line(where), inputs, checks, empty)

    def source(self, kind: str, value: object, at: tuple) -> Source:
        """A path beside the case file, CSV text (a `|` block) or rows (a list of lists, the header first);
        a policy is a path or a `|` block of policy YAML."""
        line = self.line(at)
        if isinstance(value, str) and "\n" not in value:
            path = (self.path.parent / value).resolve()
            if not path.is_file():
                self.fail(at, f"{kind}: no file {value} (from {self.path.parent})")
            return Source(kind, line, path=path)
        if isinstance(value, str):
            written = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
            block = written[self.loaded.where(at)[1] - 1:][:1] in ("|", ">")
            return Source(kind, line, text=value, block=block)
        if kind != "policy" and isinstance(value, list):
            rows = [[self.cell((*at, r, c), cell) for c, cell in enumerate(self.sequence((*at, r), row))]
                    for r, row in enumerate(value)]
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerows(rows)
            return Source(kind, line, text=out.getvalue())
        what = "a path or a block (|) of policy YAML" if kind == "policy" else "a path, CSV text (|) or a list of rows"
        self.fail(at, f"{kind}: expected {what}")

    def cell(self, at: tuple, value: object) -> str:
        if value is None:
            return ""
        return self.text(at, value, "a cell: text or a number")

    def expected(self, value: object, at: tuple) -> tuple[Check, ...]:
        data = self.mapping(at, value, EXPECTED_KEYS)
        checks = []
        for key in ("headcount", "payroll"):
            if key in data:
                checks.append(Check(self.line((*at, key)), None, key, None,
                                    self.text((*at, key), data[key], "a number")))
        agents = self.mapping((*at, "agents"), data.get("agents", {}), ())
        for agent, fields in agents.items():
            where = (*at, "agents", agent)
            for field, want in self.mapping(where, fields, (*VALUES, *SECTIONS, "decisions")).items():
                checks.extend(self.agent_checks(str(agent), field, want, (*where, field)))
        return tuple(checks)

    def value(self, at: tuple, value: object) -> str:
        """An expected value: a number, text, true/false or null; never a mapping or a list."""
        if isinstance(value, dict | list):
            self.fail(at, "expected a value (a number, text, true/false or null)")
        return _text(value)

    def agent_checks(self, agent: str, field: str, want: object, at: tuple) -> Iterator[Check]:
        if field in VALUES:
            yield Check(self.line(at), agent, field, None, self.value(at, want))
        elif field in SECTIONS:
            for key, value in self.mapping(at, want, ()).items():
                if key == EVERY_OTHER and field in ("place", "steps", "choices"):
                    self.fail((*at, key), f"`{EVERY_OTHER}` means every other entry: {field} has no fixed list")
                if key == EVERY_OTHER and not isinstance(value, int | Decimal):
                    self.fail((*at, key), f"`{EVERY_OTHER}` holds every other entry to a number")
                yield Check(self.line((*at, key)), agent, field, str(key), self.value((*at, key), value))
        else:  # decisions: the agent's, in order, each with the fields it names
            decisions = []
            for index, decision in enumerate(self.sequence(at, want)):
                fields = self.mapping((*at, index), decision, tuple(DECISION_FIELDS))
                decisions.append(tuple((name, self.value((*at, index, name), value)) for name, value in fields.items()))
            yield Check(self.line(at), agent, field, None, tuple(decisions))


# -- running -------------------------------------------------------------------------------------


def run_case(case: Case, work: Path) -> Report:
    """Run `case` in the empty folder `work` (its inline files and its ledger are written there)."""
    paths = _Written(case, work)
    db = work / "ledger.db"
    failures: list[str] = []
    for index, month in enumerate(case.months):
        files = Files(paths.policy, *(paths.of(index, kind) for kind in KINDS))
        try:
            if index < len(case.months) - 1:
                run_month(db, files, month.period)
                if not month.checks:
                    continue
                with open_ledger(db, read_only=True) as ledger:
                    run = ledger.current_run(month.period)
                    assert run is not None
                    plan = recorded_plan(ledger, run)
                    outcomes, decisions = tuple(ledger.outcomes(run.id)), tuple(ledger.decisions_of(run.id))
            else:
                sources = read_sources(files)
                plan, _ = plan_from(sources.policy, sources.policy_path)
                read = read_month(plan, sources, month.period)
                ledger = open_ledger(db, read_only=True) if exists(db) else None
                try:
                    evaluated = evaluate_month(plan, read, month.period, ledger)
                finally:
                    if ledger is not None:
                        ledger.close()
                outcomes, decisions = evaluated.outcomes, evaluated.decisions
        except JixiaoError as error:
            lines = [paths.readable(line) for line in error.lines("en")]
            failures.append(f"{case.shown}:{month.line}: {month.period}: jixiao refused the month\n"
                            + "\n".join(f"    {line}" for line in lines))
            break
        failures.extend(_Compared(case, month, plan, outcomes, decisions, paths).failures())
    return Report(case, tuple(failures))


class _Written:
    """The case's files as the engine reads them: inline text written into the work folder."""

    def __init__(self, case: Case, work: Path):
        self.case, self.labels = case, {}
        self.policy = self.write(case.policy, work / "policy.yaml")
        self.by_month = {}
        for index, month in enumerate(case.months):
            for source in month.inputs:
                name = f"{index + 1:02d}-{month.period}-{source.kind}.csv"
                self.by_month[(index, source.kind)] = self.write(source, work / name)

    def write(self, source: Source, path: Path) -> str:
        if source.path is not None:
            return os.fspath(source.path)
        assert source.text is not None
        path.write_text(source.text, encoding="utf-8")
        self.labels[os.fspath(path)] = source
        return os.fspath(path)

    def of(self, month: int, kind: str) -> str | None:
        """The path the engine reads a month's file of `kind` from (None: the month has none)."""
        return self.by_month.get((month, kind))

    def readable(self, text: str) -> str:
        """An engine message about a written file, pointing at the case file instead: `FILE:N` of an
        inline policy becomes the case's own line, an inline table is named with its line."""
        for written, source in self.labels.items():
            if source.kind == "policy" and source.block:
                text = re.sub(re.escape(written) + r":(\d+)",
                              lambda m, s=source: f"{self.case.shown}:{s.line + int(m.group(1))}", text)
            text = text.replace(written, f"{self.case.shown}:{source.line} ({source.kind})")
        return text

    def policy_line(self, plan: Plan, line: int) -> str:
        """Where a policy line is: in the policy file, or in the case when the policy is written in it."""
        source = self.labels.get(self.policy)
        if source is not None and source.block:
            return f"{self.case.shown}:{source.line + line}"
        return f"{_shown(plan.policy.path)}:{line}"


class _Compared:
    """A month's results against the checks of its month of the case."""

    def __init__(self, case: Case, month: MonthCase, plan: Plan, outcomes: Sequence[Outcome],
                 decisions: Sequence[Decision], paths: _Written):
        self.case, self.month, self.plan, self.paths = case, month, plan, paths
        self.outcomes = {o.result.agent: o for o in outcomes}
        self.decisions: dict[str, list[Decision]] = {}
        for decision in decisions:
            self.decisions.setdefault(decision.agent, []).append(decision)
        self.slots = {step.name: step.slot for step in plan.steps}

    def failures(self) -> Iterator[str]:
        named: dict[tuple[str | None, str], set[str]] = {}
        for check in self.month.checks:
            named.setdefault((check.agent, check.field), set()).add(check.key or "")
        for check in self.month.checks:
            yield from self.compare(check, named)

    def where(self, check: Check, key: str | None = None) -> str:
        whose = f" · agent {check.agent}" if check.agent is not None else ""
        what = f"{check.field}.{key}" if key else check.field
        return f"{self.case.shown}:{check.line}: {self.month.period}{whose} · {what}"

    def compare(self, check: Check, named: dict) -> Iterator[str]:
        if check.agent is None:
            found = self.month_value(check.field)
            if found != check.want:
                yield f"{self.where(check)}: expected {check.want}, actual {found}"
            return
        outcome = self.outcomes.get(check.agent)
        if outcome is None:
            known = ", ".join(sorted(self.outcomes)) or "none"
            yield f"{self.where(check)}: agent {check.agent} is not in the month's results (agents: {known})"
            return
        if check.field == "decisions":
            yield from self.compare_decisions(check)
            return
        if check.field in VALUES:
            found, step = self.value(outcome, check.field), VALUE_STEPS.get(check.field)
            if found != check.want:
                yield self.mismatch(self.where(check), check.want, found, outcome, step)
            return
        entries = self.section(outcome, check.field)
        if check.key == EVERY_OTHER:  # a number, not digits: a section mixes counts (0) and amounts (0.00)
            for key, (found, step) in entries.items():
                if key not in named[(check.agent, check.field)] and Decimal(found) != Decimal(str(check.want)):
                    yield self.mismatch(self.where(check, key), check.want, found, outcome, step)
            return
        if check.key not in entries:
            listed = ", ".join(entries) or "none"
            yield f"{self.where(check, check.key)}: no such entry; {check.field} has: {listed}"
            return
        found, step = entries[check.key]
        if found != check.want:
            yield self.mismatch(self.where(check, check.key), check.want, found, outcome, step)

    def month_value(self, field: str) -> str:
        if field == "headcount":
            return str(len(self.outcomes))
        total = sum((o.total for o in self.outcomes.values()), Decimal(0)).quantize(self.plan.quantum)
        return _text(total)

    def value(self, outcome: Outcome, field: str) -> str:
        result = outcome.result
        if field == "total":
            return _text(outcome.total)
        if field == "evaluated_total":
            return _text(result.total)
        if field in ("adjustments", "retro"):
            lines = outcome.adjustments if field == "adjustments" else outcome.retro
            return _text(sum((line.amount for line in lines), Decimal("0.00")))
        return _text(getattr(result, field))

    def section(self, outcome: Outcome, field: str) -> dict[str, tuple[str, str | None]]:
        """The entries of a section: name → (value as text, the step it comes from)."""
        result = outcome.result
        if field == "kpis":
            return {k: (_text(v), f"{k}{KPI_SUFFIX}") for k, v in result.kpis}
        if field in ("pay", "penalties"):
            return {k: (_text(v), k) for k, v in getattr(result, field)}
        if field == "choices":
            return {k: (_text(v), k) for k, v in result.choices}
        trace = result.trace or ()
        if field == "place":
            suffix = "_place"
            names = [n[: -len(suffix)] for n, s in self.slots.items() if n.endswith(suffix) and s < len(trace)]
            return {n: (_text(trace[self.slots[n + suffix]]), n + suffix) for n in names}
        return {n: (_text(trace[s]), n) for n, s in self.slots.items() if s < len(trace)}

    def mismatch(self, where: str, want: object, found: str, outcome: Outcome, step: str | None) -> str:
        lines = [f"{where}: expected {want}, actual {found}"]
        if step is not None and step in self.slots:
            lines += self.explained(self.slots[step], outcome)
        if outcome.adjustments or outcome.retro:
            lines.append(f"    after evaluation: manual adjustments {self.value(outcome, 'adjustments')}, "
                         f"retro lines {self.value(outcome, 'retro')}")
        return "\n".join(lines)

    def explained(self, slot: int, outcome: Outcome) -> list[str]:
        """The step behind a value: its kind, rules and policy line, its path from the total, what it read."""
        step = self.plan.steps[slot]
        rules = ", ".join(step.rule) or "no rule id"
        lines = [f"    from step {step.name} ({step.kind}; {rules}; {self.paths.policy_line(self.plan, step.line)})",
                 f"    path: {' › '.join(_path(self.plan, slot))}"]
        trace = outcome.result.trace
        if trace is not None and step.reads:
            read = [f"{self.plan.steps[r].name} = {_text(trace[r])}" for r in step.reads[:READS] if r < len(trace)]
            more = f" … and {len(step.reads) - READS} more" if len(step.reads) > READS else ""
            lines.append(f"    read: {', '.join(read)}{more}")
        return lines

    def compare_decisions(self, check: Check) -> Iterator[str]:
        found = self.decisions.get(check.agent or "", [])
        want: tuple = check.want  # type: ignore[assignment]
        same = len(found) == len(want) and all(
            _text(getattr(d, DECISION_FIELDS[name])) == text for d, fields in zip(found, want, strict=True)
            for name, text in fields)
        if same:
            return
        expected = "; ".join(", ".join(f"{n}: {t}" for n, t in fields) for fields in want) or "none"
        actual = "; ".join(_decision_text(d) for d in found) or "none"
        yield f"{self.where(check)}: expected {expected}\n    actual {actual}"


def _decision_text(d: Decision) -> str:
    fields = {"kind": d.kind, "from": d.from_value, "to": d.to_value, "rule": d.rule,
              "months_met": d.months_met, "months_of": d.months_of, "reason_en": d.reason_en}
    return ", ".join(f"{name}: {_text(value)}" for name, value in fields.items())


def _path(plan: Plan, slot: int) -> list[str]:
    """The step's names from the total (or the score) down to it, along what each step reads and
    the details it owns: the path explain walks to reach it."""
    below: dict[int, list[int]] = {}
    for step in plan.steps:
        below.setdefault(step.slot, []).extend(step.reads)
        if step.parent is not None:
            below.setdefault(step.parent, []).append(step.slot)
    names = {step.name: step.slot for step in plan.steps}
    for root in (names.get("total"), names.get("score")):
        if root is None:
            continue
        came: dict[int, int | None] = {root: None}
        queue = deque([root])
        while queue and slot not in came:
            here = queue.popleft()
            for nxt in below.get(here, ()):
                if nxt not in came:
                    came[nxt] = here
                    queue.append(nxt)
        if slot in came:
            path: list[str] = []
            at: int | None = slot
            while at is not None:
                path.append(plan.steps[at].name)
                at = came[at]
            return path[::-1]
    return [plan.steps[slot].name]


def _text(value: object) -> str:
    """A value as the case compares it: a decimal's own digits (a negative zero as the reports show it,
    without the sign), true/false, null, or the text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text[1:] if text.startswith("-") and not value else text
    return str(value)


def _shown(path: str) -> str:
    """A policy path as short as it stays clear: relative to the working folder when it is under it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else path
    except ValueError:
        return path
