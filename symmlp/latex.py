"""Standalone LaTeX documents: derivations, polynomial counts, one exact GD step.

Everything printed here goes through SymPy's printer and the objects' own
``_latex`` hooks.  Long expressions are broken across lines by
:func:`break_expr`, which splits sums into chunks of terms and products into
chunks of factors, so that no display runs off an A4 page; the documents use
only ``amsmath``, ``amssymb`` and ``geometry`` (all in TeX Live's base set).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from math import comb

import sympy as sp
from sympy.printing.latex import LatexPrinter

__all__ = [
    "latex_width",
    "break_terms",
    "break_expr",
    "doc_latex",
    "derivation_document",
    "polynomial_document",
    "gd_step_document",
    "TEXT_WIDTH_EM",
]

#: The text width of the documents' page (A4, 2.5 cm margins, 10 pt), in em.
TEXT_WIDTH_EM = 45.0

_PREAMBLE = r"""\documentclass[10pt,a4paper]{article}
\usepackage[a4paper,margin=2.5cm]{geometry}
\usepackage{amsmath}
\usepackage{amssymb}
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

    >>> from symmlp.latex import latex_width
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
    >>> from symmlp.latex import doc_latex
    >>> z = sp.Symbol("z")
    >>> print(doc_latex(1 / (1 + sp.exp(-z))))
    \\sigma\\!\\left(z\\right)
    >>> print(doc_latex(sp.Max(0, z)))
    \\operatorname{ReLU}\\!\\left(z\\right)
    """
    return _PRINTER.doprint(_name_sigmoids(sp.sympify(expr)))


# --------------------------------------------------------------------------- breaking


def break_terms(terms: Sequence[str], width: float, *, joiner: str = " ") -> list[str]:
    """Pack LaTeX pieces greedily into lines no wider than ``width`` em.

    ``terms`` are printed pieces in order, each carrying its own leading
    operator (``"+ x_{2}"``); a piece wider than ``width`` gets a line of its own.

    Examples
    ========

    >>> from symmlp.latex import break_terms
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
    >>> from symmlp.latex import break_expr
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
    return _lines(_name_sigmoids(sp.sympify(expr)), width)


def _rows(lhs: str, lines: Sequence[str], rel: str = "=") -> list[str]:
    """``align*`` rows: ``lhs &= line_0`` then ``&\\qquad line_k``."""
    rows = [f"{lhs} &{rel} {lines[0]}"]
    for line in lines[1:]:
        lead = "{}" if line[:1] in "+-" else ""
        rows.append(rf"&\qquad {lead}{line}")
    return rows


def _align(rows: Sequence[str]) -> str:
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}\n"


def _equation(lhs: str, expr: sp.Expr, width: float = TEXT_WIDTH_EM) -> list[str]:
    avail = width - latex_width(lhs) - 4.0
    return _rows(lhs, break_expr(expr, max(avail, 10.0)))


# -------------------------------------------------------------------------- documents


def _escape(text: str) -> str:
    """Plain text made safe for LaTeX's text mode."""
    table = {"\\": r"\textbackslash{}", "_": r"\_", "%": r"\%", "&": r"\&", "#": r"\#",
             "$": r"\$", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}"}
    return "".join(table.get(c, c) for c in text)


def _document(title: str, parts: Sequence[str]) -> str:
    head = (f"{_PREAMBLE}\\begin{{document}}\n\\begin{{center}}\n{{\\Large {_escape(title)}}}\n"
            "\\end{center}\n\n")
    return head + "\n".join(parts) + "\\end{document}\n"


def _section(name: str) -> str:
    return f"\\section*{{{name}}}\n"


def _display(tex: str) -> str:
    return f"\\[\n{tex}\n\\]\n"


def _reals(*dims: object) -> str:
    if not dims:
        return r"\mathbb{R}"
    return r"\mathbb{R}^{" + r" \times ".join(map(str, dims)) + "}"


