import warnings
from fractions import Fraction as F

import numpy as np
import pytest
import sympy as sp

from symmlp import TrainingDiverged, TrainResult, gd_step, init_theta, train
from symmlp.emit.numpy import compile_model
from symmlp.explore.datasets import cross_term, sample_1d, xor
from symmlp.models.mlp import MLP
from symmlp.models.polynomial import Polynomial, SeparablePolynomial
from symmlp.training.loop import DIVERGENCE_FACTOR


def relu_step_by_hand(theta, X, Y, lr):
    """One GD step of a [1, 2, 1] relu net with mse, written out with Fractions."""
    w1, w2, c1, c2, v1, v2, d = theta
    total = [F(0)] * 7
    for (x,), (y,) in zip(X, Y):
        z1, z2 = w1 * x + c1, w2 * x + c2
        h1, h2 = max(F(0), z1), max(F(0), z2)
        e = v1 * h1 + v2 * h2 + d - y
        s1, s2 = (1 if z1 > 0 else 0), (1 if z2 > 0 else 0)
        g = [e * v1 * s1 * x, e * v2 * s2 * x, e * v1 * s1, e * v2 * s2, e * h1, e * h2, e]
        total = [t + gi for t, gi in zip(total, g)]
    return [t - lr * g / len(X) for t, g in zip(theta, total)]


THETA = [F(1, 2), F(-2, 3), F(1, 4), F(1, 3), F(3, 2), F(-1, 5), F(1, 7)]
X2 = [[F(1)], [F(-3, 2)]]
Y2 = [[F(2, 3)], [F(-1)]]


def test_gd_step_matches_hand_computation_exactly():
    new = gd_step(MLP([1, 2, 1], activation="relu"), "mse", THETA, X2, Y2, F(1, 10))
    expected = relu_step_by_hand(THETA, X2, Y2, F(1, 10))
    assert all(isinstance(v, sp.Rational) for v in new)
    assert new == [sp.Rational(v.numerator, v.denominator) for v in expected]
    # the point exercises both relu branches: unit 2 is off at x=1, unit 1 off at x=-3/2
    assert THETA[1] * 1 + THETA[3] < 0 and THETA[0] * F(-3, 2) + THETA[2] < 0


def test_gd_step_agrees_with_compiled_float_gradient():
    net = MLP([1, 2, 1], activation="relu")
    lr = F(1, 10)
    new = gd_step(net, "mse", THETA, X2, Y2, lr)
    exact_grad = [(t - n) / sp.Rational(1, 10) for t, n in zip(THETA, new)]
    theta = np.array([float(t) for t in THETA])
    Xf = np.array([[float(r[0])] for r in X2])
    Yf = np.array([[float(r[0])] for r in Y2])
    _, grad = compile_model(net, "mse").loss_and_grad(theta, Xf, Yf)
    np.testing.assert_allclose([float(g) for g in exact_grad], grad, rtol=1e-12, atol=1e-14)


def test_gd_step_tanh_bce_matches_compiled_gradient():
    net = MLP([2, 2, 1], activation="tanh", output_activation="sigmoid")
    theta = [F(k % 5 - 2, 3) for k in range(net.num_params)]
    X = [[F(1, 2), F(-1)], [F(2), F(1, 3)], [F(0), F(1)]]
    Y = [[1], [0], [1]]
    new = gd_step(net, "bce", theta, X, Y, 2)
    exact_grad = [float((t - n) / 2) for t, n in zip(theta, new)]
    _, grad = compile_model(net, "bce").loss_and_grad(
        np.array([float(t) for t in theta]), np.array(X, dtype=float), np.array(Y, dtype=float))
    np.testing.assert_allclose(exact_grad, grad, rtol=1e-10, atol=1e-12)


