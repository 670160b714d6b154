"""Values a person would read differently from a naive parser: ranges, placeholders, header units,
huge numbers, durations with overflowing places. Each doubtful cell is a located issue with zh.

Rates follow S1.1 (reply/positive-review rates as percentages, response times in seconds) and
S2.2 (45 % conversion); the placeholder 延迟统计 is 赤兔's (docs/rules.md, "What real exports look like").
"""

from decimal import Decimal

import pytest
from harness.files import write_csv
from hypothesis import given
from hypothesis import strategies as st

from engine.data.cells import MAX_CELL_CHARS, parse_duration, parse_number, parse_ratio, parse_text
from engine.data.ingest import Field, read_table
from engine.errors import DataError

D = Decimal
AGENT = Field("agent", "text", ("客服",))
REPLY = Field("reply", "ratio", ("回复率",), range=(D(0), D(1)))


def issues(path, fields):
    with pytest.raises(DataError) as caught:
        read_table(path, fields, key="agent")
    return caught.value.issues


def located(path, fields):
    return [(i.row, i.column, i.message) for i in issues(path, fields)]


def values(path, fields):
    return [dict(r.values) for r in read_table(path, fields, key="agent").records]


# -- 1. range ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "fraction"), [("90", "0.90"), ("99.2", "0.992")])
def test_ratio_without_its_percent_sign_is_not_read_as_thousands_of_percent(tmp_path, raw, fraction):
    path = write_csv(tmp_path / "metrics.csv", [["客服", "回复率"], ["小王", raw]])
    (issue,) = issues(path, [AGENT, REPLY])
    assert (issue.row, issue.column) == (2, "回复率 (B)")
    assert issue.message == (
        f"ratio {raw} is outside 0–1 (0 %–100 %): did you mean {raw}%? "
        f"write {raw}% or {fraction}, or declare the metric `type: percent`"
    )
    assert issue.zh == (
        f"期望一个比例（如 45.00% 或 0.45），实际是 '{raw}'，超出 0–1（0 %–100 %）；是否漏了百分号？"
        f"请写成 {raw}% 或 {fraction}，或把指标声明为 `type: percent`"
    )


def test_ratio_in_range_and_percent_forms_read_exactly(tmp_path):
    path = write_csv(tmp_path / "metrics.csv",
                     [["客服", "回复率"], ["a", "0.45"], ["b", "45%"], ["c", "1"], ["d", "0"]])
    assert [v["reply"] for v in values(path, [AGENT, REPLY])] == [D("0.45"), D("0.45"), D(1), D(0)]


def test_percent_over_100_and_negative_ratio_name_the_range(tmp_path):
    percent = Field("reply", "ratio", ("回复率",), percent=True, range=(D(0), D(1)))
    path = write_csv(tmp_path / "metrics.csv", [["客服", "回复率"], ["a", "120"], ["b", "-5%"]])
    assert located(path, [AGENT, percent]) == [
        (
            2,
            "回复率 (B)",
            "reply value '120' (read as 120.00%) is above its range 0 %–100 %; "
            "check the cell, or widen the metric's `range:` in the policy",
        ),
        (
            3,
            "回复率 (B)",
            "reply value '-5%' is below its range 0 %–100 %; "
            "check the cell, or widen the metric's `range:` in the policy",
        ),
    ]


def test_declared_range_of_a_number_and_a_count(tmp_path):
    score = Field("score", "number", ("评分",), range=(D(1), D(5)))
    served = Field("served", "count", ("接待人数",), range=(D(0), None))
    path = write_csv(tmp_path / "metrics.csv",
                     [["客服", "评分", "接待人数"], ["a", "6", "-1"], ["b", "4.5", "12.5"], ["c", "1", "3"]])
    assert located(path, [AGENT, score, served]) == [
        (
            2,
            "评分 (B)",
            "score value '6' is above its range 1–5; check the cell, or widen the metric's `range:` in the policy",
        ),
        (2, "接待人数 (C)", "expected a whole number ≥ 0 like 12, 1,200 or 12人, got '-1'"),
        (3, "接待人数 (C)", "expected a whole number ≥ 0 like 12, 1,200 or 12人, got '12.5'"),
    ]


def test_range_issue_in_chinese(tmp_path):
    score = Field("score", "number", ("评分",), range=(None, D(5)))
    (issue,) = issues(write_csv(tmp_path / "metrics.csv", [["客服", "评分"], ["a", "6"]]), [AGENT, score])
    assert issue.zh == "指标 score 的值 '6' 高于取值范围 ≤ 5；请检查单元格，或在方案中放宽该指标的 `range:`"


