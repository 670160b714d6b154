"""A payslip as a print-ready HTML page: one A4 page per agent (`@page` CSS), in the reader's language.

Who, month, team, role, grade; each KPI with its measured value, band, points and the next
threshold; every pay line (a cancelled one says what cancelled it); what was added after
evaluation; the total paid; the clauses that fired and the deduction with its legal basis and what
carries over; career decisions; the policy and run that produced it. Amounts are the engine's own
Decimals, written as the other reports write them (number_text). Every text is escaped.
"""

from __future__ import annotations

from engine.model.plan import Plan
from engine.report.headings import agent_heading, money_unit
from engine.report.html_page import esc, header_row, page, row
from engine.report.messages import HEADINGS, PAYSLIP, pick
from engine.report.month_view import MonthView
from engine.report.number_text import at_most, number, paid_text
from engine.report.statement import Statement

CSS = """
@page{size:A4;margin:12mm}
.sheet{width:186mm;margin:6mm auto;padding:0}
@media print{.sheet{margin:0;width:auto}}
.head{display:flex;justify-content:space-between;align-items:flex-end;border-bottom:2px solid #1b1f24;
padding-bottom:2mm;margin-bottom:3mm}
.who{display:grid;grid-template-columns:repeat(4,auto);gap:1mm 6mm;justify-content:start}
.who b{font-weight:600;margin-right:2mm;color:#57606a}
.total{font-size:13pt}
ul{margin:1mm 0;padding-left:5mm}
.foot{margin-top:5mm;border-top:1px solid #c9d1d9;padding-top:2mm}
table{page-break-inside:avoid}
.warn{color:#9a6700}
"""


def _words(lang: str) -> dict[str, str]:
    return {key: pick(pair, lang) for key, pair in PAYSLIP.items()}


def payslip_html(plan: Plan, month: MonthView, slip: Statement, lang: str) -> bytes:
    """One agent's payslip as a complete HTML document."""
    w = _words(lang)
    unit = money_unit(plan, lang)
    title = f"{w['title']} · {slip.period} · {slip.agent} {slip.name}".strip()
    body = ['<div class="sheet" data-agent="' + esc(slip.agent) + '">',
            '<div class="head"><div>',
            f"<h1>{esc(w['title'])} · {esc(slip.period)}</h1>",
            f'<div class="muted">{esc(plan.policy.name.text(lang))}</div></div>',
            f'<div class="total">{esc(w["total"])}：<b id="total" data-value="{esc(number(slip.total))}">'
            f"{esc(paid_text(slip.total))}</b> {esc(unit)}</div></div>"]
    who = [(agent_heading(plan, lang), slip.agent), (pick(HEADINGS["name"], lang), slip.name), *slip.columns,
           (pick(HEADINGS["team"], lang), slip.team), (pick(HEADINGS["period"], lang), slip.period),
           (pick(HEADINGS["role"], lang), slip.role), (pick(HEADINGS["grade"], lang), slip.grade),
           (w["score"], slip.score_shown), (w["rating"], slip.rating), *slip.choices]
    # A field nothing fills (no roster: 姓名; no teams: 组别; no ratings: 评级) is left out, not shown empty.
    body.append('<div class="who">' + "".join(f"<div><b>{esc(k)}</b><span>{esc(v)}</span></div>" for k, v in who if v)
                + "</div>")
    if slip.kpis:
        body += [f"<h2>{esc(w['kpis'])}</h2>", '<table class="kpis">',
                 header_row([(w["kpi"], False), (w["measured"], True), (w["band"], False),
                             (w["kpi_points"], True), (w["next"], False)])]
        for k in slip.kpis:
            body.append(row([(esc(k.label), ""), (esc(k.measured), "num"), (esc(k.band or "—"), ""),
                             (esc(at_most(k.points, 4)), "num"), (esc(k.next or "—"), "small")]))
        body.append("</table>")
    amount_title = w["amount"].format(unit=unit)
    body += [f"<h2>{esc(w['pay'])}</h2>", '<table class="pay">',
             header_row([(w["item"], False), (w["rules"], False), (amount_title, True), (w["note"], False)])]
    for line in slip.pay:
        # A group's subtotal (当月奖金小计) is said in the note of its last line: not a pay line of its own
        # (no data-line), and no row more, so the payslip still prints on one page.
        subtotals = [f'<span class="muted" data-group="{esc(g.name)}" data-value="{esc(number(g.amount))}">'
                     f"{esc(g.label)} {esc(paid_text(g.amount))}</span>" for g in slip.groups if g.after == line.name]
        note = " · ".join([esc(line.note)] * bool(line.note) + subtotals)
        body.append(row([(esc(line.label), ""), (esc(line.rules), "small muted"),
                         (esc(paid_text(line.amount)), "num"), (note, "small")],
                        data=f'data-line="{esc(line.name)}" data-value="{esc(number(line.amount))}"'))
    for text, value in slip.after:
        body.append(row([(esc(w["after"]), ""), ("", ""), (esc(paid_text(value)), "num"), (esc(text), "small")],
                        data=f'data-line="after" data-value="{esc(number(value))}"'))
    body.append(row([(esc(w["total"]), ""), ("", ""), (esc(paid_text(slip.total)), "num"), ("", "")], "sum"))
    body.append("</table>")
    body.append(f"<h2>{esc(w['clauses'])}</h2>")
    if month.events_unread:  # no clause could fire: never say that none did
        body.append(f'<p class="warn" id="events-unread">{esc(w["events_unread"])}</p>')
    elif slip.clauses:
        body.append('<ul class="clauses">' + "".join(f"<li>{esc(c)}</li>" for c in slip.clauses) + "</ul>")
    else:
        body.append(f'<p class="muted">{esc(w["no_clauses" if plan.penalties else "no_penalties"])}</p>')
    if month.carry_unknown:
        body.append(f'<p class="warn small">{esc(w["carry_unknown"])}</p>')
    if slip.carried is not None:
        body.append(f'<p>{esc(w["carried"])}：<b id="carried" data-value="{esc(number(slip.carried))}">'
                    f"{esc(paid_text(slip.carried))}</b> {esc(unit)}</p>")
    body += [f"<h2>{esc(w['career'])}</h2>",
             '<ul class="career">' + "".join(f"<li>{esc(c)}</li>" for c in slip.career) + "</ul>"]
    body.append(_footer(plan, month, w, lang))
    body.append("</div>")
    return page(title, lang, CSS, body)


def _footer(plan: Plan, month: MonthView, w: dict[str, str], lang: str) -> str:
    policy = plan.policy
    run = w["run_id"].format(run=month.run_id) if month.run_id is not None else w["not_recorded"]
    approval = ""
    if month.recorded:
        approval = " · " + (w["approved"].format(by=month.approval.by, at=month.approval.at)
                            if month.approval is not None else w["not_approved"])
    return ('<div class="foot small muted">'
            f"{esc(w['produced'])}：{esc(w['policy'])} {esc(policy.id)} {esc(policy.version)} · "
            f'{esc(w["run"])}：<span id="run">{esc(run)}</span>{esc(approval)}<br>'
            f'sha256 <span class="mono" id="sha256">{esc(policy.sha256)}</span>'
            + (f'<br>{esc(pick(HEADINGS["policy_content_sha256"], lang))} '
               f'<span class="mono" id="content_sha256">{esc(policy.content_sha256)}</span>'
               if policy.dated else "") + "</div>")
