"""The untrusted-policy loader: YAML 1.2 scalars, every JX0xx code at its line:column, bombs.

Policies arrive from other shops (docs/rules.md: "a policy is one shop's YAML file"), so the loader
must refuse what PyYAML would happily expand or construct, and must do it fast and *located*:
every refusal below is asserted with its code, line and column as `jixiao validate` prints them.
Money is Decimal (S0.6 base pay, S0.3 rates like 0.001), so numbers load as int/Decimal, never
float.
"""

from __future__ import annotations

import hashlib
import os
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from engine.errors import PolicyError
from engine.policy import load as load_module
from engine.policy.load import MAX_BYTES, MAX_DEPTH, MAX_DIAGNOSTICS, MAX_ENTRIES, MAX_NODES, load_policy, load_text
from tests.cpu_time import cpu_bounded

NAME = "policy.yaml"
S0_POLICY = Path(__file__).resolve().parents[2] / "policies" / "s0_shop.yaml"
ATTENDANCE = "formula: 10 - 5 * absences - late_arrivals"  # S0.1 KPI 8, in the S0 policy


def load(text: str | bytes):
    return load_text(text.encode() if isinstance(text, str) else text, NAME)


def refused(text: str | bytes) -> list[tuple[str, int, int]]:
    """(code, line, column) of every diagnostic; fails if the text loads."""
    with pytest.raises(PolicyError) as caught:
        load(text)
    assert all(d.zh for d in caught.value.diagnostics)  # users read Chinese first
    return [(d.code, d.line, d.column) for d in caught.value.diagnostics]


def rendered(text: str | bytes) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        load(text)
    assert all(d.zh for d in caught.value.diagnostics)
    return caught.value.lines()


def bounded_refusal(text: str) -> list[tuple[str, int, int]]:
    """(code, line, column) of each diagnostic refusing `text`, found within the CPU-time bound."""
    with cpu_bounded(), pytest.raises(PolicyError) as caught:
        load(text)
    return [(d.code, d.line, d.column) for d in caught.value.diagnostics]


# -- YAML 1.2 scalar resolution ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        # YAML 1.1 booleans are plain text in 1.2: a role alias `no` must not become False.
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("Yes", "Yes"),
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("False", False),
        ("FALSE", False),
        # Integers: decimal only; a leading zero is not octal in 1.2.
        ("010", 10),
        ("7", 7),
        ("-5", -5),
        ("+3", 3),
        ("0", 0),
        ("9" * 40, int("9" * 40)),
        # Sexagesimal (1.1) is gone: a time of day stays text.
        ("12:30", "12:30"),
        ("1:30:00", "1:30:00"),
        # Dates are not a core type: effective_from stays the text the schema checks.
        ("2026-11-01", "2026-11-01"),
        ("2026-11-01T10:00:00", "2026-11-01T10:00:00"),
        # Hex/octal/underscored numbers stay text (expressions refuse hex too).
        ("0x1F", "0x1F"),
        ("0o17", "0o17"),
        ("1_000", "1_000"),
        # Nulls: the five core spellings; other casings are text.
        ("~", None),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("", None),
        ("nULL", "nULL"),
        # Quoted scalars are always text, whatever they look like.
        ("'10'", "10"),
        ('"0.1"', "0.1"),
        ("'null'", "null"),
        ('"true"', "true"),
        ("'no'", "no"),
    ],
)
def test_scalars_resolve_by_yaml_1_2_core_rules(written, expected):
    """`no` stays text, `010` is ten, `12:30` and dates are text; quoted numbers stay text."""
    value = load(f"v: {written}\n").data["v"]
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("0.1", "0.1"),  # S0.6 rounding quantum: exactly one tenth, not 0.1000000000000000055…
        ("0.01", "0.01"),
        ("0.001", "0.001"),  # S0.3 tier-1 commission rate, 0.1%
        ("0.10", "0.10"),  # the written exponent is kept
        ("-0.25", "-0.25"),
        (".5", "0.5"),
        ("1.", "1"),
        ("3.0", "3.0"),
        ("1e3", "1E+3"),
        ("2.5E-2", "0.025"),
        ("1e69", "1E+69"),
    ],
)
def test_fractions_load_as_exact_decimals(written, expected):
    value = load(f"v: {written}\n").data["v"]
    assert type(value) is Decimal
    assert str(value) == expected


def test_integers_are_int_not_bool_or_decimal():
    data = load("a: 1\nb: 0\nc: 2000\n").data
    assert [type(v) for v in data.values()] == [int, int, int]
    assert data == {"a": 1, "b": 0, "c": 2000}


