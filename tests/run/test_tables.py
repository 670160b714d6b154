"""Tables keyed by any choice and by two keys (issue 16 item 4), amounts by role inside a step bonus (item 5).

Worked by hand (docs/rules.md ids): base pay by role × grade (S0.6 by grade, S4.1–S4.5 by role) with a
default for the rows not listed; a rating → bonus table (金 500 / 银 300 / 铜 100, S1.5: results pay a
bonus); a bonus by the assessment (S4.1: +200 for 优秀); S4.4/S4.5's team bonus, 100 per 50 % from 150 %
to a trainee supervisor and 150 to a supervisor, written once with `first: {by: role, …}`; a floor by
role × grade (S4.2).

agent a1 (agent, A2; 92 points → gold; 优秀; 200 %):   2500 + 500 + 200 + 200 (100 at 150 %, +100) = 3400.00
agent b2 (supervisor, A2, not listed → default 2800; 80 → silver; 合格; 150 %): 2800 + 300 + 0 + 150 = 3250.00
agent c3 (supervisor, A1; 50 → none; 不合格; 100 %): 3000 + 0 + 0 + 0 = 3000, floor default 3100 → +100 = 3100.00
Both back-ends must agree bit for bit (tests/run/test_back_ends.py).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.errors import JixiaoError
from engine.model.inputs import AgentInput
from engine.policy.runtime import LookupFailed, lookup
from engine.report.explain import explain_text
from engine.run.evaluate import evaluate
from tests.harness.plans import compile_text, pay, traced
from tests.run.test_back_ends import agree

POLICY = """\
jixiao: 1
policy: {id: t, version: "1", name: 表, effective_from: 2026-01-01}
roles:
  agent: {label: {zh: 客服, en: Agent}}
  supervisor: {label: {zh: 客服主管, en: Supervisor}}
grades:
  A1: {label: A1}
  A2: {label: A2}
metrics:
  q: {label: 质检分, type: number}
  attainment: {label: 完成率, type: number}
  assessment:
    label: {zh: 考核结果, en: Assessment}
    type: choice
    values:
      excellent: {label: {zh: 优秀, en: Excellent}}
      pass: {label: {zh: 合格, en: Pass}}
      fail: {label: {zh: 不合格, en: Fail}}
kpis:
  quality: {label: 质检, weight: 100, formula: q}
score:
  total: 100
  ratings:
    gold: {label: {zh: 金, en: Gold}, min: 90}
    silver: {label: {zh: 银, en: Silver}, min: 75}
    bronze: {label: {zh: 铜, en: Bronze}, min: 60}
    none: {label: {zh: 无, en: None}}
pay:
  base:
    label: {zh: 底薪, en: Base pay}
    rule: S0.6
    kind: table
    key: [role, grade]
    values:
      agent: {A1: 2000, A2: 2500}
      supervisor: {A1: 3000}
    default: 2800
  rating_bonus:
    label: {zh: 评级奖金, en: Rating bonus}
    rule: S1.5
    kind: table
    key: rating
    values: {gold: 500, silver: 300, bronze: 100, none: 0}
  assessment_bonus:
    label: {zh: 考核奖, en: Assessment bonus}
    rule: S4.1
    kind: table
    key: assessment
    values: {excellent: 200, pass: 0, fail: 0}
  team_bonus:
    label: {zh: 团队奖, en: Team bonus}
    rule: [S4.4, S4.5]
    kind: step
    on: attainment
    from: 1.5
    every: 0.5
    first: {by: role, values: {agent: 100, supervisor: 150}}
  guarantee:
    label: {zh: 保底, en: Guarantee}
    rule: S4.2
    kind: minimum
    floor:
      by: [role, grade]
      values: {agent: {A1: 2200, A2: 2600}}
      default: 3100
