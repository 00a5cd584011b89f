"""The approximation explorer: the post's claims about what polynomials and MLPs
can approximate, as things to run and look at.

- :func:`bernstein`: Stone–Weierstrass made constructive, the Bernstein
  polynomial as an exact SymPy expression;
- :func:`sigmoid_staircase` and :func:`relu_interpolant`: [1, H, 1] MLPs whose
  weights are written down in closed form (sigmoid "stairsteps", ReLU "jagged
  peaks");
- :func:`polynomial_collapse`: why sigma must not be a polynomial;
- :func:`separable_blind_spot`: the per-coordinate polynomial cannot fit x1*x2;
- :func:`parameters_for_epsilon` and :func:`criteria_table`: the post's
  comparison in numbers and in its own four criteria;
- :func:`run_all`: every headline result and every plot in one call.
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

from .activations import get_activation, np_sigmoid
from .compile import compile_model
from .counting import CountTable, count_table, mlp_count, polynomial_count, separable_count
from .mlp import MLP
from .model import check_positive_int, exact_number
from .polynomial import Polynomial, SeparablePolynomial

__all__ = [
    "Approximation",
    "bernstein",
    "sup_error",
    "sigmoid_staircase",
    "relu_interpolant",
    "approximation_error",
    "family_params",
    "error_curves",
    "CollapseResult",
    "polynomial_collapse",
    "BlindSpotResult",
    "separable_blind_spot",
    "EpsilonResult",
    "default_targets",
    "parameters_for_epsilon",
    "CriteriaTable",
    "criteria_table",
    "run_all",
]

STAIRCASE_SLOPE = 4
"""Sharpness used by the parameter search, in units of 1/step width: each sigmoid
rises over about one step.  Sharper steps do not help there (the error tends to
the bare staircase's ``max |jump| / 2``); flatter ones blur the ends."""

FAMILIES = ("bernstein", "staircase", "relu")
MAX_COLLAPSE_DEGREE = 128
_X = sp.Symbol("x_1")

Target = sp.Expr | Callable[[np.ndarray], Any]


# --------------------------------------------------------------------------- inputs


def _target(f: Any) -> tuple[Callable[[np.ndarray], np.ndarray], sp.Expr | None, sp.Symbol]:
    """``f`` as (NumPy callable on 1-d arrays, SymPy expression or None, its symbol)."""
    if isinstance(f, sp.Basic):
        if not isinstance(f, sp.Expr):
            raise TypeError(f"f must be a SymPy expression of one variable or a callable, got {f!r}")
        free = sorted(f.free_symbols, key=str)
        if len(free) > 1:
            raise ValueError(f"f must have one variable, got {f} with variables {free}")
        x = free[0] if free else _X
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

        return called, None, _X
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


def _floats(interval: Any) -> tuple[float, float]:
    a, b = _interval(interval)
    return float(a), float(b)


def _grid(interval: Any, grid: int) -> np.ndarray:
    a, b = _floats(interval)
    return np.linspace(a, b, check_positive_int(grid, "grid", minimum=2))


def _values(f: Any, x: np.ndarray) -> np.ndarray:
    if isinstance(f, Approximation):
        return f.predict(x[:, None])[:, 0]
    return _target(f)[0](x)


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
    >>> from symmlp.approx import bernstein
    >>> x = sp.Symbol("x")
    >>> sp.factor(sp.expand(bernstein(x**2, 4)))
    x*(3*x + 1)/4
    >>> sp.expand(bernstein(x**2, 4) - (x**2 + x*(1 - x)/4))
    0
    >>> sp.expand(bernstein(x**3, 2, interval=(-1, 1)))    # nodes -1, 0, 1
    x
    """
    numeric, expr, x = _target(f)
    n = check_positive_int(n, "n")
    a, b = _interval(interval)
    nodes = [a + sp.Rational(k, n) * (b - a) for k in range(n + 1)]
    if expr is not None:
        values = [expr.subs(x, node) for node in nodes]
    else:
        values = [sp.Float(v) for v in numeric(np.array([float(v) for v in nodes]))]
    t = (x - a) / (b - a)
    return sp.Add(*(v * sp.binomial(n, k) * t**k * (1 - t) ** (n - k) for k, v in enumerate(values)))


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
    >>> from symmlp.approx import bernstein, sup_error
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
    """

    model: MLP
    theta: np.ndarray
    kind: str
    interval: tuple[float, float]

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
        """The network's output for ``X`` of shape (N, 1), as an (N, 1) array."""
        return self._compiled.forward(self.theta, X)

    def units(self, X: Any) -> np.ndarray:
        """Each hidden unit's contribution ``W2_j sigma(W1_j x + b1_j)``, shape (N, H).

        Their row sums plus the output bias ``b2`` are :meth:`predict`.
        """
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != 1:
            raise ValueError(f"X must have shape (N, 1), got {X.shape}")
        H = self.hidden
        w, b, c = self.theta[:H], self.theta[H:2 * H], self.theta[2 * H:3 * H]
        return self.model.sigma(1).numpy(X * w + b) * c

    def to_symbolic(self) -> sp.Expr:
        """The output as a SymPy expression in ``x_1`` (parameters as ``Float``)."""
        return self.model.subs(self.theta)[0]

    def __repr__(self) -> str:
        a, b = self.interval
        return f"Approximation({self.kind!r}, {self.model!r}, interval=({a:g}, {b:g}))"


def _check_sharpness(sharpness: Any) -> float:
    if isinstance(sharpness, bool) or not isinstance(sharpness, numbers.Real) or not (
        np.isfinite(sharpness) and sharpness > 0
    ):
        raise ValueError(f"sharpness must be a positive finite number, got {sharpness!r}")
    return float(sharpness)


def _staircase_parts(f: Target, steps: int, sharpness: float, interval: Any):
    numeric = _target(f)[0]
    a, b = _floats(interval)
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
    >>> from symmlp.approx import sigmoid_staircase
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
    steps = check_positive_int(steps, "steps")
    w = _check_sharpness(sharpness)
    fa, s, jumps, _ = _staircase_parts(f, steps, w, interval)
    theta = np.concatenate([np.full(steps, w), -w * s, jumps, [fa]])
    return Approximation(MLP([1, steps, 1], activation="sigmoid"), theta, "sigmoid staircase",
                         _floats(interval))


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
    >>> from symmlp.approx import relu_interpolant
    >>> net = relu_interpolant(sp.Abs(sp.Symbol("x")), knots=3, interval=(-1, 1))
    >>> net.theta                    # ramps at -1, 0, 1 with slope changes -1, 2, -1
    array([ 1.,  1.,  1.,  1.,  0., -1., -1.,  2., -1.,  1.])
    >>> net.to_symbolic()
    2.0*Max(0, 1.0*x_1) - 1.0*Max(0, 1.0*x_1 - 1.0) - 1.0*Max(0, 1.0*x_1 + 1.0) + 1.0
    >>> net.predict(np.array([[-0.5], [0.25]]))
    array([[0.5 ],
           [0.25]])
    """
    knots = check_positive_int(knots, "knots", minimum=2)
    numeric = _target(f)[0]
    a, b = _floats(interval)
    t = np.linspace(a, b, knots)
    values = numeric(t)
    if not np.isfinite(values).all():
        raise ValueError(f"f is not finite at every knot of [{a:g}, {b:g}]")
    slopes = np.diff(values) / np.diff(t)
    out = np.diff(np.concatenate([[0.0], slopes, [0.0]]))
    theta = np.concatenate([np.ones(knots), 0.0 - t, out, [values[0]]])
    return Approximation(MLP([1, knots, 1], activation="relu"), theta, "relu interpolant", (a, b))


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
    >>> from symmlp.approx import approximation_error
    >>> x = sp.Symbol("x")
    >>> round(approximation_error(x**2, "bernstein", 5), 12), approximation_error(x, "relu", 2)
    (0.05, 0.0)
    """
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(FAMILIES)}, got {family!r}")
    numeric = _target(f)[0]
    a, b = _floats(interval)
    size = check_positive_int(size, "size", minimum=2 if family == "relu" else 1)
    grid = check_positive_int(grid, "grid", minimum=2)
    x = _grid(interval, grid if family == "bernstein" else max(grid, 8 * size + 1))
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

    >>> from symmlp.approx import family_params
    >>> family_params("bernstein", 10), family_params("relu", 10)
    (11, 31)
    """
    if family == "bernstein":
        return polynomial_count(1, size)
    if family in FAMILIES:
        return mlp_count([1, size, 1])
    raise ValueError(f"family must be one of {', '.join(FAMILIES)}, got {family!r}")


# --------------------------------------------------------------------------- polynomial collapse


@dataclass(frozen=True)
class CollapseResult:
    """What an MLP ``[1, w, ..., w, 1]`` with activation ``sigma`` computes.

    ``is_polynomial`` says whether its output is a polynomial in ``x_1``; if so,
    ``degree`` is its degree at generic (positive integer) parameters,
    ``bound = k^(L-1)`` for ``sigma`` of degree ``k``, and ``symbolic_degree``
    the degree with every parameter left symbolic (small networks only).
    ``output`` is the output at the generic parameters ``theta`` (in
    ``MLP(widths, activation).params`` order).
    """

    activation: str
    depth: int
    widths: tuple[int, ...]
    is_polynomial: bool
    degree: int | None
    bound: int | None
    symbolic_degree: int | None
    output: sp.Expr = field(repr=False)
    theta: tuple[int, ...] = field(repr=False, default=())

    def __str__(self) -> str:
        head = f"MLP {list(self.widths)} with sigma = {self.activation} (depth L = {self.depth})"
        if not self.is_polynomial:
            return (f"{head}:\n  output is NOT a polynomial in x_1 (sympy.Poly refuses it); a "
                    "non-polynomial sigma is what makes MLPs universal approximators "
                    "(Leshno, Lin, Pinkus, Schocken 1993)")
        sym = "" if self.symbolic_degree is None else f", {self.symbolic_degree} with symbolic parameters"
        k = get_activation(self.activation).polynomial_degree
        return (f"{head}:\n  output is a polynomial in x_1 of degree {self.degree} at generic "
                f"parameters{sym}\n  bound k^(L-1) = {k}^{self.depth - 1} = {self.bound}: however "
                "wide the layers, this family never leaves the polynomials of that degree, so it "
                "is not a universal approximator")


def polynomial_collapse(activation: str = "square", depth: int = 3, width: int = 2, seed: int = 0
                        ) -> CollapseResult:
    """Show that an MLP with a polynomial activation is just a polynomial.

    With ``sigma`` a polynomial of degree ``k``, each hidden layer raises the
    degree at most ``k``-fold, so a network of depth ``L`` (``L`` affine layers,
    ``L - 1`` activations) is a polynomial in ``x`` of degree at most
    ``k^(L-1)`` whatever its width: a finite-dimensional family, which cannot
    approximate every continuous function.  Conversely, a continuous ``sigma``
    gives universal approximators exactly when it is not a polynomial (M.
    Leshno, V. Ya. Lin, A. Pinkus, S. Schocken, "Multilayer feedforward
    networks with a nonpolynomial activation function can approximate any
    function", Neural Networks 6(6), 1993).

    The degree is read from the expanded output (``sympy.Poly`` in ``x_1``) at
    positive integer parameters, for which no leading coefficient cancels, so
    the bound is attained; for small networks also with symbolic parameters.

    Parameters
    ==========

    activation : str
        Any registered activation; polynomial ones (``square``, ``cube``,
        ``identity``) collapse, the others (``tanh``, ``relu``...) do not.
    depth : int
        ``L >= 1``, the number of affine layers (at most 12, and the degree
        bound at most ``MAX_COLLAPSE_DEGREE = 128``).
    width : int
        Hidden width.
    seed : int
        Seed of the generic parameters (integers 1..3).

    Returns
    =======

    CollapseResult

    Examples
    ========

    >>> from symmlp.approx import polynomial_collapse
    >>> r = polynomial_collapse("square", depth=3)
    >>> r.degree, r.bound, r.symbolic_degree
    (4, 4, 4)
    >>> polynomial_collapse("tanh", depth=2).is_polynomial
    False
    """
    sigma = get_activation(activation)
    depth = check_positive_int(depth, "depth")
    width = check_positive_int(width, "width")
    bound = sigma.polynomial_degree ** (depth - 1) if sigma.is_polynomial else None
    if (bound or 0) > MAX_COLLAPSE_DEGREE or depth > 12:
        raise ValueError(f"depth={depth} is too deep to expand (degree bound {bound}); allowed: depth "
                         f"<= 12 and degree bound k^(L-1) <= {MAX_COLLAPSE_DEGREE}")
    widths = (1, *([width] * (depth - 1)), 1)
    model = MLP(widths, activation=sigma.name)
    rng = np.random.default_rng(seed)
    theta = [int(v) for v in rng.integers(1, 4, size=model.num_params)]
    out = model.subs(theta)[0]
    x = model.inputs[0]
    try:
        poly = sp.Poly(out, x)
    except sp.PolynomialError:
        poly = None
    if poly is None or not out.is_polynomial(x):
        return CollapseResult(sigma.name, depth, widths, False, None, None, None, out, tuple(theta))
    symbolic = sp.Poly(model.output[0], x).degree() if model.num_params <= 16 else None
    return CollapseResult(sigma.name, depth, widths, True, poly.degree(), bound, symbolic,
                          poly.as_expr(), tuple(theta))


# --------------------------------------------------------------------------- separable blind spot


def _design(model, X: np.ndarray) -> np.ndarray:
    return np.column_stack([np.prod(X ** np.array(k), axis=1) for k in model.exponents])


def _cross_monomials(model) -> tuple[sp.Expr, ...]:
    return tuple(m for m in model.monomials if len(m.free_symbols) >= 2)


@dataclass(frozen=True)
class BlindSpotResult:
    """Least-squares fits of ``x1*x2`` on ``[-1, 1]^2``: separable vs full polynomial.

    Residuals are root-mean-square over the sample.
    """

    n_samples: int
    degree: int
    separable_residual: float
    full_residual: float
    separable_cross_monomials: tuple[sp.Expr, ...]
    full_cross_monomials: tuple[sp.Expr, ...]

    def __str__(self) -> str:
        sep = ", ".join(map(str, self.separable_cross_monomials)) or "none"
        full = ", ".join(map(str, self.full_cross_monomials))
        return "\n".join([
            f"least-squares fit of x_1*x_2 on [-1, 1]^2 ({self.n_samples} samples):",
            f"  separable polynomial (n=2, d={self.degree}): RMS residual {self.separable_residual:.4f}"
            "  (about 1/3 = RMS of x_1*x_2 itself: nothing of it is captured)",
            f"  full polynomial (n=2, d=2):          RMS residual {self.full_residual:.1e}",
            f"why: monomials with both x_1 and x_2 -- separable: {sep}; full: {full}.",
            "  The separable model's span has no cross monomial, and x_1*x_2 is orthogonal to every",
            "  function of x_1 alone or x_2 alone, so no choice of coefficients can reach it.",
        ])


def separable_blind_spot(n_samples: int = 2000, seed: int = 0, degree: int = 4) -> BlindSpotResult:
    """Fit ``x1*x2`` by least squares with the separable and the full polynomial.

    Samples are uniform on ``[-1, 1]^2``; coefficients come from
    ``numpy.linalg.lstsq`` on each model's monomial design matrix, the fitted
    values from the compiled models.  The separable polynomial's residual stays
    near ``1/3`` (the RMS of ``x1*x2``), the full polynomial's is zero.

    Parameters
    ==========

    n_samples : int
    seed : int
    degree : int
        Degree of the separable polynomial (no degree helps).

    Returns
    =======

    BlindSpotResult

    Examples
    ========

    >>> from symmlp.approx import separable_blind_spot
    >>> r = separable_blind_spot(500)
    >>> r.separable_residual > 0.3, r.full_residual < 1e-12
    (True, True)
    >>> r.separable_cross_monomials, r.full_cross_monomials
    ((), (x_1*x_2,))
    """
    n_samples = check_positive_int(n_samples, "n_samples", minimum=10)
    degree = check_positive_int(degree, "degree")
    X = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(n_samples, 2))
    y = X[:, 0] * X[:, 1]
    residuals = []
    models = (SeparablePolynomial(2, degree), Polynomial(2, 2))
    for model in models:
        coef = np.linalg.lstsq(_design(model, X), y, rcond=None)[0]
        fitted = compile_model(model).forward(coef, X)[:, 0]
        residuals.append(float(np.sqrt(np.mean((fitted - y) ** 2))))
    return BlindSpotResult(n_samples, degree, residuals[0], residuals[1],
                           _cross_monomials(models[0]), _cross_monomials(models[1]))


# --------------------------------------------------------------------------- parameters for epsilon


def _bump(x: np.ndarray) -> np.ndarray:
    inside = np.abs(x) < 1
    safe = np.where(inside, x, 0.0)
    return np.where(inside, np.exp(1.0 - 1.0 / (1.0 - safe**2)), 0.0)


def default_targets() -> dict[str, tuple[Target, tuple[Any, Any]]]:
    """The targets of :func:`parameters_for_epsilon`: name -> (f, interval).

    ``sin`` on ``[-pi, pi]``, ``|x|`` on ``[-1, 1]`` (a kink) and the smooth
    compactly supported bump ``exp(1 - 1/(1 - x^2))`` on ``[-1.5, 1.5]``.

    Examples
    ========

    >>> from symmlp.approx import default_targets
    >>> list(default_targets())
    ['sin(x) on [-pi, pi]', '|x| on [-1, 1]', 'bump exp(1-1/(1-x^2)) on [-1.5, 1.5]']
    """
    return {
        "sin(x) on [-pi, pi]": (sp.sin(_X), (-sp.pi, sp.pi)),
        "|x| on [-1, 1]": (sp.Abs(_X), (-1, 1)),
        "bump exp(1-1/(1-x^2)) on [-1.5, 1.5]": (_bump, (sp.Rational(-3, 2), sp.Rational(3, 2))),
    }


@dataclass(frozen=True)
class Found:
    """The smallest size of one family reaching ``epsilon`` (``size`` None: not up to ``cap``)."""

    target: str
    family: str
    epsilon: float
    size: int | None
    cap: int
    error: float

    @property
    def params(self) -> int | None:
        return None if self.size is None else family_params(self.family, self.size)

    def cells(self) -> tuple[str, str]:
        if self.size is None:
            return f">{self.cap}", f">{family_params(self.family, self.cap)}"
        return str(self.size), str(self.params)


def _search(error: Callable[[int], float], epsilon: float, start: int, cap: int
            ) -> tuple[int | None, float]:
    """Smallest size with ``error(size) <= epsilon``: doubling the number of
    intervals (``size - start + 1``), then bisection; assumes the error falls with size."""
    lo, hi = None, start
    while error(hi) > epsilon:
        if hi >= cap:
            return None, error(cap)
        lo, hi = hi, min(cap, start - 1 + 2 * (hi - start + 1))
    while lo is not None and hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if error(mid) <= epsilon else (mid, hi)
    return hi, error(hi)


@dataclass(frozen=True)
class EpsilonResult:
    """Sizes reaching each epsilon (``found``) as a table, and counts by inputs."""

    found: tuple[Found, ...]
    table: CountTable
    inputs_table: CountTable

    def __str__(self) -> str:
        note = ("'>N': not reached up to the cap N (Bernstein converges like 1/n, and only like "
                "1/sqrt(n) at a kink).\nSizes: Bernstein degree n (n+1 coefficients); sigmoid "
                f"steps H and ReLU knots K (MLP [1, H, 1], 3H+1 parameters; sharpness "
                f"{STAIRCASE_SLOPE}/step width).")
        return f"{self.table}\n{note}\n\n{self.inputs_table}"

    def __repr__(self) -> str:
        return str(self)


DEFAULT_CAPS = {"bernstein": 2048, "staircase": 1024, "relu": 4097}


def parameters_for_epsilon(targets: Mapping[str, tuple[Target, Sequence[Any]]] | None = None,
                           epsilons: Sequence[float] = (1e-1, 1e-2, 1e-3),
                           caps: Mapping[str, int] | None = None, grid: int = 2001) -> EpsilonResult:
    """Smallest Bernstein degree, staircase size and ReLU knot count reaching each epsilon.

    Sup errors are measured on a grid (at least 8 points per step or knot) by
    :func:`approximation_error`; each search doubles the size, then bisects,
    and gives up at the family's cap, which is reported as ``'>cap'``.

    Parameters
    ==========

    targets : mapping, optional
        name -> (f, interval); :func:`default_targets` by default.
    epsilons : sequence of float
    caps : mapping, optional
        family -> largest size tried (default ``DEFAULT_CAPS``).
    grid : int

    Returns
    =======

    EpsilonResult
        ``table`` (one row per target and epsilon), ``inputs_table``
        (full polynomial vs MLP counts for ``n`` inputs) and the raw ``found``.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.approx import parameters_for_epsilon
    >>> x = sp.Symbol("x")
    >>> r = parameters_for_epsilon({"x^2": (x**2, (0, 1))}, epsilons=[0.011])
    >>> [(f.size, f.params) for f in r.found if f.family != "staircase"]  # 1/(4n), h^2/4 <= eps
    [(23, 24), (6, 19)]
    """
    targets = default_targets() if targets is None else dict(targets)
    caps = {**DEFAULT_CAPS, **(caps or {})}
    for e in epsilons:
        if isinstance(e, bool) or not isinstance(e, numbers.Real) or not e > 0:
            raise ValueError(f"epsilons must be positive numbers, got {e!r}")
    found = []
    for name, (f, interval) in targets.items():
        for family in FAMILIES:
            cache: dict[int, float] = {}

            def error(size: int, family=family, f=f, interval=interval, cache=cache) -> float:
                if size not in cache:
                    cache[size] = approximation_error(f, family, size, interval, grid)
                return cache[size]

            start = 2 if family == "relu" else 1
            cap = check_positive_int(caps[family], f"caps[{family!r}]", minimum=start)
            for eps in epsilons:
                size, err = _search(error, float(eps), start, cap)
                found.append(Found(name, family, float(eps), size, cap, err))
    rows = []
    for name in targets:
        for eps in epsilons:
            cells = [f.cells() for f in found if f.target == name and f.epsilon == float(eps)]
            rows.append((name, f"{float(eps):g}", *(c for pair in cells for c in pair)))
    table = CountTable(
        "smallest size reaching sup error <= eps (parameters in the next column)",
        ("target", "eps", "Bernstein n", "params", "sigmoid H", "params", "ReLU K", "params"),
        tuple(rows),
    )
    inputs = count_table(ns=(1, 2, 4, 8, 16, 32, 64), degrees=(2, 3, 4, 6), hidden=64)
    return EpsilonResult(tuple(found), table, inputs)


# --------------------------------------------------------------------------- criteria table


CRITERIA = ("differentiable in theta", "universal approximator", "keeps cross terms",
            "parameters polynomial in n")


@dataclass(frozen=True)
class Cell:
    value: str
    reason: str


@dataclass(frozen=True)
class CriteriaTable:
    """The post's four criteria for each candidate ``f_theta``, with reasons."""

    rows: tuple[tuple[str, tuple[Cell, ...]], ...]

    def cell(self, row: str, criterion: str) -> Cell:
        """The cell of model ``row`` under ``criterion`` (names as printed)."""
        names = dict(self.rows)
        if row not in names or criterion not in CRITERIA:
            raise ValueError(f"unknown row {row!r} or criterion {criterion!r}; rows: "
                             f"{', '.join(names)}; criteria: {', '.join(CRITERIA)}")
        return names[row][CRITERIA.index(criterion)]

    def __str__(self) -> str:
        table = CountTable("the post's criteria, computed", ("model", *CRITERIA),
                           tuple((name, *(c.value for c in cells)) for name, cells in self.rows))
        lines = [str(table), "", "reasons:"]
        for name, cells in self.rows:
            lines.append(f"  {name}")
            lines += [f"    {crit}: {c.value} -- {c.reason}" for crit, c in zip(CRITERIA, cells)]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)


