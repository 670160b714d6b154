"""One IR, two back-ends: the generated code (the fast path) and the reference interpreter agree.

Every shipped policy's examples are evaluated through both (engine.policy.codegen, engine.run.interpret):
the results and traces must be identical bit for bit — Decimal digits and exponents, True and 1
told apart — and an error must be the same error, at the same step. The property tests over
generated policies are in tests/fuzz/test_fuzz_back_ends.py.
"""

from __future__ import annotations

import ast
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from engine.errors import JixiaoError
from engine.model.inputs import AgentInput, State
from engine.model.ops import reads_of
from engine.model.plan import Plan
from engine.month import Files, evaluate_month, read_months, read_sources
from engine.pipeline import prepare
from engine.run.evaluate import evaluate, evaluate_period
from engine.run.interpret import interpreted

ROOT = Path(__file__).resolve().parents[2]
POLICIES = sorted((ROOT / "policies").glob("*.yaml"))
EXAMPLES = [  # (policy, metrics, roster, events): every example month the golden set evaluates
    ("s0_shop", "s0/metrics.csv", "s0/roster.csv", None),
    ("s0_shop", "s0/metrics.xlsx", "s0/roster.csv", None),
    ("s1_ranking", "s1/metrics.csv", None, None),
    ("s2_commission", "s2/metrics.csv", None, None),
    *(("s3_points", f"s3/metrics-{m}.csv", None, None) for m in ("2026-10", "2026-11", "2026-12")),
    ("s4_path", "s4/metrics.csv", "s4/roster.csv", "s4/events-2026-10.csv"),
    ("s4_path", "s4/metrics.csv", "s4/roster.csv", None),
    ("s4_path", "s4/metrics-2026-11.csv", "s4/roster-2026-11.csv", None),  # 2007's 考核结果 blank: absent
    *(("s0_shop", f"careers/metrics-{m}.csv", "careers/roster.csv", None)
      for m in ("2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03")),
    ("template_scorecard", "template/metrics.csv", None, None),
]


def canon(value: object) -> object:
    """A value as compared bit for bit: a Decimal by its digits and exponent, a bool apart from 1."""
    if isinstance(value, Decimal):
        return ("Decimal", value.as_tuple())
    if isinstance(value, tuple | list):
        return (type(value).__name__, tuple(canon(item) for item in value))
    return (type(value).__name__, repr(value))


def outcome(run) -> object:
    """What a run gives: its results, or its error (both languages)."""
    try:
        return canon(run())
    except JixiaoError as error:
        return ("error", type(error).__name__, error.lines("en"), error.lines("zh"))


def agree(plan: Plan, inputs: list[AgentInput], state: State | None = None, **kw) -> object:
    """Both back-ends' results (traced and not) for one month, asserted identical; the traced one."""
    reference = interpreted(plan)
    found = None
    for trace in (True, False):
        generated = outcome(lambda t=trace: evaluate_period(plan, inputs, state, trace=t, **kw))
        assert outcome(lambda t=trace: evaluate_period(reference, inputs, state, trace=t, **kw)) == generated
        found = found or generated
    return found


@pytest.mark.parametrize(("policy", "metrics", "roster", "events"), EXAMPLES,
                         ids=[f"{p}:{m}" + ("+events" if e else "") for p, m, _, e in EXAMPLES])
def test_every_example_evaluates_identically_through_both_back_ends(policy, metrics, roster, events):
    examples = ROOT / "examples"
    files = Files(str(ROOT / "policies" / f"{policy}.yaml"), str(examples / metrics),
                  roster=str(examples / roster) if roster else None, events=str(examples / events) if events else None)
    sources = read_sources(files)
    plan, _ = prepare(files.policy)
    reference = interpreted(plan)
    for read in read_months(plan, sources, None):
        generated = evaluate_month(plan, read, read.period, None, reviews=False)
        interpreted_month = evaluate_month(reference, read, read.period, None, reviews=False)
        assert generated.outcomes, read.period
        assert canon(interpreted_month.outcomes) == canon(generated.outcomes)


