"""The vocabulary of a derivation: named batch quantities, terms, and equations.

A :class:`Var` is a named matrix of the matrix form (``Z1``, its LaTeX
``Z^{(1)}``, its rows); a :class:`Term` an unnamed right-hand side, written
three ways (text, LaTeX, code).  A :class:`MatrixEquation` names a term; an
:class:`IndexEquation` is one scalar equation of one sample.  Stages build
these; nothing here knows about models.

Code is written in NumPy's spelling (``np.tanh``, ``@``, ``.T``); each
emitter maps ``np.`` to its own array library.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..core.display import aligned

__all__ = ["Var", "Term", "MatrixEquation", "IndexEquation", "IndexForm", "substitute"]


@dataclass(frozen=True)
class Term:
    """An expression of the matrix form in text, LaTeX and code.

    ``var`` is set when the term is just a named quantity.
    """

    text: str
    tex: str
    code: str
    atomic: bool = False
    var: Var | None = None

    def wrapped(self) -> Term:
        """The term in parentheses unless it is atomic."""
        if self.atomic:
            return self
        return Term(f"({self.text})", rf"\left({self.tex}\right)", f"({self.code})", True)


@dataclass(frozen=True)
class Var:
    """A named matrix of the matrix form, ``rows × B`` (one column per sample).

    Examples
    ========

    >>> from symmlp.derive.equations import Var
    >>> Var.layered("Z", 1, 3)
    Var(code='Z1', text='Z1', tex='Z^{(1)}', rows=3)
    >>> Var.layered("D", 2, 1).text
    'Δ2'
    """

    code: str
    text: str
    tex: str
    rows: int

    _TEXT = {"D": "Δ"}
    _TEX = {"D": r"\Delta", "Phi": r"\Phi", "G": "G"}

    @classmethod
    def layered(cls, base: str, layer: int | None, rows: int) -> Var:
        """``Z1`` / ``Z^{(1)}``; ``D1`` prints as ``Δ1`` / ``\\Delta^{(1)}``."""
        tex_base = cls._TEX.get(base, base)
        suffix = "" if layer is None else str(layer)
        tex = tex_base if layer is None else f"{tex_base}^{{({layer})}}"
        return cls(f"{base}{suffix}", f"{cls._TEXT.get(base, base)}{suffix}", tex, rows)

    def term(self) -> Term:
        return Term(self.text, self.tex, self.code, True, self)

    @property
    def shape(self) -> str:
        return f"{self.rows} × B"


@dataclass(frozen=True)
class MatrixEquation:
    """One line of the matrix form: ``text``/``latex`` of both sides, its code.

    ``kind`` is ``"forward"``, ``"loss"``, ``"delta"``, ``"gradient"``, or for
    second order ``"rforward"``, ``"rloss"``, ``"rdelta"``, ``"hvp"``.
    """

    kind: str
    layer: int
    lhs: str
    rhs: str
    lhs_latex: str
    rhs_latex: str
    code: str
    shape: str

    @classmethod
    def assign(cls, kind: str, layer: int, lhs: Var, rhs: Term, code: str | None = None) -> MatrixEquation:
        """``lhs = rhs`` with the code ``lhs.code = rhs.code`` unless given."""
        return cls(kind, layer, lhs.text, rhs.text, lhs.tex, rhs.tex,
                   code if code is not None else f"{lhs.code} = {rhs.code}", lhs.shape)

    def __str__(self) -> str:
        return f"{self.lhs} = {self.rhs}"

    def _latex(self, printer=None) -> str:
        return f"{self.lhs_latex} = {self.rhs_latex}"

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self._latex()}$"


@dataclass(frozen=True)
class IndexEquation:
    """One scalar equation for one sample: ``lhs = rhs``.

    ``kind`` is ``"pre"``, ``"act"``, ``"loss"``, ``"delta"`` or ``"gradient"``
    (and ``"feature"`` for an intermediate feature); for a gradient ``lhs`` is
    the parameter and the equation reads ``dl/d(lhs) = rhs``.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.derive.equations import IndexEquation
    >>> e = IndexEquation("gradient", sp.Symbol("w"), sp.Symbol("d"))
    >>> print(e), e._repr_latex_()
    dl/dw = d
    (None, '$\\\\displaystyle \\\\frac{\\\\partial \\\\ell}{\\\\partial w} = d$')
    """

    kind: str
    lhs: sp.Symbol
    rhs: sp.Expr

    @property
    def key(self):
        """Where :func:`substitute` keeps this equation's value: a gradient under ``("g", parameter)``,
        a Hessian-vector entry under ``("h", parameter)``, anything else under its symbol (a
        parameter's own value is never overwritten)."""
        return ("h", self.lhs) if self.kind == "hvp" else ("g", self.lhs) if self.kind == "gradient" else self.lhs

    def lhs_latex(self, printer=None) -> str:
        p = printer._print if printer is not None else sp.latex
        if self.kind == "gradient":
            return rf"\frac{{\partial \ell}}{{\partial {p(self.lhs)}}}"
        return r"\ell" if self.kind == "loss" else p(self.lhs)

    def _latex(self, printer=None) -> str:
        p = printer._print if printer is not None else sp.latex
        return f"{self.lhs_latex(printer)} = {p(self.rhs)}"

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self._latex()}$"

    def __str__(self) -> str:
        lhs = f"dl/d{self.lhs}" if self.kind == "gradient" else str(self.lhs)
        return f"{lhs} = {self.rhs}"


class IndexForm(tuple):
    """A tuple of :class:`IndexEquation` that displays as one ``aligned`` block.

    It is a plain tuple otherwise (indexing, equality; a slice is again an
    :class:`IndexForm`, to show part of a long one); ``sympy.latex``
    and Jupyter show it aligned at the ``=`` signs (the first
    :data:`~symmlp.core.display.MAX_ALIGNED_ROWS` equations, then how many more).

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.derive.equations import IndexEquation, IndexForm
    >>> w, d = sp.symbols("w d")
    >>> form = IndexForm([IndexEquation("delta", d, 2 * w), IndexEquation("gradient", w, d)])
    >>> form == (form[0], form[1]), len(form), type(form[:1]).__name__
    (True, 2, 'IndexForm')
    >>> print(sp.latex(form))
    \\begin{aligned}
    d &= 2 w \\\\
    \\frac{\\partial \\ell}{\\partial w} &= d
    \\end{aligned}
    """

    __slots__ = ()

    def __getitem__(self, key):
        item = super().__getitem__(key)
        return IndexForm(item) if isinstance(key, slice) else item

    def _latex(self, printer=None) -> str:
        p = printer._print if printer is not None else sp.latex
        return aligned([(e.lhs_latex(printer), p(e.rhs)) for e in self])

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self._latex()}$"


def substitute(eqs, env: dict) -> dict:
    """Each equation's right-hand side with the values found so far put in, in order; returns ``env``
    extended by every value under :attr:`IndexEquation.key` (the loss equation is skipped).

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.derive.equations import IndexEquation, substitute
    >>> w, x, z = sp.symbols("w x z")
    >>> out = substitute([IndexEquation("pre", z, w * x), IndexEquation("gradient", w, 2 * z * x)], {})
    >>> out[("g", w)]
    2*w*x**2
    """
    out = dict(env)
    for e in eqs:
        if e.kind != "loss":
            out[e.key] = e.rhs.xreplace(out)
    return out
