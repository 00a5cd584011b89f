"""gradient(backprop) == gradient(direct) exactly; Jacobian and Hessian against sp.diff."""

import random

import pytest
import sympy as sp

from symmlp import gradient, hessian, jacobian
from symmlp.models.mlp import MLP
from symmlp.models.polynomial import Polynomial, SeparablePolynomial


def _point(model, rng, targets=None):
    r = lambda: sp.Rational(rng.randint(-9, 9), rng.randint(1, 7))  # noqa: E731
    point = {s: r() for s in (*model.params, *model.inputs)}
    ys = targets if targets is not None else [r() for _ in model.targets]
    point.update(zip(model.targets, ys))
    return point


def _targets(loss, m, rng):
    if loss == "softmax_ce":
        k = rng.randrange(m)
        return [sp.Integer(int(i == k)) for i in range(m)]
    if loss == "bce":
        return [sp.Rational(rng.randint(0, 4), 4) for _ in range(m)]
    return None


@pytest.mark.parametrize("widths, act, out", [
    ([2, 3, 1], "relu", "identity"),
    ([2, 2, 2], "identity", "identity"),
    ([1, 2, 2, 1], "square", "identity"),
    ([2, 2, 2, 2], ["relu", "cube"], "square"),
    ([1, 2, 1], "cube", "cube"),
])
def test_backprop_equals_direct_exactly_at_rational_points(widths, act, out):
    net = MLP(widths, activation=act, output_activation=out)
    bp, direct = gradient(net), gradient(net, method="direct")
    assert list(bp) == list(net.params) == list(direct)
    rng = random.Random(1)
    for _ in range(3):
        point = _point(net, rng)
        for p in net.params:
            a, b = bp[p].xreplace(point), direct[p].xreplace(point)
            assert a.is_Rational and a == b, (p, a, b)


def test_backprop_minus_direct_simplifies_to_zero():
    for net in [MLP([1, 1, 1], activation="tanh"), MLP([1, 1], output_activation="sigmoid")]:
        bp, direct = gradient(net), gradient(net, method="direct")
        assert all(sp.simplify(bp[p] - direct[p]) == 0 for p in net.params)


def test_mse_gradient_of_last_bias_is_residual_by_hand():
    net = MLP([2, 3, 1], activation="relu")
    assert sp.expand(gradient(net)[net.params[-1]] - (net.output[0] - net.targets[0])) == 0


@pytest.mark.parametrize("widths, act, out, loss", [
    ([2, 2, 1], "tanh", "identity", "mse"),
    ([1, 2, 2, 1], "sigmoid", "tanh", "mse"),
    ([2, 2, 1], "softplus", "sigmoid", "bce"),
    ([2, 2, 2], "tanh", "identity", "softmax_ce"),
    ([1, 2, 3], "softplus", "identity", "softmax_ce"),
    ([2, 2, 1], ["sigmoid"], "softplus", "mse"),
    ([2, 2, 1], "relu", "sigmoid", "mse"),
])
def test_backprop_equals_direct_to_40_digits(widths, act, out, loss):
    net = MLP(widths, activation=act, output_activation=out)
    bp, direct = gradient(net, loss), gradient(net, loss, method="direct")
    rng = random.Random(7)
    for _ in range(2):
        point = _point(net, rng, _targets(loss, net.n_outputs, rng))
        for p in net.params:
            a, b = sp.N(bp[p].xreplace(point), 50), sp.N(direct[p].xreplace(point), 50)
            assert abs(a - b) <= sp.Float(10, 50) ** -40 * max(1, abs(a)), (p, a, b)


def test_polynomial_tanh_output_does_not_hang():
    net = MLP([1, 2, 2, 1], activation=["square", "cube"], output_activation="tanh")
    bp, direct = gradient(net), gradient(net, method="direct")
    point = _point(net, random.Random(3))
    p = net.params[0]
    assert abs(sp.N(bp[p].xreplace(point) - direct[p].xreplace(point), 50)) < 1e-40


@pytest.mark.parametrize("model", [Polynomial(2, 2), Polynomial(2, 2, n_outputs=2),
                                   SeparablePolynomial(3, 2)])
