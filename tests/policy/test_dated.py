"""Dated values (engine.policy.dated, S1.3): any number, table or list of how agents are scored and
paid, written as what was in force from which month; `validate` refuses what would leave a month
paid by two values or by none (JX283–JX289), each located at the entry, in both languages.

The base policy is tests/policy/check_base.py's S0 shop (effective from 2026-11-01): S0.6 base pay
by grade {A0: 1800, A1: 2000}, S0.1 KPI weights 40 + 20 + 30 + 10.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import Diagnostic, PolicyError
from engine.policy.check import check
from engine.policy.compile import compile_policy
from engine.policy.dated import check_dated, in_force
from engine.policy.load import load_policy
from tests.policy.check_base import loc, mutate

TABLE = "    values: {A0: 1800, A1: 2000}\n"


def dated_table(*entries: str) -> tuple[str, str]:
    """The base pay table (S0.6) written as dated entries."""
    return TABLE, "    values:\n" + "".join(f"      - {e}\n" for e in entries)


RAISE = ("{from: 2026-11-01, value: {A0: 1800, A1: 2000}}", "{from: 2027-01-01, value: {A0: 1900, A1: 2100}}")


@pytest.fixture
def diagnose(tmp_path):
    def run(text: str) -> list[Diagnostic]:
        path = tmp_path / "policy.yaml"
        path.write_text(text, encoding="utf-8")
        return list(check(load_policy(path)))

    return run


@pytest.fixture
def compiled(tmp_path):
    def run(text: str, period: str | None):
        path = tmp_path / "policy.yaml"
        path.write_text(text, encoding="utf-8")
        return compile_policy(load_policy(path), period)

    return run


def one(found: list[Diagnostic], code: str) -> Diagnostic:
    assert [d.code for d in found] == [code], [d.render() for d in found]
    return found[0]


def test_a_dated_table_checks_clean_and_each_month_gets_its_entry_S0_6(diagnose, compiled):
    text = mutate(dated_table(*RAISE))
    assert diagnose(text) == []
    december, february = compiled(text, "2026-12"), compiled(text, "2027-02")
    base = next(s for s in february.steps if s.name == "base")
    assert "Decimal('1900')" in repr(base.op)
    assert "Decimal('1800')" in repr(next(s for s in december.steps if s.name == "base").op)
    (used,) = february.policy.dated
    assert (used.path, used.start, used.end, used.value, used.line) == (
        "pay.base.values", "2027-01-01", "", '{"A0": 1900, "A1": 2100}', loc(text, RAISE[1])[0])
    assert used.text("zh") == '2027-01-01 起 {"A0": 1900, "A1": 2100}'
    assert december.policy.content_sha256 != february.policy.content_sha256
    assert december.policy.sha256 == february.policy.sha256  # one file
    # Without a period: the month of effective_from.
    assert compiled(text, None).policy.dated[0].start == "2026-11-01"


def test_a_dated_weight_is_checked_in_the_month_it_is_in_force_S0_1(diagnose):
    """From 2027-01 the weights would sum to 105: JX204 for that month's policy, said once."""
    text = mutate(("    weight: 10\n", "    weight:\n      - {from: 2026-11-01, value: 10}\n"
                                       "      - {from: 2027-01-01, value: 15}\n"))
    found = diagnose(text)
    assert [d.code for d in found] == ["JX204"], [d.render() for d in found]
    assert "105" in found[0].message


def test_JX283_a_from_that_is_not_the_first_of_a_month(diagnose):
    text = mutate(dated_table(RAISE[0], "{from: 2027-01-15, value: {A0: 1900, A1: 2100}}"))
    found = one(diagnose(text), "JX283")
    assert (found.line, found.column) == loc(text, "{from: 2027-01-15", "2027-01-15")
    assert found.message == "pay.base.values: from: 2027-01-15 is not the first day of a month (a month is paid by " \
                            "one value)"
    assert found.zh == "pay.base.values：from: 2027-01-15 不是某月的 1 日（一个月只按一个取值计算）"
    assert found.render().startswith(f"{found.file}:{found.line}:{found.column}: JX283 ")


def test_JX283_a_to_that_is_not_the_last_of_a_month_and_an_entry_without_value(diagnose):
    text = mutate(dated_table("{from: 2026-11-01, to: 2026-12-30, value: {A0: 1800, A1: 2000}}", RAISE[1]))
    found = one(diagnose(text), "JX283")
    assert (found.line, found.column) == loc(text, "to: 2026-12-30", "2026-12-30")
    text = mutate(dated_table(RAISE[0], "{from: 2027-01-01, amount: {A0: 1900, A1: 2100}}"))
    found = [d for d in diagnose(text) if d.code == "JX283"]
    assert [d.message for d in found] == ["pay.base.values: a dated entry has {from, value} and may have to; "
                                          "found amount"]


