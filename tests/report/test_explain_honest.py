"""Explain must never mislead (issue 14 §8): each case read by a supervisor beside the number it explains.

- a value shown rounded never reaches or crosses a bound it is compared with (149.99997 % beside
  "≥ 150 %" with nothing paid is not "150.0000 %…"), with a property test over any value and bound;
- bounds are written in the unit of the value beside them (150 %, not 1.5; bands [90%, 95%));
- in Chinese formulas an id compared with a rating, role or choice is its label (rating == “金”);
- a component that pays nothing this month says why instead of reading "= 300";
- what a cancellation moved honours the component's own `when` (money never due is never taken);
- a value a policy fallback supplied (`on_zero_division`, `missing:`, `placeholders:`) is said so,
  from the trace (and so from a ledger's recorded trace too);
- the score's KPIs are shown even when no pay line reads the score.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

from harness.cli import run
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.data.inputs import read_inputs
from engine.pipeline import prepare
from engine.report.number_text import at_most, percent
from engine.run.evaluate import evaluate_period

POLICY = """\
jixiao: 1
policy:
  id: honest
  version: "1"
  name: {zh: 诚实的解释, en: Honest explanations}
  effective_from: 2026-10-01
metrics:
  sales: {label: {zh: 销售额, en: Sales}, type: money}
  task: {label: {zh: 销售任务, en: Task}, type: money}
  reply: {label: {zh: 回复率, en: Reply rate}, type: ratio, missing: 0, placeholders: {延迟统计: 0.9, 暂无: missing}}
  assessment:
    label: {zh: 考核结果, en: Assessment}
    type: choice
    values: {good: {label: {zh: 优秀, en: Good}}, fair: {label: {zh: 一般, en: Fair}}}
    missing: fair
derived:
  attainment: {label: {zh: 任务完成率, en: Attainment}, formula: sales / task, type: percent, on_zero_division: 0}
kpis:
  reply:
    label: {zh: 回复率, en: Reply rate}
    metric: reply
    weight: 60
    bands:
      - {to: 0.9, points: 0}
      - {from: 0.9, to: 0.95, points: 30}
      - {from: 0.95, points: 60}
  attainment:
    label: {zh: 完成率, en: Attainment}
    metric: attainment
    weight: 40
    linear: {from: 0.5, to: 1.5}
score:
  total: 100
  ratings:
    gold: {label: {zh: 金, en: Gold}, min: 90}
    pass: {label: {zh: 合格, en: Pass}, min: 40}
    fail: {label: {zh: 不合格, en: Fail}}
events:
  zone: Asia/Shanghai
  kinds:
    muted: {label: {zh: 静音, en: Muted}}
penalties:
  p6_muted:
    label: {zh: 静音或离岗, en: Muted or away}
    rule: S4.P6
    kind: muted
    cancels: [excellent_bonus, step_bonus]
pay:
  base: {label: {zh: 底薪, en: Base pay}, kind: fixed, amount: 3000}
  step_bonus: {label: {zh: 阶梯奖, en: Step bonus}, rule: S4.2, kind: step, on: attainment, from: 1.5, every: 0.5,
               first: 50}
  excellent_bonus: {label: {zh: 优秀奖, en: Excellence bonus}, kind: fixed, amount: 300, when: assessment == 'good'}
  gold_bonus: {label: {zh: 金牌奖, en: Gold bonus}, kind: fixed, amount: 200, when: rating == 'gold'}
  target_bonus: {label: {zh: 达标奖, en: Target bonus}, kind: fixed, amount: 100, when: sales >= task}
