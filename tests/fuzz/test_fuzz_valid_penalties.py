"""Fuzz target 6: generated valid policies with penalty clauses and lawful deductions (issue 10).

Each policy of `test_fuzz_valid.policies` gains an `events:` section (a zone with or without a
clock change, two or three kinds) and penalty clauses of every shape: a value threshold, a count
threshold per day, week or month, or each event; a `when` over metrics, derived values, KPI points,
the score, the rating or an earlier clause's count; effects cancelling generated pay components,
deducting the actual loss or a fixed sum (a fine: JX275 warns), charging the loss to someone else,
issuing warnings. When a clause deducts, a `deductions:` section follows (guard on or off, a cap up
to 20 %, a minimum wage single or dated, the remainder carried or dropped). The agents get events
in the month, in the zone, with values and amounts in range.

Property: the policy checks with no error and no warning beyond the documented ones (JX275 for a
fixed deduction, JX276 for the guard off) and those its base policy already had; it evaluates (or
stops with a located error); and, read from the trace, the law holds: total = Σ pay lines; with the
guard on, −loss_deduction = min(owed, ⌊gross × cap⌋ to the fen (or the pay quantum), max(gross −
minimum wage, 0)); guard off, the whole debt; what is not taken is carried (or dropped); the loss never exceeds the
events' amounts and fixed sums behind it; a component a fired clause cancels is 0.00 with its
`.earned` step beside it; a clause counts 0 when no event of its kind exists. Every report format
renders and `explain` works for every agent in zh and en.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import ROUND_DOWN, Decimal
from zoneinfo import ZoneInfo

from fuzz_support import bounded, fuzz_settings, time_limit
from hypothesis import given, reject
from hypothesis import strategies as st
from test_fuzz_policy import dump
from test_fuzz_valid import CHOICES, _between, _label, scenarios

from engine.errors import JixiaoError
from engine.model.events import Event
from engine.model.inputs import AgentInput
from engine.model.plan import Plan
from engine.model.results import AgentResult
from engine.policy.check import check
from engine.policy.compile import compile_policy
from engine.policy.load import load_text
from engine.report.explain import explain_json, explain_text
from engine.report.explain_short import short_json, short_text
from engine.report.tables import render
from engine.run.evaluate import evaluate_period

D = Decimal
FEN = D("0.01")
ZONES = ("Asia/Shanghai", "America/New_York")
PERIOD = "2026-10"
DOCUMENTED = {"JX275", "JX276"}  # a fixed sum deducted (a fine); the legal guard switched off


def _readable(policy: dict) -> tuple[list[str], dict[str, list[str]]]:
    """What a clause's `when` may read (computed before pay), and the text names with their ids."""
    metrics = policy["metrics"]
    names = [m for m, spec in metrics.items() if spec["type"] != "choice"]
    names += list(policy.get("aggregates", {})) + list(policy.get("derived", {}))
    names += [f"{k}_points" for k in policy["kpis"]] + ["score"]
    texts = {m: list(CHOICES) for m, spec in metrics.items() if spec["type"] == "choice"}
    if "ratings" in policy["score"]:
        texts["rating"] = list(policy["score"]["ratings"])
    return names, texts


@st.composite
def _when(draw, names: list[str], texts: dict[str, list[str]]) -> str:
    """A clause's condition: a name against a number, a text against one of its ids, or two joined.

    Drawn from fixed strategies (not `conditions`, whose recursive strategy is rebuilt, and validated,
    for every policy): the short run must stay fast."""
    parts = []
    for _ in range(draw(st.integers(1, 2))):
        if texts and draw(st.integers(0, 3)) == 0:
            name = draw(st.sampled_from(sorted(texts)))
            parts.append(f"{name} {draw(OPS_TEXT)} {draw(st.sampled_from(texts[name]))!r}")
        else:
            parts.append(f"{draw(st.sampled_from(names))} {draw(OPS)} {format(draw(LITERALS), 'f')}")
    return f" {draw(st.sampled_from(['and', 'or']))} ".join(parts)


OPS = st.sampled_from(["<", "<=", ">", ">=", "!="])
OPS_TEXT = st.sampled_from(["==", "!="])
LITERALS = _between(D(-10), D(100), 2)
LABELS = {prefix: _label(prefix) for prefix in ("e0", "e1", "e2", "c0", "c1", "c2", "c3", "deduction")}


