"""What ``np.`` means when generated code runs on balls: NumPy's names, certified.

:class:`BallNumpy` provides the functions the generated code and the stages'
helpers call (``np.tanh``, ``np.sum(x, axis=0)``, ``np.where``, ...) for
:class:`~symmlp.emit.arb.array.ArbArray` arguments, plus the names
:func:`sympy.lambdify`'s NumPy printer writes (``select``, ``less``, ...), so a
user's activation runs here too.  A name it does not provide raises an
``AttributeError`` naming it; nothing falls back to float NumPy.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

from .array import ArbArray, LazyStack, Mask, align, apply, as_array, wrap
from .field import Field

__all__ = ["BallNumpy"]

_FUNCTIONS = {"tanh": "tanh", "exp": "exp", "log": "log", "log1p": "log1p", "expm1": "expm1",
              "sqrt": "sqrt", "sinh": "sinh", "cosh": "cosh", "sin": "sin", "cos": "cos", "tan": "tan",
              "arctan": "atan", "arcsinh": "asinh", "arctanh": "atanh", "arcsin": "asin", "arccos": "acos",
              "erf": "erf"}


class _Logical:
    """``logical_and`` / ``logical_or`` as lambdify writes them: called on two masks, or ``.reduce``d
    over several."""

    def __init__(self, op) -> None:
        self.op = op

    def __call__(self, x, y):
        return self.op(x, y)

    def reduce(self, masks):
        return functools.reduce(self.op, masks)


class BallNumpy:
    """The ``np`` of generated code over one :class:`~symmlp.emit.arb.field.Field`."""

    float64 = float
    nan = float("nan")
    pi = np.pi  # only as a float literal would appear; exact functions never need it

    def __init__(self, field: Field) -> None:
        self.field = field
        for name, method in _FUNCTIONS.items():
            setattr(self, name, self._elementwise(name, method))

    def __getattr__(self, name: str):
        raise AttributeError(f"np.{name} is not supported by the {self.field.name} backend")

    def asarray(self, x: Any) -> ArbArray:
        return as_array(x, self.field)

    def _elementwise(self, name: str, method: str):
        def f(x):
            x = as_array(x, self.field)
            return x._new(apply(self.field.function(method), x.data))

        f.__name__ = name
        return f

    # ---------------------------------------------------------------- elementwise
    def abs(self, x):
        return abs(as_array(x, self.field))

    absolute = abs

    def square(self, x):
        return as_array(x, self.field) ** 2

    def _pair(self, x, y) -> tuple[np.ndarray, np.ndarray, bool]:
        a, b = as_array(x, self.field), as_array(y, self.field)
        return a.aligned(b)

    def maximum(self, x, y) -> ArbArray:
        a, b, stacked = self._pair(x, y)
        return ArbArray(apply(self.field.maximum, a, b), self.field, stacked)

    def minimum(self, x, y) -> ArbArray:
        a, b, stacked = self._pair(x, y)
        return ArbArray(apply(self.field.minimum, a, b), self.field, stacked)

    def clip(self, x, lo, hi) -> ArbArray:
        return self.minimum(self.maximum(x, lo), hi)

    def sign(self, x) -> ArbArray:
        x = as_array(x, self.field)
        return (x > 0).as_array(self.field) - (x < 0).as_array(self.field)

    def heaviside(self, x, h0) -> ArbArray:
        x = as_array(x, self.field)
        return (x > 0).as_array(self.field) + (~(x > 0) & ~(x < 0)).as_array(self.field) * h0

    def where(self, cond, a, b) -> ArbArray:
        if not isinstance(cond, Mask):
            raise TypeError("np.where on balls needs a comparison of arrays as its condition")
        x, y = as_array(a, self.field), as_array(b, self.field)
        xd, yd, stacked = x.aligned(y)
        c, xd, stacked_c = align(cond.data, cond.stack, xd, stacked)
        _, yd, _ = align(cond.data, cond.stack, yd, stacked)
        return ArbArray(wrap(np.where(c, xd, yd)), self.field, stacked or stacked_c)

    # comparisons as lambdify's NumPy printer writes them
    def less(self, x, y):
        return as_array(x, self.field) < y

    def less_equal(self, x, y):
        return as_array(x, self.field) <= y

    def greater(self, x, y):
        return as_array(x, self.field) > y

    def greater_equal(self, x, y):
        return as_array(x, self.field) >= y

    def equal(self, x, y):
        return as_array(x, self.field)._compare(y, "==")

    def not_equal(self, x, y):
        return as_array(x, self.field)._compare(y, "!=")

    logical_and = property(lambda self: _Logical(lambda x, y: x & y))
    logical_or = property(lambda self: _Logical(lambda x, y: x | y))

    def logical_not(self, x):
        return ~x

    def select(self, conditions: Sequence, choices: Sequence, default: Any = float("nan")) -> ArbArray:
        """The first choice whose condition holds; the last condition must be ``True`` (a
        Piecewise defined everywhere), as balls have no ``nan`` default."""
        pairs = list(zip(conditions, choices))
        if not pairs or pairs[-1][0] is not True:
            raise ValueError("a Piecewise evaluated on balls must end with a (value, True) branch")
        out = as_array(pairs[-1][1], self.field)
        for cond, choice in reversed(pairs[:-1]):
            out = out if cond is False else as_array(choice, self.field) if cond is True else \
                self.where(cond, choice, out)
        return out

    # ---------------------------------------------------------------- reductions
    def _axis(self, x: ArbArray, axis: int | None) -> int | tuple[int, ...]:
        if axis is None:
            return tuple(range(int(x.stack), x.data.ndim))
        return (axis % x.ndim) + int(x.stack)

    def sum(self, x, axis: int | None = None, keepdims: bool = False) -> ArbArray:
        if isinstance(x, LazyStack):
            return x.reduce(axis, keepdims)
        x = as_array(x, self.field)
        ax = self._axis(x, axis)
        if x.data.size == 0:
            return x._new(wrap(np.sum(x.data, axis=ax, keepdims=keepdims)))
        return x._new(wrap(np.add.reduce(x.data, axis=ax, keepdims=keepdims)))

    def max(self, x, axis: int | None = None, keepdims: bool = False) -> ArbArray:
        x = as_array(x, self.field)
        reduce = np.frompyfunc(self.field.maximum, 2, 1).reduce
        ax = self._axis(x, axis)
        for a in sorted(ax if isinstance(ax, tuple) else (ax,), reverse=True):
            x = x._new(wrap(reduce(x.data, axis=a, keepdims=keepdims)))
        return x

    amax = max

    def concatenate(self, parts: Sequence, axis: int = 0) -> ArbArray:
        arrays = [as_array(p, self.field) for p in parts]
        sizes = {a.stack_size for a in arrays if a.stack}
        if len(sizes) > 1:
            raise ValueError(f"cannot concatenate stacks of different sizes {sorted(sizes)}")
        if not sizes:
            return ArbArray(np.concatenate([a.data for a in arrays], axis=axis), self.field)
        K = sizes.pop()
        data = [a.data if a.stack else np.broadcast_to(a.data, (K, *a.data.shape)) for a in arrays]
        return ArbArray(np.concatenate(data, axis=(axis % arrays[0].ndim) + 1), self.field, True)

    def ones_like(self, x) -> ArbArray:
        x = as_array(x, self.field)
        return ArbArray.full(x.shape, 1, self.field)

    def zeros_like(self, x) -> ArbArray:
        x = as_array(x, self.field)
        return ArbArray.full(x.shape, 0, self.field)

    def lambdify_namespace(self) -> dict:
        """The names :func:`sympy.lambdify` (NumPy printer) needs, bound to this backend."""
        names = [*_FUNCTIONS, "abs", "absolute", "maximum", "minimum", "sign", "heaviside", "where",
                 "select", "less", "less_equal", "greater", "greater_equal", "equal", "not_equal", "logical_and",
                 "logical_or", "logical_not", "square", "amax", "clip"]
        out = {name: getattr(self, name) for name in names}
        out.update(nan=float("nan"), reduce=functools.reduce, power=lambda x, k: as_array(x, self.field) ** k)
        return out
