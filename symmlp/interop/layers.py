"""Dense layers ``a = sigma(W a + b)``: what symmlp models share with PyTorch and JAX MLPs.

:func:`dense_layers` reads a model's chain of affine maps and activations
into layers; :func:`model_of_layers` builds the model of given layers and
its ``theta``.  Both go through ``model.layout``: a weight block is
``(n_out, n_in)`` with row ``i`` for output unit ``i``, as ``torch.nn.Linear.weight``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..models.chain import Model, check_model
from ..models.mlp import MLP
from ..models.serial import serial
from ..models.stages import Affine, Elementwise

__all__ = ["DenseLayer", "DENSE_ACTIVATIONS", "dense_layers", "model_of_layers"]

DENSE_ACTIVATIONS = ("identity", "relu", "tanh", "sigmoid", "softplus")
"""The activations every side knows (torch.nn and jax.nn both have them)."""


@dataclass(frozen=True)
class DenseLayer:
    """``sigma(W a + b)``: ``weight`` of shape ``(n_out, n_in)``, ``bias`` of shape ``(n_out,)`` or None."""

    weight: np.ndarray
    bias: np.ndarray | None
    activation: str = "identity"


def _theta(model: Model, theta) -> np.ndarray:
    t = np.asarray(theta)
    if t.dtype.kind not in "fiu" or t.shape != (model.num_params,):
        raise ValueError(f"theta must be a real array of shape ({model.num_params},) in model.params order, "
                         f"got {t.dtype} of shape {t.shape}")
    _finite(t, "theta")
    return t.astype(np.float64)


def _finite(values: np.ndarray, what: str) -> None:
    if not np.isfinite(values).all():
        raise ValueError(f"{what} holds NaN or inf; only finite parameters convert")


def dense_layers(model: Model, theta, what: str) -> list[DenseLayer]:
    """``model``'s chain as dense layers with ``theta``'s values, or a ValueError naming the stage
    ``what`` (the caller's name) cannot express.

    Examples
    ========

    >>> from symmlp import MLP, Polynomial
    >>> from symmlp.interop.layers import dense_layers
    >>> [(l.weight.shape, l.activation) for l in dense_layers(MLP([2, 3, 1]), range(13), "to_torch")]
    [((3, 2), 'tanh'), ((1, 3), 'identity')]
    >>> dense_layers(Polynomial(2, 2), range(6), "to_torch")
    Traceback (most recent call last):
    ...
    ValueError: to_torch handles chains of affine maps and the activations ...; stage 0 of ... is Monomials...
    """
    check_model(model)
    blocks = model.unflatten(_theta(model, theta))
    layers: list[DenseLayer] = []
    for i, stage in enumerate(model.stages):
        spec = stage.spec() or {}
        if spec.get("stage") == "affine":
            parts = {b.role: blocks[b.name].copy() for b in model.layout.of_stage(i)}
            layers.append(DenseLayer(parts["weight"], parts.get("bias")))
        elif (spec.get("stage") == "elementwise" and spec["activation"] in DENSE_ACTIVATIONS and layers
              and layers[-1].activation == "identity"):
            layers[-1] = replace(layers[-1], activation=spec["activation"])
        else:
            raise ValueError(f"{what} handles chains of affine maps and the activations "
                             f"{', '.join(DENSE_ACTIVATIONS)}; stage {i} of {model!r} is {stage!r}")
    return layers


def model_of_layers(layers: list[DenseLayer]) -> tuple[Model, np.ndarray]:
    """The model of ``layers`` and its ``theta``: an :class:`~symmlp.models.mlp.MLP` when every
    layer has a bias, else a :func:`~symmlp.models.serial.serial` chain with ``bias=False`` maps.

    Examples
    ========

    >>> import numpy as np
    >>> from symmlp.interop.layers import DenseLayer, model_of_layers
    >>> model, theta = model_of_layers([DenseLayer(np.ones((3, 2)), np.zeros(3), "relu"),
    ...                                 DenseLayer(np.ones((1, 3)), np.zeros(1))])
    >>> model, theta.size
    (MLP([2, 3, 1], activation='relu', output_activation='identity'), 13)
    """
    if not layers:
        raise ValueError("there must be at least one dense layer")
    for k, layer in enumerate(layers, start=1):
        _finite(layer.weight, f"layer {k}'s weight")
        if layer.bias is not None:
            _finite(layer.bias, f"layer {k}'s bias")
    for k, (a, b) in enumerate(zip(layers, layers[1:]), start=1):
        if b.weight.shape[1] != a.weight.shape[0]:
            raise ValueError(f"layer {k + 1} takes {b.weight.shape[1]} inputs but layer {k} gives "
                             f"{a.weight.shape[0]}")
    acts = [layer.activation for layer in layers]
    if all(layer.bias is not None for layer in layers):
        widths = [layers[0].weight.shape[1], *(layer.weight.shape[0] for layer in layers)]
        model: Model = MLP(widths, activation=acts[:-1], output_activation=acts[-1])
    else:
        stages = []
        for l, layer in enumerate(layers, start=1):
            n_out, n_in = layer.weight.shape
            stages += [Affine(n_in, n_out, l, bias=layer.bias is not None), Elementwise(n_out, l, layer.activation)]
        model = serial(*stages)
    with_params = [i for i in range(len(model.stages)) if model.layout.of_stage(i)]
    parts = {}
    for i, layer in zip(with_params, layers):
        for block in model.layout.of_stage(i):
            parts[block.name] = layer.weight if block.role == "weight" else layer.bias
    return model, model.flatten(parts).astype(np.float64)
