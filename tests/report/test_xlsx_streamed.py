"""The XLSX report as a large month writes it: the caches of cells that start again past `_KEPT` and
the fast deflating of a sheet past `FAST_ABOVE` bytes change no cell, and the workbook is the same
bytes each time. Shown on the S0 month (results and KPI details sheets) and the S4 month (penalties
sheet), with the limits lowered so the shipped examples reach them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

import engine.report.xlsx as xlsx
import engine.report.xlsx_writer as writer
from engine.month import Files, evaluate_files

ROOT = Path(__file__).resolve().parents[2]
MONTHS = {
    "s0": Files(str(ROOT / "policies/s0_shop.yaml"), str(ROOT / "examples/s0/metrics.csv"),
                str(ROOT / "examples/s0/roster.csv")),
    "s4": Files(str(ROOT / "policies/s4_path.yaml"), str(ROOT / "examples/s4/metrics.csv"),
                str(ROOT / "examples/s4/roster.csv"), events=str(ROOT / "examples/s4/events-2026-10.csv")),
}


@pytest.fixture(scope="module", params=sorted(MONTHS))
def month(request):
    done = evaluate_files(MONTHS[request.param], "2026-10", trace=True)
    return done.plan, done.results


def _parts(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def _cells(data: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [(sheet.title, c.coordinate, c.value, c.number_format, c.font.b, c.quotePrefix, c.alignment.horizontal)
            for sheet in book for row in sheet.iter_rows() for c in row]


def test_caches_that_start_again_change_no_byte(month, monkeypatch):
    plan, results = month
    kept = xlsx.to_xlsx(plan, results, "zh")
    monkeypatch.setattr(xlsx, "_KEPT", 3)
    assert xlsx.to_xlsx(plan, results, "zh") == kept


def test_a_sheet_deflated_fast_holds_the_same_parts_and_cells(month, monkeypatch):
    plan, results = month
    kept = xlsx.to_xlsx(plan, results, "en")
    monkeypatch.setattr(writer, "FAST_ABOVE", 0)
    fast = xlsx.to_xlsx(plan, results, "en")
    assert fast != kept  # packed otherwise ...
    assert _parts(fast) == _parts(kept)  # ... the same XML
    assert _cells(fast) == _cells(kept)
    assert xlsx.to_xlsx(plan, results, "en") == fast  # and the same bytes each time
    assert {info.date_time for info in zipfile.ZipFile(io.BytesIO(fast)).infolist()} == {(2000, 1, 1, 0, 0, 0)}


def test_the_workbook_has_the_sheets_its_month_calls_for(month):
    plan, results = month
    names = openpyxl.load_workbook(io.BytesIO(xlsx.to_xlsx(plan, results, "zh"))).sheetnames
    assert names == (["结果", "指标明细", "方案"] if plan.kpis else ["结果", "罚则明细", "方案"])
