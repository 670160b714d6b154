"""HTML pages people open and print: one self-contained file, every text escaped, same bytes each time.

Labels, names, reasons and ids come from policies and data files the shop does not fully control,
so every text reaches the page through `esc` (no markup of theirs ever runs). A page carries its
own CSS (no network, no script) and no clock, so the same results give the same bytes.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from engine.report.safe_text import for_terminal

# CJK fonts first where a machine has them; the generic family last so a page never fails to show.
FONTS = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", '
         "system-ui, sans-serif")

BASE_CSS = f"""
*{{box-sizing:border-box}}
body{{font-family:{FONTS};color:#1b1f24;margin:0;font-size:10.5pt;line-height:1.45}}
h1{{font-size:15pt;margin:0 0 2mm}}
h2{{font-size:11.5pt;margin:5mm 0 1.5mm;border-bottom:1px solid #c9d1d9;padding-bottom:1mm}}
table{{border-collapse:collapse;width:100%}}
th,td{{border:1px solid #d0d7de;padding:1mm 2mm;text-align:left;vertical-align:top}}
th{{background:#f3f5f7;font-weight:600}}
td.num,th.num{{text-align:right;font-variant-numeric:tabular-nums}}
td.num{{white-space:nowrap}}
tr.sum td{{font-weight:700;background:#f8f9fa}}
.muted{{color:#57606a}}
.small{{font-size:8.5pt}}
.mono{{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:8pt;word-break:break-all}}
svg{{display:block;max-width:100%;height:auto}}
svg text{{font-family:{FONTS};font-size:11px;fill:#1b1f24}}
"""


def esc(text: object) -> str:
    """Text as HTML shows it, never as markup; control and bidi characters as visible escapes."""
    return html.escape(for_terminal(str(text)), quote=True)


def page(title: str, lang: str, css: str, body: Iterable[str]) -> bytes:
    """One complete HTML document, UTF-8, with its CSS inline."""
    parts = ["<!DOCTYPE html>",
             f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
             '<head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{esc(title)}</title>",
             f"<style>{BASE_CSS}{css}</style></head>",
             "<body>", *body, "</body></html>", ""]
    return "\n".join(parts).encode()


def row(cells: Iterable[tuple[str, str]], css_class: str = "", data: str = "") -> str:
    """A table row of (already escaped html, class) cells."""
    opened = "<tr" + (f' class="{css_class}"' if css_class else "") + (f" {data}" if data else "") + ">"
    return opened + "".join(f'<td class="{c}">{h}</td>' if c else f"<td>{h}</td>" for h, c in cells) + "</tr>"


def header_row(titles: Iterable[tuple[str, bool]]) -> str:
    """A heading row of (text, numeric) titles, escaped here."""
    return "<tr>" + "".join(f'<th class="num">{esc(t)}</th>' if numeric else f"<th>{esc(t)}</th>"
                            for t, numeric in titles) + "</tr>"