def test_gd_step_polynomial_is_least_squares_update():
    # y = a0 + a1 x; grad of mean 1/2 (a0 + a1 x - y)^2 by hand
    X, Y = [[1], [2], [F(1, 2)]], [[3], [5], [F(1, 3)]]
    theta, lr = [F(1, 3), F(-1, 2)], F(1, 4)
    res = [F(theta[0]) + theta[1] * x[0] - y[0] for x, y in zip(X, Y)]
    g0 = sum(res) / 3
    g1 = sum(r * x[0] for r, x in zip(res, X)) / 3
    assert gd_step(Polynomial(1, 1), "mse", theta, np.array(X, dtype=object), Y, lr) == [
        theta[0] - lr * g0, theta[1] - lr * g1]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        (dict(theta=[1, 2, 3]), ValueError),
        (dict(X=[[1, 2]]), ValueError),
        (dict(Y=[[1], [2]]), ValueError),
        (dict(lr=0), ValueError),
        (dict(lr="0.1"), TypeError),
        (dict(X=[]), ValueError),
        (dict(loss="bce"), ValueError),
    ],
)
def test_gd_step_rejects_bad_input(kwargs, error):
    args = dict(model=Polynomial(1, 1), loss="mse", theta=[0, 0], X=[[1]], Y=[[1]], lr=1)
    args.update(kwargs)
    with pytest.raises(error):
        gd_step(**args)


def mse(result, X, Y):
    return float(np.mean((result.predict(X) - Y) ** 2))


def test_sin_fit_reaches_small_mse():
    X, Y = sample_1d(np.sin, n=100, interval=(-np.pi, np.pi))
    r = train(MLP([1, 16, 1], activation="tanh"), X, Y, lr=0.1, momentum=0.9, steps=4000)
    assert mse(r, X, Y) < 1e-3
    assert r.losses.shape == (4000,) and r.losses[-1] < r.losses[0] / 100
    # the recorded loss is the package's mse (1/2 mean squared error) at the step's start
    assert r.losses[-1] == pytest.approx(mse(r, X, Y) / 2, rel=1e-2)


def test_xor_mlp_gets_all_four():
    X, Y = xor()
    r = train(MLP([2, 2, 1], activation="tanh", output_activation="sigmoid"), X, Y, loss="bce",
              lr=0.5, momentum=0.9, steps=1500, seed=0)
    labels = (r.predict(X) > 0.5).astype(float)
    assert (labels == Y).all()


def test_xor_linear_model_fails():
    X, Y = xor()
    r = train(MLP([2, 1], output_activation="sigmoid"), X, Y, loss="bce", lr=0.5, momentum=0.9,
              steps=1000)
    assert ((r.predict(X) > 0.5) == Y).sum() <= 3


def test_cross_term_separable_floor_and_full_polynomial():
    X, Y = cross_term(400, seed=1)
    sep = train(SeparablePolynomial(2, 2), X, Y, lr=0.5, momentum=0.9, steps=600)
    full = train(Polynomial(2, 2), X, Y, lr=0.5, momentum=0.9, steps=600)
    # independent route: the least-squares optimum of the separable model
    Phi = np.c_[np.ones(len(X)), X[:, 0], X[:, 0] ** 2, X[:, 1], X[:, 1] ** 2]
    best = np.linalg.lstsq(Phi, Y, rcond=None)[0]
    floor = float(np.mean((Phi @ best - Y) ** 2))
    assert floor >= 0.01
    assert mse(sep, X, Y) >= floor - 1e-12
    assert mse(sep, X, Y) == pytest.approx(floor, rel=1e-6)
    assert mse(full, X, Y) < 1e-8
    assert float(full.to_symbolic(digits=6, rational=True)[0].coeff(sp.Symbol("x_1") * sp.Symbol("x_2"))) \
        == 1


def test_same_seed_is_bit_identical_and_seeds_differ():
    X, Y = sample_1d(np.cos, n=40, interval=(-2, 2))
    net = MLP([1, 5, 1], activation="tanh")
    kw = dict(lr=0.05, steps=60, batch_size=8, momentum=0.5)
    a = train(net, X, Y, seed=3, **kw)
    b = train(net, X, Y, seed=3, **kw)
    c = train(net, X, Y, seed=4, **kw)
    assert a.theta.tobytes() == b.theta.tobytes() and a.losses.tobytes() == b.losses.tobytes()
    assert a.theta.tobytes() != c.theta.tobytes()


