"""Property: a ledger driven by any sequence of runs, supersedes, approvals and reopens, in order or
out of order, holds what a fresh evaluation of the same months in order would (L.1, L.5, S0.7).

Three agents on a small policy whose months depend on each other every way a ledger carries: a
monthly grade review (score ≥ 60 → up, else down to A0, S0.7) sets next month's base pay; loss
events are deducted within the legal guard and the rest carried (L.1). Each month has two
versions of its files. After every sequence:
- every recorded month's current run equals the fresh evaluation (approved months' corrections
  included), so open months pay exactly what a fresh run in order pays;
- every approved month still shows exactly what was approved;
- for each approved month, the retro lines later months settled plus what is still owed equal
  the fresh pay less the approved pay; over all months, paid + still owed + waived = the fresh
  total;
- per agent, loss taken + loss still carried = the losses (never deducted twice);
- every run (superseded and approved ones too) is evaluated again, under the ledger state it kept, to
  the results it recorded, and a current run's traces are those of the fresh evaluation (engine.retrace).
"""

from __future__ import annotations

import os
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger_backends import BACKENDS, fresh_ledger, need_server

from engine.errors import JixiaoError
from engine.ledger.access import open_ledger
from engine.ledger.state import owed_by_corrections, paid_run, pay_before_retro
from engine.ledger.store import Ledger, RunInfo
from engine.model.step_names import CARRIED_OUT, DEDUCTION
from engine.record import END, Files, recorded_plan, reopen_month, run_month
from engine.retrace import with_traces

MONTHS = ("2026-10", "2026-11", "2026-12", "2027-01")
AGENTS = {"a": "A0", "b": "A1", "c": "A2"}
POLICY = """\
jixiao: 1
policy:
  id: ledger-property
  version: "1"
  name: {zh: 账本性质, en: Ledger property}
  effective_from: 2026-10-01
grades:
  A0: {label: A0}
  A1: {label: A1}
  A2: {label: A2}
metrics:
  points: {label: {zh: 得分, en: Points}, type: count}
  sales: {label: {zh: 销售额, en: Sales}, type: money}
kpis:
  result: {label: {zh: 结果, en: Result}, weight: 100, formula: points}
score: {total: 100}
pay:
  base:
    label: {zh: 基本工资, en: Base pay}
    kind: table
    key: grade
    values: {A0: 2000, A1: 2600, A2: 3200}
  commission:
    label: {zh: 销售提成, en: Sales commission}
    kind: formula
    formula: sales * 0.1
events:
  zone: Asia/Shanghai
  kinds:
    loss: {label: 损失}
penalties:
  damage:
    label: {zh: 造成损失, en: Damage}
    rule: S4.P19
    kind: loss
    per: event
    deducts: loss
deductions:
  minimum_wage: 1900
CORRECTIONS
reviews:
  monthly_grade:
    label: {zh: 月度等级评定, en: Monthly grade review}
    rule: S0.7
    kind: grade
    every: month
    met: score >= 60
    outcomes:
      - {months_met: 1, then: up}
      - {months_met: 0, then: {down: A0}}
"""

agent_month = st.tuples(st.sampled_from((40, 90)), st.sampled_from((0, 1000, 4000)),
                        st.lists(st.sampled_from((150, 900, 2500)), max_size=2))
month_versions = st.fixed_dictionaries({agent: agent_month for agent in AGENTS})
operation = st.one_of(
    st.tuples(st.just("run"), st.sampled_from(MONTHS), st.sampled_from((0, 1))),
    st.tuples(st.just("approve"), st.sampled_from(MONTHS), st.just(0)),
    st.tuples(st.just("reopen"), st.sampled_from(MONTHS), st.just(0)),
)


MODES = {
    "owed": "",
    "waive": "corrections:\n  overpayment: waive\n",
    "recover": "corrections:\n  overpayment: recover\n  agreement: {zh: 劳动合同第 8 条, en: Contract clause 8}\n",
}


def _write(folder: Path, data: dict, mode: str) -> dict[tuple[str, int], Files]:
    (folder / "policy.yaml").write_text(POLICY.replace("CORRECTIONS\n", MODES[mode]), encoding="utf-8")
    (folder / "roster.csv").write_text("工号,等级\n" + "".join(f"{a},{g}\n" for a, g in AGENTS.items()),
                                       encoding="utf-8")
    files = {}
    for (period, version), rows in data.items():
        metrics = folder / f"m-{period}-v{version}.csv"
        metrics.write_text("工号,月份,得分,销售额\n" + "".join(
            f"{agent},{period},{points},{sales}\n" for agent, (points, sales, _) in rows.items()), encoding="utf-8")
        events = folder / f"e-{period}-v{version}.csv"
        events.write_text("工号,时间,类型,金额,订单号\n" + "".join(
            f"{agent},{period}-1{i} 10:00,损失,{amount},O{i}\n"
            for agent, (_, _, losses) in rows.items() for i, amount in enumerate(losses)), encoding="utf-8")
        files[period, version] = Files(str(folder / "policy.yaml"), str(metrics), str(folder / "roster.csv"),
                                       events=str(events))
    return files


