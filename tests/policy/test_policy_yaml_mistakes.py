"""YAML mistakes named by their likely cause, on the line the user has to fix (JX012–JX016).

A shop manager typing on a Chinese input method writes `weight：20` (full-width colon), indents
with a tab, forgets the space in `weight:20`, or pastes a label carrying an invisible control
character. PyYAML reports these as "could not find expected ':'" one line too late, or not at
all; the loader names the cause where it is.
"""

from __future__ import annotations

import pytest

from engine.errors import PolicyError
from engine.policy.load import MAX_ENTRIES, load_text
from tests.cpu_time import cpu_bounded

NAME = "policy.yaml"


def refused(text: str) -> list[tuple[str, int, int]]:
    with pytest.raises(PolicyError) as caught:
        load_text(text.encode(), NAME)
    assert all(d.zh for d in caught.value.diagnostics)
    return [(d.code, d.line, d.column) for d in caught.value.diagnostics]


def diagnostics(text: str):
    with pytest.raises(PolicyError) as caught:
        load_text(text.encode(), NAME)
    return caught.value.diagnostics


def test_JX014_full_width_colon_in_a_block_mapping_is_named_on_its_own_line():
    text = "kpis:\n  reply:\n    label: 回复率\n    weight：20\n    metric: reply\n"
    (found,) = diagnostics(text)
    assert (found.code, found.line, found.column) == ("JX014", 4, 5)
    assert found.message == "full-width colon '：' at line 4: YAML needs an ASCII colon ':' followed by a space"
    assert found.zh == "第 4 行用了中文全角冒号“：”：YAML 需要英文冒号“:”，后面再跟一个空格"
    assert found.zh_hint


def test_JX014_full_width_colon_that_parses_as_text_is_still_refused():
    """`- weight：20` is valid YAML (a list of one text) but never what was meant."""
    assert refused("items:\n  - weight：20\n") == [("JX014", 2, 5)]


def test_JX014_is_said_once_when_the_text_it_made_also_breaks_the_next_line():
    """`id：x` parses as a text (one JX014), then the next key breaks the YAML: the syntax error's likely
    cause is that same colon, said once, not twice on one line."""
    text = "policy:\n  id：x\n  name: 名：称\n"
    assert refused(text) == [("JX014", 2, 3)]
    assert refused("policy:\n  id：x\n  version：1\n") == [("JX014", 2, 3)]


def test_JX014_full_width_colon_inside_chinese_text_is_fine():
    assert load_text("label: 提示：请注意\n".encode(), NAME).data == {"label": "提示：请注意"}


def test_JX015_tab_in_indentation_names_line_and_column():
    (found,) = diagnostics("a:\n\tb: 1\n")
    assert (found.code, found.line, found.column) == ("JX015", 2, 1)
    assert found.message == "tab at line 2 col 1: indent with spaces"
    assert found.zh == "第 2 行第 1 列有制表符（Tab）：YAML 只能用空格缩进"


def test_JX015_tab_after_spaces():
    assert refused("a:\n  b: 1\n  \tc: 2\n") == [("JX015", 3, 3)]


def test_JX016_missing_space_after_colon_in_a_block_mapping():
    text = "kpis:\n  reply:\n    label: 回复率\n    weight:20\n    metric: reply\n"
    (found,) = diagnostics(text)
    assert (found.code, found.line, found.column) == ("JX016", 4, 5)
    assert found.message == "missing space after ':' at line 4: YAML reads 'weight:…' as one text, not a key"


def test_JX016_missing_space_that_parses_as_text_is_refused_but_times_and_urls_are_not():
    assert refused("items:\n  - weight:20\n") == [("JX016", 2, 5)]
    assert load_text(b"a: 12:30\nb: http://x.cn\nc: 'weight:20'\n", NAME).data == {
        "a": "12:30", "b": "http://x.cn", "c": "weight:20"}


@pytest.mark.parametrize(
    ("text", "code_point"),
    [
        pytest.param('label: "\\abell"\n', "U+0007", id="bell"),
        pytest.param('label: "a\\x00b"\n', "U+0000", id="nul"),
        pytest.param('label: "a\\tb"\n', "U+0009", id="tab-in-label"),
        pytest.param('label: "a\\nb"\n', "U+000A", id="newline-in-label"),
        pytest.param('label: "a\\x7fb"\n', "U+007F", id="del"),
        pytest.param('label: "a\\x85b"\n', "U+0085", id="c1-next-line"),
        pytest.param('label: "a\\u202eb"\n', "U+202E", id="bidi-override"),
        pytest.param('label: "a\\u2066b"\n', "U+2066", id="bidi-isolate"),
        pytest.param('"a\\u202eb": 1\n', "U+202E", id="in-a-key"),
        pytest.param('aliases: ["ok", "a\\x1bb"]\n', "U+001B", id="in-a-list-item"),
    ],
)
def test_JX012_control_and_bidi_characters_are_refused_where_they_are(text, code_point):
    (found,) = diagnostics(text)
    assert found.code == "JX012"
    assert found.line == 1
    assert code_point in found.message and code_point in found.zh


def test_JX012_column_is_the_text_that_holds_it():
    assert refused('a: 1\nb: ["x", "\\a"]\n') == [("JX012", 2, 10)]


def test_JX012_line_breaks_are_layout_in_block_scalars_and_expressions():
    data = load_text(b"label: |\n  two\n  lines\nformula: >\n  a +\n  b\nwhen: \"a >\\tb\"\n", NAME).data
    assert data == {"label": "two\nlines\n", "formula": "a + b\n", "when": "a >\tb"}
    assert refused('formula: "a\\a"\n') == [("JX012", 1, 10)]


def test_JX013_list_longer_than_the_limit_is_refused_at_the_first_item_too_many():
    ok = "a: [" + ", ".join(["1"] * MAX_ENTRIES) + "]\n"
    assert len(load_text(ok.encode(), NAME).data["a"]) == MAX_ENTRIES
    with cpu_bounded():
        found = refused("a:\n" + "".join(f"  - {i}\n" for i in range(20_000)))
    assert found == [("JX013", MAX_ENTRIES + 2, 5)]


def test_JX013_mapping_with_too_many_keys():
    text = "derived:\n" + "".join(f"  d{i}: {{formula: d{i + 1}}}\n" for i in range(MAX_ENTRIES + 5))
    (found,) = diagnostics(text)
    assert (found.code, found.line, found.column) == ("JX013", MAX_ENTRIES + 2, 3)
    assert found.message == "mapping has more than 1,000 entries; a policy needs far fewer"
