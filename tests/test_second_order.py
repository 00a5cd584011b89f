"""Second order: compiled HVPs and Hessians, the exact R-operator Hessian, Gauss–Newton.

Independent references: torch.autograd.functional.hessian (float64), finite
differences of the compiled gradient, and sympy.diff twice of the expanded loss.
"""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest
import sympy as sp

from symmlp import MLP, Polynomial, SeparablePolynomial, compile, gradient, hessian, serial
from symmlp.derive.grad import real_symbols
from symmlp.models.stages import Affine, Elementwise
from symmlp.ops.activations import get_activation
from symmlp.verify.second_order import check_second_order

CASES = [
    (MLP([3, 4, 2, 1], activation="tanh"), "mse"),
    (MLP([3, 4, 1], activation="sigmoid", output_activation="sigmoid"), "bce"),
    (MLP([3, 4, 3], activation="softplus"), "softmax_ce"),
    (MLP([2, 3, 1], activation="tanh", output_activation="tanh"), "huber"),
    (MLP([2, 3, 1], activation="relu"), "logcosh"),
]


def _batch(model, loss, rng, n=9):
    X = rng.normal(size=(n, model.n_inputs))
    m = model.n_outputs
    if loss == "bce":
        return X, (rng.uniform(size=(n, m)) > 0.5).astype(float)
    if loss == "softmax_ce":
        return X, np.eye(m)[rng.integers(0, m, n)]
    return X, 2 * rng.normal(size=(n, m))


def _torch_loss(model, loss, X, Y):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    acts = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "softplus": F.softplus,
            "identity": lambda u: u}

    def f(t):
        a = torch.tensor(X)
        for l in range(1, model.n_layers + 1):
            W, b = model.layout[f"W{l}"], model.layout[f"b{l}"]
            z = a @ t[W.slice].reshape(W.shape).T + t[b.slice]
            a = acts[model.sigma(l).name](z)
        Yt, B = torch.tensor(Y), X.shape[0]
        if loss == "bce":
            return F.binary_cross_entropy_with_logits(z, Yt, reduction="sum") / B
        if loss == "softmax_ce":
            return F.cross_entropy(z, Yt, reduction="sum") / B
        if loss == "huber":
            return F.huber_loss(a, Yt, reduction="sum", delta=1.0) / B
        if loss == "logcosh":
            return torch.sum(torch.log(torch.cosh(a - Yt))) / B
        return 0.5 * torch.sum((a - Yt) ** 2) / B

    return f


@pytest.mark.parametrize("model, loss", CASES, ids=[f"{m.widths}-{loss}" for m, loss in CASES])
def test_compiled_hessian_equals_torch_autograd(model, loss):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    theta = 0.7 * rng.normal(size=model.num_params)
    X, Y = _batch(model, loss, rng)
    H = compile(model, loss).hessian(theta, X, Y)
    reference = torch.autograd.functional.hessian(_torch_loss(model, loss, X, Y),
                                                  torch.tensor(theta, dtype=torch.float64)).numpy()
    assert np.max(np.abs(H - reference)) <= 1e-10 * np.max(np.abs(reference))
    assert np.array_equal(H, H.T)


@pytest.mark.parametrize("model, loss", CASES, ids=[f"{m.widths}-{loss}" for m, loss in CASES])
def test_gauss_newton_is_psd_and_hvp_is_linear_and_jvp_is_the_gradient(model, loss):
    rng = np.random.default_rng(1)
    f = compile(model, loss)
    theta = 0.7 * rng.normal(size=model.num_params)
    X, Y = _batch(model, loss, rng)
    G = f.hessian(theta, X, Y, gauss_newton=True)
    assert np.linalg.eigvalsh(G).min() >= -1e-12 * max(1.0, np.abs(G).max())
    u, w = rng.normal(size=(2, model.num_params))
    np.testing.assert_allclose(f.hvp(theta, 2 * u - w, X, Y), 2 * f.hvp(theta, u, X, Y) - f.hvp(theta, w, X, Y),
                               rtol=1e-9, atol=1e-12)
    loss_value, jvp = f.loss_and_jvp(theta, u, X, Y)
    value, grad = f.loss_and_grad(theta, X, Y)
    assert loss_value == pytest.approx(value, rel=1e-14) and jvp == pytest.approx(grad @ u, rel=1e-10, abs=1e-14)


