"""A policy's problems (`jixiao validate`) as tools read them: JSON, and GitHub workflow commands that
annotate each problem on its line. The plain text (`FILE:LINE:COL: CODE message`) is the diagnostic's
own rendering; these carry the same problems, message and hint in the chosen language."""

from __future__ import annotations

import json
from collections.abc import Sequence

from engine.diagnostics import Diagnostic, Severity
from engine.report.safe_text import json_safe
from engine.report.workflow import command

__all__ = ["problems_github", "problems_json"]


def _texts(diagnostic: Diagnostic, lang: str) -> tuple[str, str]:
    """The message and hint in `lang` (the English ones where a diagnostic has no Chinese)."""
    chinese = lang == "zh" and bool(diagnostic.zh)
    message = diagnostic.zh if chinese else diagnostic.message
    hint = (diagnostic.zh_hint or diagnostic.hint) if chinese else diagnostic.hint
    return message, hint


def problems_json(found: Sequence[Diagnostic], files: int, lang: str) -> str:
    errors = sum(d.severity == Severity.ERROR for d in found)
    entries = []
    for d in found:
        message, hint = _texts(d, lang)
        entries.append({"file": d.file, "line": d.line, "column": d.column, "code": d.code,
                        "severity": str(d.severity), "message": message, "hint": hint})
    data = {"files": files, "errors": errors, "warnings": len(found) - errors, "problems": entries}
    return json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def problems_github(found: Sequence[Diagnostic], lang: str) -> str:
    lines = []
    for d in found:
        message, hint = _texts(d, lang)
        text = f"{message} ({hint})" if hint else message
        kind = "warning" if d.severity == Severity.WARNING else "error"
        lines.append(command(kind, text, d.file, d.line, d.column, title=d.code))
    return "".join(f"{line}\n" for line in lines)
