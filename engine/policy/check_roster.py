"""`roster:`: the shop's own agent key and the roster columns carried into reports (JX290).

The key is the header of the agent column; it must be a header of its own, never one a standard
column (姓名, 岗位 …) or a metric already reads. A carried column is shown as the roster writes it,
so it must name a column nothing else reads: not the key, not a built-in agent header while the
built-in headers name the agent, not the name, role, grade or period (which reports already show,
or read as ids), not a metric; and each once. 入职日期, 离职日期 and the team are read as their
standard columns and carried as read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from engine.columns import STANDARD_COLUMNS
from engine.diagnostics import METRIC_NAMED, STANDARD_COLUMN, Code, Problem, problem
from engine.policy import names as n
from engine.text import header_key

CARRIED_AS_READ = ("team", "joined", "left")  # standard columns a carried header may name


def _owners(data: Mapping) -> dict[str, tuple[str, object]]:
    """Every header text a column other than the agent's is found under: text -> (column, phrase)."""
    columns = n.mapping(data.get("columns"))
    owners: dict[str, tuple[str, object]] = {}
    for column, aliases in STANDARD_COLUMNS.items():
        if column == "agent":
            continue
        extra = columns.get(column) if isinstance(columns.get(column), list) else []
        for text in (column, *aliases, *extra):
            if isinstance(text, str):
                owners.setdefault(header_key(text), (column, STANDARD_COLUMN.phrase(column=column)))
    for name, spec in n.mapping(data.get("metrics")).items():
        spec = n.mapping(spec)
        aliases = spec.get("aliases") if isinstance(spec.get("aliases"), list) else []
        for text in (name, *n.label_texts(spec.get("label")), *aliases):
            if isinstance(text, str) and text:
                owners.setdefault(header_key(text), ("metric", METRIC_NAMED.phrase(name=name)))
    return owners


def check_roster(data: Mapping) -> Iterator[Problem]:
    roster = n.mapping(data.get("roster"))
    if not roster:
        return
    owners = _owners(data)
    key = roster.get("key")
    if isinstance(key, str) and not header_key(key):
        yield problem(Code.JX290, ("roster", "key"), "blank", text=key)
        key = None
    elif isinstance(key, str) and header_key(key) in owners:
        yield problem(Code.JX290, ("roster", "key"), "key_taken", text=key, owner=owners[header_key(key)][1])
    # The agent column is always found under `agent` too, and under every built-in header without a key.
    agent = {header_key(text) for text in STANDARD_COLUMNS["agent"]} if not isinstance(key, str) else {"agent"}
    agent |= {header_key(text) for text in n.mapping(data.get("columns")).get("agent") or [] if isinstance(text, str)}
    carry = roster.get("carry")
    seen: dict[str, int] = {}
    for index, text in enumerate(carry if isinstance(carry, list) else []):
        if not isinstance(text, str):
            continue
        path, folded = ("roster", "carry", index), header_key(text)
        if not folded:
            yield problem(Code.JX290, path, "blank", text=text)
            continue
        if folded in seen:
            yield problem(Code.JX290, path, "carry_twice", text=text, first=seen[folded] + 1)
            continue
        seen[folded] = index
        if isinstance(key, str) and folded == header_key(key):
            yield problem(Code.JX290, path, "carry_key", text=text)
        elif folded in agent:
            yield problem(Code.JX290, path, "carry_agent", hint="" if not isinstance(key, str) else None, text=text)
        elif folded in owners and owners[folded][0] not in CARRIED_AS_READ:
            yield problem(Code.JX290, path, "carry_taken", text=text, owner=owners[folded][1])
