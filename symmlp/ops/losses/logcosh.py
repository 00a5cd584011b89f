"""The log-cosh loss: smooth everywhere, like mse near the target and |e| far from it."""

from __future__ import annotations

import sympy as sp

from ...derive.equations import Term
from .base import Loss

__all__ = ["LogCosh"]


class LogCosh(Loss):
    """``l = Σ_k log cosh(yhat_k − y_k)``; gradient ``tanh(e)``.

    The array code computes ``log cosh e = |e| + log1p(exp(−2|e|)) − log 2``,
    which never overflows.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.ops.losses import get_loss
    >>> e = sp.Symbol("e")
    >>> get_loss("logcosh").gradient([e], [0], [e])
    [tanh(e)]
    """

    name = "logcosh"
    description = "log-cosh loss, log(cosh(yhat - y)) per output"
    sample_latex = r"\ell = \sum_{k=1}^{m} \log\cosh\bigl(\hat{y}_k - y_k\bigr)"
    gradient_latex = r"\tanh\bigl(\hat{y}_k - y_k\bigr)"

    def sample(self, yhat, y, z, *, expanded=False):
        return sp.Add(*(sp.log(sp.cosh(a - t)) for a, t in zip(yhat, y)))

    def gradient(self, yhat, y, z):
        return [sp.tanh(a - t) for a, t in zip(yhat, y)]

    def curvature(self, yhat, y, z, r):
        return [(1 - sp.tanh(a - t) ** 2) * v for a, t, v in zip(yhat, y, r)]

    def matrix_loss(self, out, z):
        return Term(f"Σ log cosh({out.text} − Y) / B",
                    rf"\frac{{1}}{{B}} \sum \log\cosh\left({out.tex} - Y\right)",
                    f"E = {out.code} - Y\nabsE = np.abs(E)\n"
                    f"loss = np.sum(absE + np.log1p(np.exp(-2.0 * absE)) - np.log(2.0)) / B")

    def matrix_gradient(self, out, z):
        return Term(f"tanh({out.text} − Y) / B", rf"\frac{{1}}{{B}} \tanh\left({out.tex} - Y\right)",
                    "np.tanh(E) / B")

    def matrix_curvature(self, out, z, r):
        return Term(f"(1 − tanh²({out.text} − Y)) ⊙ {r.text} / B",
                    rf"\frac{{1}}{{B}} \left(1 - \tanh^2\left({out.tex} - Y\right)\right) \odot {r.tex}",
                    f"(1.0 - np.tanh(E)**2) * {r.code} / B")
