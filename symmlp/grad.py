"""Explicit symbolic gradients, the input Jacobian and the parameter Hessian."""

from __future__ import annotations

import sympy as sp

from .derivation import backprop
from .losses import Loss

__all__ = ["gradient", "jacobian", "hessian"]

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
    >>> g == gradient(Polynomial(1, 2), method="direct")
    True
    """
    if method not in _METHODS:
        raise ValueError(f"unknown method {method!r}; valid: {', '.join(_METHODS)}")
    derivation = backprop(model, loss)
    if method == "backprop":
        return derivation.expand()
    ell = derivation.loss_expression()
    return {p: sp.diff(ell, p) for p in model.params}


def jacobian(model) -> sp.Matrix:
    """``d output / d inputs`` (``n_outputs x n_inputs``), by the chain rule.

    For an MLP, ``J = diag(sigma_L'(z_L)) W_L ... diag(sigma_1'(z_1)) W_1``.

    Examples
    ========

    >>> from symmlp import MLP, jacobian
    >>> net = MLP([2, 1], activation="tanh", output_activation="identity")
    >>> jacobian(net)
    Matrix([[W1_1_1, W1_1_2]])
    """
    if not hasattr(model, "weights"):
        return model.output.jacobian(model.inputs)
    J = sp.eye(model.n_inputs)
    for l in range(1, model.n_layers + 1):
        sigma = model.sigma(l)
        scale = model.preactivation(l).applyfunc(sigma.derivative)
        J = sp.diag(*scale) * model.weight(l) * J
    return J


def hessian(model, loss: str | Loss = "mse", max_params: int = 40) -> sp.Matrix:
    """The Hessian of one sample's loss with respect to the parameters.

    Differentiates the backprop gradient once more; its size is
    ``num_params**2``, so models above ``max_params`` parameters are refused.

    Examples
    ========

    >>> from symmlp import Polynomial, hessian
    >>> hessian(Polynomial(1, 1))
    Matrix([
    [  1, x_1],
    [x_1, x_1**2]])
    """
    if model.num_params > max_params:
        raise ValueError(
            f"the Hessian of a model with {model.num_params} parameters has "
            f"{model.num_params ** 2} entries; allowed up to max_params={max_params} parameters"
        )
    g = gradient(model, loss)
    params = model.params
    return sp.Matrix(len(params), len(params), lambda i, j: sp.diff(g[params[i]], params[j]))
