"""The errors every stage raises, and what they carry: the ground floor every stage reports through.

A problem is a value (`Diagnostic`, from the catalogue in `engine.diagnostics`; `DataIssue` for a
cell), not a raised string, so a stage can collect every problem in one pass and the CLI decides
how to print them and which exit code they deserve.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.diagnostics import CELL, COLUMN, ISSUE, ROW, Diagnostic, Severity

__all__ = ["DataError", "DataIssue", "Diagnostic", "EvaluationError", "JixiaoError", "PolicyError", "Severity",
           "Terminated"]


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
        shown = "zh" if lang == "zh" and self.zh else "en"
        where = self.file
        for text, value in ((ROW, self.row), (COLUMN, self.column), (CELL, self.cell)):
            if value:
                where += text.render(shown, {"value": value})
        return ISSUE.render(shown, {"where": where, "message": self.zh if shown == "zh" else self.message})


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
    """A step could not be computed for one agent (e.g. division by zero with no declared value).

    `code` is the catalogue's code of the failure (JX4xx), for machines; the text does not show
    it, so what people read stays as it was."""

    def __init__(self, message: str = "", zh: str = "", code: str = "") -> None:
        super().__init__(message, zh)
        self.code = code


class Terminated(BaseException):
    """SIGTERM arrived: raised like KeyboardInterrupt so every `finally` and cleanup runs (while a file
    is written, engine.report.atomic_write.sigterm_raises); here so that the CLI, which turns it into
    exit 143, does not import the writer for a command that writes nothing."""
