"""Small generated datasets (nothing is downloaded).

Every function returns ``(X, Y)`` as float64 arrays, ``X`` of shape
``(N, n_features)`` and ``Y`` of shape ``(N, n_outputs)``.  Random draws use
``numpy.random.default_rng(seed)``, so the same arguments give the same arrays.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

import numpy as np

__all__ = ["circles", "cross_term", "sample_1d", "two_moons", "xor"]


def _check_n(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    return int(n)


def _check_noise(noise: float) -> float:
    if not (isinstance(noise, numbers.Real) and math.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    return float(noise)


def _check_interval(interval: tuple[float, float]) -> tuple[float, float]:
    try:
        a, b = (float(v) for v in interval)
    except (TypeError, ValueError):
        raise ValueError(f"interval must be a pair (a, b) of numbers, got {interval!r}") from None
    if not (math.isfinite(a) and math.isfinite(b) and a < b):
        raise ValueError(f"interval must be (a, b) with finite a < b, got {interval!r}")
    return a, b


def _column(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).reshape(-1, 1)


def sample_1d(
    f: Callable[[np.ndarray], np.ndarray],
    n: int = 200,
    interval: tuple[float, float] = (-1.0, 1.0),
    *,
    noise: float = 0.0,
    seed: int = 0,
    grid: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Sample a function of one variable on an interval.

    Parameters
    ==========

    f : callable
        Vectorized function.  It is called on the points as a vector of shape
        ``(N,)``; if that raises ``IndexError`` (a function written for
        columns, such as ``lambda X: X[:, 0]**2``) it is called on shape
        ``(N, 1)``.  The result may have shape ``(N,)`` or ``(N, 1)``, or be a
        scalar.
    n : int, optional
        Number of points, at least 1.
    interval : (float, float), optional
        Finite bounds ``a < b``.
    noise : float, optional
        Standard deviation of Gaussian noise added to ``Y``.
    seed : int, optional
        Seed of the random generator.
    grid : bool, optional
        If True the points are equally spaced and include both ends;
        otherwise they are drawn uniformly at random and sorted.

    Returns
    =======

    (X, Y) : tuple of numpy.ndarray
        Points of shape ``(n, 1)`` and values of shape ``(n, 1)``.

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp.explore.datasets import sample_1d
    >>> X, Y = sample_1d(np.sin, n=5, interval=(0.0, 2.0))
    >>> X.ravel()
    array([0. , 0.5, 1. , 1.5, 2. ])
    >>> X.shape, Y.shape, Y.dtype
    ((5, 1), (5, 1), dtype('float64'))
    >>> sample_1d(np.sin, n=50, noise=0.1, grid=False)[1].shape
    (50, 1)
    """
    n = _check_n(n)
    a, b = _check_interval(interval)
    noise = _check_noise(noise)
    rng = np.random.default_rng(seed)
    x = np.linspace(a, b, n) if grid else np.sort(rng.uniform(a, b, n))
    try:
        y = np.asarray(f(x), dtype=np.float64)
    except IndexError:
        y = np.asarray(f(x[:, None]), dtype=np.float64)
    if y.size == 1:
        y = np.full(n, y.item())
    if y.size != n:
        raise ValueError(f"f returned shape {y.shape}; expected ({n},) or ({n}, 1)")
    Y = _column(y)
    if noise:
        Y = Y + noise * rng.standard_normal((n, 1))
    return _column(x), Y


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The four points of XOR.

    Returns
    =======

    (X, Y) : tuple of numpy.ndarray
        ``X`` of shape ``(4, 2)`` with entries 0/1, ``Y`` of shape ``(4, 1)``
        with ``Y = X[:, 0] XOR X[:, 1]``.

    Examples
    ========

    >>> from symmlp.explore.datasets import xor
    >>> X, Y = xor()
    >>> X
    array([[0., 0.],
           [0., 1.],
           [1., 0.],
           [1., 1.]])
    >>> Y.ravel()
    array([0., 1., 1., 0.])
    """
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    return X, _column([0, 1, 1, 0])


def _two_arcs(n: int, noise: float, seed: int, span: float,
              arc0: Callable[[np.ndarray], np.ndarray], arc1: Callable[[np.ndarray], np.ndarray]):
    """Two classes on two arcs: ``n - n//2`` points ``arc0(t)`` (class 0) and ``n//2`` points ``arc1(t)``
    (class 1) at angles ``t`` uniform in ``[0, span)``, Gaussian noise added, the rows shuffled."""
    rng = np.random.default_rng(seed)
    points0 = arc0(rng.uniform(0.0, span, n - n // 2))
    points1 = arc1(rng.uniform(0.0, span, n // 2))
    X = np.vstack([points0, points1])
    Y = _column(np.r_[np.zeros(len(points0)), np.ones(len(points1))])
    if noise:
        X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(len(X))
    return X[order], Y[order]


def two_moons(n: int = 200, *, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, a binary classification problem.

    Class 0 lies on the upper half of the unit circle centred at ``(0, 0)``;
    class 1 on the lower half of the unit circle centred at ``(1, 0.5)``.
    The angles are uniform at random, Gaussian noise is added to the points
    and the rows are shuffled.

    Parameters
    ==========

    n : int, optional
        Number of points, at least 1; class 0 gets ``n - n//2`` of them.
    noise : float, optional
        Standard deviation of the noise added to each coordinate, >= 0.
    seed : int, optional
        Seed of the random generator.

    Returns
    =======

    (X, Y) : tuple of numpy.ndarray
        Points of shape ``(n, 2)`` and labels 0/1 of shape ``(n, 1)``.

    Examples
    ========

    >>> from symmlp.explore.datasets import two_moons
    >>> X, Y = two_moons(100)
    >>> X.shape, Y.shape, int(Y.sum())
    ((100, 2), (100, 1), 50)
    """
    n = _check_n(n)
    noise = _check_noise(noise)
    return _two_arcs(n, noise, seed, np.pi, lambda t: np.c_[np.cos(t), np.sin(t)],
                     lambda t: np.c_[1.0 - np.cos(t), 0.5 - np.sin(t)])


