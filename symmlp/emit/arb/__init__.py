"""Ball arithmetic as another emitter: the derivation's equations evaluated with python-flint.

The NumPy emitter writes the matrix form's code once (:mod:`symmlp.emit.programs`);
this package runs that same code with ``np`` bound to certified arithmetic:

- :mod:`~symmlp.emit.arb.field`: ``arb`` balls at a chosen precision, or exact ``fmpq``;
  comparisons decided only when certain (:class:`KinkError` otherwise);
- :mod:`~symmlp.emit.arb.array`: :class:`ArbArray`, with ``arb_mat`` products and
  stacks of directions;
- :mod:`~symmlp.emit.arb.shim`, :mod:`~symmlp.emit.arb.backend`: the ``np`` namespace and
  the :class:`~symmlp.emit.backend.Backend` (``ARB``, ``FMPQ``);
- :mod:`~symmlp.emit.arb.directions`: blocks of basis directions for forward mode;
- :mod:`~symmlp.emit.arb.evaluate`: :func:`evaluate` a Function recipe by name.
"""

from .array import ArbArray, Mask
from .backend import ARB, FMPQ, BallBackend
from .directions import Basis, Directions, Zero, basis_blocks
from .evaluate import DEFAULT_PREC, ball_source, evaluate, function_recipe
from .field import ARB_FIELD, QQ_FIELD, KinkError, NotRational, to_arb, working_precision

__all__ = ["ArbArray", "Mask", "ARB", "FMPQ", "BallBackend", "Basis", "Directions", "Zero", "basis_blocks", "evaluate",
           "function_recipe", "ball_source", "DEFAULT_PREC", "ARB_FIELD", "QQ_FIELD", "KinkError",
           "NotRational", "to_arb", "working_precision"]
