"""The loss landscape of a small net: its critical points, found and classified by curvature.

:func:`critical_points` runs gradient descent and Newton's method (on the
compiled gradient and R-operator Hessian) from many seeded starts, keeps the
points whose gradient norm falls below ``1e-10``, and classifies each by the
eigenvalues of its Hessian: a **minimum** (all positive), a **saddle** (some
negative), or **degenerate** (none negative, some zero: a valley of minima).
:func:`certify` re-classifies a point after rounding it to Rationals, with
the exact Hessian of the R-operator's index form (50 digits) and mpmath's
symmetric eigensolver.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp

from ..derive.hessian import hessian
from ..display import html_report, html_table
from ..emit.numpy import compile_model
from ..models.chain import check_model
from ..ops.losses import get_loss
from ..validate import check_int

__all__ = ["CriticalPoint", "critical_points", "certify", "distinct"]

GRADIENT_TOL = 1e-10
ZERO_EIGENVALUE = 1e-8


@dataclass(frozen=True)
class CriticalPoint:
    """A point where the gradient vanishes, with its loss and Hessian eigenvalues (ascending)."""

    theta: np.ndarray
    loss: float
    gradient_norm: float
    eigenvalues: np.ndarray
    seed: int

    @property
    def kind(self) -> str:
        return classify(self.eigenvalues)

    def __repr__(self) -> str:
        return (f"CriticalPoint({self.kind}, loss={self.loss:.6g}, |grad|={self.gradient_norm:.1e}, "
                f"eigenvalues {self.eigenvalues.min():.3g}..{self.eigenvalues.max():.3g})")

    def _repr_html_(self) -> str:
        rows = [("kind", self.kind), ("loss", f"{self.loss:.6g}"), ("|gradient|", f"{self.gradient_norm:.1e}"),
                ("Hessian eigenvalues", ", ".join(f"{v:.3g}" for v in self.eigenvalues)),
                ("theta", ", ".join(f"{v:.4g}" for v in self.theta[:40]) + (", ..." if self.theta.size > 40 else "")),
                ("start", self.seed)]
        return html_report(f"critical point: {self.kind}", html_table(None, rows))


def classify(eigenvalues, zero: float = ZERO_EIGENVALUE) -> str:
    """``"saddle"``, ``"minimum"`` or ``"degenerate"`` from Hessian eigenvalues.

    Examples
    ========

    >>> from symmlp.explore.landscape import classify
    >>> classify([-1.0, 2.0]), classify([1.0, 2.0]), classify([0.0, 2.0])
    ('saddle', 'minimum', 'degenerate')
    """
    values = np.asarray(eigenvalues, dtype=float)
    scale = max(1.0, float(np.max(np.abs(values))))
    if values.min() < -zero * scale:
        return "saddle"
    return "minimum" if values.min() > zero * scale else "degenerate"


def _newton(compiled, theta, X, Y, steps: int) -> np.ndarray:
    for _ in range(steps):
        _, g = compiled.loss_and_grad(theta, X, Y)
        if np.linalg.norm(g) < GRADIENT_TOL:
            break
        H = compiled.hessian(theta, X, Y)
        step = np.linalg.lstsq(H, g, rcond=1e-12)[0]
        theta = theta - step
        if not np.isfinite(theta).all() or np.abs(theta).max() > 1e6:
            return theta
    return theta


def critical_points(model, X, Y, loss: str = "mse", *, starts: int = 40, descent_steps: int = 300,
                    newton_steps: int = 30, lr: float = 0.1, seed: int = 0) -> list[CriticalPoint]:
    """Critical points of the batch loss, from ``starts`` seeded starts.

    Even starts run ``descent_steps`` of gradient descent first (they find
    minima); odd starts go to Newton's method at once (it converges to the
    nearest critical point of any kind, saddles included).

    Parameters
    ==========

    model : any symmlp model
    X, Y : arrays
    loss : str
    starts : int
    descent_steps, newton_steps : int
    lr : float
        The gradient-descent step.
    seed : int

    Returns
    =======

    list of CriticalPoint
        One per start that converged (gradient norm < 1e-10), in start order.
    """
    check_model(model)
    starts = check_int(starts, "starts", 1, 10_000)
    compiled = compile_model(model, get_loss(loss))
    X, Y = compiled.prepare(X, Y)
    found = []
    for start in range(starts):
        rng = np.random.default_rng([seed, start])
        theta = rng.normal(scale=1.5, size=model.num_params)
        with np.errstate(all="ignore"):
            if start % 2 == 0:
                for _ in range(descent_steps):
                    theta = theta - lr * compiled.loss_and_grad(theta, X, Y)[1]
            theta = _newton(compiled, theta, X, Y, newton_steps)
            if not np.isfinite(theta).all():
                continue
            value, g = compiled.loss_and_grad(theta, X, Y)
        if np.linalg.norm(g) < GRADIENT_TOL:
            eigenvalues = np.linalg.eigvalsh(compiled.hessian(theta, X, Y))
            found.append(CriticalPoint(theta, value, float(np.linalg.norm(g)), eigenvalues, start))
    return found


def distinct(points: list[CriticalPoint], digits: int = 6) -> list[CriticalPoint]:
    """One point per (kind, loss, spectrum) up to ``digits`` digits: the net's symmetries (swapping
    hidden units, flipping a tanh unit's signs) map critical points to copies with the same spectrum."""
    seen, out = set(), []
    for p in points:
        key = (p.kind, round(p.loss, digits), tuple(np.round(p.eigenvalues, digits - 2)))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def certify(model, point: CriticalPoint, X, Y, loss: str = "mse", digits: int = 50) -> tuple[str, list]:
    """The kind of ``point`` re-derived exactly: ``theta`` rounded to Rationals (denominators up to
    ``10**12``), the exact Hessian of the mean loss at ``digits`` digits, its eigenvalues by mpmath.

    Returns
    =======

    (kind, eigenvalues) : the classification and the exact eigenvalues (mpmath numbers)
    """
    theta = [sp.Rational(Fraction(float(v)).limit_denominator(10**12)) for v in point.theta]
    total = sp.zeros(model.num_params, model.num_params)
    for x, y in zip(np.asarray(X), np.asarray(Y)):
        at = {**dict(zip(model.params, theta)), **dict(zip(model.inputs, map(sp.nsimplify, x))),
              **dict(zip(model.targets, map(sp.nsimplify, y)))}
        total += hessian(model, loss, at=at, digits=digits)
    with mpmath.workdps(digits):
        H = mpmath.matrix([[mpmath.mpf(str(v.evalf(digits))) for v in row] for row in (total / len(X)).tolist()])
        eigenvalues = sorted(mpmath.eigsy(H)[0])
    return classify([float(v) for v in eigenvalues]), eigenvalues
