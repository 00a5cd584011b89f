"""Gradient descent with the compiled symbolic gradients.

:func:`train` runs (mini-batch, momentum) gradient descent on the NumPy face:
every gradient comes from :func:`symmlp.emit.numpy`'s ``loss_and_grad``, i.e.
from the chain-rule derivation.  The data are checked once per run, not per
step, and BLAS threads are limited where they would only contend.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..core.validate import check_choice, check_int, check_real, check_seed
from ..emit.numpy import compile_model
from ..models.chain import check_model
from ..ops.losses import Loss, get_loss
from .init import init_theta
from .result import TrainResult
from .threads import blas_threads

__all__ = ["TrainingDiverged", "TrainingInterrupted", "train", "DIVERGENCE_FACTOR"]

DIVERGENCE_FACTOR = 1e6
LARGE_DATA = 1e6
MAX_NUMBERS = 10**8  # float64 numbers a training run may hold at once (800 MB)


class TrainingDiverged(RuntimeError):
    """The loss became NaN or inf, or grew past ``DIVERGENCE_FACTOR`` times its start.

    Attributes
    ==========

    step : int
        The step (0-based) at which it was detected.
    last_theta : numpy.ndarray
        The last parameters whose loss and gradient were finite and whose
        loss was within the divergence bound (the parameters before the
        offending update); the initial parameters when step 0 fails.
    loss : float
        The offending loss value.
    cause : str
        ``"targets"``, ``"inputs"`` or ``"learning rate"``: what the advice names.

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp import Polynomial, TrainingDiverged, train
    >>> X = np.linspace(-1, 1, 5).reshape(-1, 1)
    >>> try:
    ...     train(Polynomial(1, 1), X, 2 * X, lr=1e3, steps=50)
    ... except TrainingDiverged as exc:
    ...     err = exc
    >>> print(err)
    training diverged at step 2: the loss grew from 1 to 6.2e+10; try a smaller learning rate ...
    >>> type(err.step), err.step, err.cause
    (<class 'int'>, 2, 'learning rate')
    >>> err.last_theta.shape, bool(np.isfinite(err.last_theta).all())
    ((2,), True)
    """

    def __init__(self, message: str, *, step: int, last_theta: np.ndarray, loss: float,
                 cause: str = "learning rate") -> None:
        super().__init__(message)
        self.step = step
        self.last_theta = last_theta
        self.loss = loss
        self.cause = cause


class TrainingInterrupted(KeyboardInterrupt):
    """Training was interrupted (Ctrl-C); ``result`` holds the last finished step's parameters."""

    def __init__(self, result: TrainResult) -> None:
        super().__init__(f"training interrupted after {result.losses.size} steps")
        self.result = result


def _as_columns(a: Any, keep_1d: bool = False) -> Any:
    a = np.asarray(a)
    if a.dtype == object:
        a = a.astype(np.float64)
    return a.reshape(-1, 1) if a.ndim == 1 and not keep_1d else a


def _advice(X: np.ndarray, Y: np.ndarray, lr: float, what: str) -> tuple[str, str]:
    """The likeliest cause of a divergence, and what to do about it."""
    y_scale, x_scale = float(np.max(np.abs(Y))), float(np.max(np.abs(X)))
    if y_scale > LARGE_DATA and x_scale > LARGE_DATA:
        return "targets", (f"the targets reach |y| = {y_scale:.3g} and the inputs |x| = {x_scale:.3g}; rescale "
                           "both (e.g. standardise each to zero mean and unit variance) before training")
    if y_scale > LARGE_DATA:
        return "targets", (f"the targets reach |y| = {y_scale:.3g}; rescale them (e.g. divide by their "
                           "standard deviation) before training")
    if x_scale > LARGE_DATA:
        return "inputs", (f"the inputs reach |x| = {x_scale:.3g}; standardise them (zero mean, unit "
                          "variance) before training")
    return "learning rate", f"try a smaller learning rate than lr={lr:g} (e.g. lr={lr / 10:g})"


def _check_memory(model, rows: int) -> None:
    """Refuse, before allocating, a run that would hold more than ``MAX_NUMBERS`` float64 numbers at once."""
    params = model.num_params
    width = max((max(b.shape) for b in model.layout), default=1)
    stages = max(1, len(model.stages))
    numbers = 4 * params + 2 * rows * width * stages
    if numbers > MAX_NUMBERS:
        raise ValueError(
            f"training this model ({params:.3g} parameters, width {width}, {stages} stages) on batches of {rows} "
            f"rows holds about {numbers:.1e} float64 numbers at once ({8 * numbers / 1e9:.3g} GB: theta, gradient "
            f"and momentum, and the batch's activations), more than {MAX_NUMBERS:.0e}; use smaller widths or a "
            "smaller batch")


def _minibatches(n: int, batch_size: int | None, rng: np.random.Generator):
    """Index arrays (or None for the full batch), reshuffled every epoch."""
    if batch_size is None:
        while True:
            yield None
    order, cursor = np.arange(n), n
    while True:
        if cursor + batch_size > n:
            order, cursor = rng.permutation(n), 0
        yield order[cursor : cursor + batch_size]
        cursor += batch_size


