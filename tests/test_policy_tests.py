"""`jixiao test`: a shop's test cases beside its policy, run as the project's own scenarios are, with
coverage in business terms; exit 0 all pass, 1 a failure (or coverage under --min-coverage), 2 a
usage or load error; every format (text, json, junit read back by junitparser, github).

The shop: one KPI in three bands of sales (below 1000: 0 points, 1000–2000: 60, from 2000: 100),
ratings good (≥ 60) and poor, base 2000 and a bonus of 5 × score. The case reaches the first two
bands only (a: 500, b: 1500), so band 3 is the deliberately unreached item: 6 of 7 items, 85.7 %.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from harness.cli import run
from harness.paths import POLICIES
from junitparser import Failure, JUnitXml

POLICY = """\
jixiao: 1
policy:
  id: band-shop
  version: "1"
  name: {zh: 档位测试, en: Band test}
  effective_from: 2026-10-01
metrics:
  sales: {label: {zh: 销售额, en: Sales}, type: money}
kpis:
  sales:
    label: {zh: 销售额, en: Sales}
    metric: sales
    weight: 100
    bands:
      - {to: 1000, points: 0}
      - {from: 1000, to: 2000, points: 60}
      - {from: 2000, points: 100}
score:
  total: 100
  ratings:
    good: {label: {zh: 好, en: Good}, min: 60}
    poor: {label: {zh: 差, en: Poor}}
pay:
  base: {label: {zh: 底薪, en: Base}, kind: fixed, amount: 2000}
  bonus: {label: {zh: 奖金, en: Bonus}, kind: formula, formula: score * 5}
"""
BAND_3_LINE = 17  # `- {from: 2000, points: 100}`

CASE = """\
name: October
policy: ../policy.yaml
period: 2026-10
inputs:
  metrics: [[工号, 月份, 销售额], [a, 2026-10, 500], [b, 2026-10, 1500]]
expected:
  payroll: 4300.00
  agents:
    a: {rating: poor, kpis: {sales: 0.00}, pay: {base: 2000.00, bonus: 0.00}, total: 2000.00}
    b: {rating: good, kpis: {sales: 60.00}, pay: {base: 2000.00, bonus: 300.00}, total: 2300.00}
"""


def shop(tmp_path: Path, case: str = CASE) -> Path:
    """The shop's folder: policy.yaml, and tests/october.yaml beside it."""
    (tmp_path / "shop" / "tests").mkdir(parents=True)
    (tmp_path / "shop" / "policy.yaml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "shop" / "tests" / "october.yaml").write_text(case, encoding="utf-8")
    return tmp_path / "shop"


def test_a_passing_suite_exits_0_and_reports_coverage_with_the_unreached_band_and_its_line(tmp_path, monkeypatch):
    folder = shop(tmp_path)
    monkeypatch.chdir(folder)
    result = run("test", "--lang", "en")  # the folder searched: the policy is not taken for a case
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "1 case(s): 1 passed, 0 failed",
        "policy.yaml: 85.7% covered (band 2/3, rating 2/2, pay component 2/2)",
        f"  policy.yaml:{BAND_3_LINE}: no test reaches band kpis.sales.bands[2]",
    ]
    assert POLICY.splitlines()[BAND_3_LINE - 1].strip() == "- {from: 2000, points: 100}"
    zh = run("test")
    assert zh.stdout.splitlines()[0] == "1 个用例：1 个通过，0 个失败"
    assert zh.stdout.splitlines()[2] == f"  policy.yaml:{BAND_3_LINE}：测试从未覆盖档位 kpis.sales.bands[2]"


def test_min_coverage_fails_below_and_passes_at_or_under_it(tmp_path):
    folder = shop(tmp_path)
    below = run("test", folder, "--min-coverage", "90", "--lang", "en")
    assert below.exit_code == 1
    assert below.stdout.splitlines()[-1].endswith("policy.yaml: coverage 85.7% is below --min-coverage 90%")
    assert run("test", folder, "--min-coverage", "85.7").exit_code == 0