def test_no_float_anywhere_in_the_s0_policy():
    """S0.3/S0.6: every number in the shipped policy is int or Decimal."""
    seen: list[object] = []
    stack = [load_policy(S0_POLICY).data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        else:
            seen.append(node)
    assert not [v for v in seen if isinstance(v, float)]
    assert Decimal("0.001") in seen  # the S0.3 tier-1 rate
    assert 1800 in seen  # the S0.6 A0 base pay


def test_block_scalars_are_text_and_keys_are_kept_as_written():
    data = load("a: |\n  10\n1: x\ntrue: y\nnull: z\n~: w\n'q': v\n").data
    assert data == {"a": "10\n", "1": "x", "true": "y", "null": "z", "~": "w", "q": "v"}


def test_top_level_list_and_scalar_load():
    assert load("- 1\n- 0.5\n").data == [1, Decimal("0.5")]
    assert load("x\n").data == "x"


def test_utf8_bom_is_accepted():
    assert load("\ufeffa: 1\n".encode()).data == {"a": 1}


# -- every loader code, located ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a: [1, 2\n", [("JX001", 2, 1)], id="unclosed-flow-list"),
        pytest.param("a: 1\n b: 2\n", [("JX001", 2, 3)], id="bad-indent"),
        pytest.param("key: value\n- item\n", [("JX001", 2, 1)], id="list-in-mapping"),
        pytest.param("a: 'unterminated\n", [("JX001", 2, 1)], id="unterminated-quote"),
        pytest.param('a: "\\ud800"\n', [("JX001", 1, 7)], id="bad-escape"),
        pytest.param("a: 1\nb: 2\nc: x\x00y\n", [("JX001", 3, 5)], id="control-char"),
        pytest.param("a: 1\nb: 中文\nc: x\x07y\n", [("JX001", 3, 5)], id="control-char-after-cjk"),
    ],
)
def test_JX001_syntax_errors_are_located(text, expected):
    assert refused(text) == expected


@pytest.mark.parametrize("parser", ["CSafeLoader", "SafeLoader"])
def test_JX001_control_character_column_with_either_parser(monkeypatch, parser):
    """The C reader reports byte offsets, the Python one characters: both give 3:5."""
    if not hasattr(yaml, parser):
        pytest.skip(f"PyYAML built without {parser}")
    monkeypatch.setattr(load_module, "_Parser", getattr(yaml, parser))
    assert rendered("a: 1\nb: 中文\nc: x\x07y\n") == [
        f"{NAME}:3:5: JX001 YAML syntax: control characters are not allowed (U+0007)"
        if parser == "CSafeLoader"
        else f"{NAME}:3:5: JX001 YAML syntax: special characters are not allowed (U+0007)"
    ]


def test_JX001_common_problems_in_chinese():
    with pytest.raises(PolicyError) as caught:
        load("a: [1, 2\n")
    assert caught.value.lines("zh") == [f"{NAME}:2:1: JX001 YAML 语法错误：缺少“,”或“]”（方括号列表没有闭合？）"]


def test_JX001_message_is_one_line_with_the_problem():
    assert rendered("a: [1, 2\n") == [
        f"{NAME}:2:1: JX001 YAML syntax: did not find expected ',' or ']'"
    ]


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        (b"a: 1\nb: \xff\xfe\n", 2),
        (b"a: 1\nb: 2\nc: caf\xe9\n", 3),  # Latin-1, a common export mistake
        ("a: 1\n".encode("utf-16"), 1),
        ("名: 客服\n".encode("gbk"), 1),  # GBK: what a Chinese Excel/Notepad may save
    ],
)
def test_JX001_non_utf8_bytes_name_the_line(raw, line):
    assert rendered(raw) == [f"{NAME}:{line}:1: JX001 file is not UTF-8 text"]


def test_JX001_missing_file(tmp_path):
    path = tmp_path / "missing.yaml"
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.lines() == [f"{path}:1:1: JX001 cannot read file: No such file or directory"]


