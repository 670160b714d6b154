"""`sources:` and a metric's `source:` (S1.6), checked at validate time: a source no `sources:`
declares (JX296), a source on a team value (JX297), two sources with one file pattern (JX298)."""

from __future__ import annotations

from harness.paths import S0_POLICY, S1_POLICY

from engine.model.plan import Source
from engine.policy.check import check
from engine.policy.compile import compile_policy
from engine.policy.load import load_text

SOURCES = """sources:
  chat: {file: "*赤兔*"}
  reviews: {file: "*评价*", optional: true}

metrics:
"""


def s1(*edits: tuple[str, str]) -> str:
    text = S1_POLICY.read_text(encoding="utf-8").replace("\nmetrics:\n", "\n" + SOURCES, 1)
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    return text


def diagnose(text: str) -> list:
    return list(check(load_text(text.encode("utf-8"), "policy.yaml")))


def line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def test_declared_sources_compile_into_the_plan():
    text = s1(("    aliases: [客户满意度]\n", "    aliases: [客户满意度]\n    source: reviews\n"))
    assert diagnose(text) == []
    plan = compile_policy(load_text(text.encode("utf-8"), "policy.yaml"))
    assert plan.metric_sources == (Source("chat", "*赤兔*"), Source("reviews", "*评价*", optional=True))
    assert [(m.name, m.source) for m in plan.metrics] == [("conversion", None), ("satisfaction", "reviews")]


def test_JX296_a_source_sources_does_not_declare():
    text = s1(("    aliases: [客户满意度]\n", "    aliases: [客户满意度]\n    source: review\n"))
    (found,) = diagnose(text)
    assert (found.code, found.severity, found.line) == ("JX296", "error", line_of(text, "source: review\n"))
    assert found.message == ("metric 'satisfaction' is read from source 'review', which sources: does not declare "
                             "(declared: chat, reviews)")
    assert found.hint == "declare it under sources: with the pattern of its file name, or name a declared source"
    assert found.zh == ("指标 'satisfaction' 取自来源 'review'，但 sources: 中没有声明它（已声明：chat, reviews）")


def test_JX297_a_source_on_a_team_value():
    text = S0_POLICY.read_text(encoding="utf-8")
    text = text.replace("    scope: team\n", "    scope: team\n    source: sales\n", 1).replace(
        "\nmetrics:\n", "\nsources:\n  sales: {file: \"*生意参谋*\"}\n\nmetrics:\n", 1)
    (found,) = diagnose(text)
    assert (found.code, found.line) == ("JX297", line_of(text, "source: sales"))
    assert found.message == ("metric 'sales_target' is a team value (scope: team): it is read from the first metrics "
                             "file or the team file, never chosen among sources")
    assert (found.hint, found.zh_hint) == ("remove source:", "请删除 source:")


def test_JX298_two_sources_with_one_pattern():
    text = s1(('reviews: {file: "*评价*"', 'reviews: {file: "*赤兔*"'))
    (found,) = diagnose(text)
    assert (found.code, found.line) == ("JX298", line_of(text, "reviews: {file"))
    assert found.message == ("sources 'reviews' and 'chat' name their files by the same pattern '*赤兔*': a file "
                             "would belong to both")
