"""Standalone LaTeX documents: derivations, polynomial counts, one exact GD step.

Everything printed here goes through SymPy's printer and the objects' own
``_latex`` hooks.  This module holds :func:`derivation_document`; the
polynomial and gradient-descent documents live in :mod:`symmlp.latex_docs`,
and the typesetting (:func:`doc_latex`, :func:`latex_width`, and
:func:`break_expr`, which splits sums into chunks of terms and products into
chunks of factors so that no display runs off an A4 page) in
:mod:`symmlp.latex_layout`; all are importable from here.  The documents use
only ``amsmath``, ``amssymb`` and ``geometry`` (all in TeX Live's base set).
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from .latex_docs import _LOSS_SAMPLE, _check_mlp, gd_step_document, polynomial_document
from .latex_layout import (
    TEXT_WIDTH_EM,
    _align,
    _display,
    _document,
    _equation,
    _escape,
    _section,
    break_expr,
    break_terms,
    doc_latex,
    latex_width,
)

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

# -------------------------------------------------------------------------- documents


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
