"""The scenario runner itself (tests/harness/scenarios.py): what a case file may say, and what a
failing case tells its reader: the line, expected against actual, and the step behind the value.

The shop: one KPI (the month's points as given), base pay by grade (A0 2000, A1 2500, S0.6), 10 %
of sales as commission, and a monthly grade review (score ≥ 60 → up one grade, else down, S0.7).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from harness.paths import S0_METRICS, S0_POLICY, S0_ROSTER
from harness.scenarios import CaseFormatError, load_cases, run_case

POLICY = """\
jixiao: 1
policy:
  id: scenario-test
  version: "1"
  name: {zh: 场景测试, en: Scenario test}
  effective_from: 2026-10-01
grades:
  A0: {label: A0}
  A1: {label: A1}
metrics:
  points: {label: {zh: 得分, en: Points}, type: count}
  sales: {label: {zh: 销售额, en: Sales}, type: money}
kpis:
  result: {label: {zh: 结果, en: Result}, weight: 100, formula: points}
score: {total: 100}
pay:
  base: {label: {zh: 基本工资, en: Base pay}, rule: S0.6, kind: table, key: grade, values: {A0: 2000, A1: 2500}}
  commission: {label: {zh: 销售提成, en: Sales commission}, kind: formula, formula: sales * 0.1}
reviews:
  monthly_grade:
    label: {zh: 月度等级评定, en: Monthly grade review}
    rule: S0.7
    kind: grade
    every: month
    met: score >= 60
    outcomes:
      - {months_met: 1, then: up}
      - {months_met: 0, then: {down: A0}}
"""


def case_file(tmp_path: Path, *body: str, policy: str = POLICY) -> Path:
    """A case whose policy is written in it (a `|` block at line 2), then the `body` parts."""
    text = "name: a month\npolicy: |\n" + textwrap.indent(policy, "  ") + "".join(map(textwrap.dedent, body))
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def failures(path: Path, work: Path) -> list[str]:
    (case,) = load_cases(path)
    work.mkdir()
    return list(run_case(case, work).failures)


MONTH = """\
period: 2026-10
inputs:
  metrics: |
    工号,月份,得分,销售额
    a,2026-10,70,1000
    b,2026-10,50,2000
  roster: [[工号, 等级], [a, A0], [b, A1]]
