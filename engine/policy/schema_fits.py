"""Whether a policy document fits the JSON Schema, answered in a fraction of jsonschema's time.

jsonschema explains every way a document fails, and pays for it on the way: a validator object
per subschema, a `$ref` lookup through `referencing` at each of the schema's 150 references.
On a valid policy that walk is the largest single cost of `jixiao validate` (issue 19), and a
valid policy is what an editor saving a file usually checks. So the schema is also compiled
once, here, into plain predicates that answer one question, does it fit; only when it does is
jsonschema's walk skipped. When it does not, jsonschema runs as before and every message,
path and code still comes from it: this module never words a problem.

Each predicate follows jsonschema's keyword function of the same name (`jsonschema._keywords`)
and its 2020-12 type checker, for the values a loaded policy holds (mappings with text keys,
lists, text, whole numbers, Decimals, true/false, null). What it cannot answer exactly (a
keyword it does not compile, a `$ref` outside the document, `equal` over lists or mappings)
it refuses (`Unsure`), and the caller asks jsonschema: a document is never passed on a guess.
tests/policy/test_schema_fits.py holds the answer equal to jsonschema's `is_valid` over every
policy, check case and generated mutation the suite has.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Mapping
from typing import Any

Fits = Callable[[object], bool]

# Keywords that only annotate (or are read by another keyword: `then`/`else` by `if`, `$defs` by
# `$ref`): jsonschema has no validator for them either. `format` validates nothing without a
# format checker, and the policy validator has none (engine.policy.check._validator).
_ANNOTATIONS = frozenset({"$schema", "$defs", "$comment", "title", "description", "default", "examples",
                          "deprecated", "readOnly", "writeOnly", "then", "else", "format"})


class Unsure(Exception):
    """Raised when the answer would not be jsonschema's for certain: ask jsonschema instead."""


def _is_number(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, numbers.Number)


