"""[1, H, 1] MLPs whose weights are written down in closed form: sigmoid "stairsteps" and ReLU "jagged peaks".

:func:`sigmoid_staircase` and :func:`relu_interpolant` return an
:class:`Approximation` (the model, its parameters and how they were built);
:func:`staircase_parts` and :func:`staircase_values` give the staircase's
pieces and its values in floats, for the error curves.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np
import sympy as sp

from ...core.display import figure, png_bytes
from ...emit.numpy import compile_model
from ...models.mlp import MLP
from ...ops.activations import np_sigmoid
from .inputs import MAX_ELEMENTS, Target, float_interval, hidden_units, target_callable

__all__ = [
    "Approximation",
    "sigmoid_staircase",
    "relu_interpolant",
    "Staircase",
    "staircase_parts",
    "staircase_values",
    "STAIRCASE_NEAR",
]

STAIRCASE_NEAR = 12
"""Steps on each side of a point that :func:`staircase_values` evaluates; farther ones count as 0 or 1."""


@dataclass(frozen=True, eq=False)
class Approximation:
    """A model with closed-form parameters fitted to a target on an interval.

    Attributes
    ==========

    model : MLP
        A ``[1, H, 1]`` network.
    theta : numpy.ndarray
        Its parameters in ``model.params`` order.
    kind : str
        How it was built (``"sigmoid staircase"``, ``"relu interpolant"``).
    interval : (float, float)
    target : SymPy expression, callable or None
        The function approximated, when known (drawn, with the sup error, in
        the figure Jupyter shows: ``_repr_png_``).
    """

    model: MLP
    theta: np.ndarray
    kind: str
    interval: tuple[float, float]
    target: Any = field(default=None, repr=False)

    @cached_property
    def _compiled(self):
        return compile_model(self.model)

    @property
    def num_params(self) -> int:
        return self.model.num_params

    @property
    def hidden(self) -> int:
        """The number of hidden units ``H``."""
        return self.model.widths[1]

    def predict(self, X: Any) -> np.ndarray:
        """The network's output for ``X`` of shape (N, 1), as an (N, 1) array.

        Evaluated in row blocks so that no intermediate holds more than ``MAX_ELEMENTS`` numbers.
        """
        X = np.asarray(X)
        rows = max(1, MAX_ELEMENTS // (4 * self.hidden))
        if X.ndim != 2 or X.shape[0] <= rows:
            return self._compiled.forward(self.theta, X)
        return np.concatenate([self._compiled.forward(self.theta, X[i:i + rows])
                               for i in range(0, X.shape[0], rows)])

    def units(self, X: Any) -> np.ndarray:
        """Each hidden unit's contribution ``W2_j sigma(W1_j x + b1_j)``, shape (N, H).

        Their row sums plus the output bias ``b2`` are :meth:`predict`.
        """
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != 1:
            raise ValueError(f"X must have shape (N, 1), got {X.shape}")
        blocks = self.model.unflatten(self.theta)
        w, b, c = blocks["W1"][:, 0], blocks["b1"], blocks["W2"][0]
        return self.model.sigma(1).numpy(X * w + b) * c

    def to_symbolic(self) -> sp.Expr:
        """The output as a SymPy expression in ``x_1`` (parameters as ``Float``)."""
        return self.model.subs(self.theta)[0]

    def __repr__(self) -> str:
        a, b = self.interval
        return f"Approximation({self.kind!r}, {self.model!r}, interval=({a:g}, {b:g}))"

    def _repr_png_(self) -> bytes:
        """The target (when known), the network's output and each hidden unit's contribution."""
        a, b = self.interval
        x = np.linspace(a, b, max(801, 8 * self.hidden + 1))
        y = self.predict(x[:, None])[:, 0]
        fig, ax = figure(5.5, 3.2)
        title = f"{self.kind}, H = {self.hidden} ({self.num_params} parameters)"
        shown = [y]
        if self.target is not None:
            fx = target_callable(self.target)[0](x)
            shown.append(fx)
            ax.plot(x, fx, color="black", lw=2.2, alpha=0.35, label="target")
            title += f": sup error {float(np.max(np.abs(fx - y))):.3g}"
        if self.hidden <= 64:
            ax.plot(x, self.units(x[:, None]), lw=0.6, alpha=0.45)
        ax.plot(x, y, color="C3", lw=1.4, label="network")
        lo, hi = float(np.nanmin(shown)), float(np.nanmax(shown))
        pad = 0.15 * (hi - lo) + 1e-9
        ax.set_ylim(lo - pad, hi + pad)  # the units of a ReLU net ramp far past the curve
        ax.set(xlabel="x", title=title)
        ax.title.set_fontsize(9)
        ax.legend(fontsize=8, loc="best")
        return png_bytes(fig)


class Staircase(NamedTuple):
    """A sigmoid staircase: ``start + sum_j jumps[j] sigmoid(sharpness * (x - at[j]))``."""

    start: float
    at: np.ndarray
    jumps: np.ndarray
    sharpness: float


def staircase_parts(f: Target, steps: int, sharpness: float, interval: Any) -> Staircase:
    """The staircase of ``f`` with ``steps`` steps: ``f(a)``, the step positions and heights.

    Step ``j`` sits halfway between the samples ``f(a + (j - 1) h)`` and
    ``f(a + j h)`` (``h = (b - a)/steps``) and rises by their difference.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.explore.approx.networks import staircase_parts
    >>> parts = staircase_parts(sp.Symbol("x")**2, 2, 40.0, (0, 1))
    >>> float(parts.start), parts.at.tolist(), parts.jumps.tolist()
    (0.0, [0.25, 0.75], [0.25, 0.75])
    """
    numeric = target_callable(f)[0]
    a, b = float_interval(interval)
    h = (b - a) / steps
    samples = numeric(a + h * np.arange(steps + 1))
    if not np.isfinite(samples).all():
        raise ValueError(f"f is not finite at every sample point of [{a:g}, {b:g}]")
    return Staircase(samples[0], a + h * (np.arange(steps) + 0.5), np.diff(samples), sharpness)


def staircase_values(parts: Staircase, x: np.ndarray) -> np.ndarray:
    """The staircase at the points ``x``, each through its ``2 STAIRCASE_NEAR`` nearest steps.

    Meant for ``sharpness * h = STAIRCASE_SLOPE``: steps more than
    ``STAIRCASE_NEAR`` away count as 0 or 1 (off by less than ``exp(-46)`` of
    their height).

    Examples
    ========

    >>> import numpy as np, sympy as sp
    >>> from symmlp.explore.approx.networks import staircase_parts, staircase_values
    >>> parts = staircase_parts(sp.Symbol("x"), 4, 16.0, (0, 1))
    >>> staircase_values(parts, np.array([0.0, 0.5, 1.0])).round(2)   # 0.25 sum_j sigmoid(16 (x - s_j))
    array([0.03, 0.5 , 0.97])
    """
    fa, s, jumps, w = parts
    below = np.concatenate([[0.0], np.cumsum(jumps)])
    i = np.searchsorted(s, x)
    lo = np.maximum(i - STAIRCASE_NEAR, 0)
    j = lo[:, None] + np.arange(2 * STAIRCASE_NEAR)
    inside = j < len(s)
    j = np.minimum(j, len(s) - 1)
    near = np.where(inside, np_sigmoid(w * (x[:, None] - s[j])) * jumps[j], 0.0)
    return fa + below[lo] + near.sum(axis=1)


def _check_sharpness(sharpness: Any) -> float:
    if isinstance(sharpness, bool) or not isinstance(sharpness, numbers.Real) or not (
        np.isfinite(sharpness) and sharpness > 0
    ):
        raise ValueError(f"sharpness must be a positive finite number, got {sharpness!r}")
    return float(sharpness)


def sigmoid_staircase(f: Target, steps: int, sharpness: float, interval: Sequence[Any] = (0, 1)
                      ) -> Approximation:
    """A ``[1, steps, 1]`` sigmoid MLP that approximates ``f`` by a smoothed staircase.

    With ``h = (b - a)/steps`` and samples ``f_j = f(a + j h)``, hidden unit ``j``
    is a step at ``s_j = a + (j - 1/2) h`` (``W1_j = sharpness``,
    ``b1_j = -sharpness * s_j``, so ``s_j = -b1_j / W1_j``) of height
    ``W2_j = f_j - f_{j-1}``; the output bias is ``f(a)``::

        yhat(x) = f(a) + sum_j (f_j - f_{j-1}) sigmoid(sharpness * (x - s_j))

    Two neighbouring steps of opposite sign make a bump.  The error falls as
    ``steps`` and ``sharpness`` grow together; at a fixed number of steps it is
    smallest near ``sharpness * h ~ 4``.

    Parameters
    ==========

    f : SymPy expression of one variable, or callable on NumPy arrays
    steps : int
        Hidden units ``H >= 1``.
    sharpness : float
        The hidden weight ``w > 0``: each step rises over about ``4 / w``.
    interval : pair of numbers

    Returns
    =======

    Approximation

    Examples
    ========

    >>> import numpy as np, sympy as sp
    >>> from symmlp.explore.approx import sigmoid_staircase
    >>> x = sp.Symbol("x")
    >>> net = sigmoid_staircase(x**2, steps=2, sharpness=40)
    >>> net.model, net.num_params
    (MLP([1, 2, 1], activation='sigmoid', output_activation='identity'), 7)
    >>> net.theta
    array([ 40.  ,  40.  , -10.  , -30.  ,   0.25,   0.75,   0.  ])
    >>> net.predict(np.array([[0.0], [0.5], [1.0]])).round(3)
    array([[0.  ],
           [0.25],
           [1.  ]])
    """
    steps = hidden_units(steps, "steps", 1)
    w = _check_sharpness(sharpness)
    fa, s, jumps, _ = staircase_parts(f, steps, w, interval)
    model = MLP([1, steps, 1], activation="sigmoid")
    theta = model.flatten({"W1": np.full((steps, 1), w), "b1": -w * s, "W2": jumps[None, :], "b2": [fa]})
    return Approximation(model, theta, "sigmoid staircase", float_interval(interval), f)


def relu_interpolant(f: Target, knots: int, interval: Sequence[Any] = (0, 1)) -> Approximation:
    """A ``[1, knots, 1]`` ReLU MLP equal to the piecewise-linear interpolant of ``f``.

    On equally spaced knots ``t_0 = a, ..., t_{K-1} = b`` with segment slopes
    ``m_j``, hidden unit ``j`` is the ramp ``relu(x - t_j)`` (``W1_j = 1``,
    ``b1_j = -t_j``) weighted by the change of slope there: ``W2_0 = m_0``,
    ``W2_j = m_j - m_{j-1}``, ``W2_{K-1} = -m_{K-2}``; the output bias is
    ``f(a)``.  Equivalently ``sum_j f(t_j) hat_j(x)`` with the hats
    ``(relu(x - t_{j-1}) - 2 relu(x - t_j) + relu(x - t_{j+1})) / h`` — the
    "jagged peaks".  Outside ``[a, b]`` it is constant, like ``numpy.interp``;
    inside, its error is at most ``h^2 max|f''| / 8``.

    Parameters
    ==========

    f : SymPy expression of one variable, or callable on NumPy arrays
    knots : int
        ``K >= 2``.
    interval : pair of numbers

    Returns
    =======

    Approximation

    Examples
    ========

    >>> import numpy as np, sympy as sp
    >>> from symmlp.explore.approx import relu_interpolant
    >>> net = relu_interpolant(sp.Abs(sp.Symbol("x")), knots=3, interval=(-1, 1))
    >>> net.theta                    # ramps at -1, 0, 1 with slope changes -1, 2, -1
    array([ 1.,  1.,  1.,  1.,  0., -1., -1.,  2., -1.,  1.])
    >>> net.to_symbolic()
    2.0*Max(0, 1.0*x_1) - 1.0*Max(0, 1.0*x_1 - 1.0) - 1.0*Max(0, 1.0*x_1 + 1.0) + 1.0
    >>> net.predict(np.array([[-0.5], [0.25]]))
    array([[0.5 ],
           [0.25]])
    """
    knots = hidden_units(knots, "knots", 2)
    numeric = target_callable(f)[0]
    a, b = float_interval(interval)
    t = np.linspace(a, b, knots)
    values = numeric(t)
    if not np.isfinite(values).all():
        raise ValueError(f"f is not finite at every knot of [{a:g}, {b:g}]")
    slopes = np.diff(values) / np.diff(t)
    out = np.diff(np.concatenate([[0.0], slopes, [0.0]]))
    model = MLP([1, knots, 1], activation="relu")
    theta = model.flatten({"W1": np.ones((knots, 1)), "b1": 0.0 - t, "W2": out[None, :], "b2": [values[0]]})
    return Approximation(model, theta, "relu interpolant", (a, b), f)
