"""The CLI's own messages in both languages, and data-stage notes put into Chinese."""

from __future__ import annotations

import pytest

from engine.errors import DataIssue
from engine.report import messages
from engine.report.messages import MESSAGES, note_text, say


def test_every_message_has_both_languages_with_the_same_fields():
    for key, (zh, en) in MESSAGES.items():
        assert zh and en, key
        if key != "bad_period":  # English shows the parser's own reason
            assert sorted(_fields(zh)) == sorted(_fields(en)), key


# Every table of the text catalogue besides the CLI's messages: headings, words of explanations.
TABLES = {name: getattr(messages, name) for name in ("HEADINGS", "SHEETS", "STATUS", "CAUSES", "WARNING_LEVELS",
                                                     "EXPLANATION", "RECORDED", "CHANGE_WORDS", "PLAN_WORDS")}


@pytest.mark.parametrize("name", TABLES)
def test_every_heading_and_word_has_both_languages_with_the_same_fields(name):
    pairs = [*TABLES[name].items()]
    for key, (zh, en) in pairs:
        assert zh.strip() and en.strip(), (name, key)
        assert sorted(_fields(zh)) == sorted(_fields(en)), (name, key)


def test_the_penalties_sheet_has_a_title_for_each_column_in_both_languages():
    assert all(zh and en for zh, en in messages.PENALTY_SHEET)
    assert len(messages.PENALTY_SHEET) == 12


def _fields(text: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def test_say_fills_fields_in_the_chosen_language():
    assert say("wrote", "zh", count=3, path="a.csv") == "已写入 3 条结果：a.csv"
    assert say("wrote", "en", count=3, path="a.csv") == "wrote 3 result(s) to a.csv"


@pytest.mark.parametrize(("note", "zh"), [
    ("m.csv: row 1: preamble '客服绩效月报' skipped", "m.csv：第 1 行：标题行 '客服绩效月报' 已跳过"),
    ("m.csv: row 16: summary row '合计' skipped", "m.csv：第 16 行：汇总行 '合计' 已跳过"),
    ("m.csv: period 2026-10 taken from the file name (2026-10-01至2026-10-31)",
     "m.csv：月份 2026-10 取自文件名（2026-10-01至2026-10-31）"),
    ("m.csv: period 2026-10 taken from row 2 (2026-10-01 ~ 2026-10-31)",
     "m.csv：月份 2026-10 取自第 2 行（2026-10-01 ~ 2026-10-31）"),
    ("m.xlsx: sheet '客服' read (the one the workbook opens on); also visible: '汇总'",
     "m.xlsx：读取的是工作表 '客服'（打开工作簿时显示的那张）；另有：'汇总'"),
    ("m.csv: something new", "m.csv: something new"),  # an unknown form is shown as it came
])
def test_known_note_forms_are_translated(note, zh):
    assert note_text(note, "zh") == zh
    assert note_text(note, "en") == note


def test_a_note_that_renders_itself_is_used_as_is():
    """The interface asked of the data stage: notes as DataIssue (row 0 = the whole file)."""
    note = DataIssue("m.csv", 16, "", "summary row '合计' skipped", zh="汇总行 '合计' 已跳过")
    assert note_text(note, "zh") == "m.csv：第 16 行：汇总行 '合计' 已跳过"
    assert note_text(DataIssue("m.csv", 0, "", "read", zh="已读取"), "en") == "m.csv: read"
