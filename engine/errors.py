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
    # The same message and hint for Chinese readers; a diagnostic without them shows the English.
    zh: str = ""
    zh_hint: str = ""

    def render(self, lang: str = "en") -> str:
        """`FILE:LINE:COL: CODE message`, the format editors and CI annotators understand."""
        chinese = lang == "zh" and bool(self.zh)
        message = self.zh if chinese else self.message
        hint = (self.zh_hint or self.hint) if chinese else self.hint
        warning = ("警告：" if chinese else "warning: ") if self.severity == "warning" else ""
        text = f"{self.file}:{self.line}:{self.column}: {self.code} {warning}{message}"
        if hint:
            text += f"（提示：{hint}）" if chinese else f" (hint: {hint})"
        return text

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.code)


@dataclass(frozen=True, slots=True)
class DataIssue:
    """One bad cell or row in an input table: where it is, and what was expected there."""

    file: str
    row: int  # 0 for a problem of the whole file, which names no row
    column: str
    message: str
    zh: str = ""  # the message for Chinese readers; empty shows the English one
    # In a workbook, the address of the cell (`F4`), which Excel's name box goes to; '' elsewhere.
    cell: str = ""

    def render(self, lang: str = "en") -> str:
        """`FILE: row 4, column 销售额 (F), cell F4: message` (the cell in a workbook only), or in Chinese."""
        if lang == "zh" and self.zh:
            where = self.file + (f"：第 {self.row} 行" if self.row else "")
            if self.column:
                where += f"，列 {self.column}"
            if self.cell:
                where += f"，单元格 {self.cell}"
            return f"{where}：{self.zh}"
        where = self.file + (f": row {self.row}" if self.row else "")
        if self.column:
            where += f", column {self.column}"
        if self.cell:
            where += f", cell {self.cell}"
        return f"{where}: {self.message}"


class JixiaoError(Exception):
    """Base of every error the CLI turns into a non-zero exit; `exit_code` is decided here."""

    exit_code = 1

    def __init__(self, message: str = "", zh: str = "") -> None:
        super().__init__(message)
        self.zh = zh  # the message for Chinese readers; empty shows the English one

    def lines(self, lang: str = "en") -> list[str]:
        return [self.zh if lang == "zh" and self.zh else str(self)]


class PolicyError(JixiaoError):
    """The policy did not load or check; carries every diagnostic found, not just the first."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=lambda d: d.sort_key)
        super().__init__("\n".join(d.render() for d in self.diagnostics))

    def lines(self, lang: str = "en") -> list[str]:
        return [d.render(lang) for d in self.diagnostics]


class DataError(JixiaoError):
    """An input table (metrics, roster, team) has bad cells; carries every one found."""

    def __init__(self, issues: list[DataIssue]):
        self.issues = issues
        super().__init__("\n".join(i.render() for i in issues))

    def lines(self, lang: str = "en") -> list[str]:
        return [i.render(lang) for i in self.issues]


class EvaluationError(JixiaoError):
    """A step could not be computed for one agent (e.g. division by zero with no declared value)."""
