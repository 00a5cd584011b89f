"""The Huber loss with delta = 1: quadratic near the target, linear far from it."""

from __future__ import annotations

import sympy as sp

from ...derive.equations import Term
from .base import Loss

__all__ = ["Huber"]


class Huber(Loss):
    """``l = Σ_k h(yhat_k − y_k)`` with ``h(e) = e²/2`` for ``|e| <= 1``, else ``|e| − 1/2``.

    Its gradient ``clip(e, −1, 1)`` is continuous; its second derivative
    jumps at ``|e| = 1``, where the convention takes the inside value 1.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.ops.losses import get_loss
    >>> e = sp.Symbol("e", real=True)
    >>> huber = get_loss("huber")
    >>> [huber.sample([v], [0], [v]) for v in (sp.Rational(1, 2), 3)]
    [1/8, 5/2]
    >>> huber.gradient([3], [0], [3])
    [1]
    """

    name = "huber"
    description = "Huber loss (delta = 1), quadratic within 1 of the target, linear beyond"
    sample_latex = (r"\ell = \sum_{k=1}^{m} h\bigl(\hat{y}_k - y_k\bigr), \quad h(e) = "
                    r"\begin{cases} e^2/2 & |e| \le 1 \\ |e| - 1/2 & |e| > 1 \end{cases}")
    gradient_latex = r"\operatorname{clip}\bigl(\hat{y}_k - y_k, -1, 1\bigr)"

    @staticmethod
    def _h(e: sp.Expr) -> sp.Expr:
        return sp.Piecewise((e**2 / 2, sp.Abs(e) <= 1), (sp.Abs(e) - sp.Rational(1, 2), True))

    def sample(self, yhat, y, z, *, expanded=False):
        return sp.Add(*(self._h(a - t) for a, t in zip(yhat, y)))

    def gradient(self, yhat, y, z):
        return [sp.Piecewise((a - t, sp.Abs(a - t) <= 1), (sp.sign(a - t), True)) for a, t in zip(yhat, y)]

    def curvature(self, yhat, y, z, r):
        return [sp.Piecewise((v, sp.Abs(a - t) <= 1), (0, True)) for a, t, v in zip(yhat, y, r)]

    def matrix_loss(self, out, z):
        return Term(f"Σ h({out.text} − Y) / B",
                    rf"\frac{{1}}{{B}} \sum h\left({out.tex} - Y\right)",
                    f"E = {out.code} - Y\nabsE = np.abs(E)\nM = np.minimum(absE, 1.0)\n"
                    f"loss = np.sum(0.5 * M**2 + (absE - M)) / B")

    def matrix_gradient(self, out, z):
        return Term(f"clip({out.text} − Y, −1, 1) / B",
                    rf"\frac{{1}}{{B}} \operatorname{{clip}}\left({out.tex} - Y, -1, 1\right)",
                    "np.clip(E, -1.0, 1.0) / B")

    def matrix_curvature(self, out, z, r):
        return Term(f"[|{out.text} − Y| ≤ 1] ⊙ {r.text} / B",
                    rf"\frac{{1}}{{B}} \left[\left|{out.tex} - Y\right| \le 1\right] \odot {r.tex}",
                    f"(absE <= 1.0) * {r.code} / B")