_Z = sp.Symbol("z")
_ACT_DEFS = {
    "identity": (r"\operatorname{id}(z) = z", r"\operatorname{id}'(z) = 1"),
    "relu": (r"\operatorname{ReLU}(z) = \max(0, z)",
             r"\operatorname{ReLU}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}"),
    "sigmoid": (r"\sigma(z) = \frac{1}{1 + e^{-z}}", r"\sigma'(z) = \sigma(z)\bigl(1 - \sigma(z)\bigr)"),
    "tanh": (r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}", r"\tanh'(z) = 1 - \tanh^{2}(z)"),
    "softplus": (r"\operatorname{softplus}(z) = \log\bigl(1 + e^{z}\bigr)",
                 r"\operatorname{softplus}'(z) = \sigma(z) = \frac{1}{1 + e^{-z}}"),
}


def _activation_rows(sigmas) -> list[str]:
    rows, seen = [], set()
    for s in sigmas:
        if s.name in seen or s.name == "identity":
            continue
        seen.add(s.name)
        if s.name in _ACT_DEFS:
            form, deriv = _ACT_DEFS[s.name]
        else:
            form = f"{s.latex_name}(z) = {sp.latex(s(_Z))}"
            deriv = f"{s.latex_name}'(z) = {sp.latex(s.derivative(_Z))}"
        rows.append(f"{form} &\\qquad {deriv}")
    return rows


def _affine_terms(W: sp.Matrix, b: sp.Matrix, inputs: Sequence[str], i: int, keep: int) -> list[str]:
    """The terms of row ``i`` of ``W a + b``, eliding the middle when there are more than ``keep``."""
    cols = list(range(W.cols))
    terms = [f"{doc_latex(W[i, j])} {inputs[j]}" for j in cols]
    if len(terms) > keep:
        terms = [*terms[: keep - 1], r"\cdots", terms[-1]]
    return [*terms, doc_latex(b[i])]


def _layer_display(model, l: int, width: float) -> str:
    """The post's one-layer display for layer ``l``, with the model's own symbols."""
    W, b, sigma = model.weight(l), model.bias(l), model.sigma(l)
    n_in, n_out = W.cols, W.rows
    ins = [f"x_{{{j}}}" if l == 1 else f"a^{{({l - 1})}}_{{{j}}}" for j in range(1, n_in + 1)]
    vec_in = ins if n_in <= 4 else [*ins[:2], r"\vdots", ins[-1]]
    rows = list(range(n_out)) if n_out <= 4 else [0, 1, None, n_out - 1]
    name = "" if sigma.name == "identity" else sigma.latex_name
    inp = "x" if l == 1 else f"a^{{({l - 1})}}"
    rhs = (rf"W^{{({l})}} {inp} + b^{{({l})}}" if not name
           else rf"{name}\bigl(W^{{({l})}} {inp} + b^{{({l})}}\bigr)")
    for keep in (max(n_in, 2), 4, 3, 2):
        cells = []
        for i in rows:
            if i is None:
                cells.append(r"\vdots")
                continue
            inner = " + ".join(_affine_terms(W, b, ins, i, keep)).replace(r"+ \cdots +", r"+ \cdots +")
            cells.append(rf"{name}\bigl({inner}\bigr)" if name else inner)
        tex = (r"\begin{bmatrix} " + r" \\ ".join(vec_in) + r" \end{bmatrix}"
               + rf" \xrightarrow{{L_{{{l}}}}} \begin{{bmatrix}} " + r" \\ ".join(cells)
               + rf" \end{{bmatrix}} = {rhs}")
        widest = max(latex_width(c) for c in cells)
        if widest + latex_width(rhs) + 10 <= width:
            break
    return _display(tex)


def _general_one_layer() -> str:
    def row(i: str) -> str:
        return (rf"\sigma(w_{{{i}1}}x_1 + w_{{{i}2}}x_2 + \cdots + w_{{{i}n}}x_n + b_{{{i}}})")

    return _display(
        r"\begin{bmatrix} x_1 \\ x_2 \\ \vdots \\ x_n \end{bmatrix} \xrightarrow{L_1} "
        r"\begin{bmatrix} " + r" \\ ".join([row("1"), row("2"), r"\vdots", row("m")])
        + r" \end{bmatrix} = \sigma(Wx + b)")


def _composition(widths: Sequence[int]) -> str:
    spaces = [_reals(w) for w in widths]
    arrows = [rf"\xrightarrow{{L_{{{l}}}}}" for l in range(1, len(widths))]
    parts = [spaces[0]]
    if len(widths) > 7:
        parts += [arrows[0], spaces[1], r"\rightarrow \cdots \rightarrow", spaces[-2], arrows[-1],
                  spaces[-1]]
    else:
        for arrow, space in zip(arrows, spaces[1:]):
            parts += [arrow, space]
    return _display(" ".join([*parts, r"\xrightarrow{\ell}", r"\mathbb{R}"]))


