"""The shop's own keys and who pays whom, as the plan holds them.

`roster:` names the header of the agent column (`key`) and the roster columns every report carries
(`carry`); `roles.<id>.paid_by` says a role is paid by someone else (a partner firm), so the
minimum-wage warning does not judge what this policy pays it. Both are plain values: nothing here
is a step of the monthly plan.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.model.label import Label
from engine.model.plan import RosterKeys
from engine.policy import names as n
from engine.policy.builder import label_of


def roster_keys(data: Mapping) -> RosterKeys:
    roster = n.mapping(data.get("roster"))
    key = roster.get("key")
    return RosterKeys(str(key) if key is not None else None, tuple(str(text) for text in roster.get("carry", ())))


def paid_by(data: Mapping) -> dict[str, Label]:
    """Role -> who pays it and why (`roles.<id>.paid_by`), for the roles that declare one."""
    return {role: label_of({"label": spec["paid_by"]}) for role, spec in n.mapping(data.get("roles")).items()
            if isinstance(spec, dict) and spec.get("paid_by") is not None}
