"""Tests of the activation registry: the exact face (SymPy) against the fast face (NumPy).

Every expected value here is derived independently of the code under test:
``sympy.diff`` for derivatives, high-precision mpmath evaluation of the SymPy
form for numerical values, hand-derived limits for the overflow checks.
"""

from __future__ import annotations

import dataclasses
import functools
import string
import warnings

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symmlp.ops.activations import (
    Activation,
    activation_names,
    get_activation,
    np_sigmoid,
    np_softplus,
)

ALL = activation_names()
SMOOTH = [n for n in ALL if n != "relu"]
REQUIRED = {"relu", "sigmoid", "tanh", "identity", "softplus", "square"}

z = sp.Symbol("z", real=True)

# Independent rational test points (not the code's own choices).
RATIONAL_POINTS = [sp.Rational(p, q) for p, q in
                   [(-7, 2), (-5, 3), (-1, 1), (-1, 7), (1, 9), (2, 5), (3, 1), (11, 4), (13, 3)]]


@functools.cache
def _mp_function(expr: sp.Expr):
    return sp.lambdify(z, expr, modules="mpmath")


def _mp_reference(expr: sp.Expr, points: np.ndarray, dps: int = 40) -> np.ndarray:
    """Evaluate a SymPy expression of ``z`` at float points with mpmath at ``dps`` digits."""
    f = _mp_function(expr)
    with mpmath.workdps(dps):
        return np.array([float(f(mpmath.mpf(float(p)))) for p in points])


def _ns(**arrays):
    """The namespace in which the generated NumPy code runs (test-only evaluation)."""
    return {"np": np, "sigmoid": np_sigmoid, "softplus": np_softplus, **arrays}


# --------------------------------------------------------------------------- registry


def test_registry_holds_required_activations_sorted():
    assert REQUIRED <= set(ALL)
    assert any(get_activation(n).is_polynomial for n in ALL), "need a polynomial sigma for the post"
    assert list(ALL) == sorted(ALL)
    assert len(set(ALL)) == len(ALL)


@pytest.mark.parametrize("name", ALL)
def test_lookup_returns_entry_with_its_name(name):
    act = get_activation(name)
    assert isinstance(act, Activation)
    assert act.name == name
    assert get_activation(act) is act
    assert repr(act) == f"Activation({name!r})"


@pytest.mark.parametrize("bad", ["gelu", "ReLU", "", "tanh ", "sigmoid2"])
def test_unknown_name_raises_value_error_listing_valid_names(bad):
    with pytest.raises(ValueError) as info:
        get_activation(bad)
    msg = str(info.value)
    assert repr(bad) in msg
    for name in ALL:
        assert name in msg


@pytest.mark.parametrize("bad", [None, 3, ["relu"]])
def test_non_string_name_is_refused(bad):
    with pytest.raises((ValueError, TypeError)) as info:
        get_activation(bad)
    assert repr(bad) in str(info.value)


def test_entries_are_immutable():
    act = get_activation("tanh")
    with pytest.raises(AttributeError):
        act.name = "relu"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        act.source = "z"  # type: ignore[misc]
    assert get_activation("tanh").name == "tanh"


@pytest.mark.parametrize("name", ALL)
def test_latex_name_is_a_nonempty_command_or_symbol(name):
    latex = get_activation(name).latex_name
    assert isinstance(latex, str) and latex.strip()
    # Distinct names, so a derivation never prints two activations alike.
    others = [get_activation(n).latex_name for n in ALL if n != name]
    assert latex not in others


def test_latex_names_follow_the_math():
    assert get_activation("tanh").latex_name == r"\tanh"
    assert get_activation("sigmoid").latex_name == r"\sigma"
    assert "ReLU" in get_activation("relu").latex_name


# --------------------------------------------------------------------------- polynomial ones


