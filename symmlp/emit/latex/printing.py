"""How the documents print an expression: SymPy's LaTeX with ``sigma(z)``, ``ReLU(z)`` and ``ReLU'(z)``.

:func:`doc_latex` prints; :func:`name_sigmoids`, :func:`ordered_terms`,
:func:`function_name` and :func:`function_argument` are what the line
breaker needs to print the pieces of an expression the same way.
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter

__all__ = ["Sigmoid", "doc_latex", "name_sigmoids", "ordered_terms", "function_name", "function_argument"]


class Sigmoid(sp.Function):
    """``1/(1 + exp(-z))``, shown as ``sigma(z)`` (what :func:`name_sigmoids` puts in an expression).

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.emit.latex.printing import Sigmoid
    >>> sp.latex(Sigmoid(sp.Symbol("z")))
    '\\\\sigma\\\\!\\\\left(z\\\\right)'
    """

    nargs = 1

    def _latex(self, printer) -> str:
        return rf"\sigma\!\left({printer._print(self.args[0])}\right)"


class _DocPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the documents' names for ReLU and its derivative."""

    def _print_Max(self, expr, exp=None):
        rest = [a for a in expr.args if a != 0]
        if len(expr.args) == 2 and len(rest) == 1:
            tex = rf"\operatorname{{ReLU}}\!\left({self._print(rest[0])}\right)"
            return tex if exp is None else rf"{tex}^{{{exp}}}"
        return super()._print_Max(expr, exp)

    def _print_Heaviside(self, expr, exp=None):
        tex = rf"\operatorname{{ReLU}}'\!\left({self._print(expr.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


_PRINTER = _DocPrinter()


def _is_sigmoid(e: sp.Basic) -> bool:
    if not (e.is_Pow and e.exp == -1 and e.base.is_Add and len(e.base.args) == 2):
        return False
    one, other = sorted(e.base.args, key=lambda a: not a.is_Number)
    return one == 1 and isinstance(other, sp.exp)


def name_sigmoids(expr: sp.Basic) -> sp.Basic:
    """``expr`` with every ``1/(1 + exp(-z))`` replaced by :class:`Sigmoid` ``(z)``.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.emit.latex.printing import name_sigmoids
    >>> z = sp.Symbol("z")
    >>> name_sigmoids(2 / (1 + sp.exp(-z)))
    2*Sigmoid(z)
    """
    def build(e):
        other = next(a for a in e.base.args if isinstance(a, sp.exp))
        return Sigmoid(-other.args[0])

    return expr.replace(_is_sigmoid, build)


def doc_latex(expr: sp.Basic) -> str:
    """LaTeX of ``expr`` as the documents print it.

    ``1/(1 + e^{-z})`` prints as ``sigma(z)``, ``Max(0, z)`` as ``ReLU(z)`` and
    ``Heaviside(z, 0)`` as ``ReLU'(z)``; everything else as ``sympy.latex``.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.emit.latex.layout import doc_latex
    >>> z = sp.Symbol("z")
    >>> print(doc_latex(1 / (1 + sp.exp(-z))))
    \\sigma\\!\\left(z\\right)
    >>> print(doc_latex(sp.Max(0, z)))
    \\operatorname{ReLU}\\!\\left(z\\right)
    """
    if isinstance(expr, str | bytes):
        raise TypeError(f"doc_latex needs a SymPy expression or a number, not a string: {expr!r}")
    try:
        expr = sp.sympify(expr, strict=True)
    except sp.SympifyError:
        raise TypeError(f"doc_latex needs a SymPy expression or a number, got {expr!r}") from None
    return _PRINTER.doprint(name_sigmoids(expr))


def ordered_terms(expr: sp.Add) -> list[sp.Expr]:
    """The terms of the sum ``expr`` in the order :func:`doc_latex` prints them.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.emit.latex.printing import ordered_terms
    >>> x, y = sp.symbols("x y")
    >>> ordered_terms(y + x**2 + 1)
    [x**2, y, 1]
    """
    return _PRINTER._as_ordered_terms(expr)


_FUNCTION_NAMES = {Sigmoid: r"\sigma", sp.exp: r"\exp", sp.tanh: r"\tanh", sp.log: r"\log",
                   sp.Heaviside: r"\operatorname{ReLU}'"}


def function_name(expr: sp.Basic) -> str | None:
    """The LaTeX name of the one-argument function ``expr`` applies (``\\sigma``, ``\\operatorname{ReLU}``, ...),
    or None when it is not one the documents break inside.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.emit.latex.printing import function_name
    >>> z = sp.Symbol("z")
    >>> function_name(sp.Max(0, z)), function_name(sp.tanh(z)), function_name(z + 1)
    ('\\\\operatorname{ReLU}', '\\\\tanh', None)
    """
    if isinstance(expr, sp.Max) and len(expr.args) == 2 and 0 in expr.args:
        return r"\operatorname{ReLU}"
    for cls, name in _FUNCTION_NAMES.items():
        if isinstance(expr, cls):
            return name
    return None


def function_argument(expr: sp.Basic) -> sp.Expr:
    """The argument of a function :func:`function_name` names (``z`` of ``Max(0, z)``).

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.emit.latex.printing import function_argument
    >>> z = sp.Symbol("z")
    >>> function_argument(sp.Max(0, z)), function_argument(sp.exp(2 * z))
    (z, 2*z)
    """
    if isinstance(expr, sp.Max):
        return next(a for a in expr.args if a != 0)
    return expr.args[0]
