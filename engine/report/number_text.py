"""Decimals as text for people and files: plain digits, never `1E+3`, never `-0.00`, never a crash.

Every output format (table, CSV, JSON, XLSX, explain) writes numbers through these functions, so a
value prints the same everywhere. Formatting is total: any Decimal, however large, has a text.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Context, Decimal


def number(value: Decimal | None) -> str | None:
    """A Decimal as plain digits (`1000`, not `1E+3`); a negative zero prints as zero."""
    if value is None:
        return None
    text = format(value, "f")
    if text[0] == "-" and not value:  # only -0, -0.00 ... (NaN is truthy, so never here)
        return text[1:]
    return text


def rounded(value: Decimal, places: int) -> Decimal:
    """`value` to `places` decimals, half up, in a context wide enough that it cannot overflow.

    The default 28-digit context raises InvalidOperation for 10**27 yuan to the fen; a reader of
    a report must never hit that, so the precision grows with the number."""
    if not value.is_finite():
        return value
    precision = max(28, value.adjusted() + places + 2)
    return value.quantize(Decimal(1).scaleb(-places), context=Context(prec=precision, rounding=ROUND_HALF_UP))


def fixed(value: Decimal, places: int) -> str:
    """`value` with exactly `places` decimals (`1800.00`), plain digits, no negative zero."""
    return number(rounded(value, places)) or ""


def places_beside(value: Decimal, bounds: Iterable[Decimal], places: int) -> int:
    """How many decimals keep `value`, rounded half up, on its own side of every bound it is compared
    with: at least `places`, more where a bound is closer. 1.4999997 beside a bound of 1.5 needs 7
    (1.4999997), never 4 (1.5000, which reads as reaching it); a value equal to a bound shows equal.

    Rounding moves a value by at most half a unit of the last place kept, so a gap of at least one
    such unit keeps the side: the places follow from each gap's first digit, checked once more."""
    if not value.is_finite():
        return places
    needed = places
    for bound in bounds:
        if not bound.is_finite():
            continue
        # Exact, however far apart the digits are: a 28-digit context could round a tiny gap to 0.
        low = min(_exponent(value), _exponent(bound))
        gap = value.copy_abs().max(bound.copy_abs()).adjusted() - low + 3
        difference = Context(prec=max(28, gap)).subtract(value, bound)
        if difference:
            needed = max(needed, -difference.adjusted())
        else:
            needed = max(needed, -_exponent(value.normalize(Context(prec=max(28, len(value.as_tuple().digits))))))
    return needed


def _exponent(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def at_most(value: Decimal, places: int, bounds: Iterable[Decimal] = ()) -> str:
    """`value` as it is when it has no more than `places` decimals, else cut to `places` and
    marked `…`, so a reader sees that digits were dropped (0.33333… but 78495 exactly). Beside
    `bounds` (what the value is compared with), enough more decimals that the text never reaches
    or passes a bound the value does not (see places_beside)."""
    if bounds:
        places = places_beside(value, bounds, places)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        short = rounded(value, places)
        return (number(short) or "") + ("…" if short != value else "")
    return number(value) or ""


def percent(value: Decimal, bounds: Iterable[Decimal] = ()) -> str:
    """A fraction as a percentage with two to four decimals: 0.45 → `45.00%`, 1/3 → `33.3333%…`;
    beside `bounds` (fractions too), with as many more as keep it on its side of each."""
    if not value.is_finite():
        return number(value) or ""
    scaled = value.scaleb(2)
    exponent = scaled.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        return fixed(scaled, 2) + "%"
    text = at_most(scaled, 4, [bound.scaleb(2) for bound in bounds])
    return text.replace("…", "%…") if text.endswith("…") else text + "%"


def grouped(value: Decimal, places: int) -> str:
    """Money with thousands separators, as a spreadsheet shows it (`1,234.50`)."""
    if not value.is_finite():
        return number(value) or ""
    text = fixed(value, places)
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    head = len(whole) % 3 or 3  # by slicing, not int(): int() refuses numbers over 4,300 digits
    groups = [whole[:head], *(whole[i:i + 3] for i in range(head, len(whole), 3))]
    return sign + ",".join(groups) + (f".{fraction}" if fraction else "")


def paid_text(value: Decimal) -> str:
    """Money as paid, without its unit: to the fen when it is whole fen (`1800.00`), else every
    digit it has up to four decimals and `…` (a pay line the policy leaves unrounded)."""
    if value.is_finite() and value == rounded(value, 2):
        return fixed(value, 2)
    return at_most(value, 4)