def _values(ledger: Ledger, run_id: int) -> dict[str, tuple]:
    """What must agree with a fresh evaluation: per agent, its own pay, grade, loss taken and carried."""
    found = {}
    for o in ledger.outcomes(run_id, trace=False):
        pay, penalties = dict(o.result.pay), dict(o.result.penalties)
        found[o.result.agent] = (pay_before_retro(o), o.result.grade, pay.get(DEDUCTION), penalties.get(CARRIED_OUT))
    return found


def _traces(ledger: Ledger, run: RunInfo) -> dict[str, tuple]:
    return {o.result.agent: o.result.trace
            for o in with_traces(ledger, recorded_plan(ledger, run), run, ledger.outcomes(run.id))}


def _paid(ledger: Ledger, run_id: int) -> dict[str, Decimal]:
    return {o.result.agent: o.total for o in ledger.outcomes(run_id, trace=False)}


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=int(os.environ.get("JIXIAO_LEDGER_EXAMPLES", "25")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.fixed_dictionaries({(m, v): month_versions for m in MONTHS for v in (0, 1)}),
       operations=st.lists(operation, min_size=1, max_size=10), mode=st.sampled_from(sorted(MODES)))
def test_the_ledger_holds_what_a_fresh_evaluation_in_order_holds(backend, data, operations, mode):
    """On each back-end; the fresh evaluation it is compared with is recorded in a SQLite file."""
    if backend == "postgresql":
        need_server()
    with tempfile.TemporaryDirectory() as where, fresh_ledger(backend, Path(where)) as db:
        folder = Path(where)
        files = _write(folder, data, mode)
        recorded: dict[str, int] = {}  # month → version of its files now recorded
        approved: dict[str, dict[str, Decimal]] = {}  # month → what was paid when it was approved
        for action, period, version in operations:
            if action == "run":
                try:
                    run_month(db, files[period, version], period, supersede=period in recorded)
                except JixiaoError:
                    assert period in approved  # the only refusal: an approved month takes no run
                    continue
                assert period not in approved
                recorded[period] = version
            elif action == "approve" and period in recorded and period not in approved:
                with open_ledger(db) as ledger:
                    ledger.approve(period, "finance")
                    approved[period] = _paid(ledger, paid_run(ledger, period).id)
            elif action == "reopen" and period in approved:
                try:
                    reopen_month(db, period, "property test", "finance")
                except JixiaoError:
                    with open_ledger(db) as ledger:  # refused only when an approved month settled it
                        later = [s for s in ledger.settlements(period) if s.period in approved
                                 and paid_run(ledger, s.period).id == s.run_id]
                    assert later
                    continue
                del approved[period]
        if not recorded:
            return
        fresh_db = folder / "fresh.db"
        for period in sorted(recorded):
            run_month(fresh_db, files[period, recorded[period]], period)
        with open_ledger(db) as ledger, open_ledger(fresh_db) as fresh:
            owed = owed_by_corrections(ledger, END)
            fresh_paid = ledger_paid = waived = Decimal(0)
            for period in sorted(recorded):
                truth = _values(fresh, fresh.current_run(period).id)
                assert _values(ledger, ledger.current_run(period).id) == truth, period
                paid = paid_run(ledger, period)
                if period in approved:
                    assert _paid(ledger, paid.id) == approved[period], period
                fresh_paid += sum(v[0] for v in truth.values())
                ledger_paid += sum(_paid(ledger, paid.id).values())
                for line in (r for o in ledger.outcomes(paid.id, trace=False) for r in o.retro):
                    assert line.period in approved  # only approved months are settled by retro lines
                    waived += line.waived
            still_owed = sum((o.amount for items in owed.values() for o in items), Decimal(0))
            assert ledger_paid + still_owed + waived == fresh_paid  # every fen paid, owed or waived
            for period in approved:
                difference = {agent: v[0] for agent, v in _values(fresh, fresh.current_run(period).id).items()}
                was = {o.result.agent: pay_before_retro(o)
                       for o in ledger.outcomes(paid_run(ledger, period).id, trace=False)}
                settled = {}
                for line in ledger.settlements(period):
                    if paid_run(ledger, line.period).id == line.run_id:
                        settled[line.agent] = settled.get(line.agent, Decimal(0)) + line.settled
                for agent in difference:
                    left = sum((o.amount for o in owed.get(agent, ()) if o.period == period), Decimal(0))
                    assert difference[agent] - was[agent] == settled.get(agent, Decimal(0)) + left, (period, agent)
            # Every run recorded, superseded and approved ones too, is evaluated again under the state it kept to
            # the results it recorded (engine.retrace refuses any other); a current run's traces are the fresh ones.
            for info in ledger.runs():
                traced = with_traces(ledger, recorded_plan(ledger, info), info, ledger.outcomes(info.id))
                assert all(o.result.trace is not None for o in traced), info.id
            for period in sorted(recorded):
                mine, theirs = ledger.current_run(period), fresh.current_run(period)
                assert _traces(ledger, mine) == _traces(fresh, theirs), period
            for agent in AGENTS:
                losses = sum((Decimal(amount) for period, version in recorded.items()
                              for amount in data[period, version][agent][2]), Decimal(0))
                months = [_values(ledger, ledger.current_run(p).id)[agent] for p in sorted(recorded)]
                taken = -sum((m[2] for m in months), Decimal(0))
                assert taken + months[-1][3] == losses, agent
