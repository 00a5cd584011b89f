"""A 2-D array of balls that the generated code can run on unchanged.

:class:`ArbArray` wraps a NumPy object array of python-flint elements
(``arb`` balls or exact ``fmpq``, see :mod:`symmlp.emit.arb.field`) and
supports what the generated code does with arrays: ``@`` (through
``arb_mat``/``fmpq_mat``, where the work is), ``.T``, ``+ - * / **``, unary
minus, slicing, ``reshape``/``ravel``, and comparisons, which give a
:class:`Mask` only when every entry is certainly decided.

**Stacks.**  An array may carry a leading *stack* axis: ``K`` arrays of the
same shape evaluated in lockstep, one per direction of a forward-mode pass.
The code never sees it: ``.shape``, ``.T``, indexing, ``reshape`` and
``axis=`` all speak of the trailing axes, and an unstacked array meets a
stacked one as if it were repeated ``K`` times.  So one run of the R-pass
equations handles a whole block of directions, with one big matrix product
per ``@``.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from flint import arb, fmpq

from .field import ARB_FIELD, Field, can_equal

__all__ = ["ArbArray", "Mask", "LazyStack", "as_array", "align", "wrap", "apply", "matmul", "agreeing"]


class LazyStack:
    """Base of the stacked arrays kept symbolic (all zero, basis directions); see
    :mod:`symmlp.emit.arb.directions`.  ``ArbArray`` defers its operators to them."""

    stack_size: int
    shape: tuple[int, ...]


def wrap(value: Any) -> np.ndarray:
    """``value`` as an object ndarray (NumPy returns bare elements from 0-d operations)."""
    if isinstance(value, np.ndarray):
        return value if value.dtype == object else value.astype(object)
    out = np.empty((), dtype=object)
    out[()] = value
    return out


def apply(f: Callable, *arrays: np.ndarray) -> np.ndarray:
    """``f`` applied entry by entry (broadcasting) to object arrays."""
    return wrap(np.frompyfunc(f, len(arrays), 1)(*arrays))


class ArbArray:
    """An array of balls (or rationals), optionally stacked; see the module docstring.

    Examples
    ========

    >>> from symmlp.emit.arb import ArbArray
    >>> A = ArbArray.from_values([[1, 2], [3, 4]])
    >>> (A @ A.T + 0.5)[0, 1].item()
    11.5000000000000
    >>> (A > 2).data.tolist()
    [[False, False], [True, True]]
    """

    __slots__ = ("data", "field", "stack")
    __array_priority__ = 1000  # NumPy defers to our operators

    def __init__(self, data: np.ndarray, field: Field = ARB_FIELD, stack: bool = False) -> None:
        self.data, self.field, self.stack = wrap(data), field, stack

    @classmethod
    def from_values(cls, values: Any, field: Field = ARB_FIELD) -> ArbArray:
        """Numbers (ints, floats, Fractions, flint elements) converted exactly where possible."""
        array = np.asarray(values, dtype=object)
        return cls(apply(field.const, array), field)

    @classmethod
    def full(cls, shape: tuple[int, ...], value: Any, field: Field = ARB_FIELD) -> ArbArray:
        data = np.empty(shape, dtype=object)
        data.fill(field.const(value))
        return cls(data, field)

    # ---------------------------------------------------------------- shape
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape[1:] if self.stack else self.data.shape

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def stack_size(self) -> int | None:
        return self.data.shape[0] if self.stack else None

    def _lead(self) -> tuple:
        return (slice(None),) if self.stack else ()

    def _new(self, data: np.ndarray, stack: bool | None = None) -> ArbArray:
        return ArbArray(data, self.field, self.stack if stack is None else stack)

    @property
    def T(self) -> ArbArray:
        return self if self.ndim < 2 else self._new(self.data.swapaxes(-1, -2))

    def reshape(self, *shape) -> ArbArray:
        shape = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], tuple | list) else shape
        lead = self.data.shape[:1] if self.stack else ()
        return self._new(self.data.reshape(lead + tuple(shape)))

    def ravel(self) -> ArbArray:
        return self.reshape(-1)

    def __getitem__(self, index) -> ArbArray:
        index = index if isinstance(index, tuple) else (index,)
        index = tuple(list(i) if isinstance(i, range) else i for i in index)
        return self._new(self.data[self._lead() + index])

    def __len__(self) -> int:
        return self.shape[0]

    def item(self):
        """The one element of a 0-d (unstacked) array."""
        if self.stack or self.data.ndim:
            raise ValueError(f"item() needs a 0-d array, got {self!r}")
        return self.data[()]

    def tolist(self) -> list:
        return self.data.tolist()

    def __bool__(self) -> bool:
        raise TypeError("the truth value of an ArbArray is ambiguous; compare entries with np.where")

    def __array__(self, *args, **kwargs):
        raise TypeError("an ArbArray cannot become a NumPy array implicitly; this np function is not "
                        "supported by the ball-arithmetic backend")

    def aligned(self, other: ArbArray | Mask) -> tuple[np.ndarray, np.ndarray, bool]:
        """Both data arrays shaped so NumPy broadcasting pairs stack with stack and trailing axes
        with trailing axes; and whether the result is stacked."""
        return align(self.data, self.stack, other.data, other.stack)

    # ---------------------------------------------------------------- arithmetic
    def _operand(self, other: Any) -> ArbArray | None:
        if isinstance(other, ArbArray):
            return other
        if isinstance(other, Mask):
            return other.as_array(self.field)
        if isinstance(other, LazyStack):
            return None
        if isinstance(other, numbers.Number | np.generic) or isinstance(other, self.field.element):
            return ArbArray(wrap(self.field.const(other)), self.field)
        if isinstance(other, np.ndarray) and other.dtype != object:
            return ArbArray.from_values(other, self.field)
        return None

    def _binary(self, other: Any, op: Callable, reflected: bool = False):
        o = self._operand(other)
        if o is None:
            return NotImplemented
        a, b, stacked = self.aligned(o)
        if reflected:
            a, b = b, a
        return ArbArray(wrap(op(a, b)), self.field, stacked)

    def __add__(self, other):
        return self._binary(other, np.add)

    def __radd__(self, other):
        return self._binary(other, np.add, True)

    def __sub__(self, other):
        return self._binary(other, np.subtract)

    def __rsub__(self, other):
        return self._binary(other, np.subtract, True)

    def __mul__(self, other):
        return self._binary(other, np.multiply)

    def __rmul__(self, other):
        return self._binary(other, np.multiply, True)

    def __truediv__(self, other):
        return self._binary(other, np.true_divide)

    def __rtruediv__(self, other):
        return self._binary(other, np.true_divide, True)

    def __neg__(self) -> ArbArray:
        return self._new(wrap(-self.data))

    def __pos__(self) -> ArbArray:
        return self

    def __abs__(self) -> ArbArray:
        return self._new(apply(abs, self.data))

    def __pow__(self, k):
        if isinstance(k, ArbArray) and not k.stack and not k.ndim and _integer(k.item()) is not None:
            k = _integer(k.item())  # an exact integer exponent (mpq(2, 1), arb(2)) is an integer power
        if isinstance(k, float) and k.is_integer():
            k = int(k)
        if isinstance(k, numbers.Integral):
            k = int(k)
            return self._new(apply(lambda e: e**k, self.data))
        return self._binary(k, np.power)

    # ---------------------------------------------------------------- matmul
    def __matmul__(self, other):
        if not isinstance(other, ArbArray):
            return NotImplemented
        return matmul(self, other)

    # ---------------------------------------------------------------- comparisons
    def _compare(self, other: Any, op: str) -> Mask:
        o = self._operand(other)
        if o is None:
            return NotImplemented
        a, b, stacked = self.aligned(o)
        decide = self.field.decide
        truth = np.frompyfunc(lambda x, y: decide(x, op, y), 2, 1)(a, b)
        return Mask(np.asarray(truth, dtype=bool), self.field, stacked)

    def __gt__(self, other):
        return self._compare(other, ">")

    def __ge__(self, other):
        return self._compare(other, ">=")

    def __lt__(self, other):
        return self._compare(other, "<")

    def __le__(self, other):
        return self._compare(other, "<=")

    def __repr__(self) -> str:
        stack = f", stack of {self.stack_size}" if self.stack else ""
        return f"ArbArray({self.field.name}, shape={self.shape}{stack})"

    __hash__ = None


THIN = 2


def _integer(value) -> int | None:
    """``value`` as an int when it is exactly one (an ``fmpq`` with denominator 1, an exact ``arb``)."""
    if isinstance(value, fmpq):
        return int(value.p) if value.q == 1 else None
    if isinstance(value, arb) and value.is_exact() and value.is_integer():
        return int(value.unique_fmpz())
    return None


def _to_matrix(data: np.ndarray, field: Field):
    rows, cols = data.shape
    return field.matrix(rows, cols, data.ravel().tolist())


def _from_matrix(m, rows: int, cols: int) -> np.ndarray:
    out = np.empty(rows * cols, dtype=object)
    out[:] = m.entries()
    return out.reshape(rows, cols)


def matmul2d(a: np.ndarray, b: np.ndarray, field: Field) -> np.ndarray:
    """``a @ b`` for 2-D object arrays, as one python-flint matrix product."""
    (m, k), (_, n) = a.shape, b.shape
    if m == 0 or n == 0 or k == 0:
        out = np.empty((m, n), dtype=object)
        out.fill(field.zero)
        return out
    if min(m, n) <= THIN:  # a thin product: converting to arb_mat and back would cost more than it saves
        return wrap(np.matmul(a, b))
    if k <= THIN:  # (nearly) an outer product: one ball multiplication per entry, no conversion
        out = a[:, :1] * b[:1, :]
        for j in range(1, k):
            out = out + a[:, j:j + 1] * b[j:j + 1, :]
        return wrap(out)
    return _from_matrix(_to_matrix(a, field) * _to_matrix(b, field), m, n)


def matmul(x: ArbArray, y: ArbArray) -> ArbArray:
    """``x @ y`` for 2-D operands, either of them stacked (one big product either way)."""
    if x.ndim != 2 or y.ndim != 2:
        raise ValueError(f"the ball-arithmetic @ takes 2-D operands, got shapes {x.shape} and {y.shape}")
    f = x.field
    if not x.stack and not y.stack:
        return ArbArray(matmul2d(x.data, y.data, f), f)
    if x.stack and not y.stack:
        K, m, k = x.data.shape
        out = matmul2d(x.data.reshape(K * m, k), y.data, f)
        return ArbArray(out.reshape(K, m, -1), f, True)
    if y.stack and not x.stack:
        K, k, n = y.data.shape
        wide = y.data.transpose(1, 0, 2).reshape(k, K * n)
        out = matmul2d(x.data, wide, f)
        return ArbArray(out.reshape(-1, K, n).transpose(1, 0, 2), f, True)
    parts = [matmul2d(a, b, f) for a, b in zip(x.data, y.data)]
    return ArbArray(np.stack(parts), f, True)


class Mask:
    """The certified outcome of a comparison: a boolean array (stacked like its operands)."""

    __slots__ = ("data", "field", "stack")

    def __init__(self, data: np.ndarray, field: Field, stack: bool = False) -> None:
        self.data, self.field, self.stack = np.asarray(data, dtype=bool), field, stack

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape[1:] if self.stack else self.data.shape

    def as_array(self, field: Field | None = None) -> ArbArray:
        f = field or self.field
        values = np.where(self.data, f.one, f.zero).astype(object)
        return ArbArray(values, f, self.stack)

    def astype(self, dtype) -> ArbArray:
        return self.as_array()

    def __mul__(self, other):
        return self.as_array(_field_of(other, self.field)) * other

    def __rmul__(self, other):
        return other * self.as_array(_field_of(other, self.field))

    def _logic(self, other: Mask, op: Callable) -> Mask:
        if not isinstance(other, Mask):
            return NotImplemented
        a, b, stacked = align(self.data, self.stack, other.data, other.stack)
        return Mask(op(a, b), self.field, stacked)

    def __and__(self, other):
        return self._logic(other, np.logical_and)

    def __or__(self, other):
        return self._logic(other, np.logical_or)

    def __invert__(self) -> Mask:
        return Mask(~self.data, self.field, self.stack)

    def __bool__(self) -> bool:
        raise TypeError("the truth value of a Mask is ambiguous; use np.where")


def agreeing(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Entry by entry (broadcasting) whether two object arrays of enclosures may hold the same numbers."""
    try:  # the common case, all balls: each ball's own method (never arb.overlaps unbound: it trusts its self)
        return np.asarray(np.frompyfunc(_ball_overlaps, 2, 1)(a, b), dtype=bool)
    except (AttributeError, TypeError):
        return np.asarray(np.frompyfunc(can_equal, 2, 1)(a, b), dtype=bool)


