"""Gradient descent with the compiled symbolic gradients, and one exact step.

:func:`train` runs (mini-batch, momentum) gradient descent on the NumPy face:
every gradient comes from :func:`symmlp.compile.compile_model`'s
``loss_and_grad``, i.e. from the chain-rule derivation.  :func:`gd_step` does
one step on the exact face, with the explicit backprop gradient evaluated
sample by sample, so Rationals in give Rationals out.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from .compile import CompiledModel, compile_model
from .grad import gradient
from .losses import Loss, get_loss
from .model import check_positive_int, exact_number

__all__ = ["TrainResult", "TrainingDiverged", "gd_step", "init_theta", "train"]

DIVERGENCE_FACTOR = 1e6
_INITS = ("xavier", "he")


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

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp.polynomial import Polynomial
    >>> from symmlp.train import TrainingDiverged, train
    >>> X = np.linspace(-1, 1, 5).reshape(-1, 1)
    >>> try:
    ...     train(Polynomial(1, 1), X, 2 * X, lr=1e3, steps=50)
    ... except TrainingDiverged as exc:
    ...     err = exc
    >>> print(err)
    training diverged at step 2: the loss grew from 1 to 6.2e+10; try a smaller learning rate ...
    >>> type(err.step), err.step
    (<class 'int'>, 2)
    >>> err.last_theta.shape, bool(np.isfinite(err.last_theta).all())
    ((2,), True)
    >>> err.loss > 1e6
    True
    """

    def __init__(self, message: str, *, step: int, last_theta: np.ndarray, loss: float) -> None:
        super().__init__(message)
        self.step = step
        self.last_theta = last_theta
        self.loss = loss


@lru_cache(maxsize=32)
def _compiled(model, loss_name: str) -> CompiledModel:
    return compile_model(model, loss_name)


@lru_cache(maxsize=32)
def _exact_gradient(model, loss_name: str) -> tuple[sp.Expr, ...]:
    g = gradient(model, loss_name)
    return tuple(g[p] for p in model.params)


def _loss_name(model, loss: str | Loss) -> str:
    spec = get_loss(loss)
    spec.check_model(model)
    return spec.name


def _exact_rows(rows: Any, width: int, name: str) -> list[list[sp.Expr]]:
    if isinstance(rows, str | bytes):
        raise TypeError(f"{name} must be a sequence of rows of numbers, got {rows!r}")
    out = []
    for b, row in enumerate(rows):
        values = list(row) if isinstance(row, Sequence | np.ndarray) else [row]
        if len(values) != width:
            raise ValueError(f"{name}[{b}] must have {width} entries, got {len(values)}")
        out.append([exact_number(v, f"{name}[{b}][{j}]") for j, v in enumerate(values)])
    return out


def gd_step(model, loss: str | Loss, theta: Sequence[Any], X: Any, Y: Any, lr: Any) -> list[sp.Expr]:
    """One gradient-descent step on the exact face.

    ``theta - lr * (1/B) sum_b grad l(x_b, y_b; theta)``, with the gradient
    taken from :func:`symmlp.grad.gradient` (the backprop explicit gradient)
    and evaluated exactly at each sample.

    Parameters
    ==========

    model : MLP, Polynomial or SeparablePolynomial
    loss : str
        ``"mse"``, ``"bce"`` or ``"softmax_ce"``.
    theta : sequence
        ``model.num_params`` numbers in ``model.params`` order.
    X : sequence of rows, or 2-D array
        ``B`` rows of ``model.n_inputs`` numbers (a bare number per row is
        accepted when there is one input).
    Y : sequence of rows, or 2-D array
        ``B`` rows of ``model.n_outputs`` targets.
    lr : number
        The learning rate, > 0.

    Returns
    =======

    list
        The new parameters as exact SymPy numbers, in ``model.params`` order.
        ints, Fractions and Rationals stay Rational; floats give Floats.

    Examples
    ========

    >>> from fractions import Fraction
    >>> from symmlp.polynomial import Polynomial
    >>> from symmlp.train import gd_step
    >>> gd_step(Polynomial(1, 1), "mse", [0, 0], [[1], [2]], [[1], [3]], Fraction(1, 2))
    [1, 7/4]
    """
    name = _loss_name(model, loss)
    values = model.theta_values(theta)
    xs = _exact_rows(X, model.n_inputs, "X")
    ys = _exact_rows(Y, model.n_outputs, "Y")
    if not xs:
        raise ValueError("X must hold at least one row")
    if len(xs) != len(ys):
        raise ValueError(f"X has {len(xs)} rows but Y has {len(ys)}; they must match")
    rate = exact_number(lr, "lr")
    if not rate.is_positive:
        raise ValueError(f"lr must be > 0, got {lr!r}")
    grads = _exact_gradient(model, name)
    known = dict(zip(model.params, values))
    totals = [[] for _ in grads]
    for x, y in zip(xs, ys):
        subs = {**known, **dict(zip(model.inputs, x)), **dict(zip(model.targets, y))}
        for total, g in zip(totals, grads):
            total.append(g.xreplace(subs))
    batch = sp.Integer(len(xs))
    return [t - rate * sp.Add(*total) / batch for t, total in zip(values, totals)]


