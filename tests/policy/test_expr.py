"""The expression sandbox: what a policy formula may say, what it may not, and exact answers.

Formulas come from untrusted policy files, so `parse` admits only a whitelist (arithmetic,
comparisons, `x if c else y`, and/or/not, min/max/abs, declared names). Every literal is an
exact Decimal, so S2.3's commission, 350 × 2%, is 7.00 and not 7.000000000000001. The compiled
path (`compile_expression`) and simpleeval (`reference_eval`) must agree on every expression: a
hypothesis property below generates random ones and holds them to the same answers.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
import simpleeval
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.policy.expr import (
    MAX_LENGTH,
    MAX_NODES,
    MAX_TEXT,
    ExpressionError,
    PowerTooLarge,
    compile_expression,
    parse,
    reference_eval,
)
from engine.policy.runtime import CONTEXT

D = Decimal


def run(text: str, **names: object) -> object:
    """The compiled answer, checked against simpleeval's, under the engine's decimal context."""
    expr = parse(text)
    with decimal.localcontext(CONTEXT):
        ours = compile_expression(expr)(names)
        theirs = reference_eval(expr, names)
    assert type(ours) is type(theirs)
    assert ours == theirs
    return ours


def refusal(text: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    return caught.value


# -- allowed ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("1 + 2 * 3", {}, D(7)),
        ("(1 + 2) * 3", {}, D(9)),
        ("7 / 2", {}, D("3.5")),
        ("7 // 2", {}, D(3)),
        ("-7 // 2", {}, D(-3)),  # Decimal truncates toward zero
        ("7 % 3", {}, D(1)),
        ("-7 % 3", {}, D(-1)),
        ("2 ** 10", {}, D(1024)),
        ("2 ** -1", {}, D("0.5")),
        ("-a", {"a": D(5)}, D(-5)),
        ("+a", {"a": D("1.5")}, D("1.5")),
        ("a - b", {"a": D(1), "b": D(3)}, D(-2)),
        ("1_000 + 1e3", {}, D(2000)),
        (".5 + 0.5", {}, D(1)),
    ],
)
def test_arithmetic(text, names, expected):
    assert run(text, **names) == expected


def test_literals_are_exact_decimals():
    """0.1 + 0.2 is exactly 0.3: number literals never pass through float."""
    assert run("0.1 + 0.2") == D("0.3")
    assert str(run("0.1 + 0.2")) == "0.3"
    assert str(run("1.50 + 0")) == "1.50"  # the written exponent is kept, as in the loader
    assert type(run("3")) is Decimal


def test_S2_3_commission_350_at_2_percent_is_7_00():
    """S2.3: 350 yuan of sales at 2% → 7.00 yuan, exactly."""
    assert str(run("sales * 0.02", sales=D(350))) == "7.00"


def test_S0_2_pay_formula():
    """S0.2: base pay + score/100 × team per-capita sales × commission rate."""
    names = {"base": D(2000), "score": D("85.5"), "team_sales": D("120000"), "rate": D("0.002")}
    assert run("base + score / 100 * team_sales * rate", **names) == D("2205.2000")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 < 2", True),
        ("2 <= 2", True),
        ("3 > 4", False),
        ("3 >= 4", False),
        ("a == 1", True),
        ("a != 1", False),
        ("1 < 2 < 3", True),
        ("1 < 3 < 2", False),
        ("0 <= a <= 1", True),
        ("a < 2 > 0", True),
    ],
)
def test_comparisons_including_chained(text, expected):
    assert run(text, a=D("1.0")) is expected


@pytest.mark.parametrize(
    ("role", "attainment", "expected"),
    [("probation", D("1.3"), D(0)), ("agent", D("1.3"), D("1.3"))],
)
def test_S0_3_probation_stays_in_tier_one(role, attainment, expected):
    """S0.3: the S0 policy's rate selector, `0 if role == 'probation' else attainment`."""
    assert run("0 if role == 'probation' else attainment", role=role, attainment=attainment) == expected


