"""Charts as inline SVG, drawn by our own small code: no script, no library, no network, same bytes.

Positions are computed in Decimal and written to one decimal place, so the same data draws the same
file everywhere (floats would too on one machine, but their text is not promised across versions).
Every text that lands in a chart (labels, names) is escaped; the numbers a chart shows are the ones
its caller passes as text, already formatted as the reports format them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from engine.report.html_page import esc
from engine.report.number_text import number

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#bab0ac")
SHADES = ("#eef2f7", "#f8f9fb")
TENTH = Decimal("0.1")


def at(value: Decimal) -> str:
    """A coordinate: one decimal, never `-0.0`."""
    text = format(value.quantize(TENTH), "f")
    return "0.0" if text == "-0.0" else text


@dataclass(frozen=True, slots=True)
class Scale:
    """A linear map from data values [low, high] to pixels [start, end]."""

    low: Decimal
    high: Decimal
    start: Decimal
    end: Decimal

    def __call__(self, value: Decimal) -> Decimal:
        span = self.high - self.low
        if not span:
            return (self.start + self.end) / 2
        return self.start + (value - self.low) * (self.end - self.start) / span


def scale(values: Sequence[Decimal], start: int, end: int, *, include: Sequence[Decimal] = ()) -> Scale:
    """A scale over `values` and `include` (what must show: 0, thresholds), with a little room each side."""
    every = [v for v in (*values, *include) if v.is_finite()]
    low, high = (min(every), max(every)) if every else (Decimal(0), Decimal(1))
    room = (high - low) / 20 if high != low else (abs(high) / 10 or Decimal(1))
    return Scale(low - room, high + room, Decimal(start), Decimal(end))


def _svg(width: int, height: int, title: str, parts: Sequence[str], chart: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" data-chart="{esc(chart)}"><title>{esc(title)}</title>'
            + "".join(parts) + "</svg>")


def _text(x: Decimal | int, y: Decimal | int, text: str, *, anchor: str = "start", size: int = 11,
          css: str = "") -> str:
    extra = f' class="{css}"' if css else ""
    return (f'<text x="{at(Decimal(x))}" y="{at(Decimal(y))}" text-anchor="{anchor}" font-size="{size}"{extra}>'
            f"{esc(text)}</text>")


@dataclass(frozen=True, slots=True)
class Marker:
    """A vertical line at a threshold, with its words (`合格 ≥ 60`)."""

    value: Decimal
    text: str
    dashed: bool = True
    color: str = "#d1242f"


def dot_strip(title: str, points: Sequence[tuple[Decimal, str]], markers: Sequence[Marker], *, width: int = 760,
              chart: str = "distribution", axis: str = "") -> str:
    """Each value as a dot on one axis (dots of equal value stacked), thresholds as labelled lines:
    a score distribution whose every agent can be hovered (the dot's title names her)."""
    values = [v for v, _ in points]
    sx = scale(values, 40, width - 20, include=[m.value for m in markers])
    radius = 5
    stacks: dict[str, int] = {}
    dots = []
    for value, who in sorted(points, key=lambda p: (p[0], p[1])):
        x = sx(value)
        key = _bin(x, radius)
        height = stacks.get(key, 0)
        stacks[key] = height + 1
        dots.append((x, height, who))
    top = max(stacks.values(), default=1)
    label_rows = len(markers)
    plot_top = 14 + 14 * label_rows
    base = plot_top + top * radius * 2 + 10
    height = base + 34
    parts = [f'<line x1="{at(sx.start)}" y1="{base}" x2="{at(sx.end)}" y2="{base}" stroke="#57606a"/>']
    for tick in _ticks(sx):
        x = sx(tick)
        parts.append(f'<line x1="{at(x)}" y1="{base}" x2="{at(x)}" y2="{base + 4}" stroke="#57606a"/>')
        parts.append(_text(x, base + 16, number(tick.normalize()) or "", anchor="middle", size=10))
    if axis:
        parts.append(_text(sx.end, base + 30, axis, anchor="end", size=10))
    for index, marker in enumerate(sorted(markers, key=lambda m: m.value)):
        x = sx(marker.value)
        dash = ' stroke-dasharray="4 3"' if marker.dashed else ""
        parts.append(f'<line x1="{at(x)}" y1="{12 + 14 * index}" x2="{at(x)}" y2="{base}" stroke="{marker.color}"'
                     f'{dash} data-threshold="{esc(format(marker.value, "f"))}"/>')
        anchor = "start" if x < (sx.start + sx.end) / 2 else "end"
        parts.append(_text(x + (3 if anchor == "start" else -3), 10 + 14 * index, marker.text, anchor=anchor,
                           size=10))
    for x, level, who in dots:
        y = base - radius - 1 - level * radius * 2
        parts.append(f'<circle cx="{at(x)}" cy="{y}" r="{radius - 0.5}" fill="{PALETTE[0]}" fill-opacity="0.8">'
                     f"<title>{esc(who)}</title></circle>")
    return _svg(width, height, title, parts, chart)


def _bin(x: Decimal, radius: int) -> str:
    """Dots closer than a dot's width stack in one column."""
    return str((x / (2 * radius)).to_integral_value())


def _ticks(sx: Scale, count: int = 6) -> list[Decimal]:
    """Round tick values inside the scale: steps of 1, 2 or 5 times a power of ten."""
    span = sx.high - sx.low
    if span <= 0:
        return [sx.low]
    raw = span / count
    power = Decimal(10) ** raw.adjusted()
    step = next((m * power for m in (1, 2, 5, 10) if m * power >= raw), 10 * power)
    first = (sx.low / step).to_integral_value(rounding="ROUND_CEILING") * step
    ticks = []
    value = first
    while value <= sx.high and len(ticks) < 50:
        ticks.append(value)
        value += step
    return ticks


@dataclass(frozen=True, slots=True)
class Band:
    """A region of the axis and the words written in it (`[90%, 95%) 15 分`)."""

    low: Decimal | None
    high: Decimal | None
    text: str


def band_strip(title: str, points: Sequence[tuple[Decimal, str]], bands: Sequence[Band], *, width: int = 760,
               axis: str = "", tick_text=None) -> str:
    """A KPI's measured values against its bands: each band a shaded region with its points, each agent a dot."""
    edges = [e for b in bands for e in (b.low, b.high) if e is not None]
    sx = scale([v for v, _ in points], 40, width - 20, include=edges)
    radius = 5
    stacks: dict[str, int] = {}
    placed = []
    for value, who in sorted(points, key=lambda p: (p[0], p[1])):
        x = sx(value)
        key = _bin(x, radius)
        placed.append((x, stacks.get(key, 0), who))
        stacks[key] = stacks.get(key, 0) + 1
    top = max(stacks.values(), default=1)
    base = 30 + top * radius * 2 + 6
    height = base + 34
    parts = []
    for index, band in enumerate(bands):
        left = sx.start if band.low is None else max(sx(band.low), sx.start)
        right = sx.end if band.high is None else min(sx(band.high), sx.end)
        if right <= left:
            continue
        parts.append(f'<rect x="{at(left)}" y="4" width="{at(right - left)}" height="{base - 4}" '
                     f'fill="{SHADES[index % 2]}" stroke="#d0d7de" stroke-width="0.5"/>')
        parts.append(_text((left + right) / 2, 18, band.text, anchor="middle", size=10))
    parts.append(f'<line x1="{at(sx.start)}" y1="{base}" x2="{at(sx.end)}" y2="{base}" stroke="#57606a"/>')
    for edge in sorted(set(edges)):
        x = sx(edge)
        if sx.start <= x <= sx.end:
            parts.append(f'<line x1="{at(x)}" y1="{base}" x2="{at(x)}" y2="{base + 4}" stroke="#57606a"/>')
            shown = tick_text(edge) if tick_text else number(edge.normalize()) or ""
            parts.append(_text(x, base + 16, shown, anchor="middle", size=10))
    if axis:
        parts.append(_text(sx.end, base + 30, axis, anchor="end", size=10))
    for x, level, who in placed:
        y = base - radius - 1 - level * radius * 2
        parts.append(f'<circle cx="{at(x)}" cy="{y}" r="{radius - 0.5}" fill="{PALETTE[0]}" fill-opacity="0.8">'
                     f"<title>{esc(who)}</title></circle>")
    return _svg(width, height, title, parts, "kpi")


def stacked_bars(title: str, rows: Sequence[tuple[str, Sequence[Decimal], str]], series: Sequence[str], *,
                 width: int = 760) -> str:
    """One horizontal bar per row, its parts stacked (positive to the right of 0, negative to the left),
    the row's total written at its end; a legend names the parts."""
    label_width, bar = 150, 20
    positives = [sum((v for v in values if v > 0), Decimal(0)) for _, values, _ in rows]
    negatives = [sum((v for v in values if v < 0), Decimal(0)) for _, values, _ in rows]
    sx = Scale(min([Decimal(0), *negatives]), max([Decimal(1), *positives]) * Decimal("1.12"),
               Decimal(label_width), Decimal(width - 10))
    legend_rows = (len(series) + 3) // 4
    top = 8 + legend_rows * 16
    parts = []
    for index, name in enumerate(series):
        x, y = 10 + (index % 4) * ((width - 20) // 4), 8 + (index // 4) * 16
        parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{PALETTE[index % len(PALETTE)]}"/>')
        parts.append(_text(x + 14, y + 9, name, size=10))
    zero = sx(Decimal(0))
    for row_index, (label, values, total) in enumerate(rows):
        y = top + 6 + row_index * (bar + 6)
        parts.append(_text(label_width - 6, y + 14, label, anchor="end", size=11))
        right, left = zero, zero
        for index, value in enumerate(values):
            if not value:
                continue
            size = sx(abs(value)) - zero
            if value > 0:
                x, right = right, right + size
            else:
                left -= size
                x = left
            parts.append(f'<rect x="{at(x)}" y="{y}" width="{at(size)}" height="{bar}" '
                         f'fill="{PALETTE[index % len(PALETTE)]}"><title>{esc(series[index])}</title></rect>')
        parts.append(_text(right + 4, y + 14, total, size=10))
    height = top + 10 + len(rows) * (bar + 6)
    parts.append(f'<line x1="{at(zero)}" y1="{top}" x2="{at(zero)}" y2="{height - 4}" stroke="#57606a"/>')
    return _svg(width, height, title, parts, "pay")


def lines(title: str, periods: Sequence[str], series: Sequence[tuple[str, Sequence[Decimal | None], Sequence[str]]],
          *, width: int = 760, height: int = 220) -> str:
    """One line per series over the months (a month a series has no value for leaves a gap), each point
    labelled with its value as text."""
    values = [v for _, points, _ in series for v in points if v is not None]
    sy = scale(values, height - 30, 36, include=[Decimal(0)])
    step = Decimal(width - 80) / max(len(periods) - 1, 1)
    sx = [Decimal(50) + step * i if len(periods) > 1 else Decimal(width) / 2 for i in range(len(periods))]
    parts = []
    for index, (name, _, _) in enumerate(series):
        x = 10 + (index % 4) * ((width - 20) // 4)
        parts.append(f'<rect x="{x}" y="6" width="10" height="10" fill="{PALETTE[index % len(PALETTE)]}"/>')
        parts.append(_text(x + 14, 15, name, size=10))
    base = sy(Decimal(0))
    parts.append(f'<line x1="40" y1="{at(base)}" x2="{width - 10}" y2="{at(base)}" stroke="#57606a"/>')
    for x, period in zip(sx, periods, strict=True):
        parts.append(_text(x, height - 10, period, anchor="middle", size=10))
    for index, (_, points, texts) in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        run: list[str] = []
        for x, value, text in zip(sx, points, texts, strict=True):
            if value is None:
                if len(run) > 1:
                    parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(run)}"/>')
                run = []
                continue
            y = sy(value)
            run.append(f"{at(x)},{at(y)}")
            parts.append(f'<circle cx="{at(x)}" cy="{at(y)}" r="3" fill="{color}"/>')
            parts.append(_text(x, y - 6, text, anchor="middle", size=9))
        if len(run) > 1:
            parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(run)}"/>')
    return _svg(width, height, title, parts, "trend")
