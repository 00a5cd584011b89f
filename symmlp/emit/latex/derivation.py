"""The derivation document: any model's loss gradient derived step by step, in LaTeX.

Everything printed goes through SymPy's printer, the stages' and losses' own
LaTeX and the layout helpers of :mod:`symmlp.emit.latex.layout`.  The
document uses only ``amsmath``, ``amssymb`` and ``geometry``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from ...core.validate import check_int
from ...derive.derivation import backprop
from ...derive.second_order import second_order
from ...models.chain import check_model
from .layout import (
    TEXT_WIDTH_EM,
    align,
    break_terms,
    display,
    doc_latex,
    document,
    equation_rows,
    escape,
    latex_width,
    section,
)

__all__ = ["derivation_document"]


def reals(*dims: object) -> str:
    """``\\mathbb{R}^{a \\times b}``."""
    if not dims:
        return r"\mathbb{R}"
    return r"\mathbb{R}^{" + r" \times ".join(map(str, dims)) + "}"


def _activation_rows(model) -> list[str]:
    rows, seen = [], set()
    for stage in model.stages:
        s = stage.activation
        if s is None or s.name in seen or s.is_identity:
            continue
        seen.add(s.name)
        form, deriv = s.definition_latex()
        rows.append(f"{form} &\\qquad {deriv}")
    return rows


def _input_names(layer: int, n: int) -> list[str]:
    return [f"x_{{{j}}}" if layer == 1 else f"a^{{({layer - 1})}}_{{{j}}}" for j in range(1, n + 1)]


def _group_display(group, layer: int, width: float) -> str:
    """Layer ``layer``'s rows written out with the model's own symbols, eliding the middle."""
    n_in, n_out = group[0].n_in, group[-1].n_out
    ins = _input_names(layer, n_in)
    vec_in = ins if n_in <= 4 else [*ins[:2], r"\vdots", ins[-1]]
    rows = list(range(n_out)) if n_out <= 4 else [0, 1, None, n_out - 1]
    for keep in (max(n_in, 2), 4, 3, 2):
        cells = []
        for i in rows:
            if i is None:
                cells.append(r"\vdots")
                continue
            names = ins
            for stage in group[:-1]:
                names = [stage.row_latex(k, names, keep) for k in range(stage.n_out)]
            cells.append(group[-1].row_latex(i, names, keep))
        tex = (r"\begin{bmatrix} " + r" \\ ".join(vec_in) + r" \end{bmatrix}"
               + rf" \xrightarrow{{L_{{{layer}}}}} \begin{{bmatrix}} " + r" \\ ".join(cells)
               + r" \end{bmatrix}")
        if max(latex_width(c) for c in cells) + 10 <= width:
            break
    return display(tex)


def _general_one_layer() -> str:
    def row(i: str) -> str:
        return rf"\sigma(w_{{{i}1}}x_1 + w_{{{i}2}}x_2 + \cdots + w_{{{i}n}}x_n + b_{{{i}}})"

    return display(
        r"\begin{bmatrix} x_1 \\ x_2 \\ \vdots \\ x_n \end{bmatrix} \xrightarrow{L_1} "
        r"\begin{bmatrix} " + r" \\ ".join([row("1"), row("2"), r"\vdots", row("m")])
        + r" \end{bmatrix} = \sigma(Wx + b)")


def _composition(widths: Sequence[int]) -> str:
    spaces = [reals(w) for w in widths]
    arrows = [rf"\xrightarrow{{L_{{{l}}}}}" for l in range(1, len(widths))]
    parts = [spaces[0]]
    if len(widths) > 7:
        parts += [arrows[0], spaces[1], r"\rightarrow \cdots \rightarrow", spaces[-2], arrows[-1], spaces[-1]]
    else:
        for arrow, space in zip(arrows, spaces[1:]):
            parts += [arrow, space]
    return display(" ".join([*parts, r"\xrightarrow{\ell}", r"\mathbb{R}"]))


def _top_level_terms(tex: str) -> list[str]:
    """``tex`` cut before each `` + `` outside braces and ``\\left ... \\right`` pairs."""
    terms, depth, start, i = [], 0, 0, 0
    while i < len(tex):
        if tex.startswith(r"\left", i) or tex[i] == "{":
            depth += 1
        elif tex.startswith(r"\right", i) or tex[i] == "}":
            depth -= 1
        elif depth == 0 and tex.startswith(" + ", i):
            terms.append(tex[start:i])
            start = i + 1
        i += 1
    return [*terms, tex[start:]]


def matrix_rows(equations, shapes: bool = True) -> list[str]:
    """``align`` rows ``lhs &= rhs && \\in R^{shape}`` of matrix-form equations; a right-hand side
    too wide for the page continues on the next rows, cut between its terms."""
    rows = []
    for e in equations:
        shape = e.shape.replace("×", r"\times")
        where = "" if e.shape == "scalar" or not shapes else rf" && \in {reals(shape)}"
        room = TEXT_WIDTH_EM - latex_width(e.lhs_latex) - latex_width(where) - 4
        lines = break_terms(_top_level_terms(e.rhs_latex), room) if latex_width(e.rhs_latex) > room \
            else [e.rhs_latex]
        rows.append(f"{e.lhs_latex} &= {lines[0]}{where}")
        rows += [rf"&\qquad {{}}{line}" for line in lines[1:]]
    return rows


def _is_mlp_like(groups) -> bool:
    """Every layer an affine map with bias followed by an activation."""
    return all(len(g) == 2 and g[0].count_latex() and "+ 1" in g[0].count_latex()
               and g[1].activation is not None for g in groups)


_INDEX_GROUPS = (("pre", "act", "feature"), ("loss",), ("delta", "gradient"))


def _index_section(derivation, width: float) -> list[str]:
    out = []
    titles = ("Forward, one sample:", "Loss of that sample:", "Backward, output layer first:")
    for title, kinds in zip(titles, _INDEX_GROUPS):
        rows = []
        for e in derivation.index:
            if e.kind in kinds:
                rows += equation_rows(e.lhs_latex(), e.rhs, width)
        if rows:
            out.append(f"{title}\n" + align(rows))
    return out


def _model_section(model, groups) -> list[str]:
    W = TEXT_WIDTH_EM
    G = len(groups)
    parts = [section("The model")]
    parts.append(f"The model has $L = {G}$ layer{'s' if G > 1 else ''}; layer $l$ maps "
                 r"$a^{(l-1)}$ to $a^{(l)}$ through its stages, from $a^{(0)} = x$, so that" + "\n")
    formula = sp.latex(model)
    if latex_width(formula) > W:
        formula = (rf"\hat{{y}} = \bigl(L_{{{G}}} \circ \cdots \circ L_1\bigr)(x)")
    parts.append(display(formula))
    rows = [r"layer $l$ & stage & $\mathbb{R}^{n_{\mathrm{in}}} \to \mathbb{R}^{n_{\mathrm{out}}}$ "
            r"& parameters \\ \hline"]
    for l, group in enumerate(groups, start=1):
        for stage in group:
            what, _ = stage.describe_latex()
            count = stage.count_latex()
            cells = f"{stage.n_in} \\to {stage.n_out}"
            rows.append(f"{l} & {what} & ${cells}$ & "
                        + (f"${count} = {stage.num_params}$" if count else "--") + r" \\")
    parts.append("\\begin{center}\n\\begin{tabular}{clcr}\n" + "\n".join(rows)
                 + "\n\\end{tabular}\n\\end{center}\n")
    act_rows = _activation_rows(model)
    if act_rows:
        parts.append("The activations and their derivatives:\n" + align(act_rows))
    if any(s.activation is not None and s.activation.name == "relu" for s in model.stages):
        parts.append(r"By convention $\operatorname{ReLU}'(0) = 0$, in the exact and in the "
                     "numeric computation alike.\n")
    return parts


def _count_section(model, groups) -> list[str]:
    W = TEXT_WIDTH_EM
    terms = [c for s in model.stages if (c := s.count_latex())]
    lines = break_terms([terms[0], *(f"+ {t}" for t in terms[1:])] if terms else ["0"], W - 22)
    lines[-1] += f" = {model.num_params}"
    head = (r"|\theta| = \sum_{l=1}^{L} (n_{l-1} + 1)\, n_l" if _is_mlp_like(groups) else r"|\theta|")
    rows = [rf"{head} &= {lines[0]}", *(rf"&\qquad {{}}{line}" for line in lines[1:])]
    return [section("Counting the parameters"), align(rows)]


def _general_rules(derivation, groups) -> list[str]:
    model = derivation.model
    rows = [derivation.loss.delta_latex(model.output_activation)]
    if len(groups) > 1 and _is_mlp_like(groups):
        rows.append(r"\delta^{(l)}_j &= \sigma_l'\bigl(z^{(l)}_j\bigr) \sum_{i} W^{(l+1)}_{ij}"
                    r" \delta^{(l+1)}_i \qquad (l < L)")
        rows += [r"\frac{\partial \ell}{\partial W^{(l)}_{ij}} &= \delta^{(l)}_i a^{(l-1)}_j",
                 r"\frac{\partial \ell}{\partial b^{(l)}_{i}} &= \delta^{(l)}_i"]
        return rows
    for stage in model.stages:
        rows += [r for r in stage.index_rules_latex() if r not in rows]
    return rows


def derivation_document(model, loss: str = "mse", *, title: str | None = None,
                        expanded_max_params: int = 20, max_index_equations: int = 80) -> str:
    """A standalone LaTeX article deriving a model's loss gradient by backpropagation.

    It holds the model and its stages, the forward pass (the post's one-layer
    display, layer by layer, and the matrix form), the composition of the
    layers, the parameter count, the loss, the backpropagation equations in
    index form (general, then this model's own) and in matrix form, and, for
    small models, every parameter's gradient written out in full.  Long lines
    are broken with :func:`~symmlp.emit.latex.layout.break_expr`.

    Parameters
    ==========

    model : any symmlp model
    loss : str
        One of :func:`symmlp.loss_names`.
    title : str, optional
        Defaults to a description of the model.
    expanded_max_params : int
        Write out the explicit gradient when the model has at most this many
        parameters.
    max_index_equations : int
        Write out this model's scalar equations when there are at most this
        many of them.

    Returns
    =======

    str
        The document, from its ``% Generated by symmlp`` line to
        ``\\end{document}``; it needs only ``amsmath``, ``amssymb`` and ``geometry``.

    Examples
    ========

    >>> from symmlp import MLP, derivation_document
    >>> tex = derivation_document(MLP([2, 2, 1], activation="relu"))
    >>> tex.splitlines()[1]
    '\\\\documentclass[10pt,a4paper]{article}'
    >>> r"\\sum_{l=1}^{L} (n_{l-1} + 1)\\, n_l" in tex and "= 9" in tex
    True
    """
    check_model(model)
    expanded_max = check_int(expanded_max_params, "expanded_max_params", 0)
    index_max = check_int(max_index_equations, "max_index_equations", 0)
    d = backprop(model, loss)
    groups = model.layer_groups()
    widths = [model.n_inputs] + [g[-1].n_out for g in groups]
    acts = [s.activation.name for s in model.stages if s.activation is not None]
    kinds = (f"{acts[-1]} output" if len(acts) <= 1 else
             f"{', '.join(dict.fromkeys(acts[:-1]))} hidden, {acts[-1]} output")
    title = title or f"Backpropagation through {model.kind} {widths} ({kinds}, {d.loss.name} loss)"
    parts = [f"This derivation was generated by symmlp, with the loss \\texttt{{{escape(d.loss.name)}}}, "
             "from\n\\begin{center}\n"
             f"\\texttt{{{escape(repr(model))}}}\n\\end{{center}}\n"]
    parts += _model_section(model, groups)
    parts += _forward_section(d, groups, widths)
    parts += _count_section(model, groups)
    parts += _loss_section(d)
    parts += _index_form_section(d, groups, index_max)
    parts.append(section("Backpropagation in matrix form"))
    parts.append(r"With $\Delta^{(l)}$ the matrix of the $\delta^{(l)}$ of the batch "
                 r"(one column per sample) and $\mathbf{1}$ the column of $B$ ones:" + "\n")
    parts.append(align(matrix_rows([e for e in d.matrix if e.kind in ("delta", "gradient")])))
    parts += _second_order_section(d)
    if model.num_params <= expanded_max:
        parts.append(section("The gradient written out"))
        parts.append("Substituting the equations above into one another gives each "
                     "parameter's gradient for one sample explicitly in $x$, $y$ and $\\theta$:\n")
        rows = []
        for p, g in d.expand().items():
            rows += equation_rows(rf"\frac{{\partial \ell}}{{\partial {doc_latex(p)}}}", g, TEXT_WIDTH_EM)
        parts.append(align(rows))
    return document(title, parts)


def _second_order_section(d) -> list[str]:
    try:
        so = second_order(d)
        hvp_backward = so.hvp_backward
    except NotImplementedError:  # a stage or the loss without an R-operator
        return []
    shown = ("delta", "rdelta", "hvp")
    return [
        section("Second order: the R-operator"),
        r"For a direction $V$ laid out like $\theta$ (blocks $V_{W^{(l)}}$, $V_{b^{(l)}}$), write "
        r"$\mathcal{R}\{f\} = \frac{d}{dt} f(\theta + tV)\big|_{t=0}$ (Pearlmutter, 1994).  Applied to "
        "the forward pass it gives the directional derivative of every quantity:\n",
        align(matrix_rows(so.rforward)),
        "and of the loss, which is the gradient's component along $V$ computed in forward mode,\n",
        align(matrix_rows([so.rloss])),
        "Applied to the backward pass, with the second derivatives of the activations, it gives the "
        r"Hessian-vector product $H V = \mathcal{R}\{\nabla_\theta L\}$ block by block:" + "\n",
        align(matrix_rows([e for e in hvp_backward if e.kind in shown])),
        "Leaving out the second-derivative terms and the $V$ terms of the backward pass, and "
        r"running it on the loss curvature $H_{\ell}\,\mathcal{R}\{\hat y\}$ instead, gives the "
        r"Gauss--Newton product $J^\top H_{\ell} J V$, positive semi-definite.  Every column of the "
        "Hessian is one such product with $V$ a basis vector.\n",
    ]


def _forward_section(d, groups, widths) -> list[str]:
    parts = [section("The forward pass")]
    if any(_is_mlp_like([g]) for g in groups):  # an affine map and sigma: the post's display
        parts.append("One layer, written out row by row, maps $x \\in \\mathbb{R}^n$ to "
                     "$\\mathbb{R}^m$:\n")
        parts.append(_general_one_layer())
    parts.append("For this model, layer by layer:\n")
    parts += [_group_display(g, l, TEXT_WIDTH_EM) for l, g in enumerate(groups, start=1)]
    parts.append("In matrix form, for a batch of $B$ samples stored as the columns of "
                 f"$X \\in {reals(d.model.n_inputs, 'B')}$:\n")
    parts.append(align(matrix_rows([e for e in d.matrix if e.kind == "forward"])))
    parts.append(f"The composition of the $N = {len(groups)}$ layers, followed by the loss:\n")
    parts.append(_composition(widths))
    return parts


def _loss_section(d) -> list[str]:
    return [section("The loss"), "Per sample, with $\\hat{y}$ the model's output,\n",
            display(d.loss.sample_latex),
            "and over the batch $L = \\frac{1}{B} \\sum_{b=1}^{B} \\ell_b$; in matrix form\n",
            align(matrix_rows([e for e in d.matrix if e.kind == "loss"]))]


def _index_form_section(d, groups, index_max: int) -> list[str]:
    model = d.model
    parts = [section("Backpropagation in index form"),
             r"Write $z^{(l)}$ for the input of layer $l$'s activation and "
             r"$\delta^{(l)}_j = \partial \ell / \partial z^{(l)}_j$.  "
             "The chain rule, applied from the output back, gives\n",
             align(_general_rules(d, groups))]
    estimate = 1 + model.num_params + 3 * sum(s.n_out for s in model.stages)  # an upper bound
    n_index = len(d.index) if estimate <= 4 * index_max + 8 else None
    if n_index is not None and n_index <= index_max:
        parts.append(f"For this model the {n_index} scalar equations are, in order of evaluation:\n")
        parts += _index_section(d, TEXT_WIDTH_EM)
    else:
        many = n_index if n_index is not None else f"more than {4 * index_max}"
        parts.append(f"(This model's {many} scalar equations are not written out.)\n")
    return parts
