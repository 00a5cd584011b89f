"""How many parameters each family needs for a given sup error, in one variable: Bernstein
polynomials against the closed-form sigmoid and ReLU networks (one of the post's claims,
see :mod:`symmlp.explore.claims`)."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from ..core.display import html_pre, html_report
from ..core.validate import check_positive_int
from ..models.counting import CountTable, count_table
from .approx import FAMILIES, STAIRCASE_SLOPE, X1, Target, approximation_error, family_params

__all__ = ["default_targets", "Found", "EpsilonResult", "DEFAULT_CAPS", "parameters_for_epsilon"]


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

    >>> from symmlp.explore.epsilon import default_targets
    >>> list(default_targets())
    ['sin(x) on [-pi, pi]', '|x| on [-1, 1]', 'bump exp(1-1/(1-x^2)) on [-1.5, 1.5]']
    """
    return {
        "sin(x) on [-pi, pi]": (sp.sin(X1), (-sp.pi, sp.pi)),
        "|x| on [-1, 1]": (sp.Abs(X1), (-1, 1)),
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

    def note(self) -> str:
        """What the table's cells mean."""
        return ("'>N': not reached up to the cap N (Bernstein converges like 1/n, and only like "
                "1/sqrt(n) at a kink).\nSizes: Bernstein degree n (n+1 coefficients); sigmoid "
                f"steps H and ReLU knots K (MLP [1, H, 1], 3H+1 parameters; sharpness "
                f"{STAIRCASE_SLOPE}/step width).")

    def __str__(self) -> str:
        return f"{self.table}\n{self.note()}\n\n{self.inputs_table}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return html_report("parameters needed for a given sup error", self.table._repr_html_(),
                           html_pre(self.note()), self.inputs_table._repr_html_())


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
    >>> from symmlp.explore.epsilon import parameters_for_epsilon
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

