"""Why sigma must not be a polynomial: an MLP with a polynomial activation collapses to a
polynomial of bounded degree, whatever its width (one of the post's claims, see
:mod:`symmlp.explore.claims`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from ..core.display import html_pre
from ..core.validate import check_positive_int
from ..models.mlp import MLP
from ..ops.activations import get_activation

__all__ = ["CollapseResult", "polynomial_collapse", "MAX_COLLAPSE_DEGREE"]

MAX_COLLAPSE_DEGREE = 128


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

    def _repr_html_(self) -> str:
        return html_pre(str(self))

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

    >>> from symmlp.explore.collapse import polynomial_collapse
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

