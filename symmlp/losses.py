"""Losses, each with its exact face (a per-sample SymPy expression and its
output delta) and its fast face (NumPy statements over a batch), side by side.

Every loss averages over the batch: ``L = (1/B) sum_b l(yhat_b, y_b)``.

- ``"mse"``: ``l = 1/2 ||yhat - y||^2``, any output activation.
- ``"bce"``: binary cross-entropy ``-(y log yhat + (1-y) log(1-yhat))`` on a
  sigmoid output; NumPy computes it from the logit ``z`` as
  ``softplus(z) - y z`` so large logits never overflow.
- ``"softmax_ce"``: softmax cross-entropy on logits (identity output, at least
  two outputs), ``l = logsumexp(z) - sum_k y_k z_k``, which is
  ``-sum_k y_k log softmax(z)_k`` for one-hot or probability targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

__all__ = ["Loss", "get_loss", "loss_names"]


@dataclass(frozen=True)
class Loss:
    """One loss: its exact per-sample form, its output delta and its NumPy code.

    Examples
    ========

    >>> import sympy as sp
    >>> from symmlp.losses import get_loss
    >>> yhat, y = sp.symbols("yhat y")
    >>> get_loss("mse").sample([yhat], [yhat], [y])
    (-y + yhat)**2/2
    """

    name: str
    description: str
    output_activation: str | None
    min_outputs: int = 1

    def check_model(self, model) -> None:
        """Raise ValueError when ``model``'s output does not fit this loss."""
        out = getattr(model, "activation_names", ("identity",))[-1]
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

    def sample(self, z: Sequence[sp.Expr], yhat: Sequence[sp.Expr], y: Sequence[sp.Expr],
               *, expand_square: bool = False) -> sp.Expr:
        """The exact per-sample loss from the output pre-activations ``z``, outputs
        ``yhat`` and targets ``y``.

        ``expand_square=True`` writes mse as ``yhat**2/2 - yhat*y + y**2/2``, for
        explicit outputs: SymPy can hang building ``(tanh(P) - y)**2`` for a large
        polynomial ``P`` (``Add._eval_power`` asks whether ``tanh(P)`` is infinite,
        which takes gcds of ``P``'s imaginary part).
        """
        if self.name == "mse":
            if expand_square:
                return sp.Add(*(a**2 / 2 - a * t + t**2 / 2 for a, t in zip(yhat, y)))
            return sp.Add(*((a - t) ** 2 for a, t in zip(yhat, y))) / 2
        if self.name == "bce":
            return sp.Add(*(-(t * sp.log(a) + (1 - t) * sp.log(1 - a)) for a, t in zip(yhat, y)))
        return sp.log(sp.Add(*(sp.exp(v) for v in z))) - sp.Add(*(t * v for t, v in zip(y, z)))

    def output_delta(self, z: Sequence[sp.Expr], yhat: Sequence[sp.Expr], y: Sequence[sp.Expr],
                     sigma_prime: Sequence[sp.Expr]) -> list[sp.Expr]:
        """``dl/dz_k`` at the output layer, exact; ``sigma_prime`` is ``sigma_L'(z_k)``."""
        if self.name == "mse":
            return [(a - t) * d for a, t, d in zip(yhat, y, sigma_prime)]
        if self.name == "bce":
            return [a - t for a, t in zip(yhat, y)]
        total = sp.Add(*(sp.exp(v) for v in z))
        return [sp.exp(v) / total - t for v, t in zip(z, y)]

    # The matrix form: (text, LaTeX, NumPy) of the loss and the output delta.
    # ``A``/``Z`` are the output layer's names, ``dsig`` its sigma' (None for identity).

    def matrix_loss(self, A: tuple[str, str], Z: tuple[str, str]) -> tuple[str, str, str]:
        a_code, a_tex = A
        z_code, z_tex = Z
        if self.name == "mse":
            return (
                f"L = ‖{a_code} − Y‖² / 2B",
                rf"\frac{{1}}{{2B}} \left\lVert {a_tex} - Y \right\rVert_F^2",
                f"E = {a_code} - Y\nloss = 0.5 * np.sum(E**2) / B",
            )
        if self.name == "bce":
            return (
                f"L = 1ᵀ(softplus({z_code}) − Y ⊙ {z_code})1 / B",
                rf"-\frac{{1}}{{B}} \sum_{{b}} \left[ Y \log {a_tex} + (1-Y) \log(1-{a_tex}) "
                rf"\right]_b",
                f"loss = np.sum(softplus({z_code}) - Y * {z_code}) / B",
            )
        return (
            f"L = Σ_b [logsumexp({z_code}) − Yᵀ{z_code}]_b / B",
            rf"\frac{{1}}{{B}} \sum_{{b}} \Big[ \log \sum_k e^{{{z_tex}_{{kb}}}} "
            rf"- \sum_k Y_{{kb}} {z_tex}_{{kb}} \Big]",
            f"Zmax = {z_code}.max(axis=1, keepdims=True)\n"
            f"LSE = Zmax + np.log(np.exp({z_code} - Zmax).sum(axis=1, keepdims=True))\n"
            f"loss = np.sum(LSE - np.sum(Y * {z_code}, axis=1, keepdims=True)) / B",
        )

    def matrix_delta(self, A: tuple[str, str], Z: tuple[str, str], D: str,
                     dsig: tuple[str, str, str] | None) -> tuple[str, str, str]:
        a_code, a_tex = A
        z_code, z_tex = Z
        if self.name == "mse":
            if dsig is None:
                return (f"{D} = ({a_code} − Y) / B", rf"\frac{{1}}{{B}}\left({a_tex} - Y\right)",
                        f"{D} = E / B")
            text, tex, code = dsig
            return (f"{D} = ({a_code} − Y) ⊙ {text} / B",
                    rf"\frac{{1}}{{B}}\left({a_tex} - Y\right) \odot {tex}",
                    f"{D} = E * ({code}) / B")
        if self.name == "bce":
            return (f"{D} = ({a_code} − Y) / B", rf"\frac{{1}}{{B}}\left({a_tex} - Y\right)",
                    f"{D} = ({a_code} - Y) / B")
        return (f"{D} = (softmax({z_code}) − Y) / B",
                rf"\frac{{1}}{{B}}\left(\operatorname{{softmax}}({z_tex}) - Y\right)",
                f"{D} = (np.exp({z_code} - LSE) - Y) / B")


