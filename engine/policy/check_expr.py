"""Checking one expression against the policy: names, stage order, types, text and constants.

Types are decided here, once, from declared names and literals, so that nothing reaches the
generated code that Python would compute differently from what the policy means: `True + True`
is the integer 2 (and `(True+True)**…` a giant one), text times a number is a huge string. An
expression is a number, true/false or text; arithmetic takes numbers only.
"""

from __future__ import annotations

import ast
import decimal
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import DecimalException

from engine.columns import STANDARD_COLUMNS
from engine.diagnostics import OPERATIONS, TYPES, Code, Phrase, Problem, arithmetic, problem
from engine.model.calendar_facts import NEEDS_JOINED
from engine.policy import names as n
from engine.policy.expr import MAX_LENGTH, ExpressionError, compile_expression
from engine.policy.runtime import CONTEXT
from engine.text import header_key

NUMBER, BOOL, TEXT = "number", "bool", "text"  # the keys of `TYPES`
# Suggestions cost a comparison per candidate: past this many unknown names none are offered, and
# each is compared with at most this many declared names (those sharing its first letter).
MAX_SUGGESTED = 20
MAX_CANDIDATES = 200


@dataclass
class Suggestions:
    """did-you-mean for unknown names: cached per name, bounded in number and candidates."""

    asked: dict[tuple[str, str], str | None] = field(default_factory=dict)

    def close(self, name: str, candidates: Mapping | list, kind: str) -> str | None:
        """The declared name closest to `name` among `candidates` (one set per `kind`), if any."""
        key = (name, kind)
        if key in self.asked:
            return self.asked[key]
        if len(self.asked) >= MAX_SUGGESTED:
            return None
        # A ratio of 0.6 needs the shorter name to be at least 3/7 of the longer one; a typo rarely
        # changes the first letter.
        size, first = len(name), name[:1]
        likely = [c for c in candidates if c[:1] == first and 3 * max(size, len(c)) <= 7 * min(size, len(c))]
        import difflib  # here: only a name not declared asks for it

        match = difflib.get_close_matches(name, likely[:MAX_CANDIDATES], n=1)
        self.asked[key] = match[0] if match else None
        return self.asked[key]


def choice_texts(values: Mapping) -> dict[str, str]:
    """Each label and alias of a choice metric's values, to the id it stands for."""
    found: dict[str, str] = {}
    for key, spec in values.items():
        spec = n.mapping(spec)
        aliases = spec.get("aliases") if isinstance(spec.get("aliases"), list) else []
        for text in (*n.label_texts(spec.get("label")), *aliases):
            if isinstance(text, str) and text:
                found.setdefault(text, key)
    return found


def declares_joined(data: Mapping) -> bool:
    """Whether the policy says its roster has a join date (入职日期): it names the column's header
    (`columns: {joined: [...]}`) or carries it into reports (`roster: {carry: [入职日期]}`)."""
    named = n.mapping(data.get("columns")).get("joined")
    if isinstance(named, list) and named:
        return True
    carry = n.mapping(data.get("roster")).get("carry")
    headers = {header_key(text) for text in STANDARD_COLUMNS["joined"]}
    return any(isinstance(text, str) and header_key(text) in headers for text in carry or ()) if isinstance(
        carry, list) else False


def type_of(name: n.Name) -> str:
    if name.text:
        return TEXT
    return BOOL if name.stage == n.GATE or name.boolean else NUMBER


def stage_name(stage: int) -> Phrase:
    """What a stage of the computation is called (`derived`, `pay` …)."""
    return Phrase(n.STAGE_NAMES[stage], n.STAGE_NAMES_ZH[stage])