def train(model, X, Y, loss: str | Loss = "mse", lr: float = 0.1, steps: int = 1000,
          batch_size: int | None = None, momentum: float = 0.0, seed: int = 0, init: str | Any = "xavier",
          callback: Callable[[int, float, np.ndarray], Any] | None = None,
          threads: int | str | None = "auto", backend: str = "numpy") -> TrainResult:
    """Fit ``model`` to ``(X, Y)`` by gradient descent on the compiled gradient.

    Each step computes the batch-mean loss and gradient with the compiled
    ``loss_and_grad`` and updates ``v = momentum * v - lr * grad;
    theta = theta + v``.  ``X`` and ``Y`` are checked once, before the first step.

    Parameters
    ==========

    model : any symmlp model
    X : array of shape (N, n_inputs)
        A 1-D array is taken as one input per row.
    Y : array of shape (N, n_outputs)
        For ``softmax_ce`` also integer class indices of shape (N,).
    loss : str or Loss
    lr : float
        Learning rate, > 0.
    steps : int
        Number of updates, >= 1.
    batch_size : int, optional
        Full batch when None; otherwise mini-batches of this size drawn from
        a reshuffle of the data at every epoch.
    momentum : float
        Heavy-ball momentum in [0, 1).
    seed : int
        Seeds the initialization and the shuffling: the same seed gives
        bit-identical results.
    init : str or array
        ``"xavier"``, ``"he"`` or ``num_params`` numbers; see :func:`symmlp.init_theta`.
    callback : callable, optional
        ``callback(step, loss, theta)`` after each step's loss; returning True
        stops training early.
    threads : "auto", int or None
        BLAS threads during training (see :mod:`symmlp.training.threads`).
    backend : str
        ``"numpy"``, or ``"jax"``: the same loop with one jitted step, the
        batch split over every device JAX sees (see :mod:`symmlp.training.jax_loop`;
        ``pip install "symmlp[jax]"``).

    Returns
    =======

    TrainResult

    Raises
    ======

    TrainingDiverged
        When the loss or gradient becomes NaN or inf, or the loss exceeds
        ``1e6`` times the first one; it carries ``step``, ``last_theta`` and
        advice naming the likeliest cause (target scale, input scale or
        learning rate).
    TrainingInterrupted
        On Ctrl-C, carrying the result up to the last finished step.

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp import Polynomial, train
    >>> X = np.linspace(-1, 1, 21).reshape(-1, 1)
    >>> r = train(Polynomial(1, 1), X, 3 * X - 1, lr=0.5, steps=200)
    >>> np.round(r.theta, 6)
    array([-1.,  3.])
    >>> r.losses.shape
    (200,)
    """
    check_model(model)
    spec = get_loss(loss)
    compiled = compile_model(model, spec)
    X, Y = compiled.prepare(_as_columns(X), _as_columns(Y, keep_1d=model.n_outputs > 1))
    lr = check_real(lr, "lr", low=0.0, low_open=True)
    momentum = check_real(momentum, "momentum", low=0.0, high=1.0, high_open=True)
    steps = check_int(steps, "steps", 1, 10**9)
    n = X.shape[0]
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size", 1, n)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function (step, loss, theta) or None, got {callback!r:.60}")
    rng = np.random.default_rng(check_seed(seed))
    _check_memory(model, batch_size or n)
    theta = compiled.check_theta(init_theta(model, init, rng))
    if check_choice(backend, "backend", ("numpy", "jax")) == "jax":
        from .jax_loop import descend_on_devices

        return descend_on_devices(model, spec, theta, X, Y, lr=lr, momentum=momentum, steps=steps,
                                  rows=batch_size or n, batches=_minibatches(n, batch_size, rng), callback=callback,
                                  diverged=lambda k, what, value, good: _diverged(k, what, value, good, lr, X, Y))
    width = max(max(b.shape) for b in model.layout) if len(model.layout) else 1
    work = (batch_size or n) * width * width
    with blas_threads(threads, work), np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _descend(compiled, theta, X, Y, lr, momentum, steps, batch_size, rng, callback)


def _descend(compiled, theta, X, Y, lr, momentum, steps, batch_size, rng, callback) -> TrainResult:
    step_fn = compiled.loss_and_grad_prepared
    velocity = np.zeros_like(theta)
    losses = np.empty(steps)
    batches = _minibatches(X.shape[0], batch_size, rng)
    first, good, done = None, theta, 0
    try:
        for step in range(steps):
            idx = next(batches)
            value, grad = step_fn(theta, X, Y) if idx is None else step_fn(theta, X[idx], Y[idx])
            first = value if first is None else first
            # ``good`` is the last theta whose loss and gradient passed the check
            _check_divergence(step, value, grad, first, good, lr, X, Y)
            good = theta
            losses[step] = value
            done = step + 1
            if callback is not None and callback(step, value, theta.copy()) is True:
                break
            velocity = momentum * velocity - lr * grad
            new = theta + velocity
            if not math.isfinite(float(new @ new)):
                _diverged(step, "the parameters overflowed", value, good, lr, X, Y)
            theta = new
    except KeyboardInterrupt:
        raise TrainingInterrupted(TrainResult(compiled.model, good.copy(), losses[:done],
                                              compiled.loss)) from None
    return TrainResult(compiled.model, theta, losses[:done], compiled.loss)


def _check_divergence(step: int, value: float, grad: np.ndarray, first: float, last_good: np.ndarray,
                      lr: float, X, Y) -> None:
    """Raise :class:`TrainingDiverged` carrying ``last_good`` (not the offending theta)."""
    if not math.isfinite(value):
        _diverged(step, f"the loss became {value}", value, last_good, lr, X, Y)
    if not math.isfinite(float(grad @ grad)):
        _diverged(step, "the gradient became NaN or inf", value, last_good, lr, X, Y)
    if value > DIVERGENCE_FACTOR * max(first, 1e-12) and value > 1.0:
        _diverged(step, f"the loss grew from {first:.4g} to {value:.4g}", value, last_good, lr, X, Y)


def _diverged(step: int, what: str, value: float, theta: np.ndarray, lr: float, X, Y):
    cause, advice = _advice(X, Y, lr, what)
    raise TrainingDiverged(f"training diverged at step {step}: {what}; {advice}",
                           step=step, last_theta=theta.copy(), loss=value, cause=cause)

