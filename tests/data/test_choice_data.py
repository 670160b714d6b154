"""Reading a choice column (S4.1/S4.2's assessment 考核结果: 优秀 / 合格 / 不合格) from real exports.

Cells match a declared value by label, alias or id (case and full-width forms ignored), in a
GB18030 CSV or an XLSX; any other text is an error at its row and column listing what is allowed;
an empty cell follows the metric's `missing:` (an error by default, or a declared value's id).
"""

from __future__ import annotations

import textwrap
from decimal import Decimal

import openpyxl
import pytest

from engine.data.inputs import read_inputs
from engine.errors import DataError
from engine.pipeline import prepare
from engine.report.headings import display_width
from engine.report.tables import render
from engine.run.evaluate import evaluate

D = Decimal

POLICY = """\
jixiao: 1
policy:
  id: choice-test
  version: "1"
  name: 考核结果测试
  effective_from: 2026-01-01
metrics:
  sales:
    label: 销售额
    type: money
  assessment:
    label: {zh: 考核结果, en: Assessment}
    type: choice
    aliases: [月度考核]
    values:
      excellent: {label: {zh: 优秀, en: Excellent}}
      pass: {label: {zh: 合格, en: Pass}}
      fail: {label: {zh: 不合格, en: Fail}, aliases: [未通过]}
kpis:
  assessed:
    label: 考核得分
    weight: 100
    formula: "100 if assessment == 'excellent' else (60 if assessment == 'pass' else 0)"
score:
  total: 100
pay:
  base:
    label: 底薪
    kind: fixed
    amount: 1000
  excellent_bonus:
    label: 优秀奖
    kind: fixed
    when: assessment == 'excellent'
    amount: 200
"""


def plan_of(tmp_path, extra: str = ""):
    text = POLICY.replace("    type: choice\n", "    type: choice\n" + textwrap.indent(extra, "    "))
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    plan, warnings = prepare(str(path))
    assert warnings == []
    return plan


def gb18030_csv(tmp_path, rows: list[str], name: str = "metrics.csv"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("gb18030"))
    return path


def xlsx(tmp_path, rows: list[list[object]], name: str = "metrics.xlsx"):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def values(inputs) -> dict[str, object]:
    return {item.agent: item.values["assessment"] for item in inputs.agents}


def test_gb18030_csv_reads_labels_aliases_and_ids(tmp_path):
    plan = plan_of(tmp_path)
    path = gb18030_csv(tmp_path, ["工号,月份,销售额,考核结果", "a1,2026-11,100,优秀", "a2,2026-11,100,合格",
                                  "a3,2026-11,100,未通过", "a4,2026-11,100,fail",
                                  "a5,2026-11,100, ＥＸＣＥＬＬＥＮＴ "])
    assert values(read_inputs(plan, path)) == {"a1": "excellent", "a2": "pass", "a3": "fail", "a4": "fail",
                                               "a5": "excellent"}


def test_xlsx_reads_the_column_under_a_metric_alias(tmp_path):
    plan = plan_of(tmp_path)
    path = xlsx(tmp_path, [["工号", "月份", "销售额", "月度考核"], ["a1", "2026-11", 100, "不合格"],
                           ["a2", "2026-11", 100, "Excellent"]])
    assert values(read_inputs(plan, path)) == {"a1": "fail", "a2": "excellent"}


def test_undeclared_text_is_an_error_at_its_row_and_column_listing_the_values(tmp_path):
    plan = plan_of(tmp_path)
    path = gb18030_csv(tmp_path, ["工号,月份,销售额,考核结果", "a1,2026-11,100,优秀", "a2,2026-11,100,良好"])
    with pytest.raises(DataError) as caught:
        read_inputs(plan, path)
    (issue,) = caught.value.issues
    assert (issue.row, issue.column) == (3, "考核结果 (D)")
    assert "got '良好'" in issue.message
    assert "excellent" in issue.message and "未通过" in issue.message
    assert "期望以下之一" in issue.zh and "'良好'" in issue.zh


def test_undeclared_text_in_xlsx_is_located_too(tmp_path):
    plan = plan_of(tmp_path)
    path = xlsx(tmp_path, [["工号", "月份", "销售额", "考核结果"], ["a1", "2026-11", 100, "待定"]])
    with pytest.raises(DataError) as caught:
        read_inputs(plan, path)
    (issue,) = caught.value.issues
    assert (issue.row, issue.column) == (2, "考核结果 (D)")