def test_JX001_directory_is_unreadable(tmp_path):
    with pytest.raises(PolicyError) as caught:
        load_policy(tmp_path)
    assert caught.value.lines() == [f"{tmp_path}:1:1: JX001 cannot read file: Is a directory"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_JX001_unreadable_file(tmp_path):
    path = tmp_path / "locked.yaml"
    path.write_text("a: 1\n")
    path.chmod(0)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.lines() == [f"{path}:1:1: JX001 cannot read file: Permission denied"]


def test_JX002_duplicate_key_names_the_first_line():
    text = "kpis:\n  sales:\n    weight: 25\n  sales:\n    weight: 30\n"
    assert rendered(text) == [f"{NAME}:4:3: JX002 duplicate key 'sales' (first at line 2)"]


def test_JX002_every_repeat_reported_and_flow_mappings_too():
    assert refused("a: 1\na: 1\na: 1\n") == [("JX002", 2, 1), ("JX002", 3, 1)]
    assert rendered("{a: 1, a: 2}\n") == [f"{NAME}:1:8: JX002 duplicate key 'a' (first at line 1)"]


def test_JX002_same_key_in_different_mappings_is_fine():
    assert load("a: {x: 1}\nb: {x: 2}\n").data == {"a": {"x": 1}, "b": {"x": 2}}


def test_JX003_anchor_and_alias_each_located():
    assert rendered("a: &x 1\nb: *x\n") == [
        f"{NAME}:1:4: JX003 anchors (&x) are not allowed",
        f"{NAME}:2:4: JX003 aliases (*name) are not allowed in a policy",
    ]


def test_JX003_anchor_alone_is_refused():
    assert refused("base: &b {a: 1}\n") == [("JX003", 1, 7)]


def test_JX004_explicit_tags_refused():
    assert rendered("a: !!str 1\nb: !custom x\n") == [
        f"{NAME}:1:4: JX004 explicit tags (tag:yaml.org,2002:str) are not allowed",
        f"{NAME}:2:4: JX004 explicit tags (!custom) are not allowed",
    ]


def test_JX004_python_object_tag_is_refused_without_running_anything(monkeypatch):
    calls: list[object] = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args) or 0)
    text = "pay:\n  x: !!python/object/apply:os.system ['echo pwned']\n"
    assert rendered(text) == [
        f"{NAME}:2:6: JX004 explicit tags (tag:yaml.org,2002:python/object/apply:os.system)"
        " are not allowed"
    ]
    assert calls == []


def test_JX004_tag_on_a_collection():
    assert refused("a: !!map {x: 1}\nb: !!seq [1]\n") == [("JX004", 1, 4), ("JX004", 2, 4)]


def test_JX005_merge_key_refused():
    text = "a: {x: 1}\nb:\n  <<: {y: 2}\n  z: 3\n"
    assert rendered(text) == [
        f"{NAME}:3:3: JX005 merge keys (<<) are not allowed; write the keys out"
    ]


def test_JX006_nesting_limit_is_exact():
    """The root counts as a level: 32 containers load, the 33rd is refused where it opens."""
    deepest = load("[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n").data
    for _ in range(MAX_DEPTH - 1):
        deepest = deepest[0]
    assert deepest == []
    assert rendered("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n") == [
        f"{NAME}:1:{MAX_DEPTH + 1}: JX006 nesting deeper than {MAX_DEPTH} levels"
    ]


def test_JX006_nesting_in_block_style():
    text = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH)) + "  " * MAX_DEPTH + "x: 1\n"
    # The root mapping plus k0..k30 make 32 containers; k31's value is the 33rd.
    assert refused(text) == [("JX006", MAX_DEPTH + 1, 2 * MAX_DEPTH + 1)]


def test_JX006_node_count_limit_is_exact():
    """Lists of MAX_ENTRIES items, as many as fit in MAX_NODES, load; one more item is refused."""
    per_list = MAX_ENTRIES + 1  # the list node and its items
    lists = (MAX_NODES - 1) // per_list
    rest = MAX_NODES - 1 - lists * per_list - 1  # the last list holds what is left
    row = "[" + ", ".join(["0"] * MAX_ENTRIES) + "]"
    fits = "[" + ", ".join([row] * lists + ["[" + ", ".join(["0"] * rest) + "]"]) + "]"
    assert sum(len(part) for part in load(fits).data) == lists * MAX_ENTRIES + rest
    over = "[" + ", ".join([row] * lists + ["[" + ", ".join(["0"] * (rest + 1)) + "]"]) + "]"
    assert [code for code, _, _ in refused(over)] == ["JX006"]