def test_and_or_not_return_what_python_returns():
    assert run("a > 0 and b > 0", a=D(1), b=D(-1)) is False
    assert run("a > 0 or b > 0", a=D(1), b=D(-1)) is True
    assert run("not a", a=D(0)) is True
    assert run("a and b", a=D(2), b=D(3)) == D(3)
    assert run("a or b", a=D(0), b=D(3)) == D(3)


def test_boolean_operators_short_circuit():
    """`b > 0 and a / b > 1` never divides by zero."""
    assert run("b > 0 and a / b > 1", a=D(1), b=D(0)) is False
    assert run("a if b == 0 else a / b", a=D(4), b=D(0)) == D(4)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("min(a, 40) / 8", D(5)),  # S0 KPI 7: one point per 8 cases, full marks at 40
        ("min(a, b, 3)", D(-2)),
        ("max(a, b)", D(60)),
        ("max(0, b)", D(0)),
        ("abs(b)", D(2)),
        ("abs(a - 100)", D(40)),
    ],
)
def test_min_max_abs(text, expected):
    assert run(text, a=D(60), b=D(-2)) == expected


@pytest.mark.parametrize(
    ("text", "role", "expected"),
    [
        ("role in ('agent', 'probation')", "agent", True),
        ("role in ('agent', 'probation')", "supervisor", False),
        ("role not in ('agent',)", "probation", True),
        ("role in ['agent']", "agent", True),
    ],
)
def test_role_membership(text, role, expected):
    assert run(text, role=role, grade="A0") is expected


def test_names_are_listed_once_in_order_of_use():
    assert parse("b + a * b - min(c, a)").names == ("b", "a", "c")
    assert parse("x if c else y").names == ("c", "x", "y")
    assert parse("1 + 2").names == ()


def test_non_text_input_is_parsed_as_its_text():
    """A YAML `formula: 10` or `on: 0.5` arrives as int or Decimal."""
    assert run_expr(parse(10)) == D(10)
    assert str(run_expr(parse(D("0.50")))) == "0.50"
    assert parse("  a + 1  ").names == ("a",)


def run_expr(expr) -> object:
    with decimal.localcontext(CONTEXT):
        return compile_expression(expr)({})


def test_division_by_zero_raises_a_decimal_error():
    with decimal.localcontext(CONTEXT), pytest.raises(decimal.DivisionByZero):
        compile_expression(parse("a / b"))({"a": D(1), "b": D(0)})
    with decimal.localcontext(CONTEXT), pytest.raises(decimal.InvalidOperation):
        compile_expression(parse("a / b"))({"a": D(0), "b": D(0)})


def test_huge_power_is_refused_as_an_arithmetic_error():
    """Both evaluators refuse the same powers; ours is also an ArithmeticError, so `check`
    reports `4000001 ** 2` as JX215 instead of crashing."""
    expr = parse("4000001 ** 2")
    with pytest.raises(PowerTooLarge) as caught:
        compile_expression(expr)({})
    assert isinstance(caught.value, ArithmeticError)
    assert isinstance(caught.value, simpleeval.NumberTooHigh)
    with pytest.raises(simpleeval.NumberTooHigh):
        reference_eval(expr, {})