_REGISTRY = {
    loss.name: loss
    for loss in [
        Loss("mse", "mean squared error, 1/2 ||yhat - y||^2 per sample", None),
        Loss("bce", "binary cross-entropy on a sigmoid output", "sigmoid"),
        Loss("softmax_ce", "softmax cross-entropy on logits", "identity", min_outputs=2),
    ]
}


def loss_names() -> tuple[str, ...]:
    """The registered loss names.

    Returns
    =======

    tuple of str
        Sorted; each accepted by :func:`get_loss` and as the ``loss`` argument
        of :func:`~symmlp.grad.gradient` and :func:`~symmlp.train.train`.

    Examples
    ========

    >>> from symmlp.losses import loss_names
    >>> loss_names()
    ('bce', 'mse', 'softmax_ce')
    """
    return tuple(sorted(_REGISTRY))


def get_loss(name: str | Loss) -> Loss:
    """Look up a loss by name.

    Parameters
    ==========

    name : str or Loss
        One of :func:`loss_names`.

    Returns
    =======

    Loss

    Examples
    ========

    >>> from symmlp.losses import get_loss
    >>> get_loss("mse").name
    'mse'
    >>> get_loss("hinge")
    Traceback (most recent call last):
    ...
    ValueError: unknown loss 'hinge'; valid names: bce, mse, softmax_ce
    """
    if isinstance(name, Loss):
        return name
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(f"unknown loss {name!r}; valid names: {', '.join(loss_names())}")
    return _REGISTRY[name]