def test_polynomial_gradient_is_monomial_times_output_delta(model):
    g = gradient(model)
    n = len(model.exponents)
    for k, p in enumerate(model.params):
        o, j = divmod(k, n)
        expected = model.monomials[j] * (model.output[o] - model.targets[o])
        assert sp.expand(g[p] - expected) == 0
    direct = gradient(model, method="direct")
    assert all(sp.expand(g[p] - direct[p]) == 0 for p in model.params)


def test_gradient_rejects_unknown_method_and_bad_loss():
    with pytest.raises(ValueError, match="method must be one of backprop, direct; got 'fd'"):
        gradient(MLP([1, 1]), method="fd")
    with pytest.raises(ValueError, match="softmax_ce"):
        gradient(MLP([2, 1]), "softmax_ce")


@pytest.mark.parametrize("net", [
    MLP([2, 3, 2], activation="tanh"),
    MLP([3, 2, 2, 1], activation=["relu", "square"], output_activation="sigmoid"),
    MLP([2, 2], activation="tanh", output_activation="softplus"),
])
def test_jacobian_matches_sympy_jacobian(net):
    J, ref = jacobian(net), net.output.jacobian(net.inputs)
    assert J.shape == (net.n_outputs, net.n_inputs)
    rng = random.Random(5)
    for _ in range(2):
        point = _point(net, rng)
        for a, b in zip(J.xreplace(point), ref.xreplace(point)):
            assert abs(sp.N(a - b, 50)) < 1e-40


def test_jacobian_of_polynomial():
    p = Polynomial(2, 2)
    assert jacobian(p) == p.output.jacobian(p.inputs)


def test_hessian_symmetric_and_equals_second_sp_diff():
    net = MLP([1, 1, 1], activation="tanh")
    H = hessian(net)
    ell = (net.output[0] - net.targets[0]) ** 2 / 2
    point = _point(net, random.Random(2))
    n = net.num_params
    assert H.shape == (n, n)
    for i, p in enumerate(net.params):
        for j, q in enumerate(net.params):
            h = sp.N(H[i, j].xreplace(point), 50)
            assert abs(h - sp.N(H[j, i].xreplace(point), 50)) < 1e-40
            assert abs(h - sp.N(sp.diff(ell, p, q).xreplace(point), 50)) < 1e-40


def test_hessian_of_linear_model_by_hand():
    net = MLP([2, 1], output_activation="identity")
    x1, x2 = net.inputs
    v = sp.Matrix([x1, x2, 1])
    assert sp.expand(hessian(net) - v * v.T) == sp.zeros(3, 3)


def test_hessian_refuses_big_models():
    with pytest.raises(ValueError, match="max_params=40"):
        hessian(MLP([4, 8, 1]))


def test_jacobian_and_hessian_of_polynomial_layers_under_tanh():
    """Plain-symbol sp.diff hangs here (SymPy asks whether tanh(P) is real); ours must not."""
    import numpy as np

    from symmlp.emit.numpy import compile_model

    net = MLP([1, 2, 2, 1], activation=["square", "cube"], output_activation="tanh")
    point = {s: sp.Rational(k % 5 - 2, 3 + k % 2) for k, s in
             enumerate((*net.params, *net.inputs, *net.targets))}
    real = {s: sp.Dummy(s.name, real=True) for s in point}
    ref = net.output.xreplace(real).jacobian([real[x] for x in net.inputs])
    J = jacobian(net)
    assert abs(sp.N(J[0, 0].xreplace(point) - ref[0, 0].xreplace({real[s]: v for s, v in point.items()}),
                    50)) < 1e-40
    H = hessian(net).xreplace(point)
    theta = np.array([float(point[p]) for p in net.params])
    X, Y = np.array([[float(point[net.inputs[0]])]]), np.array([[float(point[net.targets[0]])]])
    f, h = compile_model(net), 1e-6
    for j in range(net.num_params):
        e = np.zeros_like(theta)
        e[j] = h
        column = (f.loss_and_grad(theta + e, X, Y)[1] - f.loss_and_grad(theta - e, X, Y)[1]) / (2 * h)
        exact = np.array([float(sp.N(H[i, j], 30)) for i in range(net.num_params)])
        np.testing.assert_allclose(exact, column, rtol=1e-5, atol=1e-6)
        assert all(abs(sp.N(H[i, j] - H[j, i], 50)) < 1e-40 for i in range(net.num_params))
