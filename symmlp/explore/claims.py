"""The post's claims, computed from the constructions of :mod:`symmlp.explore.approx`.

This module is the import point; each claim lives in its own module:

- :func:`polynomial_collapse` (:mod:`~symmlp.explore.collapse`): why sigma must
  not be a polynomial;
- :func:`separable_blind_spot` and :func:`kan_product`
  (:mod:`~symmlp.explore.blind_spot`): the per-coordinate polynomial cannot fit
  ``x1*x2``; two Kolmogorov–Arnold layers hold it exactly;
- :func:`parameters_for_epsilon` (:mod:`~symmlp.explore.epsilon`) and
  :func:`criteria_table` (:mod:`~symmlp.explore.criteria`): the post's
  comparison in numbers and in its own four criteria;
- :func:`run_all`: every headline result and every plot in one call.
"""

from __future__ import annotations

import math
from typing import Any

import sympy as sp

from .approx import X1, bernstein, error_curves, relu_interpolant, sigmoid_staircase, sup_error
from .blind_spot import KA_THEOREM as KA_THEOREM
from .blind_spot import BlindSpotResult as BlindSpotResult
from .blind_spot import KanProductResult as KanProductResult
from .blind_spot import kan_product as kan_product
from .blind_spot import separable_blind_spot as separable_blind_spot
from .collapse import MAX_COLLAPSE_DEGREE as MAX_COLLAPSE_DEGREE
from .collapse import CollapseResult as CollapseResult
from .collapse import polynomial_collapse as polynomial_collapse
from .criteria import CriteriaTable as CriteriaTable
from .criteria import criteria_table as criteria_table
from .epsilon import EpsilonResult as EpsilonResult
from .epsilon import default_targets as default_targets
from .epsilon import parameters_for_epsilon as parameters_for_epsilon

__all__ = [
    "CollapseResult",
    "polynomial_collapse",
    "BlindSpotResult",
    "separable_blind_spot",
    "KanProductResult",
    "kan_product",
    "KA_THEOREM",
    "EpsilonResult",
    "default_targets",
    "parameters_for_epsilon",
    "CriteriaTable",
    "criteria_table",
    "run_all",
]


PLOTS = {"staircase": "staircase.png", "relu": "relu_peaks.png", "bernstein": "bernstein.png",
         "error_vs_params": "error_vs_params.png", "explosion": "parameter_explosion.png"}
"""The PNG files :func:`run_all` writes, by result."""


def run_all(out_dir: Any) -> dict[str, Any]:
    """Compute the headline results and write every plot into ``out_dir``.

    Returns
    =======

    dict
        ``"bernstein"``: {n: sup error of B_n sin on [-pi, pi]} for n in 2, 4, 8, 16;
        ``"staircase"``, ``"relu"``: the :class:`Approximation` of sin drawn in the
        plots (16 steps of sharpness 15/step width, 9 knots); ``"collapse"``: :class:`CollapseResult` for
        square and tanh (keys ``"square"``, ``"tanh"``); ``"blind_spot"``:
        :class:`BlindSpotResult`; ``"kan_product"``: :class:`KanProductResult`;
        ``"epsilon"``: :class:`EpsilonResult`;
        ``"criteria"``: :class:`CriteriaTable`; ``"plots"``: {name: path of the PNG}
        for ``staircase``, ``relu``, ``bernstein``, ``error_vs_params``, ``explosion``.
    """
    from pathlib import Path

    from . import plots

    out = plots.make_dir(Path(out_dir))
    for name in PLOTS.values():  # every path checked before any work or any write
        plots.check_plot_path(out / name)
    f, interval = sp.sin(X1), (-sp.pi, sp.pi)
    degrees = (2, 4, 8, 16)
    polys = {n: bernstein(f, n, interval) for n in degrees}
    stairs = [sigmoid_staircase(f, s, 15 * s / (2 * math.pi), interval) for s in (4, 8, 16)]
    relu = relu_interpolant(f, 9, interval)
    paths = {
        "staircase": plots.plot_staircase(f, stairs, out / PLOTS["staircase"]),
        "relu": plots.plot_relu_peaks(f, relu, out / PLOTS["relu"]),
        "bernstein": plots.plot_bernstein(f, interval, polys, out / PLOTS["bernstein"]),
        "error_vs_params": plots.plot_error_vs_params(error_curves(f, interval), out / PLOTS["error_vs_params"],
                                                      title="sin(x) on [-pi, pi]"),
        "explosion": plots.plot_parameter_explosion(out / PLOTS["explosion"]),
    }
    return {
        "bernstein": {n: sup_error(f, p, interval) for n, p in polys.items()},
        "staircase": stairs[-1],
        "relu": relu,
        "collapse": {"square": polynomial_collapse("square", 3), "tanh": polynomial_collapse("tanh", 2)},
        "blind_spot": separable_blind_spot(),
        "kan_product": kan_product(),
        "epsilon": parameters_for_epsilon(),
        "criteria": criteria_table(),
        "plots": {k: str(v) for k, v in paths.items()},
    }
