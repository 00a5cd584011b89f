"""Blocks of basis directions for the forward-mode (R-operator) passes, kept symbolic.

Route B evaluates the R-pass equations once per block of directions ``V``.
With ``V`` running over basis vectors, most of each stacked quantity is
zero: a direction inside ``W2`` leaves ``R{Z1}`` at 0, and its ``V_W2`` has one
non-zero entry.  Materialising them would cost ``K`` times the block's size
per block; instead

- :class:`Zero` is ``K`` zero arrays: it absorbs products and vanishes from
  sums, so the layers before a direction's block cost nothing;
- :class:`Basis` is ``K`` unit matrices ``E_k``: ``X @ E_kᵀ`` is ``X``'s column
  moved into place, built directly;
- :class:`Directions` is the direction argument ``v`` itself: slicing it by a
  block of the layout gives the block's ``Basis`` or a ``Zero``.

Anything else they are asked to do, they do densely (``materialize``).
"""

from __future__ import annotations

import numpy as np

from ...models.layout import Layout
from .array import ArbArray, LazyStack, Mask, as_array
from .field import ARB_FIELD, Field

__all__ = ["Zero", "Basis", "Directions", "basis_blocks"]


def _dense(x, field: Field) -> ArbArray:
    return x.materialize(field) if isinstance(x, LazyStack) else as_array(x, field)


class _Lazy(LazyStack):
    """Dense fallbacks for every operator the subclasses do not handle specially."""

    field: Field

    def materialize(self, field: Field | None = None) -> ArbArray:
        raise NotImplementedError

    def _dense_op(self, other, name: str):
        field = other.field if isinstance(other, ArbArray) else self.field
        return getattr(self.materialize(field), name)(_dense(other, field))

    def __add__(self, other):
        return self._dense_op(other, "__add__")

    def __radd__(self, other):
        return self._dense_op(other, "__radd__")

    def __sub__(self, other):
        return self._dense_op(other, "__sub__")

    def __rsub__(self, other):
        return self._dense_op(other, "__rsub__")

    def __mul__(self, other):
        return self._dense_op(other, "__mul__")

    def __rmul__(self, other):
        return self._dense_op(other, "__rmul__")

    def __truediv__(self, other):
        return self._dense_op(other, "__truediv__")

    def __neg__(self):
        return -self.materialize()

    def __pow__(self, k):
        return self.materialize() ** k

    def reduce(self, axis, keepdims):
        from .shim import BallNumpy

        return BallNumpy(self.field).sum(self.materialize(), axis=axis, keepdims=keepdims)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __getitem__(self, index):
        return self.materialize()[index]

    def __bool__(self) -> bool:
        raise TypeError("the truth value of a stack of directions is ambiguous")


def _other_shape(other) -> tuple[int, ...]:
    return tuple(np.shape(other)) if not isinstance(other, ArbArray | Mask | LazyStack) else other.shape


class Zero(_Lazy):
    """``K`` arrays of zeros of ``shape``."""

    def __init__(self, stack_size: int, shape: tuple[int, ...], field: Field = ARB_FIELD) -> None:
        self.stack_size, self.shape, self.field = stack_size, tuple(shape), field

    def _like(self, shape) -> Zero:
        return Zero(self.stack_size, tuple(shape), self.field)

    def materialize(self, field: Field | None = None) -> ArbArray:
        f = field or self.field
        data = np.empty((self.stack_size, *self.shape), dtype=object)
        data.fill(f.zero)
        return ArbArray(data, f, True)

    @property
    def T(self) -> Zero:
        return self._like(self.shape[::-1])

    def reshape(self, *shape) -> Zero:
        shape = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], tuple | list) else shape
        return self._like(np.empty(self.shape, dtype=np.int8).reshape(shape).shape)

    def ravel(self) -> Zero:
        return self.reshape(-1)

    def __getitem__(self, index) -> Zero:
        return self._like(np.empty(self.shape, dtype=np.int8)[index].shape)

    def _sum(self, other):
        shape = np.broadcast_shapes(self.shape, _other_shape(other))
        if isinstance(other, ArbArray) and other.shape == shape:
            return other
        if isinstance(other, Zero):
            return self._like(shape)
        return self._dense_op(other, "__add__")

    __add__ = __radd__ = _sum

    def __sub__(self, other):
        return self._sum(-other)

    def __rsub__(self, other):
        return self._sum(other)

    def _product(self, other) -> Zero:
        return self._like(np.broadcast_shapes(self.shape, _other_shape(other)))

    __mul__ = __rmul__ = __truediv__ = _product

    def __neg__(self) -> Zero:
        return self

    def __pow__(self, k) -> Zero:
        if k <= 0:
            raise ZeroDivisionError("a zero stack to a power <= 0")
        return self

    def __matmul__(self, other) -> Zero:
        return self._like((self.shape[0], _other_shape(other)[-1]))

    def __rmatmul__(self, other) -> Zero:
        return self._like((_other_shape(other)[0], self.shape[-1]))

    def reduce(self, axis, keepdims) -> Zero:
        return self._like(np.sum(np.empty(self.shape, dtype=np.int8), axis=axis, keepdims=keepdims).shape)

    def __repr__(self) -> str:
        return f"Zero({self.stack_size} x {self.shape})"


