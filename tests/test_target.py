import builtins
import cmath
import importlib
import operator
import re
from typing import NamedTuple

import numpy as np
import pytest
import sympy as sp
import sympy.parsing.sympy_parser as sympy_parser
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from symmlp.explore.target import (
    MAX_DEPTH,
    MAX_LENGTH,
    TargetSyntaxError,
    parse_target,
    target_function,
)

core_sympify = importlib.import_module("sympy.core.sympify")  # the module, not the function
x1, x2, x3 = sp.symbols("x_1 x_2 x_3")
half = sp.Rational(1, 2)


def parse(text, n_inputs=1):
    return parse_target(text, n_inputs)[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x", x1),
        ("x1", x1),
        ("x_1", x1),
        ("sin(3*x)", sp.sin(3 * x1)),
        ("exp(-x**2/2)", sp.exp(-(x1**2) / 2)),
        ("abs(x) - 2.5e-3", sp.Abs(x1) - sp.Rational(1, 400)),
        ("cos(x) + tan(x) - log(x)", sp.cos(x1) + sp.tan(x1) - sp.log(x1)),
        ("sqrt(x)*tanh(x)", sp.sqrt(x1) * sp.tanh(x1)),
        ("sinh(x)/cosh(x)", sp.sinh(x1) / sp.cosh(x1)),
        ("sigmoid(x)", 1 / (1 + sp.exp(-x1))),
        ("relu(x - 1)", sp.Max(0, x1 - 1)),
        ("relu(-2)", sp.Integer(0)),
        ("pi*x + e", sp.pi * x1 + sp.E),
        ("e**x", sp.exp(x1)),
        ("  sin ( x )\t", sp.sin(x1)),
        ("sin(cos(exp(x)))", sp.sin(sp.cos(sp.exp(x1)))),
        ("x**0.5", sp.sqrt(x1)),
        ("exp(709)*x", sp.exp(709) * x1),
        ("3700**0.976", sp.Integer(3700) ** sp.Rational(122, 125)),
        ("x**10**10", x1**10000000000),
        ("sin(10**300)", sp.sin(sp.Integer(10) ** 300)),
    ],
)
def test_parse_single_input(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x1*x2 + 0.5", x1 * x2 + half),
        ("x_1 - x2", x1 - x2),
        ("x3**2 - x1/x2", x3**2 - x1 / x2),
        ("sin(x1)*cos(x2*x3)", sp.sin(x1) * sp.cos(x2 * x3)),
    ],
)
def test_parse_several_inputs(text, expected):
    assert parse(text, n_inputs=3) == expected


def test_symbols_are_named_like_the_rest_of_symmlp():
    assert parse_target("x")[1] == (sp.Symbol("x_1"),)
    assert parse_target("x1", n_inputs=3)[1] == (x1, x2, x3)
    assert parse_target("1", n_inputs=2) == (sp.Integer(1), (x1, x2))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-x**2", -(x1**2)),
        ("-2**2", sp.Integer(-4)),
        ("(-2)**2", sp.Integer(4)),
        ("2**3**2", sp.Integer(512)),
        ("2**x**2", 2 ** (x1**2)),
        ("2**-1", half),
        ("2**-x", 2 ** (-x1)),
        ("1/2**-1", sp.Integer(2)),
        ("x - 1 - 1", x1 - 2),
        ("8/4/2", sp.Integer(1)),
        ("x/2*3", 3 * x1 / 2),
        ("2*x**2", 2 * x1**2),
        ("1 + 2*3", sp.Integer(7)),
        ("(1 + 2)*3", sp.Integer(9)),
        ("--x", x1),
        ("-+-x", x1),
        ("+x", x1),
        ("x*-1", -x1),
        ("-x*-x", x1**2),
        ("-(x + 1)", -x1 - 1),
    ],
)
def test_precedence(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.1", sp.Rational(1, 10)),
        ("0.1 + 0.2", sp.Rational(3, 10)),
        ("2.5e-3", sp.Rational(1, 400)),
        ("1E-2", sp.Rational(1, 100)),
        (".5", half),
        ("5.", sp.Integer(5)),
        ("1e3", sp.Integer(1000)),
        ("1.25e+2", sp.Integer(125)),
        ("3.14159", sp.Rational(314159, 100000)),
        ("007", sp.Integer(7)),
        ("123456789012345678901234567890", sp.Integer(123456789012345678901234567890)),
    ],
)
def test_decimals_are_exact(text, expected):
    value = parse(text)
    assert isinstance(value, sp.Rational)
    assert value == expected


