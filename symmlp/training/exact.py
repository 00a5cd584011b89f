"""One gradient-descent step on the exact face: Rationals in, Rationals out."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from ..core.validate import exact_number
from ..derive.grad import gradient
from ..models.chain import check_model
from ..ops.losses import Loss, get_loss

__all__ = ["gd_step", "exact_rows"]


@lru_cache(maxsize=32)
def _exact_gradient(model, loss: Loss) -> tuple[sp.Expr, ...]:
    g = gradient(model, loss)
    return tuple(g[p] for p in model.params)


def exact_rows(rows: Any, width: int, name: str) -> list[list[sp.Expr]]:
    """``rows`` as lists of ``width`` exact numbers (a bare number per row when ``width`` is 1)."""
    if isinstance(rows, str | bytes) or not isinstance(rows, Sequence | np.ndarray):
        raise TypeError(f"{name} must be a sequence of rows of numbers, got {rows!r:.80}")
    out = []
    for b, row in enumerate(rows):
        values = list(row) if isinstance(row, Sequence | np.ndarray) else [row]
        if len(values) != width:
            raise ValueError(f"{name}[{b}] must have {width} entries, got {len(values)}")
        out.append([exact_number(v, f"{name}[{b}][{j}]") for j, v in enumerate(values)])
    if not out:
        raise ValueError(f"{name} must hold at least one row")
    return out


def gd_step(model, loss: str | Loss, theta: Sequence[Any], X: Any, Y: Any, lr: Any) -> list[sp.Expr]:
    """One gradient-descent step on the exact face.

    ``theta - lr * (1/B) sum_b grad l(x_b, y_b; theta)``, with the gradient
    taken from :func:`symmlp.gradient` (the backprop explicit gradient)
    and evaluated exactly at each sample.

    Parameters
    ==========

    model : any symmlp model
    loss : str or Loss
    theta : sequence
        ``model.num_params`` numbers in ``model.params`` order.
    X : sequence of rows, or 2-D array
        ``B`` rows of ``model.n_inputs`` numbers (a bare number per row is
        accepted when there is one input).
    Y : sequence of rows, or 2-D array
        ``B`` rows of ``model.n_outputs`` targets.
    lr : number
        The learning rate, > 0.

    Returns
    =======

    list
        The new parameters as exact SymPy numbers, in ``model.params`` order.
        ints, Fractions and Rationals stay Rational; floats give Floats.

    Examples
    ========

    >>> from fractions import Fraction
    >>> from symmlp import Polynomial, gd_step
    >>> gd_step(Polynomial(1, 1), "mse", [0, 0], [[1], [2]], [[1], [3]], Fraction(1, 2))
    [1, 7/4]
    """
    check_model(model)
    spec = get_loss(loss)
    spec.check_model(model)
    values = model.theta_values(theta)
    xs = exact_rows(X, model.n_inputs, "X")
    ys = exact_rows(Y, model.n_outputs, "Y")
    if len(xs) != len(ys):
        raise ValueError(f"X has {len(xs)} rows but Y has {len(ys)}; they must match")
    rate = exact_number(lr, "lr")
    if not rate.is_positive:
        raise ValueError(f"lr must be > 0, got {lr!r}")
    grads = _exact_gradient(model, spec)
    known = dict(zip(model.params, values))
    totals = [[] for _ in grads]
    for x, y in zip(xs, ys):
        subs = {**known, **dict(zip(model.inputs, x)), **dict(zip(model.targets, y))}
        for total, g in zip(totals, grads):
            total.append(g.xreplace(subs))
    batch = sp.Integer(len(xs))
    return [t - rate * sp.Add(*total) / batch for t, total in zip(values, totals)]
