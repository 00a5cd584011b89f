"""Explicit symbolic gradients, the input Jacobian and the parameter Hessian."""

from __future__ import annotations

import sympy as sp

from .derivation import backprop
from .losses import Loss

__all__ = ["gradient", "jacobian", "hessian", "real_symbols"]

_METHODS = ("backprop", "direct")


def gradient(model, loss: str | Loss = "mse", method: str = "backprop") -> dict[sp.Symbol, sp.Expr]:
    """The gradient of one sample's loss, ``{parameter: dl/dparameter}``.

    Parameters
    ==========

    model : MLP, Polynomial or SeparablePolynomial
    loss : str
        ``"mse"``, ``"bce"`` or ``"softmax_ce"``.
    method : str
        ``"backprop"`` (default): the chain-rule derivation, substituted.
        ``"direct"``: ``sympy.diff`` of the explicit loss for each parameter,
        the independent reference (quadratic in the model's size: small models
        only).

    Returns
    =======

    dict
        In ``model.params`` order; expressions in the inputs ``x_i``, targets
        ``y_k`` and parameters.

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
    if method not in _METHODS:
        raise ValueError(f"unknown method {method!r}; valid: {', '.join(_METHODS)}")
    derivation = backprop(model, loss)
    if method == "backprop":
        return derivation.expand()
    real, back = real_symbols(model)
    ell = derivation.loss_expression().xreplace(real)
    return {p: sp.diff(ell, real[p]).xreplace(back) for p in model.params}


def real_symbols(model) -> tuple[dict, dict]:
    """``({symbol: real Dummy}, {real Dummy: symbol})`` for every symbol of ``model``.

    Differentiate over real symbols: for plain ones SymPy decides whether
    ``tanh(P)`` is real by taking gcds of ``P``'s imaginary part, which hangs
    when ``P`` is a sizeable polynomial (polynomial hidden layers).

    Parameters
    ==========

    model : MLP, Polynomial or SeparablePolynomial

    Returns
    =======

    tuple of two dicts
        Over the parameters, inputs and targets.

    Examples
    ========

    >>> from symmlp.mlp import MLP
    >>> from symmlp.grad import real_symbols
    >>> real, back = real_symbols(MLP([1, 1]))
    >>> [(s, r.is_real, back[r] == s) for s, r in real.items()]
    [(W1_1_1, True, True), (b1_1, True, True), (x_1, True, True), (y_1, True, True)]
    """
    real = {s: sp.Dummy(s.name, real=True) for s in (*model.params, *model.inputs, *model.targets)}
    return real, {r: s for s, r in real.items()}


def jacobian(model) -> sp.Matrix:
    """``d output / d inputs`` (``n_outputs x n_inputs``), by the chain rule.

    For an MLP, ``J = diag(sigma_L'(z_L)) W_L ... diag(sigma_1'(z_1)) W_1``.

    Parameters
    ==========

    model : MLP, Polynomial or SeparablePolynomial
        An MLP uses the chain rule above; a polynomial differentiates its
        ``output`` directly.

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
    >>> J[0, 0] == p.output[0].diff(p.inputs[0])
    True
    """
    if not hasattr(model, "weights"):
        return model.output.jacobian(model.inputs)
    J = None
    for l in range(1, model.n_layers + 1):
        W = model.weight(l)
        scale = model.preactivation(l).applyfunc(model.sigma(l).derivative)
        # explicit sums, not Matrix products: those multiply by zero, and 0*tanh(P) asks
        # whether tanh(P) is finite, which hangs for a sizeable polynomial P
        WJ = W if J is None else sp.Matrix(W.rows, J.cols, lambda i, j, W=W, J=J: sp.Add(
            *(W[i, k] * J[k, j] for k in range(W.cols))))
        J = sp.Matrix(W.rows, WJ.cols, lambda i, j, WJ=WJ, scale=scale: scale[i] * WJ[i, j])
    return J


def hessian(model, loss: str | Loss = "mse", max_params: int = 40) -> sp.Matrix:
    """The Hessian of one sample's loss with respect to the parameters.

    Differentiates the backprop gradient once more; its size is
    ``num_params**2``, so models above ``max_params`` parameters are refused.

    Parameters
    ==========

    model : MLP, Polynomial or SeparablePolynomial
    loss : str
        ``"mse"``, ``"bce"`` or ``"softmax_ce"``.
    max_params : int
        The largest ``model.num_params`` accepted (default 40).

    Returns
    =======

    sympy.Matrix
        ``num_params x num_params``, rows and columns in ``model.params``
        order; entry ``(i, j)`` is ``d^2 l / (d theta_i d theta_j)``.

    Raises
    ======

    ValueError
        If the model has more than ``max_params`` parameters.

    Examples
    ========

    >>> from symmlp import Polynomial, hessian
    >>> hessian(Polynomial(1, 1))
    Matrix([
    [  1, x_1],
    [x_1, x_1**2]])
    >>> H = hessian(Polynomial(2, 1))
    >>> H.shape, H.is_symmetric()
    ((3, 3), True)
    >>> hessian(Polynomial(2, 1), max_params=2)
    Traceback (most recent call last):
    ...
    ValueError: the Hessian of a model with 3 parameters has 9 entries; allowed up to max_params=2 parameters
    """
    if model.num_params > max_params:
        raise ValueError(
            f"the Hessian of a model with {model.num_params} parameters has "
            f"{model.num_params ** 2} entries; allowed up to max_params={max_params} parameters"
        )
    real, back = real_symbols(model)
    g = [v.xreplace(real) for v in gradient(model, loss).values()]
    params = [real[p] for p in model.params]
    H = sp.Matrix(len(params), len(params), lambda i, j: sp.diff(g[i], params[j]))
    with sp.evaluate(False):  # the entries are already evaluated; rebuilding them can hang
        return H.xreplace(back)
