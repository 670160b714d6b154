"""Diagnostics and the errors that carry them: the ground floor every stage reports through.

A problem is a value (`Diagnostic`), not a raised string, so a stage can collect every problem
in one pass and the CLI decides how to print them and which exit code they deserve.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One located problem in a policy or data file, with a stable code users can search for."""

    file: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = "error"
    hint: str = ""

    def render(self) -> str:
        """`FILE:LINE:COL: CODE message`, the format editors and CI annotators understand."""
        text = f"{self.file}:{self.line}:{self.column}: {self.code} {self.message}"
        if self.severity == "warning":
            text = f"{self.file}:{self.line}:{self.column}: {self.code} warning: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.code)


@dataclass(frozen=True, slots=True)
class DataIssue:
    """One bad cell or row in an input table: where it is, and what was expected there."""

    file: str
    row: int
    column: str
    message: str

    def render(self) -> str:
        where = f"{self.file}: row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


class JixiaoError(Exception):
    """Base of every error the CLI turns into a non-zero exit; `exit_code` is decided here."""

    exit_code = 1

    def lines(self) -> list[str]:
        return [str(self)]


class PolicyError(JixiaoError):
    """The policy did not load or check; carries every diagnostic found, not just the first."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=lambda d: d.sort_key)
        super().__init__("\n".join(d.render() for d in self.diagnostics))

    def lines(self) -> list[str]:
        return [d.render() for d in self.diagnostics]


class DataError(JixiaoError):
    """An input table (metrics, roster, team) has bad cells; carries every one found."""

    def __init__(self, issues: list[DataIssue]):
        self.issues = issues
        super().__init__("\n".join(i.render() for i in issues))

    def lines(self) -> list[str]:
        return [i.render() for i in self.issues]


class EvaluationError(JixiaoError):
    """A step could not be computed for one agent (e.g. division by zero with no declared value)."""
