"""Second-order checks: the Hessian routes against each other.

At a random rational point (a small batch, weights scaled by fan-in):

1. the compiled Hessian (one R-operator HVP per column) against central finite
   differences of the compiled gradient;
2. the exact Hessian of the R-operator's index form (Rationals, or 50 digits)
   against the compiled one;
3. for small models, the exact Hessian against ``sympy.diff`` twice of the
   expanded loss (with the kink convention);
4. symmetry of every route, and the Gauss–Newton matrix positive semi-definite.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..core.display import html_report, html_table
from ..core.validate import check_int
from ..derive.derivation import backprop
from ..derive.grad import kink_convention, real_symbols
from ..derive.hessian import hessian
from ..emit.numpy import compile_model
from ..models.chain import check_model
from ..ops.losses import Loss, get_loss
from .points import rational_parameters, small_rational

__all__ = ["SecondOrderReport", "check_second_order"]

FD_RTOL = 1e-5
EXACT_RTOL = 1e-9


@dataclass(frozen=True)
class SecondOrderReport:
    """The result of :func:`check_second_order`: each route's largest relative disagreement."""

    model: object
    loss: str
    batch: int
    fd_error: float
    exact_error: float
    direct_error: float | None
    asymmetry: float
    gauss_newton_min_eigenvalue: float
    scale: float

    @property
    def ok(self) -> bool:
        return (self.fd_error <= FD_RTOL and self.exact_error <= EXACT_RTOL
                and (self.direct_error is None or self.direct_error <= EXACT_RTOL)
                and self.asymmetry <= 1e-12 and self.gauss_newton_min_eigenvalue >= -1e-10 * self.scale)

    def __str__(self) -> str:
        direct = "skipped (model too large)" if self.direct_error is None else f"{self.direct_error:.1e}"
        return "\n".join([
            f"check({self.model!r}, loss={self.loss!r}, order=2): {'OK' if self.ok else 'DISAGREE'}",
            f"  batch of {self.batch} samples; Hessian entries up to {self.scale:.3g}",
            f"  compiled HVP vs finite differences of the gradient: {self.fd_error:.1e} (<= {FD_RTOL:g})",
            f"  exact R-operator vs compiled: {self.exact_error:.1e} (<= {EXACT_RTOL:g})",
            f"  exact R-operator vs sympy.diff twice: {direct}",
            f"  asymmetry |H - Hᵀ| of the compiled columns: {self.asymmetry:.1e}",
            f"  smallest Gauss-Newton eigenvalue: {self.gauss_newton_min_eigenvalue:.2e} (PSD: >= 0)",
        ])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        direct = "skipped (model too large)" if self.direct_error is None else f"{self.direct_error:.1e}"
        rows = [("compiled HVP vs finite differences of the gradient", f"{self.fd_error:.1e}", f"<= {FD_RTOL:g}"),
                ("exact R-operator vs compiled", f"{self.exact_error:.1e}", f"<= {EXACT_RTOL:g}"),
                ("exact R-operator vs sympy.diff twice", direct, f"<= {EXACT_RTOL:g}"),
                ("asymmetry |H - Hᵀ| of the compiled columns", f"{self.asymmetry:.1e}", "<= 1e-12"),
                ("smallest Gauss-Newton eigenvalue", f"{self.gauss_newton_min_eigenvalue:.2e}", ">= 0 (PSD)")]
        title = f"check({self.model!r}, loss={self.loss!r}, order=2): {'OK' if self.ok else 'DISAGREE'}"
        caption = f"batch of {self.batch} samples; Hessian entries up to {self.scale:.3g}"
        return html_report(title, html_table(("route", "largest relative disagreement", "allowed"), rows, caption))


def _point(model, loss: Loss, batch: int, rng: random.Random):
    theta = rational_parameters(model, rng)
    xs = [[small_rational(rng) for _ in model.inputs] for _ in range(batch)]
    ys = [loss.random_targets(rng, model.n_outputs) for _ in range(batch)]
    return theta, xs, ys


def _exact_mean_hessian(model, loss, theta, xs, ys, direct: bool) -> tuple[np.ndarray, np.ndarray | None]:
    n = model.num_params
    total, total_direct = sp.zeros(n, n), sp.zeros(n, n)
    for x, y in zip(xs, ys):
        point = {**dict(zip(model.params, theta)), **dict(zip(model.inputs, x)), **dict(zip(model.targets, y))}
        total += hessian(model, loss, at=point)
        if direct:
            total_direct += _direct_hessian(model, loss, point)
    def mean(M: sp.Matrix) -> np.ndarray:
        return np.array(M.evalf(20).tolist(), dtype=float) / len(xs)

    return mean(total), mean(total_direct) if direct else None


def _direct_hessian(model, loss, point) -> sp.Matrix:
    real, _ = real_symbols(model)
    ell = backprop(model, loss).loss_expression().xreplace(real)
    at = {real[s]: v for s, v in point.items()}
    params = [real[p] for p in model.params]
    grads = [kink_convention(sp.diff(ell, p)) for p in params]
    return sp.Matrix(len(params), len(params),
                     lambda i, j: kink_convention(sp.diff(grads[i], params[j])).xreplace(at).evalf(40))


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def check_second_order(model, loss: str | Loss = "mse", *, seed: int = 0, batch: int = 4,
                       direct_max_params: int = 12, fd_step: float = 1e-5) -> SecondOrderReport:
    """Compare the Hessian routes of ``model``'s batch-mean loss at a random rational point.

    Parameters
    ==========

    model : any symmlp model
    loss : str or Loss
    seed : int
    batch : int
        Samples in the batch (the exact Hessian is the mean of theirs).
    direct_max_params : int
        ``sympy.diff`` twice of the expanded loss only up to this many parameters.
    fd_step : float
        The finite-difference step on the compiled gradient.

    Returns
    =======

    SecondOrderReport

    Examples
    ========

    >>> from symmlp import MLP
    >>> from symmlp.verify.second_order import check_second_order
    >>> r = check_second_order(MLP([2, 2, 1], activation="tanh"))
    >>> r.ok, r.exact_error < 1e-12
    (True, True)
    """
    check_model(model)
    spec = get_loss(loss)
    batch = check_int(batch, "batch", 1, 64)
    rng = random.Random(check_int(seed, "seed", 0))
    theta, xs, ys = _point(model, spec, batch, rng)
    compiled = compile_model(model, spec)
    t = np.array([float(v) for v in theta])
    X = np.array([[float(v) for v in x] for x in xs])
    Y = np.array([[float(v) for v in y] for y in ys])
    n = model.num_params
    columns = np.column_stack([compiled.hvp(t, e, X, Y) for e in np.eye(n)])
    fd = np.column_stack([(compiled.loss_and_grad(t + fd_step * e, X, Y)[1]
                           - compiled.loss_and_grad(t - fd_step * e, X, Y)[1]) / (2 * fd_step) for e in np.eye(n)])
    exact, direct = _exact_mean_hessian(model, spec, theta, xs, ys, n <= direct_max_params)
    gn = compiled.hessian(t, X, Y, gauss_newton=True)
    scale = float(np.max(np.abs(exact))) or 1.0
    return SecondOrderReport(
        model, spec.name, batch,
        fd_error=_relative(columns, fd), exact_error=_relative(columns, exact),
        direct_error=None if direct is None else _relative(exact, direct),
        asymmetry=_relative(columns, columns.T),
        gauss_newton_min_eigenvalue=float(np.linalg.eigvalsh(gn).min()), scale=scale,
    )
