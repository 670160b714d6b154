"""`jixiao diff OLD NEW`: two versions of a shipped policy on the same month, deltas checked by hand.

examples/s2/policy-v2.yaml is policies/s2_commission.yaml with commission 2.5 % instead of 2 % (S2.3)
and the top satisfaction band from 95 % instead of 90 %. On examples/s2/metrics.csv each agent gains
0.5 % of her sales: 350 → 1.75, 24,300 → 121.50, 16,200 → 81.00, 9,000 → 45.00, and 26,400.50 →
660.0125, paid 660.01 (half up to the fen), against 528.01: 132.00. Payroll 16,525.01 → 16,906.26
(+381.25). Pay in S2 does not read the score, but two agents' satisfaction (92 %, 90 %) falls from the
top band to the middle one (20 → 10 points, S2.1): 小周 66.50 → 56.50 (pass → fail), 小陈 93.33 →
83.33 (excellent → pass).
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from harness.cli import run
from harness.paths import EXAMPLES, S2_METRICS, S2_POLICY

V2 = EXAMPLES / "s2" / "policy-v2.yaml"
DELTAS = {"3001": ("3007.00", "3008.75", "1.75"), "3002": ("3486.00", "3607.50", "121.50"),
          "3003": ("3324.00", "3405.00", "81.00"), "3004": ("3180.00", "3225.00", "45.00"),
          "3005": ("3528.01", "3660.01", "132.00")}


def diff(*args: object):
    return run("diff", S2_POLICY, V2, "--metrics", S2_METRICS, *args)


def test_json_totals_agents_distribution_and_structure():
    result = diff("--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["totals"] == {"old": "16525.01", "new": "16906.26", "delta": "381.25"}
    assert {a["agent"]: (a["old"], a["new"], a["delta"]) for a in data["agents"]} == DELTAS
    assert data["distribution"] == {"min": "1.75", "median": "81.00", "max": "132.00", "better_off": 5,
                                    "worse_off": 0, "unchanged": 0}
    assert data["changed"] == {"rating": 2, "grade": 0, "band": 2, "place": 0, "pay": 5}
    zhou = next(a for a in data["agents"] if a["agent"] == "3001")
    assert zhou["rating"] == {"old": "pass", "new": "fail"}
    assert zhou["bands"]["satisfaction"] == {"old": 3, "new": 2}
    assert zhou["pay"] == {"base": {"old": "3000.00", "new": "3000.00", "delta": "0.00"},
                           "commission": {"old": "7.00", "new": "8.75", "delta": "1.75"}}
    assert zhou["changed"] == ["rating", "band:satisfaction", "pay:commission"]
    assert data["structure"] == [
        {"change": "changed", "path": "policy.version", "old_line": 10, "new_line": 10, "keys": []},
        {"change": "changed", "path": "kpis.satisfaction", "old_line": 76, "new_line": 76, "keys": ["bands"]},
        {"change": "changed", "path": "pay.commission", "old_line": 98, "new_line": 98, "keys": ["rate"]},
    ]
    assert (data["old"]["version"], data["new"]["version"]) == ("1.0", "1.1")


def test_table_in_both_languages():
    en = diff("--lang", "en").stdout.splitlines()
    assert en[3].split() == ["3001", "小周", "3007.00", "3008.75", "+1.75", "rating", "Pass→Fail;", "band",
                             "satisfaction", "3→2;", "pay", "commission", "7.00→8.75"]
    assert en[8:11] == [
        "total: 5 agents · old payroll 16525.01 · new payroll 16906.26 · delta +381.25",
        "deltas: min +1.75 · median +81.00 · max +132.00; 5 better off, 0 worse off, 0 unchanged",
        "agents changing: band 2 · rating 2 · place 0 · grade 0",
    ]
    assert en[-1] == "  changed pay.commission (old line 98 → new line 98): rate"
    zh = diff().stdout.splitlines()
    assert zh[8] == "合计：5 人 · 原方案应发 16525.01 · 新方案应发 16906.26 · 差额 +381.25"
    assert zh[-1] == "  修改 pay.commission (原第 98 行 → 新第 98 行): rate"


def test_csv_for_excel():
    text = diff("--format", "csv", "--lang", "en").stdout
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    head = rows[0]
    assert head[:6] == ["agent", "name", "period", "old", "new", "delta"]
    by_agent = {row[0]: dict(zip(head, row, strict=True)) for row in rows[1:]}
    assert by_agent["3005"]["delta"] == "132.00"
    assert (by_agent["3005"]["rating old"], by_agent["3005"]["rating new"]) == ("Excellent", "Pass")
    assert by_agent["3005"]["pay commission delta"] == "132.00"


def test_markdown_for_a_pull_request_comment():
    text = diff("--format", "markdown", "--lang", "en").stdout
    assert "| payroll | 16525.01 | 16906.26 | +381.25 |" in text
    assert "| 3005 | 小陈 | 3528.01 | 3660.01 | +132.00 | rating Excellent→Pass; band satisfaction 3→2; pay " \
           "commission 528.01→660.01 |" in text
    assert "- changed kpis.satisfaction (old line 76 → new line 76): bands" in text


def test_the_same_policy_changes_nothing():
    data = json.loads(run("diff", S2_POLICY, S2_POLICY, "--metrics", S2_METRICS, "--format", "json").stdout)
    assert data["totals"] == {"old": "16525.01", "new": "16525.01", "delta": "0.00"}
    assert data["distribution"]["unchanged"] == 5
    assert data["structure"] == []
    markdown = run("diff", S2_POLICY, S2_POLICY, "--metrics", S2_METRICS, "--format", "markdown", "--lang", "en")
    assert markdown.stdout.rstrip().endswith("no agent's result changes")


def test_an_added_and_a_removed_rule_with_their_lines(tmp_path):
    old = S2_POLICY.read_text(encoding="utf-8")
    new = old.replace("  commission:\n    label: {zh: 销售提成", "  bonus: {label: {zh: 奖金, en: Bonus}, kind: fixed, "
                      "amount: 100}\n  commission:\n    label: {zh: 销售提成", 1)
    path = tmp_path / "new.yaml"
    path.write_text(new, encoding="utf-8")
    data = json.loads(run("diff", path, S2_POLICY, "--metrics", S2_METRICS, "--format", "json").stdout)
    assert data["structure"] == [{"change": "removed", "path": "pay.bonus", "old_line": 98, "new_line": None,
                                  "keys": []}]
    assert data["totals"]["delta"] == "-500.00"  # 100 less for each of 5 agents
    assert data["distribution"]["worse_off"] == 5
    added = json.loads(run("diff", S2_POLICY, path, "--metrics", S2_METRICS, "--format", "json").stdout)
    assert added["structure"][0] == {"change": "added", "path": "pay.bonus", "old_line": None, "new_line": 98,
                                     "keys": []}


@pytest.mark.parametrize(("args", "code", "message"), [
    (("diff", S2_POLICY, "nowhere.yaml", "--metrics", S2_METRICS), 1, "nowhere.yaml:1:1: JX001"),
    (("diff", S2_POLICY, V2), 2, "Missing option '--metrics'"),
    (("diff", S2_POLICY, V2, "--metrics", S2_METRICS, "--format", "xlsx"), 2, "Invalid value for '--format'"),
])
def test_errors_exit_non_zero_and_print_nothing_on_stdout(args, code, message):
    result = run(*args, "--lang", "en")
    assert result.exit_code == code
    assert message in result.stderr
    assert result.stdout == ""


def test_out_writes_the_whole_file_and_refuses_an_input(tmp_path):
    out = tmp_path / "diff.md"
    assert diff("--format", "markdown", "--out", out).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("### jixiao diff: s2-flat-commission 1.0")
    refused = diff("--out", S2_METRICS, "--lang", "en")
    assert refused.exit_code == 1
    assert S2_METRICS.read_text(encoding="utf-8").startswith("工号")


def test_what_each_evaluation_has_to_say_names_its_policy_and_the_data_notes_come_once():
    """S4 has penalty clauses: without --events none can fire, which each policy's line says."""
    from harness.paths import S4_METRICS, S4_POLICY, S4_ROSTER

    result = run("diff", S4_POLICY, S4_POLICY, "--metrics", S4_METRICS, "--roster", S4_ROSTER, "--lang", "en")
    assert result.exit_code == 0, result.output
    said = result.stderr.splitlines()
    assert [line.split(": warning: ")[0] for line in said if ": warning: the policy has penalty clauses" in line] == \
        [str(S4_POLICY), str(S4_POLICY)]
    notes = [line for line in said if ": note: " in line and "metrics.csv" in line]  # the data's: once
    assert notes == [f"{S4_POLICY}: note: {S4_METRICS}: row 1: preamble '客服绩效月报' skipped",
                     f"{S4_POLICY}: note: {S4_METRICS}: row 2: preamble '统计时间: 2026-10-01 ~ 2026-10-31' skipped",
                     f"{S4_POLICY}: note: {S4_METRICS}: row 18: summary row '合计' skipped"]
