"""The base policy of the check tests and how a case edits it.

A small S0 shop (S0.1 weights summing to 100 points, S0.3 commission tiers, S0.5 gate below 60,
S0.6 base pay by grade) plus an S4.2 guaranteed minimum. Each case mutates one spot of it
(`mutate`) and says where its diagnostic must point (`loc`).
"""

from __future__ import annotations

BASE = """\
jixiao: 1

policy:
  id: test-shop
  version: "2026.11"
  name: {zh: 测试店铺, en: Test shop}
  effective_from: 2026-11-01
  rounding: {quantum: 0.01, mode: half_up}

roles:
  probation: {label: {zh: 试用期客服, en: Agent on probation}}
  agent: {label: {zh: 客服, en: Agent}}

grades:
  A0: {label: {zh: A0, en: A0}}
  A1: {label: {zh: A1, en: A1}}

metrics:
  sales:
    label: {zh: 实际销售额, en: Actual sales}
    type: money
  sales_target:
    label: {zh: 人均计划销售额, en: Per-capita sales target}
    type: money
    scope: team
  reply_rate:
    label: {zh: 旺旺回复率, en: Chat reply rate}
    type: ratio
  first_response:
    label: {zh: 首次响应时间, en: First response time}
    type: duration
    direction: lower
  absences:
    label: {zh: 缺勤天数, en: Days absent}
    type: count
    direction: lower

aggregates:
  team_sales:
    label: {zh: 人均实际销售额, en: Team per-capita sales}
    of: sales
    stat: mean

derived:
  attainment:
    label: {zh: 销售额达成率, en: Sales attainment}
    formula: sales / sales_target

kpis:
  sales_attainment:
    label: {zh: 销售额达成率, en: Sales attainment}
    metric: attainment
    weight: 40
    linear: {from: 0.5, to: 1.0}
  reply_rate:
    label: {zh: 旺旺回复率, en: Chat reply rate}
    metric: reply_rate
    weight: 20
    bands:
      - {to: 0.9, points: 0}
      - {from: 0.9, to: 0.95, points: 10}
      - {from: 0.95, points: 20}
  first_response:
    label: {zh: 首次响应时间, en: First response time}
    metric: first_response
    weight: 30
    linear: {from: 60, to: 20}
  attendance:
    label: {zh: 人事考勤, en: Attendance}
    weight: 10
    formula: 10 - 5 * absences

score:
  total: 100
  precision: 0.01
  ratings:
    excellent: {label: {zh: 优秀, en: Excellent}, min: 90}
    pass: {label: {zh: 达标, en: Met the standard}, min: 60}
    fail: {label: {zh: 未达标, en: Below standard}}
  gates:
    no_performance_pay:
      label: {zh: 评分低于60分无绩效奖励, en: Below 60 points earns no performance pay}
      when: score < 60
      cancels: [performance]

pay:
  base:
    label: {zh: 基本工资, en: Base pay}
    kind: table
    key: grade
    values: {A0: 1800, A1: 2000}
  performance:
    label: {zh: 绩效提成, en: Performance commission}
    kind: commission
    base: score / 100 * team_sales
    rate:
      on: "0 if role == 'probation' else attainment"
      mode: retroactive
      tiers:
        - {from: 0, to: 1.0, rate: 0.001}
        - {from: 1.0, to: 1.2, rate: 0.002}
        - {from: 1.2, rate: 0.004}
  guarantee:
    label: {zh: 保底工资, en: Guaranteed minimum}
    kind: minimum
    floor: 1500
    of: [base, performance]
"""

LATER_COMPONENT = """\
  later:
    label: {zh: 后算, en: Computed later}
    kind: fixed
    amount: 100
"""


def mutate(*edits: tuple[str, str], text: str = BASE) -> str:
    """BASE with each (old, new) applied; `old` must occur exactly once, so edits cannot drift."""
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def loc(text: str, fragment: str, token: str | None = None) -> tuple[int, int]:
    """Line and column (1-based) of `token` on the line where the one `fragment` in `text` starts.

    `token` defaults to the fragment itself; the first occurrence on that line is taken.
    """
    assert text.count(fragment) == 1, f"{fragment!r} occurs {text.count(fragment)} times"
    start = text.rfind("\n", 0, text.index(fragment)) + 1
    line = text[start:].split("\n", 1)[0]
    token = fragment.split("\n", 1)[0].strip() if token is None else token
    assert token in line, f"{token!r} is not on the line {line!r}"
    return text.count("\n", 0, start) + 1, line.index(token) + 1
