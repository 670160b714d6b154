"""Regression tests for fuzz findings (tests/fuzz/FINDINGS.md) that no other test file holds.

Each test is the finding's reproducer reduced by hand, asserting the exact outcome now: the located
diagnostic (code, line, column), or the value. Findings whose tests live beside their code are
listed in FINDINGS.md's "Fixed" section with those tests' names.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.errors import EvaluationError
from engine.model.inputs import AgentInput
from engine.model.plan import Plan
from engine.model.results import AgentResult
from engine.policy.check import check
from engine.policy.compile import compile_policy
from engine.policy.load import load_text
from engine.report.explain import explain_text
from engine.report.tables import render
from engine.run.evaluate import evaluate
from tests.cpu_time import cpu_bounded

D = Decimal

BASE = """\
jixiao: 1
policy: {id: p, version: "1", name: p, effective_from: 2026-01-01}
metrics:
  m: {label: m, type: number}
kpis:
  k: {label: k, weight: 100, metric: m, linear: {from: 0, to: 10}}
score: {total: 100}
pay:
  base: {label: base, kind: fixed, amount: 100}
"""


def found(text: str) -> list[tuple[str, int, int, str]]:
    return [(d.code, d.line, d.column, d.message) for d in check(load_text(text.encode(), "p.yaml"))]


def plan_of(text: str, warned: tuple[str, ...] = ()) -> Plan:
    doc = load_text(text.encode(), "p.yaml")
    assert [d.code for d in check(doc)] == list(warned)
    return compile_policy(doc)


def one(plan: Plan, m: Decimal) -> AgentResult:
    (result,) = evaluate(plan, [AgentInput("1001", "2026-10", {"m": m})], trace=True)
    return result


def test_F3_explain_shows_a_money_value_of_10_to_the_26_in_full() -> None:
    """F3: `show` quantized 10^26 to 0.01 under a 28-digit context and raised InvalidOperation."""
    plan = plan_of(BASE.replace("type: number", "type: money").replace(
        "amount: 100}", "amount: 100}\n  f: {label: f, kind: formula, formula: 'm * 0'}"))
    text = explain_text(plan, one(plan, D(10) ** 26), "en")
    assert "100,000,000,000,000,000,000,000,000.00" in text or "100000000000000000000000000.00" in text


def test_F3_a_pay_line_too_long_to_round_names_that_cause_not_only_a_fractional_power() -> None:
    """F3: a 29-digit pay line stopped with "a negative number to a fractional power" as its only cause."""
    plan = plan_of(BASE.replace("amount: 100}", "amount: 100}\n  f: {label: f, kind: formula, formula: 'm * m'}"))
    with pytest.raises(EvaluationError) as caught:
        one(plan, D("900000000000000"))
    message = str(caught.value)
    assert message.startswith("p.yaml:10: cannot compute f for agent 1001 (2026-10): invalid arithmetic")
    assert "more than 28 digits that cannot be rounded to the policy's precision" in message
    assert "超过 28 位数字" in caught.value.zh


def test_F5_more_than_100_ratings_are_refused_by_the_schema_and_100_compile() -> None:
    """F5: 201 ratings compiled to 201 nested conditionals, a SyntaxError; now at most 100 (JX104)."""
    def ratings(count: int) -> str:
        rows = "".join(f"    r{i}: {{label: r, min: {count - i}}}\n" for i in range(count))
        return BASE.replace("score: {total: 100}", "score:\n  total: 100\n  ratings:\n" + rows + "    last: {label: l}")

    assert found(ratings(101)) == [("JX104", 10, 5, "score.ratings: has more than 100 entries")]
    plan = plan_of(ratings(99))
    assert one(plan, D(5)).rating == "r49"  # score 50: the first rating whose min (99 - i) is reached


@pytest.mark.parametrize("section", ["kpis", "pay"])
def test_F6_F11_500_kpis_or_pay_components_check_compile_and_run_quickly(section: str) -> None:
    """F6/F11: ~3,000 KPIs or components overflowed the compiler's recursion; the schema now stops at 500."""
    count = 500
    if section == "kpis":
        rows = "".join(f"  k{i}: {{label: k, weight: 1, formula: '1'}}\n" for i in range(count))
        text = BASE.replace("  k: {label: k, weight: 100, metric: m, linear: {from: 0, to: 10}}\n", rows).replace(
            "total: 100", f"total: {count}")
    else:
        rows = "".join(f"  p{i}: {{label: p, kind: fixed, amount: 1}}\n" for i in range(count - 1))
        text = BASE + rows  # with `base`, 500 components
    with cpu_bounded():
        plan = plan_of(text)
        result = one(plan, D(5))
    assert (result.score, result.total) == ((D(500), D(100)) if section == "kpis" else (D(50), D(599)))


