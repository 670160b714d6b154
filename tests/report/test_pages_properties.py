"""Invariants of what the payslips and the team report write: text never becomes markup, file names
made from data stay plain names, a folder is written whole or left as it was."""

from __future__ import annotations

import html
import os
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.report.atomic_write import FOLDER_MARK, OutputError, write_folder_atomic
from engine.report.html_page import esc
from engine.report.payslips import NAME_LIMIT, file_stem
from engine.report.safe_text import for_terminal
from engine.report.svg_charts import at


@given(st.text())
def test_escaped_text_is_never_markup_and_reads_back_as_shown(text):
    shown = esc(text)
    assert not set(shown) & set("<>\"'")
    assert html.unescape(shown) == for_terminal(text)


@given(st.lists(st.text(), min_size=1, max_size=4))
def test_a_file_name_from_data_is_a_plain_visible_name(parts):
    stem = file_stem(*parts)
    assert stem and len(stem) <= NAME_LIMIT
    assert "/" not in stem and "\x00" not in stem and not stem.startswith(".")
    assert re.fullmatch(r"[\w.-]+", stem)


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**6, max_value=10**6))
def test_a_coordinate_is_never_negative_zero(value):
    text = at(value)
    assert text != "-0.0" and Decimal(text) == value.quantize(Decimal("0.1"))


def test_a_folder_that_fails_half_way_is_not_left_and_the_earlier_one_is_kept(tmp_path, monkeypatch):
    target = tmp_path / "slips"
    write_folder_atomic(target, {"a.html": b"first"})
    written = []
    real = os.fsync

    def failing(fd: int) -> None:
        written.append(fd)
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        real(fd)

    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(OutputError) as raised:
        write_folder_atomic(target, {"a.html": b"second", "b.html": b"second"})
    assert "磁盘空间不足" in raised.value.lines("zh")[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slips"]
    assert (target / "a.html").read_bytes() == b"first"
    assert sorted(p.name for p in target.iterdir()) == sorted([FOLDER_MARK, "a.html"])