@pytest.mark.parametrize("model, loss", [
    (MLP([2, 2, 1], activation="tanh"), "mse"), (MLP([2, 2, 1], activation="relu"), "mse"),
    (MLP([2, 3, 1], activation="sigmoid", output_activation="sigmoid"), "bce"),
    (MLP([2, 2, 3], activation="softplus"), "softmax_ce"), (MLP([2, 3, 1]), "huber"),
    (MLP([2, 3, 1]), "logcosh"), (Polynomial(2, 2), "mse"), (SeparablePolynomial(2, 3), "mse"),
    (serial(Affine(2, 2, 1), Elementwise(2, 1, "softplus"), Affine(2, 1, 2)), "mse"),
])
def test_check_second_order_agrees_on_every_route(model, loss):
    report = check_second_order(model, loss, seed=3)
    assert report.ok, str(report)


def test_a_broken_second_derivative_is_caught():
    tanh = get_activation("tanh")
    numeric = dataclasses.replace(tanh, second_source="0.0")
    assert not check_second_order(MLP([2, 2, 1], activation=numeric)).ok
    exact = dataclasses.replace(tanh, second=lambda z: sp.Integer(0))
    assert not check_second_order(MLP([2, 2, 1], activation=exact)).ok


def test_exact_hessian_equals_sympy_diff_twice_symbolically():
    net = MLP([2, 2, 1], activation="tanh")
    H = hessian(net)
    real, back = real_symbols(net)
    ell = __import__("symmlp").backprop(net).loss_expression().xreplace(real)
    rng = random.Random(5)
    point = {s: sp.Rational(rng.randint(-5, 5), 7) for s in [*net.params, *net.inputs, *net.targets]}
    at = {real[s]: v for s, v in point.items()}
    for i, p in enumerate(net.params):
        for j, q in enumerate(net.params):
            want = sp.diff(ell, real[p], real[q]).xreplace(at)
            assert abs(sp.N(H[i, j].xreplace(point) - want, 50)) < 1e-45


def test_relu_hessians_are_symmetric_in_every_route_even_on_a_kink():
    net = MLP([1, 2, 1], activation="relu")
    values = [1, 2, 0, -2, 3, 1, 1, 1, 0]  # unit 1: z = 1*1 + 0 = 1; unit 2: z = 2*1 - 2 = 0, a kink
    point = dict(zip([*net.params, *net.inputs, *net.targets], values))
    H = hessian(net, at=point)
    assert H == H.T and all(v.is_Rational for v in H)
    S = hessian(net)
    assert not S.has(sp.DiracDelta)
    assert sp.simplify(S - S.T) == sp.zeros(7, 7)
    assert S.xreplace(point) == H  # Heaviside(0, 0) = 0 at the kink, as everywhere
    theta = np.array(values[:7], dtype=float)
    C = compile(net).hessian(theta, [[1.0]], [[0.0]])
    np.testing.assert_allclose(C, np.array(H.tolist(), dtype=float), atol=1e-12)


def test_direct_gradient_follows_the_relu_convention_at_a_kink():
    net = MLP([1, 1], output_activation="relu")
    point = dict(zip([*net.params, *net.inputs, *net.targets], [2, -2, 1, 1]))  # z = 0
    backprop_route = gradient(net)
    direct = gradient(net, method="direct")
    for p in net.params:
        assert backprop_route[p].xreplace(point) == direct[p].xreplace(point) == 0