@pytest.mark.parametrize("name, degree", [("identity", 1), ("square", 2), ("cube", 3)])
def test_polynomial_degree_set_exactly(name, degree):
    act = get_activation(name)
    assert act.polynomial_degree == degree
    assert act.is_polynomial
    # Independent check through SymPy's own polynomial machinery.
    assert sp.Poly(act(z), z).degree() == degree
    assert act(z) == z**degree


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "softplus"])
def test_non_polynomial_activations_have_no_degree(name):
    act = get_activation(name)
    assert act.polynomial_degree is None
    assert not act.is_polynomial
    assert act(z).is_polynomial(z) is not True


@pytest.mark.parametrize("name", ALL)
def test_polynomial_degree_agrees_with_sympy_everywhere(name):
    act = get_activation(name)
    sympy_says = act(z).is_polynomial(z) is True
    assert act.is_polynomial == sympy_says
    if sympy_says:
        assert act.polynomial_degree == sp.Poly(act(z), z).degree()


def test_call_sympifies_and_stays_exact():
    assert get_activation("square")(3) == 9
    assert get_activation("cube")(sp.Rational(-2, 3)) == sp.Rational(-8, 27)
    assert get_activation("relu")(sp.Rational(-1, 2)) == 0
    assert get_activation("relu")(sp.Rational(5, 2)) == sp.Rational(5, 2)
    assert get_activation("identity")(sp.Rational(1, 7)) == sp.Rational(1, 7)
    assert get_activation("sigmoid")(0) == sp.Rational(1, 2)
    assert get_activation("softplus")(0) == sp.log(2)
    assert get_activation("tanh")(0) == 0


# --------------------------------------------------------------------------- exact derivatives


@pytest.mark.parametrize("name", SMOOTH)
def test_sympy_derivative_equals_diff_symbolically(name):
    act = get_activation(name)
    reference = sp.diff(act(z), z)
    assert sp.simplify(act.derivative(z) - reference) == 0


@pytest.mark.parametrize("name", SMOOTH)
@pytest.mark.parametrize("point", RATIONAL_POINTS, ids=str)
def test_sympy_derivative_equals_diff_at_rational_points(name, point):
    act = get_activation(name)
    reference = sp.diff(act(z), z).subs(z, point)
    mine = act.derivative(point)
    difference = sp.simplify(mine - reference)
    assert difference == 0 or abs(sp.N(difference, 60)) < sp.Float("1e-50")


@pytest.mark.parametrize("name", SMOOTH)
def test_sympy_derivative_of_unknown_argument(name):
    """The derivative callable is a function of its argument, not of a fixed symbol."""
    act = get_activation(name)
    u = sp.Symbol("u", real=True)
    assert sp.simplify(act.derivative(2 * u) - sp.diff(act(z), z).subs(z, 2 * u)) == 0


def test_relu_derivative_matches_diff_away_from_zero():
    relu = get_activation("relu")
    reference = sp.diff(relu(z), z)
    for point in RATIONAL_POINTS:
        assert point != 0
        assert relu.derivative(point) == reference.subs(z, point)
        assert relu.derivative(point) == (1 if point > 0 else 0)


def test_relu_derivative_convention_at_zero():
    relu = get_activation("relu")
    # Documented convention: relu'(0) = 0, via Heaviside(z, 0).
    assert sp.Heaviside(0, 0) == 0
    assert relu.derivative(z) == sp.Heaviside(z, 0)
    assert relu.derivative(0) == 0
    assert relu.derivative(sp.Integer(0)) == 0
    # ... which differs from sympy.diff's Heaviside(0) = 1/2, as documented.
    assert sp.diff(relu(z), z).subs(z, 0) == sp.Rational(1, 2)
    # The fast face follows the same convention.
    zeros = np.zeros(3)
    assert np.array_equal(relu.numpy_derivative(zeros, relu.numpy(zeros)), [0.0, 0.0, 0.0])
    grid = np.array([-2.0, -1e-300, 0.0, 1e-300, 3.0])
    assert np.array_equal(relu.numpy_derivative(grid, relu.numpy(grid)), [0.0, 0.0, 0.0, 1.0, 1.0])
    src = relu.derivative_source.format(z="z", a="a")
    assert np.array_equal(np.asarray(eval(src, _ns(z=grid, a=relu.numpy(grid))), dtype=float),
                          [0.0, 0.0, 0.0, 1.0, 1.0])


