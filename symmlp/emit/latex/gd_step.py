"""Standalone LaTeX document: one exact gradient-descent step, each sample's forward pass and gradient.

:func:`gd_step_document`, typeset with :mod:`symmlp.emit.latex.layout`.
"""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from ...core.validate import exact_number
from ...derive.derivation import backprop
from ...derive.grad import gradient
from ...models import MLP
from ...models.chain import check_model
from ...ops.losses import get_loss
from ...training.exact import exact_rows, gd_step
from .layout import (
    align,
    display,
    doc_latex,
    document,
    escape,
    section,
)

__all__ = ["gd_step_document"]


_GD_DEFAULT = {
    "theta": [1, -1, 0, sp.Rational(3, 2), sp.Rational(1, 2), -1, 0],
    "X": [[1], [2]],
    "Y": [[1], [0]],
    "lr": sp.Rational(1, 4),
}


def _column(values) -> str:
    if len(values) == 1:
        return doc_latex(values[0])
    return r"\begin{bmatrix} " + r" \\ ".join(doc_latex(v) for v in values) + r" \end{bmatrix}"


def gd_step_document(model=None, loss: str = "mse", theta=None, X=None, Y=None, lr=None, *,
                     title: str | None = None) -> str:
    """A standalone LaTeX article: one gradient-descent step written out exactly.

    ``theta_1 = theta_0 - lr * grad L(theta_0)`` with ``L`` the mean loss over
    the rows of ``X`` and ``Y``; every number stays a Rational when the inputs
    are (ReLU and polynomial activations keep them so).  The step itself is
    :func:`symmlp.gd_step`; the document also shows each sample's
    forward pass and gradient, and the loss before and after.

    Parameters
    ==========

    model : any symmlp model, optional
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
    step = _gd_step(*_gd_inputs(model, loss, theta, X, Y, lr))
    title = title or f"One exact gradient-descent step for {step.model!r}"
    parts = ["The update rule of gradient descent, with learning rate $\\eta$,\n",
             display(r"\theta_1 = \theta_0 - \eta \nabla L(\theta_0), \qquad "
                      r"L(\theta) = \frac{1}{B} \sum_{b=1}^{B} \ell(x_b, y_b; \theta),"),
             "carried out once, exactly, with rational numbers throughout.\n"]
    parts += _gd_data_section(step) + _gd_forward_section(step) + _gd_update_section(step)
    parts += _gd_loss_section(step)
    return document(title, parts)


def _gd_inputs(model, loss, theta, X, Y, lr):
    """The document's model, loss, theta_0, data rows and learning rate, checked (defaults filled in)."""
    if model is None:
        model = MLP([1, 2, 1], activation="relu")
    check_model(model)
    given = {"theta": theta, "X": X, "Y": Y, "lr": lr}
    if model != MLP([1, 2, 1], activation="relu") and any(v is None for v in given.values()):
        raise ValueError("gd_step_document needs theta, X, Y and lr for a model other than the "
                         "default MLP([1, 2, 1], activation='relu')")
    given = {k: _GD_DEFAULT[k] if v is None else v for k, v in given.items()}
    theta0 = model.theta_values(given["theta"])
    Xs = exact_rows(given["X"], model.n_inputs, "X")
    Ys = exact_rows(given["Y"], model.n_outputs, "Y")
    if len(Xs) != len(Ys):
        raise ValueError(f"X has {len(Xs)} rows but Y has {len(Ys)}; give one target row per sample")
    eta = exact_number(given["lr"], "lr")
    if not eta > 0:
        raise ValueError(f"lr must be > 0, got {eta}")
    return model, get_loss(loss), theta0, Xs, Ys, eta


def _gd_step(model, spec, theta0, Xs, Ys, eta) -> SimpleNamespace:
    """Everything the document shows: per-sample and mean gradients, theta_1, the losses before and after."""
    grads = gradient(model, spec)
    ell = backprop(model, spec).loss_expression()
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
              for v in gd_step(model, spec, theta0, Xs, Ys, eta)]
    mine = [t - eta * m for t, m in zip(theta0, mean)]
    if any(sp.simplify(a - b) != 0 for a, b in zip(theta1, mine)):
        raise RuntimeError("symmlp.gd_step disagrees with the mean of the per-sample "
                           f"gradients: {theta1} vs {mine}")
    L0, L1 = mean_loss(theta0), mean_loss(theta1)
    return SimpleNamespace(model=model, spec=spec, theta0=theta0, Xs=Xs, Ys=Ys, eta=eta, ell=ell, point=point,
                           per_sample=per_sample, mean=mean, theta1=theta1, L0=L0, L1=L1, B=B)


