"""What the approximation explorer takes in: a 1-d target, an interval, a grid, and the bounds on work.

Every construction of :mod:`symmlp.explore.approx` reads its target through
:func:`target_callable`, its interval through :func:`exact_interval` or
:func:`float_interval`, and refuses sizes (grid points, hidden units, array
elements) that would cost too much before allocating anything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy as sp

from ...core.validate import check_int, exact_number

__all__ = [
    "Target",
    "X1",
    "MAX_GRID",
    "MAX_UNITS",
    "MAX_ELEMENTS",
    "target_callable",
    "one_value_per_point",
    "exact_interval",
    "float_interval",
    "interval_grid",
    "bounded_int",
    "grid_points",
    "hidden_units",
    "check_work",
]

MAX_GRID = 10**7
"""Points of a sup-error grid (80 MB per array)."""
MAX_UNITS = 10**6
"""Hidden units of a closed-form network (3 units + 1 parameters)."""
MAX_ELEMENTS = 2 * 10**7
"""Array elements one evaluation may hold at once (160 MB of float64)."""
X1 = sp.Symbol("x_1")

Target = sp.Expr | Callable[[np.ndarray], Any]


def target_callable(f: Any) -> tuple[Callable[[np.ndarray], np.ndarray], sp.Expr | None, sp.Symbol]:
    """``f`` as (NumPy callable on 1-d arrays, SymPy expression or None, its symbol).

    Examples
    ========

    >>> import numpy as np, sympy as sp
    >>> from symmlp.explore.approx.inputs import target_callable
    >>> numeric, expr, x = target_callable(sp.Symbol("x")**2)
    >>> numeric(np.array([1.0, 2.0])), expr, x
    (array([1., 4.]), x**2, x)
    >>> target_callable(np.sin)[1:]
    (None, x_1)
    """
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
            return one_value_per_point(np.asarray(f(t), dtype=np.float64), t).copy()

        return called, None, X1
    raise TypeError(f"f must be a SymPy expression of one variable or a callable on NumPy arrays, "
                    f"got {f!r}")


def one_value_per_point(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """A callable's values ``y`` at the 1-d array ``t`` as one value per point (a read-only view).

    ``y`` may hold one value (a constant) or ``t.size`` of them in any shape;
    anything else means the callable does not work elementwise, a ValueError.

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp.explore.approx.inputs import one_value_per_point
    >>> t = np.linspace(0, 1, 3)
    >>> one_value_per_point(np.array(2.0), t), one_value_per_point(np.ones((3, 1)), t).shape
    (array([2., 2., 2.]), (3,))
    >>> one_value_per_point(np.ones(2), t)
    Traceback (most recent call last):
    ...
    ValueError: f returned 2 values for 3 inputs; it must work elementwise on a 1-d NumPy array
    """
    if y.size not in (1, t.size):
        raise ValueError(f"f returned {y.size} values for {t.size} inputs; it must work "
                         "elementwise on a 1-d NumPy array")
    return np.broadcast_to(y.reshape(-1) if y.size > 1 else y.reshape(()), t.shape)


def exact_interval(interval: Any) -> tuple[sp.Expr, sp.Expr]:
    """``(a, b)`` with ``a < b`` as exact SymPy numbers (floats become Float).

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.explore.approx.inputs import exact_interval
    >>> exact_interval((0, sp.pi))
    (0, pi)
    >>> exact_interval((1, 1))
    Traceback (most recent call last):
    ...
    ValueError: interval must be a pair (a, b) with a < b, got (1, 1)
    """
    if isinstance(interval, str | bytes) or not isinstance(interval, Sequence) or len(interval) != 2:
        raise TypeError(f"interval must be a pair (a, b) with a < b, got {interval!r}")
    a, b = (exact_number(v, f"interval[{i}]") for i, v in enumerate(interval))
    if not bool(a < b):
        raise ValueError(f"interval must be a pair (a, b) with a < b, got ({a}, {b})")
    return a, b


def float_interval(interval: Any) -> tuple[float, float]:
    """:func:`exact_interval` as floats.

    Examples
    ========

    >>> from symmlp.explore.approx.inputs import float_interval
    >>> float_interval((-1, 2))
    (-1.0, 2.0)
    """
    a, b = exact_interval(interval)
    return float(a), float(b)


def interval_grid(interval: Any, grid: Any) -> np.ndarray:
    """``grid`` equally spaced points of ``interval``, both ends included (at most ``MAX_GRID``).

    Examples
    ========

    >>> from symmlp.explore.approx.inputs import interval_grid
    >>> interval_grid((0, 1), 5)
    array([0.  , 0.25, 0.5 , 0.75, 1.  ])
    """
    a, b = float_interval(interval)
    return np.linspace(a, b, grid_points(grid))


def bounded_int(value: Any, what: str, low: int, high: int, cost: Callable[[int], str]) -> int:
    """``value`` as an int in ``low..high``; above ``high`` the error says what it would cost.

    Examples
    ========

    >>> from symmlp.explore.approx.inputs import bounded_int
    >>> bounded_int(3, "n", 1, 10, lambda n: f"{n} terms")
    3
    >>> bounded_int(30, "n", 1, 10, lambda n: f"{n} terms")
    Traceback (most recent call last):
    ...
    ValueError: n = 30: 30 terms; at most 10 is allowed
    """
    value = check_int(value, what, low)
    if value > high:
        raise ValueError(f"{what} = {value}: {cost(value)}; at most {high} is allowed")
    return value


def grid_points(grid: Any) -> int:
    """The number of points of a sup-error grid, ``2..MAX_GRID``.

    Examples
    ========

    >>> from symmlp.explore.approx.inputs import grid_points
    >>> grid_points(2001)
    2001
    """
    return bounded_int(grid, "grid", 2, MAX_GRID,
                       lambda g: f"a grid of {g:.3g} points takes {8 * g:.2g} bytes per array")


def hidden_units(value: Any, what: str, low: int) -> int:
    """The hidden units of a closed-form ``[1, H, 1]`` network, ``low..MAX_UNITS``; ``what`` names the argument.

    Examples
    ========

    >>> from symmlp.explore.approx.inputs import hidden_units
    >>> hidden_units(10, "knots", 2)
    10
    """
    return bounded_int(value, what, low, MAX_UNITS,
                       lambda h: f"a [1, {h}, 1] network has {3 * h + 1:.3g} parameters")


def check_work(elements: int, what: str, advice: str) -> None:
    """Refuse, before allocating, an evaluation that holds more than ``MAX_ELEMENTS`` numbers at once.

    Examples
    ========

    >>> from symmlp.explore.approx.inputs import check_work
    >>> check_work(10**9, "the sup error", "choose a smaller grid")
    Traceback (most recent call last):
    ...
    ValueError: the sup error needs about 1e+09 numbers in memory at once (more than 2e+07); choose a smaller grid
    """
    if elements > MAX_ELEMENTS:
        raise ValueError(f"{what} needs about {elements:.2g} numbers in memory at once (more than "
                         f"{MAX_ELEMENTS:.0e}); {advice}")