@pytest.mark.parametrize("cell", ["", "-", "N/A"])
def test_empty_cell_without_missing_is_an_error(tmp_path, cell):
    plan = plan_of(tmp_path)
    path = gb18030_csv(tmp_path, ["工号,月份,销售额,考核结果", f"a1,2026-11,100,{cell}"])
    with pytest.raises(DataError) as caught:
        read_inputs(plan, path)
    (issue,) = caught.value.issues
    assert (issue.row, issue.column) == (2, "考核结果 (D)")
    assert "declare `missing:` on the metric with the id of the value an empty cell stands for" in issue.message
    assert "请补上，或在指标上声明 `missing:`" in issue.zh


def test_empty_cell_with_missing_reads_the_declared_value(tmp_path):
    plan = plan_of(tmp_path, "missing: pass\n")
    path = gb18030_csv(tmp_path, ["工号,月份,销售额,考核结果", "a1,2026-11,100,", "a2,2026-11,100,-",
                                  "a3,2026-11,100,优秀"])
    assert values(read_inputs(plan, path)) == {"a1": "pass", "a2": "pass", "a3": "excellent"}


def test_empty_xlsx_cell_with_missing_reads_the_declared_value(tmp_path):
    plan = plan_of(tmp_path, "missing: fail\n")
    path = xlsx(tmp_path, [["工号", "月份", "销售额", "考核结果"], ["a1", "2026-11", 100, None]])
    assert values(read_inputs(plan, path)) == {"a1": "fail"}


def test_a_declared_label_wins_over_the_placeholder_reading(tmp_path):
    """A value may be labelled like a placeholder (无 = no assessment this month): it is that value."""
    text = POLICY.replace("      fail: {label: {zh: 不合格, en: Fail}, aliases: [未通过]}\n",
                          "      fail: {label: {zh: 不合格, en: Fail}, aliases: [未通过]}\n      none: {label: 无}\n")
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    plan = prepare(str(path))[0]
    data = gb18030_csv(tmp_path, ["工号,月份,销售额,考核结果", "a1,2026-11,100,无"])
    assert values(read_inputs(plan, data)) == {"a1": "none"}


def test_missing_column_is_an_error(tmp_path):
    plan = plan_of(tmp_path)
    path = gb18030_csv(tmp_path, ["工号,月份,销售额", "a1,2026-11,100"])
    with pytest.raises(DataError) as caught:
        read_inputs(plan, path)
    assert "missing column 'assessment'" in caught.value.issues[0].message


def results(tmp_path):
    plan = plan_of(tmp_path)
    path = gb18030_csv(tmp_path, ["工号,月份,销售额,考核结果", "a1,2026-11,100,优秀", "a2,2026-11,100,未通过"])
    return plan, evaluate(plan, read_inputs(plan, path).agents)


def test_choice_drives_conditions_S4_1(tmp_path):
    """优秀 pays the 200 bonus and scores 100; 未通过 (fail) neither."""
    _, (first, second) = results(tmp_path)
    assert (first.total, first.score, first.choices) == (D("1200.00"), D("100.00"), (("assessment", "excellent"),))
    assert (second.total, second.score, second.choices) == (D("1000.00"), D("0.00"), (("assessment", "fail"),))


def test_reports_show_the_label_and_json_the_id(tmp_path):
    plan, found = results(tmp_path)
    table = render(plan, found, "table", "zh").decode()
    lines = table.splitlines()
    # No names and no ratings: neither column (issue 18); the KPI's label already says it is points.
    assert lines[1].split() == ["工号", "月份", "得分", "考核结果", "考核得分", "底薪", "优秀奖", "应发合计"]
    assert lines[3].split() == ["a1", "2026-11", "100.00", "优秀", "100.00", "1000.00", "200.00", "1200.00"]
    # Text, aligned left under its heading (CJK characters are two columns wide).
    assert display_width(lines[3][: lines[3].index("优秀")]) == display_width(lines[1][: lines[1].index("考核结果")])
    csv_text = render(plan, found, "csv", "en").decode("utf-8-sig")
    lines = csv_text.split("\r\n")
    assert lines[0].startswith("Agent,Period,Score,Assessment,")
    assert lines[1].startswith("a1,2026-11,100.00,Excellent,")
    assert lines[2].startswith("a2,2026-11,0.00,Fail,")
    json_text = render(plan, found, "json").decode()
    assert '"choices": {"assessment": "excellent"}' in json_text
    assert '"choices": {"assessment": "fail"}' in json_text


def test_xlsx_report_has_the_label_as_text_before_the_points(tmp_path):
    import io

    plan, found = results(tmp_path)
    book = openpyxl.load_workbook(io.BytesIO(render(plan, found, "xlsx", "zh")))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("工号", "月份", "得分", "考核结果", "考核得分")  # no names, no ratings: no columns
    assert rows[1][3] == "优秀" and rows[2][3] == "不合格"
    assert rows[1][4] == 100  # the KPI's points stay a number
    assert rows[3][0] == "合计" and rows[3][5:] == (2000, 200, 2200)
