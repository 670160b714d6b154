"""A month's team report for the manager: one self-contained HTML file (inline CSS, charts as inline SVG
drawn by svg_charts; no script, no network), labels in the reader's language, the same bytes each time.

The ranking; the score distribution with the rating and gate thresholds marked; each KPI's measured
values against its bands; pay by component per agent; who lost which pay line to which gate or
clause; the career decisions made with the month; and, from the ledger, each team's mean score and
total paid month by month. Every amount is the engine's own Decimal, formatted as the other reports
format it (number_text); the report adds up totals for a team or the month, and computes no pay.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from engine.model.kinds import Kind
from engine.model.plan import Plan
from engine.model.results import Outcome
from engine.report.headings import agent_heading, choice_metrics, choice_text, money_unit, rating_text, scored
from engine.report.html_page import esc, header_row, page, row
from engine.report.ledger_lists import decision_line
from engine.report.messages import COLUMN_WORDS, HEADINGS, PAYSLIP, TEAM_REPORT, counted, pick
from engine.report.month_view import MonthView
from engine.report.number_text import at_most, number, paid_text
from engine.report.result_columns import flags_text, kpi_sources
from engine.report.statement import bound_text, losses, score_text
from engine.report.svg_charts import Band, Marker, band_strip, dot_strip, lines, stacked_bars

CSS = """
.page{max-width:800px;margin:16px auto;padding:0 12px}
section{margin-bottom:18px}
.lede{color:#57606a;margin:0 0 8px}
figure{margin:6px 0 4px}
figcaption{font-size:9pt;color:#57606a}
h3{font-size:10.5pt;margin:10px 0 2px}
.warn{color:#9a6700}
.wide{overflow-x:auto}
.wide th,.wide td{font-size:8.5pt;padding:1mm 1.2mm}
td.who{white-space:nowrap}
@media print{.page{max-width:none;margin:0}section{page-break-inside:avoid}}
"""


def _words(lang: str) -> dict[str, str]:
    return {key: pick(pair, lang) for key, pair in TEAM_REPORT.items()}


def ranked(outcomes: Sequence[Outcome]) -> list[tuple[int, Outcome]]:
    """By score, highest first; equal scores share a place (1, 1, 3), in agent id order. Without a
    scorecard (S4) there is no place: in agent id order, each numbered by its row."""
    if any(o.result.score is None for o in outcomes):
        return list(enumerate(sorted(outcomes, key=lambda o: o.result.agent), start=1))
    ordered = sorted(outcomes, key=lambda o: (-o.result.score, o.result.agent))
    found: list[tuple[int, Outcome]] = []
    for index, outcome in enumerate(ordered):
        same = found and found[-1][1].result.score == outcome.result.score
        found.append((found[-1][0] if same else index + 1, outcome))
    return found


def _who(outcome: Outcome) -> str:
    return f"{outcome.result.agent} {outcome.result.name}".strip()


def _label(plan: Plan, table: str, value: str | None, lang: str) -> str:
    if value is None:
        return ""
    found = (plan.roles if table == "role" else plan.grades).get(value)
    return found[0].text(lang) if found is not None else value


def team_report(month: MonthView, lang: str = "zh") -> bytes:
    """The month's team report as a complete HTML document."""
    plan, w = month.plan, _words(lang)
    unit = money_unit(plan, lang)
    total = sum((o.total for o in month.outcomes), Decimal(0))
    title = f"{w['title']} · {month.period}"
    body = ['<div class="page">', f"<h1>{esc(title)}</h1>",
            f'<p class="lede">{esc(plan.policy.name.text(lang))} · '
            f'<span id="summary" data-total="{esc(number(total))}">'
            f"{esc(counted(w['summary'].format(count=len(month.outcomes), total=paid_text(total), unit=unit)))}"
            "</span></p>"]
    body += _ranking(plan, month, lang, w, unit)
    body += _distribution(plan, month, lang, w)
    body += _kpis(plan, month, lang, w)
    body += _pay(plan, month, lang, w, unit)
    body += _losses(plan, month, lang, w, unit)
    body += _careers(month, lang, w)
    body += _trend(month, lang, w, unit)
    body.append(_footer(plan, month, lang))
    body.append("</div>")
    return page(title, lang, CSS, body)


def _ranking(plan: Plan, month: MonthView, lang: str, w: dict[str, str], unit: str) -> list[str]:
    # A column nothing fills (no roster: 姓名; no teams: 组别; no roles, grades or ratings) is left out.
    texts = {"name": lambda r: r.name, "team": lambda r: r.team, "role": lambda r: _label(plan, "role", r.role, lang),
             "grade": lambda r: _label(plan, "grade", r.grade, lang),
             "rating": lambda r: rating_text(plan, r.rating, lang)}
    filled = [k for k, text in texts.items() if any(text(o.result) for o in month.outcomes)]
    # Each choice metric (考核结果) after the rating: 未考核 where a `missing: absent` cell was blank.
    choices = [(metric.label.text(lang), index) for index, metric in enumerate(choice_metrics(plan))]
    card = scored(plan)  # without a scorecard (S4): no place and no score column, and the section says why
    titles = [*(((w["place"], True),) if card else ()), (agent_heading(plan, lang), False),
              *((pick(HEADINGS[k], lang), False) for k in filled if k != "rating"),
              *(((pick(HEADINGS["score"], lang), True),) if card else ()),
              *((pick(HEADINGS[k], lang), False) for k in filled if k == "rating"),
              *((label, False) for label, _ in choices),
              (f"{pick(HEADINGS['total'], lang)}（{unit}）" if lang == "zh"
               else f"{pick(HEADINGS['total'], lang)} ({unit})", True),
              *(((pick(COLUMN_WORDS["flags"], lang), False),) if plan.flags else ())]  # S1.5
    found = [f"<section><h2>{esc(w['ranking'] if card else w['agents'])}</h2>",
             *(() if card else (f'<p class="muted" id="no-scorecard">{esc(w["no_scorecard"])}</p>',)),
             '<table id="ranking">', header_row(titles)]
    for place, outcome in ranked(month.outcomes):
        r = outcome.result
        found.append(row([*(((str(place), "num"),) if card else ()), (esc(r.agent), ""),
                          *((esc(texts[k](r)), "") for k in filled if k != "rating"),
                          *(((esc(score_text(plan, r.score)), "num score"),) if card else ()),
                          *((esc(texts[k](r)), "") for k in filled if k == "rating"),
                          *((esc(choice_text(plan, r.choices[i][0], r.choices[i][1], lang)
                                 if i < len(r.choices) else ""), "") for _, i in choices),
                          (esc(paid_text(outcome.total)), "num total"),
                          *(((esc(flags_text(plan, r, lang)), ""),) if plan.flags else ())],
                         data=f'data-agent="{esc(r.agent)}" '
                              + (f'data-score="{esc(number(r.score))}" ' if card else "")
                              + f'data-total="{esc(number(outcome.total))}"'))
    found.append("</table></section>")
    return found


def _score_markers(plan: Plan, lang: str, w: dict[str, str]) -> list[Marker]:
    """The rating thresholds (`优秀 ≥ 90`) and the gates' bounds on the score, as the policy wrote them."""
    score = next((s for s in plan.steps if s.kind == Kind.SCORE), None)
    if score is None:
        return []
    markers = []
    rating = next((s for s in plan.steps if s.kind == Kind.RATING), None)
    if rating is not None:
        for name, threshold in zip(plan.ratings, rating.thresholds, strict=False):
            if threshold.at is not None:
                label = rating_text(plan, name, lang)
                markers.append(Marker(threshold.at, w["rating_line"].format(label=label, at=number(threshold.at)),
                                      color="#57606a"))
    for gate in (s for s in plan.steps if s.kind == Kind.GATE):
        for threshold in gate.thresholds:
            if threshold.slot == score.slot and threshold.at is not None:
                markers.append(Marker(threshold.at, f"{gate.label.text(lang)}（{number(threshold.at)}）"
                                      if lang == "zh" else f"{gate.label.text(lang)} ({number(threshold.at)})"))
    return markers


def _distribution(plan: Plan, month: MonthView, lang: str, w: dict[str, str]) -> list[str]:
    if not scored(plan):  # no scorecard (S4): no chart of scores nobody has; the ranking section says so
        return []
    points = [(o.result.score, f"{_who(o)}: {score_text(plan, o.result.score)}") for o in month.outcomes]
    chart = dot_strip(w["distribution"], points, _score_markers(plan, lang, w), axis=pick(HEADINGS["score"], lang))
    return [f"<section><h2>{esc(w['distribution'])}</h2>", f"<figure>{chart}",
            f"<figcaption>{esc(w['distribution_note'])}</figcaption></figure></section>"]


def _kpis(plan: Plan, month: MonthView, lang: str, w: dict[str, str]) -> list[str]:
    if not plan.kpis or not month.outcomes:
        return []
    found = [f"<section><h2>{esc(w['kpis'])}</h2>"]
    for kpi, source, _ in kpi_sources(plan):
        band = next((s for s in plan.steps if s.parent == kpi.slot and s.kind == Kind.BAND), None)
        label = kpi.label.text(lang)
        if band is not None:
            unit = source.unit
            points = [(v, f"{_who(o)}: {number(v)}") for o in month.outcomes
                      if isinstance(v := (o.result.trace or ())[source.slot], Decimal)]
            bands = [Band(low, high, f"{at_most(pays, 4)} {pick(PAYSLIP['points'], lang)}")
                     for low, high, pays, _ in band.bands]
            chart = band_strip(label, points, bands, axis=source.label.text(lang),
                               tick_text=lambda edge, unit=unit: bound_text(edge, unit, lang))
        else:
            points = [(o.result.trace[kpi.slot], f"{_who(o)}: {at_most(o.result.trace[kpi.slot], 4)}")
                      for o in month.outcomes if o.result.trace is not None]
            chart = dot_strip(label, points, [], chart="kpi", axis=w["kpi_points_axis"])
        found += [f"<h3>{esc(label)}</h3>", f"<figure>{chart}</figure>"]
    found.append("</section>")
    return found


def _pay(plan: Plan, month: MonthView, lang: str, w: dict[str, str], unit: str) -> list[str]:
    labels = {s.name: s.label.text(lang) for s in plan.steps if s.kind.is_pay}
    after = any(o.adjustments or o.retro for o in month.outcomes)
    series = [labels[name] for name in plan.pay] + ([w["after"]] if after else [])
    order = [o for _, o in ranked(month.outcomes)]
    rows = []
    for o in order:
        values = [amount for _, amount in o.result.pay] + ([o.lines_total] if after else [])
        rows.append((_who(o), values, paid_text(o.total)))
    chart = stacked_bars(w["pay"], rows, series)
    titles = [(agent_heading(plan, lang), False), *((s, True) for s in series),
              (pick(HEADINGS["total"], lang), True)]
    table = ['<div class="wide"><table id="pay">', header_row(titles)]
    for o in order:
        cells = [(esc(_who(o)), "who")] + [(esc(paid_text(amount)), "num") for _, amount in o.result.pay]
        if after:
            cells.append((esc(paid_text(o.lines_total)), "num"))
        cells.append((esc(paid_text(o.total)), "num"))
        table.append(row(cells, data=f'data-agent="{esc(o.result.agent)}"'))
    table.append("</table></div>")
    title = f"{w['pay']}（{unit}）" if lang == "zh" else f"{w['pay']} ({unit})"
    return [f"<section><h2>{esc(title)}</h2>", f"<figure>{chart}</figure>", *table, "</section>"]


def _losses(plan: Plan, month: MonthView, lang: str, w: dict[str, str], unit: str) -> list[str]:
    labels = {s.name: s.label.text(lang) for s in plan.steps if s.kind.is_pay}
    found = [f"<section><h2>{esc(w['losses'])}</h2>"]
    table = []
    for o in sorted(month.outcomes, key=lambda o: o.result.agent):
        if o.result.trace is None:
            continue
        for loss in losses(plan, o.result.trace, o.result.pay, lang).values():
            table.append(row([(esc(_who(o)), "who"), (esc(labels[loss.name]), ""), (esc(paid_text(loss.earned)), "num"),
                              (esc(loss.by), ""), (esc("/".join(loss.rules)), "small")],
                             data=f'data-agent="{esc(o.result.agent)}" data-line="{esc(loss.name)}" '
                                  f'data-value="{esc(number(loss.earned))}"'))
    if month.events_unread:  # no clause could fire: never read as "no clause fired"
        found.append(f'<p class="warn" id="events-unread">{esc(w["events_unread"])}</p>')
    if table:
        found += ['<table id="losses">', header_row([(agent_heading(plan, lang), False), (w["component"], False),
                                                     (w["lost"].format(unit=unit), True), (w["cancelled_by"], False),
                                                     (w["rules"], False)]), *table, "</table>"]
    else:
        found.append(f'<p class="muted">{esc(w["no_losses"])}</p>')
    found.append("</section>")
    return found


def _careers(month: MonthView, lang: str, w: dict[str, str]) -> list[str]:
    found = [f"<section><h2>{esc(w['careers'])}</h2>"]
    decisions = (*month.decisions, *month.by_hand)
    if not month.recorded:
        found.append(f'<p class="muted">{esc(w["careers_files"])}</p>')
    elif decisions:
        found.append('<ul id="careers">' + "".join(f"<li>{esc(d.agent)} · {esc(decision_line(d, lang))}</li>"
                                                   for d in decisions) + "</ul>")
    else:
        found.append(f'<p class="muted">{esc(w["no_careers"])}</p>')
    found.append("</section>")
    return found


def _trend(month: MonthView, lang: str, w: dict[str, str], unit: str) -> list[str]:
    """Each team's mean score and total paid in every recorded month up to this one (the teams this
    report shows); a mean is shown with at most two decimals and `…` when cut."""
    found = [f"<section><h2>{esc(w['trend'])}</h2>"]
    if not month.history:
        found += [f'<p class="muted">{esc(w["trend_files"])}</p>', "</section>"]
        return found
    shown = sorted({o.result.team for o in month.outcomes})
    periods = [period for period, _ in month.history]
    card = all(o.result.score is not None for _, outcomes in month.history for o in outcomes)  # S4: pay only
    scores: list[tuple[str, list[Decimal | None], list[str]]] = []
    pays: list[tuple[str, list[Decimal | None], list[str]]] = []
    table = ['<table id="trend">', header_row([(pick(HEADINGS["period"], lang), False),
                                               (pick(HEADINGS["team"], lang), False), (w["people"], True),
                                               *(((w["mean_score"], True),) if card else ()),
                                               (w["team_pay"].format(unit=unit), True)])]
    by_team: dict[str, dict[str, tuple[int, Decimal, Decimal]]] = {team: {} for team in shown}
    for period, outcomes in month.history:
        for team in shown:
            mine = [o for o in outcomes if o.result.team == team]
            if mine:
                score_sum = sum((o.result.score for o in mine), Decimal(0)) if card else Decimal(0)
                by_team[team][period] = (len(mine), score_sum / len(mine), sum((o.total for o in mine), Decimal(0)))
    for team in shown:
        name = team or w["no_team"]
        months = by_team[team]
        mean = [months[p][1] if p in months else None for p in periods]
        paid = [months[p][2] if p in months else None for p in periods]
        scores.append((name, mean, [at_most(v, 2) if v is not None else "" for v in mean]))
        pays.append((name, paid, [paid_text(v) if v is not None else "" for v in paid]))
        for period in periods:
            if period in months:
                count, average, total = months[period]
                table.append(row([(esc(period), ""), (esc(name), ""), (str(count), "num"),
                                  *(((esc(at_most(average, 2)), "num"),) if card else ()),
                                  (esc(paid_text(total)), "num")],
                                 data=f'data-period="{esc(period)}" data-team="{esc(team)}" '
                                      f'data-total="{esc(number(total))}"'))
    table.append("</table>")
    if card:
        found += [f"<h3>{esc(w['mean_score'])}</h3>", f"<figure>{lines(w['mean_score'], periods, scores)}</figure>"]
    else:
        found[0] = f"<section><h2>{esc(w['trend_pay'])}</h2>"
    found += [f"<h3>{esc(w['team_pay'].format(unit=unit))}</h3>",
              f"<figure>{lines(w['team_pay'].format(unit=unit), periods, pays)}</figure>", *table, "</section>"]
    return found


def _footer(plan: Plan, month: MonthView, lang: str) -> str:
    words = {key: pick(pair, lang) for key, pair in PAYSLIP.items()}
    policy = plan.policy
    run = words["run_id"].format(run=month.run_id) if month.run_id is not None else words["not_recorded"]
    if month.recorded:
        run += " · " + (words["approved"].format(by=month.approval.by, at=month.approval.at)
                        if month.approval is not None else words["not_approved"])
    return ('<p class="small muted">'
            f"{esc(words['produced'])}：{esc(words['policy'])} {esc(policy.id)} {esc(policy.version)} · "
            f'{esc(words["run"])}：<span id="run">{esc(run)}</span><br>'
            f'sha256 <span class="mono">{esc(policy.sha256)}</span></p>')
