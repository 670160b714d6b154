"""Write examples/careers/: six months (2026-10 … 2027-03) of one S0 shop, the same bytes on every run.

    python examples/make_careers.py

Two teams (一组, 二组) on policies/s0_shop.yaml, whose S0.7 quarterly grade review closes with the
runs of 2026-12 and 2027-03. Each agent-month is one of three profiles whose S0.1 score is fixed
(good 100, pass 62.67, poor 8.51), so which months met the standard (score ≥ 60) is plain from
PLAN below. Trainees (试用期) join mid-quarter (2026-11-10, 2026-12-01, 2027-02-15): the policy
reviews them on the months they worked (`partial: months_worked`). Agents dismissed at a review
are not in later exports, as a shop would send them. The roster (UTF-8 with BOM) keeps the
grades HR entered at the start: the ledger's decisions win from the month after each review.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent / "careers"
MONTHS = ("2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03")
HEADER = ["工号", "姓名", "月份", "组别", "实际销售额", "人均计划销售额", "咨询人数", "下单人数", "有效客单价",
          "旺旺回复率", "首次响应时间", "平均售后花费", "有效处理售后个数", "缺勤天数", "迟到次数"]
# The metric cells of each profile, from 实际销售额 to 迟到次数 (人均计划销售额 150,000 for everyone).
PROFILES = {
    "good": ["180,000.00", "150,000", 500, 250, "260.00", "99.00%", "15秒", "¥8.00", 40, 0, 0],
    "pass": ["120,000.00", "150,000", 500, 150, "210.00", "96.00%", "30秒", "¥20.00", 24, 0, 0],
    "poor": ["60,000.00", "150,000", 500, 80, "140.00", "88.00%", "55秒", "¥45.00", 8, 1, 0],
}
G, P, X = "good", "pass", "poor"
# agent: (name, team, 岗位, 等级, 入职日期, profile per month from 2026-10; None = not working)
PLAN = {
    "1001": ("王晓梅", "一组", "正式", "A1", "2024-03-01", (G, G, G, G, G, G)),
    "1002": ("李娜", "一组", "正式", "A2", "2023-07-01", (G, X, G, G, G, G)),
    "1003": ("张伟", "一组", "正式", "A3", "2022-05-01", (X, P, X, P, P, P)),
    "1004": ("刘洋", "一组", "正式", "A4", "2021-09-01", (G, G, G, G, X, X)),
    "1005": ("陈静", "一组", "正式", "A1", "2025-08-01", (X, X, X, None, None, None)),
    "1101": ("赵敏", "一组", "试用期", "A1", "2026-11-10", (None, P, G, G, P, X)),
    "2001": ("孙丽", "二组", "正式", "A2", "2023-01-01", (G, G, G, G, G, G)),
    "2002": ("周杰", "二组", "正式", "A0", "2025-01-01", (P, X, P, X, X, P)),
    "2003": ("吴芳", "二组", "正式", "A1", "2025-04-01", (P, P, X, P, P, P)),
    "2101": ("郑浩", "二组", "试用期", "A1", "2026-12-01", (None, None, X, G, G, G)),
    "2102": ("冯雪", "二组", "试用期", "A1", "2027-02-15", (None, None, None, None, G, G)),
}


def _csv(rows: list[list], encoding: str, bom: bool = False) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode(encoding)


def month_rows(month: str) -> list[list]:
    index = MONTHS.index(month)
    last = {"02": 28, "04": 30, "06": 30, "09": 30, "11": 30}.get(month[5:], 31)
    rows: list[list] = [["客服绩效月报"], [f"统计时间: {month}-01 ~ {month}-{last}"], HEADER]
    for agent, (name, team, _, _, _, months) in PLAN.items():
        profile = months[index]
        if profile is not None:
            rows.append([agent, name, month, team, *PROFILES[profile]])
    return rows


def files() -> dict[str, bytes]:
    found = {f"metrics-{month}.csv": _csv(month_rows(month), "gb18030") for month in MONTHS}
    roster = [["工号", "姓名", "组别", "岗位", "等级", "入职日期"]]
    roster += [[agent, name, team, role, grade, joined] for agent, (name, team, role, grade, joined, _) in PLAN.items()]
    found["roster.csv"] = _csv(roster, "utf-8", bom=True)
    return found


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for name, data in files().items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