def test_F6_a_section_of_more_than_500_entries_is_refused_at_its_line() -> None:
    rows = "".join(f"  p{i}: {{label: p, kind: fixed, amount: 1}}\n" for i in range(500))
    assert found(BASE + rows) == [("JX104", 9, 3, "pay: has more than 500 entries")]


def test_F15_a_zero_rate_on_a_negative_base_shows_zero_not_negative_zero() -> None:
    """F15: rounding -0.001 kept its sign, and the JSON showed "-0.00"."""
    plan = plan_of(BASE.replace("amount: 100}", "amount: -0.001}\n  bonus: {label: b, kind: commission, "
                                                "base: m - 10, rate: 0}"), warned=("JX275",))  # L.2: a fine
    shown = render(plan, evaluate(plan, [AgentInput("1001", "2026-10", {"m": D(5)})]), "json").decode()
    assert '"components": {"base": "0.00", "bonus": "0.00"}' in shown
    assert '"total": "0.00"' in shown


@pytest.mark.parametrize("value", ["[[1]]", "{a: 1}", "7"])
def test_F17_a_metric_type_that_is_not_text_is_a_schema_error_not_a_crash(value: str) -> None:
    """F17 (policy-tree): `type: [[1]]` reached a dict lookup in the range check: TypeError."""
    text = BASE.replace("type: number}", f"type: {value}}}")
    assert [(code, line) for code, line, _, _ in found(text)] == [("JX104", 4)]


def test_F17_a_range_bound_of_true_is_a_schema_error_and_no_bound() -> None:
    text = BASE.replace("type: number}", "type: number, range: {min: true}}")
    assert [(code, line, column) for code, line, column, _ in found(text)] == [("JX103", 4, 44)]


ROLES_TIERS = """\
jixiao: 1
policy: {id: p, version: "1", name: p, effective_from: 2026-01-01}
roles:
  trainee: {label: {zh: 试用期, en: Trainee}}
  agent: {label: {zh: 正式, en: Agent}}
metrics:
  m: {label: m, type: number}
kpis:
  k: {label: k, weight: 100, metric: m, linear: {from: 0, to: 10}}
score: {total: 100}
pay:
  base: {label: base, kind: fixed, amount: 100}
  bonus:
    label: {zh: 提成, en: Bonus}
    kind: commission
    roles: [trainee]
    base: m
    rate: {on: m, tiers: [{to: 5, rate: 0.01}, {from: 5, rate: 0.02}]}
"""


def test_F18_explain_of_a_tiered_commission_not_paid_to_the_agents_role() -> None:
    """F18 (valid): the tier a component never computed (roles: [trainee], agent 'agent') was None: TypeError."""
    plan = plan_of(ROLES_TIERS)
    (result,) = evaluate(plan, [AgentInput("1001", "2026-10", {"m": D(5)}, role="agent")], trace=True)
    assert dict(result.pay) == {"base": D("100.00"), "bonus": D("0.00")}
    text = explain_text(plan, result, "en")
    assert "not paid to this role (applies to: Trainee (trainee))" in text
    assert "bonus.tier) = —" in text
    assert "不发给该岗位（适用于：试用期（trainee））" in explain_text(plan, result, "zh")


