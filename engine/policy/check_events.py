"""The `events:` section: what the schema cannot see.

A zone the time-zone database does not know would leave every time without an offset unreadable
(JX270); one text naming two kinds would make an events file's 类型 cell ambiguous (JX271). A
penalty clause counting a kind nobody declared would never fire (JX272), and one cancelling a pay
component that does not exist would cancel nothing (JX273): both silently pay someone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.policy import names as n
from engine.text import fold

Report = Callable[..., None]
Suggest = Callable[[str, list], str | None]

COMMON_ZONES = ["Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo", "UTC"]


def known_zone(zone: str) -> bool:
    """True when `zone` is an IANA zone name the standard library can load."""
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def check_events(report: Report, suggest: Suggest, data: Mapping) -> None:
    """JX270 for an unknown zone, JX271 for a text that names two event kinds."""
    spec = n.mapping(data.get("events"))
    zone = spec.get("zone")
    if isinstance(zone, str) and zone and not known_zone(zone):
        close = suggest(zone, COMMON_ZONES)
        report(("events", "zone"), "JX270", f"zone '{zone}' is not a time zone name (IANA, like Asia/Shanghai)",
               f"时区 '{zone}' 不是有效的时区名称（应为 IANA 名称，如 Asia/Shanghai）",
               hint=f"did you mean '{close}'?" if close else "mainland China is Asia/Shanghai",
               zh_hint=f"是不是想写 '{close}'？" if close else "中国大陆请写 Asia/Shanghai")
    items = ((kind, kind, n.mapping(kind_spec), ("events", "kinds", kind))
             for kind, kind_spec in n.mapping(spec.get("kinds")).items())
    for text, where, key, owner, kind in n.clashes(items, lambda text: fold(text).strip(), {}):
        report(where, "JX271", f"'{text}' names both event kinds '{owner}' and '{kind}', "
               "so an events file's kind cell holding it could be read as either",
               f"'{text}' 同时指向事件类型 '{owner}' 和 '{kind}'，"
               "事件文件的类型单元格中出现它时无法判断是哪一个",
               key=key, hint="give each kind its own label and aliases",
               zh_hint="请给每个事件类型使用不同的名称和别名")


def check_penalties(report: Report, suggest: Suggest, data: Mapping) -> None:
    """JX272 for a clause over an undeclared event kind, JX273 for a cancel naming no pay component."""
    kinds = list(n.mapping(n.mapping(data.get("events")).get("kinds")))
    pay = list(n.mapping(data.get("pay")))
    for name, spec in n.mapping(data.get("penalties")).items():
        spec = n.mapping(spec)
        kind = spec.get("kind")
        if isinstance(kind, str) and kind not in kinds:
            close = suggest(kind, kinds)
            known, known_zh = ", ".join(kinds) or "none: declare events: {zone, kinds}", "、".join(kinds) or "无"
            report(("penalties", name, "kind"), "JX272",
                   f"penalty '{name}' counts event kind '{kind}', which events: does not declare, "
                   "so it would never fire",
                   f"罚则 '{name}' 统计的事件类型 '{kind}' 未在 events: 中声明，该罚则永远不会生效",
                   hint=f"did you mean '{close}'?" if close else f"declared kinds: {known}",
                   zh_hint=f"是不是想写 '{close}'？" if close else f"已声明的类型：{known_zh}")
        cancels = spec.get("cancels") if isinstance(spec.get("cancels"), list) else []
        for i, target in enumerate(cancels):
            if isinstance(target, str) and target not in pay:
                close = suggest(target, pay)
                report(("penalties", name, "cancels", i), "JX273",
                       f"penalty '{name}' cancels '{target}', which is not a pay component, so it would cancel nothing",
                       f"罚则 '{name}' 要取消的 '{target}' 不是工资项目，取消不会有任何效果",
                       hint=f"did you mean '{close}'?" if close else "pay components: " + ", ".join(pay),
                       zh_hint=f"是不是想写 '{close}'？" if close else "工资项目：" + "、".join(pay))