HOSTILE = [
    ("__import__('os').system('echo hi')", "'__import__'", 1),
    ("x.__class__", "'.'", 2),
    ("lambda: 1", "'lambda'", 1),
    ("open('f')", "'open'", 1),
    ("[x]", "'['", 1),
    ("{x}", "'{'", 1),
    ("x; y", "';'", 2),
    ("exec('1')", "'exec'", 1),
    ("eval('x')", "'eval'", 1),
    ("getattr(x, 'y')", "'getattr'", 1),
    ("1e999999", "'1e999999'", 1),
    ("1e-999999", "'1e-999999'", 1),
    ("9" * 400, repr("9" * 400), 1),
    ("2^x", "'^'", 2),
    ("x = 1", "'='", 3),
    ("x == 1", "'='", 3),
    ("os", "'os'", 1),
    ("y", "'y'", 1),
    ("sin(y)", "'y'", 5),
    ("'x'", repr("'"), 1),
    ('"x"', repr('"'), 1),
    ("sin(x, x)", "','", 6),
    ("x @ x", "'@'", 3),
    ("x % 2", "'%'", 3),
    ("x if x else 1", "'if'", 3),
    ("2x", "'x'", 2),
    ("x(2)", "'('", 2),
    ("sin", "'sin'", 1),
    ("sin x", "'sin'", 1),
    ("Sin(x)", "'Sin'", 1),
    ("foo(x)", "'foo'", 1),
    ("", "end of text", 1),
    ("   ", "end of text", 4),
    ("x +", "end of text", 4),
    ("x**", "end of text", 4),
    ("sin(x", "end of text", 6),
    ("((x)", "end of text", 5),
    ("x)", "')'", 2),
    ("(x))", "')'", 4),
    (")", "')'", 1),
    ("()", "')'", 2),
    ("x * * x", "'*'", 5),
    ("x // 2", "'/'", 4),
    ("1/0", "'/'", 2),
    ("log(0)", "'log'", 1),
    ("sqrt(-1)", "'sqrt'", 1),
    ("(-8)**(1/3)", "'**'", 5),
    ("2**2**100", "'**'", 2),
    ("(2*x)**10**10", "'**'", 6),
    ("x**(2**2**100)", "'**'", 6),
    ("3700**0.123456789", "'**'", 5),
    ("exp(710)", "'exp'", 1),
    ("1e300*1e300", "'*'", 6),
    ("x*10**400", "'**'", 5),
    ("exp(exp(exp(9)))", "'exp'", 5),
    ("sqrt(sin(exp(exp(exp(5)))))", "'exp'", 10),
    ("relu(sin(exp(exp(exp(9)))))", "'exp'", 14),
    ("relu(sin(pi/7)**2 + cos(pi/7)**2 - 1)", "'relu'", 1),
    ("x\x00", repr("\x00"), 2),
    ("π*x", "'π'", 1),
]


@pytest.mark.parametrize(("text", "token", "column"), HOSTILE)
def test_hostile_text_is_refused(text, token, column):
    with pytest.raises(TargetSyntaxError) as info:
        parse_target(text)
    message = str(info.value)
    assert message.startswith(f"refused {token} at column {column}: ")
    assert "allowed variables: x (or x1)" in message
    assert "functions: abs, cos, cosh, exp, log, relu, sigmoid, sin, sinh, sqrt, tan, tanh" in message


