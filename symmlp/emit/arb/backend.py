"""The ball-arithmetic backends: ``arb`` balls at a working precision, and exact ``fmpq``.

Each is a :class:`~symmlp.emit.backend.Backend`, so the stages' helpers
(``monomials``, ``powers``, a user's ``act_<name>``) are the very functions
the NumPy backend runs, written once against its primitives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..backend import Backend
from .array import ArbArray, as_array
from .field import ARB_FIELD, QQ_FIELD, Field
from .shim import BallNumpy
from .sympy_ball import BALL_PRINTER, constants

__all__ = ["BallBackend", "ARB", "FMPQ"]


@dataclass(frozen=True)
class BallBackend(Backend):
    """A :class:`~symmlp.emit.backend.Backend` over a :class:`~symmlp.emit.arb.field.Field`."""

    field: Field = ARB_FIELD
    lambdify_printer = BALL_PRINTER

    def namespace(self) -> dict:
        return {**super().namespace(), **constants(self.field)}

    def ones_column(self, X):
        return ArbArray.full((X.shape[0], 1), 1, self.field)

    def columns(self, X, idx: Sequence[int]):
        return X[:, list(idx)]

    def concat_columns(self, parts: Sequence):
        return self.np.concatenate(list(parts), axis=1)

    def sigmoid(self, z):
        z = as_array(z, self.field)
        return 1.0 / (1.0 + self.np.exp(-z))

    def softplus(self, z):
        return self.np.log1p(self.np.exp(as_array(z, self.field)))


def _backend(name: str, field: Field) -> BallBackend:
    shim = BallNumpy(field)
    names = {**shim.lambdify_namespace(), **constants(field)}
    return BallBackend(name, shim, (names,), field)  # the printer is ours: no need to import NumPy's namespace


ARB = _backend("arb", ARB_FIELD)
FMPQ = _backend("fmpq", QQ_FIELD)