def _differentiable(model) -> Cell:
    out = model.output[0]
    derivs = [sp.diff(out, p) for p in model.params]
    if any(d.has(sp.Heaviside, sp.DiracDelta) for d in derivs):
        return Cell("a.e.", "sympy.diff gives Heaviside(z): the ReLU kink, not differentiable on "
                            "the measure-zero set z = 0, differentiable everywhere else")
    if any(d.has(sp.Derivative, sp.Subs) for d in derivs):
        return Cell("no", "sympy.diff leaves an unevaluated derivative")
    kind = "monomials" if isinstance(model, Polynomial | SeparablePolynomial) else "smooth expressions"
    return Cell("yes", f"sympy.diff gives {kind} for all {model.num_params} parameters")


def _interaction(model, seed: int = 1) -> sp.Expr:
    """``f(x1, x2) - f(x1, 0) - f(0, x2) + f(0, 0)``: zero for every theta iff no cross terms."""
    out = model.output[0]
    x1, x2 = model.inputs
    if isinstance(model, Polynomial | SeparablePolynomial):
        at = lambda u, v: out.subs({x1: u, x2: v}, simultaneous=True)  # noqa: E731
        return sp.expand(at(x1, x2) - at(x1, 0) - at(0, x2) + at(0, 0))
    rng = np.random.default_rng(seed)
    theta = [sp.Rational(int(v), 4) for v in rng.integers(-8, 9, size=model.num_params)]
    f0 = model.subs(theta, x=(0, 0))[0]
    for u, v in [(1, 1), (1, -1), (-1, 1), (-1, -1), (sp.Rational(2, 3), sp.Rational(-1, 2))]:
        vals = [model.subs(theta, x=p)[0] for p in [(u, v), (u, 0), (0, v)]]
        inter = sp.N(vals[0] - vals[1] - vals[2] + f0, 15)
        if abs(inter) > 1e-12:
            return inter
    return sp.Integer(0)


