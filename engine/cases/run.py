"""Scenario cases run: what `jixiao run` does, month by month, in a folder of the case's own.

Each prior month is recorded in a new ledger (its expectations, if any, are checked against what
was recorded), then the month under test is evaluated from the state the ledger holds, reviews
included, and compared without being recorded. Every mismatch of a case is reported at once:
where it is in the case file, what was expected, what was found, and the step of the plan that
produced the value (its kind, rule ids, policy line, path from the total and what it read). What
every month gave is kept with the report, for the business coverage of `engine.cases.coverage`.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from engine.cases.read import (
    DECISION_FIELDS,
    EVERY_OTHER,
    READS,
    VALUE_STEPS,
    VALUES,
    Case,
    Check,
    MonthCase,
    Source,
    shown_path,
    value_text,
)
from engine.errors import JixiaoError
from engine.ledger.access import exists, open_ledger
from engine.ledger.store import Decision
from engine.model.plan import Plan
from engine.model.results import Outcome
from engine.model.step_names import KPI_SUFFIX
from engine.month import KINDS, Files, evaluate_month, plan_from, read_month, read_sources
from engine.record import recorded_plan, run_month
from engine.report.messages import say
from engine.retrace import with_traces

# What a case may expect only of a policy with a scorecard (`kpis:` and `score:`; S4 has none).
SCORECARD = ("score", "rating", "kpis")

__all__ = ["Failure", "Report", "Seen", "run_case"]


@dataclass(frozen=True, slots=True)
class Failure:
    """One mismatch (or a refused month): the line of the case file it is about, and its text."""

    line: int
    text: str


@dataclass(frozen=True, slots=True)
class Seen:
    """One month of a case as jixiao evaluated it (or recorded it): what coverage counts."""

    plan: Plan
    outcomes: tuple[Outcome, ...]
    decisions: tuple[Decision, ...]


@dataclass(frozen=True, slots=True)
class Report:
    """What running a case found: one text per mismatch (or refusal), empty when it passed."""

    case: Case
    found: tuple[Failure, ...]
    seen: tuple[Seen, ...] = ()

    @property
    def failures(self) -> tuple[str, ...]:
        return tuple(f.text for f in self.found)

    @property
    def passed(self) -> bool:
        return not self.failures

    def text(self) -> str:
        rules = f" [{' '.join(self.case.rules)}]" if self.case.rules else ""
        head = f"{self.case.shown}:{self.case.line}: {self.case.name}{rules}"
        return "\n".join([head, *self.failures])


# -- running -------------------------------------------------------------------------------------


def run_case(case: Case, work: Path, lang: str = "en") -> Report:
    """Run `case` in the empty folder `work` (its inline files and its ledger are written there); what
    it finds is said in `lang` (zh or en)."""
    paths = _Written(case, work)
    db = work / "ledger.db"
    failures: list[Failure] = []
    seen: list[Seen] = []
    for index, month in enumerate(case.months):
        files = Files(paths.policy, *(paths.of(index, kind) for kind in KINDS))
        try:
            if index < len(case.months) - 1:
                run_month(db, files, month.period)
                with open_ledger(db, read_only=True) as ledger:
                    run = ledger.current_run(month.period)
                    assert run is not None
                    plan = recorded_plan(ledger, run)
                    outcomes = tuple(with_traces(ledger, plan, run, ledger.outcomes(run.id)))
                    decisions = tuple(ledger.decisions_of(run.id))
            else:
                sources = read_sources(files)
                plan, _ = plan_from(sources.policy, sources.policy_path, month.period, sources.bases)
                read = read_month(plan, sources, month.period)
                ledger = open_ledger(db, read_only=True) if exists(db) else None
                try:
                    evaluated = evaluate_month(plan, read, month.period, ledger)
                finally:
                    if ledger is not None:
                        ledger.close()
                outcomes, decisions = evaluated.outcomes, evaluated.decisions
        except JixiaoError as error:
            lines = [paths.readable(line) for line in error.lines(lang)]
            head = say("case_refused", lang, file=case.shown, line=month.line, period=month.period)
            failures.append(Failure(month.line, "\n".join([head, *(f"    {line}" for line in lines)])))
            break
        seen.append(Seen(plan, tuple(outcomes), tuple(decisions)))
        failures.extend(_Compared(case, month, plan, outcomes, decisions, paths, lang).failures())
    return Report(case, tuple(failures), tuple(seen))


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
        return f"{shown_path(plan.policy.path)}:{line}"


class _Compared:
    """A month's results against the checks of its month of the case."""

    def __init__(self, case: Case, month: MonthCase, plan: Plan, outcomes: Sequence[Outcome],
                 decisions: Sequence[Decision], paths: _Written, lang: str):
        self.case, self.month, self.plan, self.paths, self.lang = case, month, plan, paths, lang
        self.outcomes = {o.result.agent: o for o in outcomes}
        self.decisions: dict[str, list[Decision]] = {}
        for decision in decisions:
            self.decisions.setdefault(decision.agent, []).append(decision)
        self.slots = {step.name: step.slot for step in plan.steps}

    def failures(self) -> Iterator[Failure]:
        named: dict[tuple[str | None, str], set[str]] = {}
        for check in self.month.checks:
            named.setdefault((check.agent, check.field), set()).add(check.key or "")
        for check in self.month.checks:
            for text in self.compare(check, named):
                yield Failure(check.line, text)

    def where(self, check: Check, key: str | None = None) -> str:
        whose = say("case_agent", self.lang, agent=check.agent) if check.agent is not None else ""
        what = f"{check.field}.{key}" if key else check.field
        return f"{self.case.shown}:{check.line}: {self.month.period}{whose} · {what}"

    def compare(self, check: Check, named: dict) -> Iterator[str]:
        if check.agent is None:
            found = self.month_value(check.field)
            if found != check.want:
                yield say("case_mismatch", self.lang, where=self.where(check), want=check.want, found=found)
            return
        outcome = self.outcomes.get(check.agent)
        if outcome is None:
            known = ", ".join(sorted(self.outcomes)) or say("case_none", self.lang)
            yield say("case_no_agent", self.lang, where=self.where(check), agent=check.agent, known=known)
            return
        if check.field == "decisions":
            yield from self.compare_decisions(check)
            return
        if check.field in SCORECARD and self.plan.outputs is not None and self.plan.outputs.score is None:
            # No scorecard (S4): expecting a score, a rating or KPI points is the case's mistake, located.
            yield say("case_no_scorecard", self.lang, where=self.where(check), field=check.field)
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
            listed = ", ".join(entries) or say("case_none", self.lang)
            yield say("case_no_entry", self.lang, where=self.where(check, check.key), field=check.field, listed=listed)
            return
        found, step = entries[check.key]
        if found != check.want:
            yield self.mismatch(self.where(check, check.key), check.want, found, outcome, step)

    def month_value(self, field: str) -> str:
        if field == "headcount":
            return str(len(self.outcomes))
        total = sum((o.total for o in self.outcomes.values()), Decimal(0)).quantize(self.plan.quantum)
        return value_text(total)

    def value(self, outcome: Outcome, field: str) -> str:
        result = outcome.result
        if field == "total":
            return value_text(outcome.total)
        if field == "evaluated_total":
            return value_text(result.total)
        if field in ("adjustments", "retro"):
            lines = outcome.adjustments if field == "adjustments" else outcome.retro
            return value_text(sum((line.amount for line in lines), Decimal("0.00")))
        return value_text(getattr(result, field))

    def section(self, outcome: Outcome, field: str) -> dict[str, tuple[str, str | None]]:
        """The entries of a section: name → (value as text, the step it comes from)."""
        result = outcome.result
        if field == "kpis":
            return {k: (value_text(v), f"{k}{KPI_SUFFIX}") for k, v in result.kpis}
        if field in ("pay", "penalties"):
            return {k: (value_text(v), k) for k, v in getattr(result, field)}
        if field == "choices":
            return {k: (value_text(v), k) for k, v in result.choices}
        if field == "flags":  # whether each flag was raised (S1.5): true / false
            return {k: (value_text(raised), k) for k, _, raised in result.flags}
        trace = result.trace or ()
        if field == "place":
            suffix = "_place"
            names = [n[: -len(suffix)] for n, s in self.slots.items() if n.endswith(suffix) and s < len(trace)]
            return {n: (value_text(trace[self.slots[n + suffix]]), n + suffix) for n in names}
        return {n: (value_text(trace[s]), n) for n, s in self.slots.items() if s < len(trace)}

    def mismatch(self, where: str, want: object, found: str, outcome: Outcome, step: str | None) -> str:
        lines = [say("case_mismatch", self.lang, where=where, want=want, found=found)]
        if step is not None and step in self.slots:
            lines += self.explained(self.slots[step], outcome)
        if outcome.adjustments or outcome.retro:
            lines.append(say("case_after", self.lang, adjustments=self.value(outcome, "adjustments"),
                             retro=self.value(outcome, "retro")))
        return "\n".join(lines)

    def explained(self, slot: int, outcome: Outcome) -> list[str]:
        """The step behind a value: its kind, rules and policy line, its path from the total, what it read."""
        step = self.plan.steps[slot]
        rules = ", ".join(step.rule) or say("case_no_rule", self.lang)
        lines = [say("case_from_step", self.lang, step=step.name, kind=step.kind, rules=rules,
                     line=self.paths.policy_line(self.plan, step.line)),
                 say("case_path", self.lang, path=" › ".join(_path(self.plan, slot)))]
        trace = outcome.result.trace
        # A step that reads nothing itself (a KPI in bands) shows its details: the band, and what that read.
        reads = step.reads or tuple(r for child in self.plan.steps if child.parent == slot
                                    for r in (child.slot, *child.reads))
        if trace is not None and reads:
            read = [f"{self.plan.steps[r].name} = {value_text(trace[r])}" for r in reads[:READS] if r < len(trace)]
            more = say("case_read_more", self.lang, count=len(reads) - READS) if len(reads) > READS else ""
            lines.append(say("case_read", self.lang, values=", ".join(read), more=more))
        return lines

    def compare_decisions(self, check: Check) -> Iterator[str]:
        found = self.decisions.get(check.agent or "", [])
        want: tuple = check.want  # type: ignore[assignment]
        same = len(found) == len(want) and all(
            value_text(getattr(d, DECISION_FIELDS[name])) == text for d, fields in zip(found, want, strict=True)
            for name, text in fields)
        if same:
            return
        none = say("case_none", self.lang)
        expected = "; ".join(", ".join(f"{n}: {t}" for n, t in fields) for fields in want) or none
        actual = "; ".join(_decision_text(d) for d in found) or none
        yield say("case_decisions", self.lang, where=self.where(check), expected=expected, actual=actual)


def _decision_text(d: Decision) -> str:
    fields = {"kind": d.kind, "from": d.from_value, "to": d.to_value, "rule": d.rule,
              "months_met": d.months_met, "months_of": d.months_of, "reason_en": d.reason_en}
    return ", ".join(f"{name}: {value_text(value)}" for name, value in fields.items())


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