def test_minibatches_cover_each_epoch():
    X = np.arange(10.0).reshape(-1, 1)
    seen = []
    net = Polynomial(1, 0)
    compiled = compile_model(net, "mse")

    def record(step, loss, theta):
        seen.append(loss)

    r = train(net, X, X, lr=1e-9, steps=5, batch_size=2, init=[0.0], callback=record)
    # with theta ~ 0 each batch loss is mean(y^2)/2 of its batch; over one epoch they sum to all y^2 / 4
    assert sum(seen) == pytest.approx(float(np.sum(X**2)) / 4, rel=1e-6)
    assert r.losses.tolist() == seen
    assert compiled.loss_and_grad(np.zeros(1), X, X)[0] == pytest.approx(np.mean(X**2) / 2)


def test_callback_can_stop_early():
    X, Y = sample_1d(np.sin, n=10)
    r = train(Polynomial(1, 1), X, Y, steps=100, callback=lambda step, loss, theta: step == 4)
    assert r.losses.shape == (5,)


def assert_last_theta_is_good(model, err, X, Y, losses):
    """``err.last_theta`` has a finite loss and gradient within the divergence bound."""
    value, grad = compile_model(model, "mse").loss_and_grad(err.last_theta, X, Y)
    assert np.isfinite(value) and np.isfinite(grad).all()
    assert value <= max(DIVERGENCE_FACTOR * max(losses[0], 1e-12), 1.0)
    assert value < err.loss or not np.isfinite(err.loss)
    # full batch: it is the theta of the step before the offending one
    assert value == pytest.approx(losses[err.step - 1], rel=1e-9)


def recorder():
    losses = []
    return losses, lambda step, loss, theta: losses.append(loss)


def test_divergence_is_detected_with_huge_lr():
    X, Y = sample_1d(lambda x: 3 * x, n=20, interval=(-2, 2))
    model = Polynomial(1, 3)
    losses, callback = recorder()
    with pytest.raises(TrainingDiverged, match="smaller learning rate") as info:
        train(model, X, Y, lr=50.0, steps=1000, callback=callback)
    err = info.value
    assert isinstance(err, RuntimeError)
    assert 0 < err.step < 1000
    assert err.last_theta.shape == (4,) and np.isfinite(err.last_theta).all()
    assert_last_theta_is_good(model, err, X, Y, losses)


def test_divergence_of_mlp_never_returns_nan():
    X, Y = sample_1d(np.sin, n=30, interval=(-3, 3))
    model = MLP([1, 8, 1], activation="relu")
    losses, callback = recorder()
    with pytest.raises(TrainingDiverged) as info:
        train(model, X, Y, lr=1e3, steps=500, callback=callback)
    assert np.isfinite(info.value.last_theta).all()
    assert_last_theta_is_good(model, info.value, X, Y, losses)


def test_divergence_at_step_0_returns_initial_theta_without_numpy_warnings():
    X, Y = sample_1d(np.sin, n=10)
    start = np.array([1e200, 1e200])  # the loss overflows to inf at once
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning would raise instead
        with pytest.raises(TrainingDiverged, match="became inf") as info:
            train(Polynomial(1, 1), X, Y, init=start, steps=5)
    assert info.value.step == 0
    np.testing.assert_array_equal(info.value.last_theta, start)


def test_overflow_in_later_steps_emits_no_numpy_warnings():
    X, Y = sample_1d(lambda x: 1e100 * x, n=30, interval=(-3, 3))
    model = MLP([1, 4, 1], activation="relu")
    losses, callback = recorder()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TrainingDiverged) as info:
            train(model, X, Y, lr=1e6, steps=50, momentum=0.9, callback=callback)
    assert info.value.step > 0
    assert_last_theta_is_good(model, info.value, X, Y, losses)


