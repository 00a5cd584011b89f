"""Breaking long expressions across lines so that no display runs off the page.

:func:`break_expr` splits sums between terms, products between factors, and
long parenthesised sums, powers and function arguments inside
``\\Bigl( ... \\Bigr)``; :func:`break_terms` packs already printed pieces.
Widths are :func:`~symmlp.emit.latex.width.latex_width` estimates, in em.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from .printing import doc_latex, function_argument, function_name, name_sigmoids, ordered_terms
from .width import TEXT_WIDTH_EM, latex_width

__all__ = ["break_terms", "break_expr"]


def break_terms(terms: Sequence[str], width: float, *, joiner: str = " ") -> list[str]:
    """Pack LaTeX pieces greedily into lines no wider than ``width`` em.

    ``terms`` are printed pieces in order, each carrying its own leading
    operator (``"+ x_{2}"``); a piece wider than ``width`` gets a line of its own.

    Examples
    ========

    >>> from symmlp.emit.latex.layout import break_terms
    >>> break_terms(["x_{1}", "+ x_{2}", "+ x_{3}", "+ x_{4}"], 6)
    ['x_{1} + x_{2}', '+ x_{3} + x_{4}']
    """
    if width <= 0:
        raise ValueError(f"width must be positive (em), got {width!r}")
    lines: list[str] = []
    for term in terms:
        if lines and latex_width(lines[-1] + joiner + term) <= width:
            lines[-1] = lines[-1] + joiner + term
        else:
            lines.append(term)
    return lines


def _join(pieces: list[list[str]], width: float, joiner: str = " ", lead: str = "") -> list[str]:
    """Pack pieces, each a list of lines, into lines; multi-line pieces stay as they are.

    A line that starts with a new piece (not the first) is prefixed with ``lead``.
    """
    lines: list[str] = []
    for piece in pieces:
        first, *rest = piece
        if lines and latex_width(lines[-1] + joiner + first) <= width:
            lines[-1] = lines[-1] + joiner + first
        else:
            lines.append(lead + first if lines else first)
        lines.extend(rest)
    return _merge_widow(lines, width)


def _merge_widow(lines: list[str], width: float) -> list[str]:
    """Put a very short last line back on the line before when that barely overflows the
    (deliberately generous) width estimate."""
    if len(lines) >= 2 and latex_width(lines[-1]) < 0.2 * width:
        merged = lines[-2] + " " + lines[-1]
        if latex_width(merged) <= 1.08 * width:
            return [*lines[:-2], merged]
    return lines


def _wrap(open_: str, inner: list[str], close: str) -> list[str]:
    if len(inner) == 1:
        return [open_ + inner[0] + close]
    return [open_ + inner[0], *(r"\quad " + line for line in inner[1:-1]),
            r"\quad " + inner[-1] + close]


def _factor_lines(f: sp.Expr, width: float) -> list[str]:
    """One factor of a product, parenthesised where a product needs it."""
    if f.is_Add:
        tex = doc_latex(f)
        if latex_width(tex) + 1 <= width:
            return [rf"\left({tex}\right)"]
        return _wrap(r"\Bigl(", _lines(f, width - 2.5), r"\Bigr)")
    if f.is_Pow and f.base.is_Add and f.exp.is_Integer and f.exp > 0:
        tex = doc_latex(f)
        if latex_width(tex) <= width:
            return [tex]
        return _wrap(r"\Bigl(", _lines(f.base, width - 3), rf"\Bigr)^{{{f.exp}}}")
    return _lines(f, width)


def _sum_lines(expr: sp.Add, width: float) -> list[str]:
    """A sum split between terms; continuation lines begin with their sign."""
    pieces = []
    for k, term in enumerate(ordered_terms(expr)):
        if k == 0:
            sign, t = "", term
        elif term.could_extract_minus_sign():
            sign, t = "- ", -term
        else:
            sign, t = "+ ", term
        sub = _lines(t, width - 1.3) if sign else _lines(t, width)
        if sign and t.is_Add:
            sub = _wrap(r"\Bigl(", sub, r"\Bigr)")
        pieces.append([sign + sub[0], *sub[1:]])
    return _join(pieces, width)


def _product_lines(expr: sp.Mul, width: float) -> list[str]:
    """A product split between factors; continuation lines begin with ``\\cdot``."""
    sign = ""
    if expr.could_extract_minus_sign():
        sign, expr = "-", -expr
    num, den = sp.fraction(expr)
    pieces = []
    if den != 1:
        den_tex = doc_latex(den)
        pieces.append([rf"\frac{{1}}{{{den_tex}}}"])
    factors = num.as_ordered_factors() if num.is_Mul else [num]
    for f in factors:
        if f == 1:
            continue
        pieces.append(_factor_lines(f, width - 1.0))
    lines = _join(pieces, width - 1.0, lead=r"\cdot ")
    return [sign + lines[0], *lines[1:]]


def _lines(expr: sp.Expr, width: float) -> list[str]:
    tex = doc_latex(expr)
    if latex_width(tex) <= width:
        return [tex]
    if expr.is_Add:
        return _sum_lines(expr, width)
    if expr.is_Mul:
        return _product_lines(expr, width)
    if expr.is_Pow and expr.base.is_Add and expr.exp.is_Integer and expr.exp > 0:
        return _factor_lines(expr, width)
    name = function_name(expr)
    if name is not None:
        inner = _lines(function_argument(expr), width - latex_width(name) - 2)
        return _wrap(name + r"\Bigl(", inner, r"\Bigr)")
    return [tex]


def break_expr(expr: sp.Expr, width: float = TEXT_WIDTH_EM) -> list[str]:
    """``expr`` printed as LaTeX lines, each at most ``width`` em wide where possible.

    Sums are split between terms (continuation lines begin with their sign),
    products between factors (continuation lines begin with ``\\cdot``), and a
    long parenthesised sum, power or function argument is split inside
    ``\\Bigl( ... \\Bigr)``, which may span lines.  Join the lines with
    ``\\\\`` in an ``aligned`` or ``align*`` environment.

    Parameters
    ==========

    expr : sympy.Expr
    width : float
        The widest line allowed, in em (see :func:`latex_width`).

    Returns
    =======

    list of str
        One item when ``expr`` fits on one line.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.emit.latex.layout import break_expr
    >>> x = sp.symbols("x1:9")
    >>> break_expr(sum(x), width=12)
    ['x_{1} + x_{2} + x_{3} + x_{4} + x_{5}', '+ x_{6} + x_{7} + x_{8}']
    >>> break_expr(x[0] * x[1])
    ['x_{1} x_{2}']
    """
    if not isinstance(expr, sp.Basic):
        raise TypeError(f"expr must be a SymPy expression, got {expr!r}")
    if width <= 0:
        raise ValueError(f"width must be positive (em), got {width!r}")
    return _lines(name_sigmoids(expr), width)
