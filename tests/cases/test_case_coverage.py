"""engine.cases.coverage: a percentage is rounded down (a policy one item short never shows 100.0 %),
and each area counts what was declared and what was reached."""

from __future__ import annotations

from decimal import Decimal

from engine.cases.coverage import Area, Item, PolicyCoverage


def coverage(declared: int, reached: int) -> PolicyCoverage:
    items = tuple(Item(Area.CLAUSE, f"penalties.p{i}", i + 1, (Area.CLAUSE, f"p{i}")) for i in range(declared))
    return PolicyCoverage("p.yaml", "p.yaml", items, frozenset(item.key for item in items[:reached]))


def test_percentages_round_down_and_nothing_declared_is_all_covered():
    assert coverage(2000, 1999).percent == Decimal("99.9")
    assert coverage(3, 2).percent == Decimal("66.6")
    assert coverage(3, 3).percent == Decimal("100.0")
    assert coverage(0, 0).percent == Decimal("100.0")


def test_missed_items_and_areas():
    found = coverage(4, 1)
    assert [item.line for item in found.missed] == [2, 3, 4]
    assert list(found.by_area()) == [(Area.CLAUSE, 1, 4)]