def _is_integer(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


TYPES: Mapping[str, Callable[[object], bool]] = {
    "array": lambda value: isinstance(value, list),
    "boolean": lambda value: isinstance(value, bool),
    "integer": _is_integer,
    "null": lambda value: value is None,
    "number": _is_number,
    "object": lambda value: isinstance(value, dict),
    "string": lambda value: isinstance(value, str),
}


def _equal(one: object, two: object) -> bool:
    """jsonschema's `equal` for scalars: true/false equal only themselves, numbers by value."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, list | tuple | dict) or isinstance(two, list | tuple | dict):
        raise Unsure  # equal over containers recurses with its own rules: not needed by this schema
    if isinstance(one, bool) or isinstance(two, bool):
        return False  # `unbool`: True is not 1, False is not 0
    return one == two


def _unique(items: list) -> bool:
    """jsonschema's `uniq` where it is plain: items that are all text."""
    if not all(isinstance(item, str) for item in items):
        raise Unsure
    return len(set(items)) == len(items)


def _bound(given: object) -> Any:
    """A keyword's number, refused unless it is one (jsonschema would fail on it mid-walk)."""
    if not _is_number(given):
        raise Unsure
    return given


class _Compiler:
    """Turns a schema (and the `$defs` its references name) into predicates, each subschema once."""

    def __init__(self, root: Mapping, *, eager: bool) -> None:
        self.root = root
        self.eager = eager
        self.refs: dict[str, Fits] = {}

    def subschema(self, schema: object) -> Fits:
        if schema is True:
            return lambda value: True
        if schema is False:
            return lambda value: False
        if not isinstance(schema, dict):
            raise Unsure
        checks = [self.keyword(key, given, schema) for key, given in schema.items() if key not in _ANNOTATIONS]
        if len(checks) == 1:
            return checks[0]

        return lambda value: all(check(value) for check in checks)

    def reference(self, ref: object) -> Fits:
        if not isinstance(ref, str) or not (ref == "#" or ref.startswith("#/")):
            raise Unsure  # another document, or an anchor
        if ref not in self.refs:
            target: object = self.root
            for part in ref[2:].split("/") if ref != "#" else ():
                if "~" in part or "%" in part or not isinstance(target, dict) or part not in target:
                    raise Unsure
                target = target[part]
            cell: list[Fits] = []

            def referred(value: object) -> bool:
                if not cell:  # compiled when first reached: a policy reaches a fraction of the schema's $defs
                    cell.append(self.subschema(target))
                return cell[0](value)

            self.refs[ref] = referred  # before compiling: a reference may lead back here
            if self.eager:
                cell.append(self.subschema(target))
        return self.refs[ref]

    def keyword(self, key: str, given: object, schema: Mapping) -> Fits:
        if key == "$id" and schema is self.root:
            return lambda value: True  # the document's own address: the references below are read within it
        name = _KEYWORDS.get(key)
        if name is None:
            raise Unsure  # a keyword jsonschema may validate (or that moves references) and this module does not know
        return getattr(self, name)(given, schema)

    # -- one method per keyword, after jsonschema._keywords -----------------------------------------

    def k_ref(self, ref: object, schema: Mapping) -> Fits:
        return self.reference(ref)

    def k_type(self, types: object, schema: Mapping) -> Fits:
        names = [types] if isinstance(types, str) else types
        if not isinstance(names, list) or not all(isinstance(name, str) and name in TYPES for name in names):
            raise Unsure
        tests = [TYPES[name] for name in names]
        if len(tests) == 1:
            return tests[0]
        return lambda value: any(test(value) for test in tests)

    def k_properties(self, properties: object, schema: Mapping) -> Fits:
        if not isinstance(properties, dict):
            raise Unsure
        each = [(name, self.subschema(sub)) for name, sub in properties.items()]

        return lambda value: not isinstance(value, dict) or all(
            check(value[name]) for name, check in each if name in value)

    def k_additionalProperties(self, extra: object, schema: Mapping) -> Fits:
        if "patternProperties" in schema:
            raise Unsure
        declared = schema.get("properties", {})
        if isinstance(extra, dict):
            check = self.subschema(extra)
            return lambda value: not isinstance(value, dict) or all(
                check(item) for key, item in value.items() if key not in declared)
        if extra:
            return lambda value: True
        return lambda value: not isinstance(value, dict) or all(key in declared for key in value)

    def k_propertyNames(self, names: object, schema: Mapping) -> Fits:
        check = self.subschema(names)
        return lambda value: not isinstance(value, dict) or all(check(key) for key in value)

    def k_required(self, required: object, schema: Mapping) -> Fits:
        if not isinstance(required, list):
            raise Unsure
        return lambda value: not isinstance(value, dict) or all(name in value for name in required)

    def k_minProperties(self, least: object, schema: Mapping) -> Fits:
        least = _bound(least)
        return lambda value: not isinstance(value, dict) or not len(value) < least

    def k_maxProperties(self, most: object, schema: Mapping) -> Fits:
        most = _bound(most)
        return lambda value: not isinstance(value, dict) or not len(value) > most

    def k_items(self, items: object, schema: Mapping) -> Fits:
        if "prefixItems" in schema:
            raise Unsure
        if items is False:
            return lambda value: not isinstance(value, list) or not value
        check = self.subschema(items)
        return lambda value: not isinstance(value, list) or all(check(item) for item in value)

    def k_minItems(self, least: object, schema: Mapping) -> Fits:
        least = _bound(least)
        return lambda value: not isinstance(value, list) or not len(value) < least

    def k_maxItems(self, most: object, schema: Mapping) -> Fits:
        most = _bound(most)
        return lambda value: not isinstance(value, list) or not len(value) > most

    def k_uniqueItems(self, unique: object, schema: Mapping) -> Fits:
        if not unique:
            return lambda value: True
        return lambda value: not isinstance(value, list) or _unique(value)

    def k_minLength(self, least: object, schema: Mapping) -> Fits:
        least = _bound(least)
        return lambda value: not isinstance(value, str) or not len(value) < least

    def k_maxLength(self, most: object, schema: Mapping) -> Fits:
        most = _bound(most)
        return lambda value: not isinstance(value, str) or not len(value) > most

    def k_pattern(self, pattern: object, schema: Mapping) -> Fits:
        if not isinstance(pattern, str):
            raise Unsure
        # As jsonschema searches: through `re`'s cache, so a pattern is compiled once, when first needed.
        return lambda value: not isinstance(value, str) or re.search(pattern, value) is not None

    def k_minimum(self, bound: object, schema: Mapping) -> Fits:
        bound = _bound(bound)
        return lambda value: not _is_number(value) or not value < bound

    def k_maximum(self, bound: object, schema: Mapping) -> Fits:
        bound = _bound(bound)
        return lambda value: not _is_number(value) or not value > bound

    def k_exclusiveMinimum(self, bound: object, schema: Mapping) -> Fits:
        bound = _bound(bound)
        return lambda value: not _is_number(value) or not value <= bound

    def k_exclusiveMaximum(self, bound: object, schema: Mapping) -> Fits:
        bound = _bound(bound)
        return lambda value: not _is_number(value) or not value >= bound

    def k_const(self, const: object, schema: Mapping) -> Fits:
        return lambda value: _equal(value, const)

    def k_enum(self, values: object, schema: Mapping) -> Fits:
        if not isinstance(values, list):
            raise Unsure
        if all(isinstance(each, str) for each in values):
            texts = frozenset(values)  # text equals only the same text: a set answers at once
            return lambda value: value in texts if isinstance(value, str) else any(_equal(value, e) for e in values)
        return lambda value: any(_equal(value, each) for each in values)

    def k_allOf(self, schemas: object, schema: Mapping) -> Fits:
        checks = self.each(schemas)
        return lambda value: all(check(value) for check in checks)

    def k_anyOf(self, schemas: object, schema: Mapping) -> Fits:
        checks = self.each(schemas)
        return lambda value: any(check(value) for check in checks)

    def k_oneOf(self, schemas: object, schema: Mapping) -> Fits:
        checks = self.each(schemas)
        return lambda value: sum(1 for check in checks if check(value)) == 1

    def k_not(self, negated: object, schema: Mapping) -> Fits:
        check = self.subschema(negated)
        return lambda value: not check(value)

    def k_if(self, condition: object, schema: Mapping) -> Fits:
        test = self.subschema(condition)
        then = self.subschema(schema.get("then", True))
        otherwise = self.subschema(schema.get("else", True))
        return lambda value: then(value) if test(value) else otherwise(value)

    def each(self, schemas: object) -> list[Fits]:
        if not isinstance(schemas, list):
            raise Unsure
        return [self.subschema(sub) for sub in schemas]


# Each keyword jsonschema's 2020-12 validator checks that this module compiles, and its method.
_KEYWORDS = {key: "k_" + key.lstrip("$") for key in (
    "$ref", "type", "properties", "additionalProperties", "propertyNames", "required", "minProperties",
    "maxProperties", "items", "minItems", "maxItems", "uniqueItems", "minLength", "maxLength", "pattern", "minimum",
    "maximum", "exclusiveMinimum", "exclusiveMaximum", "const", "enum", "allOf", "anyOf", "oneOf", "not", "if")}


def compile_schema(schema: Mapping, *, eager: bool = False) -> Fits:
    """The schema as one predicate: `fits(document)` is jsonschema's `is_valid(document)`, or raises
    `Unsure` when the schema uses what this module does not compile, or when a document's answer would
    need `equal` over lists or mappings. What a `$ref` names is compiled when a document first reaches
    it (its `Unsure` then comes from `fits`), or here and now when `eager`."""
    return _Compiler(schema, eager=eager).subschema(schema)