# Issue 10's untrusted inputs: events files and penalty clauses (tests/fuzz/test_fuzz_events.py and
# test_fuzz_valid_penalties.py), F19–F26, each fixed.
EVENTS_POLICY = """\
jixiao: 1
policy: {{id: p, version: "1", name: p, effective_from: 2026-01-01}}
metrics:
  m: {{label: m, type: number}}
kpis:
  k: {{label: k, weight: 100, metric: m, linear: {{from: 0, to: 10}}}}
score: {{total: 100}}
pay:
  base: {{label: base, kind: fixed, amount: {base}}}
  bonus: {{label: bonus, kind: fixed, amount: 500}}
events:
  zone: {zone}
  kinds:
    first_response: {{label: {{zh: 首次响应, en: First response}}, aliases: [首响]}}
    price_loss: {{label: 改价损失}}
penalties:
  slow:
    label: {{zh: 首响超过60秒, en: First response over 60 s}}
    rule: S4.P24
    kind: first_response
    value_over: 60
    per: event
    cancels: [bonus]
  price:
    label: {{zh: 擅自改价, en: Unauthorised price change}}
    rule: S4.P19
    kind: price_loss
    per: event
    deducts: loss
deductions:
  minimum_wage: 2740
"""
EVENTS_HEADER = "工号,时间,类型,数值/秒,金额,订单号,备注\n"


def events_plan(zone: str = "Asia/Shanghai", base: str = "3000") -> Plan:
    doc = load_text(EVENTS_POLICY.format(zone=zone, base=base).encode(), "p.yaml")
    assert [d.code for d in check(doc) if d.severity == "error"] == []
    return compile_policy(doc)


def read_events_text(tmp_path, text: str, *, zone: str = "Asia/Shanghai", period: str = "2026-10",
                     name: str = "events.csv") -> list:
    """The events `text` yields per agent 1001 and 1002, or DataError."""
    from engine.data.events import with_events

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    agents = [AgentInput(a, period, {"m": D(5)}) for a in ("1001", "1002")]
    inputs, _ = with_events(events_plan(zone).events, agents, path, period)
    return inputs


def issues_of(tmp_path, text: str, **how) -> list[tuple[int, str]]:
    from engine.errors import DataError

    with pytest.raises(DataError) as caught:
        read_events_text(tmp_path, text, **how)
    for issue in caught.value.issues:
        assert issue.zh and issue.render("zh") and issue.render("en")
    return [(issue.row, issue.column) for issue in caught.value.issues]


def test_F19_an_event_a_clause_measures_or_deducts_needs_its_value_or_amount(tmp_path) -> None:
    """F19 (events-csv): the clause `slow` compares 首响 values, `price` deducts 改价损失 amounts (S4.P24,
    S4.P19); an empty cell there silently counted nothing and deducted 0.00. Refused at the cell."""
    rows = ("1001,2026-10-12 14:03:20,首响,,,T1,\n1002,2026-10-20 10:00,改价损失,,,P7,\n"
            "1002,2026-10-21 10:00,首响,61,,T2,\n")
    assert issues_of(tmp_path, EVENTS_HEADER + rows) == [(2, "数值/秒"), (3, "金额")]


def test_F19_a_file_without_the_column_a_clause_needs_is_refused(tmp_path) -> None:
    """F19 (events-csv): a header 数值/分 is not a value column, so every 首响 had no value: nothing counted."""
    issues = issues_of(tmp_path, "工号,时间,类型,数值/分\n1001,2026-10-12 14:03:20,首响,2\n")
    assert issues and all(row == 2 for row, _ in issues)