"""


def test_a_passing_case_has_no_failures(tmp_path):
    path = case_file(tmp_path, MONTH, """\
        expected:
          headcount: 2
          payroll: 4800.00
          agents:
            a: {score: 70.00, kpis: {result: 70.00}, pay: {base: 2000.00, commission: 100.00}, total: 2100.00}
            b: {grade: A1, pay: {base: 2500.00, "*": 200.00}, decisions: [{kind: grade_change, to: A0}]}
        """)
    assert failures(path, tmp_path / "work") == []


def test_a_wrong_value_names_its_line_the_step_its_rule_its_policy_line_and_what_it_read(tmp_path):
    path = case_file(tmp_path, MONTH, """\
        expected:
          agents:
            a: {pay: {commission: 100}}
        """)
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index("    a: {pay: {commission: 100}}") + 1
    formula = next(n for n, line in enumerate(lines, start=1) if "formula: sales * 0.1" in line)
    (found,) = failures(path, tmp_path / "work")
    assert found.splitlines() == [
        f"{path}:{at}: 2026-10 · agent a · pay.commission: expected 100, actual 100.00",  # the digits count
        f"    from step commission (pay:formula; no rule id; {path}:{formula})",  # the policy's line in the case
        "    path: total › commission",
        "    read: sales = 1000",
    ]


def test_every_other_entry_and_an_unknown_entry_and_agent(tmp_path):
    path = case_file(tmp_path, MONTH, """\
        expected:
          headcount: 3
          agents:
            a: {pay: {base: 2000.00, "*": 0.00}, kpis: {speed: 1}}
            c: {total: 0.00}
        """)
    found = [text.splitlines()[0].split(": ", 1)[1] for text in failures(path, tmp_path / "work")]
    assert found == ["2026-10 · headcount: expected 3, actual 2",
                     "2026-10 · agent a · pay.commission: expected 0.00, actual 100.00",
                     "2026-10 · agent a · kpis.speed: no such entry; kpis has: result",
                     "2026-10 · agent c · total: agent c is not in the month's results (agents: a, b)"]


def test_prior_months_are_recorded_first_and_their_decisions_read_S0_7(tmp_path):
    """a meets the standard in October (70 ≥ 60): up to A1 from November (2500); b (50) goes down."""
    path = case_file(tmp_path, """\
        prior:
          - period: 2026-10
            inputs:
              metrics: [[工号, 月份, 得分, 销售额], [a, 2026-10, 70, 0], [b, 2026-10, 50, 0]]
              roster: [[工号, 等级], [a, A0], [b, A1]]
            expected:
              agents:
                a: {decisions: [{kind: grade_change, from: A0, to: A1, rule: S0.7}]}
                b: {decisions: [{kind: reviewed}]}
        period: 2026-11
        inputs:
          metrics: [[工号, 月份, 得分, 销售额], [a, 2026-11, 70, 0], [b, 2026-11, 70, 0]]
          roster: [[工号, 等级], [a, A0], [b, A1]]
        expected:
          agents:
            a: {grade: A1, pay: {base: 2500.00}}
        """)
    (found,) = failures(path, tmp_path / "work")
    assert found.splitlines()[0].endswith("2026-10 · agent b · decisions: expected kind: reviewed")
    assert found.splitlines()[1].startswith("    actual kind: grade_change, from: A1, to: A0, rule: S0.7")


def test_a_month_jixiao_refuses_names_the_inline_table_in_the_case(tmp_path):
    path = case_file(tmp_path, """\
        period: 2026-10
        inputs:
          metrics: |
            工号,月份,得分,销售额
            a,2026-10,很多,1000
          roster: [[工号, 等级], [a, A0]]
        expected: {headcount: 1}
        """)
    lines = path.read_text(encoding="utf-8").splitlines()
    table = lines.index("  metrics: |") + 1
    (found,) = failures(path, tmp_path / "work")
    head, detail = found.splitlines()
    assert head == f"{path}:{lines.index('period: 2026-10') + 1}: 2026-10: jixiao refused the month"
    assert detail.startswith(f"    {path}:{table} (metrics): row 2, column 得分 (C): ")


def test_an_inline_policy_error_points_at_the_case_line(tmp_path):
    path = case_file(tmp_path, MONTH, policy=POLICY.replace("weight: 100", "weight: 90"))
    lines = path.read_text(encoding="utf-8").splitlines()
    kpis = lines.index("  kpis:") + 1
    (found,) = failures(path, tmp_path / "work")
    (weights,) = [line for line in found.splitlines() if "JX204" in line]
    assert weights.startswith(f"    {path}:{kpis}:")


def test_shipped_files_by_path_and_several_cases_sharing_them(tmp_path):
    """A file with `cases:`: each case takes the file's policy, period and inputs, and replaces an
    input kind by kind (here, the S0 roster with 1001 at A0, S0.6)."""
    roster = S0_ROSTER.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("1001,王晓梅,正式,A3",
                                                                                   "1001,王晓梅,正式,A0")
    path = tmp_path / "cases.yaml"
    path.write_text(textwrap.dedent(f"""\
        policy: {S0_POLICY}
        period: 2026-10
        inputs: {{metrics: {S0_METRICS}, roster: {S0_ROSTER}}}
        cases:
          - name: as shipped
            expected: {{agents: {{"1001": {{total: 3579.02}}}}}}
          - name: 1001 at A0
            expected: {{headcount: 12, agents: {{"1001": {{pay: {{base: 1800.00}}}}}}}}
            inputs:
              roster: |
        """) + textwrap.indent(roster, " " * 8), encoding="utf-8")
    cases = load_cases(path)
    assert [c.name for c in cases] == ["as shipped", "1001 at A0"]
    for index, case in enumerate(cases):
        (tmp_path / str(index)).mkdir()
        assert run_case(case, tmp_path / str(index)).failures == ()


@pytest.mark.parametrize(("body", "line", "message"), [
    ("period: 2026-10\ncolour: red\n", 4, "unknown key 'colour'; expected one of: name, rules, policy, period, inputs, "
                                          "prior, expected, cases"),
    ("period: 2026-13\n", 3, "period '2026-13' is not YYYY-MM"),
    ("period: 2026-10\n", 3, "2026-10 needs `inputs: {metrics: …}` (or `empty: true` for a month nobody worked)"),
    ("period: 2026-10\ninputs: {metrics: nowhere.csv}\n", 4, "metrics: no file nowhere.csv"),
    ("period: 2026-10\ninputs: {metrics: a.csv}\nexpected: {agents: {a: {bonus: 1}}}\n", 5,
     "unknown key 'bonus'; expected one of: name, team, role, grade, score, rating, total, evaluated_total, "
     "adjustments, retro, kpis, pay, penalties, choices, place, steps, flags, decisions"),
    ("period: 2026-10\ninputs: {metrics: a.csv}\nexpected: {agents: {a: {score: [1]}}}\n", 5,
     "expected a value (a number, text, true/false or null)"),
    ("period: 2026-10\ninputs: {metrics: a.csv}\nexpected: {agents: {a: {steps: {'*': 0}}}}\n", 5,
     "`*` means every other entry: steps has no fixed list"),
    ("cases:\n  - {name: x, period: 2026-10, inputs: {metrics: a.csv}}\n  - {name: x, period: 2026-11, "
     "inputs: {metrics: a.csv}}\n", 5, "a second case named 'x' (the first at line 4)"),
])
def test_a_case_file_that_is_not_one_is_refused_with_its_line(tmp_path, body, line, message):
    (tmp_path / "a.csv").write_text("工号\n", encoding="utf-8")
    path = tmp_path / "case.yaml"
    path.write_text(f"name: a case\npolicy: {S0_POLICY}\n{body}", encoding="utf-8")
    with pytest.raises(CaseFormatError) as caught:
        load_cases(path)
    assert str(caught.value).startswith(f"{path}:{line}: {message}")
