"""The landscape explorer: critical points are critical, classified by their spectra, confirmed exactly."""

import numpy as np

from symmlp import MLP, compile
from symmlp.explore.datasets import xor
from symmlp.explore.landscape import classify, confirm, critical_points, distinct


def test_critical_points_have_vanishing_gradients_and_true_spectra():
    X, Y = xor()
    net = MLP([2, 2, 1], activation="tanh")
    points = critical_points(net, X, Y, starts=12)
    assert len(points) >= 6
    f = compile(net)
    for p in points:
        assert np.linalg.norm(f.loss_and_grad(p.theta, X, Y)[1]) < 1e-10
        np.testing.assert_allclose(p.eigenvalues, np.linalg.eigvalsh(f.hessian(p.theta, X, Y)), atol=1e-12)
        assert p.kind == classify(p.eigenvalues)
    kinds = {p.kind for p in points}
    assert "saddle" in kinds and "degenerate" in kinds
    assert len(distinct(points + points)) == len(distinct(points))


def test_certification_agrees_and_sees_a_negative_eigenvalue():
    X, Y = xor()
    net = MLP([2, 2, 1], activation="tanh")
    saddle = next(p for p in critical_points(net, X, Y, starts=12) if p.kind == "saddle")
    kind, values = confirm(net, saddle, X, Y)
    assert kind == "saddle" and float(values[0]) < 0
    assert abs(float(values[0]) - saddle.eigenvalues[0]) < 1e-6 * max(1, abs(saddle.eigenvalues).max())


def test_classify_thresholds():
    assert classify([-1e-3, 1.0]) == "saddle"
    assert classify([1e-12, 1.0]) == "degenerate"
    assert classify([1e-3, 1.0]) == "minimum"
