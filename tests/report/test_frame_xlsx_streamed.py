"""The columnar workbook is deflated by a worker thread while its rows are made (engine.report.xlsx_writer's
`Book(streamed=True)`): `jixiao evaluate --format xlsx --out` writes the reference's bytes, and an error on
either side — the worker's (the archive cannot be written) or the rows' — is the command's error, with no
workbook, no partial file and no thread left behind."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import pytest
from harness.cli import run

from engine.report import frame_xlsx

ROOT = Path(__file__).resolve().parents[2]


def _evaluate(out: Path, engine: str = "columnar"):
    return run("evaluate", "--policy", ROOT / "policies" / "s0_shop.yaml", "--metrics", ROOT / "examples" / "s0" /
               "metrics.csv", "--roster", ROOT / "examples" / "s0" / "roster.csv", "--format", "xlsx",
               "--engine", engine, "-v", "--out", out)


def _workers() -> int:
    return sum(thread.name == "xlsx-deflate" for thread in threading.enumerate())


@pytest.mark.parametrize("batch", [1, 7, 10_000])
def test_the_streamed_workbook_is_the_reference_workbook(batch, tmp_path, monkeypatch):
    monkeypatch.setattr(frame_xlsx, "BATCH", batch)
    found, reference = _evaluate(tmp_path / "c.xlsx"), _evaluate(tmp_path / "d.xlsx", "decimal")
    assert found.exit_code == reference.exit_code == 0, found.output
    assert "计算方式：columnar" in found.stderr
    assert (tmp_path / "c.xlsx").read_bytes() == (tmp_path / "d.xlsx").read_bytes()
    assert _workers() == 0


def test_an_error_in_the_worker_is_the_commands_error_and_writes_nothing(tmp_path, monkeypatch):
    def full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "open", full)  # only the worker opens parts to write them as they come
    found = _evaluate(tmp_path / "month.xlsx")
    assert found.exit_code != 0
    assert "No space left on device" in found.output or "No space left on device" in str(found.exception)
    assert list(tmp_path.iterdir()) == []
    assert _workers() == 0


def test_an_error_while_the_rows_are_made_is_the_commands_error_and_writes_nothing(tmp_path, monkeypatch):
    """The third batch of rows fails, after two were handed to the worker."""
    made = frame_xlsx._Distinct.rows
    calls = []

    def failing(self, *args):
        calls.append(1)
        if len(calls) > 40:
            raise RuntimeError("a batch could not be made")
        return made(self, *args)

    monkeypatch.setattr(frame_xlsx, "BATCH", 1)
    monkeypatch.setattr(frame_xlsx._Distinct, "rows", failing)
    found = _evaluate(tmp_path / "month.xlsx")
    assert found.exit_code != 0
    assert "a batch could not be made" in found.output or "a batch could not be made" in str(found.exception)
    assert list(tmp_path.iterdir()) == []
    assert _workers() == 0


@pytest.mark.parametrize("batch", [1, 5_000])
def test_names_and_teams_with_markup_and_chinese_are_the_reference_workbook(batch, tmp_path, monkeypatch):
    """Names and teams holding `<`, `>`, `&` and `'`, Chinese, a formula's first character: escaped in the
    cells and in the subtotal labels as the reference escapes them. (A `"` needs a quoted CSV field, which
    the columnar reader leaves to the Decimal path; the writer's tests hold it.)"""
    lines = (ROOT / "examples" / "s0" / "roster.csv").read_text(encoding="utf-8-sig").splitlines()
    names = ["A & B <C>", "客服 <一组>", "=HYPERLINK(1)", "O'Neil & 王", "_x0041_ 张"]
    teams = ["一组 & 二", "<b>", "一组", "=A组", "一组"]
    rows = [lines[0]]
    for i, line in enumerate(lines[1:]):
        cells = line.split(",")
        cells[1], cells[4] = names[i % len(names)], teams[i % len(teams)]
        rows.append(",".join(cells))
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    monkeypatch.setattr(frame_xlsx, "BATCH", batch)
    outputs = {}
    for engine in ("columnar", "decimal"):
        out = tmp_path / f"{engine}.xlsx"
        found = run("evaluate", "--policy", ROOT / "policies" / "s0_shop.yaml", "--metrics",
                    ROOT / "examples" / "s0" / "metrics.csv", "--roster", roster, "--format", "xlsx",
                    "--engine", engine, "-v", "--out", out)
        assert found.exit_code == 0, found.output
        outputs[engine] = out.read_bytes()
        if engine == "columnar":
            assert "计算方式：columnar" in found.stderr, found.stderr
    assert outputs["columnar"] == outputs["decimal"]
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(outputs["columnar"]), read_only=True).worksheets[0]
    shown = {cell for row in sheet.iter_rows(values_only=True) for cell in row}
    assert {"A & B <C>", "客服 <一组>", "一组 & 二 小计", "<b>", "=HYPERLINK(1)"} <= shown
