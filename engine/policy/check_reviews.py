"""Careers across months (S0.7, S4): what the schema cannot see in `reviews:`, `windows:` and
`proration:`, located where the user has to look.

- a count of months met (0..N, N the window) that no outcome covers (JX250): that agent's
  review would have no answer, so it would be a guess (`at_lowest` names only the counts it
  changes: the others are the outcomes');
- a count covered twice, or above the window's length (JX251);
- a `met:` / `each:` that is not a condition or reads a value not recorded each month (JX252):
  reviews read the ledger's months, which keep score, rating, total, KPI points, pay lines,
  choice metrics, role and grade, nothing else;
- `every: {months: N}` with N not dividing 12 (JX253): windows would drift off the calendar;
- a grade review without `grades:`, or `down:` to an undeclared grade (JX254);
- a grade no review reaches (JX255, warning): the lowest when no `down:` names it, every grade
  above the lowest when no outcome says `up`;
- a role review naming an undeclared role, or without `roles:` (JX256); promotions that come
  back to a role (JX257); a role after the first that no promotion reaches, unless marked
  `outside_path: true` (JX258, warning), or one so marked that a promotion reaches;
  a promotion without requirement, or `months` without `each` (JX259);
- a grade window whose first close reaches before the policy takes effect (JX260, warning);
- a window value reading what is not known before the month is evaluated, or a sum/mean of
  something not recorded as a number (JX261);
- `prorate:` on a minimum without `proration:` (JX262);
- an `entry:` grade that is not declared (JX264), or grade reviews declaring different entry
  grades (JX265): a joiner's grade would be a guess.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Generator, Iterator, Mapping

from engine.diagnostics import Code, Phrase, Problem, problem
from engine.model.step_names import DEDUCTION, KPI_SUFFIX, WARNINGS
from engine.policy import names as n
from engine.policy.expr import ExpressionError, parse

Close = Callable[[str, list, str], str | None]  # did-you-mean: (name, candidates, kind)


EVERY = {"month": 1, "quarter": 3}


def review_months(every: object) -> int:
    """The window length of an `every:` value (KeyError or TypeError for one the schema refuses:
    check calls this on policies it has not accepted yet; the compiler reads it from here too)."""
    return EVERY[every] if isinstance(every, str) else int(every["months"])  # type: ignore[index]


def recorded_names(data: Mapping) -> set[str]:
    """The names a `met:` expression can read: what the ledger records for every agent-month."""
    names = {"total", "role", "grade"} | ({"score"} if n.has_scorecard(data) else set())
    if n.mapping(data.get("score")).get("ratings"):
        names.add("rating")
    names |= {k + KPI_SUFFIX for k in n.mapping(data.get("kpis"))}
    names |= set(n.mapping(data.get("pay")))
    names |= {k for k, v in n.mapping(data.get("metrics")).items() if n.mapping(v).get("type") == "choice"}
    clauses = n.mapping(data.get("penalties"))
    names |= set(clauses)  # how often each clause fired that month ("no promotion with a serious warning")
    # `in` a tuple, not the dict: a half-broken policy's `warns:` may be a list, which cannot be hashed.
    names |= {WARNINGS[level] for spec in clauses.values()
              if (level := n.mapping(spec).get("warns")) in tuple(WARNINGS)}
    if "deductions" in data:
        names.add(DEDUCTION)
    names |= set(n.mapping(data.get("flags")))  # whether each flag was raised that month (S1.5)
    return names


def check_reviews(data: Mapping, close: Close) -> Iterator[Problem]:
    """Every problem of `reviews:`, `windows:` and `proration:` (see the module's list)."""
    grades = list(n.mapping(data.get("grades")))
    targets: set[str] = set()
    sure = True  # JX255 only when every review's outcomes were read: a typo already said is not a gap
    roles = list(n.mapping(data.get("roles")))
    entries: dict[str, str] = {}  # entry grade → the review that declared it first
    for name, spec in n.mapping(data.get("reviews")).items():
        spec = n.mapping(spec)
        path = ("reviews", name)
        every = spec.get("every")
        yield from _check_history(data, path, spec)
        if spec.get("kind") == "role":
            yield from _check_role_review(data, close, path, spec, roles)
            continue
        if isinstance(every, dict) and isinstance(every.get("months"), int) and 12 % every["months"]:
            yield problem(Code.JX253, (*path, "every", "months"), months=every["months"])
            sure = False
            continue
        try:
            months = review_months(every)
        except (KeyError, TypeError):
            sure = False
            continue
        yield from _check_met(data, close, (*path, "met"), spec.get("met"))
        if not grades:
            yield problem(Code.JX254, path, "no_grades", on_key=True, name=name)
            continue
        yield from _check_entry(close, path, spec, grades, entries)
        for key in ("outcomes", "at_lowest"):
            items = spec.get(key)
            if isinstance(items, list):
                reached, known = yield from _check_outcomes(close, (*path, key), items, months, grades,
                                                            whole=key == "outcomes")
                targets |= reached
                sure = sure and known
    yield from check_role_path(data)
    yield from check_windows(data, close)
    yield from check_proration(data)
    grade_reviews = [n.mapping(s) for s in n.mapping(data.get("reviews")).values()
                     if n.mapping(s).get("kind") != "role"]
    ups = [item for s in grade_reviews for key in ("outcomes", "at_lowest") for item in s.get(key) or []
           if n.mapping(item).get("then") == "up"]
    if grade_reviews and len(grades) > 1 and not ups:
        yield problem(Code.JX255, ("grades", grades[-1]), "no_up", on_key=True, top=grades[-1])
    if grade_reviews and grades and sure:
        lowest = grades[0]
        if lowest not in targets and len(grades) > 1:
            yield problem(Code.JX255, ("grades", lowest), "no_down", on_key=True, lowest=lowest)


def _check_role_review(data: Mapping, close: Close, path: tuple, spec: Mapping,
                       roles: list[str]) -> Iterator[Problem]:
    if not roles:
        yield problem(Code.JX256, path, "no_roles", on_key=True)
        return
    promote, dismiss = n.mapping(spec.get("promote")), n.mapping(spec.get("dismiss"))
    for where, role in (((*path, "role"), spec.get("role")), ((*path, "promote", "to"), promote.get("to"))):
        if isinstance(role, str) and role not in roles:
            guess = close(role, roles, "review role")
            yield problem(Code.JX256, where, "undeclared", hint="close" if guess else "list", role=role, close=guess,
                          options=roles)
    yield from _check_met(data, close, (*path, "promote", "each"), promote.get("each"))
    yield from _check_met(data, close, (*path, "dismiss", "each"), dismiss.get("each"))
    if promote and "each" not in promote and "tenure_months" not in promote:
        yield problem(Code.JX259, (*path, "promote"), "no_requirement", on_key=True)
    elif "months" in promote and "each" not in promote:
        yield problem(Code.JX259, (*path, "promote", "months"), "months_without_each")


def check_proration(data: Mapping) -> Iterator[Problem]:
    """`prorate: calendar_days` needs the days the policy declares with `proration:` (JX262)."""
    if data.get("proration"):
        return
    for name, spec in n.mapping(data.get("pay")).items():
        if n.mapping(spec).get("prorate") is not None:
            yield problem(Code.JX262, ("pay", name, "prorate"), name=name)


def check_windows(data: Mapping, close: Close) -> Iterator[Problem]:
    """A window's `where` is a condition over what is known before the month is evaluated and
    recorded for every month: choice metrics, role and grade (JX261)."""
    known = {k for k, v in n.mapping(data.get("metrics")).items() if n.mapping(v).get("type") == "choice"}
    known |= {key for key in ("role", "grade") if data.get(key + "s")}
    numbers = recorded_names(data) - {"rating", "role", "grade"} - known - set(n.mapping(data.get("flags")))
    for name, spec in n.mapping(data.get("windows")).items():
        spec = n.mapping(spec)
        if spec.get("stat") in ("sum", "mean"):
            yield from _check_of(data, close, name, spec, numbers)
            continue
        path = ("windows", name, "where")
        if "of" in spec:
            yield problem(Code.JX261, ("windows", name, "of"), "of_not_for_count", on_key=True, stat=spec.get("stat"))
            continue
        text = spec.get("where")
        expression = n.try_parse(text)
        if expression is None or not _is_condition(expression.tree):
            yield problem(Code.JX261, path, "where_not_condition", text=text)
            continue
        for used in expression.names:
            if used not in known and (what := n.scorecard_read(data, used)) is not None:
                yield problem(Code.JX234, path, name=used, what=Phrase(*what))
                break
            if used not in known:
                options = sorted(known)
                guess = close(used, options, "window value")
                yield problem(Code.JX261, path, "where_reads", hint="close" if guess else "list", name=used,
                              close=guess, options=options or "—")
                break


def _check_of(data: Mapping, close: Close, name: str, spec: Mapping, numbers: set[str]) -> Iterator[Problem]:
    """A sum or mean adds up `of`, a number recorded every month, and has no `where` (JX261)."""
    if "where" in spec:
        yield problem(Code.JX261, ("windows", name, "where"), "where_not_for_sum", on_key=True, stat=spec["stat"])
        return
    of = spec.get("of")
    if of in numbers:
        return
    if isinstance(of, str) and (what := n.scorecard_read(data, of)) is not None:
        yield problem(Code.JX234, ("windows", name, "of"), name=of, what=Phrase(*what))
        return
    options = sorted(numbers)
    guess = close(of, options, "window number") if isinstance(of, str) else None
    yield problem(Code.JX261, ("windows", name, "of") if of is not None else ("windows", name),
                  "bad_of" if of is not None else "no_of", on_key=of is None, hint="close" if guess else "list",
                  stat=spec["stat"], of=of, close=guess, options=options)


def _is_condition(tree: ast.AST) -> bool:
    return isinstance(tree, ast.Compare | ast.BoolOp) or (isinstance(tree, ast.UnaryOp)
                                                          and isinstance(tree.op, ast.Not))


def check_role_path(data: Mapping) -> Iterator[Problem]:
    """Role promotions never come back to a role (JX257); every role can be reached (JX258)."""
    roles = list(n.mapping(data.get("roles")))
    edges: dict[str, list[tuple[str, str]]] = {}
    for name, spec in n.mapping(data.get("reviews")).items():
        spec = n.mapping(spec)
        to = n.mapping(spec.get("promote")).get("to")
        if spec.get("kind") == "role" and spec.get("role") in roles and to in roles:
            edges.setdefault(spec["role"], []).append((to, name))
    if not edges:
        return
    for start in roles:
        seen = [start]
        here = start
        while here in edges:
            here, review = edges[here][0]
            if here == start:
                yield problem(Code.JX257, ("reviews", review, "promote", "to"), chain=" → ".join([*seen, start]))
                return
            if here in seen:
                break
            seen.append(here)
    reached = {to: review for targets in edges.values() for to, review in targets}
    outside = {role for role, spec in n.mapping(data.get("roles")).items() if n.mapping(spec).get("outside_path")}
    for role in roles[1:]:
        if role not in reached and role not in outside:
            yield problem(Code.JX258, ("roles", role), on_key=True, role=role)
    for role in roles:
        if role in reached and role in outside:
            yield problem(Code.JX258, ("roles", role, "outside_path"), "outside_reached", role=role,
                          review=reached[role])


def _check_history(data: Mapping, path: tuple, spec: Mapping) -> Iterator[Problem]:
    """A grade window reaching before the policy takes effect at its first close (JX260, warning).

    Only grade reviews: their count of months met changes meaning with missing months (`partial:`);
    a role review counts a month it cannot see as not met, so it only promotes or dismisses later."""
    if spec.get("kind") == "role":
        return
    every = spec.get("every")
    start = str(n.mapping(data.get("policy")).get("effective_from", ""))[:7]
    try:
        months = review_months(every)
        first_month = int(start[5:7])
    except (KeyError, TypeError, ValueError):
        return
    if 12 % months:
        return
    close_month = -(-first_month // months) * months  # the first window's last month
    reach = months
    held = close_month - first_month + 1
    if reach > held:
        yield problem(Code.JX260, (*path, "every"), first=f"{start[:4]}-{close_month:02d}", reach=reach, start=start,
                      held=held)


def _check_met(data: Mapping, close: Close, path: tuple, text: object) -> Iterator[Problem]:
    if text is None:
        return
    try:
        expression = parse(text)  # type: ignore[arg-type]
    except ExpressionError as exc:
        yield problem(Code.JX252, path, "invalid", reason=Phrase(str(exc), exc.zh))
        return
    if not _is_condition(expression.tree):
        yield problem(Code.JX252, path, "not_condition", text=text)
        return
    allowed = recorded_names(data)
    for name in expression.names:
        if name in allowed:
            continue
        if (what := n.scorecard_read(data, name)) is not None:
            yield problem(Code.JX234, path, name=name, what=Phrase(*what))
            return
        options = sorted(allowed)
        guess = close(name, options, "recorded value")
        yield problem(Code.JX252, path, "not_recorded", hint="close" if guess else "list", name=name, close=guess,
                      options=options)
        return


def _check_outcomes(close: Close, path: tuple, items: list, months: int, grades: list[str], *,
                    whole: bool = True) -> Generator[Problem, None, tuple[set[str], bool]]:
    """Yield the outcomes' problems; return the grades `down:` names, and whether every one was declared.

    `outcomes` covers every count 0..N (`whole`); `at_lowest` names only the counts it changes for an
    agent at the lowest grade ("one more chance": 1 of 3 dismisses at A0), the others are `outcomes`'."""
    known = True
    seen: dict[int, int] = {}
    targets = set()
    for index, item in enumerate(items):
        item = n.mapping(item)
        counts = item.get("months_met")
        for count in counts if isinstance(counts, list) else [counts]:
            if not isinstance(count, int):
                continue
            if count > months:
                yield problem(Code.JX251, (*path, index, "months_met"), "too_many", count=count, months=months)
            elif count in seen:
                yield problem(Code.JX251, (*path, index, "months_met"), "twice", count=count, outcome=seen[count] + 1)
            else:
                seen[count] = index
        then = item.get("then")
        if isinstance(then, dict) and isinstance(then.get("down"), str):
            if then["down"] in grades:
                targets.add(then["down"])
            else:
                guess = close(then["down"], grades, "review grade")
                known = False
                yield problem(Code.JX254, (*path, index, "then", "down"), "down", hint="close" if guess else "list",
                              grade=then["down"], close=guess, options=grades)
    missing = [c for c in range(months + 1) if c not in seen]
    if missing and whole:
        yield problem(Code.JX250, path, on_key=True, counts=missing, months=months, first=missing[0])
    return targets, known


def _check_entry(close: Close, path: tuple, spec: Mapping, grades: list[str],
                 entries: dict[str, str]) -> Iterator[Problem]:
    """`entry:` names a declared grade (JX264), the same in every grade review (JX265): S0.6."""
    entry = spec.get("entry")
    if not isinstance(entry, str):
        return
    if entry not in grades:
        guess = close(entry, grades, "review grade")
        yield problem(Code.JX264, (*path, "entry"), hint="close" if guess else "list", entry=entry, close=guess,
                      options=grades)
        return
    other = next(((grade, review) for grade, review in entries.items() if grade != entry), None)
    if other is not None:
        yield problem(Code.JX265, (*path, "entry"), entry=entry, other=other[0], review=other[1])
    entries.setdefault(entry, path[-1])
