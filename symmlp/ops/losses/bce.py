"""Binary cross-entropy on a sigmoid output, computed from the logits."""

from __future__ import annotations

import sympy as sp

from ...derive.equations import Term
from .base import Loss

__all__ = ["BCE"]


class BCE(Loss):
    """``l = -(y log yhat + (1 - y) log(1 - yhat))`` with ``yhat = sigmoid(z)``.

    The array code computes it from the logit ``z`` as
    ``(1 - y) relu(z) + y relu(-z) + log1p(exp(-|z|))``: no overflow and no
    cancellation at any ``|z|``; ``∂L/∂Z = (sigmoid(Z) − Y) / B``.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.ops.losses import get_loss
    >>> a, y, z = sp.symbols("a y z")
    >>> get_loss("bce").gradient([a], [y], [z])
    [a - y]
    """

    name = "bce"
    description = "binary cross-entropy on a sigmoid output"
    output_activation = "sigmoid"
    fused = True
    sample_latex = (r"\ell = -\sum_{k=1}^{m} \Bigl[ y_k \log \hat{y}_k + (1 - y_k) "
                    r"\log(1 - \hat{y}_k) \Bigr]")
    gradient_latex = r"\hat{y}_k - y_k"

    def sample(self, yhat, y, z, *, expanded=False):
        return sp.Add(*(-(t * sp.log(a) + (1 - t) * sp.log(1 - a)) for a, t in zip(yhat, y)))

    def gradient(self, yhat, y, z):
        return [a - t for a, t in zip(yhat, y)]

    def curvature(self, yhat, y, z, r):
        return [a * (1 - a) * v for a, v in zip(yhat, r)]

    def matrix_loss(self, out, z):
        return Term(f"Σ [(1 − Y) ⊙ relu({z.text}) + Y ⊙ relu(−{z.text}) + log(1 + e^−|{z.text}|)] / B",
                    rf"-\frac{{1}}{{B}} \sum_{{b}} \left[ Y \log {out.tex} + (1-Y) \log(1-{out.tex}) "
                    rf"\right]_b",
                    f"loss = np.sum((1.0 - Y) * np.maximum({z.code}, 0.0) + Y * np.maximum(-{z.code}, 0.0)"
                    f" + np.log1p(np.exp(-np.abs({z.code})))) / B")

    def matrix_gradient(self, out, z):
        return Term(f"({out.text} − Y) / B", rf"\frac{{1}}{{B}}\left({out.tex} - Y\right)",
                    f"({out.code} - Y) / B")

    def matrix_curvature(self, out, z, r):
        return Term(f"{out.text} ⊙ (1 − {out.text}) ⊙ {r.text} / B",
                    rf"\frac{{1}}{{B}} {out.tex} \odot \left(1 - {out.tex}\right) \odot {r.tex}",
                    f"{out.code} * (1.0 - {out.code}) * {r.code} / B")

    def prepare_targets(self, Y, batch, n_outputs):
        Y = super().prepare_targets(Y, batch, n_outputs)
        if (Y < 0).any() or (Y > 1).any():
            raise ValueError("bce targets must lie in [0, 1]")
        return Y

    def random_targets(self, rng, n_outputs):
        return [sp.Rational(rng.randint(0, 4), 4) for _ in range(n_outputs)]