def test_the_s4_month_with_carried_losses_and_window_values_agrees() -> None:
    """The inputs a ledger gives (the loss carried in, earlier months of a window) through both."""
    plan, _ = prepare(str(ROOT / "policies" / "s4_path.yaml"))
    files = Files(str(ROOT / "policies" / "s4_path.yaml"), str(ROOT / "examples" / "s4" / "metrics.csv"),
                  roster=str(ROOT / "examples" / "s4" / "roster.csv"),
                  events=str(ROOT / "examples" / "s4" / "events-2026-10.csv"))
    (read,) = read_months(plan, read_sources(files), "2026-10")
    agents = {item.agent for item in read.agents}
    state = State(windows={a: {w.name: (True, True) for w in plan.windows} for a in agents},
                  carried={a: Decimal(i * 137) / 10 for i, a in enumerate(sorted(agents))})
    found = agree(plan, list(read.agents), state, adjustments={a: Decimal(-50) for a in sorted(agents)[::3]})
    assert found[0] != "error"


def test_the_s1_month_with_flags_held_in_earlier_months_agrees() -> None:
    """S1.5's flags with the earlier months a ledger gives (the flags block): both back-ends raise the same."""
    plan, _ = prepare(str(ROOT / "policies" / "s1_ranking.yaml"))
    files = Files(str(ROOT / "policies" / "s1_ranking.yaml"), str(ROOT / "examples" / "s1" / "metrics-2026-11.csv"))
    (read,) = read_months(plan, read_sources(files), "2026-11")
    agents = sorted(item.agent for item in read.agents)
    earlier = ((True, None), (False, True), (None, None), (False, False))
    state = State(flags={a: {"coached_twice": earlier[i % 4]} for i, a in enumerate(agents)})
    found = agree(plan, list(read.agents), state)
    assert found[0] != "error"


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_the_interpreter_runs_no_generated_code(path: Path) -> None:
    plan, _ = prepare(str(path))
    reference = interpreted(plan)
    assert reference.source == "" and reference.code_lines == ()
    assert reference.steps == plan.steps and reference.populations == plan.populations
    assert len(reference.phases) == len(plan.phases)


ERRORS = """\
jixiao: 1
policy: {id: e, version: "1", name: 错误, effective_from: 2026-01-01}
roles:
  agent: {label: 客服}
metrics:
  sales: {label: 销售额, type: money}
  target: {label: 目标, type: money}
kpis:
  k: {label: 分, weight: 100, formula: "sales / target"}
score: {total: 100}
pay:
  base: {label: 底薪, kind: table, key: role, values: {agent: 1000}}
"""


@pytest.mark.parametrize(("sales", "target", "role", "words"), [
    ("100", "0", "agent", "division by zero"),  # at k_points.raw
    ("100", "50", "lead", "role 'lead' has no entry"),  # at base (a role the data readers would refuse)
    ("100", "50", None, "the agent has no role"),
])
def test_an_error_is_the_same_error_at_the_same_step(tmp_path, sales, target, role, words) -> None:
    path = tmp_path / "e.yaml"
    path.write_text(ERRORS, encoding="utf-8")
    plan, _ = prepare(str(path))
    item = AgentInput("a1", "2026-10", {"sales": Decimal(sales), "target": Decimal(target)}, role=role)
    kind, _, english, chinese = agree(plan, [item])
    assert kind == "error" and words in english[0] and "e.yaml:" in english[0] and "e.yaml:" in chinese[0], english


def test_population_phases_agree_across_many_agents(tmp_path) -> None:
    """S1's ranking (two phases, a population value between them) over a shuffled month."""
    plan, _ = prepare(str(ROOT / "policies" / "s1_ranking.yaml"))
    assert plan.phases
    names = [m.name for m in plan.metrics]
    items = [AgentInput(f"a{i:03d}", "2026-10", {name: Decimal((i * 37 + j * 11) % 97) / 7
                                                 for j, name in enumerate(names)}, team="AB"[i % 2])
             for i in range(60)]
    agree(plan, items)
    assert canon(evaluate(interpreted(plan), items, trace=True)) == canon(evaluate(plan, items, trace=True))


def test_each_step_is_computed_after_what_it_reads(tmp_path) -> None:
    """The plan's order and phases follow from the ops: no step reads one computed after it."""
    for path in POLICIES:
        plan, _ = prepare(str(path))
        position = {slot: index for index, slot in enumerate(plan.order)}
        for slot in plan.order:
            step = plan.steps[slot]
            for used in reads_of(step.op):
                source = plan.steps[used]
                assert source.phase <= step.phase, (step.name, source.name)
                if source.phase == step.phase and used in position:
                    assert position[used] < position[slot], (step.name, source.name)


