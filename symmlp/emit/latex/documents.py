"""Standalone LaTeX document: full against separable polynomials.

:func:`polynomial_document` (and, from :mod:`symmlp.emit.latex.gd_step`, :func:`gd_step_document`), typeset with
:mod:`symmlp.emit.latex.layout`.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from math import comb

import sympy as sp

from ...core.validate import check_int
from ...models import Polynomial, SeparablePolynomial
from ...models.counting import count_table, mlp_count, polynomial_count, separable_count
from ...models.symbols import indexed
from .gd_step import gd_step_document as gd_step_document  # re-exported (moved there)
from .layout import (
    TEXT_WIDTH_EM,
    align,
    align_rows,
    break_terms,
    display,
    doc_latex,
    document,
    escape,
    latex_width,
    section,
)

__all__ = [
    "polynomial_document",
    "gd_step_document",
]

# --------------------------------------------------------------------- polynomials


_MAX_DOCUMENT_TERMS = 10**7


def _compositions(total: int, n: int, *, ascending: bool = False) -> Iterator[tuple[int, ...]]:
    """Tuples of ``n`` non-negative ints summing to ``total``, lexicographically descending
    (as :func:`symmlp.models.polynomial.exponent_tuples` orders them) or ascending; no recursion."""
    c = [0] * n
    c[-1 if ascending else 0] = total
    while True:
        yield tuple(c)
        if ascending:    # raise the entry before the last nonzero one, the rest goes last
            last = max((i for i, v in enumerate(c) if v), default=0)
            if last == 0:
                return
            rest = c[last] - 1
            c[last - 1] += 1
            c[last] = 0
            c[-1] += rest
        else:            # lower the last nonzero entry before the end, the rest goes after it
            i = next((i for i in range(n - 2, -1, -1) if c[i]), None)
            if i is None:
                return
            rest = sum(c[i + 1:]) + 1
            c[i] -= 1
            c[i + 1:] = [rest] + [0] * (n - i - 2)


def _full_exponents(n: int, d: int, *, reverse: bool = False) -> Iterator[tuple[int, ...]]:
    """:func:`symmlp.models.polynomial.exponent_tuples` lazily (``reverse``: from the last tuple back)."""
    if reverse:
        return (k for t in range(d, -1, -1) for k in _compositions(t, n, ascending=True))
    return (k for t in range(d + 1) for k in _compositions(t, n))


def _separable_exponents(n: int, d: int, *, reverse: bool = False) -> Iterator[tuple[int, ...]]:
    """:class:`symmlp.models.polynomial.SeparablePolynomial`'s exponents lazily."""
    def gen() -> Iterator[tuple[int, ...]]:
        yield (0,) * n
        for i in range(n):
            for k in range(1, d + 1):
                yield tuple(k if j == i else 0 for j in range(n))

    if not reverse:
        return gen()
    return (tuple(k if j == i else 0 for j in range(n))
            for i in range(n - 1, -1, -1) for k in range(d, 0, -1))


def _monomial(inputs, k: tuple[int, ...]) -> sp.Expr:
    return sp.Mul(*(x**e for x, e in zip(inputs, k) if e))


def _shown(first: Iterator, last: Iterator, count: int, max_terms: int) -> tuple[list, bool]:
    """The items printed of ``count`` ones: all, or the first ``max_terms - 1`` and the last."""
    if count <= max_terms:
        return list(islice(first, count)), False
    return [*islice(first, max_terms - 1), next(last)], True


def _monomial_terms(model, exponents, count: int, max_terms: int) -> list[str]:
    """The printed terms ``a_k x^k``; only those shown are built (``exponents(reverse=)``)."""
    n, d = model.n_inputs, model.degree
    shown, cut = _shown(exponents(n, d), exponents(n, d, reverse=True), count, max_terms)
    terms = []
    for k in shown:
        mono = _monomial(model.inputs, k)
        m = "" if mono == 1 else " " + doc_latex(mono)
        terms.append(doc_latex(indexed("a", None, *k)) + m)
    if cut:
        terms = [*terms[:-1], r"\cdots", terms[-1]]
    return [terms[0], *(f"+ {t}" for t in terms[1:])]


