"""Ready-made :class:`~symmlp.models.expression.Expression` models: a Gaussian RBF network,
a Fourier series in ``n`` inputs and a pole-free rational (Padé-like) function.

Each is a recipe as much as a constructor: it builds a SymPy expression from
plainly named symbols and hands it to ``Expression``; the source shows how to
write one's own.
"""

from __future__ import annotations

from itertools import product

import sympy as sp

from ..core.validate import check_int, check_positive_int, check_real
from .expression import Expression
from .symbols import IndexedSymbol, indexed

__all__ = ["gaussian_rbf", "fourier_series", "fourier_frequencies", "rational_function"]


def _inputs(n: int) -> list[sp.Symbol]:
    return list(sp.symbols(f"x_1:{n + 1}"))


def gaussian_rbf(n_inputs: int, centers: int) -> Expression:
    r"""``f(x) = b + sum_k w_k exp(-s_k^2 ||x - c_k||^2)``: a Gaussian radial-basis-function network.

    Every center has its weight ``w_k``, its position ``c_k`` (``n`` coordinates)
    and its inverse width ``s_k`` (squared, so the bump always decays):
    ``centers * (n + 2) + 1`` parameters, in the order ``w_1, c_1_1, ..., c_1_n,
    s_1, w_2, ..., b``.

    Examples
    ========

    >>> from symmlp.models.recipes import gaussian_rbf
    >>> rbf = gaussian_rbf(1, 2)
    >>> rbf.output[0]
    b + w_1*exp(-s_1**2*(-c_1_1 + x_1)**2) + w_2*exp(-s_2**2*(-c_2_1 + x_1)**2)
    >>> rbf.num_params
    7
    """
    n = check_int(n_inputs, "n_inputs", 1, 100)
    k = check_int(centers, "centers", 1, 500)
    xs, params, terms = _inputs(n), [], []
    for j in range(1, k + 1):
        w, s = indexed("w", None, j), indexed("s", None, j)
        c = [indexed("c", None, j, i) for i in range(1, n + 1)]
        params += [w, *c, s]
        terms.append(w * sp.exp(-(s**2) * sp.Add(*((x - ci) ** 2 for x, ci in zip(xs, c)))))
    b = indexed("b", None)
    return Expression(sp.Add(*terms) + b, xs, [*params, b])


def fourier_frequencies(n_inputs: int, order: int) -> list[tuple[int, ...]]:
    """Integer frequency vectors ``k != 0`` with ``|k_1| + ... + |k_n| <= order`` whose first nonzero
    entry is positive (``-k`` gives the same sine and cosine up to sign).

    Examples
    ========

    >>> from symmlp.models.recipes import fourier_frequencies
    >>> fourier_frequencies(2, 1)
    [(0, 1), (1, 0)]
    """
    n = check_int(n_inputs, "n_inputs", 1, 20)
    m = check_int(order, "order", 1, 50)
    out = []
    for k in product(range(-m, m + 1), repeat=n):
        first = next((v for v in k if v), 0)
        if first > 0 and sum(map(abs, k)) <= m:
            out.append(k)
    return out


def fourier_series(n_inputs: int, order: int, period: float | int = 2) -> Expression:
    r"""``f(x) = a_0 + sum_k (a_k cos(2 pi k.x / P) + b_k sin(2 pi k.x / P))`` over the
    frequencies of :func:`fourier_frequencies` (``|k|_1 <= order``), period ``P`` in every input.

    Parameters are named by frequency: ``a_1_0`` multiplies ``cos(2 pi x_1 / P)``, ``b_1_m1``
    multiplies ``sin(2 pi (x_1 - x_2) / P)``.
    The default period 2 fits inputs on ``[-1, 1]``.

    Examples
    ========

    >>> from symmlp.models.recipes import fourier_series
    >>> f = fourier_series(1, 2)
    >>> f.output[0]
    a_0 + a_1*cos(pi*x_1) + a_2*cos(2*pi*x_1) + b_1*sin(pi*x_1) + b_2*sin(2*pi*x_1)
    >>> fourier_series(3, 2).num_params     # 1 + 2 * 12 frequencies
    25
    """
    ks = fourier_frequencies(n_inputs, order)
    check_real(period, "period", low=0, low_open=True)
    P = sp.nsimplify(period) if isinstance(period, float) else sp.Integer(period)
    xs = _inputs(len(ks[0]))
    a0, params, terms = indexed("a", None, 0), [], []
    for k in ks:
        name = "_".join(str(v) if v >= 0 else f"m{-v}" for v in k)  # m1: -1
        a, b = IndexedSymbol(f"a_{name}"), IndexedSymbol(f"b_{name}")
        phase = 2 * sp.pi * sp.Add(*(ki * x for ki, x in zip(k, xs))) / P
        params += [a, b]
        terms += [a * sp.cos(phase), b * sp.sin(phase)]
    return Expression(a0 + sp.Add(*terms), xs, [a0, *params])


def rational_function(numerator_degree: int, denominator_degree: int) -> Expression:
    r"""``f(x) = (p_0 + p_1 x + ... + p_m x^m) / (1 + (q_1 x + ... + q_n x^n)^2)``, one input.

    A Padé-like rational function whose denominator is at least 1, so it has
    no pole for any parameters (a plain ``1 + q_1 x + ...`` would cross 0 during
    training): ``m + 1 + n`` parameters.

    Examples
    ========

    >>> from symmlp.models.recipes import rational_function
    >>> r = rational_function(2, 1)
    >>> r.output[0]
    (p_0 + p_1*x_1 + p_2*x_1**2)/(q_1**2*x_1**2 + 1)
    """
    m = check_int(numerator_degree, "numerator_degree", 0, 40)
    n = check_positive_int(denominator_degree, "denominator_degree")
    check_int(n, "denominator_degree", 1, 40)
    (x,) = _inputs(1)
    p = [indexed("p", None, k) for k in range(m + 1)]
    q = [indexed("q", None, k) for k in range(1, n + 1)]
    num = sp.Add(*(pk * x**k for k, pk in enumerate(p)))
    den = 1 + sp.Add(*(qk * x**k for k, qk in enumerate(q, 1))) ** 2
    return Expression(num / den, [x], [*p, *q])
