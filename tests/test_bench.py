"""The benchmark's baselines must compute the same thing as symmlp, or its ratios mean nothing."""

import numpy as np
import pytest

from symmlp import MLP, Polynomial, compile
from symmlp.bench.baselines import handwritten_mlp, handwritten_polynomial, naive_sympy_route
from symmlp.bench.suite import BenchRow


@pytest.mark.parametrize("widths", [(4, 32, 32, 1), (2, 3, 1), (3, 5, 4, 2, 1)])
def test_handwritten_backprop_matches_compiled(widths):
    rng = np.random.default_rng(1)
    model = MLP(widths)
    theta = rng.normal(size=model.num_params)
    X, Y = rng.normal(size=(17, widths[0])), rng.normal(size=(17, widths[-1]))
    loss, grad = compile(model).loss_and_grad(theta, X, Y)
    ref_loss, ref_grad = handwritten_mlp(widths)(theta, X, Y)
    assert np.isclose(loss, ref_loss, rtol=1e-13)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-12, atol=1e-14)


def test_handwritten_polynomial_matches_compiled():
    rng = np.random.default_rng(2)
    poly = Polynomial(3, 4)
    theta = rng.normal(size=poly.num_params)
    X, Y = rng.uniform(-1, 1, size=(9, 3)), rng.normal(size=(9, 1))
    loss, grad = compile(poly).loss_and_grad(theta, X, Y)
    ref_loss, ref_grad = handwritten_polynomial(poly)(theta, X, Y)
    assert np.isclose(loss, ref_loss, rtol=1e-13)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-12, atol=1e-14)


def test_naive_route_matches_compiled_per_sample():
    rng = np.random.default_rng(3)
    model = MLP([2, 3, 1])
    naive = naive_sympy_route(model)
    compiled = compile(model)
    theta = rng.normal(size=model.num_params)
    x, y = rng.normal(size=2), rng.normal(size=1)
    loss, *grad = naive(*theta, *x, *y)
    ref_loss, ref_grad = compiled.loss_and_grad(theta, x[None, :], y[None, :])
    assert np.isclose(loss, ref_loss, rtol=1e-13)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-12, atol=1e-14)


def test_bench_row_reports_missed_targets():
    assert "MISSED" in str(BenchRow("c. ratio", 1.3, "x", "<= 1.2x", False))
    assert "1.30 x" in str(BenchRow("c. ratio", 1.3, "x", "<= 1.2x", False))
    assert "12.500 ms" in str(BenchRow("t", 0.0125, "s", "< 5 s", True))
