"""Population steps in the plan: rankings and statistics of computed values over many agents.

Their result steps are declared before any per-agent step (so every expression can name them);
the per-agent parts they are taken over (`of`, `where`, `ties.by`) are emitted after the total,
as ordinary traced steps. `engine.policy.phases` then cuts the per-agent code into phases around
them from what reads what.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Protocol

from engine.model.kinds import Kind
from engine.model.label import Label
from engine.model.steps import Population, Step
from engine.model.units import Unit
from engine.policy import names as n

GROUP = {"shop": ("全店", "the shop"), "team": ("全组", "the team"), "role": ("同岗位", "the role")}
ROUNDING = {"floor": ("向下取整", "rounded down"), "ceil": ("向上取整", "rounded up"),
            "nearest": ("四舍五入", "rounded to nearest")}
STATS = {"mean": "平均值", "sum": "合计", "min": "最小值", "max": "最大值", "count": "人数"}
_PARTS = {
    "size": (Label("排名人数", "agents ranked"), Unit.COUNT, Kind.RANK_SIZE),
    "in": (Label("是否参与排名", "ranked"), Unit.BOOL, Kind.RANK_IN),
    "cut": (Label("前列人数", "agents in the top"), Unit.COUNT, Kind.RANK_CUT),
    "top": (Label("是否进入前列", "in the top"), Unit.BOOL, Kind.RANK_TOP),
}
# A ranking's standing (engine.run.population): traced for explain, never read by an expression.
STANDING = {
    "ahead": (Label("排在前面的人数", "ranked ahead"), Unit.COUNT),
    "tied": (Label("并列人数（不含本人）", "sharing the place (others)"), Unit.COUNT),
    "tied_with": (Label("并列者", "sharing the place with"), Unit.TEXT),
    "chosen": (Label("实际入选人数", "agents actually in the top"), Unit.COUNT),
}


class Builder(Protocol):
    steps: list[Step]
    slots: dict[str, int]

    def step(self, name: str, kind: Kind, spec: Mapping, formula: str | Label, path: tuple, **kw) -> int: ...

    def code(self, slot: int, *source: str) -> None: ...

    def expression(self, text: object) -> tuple[str, tuple[str, ...]]: ...

    def words(self, text: object) -> Label: ...


def _entries(data: Mapping) -> list[tuple[str, str, Mapping]]:
    return [(section, name, spec) for section in ("population", "rankings")
            for name, spec in n.mapping(data.get(section)).items()]


def declare(b: Builder, data: Mapping) -> None:
    """Result steps of every population entry, readable by name from any per-agent step."""
    for section, name, spec in _entries(data):
        path = (section, name)
        if section == "population":
            unit = Unit.COUNT if spec["stat"] == "count" else Unit.NONE
            b.slots[name] = b.step(name, Kind.POPULATION, spec, _stat_formula(b, spec), path, unit=unit)
            b.slots[f"{name}.members"] = b.step(f"{name}.members", Kind.MEMBERS, spec, "", path,
                                                parent=b.slots[name], label=Label("计入人数", "agents counted"),
                                                unit=Unit.COUNT)
            continue
        place = b.step(f"{name}_place", Kind.RANK, spec, _rank_formula(b, spec), path, unit=Unit.COUNT)
        b.slots[f"{name}_place"] = place
        for part in n.ranking_parts(spec)[1:]:
            label, unit, kind = _PARTS[part]
            label = Label(f"{n.label_texts(spec.get('label'))[0]}·{label.zh}",
                          f"{n.label_texts(spec.get('label'))[1]}: {label.en}")
            formula = _top_formula(spec) if part == "top" else _cut_formula(spec) if part == "cut" else ""
            b.slots[f"{name}_{part}"] = b.step(f"{name}_{part}", kind, spec, formula, path,
                                               label=label, unit=unit)
        for part in tuple(STANDING)[: 4 if "top" in n.mapping(spec) else 3]:
            label, unit = STANDING[part]
            b.slots[f"{name}.{part}"] = b.step(f"{name}.{part}", Kind.STANDING, spec, "", path, parent=place,
                                               label=label, unit=unit)


def measure(b: Builder, data: Mapping) -> list[Population]:
    """Emit each entry's per-agent parts; the populations, their boundary still to be placed (-1)."""
    found = []
    for section, name, spec in _entries(data):
        path = (section, name)
        main = b.slots[name] if section == "population" else b.slots[f"{name}_place"]
        of = _part(b, name, Kind.OF, spec["of"], (*path, "of"), main, Label("排名依据" if section == "rankings" else
                                                                        "统计的数值", "measure"))
        where = None
        if "where" in spec:
            where = _part(b, name, Kind.WHERE, spec["where"], (*path, "where"), main,
                          Label("计入条件", "counted when"), unit=Unit.BOOL, wrap="_bool")
        ties = spec.get("ties", "shared")
        by = None
        if isinstance(ties, dict):
            by = _part(b, name, Kind.BY, ties["by"], (*path, "ties", "by"), main,
                       Label("并列时的比较依据", "tie-break"))
        reads = tuple(s for s in (of, where, by) if s is not None)
        b.steps[main] = replace(b.steps[main], reads=reads, unit=b.steps[main].unit or b.steps[of].unit)
        if section == "population":
            found.append(Population(name, "stat", -1, spec.get("over", "team"), of,
                                    (main, b.slots[f"{name}.members"]), where=where, stat=spec["stat"],
                                    empty=Decimal(spec["empty"]) if "empty" in spec else None))
            continue
        parts = tuple(b.slots[f"{name}_{p}"] for p in n.ranking_parts(spec))
        for slot in parts[1:]:
            b.steps[slot] = replace(b.steps[slot], reads=(main,))
        standing = tuple(b.slots[f"{name}.{p}"] for p in STANDING if f"{name}.{p}" in b.slots)
        top = n.mapping(spec.get("top"))
        cut = None
        if "count" in top:
            cut = ("count", Decimal(top["count"]), "")
        elif "percent" in top:
            cut = ("percent", Decimal(top["percent"]), str(top["rounding"]))
        found.append(Population(
            name, "ranking", -1, spec.get("among", "shop"), of, parts, where=where,
            direction=spec.get("direction", "higher"), ties="by" if by is not None else str(ties), by=by,
            by_direction=n.mapping(ties).get("direction", "higher"), top=cut, standing=standing))
    return found