def _written_out(lhs: str, terms: list[str], width: float) -> list[str]:
    return align_rows(lhs, break_terms(terms, width - latex_width(lhs) - 4))


def _count_grid(n: int, d: int) -> str:
    ns = sorted({1, 2, 3, 4, 8, 16, n})
    ds = sorted({1, 2, 3, 4, 6, d})

    def cell(a: int, b: int) -> str:
        v = f"{comb(a + b, b)}"
        return rf"$\mathbf{{{v}}}$" if (a, b) == (n, d) else v

    head = r"$n \backslash d$ & " + " & ".join(f"${b}$" for b in ds) + r" \\ \hline"
    rows = [f"${a}$ & " + " & ".join(cell(a, b) for b in ds) + r" \\" for a in ns]
    return ("\\begin{center}\n\\begin{tabular}{r|" + "r" * len(ds) + "}\n" + head + "\n"
            + "\n".join(rows) + "\n\\end{tabular}\n\\end{center}\n")


def polynomial_document(n: int, d: int, *, title: str | None = None, max_terms: int = 60) -> str:
    """A standalone LaTeX article: the full polynomial against the separable one.

    It writes the full polynomial of degree ``d`` in ``n`` inputs out with all
    its cross terms, counts its ``C(n+d, d)`` coefficients (with a table over
    ``n`` and ``d``), and sets the post's separable polynomial, ``n d + 1``
    coefficients and no cross terms, beside it.

    Parameters
    ==========

    n, d : int
        Inputs (``n >= 1``) and total degree (``d >= 0``).
    title : str, optional
    max_terms : int
        Polynomials with more terms are written with ``\\cdots`` in the middle.

    Returns
    =======

    str
        The document; it needs only ``amsmath``, ``amssymb`` and ``geometry``.

    Examples
    ========

    >>> tex = polynomial_document(2, 2)
    >>> r"\\binom{n+d}{d} = \\binom{4}{2} = 6" in tex
    True
    >>> "a_{1,1} x_{1} x_{2}" in tex
    True
    """
    full, sep = Polynomial(n, d), SeparablePolynomial(n, d)
    check_int(max_terms, "max_terms", 3)
    n_full, n_sep = polynomial_count(n, d), separable_count(n, d)
    if max(n_full, n_sep) > _MAX_DOCUMENT_TERMS:
        raise ValueError(f"polynomial_document(n={n}, d={d}): the full polynomial has "
                         f"C({n + d}, {d}) = {n_full} terms, more than the {_MAX_DOCUMENT_TERMS} "
                         "a document can describe")
    title = title or f"Full versus separable polynomials: {n} inputs, degree {d}"
    parts = ["This comparison was generated by symmlp from\n\\begin{center}\n"
             f"\\texttt{{{escape(repr(full))}}} \\quad and \\quad \\texttt{{{escape(repr(sep))}}}\n"
             "\\end{center}\n"]
    parts += _full_polynomial_section(full, n, d, n_full, max_terms)
    parts += _counting_section(n, d, n_full)
    parts += _separable_section(full, sep, n, d, n_full, n_sep, max_terms)
    return document(title, parts)


def _full_polynomial_section(full, n: int, d: int, n_full: int, max_terms: int) -> list[str]:
    """The full polynomial, in general and written out for this ``n``, ``d``."""
    return [
        section("The full polynomial"),
        "Every monomial $x_1^{k_1} \\cdots x_n^{k_n}$ of total degree at most $d$ gets "
        "its own coefficient, cross terms included:\n",
        display(r"f(x_1, \dots, x_n) = \sum_{k_1 + \dots + k_n \le d} a_{k_1 \dots k_n}"
                r" x_1^{k_1} \cdots x_n^{k_n}"),
        f"For $n = {n}$ and $d = {d}$, with $a_{{k_1,\\dots,k_n}}$ named by its exponents "
        "and the terms in order of degree:\n",
        align(_written_out("f(x)", _monomial_terms(full, _full_exponents, n_full, max_terms), TEXT_WIDTH_EM)),
    ]


