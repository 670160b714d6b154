"""Fuzz target 3: the CSV and XLSX readers, with a fixed plan, on mutated export files.

Exports come from many back offices (docs/rules.md X.1–X.13) and are edited by hand, so whatever
file arrives, `engine.inputs.read_inputs` must return inputs or raise `DataError` listing located
issues, within the time bound, never another exception. What it returns must then evaluate (or
fail with a located JixiaoError) and render in every report format. Files start from the shipped
examples: CSV is mutated as bytes or as a grid of cells re-encoded in UTF-8, GB18030 or UTF-16;
XLSX is rewritten with openpyxl from a mutated grid of typed cells, sometimes with its sheet XML
mutated as bytes afterwards.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fuzz_support import EXAMPLES, LONG, ROOT, bounded, fuzz_settings
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from engine.data.inputs import read_inputs
from engine.errors import DataError, JixiaoError
from engine.pipeline import prepare
from engine.report.tables import render
from engine.run.evaluate import evaluate

PLANS = {name: prepare(str(ROOT / "policies" / f"{name}.yaml"))[0] for name in ("s0_shop", "s2_commission")}
ROSTER = (EXAMPLES / "s0" / "roster.csv").read_bytes()
# (plan, which file is mutated, seed bytes, suffix)
CSV_SEEDS = (
    ("s0_shop", "metrics", (EXAMPLES / "s0" / "metrics.csv").read_bytes()),
    ("s0_shop", "roster", ROSTER),
    ("s2_commission", "metrics", (EXAMPLES / "s2" / "metrics.csv").read_bytes()),
)
# Far cells and wide rows reach the readers' size bounds; kept modest in the normal suite.
XLSX_ROWS, XLSX_COLUMNS = 1_048_576, 16_384  # what a worksheet can hold
MAX_ROW, MAX_COLUMN = (XLSX_ROWS, XLSX_COLUMNS) if LONG else (300, 60)
# A CSV row may widen past Excel's 16,384 columns (refused, F4); XLSX rows stay narrow in the short run.
MAX_WIDE = 20_000
MAX_WIDE_XLSX = XLSX_COLUMNS - 20 if LONG else 60


def _grid(raw: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return list(csv.reader(io.StringIO(raw.decode(encoding), newline="")))
        except UnicodeDecodeError:
            continue
    raise AssertionError("seed file is neither UTF-8 nor GB18030")


def _xlsx_grid(path: Path) -> list[list[tuple[object, str]]]:
    sheet = load_workbook(path).worksheets[0]
    return [[(cell.value, cell.number_format) for cell in row] for row in sheet.iter_rows()]


XLSX_SEED = _xlsx_grid(EXAMPLES / "s0" / "metrics.xlsx")

CELL_TEXTS = st.one_of(
    st.sampled_from([
        "", "-", "--", "—", "N/A", "null", "0", "-0", "0.00%", "100%", "-5%", "150%", "1e999", "1e-999", "NaN", "inf",
        "Infinity", "1,2,3", "1,234.50", "¥", "¥-1", "-¥1", "1分", "99999小时", "1:99:99", "00:00:45", "9" * 40,
        "1" + "0" * 400, "12人", "延迟统计", "合计", "汇总", "均值", "total", "\x00", "\x07", "=1/0", "2026-13",
        "2026年10月", "202610", "2026.1", "0.5", "１２３", "１２３％", "−5", "1.5e3", "1_000", " 7 ", "\u3000",
        "True", "试用期", "正式", "A9", "A1", "一组", "1001", "工号", "月份", "组别", "x" * 5000, "8分48秒",
        "97.5%", "店铺名:昵称",
    ]),
    st.text(max_size=12),
)
CSV_TOKENS = (b",", b"\t", b'"', b"\r\n", b"\n", b"\r", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"%", b"-", b"1e999",
              b"NaN", b"-0", b"\xa3\xa4", b"\x81", b"1,234.50", b'"1,2"', b"12:30:45", b"9" * 40, b"\xe5\x88\x86",
              b"\xe5\x90\x88\xe8\xae\xa1", b"\xba\xcf\xbc\xc6")


@st.composite
def _byte_mutant(draw, raw: bytes) -> bytes:
    data = bytearray(raw)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["flip", "insert", "token", "delete", "repeat"]))
        if op == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=6))
        elif op == "token":
            data[at:at] = draw(st.sampled_from(CSV_TOKENS))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 120))]
        elif op == "repeat":
            piece = bytes(data[at : at + draw(st.integers(1, 200))])
            data[at:at] = piece * draw(st.integers(1, 20))
    return bytes(data)


def _short(cell: object) -> object:
    """A cell cut to a few characters: a wide row should mean many columns, not many megabytes."""
    if isinstance(cell, tuple):
        return (_short(cell[0]), *cell[1:])
    return cell[:8] if isinstance(cell, str) else cell


@st.composite
def _grid_mutant(draw, grid: list[list], cell: st.SearchStrategy, blank: object, wide: int) -> list[list]:
    grid = [list(row) for row in grid]
    for _ in range(draw(st.integers(1, 8))):
        row = draw(st.integers(0, len(grid) - 1)) if grid else 0
        op = draw(st.sampled_from(["set", "set", "set", "column", "drop_column", "row", "drop_row", "wide"]))
        if not grid:
            grid.append([blank])
        elif op == "set":
            width = max(len(grid[row]), 1)
            at = draw(st.integers(0, width - 1))
            grid[row] = grid[row] + [blank] * (at + 1 - len(grid[row]))
            grid[row][at] = draw(cell)
        elif op == "column":
            at = draw(st.integers(0, max(len(r) for r in grid)))
            for line in grid:
                line.insert(min(at, len(line)), draw(cell))
        elif op == "drop_column":
            at = draw(st.integers(0, max(len(r) for r in grid)))
            for line in grid:
                if at < len(line):
                    del line[at]
        elif op == "row":
            grid.insert(row, list(grid[draw(st.integers(0, len(grid) - 1))]))
        elif op == "drop_row":
            del grid[row]
        elif op == "wide":  # before the cells (pushing a header far right) or after them
            filler = [_short(draw(cell))] * draw(st.integers(1, wide))
            grid[row] = filler + grid[row] if draw(st.booleans()) else grid[row] + filler
    return grid


def _csv_bytes(grid: list[list[str]], delimiter: str, encoding: str) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(grid)
    return out.getvalue().encode(encoding, errors="replace")


@st.composite
def csv_mutants(draw) -> tuple[str, str, bytes, str]:
    plan, role, raw = draw(st.sampled_from(CSV_SEEDS))
    if draw(st.booleans()):
        return plan, role, draw(_byte_mutant(raw)), ".csv"
    grid = draw(_grid_mutant(_grid(raw), CELL_TEXTS, "", MAX_WIDE))
    suffix = draw(st.sampled_from([".csv", ".csv", ".txt"]))
    delimiter = "\t" if suffix == ".txt" and draw(st.booleans()) else ","
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    return plan, role, _csv_bytes(grid, delimiter, encoding), suffix


XLSX_VALUES = st.one_of(
    CELL_TEXTS.map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)),
    st.integers(-10**30, 10**30),
    st.sampled_from([0.1, -0.0, 1e308, 5e-324, 1e15 + 0.3, 0.975, 2.675, True, False, None, 10**27, -1]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([date(2026, 10, 1), datetime(2026, 10, 31, 23, 59), time(0, 1, 5), timedelta(minutes=8, seconds=48),
                     timedelta(days=-1), Decimal("0.1")]),
)
FORMATS = st.sampled_from(["General", "0.00%", "0%", "#,##0.00", "h:mm:ss", "yyyy-mm-dd", "@", "[h]:mm:ss", "0.0E+00"])
XML_TOKENS = (b'<c r="XFD1048576"><v>1</v></c>', b'<dimension ref="A1:XFD1048576"/>', b' t="e"', b' t="b"',
              b' t="d"', b' t="s"', b"<v>1e309</v>", b"<v>NaN</v>", b"<v>-0</v>", b"<", b">", b'"', b"&amp;", b"&#0;",
              b' r="A0"', b' s="999"', b"<row>", b"</row>", b'<row r="1048576">', b"\x00")


def _xlsx_bytes(grid: list[list[tuple[object, str]]], far: tuple[int, int, object] | None) -> bytes:
    book = Workbook()
    sheet = book.active
    for r, line in enumerate(grid, start=1):
        for c, (value, number_format) in enumerate(line, start=1):
            cell = sheet.cell(r, c, value)
            cell.number_format = number_format
    if far is not None:
        sheet.cell(far[0], far[1], far[2])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@st.composite
def _xml_mutant(draw, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        member = draw(st.sampled_from([n for n in source.namelist() if n.startswith("xl/")]))
        for name in source.namelist():
            content = source.read(name)
            if name == member:
                content = bytearray(content)
                for _ in range(draw(st.integers(1, 3))):
                    at = draw(st.integers(0, len(content)))
                    if draw(st.booleans()):
                        content[at:at] = draw(st.sampled_from(XML_TOKENS))
                    else:
                        del content[at : at + draw(st.integers(1, 40))]
                content = bytes(content)
            target.writestr(name, content)
    return out.getvalue()


@st.composite
def xlsx_mutants(draw) -> tuple[str, str, bytes, str]:
    cells = st.tuples(XLSX_VALUES, FORMATS)
    grid = draw(_grid_mutant(XLSX_SEED, cells, (None, "General"), MAX_WIDE_XLSX))
    far = None
    if draw(st.integers(0, 9)) == 0:
        far = (draw(st.integers(1, MAX_ROW)), draw(st.integers(1, MAX_COLUMN)), draw(XLSX_VALUES))
    data = _xlsx_bytes(grid, far)
    if draw(st.integers(0, 3)) == 0:
        data = draw(_xml_mutant(data))
    return "s0_shop", "metrics", data, ".xlsx"


def read_file(sample: tuple[str, str, bytes, str]) -> None:
    """Property: inputs or DataError; what is read evaluates (or JixiaoError) and renders everywhere."""
    plan_name, role, data, suffix = sample
    plan = PLANS[plan_name]
    with tempfile.TemporaryDirectory() as tmp:
        mutated = Path(tmp) / f"fuzz{suffix}"
        mutated.write_bytes(data)
        metrics, roster = mutated, None
        if plan_name == "s0_shop":
            roster = Path(tmp) / "roster.csv"
            if role == "roster":
                metrics = EXAMPLES / "s0" / "metrics.csv"
                roster = mutated
            else:
                roster.write_bytes(ROSTER)
        with bounded("read+evaluate+render"):
            try:
                read = read_inputs(plan, metrics, roster=roster)
            except DataError as error:
                assert error.issues, "DataError without an issue"
                error.lines("zh")
                error.lines("en")
                return
            try:
                results = evaluate(plan, read.agents)
            except JixiaoError:
                return
            for fmt in ("table", "json", "csv", "xlsx"):
                for lang in ("zh", "en"):
                    render(plan, results, fmt, lang)


@fuzz_settings(200)
@given(csv_mutants())
def test_mutated_csv_reads_or_is_refused(sample):
    read_file(sample)


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date")  # openpyxl, on odd serials
@fuzz_settings(40)
@given(xlsx_mutants())
def test_mutated_xlsx_reads_or_is_refused(sample):
    read_file(sample)
