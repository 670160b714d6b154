"""Policy expressions: parsed once, checked against a whitelist, turned into Python source.

The language is simpleeval's (arithmetic, comparisons, `x if c else y`, `and`/`or`/`not`,
`min`/`max`/`abs`, declared names), with every number literal read as an exact Decimal. Policies
are untrusted, so an expression is accepted only if every AST node is on the whitelist below:
no attributes, subscripts, calls other than the three functions, string arithmetic or lambdas.
Because only whitelisted nodes reach `emit`, the generated source can contain nothing but our
own identifiers, operators and references to a constants table, which is what makes compiling
it with `eval` safe. simpleeval stays the reference (`reference_eval`); a differential test
holds the two paths to the same answers.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import simpleeval

if TYPE_CHECKING:
    from engine.model.ops import Op

MAX_LENGTH = 1000
MAX_NODES = 200
MAX_TEXT = 64
MAX_POWER = simpleeval.MAX_POWER
# `x ** e` only with a literal e, |e| <= 100: a power a policy needs (squares, roots) is small, and
# a computed or huge exponent is how an expression is made to run for minutes.
MAX_EXPONENT = 100
FUNCTIONS: Mapping[str, Callable] = {"min": min, "max": max, "abs": abs}

_BINARY = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
}
_UNARY = {ast.USub: "-", ast.UAdd: "+", ast.Not: "not "}
_COMPARE = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}
_NUMBER = re.compile(r"[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9][0-9_]*([eE][-+]?[0-9]+)?")


class ExpressionError(ValueError):
    """An expression was refused; `column` is 1-based within the expression text, `zh` the reason in Chinese."""

    def __init__(self, message: str, column: int = 1, zh: str = ""):
        super().__init__(message)
        self.column = column
        self.zh = zh or message


@dataclass(frozen=True, slots=True)
class Expression:
    """A checked expression: its source, its tree and the names it reads, in order of use."""

    text: str
    tree: ast.expr
    names: tuple[str, ...]


def parse(text: str | int | Decimal) -> Expression:
    """Parse and whitelist an expression, or raise `ExpressionError` saying what is not allowed."""
    if not isinstance(text, str):
        text = str(text)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression is {len(text)} characters long; the limit is {MAX_LENGTH}",
                              zh=f"表达式长 {len(text)} 个字符，上限是 {MAX_LENGTH}")
    try:
        # What Python only warns about (`1if x else 2`, `'\\d'`) is not clean text: as errors,
        # the warnings become located syntax errors instead of a stray line on stderr.
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ExpressionError(f"syntax error: {exc.msg}", exc.offset or 1, f"语法错误：{exc.msg}") from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError("expression is too deeply nested", zh="表达式嵌套太深") from None
    count = sum(1 for _ in ast.walk(tree))
    if count > MAX_NODES:
        raise ExpressionError(f"expression has {count} parts; the limit is {MAX_NODES}",
                              zh=f"表达式有 {count} 个部分，上限是 {MAX_NODES}")
    names: list[str] = []
    _check(tree, text.strip(), names, in_comparison=False)
    return Expression(text, tree, tuple(dict.fromkeys(names)))


def _check(node: ast.AST, source: str, names: list[str], *, in_comparison: bool) -> None:
    """Walk the tree; anything not explicitly handled here is refused."""
    column = getattr(node, "col_offset", 0) + 1
    match node:
        case ast.Constant(value=bool()):
            return
        case ast.Constant(value=int() | float()):
            written = ast.get_source_segment(source, node) or ""
            if not _NUMBER.fullmatch(written):
                raise ExpressionError(f"number {written!r} must be written in decimal", column,
                                      f"数字 {written!r} 必须用十进制写")
            try:  # e.g. 1e99999999999999999999: no Decimal holds it (NaN if not trapped)
                finite = Decimal(written).is_finite()
            except InvalidOperation:
                finite = False
            if not finite:
                raise ExpressionError(f"number {written!r} is out of range", column, f"数字 {written!r} 超出范围")
            return
        case ast.Constant(value=str() as value):
            if not in_comparison:
                raise ExpressionError("text is only allowed in comparisons like rating == 'excellent'", column,
                                      "文本只能用在比较里，如 rating == 'excellent'")
            if len(value) > MAX_TEXT:
                raise ExpressionError(f"text longer than {MAX_TEXT} characters", column, f"文本超过 {MAX_TEXT} 个字符")
            return
        case ast.Name(id=name):
            names.append(name)
            return
        case ast.BinOp(op=ast.Pow(), left=left, right=right):
            _check(left, source, names, in_comparison=False)
            _check(right, source, names, in_comparison=False)
            exponent = literal(right, source)
            if exponent is None or abs(exponent) > MAX_EXPONENT:
                raise ExpressionError(
                    f"the power after ** must be a number from -{MAX_EXPONENT} to {MAX_EXPONENT} written out",
                    getattr(right, "col_offset", 0) + 1,
                    f"** 后面的幂必须直接写成 -{MAX_EXPONENT} 到 {MAX_EXPONENT} 之间的数字",
                )
            return
        case ast.BinOp(op=op, left=left, right=right) if type(op) in _BINARY:
            _check(left, source, names, in_comparison=False)
            _check(right, source, names, in_comparison=False)
            return
        case ast.UnaryOp(op=op, operand=operand) if type(op) in _UNARY:
            _check(operand, source, names, in_comparison=False)
            return
        case ast.BoolOp(values=values):
            for value in values:
                _check(value, source, names, in_comparison=False)
            return
        case ast.IfExp(test=test, body=body, orelse=orelse):
            for part in (test, body, orelse):
                _check(part, source, names, in_comparison=False)
            return
        case ast.Compare(left=left, ops=ops, comparators=comparators):
            for op in ops:
                if type(op) not in _COMPARE:
                    raise ExpressionError(f"operator {type(op).__name__} is not allowed", column,
                                          f"不允许使用运算符 {type(op).__name__}")
            _check(left, source, names, in_comparison=True)
            for op, right in zip(ops, comparators, strict=True):
                if isinstance(op, ast.In | ast.NotIn) and isinstance(right, ast.Tuple | ast.List):
                    for item in right.elts:
                        _check(item, source, names, in_comparison=True)
                else:
                    _check(right, source, names, in_comparison=True)
            return
        case ast.Call(func=ast.Name(id=function), args=args, keywords=[]) if function in FUNCTIONS:
            if any(isinstance(arg, ast.Starred) for arg in args):
                raise ExpressionError("*arguments are not allowed", column, "不允许使用 *参数")
            if function != "abs" and len(args) < 2:
                raise ExpressionError(f"{function}() needs at least two arguments, e.g. {function}(x, 0)", column,
                                      f"{function}() 至少需要两个参数，如 {function}(x, 0)")
            if function == "abs" and len(args) != 1:
                raise ExpressionError("abs() takes exactly one argument", column, "abs() 只接受一个参数")
            for arg in args:
                _check(arg, source, names, in_comparison=False)
            return
        case ast.Call(func=ast.Name(id=function), keywords=[_, *_]) if function in FUNCTIONS:
            raise ExpressionError(f"{function}() takes no keyword arguments", column, f"{function}() 不接受关键字参数")
        case ast.Call(func=ast.Name(id=function)):
            allowed = ", ".join(FUNCTIONS)
            raise ExpressionError(f"function {function}() is not allowed; use {allowed}", column,
                                  f"不允许使用函数 {function}()；可用的有 {allowed}")
        case ast.Call(func=ast.Attribute(attr=attr)) | ast.Attribute(attr=attr):
            raise ExpressionError(f"attribute access (.{attr}) is not allowed", column, f"不允许访问属性（.{attr}）")
    raise ExpressionError(f"{type(node).__name__} is not allowed in an expression", column,
                          f"表达式中不允许出现 {type(node).__name__}")


def literal(node: ast.AST, source: str) -> Decimal | None:
    """The value of a number literal (signed or not) as written; None for anything else."""
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        segment = ast.get_source_segment(source, node)
        return None if segment is None else sign * Decimal(segment.replace("_", ""))
    return None


def emit(expr: Expression, local: Callable[[str], str], constant: Callable[[object], str]) -> str:
    """Python source for `expr`: names become `local(name)`, literals `constant(value)`."""
    source = expr.text.strip()

    def go(node: ast.AST) -> str:
        match node:
            case ast.Constant(value=bool() as value):
                return "True" if value else "False"
            case ast.Constant(value=int() | float()):
                return constant(Decimal(ast.get_source_segment(source, node) or "0"))
            case ast.Constant(value=value):
                return constant(value)
            case ast.Name(id=name):
                return local(name)
            case ast.BinOp(op=ast.Pow(), left=left, right=right):
                return f"_pow({go(left)}, {go(right)})"
            case ast.BinOp(op=op, left=left, right=right):
                return f"({go(left)} {_BINARY[type(op)]} {go(right)})"
            case ast.UnaryOp(op=op, operand=operand):
                return f"({_UNARY[type(op)]}{go(operand)})"
            case ast.BoolOp(op=op, values=values):
                joiner = " and " if isinstance(op, ast.And) else " or "
                return "(" + joiner.join(go(v) for v in values) + ")"
            case ast.IfExp(test=test, body=body, orelse=orelse):
                return f"({go(body)} if {go(test)} else {go(orelse)})"
            case ast.Compare(left=left, ops=ops, comparators=comparators):
                parts = [go(left)]
                for op, right in zip(ops, comparators, strict=True):
                    parts.append(_COMPARE[type(op)])
                    if isinstance(right, ast.Tuple | ast.List):
                        parts.append("(" + "".join(go(item) + ", " for item in right.elts) + ")")
                    else:
                        parts.append(go(right))
                return "(" + " ".join(parts) + ")"
            case ast.Call(func=ast.Name(id=function), args=args):
                return f"_{function}(" + ", ".join(go(a) for a in args) + ")"
        raise AssertionError(f"unchecked node {type(node).__name__}")  # pragma: no cover

    return go(expr.tree)


def to_op(expr: Expression, ref: Callable[[str], Op]) -> Op:
    """The plan IR of a checked expression (engine.model.ops), node for node: names become
    `ref(name)`, number literals exact Decimals as written."""
    # The IR is imported here: checking a policy (`jixiao validate`) parses expressions but builds no plan.
    from engine.model.ops import Arith, Binary, Call, Cmp, Compare, Const, Fn, IfElse, Items, Logic, Sign, Unary

    arith = {ast.Add: Arith.ADD, ast.Sub: Arith.SUB, ast.Mult: Arith.MUL, ast.Div: Arith.DIV,
             ast.FloorDiv: Arith.FLOORDIV, ast.Mod: Arith.MOD, ast.Pow: Arith.POW}
    sign = {ast.USub: Sign.NEG, ast.UAdd: Sign.POS, ast.Not: Sign.NOT}
    cmp = {ast.Eq: Cmp.EQ, ast.NotEq: Cmp.NE, ast.Lt: Cmp.LT, ast.LtE: Cmp.LE, ast.Gt: Cmp.GT, ast.GtE: Cmp.GE,
           ast.In: Cmp.IN, ast.NotIn: Cmp.NOT_IN}
    source = expr.text.strip()

    def go(node: ast.AST) -> Op:
        match node:
            case ast.Constant(value=int() | float()) if not isinstance(node.value, bool):
                return Const(Decimal(ast.get_source_segment(source, node) or "0"))
            case ast.Constant(value=value):
                return Const(value)
            case ast.Name(id=name):
                return ref(name)
            case ast.BinOp(op=op, left=left, right=right):
                return Binary(arith[type(op)], go(left), go(right))
            case ast.UnaryOp(op=op, operand=operand):
                return Unary(sign[type(op)], go(operand))
            case ast.BoolOp(op=op, values=values):
                return Logic("and" if isinstance(op, ast.And) else "or", tuple(go(v) for v in values))
            case ast.IfExp(test=test, body=body, orelse=orelse):
                return IfElse(go(test), go(body), go(orelse))
            case ast.Compare(left=left, ops=ops, comparators=comparators):
                return Compare(go(left), tuple(cmp[type(op)] for op in ops),
                               tuple(Items(tuple(go(item) for item in right.elts))
                                     if isinstance(right, ast.Tuple | ast.List) else go(right)
                                     for right in comparators))
            case ast.Call(func=ast.Name(id=function), args=args):
                return Call(Fn(function), tuple(go(a) for a in args))
        raise AssertionError(f"unchecked node {type(node).__name__}")  # pragma: no cover

    return go(expr.tree)


class PowerTooLarge(simpleeval.NumberTooHigh, ArithmeticError):
    """simpleeval's error for a huge power, also an ArithmeticError so checks catch it as one."""


