"""engine.diff: how deltas are spread (a property over any agents' totals), and the structural
changes between two policy files (none between a file and itself, or a reformatted copy of it)."""

from __future__ import annotations

from decimal import Decimal

from harness.paths import POLICIES
from hypothesis import given
from hypothesis import strategies as st

from engine.diff.impact import AgentDiff, Impact
from engine.diff.structure import EditKind, edits
from engine.policy.load import load_policy, load_text

AMOUNTS = st.decimals(min_value=-100000, max_value=100000, places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(st.one_of(st.none(), AMOUNTS), st.one_of(st.none(), AMOUNTS)), max_size=30))
def test_the_spread_of_deltas_holds_together(totals):
    agents = tuple(AgentDiff(str(i), "", "2026-10", old, new, ()) for i, (old, new) in enumerate(totals))
    found = Impact(None, None, agents, ())  # type: ignore[arg-type]
    spread = found.spread
    deltas = [a.delta for a in agents]
    assert found.delta == found.new_total - found.old_total == sum(deltas, Decimal(0))
    assert spread.better + spread.worse + spread.unchanged == len(agents)
    if deltas:
        assert spread.minimum == min(deltas) <= spread.median <= spread.maximum == max(deltas)
        below = sum(d < spread.median for d in deltas)
        above = sum(d > spread.median for d in deltas)
        assert below <= len(deltas) // 2 and above <= len(deltas) // 2  # the median splits them in half


def test_a_file_against_itself_and_a_reformatted_copy_changes_nothing():
    for path in sorted(POLICIES.glob("*.yaml")):
        doc = load_policy(path)
        assert edits(doc, doc) == ()
        text = path.read_text(encoding="utf-8").replace("rate: 0.02\n", "rate: 0.020\n")
        assert edits(doc, load_text(text.encode(), str(path))) == (), path


def test_a_rating_renamed_is_one_removed_and_one_added_with_their_lines():
    path = POLICIES / "s2_commission.yaml"
    text = path.read_text(encoding="utf-8")
    rating = "    pass: {label: {zh: 合格, en: Pass}, min: 60}"
    renamed = text.replace(rating, rating.replace("pass:", "good:"))
    found = edits(load_policy(path), load_text(renamed.encode(), "new.yaml"))
    line = text.splitlines().index(rating) + 1
    assert [(e.kind, e.path, e.old_line, e.new_line) for e in found] == [
        (EditKind.ADDED, "score.ratings.good", None, line), (EditKind.REMOVED, "score.ratings.pass", line, None)]
