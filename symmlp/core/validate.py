"""Argument checks shared by every public function, with one policy.

A value of the wrong type raises ``TypeError``, a value of the right type but
out of range raises ``ValueError``; both messages name the argument, show the
value given and say what is allowed.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

__all__ = [
    "check_positive_int",
    "check_int",
    "check_real",
    "check_choice",
    "check_float_interval",
    "check_exact_interval",
    "check_matrix",
    "check_seed",
    "exact_number",
]


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_int(value: Any, what: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as an int within ``[minimum, maximum]``, or a clear error.

    Examples
    ========

    >>> from symmlp.core.validate import check_int
    >>> check_int(3, "steps", 1)
    3
    >>> check_int(0, "steps", 1, 10)
    Traceback (most recent call last):
    ...
    ValueError: steps must be an integer in 1..10, got 0
    """
    allowed = ("an integer" if minimum is None and maximum is None else
               f"an integer >= {minimum}" if maximum is None else
               f"an integer <= {maximum}" if minimum is None else
               f"an integer in {minimum}..{maximum}")
    if not _is_int(value):
        raise TypeError(f"{what} must be {allowed}, got {value!r}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{what} must be {allowed}, got {value!r}")
    return int(value)


def check_positive_int(value: Any, what: str, minimum: int = 1) -> int:
    """``value`` as an int ``>= minimum`` (default 1), or a clear error.

    Examples
    ========

    >>> from symmlp.core.validate import check_positive_int
    >>> check_positive_int(2, "width")
    2
    >>> check_positive_int(True, "width")
    Traceback (most recent call last):
    ...
    TypeError: width must be an integer >= 1, got True
    """
    return check_int(value, what, minimum)


def check_seed(value: Any, what: str = "seed") -> int:
    """A seed: an int ``>= 0``."""
    return check_int(value, what, 0)


def check_real(value: Any, what: str, *, low: float = -math.inf, high: float = math.inf,
               low_open: bool = False, high_open: bool = False) -> float:
    """``value`` as a finite float in the given range, or a clear error.

    Examples
    ========

    >>> from symmlp.core.validate import check_real
    >>> check_real(0.5, "momentum", low=0, high=1, high_open=True)
    0.5
    >>> check_real(1.0, "momentum", low=0, high=1, high_open=True)
    Traceback (most recent call last):
    ...
    ValueError: momentum must be a finite number in [0, 1), got 1.0
    """
    if math.isinf(low) and math.isinf(high):
        allowed = "a finite number"
    elif math.isinf(high):
        allowed = f"a finite number {'>' if low_open else '>='} {low:g}"
    elif math.isinf(low):
        allowed = f"a finite number {'<' if high_open else '<='} {high:g}"
    else:
        allowed = f"a finite number in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be {allowed}, got {value!r}")
    x = float(value)
    inside = (x > low if low_open else x >= low) and (x < high if high_open else x <= high)
    if not (math.isfinite(x) and inside):
        raise ValueError(f"{what} must be {allowed}, got {value!r}")
    return x


