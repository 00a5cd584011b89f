"""Softmax cross-entropy on logits, computed from shifted logits."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ...core.validate import check_matrix
from ...derive.equations import Term
from .base import Loss

__all__ = ["SoftmaxCE"]


class SoftmaxCE(Loss):
    """``l = logsumexp(z) − Σ_k y_k z_k``: ``−Σ_k y_k log softmax(z)_k`` for probability targets.

    The array code works with the shifted logits ``S = Z − max Z`` (per
    sample), so nothing cancels or overflows at any logit scale:
    ``l = log Σ_k e^{S_k} − Σ_k y_k S_k`` (equal to the above because the
    target rows sum to 1) and ``∂L/∂Z = (softmax(S) − Y) / B``.  Targets are
    class indices, one-hot rows or probability rows (normalised to sum 1).

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp.ops.losses import get_loss
    >>> get_loss("softmax_ce").prepare_targets(np.array([2, 0]), 2, 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """

    name = "softmax_ce"
    description = "softmax cross-entropy on logits"
    output_activation = "identity"
    fused = True
    min_outputs = 2
    sample_latex = r"\ell = \log \sum_{k=1}^{m} e^{z^{(L)}_k} - \sum_{k=1}^{m} y_k z^{(L)}_k"
    gradient_latex = (r"\operatorname{softmax}\bigl(z^{(L)}\bigr)_k - y_k"
                      r" = \frac{e^{z^{(L)}_k}}{\sum_{i} e^{z^{(L)}_i}} - y_k")

    def sample(self, yhat, y, z, *, expanded=False):
        return sp.log(sp.Add(*(sp.exp(v) for v in z))) - sp.Add(*(t * v for t, v in zip(y, z)))

    def gradient(self, yhat, y, z):
        total = sp.Add(*(sp.exp(v) for v in z))
        return [sp.exp(v) / total - t for v, t in zip(z, y)]

    def curvature(self, yhat, y, z, r):
        total = sp.Add(*(sp.exp(v) for v in z))
        p = [sp.exp(v) / total for v in z]
        mean = sp.Add(*(pk * rk for pk, rk in zip(p, r)))
        return [pk * (rk - mean) for pk, rk in zip(p, r)]

    def matrix_loss(self, out, z):
        return Term(f"Σ_b [logsumexp({z.text}) − Yᵀ{z.text}]_b / B",
                    rf"\frac{{1}}{{B}} \sum_{{b}} \Big[ \log \sum_k e^{{{z.tex}_{{kb}}}} "
                    rf"- \sum_k Y_{{kb}} {z.tex}_{{kb}} \Big]",
                    f"S = {z.code} - np.max({z.code}, axis=1, keepdims=True)\n"
                    f"LSE = np.log(np.sum(np.exp(S), axis=1, keepdims=True))\n"
                    f"loss = np.sum(LSE - np.sum(np.where(Y > 0, Y * S, 0.0), axis=1, keepdims=True)) / B")

    def matrix_gradient(self, out, z):
        return Term(f"(softmax({z.text}) − Y) / B",
                    rf"\frac{{1}}{{B}}\left(\operatorname{{softmax}}({z.tex}) - Y\right)",
                    "(np.exp(S - LSE) - Y) / B")

    def matrix_curvature(self, out, z, r):
        return Term(f"(P ⊙ {r.text} − P ⊙ 1(1ᵀ(P ⊙ {r.text}))) / B, P = softmax({z.text})",
                    rf"\frac{{1}}{{B}}\left(P \odot {r.tex} - P \odot \mathbf{{1}}\mathbf{{1}}^\top "
                    rf"(P \odot {r.tex})\right)",
                    f"(np.exp(S - LSE) * ({r.code} - np.sum(np.exp(S - LSE) * {r.code}, axis=1, "
                    f"keepdims=True))) / B")

    def prepare_targets(self, Y, batch, n_outputs):
        m = n_outputs
        Y = np.asarray(Y)
        if Y.dtype.kind in "iu" and (Y.ndim == 1 or (Y.ndim == 2 and Y.shape[1] == 1 and m > 1)):
            idx = Y.reshape(-1)
            if idx.size and (idx.min() < 0 or idx.max() >= m):
                raise ValueError(f"class indices in Y must lie in 0..{m - 1}, got {idx.min()}..{idx.max()}")
            Y = np.eye(m)[idx]
        elif Y.ndim == 1:
            raise ValueError(f"softmax_ce targets of shape {Y.shape} must be integer class indices, "
                             f"got dtype {Y.dtype}; or give one-hot rows of shape (B, {m})")
        Y = check_matrix(Y, "Y", m, "batch, outputs")
        if Y.shape[0] != batch:
            raise ValueError(f"Y has {Y.shape[0]} rows but X has {batch}; they must match")
        sums = Y.sum(axis=1, keepdims=True)
        if (Y < 0).any() or not np.allclose(sums, 1.0, atol=1e-9):
            raise ValueError("softmax_ce targets must be one-hot rows, probability rows "
                             "(non-negative, summing to 1) or class indices")
        return Y / sums

    def random_targets(self, rng, n_outputs):
        k = rng.randrange(n_outputs)
        return [sp.Integer(int(i == k)) for i in range(n_outputs)]
