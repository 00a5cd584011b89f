"""Polynomial models: the full polynomial with every cross term, and the post's
per-coordinate (separable) polynomial, which has none.

Both are chains ``feature map → affine map without bias → identity``: all
monomials (full) or per-coordinate powers with the constant first
(separable), then the coefficients as the affine map's weights, so that the
parameter order follows the exponent tuples.  Both are linear in their
coefficients: the gradient with respect to a coefficient is its monomial.
"""

from __future__ import annotations

from functools import cached_property

import sympy as sp

from ..core.validate import check_positive_int
from ..derive.equations import Var
from .chain import Model
from .counting import polynomial_count, separable_count
from .stages import Affine, Elementwise, Label, Monomials, Powers
from .stages.features import exponent_tuples
from .symbols import IndexedSymbol, indexed

__all__ = ["Polynomial", "SeparablePolynomial", "exponent_tuples"]


class _MonomialModel(Model):
    """``y_o = sum_k a^{(o)}_k x^k`` over the feature stage's exponent tuples."""

    n_inputs: int
    n_outputs: int
    degree: int

    def _features(self):
        raise NotImplementedError

    def _build_stages(self):
        features = self._features()
        label = (lambda o: None) if self.n_outputs == 1 else (lambda o: o + 1)
        yield features
        yield Affine(features.n_out, self.n_outputs, 1, weight=Label("C", None), bias=None,
                     weight_symbol=lambda o, j: indexed("a", label(o), *features.exponents[j]),
                     zero_init=True)
        yield Elementwise(self.n_outputs, 1, "identity")

    @property
    def input_var(self) -> Var:
        return Var("X", "X", "X", self.n_inputs)

    @property
    def exponents(self) -> tuple[tuple[int, ...], ...]:
        """The exponent tuple of each coefficient, in ``params`` order (per output)."""
        return self.stages[0].exponents

    @cached_property
    def monomials(self) -> tuple[sp.Expr, ...]:
        """``x^k`` for each exponent tuple, in ``exponents`` order."""
        return tuple(self.stages[0].exact(self.inputs, {}))

    def coefficients(self, output: int = 1) -> tuple[IndexedSymbol, ...]:
        """The coefficient symbols of output ``output`` (1-based), in ``exponents`` order."""
        if isinstance(output, bool) or not isinstance(output, int) or not (
            1 <= output <= self.n_outputs
        ):
            raise ValueError(f"output must be an int in 1..{self.n_outputs}, got {output!r}")
        n = len(self.exponents)
        return self.params[(output - 1) * n : output * n]

    def _key(self) -> tuple:
        return (self.n_inputs, self.degree, self.n_outputs)


class Polynomial(_MonomialModel):
    """The full polynomial ``sum over k_1+...+k_n <= d of a_k x_1^k_1 ... x_n^k_n``.

    It keeps every cross term, at the price of ``C(n+d, d)`` coefficients per
    output.  Coefficient ``a_k`` is named by its exponent tuple: ``a_1_1`` is
    the coefficient of ``x_1*x_2``.

    Parameters
    ==========

    n_inputs : int
    degree : int
        The total degree ``d >= 0``.
    n_outputs : int

    Examples
    ========

    >>> from symmlp import Polynomial
    >>> p = Polynomial(2, 2)
    >>> p
    Polynomial(n_inputs=2, degree=2)
    >>> p.num_params
    6
    >>> p.output[0]
    a_0_0 + a_0_1*x_2 + a_0_2*x_2**2 + a_1_0*x_1 + a_1_1*x_1*x_2 + a_2_0*x_1**2
    """

    kind = "Polynomial"

    def __init__(self, n_inputs: int, degree: int, n_outputs: int = 1) -> None:
        self._init(
            n_inputs=check_positive_int(n_inputs, "n_inputs"),
            degree=check_positive_int(degree, "degree", minimum=0),
            n_outputs=check_positive_int(n_outputs, "n_outputs"),
        )

    def _features(self):
        return Monomials(self.n_inputs, self.degree)

    @property
    def num_params(self) -> int:
        return self.n_outputs * polynomial_count(self.n_inputs, self.degree)

    def spec(self) -> dict:
        return {"n_inputs": self.n_inputs, "degree": self.degree, "n_outputs": self.n_outputs}

    def __repr__(self) -> str:
        extra = f", n_outputs={self.n_outputs}" if self.n_outputs != 1 else ""
        return f"Polynomial(n_inputs={self.n_inputs}, degree={self.degree}{extra})"

    def _latex_formula(self, printer) -> str:
        n, d = self.n_inputs, self.degree
        if n <= 3:
            ks = "+".join(f"k_{i}" for i in range(1, n + 1))
            xs = " ".join(f"x_{i}^{{k_{i}}}" for i in range(1, n + 1))
        else:
            ks = rf"k_1+\dots+k_{{{n}}}"
            xs = rf"x_1^{{k_1}} \cdots x_{{{n}}}^{{k_{{{n}}}}}"
        return rf"\sum_{{{ks} \le {d}}} a_{{k}}\, {xs}"


class SeparablePolynomial(_MonomialModel):
    r"""The post's per-coordinate polynomial, with no cross terms:

    ``f(x) = a_0 + sum_{i=1}^{n} sum_{k=1}^{d} a_{k e_i} x_i^k``

    one shared constant and ``d`` powers of each input alone, ``n*d + 1``
    coefficients: a one-layer Kolmogorov–Arnold network.  Coefficients are
    named by exponent tuple as in :class:`Polynomial` (``a_0_2`` multiplies
    ``x_2**2``), so every separable coefficient is also a full-polynomial
    coefficient.  It cannot represent ``x_1*x_2``.

    Parameters
    ==========

    n_inputs : int
        The number of inputs ``n >= 1``.
    degree : int
        The highest power ``d >= 0`` of each input.

    Examples
    ========

    >>> from symmlp import SeparablePolynomial
    >>> s = SeparablePolynomial(2, 2)
    >>> s.output[0]
    a_0_0 + a_0_1*x_2 + a_0_2*x_2**2 + a_1_0*x_1 + a_2_0*x_1**2
    >>> s.num_params
    5
    >>> import sympy as sp
    >>> print(sp.latex(SeparablePolynomial(3, 2)))
    \hat{y} = a_{\mathbf{0}} + \sum_{i=1}^{3} \sum_{k=1}^{2} a_{k e_i}\, x_i^{k}
    """

    kind = "SeparablePolynomial"

    def __init__(self, n_inputs: int, degree: int) -> None:
        self._init(
            n_inputs=check_positive_int(n_inputs, "n_inputs"),
            degree=check_positive_int(degree, "degree", minimum=0),
            n_outputs=1,
        )

    def _features(self):
        return Powers(self.n_inputs, self.degree, constant=True)

    @property
    def num_params(self) -> int:
        return separable_count(self.n_inputs, self.degree)

    def spec(self) -> dict:
        return {"n_inputs": self.n_inputs, "degree": self.degree}

    def __repr__(self) -> str:
        return f"SeparablePolynomial(n_inputs={self.n_inputs}, degree={self.degree})"

    def _latex_formula(self, printer) -> str:
        return (rf"a_{{\mathbf{{0}}}} + \sum_{{i=1}}^{{{self.n_inputs}}} \sum_{{k=1}}^{{{self.degree}}}"
                r" a_{k e_i}\, x_i^{k}")
