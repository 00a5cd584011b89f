"""What an array backend provides to the generated code and to the stages' helpers.

Generated code is written in NumPy's spelling: ``np.tanh``, ``np.sum(x, axis=0)``,
``@``, ``.T``, ``**`` and broadcasting, plus the helper functions the stages
and activations name (``sigmoid``, ``monomials``, ...).  A :class:`Backend`
says what ``np`` stands for and provides the few primitives the helpers are
written in, so that each stage writes its helpers once for every backend
(NumPy here; JAX, PyTorch and ball arithmetic in their own modules).

The primitives:

- ``np``: the module the code's ``np.`` means (``numpy``, ``jax.numpy``, a
  shim for torch or arb);
- ``ones_column(X)``: a ``(B, 1)`` column of ones like ``X``;
- ``columns(X, idx)``: ``X[:, idx]`` for a sequence of column indices;
- ``concat_columns(parts)``: the parts side by side;
- ``sigmoid(z)``, ``softplus(z)``: numerically stable, elementwise;
- ``lambdify_modules``: what :func:`sympy.lambdify` needs to write functions
  for this backend (user activations, Expression models), and
  ``lambdify_printer``: the printer it should use (None: lambdify's own; the
  ball-arithmetic backends print constants exactly).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..ops.activations import np_sigmoid, np_softplus
from .tracebacks import register_source

__all__ = ["Backend", "NUMPY"]


@dataclass(frozen=True)
class Backend:
    """One array backend; see the module docstring for its primitives."""

    name: str
    np: Any
    lambdify_modules: Any
    lambdify_printer = None  # not a field: the printer lambdify should use (None: its own)

    def ones_column(self, X):
        return np.ones((X.shape[0], 1), dtype=X.dtype)

    def columns(self, X, idx: Sequence[int]):
        return X[:, np.asarray(idx, dtype=np.intp)]

    def concat_columns(self, parts: Sequence):
        return np.concatenate(list(parts), axis=1)

    def sigmoid(self, z):
        return np_sigmoid(z)

    def softplus(self, z):
        return np_softplus(z)

    def namespace(self) -> dict:
        """The names generated code may use besides the stages' helpers."""
        return {"np": self.np, "sigmoid": self.sigmoid, "softplus": self.softplus}

    def execute(self, source: str, model, tag: str | None = None) -> dict:
        """Run generated ``source`` with this backend's names and every stage's helpers; returns its
        namespace.  The source is registered for tracebacks under ``tag`` (default: the backend's name)."""
        namespace = self.namespace()
        for stage in model.stages:
            namespace.update(stage.helpers(self))
        exec(compile(source, register_source(source, tag or self.name), "exec"), namespace)  # generated code only
        return namespace


class _FastNumpy:
    """``numpy`` as generated code sees it, with ``sum`` and ``max`` as direct ufunc reductions:
    ``np.sum``'s Python wrapper costs about as much as the reduction on a (64, 32) array."""

    @staticmethod
    def sum(a, axis=None, keepdims=False):
        return np.add.reduce(a, axis=axis, keepdims=keepdims)

    @staticmethod
    def max(a, axis=None, keepdims=False):
        return np.maximum.reduce(a, axis=axis, keepdims=keepdims)

    def __getattr__(self, name: str):
        return getattr(np, name)


NUMPY = Backend("numpy", _FastNumpy(), "numpy")
