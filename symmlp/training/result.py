"""What training returns: the model, its parameters, the loss curve."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..core.display import figure, html_report, html_table, png_bytes, png_img
from ..core.files import write_file
from ..core.validate import check_positive_int, exact_number
from ..emit.numpy import CompiledModel, compile_model
from ..models.chain import check_model
from ..ops.losses import Loss, get_loss
from .fileformat import encode, is_model_file

__all__ = ["TrainResult"]


class TrainResult:
    """What :func:`symmlp.train` returns (and :func:`symmlp.load` reads back).

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
    >>> from symmlp import Polynomial, TrainResult, train
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
    >>> "<table" in r._repr_html_(), r.loss_png() is None
    (True, True)
    >>> r.to_symbolic()[0]
    2.0*x_1 + 0.5
    """

    def __init__(self, model, theta, losses=(), loss: str | Loss = "mse") -> None:
        self.model = check_model(model)
        spec = get_loss(loss)
        spec.check_model(model)
        self.loss = spec.name
        self.theta = theta if isinstance(theta, np.ndarray) else np.asarray(theta)
        if self.theta.shape != (model.num_params,):
            raise ValueError(f"theta must have {model.num_params} entries, got shape {self.theta.shape}")
        self.losses = np.asarray(losses, dtype=np.float64)

    @property
    def compiled(self) -> CompiledModel:
        """The compiled model (cached per model and loss)."""
        return compile_model(self.model, self.loss)

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

        >>> from symmlp import Polynomial, TrainResult
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
        """Write this result to ``path`` as JSON (see :func:`symmlp.save`)."""
        write_file(path, encode(self.model, self.theta, self.loss, self.losses), "save", is_model_file)

    def __repr__(self) -> str:
        final = f", final loss {self.losses[-1]:.4g}" if self.losses.size else ""
        return f"TrainResult({self.model!r}, loss={self.loss!r}, {self.losses.size} steps{final})"

    def loss_png(self) -> bytes | None:
        """The loss curve as a small PNG (log scale when every loss is positive), None before any step."""
        if self.losses.size == 0:
            return None
        fig, ax = figure(4.8, 2.4)
        steps = np.arange(self.losses.size)
        ax.plot(steps, self.losses, lw=1.2)
        if np.all(self.losses > 0):
            ax.set_yscale("log")
        ax.set(xlabel="step", ylabel=f"{self.loss} loss")
        ax.grid(alpha=0.3)
        return png_bytes(fig)

    def _repr_html_(self) -> str:
        rows = [("model", repr(self.model)), ("parameters", self.model.num_params), ("loss", self.loss),
                ("steps", self.losses.size)]
        if self.losses.size:
            rows += [("first loss", f"{self.losses[0]:.4g}"), ("final loss", f"{self.losses[-1]:.4g}")]
        png = self.loss_png()
        plot = "" if png is None else png_img(png, f"{self.loss} loss over {self.losses.size} steps")
        return html_report("TrainResult", html_table(None, rows), plot)