def circles(
    n: int = 200, *, noise: float = 0.05, factor: float = 0.5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric circles, a binary classification problem.

    Class 0 lies on the unit circle, class 1 on the circle of radius
    ``factor``, both centred at the origin.  The angles are uniform at
    random, Gaussian noise is added to the points and the rows are shuffled.

    Parameters
    ==========

    n : int, optional
        Number of points, at least 1; class 0 gets ``n - n//2`` of them.
    noise : float, optional
        Standard deviation of the noise added to each coordinate, >= 0.
    factor : float, optional
        Radius of the inner circle, strictly between 0 and 1.
    seed : int, optional
        Seed of the random generator.

    Returns
    =======

    (X, Y) : tuple of numpy.ndarray
        Points of shape ``(n, 2)`` and labels 0/1 of shape ``(n, 1)``.

    Examples
    ========

    >>> from symmlp.explore.datasets import circles
    >>> X, Y = circles(101, factor=0.3)
    >>> X.shape, Y.shape, int(Y.sum())
    ((101, 2), (101, 1), 50)
    """
    n = _check_n(n)
    noise = _check_noise(noise)
    if not (isinstance(factor, numbers.Real) and 0 < factor < 1):
        raise ValueError(f"factor must be a number strictly between 0 and 1, got {factor!r}")
    return _two_arcs(n, noise, seed, 2 * np.pi, lambda t: np.c_[np.cos(t), np.sin(t)],
                     lambda t: float(factor) * np.c_[np.cos(t), np.sin(t)])


def cross_term(n: int = 400, *, seed: int = 0, grid: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Samples of ``x1*x2`` on the square ``[-1, 1]**2``.

    Parameters
    ==========

    n : int, optional
        Number of points, at least 1.  With ``grid=True`` it must be a perfect
        square ``m**2``.
    seed : int, optional
        Seed of the random generator (unused when ``grid=True``).
    grid : bool, optional
        If True the points form an ``m x m`` grid including the corners;
        otherwise they are uniform at random.

    Returns
    =======

    (X, Y) : tuple of numpy.ndarray
        Points of shape ``(n, 2)`` and values ``X[:, 0]*X[:, 1]`` of shape
        ``(n, 1)``.

    Examples
    ========

    >>> from symmlp.explore.datasets import cross_term
    >>> X, Y = cross_term(9, grid=True)
    >>> X.shape, Y.shape
    ((9, 2), (9, 1))
    >>> X[[0, 2, 8]]
    array([[-1., -1.],
           [-1.,  1.],
           [ 1.,  1.]])
    >>> Y[[0, 2, 8]].ravel()
    array([ 1., -1.,  1.])
    """
    n = _check_n(n)
    if grid:
        m = math.isqrt(n)
        if m * m != n:
            raise ValueError(
                f"with grid=True n must be a perfect square m**2, got n={n} "
                f"(nearest: {m * m} or {(m + 1) ** 2})"
            )
        axis = np.linspace(-1.0, 1.0, m)
        X = np.stack(np.meshgrid(axis, axis, indexing="ij"), axis=-1).reshape(-1, 2)
    else:
        X = np.random.default_rng(seed).uniform(-1.0, 1.0, (n, 2))
    return X, _column(X[:, 0] * X[:, 1])
