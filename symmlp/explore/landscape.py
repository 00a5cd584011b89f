"""The loss landscape of a small net: its critical points, found and classified by curvature.

:func:`critical_points` runs gradient descent and Newton's method (on the
compiled gradient and R-operator Hessian) from many seeded starts, keeps the
points whose gradient norm falls below ``1e-10``, and classifies each by the
eigenvalues of its Hessian: a **minimum** (all positive), a **saddle** (some
negative), or **degenerate** (none negative, some zero: a valley of minima).
:func:`confirm` re-classifies a point after rounding it to Rationals, with
the exact Hessian of the R-operator's index form (50 digits) and mpmath's
symmetric eigensolver.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp

from ..core.display import html_report, html_table
from ..core.validate import check_int
from ..derive.hessian import hessian
from ..emit.numpy import compile_model
from ..models.chain import check_model
from ..ops.losses import get_loss

__all__ = ["CriticalPoint", "critical_points", "confirm", "distinct", "plot_surface", "plot_spectrum",
           "summary"]

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


def confirm(model, point: CriticalPoint, X, Y, loss: str = "mse", digits: int = 50) -> tuple[str, list]:
    """The kind of ``point`` re-derived from the exact Hessian: ``theta`` rounded to Rationals
    (denominators up to ``10**12``), the Hessian of the mean loss from the R-operator's index form at
    ``digits`` digits, its eigenvalues by mpmath's symmetric eigensolver, classified with the same
    threshold as :func:`classify`.

    This confirms the float64 classification independently of NumPy, far beyond its rounding; it is
    not a ball-arithmetic certificate (an eigenvalue near the threshold decides "degenerate").

    Parameters
    ==========

    model, point : the model and one of its :class:`CriticalPoint`
    X, Y : the data
    loss : str
    digits : int

    Returns
    =======

    (kind, eigenvalues) : the classification and the eigenvalues (mpmath numbers, ascending)
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


def summary(points: list[CriticalPoint]) -> str:
    """How many critical points of each kind were found, and at which loss levels.

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp.explore.landscape import CriticalPoint, summary
    >>> p = CriticalPoint(np.zeros(2), 0.125, 1e-12, np.array([-1.0, 2.0]), 0)
    >>> print(summary([p, p]))
    critical points found from the starts: 2 (2 saddle)
      saddle     at 1 distinct loss level(s): 0.125
    """
    kinds: dict[str, int] = {}
    for p in points:
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
    lines = [f"critical points found from the starts: {len(points)} "
             f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})"]
    for kind in ("minimum", "saddle", "degenerate"):
        levels = sorted({round(p.loss, 6) for p in points if p.kind == kind})
        if levels:
            lines.append(f"  {kind:10s} at {len(levels)} distinct loss level(s): "
                         f"{', '.join(f'{v:g}' for v in levels)}")
    return "\n".join(lines)


def plot_surface(ax, compiled, X, Y, point: CriticalPoint, directions: tuple[int, int], title: str) -> None:
    """The loss change around ``point`` in the plane of two Hessian eigendirections (indices into the
    ascending eigenvalues), each axis scaled by its curvature so that a small negative eigenvalue
    shows as clearly as a large positive one; blue where the loss falls."""
    from matplotlib.colors import TwoSlopeNorm

    values, vectors = np.linalg.eigh(compiled.hessian(point.theta, X, Y))
    (i, j), center = directions, compiled.loss_and_grad(point.theta, X, Y)[0]
    r = [float(np.clip(0.5 / np.sqrt(abs(values[k]) + 1e-12), 0.05, 10.0)) for k in (i, j)]
    a, b = np.linspace(-r[0], r[0], 61), np.linspace(-r[1], r[1], 61)
    L = np.array([[compiled.loss_and_grad(point.theta + s * vectors[:, i] + t * vectors[:, j], X, Y)[0]
                   for s in a] for t in b]) - center
    norm = TwoSlopeNorm(0.0, min(float(L.min()), -1e-12), max(float(L.max()), 1e-12))
    cs = ax.contourf(a, b, L, levels=31, cmap="RdBu_r", norm=norm)
    ax.figure.colorbar(cs, ax=ax, label="loss − loss at the point")
    ax.plot(0, 0, "k*", ms=12)
    ax.set(xlabel=f"eigendirection, λ = {values[i]:.3g}", ylabel=f"eigendirection, λ = {values[j]:.3g}",
           title=title)


def plot_spectrum(ax, compiled, model, X, Y, *, steps: int = 2000, lr: float = 0.2, seed: int = 7) -> None:
    """The Hessian's eigenvalues every 20 steps along a gradient-descent run (symlog scale)."""
    theta = np.random.default_rng(seed).normal(scale=1.5, size=model.num_params)
    marks, eigs = [], []
    for step in range(steps + 1):
        if step % 20 == 0:
            marks.append(step)
            eigs.append(np.linalg.eigvalsh(compiled.hessian(theta, X, Y)))
        theta = theta - lr * compiled.loss_and_grad(theta, X, Y)[1]
    ax.plot(marks, np.array(eigs), lw=1)
    ax.set_yscale("symlog", linthresh=1e-4)
    ax.axhline(0, color="black", lw=0.5)
    ax.set(xlabel="gradient-descent step", ylabel="Hessian eigenvalues (symlog)",
           title="the spectrum along a gradient-descent run")