def _counting_section(n: int, d: int, n_full: int) -> list[str]:
    """Stars and bars: the count C(n+d, d) and its table over n and d."""
    return [
        section("Counting its coefficients"),
        "A monomial of degree at most $d$ shares $d$ units of degree among the $n$ "
        "inputs and one slack box for the degree left over (stars and bars), so\n",
        display(rf"|\{{a_k\}}| = \binom{{n+d}}{{d}} = \binom{{{n + d}}}{{{d}}} = {n_full}"
                r", \qquad \binom{n+d}{d} = \frac{n^d}{d!} + O\bigl(n^{d-1}\bigr)"
                r" \quad\text{for fixed } d."),
        r"It grows like $n^d$: the parameter explosion.  The count over $n$ and $d$ "
        "(this case in bold):\n",
        _count_grid(n, d),
    ]


def _separable_section(full, sep, n: int, d: int, n_full: int, n_sep: int, max_terms: int) -> list[str]:
    """The separable polynomial, the cross terms it misses, and the counts beside an MLP's."""
    W = TEXT_WIDTH_EM
    parts = [section("The separable polynomial beside it"),
             "The per-coordinate polynomial has one constant and $d$ powers of each input "
             "alone, $f_i(x_i) = a_0 + a_1 x_i + \\dots + a_d x_i^d$, so no cross terms:\n",
             align(_written_out("g(x)", _monomial_terms(sep, _separable_exponents, n_sep, max_terms), W))]
    n_cross = n_full - n_sep    # every exponent tuple with two or more nonzero entries

    def crossing(reverse: bool) -> Iterator[tuple[int, ...]]:
        return (k for k in _full_exponents(n, d, reverse=reverse) if sum(1 for e in k if e) > 1)

    cross, cut = _shown(crossing(False), crossing(True), n_cross, max_terms)
    parts.append(display(rf"|\{{a\}}| = n d + 1 = {n} \cdot {d} + 1 = {n_sep}"
                         rf" \qquad\text{{against}}\qquad \binom{{{n + d}}}{{{d}}} = {n_full}."))
    if cross:
        shown = [doc_latex(_monomial(full.inputs, k)) for k in cross]
        if cut:
            shown = [*shown[:-1], r"\dots", shown[-1]]
        lines = break_terms([s + "," for s in shown[:-1]] + [shown[-1]], W - 4)
        parts.append(f"It cannot represent the {n_cross} cross term{'s' if n_cross > 1 else ''}"
                     " of the full polynomial:\n"
                     + "\\begin{gather*}\n" + " \\\\\n".join(lines) + "\n\\end{gather*}\n")
        parts.append(_kolmogorov_arnold())
    else:
        parts.append("With one input (or degree at most 1) there are no cross terms, and the two "
                     "polynomials coincide.\n")
    mlp_formula = sp.latex(mlp_count([sp.Symbol("n"), 64, 1]))
    parts.append(f"Side by side with an MLP $[n, 64, 1]$, whose count ${mlp_formula}$ grows only "
                 "linearly in $n$:\n")
    table = count_table(ns=sorted({1, 2, 4, 8, 16, n}), degrees=[d])
    parts.append("\\begin{center}\n" + sp.latex(table) + "\n\\end{center}\n")
    return parts


def _kolmogorov_arnold() -> str:
    """Why composition restores the cross terms: the Kolmogorov–Arnold representation theorem."""
    return ("Composition restores them.  By the Kolmogorov--Arnold representation theorem "
            "(A.~N.~Kolmogorov 1957, V.~I.~Arnold 1957) every continuous $f$ on $[0, 1]^n$ is a sum of "
            "one-variable functions of sums of one-variable functions,\n"
            + display(r"f(x) = \sum_{q=0}^{2n} \Phi_q\Bigl(\sum_{p=1}^{n} \phi_{q,p}(x_p)\Bigr),")
            + "and the separable polynomial is one inner sum alone: a one-layer Kolmogorov--Arnold network.  "
            "Two layers with quadratic edges already hold the cross term exactly,\n"
            + display(r"x_1 x_2 = \tfrac{1}{4}\bigl((x_1 + x_2)^2 - (x_1 - x_2)^2\bigr)."))

