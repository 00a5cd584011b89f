"""Tests of the approximation explorer.

Expected values come from known facts (B_n x^2 = x^2 + x(1-x)/n, the Bernstein
and interpolation error bounds, E|x1 x2|^2 = 1/9 on [-1, 1]^2), from formulas
written here (the staircase sum, numpy.interp, binomial sums with math.comb),
from finite differences of exact values, and from sympy.diff.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from symmlp.explore.approx import (
    STAIRCASE_SLOPE,
    approximation_error,
    bernstein,
    family_params,
    relu_interpolant,
    sigmoid_staircase,
    sup_error,
)
from symmlp.explore.claims import (
    criteria_table,
    parameters_for_epsilon,
    polynomial_collapse,
    separable_blind_spot,
)
from symmlp.models.mlp import MLP
from symmlp.models.polynomial import Polynomial, SeparablePolynomial

x = sp.Symbol("x")
x1 = sp.Symbol("x_1")


def max_abs_second_derivative(f, a, b):
    g = sp.lambdify(x, sp.diff(f, x, 2), "numpy")
    t = np.linspace(a, b, 20001)
    return float(np.max(np.abs(np.broadcast_to(g(t), t.shape))))


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# --------------------------------------------------------------------------- Bernstein


@pytest.mark.parametrize("n", range(1, 8))
def test_bernstein_of_x_squared_exactly(n):
    assert sp.expand(bernstein(x**2, n) - (x**2 + x * (1 - x) / n)) == 0


@pytest.mark.parametrize("a, b", [(-1, 2), (sp.Rational(1, 3), 5), (-3, -1)])
def test_bernstein_interval_mapping_exactly(a, b):
    # with t = (x-a)/(b-a): B_n x^2 = x^2 + (x-a)(b-x)/n, and affine functions are reproduced
    n = 4
    assert sp.expand(bernstein(x**2, n, (a, b)) - (x**2 + (x - a) * (b - x) / n)) == 0
    assert sp.expand(bernstein(3 * x - 7, n, (a, b)) - (3 * x - 7)) == 0
    p = bernstein(sp.exp(x), n, (a, b))
    assert p.subs(x, a) == sp.exp(a) and sp.simplify(p.subs(x, b) - sp.exp(b)) == 0


@pytest.mark.parametrize("f", [sp.sin(3 * x), sp.exp(x), x * sp.cos(2 * x), 1 / (1 + x**2)])
@pytest.mark.parametrize("n", [3, 10, 25])
def test_bernstein_error_bound(f, n):
    bound = max_abs_second_derivative(f, 0, 1) / (8 * n)
    assert 0 < sup_error(f, bernstein(f, n)) <= bound


def test_bernstein_error_bound_on_a_longer_interval():
    f, (a, b), n = sp.sin(x), (-sp.pi, sp.pi), 12
    bound = float((b - a) ** 2) * 1.0 / (8 * n)
    assert sup_error(f, bernstein(f, n, (a, b)), (a, b)) <= bound


def test_bernstein_of_a_callable_matches_the_sympy_route():
    exact = sp.lambdify(x, bernstein(sp.cos(x), 6, (0, 2)))
    numeric = sp.lambdify(x1, bernstein(np.cos, 6, (0, 2)))
    t = np.linspace(0, 2, 50)
    assert np.allclose(numeric(t), exact(t), atol=1e-12)


def test_bernstein_keeps_exact_values():
    p = bernstein(x**3, 3, (0, 1))
    assert all(c.is_Rational for c in sp.Poly(p, x).coeffs())
    assert sp.Poly(p, x).all_coeffs() == [sp.Rational(2, 9), sp.Rational(2, 3), sp.Rational(1, 9), 0]


@pytest.mark.parametrize("n", [1, 7, 40, 150])
def test_fast_bernstein_route_matches_the_exact_one(n):
    f = sp.sin(2 * x) + x
    grid = 501
    assert approximation_error(f, "bernstein", n, (0, 1), grid) == pytest.approx(
        sup_error(f, bernstein(f, n), (0, 1), grid), abs=1e-10)


def test_bernstein_bad_input():
    y = sp.Symbol("y")
    with pytest.raises(ValueError, match="n must be"):
        bernstein(x, 0)
    with pytest.raises(ValueError, match="one variable"):
        bernstein(x * y, 3)
    with pytest.raises(ValueError, match="a < b"):
        bernstein(x, 3, (1, 0))
    with pytest.raises(TypeError, match="callable"):
        bernstein("sin(x)", 3)
    with pytest.raises(TypeError, match="interval"):
        bernstein(x, 3, 1)


# --------------------------------------------------------------------------- sigmoid staircase


def staircase_by_hand(f, steps, w, a, b, t):
    h = (b - a) / steps
    out = np.full_like(t, f(a))
    for j in range(1, steps + 1):
        s = a + (j - 0.5) * h
        out += (f(a + j * h) - f(a + (j - 1) * h)) * sigmoid(w * (t - s))
    return out


@pytest.mark.parametrize("steps, w", [(1, 3.0), (5, 20.0), (12, 7.5)])
def test_staircase_predictions_equal_the_formula(steps, w):
    net = sigmoid_staircase(sp.sin(x), steps, w, (-1, 2))
    t = np.linspace(-1.5, 2.5, 301)
    expected = staircase_by_hand(np.sin, steps, w, -1.0, 2.0, t)
    assert np.allclose(net.predict(t[:, None])[:, 0], expected, atol=1e-12)
    symbolic = sp.lambdify(x1, net.to_symbolic())
    assert np.allclose(symbolic(t), expected, atol=1e-12)
    units = net.units(t[:, None])
    assert units.shape == (301, steps)
    assert np.allclose(units.sum(axis=1) + net.theta[-1], expected, atol=1e-12)
    assert net.num_params == 3 * steps + 1 == len(net.theta)


def test_staircase_steps_sit_at_minus_b_over_w():
    net = sigmoid_staircase(sp.exp(x), 4, 10.0, (0, 1))
    H = 4
    steps_at = -net.theta[H:2 * H] / net.theta[:H]
    assert np.allclose(steps_at, [0.125, 0.375, 0.625, 0.875])
    assert net.theta[-1] == pytest.approx(1.0)  # f(a) = exp(0)
    assert np.allclose(net.theta[2 * H:3 * H], np.diff(np.exp(np.linspace(0, 1, 5))))


def test_staircase_error_falls_as_steps_and_sharpness_grow():
    f, interval = sp.sin(x), (-sp.pi, sp.pi)
    width = 2 * math.pi
    jointly = [sup_error(f, sigmoid_staircase(f, s, 4 * s / width, interval), interval, 8001)
               for s in (4, 8, 16, 32, 64)]
    assert all(e1 > e2 for e1, e2 in zip(jointly, jointly[1:]))
    sharper = [sup_error(f, sigmoid_staircase(f, 16, k * 16 / width, interval), interval, 8001)
               for k in (0.5, 1, 2, 4)]
    assert all(e1 > e2 for e1, e2 in zip(sharper, sharper[1:]))


def test_fast_staircase_route_matches_the_network():
    f, H = sp.cos(3 * x), 37
    net = sigmoid_staircase(f, H, STAIRCASE_SLOPE * H / 2.0, (-1, 1))
    grid = 8 * H + 1
    assert approximation_error(f, "staircase", H, (-1, 1), grid) == pytest.approx(
        sup_error(f, net, (-1, 1), grid), abs=1e-12)


def test_staircase_bad_input():
    with pytest.raises(ValueError, match="sharpness"):
        sigmoid_staircase(x, 3, -1.0)
    with pytest.raises(ValueError, match="sharpness"):
        sigmoid_staircase(x, 3, float("nan"))
    with pytest.raises(ValueError, match="steps"):
        sigmoid_staircase(x, 0, 1.0)
    with pytest.raises(ValueError, match="shape"):
        sigmoid_staircase(x, 2, 1.0).units(np.zeros(3))


# --------------------------------------------------------------------------- ReLU interpolant


@pytest.mark.parametrize("f", [sp.sin(3 * x), sp.exp(x), np.cos, lambda t: t**3 - t])
@pytest.mark.parametrize("knots", [2, 3, 7, 20])
def test_relu_interpolant_equals_numpy_interp(f, knots):
    net = relu_interpolant(f, knots, (-1, 2))
    g = f if callable(f) and not isinstance(f, sp.Basic) else sp.lambdify(x, f)
    t_knots = np.linspace(-1, 2, knots)
    t = np.linspace(-2, 3, 4001)  # beyond the ends numpy.interp is constant, and so is the network
    expected = np.interp(t, t_knots, g(t_knots))
    assert np.max(np.abs(net.predict(t[:, None])[:, 0] - expected)) < 1e-12
    assert net.model == MLP([1, knots, 1], activation="relu")


@pytest.mark.parametrize("f", [sp.sin(3 * x), sp.exp(x), x**4])
@pytest.mark.parametrize("knots", [3, 9, 33])
def test_relu_interpolant_error_bound(f, knots):
    h = 3 / (knots - 1)
    bound = h**2 * max_abs_second_derivative(f, -1, 2) / 8
    assert 0 < sup_error(f, relu_interpolant(f, knots, (-1, 2)), (-1, 2), 8001) <= bound


def test_relu_represents_abs_exactly_with_a_knot_at_zero():
    # |x| = relu(x) + relu(-x): with an odd number of knots on [-1, 1] zero is a knot
    for knots in (3, 5, 11):
        assert sup_error(sp.Abs(x), relu_interpolant(sp.Abs(x), knots, (-1, 1)), (-1, 1)) < 1e-15
    assert sup_error(sp.Abs(x), relu_interpolant(sp.Abs(x), 2, (-1, 1)), (-1, 1)) == pytest.approx(1.0)


def test_relu_symbolic_face_hits_the_knots():
    net = relu_interpolant(sp.exp(x), 5, (0, 1))
    expr = net.to_symbolic()
    for t in np.linspace(0, 1, 5):
        assert float(expr.subs(x1, t)) == pytest.approx(math.exp(t), abs=1e-12)


def test_fast_relu_route_matches_the_network():
    f = sp.sin(5 * x)
    assert approximation_error(f, "relu", 17, (0, 1), 2001) == pytest.approx(
        sup_error(f, relu_interpolant(f, 17, (0, 1)), (0, 1), 2001), abs=1e-12)


def test_relu_bad_input():
    with pytest.raises(ValueError, match="knots"):
        relu_interpolant(x, 1)
    with pytest.raises(ValueError, match="finite"):
        relu_interpolant(sp.log(x), 3, (0, 1))
    with pytest.raises(ValueError, match="family"):
        approximation_error(x, "spline", 3)


# --------------------------------------------------------------------------- polynomial collapse


def finite_difference(values, order):
    v = list(values)
    for _ in range(order):
        v = [b - a for a, b in zip(v, v[1:])]
    return v


@pytest.mark.parametrize("activation, k, depths", [("square", 2, [1, 2, 3, 4]), ("cube", 3, [1, 2, 3]),
                                                   ("identity", 1, [3])])
def test_polynomial_sigma_collapses_to_degree_k_to_the_L_minus_1(activation, k, depths):
    for depth in depths:
        r = polynomial_collapse(activation, depth)
        assert r.is_polynomial and r.bound == k ** (depth - 1) == r.degree
        # independent route: exact values at integer points; order-d differences of a degree-d
        # polynomial are constant and non-zero, order d+1 vanish
        model = MLP(r.widths, activation=activation)
        values = [model.subs(r.theta, x=[i])[0] for i in range(r.bound + 2)]
        assert all(isinstance(v, sp.Integer) for v in values)
        assert finite_difference(values, r.bound + 1) == [0]
        assert finite_difference(values, r.bound)[0] != 0


def test_collapse_with_symbolic_parameters():
    r = polynomial_collapse("square", 3)
    assert r.symbolic_degree == 4
    r = polynomial_collapse("square", 2, width=3)
    assert r.symbolic_degree == 2 == r.degree


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_non_polynomial_sigma_is_not_a_polynomial(activation):
    r = polynomial_collapse(activation, 2)
    assert r.is_polynomial is False and r.degree is None
    assert "NOT a polynomial" in str(r) and "Leshno" in str(r)


def test_tanh_network_is_bounded_and_non_constant_so_not_a_polynomial():
    r = polynomial_collapse("tanh", 2)
    f = sp.lambdify(x1, r.output)
    far, farther = f(1e6), f(1e7)
    assert abs(far - farther) < 1e-9 and abs(f(0.0) - far) > 1e-3


def test_collapse_bad_input():
    with pytest.raises(ValueError, match="depth"):
        polynomial_collapse("square", 0)
    with pytest.raises(ValueError, match="too deep"):
        polynomial_collapse("square", 9)
    with pytest.raises(ValueError, match="unknown activation"):
        polynomial_collapse("gelu", 2)


# --------------------------------------------------------------------------- separable blind spot


def test_separable_blind_spot_residual_is_the_norm_of_x1x2():
    r = separable_blind_spot(n_samples=4000, seed=3)
    # x1*x2 is orthogonal to every function of x1 alone or x2 alone, so the residual is
    # its RMS: sqrt(E[x1^2] E[x2^2]) = 1/3 on [-1, 1]^2 (up to sampling error)
    assert abs(r.separable_residual - 1 / 3) < 0.02
    assert r.full_residual < 1e-12


@pytest.mark.parametrize("degree", [1, 2, 5])
def test_no_degree_gives_the_separable_polynomial_a_cross_term(degree):
    r = separable_blind_spot(n_samples=300, degree=degree)
    assert r.separable_residual > 0.25
    assert r.separable_cross_monomials == ()
    exps = SeparablePolynomial(2, degree).exponents
    assert all(sum(1 for e in k if e) <= 1 for k in exps)
    assert r.full_cross_monomials == (x1 * sp.Symbol("x_2"),)


def test_full_polynomial_cross_monomials_by_hand():
    from symmlp.explore.blind_spot import cross_monomials

    x2 = sp.Symbol("x_2")
    assert set(cross_monomials(Polynomial(2, 3))) == {x1 * x2, x1**2 * x2, x1 * x2**2}


def test_blind_spot_str_explains():
    text = str(separable_blind_spot(200))
    assert "separable: none" in text and "full: x_1*x_2" in text


# --------------------------------------------------------------------------- parameters for epsilon


def test_parameters_for_epsilon_by_hand_on_x_squared():
    r = parameters_for_epsilon({"x^2": (x**2, (0, 1))}, epsilons=[0.011])
    found = {f.family: f for f in r.found}
    # Bernstein error max x(1-x)/n = 1/(4n) <= 0.011 first at n = 23
    assert found["bernstein"].size == 23 and found["bernstein"].params == 24
    # interpolation error h^2 * 2 / 8 <= 0.011 first at h = 1/5, K = 6 knots
    assert found["relu"].size == 6 and found["relu"].params == 19
    H = found["staircase"].size
    errors = [sup_error(x**2, sigmoid_staircase(x**2, s, STAIRCASE_SLOPE * s, (0, 1)), (0, 1), 8 * H + 9)
              for s in (H - 1, H)]
    assert errors[0] > 0.011 >= errors[1]
    assert found["staircase"].params == 3 * H + 1


def test_parameters_for_epsilon_reports_the_cap_honestly():
    r = parameters_for_epsilon({"sin": (sp.sin(x), (-sp.pi, sp.pi))}, epsilons=[1e-3],
                               caps={"bernstein": 16, "staircase": 8, "relu": 5})
    assert all(f.size is None for f in r.found)
    assert [f.cells() for f in r.found] == [(">16", ">17"), (">8", ">25"), (">5", ">16")]
    assert ">16" in str(r)


@pytest.fixture(scope="module")
def default_epsilon():
    return parameters_for_epsilon()


def test_default_epsilon_table(default_epsilon):
    found = {(f.target, f.family, f.epsilon): f for f in default_epsilon.found}
    # |x| with a knot at zero is exact: relu(x) + relu(-x)
    assert all(found[("|x| on [-1, 1]", "relu", e)].size == 3 for e in (0.1, 0.01, 0.001))
    # B_n|x| at 0 is E|2K/n - 1| with K ~ Bin(n, 1/2), still > 0.01 at n = 2048
    n = 2048
    at_zero = Fraction(sum(math.comb(n, k) * abs(2 * k - n) for k in range(n + 1)), n * 2**n)
    assert at_zero > 0.01
    assert found[("|x| on [-1, 1]", "bernstein", 0.01)].size is None
    for f in default_epsilon.found:
        assert f.size is None or f.error <= f.epsilon
    for target in {f.target for f in default_epsilon.found}:
        for family in ("bernstein", "staircase", "relu"):
            sizes = [found[(target, family, e)].size or math.inf for e in (0.1, 0.01, 0.001)]
            assert sizes == sorted(sizes)


def test_default_epsilon_str_and_inputs_table(default_epsilon):
    text = str(default_epsilon)
    assert "sin(x) on [-pi, pi]" in text and "Bernstein n" in text
    rows = {row[0]: row for row in default_epsilon.inputs_table.rows}
    assert rows[8][1] == math.comb(10, 2) and rows[8][-1] == 8 * 64 + 64 + 64 + 1


def test_family_params():
    assert family_params("bernstein", 9) == 10
    assert family_params("staircase", 9) == family_params("relu", 9) == 28
    with pytest.raises(ValueError, match="family"):
        family_params("fourier", 3)


def test_epsilon_bad_input():
    with pytest.raises(ValueError, match="epsilons"):
        parameters_for_epsilon(epsilons=[0])


# --------------------------------------------------------------------------- criteria table


@pytest.fixture(scope="module")
def criteria():
    return criteria_table()


def test_criteria_values(criteria):
    def column(name):
        return [criteria.cell(row, name).value for row, _ in criteria.rows]

    assert [row for row, _ in criteria.rows] == [
        "separable polynomial", "full polynomial", "MLP square sigma", "MLP relu", "MLP sigmoid",
        "KAN (polynomial edges)"]
    assert column("differentiable in theta") == ["yes", "yes", "yes", "a.e.", "yes", "yes"]
    assert column("universal approximator") == ["no", "yes (d -> inf)", "no", "yes", "yes", "yes (d -> inf)"]
    assert column("keeps cross terms") == ["no", "yes", "yes", "yes", "yes", "yes"]
    assert column("parameters polynomial in n") == ["yes", "no: O(n^d)", "yes", "yes", "yes", "yes"]


def test_criteria_reasons(criteria):
    assert "Heaviside" in criteria.cell("MLP relu", "differentiable in theta").reason
    assert "Leshno" in criteria.cell("MLP sigmoid", "universal approximator").reason
    assert "x_1*x_2" in criteria.cell("full polynomial", "keeps cross terms").reason
    assert "h*n + 2*h + 1" in criteria.cell("MLP relu", "parameters polynomial in n").reason
    assert "Kolmogorov-Arnold representation theorem" in criteria.cell(
        "KAN (polynomial edges)", "universal approximator").reason
    assert "d*h*n + d*h + h + 1" in criteria.cell("KAN (polynomial edges)", "parameters polynomial in n").reason
    text = str(criteria)
    assert "reasons:" in text and text.count(" -- ") == 24


def test_relu_derivative_is_heaviside_by_sympy():
    # the fact behind "a.e.": d/dW of Max(0, W x + b) is a step in theta
    net = MLP([2, 2, 1], activation="relu")
    assert sp.diff(net.output[0], net.params[0]).has(sp.Heaviside)


def test_criteria_cell_bad_input(criteria):
    with pytest.raises(ValueError, match="unknown row"):
        criteria.cell("transformer", "keeps cross terms")


# ------------------------------------------------------------ Bernstein outside the domain


@pytest.mark.parametrize("f, node, interval", [
    (sp.log(x), "x = 0", (0, 1)),                       # log(0) = zoo
    (sp.sqrt(x - 2), "x = 0", (0, 1)),                  # sqrt(-2) is imaginary
    (lambda t: np.sqrt(t - 2), "x_1 = 0", (0, 1)),      # numpy gives nan
    (lambda t: np.sqrt(t - 2 + 0j), "x_1 = 0", (0, 1)),  # complex values
    (sp.log(x), "x = -1", (-1, 1)),
])
def test_bernstein_refuses_values_that_are_not_finite_and_real(f, node, interval):
    with pytest.raises(ValueError, match="not finite and real") as info:
        bernstein(f, 3, interval)
    message = str(info.value)
    assert node in message and f"[{interval[0]}, {interval[1]}]" in message
    assert ("log(x)" in message or "sqrt(x - 2)" in message or "<lambda>" in message)


def test_bernstein_accepts_finite_real_values_at_the_nodes():
    # sqrt is fine at 0 (only its derivative blows up); a callable gives Floats
    assert sp.expand(bernstein(sp.sqrt(x), 1)) == x
    assert sp.expand(bernstein(lambda t: np.sqrt(t), 1)) == sp.Float(1.0) * x1
