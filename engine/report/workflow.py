"""GitHub Actions workflow commands (`::error file=…,line=…::message`): how `validate --format github`
and `test --format github` put their findings on the right lines of a pull request.

The runner reads a command per line, so a message's newlines (and `%`) are escaped as it unescapes
them, and a property (file, title) also escapes `:` and `,`, which would end it.
"""

from __future__ import annotations

__all__ = ["command"]


def _escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def command(kind: str, message: str, file: str | None = None, line: int | None = None, column: int | None = None,
            title: str = "") -> str:
    """One workflow command: `kind` is error, warning or notice."""
    fields = []
    if file is not None:
        fields.append(f"file={_escape(file, property_value=True)}")
    if line is not None:
        fields.append(f"line={line}")
    if column is not None:
        fields.append(f"col={column}")
    if title:
        fields.append(f"title={_escape(title, property_value=True)}")
    head = f"::{kind} {','.join(fields)}" if fields else f"::{kind}"
    return f"{head}::{_escape(message)}"