# -- 5. placeholders --------------------------------------------------------------------------


def test_chitu_delayed_statistic_is_an_error_saying_what_it_means(tmp_path):
    path = write_csv(tmp_path / "metrics.csv", [["客服", "回复率"], ["店铺:小王", "延迟统计"]])
    (issue,) = issues(path, [AGENT, Field("reply", "ratio", ("回复率",), missing=D(0))])
    assert (issue.row, issue.column) == (2, "回复率 (B)")
    assert issue.message == (
        "'延迟统计' means 赤兔 has not finished computing this statistic; export again later, "
        "or declare `placeholders: {延迟统计: missing}` (or a number) on the metric"
    )
    assert issue.zh == (
        "'延迟统计' 表示赤兔尚未算完这项统计；请稍后重新导出；"
        "或在指标上声明 `placeholders: {延迟统计: missing}`（或一个数值）"
    )


@pytest.mark.parametrize("text", ["--", "N/A", "暂无", "无数据", "null", "/", "——"])
def test_other_placeholders_are_never_zero_nor_silently_missing(tmp_path, text):
    path = write_csv(tmp_path / "metrics.csv", [["客服", "回复率"], ["a", text]])
    (issue,) = issues(path, [AGENT, Field("reply", "ratio", ("回复率",), missing=D(0))])
    assert issue.message == (
        f"{text!r} means the export had no value here; fill it in, "
        f"or declare `placeholders: {{{text}: missing}}` (or a number) on the metric"
    )


def test_declared_placeholders_read_as_their_number_or_by_the_missing_rule(tmp_path):
    reply = Field("reply", "ratio", ("回复率",), missing=D(0), placeholders={"延迟统计": None, "N/A": D("0.5")})
    path = write_csv(tmp_path / "metrics.csv",
                     [["客服", "回复率"], ["a", "延迟统计"], ["b", " n/a "], ["c", "-"], ["d", ""]])
    assert [v["reply"] for v in values(path, [AGENT, reply])] == [D(0), D("0.5"), D(0), D(0)]


def test_declared_missing_placeholder_without_missing_value_is_an_error(tmp_path):
    reply = Field("reply", "ratio", ("回复率",), placeholders={"延迟统计": None})
    path = write_csv(tmp_path / "metrics.csv", [["客服", "回复率"], ["a", "延迟统计"], ["b", ""]])
    assert located(path, [AGENT, reply]) == [
        (
            2,
            "回复率 (B)",
            "'延迟统计' is declared missing for 'reply', and the metric has no `missing:` value; "
            "declare `missing: 0` (or the number it stands for), or export again when the value is final",
        ),
        (3, "回复率 (B)", "expected a value, got an empty cell; fill it in, or declare `missing:` on the metric"),
    ]


def test_placeholder_in_a_text_column_is_empty(tmp_path):
    team = Field("team", "text", ("组别",), required=False, missing=None)
    path = write_csv(tmp_path / "metrics.csv", [["客服", "组别"], ["a", "暂无"], ["--", "一组"]])
    assert located(path, [AGENT, team]) == [(3, "客服 (A)", "expected a value, got '--'")]


# -- 6. huge values, NaN and infinity ---------------------------------------------------------


@pytest.mark.parametrize("raw", ["1" * 40, "1000000000000000", "-1000000000000000.5", "¥1,000,000,000,000,000"])
def test_huge_numbers_are_refused_at_read_time(tmp_path, raw):
    path = write_csv(tmp_path / "metrics.csv", [["客服", "销售额"], ["a", raw]])
    (issue,) = issues(path, [AGENT, Field("sales", "money", ("销售额",))])
    assert (issue.row, issue.column) == (2, "销售额 (B)")
    assert issue.message.startswith(f"the number {raw[:37] + '...' if len(raw) > 40 else raw!r}"[:20])
    assert "at most 15 digits before the decimal point" in issue.message
    assert "小数点前最多 15 位" in issue.zh


def test_largest_accepted_number_and_native_huge_floats():
    assert parse_number("999999999999999.99") == D("999999999999999.99")
    for raw in (1e30, 1e15, "1e30"):
        with pytest.raises(ValueError):
            parse_number(raw)
    with pytest.raises(ValueError, match="too large"):
        parse_ratio("1" * 20)
    with pytest.raises(ValueError, match="too large"):
        parse_duration(1e20)