# -- refused ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("a.b", "attribute access (.b) is not allowed", 1),
        ("a + b.c", "attribute access (.c) is not allowed", 5),
        ("().__class__.__bases__", "attribute access (.__bases__) is not allowed", 1),
        ("'x'.ljust(10**9)", "attribute access (.ljust) is not allowed", 1),
        ("x[0]", "Subscript is not allowed in an expression", 1),
        ("lambda: 1", "Lambda is not allowed in an expression", 1),
        ("(lambda: 1)()", "Call is not allowed in an expression", 1),
        ("[x for x in y]", "ListComp is not allowed in an expression", 1),
        ("{x: 1 for x in y}", "DictComp is not allowed in an expression", 1),
        ("(x for x in y)", "GeneratorExp is not allowed in an expression", 1),
        ("(x := 1)", "NamedExpr is not allowed in an expression", 2),
        ("f'{a}'", "JoinedStr is not allowed in an expression", 1),
        ("len(a)", "function len() is not allowed; use min, max, abs", 1),
        ("__import__('os')", "function __import__() is not allowed; use min, max, abs", 1),
        ("1 + round(a)", "function round() is not allowed; use min, max, abs", 5),
        ("min(a, key=b)", "min() takes no keyword arguments", 1),
        ("max(a, **b)", "max() takes no keyword arguments", 1),
        ("min(*a)", "*arguments are not allowed", 1),
        ("max(a, *b)", "*arguments are not allowed", 1),
        ("min()", "min() needs at least two arguments, e.g. min(x, 0)", 1),
        ("min(score)", "min() needs at least two arguments, e.g. min(x, 0)", 1),
        ("1 + max(x)", "max() needs at least two arguments, e.g. max(x, 0)", 5),
        ("abs()", "abs() takes exactly one argument", 1),
        ("2 ** x", "the power after ** must be a number from -100 to 100 written out", 6),
        ("2 ** 101", "the power after ** must be a number from -100 to 100 written out", 6),
        ("2 ** -101", "the power after ** must be a number from -100 to 100 written out", 6),
        ("10 ** 10 ** 10", "the power after ** must be a number from -100 to 100 written out", 7),
        ("2 ** (1 + 1)", "the power after ** must be a number from -100 to 100 written out", 7),
        ("abs(1, 2)", "abs() takes exactly one argument", 1),
        ("'a' + 'b'", "text is only allowed in comparisons like rating == 'excellent'", 1),
        ("'ab' * 3", "text is only allowed in comparisons like rating == 'excellent'", 1),
        ("min('a', 1)", "text is only allowed in comparisons like rating == 'excellent'", 5),
        ("0x10", "number '0x10' must be written in decimal", 1),
        ("0o7", "number '0o7' must be written in decimal", 1),
        ("1 + 0b1", "number '0b1' must be written in decimal", 5),
        ("a * 1e99999999999999999999", "number '1e99999999999999999999' is out of range", 5),
        ("1j", "Constant is not allowed in an expression", 1),
        ("None", "Constant is not allowed in an expression", 1),
        ("a is b", "operator Is is not allowed", 1),
        ("a @ b", "BinOp is not allowed in an expression", 1),
        ("a << 1", "BinOp is not allowed in an expression", 1),
        ("a & b", "BinOp is not allowed in an expression", 1),
        ("~a", "UnaryOp is not allowed in an expression", 1),
        ("(1, 2)", "Tuple is not allowed in an expression", 1),
        ("[1]", "List is not allowed in an expression", 1),
        ("{}", "Dict is not allowed in an expression", 1),
        ("(yield)", "Yield is not allowed in an expression", 2),
        ("1 +", "syntax error: invalid syntax", 1),
        ("", "syntax error: invalid syntax", 1),
    ],
)
def test_refused(text, message, column):
    error = refusal(text)
    assert str(error) == message
    assert error.column == column


def test_text_in_comparison_is_limited_in_length():
    assert parse("role == '" + "x" * MAX_TEXT + "'").names == ("role",)
    error = refusal("role == '" + "x" * (MAX_TEXT + 1) + "'")
    assert (str(error), error.column) == (f"text longer than {MAX_TEXT} characters", 9)


def test_too_long():
    at_limit = "1" + " " * (MAX_LENGTH - 1)
    assert parse(at_limit).names == ()
    assert str(refusal(at_limit + " ")) == (
        f"expression is {MAX_LENGTH + 1} characters long; the limit is {MAX_LENGTH}"
    )


def test_too_many_nodes():
    """`a+a+…` under 1000 characters can still be too big a tree."""
    small = "+".join(["a"] * 20)
    assert parse(small).names == ("a",)
    big = "+".join(["a"] * 151)
    assert len(big) <= MAX_LENGTH
    assert str(refusal(big)).endswith(f"parts; the limit is {MAX_NODES}")


# -- the property: compiled == simpleeval on random expressions ---------------------------------


def decimals(max_digits: int = 6) -> st.SearchStrategy[Decimal]:
    """Decimals with at most `max_digits` significant digits, zero and negatives included."""
    scaled = st.builds(
        lambda mantissa, places: D(mantissa).scaleb(-places),
        st.integers(-(10**max_digits) + 1, 10**max_digits - 1),
        st.integers(0, max_digits),
    )
    return st.one_of(st.sampled_from([D(0), D(1), D(-1), D("0.5")]), scaled)


