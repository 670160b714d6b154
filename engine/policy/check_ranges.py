"""Bounds, bands and tiers against the range of the metric they read (JX223, JX224).

A ratio is stored as a fraction, so `linear: {from: 90, to: 100}` on a reply rate is a policy
that validates and then gives everyone 0 points: the most likely cause is a percentage written
as a whole number, and the message says so with the bounds it probably meant. A band no value
of the metric can reach is refused for the same reason; a band only partly outside the range
(the last band up to 1.2 on a ratio) is a deliberate open end and passes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal

from engine.diagnostics import Code, Problem, metric_type, problem
from engine.policy import names as n
from engine.policy.check_bands import interval, number

Range = tuple[Decimal | None, Decimal | None]
HUNDRED = Decimal(100)


def ranges(data: Mapping) -> dict[str, tuple[str, Range]]:
    """(type, range) of every name whose values are bounded: metrics, and mean/min/max aggregates."""
    metrics = n.mapping(data.get("metrics"))
    found: dict[str, tuple[str, Range]] = {}
    for name, spec in metrics.items():
        spec = n.mapping(spec)
        if isinstance(spec.get("type"), str) and _usable(n.metric_range(spec)):
            found[name] = (spec["type"], n.metric_range(spec))
    for name, spec in n.mapping(data.get("aggregates")).items():
        spec = n.mapping(spec)
        if spec.get("stat") in ("mean", "min", "max") and spec.get("of") in found:
            found[name] = found[spec["of"]]
    return found


def _usable(bounds: Range) -> bool:
    low, high = bounds
    return (low is not None or high is not None) and (low is None or high is None or low <= high)


def show_range(bounds: Range) -> str:
    low, high = bounds
    if low is not None and high is not None:
        return f"{low}–{high}"
    return f"≥ {low}" if low is not None else f"≤ {high}"


def _fraction(value: Decimal) -> Decimal:
    """30 → 0.30, 97.5 → 0.975: the percentage as the fraction it stands for."""
    result = value / HUNDRED
    return result.quantize(Decimal("0.01")) if result.as_tuple().exponent > -2 else result


def _inside(value: Decimal, bounds: Range) -> bool:
    low, high = bounds
    return (low is None or value >= low) and (high is None or value <= high)


def _percent_meant(kind: str, bounds: Range, values: list[Decimal]) -> bool:
    """Whether every bound, read as a percentage, falls inside a ratio's range (and one is above it)."""
    high = bounds[1]
    return (kind in ("ratio", "percent") and high is not None and any(v > high for v in values)
            and all(_inside(v / HUNDRED, bounds) for v in values))


def check_metric(name: str, spec: Mapping) -> Iterator[Problem]:
    """A declared range must not be reversed, and `missing`/placeholder numbers must lie inside it."""
    path = ("metrics", name)
    declared = n.mapping(spec.get("range"))
    low, high = number(declared.get("min")), number(declared.get("max"))
    if low is not None and high is not None and low > high:
        yield problem(Code.JX224, (*path, "range"), "reversed", name=name, low=low, high=high)
        return
    bounds = n.metric_range(spec)
    kind = spec.get("type")
    what = metric_type(kind if isinstance(kind, str) else "value")
    candidates = [((*path, "missing"), "missing", number(spec.get("missing")))]
    candidates += [((*path, "placeholders", text), f"placeholder '{text}'", number(value))
                   for text, value in n.mapping(spec.get("placeholders")).items()]
    for where, field, value in candidates:
        if value is None or _inside(value, bounds):
            continue
        percent = _percent_meant(what.en, bounds, [value])
        yield problem(Code.JX224, where, "outside", hint="percent" if percent else None, field=field, value=value,
                      name=name, type=what, shown=show_range(bounds), meant=_fraction(value) if percent else None)


def check_linear(path: tuple, low: Decimal, high: Decimal, metric: str,
                 known: Mapping[str, tuple[str, Range]]) -> Iterator[Problem]:
    """Linear bounds entirely on one side of the metric's range score everyone the same."""
    if metric not in known or low == high:
        return
    kind, bounds = known[metric]
    bottom, top = min(low, high), max(low, high)
    if not ((bounds[0] is not None and top <= bounds[0]) or (bounds[1] is not None and bottom >= bounds[1])):
        return
    percent = _percent_meant(kind, bounds, [low, high])
    yield problem(Code.JX223, path, "linear_percent" if percent else "linear", type=metric_type(kind), low=low,
                  high=high, shown=show_range(bounds), metric=metric,
                  meant=f"{_fraction(low)}–{_fraction(high)}" if percent else None)


def check_reach(path: tuple, bands: list, closed: str, metric: str,
                known: Mapping[str, tuple[str, Range]]) -> Iterator[Problem]:
    """Each band (or tier) must hold at least one value the metric can take."""
    if metric not in known:
        return
    kind, (bottom, top) = known[metric]
    shown = show_range((bottom, top))
    for index, band in enumerate(bands):
        band = n.mapping(band)
        low, high = number(band.get("from")), number(band.get("to"))
        if closed == "left":
            below = high is not None and bottom is not None and high <= bottom
            above = low is not None and top is not None and low > top
        else:
            below = high is not None and bottom is not None and high < bottom
            above = low is not None and top is not None and low >= top
        if not (below or above):
            continue
        given = [v for v in (low, high) if v is not None]
        percent = _percent_meant(kind, (bottom, top), given)
        meant = interval(None if low is None else _fraction(low), None if high is None else _fraction(high),
                         closed) if percent else None
        yield problem(Code.JX223, (*path, index), "band_percent" if percent else "band",
                      band=interval(low, high, closed), shown=shown, type=metric_type(kind), metric=metric, meant=meant)
