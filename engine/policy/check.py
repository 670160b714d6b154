"""Stage 2, check: every problem in a loaded policy, as located diagnostics, in one pass.

First the JSON Schema (shape: keys, types, allowed values), then meaning (`check_meaning`):
references, weights, bands, cycles, expressions. Every check yields problems (code, kind, fields
and the path they point at; their texts are the catalogue's, `engine.diagnostics`) rather than
raise, and `check` locates them all in one place, so `jixiao validate` can print every mistake
with its line instead of stopping at the first.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING

from engine.diagnostics import (
    EITHER,
    SCHEMA_TYPES,
    THE_POLICY,
    VALUES,
    Code,
    Diagnostic,
    Phrase,
    Problem,
    Severity,
    problem,
)
from engine.errors import PolicyError
from engine.policy.check_indent import Hidden, find_misplaced
from engine.policy.check_meaning import check_meaning
from engine.policy.dated import boundaries, check_dated, dated_paths
from engine.policy.dated import resolve as resolve_dated
from engine.policy.load import Loaded
from engine.policy.schema_fits import Fits, Unsure, compile_schema

if TYPE_CHECKING:  # jsonschema is imported when its walk runs: a policy that certainly fits never loads it
    from pathlib import Path

    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

SCHEMA_NAME = "policy.schema.json"


def schema_path() -> Path:
    """The schema shipped beside the package (checkout or editable install) or in share/."""
    from pathlib import Path

    return Path(_schema_file())


def _schema_file() -> str:
    """`schema_path`, found by `os.path` (validate does without pathlib)."""
    import sys

    beside = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
    for base in (beside, os.path.join(sys.prefix, "share", "jixiao")):
        candidate = os.path.join(base, "schemas", SCHEMA_NAME)
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError(f"{SCHEMA_NAME} not found beside the jixiao package")


@lru_cache(maxsize=1)
def _schema() -> dict:
    with open(_schema_file(), encoding="utf-8") as stream:
        return json.load(stream)


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_schema())


@lru_cache(maxsize=1)
def _compiled() -> Fits | None:
    """The schema as a yes/no predicate (engine.policy.schema_fits); None if it uses a keyword not compiled there."""
    try:
        return compile_schema(_schema())
    except Unsure:
        return None


def fits_schema(data: object) -> bool:
    """True when `data` certainly fits the schema, so jsonschema has nothing to say about it.

    False when it does not, or when the fast predicate cannot tell: then jsonschema walks it and words
    every problem. Only the walk costs: on a valid policy it was most of `jixiao validate`'s own time,
    and importing jsonschema (with referencing, attrs and rpds) most of its start-up, so that import
    waits for the walk too."""
    fits = _compiled()
    if fits is None:
        return False
    try:
        return fits(data)
    except Unsure:
        return False


MAX_DIAGNOSTICS = 200


def check(doc: Loaded) -> Iterator[Diagnostic]:
    """Yield every schema and meaning problem of `doc`, warnings included, at most 200 of them.

    Past the limit one closing diagnostic says how many more there are: a generated policy with
    ten thousand mistakes must still answer in a moment and in a screenful.
    """
    if not dated_paths(doc.data):
        yield from cap(_checked(doc), doc)
        return
    # Dated values (engine.policy.dated): their shape, then the policy as it stands in each month
    # one of them changes, so every entry is checked in context; a problem is said once.
    found = [locate(doc, p) for p in check_dated(doc.data)]
    for month in boundaries(doc.data):
        found += [d for d in _checked(resolve_dated(doc, month, strict=False)[0]) if d not in found]
    yield from cap(found, doc)


def _checked(doc: Loaded) -> list[Diagnostic]:
    """The schema's and the meaning checks' problems of a policy with plain values, located."""
    misplaced = find_misplaced(doc, _schema())
    hidden = Hidden.of(misplaced)
    problems = chain((item.problem for item in misplaced), check_schema(doc, hidden), check_meaning(doc, hidden))
    return [locate(doc, found) for found in problems]


def locate(doc: Loaded, found: Problem) -> Diagnostic:
    """The problem at the line and column of the node (or key) it points at."""
    line, column = doc.where(found.path, key=found.on_key)
    return found.at(doc.file_at(found.path), line, column)


def cap(found: list[Diagnostic], doc: Loaded) -> list[Diagnostic]:
    """The first MAX_DIAGNOSTICS problems by position, then one line for the rest (JX227)."""
    if len(found) <= MAX_DIAGNOSTICS:
        return found
    ordered = sorted(found, key=lambda d: d.sort_key)
    shown, rest = ordered[:MAX_DIAGNOSTICS], ordered[MAX_DIAGNOSTICS:]
    last = max((line for line, _ in doc.marks.values()), default=1)
    kind = "" if any(d.severity == Severity.ERROR for d in rest) else "warnings"
    summary = problem(Code.JX227, (), kind, rest=len(rest), shown=MAX_DIAGNOSTICS).at(doc.path, last, 1)
    return [*shown, summary]


def require_valid(doc: Loaded) -> list[Diagnostic]:
    """Raise `PolicyError` if `doc` has errors; otherwise return its warnings."""
    found = list(check(doc))
    if any(d.severity == Severity.ERROR for d in found):
        raise PolicyError(found)
    return found


def check_schema(doc: Loaded, hidden: Hidden | None = None) -> Iterator[Problem]:
    """Yield what the JSON Schema refuses, one problem per error (per unknown key)."""
    if fits_schema(doc.data):
        return
    hidden = hidden or Hidden()
    for error in _validator().iter_errors(doc.data):
        error = _deepest(error)
        path = tuple(error.absolute_path)
        for found in _problems(error):
            if not hidden.hides(path, found.code):
                yield found


def _deepest(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf failures, the error inside the branch the user evidently meant.

    A branch whose own type does not fit the value (a mapping where the branch wants a number)
    was not meant, so its errors are dropped before ranking the rest.
    """
    from jsonschema.exceptions import best_match

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


