"""Bench rows for the certified check, and the old SymPy route it replaced (as a baseline).

- g. ``check`` with routes A and B on [2,16,16,1] and [8,64,64,1] tanh (target
  <= 1 s and <= 10 s), the certified Hessian of [4,32,32,1] (target <= 5 s), and
  in the full bench the old route on [2,16,16,1] measured in the same run:
  the explicit gradient (the index form substituted), evaluated at an exact
  point with ``xreplace``, plus central finite differences, as ``check`` did
  before ball arithmetic.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import numpy as np
import sympy as sp

from ..derive.derivation import backprop
from ..emit.numpy import compile_model
from ..models import MLP
from ..verify.check import check
from ..verify.hessian import certified_hessian
from ..verify.points import rational_parameters, small_rational
from .suite import BenchRow, median_time

__all__ = ["old_sympy_check", "certified_check_rows"]


def old_sympy_check(model, seed: int = 0, digits: int = 50) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """The route ``check`` took before ball arithmetic: every parameter's explicit gradient at a
    random Rational point by ``xreplace`` (Floats of ``digits + 10`` digits once a value leaves the
    rationals), and central finite differences of the compiled loss.  Returns the gradient and the
    point ``(theta, X, Y)`` as floats."""
    derivation = backprop(model)
    rng = random.Random(seed)
    theta = rational_parameters(model, rng)
    x, y = [small_rational(rng) for _ in model.inputs], [small_rational(rng) for _ in model.targets]
    point = {**dict(zip(model.params, theta)), **dict(zip(model.inputs, x)), **dict(zip(model.targets, y))}
    floats = {s: sp.Float(v, digits + 10) for s, v in point.items()}
    exact = []
    for e in derivation.expand().values():
        value = e.xreplace(point)
        exact.append(float(sp.N(value if value.is_Rational else e.xreplace(floats), digits)))
    compiled = compile_model(model)
    t, X, Y = np.array([float(v) for v in theta]), np.array([[float(v) for v in x]]), np.array([[float(v) for v in y]])
    for i in range(t.size):
        step = np.zeros_like(t)
        step[i] = 1e-6
        compiled.loss_and_grad(t + step, X, Y)
        compiled.loss_and_grad(t - step, X, Y)
    return np.array(exact), (t, X, Y)


def certified_check_rows(quick: bool, repeat: int, log: Callable[[str], None]) -> list[BenchRow]:
    """g. certified-check times, and their ratio to the old route where it still finishes."""
    rows = []
    small, big = MLP([2, 16, 16, 1]), MLP([8, 64, 64, 1])
    log("g. certified check [2,16,16,1] and [8,64,64,1] tanh (routes A and B) ...")
    t_small = median_time(lambda: check(small, routes="A,B"), repeat)
    rows.append(BenchRow("g. certified check [2,16,16,1] tanh, routes A+B", t_small, "s", "<= 1 s", t_small <= 1))
    t_big = median_time(lambda: check(big, routes="A,B"), max(1, repeat // 3))
    rows.append(BenchRow("g. certified check [8,64,64,1] tanh, routes A+B", t_big, "s", "<= 10 s", t_big <= 10))
    log("g. certified Hessian [4,32,32,1] tanh ...")
    t_hess = median_time(lambda: certified_hessian(MLP([4, 32, 32, 1])), max(1, repeat // 3))
    rows.append(BenchRow("g. certified Hessian [4,32,32,1] tanh (1249 x 1249)", t_hess, "s", "<= 5 s", t_hess <= 5))
    if not quick:
        log("g. the old SymPy check route on [2,16,16,1] (about 10-25 s) ...")
        t0 = time.perf_counter()
        old_sympy_check(small)
        t_old = time.perf_counter() - t0
        rows.append(BenchRow("g. old SymPy check route [2,16,16,1] (one run)", t_old, "s", "baseline", True))
        rows.append(BenchRow("g. speed-up of the certified check over the old route", t_old / t_small, "x",
                             "(reported)", True))
    return rows