def check_choice(value: Any, what: str, choices: Sequence[str]) -> str:
    """``value`` if it is one of ``choices``, else a ValueError listing them."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{what} must be one of {', '.join(choices)}; got {value!r}")
    return value


def exact_number(value: Any, what: str = "value") -> sp.Expr:
    """A SymPy number from a Python, NumPy or SymPy number, keeping it exact.

    ints, Fractions and SymPy Rationals stay exact; floats become ``Float``.
    Text is refused (it would have to be parsed).

    Examples
    ========

    >>> from fractions import Fraction
    >>> from symmlp.core.validate import exact_number
    >>> exact_number(Fraction(1, 3)), exact_number(2), exact_number(0.5)
    (1/3, 2, 0.500000000000000)
    """
    if isinstance(value, sp.Basic):
        if not (isinstance(value, sp.Expr) and value.is_number):
            raise TypeError(f"{what} must be a number, got the expression {value!r}")
        if value.is_finite is not True or value.is_extended_real is False:
            raise ValueError(f"{what} must be a finite real number, got {value!r}")
        return value
    if isinstance(value, bool) or isinstance(value, str | bytes):
        raise TypeError(f"{what} must be a number (int, Fraction, float or SymPy), got {value!r}")
    if isinstance(value, numbers.Integral):
        return sp.Integer(int(value))
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, numbers.Real):
        x = float(value)
        if not math.isfinite(x):
            raise ValueError(f"{what} must be finite, got {value!r}")
        return sp.Float(x)
    raise TypeError(f"{what} must be a number (int, Fraction, float or SymPy), got {value!r}")


def _pair(interval: Any, what: str) -> tuple[Any, Any]:
    if isinstance(interval, str | bytes) or not isinstance(interval, Sequence | np.ndarray) \
            or len(interval) != 2:
        raise TypeError(f"{what} must be a pair (a, b) with a < b, got {interval!r}")
    return interval[0], interval[1]


def check_exact_interval(interval: Any, what: str = "interval") -> tuple[sp.Expr, sp.Expr]:
    """``(a, b)`` with ``a < b`` as exact SymPy numbers (floats become Float).

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.core.validate import check_exact_interval
    >>> check_exact_interval((-sp.pi, 1))
    (-pi, 1)
    """
    a, b = (exact_number(v, f"{what}[{i}]") for i, v in enumerate(_pair(interval, what)))
    if not bool(a < b):
        raise ValueError(f"{what} must be a pair (a, b) with a < b, got ({a}, {b})")
    return a, b


def check_float_interval(interval: Any, what: str = "interval") -> tuple[float, float]:
    """``(a, b)`` with ``a < b`` as finite floats whose width is finite too.

    Examples
    ========

    >>> from symmlp.core.validate import check_float_interval
    >>> check_float_interval((-1, 1))
    (-1.0, 1.0)
    >>> check_float_interval((-1e308, 1e308))
    Traceback (most recent call last):
    ...
    ValueError: interval (-1e+308, 1e+308) is too wide: b - a overflows; keep |a|, |b| below 1e+300
    """
    a, b = (float(exact_number(v, f"{what}[{i}]")) for i, v in enumerate(_pair(interval, what)))
    if not (math.isfinite(a) and math.isfinite(b)):
        raise ValueError(f"{what} ends must be finite, got ({a:g}, {b:g})")
    if not a < b:
        raise ValueError(f"{what} must be a pair (a, b) with a < b, got ({a:g}, {b:g})")
    if not math.isfinite(b - a) or max(abs(a), abs(b)) > 1e300:
        raise ValueError(f"{what} ({a:g}, {b:g}) is too wide: b - a overflows; keep |a|, |b| below 1e+300")
    return a, b


def check_matrix(a: Any, name: str, ncols: int, what: str) -> np.ndarray:
    """``a`` as a finite float64 array of shape ``(B, ncols)``, ``B >= 1``.

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp.core.validate import check_matrix
    >>> check_matrix([[1, 2]], "X", 2, "batch, inputs").dtype
    dtype('float64')
    >>> check_matrix(np.ones(3), "X", 1, "batch, inputs")
    Traceback (most recent call last):
    ...
    ValueError: X must have shape (B, 1) (batch, inputs), got (3,); for 3 samples of one column use X.reshape(-1, 1)
    """
    a = np.asarray(a)
    if a.dtype.kind not in "fiub":
        raise TypeError(f"{name} must hold real numbers, got dtype {a.dtype}")
    if a.ndim != 2 or a.shape[1] != ncols or a.shape[0] == 0:
        fix = ""
        if a.ndim == 1 and ncols == 1:
            fix = f"; for {a.shape[0]} samples of one column use {name}.reshape(-1, 1)"
        elif a.ndim == 1 and a.shape[0] == ncols:
            fix = f"; for one sample use {name}.reshape(1, -1)"
        raise ValueError(f"{name} must have shape (B, {ncols}) ({what}), got {a.shape}{fix}")
    if a.dtype != np.float64:
        a = a.astype(np.float64)
    if not np.isfinite(a).all():
        raise ValueError(f"{name} holds NaN or inf (first at row {np.argwhere(~np.isfinite(a))[0][0]})")
    return a