@st.composite
def _minimum_wage(draw) -> object:
    if draw(st.booleans()):
        return draw(_between(D(1), D(5000), 0))
    starts = sorted(set(draw(st.lists(st.sampled_from(["2025-07-01", "2026-01-01", "2026-10-01", "2026-10-15",
                                                       "2026-11-01"]), min_size=1, max_size=3))))
    if starts[0] > "2026-10-01":  # a wage in force in the month evaluated
        starts.insert(0, "2025-07-01")
    return [{"from": start, "amount": draw(_between(D(1), D(5000), 2))} for start in starts]


def _matches(clause: dict) -> list[dict]:
    """A generated clause's kinds with their conditions, in either form it was written."""
    if "match" in clause:
        return clause["match"]
    return [{"kind": clause["kind"], **({"value_over": clause["value_over"]} if "value_over" in clause else {})}]


def _cancelled(policy: dict, clause: dict) -> set[str]:
    """The pay components a clause cancels: a group's members (pay_groups:) in its place."""
    groups = policy.get("pay_groups", {})
    return {m for target in clause.get("cancels", ())
            for m in (groups[target]["lines"] if target in groups else [target])}


@st.composite
def penalty_policies(draw) -> tuple[dict, list[AgentInput]]:
    base, agents = draw(scenarios())
    policy = {**base}
    zone = draw(st.sampled_from(ZONES))
    kinds = [f"e{i}" for i in range(draw(st.integers(1, 3)))]
    events: dict[str, object] = {"zone": zone, "kinds": {k: {"label": draw(LABELS[k])} for k in kinds}}
    policy["events"] = events
    names, texts = _readable(policy)
    components = list(policy["pay"])
    # A named group of pay lines (S4's 当月奖金), never holding a guaranteed minimum (JX247).
    grouped = [c for c in components if policy["pay"][c].get("kind") != "minimum"]
    if grouped and draw(st.booleans()):
        policy["pay_groups"] = {"g0": {"label": {"zh": "当月奖金", "en": "Monthly bonus"},
                                       "lines": draw(st.lists(st.sampled_from(grouped), min_size=1, max_size=3,
                                                              unique=True))}}
    clauses: dict[str, dict] = {}
    for i in range(draw(st.integers(1, 4))):
        spec: dict[str, object] = {"label": draw(LABELS[f"c{i}"]), "rule": "S4.P24"}
        if len(kinds) > 1 and draw(st.booleans()):  # several kinds counted together (S4.P24), each its condition
            chosen = draw(st.lists(st.sampled_from(kinds), min_size=2, max_size=len(kinds), unique=True))
            spec["match"] = [{"kind": k, **({"value_over": draw(_between(D(0), D(300), 0))}
                                            if draw(st.booleans()) else {})} for k in chosen]
        else:
            spec["kind"] = draw(st.sampled_from(kinds))
        per = draw(st.sampled_from(["day", "week", "month", "event", None]))
        if per is not None:
            spec["per"] = per
        if "kind" in spec and draw(st.booleans()):
            spec["value_over"] = draw(_between(D(0), D(300), draw(st.sampled_from([0, 1]))))
        if per != "event" and draw(st.booleans()):  # per event has no threshold to pass (JX278)
            spec["count_over"] = draw(st.integers(0, 4))
        if draw(st.integers(0, 3)) == 0:
            spec["when"] = draw(_when(names, texts))
        effects = draw(st.lists(st.sampled_from(["cancels", "loss", "fine", "charges", "warns"]), min_size=1,
                                max_size=3, unique=True))
        if "loss" in effects and "fine" in effects:
            effects.remove("fine")
        if "charges" in effects and ("loss" in effects or "fine" in effects):  # the agent's or another's (JX279)
            effects.remove("charges")
        if "cancels" in effects:
            spec["cancels"] = draw(st.lists(st.sampled_from([*components, *policy.get("pay_groups", ())]),
                                            min_size=1, max_size=3, unique=True))
        if "loss" in effects:
            spec["deducts"] = "loss"
        if "fine" in effects:
            spec["deducts"] = {"amount": draw(_between(D("0.01"), D(200), 2))}
        if "charges" in effects:
            spec["charges"] = {"zh": "运营部提成池", "en": "the operations team's commission pool"}
        if "warns" in effects:
            spec["warns"] = draw(st.sampled_from(["warning", "serious_warning"]))
        clauses[f"c{i}"] = spec
        names.append(f"c{i}")  # a later clause's `when` may read this one's count
    policy["penalties"] = clauses
    if any("deducts" in c for c in clauses.values()):
        guard = draw(st.sampled_from(["on", "on", "off", None]))
        deductions: dict[str, object] = {"minimum_wage": draw(_minimum_wage())}
        if guard is not None:
            deductions["guard"] = guard
        if draw(st.booleans()):
            deductions["cap"] = draw(st.sampled_from([D("0.2"), D("0.1"), D("0.05"), D("0.15"), D(0)]))
        if draw(st.booleans()):
            deductions["remainder"] = draw(st.sampled_from(["carry", "drop"]))
        if draw(st.booleans()):
            deductions["label"] = draw(LABELS["deduction"])
        policy["deductions"] = deductions
    valued = {m["kind"] for c in clauses.values() for m in _matches(c) if "value_over" in m}
    costed = {m["kind"] for c in clauses.values() if c.get("deducts") == "loss" or "charges" in c for m in _matches(c)}
    tz = ZoneInfo(zone)
    with_events = []
    for n, agent in enumerate(agents):
        found = []
        for j in range(draw(st.integers(0, 6))):
            kind = draw(st.sampled_from(kinds))
            wall = datetime(2026, 10, draw(st.integers(1, 31)), draw(st.integers(0, 23)), draw(st.integers(0, 59)))
            at = wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)
            value = draw(_between(D(0), D(600), 0)) if kind in valued or draw(st.booleans()) else None
            amount = draw(_between(D(0), D(5000), 2)) if kind in costed or draw(st.booleans()) else None
            found.append(Event(agent.agent, at, at.date(), kind, value, amount, f"O{n}-{j}", "",
                               f"events.csv row {len(found) + 2}"))
        with_events.append(replace(agent, events=tuple(found)))
    return policy, with_events