# --------------------------------------------------------------------------- NumPy vs SymPy

GRID = np.concatenate([np.linspace(-8.0, 8.0, 161), [-1e-8, 1e-8, -0.3, 0.7, 2.5e-3]])
DERIV_GRID = np.linspace(-4.0, 4.0, 81)


def _close(actual, expected, rtol=1e-12, atol=1e-300):
    actual = np.broadcast_to(np.asarray(actual, dtype=float), np.shape(expected))
    return np.all(np.abs(actual - expected) <= rtol * np.abs(expected) + atol)


@pytest.mark.parametrize("name", ALL)
def test_numpy_form_agrees_with_sympy_form_on_grid(name):
    act = get_activation(name)
    reference = _mp_reference(act(z), GRID)
    assert _close(act.numpy(GRID), reference, rtol=1e-12)


@pytest.mark.parametrize("name", ALL)
def test_numpy_derivative_agrees_with_sympy_derivative_on_grid(name):
    act = get_activation(name)
    reference = _mp_reference(act.derivative(z), DERIV_GRID)
    a = act.numpy(DERIV_GRID)
    assert _close(act.numpy_derivative(DERIV_GRID, a), reference, rtol=1e-11)


@pytest.mark.parametrize("name", ALL)
@settings(max_examples=30, deadline=None)
@given(value=st.floats(min_value=-8.0, max_value=8.0, allow_nan=False))
def test_numpy_form_agrees_with_sympy_form_random(name, value):
    act = get_activation(name)
    points = np.array([value])
    reference = _mp_reference(act(z), points)
    assert _close(act.numpy(points), reference, rtol=1e-12)
    d_reference = _mp_reference(act.derivative(z), points)
    # Derivatives written through a (tanh', sigmoid') lose relative accuracy in
    # the tails by cancellation; absolute agreement is what backprop needs.
    assert _close(act.numpy_derivative(points, act.numpy(points)), d_reference, rtol=1e-9, atol=1e-15)


def test_numpy_sigmoid_keeps_relative_accuracy_in_left_tail():
    points = np.array([-20.0, -30.0, -40.0, -60.0, -100.0, -700.0])
    reference = _mp_reference(get_activation("sigmoid")(z), points)
    assert np.all(reference > 0)
    assert _close(np_sigmoid(points), reference, rtol=1e-12)


# --------------------------------------------------------------------------- templates


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}


@pytest.mark.parametrize("name", ALL)
def test_templates_use_only_z_and_a_placeholders(name):
    act = get_activation(name)
    assert _fields(act.source) == {"z"}
    assert _fields(act.derivative_source) <= {"z", "a"}


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("zname, aname", [("z", "a"), ("Z1", "A1"), ("Z_out", "A_out")])
def test_templates_agree_with_callables(name, zname, aname):
    act = get_activation(name)
    rng = np.random.default_rng(1234)
    values = np.concatenate([rng.normal(scale=3.0, size=(5, 4)).ravel(), [0.0, -0.0, 1.0, -1.0]])
    values = values.reshape(4, 6)
    a = act.numpy(values)
    ns = _ns(**{zname: values, aname: a})
    forward = eval(act.source.format(z=zname, a=aname), ns)
    backward = eval(act.derivative_source.format(z=zname, a=aname), ns)
    np.testing.assert_allclose(np.broadcast_to(forward, values.shape), a, rtol=1e-15, atol=0)
    expected_d = act.numpy_derivative(values, a)
    assert np.shape(expected_d) == values.shape
    np.testing.assert_allclose(np.broadcast_to(np.asarray(backward, dtype=float), values.shape),
                               expected_d, rtol=1e-15, atol=0)


