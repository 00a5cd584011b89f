"""``torch.nn.Sequential`` of ``Linear`` and activation modules, in and out of symmlp.

symmlp's parameter layout equals ``Linear.weight``'s (row ``i`` is output
unit ``i``), so the values pass through unchanged.  Needs the ``torch``
extra: ``pip install "symmlp[torch]"``.
"""

from __future__ import annotations

import numpy as np

from ..core.extras import require
from ..models.chain import Model
from .layers import DenseLayer, dense_layers, model_of_layers

__all__ = ["from_torch", "to_torch", "TORCH_MODULES"]

REQUIRES_EXTRA = "torch"  # the doctests below run only where it is installed (see conftest.py)

TORCH_MODULES = {"ReLU": "relu", "Tanh": "tanh", "Sigmoid": "sigmoid", "Softplus": "softplus"}
"""The activation modules read, by class name; ``Linear`` and ``Identity`` besides."""


def _unsupported(i: int, module) -> ValueError:
    return ValueError(f"from_torch reads an nn.Sequential of Linear, {', '.join(TORCH_MODULES)} and Identity "
                      f"modules; module {i} is {module!r} (unsupported)")


def _read_layers(module, nn) -> list[DenseLayer]:
    layers: list[DenseLayer] = []
    for i, m in enumerate(module):
        kind = type(m)
        if kind is nn.Identity:
            continue
        if kind is nn.Linear:
            bias = None if m.bias is None else m.bias.detach().cpu().double().numpy()
            layers.append(DenseLayer(m.weight.detach().cpu().double().numpy(), bias))
        elif kind.__name__ in TORCH_MODULES and kind is getattr(nn, kind.__name__):
            if not layers or layers[-1].activation != "identity":
                raise ValueError(f"from_torch needs each activation right after a Linear; module {i} ({m!r}) "
                                 "follows " + ("nothing" if not layers else "another activation"))
            if kind is nn.Softplus and m.beta != 1:
                raise ValueError(f"from_torch reads Softplus with beta=1 only; module {i} is {m!r}")
            layers[-1] = DenseLayer(layers[-1].weight, layers[-1].bias, TORCH_MODULES[kind.__name__])
        else:
            raise _unsupported(i, m)
    if not layers:
        raise ValueError("from_torch needs at least one Linear module")
    return layers


def from_torch(module) -> tuple[Model, np.ndarray]:
    """The symmlp model of a ``torch.nn.Sequential`` of dense layers, and its ``theta``.

    Parameters
    ==========

    module : torch.nn.Sequential
        ``Linear`` modules, each optionally followed by one of ``ReLU``,
        ``Tanh``, ``Sigmoid``, ``Softplus`` (``beta=1``); ``Identity``
        modules are skipped.  Torch's ``Softplus`` returns ``z`` itself above
        its ``threshold`` (20), where the exact ``log(1 + e^z)`` exceeds it by
        less than ``2.1e-9``.

    Returns
    =======

    (model, theta)
        An :class:`~symmlp.models.mlp.MLP` (a :func:`~symmlp.models.serial.serial`
        chain when a ``Linear`` has no bias) and its parameters as float64, in
        ``model.params`` order (float32 weights convert exactly).

    Examples
    ========

    >>> import torch
    >>> from symmlp import from_torch
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
    >>> model, theta = from_torch(net)
    >>> model, theta.shape
    (MLP([2, 3, 1], activation='tanh', output_activation='identity'), (13,))
    >>> from_torch(torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.GELU()))
    Traceback (most recent call last):
    ...
    ValueError: from_torch reads an nn.Sequential of Linear, ...; module 1 is GELU(approximate='none') (unsupported)
    """
    torch = require("torch", "from_torch")
    if not isinstance(module, torch.nn.Sequential):
        raise TypeError(f"from_torch needs a torch.nn.Sequential, got {type(module).__name__}")
    return model_of_layers(_read_layers(module, torch.nn))


def to_torch(model: Model, theta, dtype=None):
    """The ``torch.nn.Sequential`` computing ``model`` with parameters ``theta``.

    Parameters
    ==========

    model : a symmlp model made of affine maps and the activations identity,
        relu, tanh, sigmoid, softplus (an MLP, or such a serial chain)
    theta : array of shape (num_params,)
    dtype : torch.dtype, optional
        ``torch.float64`` by default, which keeps ``theta`` exactly.

    Returns
    =======

    torch.nn.Sequential
        ``Linear`` modules, each followed by its activation module (none for the identity).

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp import MLP, from_torch, to_torch
    >>> model = MLP([2, 3, 1], activation="relu")
    >>> net = to_torch(model, np.arange(13.0))
    >>> net
    Sequential(
      (0): Linear(in_features=2, out_features=3, bias=True)
      (1): ReLU()
      (2): Linear(in_features=3, out_features=1, bias=True)
    )
    >>> back, theta = from_torch(net)
    >>> back == model, theta.tolist() == list(range(13))
    (True, True)
    """
    torch = require("torch", "to_torch")
    nn = torch.nn
    modules = {name: getattr(nn, cls) for cls, name in TORCH_MODULES.items()}
    dtype = torch.float64 if dtype is None else dtype
    out = []
    for layer in dense_layers(model, theta, "to_torch"):
        n_out, n_in = layer.weight.shape
        linear = nn.Linear(n_in, n_out, bias=layer.bias is not None, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(layer.weight))
            if layer.bias is not None:
                linear.bias.copy_(torch.from_numpy(layer.bias))
        out.append(linear)
        if layer.activation != "identity":
            out.append(modules[layer.activation]())
    return nn.Sequential(*out)
