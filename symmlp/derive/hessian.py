"""The parameter Hessian of one sample's loss, exactly, by the R-operator's index form.

Column ``j`` of the Hessian is ``R{∇ℓ}`` along the basis direction ``e_j``
(:mod:`symmlp.derive.second_order`): no second ``sympy.diff`` of an expanded
expression is taken.  Symbolically (tiny models) the R-equations are
substituted into one another, giving ``R{∇ℓ}`` linear in the direction, whose
coefficients are the Hessian's entries.  At a point, the equations are
evaluated with numbers, one direction at a time: Rationals stay Rational,
and a transcendental activation is evaluated with ``digits`` significant
digits.  The project's kink convention holds (``relu'(0) = 0``, ``relu'' = 0``).
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from ..core.validate import check_int, exact_number
from ..models.chain import check_model
from ..ops.losses import Loss
from .derivation import backprop
from .equations import substitute
from .grad import real_symbols
from .second_order import second_order

__all__ = ["hessian", "MAX_SYMBOLIC_PARAMS", "MAX_POINT_WORK", "MAX_SYMBOLIC_WORK"]

MAX_SYMBOLIC_PARAMS = 40
MAX_POINT_WORK = 5 * 10**6  # equations x directions, evaluated one by one
MAX_SYMBOLIC_WORK = 25 * 10**5  # entries x expanded nodes x stages: about 10 s of SymPy


def _symbolic(model, loss) -> sp.Matrix:
    d = backprop(model, loss)
    so = second_order(d)
    real, back = real_symbols(model)
    vs = so.direction_symbols()
    vreal = {v: sp.Dummy(v.name, real=True) for v in vs}
    env = substitute(d.index, dict(real))
    env = substitute(so.index, {**env, **vreal})
    rgrad = [env[("h", p)] for p in model.params]
    n = model.num_params
    zero = {vreal[v]: 0 for v in vs}
    # R{grad} is linear in the direction: setting it to e_j leaves column j, no expansion needed
    H = sp.Matrix(n, n, lambda i, j: rgrad[i].xreplace({**zero, vreal[vs[j]]: 1}))
    with sp.evaluate(False):  # the entries are already evaluated; rebuilding them can hang
        return H.xreplace(back)


def _point_values(model, at: Mapping) -> dict:
    if not isinstance(at, Mapping):
        raise TypeError(f"at must be a dict from the parameter, input and target symbols to numbers, got {at!r:.60}")
    wanted = [*model.params, *model.inputs, *model.targets]
    missing = [s for s in wanted if s not in at]
    unknown = [s for s in at if s not in set(wanted)]
    if missing or unknown:
        raise ValueError(f"at must give a number for each parameter, input and target; missing "
                         f"{missing[:5]}, unknown {unknown[:5]}")
    return {s: exact_number(at[s], str(s)) for s in wanted}


def _at_point(model, loss, at: Mapping, digits: int) -> sp.Matrix:
    d = backprop(model, loss)
    so = second_order(d)
    values = _point_values(model, at)
    n = model.num_params
    work = n * (len(so.index) + 1)
    if work > MAX_POINT_WORK:
        raise ValueError(f"the exact Hessian of {n} parameters evaluates about {work:.1e} equations one by one "
                         f"(over {MAX_POINT_WORK:.0e}); use compile(model).hessian for float64, or a smaller model")
    if all(v.is_Rational for v in values.values()):
        H = _columns(d, so, values, True, digits)
        if H is not None:
            return H
    return _columns(d, so, values, False, digits)  # a value left the rationals: every value to ``digits``


def _columns(d, so, values: dict, exact: bool, digits: int) -> sp.Matrix | None:
    """The Hessian column by column (one basis direction each); None if exact mode leaves the rationals."""
    env = _evaluate(d.index, values, exact, digits)
    if env is None:
        return None
    n, vs = d.model.num_params, so.direction_symbols()
    H = sp.zeros(n, n)
    for j in range(n):
        out = _evaluate(so.index, {**env, **{v: sp.Integer(int(k == j)) for k, v in enumerate(vs)}}, exact, digits)
        if out is None:
            return None
        for i, p in enumerate(d.model.params):
            H[i, j] = out[("h", p)]
    return H


def _evaluate(eqs, env: dict, exact: bool, digits: int) -> dict | None:
    """Each equation at the numbers of ``env``; None if a value leaves the rationals in exact mode."""
    out = dict(env) if exact else {k: (sp.Float(v, digits + 10) if v.is_number else v) for k, v in env.items()}
    for e in eqs:
        if e.kind == "loss":
            continue
        value = e.rhs.xreplace(out) if exact else _float_value(e, out, digits)
        if not value.is_Number:
            if exact:
                return None
            raise ValueError(f"the Hessian equation {e} did not evaluate to a number ({value})")
        out[e.key] = value
    return out


def _float_value(e, env: dict, digits: int) -> sp.Expr:
    """``e``'s right-hand side at ``env`` to ``digits`` digits, cancellation included.

    Substituting Floats evaluates each function at the Floats' precision, so a
    form such as ``1 - tanh(z)**2`` at ``z = 100`` cancels to an exact-looking 0
    (the true value is 4e-87); SymPy's ``evalf`` of the unevaluated tree raises
    its working precision until the requested digits are right.  Where even
    ``10 * digits`` digits leave nothing (an exact cancellation, as at a
    symmetric point, or a value below ``10**(-10 * digits)`` of its terms), the
    value is the one at the working precision, zero or nearly so.
    """
    with sp.evaluate(False):
        tree = e.rhs.xreplace(env)
    value = tree.evalf(digits + 10, maxn=10 * (digits + 10))
    if value.is_Number and not (value.is_Float and value._prec < digits * 3.33):
        return value
    # functions evalf cannot take unevaluated (Max, Heaviside), or nothing left at any precision
    return e.rhs.xreplace(env).evalf(digits + 10)


def hessian(model, loss: str | Loss = "mse", at: Mapping | None = None, *, digits: int = 50,
            max_params: int = MAX_SYMBOLIC_PARAMS) -> sp.Matrix:
    """The Hessian of one sample's loss with respect to the parameters, exactly.

    Parameters
    ==========

    model : any symmlp model
    loss : str or Loss
    at : dict, optional
        A number for every parameter, input and target symbol.  Without it
        the Hessian is returned symbolically (models of at most ``max_params``
        parameters); with it, at that point: exact Rationals when every value
        stays rational (ReLU, polynomial activations, mse), else numbers with
        ``digits`` significant digits (cancellation is followed to ``10 * digits``
        digits; a value smaller than that against its terms comes out as zero or nearly).
    digits : int
        Working precision for transcendental activations (>= 20).
    max_params : int
        The largest model a symbolic Hessian is built for.

    Returns
    =======

    sympy.Matrix
        ``num_params x num_params``, rows and columns in ``model.params``
        order; entry ``(i, j)`` is ``d^2 l / (d theta_i d theta_j)``; symmetric.

    Examples
    ========

    >>> from symmlp import MLP, Polynomial, hessian
    >>> hessian(Polynomial(1, 1))
    Matrix([
    [  1, x_1],
    [x_1, x_1**2]])
    >>> net = MLP([1, 1, 1], activation="relu")
    >>> point = dict(zip([*net.params, *net.inputs, *net.targets], [2, -1, 3, 1, 1, 0]))
    >>> H = hessian(net, at=point)          # z = 2*1 - 1 = 1 > 0: the ReLU is active
    >>> H.is_symmetric(), H[0, 2]            # d2l / dW1 dW2 = x*(2*W2*a - y... ) exactly
    (True, 7)
    >>> hessian(Polynomial(2, 1), max_params=2)
    Traceback (most recent call last):
    ...
    ValueError: the symbolic Hessian of a model with 3 parameters has 9 entries; ... (pass at=point ...)
    """
    check_model(model)
    digits = check_int(digits, "digits", 20, 10_000)
    if at is not None:
        return _at_point(model, loss, at, digits)
    max_params = check_int(max_params, "max_params", 1)
    if model.num_params > max_params:
        raise ValueError(
            f"the symbolic Hessian of a model with {model.num_params} parameters has {model.num_params ** 2} "
            f"entries; allowed up to max_params={max_params} parameters (pass at=point for larger models)")
    work = model.num_params ** 2 * model.expanded_size() * len(model.stages)
    if work > MAX_SYMBOLIC_WORK:
        raise ValueError(
            f"the symbolic Hessian of {model!r:.80} has {model.num_params ** 2} entries, each built from an "
            f"expression of about {model.expanded_size()} nodes through {len(model.stages)} stages: about "
            f"{work:.1e} units of work (over {MAX_SYMBOLIC_WORK:.1e}, some seconds; it grows with depth); pass "
            "at=point for its value at a point, or use compile(model).hessian for float64")
    return _symbolic(model, loss)



