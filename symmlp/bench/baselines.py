"""The baselines symmlp is measured against, written by hand and independent of it.

They decode ``theta`` themselves on purpose: a baseline must not share the
code it checks.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy as sp

__all__ = ["naive_sympy_route", "handwritten_mlp", "handwritten_polynomial", "handwritten_training"]


def naive_sympy_route(model) -> Callable:
    """The route symmlp avoids: diff the expanded loss per parameter, lambdify with cse."""
    ell = sum(((a - y) ** 2 for a, y in zip(model.output, model.targets)), sp.Integer(0)) / 2
    grads = [sp.diff(ell, p) for p in model.params]
    args = [*model.params, *model.inputs, *model.targets]
    return sp.lambdify(args, [ell, *grads], modules="numpy", cse=True)


def handwritten_mlp(widths: tuple[int, ...]) -> Callable:
    """A NumPy backprop for a tanh MLP with identity output and mse, written by hand."""
    shapes = list(zip(widths[1:], widths))

    def loss_and_grad(theta, X, Y):
        Ws, bs, k = [], [], 0
        for n_out, n_in in shapes:
            Ws.append(theta[k:k + n_out * n_in].reshape(n_out, n_in))
            k += n_out * n_in
            bs.append(theta[k:k + n_out])
            k += n_out
        acts = [X]
        for i, (W, b) in enumerate(zip(Ws, bs)):
            z = acts[-1] @ W.T + b
            acts.append(np.tanh(z) if i < len(Ws) - 1 else z)
        n = X.shape[0]
        err = acts[-1] - Y
        loss = 0.5 * np.sum(err**2) / n
        delta = err / n
        grads = []
        for i in range(len(Ws) - 1, -1, -1):
            grads = [(delta.T @ acts[i]).ravel(), delta.sum(axis=0), *grads]
            if i:
                delta = (delta @ Ws[i]) * (1.0 - acts[i] ** 2)
        return loss, np.concatenate(grads)

    return loss_and_grad


def handwritten_training(widths, theta0, X, Y, *, lr: float, momentum: float, steps: int,
                         batch_size: int, rng: np.random.Generator) -> np.ndarray:
    """Mini-batch momentum descent with :func:`handwritten_mlp`, drawing batches as symmlp does
    (a reshuffle of the data at every epoch)."""
    step = handwritten_mlp(widths)
    theta, velocity = theta0.copy(), np.zeros_like(theta0)
    n = X.shape[0]
    order, cursor = np.arange(n), n
    for _ in range(steps):
        if cursor + batch_size > n:
            order, cursor = rng.permutation(n), 0
        idx = order[cursor:cursor + batch_size]
        cursor += batch_size
        _, grad = step(theta, X[idx], Y[idx])
        velocity = momentum * velocity - lr * grad
        theta = theta + velocity
    return theta


def handwritten_polynomial(model) -> Callable:
    """A NumPy design-matrix least-squares gradient, written by hand: each monomial column is a
    lower-degree column times one input, filled column by column."""
    exponents = [tuple(k) for k in model.exponents]
    where = {k: c for c, k in enumerate(exponents)}
    parent, variable = [], []
    for k in exponents[1:]:
        i = next(j for j, e in enumerate(k) if e)
        parent.append(where[(*k[:i], k[i] - 1, *k[i + 1:])])
        variable.append(i)

    def loss_and_grad(theta, X, Y):
        Phi = np.empty((X.shape[0], len(exponents)))
        Phi[:, 0] = 1.0
        for c, (p, i) in enumerate(zip(parent, variable), start=1):
            Phi[:, c] = Phi[:, p] * X[:, i]
        err = Phi @ theta - Y[:, 0]
        return 0.5 * err @ err / X.shape[0], Phi.T @ err / X.shape[0]

    return loss_and_grad
