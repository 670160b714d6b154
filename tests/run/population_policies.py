"""A small policy for population tests: the score is the `points` metric (0–100), so each test
chooses the scores it ranks; two roles (agent, supervisor) and a sales metric for team sums."""

from __future__ import annotations

BASE = """\
jixiao: 1

policy:
  id: rank-shop
  version: "1"
  name: {zh: 排名店铺, en: Ranking shop}
  effective_from: 2026-10-01

roles:
  agent: {label: {zh: 客服, en: Agent}}
  supervisor: {label: {zh: 主管, en: Supervisor}}

metrics:
  points:
    label: {zh: 考核分, en: Points}
    type: number
    range: {min: 0, max: 100}
  sales:
    label: {zh: 销售额, en: Sales}
    type: money
  campaign:
    label: {zh: 活动销售额, en: Campaign sales}
    type: money
    missing: 0

derived:
  own_sales:
    label: {zh: 非活动销售额, en: Sales without campaign}
    formula: sales - campaign

kpis:
  points:
    label: {zh: 考核分, en: Points}
    weight: 100
    formula: points

score:
  total: 100
POPULATION
pay:
  base:
    label: {zh: 底薪, en: Base pay}
    kind: fixed
    amount: 3000
PAY"""

RANKING = """
rankings:
  monthly:
    label: {zh: 月度排名, en: Monthly ranking}
    rule: S1.5
    of: score
    top: {percent: 30, rounding: floor}
"""

PRIZE = """\
  prize:
    label: {zh: 名次奖, en: Place prize}
    rule: S1.5
    kind: formula
    formula: 500 if monthly_place == 1 else 300 if monthly_place == 2 else 100 if monthly_place == 3 else 0
"""


def policy(population: str = RANKING, pay: str = PRIZE) -> str:
    return BASE.replace("POPULATION\n", population).replace("PAY", pay)
