"""Population steps in the plan: rankings and statistics of computed values over many agents.

Their result steps are declared before any per-agent step (so every expression can name them);
the per-agent parts they are taken over (`of`, `where`, `ties.by`) are written after the total,
as ordinary traced steps, and each result step's op is `Taken` over them. `engine.policy.phases`
then cuts the per-agent code into phases around them from what reads what.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine.model.kinds import Kind
from engine.model.label import Label
from engine.model.ops import Taken, Truth
from engine.model.steps import Population
from engine.model.units import Unit
from engine.policy.builder import Builder
from engine.policy.sections import Formula, Policy, RankingSpec, StatSpec

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


def _entries(policy: Policy) -> list[StatSpec | RankingSpec]:
    return [*policy.population, *policy.rankings]


def declare(b: Builder, policy: Policy) -> None:
    """Result steps of every population entry, readable by name from any per-agent step."""
    for spec in _entries(policy):
        name = spec.name
        if isinstance(spec, StatSpec):
            unit = Unit.COUNT if spec.stat == "count" else Unit.NONE
            b.slots[name] = b.step(name, Kind.POPULATION, spec.label, spec.rules, _stat_formula(b, spec), spec.line,
                                   unit=unit)
            b.slots[f"{name}.members"] = b.step(f"{name}.members", Kind.MEMBERS, Label("计入人数", "agents counted"),
                                                spec.rules, "", spec.line, parent=b.slots[name], unit=Unit.COUNT)
            continue
        place = b.step(f"{name}_place", Kind.RANK, spec.label, spec.rules, _rank_formula(b, spec), spec.line,
                       unit=Unit.COUNT)
        b.slots[f"{name}_place"] = place
        for part in spec.parts[1:]:
            label, unit, kind = _PARTS[part]
            label = Label(f"{spec.label.zh}·{label.zh}", f"{spec.label.en}: {label.en}")
            formula = _top_formula() if part == "top" else _cut_formula(spec) if part == "cut" else ""
            b.slots[f"{name}_{part}"] = b.step(f"{name}_{part}", kind, label, spec.rules, formula, spec.line,
                                               unit=unit)
        for part in tuple(STANDING)[: 4 if spec.top is not None else 3]:
            label, unit = STANDING[part]
            b.slots[f"{name}.{part}"] = b.step(f"{name}.{part}", Kind.STANDING, label, spec.rules, "", spec.line,
                                               parent=place, unit=unit)


@dataclass(frozen=True, slots=True)
class Measured:
    """A population entry once the per-agent steps it is taken over are written."""

    spec: StatSpec | RankingSpec
    of: int
    where: int | None
    by: int | None
    slots: tuple[int, ...]  # its result steps: (value, members) or (place, size, in[, cut, top])
    standing: tuple[int, ...]


def measure(b: Builder, policy: Policy) -> list[Measured]:
    """Each entry's per-agent parts (`of`, `where`, `ties.by`); its result steps read them (Taken)."""
    found = []
    for spec in _entries(policy):
        name = spec.name
        ranking = isinstance(spec, RankingSpec)
        main = b.slots[f"{name}_place"] if ranking else b.slots[name]
        of = _part(b, name, Kind.OF, spec.of, main, Label("排名依据" if ranking else "统计的数值", "measure"))
        where = None
        if spec.where is not None:
            where = _part(b, name, Kind.WHERE, spec.where, main, Label("计入条件", "counted when"), unit=Unit.BOOL,
                          truth=True)
        by = None
        if isinstance(spec, RankingSpec) and spec.by is not None:
            by = _part(b, name, Kind.BY, spec.by, main, Label("并列时的比较依据", "tie-break"))
        over = tuple(s for s in (of, where, by) if s is not None)
        draft = b.steps[main]
        draft.reads, draft.unit = over, draft.unit or b.steps[of].unit
        if isinstance(spec, StatSpec):
            slots: tuple[int, ...] = (main, b.slots[f"{name}.members"])
            standing: tuple[int, ...] = ()
        else:
            slots = tuple(b.slots[f"{name}_{p}"] for p in spec.parts)
            for slot in slots[1:]:
                b.steps[slot].reads = (main,)
            standing = tuple(b.slots[f"{name}.{p}"] for p in STANDING if f"{name}.{p}" in b.slots)
        for slot in (*slots, *standing):
            b.compute(slot, Taken(name, over))
        found.append(Measured(spec, of, where, by, slots, standing))
    return found