def test_F20_a_local_time_the_clocks_skipped_is_refused_at_its_cell(tmp_path) -> None:
    """F20 (events-csv): 02:30 on the day New York's clocks go forward does not exist; it was read as 03:30
    EDT, and a second row at 03:30 with the same order was not recognised as the same instant."""
    rows = "1001,2026-03-08 02:30:00,首响,61,,G1,\n1001,2026-03-08 01:59:59,首响,61,,G2,\n"
    assert issues_of(tmp_path, EVENTS_HEADER + rows, zone="America/New_York", period="2026-03") == [(2, "时间")]


def test_F20_an_offset_makes_a_time_around_a_clock_change_exact(tmp_path) -> None:
    """F20: with an offset both 01:30s of 2026-11-01 (New York) are distinct instants, on the 1st."""
    rows = "1001,2026-11-01T01:30:00-04:00,首响,61,,D1,\n1001,2026-11-01T01:30:00-05:00,首响,61,,D1,\n"
    (first, _) = read_events_text(tmp_path, EVENTS_HEADER + rows, zone="America/New_York", period="2026-11")
    assert [(e.day.isoformat(), e.at.utcoffset().total_seconds()) for e in first.events] == [
        ("2026-11-01", -14400.0), ("2026-11-01", -18000.0)]


def test_F21_a_json_key_with_spaces_around_it_reads_like_a_csv_header(tmp_path) -> None:
    """F21 (events-jsonl): KeyError '工号' escaped for the key ' 工号 '."""
    text = '{" 工号 ": "1001", "时间": "2026-10-12 14:03", "类型": "首响", "数值": 61}\n'
    (first, _) = read_events_text(tmp_path, text, name="events.jsonl")
    assert [(e.kind, e.value) for e in first.events] == [("first_response", D(61))]


def test_F21_a_json_key_whose_unit_contradicts_its_field_is_located(tmp_path) -> None:
    """F21 (events-jsonl): the key 金额（秒） (an amount in seconds) raised CellError, not a DataError."""
    text = '{"工号": "1001", "时间": "2026-10-12 14:03", "类型": "首响", "数值": 61, "金额（秒）": 2}\n'
    assert issues_of(tmp_path, text, name="events.jsonl") == [(1, "金额（秒）")]


def test_F22_two_json_keys_naming_one_field_are_refused(tmp_path) -> None:
    """F22 (events-jsonl): {"agent": "1001", "工号": "1002"} gave the event to 1002, without a word."""
    text = '{"agent": "1001", "工号": "1002", "时间": "2026-10-12 14:03", "类型": "首响", "数值": 61}\n'
    assert issues_of(tmp_path, text, name="events.jsonl") == [(1, "工号")]


def test_F23_a_negative_gross_pay_deducts_nothing_and_carries_the_whole_loss() -> None:
    """F23 (valid-penalties): gross −300.00, a loss of 100.00: cap = ⌊−300 × 0.2⌋ = −60.00, so
    loss_deduction was +60.00 and 160.00 carried. The law (L.1) allows taking nothing here."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from engine.model.events import Event
    from engine.run.evaluate import evaluate_period

    plan = events_plan(base="-800")
    at = datetime(2026, 10, 12, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    event = Event("1001", at, at.date(), "price_loss", None, D(100), "P1", "", "events.csv row 2")
    (result,) = evaluate_period(plan, [AgentInput("1001", "2026-10", {"m": D(5)}, events=(event,))])
    assert dict(result.pay)["loss_deduction"] == D("0.00")
    assert dict(result.penalties)["loss_deduction.carried_out"] == D("100.00")
    assert result.total == D("-300.00")


ROLE_CANCEL = """\
jixiao: 1
policy: {id: p, version: "1", name: p, effective_from: 2026-01-01}
roles:
  trainee: {label: {zh: 试用期, en: Trainee}}
  agent: {label: {zh: 正式, en: Agent}}
metrics:
  m: {label: m, type: number}
kpis:
  k: {label: k, weight: 100, metric: m, linear: {from: 0, to: 10}}
score: {total: 100}
pay:
  base: {label: base, kind: fixed, amount: 3000}
  bonus: {label: {zh: 试用奖金, en: Trainee bonus}, kind: fixed, amount: 100, roles: [trainee]}
