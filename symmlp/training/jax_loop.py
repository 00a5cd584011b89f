"""``train(..., backend="jax")``: the same descent, one jitted step, data-parallel over JAX's devices.

Each step runs the JAX emitter's ``loss_and_grad`` (the derivation's
equations) and the momentum update in one ``jax.jit``-compiled function.
The batch's rows are split over the devices with :mod:`jax.sharding` and
``theta`` is replicated; the batch sums in the equations become sums across
devices, so every device ends the step with the gradient averaged over the
whole batch, as on one device.  Batches are drawn on the host exactly as in
the NumPy loop, so the loss curve is the NumPy one up to rounding.  Runs in
float64 when ``jax_enable_x64`` is on, else float32.  Needs the ``jax``
extra: ``pip install "symmlp[jax]"``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from ..core.extras import require
from ..emit.jax import JaxCompiledModel
from .result import TrainResult

__all__ = ["data_devices", "descend_on_devices"]

REQUIRES_EXTRA = "jax"


def data_devices(rows: int, devices: Sequence) -> list:
    """The devices a batch of ``rows`` is split over: all of them when they divide ``rows``,
    else (with a warning) the most that do.

    Examples
    ========

    >>> from symmlp.training.jax_loop import data_devices
    >>> data_devices(64, ["d0", "d1"]), data_devices(64, ["d0", "d1", "d2", "d3"])
    (['d0', 'd1'], ['d0', 'd1', 'd2', 'd3'])
    """
    devices = list(devices)
    used = max(d for d in range(1, len(devices) + 1) if rows % d == 0)
    if used < len(devices):
        warnings.warn(f"a batch of {rows} rows is split over {used} of the {len(devices)} devices; a batch size "
                      f"that is a multiple of {len(devices)} uses them all", stacklevel=3)
    return devices[:used]


def _update(loss_and_grad: Callable, lr: float, momentum: float, jnp) -> Callable:
    def step(theta, velocity, X, Y):
        value, grad = loss_and_grad(theta, X, Y)
        velocity = momentum * velocity - lr * grad
        new = theta + velocity
        return value, jnp.vdot(grad, grad), jnp.vdot(new, new), new, velocity

    return step


def descend_on_devices(model, loss, theta: np.ndarray, X: np.ndarray, Y: np.ndarray, *, lr: float,
                       momentum: float, steps: int, rows: int, batches: Iterator, callback, diverged: Callable,
                       devices: Sequence | None = None) -> TrainResult:
    """The loop of :func:`symmlp.train` on JAX devices (called by it with checked arguments).

    ``batches`` yields index arrays (or None for the whole data) of ``rows``
    rows; ``diverged(step, what, loss, last_good_theta)`` raises
    :class:`~symmlp.training.loop.TrainingDiverged`.  ``devices`` defaults to
    ``jax.devices()`` (every device of every process).
    """
    jax = require("jax", "train(..., backend='jax')")
    from jax.sharding import Mesh, NamedSharding, PartitionSpec

    from .loop import DIVERGENCE_FACTOR, TrainingInterrupted

    used = data_devices(rows, jax.devices() if devices is None else devices)
    mesh = Mesh(np.array(used), ("batch",))
    by_rows, replicated = NamedSharding(mesh, PartitionSpec("batch")), NamedSharding(mesh, PartitionSpec())
    dtype = np.float64 if jax.config.jax_enable_x64 else np.float32

    def put(a: np.ndarray, sharding):
        a = np.ascontiguousarray(a, dtype=dtype)  # each process supplies its own devices' part
        return jax.make_array_from_callback(a.shape, sharding, lambda index: a[index])

    compiled = JaxCompiledModel(model, loss)
    step = jax.jit(_update(compiled.functions["loss_and_grad"], lr, momentum, compiled.backend.np),
                   in_shardings=(replicated, replicated, by_rows, by_rows), out_shardings=replicated)
    theta_d, velocity = put(theta, replicated), put(np.zeros_like(theta), replicated)
    losses, first, good, done, whole = np.empty(steps), None, theta_d, 0, None
    try:
        for k in range(steps):
            idx = next(batches)
            if idx is None:
                whole = whole or (put(X, by_rows), put(Y, by_rows))
                Xb, Yb = whole
            else:
                Xb, Yb = put(X[idx], by_rows), put(Y[idx], by_rows)
            value, grad_sq, new_sq, new, new_velocity = step(theta_d, velocity, Xb, Yb)
            value = float(value)
            first = value if first is None else first
            if not math.isfinite(value):
                diverged(k, f"the loss became {value}", value, np.asarray(good, np.float64))
            if not math.isfinite(float(grad_sq)):
                diverged(k, "the gradient became NaN or inf", value, np.asarray(good, np.float64))
            if value > DIVERGENCE_FACTOR * max(first, 1e-12) and value > 1.0:
                diverged(k, f"the loss grew from {first:.4g} to {value:.4g}", value, np.asarray(good, np.float64))
            good, losses[k], done = theta_d, value, k + 1
            if callback is not None and callback(k, value, np.array(theta_d, np.float64)) is True:
                break
            if not math.isfinite(float(new_sq)):
                diverged(k, "the parameters overflowed", value, np.asarray(good, np.float64))
            theta_d, velocity = new, new_velocity
    except KeyboardInterrupt:
        raise TrainingInterrupted(TrainResult(model, np.array(good, np.float64), losses[:done], loss)) from None
    return TrainResult(model, np.array(theta_d, np.float64), losses[:done], loss)
