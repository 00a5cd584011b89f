"""The independent route the JAX and PyTorch emitters are checked against: each model's exact
formula (``model.output``, ``model.logits``) evaluated by the library, a loss written plainly,
and the library's own automatic differentiation through both.  Shared by test_jax.py and
test_torch.py; nothing here comes from symmlp's emitters."""

from contextlib import contextmanager

import numpy as np
import pytest
import sympy as sp

from symmlp import KAN, MLP, Expression, Polynomial, SeparablePolynomial, register_activation, serial
from symmlp.models.stages import Affine, Elementwise, Powers
from symmlp.ops.activations import unregister_activation


@contextmanager
def user_activations():
    """Two activations added from outside while the block runs: one smooth, one with a kink (``Max``)."""
    register_activation("silu_t", lambda z: z / (1 + sp.exp(-z)), replace=True)
    register_activation("leaky_t", lambda z: sp.Max(z, z / 10), replace=True)
    try:
        yield
    finally:
        unregister_activation("silu_t")
        unregister_activation("leaky_t")


@contextmanager
def wrong_tanh():
    """tanh with a derivative off by one part in a million: a deliberately broken gradient."""
    register_activation("wrong_tanh", sp.tanh, replace=True,
                        derivative=lambda z: (1 - sp.tanh(z) ** 2) * (1 + sp.Rational(1, 10**6)))
    try:
        yield MLP([2, 3, 1], activation="wrong_tanh")
    finally:
        unregister_activation("wrong_tanh")


def kan_like():
    """A two-layer Kolmogorov–Arnold chain: per-coordinate powers, affine, tanh, powers, affine."""
    return serial(Powers(2, 3, constant=False, layer=1, name="P"), Affine(6, 3, 1), Elementwise(3, 1, "tanh"),
                  Powers(3, 2, constant=False, layer=2, name="P"), Affine(6, 1, 2), Elementwise(1, 2, "identity"))


X1, X2, A, B, C = sp.symbols("x1 x2 a b c")


def _mlp(*args, **kwargs):
    return lambda: MLP(*args, **kwargs)


CASES = [
    *[pytest.param(_mlp([2, 3, 1], activation=a), "mse", id=f"mlp-{a}")
      for a in ("tanh", "relu", "sigmoid", "softplus", "square", "cube")],
    pytest.param(_mlp([3, 4, 3, 2], activation=["relu", "tanh"]), "mse", id="mlp-3432-relu-tanh"),
    pytest.param(_mlp([4, 5, 4, 1], activation="tanh"), "huber", id="mlp-4541-huber"),
    pytest.param(_mlp([2, 5, 3], activation="softplus"), "logcosh", id="mlp-softplus-logcosh"),
    pytest.param(_mlp([3, 4, 2], output_activation="sigmoid"), "bce", id="mlp-bce"),
    pytest.param(_mlp([3, 4, 3], activation="relu"), "softmax_ce", id="mlp-softmax_ce"),
    pytest.param(_mlp([1, 4, 1], output_activation="tanh"), "mse", id="mlp-tanh-output"),
    pytest.param(lambda: Polynomial(2, 3), "mse", id="polynomial"),
    pytest.param(lambda: Polynomial(3, 2, n_outputs=2), "huber", id="polynomial-2-outputs-huber"),
    pytest.param(lambda: Polynomial(2, 2, n_outputs=3), "softmax_ce", id="polynomial-softmax_ce"),
    pytest.param(lambda: SeparablePolynomial(3, 3), "logcosh", id="separable-logcosh"),
    pytest.param(kan_like, "mse", id="serial-kan-like"),
    pytest.param(lambda: serial(Affine(2, 3, 1, bias=False), Elementwise(3, 1, "sigmoid"), Affine(3, 1, 2)),
                 "huber", id="serial-no-bias"),
    pytest.param(lambda: KAN([2, 2, 1], degree=2), "mse", id="kan"),
    pytest.param(lambda: KAN([2, 3, 1], degree=2, activation="tanh"), "huber", id="kan-tanh-huber"),
    pytest.param(lambda: Expression(A * sp.sin(B * X1) + C * sp.Max(0, X1 * X2), [X1, X2], [A, B, C]), "mse",
                 id="expression-kink"),
    pytest.param(lambda: Expression([A * X1 + B * X2, C * sp.exp(-X1**2)], [X1, X2], [A, B, C]), "softmax_ce",
                 id="expression-softmax_ce"),
    pytest.param(lambda: Expression(A * sp.tanh(B * X1 - C * X2), [X1, X2], [A, B, C], output_activation="sigmoid"),
                 "bce", id="expression-bce"),
    pytest.param(_mlp([2, 4, 1], activation="silu_t"), "mse", id="user-activation-smooth"),
    pytest.param(_mlp([2, 4, 1], activation="leaky_t"), "mse", id="user-activation-kink"),
]
"""(model factory, loss): MLPs of several shapes and activations, every loss, the polynomial
families, serial chains, KANs, Expressions and activations added by a user (build them inside
``user_activations()``)."""


def data(model, loss, batch=7, seed=0):
    """theta, X, Y as float64 NumPy arrays (weights scaled by fan-in, targets fit for the loss)."""
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=model.num_params)
    for block in model.layout:
        if block.fan_in:
            theta[block.slice] /= np.sqrt(block.fan_in)
    X = rng.uniform(-1.5, 1.5, size=(batch, model.n_inputs))
    m = model.n_outputs
    if loss == "softmax_ce":
        Y = np.eye(m)[rng.integers(0, m, size=batch)]
    elif loss == "bce":
        Y = rng.uniform(0, 1, size=(batch, m))
    else:
        Y = rng.normal(size=(batch, m)) * 2  # past the Huber threshold for some rows
    return theta, X, Y


def exact_forward(model, modules, stack):
    """``f(theta, X) -> (outputs, logits)``, each ``(B, n_outputs)``, from the exact formula."""
    def prepare(exprs):
        return [e.rewrite(sp.Piecewise) if e.has(sp.Max) else e for e in exprs]

    f = sp.lambdify([model.params, model.inputs], [prepare(model.output), prepare(model.logits)], modules=modules,
                    cse=True)

    def forward(theta, X):
        out, logits = f(theta, [X[:, i] for i in range(model.n_inputs)])
        return stack(out), stack(logits)

    return forward


def plain_loss(name, lib, out, logits, Y):
    """The batch-mean loss written plainly with ``lib`` (``jax.numpy`` or ``torch``)."""
    e = out - Y
    if name == "mse":
        per = 0.5 * (e**2).sum(1)
    elif name == "bce":
        per = -(Y * lib.log(out) + (1 - Y) * lib.log(1 - out)).sum(1)
    elif name == "softmax_ce":
        per = lib.log(lib.exp(logits).sum(1)) - (Y * logits).sum(1)
    elif name == "huber":
        per = lib.where(lib.abs(e) <= 1, 0.5 * e**2, lib.abs(e) - 0.5).sum(1)
    elif name == "logcosh":
        per = lib.log(lib.cosh(e)).sum(1)
    else:
        raise ValueError(name)
    return per.sum() / out.shape[0]


def relative_error(a, b):
    """``max |a - b| / max |b|``: the error relative to the gradient's scale."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))