def populations(measured: list[Measured], phase: Sequence[int]) -> tuple[Population, ...]:
    """The populations, each taken after the phase before the one its results are known in."""
    found = []
    for m in measured:
        spec, boundary = m.spec, phase[m.slots[0]] - 1
        if isinstance(spec, StatSpec):
            found.append(Population(spec.name, "stat", boundary, spec.over, m.of, m.slots, where=m.where,
                                    stat=spec.stat, empty=spec.empty))
            continue
        top = spec.top
        found.append(Population(
            spec.name, "ranking", boundary, spec.among, m.of, m.slots, where=m.where, direction=spec.direction,
            ties=spec.ties, by=m.by, by_direction=spec.by_direction,
            top=None if top is None else (top.by, top.value, top.rounding), standing=m.standing))
    return tuple(found)


def _part(b: Builder, owner: str, part: Kind, formula: Formula, parent: int, label: Label, *,
          unit: Unit = Unit.NONE, truth: bool = False) -> int:
    text = formula.text
    op, reads = b.expression(text)
    if not unit and text.strip() in b.slots:  # a measure that is one name keeps that name's unit
        unit = b.steps[b.slots[text.strip()]].unit
    slot = b.step(f"{owner}.{part}", part, label, (), text, formula.line, reads=reads, parent=parent, unit=unit,
                  op=Truth(op) if truth else op)
    b.slots[f"{owner}.{part}"] = slot
    return slot


def _where(b: Builder, spec: StatSpec | RankingSpec) -> tuple[str, str]:
    if spec.where is None:
        return "", ""
    words = b.words(spec.where.text)
    return f"，仅限 {words.zh}", f", only where {words.en}"


def _stat_formula(b: Builder, spec: StatSpec) -> Label:
    zh_group, en_group = GROUP[spec.over]
    zh_where, en_where = _where(b, spec)
    of = b.words(spec.of.text)
    return Label(f"{zh_group} {of.zh} 的{STATS[spec.stat]}{zh_where}",
                 f"{spec.stat}({of.en}) over {en_group}{en_where}")


def _rank_formula(b: Builder, spec: RankingSpec) -> Label:
    zh_group, en_group = GROUP[spec.among]
    zh_where, en_where = _where(b, spec)
    lower = spec.direction == "lower"
    if spec.by is not None:
        by_lower = spec.by_direction == "lower"
        order = "由低到高" if by_lower else "由高到低"
        zh_ties = f"并列时按 {b.words(spec.by.text).zh} {order}决定，仍并列则同名次"
        en_ties = f"ties broken by {spec.by.text}, {'lower' if by_lower else 'higher'} first, then shared"
    elif spec.ties == "dense":
        zh_ties, en_ties = "并列同名次且不跳号（1、2、2、3）", "ties share a place, no gaps (1, 2, 2, 3)"
    else:
        zh_ties, en_ties = "并列同名次（1、2、2、4）", "ties share a place (1, 2, 2, 4)"
    return Label(
        f"{zh_group}按 {b.words(spec.of.text).zh} {'由低到高' if lower else '由高到低'}排名{zh_where}；{zh_ties}",
        f"rank by {spec.of.text}, {'lower' if lower else 'higher'} first, within {en_group}{en_where}; {en_ties}")


def _cut_formula(spec: RankingSpec) -> Label:
    """The top is a number of agents, whatever the tie rule calls their places."""
    top = spec.top
    assert top is not None
    if top.by == "count":
        return Label(f"前 {top.value} 人", f"the first {top.value} agent{'s' if top.value != 1 else ''}")
    zh_round, en_round = ROUNDING[top.rounding]
    return Label(f"排名人数 × {top.value} %，{zh_round}，至少 1 人",
                 f"{top.value} % of the agents ranked, {en_round}, at least 1")


def _top_formula() -> Label:
    return Label("排在前面的人数 < 前列人数（与最后一名入选者并列的都入选）",
                 "fewer agents ranked ahead than the top takes (everyone tied at the cut is in)")
