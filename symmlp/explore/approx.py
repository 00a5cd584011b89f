"""The approximation explorer's constructions: what polynomials and MLPs can
approximate, built in closed form and measured.

- :func:`bernstein`: Stone–Weierstrass made constructive, the Bernstein
  polynomial as an exact SymPy expression;
- :func:`sigmoid_staircase` and :func:`relu_interpolant`: [1, H, 1] MLPs whose
  weights are written down in closed form (sigmoid "stairsteps", ReLU "jagged
  peaks");
- :func:`sup_error`, :func:`approximation_error`, :func:`family_params` and
  :func:`error_curves`: sup errors and parameter counts of each family.

The post's claims built on these live in :mod:`symmlp.explore.claims`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import sympy as sp

from ..display import figure, png_bytes
from ..emit.numpy import compile_model
from ..models.counting import mlp_count, polynomial_count
from ..models.mlp import MLP
from ..ops.activations import np_sigmoid
from ..validate import check_int, exact_number

__all__ = [
    "Approximation",
    "bernstein",
    "sup_error",
    "sigmoid_staircase",
    "relu_interpolant",
    "approximation_error",
    "family_params",
    "error_curves",
]

STAIRCASE_SLOPE = 4
"""Sharpness used by the parameter search, in units of 1/step width: each sigmoid
rises over about one step.  Sharper steps do not help there (the error tends to
the bare staircase's ``max |jump| / 2``); flatter ones blur the ends."""

FAMILIES = ("bernstein", "staircase", "relu")
MAX_GRID = 10**7
"""Points of a sup-error grid (80 MB per array)."""
MAX_EXACT_DEGREE = 2000
"""Degree of an exact :func:`bernstein` polynomial (n + 1 terms with binomials of about 0.3 n digits:
seconds at 2000; :func:`approximation_error` measures larger degrees numerically)."""
MAX_UNITS = 10**6
"""Hidden units of a closed-form network (3 units + 1 parameters)."""
MAX_ELEMENTS = 2 * 10**7
"""Array elements one evaluation may hold at once (160 MB of float64)."""
X1 = sp.Symbol("x_1")

Target = sp.Expr | Callable[[np.ndarray], Any]


# --------------------------------------------------------------------------- inputs


def target_callable(f: Any) -> tuple[Callable[[np.ndarray], np.ndarray], sp.Expr | None, sp.Symbol]:
    """``f`` as (NumPy callable on 1-d arrays, SymPy expression or None, its symbol)."""
    if isinstance(f, sp.Basic):
        if not isinstance(f, sp.Expr):
            raise TypeError(f"f must be a SymPy expression of one variable or a callable, got {f!r}")
        free = sorted(f.free_symbols, key=str)
        if len(free) > 1:
            raise ValueError(f"f must have one variable, got {f} with variables {free}")
        x = free[0] if free else X1
        g = sp.lambdify(x, f, modules="numpy")

        def numeric(t: np.ndarray) -> np.ndarray:
            with np.errstate(all="ignore"):
                return np.broadcast_to(np.asarray(g(t), dtype=np.float64), t.shape).copy()

        return numeric, f, x
    if callable(f) and not isinstance(f, type):
        def called(t: np.ndarray) -> np.ndarray:
            y = np.asarray(f(t), dtype=np.float64)
            if y.size not in (1, t.size):
                raise ValueError(f"f returned {y.size} values for {t.size} inputs; it must work "
                                 "elementwise on a 1-d NumPy array")
            return np.broadcast_to(y.reshape(-1) if y.size > 1 else y.reshape(()), t.shape).copy()

        return called, None, X1
    raise TypeError(f"f must be a SymPy expression of one variable or a callable on NumPy arrays, "
                    f"got {f!r}")


def _interval(interval: Any) -> tuple[sp.Expr, sp.Expr]:
    """``(a, b)`` with ``a < b`` as exact SymPy numbers (floats become Float)."""
    if isinstance(interval, str | bytes) or not isinstance(interval, Sequence) or len(interval) != 2:
        raise TypeError(f"interval must be a pair (a, b) with a < b, got {interval!r}")
    a, b = (exact_number(v, f"interval[{i}]") for i, v in enumerate(interval))
    if not bool(a < b):
        raise ValueError(f"interval must be a pair (a, b) with a < b, got ({a}, {b})")
    return a, b


def float_interval(interval: Any) -> tuple[float, float]:
    a, b = _interval(interval)
    return float(a), float(b)


def _grid(interval: Any, grid: int) -> np.ndarray:
    a, b = float_interval(interval)
    return np.linspace(a, b, _grid_points(grid))


def _bounded(value: Any, what: str, low: int, high: int, cost: Callable[[int], str]) -> int:
    """``value`` as an int in ``low..high``; above ``high`` the error says what it would cost."""
    value = check_int(value, what, low)
    if value > high:
        raise ValueError(f"{what} = {value}: {cost(value)}; at most {high} is allowed")
    return value


def _grid_points(grid: Any) -> int:
    return _bounded(grid, "grid", 2, MAX_GRID, lambda g: f"a grid of {g:.3g} points takes {8 * g:.2g} bytes per array")


def _units(value: Any, what: str, low: int) -> int:
    return _bounded(value, what, low, MAX_UNITS, lambda h: f"a [1, {h}, 1] network has {3 * h + 1:.3g} parameters")


def _check_work(elements: int, what: str, advice: str) -> None:
    """Refuse, before allocating, an evaluation that holds more than ``MAX_ELEMENTS`` numbers at once."""
    if elements > MAX_ELEMENTS:
        raise ValueError(f"{what} needs about {elements:.2g} numbers in memory at once (more than "
                         f"{MAX_ELEMENTS:.0e}); {advice}")


def _values(f: Any, x: np.ndarray) -> np.ndarray:
    if isinstance(f, Approximation):
        return f.predict(x[:, None])[:, 0]
    return target_callable(f)[0](x)


# --------------------------------------------------------------------------- Bernstein


def bernstein(f: Target, n: int, interval: Sequence[Any] = (0, 1)) -> sp.Expr:
    r"""The Bernstein polynomial of ``f`` of degree ``n``, exactly.

    ``B_n f(x) = sum_k f(a + k (b - a)/n) C(n, k) t^k (1 - t)^(n - k)`` with
    ``t = (x - a)/(b - a)``: a constructive proof of the Stone–Weierstrass
    theorem, converging uniformly for every continuous ``f``, but only like
    ``1/n`` (error at most ``(b - a)^2 sup|f''| / (8 n)`` for C² functions).

    Parameters
    ==========

    f : SymPy expression of one variable, or callable on NumPy arrays
        SymPy values stay exact (``f`` is evaluated at exact nodes); a
        callable's values become ``Float``.
    n : int
        The degree, ``n >= 1``.
    interval : pair of numbers
        ``(a, b)``; ints, Rationals and SymPy constants such as ``pi`` stay exact.

    Returns
    =======

    sympy.Expr
        A sum of ``n + 1`` Bernstein terms in ``f``'s variable (``x_1`` for a
        callable); ``sympy.expand`` it for the monomial form.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.explore.approx import bernstein
    >>> x = sp.Symbol("x")
    >>> sp.factor(sp.expand(bernstein(x**2, 4)))
    x*(3*x + 1)/4
    >>> sp.expand(bernstein(x**2, 4) - (x**2 + x*(1 - x)/4))
    0
    >>> sp.expand(bernstein(x**3, 2, interval=(-1, 1)))    # nodes -1, 0, 1
    x
    """
    numeric, expr, x = target_callable(f)
    n = _bounded(n, "n", 1, MAX_EXACT_DEGREE,
                 lambda n: f"the exact polynomial has {n + 1:.3g} terms with binomials of up to {0.3 * n:.2g} "
                           "digits; measure larger degrees with approximation_error(f, 'bernstein', n)")
    a, b = _interval(interval)
    nodes = [a + sp.Rational(k, n) * (b - a) for k in range(n + 1)]
    if expr is not None:
        values = [expr.subs(x, node) for node in nodes]
        bad = [(node, v) for node, v in zip(nodes, values) if not _exact_real_finite(v)]
    else:
        raw = np.asarray(_raw_values(f, np.array([float(v) for v in nodes])))
        raw = np.broadcast_to(raw.reshape(-1) if raw.size > 1 else raw.reshape(()), (n + 1,))
        ok = np.isfinite(raw) & (np.imag(raw) == 0)
        bad = [(node, v) for node, v, good in zip(nodes, raw.tolist(), ok) if not good]
        values = [] if bad else [sp.Float(float(np.real(v))) for v in raw]
    if bad:
        node, v = bad[0]
        name = expr if expr is not None else getattr(f, "__name__", repr(f))
        raise ValueError(f"bernstein: f = {name} is not finite and real at the node {x} = {node} "
                         f"of the interval [{a}, {b}] (value {v}); choose an interval where f is "
                         "defined")
    t = (x - a) / (b - a)
    return sp.Add(*(v * sp.binomial(n, k) * t**k * (1 - t) ** (n - k) for k, v in enumerate(values)))


def _exact_real_finite(v: sp.Expr) -> bool:
    """Whether the exact value ``v`` is a finite real number (undecided: checked numerically)."""
    real, finite = v.is_extended_real, v.is_finite
    if real is False or finite is False:
        return False
    if real and finite:
        return True
    approx = v.evalf(30)
    return bool(approx.is_extended_real and approx.is_finite)


def _raw_values(f: Callable[..., Any], t: np.ndarray) -> np.ndarray:
    """A callable's values at ``t`` before any conversion to float (complex values kept)."""
    with np.errstate(all="ignore"):
        y = np.asarray(f(t))
    if y.size not in (1, t.size):
        raise ValueError(f"f returned {y.size} values for {t.size} inputs; it must work "
                         "elementwise on a 1-d NumPy array")
    if not (np.issubdtype(y.dtype, np.number) or y.dtype == np.bool_):
        y = y.astype(np.complex128)
    return y


def _bernstein_numeric(values: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``sum_k values[k] C(n, k) t^k (1-t)^(n-k)`` through log weights (stable for large n).

    Only ``|k - n t| <= 6 sqrt(n) + 1`` is summed: by Hoeffding the rest weighs
    less than ``2 exp(-72)``.
    """
    n = len(values) - 1
    log_fact = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, n + 1)))])
    half = int(math.ceil(6 * math.sqrt(n))) + 1
    k = np.rint(n * t).astype(int)[:, None] + np.arange(-half, half + 1)
    inside = (k >= 0) & (k <= n)
    k = np.clip(k, 0, n)
    log_binom = log_fact[n] - log_fact[k] - log_fact[n - k]
    with np.errstate(divide="ignore", invalid="ignore"):
        lt, l1t = np.log(t)[:, None], np.log1p(-t)[:, None]
        exponent = log_binom + np.where(k == 0, 0.0, k * lt) + np.where(k == n, 0.0, (n - k) * l1t)
    return np.sum(np.where(inside, np.exp(exponent) * values[k], 0.0), axis=1)


def sup_error(f: Target, approx: Any, interval: Sequence[Any] = (0, 1), grid: int = 2001) -> float:
    """``max |f(x) - approx(x)|`` over ``grid`` equally spaced points of ``interval``.

    Parameters
    ==========

    f, approx : SymPy expression of one variable, callable, or :class:`Approximation`
    interval : pair of numbers
    grid : int
        Number of points, endpoints included.

    Returns
    =======

    float

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.explore.approx import bernstein, sup_error
    >>> x = sp.Symbol("x")
    >>> round(sup_error(x**2, bernstein(x**2, 5)), 12)    # max of x(1-x)/5, at x = 1/2
    0.05
    """
    x = _grid(interval, grid)
    return float(np.max(np.abs(_values(f, x) - _values(approx, x))))


# --------------------------------------------------------------------------- MLPs in closed form


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


def _check_sharpness(sharpness: Any) -> float:
    if isinstance(sharpness, bool) or not isinstance(sharpness, numbers.Real) or not (
        np.isfinite(sharpness) and sharpness > 0
    ):
        raise ValueError(f"sharpness must be a positive finite number, got {sharpness!r}")
    return float(sharpness)


def _staircase_parts(f: Target, steps: int, sharpness: float, interval: Any):
    numeric = target_callable(f)[0]
    a, b = float_interval(interval)
    h = (b - a) / steps
    samples = numeric(a + h * np.arange(steps + 1))
    if not np.isfinite(samples).all():
        raise ValueError(f"f is not finite at every sample point of [{a:g}, {b:g}]")
    return samples[0], a + h * (np.arange(steps) + 0.5), np.diff(samples), sharpness


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
    steps = _units(steps, "steps", 1)
    w = _check_sharpness(sharpness)
    fa, s, jumps, _ = _staircase_parts(f, steps, w, interval)
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
    knots = _units(knots, "knots", 2)
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


def _staircase_numeric(parts, x: np.ndarray) -> np.ndarray:
    """The staircase at ``x`` when ``sharpness * h = STAIRCASE_SLOPE``: steps more than
    12 away count as 0 or 1 (off by less than ``exp(-46)`` of their height)."""
    fa, s, jumps, w = parts
    below = np.concatenate([[0.0], np.cumsum(jumps)])
    i = np.searchsorted(s, x)
    lo = np.maximum(i - 12, 0)
    j = lo[:, None] + np.arange(24)
    inside = j < len(s)
    j = np.minimum(j, len(s) - 1)
    near = np.where(inside, np_sigmoid(w * (x[:, None] - s[j])) * jumps[j], 0.0)
    return fa + below[lo] + near.sum(axis=1)


def approximation_error(f: Target, family: str, size: int, interval: Sequence[Any] = (0, 1),
                        grid: int = 2001) -> float:
    """The sup error of one family at one size, by a fast NumPy route.

    ``"bernstein"`` (degree ``size``, log-space binomial weights),
    ``"staircase"`` (:func:`sigmoid_staircase` with ``size`` steps and sharpness
    ``STAIRCASE_SLOPE * size / (b - a)``) or ``"relu"`` (:func:`relu_interpolant`
    with ``size`` knots, through ``numpy.interp``, which it equals).  For the
    two MLPs the grid gets at least 8 points per step or knot.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.explore.approx import approximation_error
    >>> x = sp.Symbol("x")
    >>> round(approximation_error(x**2, "bernstein", 5), 12), approximation_error(x, "relu", 2)
    (0.05, 0.0)
    """
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(FAMILIES)}, got {family!r}")
    numeric = target_callable(f)[0]
    a, b = float_interval(interval)
    size = _units(size, "size", 2 if family == "relu" else 1)
    grid = _grid_points(grid)
    points = grid if family == "bernstein" else max(grid, 8 * size + 1)
    per_point = {"bernstein": 2 * (int(math.ceil(6 * math.sqrt(size))) + 1) + 1, "staircase": 24, "relu": 1}
    _check_work(points * per_point[family], f"the sup error of {family} at size {size} on {points} points",
                "choose a smaller size or grid")
    x = _grid(interval, points)
    fx = numeric(x)
    if family == "bernstein":
        values = numeric(np.linspace(a, b, size + 1))
        approx = _bernstein_numeric(values, (x - a) / (b - a))
    elif family == "staircase":
        approx = _staircase_numeric(_staircase_parts(f, size, STAIRCASE_SLOPE * size / (b - a),
                                                     interval), x)
    else:
        t = np.linspace(a, b, size)
        approx = np.interp(x, t, numeric(t))
    return float(np.max(np.abs(fx - approx)))


def family_params(family: str, size: int) -> int:
    """Parameters of one family at one size: ``n + 1`` Bernstein coefficients,
    or an MLP ``[1, size, 1]`` (``3 size + 1``).

    Examples
    ========

    >>> from symmlp.explore.approx import family_params
    >>> family_params("bernstein", 10), family_params("relu", 10)
    (11, 31)
    """
    if family == "bernstein":
        return polynomial_count(1, size)
    if family in FAMILIES:
        return mlp_count([1, size, 1])
    raise ValueError(f"family must be one of {', '.join(FAMILIES)}, got {family!r}")


# --------------------------------------------------------------------------- error curves


def error_curves(f: Target, interval: Sequence[Any], sizes: Mapping[str, Sequence[int]] | None = None
                 ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """family -> (parameter counts, sup errors) over a range of sizes.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.explore.approx import error_curves
    >>> params, errors = error_curves(sp.Symbol("x")**2, (0, 1), {"bernstein": [1, 2]})["bernstein"]
    >>> params.tolist(), errors.round(12).tolist()
    ([2, 3], [0.25, 0.125])
    """
    if sizes is not None and not isinstance(sizes, Mapping):
        raise TypeError(f"sizes must map a family ({', '.join(FAMILIES)}) to a list of sizes, got {sizes!r:.60}")
    if sizes is None:
        sizes = {"bernstein": [2 ** k for k in range(1, 12)], "staircase": [2 ** k for k in range(1, 11)],
                 "relu": [2 ** k + 1 for k in range(0, 11)]}
    return {
        family: (np.array([family_params(family, s) for s in ss]),
                 np.array([approximation_error(f, family, s, interval) for s in ss]))
        for family, ss in sizes.items()
    }
