"""Stage 2, check: every problem in a loaded policy, as located diagnostics, in one pass.

First the JSON Schema (shape: keys, types, allowed values), then meaning (`check_meaning`):
references, weights, bands, cycles, expressions. Both yield rather than raise, so
`jixiao validate` can print every mistake with its line instead of stopping at the first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from engine.check_meaning import check_meaning
from engine.errors import Diagnostic, PolicyError
from engine.load import Loaded

SCHEMA_NAME = "policy.schema.json"


def schema_path() -> Path:
    """The schema shipped beside the package (checkout or editable install) or in share/."""
    import sys

    for base in (Path(__file__).resolve().parent.parent, Path(sys.prefix) / "share" / "jixiao"):
        candidate = base / "schemas" / SCHEMA_NAME
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{SCHEMA_NAME} not found beside the jixiao package")


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_path().read_text(encoding="utf-8")))


def check(doc: Loaded) -> Iterator[Diagnostic]:
    """Yield every schema and meaning problem of `doc`, warnings included."""
    yield from check_schema(doc)
    yield from check_meaning(doc)


def require_valid(doc: Loaded) -> list[Diagnostic]:
    """Raise `PolicyError` if `doc` has errors; otherwise return its warnings."""
    found = list(check(doc))
    if any(d.severity == "error" for d in found):
        raise PolicyError(found)
    return found


def check_schema(doc: Loaded) -> Iterator[Diagnostic]:
    for error in _validator().iter_errors(doc.data):
        yield from _render(doc, _deepest(error))


def _deepest(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf failures, the error inside the branch the user evidently meant.

    A branch whose own type does not fit the value (a mapping where the branch wants a number)
    was not meant, so its errors are dropped before ranking the rest.
    """
    while error.context:
        branches: dict[object, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.schema_path[0] if sub.schema_path else None, []).append(sub)
        meant = [
            sub
            for subs in branches.values()
            if not any(s.validator == "type" and not s.relative_path for s in subs)
            for sub in subs
        ]
        error = best_match(meant or error.context)
    return error


def _dotted(path) -> str:
    return ".".join(str(p) for p in path) or "the policy"


def _render(doc: Loaded, error: ValidationError) -> Iterator[Diagnostic]:
    path = tuple(error.absolute_path)
    where = _dotted(path)
    line, column = doc.where(path)
    keyword = error.validator
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        for key in error.instance:
            if key in error.schema.get("properties", {}):
                continue
            key_line, key_column = doc.where((*path, key), key=True)
            hint = "allowed: " + ", ".join(allowed) if allowed else ""
            message = f"unknown key '{key}' in {where}"
            yield Diagnostic(doc.path, key_line, key_column, "JX101", message, hint=hint)
        return
    if keyword == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        yield Diagnostic(doc.path, line, column, "JX102", f"{where} is missing required key '{missing}'")
        return
    # jsonschema reports a bad key as the `pattern` failure inside `propertyNames`.
    if keyword == "propertyNames" or "propertyNames" in error.schema_path:
        key = error.instance
        key_line, key_column = doc.where((*path, key), key=True)
        message = f"'{key}' in {where} is not a valid id"
        hint = "use lower-case letters, digits and _, starting with a letter"
        if path and path[0] == "grades":
            hint = "use letters, digits, - and _ (e.g. A0)"
        yield Diagnostic(doc.path, key_line, key_column, "JX105", message, hint=hint)
        return
    if keyword == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        found = _kind(error.instance)
        hint = "quote it to make it text" if expected == "string" and found == "a number" else ""
        message = f"{where} must be {_article(expected)}, got {found}"
        yield Diagnostic(doc.path, line, column, "JX103", message, hint=hint)
        return
    yield Diagnostic(doc.path, line, column, "JX104", f"{where}: {_plain(error)}")


def _plain(error: ValidationError) -> str:
    """jsonschema's message without repeating the whole offending value."""
    if error.validator in ("enum", "const"):
        allowed = error.validator_value if error.validator == "enum" else [error.validator_value]
        return f"{_show(error.instance)} is not one of " + ", ".join(_show(v) for v in allowed)
    if error.validator == "pattern":
        return f"{_show(error.instance)} does not match the pattern {error.validator_value}"
    if error.validator in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        relation = {
            "minimum": "at least",
            "exclusiveMinimum": "more than",
            "maximum": "at most",
            "exclusiveMaximum": "less than",
        }[error.validator]
        return f"{_show(error.instance)} must be {relation} {error.validator_value}"
    if error.validator in ("minItems", "minProperties"):
        return f"needs at least {error.validator_value} entries"
    if error.validator == "uniqueItems":
        return "entries must not repeat"
    if error.validator == "not":
        return "has a key that is not allowed here"
    return error.message[:200]


def _show(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return f"text {_show(value)}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    return "a number"


def _article(expected: str) -> str:
    words = {"string": "text", "number": "a number", "object": "a mapping", "array": "a list",
             "integer": "a whole number", "boolean": "true or false"}
    return " or ".join(words.get(part, part) for part in expected.split(" or "))
