"""Scenario cases as data, read: a policy, a month's inputs (and the months recorded before it), and
any part of the results expected, compared exactly as decimal text.

A case file is YAML, read by the policy loader (YAML 1.2 scalars, every number an exact Decimal,
every node's line kept), so `score: 85.50` means the text 85.50 and a failure names its line.
tests/scenarios/README.md describes the format. `jixiao test` reads a shop's case files with it,
and the project's own suite (tests/scenarios/conftest.py) turns each case into a pytest item; it
knows nothing of pytest. Running a case is `engine.cases.run`.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import NoReturn

from engine.errors import JixiaoError
from engine.month import KINDS
from engine.policy.load import Loaded, load_text
from engine.report.messages import say

__all__ = ["Case", "CaseFormatError", "Check", "MonthCase", "Source", "load_cases", "shown_path", "value_text"]

PERIOD = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
CASE_KEYS = ("name", "rules", "policy", "period", "inputs", "prior", "expected")
MONTH_KEYS = ("period", "inputs", "empty", "expected")
EXPECTED_KEYS = ("headcount", "payroll", "agents")
# What an agent's result offers to compare: single values, and sections keyed by name.
VALUES = ("name", "team", "role", "grade", "score", "rating", "total", "evaluated_total", "adjustments", "retro")
SECTIONS = ("kpis", "pay", "penalties", "choices", "place", "steps", "flags")
DECISION_FIELDS = {"kind": "kind", "from": "from_value", "to": "to_value", "rule": "rule", "reason": "reason",
                   "reason_en": "reason_en", "months_met": "months_met", "months_of": "months_of"}
READS = 16  # the values a failing step read, shown at most (a total reads every pay line)
EVERY_OTHER = "*"  # in a section: every entry the case does not name must read this
# The steps a value comes from, where one does.
VALUE_STEPS = {"score": "score", "rating": "rating", "total": "total", "evaluated_total": "total"}


class CaseFormatError(JixiaoError):
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
        return shown_path(os.fspath(self.file))

    def wanted(self, field: str) -> dict[str, object]:
        """What the month under test expects of `field` (`total`, `score` …), by agent."""
        return {c.agent: c.want for c in self.months[-1].checks if c.field == field and c.agent is not None}


# -- loading -------------------------------------------------------------------------------------


def load_cases(path: Path) -> list[Case]:
    """The cases of one file: the file itself, or each entry of its `cases:` list (which takes the
    file's other keys as defaults, its `inputs` merged kind by kind). CaseFormatError if it is not one."""
    raw = path.read_bytes()
    try:
        loaded = load_text(raw, str(path))
    except JixiaoError as error:
        raise CaseFormatError("\n".join(error.lines("en")), "\n".join(error.lines("zh"))) from None
    reader = _Reader(path, loaded, raw.decode("utf-8-sig").splitlines())
    data = reader.mapping((), loaded.data, (*CASE_KEYS, "cases"))
    if "cases" not in data:
        return [reader.case(reader.fields(data, ()), ())]
    entries = reader.sequence(("cases",), data["cases"])
    if not entries:  # a file that tests nothing must not pass as if it tested something
        reader.fail(("cases",), "case_no_cases")
    if "expected" in data:
        reader.fail(("expected",), "case_file_expected")
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
            reader.fail((*at, "name"), "case_second_name", name=case.name, line=names[case.name])
        names[case.name] = case.line
        cases.append(case)
    return cases


class _Reader:
    """Reads a loaded case file into cases, refusing what it does not know with the line it is on."""

    def __init__(self, path: Path, loaded: Loaded, lines: list[str]):
        self.path, self.loaded, self.lines = path, loaded, lines

    def line(self, at: tuple) -> int:
        return self.loaded.where(at)[0]

    def fail(self, at: tuple, message_key: str, /, **fields: object) -> NoReturn:
        """Refuse the file at the line of `at`, with the catalogue's message in both languages; a
        field `what` (or `of`) is itself a key of the catalogue, said in each language."""
        def said(lang: str) -> str:
            words = {name: say(str(value), lang, **fields) if name in ("what", "of") else value
                     for name, value in fields.items()}
            message = say(message_key, lang, **words)
            return say("case_at", lang, file=self.path, line=self.line(at), message=message)

        raise CaseFormatError(said("en"), said("zh"))

    def mapping(self, at: tuple, value: object, keys: Sequence[str]) -> dict:
        if not isinstance(value, dict):
            if keys:
                self.fail(at, "case_mapping", of="case_mapping_of", keys=", ".join(keys))
            self.fail(at, "case_mapping", of="")
        for key in value:
            if keys and key not in keys:
                self.fail((*at, key), "case_unknown_key", found=key, keys=", ".join(keys))
        return value

    def sequence(self, at: tuple, value: object) -> list:
        if not isinstance(value, list):
            self.fail(at, "case_list")
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
            self.fail(at, "case_expected_what", what=what)
        return value_text(value)

    def case(self, fields: dict[str, tuple[object, tuple]], at: tuple) -> Case:
        for key in ("name", "policy", "period"):
            if key not in fields:
                self.fail(at, "case_needs", field=key)
        name = self.text(fields["name"][1], fields["name"][0], "case_what_name")
        rules: tuple[str, ...] = ()
        if "rules" in fields:
            value, where = fields["rules"]
            listed = self.sequence(where, value)
            rules = tuple(self.text((*where, i), r, "case_what_rule") for i, r in enumerate(listed))
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
            self.fail(at, "case_month_period")
        value, where = fields["period"]
        period = self.text(where, value, "case_what_period")
        if not PERIOD.fullmatch(period):
            self.fail(where, "case_bad_period", period=period)
        empty = False
        if "empty" in fields:
            flag, flag_at = fields["empty"]
            if not isinstance(flag, bool):
                self.fail(flag_at, "case_empty_flag")
            empty = bool(flag)
        kinds: dict = fields["inputs"][0] if "inputs" in fields else {}  # type: ignore[assignment]
        inputs = tuple(self.source(kind, *kinds[kind]) for kind in KINDS if kind in kinds)
        if empty and inputs:
            self.fail(at, "case_empty_files")
        if not empty and not any(s.kind == "metrics" for s in inputs):
            self.fail(where, "case_needs_metrics", period=period)
        checks = self.expected(*fields["expected"]) if "expected" in fields else ()
        return MonthCase(period, self.line(where), inputs, checks, empty)

    def source(self, kind: str, value: object, at: tuple) -> Source:
        """A path beside the case file, CSV text (a `|` block) or rows (a list of lists, the header first);
        a policy is a path or a `|` block of policy YAML."""
        line = self.line(at)
        if isinstance(value, str) and "\n" not in value:
            path = (self.path.parent / value).resolve()
            if not path.is_file():
                self.fail(at, "case_no_file", kind=kind, value=value, folder=self.path.parent)
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
        what = "case_what_policy" if kind == "policy" else "case_what_table"
        self.fail(at, "case_kind_expected", kind=kind, what=what)

    def cell(self, at: tuple, value: object) -> str:
        if value is None:
            return ""
        return self.text(at, value, "case_what_cell")

    def expected(self, value: object, at: tuple) -> tuple[Check, ...]:
        data = self.mapping(at, value, EXPECTED_KEYS)
        checks = []
        for key in ("headcount", "payroll"):
            if key in data:
                checks.append(Check(self.line((*at, key)), None, key, None,
                                    self.text((*at, key), data[key], "case_what_number")))
        agents = self.mapping((*at, "agents"), data.get("agents", {}), ())
        for agent, fields in agents.items():
            where = (*at, "agents", agent)
            for field, want in self.mapping(where, fields, (*VALUES, *SECTIONS, "decisions")).items():
                checks.extend(self.agent_checks(str(agent), field, want, (*where, field)))
        return tuple(checks)

    def value(self, at: tuple, value: object) -> str:
        """An expected value: a number, text, true/false or null; never a mapping or a list."""
        if isinstance(value, dict | list):
            self.fail(at, "case_value")
        return value_text(value)

    def agent_checks(self, agent: str, field: str, want: object, at: tuple) -> Iterator[Check]:
        if field in VALUES:
            yield Check(self.line(at), agent, field, None, self.value(at, want))
        elif field in SECTIONS:
            for key, value in self.mapping(at, want, ()).items():
                if key == EVERY_OTHER and field in ("place", "steps", "choices", "flags"):
                    self.fail((*at, key), "case_every_other_list", field=field)
                if key == EVERY_OTHER and not isinstance(value, int | Decimal):
                    self.fail((*at, key), "case_every_other_number")
                yield Check(self.line((*at, key)), agent, field, str(key), self.value((*at, key), value))
        else:  # decisions: the agent's, in order, each with the fields it names
            decisions = []
            for index, decision in enumerate(self.sequence(at, want)):
                fields = self.mapping((*at, index), decision, tuple(DECISION_FIELDS))
                decisions.append(tuple((name, self.value((*at, index, name), value)) for name, value in fields.items()))
            yield Check(self.line(at), agent, field, None, tuple(decisions))



def value_text(value: object) -> str:
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



def shown_path(path: str) -> str:
    """A policy path as short as it stays clear: relative to the working folder when it is under it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else path
    except ValueError:
        return path