def test_a_reached_third_band_makes_100_percent(tmp_path):
    folder = shop(tmp_path, CASE.replace("[b, 2026-10, 1500]]", "[b, 2026-10, 1500], [c, 2026-10, 2000]]")
                  .replace("payroll: 4300.00", "payroll: 6800.00"))  # c: 100 points, 2000 + 500
    result = run("test", folder, "--min-coverage", "100", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "policy.yaml: 100.0% covered (band 3/3, rating 2/2, pay component 2/2)" in result.stdout


def test_a_failing_case_exits_1_with_expected_actual_and_the_trace_path(tmp_path):
    folder = shop(tmp_path, CASE.replace("bonus: 300.00", "bonus: 301.00"))
    result = run("test", folder, "--lang", "en")
    assert result.exit_code == 1
    case = folder / "tests" / "october.yaml"
    lines = result.stdout.splitlines()
    start = lines.index(f"{case}:10: 2026-10 · agent b · pay.bonus: expected 301.00, actual 300.00")
    assert lines[start + 1] == f"    from step bonus (pay:formula; no rule id; {folder / 'policy.yaml'}:25)"
    assert lines[start + 2] == "    path: total › bonus"
    assert lines[start + 3] == "    read: score = 60.00"
    assert "1 case(s): 0 passed, 1 failed" in lines


@pytest.mark.parametrize(("args", "message"), [
    (("nowhere.yaml",), "nowhere.yaml: file not found"),
    (("--min-coverage", "lots"), "--min-coverage is a percentage from 0 to 100, not 'lots'"),
    (("--min-coverage", "101"), "--min-coverage is a percentage from 0 to 100, not '101'"),
])
def test_usage_and_load_errors_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(shop(tmp_path))
    result = run("test", *args, "--lang", "en")
    assert result.exit_code == 2
    assert message in result.output
    assert result.stdout == ""


def test_a_folder_without_cases_and_a_file_that_is_not_a_case_exit_2(tmp_path):
    (tmp_path / "policy.yaml").write_text(POLICY, encoding="utf-8")
    nothing = run("test", tmp_path, "--lang", "en")
    assert nothing.exit_code == 2
    assert nothing.stderr.strip() == f"no test files under {tmp_path} (YAML files with cases: or expected: at their " \
                                     "top level)"
    assert run("test", tmp_path).stderr.startswith(f"{tmp_path} 下没有找到测试文件")
    not_a_case = run("test", tmp_path / "policy.yaml", "--lang", "en")
    assert not_a_case.exit_code == 2
    assert not_a_case.stderr.startswith(f"{tmp_path / 'policy.yaml'}:1: unknown key 'jixiao'")


def test_json_format(tmp_path):
    folder = shop(tmp_path, CASE.replace("bonus: 300.00", "bonus: 301.00"))
    data = json.loads(run("test", folder, "--format", "json", "--min-coverage", "50").stdout)
    (case,) = data["cases"]
    assert (case["name"], case["line"], case["passed"]) == ("October", 1, False)
    assert [f["line"] for f in case["failures"]] == [10]
    assert data["summary"] == {"cases": 1, "passed": 0, "failed": 1, "ok": False}
    (policy,) = data["coverage"]
    assert policy["percent"] == "85.7"
    assert policy["areas"] == {"band": {"reached": 2, "declared": 3}, "rating": {"reached": 2, "declared": 2},
                               "component": {"reached": 2, "declared": 2}}
    assert policy["missed"] == [{"area": "band", "path": "kpis.sales.bands[2]", "line": BAND_3_LINE}]
    assert (policy["below_minimum"], data["min_coverage"]) == (False, "50")


def test_junit_format_read_back_by_a_junit_parser(tmp_path):
    """junitparser (a test extra) reads the report as CI servers do: suites, cases, failures."""
    folder = shop(tmp_path, CASE.replace("bonus: 300.00", "bonus: 301.00"))
    out = tmp_path / "report.xml"
    result = run("test", folder, "--format", "junit", "--min-coverage", "90", "--out", out, "--lang", "en")
    assert result.exit_code == 1 and result.stdout == ""
    xml = JUnitXml.fromfile(str(out))
    (suite,) = list(xml)
    assert (suite.tests, suite.failures, suite.errors) == (2, 2, 0)
    cases = {case.name: case for case in suite}
    october = cases["October"]
    (failure,) = [r for r in october.result if isinstance(r, Failure)]
    assert failure.message.endswith("2026-10 · agent b · pay.bonus: expected 301.00, actual 300.00")
    assert "path: total › bonus" in failure.text
    coverage = cases[str(folder / "policy.yaml")]
    (short,) = coverage.result
    assert short.message.endswith("coverage 85.7% is below --min-coverage 90%")
    assert {p.name: p.value for p in suite.properties()} == {f"coverage {folder / 'policy.yaml'}": "85.7"}


def test_junit_of_a_passing_suite_has_no_failures(tmp_path):
    xml = JUnitXml.fromstring(run("test", shop(tmp_path), "--format", "junit").stdout.encode())
    (suite,) = list(xml)
    assert (suite.tests, suite.failures) == (1, 0)
    assert [case.is_passed for case in suite] == [True]


def test_github_format_annotates_the_case_line_and_the_unreached_policy_line(tmp_path):
    folder = shop(tmp_path, CASE.replace("bonus: 300.00", "bonus: 301.00"))
    lines = run("test", folder, "--format", "github", "--lang", "en").stdout.splitlines()
    case, policy = folder / "tests" / "october.yaml", folder / "policy.yaml"
    assert lines[0].startswith(f"::error file={case},line=10,title=October::{case}:10: 2026-10 · agent b · "
                               "pay.bonus: expected 301.00, actual 300.00%0A    from step bonus")
    assert lines[1] == (f"::warning file={policy},line={BAND_3_LINE},title=not reached by a test::{policy}:"
                        f"{BAND_3_LINE}: no test reaches band kpis.sales.bands[2]")
    assert lines[2].startswith("::notice::1 case(s): 0 passed, 1 failed · ")
    assert len(lines) == 3


def test_a_case_file_of_several_cases_and_an_inline_policy(tmp_path):
    """Coverage of a policy written in the case file is located in the case file."""
    text = "policy: |\n" + textwrap.indent(POLICY, "  ") + textwrap.dedent("""\
        period: 2026-10
        inputs: {metrics: [[工号, 月份, 销售额], [a, 2026-10, 2500]]}
        cases:
          - {name: top band, expected: {agents: {a: {kpis: {sales: 100.00}, total: 2500.00}}}}
          - {name: headcount, expected: {headcount: 1}}
        """)
    path = tmp_path / "inline.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("test", path, "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == ["2 case(s): 2 passed, 0 failed",
                         f"{path}:1: 57.1% covered (band 1/3, rating 1/2, pay component 2/2)"]
    assert lines[2] == f"  {path}:{1 + 15}: no test reaches band kpis.sales.bands[0]"


def test_every_shipped_policy_ships_with_tests_reaching_all_it_declares():
    """policies/tests/: cases worked out by hand from docs/rules.md, reaching 100 % of every shipped
    policy's bands, tiers, gates, ratings, pay components, ranking cuts, review outcomes and clauses."""
    policies = sorted(p.name for p in POLICIES.glob("*.yaml"))
    result = run("test", POLICIES / "tests", "--min-coverage", "100", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["summary"]["failed"] == 0
    assert sorted(Path(c["policy"]).name for c in data["coverage"]) == policies
    assert {c["percent"] for c in data["coverage"]} == {"100.0"}


def test_a_failure_and_a_refused_file_are_said_in_chinese_too(tmp_path):
    folder = shop(tmp_path, CASE.replace("bonus: 300.00", "bonus: 301.00"))
    case = folder / "tests" / "october.yaml"
    lines = run("test", folder).stdout.splitlines()
    start = lines.index(f"{case}:10: 2026-10 · 客服 b · pay.bonus：应为 301.00，实际为 300.00")
    assert lines[start + 1:start + 4] == [f"    来自步骤 bonus（pay:formula；无规则编号；{folder / 'policy.yaml'}:25）",
                                          "    路径：total › bonus", "    读取：score = 60.00"]
    case.write_text(CASE.replace("period: 2026-10", "period: 2026-13"), encoding="utf-8")
    refused = run("test", folder)
    assert refused.exit_code == 2
    assert refused.stderr.strip() == f"{case}:3：月份 '2026-13' 不是 YYYY-MM"


def test_discovery_skips_hidden_folders_and_reads_a_bom(tmp_path):
    folder = shop(tmp_path)
    (folder / ".cache").mkdir()
    (folder / ".cache" / "stale.yaml").write_text("expected: {}\n", encoding="utf-8")  # never read as a case
    (folder / "tests" / "october.yaml").write_bytes(b"\xef\xbb\xbf" + CASE.encode("utf-8"))
    result = run("test", folder, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "1 case(s): 1 passed, 0 failed"
    (folder / "tests" / "more.yml").write_text("\ufeffcases: []\npolicy: ../policy.yaml\n", encoding="utf-8")
    empty = run("test", folder, "--lang", "en")  # found (.yml, after a BOM), and refused: it tests nothing
    assert empty.exit_code == 2
    more = folder / "tests" / "more.yml"
    assert empty.stderr.strip() == f"{more}:1: `cases:` is empty: a case file needs at least one case"


def test_out_never_replaces_a_case_file_or_the_policy(tmp_path):
    folder = shop(tmp_path)
    case, policy = folder / "tests" / "october.yaml", folder / "policy.yaml"
    for target in (case, policy):
        result = run("test", folder, "--out", target, "--lang", "en")
        assert result.exit_code == 1, result.output
        assert result.stdout == ""
    assert case.read_text(encoding="utf-8") == CASE
    assert policy.read_text(encoding="utf-8") == POLICY
