"""Bench rows for second order: the R-operator's Hessian-vector product and dense Hessian."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from ..emit.numpy import compile_model
from ..models import MLP
from ..training.init import init_theta
from .suite import BenchRow, interleaved

__all__ = ["second_order_rows"]


def second_order_rows(quick: bool, repeat: int, log: Callable[[str], None]) -> list[BenchRow]:
    """hvp / loss_and_grad on [4,32,32,1] tanh at batch 1024 (target <= 3x, the theory says 2-4x),
    and the dense Hessian (1249 parameters) against ``P`` HVPs."""
    model = MLP([4, 32, 32, 1])
    f = compile_model(model)
    rng = np.random.default_rng(0)
    theta, v = init_theta(model, "xavier", 0), rng.normal(size=model.num_params)
    rows = []
    batch = 64 if quick else 1024
    X, Y = rng.normal(size=(batch, 4)), rng.normal(size=(batch, 1))
    Xp, Yp = f.prepare(X, Y)
    log(f"e. Hessian-vector product [4,32,32,1] tanh, batch {batch} ...")
    t_h, t_g = interleaved(lambda: f.hvp(theta, v, Xp, Yp), lambda: f.loss_and_grad(theta, Xp, Yp),
                           rounds=repeat * 2, number=20)
    rows.append(BenchRow(f"e. loss_and_grad, batch {batch}", t_g, "s", "baseline", True))
    rows.append(BenchRow(f"e. R-operator hvp, batch {batch}", t_h, "s", "", True))
    rows.append(BenchRow("e. hvp / loss_and_grad time", t_h / t_g, "x", "<= 3x", t_h / t_g <= 3))
    log(f"e. dense Hessian of [4,32,32,1] ({model.num_params} parameters), batch {batch} ...")
    t0 = time.perf_counter()
    f.hessian(theta, Xp, Yp)
    t_dense = time.perf_counter() - t0
    rows.append(BenchRow(f"e. dense Hessian, {model.num_params} columns (one run)", t_dense, "s", "", True))
    ratio = t_dense / (model.num_params * t_h)
    rows.append(BenchRow("e. dense Hessian / (P x hvp) time", ratio, "x", "<= 1.2x", ratio <= 1.2))
    return rows
