"""`jixiao explain` short by default (issue 18): the summary first, then only what decided the result.

Whole expected texts for an S0 agent whose performance pay a gate cancelled (S0.5), an S4 agent with
a clause that came close (S4.P24), two that fired (S4.W) and the rest folded, a fallback under a
shown number (`missing:`), and the S4 agent whose deduction the minimum wage bound (L.1/L.4); the
cap binding instead (L.1); the JSON's keys; `--full` as before; the place left for "what it would take".
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from harness.cli import run

from engine.report.explain_short import Part
from engine.report.messages import counted

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
S0 = ("--policy", "policies/s0_shop.yaml", "--metrics", "examples/s0/metrics.csv", "--roster", "examples/s0/roster.csv")
S4 = ("--policy", "policies/s4_path.yaml", "--metrics", "examples/s4/metrics.csv", "--roster", "examples/s4/roster.csv",
      "--events", "examples/s4/events-2026-10.csv")


@pytest.fixture(autouse=True)
def _in_the_repository(monkeypatch):
    """Paths as the README's commands give them: the head and the event rows name the files so."""
    monkeypatch.chdir(ROOT)


def explained(*args: str) -> str:
    result = run("explain", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def text(lines: tuple[str, ...]) -> str:
    return "\n".join(lines) + "\n"


S0_2001_ZH = (
    '客服 2001 孙丽 · 月份 2026-10 · 组 二组',
    '方案 s0-eight-kpi 2026.11 · sha256 5e3412c19ea24af8e92b2816bdb3f127a2e097bf9855e35fedb45431a960b55d '
    '· policies/s0_shop.yaml',
    '',
    '2001 孙丽 2026-10 得分 52.33 分（未达标），应发 1800.00 元：基本工资 1800.00 元 + 绩效提成 0.00 元。'
    '绩效提成因“评分低于60分无绩效奖励”（S0.5）取消。',
    '',
    '达成所需（按方案重新计算；其他客服数据不变）',
    '- 销售额达成率：现为 40.00%；销售额达成率 ≥ 100%（满分；绩效提成档位）：实际销售额 60000.00 元 → 150'
    '000.00 元，+25.00 分；得分 52.33 → 77.33（“达标”），应发 1800.00 → 2055.19 元（+255.19）',
    '- 咨询转化率：现为 40.00%；咨询转化率 ≥ 50%（满分）：下单人数 480 → 600，+6.67 分；得分 52.33 → 59.0'
    '0（“未达标”），应发 1800.00 → 1800.00 元（+0.00）',
    '- 有效客单价：现为 125.00 元；有效客单价 ≥ 150 元（分档）：有效客单价 125.00 元 → 150.00 元，+4.00 '
    '分；得分 52.33 → 56.33（“未达标”），应发 1800.00 → 1800.00 元（+0.00）',
    '- 旺旺回复率：已过每个会改变得分或工资的界限',
    '- 首次响应时间：已过每个会改变得分或工资的界限',
    '- 平均售后花费：现为 1080.00 元；平均售后花费 ≤ 10 元（满分）：平均售后花费 1080.00 元 → 10.00 元，+'
    '5.00 分；得分 52.33 → 57.33（“未达标”），应发 1800.00 → 1800.00 元（+0.00）',
    '- 有效处理售后个数：已过每个会改变得分或工资的界限',
    '- 人事考勤：现为 9；人事考勤 公式值 ≥ 10（满分）：迟到次数 1 → 0，+1.00 分；得分 52.33 → 53.33（“未'
    '达标”），应发 1800.00 → 1800.00 元（+0.00）',
    '差 7.67 分到“达标”：销售额达成率 40.00% → 65.34%（部分分数；实际销售额 60000.00 元 → 98010.00 元） +'
    '7.67 分 → 得分 52.33 → 60.00（“达标”），应发 1800.00 → 1893.80 元（+93.80）',
    '- 绩效提成（本应 78.50 元）因“评分低于60分无绩效奖励”（S0.5）取消：当 score < 60 时，取消绩效提成',
    '  保住它需再得 7.67 分：销售额达成率 40.00% → 65.34%（部分分数；实际销售额 60000.00 元 → 98010.00 元'
    '） +7.67 分 → 得分 52.33 → 60.00（“达标”），应发 1800.00 → 1893.80 元（+93.80）',
    '',
    '得分 52.33 分（未达标）',
    '  销售额达成率 (sales_attainment_points) = 0.00 分   [S0.1]',
    '    = 25 × 限定在 [0, 1] 内的 (attainment − 50%) / (100% − 50%)',
    '    销售额达成率 (attainment) = 40.00%',
    '  咨询转化率 (conversion_points) = 13.33 分   [S0.1 · S1.1]',
    '    = 20 × 限定在 [0, 1] 内的 (conversion − 20%) / (50% − 20%)',
    '    咨询转化率 (conversion) = 40.00%',
    '  有效客单价 (order_value_points) = 0.00 分   [S0.1]',
    '    所在档位 (order_value_points.band) = 第 1 档 (-∞, 150) → 0 分',
    '    有效客单价 (order_value) = 125.00 元',
    '  旺旺回复率 (reply_rate_points) = 10.00 分   [S0.1]',
    '    所在档位 (reply_rate_points.band) = 第 4 档 [98%, +∞) → 10 分',
    '    旺旺回复率 (reply_rate) = 98.60%',
    '  首次响应时间 (first_response_points) = 15.00 分   [S0.1 · S1.4 · S4.6]',
    '    = 15 × 限定在 [0, 1] 内的 (first_response − 60) / (20 − 60)',
    '    首次响应时间 (first_response) = 20 秒',
    '  平均售后花费 (after_sales_cost_points) = 0.00 分   [S0.1]',
    '    = 5 × 限定在 [0, 1] 内的 (after_sales_cost − 50) / (10 − 50)',
    '    平均售后花费 (after_sales_cost) = 1080.00 元',
    '  有效处理售后个数 (after_sales_handled_points) = 5.00 分   [S0.1]',
    '    = 最小值(after_sales_handled, 40) / 8，限定在 [0, 5] 内',
    '    有效处理售后个数 (after_sales_handled) = 40',
    '  人事考勤 (attendance_points) = 9.00 分   [S0.1]',
    '    = 10 - 5 * absences - late_arrivals，限定在 [0, 10] 内',
    '    缺勤天数 (absences) = 0',
    '    迟到次数 (late_arrivals) = 1',
    '',
    '应发 1800.00 元',
    '  基本工资 (base) = 1800.00 元   [S0.6]',
    '    = 按等级查底薪表',
    '    等级 (grade) = A0（观察期）',
    '  绩效提成 (performance) = 0.00 元   [S0.2 · S0.3]',
    '    已取消：原因是“评分低于60分无绩效奖励”（S0.5），原应发 78.50 元',
    '    = （score / 100 * team_sales_per_capita） × 所达档位的提点（全额按该档计算）',
    '    提成基数 (performance.base) = 78495.00 元',
    '    分档依据 (performance.on) = 0.4',
    '    提点 (performance.rate) = 0.10%',
    '      所在档位 (performance.tier) = 第 1 档 “1档 未达标” [0, 1.0) → 提点 0.10%',
    '',
    '完整计算过程：加 --full',
)
S4_1001_ZH = (
    '客服 1001 林晓 · 月份 2026-10 · 组 一组',
    '方案 s4-path 2026.10 · sha256 98b9c2d77f72d85f964bfef2dde548fac1b7af3b15106e72adc9d7534311331a · pol'
    'icies/s4_path.yaml',
    '',
    '1001 林晓 2026-10 应发 1800.00 元：底薪 1500.00 元 + 提成 0.00 元 + 考核优秀奖 0.00 元 + 阶梯奖 0.00'
    ' 元 + 团队奖金 0.00 元 + 保底工资 300.00 元 + 季度优秀奖 0.00 元 + 赔偿损失扣款 0.00 元。接近触发“一'
    '天内首次响应超过60秒多于3次”：10月8日已有 3 次，再多 1 次即触发（S4.P24）。10月20日主管发出警告（S4.'
    'W）：警告 1 次。10月20日服务态度问题（主管酌情处理）（S4.W）：取消当月奖金（考核优秀奖、阶梯奖、团队'
    '奖金）与提成（团队奖金 100.00 元、提成 120.00 元）。',
    '',
    '达成所需（按方案重新计算；其他客服数据不变）',
    '- 提成（本应 120.00 元）因“服务态度问题（主管酌情处理）”（S4.W；10月 1 次）取消（事件见上）',
    '  保住它需：10月少 1 次；则提成 120.00 元，应发 1800.00 → 1800.00 元（+0.00）',
    '- 团队奖金（本应 100.00 元）因“服务态度问题（主管酌情处理）”（S4.W；10月 1 次）取消（事件见上）',
    '  保住它需：10月少 1 次；则团队奖金 100.00 元，应发 1800.00 → 1800.00 元（+0.00）',
    '- “一天内首次响应超过60秒多于3次”（S4.P24）未触发（按 Asia/Shanghai 时间）：10月8日 3 次、10月10日 1'
    ' 次；每天达到 4 次即触发',
    '',
    '应发 1800.00 元',
    '  底薪 (base) = 1500.00 元   [S4.1 · S4.2 · S4.4 · S4.5]',
    '    = 按岗位查底薪表',
    '    岗位 (role) = 见习客服主管',
    '  提成 (commission) = 0.00 元   [S4.1 · S4.2 · S4.3 · S4.4 · S4.5]',
    '    已取消：原因是“服务态度问题（主管酌情处理）”（S4.W），原应发 120.00 元',
    '    = sales × 0.01',
    '    提成基数 (commission.base) = 12000.00 元',
    '  团队奖金 (team_bonus) = 0.00 元   [S4.3 · S4.4 · S4.5]',
    '    已取消：原因是“服务态度问题（主管酌情处理）”（S4.W），原应发 100.00 元',
    '    = team_own_sales / team_task ≥ 1.5 时发 team_bonus.first，此后每多 0.5 再加 team_bonus.first',
    '    考核值 (team_bonus.on) = 1.5',
    '      活动销售额 (campaign_sales) = 0.00 元（缺失，按方案 missing 取 0.00 元）',
    '    首级金额 (team_bonus.first) = 100.00 元',
    '  保底工资 (guarantee) = 300.00 元   [S4.2 · S4.4 · S4.5]',
    '    = 保底 guarantee.floor 减去（base + commission + excellent_bonus + step_bonus + team_bonus），不'
    '少于 0',
    '    保底线 (guarantee.floor) = 1800.00 元',
    '    计入保底的小计 (guarantee.subtotal) = 1500.00 元',
    '  本月为 0 的其余 4 项：考核优秀奖、阶梯奖、季度优秀奖、赔偿损失扣款',
    '',
    '罚则',
    '  接近触发“一天内首次响应超过60秒多于3次”：10月8日已有 3 次，再多 1 次即触发（S4.P24）',
    '  10月20日主管发出警告（S4.W）：警告 1 次',
    '    2026-10-20 17:31:00 · examples/s4/events-2026-10.csv 第 11 行',
    '  10月20日服务态度问题（主管酌情处理）（S4.W）：取消当月奖金（考核优秀奖、阶梯奖、团队奖金）与提成（'
    '团队奖金 100.00 元、提成 120.00 元）',
    '    2026-10-20 17:30:00 · examples/s4/events-2026-10.csv 第 10 行',
    '  其余 21 条罚则均未触发',
    '',
    '完整计算过程：加 --full',
)
S4_2006_EN = (
    'agent 2006 萧然 · period 2026-10 · team 二组',
    'policy s4-path 2026.10 · sha256 98b9c2d77f72d85f964bfef2dde548fac1b7af3b15106e72adc9d7534311331a · p'
    'olicies/s4_path.yaml',
    '',
    '2006 萧然 is paid 2740.00 CNY in 2026-10: Base pay 1200.00 CNY + Commission 1600.04 CNY + Excellent-'
    'assessment bonus 200.00 CNY + Step bonus 250.00 CNY + Team bonus 0.00 CNY + Guaranteed minimum 0.00 '
    'CNY + Quarterly excellence bonus 0.00 CNY + Loss deduction -510.04 CNY. 6 Oct: Discount granted whil'
    "e bargaining (S4.P16): 30.00 CNY borne by the operations team's commission pool, not the agent. 5 Oc"
    't: Unauthorised price change (S4.P19): 800.00 CNY of loss to deduct. Loss deduction 510.04 CNY (owed'
    " 800.00 CNY; 289.96 CNY carried to next month; wage regulation Art. 16: at most 20 % of the month's "
    'wage, never below the minimum wage).',
    '',
    'Pay 2740.00 CNY',
    '  Base pay (base) = 1200.00 CNY   [S4.1 · S4.2 · S4.4 · S4.5]',
    '    = base pay by role',
    '    Role (role) = Agent',
    '  Commission (commission) = 1600.04 CNY   [S4.1 · S4.2 · S4.3 · S4.4 · S4.5]',
    '    = sales × 0.01',
    '    commission base (commission.base) = 160004.00 CNY',
    '  Excellent-assessment bonus (excellent_bonus) = 200.00 CNY   [S4.1 · S4.2]',
    '    = 200',
    '    paid when (excellent_bonus.when) = yes',
    "      = assessment == 'excellent'",
    '  Step bonus (step_bonus) = 250.00 CNY   [S4.2 · S4.3]',
    '    = 50 at attainment ≥ 150%, +50 per further 50%',
    '    measured value (step_bonus.on) = 350.01%',
    '  Paid 0 this month: Team bonus, Guaranteed minimum, Quarterly excellence bonus',
    '',
    'Penalty clauses',
    "  6 Oct: Discount granted while bargaining (S4.P16): 30.00 CNY borne by the operations team's commis"
    'sion pool, not the agent',
    '    2026-10-06 10:00:00 · order S2006-02 · amount 30.00 CNY · examples/s4/events-2026-10.csv row 44',
    '  5 Oct: Unauthorised price change (S4.P19): 800.00 CNY of loss to deduct',
    '    2026-10-05 10:00:00 · order S2006-01 · amount 800.00 CNY · examples/s4/events-2026-10.csv row 43',
    '  none of the other 22 clauses fired',
    '',
    'Loss deduction (loss_deduction) = -510.04 CNY   [L.1 · L.2 · L.4]',
    '  owed in all (loss_deduction.owed) = 800.00 CNY',
    "    this month's losses (loss_deduction.loss) = 800.00 CNY",
    '  Pay before deductions (gross_pay) = 3250.04 CNY',
    '  monthly cap (loss_deduction.cap) = 650.00 CNY',
    '  room above the minimum wage (loss_deduction.room) = 510.04 CNY',
    '    local minimum wage (loss_deduction.minimum_wage) = 2740.00 CNY',
    '  taken 510.04 CNY, bound by the minimum wage (what is left may not fall below it) (L.1/L.4)',
    '  carried to next month (loss_deduction.carried_out) = 289.96 CNY',
    '',
    'The whole working: add --full',
)
S0_1004_ZH = (
    '客服 1004 陈静 · 月份 2026-10 · 组 一组',
    '方案 s0-eight-kpi 2026.11 · sha256 5e3412c19ea24af8e92b2816bdb3f127a2e097bf9855e35fedb45431a960b55d '
    '· policies/s0_shop.yaml',
    '',
    '1004 陈静 2026-10 得分 74.17 分（达标），应发 2126.09 元：基本工资 2000.00 元 + 绩效提成 126.09 元。',
    '',
    '达成所需（按方案重新计算；其他客服数据不变）',
    '- 销售额达成率：已过每个会改变得分或工资的界限',
    '- 咨询转化率：现为 45.00%；咨询转化率 ≥ 50%（满分）：下单人数 720 → 800，+3.33 分；得分 74.17 → 77.5'
    '0（“达标”），应发 2126.09 → 2131.75 元（+5.66）',
    '- 有效客单价：已过每个会改变得分或工资的界限',
    '- 旺旺回复率：现为 95.00%；旺旺回复率 ≥ 98%（分档）：旺旺回复率 95.00% → 98.00%，+4.00 分；得分 74.1'
    '7 → 78.17（“达标”），应发 2126.09 → 2132.89 元（+6.80）',
    '- 首次响应时间：现为 65 秒；首次响应时间 ≤ 20 秒（满分）：首次响应时间 65 秒 → 20 秒，+15.00 分；得'
    '分 74.17 → 89.17（“达标”），应发 2126.09 → 2151.59 元（+25.50）',
    '- 平均售后花费：已过每个会改变得分或工资的界限',
    '- 有效处理售后个数：现为 1.5；有效处理售后个数 公式值 ≥ 5（满分）：有效处理售后个数 12 → 40，+3.50 '
    '分；得分 74.17 → 77.67（“达标”），应发 2126.09 → 2132.04 元（+5.95）',
    '- 人事考勤：已过每个会改变得分或工资的界限',
    '差 15.83 分到“优秀”：咨询转化率 ≥ 50%（满分；下单人数 720 → 800） +3.33 分；首次响应时间 65 秒 → 26 '
    '秒（部分分数；首次响应时间 65 秒 → 26 秒） +12.75 分 → 得分 74.17 → 90.25（“优秀”），应发 2126.09 → '
    '2153.43 元（+27.34）',
    '',
    '得分 74.17 分（达标）',
    '  销售额达成率 (sales_attainment_points) = 25.00 分   [S0.1]',
    '    = 25 × 限定在 [0, 1] 内的 (attainment − 50%) / (100% − 50%)',
    '    销售额达成率 (attainment) = 140.00%',
    '  咨询转化率 (conversion_points) = 16.67 分   [S0.1 · S1.1]',
    '    = 20 × 限定在 [0, 1] 内的 (conversion − 20%) / (50% − 20%)',
    '    咨询转化率 (conversion) = 45.00%',
    '  有效客单价 (order_value_points) = 10.00 分   [S0.1]',
    '    所在档位 (order_value_points.band) = 第 4 档 [250, +∞) → 10 分',
    '    有效客单价 (order_value) = 291.67 元',
    '  旺旺回复率 (reply_rate_points) = 6.00 分   [S0.1]',
    '    所在档位 (reply_rate_points.band) = 第 3 档 [95%, 98%) → 6 分',
    '    旺旺回复率 (reply_rate) = 95.00%',
    '  首次响应时间 (first_response_points) = 0.00 分   [S0.1 · S1.4 · S4.6]',
    '    = 15 × 限定在 [0, 1] 内的 (first_response − 60) / (20 − 60)',
    '    首次响应时间 (first_response) = 65 秒',
    '  平均售后花费 (after_sales_cost_points) = 5.00 分   [S0.1]',
    '    = 5 × 限定在 [0, 1] 内的 (after_sales_cost − 50) / (10 − 50)',
    '    平均售后花费 (after_sales_cost) = 9.80 元',
    '  有效处理售后个数 (after_sales_handled_points) = 1.50 分   [S0.1]',
    '    = 最小值(after_sales_handled, 40) / 8，限定在 [0, 5] 内',
    '    有效处理售后个数 (after_sales_handled) = 12',
    '  人事考勤 (attendance_points) = 10.00 分   [S0.1]',
    '    = 10 - 5 * absences - late_arrivals，限定在 [0, 10] 内',
    '    缺勤天数 (absences) = 0',
    '    迟到次数 (late_arrivals) = 0（缺失，按方案 missing 取 0）',
    '',
    '应发 2126.09 元',
    '  基本工资 (base) = 2000.00 元   [S0.6]',
    '    = 按等级查底薪表',
    '    等级 (grade) = A1（入职）',
    '  绩效提成 (performance) = 126.09 元   [S0.2 · S0.3]',
    '    = （score / 100 * team_sales_per_capita） × 所达档位的提点（全额按该档计算）',
    '    提成基数 (performance.base) = 126089.00 元',
    '    分档依据 (performance.on) = 0',
    '    提点 (performance.rate) = 0.10%',
    '      所在档位 (performance.tier) = 第 1 档 “1档 未达标” [0, 1.0) → 提点 0.10%',
    '',
    '完整计算过程：加 --full',
)


def test_S0_5_a_gated_agent_short_in_chinese():
    """S0.5: below 60 points no performance pay; what it would have paid (78.50 元) is said, and 8 KPIs each
    with its points, band or formula and the value it read."""
    assert explained(*S0, "--agent", "2001") == text(S0_2001_ZH)


def test_S4_an_agent_with_a_clause_that_came_close_two_that_fired_and_the_rest_folded():
    """S4.P24 came close (3 slow replies on 8 Oct; one more fires it), S4.W fired twice (a warning, and
    a cancellation of 120.00 元 commission and 100.00 元 team bonus); 22 clauses fold into one line; the
    campaign sales the team bonus's measure read were missing (policy `missing:` gives 0), said under it."""
    assert explained(*S4, "--agent", "1001") == text(S4_1001_ZH)


def test_L1_L4_the_minimum_wage_bound_the_deduction_in_english():
    """L.1/L.4: owed 800.00, cap 20 % of 3250.04 = 650.00, room above 2740.00 = 510.04: 510.04 taken,
    bound by the minimum wage, 289.96 carried to next month (S4.P19 fired; S4.P16 charged elsewhere)."""
    assert explained(*S4, "--agent", "2006", "--lang", "en") == text(S4_2006_EN)


def test_a_fallback_the_policy_supplied_is_said_beside_the_value():
    """S0 1004 has no 迟到次数: the policy's `missing:` gives 0, said on the value's own line."""
    assert explained(*S0, "--agent", "1004") == text(S0_1004_ZH)


def test_L1_the_cap_bound_the_deduction(tmp_path):
    """L.1: S0 1001 earns 3579.02; a loss of 800.00 is capped at 20 % = 715.80 (room above 2740 is
    839.02), 84.20 carried to next month."""
    from run.test_deductions import CLAUSES, events, policy

    shop = policy(tmp_path, clauses=CLAUSES)
    rows = events(tmp_path, ["2026-10-13 10:00,改价损失,,800,P1,"])
    out = explained("-p", str(shop), "-m", "examples/s0/metrics.csv", "-r", "examples/s0/roster.csv",
                    "--period", "2026-10", "--events", str(rows), "--agent", "1001")
    deduction = out.split("\n\n")[-2].splitlines()
    assert deduction == [
        "赔偿损失扣款 (loss_deduction) = -715.80 元   [L.1]",
        "  应扣合计 (loss_deduction.owed) = 800.00 元",
        "    本月应赔损失 (loss_deduction.loss) = 800.00 元",
        "  扣款前应发 (gross_pay) = 3579.02 元",
        "  当月扣款上限 (loss_deduction.cap) = 715.80 元",
        "  扣后不低于最低工资的可扣额 (loss_deduction.room) = 839.02 元",
        "    当地月最低工资 (loss_deduction.minimum_wage) = 2740.00 元",
        "  实扣 715.80 元，受“当月扣款上限”限制（L.1）",
        "  结转下月 (loss_deduction.carried_out) = 84.20 元",
    ]
    penalties = out.split("\n\n")[-3].splitlines()
    assert penalties[0] == "罚则"
    assert penalties[-1] == "  其余 2 条罚则均未触发"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_full_is_the_whole_tree_as_before(lang):
    """`--full` prints what `explain` printed before the short form, byte for byte (the golden files)."""
    before = GOLDEN / "s4" / "2026-10" / "explain"
    assert explained(*S4, "--agent", "2006", "--full", "--lang", lang) == (before / f"2006.{lang}.txt").read_text()
    document = explained(*S4, "--agent", "2006", "--full", "--format", "json", "--lang", lang)
    assert json.loads(document) == json.loads(gzip.decompress((before / f"2006.{lang}.json.gz").read_bytes()))


def test_short_json_keys_and_sections():
    document = json.loads(explained(*S4, "--agent", "1001", "--format", "json"))
    assert list(document) == ["policy", "agent", "period", "full", "summary", "sections", "what_it_takes"]
    assert document["full"] is False
    assert [s["key"] for s in document["sections"]] == ["what_it_would_take", "pay", "penalties"]  # S4: no scorecard
    for section in document["sections"]:
        assert list(section) == ["key", "title", "lines"]
        for line in section["lines"]:
            assert list(line) == ["depth", "text", "step", "rules", "value"]
    pay = document["sections"][1]
    commission = next(line for line in pay["lines"] if line["step"] == "commission")
    assert commission["rules"] == ["S4.1", "S4.2", "S4.3", "S4.4", "S4.5"] and commission["value"] == "0.00"
    penalties = document["sections"][2]["lines"]
    close = next(line for line in penalties if line["step"] == "p24_slow_day")
    assert close["rules"] == ["S4.P24"] and close["value"] == "0"
    assert "再多 1 次即触发" in close["text"]
    # The text is the same sections, line for line.
    shown = explained(*S4, "--agent", "1001")
    for section in document["sections"]:
        assert section["title"] in shown.splitlines()
        for line in section["lines"]:
            assert "  " * line["depth"] + line["text"] in shown.splitlines()
    deduction = json.loads(explained(*S4, "--agent", "2006", "--format", "json"))["sections"][-1]
    assert deduction["key"] == "deduction"
    bound = next(line for line in deduction["lines"] if line["step"] == "loss_deduction")
    assert bound["value"] == "-510.04" and bound["text"].endswith("（L.1/L.4）")


def test_what_it_would_take_has_its_place_after_the_summary():
    """What it would take (engine.run.what_it_takes): said right after the summary, under the heading
    `--full --what-it-takes` gives it; `--no-what-it-takes` leaves it out."""
    lines = explained(*S0, "--agent", "2001", "--what-it-takes").splitlines()
    assert lines[3].startswith("2001 孙丽 2026-10 得分 52.33 分")
    assert lines[4:6] == ["", "达成所需（按方案重新计算；其他客服数据不变）"]
    assert lines[6].startswith("- 销售额达成率：现为 40.00%")
    document = json.loads(explained(*S0, "--agent", "2001", "--format", "json", "--lang", "en", "--what-it-takes"))
    assert document["sections"][0]["key"] == Part.TAKE == "what_it_would_take"
    assert document["sections"][0]["title"] == ("What it would take (re-evaluated through the plan; other agents' "
                                                "data unchanged)")
    assert document["what_it_takes"]["next_rating"]["gap"] == "7.67"
    plain = json.loads(explained(*S0, "--agent", "2001", "--format", "json", "--no-what-it-takes"))
    assert Part.TAKE not in [section["key"] for section in plain["sections"]] and "what_it_takes" not in plain
    # The short form says it by default; the whole tree only when asked (so `--full` is as it was).
    assert explained(*S0, "--agent", "2001") == explained(*S0, "--agent", "2001", "--what-it-takes")
    assert "达成所需" not in explained(*S0, "--agent", "2001", "--full")


def test_a_typical_S4_agent_is_a_screenful():
    """Issue 18: some 300 lines for the whole tree; the short form of every S4 example agent fits a screen or two."""
    agents = [r["agent"] for r in json.loads((GOLDEN / "s4/2026-10/evaluate.json").read_text())["results"]]
    short = sorted(len(explained(*S4, "--agent", a).splitlines()) for a in agents)
    assert short[len(short) // 2] <= 40  # the median agent
    assert max(short) <= 60


@pytest.mark.parametrize(("shown", "said"), [
    ("warning: 1 agent(s) are paid less", "warning: 1 agent is paid less"),
    ("note: 13 agent(s) are paid under", "note: 13 agents are paid under"),
    ("Total: 1 agent(s) · 3000.00 CNY", "Total: 1 agent · 3000.00 CNY"),
    ("recorded 2026-11 as run 2: 0 agent(s), total 0.00", "recorded 2026-11 as run 2: 0 agents, total 0.00"),
    ("the team report for 2026-10 (1 agent(s)) to r.html", "the team report for 2026-10 (1 agent) to r.html"),
    ("已写入 1 人的工资条", "已写入 1 人的工资条"),
])
def test_english_counts_agents_in_the_grammar_of_their_number(shown, said):
    assert counted(shown) == said


def test_show_agent_is_short_too_and_full_with_full(tmp_path):
    """A recorded month's agent shows as `explain` printed it: short by default, the whole tree with --full.
    What it would take re-evaluates the month, which `show` (the month as recorded) does not: it is
    compared with explain's `--no-what-it-takes`."""
    from harness.ledger import record_s0
    from harness.paths import S0_METRICS, S0_POLICY, S0_ROSTER

    db = tmp_path / "s0.db"
    assert record_s0(db).exit_code == 0
    files = ("--policy", S0_POLICY, "--metrics", S0_METRICS, "--roster", S0_ROSTER, "--agent", "2001")
    for more in ((), ("--full",)):
        for fmt in ("text", "json"):
            shown = run("show", "--period", "2026-10", "--agent", "2001", "--db", db, "--format", fmt, *more)
            assert shown.exit_code == 0, shown.output
            assert shown.stdout == run("explain", *files, "--format", fmt, "--no-what-it-takes", *more).stdout
    refused = run("show", "--period", "2026-10", "--db", db, "--full", "--lang", "en")
    assert refused.exit_code == 2 and "--full shows one agent's whole working; add --agent ID" in refused.output
