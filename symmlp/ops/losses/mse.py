"""Mean squared error, ``l = 1/2 ||yhat - y||^2`` per sample, on any output activation."""

from __future__ import annotations

import sympy as sp

from ...derive.equations import Term
from .base import Loss

__all__ = ["MSE"]


class MSE(Loss):
    """``L = ‖A − Y‖² / 2B``, ``∂L/∂A = (A − Y) / B``.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.ops.losses import get_loss
    >>> yhat, y = sp.symbols("yhat y")
    >>> get_loss("mse").sample([yhat], [y], [yhat])
    (-y + yhat)**2/2
    """

    name = "mse"
    description = "mean squared error, 1/2 ||yhat - y||^2 per sample"
    sample_latex = r"\ell = \frac{1}{2} \sum_{k=1}^{m} \bigl(\hat{y}_k - y_k\bigr)^{2}"
    gradient_latex = r"\hat{y}_k - y_k"

    def sample(self, yhat, y, z, *, expanded=False):
        if expanded:
            return sp.Add(*(a**2 / 2 - a * t + t**2 / 2 for a, t in zip(yhat, y)))
        return sp.Add(*((a - t) ** 2 for a, t in zip(yhat, y))) / 2

    def gradient(self, yhat, y, z):
        return [a - t for a, t in zip(yhat, y)]

    def curvature(self, yhat, y, z, r):
        return list(r)

    def matrix_loss(self, out, z):
        return Term(f"‖{out.text} − Y‖² / 2B",
                    rf"\frac{{1}}{{2B}} \left\lVert {out.tex} - Y \right\rVert_F^2",
                    f"E = {out.code} - Y\nloss = 0.5 * np.sum(E**2) / B")

    def matrix_gradient(self, out, z):
        return Term(f"({out.text} − Y) / B", rf"\frac{{1}}{{B}}\left({out.tex} - Y\right)", "E / B")

    def matrix_curvature(self, out, z, r):
        return Term(f"{r.text} / B", rf"\frac{{1}}{{B}} {r.tex}", f"{r.code} / B")
