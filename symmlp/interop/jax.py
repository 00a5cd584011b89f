"""Dense-layer parameters as JAX pytrees: a list of ``(W, b)`` pairs, in and out of symmlp.

The pairs are those of JAX's own MLP tutorials (``jnp.dot(W, a) + b``, ``W``
of shape ``(n_out, n_in)``, symmlp's layout); ``kernel="in_out"`` reads and
writes ``W`` transposed, as ``stax.Dense`` and Flax's ``Dense`` keep it
(``a @ W + b``).  The activations are not in the pytree: :func:`from_jax` is
told them.  :func:`to_jax` needs the ``jax`` extra: ``pip install "symmlp[jax]"``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..core.extras import require
from ..core.validate import check_choice
from ..models.chain import Model
from .layers import DENSE_ACTIVATIONS, DenseLayer, dense_layers, model_of_layers

__all__ = ["from_jax", "to_jax"]

REQUIRES_EXTRA = "jax"  # the doctests below run only where it is installed (see conftest.py)
KERNELS = ("out_in", "in_out")


def to_jax(model: Model, theta, kernel: str = "out_in") -> list[tuple]:
    """``model``'s parameters as a list of ``(W, b)`` JAX arrays, one pair per layer.

    Parameters
    ==========

    model : an MLP (or a serial chain of biased affine maps and activations)
    theta : array of shape (num_params,)
        Kept in its dtype when JAX allows it (float64 needs ``jax_enable_x64``).
    kernel : str
        ``"out_in"`` (``W`` is ``(n_out, n_in)``) or ``"in_out"`` (transposed).

    Returns
    =======

    list of (jax.Array, jax.Array)

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp import MLP
    >>> from symmlp.interop.jax import to_jax, from_jax
    >>> params = to_jax(MLP([2, 3, 1]), np.arange(13.0))
    >>> [(W.shape, b.shape) for W, b in params]
    [((3, 2), (3,)), ((1, 3), (1,))]
    >>> model, theta = from_jax(params, activation="tanh")
    >>> model, theta.tolist() == list(range(13))
    (MLP([2, 3, 1], activation='tanh', output_activation='identity'), True)
    """
    require("jax", "to_jax")
    import jax.numpy as jnp

    check_choice(kernel, "kernel", KERNELS)
    pairs = []
    for i, layer in enumerate(dense_layers(model, theta, "to_jax"), start=1):
        if layer.bias is None:
            raise ValueError(f"to_jax writes (W, b) pairs; layer {i} of {model!r} has no bias")
        W = layer.weight if kernel == "out_in" else layer.weight.T
        pairs.append((jnp.asarray(W), jnp.asarray(layer.bias)))
    return pairs


def _pair(pair, i: int, kernel: str) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(pair, Sequence) or len(pair) != 2:
        raise ValueError(f"params[{i}] must be a (W, b) pair, got {type(pair).__name__}")
    W, b = (np.asarray(a, dtype=np.float64) for a in pair)
    W = W if kernel == "out_in" else W.T
    if W.ndim != 2 or b.shape != (W.shape[0],):
        raise ValueError(f"params[{i}] must hold W of shape (n_out, n_in) ({kernel}) and b of shape (n_out,); "
                         f"got {np.shape(pair[0])} and {np.shape(pair[1])}")
    return W, b


def from_jax(params, activation: str | Sequence[str] = "tanh", output_activation: str = "identity",
             kernel: str = "out_in") -> tuple[Model, np.ndarray]:
    """The MLP of a list of ``(W, b)`` pairs, and its ``theta`` (float64).

    Parameters
    ==========

    params : list of (W, b) pairs
        JAX or NumPy arrays (JAX itself is not needed).
    activation : str or list of str
        The hidden layers' activation (one of identity, relu, tanh, sigmoid,
        softplus), or one per hidden layer.
    output_activation : str
    kernel : str
        ``"out_in"`` or ``"in_out"`` (see the module docstring).

    Returns
    =======

    (MLP, numpy.ndarray)

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp.interop.jax import from_jax
    >>> from_jax([(np.ones((2, 4)), np.zeros(4))], kernel="in_out")[0]
    MLP([2, 4], output_activation='identity')
    """
    check_choice(kernel, "kernel", KERNELS)
    if isinstance(params, str | bytes) or not isinstance(params, Sequence) or not params:
        raise TypeError(f"params must be a non-empty list of (W, b) pairs, got {type(params).__name__}")
    hidden = [activation] * (len(params) - 1) if isinstance(activation, str) else list(activation)
    if len(hidden) != len(params) - 1:
        raise ValueError(f"activation names {len(hidden)} hidden layers but params has {len(params) - 1}")
    for name in [*hidden, output_activation]:
        check_choice(name, "activation", DENSE_ACTIVATIONS)
    pairs = [_pair(p, i, kernel) for i, p in enumerate(params)]
    return model_of_layers([DenseLayer(W, b, a) for (W, b), a in zip(pairs, [*hidden, output_activation])])