events:
  zone: Asia/Shanghai
  kinds:
    no_reply: {label: {zh: 未回复, en: No reply}}
penalties:
  unanswered: {label: {zh: 未回复, en: No reply}, rule: S4.P24, kind: no_reply, per: event, cancels: [bonus]}
"""


def one_event_result(text: str, kind: str, *, role: str | None = None, amount: Decimal | None = None,
                     values: dict | None = None) -> tuple[Plan, AgentResult]:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from engine.model.events import Event
    from engine.run.evaluate import evaluate_period

    at = datetime(2026, 10, 12, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    event = Event("1001", at, at.date(), kind, None, amount, "O1", "", "events.csv row 2")
    plan = plan_of(text)
    (result,) = evaluate_period(plan, [AgentInput("1001", "2026-10", values or {"m": D(5)}, role=role,
                                                  events=(event,))], trace=True)
    return plan, result


def test_F24_explain_of_a_clause_cancelling_a_component_not_paid_to_the_agents_role() -> None:
    """F24 (valid-penalties): `unanswered` fired for a regular agent and cancels `bonus`, paid only to
    trainees; its `.earned` was never computed (None) and explain, explain_json and the XLSX penalties
    sheet raised AttributeError. The money moved is nothing: the bonus was not due to this role."""
    from engine.report.explain import explain_json

    plan, result = one_event_result(ROLE_CANCEL, "no_reply", role="agent")
    assert dict(result.pay) == {"base": D("3000.00"), "bonus": D("0.00")}
    assert "No reply" in explain_text(plan, result, "en")
    assert "未回复" in explain_text(plan, result, "zh")
    explain_json(plan, result, "zh")
    render(plan, [result], "xlsx", "zh")


LOSS_ROUNDED = """\
jixiao: 1
policy: {id: p, version: "1", name: p, effective_from: 2026-01-01, rounding: {quantum: 1, mode: MODE}}
metrics:
  pay: {label: 应发, type: money}
kpis:
  k: {label: k, weight: 100, formula: 100}
score: {total: 100}
pay:
  base: {label: 基本工资, kind: formula, formula: pay}
events:
  zone: Asia/Shanghai
  kinds:
    price_loss: {label: 改价损失}
penalties:
  price: {label: 擅自改价, rule: S4.P19, kind: price_loss, per: event, deducts: loss}
deductions:
  minimum_wage: 2740
"""


@pytest.mark.parametrize(("mode", "loss", "most"), [("half_up", "120.50", "120"), ("up", "0.01", "0")])
def test_F25_a_loss_deduction_never_exceeds_the_actual_loss(mode: str, loss: str, most: str) -> None:
    """F25 (valid-penalties): with `rounding: {quantum: 1}` the loss was rounded half-up (or up): ¥121 taken
    for a ¥120.50 loss, ¥1 for ¥0.01. A deduction takes at most the actual loss (L.2), at the pay quantum."""
    _, result = one_event_result(LOSS_ROUNDED.replace("MODE", mode), "price_loss", amount=D(loss),
                                 values={"pay": D(5000)})
    assert -dict(result.pay)["loss_deduction"] == D(most)
    assert -dict(result.pay)["loss_deduction"] <= D(loss)


@pytest.mark.parametrize(("zone", "written"), [("Asia/Shanghai", "9999-12-31 23:59:59Z"),
                                               ("America/New_York", "0001-01-01 00:00:00+01:00")])
def test_F26_a_time_at_the_end_of_the_calendar_is_refused_at_its_cell(tmp_path, zone: str, written: str) -> None:
    """F26 (events-csv): 9999-12-31 23:59:59Z is year 10000 in Shanghai: OverflowError escaped the reader."""
    text = EVENTS_HEADER + f"1001,{written},首响,61,,T1,\n"
    assert issues_of(tmp_path, text, zone=zone) == [(2, "时间")]
