"""The old check route kept as the bench's baseline must compute the gradient, or its ratio means nothing."""

import numpy as np

from symmlp import MLP, compile
from symmlp.bench.checks import old_sympy_check
from symmlp.bench.suite import BenchRow


def test_old_route_computes_the_gradient_at_its_point():
    model = MLP([2, 3, 1], activation="tanh")
    exact, (theta, X, Y) = old_sympy_check(model)
    np.testing.assert_allclose(exact, compile(model).loss_and_grad(theta, X, Y)[1], rtol=1e-9, atol=1e-15)


def test_certified_rows_state_their_targets():
    assert "MISSED" in str(BenchRow("g. certified check [8,64,64,1] tanh, routes A+B", 12.0, "s", "<= 10 s", False))
