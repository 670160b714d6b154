"""What a month reads from the ledger: the career decisions in force, and the rest of its prior state.

The roster (or the metrics file) says who works this month and their grade, role and team as HR
keeps them; a decision recorded in the ledger for an earlier month (S0.7 grade reviews, the S4
promotion path, a change HR recorded with `jixiao decide`) wins over it from the month after, so
nobody has to edit the roster after a review, and where the files say otherwise a note says which
was used. A dismissal is final until a `reinstatement` decision: a dismissed agent in a later
month's data is an error naming the agent and the decision, never a month silently paid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from engine.ledger import codec
from engine.ledger.digest import decision_key, state_sha256
from engine.ledger.reviews import flag_history, window_flags
from engine.ledger.store import Decision, DecisionKind, Ledger, LedgerError, RunInfo
from engine.model.corrections import Owed
from engine.model.inputs import AgentInput, AgentState, State
from engine.model.months import last_months
from engine.model.plan import Plan
from engine.model.results import Outcome
from engine.model.reviews import Review, RoleReview
from engine.model.step_names import CARRIED_OUT
from engine.text import canonical_id

FIELDS = {DecisionKind.GRADE_CHANGE: "grade", DecisionKind.ROLE_CHANGE: "role", DecisionKind.TEAM_CHANGE: "team"}


@dataclass(frozen=True, slots=True)
class Career:
    """One agent's facts as the ledger's decisions leave them, and the decision behind each."""

    grade: Decision | None = None
    role: Decision | None = None
    team: Decision | None = None
    dismissed: Decision | None = None

    def value(self, field: str) -> str | None:
        decided = getattr(self, field)
        return decided.to_value if decided is not None else None


def careers(decisions: Iterable[Decision]) -> dict[str, Career]:
    """Each agent's career after `decisions`, applied in the order given (period, then entry), keyed
    by the canonical id (a decision recorded before ids were read in one form still applies)."""
    found: dict[str, Career] = {}
    for d in decisions:
        agent = canonical_id(d.agent)
        now = found.get(agent, Career())
        if d.kind in FIELDS:
            now = replace(now, **{FIELDS[DecisionKind(d.kind)]: d})
        elif d.kind == DecisionKind.DISMISSAL:
            now = replace(now, dismissed=d)
        elif d.kind == DecisionKind.REINSTATEMENT:
            now = replace(now, dismissed=None)
        found[agent] = now
    return found


@dataclass(frozen=True, slots=True)
class LedgerNote:
    """The files give an agent one grade, role or team; a decision in the ledger gave her another,
    which is the one used. Said, so a roster that was never updated is seen, not silently overridden."""

    agent: str
    field: str  # grade | role | team
    in_files: str
    in_ledger: str
    decision: Decision

    def render(self, lang: str = "en") -> str:
        d = self.decision
        if lang == "zh":
            name = {"grade": "等级", "role": "岗位", "team": "组别"}[self.field]
            return (f"客服 {self.agent}：文件中的{name}为 {self.in_files}，账本中 {d.period} 的决定为 {self.in_ledger}"
                    f"（{d.reason}）；按账本的 {self.in_ledger} 计算")
        return (f"agent {self.agent}: the files give {self.field} {self.in_files}, the ledger's decision of {d.period} "
                f"gives {self.in_ledger} ({d.reason_in('en')}); evaluated with the ledger's {self.in_ledger}")

    def __str__(self) -> str:
        return self.render()


def month_state(inputs: Sequence[AgentInput], decisions: Iterable[Decision],
                period: str) -> tuple[list[AgentInput], State, tuple[LedgerNote, ...]]:
    """This month's inputs with decided teams applied, the State the evaluation starts from, and a
    note for each fact the files give otherwise than the ledger's decisions.

    `decisions` are those made before `period`. A dismissed agent in the inputs is a LedgerError
    listing every such agent with the decision that dismissed them."""
    known = careers(decisions)
    dismissed = [(item, known[item.agent].dismissed) for item in inputs
                 if item.agent in known and known[item.agent].dismissed is not None]
    if dismissed:
        raise DismissedAgents(period, [(item.agent, item.source, d) for item, d in dismissed if d is not None])
    notes = []
    for item in inputs:
        career = known.get(item.agent)
        for field in ("grade", "role", "team") if career is not None else ():
            decided, given = getattr(career, field), getattr(item, field)
            if decided is not None and decided.to_value and given and given != decided.to_value:
                notes.append(LedgerNote(item.agent, field, given, decided.to_value, decided))
    adjusted = [replace(item, team=known[item.agent].value("team")) if item.agent in known
                and known[item.agent].value("team") else item for item in inputs]
    state = State({agent: AgentState(role=c.value("role"), grade=c.value("grade")) for agent, c in known.items()
                   if c.value("role") or c.value("grade")})
    return adjusted, state, tuple(notes)


def zh_source(source: str) -> str:
    """`m.csv row 5` (where a row came from, as the data stage writes it) as `m.csv 第 5 行`."""
    return re.sub(r" row (\d+)$", r" 第 \1 行", source)


class DismissedAgents(LedgerError):
    """Agents the ledger records as dismissed appear in a later month's data."""

    SHOWN = 20  # agents named one by one; the rest are counted (a review can dismiss thousands)

    def __init__(self, period: str, found: list[tuple[str, str, Decision]]):
        self.found = found
        shown = found[:self.SHOWN]
        en = [f"agent {agent} is in the {period} data ({source or 'metrics'}) but was dismissed in {d.period} "
              f"(decision {d.id}: {d.reason_in('en')}{', rule ' + d.rule if d.rule else ''}); remove the row, or "
              f"record a reinstatement (jixiao decide {agent} --from {period} --reinstate --reason …) if the agent "
              "was rehired" for agent, source, d in shown]
        zh = [f"客服 {agent} 出现在 {period} 的数据中（{zh_source(source) or '指标文件'}），但已于 {d.period} 被辞退"
              f"（决定 {d.id}：{d.reason}{'，规则 ' + d.rule if d.rule else ''}）；请删除该行，如已重新录用，"
              f"请记录复职决定（jixiao decide {agent} --from {period} --reinstate --reason …）"
              for agent, source, d in shown]
        if len(found) > len(shown):
            more = len(found) - len(shown)
            en.append(f"… and {more} more dismissed agents in the {period} data")
            zh.append(f"…… {period} 的数据中另有 {more} 位已被辞退的客服")
        super().__init__("\n".join(en), "\n".join(zh))
        self._en, self._zh = en, zh

    def lines(self, lang: str = "en") -> list[str]:
        return self._zh if lang == "zh" else self._en