def _cross_terms(model) -> Cell:
    inter = _interaction(model)
    if isinstance(model, Polynomial | SeparablePolynomial):
        cross = _cross_monomials(model)
        if inter == 0:
            return Cell("no", "no monomial holds both x_1 and x_2, f(x1,x2)-f(x1,0)-f(0,x2)+f(0,0) = 0")
        return Cell("yes", f"monomial {cross[0]} in the output; interaction term {inter}")
    if inter != 0:
        return Cell("yes", f"f(x1,x2)-f(x1,0)-f(0,x2)+f(0,0) = {float(inter):.3g} != 0 at a random "
                           "theta: units mix x_1 and x_2 inside sigma")
    return Cell("no", "interaction term vanished at a random theta")


def _universal(model) -> Cell:
    if isinstance(model, SeparablePolynomial):
        return Cell("no", "for every degree the span has no x_1*x_2 (no cross monomial), so "
                          "x_1*x_2 stays at RMS distance 1/3 on [-1, 1]^2")
    if isinstance(model, Polynomial):
        return Cell("yes (d -> inf)", "every monomial up to degree d: dense by Stone-Weierstrass "
                                      "as d grows")
    sigma = model.sigma(1)
    if sigma.is_polynomial:
        r = polynomial_collapse(sigma.name, depth=model.n_layers)
        return Cell("no", f"polynomial sigma collapses: output is a polynomial of degree <= "
                          f"{r.bound} whatever the width (degree {r.degree} attained)")
    return Cell("yes", f"sigma = {sigma.name} is not a polynomial (Leshno, Lin, Pinkus, "
                       "Schocken 1993): dense as the width grows")


