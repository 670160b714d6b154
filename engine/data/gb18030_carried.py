"""A GB18030 file carried through polars undecoded: each byte as the Latin-1 character of its value.

Decoding a GB18030 export in Python's codec costs about 8 ns a byte, ASCII included, and it is a whole
file's worth of serial work before polars can start. But GB18030 is ASCII-compatible, and none of its
multi-byte characters holds a byte polars splits a CSV file by: a 2-byte character's trail byte is
0x40-0x7E or 0x80-0xFE, a 4-byte character's 2nd and 4th bytes are the digits 0x30-0x39, so a comma, a
quote, CR and LF in the bytes are always the characters themselves. The file is therefore handed to
polars as the Latin-1 reading of its bytes (`carried`: two C fast paths, a few times quicker than the
codec), split into lines and cells exactly where its decoded text would be, and only the cells that
need their text — those holding a byte past 0x7F — are decoded as GB18030 afterwards (`restored`),
together, in one call of the codec, so most of the file's bytes are never decoded in Python.

Decoding a cell alone gives what decoding the whole file gives there, since no character spans a comma,
quote or line end; so a file whose every line (or, for a data row, every cell) decodes is the file the
reference decodes, and a byte that is not GB18030 anywhere raises UnicodeDecodeError when its line or
cell is restored, as decoding the whole file would have.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

__all__ = ["carried", "restored", "restored_text"]

# The first cells of a column that tell whether it repeats its texts (a quarter of them distinct at most).
SAMPLE = 4096


def carried(raw: bytes) -> bytes:
    """The bytes as UTF-8 text of one Latin-1 character per byte (an ASCII byte stays itself)."""
    return raw.decode("latin-1").encode("utf-8")


def restored_text(text: str) -> str:
    """Carried text (a line or a cell) as the GB18030 text its bytes are, or UnicodeDecodeError."""
    return text.encode("latin-1").decode("gb18030")


def restored(cells: pl.Series) -> pl.Series:
    """Each carried cell as the GB18030 text its bytes are (a cell of ASCII as it is, a null as null), the
    cells past ASCII decoded in one call of the codec, joined by LF (which no cell holds: it ends a line
    and no character has it as a byte); UnicodeDecodeError where one is not GB18030. A column that repeats
    its texts (a team, `1分5秒`) has each distinct one decoded once."""
    wide = (cells.str.len_bytes() != cells.str.len_chars()).fill_null(False)  # a character past U+007F
    if not wide.any():
        return cells
    picked = cells.filter(wide)
    if picked.len() > SAMPLE and picked.head(SAMPLE).n_unique() <= SAMPLE // 4:
        distinct = picked.unique()
        values = picked.replace_strict(distinct, _decoded(distinct))
    else:
        values = _decoded(picked)
    return values.alias(cells.name) if picked.len() == cells.len() else cells.clone().scatter(wide.arg_true(), values)


def _decoded(cells: pl.Series) -> pl.Series:
    """Carried cells (none null) as their GB18030 texts, decoded in one call of the codec."""
    import polars as pl

    text = restored_text(cells.str.join("\n").item())
    values = pl.Series(cells.name, [text], pl.String).str.split("\n").explode()
    if values.len() != cells.len():  # a cell holding LF: never one of a line read as a data row
        raise UnicodeDecodeError("gb18030", b"\n", 0, 1, "a line feed inside a cell")
    return values
