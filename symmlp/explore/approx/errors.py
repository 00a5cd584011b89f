"""How well each family approximates a 1-d target, against its parameter count.

:func:`sup_error` measures any approximation on a grid;
:func:`approximation_error` measures one family at one size by a fast NumPy
route, :func:`family_params` counts its parameters and :func:`error_curves`
puts the two together over a range of sizes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ...models.counting import mlp_count, polynomial_count
from .bernstein import bernstein_values, bernstein_window
from .inputs import Target, check_work, float_interval, grid_points, hidden_units, interval_grid, target_callable
from .networks import STAIRCASE_NEAR, Approximation, staircase_parts, staircase_values

__all__ = ["FAMILIES", "STAIRCASE_SLOPE", "sup_error", "approximation_error", "family_params", "error_curves"]

STAIRCASE_SLOPE = 4
"""Sharpness used by the parameter search, in units of 1/step width: each sigmoid
rises over about one step.  Sharper steps do not help there (the error tends to
the bare staircase's ``max |jump| / 2``); flatter ones blur the ends."""

FAMILIES = ("bernstein", "staircase", "relu")


def _values(f: Any, x: np.ndarray) -> np.ndarray:
    if isinstance(f, Approximation):
        return f.predict(x[:, None])[:, 0]
    return target_callable(f)[0](x)


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
    x = interval_grid(interval, grid)
    return float(np.max(np.abs(_values(f, x) - _values(approx, x))))


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
    size = hidden_units(size, "size", 2 if family == "relu" else 1)
    grid = grid_points(grid)
    points = grid if family == "bernstein" else max(grid, 8 * size + 1)
    per_point = {"bernstein": bernstein_window(size), "staircase": 2 * STAIRCASE_NEAR, "relu": 1}
    check_work(points * per_point[family], f"the sup error of {family} at size {size} on {points} points",
               "choose a smaller size or grid")
    x = interval_grid(interval, points)
    fx = numeric(x)
    if family == "bernstein":
        values = numeric(np.linspace(a, b, size + 1))
        approx = bernstein_values(values, (x - a) / (b - a))
    elif family == "staircase":
        approx = staircase_values(staircase_parts(f, size, STAIRCASE_SLOPE * size / (b - a), interval), x)
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
