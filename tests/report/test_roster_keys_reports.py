"""The shop's own keys in every report (`roster:`, policies/s2_roster.yaml with examples/roster/):
the agent column headed as the shop heads it (客服昵称, never 工号 over a nickname), the carried roster
columns (工号, 部门, 入职日期) after the name in the table, CSV and XLSX, under `columns` in JSON, in
the explanation's header and on payslips; and `show` of the recorded month gives the same bytes as `evaluate`.

Numbers from the example month: 店铺:阿香 scores 40.00 + 25.00 = 65.00 and is paid 3000.00 + 2 % of
30,500.00 (S2.3) = 3610.00, less a 120.00 loss within the L.1 guard: 3490.00."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest
from harness.cli import run
from harness.ledger import record
from harness.paths import KEYS_EVENTS, KEYS_METRICS, KEYS_ROSTER, S2_ROSTER_POLICY

FILES = ("--policy", S2_ROSTER_POLICY, "--metrics", KEYS_METRICS, "--roster", KEYS_ROSTER, "--events", KEYS_EVENTS)
XIANG = "店铺:阿香"


def evaluate(*more: object) -> str:
    result = run("evaluate", *FILES, *more)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_table_heads_the_agent_column_with_the_key_and_carries_the_roster_columns():
    lines = evaluate("--lang", "en").splitlines()
    # The carried columns after the name, then the role (issue 18's finance columns), KPI points as points.
    assert lines[1].split() == ["客服昵称", "Name", "工号", "部门", "入职日期", "Role", "Period", "Score", "Rating",
                                "Buyers", "served", "(points)", "Satisfaction", "(points)", "Base", "pay", "Sales",
                                "commission", "Loss", "deduction", "Total"]
    assert lines[7].split() == ["店铺:阿香", "李香", "HR0102", "售前一部", "2024-11-15", "Agent", "2026-10", "65.00",
                                "Pass", "40.00", "25.00", "3000.00", "610.00", "-120.00", "3490.00"]


def test_csv_and_json_carry_the_columns_by_the_shops_headers():
    csv_lines = evaluate("--format", "csv").lstrip("\ufeff").splitlines()
    assert csv_lines[0].startswith("客服昵称,姓名,工号,部门,入职日期,岗位,月份,得分,评级,")
    assert csv_lines[5].startswith("店铺:阿香,李香,HR0102,售前一部,2024-11-15,客服,2026-10,65.00,合格,40.00,25.00,")
    results = {r["agent"]: r for r in json.loads(evaluate("--format", "json"))["results"]}
    assert list(results[XIANG])[:3] == ["agent", "columns", "period"]
    assert results[XIANG]["columns"] == {"工号": "HR0102", "部门": "售前一部", "入职日期": "2024-11-15"}
    assert results[XIANG]["pay"]["total"] == "3490.00"


def test_the_workbook_carries_the_columns_as_text_and_sums_the_pay_columns(tmp_path):
    out = tmp_path / "r.xlsx"
    evaluate("--format", "xlsx", "--out", out)
    book = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    sheet = book["结果"]
    assert [c.value for c in sheet[1]][:7] == ["客服昵称", "姓名", "工号", "部门", "入职日期", "岗位", "月份"]
    assert [c.value for c in sheet[6]][:7] == [XIANG, "李香", "HR0102", "售前一部", "2024-11-15", "客服", "2026-10"]
    assert all(c.data_type == "s" for c in sheet[6][:7])
    totals = [c.value for c in sheet[7]]
    assert totals[0] == "合计" and totals[-1] == 15530 and totals[11] == 13300  # base pay 0 + 4500 + 2800 + 3000 + 3000
    details = [c.value for c in book["指标明细"][1]]
    assert details[:7] == ["客服昵称", "姓名", "工号", "部门", "入职日期", "岗位", "月份"]
    assert book["罚则明细"]["A1"].value == "客服昵称"


@pytest.mark.parametrize(("lang", "head"), [
    ("zh", "客服 店铺:阿香 李香 · 工号 HR0102 · 部门 售前一部 · 入职日期 2024-11-15 · 月份 2026-10"),
    ("en", "agent 店铺:阿香 李香 · 工号 HR0102 · 部门 售前一部 · 入职日期 2024-11-15 · period 2026-10"),
])
def test_the_explanation_names_the_carried_columns_in_its_header(lang, head):
    result = run("explain", "--full", *FILES, "--agent", XIANG, "--lang", lang)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == head
    document = json.loads(run("explain", "--full", *FILES, "--agent", XIANG, "--format", "json").stdout)
    assert document["columns"] == {"工号": "HR0102", "部门": "售前一部", "入职日期": "2024-11-15"}


def test_show_of_the_recorded_month_gives_the_bytes_evaluate_gave(tmp_path):
    """The ledger keeps what was paid; the carried columns are read again from the roster the run kept."""
    db = tmp_path / "j.db"
    assert record(db, "2026-10", S2_ROSTER_POLICY, KEYS_METRICS, "--events", KEYS_EVENTS,
                  roster=KEYS_ROSTER).exit_code == 0
    for fmt in ("table", "json", "csv"):
        shown = run("show", "--period", "2026-10", "--db", db, "--format", fmt)
        assert shown.exit_code == 0, shown.output
        assert shown.stdout == evaluate("--format", fmt), fmt
    explained = run("show", "--full", "--period", "2026-10", "--db", db, "--agent", XIANG)
    assert explained.stdout.splitlines()[0] == ("客服 店铺:阿香 李香 · 工号 HR0102 · 部门 售前一部 · "
                                                "入职日期 2024-11-15 · 月份 2026-10")


def test_explain_finds_the_agent_by_the_hr_number_the_policy_carries():
    result = run("explain", "--full", *FILES, "--agent", "hr0102", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "note: --agent hr0102 → 店铺:阿香 李香" in result.stderr.splitlines()
    assert result.stdout.startswith("agent 店铺:阿香 李香 · 工号 HR0102")


def _who(page: str) -> list[str]:
    block = page[page.index('<div class="who">'):]
    block = block[:block.index("</div></div>") + len("</div></div>")]
    return re.findall(r"<b>(.*?)</b><span>(.*?)</span>", block)


@pytest.mark.parametrize("recorded", [False, True])
def test_payslips_carry_the_columns_from_the_files_and_from_the_ledger(tmp_path, recorded):
    """A payslip is a statement the shop hands out: it names the agent by the key, then her 工号, 部门, 入职日期."""
    if recorded:
        db = tmp_path / "j.db"
        assert record(db, "2026-10", S2_ROSTER_POLICY, KEYS_METRICS, "--events", KEYS_EVENTS,
                      roster=KEYS_ROSTER).exit_code == 0
        source: tuple[object, ...] = ("--period", "2026-10", "--db", db)
    else:
        source = FILES
    out = tmp_path / "slips"
    result = run("payslips", *source, "--out", out)
    assert result.exit_code == 0, result.output
    page = (out / "2026-10_店铺_阿香_李香.html").read_text(encoding="utf-8")
    assert _who(page)[:5] == [("客服昵称", XIANG), ("姓名", "李香"), ("工号", "HR0102"), ("部门", "售前一部"),
                              ("入职日期", "2024-11-15")]
    sheet = openpyxl.load_workbook(out / "2026-10_店铺_阿香_李香.xlsx").active
    assert [c.value for c in sheet[1]][:5] == ["客服昵称", "姓名", "工号", "部门", "入职日期"]
    assert [c.value for c in sheet[2]][:5] == [XIANG, "李香", "HR0102", "售前一部", "2024-11-15"]


def test_events_and_adjustments_find_the_agent_under_the_key_beside_an_hr_number(tmp_path):
    """With roster.key, every file names the agent under the key: an events register or an adjustments
    sheet that also lists the 工号 reads it as any other column (and is not refused for two agent columns)."""
    events = tmp_path / "events.csv"
    events.write_text("客服昵称,工号,时间,类型,金额,订单号\n"
                      "店铺:阿香,HR0102,2026-10-14 15:20:00,擅自改价,120.00,4012345678\n", encoding="utf-8")
    adjustments = tmp_path / "adjustments.csv"
    adjustments.write_text("客服昵称,工号,金额,原因,审批人\n店铺:阿香,HR0102,50.00,补发交通费,王经理\n",
                           encoding="utf-8")
    db = tmp_path / "j.db"
    result = record(db, "2026-10", S2_ROSTER_POLICY, KEYS_METRICS, "--events", events, "--adjustments", adjustments,
                    roster=KEYS_ROSTER)
    assert result.exit_code == 0, result.output
    shown = json.loads(run("show", "--period", "2026-10", "--db", db, "--format", "json").stdout)
    xiang = next(r for r in shown["results"] if r["agent"] == XIANG)
    assert (xiang["pay"]["components"]["loss_deduction"], xiang["pay"]["total"]) == ("-120.00", "3540.00")