def test_JX284_entries_out_of_order_or_from_the_same_date(diagnose):
    text = mutate(dated_table(RAISE[1], RAISE[0]))
    found = [d for d in diagnose(text) if d.code == "JX284"]
    assert [(d.line, d.message) for d in found] == [(loc(text, RAISE[0])[0], (
        "pay.base.values: the entry from 2026-11-01 comes after the one from 2027-01-01: entries go oldest first"))]
    text = mutate(dated_table(RAISE[0], "{from: 2026-11-01, value: {A0: 1900, A1: 2100}}"))
    found = one(diagnose(text), "JX284")
    assert found.zh == "pay.base.values：有两项都从 2026-11-01 起（第一项是第 1 项），无法确定用哪一个"


def test_JX285_overlapping_ranges(diagnose):
    first = "{from: 2026-11-01, to: 2027-01-31, value: {A0: 1800, A1: 2000}}"
    text = mutate(dated_table(first, RAISE[1]))
    found = one(diagnose(text), "JX285")
    assert (found.line, found.column) == loc(text, first, "2027-01-31")
    assert found.message == ("pay.base.values: the entry to 2027-01-31 overlaps the next, from 2027-01-01: two values "
                             "in force at once")


def test_JX286_a_gap_between_ranges(diagnose):
    first = "{from: 2026-11-01, to: 2026-11-30, value: {A0: 1800, A1: 2000}}"
    text = mutate(dated_table(first, RAISE[1]))
    found = one(diagnose(text), "JX286")
    assert (found.line, found.column) == loc(text, first, "2026-11-30")
    assert found.message == ("pay.base.values: the entry to 2026-11-30 leaves a gap before the next, from 2027-01-01: "
                             "nothing is in force from 2026-12")
    assert found.zh == ("pay.base.values：至 2026-11-30 的一项与 2027-01-01 起的下一项之间有空档："
                        "2026-12 起没有生效的取值")


def test_JX287_nothing_in_force_from_effective_from_or_after_the_last_to(diagnose, compiled):
    text = mutate(dated_table(RAISE[1]))
    found = one(diagnose(text), "JX287")
    assert (found.line, found.column) == loc(text, RAISE[1], "2027-01-01")
    assert found.message == ("pay.base.values: the first entry is from 2027-01-01, but the policy takes effect in "
                             "2026-11: nothing is in force in between")
    ended = mutate(dated_table("{from: 2026-11-01, to: 2027-06-30, value: {A0: 1800, A1: 2000}}"))
    assert diagnose(ended) == []
    assert compiled(ended, "2027-06").policy.dated[0].end == "2027-06-30"
    with pytest.raises(PolicyError) as refused:
        compiled(ended, "2027-07")
    (error,) = refused.value.diagnostics
    assert (error.code, error.line) == ("JX287", loc(ended, "    values:\n")[0])
    assert error.file.endswith("policy.yaml")
    assert error.message == ("pay.base.values: nothing is in force in 2027-07 (the first entry is from 2026-11-01, "
                             "and none covers 2027-07)")
    assert error.zh_hint == "请补上该月适用的一项"


def test_JX288_what_cannot_be_dated(diagnose):
    text = mutate(("    type: money\n    scope: team\n",
                   "    type:\n      - {from: 2026-11-01, value: money}\n    scope: team\n"))
    found = [d for d in diagnose(text) if d.code == "JX288"]
    assert [d.message for d in found] == [
        "metrics.sales_target.type cannot be dated: what the data is (ids, metrics, roles, columns, events) means one "
        "thing every month"]
    text = mutate(("      when: score < 60\n", "      when:\n        - {from: 2026-11-01, value: score < 60}\n"))
    found = [d for d in diagnose(text) if d.code == "JX288"]
    assert [d.hint for d in found] == ["write a new policy version for such a change"]
    assert (found[0].line, found[0].column) == loc(text, "value: score < 60", "score < 60")


def test_JX289_a_value_changing_where_the_dated_version_does_not(diagnose):
    text = mutate(dated_table(*RAISE), ('  version: "2026.11"\n',
                                        '  version:\n    - {from: 2026-11-01, value: "2026.11"}\n'))
    found = one(diagnose(text), "JX289")
    assert found.severity == "warning"
    assert (found.line, found.column) == loc(text, RAISE[1], "2027-01-01")
    assert found.message == ("pay.base.values changes from 2027-01-01, but policy.version does not: two ways of paying "
                             "would carry one version's name")
    versioned = mutate(dated_table(*RAISE), ('  version: "2026.11"\n', '  version:\n'
                                             '    - {from: 2026-11-01, value: "2026.11"}\n'
                                             '    - {from: 2027-01-01, value: "2027.1"}\n'))
    assert diagnose(versioned) == []