class ExpressionChecker:
    """Checks expressions of one policy; each check yields its problems."""

    def __init__(self, data: Mapping, names: Mapping[str, n.Name]):
        self.names = names
        self.data = data
        self.suggestions = Suggestions()
        self.candidates = list(names)
        self.joined = declares_joined(data)
        self.allowed = {
            "role": list(n.mapping(data.get("roles"))),
            "grade": list(n.mapping(data.get("grades"))),
            "rating": list(n.mapping(n.mapping(data.get("score")).get("ratings"))),
        }
        # Choice metrics (考核结果): each value's id, and the texts a person might write instead.
        self.choice_texts: dict[str, dict[str, str]] = {}
        for name, spec in n.mapping(data.get("metrics")).items():
            spec = n.mapping(spec)
            if spec.get("type") == "choice" and name not in self.allowed:
                values = n.mapping(spec.get("values"))
                self.allowed[name] = list(values)
                self.choice_texts[name] = choice_texts(values)

    def check(self, path, text: object, *, stage: int, order: int = 0, own: str | None = None,
              want: str = NUMBER) -> Iterator[Problem]:
        """Syntax, known names, stage order, types (the result must be `want`), text, constants."""
        if isinstance(text, bool) or not isinstance(text, str | int | decimal.Decimal):
            return
        source = str(text)
        if len(source) > MAX_LENGTH:
            yield problem(Code.JX203, path, length=len(source), limit=MAX_LENGTH)
            return
        try:
            expr = n.parse_cached(source)
        except ExpressionError as exc:
            yield problem(Code.JX202, path, "refused", reason=Phrase(str(exc), exc.zh), column=exc.column)
            return
        for name in expr.names:
            yield from self._name(path, name, stage=stage, order=order, own=own)
        compared = list(self._text_comparisons(path, expr.tree))
        yield from compared
        if any(found.code == Code.JX202 for found in compared):
            return  # text against a number is that mistake already, not also a type error
        problems: list[tuple[int, str, dict[str, object]]] = []
        found = self._type(expr.tree, problems)
        mismatch = not problems and found is not None and found != want
        if mismatch:
            problems.append((1, "gives", {"found": TYPES[found], "want": TYPES[want]}))
        if problems:
            column, kind, fields = problems[0]
            hint, subject = ("condition" if want == BOOL else None), ""
            if mismatch and want == NUMBER and found == TEXT:
                # A choice metric, role or grade where a number is needed (a KPI, a ranking's measure).
                subject = source.strip() if expr.names == (source.strip(),) else "x"
                hint = "amount"
            yield problem(Code.JX225, path, kind, hint=hint, column=column, subject=subject, **fields)
            return
        yield from self._constants(path, expr.tree, source.strip())

    def _name(self, path, name: str, *, stage: int, order: int, own: str | None) -> Iterator[Problem]:
        info = self.names.get(name)
        if info is None and (what := n.scorecard_read(self.data, name)) is not None:
            yield problem(Code.JX234, path, name=name, what=Phrase(*what))
            return
        if info is None:
            close = self.suggestions.close(name, self.candidates, "name")
            hint = "declare" if name in ("role", "grade") else "close" if close else None
            yield problem(Code.JX201, path, hint=hint, name=name, close=close)
            return
        if info.stage == n.FLAG and stage != n.FLAG:
            yield problem(Code.JX292, path, name=name)  # a flag is an output a person reads, never pay (S1.5)
            return
        if name in NEEDS_JOINED and info.path[0] == "calendar" and not self.joined:
            yield problem(Code.JX266, path)
        if name == own or info.stage == n.POPULATION:
            return  # a derived metric reading itself is a cycle; population order: check_population
        later = info.stage > stage or (info.stage == stage and stage in (n.GATE, n.PAY) and info.order >= order)
        if info.stage == stage and stage in (n.KPI, n.AGGREGATE):
            later = True
        if later:
            yield problem(Code.JX217, path, name=name, stage=stage_name(info.stage))

    def _text_comparisons(self, path, tree: ast.AST) -> Iterator[Problem]:
        """`role == 'probaton'` would silently never match: compare text only with declared ids.

        Text compared with something other than role, grade, rating or a choice metric is JX202."""
        for node in ast.walk(tree):
            if not isinstance(node, ast.Compare):
                continue
            operands = [node.left, *node.comparators]
            for op, right in zip(node.ops, node.comparators, strict=True):
                if isinstance(op, ast.In | ast.NotIn) and isinstance(right, ast.Constant) and isinstance(
                        right.value, str):
                    # `role in 'trainee_supervisor'` is a substring test: 'supervisor' would match.
                    yield problem(Code.JX202, path, "in_text")
            subjects = [o.id for o in operands if isinstance(o, ast.Name) and o.id in self.allowed]
            texts: list[str] = []
            for operand in operands:
                items = operand.elts if isinstance(operand, ast.Tuple | ast.List) else [operand]
                texts += [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
            for subject in subjects:
                if not self.allowed[subject]:
                    continue  # nothing declared: already an unknown name (JX201)
                for text in texts:
                    if text in self.allowed[subject]:
                        continue
                    if subject in self.choice_texts:
                        yield self._unknown_value(path, subject, text)
                    else:
                        yield problem(Code.JX210, path, "unknown_text", subject=subject, text=text,
                                      options=self.allowed[subject])
            if texts and not subjects:
                yield problem(Code.JX202, path, "text_compared")

    def _unknown_value(self, path, metric: str, text: str) -> Problem:
        """`assessment == 'excelent'` (or `== '优秀'`, a label) would never hold: JX241 with the id meant."""
        ids = self.allowed[metric]
        meant = self.choice_texts[metric].get(text) or self.suggestions.close(text, ids, f"value of {metric}")
        return problem(Code.JX241, path, hint="list" if meant is None else "close", text=text, metric=metric,
                       close=meant, options=ids)

    def _type(self, node: ast.AST, problems: list[tuple[int, str, dict[str, object]]]) -> str | None:
        """The type of `node` (None: unknown, e.g. an undeclared name), noting every misuse."""
        column = getattr(node, "col_offset", 0) + 1

        def need(kind: str | None, wanted: str, operation: str, at: ast.AST) -> None:
            if kind is not None and kind != wanted:
                place = getattr(at, "col_offset", 0) + 1
                problems.append((place, "needs", {"operation": OPERATIONS[operation], "wanted": TYPES[wanted],
                                                  "found": TYPES[kind]}))

        match node:
            case ast.Constant(value=bool()):
                return BOOL
            case ast.Constant(value=str()):
                return TEXT
            case ast.Constant():
                return NUMBER
            case ast.Name(id=name):
                info = self.names.get(name)
                return type_of(info) if info is not None else None
            case ast.BinOp(left=left, right=right):
                need(self._type(left, problems), NUMBER, "arithmetic", left)
                need(self._type(right, problems), NUMBER, "arithmetic", right)
                return NUMBER
            case ast.UnaryOp(op=ast.Not(), operand=operand):
                need(self._type(operand, problems), BOOL, "not", operand)
                return BOOL
            case ast.UnaryOp(operand=operand):
                need(self._type(operand, problems), NUMBER, "sign", operand)
                return NUMBER
            case ast.BoolOp(values=values):
                for value in values:
                    need(self._type(value, problems), BOOL, "and_or", value)
                return BOOL
            case ast.IfExp(test=test, body=body, orelse=orelse):
                need(self._type(test, problems), BOOL, "if", test)
                first, second = self._type(body, problems), self._type(orelse, problems)
                if first is not None and second is not None and first != second:
                    problems.append((column, "if_else", {"first": TYPES[first], "second": TYPES[second]}))
                return first or second
            case ast.Compare(left=left, ops=ops, comparators=comparators):
                kinds = [self._type(left, problems)]
                for op, right in zip(ops, comparators, strict=True):
                    items = right.elts if isinstance(right, ast.Tuple | ast.List) else [right]
                    item_kinds = [self._type(item, problems) for item in items]
                    kind = next((k for k in item_kinds if k is not None), None)
                    if isinstance(op, ast.Lt | ast.LtE | ast.Gt | ast.GtE):
                        need(kinds[-1], NUMBER, "order", left)
                        need(kind, NUMBER, "order", right)
                    elif kinds[-1] is not None and kind is not None and kinds[-1] != kind:
                        problems.append((column, "compare", {"left": TYPES[kinds[-1]], "right": TYPES[kind]}))
                    kinds.append(kind)
                    left = right
                return BOOL
            case ast.Call(args=args):
                for arg in args:
                    need(self._type(arg, problems), NUMBER, "call", arg)
                return NUMBER
        return None  # pragma: no cover - parse admits nothing else

    def _constants(self, path, tree: ast.AST, source: str) -> Iterator[Problem]:
        """Evaluate every name-free subtree now, so `4000000**4000000` fails at validate time.

        Types are already numbers (checked above) and exponents small literals, so this is
        Decimal arithmetic in the evaluation's own context and cannot run long."""
        for node in ast.walk(tree):
            if any(isinstance(part, ast.Name) for part in ast.walk(node)):
                continue
            if not isinstance(node, ast.BinOp | ast.UnaryOp | ast.Call):
                continue
            segment = ast.get_source_segment(source, node) or ""
            try:
                with decimal.localcontext(CONTEXT):
                    compile_expression(n.parse_cached(segment))({})
            except (DecimalException, ArithmeticError, ValueError, TypeError) as exc:
                why = type(exc).__name__ if not str(exc) or str(exc).startswith("[") else str(exc)
                yield problem(Code.JX215, path, segment=segment[:40], problem=arithmetic(why))
                return
            except ExpressionError:
                continue