def _matrix_rows(equations, shapes: bool = True) -> list[str]:
    rows = []
    for e in equations:
        shape = e.shape.replace("×", r"\times")
        where = "" if e.shape == "scalar" or not shapes else rf" && \in {_reals(shape)}"
        rows.append(f"{e.lhs_latex} &= {e.rhs_latex}{where}")
    return rows


_LOSS_SAMPLE = {
    "mse": r"\ell = \frac{1}{2} \sum_{k=1}^{m} \bigl(\hat{y}_k - y_k\bigr)^{2}",
    "bce": r"\ell = -\sum_{k=1}^{m} \Bigl[ y_k \log \hat{y}_k + (1 - y_k) \log(1 - \hat{y}_k) \Bigr]",
    "softmax_ce": r"\ell = \log \sum_{k=1}^{m} e^{z^{(L)}_k} - \sum_{k=1}^{m} y_k z^{(L)}_k",
}


def _output_delta(loss: str, sigma) -> str:
    head = r"\delta^{(L)}_k = \frac{\partial \ell}{\partial z^{(L)}_k} &= "
    if loss == "bce":
        return head + r"\hat{y}_k - y_k"
    if loss == "softmax_ce":
        return head + (r"\operatorname{softmax}\bigl(z^{(L)}\bigr)_k - y_k"
                       r" = \frac{e^{z^{(L)}_k}}{\sum_{i} e^{z^{(L)}_i}} - y_k")
    if sigma.name == "identity":
        return head + r"\hat{y}_k - y_k"
    return head + rf"\bigl(\hat{{y}}_k - y_k\bigr)\, {sigma.latex_name}'\bigl(z^{{(L)}}_k\bigr)"


def _check_mlp(model) -> None:
    from .mlp import MLP

    if not isinstance(model, MLP):
        raise TypeError(
            f"derivation_document needs an MLP, got {model!r}; for polynomials use "
            "polynomial_document(n, d)")


_INDEX_GROUPS = (("pre", "act"), ("loss",), ("delta", "gradient"))


def _index_section(derivation, width: float) -> list[str]:
    eqs = derivation.index
    out = []
    titles = ("Forward, one sample:", "Loss of that sample:", "Backward, output layer first:")
    for title, kinds in zip(titles, _INDEX_GROUPS):
        rows = []
        for e in eqs:
            if e.kind in kinds:
                rows += _equation(e.lhs_latex(), e.rhs, width)
        out.append(f"{title}\n" + _align(rows))
    return out


