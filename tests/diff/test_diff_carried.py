"""`jixiao diff` shows the roster columns a policy carries (`roster.carry`, X.1) beside each agent, in
the table, CSV, markdown and JSON, as every other report does; the agent column is headed with the
shop's own key (客服昵称), so the carried 工号 is never a second 工号 column."""

from __future__ import annotations

import csv
import io
import json

from harness.cli import run
from harness.paths import KEYS_METRICS, KEYS_ROSTER, S2_ROSTER_POLICY


def _diff(tmp_path, *args: object):
    raised = tmp_path / "raised.yaml"  # the commission rate 2 % → 3 % (S2.3)
    text = S2_ROSTER_POLICY.read_text(encoding="utf-8")
    assert text.count("rate: 0.02") == 1
    raised.write_text(text.replace("rate: 0.02", "rate: 0.03"), encoding="utf-8")
    result = run("diff", S2_ROSTER_POLICY, raised, "--metrics", KEYS_METRICS, "--roster", KEYS_ROSTER, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_table_shows_the_carried_columns_after_the_name_X_1(tmp_path):
    lines = _diff(tmp_path).splitlines()
    assert lines[1].split() == ["客服昵称", "姓名", "工号", "部门", "入职日期", "原方案", "新方案", "差额", "变化"]
    assert lines[3].split()[:8] == ["店铺:外援1", "陈晨", "P-3301", "售前二部", "2026-08-10", "500.00", "750.00",
                                    "+250.00"]


def test_csv_and_markdown_carry_them_too(tmp_path):
    rows = list(csv.reader(io.StringIO(_diff(tmp_path, "--format", "csv", "--lang", "en").lstrip("\ufeff"))))
    assert rows[0][:9] == ["客服昵称", "name", "工号", "部门", "入职日期", "period", "old", "new", "delta"]
    assert rows[2][:9] == ["店铺:大刘", "刘强", "HR0007", "售前一部", "2023-06-01", "2026-10", "4660.00", "4740.00",
                           "80.00"]
    markdown = _diff(tmp_path, "--format", "markdown")
    assert "| 客服昵称 | 姓名 | 工号 | 部门 | 入职日期 | 原方案 | 新方案 | 差额 | 变化 |" in markdown
    assert "| 店铺:小周 | 周敏 | HR0215 | 售前二部 | 2026-09-01 | 3040.00 | 3160.00 | +120.00 |" in markdown


def test_json_has_the_columns_of_each_agent(tmp_path):
    data = json.loads(_diff(tmp_path, "--format", "json"))
    first = data["agents"][0]
    assert (first["agent"], first["columns"]) == ("店铺:外援1", {"工号": "P-3301", "部门": "售前二部",
                                                              "入职日期": "2026-08-10"})
    assert list(first)[:3] == ["agent", "name", "columns"]