def test_error_is_a_value_error_with_helpful_reasons():
    assert issubclass(TargetSyntaxError, ValueError)
    reasons = {
        "2^x": "write powers with '**'",
        "x.real": "attribute access is not allowed",
        "[x]": "brackets are not allowed",
        "lambda: 1": "keywords are not allowed",
        "os": "unknown name",
        "open(1)": "unknown function",
        "": "empty expression",
        "2x": "implicit multiplication is not allowed",
        "x)": "unbalanced ')'",
        "sin(x": "missing ')' to close '(' at column 4",
        "1e999999": "number out of range",
        "1/0": "infinite or undefined",
        "log(-1)": "non-real constant",
        "2**2**100": "power too large",
        "exp(1000)": "exceeds the float64 range",
    }
    for text, reason in reasons.items():
        with pytest.raises(TargetSyntaxError, match=re.escape(reason)):
            parse_target(text)


def test_variables_depend_on_n_inputs():
    with pytest.raises(TargetSyntaxError) as info:
        parse_target("x1 + x3", n_inputs=2)
    assert str(info.value).startswith("refused 'x3' at column 6: unknown name; allowed variables: x1, x2;")
    with pytest.raises(TargetSyntaxError, match="refused 'x' at column 1"):
        parse_target("x", n_inputs=2)
    with pytest.raises(TargetSyntaxError, match="refused 'x2'"):
        parse_target("x2")
    with pytest.raises(TargetSyntaxError, match=r"allowed variables: x1, x2, \.\.\., x9;"):
        parse_target("x10", n_inputs=9)


@pytest.mark.parametrize("n_inputs", [0, -1, 1.5, True, "2"])
def test_bad_n_inputs(n_inputs):
    with pytest.raises(ValueError, match="n_inputs must be an integer >= 1") as info:
        parse_target("x", n_inputs)
    assert not isinstance(info.value, TargetSyntaxError)


def test_text_must_be_a_string():
    with pytest.raises(TypeError):
        parse_target(b"x")