def _where(path) -> Phrase | str:
    """`kpis.sales.weight`, or the policy itself when the path is empty."""
    return ".".join(str(p) for p in path) or THE_POLICY


def _problems(error: ValidationError) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    where = _where(path)
    keyword = error.validator
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        for key in error.instance:
            if key in error.schema.get("properties", {}):
                continue
            yield problem(Code.JX101, (*path, key), on_key=True, hint="" if allowed else None, key=key, where=where,
                          allowed=allowed)
        return
    if keyword == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        yield problem(Code.JX102, path, where=where, missing=missing)
        return
    # jsonschema reports a bad key as the `pattern` failure inside `propertyNames`.
    if keyword == "propertyNames" or "propertyNames" in error.schema_path:
        key = error.instance
        yield problem(Code.JX105, (*path, key), on_key=True, hint="grade" if path and path[0] == "grades" else "",
                      key=key, where=where)
        return
    if keyword == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, list) else expected.split(" or ")
        found = _kind(error.instance)
        quote = expected == ["string"] and found == "number"
        yield problem(Code.JX103, path, hint="quote" if quote else None, where=where, expected=_types(expected),
                      found=VALUES[found].phrase(shown=_show(error.instance)))
        return
    yield _plain(error, path, where)


# jsonschema keywords (JX104), by the kind of message the catalogue has for them.
_KEYWORDS = {
    "minimum": "minimum", "exclusiveMinimum": "exclusive_minimum", "maximum": "maximum",
    "exclusiveMaximum": "exclusive_maximum", "minItems": "min_entries", "minProperties": "min_entries",
    "maxItems": "max_entries", "maxProperties": "max_entries", "minLength": "min_length", "maxLength": "max_length",
}


def _plain(error: ValidationError, path: tuple, where: Phrase | str) -> Problem:
    """jsonschema's complaint (JX104), without repeating the whole offending value."""
    shown = _show(error.instance)
    if error.validator in ("enum", "const"):
        allowed = error.validator_value if error.validator == "enum" else [error.validator_value]
        return problem(Code.JX104, path, "enum", where=where, shown=shown, options=[_show(v) for v in allowed])
    if error.validator == "pattern":
        return problem(Code.JX104, path, "pattern", where=where, shown=shown, pattern=error.validator_value)
    if error.validator in _KEYWORDS:
        return problem(Code.JX104, path, _KEYWORDS[error.validator], where=where, shown=shown,
                       limit=error.validator_value)
    if error.validator == "uniqueItems":
        return problem(Code.JX104, path, "unique", where=where)
    if error.validator == "not" and error.validator_value == {} and error.relative_path:
        # `key: {not: {}}`: a key that does not apply in this branch (`range` on a choice metric).
        return problem(Code.JX104, path, "not_here", where=where, key=error.relative_path[-1])
    if error.validator == "not":
        return problem(Code.JX104, path, "forbidden_key", where=where)
    return problem(Code.JX104, path, where=where, message=error.message[:200])


def _show(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: object) -> str:
    """What a value is, as `VALUES` names it."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    if value is None:
        return "null"
    return "number"


def _types(names: list[str]) -> Phrase:
    """`text or a number` (`文本或数字`): the schema's types as a message names them."""
    words = [SCHEMA_TYPES.get(name, Phrase(name, name)) for name in names]
    return Phrase(EITHER.en.join(w.en for w in words), EITHER.zh.join(w.zh for w in words))