def test_JX007_file_too_large(tmp_path):
    message = f"JX007 file is larger than {MAX_BYTES // 1024} KiB; a policy is a short text file"
    just_fits = b"a: 1\n# " + b"x" * (MAX_BYTES - 8) + b"\n"
    assert len(just_fits) == MAX_BYTES
    assert load(just_fits).data == {"a": 1}
    assert rendered(just_fits + b"x") == [f"{NAME}:1:1: {message}"]
    path = tmp_path / "big.yaml"
    path.write_bytes(just_fits + b"x")
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.lines() == [f"{path}:1:1: {message}"]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (".inf", "non-finite number .inf is not allowed"),
        ("-.Inf", "non-finite number -.Inf is not allowed"),
        ("+.INF", "non-finite number +.INF is not allowed"),
        (".nan", "non-finite number .nan is not allowed"),
        (".NaN", "non-finite number .NaN is not allowed"),
        ("9" * 41, "number 99999999999999999999… has too many digits"),
        ("1e999", "number 1e999 is out of range"),
        ("1e70", "number 1e70 is out of range"),
        ("0." + "1" * 41, "number 0.111111111111111111 is out of range"),
    ],
)
def test_JX008_non_finite_and_out_of_range_numbers(written, message):
    assert rendered(f"rate: 0.001\nv: {written}\n") == [f"{NAME}:2:4: JX008 {message}"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("? [a, b]\n: 1\n", [("JX009", 1, 3)]),
        ("? {x: 1}\n: 2\n", [("JX009", 1, 3)]),
        ("{[a]: 1}\n", [("JX009", 1, 2)]),
        # An alias used as a key is refused twice over: as an alias and as a non-text key.
        ("a: &k x\n? *k\n: 1\n", [("JX003", 1, 4), ("JX003", 2, 3), ("JX009", 2, 3)]),
    ],
)
def test_JX009_non_scalar_keys(text, expected):
    assert refused(text) == expected


def test_JX009_message():
    assert rendered("? [a]\n: 1\n") == [f"{NAME}:1:3: JX009 mapping keys must be plain text"]


@pytest.mark.parametrize(
    ("text", "line"),
    [("a: 1\n---\nb: 2\n", 2), ("--- \na: 1\n...\n---\nb: 2\n", 4), ("---\n---\n", 2)],
)
def test_JX010_several_documents(text, line):
    assert rendered(text) == [f"{NAME}:{line}:1: JX010 only one YAML document per policy file"]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "~\n", "\ufeff"])
def test_JX011_empty_file(text):
    assert rendered(text) == [f"{NAME}:1:1: JX011 the policy file is empty"]


def test_several_problems_reported_at_once_in_line_order():
    text = "a: !!str 1\nb: &x 2\nb: 3\nc: .nan\n"
    assert refused(text) == [("JX004", 1, 4), ("JX003", 2, 4), ("JX002", 3, 1), ("JX008", 4, 4)]


def test_diagnostics_are_capped():
    text = "a: &x 1\nb: [" + "*x, " * 300 + "]\n"
    found = refused(text)
    assert len(found) == MAX_DIAGNOSTICS
    assert found[0] == ("JX003", 1, 4)


# -- the Loaded value: hash and positions ---------------------------------------------------------


def test_sha256_is_of_the_file_bytes(tmp_path):
    raw = "\ufeff# 绩效\npolicy: {id: s0}\n".encode()
    path = tmp_path / "p.yaml"
    path.write_bytes(raw)
    doc = load_policy(path)
    assert doc.sha256 == hashlib.sha256(raw).hexdigest()
    assert doc.path == str(path)
    assert load_text(raw, "other.yaml").sha256 == doc.sha256
    # A comment-only change is a different file, so results name a different hash (S1.3).
    assert load_text(raw + b"# note\n", NAME).sha256 != doc.sha256


def test_where_gives_key_and_value_positions():
    doc = load(
        "policy:\n"
        "  id: s0\n"
        "  rounding: {quantum: 0.01}\n"
        "kpis:\n"
        "  - first\n"
        "  -   second\n"
    )
    assert doc.where(("policy", "id")) == (2, 7)
    assert doc.where(("policy", "id"), key=True) == (2, 3)
    assert doc.where(("policy", "rounding", "quantum")) == (3, 23)
    assert doc.where(("policy", "rounding", "quantum"), key=True) == (3, 14)
    assert doc.where(("policy", "rounding")) == (3, 13)
    assert doc.where(("kpis", 0)) == (5, 5)
    assert doc.where(("kpis", 1)) == (6, 7)
    assert doc.where(("policy",)) == (2, 3)
    assert doc.where(("policy",), key=True) == (1, 1)


def test_where_falls_back_to_the_nearest_existing_node():
    doc = load("policy:\n  id: s0\nkpis: [a]\n")
    assert doc.where(("policy", "missing", "deeper")) == (2, 3)
    assert doc.where(("kpis", 5)) == (3, 7)
    # A key mark is asked for but the key does not exist: fall back to the value positions.
    assert doc.where(("kpis", 5), key=True) == (3, 7)
    assert doc.where(("nothing",)) == (1, 1)
