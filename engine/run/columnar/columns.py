"""The month as one lazy query that the lowering extends step by step.

Each step's value becomes a named column of the query (`v12`), so a later step's expression names
it rather than repeating its formula; inside a step, polars computes a part that the expression
repeats (a clamp reads its value three times) once. Nothing is computed until the results are
collected, in one pass over the month, streaming, so the month's intermediate columns never all sit
in memory at once. The bounds every overflow and precision check uses are known before that pass:
the inputs' are read from the data (`InputBounds`), the rest follow from them.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from engine.run.columnar.values import Fixed, Flag, Parts, Ratio, Text, Value

UNSURE = "_unsure"


class Columns:
    """The month's lazy query, growing by the named columns of each step; `UNSURE` marks the rows
    the Decimal code must compute."""

    def __init__(self, month: pl.LazyFrame):
        self.query = month.with_columns(pl.lit(False).alias(UNSURE))
        self.count = 0
        self.marks: list[pl.Expr] = []

    def _add(self, named: dict[str, pl.Expr]) -> None:
        self.query = self.query.with_columns(expr.alias(name) for name, expr in named.items())

    def keep(self, value: Value, name: str) -> Value:
        """The value as the query's named column(s), with the same bounds."""
        if isinstance(value, Parts):
            kept_parts = tuple(self.keep(item, f"{name}_{i}") for i, item in enumerate(value.items))
            zero_part = {} if value.zero is None else {f"{name}z": value.zero}
            self._add(zero_part)
            return Parts(kept_parts, None if value.zero is None else pl.col(f"{name}z"))  # type: ignore[arg-type]
        zero = {} if value.zero is None else {f"{name}z": value.zero}
        neg = {} if isinstance(value, Flag | Text) or value.neg is None else {f"{name}m": value.neg}
        if isinstance(value, Fixed):
            places = {} if value.places is None else {f"{name}p": value.places}
            self._add({name: value.expr, **zero, **neg, **places})
            kept: Value = replace(value, expr=pl.col(name), const=None,
                                  neg=None if value.neg is None else pl.col(f"{name}m"),
                                  places=None if value.places is None else pl.col(f"{name}p"))
        elif isinstance(value, Ratio):
            exact = {} if value.exact is None else {f"{name}x": value.exact}
            self._add({f"{name}n": value.num, f"{name}d": value.den, **exact, **zero, **neg})
            kept = replace(value, num=pl.col(f"{name}n"), den=pl.col(f"{name}d"),
                           exact=None if value.exact is None else pl.col(f"{name}x"),
                           neg=None if value.neg is None else pl.col(f"{name}m"))
        else:
            self._add({name: value.expr, **zero})
            kept = replace(value, expr=pl.col(name))
        return kept if value.zero is None else replace(kept, zero=pl.col(f"{name}z"))

    def column(self, expr: pl.Expr) -> pl.Expr:
        """A part of a formula as a column of its own (a chain of remainders stays shallow)."""
        self.count += 1
        name = f"_t{self.count}"
        self._add({name: expr})
        return pl.col(name)

    def mark(self, rows: pl.Expr) -> None:
        """Rows the Decimal code must compute (a null, where a value is not known, counts as one)."""
        self.marks.append(rows.fill_null(True))

    def settle(self) -> None:
        """The marks of a step into `UNSURE`."""
        if self.marks:
            self._add({UNSURE: pl.any_horizontal(pl.col(UNSURE), *self.marks)})
            self.marks = []

    def collect(self, exprs: list[pl.Expr]) -> pl.DataFrame:
        """The month computed: the wanted columns and `UNSURE`, in the month's order."""
        self.settle()
        return self.query.select(*exprs, pl.col(UNSURE)).collect(engine="streaming")

