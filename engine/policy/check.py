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

from engine.errors import Diagnostic, PolicyError
from engine.policy.check_indent import Hidden, find_misplaced
from engine.policy.check_meaning import check_meaning
from engine.policy.load import Loaded

SCHEMA_NAME = "policy.schema.json"


def schema_path() -> Path:
    """The schema shipped beside the package (checkout or editable install) or in share/."""
    import sys

    for base in (Path(__file__).resolve().parents[2], Path(sys.prefix) / "share" / "jixiao"):
        candidate = base / "schemas" / SCHEMA_NAME
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{SCHEMA_NAME} not found beside the jixiao package")


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_path().read_text(encoding="utf-8")))


MAX_DIAGNOSTICS = 200


def check(doc: Loaded) -> Iterator[Diagnostic]:
    """Yield every schema and meaning problem of `doc`, warnings included, at most 200 of them.

    Past the limit one closing diagnostic says how many more there are: a generated policy with
    ten thousand mistakes must still answer in a moment and in a screenful.
    """
    misplaced = find_misplaced(doc, _validator().schema)
    hidden = Hidden.of(misplaced)
    found = [
        *(item.diagnostic for item in misplaced),
        *check_schema(doc, hidden),
        *check_meaning(doc, hidden),
    ]
    yield from cap(found, doc)


def cap(found: list[Diagnostic], doc: Loaded) -> list[Diagnostic]:
    """The first MAX_DIAGNOSTICS problems by position, then one line for the rest (JX227)."""
    if len(found) <= MAX_DIAGNOSTICS:
        return found
    ordered = sorted(found, key=lambda d: d.sort_key)
    shown, rest = ordered[:MAX_DIAGNOSTICS], ordered[MAX_DIAGNOSTICS:]
    last = max((line for line, _ in doc.marks.values()), default=1)
    severity = "error" if any(d.severity == "error" for d in rest) else "warning"
    summary = Diagnostic(
        doc.path, last, 1, "JX227", f"… and {len(rest):,} more problems (only the first {MAX_DIAGNOSTICS} are shown)",
        severity, zh=f"……另有 {len(rest)} 个问题（只显示前 {MAX_DIAGNOSTICS} 个）",
    )
    return [*shown, summary]


def require_valid(doc: Loaded) -> list[Diagnostic]:
    """Raise `PolicyError` if `doc` has errors; otherwise return its warnings."""
    found = list(check(doc))
    if any(d.severity == "error" for d in found):
        raise PolicyError(found)
    return found


def check_schema(doc: Loaded, hidden: Hidden | None = None) -> Iterator[Diagnostic]:
    hidden = hidden or Hidden()
    for error in _validator().iter_errors(doc.data):
        error = _deepest(error)
        path = tuple(error.absolute_path)
        for diagnostic in _render(doc, error):
            if not hidden.hides(path, diagnostic.code):
                yield diagnostic


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


def _dotted_zh(path) -> str:
    return ".".join(str(p) for p in path) or "方案文件"


def _render(doc: Loaded, error: ValidationError) -> Iterator[Diagnostic]:
    path = tuple(error.absolute_path)
    where, zh_where = _dotted(path), _dotted_zh(path)
    line, column = doc.where(path)
    keyword = error.validator
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        for key in error.instance:
            if key in error.schema.get("properties", {}):
                continue
            key_line, key_column = doc.where((*path, key), key=True)
            hint = "allowed: " + ", ".join(allowed) if allowed else ""
            zh_hint = "允许的键：" + "、".join(allowed) if allowed else ""
            yield Diagnostic(doc.path, key_line, key_column, "JX101", f"unknown key '{key}' in {where}",
                             hint=hint, zh=f"{zh_where} 中有未知的键 '{key}'", zh_hint=zh_hint)
        return
    if keyword == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        yield Diagnostic(doc.path, line, column, "JX102", f"{where} is missing required key '{missing}'",
                         zh=f"{zh_where} 缺少必需的键 '{missing}'")
        return
    # jsonschema reports a bad key as the `pattern` failure inside `propertyNames`.
    if keyword == "propertyNames" or "propertyNames" in error.schema_path:
        key = error.instance
        key_line, key_column = doc.where((*path, key), key=True)
        hint = "use lower-case letters, digits and _, starting with a letter"
        zh_hint = "请用小写英文字母、数字和 _，并以字母开头"
        if path and path[0] == "grades":
            hint, zh_hint = "use letters, digits, - and _ (e.g. A0)", "请用英文字母、数字、- 和 _（如 A0）"
        yield Diagnostic(doc.path, key_line, key_column, "JX105", f"'{key}' in {where} is not a valid id",
                         hint=hint, zh=f"{zh_where} 中的 '{key}' 不是有效的标识", zh_hint=zh_hint)
        return
    if keyword == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        found, zh_found = _kind(error.instance)
        quote = expected == "string" and found == "a number"
        yield Diagnostic(
            doc.path, line, column, "JX103", f"{where} must be {_article(expected)}, got {found}",
            hint="quote it to make it text" if quote else "",
            zh=f"{zh_where} 类型错误：应为{_article_zh(expected)}，实际是{zh_found}",
            zh_hint="加上引号使其成为文本" if quote else "",
        )
        return
    message, zh = _plain(error)
    yield Diagnostic(doc.path, line, column, "JX104", f"{where}: {message}", zh=f"{zh_where}：{zh}")