def _count_in_n(model, n: sp.Symbol) -> Cell:
    if isinstance(model, SeparablePolynomial):
        c = separable_count(n, model.degree)
        return Cell("yes", f"n*d + 1 = {c}: degree {sp.Poly(c, n).degree()} in n")
    if isinstance(model, Polynomial):
        general = polynomial_count(n, sp.Symbol("d", positive=True, integer=True))
        by_d = {d: sp.Poly(sp.expand_func(polynomial_count(n, d)), n).degree() for d in (2, 3, 6)}
        return Cell("no: O(n^d)", f"{general}: for fixed d a polynomial of degree d in n "
                                  f"(degrees {by_d}), its degree grows with d: the explosion")
    h = sp.Symbol("h", positive=True, integer=True)
    c = mlp_count([n, h, 1])
    return Cell("yes", f"[n, h, 1] has {c}: degree {sp.Poly(c, n).degree()} in n")


def criteria_table() -> CriteriaTable:
    """The post's criteria for the separable and full polynomial and three MLPs.

    Each cell is computed on a two-input instance: differentiability from
    ``sympy.diff`` of the output with respect to every parameter; cross terms
    from the interaction ``f(x1,x2) - f(x1,0) - f(0,x2) + f(0,0)`` (expanded
    symbolically for polynomials, at random exact parameters for MLPs);
    universality from the model's monomials, :func:`polynomial_collapse` and
    whether sigma is a polynomial; the count as a SymPy expression in ``n``.

    Returns
    =======

    CriteriaTable

    Examples
    ========

    >>> from symmlp.approx import criteria_table
    >>> t = criteria_table()
    >>> t.cell("MLP relu", "differentiable in theta").value
    'a.e.'
    >>> [t.cell(r, "keeps cross terms").value for r, _ in t.rows]
    ['no', 'yes', 'yes', 'yes', 'yes']
    """
    n = sp.Symbol("n", positive=True, integer=True)
    models = {
        "separable polynomial": SeparablePolynomial(2, 2),
        "full polynomial": Polynomial(2, 2),
        "MLP square sigma": MLP([2, 2, 1], activation="square"),
        "MLP relu": MLP([2, 2, 1], activation="relu"),
        "MLP sigmoid": MLP([2, 2, 1], activation="sigmoid"),
    }
    rows = tuple(
        (name, (_differentiable(m), _universal(m), _cross_terms(m), _count_in_n(m, n)))
        for name, m in models.items()
    )
    return CriteriaTable(rows)


