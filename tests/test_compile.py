"""compile(): forward and loss_and_grad against the exact face, finite differences and limits."""

import ast
import random

import numpy as np
import pytest
import sympy as sp
from finite_differences import fd_gradient

from symmlp.derive.derivation import backprop
from symmlp.derive.grad import gradient
from symmlp.emit.numpy import compile_model
from symmlp.models.mlp import MLP
from symmlp.models.polynomial import Polynomial, SeparablePolynomial
from symmlp.ops.activations import activation_names

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("model", [
    *[MLP([2, 3, 2], activation=a, output_activation=a) for a in activation_names()],
    MLP([3, 2, 2, 1], activation=["relu", "tanh"], output_activation="sigmoid"),
    Polynomial(2, 3), Polynomial(3, 2, n_outputs=2), SeparablePolynomial(2, 3),
])
def test_forward_equals_exact_substitution(model):
    f = compile_model(model)
    theta = RNG.normal(size=model.num_params) * 0.7
    X = RNG.normal(size=(4, model.n_inputs))
    out = f.forward(theta, X)
    assert out.shape == (4, model.n_outputs)
    for b in range(4):
        exact = model.subs(list(theta), list(X[b]))
        np.testing.assert_allclose(out[b], [float(sp.N(v, 30)) for v in exact], rtol=1e-12, atol=1e-12)


def _exact_mean(model, loss, theta, X, Y):
    d = backprop(model, loss)
    ell, g = d.loss_expression(), gradient(model, loss)
    losses, grads = [], []
    for x, y in zip(X, Y):
        point = {**dict(zip(model.params, map(sp.Float, theta))), **dict(zip(model.inputs, map(sp.Float, x))),
                 **dict(zip(model.targets, map(sp.Float, y)))}
        losses.append(float(sp.N(ell.xreplace(point), 30)))
        grads.append([float(sp.N(g[p].xreplace(point), 30)) for p in model.params])
    return np.mean(losses), np.mean(grads, axis=0)


def _targets(loss, B, m):
    if loss == "softmax_ce":
        return np.eye(m)[RNG.integers(0, m, size=B)]
    if loss == "bce":
        return RNG.uniform(0, 1, size=(B, m))
    return RNG.normal(size=(B, m))