def test_the_generated_code_says_for_each_line_its_step_rule_and_policy_line() -> None:
    plan, _ = prepare(str(ROOT / "policies" / "s0_shop.yaml"))
    for number, line in enumerate(plan.source.splitlines(), 1):
        step = plan.step_at(number)
        if step is not None:
            assert line.endswith(f"  # {step.name} · {'/'.join(step.rule) or '-'} · s0_shop.yaml:{step.line}")
        elif line and line != "    ) = x":
            assert "  # " in line  # a function, its inputs, its result: each says what it is
    ast.parse(plan.source)  # and it is Python


def test_a_file_name_cannot_break_out_of_a_comment(tmp_path) -> None:
    name = tmp_path / "p\nv0 = 1\r#.yaml"
    name.write_text(textwrap.dedent(ERRORS), encoding="utf-8")
    plan, _ = prepare(str(name))
    assert "\nv0 = 1" not in plan.source and "p?v0 = 1?#.yaml:" in plan.source


def test_days_worked_agree_for_joiners_and_leavers(tmp_path) -> None:
    """The days block (proration) through both back-ends: a month's task and guarantee prorated."""
    from tests.run.test_proration import POLICY as PRORATED

    path = tmp_path / "prorated.yaml"
    path.write_text(PRORATED, encoding="utf-8")
    plan, _ = prepare(str(path))
    items = [AgentInput(agent, "2026-11", {"sales": Decimal(7000), "task": Decimal(10000)}, joined=joined, left=left)
             for agent, joined, left in (("full", "", ""), ("joiner", "2026-11-10", ""), ("leaver", "", "2026-11-15"))]
    found = agree(plan, items)
    assert found[0] != "error"
    totals = {r.agent: str(r.total) for r in evaluate_period(interpreted(plan), items)}
    assert totals == {"full": "3000.00", "joiner": "2100.00", "leaver": "1500.00"}  # S4.2 floor × days


def test_calendar_facts_agree_in_every_month_of_a_year(tmp_path) -> None:
    """The calendar block (engine/run/calendar_facts.py) through both back-ends, January to December:
    month_of_quarter, closes_quarter, closes_year and months_since_joining, with the days block."""
    from tests.run.test_calendar_facts import POLICY as CALENDAR

    path = tmp_path / "calendar.yaml"
    path.write_text(CALENDAR, encoding="utf-8")
    plan, _ = prepare(str(path))
    totals = {}
    for month in range(1, 13):
        period = f"2026-{month:02d}"
        items = [AgentInput("a1", period, {"sales": Decimal(5000)}, joined="2025-12-01"),
                 AgentInput("a2", period, {"sales": Decimal(5000)}, joined=f"{period}-15")]
        found = agree(plan, items)
        assert found[0] != "error"
        totals[period] = str(evaluate_period(interpreted(plan), items)[0].total)
    # a1: 3000 + 10 × whole months since 2025-12-01 + the month's place, + 100 at a quarter's close, + 500 in December
    assert totals["2026-01"] == "3021.00" and totals["2026-03"] == "3143.00" and totals["2026-12"] == "3733.00"


def test_tables_by_two_keys_a_rating_a_choice_and_amounts_by_role_agree(tmp_path):
    """Issue 16 items 4–5: Lookup by a pair of keys, with a default, by rating and by a choice, and a step
    bonus whose amount is another step; both back-ends alike, an absent key the same located error."""
    from tests.run.test_tables import AGENTS, POLICY, agent  # its worked month (the other way round is circular)

    path = tmp_path / "tables.yaml"
    path.write_text(POLICY, encoding="utf-8")
    plan, _ = prepare(str(path))
    assert agree(plan, AGENTS)[0] == "tuple"
    assert agree(plan, [agent("x", None, "A1", "92", "2.0", "excellent")])[0] == "error"