# --------------------------------------------------------------------------- everything at once


def error_curves(f: Target, interval: Sequence[Any], sizes: Mapping[str, Sequence[int]] | None = None
                 ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """family -> (parameter counts, sup errors) over a range of sizes.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.approx import error_curves
    >>> params, errors = error_curves(sp.Symbol("x")**2, (0, 1), {"bernstein": [1, 2]})["bernstein"]
    >>> params.tolist(), errors.round(12).tolist()
    ([2, 3], [0.25, 0.125])
    """
    if sizes is None:
        sizes = {"bernstein": [2 ** k for k in range(1, 12)], "staircase": [2 ** k for k in range(1, 11)],
                 "relu": [2 ** k + 1 for k in range(0, 11)]}
    return {
        family: (np.array([family_params(family, s) for s in ss]),
                 np.array([approximation_error(f, family, s, interval) for s in ss]))
        for family, ss in sizes.items()
    }


def run_all(out_dir: Any) -> dict[str, Any]:
    """Compute the headline results and write every plot into ``out_dir``.

    Returns
    =======

    dict
        ``"bernstein"``: {n: sup error of B_n sin on [-pi, pi]} for n in 2, 4, 8, 16;
        ``"staircase"``, ``"relu"``: the :class:`Approximation` of sin drawn in the
        plots (16 steps of sharpness 15/step width, 9 knots); ``"collapse"``: :class:`CollapseResult` for
        square and tanh (keys ``"square"``, ``"tanh"``); ``"blind_spot"``:
        :class:`BlindSpotResult`; ``"epsilon"``: :class:`EpsilonResult`;
        ``"criteria"``: :class:`CriteriaTable`; ``"plots"``: {name: path of the PNG}
        for ``staircase``, ``relu``, ``bernstein``, ``error_vs_params``, ``explosion``.
    """
    from pathlib import Path

    from . import plots

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    f, interval = sp.sin(_X), (-sp.pi, sp.pi)
    degrees = (2, 4, 8, 16)
    polys = {n: bernstein(f, n, interval) for n in degrees}
    stairs = [sigmoid_staircase(f, s, 15 * s / (2 * math.pi), interval) for s in (4, 8, 16)]
    relu = relu_interpolant(f, 9, interval)
    paths = {
        "staircase": plots.plot_staircase(f, stairs, out / "staircase.png"),
        "relu": plots.plot_relu_peaks(f, relu, out / "relu_peaks.png"),
        "bernstein": plots.plot_bernstein(f, interval, polys, out / "bernstein.png"),
        "error_vs_params": plots.plot_error_vs_params(error_curves(f, interval), out / "error_vs_params.png",
                                                      title="sin(x) on [-pi, pi]"),
        "explosion": plots.plot_parameter_explosion(out / "parameter_explosion.png"),
    }
    return {
        "bernstein": {n: sup_error(f, p, interval) for n, p in polys.items()},
        "staircase": stairs[-1],
        "relu": relu,
        "collapse": {"square": polynomial_collapse("square", 3), "tanh": polynomial_collapse("tanh", 2)},
        "blind_spot": separable_blind_spot(),
        "epsilon": parameters_for_epsilon(),
        "criteria": criteria_table(),
        "plots": {k: str(v) for k, v in paths.items()},
    }
