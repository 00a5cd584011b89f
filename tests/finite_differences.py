"""Central finite differences of a compiled model's loss: the numeric route that symbolic gradients
are checked against.  Shared by test_compile.py, test_expression.py and test_stages.py; it uses only
``loss_and_grad``'s loss value, never its gradient."""

import numpy as np


def fd_gradient(compiled, theta, X, Y, h=1e-6):
    """``(L(theta + h e_i) - L(theta - h e_i)) / (2 h)`` for every parameter ``i``."""
    out = np.empty_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = h
        out[i] = (compiled.loss_and_grad(theta + e, X, Y)[0] - compiled.loss_and_grad(theta - e, X, Y)[0]) / (2 * h)
    return out
