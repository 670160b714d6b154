"""Fuzz target 2: the expression compiler, against simpleeval as the reference.

Two properties. Any text at all: `parse` returns an Expression (which then compiles) or raises
`ExpressionError`, within the time bound, never another exception. Random expression trees over
declared names: the compiled function (`compile_expression`, the path evaluation uses) and
simpleeval (`reference_eval`) give the same value of the same type, or both refuse in the same
way. simpleeval reads a literal like `0.1000000000000000000001` through float, so literals here
are only those a float holds exactly (up to 15 significant digits) — where simpleeval is exact.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

import simpleeval
from fuzz_support import bounded, fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from engine.policy.expr import ExpressionError, compile_expression, parse, reference_eval
from engine.policy.runtime import CONTEXT

D = Decimal

# Characters and tokens expressions are made of, so random text is mostly near-valid.
_TOKENS = ["a", "b", "c", "g", "r", " ", "(", ")", ",", ".", "_", "e", "0", "1", "9", "+", "-", "*", "/", "//",
           "%", "**", "<", "<=", "==", "!=", " if ", " else ", " and ", " or ", "not ", " in ", "min", "max",
           "abs", "'", '"', "[", "]", "{", "}", ":", "lambda", "x.y", "__", "@", "~", "<<", "|", "^", "\\", "\n",
           "#", "1e999", "1_000", "0x1", "0b1", "07", "1j", "=", ":=", "*a", "**k", "\x00", "中", "é", "…"]
any_text = st.one_of(
    st.lists(st.sampled_from(_TOKENS), max_size=40).map("".join),
    st.text(max_size=60),
    st.integers(0, 60).map(lambda depth: "(" * depth + "1" + ")" * depth),
    st.integers(0, 400).map(lambda n: "-" * n + "1"),
    st.integers(1, 300).map(lambda n: "+".join(["a"] * n)),
)


def parse_or_refuse(text: str) -> None:
    """Property: parsed and compiled, or ExpressionError; nothing else, and fast."""
    with bounded("parse"):
        try:
            expr = parse(text)
        except ExpressionError as error:
            assert error.column >= 1, error.column
            return
        compile_expression(expr)


def _exact_literal(value: Decimal) -> str | None:
    """`value` as a literal simpleeval reads exactly (through float), else None."""
    text = format(value, "f")
    try:
        exact = D(repr(float(text))) == D(text)
    except (ValueError, OverflowError):
        return None
    return text if exact else None


_decimals = st.decimals(min_value=-10**9, max_value=10**9, places=6, allow_nan=False, allow_infinity=False)
literals = st.one_of(
    st.integers(0, 10**12).map(str),
    _decimals.map(abs).map(_exact_literal).filter(lambda text: text is not None),
    st.sampled_from(["0", "1", "0.5", "0.1", "100", "1e3", "2.5e-3", "1_000", "0.000001", "1e15", "123456789012345"]),
)
numbers = st.one_of(
    st.sampled_from([D(0), D(1), D(-1), D("0.5"), D("-0"), D(10) ** 27, D("1E-20"), D("0.001")]),
    _decimals,
)
texts = st.sampled_from(["probation", "agent", "A1", ""])


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds("({} {} {})".format, inner, st.sampled_from(["+", "-", "*", "/", "//", "%"]), inner),
        st.builds("({} ** {})".format, inner,
                  st.sampled_from(["0", "1", "2", "3", "-1", "0.5", "-2", "10", "100", "-0.5"])),
        st.builds("({} {} {})".format, inner, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), inner),
        st.builds("({} < {} <= {})".format, inner, inner, inner),
        st.builds("({} if {} else {})".format, inner, inner, inner),
        st.builds("({} {} {})".format, inner, st.sampled_from(["and", "or"]), inner),
        st.builds("(not {})".format, inner),
        st.builds("(-{})".format, inner),
        st.builds("(+{})".format, inner),
        st.builds("abs({})".format, inner),
        st.builds("{}({})".format, st.sampled_from(["min", "max"]), st.lists(inner, min_size=2, max_size=4).map(
            ", ".join)),
        st.builds("({} {} ({},))".format, inner, st.sampled_from(["in", "not in"]),
                  st.lists(inner, min_size=1, max_size=3).map(", ".join)),
        st.builds("(r {} {!r})".format, st.sampled_from(["==", "!="]), texts),
        st.builds("(r in ({!r}, {!r}))".format, texts, texts),
    )


expressions = st.recursive(st.one_of(literals, st.sampled_from(["a", "b", "c", "g", "True", "False"])), _extend,
                           max_leaves=10)


@st.composite
def cases(draw) -> tuple[str, dict[str, object]]:
    names = {"a": draw(numbers), "b": draw(numbers), "c": draw(numbers), "g": draw(st.booleans()),
             "r": draw(st.one_of(texts, st.none()))}
    return draw(expressions), names


def _outcome(run) -> tuple[str, object]:
    """("value", v), or the kind of refusal: a huge power, other arithmetic, mixed types."""
    try:
        with decimal.localcontext(CONTEXT):
            return ("value", run())
    except simpleeval.NumberTooHigh:
        return ("error", "power too large")
    except ArithmeticError:  # decimal signals; ZeroDivisionError from bool // bool
        return ("error", "arithmetic")
    except TypeError:  # text in arithmetic, bool / bool is a float, float ** Decimal
        return ("error", "type")


def agree(case: tuple[str, dict[str, object]]) -> None:
    """Property: the compiled expression and simpleeval give the same answer or the same refusal."""
    text, names = case
    with bounded("compiled vs simpleeval"):
        expr = parse(text)  # everything generated is inside the language
        ours = _outcome(lambda: compile_expression(expr)(names))
        theirs = _outcome(lambda: reference_eval(expr, names))
    assert ours[0] == theirs[0], (text, names, ours, theirs)
    if ours[0] == "value":
        assert type(ours[1]) is type(theirs[1]), (text, names, ours, theirs)
        assert ours[1] == theirs[1] or (ours[1] != ours[1] and theirs[1] != theirs[1]), (text, names, ours, theirs)
    else:
        assert ours == theirs, (text, names, ours, theirs)


@fuzz_settings(1000)
@given(any_text)
def test_any_text_parses_or_is_refused(text):
    parse_or_refuse(text)


@fuzz_settings(600)
@given(cases())
def test_compiled_expressions_agree_with_simpleeval(case):
    agree(case)