@pytest.mark.parametrize("model, loss", [
    (MLP([2, 3, 1], activation="tanh"), "mse"),
    (MLP([2, 3, 2], activation="relu", output_activation="softplus"), "mse"),
    (MLP([1, 2, 2, 1], activation=["square", "sigmoid"], output_activation="sigmoid"), "bce"),
    (MLP([2, 2, 3], activation="cube"), "softmax_ce"),
    (Polynomial(2, 2, n_outputs=2), "mse"),
    (SeparablePolynomial(2, 3), "mse"),
    (Polynomial(2, 2, n_outputs=3), "softmax_ce"),
])
def test_loss_and_grad_equals_exact_batch_mean_and_finite_differences(model, loss):
    f = compile_model(model, loss)
    theta = RNG.normal(size=model.num_params) * 0.5
    X = RNG.normal(size=(3, model.n_inputs))
    Y = _targets(loss, 3, model.n_outputs)
    value, grad = f.loss_and_grad(theta, X, Y)
    assert isinstance(value, float) and grad.shape == (model.num_params,)
    exact_loss, exact_grad = _exact_mean(model, loss, theta, X, Y)
    assert abs(value - exact_loss) <= 1e-10 * max(1, abs(exact_loss))
    np.testing.assert_allclose(grad, exact_grad, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(grad, fd_gradient(f, theta, X, Y), rtol=1e-5, atol=1e-6)


def test_mse_by_hand_on_linear_model():
    f = compile_model(MLP([2, 1]))
    theta = np.array([1.0, -2.0, 0.5])
    X = np.array([[1.0, 1.0], [2.0, 0.0]])
    Y = np.array([[0.0], [1.0]])
    r = X @ theta[:2] + theta[2] - Y[:, 0]  # residuals -0.5, 1.5
    loss, grad = f.loss_and_grad(theta, X, Y)
    assert loss == pytest.approx(0.5 * np.mean(r**2))
    np.testing.assert_allclose(grad, [np.mean(r * X[:, 0]), np.mean(r * X[:, 1]), np.mean(r)])


def test_softmax_targets_one_hot_probability_and_index_agree():
    f = compile_model(MLP([2, 3, 3], activation="tanh"), "softmax_ce")
    theta = RNG.normal(size=f.model.num_params)
    X = RNG.normal(size=(5, 2))
    idx = np.array([0, 2, 1, 1, 0])
    one_hot = np.eye(3)[idx]
    ref = f.loss_and_grad(theta, X, one_hot)
    for Y in [one_hot.astype(np.float32), idx, idx.reshape(-1, 1), idx.astype(np.int32)]:
        loss, grad = f.loss_and_grad(theta, X, Y)
        assert loss == ref[0]
        np.testing.assert_array_equal(grad, ref[1])
    probs = np.full((5, 3), 1 / 3)
    z = f.forward(theta, X)
    lse = np.log(np.exp(z).sum(axis=1))
    assert f.loss_and_grad(theta, X, probs)[0] == pytest.approx(np.mean(lse - z.mean(axis=1)))


def test_bce_stable_for_huge_logits():
    f = compile_model(MLP([1, 1], output_activation="sigmoid"), "bce")
    X = np.array([[1.0], [1.0]])
    Y = np.array([[0.0], [1.0]])
    theta = np.array([0.0, 1000.0])  # logit 1000: sample 1 costs 1000, sample 2 costs 0
    loss, grad = f.loss_and_grad(theta, X, Y)
    assert loss == pytest.approx(500.0) and np.all(np.isfinite(grad))
    np.testing.assert_allclose(grad, [0.5, 0.5])  # mean of (sigmoid - y) * x = (1 + 0) / 2
    loss, grad = f.loss_and_grad(np.array([0.0, -1000.0]), X, Y)
    assert loss == pytest.approx(500.0)
    np.testing.assert_allclose(grad, [-0.5, -0.5])


def test_softmax_ce_stable_for_huge_logits():
    f = compile_model(MLP([1, 2]), "softmax_ce")
    theta = np.array([0.0, 0.0, 1000.0, -1000.0])  # logits (1000, -1000)
    X = np.array([[1.0]])
    loss, grad = f.loss_and_grad(theta, X, np.array([1]))
    assert loss == pytest.approx(2000.0) and np.all(np.isfinite(grad))
    np.testing.assert_allclose(grad, [1.0, -1.0, 1.0, -1.0])  # softmax (1, 0) minus one-hot (0, 1)
    loss, grad = f.loss_and_grad(theta, X, np.array([0]))
    assert loss == 0.0
    np.testing.assert_allclose(grad, 0.0, atol=1e-300)


def test_source_is_matrix_form_not_scalar():
    model = MLP([8, 64, 64, 1])
    f = compile_model(model)
    assert "output" not in vars(model) and "_layers" not in vars(model)
    assert "W1_1_1" not in f.source and "b1_1" not in f.source
    ast.parse(f.source)
    lines = [ln.strip() for ln in f.source.splitlines()]
    for expected in ["Z1 = A0 @ W1.T + b1", "A1 = np.tanh(Z1)", "Z3 = A2 @ W3.T + b3",
                     "dW1 = D1.T @ A0", "db1 = np.sum(D1, axis=0)", "W2 = theta[576:4672].reshape(64, 64)"]:
        assert expected in lines, expected
    small = backprop(MLP([2, 3, 1])).matrix
    assert len(backprop(MLP([784, 128, 10])).matrix) == len(small)


def test_polynomial_source_uses_design_matrix():
    f = compile_model(Polynomial(8, 6))
    assert "Phi = monomials(X)" in f.source and "a_0_0" not in f.source


def _bad(f, *args, match):
    method = f.forward if len(args) == 2 else f.loss_and_grad
    with pytest.raises(ValueError, match=match):
        method(*args)


def test_bad_shapes_are_refused_naming_expected_and_received():
    f = compile_model(MLP([2, 3, 1]))
    t, X, Y = np.zeros(13), np.zeros((4, 2)), np.zeros((4, 1))
    _bad(f, t, np.zeros(2), match=r"shape \(B, 2\).*got \(2,\).*reshape")
    _bad(f, t, np.zeros((4, 3)), match=r"shape \(B, 2\).*got \(4, 3\)")
    _bad(f, t, X, np.zeros((3, 1)), match="3 rows but X has 4")
    _bad(f, t, X, np.zeros(4), match=r"shape \(B, 1\).*got \(4,\); for 4 samples.*reshape\(-1, 1\)")
    _bad(f, t, X, np.zeros((4, 2)), match=r"shape \(B, 1\).*got \(4, 2\)")
    _bad(f, np.zeros(12), X, Y, match=r"shape \(13,\).*got shape \(12,\)")
    _bad(f, np.zeros((13, 1)), X, Y, match=r"shape \(13,\).*got shape \(13, 1\)")


@pytest.mark.parametrize("bad", [np.array([["a", "b"]]), np.array([[1 + 1j, 0]]),
                                 np.array([[1, None]], dtype=object)])
def test_bad_dtypes_are_refused(bad):
    f = compile_model(MLP([2, 1]))
    with pytest.raises(TypeError, match="real numbers"):
        f.forward(np.zeros(3), bad)
    with pytest.raises(TypeError, match="real numbers"):
        f.loss_and_grad(np.zeros(3), np.zeros((1, 2)), bad[:, :1])
    with pytest.raises(TypeError, match="dtype"):
        f.forward(bad.ravel()[:1].repeat(3), np.zeros((1, 2)))


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_nan_and_inf_are_refused(value):
    f = compile_model(MLP([2, 1]))
    X, Y, t = np.zeros((2, 2)), np.zeros((2, 1)), np.zeros(3)
    X[1, 0], Y[1, 0], t[2] = value, value, value
    _bad(f, np.zeros(3), X, match="X holds NaN or inf")
    _bad(f, np.zeros(3), np.zeros((2, 2)), Y, match="Y holds NaN or inf")
    _bad(f, t, np.zeros((2, 2)), match="theta holds NaN or inf")


def test_loss_mismatches_and_bad_targets():
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        compile_model(MLP([2, 1]), "hinge")
    with pytest.raises(ValueError, match="at least 2 outputs"):
        compile_model(MLP([2, 1]), "softmax_ce")
    with pytest.raises(ValueError, match="output_activation='sigmoid'"):
        compile_model(MLP([2, 1]), "bce")
    soft = compile_model(MLP([2, 3]), "softmax_ce")
    t, X = np.zeros(9), np.zeros((2, 2))
    _bad(soft, t, X, np.array([[0.5, 0.2, 0.2], [1, 0, 0]]), match="summing to 1")
    _bad(soft, t, X, np.array([0, 3]), match=r"0\.\.2, got 0\.\.3")
    _bad(soft, t, X, np.array([-1, 0]), match=r"0\.\.2")
    _bad(soft, t, X, np.array([0.0, 1.0]), match="integer class indices, got dtype float64")
    bce = compile_model(MLP([2, 1], output_activation="sigmoid"), "bce")
    _bad(bce, np.zeros(3), X, np.array([[0.5], [1.5]]), match=r"\[0, 1\]")
    _bad(bce, np.zeros(3), X, np.array([[-0.1], [1.0]]), match=r"\[0, 1\]")


def test_repr_and_random_batches_keep_order_of_params():
    model = MLP([2, 2, 1], activation="relu")
    f = compile_model(model)
    assert repr(f) == "compile(MLP([2, 2, 1], activation='relu', output_activation='identity'), loss='mse')"
    rng = random.Random(4)
    theta = np.array([rng.uniform(-1, 1) for _ in model.params])
    k = model.params.index(model.bias(2)[0])
    X, Y = RNG.normal(size=(6, 2)), RNG.normal(size=(6, 1))
    residual = f.forward(theta, X) - Y
    assert f.loss_and_grad(theta, X, Y)[1][k] == pytest.approx(residual.mean())


@pytest.mark.parametrize("loss, out", [("mse", "identity"), ("mse", "tanh"), ("bce", "sigmoid")])
def test_generated_code_frees_every_batch_intermediate_after_its_last_use(loss, out):
    import re

    source = compile_model(MLP([3, 4, 4, 1], activation="relu", output_activation=out), loss).source
    body = source.split("def loss_and_grad")[1].splitlines()
    assigned = {m[1] for line in body if (m := re.match(r"\s+([ADZE]\d*|LSE|Zmax) = ", line))} - {"A0"}
    deleted = {name.strip() for line in body if line.strip().startswith("del ")
               for name in line.strip()[4:].split(",")}
    assert assigned <= deleted
    code = [line for line in body if not line.strip().startswith("#")]
    for name in deleted:  # never used after it is deleted
        k = max(k for k, line in enumerate(code)
                if line.strip().startswith("del ") and re.search(rf"\b{name}\b", line))
        assert not re.search(rf"\b{name}\b", "\n".join(code[k + 1:]))
