"""Which agent a person means by what she typed after `--agent` (or `jixiao history`).

A clerk knows 阿香 by her name, or types her 工号 with a Chinese IME (`１００３`); the files and
the ledger know her as `1003`. The query is matched, in its canonical form (engine.text.canonical_id),
against the id first: an id names one agent, so an exact id wins outright. Otherwise every agent
whose id, name (姓名) or nickname (the part of a 赤兔 id `店铺名:昵称` after the colon) equals the
query, case aside, is a candidate: one candidate is the match, said on stderr so a wrong guess is
seen; several are listed and refused, never picked from. Nobody matching lists the known agents,
saying how many are not shown. Where the files key agents by 工号, the HR number is the id; where
they key them by the shop's own key (`roster.key`: 客服昵称), a roster column the policy carries
(`roster.carry`: the 工号 beside it) names her as a name does, in `explain`, `show` and `history`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from engine.errors import JixiaoError
from engine.ledger.store import Ledger
from engine.text import canonical_id

SHOWN = 20  # known agents listed when nobody matches


@dataclass(frozen=True, slots=True)
class Match:
    """The agent a query names: her id as the files or the ledger hold it, and her name."""

    query: str
    agent: str
    name: str

    @property
    def exact(self) -> bool:
        """Whether the query was the id as written: then there is nothing to say."""
        return self.query == self.agent

    def note(self, option: str) -> str:
        """`--agent 阿香 → 1003 阿香`: the same in both languages (CLI notes add 提示： / note:)."""
        return f"{option} {self.query} → {_named(self.agent, self.name)}".lstrip()


class NoSuchAgent(JixiaoError):
    """Nobody matches: the known agents, the first SHOWN of them, and how many more there are."""

    def __init__(self, query: str, where: tuple[str, str], known: Mapping[str, str], exit_code: int) -> None:
        ids = sorted(known)
        shown = [_named(agent, known[agent]) for agent in ids[:SHOWN]]
        more = len(ids) - len(shown)
        listed_en = ", ".join(shown) + (f", and {more} more not shown" if more else "") if shown else "none"
        listed_zh = "、".join(shown) + (f"，另有 {more} 位未列出" if more else "") if shown else "无"
        super().__init__(f"agent {query!r} is not in {where[1]}; agents: {listed_en}",
                         f"{where[0]} 中没有客服 {query!r}；已有的客服：{listed_zh}")
        self.exit_code = exit_code


class SeveralAgents(JixiaoError):
    """The query names more than one agent (two 小美 in two shops): list them, choose none."""

    exit_code = 2

    def __init__(self, query: str, option: str, found: Iterable[tuple[str, str]]) -> None:
        candidates = [_named(agent, name) for agent, name in found]
        asked = f"{option} {query!r}".lstrip()
        super().__init__(f"{asked} matches {len(candidates)} agents: {', '.join(candidates)}; "
                         "give the id of the one you mean",
                         f"{asked} 对应 {len(candidates)} 位客服：{'、'.join(candidates)}；请改用工号指定其中一位")


def _named(agent: str, name: str) -> str:
    return f"{agent} {name}" if name and name != agent else agent


def _key(text: str) -> str:
    return canonical_id(text).casefold()


def _nickname(agent: str) -> str:
    """`小美` of `店铺名:小美` (赤兔 writes the shop before the nickname); '' for an id without one."""
    return agent.rpartition(":")[2] if ":" in agent else ""


def find_agent(query: str, known: Mapping[str, str], *, where: tuple[str, str], option: str = "--agent",
               exit_code: int = 1, also: Mapping[str, tuple[str, ...]] | None = None) -> Match:
    """The one agent of `known` (id → name) that `query` names; NoSuchAgent or SeveralAgents otherwise.

    `where` names what was searched (zh, en) for the message when nobody matches; `option` is how
    the query was given (`--agent`, or '' for history's argument); `exit_code` is the command's code
    for "nobody" (a usage mistake against files, a missing record in a ledger); `also` gives each agent's
    other texts a query may name her by, matched as a name is (the roster's 工号 the policy carries)."""
    wanted = canonical_id(query)
    exact = [agent for agent in known if canonical_id(agent) == wanted]
    if len(exact) == 1:
        return Match(query, exact[0], known[exact[0]])
    key = _key(query)
    more = also or {}
    found = exact or [agent for agent, name in known.items()
                      if key and key in (_key(agent), _key(name), _key(_nickname(agent)),
                                         *(_key(text) for text in more.get(agent, ()) if text))]
    if not found:
        raise NoSuchAgent(query, where, known, exit_code)
    if len(found) > 1:
        raise SeveralAgents(query, option, sorted((agent, known[agent]) for agent in found))
    return Match(query, found[0], known[found[0]])


def ledger_agents(ledger: Ledger) -> dict[str, str]:
    """Every agent the ledger's current runs hold (id → her latest recorded name), and every agent
    a decision names: what `history` resolves against."""
    known: dict[str, str] = {}
    for run in sorted((r for r in ledger.runs() if r.status == "current"), key=lambda r: r.period):
        known.update(run_agents(ledger, run.id))
    for decision in ledger.decisions():
        known.setdefault(decision.agent, "")
    return known


def run_agents(ledger: Ledger, run_id: int) -> dict[str, str]:
    """The agents of one recorded run, id → name, read without their traces or pay lines."""
    return {o.result.agent: o.result.name for o in ledger.outcomes(run_id, trace=False, parts=frozenset())}