def test_init_choices():
    net = MLP([3, 4, 2], activation="tanh")
    he = init_theta(net, "he", seed=1)
    xav = init_theta(net, "xavier", seed=1)
    assert he.shape == xav.shape == (net.num_params,)
    assert np.all(np.abs(xav[:12]) <= np.sqrt(6 / 7)) and np.all(np.abs(xav[12:16]) <= 1 / np.sqrt(3))
    assert np.all(np.abs(xav[16:24]) <= np.sqrt(6 / 6)) and np.all(np.abs(xav[24:]) <= 1 / 2)
    assert np.std(init_theta(MLP([400, 300, 1]), "he", seed=0)[:120_000]) == pytest.approx(
        np.sqrt(2 / 400), rel=0.02)
    assert not np.array_equal(he, xav) and np.array_equal(he, init_theta(net, "he", seed=1))
    given = np.arange(net.num_params, dtype=float)
    r = train(net, np.ones((2, 3)), np.ones((2, 2)), steps=1, lr=1e-3, init=given)
    _, grad = compile_model(net).loss_and_grad(given, np.ones((2, 3)), np.ones((2, 2)))
    np.testing.assert_allclose(r.theta, given - 1e-3 * grad, rtol=1e-15)
    with pytest.raises(ValueError, match=r"shape \(26,\)"):
        init_theta(net, np.zeros(5))
    with pytest.raises(ValueError, match="init must be one of xavier, he"):
        init_theta(net, "glorot")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [(dict(lr=-1), ValueError), (dict(lr=float("nan")), ValueError), (dict(momentum=1.0), ValueError),
     (dict(steps=0), ValueError), (dict(batch_size=11), ValueError), (dict(loss="hinge"), ValueError),
     (dict(loss="bce"), ValueError)],
)
def test_train_rejects_bad_settings(kwargs, error):
    X = np.linspace(0, 1, 10).reshape(-1, 1)
    with pytest.raises(error):
        train(Polynomial(1, 1), X, X, **kwargs)


def test_softmax_ce_with_class_indices():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 1, 2, 1])
    r = train(MLP([1, 8, 3], activation="tanh"), X, y, loss="softmax_ce", lr=0.5, momentum=0.9,
              steps=500)
    assert (r.predict(X).argmax(axis=1) == y).all()


def test_to_symbolic_evaluates_like_predict():
    X, Y = sample_1d(np.sin, n=20, interval=(-1, 1))
    r = train(MLP([1, 3, 1], activation="tanh"), X, Y, lr=0.1, steps=50)
    expr = r.to_symbolic()[0]
    x = sp.Symbol("x_1")
    assert expr.free_symbols == {x}
    assert float(expr.subs(x, sp.Rational(1, 2))) == pytest.approx(float(r.predict([[0.5]])[0, 0]),
                                                                    rel=1e-12)
    exact = TrainResult(Polynomial(1, 1), np.array([sp.Rational(1, 3), sp.Integer(2)], dtype=object))
    assert exact.to_symbolic()[0] == 2 * x + sp.Rational(1, 3)
    assert exact.predict([[3.0]])[0, 0] == pytest.approx(6 + 1 / 3)


def test_to_symbolic_rounding_and_rationals():
    x = sp.Symbol("x_1")
    r = TrainResult(Polynomial(1, 2), np.array([0.391234, -1.5e-3, 2.0]))
    expected = sp.Rational(39, 100) - sp.Rational(3, 2000) * x + 2 * x**2
    assert r.to_symbolic(digits=2, rational=True)[0] == expected
    assert r.to_symbolic(rational=True)[0].coeff(x, 0) == sp.Rational(391234, 10**6)
    shown = str(r.to_symbolic(digits=3)[0])
    assert "0.391" in shown and "0.391234" not in shown
    with pytest.raises(ValueError):
        r.to_symbolic(digits=0)


def test_init_theta_refuses_before_allocating_a_net_too_large_to_hold():
    # 1e10 parameters: numpy raised _ArrayMemoryError (74.5 GiB) instead of a one-line ValueError
    with pytest.raises(ValueError, match=r"1e\+10 parameters; drawing them would allocate 80 GB"):
        init_theta(MLP([100_000, 100_000, 1]))