def derivation_document(model, loss: str = "mse", *, title: str | None = None,
                        expanded_max_params: int = 20, max_index_equations: int = 80) -> str:
    """A standalone LaTeX article deriving an MLP's loss gradient by backpropagation.

    It holds the model and its shapes, the forward pass (the post's one-layer
    elementwise display, layer by layer, and the matrix form), the N-layer
    composition, the parameter count with its formula, the loss, the
    backpropagation equations in index form (general, then this network's own)
    and in matrix form, and, for tiny networks, every parameter's gradient
    written out in full.  Long lines are broken with :func:`break_expr`.

    Parameters
    ==========

    model : MLP
    loss : str
        ``"mse"``, ``"bce"`` (sigmoid output) or ``"softmax_ce"``.
    title : str, optional
        Defaults to a description of the model.
    expanded_max_params : int
        Write out the explicit gradient when the model has at most this many
        parameters.
    max_index_equations : int
        Write out this network's scalar equations when there are at most this
        many of them.

    Returns
    =======

    str
        The document, from ``\\documentclass`` to ``\\end{document}``; it
        needs only ``amsmath``, ``amssymb`` and ``geometry``.

    Examples
    ========

    >>> from symmlp.mlp import MLP
    >>> tex = derivation_document(MLP([2, 2, 1], activation="relu"))
    >>> tex.startswith("\\\\documentclass")
    True
    >>> r"\\sum_{l=1}^{L} (n_{l-1} + 1)\\, n_l" in tex and "= 9" in tex
    True
    """
    from .derivation import backprop

    _check_mlp(model)
    check = int(expanded_max_params), int(max_index_equations)
    if min(check) < 0:
        raise ValueError(f"expanded_max_params and max_index_equations must be >= 0, got {check}")
    d = backprop(model, loss)
    loss_name = d.loss.name
    widths, L = model.widths, model.n_layers
    W = TEXT_WIDTH_EM
    acts = model.activation_names
    layers = (f"{acts[0]} output" if L == 1 else
              f"{', '.join(dict.fromkeys(acts[:-1]))} hidden, {acts[-1]} output")
    title = title or f"Backpropagation through an MLP {list(widths)} ({layers}, {loss_name} loss)"
    parts = [f"This derivation was generated by symmlp, with the loss \\texttt{{{_escape(loss_name)}}}, "
             "from\n\\begin{center}\n"
             f"\\texttt{{{_escape(repr(model))}}}\n\\end{{center}}\n"]

    # the model
    parts.append(_section("The model"))
    parts.append(f"The network has $L = {L}$ layer{'s' if L > 1 else ''}; layer $l$ computes "
                 r"$a^{(l)} = \sigma_l\bigl(W^{(l)} a^{(l-1)} + b^{(l)}\bigr)$ from "
                 "$a^{(0)} = x$, so that\n")
    formula = sp.latex(model)
    if latex_width(formula) > W:
        formula = (rf"\hat{{y}} = \bigl(L_{{{L}}} \circ \cdots \circ L_1\bigr)(x), \qquad "
                   r"L_l(a) = \sigma_l\bigl(W^{(l)} a + b^{(l)}\bigr)")
    parts.append(_display(formula))
    rows = [r"layer $l$ & $W^{(l)}$ & $b^{(l)}$ & $\sigma_l$ & parameters $(n_{l-1}+1)\,n_l$ \\ \hline"]
    for l, (n_in, n_out) in enumerate(zip(widths, widths[1:]), start=1):
        rows.append(f"{l} & ${_reals(n_out, n_in)}$ & ${_reals(n_out)}$ & "
                    f"${model.sigma(l).latex_name}$ & "
                    f"${n_in + 1} \\cdot {n_out} = {(n_in + 1) * n_out}$ \\\\")
    parts.append("\\begin{center}\n\\begin{tabular}{ccccr}\n" + "\n".join(rows)
                 + "\n\\end{tabular}\n\\end{center}\n")
    act_rows = _activation_rows(model.sigmas)
    if act_rows:
        parts.append("The activations and their derivatives:\n" + _align(act_rows))
    if "relu" in model.activation_names:
        parts.append(r"By convention $\operatorname{ReLU}'(0) = 0$, in the exact and in the "
                     "numeric computation alike.\n")

    # forward pass
    parts.append(_section("The forward pass"))
    parts.append("One layer, written out row by row, maps $x \\in \\mathbb{R}^n$ to "
                 "$\\mathbb{R}^m$:\n")
    parts.append(_general_one_layer())
    parts.append("For this network, layer by layer:\n")
    parts += [_layer_display(model, l, W) for l in range(1, L + 1)]
    parts.append("In matrix form, for a batch of $B$ samples stored as the columns of "
                 f"$X \\in {_reals(model.n_inputs, 'B')}$:\n")
    parts.append(_align(_matrix_rows([e for e in d.matrix if e.kind == "forward"])))
    parts.append(f"The $N$-layer composition, here with $N = {L}$, followed by the loss:\n")
    parts.append(_composition(widths))

    # parameter count
    parts.append(_section("Counting the parameters"))
    terms = [f"({a} + 1) \\cdot {b}" for a, b in zip(widths, widths[1:])]
    lines = break_terms([terms[0], *(f"+ {t}" for t in terms[1:])], W - 22)
    lines[-1] += f" = {model.num_params}"
    count_rows = [rf"|\theta| = \sum_{{l=1}}^{{L}} (n_{{l-1}} + 1)\, n_l &= {lines[0]}"]
    count_rows += [rf"&\qquad {{}}{line}" for line in lines[1:]]
    parts.append(_align(count_rows))

    # loss
    parts.append(_section("The loss"))
    parts.append("Per sample, with $\\hat{y} = a^{(L)}$,\n")
    parts.append(_display(_LOSS_SAMPLE[loss_name]))
    parts.append("and over the batch $L = \\frac{1}{B} \\sum_{b=1}^{B} \\ell_b$; in matrix form\n")
    parts.append(_align(_matrix_rows([e for e in d.matrix if e.kind == "loss"])))

    # backprop, index form
    parts.append(_section("Backpropagation in index form"))
    parts.append(r"Write $z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}$ and "
                 r"$\delta^{(l)}_j = \partial \ell / \partial z^{(l)}_j$.  "
                 "The chain rule, applied from the output back, gives\n")
    general = [_output_delta(loss_name, model.sigma(L))]
    if L > 1:
        general.append(r"\delta^{(l)}_j &= \sigma_l'\bigl(z^{(l)}_j\bigr) \sum_{i} W^{(l+1)}_{ij}"
                       r" \delta^{(l+1)}_i \qquad (l < L)")
    general += [r"\frac{\partial \ell}{\partial W^{(l)}_{ij}} &= \delta^{(l)}_i a^{(l-1)}_j",
                r"\frac{\partial \ell}{\partial b^{(l)}_{i}} &= \delta^{(l)}_i"]
    parts.append(_align(general))
    n_index = 2 * sum(widths[1:]) + 1 + sum(widths[1:]) + model.num_params
    if n_index <= check[1]:
        parts.append(f"For this network the {n_index} scalar equations are, in order of evaluation:\n")
        parts += _index_section(d, W)
    else:
        parts.append(f"(This network's {n_index} scalar equations are not written out.)\n")

    # backprop, matrix form
    parts.append(_section("Backpropagation in matrix form"))
    parts.append(r"With $\Delta^{(l)}$ the matrix of the $\delta^{(l)}$ of the batch "
                 r"(one column per sample) and $\mathbf{1}$ the column of $B$ ones:" + "\n")
    parts.append(_align(_matrix_rows([e for e in d.matrix if e.kind in ("delta", "gradient")])))

    # expanded
    if model.num_params <= check[0]:
        parts.append(_section("The gradient written out"))
        parts.append("Substituting the equations above into one another gives each "
                     "parameter's gradient for one sample explicitly in $x$, $y$ and $\\theta$:\n")
        rows = []
        for p, g in d.expand().items():
            rows += _equation(rf"\frac{{\partial \ell}}{{\partial {doc_latex(p)}}}", g, W)
        parts.append(_align(rows))
    return _document(title, parts)


