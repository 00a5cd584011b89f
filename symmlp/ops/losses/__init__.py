"""The losses, one class per file, and their registry.

- ``"mse"``: ``l = 1/2 ||yhat - y||^2``, any output activation;
- ``"bce"``: binary cross-entropy on a sigmoid output, from the logits;
- ``"softmax_ce"``: softmax cross-entropy on logits (at least two outputs);
- ``"huber"``: the Huber loss with delta = 1;
- ``"logcosh"``: ``log cosh(yhat - y)``.
"""

from __future__ import annotations

from .base import Loss
from .bce import BCE
from .huber import Huber
from .logcosh import LogCosh
from .mse import MSE
from .softmax_ce import SoftmaxCE

__all__ = ["Loss", "get_loss", "loss_names", "register_loss"]

_REGISTRY: dict[str, Loss] = {cls.name: cls() for cls in (MSE, BCE, SoftmaxCE, Huber, LogCosh)}


def register_loss(loss: Loss) -> Loss:
    """Add ``loss`` (an instance of a :class:`Loss` subclass) under ``loss.name``.

    Examples
    ========

    >>> from symmlp.ops.losses import Loss, register_loss
    >>> register_loss("mse")
    Traceback (most recent call last):
    ...
    TypeError: register_loss needs an instance of a Loss subclass, got 'mse'
    """
    if not isinstance(loss, Loss):
        raise TypeError(f"register_loss needs an instance of a Loss subclass, got {loss!r}")
    if not loss.name or not loss.name.isidentifier():
        raise ValueError(f"a loss needs a name that is an identifier, got {loss.name!r}")
    _REGISTRY[loss.name] = loss
    return loss


def loss_names() -> tuple[str, ...]:
    """The registered loss names.

    Returns
    =======

    tuple of str
        Sorted; each accepted by :func:`get_loss` and as the ``loss`` argument
        of every function that takes one.

    Examples
    ========

    >>> from symmlp.ops.losses import loss_names
    >>> loss_names()
    ('bce', 'huber', 'logcosh', 'mse', 'softmax_ce')
    """
    return tuple(sorted(_REGISTRY))


def get_loss(name: str | Loss) -> Loss:
    """Look up a loss by name.

    Parameters
    ==========

    name : str or Loss
        One of :func:`loss_names`; a ``Loss`` is returned as is.

    Returns
    =======

    Loss

    Examples
    ========

    >>> from symmlp.ops.losses import get_loss
    >>> get_loss("mse").name
    'mse'
    >>> get_loss("hinge")
    Traceback (most recent call last):
    ...
    ValueError: unknown loss 'hinge'; valid names: bce, huber, logcosh, mse, softmax_ce
    """
    if isinstance(name, Loss):
        return name
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(f"unknown loss {name!r}; valid names: {', '.join(loss_names())}")
    return _REGISTRY[name]
