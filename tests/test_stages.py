"""The spine: models built from stages directly, a loss and an activation added from
outside, each run through derivation, compile, check, LaTeX and training.

References are independent of the derivation: ``sympy.diff`` of the expanded
loss, central finite differences, and the stages' exact SymPy forms.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from finite_differences import fd_gradient

import symmlp
from symmlp import MLP, Loss, backprop, check, compile, derivation_document, gradient, train
from symmlp.derive.equations import Term
from symmlp.emit.backend import NUMPY, Backend
from symmlp.models.stages import Affine, Elementwise, Monomials, Powers
from symmlp.ops.activations import register_activation, unregister_activation


def test_a_model_built_from_stages_runs_through_the_whole_pipeline(tmp_path):
    net = symmlp.serial(Affine(2, 3, 1), Elementwise(3, 1, "tanh"), Affine(3, 1, 2), Elementwise(1, 2, "sigmoid"))
    assert net.num_params == 13 and [b.name for b in net.layout] == ["W1", "b1", "W2", "b2"]
    # its exact output is the composition written by hand
    W1, b1, W2, b2 = (net.block_symbols(n) for n in ("W1", "b1", "W2", "b2"))
    x = sp.Matrix(net.inputs)
    by_hand = 1 / (1 + sp.exp(-((W2 * (W1 * x + b1).applyfunc(sp.tanh))[0] + b2[0])))
    assert sp.simplify(net.output[0] - by_hand) == 0
    # derivation, compile, check
    d = backprop(net, "bce")
    assert [e.lhs for e in d.matrix if e.kind == "gradient"] == ["∂L/∂W2", "∂L/∂b2", "∂L/∂W1", "∂L/∂b1"]
    f = compile(net, "bce")
    rng = np.random.default_rng(0)
    theta, X = rng.normal(size=13), rng.normal(size=(7, 2))
    Y = (X[:, :1] > 0).astype(float)
    np.testing.assert_allclose(f.loss_and_grad(theta, X, Y)[1], fd_gradient(f, theta, X, Y), atol=1e-8)
    assert check(net, "bce").ok
    # LaTeX and training
    tex = derivation_document(net, "bce")
    assert r"\frac{\partial L}{\partial W^{(1)}}" in tex and r"\tanh" in tex
    result = train(net, X, Y, loss="bce", lr=0.5, steps=200)
    assert result.losses[-1] < 0.5 * result.losses[0]
    path = tmp_path / "serial.json"
    result.save(path)
    back = symmlp.load(path)
    assert back.model == net and np.array_equal(back.theta, result.theta)


def test_serial_refuses_mismatched_or_clashing_stages():
    with pytest.raises(ValueError, match="stage 1 takes 4 inputs but stage 0 gives 3"):
        symmlp.serial(Affine(2, 3, 1), Affine(4, 1, 2))
    with pytest.raises(ValueError, match="repeat: A1, W1, Z1, b1"):
        symmlp.serial(Affine(2, 2, 1), Elementwise(2, 1, "tanh"), Affine(2, 2, 1), Elementwise(2, 1, "tanh"))
    with pytest.raises(TypeError, match="must be a Stage"):
        symmlp.serial(Affine(2, 2, 1), "tanh")


class Cauchy(Loss):
    """A loss added from outside: l = sum log(1 + e^2), gradient 2e/(1 + e^2)."""

    name = "cauchy_test"
    sample_latex = r"\ell = \sum_k \log(1 + e_k^2)"
    gradient_latex = r"\frac{2 e_k}{1 + e_k^2}"

    def sample(self, yhat, y, z, *, expanded=False):
        return sp.Add(*(sp.log(1 + (a - t) ** 2) for a, t in zip(yhat, y)))

    def gradient(self, yhat, y, z):
        return [2 * (a - t) / (1 + (a - t) ** 2) for a, t in zip(yhat, y)]

    def matrix_loss(self, out, z):
        return Term(f"Σ log(1 + ({out.text} − Y)²) / B", rf"\frac{{1}}{{B}} \sum \log(1 + ({out.tex} - Y)^2)",
                    f"E = {out.code} - Y\nloss = np.sum(np.log1p(E**2)) / B")

    def matrix_gradient(self, out, z):
        return Term(f"2({out.text} − Y) / (1 + ({out.text} − Y)²) / B", r"\frac{2E}{B(1 + E^2)}",
                    "2.0 * E / (1.0 + E**2) / B")


def test_a_loss_added_in_a_test_file_runs_through_the_pipeline():
    cauchy = Cauchy()
    net = MLP([1, 4, 1], activation="tanh")
    g_bp, g_direct = gradient(net, cauchy), gradient(net, cauchy, method="direct")
    point = {s: sp.Rational(k % 5 + 1, 7) - sp.Rational(1, 3) for k, s in
             enumerate([*net.params, *net.inputs, *net.targets])}
    assert all(abs(sp.N((g_bp[p] - g_direct[p]).xreplace(point), 40)) < 1e-35 for p in net.params)
    assert check(net, cauchy).ok
    assert r"\log(1 + e_k^2)" in derivation_document(net, cauchy)
    X = np.linspace(-1, 1, 40).reshape(-1, 1)
    result = train(net, X, np.sin(2 * X), loss=cauchy, lr=0.1, steps=300, momentum=0.9)
    assert result.losses[-1] < 0.1 * result.losses[0]


def test_a_wrong_loss_gradient_is_caught_by_check():
    class Wrong(Cauchy):
        name = "wrong_cauchy_test"

        def matrix_gradient(self, out, z):
            return Term("wrong", "wrong", "2.0 * E / (1.0 + E**2) / B * 1.01")

    assert not check(MLP([1, 2, 1]), Wrong()).ok


def test_a_registered_activation_is_usable_everywhere():
    swish = register_activation("swish_test", lambda z: z / (1 + sp.exp(-z)), replace=True)
    try:
        net = MLP([2, 3, 1], activation="swish_test")
        assert check(net).ok
        z = sp.Symbol("z")
        assert sp.simplify(swish.second_derivative(z) - sp.diff(z / (1 + sp.exp(-z)), z, 2)) == 0
        assert "act_swish_test(Z1)" in compile(net).source
        assert r"\operatorname{swish_test}" in derivation_document(net).replace(r"\_", "_")
    finally:
        unregister_activation("swish_test")


def test_register_activation_refuses_bad_input():
    with pytest.raises(ValueError, match="already registered"):
        register_activation("tanh", sp.tanh)
    with pytest.raises(ValueError, match="depends on"):
        register_activation("bad_test", lambda z: z + sp.Symbol("w"))
    with pytest.raises(TypeError, match="SymPy expression"):
        register_activation("bad_test", lambda z: "z")
    with pytest.raises(ValueError, match="lower-case"):
        register_activation("Bad Name", sp.tanh)


class SlowBackend(Backend):
    """The backend-neutral helper paths, run with NumPy."""


@pytest.mark.parametrize("stage", [Monomials(3, 3), Powers(3, 3, constant=True), Powers(2, 4, constant=False)])
def test_feature_helpers_agree_with_their_exact_form_on_every_path(stage):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(6, stage.n_in))
    xs = sp.symbols(f"u0:{stage.n_in}")
    exact = sp.lambdify(xs, stage.exact(xs, {}), "numpy")
    want = np.column_stack([np.broadcast_to(v, (6,)) for v in exact(*X.T)])
    slow = SlowBackend("slow", np, "numpy")
    for backend in (NUMPY, slow):
        name = next(n for n in stage.helpers(backend) if "grad" not in n)
        np.testing.assert_allclose(stage.helpers(backend)[name](X), want, rtol=1e-12)


def test_powers_gradient_helper_is_the_jacobian_transpose():
    stage = Powers(2, 3, constant=False, layer=2, name="P")
    rng = np.random.default_rng(2)
    X, G = rng.normal(size=(5, 2)), rng.normal(size=(5, 6))
    xs = sp.symbols("u0:2")
    J = sp.lambdify(xs, stage.jacobian(xs, {}), "numpy")
    want = np.stack([G[b] @ np.array(J(*X[b]), dtype=float) for b in range(5)])
    got = stage.helpers(NUMPY)["powers_grad2"](G, X)
    np.testing.assert_allclose(got, want, rtol=1e-12)
