"""Explicit symbolic gradients and the input Jacobian, by the chain rule.

The project's convention at a kink holds in every route: ``relu'(0) = 0``
(``Heaviside(z, 0)``) and no ``DiracDelta``, also when the reference route
differentiates with ``sympy.diff``.
"""

from __future__ import annotations

import sympy as sp

from ..core.display import aligned
from ..core.validate import check_choice
from ..models.chain import check_model
from ..ops.losses import Loss
from .derivation import backprop

__all__ = ["Gradient", "gradient", "jacobian", "real_symbols", "kink_convention"]

_METHODS = ("backprop", "direct")
#: parameters x expanded nodes: about 20 s of substitution for backprop, of sympy.diff for direct
MAX_GRADIENT_WORK = {"backprop": 2 * 10**9, "direct": 2 * 10**6}


def kink_convention(expr: sp.Expr) -> sp.Expr:
    """``expr`` with the project's convention at kinks: ``Heaviside(z) -> Heaviside(z, 0)``
    (``relu'(0) = 0``) and ``DiracDelta -> 0``.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.derive.grad import kink_convention
    >>> z = sp.Symbol("z")
    >>> kink_convention(sp.diff(sp.Max(0, z), z)).subs(z, 0)
    0
    """
    expr = expr.replace(sp.DiracDelta, lambda *args: sp.Integer(0))
    return expr.replace(sp.Heaviside, lambda z, *rest: sp.Heaviside(z, 0))


class Gradient(dict):
    """``{parameter: dl/dparameter}``: a plain dict that shows as an aligned block of LaTeX.

    Everything a dict does it does unchanged (``repr`` included); ``sympy.latex``
    and Jupyter's ``_repr_latex_`` give ``\\frac{\\partial \\ell}{\\partial p} = ...``
    per parameter, without ``init_printing`` (the first
    :data:`~symmlp.core.display.MAX_ALIGNED_ROWS`, then how many more).

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.derive.grad import Gradient
    >>> w, x = sp.symbols("w x")
    >>> g = Gradient({w: 2 * x})
    >>> g, g == {w: 2 * x}
    ({w: 2*x}, True)
    >>> print(sp.latex(g))
    \\begin{aligned}
    \\frac{\\partial \\ell}{\\partial w} &= 2 x
    \\end{aligned}
    """

    __slots__ = ()

    def _latex(self, printer=None) -> str:
        p = printer._print if printer is not None else sp.latex
        return aligned([(rf"\frac{{\partial \ell}}{{\partial {p(k)}}}", p(v)) for k, v in self.items()])

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self._latex()}$"


def gradient(model, loss: str | Loss = "mse", method: str = "backprop") -> Gradient:
    """The gradient of one sample's loss, ``{parameter: dl/dparameter}``.

    Parameters
    ==========

    model : any symmlp model
    loss : str or Loss
        One of :func:`symmlp.ops.losses.loss_names`.
    method : str
        ``"backprop"`` (default): the chain-rule derivation, substituted.
        ``"direct"``: ``sympy.diff`` of the explicit loss for each parameter,
        the independent reference (quadratic in the model's size: small models
        only), with ReLU's derivative at 0 taken as 0 as in every other route.

    Returns
    =======

    Gradient
        A dict in ``model.params`` order; expressions in the inputs ``x_i``,
        targets ``y_k`` and parameters.  Jupyter shows it as aligned LaTeX.

    Examples
    ========

    >>> from symmlp import Polynomial, gradient
    >>> g = gradient(Polynomial(1, 2))
    >>> g[Polynomial(1, 2).params[2]]
    x_1**2*(a_0 + a_1*x_1 + a_2*x_1**2 - y_1)
    >>> direct = gradient(Polynomial(1, 2), method="direct")
    >>> all((g[p] - direct[p]).expand() == 0 for p in g)
    True
    """
    check_model(model)
    check_choice(method, "method", _METHODS)
    work = model.num_params * model.expanded_size()
    if work > MAX_GRADIENT_WORK[method]:
        raise ValueError(
            f"the explicit gradient of {model!r:.80} ({method}) would build {model.num_params} expressions of about "
            f"{model.expanded_size():.2g} nodes ({work:.1e}, over {MAX_GRADIENT_WORK[method]:.0e}: minutes of "
            f"SymPy); use backprop(model) for the derivation or compile(model) for numbers")
    derivation = backprop(model, loss)
    if method == "backprop":
        return Gradient(derivation.expand())
    real, back = real_symbols(model)
    ell = derivation.loss_expression().xreplace(real)
    return Gradient({p: kink_convention(sp.diff(ell, real[p])).xreplace(back) for p in model.params})


def real_symbols(model) -> tuple[dict, dict]:
    """``({symbol: real Dummy}, {real Dummy: symbol})`` for every symbol of ``model``.

    Differentiate over real symbols: for plain ones SymPy decides whether
    ``tanh(P)`` is real by taking gcds of ``P``'s imaginary part, which hangs
    when ``P`` is a sizeable polynomial (polynomial hidden layers).

    Parameters
    ==========

    model : any symmlp model

    Returns
    =======

    tuple of two dicts
        Over the parameters, inputs and targets.

    Examples
    ========

    >>> from symmlp import MLP
    >>> from symmlp.derive.grad import real_symbols
    >>> real, back = real_symbols(MLP([1, 1]))
    >>> [(s, r.is_real, back[r] == s) for s, r in real.items()]
    [(W1_1_1, True, True), (b1_1, True, True), (x_1, True, True), (y_1, True, True)]
    """
    real = {s: sp.Dummy(s.name, real=True) for s in (*model.params, *model.inputs, *model.targets)}
    return real, {r: s for s, r in real.items()}


def _product(L: sp.Matrix, R: sp.Matrix) -> sp.Matrix:
    """``L R`` by explicit sums that skip zero entries of ``L``: Matrix products multiply
    by zero, and ``0*tanh(P)`` asks whether ``tanh(P)`` is finite, which hangs for a
    sizeable polynomial ``P``."""
    return sp.Matrix(L.rows, R.cols, lambda i, j: sp.Add(
        *(L[i, k] * R[k, j] for k in range(L.cols) if L[i, k] != 0)))


def jacobian(model) -> sp.Matrix:
    """``d output / d inputs`` (``n_outputs x n_inputs``), by the chain rule over the stages.

    For an MLP, ``J = diag(sigma_L'(z_L)) W_L ... diag(sigma_1'(z_1)) W_1``;
    each stage contributes its own Jacobian.

    Parameters
    ==========

    model : any symmlp model

    Returns
    =======

    sympy.Matrix
        ``model.n_outputs x model.n_inputs``; entry ``(o, i)`` is
        ``d output_o / d x_i``, in the inputs and parameters.

    Examples
    ========

    >>> from symmlp import MLP, jacobian
    >>> net = MLP([2, 1], activation="tanh", output_activation="identity")
    >>> jacobian(net)
    Matrix([[W1_1_1, W1_1_2]])
    >>> from symmlp import Polynomial
    >>> p = Polynomial(2, 2)
    >>> J = jacobian(p)
    >>> J.shape
    (1, 2)
    >>> (J[0, 0] - p.output[0].diff(p.inputs[0])).expand()
    0
    """
    check_model(model)
    values = model.symbol_blocks
    outs = model.stage_outputs()
    ins = [list(model.inputs), *outs[:-1]]
    J = None
    for stage, a in zip(model.stages, ins):
        step = stage.jacobian(a, values)
        J = step if J is None else _product(step, J)
    return J
