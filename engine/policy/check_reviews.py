"""Careers across months (S0.7, S4): what the schema cannot see in `reviews:`, `windows:` and
`proration:`, located where the user has to look.

- a count of months met (0..N, N the window) that no outcome covers (JX250): that agent's
  review would have no answer, so it would be a guess;
- a count covered twice, or above the window's length (JX251);
- a `met:` / `each:` that is not a condition or reads a value not recorded each month (JX252):
  reviews read the ledger's months, which keep score, rating, total, KPI points, pay lines,
  choice metrics, role and grade, nothing else;
- `every: {months: N}` with N not dividing 12 (JX253): windows would drift off the calendar;
- a grade review without `grades:`, or `down:` to an undeclared grade (JX254);
- a grade no review reaches (JX255, warning): the lowest when no `down:` names it, every grade
  above the lowest when no outcome says `up`;
- a role review naming an undeclared role, or without `roles:` (JX256); promotions that come
  back to a role (JX257); a role after the first that no promotion reaches (JX258, warning);
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
from collections.abc import Callable, Mapping

from engine.model.step_names import DEDUCTION, KPI_SUFFIX, WARNINGS
from engine.policy import names as n
from engine.policy.compile_reviews import review_months
from engine.policy.expr import ExpressionError, parse

Report = Callable[..., None]
Close = Callable[[str, list, str], str | None]  # did-you-mean: (name, candidates, kind)


def recorded_names(data: Mapping) -> set[str]:
    """The names a `met:` expression can read: what the ledger records for every agent-month."""
    names = {"score", "total", "role", "grade"}
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
    return names


def check_reviews(data: Mapping, report: Report, close: Close) -> None:
    grades = list(n.mapping(data.get("grades")))
    targets: set[str] = set()
    sure = True  # JX255 only when every review's outcomes were read: a typo already said is not a gap
    roles = list(n.mapping(data.get("roles")))
    entries: dict[str, str] = {}  # entry grade → the review that declared it first
    for name, spec in n.mapping(data.get("reviews")).items():
        spec = n.mapping(spec)
        path = ("reviews", name)
        every = spec.get("every")
        _check_history(data, report, path, spec)
        if spec.get("kind") == "role":
            _check_role_review(data, report, close, path, spec, roles)
            continue
        if isinstance(every, dict) and isinstance(every.get("months"), int) and 12 % every["months"]:
            report((*path, "every", "months"), "JX253",
                   f"a review every {every['months']} months does not divide the year; windows would drift off "
                   "the calendar", f"每 {every['months']} 个月评定一次无法整除一年，评定周期会与日历错开",
                   hint="use 1, 2, 3, 4, 6 or 12 months (quarter = 3)",
                   zh_hint="请用 1、2、3、4、6 或 12 个月（季度 = 3）")
            sure = False
            continue
        try:
            months = review_months(every)
        except (KeyError, TypeError):
            sure = False
            continue
        _check_met(data, report, close, (*path, "met"), spec.get("met"))
        if not grades:
            report(path, "JX254", f"grade review '{name}' needs a 'grades:' section in the policy",
                   f"等级评定 '{name}' 需要在策略中声明 'grades:'", key=True)
            continue
        _check_entry(report, close, path, spec, grades, entries)
        for key in ("outcomes", "at_lowest"):
            items = spec.get(key)
            if isinstance(items, list):
                reached, known = _check_outcomes(report, close, (*path, key), items, months, grades)
                targets |= reached
                sure = sure and known
    check_role_path(data, report)
    check_windows(data, report, close)
    check_proration(data, report)
    grade_reviews = [n.mapping(s) for s in n.mapping(data.get("reviews")).values()
                     if n.mapping(s).get("kind") != "role"]
    ups = [item for s in grade_reviews for key in ("outcomes", "at_lowest") for item in s.get(key) or []
           if n.mapping(item).get("then") == "up"]
    if grade_reviews and len(grades) > 1 and not ups:
        top = grades[-1]
        report(("grades", top), "JX255",
               f"no review moves anyone up: only the roster can put an agent at '{top}'",
               f"没有任何评定结果会升级：只有花名册能让客服处于 '{top}'", key=True, warning=True,
               hint="add an outcome with then: up", zh_hint="请加一条 then: up 的评定结果")
    if grade_reviews and grades and sure:
        lowest = grades[0]
        if lowest not in targets and len(grades) > 1:
            report(("grades", lowest), "JX255",
                   f"no review moves anyone down to '{lowest}': only the roster can put an agent there",
                   f"没有任何评定结果会降到 '{lowest}'：只有花名册能让客服处于该等级", key=True, warning=True,
                   hint=f"name it in an outcome (then: {{down: {lowest}}}) or remove the grade",
                   zh_hint=f"在评定结果中写 then: {{down: {lowest}}}，或删除该等级")


def _check_role_review(data: Mapping, report: Report, close: Close, path: tuple, spec: Mapping,
                       roles: list[str]) -> None:
    if not roles:
        report(path, "JX256", "a role review needs a 'roles:' section in the policy",
               "岗位评定需要在策略中声明 'roles:'", key=True)
        return
    promote, dismiss = n.mapping(spec.get("promote")), n.mapping(spec.get("dismiss"))
    for where, role in (((*path, "role"), spec.get("role")), ((*path, "promote", "to"), promote.get("to"))):
        if isinstance(role, str) and role not in roles:
            guess = close(role, roles, "review role")
            report(where, "JX256", f"'{role}' is not a declared role", f"'{role}' 不是已声明的岗位",
                   hint=f"did you mean '{guess}'?" if guess else "roles: " + ", ".join(roles),
                   zh_hint=f"是不是想写 '{guess}'？" if guess else "已声明的岗位：" + "、".join(roles))
    _check_met(data, report, close, (*path, "promote", "each"), promote.get("each"))
    _check_met(data, report, close, (*path, "dismiss", "each"), dismiss.get("each"))
    if promote and "each" not in promote and "tenure_months" not in promote:
        report((*path, "promote"), "JX259", "a promotion without 'each' or 'tenure_months' promotes every holder "
               "of the role at every review", "晋升没有写 'each' 或 'tenure_months'，每次评定都会晋升该岗位的所有人",
               key=True, hint="add the requirement (each: rating == 'excellent', tenure_months: 3)",
               zh_hint="请写明晋升条件（each: rating == 'excellent'、tenure_months: 3）")
    elif "months" in promote and "each" not in promote:
        report((*path, "promote", "months"), "JX259", "'months' says how many months must meet 'each', but there "
               "is no 'each'", "'months' 表示需要连续多少个月满足 'each'，但没有写 'each'",
               hint="add each: <condition>", zh_hint="请加上 each: <条件>")


def check_proration(data: Mapping, report: Report) -> None:
    """`prorate: calendar_days` needs the days the policy declares with `proration:` (JX262)."""
    if data.get("proration"):
        return
    for name, spec in n.mapping(data.get("pay")).items():
        if n.mapping(spec).get("prorate") is not None:
            report(("pay", name, "prorate"), "JX262",
                   f"'{name}' prorates its floor by days worked, but the policy declares no 'proration:'",
                   f"'{name}' 按在职天数折算保底，但策略没有声明 'proration:'",
                   hint="add at the top level: proration: {by: calendar_days}",
                   zh_hint="请在顶层加上：proration: {by: calendar_days}")


def check_windows(data: Mapping, report: Report, close: Close) -> None:
    """A window's `where` is a condition over what is known before the month is evaluated and
    recorded for every month: choice metrics, role and grade (JX261)."""
    known = {k for k, v in n.mapping(data.get("metrics")).items() if n.mapping(v).get("type") == "choice"}
    known |= {key for key in ("role", "grade") if data.get(key + "s")}
    numbers = recorded_names(data) - {"rating", "role", "grade"} - known
    for name, spec in n.mapping(data.get("windows")).items():
        spec = n.mapping(spec)
        if spec.get("stat") in ("sum", "mean"):
            _check_of(report, close, name, spec, numbers)
            continue
        path = ("windows", name, "where")
        if "of" in spec:
            report(("windows", name, "of"), "JX261", f"'of' is for sum and mean; a {spec.get('stat')} counts "
                   "months meeting 'where'", f"'of' 只用于 sum 和 mean；{spec.get('stat')} 统计满足 'where' 的月数",
                   key=True, hint="remove 'of'", zh_hint="请删除 'of'")
            continue
        text = spec.get("where")
        expression = n.try_parse(text)
        if expression is None or not _is_condition(expression.tree):
            report(path, "JX261", f"'where' must be a condition like assessment == 'excellent'; found {text}",
                   f"'where' 必须是一个条件，例如 assessment == 'excellent'；这里写的是 {text}")
            continue
        for used in expression.names:
            if used not in known:
                options = sorted(known)
                guess = close(used, options, "window value")
                report(path, "JX261", f"'where' reads '{used}'; a window can read only choice metrics, role and "
                       "grade (known before the month is evaluated and recorded every month)",
                       f"'where' 读取了 '{used}'；窗口值只能读取选项指标、岗位和等级（月初即已知，且每月都有记录）",
                       hint=f"did you mean '{guess}'?" if guess else "readable: " + (", ".join(options) or "—"),
                       zh_hint=f"是不是想写 '{guess}'？" if guess else "可读取：" + ("、".join(options) or "—"))
                break


def _check_of(report: Report, close: Close, name: str, spec: Mapping, numbers: set[str]) -> None:
    """A sum or mean adds up `of`, a number recorded every month, and has no `where` (JX261)."""
    if "where" in spec:
        report(("windows", name, "where"), "JX261", f"a {spec['stat']} adds up 'of' over the earlier months; "
               "'where' is for count and consecutive", f"{spec['stat']} 累计此前各月的 'of'；'where' 只用于 count 和 "
               "consecutive", key=True, hint="remove 'where'", zh_hint="请删除 'where'")
        return
    of = spec.get("of")
    if of in numbers:
        return
    options = sorted(numbers)
    guess = close(of, options, "window number") if isinstance(of, str) else None
    report(("windows", name, "of") if of is not None else ("windows", name), "JX261",
           f"a {spec['stat']} needs 'of': a number recorded every month (score, total, KPI points, a pay line)"
           + (f"; '{of}' is not one" if of is not None else ""),
           f"{spec['stat']} 需要 'of'：每月记录的数值（总分、应发合计、考核项得分或薪酬项）"
           + (f"；'{of}' 不是" if of is not None else ""), key=of is None,
           hint=f"did you mean '{guess}'?" if guess else "recorded numbers: " + ", ".join(options),
           zh_hint=f"是不是想写 '{guess}'？" if guess else "每月记录的数值：" + "、".join(options))


def _is_condition(tree: ast.AST) -> bool:
    return isinstance(tree, ast.Compare | ast.BoolOp) or (isinstance(tree, ast.UnaryOp)
                                                          and isinstance(tree.op, ast.Not))


def check_role_path(data: Mapping, report: Report) -> None:
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
                chain = " → ".join([*seen, start])
                report(("reviews", review, "promote", "to"), "JX257",
                       f"promotions form a cycle: {chain}; a role path goes one way",
                       f"晋升形成了循环：{chain}；晋升路径只能单向", hint="promote each role to a later one",
                       zh_hint="每个岗位只能晋升到更高的岗位")
                return
            if here in seen:
                break
            seen.append(here)
    reached = {to for targets in edges.values() for to, _ in targets}
    for role in roles[1:]:
        if role not in reached:
            report(("roles", role), "JX258", f"no review promotes anyone to '{role}': only the roster can put an "
                   "agent there", f"没有任何评定会晋升到 '{role}'：只有花名册能让客服处于该岗位", key=True,
                   warning=True, hint=f"add a role review with promote: {{to: {role}}}, or list roles lowest first",
                   zh_hint=f"请加一项 promote: {{to: {role}}} 的岗位评定，或按从低到高的顺序列出岗位")


def _check_history(data: Mapping, report: Report, path: tuple, spec: Mapping) -> None:
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
        first = f"{start[:4]}-{close_month:02d}"
        report((*path, "every"), "JX260",
               f"the first review ({first}) reads {reach} months, but the policy takes effect {start}: the ledger "
               f"holds only {held} month(s) of it then", f"首次评定（{first}）要读取 {reach} 个月，但方案从 {start} "
               f"起生效，届时账本中只有 {held} 个月", warning=True,
               hint="those months count as not worked (see partial:), or move effective_from to a window's start",
               zh_hint="缺少的月份按未在岗处理（见 partial:），或把 effective_from 改到评定周期的开头")


def _check_met(data: Mapping, report: Report, close: Close, path: tuple,
               text: object) -> None:
    if text is None:
        return
    try:
        expression = parse(text)  # type: ignore[arg-type]
    except ExpressionError as exc:
        report(path, "JX252", f"'met' is not a valid expression: {exc}", f"'met' 不是有效的表达式：{exc.zh}")
        return
    if not _is_condition(expression.tree):
        report(path, "JX252", f"'met' must be a condition (true or false), like score >= 60; found {text}",
               f"'met' 必须是一个条件（真或假），例如 score >= 60；这里写的是 {text}")
        return
    allowed = recorded_names(data)
    for name in expression.names:
        if name in allowed:
            continue
        options = sorted(allowed)
        guess = close(name, options, "recorded value")
        hint = f"did you mean '{guess}'?" if guess else "recorded each month: " + ", ".join(options)
        zh_hint = f"是不是想写 '{guess}'？" if guess else "每月记录的值：" + "、".join(options)
        report(path, "JX252",
               f"'met' reads '{name}', which is not recorded each month; a review reads the ledger's months",
               f"'met' 读取了 '{name}'，但它不是每月记录的值；评定只读取账本中记录的月份",
               hint=hint, zh_hint=zh_hint)
        return


def _check_outcomes(report: Report, close: Close, path: tuple, items: list, months: int,
                    grades: list[str]) -> tuple[set[str], bool]:
    """The grades `down:` names, and whether every one of them was a declared grade."""
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
                report((*path, index, "months_met"), "JX251",
                       f"{count} months met is more than the {months}-month window holds",
                       f"达标 {count} 个月超过了评定周期的 {months} 个月")
            elif count in seen:
                report((*path, index, "months_met"), "JX251",
                       f"{count} months met is already covered by outcome {seen[count] + 1}",
                       f"达标 {count} 个月已由第 {seen[count] + 1} 条结果覆盖")
            else:
                seen[count] = index
        then = item.get("then")
        if isinstance(then, dict) and isinstance(then.get("down"), str):
            if then["down"] in grades:
                targets.add(then["down"])
            else:
                guess = close(then["down"], grades, "review grade")
                hint = f"did you mean '{guess}'?" if guess else "grades: " + ", ".join(grades)
                zh_hint = f"是不是想写 '{guess}'？" if guess else "已声明的等级：" + "、".join(grades)
                known = False
                report((*path, index, "then", "down"), "JX254", f"'down' names '{then['down']}', which is not a "
                       "declared grade", f"'down' 指定的 '{then['down']}' 不是已声明的等级", hint=hint, zh_hint=zh_hint)
    missing = [c for c in range(months + 1) if c not in seen]
    if missing:
        shown = ", ".join(map(str, missing))
        zh_shown = "、".join(map(str, missing))
        add = f"{{months_met: {missing[0]}, then: stay}}"
        report(path, "JX250", f"no outcome for {shown} months met (of {months}); every count 0..{months} needs one",
               f"没有为达标 {zh_shown} 个月（共 {months} 个月）规定结果；0 到 {months} 的每个次数都要有结果",
               key=True, hint=f"add {add} (or up, dismiss, {{down: …}})",
               zh_hint=f"加上 {add}（或 up、dismiss、{{down: …}}）")
    return targets, known


def _check_entry(report: Report, close: Close, path: tuple, spec: Mapping, grades: list[str],
                 entries: dict[str, str]) -> None:
    """`entry:` names a declared grade (JX264), the same in every grade review (JX265): S0.6."""
    entry = spec.get("entry")
    if not isinstance(entry, str):
        return
    if entry not in grades:
        guess = close(entry, grades, "review grade")
        report((*path, "entry"), "JX264", f"'entry' names '{entry}', which is not a declared grade",
               f"'entry'（入职等级）指定的 '{entry}' 不是已声明的等级",
               hint=f"did you mean '{guess}'?" if guess else "grades: " + ", ".join(grades),
               zh_hint=f"是不是想写 '{guess}'？" if guess else "已声明的等级：" + "、".join(grades))
        return
    other = next(((grade, review) for grade, review in entries.items() if grade != entry), None)
    if other is not None:
        report((*path, "entry"), "JX265", f"'entry' is '{entry}' here but '{other[0]}' in review '{other[1]}'; a "
               "joiner can enter at one grade only", f"这里的入职等级是 '{entry}'，评定 '{other[1]}' 中却是 "
               f"'{other[0]}'；新人只能有一个入职等级", hint="declare the same entry grade, or keep it in one review",
               zh_hint="请写成同一个入职等级，或只在一个评定中声明")
    entries.setdefault(entry, path[-1])