def init_theta(model, init: str | Any = "xavier", seed: int | np.random.Generator = 0) -> np.ndarray:
    """Initial parameters as a float64 vector in ``model.params`` order.

    Parameters
    ==========

    model : MLP, Polynomial or SeparablePolynomial
    init : str or array
        ``"xavier"`` (Glorot uniform: ``W ~ U(-a, a)``, ``a = sqrt(6 / (n_in +
        n_out))``) or ``"he"`` (``W ~ N(0, 2 / n_in)``), with biases
        ``b ~ U(-1/sqrt(n_in), 1/sqrt(n_in))`` as in PyTorch's ``Linear``
        (with zero biases, an odd target on a symmetric interval has zero bias
        gradient and every unit stays centred at 0); or an array of
        ``num_params`` finite numbers, used as given.  Polynomials are linear
        in their coefficients and start from all zeros under both names.
    seed : int or numpy.random.Generator

    Returns
    =======

    numpy.ndarray of shape (num_params,)

    Examples
    ========

    >>> from symmlp.mlp import MLP
    >>> from symmlp.train import init_theta
    >>> theta = init_theta(MLP([2, 3, 1]), "xavier", seed=0)
    >>> theta.shape, bool(abs(theta[:6]).max() <= 6 ** 0.5 / 5 ** 0.5)
    ((13,), True)
    >>> bool(abs(theta[6:9]).max() <= 1 / 2 ** 0.5)
    True
    """
    n = model.num_params
    if not isinstance(init, str):
        t = np.asarray(init)
        if t.dtype == object:
            t = np.asarray([float(v) for v in t.ravel()]).reshape(t.shape)
        if t.dtype.kind not in "fiu" or t.shape != (n,):
            raise ValueError(
                f"init array must be real with shape ({n},) (one value per parameter in "
                f"model.params order), got shape {t.shape} and dtype {t.dtype}"
            )
        t = t.astype(np.float64)
        if not np.isfinite(t).all():
            raise ValueError("init array holds NaN or inf")
        return t
    if init not in _INITS:
        raise ValueError(f"unknown init {init!r}; valid: {', '.join(_INITS)} or an array of {n} numbers")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if not hasattr(model, "widths"):
        return np.zeros(n)
    parts = []
    for n_in, n_out in zip(model.widths, model.widths[1:]):
        if init == "xavier":
            a = math.sqrt(6.0 / (n_in + n_out))
            parts.append(rng.uniform(-a, a, n_out * n_in))
        else:
            parts.append(rng.normal(0.0, math.sqrt(2.0 / n_in), n_out * n_in))
        bound = 1.0 / math.sqrt(n_in)
        parts.append(rng.uniform(-bound, bound, n_out))
    return np.concatenate(parts)