def _monomial_terms(model, max_terms: int) -> list[str]:
    terms = []
    for coeff, mono in zip(model.params, model.monomials):
        m = "" if mono == 1 else " " + doc_latex(mono)
        terms.append(doc_latex(coeff) + m)
    if len(terms) > max_terms:
        terms = [*terms[: max_terms - 1], r"\cdots", terms[-1]]
    return [terms[0], *(f"+ {t}" for t in terms[1:])]


def _written_out(lhs: str, terms: list[str], width: float) -> list[str]:
    return _rows(lhs, break_terms(terms, width - latex_width(lhs) - 4))


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
    from .counting import count_table, mlp_count, polynomial_count, separable_count
    from .polynomial import Polynomial, SeparablePolynomial

    full, sep = Polynomial(n, d), SeparablePolynomial(n, d)
    if isinstance(max_terms, bool) or not isinstance(max_terms, int) or max_terms < 3:
        raise ValueError(f"max_terms must be an int >= 3, got {max_terms!r}")
    W = TEXT_WIDTH_EM
    n_full, n_sep = polynomial_count(n, d), separable_count(n, d)
    title = title or f"Full versus separable polynomials: {n} inputs, degree {d}"
    parts = ["This comparison was generated by symmlp from\n\\begin{center}\n"
             f"\\texttt{{{_escape(repr(full))}}} \\quad and \\quad \\texttt{{{_escape(repr(sep))}}}\n"
             "\\end{center}\n"]

    parts.append(_section("The full polynomial"))
    parts.append("Every monomial $x_1^{k_1} \\cdots x_n^{k_n}$ of total degree at most $d$ gets "
                 "its own coefficient, cross terms included:\n")
    parts.append(_display(r"f(x_1, \dots, x_n) = \sum_{k_1 + \dots + k_n \le d} a_{k_1 \dots k_n}"
                          r" x_1^{k_1} \cdots x_n^{k_n}"))
    parts.append(f"For $n = {n}$ and $d = {d}$, with $a_{{k_1,\\dots,k_n}}$ named by its exponents "
                 "and the terms in order of degree:\n")
    parts.append(_align(_written_out("f(x)", _monomial_terms(full, max_terms), W)))

    parts.append(_section("Counting its coefficients"))
    parts.append("A monomial of degree at most $d$ shares $d$ units of degree among the $n$ "
                 "inputs and one slack box for the degree left over (stars and bars), so\n")
    parts.append(_display(rf"|\{{a_k\}}| = \binom{{n+d}}{{d}} = \binom{{{n + d}}}{{{d}}} = {n_full}"
                          r", \qquad \binom{n+d}{d} = \frac{n^d}{d!} + O\bigl(n^{d-1}\bigr)"
                          r" \quad\text{for fixed } d."))
    parts.append(r"It grows like $n^d$: the parameter explosion.  The count over $n$ and $d$ "
                 "(this case in bold):\n")
    parts.append(_count_grid(n, d))

    parts.append(_section("The separable polynomial beside it"))
    parts.append("The per-coordinate polynomial has one constant and $d$ powers of each input "
                 "alone, $f_i(x_i) = a_0 + a_1 x_i + \\dots + a_d x_i^d$, so no cross terms:\n")
    parts.append(_align(_written_out("g(x)", _monomial_terms(sep, max_terms), W)))
    cross = [m for k, m in zip(full.exponents, full.monomials) if sum(1 for e in k if e) > 1]
    parts.append(_display(rf"|\{{a\}}| = n d + 1 = {n} \cdot {d} + 1 = {n_sep}"
                          rf" \qquad\text{{against}}\qquad \binom{{{n + d}}}{{{d}}} = {n_full}."))
    if cross:
        shown = [doc_latex(m) for m in cross]
        if len(shown) > max_terms:
            shown = [*shown[: max_terms - 1], r"\dots", shown[-1]]
        lines = break_terms([s + "," for s in shown[:-1]] + [shown[-1]], W - 4)
        parts.append(f"It cannot represent the {len(cross)} cross term{'s' if len(cross) > 1 else ''}"
                     " of the full polynomial:\n"
                     + "\\begin{gather*}\n" + " \\\\\n".join(lines) + "\n\\end{gather*}\n")
    else:
        parts.append("With one input (or degree at most 1) there are no cross terms, and the two "
                     "polynomials coincide.\n")
    mlp_formula = sp.latex(mlp_count([sp.Symbol("n"), 64, 1]))
    parts.append(f"Side by side with an MLP $[n, 64, 1]$, whose count ${mlp_formula}$ grows only "
                 "linearly in $n$:\n")
    table = count_table(ns=sorted({1, 2, 4, 8, 16, n}), degrees=[d])
    parts.append("\\begin{center}\n" + sp.latex(table) + "\n\\end{center}\n")
    return _document(title, parts)