def _codes(policy: dict) -> tuple[set[str], list[str]]:
    """(warning codes, rendered errors) of a policy."""
    found = check(load_text(dump(policy), "fuzz.yaml"))
    return {d.code for d in found if d.severity != "error"}, [d.render() for d in found if d.severity == "error"]


def _plan(policy: dict) -> Plan:
    warned, errors = _codes(policy)
    if errors and all("JX215" in e for e in errors):
        reject()  # a constant part that cannot be computed (e.g. 0 / 0): refused, and rightly
    assert not errors, "\n".join(errors)
    extra = warned - DOCUMENTED
    if extra:  # only those its base policy (without events, penalties and deductions) already had
        base = {k: v for k, v in policy.items() if k not in ("events", "penalties", "deductions")}
        assert not extra - _codes(base)[0], f"undocumented warnings {sorted(extra - _codes(base)[0])}"
    if policy.get("deductions", {}).get("guard") == "off":
        assert "JX276" in warned
    if any(isinstance(c.get("deducts"), dict) for c in policy["penalties"].values()):
        assert "JX275" in warned
    return compile_policy(load_text(dump(policy), "fuzz.yaml"))


def _wage(policy: dict) -> Decimal:
    """The minimum wage of 2026-10: the highest in force on any day of the month."""
    wage = policy["deductions"]["minimum_wage"]
    if not isinstance(wage, list):
        return D(wage)
    dated = sorted((date.fromisoformat(w["from"]), D(w["amount"])) for w in wage)
    in_force = [amount for start, amount in dated if start <= date(2026, 10, 31)]
    first = [amount for start, amount in dated if start <= date(2026, 10, 1)]
    return max(in_force[len(first) - 1 if first else 0:])


