"""The approximation explorer's constructions: what polynomials and MLPs can
approximate, built in closed form and measured.

- :func:`bernstein`: Stone–Weierstrass made constructive, the Bernstein
  polynomial as an exact SymPy expression (:mod:`.bernstein`);
- :func:`sigmoid_staircase` and :func:`relu_interpolant`: [1, H, 1] MLPs whose
  weights are written down in closed form (sigmoid "stairsteps", ReLU "jagged
  peaks"; :mod:`.networks`);
- :func:`sup_error`, :func:`approximation_error`, :func:`family_params` and
  :func:`error_curves`: sup errors and parameter counts of each family
  (:mod:`.errors`);
- :mod:`.inputs`: the target, interval and grid every one of them reads, and
  the bounds on their work.

The post's claims built on these live in :mod:`symmlp.explore.claims`.
"""

from .bernstein import MAX_EXACT_DEGREE as MAX_EXACT_DEGREE
from .bernstein import bernstein as bernstein
from .errors import FAMILIES as FAMILIES
from .errors import STAIRCASE_SLOPE as STAIRCASE_SLOPE
from .errors import approximation_error as approximation_error
from .errors import error_curves as error_curves
from .errors import family_params as family_params
from .errors import sup_error as sup_error
from .inputs import MAX_ELEMENTS as MAX_ELEMENTS
from .inputs import MAX_GRID as MAX_GRID
from .inputs import MAX_UNITS as MAX_UNITS
from .inputs import X1 as X1
from .inputs import Target as Target
from .inputs import float_interval as float_interval
from .inputs import target_callable as target_callable
from .networks import Approximation as Approximation
from .networks import relu_interpolant as relu_interpolant
from .networks import sigmoid_staircase as sigmoid_staircase

__all__ = [
    "Approximation",
    "bernstein",
    "sup_error",
    "sigmoid_staircase",
    "relu_interpolant",
    "approximation_error",
    "family_params",
    "error_curves",
]
