"""Fitting a model to data for the head-to-head comparison: least squares for models
linear in their parameters, L-BFGS on the compiled gradient for the rest.

Both go through the model interface only: the design matrix of a linear model
is read off its compiled forward pass (column ``j`` is the output at the unit
vector ``e_j``), and L-BFGS uses the compiled ``loss_and_grad``.
"""

from __future__ import annotations

import math

import numpy as np

from ..emit.numpy import compile_model
from ..training.threads import blas_threads

__all__ = ["least_squares", "lbfgs", "rmse"]


def rmse(model, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """The root-mean-square error of ``model`` at ``theta`` on ``(X, y)`` (``y`` of shape (N,)).

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp import Polynomial
    >>> from symmlp.explore.fitting import rmse
    >>> rmse(Polynomial(1, 1), np.array([0.0, 1.0]), np.array([[1.0], [2.0]]), np.array([1.0, 4.0]))
    1.4142135623730951
    """
    with np.errstate(all="ignore"):
        out = compile_model(model).forward(theta, X)[:, 0]
    value = float(np.sqrt(np.mean((out - y) ** 2)))
    return value if math.isfinite(value) else math.inf


def least_squares(model, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The exact least-squares optimum of a model linear in its parameters (``numpy.linalg.lstsq``).

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp import Polynomial
    >>> from symmlp.explore.fitting import least_squares
    >>> X = np.linspace(-1, 1, 9)[:, None]
    >>> least_squares(Polynomial(1, 2), X, 1 - 2 * X[:, 0] + 3 * X[:, 0] ** 2).round(10)
    array([ 1., -2.,  3.])
    """
    f = compile_model(model)
    eye = np.eye(model.num_params)
    design = np.column_stack([f.forward(eye[j], X)[:, 0] for j in range(model.num_params)])
    return np.linalg.lstsq(design, y, rcond=None)[0]


def _direction(g: np.ndarray, history: list) -> np.ndarray:
    """L-BFGS's two-loop recursion: ``-H g`` with ``H`` the inverse-Hessian estimate of the pairs."""
    q, alphas = g.copy(), []
    for s, y, rho in reversed(history):
        a = rho * (s @ q)
        q -= a * y
        alphas.append(a)
    if history:
        s, y, _ = history[-1]
        q *= (s @ y) / (y @ y)
    else:
        q /= max(1.0, float(np.sqrt(g @ g)))
    for (s, y, rho), a in zip(history, reversed(alphas)):
        q += s * (a - rho * (y @ q))
    return -q


def lbfgs(model, X: np.ndarray, y: np.ndarray, *, steps: int, seed: int, memory: int = 10) -> np.ndarray:
    """Minimise the mean squared error by L-BFGS on the compiled gradient, from the model's own
    initialisation (``xavier``, seeded), with a backtracking (Armijo) line search.

    At most ``steps`` iterations; it stops early when the line search can make no progress.

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp import MLP
    >>> from symmlp.explore.fitting import lbfgs, rmse
    >>> X = np.linspace(-1, 1, 50)[:, None]
    >>> net = MLP([1, 8, 1], activation="tanh")
    >>> theta = lbfgs(net, X, np.sin(3 * X[:, 0]), steps=300, seed=0)
    >>> bool(rmse(net, theta, X, np.sin(3 * X[:, 0])) < 1e-3)
    True
    """
    f = compile_model(model)
    X, Y = f.prepare(X, y[:, None])
    theta = f.check_theta(model.init_theta("xavier", np.random.default_rng(seed)))
    history: list = []
    width = max(max(b.shape) for b in model.layout)
    with blas_threads("auto", X.shape[0] * width * width), np.errstate(all="ignore"):
        loss, g = f.loss_and_grad_prepared(theta, X, Y)
        for _ in range(steps):
            d = _direction(g, history)
            slope = float(g @ d)
            if not slope < 0:  # not a descent direction: start the memory again
                history, d, slope = [], -g, -float(g @ g)
            t = 1.0
            while True:
                new = theta + t * d
                new_loss, new_g = f.loss_and_grad_prepared(new, X, Y)
                if math.isfinite(new_loss) and new_loss <= loss + 1e-4 * t * slope and np.isfinite(new_g).all():
                    break
                t *= 0.5
                if t < 1e-10:
                    return theta
            s, yv = new - theta, new_g - g
            if s @ yv > 1e-12:
                history = [*history[-(memory - 1):], (s, yv, 1.0 / float(s @ yv))]
            theta, loss, g = new, new_loss, new_g
    return theta