"""
# a1: attainment 149.99997 % (no step bonus), reply 延迟统计 (placeholder 0.9), no assessment (missing: fair),
#     and a muted event cancelling a bonus she was never due; a2: a task of 0 (on_zero_division), reply empty
#     (missing: 0); a3: exactly 150 %, reply 暂无 (declared missing); a4: 94.99999 % beside a band edge at 95 %.
METRICS = ("工号,销售额,销售任务,回复率,考核结果\n"
           "a1,149999.97,100000,延迟统计,\n"
           "a2,100,0,,优秀\n"
           "a3,150000,100000,暂无,优秀\n"
           "a4,99999.99999,100000,94.99999%,一般\n")
EVENTS = "工号,时间,类型\na1,2026-10-12 10:00:00,静音\n"


def files(tmp_path: Path, policy: str = POLICY) -> list[str]:
    (tmp_path / "policy.yaml").write_text(policy, encoding="utf-8")
    (tmp_path / "metrics.csv").write_text(METRICS, encoding="utf-8")
    (tmp_path / "events.csv").write_text(EVENTS, encoding="utf-8")
    return ["--policy", str(tmp_path / "policy.yaml"), "--metrics", str(tmp_path / "metrics.csv"),
            "--events", str(tmp_path / "events.csv"), "--period", "2026-10"]


def explain(tmp_path: Path, agent: str, lang: str = "zh", policy: str = POLICY) -> list[str]:
    result = run("explain", "--full", *files(tmp_path, policy), "--agent", agent, "--lang", lang)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def block(lines: list[str], head: str, count: int) -> list[str]:
    """`count` lines from the one starting (after its indent) with `head`, the [rule · line] tags dropped."""
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(head))
    return [re.sub(r"   \[[^\]]*\]$", "", line) for line in lines[start:start + count]]


# --- a value rounded never crosses its bound ------------------------------------------------------


def test_149_99997_percent_beside_a_150_percent_step_is_not_shown_as_150_zh(tmp_path):
    lines = explain(tmp_path, "a1")
    assert block(lines, "阶梯奖 (step_bonus)", 6) == [
        "  阶梯奖 (step_bonus) = 0.00 元",
        "      = attainment ≥ 150% 时发 50，此后每多 50% 再加 50",
        "      已取消：原因是“静音或离岗”（S4.P6）（原应发为 0，未减少应发）",
        "    考核值 (step_bonus.on) = 149.99997%",
        "        = attainment",
        "      任务完成率 (attainment) = 149.99997%",
    ]


def test_149_99997_percent_beside_a_150_percent_step_en(tmp_path):
    lines = explain(tmp_path, "a1", "en")
    assert block(lines, "Step bonus (step_bonus)", 4) == [
        "  Step bonus (step_bonus) = 0.00 CNY",
        "      = 50 at attainment ≥ 150%, +50 per further 50%",
        "      cancelled by: Muted or away (S4.P6) (it earned 0: nothing taken)",
        "    measured value (step_bonus.on) = 149.99997%",
    ]


def test_a_value_just_under_a_band_edge_and_under_another_value_keeps_its_digits(tmp_path):
    """94.99999 % is in the band [90%, 95%), and 99999.99999 元 of sales is under a task of 100000."""
    lines = explain(tmp_path, "a4")
    assert block(lines, "所在档位 (reply_points.band)", 3) == [
        "            所在档位 (reply_points.band) = 第 2 档 [90%, 95%) → 30 分",
        "                = reply 所在的档位",
        "              回复率 (reply) = 94.99999%",
    ]
    assert block(lines, "达标奖 (target_bonus)", 7) == [
        "  达标奖 (target_bonus) = 0.00 元",
        "      = 0（本月不发；发放时 = 100）",
        "      发放条件不成立：sales >= task",
        "    发放条件 (target_bonus.when) = 否",
        "        = sales >= task",
        "      销售额 (sales) = 99999.99999 元  （见上）",
        "      销售任务 (task) = 100000.00 元  （见上）",
    ]


def test_a_value_on_its_bound_reads_as_the_bound(tmp_path):
    lines = explain(tmp_path, "a3")
    assert block(lines, "阶梯奖 (step_bonus)", 3)[2] == "    考核值 (step_bonus.on) = 150.00%"


def _side(text: str) -> Decimal:
    return Decimal(text.replace("…", "").replace("%", ""))


DECIMALS = st.decimals(min_value=Decimal("-1e6"), max_value=Decimal("1e6"), allow_nan=False, allow_infinity=False,
                       places=12)


@settings(max_examples=500, derandomize=True, deadline=None)
@given(DECIMALS, st.lists(DECIMALS, min_size=1, max_size=4), st.integers(min_value=0, max_value=4))
def test_shown_text_never_lies_on_the_wrong_side_of_a_bound(value, bounds, places):
    """Property: for any value and bounds, the number shown is below, equal to or above each bound
    exactly as the value is, as a plain number and as a percentage."""
    shown = _side(at_most(value, places, bounds))
    scaled = _side(percent(value, bounds))
    for bound in bounds:
        assert (shown > bound) - (shown < bound) == (value > bound) - (value < bound), (value, bound, shown)
        hundred = bound.scaleb(2)
        assert (scaled > hundred) - (scaled < hundred) == (value > bound) - (value < bound), (value, bound, scaled)


def test_near_a_bound_more_digits_far_from_it_the_usual_four():
    assert percent(Decimal("1.4999997"), [Decimal("1.5")]) == "149.99997%"
    assert percent(Decimal("1.4999997")) == "150.0000%…"
    assert at_most(Decimal("59.999991"), 4, [Decimal(60)]) == "59.999991"
    assert at_most(Decimal(1) / 3, 4, [Decimal("0.3334")]) == "0.33333…"
    assert at_most(Decimal(1) / 3, 4, [Decimal(60)]) == "0.3333…"
    assert at_most(Decimal("1E-30"), 4, [Decimal(0)]) == "0.000000000000000000000000000001"


# --- bounds in the unit of the value; labels, not ids, in Chinese formulas --------------------------


def test_linear_bounds_and_band_edges_are_percentages_beside_a_percentage(tmp_path):
    lines = explain(tmp_path, "a2")
    assert "              = 40 × 限定在 [0, 1] 内的 (attainment − 50%) / (150% − 50%)" in lines
    assert any(line.endswith("第 1 档 (-∞, 90%) → 0 分   [第 23 行]") for line in lines)
    en = explain(tmp_path, "a2", "en")
    assert "              = 40 × clamp((attainment − 50%) / (150% − 50%), 0, 1)" in en


def test_a_condition_on_a_rating_or_a_choice_shows_labels_in_chinese_and_ids_in_english(tmp_path):
    lines = explain(tmp_path, "a3")
    assert block(lines, "金牌奖 (gold_bonus)", 5) == [
        "  金牌奖 (gold_bonus) = 0.00 元",
        "      = 0（本月不发；发放时 = 200）",
        "      发放条件不成立：rating == “金”",
        "    发放条件 (gold_bonus.when) = 否",
        "        = rating == “金”",
    ]
    assert "        = assessment == “优秀”" in lines
    en = explain(tmp_path, "a3", "en")
    assert block(en, "Gold bonus (gold_bonus)", 3) == [
        "  Gold bonus (gold_bonus) = 0.00 CNY",
        "      = 0 (not paid this month; when paid: 200)",
        "      not due: rating == 'gold' does not hold",
    ]


# --- money never due is never taken -----------------------------------------------------------------


def test_a_bonus_never_due_is_not_money_a_clause_cancelled(tmp_path):
    """a1's excellence bonus needs an assessment of 优秀; hers is missing (一般). The muted event's
    clause cancels it, but it moved nothing: earned 0, no amount in the summary."""
    lines = explain(tmp_path, "a1")
    assert block(lines, "优秀奖 (excellent_bonus)", 6) == [
        "  优秀奖 (excellent_bonus) = 0.00 元",
        "      = 0（本月不发；发放时 = 300）",
        "      已取消：原因是“静音或离岗”（S4.P6）（原应发为 0，未减少应发）",
        "      发放条件不成立：assessment == “优秀”",
        "    原应发 (excellent_bonus.earned) = 0.00 元",
        "        = 未取消时应发的金额（发放条件不成立时为 0）",
    ]
    assert lines[-1].endswith("10月12日静音或离岗（S4.P6）：取消当月优秀奖与阶梯奖（本月原应发均为 0，未减少应发）。")
    assert "300.00" not in lines[-1]
    en = explain(tmp_path, "a1", "en")
    assert en[-1].endswith("12 Oct: Muted or away (S4.P6): cancels the month's Excellence bonus and Step bonus "
                           "(they earned 0 this month: nothing taken).")


def test_the_earned_amount_of_a_component_not_due_is_0_in_the_trace(tmp_path):
    files(tmp_path)
    plan, _ = prepare(str(tmp_path / "policy.yaml"))
    inputs = read_inputs(plan, str(tmp_path / "metrics.csv"), period="2026-10").agents
    results = {r.agent: r for r in evaluate_period(plan, inputs, trace=True)}
    earned = next(s.slot for s in plan.steps if s.name == "excellent_bonus.earned")
    assert [results[a].trace[earned] for a in ("a1", "a2", "a3", "a4")] == [
        Decimal("0.00"), Decimal("300.00"), Decimal("300.00"), Decimal("0.00")]


def test_a_gate_cancelling_a_component_that_earned_nothing_is_not_in_the_summary(tmp_path):
    gated = POLICY.replace("    fail: {label: {zh: 不合格, en: Fail}}\n",
                           "    fail: {label: {zh: 不合格, en: Fail}}\n  gates:\n    low: {label: {zh: 低分, en: Low "
                           "score}, when: score < 60, cancels: [excellent_bonus]}\n")
    lines = explain(tmp_path, "a4", policy=gated)  # score 50, assessment 一般: the gate fires, nothing was due
    assert "      已取消：原因是“低分”（原应发为 0，未减少应发）" in lines
    assert "取消" not in lines[-1]
    lines = explain(tmp_path, "a3", policy=gated)  # score 40, assessment 优秀: the gate takes 300
    assert lines[-1].endswith("优秀奖因“低分”取消。")
    assert "      = 0（本月不发；发放时 = 300）" in lines


# --- fallbacks said, from the trace ----------------------------------------------------------------


def test_on_zero_division_is_said_where_it_gave_the_value_zh_en(tmp_path):
    lines = explain(tmp_path, "a2")
    assert block(lines, "任务完成率 (attainment)", 3) == [
        "      任务完成率 (attainment) = 0.00%",
        "          = sales / task",
        "          除数为零，按方案 on_zero_division 取 0.00%",
    ]
    en = explain(tmp_path, "a2", "en")
    assert "          division by zero; the policy's on_zero_division gives 0.00%" in en
    assert not any("on_zero_division" in line for line in explain(tmp_path, "a3")[3:])  # [:3] names the files


def test_missing_and_placeholders_are_said_where_they_gave_the_value_zh_en(tmp_path):
    assert "                  '延迟统计'，按方案 placeholders 取 90.00%" in explain(tmp_path, "a1")
    assert "          缺失，按方案 missing 取 一般" in explain(tmp_path, "a1")
    assert "                  缺失，按方案 missing 取 0.00%" in explain(tmp_path, "a2")
    assert "                  '暂无'，按方案 placeholders 视为缺失，按 missing 取 0.00%" in explain(tmp_path, "a3")
    en = explain(tmp_path, "a1", "en")
    assert "                  '延迟统计'; the policy's placeholders: gives 90.00%" in en
    assert "          missing; the policy's missing: gives Fair" in en
    assert ("                  '暂无', declared missing by placeholders:; the policy's missing: gives 0.00%"
            in explain(tmp_path, "a3", "en"))
    assert not any("missing" in line or "placeholders" in line for line in explain(tmp_path, "a4")[3:])


def test_the_trace_records_which_fallback_supplied_each_value(tmp_path):
    files(tmp_path)
    plan, _ = prepare(str(tmp_path / "policy.yaml"))
    read = read_inputs(plan, str(tmp_path / "metrics.csv"), period="2026-10").agents
    assert {i.agent: dict(i.supplied) for i in read} == {
        "a1": {"reply": "placeholder:延迟统计", "assessment": "missing"}, "a2": {"reply": "missing"},
        "a3": {"reply": "placeholder-missing:暂无"}, "a4": {}}
    # The values themselves are plain: nothing but Decimals and ids reach the plan and the ledger.
    assert all(type(i.values["reply"]) is Decimal and type(i.values["assessment"]) is str for i in read)
    results = {r.agent: r for r in evaluate_period(plan, read, trace=True)}
    slot = {s.name: s.slot for s in plan.steps}
    assert [results[a].trace[slot["reply.supplied"]] for a in ("a1", "a2", "a3", "a4")] == [
        "placeholder:延迟统计", "missing", "placeholder-missing:暂无", None]
    assert [results[a].trace[slot["attainment.fallback"]] for a in ("a1", "a2")] == [False, True]


def test_a_team_value_from_missing_is_said_too(tmp_path):
    team = POLICY.replace("  task: {label: {zh: 销售任务, en: Task}, type: money}\n",
                          "  task: {label: {zh: 销售任务, en: Task}, type: money, scope: team, missing: 100000}\n")
    (tmp_path / "policy.yaml").write_text(team, encoding="utf-8")
    (tmp_path / "metrics.csv").write_text("工号,销售额,回复率,考核结果\na1,1,90%,优秀\n", encoding="utf-8")
    result = run("explain", "--full",
                 "-p", tmp_path / "policy.yaml", "-m", tmp_path / "metrics.csv", "--period", "2026-10",
                 "--agent", "a1")
    assert result.exit_code == 0, result.output
    assert "            缺失，按方案 missing 取 100000.00 元" in result.stdout.splitlines()


def test_the_ledger_keeps_what_the_fallbacks_did(tmp_path):
    """`show` re-renders the recorded trace: the notes come back from the ledger, not from the files."""
    args = files(tmp_path)
    db = str(tmp_path / "jixiao.db")
    assert run("run", *args, "--db", db).exit_code == 0
    for name in ("metrics.csv", "events.csv"):
        (tmp_path / name).unlink()
    result = run("show", "--full", "--db", db, "--period", "2026-10", "--agent", "a2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "          除数为零，按方案 on_zero_division 取 0.00%" in lines
    assert "                  缺失，按方案 missing 取 0.00%" in lines
    shown = run("show", "--full", "--db", db, "--period", "2026-10", "--agent", "a2", "--format", "json")
    steps = {s["name"]: s["value"] for s in json.loads(shown.stdout)["steps"]}
    assert (steps["reply.supplied"], steps["attainment.fallback"]) == ("missing", True)


# --- the score's KPIs are always shown -------------------------------------------------------------


def test_the_score_is_explained_even_when_no_pay_line_reads_it(tmp_path):
    """Only the gold bonus reads the rating; without it, nothing pays by the score, and the KPI
    steps still follow the pay tree, under the rating."""
    text = POLICY.replace("  gold_bonus: {label: {zh: 金牌奖, en: Gold bonus}, kind: fixed, amount: 200, "
                          "when: rating == 'gold'}\n", "")
    lines = explain(tmp_path, "a3", policy=text)
    start = lines.index("评级 (rating) = 合格   [第 34 行]")
    assert lines[start - 1] == ""
    assert [re.sub(r"   \[[^\]]*\]$", "", line) for line in lines[start:start + 8]] == [
        "评级 (rating) = 合格",
        "    = 总分 ≥ 90 为“金”；总分 ≥ 40 为“合格”；否则为“不合格”",
        "  总分 (score) = 40.00 分",
        "      = reply_points + attainment_points",
        "    回复率 (reply_points) = 0.00 分",
        "        = reply 所在档位的分数",
        "      所在档位 (reply_points.band) = 第 1 档 (-∞, 90%) → 0 分",
        "          = reply 所在的档位",
    ]
    assert "    完成率 (attainment_points) = 40.00 分   [第 31 行]" in lines