@pytest.mark.slow
def test_exact_hessian_of_a_105_parameter_net_matches_the_compiled_one():
    net = MLP([2, 8, 8, 1], activation="tanh")
    rng = random.Random(1)
    point = {s: sp.Rational(rng.randint(-5, 5), 13) for s in [*net.params, *net.inputs, *net.targets]}
    H = hessian(net, at=point)
    theta = np.array([float(point[p]) for p in net.params])
    X = np.array([[float(point[s]) for s in net.inputs]])
    Y = np.array([[float(point[s]) for s in net.targets]])
    C = compile(net).hessian(theta, X, Y)
    exact = np.array(H.evalf(20).tolist(), dtype=float)
    assert np.max(np.abs(exact - C)) <= 1e-12 * np.max(np.abs(exact))
    assert max(abs(H[i, j] - H[j, i]) for i in range(105) for j in range(i)) < 1e-45


def test_hessian_bad_input():
    net = MLP([1, 1])
    with pytest.raises(TypeError, match="dict"):
        hessian(net, at=[1, 2])
    with pytest.raises(ValueError, match="missing"):
        hessian(net, at={net.params[0]: 1})
    with pytest.raises(ValueError, match="entries"):
        compile(MLP([100, 100, 1])).hessian(np.zeros(10201), np.zeros((1, 100)), np.zeros((1, 1)))


def test_hessian_at_a_saturated_tanh_keeps_its_digits():
    # 1 - tanh(100)**2 = 4e-87: evaluated at the Floats' precision it cancelled to an exact-looking 0
    net = MLP([1, 1], output_activation="tanh")
    H = hessian(net, at=dict(zip([*net.params, *net.inputs, *net.targets], [100, 0, 1, 0])))
    w, b = sp.symbols("w b")
    want = sp.hessian((sp.tanh(w + b)) ** 2 / 2, (w, b)).subs({w: 100, b: 0}).evalf(60)
    assert want[0, 0] < -1e-87
    for got, exact in zip(H, want):
        assert abs(got - exact) <= 1e-45 * abs(exact)


def test_hessian_at_a_point_where_terms_cancel_exactly_is_still_evaluated():
    # two identical hidden units with opposite output weights: the output is exactly 0
    net = MLP([1, 2, 1], activation="tanh")
    values = [sp.Rational(1, 3), sp.Rational(1, 3), sp.Rational(1, 5), sp.Rational(1, 5), 2, -2, 0, 1, 0]
    H = hessian(net, at=dict(zip([*net.params, *net.inputs, *net.targets], values)))
    theta = np.array([float(v) for v in values[:7]])
    C = compile(net).hessian(theta, [[1.0]], [[0.0]])
    np.testing.assert_allclose(np.array(H.tolist(), dtype=float), C, atol=1e-12)


@pytest.mark.parametrize("method", ["hvp", "gnvp", "loss_and_jvp"])
def test_a_bad_direction_is_named_v_not_theta(method):
    f = compile(MLP([1, 1]))
    call = getattr(f, method)
    with pytest.raises(ValueError, match=r"^v must be a real array of shape \(2,\)"):
        call(np.zeros(2), np.zeros(3), [[1.0]], [[0.0]])
    with pytest.raises(ValueError, match=r"^v holds NaN or inf"):
        call(np.zeros(2), np.array([np.nan, 0.0]), [[1.0]], [[0.0]])
    with pytest.raises(ValueError, match=r"^theta holds NaN or inf"):
        call(np.array([np.nan, 0.0]), np.zeros(2), [[1.0]], [[0.0]])


@pytest.mark.parametrize("model", [MLP([2, 3, 2], activation="tanh"), MLP([1, 4, 1], activation="relu"),
                                   Polynomial(2, 3)], ids=repr)
def test_output_jacobian_matches_central_differences_of_forward(model):
    f = compile(model)
    rng = np.random.default_rng(1)
    theta, X = rng.normal(size=model.num_params), rng.normal(size=(5, model.n_inputs))
    J = f.jacobian(theta, X)
    h = 1e-6
    columns = [(f.forward(theta + h * e, X) - f.forward(theta - h * e, X)).reshape(-1) / (2 * h)
               for e in np.eye(model.num_params)]
    assert J.shape == (5 * model.n_outputs, model.num_params)
    assert np.allclose(J, np.stack(columns, axis=1), atol=1e-6)
    v = rng.normal(size=model.num_params)
    assert np.allclose(f.jvp(theta, v, X).reshape(-1), J @ v, atol=1e-12)
