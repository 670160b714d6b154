"""Input files written for a test: month exports, rosters, events and manual adjustments.

Every writer returns the path it wrote and writes exactly the bytes asked for (no newline
translation), so a test that names a row or a byte offset can count on them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from harness.paths import S0_METRICS

__all__ = ["ADJUSTMENTS_HEADER", "EVENTS_HEADER", "adjustments_file", "csv_text", "events_file", "s0_month",
           "s0_month_text", "write_csv", "write_text"]

# The columns of an events file as the S4 shop keeps its register (docs/rules.md S4.P3–S4.P27).
EVENTS_HEADER = "工号,时间,类型,数值/秒,金额,订单号,备注"
# The columns of a manual adjustments file (`--adjustments`).
ADJUSTMENTS_HEADER = "工号,金额,原因,审批人"


def csv_text(rows: Iterable[Sequence[object]], *, lineterminator: str = "\n", delimiter: str = ",") -> str:
    """Rows as CSV text (quoted where a cell needs it)."""
    out = io.StringIO()
    csv.writer(out, lineterminator=lineterminator, delimiter=delimiter).writerows(rows)
    return out.getvalue()


def write_csv(path: Path, rows: Iterable[Sequence[object]], *, encoding: str = "utf-8",
              lineterminator: str = "\n") -> Path:
    """Rows (the header first) as a CSV file in `encoding` (gb18030 for a Chinese back-office export)."""
    path.write_bytes(csv_text(rows, lineterminator=lineterminator).encode(encoding))
    return path


def write_text(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    """Text as a file in `encoding`, byte for byte."""
    path.write_bytes(text.encode(encoding))
    return path


def events_file(path: Path, rows: Iterable[str], *, header: str = EVENTS_HEADER, encoding: str = "utf-8") -> Path:
    """An events file (`--events`): the header, then one line per row (`工号,时间,类型,…`)."""
    return write_text(path, header + "\n" + "".join(row + "\n" for row in rows), encoding=encoding)


def adjustments_file(path: Path, rows: Iterable[str], *, header: str = ADJUSTMENTS_HEADER,
                     encoding: str = "utf-8") -> Path:
    """A manual adjustments file (`--adjustments`): the header, then one line per row (`1001,200,春节补贴,张经理`)."""
    return write_text(path, header + "\n" + "".join(row + "\n" for row in rows), encoding=encoding)


def s0_month_text(month: str, last_day: int = 30) -> str:
    """The S0 October export (examples/s0/metrics.csv) as text, its month (the title's date range and
    the 月份 column) changed to `month`."""
    text = S0_METRICS.read_bytes().decode("gb18030")
    text = text.replace("2026-10-01 ~ 2026-10-31", f"{month}-01 ~ {month}-{last_day}")
    return text.replace(",2026-10,", f",{month},")


def s0_month(folder: Path, month: str, last_day: int = 30) -> Path:
    """`s0_month_text` written as folder/metrics-<month>.csv in the export's own encoding (GB18030)."""
    return write_text(folder / f"metrics-{month}.csv", s0_month_text(month, last_day), encoding="gb18030")