def _plain(error: ValidationError) -> tuple[str, str]:
    """jsonschema's message (and its Chinese) without repeating the whole offending value."""
    shown = _show(error.instance)
    if error.validator in ("enum", "const"):
        allowed = error.validator_value if error.validator == "enum" else [error.validator_value]
        options = [_show(v) for v in allowed]
        return f"{shown} is not one of " + ", ".join(options), f"{shown} 不是可选值之一（" + "、".join(options) + "）"
    if error.validator == "pattern":
        return (f"{shown} does not match the pattern {error.validator_value}",
                f"{shown} 不符合格式 {error.validator_value}")
    if error.validator in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        relation, zh = {
            "minimum": ("at least", "不小于"),
            "exclusiveMinimum": ("more than", "大于"),
            "maximum": ("at most", "不大于"),
            "exclusiveMaximum": ("less than", "小于"),
        }[error.validator]
        return f"{shown} must be {relation} {error.validator_value}", f"{shown} 必须{zh} {error.validator_value}"
    if error.validator in ("minItems", "minProperties"):
        return f"needs at least {error.validator_value} entries", f"至少需要 {error.validator_value} 项"
    if error.validator in ("maxItems", "maxProperties"):
        return f"has more than {error.validator_value} entries", f"超过 {error.validator_value} 项"
    if error.validator in ("minLength", "maxLength"):
        relation, zh = ("at least", "至少") if error.validator == "minLength" else ("at most", "最多")
        return (f"{shown} must be {relation} {error.validator_value} characters long",
                f"{shown} 长度必须{zh} {error.validator_value} 个字符")
    if error.validator == "uniqueItems":
        return "entries must not repeat", "各项不能重复"
    if error.validator == "not" and error.validator_value == {} and error.relative_path:
        # `key: {not: {}}`: a key that does not apply in this branch (`range` on a choice metric).
        key = error.relative_path[-1]
        return f"'{key}' does not apply here", f"此处不适用 '{key}'"
    if error.validator == "not":
        return "has a key that is not allowed here", "含有此处不允许的键"
    return error.message[:200], f"不符合要求：{error.message[:200]}"


def _show(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: object) -> tuple[str, str]:
    if isinstance(value, bool):
        return "true/false", "真/假值"
    if isinstance(value, str):
        return f"text {_show(value)}", f"文本 {_show(value)}"
    if isinstance(value, dict):
        return "a mapping", "映射"
    if isinstance(value, list):
        return "a list", "列表"
    if value is None:
        return "nothing (null)", "空值（null）"
    return "a number", "数字"


_WORDS = {"string": ("text", "文本"), "number": ("a number", "数字"), "object": ("a mapping", "映射"),
          "array": ("a list", "列表"), "integer": ("a whole number", "整数"), "boolean": ("true or false", "真/假值")}


def _article(expected: str) -> str:
    return " or ".join(_WORDS.get(part, (part, part))[0] for part in expected.split(" or "))


def _article_zh(expected: str) -> str:
    return "或".join(_WORDS.get(part, (part, part))[1] for part in expected.split(" or "))
