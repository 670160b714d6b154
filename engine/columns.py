"""The standard columns every input table may carry, besides the policy's own metrics.

Both the data stage (to find the columns) and the check stage (so a metric alias cannot claim a
header that already names one of these) read this one list. A policy adds more names per column
under `columns:` (compiled as `Plan.columns`); they are added to these, never replace them.

The agent's id is the cell's whole text: 赤兔 writes nicknames as `店铺名:昵称`, and the shop
prefix is part of the id (two shops may share a nickname), so nothing is stripped from it.
"""

from __future__ import annotations

STANDARD_COLUMNS: dict[str, tuple[str, ...]] = {
    "agent": (
        "agent",
        "agent_id",
        "客服昵称",  # 赤兔
        "旺旺昵称",  # 生意参谋
        "旺旺账号名称",  # 千牛
        "客服账号",  # 拼多多, 抖音
        "子账号",
        "账户名",
        "客服",  # 京东, older 赤兔
        "客服名称",
        "客服ID",
        "客服旺旺",
        "旺旺",
        "UID",
        "工号",
        "员工编号",
    ),
    "period": ("月份", "统计月份", "考核月份", "统计日期", "期间", "month"),
    "team": ("组别", "团队", "小组", "所属组", "客服组", "分组", "组"),
    "name": ("姓名", "客服姓名", "真实姓名", "名字"),
    "role": ("岗位", "角色", "职位"),
    "grade": ("等级", "职级", "级别"),
    # Roster dates (S4.4 tenure; proration of joiners and leavers): one calendar day each.
    "joined": ("入职日期", "入职时间", "入职", "joined", "join_date", "hire_date"),
    "left": ("离职日期", "离职时间", "离职", "left", "leave_date"),
}