class Basis(_Lazy):
    """``K`` unit arrays of ``shape``: array ``k`` is 1 at flat position ``positions[k]``, else 0
    (of the untransposed shape; ``.T`` swaps the roles of rows and columns)."""

    def __init__(self, positions, shape: tuple[int, ...], field: Field = ARB_FIELD,
                 transposed: bool = False) -> None:
        self.positions = np.asarray(positions, dtype=np.intp)
        self.stack_size = len(self.positions)
        self.base_shape, self.field, self.transposed = tuple(shape), field, transposed
        self.shape = self.base_shape[::-1] if transposed else self.base_shape

    def _rows_cols(self) -> tuple[np.ndarray, np.ndarray]:
        """Where each direction's 1 sits in the (possibly transposed) 2-D matrix."""
        rows, cols = np.divmod(self.positions, self.base_shape[1])
        return (cols, rows) if self.transposed else (rows, cols)

    def materialize(self, field: Field | None = None) -> ArbArray:
        f = field or self.field
        data = np.empty((self.stack_size, int(np.prod(self.base_shape))), dtype=object)
        data.fill(f.zero)
        data[np.arange(self.stack_size), self.positions] = f.one
        dense = ArbArray(data.reshape(self.stack_size, *self.base_shape), f, True)
        return dense.T if self.transposed else dense

    @property
    def T(self) -> Basis:
        if len(self.base_shape) < 2:
            return self
        return Basis(self.positions, self.base_shape, self.field, not self.transposed)

    def reshape(self, *shape) -> Basis:
        if self.transposed:
            return self.materialize().reshape(*shape)
        shape = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], tuple | list) else shape
        return Basis(self.positions, np.empty(self.base_shape, dtype=np.int8).reshape(shape).shape, self.field)

    def ravel(self):
        return self.reshape(-1)

    def __rmatmul__(self, x) -> ArbArray:
        """``x @ E_k``: column ``j_k`` of the result is ``x``'s column ``i_k``."""
        if len(self.shape) != 2 or not isinstance(x, ArbArray):
            return _dense(x, self.field) @ self.materialize()
        i, j = self._rows_cols()
        K, B = self.stack_size, x.shape[0]
        out = np.empty((K, B, self.shape[1]), dtype=object)
        out.fill(x.field.zero)
        ks = np.arange(K)
        out[ks, :, j] = x.data[ks, :, i] if x.stack else x.data[:, i].T
        return ArbArray(out, x.field, True)

    def __matmul__(self, y) -> ArbArray:
        """``E_k @ y``: row ``i_k`` of the result is ``y``'s row ``j_k``."""
        if len(self.shape) != 2 or not isinstance(y, ArbArray):
            return self.materialize() @ _dense(y, self.field)
        i, j = self._rows_cols()
        K, P = self.stack_size, y.shape[1]
        out = np.empty((K, self.shape[0], P), dtype=object)
        out.fill(y.field.zero)
        ks = np.arange(K)
        out[ks, i, :] = y.data[ks, j, :] if y.stack else y.data[j, :]
        return ArbArray(out, y.field, True)

    def __repr__(self) -> str:
        return f"Basis({self.stack_size} x {self.shape})"


class Directions:
    """The direction argument ``v`` for ``K`` basis directions of ``theta`` inside one block.

    ``v[block.slice]`` is that block's :class:`Basis` and a :class:`Zero` for
    every other block, so the generated unpacking ``VW1 = v[0:6].reshape(3, 2)``
    works unchanged.

    Examples
    ========

    >>> from symmlp import MLP
    >>> from symmlp.emit.arb.directions import Directions
    >>> v = Directions(MLP([2, 3, 1]).layout, "W1", [0, 5])
    >>> v[0:6].reshape(3, 2), v[6:9]
    (Basis(2 x (3, 2)), Zero(2 x (3,)))
    >>> v.theta_indices().tolist()
    [0, 5]
    """

    def __init__(self, layout: Layout, block: str, indices, field: Field = ARB_FIELD) -> None:
        self.layout, self.block, self.field = layout, layout[block], field
        self.indices = np.asarray(indices, dtype=np.intp)
        if self.indices.size and (self.indices.min() < 0 or self.indices.max() >= self.block.size):
            raise ValueError(f"direction indices must lie in 0..{self.block.size - 1} for block {block}")
        self.stack_size = int(self.indices.size)

    def theta_indices(self) -> np.ndarray:
        """The directions' positions in ``theta``."""
        return self.block.offset + self.indices

    def __getitem__(self, index: slice):
        for b in self.layout:
            if isinstance(index, slice) and (index.start or 0) == b.offset and index.stop == b.offset + b.size:
                if b.name == self.block.name:
                    return Basis(self.indices, (b.size,), self.field)
                return Zero(self.stack_size, (b.size,), self.field)
        raise IndexError(f"directions are sliced by whole parameter blocks, got {index!r}")


def basis_blocks(layout: Layout, per: int, field: Field = ARB_FIELD):
    """Every basis direction of ``theta``, as :class:`Directions` of at most ``per`` directions each
    (block by block, in theta order).

    Examples
    ========

    >>> from symmlp import MLP
    >>> from symmlp.emit.arb.directions import basis_blocks
    >>> [(v.block.name, v.stack_size) for v in basis_blocks(MLP([2, 3, 1]).layout, 4)]
    [('W1', 4), ('W1', 2), ('b1', 3), ('W2', 3), ('b2', 1)]
    """
    for block in layout:
        for start in range(0, block.size, per):
            yield Directions(layout, block.name, np.arange(start, min(block.size, start + per)), field)
