"""A renamed export header: the missing column's message lists the headers found and gives the
policy line that reads the file as it is (issue 16 item 12), in Chinese and English."""

from __future__ import annotations

import pytest
from harness.files import write_csv
from harness.paths import S2_METRICS, S2_POLICY

from engine.data.inputs import read_inputs
from engine.errors import DataError
from engine.pipeline import prepare


@pytest.fixture(scope="module")
def plan():
    return prepare(str(S2_POLICY))[0]


def issues(plan, path):
    with pytest.raises(DataError) as caught:
        read_inputs(plan, path)
    return caught.value.issues


def renamed(tmp_path, old: str, new: str):
    text = S2_METRICS.read_text(encoding="utf-8").replace(old, new, 1)
    path = tmp_path / "metrics.csv"
    path.write_text(text, encoding="utf-8")
    return path


HEADERS = "工号, 姓名, 月份, 接待客户数, 询单人数, 成交人数, 销售额, 响应时长, 满意度"
HEADERS_ZH = "工号、姓名、月份、接待客户数、询单人数、成交人数、销售额、响应时长、满意度"


def test_a_renamed_header_gets_the_aliases_line_that_reads_it(plan, tmp_path):
    """served's policy aliases are [接待量]: the line keeps them and adds the header found."""
    (issue,) = issues(plan, renamed(tmp_path, "接待人数", "接待客户数"))
    assert (issue.row, issue.column) == (1, "")
    assert issue.message == ("missing column 'served': expected a header named served / 接待人数 / Buyers served / "
                             f"接待量; the headers found are: {HEADERS}; if '接待客户数' is this column, add it to the "
                             "policy: metrics.served.aliases: [接待量, 接待客户数]")
    assert issue.zh == ("缺少列 'served'：表头中应有 served / 接待人数 / Buyers served / 接待量；文件中的表头是："
                        f"{HEADERS_ZH}；如果 '接待客户数' 就是这一列，请在方案中写上：metrics.served.aliases: "
                        "[接待量, 接待客户数]")


def test_without_a_likely_header_the_message_says_where_to_add_one(plan, tmp_path):
    """Two headers nothing reads and neither close to 销售额: no guess, only where the header goes."""
    path = write_csv(tmp_path / "m.csv", [["工号", "月份", "接待人数", "询单人数", "成交人数", "备注", "响应时长",
                                           "满意度", "店铺"], ["3001", "2026-10", "60", "20", "9", "x", "25秒", "92%",
                                                               "a"]])
    (issue,) = issues(plan, path)
    assert issue.message.endswith("; the headers found are: 工号, 月份, 接待人数, 询单人数, 成交人数, 备注, 响应时长, "
                                  "满意度, 店铺; if the column is there under another header, add that header to "
                                  "metrics.sales.aliases")
    assert issue.zh.endswith("；如果该列在文件中用了别的表头，请把那个表头加到方案的 metrics.sales.aliases 中")
