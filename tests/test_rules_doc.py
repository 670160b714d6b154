"""docs/rules.md stays true (issue 14 §8): what its **Where** lines cite exists, and nothing it
says jixiao does "not yet" do is a feature the policy language or the data stage already has.

- every file path a Where cites (`policies/…`, `engine/…`, `examples/…`) exists;
- every policy key it cites by section (`pay.step_bonus`, `reviews.quarterly_grade`) is in the policy
  file cited before it;
- the name it cites right after an engine file (`parse_duration`) is in that file;
- no rule's "not yet" (or "planned") names a section of the policy language or a data-stage feature
  that exists (the period from the file name, header units, placeholders, `columns:` …).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from engine.policy.load import load_policy

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "rules.md"
SCHEMA = json.loads((ROOT / "schemas" / "policy.schema.json").read_text(encoding="utf-8"))
SECTIONS = frozenset(SCHEMA["properties"])
# What the data stage and the ledger do, by the words a rule would use to say it is missing.
FEATURES = ("file name", "header unit", "unit in the header", "placeholder", "columns", "event file", "events file",
            "ranking", "review", "promotion", "quarterly", "step bonus", "guarantee", "window", "ledger", "proration",
            "summary row", "weighted")
_PATH = re.compile(r"(?:engine|policies|examples|tests|schemas|benchmarks|docs)/[\w./-]+")
_KEY = re.compile(r"[a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*")


def _body() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text[text.index("## S0"):]  # the rules, after the page's own conventions


def _where_lines() -> Iterator[tuple[str, str]]:
    """(rule id, text) of every Where paragraph, continuation lines joined."""
    rule, found = "", None
    for line in _body().splitlines():
        if match := re.match(r"\s*(?:- )?\*\*([A-Z]\d*\.[\w.]+)", line):
            rule = match.group(1)
        stripped = line.strip()
        if stripped.startswith("- Where"):
            if found is not None:
                yield found
            found = (rule, stripped)
        elif found is not None and stripped and not stripped.startswith(("- ", "**")) and line.startswith("  "):
            found = (found[0], found[1] + " " + stripped)
        elif found is not None:
            yield found
            found = None
    if found is not None:
        yield found


WHERE = list(_where_lines())


def _resolves(data: Mapping, key: str) -> bool:
    node: object = data
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


def _in_schema(key: str) -> bool:
    """Whether a key cited with no policy file (`policy.version`) is a key of the policy language."""
    node: Mapping = SCHEMA
    for part in key.split("."):
        while "$ref" in node:
            node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]]
        properties = node.get("properties", {})
        if part not in properties:
            return False
        node = properties[part]
    return True


def test_the_page_has_a_where_for_every_rule():
    assert len(WHERE) >= 60
    assert {rule for rule, _ in WHERE} >= {"S0.7", "S1.5", "S4.2", "S4.4", "X.1", "X.3", "X.4", "X.10", "X.13"}


@pytest.mark.parametrize(("rule", "text"), WHERE, ids=[f"{rule}-{i}" for i, (rule, _) in enumerate(WHERE)])
def test_what_a_where_cites_exists(rule, text):
    policy: Mapping | None = None
    source: str | None = None  # the engine file cited by the token just before, whose name follows
    for token in re.findall(r"`([^`]+)`", text):
        cited, source = source, None
        if _PATH.fullmatch(token):
            path = ROOT / token
            assert path.exists(), f"{rule}: {token} does not exist"
            if token.endswith(".yaml"):
                policy = load_policy(path).data
            elif token.endswith(".py"):
                source = path.read_text(encoding="utf-8")
            continue
        if not _KEY.fullmatch(token):
            continue  # an example (`mode: retroactive`, `8分48秒`), not a citation
        if token.split(".")[0] in SECTIONS and "." in token:
            if policy is None:
                assert _in_schema(token), f"{rule}: {token} is not a key of the policy language"
            else:
                assert _resolves(policy, token), f"{rule}: {token} is not a key of the policy cited"
        elif cited is not None and "." not in token:
            assert re.search(rf"\b{re.escape(token)}\b", cited), f"{rule}: {token} is not in the engine file cited"


def _not_yet() -> list[tuple[str, str]]:
    """Each sentence of a Where that says jixiao does not do something (yet)."""
    found = []
    for rule, text in WHERE:
        for sentence in re.split(r"(?<=[.;])\s+", text):
            if re.search(r"not yet|planned", sentence):
                found.append((rule, sentence))
    return found


def test_nothing_said_to_be_missing_is_a_feature_jixiao_has():
    for rule, sentence in _not_yet():
        words = set(re.findall(r"[a-z_]+", sentence.lower()))
        assert not words & SECTIONS, f"{rule}: '{sentence}' names a policy section that exists"
        assert not [f for f in FEATURES if f in sentence.lower()], f"{rule}: '{sentence}' names a feature that exists"


def test_what_is_left_to_do_is_listed():
    """The gaps the page admits, so a new one (or one closed without updating the page) is seen."""
    assert [rule for rule, _ in _not_yet()] == ["S2.2", "S2.4", "S4.5"]
