"""``symmlp.compile``: one derivation, emitted for NumPy, JAX or PyTorch."""

from __future__ import annotations

from ..core.validate import check_choice
from ..models.chain import check_model
from ..ops.losses import Loss

__all__ = ["BACKENDS", "compile_model", "check_compilable", "MAX_COMPILED_PARAMS"]

#: theta itself must fit: 1e8 float64 parameters are 0.8 GB
MAX_COMPILED_PARAMS = 10**8


def check_compilable(model) -> None:
    """Refuse, before any work, a model whose parameter vector alone would not fit in memory.

    Examples
    ========

    >>> from symmlp import Polynomial
    >>> from symmlp.emit.compile import check_compilable
    >>> check_compilable(Polynomial(30, 30))
    Traceback (most recent call last):
    ...
    ValueError: Polynomial(n_inputs=30, degree=30) has 1.2e+17 parameters, more than the 1e+08 ... holds ...
    """
    check_model(model)
    n = model.num_params
    if n > MAX_COMPILED_PARAMS:
        raise ValueError(f"{model!r:.80} has {n:.2g} parameters, more than the {MAX_COMPILED_PARAMS:.0e} a compiled "
                         f"model holds (0.8 GB of float64); choose a smaller model")

BACKENDS = ("numpy", "jax", "torch")


def compile_model(model, loss: str | Loss = "mse", backend: str = "numpy"):
    """Compile ``model``'s forward pass and loss gradient for an array library.

    Every backend runs the same equations of :func:`symmlp.backprop`, one
    commented statement each (``compiled.source``); none uses automatic
    differentiation.

    Parameters
    ==========

    model : any symmlp model
    loss : str or Loss
        One of :func:`symmlp.ops.losses.loss_names`.
    backend : str
        ``"numpy"`` (:class:`symmlp.emit.numpy.CompiledModel`), ``"jax"``
        (:class:`symmlp.emit.jax.JaxCompiledModel`: jit-compatible ``jax.numpy``)
        or ``"torch"`` (:class:`symmlp.emit.torch.TorchCompiledModel`: tensors
        on any device).  JAX and PyTorch are optional extras:
        ``pip install "symmlp[jax]"``, ``pip install "symmlp[torch]"``.

    Returns
    =======

    A compiled model with ``forward(theta, X)``, ``loss_and_grad(theta, X, Y)`` and ``source``.

    Examples
    ========

    >>> from symmlp import MLP, compile
    >>> compile(MLP([2, 3, 1]), backend="numpy")
    compile(MLP([2, 3, 1], activation='tanh', output_activation='identity'), loss='mse')
    >>> compile(MLP([2, 3, 1]), backend="tensorflow")
    Traceback (most recent call last):
    ...
    ValueError: backend must be one of numpy, jax, torch; got 'tensorflow'
    """
    check_choice(backend, "backend", BACKENDS)
    check_compilable(model)
    if backend == "jax":
        from .jax import JaxCompiledModel

        return JaxCompiledModel(model, loss)
    if backend == "torch":
        from .torch import TorchCompiledModel

        return TorchCompiledModel(model, loss)
    from .numpy import compile_model as compile_numpy

    return compile_numpy(model, loss)
