"""Checking one expression against the policy: names, stage order, types, text and constants.

Types are decided here, once, from declared names and literals, so that nothing reaches the
generated code that Python would compute differently from what the policy means: `True + True`
is the integer 2 (and `(True+True)**…` a giant one), text times a number is a huge string. An
expression is a number, true/false or text; arithmetic takes numbers only.
"""

from __future__ import annotations

import ast
import decimal
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import DecimalException

from engine.policy import names as n
from engine.policy.expr import MAX_LENGTH, ExpressionError, compile_expression
from engine.policy.runtime import CONTEXT

NUMBER, BOOL, TEXT = "number", "bool", "text"
_ZH = {NUMBER: "数字", BOOL: "真/假值", TEXT: "文本"}
_EN = {NUMBER: "a number", BOOL: "true/false", TEXT: "text"}
# Suggestions cost a comparison per candidate: past this many unknown names none are offered, and
# each is compared with at most this many declared names (those sharing its first letter).
MAX_SUGGESTED = 20
MAX_CANDIDATES = 200

Report = Callable[..., None]


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


def type_of(name: n.Name) -> str:
    if name.text:
        return TEXT
    return BOOL if name.stage == n.GATE or name.boolean else NUMBER


class ExpressionChecker:
    """Checks expressions of one policy; problems go through the checker's `report`."""

    def __init__(self, data: Mapping, names: Mapping[str, n.Name], report: Report):
        self.names = names
        self.report = report
        self.suggestions = Suggestions()
        self.candidates = list(names)
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
              want: str = NUMBER) -> None:
        """Syntax, known names, stage order, types (the result must be `want`), text, constants."""
        if isinstance(text, bool) or not isinstance(text, str | int | decimal.Decimal):
            return
        source = str(text)
        if len(source) > MAX_LENGTH:
            self.report(path, "JX203", f"expression is {len(source)} characters long; the limit is {MAX_LENGTH}",
                        f"表达式长 {len(source)} 个字符，上限是 {MAX_LENGTH}")
            return
        try:
            expr = n.parse_cached(source)
        except ExpressionError as exc:
            self.report(path, "JX202", f"expression refused: {exc} (at column {exc.column} of the expression)",
                        f"表达式不被接受：{exc.zh}（表达式第 {exc.column} 列）")
            return
        for name in expr.names:
            self._name(path, name, stage=stage, order=order, own=own)
        if self._text_comparisons(path, expr.tree):
            return  # text against a number is that mistake already, not also a type error
        problems: list[tuple[int, str, str]] = []
        found = self._type(expr.tree, problems)
        mismatch = not problems and found is not None and found != want
        if mismatch:
            problems.append((1, f"the expression gives {_EN[found]} where {_EN[want]} is needed",
                             f"表达式的结果是{_ZH[found]}，这里需要{_ZH[want]}"))
        if problems:
            column, message, zh = problems[0]
            hint, zh_hint = ("compare it, e.g. x > 0", "请写成比较，如 x > 0") if want == BOOL else ("", "")
            if mismatch and want == NUMBER and found == TEXT:
                # A choice metric, role or grade where a number is needed (a KPI, a ranking's measure).
                subject = source.strip() if expr.names == (source.strip(),) else "x"
                hint = f"text has no amount: turn it into one, e.g. 100 if {subject} == '…' else 0"
                zh_hint = f"文本没有数值：请换算成数字，如 100 if {subject} == '…' else 0"
            self.report(path, "JX225", f"{message} (at column {column} of the expression)",
                        f"{zh}（表达式第 {column} 列）", hint=hint, zh_hint=zh_hint)
            return
        self._constants(path, expr.tree, source.strip())

    def _name(self, path, name: str, *, stage: int, order: int, own: str | None) -> None:
        info = self.names.get(name)
        if info is None:
            hint = zh_hint = ""
            close = self.suggestions.close(name, self.candidates, "name")
            if close:
                hint, zh_hint = f"did you mean '{close}'?", f"是不是想写 '{close}'？"
            if name in ("role", "grade"):
                hint = f"declare {name}s: in the policy to use {name}"
                zh_hint = f"要使用 {name}，请在方案中声明 {name}s:"
            self.report(path, "JX201", f"unknown name '{name}' in expression", f"表达式中有未知的名称 '{name}'",
                        hint=hint, zh_hint=zh_hint)
            return
        if name == own or info.stage == n.POPULATION:
            return  # a derived metric reading itself is a cycle; population order: check_population
        later = info.stage > stage or (info.stage == stage and stage in (n.GATE, n.PAY) and info.order >= order)
        if info.stage == stage and stage in (n.KPI, n.AGGREGATE):
            later = True
        if later:
            where = n.STAGE_NAMES[info.stage]
            self.report(path, "JX217",
                        f"'{name}' ({where}) is computed after this expression, so it cannot be read here",
                        f"'{name}'（{n.STAGE_NAMES_ZH[info.stage]}）在这个表达式之后才计算，这里不能读取")

    def _text_comparisons(self, path, tree: ast.AST) -> bool:
        """`role == 'probaton'` would silently never match: compare text only with declared ids.

        Returns whether text was compared with something other than role, grade or rating."""
        refused = False
        for node in ast.walk(tree):
            if not isinstance(node, ast.Compare):
                continue
            operands = [node.left, *node.comparators]
            for op, right in zip(node.ops, node.comparators, strict=True):
                if isinstance(op, ast.In | ast.NotIn) and isinstance(right, ast.Constant) and isinstance(
                        right.value, str):
                    # `role in 'trainee_supervisor'` is a substring test: 'supervisor' would match.
                    refused = True
                    self.report(path, "JX202", "'in' needs a list of texts, e.g. role in ('agent', 'supervisor')",
                                "'in' 后面需要一组文本，例如 role in ('agent', 'supervisor')")
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
                        self._unknown_value(path, subject, text)
                    else:
                        choices = self.allowed[subject]
                        self.report(path, "JX210", f"unknown {subject} '{text}'", f"未知的 {subject} '{text}'",
                                    hint=f"{subject}s: " + ", ".join(choices),
                                    zh_hint=f"已声明的 {subject}：" + "、".join(choices))
            if texts and not subjects:
                refused = True
                self.report(path, "JX202", "text can only be compared with role, grade, rating or a choice metric",
                            "文本只能与 role、grade、rating 或选项型指标比较")
        return refused

    def _unknown_value(self, path, metric: str, text: str) -> None:
        """`assessment == 'excelent'` (or `== '优秀'`, a label) would never hold: JX241 with the id meant."""
        ids = self.allowed[metric]
        meant = self.choice_texts[metric].get(text) or self.suggestions.close(text, ids, f"value of {metric}")
        if meant is not None:
            hint, zh_hint = f"did you mean '{meant}'?", f"是不是想写 '{meant}'？"
        else:
            hint, zh_hint = f"values of {metric}: " + ", ".join(ids), f"{metric} 的取值：" + "、".join(ids)
        self.report(path, "JX241", f"'{text}' is not a declared value of {metric}; compare with a value's id",
                    f"'{text}' 不是 {metric} 已声明的取值；比较时请写取值的标识（id）", hint=hint, zh_hint=zh_hint)

    def _type(self, node: ast.AST, problems: list[tuple[int, str, str]]) -> str | None:
        """The type of `node` (None: unknown, e.g. an undeclared name), noting every misuse."""
        column = getattr(node, "col_offset", 0) + 1

        def need(kind: str | None, wanted: str, what: str, zh_what: str, at: ast.AST) -> None:
            if kind is not None and kind != wanted:
                place = getattr(at, "col_offset", 0) + 1
                problems.append((place, f"{what} needs {_EN[wanted]}, not {_EN[kind]}",
                                 f"{zh_what}需要{_ZH[wanted]}，不能用{_ZH[kind]}"))

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
                need(self._type(left, problems), NUMBER, "arithmetic", "算术运算", left)
                need(self._type(right, problems), NUMBER, "arithmetic", "算术运算", right)
                return NUMBER
            case ast.UnaryOp(op=ast.Not(), operand=operand):
                need(self._type(operand, problems), BOOL, "'not'", "not", operand)
                return BOOL
            case ast.UnaryOp(operand=operand):
                need(self._type(operand, problems), NUMBER, "a sign", "正负号", operand)
                return NUMBER
            case ast.BoolOp(values=values):
                for value in values:
                    need(self._type(value, problems), BOOL, "'and'/'or'", "and/or", value)
                return BOOL
            case ast.IfExp(test=test, body=body, orelse=orelse):
                need(self._type(test, problems), BOOL, "the condition after 'if'", "if 后的条件", test)
                first, second = self._type(body, problems), self._type(orelse, problems)
                if first is not None and second is not None and first != second:
                    problems.append((column, f"both sides of 'if … else' must give the same type, "
                                     f"not {_EN[first]} and {_EN[second]}",
                                     f"if … else 两边的结果类型必须相同，不能一边是{_ZH[first]}一边是{_ZH[second]}"))
                return first or second
            case ast.Compare(left=left, ops=ops, comparators=comparators):
                kinds = [self._type(left, problems)]
                for op, right in zip(ops, comparators, strict=True):
                    items = right.elts if isinstance(right, ast.Tuple | ast.List) else [right]
                    item_kinds = [self._type(item, problems) for item in items]
                    kind = next((k for k in item_kinds if k is not None), None)
                    if isinstance(op, ast.Lt | ast.LtE | ast.Gt | ast.GtE):
                        need(kinds[-1], NUMBER, "'<', '>'", "大小比较", left)
                        need(kind, NUMBER, "'<', '>'", "大小比较", right)
                    elif kinds[-1] is not None and kind is not None and kinds[-1] != kind:
                        problems.append((column, f"cannot compare {_EN[kinds[-1]]} with {_EN[kind]}",
                                         f"不能把{_ZH[kinds[-1]]}与{_ZH[kind]}比较"))
                    kinds.append(kind)
                    left = right
                return BOOL
            case ast.Call(args=args):
                for arg in args:
                    need(self._type(arg, problems), NUMBER, "min/max/abs", "min/max/abs", arg)
                return NUMBER
        return None  # pragma: no cover - parse admits nothing else

    def _constants(self, path, tree: ast.AST, source: str) -> None:
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
                problem = type(exc).__name__ if not str(exc) or str(exc).startswith("[") else str(exc)
                self.report(path, "JX215", f"'{segment[:40]}' cannot be computed: {problem}",
                            f"'{segment[:40]}' 无法计算：{_problem_zh(problem)}")
                return
            except ExpressionError:
                continue


def _problem_zh(problem: str) -> str:
    return {"DivisionByZero": "除数为零", "Overflow": "数值过大", "InvalidOperation": "无效的运算",
            "DivisionUndefined": "0 除以 0"}.get(problem, "数值超出允许范围" if "Sorry" in problem else problem)