class TrainResult:
    """What :func:`train` returns.

    Attributes
    ==========

    model
        The model trained.
    theta : numpy.ndarray
        The parameters in ``model.params`` order (float64 after training; a
        loaded exact file gives an object array of SymPy Rationals).
    losses : numpy.ndarray
        The (mini-batch) loss at each step, before that step's update.
    loss : str
        The loss name.

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp.polynomial import Polynomial
    >>> from symmlp.train import TrainResult, train
    >>> X = np.linspace(-1, 1, 21).reshape(-1, 1)
    >>> r = train(Polynomial(1, 1), X, 3 * X - 1, lr=0.5, steps=100)
    >>> r
    TrainResult(Polynomial(n_inputs=1, degree=1), loss='mse', 100 steps, final loss ...)
    >>> bool(r.losses[-1] < r.losses[0] * 1e-6)
    True
    >>> np.round(r.predict([[0.0], [2.0]]), 6)
    array([[-1.],
           [ 5.]])

    One can also be built directly from given parameters:

    >>> r = TrainResult(Polynomial(1, 1), [0.5, 2.0])
    >>> r.theta, r.loss, r.losses.size
    (array([0.5, 2. ]), 'mse', 0)
    >>> r.to_symbolic()[0]
    2.0*x_1 + 0.5
    """

    def __init__(self, model, theta, losses=(), loss: str = "mse") -> None:
        self.model = model
        self.loss = _loss_name(model, loss)
        self.theta = theta if isinstance(theta, np.ndarray) else np.asarray(theta)
        self.losses = np.asarray(losses, dtype=np.float64)

    @property
    def compiled(self) -> CompiledModel:
        """The compiled model (cached per model and loss)."""
        return _compiled(self.model, self.loss)

    def predict(self, X) -> np.ndarray:
        """The model's outputs ``(B, n_outputs)`` at the rows of ``X`` (logits for softmax_ce)."""
        theta = np.asarray([float(v) for v in self.theta]) if self.theta.dtype == object else self.theta
        return self.compiled.forward(theta, X)

    def to_symbolic(self, digits: int | None = None, rational: bool = False) -> sp.Matrix:
        """The trained model's output as exact SymPy expressions in ``x_1 .. x_n``.

        Parameters
        ==========

        digits : int, optional
            Round each float parameter to this many significant digits.
        rational : bool
            Turn each float parameter into a Rational with ``nsimplify``,
            after rounding when ``digits`` is given (``0.333`` gives
            ``333/1000``).

        Returns
        =======

        sympy.Matrix
            ``n_outputs x 1``, like ``model.output``.

        Examples
        ========

        >>> from symmlp.polynomial import Polynomial
        >>> from symmlp.train import TrainResult
        >>> r = TrainResult(Polynomial(1, 1), [0.333333333, 2.0])
        >>> r.to_symbolic(digits=3)[0]
        2.0*x_1 + 0.333
        >>> r.to_symbolic(digits=3, rational=True)[0]
        2*x_1 + 333/1000
        """
        if digits is not None:
            digits = check_positive_int(digits, "digits")
        values = []
        for i, v in enumerate(self.theta):
            v = exact_number(v, f"theta[{i}]")
            if isinstance(v, sp.Float):
                if digits is not None:
                    v = sp.Float(f"{float(v):.{digits}g}", digits if not rational else 15)
                if rational:
                    v = sp.nsimplify(v, rational=True)
            values.append(v)
        return self.model.subs(values)

    def save(self, path) -> None:
        """Write this result to ``path`` as JSON (see :func:`symmlp.saving.save`)."""
        from .saving import save

        save(self, path)

    def __repr__(self) -> str:
        final = f", final loss {self.losses[-1]:.4g}" if self.losses.size else ""
        return f"TrainResult({self.model!r}, loss={self.loss!r}, {self.losses.size} steps{final})"


def _float_array(a, name: str) -> np.ndarray:
    a = np.asarray(a)
    if a.dtype == object:
        a = a.astype(np.float64)
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    return a