def test_a_dated_band_list_and_a_dated_amount_S0_1(diagnose, compiled):
    """A list (`bands:`) and a number (`floor`) dated; each month's plan has plain values."""
    bands = ("    bands:\n      - {to: 0.9, points: 0}\n      - {from: 0.9, to: 0.95, points: 10}\n"
             "      - {from: 0.95, points: 20}\n")
    text = mutate((bands, "    bands:\n      - from: 2026-11-01\n        value:\n" + bands.replace("    bands:\n", "")
                   .replace("      - ", "          - ") + "      - from: 2027-03-01\n        value:\n"
                   "          - {to: 0.92, points: 0}\n          - {from: 0.92, points: 20}\n"),
                  ("    floor: 1500\n", "    floor:\n      - {from: 2026-11-01, value: 1500}\n"
                                        "      - {from: 2027-03-01, value: 1600}\n"))
    assert diagnose(text) == []
    march = compiled(text, "2027-03")
    assert [(d.path, d.start) for d in march.policy.dated] == [("kpis.reply_rate.bands", "2027-03-01"),
                                                               ("pay.guarantee.floor", "2027-03-01")]
    assert march.policy.dated[1].value == "1600"
    assert Decimal(march.policy.dated[1].value) == Decimal(1600)


def test_a_month_before_effective_from_is_refused_as_such_not_as_nothing_in_force_S1_3(tmp_path):
    """JX411 (the policy does not cover the month) rather than JX287 (no entry of a value)."""
    from harness.cli import run

    text = mutate(dated_table(*RAISE))
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    plan = compile_policy(load_policy(path), "2026-01")
    assert plan.policy.dated[0].start == "2026-11-01"
    metrics = tmp_path / "m.csv"
    metrics.write_text("工号,月份,岗位,等级,实际销售额,人均计划销售额,旺旺回复率,首次响应时间,缺勤天数\n"
                       "a1,2026-01,agent,A0,100,100,0.9,30,0\n", encoding="utf-8")
    done = run("evaluate", "-p", path, "-m", metrics, "--lang", "en")
    assert done.exit_code == 1
    assert "takes effect 2026-11-01; period 2026-01 is before it" in done.stderr


def _months(start: int, count: int) -> list[str]:
    return [f"{2026 + (start + i) // 12}-{(start + i) % 12 + 1:02d}" for i in range(count)]


@settings(max_examples=60)
@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=6), st.booleans(), st.booleans())
def test_well_formed_entries_check_clean_and_each_month_has_the_latest_entry_started_S1_3(steps, closed, ends):
    """Entries oldest first, from the first of a month, each `to` (when written) the day before the
    next: no problem, and every month from the first on is paid by the latest entry started by then."""
    starts = [sum(steps[:i]) for i in range(len(steps))]
    months = _months(0, starts[-1] + 3)
    entries = []
    for i, start in enumerate(starts):
        entry = {"from": f"{months[start]}-01", "value": Decimal(i)}
        if closed and i + 1 < len(starts):  # written out, the day before the next starts
            following = date.fromisoformat(f"{months[starts[i + 1]]}-01")
            entry["to"] = (following - timedelta(days=1)).isoformat()
        entries.append(entry)
    if ends:  # the last entry ends two months after it starts: nothing in force after that
        last = date.fromisoformat(f"{months[starts[-1] + 2]}-01")
        entries[-1]["to"] = (last - timedelta(days=1)).isoformat()
    data = {"policy": {"effective_from": f"{months[0]}-01"}, "pay": {"x": {"amount": entries}}}
    assert list(check_dated(data)) == []
    for index, month in enumerate(months):
        latest = max(i for i, start in enumerate(starts) if start <= index)
        expected = None if ends and index > starts[-1] + 1 else latest
        assert in_force(entries, month, strict=True) == expected


@pytest.mark.parametrize("text", [
    "- {from: 2026-01-01, value: 1}\n",
    "jixiao: 1\nkpis:\n  - {from: 2026-01-01, value: 1}\n",
    "jixiao: 1\npolicy: [{from: 2026-01-01, value: 1}]\n",
    "jixiao: 1\npay:\n  x:\n    amount:\n      - {from: 2026-01-01}\n      - 7\n",
])
def test_a_malformed_document_with_dated_lists_is_diagnosed_never_crashes(diagnose, text):
    assert all(d.code.startswith("JX") for d in diagnose(text))


def test_lint_probes_each_month_a_dated_value_changes_in_S0_3(tmp_path):
    """A rate of 0.2 (20 % of money) dated from 2027-01 is JX503 at that entry, not missed because
    the policy's first month pays 0.01."""
    from engine.lint.run import lint_policy

    fixed = "  bonus:\n    label: {zh: 奖金, en: Bonus}\n    kind: commission\n    base: sales\n"
    text = mutate(("  guarantee:\n", fixed + "    rate:\n      - {from: 2026-11-01, value: 0.01}\n"
                                          "      - {from: 2027-01-01, value: 0.2}\n  guarantee:\n"))
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    found = [d for d in lint_policy(load_policy(path)) if d.code == "JX503"]
    assert [(d.line, d.column) for d in found] == [loc(text, "{from: 2027-01-01, value: 0.2}", "0.2")]
