"""Sizes and floating-point values of constant SymPy expressions, computed without evalf.

The parser of target functions (:mod:`symmlp.explore.target`) uses them to refuse,
before SymPy builds them, powers whose exact numbers would be huge and constants
that overflow float64; SymPy's own ``evalf`` may hang or overflow on constants such
as ``exp(exp(exp(9)))``.
"""

from __future__ import annotations

import cmath
import functools
import math
from collections.abc import Callable

import sympy as sp

__all__ = ["approx_value", "coefficient_bits"]


def coefficient_bits(expr: sp.Expr) -> int:
    """The bit length of the largest numerator or denominator among the rationals of ``expr``.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.explore.target_values import coefficient_bits
    >>> coefficient_bits(sp.Rational(3, 1024) * sp.Symbol("x"))
    11
    """
    return max(
        (max(abs(r.p).bit_length(), r.q.bit_length()) for r in expr.atoms(sp.Rational)),
        default=0,
    )


_APPROX: dict[type, Callable[[complex], complex]] = {
    sp.Abs: abs,
    sp.cos: cmath.cos,
    sp.cosh: cmath.cosh,
    sp.cot: lambda z: 1 / cmath.tan(z),
    sp.coth: lambda z: 1 / cmath.tanh(z),
    sp.csc: lambda z: 1 / cmath.sin(z),
    sp.csch: lambda z: 1 / cmath.sinh(z),
    sp.exp: cmath.exp,
    sp.log: cmath.log,
    sp.sec: lambda z: 1 / cmath.cos(z),
    sp.sech: lambda z: 1 / cmath.cosh(z),
    sp.sin: cmath.sin,
    sp.sinh: cmath.sinh,
    sp.tan: cmath.tan,
    sp.tanh: cmath.tanh,
}

_KNOWN = {sp.pi: cmath.pi, sp.E: cmath.e, sp.I: 1j}


@functools.lru_cache(maxsize=4096)
def approx_value(expr: sp.Expr) -> complex | None:
    """Floating-point value of a constant (inf on overflow), or None if unknown.

    >>> import sympy as sp
    >>> from symmlp.explore.target_values import approx_value
    >>> approx_value(sp.exp(sp.exp(sp.exp(9))))
    (inf+0j)

    Computed without SymPy's evalf, which may hang or overflow on constants
    such as ``exp(exp(exp(9)))``.
    """
    try:
        if expr.is_Rational:
            return complex(expr.p / expr.q)
        if expr.is_Pow and expr.base.is_Rational and expr.base != 0:
            exponent = approx_value(expr.exp)
            base = expr.base
            log_base = math.log(abs(base.p)) - math.log(base.q) + (1j * math.pi if base.p < 0 else 0)
            return None if exponent is None else cmath.exp(exponent * log_base)
        if expr in _KNOWN:
            return _KNOWN[expr]
        args = [approx_value(arg) for arg in expr.args]
        if None in args:
            return None
        if expr.is_Add:
            return sum(args, 0j)
        if expr.is_Mul:
            return math.prod(args, start=1 + 0j)
        if expr.is_Pow:
            return args[0] ** args[1]
        if isinstance(expr, sp.Max):
            return max(args, key=lambda z: z.real)
        f = _APPROX.get(expr.func)
        return f(*args) if f else None
    except (OverflowError, ZeroDivisionError, ValueError):
        return complex(math.inf)