@pytest.mark.parametrize("name", ALL)
def test_template_derivative_matches_sympy_derivative(name):
    """The generated code's derivative is right, not merely equal to the callable."""
    act = get_activation(name)
    points = DERIV_GRID[DERIV_GRID != 0]
    ns = _ns(z=points, a=act.numpy(points))
    backward = np.broadcast_to(np.asarray(eval(act.derivative_source.format(z="z", a="a"), ns),
                                          dtype=float), points.shape)
    assert _close(backward, _mp_reference(act.derivative(z), points), rtol=1e-11)


# --------------------------------------------------------------------------- overflow safety

HUGE = np.array([-1e4, -1000.0, -745.0, -710.0, 0.0, 710.0, 745.0, 1000.0, 1e4])
# Overflow, invalid values and division by zero are errors; underflow to 0.0 is
# the correctly rounded answer for e**-10000 and is ignored, as NumPy does by default.
STRICT = dict(over="raise", invalid="raise", divide="raise", under="ignore")


def test_sigmoid_numpy_is_finite_and_correct_at_huge_arguments():
    act = get_activation("sigmoid")
    with np.errstate(**STRICT), warnings.catch_warnings():
        warnings.simplefilter("error")
        a = act.numpy(HUGE)
        d = act.numpy_derivative(HUGE, a)
        templ = eval(act.source.format(z="z", a="a"), _ns(z=HUGE, a=a))
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(d))
    assert np.all((a >= 0) & (a <= 1))
    assert a[-1] == 1.0 and a[0] == 0.0  # exact limits: 1 - e**-1e4 rounds to 1, e**-1e4 to 0
    assert a[4] == 0.5
    # sigma(z) + sigma(-z) = 1, exactly representable at these magnitudes.
    np.testing.assert_allclose(a + a[::-1], 1.0, rtol=0, atol=1e-15)
    assert np.all(d >= 0) and d[0] == 0.0 and d[-1] == 0.0 and d[4] == 0.25
    np.testing.assert_array_equal(templ, a)


def test_softplus_numpy_is_finite_and_correct_at_huge_arguments():
    act = get_activation("softplus")
    with np.errstate(**STRICT), warnings.catch_warnings():
        warnings.simplefilter("error")
        a = act.numpy(HUGE)
        d = act.numpy_derivative(HUGE, a)
        templ = eval(act.source.format(z="z", a="a"), _ns(z=HUGE, a=a))
        templ_d = eval(act.derivative_source.format(z="z", a="a"), _ns(z=HUGE, a=a))
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(d))
    # log(1 + e**z) = z + log(1 + e**-z): equal to z in float64 for z >= 710.
    assert a[-1] == 1e4 and a[-2] == 1000.0
    assert a[0] == 0.0 and a[1] == 0.0
    assert a[4] == pytest.approx(np.log(2.0), rel=1e-15)
    moderate = np.array([-700.0, -100.0, 0.0, 100.0, 700.0])
    with np.errstate(**STRICT):
        assert _close(act.numpy(moderate), _mp_reference(act(z), moderate, dps=800), rtol=1e-12)
    assert d[0] == 0.0 and d[-1] == 1.0 and d[4] == 0.5
    np.testing.assert_array_equal(templ, a)
    np.testing.assert_array_equal(templ_d, d)


@pytest.mark.parametrize("fn", [np_sigmoid, np_softplus])
def test_scalar_inputs_do_not_overflow(fn):
    with np.errstate(**STRICT):
        for v in (-1e4, 1e4, np.float64(-1e4), np.float64(1e4)):
            assert np.isfinite(fn(v))


def test_softplus_derivative_is_sigmoid():
    softplus, sigmoid = get_activation("softplus"), get_activation("sigmoid")
    assert sp.simplify(softplus.derivative(z) - sigmoid(z)) == 0
    pts = np.linspace(-6, 6, 25)
    np.testing.assert_allclose(softplus.numpy_derivative(pts, softplus.numpy(pts)), sigmoid.numpy(pts),
                               rtol=1e-15)
