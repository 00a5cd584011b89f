"""Scalar symbols whose names stay unambiguous at any width and print as the math.

A name is ``<base><layer>_<i>_<j>...`` (``W1_1_11``: layer 1, row 1, column 11)
or ``<base>_<i>_<j>...`` without a layer (``a_2_0_1``: the coefficient of
``x_1**2 * x_3``).  Underscores separate every index, so ``W1_1_11`` and
``W1_11_1`` never collide.  LaTeX follows the math: ``W^{(1)}_{1,11}``, and so
does SymPy's unicode pretty printer: ``W⁽¹⁾₁,₁₁``.  The ASCII pretty form is the
name itself (``W1_1_11``), as ``str`` prints it.
"""

from __future__ import annotations

import re

import sympy as sp

__all__ = ["IndexedSymbol", "indexed"]

_HEAD = re.compile(r"([A-Za-z]+)(\d*)")
_GREEK = {"delta": r"\delta", "sigma": r"\sigma", "theta": r"\theta", "ubar": r"\bar{u}"}
_GREEK_UNICODE = {"delta": "δ", "sigma": "σ", "theta": "θ", "ubar": "ū"}
_SUPERSCRIPT = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class IndexedSymbol(sp.Symbol):
    """A SymPy Symbol that prints ``W1_1_11`` as ``W^{(1)}_{1,11}``.

    It is a different class from ``sympy.Symbol``, so ``Symbol("W1_1_1")`` is
    not the same symbol: take parameters from ``model.params``.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.models.symbols import indexed
    >>> w = indexed("W", 1, 1, 11)
    >>> w, sp.latex(w)
    (W1_1_11, 'W^{(1)}_{1,11}')
    >>> sp.latex(indexed("a", None, 2, 0, 1))
    'a_{2,0,1}'
    >>> print(sp.pretty(w * indexed("delta", 2, 3)), sp.pretty(w, use_unicode=False))
    W⁽¹⁾₁,₁₁⋅δ⁽²⁾₃ W1_1_11
    """

    def _parts(self) -> tuple[str, str, list[str]] | None:
        """``(base, layer, indices)`` of the name, or None when it is not of the indexed form."""
        head, *idx = self.name.split("_")
        match = _HEAD.fullmatch(head)
        if match is None:
            return None
        base, layer = match.groups()
        return base, layer, idx

    def _latex(self, printer) -> str:
        parts = self._parts()
        if parts is None:
            return printer._print_Symbol(self)
        base, layer, idx = parts
        base = _GREEK.get(base, base)
        sup = f"^{{({layer})}}" if layer else ""
        sub = f"_{{{','.join(idx)}}}" if idx else ""
        return f"{base}{sup}{sub}"

    def _pretty(self, printer):
        parts = self._parts()
        if parts is None or not printer._use_unicode or not all(i.isdigit() for i in parts[2]):
            return printer._print_Symbol(self)
        from sympy.printing.pretty.stringpict import prettyForm

        base, layer, idx = parts
        sup = f"({layer})".translate(_SUPERSCRIPT) if layer else ""
        sub = ",".join(i.translate(_SUBSCRIPT) for i in idx)
        return prettyForm(f"{_GREEK_UNICODE.get(base, base)}{sup}{sub}")


def indexed(base: str, layer: int | None, *index: int) -> IndexedSymbol:
    """The symbol ``<base><layer>_<i>_<j>...`` (``layer=None`` leaves it out)."""
    head = base if layer is None else f"{base}{layer}"
    return IndexedSymbol("_".join([head, *map(str, index)]))