def _ball_overlaps(p, q) -> bool:
    if type(p) is not arb or type(q) is not arb:
        raise TypeError("not two balls")
    return p.overlaps(q)


def align(a: np.ndarray, a_stack: bool, b: np.ndarray, b_stack: bool) -> tuple[np.ndarray, np.ndarray, bool]:
    """``a`` and ``b`` reshaped so that broadcasting pairs stack axis with stack axis and the
    trailing (code-visible) axes from the right; and whether the result is stacked."""
    if not (a_stack or b_stack):
        return a, b, False
    r = max(a.ndim - a_stack, b.ndim - b_stack)

    def lift(d: np.ndarray, stacked: bool) -> np.ndarray:
        pad = (1,) * (r - (d.ndim - stacked))
        return d.reshape(d.shape[:1] + pad + d.shape[1:]) if stacked else d.reshape((1,) + pad + d.shape)

    return lift(a, a_stack), lift(b, b_stack), True


def _field_of(other: Any, default: Field) -> Field:
    return other.field if isinstance(other, ArbArray) else default


def as_array(x: Any, field: Field) -> ArbArray:
    """``x`` (an ArbArray, Mask, number or numeric ndarray) as an ArbArray over ``field``."""
    if isinstance(x, ArbArray):
        return x
    if isinstance(x, Mask):
        return x.as_array(field)
    if isinstance(x, LazyStack):
        return x.materialize(field)
    if isinstance(x, Sequence | np.ndarray) and not isinstance(x, str):
        return ArbArray.from_values(x, field)
    return ArbArray(wrap(field.const(x)), field)