@pytest.mark.parametrize("raw", ["NaN", "nan", "inf", "-Infinity", "+inf", float("nan"), float("inf")])
def test_nan_and_infinity_are_named(raw):
    with pytest.raises(ValueError) as caught:
        parse_number(raw)
    assert str(caught.value).endswith("which is not a number (NaN or infinity)")
    assert caught.value.zh.endswith("它不是一个数（NaN 或无穷大）")


def test_overlong_cell_is_refused():
    with pytest.raises(ValueError, match="32,767"):
        parse_text("x" * (MAX_CELL_CHARS + 1))
    assert parse_text("x" * MAX_CELL_CHARS) == "x" * MAX_CELL_CHARS


@given(st.decimals(min_value=-(10**15) + 1, max_value=10**15 - 1, places=2))
def test_every_number_within_the_bound_reads_back_exactly(value):
    assert parse_number(f"{value:f}") == value


# -- 9. durations and header units ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "seconds"), [("8分48秒", 528), ("1小时2分", 3720), ("0秒", 0), ("59分59秒", 3599), ("90秒", 90)]
)
def test_spoken_durations(raw, seconds):
    assert parse_duration(raw) == seconds


@pytest.mark.parametrize(
    ("raw", "place"), [("1分65秒", "65 seconds"), ("1小时60分", "60 minutes"), ("2时75分3秒", "75 minutes")]
)
def test_a_place_overflowing_its_unit_is_refused(raw, place):
    with pytest.raises(ValueError) as caught:
        parse_duration(raw)
    assert str(caught.value) == (
        f"expected a duration like 45, 20秒, 1分5秒 or 00:00:45, got {raw!r}: {place} where at most 59 fit; "
        "the cell is garbled or in another unit, check it"
    )


def test_header_units_convert_bare_numbers_only(tmp_path):
    fields = [
        AGENT,
        Field("response", "duration", ("平均人工响应时长",)),
        Field("first", "duration", ("首次响应时长",)),
        Field("wait", "duration", ("等待",)),
        Field("sales", "money", ("销售额",)),
        Field("reply30", "ratio", ("30秒应答率",)),
        Field("conversion", "ratio", ("询单->最终付款转化率",)),
    ]
    header = [
        "客服",
        "平均人工响应时长(分)",
        "首次响应时长（秒)",
        "等待(小时)",
        "销售额（万元）",
        "30秒应答率(%)",
        "询单→最终付款转化率",
    ]
    path = write_csv(tmp_path / "metrics.csv", [header, ["a", "1.5", "20", "2", "1.25", "97.5", "0.3"],
                                                ["b", "8分48秒", "1分5秒", "0", "0", "97.5%", "30%"]])
    assert values(path, fields) == [
        {
            "agent": "a",
            "response": D(90),
            "first": D(20),
            "wait": D(7200),
            "sales": D(12500),
            "reply30": D("0.975"),
            "conversion": D("0.3"),
        },
        {
            "agent": "b",
            "response": D(528),
            "first": D(65),
            "wait": D(0),
            "sales": D(0),
            "reply30": D("0.975"),
            "conversion": D("0.30"),
        },
    ]


def test_window_in_brackets_is_not_a_unit(tmp_path):
    path = write_csv(tmp_path / "metrics.csv", [["客服", "30秒应答率(8-23点)"], ["a", "97.5%"]])
    assert values(path, [AGENT, Field("r", "ratio", ("30秒应答率",))]) == [{"agent": "a", "r": D("0.975")}]


def test_money_with_its_own_unit_under_a_wan_yuan_header_is_refused(tmp_path):
    path = write_csv(tmp_path / "metrics.csv", [["客服", "销售额(万元)"], ["a", "88元"]])
    assert located(path, [AGENT, Field("sales", "money", ("销售额",))]) == [
        (2, "销售额(万元) (B)", "expected a plain number like 1234.5 (the header gives the unit), got '88元'")
    ]


def test_a_unit_of_another_kind_in_the_header_is_an_error(tmp_path):
    path = write_csv(tmp_path / "metrics.csv", [["客服", "平均响应(元)"], ["a", "20"]])
    (issue,) = issues(path, [AGENT, Field("response", "duration", ("平均响应",))])
    assert (issue.row, issue.column) == (1, "平均响应(元) (B)")
    assert issue.message == (
        "the header names the unit '元', but 'response' is a duration; expected 秒, 分 or 小时 or no unit; "
        "check that this is the right column, or rename the header"
    )
    assert issue.zh == (
        "表头的单位是 '元'，但 'response' 是时长；期望单位为 秒、分、小时 或不写单位；请确认这一列是否选对，或修改表头"
    )
