"""Compile a derivation's matrix form into plain NumPy functions.

The generated code is one matmul pass forward and one back over the batch,
each intermediate computed once; it never goes through per-parameter scalar
expressions, so compiling a [8, 64, 64, 1] network costs about as much as a
[2, 3, 1] one.  ``compiled.source`` shows it.  Compiled code is cached by
``(model, loss)``: compiling the same model twice reuses it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from ..core.display import html_pre, html_report
from ..core.validate import check_matrix
from ..derive.derivation import Derivation, backprop
from ..ops.losses import Loss, get_loss
from .backend import NUMPY
from .programs import programs, render, second_order_programs

__all__ = ["CompiledModel", "compile_model", "program_source", "clear_cache"]


def program_source(derivation: Derivation) -> str:
    """The NumPy source of every function of :func:`symmlp.emit.programs.programs`."""
    return render(derivation, programs(derivation), "NumPy")


@lru_cache(maxsize=64)
def _program(model, loss: Loss) -> tuple[str, dict]:
    source = program_source(backprop(model, loss))
    return source, NUMPY.execute(source, model, "compiled")


@lru_cache(maxsize=64)
def _second_order_program(model, loss: Loss) -> tuple[str, dict]:
    derivation = backprop(model, loss)
    try:
        source = render(derivation, second_order_programs(derivation), "NumPy")
    except NotImplementedError as exc:
        raise NotImplementedError(f"second order is not available for {model!r} with loss {loss.name!r}: "
                                  f"{exc or 'a stage or the loss does not define its R-operator'}") from None
    return source, NUMPY.execute(source, model, "compiled")


def clear_cache() -> None:
    """Forget every compiled program and derivation (for benchmarks of compiling itself)."""
    from ..derive.derivation import clear_cache as clear_derivations
    from ..derive.second_order import second_order

    _program.cache_clear()
    _second_order_program.cache_clear()
    second_order.cache_clear()
    clear_derivations()


class CompiledModel:
    """A model's forward pass and loss gradient as NumPy functions.

    Attributes
    ==========

    model, loss, derivation
        What it was compiled from.
    source : str
        The generated NumPy code.
    """

    def __init__(self, model, loss: str | Loss = "mse") -> None:
        from .compile import check_compilable

        check_compilable(model)
        self.loss = get_loss(loss)
        self.derivation = backprop(model, self.loss)
        self.model = model
        self.source, namespace = _program(model, self.loss)
        self._forward: Callable = namespace["forward"]
        self._loss_and_grad: Callable = namespace["loss_and_grad"]

    @property
    def second_order_source(self) -> str:
        """The generated code of ``hvp``, ``gnvp`` and ``loss_and_jvp`` (built on first use)."""
        return _second_order_program(self.model, self.loss)[0]

    def _second(self, name: str) -> Callable:
        namespace = _second_order_program(self.model, self.loss)[1]
        if name not in namespace:
            raise NotImplementedError(f"{name} needs the loss curvature; loss {self.loss.name!r} does not define "
                                      "matrix_curvature")
        return namespace[name]

    def check_theta(self, theta, what: str = "theta") -> np.ndarray:
        """``theta`` as a finite float64 vector of ``num_params`` entries, or a clear error.

        ``what`` names the argument in the error (``"v"`` for a direction laid out like theta).

        Examples
        ========

        >>> from symmlp import MLP, compile
        >>> compile(MLP([1, 1])).check_theta([1, 2])
        array([1., 2.])
        >>> compile(MLP([1, 1])).check_theta([1.0], "v")
        Traceback (most recent call last):
        ...
        ValueError: v must be a real array of shape (2,) in model.params order, got shape (1,)
        """
        t = np.asarray(theta)
        n = self.model.num_params
        if t.dtype.kind not in "fiu":
            raise TypeError(f"{what} must hold real numbers, got dtype {t.dtype}")
        if t.shape != (n,):
            raise ValueError(f"{what} must be a real array of shape ({n},) in model.params order, "
                             f"got shape {t.shape}")
        t = t.astype(np.float64, copy=False)
        if not np.isfinite(t).all():
            raise ValueError(f"{what} holds NaN or inf")
        return t

    def prepare(self, X, Y) -> tuple[np.ndarray, np.ndarray]:
        """``X`` and ``Y`` checked and converted once, ready for :meth:`loss_and_grad_prepared`.

        ``Y`` may be class indices for ``softmax_ce``; it comes back one-hot.
        """
        X = check_matrix(X, "X", self.model.n_inputs, "batch, inputs")
        return X, self.loss.prepare_targets(Y, X.shape[0], self.model.n_outputs)

    def forward(self, theta, X) -> np.ndarray:
        """The outputs for a batch.

        Parameters
        ==========

        theta : array of shape (num_params,)
        X : array of shape (B, n_inputs)

        Returns
        =======

        ndarray of shape (B, n_outputs)
        """
        X = check_matrix(X, "X", self.model.n_inputs, "batch, inputs")
        return self._forward(self.check_theta(theta), X)

    def loss_and_grad(self, theta, X, Y) -> tuple[float, np.ndarray]:
        """The batch-mean loss and its gradient in ``model.params`` order.

        Parameters
        ==========

        theta : array of shape (num_params,)
        X : array of shape (B, n_inputs)
        Y : array of shape (B, n_outputs); for ``softmax_ce`` also class indices of shape (B,)

        Returns
        =======

        (float, ndarray of shape (num_params,))
        """
        X, Y = self.prepare(X, Y)
        loss, grad = self._loss_and_grad(self.check_theta(theta), X, Y)
        return float(loss), grad

    def loss_and_grad_prepared(self, theta: np.ndarray, X: np.ndarray, Y: np.ndarray
                               ) -> tuple[float, np.ndarray]:
        """:meth:`loss_and_grad` without any check, for loops that checked once.

        ``theta`` must come from :meth:`check_theta` (or be float64 of the right
        shape) and ``X, Y`` from :meth:`prepare` (rows may be selected).
        """
        loss, grad = self._loss_and_grad(theta, X, Y)
        return float(loss), grad

    # ------------------------------------------------------------------ second order
    def hvp(self, theta, v, X, Y) -> np.ndarray:
        """The Hessian of the batch-mean loss times ``v``, by Pearlmutter's R-operator.

        Parameters
        ==========

        theta, v : arrays of shape (num_params,)
            ``v`` is laid out like ``theta``.
        X, Y : the batch, as for :meth:`loss_and_grad`

        Returns
        =======

        ndarray of shape (num_params,)

        Examples
        ========

        >>> import numpy as np
        >>> from symmlp import Polynomial, compile
        >>> f = compile(Polynomial(1, 1))      # L = mean (a0 + a1 x - y)^2 / 2: H = mean [1 x; x x^2]
        >>> f.hvp(np.zeros(2), np.array([1.0, 0.0]), [[1.0], [3.0]], [[0.0], [0.0]])
        array([1., 2.])
        """
        X, Y = self.prepare(X, Y)
        return self._second("hvp")(self.check_theta(theta), self.check_theta(v, "v"), X, Y)

    def gnvp(self, theta, v, X, Y) -> np.ndarray:
        """The Gauss–Newton matrix ``Jᵀ H_loss J`` times ``v`` (positive semi-definite)."""
        X, Y = self.prepare(X, Y)
        return self._second("gnvp")(self.check_theta(theta), self.check_theta(v, "v"), X, Y)

    def loss_and_jvp(self, theta, v, X, Y) -> tuple[float, float]:
        """The loss and its directional derivative ``∇L · v``, by the forward R-pass alone."""
        X, Y = self.prepare(X, Y)
        loss, rl = self._second("loss_and_jvp")(self.check_theta(theta), self.check_theta(v, "v"), X, Y)
        return float(loss), float(rl)

    def jvp(self, theta, v, X) -> np.ndarray:
        """The outputs' directional derivative ``J v`` along ``v`` (forward mode), ``(B, n_outputs)``.

        Examples
        ========

        >>> import numpy as np
        >>> from symmlp import Polynomial, compile
        >>> compile(Polynomial(1, 1)).jvp(np.zeros(2), np.array([0.0, 1.0]), [[1.0], [3.0]])
        array([[1.],
               [3.]])
        """
        X = check_matrix(X, "X", self.model.n_inputs, "batch, inputs")
        return self._second("jvp")(self.check_theta(theta), self.check_theta(v, "v"), X)

    def jacobian(self, theta, X) -> np.ndarray:
        """The outputs' Jacobian in theta, ``(B * n_outputs, num_params)``: row ``b * n_outputs + k`` is
        ``d yhat[b, k] / d theta``, one forward-mode pass per parameter (the residual Jacobian of
        least squares).  Refused above 1e8 entries.

        Examples
        ========

        >>> import numpy as np
        >>> from symmlp import Polynomial, compile
        >>> compile(Polynomial(1, 2)).jacobian(np.zeros(3), [[2.0]])
        array([[1., 2., 4.]])
        """
        X = check_matrix(X, "X", self.model.n_inputs, "batch, inputs")
        n, rows = self.model.num_params, X.shape[0] * self.model.n_outputs
        if n * rows > 10**8:
            raise ValueError(f"the Jacobian of {rows} outputs in {n} parameters has {n * rows} entries "
                             f"(over 1e8); use jvp() for products")
        theta, f = self.check_theta(theta), self._second("jvp")
        J, e = np.empty((rows, n)), np.zeros(n)
        for j in range(n):
            e[j] = 1.0
            J[:, j] = f(theta, e, X).reshape(-1)
            e[j] = 0.0
        return J

    def hessian(self, theta, X, Y, *, gauss_newton: bool = False) -> np.ndarray:
        """The dense Hessian (or Gauss–Newton matrix), one column per basis direction.

        Each column is an exact Hessian-vector product; the result is
        symmetrised, ``(H + Hᵀ) / 2``, which removes only rounding.  Memory is
        ``num_params**2`` floats, refused above 1e8 entries.

        Returns
        =======

        ndarray of shape (num_params, num_params)
        """
        n = self.model.num_params
        if n * n > 10**8:
            raise ValueError(f"the Hessian of {n} parameters has {n * n:.2g} entries (over 1e8, "
                             f"{8 * n * n / 2**30:.1f} GiB); use hvp() for products")
        X, Y = self.prepare(X, Y)
        theta = self.check_theta(theta)
        product = self._second("gnvp" if gauss_newton else "hvp")
        H = np.empty((n, n))
        e = np.zeros(n)
        for j in range(n):
            e[j] = 1.0
            H[:, j] = product(theta, e, X, Y)
            e[j] = 0.0
        return (H + H.T) / 2

    def __repr__(self) -> str:
        return f"compile({self.model!r}, loss={self.loss.name!r})"

    def _repr_html_(self) -> str:
        lines = self.source.count("\n") + 1
        return html_report(f"{self!r}: {self.model.num_params} parameters, {lines} lines of NumPy",
                           html_pre(self.source, max_height="28em"))


def compile_model(model, loss: str | Loss = "mse") -> CompiledModel:
    """Compile ``model``'s forward pass and loss gradient into NumPy.

    Parameters
    ==========

    model : any symmlp model
    loss : str or Loss
        One of :func:`symmlp.ops.losses.loss_names`.

    Returns
    =======

    CompiledModel
        With ``forward(theta, X)``, ``loss_and_grad(theta, X, Y)`` and ``source``.

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp import MLP, compile
    >>> f = compile(MLP([2, 3, 1], activation="tanh"))
    >>> print(f.source.split("def loss_and_grad")[1])  # doctest: +ELLIPSIS
    (theta, X, Y):
        B = X.shape[0]
        W1 = theta[0:6].reshape(3, 2)
        b1 = theta[6:9]
        W2 = theta[9:12].reshape(1, 3)
        b2 = theta[12:13]
        # A0 = X
        A0 = X
        # Z1 = W1 A0 + b1 1ᵀ
        Z1 = A0 @ W1.T + b1
        # A1 = tanh(Z1)
        A1 = np.tanh(Z1)
        del Z1
        ...
        # Δ1 = (W2ᵀ Δ2) ⊙ tanh′(Z1)
        D1 = (D2 @ W2) * (1.0 - A1**2)
        ...
    >>> loss, grad = f.loss_and_grad(np.zeros(13), np.ones((4, 2)), np.ones((4, 1)))
    >>> loss, grad.shape
    (0.5, (13,))
    """
    return CompiledModel(model, loss)
