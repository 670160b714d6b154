"""The columnar workbook (engine.report.frame_xlsx) makes each cell as the reference's own functions make
it (`text_cell`, `number_cell`), and the whole workbook byte for byte as engine.report.xlsx writes it, or
says NotCovered (issue 19): generated texts and numbers full of what breaks a writer (controls, `_x`
escapes, formula starts, edge spaces, CJK and other wide characters, emojis, rounding ties at 4 places,
carries, long digits), and months cut into batches of a few rows, so that a team's subtotal falls at
every place a batch can end."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.columnar_month import evaluate_report
from engine.model.frames import NotCovered
from engine.month import Files, evaluate_files
from engine.report import frame_xlsx
from engine.report.frame_xlsx import _number_column, _percent_widths, _text_column
from engine.report.xlsx import _Cells, to_xlsx
from engine.report.xlsx_writer import GENERAL, MONEY, PERCENT, POINTS, number_cell, text_cell

ROOT = Path(__file__).resolve().parents[2]


def _made(column) -> list[tuple[str, object]]:
    """Each row's (XML after its reference and style, style) as the column gives them."""
    return [(body, column.styles[style]) for body, style in zip(column.body.to_list(), column.style.to_list(),
                                                                  strict=True)]


def _check(keys: list[str], column, make) -> None:
    cells = [make(key) for key in keys]
    assert _made(column) == [(c.body, c.style) for c in cells]
    assert column.width == max(c.width for c in cells)


TEXTS = st.lists(st.sampled_from(
    ["a", "Z", "0", " ", "&", "<", ">", '"', "'", "=", "+", "-", "@", "\t", "\r", "\n", "\x00", "\x1f", "_", "x",
     "_x0041_", "客", "服", "组", "가", "ｱ", "Ａ", "é", "\u3000", "\u00a0", "🙂", "\ufffe", "\u200f", "·"]),
    max_size=12).map("".join)


@given(st.lists(TEXTS, min_size=1, max_size=30))
@settings(max_examples=200, deadline=None)
def test_text_cells_are_text_cells(texts):
    cells = _Cells()
    _check(texts, _text_column(pl.Series(texts, dtype=pl.String), cells), text_cell)


def _decimal_texts(draw, places: int) -> str:
    whole = draw(st.sampled_from([0, 1, 9, 99, 999, 1000, 123456, 999999999999, 10**14, 10**15 - 1, 10**15]))
    fraction = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=places, max_size=places)))
    sign = draw(st.sampled_from(["", "-"]))
    return f"{sign}{whole}" + (f".{fraction}" if places else "")


@st.composite
def numbers(draw) -> str:
    places = draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 10, 28]))
    return _decimal_texts(draw, places)


@pytest.mark.parametrize("fmt", [MONEY, POINTS, GENERAL, PERCENT])
@given(st.lists(numbers(), min_size=1, max_size=30))
@settings(max_examples=100, deadline=None)
def test_number_cells_are_number_cells(fmt, texts):
    texts = [t for t in texts if Decimal(t) or not t.startswith("-")]  # the columns never hold a negative zero
    if not texts:
        return
    cells = _Cells()
    _check(texts, _number_column(pl.Series(texts, dtype=pl.String), fmt, cells),
           lambda key: number_cell(Decimal(key), fmt))


def test_the_edges_of_a_percent_width():
    """Half up at the 4th place of the percent, a carry into another digit, a cut marked, a zero unsigned."""
    texts = ["0.99995", "0.9999995", "0.999999949", "-0.0000004", "-0.00004", "0.000049999", "0.12345", "-0.123450",
             "9.99995", "0.00", "-0.00001", "999999999999.9999999"]
    whole = pl.Series(texts).str.strip_prefix("-").str.split_exact(".", 1).struct.field("field_0")
    fraction = pl.Series(texts).str.strip_prefix("-").str.split_exact(".", 1).struct.field("field_1").fill_null("")
    got = _percent_widths(pl.Series(texts).str.starts_with("-"), whole, fraction).to_list()
    assert got == [number_cell(Decimal(t), PERCENT).width for t in texts]


MONTHS = [("s0_shop", "examples/s0/metrics.csv", "examples/s0/roster.csv"),
          ("s0_shop", "examples/careers/metrics-2026-12.csv", "examples/careers/roster.csv"),
          ("template_scorecard", "examples/template/metrics.csv", None)]


@pytest.mark.parametrize(("policy", "metrics", "roster"), MONTHS)
@pytest.mark.parametrize("batch", [1, 2, 3, 5])
def test_a_month_in_small_batches_is_the_reference_workbook(policy, metrics, roster, batch, monkeypatch):
    """Rows made a few at a time: styles numbered and subtotals placed across every batch boundary."""
    files = Files(str(ROOT / "policies" / f"{policy}.yaml"), str(ROOT / metrics),
                  str(ROOT / roster) if roster else None, None, None, None)
    done = evaluate_files(files, None, trace=True)
    monkeypatch.setattr(frame_xlsx, "BATCH", batch)
    assert evaluate_report(files, None, "xlsx", "en").data == to_xlsx(done.plan, done.results, "en")


def test_a_measured_value_whose_places_the_columns_do_not_hold_is_not_covered(tmp_path):
    """A response time read with places (`28.50` beside `45`): the reference shows each as written, in the
    general format, and the column holds both at 2 places; its width is not the columns' to know."""
    text = (ROOT / "examples" / "template" / "metrics.csv").read_text(encoding="utf-8-sig").splitlines()
    decimal = evaluate_files(Files(str(ROOT / "policies" / "template_scorecard.yaml"), str(ROOT / "examples" /
                                   "template" / "metrics.csv"), None, None, None, None), None, trace=True)
    assert decimal.results
    header = text[0].split(",")
    at = header.index("平均响应时间")
    row = text[1].split(",")
    row[at] = row[at] + ".50"
    bad = tmp_path / "metrics.csv"
    bad.write_text("\n".join([text[0], ",".join(row), *text[2:]]) + "\n", encoding="utf-8")
    files = Files(str(ROOT / "policies" / "template_scorecard.yaml"), str(bad), None, None, None, None)
    with pytest.raises(NotCovered, match="places"):
        evaluate_report(files, None, "xlsx", "en")


@pytest.mark.parametrize("batch", [1, 2, 10_000])
def test_teams_a_formula_and_no_team_are_the_reference_workbook(batch, tmp_path, monkeypatch):
    """S2's month with a team column: `=A组` (a formula's first character, quoted), agents without a team
    (their subtotal last, `(no team)`), teams whose rows are not together in the file."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO((ROOT / "examples" / "s2" / "metrics.csv").read_text(encoding="utf-8-sig"))))
    teams = ["B组", "", "A组", "", "=A组"]
    metrics = tmp_path / "metrics.csv"
    with metrics.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([[*rows[0], "组别"], *([*r, teams[i % 5]] for i, r in enumerate(rows[1:]))])
    files = Files(str(ROOT / "policies" / "s2_commission.yaml"), str(metrics), None, None, None, None)
    done = evaluate_files(files, None, trace=True)
    monkeypatch.setattr(frame_xlsx, "BATCH", batch)
    for lang in ("zh", "en"):
        assert evaluate_report(files, None, "xlsx", lang).data == to_xlsx(done.plan, done.results, lang)
