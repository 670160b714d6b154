"""Read a manual adjustments file (`--adjustments`): agent, amount, reason, approved by.

Read like every other data file (CSV in any encoding or XLSX, Chinese or English headers, every
bad cell located, all problems at once). Each row must name an agent evaluated this month, an
amount in whole fen (a third decimal is refused, not rounded: what is paid must be what was
approved), a reason (it becomes the pay line's label) and who approved it. A row repeating another
exactly (agent, amount, reason, approver) is refused, as a duplicate event is: pasted twice would
be paid twice.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Collection
from decimal import Decimal

from engine.columns import STANDARD_COLUMNS
from engine.data.cells import show_spelling
from engine.data.column_reader import key_clashes
from engine.data.ingest import Field, Record, read_table
from engine.errors import DataError, DataIssue
from engine.model.results import Adjustment

FEN = Decimal("0.01")

FIELDS = (
    Field("agent", "id", tuple(dict.fromkeys(("工号", *STANDARD_COLUMNS["agent"])))),
    Field("amount", "money", ("金额", "调整金额", "amount", "adjustment")),
    Field("reason", "text", ("原因", "调整原因", "事由", "reason")),
    Field("approved_by", "text", ("审批人", "批准人", "approved by", "approver", "approved_by")),
)


def read_adjustments(path: str | os.PathLike, agents: Collection[str], period: str,
                     agent_headers: tuple[str, ...] | None = None) -> tuple[Adjustment, ...]:
    """The file's adjustments in row order, or DataError naming every bad row and column; the agent
    column under `agent_headers` when the policy names its own (`roster.key`)."""
    fields = FIELDS if agent_headers is None else (dataclasses.replace(FIELDS[0], aliases=agent_headers), *FIELDS[1:])
    if agent_headers and (clashes := key_clashes(os.fspath(path), fields, "the adjustments file", "人工调整文件")):
        raise DataError(clashes)
    table = read_table(path, fields, key="agent")
    issues: list[DataIssue] = []
    found = []
    seen: dict[tuple, Record] = {}
    for record in table.records:
        values = record.values
        agent, amount = values["agent"], values["amount"]
        same = (agent, amount, str(values["reason"]).strip(), str(values["approved_by"]).strip())
        first = seen.setdefault(same, record)
        if first is not record:  # pasted twice is paid twice: refused like a duplicate event
            # The agent's id read the same, however each row spelled it (engine.text.canonical_id): say how.
            one, other = (show_spelling(r.spelled("agent")) for r in (first, record))
            spelled = f"; the id is written {other} here, {one} there" if one != other else ""
            spelled_zh = f"；账号此处写作 {other}，第 {first.row} 行写作 {one}" if one != other else ""
            issues.append(DataIssue(
                table.path, record.row, table.columns["agent"],
                f"the same adjustment as row {first.row} (agent {agent}, {amount}, {same[2]}, approved by "
                f"{same[3]}{spelled}); if it is really due twice, give each its own reason",
                zh=f"与第 {first.row} 行的调整完全相同（客服 {agent}，{amount}，{same[2]}，审批人 {same[3]}"
                f"{spelled_zh}）；如确实应发两次，请分别写明原因", cell=table.cell("agent", record.row)))
            continue
        if agent not in agents:
            issues.append(DataIssue(
                table.path, record.row, table.columns["agent"],
                f"agent {agent} has no result for {period}, so an adjustment cannot be paid; check the id or the month",
                zh=f"客服 {agent} 在 {period} 没有考核结果，无法发放调整金额；请核对工号或月份",
                cell=table.cell("agent", record.row)))
            continue
        if amount != amount.quantize(FEN):
            issues.append(DataIssue(
                table.path, record.row, table.columns["amount"],
                f"amount {amount} has more than two decimals; give the approved amount in yuan and fen (e.g. 12.35)",
                zh=f"金额 {amount} 超过两位小数；请填写审批的金额，精确到分（如 12.35）",
                cell=table.cell("amount", record.row)))
            continue
        for name in ("reason", "approved_by"):
            if not str(values[name]).strip():
                issues.append(DataIssue(table.path, record.row, table.columns[name],
                                        f"{name.replace('_', ' ')} is empty; every adjustment needs one",
                                        zh=f"{'原因' if name == 'reason' else '审批人'}为空；每条调整都必须填写",
                                        cell=table.cell(name, record.row)))
        found.append(Adjustment(agent, amount.quantize(FEN), values["reason"], values["approved_by"],
                                f"{table.path} row {record.row}"))
    if issues:
        raise DataError(issues)
    return tuple(found)
