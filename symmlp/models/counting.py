"""Closed-form parameter counts, over ints or SymPy symbols, and comparison tables.

The post's point in numbers: a full polynomial of degree d in n inputs has
C(n+d, d) coefficients (O(n^d) for fixed d), a separable one n*d + 1, and an
MLP [n, h, 1] only n*h + 2*h + 1.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from math import comb, lgamma, log
from typing import Any

import sympy as sp

from ..core.display import html_table

MAX_COUNT_DIGITS = 100_000
"""Exact integer counts are computed up to this many digits (C(2n, n) takes seconds beyond)."""
MAX_EXPANDED_NODES = 2_000_000
""":func:`count_free_symbols` walks the expanded output only up to this size."""

__all__ = [
    "mlp_count",
    "polynomial_count",
    "separable_count",
    "kan_count",
    "count",
    "count_free_symbols",
    "CountTable",
    "count_table",
]


def _is_int(v: Any) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _check_size(v: Any, what: str, minimum: int) -> Any:
    if isinstance(v, sp.Basic):
        if not isinstance(v, sp.Expr):
            raise TypeError(f"{what} must be an int or a SymPy expression, got {v!r}")
        if not v.is_number:
            return v
        if not v.is_integer:
            raise TypeError(f"{what} must be an integer >= {minimum}, got {v!r}")
        v = int(v)
    if not _is_int(v):
        raise TypeError(f"{what} must be an int >= {minimum} or a SymPy symbol, got {v!r}")
    if v < minimum:
        raise ValueError(f"{what} must be an int >= {minimum}, got {v!r}")
    return int(v)


def mlp_count(widths: Sequence[Any]) -> Any:
    """Parameters of an MLP: ``sum over layers of (n_in + 1) * n_out``.

    Parameters
    ==========

    widths : sequence of int or SymPy expressions

    Returns
    =======

    int, or an expanded SymPy expression when a width is symbolic.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.models.counting import mlp_count
    >>> mlp_count([8, 64, 64, 1])
    4801
    >>> n, m = sp.symbols("n m", positive=True, integer=True)
    >>> mlp_count([n, m, 1])
    m*n + 2*m + 1
    """
    if isinstance(widths, str | bytes) or not isinstance(widths, Sequence) or len(widths) < 2:
        raise ValueError(f"widths needs at least two entries, got {widths!r}")
    ws = [_check_size(w, f"widths[{i}]", 1) for i, w in enumerate(widths)]
    total = sum((a + 1) * b for a, b in zip(ws, ws[1:]))
    return total if all(_is_int(w) for w in ws) else sp.expand(total)


def polynomial_count(n: Any, d: Any) -> Any:
    """Coefficients of the full polynomial of degree ``d`` in ``n`` inputs: C(n+d, d).

    Parameters
    ==========

    n : int or SymPy expression
        The number of inputs, >= 1.
    d : int or SymPy expression
        The total degree, >= 0.

    Returns
    =======

    int, or ``sympy.binomial(n + d, d)`` when ``n`` or ``d`` is symbolic.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.models.counting import polynomial_count
    >>> polynomial_count(8, 6)
    3003
    >>> n, d = sp.symbols("n d", positive=True, integer=True)
    >>> polynomial_count(n, d)
    binomial(d + n, d)
    >>> sp.expand(sp.expand_func(polynomial_count(n, 2)))
    n**2/2 + 3*n/2 + 1
    """
    n, d = _check_size(n, "n_inputs", 1), _check_size(d, "degree", 0)
    if _is_int(n) and _is_int(d):
        digits = (lgamma(n + d + 1) - lgamma(n + 1) - lgamma(d + 1)) / log(10)
        if digits > MAX_COUNT_DIGITS:
            raise ValueError(f"C(n+d, d) for n_inputs={n}, degree={d} has about {digits:.3g} digits; exact "
                             f"counts are computed up to {MAX_COUNT_DIGITS} digits (pass SymPy symbols for "
                             "the closed form)")
        return comb(n + d, d)
    return sp.binomial(n + d, d)


def separable_count(n: Any, d: Any) -> Any:
    """Coefficients of the separable polynomial: one constant plus ``d`` per input.

    Parameters
    ==========

    n : int or SymPy expression
        The number of inputs, >= 1.
    d : int or SymPy expression
        The degree in each input, >= 0.

    Returns
    =======

    int, or the SymPy expression ``n*d + 1`` when ``n`` or ``d`` is symbolic.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.models.counting import separable_count
    >>> separable_count(8, 6)
    49
    >>> n, d = sp.symbols("n d", positive=True, integer=True)
    >>> separable_count(n, d)
    d*n + 1
    """
    n, d = _check_size(n, "n_inputs", 1), _check_size(d, "degree", 0)
    return n * d + 1


def kan_count(widths: Sequence[Any], degree: Any) -> Any:
    """Parameters of a Kolmogorov–Arnold network with polynomial edges of degree ``d``:
    ``sum over layers of (n_in * d + 1) * n_out`` (``d`` coefficients per edge, one bias per output).

    Parameters
    ==========

    widths : sequence of int or SymPy expressions
    degree : int or SymPy expression, >= 1

    Returns
    =======

    int, or an expanded SymPy expression when a width or the degree is symbolic.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.models.counting import kan_count
    >>> kan_count([2, 2, 1], 2)
    15
    >>> n, h, d = sp.symbols("n h d", positive=True, integer=True)
    >>> kan_count([n, h, 1], d)
    d*h*n + d*h + h + 1
    """
    if isinstance(widths, str | bytes) or not isinstance(widths, Sequence) or len(widths) < 2:
        raise ValueError(f"widths needs at least two entries, got {widths!r}")
    ws = [_check_size(w, f"widths[{i}]", 1) for i, w in enumerate(widths)]
    d = _check_size(degree, "degree", 1)
    total = sum((a * d + 1) * b for a, b in zip(ws, ws[1:]))
    return total if all(_is_int(w) for w in [*ws, d]) else sp.expand(total)


def count(model) -> int:
    """The closed-form parameter count of a model (MLP, polynomial, KAN, Expression).

    Parameters
    ==========

    model : any symmlp model

    Returns
    =======

    int
        ``model.num_params``, computed from the closed forms
        (:func:`mlp_count`, :func:`polynomial_count`, :func:`separable_count`,
        :func:`kan_count`) without building any expression.

    Examples
    ========

    >>> from symmlp import MLP, Polynomial, SeparablePolynomial, count
    >>> count(MLP([2, 3, 1])), count(Polynomial(2, 3))
    (13, 10)
    >>> count(SeparablePolynomial(2, 3))
    7
    """
    from .chain import check_model

    return check_model(model).num_params


def count_free_symbols(model) -> int:
    """Parameters counted the slow way, from the output expression's free symbols.

    This builds ``model.output``: use it on small models, as a check of
    :func:`count`.

    Parameters
    ==========

    model : MLP, Polynomial or SeparablePolynomial

    Returns
    =======

    int
        The number of free symbols of ``model.output`` that are not inputs.

    Examples
    ========

    >>> from symmlp import MLP, Polynomial, count, count_free_symbols
    >>> count_free_symbols(MLP([2, 3, 1]))
    13
    >>> p = Polynomial(2, 3)
    >>> count_free_symbols(p) == count(p)
    True
    """
    from .chain import check_model

    size = check_model(model).expanded_size()
    if size > MAX_EXPANDED_NODES:
        raise ValueError(f"count_free_symbols builds the expanded output of {model!r:.80}, about {size:.2g} "
                         f"nodes (more than {MAX_EXPANDED_NODES:.0e}; it grows with the product of the "
                         "widths through the depth); use count(model), computed from the closed form")
    free = set().union(*(e.free_symbols for e in model.output))
    return len(free - set(model.inputs))


@dataclass(frozen=True)
class CountTable:
    """A table of parameter counts: rows of ``n`` and counts per column.

    ``str()`` gives aligned text; ``sympy.latex()`` a ``tabular``; Jupyter an
    HTML table (``_repr_html_``) under the title.

    Examples
    ========

    >>> from symmlp.models.counting import CountTable
    >>> t = CountTable("counts", ("n", "full"), ((2, 6),))
    >>> print(t)
    counts
    n  full
    -  ----
    2     6
    >>> "<caption" in t._repr_html_() and "<td" in t._repr_html_()
    True
    """

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def __str__(self) -> str:
        cells = [list(map(str, self.headers))] + [[str(c) for c in r] for r in self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.headers))]
        lines = [self.title]
        for k, row in enumerate(cells):
            lines.append("  ".join(c.rjust(w) for c, w in zip(row, widths)))
            if k == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def _latex(self, printer=None) -> str:
        spec = "r" * len(self.headers)
        body = [" & ".join(map(str, self.headers)) + r" \\ \hline"]
        body += [" & ".join(map(str, row)) + r" \\" for row in self.rows]
        return "\\begin{tabular}{" + spec + "}\n" + "\n".join(body) + "\n\\end{tabular}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return html_table(self.headers, self.rows, caption=self.title)


def count_table(ns: Sequence[int] = (1, 2, 4, 8, 16, 32), degrees: Sequence[int] = (2, 3, 4, 6),
                hidden: int = 64) -> CountTable:
    """Full-polynomial vs separable vs MLP ``[n, hidden, 1]`` counts as ``n`` and ``d`` grow.

    Parameters
    ==========

    ns : sequence of int
        The input counts ``n``, one row each (each >= 1).
    degrees : sequence of int
        The degrees of the full-polynomial columns (each >= 0); the separable
        column uses the largest.
    hidden : int
        The hidden width of the MLP column, >= 1.

    Returns
    =======

    CountTable
        Columns ``n``, one ``full d=...`` per degree, ``separable d=max`` and
        ``MLP [n,hidden,1]``; ``print`` it for aligned text, or
        ``sympy.latex`` it for a ``tabular``.

    Examples
    ========

    >>> from symmlp.models.counting import count_table
    >>> print(count_table(ns=[2, 8], degrees=[2, 6], hidden=16))
    parameters: full polynomial C(n+d, d), separable n*d+1, MLP [n, 16, 1]
    n  full d=2  full d=6  separable d=6  MLP [n,16,1]
    -  --------  --------  -------------  ------------
    2         6        28             13            65
    8        45      3003             49           161
    """
    ns = [_check_size(n, "n", 1) for n in ns]
    degrees = [_check_size(d, "degree", 0) for d in degrees]
    hidden = _check_size(hidden, "hidden", 1)
    d_max = max(degrees)
    headers = ("n", *(f"full d={d}" for d in degrees), f"separable d={d_max}",
               f"MLP [n,{hidden},1]")
    rows = tuple(
        (n, *(polynomial_count(n, d) for d in degrees), separable_count(n, d_max),
         mlp_count([n, hidden, 1]))
        for n in ns
    )
    title = (f"parameters: full polynomial C(n+d, d), separable n*d+1, "
             f"MLP [n, {hidden}, 1]")
    return CountTable(title, headers, rows)
