"""The post's claims, computed from the constructions of :mod:`symmlp.explore.approx`.

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
from typing import Any

import numpy as np
import sympy as sp

from ..emit.numpy import compile_model
from ..models.counting import CountTable, count_table, mlp_count, polynomial_count, separable_count
from ..models.mlp import MLP
from ..models.polynomial import Polynomial, SeparablePolynomial
from ..ops.activations import get_activation
from ..validate import check_positive_int
from .approx import (
    FAMILIES,
    STAIRCASE_SLOPE,
    X1,
    Target,
    approximation_error,
    bernstein,
    error_curves,
    family_params,
    relu_interpolant,
    sigmoid_staircase,
    sup_error,
)

__all__ = [
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

MAX_COLLAPSE_DEGREE = 128


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

    >>> from symmlp.explore.claims import polynomial_collapse
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

    >>> from symmlp.explore.claims import separable_blind_spot
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

    >>> from symmlp.explore.claims import default_targets
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
    >>> from symmlp.explore.claims import parameters_for_epsilon
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
        cross = _cross_monomials(model)
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
    return rows


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

    >>> from symmlp.explore.claims import criteria_table
    >>> t = criteria_table()
    >>> t.cell("MLP relu", "differentiable in theta").value
    'a.e.'
    >>> [t.cell(r, "keeps cross terms").value for r, _ in t.rows]
    ['no', 'yes', 'yes', 'yes', 'yes']
    """
    n = sp.Symbol("n", positive=True, integer=True)
    rows = tuple(
        (c.name, (_differentiable(c.model, "monomials" if c.polynomial else "smooth expressions"),
                  c.universal(), _cross_terms(c.model, c.polynomial), c.count(n)))
        for c in candidates()
    )
    return CriteriaTable(rows)


# --------------------------------------------------------------------------- everything at once


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

    out = plots.make_dir(Path(out_dir))
    f, interval = sp.sin(X1), (-sp.pi, sp.pi)
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