def test_length_limit():
    text = "x" + "+x" * ((MAX_LENGTH - 1) // 2)
    text += " " * (MAX_LENGTH - len(text))
    assert len(text) == MAX_LENGTH
    assert parse(text) == (MAX_LENGTH // 2) * x1
    with pytest.raises(TargetSyntaxError, match=f"longer than {MAX_LENGTH} characters"):
        parse_target(text + " ")


def test_depth_limit():
    assert parse("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH) == x1
    assert parse("sin(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH) is not None
    assert parse("-" * MAX_DEPTH + "x") == x1
    too_deep = [
        "(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1),
        "sin(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1),
        "-" * (MAX_DEPTH + 1) + "x",
        "x" + "**x" * (MAX_DEPTH + 1),
    ]
    for text in too_deep:
        with pytest.raises(TargetSyntaxError, match=f"nesting deeper than {MAX_DEPTH} levels"):
            parse_target(text)


def test_never_evaluates_text(monkeypatch):
    expected = sp.Max(0, -x1) * sp.sqrt(sp.Abs(x1)) + 1 / (1 + sp.exp(-x1)) - sp.pi**sp.E / 400

    def forbidden(*args, **kwargs):
        raise AssertionError("text evaluation was called")

    real_sympify = core_sympify.sympify

    def sympify_without_text(a, *args, **kwargs):
        if isinstance(a, str):
            raise AssertionError("sympify was called on text")
        return real_sympify(a, *args, **kwargs)

    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, forbidden)
    monkeypatch.setattr(sp, "sympify", forbidden)
    monkeypatch.setattr(sp, "parse_expr", forbidden)
    monkeypatch.setattr(core_sympify, "sympify", sympify_without_text)
    monkeypatch.setattr(sympy_parser, "parse_expr", forbidden)
    monkeypatch.setattr(sympy_parser, "eval_expr", forbidden)

    text = "sigmoid(x) + relu(-x)*sqrt(abs(x1)) - 2.5e-3*pi**e"
    assert parse(text) == expected
    with pytest.raises(TargetSyntaxError):
        parse_target("__import__('os').system('echo hi')")


def test_target_function_evaluates_like_numpy():
    X = np.linspace(-2, 2, 9).reshape(-1, 1)
    x = X[:, 0]
    f = target_function("sin(3*x) + relu(x) - sigmoid(x) + abs(x)**0.5")
    expected = np.sin(3 * x) + np.maximum(0, x) - 1 / (1 + np.exp(-x)) + np.sqrt(np.abs(x))
    y = f(X)
    assert y.shape == (9,) and y.dtype == np.float64
    np.testing.assert_allclose(y, expected)
    np.testing.assert_allclose(f(x), expected)
    assert f.expr == parse("sin(3*x) + relu(x) - sigmoid(x) + abs(x)**0.5")
    assert f.symbols == (x1,)


def test_target_function_several_inputs_and_constants():
    X = np.array([[1.0, 2.0], [3.0, -1.0], [0.0, 5.0]])
    np.testing.assert_allclose(target_function("x1*x2 + 0.5", 2)(X), [2.5, -2.5, 0.5])
    np.testing.assert_allclose(target_function("x2", 2)(X), X[:, 1])
    constant = target_function("pi", 2)(X)
    assert constant.shape == (3,)
    np.testing.assert_allclose(constant, np.pi)
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\)"):
        target_function("x1", 2)(np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\)"):
        target_function("x1", 2)(np.zeros(3))
    with pytest.raises(TargetSyntaxError):
        target_function("x3", 2)


# Round trip: random expression trees are printed to text, which must parse back to
# exactly the SymPy expression built from the tree.  Each node also carries the
# floating-point value of its constant subtree.  Status "bad" (the parser must refuse:
# infinite, undefined or non-real constant), "range" (float evaluation overflowed or
# divided by zero, so the parser may refuse) and "skip" (too big to build) propagate
# to the parents.

FUNCS = {
    "abs": (sp.Abs, abs),
    "cos": (sp.cos, cmath.cos),
    "cosh": (sp.cosh, cmath.cosh),
    "exp": (sp.exp, cmath.exp),
    "log": (sp.log, cmath.log),
    "relu": (lambda t: sp.Max(0, t), lambda z: max(0.0, z.real)),
    "sigmoid": (lambda t: 1 / (1 + sp.exp(-t)), lambda z: 1 / (1 + cmath.exp(-z))),
    "sin": (sp.sin, cmath.sin),
    "sinh": (sp.sinh, cmath.sinh),
    "sqrt": (sp.sqrt, cmath.sqrt),
    "tan": (sp.tan, cmath.tan),
    "tanh": (sp.tanh, cmath.tanh),
}
SPACES = st.sampled_from(["", " ", "  "])


class Node(NamedTuple):
    text: str
    expr: sp.Expr | None
    prec: int  # 0 for + -, 1 for * /, 2 for unary signs, 3 for **, 4 for atoms
    status: str = "ok"
    value: complex | None = None


def leaf(text, expr):
    return Node(text, expr, 4, "ok", None if expr.free_symbols else complex(float(expr)))


def wrap(node, precedence):
    return f"({node.text})" if node.prec < precedence else node.text


def node(text, prec, build, *children, approx=None):
    statuses = {child.status for child in children}
    for status in ("bad", "skip", "range"):
        if status in statuses:
            return Node(text, None, prec, status)
    value, troubled = None, False
    if all(child.value is not None for child in children):
        try:
            value = complex((approx or build)(*(child.value for child in children)))
        except OverflowError:
            return Node(text, None, prec, "range")
        except (ZeroDivisionError, ValueError):
            value, troubled = None, True
        if value is not None and not cmath.isfinite(value):
            return Node(text, None, prec, "range")
    try:
        expr = build(*(child.expr for child in children))
    except (TypeError, ValueError):
        return Node(text, None, prec, "bad")
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or (expr.is_number and expr.is_extended_real is False):
        return Node(text, None, prec, "bad")
    return Node(text, expr, prec, "range" if troubled else "ok", value)


def bits(expr):
    return max((max(abs(r.p).bit_length(), r.q.bit_length()) for r in expr.atoms(sp.Rational)), default=0)


def power(base, exponent, space1, space2):
    text = f"{wrap(base, 4)}{space1}**{space2}{wrap(exponent, 2)}"
    if base.status == exponent.status == "ok" and exponent.expr.is_Rational:
        if bits(base.expr) * (abs(exponent.expr) + exponent.expr.q) > 2000:
            return Node(text, None, 3, "skip")
    return node(text, 3, operator.pow, base, exponent)


variables = st.sampled_from([("x1", x1), ("x_1", x1), ("x2", x2), ("x_2", x2)])
integers = st.integers(0, 12).map(lambda k: (str(k), sp.Integer(k)))
decimals = st.tuples(st.integers(0, 99), st.text("0123456789", min_size=1, max_size=3)).map(
    lambda t: (f"{t[0]}.{t[1]}", sp.Rational(int(f"{t[0]}{t[1]}"), 10 ** len(t[1])))
)
scientific = st.tuples(st.integers(1, 999), st.integers(-4, 4), st.sampled_from("eE")).map(
    lambda t: (f"{t[0]}{t[2]}{t[1]}", sp.Integer(t[0]) * sp.Integer(10) ** t[1])
)
constants = st.sampled_from([("pi", sp.pi), ("e", sp.E)])
leaves = st.one_of(variables, integers, decimals, scientific, constants).map(lambda t: leaf(*t))
small_exponents = st.one_of(
    st.integers(-3, 4).map(lambda k: (str(k), sp.Integer(k))), st.just(("0.5", half)), variables
).map(lambda t: leaf(*t))


def extend(children):
    def binary(op, prec, build):
        return st.tuples(children, SPACES, SPACES, children).map(
            lambda t: node(f"{wrap(t[0], prec)}{t[1]}{op}{t[2]}{wrap(t[3], prec + 1)}", prec, build, *t[::3])
        )

    def call(t):
        name, space, arg = t
        build, approx = FUNCS[name]
        return node(f"{name}{space}({arg.text})", 4, build, arg, approx=approx)

    return st.one_of(
        binary("+", 0, operator.add),
        binary("-", 0, operator.sub),
        binary("*", 1, operator.mul),
        binary("/", 1, operator.truediv),
        children.map(lambda c: node(f"-{wrap(c, 2)}", 2, operator.neg, c)),
        children.map(lambda c: node(f"+{wrap(c, 2)}", 2, operator.pos, c)),
        children.map(lambda c: node(f"({c.text})", 4, operator.pos, c)),
        st.tuples(children, st.one_of(small_exponents, children), SPACES, SPACES).map(lambda t: power(*t)),
        st.tuples(st.sampled_from(sorted(FUNCS)), SPACES, children).map(call),
    )


trees = st.recursive(leaves, extend, max_leaves=10)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees)
def test_round_trip_of_random_expressions(tree):
    assume(tree.status != "skip" and len(tree.text) <= MAX_LENGTH)
    if tree.status == "bad":
        with pytest.raises(TargetSyntaxError):
            parse_target(tree.text, n_inputs=2)
    elif tree.status == "range":
        try:
            parse_target(tree.text, n_inputs=2)
        except TargetSyntaxError:
            pass
    else:
        assert parse_target(tree.text, n_inputs=2) == (tree.expr, (x1, x2))
