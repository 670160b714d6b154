"""Rows of the check table for the shop's own keys (`roster:`, JX290): the agent column's header and
the roster columns carried into reports (工号, 部门, 入职日期)."""

from __future__ import annotations

import pytest

ROLES = "roles:\n  probation:"


def roster(text: str) -> list[tuple[str, str]]:
    """The base policy with a `roster:` section before its roles."""
    return [(ROLES, f"roster:\n{text}\n\n{ROLES}")]


ROSTER_CASES = [
    pytest.param(
        roster("  key: 姓名"),
        "JX290", ("key: 姓名", "姓名"), "roster.key '姓名' already names the standard 'name' column",
        "write the header the files give the agent column", id="JX290-key-names-the-name-column",
    ),
    pytest.param(
        roster("  key: 实际销售额"),
        "JX290", ("key: 实际销售额", "实际销售额"), "roster.key '实际销售额' already names metric 'sales'",
        "write the header the files give the agent column", id="JX290-key-names-a-metric",
    ),
    pytest.param(
        roster("  key: 客服昵称\n  carry: [工号, 部门, 工号]"),
        "JX290", ("carry: [工号, 部门, 工号]", "工号]"), "'工号' is carried twice (first as entry 1)",
        "keep one", id="JX290-a-column-carried-twice",
    ),
    pytest.param(
        roster("  key: 客服昵称\n  carry: [客服昵称]"),
        "JX290", ("carry: [客服昵称]", "客服昵称"), "'客服昵称' is roster.key, the agent column itself",
        "remove it from roster.carry", id="JX290-the-key-carried",
    ),
    pytest.param(
        roster("  carry: [工号]"),
        "JX290", ("carry: [工号]", "工号"), "'工号' is read as the agent column (a built-in agent header)",
        "name the agent's own column with roster.key", id="JX290-a-built-in-agent-header-carried-without-a-key",
    ),
    pytest.param(
        roster("  key: 客服昵称\n  carry: [岗位]"),
        "JX290", ("carry: [岗位]", "岗位"), "'岗位' is read as the standard 'role' column",
        "carry another column, or remove it", id="JX290-the-role-column-carried",
    ),
    pytest.param(
        roster("  key: 客服昵称\n  carry: [\"(元)\"]"),
        "JX290", ('carry: ["(元)"]', '"(元)"'), "'(元)' names no header",
        "write the header as the file shows it", id="JX290-a-carried-header-that-is-only-a-unit",
    ),
]
