"""Stone–Weierstrass made constructive: the Bernstein polynomial, exactly and numerically.

:func:`bernstein` builds the polynomial as an exact SymPy expression (up to
degree :data:`MAX_EXACT_DEGREE`); :func:`bernstein_values` evaluates it in
floats through log-space weights, for the large degrees the error curves use.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy as sp

from .inputs import Target, bounded_int, exact_interval, one_value_per_point, target_callable

__all__ = ["MAX_EXACT_DEGREE", "bernstein", "bernstein_values", "bernstein_window"]

MAX_EXACT_DEGREE = 2000
"""Degree of an exact :func:`bernstein` polynomial (n + 1 terms with binomials of about 0.3 n digits:
seconds at 2000; :func:`~symmlp.explore.approx.approximation_error` measures larger degrees numerically)."""


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
    n = bounded_int(n, "n", 1, MAX_EXACT_DEGREE,
                    lambda n: f"the exact polynomial has {n + 1:.3g} terms with binomials of up to {0.3 * n:.2g} "
                              "digits; measure larger degrees with approximation_error(f, 'bernstein', n)")
    a, b = exact_interval(interval)
    nodes = [a + sp.Rational(k, n) * (b - a) for k in range(n + 1)]
    if expr is not None:
        values = [expr.subs(x, node) for node in nodes]
        bad = [(node, v) for node, v in zip(nodes, values) if not _exact_real_finite(v)]
    else:
        raw = _raw_values(f, np.array([float(v) for v in nodes]))
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
    """A callable's values at ``t``, one per point, before any conversion to float (complex values kept)."""
    with np.errstate(all="ignore"):
        y = np.asarray(f(t))
    if y.size in (1, t.size) and not (np.issubdtype(y.dtype, np.number) or y.dtype == np.bool_):
        y = y.astype(np.complex128)
    return one_value_per_point(y, t)


def bernstein_window(n: int) -> int:
    """How many terms :func:`bernstein_values` sums per point at degree ``n``: ``|k - n t| <= 6 sqrt(n) + 1``.

    Examples
    ========

    >>> from symmlp.explore.approx.bernstein import bernstein_window
    >>> bernstein_window(1), bernstein_window(100)
    (15, 123)
    """
    return 2 * _half_window(n) + 1


def _half_window(n: int) -> int:
    return int(math.ceil(6 * math.sqrt(n))) + 1


def bernstein_values(values: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``sum_k values[k] C(n, k) t^k (1-t)^(n-k)`` through log weights (stable for large n).

    Only ``|k - n t| <= 6 sqrt(n) + 1`` is summed: by Hoeffding the rest weighs
    less than ``2 exp(-72)``.

    Parameters
    ==========

    values : numpy.ndarray
        ``f`` at the ``n + 1`` equally spaced nodes.
    t : numpy.ndarray
        Points of ``[0, 1]`` (the interval mapped onto it).

    Returns
    =======

    numpy.ndarray
        The Bernstein polynomial at each point of ``t``.

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp.explore.approx.bernstein import bernstein_values
    >>> nodes = np.linspace(0, 1, 5)
    >>> bernstein_values(nodes**2, np.array([0.0, 0.5, 1.0]))   # B_4 x^2 = x^2 + x (1 - x)/4
    array([0.    , 0.3125, 1.    ])
    """
    n = len(values) - 1
    log_fact = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, n + 1)))])
    half = _half_window(n)
    k = np.rint(n * t).astype(int)[:, None] + np.arange(-half, half + 1)
    inside = (k >= 0) & (k <= n)
    k = np.clip(k, 0, n)
    log_binom = log_fact[n] - log_fact[k] - log_fact[n - k]
    with np.errstate(divide="ignore", invalid="ignore"):
        lt, l1t = np.log(t)[:, None], np.log1p(-t)[:, None]
        exponent = log_binom + np.where(k == 0, 0.0, k * lt) + np.where(k == n, 0.0, (n - k) * l1t)
    return np.sum(np.where(inside, np.exp(exponent) * values[k], 0.0), axis=1)
