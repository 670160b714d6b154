"""Rows of a CSV or tab-separated text export, with the checks only text files need.

Bounds (documented for users in the README): a text file is at most MAX_FILE_BYTES (200 MB)
and MAX_ROWS rows (1,048,576, Excel's limit), a row at most MAX_COLUMNS cells (16,384, Excel's).

A quote is the one character that can silently merge rows: a remark typed `"好评` with no closing
quote swallows every row after it into one cell. Python's csv reader accepts that quietly at the
end of the file, so the reader runs strict (an unclosed quote at the end is an error naming the
row where the quote opened) and `swallowed` flags a quoted cell that runs over several lines and
holds lines shaped like whole rows.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence

from engine.data import sources
from engine.data.column_reader import column_letter
from engine.errors import DataError, DataIssue

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
_NO_PERCENT: frozenset[int] = frozenset()
_SHOWN = 40


def file_error(path: str, message: str, zh: str, row: int = 0) -> DataError:
    """A DataError about the whole file (row 0 names no row) or one row of it."""
    return DataError([DataIssue(path, row, "", message, zh=zh)])


def too_many_rows(path: str) -> DataError:
    return file_error(
        path,
        f"more than {MAX_ROWS:,} rows (Excel's limit); split the export by month or team",
        f"超过 {MAX_ROWS:,} 行（Excel 的上限）；请按月份或小组拆分导出",
    )


def too_many_columns(path: str, row: int, count: int) -> DataError:
    return file_error(
        path,
        f"{count:,} cells in one row, more than {MAX_COLUMNS:,} (Excel's limit); this is not a metrics export",
        f"一行有 {count:,} 个单元格，超过 {MAX_COLUMNS:,}（Excel 的上限）；这不是一份指标导出文件",
        row,
    )


def decode(path: str) -> str:
    """The file's text: UTF-8 (with or without BOM) or GB18030/GBK, as Chinese exports come.

    A UTF-16 BOM is honoured too: Excel's "Unicode text" export (.txt, tab-separated) writes it.
    """
    try:
        size = sources.size(path)
        if size > MAX_FILE_BYTES:
            raise file_error(
                path,
                f"the file is {size / 2**20:,.0f} MB, more than the {MAX_FILE_BYTES // 2**20} MB "
                "a metrics export can be; "
                "split it by month or team",
                f"文件大小 {size / 2**20:,.0f} MB，超过指标文件上限 {MAX_FILE_BYTES // 2**20} MB；请按月份或小组拆分",
            )
        data = sources.read_bytes(path)
    except OSError as exc:
        raise file_error(path, f"cannot read the file: {exc.strerror}", f"无法读取文件：{exc.strerror}") from None
    bom_utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    for encoding in ("utf-16",) if bom_utf16 else ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise file_error(
        path,
        "expected text in UTF-8 or GB18030/GBK, got undecodable bytes; save as CSV UTF-8",
        "期望 UTF-8 或 GB18030/GBK 编码的文本，但有无法解码的字节；请另存为 CSV UTF-8",
    )


class CsvRows:
    """The rows of one reading of a text file (by comma or by tab), numbered as a spreadsheet shows them.

    Iterating yields (row, cells, no percent columns); `multiline` collects the rows whose cells
    ran over several lines, for `swallowed` to inspect once the header's width is known.
    """

    ragged = True  # cells are positional text: a stray delimiter shifts the row

    def __init__(self, path: str, text: str, delimiter: str) -> None:
        self.path = path
        self.text = text
        self.delimiter = delimiter
        self.multiline: list[tuple[int, int, Sequence[str]]] = []
        self.notes: list[str] = []

    def __iter__(self) -> Iterator[tuple[int, Sequence[object], frozenset[int]]]:
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter, strict=True)
        number, line = 0, 0
        try:
            for number, cells in enumerate(reader, start=1):
                if reader.line_num - line > 1:
                    self.multiline.append((number, line + 1, cells))
                line = reader.line_num
                if number > MAX_ROWS:
                    raise too_many_rows(self.path)
                if len(cells) > MAX_COLUMNS:
                    raise too_many_columns(self.path, number, len(cells))
                yield number, cells, _NO_PERCENT
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise file_error(
                    self.path,
                    f"a quote opened in this row (line {line + 1}) is never closed, so every line after it "
                    'would be read as one cell; close the quote or remove the stray "',
                    f"这一行（第 {line + 1} 行文本）有一个引号始终没有闭合，其后所有内容会被读成一个单元格；"
                    '请补上或删除多余的 "',
                    number + 1,
                ) from None
            raise file_error(
                self.path,
                f"not valid CSV near line {reader.line_num}: {exc}; check the quotes on that line",
                f"第 {reader.line_num} 行附近不是有效的 CSV：{exc}；请检查该行的引号",
                number + 1,
            ) from None

    def swallowed(self, width: int, first_data_row: int) -> list[DataIssue]:
        """Rows where a quoted cell holds lines shaped like whole rows: a quote left unclosed."""
        issues = []
        for number, line, cells in self.multiline:
            if number < first_data_row or width < 2:
                continue
            for index, cell in enumerate(cells):
                rows = [part for part in cell.split("\n")[1:] if part.count(self.delimiter) >= width - 1]
                if rows:
                    shown = repr(rows[0] if len(rows[0]) <= _SHOWN else rows[0][: _SHOWN - 3] + "...")
                    issues.append(
                        DataIssue(
                            self.path,
                            number,
                            column_letter(index),
                            f"a quoted cell opened here (line {line}) runs over {cell.count(chr(10)) + 1} lines and "
                            f"holds what looks like whole rows ({shown}): a quote is probably unclosed; "
                            'close it or remove the stray "',
                            zh=f"此处（第 {line} 行文本）开始的带引号单元格跨了 {cell.count(chr(10)) + 1} 行，"
                            f'里面像是整行数据（{shown}）：很可能有引号没有闭合；请补上或删除多余的 "',
                        )
                    )
                    break
        return issues
