"""The post's four criteria for each candidate ``f_theta``, computed: differentiable in
theta, universal approximator, keeps cross terms, parameters polynomial in ``n``
(one of the post's claims, see :mod:`symmlp.explore.claims`)."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..core.display import html_report, html_table
from ..models.counting import CountTable, kan_count, mlp_count, polynomial_count, separable_count
from ..models.kan import KAN
from ..models.mlp import MLP
from ..models.polynomial import Polynomial, SeparablePolynomial
from .blind_spot import cross_monomials, kan_product
from .collapse import polynomial_collapse

__all__ = ["CRITERIA", "Cell", "CriteriaTable", "Candidate", "candidates", "criteria_table"]


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

    def _repr_html_(self) -> str:
        grid = html_table(("model", *CRITERIA), [(name, *(c.value for c in cells)) for name, cells in self.rows])
        reasons = "".join(
            f"<li><b>{html.escape(name)}</b><ul>"
            + "".join(f"<li>{html.escape(crit)}: <b>{html.escape(c.value)}</b> &mdash; {html.escape(c.reason)}</li>"
                      for crit, c in zip(CRITERIA, cells))
            + "</ul></li>"
            for name, cells in self.rows)
        return html_report("the post's criteria, computed", grid,
                           f"<details><summary>reasons, cell by cell</summary><ul>{reasons}</ul></details>")


def _differentiable(model, kind: str) -> Cell:
    out = model.output[0]
    derivs = [sp.diff(out, p) for p in model.params]
    if any(d.has(sp.Heaviside, sp.DiracDelta) for d in derivs):
        return Cell("a.e.", "sympy.diff gives Heaviside(z): the ReLU kink, not differentiable on "
                            "the measure-zero set z = 0, differentiable everywhere else")
    if any(d.has(sp.Derivative, sp.Subs) for d in derivs):
        return Cell("no", "sympy.diff leaves an unevaluated derivative")
    return Cell("yes", f"sympy.diff gives {kind} for all {model.num_params} parameters")


def _interaction(model, symbolic: bool, seed: int = 1) -> sp.Expr:
    """``f(x1, x2) - f(x1, 0) - f(0, x2) + f(0, 0)``: zero for every theta iff no cross terms.

    ``symbolic``: expand it with the parameters left symbolic (models linear in
    them); else evaluate it at a random exact theta."""
    out = model.output[0]
    x1, x2 = model.inputs
    if symbolic:
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


def _cross_terms(model, polynomial: bool) -> Cell:
    inter = _interaction(model, symbolic=polynomial)
    if polynomial:
        cross = cross_monomials(model)
        if inter == 0:
            return Cell("no", "no monomial holds both x_1 and x_2, f(x1,x2)-f(x1,0)-f(0,x2)+f(0,0) = 0")
        return Cell("yes", f"monomial {cross[0]} in the output; interaction term {inter}")
    if inter != 0:
        return Cell("yes", f"f(x1,x2)-f(x1,0)-f(0,x2)+f(0,0) = {float(inter):.3g} != 0 at a random "
                           "theta: units mix x_1 and x_2 inside sigma")
    return Cell("no", "interaction term vanished at a random theta")


def _mlp_universal(model: MLP) -> Cell:
    sigma = model.sigma(1)
    if sigma.is_polynomial:
        r = polynomial_collapse(sigma.name, depth=model.n_layers)
        return Cell("no", f"polynomial sigma collapses: output is a polynomial of degree <= "
                          f"{r.bound} whatever the width (degree {r.degree} attained)")
    return Cell("yes", f"sigma = {sigma.name} is not a polynomial (Leshno, Lin, Pinkus, "
                       "Schocken 1993): dense as the width grows")


def _mlp_count(n: sp.Symbol) -> Cell:
    h = sp.Symbol("h", positive=True, integer=True)
    c = mlp_count([n, h, 1])
    return Cell("yes", f"[n, h, 1] has {c}: degree {sp.Poly(c, n).degree()} in n")


def _separable_count(n: sp.Symbol, degree: int) -> Cell:
    c = separable_count(n, degree)
    return Cell("yes", f"n*d + 1 = {c}: degree {sp.Poly(c, n).degree()} in n")


def _full_count(n: sp.Symbol) -> Cell:
    general = polynomial_count(n, sp.Symbol("d", positive=True, integer=True))
    by_d = {d: sp.Poly(sp.expand_func(polynomial_count(n, d)), n).degree() for d in (2, 3, 6)}
    return Cell("no: O(n^d)", f"{general}: for fixed d a polynomial of degree d in n "
                              f"(degrees {by_d}), its degree grows with d: the explosion")


def _kan_universal() -> Cell:
    r = kan_product()
    return Cell("yes (d -> inf)" if r.exact else "no",
                "two layers hold x_1*x_2 = ((x_1+x_2)^2 - (x_1-x_2)^2)/4 exactly (solved by SymPy), so by "
                "polarization every polynomial of degree d, when wide enough: dense as d grows; the "
                "Kolmogorov-Arnold representation theorem (Kolmogorov 1957, Arnold 1957) writes every "
                "continuous f as sums of one-variable functions of such sums")


def _kan_count(n: sp.Symbol) -> Cell:
    h, d = sp.symbols("h d", positive=True, integer=True)
    c = kan_count([n, h, 1], d)
    return Cell("yes", f"[n, h, 1] of degree d has {c}: degree {sp.Poly(c, n).degree()} in n")


@dataclass(frozen=True)
class Candidate:
    """One row of the criteria table: a model and what is known of its family.

    ``polynomial``: linear in its parameters (its cross terms are read off the
    expanded output); ``universal`` and ``count`` compute the two cells that
    need the family's theory.
    """

    name: str
    model: object
    polynomial: bool
    universal: Callable[[], Cell]
    count: Callable[[sp.Symbol], Cell]


def candidates() -> list[Candidate]:
    """The post's candidates for f_theta, on two inputs."""
    sep, full = SeparablePolynomial(2, 2), Polynomial(2, 2)
    rows = [
        Candidate("separable polynomial", sep, True,
                  lambda: Cell("no", "for every degree the span has no x_1*x_2 (no cross monomial), so "
                                     "x_1*x_2 stays at RMS distance 1/3 on [-1, 1]^2"),
                  lambda n: _separable_count(n, sep.degree)),
        Candidate("full polynomial", full, True,
                  lambda: Cell("yes (d -> inf)", "every monomial up to degree d: dense by Stone-Weierstrass "
                                                 "as d grows"),
                  _full_count),
    ]
    for name, act in (("MLP square sigma", "square"), ("MLP relu", "relu"), ("MLP sigmoid", "sigmoid")):
        net = MLP([2, 2, 1], activation=act)
        rows.append(Candidate(name, net, False, lambda net=net: _mlp_universal(net), _mlp_count))
    rows.append(Candidate("KAN (polynomial edges)", KAN([2, 2, 1], 2), False, _kan_universal, _kan_count))
    return rows


def criteria_table() -> CriteriaTable:
    """The post's criteria for the separable and full polynomial, three MLPs and a KAN.

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

    >>> from symmlp.explore.criteria import criteria_table
    >>> t = criteria_table()
    >>> t.cell("MLP relu", "differentiable in theta").value
    'a.e.'
    >>> [t.cell(r, "keeps cross terms").value for r, _ in t.rows]
    ['no', 'yes', 'yes', 'yes', 'yes', 'yes']
    >>> t.cell("KAN (polynomial edges)", "universal approximator").value
    'yes (d -> inf)'
    """
    n = sp.Symbol("n", positive=True, integer=True)
    rows = tuple(
        (c.name, (_differentiable(c.model, "monomials" if c.polynomial else "smooth expressions"),
                  c.universal(), _cross_terms(c.model, c.polynomial), c.count(n)))
        for c in candidates()
    )
    return CriteriaTable(rows)