def _gd_data_section(st: SimpleNamespace) -> list[str]:
    parts = []
    parts.append(section("The model and the data"))
    parts.append(f"The network \\texttt{{{escape(repr(st.model))}}} computes\n")
    parts.append(display(sp.latex(st.model)))
    parts.append(f"with the per-sample loss ${st.spec.sample_latex}$.  The data, "
                 f"$B = {st.B}$ samples, and the learning rate $\\eta = {doc_latex(st.eta)}$:\n")
    head = (" & ".join(["$b$", *(f"${doc_latex(s)}$" for s in st.model.inputs),
                        *(f"${doc_latex(s)}$" for s in st.model.targets)]) + r" \\ \hline")
    body = [" & ".join([f"${b}$", *(f"${doc_latex(v)}$" for v in (*x, *y))]) + r" \\"
            for b, (x, y) in enumerate(zip(st.Xs, st.Ys), start=1)]
    parts.append("\\begin{center}\n\\begin{tabular}{c|" + "c" * (st.model.n_inputs + st.model.n_outputs)
                 + "}\n" + head + "\n" + "\n".join(body) + "\n\\end{tabular}\n\\end{center}\n")
    return parts


def _gd_forward_section(st: SimpleNamespace) -> list[str]:
    parts, model, point = [], st.model, st.point
    parts.append(section("The forward pass at $\\theta_0$"))
    blocks = model.exact_blocks(st.theta0)
    groups = model.layer_groups()
    for b, (x, y) in enumerate(zip(st.Xs, st.Ys), start=1):
        outs = model.stage_outputs(blocks, x)
        rows, k = [], 0
        for l, group in enumerate(groups, start=1):
            k += len(group)
            a = outs[k - 1]
            name = "\\hat{y}" if l == len(groups) else f"a^{{({l})}}"
            if group[-1].activation is not None and len(group) > 1:
                rows.append(f"z^{{({l})}} &= {_column(outs[k - 2])}, \\qquad {name} = {_column(a)}")
            else:
                rows.append(f"{name} &= {_column(a)}")
        rows.append(rf"\ell_{{{b}}} &= {doc_latex(st.ell.xreplace(point(st.theta0, x, y)))}")
        x_tex = ", ".join(doc_latex(v) for v in x)
        parts.append(f"Sample {b}, $x = ({x_tex})$:\n" + align(rows))
    parts.append(display(rf"L(\theta_0) = {doc_latex(st.L0)}"))
    return parts


def _gd_update_section(st: SimpleNamespace) -> list[str]:
    parts, model = [], st.model
    parts.append(section("The gradient and the step"))
    parts.append("Each sample's gradient by backpropagation, their mean "
                 r"$\nabla L(\theta_0)$, and the new parameters "
                 r"$\theta_1 = \theta_0 - \eta \nabla L(\theta_0)$:" + "\n")
    cols = [r"$\theta$", r"$\theta_0$"]
    if st.B <= 4:
        cols += [rf"$\partial \ell_{{{b}}} / \partial \theta$" for b in range(1, st.B + 1)]
    cols += [r"$\partial L / \partial \theta$", r"$\theta_1$"]
    body = []
    for k, p in enumerate(model.params):
        cells = [p, st.theta0[k], *([g[k] for g in st.per_sample] if st.B <= 4 else []), st.mean[k], st.theta1[k]]
        body.append(" & ".join(f"${doc_latex(c)}$" for c in cells) + r" \\")
    parts.append("\\begin{center}\n\\begin{tabular}{c|" + "r" * (len(cols) - 1) + "}\n"
                 + " & ".join(cols) + r" \\ \hline" + "\n" + "\n".join(body)
                 + "\n\\end{tabular}\n\\end{center}\n")
    parts.append("As one vector equation:\n")
    parts.append(display(rf"\theta_1 = {_column(st.theta0)} - {doc_latex(st.eta)} {_column(st.mean)} "
                          rf"= {_column(st.theta1)}"))
    return parts


def _gd_loss_section(st: SimpleNamespace) -> list[str]:
    parts = []
    verdict = ("falls" if st.L1 < st.L0 else "does not fall") if (st.L1 - st.L0).is_number else "changes"
    parts.append(section("The loss after the step"))
    parts.append(display(rf"L(\theta_1) = {doc_latex(st.L1)} \qquad\text{{against}}\qquad "
                          rf"L(\theta_0) = {doc_latex(st.L0)}"))
    parts.append(f"The loss {verdict}, as a small enough step along $-\\nabla L$ must make it.\n"
                 if verdict == "falls" else f"The loss {verdict}: the step was too long.\n")
    return parts

