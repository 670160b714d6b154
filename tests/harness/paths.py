"""Where things are: the repository, its shipped policies and its example data (examples/README.md)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"
EXAMPLES = ROOT / "examples"
TEMPLATES = ROOT / "engine" / "policy" / "templates"

S0_POLICY = POLICIES / "s0_shop.yaml"
S1_POLICY = POLICIES / "s1_ranking.yaml"
S2_POLICY = POLICIES / "s2_commission.yaml"
S3_POLICY = POLICIES / "s3_points.yaml"
S4_POLICY = POLICIES / "s4_path.yaml"
TEMPLATE_POLICY = POLICIES / "template_scorecard.yaml"  # a public template written as printed (T.1–T.9)

# The S0 shop's October 2026 (12 agents, two teams): GB18030 export with a title, a date range and a 合计 row.
S0_METRICS = EXAMPLES / "s0" / "metrics.csv"
S0_METRICS_XLSX = EXAMPLES / "s0" / "metrics.xlsx"
S0_ROSTER = EXAMPLES / "s0" / "roster.csv"
S1_METRICS = EXAMPLES / "s1" / "metrics.csv"
S2_METRICS = EXAMPLES / "s2" / "metrics.csv"
# The S4 path's October 2026 (two teams, 14 people) and its penalty events.
S4_METRICS = EXAMPLES / "s4" / "metrics.csv"
S4_ROSTER = EXAMPLES / "s4" / "roster.csv"
S4_EVENTS = EXAMPLES / "s4" / "events-2026-10.csv"
# An outsourced desk (policies/s2_roster.yaml): 赤兔 nicknames as the key, the roster's 工号, 部门, 入职日期 carried.
S2_ROSTER_POLICY = POLICIES / "s2_roster.yaml"
KEYS_METRICS = EXAMPLES / "roster" / "metrics.csv"
KEYS_ROSTER = EXAMPLES / "roster" / "roster.csv"
KEYS_EVENTS = EXAMPLES / "roster" / "events-2026-10.csv"
# The public template's month (policies/template_scorecard.yaml): 10 agents, every band, medal and bonus.
TEMPLATE_METRICS = EXAMPLES / "template" / "metrics.csv"
