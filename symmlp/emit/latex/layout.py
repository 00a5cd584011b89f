"""How the documents are typeset: printing, width estimates, line breaking, the page.

:func:`doc_latex` prints an expression the documents' way (``sigma(z)``,
``ReLU(z)``), :func:`latex_width` estimates how wide printed LaTeX is, and
:func:`break_expr` / :func:`break_terms` break long expressions across lines
(sums between terms, products between factors) so that no display runs off the
A4 page of :data:`TEXT_WIDTH_EM`.  The private helpers at the end set broken
lines as ``align*`` rows and wrap parts in the documents' preamble; the page
needs only ``amsmath``, ``amssymb`` and ``geometry``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sympy as sp
from sympy.printing.latex import LatexPrinter

from ...files import TEXT_MARK

__all__ = [
    "align",
    "align_rows",
    "display",
    "document",
    "equation_rows",
    "escape",
    "section",
    "latex_width",
    "break_terms",
    "break_expr",
    "doc_latex",
    "TEXT_WIDTH_EM",
]

#: The text width of the documents' page (A4, 2.5 cm margins, 10 pt), in em.
TEXT_WIDTH_EM = 45.0

_PREAMBLE = r"""\documentclass[10pt,a4paper]{article}
\usepackage[a4paper,margin=2.5cm]{geometry}
\usepackage{amsmath}
\usepackage{amssymb}
\pdfinfo{/Creator (symmlp)}
\pdfobjcompresslevel=0
\allowdisplaybreaks
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6ex}
\renewcommand{\arraystretch}{1.25}
"""

# ----------------------------------------------------------------------------- widths

_CMD_WIDTH = {
    "cdots": 1.4, "ldots": 1.4, "dots": 1.4, "vdots": 0.4, "cdot": 0.8, "odot": 1.3,
    "times": 1.3, "top": 0.8, "quad": 1.0, "qquad": 2.0, ",": 0.17, "!": -0.17, ";": 0.28,
    ":": 0.22, " ": 0.33, "partial": 0.6, "ell": 0.45, "sum": 1.5, "in": 1.2, "to": 1.6,
    "rightarrow": 1.6, "Rightarrow": 1.6, "mapsto": 1.6, "lVert": 0.5, "rVert": 0.5, "le": 1.3,
    "leq": 1.3, "ge": 1.3, "approx": 1.3, "Delta": 0.85, "Phi": 0.8, "infty": 1.0,
    "eta": 0.5, "theta": 0.5, "nabla": 0.85, "tanh": 1.7, "log": 1.3, "exp": 1.5, "max": 1.7,
    "min": 1.7, "sigma": 0.6, "delta": 0.5, "hline": 0.0, "hat": 0.0, "displaystyle": 0.0,
    "textstyle": 0.0, "prime": 0.3,
}
_DELIM_CMDS = {"left": 0.45, "right": 0.45, "bigl": 0.5, "bigr": 0.5, "Bigl": 0.6, "Bigr": 0.6,
               "big": 0.5, "Big": 0.6}
_TEXT_CMDS = {"operatorname", "mathrm", "text", "mathbf", "mathbb", "textbf", "mathit"}
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[{}^_]|\s+|.", re.S)


def _tokens(tex: str) -> list[str]:
    return [t for t in _TOKEN.findall(tex) if not t.isspace()]


def _group(tokens: list[str], i: int) -> tuple[list[str], int]:
    """The argument at ``tokens[i]``: a braced group or a single token."""
    if i >= len(tokens):
        return [], i
    if tokens[i] != "{":
        return [tokens[i]], i + 1
    depth, j = 0, i
    while j < len(tokens):
        depth += {"{": 1, "}": -1}.get(tokens[j], 0)
        if depth == 0:
            return tokens[i + 1 : j], j + 1
        j += 1
    return tokens[i + 1 :], len(tokens)


def _width(tokens: list[str]) -> float:
    total, i, last_script = 0.0, 0, None
    while i < len(tokens):
        t = tokens[i]
        if t in "^_":
            arg, i = _group(tokens, i + 1)
            w = 0.72 * _width(arg)
            if last_script is not None:  # a sub- and superscript stack: take the wider
                total += max(0.0, w - last_script)
                last_script = None
            else:
                total += w
                last_script = w
            continue
        last_script = None
        if t in "{}":
            i += 1
            continue
        if t.startswith("\\"):
            name = t[1:]
            if name == "frac":
                num, i = _group(tokens, i + 1)
                den, i = _group(tokens, i)
                total += max(_width(num), _width(den)) + 0.3
                continue
            if name in _TEXT_CMDS:
                arg, i = _group(tokens, i + 1)
                total += 0.5 * len("".join(arg)) + (0.3 if name == "operatorname" else 0.0)
                continue
            if name in _DELIM_CMDS:
                _, i = _group(tokens, i + 1)
                total += _DELIM_CMDS[name]
                continue
            if name in ("begin", "end"):
                _, i = _group(tokens, i + 1)
                continue
            total += _CMD_WIDTH.get(name, 0.8)
            i += 1
            continue
        if t in "+-":
            total += 1.25
        elif t in "=<>":
            total += 1.35
        elif t in "()[]|":
            total += 0.4
        elif t == ",":
            total += 0.45
        elif t == "'":
            total += 0.3
        elif t == "&":
            pass
        elif t.isdigit():
            total += 0.5
        else:
            total += 0.58
        i += 1
    return total


def latex_width(tex: str) -> float:
    """An estimate of the printed width of math-mode LaTeX, in em (display style).

    It errs on the wide side, so that lines kept under the text width really fit.

    Examples
    ========

    >>> from symmlp.emit.latex.layout import latex_width
    >>> latex_width("x_{1} + x_{2}") > latex_width("x_{1}")
    True
    >>> latex_width(r"\\frac{1}{2}") < latex_width("12")
    True
    """
    return 1.2 * _width(_tokens(tex))


# ---------------------------------------------------------------------------- printing


class _Sigmoid(sp.Function):
    """``1/(1 + exp(-z))``, shown as ``sigma(z)``."""

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


def _name_sigmoids(expr: sp.Basic) -> sp.Basic:
    def build(e):
        other = next(a for a in e.base.args if isinstance(a, sp.exp))
        return _Sigmoid(-other.args[0])

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
    return _PRINTER.doprint(_name_sigmoids(expr))


# --------------------------------------------------------------------------- breaking


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


_FUNC_NAMES = {_Sigmoid: r"\sigma", sp.exp: r"\exp", sp.tanh: r"\tanh", sp.log: r"\log",
               sp.Heaviside: r"\operatorname{ReLU}'"}


def _func_name(expr: sp.Basic) -> str | None:
    if isinstance(expr, sp.Max) and len(expr.args) == 2 and 0 in expr.args:
        return r"\operatorname{ReLU}"
    for cls, name in _FUNC_NAMES.items():
        if isinstance(expr, cls):
            return name
    return None


def _func_arg(expr: sp.Basic) -> sp.Expr:
    if isinstance(expr, sp.Max):
        return next(a for a in expr.args if a != 0)
    return expr.args[0]


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


def _lines(expr: sp.Expr, width: float) -> list[str]:
    tex = doc_latex(expr)
    if latex_width(tex) <= width:
        return [tex]
    if expr.is_Add:
        pieces = []
        for k, term in enumerate(_PRINTER._as_ordered_terms(expr)):
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
    if expr.is_Mul:
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
    if expr.is_Pow and expr.base.is_Add and expr.exp.is_Integer and expr.exp > 0:
        return _factor_lines(expr, width)
    name = _func_name(expr)
    if name is not None:
        inner = _lines(_func_arg(expr), width - latex_width(name) - 2)
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
    return _lines(_name_sigmoids(expr), width)


# ------------------------------------------------------------------------- align rows


def align_rows(lhs: str, lines: Sequence[str], rel: str = "=") -> list[str]:
    """``align*`` rows: ``lhs &= line_0`` then ``&\\qquad line_k``."""
    rows = [f"{lhs} &{rel} {lines[0]}"]
    for line in lines[1:]:
        lead = "{}" if line[:1] in "+-" else ""
        rows.append(rf"&\qquad {lead}{line}")
    return rows


def align(rows: Sequence[str]) -> str:
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}\n"


def equation_rows(lhs: str, expr: sp.Expr, width: float = TEXT_WIDTH_EM) -> list[str]:
    avail = width - latex_width(lhs) - 4.0
    return align_rows(lhs, break_expr(expr, max(avail, 10.0)))


# ------------------------------------------------------------------------------- page


def escape(text: str) -> str:
    """Plain text made safe for LaTeX's text mode."""
    table = {"\\": r"\textbackslash{}", "_": r"\_", "%": r"\%", "&": r"\&", "#": r"\#",
             "$": r"\$", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}"}
    return "".join(table.get(c, c) for c in text)


def document(title: str, parts: Sequence[str]) -> str:
    head = (f"% {TEXT_MARK}\n{_PREAMBLE}\\begin{{document}}\n\\begin{{center}}\n{{\\Large {escape(title)}}}\n"
            "\\end{center}\n\n")
    return head + "\n".join(parts) + "\\end{document}\n"


def section(name: str) -> str:
    return f"\\section*{{{name}}}\n"


def display(tex: str) -> str:
    return f"\\[\n{tex}\n\\]\n"
