"""PNG figures of the approximation results (matplotlib, Agg backend).

Each function takes results already computed by :mod:`symmlp.explore.approx` and
:mod:`symmlp.explore.claims` (or the counts of :mod:`symmlp.models.counting`) and a path, writes one PNG and returns the
path.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

if not os.environ.get("MPLBACKEND"):  # a backend chosen by the user, or by a Jupyter kernel (inline), stays
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402

from ..core.files import PNG_MARK, check_output_path, has_png_mark, write_file  # noqa: E402
from ..models.counting import mlp_count, polynomial_count, separable_count  # noqa: E402
from .approx import Approximation, target_callable  # noqa: E402

__all__ = [
    "make_dir",
    "save_figure",
    "check_plot_path",
    "plot_staircase",
    "plot_relu_peaks",
    "plot_bernstein",
    "plot_error_vs_params",
    "plot_parameter_explosion",
]


def make_dir(folder: Any) -> Path:
    """Create the folder ``folder`` if missing, but never its parents.

    A missing parent is refused with a ``ValueError`` naming it, so a mistyped
    path does not scatter new directories across the filesystem.
    """
    folder = Path(folder)
    if folder.is_dir():
        return folder
    parent = folder.parent
    if not parent.is_dir():
        raise ValueError(f"cannot create {str(folder)!r}: its parent folder {str(parent)!r} does not "
                         "exist (only the last folder is created)")
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise ValueError(f"cannot create folder {str(folder)!r}: {exc.strerror or exc}") from None
    return folder


def check_plot_path(path: Any, what: str = "plot") -> Path:
    """``path`` as a Path if :func:`save_figure` may write a PNG there, else ValueError saying why
    (not ``.png``, a symbolic link, a folder, a missing folder, a file symmlp did not write).

    Examples
    ========

    >>> from symmlp.explore.plots import check_plot_path
    >>> check_plot_path("fit.txt", "--plot")
    Traceback (most recent call last):
    ...
    ValueError: --plot must end in .png, got 'fit.txt'
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"{what} must be a path, got {path!r}")
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"{what} must end in .png, got {str(path)!r}")
    return check_output_path(path, what, has_png_mark)


def save_figure(fig, path: Any, what: str = "plot", dpi: int = 110) -> Path:
    """Write ``fig`` as a PNG carrying symmlp's mark, atomically and only where
    :func:`symmlp.core.files.write_file` allows (never through a link, never over a file
    symmlp did not write); the figure is closed either way."""
    try:
        path = check_plot_path(path, what)
        buffer = io.BytesIO()
        fig.tight_layout()
        fig.savefig(buffer, format="png", dpi=dpi, metadata=PNG_MARK)
    finally:
        plt.close(fig)
    return write_file(path, buffer.getvalue(), what, has_png_mark)


def _save(fig, path: Any) -> Path:
    try:
        make_dir(Path(path).parent)
    except ValueError:
        plt.close(fig)
        raise
    return save_figure(fig, path)


def _label(f: Any) -> str:
    expr = target_callable(f)[1]
    return "f" if expr is None else f"f(x) = {expr}".replace("x_1", "x")


def plot_staircase(f: Any, approximations: Sequence[Approximation], path: Any) -> Path:
    """The sigmoid staircase building up: ``f`` and one curve per step count.

    Examples
    ========

    >>> import tempfile, sympy as sp
    >>> from symmlp.explore.approx import sigmoid_staircase
    >>> from symmlp.explore.plots import plot_staircase
    >>> x = sp.Symbol("x")
    >>> nets = [sigmoid_staircase(sp.sin(x), s, 8 * s, (0, 3)) for s in (2, 4)]
    >>> plot_staircase(sp.sin(x), nets, tempfile.mkdtemp() + "/s.png").stat().st_size > 0
    True
    """
    if not approximations:
        raise ValueError("approximations must hold at least one sigmoid_staircase result")
    a, b = approximations[0].interval
    x = np.linspace(a, b, 800)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.plot(x, target_callable(f)[0](x), color="black", lw=2.5, label=_label(f))
    for net in approximations:
        w = net.theta[0]
        ax.plot(x, net.predict(x[:, None])[:, 0], lw=1.4,
                label=f"{net.hidden} sigmoid steps (w = {w:.3g}), {net.num_params} params")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("Sigmoid stairsteps: f(a) + Σ_j (f_j − f_{j−1}) σ(w (x − s_j))")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return _save(fig, path)


