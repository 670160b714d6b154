"""Role pay (S4.1–S4.5): components paid to some roles only, floors by role, and what can never pay.

A component may say `roles: [agent, supervisor]`; a minimum's `floor` may be a table by role or
grade. What the schema cannot see, each located where the user has to look:
- a role in `roles:` or in a floor table that the policy does not declare (JX210, did-you-mean);
- a floor table without an amount for a role the minimum applies to (JX210): that agent's pay
  could not be computed;
- a guarantee not above the role's base pay from a role table it counts (JX243, warning): the
  floor can never bind, so the line reads as a promise the policy does not keep;
- a `when:` that no listed role can satisfy (`roles: [trainee]` with `when: role == 'agent'`,
  JX244, warning): the component can never pay anyone.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal

from engine.diagnostics import NOUNS, Code, Problem, problem
from engine.policy import names as n
from engine.policy.check_bands import number

Unknown = Callable[..., Problem]  # JX208–JX210 for a name not declared: (path, what, name, options, key=)
Line = Callable[[tuple], int]


def paid_to(spec: Mapping, roles: Mapping) -> list[str]:
    """The declared roles a component applies to: its `roles:` list, else every declared role."""
    listed = spec.get("roles")
    if isinstance(listed, list):
        return [r for r in listed if isinstance(r, str) and r in roles]
    return list(roles)


def check_roles_list(unknown: Unknown, path: tuple, spec: Mapping, roles: Mapping) -> Iterator[Problem]:
    """Every entry of a component's `roles:` is a declared role (JX210 at the entry)."""
    listed = spec.get("roles")
    if not isinstance(listed, list):
        return
    if not roles:
        yield problem(Code.JX210, (*path, "roles"), "roles_need_section", on_key=True)
        return
    for index, role in enumerate(listed):
        if isinstance(role, str) and role not in roles:
            yield unknown((*path, "roles", index), "role", role, roles)


def check_floor_table(unknown: Unknown, path: tuple, spec: Mapping, data: Mapping) -> Iterator[Problem]:
    """A floor by role (grade) names declared ids only, and has an amount for each it applies to."""
    floor = spec.get("floor")
    if not isinstance(floor, dict) or floor.get("by") not in ("role", "grade") or "default" in floor \
            or any(isinstance(v, dict) for v in n.mapping(floor.get("values")).values()):
        return  # a floor by rating, a choice, two keys or with a default: engine.policy.check_tables
    key = floor["by"]
    choices = n.mapping(data.get(key + "s"))
    values = n.mapping(floor.get("values"))
    where = (*path, "floor")
    if not choices:
        yield problem(Code.JX210, (*where, "by"), "floor_needs_section", key=key, noun=NOUNS[key])
        return
    for entry in values:
        if entry not in choices:
            yield unknown((*where, "values", entry), key, entry, choices, key=True)
    needed = paid_to(spec, choices) if key == "role" else list(choices)
    for choice in needed:
        if values and choice not in values:
            yield problem(Code.JX210, (*where, "values"), "no_floor", hint="role" if key == "role" else "", key=key,
                          noun=NOUNS[key], choice=choice)


def check_floor_above_base(line: Line, data: Mapping) -> Iterator[Problem]:
    """JX243 (warning): a guarantee for a role not above the base pay it counts for that role.

    Only a role table that always pays (no `when:`, never cancelled by a gate) is compared; with
    the other counted lines not negative, such a floor never tops anything up."""
    roles = n.mapping(data.get("roles"))
    pay = n.mapping(data.get("pay"))
    cancelled = {target for gate in n.mapping(n.mapping(data.get("score")).get("gates")).values()
                 for target in (n.mapping(gate).get("cancels") or []) if isinstance(target, str)}
    before: list[str] = []
    for name, spec in pay.items():
        spec = n.mapping(spec)
        if spec.get("kind") == "minimum" and roles:
            of = spec.get("of")
            counted = [c for c in of if c in pay] if isinstance(of, list) else list(before)
            for base_name in counted:
                base = n.mapping(pay[base_name])
                if (base.get("kind") != "table" or base.get("key") != "role" or "when" in base
                        or base_name in cancelled):
                    continue
                yield from _compare(line, name, spec, base_name, base, roles)
        before.append(name)


def _compare(line: Line, name: str, spec: Mapping, base_name: str, base: Mapping,
             roles: Mapping) -> Iterator[Problem]:
    floor = spec.get("floor")
    table = n.mapping(floor).get("values") if isinstance(floor, dict) and floor.get("by") == "role" else None
    constant = None if table is not None else _constant(floor)
    base_values = n.mapping(base.get("values"))
    both = set(paid_to(base, roles))
    base_line = line(("pay", base_name))
    for role in paid_to(spec, roles):
        if role not in both:
            continue
        amount = number(n.mapping(table).get(role)) if table is not None else constant
        pay_amount = number(base_values.get(role))
        if amount is None or pay_amount is None or amount > pay_amount:
            continue
        where = ("pay", name, "floor", "values", role) if table is not None else ("pay", name, "floor")
        yield problem(Code.JX243, where, on_key=table is not None, amount=amount, role=role, base=pay_amount,
                      component=base_name, line=base_line)


def _constant(floor: object) -> Decimal | None:
    """A floor written as a plain number (`floor: 1500`); None for an expression."""
    if isinstance(floor, bool):
        return None
    if isinstance(floor, int | Decimal):
        return Decimal(floor)
    expr = n.try_parse(floor) if isinstance(floor, str) else None
    if expr is not None and isinstance(expr.tree, ast.Constant) and not isinstance(expr.tree.value, bool | str):
        return Decimal(expr.text.strip())
    return None


def check_when_for_roles(path: tuple, spec: Mapping, roles: Mapping) -> Iterator[Problem]:
    """JX244 (warning): `roles: [trainee]` with `when: role == 'agent'` can never pay anyone."""
    listed = paid_to(spec, roles)
    when = spec.get("when")
    if not isinstance(spec.get("roles"), list) or not listed or not isinstance(when, str):
        return
    expr = n.try_parse(when)
    if expr is None or any(_holds(expr.tree, role) is not False for role in listed):
        return
    yield problem(Code.JX244, (*path, "when"), roles=listed)


def _holds(node: ast.AST, role: str) -> bool | None:
    """Whether `node` holds for an agent of `role`: True, False, or None when it depends on more."""
    match node:
        case ast.Constant(value=bool() as value):
            return value
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            inner = _holds(operand, role)
            return None if inner is None else not inner
        case ast.BoolOp(op=op, values=values):
            found = [_holds(v, role) for v in values]
            decisive = isinstance(op, ast.Or)  # True decides an `or`, False an `and`
            if decisive in found:
                return decisive
            return None if None in found else not decisive
        case ast.Compare(left=left, ops=[op], comparators=[right]):
            return _role_compare(left, op, right, role)
    return None


def _role_compare(left: ast.AST, op: ast.cmpop, right: ast.AST, role: str) -> bool | None:
    if isinstance(right, ast.Name) and right.id == "role" and isinstance(op, ast.Eq | ast.NotEq):
        left, right = right, left
    if not (isinstance(left, ast.Name) and left.id == "role"):
        return None
    items = right.elts if isinstance(right, ast.Tuple | ast.List) else [right]
    texts = [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
    if len(texts) != len(items):
        return None
    if isinstance(op, ast.Eq | ast.In):
        return role in texts
    if isinstance(op, ast.NotEq | ast.NotIn):
        return role not in texts
    return None