_GD_DEFAULT = {
    "theta": [1, -1, 0, sp.Rational(3, 2), sp.Rational(1, 2), -1, 0],
    "X": [[1], [2]],
    "Y": [[1], [0]],
    "lr": sp.Rational(1, 4),
}


def _gd_step(model, loss, theta, X, Y, lr) -> list[sp.Expr]:
    try:
        from .train import gd_step
    except ImportError:
        gd_step = None
    if gd_step is not None:
        return list(gd_step(model, loss, theta, X, Y, lr))
    from .grad import gradient

    g = gradient(model, loss)
    env = dict(zip(model.params, theta))
    mean = [sp.Integer(0)] * len(theta)
    for x, y in zip(X, Y):
        point = {**env, **dict(zip(model.inputs, x)), **dict(zip(model.targets, y))}
        mean = [m + g[p].xreplace(point) / len(X) for m, p in zip(mean, model.params)]
    return [t - lr * m for t, m in zip(theta, mean)]


def _column(values) -> str:
    if len(values) == 1:
        return doc_latex(values[0])
    return r"\begin{bmatrix} " + r" \\ ".join(doc_latex(v) for v in values) + r" \end{bmatrix}"


def _rows_of(data, width: int, what: str) -> list[list[sp.Expr]]:
    from .model import exact_number

    rows = []
    for b, row in enumerate(data):
        row = list(row) if isinstance(row, Sequence) and not isinstance(row, str) else [row]
        if len(row) != width:
            raise ValueError(f"each row of {what} needs {width} numbers, row {b} has {len(row)}")
        rows.append([exact_number(v, f"{what}[{b}]") for v in row])
    if not rows:
        raise ValueError(f"{what} needs at least one row")
    return rows


