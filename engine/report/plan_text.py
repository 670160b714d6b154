"""`jixiao plan FILE` as text: the plan's steps in the order they are computed, then its code.

For people who audit a policy (and for us): a heading (the policy, how many steps and phases,
the input blocks), then each step with its slot, name, kind, rule ids, policy line, phase and the
steps its value depends on, and beneath it its label and its op as a formula over step names
(engine.model.pretty); then the generated Python, every line of a step ending
`# step · rule · file:line`. Headings come from the catalogue of user-facing text (PLAN_WORDS).
"""

from __future__ import annotations

from engine.model.ops import Input, Taken, reads_of
from engine.model.plan import Plan
from engine.model.pretty import show
from engine.report.headings import display_width
from engine.report.messages import PLAN_WORDS, by_language

WORDS = by_language(PLAN_WORDS)


def plan_text(plan: Plan, lang: str = "en") -> str:
    """The plan: a heading, then one entry per step in the order they are computed, then the source."""
    words = WORDS[lang]
    steps = plan.steps
    phases = max((s.phase for s in steps), default=0) + 1
    name = steps.__getitem__
    out = [words["heading"].format(id=plan.policy.id, version=plan.policy.version, path=plan.policy.path,
                                   steps=len(steps), phases=phases),
           f"{words['inputs']}: " + " · ".join(f"{b.block} ({len(b.slots)})" for b in plan.blocks),
           *([words["in_force"].format(sha=plan.policy.content_sha256)] if plan.policy.dated else []),
           *(words["dated"].format(at=d.path, entry=d.text(lang), where=f"{d.file}:{d.line}")
             for d in plan.policy.dated),
           words["order"], ""]
    header = (f"{'':5} {_pad(words['step'], 30)} {_pad(words['kind'], 14)} {_pad(words['rule'], 16)} "
              f"{_pad(words['line'], 5, right=True)} {_pad(words['phase'], 5, right=True)}  {words['reads']}")
    out.append(header.rstrip())
    given = [s.slot for s in steps if isinstance(s.op, Input | Taken)]
    for slot in (*given, *plan.order):
        step = steps[slot]
        reads = ", ".join(name(r).name for r in reads_of(step.op)) if not isinstance(step.op, Taken) else ""
        out.append(f"{'v' + str(slot):5} {step.name:30} {step.kind:14} {'/'.join(step.rule) or '-':16} "
                   f"{_line(step):>5} {step.phase:>5}  {reads}".rstrip())
        out.append(f"{'':6}{step.label.text(lang)} = {show(step.op, lambda s: name(s).name)}")
    out += ["", f"# {words['code']}", plan.source.rstrip("\n")]
    return "\n".join(out) + "\n"


def _line(step) -> str:
    """A step's policy line; in a base of an `extends:` chain, the base file with it (`base.yaml:102`)."""
    return f"{step.file}:{step.line}" if step.file else str(step.line)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    """`text` padded to `width` columns of a terminal, where a Chinese character takes two."""
    room = " " * max(0, width - display_width(text))
    return room + text if right else text + room