def literal(value: Decimal) -> str:
    return format(value, "f")


number_literals = st.one_of(
    decimals().map(abs).map(literal),
    st.builds(lambda m, e: f"{m}e{e}", st.integers(0, 999_999), st.integers(-4, 4)),
)
names = st.sampled_from(["a", "b", "c"])
leaves = st.one_of(number_literals, names, st.sampled_from(["True", "False"]))
exponents = st.sampled_from(["0", "1", "2", "3", "-1", "-2", "0.5"])


def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.sampled_from(["+", "-", "*", "/", "//", "%"])
    compare = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
    return st.one_of(
        st.builds(lambda x, op, y: f"({x} {op} {y})", inner, binary, inner),
        st.builds(lambda x, k: f"({x} ** {k})", inner, exponents),
        st.builds(lambda x, op, y: f"({x} {op} {y})", inner, compare, inner),
        st.builds(lambda x, y, z: f"({x} < {y} <= {z})", inner, inner, inner),
        st.builds(lambda x, c, y: f"({x} if {c} else {y})", inner, inner, inner),
        st.builds(lambda x, op, y: f"({x} {op} {y})", inner, st.sampled_from(["and", "or"]), inner),
        st.builds(lambda x: f"(not {x})", inner),
        st.builds(lambda x: f"(-{x})", inner),
        st.builds(lambda x: f"abs({x})", inner),
        st.builds(
            lambda f, xs: f"{f}({', '.join(xs)})",
            st.sampled_from(["min", "max"]),
            st.lists(inner, min_size=2, max_size=3),
        ),
        st.builds(
            lambda x, op, xs: f"({x} {op} ({', '.join(xs)},))",
            inner,
            st.sampled_from(["in", "not in"]),
            st.lists(inner, min_size=1, max_size=3),
        ),
    )


expressions = st.recursive(leaves, extend, max_leaves=12)


def outcome(evaluate) -> tuple[str, object]:
    """("value", v), or the kind of refusal: a huge power, other arithmetic, mixed types."""
    try:
        with decimal.localcontext(CONTEXT):
            return ("value", evaluate())
    except simpleeval.NumberTooHigh:
        return ("error", "power too large")
    except ArithmeticError:  # decimal signals, ZeroDivisionError from bool // bool
        return ("error", "arithmetic")
    except TypeError:  # True / True is a float, and float ** Decimal has no meaning
        return ("error", "type")


@settings(max_examples=300, deadline=None)
@given(text=expressions, a=decimals(), b=decimals(), c=decimals())
def test_compiled_expressions_agree_with_simpleeval(text, a, b, c):
    expr = parse(text)  # everything generated is inside the language
    bound = {"a": a, "b": b, "c": c}
    ours = outcome(lambda: compile_expression(expr)(bound))
    theirs = outcome(lambda: reference_eval(expr, bound))
    assert ours[0] == theirs[0], (ours, theirs)
    if ours[0] == "value":
        assert type(ours[1]) is type(theirs[1]), (ours, theirs)
        assert ours[1] == theirs[1], (ours, theirs)
    else:
        assert ours == theirs


@pytest.mark.parametrize(("text", "reason"), [
    ("1if m else 2", "invalid decimal literal"),
    ('"\\d" == role', "invalid escape sequence"),
])
def test_what_python_only_warns_about_is_refused_with_a_location_and_no_warning(text, reason):
    """Fuzz finding F16: ast.parse printed SyntaxWarnings with no file or line, and accepted the text."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning escaping parse() would fail the test here
        with pytest.raises(ExpressionError) as caught:
            parse(text)
    assert reason in str(caught.value) and caught.value.zh.startswith("语法错误：")


def test_every_refusal_has_a_chinese_reason():
    for text in ["x.y", "min(score)", "abs(1, 2)", "f(x)", "'a' + 1", "x ** y", "[1]", "0x10", "1" * 1001]:
        with pytest.raises(ExpressionError) as caught:
            parse(text)
        assert caught.value.zh != str(caught.value), text
