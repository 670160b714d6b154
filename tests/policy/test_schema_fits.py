"""The schema's fast yes/no (engine.policy.schema_fits) answers exactly as jsonschema's `is_valid`.

`jixiao validate` skips jsonschema's walk when the compiled predicate says a policy fits, so a
predicate that said yes where jsonschema says no would let a bad policy through without a word.
Held equal here over every shipped policy and example, every check case (each one mistake in the
S0 base), and random edits of the shipped policies (values of every type put anywhere, keys
removed, unknown keys added); where the predicate refuses to answer (`Unsure`) jsonschema runs.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from engine.errors import PolicyError
from engine.policy.check import _schema, check_schema, fits_schema
from engine.policy.load import load_policy, load_text
from engine.policy.schema_fits import Unsure, compile_schema
from tests.policy.check_base import mutate
from tests.policy.test_check import CASES

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = _schema()
VALIDATOR = Draft202012Validator(SCHEMA)
FITS = compile_schema(SCHEMA)
POLICIES = sorted({*ROOT.glob("policies/*.yaml"), *ROOT.glob("examples/**/*.yaml"),
                   *ROOT.glob("tests/golden/**/*.yaml")})


def _answer(data: object) -> bool | None:
    try:
        return FITS(data)
    except Unsure:
        return None


def _same(data: object) -> None:
    answer = _answer(data)
    assert answer is None or answer == VALIDATOR.is_valid(data)


def test_the_shipped_schema_compiles_whole():
    """Every keyword the schema uses has a predicate: else validate would always take the slow walk."""
    assert callable(compile_schema(SCHEMA, eager=True))


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_policy_on_disk_gets_jsonschemas_answer(path):
    try:
        data = load_policy(path).data
    except PolicyError:
        pytest.skip("does not load")  # a deliberately broken file: nothing reaches the schema
    _same(data)
    if path.parent.name == "policies":
        assert _answer(data) is True  # the shipped policies fit, and the fast path knows it


@pytest.mark.parametrize(("edits", "code", "where", "message", "hint"), CASES)
def test_every_check_case_gets_jsonschemas_answer(edits, code, where, message, hint):
    try:
        data = load_text(mutate(*edits).encode(), "policy.yaml").data
    except PolicyError:
        return  # a loading mistake (JX0xx): nothing reaches the schema
    _same(data)
    if code.startswith("JX1"):
        assert _answer(data) is not True  # a schema mistake is never waved through


def test_a_schema_problem_is_still_worded_by_jsonschema():
    """Not fitting, the document is walked as before: the same problems, in the same order."""
    data = load_policy(ROOT / "policies/s0_shop.yaml").data
    data["policy"]["colour"] = "red"
    data["kpis"] = []
    assert not fits_schema(data)
    found = [(p.code, p.path) for p in check_schema(_Doc(data))]
    assert found == [(p.code, p.path) for p in _walked(data)]
    assert ("JX101", ("policy", "colour")) in [(c.value, path) for c, path in found]


class _Doc:
    def __init__(self, data):
        self.data = data


def _walked(data):
    from engine.policy.check import _deepest, _problems

    for error in VALIDATOR.iter_errors(data):
        yield from _problems(_deepest(error))


# -- the keywords' edges, where Python's equality is not JSON Schema's -------------------------

NESTED = {"$defs": {"n": {"type": ["integer", "array"], "items": {"$ref": "#/$defs/n"}}}, "$ref": "#/$defs/n"}


@pytest.mark.parametrize(("schema", "value"), [
    ({"enum": ["a", "b"]}, "a"), ({"enum": ["a", "b"]}, "c"), ({"enum": ["1"]}, 1),
    ({"const": 1}, True), ({"const": 1}, Decimal("1.0")), ({"const": 0}, False), ({"const": True}, True),
    ({"enum": [1, "x"]}, True), ({"enum": [None]}, None), ({"const": 2}, Decimal(2)),
    ({"type": "integer"}, True), ({"type": "integer"}, Decimal(3)), ({"type": "integer"}, 3),
    ({"type": "integer"}, 3.0), ({"type": "number"}, True), ({"type": "number"}, Decimal("0.1")),
    ({"type": ["string", "null"]}, None), ({"type": "object"}, []), ({"type": "array"}, {}),
    ({"minimum": 0}, Decimal("-0.01")), ({"exclusiveMinimum": 0}, 0), ({"maximum": 1}, "text"),
    ({"exclusiveMaximum": 1}, Decimal("0.99")), ({"minLength": 2}, "元"), ({"maxLength": 1}, 5),
    ({"pattern": "^[a-z]+$"}, "abc"), ({"pattern": "[0-9]"}, "a1b"), ({"pattern": "^a$"}, "b"),
    ({"uniqueItems": True}, ["a", "b", "a"]), ({"uniqueItems": True}, ["a", "b"]), ({"uniqueItems": False}, [1, 1]),
    ({"items": False}, []), ({"items": False}, [1]), ({"items": {"type": "string"}}, ["a", 1]),
    ({"minItems": 1}, []), ({"maxItems": 1}, [1, 2]), ({"minProperties": 1}, {}), ({"maxProperties": 0}, {"a": 1}),
    ({"required": ["a"]}, {"b": 1}), ({"required": ["a"]}, "not an object"),
    ({"properties": {"a": {"type": "string"}}, "additionalProperties": False}, {"a": "x", "b": 1}),
    ({"properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "integer"}}, {"a": "x", "b": 1}),
    ({"properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "integer"}}, {"b": True}),
    ({"propertyNames": {"pattern": "^[a-z]+$"}}, {"ab": 1, "A": 2}),
    ({"oneOf": [{"type": "integer"}, {"type": "number"}]}, 1),
    ({"oneOf": [{"type": "integer"}, {"type": "string"}]}, 1),
    ({"anyOf": [{"type": "integer"}, {"type": "string"}]}, None), ({"allOf": [{"minimum": 1}, {"maximum": 3}]}, 4),
    ({"not": {}}, 1), ({"not": {"type": "string"}}, 1),
    ({"if": {"type": "string"}, "then": {"minLength": 2}, "else": {"minimum": 5}}, "a"),
    ({"if": {"type": "string"}, "then": {"minLength": 2}, "else": {"minimum": 5}}, 4),
    ({"if": {"type": "string"}, "then": {"minLength": 2}}, 4), ({"then": {"minLength": 2}}, "a"),
    (NESTED, [1, [2, ["x"]]]), (NESTED, [1, [2, [3]]]),
    ({"description": "annotations only", "default": 1, "format": "email"}, "not an email"),
])
def test_each_keyword_answers_as_jsonschema(schema, value):
    assert compile_schema(schema)(value) == Draft202012Validator(schema).is_valid(value)


@pytest.mark.parametrize("schema", [
    {"patternProperties": {"^x": {}}}, {"prefixItems": [{}]}, {"contains": {}}, {"unevaluatedProperties": False},
    {"$ref": "other.json#/a"}, {"$ref": "#anchor"}, {"$ref": "#/$defs/missing"}, {"properties": {"a": {"$id": "x"}}},
    {"dependentRequired": {}}, {"multipleOf": 2}, {"type": "decimal"}, {"minimum": "0"}, {"x-vendor": 1},
])
def test_what_it_does_not_compile_it_refuses(schema):
    """Unsure, never a guess: the caller then asks jsonschema."""
    with pytest.raises(Unsure):
        compile_schema(schema, eager=True)
    with pytest.raises(Unsure):  # compiled when first reached: refused then
        compile_schema({"$defs": {"d": schema}, "$ref": "#/$defs/d"})({})


def test_equality_over_lists_or_mappings_is_left_to_jsonschema():
    with pytest.raises(Unsure):
        compile_schema({"const": 1})([1])
    with pytest.raises(Unsure):
        compile_schema({"uniqueItems": True})([[1], [1]])
    assert not fits_schema({"jixiao": [1]})  # refused inside: treated as not fitting, so jsonschema walks it


# -- random edits of the shipped policies ---------------------------------------------------------

def _words(schema: object, found: set[str]) -> set[str]:
    """Every key and text value the schema names: edits that hit enums, patterns and known keys."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            found.add(key)
            _words(value, found)
    elif isinstance(schema, list):
        for item in schema:
            _words(item, found)
    elif isinstance(schema, str) and len(schema) < 40:
        found.add(schema)
    return found


WORDS = sorted(_words(SCHEMA["properties"], set()) | _words(SCHEMA["$defs"], set()))
SHIPPED = [load_policy(path).data for path in sorted(ROOT.glob("policies/*.yaml"))]
TEXTS = st.one_of(st.sampled_from(WORDS), st.text(max_size=6), st.sampled_from(["", "a" * 200, "S0.1", "x_1", "A"]))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 200), TEXTS,
                    st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(TEXTS, inner, max_size=3)), max_leaves=6)


def _nodes(data: object, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _nodes(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _nodes(value, (*path, index))
    return found


@st.composite
def edited(draw) -> object:
    data = copy.deepcopy(draw(st.sampled_from(SHIPPED)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_nodes(data)))
        if not path:
            continue
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(VALUES)
        elif action == "remove":
            del parent[path[-1]]
        elif isinstance(parent[path[-1]], dict):
            parent[path[-1]][draw(TEXTS)] = draw(VALUES)
    return data


@settings(max_examples=400, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited())
def test_random_edits_of_the_shipped_policies_get_jsonschemas_answer(data):
    _same(data)