"""


def agent(name: str, role: str | None, grade: str | None, q: str, attainment: str, assessment: str) -> AgentInput:
    return AgentInput(name, "2026-10", {"q": Decimal(q), "attainment": Decimal(attainment), "assessment": assessment},
                      role=role, grade=grade)


AGENTS = [agent("a1", "agent", "A2", "92", "2.0", "excellent"), agent("b2", "supervisor", "A2", "80", "1.5", "pass"),
          agent("c3", "supervisor", "A1", "50", "1.0", "fail")]


@pytest.fixture
def plan(tmp_path):
    return compile_text(tmp_path, POLICY)


def test_tables_by_two_keys_rating_choice_and_amounts_by_role_S0_6_S4_4_S4_5(plan) -> None:
    agree(plan, AGENTS)
    results = evaluate(plan, AGENTS, trace=True)
    names = ("base", "rating_bonus", "assessment_bonus", "team_bonus", "guarantee")
    lines = [(*(str(pay(r, name)) for name in names), str(r.total)) for r in results]
    assert lines == [
        ("2500.00", "500.00", "200.00", "200.00", "0.00", "3400.00"),
        ("2800.00", "300.00", "0.00", "150.00", "0.00", "3250.00"),
        ("3000.00", "0.00", "0.00", "0.00", "100.00", "3100.00"),
    ]
    # The trace says which row each table by two keys was read at, and what the step bonus was looked up as.
    assert [traced(plan, r, "base.row") for r in results] == ["agent × A2", "default", "supervisor × A1"]
    assert [traced(plan, r, "team_bonus.first") for r in results] == [Decimal(100), Decimal(150), Decimal(150)]
    assert [traced(plan, r, "guarantee.floor") for r in results] == [Decimal(2600), Decimal(3100), Decimal(3100)]


def test_explain_shows_the_keys_and_the_row_in_both_languages(plan) -> None:
    [_, result, _] = evaluate(plan, AGENTS, trace=True)
    en, zh = explain_text(plan, result, "en"), explain_text(plan, result, "zh")
    assert ("Base pay (base) = 2800.00 CNY   [S0.6 · line 29]\n"
            "      = table by role × grade, 2800 for any not listed") in en
    assert ("row used (base.row) = default   [line 33]\n"
            "        = the row of role × grade read, default when not listed") in en
    assert "      Role (role) = Supervisor   [line 3]\n      Grade (grade) = A2   [line 6]" in en
    assert "= 按岗位 × 等级查表，表中未列出的取 2800" in zh and "= 按岗位 × 等级查到的行，未列出时为 default" in zh
    assert ("Rating bonus (rating_bonus) = 300.00 CNY   [S1.5 · line 38]\n"
            "      = table by rating\n    Rating (rating) = Silver") in en
    assert "= 按考核结果查表" in zh
    assert "= team_bonus.first at attainment ≥ 1.5, +team_bonus.first per further 0.5" in en
    assert "amount at the first step (team_bonus.first) = 150.00 CNY   [line 57]\n        = table by role" in en


@pytest.mark.parametrize(("role", "grade", "en", "zh"), [
    (None, "A1", "the agent has no role (give a roster with a role column)",
     "该客服没有岗位（请提供含岗位列的花名册）"),
    ("agent", None, "the agent has no grade (give a roster with a grade column)",
     "该客服没有等级（请提供含等级列的花名册）"),
])
def test_an_absent_key_is_a_located_error_never_the_default(plan, role, grade, en, zh) -> None:
    """A default pays a declared combination not listed, never an agent whose key is missing."""
    item = agent("x", role, grade, "92", "2.0", "excellent")
    found = agree(plan, [item])
    assert found[0] == "error"
    with pytest.raises(JixiaoError) as raised:
        evaluate(plan, [item])
    english, chinese = "\n".join(raised.value.lines("en")), "\n".join(raised.value.lines("zh"))
    assert en in english and zh in chinese
    assert "policy.yaml:33: cannot compute base.row for agent x (2026-10): " in english, english  # `key:`


def test_lookup_by_two_keys_names_the_pair_and_the_rows() -> None:
    table = {("agent", "A1"): Decimal(2000), ("supervisor", "A1"): Decimal(3000)}
    assert lookup(table, ("supervisor", "A1"), ("role", "grade")) == Decimal(3000)
    assert lookup(table, ("agent", "A2"), ("role", "grade"), Decimal(1)) == Decimal(1)
    with pytest.raises(LookupFailed) as raised:
        lookup(table, ("agent", "A2"), ("role", "grade"))
    assert str(raised.value) == "role × grade 'agent × A2' has no entry; the table has agent × A1, supervisor × A1"
    assert raised.value.zh == "岗位 × 等级 'agent × A2' 在表中没有对应项；表中有：agent × A1、supervisor × A1"


def test_a_blank_choice_is_an_error_whatever_the_default() -> None:
    """Another helper adds a choice that may be blank (not assessed): a table by it never pays that as the default."""
    with pytest.raises(LookupFailed) as raised:
        lookup({"excellent": Decimal(200)}, None, "assessment", Decimal(0))
    assert str(raised.value) == "the agent has no assessment this month, and a table is looked up by it"
    assert raised.value.zh == "该客服本月没有assessment，而有一张表要按它查找"
    with pytest.raises(LookupFailed):
        lookup({("excellent", "A1"): Decimal(200)}, ("excellent", None), ("assessment", "grade"), Decimal(0))


# S0.3's tiers with a rate by role in the upper tiers (issue 16 item 5): 0.1 % below the target for everyone;
# 0.2 % (agent) / 0.3 % (supervisor) from 100 %; from 120 % 0.4 % (agent), any other role the default 0.5 %.
COMMISSION = """\
jixiao: 1
policy: {id: c, version: "1", name: 提成, effective_from: 2026-01-01}
roles:
  agent: {label: {zh: 客服, en: Agent}}
  supervisor: {label: {zh: 客服主管, en: Supervisor}}
