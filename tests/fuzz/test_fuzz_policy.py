"""Fuzz target 1: the policy loader and checker on mutated policies.

Policies are untrusted (docs/rules.md: "a policy is one shop's YAML file", and shops swap them),
so whatever bytes arrive, `load_text` and `check` must either accept them or raise `PolicyError`
with located diagnostics, within the time bound, and never crash with another exception. A policy
that checks clean must also compile. Inputs start from the shipped policies and are mutated two
ways: as bytes (flips, cuts, repeats, YAML and expression tokens spliced in) and as a parsed tree
(keys dropped, cloned or renamed; values swapped, replaced by odd numbers, text, deep nesting or
long lists) that is written back as YAML.
"""

from __future__ import annotations

import copy
from decimal import Decimal

import yaml
from fuzz_support import LONG, POLICIES, bounded, fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import PolicyError
from engine.policy.check import check
from engine.policy.compile import compile_policy
from engine.policy.load import load_text

SEEDS = tuple(path.read_bytes() for path in POLICIES)
TREES = tuple(load_text(raw, "seed.yaml").data for raw in SEEDS)

# Splices that reach the loader's refusals and the checker's corners.
TOKENS = (
    b"&a ", b"*a", b"!!python/object/apply:os.system ['id'] ", b"<<: *a\n", b"{", b"}", b"[", b"]", b": ",
    b"- ", b"\t", b"\x00", b"\xff\xfe", b"\xe4\xb8\xad", b"1e999", b".nan", b"-.inf", b"0x1F", b"010", b"no",
    b"~", b"null", b"'", b'"', b"#", b"\n", b"  ", b"---\n", b"...\n", b"%YAML 1.1\n", b"? ", b"|\n", b">\n",
    b"9" * 45, b"1e-31", b"score", b"total", b"min(", b")", b"**", b"-0", b"[" * 40, b"\r", b"\xe2\x80\xa8",
    b"\xef\xbb\xbf", b"\x1b[31m", b"sales / 0", b"0.001",
)

NUMBERS = st.one_of(
    st.sampled_from([0, 1, -1, 100, 10**27, -(10**27), 2**63, Decimal("0.001"), Decimal("1E-30"), Decimal("-0"),
                     Decimal("0.0000001"), Decimal("123456789012345678901234567.5"), Decimal("1E+29")]),
    st.integers(-10**6, 10**6),
    st.decimals(min_value=-10**6, max_value=10**6, places=4, allow_nan=False, allow_infinity=False),
)
TEXTS = st.one_of(
    st.sampled_from([
        "", "score", "total", "rating", "min", "value", "min(sales)", "min()", "max(score, 1, 2)", "1/0",
        "sales / 0", "role * 99999999", "'x' * 9", "score < 60", "sales ** sales", "10 ** 10 ** 10",
        "__import__('os')", "a.b", "x[0]", "lambda: 1", "\x07bell", "名字", "a" * 300, "x" * 1200, "S0.3",
        "probation", "A1", "half_up", "marginal", "retroactive", "2026-10-01", "99999-99-99",
    ]),
    st.text(max_size=40),
)
# Lists of this many distinct items reach the checker's per-item work and the loader's bound of
# 1,000 entries (JX013).
MAX_FLOOD = 20_000 if LONG else 1_500

KEYS = st.one_of(
    st.sampled_from(["score", "total", "rating", "min", "value", "role", "grade", "a", "Bad-Id", "x" * 60, "名",
                     "sales", "conversion", "base", "performance", "pass", "A9", "_"]),
    st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True),
)


@st.composite
def byte_mutants(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["flip", "insert", "token", "delete", "repeat", "line"]))
        if op == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "line":  # a whole line twice: duplicate keys, repeated list items
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at)
            line = bytes(data[start : len(data) if end < 0 else end + 1])
            data[start:start] = line * draw(st.integers(1, 3))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 200))]
        elif op == "repeat":
            piece = bytes(data[at : at + draw(st.integers(1, 80))])
            data[at:at] = piece * draw(st.integers(1, 30))
    return bytes(data)