@dataclass(frozen=True, slots=True)
class Prior:
    """Everything a month reads from the ledger before it is evaluated, and its digest.

    The digest is part of the month's identity: the same files under another ledger state (an
    earlier month corrected, a decision recorded by hand, a correction of an approved month still
    owed) are a different month."""

    decisions: tuple[Decision, ...]  # every decision in force before the month, in period and entry order
    carried: Mapping[str, Decimal]  # L.1: loss still to deduct, per agent
    windows: Mapping[str, Mapping[str, tuple]]  # per agent and window value: the earlier months' flags
    reviewed: Mapping[str, str]  # the earlier months a review closing now reads: their recorded digest
    owed: Mapping[str, tuple[Owed, ...]]  # per agent: what corrected approved months still owe
    sha256: str
    # Per agent and flag with a window of months: whether its condition held in each earlier month (S1.5).
    flags: Mapping[str, Mapping[str, tuple]]


def read_prior(plan: Plan, ledger: Ledger | None, period: str) -> Prior:
    """The ledger state `period` is evaluated from (empty without a ledger)."""
    decisions: tuple[Decision, ...] = ()
    carried: Mapping[str, Decimal] = {}
    windows: Mapping[str, Mapping[str, tuple]] = {}
    flags: Mapping[str, Mapping[str, tuple]] = {}
    reviewed: dict[str, str] = {}
    owed: Mapping[str, tuple[Owed, ...]] = {}
    if ledger is not None:
        decisions = tuple(ledger.decisions(before=period, changes=True))
        carried = carried_losses(ledger, period) if plan.deductions is not None else {}
        windows = window_flags(plan, ledger, period) if plan.windows else {}
        for review in plan.reviews:
            if review.closes(period):
                for month in review_months_read(review, period):
                    run = ledger.current_run(month)
                    reviewed[month] = (run.outcomes_sha256 or run.report_sha256) if run is not None else ""
        owed = owed_by_corrections(ledger, period)
        flags = flag_history(plan, ledger, period) if any(f.months > 1 for f in plan.flags) else {}
    parts = {"decisions": tuple(decision_key(d) for d in decisions), "carried": dict(carried), "windows": windows,
             "reviewed": reviewed,
             "owed": {agent: tuple((o.period, o.approved_run, o.correction_run, o.amount, o.first) for o in items)
                      for agent, items in owed.items()}}
    if flags:  # only then: a month of a policy without flags keeps the digest it had before flags existed
        parts["flags"] = flags
    return Prior(decisions, carried, windows, reviewed, owed, state_sha256(parts), flags)


def reads_nothing(plan: Plan, state_sha256: str, period: str) -> bool:
    """Whether the state of this digest (a Prior's, or the one a run recorded) is the state of no ledger.
    A run keeps no traces (engine.retrace evaluates again the agents someone asks about); a month that
    read nothing from the ledger is a function of its kept policy and files alone, and any other keeps
    the state it read beside them (`kept_state`)."""
    return state_sha256 == read_prior(plan, None, period).sha256