def plot_relu_peaks(f: Any, approximation: Approximation, path: Any) -> Path:
    """ReLU jagged peaks: the ramp units, the same sum as scaled hats, and ``f``.

    Examples
    ========

    >>> import tempfile, sympy as sp
    >>> from symmlp.explore.approx import relu_interpolant
    >>> from symmlp.explore.plots import plot_relu_peaks
    >>> x = sp.Symbol("x")
    >>> net = relu_interpolant(sp.sin(x), 5, (0, 3))
    >>> plot_relu_peaks(sp.sin(x), net, tempfile.mkdtemp() + "/r.png").suffix
    '.png'
    """
    a, b = approximation.interval
    x = np.linspace(a, b, 800)
    X = x[:, None]
    K = approximation.hidden
    knots = -approximation.theta[K:2 * K] / approximation.theta[:K]
    values = approximation.predict(knots[:, None])[:, 0]
    h = knots[1] - knots[0]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), sharey=False)
    units = approximation.units(X)
    for j in range(K):
        left.plot(x, units[:, j], lw=1, alpha=0.8)
    left.plot(x, approximation.predict(X)[:, 0], color="black", lw=2, label="sum + bias = network")
    left.set_title(f"{K} hidden units c_j·ReLU(x − t_j):\none ramp per knot, c_j = change of slope",
                   fontsize=10)
    left.legend(fontsize=8)
    for j in range(K):
        hat = np.maximum(0.0, 1.0 - np.abs(x - knots[j]) / h)
        right.fill_between(x, values[j] * hat, alpha=0.25)
        right.plot(x, values[j] * hat, lw=1)
    right.plot(x, target_callable(f)[0](x), color="black", lw=2.5, label=_label(f))
    right.plot(x, approximation.predict(X)[:, 0], color="tab:red", lw=1.5, ls="--",
               label="network = Σ f(t_j) hat_j")
    right.plot(knots, values, "o", color="tab:red", ms=4)
    right.set_title("the same sum as jagged peaks f(t_j)·hat_j,\n"
                    "hat_j = (r(x−t_{j−1}) − 2 r(x−t_j) + r(x−t_{j+1})) / h,  r = ReLU", fontsize=10)
    right.legend(fontsize=8)
    for ax in (left, right):
        ax.set_xlabel("x")
        ax.grid(alpha=0.3)
    return _save(fig, path)


def plot_bernstein(f: Any, interval: Sequence[Any], polynomials: Mapping[int, sp.Expr], path: Any
                   ) -> Path:
    """Bernstein convergence: ``f`` and ``B_n f`` for each ``n`` in ``polynomials``.

    Examples
    ========

    >>> import tempfile, sympy as sp
    >>> from symmlp.explore.approx import bernstein
    >>> from symmlp.explore.plots import plot_bernstein
    >>> x = sp.Symbol("x")
    >>> polys = {n: bernstein(sp.sin(3 * x), n) for n in (2, 8)}
    >>> plot_bernstein(sp.sin(3 * x), (0, 1), polys, tempfile.mkdtemp() + "/b.png").name
    'b.png'
    """
    from .approx import float_interval, sup_error

    a, b = float_interval(interval)
    x = np.linspace(a, b, 600)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.plot(x, target_callable(f)[0](x), color="black", lw=2.5, label=_label(f))
    colors = plt.cm.viridis(np.linspace(0.1, 0.85, max(len(polynomials), 1)))
    for color, (n, p) in zip(colors, sorted(polynomials.items())):
        err = sup_error(f, p, interval)
        ax.plot(x, target_callable(p)[0](x), color=color, lw=1.5, label=f"B_{n} f   (sup error {err:.3f})")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("Bernstein polynomials B_n f → f uniformly, but only like 1/n")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return _save(fig, path)


_NAMES = {
    "bernstein": "Bernstein polynomial (degree n)",
    "staircase": "sigmoid staircase MLP [1, H, 1] (w = 4/step)",
    "relu": "ReLU interpolant MLP [1, K, 1]",
}


def plot_error_vs_params(curves: Mapping[str, tuple[np.ndarray, np.ndarray]], path: Any,
                         title: str = "") -> Path:
    """Sup error against parameter count, log-log, one line per family.

    ``curves`` is what :func:`symmlp.explore.approx.error_curves` returns.

    Examples
    ========

    >>> import tempfile, sympy as sp
    >>> from symmlp.explore.approx import error_curves
    >>> from symmlp.explore.plots import plot_error_vs_params
    >>> curves = error_curves(sp.sin(sp.Symbol("x")), (0, 3), {"relu": [3, 5, 9]})
    >>> plot_error_vs_params(curves, tempfile.mkdtemp() + "/e.png").exists()
    True
    """
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for family, (params, errors) in curves.items():
        keep = errors > 0
        ax.loglog(params[keep], errors[keep], "o-", ms=4, label=_NAMES.get(family, family))
    for eps in (1e-1, 1e-2, 1e-3):
        ax.axhline(eps, color="gray", lw=0.7, ls=":")
    ax.set_xlabel("parameters")
    ax.set_ylabel("sup error on the interval")
    ax.set_title(f"Error vs parameters{': ' + title if title else ''}")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    return _save(fig, path)


def plot_parameter_explosion(path: Any, ns: Sequence[int] = tuple(range(1, 65)),
                             degrees: Sequence[int] = (2, 3, 4, 6), hidden: int = 64) -> Path:
    """Parameters against inputs ``n``: full polynomials of degree ``d`` vs an MLP.

    Examples
    ========

    >>> import tempfile
    >>> from symmlp.explore.plots import plot_parameter_explosion
    >>> plot_parameter_explosion(tempfile.mkdtemp() + "/p.png", ns=[1, 2, 4]).exists()
    True
    """
    ns = list(ns)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for d in degrees:
        ax.semilogy(ns, [polynomial_count(n, d) for n in ns], lw=1.8,
                    label=f"full polynomial d={d}: C(n+d, d)")
    d_max = max(degrees)
    ax.semilogy(ns, [separable_count(n, d_max) for n in ns], lw=1.5, ls="--",
                label=f"separable d={d_max}: n·d + 1 (no cross terms)")
    ax.semilogy(ns, [mlp_count([n, hidden, 1]) for n in ns], color="black", lw=2.2,
                label=f"MLP [n, {hidden}, 1]: {hidden}n + {2 * hidden + 1}")
    ax.set_xlabel("inputs n")
    ax.set_ylabel("parameters (log scale)")
    ax.set_title("The parameter explosion: O(n^d) coefficients vs linear in n")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    return _save(fig, path)