def _check_rate(value, name: str, lo: float, hi: float, *, lo_open: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise TypeError(f"{name} must be a finite number, got {value!r}")
    ok = (value > lo if lo_open else value >= lo) and value < hi
    if not ok:
        bracket = "(" if lo_open else "["
        raise ValueError(f"{name} must lie in {bracket}{lo}, {hi}), got {value!r}")
    return float(value)


def _targets(Y, loss: str, n_outputs: int) -> np.ndarray:
    Y = np.asarray(Y)
    if loss == "softmax_ce" and Y.dtype.kind in "iu" and Y.ndim == 1:
        if Y.size and (Y.min() < 0 or Y.max() >= n_outputs):
            raise ValueError(f"class indices in Y must lie in 0..{n_outputs - 1}, "
                             f"got {Y.min()}..{Y.max()}")
        return np.eye(n_outputs)[Y]
    return _float_array(Y, "Y")


def train(
    model,
    X,
    Y,
    loss: str | Loss = "mse",
    lr: float = 0.1,
    steps: int = 1000,
    batch_size: int | None = None,
    momentum: float = 0.0,
    seed: int = 0,
    init: str | Any = "xavier",
    callback: Callable[[int, float, np.ndarray], Any] | None = None,
) -> TrainResult:
    """Fit ``model`` to ``(X, Y)`` by gradient descent on the compiled gradient.

    Each step computes the batch-mean loss and gradient with
    ``compile_model(model, loss).loss_and_grad`` and updates
    ``v = momentum * v - lr * grad; theta = theta + v``.

    Parameters
    ==========

    model : MLP, Polynomial or SeparablePolynomial
    X : array of shape (N, n_inputs)
        A 1-D array is taken as one input per row.
    Y : array of shape (N, n_outputs)
        For ``softmax_ce`` also integer class indices of shape (N,).
    loss : str
        ``"mse"``, ``"bce"`` (sigmoid output) or ``"softmax_ce"``.
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
        ``"xavier"``, ``"he"`` or ``num_params`` numbers; see :func:`init_theta`.
    callback : callable, optional
        ``callback(step, loss, theta)`` after each step's loss; returning True
        stops training early.

    Returns
    =======

    TrainResult

    Raises
    ======

    TrainingDiverged
        When the loss or gradient becomes NaN or inf, or the loss exceeds
        ``1e6`` times the first one; it carries ``step`` and ``last_theta``.

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp.polynomial import Polynomial
    >>> from symmlp.train import train
    >>> X = np.linspace(-1, 1, 21).reshape(-1, 1)
    >>> r = train(Polynomial(1, 1), X, 3 * X - 1, lr=0.5, steps=200)
    >>> np.round(r.theta, 6)
    array([-1.,  3.])
    >>> r.losses.shape
    (200,)
    """
    name = _loss_name(model, loss)
    compiled = _compiled(model, name)
    X = _float_array(X, "X")
    Y = _targets(Y, name, model.n_outputs)
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but Y has {Y.shape[0]}; they must match")
    lr = _check_rate(lr, "lr", 0.0, math.inf, lo_open=True)
    momentum = _check_rate(momentum, "momentum", 0.0, 1.0, lo_open=False)
    steps = check_positive_int(steps, "steps")
    n = X.shape[0]
    if batch_size is not None:
        batch_size = check_positive_int(batch_size, "batch_size")
        if batch_size > n:
            raise ValueError(f"batch_size must be at most the number of samples {n}, got {batch_size}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an int, got {seed!r}")
    rng = np.random.default_rng(seed)
    theta = init_theta(model, init, rng)
    velocity = np.zeros_like(theta)
    losses = np.empty(steps)
    order, cursor = np.arange(n), n
    first = None
    good = theta
    for step in range(steps):
        if batch_size is None:
            Xb, Yb = X, Y
        else:
            if cursor + batch_size > n:
                order, cursor = rng.permutation(n), 0
            idx = order[cursor : cursor + batch_size]
            cursor += batch_size
            Xb, Yb = X[idx], Y[idx]
        # overflow / NaN in the generated code is caught by the divergence check below
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            value, grad = compiled.loss_and_grad(theta, Xb, Yb)
        first = value if first is None else first
        # ``good`` is the last theta whose loss and gradient passed the check
        # (the initial theta when the very first step fails)
        _check_divergence(step, value, grad, first, good, lr)
        good = theta
        losses[step] = value
        if callback is not None and callback(step, value, theta.copy()) is True:
            losses = losses[: step + 1]
            break
        with np.errstate(over="ignore", invalid="ignore"):
            velocity = momentum * velocity - lr * grad
            new = theta + velocity
        if not np.isfinite(new).all():
            _diverged(step, "the parameters overflowed", value, good, lr)
        theta = new
    return TrainResult(model, theta, losses, name)


def _check_divergence(step: int, value: float, grad: np.ndarray, first: float, last_good: np.ndarray,
                      lr: float) -> None:
    """Raise :class:`TrainingDiverged` carrying ``last_good`` (not the offending theta)."""
    if not math.isfinite(value):
        _diverged(step, f"the loss became {value}", value, last_good, lr)
    if not np.isfinite(grad).all():
        _diverged(step, "the gradient became NaN or inf", value, last_good, lr)
    if value > DIVERGENCE_FACTOR * max(first, 1e-12) and value > 1.0:
        _diverged(step, f"the loss grew from {first:.4g} to {value:.4g}", value, last_good, lr)


def _diverged(step: int, what: str, value: float, theta: np.ndarray, lr: float):
    raise TrainingDiverged(
        f"training diverged at step {step}: {what}; try a smaller learning rate "
        f"than lr={lr:g} (e.g. lr={lr / 10:g})",
        step=step, last_theta=theta.copy(), loss=value,
    )
