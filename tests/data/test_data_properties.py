"""Invariants over arbitrary tables: a read either gives values inside every declared range, or
issues that are all located and all carry Chinese; a value is never silently made up.
"""

import csv
import io
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.data.ingest import Field, read_table
from engine.errors import DataError

D = Decimal
FIELDS = [
    Field("agent", "text", ("客服",)),
    Field("reply", "ratio", ("回复率",), range=(D(0), D(1))),
    Field("served", "count", ("接待人数",), range=(D(0), None), missing=D(0)),
    Field("response", "duration", ("平均响应",), range=(D(0), None)),
    Field("sales", "money", ("销售额",), missing=D(0), placeholders={"延迟统计": None}),
]
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "-",
            "—",
            "--",
            "N/A",
            "延迟统计",
            "暂无",
            "/",
            "90",
            "99.2",
            "45%",
            "0.45",
            "1,250.00",
            "8分48秒",
            "1分65秒",
            "1" * 40,
            "NaN",
            "1e30",
            "合计",
            "汇总",
            "-3",
            "12人",
            "¥88",
            '"',
            "a,b",
        ]
    ),
    st.text(max_size=8),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**16), max_value=10**16).map(str),
)
ROWS = st.lists(st.lists(CELLS, min_size=0, max_size=7), max_size=8)


@settings(max_examples=60, deadline=None)
@given(ROWS)
def test_a_read_gives_ranged_values_or_located_bilingual_issues(tmp_path_factory, rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([["客服", "回复率", "接待人数", "平均响应", "销售额"], *rows])
    path = tmp_path_factory.getbasetemp() / "property.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    try:
        table = read_table(path, FIELDS, key="agent")
    except DataError as error:
        assert error.issues
        for issue in error.issues:
            assert issue.message and issue.zh, issue
            assert issue.row >= 0 and "row 0" not in issue.render() and "第 0 行" not in issue.render("zh")
        return
    for record in table.records:
        values = record.values
        assert D(0) <= values["reply"] <= D(1)
        assert values["served"] >= 0 and values["served"] == values["served"].to_integral_value()
        assert values["response"] >= 0
        assert abs(values["sales"]) < D(10) ** 15
