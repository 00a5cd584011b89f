"""Models given by their layer widths (MLP, KAN): the widths checked once, and the sizes they imply."""

from __future__ import annotations

from collections.abc import Sequence

from ..core.validate import check_positive_int
from ..ops.activations import Activation
from .chain import Model

__all__ = ["LayeredModel", "check_widths"]


def check_widths(widths: Sequence[int]) -> tuple[int, ...]:
    """``widths`` as a tuple of at least two positive ints, or a clear error.

    Examples
    ========

    >>> from symmlp.models.layered import check_widths
    >>> check_widths([2, 3, 1])
    (2, 3, 1)
    >>> check_widths([2])
    Traceback (most recent call last):
    ...
    ValueError: widths needs at least two entries (inputs and outputs), got [2]
    """
    if isinstance(widths, str | bytes) or not isinstance(widths, Sequence):
        raise TypeError(
            f"widths must be a sequence of positive ints such as [2, 3, 1], got {widths!r}"
        )
    if len(widths) < 2:
        raise ValueError(
            f"widths needs at least two entries (inputs and outputs), got {list(widths)!r}"
        )
    return tuple(check_positive_int(w, f"widths[{i}]") for i, w in enumerate(widths))


class LayeredModel(Model):
    """A model of ``L = len(widths) - 1`` layers, layer ``l`` mapping ``widths[l-1]`` numbers to
    ``widths[l]`` and then applying ``sigmas[l-1]`` elementwise.

    Subclasses set ``widths`` (through :func:`check_widths`) and ``sigmas`` in
    ``__init__``; the input and output counts follow from the widths.

    Examples
    ========

    >>> from symmlp import KAN, MLP
    >>> net = MLP([2, 3, 1])
    >>> net.n_inputs, net.n_outputs, net.n_layers
    (2, 1, 2)
    >>> KAN([3, 2, 2, 1]).n_layers
    3
    """

    widths: tuple[int, ...]
    sigmas: tuple[Activation, ...]

    @property
    def n_inputs(self) -> int:
        return self.widths[0]

    @property
    def n_outputs(self) -> int:
        return self.widths[-1]

    @property
    def n_layers(self) -> int:
        """The number of layers ``L`` (affine maps of an MLP, edge-function layers of a KAN)."""
        return len(self.widths) - 1
