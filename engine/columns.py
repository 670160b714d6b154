"""The standard columns every input table may carry, besides the policy's own metrics.

Both the data stage (to find the columns) and the check stage (so a metric alias cannot claim a
header that already names one of these) read this one list.
"""

from __future__ import annotations

STANDARD_COLUMNS: dict[str, tuple[str, ...]] = {
    "agent": ("工号", "客服", "客服ID", "客服账号", "客服旺旺", "旺旺", "子账号", "员工编号", "agent_id"),
    "period": ("月份", "统计月份", "考核月份", "期间", "month"),
    "team": ("组别", "团队", "小组", "所属组", "组"),
    "name": ("姓名", "客服姓名", "名字"),
    "role": ("岗位", "角色", "职位"),
    "grade": ("等级", "职级", "级别"),
}