def _names(tree: object) -> list[str]:
    """Names an expression in this policy could read (and some it could not)."""
    found = ["score", "rating", "role", "grade", "nope"]
    if isinstance(tree, dict):
        for section in ("metrics", "aggregates", "derived", "pay"):
            if isinstance(tree.get(section), dict):
                found += [str(k) for k in tree[section]]
        if isinstance(tree.get("kpis"), dict):
            found += [f"{k}_points" for k in tree["kpis"]]
    return found


def expressions(names: list[str]) -> st.SearchStrategy[str]:
    leaves = st.one_of(st.sampled_from(names), st.sampled_from(["0", "1", "0.5", "100", "1e27", "0.001", "True"]))
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds("({} {} {})".format, inner, st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "<", "=="]),
                      inner),
            st.builds("({} if {} else {})".format, inner, inner, inner),
            st.builds("{}({})".format, st.sampled_from(["min", "max", "abs"]),
                      st.lists(inner, min_size=1, max_size=3).map(", ".join)),
            st.builds("({} == {!r})".format, st.sampled_from(["role", "grade", "rating"]),
                      st.sampled_from(["probation", "A1", "pass", "zz"])),
        ),
        max_leaves=6,
    )


def _paths(node: object, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


def _get(tree: object, path: tuple) -> object:
    for part in path:
        tree = tree[part]  # type: ignore[index]
    return tree


def _set(tree: object, path: tuple, value: object) -> None:
    _get(tree, path[:-1])[path[-1]] = value  # type: ignore[index]


def _nested(depth: int, kind: str) -> object:
    value: object = 1
    for _ in range(depth):
        value = [value] if kind == "list" else {"a": value}
    return value


@st.composite
def tree_mutants(draw) -> object:
    tree = copy.deepcopy(draw(st.sampled_from(TREES)))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(tree) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _get(tree, path[:-1])
        op = draw(st.sampled_from(["drop", "clone", "rename", "swap", "number", "text", "nest", "type", "widen",
                                   "tweak", "reorder", "expr", "flood"]))
        if op == "tweak":  # a number stays a number: the policy often stays valid, reaching compile
            numbers = [p for p in paths if type(_get(tree, p)) in (int, Decimal)]
            if numbers:
                _set(tree, draw(st.sampled_from(numbers)), draw(NUMBERS))
        elif op == "reorder" and isinstance(parent, dict):  # pay components run in written order
            items = list(parent.items())
            items.insert(draw(st.integers(0, len(items) - 1)), items.pop(list(parent).index(path[-1])))
            parent.clear()
            parent.update(items)
        elif op == "expr":
            formulas = [p for p in paths if p[-1] in ("formula", "when", "base", "on", "floor")]
            if formulas:
                _set(tree, draw(st.sampled_from(formulas)), draw(expressions(_names(tree))))
        elif op == "flood":
            count = draw(st.integers(100, MAX_FLOOD))
            shape = draw(st.sampled_from(["text", "mapping"]))
            _set(tree, path, [f"f{i}" if shape == "text" else {"a": i} for i in range(count)])
        elif op == "drop":
            del parent[path[-1]]
        elif op == "clone" and isinstance(parent, dict):
            parent[draw(KEYS)] = copy.deepcopy(parent[path[-1]])
        elif op == "clone":
            parent.insert(path[-1], copy.deepcopy(parent[path[-1]]))
        elif op == "rename" and isinstance(parent, dict):
            new = draw(KEYS)
            items = [(new if k == path[-1] else k, v) for k, v in parent.items()]
            parent.clear()
            parent.update(items)
        elif op == "swap":
            other = draw(st.sampled_from(paths))
            if other[: len(path)] != path and path[: len(other)] != other:
                first, second = _get(tree, path), _get(tree, other)
                _set(tree, path, second)
                _set(tree, other, first)
        elif op == "number":
            _set(tree, path, draw(NUMBERS))
        elif op == "text":
            _set(tree, path, draw(TEXTS))
        elif op == "nest":
            _set(tree, path, _nested(draw(st.integers(5, 40)), draw(st.sampled_from(["list", "dict"]))))
        elif op == "type":
            _set(tree, path, draw(st.sampled_from([True, False, None, [], {}])))
        elif op == "widen":
            item = _get(tree, path)
            _set(tree, path, [copy.deepcopy(item) for _ in range(draw(st.integers(2, 400)))])
    return tree


@st.composite
def large_policies(draw) -> object:
    """The S0 policy with one section grown to many entries: checks must stay fast at scale."""
    tree = copy.deepcopy(TREES[0])
    shape = draw(st.sampled_from(["metrics", "cycle", "unknown", "kpis", "pay", "aliases", "ratings", "bands",
                                  "tiers"]))
    count = draw(st.integers(10, MAX_FLOOD))
    metric = {"label": "x", "type": "number"}
    if shape in ("metrics", "unknown"):
        tree["metrics"].update({f"m{i}": {"label": f"指标{i}", "type": "number"} for i in range(count)})
    if shape == "cycle":
        tree["derived"].update({f"d{i}": {"label": "d", "formula": f"d{(i + 1) % count} + 1"} for i in range(count)})
    elif shape == "unknown":
        tree["derived"].update({f"u{i}": {"label": "u", "formula": f"m{i}x + salez"} for i in range(count)})
    elif shape == "kpis":
        tree["kpis"] = {f"k{i}": {"label": "k", "weight": 1, "formula": "1"} for i in range(count)}
        tree["score"]["total"] = count
    elif shape == "pay":
        tree["pay"].update({f"p{i}": {"label": "p", "kind": "fixed", "amount": i} for i in range(count)})
        tree["score"]["gates"]["no_performance_pay"]["cancels"] = [f"p{i}" for i in range(count)]
    elif shape == "aliases":
        tree["metrics"]["m"] = dict(metric, aliases=[f"a{i}" if i % 2 else {"a": i} for i in range(count)])
    elif shape == "ratings":
        tree["score"]["ratings"] = {f"r{i}": {"label": "r", "min": count - i} for i in range(count)}
        tree["score"]["ratings"]["last"] = {"label": "last"}
    elif shape == "bands":
        bands = [{"from": i, "to": i + 1, "points": 1} for i in range(count)]
        tree["kpis"]["order_value"]["bands"] = bands
    elif shape == "tiers":
        tiers = [{"from": i, "to": i + 1, "rate": Decimal("0.001")} for i in range(count)]
        tree["pay"]["performance"]["rate"]["tiers"] = tiers
    return tree


class _Dumper(yaml.SafeDumper):
    """Writes Decimals as plain YAML numbers, so a mutated tree reads back as the same numbers."""

    def ignore_aliases(self, data: object) -> bool:
        return True  # a shared [] must not come out as an alias the loader refuses


def _number(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    # The tag the plain text resolves to, so the emitter needs no explicit tag (which the loader refuses).
    tag = "tag:yaml.org,2002:int" if text.lstrip("-").isdigit() else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _number)


def dump(tree: object) -> bytes:
    return yaml.dump(tree, Dumper=_Dumper, sort_keys=False, allow_unicode=True).encode()


def load_check_compile(raw: bytes) -> None:
    """The property: accepted and compiled, or PolicyError; diagnostics render in both languages."""
    with bounded("load+check+compile"):
        try:
            doc = load_text(raw, "fuzz.yaml")
            found = list(check(doc))
        except PolicyError as error:
            assert error.diagnostics, "PolicyError without a diagnostic"
            error.lines("zh")
            return
        for diagnostic in found:
            diagnostic.render("zh")
            diagnostic.render("en")
        if not any(d.severity == "error" for d in found):
            compile_policy(doc)


@fuzz_settings(300)
@given(byte_mutants())
def test_byte_mutated_policies_load_or_refuse(raw):
    load_check_compile(raw)


@fuzz_settings(100)
@given(tree_mutants())
def test_tree_mutated_policies_load_or_refuse(tree):
    load_check_compile(dump(tree))


@fuzz_settings(10)
@given(large_policies())
def test_large_policies_load_or_refuse_quickly(tree):
    load_check_compile(dump(tree))