def gd_step_document(model=None, loss: str = "mse", theta=None, X=None, Y=None, lr=None, *,
                     title: str | None = None) -> str:
    """A standalone LaTeX article: one gradient-descent step written out exactly.

    ``theta_1 = theta_0 - lr * grad L(theta_0)`` with ``L`` the mean loss over
    the rows of ``X`` and ``Y``; every number stays a Rational when the inputs
    are (ReLU and polynomial activations keep them so).  The step itself is
    :func:`symmlp.train.gd_step`; the document also shows each sample's
    forward pass and gradient, and the loss before and after.

    Parameters
    ==========

    model : MLP, optional
        Defaults to ``MLP([1, 2, 1], activation="relu")``.
    loss : str
    theta, X, Y, lr : optional
        The starting parameters (in ``model.params`` order), the data rows, the
        targets and the learning rate.  The defaults are the document's own
        example: two points, ``lr = 1/4``.
    title : str, optional

    Returns
    =======

    str

    Examples
    ========

    >>> tex = gd_step_document()
    >>> r"\\theta_1 = \\theta_0 - \\eta \\nabla L(\\theta_0)" in tex
    True
    """
    from .grad import gradient
    from .mlp import MLP

    if model is None:
        model = MLP([1, 2, 1], activation="relu")
    _check_mlp(model)
    given = {"theta": theta, "X": X, "Y": Y, "lr": lr}
    if model != MLP([1, 2, 1], activation="relu") and any(v is None for v in given.values()):
        raise ValueError("gd_step_document needs theta, X, Y and lr for a model other than the "
                         "default MLP([1, 2, 1], activation='relu')")
    given = {k: _GD_DEFAULT[k] if v is None else v for k, v in given.items()}
    theta0 = model.theta_values(given["theta"])
    Xs = _rows_of(given["X"], model.n_inputs, "X")
    Ys = _rows_of(given["Y"], model.n_outputs, "Y")
    if len(Xs) != len(Ys):
        raise ValueError(f"X has {len(Xs)} rows but Y has {len(Ys)}; give one target row per sample")
    from .model import exact_number

    eta = exact_number(given["lr"], "lr")
    if not eta > 0:
        raise ValueError(f"lr must be > 0, got {eta}")
    d_loss = _loss_name(loss)
    grads = gradient(model, d_loss)
    from .derivation import backprop

    ell = backprop(model, d_loss).loss_expression()
    B = len(Xs)

    def point(theta, x, y):
        return {**dict(zip(model.params, theta)), **dict(zip(model.inputs, x)),
                **dict(zip(model.targets, y))}

    def mean_loss(theta):
        return sp.Add(*(ell.xreplace(point(theta, x, y)) for x, y in zip(Xs, Ys))) / B

    per_sample = [[grads[p].xreplace(point(theta0, x, y)) for p in model.params]
                  for x, y in zip(Xs, Ys)]
    mean = [sp.Add(*col) / B for col in zip(*per_sample)]
    theta1 = [sp.nsimplify(v) if isinstance(v, sp.Float) else v
              for v in _gd_step(model, d_loss, theta0, [list(x) for x in Xs],
                                [list(y) for y in Ys], eta)]
    mine = [t - eta * m for t, m in zip(theta0, mean)]
    if any(sp.simplify(a - b) != 0 for a, b in zip(theta1, mine)):
        raise RuntimeError("symmlp.train.gd_step disagrees with the mean of the per-sample "
                           f"gradients: {theta1} vs {mine}")
    L0, L1 = mean_loss(theta0), mean_loss(theta1)

    title = title or f"One exact gradient-descent step for an MLP {list(model.widths)}"
    parts = ["The update rule of gradient descent, with learning rate $\\eta$,\n",
             _display(r"\theta_1 = \theta_0 - \eta \nabla L(\theta_0), \qquad "
                      r"L(\theta) = \frac{1}{B} \sum_{b=1}^{B} \ell(x_b, y_b; \theta),"),
             "carried out once, exactly, with rational numbers throughout.\n"]
    parts.append(_section("The model and the data"))
    parts.append(f"The network \\texttt{{{_escape(repr(model))}}} computes\n")
    parts.append(_display(sp.latex(model)))
    parts.append(f"with the per-sample loss ${_LOSS_SAMPLE[d_loss]}$.  The data, "
                 f"$B = {B}$ samples, and the learning rate $\\eta = {doc_latex(eta)}$:\n")
    head = (" & ".join(["$b$", *(f"${doc_latex(s)}$" for s in model.inputs),
                        *(f"${doc_latex(s)}$" for s in model.targets)]) + r" \\ \hline")
    body = [" & ".join([f"${b}$", *(f"${doc_latex(v)}$" for v in (*x, *y))]) + r" \\"
            for b, (x, y) in enumerate(zip(Xs, Ys), start=1)]
    parts.append("\\begin{center}\n\\begin{tabular}{c|" + "c" * (model.n_inputs + model.n_outputs)
                 + "}\n" + head + "\n" + "\n".join(body) + "\n\\end{tabular}\n\\end{center}\n")

    parts.append(_section("The forward pass at $\\theta_0$"))
    for b, (x, y) in enumerate(zip(Xs, Ys), start=1):
        env = point(theta0, x, y)
        rows = []
        for l in range(1, model.n_layers + 1):
            z = [v.xreplace(env) for v in model.preactivation(l)]
            a = [v.xreplace(env) for v in model.activation(l)]
            name = "\\hat{y}" if l == model.n_layers else f"a^{{({l})}}"
            rows.append(f"z^{{({l})}} &= {_column(z)}, \\qquad {name} = {_column(a)}")
        rows.append(rf"\ell_{{{b}}} &= {doc_latex(ell.xreplace(env))}")
        x_tex = ", ".join(doc_latex(v) for v in x)
        parts.append(f"Sample {b}, $x = ({x_tex})$:\n" + _align(rows))
    parts.append(_display(rf"L(\theta_0) = {doc_latex(L0)}"))

    parts.append(_section("The gradient and the step"))
    parts.append("Each sample's gradient by backpropagation, their mean "
                 r"$\nabla L(\theta_0)$, and the new parameters "
                 r"$\theta_1 = \theta_0 - \eta \nabla L(\theta_0)$:" + "\n")
    cols = [r"$\theta$", r"$\theta_0$"]
    if B <= 4:
        cols += [rf"$\partial \ell_{{{b}}} / \partial \theta$" for b in range(1, B + 1)]
    cols += [r"$\partial L / \partial \theta$", r"$\theta_1$"]
    body = []
    for k, p in enumerate(model.params):
        cells = [p, theta0[k], *([g[k] for g in per_sample] if B <= 4 else []), mean[k], theta1[k]]
        body.append(" & ".join(f"${doc_latex(c)}$" for c in cells) + r" \\")
    parts.append("\\begin{center}\n\\begin{tabular}{c|" + "r" * (len(cols) - 1) + "}\n"
                 + " & ".join(cols) + r" \\ \hline" + "\n" + "\n".join(body)
                 + "\n\\end{tabular}\n\\end{center}\n")
    parts.append("As one vector equation:\n")
    parts.append(_display(rf"\theta_1 = {_column(theta0)} - {doc_latex(eta)} {_column(mean)} "
                          rf"= {_column(theta1)}"))
    verdict = ("falls" if L1 < L0 else "does not fall") if (L1 - L0).is_number else "changes"
    parts.append(_section("The loss after the step"))
    parts.append(_display(rf"L(\theta_1) = {doc_latex(L1)} \qquad\text{{against}}\qquad "
                          rf"L(\theta_0) = {doc_latex(L0)}"))
    parts.append(f"The loss {verdict}, as a small enough step along $-\\nabla L$ must make it.\n"
                 if verdict == "falls" else f"The loss {verdict}: the step was too long.\n")
    return _document(title, parts)


def _loss_name(loss) -> str:
    from .losses import get_loss

    return get_loss(loss).name
