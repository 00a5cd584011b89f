"""What every loss owns: its exact per-sample form and gradient, its matrix form
with array code, its targets and its LaTeX.

Every loss averages over the batch: ``L = (1/B) sum_b l(yhat_b, y_b)``.

A loss that needs a particular output activation (``bce``: sigmoid,
``softmax_ce``: identity) is *fused*: it is computed from the logits ``z``
(the input of that activation) and its gradient is taken with respect to
``z``, which keeps both exact at any logit scale.  Other losses give
``dl/dyhat`` and the output activation's own backward step follows.

A new loss is one subclass of :class:`Loss` in one file, registered with
:func:`symmlp.ops.losses.register_loss`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
import sympy as sp

from ...core.validate import check_matrix
from ...derive.equations import Term, Var

__all__ = ["Loss"]


class Loss:
    """Base of every loss; subclasses fill in the class attributes and the methods.

    Attributes
    ==========

    name, description : str
    output_activation : str or None
        The output activation the loss requires (None: any).
    fused : bool
        Whether the gradient is taken with respect to the logits.
    min_outputs : int
    sample_latex : str
        ``\\ell = ...`` per sample, for the documents.
    """

    name = ""
    description = ""
    output_activation: str | None = None
    fused = False
    min_outputs = 1
    sample_latex = ""

    def check_model(self, model) -> None:
        """Raise ValueError when ``model``'s output does not fit this loss."""
        out = model.output_activation.name
        if self.output_activation is not None and out != self.output_activation:
            raise ValueError(
                f"loss {self.name!r} needs output_activation={self.output_activation!r}, "
                f"got {out!r}; build the model with output_activation="
                f"{self.output_activation!r} or use loss='mse'"
            )
        if model.n_outputs < self.min_outputs:
            raise ValueError(
                f"loss {self.name!r} needs at least {self.min_outputs} outputs, the model has "
                f"{model.n_outputs}; for one output use 'bce' (sigmoid output) or 'mse'"
            )

    # ------------------------------------------------------------- exact face
    def sample(self, yhat: Sequence[sp.Expr], y: Sequence[sp.Expr], z: Sequence[sp.Expr], *,
               expanded: bool = False) -> sp.Expr:
        """The exact loss of one sample from its outputs ``yhat``, targets ``y`` and logits ``z``.

        ``expanded=True`` is asked for explicit outputs: it avoids forms such as
        ``(tanh(P) - y)**2`` that SymPy can hang on when ``P`` is a large polynomial.
        """
        raise NotImplementedError

    def gradient(self, yhat: Sequence[sp.Expr], y: Sequence[sp.Expr], z: Sequence[sp.Expr]
                 ) -> list[sp.Expr]:
        """``dl/dyhat`` of one sample, or ``dl/dz`` for a fused loss."""
        raise NotImplementedError

    def curvature(self, yhat, y, z, r: Sequence[sp.Expr]) -> list[sp.Expr]:
        """The directional derivative of :meth:`gradient` along ``r`` (``R{yhat}``, or ``R{z}``
        when fused): the loss Hessian times ``r``; optional, for second order."""
        raise NotImplementedError(f"loss {self.name!r} does not define curvature")

    # ------------------------------------------------------------- matrix form
    def matrix_loss(self, out: Var, z: Var) -> Term:
        """``L`` as text and LaTeX, and code that sets ``loss``."""
        raise NotImplementedError

    def matrix_gradient(self, out: Var, z: Var) -> Term:
        """``∂L/∂A`` (or ``∂L/∂Z`` when fused); its code may use names the loss code set."""
        raise NotImplementedError

    def matrix_curvature(self, out: Var, z: Var, r: Var) -> Term:
        """``R{∂L/∂A}`` (or ``R{∂L/∂Z}``) from ``r = R{A}`` (or ``R{Z}``); optional, for second order."""
        raise NotImplementedError(f"loss {self.name!r} does not define matrix_curvature")

    def delta_latex(self, sigma) -> str:
        """The output layer's ``delta_k = ∂l/∂z_k`` in index form, for the documents."""
        head = r"\delta^{(L)}_k = \frac{\partial \ell}{\partial z^{(L)}_k} &= "
        g = self.gradient_latex
        if self.fused or sigma.is_identity:
            return head + g
        return head + rf"\Bigl({g}\Bigr)\, {sigma.latex_name}'\bigl(z^{{(L)}}_k\bigr)"

    gradient_latex = ""

    # ------------------------------------------------------------- targets
    def prepare_targets(self, Y, batch: int, n_outputs: int) -> np.ndarray:
        """``Y`` checked and as float64 ``(batch, n_outputs)``."""
        Y = check_matrix(Y, "Y", n_outputs, "batch, outputs")
        if Y.shape[0] != batch:
            raise ValueError(f"Y has {Y.shape[0]} rows but X has {batch}; they must match")
        return Y

    def random_targets(self, rng: random.Random, n_outputs: int) -> list[sp.Rational]:
        """Exact targets of one sample, for checks: nonzero Rationals."""
        return [sp.Rational(rng.choice([k for k in range(-9, 10) if k]), rng.randint(1, 9)) / 2
                for _ in range(n_outputs)]

    def __repr__(self) -> str:
        return f"get_loss({self.name!r})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(self.name)