def _laws(policy: dict, plan: Plan, agent: AgentInput, result: AgentResult) -> None:
    """The invariants of one agent's result, read from its trace."""
    values = {step.name: result.trace[step.slot] for step in plan.steps}
    pay = dict(result.pay)
    assert result.total == sum(pay.values(), D(0)), result
    clauses = policy["penalties"]
    kinds = {e.kind for e in agent.events}
    for name, clause in clauses.items():
        if not {m["kind"] for m in _matches(clause)} & kinds:
            assert values[name] == 0, (name, values[name])
    fired = {name for name in clauses if values[name] > 0 and values.get(f"{name}.when", True)}
    cancelled = {c for name in fired for c in _cancelled(policy, clauses[name])}
    for component in cancelled:
        assert pay[component] == 0, (component, pay[component])
        assert f"{component}.earned" in values, component
    # `.earned` is what the component pays when nothing cancels it (no clause fired, no gate holds; a
    # component paid only `when` or to some `roles` may be 0 for its own reason).
    gates = policy["score"].get("gates", {})
    held = {c for gate, spec in gates.items() if values[gate] for c in spec["cancels"]}
    for component, spec in policy["pay"].items():
        if f"{component}.earned" in values and component not in cancelled | held and not {"when", "roles"} & set(spec):
            assert pay[component] == values[f"{component}.earned"], (component, pay[component])
    if "deductions" not in policy:
        assert "loss_deduction" not in pay
        return
    spec = policy["deductions"]
    taken = -pay["loss_deduction"]
    loss, owed = values["loss_deduction.loss"], values["loss_deduction.owed"]
    assert owed == loss  # nothing carried in: evaluate_period without a ledger state
    # The loss is no more than the amounts and fixed sums of the clauses behind it.
    limit = D(0)
    for name in fired:
        deducts = clauses[name].get("deducts")
        if deducts == "loss":
            counted = {m["kind"] for m in _matches(clauses[name])}
            limit += sum((e.amount or 0 for e in agent.events if e.kind in counted), D(0))
        elif deducts is not None:
            limit += D(deducts["amount"]) * values[name]
    quantum = D(policy["policy"].get("rounding", {}).get("quantum", FEN))
    assert 0 <= loss <= limit, (loss, limit)  # F25: the loss as the events state it, never rounded up
    assert 0 <= taken <= owed, (taken, owed)
    # What is taken is rounded down to the pay quantum (¥0.01, ¥1, ¥0.0001): a line of the policy's own
    # precision, never above the debt or the law's limits.
    if spec.get("guard") == "off":
        assert taken == owed.quantize(quantum, ROUND_DOWN), (taken, owed)
    else:
        gross = values["gross_pay"]
        cap = max((gross * D(spec.get("cap", "0.2"))).quantize(quantum, ROUND_DOWN), D(0))  # F23: pay below 0
        room = max(gross - _wage(policy), D(0))
        assert taken == min(owed, cap, room).quantize(quantum, ROUND_DOWN), (taken, owed, cap, room, gross)
    carry = spec.get("remainder", "carry") == "carry"
    rest = values["loss_deduction.carried_out" if carry else "loss_deduction.dropped"]
    assert rest == owed - taken, (rest, owed, taken)


def evaluate_penalties(scenario: tuple[dict, list[AgentInput]]) -> None:
    """Property: checks clean but for documented warnings; evaluates; the deduction obeys the law; reports."""
    policy, agents = scenario
    with bounded("check+compile+evaluate+report+explain", time_limit(4 * len(agents) + 2)):
        plan = _plan(policy)
        try:
            results = evaluate_period(plan, agents, trace=True)
        except JixiaoError as error:
            assert "agent" in str(error), f"evaluation error that names no agent: {error}"
            return
        by_agent = {a.agent: a for a in agents}
        # F24: a clause cancelling a component not paid to the agent's role (its `.earned` is None)
        # crashed explain and the XLSX penalties sheet.
        for result in results:
            _laws(policy, plan, by_agent[result.agent], result)
            for lang in ("zh", "en"):
                explain_text(plan, result, lang)
                explain_json(plan, result, lang)
                short_text(plan, result, lang)
                short_json(plan, result, lang)
        for fmt, lang in (("json", "zh"), ("csv", "en"), ("xlsx", "zh")):  # the zh and en texts: explain
            render(plan, results, fmt, lang)


@fuzz_settings(12)
@given(penalty_policies())
def test_valid_policies_with_penalties_deduct_within_the_law(scenario):
    evaluate_penalties(scenario)
