"""The parameter Hessian of one sample's loss (exact face)."""

from __future__ import annotations

import sympy as sp

from ..models.chain import check_model
from ..ops.losses import Loss
from .grad import gradient, kink_convention, real_symbols

__all__ = ["hessian"]


def hessian(model, loss: str | Loss = "mse", max_params: int = 40) -> sp.Matrix:
    """The Hessian of one sample's loss with respect to the parameters.

    Differentiates the backprop gradient once more; its size is
    ``num_params**2``, so models above ``max_params`` parameters are refused.

    Parameters
    ==========

    model : any symmlp model
    loss : str or Loss
    max_params : int
        The largest ``model.num_params`` accepted (default 40).

    Returns
    =======

    sympy.Matrix
        ``num_params x num_params``, rows and columns in ``model.params``
        order; entry ``(i, j)`` is ``d^2 l / (d theta_i d theta_j)``.

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
    check_model(model)
    if model.num_params > max_params:
        raise ValueError(
            f"the Hessian of a model with {model.num_params} parameters has "
            f"{model.num_params ** 2} entries; allowed up to max_params={max_params} parameters"
        )
    real, back = real_symbols(model)
    g = [v.xreplace(real) for v in gradient(model, loss).values()]
    params = [real[p] for p in model.params]
    H = sp.Matrix(len(params), len(params), lambda i, j: kink_convention(sp.diff(g[i], params[j])))
    with sp.evaluate(False):  # the entries are already evaluated; rebuilding them can hang
        return H.xreplace(back)
