"""Write examples/s3/: one quarter (2026-10 … 2026-12) of a points shop, the same bytes on every run.

    python examples/make_points.py

For policies/s3_points.yaml (docs/rules.md S3.1): two departments (售前组, 售后组), four agents, one
GB18030 export a month with a title and a date range above the header, as a back office writes it.
No roster is needed: the policy has no grades or roles. 5004 joins in November (no October row).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent / "s3"
MONTHS = ("2026-10", "2026-11", "2026-12")
HEADER = ["工号", "姓名", "月份", "组别", "接待人数", "售后处理数", "好评数"]
# agent: (name, team, (接待人数, 售后处理数, 好评数) per month from 2026-10; None = not working)
PLAN = {
    "5001": ("小美", "售前组", ((2345, 20, 180), (2410, 22, 175), (2290, 18, 190))),
    "5002": ("阿强", "售前组", ((4567, 15, 212), (4321, 12, 198), (3875, 10, 205))),
    "5003": ("小林", "售后组", ((1734, 160, 301), (1456, 155, 340), (1203, 150, 297))),
    "5004": ("小周", "售后组", (None, (800, 90, 120), (900, 110, 150))),
}


def month_rows(month: str) -> list[list]:
    index = MONTHS.index(month)
    last = {"11": 30}.get(month[5:], 31)
    rows: list[list] = [["客服积分月报"], [f"统计时间: {month}-01 ~ {month}-{last}"], HEADER]
    for agent, (name, team, months) in PLAN.items():
        if months[index] is not None:
            rows.append([agent, name, month, team, *months[index]])
    return rows


def files() -> dict[str, bytes]:
    found = {}
    for month in MONTHS:
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(month_rows(month))
        found[f"metrics-{month}.csv"] = out.getvalue().encode("gb18030")
    return found


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for name, data in files().items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