def kept_state(prior: Prior) -> bytes:
    """What of `prior` a month's evaluation reads (its traces included: the decisions in force, window
    months, carried losses, flag history), as the text a run keeps beside its files, so that
    engine.retrace evaluates the month again under the state it was recorded with, not the ledger's now."""
    decisions = tuple(decision_key(d) for d in prior.decisions)  # never where or when stored: the same text each run
    return codec.as_text((decisions, _pairs(prior.windows), tuple(sorted(prior.carried.items())),
                          _pairs(prior.flags))).encode()


def prior_from_kept(data: bytes, sha256: str) -> Prior:
    """The state `kept_state` wrote (codec.Damaged if it is not that text): what a recorded month read."""
    try:
        decisions, windows, carried, flags = codec.from_text(data.decode())
        kept = tuple(Decision(agent, month, DecisionKind(kind), was, to, reason, rule, reason_en=reason_en,
                              decided_by=by, months_met=met, months_of=of)
                     for agent, month, kind, was, to, reason, reason_en, rule, by, met, of in decisions)
        return Prior(kept, dict(carried), {agent: dict(values) for agent, values in windows}, {}, {}, sha256,
                     {agent: dict(values) for agent, values in flags})
    except (UnicodeDecodeError, ValueError, TypeError):  # text jixiao reads, but not a state it wrote
        raise codec.Damaged("the ledger state the run kept is not one jixiao writes",
                            "运行保存的账本状态不是 jixiao 写入的格式") from None


def _pairs(by_agent: Mapping[str, Mapping[str, tuple]]) -> tuple:
    return tuple((agent, tuple(sorted(values.items()))) for agent, values in sorted(by_agent.items()))


def carried_losses(ledger: Ledger, period: str) -> dict[str, Decimal]:
    """L.1: each agent's loss still to deduct, as her latest recorded month before `period` left it,
    keyed by the canonical id (however an older run spelled it)."""
    found: dict[str, Decimal] = {}
    for agent, penalties in ledger.latest_penalties(period).items():
        amount = dict(penalties).get(CARRIED_OUT)
        if isinstance(amount, Decimal) and amount:
            found[canonical_id(agent)] = amount
    return found


def review_months_read(review: Review | RoleReview, period: str) -> tuple[str, ...]:
    """The months before `period` that a review closing with it reads."""
    span = review.window(period) if isinstance(review, Review) else last_months(period, review.needs())
    return tuple(month for month in span if month != period)


def paid_run(ledger: Ledger, period: str) -> RunInfo | None:
    """The run that pays `period`: the approved one while approved, else the current one."""
    return ledger.approved_run(period) or ledger.current_run(period)


def pay_before_retro(outcome: Outcome) -> Decimal:
    """What an agent-month paid for its own work: the total without lines settling other months."""
    return outcome.total - sum((r.amount for r in outcome.retro), Decimal(0))


def owed_by_corrections(ledger: Ledger, period: str) -> dict[str, tuple[Owed, ...]]:
    """Per agent, what each corrected approved month before `period` still owes her (+) or she owes
    back (−): the corrected pay less the approved pay, less what the months between have settled."""
    found: dict[str, list[Owed]] = {}
    for month in sorted({run.period for run in ledger.runs() if run.period < period}):
        approved = ledger.approved_run(month)
        current = ledger.current_run(month)
        if approved is None or current is None or approved.id == current.id:
            continue
        now = {canonical_id(o.result.agent): pay_before_retro(o)
               for o in ledger.outcomes(current.id, trace=False, parts=_NO_PARTS)}
        then = {canonical_id(o.result.agent): pay_before_retro(o)
                for o in ledger.outcomes(approved.id, trace=False, parts=_NO_PARTS)}
        settled: dict[str, Decimal] = {}
        noted: set[str] = set()  # agents a line of an earlier month already told of this correction
        paid: dict[str, int | None] = {}
        for line in ledger.settlements(month):
            if not month < line.period < period:
                continue
            if line.period not in paid:
                run = paid_run(ledger, line.period)
                paid[line.period] = run.id if run is not None else None
            if paid[line.period] == line.run_id:
                agent = canonical_id(line.agent)
                settled[agent] = settled.get(agent, Decimal(0)) + line.settled
                noted.add(agent)
        for agent in sorted(now.keys() | then.keys()):
            amount = now.get(agent, Decimal(0)) - then.get(agent, Decimal(0)) - settled.get(agent, Decimal(0))
            if amount:
                found.setdefault(agent, []).append(Owed(month, approved.id, current.id, amount, agent not in noted))
    return {agent: tuple(items) for agent, items in found.items()}


_NO_PARTS: frozenset[str] = frozenset()