def safe_pow(base, exponent):
    """`**` with simpleeval's bound, so both evaluators refuse the same huge powers."""
    if abs(base) > MAX_POWER or abs(exponent) > MAX_POWER:
        raise PowerTooLarge(
            f"Sorry! I don't want to evaluate {base} ** {exponent}"
        )
    return base**exponent


RUNTIME: Mapping[str, object] = {
    "__builtins__": {},
    "_pow": safe_pow,
    "_min": min,
    "_max": max,
    "_abs": abs,
}


def compile_expression(expr: Expression) -> Callable[[Mapping[str, object]], object]:
    """A fast callable for one expression, taking a mapping of declared names to values."""
    constants: list[object] = []

    def constant(value: object) -> str:
        constants.append(value)
        return f"_k[{len(constants) - 1}]"

    body = emit(expr, lambda name: f"_n[{name!r}]", constant)
    scope = dict(RUNTIME, _k=tuple(constants))
    return eval(f"lambda _n: {body}", scope)  # safe: built only from whitelisted nodes


class _DecimalEval(simpleeval.EvalWithCompoundTypes):
    """simpleeval reading number literals as exact Decimals, as the compiled path does."""

    def _eval_constant(self, node):
        value = super()._eval_constant(node)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Decimal(repr(value))
        return value


def reference_eval(expr: Expression, names: Mapping[str, object]) -> object:
    """Evaluate with simpleeval itself: the reference the compiled path must agree with."""
    evaluator = _DecimalEval(functions=dict(FUNCTIONS), names=dict(names))
    return evaluator.eval(expr.text.strip())