metrics:
  sales: {label: 销售额, type: money}
  attainment: {label: 完成率, type: number}
kpis:
  a: {label: 完成, weight: 100, formula: "100"}
score: {total: 100}
pay:
  commission:
    label: {zh: 提成, en: Commission}
    rule: [S0.3, S4.4]
    kind: commission
    base: sales
    rate:
      on: attainment
      tiers:
        - {from: 0, to: 1.0, rate: 0.001}
        - {from: 1.0, to: 1.2, rate: {by: role, values: {agent: 0.002, supervisor: 0.003}}}
        - {from: 1.2, rate: {by: role, values: {agent: 0.004}, default: 0.005}}
"""


@pytest.mark.parametrize(("role", "attainment", "paid", "rate"), [
    ("agent", "0.9", "100.00", "0.001"),  # tier 1, the same number for every role
    ("agent", "1.0", "200.00", "0.002"),
    ("supervisor", "1.1", "300.00", "0.003"),
    ("agent", "1.2", "400.00", "0.004"),
    ("supervisor", "1.5", "500.00", "0.005"),  # not listed: the tier's default
])
def test_S0_3_tier_rates_by_role_on_both_back_ends(tmp_path, role, attainment, paid, rate) -> None:
    plan = compile_text(tmp_path, COMMISSION)
    item = AgentInput("x", "2026-10", {"sales": Decimal(100000), "attainment": Decimal(attainment)}, role=role)
    agree(plan, [item])
    result = evaluate(plan, [item], trace=True)[0]
    assert (pay(result, "commission"), traced(plan, result, "commission.rate")) == (Decimal(paid), Decimal(rate))


def test_explain_says_a_tier_rate_by_role_is_looked_up_not_0(tmp_path) -> None:
    plan = compile_text(tmp_path, COMMISSION)
    item = AgentInput("x", "2026-10", {"sales": Decimal(100000), "attainment": Decimal("1.5")}, role="supervisor")
    en = explain_text(plan, evaluate(plan, [item], trace=True)[0], "en")
    assert "    rate (commission.rate) = 0.50%   [S0.3 · S4.4 · line 20]\n        = rate of that tier by role" in en
    assert "tier reached (commission.tier) = band 3 [1.2, +∞) → rate looked up (see the rate)" in en
