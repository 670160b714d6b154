"""Under `score.round: total` (issue 16 item 3) each KPI's points are left unrounded and only the sum is
rounded: the workbook shows each point with every place it has (33.335, never 33.34), so the points
shown add up to the score shown and none is rounded across the rating's minimum beside it."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
from harness.cli import run

from tests.run.test_score_rounding import POLICY


def _workbook(tmp_path, round_line: str, rows: str):
    policy = tmp_path / "r.yaml"
    policy.write_text(POLICY.format(round=round_line).replace(
        "score: {total: 100", "score: {total: 100, ratings: {good: {label: 良好, min: 98}, low: {label: 待改进}}"),
        encoding="utf-8")
    metrics = tmp_path / "m.csv"
    metrics.write_text("工号,月份,岗位,甲,乙,丙\n" + rows, encoding="utf-8")
    out = tmp_path / "r.xlsx"
    result = run("evaluate", "--policy", policy, "--metrics", metrics, "--format", "xlsx", "--out", out)
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(io.BytesIO(out.read_bytes()))["结果"]


def _shown(cell) -> str:
    """The text Excel shows for a number cell in a `0.00…` format."""
    places = len(cell.number_format.partition(".")[2])
    return f"{Decimal(str(cell.value)):.{places}f}"


def test_unrounded_points_are_shown_whole_and_add_up_to_the_score(tmp_path):
    """33.335 + 33.335 + 31.33 = 98.000 → 98.00 (half-up to 0.01): shown 33.335, 33.335, 31.33, 98.00;
    at 0.00 they would read 33.34 + 33.34 + 31.33 = 98.01."""
    sheet = _workbook(tmp_path, ", round: total", "a1,2026-10,agent,33.335,33.335,31.33\n")
    head = [c.value for c in sheet[1]]
    row = {h: sheet.cell(row=2, column=i + 1) for i, h in enumerate(head)}
    points = [row[f"{label} 得分"] for label in ("甲分", "乙分", "丙分")]
    assert [_shown(c) for c in points] == ["33.335", "33.335", "31.33"]
    assert [c.number_format for c in points] == ["0.000", "0.000", "0.00"]
    assert (_shown(row["得分"]), row["评级"].value) == ("98.00", "良好")
    assert sum(Decimal(_shown(c)) for c in points) == Decimal(_shown(row["得分"]))


def test_points_just_under_a_minimum_never_show_as_reaching_it(tmp_path):
    """33.335 + 33.335 + 31.324 = 97.994 → 97.99, below the 98 of 良好: at 0.00 the points would read
    33.34 + 33.34 + 31.32 = 98.00, as if the minimum were reached; shown whole they add up to 97.994."""
    sheet = _workbook(tmp_path, ", round: total", "a1,2026-10,agent,33.335,33.335,31.324\n")
    head = [c.value for c in sheet[1]]
    row = {h: sheet.cell(row=2, column=i + 1) for i, h in enumerate(head)}
    points = [row[f"{label} 得分"] for label in ("甲分", "乙分", "丙分")]
    assert [_shown(c) for c in points] == ["33.335", "33.335", "31.324"]
    assert sum(Decimal(_shown(c)) for c in points) == Decimal("97.994") < 98
    assert (_shown(row["得分"]), row["评级"].value) == ("97.99", "待改进")


def test_rounded_points_keep_their_two_places(tmp_path):
    """`round: each` (the default): points are 0.01s, shown in 0.00 as before."""
    sheet = _workbook(tmp_path, "", "a1,2026-10,agent,33.335,33.335,31.33\n")
    head = [c.value for c in sheet[1]]
    cells = [sheet.cell(row=2, column=head.index(f"{label} 得分") + 1) for label in ("甲分", "乙分", "丙分")]
    assert [(_shown(c), c.number_format) for c in cells] == [("33.34", "0.00"), ("33.34", "0.00"), ("31.33", "0.00")]
