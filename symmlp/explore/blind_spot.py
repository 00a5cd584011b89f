"""The separable blind spot and how composition closes it.

- :func:`separable_blind_spot`: least squares shows the per-coordinate
  polynomial cannot fit ``x1*x2`` (the full polynomial can);
- :func:`kan_product`: SymPy proves that no one-layer Kolmogorov–Arnold network
  (the separable polynomial) holds ``x1*x2`` for any coefficients, and solves for
  the coefficients of a ``[2, 2, 1]`` degree-2 KAN that holds it exactly,
  ``x1*x2 = ((x1 + x2)^2 - (x1 - x2)^2) / 4``.

Both are instances of the Kolmogorov–Arnold representation theorem
(:data:`KA_THEOREM`): sums of one-variable functions are not enough, sums of
one-variable functions of such sums are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from ..core.display import html_pre
from ..core.validate import check_positive_int
from ..emit.numpy import compile_model
from ..models.kan import KAN
from ..models.polynomial import Polynomial, SeparablePolynomial

__all__ = ["KA_THEOREM", "design_matrix", "cross_monomials", "BlindSpotResult", "separable_blind_spot",
           "KanProductResult", "kan_product"]

KA_THEOREM = ("the Kolmogorov-Arnold representation theorem (A. N. Kolmogorov 1957, V. I. Arnold 1957):\n"
              "every continuous f on [0, 1]^n is f(x) = sum_{q=0}^{2n} Phi_q(sum_{p=1}^{n} phi_{q,p}(x_p))\n"
              "with continuous functions Phi_q, phi_{q,p} of one variable")


def design_matrix(model, X: np.ndarray) -> np.ndarray:
    """The monomial columns ``x^k`` of a polynomial model at the rows of ``X``."""
    return np.column_stack([np.prod(X ** np.array(k), axis=1) for k in model.exponents])


def cross_monomials(model) -> tuple[sp.Expr, ...]:
    """The monomials of a polynomial model that hold two or more inputs.

    Examples
    ========

    >>> from symmlp import Polynomial
    >>> from symmlp.explore.blind_spot import cross_monomials
    >>> cross_monomials(Polynomial(2, 2))
    (x_1*x_2,)
    """
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

    def _repr_html_(self) -> str:
        return html_pre(str(self))

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
            "Composition restores it, by " + KA_THEOREM.replace("\n", "\n  ") + ".",
            "  The separable polynomial is one inner sum alone (a one-layer KAN); two KAN layers hold",
            "  x_1*x_2 exactly (kan_product()).",
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

    >>> from symmlp.explore.blind_spot import separable_blind_spot
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
        coef = np.linalg.lstsq(design_matrix(model, X), y, rcond=None)[0]
        fitted = compile_model(model).forward(coef, X)[:, 0]
        residuals.append(float(np.sqrt(np.mean((fitted - y) ** 2))))
    return BlindSpotResult(n_samples, degree, residuals[0], residuals[1],
                           cross_monomials(models[0]), cross_monomials(models[1]))



@dataclass(frozen=True)
class KanProductResult:
    """SymPy's verdict on ``x1*x2`` for one-layer and two-layer polynomial KANs.

    Attributes
    ==========

    one_layer : KAN
        ``KAN([2, 1], degree)``, the separable polynomial.
    one_layer_solutions : list
        ``sympy.solve`` of "output = x1*x2 for all x" over its coefficients: ``[]``.
    obstruction : sympy.Expr
        The coefficient of ``x1*x2`` in ``output - x1*x2``: ``-1`` for every theta.
    two_layer : KAN
        ``KAN([2, 2, 1], degree=2)``.
    inner : dict
        Its first layer: ``z_1 = x1 + x2``, ``z_2 = x1 - x2`` (every other coefficient 0).
    solution : dict
        Its second layer, solved by SymPy (the unique solution given ``inner``).
    represented : sympy.Expr
        The two-layer output with ``inner`` and ``solution`` put in, expanded: ``x_1*x_2``.
    """

    one_layer: KAN
    one_layer_solutions: list
    obstruction: sp.Expr
    two_layer: KAN
    inner: dict = field(repr=False)
    solution: dict
    represented: sp.Expr

    @property
    def exact(self) -> bool:
        """Whether the two-layer KAN equals ``x1*x2`` identically (and the one-layer one cannot)."""
        x1, x2 = self.two_layer.inputs
        return sp.expand(self.represented - x1 * x2) == 0 and self.one_layer_solutions == []

    def _repr_html_(self) -> str:
        return html_pre(str(self))

    def __str__(self) -> str:
        solved = ", ".join(f"{k} = {v}" for k, v in self.solution.items())
        return "\n".join([
            "x_1*x_2 as a Kolmogorov-Arnold network with polynomial edges (solved by SymPy):",
            f"  one layer, {self.one_layer!r} (the separable polynomial): sympy.solve finds "
            f"{self.one_layer_solutions} -- the coefficient of x_1*x_2 in output - x_1*x_2 is "
            f"{self.obstruction} for every theta",
            f"  two layers, {self.two_layer!r}: inner layer z_1 = x_1 + x_2, z_2 = x_1 - x_2; "
            f"outer layer solved: {solved}",
            f"  substituted back and expanded: {self.represented}  "
            f"(= ((x_1 + x_2)^2 - (x_1 - x_2)^2)/4; {'exact' if self.exact else 'NOT exact'})",
        ])


def _identity_equations(expr: sp.Expr, target: sp.Expr, xs) -> list[sp.Expr]:
    """``expr == target`` for every ``x`` as equations: each coefficient of the difference is 0."""
    return sp.Poly(sp.expand(expr - target), *xs).coeffs()


def kan_product(degree: int = 2) -> KanProductResult:
    """Prove with SymPy that two KAN layers hold ``x1*x2`` exactly and one layer cannot.

    One layer: ``KAN([2, 1], degree)`` is ``b + sum_p sum_k c_{1,p,k} x_p^k``;
    asking SymPy to solve "output = x1*x2 identically" over its coefficients
    gives no solution (the ``x1*x2`` coefficient of the difference is ``-1``).
    Two layers: with the inner edges ``z_1 = x_1 + x_2``, ``z_2 = x_1 - x_2``,
    SymPy solves the outer layer's five coefficients (a linear system, unique
    solution ``c^{(2)}_{1,1,2} = 1/4``, ``c^{(2)}_{1,2,2} = -1/4``, the rest 0);
    substituting everything into the model's output and expanding gives
    ``x_1*x_2`` identically.

    Parameters
    ==========

    degree : int
        The degree of the one-layer KAN shown to fail (any degree fails).

    Returns
    =======

    KanProductResult

    Examples
    ========

    >>> from symmlp.explore.blind_spot import kan_product
    >>> r = kan_product()
    >>> r.one_layer_solutions, r.obstruction
    ([], -1)
    >>> r.solution
    {c2_1_1_1: 0, c2_1_1_2: 1/4, c2_1_2_1: 0, c2_1_2_2: -1/4, b2_1: 0}
    >>> r.represented, r.exact
    (x_1*x_2, True)
    """
    degree = check_positive_int(degree, "degree")
    one = KAN([2, 1], degree)
    x1, x2 = one.inputs
    target = x1 * x2
    one_solutions = sp.solve(_identity_equations(one.output[0], target, (x1, x2)), one.params, dict=True)
    obstruction = sp.Poly(sp.expand(one.output[0] - target), x1, x2).coeff_monomial(x1 * x2)

    two = KAN([2, 2, 1], 2)
    C1 = two.block_symbols("C1")  # row q: c1_q_1_1, c1_q_1_2, c1_q_2_1, c1_q_2_2
    inner = {s: 0 for s in (*C1, *two.block_symbols("b1"))}
    inner.update({C1[0, 0]: 1, C1[0, 2]: 1, C1[1, 0]: 1, C1[1, 2]: -1})
    outer = tuple(s for s in two.params if s not in inner)
    partial = two.output[0].xreplace(inner)
    solutions = sp.solve(_identity_equations(partial, target, (x1, x2)), outer, dict=True)
    if len(solutions) != 1:
        raise RuntimeError(f"expected one solution for the outer layer, SymPy found {solutions}")
    solution = {s: solutions[0].get(s, s) for s in outer}
    theta = [{**inner, **solution}[p] for p in two.params]
    represented = sp.expand(two.subs(theta)[0])  # through the model's own substitution route
    return KanProductResult(one, one_solutions, obstruction, two, inner, solution, represented)