# Issue 16 item 6: a choice metric whose blank cell is the value absent (`missing: absent`), and no
# scorecard (item 1). Each component pays a distinct amount when its condition holds.
ABSENT = """\
jixiao: 1
policy: {id: absent-choice, version: "1", name: 未考核, effective_from: 2026-10-01}
metrics:
  assessment:
    label: 考核结果
    type: choice
    missing: absent
    values: {excellent: {label: 优秀}, pass: {label: 合格}, fail: {label: 不合格}}
pay:
  equal: {label: 等于, kind: fixed, amount: 100, when: "assessment == 'excellent'"}
  unequal: {label: 不等于, kind: fixed, amount: 10, when: "assessment != 'excellent'"}
  within: {label: 属于, kind: fixed, amount: 1, when: "assessment in ('excellent', 'pass')"}
  outside: {label: 不属于, kind: fixed, amount: 1000, when: "assessment not in ('excellent', 'pass')"}
  chained: {label: 条件, kind: formula, formula: "5 if assessment == 'fail' or assessment != 'pass' else 7"}
"""


def test_an_absent_choice_compares_as_equal_to_no_value_in_both_back_ends(tmp_path) -> None:
    """S4.1: not assessed is none of the values: `== 'a'` false, `!= 'a'` true, `in (…)` false."""
    path = tmp_path / "absent.yaml"
    path.write_text(ABSENT, encoding="utf-8")
    plan, _ = prepare(str(path))
    assert plan.outputs is not None and plan.outputs.score is None and plan.kpis == ()  # no scorecard
    items = [AgentInput(agent, "2026-10", {"assessment": value})
             for agent, value in (("absent", None), ("excellent", "excellent"), ("pass", "pass"), ("fail", "fail"))]
    found = agree(plan, items)
    assert found[0] != "error"
    for back_end in (plan, interpreted(plan)):
        paid = {r.agent: (dict((k, str(v)) for k, v in r.pay), str(r.total), r.score, r.rating, r.kpis)
                for r in evaluate_period(back_end, items)}
        assert paid["absent"] == ({"equal": "0.00", "unequal": "10.00", "within": "0.00", "outside": "1000.00",
                                   "chained": "5.00"}, "1015.00", None, None, ())
        assert {agent: total for agent, (_, total, *_) in paid.items()} == {
            "absent": "1015.00", "excellent": "106.00", "pass": "18.00", "fail": "1015.00"}



def test_a_clause_over_several_kinds_and_a_nested_group_agree(tmp_path) -> None:
    """S4.P24 as one clause over two kinds, counted per Shanghai day (more than one over-200 reply or
    silent buyer in a day), cancelling a group of a group and a line: both back-ends, traced and not."""
    text = (ROOT / "policies" / "s4_path.yaml").read_text(encoding="utf-8")
    for old, new in (("      - {kind: no_reply}\n    cancels: [monthly_bonus, commission]",
                      "      - {kind: no_reply}\n    count_over: 1\n    per: day\n    cancels: [everything]"),
                     ("\npenalties:\n", "\n  everything:\n    label: {zh: 奖金与提成, en: Bonus and commission}\n"
                                        "    lines: [monthly_bonus, commission]\n\npenalties:\n")):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    policy = tmp_path / "s4_daily.yaml"
    policy.write_text(text, encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text("工号,时间,类型,数值/秒,金额,订单号,备注\n"
                      "2006,2026-10-12 10:00:00,首响,201,,A1,\n2006,2026-10-12 11:00:00,未回复,,,A2,\n"
                      "1004,2026-10-13 10:00:00,首响,300,,B1,\n1004,2026-10-14 10:00:00,未回复,,,B2,\n"
                      "1005,2026-10-15 10:00:00,首响,200,,C1,\n1005,2026-10-15 11:00:00,未回复,,,C2,\n",
                      encoding="utf-8")
    plan, _ = prepare(str(policy))
    files = Files(str(policy), str(ROOT / "examples" / "s4" / "metrics.csv"),
                  roster=str(ROOT / "examples" / "s4" / "roster.csv"), events=str(events))
    (read,) = read_months(plan, read_sources(files), "2026-10")
    found = agree(plan, list(read.agents))
    assert found[0] != "error"
    fired = {r.agent: dict(r.penalties)["p24_over_200_or_no_reply"] for r in evaluate_period(plan, list(read.agents))}
    assert (fired["2006"], fired["1004"], fired["1005"]) == (Decimal(1), Decimal(0), Decimal(0))  # S4.P24 per day
