"""Proving a target function finite on a box, with ball arithmetic.

A target typed by a user (``1/x``, ``tan(x)``, ``1/sin(pi*x)``) may blow up
between the points a sample grid happens to hit.  :func:`prove_finite`
evaluates the SymPy expression in python-flint's ``arb`` ball arithmetic over
the whole box, bisecting where the enclosure is not finite: when every piece
has a finite enclosure the function is *proven* bounded on the box (and the
bound is returned); when a piece shrinks to a point and still is not finite,
the function has a pole, leaves its domain or overflows there, and the error names the
point.  The work is bounded by ``max_pieces``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import sympy as sp
from flint import arb

__all__ = ["prove_finite", "NotFiniteError", "FLOAT_LIMIT"]

FLOAT_LIMIT = 1e300


class NotFiniteError(ValueError):
    """The function is not finite (or not representable in float64) on the box."""


def _sigmoid(v: arb) -> arb:
    return 1 / (1 + (-v).exp())


_FUNCTIONS = {
    sp.sin: arb.sin, sp.cos: arb.cos, sp.tan: arb.tan, sp.exp: arb.exp, sp.log: arb.log,
    sp.tanh: arb.tanh, sp.sinh: arb.sinh, sp.cosh: arb.cosh, sp.Abs: abs, sp.asin: arb.asin,
    sp.acos: arb.acos, sp.atan: arb.atan,
}


def _sqrt(v: arb) -> arb:
    """``sqrt(v)``, counting as 0 a negative part no larger than the radius' rounding (arb stores
    radii with 30 bits, so the ball of ``[0, 1]`` reaches about -1e-9 below 0)."""
    if v.is_finite() and float(v.lower()) < 0 <= float(v.upper()) and -float(v.lower()) <= 2**-26 * float(v.rad()):
        return v.nonnegative_part().sqrt()
    return v.sqrt()


def _number(e: sp.Expr) -> arb:
    if e.is_Integer:
        return arb(int(e))
    if e.is_Rational:
        return arb(int(e.p)) / arb(int(e.q))
    if e.is_Float:
        return arb(float(e))
    if e is sp.pi:
        return arb.pi()
    if e is sp.E:
        return arb.const_e()
    raise NotFiniteError(f"cannot bound the constant {e}")


def _eval(e: sp.Expr, env: dict) -> arb:
    if e in env:
        return env[e]
    if e.is_Number or e in (sp.pi, sp.E):
        return _number(e)
    args = [_eval(a, env) for a in e.args]
    if e.is_Add:
        out = args[0]
        for a in args[1:]:
            out = out + a
        return out
    if e.is_Mul:
        out = args[0]
        for a in args[1:]:
            out = out * a
        return out
    if e.is_Pow:
        base, exponent = args
        if e.exp.is_Integer:
            n = int(e.exp)
            return base ** n if n >= 0 else 1 / base ** (-n)
        if e.exp == sp.Rational(1, 2):
            return _sqrt(base)
        return (exponent * base.log()).exp()
    if isinstance(e, sp.Max | sp.Min):
        out = args[0]
        for a in args[1:]:
            out = out.max(a) if isinstance(e, sp.Max) else out.min(a)
        return out
    f = _FUNCTIONS.get(type(e))
    if f is None or len(args) != 1:
        raise NotFiniteError(f"cannot bound {type(e).__name__}(...) in ball arithmetic")
    return f(args[0])


def _ball(lo: float, hi: float) -> arb:
    """A ball holding ``[lo, hi]``: the union of the two exact end points (rounded outward by arb).

    A midpoint-radius ball computed in floats may miss an end by an ulp; widening the radius ulp by
    ulp took millions of steps when the radius is far smaller than the midpoint."""
    return arb(lo).union(arb(hi))


def _magnitude(value: arb) -> str:
    """``|value|`` to 3 digits as ``m e+E`` even when E is far beyond what a float or arb's printer shows."""
    low = value.abs_lower()
    reference = low if low > 0 else value.abs_upper()
    exponent = float((reference.log() / arb(10).log()).mid())
    whole = math.floor(exponent)
    mantissa = float(f"{10 ** (exponent - whole):.3g}")
    if mantissa >= 10:  # 9.9996 rounds up to 10: 1e+300, not 10e+299
        mantissa, whole = mantissa / 10, whole + 1
    return f"{mantissa:.3g}e+{whole}"


def _point(v: float, scale: float) -> str:
    return "0" if abs(v) < 1e-6 * scale else f"{v:.6g}"


def prove_finite(expr: sp.Expr, symbols: Sequence[sp.Symbol], box: Sequence[tuple[float, float]], *,
                 limit: float = FLOAT_LIMIT, max_pieces: int = 20_000) -> float:
    """An upper bound of ``|expr|`` on ``box``, proven with ball arithmetic; else NotFiniteError.

    Parameters
    ==========

    expr : sympy.Expr
        In ``symbols`` only.
    symbols : sequence of Symbol
    box : sequence of (a, b)
        One interval per symbol.
    limit : float
        Bounds above this are refused too (the values would overflow float64).
    max_pieces : int
        At most this many pieces are evaluated.

    Returns
    =======

    float

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.explore.finite import prove_finite
    >>> x = sp.Symbol("x")
    >>> prove_finite(sp.sin(3 * x), [x], [(-3, 3)]) <= 1.0 + 1e-12
    True
    >>> prove_finite(1 / x, [x], [(-1, 1)])
    Traceback (most recent call last):
    ...
    symmlp.explore.finite.NotFiniteError: 1/x is not finite on [-1, 1]: it has a pole, ... near x = 0
    >>> prove_finite(sp.tan(x), [x], [(-2, 2)])
    Traceback (most recent call last):
    ...
    symmlp.explore.finite.NotFiniteError: tan(x) is not finite on [-2, 2]: ... near x = 1.5708
    """
    if len(symbols) != len(box):
        raise ValueError(f"box needs one interval per symbol ({len(symbols)}), got {len(box)}")
    where = " x ".join(f"[{a:g}, {b:g}]" for a, b in box)
    pieces, bound, done = [tuple((float(a), float(b)) for a, b in box)], 0.0, 0
    while pieces:
        piece = pieces.pop()
        done += 1
        if done > max_pieces:
            raise NotFiniteError(f"could not prove {expr} finite on {where} within {max_pieces} pieces")
        value = _eval(expr, {s: _ball(lo, hi) for s, (lo, hi) in zip(symbols, piece)})
        upper = float(value.abs_upper()) if value.is_finite() else float("inf")
        if upper <= limit:
            bound = max(bound, upper)
            continue
        k = max(range(len(piece)), key=lambda i: piece[i][1] - piece[i][0])
        lo, hi = piece[k]
        if hi - lo <= 1e-9 * (1 + abs(lo) + abs(hi)):
            at = ", ".join(f"{s} = {_point((a + b) / 2, b0 - a0)}"
                           for s, (a, b), (a0, b0) in zip(symbols, piece, box))
            if value.is_finite():
                size = _magnitude(value)
                raise NotFiniteError(f"{expr} reaches about {size} near {at}, beyond "
                                     f"float64 ({limit:g}); rescale it or shrink the interval")
            raise NotFiniteError(f"{expr} is not finite on {where}: it has a pole, leaves its domain or "
                                 f"overflows near {at}")
        mid = (lo + hi) / 2
        pieces += [(*piece[:k], (lo, mid), *piece[k + 1:]), (*piece[:k], (mid, hi), *piece[k + 1:])]
    return bound