def _part(b: Builder, owner: str, part: Kind, text: object, path: tuple, parent: int, label: Label, *,
          unit: Unit = Unit.NONE, wrap: str = "") -> int:
    source, reads = b.expression(text)
    if not unit and str(text).strip() in b.slots:  # a measure that is one name keeps that name's unit
        unit = b.steps[b.slots[str(text).strip()]].unit
    slot = b.step(f"{owner}.{part}", part, {}, str(text), path, reads=reads, parent=parent, label=label, unit=unit)
    b.slots[f"{owner}.{part}"] = slot
    b.code(slot, f"v{slot} = {wrap}({source})" if wrap else f"v{slot} = {source}")
    return slot


def _where(b: Builder, spec: Mapping) -> tuple[str, str]:
    if "where" not in spec:
        return "", ""
    words = b.words(spec["where"])
    return f"，仅限 {words.zh}", f", only where {words.en}"


def _stat_formula(b: Builder, spec: Mapping) -> Label:
    zh_group, en_group = GROUP[spec.get("over", "team")]
    zh_where, en_where = _where(b, spec)
    of = b.words(spec["of"])
    return Label(f"{zh_group} {of.zh} 的{STATS[spec['stat']]}{zh_where}",
                 f"{spec['stat']}({of.en}) over {en_group}{en_where}")


def _rank_formula(b: Builder, spec: Mapping) -> Label:
    zh_group, en_group = GROUP[spec.get("among", "shop")]
    zh_where, en_where = _where(b, spec)
    lower = spec.get("direction", "higher") == "lower"
    ties = spec.get("ties", "shared")
    if isinstance(ties, dict):
        by_lower = ties.get("direction", "higher") == "lower"
        order = "由低到高" if by_lower else "由高到低"
        zh_ties = f"并列时按 {b.words(ties['by']).zh} {order}决定，仍并列则同名次"
        en_ties = f"ties broken by {ties['by']}, {'lower' if by_lower else 'higher'} first, then shared"
    elif ties == "dense":
        zh_ties, en_ties = "并列同名次且不跳号（1、2、2、3）", "ties share a place, no gaps (1, 2, 2, 3)"
    else:
        zh_ties, en_ties = "并列同名次（1、2、2、4）", "ties share a place (1, 2, 2, 4)"
    return Label(
        f"{zh_group}按 {b.words(spec['of']).zh} {'由低到高' if lower else '由高到低'}排名{zh_where}；{zh_ties}",
        f"rank by {spec['of']}, {'lower' if lower else 'higher'} first, within {en_group}{en_where}; {en_ties}")


def _cut_formula(spec: Mapping) -> Label:
    """The top is a number of agents, whatever the tie rule calls their places."""
    top = n.mapping(spec.get("top"))
    if "count" in top:
        count = top["count"]
        return Label(f"前 {count} 人", f"the first {count} agent{'s' if count != 1 else ''}")
    zh_round, en_round = ROUNDING[top["rounding"]]
    return Label(f"排名人数 × {top['percent']} %，{zh_round}，至少 1 人",
                 f"{top['percent']} % of the agents ranked, {en_round}, at least 1")


def _top_formula(spec: Mapping) -> Label:
    return Label("排在前面的人数 < 前列人数（与最后一名入选者并列的都入选）",
                 "fewer agents ranked ahead than the top takes (everyone tied at the cut is in)")
